//! Page handlers: extract, call a model or a service, render a view.

pub mod accounts;
pub mod assemblies;
pub mod assembly;
pub mod assembly_check_in;
pub mod assets;
pub mod associate;
pub mod associates;
pub mod attendance_desk;
pub mod auth;
pub mod capital;
pub mod colleges;
pub mod convocations;
pub mod dashboard;
pub mod forms;
pub mod health;
pub mod home;
pub mod import;
pub mod live;
pub mod login_links;
pub mod minutes;
pub mod second_factor;
pub mod settings;
pub mod vote;
pub mod voting_cards;
