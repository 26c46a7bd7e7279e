use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::share_movements;
use crate::on_backend;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = share_movements)]
pub struct ShareMovement {
    pub id: i64,
    pub associate_id: i64,
    pub kind: String,
    pub shares: i64,
    pub amount_cents: i64,
    pub on_date: NaiveDate,
    pub to_associate_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = share_movements)]
pub struct NewShareMovement {
    pub associate_id: i64,
    pub kind: String,
    pub shares: i64,
    pub amount_cents: i64,
    pub on_date: NaiveDate,
    pub to_associate_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl ShareMovement {
    /// The whole ledger in the order it is applied: by date, then as recorded.
    pub fn ledger(conn: &mut DbConn) -> QueryResult<Vec<ShareMovement>> {
        share_movements::table
            .order((share_movements::on_date.asc(), share_movements::id.asc()))
            .select(ShareMovement::as_select())
            .load(conn)
    }

    /// Records a movement; its id.
    pub fn insert(conn: &mut DbConn, new: &NewShareMovement) -> QueryResult<i64> {
        on_backend!(conn, |c| diesel::insert_into(share_movements::table)
            .values(new)
            .returning(share_movements::id)
            .get_result(c))
    }

    pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
        share_movements::table.count().get_result(conn)
    }
}
