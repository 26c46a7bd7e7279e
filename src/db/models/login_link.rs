//! One-time links sent by e-mail (login, password reset), and the requests
//! for them (see `services::login_links`). Only the SHA-256 of a link's
//! token is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::models::account::Account;
use crate::db::schema::{accounts, api_tokens, login_link_requests, login_links, sessions};

/// What a link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Login,
    Reset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Login => "login",
            Purpose::Reset => "reset",
        }
    }
}

pub fn insert(
    conn: &mut DbConn,
    token_hash: &str,
    account_id: i64,
    purpose: Purpose,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(login_links::table)
        .values((
            login_links::token_hash.eq(token_hash),
            login_links::account_id.eq(account_id),
            login_links::purpose.eq(purpose.as_str()),
            login_links::created_at.eq(now),
            login_links::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The account of a link still valid at `now`, without using it. A link
/// of an account whose access has ended (`Account::access_ended`: the
/// associate has left) is not valid.
pub fn peek(
    conn: &mut DbConn,
    token_hash: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    let found: Option<Account> = login_links::table
        .inner_join(accounts::table)
        .filter(login_links::token_hash.eq(token_hash))
        .filter(login_links::purpose.eq(purpose.as_str()))
        .filter(login_links::expires_at.gt(now))
        .select(Account::as_select())
        .first(conn)
        .optional()?;
    match found {
        Some(account) if account.access_ended(conn)? => Ok(None),
        found => Ok(found.map(|account| account.id)),
    }
}

/// Any link with this digest, valid or not: its account, purpose and end
/// (to say in the audit log why a link was refused).
pub fn find(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<(i64, String, NaiveDateTime)>> {
    login_links::table
        .filter(login_links::token_hash.eq(token_hash))
        .select((
            login_links::account_id,
            login_links::purpose,
            login_links::expires_at,
        ))
        .first(conn)
        .optional()
}

/// Uses the link: its account if it was still valid and this call is the
/// one that deleted it. Of two concurrent calls, only one gets the account.
pub fn consume(
    conn: &mut DbConn,
    token_hash: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    let Some(account_id) = peek(conn, token_hash, purpose, now)? else {
        return Ok(None);
    };
    let deleted = diesel::delete(
        login_links::table
            .filter(login_links::token_hash.eq(token_hash))
            .filter(login_links::purpose.eq(purpose.as_str()))
            .filter(login_links::expires_at.gt(now)),
    )
    .execute(conn)?;
    Ok((deleted == 1).then_some(account_id))
}

/// Forgets the expired links, so the table stays small.
pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_links::table.filter(login_links::expires_at.le(now))).execute(conn)
}

/// Ends everything that lets the account in: its other links, its browser
/// sessions, its API tokens (after a password reset).
pub fn end_all_access(conn: &mut DbConn, account_id: i64) -> QueryResult<()> {
    diesel::delete(login_links::table.filter(login_links::account_id.eq(account_id)))
        .execute(conn)?;
    diesel::delete(sessions::table.filter(sessions::account_id.eq(account_id))).execute(conn)?;
    diesel::delete(api_tokens::table.filter(api_tokens::account_id.eq(account_id)))
        .execute(conn)?;
    Ok(())
}

pub fn set_password_hash(conn: &mut DbConn, account_id: i64, hash: &str) -> QueryResult<usize> {
    diesel::update(accounts::table.find(account_id))
        .set(accounts::password_hash.eq(Some(hash)))
        .execute(conn)
}

pub fn record_request(
    conn: &mut DbConn,
    email: &str,
    address: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(login_link_requests::table)
        .values((
            login_link_requests::email.eq(email),
            login_link_requests::address.eq(address),
            login_link_requests::at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// How many requests for this e-mail since `since`, the oldest and the newest of them.
pub fn requests_for_email(
    conn: &mut DbConn,
    email: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>, Option<NaiveDateTime>)> {
    login_link_requests::table
        .filter(login_link_requests::email.eq(email))
        .filter(login_link_requests::at.gt(since))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(login_link_requests::at),
            diesel::dsl::max(login_link_requests::at),
        ))
        .first(conn)
}

/// How many requests from this address since `since`, the oldest and the newest of them.
pub fn requests_for_address(
    conn: &mut DbConn,
    address: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>, Option<NaiveDateTime>)> {
    login_link_requests::table
        .filter(login_link_requests::address.eq(address))
        .filter(login_link_requests::at.gt(since))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(login_link_requests::at),
            diesel::dsl::max(login_link_requests::at),
        ))
        .first(conn)
}

/// Forgets requests older than the window.
pub fn delete_requests_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_link_requests::table.filter(login_link_requests::at.le(before)))
        .execute(conn)
}

/// For the schema check: a few rows of both tables, typed.
pub fn load_some(conn: &mut DbConn) -> QueryResult<usize> {
    let links = login_links::table
        .select((
            login_links::token_hash,
            login_links::account_id,
            login_links::purpose,
            login_links::created_at,
            login_links::expires_at,
        ))
        .limit(5)
        .load::<(String, i64, String, NaiveDateTime, NaiveDateTime)>(conn)?
        .len();
    let requests = login_link_requests::table
        .select((
            login_link_requests::id,
            login_link_requests::email,
            login_link_requests::address,
            login_link_requests::at,
        ))
        .limit(5)
        .load::<(i64, String, String, NaiveDateTime)>(conn)?
        .len();
    Ok(links + requests)
}
