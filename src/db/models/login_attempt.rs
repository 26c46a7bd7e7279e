//! Failed logins, by e-mail and client address (see `services::login_limit`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::login_attempts;

pub fn record(conn: &mut DbConn, email: &str, address: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::email.eq(email),
            login_attempts::address.eq(address),
            login_attempts::at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// How many failures for this e-mail since `since`, the oldest and the newest of them.
pub fn for_email(
    conn: &mut DbConn,
    email: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>, Option<NaiveDateTime>)> {
    login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::at.gt(since))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(login_attempts::at),
            diesel::dsl::max(login_attempts::at),
        ))
        .first(conn)
}

/// How many failures from this address since `since`, the oldest and the newest of them.
pub fn for_address(
    conn: &mut DbConn,
    address: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>, Option<NaiveDateTime>)> {
    login_attempts::table
        .filter(login_attempts::address.eq(address))
        .filter(login_attempts::at.gt(since))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(login_attempts::at),
            diesel::dsl::max(login_attempts::at),
        ))
        .first(conn)
}

/// A successful login forgets the e-mail's failures (not the address's).
pub fn forget_email(conn: &mut DbConn, email: &str) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::email.eq(email))).execute(conn)
}

/// Forgets failures older than the window, so the table stays small.
pub fn delete_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::at.le(before))).execute(conn)
}

/// For the schema check: a few rows, typed.
pub fn load_some(conn: &mut DbConn) -> QueryResult<usize> {
    Ok(login_attempts::table
        .select((
            login_attempts::id,
            login_attempts::email,
            login_attempts::address,
            login_attempts::at,
        ))
        .limit(5)
        .load::<(i64, String, String, NaiveDateTime)>(conn)?
        .len())
}
