//! The ballot writer: one thread owns the writes of ballots and commits them
//! in small batches (group commit). Under load, requests queue while a batch
//! commits, so one durable commit serves many voters; each request is
//! answered only once its batch is committed — an acknowledged ballot is on
//! disk. SQLite has a single write lock anyway: many writers would only
//! fight over it.

use tokio::sync::{mpsc, oneshot};

use crate::db::Db;
use crate::error::AppError;
use crate::services::voting::{BallotRequest, Cast, cast_batch};

/// The most ballots committed together.
const BATCH: usize = 128;

struct Job {
    request: BallotRequest,
    reply: oneshot::Sender<Result<Cast, AppError>>,
}

#[derive(Clone)]
pub struct BallotWriter {
    jobs: mpsc::Sender<Job>,
}

impl BallotWriter {
    pub fn start(db: Db) -> BallotWriter {
        let (jobs, queue) = mpsc::channel(4 * 1024);
        let spawned = std::thread::Builder::new()
            .name("ballot-writer".into())
            .spawn(move || run(db, queue));
        if let Err(e) = spawned {
            tracing::error!("cannot start the ballot writer: {e}");
        }
        BallotWriter { jobs }
    }

    /// Casts a ballot and waits for its batch to be committed.
    pub async fn cast(&self, request: BallotRequest) -> Result<Cast, AppError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { request, reply })
            .await
            .map_err(|_| AppError::internal(anyhow::anyhow!("the ballot writer has stopped")))?;
        answer.await.map_err(|_| {
            AppError::internal(anyhow::anyhow!("the ballot writer dropped a ballot"))
        })?
    }
}

fn run(db: Db, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let requests: Vec<BallotRequest> = jobs.iter().map(|j| j.request).collect();
        let answers = db
            .get()
            .map_err(|e| {
                tracing::warn!("the ballot writer has no connection: {e}");
                AppError::unavailable()
            })
            .and_then(|mut conn| cast_batch(&mut conn, &requests));
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
