//! The second factor of an account (`services::second_factor`): its TOTP
//! secret and last accepted step, its recovery codes (digests only), and the
//! logins waiting for their code.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{pending_logins, recovery_codes, second_factors};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = second_factors)]
pub struct SecondFactor {
    pub account_id: i64,
    pub secret: String,
    pub last_step: i64,
    pub enrolled_at: NaiveDateTime,
}

impl SecondFactor {
    pub fn of(conn: &mut DbConn, account_id: i64) -> QueryResult<Option<SecondFactor>> {
        second_factors::table
            .find(account_id)
            .select(SecondFactor::as_select())
            .first(conn)
            .optional()
    }

    pub fn exists(conn: &mut DbConn, account_id: i64) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(second_factors::table.find(account_id))).get_result(conn)
    }

    /// The accounts that have one.
    pub fn account_ids(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
        second_factors::table
            .select(second_factors::account_id)
            .order(second_factors::account_id)
            .load(conn)
    }

    pub fn insert(
        conn: &mut DbConn,
        account_id: i64,
        secret: &str,
        last_step: i64,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::insert_into(second_factors::table)
            .values((
                second_factors::account_id.eq(account_id),
                second_factors::secret.eq(secret),
                second_factors::last_step.eq(last_step),
                second_factors::enrolled_at.eq(now),
            ))
            .execute(conn)
    }

    /// Accepts `step` once: true when it is after the last accepted one
    /// (and is now the last), false when a code of this step or a later one
    /// was already used. One conditional UPDATE, so two requests racing with
    /// the same code cannot both pass.
    pub fn accept_step(conn: &mut DbConn, account_id: i64, step: i64) -> QueryResult<bool> {
        let n = diesel::update(
            second_factors::table
                .find(account_id)
                .filter(second_factors::last_step.lt(step)),
        )
        .set(second_factors::last_step.eq(step))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Removes the factor and its recovery codes.
    pub fn delete(conn: &mut DbConn, account_id: i64) -> QueryResult<usize> {
        RecoveryCode::delete_all(conn, account_id)?;
        diesel::delete(second_factors::table.find(account_id)).execute(conn)
    }

    pub fn load_some(conn: &mut DbConn) -> QueryResult<usize> {
        Ok(second_factors::table
            .select(SecondFactor::as_select())
            .limit(5)
            .load(conn)?
            .len())
    }
}

pub struct RecoveryCode;

impl RecoveryCode {
    pub fn insert_all(
        conn: &mut DbConn,
        account_id: i64,
        digests: &[String],
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        let rows: Vec<_> = digests
            .iter()
            .map(|d| {
                (
                    recovery_codes::code_hash.eq(d),
                    recovery_codes::account_id.eq(account_id),
                    recovery_codes::created_at.eq(now),
                )
            })
            .collect();
        crate::on_backend!(conn, |c| diesel::insert_into(recovery_codes::table)
            .values(&rows)
            .execute(c))
    }

    /// Spends the code: true when it existed for this account (and is gone).
    pub fn spend(conn: &mut DbConn, account_id: i64, digest: &str) -> QueryResult<bool> {
        let n = diesel::delete(
            recovery_codes::table
                .filter(recovery_codes::code_hash.eq(digest))
                .filter(recovery_codes::account_id.eq(account_id)),
        )
        .execute(conn)?;
        Ok(n == 1)
    }

    pub fn count(conn: &mut DbConn, account_id: i64) -> QueryResult<i64> {
        recovery_codes::table
            .filter(recovery_codes::account_id.eq(account_id))
            .count()
            .get_result(conn)
    }

    pub fn delete_all(conn: &mut DbConn, account_id: i64) -> QueryResult<usize> {
        diesel::delete(recovery_codes::table.filter(recovery_codes::account_id.eq(account_id)))
            .execute(conn)
    }

    pub fn load_some(conn: &mut DbConn) -> QueryResult<usize> {
        Ok(recovery_codes::table
            .select((
                recovery_codes::code_hash,
                recovery_codes::account_id,
                recovery_codes::created_at,
            ))
            .limit(5)
            .load::<(String, i64, NaiveDateTime)>(conn)?
            .len())
    }
}

pub struct PendingLogin;

impl PendingLogin {
    pub fn insert(
        conn: &mut DbConn,
        id_hash: &str,
        account_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::insert_into(pending_logins::table)
            .values((
                pending_logins::id_hash.eq(id_hash),
                pending_logins::account_id.eq(account_id),
                pending_logins::created_at.eq(now),
            ))
            .execute(conn)
    }

    /// The account of a pending login created after `since`.
    pub fn account(
        conn: &mut DbConn,
        id_hash: &str,
        since: NaiveDateTime,
    ) -> QueryResult<Option<i64>> {
        pending_logins::table
            .filter(pending_logins::id_hash.eq(id_hash))
            .filter(pending_logins::created_at.gt(since))
            .select(pending_logins::account_id)
            .first(conn)
            .optional()
    }

    pub fn delete(conn: &mut DbConn, id_hash: &str) -> QueryResult<usize> {
        diesel::delete(pending_logins::table.find(id_hash)).execute(conn)
    }

    pub fn delete_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(pending_logins::table.filter(pending_logins::created_at.le(before)))
            .execute(conn)
    }

    pub fn load_some(conn: &mut DbConn) -> QueryResult<usize> {
        Ok(pending_logins::table
            .select((
                pending_logins::id_hash,
                pending_logins::account_id,
                pending_logins::created_at,
            ))
            .limit(5)
            .load::<(String, i64, NaiveDateTime)>(conn)?
            .len())
    }
}
