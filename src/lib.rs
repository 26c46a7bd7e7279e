//! scrutin: the governance of a SCIC — register, colleges, assemblies,
//! exact votes and minutes. Arrows point one way:
//! web → services → (domain, db); db → domain types; domain depends on nothing of ours.

pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod export;
pub mod mail;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod templates;
pub mod web;
