//! Authentication events in the audit log (SECURITY.md, ASVS 7.1.1, 7.2.1):
//! password logins, link requests, link logins and password resets, with
//! the account concerned and the client address. Never a token, a token's
//! digest or a password.

use serde_json::Value;

use crate::db::models::audit;
use crate::db::{DbConn, now};
use crate::error::AppError;

/// The audit log's subject for these events.
pub const SUBJECT: &str = "account";

/// One event about `account` (when known). `acting` is the account that
/// acted, `None` for an anonymous visitor (a request, a refusal).
pub fn record(
    conn: &mut DbConn,
    acting: Option<i64>,
    account: Option<i64>,
    action: &str,
    details: &Value,
) -> Result<(), AppError> {
    Ok(audit::record(
        conn,
        acting,
        SUBJECT,
        account,
        action,
        details,
        now(),
    )?)
}
