//! Two server processes on one database (several processes behind a proxy,
//! DESIGN.md): every voter sends the same ballot to both at once; exactly
//! one is accepted, and the result and the chain agree.

use serde_json::{Value, json};

use crate::crash::{VOTERS, prepare, serve, url_of};
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, replay_published};

both_backends!(two_processes_accept_each_ballot_once);

async fn two_processes_accept_each_ballot_once(app: TestApp) {
    let url = url_of(&app);
    let dir = tempfile::tempdir().expect("dir");
    let (tokens, resolution) = prepare(&app.db());
    let (mut one, first) = serve(&url, dir.path());
    let (mut two, second) = serve(&url, dir.path());

    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for token in &tokens {
        for address in [&first, &second] {
            let (client, token) = (client.clone(), token.clone());
            let endpoint = format!("{address}/api/v1/resolutions/{resolution}/ballots");
            tasks.push(tokio::spawn(async move {
                client
                    .post(endpoint)
                    .bearer_auth(token)
                    .json(&json!({"choice": "for"}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }));
        }
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap_or(0));
    }
    let accepted = statuses.iter().filter(|s| **s == 201).count();
    let conflicts = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!(
        (accepted, conflicts),
        (VOTERS, VOTERS),
        "one ballot per voter across both processes"
    );

    let login: Value = client
        .post(format!("{second}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = login["token"].as_str().expect("token").to_string();
    let result: Value = client
        .post(format!("{first}/api/v1/resolutions/{resolution}/close"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("close")
        .json()
        .await
        .expect("JSON");
    let published: Value = client
        .get(format!("{second}/api/v1/resolutions/{resolution}/receipts"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("receipts")
        .json()
        .await
        .expect("JSON");
    let _ = one.kill();
    let _ = two.kill();
    let _ = one.wait();
    let _ = two.wait();
    assert_eq!(result["counts"]["ballots"], VOTERS);
    assert_eq!(published["receipts"].as_array().map(Vec::len), Some(VOTERS));
    // The chain, extended by two processes in turn, still replays.
    assert_eq!(
        published["chain_head"],
        replay_published(resolution, &published)
    );
}
