//! The mail outbox through the API: what an assembly's e-mails became, and
//! sending a failed one again (`src/services/outbox.rs`).

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::AppError;
use crate::services::outbox;
use crate::web::AppState;
use crate::web::api::ApiAccount;
use crate::web::handlers::forms::STAFF;

/// `GET /assemblies/{id}/outbox` → `{"messages": [...]}`.
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    caller.require(STAFF)?;
    let id = id.into_inner();
    let messages = state
        .db
        .run(move |conn| outbox::of_assembly(conn, id))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "messages": messages })))
}

/// `POST /outbox/{id}/resend` → the message, `pending` again.
pub async fn resend(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let account = caller.require(STAFF)?.id;
    let id = id.into_inner();
    let message = state
        .db
        .run(move |conn| outbox::resend(conn, Some(account), id))
        .await?;
    state.outbox.wake();
    Ok(HttpResponse::Ok().json(message))
}
