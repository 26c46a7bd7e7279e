//! Postal ballots through the API: the secretary enters each form's choice
//! (`src/services/postal.rs`) and lists the forms still to enter.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::domain::tally::Choice;
use crate::error::AppError;
use crate::services::postal;
use crate::web::AppState;
use crate::web::api::{ApiAccount, JsonBody};
use crate::web::handlers::forms::STAFF;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalBody {
    associate_id: i64,
    choice: String,
}

/// `POST /resolutions/{id}/postal-ballots` → 201 `{"receipt"}`.
pub async fn record(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
    body: JsonBody<PostalBody>,
) -> Result<HttpResponse, AppError> {
    let account = caller.require(STAFF)?.id;
    let (id, body) = (id.into_inner(), body.parse()?);
    let choice = Choice::parse(&body.choice).map_err(AppError::bad_request)?;
    let receipt = state
        .db
        .run(move |conn| postal::record(conn, Some(account), id, body.associate_id, choice))
        .await?;
    Ok(HttpResponse::Created().json(json!({ "receipt": receipt })))
}

/// `GET /resolutions/{id}/postal-ballots` → the forms still to enter.
pub async fn pending(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    caller.require(STAFF)?;
    let id = id.into_inner();
    let list = state.db.run(move |conn| postal::pending(conn, id)).await?;
    Ok(HttpResponse::Ok().json(json!({ "pending": list })))
}
