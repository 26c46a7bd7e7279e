//! Page handlers: extract, call a model or a service, render a view.

pub mod assets;
pub mod auth;
pub mod health;
pub mod home;
pub mod import;
