//! Browser sessions: a random id in an HttpOnly cookie, its digest in the
//! database (so logout and expiry end it on the server), a CSRF token per
//! session checked in constant time on every form.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::Duration;
use subtle::ConstantTimeEq;

use crate::db::models::account::{Account, Role};
use crate::db::models::session::Session;
use crate::db::now;
use crate::error::AppError;
use crate::services::{second_factor, secrets};
use crate::web::AppState;

/// Sessions end after 30 minutes without a request, and after 12 hours in
/// any case (ASVS 3.3.2).
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);

/// `__Host-` binds the cookie to this exact origin, but requires HTTPS.
pub fn cookie_name(state: &AppState) -> &'static str {
    if state.base_url.starts_with("https://") {
        "__Host-scrutin"
    } else {
        "scrutin_session"
    }
}

/// Opens a new session for the account (a fresh id at every login, against
/// fixation) and returns the cookie to set; 403 for an associate who has
/// left the cooperative (`Account::access_ended`).
pub async fn open(state: &AppState, account_id: i64) -> Result<Cookie<'static>, AppError> {
    let id = secrets::random_token();
    let session = Session {
        id_hash: secrets::digest(&id),
        account_id,
        csrf_token: secrets::random_token(),
        created_at: now(),
        last_seen_at: now(),
    };
    state
        .db
        .run(move |conn| {
            if let Some(account) = Account::by_id(conn, account_id)?
                && account.access_ended(conn)?
            {
                return Err(crate::services::associates::access_ended());
            }
            Session::delete_stale(conn, now() - IDLE_TIMEOUT)?;
            Ok(Session::insert(conn, &session)?)
        })
        .await?;
    Ok(Cookie::build(cookie_name(state), id)
        .path("/")
        .http_only(true)
        .secure(state.base_url.starts_with("https://"))
        .same_site(SameSite::Lax)
        .finish())
}

/// The cookie of a login waiting for its second factor: the password was
/// right, no session exists yet (`services::second_factor::start_pending`).
pub fn pending_cookie_name(state: &AppState) -> &'static str {
    if state.base_url.starts_with("https://") {
        "__Host-scrutin-pending"
    } else {
        "scrutin_pending"
    }
}

pub fn pending_cookie(state: &AppState, id: String) -> Cookie<'static> {
    let mut cookie = Cookie::build(pending_cookie_name(state), id)
        .path("/")
        .http_only(true)
        .secure(state.base_url.starts_with("https://"))
        .same_site(SameSite::Lax)
        .finish();
    cookie.set_max_age(CookieDuration::minutes(
        second_factor::PENDING_LIFETIME.num_minutes(),
    ));
    cookie
}

pub fn clear_pending_cookie(state: &AppState) -> Cookie<'static> {
    let mut cookie = Cookie::build(pending_cookie_name(state), "")
        .path("/")
        .finish();
    cookie.set_max_age(CookieDuration::ZERO);
    cookie
}

/// Ends the session on the server and returns a cookie that clears it.
pub async fn close(state: &AppState, user: &PageUser) -> Result<Cookie<'static>, AppError> {
    let id_hash = user.session_hash.clone();
    state
        .db
        .run(move |conn| Ok(Session::delete(conn, &id_hash).map(|_| ())?))
        .await?;
    let mut cookie = Cookie::build(cookie_name(state), "").path("/").finish();
    cookie.set_max_age(CookieDuration::ZERO);
    Ok(cookie)
}

/// The page where an account enrols its second factor.
pub const ENROLMENT_PAGE: &str = "/account/second-factor";

/// What an administrator without a second factor may reach: the enrolment
/// page, and the way out.
const ENROLMENT_PATHS: &[&str] = &[ENROLMENT_PAGE, "/logout"];

/// The logged-in browser user. Pages that take it redirect anonymous
/// visitors to the login page, and an administrator without a second
/// factor to the enrolment page (`services::second_factor::must_enrol`).
pub struct PageUser {
    pub account: Account,
    pub csrf_token: String,
    session_hash: String,
}

