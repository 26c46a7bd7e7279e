pub mod home;
pub mod import;
pub mod login;
pub mod not_found;
