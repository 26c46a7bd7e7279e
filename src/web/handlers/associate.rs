//! `/associates/{id}`: one associate's page, and the administrator's two
//! actions on it (a share movement, a departure).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::web;

use crate::db::DbConn;
use crate::db::models::account::{Account, Role};
use crate::db::models::associate::Associate;
use crate::db::models::audit;
use crate::db::models::college::College;
use crate::domain::register::Status;
use crate::error::AppError;
use crate::services::associates;
use crate::services::own_ballots;
use crate::services::shares::{self, MovementInput};
use crate::web::AppState;
use crate::web::handlers::dashboard::DoneQuery;
use crate::web::handlers::forms::{self, STAFF, page, parse_euros, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::components::Problems;
use crate::web::views::pages::associate::{
    self, AssociatePage, DepartureValues, Forms, MovementValues,
};
use crate::web::views::pages::associate_history::HistoryLine;

pub async fn show(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    query: web::Query<DoneQuery>,
) -> PageResult {
    let id = path.into_inner();
    // Staff read every record; an associate only their own, and anyone
    // else's id answers like an unknown one.
    if !STAFF.contains(&user.role()) && user.account.associate_id != Some(id) {
        return Err(AppError::not_found("associate").into());
    }
    let own = user.account.associate_id == Some(id);
    let data = state.db.run(move |conn| load(conn, id, own)).await?;
    let forms = (user.role() == Role::Admin).then(blank_forms);
    Ok(page(
        StatusCode::OK,
        associate::view(lang, &user, &data, forms.as_ref(), query.done.as_deref()),
    ))
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

fn blank_movement() -> MovementValues {
    MovementValues {
        movement: "subscription".into(),
        movement_on: today(),
        ..Default::default()
    }
}

fn blank_departure() -> DepartureValues {
    DepartureValues {
        departure_on: today(),
        reason: "withdrawal".into(),
        ..Default::default()
    }
}

fn blank_forms() -> Forms {
    Forms {
        movement: blank_movement(),
        departure: blank_departure(),
        ..Default::default()
    }
}

/// Everything the page shows, read in one go; `own` when the associate
/// reads their own page: then the ballots cast in their name too.
fn load(conn: &mut DbConn, id: i64, own: bool) -> Result<AssociatePage, AppError> {
    let associate = associates::get(conn, id)?;
    let statement = shares::statement(conn, id)?;
    let everyone = Associate::list(conn, &Default::default())?;
    let label = |a: &Associate| format!("n° {} — {}", a.number, a.name);
    let names: BTreeMap<i64, String> = everyone.iter().map(|a| (a.id, label(a))).collect();
    let recipients = everyone
        .iter()
        .filter(|a| a.status == Status::Active.code())
        .map(|a| (a.id, label(a)))
        .collect();
    let mut emails: BTreeMap<i64, Option<String>> = BTreeMap::new();
    let mut history = Vec::new();
    for entry in audit::history(conn, "associate", id)? {
        let who = match entry.account_id {
            Some(account) => match emails.get(&account) {
                Some(email) => email.clone(),
                None => {
                    let email = Account::by_id(conn, account)?.map(|a| a.email);
                    emails.insert(account, email.clone());
                    email
                }
            },
            None => None,
        };
        history.push(HistoryLine {
            at: entry.at,
            who,
            action: entry.action,
            details: serde_json::from_str(&entry.details).unwrap_or_default(),
        });
    }
    Ok(AssociatePage {
        associate,
        statement,
        names,
        recipients,
        colleges: College::all(conn)?,
        history,
        ballots: if own {
            Some(own_ballots::list(conn, id)?)
        } else {
            None
        },
    })
}

/// The page again with a refused form and its problems.
async fn refused(
    state: &AppState,
    user: &PageUser,
    lang: Lang,
    id: i64,
    status: StatusCode,
    forms: Forms,
) -> PageResult {
    let own = user.account.associate_id == Some(id);
    let data = state.db.run(move |conn| load(conn, id, own)).await?;
    let status = if status == StatusCode::BAD_REQUEST {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    Ok(page(
        status,
        associate::view(lang, user, &data, Some(&forms), None),
    ))
}

pub async fn record_movement(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<MovementValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(&[Role::Admin])?.id;
    let id = path.into_inner();
    let values = form.into_inner();
    let mut problems = Problems::default();
    let shares = match values.shares.trim() {
        "" => 0,
        text => text.parse::<i64>().unwrap_or_else(|_| {
            problems.add(
                Some("shares"),
                "Un nombre entier de parts.",
                "A whole number of shares.",
            );
            0
        }),
    };
    let amount_cents = match values.amount.trim() {
        "" => None,
        text => parse_euros(text).or_else(|| {
            problems.add(
                Some("amount"),
                "Montant invalide : écrivez par exemple 250 ou 250,50.",
                "Invalid amount: write for instance 250 or 250.50.",
            );
            None
        }),
    };
    let to_associate_id = match values.to_associate_id.trim() {
        "" => None,
        text => text.parse::<i64>().ok().or_else(|| {
            problems.add(
                Some("to_associate_id"),
                "Bénéficiaire inconnu.",
                "Unknown recipient.",
            );
            None
        }),
    };
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if problems.is_empty() {
        let input = MovementInput {
            movement: values.movement.clone(),
            shares,
            amount_cents,
            on: values.movement_on.clone(),
            to_associate_id,
        };
        match state
            .db
            .run(move |conn| shares::record(conn, Some(account_id), id, &input))
            .await
        {
            Ok(_) => return Ok(see_other(&format!("/associates/{id}?done=movement"))),
            Err(e) if forms::is_refusal(&e) => {
                status = e.status;
                problems = forms::problems(&e);
                if e.code == "bad_request" {
                    problems
                        .0
                        .iter_mut()
                        .for_each(|p| p.field = Some("movement".into()));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    let forms = Forms {
        movement: values,
        movement_problems: problems,
        departure: blank_departure(),
        departure_problems: Problems::default(),
    };
    refused(&state, &user, lang, id, status, forms).await
}

pub async fn withdraw(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<DepartureValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(&[Role::Admin])?.id;
    let id = path.into_inner();
    let values = form.into_inner();
    let (on, reason) = (values.departure_on.clone(), values.reason.clone());
    let outcome = state
        .db
        .run(move |conn| associates::withdraw(conn, Some(account_id), id, &on, &reason))
        .await;
    let error = match outcome {
        Ok(_) => return Ok(see_other(&format!("/associates/{id}?done=withdrawn"))),
        Err(e) if forms::is_refusal(&e) => e,
        Err(e) => return Err(e.into()),
    };
    let mut problems = forms::problems(&error);
    let field = match error.code {
        "invalid_reason" => Some("reason"),
        "invalid_date" => Some("departure_on"),
        _ => None,
    };
    problems
        .0
        .iter_mut()
        .for_each(|p| p.field = field.map(str::to_string));
    let forms = Forms {
        movement: blank_movement(),
        movement_problems: Problems::default(),
        departure: values,
        departure_problems: problems,
    };
    refused(&state, &user, lang, id, error.status, forms).await
}
