//! The cooperative's settings and its colleges.

use num_bigint::BigInt;
use num_traits::ToPrimitive;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::db::models::audit;
use crate::db::models::college::College;
use crate::db::models::cooperative::{CooperativeRow, ID};
use crate::db::models::share_movement::ShareMovement;
use crate::db::{DbConn, now, write_transaction};
use crate::domain::colleges::{parse_weight_percent, validate_college_weights};
use crate::domain::fraction::{Fraction, percent_2dp};
use crate::domain::rules::{LegalForm, Rules};
use crate::error::AppError;

/// The five colleges of the reference SCIC, suggested on a new cooperative
/// with equal weights; the administrator edits them.
pub const REFERENCE_COLLEGES: [&str; 5] = [
    "Salariés",
    "Usagers",
    "Club Cigales",
    "Autonomie & Solidarité",
    "Collectivités territoriales",
];

#[derive(Serialize, Clone, Debug)]
pub struct Cooperative {
    pub name: String,
    pub legal_form: LegalForm,
    pub registered_office: String,
    pub share_value_cents: i64,
    pub statutory_floor_cents: i64,
    pub weighted_by_default: bool,
    pub rules: Rules,
}

/// A PUT may give any subset of the fields, and of `rules`.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
pub struct CooperativePatch {
    pub name: Option<String>,
    pub legal_form: Option<LegalForm>,
    pub registered_office: Option<String>,
    pub share_value_cents: Option<i64>,
    pub statutory_floor_cents: Option<i64>,
    pub weighted_by_default: Option<bool>,
    pub rules: Option<Value>,
}

fn from_row(row: &CooperativeRow) -> Result<Cooperative, AppError> {
    let legal_form: LegalForm = serde_json::from_value(json!(row.legal_form))
        .map_err(|e| AppError::internal(anyhow::anyhow!("stored legal form: {e}")))?;
    let rules: Rules = serde_json::from_str(&row.rules)
        .map_err(|e| AppError::internal(anyhow::anyhow!("stored rules: {e}")))?;
    Ok(Cooperative {
        name: row.name.clone(),
        legal_form,
        registered_office: row.registered_office.clone(),
        share_value_cents: row.share_value_cents,
        statutory_floor_cents: row.statutory_floor_cents,
        weighted_by_default: row.weighted_by_default,
        rules,
    })
}

fn to_row(c: &Cooperative) -> Result<CooperativeRow, AppError> {
    let legal_form = serde_json::to_value(c.legal_form)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "SA".into());
    Ok(CooperativeRow {
        id: ID,
        name: c.name.clone(),
        legal_form,
        registered_office: c.registered_office.clone(),
        share_value_cents: c.share_value_cents,
        statutory_floor_cents: c.statutory_floor_cents,
        weighted_by_default: c.weighted_by_default,
        rules: serde_json::to_string(&c.rules).map_err(|e| AppError::internal(e.into()))?,
        updated_at: now(),
    })
}

/// The cooperative; on a new database, a SCIC SA with the legal defaults
/// and the five reference colleges, created in one transaction.
pub fn load(conn: &mut DbConn) -> Result<Cooperative, AppError> {
    if let Some(row) = CooperativeRow::get(conn)? {
        return from_row(&row);
    }
    write_transaction(conn, |conn| {
        if let Some(row) = CooperativeRow::get(conn)? {
            return from_row(&row);
        }
        let coop = Cooperative {
            name: "Ma SCIC".into(),
            legal_form: LegalForm::Sa,
            registered_office: String::new(),
            share_value_cents: 10_000,
            statutory_floor_cents: 0,
            weighted_by_default: true,
            rules: Rules::legal_defaults(LegalForm::Sa),
        };
        to_row(&coop)?.save(conn)?;
        if College::current(conn)?.is_empty() {
            for (position, name) in REFERENCE_COLLEGES.iter().enumerate() {
                College::insert(conn, name, (1, 5), position as i64)?;
            }
        }
        Ok(coop)
    })
}

