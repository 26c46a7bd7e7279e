//! `/assemblies/{id}/minutes` and `/assemblies/{id}/attendance-sheet`: the
//! documents of an assembly for its secretary, from the browser session
//! (the API serves the same documents to a token), and the page where the
//! minutes are written, signed and corrected.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use crate::db::DbConn;
use crate::db::models::resolution::Resolution;
use crate::error::AppError;
use crate::services::minutes::archive;
use crate::services::minutes::{Format, Language, MinutesInput};
use crate::services::{assemblies, minutes};
use crate::web::AppState;
use crate::web::api::minutes::{archive_file, document, finish};
use crate::web::handlers::assemblies::{CsrfOnly, refused_status};
use crate::web::handlers::forms::{STAFF, is_refusal, page, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::pages::minutes::{self as minutes_page, MinutesPage, Shown, Texts};

#[derive(Deserialize)]
pub struct DocumentQuery {
    format: Option<String>,
    version: Option<i64>,
    done: Option<String>,
    lang: Option<String>,
}

fn load(conn: &mut DbConn, id: i64) -> Result<MinutesPage, AppError> {
    Ok(MinutesPage {
        assembly: assemblies::find(conn, id)?,
        resolutions: Resolution::of_assembly(conn, id)?,
        state: minutes::state(conn, id, None)?,
    })
}

/// The page of the minutes; with `format` (or `version`), the document.
pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    query: web::Query<DocumentQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let (id, version) = (path.into_inner(), query.version);
    if query.format.is_none() && version.is_none() {
        let data = state.db.run(move |conn| load(conn, id)).await?;
        let shown = Shown {
            texts: None,
            refusal: None,
            done: query.done.clone(),
        };
        return Ok(page(
            StatusCode::OK,
            minutes_page::view(lang, &user, &data, &shown),
        ));
    }
    let format = Format::parse(query.format.as_deref())?;
    let lang = Language::parse(query.lang.as_deref())?;
    let pending = state
        .db
        .run(move |conn| minutes::prepare_in(conn, id, format, version, lang))
        .await?;
    Ok(document(finish(&state, pending).await?))
}

/// The French of the minutes' refusals (the services speak English).
fn refusal_text(lang: Lang, err: &AppError) -> String {
    let fr = match err.code {
        "minutes_signed" => {
            "Cette version du procès-verbal est signée et figée : commencez une correction (une nouvelle version) pour la modifier."
        }
        "assembly_not_closed" => "Le procès-verbal se signe une fois l'assemblée close.",
        "already_signed" => "Le procès-verbal est déjà signé en cette qualité.",
        "minutes_not_signed" => {
            "Seul un procès-verbal signé se corrige : modifiez le projet directement."
        }
        "unknown_resolution" => "Cette résolution n'est pas à l'ordre du jour de cette assemblée.",
        "bad_request" => {
            "Choisissez en quelle qualité vous signez : président, secrétaire ou scrutateur."
        }
        _ => return crate::web::handlers::assemblies::refusal_text(lang, err),
    };
    match lang {
        Lang::Fr => fr.to_string(),
        Lang::En => err.message.clone(),
    }
}

/// After an action: back to the page with a flash, or the page again with
/// the refusal written out and the texts as typed.
async fn answer(
    state: &AppState,
    user: &PageUser,
    lang: Lang,
    id: i64,
    outcome: Result<(), AppError>,
    done: &str,
    typed: Option<Texts>,
) -> PageResult {
    let error = match outcome {
        Ok(()) => return Ok(see_other(&format!("/assemblies/{id}/minutes?done={done}"))),
        Err(e) if is_refusal(&e) => e,
        Err(e) => return Err(e.into()),
    };
    let data = state.db.run(move |conn| load(conn, id)).await?;
    let shown = Shown {
        texts: typed,
        refusal: Some(refusal_text(lang, &error)),
        done: None,
    };
    Ok(page(
        refused_status(&error),
        minutes_page::view(lang, user, &data, &shown),
    ))
}

/// The form's fields: `csrf`, `documents`, and `debate_<resolution id>`.
fn texts_of(fields: &[(String, String)]) -> Texts {
    let mut texts = Texts::default();
    for (name, value) in fields {
        if name == "documents" {
            texts.documents = value.clone();
        } else if let Some(id) = name.strip_prefix("debate_") {
            texts.debates.insert(id.to_string(), value.clone());
        }
    }
    texts
}

/// `POST /assemblies/{id}/minutes`: saves the texts of the draft.
pub async fn save(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let csrf = form
        .iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    user.check_csrf(csrf)?;
    let account_id = user.require(STAFF)?.id;
    let id = path.into_inner();
    let texts = texts_of(&form);
    let input = MinutesInput {
        documents: Some(texts.documents.clone()),
        debates: Some(texts.debates.clone()),
    };
    let outcome = state
        .db
        .run(move |conn| minutes::edit(conn, Some(account_id), id, &input).map(|_| ()))
        .await;
    answer(&state, &user, lang, id, outcome, "saved", Some(texts)).await
}

#[derive(Deserialize)]
pub struct SignValues {
    #[serde(default)]
    csrf: String,
    #[serde(rename = "as", default)]
    as_: String,
}

/// `POST /assemblies/{id}/minutes/sign`: the logged-in account signs.
pub async fn sign(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<SignValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account = user.require(STAFF)?.clone();
    let (id, role) = (path.into_inner(), form.as_.clone());
    let app = state.clone();
    let outcome = state
        .db
        .run(move |conn| minutes::sign(conn, &app.templates, &account, id, &role).map(|_| ()))
        .await;
    answer(&state, &user, lang, id, outcome, "signed", None).await
}

/// `POST /assemblies/{id}/minutes/corrections`: a new draft version.
pub async fn correct(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<CsrfOnly>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let id = path.into_inner();
    let outcome = state
        .db
        .run(move |conn| minutes::correct(conn, Some(account_id), id).map(|_| ()))
        .await;
    answer(&state, &user, lang, id, outcome, "correction", None).await
}

pub async fn sheet(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<i64>,
    query: web::Query<DocumentQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let format = Format::parse(query.format.as_deref())?;
    let lang = Language::parse(query.lang.as_deref())?;
    let id = path.into_inner();
    let pending = state
        .db
        .run(move |conn| minutes::prepare_sheet_in(conn, id, format, lang))
        .await?;
    Ok(document(finish(&state, pending).await?))
}

/// `GET /assemblies/{id}/archive`: the whole archive, from the session.
pub async fn archive(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<i64>,
) -> PageResult {
    user.require(STAFF)?;
    let id = path.into_inner();
    let app = state.clone();
    let a = state
        .db
        .run(move |conn| archive::build(conn, &app.templates, id))
        .await?;
    Ok(archive_file(a))
}
