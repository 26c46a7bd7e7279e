//! HTTP: the pages (handlers + views) and the JSON API of CONTRACT.md.

pub mod api;
pub mod handlers;
pub mod i18n;
pub mod page_error;
pub mod session;
pub mod views;

use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::web;

use crate::db::Db;

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub base_url: String,
    pub secret_key: Vec<u8>,
    pub mailer: crate::mail::Mailer,
    pub templates: crate::templates::Templates,
}

/// Headers every answer carries: no inline script, no framing, no sniffing.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
}

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(api::scope()).service(
        web::scope("")
            .wrap(from_fn(i18n::remember_choice))
            .wrap(from_fn(session::same_origin_only))
            .route("/", web::get().to(handlers::home::show))
            .route("/login", web::get().to(handlers::auth::form))
            .route("/login", web::post().to(handlers::auth::submit))
            .route("/logout", web::post().to(handlers::auth::logout))
            .route("/import/preview", web::post().to(handlers::import::preview))
            .service(
                web::resource("/import")
                    .app_data(web::FormConfig::default().limit(8 * 1024 * 1024))
                    .route(web::get().to(handlers::import::form))
                    .route(web::post().to(handlers::import::confirm)),
            )
            .route(
                "/associates/export.csv",
                web::get().to(handlers::import::export),
            )
            .route("/dashboard", web::get().to(handlers::dashboard::show))
            .route("/settings", web::get().to(handlers::settings::form))
            .route("/settings", web::post().to(handlers::settings::save))
            .route("/colleges", web::get().to(handlers::colleges::show))
            .route("/colleges", web::post().to(handlers::colleges::save))
            .route("/associates", web::get().to(handlers::associates::list))
            .route(
                "/associates/new",
                web::get().to(handlers::associates::new_form),
            )
            .route(
                "/associates/new",
                web::post().to(handlers::associates::admit),
            )
            .route(
                "/associates/{id:\\d+}",
                web::get().to(handlers::associate::show),
            )
            .route(
                "/associates/{id:\\d+}/edit",
                web::get().to(handlers::associates::edit_form),
            )
            .route(
                "/associates/{id:\\d+}/edit",
                web::post().to(handlers::associates::update),
            )
            .route(
                "/associates/{id:\\d+}/shares",
                web::post().to(handlers::associate::record_movement),
            )
            .route(
                "/associates/{id:\\d+}/withdraw",
                web::post().to(handlers::associate::withdraw),
            )
            .route("/capital", web::get().to(handlers::capital::show))
            .route("/register", web::get().to(handlers::capital::register))
            .route("/assemblies", web::get().to(handlers::assemblies::list))
            .route("/assemblies", web::post().to(handlers::assemblies::create))
            .route(
                "/assemblies/{id:\\d+}",
                web::get().to(handlers::assembly::show),
            )
            .route(
                "/assemblies/{id:\\d+}/bureau",
                web::post().to(handlers::assembly::bureau),
            )
            .route(
                "/assemblies/{id:\\d+}/resolutions",
                web::post().to(handlers::assembly::add_resolution),
            )
            .route(
                "/assemblies/{id:\\d+}/convene",
                web::post().to(handlers::assembly::convene),
            )
            .route(
                "/assemblies/{id:\\d+}/open",
                web::post().to(handlers::assembly::open),
            )
            .route(
                "/assemblies/{id:\\d+}/close",
                web::post().to(handlers::assembly::close),
            )
            .route(
                "/assemblies/{id:\\d+}/resolutions/{rid:\\d+}/open",
                web::post().to(handlers::assembly::open_vote),
            )
            .route(
                "/assemblies/{id:\\d+}/resolutions/{rid:\\d+}/close",
                web::post().to(handlers::assembly::close_vote),
            )
            .route(
                "/assemblies/{id:\\d+}/attendance",
                web::get().to(handlers::attendance_desk::show),
            )
            .route(
                "/assemblies/{id:\\d+}/attendance/{associate:\\d+}",
                web::post().to(handlers::attendance_desk::mark),
            )
            .route(
                "/assemblies/{id:\\d+}/cards",
                web::get().to(handlers::voting_cards::show),
            )
            .route(
                "/assemblies/{id:\\d+}/cards",
                web::post().to(handlers::voting_cards::issue),
            )
            .route(
                "/assemblies/{id:\\d+}/screen",
                web::get().to(handlers::live::screen),
            )
            .route(
                "/assemblies/{id:\\d+}/events",
                web::get().to(handlers::live::events),
            )
            .route("/vote/{token}", web::get().to(handlers::vote::show))
            .route("/vote/{token}", web::post().to(handlers::vote::cast))
            .route("/healthz", web::get().to(handlers::health::check))
            .route("/static/{file}", web::get().to(handlers::assets::serve))
            .default_service(web::to(handlers::home::not_found)),
    );
}
