//! The JSON API of CONTRACT.md, under `/api/v1`. Every error, including a
//! malformed body or an unknown route, answers `{"error": {"code", "message"}}`.

pub mod assemblies;
pub mod associates;
pub mod auth;
pub mod cooperative;
pub mod shares;

use std::future::Future;
use std::pin::Pin;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, web};

use crate::db::models::account::{Account, Role};
use crate::error::AppError;
use crate::web::AppState;

/// Largest JSON body accepted (a full set of colleges or an associate is far smaller).
pub const JSON_LIMIT: usize = 256 * 1024;

pub fn scope() -> actix_web::Scope {
    web::scope("/api/v1")
        .app_data(
            web::JsonConfig::default()
                .limit(JSON_LIMIT)
                .error_handler(json_error),
        )
        .app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .route("/auth/login", web::post().to(auth::login))
        .route("/auth/logout", web::post().to(auth::logout))
        .route("/me", web::get().to(auth::me))
        .route("/cooperative", web::get().to(cooperative::show))
        .route("/cooperative", web::put().to(cooperative::update))
        .route("/colleges", web::get().to(cooperative::colleges))
        .route("/colleges", web::put().to(cooperative::replace_colleges))
        .route("/associates", web::post().to(associates::admit))
        .route("/associates", web::get().to(associates::list))
        .route("/associates/{id}", web::get().to(associates::show))
        .route("/associates/{id}", web::patch().to(associates::update))
        .route(
            "/associates/{id}/withdraw",
            web::post().to(associates::withdraw),
        )
        .route("/associates/{id}/shares", web::post().to(shares::record))
        .route("/associates/{id}/shares", web::get().to(shares::statement))
        .route("/capital", web::get().to(shares::capital))
        .route("/assemblies", web::post().to(assemblies::create))
        .route("/assemblies", web::get().to(assemblies::list))
        .route("/assemblies/{id}", web::get().to(assemblies::show))
        .route("/assemblies/{id}/bureau", web::put().to(assemblies::bureau))
        .route(
            "/assemblies/{id}/convene",
            web::post().to(assemblies::convene),
        )
        .route("/assemblies/{id}/open", web::post().to(assemblies::open))
        .route("/assemblies/{id}/close", web::post().to(assemblies::close))
        .route(
            "/assemblies/{id}/attendance",
            web::get().to(assemblies::attendance_list),
        )
        .route(
            "/assemblies/{id}/attendance/{associate_id}",
            web::put().to(assemblies::set_attendance),
        )
        .route("/assemblies/{id}/quorum", web::get().to(assemblies::quorum))
        .route(
            "/assemblies/{id}/check-in",
            web::post().to(assemblies::check_in),
        )
        .route(
            "/assemblies/{id}/voting-cards",
            web::post().to(assemblies::voting_cards),
        )
        .route(
            "/assemblies/{id}/resolutions",
            web::post().to(assemblies::create_resolution),
        )
        .route(
            "/resolutions/{id}/open",
            web::post().to(assemblies::open_resolution),
        )
        .route(
            "/resolutions/{id}/close",
            web::post().to(assemblies::close_resolution),
        )
        .route(
            "/resolutions/{id}/ballots",
            web::post().to(assemblies::cast),
        )
        .route(
            "/resolutions/{id}/result",
            web::get().to(assemblies::result),
        )
        .route(
            "/resolutions/{id}/receipts",
            web::get().to(assemblies::receipts),
        )
        .default_service(web::to(unknown_route))
}

async fn unknown_route() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::not_found("API route"))
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let e = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("The body is larger than {JSON_LIMIT} bytes."),
            )
        }
        JsonPayloadError::ContentType => AppError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as JSON with `Content-Type: application/json`.",
        ),
        JsonPayloadError::Deserialize(e) => {
            AppError::bad_request(format!("Invalid JSON body: {e}."))
        }
        other => AppError::bad_request(format!("Unreadable body: {other}.")),
    };
    e.into()
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError::not_found(&format!("object ({err})")).into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError::bad_request(format!("Invalid query string: {err}.")).into()
}

/// The account behind `Authorization: Bearer TOKEN`; 401 without a valid one.
/// The API never accepts the browser's session cookie.
pub struct ApiAccount {
    pub account: Account,
    pub token: String,
}

impl ApiAccount {
    /// Deny by default: the caller names the roles allowed.
    pub fn require(&self, roles: &[Role]) -> Result<&Account, AppError> {
        if roles.contains(&self.account.role()) {
            Ok(&self.account)
        } else {
            Err(AppError::forbidden())
        }
    }
}

impl FromRequest for ApiAccount {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<ApiAccount, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(AppError::unauthorized());
            };
            // A token is 64 hex digits; anything else cannot match.
            if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(AppError::unauthorized());
            }
            match crate::services::accounts::authenticate(&state.db, &token).await? {
                Some(account) => Ok(ApiAccount { account, token }),
                None => Err(AppError::unauthorized()),
            }
        })
    }
}
