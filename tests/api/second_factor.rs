//! The second factor of staff accounts (issue #11): an administrator is made
//! to enrol through the pages, then logs in with the password and a code
//! computed (with totp-rs) from the secret the enrolment page showed; a code
//! serves once, a recovery code once; the API asks for `totp`; staff get no
//! e-mail login link; a secretary may do without, or enrol and turn it off.

use diesel::prelude::*;
use scrutin::db::models::account::{Account, Role};
use scrutin::db::schema::{audit_log, login_links};
use scrutin::services::second_factor::code_at;
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, error_code, input_value, location, set_cookie, unix_now,
};

both_backends!(
    an_administrator_enrols_then_logs_in_with_a_code_once,
    wrong_codes_count_in_the_login_limits,
    a_secretary_may_skip_enrol_and_turn_it_off,
    staff_get_no_email_login_link,
    an_administrator_resets_a_secretarys_factor,
    a_password_reset_does_not_skip_the_code,
);

const SECRETARY_EMAIL: &str = "secretariat@example.coop";
const SECRETARY_PASSWORD: &str = "a long secretary password";

/// A code of `secret` for the step after `step` (accepted while the clock
/// is within one step of it).
fn code_for_step(secret: &str, step: u64) -> String {
    code_at(secret, step * 30).expect("a code")
}

/// A six-digit code that none of the steps around now accepts.
fn wrong_code(secret: &str) -> String {
    let step = unix_now() / 30;
    let near: Vec<String> = (step - 2..=step + 3)
        .map(|s| code_for_step(secret, s))
        .collect();
    (0..)
        .map(|n: u32| format!("{:06}", (n * 7919) % 1_000_000))
        .find(|c| !near.contains(c))
        .expect("a wrong code")
}

async fn post_login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("next", "/dashboard"),
        ])
        .send()
        .await
        .expect("login")
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("GET")
}

async fn post(app: &TestApp, path: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("Cookie", cookie)
        .form(form)
        .send()
        .await
        .expect("POST")
}

/// The second step with the pending login of `pending`.
async fn send_code(app: &TestApp, pending: &str, code: &str) -> reqwest::Response {
    post(
        app,
        "/login/second-factor",
        pending,
        &[("code", code), ("next", "/dashboard")],
    )
    .await
}

/// The password of an account with a second factor: no session yet, the
/// pending login's cookie.
async fn password_step(app: &TestApp, email: &str, password: &str) -> String {
    let res = post_login(app, email, password).await;
    assert_eq!(res.status(), 303);
    assert!(
        location(&res).starts_with("/login/second-factor"),
        "{}",
        location(&res)
    );
    assert_eq!(
        set_cookie(&res, "scrutin_session"),
        None,
        "no session before the code"
    );
    set_cookie(&res, "scrutin_pending").expect("a pending login")
}

async fn api_login(app: &TestApp, body: Value) -> reqwest::Response {
    app.post_json("/api/v1/auth/login", &body, None).await
}

fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    let db = app.db();
    let mut conn = db.get().expect("connection");
    audit_log::table
        .order(audit_log::id)
        .select((audit_log::action, audit_log::details))
        .load(&mut conn)
        .expect("the audit log")
}

