//! Issue 6 point 5: the printed voting cards and the live screen carry a QR
//! code of their link, as inline SVG (no inline style: the CSP forbids it).

use crate::helpers::TestApp;
use crate::helpers::{Creds, Who, fixture, log_in};

both_backends!(cards_and_live_screen_carry_a_qr_code_of_their_link);

async fn get(app: &TestApp, creds: &Creds, path: &str) -> String {
    let res = app
        .client
        .get(app.url(path))
        .header("Cookie", creds.cookie.as_deref().unwrap_or(""))
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("body")
}

/// Each QR code of the page: (the URL it encodes, its SVG path).
fn qr_codes(html: &str) -> Vec<(String, String)> {
    html.split("<div class=\"qr\"")
        .skip(1)
        .map(|part| {
            let url = part
                .split("data-url=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("")
                .to_string();
            let svg = part.split("</svg>").next().unwrap_or("");
            assert!(svg.contains("<svg"), "inline SVG: {svg}");
            assert!(!svg.contains("style"), "presentation attributes only");
            let path = svg
                .split(" d=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("")
                .to_string();
            (url, path)
        })
        .collect()
}

async fn cards_and_live_screen_carry_a_qr_code_of_their_link(app: TestApp) {
    let fx = fixture(&app).await;
    let secretary = log_in(&app, Who::Secretary).await;
    // Cards for everyone present (both associates), printed.
    let res = app
        .client
        .post(app.url(&format!("/assemblies/{}/cards", fx.assembly)))
        .header("Cookie", secretary.cookie.as_deref().unwrap_or(""))
        .form(&[("csrf", secretary.csrf.as_str()), ("who", "present")])
        .send()
        .await
        .expect("issue the cards");
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("body");
    let codes = qr_codes(&page);
    assert_eq!(codes.len(), 2, "one QR code per card");
    for (url, path) in &codes {
        assert!(url.contains("/vote/") && url.len() > 64, "{url}");
        assert!(
            page.contains(&format!("<code>{url}</code>")),
            "the code encodes the card's printed link"
        );
        assert!(path.starts_with('M'), "a drawn code");
    }
    assert_ne!(codes[0].0, codes[1].0);
    assert_ne!(codes[0].1, codes[1].1, "another link, another code");

    let screen = get(
        &app,
        &secretary,
        &format!("/assemblies/{}/screen", fx.assembly),
    )
    .await;
    let codes = qr_codes(&screen);
    assert_eq!(codes.len(), 1);
    assert!(
        codes[0]
            .0
            .ends_with(&format!("/assemblies/{}/check-in", fx.assembly)),
        "{}",
        codes[0].0
    );
}
