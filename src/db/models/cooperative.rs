use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::cooperative;
use crate::on_backend;

/// The one row of the cooperative (id 1). `rules` is the JSON of CONTRACT.md.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = cooperative)]
pub struct CooperativeRow {
    pub id: i64,
    pub name: String,
    pub legal_form: String,
    pub registered_office: String,
    pub share_value_cents: i64,
    pub statutory_floor_cents: i64,
    pub weighted_by_default: bool,
    pub rules: String,
    pub updated_at: NaiveDateTime,
}

pub const ID: i64 = 1;

impl CooperativeRow {
    pub fn get(conn: &mut DbConn) -> QueryResult<Option<CooperativeRow>> {
        cooperative::table
            .find(ID)
            .select(CooperativeRow::as_select())
            .first(conn)
            .optional()
    }

    /// Inserts or replaces the row.
    pub fn save(&self, conn: &mut DbConn) -> QueryResult<()> {
        on_backend!(conn, |c| diesel::insert_into(cooperative::table)
            .values(self)
            .on_conflict(cooperative::id)
            .do_update()
            .set(self)
            .execute(c))
        .map(|_| ())
    }
}
