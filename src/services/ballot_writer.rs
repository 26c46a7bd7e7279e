//! The ballot writer: one thread owns the writes of ballots and commits them
//! in small batches (group commit). Under load, requests queue while a batch
//! commits, so one durable commit serves many voters; each request is
//! answered only once its batch is committed — an acknowledged ballot is on
//! disk. SQLite has a single write lock anyway: many writers would only
//! fight over it.
//!
//! The writer is supervised: if its thread dies (a panic in a batch), the
//! batch's voters and every ballot still queued are answered 503 with
//! `Retry-After` (nothing of a panicked batch is committed: its connection is
//! dropped, not returned to the pool, so its transaction rolls back), and a
//! supervisor thread starts a new writer after a pause (1 s, doubling up to
//! 30 s while it keeps dying). Until then `/healthz` answers 503 and every
//! ballot 503 at once: never a 500, never a wait without end.
//!
//! Test hook: `SCRUTIN_TEST_BALLOT_WRITER_PANICS=N` (read once, at start,
//! from the configuration) makes the first N batches panic inside their
//! transaction. No request can set it; it exists for the supervision test.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use crate::db::{Db, write_transaction};
use crate::error::AppError;
use crate::services::voting::{BallotRequest, Cast, cast_batch};

/// The most ballots committed together.
const BATCH: usize = 128;

/// The first pause before a dead writer is restarted, and the longest.
const RESTART_AFTER: Duration = Duration::from_secs(1);
const RESTART_AFTER_MAX: Duration = Duration::from_secs(30);
/// A writer that ran this long before dying starts the pauses over.
const STABLE: Duration = Duration::from_secs(60);
/// What a voter is told to wait while the writer restarts.
pub const RETRY_AFTER_SECONDS: i64 = 2;

struct Job {
    request: BallotRequest,
    reply: oneshot::Sender<Result<Cast, AppError>>,
}

type Queue = Arc<Mutex<mpsc::Receiver<Job>>>;

/// What the writer threads and the web workers share.
struct Shared {
    /// A writer thread is ready to take ballots.
    running: AtomicBool,
    /// The test hook: batches left to panic.
    panics_left: AtomicU32,
}

#[derive(Clone)]
pub struct BallotWriter {
    jobs: mpsc::Sender<Job>,
    shared: Arc<Shared>,
}

/// The answer to a ballot while the writer is down or when its job was lost.
pub fn unavailable() -> AppError {
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "ballots_unavailable",
        "Ballots cannot be recorded right now; this ballot was not acknowledged. Try again in a few seconds.",
    )
    .with_details(json!({ "retry_after_seconds": RETRY_AFTER_SECONDS }))
}

impl BallotWriter {
    /// Starts the supervisor, which starts the writer. `test_panics` is the
    /// test hook (0 in production): that many batches panic.
    pub fn start(db: Db, test_panics: u32) -> BallotWriter {
        if test_panics > 0 {
            tracing::warn!(
                "SCRUTIN_TEST_BALLOT_WRITER_PANICS={test_panics}: the ballot writer will panic on purpose (a test setting)"
            );
        }
        let (jobs, queue) = mpsc::channel(4 * 1024);
        let queue: Queue = Arc::new(Mutex::new(queue));
        // Ready from the start: what arrives before the thread runs waits
        // in the queue.
        let shared = Arc::new(Shared {
            running: AtomicBool::new(true),
            panics_left: AtomicU32::new(test_panics),
        });
        let supervised = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("ballot-supervisor".into())
            .spawn(move || supervise(db, queue, supervised));
        if let Err(e) = spawned {
            tracing::error!("cannot start the ballot writer's supervisor: {e}");
        }
        BallotWriter { jobs, shared }
    }

    /// Whether a writer takes ballots now (for `/healthz`).
    pub fn is_running(&self) -> bool {
        self.shared.running.load(Ordering::SeqCst)
    }

    /// Casts a ballot and waits for its batch to be committed; 503 at once
    /// while the writer is down, and 503 if it died with this ballot.
    pub async fn cast(&self, request: BallotRequest) -> Result<Cast, AppError> {
        if !self.is_running() {
            return Err(unavailable());
        }
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { request, reply })
            .await
            .map_err(|_| unavailable())?;
        answer.await.map_err(|_| {
            tracing::warn!("a ballot's job was lost with its writer");
            unavailable()
        })?
    }
}

