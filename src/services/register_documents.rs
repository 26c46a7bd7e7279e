//! Register documents (issue 5, item 7): an associate's share certificate
//! (attestation de détention de parts) and the register of associates, in
//! HTML and PDF, each from one set of facts through `templates/register/`.
//! Amounts are written the French way here (`1 500,00 €`): templates only
//! place them.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::db::DbConn;
use crate::db::models::associate::Associate;
use crate::db::models::college::College;
use crate::domain::capital::{self, MovementKind, format_euros_fr};
use crate::domain::register::{AssociateKind, Category, Status};
use crate::error::AppError;
use crate::services::associates::{self, AssociateView};
use crate::services::minutes::{Document, Format};
use crate::services::{cooperative, shares, typeset};
use crate::templates::Templates;

#[derive(Serialize, Clone, Debug)]
pub struct CooperativeLine {
    pub name: String,
    pub legal_form: String,
    pub registered_office: String,
    pub share_value: String,
}

/// One associate as the register lists them.
#[derive(Serialize, Clone, Debug)]
pub struct AssociateLine {
    pub number: i64,
    pub name: String,
    pub kind: String,
    pub representative: Option<String>,
    pub address: String,
    pub category: String,
    pub college: String,
    pub admitted_on: String,
    pub status: String,
    pub status_on: Option<String>,
    pub shares: i64,
    pub subscribed: String,
    pub paid: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct MovementLine {
    pub on: String,
    pub movement: String,
    pub shares: i64,
    pub amount: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct Certificate {
    pub cooperative: CooperativeLine,
    pub associate: AssociateLine,
    pub movements: Vec<MovementLine>,
    pub printed_on: String,
}

#[derive(Serialize, Clone, Debug)]
pub struct Register {
    pub cooperative: CooperativeLine,
    pub associates: Vec<AssociateLine>,
    pub total_shares: i64,
    pub total_subscribed: String,
    pub total_paid: String,
    pub printed_on: String,
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn cooperative_line(conn: &mut DbConn) -> Result<(CooperativeLine, i64), AppError> {
    let coop = cooperative::load(conn)?;
    let legal_form = serde_json::to_value(coop.legal_form)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    Ok((
        CooperativeLine {
            name: coop.name,
            legal_form,
            registered_office: coop.registered_office,
            share_value: format_euros_fr(coop.share_value_cents),
        },
        coop.share_value_cents,
    ))
}

fn label<T>(code: &str, parse: fn(&str) -> Result<T, String>, fr: fn(T) -> &'static str) -> String {
    parse(code).map(fr).unwrap_or(code).to_string()
}

fn line(a: AssociateView, colleges: &[College], holding: capital::Holding) -> AssociateLine {
    AssociateLine {
        number: a.number,
        kind: label(&a.kind, AssociateKind::parse, AssociateKind::label_fr),
        representative: a.representative,
        address: a.address,
        category: label(&a.category, Category::parse, Category::label_fr),
        college: colleges
            .iter()
            .find(|c| c.id == a.college_id)
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        admitted_on: a.admitted_on.to_string(),
        status: label(&a.status, Status::parse, Status::label_fr),
        status_on: a.status_on.map(|d| d.to_string()),
        shares: holding.shares,
        subscribed: format_euros_fr(holding.subscribed_cents),
        paid: format_euros_fr(holding.paid_cents),
        name: a.name,
    }
}

/// The certificate of what `associate_id` holds today, with their movements.
pub fn certificate_facts(conn: &mut DbConn, associate_id: i64) -> Result<Certificate, AppError> {
    let a = associates::get(conn, associate_id)?;
    let (cooperative, share_value) = cooperative_line(conn)?;
    let colleges = College::all(conn)?;
    let ledger = shares::ledger(conn)?;
    let holding = capital::holdings(&ledger, share_value, None)
        .get(&associate_id)
        .copied()
        .unwrap_or_default();
    let movements = ledger
        .iter()
        .filter(|m| m.associate_id == associate_id || m.to_associate_id == Some(associate_id))
        .map(|m| MovementLine {
            on: m.on.to_string(),
            movement: match (m.kind, m.to_associate_id == Some(associate_id)) {
                (MovementKind::Transfer, true) => "cession reçue".into(),
                (kind, _) => kind.label_fr().to_string(),
            },
            shares: m.shares,
            amount: format_euros_fr(m.amount_cents),
        })
        .collect();
    Ok(Certificate {
        cooperative,
        associate: line(a, &colleges, holding),
        movements,
        printed_on: today().to_string(),
    })
}

/// Every associate ever admitted, by number, with what they hold today.
pub fn register_facts(conn: &mut DbConn) -> Result<Register, AppError> {
    let (cooperative, share_value) = cooperative_line(conn)?;
    let everyone = Associate::list(conn, &Default::default())?;
    let colleges = College::all(conn)?;
    let ledger = shares::ledger(conn)?;
    let held = capital::holdings(&ledger, share_value, None);
    let totals = capital::totals(&ledger, share_value, None);
    Ok(Register {
        cooperative,
        associates: everyone
            .into_iter()
            .map(|a| {
                let holding = held.get(&a.id).copied().unwrap_or_default();
                line(AssociateView::from(a), &colleges, holding)
            })
            .collect(),
        total_shares: totals.shares,
        total_subscribed: format_euros_fr(totals.subscribed_cents),
        total_paid: format_euros_fr(totals.paid_cents),
        printed_on: today().to_string(),
    })
}

fn render(
    templates: &Templates,
    document: &str,
    facts: &impl Serialize,
    format: Format,
    filename: String,
) -> Result<Document, AppError> {
    let mut ctx: Value = serde_json::to_value(facts).map_err(|e| AppError::internal(e.into()))?;
    let failed = |e: crate::templates::TemplateError| {
        AppError::new(
            actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
            "template_error",
            e.to_string(),
        )
    };
    let body = match format {
        Format::Html => templates
            .render(&format!("register/{document}.html.j2"), &ctx)
            .map_err(failed)?
            .into_bytes(),
        Format::Pdf => {
            typeset::with_dates(&mut ctx, true);
            typeset::pdf(templates, &format!("register/{document}.typ"), &ctx).map_err(failed)?
        }
        _ => {
            return Err(AppError::bad_request("This document comes as html or pdf."));
        }
    };
    Ok(Document {
        body,
        format,
        filename: format!(
            "{filename}.{}",
            if format == Format::Pdf { "pdf" } else { "html" }
        ),
    })
}

/// The share certificate of an associate, HTML or PDF.
pub fn certificate(
    conn: &mut DbConn,
    templates: &Templates,
    associate_id: i64,
    format: Format,
) -> Result<Document, AppError> {
    let facts = certificate_facts(conn, associate_id)?;
    let name = format!("attestation-parts-{}", facts.associate.number);
    render(templates, "certificate", &facts, format, name)
}

/// The register of associates, HTML or PDF.
pub fn register(
    conn: &mut DbConn,
    templates: &Templates,
    format: Format,
) -> Result<Document, AppError> {
    let facts = register_facts(conn)?;
    render(
        templates,
        "register",
        &facts,
        format,
        "registre-associes".into(),
    )
}
