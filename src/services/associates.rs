//! Admission, changes and departure of associates. Nobody is deleted;
//! every change is written to the audit log with what changed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::db::models::account::{Account, Role};
use crate::db::models::associate::{Associate, AssociateChanges, NewAssociate};
use crate::db::models::audit;
use crate::db::models::college::College;
use crate::db::{DbConn, now, write_transaction};
use crate::domain::register::{AssociateKind, Category, LeavingReason, Status};
use crate::error::AppError;
use crate::services::accounts;

/// The refusal for an associate who has left the cooperative (withdrawn,
/// excluded, deceased): their login, tokens, links and voting cards no
/// longer work.
pub fn access_ended() -> AppError {
    AppError::forbidden().with_message(
        "This associate has left the cooperative: their login, links and voting cards no longer work.",
    )
}

/// What the API and the pages show of an associate.
#[derive(Serialize, Clone, Debug)]
pub struct AssociateView {
    pub id: i64,
    pub number: i64,
    pub name: String,
    pub email: String,
    pub kind: String,
    pub representative: Option<String>,
    pub address: String,
    pub category: String,
    pub college_id: i64,
    pub admitted_on: NaiveDate,
    pub status: String,
    pub status_on: Option<NaiveDate>,
    pub status_reason: Option<String>,
}

impl From<Associate> for AssociateView {
    fn from(a: Associate) -> AssociateView {
        AssociateView {
            id: a.id,
            number: a.number,
            name: a.name,
            email: a.email,
            kind: a.kind,
            representative: a.representative,
            address: a.address,
            category: a.category,
            college_id: a.college_id,
            admitted_on: a.admitted_on,
            status: a.status,
            status_on: a.status_on,
            status_reason: a.status_reason,
        }
    }
}

/// An admission as typed in a form or sent to the API: text fields, parsed
/// and checked here so both get the same messages.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct AdmissionInput {
    pub name: String,
    pub email: String,
    pub kind: String,
    pub representative: Option<String>,
    #[serde(default)]
    pub address: String,
    pub category: String,
    pub college_id: i64,
    pub admitted_on: String,
    pub password: Option<String>,
}

/// The problems of an input, field by field, in both languages.
#[derive(Serialize, Clone, Debug, Default)]
pub struct FieldErrors(pub Vec<FieldError>);

#[derive(Serialize, Clone, Debug)]
pub struct FieldError {
    pub field: &'static str,
    pub message_fr: String,
    pub message_en: String,
}

