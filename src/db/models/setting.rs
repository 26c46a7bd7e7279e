use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::settings;
use crate::on_backend;

pub fn get(conn: &mut DbConn, key: &str) -> QueryResult<Option<String>> {
    settings::table
        .filter(settings::key.eq(key))
        .select(settings::value)
        .first(conn)
        .optional()
}

/// Inserts the value only if the key is unset, then returns what is stored:
/// two processes starting together agree on one value.
pub fn get_or_insert(conn: &mut DbConn, key: &str, value: &str) -> QueryResult<String> {
    on_backend!(conn, |c| diesel::insert_into(settings::table)
        .values((settings::key.eq(key), settings::value.eq(value)))
        .on_conflict(settings::key)
        .do_nothing()
        .execute(c))?;
    settings::table
        .filter(settings::key.eq(key))
        .select(settings::value)
        .first(conn)
}

/// Takes the register's write lock for the rest of the transaction: an
/// upsert on one row is a write on both backends, so it waits for other
/// writers before this transaction reads anything (SQLite would otherwise
/// refuse to upgrade a read snapshot that another writer made stale).
pub fn take_write_lock(conn: &mut DbConn) -> QueryResult<()> {
    on_backend!(conn, |c| diesel::insert_into(settings::table)
        .values((settings::key.eq("write_lock"), settings::value.eq("")))
        .on_conflict(settings::key)
        .do_update()
        .set(settings::value.eq(""))
        .execute(c))
    .map(|_| ())
}
