//! `/assemblies`: the list of assemblies and the creation form (secretary,
//! administrator); and what the assembly pages share: the refusals of the
//! services written in French and English.

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::models::assembly::Assembly;
use crate::error::AppError;
use crate::services::assemblies::{self, AssemblyInput, parse_instant};
use crate::web::AppState;
use crate::web::handlers::dashboard::DoneQuery;
use crate::web::handlers::forms::{STAFF, is_refusal, page, see_other};
use crate::web::i18n::Lang;
use crate::web::page_error::PageResult;
use crate::web::session::PageUser;
use crate::web::views::components;
use crate::web::views::pages::assemblies::{self as list_page, NewAssemblyValues};

pub async fn list(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    query: web::Query<DoneQuery>,
) -> PageResult {
    user.require(STAFF)?;
    let all = state.db.run(|conn| Ok(Assembly::all(conn)?)).await?;
    let values = NewAssemblyValues {
        kind: "ordinary".into(),
        call: "1".into(),
        ..Default::default()
    };
    let body = list_page::view(lang, &user, &all, &values, None, query.done.as_deref());
    Ok(page(StatusCode::OK, body))
}

pub async fn create(
    state: web::Data<AppState>,
    user: PageUser,
    lang: Lang,
    form: web::Form<NewAssemblyValues>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    let account_id = user.require(STAFF)?.id;
    let values = form.into_inner();
    let first_call_id = values.first_call_id.trim().parse::<i64>().ok();
    let problem = if values.title.trim().is_empty() {
        Some(lang.tr(
            "L'assemblée doit avoir un titre.",
            "The assembly needs a title.",
        ))
    } else if parse_instant(&values.starts_at).is_err() {
        Some(lang.tr(
            "Date et heure invalides : choisissez-les dans le sélecteur (jour et heure de Paris).",
            "Invalid date and time: pick them in the selector (Paris time).",
        ))
    } else if values.call == "2" && first_call_id.is_none() {
        Some(lang.tr(
            "Une deuxième convocation renvoie à l'assemblée de première convocation : choisissez-la.",
            "A second call refers to the first call's assembly: choose it.",
        ))
    } else {
        None
    };
    let outcome = match problem {
        Some(text) => Err(AppError::rule("invalid_assembly", text)),
        None => {
            let input = AssemblyInput {
                title: values.title.clone(),
                kind: values.kind.clone(),
                starts_at: values.starts_at.clone(),
                place: values.place.clone(),
                call: if values.call == "2" { 2 } else { 1 },
                remote: Some(values.remote.is_some()),
                remote_url: Some(values.remote_url.clone()),
                first_call_id: first_call_id.filter(|_| values.call == "2"),
                chair: None,
                secretary: None,
                scrutineers: Vec::new(),
            };
            state
                .db
                .run(move |conn| assemblies::create(conn, Some(account_id), &input))
                .await
        }
    };
    let error = match outcome {
        Ok(view) => return Ok(see_other(&format!("/assemblies/{}?done=created", view.id))),
        Err(e) if is_refusal(&e) => e,
        Err(e) => return Err(e.into()),
    };
    let all = state.db.run(|conn| Ok(Assembly::all(conn)?)).await?;
    let message = refusal_text(lang, &error);
    let body = list_page::view(lang, &user, &all, &values, Some(&message), None);
    Ok(page(StatusCode::UNPROCESSABLE_ENTITY, body))
}

/// The first number in a sentence (the services' messages carry counts).
fn number_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .unwrap_or("?")
        .to_string()
}

fn day(lang: Lang, details: Option<&serde_json::Value>, key: &str) -> String {
    details
        .and_then(|d| d[key].as_str())
        .and_then(|s| s.parse::<NaiveDate>().ok())
        .map(|d| components::date(lang, d))
        .unwrap_or_default()
}

