//! Assemblies, attendance, quorum, resolutions, ballots (CONTRACT.md).

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::db::models::account::Role;
use crate::domain::rules::MajorityKind;
use crate::domain::tally::Choice;
use crate::error::AppError;
use crate::services::assemblies;
use crate::services::attendance::{self, AttendanceInput};
use crate::services::voting::{self, Caster, ResolutionInput};
use crate::web::AppState;
use crate::web::api::{ApiAccount, JsonBody};

/// The secretary runs assemblies; the administrator may stand in.
const STAFF: &[Role] = &[Role::Admin, Role::Secretary];
const EVERYONE: &[Role] = &[Role::Admin, Role::Secretary, Role::Associate];

type Id = web::Path<i64>;
type Answer = Result<HttpResponse, AppError>;

pub async fn create(
    state: web::Data<AppState>,
    caller: ApiAccount,
    body: JsonBody<assemblies::AssemblyInput>,
) -> Answer {
    let account = caller.require(STAFF)?.id;
    let input = body.parse()?;
    let view = state
        .db
        .run(move |conn| assemblies::create(conn, Some(account), &input))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

pub async fn list(state: web::Data<AppState>, caller: ApiAccount) -> Answer {
    caller.require(EVERYONE)?;
    let all = state
        .db
        .run(|conn| Ok(crate::db::models::assembly::Assembly::all(conn)?))
        .await?;
    let views: Vec<_> = all.iter().map(assemblies::AssemblyView::from).collect();
    Ok(HttpResponse::Ok().json(json!({ "assemblies": views })))
}

pub async fn show(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    caller.require(EVERYONE)?;
    // The roll's changes name other associates: for the staff only.
    let staff = caller.require(STAFF).is_ok();
    let id = id.into_inner();
    let (view, resolutions, roll_warnings) = state
        .db
        .run(move |conn| {
            let view = assemblies::get(conn, id)?;
            let resolutions: Vec<voting::ResolutionView> =
                crate::db::models::resolution::Resolution::of_assembly(conn, id)?
                    .iter()
                    .map(voting::ResolutionView::from)
                    .collect();
            let roll_warnings = if staff {
                Some(assemblies::roll_changes(conn, id)?)
            } else {
                None
            };
            Ok((view, resolutions, roll_warnings))
        })
        .await?;
    let mut body = json!(view);
    body["resolutions"] = json!(resolutions);
    if let Some(roll_warnings) = roll_warnings {
        body["roll_warnings"] = json!(roll_warnings);
    }
    Ok(HttpResponse::Ok().json(body))
}

pub async fn bureau(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    body: JsonBody<assemblies::BureauInput>,
) -> Answer {
    let account = caller.require(STAFF)?.id;
    let (id, input) = (id.into_inner(), body.parse()?);
    let view = state
        .db
        .run(move |conn| assemblies::set_bureau(conn, Some(account), id, &input))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConveneBody {
    #[serde(default)]
    override_notice: bool,
}

pub async fn convene(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    body: JsonBody<ConveneBody>,
) -> Answer {
    let account = caller.require(STAFF)?.id;
    let id = id.into_inner();
    let override_notice = body.parse_optional()?.is_some_and(|b| b.override_notice);
    let base_url = state.base_url.clone();
    let report = state
        .db
        .run(move |conn| {
            crate::services::convocation::convene(
                conn,
                Some(account),
                id,
                override_notice,
                &base_url,
            )
        })
        .await?;
    state.outbox.wake();
    Ok(HttpResponse::Ok().json(report))
}

pub async fn open(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    let account = caller.require(STAFF)?.id;
    let id = id.into_inner();
    let view = state
        .db
        .run(move |conn| assemblies::open(conn, Some(account), id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn close(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    let account = caller.require(STAFF)?.id;
    let id = id.into_inner();
    let view = state
        .db
        .run(move |conn| assemblies::close(conn, Some(account), id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn set_attendance(
    state: web::Data<AppState>,
    caller: ApiAccount,
    path: web::Path<(i64, i64)>,
    body: JsonBody<AttendanceInput>,
) -> Answer {
    let account = caller.require(STAFF)?.id;
    let ((id, associate), input) = (path.into_inner(), body.parse()?);
    let view = state
        .db
        .run(move |conn| attendance::set(conn, Some(account), id, associate, &input))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn attendance_list(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    caller.require(STAFF)?;
    let id = id.into_inner();
    let list = state.db.run(move |conn| attendance::list(conn, id)).await?;
    Ok(HttpResponse::Ok().json(json!({ "attendance": list })))
}

#[derive(Deserialize)]
pub struct QuorumQuery {
    majority: Option<String>,
}

/// `GET /assemblies/{id}/quorum?majority=ordinary|extraordinary` (default:
/// the assembly's own kind).
pub async fn quorum(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    query: web::Query<QuorumQuery>,
) -> Answer {
    caller.require(EVERYONE)?;
    let id = id.into_inner();
    let majority = match query.majority.as_deref() {
        None => None,
        Some("ordinary") => Some(MajorityKind::Ordinary),
        Some("extraordinary") => Some(MajorityKind::Extraordinary),
        Some(_) => {
            return Err(AppError::bad_request(
                "majority must be ordinary or extraordinary.",
            ));
        }
    };
    let q = state
        .db
        .run(move |conn| attendance::quorum(conn, id, majority))
        .await?;
    Ok(HttpResponse::Ok().json(q))
}

pub async fn check_in(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    caller.require(&[Role::Associate])?;
    let associate = caller
        .account
        .associate_id
        .ok_or_else(AppError::forbidden)?;
    let (id, account) = (id.into_inner(), caller.account.id);
    let view = state
        .db
        .run(move |conn| attendance::check_in(conn, Some(account), id, associate))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CardsBody {
    associate_ids: Option<Vec<i64>>,
}

pub async fn voting_cards(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    body: JsonBody<CardsBody>,
) -> Answer {
    let account = caller.require(STAFF)?.id;
    let id = id.into_inner();
    let ids = body.parse_optional()?.and_then(|b| b.associate_ids);
    let base = state.base_url.clone();
    let cards = state
        .db
        .run(move |conn| voting::issue_cards(conn, Some(account), id, ids, &base))
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "cards": cards })))
}

pub async fn create_resolution(
    state: web::Data<AppState>,
    caller: ApiAccount,
    id: Id,
    body: JsonBody<ResolutionInput>,
) -> Answer {
    let account = caller.require(STAFF)?.id;
    let (id, input) = (id.into_inner(), body.parse()?);
    let view = state
        .db
        .run(move |conn| voting::create(conn, Some(account), id, &input))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

pub async fn open_resolution(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    let account = caller.require(STAFF)?.id;
    let id = id.into_inner();
    let view = state
        .db
        .run(move |conn| voting::open(conn, Some(account), id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn close_resolution(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    let account = caller.require(STAFF)?.id;
    let id = id.into_inner();
    let result = state
        .db
        .run(move |conn| voting::close(conn, Some(account), id))
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

pub async fn result(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    caller.require(EVERYONE)?;
    let id = id.into_inner();
    let result = state.db.run(move |conn| voting::result(conn, id)).await?;
    Ok(HttpResponse::Ok().json(result))
}

pub async fn receipts(state: web::Data<AppState>, caller: ApiAccount, id: Id) -> Answer {
    caller.require(EVERYONE)?;
    let id = id.into_inner();
    let body = state.db.run(move |conn| voting::receipts(conn, id)).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// Who may cast: an associate's API token, or a voting token (card or
/// convocation link) that speaks for one associate in one assembly.
pub struct BallotCaster(pub Caster);

impl FromRequest for BallotCaster {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<BallotCaster, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = crate::web::api::bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(AppError::unauthorized());
            };
            // One trip to the database for both kinds of token: this runs
            // for every ballot.
            let found = state
                .db
                .run(move |conn| voting::caster_for_bearer(conn, &token))
                .await?;
            found.map(BallotCaster).ok_or_else(AppError::unauthorized)
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallotBody {
    choice: String,
    on_behalf_of: Option<i64>,
}

/// `POST /resolutions/{id}/ballots` → 201 `{"receipt"}`.
pub async fn cast(
    state: web::Data<AppState>,
    caster: BallotCaster,
    id: Id,
    body: web::Json<BallotBody>,
) -> Answer {
    let choice = Choice::parse(&body.choice).map_err(AppError::bad_request)?;
    let (id, on_behalf_of) = (id.into_inner(), body.on_behalf_of);
    let caster = caster.0;
    let request = voting::BallotRequest {
        caster,
        resolution_id: id,
        choice,
        on_behalf_of,
    };
    let cast = state.ballots.cast(request).await?;
    if cast.principal.is_some() {
        state.outbox.wake();
    }
    Ok(HttpResponse::Created().json(json!({ "receipt": cast.receipt })))
}
