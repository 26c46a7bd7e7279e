use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::db::models::account::Role;
use crate::db::models::associate::{Associate, AssociateFilter};
use crate::error::AppError;
use crate::services::associates::{self, AdmissionInput, AssociatePatch, AssociateView};
use crate::web::AppState;
use crate::web::api::{ApiAccount, JsonBody};

const STAFF: &[Role] = &[Role::Admin, Role::Secretary];

/// Staff see every associate; an associate sees only their own record (the
/// same 404 as for an unknown id, so ids reveal nothing).
pub fn may_read(caller: &ApiAccount, associate_id: i64) -> Result<(), AppError> {
    let account = &caller.account;
    if STAFF.contains(&account.role()) || account.associate_id == Some(associate_id) {
        Ok(())
    } else {
        Err(AppError::not_found("associate"))
    }
}

/// `POST /associates` → 201
pub async fn admit(
    state: web::Data<AppState>,
    caller: ApiAccount,
    body: JsonBody<AdmissionInput>,
) -> Result<HttpResponse, AppError> {
    let account_id = caller.require(&[Role::Admin])?.id;
    let input = body.parse()?;
    let view = state
        .db
        .run(move |conn| associates::admit(conn, Some(account_id), &input))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize)]
pub struct ListQuery {
    college_id: Option<i64>,
    status: Option<String>,
    category: Option<String>,
    q: Option<String>,
}

/// `GET /associates?college_id=&status=&category=&q=`
pub async fn list(
    state: web::Data<AppState>,
    caller: ApiAccount,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    caller.require(STAFF)?;
    let q = query.into_inner();
    let filter = AssociateFilter {
        college_id: q.college_id,
        status: q.status,
        category: q.category,
        search: q.q,
    };
    let list: Vec<AssociateView> = state
        .db
        .run(move |conn| Ok(Associate::list(conn, &filter)?))
        .await?
        .into_iter()
        .map(AssociateView::from)
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "associates": list })))
}

/// `GET /associates/{id}`
pub async fn show(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    may_read(&caller, id)?;
    let view = state.db.run(move |conn| associates::get(conn, id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `PATCH /associates/{id}`: the fields given.
pub async fn update(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
    body: JsonBody<AssociatePatch>,
) -> Result<HttpResponse, AppError> {
    let account_id = caller.require(&[Role::Admin])?.id;
    let (id, patch) = (id.into_inner(), body.parse()?);
    let view = state
        .db
        .run(move |conn| associates::update(conn, Some(account_id), id, &patch))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    on: String,
    reason: String,
}

/// `POST /associates/{id}/withdraw`
pub async fn withdraw(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: web::Path<i64>,
    body: JsonBody<WithdrawBody>,
) -> Result<HttpResponse, AppError> {
    let account_id = caller.require(&[Role::Admin])?.id;
    let (id, body) = (id.into_inner(), body.parse()?);
    let view = state
        .db
        .run(move |conn| associates::withdraw(conn, Some(account_id), id, &body.on, &body.reason))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
