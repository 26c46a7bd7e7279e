//! `/assemblies`: every assembly, newest first, and the form that creates
//! one.

use maud::{Markup, html};
use serde::Deserialize;

use crate::db::models::assembly::Assembly;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components;
use crate::web::views::labels;
use crate::web::views::layout;

/// The creation form as typed.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(default)]
pub struct NewAssemblyValues {
    pub csrf: String,
    pub title: String,
    pub kind: String,
    pub starts_at: String,
    pub place: String,
    pub call: String,
    pub first_call_id: String,
    pub remote: Option<String>,
    pub remote_url: String,
}

pub fn view(
    lang: Lang,
    user: &PageUser,
    all: &[Assembly],
    values: &NewAssemblyValues,
    refusal: Option<&str>,
    done: Option<&str>,
) -> Markup {
    let title = lang.tr("Assemblées générales", "General assemblies");
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            (labels::flash(lang, done))
            @if all.is_empty() {
                p.muted { (lang.tr("Aucune assemblée pour l'instant : créez la première ci-dessous.", "No assembly yet: create the first one below.")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (lang.tr("Assemblée", "Assembly")) }
                        th scope="col" { (lang.tr("Date", "Date")) }
                        th scope="col" { (lang.tr("Nature", "Kind")) }
                        th scope="col" { (lang.tr("État", "Status")) }
                    } }
                    tbody {
                        @for a in all {
                            tr {
                                th scope="row" { a href=(format!("/assemblies/{}", a.id)) { (a.title) } }
                                td { (labels::when(lang, a.starts_at)) }
                                td {
                                    (labels::kind(lang, &a.kind))
                                    @if a.call_number == 2 { " — " (lang.tr("2e convocation", "second call")) }
                                }
                                td { (labels::assembly_status(lang, &a.status)) }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="new-assembly" {
                h2 #new-assembly { (lang.tr("Nouvelle assemblée", "New assembly")) }
                (labels::refusal(refusal))
                (form(lang, user, all, values))
            }
        },
    )
}

fn form(lang: Lang, user: &PageUser, all: &[Assembly], v: &NewAssemblyValues) -> Markup {
    let kinds: Vec<(String, String)> = ["ordinary", "extraordinary", "combined"]
        .iter()
        .map(|k| (k.to_string(), labels::kind(lang, k).to_string()))
        .collect();
    let calls = vec![
        (
            "1".to_string(),
            lang.tr("Première convocation", "First call").to_string(),
        ),
        (
            "2".to_string(),
            lang.tr("Deuxième convocation", "Second call").to_string(),
        ),
    ];
    let firsts: Vec<(String, String)> = std::iter::once((String::new(), "—".to_string()))
        .chain(all.iter().filter(|a| a.call_number == 1).map(|a| {
            (
                a.id.to_string(),
                format!("{} — {}", a.title, labels::when(lang, a.starts_at)),
            )
        }))
        .collect();
    html! {
        form method="post" action="/assemblies" {
            (components::csrf(&user.csrf_token))
            (components::field(lang.tr("Titre", "Title"), "title", "text", &v.title, None))
            (components::select(lang.tr("Nature", "Kind"), "kind", &kinds, &v.kind, None))
            (components::hinted_field(
                lang.tr("Date et heure", "Date and time"), "starts_at", "datetime-local", &v.starts_at,
                Some(lang.tr("Heure de Paris.", "Paris time.")), None,
            ))
            (components::field(lang.tr("Lieu", "Place"), "place", "text", &v.place, None))
            (components::hinted_select(
                lang.tr("Convocation", "Call"), "call", &calls, &v.call,
                Some(lang.tr(
                    "Délai : 15 jours pour une première convocation, 10 jours pour une deuxième.",
                    "Notice: 15 days for a first call, 10 days for a second one.",
                )), None,
            ))
            (components::hinted_select(
                lang.tr("Assemblée de première convocation", "First call's assembly"), "first_call_id", &firsts, &v.first_call_id,
                Some(lang.tr("Seulement pour une deuxième convocation.", "Only for a second call.")), None,
            ))
            (components::checkbox(lang.tr("Participation à distance proposée", "Remote participation offered"), "remote", v.remote.is_some(), None))
            (components::field(lang.tr("Lien de la visioconférence", "Video conference link"), "remote_url", "url", &v.remote_url, None))
            p { button type="submit" { (lang.tr("Créer l'assemblée", "Create the assembly")) } }
        }
    }
}