async fn an_administrator_enrols_then_logs_in_with_a_code_once(app: TestApp) {
    app.create_admin();

    // The password: a session, but only the enrolment page.
    let res = post_login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/account/second-factor?next=/dashboard");
    let session = set_cookie(&res, "scrutin_session").expect("a session");
    for path in ["/dashboard", "/accounts", "/associates", "/settings"] {
        let res = get(&app, path, &session).await;
        assert_eq!(res.status(), 303, "{path}");
        assert!(
            location(&res).starts_with("/account/second-factor?next="),
            "{path} → {}",
            location(&res)
        );
    }
    // The API takes the password until the administrator enrols.
    let res = api_login(
        &app,
        json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
    )
    .await;
    assert_eq!(res.status(), 200, "the API before enrolment");

    // The enrolment page: the secret, its QR code, the otpauth:// address.
    let page = get(&app, "/account/second-factor", &session)
        .await
        .text()
        .await
        .expect("body");
    let secret = input_value(&page, "secret").expect("the secret");
    let csrf = input_value(&page, "csrf").expect("a CSRF field");
    assert!(page.contains("<svg"), "a QR code");
    let uri = format!(
        "otpauth://totp/scrutin%3Aadmin@example.coop?secret={secret}&amp;issuer=scrutin&amp;algorithm=SHA1&amp;digits=6&amp;period=30"
    );
    assert!(page.contains(&uri), "the otpauth address in {page}");

    // A wrong code enrols nothing; the right one shows ten recovery codes.
    let wrong = wrong_code(&secret);
    let res = post(
        &app,
        "/account/second-factor",
        &session,
        &[("csrf", &csrf), ("secret", &secret), ("code", &wrong)],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text().await.expect("body").contains(&secret),
        "the same secret again"
    );
    let step = unix_now() / 30;
    let enrolment_code = code_for_step(&secret, step);
    let res = post(
        &app,
        "/account/second-factor",
        &session,
        &[
            ("csrf", &csrf),
            ("secret", &secret),
            ("code", &enrolment_code),
            ("next", "/accounts"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let codes = crate::helpers::recovery_codes_in(&res.text().await.expect("body"));
    assert_eq!(codes.len(), 10, "ten recovery codes");
    assert_eq!(get(&app, "/dashboard", &session).await.status(), 200);
    // An administrator cannot turn it off.
    let res = post(
        &app,
        "/account/second-factor/disable",
        &session,
        &[("csrf", &csrf), ("code", &wrong)],
    )
    .await;
    assert_eq!(res.status(), 422);

    // The API now wants the code: none, a wrong one, a right one, reused.
    let body = |extra: Value| {
        let mut b = json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD});
        if let (Some(b), Some(extra)) = (b.as_object_mut(), extra.as_object()) {
            b.extend(extra.clone());
        }
        b
    };
    let res = api_login(&app, body(json!({}))).await;
    assert_eq!(error_code(res, 401).await, "second_factor_required");
    let res = api_login(&app, body(json!({"totp": wrong}))).await;
    assert_eq!(error_code(res, 401).await, "second_factor_invalid");
    let res = api_login(&app, body(json!({"totp": enrolment_code}))).await;
    assert_eq!(
        error_code(res, 401).await,
        "second_factor_invalid",
        "the enrolment's code serves once"
    );
    let next_code = code_for_step(&secret, step + 1);
    let res = api_login(&app, body(json!({"totp": next_code}))).await;
    assert_eq!(res.status(), 200, "a code of the next step");
    let login: Value = res.json().await.expect("JSON");
    assert_eq!(login["role"], "admin");
    let res = api_login(&app, body(json!({"totp": next_code}))).await;
    assert_eq!(
        error_code(res, 401).await,
        "second_factor_invalid",
        "reused"
    );
    // A wrong password says nothing about the factor.
    let res = api_login(
        &app,
        json!({"email": ADMIN_EMAIL, "password": "not the password", "totp": next_code}),
    )
    .await;
    assert_eq!(error_code(res, 401).await, "invalid_credentials");

    // The pages: password, then a wrong code, a reused one, a recovery code.
    let pending = password_step(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let form = app
        .client
        .get(app.url("/login/second-factor?next=/dashboard"))
        .header("Cookie", &pending)
        .send()
        .await
        .expect("the code's form");
    assert_eq!(form.status(), 200);
    assert!(form.text().await.expect("body").contains("name=\"code\""));
    let res = send_code(&app, &pending, &wrong).await;
    assert_eq!(res.status(), 401);
    assert_eq!(set_cookie(&res, "scrutin_session"), None);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("Code incorrect ou déjà utilisé")
    );
    assert_eq!(send_code(&app, &pending, &next_code).await.status(), 401);
    let res = send_code(&app, &pending, &codes[0].to_uppercase()).await;
    assert_eq!(res.status(), 303, "a recovery code (case does not matter)");
    assert_eq!(location(&res), "/dashboard");
    let session = set_cookie(&res, "scrutin_session").expect("a session at last");
    assert_eq!(get(&app, "/dashboard", &session).await.status(), 200);
    // The pending login is used up; the recovery code is spent.
    assert_eq!(
        location(&send_code(&app, &pending, &codes[1]).await),
        "/login?done=second_factor_expired"
    );
    let pending = password_step(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(send_code(&app, &pending, &codes[0]).await.status(), 401);
    let res = api_login(&app, body(json!({"recovery_code": codes[0]}))).await;
    assert_eq!(error_code(res, 401).await, "second_factor_invalid");
    let res = api_login(&app, body(json!({"recovery_code": codes[2]}))).await;
    assert_eq!(res.status(), 200, "a recovery code through the API");
    let account = get(&app, "/account/second-factor", &session)
        .await
        .text()
        .await
        .expect("body");
    assert!(
        account.contains("Codes de secours restants : 8 sur 10."),
        "{account}"
    );

    // The audit log: each event, and never a code or the secret.
    let log = audit_actions(&app);
    let actions: Vec<&str> = log.iter().map(|(a, _)| a.as_str()).collect();
    assert!(actions.contains(&"second_factor_enrolled"));
    assert!(actions.contains(&"second_factor_failed"));
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "recovery_code_used")
            .count(),
        2
    );
    for (action, details) in &log {
        for secret_text in codes.iter().chain([&secret, &next_code, &enrolment_code]) {
            assert!(
                !details.contains(secret_text.as_str()),
                "{action}: {details}"
            );
        }
    }
}

