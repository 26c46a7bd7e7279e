use actix_web::{HttpResponse, web};
use maud::Markup;

use crate::db::models::account::Account;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::i18n::Lang;
use crate::web::views::pages;

pub async fn show(state: web::Data<AppState>, lang: Lang) -> Result<Markup, AppError> {
    let admins = state
        .db
        .run(|conn| Ok(Account::count_admins(conn)?))
        .await?;
    Ok(pages::home::view(
        lang,
        &pages::home::Home {
            has_admin: admins > 0,
        },
    ))
}

pub async fn not_found(lang: Lang) -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/html; charset=utf-8")
        .body(pages::not_found::view(lang).into_string())
}
