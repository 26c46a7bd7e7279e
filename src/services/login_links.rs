//! One-time links sent by e-mail (SECURITY.md item 2, ASVS 2.7.2–2.7.6):
//! a login link, or a link to choose a new password. The token has 256
//! random bits; the database keeps only its SHA-256; a link is valid
//! `LINK_LIFETIME`, serves once (deleted by the use that wins), and is bound
//! to its account and its purpose.
//!
//! Asking for a link answers the same whether or not the e-mail has an
//! account: the requests are counted (and limited) either way, and the
//! e-mail goes through the outbox, so the answer does not wait for it.

use chrono::{Duration, NaiveDateTime};
use diesel::Connection;
use serde_json::json;

use crate::db::models::account::{Account, Role};
use crate::db::models::associate::Associate;
use crate::db::models::login_link::{self, Purpose};
use crate::db::{DbConn, now};
use crate::error::AppError;
use crate::mail::Letter;
use crate::mail::emails::{LoginLinkContext, PasswordResetContext};
use crate::services::{accounts, auth_log, cooperative, login_limit, outbox, secrets};
use crate::web::AppState;

/// How long a link is valid: at most 10 minutes (SECURITY.md, ASVS 2.7.2).
pub const LINK_LIFETIME: Duration = Duration::minutes(10);
/// At most `MAX_PER_EMAIL` requests per e-mail and `MAX_PER_ADDRESS` per
/// client address in `WINDOW` (login links and resets together).
pub const WINDOW: Duration = Duration::minutes(15);
pub const MAX_PER_EMAIL: i64 = 5;
pub const MAX_PER_ADDRESS: i64 = 20;

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    Mismatch,
}

/// The two entries of the new-password form must agree and be long enough.
pub fn check_new_password(password: &str, confirm: &str) -> Result<(), PasswordProblem> {
    if accounts::check_password(password).is_err() {
        return Err(PasswordProblem::TooShort);
    }
    if password != confirm {
        return Err(PasswordProblem::Mismatch);
    }
    Ok(())
}

fn wait(oldest: Option<NaiveDateTime>, now: NaiveDateTime) -> i64 {
    oldest.map_or(1, |t| (t + WINDOW - now).num_seconds().max(1))
}

/// Refuses a request past the limits (429, the wait in seconds), else
/// records it.
fn count_request(
    conn: &mut DbConn,
    email: &str,
    address: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let since = now - WINDOW;
    login_link::delete_requests_before(conn, since)?;
    let (by_email, oldest_email, newest_email) =
        login_link::requests_for_email(conn, email, since)?;
    let (by_address, oldest_address, newest_address) =
        login_link::requests_for_address(conn, address, since)?;
    let mut retry = 0;
    // Only the first refusal of a lockout is logged (see
    // `login_limit::first_refusal`).
    let mut first = false;
    if by_email >= MAX_PER_EMAIL {
        retry = wait(oldest_email, now);
        let key = format!("link:email:{email}");
        first |= login_limit::first_refusal(conn, &key, newest_email, now)?;
    }
    if by_address >= MAX_PER_ADDRESS {
        retry = retry.max(wait(oldest_address, now));
        let key = format!("link:address:{address}");
        first |= login_limit::first_refusal(conn, &key, newest_address, now)?;
    }
    if retry > 0 {
        if first {
            let known = Account::by_email(conn, email)?.map(|a| a.id);
            auth_log::record(
                conn,
                None,
                known,
                &format!("{}_request_refused", event(purpose)),
                &json!({"address": address, "reason": "too_many_requests"}),
            )?;
        }
        return Err(AppError::too_many_requests(
            "too_many_requests",
            format!(
                "Too many links asked for: try again in {} minute(s).",
                (retry + 59) / 60
            ),
            retry,
        ));
    }
    Ok(login_link::record_request(conn, email, address, now)?)
}

/// The audit log's name for a link of this purpose.
fn event(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Login => "login_link",
        Purpose::Reset => "password_reset",
    }
}

/// Logs a refused link: the account and why, when the link is known
/// (expired, or meant for the other purpose); "unknown_or_used" otherwise,
/// since a used link is deleted.
fn log_refused(
    conn: &mut DbConn,
    token_hash: &str,
    purpose: Purpose,
    address: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (account, reason) = match login_link::find(conn, token_hash)? {
        Some((account, p, _)) if p != purpose.as_str() => (Some(account), "wrong_purpose"),
        Some((account, _, expires)) if expires <= now => (Some(account), "expired"),
        _ => (None, "unknown_or_used"),
    };
    auth_log::record(
        conn,
        None,
        account,
        &format!("{}_refused", event(purpose)),
        &json!({"address": address, "reason": reason}),
    )
}

