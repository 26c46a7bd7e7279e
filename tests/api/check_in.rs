//! Remote participation from the voter's own link: the page offers to join
//! while the assembly is open and offers it; a forged form changes nothing.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::{Vote, admit_many, in_a_month};

both_backends!(a_voter_joins_remotely_from_their_link);

async fn a_voter_joins_remotely_from_their_link(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let res = vote
        .post("/api/v1/assemblies", json!({"title": "AG à distance", "kind": "ordinary", "starts_at": in_a_month(), "place": "Lyon", "call": 1, "remote": true, "remote_url": "https://visio.example.coop/ag"}))
        .await;
    let remote: Value = res.json().await.expect("JSON");
    let vote = Vote {
        assembly: remote["id"].as_i64().expect("id"),
        ..vote
    };
    let ids = admit_many(&app, &vote.token, vote.colleges[0], 2, "far").await;
    vote.convene().await;
    vote.open().await;
    let cards = vote.cards(&ids).await;
    let page = |token: String| {
        let (client, url) = (app.client.clone(), app.url(&format!("/vote/{token}")));
        async move {
            client
                .get(url)
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("body")
        }
    };
    let html = page(cards[&ids[0]].clone()).await;
    assert!(html.contains("Je participe à distance"), "{html}");
    let key = html
        .split("name=\"form_key\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a form key")
        .to_string();
    let quorum = |vote: &Vote| {
        let path = format!("/api/v1/assemblies/{}/quorum", vote.assembly);
        let token = vote.token.clone();
        let app = &app;
        async move {
            app.get_api(&path, Some(&token))
                .await
                .json::<Value>()
                .await
                .expect("JSON")
        }
    };

    let forged = app
        .client
        .post(app.url(&format!("/vote/{}/check-in", cards[&ids[0]])))
        .form(&[("form_key", "forged")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    assert_eq!(
        quorum(&vote).await["remote"],
        0,
        "a forged form changes nothing"
    );

    let res = app
        .client
        .post(app.url(&format!("/vote/{}/check-in", cards[&ids[0]])))
        .form(&[("form_key", key.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 303);
    let q = quorum(&vote).await;
    assert_eq!(
        (q["remote"].as_u64(), q["counted"].as_u64()),
        (Some(1), Some(1))
    );
    let html = page(cards[&ids[0]].clone()).await;
    assert!(!html.contains("Je participe à distance"), "joined once");
    // The other voter has not joined: the page still offers it.
    assert!(
        page(cards[&ids[1]].clone())
            .await
            .contains("Je participe à distance")
    );
}
