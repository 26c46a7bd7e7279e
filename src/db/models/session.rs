use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::account::Account;
use crate::db::schema::{accounts, sessions};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id_hash: String,
    pub account_id: i64,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

impl Session {
    pub fn insert(conn: &mut DbConn, session: &Session) -> QueryResult<()> {
        diesel::insert_into(sessions::table)
            .values((
                sessions::id_hash.eq(&session.id_hash),
                sessions::account_id.eq(session.account_id),
                sessions::csrf_token.eq(&session.csrf_token),
                sessions::created_at.eq(session.created_at),
                sessions::last_seen_at.eq(session.last_seen_at),
            ))
            .execute(conn)
            .map(|_| ())
    }

    /// The session and its account, if seen after `idle_since`, created
    /// after `created_since`, and the account's access has not ended (see
    /// [`Account::access_ended`]).
    pub fn find(
        conn: &mut DbConn,
        id_hash: &str,
        idle_since: NaiveDateTime,
        created_since: NaiveDateTime,
    ) -> QueryResult<Option<(Session, Account)>> {
        let found: Option<(Session, Account)> = sessions::table
            .inner_join(accounts::table)
            .filter(sessions::id_hash.eq(id_hash))
            .filter(sessions::last_seen_at.gt(idle_since))
            .filter(sessions::created_at.gt(created_since))
            .select((Session::as_select(), Account::as_select()))
            .first(conn)
            .optional()?;
        match found {
            Some((_, account)) if account.access_ended(conn)? => Ok(None),
            found => Ok(found),
        }
    }

    pub fn touch(conn: &mut DbConn, id_hash: &str, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(sessions::table.find(id_hash))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)
    }

    pub fn delete(conn: &mut DbConn, id_hash: &str) -> QueryResult<usize> {
        diesel::delete(sessions::table.find(id_hash)).execute(conn)
    }

    pub fn delete_stale(conn: &mut DbConn, idle_since: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::last_seen_at.le(idle_since))).execute(conn)
    }

    pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
        sessions::table.count().get_result(conn)
    }
}
