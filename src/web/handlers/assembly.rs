//! `/assemblies/{id}`: one assembly's page for the secretary, and its
//! actions: bureau, resolutions, convocation, opening and closing of the
//! session and of each vote.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use crate::db::DbConn;
use crate::db::models::assembly::{self, Assembly};
use crate::db::models::outbox as outbox_rows;
use crate::db::models::resolution::Resolution;
use crate::domain::tally::Choice;
use crate::error::AppError;
use crate::services::assemblies::{self, BureauInput};
use crate::services::voting::{self, ResolutionInput};
use crate::services::{attendance, convocation, cooperative, outbox, postal};
use crate::web::AppState;
use crate::web::handlers::assemblies::{CsrfOnly, refusal_text, refused_status};
use crate::web::handlers::dashboard::DoneQuery;
use crate::web::handlers::forms::{STAFF, is_refusal, page, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::pages::assembly::{self as assembly_page, AssemblyPage, Shown};
use crate::web::views::pages::assembly_resolutions::{ResolutionRow, ResolutionValues};

/// Everything the page shows, read in one go.
pub fn load(conn: &mut DbConn, id: i64) -> Result<AssemblyPage, AppError> {
    let a: Assembly = assemblies::find(conn, id)?;
    let scrutineers = assemblies::AssemblyView::from(&a).scrutineers;
    let resolutions = Resolution::of_assembly(conn, id)?
        .into_iter()
        .map(|r| {
            let result = r
                .result
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok());
            let postal = if r.status == "open" {
                postal::pending(conn, r.id)?
            } else {
                Vec::new()
            };
            Ok(ResolutionRow {
                resolution: r,
                result,
                postal,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let quorum = if a.status == "draft" {
        None
    } else {
        Some(attendance::quorum(conn, id, None)?)
    };
    let sends = assembly::convocations_of(conn, id)?;
    let failed = sends.iter().filter(|s| s.3.is_some()).count();
    // Counted and filtered by the database: an assembly of thousands has
    // as many convocations in the outbox.
    let waiting = outbox_rows::unsent_of_assembly(conn, id)? as usize;
    let undelivered = outbox_rows::failed_of_assembly(conn, id)?
        .into_iter()
        .map(outbox::MessageView::from)
        .collect();
    Ok(AssemblyPage {
        scrutineers,
        resolutions,
        quorum,
        sent: sends.len() - failed,
        failed,
        waiting,
        undelivered,
        cards: assembly::count_voting_tokens(conn, id, "card")?,
        roll_changes: assemblies::roll_changes(conn, id)?,
        weighted_default: cooperative::load(conn)?.weighted_by_default,
        assembly: a,
    })
}

fn blank_resolution(data: &AssemblyPage) -> ResolutionValues {
    let on = || Some("on".to_string());
    ResolutionValues {
        majority: if data.assembly.kind == "extraordinary" {
            "extraordinary".into()
        } else {
            "ordinary".into()
        },
        weighted: if data.weighted_default { on() } else { None },
        board_approved: on(),
        ..Default::default()
    }
}

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    query: web::Query<DoneQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let id = path.into_inner();
    let data = state.db.run(move |conn| load(conn, id)).await?;
    let shown = Shown {
        resolution: blank_resolution(&data),
        refusal: None,
        done: query.done.clone(),
    };
    Ok(page(
        StatusCode::OK,
        assembly_page::view(lang, &user, &data, &shown),
    ))
}

/// After an action: back to the page with a flash, or the page again with
/// the refusal written out (and the resolution form as typed, if given).
async fn answer(
    state: &AppState,
    user: &PageUser,
    lang: Lang,
    id: i64,
    outcome: Result<(), AppError>,
    done: &str,
    typed: Option<ResolutionValues>,
) -> PageResult {
    let error = match outcome {
        Ok(()) => return Ok(see_other(&format!("/assemblies/{id}?done={done}"))),
        Err(e) if is_refusal(&e) => e,
        Err(e) => return Err(e.into()),
    };
    let data = state.db.run(move |conn| load(conn, id)).await?;
    let shown = Shown {
        resolution: typed.unwrap_or_else(|| blank_resolution(&data)),
        refusal: Some(refusal_text(lang, &error)),
        done: None,
    };
    Ok(page(
        refused_status(&error),
        assembly_page::view(lang, user, &data, &shown),
    ))
}

#[derive(Deserialize)]
pub struct BureauValues {
    csrf: String,
    #[serde(default)]
    chair: String,
    #[serde(default)]
    secretary: String,
    #[serde(default)]
    scrutineers: String,
}

pub async fn bureau(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<BureauValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let id = path.into_inner();
    let input = BureauInput {
        chair: Some(form.chair.clone()),
        secretary: Some(form.secretary.clone()),
        scrutineers: form.scrutineers.split(',').map(str::to_string).collect(),
    };
    let outcome = state
        .db
        .run(move |conn| assemblies::set_bureau(conn, Some(account_id), id, &input).map(|_| ()))
        .await;
    answer(&state, &user, lang, id, outcome, "bureau", None).await
}

pub async fn add_resolution(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<ResolutionValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let id = path.into_inner();
    let values = form.into_inner();
    let input = ResolutionInput {
        title: values.title.clone(),
        text: values.text.clone(),
        majority: values.majority.clone(),
        weighted: Some(values.weighted.is_some()),
        secret: values.secret.is_some(),
        board_approved: Some(values.board_approved.is_some()),
    };
    let outcome = state
        .db
        .run(move |conn| voting::create(conn, Some(account_id), id, &input).map(|_| ()))
        .await;
    answer(&state, &user, lang, id, outcome, "resolution", Some(values)).await
}

#[derive(Deserialize)]
pub struct ConveneValues {
    csrf: String,
    override_notice: Option<String>,
}

pub async fn convene(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<ConveneValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let id = path.into_inner();
    let override_notice = form.override_notice.is_some();
    let base_url = state.base_url.clone();
    let outcome = state
        .db
        .run(move |conn| {
            convocation::convene(conn, Some(account_id), id, override_notice, &base_url)
        })
        .await
        .map(|_| state.outbox.wake());
    answer(&state, &user, lang, id, outcome, "convened", None).await
}

/// `POST /assemblies/{id}/outbox/{message}/resend`: a failed e-mail back
/// in the outbox.
pub async fn resend_mail(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<(i64, i64)>,
    form: web::Form<CsrfOnly>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let (id, message) = path.into_inner();
    let outcome = state
        .db
        .run(move |conn| {
            // The message must be one of this assembly's.
            let ours = outbox_rows::by_id(conn, message)?.and_then(|m| m.assembly_id) == Some(id);
            if !ours {
                return Err(AppError::not_found("message"));
            }
            outbox::resend(conn, Some(account_id), message).map(|_| ())
        })
        .await;
    if outcome.is_ok() {
        state.outbox.wake();
    }
    answer(&state, &user, lang, id, outcome, "mail_resent", None).await
}

pub async fn open(
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
        .run(move |conn| assemblies::open(conn, Some(account_id), id).map(|_| ()))
        .await;
    answer(&state, &user, lang, id, outcome, "opened", None).await
}

pub async fn close(
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
        .run(move |conn| assemblies::close(conn, Some(account_id), id).map(|_| ()))
        .await;
    answer(&state, &user, lang, id, outcome, "closed", None).await
}

/// The resolution, if it belongs to this assembly (else: not found).
fn resolution_of(conn: &mut DbConn, id: i64, resolution_id: i64) -> Result<Resolution, AppError> {
    match voting::find(conn, resolution_id)? {
        r if r.assembly_id == id => Ok(r),
        _ => Err(AppError::not_found("resolution")),
    }
}

pub async fn open_vote(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<(i64, i64)>,
    form: web::Form<CsrfOnly>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let (id, resolution_id) = path.into_inner();
    let outcome = state
        .db
        .run(move |conn| {
            resolution_of(conn, id, resolution_id)?;
            voting::open(conn, Some(account_id), resolution_id).map(|_| ())
        })
        .await;
    answer(&state, &user, lang, id, outcome, "vote_opened", None).await
}

/// Read as text, so that the role is checked before the fields.
#[derive(Deserialize)]
pub struct PostalValues {
    csrf: String,
    #[serde(default)]
    associate_id: String,
    #[serde(default)]
    choice: String,
}

/// The secretary enters a postal form's choice for the open resolution.
pub async fn postal_vote(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<(i64, i64)>,
    form: web::Form<PostalValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let (id, resolution_id) = path.into_inner();
    let form = form.into_inner();
    let fields = match (
        form.associate_id.parse::<i64>(),
        Choice::parse(&form.choice),
    ) {
        (Ok(associate), Ok(choice)) => Ok((associate, choice)),
        _ => Err(AppError::rule(
            "postal_incomplete",
            "Choose the associate and the choice on their form.",
        )),
    };
    let outcome = match fields {
        Ok((associate, choice)) => {
            state
                .db
                .run(move |conn| {
                    resolution_of(conn, id, resolution_id)?;
                    postal::record(conn, Some(account_id), resolution_id, associate, choice)
                        .map(|_| ())
                })
                .await
        }
        Err(e) => Err(e),
    };
    answer(&state, &user, lang, id, outcome, "postal_recorded", None).await
}

pub async fn close_vote(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<(i64, i64)>,
    form: web::Form<CsrfOnly>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let (id, resolution_id) = path.into_inner();
    let outcome = state
        .db
        .run(move |conn| {
            resolution_of(conn, id, resolution_id)?;
            voting::close(conn, Some(account_id), resolution_id).map(|_| ())
        })
        .await;
    answer(&state, &user, lang, id, outcome, "vote_closed", None).await
}
