//! The second factor's pages (`services::second_factor`): the code after the
//! password, and the account's page to enrol, regenerate the recovery codes
//! or turn the factor off; an administrator's reset of another account's.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::db::models::account::Role;
use crate::error::AppError;
use crate::services::second_factor::{self, Proof};
use crate::web::AppState;
use crate::web::handlers::forms::{self, page, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::{self, ENROLMENT_PAGE, PageUser, safe_next};
use crate::web::views::pages::second_factor::{self as view, CodeError, State};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// GET /login/second-factor: the code's form.
pub async fn login_form(lang: Lang, query: web::Query<NextQuery>) -> HttpResponse {
    let next = safe_next(query.next.as_deref().unwrap_or("/dashboard"));
    page(StatusCode::OK, view::login_step(lang, next, None))
}

#[derive(Deserialize)]
pub struct LoginCode {
    code: String,
    next: Option<String>,
}

/// POST /login/second-factor: a right code turns the pending login into a
/// session (a fresh one); a wrong one counts in the login limits.
pub async fn login_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    fields: web::Form<LoginCode>,
) -> PageResult {
    let next = safe_next(fields.next.as_deref().unwrap_or("/dashboard")).to_string();
    let Some(id) = req
        .cookie(session::pending_cookie_name(&state))
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Ok(see_other("/login?done=second_factor_expired"));
    };
    let address = session::client_address(&req);
    let proof = Proof::from_field(&fields.code);
    let outcome = state
        .db
        .run(move |conn| second_factor::complete_pending(conn, &id, &proof, &address))
        .await;
    match outcome {
        Ok(Some(account)) => {
            let cookie = session::open(&state, account.id).await?;
            Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .cookie(session::clear_pending_cookie(&state))
                .insert_header((header::LOCATION, next))
                .finish())
        }
        Ok(None) => Ok(HttpResponse::SeeOther()
            .cookie(session::clear_pending_cookie(&state))
            .insert_header((header::LOCATION, "/login?done=second_factor_expired"))
            .finish()),
        Err(e) if e.status == StatusCode::UNAUTHORIZED => Ok(page(
            StatusCode::UNAUTHORIZED,
            view::login_step(lang, &next, Some(CodeError::Wrong)),
        )),
        Err(e) if let Some(seconds) = e.retry_after() => {
            let mut res = page(
                StatusCode::TOO_MANY_REQUESTS,
                view::login_step(lang, &next, Some(CodeError::Wait((seconds + 59) / 60))),
            );
            if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct AccountQuery {
    next: Option<String>,
    done: Option<String>,
}

/// What the account page shows now; `secret` keeps the one being enrolled
/// after a wrong code, so the app scanned stays right.
async fn current_state(
    state: &AppState,
    user: &PageUser,
) -> Result<Option<second_factor::Status>, AppError> {
    let id = user.account.id;
    state
        .db
        .run(move |conn| second_factor::status(conn, id))
        .await
}

fn render(
    lang: Lang,
    user: &PageUser,
    next: &str,
    status: Option<second_factor::Status>,
    secret: Option<&str>,
    error: Option<&str>,
    done: Option<&str>,
) -> maud::Markup {
    if user.account.password_hash.is_none() {
        return view::account(lang, user, next, State::NoPassword, done);
    }
    match status {
        Some(s) => view::account(
            lang,
            user,
            next,
            State::Enrolled {
                since: s.enrolled_at,
                recovery_left: s.recovery_left,
                error,
            },
            done,
        ),
        None => {
            let secret = secret.map_or_else(second_factor::new_secret, str::to_string);
            let uri = second_factor::otpauth_uri(&secret, &user.account.email);
            view::account(
                lang,
                user,
                next,
                State::Enrol {
                    secret: &secret,
                    uri: &uri,
                    required: user.role() == Role::Admin,
                    error,
                },
                done,
            )
        }
    }
}

/// GET /account/second-factor
pub async fn account(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    query: web::Query<AccountQuery>,
) -> PageResult {
    let next = safe_next(query.next.as_deref().unwrap_or("/dashboard"));
    let status = current_state(&state, &user).await?;
    let body = render(lang, &user, next, status, None, None, query.done.as_deref());
    Ok(page(StatusCode::OK, body))
}

#[derive(Deserialize)]
pub struct Enrolment {
    csrf: String,
    secret: String,
    code: String,
    next: Option<String>,
}

/// POST /account/second-factor: enrols once the code proves the app has
/// the secret; shows the recovery codes, once.
pub async fn enrol(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    form: web::Form<Enrolment>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref().unwrap_or("/dashboard")).to_string();
    let account = user.account.clone();
    let (secret, code) = (form.secret.clone(), form.code);
    let outcome = state
        .db
        .run(move |conn| second_factor::enrol(conn, &account, &secret, &code))
        .await;
    match outcome {
        Ok(codes) => Ok(page(
            StatusCode::OK,
            view::recovery_codes(lang, &user, &codes, &next),
        )),
        Err(e) if forms::is_refusal(&e) => {
            let problems = forms::problems(&e);
            let status = current_state(&state, &user).await?;
            let secret = second_factor::valid_secret(&form.secret).then_some(form.secret.as_str());
            let body = render(
                lang,
                &user,
                &next,
                status,
                secret,
                Some(problems.0.first().map_or("", |p| p.text(lang))),
                None,
            );
            Ok(page(e.status, body))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

/// A change of the account page that needs a current code.
async fn with_code<T: Send + 'static>(
    state: &AppState,
    user: &PageUser,
    req: &HttpRequest,
    code: String,
    change: fn(
        &mut crate::db::DbConn,
        &crate::db::models::account::Account,
        &str,
        &str,
    ) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let account = user.account.clone();
    let address = session::client_address(req);
    state
        .db
        .run(move |conn| change(conn, &account, &code, &address))
        .await
}

async fn refused(state: &AppState, user: &PageUser, lang: Lang, error: AppError) -> PageResult {
    if !forms::is_refusal(&error) {
        return Err(error.into());
    }
    let problems = forms::problems(&error);
    let status = current_state(state, user).await?;
    let body = render(
        lang,
        user,
        "/dashboard",
        status,
        None,
        Some(problems.0.first().map_or("", |p| p.text(lang))),
        None,
    );
    Ok(page(error.status, body))
}

/// POST /account/second-factor/recovery-codes: ten new codes, shown once.
pub async fn regenerate(
    state: web::Data<AppState>,
    user: PageUser,
    req: HttpRequest,
    lang: Lang,
    form: web::Form<CodeForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let code = form.into_inner().code;
    match with_code(&state, &user, &req, code, second_factor::regenerate).await {
        Ok(codes) => Ok(page(
            StatusCode::OK,
            view::recovery_codes(lang, &user, &codes, ENROLMENT_PAGE),
        )),
        Err(e) => refused(&state, &user, lang, e).await,
    }
}

/// POST /account/second-factor/disable: not for administrators.
pub async fn disable(
    state: web::Data<AppState>,
    user: PageUser,
    req: HttpRequest,
    lang: Lang,
    form: web::Form<CodeForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let code = form.into_inner().code;
    match with_code(&state, &user, &req, code, second_factor::disable).await {
        Ok(()) => Ok(see_other(
            "/account/second-factor?done=second_factor_disabled",
        )),
        Err(e) => refused(&state, &user, lang, e).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// POST /accounts/{id}/second-factor/reset: an administrator removes the
/// second factor of another staff account (audited).
pub async fn reset(
    state: web::Data<AppState>,
    user: PageUser,
    path: web::Path<i64>,
    form: web::Form<CsrfOnly>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let acting = user.require(&[Role::Admin])?.clone();
    let target = path.into_inner();
    state
        .db
        .run(move |conn| second_factor::reset(conn, &acting, target))
        .await?;
    Ok(see_other("/accounts?done=second_factor_reset"))
}