/// Runs a writer thread, waits for it, and starts another when it dies.
/// Returns when the writer ends normally: every sender is gone (the server
/// stopped).
fn supervise(db: Db, queue: Queue, shared: Arc<Shared>) {
    let mut pause = RESTART_AFTER;
    loop {
        let started = Instant::now();
        let (db2, queue2, shared2) = (db.clone(), queue.clone(), shared.clone());
        let spawned = std::thread::Builder::new()
            .name("ballot-writer".into())
            .spawn(move || run(db2, queue2, shared2));
        let died = match spawned {
            Ok(writer) => writer.join().is_err(),
            Err(e) => {
                tracing::error!("cannot start the ballot writer: {e}");
                true
            }
        };
        shared.running.store(false, Ordering::SeqCst);
        if !died {
            return;
        }
        if started.elapsed() >= STABLE {
            pause = RESTART_AFTER;
        }
        // What was queued for the dead writer is answered now, and what
        // slips in during the pause too, not after it.
        let answered = drain(&queue);
        tracing::error!(
            "the ballot writer died; {answered} queued ballot(s) answered 503; restarting in {} ms",
            pause.as_millis()
        );
        let until = Instant::now() + pause;
        while Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100).min(until - Instant::now()));
            drain(&queue);
        }
        pause = (pause * 2).min(RESTART_AFTER_MAX);
    }
}

/// Answers 503 to every job waiting in the queue; how many.
fn drain(queue: &Queue) -> usize {
    let mut queue = queue.lock().unwrap_or_else(PoisonError::into_inner);
    let mut n = 0;
    while let Ok(job) = queue.try_recv() {
        let _ = job.reply.send(Err(unavailable()));
        n += 1;
    }
    n
}

fn run(db: Db, queue: Queue, shared: Arc<Shared>) {
    // A writer that died while holding the queue poisoned its lock: the
    // queue itself is intact.
    let mut queue = queue.lock().unwrap_or_else(PoisonError::into_inner);
    shared.running.store(true, Ordering::SeqCst);
    while let Some(first) = queue.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let requests: Vec<BallotRequest> = jobs.iter().map(|j| j.request).collect();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            db.get()
                .map_err(|e| {
                    tracing::warn!("the ballot writer has no connection: {e}");
                    AppError::unavailable()
                })
                .and_then(|mut conn| {
                    if take_test_panic(&shared) {
                        // Inside a transaction, as a panic of `cast_batch`.
                        let _: Result<(), AppError> = write_transaction(&mut conn, |_| {
                            panic!("SCRUTIN_TEST_BALLOT_WRITER_PANICS: a batch panics on purpose")
                        });
                    }
                    cast_batch(&mut conn, &requests)
                })
        }));
        let answers = match outcome {
            Ok(answers) => answers,
            Err(panic) => {
                // Down before any voter hears of it, so that a 503 answered
                // here is never followed by a healthy `/healthz` from this
                // writer; then the thread dies and the supervisor restarts it.
                shared.running.store(false, Ordering::SeqCst);
                tracing::error!("a batch of {} ballots panicked", requests.len());
                for job in jobs {
                    let _ = job.reply.send(Err(unavailable()));
                }
                resume_unwind(panic);
            }
        };
        match answers {
            Ok(answers) => {
                for (job, answer) in jobs.into_iter().zip(answers) {
                    let _ = job.reply.send(answer);
                }
            }
            Err(e) => {
                // Nothing of the batch was committed: every voter is told.
                tracing::error!("a batch of {} ballots failed: {e:?}", requests.len());
                let unavailable = e.status.as_u16() == 503;
                for job in jobs {
                    let answer = if unavailable {
                        AppError::unavailable()
                    } else {
                        AppError::internal(anyhow::anyhow!("the ballot could not be recorded"))
                    };
                    let _ = job.reply.send(Err(answer));
                }
            }
        }
    }
}

/// The test hook: whether this batch must panic (one fewer left).
fn take_test_panic(shared: &Shared) -> bool {
    shared
        .panics_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}
