//! Every archived table, typed: one row struct per table, loaded through
//! `schema.rs` (all columns, in the schema's order, so a column added to the
//! schema and not here fails to compile) and inserted back with its own ids.
//! The tables are listed in foreign-key order: importing them in this order
//! never references a row not yet inserted.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::db::DbConn;

/// Rows per INSERT: under both backends' limit of bound parameters
/// (32,766 on SQLite, 65,535 on PostgreSQL) for the widest table.
const CHUNK: usize = 1000;

/// What the export and the import do with one table's rows.
pub trait Sink {
    fn table<R: Serialize>(&mut self, name: &str, rows: &[R]) -> anyhow::Result<()>;
}

macro_rules! archived_tables {
    ($( $table:ident [$($pk:ident),+] { $($col:ident : $ty:ty),+ $(,)? } )+) => {
        $(
            pub mod $table {
                use super::*;

                #[derive(Debug, Queryable, Insertable, serde::Serialize, serde::Deserialize)]
                #[diesel(table_name = crate::db::schema::$table, treat_none_as_default_value = false)]
                pub struct Row {
                    $(pub $col: $ty,)+
                }

                pub const COLUMNS: &[&str] = &[$(stringify!($col)),+];

                /// Every row, in primary-key order (sorted here, byte-wise:
                /// PostgreSQL would sort text by its locale's collation).
                pub fn load(conn: &mut DbConn) -> QueryResult<Vec<Row>> {
                    let mut rows: Vec<Row> = crate::db::schema::$table::table.load(conn)?;
                    rows.sort_by(|a, b| ($(&a.$pk,)+).cmp(&($(&b.$pk,)+)));
                    Ok(rows)
                }

                pub fn insert(conn: &mut DbConn, rows: &[Row]) -> QueryResult<()> {
                    for chunk in rows.chunks(CHUNK) {
                        crate::on_backend!(&mut *conn, |c| diesel::insert_into(
                            crate::db::schema::$table::table
                        )
                        .values(chunk)
                        .execute(c))?;
                    }
                    Ok(())
                }
            }
        )+

        /// The archived tables, in foreign-key order.
        pub const ARCHIVED: &[&str] = &[$(stringify!($table)),+];

        /// Loads every archived table in turn and hands its rows to `sink`.
        pub fn export_all(conn: &mut DbConn, sink: &mut impl Sink) -> anyhow::Result<()> {
            $(sink.table(stringify!($table), &$table::load(conn)?)?;)+
            Ok(())
        }

        /// Parses each table of `tables` (exactly the archived columns) and
        /// inserts it, in foreign-key order; the row count per table.
        pub fn import_all(
            conn: &mut DbConn,
            tables: &Map<String, Value>,
        ) -> anyhow::Result<Vec<(&'static str, usize)>> {
            let mut counts = Vec::new();
            $(
                let rows: Vec<$table::Row> = parse_rows(stringify!($table), $table::COLUMNS, tables)?;
                $table::insert(conn, &rows).map_err(|e| {
                    anyhow::anyhow!("table {}: the database refused a row: {e}", stringify!($table))
                })?;
                counts.push((stringify!($table), rows.len()));
            )+
            Ok(counts)
        }
    };
}

/// A table's rows from the archive, each an object with exactly the
/// table's columns (serde alone would read a missing nullable column as
/// null, silently).
fn parse_rows<R: DeserializeOwned>(
    table: &str,
    columns: &[&str],
    tables: &Map<String, Value>,
) -> anyhow::Result<Vec<R>> {
    let Some(Value::Array(rows)) = tables.get(table) else {
        anyhow::bail!("the archive has no list of rows for table {table}");
    };
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let at = || format!("table {table}, row {}", i + 1);
            let Value::Object(fields) = row else {
                anyhow::bail!("{}: not an object", at());
            };
            if let Some(missing) = columns.iter().find(|c| !fields.contains_key(**c)) {
                anyhow::bail!("{}: column {missing} is missing", at());
            }
            if let Some(extra) = fields.keys().find(|k| !columns.contains(&k.as_str())) {
                anyhow::bail!("{}: unknown column {extra}", at());
            }
            R::deserialize(row).map_err(|e| anyhow::anyhow!("{}: {e}", at()))
        })
        .collect()
}

