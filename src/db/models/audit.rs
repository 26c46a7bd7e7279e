use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::audit_log;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub account_id: Option<i64>,
    pub subject: String,
    pub subject_id: Option<i64>,
    pub action: String,
    pub details: String,
    pub at: NaiveDateTime,
}

/// Writes one line of the audit log: who (account), what (subject, action,
/// details as JSON), when.
pub fn record(
    conn: &mut DbConn,
    account_id: Option<i64>,
    subject: &str,
    subject_id: Option<i64>,
    action: &str,
    details: &serde_json::Value,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::account_id.eq(account_id),
            audit_log::subject.eq(subject),
            audit_log::subject_id.eq(subject_id),
            audit_log::action.eq(action),
            audit_log::details.eq(details.to_string()),
            audit_log::at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn history(conn: &mut DbConn, subject: &str, subject_id: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::subject.eq(subject))
        .filter(audit_log::subject_id.eq(subject_id))
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .select(AuditEntry::as_select())
        .load(conn)
}
