use crate::helpers::TestApp;

both_backends!(
    home_is_french_by_default_and_explains_the_first_start,
    english_is_one_switch_away_and_remembered,
    health_answers_and_headers_are_safe,
);

async fn home_is_french_by_default_and_explains_the_first_start(app: TestApp) {
    let res = app.client.get(app.url("/")).send().await.expect("request");
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("body");
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    assert!(html.contains("Premier démarrage") && html.contains("create-admin"));

    app.create_admin();
    let html = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert!(
        !html.contains("Premier démarrage"),
        "once an admin exists, the page says how to log in"
    );
    assert!(html.contains("Connectez-vous"));
}

async fn english_is_one_switch_away_and_remembered(app: TestApp) {
    let res = app
        .client
        .get(app.url("/?lang=en"))
        .send()
        .await
        .expect("request");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("<html lang=\"en\">")
    );
    let again = app
        .client
        .get(app.url("/"))
        .header("Cookie", "lang=en")
        .send()
        .await
        .expect("request");
    assert!(again.text().await.expect("body").contains("First start"));
}

async fn health_answers_and_headers_are_safe(app: TestApp) {
    let res = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let csp = res
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(
        res.headers()
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert_eq!(res.text().await.expect("body"), "ok");

    let css = app
        .client
        .get(app.url("/static/style.css"))
        .send()
        .await
        .expect("request");
    assert_eq!(css.status(), 200);
    let missing = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .await
            .expect("body")
            .contains("Page introuvable")
    );
}