impl PageUser {
    pub fn role(&self) -> Role {
        self.account.role()
    }

    /// Deny by default: the page names the roles allowed.
    pub fn require(&self, roles: &[Role]) -> Result<&Account, AppError> {
        if roles.contains(&self.role()) {
            Ok(&self.account)
        } else {
            Err(AppError::forbidden())
        }
    }

    /// The form's token must be this session's, compared in constant time.
    pub fn check_csrf(&self, given: &str) -> Result<(), AppError> {
        if bool::from(given.as_bytes().ct_eq(self.csrf_token.as_bytes())) {
            Ok(())
        } else {
            Err(AppError::forbidden()
                .with_message("The form has expired: reload the page and try again."))
        }
    }
}

impl FromRequest for PageUser {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<PageUser, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let id = state
            .as_ref()
            .and_then(|s| req.cookie(cookie_name(s)))
            .map(|c| c.value().to_string());
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default();
        let path = req.path().to_string();
        Box::pin(async move {
            let to_login = || -> actix_web::Error {
                let location = format!("/login?next={}", encode_next(&next));
                actix_web::error::InternalError::from_response(
                    "login required",
                    HttpResponse::SeeOther()
                        .insert_header((header::LOCATION, location))
                        .finish(),
                )
                .into()
            };
            let (Some(state), Some(id)) = (state, id) else {
                return Err(to_login());
            };
            let id_hash = secrets::digest(&id);
            let found = state
                .db
                .run(move |conn| {
                    let now = now();
                    let found =
                        Session::find(conn, &id_hash, now - IDLE_TIMEOUT, now - ABSOLUTE_TIMEOUT)?;
                    // Touch at most once a minute: one write per page would be wasted.
                    if let Some((session, _)) = &found
                        && now - session.last_seen_at > Duration::minutes(1)
                    {
                        Session::touch(conn, &session.id_hash, now)?;
                    }
                    let must_enrol = match &found {
                        Some((_, account)) => second_factor::must_enrol(conn, account)?,
                        None => false,
                    };
                    Ok(found.map(|f| (f, must_enrol)))
                })
                .await
                .map_err(actix_web::Error::from)?;
            match found {
                Some((_, true)) if !ENROLMENT_PATHS.contains(&path.as_str()) => {
                    let location = format!("{ENROLMENT_PAGE}?next={}", encode_next(&next));
                    Err(actix_web::error::InternalError::from_response(
                        "second factor required",
                        HttpResponse::SeeOther()
                            .insert_header((header::LOCATION, location))
                            .finish(),
                    )
                    .into())
                }
                Some(((session, account), _)) => Ok(PageUser {
                    account,
                    csrf_token: session.csrf_token,
                    session_hash: session.id_hash,
                }),
                None => Err(to_login()),
            }
        })
    }
}

/// The client's address, for the login limits and the audit log: the TCP
/// peer's IP, or, when the peer is a proxy of `SCRUTIN_TRUSTED_PROXIES`,
/// the client it names in `X-Forwarded-For` (`web::client_address`).
/// Nobody else's `X-Forwarded-For` is believed: anyone can send one.
pub fn client_address(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return peer.to_string();
    };
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    state.trusted_proxies.client(peer, forwarded).to_string()
}

/// Where a login goes when `next` is missing or not a local path.
pub const DEFAULT_NEXT: &str = "/dashboard";