async fn wrong_codes_count_in_the_login_limits(app: TestApp) {
    app.create_admin();
    let res = app
        .page_login(&app.client, ADMIN_EMAIL, ADMIN_PASSWORD, "/dashboard")
        .await;
    assert_eq!(res.status(), 303, "enrolled");
    let pending = password_step(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    // The password step is an attempt too until its code is right (the
    // limiter reserves it before checking): nine wrong codes reach ten.
    for _ in 1..scrutin::services::login_limit::MAX_PER_EMAIL {
        assert_eq!(send_code(&app, &pending, "000000x").await.status(), 401);
    }
    // Past the limit, even the right code waits.
    let (_, code) = app.second_factor_proof(ADMIN_EMAIL).expect("a code");
    let res = send_code(&app, &pending, &code).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let res = api_login(&app, app.api_login_body(ADMIN_EMAIL, ADMIN_PASSWORD)).await;
    assert_eq!(res.status(), 429, "the API counts the same failures");
}

async fn a_secretary_may_skip_enrol_and_turn_it_off(app: TestApp) {
    {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        scrutin::services::accounts::create_account(
            &mut conn,
            SECRETARY_EMAIL,
            SECRETARY_PASSWORD,
            Role::Secretary,
        )
        .expect("the secretary");
    }
    // No second factor: the password alone, and every page.
    let res = post_login(&app, SECRETARY_EMAIL, SECRETARY_PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/dashboard");
    let session = set_cookie(&res, "scrutin_session").expect("a session");
    assert_eq!(get(&app, "/assemblies", &session).await.status(), 200);

    // Enrolled through the page, the next login asks for the code (here a
    // recovery code: the app's next code serves to turn the factor off).
    let (secret, codes) = app.enrol(&app.client, &session).await;
    let pending = password_step(&app, SECRETARY_EMAIL, SECRETARY_PASSWORD).await;
    let res = send_code(&app, &pending, &codes[0]).await;
    assert_eq!(res.status(), 303);
    let session = set_cookie(&res, "scrutin_session").expect("a session");

    // Turning it off needs a current code of the app.
    let page = get(&app, "/account/second-factor", &session)
        .await
        .text()
        .await
        .expect("body");
    let csrf = input_value(&page, "csrf").expect("a CSRF field");
    for code in [wrong_code(&secret), codes[1].clone()] {
        let res = post(
            &app,
            "/account/second-factor/disable",
            &session,
            &[("csrf", &csrf), ("code", &code)],
        )
        .await;
        assert_eq!(res.status(), 422, "{code}");
    }
    let (kind, code) = app.second_factor_proof(SECRETARY_EMAIL).expect("a code");
    assert_eq!(kind, "totp", "the step after the enrolment's");
    let res = post(
        &app,
        "/account/second-factor/disable",
        &session,
        &[("csrf", &csrf), ("code", &code)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        "/account/second-factor?done=second_factor_disabled"
    );
    let res = post_login(&app, SECRETARY_EMAIL, SECRETARY_PASSWORD).await;
    assert_eq!(location(&res), "/dashboard", "the password alone again");
    assert!(
        audit_actions(&app)
            .iter()
            .any(|(a, _)| a == "second_factor_disabled")
    );
}

async fn staff_get_no_email_login_link(app: TestApp) {
    app.create_admin();
    let associate_email = "alice@example.coop";
    let (admin_id, associate_id) = {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let associate = scrutin::services::accounts::create_account(
            &mut conn,
            associate_email,
            "alice's long password",
            Role::Associate,
        )
        .expect("the associate");
        let admin = Account::by_email(&mut conn, ADMIN_EMAIL)
            .expect("read")
            .expect("the admin");
        (admin.id, associate)
    };
    let links_of = |account: i64| -> i64 {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        login_links::table
            .filter(login_links::account_id.eq(account))
            .count()
            .get_result(&mut conn)
            .expect("count")
    };
    let app = &app;
    let ask = |email: &'static str| async move {
        app.client
            .post(app.url("/login/link"))
            .form(&[("email", email)])
            .send()
            .await
            .expect("ask")
    };
    // The same answer as for anyone, and no link for the administrator.
    let res = ask(ADMIN_EMAIL).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("ne reçoivent pas de lien")
    );
    assert_eq!(links_of(admin_id), 0);
    assert_eq!(ask("alice@example.coop").await.status(), 200);
    assert_eq!(links_of(associate_id), 1, "associates keep their links");

    // A staff link made anyway is refused, with the way to log in.
    let token = "ab".repeat(32);
    {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let now = scrutin::db::now();
        scrutin::db::models::login_link::insert(
            &mut conn,
            &scrutin::services::secrets::digest(&token),
            admin_id,
            scrutin::db::models::login_link::Purpose::Login,
            now,
            now + chrono::Duration::minutes(10),
        )
        .expect("a link by hand");
    }
    let path = format!("/login/link/{token}");
    let res = app.client.get(app.url(&path)).send().await.expect("GET");
    assert_eq!(res.status(), 403);
    let page = res.text().await.expect("body");
    assert!(page.contains("mot de passe puis le code"), "{page}");
    let res = app
        .client
        .post(app.url(&path))
        .header("Cookie", "lang=en")
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), 403);
    assert_eq!(set_cookie(&res, "scrutin_session"), None);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("log in with your password, then the code")
    );
}

