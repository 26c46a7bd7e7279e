//! French first, English second. Every text of a page is written once with
//! both languages side by side: `lang.tr("Bonjour", "Hello")`.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest};

pub const COOKIE: &str = "lang";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn tr(self, fr: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    /// `?lang=` wins (the switch just clicked), then the remembered cookie.
    pub fn of(req: &HttpRequest) -> Lang {
        chosen_in_query(req.query_string())
            .or_else(|| req.cookie(COOKIE).and_then(|c| Lang::parse(c.value())))
            .unwrap_or_default()
    }
}

fn chosen_in_query(query: &str) -> Option<Lang> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::parse)
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Lang, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(Lang::of(req)))
    }
}

/// Remembers the language chosen with the switch in a cookie for a year.
pub async fn remember_choice(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let chosen = chosen_in_query(req.query_string());
    let mut res = next.call(req).await?;
    if let Some(lang) = chosen {
        let cookie = Cookie::build(COOKIE, lang.code())
            .path("/")
            .max_age(Duration::days(365))
            .same_site(SameSite::Lax)
            .http_only(true)
            .finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}
