//! The page of the minutes, through a browser-like client: the secretary
//! writes the texts, the bureau signs once the assembly is closed, a signed
//! version refuses changes (the typed text stays on the page) and a
//! correction starts a new version.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::helpers::{Vote, admit_many};

both_backends!(the_secretary_writes_signs_and_corrects_the_minutes_from_the_page);

async fn browser(app: &TestApp) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = app
        .page_login(&client, ADMIN_EMAIL, ADMIN_PASSWORD, "/dashboard")
        .await;
    assert_eq!(res.status(), 303);
    client
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = client.get(app.url(path)).send().await.expect("GET");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

/// Posts a form; the status, the `Location` and the body.
async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let res = client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("POST");
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (status, location, res.text().await.expect("body"))
}

fn csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF field")
        .to_string()
}

/// A closed-or-not assembly with one weighted resolution voted 2 to 1.
async fn voted(vote: &Vote<'_>) -> i64 {
    let r = vote.resolution("ordinary", json!({"weighted": true})).await;
    let voters = admit_many(vote.app, &vote.token, vote.colleges[0], 3, "P").await;
    vote.convene().await;
    for id in &voters {
        assert_eq!(vote.attend(*id, "present", None).await.status(), 200);
    }
    vote.open().await;
    let cards = vote.cards(&voters).await;
    vote.post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
        .await;
    for (i, id) in voters.iter().enumerate() {
        let choice = if i < 2 { "for" } else { "against" };
        assert_eq!(vote.ballot(r, &cards[id], choice, None).await.status(), 201);
    }
    vote.close(r).await;
    r
}

async fn the_secretary_writes_signs_and_corrects_the_minutes_from_the_page(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let r = voted(&vote).await;
    let client = browser(&app).await;
    let base = format!("/assemblies/{}/minutes", vote.assembly);
    let (status, page) = get(&client, &app, &base).await;
    assert_eq!(status, 200);
    let token = csrf(&page);
    assert!(page.contains(&format!("name=\"debate_{r}\"")), "{page}");
    assert!(page.contains("une fois l"), "no signing before the close");
    assert!(!page.contains("Signer comme"));

    // The texts are saved, and the page shows them.
    let debate = format!("debate_{r}");
    let form = [
        ("csrf", token.as_str()),
        ("documents", "Rapport de gestion"),
        (debate.as_str(), "Questions sur le budget."),
    ];
    let (status, location, _) = post(&client, &app, &base, &form).await;
    assert_eq!(
        (status, location.as_str()),
        (303, &*format!("{base}?done=saved"))
    );
    let (_, page) = get(&client, &app, &location).await;
    assert!(page.contains("Textes enregistrés."));
    assert!(page.contains("Rapport de gestion") && page.contains("Questions sur le budget."));
    let (_, md) = get(&client, &app, &format!("{base}?format=md")).await;
    assert!(md.contains("Questions sur le budget."), "{md}");
    // The page links to the PDFs, which the session downloads.
    let (_, page) = get(&client, &app, &base).await;
    assert!(page.contains("minutes?format=pdf") && page.contains("attendance-sheet?format=pdf"));
    let sheet = format!("/assemblies/{}/attendance-sheet", vote.assembly);
    for path in [format!("{base}?format=pdf"), format!("{sheet}?format=pdf")] {
        let res = client.get(app.url(&path)).send().await.expect("GET");
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let text = crate::minutes::pdf_text(&res.bytes().await.expect("body"));
        assert!(text.contains("Ma SCIC"), "{path}: {text}");
    }

    // Signing waits for the close: refused with a message.
    let sign = format!("{base}/sign");
    let (status, _, page) = post(&client, &app, &sign, &[("csrf", &token), ("as", "chair")]).await;
    assert_eq!(status, 409);
    assert!(page.contains("se signe une fois"), "{page}");
    let res = vote
        .post(
            &format!("/api/v1/assemblies/{}/close", vote.assembly),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let (_, page) = get(&client, &app, &base).await;
    assert!(page.contains("Signer comme président(e) de séance"));
    let (status, _, page) = post(&client, &app, &sign, &[("csrf", &token), ("as", "mayor")]).await;
    assert_eq!(status, 422, "{page}");
    for role in ["chair", "secretary"] {
        let (status, location, _) =
            post(&client, &app, &sign, &[("csrf", &token), ("as", role)]).await;
        assert_eq!(
            (status, location.as_str()),
            (303, &*format!("{base}?done=signed"))
        );
    }
    let state: Value = app
        .get_api(&format!("/api/v1{base}/state"), Some(&vote.token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(state["status"], "signed");
    let digest = state["digest"].as_str().expect("a digest");
    let (_, page) = get(&client, &app, &base).await;
    assert!(page.contains(digest), "the digest is shown");
    assert!(page.contains(ADMIN_EMAIL), "who signed is shown");
    assert!(page.contains("signée et figée"));
    assert!(!page.contains("Signer comme président"));

    // Frozen: a change is refused, and what was typed stays on the page.
    let form = [
        ("csrf", token.as_str()),
        ("documents", "Rapport corrigé"),
        (debate.as_str(), "Texte tapé après la signature."),
    ];
    let (status, _, page) = post(&client, &app, &base, &form).await;
    assert_eq!(status, 409);
    assert!(
        page.contains("signée et figée : commencez une correction"),
        "{page}"
    );
    assert!(
        page.contains("Texte tapé après la signature."),
        "input kept"
    );
    let (_, md) = get(&client, &app, &format!("{base}?format=md")).await;
    assert!(!md.contains("Texte tapé"), "nothing changed");

    // A correction: a new draft version, which the page now edits.
    let corrections = format!("{base}/corrections");
    let (status, location, _) = post(&client, &app, &corrections, &[("csrf", &token)]).await;
    assert_eq!(
        (status, location.as_str()),
        (303, &*format!("{base}?done=correction"))
    );
    let (_, page) = get(&client, &app, &location).await;
    assert!(page.contains("Version 2"), "{page}");
    assert!(
        page.contains("Questions sur le budget."),
        "the texts carry over"
    );
    let (status, _, page) = post(&client, &app, &corrections, &[("csrf", &token)]).await;
    assert_eq!(status, 409);
    assert!(page.contains("Seul un procès-verbal signé se corrige"));

    // A forged form changes nothing.
    let (status, _, _) = post(&client, &app, &sign, &[("csrf", "forged"), ("as", "chair")]).await;
    assert_eq!(status, 403);
}
