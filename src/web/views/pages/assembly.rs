//! `/assemblies/{id}`: an assembly for its secretary — details and status,
//! the actions its status allows, the live quorum, the bureau, the
//! resolutions (in `assembly_resolutions`).

use maud::{Markup, html};

use crate::db::models::assembly::Assembly;
use crate::services::attendance::QuorumView;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components;
use crate::web::views::fragments::quorum;
use crate::web::views::labels;
use crate::web::views::layout;
use crate::web::views::pages::assembly_resolutions::{self, ResolutionRow, ResolutionValues};

pub struct AssemblyPage {
    pub assembly: Assembly,
    pub scrutineers: Vec<String>,
    pub resolutions: Vec<ResolutionRow>,
    /// Once convened (the roll exists).
    pub quorum: Option<QuorumView>,
    /// Convocations sent, and failed after retries.
    pub sent: usize,
    pub failed: usize,
    /// E-mails of the assembly still in the outbox, and those given up.
    pub waiting: usize,
    pub undelivered: Vec<crate::services::outbox::MessageView>,
    pub cards: i64,
    pub weighted_default: bool,
    /// Register changes since the roll was frozen.
    pub roll_changes: Vec<crate::services::assemblies::RollChange>,
}

/// What the page shows besides the data: a refused action, a flash.
pub struct Shown {
    pub resolution: ResolutionValues,
    pub refusal: Option<String>,
    pub done: Option<String>,
}

pub fn view(lang: Lang, user: &PageUser, data: &AssemblyPage, shown: &Shown) -> Markup {
    let a = &data.assembly;
    layout::app_page(
        lang,
        user,
        &a.title,
        html! {
            p { a href="/assemblies" { "← " (lang.tr("Assemblées", "Assemblies")) } }
            h1 { (a.title) }
            p.lead { (labels::assembly_status(lang, &a.status)) " — " (labels::when(lang, a.starts_at)) }
            (labels::flash(lang, shown.done.as_deref()))
            (labels::refusal(shown.refusal.as_deref()))
            (details(lang, data))
            (roll_warning(lang, data))
            (undelivered(lang, user, data))
            (links(lang, a))
            (actions(lang, user, a))
            @if let Some(q) = &data.quorum {
                section aria-labelledby="quorum-title" {
                    h2 #quorum-title {
                        @if a.status == "closed" { (lang.tr("Quorum", "Quorum")) }
                        @else { (lang.tr("Quorum en direct", "Live quorum")) }
                    }
                    (quorum::view(lang, q))
                }
            }
            (bureau(lang, user, data))
            (assembly_resolutions::view(lang, user, a, &data.resolutions, &shown.resolution))
        },
    )
}

fn details(lang: Lang, data: &AssemblyPage) -> Markup {
    let a = &data.assembly;
    html! {
        dl.details {
            dt { (lang.tr("Nature", "Kind")) }
            dd { (labels::kind(lang, &a.kind)) }
            dt { (lang.tr("Convocation", "Call")) }
            dd {
                @if a.call_number == 2 { (lang.tr("Deuxième convocation", "Second call")) }
                @else { (lang.tr("Première convocation", "First call")) }
            }
            dt { (lang.tr("Lieu", "Place")) }
            dd { (a.place) }
            dt { (lang.tr("À distance", "Remote")) }
            dd {
                @if a.remote {
                    (lang.tr("Proposée", "Offered"))
                    @if let Some(url) = &a.remote_url { " — " a href=(url) { (url) } }
                } @else {
                    (lang.tr("Non proposée", "Not offered"))
                }
            }
            @if let Some(at) = a.convened_at {
                dt { (lang.tr("Convoquée le", "Convened on")) }
                dd {
                    (labels::when(lang, at)) " — " (data.sent) " " (lang.tr("convocation(s) envoyée(s)", "convocation(s) sent"))
                    @if data.waiting > 0 {
                        ", " (data.waiting) " " (lang.tr("courriel(s) en cours d'envoi", "e-mail(s) being sent"))
                    }
                    @if data.failed > 0 {
                        ", " strong.error { (data.failed) " " (lang.tr("en échec", "failed")) }
                    }
                    @if a.notice_overridden {
                        br;
                        strong { (lang.tr(
                            "Délai de convocation non respecté, sur décision expresse du secrétariat (mentionné au procès-verbal).",
                            "Notice period not met, by the secretary's explicit decision (stated in the minutes).",
                        )) }
                    }
                }
            }
            @if let Some(at) = a.opened_at {
                dt { (lang.tr("Séance ouverte", "Session opened")) }
                dd { (labels::when(lang, at)) }
            }
            @if let Some(at) = a.closed_at {
                dt { (lang.tr("Séance close", "Session closed")) }
                dd { (labels::when(lang, at)) }
            }
            @if data.cards > 0 {
                dt { (lang.tr("Cartes de vote", "Voting cards")) }
                dd { (data.cards) " " (lang.tr("émise(s)", "issued")) }
            }
        }
    }
}

