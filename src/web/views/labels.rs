//! How the pages of an assembly write its facts: instants in words, kinds,
//! statuses, percentages, the verdict of a resolution, the flash after an
//! action.

use chrono::{Datelike, NaiveDateTime, Timelike};
use maud::{Markup, html};
use serde_json::Value;

use crate::services::assemblies::local;
use crate::web::i18n::Lang;

const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A stored (UTC) instant in the cooperative's time zone, in words:
/// "12 mars 2026 à 14 h 00" / "12 March 2026 at 14:00".
pub fn when(lang: Lang, utc: NaiveDateTime) -> String {
    let t = local(utc);
    let month = t.month0() as usize;
    match lang {
        Lang::Fr => format!(
            "{} {} {} à {} h {:02}",
            t.day(),
            MOIS[month],
            t.year(),
            t.hour(),
            t.minute()
        ),
        Lang::En => format!(
            "{} {} {} at {:02}:{:02}",
            t.day(),
            MONTHS[month],
            t.year(),
            t.hour(),
            t.minute()
        ),
    }
}

/// The value of a `datetime-local` input for a stored instant.
pub fn datetime_input(utc: NaiveDateTime) -> String {
    local(utc).format("%Y-%m-%dT%H:%M").to_string()
}

pub fn kind(lang: Lang, code: &str) -> &'static str {
    match code {
        "ordinary" => lang.tr("Ordinaire", "Ordinary"),
        "extraordinary" => lang.tr("Extraordinaire", "Extraordinary"),
        "combined" => lang.tr(
            "Mixte (ordinaire et extraordinaire)",
            "Combined (ordinary and extraordinary)",
        ),
        _ => "—",
    }
}

pub fn assembly_status(lang: Lang, code: &str) -> &'static str {
    match code {
        "draft" => lang.tr("En préparation", "In preparation"),
        "convened" => lang.tr("Convoquée", "Convened"),
        "open" => lang.tr("En séance", "In session"),
        "closed" => lang.tr("Clôturée", "Closed"),
        _ => "—",
    }
}

pub fn resolution_status(lang: Lang, code: &str) -> &'static str {
    match code {
        "draft" => lang.tr("Pas encore soumise au vote", "Not yet put to the vote"),
        "open" => lang.tr("Vote en cours", "Voting"),
        "closed" => lang.tr("Vote clos", "Vote closed"),
        _ => "—",
    }
}

pub fn majority(lang: Lang, code: &str) -> &'static str {
    match code {
        "extraordinary" => lang.tr("Majorité extraordinaire", "Extraordinary majority"),
        _ => lang.tr("Majorité ordinaire", "Ordinary majority"),
    }
}

pub fn choice(lang: Lang, code: &str) -> &'static str {
    match code {
        "for" => lang.tr("Pour", "For"),
        "against" => lang.tr("Contre", "Against"),
        "abstain" => lang.tr("Abstention", "Abstain"),
        _ => "—",
    }
}

/// "57.50" → "57,50 %" in French, "57.50 %" in English.
pub fn percent(lang: Lang, two_decimals: &str) -> String {
    match lang {
        Lang::Fr => format!("{} %", two_decimals.replace('.', ",")),
        Lang::En => format!("{two_decimals} %"),
    }
}

/// The verdict of a frozen result: "adoptée à 57,50 %" / "rejetée".
pub fn verdict(lang: Lang, result: &Value) -> String {
    let share = percent(lang, result["for_percent"].as_str().unwrap_or("0.00"));
    match (
        result["adopted"].as_bool(),
        result["quorum_reached"].as_bool(),
    ) {
        (Some(true), _) => match lang {
            Lang::Fr => format!("adoptée à {share}"),
            Lang::En => format!("adopted with {share}"),
        },
        (_, Some(false)) => lang
            .tr("rejetée (quorum non atteint)", "rejected (no quorum)")
            .to_string(),
        _ => lang.tr("rejetée", "rejected").to_string(),
    }
}

/// What an e-mail of the outbox is, by its template.
pub fn mail_template(lang: Lang, template: &str) -> &'static str {
    match template {
        "convocation" => lang.tr("Convocation", "Convocation"),
        "ballot_by_proxy" => lang.tr("Avis de vote par mandataire", "Proxy ballot notice"),
        "login_link" => lang.tr("Lien de connexion", "Login link"),
        "password_reset" => lang.tr("Nouveau mot de passe", "Password reset"),
        _ => lang.tr("Courriel", "E-mail"),
    }
}

/// The message after an action on an assembly (`?done=CODE`).
pub fn flash(lang: Lang, done: Option<&str>) -> Markup {
    let text = match done {
        Some("created") => lang.tr("Assemblée créée.", "Assembly created."),
        Some("bureau") => lang.tr("Bureau enregistré.", "Bureau saved."),
        Some("resolution") => lang.tr("Résolution ajoutée.", "Resolution added."),
        Some("convened") => lang.tr(
            "Assemblée convoquée : les convocations partent (l'envoi se poursuit en arrière-plan).",
            "Assembly convened: the convocations are on their way (sending goes on in the background).",
        ),
        Some("mail_resent") => lang.tr(
            "Le courriel est remis en file d'envoi.",
            "The e-mail is queued to be sent again.",
        ),
        Some("opened") => lang.tr("Séance ouverte.", "Session opened."),
        Some("closed") => lang.tr("Séance close.", "Session closed."),
        Some("vote_opened") => lang.tr("Vote ouvert.", "Voting opened."),
        Some("vote_closed") => lang.tr(
            "Vote clos : le résultat est figé.",
            "Voting closed: the result is frozen.",
        ),
        Some("recorded") => lang.tr("Enregistré.", "Recorded."),
        Some("postal_recorded") => lang.tr(
            "Vote par correspondance enregistré.",
            "Postal vote recorded.",
        ),
        _ => return html! {},
    };
    html! { p.flash role="status" { (text) } }
}

/// A refusal shown at the top of a page, in the page's language.
pub fn refusal(message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message {
            div.errors role="alert" { p { (m) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn instants_are_written_in_paris_time_and_in_words() {
        // 13:00 UTC in March is 14:00 in Paris (winter time).
        let t = NaiveDate::from_ymd_opt(2026, 3, 12)
            .and_then(|d| d.and_hms_opt(13, 0, 0))
            .expect("a date");
        assert_eq!(when(Lang::Fr, t), "12 mars 2026 à 14 h 00");
        assert_eq!(when(Lang::En, t), "12 March 2026 at 14:00");
        assert_eq!(datetime_input(t), "2026-03-12T14:00");
    }

    #[test]
    fn verdicts_read_as_the_minutes_write_them() {
        let adopted =
            serde_json::json!({"adopted": true, "quorum_reached": true, "for_percent": "57.50"});
        assert_eq!(verdict(Lang::Fr, &adopted), "adoptée à 57,50 %");
        let rejected =
            serde_json::json!({"adopted": false, "quorum_reached": true, "for_percent": "40.00"});
        assert_eq!(verdict(Lang::Fr, &rejected), "rejetée");
    }
}
