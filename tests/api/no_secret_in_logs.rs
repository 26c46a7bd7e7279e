//! SECURITY.md: "No log line at any level holds a token, a password, a
//! receipt of a secret ballot or a choice." The real binary is started at
//! the default log level (`RUST_LOG` unset: `info`, the access log on), its
//! standard error kept in a file; a whole secret vote is run through it —
//! convocation links, a voting card and its page, API ballots, a login link,
//! a password reset — and the log is then searched for every secret used.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::crash::url_of;
use crate::helpers::{A_EMAIL, A_PASSWORD, B_EMAIL, B_PASSWORD, Creds, Who, input_value, log_in};
use crate::helpers::{ADMIN_PASSWORD, TestApp};
use crate::helpers::{in_a_month, put_colleges};

both_backends!(no_token_receipt_password_or_choice_reaches_the_log);

const NEW_PASSWORD: &str = "Bruno's brand new passphrase";

/// The real binary on the test's database, at the default log level, its
/// standard error written to `dir/server.log`.
fn serve_with_log(url: &str, dir: &Path) -> (Child, String, PathBuf) {
    let log = dir.join("server.log");
    let file = std::fs::File::create(&log).expect("the log file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("SCRUTIN_BIND", "127.0.0.1:0")
        .env("SCRUTIN_MAIL_DIR", dir.join("mail"))
        .env_remove("RUST_LOG")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::from(file))
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("its address");
    let address = line.trim().trim_start_matches("listening on ").to_string();
    (child, address, log)
}

fn mails(app: &TestApp) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(app.mail_dir()) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .expect("read the e-mail")
                .replace("=\r\n", "")
                .replace("=\n", "")
                .replace("=3D", "=")
        })
        .collect()
}

