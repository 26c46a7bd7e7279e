//! One integration binary: the real server on port 0, a fresh database per
//! test, on SQLite always and on PostgreSQL when SCRUTIN_TEST_POSTGRES_URL is set.

#[macro_use]
mod helpers;

mod accessibility;
mod assembly_pages;
mod auth;
mod browser;
mod browser_journey;
mod check_in;
mod cli;
mod convocations_print;
mod cooperative;
mod crash;
mod demo;
mod hostile_input;
mod import;
mod left_associates;
mod login_limit;
mod login_links;
mod mail;
mod minutes;
mod minutes_pages;
mod moving;
mod no_secret_in_logs;
mod outbox;
mod own_ballots;
mod pages;
mod pg_fault;
mod postal;
mod qr_codes;
mod register;
mod register_documents;
mod register_pages;
mod schema;
mod second_factor;
mod secret_ballot;
mod security_routes;
mod trusted_proxies;
mod two_processes;
mod voting;
mod web_findings;
mod writer_supervision;
