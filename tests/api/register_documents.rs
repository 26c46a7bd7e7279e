//! Register documents (issue 5, item 7): an associate's share certificate
//! and the register of associates, in HTML and PDF, with the same facts.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};
use crate::minutes::pdf_text;
use crate::register::admit;

both_backends!(
    the_certificate_and_the_register_state_the_holdings,
    an_associate_downloads_only_their_own_certificate,
);

async fn subscribe(app: &TestApp, token: &str, id: &Value, shares: i64, on: &str) {
    let res = app
        .post_json(
            &format!("/api/v1/associates/{id}/shares"),
            &json!({"movement": "subscription", "shares": shares, "on": on}),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
}

/// The document's text: markup removed (HTML) or read by pdftotext (PDF).
async fn text(app: &TestApp, token: &str, path: &str, format: &str) -> String {
    let res = app
        .get_api(&format!("{path}?format={format}"), Some(token))
        .await;
    assert_eq!(res.status(), 200, "{path} {format}");
    let bytes = res.bytes().await.expect("body").to_vec();
    let text = match format {
        "pdf" => pdf_text(&bytes),
        _ => {
            let html = String::from_utf8(bytes).expect("UTF-8");
            let mut out = String::new();
            let mut in_tag = false;
            for c in html.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        out.push(' ');
                    }
                    c if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out.replace("&#x27;", "'")
        }
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn the_certificate_and_the_register_state_the_holdings(app: TestApp) {
    let token = app.admin_token().await;
    let alice = admit(&app, &token, "Alice Martin", "employee", json!({})).await;
    let city = admit(
        &app,
        &token,
        "Ville de Lyon",
        "local_authority",
        json!({"kind": "entity", "representative": "Mme la maire"}),
    )
    .await;
    subscribe(&app, &token, &alice["id"], 12, "2025-03-12").await;
    subscribe(&app, &token, &city["id"], 10, "2025-03-20").await;
    let coop: Value = app
        .get_api("/api/v1/cooperative", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    let value = coop["share_value_cents"].as_i64().expect("share value");
    let euros = |cents: i64| {
        let units = (cents / 100).to_string();
        let mut grouped = String::new();
        for (i, d) in units.chars().enumerate() {
            if i > 0 && (units.len() - i).is_multiple_of(3) {
                grouped.push(' ');
            }
            grouped.push(d);
        }
        format!("{grouped},{:02} €", cents % 100)
    };
    let certificate = format!("/api/v1/associates/{}/certificate", alice["id"]);
    for format in ["html", "pdf"] {
        let t = text(&app, &token, &certificate, format).await;
        for fact in [
            "Attestation de détention de parts sociales".to_string(),
            "Alice Martin".into(),
            format!("associé(e) n° {}", alice["number"]),
            "admis(e) le 2 janvier 2025".into(),
            "12 part(s) sociale(s)".into(),
            format!("valeur nominale de {}", euros(value)),
            format!("capital souscrit de {}", euros(12 * value)),
            "12 mars 2025".into(),
            "souscription".into(),
        ] {
            assert!(
                t.contains(&fact),
                "{format} certificate lacks `{fact}`:\n{t}"
            );
        }
        assert!(!t.contains("Ville de Lyon"), "only Alice's movements");
    }
    for format in ["html", "pdf"] {
        let t = text(&app, &token, "/api/v1/register", format).await;
        for fact in [
            "Registre des associés".to_string(),
            "Alice Martin".into(),
            "Ville de Lyon (repr. Mme la maire)".into(),
            "2 janvier 2025".into(),
            euros(10 * value),
            // The total row (pdftotext may read its cells in another order).
            "Total".into(),
            format!("22 {}", euros(22 * value)),
        ] {
            assert!(t.contains(&fact), "{format} register lacks `{fact}`:\n{t}");
        }
    }
    let res = app
        .get_api(&format!("{certificate}?format=odt"), Some(&token))
        .await;
    assert_eq!(error_code(res, 400).await, "bad_request");
    let res = app
        .get_api("/api/v1/associates/999999/certificate", Some(&token))
        .await;
    assert_eq!(error_code(res, 404).await, "not_found");
}

async fn an_associate_downloads_only_their_own_certificate(app: TestApp) {
    let token = app.admin_token().await;
    let me = admit(
        &app,
        &token,
        "Claire",
        "employee",
        json!({"password": "claire's long password"}),
    )
    .await;
    let other = admit(&app, &token, "Denis", "employee", json!({})).await;
    subscribe(&app, &token, &me["id"], 3, "2025-02-01").await;
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "claire@example.coop", "password": "claire's long password"}),
            None,
        )
        .await;
    let login: Value = res.json().await.expect("JSON");
    let mine = login["token"].as_str().expect("token");
    let t = text(
        &app,
        mine,
        &format!("/api/v1/associates/{}/certificate", me["id"]),
        "pdf",
    )
    .await;
    assert!(
        t.contains("Claire") && t.contains("3 part(s) sociale(s)"),
        "{t}"
    );
    let res = app
        .get_api(
            &format!("/api/v1/associates/{}/certificate", other["id"]),
            Some(mine),
        )
        .await;
    assert_eq!(error_code(res, 404).await, "not_found");
    let res = app.get_api("/api/v1/register", Some(mine)).await;
    assert_eq!(error_code(res, 403).await, "forbidden");
}
