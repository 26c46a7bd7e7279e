//! `/associates`: the list, the admission form and the change form.

use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use crate::db::models::account::Role;
use crate::db::models::associate::{Associate, AssociateFilter};
use crate::db::models::college::College;
use crate::services::associates::{self, AdmissionInput, AssociatePatch, AssociateView};
use crate::web::AppState;
use crate::web::handlers::forms::{self, STAFF, page, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::components::Problems;
use crate::web::views::pages::associate_form::{self, AssociateValues, Purpose};
use crate::web::views::pages::associates::{self as list_page, Filters};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    college: String,
    category: String,
    status: String,
    done: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    query: web::Query<ListQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let query = query.into_inner();
    let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let filter = AssociateFilter {
        // An unreadable college id matches nobody rather than everybody.
        college_id: some(&query.college).map(|c| c.parse().unwrap_or(-1)),
        status: some(&query.status),
        category: some(&query.category),
        search: some(&query.q),
    };
    let (rows, colleges) = state
        .db
        .run(move |conn| {
            let rows: Vec<AssociateView> = Associate::list(conn, &filter)?
                .into_iter()
                .map(AssociateView::from)
                .collect();
            Ok((rows, College::all(conn)?))
        })
        .await?;
    let filters = Filters {
        q: query.q,
        college: query.college,
        category: query.category,
        status: query.status,
    };
    let can_admit = user.role() == Role::Admin;
    let body = list_page::view(
        lang,
        &user,
        &filters,
        &rows,
        &colleges,
        can_admit,
        query.done.as_deref(),
    );
    Ok(page(StatusCode::OK, body))
}

async fn current_colleges(state: &AppState) -> Result<Vec<College>, crate::error::AppError> {
    state.db.run(|conn| Ok(College::current(conn)?)).await
}

pub async fn new_form(state: web::Data<AppState>, user: PageUser, lang: Lang) -> PageResult {
    user.require(&[Role::Admin])?;
    let colleges = current_colleges(&state).await?;
    let values = AssociateValues {
        kind: "person".into(),
        admitted_on: chrono::Local::now().date_naive().to_string(),
        ..Default::default()
    };
    let body = associate_form::view(
        lang,
        &user,
        &Purpose::Admit,
        &values,
        &colleges,
        &Problems::default(),
    );
    Ok(page(StatusCode::OK, body))
}

pub async fn admit(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    form: web::Form<AssociateValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(&[Role::Admin])?.id;
    let values = form.into_inner();
    let input = AdmissionInput {
        name: values.name.clone(),
        email: values.email.clone(),
        kind: values.kind.clone(),
        representative: Some(values.representative.clone()),
        address: values.address.clone(),
        category: values.category.clone(),
        college_id: values.college_id.trim().parse().unwrap_or(0),
        admitted_on: values.admitted_on.clone(),
        password: Some(values.password.clone()),
    };
    let outcome = state
        .db
        .run(move |conn| associates::admit(conn, Some(account_id), &input))
        .await;
    let error = match outcome {
        Ok(admitted) => {
            return Ok(see_other(&format!(
                "/associates/{}?done=admitted",
                admitted.id
            )));
        }
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
    let colleges = current_colleges(&state).await?;
    let body = associate_form::view(lang, &user, &Purpose::Admit, &values, &colleges, &problems);
    Ok(page(error.status, body))
}

pub async fn edit_form(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let id = path.into_inner();
    let (a, colleges) = state
        .db
        .run(move |conn| Ok((associates::get(conn, id)?, College::current(conn)?)))
        .await?;
    let values = AssociateValues {
        name: a.name,
        email: a.email,
        kind: a.kind,
        representative: a.representative.unwrap_or_default(),
        address: a.address,
        category: a.category,
        college_id: a.college_id.to_string(),
        admitted_on: a.admitted_on.to_string(),
        ..Default::default()
    };
    let purpose = Purpose::Change {
        id,
        number: a.number,
    };
    let body = associate_form::view(
        lang,
        &user,
        &purpose,
        &values,
        &colleges,
        &Problems::default(),
    );
    Ok(page(StatusCode::OK, body))
}

pub async fn update(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    path: web::Path<i64>,
    form: web::Form<AssociateValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(&[Role::Admin])?.id;
    let id = path.into_inner();
    let values = form.into_inner();
    let patch = AssociatePatch {
        name: Some(values.name.clone()),
        email: Some(values.email.clone()),
        kind: Some(values.kind.clone()),
        representative: Some(values.representative.clone()),
        address: Some(values.address.clone()),
        category: Some(values.category.clone()),
        college_id: Some(values.college_id.trim().parse().unwrap_or(0)),
        admitted_on: Some(values.admitted_on.clone()),
    };
    let outcome = state
        .db
        .run(move |conn| associates::update(conn, Some(account_id), id, &patch))
        .await;
    let error = match outcome {
        Ok(_) => return Ok(see_other(&format!("/associates/{id}?done=saved"))),
        Err(e) if forms::is_refusal(&e) => e,
        Err(e) => return Err(e.into()),
    };
    let (number, colleges) = state
        .db
        .run(move |conn| Ok((associates::get(conn, id)?.number, College::current(conn)?)))
        .await?;
    let purpose = Purpose::Change { id, number };
    let body = associate_form::view(
        lang,
        &user,
        &purpose,
        &values,
        &colleges,
        &forms::problems(&error),
    );
    Ok(page(error.status, body))
}
