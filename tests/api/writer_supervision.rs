//! Issue #11, item 3: the ballot writer is supervised. Its first batch
//! panics on purpose (the test hook `SCRUTIN_TEST_BALLOT_WRITER_PANICS=1`,
//! read once at start): that voter gets 503 with `Retry-After`, `/healthz`
//! says 503 until the writer is restarted, then the same voter's ballot is
//! accepted and counted once.

use diesel::prelude::*;
use scrutin::db::schema::{ballots, resolutions};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::helpers::{Vote, admit_many};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    a_dead_writer_answers_503_then_restarts(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    a_dead_writer_answers_503_then_restarts(Backend::Postgres).await;
}

async fn health(app: &TestApp) -> reqwest::Response {
    app.client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("health check")
}

fn retry_after(res: &reqwest::Response) -> i64 {
    res.headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header in seconds")
}

async fn a_dead_writer_answers_503_then_restarts(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &[("SCRUTIN_TEST_BALLOT_WRITER_PANICS", "1")]).await
    else {
        eprintln!("skipped: SCRUTIN_TEST_POSTGRES_URL is unset");
        return;
    };
    assert_eq!(health(&app).await.status(), 200, "healthy at start");
    let vote = Vote::new(&app, &["40", "30", "30"], "ordinary", 1).await;
    let voters = admit_many(&app, &vote.token, vote.colleges[0], 2, "Votant").await;
    let r = vote.resolution("ordinary", json!({})).await;
    vote.convene().await;
    for id in &voters {
        assert_eq!(vote.attend(*id, "present", None).await.status(), 200);
    }
    vote.open().await;
    let cards = vote.cards(&voters).await;
    let res = vote
        .post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
        .await;
    assert_eq!(res.status(), 200);

    // The batch of this ballot panics: its job is lost, the answer is 503.
    let res = vote.ballot(r, &cards[&voters[0]], "for", None).await;
    assert_eq!(res.status(), 503);
    assert!(retry_after(&res) >= 1);
    let body: Value = res.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "ballots_unavailable");

    // The writer is down (marked so before the voter was answered) until
    // its supervisor restarts it: the health check says so.
    let res = health(&app).await;
    assert_eq!(res.status(), 503, "unhealthy while the writer restarts");
    assert!(retry_after(&res) >= 1);
    // Meanwhile a ballot is refused at once, never left waiting.
    let res = vote.ballot(r, &cards[&voters[1]], "against", None).await;
    let status = res.status().as_u16();
    assert!(status == 503 || status == 201, "{status}");
    let second_counted = status == 201;

    // Restarted: healthy again (the supervisor waits a second).
    let mut healthy = false;
    for _ in 0..120 {
        if health(&app).await.status() == 200 {
            healthy = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(healthy, "the writer was restarted");

    // The same voter votes again: accepted (nothing of the panicked batch
    // was kept, not even a lock), and counted once.
    let res = vote.ballot(r, &cards[&voters[0]], "for", None).await;
    assert_eq!(res.status(), 201);
    let res = vote.ballot(r, &cards[&voters[0]], "for", None).await;
    assert_eq!(res.status(), 409, "once");
    let result = vote.close(r).await;
    let expected = if second_counted { 2 } else { 1 };
    assert_eq!(result["counts"]["for"], 1);
    assert_eq!(result["counts"]["ballots"], expected);
    // Committed for everyone, not only inside a transaction the panicked
    // batch left open on a pooled connection: a connection of its own sees
    // the ballots and the closed resolution.
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let stored: i64 = ballots::table
        .filter(ballots::resolution_id.eq(r))
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(stored, expected);
    let status: String = resolutions::table
        .find(r)
        .select(resolutions::status)
        .first(&mut conn)
        .expect("the resolution");
    assert_eq!(status, "closed");
}
