//! One integration binary: the real server on port 0, a fresh database per
//! test, on SQLite always and on PostgreSQL when SCRUTIN_TEST_POSTGRES_URL is set.

#[macro_use]
mod helpers;

mod assembly_pages;
mod auth;
mod browser;
mod check_in;
mod cli;
mod cooperative;
mod crash;
mod demo;
mod hostile_input;
mod import;
mod login_limit;
mod login_links;
mod mail;
mod minutes;
mod minutes_pages;
mod pages;
mod pg_fault;
mod qr_codes;
mod register;
mod register_documents;
mod register_pages;
mod schema;
mod security_routes;
mod two_processes;
mod voting;
