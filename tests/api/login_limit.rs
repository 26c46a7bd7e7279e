//! SECURITY.md item 1: failed logins are limited per e-mail (10 in 15
//! minutes) and per client address (50), then answered 429 with
//! `Retry-After`, on the API and on the login form; the count lives in the
//! database, so every process of the instance shares it.

use diesel::prelude::*;
use scrutin::db::schema::login_attempts;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};

both_backends!(
    ten_failures_lock_the_email_until_the_window_passes,
    fifty_failures_lock_the_address,
    a_flood_of_refused_logins_writes_one_audit_row,
    thirty_concurrent_failures_check_ten_passwords,
);

async fn api_login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/login",
        &json!({"email": email, "password": password}),
        None,
    )
    .await
}

async fn form_login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("login form")
}

/// Checks a 429: the header and the JSON error shape; the seconds to wait.
async fn locked_out(res: reqwest::Response) -> i64 {
    assert_eq!(res.status(), 429);
    let retry: i64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header in seconds");
    assert!((1..=15 * 60).contains(&retry), "{retry} s");
    let body: Value = res.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "too_many_attempts");
    assert!(!body["error"]["message"].as_str().unwrap_or("").is_empty());
    assert_eq!(body["error"]["details"]["retry_after_seconds"], retry);
    retry
}

async fn ten_failures_lock_the_email_until_the_window_passes(app: TestApp) {
    app.create_admin();
    // A success forgets the e-mail's earlier failures.
    for _ in 0..9 {
        assert_eq!(
            api_login(&app, ADMIN_EMAIL, "wrong password!")
                .await
                .status(),
            401
        );
    }
    assert_eq!(
        api_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        200
    );
    // Ten failures, through the API and the form alike (and in capitals).
    for i in 0..10 {
        let status = if i % 2 == 0 {
            api_login(&app, "Admin@Example.coop", "wrong password!")
                .await
                .status()
        } else {
            form_login(&app, ADMIN_EMAIL, "wrong password!")
                .await
                .status()
        };
        assert_eq!(status, 401, "failure {i}");
    }
    // Now even the right password is refused, before it is checked.
    locked_out(api_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    let res = form_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    assert!(res.headers().get("set-cookie").is_none(), "no session");
    let page = res.text().await.expect("page");
    assert!(
        page.contains("Trop de tentatives de connexion"),
        "the form says so, in French first"
    );
    // Another e-mail from the same address is not locked.
    assert_eq!(
        api_login(&app, "someone@example.coop", "wrong password!")
            .await
            .status(),
        401
    );
    // Fifteen minutes later (the failures moved back in time), it opens again.
    {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let past = scrutin::db::now() - chrono::Duration::minutes(16);
        diesel::update(login_attempts::table)
            .set(login_attempts::at.eq(past))
            .execute(&mut conn)
            .expect("age the failures");
    }
    assert_eq!(
        api_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        200
    );
}

async fn fifty_failures_lock_the_address(app: TestApp) {
    app.create_admin();
    // Five failures on each of ten e-mails: no e-mail reaches its limit.
    for i in 0..50 {
        let email = format!("guess{}@example.coop", i % 10);
        assert_eq!(
            api_login(&app, &email, "wrong password!").await.status(),
            401,
            "{i}"
        );
    }
    // The address has: even an untouched account is refused from it.
    locked_out(api_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    assert_eq!(
        form_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        429
    );
}

/// The audit rows with this action.
fn audit_rows(app: &TestApp, action: &str) -> i64 {
    use scrutin::db::schema::audit_log;
    let db = app.db();
    let mut conn = db.get().expect("connection");
    audit_log::table
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(&mut conn)
        .expect("count")
}

/// Moves every failure and noted refusal 16 minutes back: the window passed.
fn window_passes(app: &TestApp) {
    use scrutin::db::schema::login_refusals;
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let past = scrutin::db::now() - chrono::Duration::minutes(16);
    diesel::update(login_attempts::table)
        .set(login_attempts::at.eq(past))
        .execute(&mut conn)
        .expect("age the failures");
    diesel::update(login_refusals::table)
        .set(login_refusals::at.eq(past))
        .execute(&mut conn)
        .expect("age the refusals");
}

async fn a_flood_of_refused_logins_writes_one_audit_row(app: TestApp) {
    app.create_admin();
    // A successful login is logged.
    assert_eq!(
        api_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
        200
    );
    assert_eq!(audit_rows(&app, "password_login"), 1);
    for _ in 0..10 {
        assert_eq!(
            api_login(&app, ADMIN_EMAIL, "wrong password!")
                .await
                .status(),
            401
        );
    }
    assert_eq!(audit_rows(&app, "password_login_failed"), 10);
    // Fifty refused requests, by the API and the form: the first is
    // logged, the 49 others are not.
    locked_out(api_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    assert_eq!(audit_rows(&app, "password_login_refused"), 1);
    for i in 1..50 {
        let status = if i % 2 == 0 {
            api_login(&app, ADMIN_EMAIL, "wrong password!")
                .await
                .status()
        } else {
            form_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await.status()
        };
        assert_eq!(status, 429, "refusal {i}");
    }
    assert_eq!(
        audit_rows(&app, "password_login_refused"),
        1,
        "50 refusals, one audit row"
    );
    assert_eq!(audit_rows(&app, "password_login_failed"), 10);

    // The next lockout, after the window, is logged again: once.
    window_passes(&app);
    for _ in 0..10 {
        assert_eq!(
            api_login(&app, ADMIN_EMAIL, "wrong password!")
                .await
                .status(),
            401
        );
    }
    for _ in 0..5 {
        locked_out(api_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    }
    assert_eq!(audit_rows(&app, "password_login_refused"), 2);

    // The link requests likewise: five asked, then 50 refused, one row.
    let ask = async || {
        app.client
            .post(app.url("/login/link"))
            .form(&[("email", "nobody@example.coop")])
            .send()
            .await
            .expect("ask for a link")
            .status()
    };
    for _ in 0..5 {
        assert_eq!(ask().await, 200);
    }
    for _ in 0..50 {
        assert_eq!(ask().await, 429);
    }
    assert_eq!(audit_rows(&app, "login_link_request_refused"), 1);
}

/// Issue #11: the limiter counts and reserves in one transaction. Thirty
/// wrong passwords sent at once for one e-mail: ten are checked (401, one
/// `password_login_failed` row each), twenty refused by the limiter (429)
/// before any check; then the right password is refused too.
async fn thirty_concurrent_failures_check_ten_passwords(app: TestApp) {
    app.create_admin();
    let url = app.url("/api/v1/auth/login");
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let (client, url) = (app.client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"email": ADMIN_EMAIL, "password": "wrong password!"}))
                .send()
                .await
                .expect("login")
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("a request"));
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 30, "{statuses:?}");
    assert_eq!(checked, 10, "{statuses:?}");
    assert_eq!(refused, 20);
    // Only the checked ones were logged as failures, and counted.
    assert_eq!(audit_rows(&app, "password_login_failed"), 10);
    assert_eq!(audit_rows(&app, "password_login_refused"), 1);
    let counted: i64 = {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        login_attempts::table
            .count()
            .get_result(&mut conn)
            .expect("count")
    };
    assert_eq!(counted, 10);
    // Locked: the right password is refused before it is checked.
    locked_out(api_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    assert_eq!(audit_rows(&app, "password_login"), 0);
}
