//! The refusals of the login limits already in the audit log, by key (see
//! `services::login_limit::first_refusal`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::login_refusals;

pub fn record(conn: &mut DbConn, key: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(login_refusals::table)
        .values((login_refusals::key.eq(key), login_refusals::at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Whether a refusal of `key` was noted at or after `since`.
pub fn noted_since(conn: &mut DbConn, key: &str, since: NaiveDateTime) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        login_refusals::table
            .filter(login_refusals::key.eq(key))
            .filter(login_refusals::at.ge(since)),
    ))
    .get_result(conn)
}

/// Forgets refusals older than the window, so the table stays small.
pub fn delete_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_refusals::table.filter(login_refusals::at.le(before))).execute(conn)
}

/// For the schema check: a few rows, typed.
pub fn load_some(conn: &mut DbConn) -> QueryResult<usize> {
    Ok(login_refusals::table
        .select((login_refusals::id, login_refusals::key, login_refusals::at))
        .limit(5)
        .load::<(i64, String, NaiveDateTime)>(conn)?
        .len())
}
