//! `/assemblies/{id}/screen`: the live screen for the projector, run from
//! the secretary's laptop; `/assemblies/{id}/events`: its content pushed by
//! Server-Sent Events whenever it changes.
//!
//! A feed renders the fragment when its assembly changes and sends it only
//! when its HTML differs from the last one sent. On PostgreSQL a change is
//! pushed by LISTEN/NOTIFY from whichever process wrote it
//! ([`crate::services::live_changes`]), with a slow poll as a safety net; on SQLite the feed
//! polls the file each second, which also sees a second process. A burst of
//! ballots is rendered once per [`MIN_GAP`]. A comment line after 15 quiet
//! seconds lets the server notice a client that went away (the write fails
//! and the response, with its timers, is dropped).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::HttpResponse;
use actix_web::body::{BodySize, MessageBody};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::rt::time::{sleep, timeout};
use actix_web::web::{self, Bytes};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use crate::db::DbConn;
use crate::db::models::assembly::Attendance;
use crate::db::models::resolution::Resolution;
use crate::error::AppError;
use crate::services::voting::majority_of;
use crate::services::{assemblies, attendance};
use crate::web::AppState;
use crate::web::handlers::assembly_check_in::check_in_url;
use crate::web::handlers::forms::{STAFF, page};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::fragments::live::{self, Live, LiveResolution};
use crate::web::views::pages::live_screen;

/// What the screen shows now.
pub fn live_state(conn: &mut DbConn, id: i64) -> Result<Live, AppError> {
    let a = assemblies::find(conn, id)?;
    let resolutions = Resolution::of_assembly(conn, id)?;
    let current = resolutions.iter().find(|r| r.status == "open").or_else(|| {
        resolutions
            .iter()
            .filter(|r| r.status == "closed")
            .max_by_key(|r| r.number)
    });
    let quorum = if a.status == "draft" {
        None
    } else {
        Some(attendance::quorum(conn, id, current.map(majority_of))?)
    };
    let may_vote = Attendance::of_assembly(conn, id)?
        .iter()
        .filter(|x| matches!(x.mode.as_str(), "present" | "remote" | "represented"))
        .count() as u64;
    Ok(Live {
        title: a.title,
        status: a.status,
        quorum,
        current: current.map(|r| LiveResolution {
            number: r.number,
            title: r.title.clone(),
            status: r.status.clone(),
            ballots: r.ballot_count,
            may_vote,
            chain_head: crate::services::voting::published_head(r).map(str::to_string),
            result: r
                .result
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok()),
        }),
    })
}

pub async fn screen(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
) -> PageResult {
    user.require(STAFF)?;
    let id = path.into_inner();
    let now = state.db.run(move |conn| live_state(conn, id)).await?;
    // Associates check in and vote from there, once logged in.
    let entry = check_in_url(&state.base_url, id);
    Ok(page(
        StatusCode::OK,
        live_screen::view(lang, id, &now, &entry),
    ))
}

pub async fn events(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
) -> PageResult {
    user.require(STAFF)?;
    let id = path.into_inner();
    // An unknown assembly is a 404 now, not an empty stream.
    state
        .db
        .run(move |conn| assemblies::find(conn, id).map(|_| ()))
        .await?;
    let feed = Feed {
        state: state.clone(),
        assembly_id: id,
        lang,
        last: String::new(),
        changes: state.live.subscribe(),
        poll: if state.live.pushed() {
            QUIET_LIMIT
        } else {
            Duration::from_secs(1)
        },
        rendered_at: None,
        sent_at: Instant::now(),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .body(LiveBody {
            next: Box::pin(feed.next()),
        }))
}

/// Without a change for this long, a keep-alive comment.
const QUIET_LIMIT: Duration = Duration::from_secs(15);
/// The least time between two renders of one screen.
const MIN_GAP: Duration = Duration::from_millis(250);

struct Feed {
    state: web::Data<AppState>,
    assembly_id: i64,
    lang: Lang,
    last: String,
    changes: broadcast::Receiver<i64>,
    /// The longest wait without a notification before looking anyway.
    poll: Duration,
    rendered_at: Option<Instant>,
    sent_at: Instant,
}

impl Feed {
    /// Waits for the next chunk to send: a changed fragment, or a
    /// keep-alive comment. A failed read is skipped (the next change or
    /// poll retries).
    async fn next(mut self) -> (Feed, Bytes) {
        loop {
            if self.rendered_at.is_some() {
                self.wait().await;
            }
            self.rendered_at = Some(Instant::now());
            let id = self.assembly_id;
            let rendered = self
                .state
                .db
                .run(move |conn| live_state(conn, id))
                .await
                .map(|now| live::view(self.lang, &now).into_string());
            if let Ok(html) = rendered
                && html != self.last
            {
                let chunk = event(&html);
                self.last = html;
                self.sent_at = Instant::now();
                return (self, chunk);
            }
            if self.sent_at.elapsed() >= QUIET_LIMIT {
                self.sent_at = Instant::now();
                return (self, Bytes::from_static(b": still here\n\n"));
            }
        }
    }

    /// Until this assembly changes (or the poll is due), then no sooner
    /// than [`MIN_GAP`] after the last render; what arrived meanwhile is
    /// covered by the render that follows.
    async fn wait(&mut self) {
        let id = self.assembly_id;
        let changes = &mut self.changes;
        let changed = async {
            loop {
                match changes.recv().await {
                    Ok(changed) if changed == id => return,
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => return,
                    Err(RecvError::Closed) => std::future::pending::<()>().await,
                }
            }
        };
        let _ = timeout(self.poll, changed).await;
        if let Some(at) = self.rendered_at {
            let since = at.elapsed();
            if since < MIN_GAP {
                sleep(MIN_GAP - since).await;
            }
        }
        while let Ok(_) | Err(TryRecvError::Lagged(_)) = self.changes.try_recv() {}
    }
}

/// One Server-Sent Event: each line of the data behind `data: `.
fn event(html: &str) -> Bytes {
    let mut out = String::with_capacity(html.len() + 16);
    for line in html.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    Bytes::from(out)
}

/// The endless body of the event stream: one step of the feed at a time.
struct LiveBody {
    next: Pin<Box<dyn Future<Output = (Feed, Bytes)>>>,
}

impl MessageBody for LiveBody {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Infallible>>> {
        let this = self.get_mut();
        match this.next.as_mut().poll(cx) {
            Poll::Ready((feed, chunk)) => {
                this.next = Box::pin(feed.next());
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_fragment_is_data() {
        assert_eq!(
            event("<p>a</p>\n<p>b</p>"),
            Bytes::from("data: <p>a</p>\ndata: <p>b</p>\n\n")
        );
    }
}
