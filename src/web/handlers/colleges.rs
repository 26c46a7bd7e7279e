//! `/colleges`: the whole set of colleges, replaced at once (administrators;
//! secretaries read it).

use actix_web::http::StatusCode;
use actix_web::web;
use serde_json::Value;

use crate::db::models::account::Role;
use crate::domain::fraction::percent_2dp;
use crate::error::AppError;
use crate::services::cooperative::{self, CollegeInput, CollegeView};
use crate::web::AppState;
use crate::web::handlers::dashboard::DoneQuery;
use crate::web::handlers::forms::{self, STAFF, page, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::components::{Problem, Problems};
use crate::web::views::pages::colleges::{self, CollegeRow};

/// Empty rows offered to add colleges.
const SPARE_ROWS: usize = 2;
/// Rows shown at least: a first setup needs three colleges or more, all
/// saved at once (the reference SCIC has five).
const FIRST_SETUP_ROWS: usize = 5;
/// More rows than any statutes have (50 % at most each, 10 % at least).
const MAX_ROWS: usize = 40;

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    query: web::Query<DoneQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let editable = user.role() == Role::Admin;
    let current = state.db.run(cooperative::colleges).await?;
    let mut rows: Vec<CollegeRow> = current.iter().map(row_of).collect();
    if editable {
        let spare = SPARE_ROWS.max(FIRST_SETUP_ROWS.saturating_sub(rows.len()));
        rows.extend((0..spare).map(|_| CollegeRow::default()));
    }
    let body = colleges::view(
        lang,
        &user,
        &rows,
        &Problems::default(),
        editable,
        query.done.as_deref(),
    );
    Ok(page(StatusCode::OK, body))
}

fn row_of(c: &CollegeView) -> CollegeRow {
    let weight = percent_2dp(&c.fraction);
    CollegeRow {
        id: c.id.to_string(),
        name: c.name.clone(),
        weight: weight.strip_suffix(".00").unwrap_or(&weight).to_string(),
        members: Some(c.members),
        problems: Vec::new(),
    }
}

pub async fn save(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    form: web::Form<Vec<(String, String)>>,
) -> PageResult {
    let fields = form.into_inner();
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    user.check_csrf(csrf)?;
    let account_id = user.require(&[Role::Admin])?.id;
    let mut rows = typed_rows(&fields);
    // A row with neither name nor weight is a college removed (or a spare
    // row left empty); `entry_rows[i]` is the row of the i-th entry sent.
    let mut entries = Vec::new();
    let mut entry_rows = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if row.name.trim().is_empty() && row.weight.trim().is_empty() {
            continue;
        }
        let id = match row.id.trim() {
            "" => None,
            text => Some(
                text.parse::<i64>()
                    .map_err(|_| AppError::bad_request("Invalid college id."))?,
            ),
        };
        entries.push(CollegeInput {
            id,
            name: row.name.clone(),
            weight: row.weight.trim().replace(',', "."),
        });
        entry_rows.push(index);
    }
    let sent: Vec<Option<i64>> = entries.iter().map(|e| e.id).collect();
    let outcome = state
        .db
        .run(move |conn| cooperative::replace_colleges(conn, account_id, entries))
        .await;
    let error = match outcome {
        Ok(_) => return Ok(see_other("/colleges?done=saved")),
        Err(e) if forms::is_refusal(&e) => e,
        Err(e) => return Err(e.into()),
    };
    let current = state.db.run(cooperative::colleges).await?;
    for row in rows.iter_mut() {
        row.members = current
            .iter()
            .find(|c| c.id.to_string() == row.id)
            .map(|c| c.members);
    }
    let mut general = Problems::default();
    match (error.code, &error.details) {
        ("invalid_colleges", Some(Value::Array(violations))) => {
            for v in violations {
                let (Some(fr), Some(en)) = (v["message_fr"].as_str(), v["message_en"].as_str())
                else {
                    continue;
                };
                let row = v["index"]
                    .as_u64()
                    .and_then(|i| entry_rows.get(i as usize))
                    .copied();
                match row {
                    Some(r) => rows[r].problems.push(Problem {
                        field: None,
                        fr: fr.into(),
                        en: en.into(),
                    }),
                    None => general.add(None, fr, en),
                }
            }
        }
        ("college_has_members", _) => {
            for c in current
                .iter()
                .filter(|c| c.members > 0 && !sent.contains(&Some(c.id)))
            {
                general.add(
                    None,
                    format!(
                        "Le collège « {} » compte encore {} associé(s) actif(s) : changez-les de collège avant de le supprimer.",
                        c.name, c.members
                    ),
                    format!(
                        "The college “{}” still has {} active member(s): move them to another college before removing it.",
                        c.name, c.members
                    ),
                );
            }
        }
        _ => general = forms::problems(&error),
    }
    if general.is_empty() && rows.iter().all(|r| r.problems.is_empty()) {
        general = forms::problems(&error);
    }
    let body = colleges::view(lang, &user, &rows, &general, true, None);
    Ok(page(error.status, body))
}

/// The rows as typed: `id_N`, `name_N`, `weight_N` for N = 0, 1, …
fn typed_rows(fields: &[(String, String)]) -> Vec<CollegeRow> {
    let mut rows: Vec<CollegeRow> = Vec::new();
    for (key, value) in fields {
        let Some((column, n)) = key.rsplit_once('_') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        if n >= MAX_ROWS {
            continue;
        }
        if rows.len() <= n {
            rows.resize_with(n + 1, CollegeRow::default);
        }
        match column {
            "id" => rows[n].id = value.clone(),
            "name" => rows[n].name = value.clone(),
            "weight" => rows[n].weight = value.clone(),
            _ => {}
        }
    }
    rows
}
