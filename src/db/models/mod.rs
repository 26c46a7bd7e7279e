//! One module per table: each model owns its SQL.

pub mod account;
pub mod api_token;
pub mod assembly;
pub mod associate;
pub mod audit;
pub mod college;
pub mod cooperative;
pub mod history;
pub mod login_attempt;
pub mod login_link;
pub mod login_refusal;
pub mod minutes;
pub mod outbox;
pub mod resolution;
pub mod second_factor;
pub mod session;
pub mod setting;
pub mod share_movement;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{api_tokens, settings};

/// Loads a few rows of every table through `schema.rs`, typed, and returns
/// how many came back. The schema test runs it on both backends; a new table
/// is added here when it is added to the schema.
pub fn load_every_table(conn: &mut DbConn) -> QueryResult<usize> {
    let mut rows = 0;
    rows += settings::table
        .select((settings::key, settings::value))
        .limit(5)
        .load::<(String, String)>(conn)?
        .len();
    rows += account::Account::all_for_check(conn)?;
    rows += api_tokens::table
        .select((
            api_tokens::token_hash,
            api_tokens::account_id,
            api_tokens::created_at,
            api_tokens::expires_at,
        ))
        .limit(5)
        .load::<(String, i64, NaiveDateTime, NaiveDateTime)>(conn)?
        .len();
    rows += cooperative::CooperativeRow::get(conn)?.map_or(0, |_| 1);
    rows += college::College::all(conn)?.len().min(5);
    rows += associate::Associate::list(conn, &Default::default())?
        .len()
        .min(5);
    rows += share_movement::ShareMovement::ledger(conn)?.len().min(5);
    rows += audit_log_rows(conn)?;
    rows += session::Session::count(conn)? as usize;
    rows += login_attempt::load_some(conn)?;
    rows += login_link::load_some(conn)?;
    rows += login_refusal::load_some(conn)?;
    rows += outbox::of_assembly(conn, 0)?.len();
    rows += minutes::MinutesRow::latest(conn, 0)?.map_or(0, |_| 1);
    rows += second_factor::SecondFactor::load_some(conn)?;
    rows += second_factor::RecoveryCode::load_some(conn)?;
    rows += second_factor::PendingLogin::load_some(conn)?;
    Ok(rows)
}

fn audit_log_rows(conn: &mut DbConn) -> QueryResult<usize> {
    use crate::db::schema::audit_log;
    Ok(audit_log::table
        .select(audit::AuditEntry::as_select())
        .limit(5)
        .load(conn)?
        .len())
}
