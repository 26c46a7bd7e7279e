//! The mail outbox (DESIGN.md, "Side effects"): an e-mail is written to
//! `mail_outbox` in the transaction of the fact it reports, and a worker
//! thread sends it — with the mailer's quick retries, then after longer and
//! longer pauses — so no request waits for a mail server, and a restart
//! resumes where the last process stopped. Several processes may share one
//! PostgreSQL: a message is claimed (with a lease) before it is sent.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::db::models::{assembly, outbox};
use crate::db::{Db, DbConn, now};
use crate::error::AppError;
use crate::mail::{Letter, MailError, Mailer};
use crate::templates::Templates;

/// Puts an e-mail in the outbox, in the caller's transaction.
pub fn enqueue(
    conn: &mut DbConn,
    letter: &Letter,
    to_email: &str,
    to_name: &str,
    assembly_id: Option<i64>,
    associate_id: Option<i64>,
) -> Result<(), AppError> {
    let text = serde_json::to_string(letter).map_err(|e| AppError::internal(e.into()))?;
    let new = outbox::NewLetter {
        template: letter.template(),
        letter: &text,
        to_email,
        to_name,
        assembly_id,
        associate_id,
    };
    Ok(outbox::insert(conn, &new, now())?)
}

/// How often the worker looks for due messages when nobody wakes it.
const POLL: Duration = Duration::from_millis(500);
/// How many messages are sent at once (each may wait for a slow server).
const IN_FLIGHT: i64 = crate::mail::MAX_CONNECTIONS as i64;
/// How long a worker may hold a message before another may take it.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
/// The pauses after a failed attempt (each attempt already retried quickly
/// by the mailer); after the last one the message is marked failed.
const BACKOFF: [chrono::Duration; 4] = [
    chrono::Duration::seconds(30),
    chrono::Duration::minutes(5),
    chrono::Duration::minutes(30),
    chrono::Duration::hours(2),
];

/// The handle the web layer keeps: wakes the worker after a commit. The
/// worker stops when the last handle is dropped.
#[derive(Clone)]
pub struct Outbox {
    wake: SyncSender<()>,
}

impl Outbox {
    pub fn start(db: Db, mailer: Mailer, templates: Arc<Templates>) -> Outbox {
        let (wake, woken) = sync_channel(1);
        let spawned = std::thread::Builder::new()
            .name("mail-outbox".into())
            .spawn(move || run(&db, mailer, &templates, &woken));
        if let Err(e) = spawned {
            tracing::error!("cannot start the mail outbox: {e}");
        }
        Outbox { wake }
    }

    /// Tells the worker that messages are waiting (a full channel means it
    /// is already told).
    pub fn wake(&self) {
        let _ = self.wake.try_send(());
    }
}

fn run(db: &Db, mailer: Mailer, templates: &Templates, woken: &Receiver<()>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("the mail outbox cannot start its runtime: {e}");
            return;
        }
    };
    // lettre's connection pool spawns its tasks, even when a connection is
    // dropped: always inside this runtime, the mailer dropped before it.
    let _inside = runtime.enter();
    loop {
        // Send until nothing is due, then wait to be woken (or poll).
        while let Some(sent) = runtime.block_on(send_due(db, &mailer, templates)) {
            if sent == 0 {
                break;
            }
        }
        match woken.recv_timeout(POLL) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    drop(mailer);
}

/// Claims and sends what is due; `None` when the database does not answer.
async fn send_due(db: &Db, mailer: &Mailer, templates: &Templates) -> Option<usize> {
    let claimed = {
        let mut conn = db
            .get()
            .map_err(|e| tracing::debug!("the mail outbox has no connection: {e}"))
            .ok()?;
        let at = now();
        let ids = outbox::due(&mut conn, at, IN_FLIGHT)
            .map_err(|e| tracing::warn!("the mail outbox cannot read: {e}"))
            .ok()?;
        let mut claimed = Vec::new();
        for id in ids {
            if let Ok(Some(row)) = outbox::claim(&mut conn, id, at, at + LEASE) {
                claimed.push(row);
            }
        }
        claimed
    };
    let count = claimed.len();
    let sends = claimed.iter().map(|row| attempt(mailer, templates, row));
    let outcomes = futures_util::future::join_all(sends).await;
    let mut conn = db
        .get()
        .map_err(|e| tracing::warn!("the mail outbox cannot record what it sent: {e}"))
        .ok()?;
    for (row, outcome) in claimed.iter().zip(outcomes) {
        if let Err(e) = record(&mut conn, row, outcome) {
            // The lease runs out and the message is tried again: sent at
            // least once, never lost.
            tracing::warn!(id = row.id, "the mail outbox cannot record a send: {e}");
        }
    }
    Some(count)
}

/// What became of one attempt.
enum Outcome {
    Sent(String),
    /// Worth another attempt later.
    Retry(String),
    /// Will not get better by waiting: a person must look.
    Failed(String),
}

