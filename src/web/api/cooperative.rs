use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::db::models::account::Role;
use crate::error::AppError;
use crate::services::cooperative::{self, CollegeInput, CooperativePatch};
use crate::web::AppState;
use crate::web::api::{ApiAccount, JsonBody};

const EVERYONE: &[Role] = &[Role::Admin, Role::Secretary, Role::Associate];

/// `GET /cooperative`
pub async fn show(
    state: web::Data<AppState>,
    caller: ApiAccount,
) -> Result<HttpResponse, AppError> {
    caller.require(EVERYONE)?;
    let coop = state.db.run(cooperative::load).await?;
    Ok(HttpResponse::Ok().json(coop))
}

/// `PUT /cooperative`: any subset of the fields.
pub async fn update(
    state: web::Data<AppState>,
    caller: ApiAccount,
    body: JsonBody<CooperativePatch>,
) -> Result<HttpResponse, AppError> {
    let account_id = caller.require(&[Role::Admin])?.id;
    let patch = body.parse()?;
    let coop = state
        .db
        .run(move |conn| cooperative::update(conn, account_id, patch))
        .await?;
    Ok(HttpResponse::Ok().json(coop))
}

/// `GET /colleges`
pub async fn colleges(
    state: web::Data<AppState>,
    caller: ApiAccount,
) -> Result<HttpResponse, AppError> {
    caller.require(EVERYONE)?;
    let colleges = state.db.run(cooperative::colleges).await?;
    Ok(HttpResponse::Ok().json(json!({ "colleges": colleges })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollegeSet {
    colleges: Vec<CollegeInput>,
}

/// `PUT /colleges`: replaces the whole set at once.
pub async fn replace_colleges(
    state: web::Data<AppState>,
    caller: ApiAccount,
    body: JsonBody<CollegeSet>,
) -> Result<HttpResponse, AppError> {
    let account_id = caller.require(&[Role::Admin])?.id;
    let entries = body.parse()?.colleges;
    let colleges = state
        .db
        .run(move |conn| cooperative::replace_colleges(conn, account_id, entries))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "colleges": colleges })))
}
