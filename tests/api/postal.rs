//! Postal ballots (vote par correspondance): the secretary enters each form
//! received before the meeting, through the API and the assembly's page;
//! only an associate attending by correspondence has one, once, and it is
//! counted like any ballot.

use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};
use crate::helpers::{Vote, admit_many};
use crate::helpers::{Who, log_in};

both_backends!(
    postal_ballots_are_entered_once_and_counted,
    the_assembly_page_enters_a_postal_vote
);

/// Three associates: one present, two voting by correspondence; the
/// assembly and its resolution open.
async fn setting<'a>(app: &'a TestApp) -> (Vote<'a>, i64, Vec<i64>) {
    let vote = Vote::new(app, &["50", "30", "20"], "ordinary", 1).await;
    let r = vote
        .resolution("ordinary", json!({"weighted": false}))
        .await;
    let ids = admit_many(app, &vote.token, vote.colleges[0], 3, "post").await;
    vote.convene().await;
    assert_eq!(vote.attend(ids[0], "present", None).await.status(), 200);
    for id in &ids[1..] {
        let res = vote.attend(*id, "correspondence", None).await;
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
    }
    vote.open().await;
    assert_eq!(
        vote.post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
            .await
            .status(),
        200
    );
    (vote, r, ids)
}

async fn pending(vote: &Vote<'_>, r: i64) -> Vec<i64> {
    let body: Value = vote
        .app
        .get_api(
            &format!("/api/v1/resolutions/{r}/postal-ballots"),
            Some(&vote.token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    body["pending"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["associate_id"].as_i64())
        .collect()
}

async fn postal_ballots_are_entered_once_and_counted(app: TestApp) {
    let (vote, r, ids) = setting(&app).await;
    let path = format!("/api/v1/resolutions/{r}/postal-ballots");
    let mut waiting = pending(&vote, r).await;
    waiting.sort();
    assert_eq!(waiting, ids[1..].to_vec());

    let res = vote
        .post(&path, json!({"associate_id": ids[1], "choice": "for"}))
        .await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.expect("JSON");
    assert_eq!(body["receipt"].as_str().map(str::len), Some(32));
    assert_eq!(
        error_code(
            vote.post(&path, json!({"associate_id": ids[1], "choice": "against"}))
                .await,
            409
        )
        .await,
        "already_voted"
    );
    assert_eq!(
        error_code(
            vote.post(&path, json!({"associate_id": ids[0], "choice": "for"}))
                .await,
            422
        )
        .await,
        "not_by_correspondence",
        "a present associate votes for themselves"
    );
    assert_eq!(
        error_code(
            vote.post(&path, json!({"associate_id": ids[2], "choice": "maybe"}))
                .await,
            400
        )
        .await,
        "bad_request"
    );
    // The one who voted by post cannot also vote with a card.
    let cards = vote.cards(&[ids[0], ids[2]]).await;
    assert_eq!(
        vote.ballot(r, &cards[&ids[2]], "for", None).await.status(),
        403
    );
    assert_eq!(pending(&vote, r).await, vec![ids[2]]);

    let res = vote
        .post(&path, json!({"associate_id": ids[2], "choice": "abstain"}))
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        vote.ballot(r, &cards[&ids[0]], "against", None)
            .await
            .status(),
        201
    );
    assert!(pending(&vote, r).await.is_empty());

    let result = vote.close(r).await;
    assert_eq!(result["counts"]["ballots"], 3, "{result}");
    assert_eq!(result["counts"]["for"], 1, "{result}");
    assert_eq!(result["counts"]["against"], 1, "{result}");
    assert_eq!(result["counts"]["abstain"], 1, "{result}");
    // Closed: nothing more is entered.
    assert_eq!(
        error_code(
            vote.post(&path, json!({"associate_id": ids[2], "choice": "for"}))
                .await,
            409
        )
        .await,
        "resolution_not_open"
    );
}

async fn the_assembly_page_enters_a_postal_vote(app: TestApp) {
    let (vote, r, ids) = setting(&app).await;
    let staff = log_in(&app, Who::Admin).await;
    let cookie = staff.cookie.as_deref().unwrap_or("");
    let page_path = format!("/assemblies/{}", vote.assembly);
    let page = app
        .client
        .get(app.url(&page_path))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("Votes par correspondance à saisir (2)"),
        "the form lists the two forms to enter"
    );
    let action = format!("{page_path}/resolutions/{r}/postal");
    assert!(page.contains(&format!("action=\"{action}\"")));

    // No choice ticked: refused, in French, nothing recorded.
    let res = app
        .client
        .post(app.url(&action))
        .header("Cookie", cookie)
        .form(&[
            ("csrf", staff.csrf.as_str()),
            ("associate_id", &ids[1].to_string()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 422);
    let body = res.text().await.expect("body");
    assert!(body.contains("Choisissez l&#39;associé") || body.contains("Choisissez l'associé"));
    assert_eq!(pending(&vote, r).await.len(), 2);

    let res = app
        .client
        .post(app.url(&action))
        .header("Cookie", cookie)
        .form(&[
            ("csrf", staff.csrf.as_str()),
            ("associate_id", &ids[1].to_string()),
            ("choice", "against"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(location.ends_with("done=postal_recorded"), "{location}");
    assert_eq!(pending(&vote, r).await, vec![ids[2]]);
    let page = app
        .client
        .get(app.url(&location))
        .header("Cookie", cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    assert!(page.contains("Vote par correspondance enregistré."));
    assert!(page.contains("Votes par correspondance à saisir (1)"));
}
