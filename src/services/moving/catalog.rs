//! What the database itself says about its tables: their names (from the
//! catalog, so a table added by a later migration is seen), whether they hold
//! rows, and PostgreSQL's id sequences.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConn;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Identity {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

/// The tables of the database, without diesel's migration bookkeeping.
pub fn table_names(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    let query = match &*conn {
        DbConn::Sqlite(_) => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> '__diesel_schema_migrations' ORDER BY name"
        }
        DbConn::Postgres(_) => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
             AND table_name <> '__diesel_schema_migrations' ORDER BY table_name"
        }
    };
    let names: Vec<Name> = diesel::sql_query(query).load(conn)?;
    Ok(names.into_iter().map(|n| n.name).collect())
}

/// The tables that hold at least one row, as `name (N rows)`.
pub fn non_empty_tables(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    let mut filled = Vec::new();
    for table in table_names(conn)? {
        // The name comes from the catalog, not from the archive.
        let count: Count =
            diesel::sql_query(format!("SELECT COUNT(*) AS n FROM \"{table}\"")).get_result(conn)?;
        if count.n > 0 {
            filled.push(format!("{table}: {}", count.n));
        }
    }
    Ok(filled)
}

/// Moves every identity sequence past the largest id now in its table: rows
/// inserted with explicit ids do not advance it on PostgreSQL. (SQLite's
/// AUTOINCREMENT follows explicit ids by itself.)
pub fn reset_sequences(conn: &mut DbConn) -> QueryResult<()> {
    let DbConn::Postgres(pg) = conn else {
        return Ok(());
    };
    let identities: Vec<Identity> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')",
    )
    .load(pg)?;
    for Identity {
        table_name,
        column_name,
    } in identities
    {
        pg.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('\"{table_name}\"', '{column_name}'), \
             COALESCE((SELECT MAX(\"{column_name}\") FROM \"{table_name}\"), 0) + 1, false)"
        ))?;
    }
    Ok(())
}
