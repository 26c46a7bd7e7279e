//! Errors on pages: the same kinds as the API, shown as a small HTML page
//! (both languages, since the error may come before the language is known).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use maud::html;

use crate::error::AppError;
use crate::web::i18n::Lang;
use crate::web::views::layout;

#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> PageError {
        PageError(e)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.0.status
    }

    fn error_response(&self) -> HttpResponse {
        // Logs an unexpected failure once, through the API error's own path.
        let _ = self.0.error_response();
        let (fr, en) = match self.0.status.as_u16() {
            403 => ("Accès refusé", "Access denied"),
            404 => ("Page introuvable", "Page not found"),
            409 => (
                "Action impossible dans l'état actuel",
                "Not possible in the current state",
            ),
            500..=599 => ("Erreur du serveur", "Server error"),
            _ => ("Demande refusée", "Request refused"),
        };
        let body = layout::page(
            Lang::Fr,
            fr,
            html! {
                h1 { (fr) " / " span lang="en" { (en) } }
                p { (self.0.message) }
                p { a href="/dashboard" { "Tableau de bord" } " · " a href="/" { "Accueil" } }
            },
        );
        let mut res = HttpResponse::build(self.0.status);
        if let Some(seconds) = self.0.retry_after() {
            res.insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()));
        }
        res.content_type("text/html; charset=utf-8")
            .body(body.into_string())
    }
}

pub type PageResult = Result<HttpResponse, PageError>;
