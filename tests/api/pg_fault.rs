//! PostgreSQL lost during use: scrutin answers 503 with Retry-After instead
//! of hanging, writes nothing half-way, and recovers by itself once the
//! database is back. The connection is cut by a TCP relay between scrutin
//! and PostgreSQL, so the shared server keeps running for the other tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use scrutin::config::Config;
use scrutin::startup::Application;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, spawn_app};

/// A TCP relay to PostgreSQL that can be cut (every connection dropped,
/// nothing listening) and restored on the same port.
struct Relay {
    port: u16,
    target: String,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().expect("address").port();
        let relay = Relay {
            port,
            target: target.to_string(),
            tasks: Arc::new(Mutex::new(Vec::new())),
        };
        relay.serve(listener);
        relay
    }

    fn serve(&self, listener: TcpListener) {
        let (target, tasks) = (self.target.clone(), self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                if let Ok(mut all) = tasks.lock() {
                    all.push(pipe);
                }
            }
        });
        if let Ok(mut all) = self.tasks.lock() {
            all.push(accept);
        }
    }

    fn cut(&self) {
        if let Ok(mut all) = self.tasks.lock() {
            for task in all.drain(..) {
                task.abort();
            }
        }
    }

    async fn restore(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("the same port again");
        self.serve(listener);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_lost_and_back() {
    // The direct database of the test, then scrutin through the relay to it.
    let Some(direct) = spawn_app(Backend::Postgres).await else {
        eprintln!("skipped: SCRUTIN_TEST_POSTGRES_URL is unset");
        return;
    };
    direct.create_admin();
    let url = match &direct.db_url {
        scrutin::db::DbUrl::Postgres(url) => url.clone(),
        scrutin::db::DbUrl::Sqlite(_) => unreachable!("a PostgreSQL test"),
    };
    let relay = Relay::start("127.0.0.1:5432").await;
    let relayed = url.replacen("127.0.0.1:5432", &format!("127.0.0.1:{}", relay.port), 1);
    assert_ne!(relayed, url, "the test URL names 127.0.0.1:5432");
    let vars = [
        ("DATABASE_URL", relayed),
        ("SCRUTIN_BIND", "127.0.0.1:0".to_string()),
    ];
    let config = Config::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("config");
    let app = Application::build(config).expect("scrutin starts through the relay");
    let base = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = login["token"].as_str().expect("token").to_string();
    let before: Value = client
        .get(format!("{base}/api/v1/cooperative"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("JSON");

    relay.cut();
    // A write while the database is away: a clear 503, not a hang (the
    // client's 30 s timeout would fail the test), and nothing written.
    let res = client
        .put(format!("{base}/api/v1/cooperative"))
        .bearer_auth(&token)
        .json(&json!({"name": "Écrit pendant la coupure"}))
        .send()
        .await
        .expect("an answer, not a timeout");
    assert_eq!(res.status(), 503);
    assert!(
        res.headers().get("retry-after").is_some(),
        "Retry-After says when to come back"
    );
    let body: Value = res.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "database_unavailable");
    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 503);

    relay.restore().await;
    // Back without restarting scrutin: the pool replaces its dead connections.
    let mut recovered = None;
    for _ in 0..40 {
        let res = client
            .get(format!("{base}/api/v1/cooperative"))
            .bearer_auth(&token)
            .send()
            .await;
        if let Ok(res) = res
            && res.status() == 200
        {
            recovered = Some(res.json::<Value>().await.expect("JSON"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let after = recovered.expect("scrutin recovers once PostgreSQL is back");
    assert_eq!(
        after, before,
        "the write refused during the cut left nothing behind"
    );
    assert_eq!(
        client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .expect("health")
            .status(),
        200
    );
}
