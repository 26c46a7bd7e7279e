use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, error_code};

both_backends!(
    login_gives_a_token_that_identifies_the_admin,
    failed_login_says_nothing_about_the_email,
    bad_bodies_get_4xx_with_the_error_shape,
    logout_ends_the_token,
);

async fn login_gives_a_token_that_identifies_the_admin(app: TestApp) {
    let token = app.admin_token().await;
    assert_eq!(token.len(), 64, "256 random bits, hex");
    let res = app.get_api("/api/v1/me", Some(&token)).await;
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.expect("JSON");
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["role"], "admin");

    // The same e-mail in capitals still logs in.
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "ADMIN@example.coop", "password": ADMIN_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("JSON");
    assert_eq!(body["role"], "admin");
    assert_ne!(
        body["token"].as_str(),
        Some(token.as_str()),
        "each login has its own token"
    );
}

async fn failed_login_says_nothing_about_the_email(app: TestApp) {
    app.create_admin();
    let wrong_password = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": "not the password"}),
            None,
        )
        .await;
    assert_eq!(wrong_password.status(), 401);
    let a: Value = wrong_password.json().await.expect("JSON");
    let unknown = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "nobody@example.coop", "password": "not the password"}),
            None,
        )
        .await;
    assert_eq!(unknown.status(), 401);
    let b: Value = unknown.json().await.expect("JSON");
    assert_eq!(a, b, "the same answer whether or not the e-mail exists");
    assert_eq!(a["error"]["code"], "invalid_credentials");

    assert_eq!(
        error_code(app.get_api("/api/v1/me", None).await, 401).await,
        "unauthorized"
    );
    let forged = "0".repeat(64);
    assert_eq!(
        error_code(app.get_api("/api/v1/me", Some(&forged)).await, 401).await,
        "unauthorized"
    );
}

async fn bad_bodies_get_4xx_with_the_error_shape(app: TestApp) {
    let login = app.url("/api/v1/auth/login");
    let send = |body: &'static str, content_type: &'static str| {
        app.client
            .post(&login)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let malformed = send("{\"email\": ", "application/json")
        .await
        .expect("request");
    assert_eq!(error_code(malformed, 400).await, "bad_request");
    let wrong_types = send("{\"email\": 3, \"password\": []}", "application/json")
        .await
        .expect("request");
    assert_eq!(error_code(wrong_types, 400).await, "bad_request");
    let not_json = send("email=a", "application/x-www-form-urlencoded")
        .await
        .expect("request");
    assert_eq!(error_code(not_json, 415).await, "unsupported_media_type");
    let huge = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(1024 * 1024)
    );
    let res = app
        .client
        .post(&login)
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("request");
    assert_eq!(error_code(res, 413).await, "payload_too_large");
    assert_eq!(
        error_code(app.get_api("/api/v1/no-such-thing", None).await, 404).await,
        "not_found"
    );
}

async fn logout_ends_the_token(app: TestApp) {
    let token = app.admin_token().await;
    let res = app
        .post_json("/api/v1/auth/logout", &json!({}), Some(&token))
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        error_code(app.get_api("/api/v1/me", Some(&token)).await, 401).await,
        "unauthorized"
    );
}
