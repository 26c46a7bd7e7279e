//! `/assemblies/{id}/check-in`: where a logged-in associate checks in and
//! votes, the page the QR codes of the printed convocation and of the live
//! screen open. The button mints the associate a personal voting link (a
//! voting card of their own, bound to this assembly until it closes) and
//! opens it: the voting page then offers remote check-in and the vote.
//!
//! The QR codes carry this address, the same for everyone, rather than a
//! personal link: a printed bearer link would vote for its holder to
//! whoever finds or photographs the paper, and a page that is only read
//! (GET) must not mint one. The e-mailed convocation keeps the personal
//! link; paper leads to a login first.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use crate::db::DbConn;
use crate::db::models::account::Role;
use crate::db::models::assembly::{Attendance, Voter};
use crate::error::AppError;
use crate::services::{assemblies, voting};
use crate::web::AppState;
use crate::web::handlers::assemblies::{refusal_text, refused_status};
use crate::web::handlers::forms::{is_refusal, page, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::pages::assembly_check_in::{self, CheckIn};

/// The address of the check-in page, for the QR codes.
pub fn check_in_url(base_url: &str, assembly_id: i64) -> String {
    format!(
        "{}/assemblies/{assembly_id}/check-in",
        base_url.trim_end_matches('/')
    )
}

/// Only associates vote: the associate behind the logged-in account.
fn associate_of(user: &PageUser) -> Result<i64, AppError> {
    user.require(&[Role::Associate])?;
    user.account.associate_id.ok_or_else(AppError::forbidden)
}

fn load(conn: &mut DbConn, id: i64, associate: i64) -> Result<CheckIn, AppError> {
    let assembly = assemblies::find(conn, id)?;
    let on_roll = Voter::find(conn, id, associate)?.is_some();
    let mode = Attendance::find(conn, id, associate)?.map(|a| a.mode);
    Ok(CheckIn {
        assembly,
        on_roll,
        mode,
    })
}

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
) -> PageResult {
    let associate = associate_of(&user)?;
    let id = path.into_inner();
    let data = state.db.run(move |conn| load(conn, id, associate)).await?;
    Ok(page(
        StatusCode::OK,
        assembly_check_in::view(lang, &user, &data, None),
    ))
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// Mints the associate's own voting link and opens it.
pub async fn open(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<CsrfOnly>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let associate = associate_of(&user)?;
    let account = user.account.id;
    let id = path.into_inner();
    let base = state.base_url.clone();
    let issued = state
        .db
        .run(move |conn| voting::issue_check_in(conn, Some(account), id, associate, &base))
        .await;
    match issued {
        Ok(card) => Ok(see_other(&format!("/vote/{}", card.token))),
        Err(e) if is_refusal(&e) => {
            let data = state.db.run(move |conn| load(conn, id, associate)).await?;
            let message = refusal_text(lang, &e);
            Ok(page(
                refused_status(&e),
                assembly_check_in::view(lang, &user, &data, Some(&message)),
            ))
        }
        Err(e) => Err(e.into()),
    }
}
