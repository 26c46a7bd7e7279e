use actix_multipart::form::MultipartForm;
use actix_multipart::form::bytes::Bytes as FilePart;
use actix_multipart::form::text::Text;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use crate::db::models::account::Role;
use crate::db::models::college::College;
use crate::export::associates_csv;
use crate::services::import::{self, ImportOutcome};
use crate::web::AppState;
use crate::web::i18n::Lang;
use crate::web::page_error::{PageError, PageResult};
use crate::web::session::PageUser;
use crate::web::views::pages::import::{self as page, Step};

pub async fn form(lang: Lang, user: PageUser) -> Result<Markup, PageError> {
    user.require(&[Role::Admin])?;
    Ok(page::view(lang, &user, Step::Choose))
}

#[derive(MultipartForm)]
pub struct Upload {
    csrf: Text<String>,
    #[multipart(limit = "4MB")]
    file: FilePart,
}

/// Checks the uploaded file and shows what would be imported; writes nothing.
pub async fn preview(
    state: web::Data<AppState>,
    lang: Lang,
    user: PageUser,
    upload: MultipartForm<Upload>,
) -> PageResult {
    user.check_csrf(&upload.csrf)?;
    user.require(&[Role::Admin])?;
    // The preview carries the decoded text, so the confirmation re-reads
    // exactly what was shown, whatever the file's encoding was.
    let content = associates_csv::decode(&upload.file.data);
    let checked = content.clone();
    let (result, colleges) = state
        .db
        .run(move |conn| {
            let result = import::preview(conn, checked.as_bytes())?;
            let colleges: Vec<(i64, String)> = College::current(conn)?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect();
            Ok((result, colleges))
        })
        .await?;
    let markup = match &result {
        Ok(rows) => page::view(
            lang,
            &user,
            Step::Preview {
                rows,
                content: &content,
                colleges: &colleges,
            },
        ),
        Err(errors) => page::view(lang, &user, Step::Refused(errors)),
    };
    let status = if result.is_ok() { 200 } else { 422 };
    Ok(html_response(status, markup))
}

#[derive(Deserialize)]
pub struct Confirm {
    csrf: String,
    content: String,
}

pub async fn confirm(
    state: web::Data<AppState>,
    lang: Lang,
    user: PageUser,
    form: web::Form<Confirm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(&[Role::Admin])?.id;
    let content = form.into_inner().content;
    let outcome = state
        .db
        .run(move |conn| import::import(conn, Some(account_id), content.as_bytes()))
        .await?;
    Ok(match outcome {
        ImportOutcome::Imported { .. } => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/associates?done=imported"))
            .finish(),
        ImportOutcome::Refused(errors) => {
            html_response(422, page::view(lang, &user, Step::Refused(&errors)))
        }
    })
}

/// `GET /associates/export.csv`: with a byte-order mark, so that spreadsheets
/// read the accents right.
pub async fn export(state: web::Data<AppState>, user: PageUser) -> PageResult {
    user.require(&[Role::Admin, Role::Secretary])?;
    let csv = state.db.run(import::export).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"associes.csv\"",
        ))
        .body(format!("\u{feff}{csv}")))
}

fn html_response(status: u16, markup: Markup) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or_default())
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}
