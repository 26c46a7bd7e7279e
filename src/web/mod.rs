//! HTTP: the pages (handlers + views) and the JSON API of CONTRACT.md.

pub mod api;
pub mod client_address;
pub mod handlers;
pub mod i18n;
pub mod log_redaction;
pub mod page_error;
pub mod route_table;
pub mod session;
pub mod views;

use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::web;

use crate::db::Db;
use crate::web::route_table::RouteTable;

/// What every handler can reach.
pub struct AppState {
    pub db: Db,
    pub base_url: String,
    pub secret_key: Vec<u8>,
    pub mailer: crate::mail::Mailer,
    pub templates: std::sync::Arc<crate::templates::Templates>,
    /// Sends what the use cases put in the mail outbox.
    pub outbox: crate::services::outbox::Outbox,
    pub ballots: crate::services::ballot_writer::BallotWriter,
    /// Wakes the live screens when an assembly changes.
    pub live: crate::services::live_changes::LiveChanges,
    pub trusted_proxies: client_address::TrustedProxies,
}

/// Headers every answer carries: no inline script, no framing, no sniffing,
/// and no copy kept by the browser or a proxy (`Cache-Control: no-store`):
/// pages and JSON answers carry tokens, receipts or personal data. Only an
/// answer that sets its own `Cache-Control` keeps it: the static assets
/// (`/static/{file}`, cached an hour).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cache-Control", "no-store"))
}

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let (pages, _) = page_table().into_parts();
    cfg.service(api::scope()).service(
        pages
            .wrap(from_fn(i18n::remember_choice))
            .wrap(from_fn(session::same_origin_only))
            .default_service(web::to(handlers::home::not_found)),
    );
}

/// Every route, API and pages, as (method, full pattern): the very list
/// `routes` registers (see [`route_table`]).
pub fn route_list() -> Vec<route_table::RouteEntry> {
    let mut all = api::table().into_parts().1;
    all.extend(page_table().into_parts().1);
    all
}

/// The pages.
fn page_table() -> RouteTable {
    RouteTable::new("", web::scope(""))
        .get("/", handlers::home::show)
        .get("/login", handlers::auth::form)
        .post("/login", handlers::auth::submit)
        .post("/login/link", handlers::login_links::request_login)
        .get("/login/link/{token}", handlers::login_links::confirm_login)
        .post("/login/link/{token}", handlers::login_links::use_login)
        .get("/password/forgot", handlers::login_links::forgot_form)
        .post("/password/forgot", handlers::login_links::request_reset)
        .get("/password/reset/{token}", handlers::login_links::reset_form)
        .post("/password/reset/{token}", handlers::login_links::reset)
        .post("/logout", handlers::auth::logout)
        .get("/login/second-factor", handlers::second_factor::login_form)
        .post(
            "/login/second-factor",
            handlers::second_factor::login_submit,
        )
        .get("/account/second-factor", handlers::second_factor::account)
        .post("/account/second-factor", handlers::second_factor::enrol)
        .post(
            "/account/second-factor/recovery-codes",
            handlers::second_factor::regenerate,
        )
        .post(
            "/account/second-factor/disable",
            handlers::second_factor::disable,
        )
        .post("/import/preview", handlers::import::preview)
        .get("/import", handlers::import::form)
        .add_with_data(
            actix_web::http::Method::POST,
            "/import",
            web::FormConfig::default().limit(8 * 1024 * 1024),
            handlers::import::confirm,
        )
        .get("/associates/export.csv", handlers::import::export)
        .get("/dashboard", handlers::dashboard::show)
        .get("/settings", handlers::settings::form)
        .post("/settings", handlers::settings::save)
        .get("/accounts", handlers::accounts::list)
        .post("/accounts", handlers::accounts::create)
        .post(
            "/accounts/{id:\\d+}/second-factor/reset",
            handlers::second_factor::reset,
        )
        .get("/colleges", handlers::colleges::show)
        .post("/colleges", handlers::colleges::save)
        .get("/associates", handlers::associates::list)
        .get("/associates/new", handlers::associates::new_form)
        .post("/associates/new", handlers::associates::admit)
        .get("/associates/{id:\\d+}", handlers::associate::show)
        .get(
            "/associates/{id:\\d+}/edit",
            handlers::associates::edit_form,
        )
        .post("/associates/{id:\\d+}/edit", handlers::associates::update)
        .post(
            "/associates/{id:\\d+}/shares",
            handlers::associate::record_movement,
        )
        .post(
            "/associates/{id:\\d+}/withdraw",
            handlers::associate::withdraw,
        )
        .get("/capital", handlers::capital::show)
        .get("/register", handlers::capital::register)
        .get("/assemblies", handlers::assemblies::list)
        .post("/assemblies", handlers::assemblies::create)
        .get("/assemblies/{id:\\d+}", handlers::assembly::show)
        .post("/assemblies/{id:\\d+}/bureau", handlers::assembly::bureau)
        .post(
            "/assemblies/{id:\\d+}/resolutions",
            handlers::assembly::add_resolution,
        )
        .post("/assemblies/{id:\\d+}/convene", handlers::assembly::convene)
        .post(
            "/assemblies/{id:\\d+}/outbox/{message:\\d+}/resend",
            handlers::assembly::resend_mail,
        )
        .post("/assemblies/{id:\\d+}/open", handlers::assembly::open)
        .post("/assemblies/{id:\\d+}/close", handlers::assembly::close)
        .post(
            "/assemblies/{id:\\d+}/resolutions/{rid:\\d+}/open",
            handlers::assembly::open_vote,
        )
        .post(
            "/assemblies/{id:\\d+}/resolutions/{rid:\\d+}/close",
            handlers::assembly::close_vote,
        )
        .post(
            "/assemblies/{id:\\d+}/resolutions/{rid:\\d+}/postal",
            handlers::assembly::postal_vote,
        )
        .get(
            "/assemblies/{id:\\d+}/attendance",
            handlers::attendance_desk::show,
        )
        .post(
            "/assemblies/{id:\\d+}/attendance/{associate:\\d+}",
            handlers::attendance_desk::mark,
        )
        .get("/assemblies/{id:\\d+}/cards", handlers::voting_cards::show)
        .post("/assemblies/{id:\\d+}/cards", handlers::voting_cards::issue)
        .get(
            "/assemblies/{id:\\d+}/convocations",
            handlers::convocations::show,
        )
        .get(
            "/assemblies/{id:\\d+}/check-in",
            handlers::assembly_check_in::show,
        )
        .post(
            "/assemblies/{id:\\d+}/check-in",
            handlers::assembly_check_in::open,
        )
        .get("/assemblies/{id:\\d+}/screen", handlers::live::screen)
        .get("/assemblies/{id:\\d+}/events", handlers::live::events)
        .get("/assemblies/{id:\\d+}/minutes", handlers::minutes::show)
        .post("/assemblies/{id:\\d+}/minutes", handlers::minutes::save)
        .post(
            "/assemblies/{id:\\d+}/minutes/sign",
            handlers::minutes::sign,
        )
        .post(
            "/assemblies/{id:\\d+}/minutes/corrections",
            handlers::minutes::correct,
        )
        .get(
            "/assemblies/{id:\\d+}/attendance-sheet",
            handlers::minutes::sheet,
        )
        .get("/assemblies/{id:\\d+}/archive", handlers::minutes::archive)
        .get("/vote/{token}", handlers::vote::show)
        .post("/vote/{token}", handlers::vote::cast)
        .post("/vote/{token}/check-in", handlers::vote::check_in)
        .get("/healthz", handlers::health::check)
        .get("/static/{file}", handlers::assets::serve)
}
