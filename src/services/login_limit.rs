//! Brute-force control of the password logins (SECURITY.md item 1, ASVS
//! 2.2.1): at most `MAX_PER_EMAIL` failures per e-mail and `MAX_PER_ADDRESS`
//! per client address in `WINDOW`; past that, every attempt is refused with
//! 429 before the password is even checked, until the oldest failure leaves
//! the window. The failures live in the database, so every process of the
//! instance counts the same ones. Only the first refusal of a lockout goes
//! to the audit log (`first_refusal`).
//!
//! Counting and checking are one step: [`reserve`] counts the failures and,
//! when the attempt is allowed, records it as a failure in the same write
//! transaction, before the password is checked. Concurrent attempts thus
//! queue on the write lock, each sees the reservations of those before it,
//! and at most `MAX_PER_EMAIL` passwords of an e-mail are ever checked in a
//! window, however many arrive at once. A success then forgets the e-mail's
//! failures, its own reservation included.

use chrono::{Duration, NaiveDateTime};

use crate::db::models::{login_attempt, login_refusal};
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;

pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_PER_EMAIL: i64 = 10;
pub const MAX_PER_ADDRESS: i64 = 50;

/// Seconds until the oldest failure of a full window leaves it (at least 1).
fn wait(oldest: Option<NaiveDateTime>, now: NaiveDateTime) -> i64 {
    oldest.map_or(1, |t| (t + WINDOW - now).num_seconds().max(1))
}

/// The answer of the limits to an attempt.
pub enum Verdict {
    Allowed,
    /// The 429 to answer, and whether this refusal is the first of its
    /// lockout: only that one goes to the audit log.
    Refused {
        error: AppError,
        first: bool,
    },
}

/// Refuses the attempt when the e-mail or the address has used up its
/// failures: 429, with the wait in seconds in the details (and the
/// `Retry-After` header).
pub fn check(
    conn: &mut DbConn,
    email: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<Verdict, AppError> {
    let since = now - WINDOW;
    let (by_email, oldest_email, newest_email) = login_attempt::for_email(conn, email, since)?;
    let (by_address, oldest_address, newest_address) =
        login_attempt::for_address(conn, address, since)?;
    let mut retry = 0;
    let mut first = false;
    if by_email >= MAX_PER_EMAIL {
        retry = wait(oldest_email, now);
        first |= first_refusal(conn, &format!("login:email:{email}"), newest_email, now)?;
    }
    if by_address >= MAX_PER_ADDRESS {
        retry = retry.max(wait(oldest_address, now));
        first |= first_refusal(
            conn,
            &format!("login:address:{address}"),
            newest_address,
            now,
        )?;
    }
    if retry == 0 {
        return Ok(Verdict::Allowed);
    }
    let error = AppError::too_many_requests(
        "too_many_attempts",
        format!(
            "Too many failed logins: try again in {} minute(s).",
            (retry + 59) / 60
        ),
        retry,
    );
    Ok(Verdict::Refused { error, first })
}

/// Counts and reserves in one write transaction (SQLite's write lock,
/// PostgreSQL's lock on the write-lock row, see `db::write_transaction`):
/// when the limits allow the attempt, it is recorded as a failure at once,
/// so that the next attempt counts it even while this password is being
/// checked. The caller checks the password only on `Allowed`, and calls
/// [`succeeded`] if it is right; a wrong one needs nothing more. The
/// instant is read once the lock is held, so that the attempts' instants
/// follow the order they were counted in (an attempt that waited for the
/// lock would otherwise date from before the failure that locked it, and
/// log its refusal as the lockout's first).
pub fn reserve(conn: &mut DbConn, email: &str, address: &str) -> Result<Verdict, AppError> {
    write_transaction(conn, |conn| {
        let now = crate::db::now();
        let verdict = check(conn, email, address, now)?;
        if let Verdict::Allowed = verdict {
            failed(conn, email, address, now)?;
        }
        Ok(verdict)
    })
}

/// Whether this is the first refusal of `key` (an e-mail or an address)
/// since `locked_at`, the attempt that used up its limit; notes it if so.
/// A flood of refused requests thus writes one audit row per key and
/// lockout, not one per request.
pub fn first_refusal(
    conn: &mut DbConn,
    key: &str,
    locked_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let since = locked_at.unwrap_or(now - WINDOW);
    if login_refusal::noted_since(conn, key, since)? {
        return Ok(false);
    }
    login_refusal::delete_before(conn, now - WINDOW)?;
    login_refusal::record(conn, key, now)?;
    Ok(true)
}

pub fn failed(
    conn: &mut DbConn,
    email: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    login_attempt::delete_before(conn, now - WINDOW)?;
    Ok(login_attempt::record(conn, email, address, now)?)
}

pub fn succeeded(conn: &mut DbConn, email: &str) -> Result<(), AppError> {
    login_attempt::forget_email(conn, email)?;
    Ok(())
}