async fn an_administrator_resets_a_secretarys_factor(app: TestApp) {
    app.create_admin();
    let secretary = {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        scrutin::services::accounts::create_account(
            &mut conn,
            SECRETARY_EMAIL,
            SECRETARY_PASSWORD,
            Role::Secretary,
        )
        .expect("the secretary")
    };
    let res = post_login(&app, SECRETARY_EMAIL, SECRETARY_PASSWORD).await;
    let secretary_session = set_cookie(&res, "scrutin_session").expect("a session");
    app.enrol(&app.client, &secretary_session).await;

    let res = app
        .page_login(&app.client, ADMIN_EMAIL, ADMIN_PASSWORD, "/accounts")
        .await;
    let admin = set_cookie(&res, "scrutin_session").expect("the admin's session");
    let page = get(&app, "/accounts", &admin)
        .await
        .text()
        .await
        .expect("body");
    let action = format!("/accounts/{secretary}/second-factor/reset");
    assert!(page.contains(&action), "a reset button for the secretary");
    let csrf = input_value(&page, "csrf").expect("a CSRF field");
    // The secretary may not reset; the administrator may not reset their own.
    let res = post(&app, &action, &secretary_session, &[("csrf", "x")]).await;
    assert_eq!(res.status(), 403);
    let own = {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        Account::by_email(&mut conn, ADMIN_EMAIL)
            .expect("read")
            .expect("admin")
            .id
    };
    let res = post(
        &app,
        &format!("/accounts/{own}/second-factor/reset"),
        &admin,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), 422);

    let res = post(&app, &action, &admin, &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/accounts?done=second_factor_reset");
    // The secretary's sessions ended; the password alone lets them in again.
    assert_eq!(
        get(&app, "/dashboard", &secretary_session).await.status(),
        303
    );
    let res = post_login(&app, SECRETARY_EMAIL, SECRETARY_PASSWORD).await;
    assert_eq!(location(&res), "/dashboard");
    let reset: Vec<_> = audit_actions(&app)
        .into_iter()
        .filter(|(a, _)| a == "second_factor_reset")
        .collect();
    assert_eq!(reset.len(), 1, "the reset is audited");
}

async fn a_password_reset_does_not_skip_the_code(app: TestApp) {
    app.create_admin();
    let res = app
        .page_login(&app.client, ADMIN_EMAIL, ADMIN_PASSWORD, "/dashboard")
        .await;
    assert_eq!(res.status(), 303, "enrolled");
    let token = "cd".repeat(32);
    {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let admin = Account::by_email(&mut conn, ADMIN_EMAIL)
            .expect("read")
            .expect("the admin");
        let now = scrutin::db::now();
        scrutin::db::models::login_link::insert(
            &mut conn,
            &scrutin::services::secrets::digest(&token),
            admin.id,
            scrutin::db::models::login_link::Purpose::Reset,
            now,
            now + chrono::Duration::minutes(10),
        )
        .expect("a reset link, as the e-mail would bring");
    }
    let new_password = "a brand new long password";
    let res = app
        .client
        .post(app.url(&format!("/password/reset/{token}")))
        .form(&[("password", new_password), ("confirm", new_password)])
        .send()
        .await
        .expect("reset");
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login?done=password_changed");
    assert_eq!(set_cookie(&res, "scrutin_session"), None, "no session");
    // The new password, then the code.
    password_step(&app, ADMIN_EMAIL, new_password).await;
}
