//! `/dashboard`: the state of the register for the staff, their own record
//! for an associate.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use crate::db::DbConn;
use crate::db::models::account::Role;
use crate::db::models::associate::{Associate, AssociateFilter};
use crate::db::models::college::College;
use crate::domain::register::{Category, Status, category_warnings};
use crate::error::AppError;
use crate::services::{associates, cooperative, shares};
use crate::web::AppState;
use crate::web::handlers::forms::page;
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::pages::dashboard::{self, Overview, OwnRecord};

#[derive(Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    query: web::Query<DoneQuery>,
) -> PageResult {
    let done = query.done.as_deref();
    if user.role() == Role::Associate {
        let id = user.account.associate_id;
        let own = state.db.run(move |conn| own_record(conn, id)).await?;
        return Ok(page(
            StatusCode::OK,
            dashboard::own(lang, &user, own.as_ref(), done),
        ));
    }
    let overview = state.db.run(overview).await?;
    Ok(page(
        StatusCode::OK,
        dashboard::staff(lang, &user, &overview, done),
    ))
}

fn overview(conn: &mut DbConn) -> Result<Overview, AppError> {
    let coop = cooperative::load(conn)?;
    let colleges = cooperative::colleges(conn)?;
    let active = Associate::list(
        conn,
        &AssociateFilter {
            status: Some(Status::Active.code().into()),
            ..Default::default()
        },
    )?;
    let present: Vec<Category> = active
        .iter()
        .filter_map(|a| Category::parse(&a.category).ok())
        .collect();
    let capital = shares::capital_on(conn, chrono::Local::now().date_naive())?;
    Ok(Overview {
        coop_name: coop.name,
        active: active.len(),
        shares: capital.shares,
        capital_cents: capital.capital_cents,
        paid_cents: capital.paid_cents,
        colleges,
        categories: Category::ALL
            .iter()
            .map(|c| (*c, present.iter().filter(|p| *p == c).count()))
            .collect(),
        warnings: category_warnings(&present),
    })
}

fn own_record(conn: &mut DbConn, id: Option<i64>) -> Result<Option<OwnRecord>, AppError> {
    let Some(id) = id else { return Ok(None) };
    let associate = associates::get(conn, id)?;
    let college = College::all(conn)?
        .into_iter()
        .find(|c| c.id == associate.college_id)
        .map(|c| c.name)
        .unwrap_or_default();
    let statement = shares::statement(conn, id)?;
    Ok(Some(OwnRecord {
        associate,
        college,
        statement,
    }))
}
