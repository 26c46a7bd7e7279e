//! `/assemblies/{id}/attendance`: the entrance desk. Search a name, one tap
//! to record how each voter takes part, proxies given to an attending
//! voter or in blank; each change comes back to the same search.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use crate::db::DbConn;
use crate::db::models::assembly::{Attendance, Voter};
use crate::db::models::associate::{Associate, fold};
use crate::db::models::college::College;
use crate::error::AppError;
use crate::services::assemblies;
use crate::services::attendance::{self, AttendanceInput, attends};
use crate::web::AppState;
use crate::web::handlers::assemblies::{encode_query, refusal_text, refused_status};
use crate::web::handlers::forms::{STAFF, is_refusal, page, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::pages::attendance_desk::{self, BLANK, Desk, DeskRow};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeskQuery {
    q: String,
    done: Option<String>,
    /// Whose attendance was just recorded, named in the flash message.
    who: Option<i64>,
}

/// The roll with each voter's attendance, filtered by the search.
fn load(conn: &mut DbConn, id: i64, q: &str) -> Result<Desk, AppError> {
    let assembly = assemblies::find(conn, id)?;
    let quorum = attendance::quorum(conn, id, None)?;
    let roll = Voter::roll(conn, id)?;
    let people: HashMap<i64, Associate> = Associate::list(conn, &Default::default())?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let colleges: HashMap<i64, String> = College::all(conn)?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let present: HashMap<i64, Attendance> = Attendance::of_assembly(conn, id)?
        .into_iter()
        .map(|x| (x.associate_id, x))
        .collect();
    let name = |id: i64| {
        people
            .get(&id)
            .map_or_else(|| format!("#{id}"), |a| a.name.clone())
    };
    let term = fold(q.trim());
    let mut rows: Vec<DeskRow> = roll
        .iter()
        .map(|v| {
            let person = people.get(&v.associate_id);
            let row = present.get(&v.associate_id);
            DeskRow {
                associate_id: v.associate_id,
                number: person.map_or(0, |a| a.number),
                name: name(v.associate_id),
                representative: person.and_then(|a| a.representative.clone()),
                college: colleges.get(&v.college_id).cloned().unwrap_or_default(),
                mode: row.map(|x| x.mode.clone()),
                holder: row.and_then(|x| x.proxy_holder_id).map(|h| (h, name(h))),
                holds: present
                    .values()
                    .filter(|x| {
                        x.mode == "represented" && x.proxy_holder_id == Some(v.associate_id)
                    })
                    .map(|x| name(x.associate_id))
                    .collect(),
            }
        })
        .collect();
    let roll_size = rows.len();
    rows.sort_by_key(|r| fold(&r.name));
    let mut holders: Vec<(i64, String)> = rows
        .iter()
        .filter(|r| r.mode.as_deref().is_some_and(attends))
        .map(|r| (r.associate_id, r.name.clone()))
        .collect();
    holders.sort_by_key(|(_, n)| fold(n));
    if !term.is_empty() {
        rows.retain(|r| {
            fold(&r.name).contains(&term)
                || r.representative
                    .as_deref()
                    .is_some_and(|x| fold(x).contains(&term))
                || r.number.to_string() == term
        });
    }
    Ok(Desk {
        assembly,
        quorum,
        rows,
        roll_size,
        holders,
    })
}

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    query: web::Query<DeskQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let id = path.into_inner();
    let q = query.q.clone();
    let desk = state.db.run(move |conn| load(conn, id, &q)).await?;
    let done = query.done.as_deref();
    let body = attendance_desk::view(lang, &user, &desk, &query.q, None, done, query.who);
    Ok(page(StatusCode::OK, body))
}

#[derive(Deserialize)]
pub struct MarkValues {
    csrf: String,
    mode: String,
    /// For `represented`: the holder's id, or `blank` for a blank proxy.
    #[serde(default)]
    holder: String,
    #[serde(default)]
    q: String,
}

pub async fn mark(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<(i64, i64)>,
    form: web::Form<MarkValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let (id, associate_id) = path.into_inner();
    let form = form.into_inner();
    // The list starts on an empty choice: a blank proxy votes with the
    // board (E12), so it must be chosen, never recorded by a careless tap.
    let holder = match (form.mode.as_str(), form.holder.trim()) {
        ("represented", "") => Err(AppError::rule(
            "proxy_holder_missing",
            "Choose who holds the proxy, or “Blank proxy” explicitly.",
        )),
        (_, "" | BLANK) => Ok(None),
        (_, text) => text
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::bad_request("Unknown proxy holder.")),
    };
    let outcome = match holder {
        Err(e) => Err(e),
        Ok(proxy_holder_id) => {
            let input = AttendanceInput {
                mode: form.mode.clone(),
                proxy_holder_id: proxy_holder_id.filter(|_| form.mode == "represented"),
            };
            state
                .db
                .run(move |conn| attendance::set(conn, Some(account_id), id, associate_id, &input))
                .await
        }
    };
    let error = match outcome {
        Ok(_) => {
            let location = format!(
                "/assemblies/{id}/attendance?q={}&done=recorded&who={associate_id}#voter-{associate_id}",
                encode_query(&form.q)
            );
            return Ok(see_other(&location));
        }
        Err(e) if is_refusal(&e) => e,
        Err(e) => return Err(e.into()),
    };
    let q = form.q.clone();
    let desk = state.db.run(move |conn| load(conn, id, &q)).await?;
    let message = refusal_text(lang, &error);
    let body = attendance_desk::view(lang, &user, &desk, &form.q, Some(&message), None, None);
    Ok(page(refused_status(&error), body))
}
