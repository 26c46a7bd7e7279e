//! `/capital` (the capital at a date) and `/register` (the register of
//! associates, printable), for the administrators and the secretaries.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use crate::db::DbConn;
use crate::db::models::associate::Associate;
use crate::db::models::college::College;
use crate::domain::capital::{self, Holding};
use crate::error::AppError;
use crate::services::associates::{AssociateView, parse_date};
use crate::services::{cooperative, shares};
use crate::web::AppState;
use crate::web::handlers::forms::{STAFF, page};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::pages::register::{Register, RegisterRow};
use crate::web::views::pages::{capital as capital_page, register};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CapitalQuery {
    on: String,
}

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    query: web::Query<CapitalQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let today = chrono::Local::now().date_naive();
    let typed = query.on.trim().to_string();
    let (on, bad_date) = match typed.as_str() {
        "" => (today, false),
        text => parse_date(text).map_or((today, true), |d| (d, false)),
    };
    let statement = state
        .db
        .run(move |conn| shares::capital_on(conn, on))
        .await?;
    Ok(page(
        StatusCode::OK,
        capital_page::view(lang, &user, &statement, &typed, bad_date),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterQuery {
    print: String,
}

pub async fn register(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    query: web::Query<RegisterQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let data = state.db.run(read_register).await?;
    let bare = !query.print.is_empty();
    Ok(page(
        StatusCode::OK,
        register::view(lang, &user, &data, bare),
    ))
}

/// Every associate ever admitted, with what they hold today.
fn read_register(conn: &mut DbConn) -> Result<Register, AppError> {
    let coop = cooperative::load(conn)?;
    let everyone = Associate::list(conn, &Default::default())?;
    let colleges = College::all(conn)?;
    let held = holdings_today(conn, coop.share_value_cents)?;
    let rows = everyone
        .into_iter()
        .map(|a| RegisterRow {
            holding: held.get(&a.id).copied().unwrap_or_default(),
            college: colleges
                .iter()
                .find(|c| c.id == a.college_id)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            associate: AssociateView::from(a),
        })
        .collect();
    Ok(Register {
        coop,
        rows,
        printed_on: chrono::Local::now().date_naive(),
    })
}

/// Each associate's holding after the whole ledger (the services give it one
/// associate at a time; the register needs everyone's at once).
fn holdings_today(
    conn: &mut DbConn,
    share_value_cents: i64,
) -> Result<BTreeMap<i64, Holding>, AppError> {
    let movements = shares::ledger(conn)?;
    Ok(capital::holdings(&movements, share_value_cents, None))
}
