//! The pages of an assembly, through a browser-like client (a cookie jar,
//! the /login form, the CSRF field of each page): the secretary's page and
//! convocation, the entrance desk, the voting cards, the voter's phone, the
//! live screen and its event stream, and who may open them.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::helpers::{Vote, admit_many, get, page_client};

both_backends!(
    the_secretary_creates_and_convenes_from_the_pages,
    the_desk_records_arrivals_and_the_quorum_follows,
    a_proxy_chain_is_refused_with_a_message,
    a_proxy_needs_a_holder_chosen_or_blank_explicitly,
    the_agenda_is_fixed_once_convened,
    a_voter_votes_for_themselves_and_their_proxy_from_a_phone,
    a_forged_vote_changes_nothing,
    the_live_screen_streams_the_quorum,
    an_associate_cannot_open_the_secretarys_pages,
);

async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .expect("POST")
}

/// The value of the first hidden field `name` in a page.
fn field(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a field {name} in {html}"))
        .to_string()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn admit(vote: &Vote<'_>, name: &str, email: &str, password: Option<&str>) -> i64 {
    let mut body = json!({
        "name": name, "email": email, "kind": "person", "category": "beneficiary",
        "college_id": vote.colleges[0], "admitted_on": "2025-01-02"
    });
    if let Some(p) = password {
        body["password"] = json!(p);
    }
    let res = vote
        .app
        .post_json("/api/v1/associates", &body, Some(&vote.token))
        .await;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.expect("JSON");
    created["id"].as_i64().expect("id")
}

async fn quorum(vote: &Vote<'_>) -> Value {
    let path = format!("/api/v1/assemblies/{}/quorum", vote.assembly);
    vote.app
        .get_api(&path, Some(&vote.token))
        .await
        .json()
        .await
        .expect("JSON")
}

/// Records an attendance through the desk's form; the answer.
async fn desk(
    client: &reqwest::Client,
    vote: &Vote<'_>,
    who: i64,
    mode: &str,
    holder: &str,
) -> reqwest::Response {
    let base = format!("/assemblies/{}/attendance", vote.assembly);
    let (status, page) = get(client, vote.app, &base).await;
    assert_eq!(status, 200);
    let csrf = field(&page, "csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("mode", mode),
        ("holder", holder),
        ("q", ""),
    ];
    post(client, vote.app, &format!("{base}/{who}"), &form).await
}

async fn the_secretary_creates_and_convenes_from_the_pages(app: TestApp) {
    let vote = Vote::new(&app, &[], "ordinary", 1).await;
    admit_many(&app, &vote.token, vote.colleges[0], 2, "Conv").await;
    let admin = page_client(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (status, list) = get(&admin, &app, "/assemblies").await;
    assert_eq!(status, 200);
    assert!(
        list.contains("href=\"/assemblies\""),
        "the navigation links the assemblies"
    );
    let csrf = field(&list, "csrf");
    // Tomorrow at 14:00, Paris time: inside the 15 days of a first call.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%dT14:00")
        .to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "AG de printemps"),
        ("kind", "ordinary"),
        ("starts_at", tomorrow.as_str()),
        ("place", "Salle des fêtes"),
        ("call", "1"),
        ("first_call_id", ""),
        ("remote_url", ""),
    ];
    let res = post(&admin, &app, "/assemblies", &form).await;
    assert_eq!(res.status(), 303);
    let page_path = location(&res).split('?').next().unwrap_or("").to_string();
    assert!(page_path.starts_with("/assemblies/"), "{page_path}");
    let (_, page) = get(&admin, &app, &page_path).await;
    assert!(
        page.contains("AG de printemps") && page.contains("à 14 h 00"),
        "the date in French words: {page}"
    );

    // Too late without the override: refused, with the dates, nothing sent.
    let res = post(
        &admin,
        &app,
        &format!("{page_path}/convene"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(res.status(), 422);
    let refused = res.text().await.expect("body");
    assert!(
        refused.contains("Trop tard pour convoquer") && refused.contains("au plus tard le"),
        "{refused}"
    );
    assert!(refused.contains("En préparation"), "still a draft");
    // With the explicit override: convened, and the page says so.
    let form = [("csrf", csrf.as_str()), ("override_notice", "on")];
    let res = post(&admin, &app, &format!("{page_path}/convene"), &form).await;
    assert_eq!(res.status(), 303);
    let (_, page) = get(&admin, &app, &location(&res)).await;
    assert!(
        page.contains("Convoquée") && page.contains("Délai de convocation non respecté"),
        "{page}"
    );
    // The outbox sends them in the background: the page counts them once sent.
    let mut page = page;
    for _ in 0..100 {
        if page.contains("2 convocation(s) envoyée(s)") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        page = get(&admin, &app, &page_path).await.1;
    }
    assert!(page.contains("2 convocation(s) envoyée(s)"), "{page}");
}

async fn the_desk_records_arrivals_and_the_quorum_follows(app: TestApp) {
    let vote = Vote::new(&app, &[], "ordinary", 1).await;
    admit_many(&app, &vote.token, vote.colleges[0], 3, "Desk").await;
    let helene = admit(&vote, "Hélène Dupré", "helene@example.coop", None).await;
    vote.convene().await;
    let admin = page_client(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let base = format!("/assemblies/{}/attendance", vote.assembly);

    // The search ignores accents and case.
    let (status, page) = get(&admin, &app, &format!("{base}?q=HELENE")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Hélène Dupré") && !page.contains("Desk 0"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"figure\">0 / 4</span>"),
        "nobody counted yet: {page}"
    );
    assert_eq!(quorum(&vote).await["counted"], 0);

    let csrf = field(&page, "csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("mode", "present"),
        ("q", "HELENE"),
    ];
    let res = post(&admin, &app, &format!("{base}/{helene}"), &form).await;
    assert_eq!(res.status(), 303);
    assert!(
        location(&res).starts_with(&format!("{base}?q=HELENE&")),
        "back to the same search: {}",
        location(&res)
    );
    assert_eq!(quorum(&vote).await["counted"], 1);
    assert_eq!(quorum(&vote).await["present"], 1);
    let (_, page) = get(&admin, &app, &location(&res)).await;
    assert!(
        page.contains("<span class=\"figure\">1 / 4</span>"),
        "the quorum on the desk follows: {page}"
    );
    assert!(
        page.contains("value=\"present\" aria-pressed=\"true\""),
        "the button shows the state: {page}"
    );

    // A forged form (wrong CSRF field) changes nothing.
    let forged = [("csrf", "forged"), ("mode", "absent"), ("q", "")];
    assert_eq!(
        post(&admin, &app, &format!("{base}/{helene}"), &forged)
            .await
            .status(),
        403
    );
    assert_eq!(quorum(&vote).await["present"], 1);
}

async fn a_proxy_chain_is_refused_with_a_message(app: TestApp) {
    let vote = Vote::new(&app, &[], "ordinary", 1).await;
    let ids = admit_many(&app, &vote.token, vote.colleges[0], 4, "Chain").await;
    let (a, b, c, d) = (ids[0], ids[1], ids[2], ids[3]);
    vote.convene().await;
    let admin = page_client(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(desk(&admin, &vote, a, "present", "").await.status(), 303);
    assert_eq!(desk(&admin, &vote, c, "present", "").await.status(), 303);
    assert_eq!(
        desk(&admin, &vote, b, "represented", &a.to_string())
            .await
            .status(),
        303
    );

    // A holds B's proxy: A cannot give theirs to C.
    let res = desk(&admin, &vote, a, "represented", &c.to_string()).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("body");
    assert!(
        page.contains("Pas de chaîne de pouvoirs") && page.contains("1 pouvoir(s)"),
        "{page}"
    );
    // A holder who is not attending is refused too.
    let res = desk(&admin, &vote, c, "represented", &d.to_string()).await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .expect("body")
            .contains("Le mandataire doit participer")
    );

    let list: Value = app
        .get_api(
            &format!("/api/v1/assemblies/{}/attendance", vote.assembly),
            Some(&vote.token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let mode_of = |who: i64| {
        list["attendance"]
            .as_array()
            .expect("list")
            .iter()
            .find(|x| x["associate_id"] == who)
            .map(|x| x["mode"].clone())
    };
    assert_eq!(
        mode_of(a),
        Some(json!("present")),
        "the refused proxy changed nothing"
    );
    assert_eq!(mode_of(c), Some(json!("present")));
    let q = quorum(&vote).await;
    assert_eq!(
        (q["present"].as_u64(), q["represented"].as_u64()),
        (Some(2), Some(1))
    );
}

async fn a_proxy_needs_a_holder_chosen_or_blank_explicitly(app: TestApp) {
    let vote = Vote::new(&app, &[], "ordinary", 1).await;
    let ids = admit_many(&app, &vote.token, vote.colleges[0], 2, "Blank").await;
    let (a, b) = (ids[0], ids[1]);
    vote.convene().await;
    let admin = page_client(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(desk(&admin, &vote, a, "present", "").await.status(), 303);

    // The list starts on the empty choice, blank proxy is a choice of its own.
    let base = format!("/assemblies/{}/attendance", vote.assembly);
    let (_, page) = get(&admin, &app, &base).await;
    let list = page
        .split(&format!("id=\"holder-{b}\""))
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("B's holder list");
    assert!(
        list.contains("<option value=\"\" selected>— choisir —</option>")
            && list.contains("<option value=\"blank\">Pouvoir en blanc"),
        "{list}"
    );

    // "represented" with the list left on "— choisir —": refused, in French
    // and in English, with the search kept, and nothing recorded.
    let csrf = field(&page, "csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("mode", "represented"),
        ("holder", ""),
        ("q", "Blank"),
    ];
    let res = post(&admin, &app, &format!("{base}/{b}"), &form).await;
    assert_eq!(res.status(), 422);
    let refused = res.text().await.expect("body");
    assert!(
        refused.contains("Choisissez le mandataire dans la liste"),
        "{refused}"
    );
    assert!(
        refused.contains("id=\"q\" type=\"search\" name=\"q\" value=\"Blank\""),
        "the search is kept: {refused}"
    );
    let res = post(&admin, &app, &format!("{base}/{b}?lang=en"), &form).await;
    assert_eq!(res.status(), 422);
    let refused = res.text().await.expect("body");
    assert!(refused.contains("Choose who holds the proxy"), "{refused}");
    let q = quorum(&vote).await;
    assert_eq!(
        (q["counted"].as_u64(), q["represented"].as_u64()),
        (Some(1), Some(0)),
        "nothing recorded"
    );

    // Blank proxy, chosen explicitly: recorded, without a holder.
    assert_eq!(
        desk(&admin, &vote, b, "represented", "blank")
            .await
            .status(),
        303
    );
    let q = quorum(&vote).await;
    assert_eq!(q["represented"].as_u64(), Some(1));
    let list: Value = app
        .get_api(
            &format!("/api/v1/assemblies/{}/attendance", vote.assembly),
            Some(&vote.token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let row = list["attendance"]
        .as_array()
        .expect("list")
        .iter()
        .find(|x| x["associate_id"] == b)
        .cloned()
        .expect("B's attendance");
    assert_eq!(
        (row["mode"].clone(), row["proxy_holder_id"].clone()),
        (json!("represented"), Value::Null)
    );
    // (The English answer above left the language cookie on English.)
    let (_, page) = get(&admin, &app, &format!("{base}?lang=fr")).await;
    assert!(
        page.contains("<option value=\"blank\" selected>Pouvoir en blanc"),
        "the list shows the blank proxy recorded: {page}"
    );
}

/// The number of resolutions on the assembly's agenda, through the API.
async fn agenda_size(vote: &Vote<'_>) -> usize {
    let path = format!("/api/v1/assemblies/{}", vote.assembly);
    let body: Value = vote
        .app
        .get_api(&path, Some(&vote.token))
        .await
        .json()
        .await
        .expect("JSON");
    body["resolutions"].as_array().expect("resolutions").len()
}

async fn the_agenda_is_fixed_once_convened(app: TestApp) {
    let vote = Vote::new(&app, &[], "ordinary", 1).await;
    admit_many(&app, &vote.token, vote.colleges[0], 2, "Agenda").await;
    let admin = page_client(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let page_path = format!("/assemblies/{}", vote.assembly);
    let add = format!("{page_path}/resolutions");
    let (_, page) = get(&admin, &app, &page_path).await;
    let csrf = field(&page, "csrf");
    let typed = |title: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("title", title.to_string()),
            ("text", "Texte".to_string()),
            ("majority", "ordinary".to_string()),
        ]
    };
    // A draft: the page offers the form, and it adds.
    assert!(page.contains(&format!("action=\"{add}\"")), "{page}");
    let res = admin
        .post(app.url(&add))
        .form(&typed("Approbation des comptes"))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), 303);
    assert_eq!(agenda_size(&vote).await, 1);

    vote.convene().await;
    let (_, page) = get(&admin, &app, &page_path).await;
    assert!(
        !page.contains(&format!("action=\"{add}\""))
            && page.contains("L'ordre du jour est fixé par la convocation"),
        "no add form once convened: {page}"
    );
    let api = format!("/api/v1/assemblies/{}/resolutions", vote.assembly);
    let question = json!({"title": "Question diverse", "text": "T", "majority": "ordinary"});
    for step in ["convened", "open", "closed"] {
        match step {
            "open" => vote.open().await,
            "closed" => {
                let res = vote
                    .post(
                        &format!("/api/v1/assemblies/{}/close", vote.assembly),
                        json!({}),
                    )
                    .await;
                assert_eq!(res.status(), 200, "{step}");
            }
            _ => {}
        }
        let res = vote.post(&api, question.clone()).await;
        assert_eq!(
            crate::helpers::error_code(res, 409).await,
            "agenda_closed",
            "{step}"
        );
        let res = admin
            .post(app.url(&add))
            .form(&typed("Question diverse"))
            .send()
            .await
            .expect("POST");
        assert_eq!(res.status(), 409, "{step}");
        let refused = res.text().await.expect("body");
        assert!(
            refused.contains("ne s&#39;ajoute qu&#39;avant de convoquer")
                || refused.contains("ne s'ajoute qu'avant de convoquer"),
            "{step}: {refused}"
        );
    }
    let res = admin
        .post(app.url(&format!("{add}?lang=en")))
        .form(&typed("Question diverse"))
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), 409);
    let refused = res.text().await.expect("body");
    assert!(
        refused.contains("The agenda is fixed by the convocation"),
        "{refused}"
    );
    assert_eq!(agenda_size(&vote).await, 1, "nothing was added");
}

/// A convened, open assembly with A present holding B's proxy, one
/// resolution open (through the pages), and A's voting card issued through
/// the cards page: (admin browser, A, B, resolution, A's card token).
async fn room(vote: &Vote<'_>) -> (reqwest::Client, i64, i64, i64, String) {
    let app = vote.app;
    let a = admit(vote, "Alice Martin", "alice@example.coop", None).await;
    let b = admit(vote, "Bruno Leroy", "bruno@example.coop", None).await;
    let resolution = vote.resolution("ordinary", json!({})).await;
    vote.convene().await;
    let admin = page_client(app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(desk(&admin, vote, a, "present", "").await.status(), 303);
    assert_eq!(
        desk(&admin, vote, b, "represented", &a.to_string())
            .await
            .status(),
        303
    );
    let page_path = format!("/assemblies/{}", vote.assembly);
    let (_, page) = get(&admin, app, &page_path).await;
    let csrf = field(&page, "csrf");
    assert_eq!(
        post(
            &admin,
            app,
            &format!("{page_path}/open"),
            &[("csrf", &csrf)]
        )
        .await
        .status(),
        303
    );
    let res = post(
        &admin,
        app,
        &format!("{page_path}/resolutions/{resolution}/open"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), 303);

    let res = post(
        &admin,
        app,
        &format!("{page_path}/cards"),
        &[("csrf", csrf.as_str()), ("who", "present")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let cards = res.text().await.expect("body");
    assert!(
        cards.contains("Alice Martin") && !cards.contains("Bruno Leroy"),
        "a card for the one present: {cards}"
    );
    let token: String = cards
        .split("/vote/")
        .nth(1)
        .map(|rest| rest.chars().take_while(char::is_ascii_hexdigit).collect())
        .expect("a voting link on the card");
    assert_eq!(token.len(), 64);
    (admin, a, b, resolution, token)
}

fn receipt_in(page: &str) -> String {
    page.split("class=\"receipt\"><code>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("a receipt in {page}"))
        .to_string()
}

async fn a_voter_votes_for_themselves_and_their_proxy_from_a_phone(app: TestApp) {
    let vote = Vote::new(&app, &[], "ordinary", 1).await;
    let (admin, _a, b, resolution, token) = room(&vote).await;
    let phone = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let here = format!("/vote/{token}");
    let (status, page) = get(&phone, &app, &here).await;
    assert_eq!(status, 200, "no login needed");
    assert!(
        page.contains("Mon vote") && page.contains("Pouvoir de Bruno Leroy"),
        "my vote and my proxy's: {page}"
    );
    let key = field(&page, "form_key");
    let id = resolution.to_string();
    let b_id = b.to_string();

    let mine = post(
        &phone,
        &app,
        &here,
        &[
            ("form_key", key.as_str()),
            ("resolution_id", &id),
            ("choice", "for"),
        ],
    )
    .await;
    assert_eq!(mine.status(), 200);
    let mine = receipt_in(&mine.text().await.expect("body"));
    let form = [
        ("form_key", key.as_str()),
        ("resolution_id", &id),
        ("choice", "against"),
        ("on_behalf_of", &b_id),
    ];
    let theirs = post(&phone, &app, &here, &form).await;
    assert_eq!(theirs.status(), 200);
    let theirs_page = theirs.text().await.expect("body");
    assert!(
        theirs_page.contains("Au nom de") && theirs_page.contains("Bruno Leroy"),
        "{theirs_page}"
    );
    let theirs = receipt_in(&theirs_page);
    assert!(
        mine.len() == 32 && theirs.len() == 32 && mine != theirs,
        "{mine} {theirs}"
    );

    let again = post(
        &phone,
        &app,
        &here,
        &[
            ("form_key", key.as_str()),
            ("resolution_id", &id),
            ("choice", "against"),
        ],
    )
    .await;
    assert_eq!(again.status(), 409);
    assert!(again.text().await.expect("body").contains("Déjà voté"));
    let (_, page) = get(&phone, &app, &here).await;
    assert_eq!(
        page.matches("Déjà voté").count(),
        2,
        "both blocks are done: {page}"
    );
    assert!(!page.contains("name=\"choice\""), "no button left: {page}");

    // Closed through the page: the published receipts carry the choices.
    let page_path = format!("/assemblies/{}", vote.assembly);
    let (_, assembly_page) = get(&admin, &app, &page_path).await;
    let csrf = field(&assembly_page, "csrf");
    let res = post(
        &admin,
        &app,
        &format!("{page_path}/resolutions/{resolution}/close"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (_, closed) = get(&admin, &app, &page_path).await;
    assert!(
        closed.contains("Vote clos") && closed.contains("rejetée"),
        "1 for, 1 against is not a majority: {closed}"
    );
    let published: Value = app
        .get_api(
            &format!("/api/v1/resolutions/{resolution}/receipts"),
            Some(&vote.token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let choice_of = |receipt: &str| {
        published["receipts"]
            .as_array()
            .expect("receipts")
            .iter()
            .find(|x| x["receipt"] == receipt)
            .map(|x| x["choice"].clone())
    };
    assert_eq!(choice_of(&mine), Some(json!("for")));
    assert_eq!(choice_of(&theirs), Some(json!("against")));
}

async fn ballots(vote: &Vote<'_>, resolution: i64) -> Value {
    let path = format!("/api/v1/resolutions/{resolution}/result");
    let result: Value = vote
        .app
        .get_api(&path, Some(&vote.token))
        .await
        .json()
        .await
        .expect("JSON");
    result["counts"]["ballots"].clone()
}

async fn a_forged_vote_changes_nothing(app: TestApp) {
    let vote = Vote::new(&app, &[], "ordinary", 1).await;
    let (_admin, _a, _b, resolution, token) = room(&vote).await;
    let phone = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let here = format!("/vote/{token}");
    let id = resolution.to_string();

    let without = post(
        &phone,
        &app,
        &here,
        &[("resolution_id", id.as_str()), ("choice", "for")],
    )
    .await;
    assert_eq!(without.status(), 403);
    let wrong = [
        ("form_key", "0".repeat(64)),
        ("resolution_id", id.clone()),
        ("choice", "for".to_string()),
    ];
    assert_eq!(
        phone
            .post(app.url(&here))
            .form(&wrong)
            .send()
            .await
            .expect("POST")
            .status(),
        403
    );
    // The right key, but from another site: the middleware refuses it.
    let (_, page) = get(&phone, &app, &here).await;
    let key = field(&page, "form_key");
    let cross = phone
        .post(app.url(&here))
        .header("Origin", "https://evil.example")
        .form(&[
            ("form_key", key.as_str()),
            ("resolution_id", id.as_str()),
            ("choice", "for"),
        ])
        .send()
        .await
        .expect("POST");
    assert_eq!(cross.status(), 403);
    assert_eq!(ballots(&vote, resolution).await, 0, "no ballot was cast");
    // An unknown token is no voting page at all.
    let (status, _) = get(&phone, &app, &format!("/vote/{}", "a".repeat(64))).await;
    assert_eq!(status, 404);
    // The genuine form still works.
    let res = post(
        &phone,
        &app,
        &here,
        &[
            ("form_key", key.as_str()),
            ("resolution_id", id.as_str()),
            ("choice", "for"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(ballots(&vote, resolution).await, 1);
}

async fn the_live_screen_streams_the_quorum(app: TestApp) {
    let vote = Vote::new(&app, &[], "ordinary", 1).await;
    let ids = admit_many(&app, &vote.token, vote.colleges[0], 2, "Screen").await;
    vote.convene().await;
    assert_eq!(vote.attend(ids[0], "present", None).await.status(), 200);
    let admin = page_client(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let (status, screen) = get(
        &admin,
        &app,
        &format!("/assemblies/{}/screen", vote.assembly),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        screen.contains("/static/live.js") && screen.contains("data-events="),
        "{screen}"
    );
    assert!(
        !screen.contains("<script>"),
        "no inline script under the CSP"
    );
    let (status, script) = get(&admin, &app, "/static/live.js").await;
    assert!(status == 200 && script.contains("EventSource"));

    let mut res = admin
        .get(app.url(&format!("/assemblies/{}/events", vote.assembly)))
        .send()
        .await
        .expect("events");
    assert_eq!(res.status(), 200);
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(kind.starts_with("text/event-stream"), "{kind}");
    let first = tokio::time::timeout(Duration::from_secs(10), res.chunk())
        .await
        .expect("a first event within seconds")
        .expect("a readable stream")
        .expect("a chunk");
    let first = String::from_utf8_lossy(&first).to_string();
    assert!(first.starts_with("data: "), "{first}");
    assert!(
        first.contains("Quorum") && first.contains("<span class=\"figure\">1 / 2</span>"),
        "the quorum in the first event: {first}"
    );
    drop(res);

    // The next change is pushed: a second arrival.
    let mut res = admin
        .get(app.url(&format!("/assemblies/{}/events", vote.assembly)))
        .send()
        .await
        .expect("events");
    let _ = tokio::time::timeout(Duration::from_secs(10), res.chunk())
        .await
        .expect("first event");
    assert_eq!(vote.attend(ids[1], "present", None).await.status(), 200);
    let next = tokio::time::timeout(Duration::from_secs(10), res.chunk())
        .await
        .expect("a second event after the change")
        .expect("a readable stream")
        .expect("a chunk");
    assert!(String::from_utf8_lossy(&next).contains("<span class=\"figure\">2 / 2</span>"));
}

async fn an_associate_cannot_open_the_secretarys_pages(app: TestApp) {
    let vote = Vote::new(&app, &[], "ordinary", 1).await;
    admit(
        &vote,
        "Zoé Associée",
        "zoe@example.coop",
        Some("a long associate password"),
    )
    .await;
    let associate = page_client(&app, "zoe@example.coop", "a long associate password").await;
    let id = vote.assembly;
    for path in [
        "/assemblies".to_string(),
        format!("/assemblies/{id}"),
        format!("/assemblies/{id}/attendance"),
        format!("/assemblies/{id}/cards"),
        format!("/assemblies/{id}/screen"),
        format!("/assemblies/{id}/events"),
    ] {
        let (status, _) = get(&associate, &app, &path).await;
        assert_eq!(status, 403, "{path}");
    }
    let (_, dashboard) = get(&associate, &app, "/dashboard").await;
    assert!(
        !dashboard.contains("href=\"/assemblies\""),
        "no link to the secretary's pages"
    );
    let csrf = field(&dashboard, "csrf");
    let res = post(
        &associate,
        &app,
        &format!("/assemblies/{id}/open"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status(), 403);
    let status: Value = app
        .get_api(&format!("/api/v1/assemblies/{id}"), Some(&vote.token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(status["status"], "draft", "nothing changed");
}
