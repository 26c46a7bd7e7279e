//! The resolutions on an assembly's page: each with its state, the button
//! that opens or closes its vote, its frozen result; and the form that adds
//! one.

use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use crate::db::models::assembly::Assembly;
use crate::db::models::resolution::Resolution;
use crate::services::postal::Pending;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components;
use crate::web::views::fragments::result;
use crate::web::views::labels;
use crate::web::views::pages::assembly::action;

pub struct ResolutionRow {
    pub resolution: Resolution,
    /// The frozen result, once closed.
    pub result: Option<Value>,
    /// The postal forms still to enter while the vote is open.
    pub postal: Vec<Pending>,
}

/// The form that adds a resolution, as typed (checkboxes send `on`).
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(default)]
pub struct ResolutionValues {
    pub csrf: String,
    pub title: String,
    pub text: String,
    pub majority: String,
    pub weighted: Option<String>,
    pub secret: Option<String>,
    pub board_approved: Option<String>,
}

pub fn view(
    lang: Lang,
    user: &PageUser,
    a: &Assembly,
    rows: &[ResolutionRow],
    typed: &ResolutionValues,
) -> Markup {
    html! {
        section aria-labelledby="resolutions-title" {
            h2 #resolutions-title { (lang.tr("Résolutions", "Resolutions")) }
            @if rows.is_empty() {
                p.muted { (lang.tr("Aucune résolution pour l'instant.", "No resolution yet.")) }
            }
            @for row in rows {
                (resolution(lang, user, a, row))
            }
            @if a.status == "draft" {
                (form(lang, user, a, typed))
            } @else {
                p.muted { (lang.tr(
                    "L'ordre du jour est fixé par la convocation : aucune résolution ne peut plus être ajoutée.",
                    "The agenda is fixed by the convocation: no resolution can be added any more.",
                )) }
            }
        }
    }
}

fn resolution(lang: Lang, user: &PageUser, a: &Assembly, row: &ResolutionRow) -> Markup {
    let r = &row.resolution;
    let base = format!("/assemblies/{}/resolutions/{}", a.id, r.id);
    html! {
        article.resolution id=(format!("resolution-{}", r.id)) {
            h3 { (lang.tr("Résolution n° ", "Resolution no. ")) (r.number) " — " (r.title) }
            p.muted {
                (labels::resolution_status(lang, &r.status)) " · "
                (labels::majority(lang, &r.majority)) " · "
                @if r.weighted { (lang.tr("pondérée par collège", "weighted by college")) } @else { (lang.tr("une voix par associé", "one vote per associate")) }
                " · "
                @if r.secret { (lang.tr("scrutin secret", "secret ballot")) } @else { (lang.tr("vote nominatif", "named ballot")) }
                " · "
                @if r.board_approved { (lang.tr("agréée par le conseil", "approved by the board")) } @else { (lang.tr("non agréée par le conseil", "not approved by the board")) }
            }
            @if !r.text.is_empty() {
                details {
                    summary { (lang.tr("Texte", "Text")) }
                    p.resolution-text { (r.text) }
                }
            }
            @match r.status.as_str() {
                "draft" if a.status == "open" => {
                    (action(user, &format!("{base}/open"), lang.tr("Ouvrir le vote", "Open the vote")))
                }
                "open" => {
                    p { strong { (r.ballot_count) } " " (lang.tr("bulletin(s) reçu(s)", "ballot(s) received")) }
                    @if !row.postal.is_empty() {
                        (postal_form(lang, user, &base, r.id, &row.postal))
                    }
                    (action(user, &format!("{base}/close"), lang.tr("Clore le vote", "Close the vote")))
                }
                "closed" => {
                    @if let Some(res) = &row.result {
                        (result::table(lang, res))
                    }
                }
                _ => {}
            }
        }
    }
}

/// Enters the choice of a postal form (vote par correspondance) received
/// before the meeting; a form without a direction is an abstention.
fn postal_form(lang: Lang, user: &PageUser, base: &str, id: i64, pending: &[Pending]) -> Markup {
    let select = format!("postal-associate-{id}");
    html! {
        details.postal {
            summary {
                (lang.tr("Votes par correspondance à saisir", "Postal votes to enter"))
                " (" (pending.len()) ")"
            }
            form method="post" action=(format!("{base}/postal")) {
                (components::csrf(&user.csrf_token))
                label for=(select) { (lang.tr("Associé", "Associate")) }
                select id=(select) name="associate_id" required {
                    @for p in pending {
                        option value=(p.associate_id) { (p.name) }
                    }
                }
                fieldset {
                    legend { (lang.tr("Choix porté sur le formulaire", "Choice on the form")) }
                    @for (value, fr, en) in [
                        ("for", "Pour", "For"),
                        ("against", "Contre", "Against"),
                        ("abstain", "Abstention ou sans indication", "Abstention or no direction"),
                    ] {
                        label {
                            input type="radio" name="choice" value=(value) required;
                            " " (lang.tr(fr, en))
                        }
                    }
                }
                button type="submit" { (lang.tr("Enregistrer ce vote", "Record this vote")) }
            }
        }
    }
}

fn form(lang: Lang, user: &PageUser, a: &Assembly, v: &ResolutionValues) -> Markup {
    let allowed: &[&str] = match a.kind.as_str() {
        "ordinary" => &["ordinary"],
        "extraordinary" => &["extraordinary"],
        _ => &["ordinary", "extraordinary"],
    };
    let majorities: Vec<(String, String)> = allowed
        .iter()
        .map(|m| (m.to_string(), labels::majority(lang, m).to_string()))
        .collect();
    html! {
        form method="post" action=(format!("/assemblies/{}/resolutions", a.id)) {
            h3 { (lang.tr("Ajouter une résolution", "Add a resolution")) }
            (components::csrf(&user.csrf_token))
            (components::field(lang.tr("Titre", "Title"), "title", "text", &v.title, None))
            (components::text_area(lang.tr("Texte de la résolution", "Text of the resolution"), "text", &v.text, None))
            (components::select(lang.tr("Majorité", "Majority"), "majority", &majorities, &v.majority, None))
            (components::checkbox(
                lang.tr("Vote pondéré par collège", "Weighted by college"), "weighted", v.weighted.is_some(),
                Some(lang.tr("Coché par défaut selon les paramètres de la coopérative.", "Ticked by default as the cooperative's settings say.")),
            ))
            (components::checkbox(lang.tr("Scrutin secret", "Secret ballot"), "secret", v.secret.is_some(), None))
            (components::checkbox(
                lang.tr("Agréée par le conseil", "Approved by the board"), "board_approved", v.board_approved.is_some(),
                Some(lang.tr("Les pouvoirs en blanc votent pour les résolutions agréées, contre les autres.", "Blank proxies vote for the resolutions the board approves, against the others.")),
            ))
            button type="submit" { (lang.tr("Ajouter la résolution", "Add the resolution")) }
        }
    }
}
