//! What the register's page handlers share: the answers they give (a page,
//! a redirect after a change), money typed in euros, and the problems of a
//! refused form in both languages.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use maud::Markup;
use serde_json::Value;

use crate::db::models::account::Role;
use crate::error::AppError;
use crate::web::views::components::Problems;

/// Who keeps and reads the register.
pub const STAFF: &[Role] = &[Role::Admin, Role::Secretary];

/// A page, with the status of the answer (422 when a form is refused).
pub fn page(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// After a change: back to a page with `?done=CODE`, which shows the flash.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Euros as people type them: "100", "100,50", "1 234,5 €", "100.50" →
/// cents. Negative amounts and more than two decimals are refused.
pub fn parse_euros(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (whole, decimals) = match cleaned.split_once('.') {
        Some((whole, decimals)) if digits(decimals) && decimals.len() <= 2 => (whole, decimals),
        Some(_) => return None,
        None => (cleaned.as_str(), ""),
    };
    if !digits(whole) {
        return None;
    }
    let euros: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{decimals:0<2}").parse().ok()?;
    euros.checked_mul(100)?.checked_add(cents)
}

/// Cents as an input's value: "100" or "100,50" (French decimal comma, which
/// `parse_euros` reads back).
pub fn euros_input(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{},{:02}", cents / 100, (cents % 100).abs())
    }
}

/// The problems a refused change carries: the bilingual `details` of the
/// service (field errors, broken capital rules), else its one sentence.
pub fn problems(err: &AppError) -> Problems {
    let mut found = Problems::default();
    if let Some(Value::Array(items)) = &err.details {
        for item in items {
            if let (Some(fr), Some(en)) = (item["message_fr"].as_str(), item["message_en"].as_str())
            {
                found.add(item["field"].as_str(), fr, en);
            }
        }
    }
    if found.is_empty() {
        found.add(None, french(err), err.message.clone());
    }
    found
}

/// The French of the services' sentences that exist only in English.
fn french(err: &AppError) -> String {
    let fr = match (err.code, err.message.as_str()) {
        (_, "An associate cannot leave before their admission.") => {
            "Un associé ne peut pas partir avant son admission."
        }
        ("invalid_name", _) => "La coopérative doit avoir un nom.",
        ("invalid_share_value", _) => "La valeur nominale d'une part doit être positive.",
        ("shares_exist", _) => {
            "La valeur nominale ne peut plus changer une fois des parts enregistrées : il faut une assemblée extraordinaire et la réévaluation de chaque détention."
        }
        ("invalid_floor", _) => "Le plancher statutaire du capital ne peut pas être négatif.",
        ("not_active", _) => "Cet associé a déjà quitté la coopérative.",
        ("invalid_reason", _) => "Motif de départ inconnu.",
        ("invalid_date", _) => "Date invalide (AAAA-MM-JJ).",
        ("before_admission", _) => "Un mouvement ne peut pas précéder l'admission de l'associé.",
        ("unknown_recipient", _) => "L'associé destinataire n'existe pas.",
        ("email_taken", _) => "Un compte utilise déjà cette adresse e-mail.",
        ("bad_request", _) => "Demande mal formée.",
        _ => return err.message.clone(),
    };
    fr.to_string()
}

/// A refusal to show on the form (a rule, a conflict, bad input), or an
/// error to answer as an error page (not found, forbidden, server).
pub fn is_refusal(err: &AppError) -> bool {
    matches!(err.status.as_u16(), 400 | 409 | 422)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_read_as_the_french_write_them() {
        assert_eq!(parse_euros("100"), Some(10_000));
        assert_eq!(parse_euros("100,50"), Some(10_050));
        assert_eq!(parse_euros("100,5"), Some(10_050));
        assert_eq!(parse_euros(" 1 234,56 € "), Some(123_456));
        assert_eq!(parse_euros("18\u{202f}500"), Some(1_850_000));
        assert_eq!(parse_euros("100.05"), Some(10_005));
        assert_eq!(parse_euros("0"), Some(0));
        for bad in [
            "",
            "-5",
            "1,234",
            "abc",
            "10,",
            "1.2.3",
            "99999999999999999999",
        ] {
            assert_eq!(parse_euros(bad), None, "{bad}");
        }
    }

    #[test]
    fn cents_round_trip_through_the_input() {
        for cents in [0, 5, 10_000, 10_050, 123_456] {
            assert_eq!(parse_euros(&euros_input(cents)), Some(cents));
        }
        assert_eq!(euros_input(10_050), "100,50");
    }
}
