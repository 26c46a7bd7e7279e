//! Register documents (issue 5, item 7): an associate's share certificate
//! (the associate may download their own) and the register of associates
//! (staff), as HTML or PDF.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::models::account::Role;
use crate::error::AppError;
use crate::services::minutes::Format;
use crate::services::register_documents;
use crate::web::AppState;
use crate::web::api::ApiAccount;
use crate::web::api::associates::may_read;
use crate::web::api::minutes::document;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentQuery {
    format: Option<String>,
}

fn html_or_pdf(query: &DocumentQuery) -> Result<Format, AppError> {
    match Format::parse(query.format.as_deref())? {
        f @ (Format::Html | Format::Pdf) => Ok(f),
        _ => Err(AppError::bad_request("format must be html or pdf.")),
    }
}

/// `GET /associates/{id}/certificate?format=html|pdf`.
pub async fn certificate(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
    query: web::Query<DocumentQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    may_read(&caller, id)?;
    let format = html_or_pdf(&query)?;
    let app = state.clone();
    let doc = state
        .db
        .run(move |conn| register_documents::certificate(conn, &app.templates, id, format))
        .await?;
    Ok(document(doc))
}

/// `GET /register?format=html|pdf`: the register of associates.
pub async fn register(
    state: web::Data<AppState>,
    caller: ApiAccount,
    query: web::Query<DocumentQuery>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Secretary])?;
    let format = html_or_pdf(&query)?;
    let app = state.clone();
    let doc = state
        .db
        .run(move |conn| register_documents::register(conn, &app.templates, format))
        .await?;
    Ok(document(doc))
}
