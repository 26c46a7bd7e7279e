//! `/settings` (administrators): the cooperative and its statutory rules.

use actix_web::http::StatusCode;
use actix_web::web;
use serde_json::{Map, Value, json};

use crate::db::models::account::Role;
use crate::domain::fraction::{format_fraction, parse_fraction};
use crate::domain::rules::LegalForm;
use crate::error::AppError;
use crate::services::cooperative::{self, Cooperative, CooperativePatch};
use crate::web::AppState;
use crate::web::handlers::dashboard::DoneQuery;
use crate::web::handlers::forms::{self, euros_input, page, parse_euros, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::components::Problems;
use crate::web::views::pages::settings::{self, SettingsValues};

pub async fn form(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    query: web::Query<DoneQuery>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let coop = state.db.run(cooperative::load).await?;
    let values = values_of(&coop);
    let body = settings::view(
        lang,
        &user,
        &values,
        &Problems::default(),
        query.done.as_deref(),
    );
    Ok(page(StatusCode::OK, body))
}

pub async fn save(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    form: web::Form<SettingsValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(&[Role::Admin])?.id;
    let values = form.into_inner();
    let current = state.db.run(cooperative::load).await?;
    let (patch, problems) = patch_of(&values, &current);
    let refused = if problems.is_empty() {
        match state
            .db
            .run(move |conn| cooperative::update(conn, account_id, patch))
            .await
        {
            Ok(_) => return Ok(see_other("/settings?done=saved")),
            Err(e) if forms::is_refusal(&e) => (e.status, service_problems(&e)),
            Err(e) => return Err(e.into()),
        }
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, problems)
    };
    let body = settings::view(lang, &user, &values, &refused.1, None);
    Ok(page(refused.0, body))
}

/// The stored cooperative as the form shows it.
fn values_of(c: &Cooperative) -> SettingsValues {
    let rules = &c.rules;
    let code = |v: Value| v.as_str().unwrap_or_default().to_string();
    let on = |b: bool| if b { "on".to_string() } else { String::new() };
    SettingsValues {
        csrf: String::new(),
        name: c.name.clone(),
        legal_form: code(json!(c.legal_form)),
        registered_office: c.registered_office.clone(),
        share_value: euros_input(c.share_value_cents),
        statutory_floor: euros_input(c.statutory_floor_cents),
        weighted_by_default: on(c.weighted_by_default),
        ordinary_quorum_first_call: format_fraction(&rules.ordinary.quorum_first_call),
        ordinary_quorum_second_call: format_fraction(&rules.ordinary.quorum_second_call),
        ordinary_majority: format_fraction(&rules.ordinary.majority),
        ordinary_comparison: code(json!(rules.ordinary.comparison)),
        extraordinary_quorum_first_call: format_fraction(&rules.extraordinary.quorum_first_call),
        extraordinary_quorum_second_call: format_fraction(&rules.extraordinary.quorum_second_call),
        extraordinary_majority: format_fraction(&rules.extraordinary.majority),
        extraordinary_comparison: code(json!(rules.extraordinary.comparison)),
        abstentions: code(json!(rules.abstentions)),
        empty_college: code(json!(rules.empty_college)),
        proxies_per_holder: rules
            .proxies_per_holder
            .map(|n| n.to_string())
            .unwrap_or_default(),
        remote_participation: on(rules.remote_participation),
    }
}

/// The patch to send: the plain fields, the legal form, and only the rules
/// that differ from the stored ones. So changing the form select alone
/// sends the form alone, and the service restores that form's defaults;
/// a rule changed at the same time is applied on top of them.
fn patch_of(v: &SettingsValues, current: &Cooperative) -> (CooperativePatch, Problems) {
    let mut problems = Problems::default();
    let mut money = |field: &str, text: &str| {
        let cents = parse_euros(text);
        if cents.is_none() {
            problems.add(
                Some(field),
                "Montant invalide : écrivez par exemple 100 ou 100,50.",
                "Invalid amount: write for instance 100 or 100.50.",
            );
        }
        cents
    };
    let share_value_cents = money("share_value", &v.share_value);
    let statutory_floor_cents = money("statutory_floor", &v.statutory_floor);
    let legal_form = serde_json::from_value::<LegalForm>(json!(v.legal_form)).ok();
    if legal_form.is_none() {
        problems.add(
            Some("legal_form"),
            "Forme juridique inconnue.",
            "Unknown legal form.",
        );
    }
    let typed = typed_rules(v, &mut problems);
    let stored = serde_json::to_value(&current.rules).unwrap_or(Value::Null);
    let mut changed = Map::new();
    for (kind, fields) in &typed {
        let mut section = Map::new();
        for (key, value) in fields {
            let before = match kind.as_str() {
                "" => &stored[key.as_str()],
                k => &stored[k][key.as_str()],
            };
            if before != value {
                section.insert(key.clone(), value.clone());
            }
        }
        match kind.as_str() {
            "" => changed.extend(section),
            _ if section.is_empty() => {}
            k => {
                changed.insert(k.to_string(), Value::Object(section));
            }
        }
    }
    let patch = CooperativePatch {
        name: Some(v.name.clone()),
        legal_form,
        registered_office: Some(v.registered_office.clone()),
        share_value_cents,
        statutory_floor_cents,
        weighted_by_default: Some(v.weighted_by_default == "on"),
        rules: (!changed.is_empty()).then_some(Value::Object(changed)),
    };
    (patch, problems)
}

