//! SECURITY.md item 2 (issue 6 point 1): one-time links sent by e-mail, to
//! log in or to choose a new password. The e-mails are read from the test
//! server's mail folder; the links serve once, expire, are bound to their
//! purpose, and asking for one says nothing about whether the e-mail exists.

use std::path::PathBuf;
use std::time::Duration;

use diesel::prelude::*;
use scrutin::db::schema::{accounts, audit_log, login_links};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// An associate's account with a password: login links are for associates
/// (staff log in with their password and second factor, see
/// second_factor.rs).
const MEMBER_EMAIL: &str = "alice@example.coop";
const MEMBER_PASSWORD: &str = "alice's long password";

fn create_member(app: &TestApp) {
    let db = app.db();
    let mut conn = db.get().expect("connection");
    scrutin::services::accounts::create_account(
        &mut conn,
        MEMBER_EMAIL,
        MEMBER_PASSWORD,
        scrutin::db::models::account::Role::Associate,
    )
    .expect("the associate's account");
}

both_backends!(
    a_login_link_logs_in_once_and_only_once,
    an_expired_login_link_is_refused,
    an_unknown_email_gets_the_same_answer_and_no_mail,
    a_password_reset_changes_the_password_and_ends_the_tokens,
    too_many_link_requests_get_429,
    the_audit_log_records_logins_links_and_resets_without_secrets,
);

const NEW_PASSWORD: &str = "a brand new long password";

/// The `.eml` files written so far.
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

