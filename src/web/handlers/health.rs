use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

use crate::web::AppState;

/// 200 when the server and its database answer, 503 otherwise.
pub async fn check(state: web::Data<AppState>) -> HttpResponse {
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
