//! `/assemblies/{id}/cards`: issues voting cards (for everyone present in
//! the room, or for the voters ticked) and shows them ready to print. A
//! card's token is shown once, here: the database keeps only its digest.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;

use crate::db::DbConn;
use crate::db::models::assembly::{Assembly, Attendance, Voter};
use crate::db::models::associate::{Associate, fold};
use crate::error::AppError;
use crate::services::{assemblies, voting};
use crate::web::AppState;
use crate::web::handlers::assemblies::{refusal_text, refused_status};
use crate::web::handlers::forms::{STAFF, is_refusal, page};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::pages::voting_cards::{self, PrintedCard, RollEntry};

/// The assembly and its roll: who is on it, and who is present.
fn load(conn: &mut DbConn, id: i64) -> Result<(Assembly, Vec<RollEntry>), AppError> {
    let assembly = assemblies::find(conn, id)?;
    let names: HashMap<i64, String> = Associate::list(conn, &Default::default())?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let modes: HashMap<i64, String> = Attendance::of_assembly(conn, id)?
        .into_iter()
        .map(|x| (x.associate_id, x.mode))
        .collect();
    let mut roll: Vec<RollEntry> = Voter::roll(conn, id)?
        .into_iter()
        .map(|v| RollEntry {
            associate_id: v.associate_id,
            name: names.get(&v.associate_id).cloned().unwrap_or_default(),
            present: modes.get(&v.associate_id).is_some_and(|m| m == "present"),
        })
        .collect();
    roll.sort_by_key(|r| fold(&r.name));
    Ok((assembly, roll))
}

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
) -> PageResult {
    user.require(STAFF)?;
    let id = path.into_inner();
    let (assembly, roll) = state.db.run(move |conn| load(conn, id)).await?;
    Ok(page(
        StatusCode::OK,
        voting_cards::form(lang, &user, &assembly, &roll, None),
    ))
}

/// `who=present` (everyone present in the room) or `who=selected` with
/// one `associate_id` per voter ticked.
pub async fn issue(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let fields = form.into_inner();
    let value = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    };
    user.check_csrf(value("csrf"))?;
    let account_id = user.require(STAFF)?.id;
    let id = path.into_inner();
    let selected: Option<Vec<i64>> = (value("who") == "selected").then(|| {
        fields
            .iter()
            .filter(|(k, _)| k == "associate_id")
            .filter_map(|(_, v)| v.parse().ok())
            .collect()
    });
    let base = state.base_url.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let cards = voting::issue_cards(conn, Some(account_id), id, selected, &base)?;
            let (assembly, roll) = load(conn, id)?;
            Ok((cards, assembly, roll))
        })
        .await;
    match outcome {
        Ok((cards, assembly, roll)) => {
            let printed: Vec<PrintedCard> = cards
                .into_iter()
                .map(|c| PrintedCard {
                    name: roll
                        .iter()
                        .find(|r| r.associate_id == c.associate_id)
                        .map(|r| r.name.clone())
                        .unwrap_or_default(),
                    url: c.url,
                })
                .collect();
            Ok(page(
                StatusCode::OK,
                voting_cards::printed(lang, &user, &assembly, &printed),
            ))
        }
        Err(e) if is_refusal(&e) => {
            let (assembly, roll) = state.db.run(move |conn| load(conn, id)).await?;
            let message = refusal_text(lang, &e);
            let body = voting_cards::form(lang, &user, &assembly, &roll, Some(&message));
            Ok(page(refused_status(&e), body))
        }
        Err(e) => Err(e.into()),
    }
}
