//! Moving a cooperative to another database (`scrutin export`, `scrutin
//! import-archive`): one versioned JSON document with every archived table,
//! every column, the rows in primary-key order, one row per line.
//!
//! The secret key (in `settings`) travels, and so do the ballots with their
//! receipts, positions and the resolutions' chain heads, so that the
//! published chains still replay after the move. What does not travel is
//! login state that expires within hours and is worth nothing elsewhere
//! (see [`EXCLUDED`]): everyone logs in again on the new database.

mod catalog;
pub mod tables;

pub use catalog::{non_empty_tables, table_names};

use std::io::Write;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::db::DbConn;

pub const FORMAT: &str = "scrutin-archive";
/// The archive format's version: bumped when a reader of this one could
/// not read a new archive correctly.
pub const VERSION: u64 = 1;

/// Tables left out, and why: browser sessions and API bearer tokens (12
/// hours) are logins in progress; failed logins, one-time link requests and
/// the marks of audited lockouts are counters kept 15 minutes; one-time
/// login links expire in 10 minutes; a password waiting for its second
/// factor, in 5. (The second factors themselves and their recovery codes
/// travel: they are part of the accounts.)
pub const EXCLUDED: &[&str] = &[
    "sessions",
    "api_tokens",
    "login_attempts",
    "login_links",
    "login_link_requests",
    "login_refusals",
    "pending_logins",
];

/// Writes the archive of the database `conn` reads, from one snapshot (a
/// server may keep running: the archive is the state at one instant).
pub fn export(conn: &mut DbConn, out: &mut impl Write) -> anyhow::Result<usize> {
    conn.transaction::<_, anyhow::Error, _>(|conn| {
        if let DbConn::Postgres(pg) = conn {
            // One snapshot for every table, not one per statement.
            pg.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            // Closing a secret vote empties and refills these two tables
            // (TRUNCATE, which a snapshot taken before it does not see
            // through): held before the snapshot, the lock makes that close
            // wait for the export, or the export start after it.
            pg.batch_execute("LOCK TABLE participations, ballots IN ACCESS SHARE MODE")?;
        }
        write_header(out)?;
        let mut writer = TableWriter {
            out: &mut *out,
            first: true,
            rows: 0,
        };
        tables::export_all(conn, &mut writer)?;
        let rows = writer.rows;
        out.write_all(b"\n}\n}\n")?;
        out.flush()?;
        Ok(rows)
    })
}

fn write_header(out: &mut impl Write) -> anyhow::Result<()> {
    let field = |name: &str, value: Value| -> anyhow::Result<String> {
        Ok(format!("{}: {}", serde_json::to_string(name)?, value))
    };
    let exported_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let lines = [
        field("format", FORMAT.into())?,
        field("version", VERSION.into())?,
        field("exported_at", exported_at.into())?,
        field("schema_migration", crate::db::latest_migration().into())?,
        field("scrutin_version", env!("CARGO_PKG_VERSION").into())?,
        field("excluded", serde_json::to_value(EXCLUDED)?)?,
    ];
    write!(out, "{{\n{},\n\"tables\": {{", lines.join(",\n"))?;
    Ok(())
}

/// One table after the other, one row per line.
struct TableWriter<'a, W: Write> {
    out: &'a mut W,
    first: bool,
    rows: usize,
}

impl<W: Write> tables::Sink for TableWriter<'_, W> {
    fn table<R: Serialize>(&mut self, name: &str, rows: &[R]) -> anyhow::Result<()> {
        let sep = if self.first { "" } else { "," };
        self.first = false;
        write!(self.out, "{sep}\n{}: [", serde_json::to_string(name)?)?;
        for (i, row) in rows.iter().enumerate() {
            self.out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut *self.out, row)?;
        }
        self.out
            .write_all(if rows.is_empty() { b"]" } else { b"\n]" })?;
        self.rows += rows.len();
        Ok(())
    }
}

/// An archive whose header was checked; its tables are checked row by row
/// during the import.
pub struct Archive {
    tables: Map<String, Value>,
}

impl Archive {
    /// Reads the document and checks what it is before anything is written:
    /// a scrutin archive, a version this program reads, made at the same
    /// schema, with exactly the archived tables.
    pub fn parse(bytes: &[u8]) -> anyhow::Result<Archive> {
        let doc: Value = serde_json::from_slice(bytes)
            .map_err(|e| anyhow::anyhow!("not a readable JSON archive ({e})"))?;
        let Value::Object(mut doc) = doc else {
            anyhow::bail!("not a scrutin archive: the document is not a JSON object");
        };
        if doc.get("format").and_then(Value::as_str) != Some(FORMAT) {
            anyhow::bail!("not a scrutin archive: \"format\" is not \"{FORMAT}\"");
        }
        match doc.get("version").and_then(Value::as_u64) {
            Some(VERSION) => {}
            Some(v) if v > VERSION => anyhow::bail!(
                "archive version {v} is newer than this scrutin reads ({VERSION}): import it with a newer scrutin"
            ),
            _ => {
                anyhow::bail!("the archive's \"version\" is not one this scrutin reads ({VERSION})")
            }
        }
        let ours = crate::db::latest_migration();
        match doc.get("schema_migration").and_then(Value::as_str) {
            Some(theirs) if theirs == ours => {}
            Some(theirs) if theirs > ours.as_str() => anyhow::bail!(
                "the archive was made at database schema {theirs}, newer than this scrutin's ({ours}): import it with the scrutin that exported it"
            ),
            Some(theirs) => anyhow::bail!(
                "the archive was made at database schema {theirs}, older than this scrutin's ({ours}): upgrade the source first (scrutin migrate), then export again"
            ),
            None => anyhow::bail!("the archive has no \"schema_migration\""),
        }
        let Some(Value::Object(tables)) = doc.remove("tables") else {
            anyhow::bail!("the archive has no \"tables\" object");
        };
        if let Some(missing) = tables::ARCHIVED.iter().find(|t| !tables.contains_key(**t)) {
            anyhow::bail!("the archive lacks table {missing}: it is truncated or was edited");
        }
        if let Some(unknown) = tables
            .keys()
            .find(|t| !tables::ARCHIVED.contains(&t.as_str()))
        {
            anyhow::bail!("the archive holds an unknown table {unknown}");
        }
        Ok(Archive { tables })
    }
}

/// What an import inserted: rows per table, in the order inserted.
pub struct Imported {
    pub tables: Vec<(&'static str, usize)>,
}

impl Imported {
    pub fn rows(&self) -> usize {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// Loads the archive into an empty, migrated database, all or nothing: one
/// transaction, original ids kept, then PostgreSQL's id sequences moved past
/// them so the next row admitted does not collide.
pub fn import(conn: &mut DbConn, archive: &Archive) -> anyhow::Result<Imported> {
    conn.transaction::<_, anyhow::Error, _>(|conn| {
        let filled = catalog::non_empty_tables(conn)?;
        if !filled.is_empty() {
            anyhow::bail!(
                "the target database is not empty (rows in {}): import into a new, empty database",
                filled.join(", ")
            );
        }
        let tables = tables::import_all(conn, &archive.tables)?;
        catalog::reset_sequences(conn).context("cannot reset the id sequences")?;
        Ok(Imported { tables })
    })
    .map_err(|e| anyhow::anyhow!(one_line(&format!("{e:#}"))))
}

/// Database messages may span lines (DETAIL, HINT); the CLI prints one.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
