//! CSV import and export of associates (CONTRACT.md). The import is all or
//! nothing: one bad line and nothing is written; every bad line is reported
//! with its line number in the file.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::models::associate::Associate;
use crate::db::models::college::College;
use crate::db::{DbConn, write_transaction};
use crate::domain::capital::{self, Movement, MovementKind};
use crate::domain::register::{AssociateKind, Category};
use crate::error::AppError;
use crate::export::associates_csv::{self, AssociateRow, ExportRow, LineError};
use crate::services::associates::{self, AdmissionInput};
use crate::services::cooperative;

/// What an import did, or why it did nothing.
pub enum ImportOutcome {
    Imported { associates: usize, shares: i64 },
    Refused(Vec<LineError>),
}

/// Reads and checks a file without writing anything: the preview.
pub fn preview(
    conn: &mut DbConn,
    bytes: &[u8],
) -> Result<Result<Vec<AssociateRow>, Vec<LineError>>, AppError> {
    cooperative::load(conn)?; // a new cooperative gets its default colleges
    let colleges: Vec<(i64, String)> = College::current(conn)?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let rows = match associates_csv::parse(bytes, &colleges) {
        Ok(rows) => rows,
        Err(errors) => return Ok(Err(errors)),
    };
    // An e-mail already in the register is most likely the same person twice.
    let known: HashMap<String, i64> = Associate::list(conn, &Default::default())?
        .into_iter()
        .map(|a| (a.email.to_lowercase(), a.number))
        .collect();
    let errors: Vec<LineError> = rows
        .iter()
        .filter_map(|row| {
            known
                .get(&row.email.to_lowercase())
                .map(|number| LineError {
                    line: row.line,
                    reason: format!("l'associé n° {number} a déjà l'adresse {}", row.email),
                })
        })
        .collect();
    Ok(if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    })
}

/// Admits every associate of the file and records their initial, fully
/// paid subscriptions, in one transaction — or nothing at all.
pub fn import(
    conn: &mut DbConn,
    account_id: Option<i64>,
    bytes: &[u8],
) -> Result<ImportOutcome, AppError> {
    let outcome = write_transaction(conn, |conn| {
        let rows = match preview(conn, bytes)? {
            Ok(rows) => rows,
            Err(errors) => return Err(Refusal::Lines(errors)),
        };
        let share_value = cooperative::load(conn)?.share_value_cents;
        let mut errors = Vec::new();
        let mut movements = Vec::new();
        let mut lines = Vec::new();
        for row in &rows {
            let input = AdmissionInput {
                name: row.name.clone(),
                email: row.email.clone(),
                kind: row.kind.code().into(),
                representative: row.representative.clone(),
                address: String::new(),
                category: row.category.code().into(),
                college_id: row.college_id,
                admitted_on: row.admitted_on.to_string(),
                password: None,
            };
            match associates::admit(conn, account_id, &input) {
                Ok(view) => {
                    if let Some(shares) = row.shares.filter(|n| *n > 0) {
                        movements.push(subscription(view.id, shares, share_value, row.admitted_on));
                        movements.push(payment(view.id, shares, share_value, row.admitted_on));
                        lines.extend([row.line, row.line]);
                    }
                }
                Err(e) if e.status.is_client_error() => errors.push(LineError {
                    line: row.line,
                    reason: e.message,
                }),
                Err(e) => return Err(Refusal::App(e)),
            }
        }
        if errors.is_empty()
            && let Err(broken) =
                crate::services::shares::record_batch(conn, account_id, &movements)?
        {
            errors.extend(broken.into_iter().map(|(index, reason)| LineError {
                line: lines.get(index).copied().unwrap_or(0),
                reason,
            }));
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            errors.dedup();
            return Err(Refusal::Lines(errors));
        }
        let shares = rows.iter().filter_map(|r| r.shares).sum();
        Ok(ImportOutcome::Imported {
            associates: rows.len(),
            shares,
        })
    });
    match outcome {
        Ok(done) => Ok(done),
        Err(Refusal::Lines(errors)) => Ok(ImportOutcome::Refused(errors)),
        Err(Refusal::App(e)) => Err(e),
    }
}

/// Why the import transaction rolled back: bad lines, or a failure.
enum Refusal {
    Lines(Vec<LineError>),
    App(AppError),
}

impl From<diesel::result::Error> for Refusal {
    fn from(e: diesel::result::Error) -> Refusal {
        Refusal::App(e.into())
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Refusal {
        Refusal::App(e)
    }
}

fn subscription(associate_id: i64, shares: i64, share_value: i64, on: NaiveDate) -> Movement {
    Movement {
        associate_id,
        kind: MovementKind::Subscription,
        shares,
        amount_cents: shares.saturating_mul(share_value),
        on,
        to_associate_id: None,
    }
}

fn payment(associate_id: i64, shares: i64, share_value: i64, on: NaiveDate) -> Movement {
    Movement {
        associate_id,
        kind: MovementKind::Payment,
        shares: 0,
        amount_cents: shares.saturating_mul(share_value),
        on,
        to_associate_id: None,
    }
}

/// The register as CSV, in the import's own columns (so an export can be
/// imported elsewhere); `shares` is what each associate holds today.
pub fn export(conn: &mut DbConn) -> Result<String, AppError> {
    let coop = cooperative::load(conn)?;
    let colleges = College::all(conn)?;
    let ledger = crate::services::shares::ledger(conn)?;
    let held = capital::holdings(&ledger, coop.share_value_cents, None);
    let mut rows = Vec::new();
    for a in Associate::list(conn, &Default::default())? {
        rows.push(ExportRow {
            kind: AssociateKind::parse(&a.kind)
                .map_err(|e| AppError::internal(anyhow::anyhow!(e)))?,
            category: Category::parse(&a.category)
                .map_err(|e| AppError::internal(anyhow::anyhow!(e)))?,
            college: colleges
                .iter()
                .find(|c| c.id == a.college_id)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            shares: held.get(&a.id).map(|h| h.shares).filter(|n| *n > 0),
            name: a.name,
            email: a.email,
            representative: a.representative,
            admitted_on: a.admitted_on,
        });
    }
    Ok(associates_csv::write(&rows))
}
