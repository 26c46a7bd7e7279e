//! `GET /api/v1/me/ballots`: every ballot cast in the caller's name.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::error::AppError;
use crate::services::own_ballots;
use crate::web::AppState;
use crate::web::api::ApiAccount;

/// An associate's account only: staff without an associate get 403.
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiAccount,
) -> Result<HttpResponse, AppError> {
    let Some(associate_id) = caller.account.associate_id else {
        return Err(AppError::forbidden()
            .with_message("Only an associate's account has ballots cast in its name."));
    };
    let ballots = state
        .db
        .run(move |conn| own_ballots::list(conn, associate_id))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"associate_id": associate_id, "ballots": ballots})))
}
