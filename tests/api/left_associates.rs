//! Issue #11: an associate who leaves the cooperative (withdrawn, excluded,
//! deceased) loses every access at once: browser session, API token,
//! pending login and reset links, voting card and convocation link. Each
//! is refused afterwards, and nothing is recorded.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::{A_EMAIL, A_PASSWORD, Creds, Who, fixture, log_in};

both_backends!(
    a_withdrawn_associate_loses_every_access,
    an_excluded_or_deceased_associate_cannot_log_in,
);

fn mail_files(app: &TestApp) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(app.mail_dir()) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
}

/// Every 64-hex token after `marker` in the e-mails written so far.
fn tokens_in_mails(app: &TestApp, marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for file in mail_files(app) {
        let raw = std::fs::read_to_string(file).expect("read the e-mail");
        let text = raw
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        let mut rest = text.as_str();
        while let Some(start) = rest.find(marker) {
            rest = &rest[start + marker.len()..];
            let token: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
            if token.len() == 64 && !found.contains(&token) {
                found.push(token);
            }
        }
    }
    found
}

/// Waits for an e-mail with a token after `marker` not in `known`.
async fn new_token_in_mail(app: &TestApp, known: &[String], marker: &str) -> String {
    for _ in 0..100 {
        if let Some(token) = tokens_in_mails(app, marker)
            .into_iter()
            .find(|t| !known.contains(t))
        {
            return token;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no new e-mail with {marker} in {}",
        app.mail_dir().display()
    );
}

async fn ask_link(app: &TestApp, path: &str) -> String {
    let marker = if path == "/login/link" {
        "/login/link/"
    } else {
        "/password/reset/"
    };
    let known = tokens_in_mails(app, marker);
    let res = app
        .client
        .post(app.url(path))
        .form(&[("email", A_EMAIL)])
        .send()
        .await
        .expect("ask for a link");
    assert_eq!(res.status(), 200, "{path}");
    new_token_in_mail(app, &known, marker).await
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("scrutin_session=") && !v.starts_with("scrutin_session=;"))
        .map(str::to_string)
}

async fn get(app: &TestApp, path: &str, creds: &Creds) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if let Some(token) = &creds.token {
        req = req.bearer_auth(token);
    }
    if let Some(cookie) = &creds.cookie {
        req = req.header("Cookie", cookie);
    }
    req.send().await.expect("request")
}

fn to_login(res: &reqwest::Response) -> bool {
    res.status() == 303
        && res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.starts_with("/login?next="))
}

async fn ballots_of(app: &TestApp, admin: &str, assembly: i64) -> i64 {
    let body: Value = app
        .get_api(&format!("/api/v1/assemblies/{assembly}"), Some(admin))
        .await
        .json()
        .await
        .expect("JSON");
    body["resolutions"]
        .as_array()
        .expect("resolutions")
        .iter()
        .map(|r| r["ballots"].as_i64().unwrap_or(-1))
        .sum()
}

async fn attendance(app: &TestApp, admin: &str, assembly: i64) -> String {
    app.get_api(
        &format!("/api/v1/assemblies/{assembly}/attendance"),
        Some(admin),
    )
    .await
    .text()
    .await
    .expect("body")
}