archived_tables! {
    settings [key] {
        key: String,
        value: String,
    }
    accounts [id] {
        id: i64,
        email: String,
        password_hash: Option<String>,
        role: String,
        associate_id: Option<i64>,
        created_at: NaiveDateTime,
    }
    cooperative [id] {
        id: i64,
        name: String,
        legal_form: String,
        registered_office: String,
        share_value_cents: i64,
        statutory_floor_cents: i64,
        weighted_by_default: bool,
        rules: String,
        updated_at: NaiveDateTime,
    }
    colleges [id] {
        id: i64,
        name: String,
        weight_num: i64,
        weight_den: i64,
        position: i64,
        retired: bool,
    }
    associates [id] {
        id: i64,
        number: i64,
        kind: String,
        name: String,
        representative: Option<String>,
        email: String,
        address: String,
        category: String,
        college_id: i64,
        admitted_on: NaiveDate,
        status: String,
        status_on: Option<NaiveDate>,
        status_reason: Option<String>,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
    }
    share_movements [id] {
        id: i64,
        associate_id: i64,
        kind: String,
        shares: i64,
        amount_cents: i64,
        on_date: NaiveDate,
        to_associate_id: Option<i64>,
        recorded_by: Option<i64>,
        created_at: NaiveDateTime,
    }
    audit_log [id] {
        id: i64,
        account_id: Option<i64>,
        subject: String,
        subject_id: Option<i64>,
        action: String,
        details: String,
        at: NaiveDateTime,
    }
    assemblies [id] {
        id: i64,
        title: String,
        kind: String,
        starts_at: NaiveDateTime,
        place: String,
        remote: bool,
        remote_url: Option<String>,
        call_number: i64,
        first_call_id: Option<i64>,
        status: String,
        convened_at: Option<NaiveDateTime>,
        notice_overridden: bool,
        opened_at: Option<NaiveDateTime>,
        closed_at: Option<NaiveDateTime>,
        chair: Option<String>,
        secretary: Option<String>,
        scrutineers: String,
        created_at: NaiveDateTime,
    }
    voters [assembly_id, associate_id] {
        assembly_id: i64,
        associate_id: i64,
        college_id: i64,
        category: String,
    }
    attendance [assembly_id, associate_id] {
        assembly_id: i64,
        associate_id: i64,
        mode: String,
        proxy_holder_id: Option<i64>,
        updated_at: NaiveDateTime,
    }
    attendance_events [id] {
        id: i64,
        assembly_id: i64,
        associate_id: i64,
        mode: String,
        proxy_holder_id: Option<i64>,
        at: NaiveDateTime,
    }
    resolutions [id] {
        id: i64,
        assembly_id: i64,
        number: i64,
        title: String,
        text: String,
        majority: String,
        weighted: bool,
        secret: bool,
        board_approved: bool,
        status: String,
        opened_at: Option<NaiveDateTime>,
        closed_at: Option<NaiveDateTime>,
        quorum: Option<String>,
        chain_head: String,
        ballot_count: i64,
        result: Option<String>,
    }
    participations [resolution_id, associate_id] {
        resolution_id: i64,
        associate_id: i64,
        cast_by: Option<i64>,
        cast_via: Option<String>,
    }
    ballots [id] {
        id: String,
        resolution_id: i64,
        receipt: String,
        choice: String,
        college_id: i64,
        associate_id: Option<i64>,
        position: Option<i64>,
    }
    voting_tokens [token_hash] {
        token_hash: String,
        assembly_id: i64,
        associate_id: i64,
        purpose: String,
        issued_at: NaiveDateTime,
        issued_by: Option<i64>,
    }
    convocations [id] {
        id: i64,
        assembly_id: i64,
        associate_id: i64,
        email: String,
        message_id: Option<String>,
        error: Option<String>,
        attempted_at: NaiveDateTime,
    }
    mail_outbox [id] {
        id: i64,
        template: String,
        letter: Option<String>,
        to_email: String,
        to_name: String,
        assembly_id: Option<i64>,
        associate_id: Option<i64>,
        status: String,
        attempts: i64,
        next_attempt_at: NaiveDateTime,
        lease_until: Option<NaiveDateTime>,
        last_error: Option<String>,
        message_id: Option<String>,
        created_at: NaiveDateTime,
        sent_at: Option<NaiveDateTime>,
    }
    minutes [assembly_id, version] {
        assembly_id: i64,
        version: i64,
        status: String,
        documents: String,
        debates: String,
        signatures: String,
        content: Option<String>,
        digest: Option<String>,
        model: Option<String>,
        created_at: NaiveDateTime,
        signed_at: Option<NaiveDateTime>,
    }
    second_factors [account_id] {
        account_id: i64,
        secret: String,
        last_step: i64,
        enrolled_at: NaiveDateTime,
    }
    recovery_codes [code_hash] {
        code_hash: String,
        account_id: i64,
        created_at: NaiveDateTime,
    }
}
