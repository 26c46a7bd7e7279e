//! Use cases: each one validates, then does its writes in one transaction.

pub mod accounts;
pub mod assemblies;
pub mod associates;
pub mod attendance;
pub mod auth_log;
pub mod ballot_writer;
pub mod convocation;
pub mod cooperative;
pub mod demo;
pub mod import;
pub mod live_changes;
pub mod login_limit;
pub mod login_links;
pub mod minutes;
pub mod moving;
pub mod outbox;
pub mod own_ballots;
pub mod postal;
pub mod register_documents;
pub mod second_factor;
pub mod secrets;
pub mod shares;
pub mod typeset;
pub mod voting;