type Section = (String, Vec<(String, Value)>);

/// The rules as typed, in the JSON shape of CONTRACT.md, grouped by section
/// ("" for the top level); a value that cannot be read is a problem.
fn typed_rules(v: &SettingsValues, problems: &mut Problems) -> Vec<Section> {
    let ordinary = majority(
        "ordinary",
        [
            &v.ordinary_quorum_first_call,
            &v.ordinary_quorum_second_call,
            &v.ordinary_majority,
        ],
        &v.ordinary_comparison,
        problems,
    );
    let extraordinary = majority(
        "extraordinary",
        [
            &v.extraordinary_quorum_first_call,
            &v.extraordinary_quorum_second_call,
            &v.extraordinary_majority,
        ],
        &v.extraordinary_comparison,
        problems,
    );
    let proxies = match v.proxies_per_holder.trim() {
        "" => Value::Null,
        text => match text.parse::<u32>() {
            Ok(n) => json!(n),
            Err(_) => {
                problems.add(
                    Some("proxies_per_holder"),
                    "Un nombre entier, ou vide pour aucune limite.",
                    "A whole number, or empty for no limit.",
                );
                Value::Null
            }
        },
    };
    let choices = [
        (
            "ordinary_comparison",
            &v.ordinary_comparison,
            &["greater", "at_least"][..],
        ),
        (
            "extraordinary_comparison",
            &v.extraordinary_comparison,
            &["greater", "at_least"][..],
        ),
        ("abstentions", &v.abstentions, &["excluded", "against"][..]),
        (
            "empty_college",
            &v.empty_college,
            &["renormalise", "total"][..],
        ),
    ];
    for (field, value, allowed) in choices {
        if !allowed.contains(&value.as_str()) {
            problems.add(Some(field), "Choix inconnu.", "Unknown choice.");
        }
    }
    vec![
        ordinary,
        extraordinary,
        (
            String::new(),
            vec![
                ("abstentions".into(), json!(v.abstentions)),
                ("empty_college".into(), json!(v.empty_college)),
                ("proxies_per_holder".into(), proxies),
                (
                    "remote_participation".into(),
                    json!(v.remote_participation == "on"),
                ),
            ],
        ),
    ]
}

/// One kind of decision: its two quorums and majority (fractions) and the
/// comparison.
fn majority(prefix: &str, texts: [&str; 3], comparison: &str, problems: &mut Problems) -> Section {
    let keys = ["quorum_first_call", "quorum_second_call", "majority"];
    let mut fields: Vec<(String, Value)> = keys
        .iter()
        .zip(texts)
        .map(|(key, text)| {
            let value = match parse_fraction(text) {
                Ok(f) => json!(format_fraction(&f)),
                Err(e) => {
                    problems.add(
                        Some(&format!("{prefix}_{key}")),
                        "Écrivez une fraction comme 1/5, 2/3 ou 0/1 (aucun quorum).",
                        format!("Write a fraction such as 1/5, 2/3 or 0/1 (no quorum): {e}."),
                    );
                    Value::Null
                }
            };
            (key.to_string(), value)
        })
        .collect();
    fields.push(("comparison".into(), json!(comparison)));
    (prefix.to_string(), fields)
}

/// The service's refusal, beside the field it concerns.
fn service_problems(e: &AppError) -> Problems {
    let field = match e.code {
        "invalid_name" => Some("name"),
        "invalid_share_value" | "shares_exist" => Some("share_value"),
        "invalid_floor" => Some("statutory_floor"),
        _ => None,
    };
    let Some(Value::Array(rules)) = e.details.as_ref().filter(|_| e.code == "invalid_rules") else {
        let mut found = Problems::default();
        for p in forms::problems(e).0 {
            found.add(field.or(p.field.as_deref()), p.fr, p.en);
        }
        return found;
    };
    let mut found = Problems::default();
    for rule in rules.iter().filter_map(Value::as_str) {
        // "ordinary.majority must lie between 0/1 and 1/1" → field `ordinary_majority`.
        let path = rule
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .replace('.', "_");
        let fr = if rule.contains("between") {
            "Doit être comprise entre 0/1 et 1/1."
        } else if rule.contains("above") {
            "Doit être supérieure à 0/1."
        } else {
            "Au moins 1, ou vide pour aucune limite."
        };
        found.add(Some(path.as_str()), fr, rule);
    }
    found
}
