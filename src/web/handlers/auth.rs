use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::services::accounts::{self, Verified};
use crate::services::second_factor;
use crate::web::AppState;
use crate::web::handlers::forms::page;
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::{self, ENROLMENT_PAGE, PageUser, next_target};
use crate::web::views::pages::login::{self, LoginForm};

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
}

pub async fn form(lang: Lang, query: web::Query<LoginQuery>) -> PageResult {
    let next = next_target(query.next.as_deref())?;
    Ok(page(
        StatusCode::OK,
        login::view(
            lang,
            &LoginForm {
                email: "",
                next,
                failed: false,
                done: query.done.as_deref(),
                wait_minutes: None,
            },
        ),
    ))
}

#[derive(Deserialize)]
pub struct LoginFields {
    email: String,
    password: String,
    next: Option<String>,
}

/// A successful login opens a fresh session (never reuses one) and goes
/// where the user was heading.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    lang: Lang,
    fields: web::Form<LoginFields>,
) -> PageResult {
    let next = next_target(fields.next.as_deref())?.to_string();
    let address = session::client_address(&req);
    match accounts::verify_login(&state.db, &fields.email, &fields.password, &address, None).await {
        Ok(Verified::LoggedIn {
            account,
            must_enrol,
        }) => {
            let cookie = session::open(&state, account.id).await?;
            let location = if must_enrol {
                format!("{ENROLMENT_PAGE}?next={}", session::encode_next(&next))
            } else {
                next
            };
            Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((header::LOCATION, location))
                .finish())
        }
        // The password is right; the code comes next, on its own page.
        Ok(Verified::SecondFactorNeeded(account)) => {
            let id = state
                .db
                .run(move |conn| second_factor::start_pending(conn, account.id))
                .await?;
            Ok(HttpResponse::SeeOther()
                .cookie(session::pending_cookie(&state, id))
                .insert_header((
                    header::LOCATION,
                    format!("/login/second-factor?next={}", session::encode_next(&next)),
                ))
                .finish())
        }
        Err(e) if e.status.as_u16() == 401 => {
            let page = login::view(
                lang,
                &LoginForm {
                    email: &fields.email,
                    next: &next,
                    failed: true,
                    done: None,
                    wait_minutes: None,
                },
            );
            Ok(HttpResponse::Unauthorized()
                .content_type("text/html; charset=utf-8")
                .body(page.into_string()))
        }
        Err(e) if let Some(seconds) = e.retry_after() => {
            let page = login::view(
                lang,
                &LoginForm {
                    email: &fields.email,
                    next: &next,
                    failed: true,
                    done: None,
                    wait_minutes: Some((seconds + 59) / 60),
                },
            );
            Ok(HttpResponse::TooManyRequests()
                .insert_header((header::RETRY_AFTER, seconds.to_string()))
                .content_type("text/html; charset=utf-8")
                .body(page.into_string()))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn logout(
    state: web::Data<AppState>,
    user: PageUser,
    fields: web::Form<CsrfOnly>,
) -> PageResult {
    user.check_csrf(&fields.csrf)?;
    let cookie = session::close(&state, &user).await?;
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, "/login?done=logged_out"))
        .finish())
}
