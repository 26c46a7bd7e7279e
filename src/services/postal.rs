//! Postal ballots (vote par correspondance, L225-107): an associate who sent
//! the form before the meeting attends "by correspondence"; while each
//! resolution is open, the secretary enters the choice the form gives. A form
//! that gives no direction is entered as an abstention, which the
//! cooperative's abstention rule then treats as the law says (RULES.md:
//! not a vote cast since 2019, against before).

use serde::Serialize;
use serde_json::json;

use crate::db::models::assembly::{Attendance, Voter};
use crate::db::models::associate::Associate;
use crate::db::models::audit;
use crate::db::models::resolution;
use crate::db::{DbConn, now, write_transaction};
use crate::domain::tally::Choice;
use crate::error::AppError;
use crate::services::voting::{self, CastVia, record_ballot};

/// An associate voting by correspondence whose form is not entered yet.
#[derive(Serialize, Clone, Debug)]
pub struct Pending {
    pub associate_id: i64,
    pub name: String,
}

/// Enters one postal form's choice for an open resolution: its receipt.
pub fn record(
    conn: &mut DbConn,
    account_id: Option<i64>,
    resolution_id: i64,
    associate_id: i64,
    choice: Choice,
) -> Result<String, AppError> {
    write_transaction(conn, |conn| {
        let r = voting::find(conn, resolution_id)?;
        if r.status != "open" {
            return Err(AppError::conflict(
                "resolution_not_open",
                "This resolution is not open for voting.",
            ));
        }
        let attends = Attendance::find(conn, r.assembly_id, associate_id)?;
        if attends.is_none_or(|x| x.mode != "correspondence") {
            return Err(AppError::rule(
                "not_by_correspondence",
                "Only an associate recorded as voting by correspondence has a postal ballot.",
            ));
        }
        let voter = Voter::find(conn, r.assembly_id, associate_id)?.ok_or_else(|| {
            AppError::rule(
                "not_on_roll",
                "This associate is not on the assembly's roll.",
            )
        })?;
        let receipt = record_ballot(
            conn,
            &r,
            associate_id,
            CastVia::Postal,
            voter.college_id,
            choice,
        )?;
        // Who was entered, never the choice. For a secret resolution, not
        // even whose form: a line naming the associate would keep the time
        // their ballot was cast; the close records, once, whose forms were
        // entered (docs/secret-ballot.md).
        let details = if r.secret {
            json!({ "secret": true })
        } else {
            json!({ "associate_id": associate_id })
        };
        audit::record(
            conn,
            account_id,
            "resolution",
            Some(r.id),
            "postal_ballot",
            &details,
            now(),
        )?;
        Ok(receipt)
    })
}

/// The postal forms still to enter for a resolution, by name.
pub fn pending(conn: &mut DbConn, resolution_id: i64) -> Result<Vec<Pending>, AppError> {
    let r = voting::find(conn, resolution_id)?;
    let done = resolution::participants(conn, resolution_id)?;
    let waiting: Vec<i64> = Attendance::of_assembly(conn, r.assembly_id)?
        .into_iter()
        .filter(|a| a.mode == "correspondence" && !done.contains(&a.associate_id))
        .map(|a| a.associate_id)
        .collect();
    let mut list: Vec<Pending> = Associate::names(conn, &waiting)?
        .into_iter()
        .map(|(associate_id, name)| Pending { associate_id, name })
        .collect();
    list.sort_by(|x, y| x.name.cmp(&y.name));
    Ok(list)
}
