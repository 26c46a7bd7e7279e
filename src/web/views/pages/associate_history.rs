//! The history of an associate, from the audit log: each line's JSON
//! details told as a sentence ("adresse : « » → « 3 rue des Lilas »").

use std::collections::BTreeMap;

use chrono::NaiveDate;
use maud::{Markup, html};
use serde_json::Value;

use crate::db::models::college::College;
use crate::domain::capital::MovementKind;
use crate::web::i18n::Lang;
use crate::web::views::components::{self, category_label, kind_label, status_label};

/// One line of the audit log about the associate.
pub struct HistoryLine {
    pub at: chrono::NaiveDateTime,
    /// The e-mail of the account that made the change, if known.
    pub who: Option<String>,
    pub action: String,
    pub details: Value,
}

/// What the sentences need to name things.
pub struct Names<'a> {
    pub associates: &'a BTreeMap<i64, String>,
    pub colleges: &'a [College],
}

pub fn leaving_reason(lang: Lang, code: &str) -> String {
    match code {
        "withdrawal" => lang.tr("retrait", "withdrawal"),
        "exclusion" => lang.tr("exclusion", "exclusion"),
        "death" => lang.tr("décès", "death"),
        other => other,
    }
    .to_string()
}

pub fn movement_label(lang: Lang, code: &str) -> String {
    match MovementKind::parse(code) {
        Ok(k) => capitalize(lang.tr(k.label_fr(), k.label_en())),
        Err(_) => code.to_string(),
    }
}

/// "souscription" → "Souscription".
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub fn table(lang: Lang, lines: &[HistoryLine], names: &Names) -> Markup {
    html! {
        @if lines.is_empty() {
            p.muted { (lang.tr("Aucun changement enregistré.", "No change recorded.")) }
        } @else {
            div.table-scroll {
                table {
                    thead { tr {
                        th scope="col" { (lang.tr("Date", "Date")) }
                        th scope="col" { (lang.tr("Par", "By")) }
                        th scope="col" { (lang.tr("Changement", "Change")) }
                    } }
                    tbody {
                        @for line in lines {
                            tr {
                                td { (crate::web::views::labels::when(lang, line.at)) }
                                td { (line.who.as_deref().unwrap_or("—")) }
                                td { (describe(lang, line, names)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn describe(lang: Lang, line: &HistoryLine, names: &Names) -> Markup {
    let d = &line.details;
    match line.action.as_str() {
        "admitted" => html! {
            (lang.tr("Admission", "Admission"))
            @if let Some(n) = d["number"].as_i64() { " — " (lang.tr("n°", "no.")) " " (n) }
        },
        "updated" => html! {
            (lang.tr("Modification", "Change"))
            ul.changes {
                @for (field, change) in d.as_object().into_iter().flatten() {
                    li {
                        (field_label(lang, field)) " : "
                        (quoted(&value_text(lang, field, &change["from"], names))) " → "
                        (quoted(&value_text(lang, field, &change["to"], names)))
                    }
                }
            }
        },
        "left" => html! {
            (lang.tr("Départ", "Departure")) " ("
            (leaving_reason(lang, d["reason"].as_str().unwrap_or_default())) ")"
            @if let Some(on) = date_of(&d["on"]) { " " (lang.tr("le", "on")) " " (components::date(lang, on)) }
        },
        "share_movement" => {
            let kind = d["movement"].as_str().unwrap_or_default();
            let name = |key: &str| {
                d[key]
                    .as_i64()
                    .and_then(|id| names.associates.get(&id))
                    .cloned()
            };
            html! {
                (movement_label(lang, kind))
                @if kind != "payment" { " — " (d["shares"].as_i64().unwrap_or(0)) " " (lang.tr("part(s)", "share(s)")) }
                " — " (components::euros(lang, d["amount_cents"].as_i64().unwrap_or(0)))
                @if let Some(on) = date_of(&d["on"]) { " — " (components::date(lang, on)) }
                @if let (Some(from), Some(to)) = (name("associate_id"), name("to_associate_id")) {
                    " — " (from) " → " (to)
                }
            }
        }
        "voting_card_issued" => {
            let what = match d["purpose"].as_str().unwrap_or_default() {
                "check_in" => lang.tr("Lien de vote (émargement)", "Voting link (check-in)"),
                _ => lang.tr("Carte de vote émise", "Voting card issued"),
            };
            html! {
                (what) " — " (lang.tr("assemblée n°", "assembly no.")) " "
                (d["assembly_id"].as_i64().unwrap_or(0))
                @if d["replaced"].as_i64().unwrap_or(0) > 0 {
                    " (" (lang.tr("remplace la précédente", "replaces the previous one")) ")"
                }
            }
        }
        other => html! { (other) " " code { (d.to_string()) } },
    }
}

/// « text », and « » for nothing.
fn quoted(text: &str) -> String {
    if text.is_empty() {
        "« »".to_string()
    } else {
        format!("« {text} »")
    }
}

fn date_of(v: &Value) -> Option<NaiveDate> {
    v.as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn field_label(lang: Lang, field: &str) -> String {
    let (fr, en) = match field {
        "name" => ("nom", "name"),
        "email" => ("e-mail", "e-mail"),
        "kind" => ("type", "kind"),
        "representative" => ("représentant", "representative"),
        "address" => ("adresse", "address"),
        "category" => ("catégorie", "category"),
        "college_id" => ("collège", "college"),
        "admitted_on" => ("date d'admission", "admission date"),
        "status" => ("statut", "status"),
        "status_on" => ("date du statut", "status date"),
        "status_reason" => ("motif", "reason"),
        other => return other.to_string(),
    };
    lang.tr(fr, en).to_string()
}

fn value_text(lang: Lang, field: &str, value: &Value, names: &Names) -> String {
    let text = match value {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match field {
        "category" => category_label(lang, &text),
        "kind" => kind_label(lang, &text),
        "status" => status_label(lang, &text),
        "status_reason" => leaving_reason(lang, &text),
        "college_id" => value
            .as_i64()
            .and_then(|id| names.colleges.iter().find(|c| c.id == id))
            .map_or(text, |c| c.name.clone()),
        "admitted_on" | "status_on" => date_of(value).map_or(text, |d| components::date(lang, d)),
        _ => text,
    }
}