async fn a_withdrawn_associate_loses_every_access(app: TestApp) {
    let fx = fixture(&app).await;
    let admin = log_in(&app, Who::Admin).await;
    let admin_token = admin.token.clone().expect("admin token");
    let alice = log_in(&app, Who::Associate).await;
    let bruno = log_in(&app, Who::OtherAssociate).await;
    let login_link = ask_link(&app, "/login/link").await;
    let reset_link = ask_link(&app, "/password/forgot").await;
    let card = fx.card.clone();
    let (assembly, resolution) = (fx.assembly, fx.resolution);

    // Before: each of them works (reading only; nothing is cast).
    assert_eq!(get(&app, "/dashboard", &alice).await.status(), 200);
    let api_only = Creds {
        token: alice.token.clone(),
        ..Creds::default()
    };
    assert_eq!(get(&app, "/api/v1/me", &api_only).await.status(), 200);
    let nobody = Creds::default();
    assert_eq!(
        get(&app, &format!("/vote/{card}"), &nobody).await.status(),
        200
    );
    assert_eq!(
        get(&app, &format!("/login/link/{login_link}"), &nobody)
            .await
            .status(),
        200
    );
    assert_eq!(
        get(&app, &format!("/password/reset/{reset_link}"), &nobody)
            .await
            .status(),
        200
    );
    assert_eq!(ballots_of(&app, &admin_token, assembly).await, 0);
    // Alice withdraws.
    let res = app
        .post_json(
            &format!("/api/v1/associates/{}/withdraw", fx.associate),
            &json!({"on": "2025-06-30", "reason": "withdrawal"}),
            Some(&admin_token),
        )
        .await;
    assert_eq!(res.status(), 200);
    let attendance_before = attendance(&app, &admin_token, assembly).await;

    // Her browser session: the pages send her to the login, a form is refused.
    let res = get(&app, "/dashboard", &alice).await;
    assert!(to_login(&res), "the dashboard: {}", res.status());
    let res = get(&app, &format!("/associates/{}", fx.associate), &alice).await;
    assert!(to_login(&res), "her own record: {}", res.status());
    let res = app
        .client
        .post(app.url(&format!("/assemblies/{assembly}/check-in")))
        .header("Cookie", alice.cookie.as_deref().expect("cookie"))
        .form(&[("csrf", alice.csrf.as_str())])
        .send()
        .await
        .expect("check-in");
    assert!(to_login(&res), "the check-in page: {}", res.status());

    // Her API token.
    let token = alice.token.as_deref().expect("token");
    let res = app.get_api("/api/v1/me", Some(token)).await;
    assert_eq!(res.status(), 401);
    let res = app
        .post_json(
            &format!("/api/v1/resolutions/{resolution}/ballots"),
            &json!({"choice": "for"}),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), 401, "a ballot with her API token");
    let res = app
        .post_json(
            &format!("/api/v1/assemblies/{assembly}/check-in"),
            &json!({}),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), 401, "a check-in with her API token");

    // Her voting card, on the API and on the voting page.
    let res = app
        .post_json(
            &format!("/api/v1/resolutions/{resolution}/ballots"),
            &json!({"choice": "against"}),
            Some(&card),
        )
        .await;
    assert_eq!(res.status(), 403, "a ballot with her card");
    let res = get(&app, &format!("/vote/{card}"), &nobody).await;
    assert_eq!(res.status(), 403, "the voting page");
    let res = app
        .client
        .post(app.url(&format!("/vote/{card}")))
        .form(&[
            ("form_key", fx.form_key.clone()),
            ("resolution_id", resolution.to_string()),
            ("choice", "against".to_string()),
        ])
        .send()
        .await
        .expect("a vote");
    assert_eq!(res.status(), 403, "a vote on the voting page");
    let res = app
        .client
        .post(app.url(&format!("/vote/{card}/check-in")))
        .form(&[("form_key", fx.form_key.clone())])
        .send()
        .await
        .expect("a check-in");
    assert_eq!(res.status(), 403, "a check-in on the voting page");

    // Her pending links: no longer valid, no session.
    for path in [
        format!("/login/link/{login_link}"),
        format!("/password/reset/{reset_link}"),
    ] {
        let res = get(&app, &path, &nobody).await;
        assert_eq!(res.status(), 410, "GET {path}");
    }
    let res = app
        .client
        .post(app.url(&format!("/login/link/{login_link}")))
        .send()
        .await
        .expect("use the login link");
    assert_eq!(res.status(), 410);
    assert_eq!(session_cookie(&res), None);
    let res = app
        .client
        .post(app.url(&format!("/password/reset/{reset_link}")))
        .form(&[
            ("password", "a brand new long password"),
            ("confirm", "a brand new long password"),
        ])
        .send()
        .await
        .expect("use the reset link");
    assert_eq!(res.status(), 410);
    assert_eq!(session_cookie(&res), None);

    // Her password: no new token, no new session.
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": A_EMAIL, "password": A_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(res.status(), 403, "the API login");
    let body: Value = res.json().await.expect("JSON");
    assert!(body.get("token").is_none(), "{body}");
    let res = app
        .client
        .post(app.url("/login"))
        .form(&[("email", A_EMAIL), ("password", A_PASSWORD)])
        .send()
        .await
        .expect("the login form");
    assert_eq!(res.status(), 403, "the login page");
    assert_eq!(session_cookie(&res), None);

    // Nothing was recorded: no ballot, no check-in, the old password
    // still the one (the reset link did not serve).
    assert_eq!(ballots_of(&app, &admin_token, assembly).await, 0);
    assert_eq!(
        attendance(&app, &admin_token, assembly).await,
        attendance_before
    );
    {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let account = scrutin::db::models::account::Account::by_email(&mut conn, A_EMAIL)
            .expect("query")
            .expect("her account");
        let hash = account.password_hash.expect("a password");
        assert!(scrutin::services::accounts::verify_password(
            A_PASSWORD, &hash
        ));
    }

    // Bruno, still an associate, keeps his access and votes.
    let res = app.get_api("/api/v1/me", bruno.token.as_deref()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(get(&app, "/dashboard", &bruno).await.status(), 200);
    let res = app
        .post_json(
            &format!("/api/v1/resolutions/{resolution}/ballots"),
            &json!({"choice": "for"}),
            bruno.token.as_deref(),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(ballots_of(&app, &admin_token, assembly).await, 1);
}

/// Exclusion and death end the access too (through the pages' form this
/// time), and the staff keep theirs.
async fn an_excluded_or_deceased_associate_cannot_log_in(app: TestApp) {
    let fx = fixture(&app).await;
    let admin = log_in(&app, Who::Admin).await;
    let alice = log_in(&app, Who::Associate).await;
    let bruno = log_in(&app, Who::OtherAssociate).await;
    let bruno_id = {
        let body: Value = app
            .get_api("/api/v1/me", bruno.token.as_deref())
            .await
            .json()
            .await
            .expect("JSON");
        body["associate_id"].as_i64().expect("Bruno's associate id")
    };
    for (id, reason) in [(fx.associate, "exclusion"), (bruno_id, "death")] {
        let res = app
            .client
            .post(app.url(&format!("/associates/{id}/withdraw")))
            .header("Cookie", admin.cookie.as_deref().expect("cookie"))
            .form(&[
                ("departure_on", "2025-06-30"),
                ("reason", reason),
                ("csrf", admin.csrf.as_str()),
            ])
            .send()
            .await
            .expect("the departure");
        assert_eq!(res.status(), 303, "{reason}");
    }
    for (who, creds) in [("Alice", &alice), ("Bruno", &bruno)] {
        let res = app.get_api("/api/v1/me", creds.token.as_deref()).await;
        assert_eq!(res.status(), 401, "{who}'s token");
        assert!(to_login(&get(&app, "/dashboard", creds).await), "{who}");
    }
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": A_EMAIL, "password": A_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app.get_api("/api/v1/me", admin.token.as_deref()).await;
    assert_eq!(res.status(), 200, "the staff keep their access");
    assert_eq!(get(&app, "/dashboard", &admin).await.status(), 200);
}
