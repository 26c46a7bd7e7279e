use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::account::Account;
use crate::db::schema::{accounts, api_tokens};

/// Records a token by its digest: the token itself is never stored.
pub fn insert(
    conn: &mut DbConn,
    token_hash: &str,
    account_id: i64,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::token_hash.eq(token_hash),
            api_tokens::account_id.eq(account_id),
            api_tokens::created_at.eq(now),
            api_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The account a token belongs to, if the token exists, has not expired,
/// and the account's access has not ended (see [`Account::access_ended`]).
pub fn account_for(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<Account>> {
    let found: Option<Account> = api_tokens::table
        .inner_join(accounts::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::expires_at.gt(now))
        .select(Account::as_select())
        .first(conn)
        .optional()?;
    match found {
        Some(account) if account.access_ended(conn)? => Ok(None),
        found => Ok(found),
    }
}

pub fn delete(conn: &mut DbConn, token_hash: &str) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::token_hash.eq(token_hash))).execute(conn)
}

/// Forgets expired tokens, so the table does not grow forever.
pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::expires_at.le(now))).execute(conn)
}
