//! `/vote/{token}`: the voter's page, on a phone, without logging in. The
//! token (a voting card, or the personal link of the convocation) speaks
//! for one associate in one assembly: their own vote on the open
//! resolution, and one for each associate whose proxy they hold.
//!
//! Forgery: this page has no session, so no session CSRF token. A POST is
//! accepted only (1) from this site — the same-origin middleware of the
//! page scope refuses a cross-site `Origin` or `Sec-Fetch-Site` — and (2)
//! with the hidden field `form_key`, the SHA-256 of `"vote-form:" + token`,
//! that only a page rendered for this token carries: a form forged on
//! another site cannot produce it without knowing the token itself.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::db::DbConn;
use crate::db::models::assembly::Attendance;
use crate::db::models::associate::Associate;
use crate::db::models::resolution::{self, Resolution};
use crate::domain::tally::Choice;
use crate::error::AppError;
use crate::services::voting::{self, Caster};
use crate::services::{assemblies, secrets};
use crate::web::AppState;
use crate::web::handlers::assemblies::{refusal_text, refused_status};
use crate::web::handlers::forms::page;
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::views::pages::vote::{self, Ballot, Block, VoteScreen};

/// The hidden field every voting form carries (see the module's comment).
pub fn form_key(token: &str) -> String {
    secrets::digest(&format!("vote-form:{token}"))
}

/// The associate a token speaks for, while its assembly is not closed.
async fn caster(state: &AppState, token: &str) -> Result<Option<Caster>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let token = token.to_string();
    state
        .db
        .run(move |conn| voting::caster_for_token(conn, &token))
        .await
}

/// The page for a link that speaks for nobody (any longer).
fn invalid_link(lang: Lang) -> HttpResponse {
    page(
        StatusCode::NOT_FOUND,
        vote::message(
            lang,
            lang.tr("Lien de vote non valable", "Voting link not valid"),
            lang.tr(
                "Ce lien de vote n'est pas (ou plus) valable : l'assemblée est peut-être close. Adressez-vous au bureau de l'assemblée.",
                "This voting link is not (or no longer) valid: the assembly may be closed. Ask the bureau of the assembly.",
            ),
            None,
        ),
    )
}

fn load(conn: &mut DbConn, caster: Caster) -> Result<VoteScreen, AppError> {
    let assembly_id = caster.only_assembly.ok_or_else(AppError::forbidden)?;
    let assembly = assemblies::find(conn, assembly_id)?;
    let name = |conn: &mut DbConn, id: i64| -> Result<String, AppError> {
        Ok(Associate::by_id(conn, id)?
            .map(|a| a.name)
            .unwrap_or_default())
    };
    let me = caster.associate_id;
    let everyone = Attendance::of_assembly(conn, assembly_id)?;
    let attending = everyone
        .iter()
        .any(|x| x.associate_id == me && (x.mode == "present" || x.mode == "remote"));
    let principals: Vec<i64> = everyone
        .iter()
        .filter(|x| x.mode == "represented" && x.proxy_holder_id == Some(me))
        .map(|x| x.associate_id)
        .collect();
    let open = Resolution::of_assembly(conn, assembly_id)?
        .into_iter()
        .find(|r| r.status == "open");
    let mut blocks = Vec::new();
    if let Some(r) = &open {
        for id in std::iter::once(me).chain(principals) {
            blocks.push(Block {
                associate_id: id,
                name: name(conn, id)?,
                mine: id == me,
                voted: resolution::has_participated(conn, r.id, id)?,
            });
        }
    }
    let may_check_in = !attending
        && assembly.status == "open"
        && assembly.remote
        && crate::services::cooperative::load(conn)?
            .rules
            .remote_participation;
    Ok(VoteScreen {
        my_name: name(conn, me)?,
        assembly,
        attending,
        may_check_in,
        open,
        blocks,
    })
}

