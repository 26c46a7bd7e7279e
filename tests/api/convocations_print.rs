//! Issue 6 point 5: the printed convocation (one page per associate on the
//! roll, with a QR code of the assembly's check-in page) and that check-in
//! page, which leads a logged-in associate to their own voting page.

use crate::helpers::TestApp;
use crate::helpers::{Creds, Who, fixture, log_in};

both_backends!(
    the_printed_convocations_cover_the_roll_with_a_qr_code_of_the_check_in,
    the_check_in_page_opens_the_associates_own_voting_page,
);

async fn get(app: &TestApp, creds: &Creds, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .header("Cookie", creds.cookie.as_deref().unwrap_or(""))
        .send()
        .await
        .expect("GET")
}

/// The QR code in a piece of page: the URL it says it encodes, its drawing.
fn qr_in(html: &str) -> (String, String) {
    let part = html
        .split("<div class=\"qr\"")
        .nth(1)
        .unwrap_or_else(|| panic!("a QR code in {html}"));
    let url = part
        .split("data-url=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("")
        .to_string();
    let path = part
        .split(" d=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("")
        .to_string();
    (url, path)
}

/// The drawing of the QR code of `url`, made afresh: the same modules mean
/// the printed code decodes to `url`.
fn drawing_of(url: &str) -> String {
    let svg = scrutin::web::views::qr::qr_svg(url, "QR").into_string();
    qr_in(&svg).1
}

async fn the_printed_convocations_cover_the_roll_with_a_qr_code_of_the_check_in(app: TestApp) {
    let fx = fixture(&app).await;
    let secretary = log_in(&app, Who::Secretary).await;
    let path = format!("/assemblies/{}/convocations", fx.assembly);
    let res = get(&app, &secretary, &path).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("body");
    let check_in = app.url(&format!("/assemblies/{}/check-in", fx.assembly));
    let sheets: Vec<&str> = page
        .split("<article class=\"convocation\"")
        .skip(1)
        .collect();
    // The roll: both associates, in name order, one sheet each.
    assert_eq!(sheets.len(), 2, "{page}");
    for (sheet, name) in sheets.iter().zip(["Alice Martin", "Bruno Petit"]) {
        assert!(sheet.contains(name), "{name}: {sheet}");
        assert!(sheet.contains("Convocation à l'assemblée générale ordinaire"));
        assert!(sheet.contains("sur première convocation"));
        assert!(sheet.contains("Lyon"), "the place");
        assert!(sheet.contains("Résolution n° 1 — Comptes"), "the agenda");
        assert!(sheet.contains("Pour donner pouvoir"));
        let (url, drawing) = qr_in(sheet);
        assert_eq!(url, check_in);
        assert!(drawing.starts_with('M'), "a drawn code");
        assert_eq!(
            drawing,
            drawing_of(&check_in),
            "the code decodes to the link"
        );
        assert!(sheet.contains(&format!("<code>{check_in}</code>")));
    }
    // From the assembly page, and in English.
    let assembly = get(&app, &secretary, &format!("/assemblies/{}", fx.assembly))
        .await
        .text()
        .await
        .expect("body");
    assert!(assembly.contains(&format!("href=\"{path}\"")), "linked");
    let english = get(&app, &secretary, &format!("{path}?lang=en"))
        .await
        .text()
        .await
        .expect("body");
    assert!(english.contains("Notice of the ordinary general assembly"));
    assert!(english.contains("To give a proxy"));
    // Not for associates.
    let alice = log_in(&app, Who::Associate).await;
    assert_eq!(get(&app, &alice, &path).await.status(), 403);

    // The live screen's code opens the same check-in page.
    let screen = get(
        &app,
        &secretary,
        &format!("/assemblies/{}/screen", fx.assembly),
    )
    .await
    .text()
    .await
    .expect("body");
    let (url, drawing) = qr_in(&screen);
    assert_eq!(url, check_in);
    assert_eq!(drawing, drawing_of(&check_in));
}

async fn the_check_in_page_opens_the_associates_own_voting_page(app: TestApp) {
    let fx = fixture(&app).await;
    let path = format!("/assemblies/{}/check-in", fx.assembly);
    let bruno = log_in(&app, Who::OtherAssociate).await;
    let res = get(&app, &bruno, &path).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("body");
    assert!(page.contains("Ouvrir ma page de vote"), "{page}");
    assert!(page.contains("présent·e"), "the desk marked him present");

    // A forged form (no token) changes nothing.
    let res = app
        .client
        .post(app.url(&path))
        .header("Cookie", bruno.cookie.as_deref().unwrap_or(""))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), 403);

    let res = app
        .client
        .post(app.url(&path))
        .header("Cookie", bruno.cookie.as_deref().unwrap_or(""))
        .form(&[("csrf", bruno.csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), 303);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        location.starts_with("/vote/") && location.len() == 6 + 64,
        "{location}"
    );
    // His own voting page: his name, the open resolution.
    let vote = app
        .client
        .get(app.url(&location))
        .send()
        .await
        .expect("the voting page");
    assert_eq!(vote.status(), 200);
    let vote = vote.text().await.expect("body");
    assert!(vote.contains("Bruno Petit"), "{vote}");
    assert!(!vote.contains("Alice Martin"), "nobody else's vote");
    assert!(vote.contains("Comptes"), "{vote}");

    // Staff have no vote of their own here.
    let secretary = log_in(&app, Who::Secretary).await;
    assert_eq!(get(&app, &secretary, &path).await.status(), 403);
    // Anonymous visitors log in first, then come back.
    let res = app.client.get(app.url(&path)).send().await.expect("GET");
    assert_eq!(res.status(), 303);
    let to = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        to.starts_with("/login?next=") && to.contains("check-in"),
        "{to}"
    );
}

/// Printed (WebDriver's print, A4 portrait), the page is one sheet per
/// associate on the roll: the print stylesheet breaks after each and hides
/// the navigation. SQLite only, like the other browser tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_convocations_print_one_a4_sheet_per_associate() {
    let app = crate::helpers::browser::sqlite_app().await;
    let fx = fixture(&app).await;
    let secretary = log_in(&app, Who::Secretary).await;
    let cookie = secretary.cookie.expect("a session");
    let b = crate::helpers::browser::browser((1280, 900)).await;
    let path = format!("/assemblies/{}/convocations", fx.assembly);
    crate::accessibility::visit(&b, &app, Some(&cookie), &path).await;
    let pdf = b
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("print to PDF");
    let text = String::from_utf8_lossy(&pdf);
    let pages = text
        .match_indices("/Type /Page")
        .filter(|(i, _)| !text[i + 11..].starts_with('s'))
        .count();
    assert_eq!(pages, 2, "one sheet per associate on the roll");
    b.client.clone().close().await.expect("close");
}
