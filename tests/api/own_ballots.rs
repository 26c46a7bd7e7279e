//! Issue #11, item 3: an associate sees every ballot cast in their name —
//! by themselves (with their account or a voting card), by their proxy
//! holder, a blank proxy voted at close, a postal form entered by the
//! secretary — with the receipt and choice of a named ballot only; and
//! every voting card issued is audited for its associate.

use diesel::prelude::*;
use scrutin::db::schema::{audit_log, participations};
use serde_json::{Value, json};

use crate::helpers::Vote;
use crate::helpers::{TestApp, error_code};

both_backends!(
    an_associate_sees_every_ballot_cast_in_their_name,
    every_voting_card_is_audited_for_its_associate,
);

/// Admits an associate with a login; their id.
async fn admit(vote: &Vote<'_>, name: &str, email: &str) -> i64 {
    let res = vote
        .post(
            "/api/v1/associates",
            json!({
                "name": name, "email": email, "kind": "person", "category": "beneficiary",
                "college_id": vote.colleges[0], "admitted_on": "2025-01-02",
                "password": format!("{email} long password")
            }),
        )
        .await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.expect("JSON")["id"]
        .as_i64()
        .expect("id")
}

async fn api_token(app: &TestApp, email: &str) -> String {
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": format!("{email} long password")}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200, "{email} logs in");
    res.json::<Value>().await.expect("JSON")["token"]
        .as_str()
        .expect("token")
        .to_string()
}