impl FieldErrors {
    fn add(&mut self, field: &'static str, fr: impl Into<String>, en: impl Into<String>) {
        self.0.push(FieldError {
            field,
            message_fr: fr.into(),
            message_en: en.into(),
        });
    }

    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let message = self
            .0
            .iter()
            .map(|e| e.message_en.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Err(AppError::rule("invalid_associate", message).with_details(json!(self.0)))
    }
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

struct Checked {
    name: String,
    email: String,
    kind: AssociateKind,
    representative: Option<String>,
    category: Category,
    admitted_on: NaiveDate,
}

fn check(
    conn: &mut DbConn,
    input: &AdmissionInput,
    errors: &mut FieldErrors,
) -> Result<Option<Checked>, AppError> {
    let name = input.name.trim().to_string();
    if name.is_empty() {
        errors.add("name", "Le nom est obligatoire.", "The name is required.");
    }
    let email = accounts::normalize_email(&input.email);
    if email.is_err() {
        errors.add(
            "email",
            "Cette adresse e-mail n'est pas valide.",
            "This e-mail address is not valid.",
        );
    }
    let kind = AssociateKind::parse(&input.kind);
    if kind.is_err() {
        errors.add(
            "kind",
            "Choisissez personne physique ou morale.",
            "Choose a natural person or a legal entity.",
        );
    }
    let representative = input
        .representative
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    if kind == Ok(AssociateKind::Entity) && representative.is_none() {
        errors.add(
            "representative",
            "Une personne morale doit nommer son représentant.",
            "A legal entity must name its representative.",
        );
    }
    let category = Category::parse(&input.category);
    if category.is_err() {
        errors.add("category", "Catégorie inconnue.", "Unknown category.");
    }
    if !College::current(conn)?
        .iter()
        .any(|c| c.id == input.college_id)
    {
        errors.add(
            "college_id",
            "Choisissez un collège existant.",
            "Choose an existing college.",
        );
    }
    let admitted_on = parse_date(&input.admitted_on);
    if admitted_on.is_err() {
        errors.add(
            "admitted_on",
            "Date d'admission invalide (AAAA-MM-JJ).",
            "Invalid admission date (YYYY-MM-DD).",
        );
    }
    Ok(match (email, kind, category, admitted_on) {
        (Ok(email), Ok(kind), Ok(category), Ok(admitted_on)) if errors.0.is_empty() => {
            Some(Checked {
                name,
                email,
                kind,
                representative: if kind == AssociateKind::Entity {
                    representative
                } else {
                    None
                },
                category,
                admitted_on,
            })
        }
        _ => None,
    })
}

/// Admits an associate: a new number (never reused), an optional login,
/// and a line in the audit log, in one transaction.
pub fn admit(
    conn: &mut DbConn,
    account_id: Option<i64>,
    input: &AdmissionInput,
) -> Result<AssociateView, AppError> {
    write_transaction(conn, |conn| {
        let mut errors = FieldErrors::default();
        let checked = check(conn, input, &mut errors)?;
        let password = input.password.as_deref().filter(|p| !p.is_empty());
        if let Some((fr, en)) = password.and_then(accounts::password_refusal) {
            errors.add("password", fr, en);
        }
        errors.into_result()?;
        let Some(c) = checked else {
            return Err(AppError::rule(
                "invalid_associate",
                "The associate is not valid.",
            ));
        };
        if password.is_some() && Account::by_email(conn, &c.email)?.is_some() {
            return Err(AppError::conflict(
                "email_taken",
                "An account already uses this e-mail address.",
            ));
        }
        let now = now();
        let new = NewAssociate {
            number: Associate::next_number(conn)?,
            kind: c.kind.code().into(),
            name: c.name,
            representative: c.representative,
            email: c.email,
            address: input.address.trim().to_string(),
            category: c.category.code().into(),
            college_id: input.college_id,
            admitted_on: c.admitted_on,
            status: Status::Active.code().into(),
            created_at: now,
            updated_at: now,
        };
        let id = Associate::insert(conn, &new)?;
        if let Some(p) = password {
            let hash = accounts::hash_password(p).map_err(AppError::internal)?;
            let account = Account::upsert(conn, &new.email, &hash, Role::Associate, now)?;
            Account::link_associate(conn, account, id)?;
        }
        let view = found(Associate::by_id(conn, id)?)?;
        audit::record(
            conn,
            account_id,
            "associate",
            Some(id),
            "admitted",
            &json!(view),
            now,
        )?;
        Ok(view)
    })
}

fn found(a: Option<Associate>) -> Result<AssociateView, AppError> {
    a.map(AssociateView::from)
        .ok_or_else(|| AppError::not_found("associate"))
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<AssociateView, AppError> {
    found(Associate::by_id(conn, id)?)
}

/// The identity fields a PATCH may change; the status changes through
/// `withdraw` only, so that leaving is always dated and explained.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct AssociatePatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub kind: Option<String>,
    pub representative: Option<String>,
    pub address: Option<String>,
    pub category: Option<String>,
    pub college_id: Option<i64>,
    pub admitted_on: Option<String>,
}

pub fn update(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
    patch: &AssociatePatch,
) -> Result<AssociateView, AppError> {
    write_transaction(conn, |conn| {
        let before = get(conn, id)?;
        let input = AdmissionInput {
            name: patch.name.clone().unwrap_or_else(|| before.name.clone()),
            email: patch.email.clone().unwrap_or_else(|| before.email.clone()),
            kind: patch.kind.clone().unwrap_or_else(|| before.kind.clone()),
            representative: patch
                .representative
                .clone()
                .or_else(|| before.representative.clone()),
            address: patch
                .address
                .clone()
                .unwrap_or_else(|| before.address.clone()),
            category: patch
                .category
                .clone()
                .unwrap_or_else(|| before.category.clone()),
            college_id: patch.college_id.unwrap_or(before.college_id),
            admitted_on: patch
                .admitted_on
                .clone()
                .unwrap_or_else(|| before.admitted_on.to_string()),
            password: None,
        };
        let mut errors = FieldErrors::default();
        let checked = check(conn, &input, &mut errors)?;
        errors.into_result()?;
        let Some(c) = checked else {
            return Err(AppError::rule(
                "invalid_associate",
                "The associate is not valid.",
            ));
        };
        let changes = AssociateChanges {
            kind: Some(c.kind.code().into()),
            name: Some(c.name),
            representative: Some(c.representative),
            email: Some(c.email),
            address: Some(input.address.trim().to_string()),
            category: Some(c.category.code().into()),
            college_id: Some(input.college_id),
            admitted_on: Some(c.admitted_on),
            updated_at: Some(now()),
            ..Default::default()
        };
        Associate::update(conn, id, &changes)?;
        let after = get(conn, id)?;
        let diff = differences(&json!(before), &json!(after));
        if !diff.as_object().is_some_and(|d| d.is_empty()) {
            audit::record(
                conn,
                account_id,
                "associate",
                Some(id),
                "updated",
                &diff,
                now(),
            )?;
        }
        Ok(after)
    })
}

/// `{"field": {"from": …, "to": …}}` for every field that changed.
fn differences(before: &Value, after: &Value) -> Value {
    let mut diff = serde_json::Map::new();
    if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
        for (key, new) in a {
            let old = b.get(key).unwrap_or(&Value::Null);
            if old != new {
                diff.insert(key.clone(), json!({"from": old, "to": new}));
            }
        }
    }
    Value::Object(diff)
}

/// Records a departure: a dated status change only (repaying the shares is a
/// later redemption movement).
pub fn withdraw(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
    on: &str,
    reason: &str,
) -> Result<AssociateView, AppError> {
    write_transaction(conn, |conn| {
        let before = get(conn, id)?;
        if before.status != Status::Active.code() {
            return Err(AppError::conflict(
                "not_active",
                "This associate has already left the cooperative.",
            ));
        }
        let reason =
            LeavingReason::parse(reason).map_err(|e| AppError::rule("invalid_reason", e))?;
        let on = parse_date(on).map_err(|e| AppError::rule("invalid_date", e))?;
        if on < before.admitted_on {
            return Err(AppError::rule(
                "invalid_date",
                "An associate cannot leave before their admission.",
            ));
        }
        let changes = AssociateChanges {
            status: Some(reason.status().code().into()),
            status_on: Some(Some(on)),
            status_reason: Some(Some(reason.code().into())),
            updated_at: Some(now()),
            ..Default::default()
        };
        Associate::update(conn, id, &changes)?;
        let after = get(conn, id)?;
        audit::record(
            conn,
            account_id,
            "associate",
            Some(id),
            "left",
            &json!({"on": on, "reason": reason.code()}),
            now(),
        )?;
        Ok(after)
    })
}
