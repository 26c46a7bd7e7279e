use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::models::account::Role;
use crate::error::AppError;
use crate::services::associates::parse_date;
use crate::services::shares::{self, MovementInput};
use crate::web::AppState;
use crate::web::api::associates::may_read;
use crate::web::api::{ApiAccount, JsonBody};

/// `POST /associates/{id}/shares` → 201
pub async fn record(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
    body: JsonBody<MovementInput>,
) -> Result<HttpResponse, AppError> {
    let account_id = caller.require(&[Role::Admin])?.id;
    let (id, input) = (id.into_inner(), body.parse()?);
    let view = state
        .db
        .run(move |conn| shares::record(conn, Some(account_id), id, &input))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// `GET /associates/{id}/shares`
pub async fn statement(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    may_read(&caller, id)?;
    let statement = state
        .db
        .run(move |conn| {
            crate::services::associates::get(conn, id)?;
            shares::statement(conn, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(statement))
}

#[derive(Deserialize)]
pub struct CapitalQuery {
    on: Option<String>,
}

/// `GET /capital?on=DATE`
pub async fn capital(
    state: web::Data<AppState>,
    caller: ApiAccount,
    query: web::Query<CapitalQuery>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Secretary])?;
    let on = match &query.on {
        Some(text) => parse_date(text).map_err(AppError::bad_request)?,
        None => chrono::Local::now().date_naive(),
    };
    let statement = state
        .db
        .run(move |conn| shares::capital_on(conn, on))
        .await?;
    Ok(HttpResponse::Ok().json(statement))
}
