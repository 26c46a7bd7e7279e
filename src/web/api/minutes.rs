//! Minutes, attendance sheet and result exports (issue 5).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::models::account::Role;
use crate::error::AppError;
use crate::services::minutes::archive::{self, Archive};
use crate::services::minutes::{self, Document, Format, Language, MinutesInput, Pending};
use crate::services::voting;
use crate::web::AppState;
use crate::web::api::{ApiAccount, JsonBody};

const STAFF: &[Role] = &[Role::Admin, Role::Secretary];
/// Associates are members: they read the minutes and the results.
const EVERYONE: &[Role] = &[Role::Admin, Role::Secretary, Role::Associate];

type Id = web::Path<i64>;
type Answer = Result<HttpResponse, AppError>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentQuery {
    format: Option<String>,
    version: Option<i64>,
    lang: Option<String>,
}

/// The document as an answer: its type, a file name, and for HTML a policy
/// that lets its own stylesheet apply (and nothing else run).
pub fn document(doc: Document) -> HttpResponse {
    let disposition = match doc.format {
        Format::Html => format!("inline; filename=\"{}\"", doc.filename),
        _ => format!("attachment; filename=\"{}\"", doc.filename),
    };
    HttpResponse::Ok()
        .content_type(doc.format.content_type())
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
        ))
        .body(doc.body)
}

/// Renders a document whose facts were read, off the async workers and
/// with the database connection already given back (a large PDF takes
/// seconds to typeset).
pub async fn finish(state: &web::Data<AppState>, pending: Pending) -> Result<Document, AppError> {
    let app = state.clone();
    web::block(move || pending.render(&app.templates))
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// `GET /assemblies/{id}/minutes?format=html|pdf|md|odt&version=n`.
pub async fn show(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    query: web::Query<DocumentQuery>,
) -> Answer {
    caller.require(EVERYONE)?;
    let format = Format::parse(query.format.as_deref())?;
    let lang = Language::parse(query.lang.as_deref())?;
    let (id, version) = (id.into_inner(), query.version);
    let pending = state
        .db
        .run(move |conn| minutes::prepare_in(conn, id, format, version, lang))
        .await?;
    Ok(document(finish(&state, pending).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// `GET /assemblies/{id}/minutes/state`: the version, its texts and signatures.
pub async fn state(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    query: web::Query<VersionQuery>,
) -> Answer {
    caller.require(EVERYONE)?;
    let (id, version) = (id.into_inner(), query.version);
    let body = state
        .db
        .run(move |conn| minutes::state(conn, id, version))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `PUT /assemblies/{id}/minutes`: `{"documents"?, "debates"?: {"<resolution id>": text}}`.
pub async fn edit(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    body: JsonBody<MinutesInput>,
) -> Answer {
    let account = caller.require(STAFF)?.id;
    let (id, input) = (id.into_inner(), body.parse()?);
    let body = state
        .db
        .run(move |conn| minutes::edit(conn, Some(account), id, &input))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignBody {
    #[serde(rename = "as")]
    as_: String,
}

/// `POST /assemblies/{id}/minutes/sign`: `{"as": "chair"|"secretary"|"scrutineer"}`.
pub async fn sign(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    body: JsonBody<SignBody>,
) -> Answer {
    let account = caller.require(STAFF)?.clone();
    let (id, role) = (id.into_inner(), body.parse()?.as_);
    let app = state.clone();
    let body = state
        .db
        .run(move |conn| minutes::sign(conn, &app.templates, &account, id, &role))
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// `POST /assemblies/{id}/minutes/corrections`: a new draft version.
pub async fn correct(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    let account = caller.require(STAFF)?.id;
    let id = id.into_inner();
    let body = state
        .db
        .run(move |conn| minutes::correct(conn, Some(account), id))
        .await?;
    Ok(HttpResponse::Created().json(body))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    format: Option<String>,
    lang: Option<String>,
}

/// `GET /assemblies/{id}/attendance-sheet?format=html|pdf|md|odt`.
pub async fn attendance_sheet(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    query: web::Query<FormatQuery>,
) -> Answer {
    caller.require(EVERYONE)?;
    let format = Format::parse(query.format.as_deref())?;
    let lang = Language::parse(query.lang.as_deref())?;
    let id = id.into_inner();
    let pending = state
        .db
        .run(move |conn| minutes::prepare_sheet_in(conn, id, format, lang))
        .await?;
    Ok(document(finish(&state, pending).await?))
}

/// `GET /resolutions/{id}/result.csv`: the per-college breakdown.
pub async fn result_csv(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    caller.require(EVERYONE)?;
    let id = id.into_inner();
    let result = state.db.run(move |conn| voting::result(conn, id)).await?;
    let csv = crate::export::result_csv::write(&result).ok_or_else(|| {
        AppError::conflict(
            "resolution_not_closed",
            "The result is exported once the resolution is closed.",
        )
    })?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"resultat-resolution-{id}.csv\""),
        ))
        .body(csv))
}

/// The archive as an answer: a ZIP to save.
pub fn archive_file(a: Archive) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", a.filename),
        ))
        .body(a.bytes)
}

/// `GET /assemblies/{id}/archive`: minutes, attendance sheet, results,
/// receipts and chain heads in one ZIP.
pub async fn assembly_archive(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    caller.require(STAFF)?;
    let id = id.into_inner();
    let app = state.clone();
    let a = state
        .db
        .run(move |conn| archive::build(conn, &app.templates, id))
        .await?;
    Ok(archive_file(a))
}