/// A refusal of the assembly services, as a sentence in the page's
/// language (the services speak English; the French is written here).
pub fn refusal_text(lang: Lang, err: &AppError) -> String {
    let en = err.message.as_str();
    let fr: String = match err.code {
        "notice_period" => {
            let details = err.details.as_ref();
            let (latest, earliest) = (
                day(lang, details, "latest_sending_day"),
                day(lang, details, "earliest_valid_date"),
            );
            return match lang {
                Lang::Fr => format!(
                    "Trop tard pour convoquer : le délai de convocation imposait d'envoyer les convocations au plus tard le {latest} ; envoyées aujourd'hui, la réunion ne pourrait se tenir qu'à partir du {earliest}. Pour convoquer quand même, cochez « Passer outre le délai de convocation » : ce sera mentionné au procès-verbal."
                ),
                Lang::En => format!(
                    "Too late to convene: the notice period required sending the convocations by {latest}; sent today, the meeting could only be held from {earliest} on. To convene anyway, tick “Override the notice period”: the minutes will say so."
                ),
            };
        }
        "invalid_assembly" => en.to_string(),
        "already_convened" => "Cette assemblée a déjà été convoquée.".into(),
        "not_convened" => "Seule une assemblée convoquée peut être ouverte.".into(),
        "not_open" => "Seule une assemblée en séance peut être close.".into(),
        "resolution_open" => "Fermez d'abord le vote en cours.".into(),
        "assembly_closed" => "L'assemblée est close.".into(),
        "agenda_closed" => "L'ordre du jour est fixé par la convocation : une résolution ne s'ajoute qu'avant de convoquer l'assemblée.".into(),
        "majority_not_allowed" => "Une assemblée ordinaire ne vote que des résolutions ordinaires, une extraordinaire que des résolutions extraordinaires : pour les deux, créez une assemblée mixte.".into(),
        "invalid_resolution" => "Une résolution doit avoir un titre.".into(),
        "assembly_not_open" => "Ouvrez d'abord la séance.".into(),
        "resolution_not_draft" => "Cette résolution a déjà été soumise au vote.".into(),
        "another_resolution_open" => "Une autre résolution est en cours de vote : fermez-la d'abord.".into(),
        "resolution_not_open" => "Cette résolution n'est pas (ou plus) ouverte au vote.".into(),
        "postal_incomplete" => "Choisissez l'associé et le choix porté sur son formulaire.".into(),
        "not_by_correspondence" => "Seul un associé inscrit comme votant par correspondance a un vote par correspondance à saisir.".into(),
        "resolution_not_closed" => "Les reçus sont publiés à la clôture du vote.".into(),
        "assembly_not_running" if en.starts_with("Voting cards") => "Les cartes de vote s'émettent pour une assemblée convoquée ou en séance.".into(),
        "assembly_not_running" => "La présence s'enregistre une fois l'assemblée convoquée, et jusqu'à sa clôture.".into(),
        "proxy_to_self" => "Un associé ne peut pas détenir son propre pouvoir.".into(),
        "proxy_holder_absent" => "Le mandataire doit participer à l'assemblée (dans la salle ou à distance) : enregistrez d'abord sa présence.".into(),
        "proxy_holder_missing" => "Choisissez le mandataire dans la liste, ou « Pouvoir en blanc » explicitement.".into(),
        "proxy_holder_unknown" => "Le mandataire n'est pas sur la liste des votants de cette assemblée.".into(),
        "proxy_chain" if en.contains("reassign") => format!(
            "Cet associé détient {} pouvoir(s) : confiez-les à un autre mandataire avant de l'enregistrer comme absent ou représenté.",
            number_in(en)
        ),
        "proxy_chain" => format!(
            "Pas de chaîne de pouvoirs : cet associé détient lui-même {} pouvoir(s), il ne peut pas donner le sien.",
            number_in(en)
        ),
        "proxy_over_cap" => format!(
            "Les statuts limitent à {} le nombre de pouvoirs par mandataire.",
            number_in(en)
        ),
        "not_on_roll" => "Cet associé n'est pas sur la liste des votants de cette assemblée.".into(),
        "already_voted" => "Déjà voté : un bulletin a déjà été enregistré pour cet associé sur cette résolution.".into(),
        "already_present" => "Déjà enregistré comme présent dans la salle.".into(),
        "remote_not_offered" => "Cette assemblée ne propose pas la participation à distance.".into(),
        "forbidden" if en.contains("another assembly") => "Cette carte de vote est celle d'une autre assemblée.".into(),
        "forbidden" if en.contains("attending") => "Seul un associé présent (dans la salle ou à distance) peut voter : adressez-vous à l'accueil.".into(),
        "forbidden" if en.contains("no proxy") => "Vous ne détenez pas de pouvoir de cet associé.".into(),
        "not_found" => "Introuvable.".into(),
        "bad_request" => "Demande mal formée.".into(),
        _ => en.to_string(),
    };
    match lang {
        Lang::Fr => fr,
        Lang::En => en.to_string(),
    }
}

/// A search typed at the desk, written into a URL's query.
pub fn encode_query(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    pub csrf: String,
}

/// The answer when the page of a refused action is re-rendered.
pub fn refused_status(err: &AppError) -> StatusCode {
    if err.status == StatusCode::BAD_REQUEST {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        err.status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_survive_the_redirect() {
        assert_eq!(encode_query("Hélène L"), "H%C3%A9l%C3%A8ne%20L");
        assert_eq!(number_in("This associate holds 3 proxies"), "3");
    }
}
