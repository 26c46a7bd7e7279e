//! What wakes the live screens: on PostgreSQL, every process LISTENs on the
//! `scrutin_live` channel, which triggers on assemblies, resolutions and
//! attendance NOTIFY with the assembly's id (migration 000007) — so a screen
//! served by one process follows ballots cast through another. One thread
//! per process owns the listening connection and relays each id to the
//! screens of this process. SQLite has no such channel: its screens poll.

use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use tokio::sync::broadcast;

use crate::db::{DbConn, DbUrl};

/// The channel the migration's triggers notify.
const CHANNEL: &str = "scrutin_live";
/// How often the listening thread reads what arrived: a notification
/// reaches the screens within this delay.
const READ_EVERY: Duration = Duration::from_millis(50);
/// A query now and then notices a connection that died silently.
const CHECK_EVERY: Duration = Duration::from_secs(10);
/// The wait before connecting again after a lost connection.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// The assemblies that changed, for the live screens of this process.
#[derive(Clone)]
pub struct LiveChanges {
    inner: Arc<Inner>,
}

struct Inner {
    sender: broadcast::Sender<i64>,
    listening: bool,
}

impl LiveChanges {
    /// Starts listening on PostgreSQL; on SQLite, nothing to start.
    pub fn start(url: &DbUrl) -> LiveChanges {
        let (sender, _) = broadcast::channel(256);
        let listening = matches!(url, DbUrl::Postgres(_));
        let inner = Arc::new(Inner { sender, listening });
        if listening {
            let (url, weak) = (url.clone(), Arc::downgrade(&inner));
            let spawned = thread::Builder::new()
                .name("live-listener".into())
                .spawn(move || listen(&url, &weak));
            if let Err(e) = spawned {
                tracing::error!("cannot start the live listener: {e}");
            }
        }
        LiveChanges { inner }
    }

    /// Whether changes are pushed (PostgreSQL) rather than polled.
    pub fn pushed(&self) -> bool {
        self.inner.listening
    }

    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.inner.sender.subscribe()
    }
}

/// Relays notifications until the server that started it is gone.
fn listen(url: &DbUrl, owner: &Weak<Inner>) {
    while owner.strong_count() > 0 {
        match connect(url) {
            Ok(mut conn) => {
                tracing::debug!("the live listener is connected");
                relay(&mut conn, owner);
            }
            Err(e) => tracing::debug!("the live listener cannot connect: {e}"),
        }
        thread::sleep(RECONNECT_AFTER);
    }
}

fn connect(url: &DbUrl) -> anyhow::Result<PgConnection> {
    match url.connect()? {
        DbConn::Postgres(mut conn) => {
            conn.batch_execute(&format!("LISTEN {CHANNEL}"))?;
            Ok(conn)
        }
        DbConn::Sqlite(_) => anyhow::bail!("SQLite has no LISTEN"),
    }
}

/// Returns when the connection fails or the owner is gone.
fn relay(conn: &mut PgConnection, owner: &Weak<Inner>) {
    let mut checked = Instant::now();
    loop {
        let Some(inner) = owner.upgrade() else {
            return;
        };
        for notification in conn.notifications_iter() {
            match notification {
                Ok(n) => {
                    if let Ok(id) = n.payload.parse::<i64>() {
                        // No screen open is not an error.
                        let _ = inner.sender.send(id);
                    }
                }
                Err(e) => {
                    tracing::warn!("the live listener lost its connection: {e}");
                    return;
                }
            }
        }
        drop(inner);
        if checked.elapsed() >= CHECK_EVERY {
            if let Err(e) = conn.batch_execute("SELECT 1") {
                tracing::warn!("the live listener lost its connection: {e}");
                return;
            }
            checked = Instant::now();
        }
        thread::sleep(READ_EVERY);
    }
}