/// The session cookie of a login through the form.
/// An administrator enrols their second factor at the first login, then
/// logs in again with a code.
async fn page_cookie(app: &TestApp, email: &str, password: &str) -> String {
    let mut res = app
        .page_login(&app.client, email, password, "/dashboard")
        .await;
    let enrolled = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|l| l.starts_with("/account/second-factor"));
    if enrolled {
        res = app
            .page_login(&app.client, email, password, "/dashboard")
            .await;
    }
    assert_eq!(res.status(), 303, "{email} logs in to the pages");
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("scrutin_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .expect("a session cookie")
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> String {
    let res = app
        .client
        .get(app.url(path))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("body")
}

/// `GET /api/v1/me/ballots` of a token: its list.
async fn my_ballots(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app.get_api("/api/v1/me/ballots", Some(token)).await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("JSON");
    body["ballots"].as_array().expect("a list").clone()
}

async fn receipt(res: reqwest::Response) -> String {
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.expect("JSON")["receipt"]
        .as_str()
        .expect("receipt")
        .to_string()
}

async fn an_associate_sees_every_ballot_cast_in_their_name(app: TestApp) {
    let vote = Vote::new(&app, &["40", "30", "30"], "ordinary", 1).await;
    let alice = admit(&vote, "Alice Martin", "alice@example.coop").await;
    let holder = admit(&vote, "Hugo Mandataire", "hugo@example.coop").await;
    let principal = admit(&vote, "Paula Mandante", "paula@example.coop").await;
    let blank = admit(&vote, "Blanche Pouvoir", "blanche@example.coop").await;
    let postal = admit(&vote, "Paul Courrier", "paul@example.coop").await;
    let named = vote
        .resolution("ordinary", json!({"title": "Comptes"}))
        .await;
    let secret = vote
        .resolution("ordinary", json!({"title": "Élection", "secret": true}))
        .await;
    vote.convene().await;
    for (who, mode, by) in [
        (alice, "present", None),
        (holder, "present", None),
        (principal, "represented", Some(holder)),
        (blank, "represented", None),
        (postal, "correspondence", None),
    ] {
        assert_eq!(vote.attend(who, mode, by).await.status(), 200);
    }
    vote.open().await;
    let cards = vote.cards(&[alice, holder]).await;
    let alice_token = api_token(&app, "alice@example.coop").await;

    let mut receipts = Vec::new();
    for r in [named, secret] {
        let res = vote
            .post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
            .await;
        assert_eq!(res.status(), 200);
        // Alice: with her card on the named one, her account on the secret one.
        let token = if r == named {
            &cards[&alice]
        } else {
            &alice_token
        };
        let mine = receipt(vote.ballot(r, token, "against", None).await).await;
        let theirs = receipt(
            vote.ballot(r, &cards[&holder], "for", Some(principal))
                .await,
        )
        .await;
        let res = vote
            .post(
                &format!("/api/v1/resolutions/{r}/postal-ballots"),
                json!({"associate_id": postal, "choice": "abstain"}),
            )
            .await;
        let by_post = receipt(res).await;
        vote.close(r).await;
        receipts.push((mine, theirs, by_post));
    }
    let (alice_named, principal_named, postal_named) = receipts[0].clone();
    let (alice_secret, principal_secret, postal_secret) = receipts[1].clone();

    // Alice: both, cast by herself; the named one with its receipt and choice.
    let list = my_ballots(&app, &alice_token).await;
    assert_eq!(list.len(), 2, "{list:?}");
    let first = &list[0];
    assert_eq!(first["resolution_id"], named);
    assert_eq!(first["assembly_id"], vote.assembly);
    assert_eq!(first["number"], 1);
    assert_eq!(first["title"], "Comptes");
    assert_eq!(first["cast"], "self");
    assert_eq!(first["cast_via"], "card");
    assert_eq!(first["cast_by"]["associate_id"], alice);
    assert_eq!(first["cast_by"]["name"], "Alice Martin");
    assert_eq!(first["receipt"], alice_named.as_str());
    assert_eq!(first["choice"], "against");
    assert_eq!(first["note"], Value::Null);
    let second = &list[1];
    assert_eq!(second["resolution_id"], secret);
    assert_eq!(second["secret"], true);
    assert_eq!(second["cast"], "self");
    assert_eq!(second["cast_via"], "account");
    assert_eq!(second["receipt"], Value::Null);
    assert_eq!(second["choice"], Value::Null);
    assert!(
        second["note"]["fr"]
            .as_str()
            .unwrap_or("")
            .contains("le reçu n'a été remis qu'à qui a déposé le bulletin"),
        "{second}"
    );
    assert!(
        second["note"]["en"]
            .as_str()
            .unwrap_or("")
            .contains("the receipt was given only to whoever cast it")
    );
    // Nothing of the secret ballot is stored with her participation.
    let text = Value::Array(list.clone()).to_string();
    for r in [&alice_secret, &principal_secret, &postal_secret] {
        assert!(!text.contains(r.as_str()), "a secret receipt leaked");
    }

    // Paula: both cast by her proxy holder, named.
    let list = my_ballots(&app, &api_token(&app, "paula@example.coop").await).await;
    assert_eq!(list.len(), 2);
    for b in &list {
        assert_eq!(b["cast"], "proxy_holder");
        assert_eq!(b["cast_via"], "card");
        assert_eq!(b["cast_by"]["associate_id"], holder);
        assert_eq!(b["cast_by"]["name"], "Hugo Mandataire");
    }
    assert_eq!(list[0]["receipt"], principal_named.as_str());
    assert_eq!(list[0]["choice"], "for");
    assert_eq!(list[1]["receipt"], Value::Null);

    // The holder cast nothing in his own name.
    let list = my_ballots(&app, &api_token(&app, "hugo@example.coop").await).await;
    assert!(list.is_empty(), "{list:?}");

    // The blank proxy, voted with the board at close.
    let list = my_ballots(&app, &api_token(&app, "blanche@example.coop").await).await;
    assert_eq!(list.len(), 2);
    for b in &list {
        assert_eq!(b["cast"], "blank_proxy");
        assert_eq!(b["cast_via"], "blank_proxy");
        assert_eq!(b["cast_by"], Value::Null);
    }
    assert_eq!(list[0]["choice"], "for", "with the board");

    // The postal form, entered by the secretary.
    let list = my_ballots(&app, &api_token(&app, "paul@example.coop").await).await;
    assert_eq!(list.len(), 2);
    for b in &list {
        assert_eq!(b["cast"], "postal");
        assert_eq!(b["cast_by"], Value::Null);
    }
    assert_eq!(list[0]["receipt"], postal_named.as_str());
    assert_eq!(list[0]["choice"], "abstain");

    // The participations hold who cast, never a receipt: their columns.
    {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let rows: Vec<(i64, i64, Option<i64>, Option<String>)> = participations::table
            .filter(participations::resolution_id.eq(secret))
            .select((
                participations::resolution_id,
                participations::associate_id,
                participations::cast_by,
                participations::cast_via,
            ))
            .order(participations::associate_id.asc())
            .load(&mut conn)
            .expect("participations");
        let mut expected = vec![
            (secret, alice, Some(alice), Some("account".to_string())),
            (secret, principal, Some(holder), Some("card".to_string())),
            (secret, blank, None, Some("blank_proxy".to_string())),
            (secret, postal, None, Some("postal".to_string())),
        ];
        expected.sort_by_key(|r| r.1);
        assert_eq!(rows, expected);
    }

    // Staff without an associate: 403; nobody: 401.
    assert_eq!(
        error_code(
            app.get_api("/api/v1/me/ballots", Some(&vote.token)).await,
            403
        )
        .await,
        "forbidden"
    );
    assert_eq!(app.get_api("/api/v1/me/ballots", None).await.status(), 401);

    // On her own page, Alice sees them; the administrator, on hers, does not.
    let cookie = page_cookie(
        &app,
        "alice@example.coop",
        "alice@example.coop long password",
    )
    .await;
    let html = page(&app, &cookie, &format!("/associates/{alice}")).await;
    assert!(html.contains("Votes en votre nom"), "the section");
    assert!(html.contains(&alice_named), "the named receipt");
    assert!(html.contains("Élection"));
    assert!(html.contains("Scrutin secret"), "the secret ballot's note");
    let cookie = page_cookie(
        &app,
        "paula@example.coop",
        "paula@example.coop long password",
    )
    .await;
    let html = page(&app, &cookie, &format!("/associates/{principal}")).await;
    assert!(
        html.contains("Votre mandataire Hugo Mandataire"),
        "who cast it"
    );
    let admin = page_cookie(
        &app,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    let html = page(&app, &admin, &format!("/associates/{alice}")).await;
    assert!(!html.contains("Votes en votre nom"), "not on staff's view");
    assert!(!html.contains(&alice_named));
}

async fn every_voting_card_is_audited_for_its_associate(app: TestApp) {
    let vote = Vote::new(&app, &["40", "30", "30"], "ordinary", 1).await;
    let ids = crate::helpers::admit_many(&app, &vote.token, vote.colleges[0], 3, "Carte").await;
    vote.convene().await;
    for id in &ids {
        assert_eq!(vote.attend(*id, "present", None).await.status(), 200);
    }
    vote.open().await;
    vote.cards(&ids).await;
    // A card lost and issued again: a second row, that says so.
    vote.cards(&ids[..1]).await;
    let rows: Vec<(String, Option<i64>, String)> = {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        audit_log::table
            .filter(audit_log::action.eq("voting_card_issued"))
            .order(audit_log::id.asc())
            .select((
                audit_log::subject,
                audit_log::subject_id,
                audit_log::details,
            ))
            .load(&mut conn)
            .expect("the audit log")
    };
    assert_eq!(rows.len(), 4, "one row per card issued");
    let expected = [(ids[0], 0), (ids[1], 0), (ids[2], 0), (ids[0], 1)];
    for ((subject, who, details), (id, replaced)) in rows.iter().zip(expected) {
        assert_eq!(subject, "associate");
        assert_eq!(*who, Some(id));
        let d: Value = serde_json::from_str(details).expect("JSON");
        assert_eq!(d["assembly_id"], vote.assembly);
        assert_eq!(d["purpose"], "card");
        assert_eq!(d["replaced"], replaced);
    }
    // No count row any more.
    let counts: i64 = {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        audit_log::table
            .filter(audit_log::action.eq("voting_cards"))
            .count()
            .get_result(&mut conn)
            .expect("count")
    };
    assert_eq!(counts, 0);
    // The associate's history names it.
    let cookie = page_cookie(
        &app,
        crate::helpers::ADMIN_EMAIL,
        crate::helpers::ADMIN_PASSWORD,
    )
    .await;
    let html = page(&app, &cookie, &format!("/associates/{}", ids[0])).await;
    assert!(html.contains("Carte de vote émise"), "in the history");
    assert!(html.contains("remplace la précédente"));
    // The minutes still count the cards in use: three (the reissued one
    // replaced its predecessor).
    let base = format!("/api/v1/assemblies/{}", vote.assembly);
    assert_eq!(
        vote.post(&format!("{base}/close"), json!({}))
            .await
            .status(),
        200
    );
    let md = app
        .get_api(&format!("{base}/minutes?format=md"), Some(&vote.token))
        .await
        .text()
        .await
        .expect("minutes");
    assert!(
        md.contains("3 carte(s) de vote ont été remises en séance"),
        "{md}"
    );
}
