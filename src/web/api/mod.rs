//! The JSON API of CONTRACT.md, under `/api/v1`. Every error, including a
//! malformed body or an unknown route, answers `{"error": {"code", "message"}}`.

pub mod assemblies;
pub mod associates;
pub mod auth;
pub mod cooperative;
pub mod documents;
pub mod minutes;
pub mod outbox;
pub mod own_ballots;
pub mod postal;
pub mod shares;

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::db::models::account::{Account, Role};
use crate::error::AppError;
use crate::web::AppState;
use crate::web::route_table::RouteTable;

/// Largest JSON body accepted (a full set of colleges or an associate is far smaller).
pub const JSON_LIMIT: usize = 256 * 1024;

pub fn scope() -> actix_web::Scope {
    let (scope, _) = table().into_parts();
    scope.default_service(web::to(unknown_route))
}

/// The API routes, registered and listed by the same code (see
/// [`crate::web::route_table`]).
pub fn table() -> RouteTable {
    let scope = web::scope("/api/v1")
        .app_data(
            web::JsonConfig::default()
                .limit(JSON_LIMIT)
                .error_handler(json_error),
        )
        .app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PayloadConfig::new(JSON_LIMIT));
    RouteTable::new("/api/v1", scope)
        .post("/auth/login", auth::login)
        .post("/auth/logout", auth::logout)
        .get("/me", auth::me)
        .get("/me/ballots", own_ballots::list)
        .get("/cooperative", cooperative::show)
        .put("/cooperative", cooperative::update)
        .get("/colleges", cooperative::colleges)
        .put("/colleges", cooperative::replace_colleges)
        .post("/associates", associates::admit)
        .get("/associates", associates::list)
        .get("/associates/{id}", associates::show)
        .patch("/associates/{id}", associates::update)
        .post("/associates/{id}/withdraw", associates::withdraw)
        .post("/associates/{id}/shares", shares::record)
        .get("/associates/{id}/shares", shares::statement)
        .get("/capital", shares::capital)
        .get("/associates/{id}/certificate", documents::certificate)
        .get("/register", documents::register)
        .post("/assemblies", assemblies::create)
        .get("/assemblies", assemblies::list)
        .get("/assemblies/{id}", assemblies::show)
        .put("/assemblies/{id}/bureau", assemblies::bureau)
        .post("/assemblies/{id}/convene", assemblies::convene)
        .post("/assemblies/{id}/open", assemblies::open)
        .post("/assemblies/{id}/close", assemblies::close)
        .get("/assemblies/{id}/attendance", assemblies::attendance_list)
        .put(
            "/assemblies/{id}/attendance/{associate_id}",
            assemblies::set_attendance,
        )
        .get("/assemblies/{id}/quorum", assemblies::quorum)
        .post("/assemblies/{id}/check-in", assemblies::check_in)
        .post("/assemblies/{id}/voting-cards", assemblies::voting_cards)
        .post(
            "/assemblies/{id}/resolutions",
            assemblies::create_resolution,
        )
        .post("/resolutions/{id}/open", assemblies::open_resolution)
        .post("/resolutions/{id}/close", assemblies::close_resolution)
        .post("/resolutions/{id}/ballots", assemblies::cast)
        .post("/resolutions/{id}/postal-ballots", postal::record)
        .get("/resolutions/{id}/postal-ballots", postal::pending)
        .get("/resolutions/{id}/result", assemblies::result)
        .get("/resolutions/{id}/receipts", assemblies::receipts)
        .get("/assemblies/{id}/minutes", minutes::show)
        .put("/assemblies/{id}/minutes", minutes::edit)
        .get("/assemblies/{id}/minutes/state", minutes::state)
        .post("/assemblies/{id}/minutes/sign", minutes::sign)
        .post("/assemblies/{id}/minutes/corrections", minutes::correct)
        .get(
            "/assemblies/{id}/attendance-sheet",
            minutes::attendance_sheet,
        )
        .get("/resolutions/{id}/result.csv", minutes::result_csv)
        .get("/assemblies/{id}/archive", minutes::assembly_archive)
        .get("/assemblies/{id}/outbox", outbox::list)
        .post("/outbox/{id}/resend", outbox::resend)
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

/// A JSON body read but not yet parsed. actix runs a handler's extractors
/// together, so with `web::Json` a malformed body could answer 400 before
/// the caller's role is checked; a handler that takes `JsonBody` checks the
/// role first and parses after, so a forbidden caller gets 403 whatever the
/// body. Same errors as `web::Json` (400, 413, 415, in the JSON shape).
pub struct JsonBody<T> {
    bytes: web::Bytes,
    is_json: bool,
    _of: PhantomData<T>,
}

impl<T: DeserializeOwned> JsonBody<T> {
    pub fn parse(self) -> Result<T, AppError> {
        if !self.is_json {
            return Err(AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with `Content-Type: application/json`.",
            ));
        }
        serde_json::from_slice(&self.bytes)
            .map_err(|e| AppError::bad_request(format!("Invalid JSON body: {e}.")))
    }

    /// `None` for an empty body, else as [`JsonBody::parse`].
    pub fn parse_optional(self) -> Result<Option<T>, AppError> {
        if self.bytes.iter().all(u8::is_ascii_whitespace) {
            Ok(None)
        } else {
            self.parse().map(Some)
        }
    }
}

impl<T: 'static> FromRequest for JsonBody<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<JsonBody<T>, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let is_json = matches!(req.mime_type(), Ok(Some(m))
            if m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("The body is larger than {JSON_LIMIT} bytes."),
                    )
                } else {
                    AppError::bad_request(format!("Unreadable body: {e}."))
                }
            })?;
            Ok(JsonBody {
                bytes,
                is_json,
                _of: PhantomData,
            })
        })
    }
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

/// The token of `Authorization: Bearer TOKEN`, if it is well-formed: every
/// token scrutin issues is 64 hex digits, so anything else cannot match and
/// costs no database query.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .trim();
    (token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| token.to_string())
}

impl FromRequest for ApiAccount {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<ApiAccount, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(AppError::unauthorized());
            };
            match crate::services::accounts::authenticate(&state.db, &token).await? {
                Some(account) => Ok(ApiAccount { account, token }),
                None => Err(AppError::unauthorized()),
            }
        })
    }
}
