use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use crate::web::AppState;

/// 200 when the server, its ballot writer and its database answer, 503
/// otherwise (with `Retry-After` while the ballot writer restarts).
pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    if !state.ballots.is_running() {
        return HttpResponse::ServiceUnavailable()
            .insert_header((
                actix_web::http::header::RETRY_AFTER,
                crate::services::ballot_writer::RETRY_AFTER_SECONDS.to_string(),
            ))
            .content_type("text/plain")
            .body("ballot writer restarting");
    }
    let answer = state
        .db
        .run(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(crate::error::AppError::from)
        })
        .await;
    match answer {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Err(e) => {
            tracing::warn!("health check failed: {e:?}");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
    }
}