/// Quoted-printable soft line breaks removed and `=3D` decoded: enough to
/// read a link.
fn decoded(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// Waits (the e-mail is sent in the background) until `count` e-mails are
/// there, and returns them decoded, oldest unknown: in name order.
async fn wait_for_mails(app: &TestApp, count: usize) -> Vec<String> {
    for _ in 0..100 {
        let files = mail_files(app);
        if files.len() >= count {
            return files
                .iter()
                .map(|p| decoded(&std::fs::read_to_string(p).expect("read the e-mail")))
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{count} e-mail(s) expected in {}", app.mail_dir().display());
}

/// The token after `marker` (`/login/link/`, `/password/reset/`).
fn token_in(mail: &str, marker: &str) -> String {
    let start = mail
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} link in:\n{mail}"))
        + marker.len();
    mail[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

async fn ask(app: &TestApp, path: &str, email: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .form(&[("email", email)])
        .send()
        .await
        .expect("request a link")
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if let Some(c) = cookie {
        req = req.header("Cookie", c);
    }
    req.send().await.expect("GET")
}

async fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .expect("POST")
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("scrutin_session=") && !v.starts_with("scrutin_session=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

/// Asks for a login link for the associate and returns its token.
async fn login_link(app: &TestApp, already: usize) -> String {
    let res = ask(app, "/login/link", MEMBER_EMAIL).await;
    assert_eq!(res.status(), 200);
    let mails = wait_for_mails(app, already + 1).await;
    let mail = mails
        .iter()
        .find(|m| m.contains("/login/link/"))
        .expect("a login link e-mail");
    token_in(mail, "/login/link/")
}

async fn a_login_link_logs_in_once_and_only_once(app: TestApp) {
    create_member(&app);
    let res = ask(&app, "/login/link", MEMBER_EMAIL).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("body");
    assert!(page.contains("Si un compte existe"), "{page}");
    assert!(page.contains("valable 10 minutes"), "{page}");
    let mails = wait_for_mails(&app, 1).await;
    let mail = &mails[0];
    assert!(mail.contains(&format!("To: {MEMBER_EMAIL}")), "{mail}");
    assert!(mail.contains("expire dans 10 minutes"), "{mail}");
    let token = token_in(mail, "/login/link/");
    assert!(token.len() >= 32, "at least 128 bits: {token}");

    // The database keeps the digest, never the token.
    {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let hashes: Vec<String> = login_links::table
            .select(login_links::token_hash)
            .load(&mut conn)
            .expect("links");
        assert_eq!(hashes, vec![scrutin::services::secrets::digest(&token)]);
        // ASVS 2.7.2: an e-mailed code lives at most 10 minutes.
        let (created, expires): (chrono::NaiveDateTime, chrono::NaiveDateTime) = login_links::table
            .select((login_links::created_at, login_links::expires_at))
            .first(&mut conn)
            .expect("the link");
        assert_eq!(expires - created, chrono::Duration::minutes(10));
    }

    // Opening the link (as a mail scanner would, twice) does not use it.
    for _ in 0..2 {
        let res = get(&app, &format!("/login/link/{token}"), None).await;
        assert_eq!(res.status(), 200);
        let page = res.text().await.expect("body");
        assert!(
            page.contains(&format!("action=\"/login/link/{token}\"")),
            "{page}"
        );
    }
    // A login link is no reset link.
    let res = post_form(
        &app,
        &format!("/password/reset/{token}"),
        &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), 410);

    // The button logs in, with a fresh session.
    let res = post_form(&app, &format!("/login/link/{token}"), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/dashboard")
    );
    let cookie = session_cookie(&res).expect("a session cookie");
    assert_eq!(get(&app, "/dashboard", Some(&cookie)).await.status(), 200);

    // Once only.
    let res = post_form(&app, &format!("/login/link/{token}"), &[]).await;
    assert_eq!(res.status(), 410);
    assert!(session_cookie(&res).is_none());
    let page = res.text().await.expect("body");
    assert!(page.contains("a expiré ou a déjà servi"), "{page}");
    assert_eq!(
        get(&app, &format!("/login/link/{token}"), None)
            .await
            .status(),
        410
    );
    // A made-up token neither.
    let res = post_form(&app, &format!("/login/link/{}", "ab".repeat(32)), &[]).await;
    assert_eq!(res.status(), 410);
}

async fn an_expired_login_link_is_refused(app: TestApp) {
    create_member(&app);
    let token = login_link(&app, 0).await;
    {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let past = scrutin::db::now() - chrono::Duration::seconds(1);
        let n = diesel::update(login_links::table)
            .set(login_links::expires_at.eq(past))
            .execute(&mut conn)
            .expect("age the link");
        assert_eq!(n, 1);
    }
    assert_eq!(
        get(&app, &format!("/login/link/{token}"), None)
            .await
            .status(),
        410
    );
    let res = post_form(&app, &format!("/login/link/{token}"), &[]).await;
    assert_eq!(res.status(), 410);
    assert!(session_cookie(&res).is_none());
}

async fn an_unknown_email_gets_the_same_answer_and_no_mail(app: TestApp) {
    create_member(&app);
    for path in ["/login/link", "/password/forgot"] {
        let unknown = ask(&app, path, "nobody@example.coop").await;
        let unknown = (unknown.status(), unknown.text().await.expect("body"));
        let malformed = ask(&app, path, "not an address").await;
        let malformed = (malformed.status(), malformed.text().await.expect("body"));
        let known = ask(&app, path, MEMBER_EMAIL).await;
        let known = (known.status(), known.text().await.expect("body"));
        assert_eq!(unknown, known, "{path}");
        assert_eq!(malformed, known, "{path}");
    }
    // Two e-mails, both to the associate; give a stray one time to appear.
    let mails = wait_for_mails(&app, 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mail_files(&app).len(), 2);
    for mail in &mails {
        assert!(mail.contains(&format!("To: {MEMBER_EMAIL}")), "{mail}");
        assert!(!mail.contains("nobody@example.coop"), "{mail}");
    }
}

async fn a_password_reset_changes_the_password_and_ends_the_tokens(app: TestApp) {
    create_member(&app);
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": MEMBER_EMAIL, "password": MEMBER_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let api_token = res.json::<Value>().await.expect("JSON")["token"]
        .as_str()
        .expect("a token")
        .to_string();
    assert_eq!(
        app.get_api("/api/v1/me", Some(&api_token)).await.status(),
        200
    );
    let res = post_form(
        &app,
        "/login",
        &[("email", MEMBER_EMAIL), ("password", MEMBER_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let old_cookie = session_cookie(&res).expect("a session");

    let res = get(&app, "/password/forgot", None).await;
    assert_eq!(res.status(), 200);
    let res = ask(&app, "/password/forgot", MEMBER_EMAIL).await;
    assert_eq!(res.status(), 200);
    let mails = wait_for_mails(&app, 1).await;
    assert!(mails[0].contains("mot de passe"), "{}", mails[0]);
    let token = token_in(&mails[0], "/password/reset/");
    let path = format!("/password/reset/{token}");

    // A reset link is no login link.
    let res = post_form(&app, &format!("/login/link/{token}"), &[]).await;
    assert_eq!(res.status(), 410);

    let res = get(&app, &path, None).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("body").contains("name=\"confirm\""));

    // Refused entries do not use the link.
    let res = post_form(
        &app,
        &path,
        &[
            ("password", NEW_PASSWORD),
            ("confirm", "something else entirely"),
        ],
    )
    .await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.expect("body").contains("pas identiques"));
    let res = post_form(&app, &path, &[("password", "short"), ("confirm", "short")]).await;
    assert_eq!(res.status(), 400);
    assert!(res.text().await.expect("body").contains("12 caractères"));

    let res = post_form(
        &app,
        &path,
        &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/dashboard")
    );
    let new_cookie = session_cookie(&res).expect("a fresh session");
    assert_eq!(
        get(&app, "/dashboard", Some(&new_cookie)).await.status(),
        200
    );

    // Every earlier access is over.
    assert_eq!(
        app.get_api("/api/v1/me", Some(&api_token)).await.status(),
        401
    );
    let res = get(&app, "/dashboard", Some(&old_cookie)).await;
    assert_eq!(res.status(), 303, "the old session is over");

    // The old password is refused, the new one works.
    let login = |password: &'static str| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/auth/login",
                &json!({"email": MEMBER_EMAIL, "password": password}),
                None,
            )
            .await
        }
    };
    assert_eq!(login(MEMBER_PASSWORD).await.status(), 401);
    let res = login(NEW_PASSWORD).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("JSON");
    assert!(body["token"].as_str().is_some());

    // The link served once.
    let res = post_form(
        &app,
        &path,
        &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), 410);
    assert_eq!(get(&app, &path, None).await.status(), 410);
}

async fn too_many_link_requests_get_429(app: TestApp) {
    create_member(&app);
    // Five per e-mail in 15 minutes, login links and resets together,
    // known and unknown e-mails alike.
    for email in [MEMBER_EMAIL, "nobody@example.coop"] {
        for path in [
            "/login/link",
            "/password/forgot",
            "/login/link",
            "/password/forgot",
            "/login/link",
        ] {
            assert_eq!(ask(&app, path, email).await.status(), 200, "{email}");
        }
        for path in ["/login/link", "/password/forgot"] {
            let res = ask(&app, path, email).await;
            assert_eq!(res.status(), 429, "{path} {email}");
            let retry: i64 = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .expect("a Retry-After header in seconds");
            assert!((1..=15 * 60).contains(&retry), "{retry} s");
            let page = res.text().await.expect("body");
            assert!(page.contains("Trop de liens demandés"), "{page}");
        }
    }
    // Another e-mail may still ask.
    assert_eq!(
        ask(&app, "/login/link", "someone@example.coop")
            .await
            .status(),
        200
    );
    // Only the five allowed requests for the associate sent an e-mail.
    wait_for_mails(&app, 5).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(mail_files(&app).len(), 5);
    // The first refusal of each e-mail's lockout is in the audit log, for
    // the known and the unknown e-mail; the later ones are not (a flood
    // must not grow the log, see login_limit.rs).
    let actions: Vec<String> = audit_events(&app).into_iter().map(|e| e.0).collect();
    for (refused, rows) in [
        ("login_link_request_refused", 2),
        ("password_reset_request_refused", 0),
    ] {
        assert_eq!(
            actions.iter().filter(|a| *a == refused).count(),
            rows,
            "{actions:?}"
        );
    }
}

/// The audit log's authentication events, oldest first: (action, account,
/// details as text).
fn audit_events(app: &TestApp) -> Vec<(String, Option<i64>, String)> {
    let db = app.db();
    let mut conn = db.get().expect("connection");
    audit_log::table
        .filter(audit_log::subject.eq("account"))
        .order(audit_log::id)
        .select((audit_log::action, audit_log::subject_id, audit_log::details))
        .load(&mut conn)
        .expect("the audit log")
}

fn reason(details: &str) -> String {
    let v: Value = serde_json::from_str(details).expect("JSON details");
    v["reason"].as_str().unwrap_or_default().to_string()
}

async fn the_audit_log_records_logins_links_and_resets_without_secrets(app: TestApp) {
    create_member(&app);
    let member: i64 = {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        accounts::table
            .filter(accounts::email.eq(MEMBER_EMAIL))
            .select(accounts::id)
            .first(&mut conn)
            .expect("the associate's account")
    };
    let wrong_password = "not the right password at all";
    let res = post_form(
        &app,
        "/login",
        &[("email", MEMBER_EMAIL), ("password", wrong_password)],
    )
    .await;
    assert_eq!(res.status(), 401);
    let res = post_form(
        &app,
        "/login",
        &[("email", MEMBER_EMAIL), ("password", MEMBER_PASSWORD)],
    )
    .await;
    assert_eq!(res.status(), 303);

    // A login link asked for, used, used again; an unknown e-mail.
    let login_token = login_link(&app, 0).await;
    assert_eq!(
        ask(&app, "/login/link", "nobody@example.coop")
            .await
            .status(),
        200
    );
    let path = format!("/login/link/{login_token}");
    assert_eq!(post_form(&app, &path, &[]).await.status(), 303);
    assert_eq!(post_form(&app, &path, &[]).await.status(), 410);

    // A reset link tried as a login link, then expired, then a fresh one used.
    assert_eq!(
        ask(&app, "/password/forgot", MEMBER_EMAIL).await.status(),
        200
    );
    let mails = wait_for_mails(&app, 2).await;
    let expired_token = token_in(
        mails
            .iter()
            .find(|m| m.contains("/password/reset/"))
            .expect("a reset e-mail"),
        "/password/reset/",
    );
    let res = post_form(&app, &format!("/login/link/{expired_token}"), &[]).await;
    assert_eq!(res.status(), 410);
    {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let past = scrutin::db::now() - chrono::Duration::seconds(1);
        diesel::update(login_links::table)
            .set(login_links::expires_at.eq(past))
            .execute(&mut conn)
            .expect("age the link");
    }
    let fields = [("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)];
    let res = post_form(&app, &format!("/password/reset/{expired_token}"), &fields).await;
    assert_eq!(res.status(), 410);
    assert_eq!(
        ask(&app, "/password/forgot", MEMBER_EMAIL).await.status(),
        200
    );
    let mails = wait_for_mails(&app, 3).await;
    let reset_token = mails
        .iter()
        .map(|m| token_in_or_empty(m, "/password/reset/"))
        .find(|t| !t.is_empty() && *t != expired_token)
        .expect("a second reset e-mail");
    let res = post_form(&app, &format!("/password/reset/{reset_token}"), &fields).await;
    assert_eq!(res.status(), 303);

    let events = audit_events(&app);
    let seen: Vec<(&str, Option<i64>, String)> = events
        .iter()
        .map(|(action, account, details)| (action.as_str(), *account, reason(details)))
        .collect();
    let none = String::new;
    assert_eq!(
        seen,
        vec![
            ("password_login_failed", Some(member), none()),
            ("password_login", Some(member), none()),
            ("login_link_requested", Some(member), none()),
            ("login_link_requested", None, none()),
            ("login_link_used", Some(member), none()),
            ("login_link_refused", None, "unknown_or_used".to_string()),
            ("password_reset_requested", Some(member), none()),
            (
                "login_link_refused",
                Some(member),
                "wrong_purpose".to_string()
            ),
            (
                "password_reset_refused",
                Some(member),
                "expired".to_string()
            ),
            ("password_reset_requested", Some(member), none()),
            ("password_reset_used", Some(member), none()),
        ]
    );
    // Where from, and never a secret: no token, no digest, no password, no
    // e-mail typed for an unknown account.
    for (action, _, details) in &events {
        let v: Value = serde_json::from_str(details).expect("JSON details");
        assert!(
            v["address"].as_str().is_some_and(|a| !a.is_empty()),
            "{action}: {details}"
        );
        for secret in [&login_token, &expired_token, &reset_token] {
            assert!(!details.contains(secret.as_str()), "{action}: {details}");
            let digest = scrutin::services::secrets::digest(secret);
            assert!(!details.contains(&digest), "{action}: {details}");
        }
        for secret in [
            wrong_password,
            MEMBER_PASSWORD,
            NEW_PASSWORD,
            "nobody@example.coop",
        ] {
            assert!(!details.contains(secret), "{action}: {details}");
        }
    }
}

fn token_in_or_empty(mail: &str, marker: &str) -> String {
    if mail.contains(marker) {
        token_in(mail, marker)
    } else {
        String::new()
    }
}
