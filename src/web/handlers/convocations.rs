//! `/assemblies/{id}/convocations`: the convocations to print and post,
//! one A4 page per associate on the roll, each with a QR code of the
//! assembly's check-in page (see `assembly_check_in` for why not a personal
//! link).

use std::collections::HashSet;

use actix_web::http::StatusCode;
use actix_web::web;

use crate::db::DbConn;
use crate::db::models::assembly::Voter;
use crate::db::models::associate::{Associate, fold};
use crate::db::models::resolution::Resolution;
use crate::error::AppError;
use crate::services::{assemblies, cooperative};
use crate::web::AppState;
use crate::web::handlers::assembly_check_in::check_in_url;
use crate::web::handlers::forms::{STAFF, page};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::pages::convocations::{self, Addressee, Printed};

fn load(conn: &mut DbConn, id: i64) -> Result<Printed, AppError> {
    let assembly = assemblies::find(conn, id)?;
    let coop = cooperative::load(conn)?;
    let agenda = Resolution::of_assembly(conn, id)?
        .into_iter()
        .map(|r| (r.number, r.title))
        .collect();
    let roll: HashSet<i64> = Voter::roll(conn, id)?
        .into_iter()
        .map(|v| v.associate_id)
        .collect();
    let mut addressees: Vec<Addressee> = Associate::list(conn, &Default::default())?
        .into_iter()
        .filter(|a| roll.contains(&a.id))
        .map(|a| Addressee {
            name: a.name,
            representative: a.representative.filter(|r| !r.trim().is_empty()),
            address: a.address,
        })
        .collect();
    addressees.sort_by_key(|a| fold(&a.name));
    Ok(Printed {
        cooperative_name: coop.name,
        registered_office: coop.registered_office,
        proxies_per_holder: coop.rules.proxies_per_holder,
        assembly,
        agenda,
        addressees,
    })
}

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
) -> PageResult {
    user.require(STAFF)?;
    let id = path.into_inner();
    let printed = state.db.run(move |conn| load(conn, id)).await?;
    let entry = check_in_url(&state.base_url, id);
    Ok(page(
        StatusCode::OK,
        convocations::view(lang, &user, &printed, &entry),
    ))
}
