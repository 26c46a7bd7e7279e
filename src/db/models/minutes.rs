//! The minutes of an assembly, one row per version (draft, then signed).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::minutes;

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = minutes)]
pub struct MinutesRow {
    pub assembly_id: i64,
    pub version: i64,
    pub status: String,
    pub documents: String,
    /// JSON object: resolution id → summary of the debates.
    pub debates: String,
    /// JSON array of signatures.
    pub signatures: String,
    /// The Markdown as signed (frozen versions only).
    pub content: Option<String>,
    pub digest: Option<String>,
    /// The facts as signed, JSON (frozen versions only).
    pub model: Option<String>,
    pub created_at: NaiveDateTime,
    pub signed_at: Option<NaiveDateTime>,
}

impl MinutesRow {
    /// The latest version of an assembly's minutes, if any was written.
    pub fn latest(conn: &mut DbConn, assembly_id: i64) -> QueryResult<Option<MinutesRow>> {
        minutes::table
            .filter(minutes::assembly_id.eq(assembly_id))
            .order(minutes::version.desc())
            .select(MinutesRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn find(
        conn: &mut DbConn,
        assembly_id: i64,
        version: i64,
    ) -> QueryResult<Option<MinutesRow>> {
        minutes::table
            .find((assembly_id, version))
            .select(MinutesRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn insert(conn: &mut DbConn, row: &MinutesRow) -> QueryResult<usize> {
        diesel::insert_into(minutes::table)
            .values(row)
            .execute(conn)
    }

    /// Saves the editable parts of a draft; 0 rows if it is not a draft.
    pub fn save_draft(
        conn: &mut DbConn,
        assembly_id: i64,
        version: i64,
        documents: &str,
        debates: &str,
        signatures: &str,
    ) -> QueryResult<usize> {
        diesel::update(
            minutes::table
                .find((assembly_id, version))
                .filter(minutes::status.eq("draft")),
        )
        .set((
            minutes::documents.eq(documents),
            minutes::debates.eq(debates),
            minutes::signatures.eq(signatures),
        ))
        .execute(conn)
    }

    /// Freezes a draft: the signed text, its digest, the facts.
    pub fn freeze(
        conn: &mut DbConn,
        assembly_id: i64,
        version: i64,
        content: &str,
        digest: &str,
        model: &str,
        at: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(
            minutes::table
                .find((assembly_id, version))
                .filter(minutes::status.eq("draft")),
        )
        .set((
            minutes::status.eq("signed"),
            minutes::content.eq(content),
            minutes::digest.eq(digest),
            minutes::model.eq(model),
            minutes::signed_at.eq(at),
        ))
        .execute(conn)
    }
}
