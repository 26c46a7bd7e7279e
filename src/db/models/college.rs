use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{associates, colleges};
use crate::on_backend;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = colleges)]
pub struct College {
    pub id: i64,
    pub name: String,
    pub weight_num: i64,
    pub weight_den: i64,
    pub position: i64,
    pub retired: bool,
}

impl College {
    /// The current colleges, in their order.
    pub fn current(conn: &mut DbConn) -> QueryResult<Vec<College>> {
        colleges::table
            .filter(colleges::retired.eq(false))
            .order(colleges::position.asc())
            .select(College::as_select())
            .load(conn)
    }

    /// Every college ever defined, retired ones included (for history).
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<College>> {
        colleges::table
            .order(colleges::position.asc())
            .select(College::as_select())
            .load(conn)
    }

    pub fn insert(
        conn: &mut DbConn,
        name: &str,
        weight: (i64, i64),
        position: i64,
    ) -> QueryResult<i64> {
        let values = (
            colleges::name.eq(name),
            colleges::weight_num.eq(weight.0),
            colleges::weight_den.eq(weight.1),
            colleges::position.eq(position),
            colleges::retired.eq(false),
        );
        on_backend!(conn, |c| diesel::insert_into(colleges::table)
            .values(values)
            .returning(colleges::id)
            .get_result(c))
    }

    pub fn update(
        conn: &mut DbConn,
        id: i64,
        name: &str,
        weight: (i64, i64),
        position: i64,
    ) -> QueryResult<usize> {
        diesel::update(colleges::table.find(id))
            .set((
                colleges::name.eq(name),
                colleges::weight_num.eq(weight.0),
                colleges::weight_den.eq(weight.1),
                colleges::position.eq(position),
                colleges::retired.eq(false),
            ))
            .execute(conn)
    }

    pub fn retire(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
        diesel::update(colleges::table.find(id))
            .set(colleges::retired.eq(true))
            .execute(conn)
    }

    /// Active associates per college id.
    pub fn active_members(conn: &mut DbConn) -> QueryResult<Vec<(i64, i64)>> {
        associates::table
            .filter(associates::status.eq("active"))
            .group_by(associates::college_id)
            .select((associates::college_id, diesel::dsl::count_star()))
            .load(conn)
    }
}
