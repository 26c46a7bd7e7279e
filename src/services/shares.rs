//! The capital ledger: recording a movement after the legal checks of
//! domain::capital, and the statements computed from the ledger (never from
//! stored totals).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::models::associate::Associate;
use crate::db::models::audit;
use crate::db::models::college::College;
use crate::db::models::share_movement::{NewShareMovement, ShareMovement};
use crate::db::{DbConn, now, write_transaction};
use crate::domain::capital::{self, CapitalContext, Holding, Movement, MovementKind};
use crate::domain::register::{Category, Status};
use crate::error::AppError;
use crate::services::associates::parse_date;
use crate::services::cooperative;

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct MovementInput {
    pub movement: String,
    #[serde(default)]
    pub shares: i64,
    pub amount_cents: Option<i64>,
    pub on: String,
    pub to_associate_id: Option<i64>,
}

#[derive(Serialize, Clone, Debug)]
pub struct MovementView {
    pub id: i64,
    pub associate_id: i64,
    pub movement: String,
    pub shares: i64,
    pub amount_cents: i64,
    pub on: NaiveDate,
    pub to_associate_id: Option<i64>,
}

impl From<&ShareMovement> for MovementView {
    fn from(m: &ShareMovement) -> MovementView {
        MovementView {
            id: m.id,
            associate_id: m.associate_id,
            movement: m.kind.clone(),
            shares: m.shares,
            amount_cents: m.amount_cents,
            on: m.on_date,
            to_associate_id: m.to_associate_id,
        }
    }
}

/// The whole ledger, as the domain reads it.
pub fn ledger(conn: &mut DbConn) -> Result<Vec<Movement>, AppError> {
    to_domain(&ShareMovement::ledger(conn)?)
}

fn to_domain(rows: &[ShareMovement]) -> Result<Vec<Movement>, AppError> {
    rows.iter()
        .map(|m| {
            Ok(Movement {
                associate_id: m.associate_id,
                kind: MovementKind::parse(&m.kind)
                    .map_err(|e| AppError::internal(anyhow::anyhow!(e)))?,
                shares: m.shares,
                amount_cents: m.amount_cents,
                on: m.on_date,
                to_associate_id: m.to_associate_id,
            })
        })
        .collect()
}

/// Records one movement, checked against the whole ledger with the movement
/// included, at its date and every later one; refused with every broken rule.
pub fn record(
    conn: &mut DbConn,
    account_id: Option<i64>,
    associate_id: i64,
    input: &MovementInput,
) -> Result<MovementView, AppError> {
    write_transaction(conn, |conn| {
        let associate = Associate::by_id(conn, associate_id)?
            .ok_or_else(|| AppError::not_found("associate"))?;
        let kind = MovementKind::parse(&input.movement).map_err(AppError::bad_request)?;
        let on = parse_date(&input.on).map_err(|e| AppError::rule("invalid_date", e))?;
        if on < associate.admitted_on {
            return Err(AppError::rule(
                "before_admission",
                "A movement cannot predate the associate's admission.",
            ));
        }
        if let Some(to) = input.to_associate_id
            && Associate::by_id(conn, to)?.is_none()
        {
            return Err(AppError::rule(
                "unknown_recipient",
                "The receiving associate does not exist.",
            ));
        }
        let coop = cooperative::load(conn)?;
        let ctx = capital_context(conn, &coop)?;
        let amount_cents = match (kind, input.amount_cents) {
            (_, Some(amount)) => amount,
            (MovementKind::Subscription, None) => {
                input.shares.saturating_mul(coop.share_value_cents)
            }
            _ => 0,
        };
        let new = Movement {
            associate_id,
            kind,
            shares: input.shares,
            amount_cents,
            on,
            to_associate_id: input.to_associate_id,
        };
        let ledger = ShareMovement::ledger(conn)?;
        let stored = capital::check_movement(&to_domain(&ledger)?, &new, &ctx).map_err(refusal)?;
        let row = NewShareMovement {
            associate_id,
            kind: kind.code().into(),
            shares: stored.shares,
            amount_cents: stored.amount_cents,
            on_date: on,
            to_associate_id: stored.to_associate_id,
            recorded_by: account_id,
            created_at: now(),
        };
        let view = MovementView {
            id: ShareMovement::insert(conn, &row)?,
            associate_id,
            movement: row.kind.clone(),
            shares: row.shares,
            amount_cents: row.amount_cents,
            on: row.on_date,
            to_associate_id: row.to_associate_id,
        };
        audit::record(
            conn,
            account_id,
            "associate",
            Some(associate_id),
            "share_movement",
            &json!(view),
            now(),
        )?;
        if let Some(to) = view.to_associate_id {
            audit::record(
                conn,
                account_id,
                "associate",
                Some(to),
                "share_movement",
                &json!(view),
                now(),
            )?;
        }
        Ok(view)
    })
}

/// What the ledger checks need to know of the register, read now.
fn capital_context(
    conn: &mut DbConn,
    coop: &cooperative::Cooperative,
) -> Result<CapitalContext, AppError> {
    let everyone = Associate::list(conn, &Default::default())?;
    Ok(CapitalContext {
        share_value_cents: coop.share_value_cents,
        legal_form: coop.legal_form,
        statutory_floor_cents: coop.statutory_floor_cents,
        local_authorities: everyone
            .iter()
            .filter(|a| a.category == Category::LocalAuthority.code())
            .map(|a| a.id)
            .collect(),
        active: everyone
            .iter()
            .filter(|a| a.status == Status::Active.code())
            .map(|a| a.id)
            .collect(),
    })
}

