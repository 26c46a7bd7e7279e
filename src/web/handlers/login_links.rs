//! E-mailed one-time links: a login link, a password reset
//! (`services::login_links`). No session exists yet on these pages: their
//! forms rely on the same-origin check, like `/login`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::Markup;
use serde::Deserialize;

use crate::db::models::login_link::Purpose;
use crate::services::{login_links, second_factor};
use crate::web::AppState;
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session;
use crate::web::views::pages::login_links as view;

#[derive(Deserialize)]
pub struct EmailField {
    email: String,
}

fn html(status: actix_web::http::StatusCode, page: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.into_string())
}

/// The same answer whether or not the e-mail has an account.
async fn ask(
    state: &AppState,
    req: &HttpRequest,
    lang: Lang,
    email: &str,
    purpose: Purpose,
) -> PageResult {
    let address = session::client_address(req);
    match login_links::request(state, email, &address, purpose).await {
        Ok(()) => Ok(html(
            actix_web::http::StatusCode::OK,
            view::sent(lang, purpose == Purpose::Login),
        )),
        Err(e) if let Some(seconds) = e.retry_after() => {
            let mut res = html(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                view::too_many(lang, (seconds + 59) / 60),
            );
            if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /login/link: e-mails a login link.
pub async fn request_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    fields: web::Form<EmailField>,
) -> PageResult {
    ask(&state, &req, lang, &fields.email, Purpose::Login).await
}

/// GET /login/link/{token}: a button, never the login itself (mail
/// scanners open links).
pub async fn confirm_login(
    state: web::Data<AppState>,
    lang: Lang,
    token: web::Path<String>,
) -> PageResult {
    if login_links::is_for_staff(&state, &token).await? {
        Ok(html(
            actix_web::http::StatusCode::FORBIDDEN,
            view::staff(lang),
        ))
    } else if login_links::is_valid(&state, &token, Purpose::Login).await? {
        Ok(html(
            actix_web::http::StatusCode::OK,
            view::confirm_login(lang, &token),
        ))
    } else {
        Ok(html(actix_web::http::StatusCode::GONE, view::expired(lang)))
    }
}

/// POST /login/link/{token}: uses the link and opens a fresh session.
pub async fn use_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    token: web::Path<String>,
) -> PageResult {
    let address = session::client_address(&req);
    if login_links::is_for_staff(&state, &token).await? {
        return Ok(html(
            actix_web::http::StatusCode::FORBIDDEN,
            view::staff(lang),
        ));
    }
    match login_links::use_login_link(&state, &token, &address).await? {
        Some(account_id) => {
            let cookie = session::open(&state, account_id).await?;
            Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((header::LOCATION, "/dashboard"))
                .finish())
        }
        None => Ok(html(actix_web::http::StatusCode::GONE, view::expired(lang))),
    }
}

/// GET /password/forgot
pub async fn forgot_form(lang: Lang) -> Markup {
    view::forgot(lang)
}

/// POST /password/forgot: e-mails a reset link.
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    fields: web::Form<EmailField>,
) -> PageResult {
    ask(&state, &req, lang, &fields.email, Purpose::Reset).await
}

/// GET /password/reset/{token}: the new-password form, if the link is valid.
pub async fn reset_form(
    state: web::Data<AppState>,
    lang: Lang,
    token: web::Path<String>,
) -> PageResult {
    if login_links::is_valid(&state, &token, Purpose::Reset).await? {
        Ok(html(
            actix_web::http::StatusCode::OK,
            view::reset_form(lang, &token, None),
        ))
    } else {
        Ok(html(actix_web::http::StatusCode::GONE, view::expired(lang)))
    }
}

#[derive(Deserialize)]
pub struct ResetFields {
    password: String,
    confirm: String,
}

/// POST /password/reset/{token}: sets the password, ends every session and
/// API token of the account, and logs the user in afresh, unless the
/// account has a second factor: then back to the login page.
pub async fn reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    token: web::Path<String>,
    fields: web::Form<ResetFields>,
) -> PageResult {
    if let Err(problem) = login_links::check_new_password(&fields.password, &fields.confirm) {
        return Ok(html(
            actix_web::http::StatusCode::BAD_REQUEST,
            view::reset_form(lang, &token, Some(problem)),
        ));
    }
    let address = session::client_address(&req);
    match login_links::reset_password(&state, &token, &fields.password, &address).await? {
        // With a second factor, the e-mail alone does not log in: the
        // password, then the code.
        Some(account_id)
            if state
                .db
                .run(move |conn| second_factor::is_enrolled(conn, account_id))
                .await? =>
        {
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login?done=password_changed"))
                .finish())
        }
        Some(account_id) => {
            let cookie = session::open(&state, account_id).await?;
            Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((header::LOCATION, "/dashboard"))
                .finish())
        }
        None => Ok(html(actix_web::http::StatusCode::GONE, view::expired(lang))),
    }
}