async fn attempt(mailer: &Mailer, templates: &Templates, row: &outbox::OutboxRow) -> Outcome {
    let letter: Letter = match row.letter.as_deref().map(serde_json::from_str) {
        Some(Ok(letter)) => letter,
        Some(Err(e)) => return Outcome::Failed(format!("unreadable letter: {e}")),
        None => return Outcome::Failed("the letter was erased".into()),
    };
    let mail = match letter.render(templates, &row.to_email, &row.to_name) {
        Ok(mail) => mail,
        Err(e) => {
            tracing::error!(
                id = row.id,
                template = row.template,
                "cannot render an e-mail: {e}"
            );
            return Outcome::Failed(e.to_string());
        }
    };
    match mailer.send(&mail).await {
        Ok(sent) => Outcome::Sent(sent.message_id),
        Err(e @ (MailError::Address { .. } | MailError::Build(_))) => {
            Outcome::Failed(e.to_string())
        }
        Err(MailError::Smtp { source, attempts }) if source.is_permanent() => {
            Outcome::Failed(MailError::Smtp { source, attempts }.to_string())
        }
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

fn record(conn: &mut DbConn, row: &outbox::OutboxRow, outcome: Outcome) -> Result<(), AppError> {
    let at = now();
    let (final_outcome, next): (Option<Result<String, String>>, Option<NaiveDateTime>) =
        match outcome {
            Outcome::Sent(message_id) => {
                outbox::mark_sent(conn, row.id, &message_id, at)?;
                (Some(Ok(message_id)), None)
            }
            Outcome::Retry(error) => match BACKOFF.get(row.attempts as usize - 1) {
                Some(pause) => {
                    outbox::mark_retry(conn, row.id, &error, at + *pause)?;
                    (None, Some(at + *pause))
                }
                None => {
                    outbox::mark_failed(conn, row.id, &error)?;
                    (Some(Err(error)), None)
                }
            },
            Outcome::Failed(error) => {
                outbox::mark_failed(conn, row.id, &error)?;
                (Some(Err(error)), None)
            }
        };
    if let Some(next) = next {
        tracing::info!(
            id = row.id,
            template = row.template,
            "e-mail not sent, next attempt at {next}"
        );
    }
    // A convocation's outcome is what the assembly page and the minutes
    // count: one line per associate, the last outcome.
    if let (Some(outcome), "convocation", Some(assembly_id), Some(associate_id)) = (
        final_outcome,
        row.template.as_str(),
        row.assembly_id,
        row.associate_id,
    ) {
        assembly::replace_convocation(
            conn,
            assembly_id,
            associate_id,
            &row.to_email,
            outcome.as_deref().map_err(String::as_str),
            at,
        )?;
    }
    Ok(())
}

/// A message as the secretary sees it (never its letter: it may hold a
/// personal link).
#[derive(serde::Serialize, Clone, Debug)]
pub struct MessageView {
    pub id: i64,
    pub template: String,
    pub to_email: String,
    pub to_name: String,
    pub associate_id: Option<i64>,
    /// `pending`, `sending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

impl From<outbox::OutboxRow> for MessageView {
    fn from(r: outbox::OutboxRow) -> MessageView {
        let instant = |t: NaiveDateTime| t.and_utc().to_rfc3339();
        MessageView {
            id: r.id,
            template: r.template,
            to_email: r.to_email,
            to_name: r.to_name,
            associate_id: r.associate_id,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            created_at: instant(r.created_at),
            sent_at: r.sent_at.map(instant),
        }
    }
}

/// Every e-mail of an assembly (convocations, proxy notices), oldest first.
pub fn of_assembly(conn: &mut DbConn, assembly_id: i64) -> Result<Vec<MessageView>, AppError> {
    crate::services::assemblies::find(conn, assembly_id)?;
    Ok(outbox::of_assembly(conn, assembly_id)?
        .into_iter()
        .map(MessageView::from)
        .collect())
}

/// Puts a failed message back in the queue (after the address or the
/// template was mended); the caller wakes the worker.
pub fn resend(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
) -> Result<MessageView, AppError> {
    crate::db::write_transaction(conn, |conn| {
        let row = outbox::by_id(conn, id)?.ok_or_else(|| AppError::not_found("message"))?;
        // To the associate's address as it is now: resending is what one
        // does after mending a mistyped address.
        let to_email = match row.associate_id {
            Some(a) => crate::db::models::associate::Associate::by_id(conn, a)?
                .map_or(row.to_email.clone(), |a| a.email),
            None => row.to_email.clone(),
        };
        if !outbox::requeue_failed(conn, id, &to_email, now())? {
            return Err(AppError::conflict(
                "message_not_failed",
                format!(
                    "Only a message that failed can be sent again (this one is {}).",
                    row.status
                ),
            ));
        }
        crate::db::models::audit::record(
            conn,
            account_id,
            "assembly",
            row.assembly_id,
            "mail_resent",
            &serde_json::json!({"message": id, "template": row.template}),
            now(),
        )?;
        let again = outbox::by_id(conn, id)?.ok_or_else(|| AppError::not_found("message"))?;
        Ok(MessageView::from(again))
    })
}
