//! Two server processes on one database (several processes behind a proxy,
//! DESIGN.md): every voter sends the same ballot to both at once; exactly
//! one is accepted, and the result and the chain agree.

use std::time::Duration;

use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::crash::{VOTERS, prepare, serve, url_of};
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, replay_published};

const SECRETARY_EMAIL: &str = "secretariat@example.coop";
const SECRETARY_PASSWORD: &str = "a long secretary password";

both_backends!(two_processes_accept_each_ballot_once);
both_backends!(a_live_screen_follows_ballots_cast_through_another_process);

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

/// The live screen served by one process shows the ballots cast through the
/// other: pushed by LISTEN/NOTIFY on PostgreSQL (where the fallback poll is
/// slower than this test's patience), polled from the file on SQLite.
async fn a_live_screen_follows_ballots_cast_through_another_process(app: TestApp) {
    let url = url_of(&app);
    let dir = tempfile::tempdir().expect("dir");
    let (tokens, resolution) = prepare(&app.db());
    let assembly = {
        let mut conn = app.db().get().expect("connection");
        scrutin::services::voting::find(&mut conn, resolution)
            .expect("the resolution")
            .assembly_id
    };
    let (mut one, first) = serve(&url, dir.path());
    let (mut two, second) = serve(&url, dir.path());

    let secretary = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client");
    // The secretary's login: an administrator's would first have to enrol
    // a second factor.
    {
        let mut conn = app.db().get().expect("connection");
        scrutin::services::accounts::create_account(
            &mut conn,
            SECRETARY_EMAIL,
            SECRETARY_PASSWORD,
            scrutin::db::models::account::Role::Secretary,
        )
        .expect("the secretary");
    }
    let login = secretary
        .post(format!("{first}/login"))
        .form(&[("email", SECRETARY_EMAIL), ("password", SECRETARY_PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 303, "the login succeeds");
    let mut events = secretary
        .get(format!("{first}/assemblies/{assembly}/events"))
        .send()
        .await
        .expect("events");
    assert_eq!(events.status(), 200);
    let opening = next_chunk(&mut events).await;
    assert!(
        opening.contains("<span class=\"figure\">0</span>"),
        "no ballot yet: {opening}"
    );

    let voter = reqwest::Client::new();
    for token in tokens.iter().take(5) {
        let cast = voter
            .post(format!("{second}/api/v1/resolutions/{resolution}/ballots"))
            .bearer_auth(token)
            .json(&json!({"choice": "for"}))
            .send()
            .await
            .expect("ballot");
        assert_eq!(cast.status(), 201, "cast through the second process");
    }
    let wanted = format!(
        "<span class=\"figure\">5</span> ont voté sur <span class=\"figure\">{VOTERS}</span>"
    );
    let mut seen = Vec::new();
    let shown = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let chunk = next_chunk(&mut events).await;
            if chunk.contains(&wanted) {
                return;
            }
            seen.push(chunk);
        }
    })
    .await;
    let _ = one.kill();
    let _ = two.kill();
    let _ = one.wait();
    let _ = two.wait();
    assert!(
        shown.is_ok(),
        "the first process's screen shows the 5 ballots cast through the second; it sent: {seen:?}"
    );
}

/// The next chunk of an event stream (a whole event: the server writes each
/// in one piece).
async fn next_chunk(events: &mut reqwest::Response) -> String {
    let chunk = tokio::time::timeout(Duration::from_secs(20), events.chunk())
        .await
        .expect("an event or a keep-alive within 20 s")
        .expect("a readable stream")
        .expect("a chunk");
    String::from_utf8_lossy(&chunk).to_string()
}
