//! `/accounts`: administrators give secretaries their logins.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use crate::db::models::account::{Account, Role};
use crate::db::models::second_factor::SecondFactor;
use crate::error::AppError;
use crate::services::accounts;
use crate::web::AppState;
use crate::web::handlers::dashboard::DoneQuery;
use crate::web::handlers::forms::{self, page, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::components::Problems;
use crate::web::views::pages::accounts as view;

#[derive(Deserialize)]
pub struct NewSecretary {
    csrf: String,
    email: String,
    password: String,
}

/// The staff accounts, and which of them have a second factor.
async fn staff_and_factors(state: &AppState) -> Result<(Vec<Account>, Vec<i64>), AppError> {
    state
        .db
        .run(|conn| Ok((Account::staff(conn)?, SecondFactor::account_ids(conn)?)))
        .await
}

pub async fn list(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    query: web::Query<DoneQuery>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let (staff, enrolled) = staff_and_factors(&state).await?;
    let body = view::view(
        lang,
        &user,
        &staff,
        &enrolled,
        "",
        &Problems::default(),
        query.done.as_deref(),
    );
    Ok(page(StatusCode::OK, body))
}

pub async fn create(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    form: web::Form<NewSecretary>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(&[Role::Admin])?;
    let form = form.into_inner();
    let (email, password) = (form.email.clone(), form.password);
    let outcome = state
        .db
        .run(move |conn| accounts::create_secretary(conn, &email, &password))
        .await;
    let error = match outcome {
        Ok(_) => return Ok(see_other("/accounts?done=account_created")),
        Err(e) if forms::is_refusal(&e) => e,
        Err(e) => return Err(e.into()),
    };
    let mut problems = forms::problems(&error);
    if error.code == "email_taken" {
        problems
            .0
            .iter_mut()
            .for_each(|p| p.field = Some("email".into()));
    }
    let (staff, enrolled) = staff_and_factors(&state).await?;
    let body = view::view(lang, &user, &staff, &enrolled, &form.email, &problems, None);
    Ok(page(error.status, body))
}
