//! Use cases: each one validates, then does its writes in one transaction.

pub mod accounts;
pub mod associates;
pub mod cooperative;
pub mod import;
pub mod secrets;
pub mod shares;