/// Applies a patch. Changing the legal form resets the rules to that form's
/// legal defaults, then applies any `rules` given in the same patch.
pub fn update(
    conn: &mut DbConn,
    account_id: i64,
    patch: CooperativePatch,
) -> Result<Cooperative, AppError> {
    write_transaction(conn, |conn| {
        let before = load(conn)?;
        let mut coop = before.clone();
        if let Some(name) = patch.name {
            let name = name.trim();
            if name.is_empty() {
                return Err(AppError::rule(
                    "invalid_name",
                    "The cooperative needs a name.",
                ));
            }
            coop.name = name.to_string();
        }
        if let Some(office) = patch.registered_office {
            coop.registered_office = office.trim().to_string();
        }
        if let Some(value) = patch.share_value_cents {
            if value <= 0 {
                return Err(AppError::rule(
                    "invalid_share_value",
                    "The nominal value of a share must be positive.",
                ));
            }
            if value != coop.share_value_cents && ShareMovement::count(conn)? > 0 {
                return Err(AppError::conflict(
                    "shares_exist",
                    "The nominal value cannot change once shares are recorded: it takes an extraordinary assembly and a revaluation of every holding.",
                ));
            }
            coop.share_value_cents = value;
        }
        if let Some(floor) = patch.statutory_floor_cents {
            if floor < 0 {
                return Err(AppError::rule(
                    "invalid_floor",
                    "The statutory capital floor cannot be negative.",
                ));
            }
            coop.statutory_floor_cents = floor;
        }
        if let Some(weighted) = patch.weighted_by_default {
            coop.weighted_by_default = weighted;
        }
        if let Some(form) = patch.legal_form
            && form != coop.legal_form
        {
            coop.legal_form = form;
            coop.rules = Rules::legal_defaults(form);
        }
        if let Some(given) = patch.rules {
            coop.rules = merge_rules(&coop.rules, given)?;
        }
        to_row(&coop)?.save(conn)?;
        let details = json!({"before": before, "after": coop});
        audit::record(
            conn,
            Some(account_id),
            "cooperative",
            Some(ID),
            "updated",
            &details,
            now(),
        )?;
        Ok(coop)
    })
}

/// Merges a partial `rules` object onto the current rules, then checks it.
fn merge_rules(current: &Rules, given: Value) -> Result<Rules, AppError> {
    let mut merged = serde_json::to_value(current).map_err(|e| AppError::internal(e.into()))?;
    merge_json(&mut merged, given);
    let rules: Rules = serde_json::from_value(merged)
        .map_err(|e| AppError::rule("invalid_rules", format!("The rules are not valid: {e}.")))?;
    rules.validate().map_err(|problems| {
        AppError::rule(
            "invalid_rules",
            format!("The rules are not valid: {}.", problems.join("; ")),
        )
        .with_details(json!(problems))
    })?;
    Ok(rules)
}

fn merge_json(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                match base.get_mut(&key) {
                    Some(slot) if slot.is_object() && value.is_object() => merge_json(slot, value),
                    _ => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (slot, value) => *slot = value,
    }
}

#[derive(Serialize, Clone, Debug)]
pub struct CollegeView {
    pub id: i64,
    pub name: String,
    /// Percent with two decimals, e.g. "30.00".
    pub weight: String,
    #[serde(skip)]
    pub fraction: Fraction,
    pub members: i64,
}

pub fn weight_of(college: &College) -> Fraction {
    Fraction::new(
        BigInt::from(college.weight_num),
        BigInt::from(college.weight_den),
    )
}

