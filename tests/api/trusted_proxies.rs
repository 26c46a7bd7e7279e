//! Behind a reverse proxy every connection comes from the proxy. With
//! `SCRUTIN_TRUSTED_PROXIES` naming it, the client of `X-Forwarded-For`
//! gets its own rate-limit budget and is the address of the audit log;
//! without it, a forged `X-Forwarded-For` changes nothing.

use diesel::prelude::*;
use scrutin::db::schema::audit_log;
use serde_json::Value;

use crate::helpers::{Backend, TestApp, spawn_app_with};

/// Link requests from one address allowed in the window
/// (`services::login_links::MAX_PER_ADDRESS`).
const PER_ADDRESS: usize = scrutin::services::login_links::MAX_PER_ADDRESS as usize;

async fn ask_link(app: &TestApp, email: &str, forwarded_for: &str) -> u16 {
    app.client
        .post(app.url("/login/link"))
        .header("X-Forwarded-For", forwarded_for)
        .form(&[("email", email)])
        .send()
        .await
        .expect("request a link")
        .status()
        .as_u16()
}

/// Uses up the address budget of `forwarded_for` (five requests per
/// e-mail, so several unknown e-mails).
async fn use_up(app: &TestApp, tag: &str, forwarded_for: impl Fn(usize) -> String) {
    for i in 0..PER_ADDRESS {
        let email = format!("{tag}{}@example.coop", i / 5);
        assert_eq!(ask_link(app, &email, &forwarded_for(i)).await, 200, "{i}");
    }
}

/// The addresses of the audit log's link requests.
fn logged_addresses(app: &TestApp) -> Vec<String> {
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let details: Vec<String> = audit_log::table
        .filter(audit_log::action.eq("login_link_requested"))
        .select(audit_log::details)
        .load(&mut conn)
        .expect("the audit log");
    details
        .iter()
        .map(|d| {
            let v: Value = serde_json::from_str(d).expect("JSON");
            v["address"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

async fn forwarded_clients_have_their_own_budget(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &[("SCRUTIN_TRUSTED_PROXIES", "127.0.0.1")]).await
    else {
        eprintln!("skipped: SCRUTIN_TEST_POSTGRES_URL is unset");
        return;
    };
    use_up(&app, "first", |_| "203.0.113.1".into()).await;
    assert_eq!(
        ask_link(&app, "another@example.coop", "203.0.113.1").await,
        429
    );
    // Prepending a made-up address does not escape: the proxy appended the
    // real one, and the rightmost untrusted address is the client.
    assert_eq!(
        ask_link(&app, "another@example.coop", "198.51.100.9, 203.0.113.1").await,
        429
    );
    // Another client behind the same proxy is not limited.
    assert_eq!(
        ask_link(&app, "another@example.coop", "203.0.113.2").await,
        200
    );
    // Through two proxies (the nearer one trusted) too.
    assert_eq!(
        ask_link(&app, "third@example.coop", "203.0.113.3, 127.0.0.1").await,
        200
    );
    let addresses = logged_addresses(&app);
    assert_eq!(addresses.len(), PER_ADDRESS + 2, "{addresses:?}");
    assert!(addresses[..PER_ADDRESS].iter().all(|a| a == "203.0.113.1"));
    assert_eq!(addresses[PER_ADDRESS..], ["203.0.113.2", "203.0.113.3"]);
}

async fn a_forged_header_is_ignored_without_trusted_proxies(backend: Backend) {
    let Some(app) = spawn_app_with(backend, &[]).await else {
        eprintln!("skipped: SCRUTIN_TEST_POSTGRES_URL is unset");
        return;
    };
    // Every request claims another address: all of them are the peer's.
    use_up(&app, "spoof", |i| format!("198.51.100.{}", i + 1)).await;
    assert_eq!(
        ask_link(&app, "another@example.coop", "198.51.100.200").await,
        429
    );
    let addresses = logged_addresses(&app);
    assert_eq!(addresses.len(), PER_ADDRESS);
    assert!(addresses.iter().all(|a| a == "127.0.0.1"), "{addresses:?}");
}

macro_rules! on_both {
    ($($name:ident),+) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::helpers::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(crate::helpers::Backend::Postgres).await;
            }
        }
    )+};
}

on_both!(
    forwarded_clients_have_their_own_budget,
    a_forged_header_is_ignored_without_trusted_proxies
);