/// The e-mails given up after their retries, each with a button to send it
/// again (once the address or the template is mended).
fn undelivered(lang: Lang, user: &PageUser, data: &AssemblyPage) -> Markup {
    html! {
        @if !data.undelivered.is_empty() {
            section aria-labelledby="undelivered-title" {
                h2 #undelivered-title { (lang.tr("Courriels non remis", "E-mails not delivered")) }
                table {
                    thead { tr {
                        th scope="col" { (lang.tr("Destinataire", "Recipient")) }
                        th scope="col" { (lang.tr("Courriel", "E-mail")) }
                        th scope="col" { (lang.tr("Motif", "Reason")) }
                        th scope="col" { (lang.tr("Action", "Action")) }
                    } }
                    tbody {
                        @for m in &data.undelivered {
                            tr {
                                th scope="row" { (m.to_name) " " span.muted { "<" (m.to_email) ">" } }
                                td { (labels::mail_template(lang, &m.template)) }
                                td { (m.last_error.as_deref().unwrap_or("—")) }
                                td {
                                    form method="post" action=(format!("/assemblies/{}/outbox/{}/resend", data.assembly.id, m.id)) {
                                        (components::csrf(&user.csrf_token))
                                        button type="submit" { (lang.tr("Renvoyer", "Send again")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn links(lang: Lang, a: &Assembly) -> Markup {
    html! {
        @if a.status == "convened" || a.status == "open" {
            p.actions {
                a.button href=(format!("/assemblies/{}/attendance", a.id)) { (lang.tr("Accueil : feuille de présence", "Desk: attendance")) }
                " "
                a.button href=(format!("/assemblies/{}/screen", a.id)) { (lang.tr("Écran de séance", "Live screen")) }
                " "
                a.button href=(format!("/assemblies/{}/cards", a.id)) { (lang.tr("Cartes de vote", "Voting cards")) }
                " "
                a href=(format!("/assemblies/{}/convocations", a.id)) { (lang.tr("Convocations à imprimer", "Convocations to print")) }
            }
        } @else if a.status == "closed" {
            p.actions {
                a href=(format!("/assemblies/{}/screen", a.id)) { (lang.tr("Écran de séance", "Live screen")) }
                " "
                a.button href=(format!("/assemblies/{}/minutes", a.id)) { (lang.tr("Procès-verbal", "Minutes")) }
                " "
                a href=(format!("/assemblies/{}/minutes?format=pdf", a.id)) { "PDF" }
                " "
                a href=(format!("/assemblies/{}/minutes?format=odt", a.id)) { (lang.tr("PV éditable (ODT)", "Editable minutes (ODT)")) }
                " "
                a href=(format!("/assemblies/{}/minutes?format=md", a.id)) { "Markdown" }
                " "
                a href=(format!("/assemblies/{}/attendance-sheet", a.id)) { (lang.tr("Feuille de présence", "Attendance sheet")) }
                " "
                a href=(format!("/assemblies/{}/archive", a.id)) { (lang.tr("Archive complète (ZIP)", "Full archive (ZIP)")) }
            }
        }
    }
}

/// One small form with one button: an action on the assembly.
pub fn action(user: &PageUser, href: &str, label: &str) -> Markup {
    html! {
        form.inline method="post" action=(href) {
            (components::csrf(&user.csrf_token))
            button type="submit" { (label) }
        }
    }
}

fn actions(lang: Lang, user: &PageUser, a: &Assembly) -> Markup {
    let base = format!("/assemblies/{}", a.id);
    html! {
        section aria-labelledby="actions-title" {
            h2 #actions-title { (lang.tr("Étapes", "Steps")) }
            @match a.status.as_str() {
                "draft" => {
                    form method="post" action=(format!("{base}/convene")) {
                        (components::csrf(&user.csrf_token))
                        p { (lang.tr(
                            "Convoquer fige la liste des votants (les associés actifs à la date de l'assemblée) et envoie à chacun sa convocation avec l'ordre du jour et son lien personnel. Ajoutez les résolutions avant.",
                            "Convening freezes the roll (the associates active on the assembly's date) and sends each their convocation with the agenda and their personal link. Add the resolutions first.",
                        )) }
                        (components::checkbox(
                            lang.tr("Passer outre le délai de convocation", "Override the notice period"),
                            "override_notice", false,
                            Some(lang.tr(
                                "À cocher seulement si le délai légal ne peut plus être tenu : ce choix est enregistré et mentionné au procès-verbal.",
                                "Tick only if the legal notice can no longer be met: this choice is recorded and stated in the minutes.",
                            )),
                        ))
                        button type="submit" { (lang.tr("Convoquer et envoyer les convocations", "Convene and send the convocations")) }
                    }
                }
                "convened" => {
                    p { (lang.tr("Le jour venu, enregistrez les présences à l'accueil, puis ouvrez la séance.", "On the day, record attendance at the desk, then open the session.")) }
                    (action(user, &format!("{base}/open"), lang.tr("Ouvrir la séance", "Open the session")))
                }
                "open" => {
                    p { (lang.tr("Soumettez les résolutions au vote une par une ci-dessous ; fermez la séance quand la dernière est close.", "Put the resolutions to the vote one by one below; close the session when the last one is closed.")) }
                    (action(user, &format!("{base}/close"), lang.tr("Clore la séance", "Close the session")))
                }
                _ => {
                    p { (lang.tr("L'assemblée est close : les résultats sont figés.", "The assembly is closed: the results are frozen.")) }
                }
            }
        }
    }
}

fn bureau(lang: Lang, user: &PageUser, data: &AssemblyPage) -> Markup {
    let a = &data.assembly;
    html! {
        section aria-labelledby="bureau-title" {
            h2 #bureau-title { (lang.tr("Bureau de l'assemblée", "Bureau of the assembly")) }
            @if a.status == "closed" {
                p {
                    (lang.tr("Président : ", "Chair: ")) (a.chair.as_deref().unwrap_or("—")) br;
                    (lang.tr("Secrétaire : ", "Secretary: ")) (a.secretary.as_deref().unwrap_or("—")) br;
                    (lang.tr("Scrutateurs : ", "Scrutineers: ")) (data.scrutineers.join(", "))
                }
            } @else {
                form method="post" action=(format!("/assemblies/{}/bureau", a.id)) {
                    (components::csrf(&user.csrf_token))
                    (components::field(lang.tr("Président de séance", "Chair"), "chair", "text", a.chair.as_deref().unwrap_or(""), None))
                    (components::field(lang.tr("Secrétaire de séance", "Secretary"), "secretary", "text", a.secretary.as_deref().unwrap_or(""), None))
                    (components::hinted_field(
                        lang.tr("Scrutateurs", "Scrutineers"), "scrutineers", "text", &data.scrutineers.join(", "),
                        Some(lang.tr("Séparés par des virgules.", "Separated by commas.")), None,
                    ))
                    button type="submit" { (lang.tr("Enregistrer le bureau", "Save the bureau")) }
                }
            }
        }
    }
}

/// The roll is frozen at the convocation: later admissions and departures
/// are listed, since they do not change who may vote.
fn roll_warning(lang: Lang, data: &AssemblyPage) -> Markup {
    html! {
        @if !data.roll_changes.is_empty() {
            section.warnings role="status" {
                p {
                    (lang.tr(
                        "La liste des votants a été arrêtée à la convocation. Depuis, le registre a changé ; ces changements ne modifient pas qui peut voter à cette assemblée :",
                        "The voter roll was frozen at the convocation. The register has changed since; these changes do not alter who may vote at this assembly:",
                    ))
                }
                ul {
                    @for c in &data.roll_changes {
                        li {
                            (c.name) " — "
                            @if c.change == "admitted_since" {
                                (lang.tr("admis depuis, ne vote pas", "admitted since, does not vote"))
                            } @else {
                                (lang.tr(
                                    "parti depuis, reste sur la liste ; sa connexion et ses liens de vote ne fonctionnent plus",
                                    "left since, stays on the roll; their login and voting links no longer work",
                                ))
                            }
                        }
                    }
                }
            }
        }
    }
}