pub async fn show(state: web::Data<AppState>, lang: Lang, path: web::Path<String>) -> PageResult {
    let token = path.into_inner();
    let Some(caster) = caster(&state, &token).await? else {
        return Ok(invalid_link(lang));
    };
    let screen = state.db.run(move |conn| load(conn, caster)).await?;
    Ok(page(
        StatusCode::OK,
        vote::view(lang, &token, &form_key(&token), &screen),
    ))
}

#[derive(Deserialize)]
pub struct BallotValues {
    #[serde(default)]
    form_key: String,
    resolution_id: i64,
    choice: String,
    #[serde(default)]
    on_behalf_of: String,
}

pub async fn cast(
    state: web::Data<AppState>,
    lang: Lang,
    path: web::Path<String>,
    form: web::Form<BallotValues>,
) -> PageResult {
    let token = path.into_inner();
    let Some(caster) = caster(&state, &token).await? else {
        return Ok(invalid_link(lang));
    };
    let back = format!("/vote/{token}");
    let expected = form_key(&token);
    if !bool::from(form.form_key.as_bytes().ct_eq(expected.as_bytes())) {
        let body = vote::message(
            lang,
            lang.tr("Formulaire refusé", "Form refused"),
            lang.tr(
                "Ce formulaire ne vient pas de votre page de vote : rouvrez votre lien et votez de nouveau.",
                "This form does not come from your voting page: open your link again and vote again.",
            ),
            Some(&back),
        );
        return Ok(page(StatusCode::FORBIDDEN, body));
    }
    let on_behalf_of = form.on_behalf_of.trim().parse::<i64>().ok();
    let resolution_id = form.resolution_id;
    let outcome = match Choice::parse(&form.choice) {
        Err(e) => Err(AppError::bad_request(e)),
        Ok(choice) => {
            let request = voting::BallotRequest {
                caster,
                resolution_id,
                choice,
                on_behalf_of,
            };
            match state.ballots.cast(request).await {
                Err(e) => Err(e),
                Ok(cast) => {
                    state
                        .db
                        .run(move |conn| {
                            let r = voting::find(conn, resolution_id)?;
                            let whom = Associate::by_id(
                                conn,
                                on_behalf_of.unwrap_or(caster.associate_id),
                            )?
                            .map(|a| a.name)
                            .unwrap_or_default();
                            Ok((cast, r, whom, choice))
                        })
                        .await
                }
            }
        }
    };
    match outcome {
        Ok((cast, r, whom, choice)) => {
            if cast.principal.is_some() {
                state.outbox.wake();
            }
            let ballot = Ballot {
                resolution: r,
                whom,
                for_a_proxy: cast.principal.is_some(),
                choice: choice.as_str(),
                receipt: cast.receipt,
            };
            Ok(page(StatusCode::OK, vote::receipt(lang, &back, &ballot)))
        }
        Err(e) if e.status.is_client_error() => {
            let title = match e.code {
                "already_voted" => lang.tr("Déjà voté", "Already voted"),
                _ => lang.tr("Vote refusé", "Vote refused"),
            };
            let body = vote::message(lang, title, &refusal_text(lang, &e), Some(&back));
            Ok(page(refused_status(&e), body))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CheckInValues {
    #[serde(default)]
    form_key: String,
}

/// `POST /vote/{token}/check-in`: the voter joins remotely (the same rule
/// as the API's check-in). The form key proves the form came from the page.
pub async fn check_in(
    state: web::Data<AppState>,
    lang: Lang,
    path: web::Path<String>,
    form: web::Form<CheckInValues>,
) -> PageResult {
    let token = path.into_inner();
    let Some(caster) = caster(&state, &token).await? else {
        return Ok(invalid_link(lang));
    };
    let expected = form_key(&token);
    if !bool::from(form.form_key.as_bytes().ct_eq(expected.as_bytes())) {
        return Err(AppError::forbidden().into());
    }
    let assembly_id = caster.only_assembly.ok_or_else(AppError::forbidden)?;
    state
        .db
        .run(move |conn| {
            crate::services::attendance::check_in(conn, None, assembly_id, caster.associate_id)
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, format!("/vote/{token}")))
        .finish())
}