/// Every 64-hex token after `marker` in the e-mails.
fn tokens_after(mails: &[String], marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for mail in mails {
        let mut rest = mail.as_str();
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

/// Waits for an e-mail with a new token after `marker`.
async fn new_token(app: &TestApp, marker: &str, known: usize) -> String {
    for _ in 0..100 {
        let tokens = tokens_after(&mails(app), marker);
        if tokens.len() > known {
            return tokens[known].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no new e-mail with {marker}");
}

async fn admit(app: &TestApp, token: &str, college: i64, name: &str, email: &str, password: &str) {
    let res = app
        .post_json(
            "/api/v1/associates",
            &json!({
                "name": name, "email": email, "kind": "person", "category": "beneficiary",
                "college_id": college, "admitted_on": "2025-01-02", "password": password
            }),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), 201, "{name}");
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post_json(path, &body, Some(token)).await;
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert!(status < 300, "{path}: {status} {body}");
    body
}

fn cookie_value(creds: &Creds) -> String {
    creds
        .cookie
        .as_deref()
        .and_then(|c| c.split_once('='))
        .map(|(_, v)| v.to_string())
        .expect("a session cookie")
}

async fn no_token_receipt_password_or_choice_reaches_the_log(app: TestApp) {
    let dir = tempfile::tempdir().expect("dir");
    let (mut child, address, log) = serve_with_log(&url_of(&app), dir.path());
    let server = app.served_by(address, dir);
    let mut secrets: Vec<(String, String)> = Vec::new();

    // The cooperative, two associates with logins, an assembly with a
    // secret resolution, convened, both present, open.
    let admin = server.admin_token().await;
    secrets.push(("the admin's API token".into(), admin.clone()));
    let colleges = put_colleges(&server, &admin, &["40", "30", "30"]).await;
    admit(
        &server,
        &admin,
        colleges[0],
        "Alice Martin",
        A_EMAIL,
        A_PASSWORD,
    )
    .await;
    admit(
        &server,
        &admin,
        colleges[1],
        "Bruno Petit",
        B_EMAIL,
        B_PASSWORD,
    )
    .await;
    let assembly = post(
        &server,
        &admin,
        "/api/v1/assemblies",
        json!({"title": "AG", "kind": "ordinary", "starts_at": in_a_month(), "place": "Lyon", "call": 1}),
    )
    .await["id"]
        .as_i64()
        .expect("assembly");
    let resolution = post(
        &server,
        &admin,
        &format!("/api/v1/assemblies/{assembly}/resolutions"),
        json!({"title": "Élection", "text": "Au scrutin secret", "majority": "ordinary", "secret": true}),
    )
    .await["id"]
        .as_i64()
        .expect("resolution");
    post(
        &server,
        &admin,
        &format!("/api/v1/assemblies/{assembly}/convene"),
        json!({}),
    )
    .await;
    let alice = log_in(&server, Who::Associate).await;
    let bruno = log_in(&server, Who::OtherAssociate).await;
    for (who, creds) in [("Alice", &alice), ("Bruno", &bruno)] {
        secrets.push((
            format!("{who}'s API token"),
            creds.token.clone().expect("token"),
        ));
        secrets.push((format!("{who}'s session"), cookie_value(creds)));
        secrets.push((format!("{who}'s CSRF token"), creds.csrf.clone()));
    }
    let me: Value = server
        .get_api("/api/v1/me", alice.token.as_deref())
        .await
        .json()
        .await
        .expect("JSON");
    let alice_id = me["associate_id"].as_i64().expect("Alice's id");
    let me: Value = server
        .get_api("/api/v1/me", bruno.token.as_deref())
        .await
        .json()
        .await
        .expect("JSON");
    let bruno_id = me["associate_id"].as_i64().expect("Bruno's id");
    // The convocation links, read from the e-mails.
    let mut convocations = Vec::new();
    for _ in 0..100 {
        convocations = tokens_after(&mails(&server), "/vote/");
        if convocations.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(convocations.len(), 2, "one convocation link each");
    for (i, token) in convocations.iter().enumerate() {
        secrets.push((format!("convocation link {i}"), token.clone()));
    }
    for id in [alice_id, bruno_id] {
        let res = server
            .client
            .put(server.url(&format!("/api/v1/assemblies/{assembly}/attendance/{id}")))
            .bearer_auth(&admin)
            .json(&json!({"mode": "present", "proxy_holder_id": null}))
            .send()
            .await
            .expect("attendance");
        assert_eq!(res.status(), 200);
    }
    post(
        &server,
        &admin,
        &format!("/api/v1/assemblies/{assembly}/open"),
        json!({}),
    )
    .await;
    let cards = post(
        &server,
        &admin,
        &format!("/api/v1/assemblies/{assembly}/voting-cards"),
        json!({"associate_ids": [alice_id]}),
    )
    .await;
    let card = cards["cards"][0]["token"]
        .as_str()
        .expect("a card")
        .to_string();
    secrets.push(("Alice's voting card".into(), card.clone()));
    post(
        &server,
        &admin,
        &format!("/api/v1/resolutions/{resolution}/open"),
        json!({}),
    )
    .await;

    // Alice votes on her card's page; Bruno's convocation link is opened.
    let page = server
        .client
        .get(server.url(&format!("/vote/{card}?lang=fr")))
        .send()
        .await
        .expect("the voting page");
    assert_eq!(page.status(), 200);
    let form_key = input_value(&page.text().await.expect("body"), "form_key").expect("form key");
    secrets.push(("the card's form key".into(), form_key.clone()));
    let res = server
        .client
        .post(server.url(&format!("/vote/{card}/check-in")))
        .form(&[("form_key", form_key.as_str())])
        .send()
        .await
        .expect("check-in on the voting page");
    assert!(res.status().as_u16() < 500, "{}", res.status());
    let res = server
        .client
        .post(server.url(&format!("/vote/{card}")))
        .form(&[
            ("form_key", form_key.clone()),
            ("resolution_id", resolution.to_string()),
            ("choice", "against".to_string()),
        ])
        .send()
        .await
        .expect("Alice votes");
    assert!(
        matches!(res.status().as_u16(), 200 | 303),
        "Alice's vote: {}",
        res.status()
    );
    for token in &convocations {
        let res = server
            .client
            .get(server.url(&format!("/vote/{token}")))
            .send()
            .await
            .expect("a convocation link");
        assert_eq!(res.status(), 200);
    }
    // Bruno votes with his API token.
    let res = server
        .post_json(
            &format!("/api/v1/resolutions/{resolution}/ballots"),
            &json!({"choice": "abstain"}),
            bruno.token.as_deref(),
        )
        .await;
    assert_eq!(res.status(), 201, "Bruno's ballot");
    let receipt: Value = res.json().await.expect("JSON");
    secrets.push((
        "Bruno's receipt".into(),
        receipt["receipt"].as_str().expect("receipt").to_string(),
    ));

    // A login link for Alice, a password reset for Bruno, both used.
    let res = server
        .client
        .post(server.url("/login/link"))
        .form(&[("email", A_EMAIL)])
        .send()
        .await
        .expect("a login link");
    assert_eq!(res.status(), 200);
    let link = new_token(&server, "/login/link/", 0).await;
    secrets.push(("the login link".into(), link.clone()));
    let res = server
        .client
        .get(server.url(&format!("/login/link/{link}")))
        .send()
        .await
        .expect("the link's page");
    assert_eq!(res.status(), 200);
    let res = server
        .client
        .post(server.url(&format!("/login/link/{link}")))
        .send()
        .await
        .expect("the link used");
    assert_eq!(res.status(), 303);
    let res = server
        .client
        .post(server.url("/password/forgot"))
        .form(&[("email", B_EMAIL)])
        .send()
        .await
        .expect("a reset link");
    assert_eq!(res.status(), 200);
    let reset = new_token(&server, "/password/reset/", 0).await;
    secrets.push(("the reset link".into(), reset.clone()));
    let res = server
        .client
        .get(server.url(&format!("/password/reset/{reset}")))
        .send()
        .await
        .expect("the reset page");
    assert_eq!(res.status(), 200);
    let res = server
        .client
        .post(server.url(&format!("/password/reset/{reset}")))
        .form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .send()
        .await
        .expect("the reset used");
    assert_eq!(res.status(), 303);
    // A token in a query string: the login's `next`.
    let res = server
        .client
        .get(server.url(&format!("/login?next=/vote/{card}")))
        .send()
        .await
        .expect("the login form");
    assert_eq!(res.status(), 200);

    // The vote closes; its receipts are published.
    post(
        &server,
        &admin,
        &format!("/api/v1/resolutions/{resolution}/close"),
        json!({}),
    )
    .await;
    let published: Value = server
        .get_api(
            &format!("/api/v1/resolutions/{resolution}/receipts"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let receipts: Vec<String> = published["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .filter_map(|r| r["receipt"].as_str().map(str::to_string))
        .collect();
    assert_eq!(receipts.len(), 2, "{published}");
    for (i, receipt) in receipts.into_iter().enumerate() {
        secrets.push((format!("published receipt {i}"), receipt));
    }
    for (who, password) in [
        ("the admin", ADMIN_PASSWORD),
        ("Alice", A_PASSWORD),
        ("Bruno", B_PASSWORD),
        ("Bruno (new)", NEW_PASSWORD),
    ] {
        secrets.push((format!("{who}'s password"), password.to_string()));
    }

    // Stop the server, then read everything it logged.
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).expect("the log");
    // The access log was on: the token routes are in it, redacted.
    for line in [
        "GET /vote/[redacted]",
        "POST /vote/[redacted] ",
        "POST /vote/[redacted]/check-in",
        "POST /login/link/[redacted]",
        "POST /password/reset/[redacted]",
        "GET /login?next=[redacted]",
        &format!("POST /api/v1/resolutions/{resolution}/ballots"),
    ] {
        assert!(text.contains(line), "no {line:?} in the log:\n{text}");
    }
    for (what, secret) in &secrets {
        assert!(secret.len() >= 8, "{what} is a real secret");
        assert!(
            !text.contains(secret.as_str()),
            "{what} is in the log:\n{text}"
        );
    }
    // The choices cast never appear.
    for choice in ["against", "abstain", "contre", "abstention"] {
        assert!(
            !text.to_lowercase().contains(choice),
            "the choice {choice:?} is in the log:\n{text}"
        );
    }
}
