//! `/assemblies/{id}/minutes` and `/assemblies/{id}/attendance-sheet`: the
//! documents of an assembly for its secretary, from the browser session
//! (the API serves the same documents to a token).

use actix_web::web;
use serde::Deserialize;

use crate::services::minutes::{self, Format};
use crate::web::AppState;
use crate::web::api::minutes::document;
use crate::web::handlers::forms::STAFF;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;

#[derive(Deserialize)]
pub struct DocumentQuery {
    format: Option<String>,
    version: Option<i64>,
}

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<i64>,
    query: web::Query<DocumentQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let format = Format::parse(query.format.as_deref())?;
    let (id, version) = (path.into_inner(), query.version);
    let app = state.clone();
    let doc = state
        .db
        .run(move |conn| minutes::render(conn, &app.templates, id, format, version))
        .await?;
    Ok(document(doc))
}

pub async fn sheet(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<i64>,
    query: web::Query<DocumentQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let format = Format::parse(query.format.as_deref())?;
    let id = path.into_inner();
    let app = state.clone();
    let doc = state
        .db
        .run(move |conn| minutes::attendance_sheet(conn, &app.templates, id, format))
        .await?;
    Ok(document(doc))
}