/// Records several movements at once (an import): checked together, so the
/// order of the lines of one day does not matter; all or nothing. On
/// refusal, the index of each offending movement and the French reason.
pub fn record_batch(
    conn: &mut DbConn,
    account_id: Option<i64>,
    movements: &[Movement],
) -> Result<Result<(), Vec<(usize, String)>>, AppError> {
    let coop = cooperative::load(conn)?;
    let ctx = capital_context(conn, &coop)?;
    let ledger = to_domain(&ShareMovement::ledger(conn)?)?;
    let stored = match capital::check_batch(&ledger, movements, &ctx) {
        Ok(stored) => stored,
        Err(broken) => {
            return Ok(Err(broken
                .into_iter()
                .map(|(i, rule)| (i, rule.message_fr()))
                .collect()));
        }
    };
    for m in &stored {
        let row = NewShareMovement {
            associate_id: m.associate_id,
            kind: m.kind.code().into(),
            shares: m.shares,
            amount_cents: m.amount_cents,
            on_date: m.on,
            to_associate_id: m.to_associate_id,
            recorded_by: account_id,
            created_at: now(),
        };
        ShareMovement::insert(conn, &row)?;
    }
    Ok(Ok(()))
}

fn refusal(rules: Vec<capital::CapitalRule>) -> AppError {
    let code = rules.first().map_or("capital_rule", |r| r.code());
    let message = rules
        .iter()
        .map(|r| r.message_en())
        .collect::<Vec<_>>()
        .join(" ");
    let details: Vec<_> = rules
        .iter()
        .map(|r| json!({"code": r.code(), "message_fr": r.message_fr(), "message_en": r.message_en()}))
        .collect();
    AppError::rule(code, message).with_details(json!(details))
}

#[derive(Serialize, Clone, Debug)]
pub struct Statement {
    pub movements: Vec<MovementView>,
    pub held: i64,
    pub subscribed_cents: i64,
    pub paid_cents: i64,
}

/// An associate's movements (given and received) and holding today.
pub fn statement(conn: &mut DbConn, associate_id: i64) -> Result<Statement, AppError> {
    let coop = cooperative::load(conn)?;
    let ledger = ShareMovement::ledger(conn)?;
    let holding = capital::holdings(&to_domain(&ledger)?, coop.share_value_cents, None)
        .get(&associate_id)
        .copied()
        .unwrap_or_default();
    Ok(Statement {
        movements: ledger
            .iter()
            .filter(|m| m.associate_id == associate_id || m.to_associate_id == Some(associate_id))
            .map(MovementView::from)
            .collect(),
        held: holding.shares,
        subscribed_cents: holding.subscribed_cents,
        paid_cents: holding.paid_cents,
    })
}

#[derive(Serialize, Clone, Debug)]
pub struct GroupHolding {
    pub key: String,
    pub name: String,
    pub shares: i64,
    pub capital_cents: i64,
    pub paid_cents: i64,
}

#[derive(Serialize, Clone, Debug)]
pub struct CapitalStatement {
    pub on: NaiveDate,
    pub shares: i64,
    pub capital_cents: i64,
    pub paid_cents: i64,
    pub max_capital_cents: i64,
    pub floor_cents: i64,
    pub by_category: Vec<GroupHolding>,
    pub by_college: Vec<GroupHolding>,
}

/// The capital at a date, in total, by category and by college.
pub fn capital_on(conn: &mut DbConn, on: NaiveDate) -> Result<CapitalStatement, AppError> {
    let coop = cooperative::load(conn)?;
    let movements = to_domain(&ShareMovement::ledger(conn)?)?;
    let everyone = Associate::list(conn, &Default::default())?;
    let colleges = College::all(conn)?;
    let value = coop.share_value_cents;
    let total = capital::totals(&movements, value, Some(on));
    let category_of = |id: i64| {
        everyone
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.category.clone())
    };
    let college_of = |id: i64| everyone.iter().find(|a| a.id == id).map(|a| a.college_id);
    let by_category = capital::capital_by(&movements, value, Some(on), category_of);
    let by_college = capital::capital_by(&movements, value, Some(on), college_of);
    let group = |key: String, name: String, h: Option<&Holding>| {
        let h = h.copied().unwrap_or_default();
        GroupHolding {
            key,
            name,
            shares: h.shares,
            capital_cents: h.subscribed_cents,
            paid_cents: h.paid_cents,
        }
    };
    let max_capital_cents = capital::max_capital_ever(&movements, value, Some(on));
    let ctx = CapitalContext {
        share_value_cents: value,
        legal_form: coop.legal_form,
        statutory_floor_cents: coop.statutory_floor_cents,
        local_authorities: BTreeSet::new(),
        active: BTreeSet::new(),
    };
    Ok(CapitalStatement {
        on,
        shares: total.shares,
        capital_cents: total.subscribed_cents,
        paid_cents: total.paid_cents,
        max_capital_cents,
        floor_cents: capital::capital_floor_cents(&ctx, max_capital_cents),
        by_category: Category::ALL
            .iter()
            .map(|c| {
                group(
                    c.code().into(),
                    c.label_fr().into(),
                    by_category.get(c.code()),
                )
            })
            .collect(),
        by_college: colleges
            .iter()
            .filter(|c| !c.retired || by_college.contains_key(&c.id))
            .map(|c| group(c.id.to_string(), c.name.clone(), by_college.get(&c.id)))
            .collect(),
    })
}