pub fn colleges(conn: &mut DbConn) -> Result<Vec<CollegeView>, AppError> {
    load(conn)?;
    let members = College::active_members(conn)?;
    Ok(College::current(conn)?
        .into_iter()
        .map(|c| {
            let fraction = weight_of(&c);
            CollegeView {
                id: c.id,
                weight: percent_2dp(&fraction),
                fraction,
                members: members
                    .iter()
                    .find(|(id, _)| *id == c.id)
                    .map_or(0, |(_, n)| *n),
                name: c.name,
            }
        })
        .collect())
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct CollegeInput {
    pub id: Option<i64>,
    pub name: String,
    pub weight: String,
}

/// One refused entry or rule of a college set, for the API and the page.
#[derive(Serialize, Clone, Debug)]
pub struct Violation {
    pub code: String,
    /// The entry concerned (0-based), when the problem is one entry's.
    pub index: Option<usize>,
    pub message_fr: String,
    pub message_en: String,
}

/// Replaces the whole set of colleges at once, after checking it against
/// the law; every problem is reported, not only the first.
pub fn replace_colleges(
    conn: &mut DbConn,
    account_id: i64,
    entries: Vec<CollegeInput>,
) -> Result<Vec<CollegeView>, AppError> {
    write_transaction(conn, |conn| {
        let current = colleges(conn)?;
        let mut violations = Vec::new();
        let mut weights = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let name = entry.name.trim();
            if name.is_empty() {
                violations.push(entry_violation(
                    index,
                    "college_name_missing",
                    "Le collège {n} n'a pas de nom.",
                    "College {n} has no name.",
                ));
            } else if entries[..index]
                .iter()
                .any(|e| e.name.trim().eq_ignore_ascii_case(name))
            {
                violations.push(entry_violation(
                    index,
                    "college_name_duplicate",
                    "Le nom du collège {n} est déjà pris.",
                    "College {n}'s name is already used.",
                ));
            }
            if let Some(id) = entry.id
                && !current.iter().any(|c| c.id == id)
            {
                violations.push(entry_violation(
                    index,
                    "unknown_college",
                    "Le collège {n} désigne un collège inconnu.",
                    "College {n} refers to an unknown college.",
                ));
            }
            match parse_weight_percent(&entry.weight) {
                Ok(w) => weights.push(w),
                Err(e) => violations.push(Violation {
                    code: "invalid_weight".into(),
                    index: Some(index),
                    message_fr: format!(
                        "Le poids du collège {} n'est pas un nombre : {e}",
                        index + 1
                    ),
                    message_en: format!("College {}'s weight is not a number: {e}", index + 1),
                }),
            }
        }
        if weights.len() == entries.len()
            && let Err(rules) = validate_college_weights(&weights)
        {
            violations.extend(rules.iter().map(|r| Violation {
                code: r.code().into(),
                index: None,
                message_fr: r.message_fr(),
                message_en: r.message_en(),
            }));
        }
        if !violations.is_empty() {
            let message = violations
                .iter()
                .map(|v| v.message_en.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            return Err(AppError::rule("invalid_colleges", message).with_details(json!(violations)));
        }
        let kept: Vec<i64> = entries.iter().filter_map(|e| e.id).collect();
        for removed in current.iter().filter(|c| !kept.contains(&c.id)) {
            if removed.members > 0 {
                return Err(AppError::conflict(
                    "college_has_members",
                    format!(
                        "The college “{}” still has {} active members: move them to another college first.",
                        removed.name, removed.members
                    ),
                ));
            }
            College::retire(conn, removed.id)?;
        }
        for (position, (entry, weight)) in entries.iter().zip(&weights).enumerate() {
            let pair = to_pair(weight)?;
            match entry.id {
                Some(id) => College::update(conn, id, entry.name.trim(), pair, position as i64)?,
                None => {
                    College::insert(conn, entry.name.trim(), pair, position as i64).map(|_| 1)?
                }
            };
        }
        let after = colleges(conn)?;
        audit::record(
            conn,
            Some(account_id),
            "colleges",
            None,
            "replaced",
            &json!({"before": current, "after": after}),
            now(),
        )?;
        Ok(after)
    })
}

fn entry_violation(index: usize, code: &str, fr: &str, en: &str) -> Violation {
    let n = (index + 1).to_string();
    Violation {
        code: code.into(),
        index: Some(index),
        message_fr: fr.replace("{n}", &n),
        message_en: en.replace("{n}", &n),
    }
}

fn to_pair(weight: &Fraction) -> Result<(i64, i64), AppError> {
    match (weight.numer().to_i64(), weight.denom().to_i64()) {
        (Some(n), Some(d)) => Ok((n, d)),
        _ => Err(AppError::rule(
            "invalid_weight",
            "A college weight has too many digits.",
        )),
    }
}