/// Sends a link for `purpose` to the account with this e-mail, if there is
/// one. `Ok(())` either way; 429 past the limits, for known and unknown
/// e-mails alike.
pub async fn request(
    state: &AppState,
    email: &str,
    address: &str,
    purpose: Purpose,
) -> Result<(), AppError> {
    let email = accounts::normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    let address = address.to_string();
    let base_url = state.base_url.clone();
    state
        .db
        .run(move |conn| {
            let now = now();
            count_request(conn, &email, &address, purpose, now)?;
            login_link::delete_expired(conn, now)?;
            // The same work whether or not the account exists, where cheap.
            let token = secrets::random_token();
            let token_hash = secrets::digest(&token);
            let cooperative_name = cooperative::load(conn)?.name;
            let account = Account::by_email(conn, &email)?;
            // The e-mail is logged only as its account: an unknown one may
            // be anything typed in the field.
            auth_log::record(
                conn,
                None,
                account.as_ref().map(|a| a.id),
                &format!("{}_requested", event(purpose)),
                &json!({"address": address, "known_account": account.is_some()}),
            )?;
            let Some(account) = account else {
                return Ok(());
            };
            // Staff log in with their password and second factor: no login
            // link for them (the answer stays the same).
            if purpose == Purpose::Login && account.role() != Role::Associate {
                return Ok(());
            }
            // The link and its e-mail, together or not at all.
            conn.transaction::<_, AppError, _>(|conn| {
                login_link::insert(
                    conn,
                    &token_hash,
                    account.id,
                    purpose,
                    now,
                    now + LINK_LIFETIME,
                )?;
                let name = match account.associate_id {
                    Some(id) => Associate::by_id(conn, id)?.map(|a| a.name),
                    None => None,
                }
                .unwrap_or_default();
                // Into the outbox with the link: the answer never waits for
                // the mail server, and does not take longer when the account
                // exists.
                let recipient_name = if name.is_empty() {
                    account.email.clone()
                } else {
                    name.clone()
                };
                let valid_minutes = LINK_LIFETIME.num_minutes() as u32;
                let letter = match purpose {
                    Purpose::Login => Letter::LoginLink(LoginLinkContext {
                        cooperative_name,
                        recipient_name,
                        login_url: format!("{base_url}/login/link/{token}"),
                        valid_minutes,
                    }),
                    Purpose::Reset => Letter::PasswordReset(PasswordResetContext {
                        cooperative_name,
                        recipient_name,
                        reset_url: format!("{base_url}/password/reset/{token}"),
                        valid_minutes,
                    }),
                };
                outbox::enqueue(conn, &letter, &account.email, &name, None, None)
            })
        })
        .await?;
    state.outbox.wake();
    Ok(())
}

/// Whether the link is still valid (for the confirmation page; it is not used).
pub async fn is_valid(state: &AppState, token: &str, purpose: Purpose) -> Result<bool, AppError> {
    let token_hash = secrets::digest(token);
    state
        .db
        .run(move |conn| Ok(login_link::peek(conn, &token_hash, purpose, now())?.is_some()))
        .await
}

/// The staff account (administrator, secretary) a valid login link is for,
/// if it is one: staff log in with their password and second factor, never
/// with a link (a link made before this rule, or by hand, is refused).
fn staff_account(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<i64>, AppError> {
    let Some(id) = login_link::peek(conn, token_hash, Purpose::Login, now)? else {
        return Ok(None);
    };
    Ok(Account::by_id(conn, id)?
        .filter(|a| a.role() != Role::Associate)
        .map(|a| a.id))
}

/// Whether a valid login link is for a staff account, which may not use it.
pub async fn is_for_staff(state: &AppState, token: &str) -> Result<bool, AppError> {
    let token_hash = secrets::digest(token);
    state
        .db
        .run(move |conn| Ok(staff_account(conn, &token_hash, now())?.is_some()))
        .await
}

/// Uses a login link: the account it lets in, or `None` when the link is
/// unknown, expired or already used, or is for a staff account.
pub async fn use_login_link(
    state: &AppState,
    token: &str,
    address: &str,
) -> Result<Option<i64>, AppError> {
    let token_hash = secrets::digest(token);
    let address = address.to_string();
    state
        .db
        .run(move |conn| {
            let now = now();
            if let Some(account) = staff_account(conn, &token_hash, now)? {
                auth_log::record(
                    conn,
                    None,
                    Some(account),
                    "login_link_refused",
                    &json!({"address": address, "reason": "staff_account"}),
                )?;
                return Ok(None);
            }
            let used = login_link::consume(conn, &token_hash, Purpose::Login, now)?;
            match used {
                Some(account) => auth_log::record(
                    conn,
                    Some(account),
                    Some(account),
                    "login_link_used",
                    &json!({"address": address}),
                )?,
                None => log_refused(conn, &token_hash, Purpose::Login, &address, now)?,
            }
            Ok(used)
        })
        .await
}

/// Uses a reset link to set a new password (already checked with
/// [`check_new_password`]), then ends every session, API token and link of
/// the account. The account, or `None` when the link is not valid.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
    address: &str,
) -> Result<Option<i64>, AppError> {
    let token_hash = secrets::digest(token);
    let password = password.to_string();
    let address = address.to_string();
    state
        .db
        .run(move |conn| {
            // No hashing (costly by design) for a link that cannot serve.
            if login_link::peek(conn, &token_hash, Purpose::Reset, now())?.is_none() {
                log_refused(conn, &token_hash, Purpose::Reset, &address, now())?;
                return Ok(None);
            }
            let hash = accounts::hash_password(&password).map_err(AppError::internal)?;
            let done = conn.transaction(|conn| {
                let Some(account_id) =
                    login_link::consume(conn, &token_hash, Purpose::Reset, now())?
                else {
                    return Ok::<_, AppError>(None);
                };
                login_link::set_password_hash(conn, account_id, &hash)?;
                login_link::end_all_access(conn, account_id)?;
                if let Some(account) = Account::by_id(conn, account_id)? {
                    login_limit::succeeded(conn, &account.email)?;
                }
                auth_log::record(
                    conn,
                    Some(account_id),
                    Some(account_id),
                    "password_reset_used",
                    &json!({"address": address}),
                )?;
                Ok(Some(account_id))
            })?;
            if done.is_none() {
                log_refused(conn, &token_hash, Purpose::Reset, &address, now())?;
            }
            Ok(done)
        })
        .await
}