/// The one decision on `next` (where a login goes afterwards): a local
/// path only, so it can never send the user to another site.
///
/// - missing or empty: [`DEFAULT_NEXT`];
/// - a line break (`\r`, `\n`, also written `%0D`/`%0A`): refused, 400 — it
///   could only be an attempt to split the `Location` header;
/// - a local path — `/` then anything but `/` or `\`, no `\` anywhere, only
///   printable ASCII (no tab, space or control character: browsers drop
///   tabs, so `/\t/evil.example` is `//evil.example` to them), and not the
///   start of a network path once `%XX`-decoded either (`/%2F/evil`,
///   `/%09/evil`, `/%5Cevil`, for a proxy that decodes again): kept as it is;
/// - anything else (`//evil`, `/\evil`, `https:…`, `evil.example`):
///   [`DEFAULT_NEXT`].
pub fn next_target(next: Option<&str>) -> Result<&str, AppError> {
    let Some(next) = next.filter(|n| !n.is_empty()) else {
        return Ok(DEFAULT_NEXT);
    };
    let decoded = crate::web::log_redaction::percent_decoded(next);
    if [next, decoded.as_ref()]
        .iter()
        .any(|text| text.contains(['\r', '\n']))
    {
        return Err(AppError::bad_request(
            "The address to go to after logging in (next) must not contain a line break.",
        ));
    }
    if is_local_path(next) && still_local_once_decoded(&decoded) {
        Ok(next)
    } else {
        Ok(DEFAULT_NEXT)
    }
}

/// `/` then anything but `/` or `\`, no `\`, printable ASCII only.
fn is_local_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && bytes
            .iter()
            .all(|&b| (0x21..=0x7e).contains(&b) && b != b'\\')
}

/// The decoded form, tabs dropped as browsers do, must not start a
/// network path either (`/%2F/evil`, `/%09/evil`, `/%5Cevil`); other
/// decoded characters (an accent, a space in a search) are fine.
fn still_local_once_decoded(decoded: &str) -> bool {
    let kept: String = decoded.chars().filter(|c| *c != '\t').collect();
    let bytes = kept.as_bytes();
    bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !kept.contains('\\')
}

/// [`next_target`], with [`DEFAULT_NEXT`] for a refused one.
pub fn safe_next(next: &str) -> &str {
    next_target(Some(next)).unwrap_or(DEFAULT_NEXT)
}

pub fn encode_next(next: &str) -> String {
    next.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Refuses a state-changing request that comes from another site: a
/// `Sec-Fetch-Site: cross-site` header, or an `Origin` that is not this host.
pub async fn same_origin_only(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(req.request()) {
        let res = HttpResponse::Forbidden()
            .content_type("text/plain; charset=utf-8")
            .body("Requête refusée : elle vient d'un autre site. / Refused: this request comes from another site.");
        return Ok(req.into_response(res));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn is_cross_site(req: &HttpRequest) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return true;
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => false,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
            origin == "null" || !origin_host.eq_ignore_ascii_case(host)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_keeps_local_paths_only() {
        for local in [
            "/dashboard",
            "/assemblies/3?done=convened",
            "/associates?q=%C3%A9lodie&status=active",
            "/associates?q=Jean%20Martin",
            "/https://evil.example",
        ] {
            assert_eq!(next_target(Some(local)).ok(), Some(local), "{local}");
        }
        for elsewhere in [
            "//evil.example/x",
            "/\\evil.example/x",
            "\\\\evil.example",
            "/\t/evil.example/x",
            "/%09/evil.example/x",
            "\t//evil.example",
            "/%2F/evil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%5C%5Cevil.example",
            "https://evil.example",
            "https:evil.example",
            "javascript:alert(1)",
            "evil.example",
            " /dashboard",
            "/a b",
            "/é",
        ] {
            assert_eq!(
                next_target(Some(elsewhere)).ok(),
                Some(DEFAULT_NEXT),
                "{elsewhere:?}"
            );
        }
        assert_eq!(next_target(None).ok(), Some(DEFAULT_NEXT));
        assert_eq!(next_target(Some("")).ok(), Some(DEFAULT_NEXT));
    }

    #[test]
    fn next_with_a_line_break_is_refused() {
        for broken in [
            "/dashboard\r\nSet-Cookie: x=y",
            "/x\n",
            "/x%0D%0ALocation:%20//evil",
            "/x%0a",
        ] {
            let refused = next_target(Some(broken)).err().map(|e| e.status.as_u16());
            assert_eq!(refused, Some(400), "{broken:?}");
            assert_eq!(safe_next(broken), DEFAULT_NEXT);
        }
    }
}
