//! `/assemblies/{id}/minutes`: the secretary writes the minutes (documents
//! submitted, a summary of the debates per resolution), the bureau signs
//! them once the assembly is closed, and a signed version is corrected by a
//! new one.

use std::collections::BTreeMap;

use maud::{Markup, html};

use crate::db::models::assembly::Assembly;
use crate::db::models::resolution::Resolution;
use crate::services::minutes::MinutesState;
use crate::services::minutes::facts::Signature;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::pages::assembly::action;
use crate::web::views::{components, labels, layout};

pub struct MinutesPage {
    pub assembly: Assembly,
    pub resolutions: Vec<Resolution>,
    pub state: MinutesState,
}

/// The texts of the form: as stored, or as typed when refused.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    pub documents: String,
    /// Resolution id → summary of the debates.
    pub debates: BTreeMap<String, String>,
}

impl Texts {
    pub fn stored(state: &MinutesState) -> Texts {
        Texts {
            documents: state.documents.clone(),
            debates: state.debates.clone(),
        }
    }
}

/// What the page shows besides the data: the texts, a refusal, a flash.
pub struct Shown {
    pub texts: Option<Texts>,
    pub refusal: Option<String>,
    pub done: Option<String>,
}

pub fn view(lang: Lang, user: &PageUser, data: &MinutesPage, shown: &Shown) -> Markup {
    let a = &data.assembly;
    let title = format!("{} — {}", lang.tr("Procès-verbal", "Minutes"), a.title);
    let texts = shown
        .texts
        .clone()
        .unwrap_or_else(|| Texts::stored(&data.state));
    layout::app_page(
        lang,
        user,
        &title,
        html! {
            p { a href=(format!("/assemblies/{}", a.id)) { "← " (a.title) } }
            h1 { (title) }
            (flash(lang, shown.done.as_deref()))
            (labels::refusal(shown.refusal.as_deref()))
            (documents(lang, a))
            (signatures(lang, user, data))
            (texts_form(lang, user, data, &texts))
        },
    )
}

fn flash(lang: Lang, done: Option<&str>) -> Markup {
    let text = match done {
        Some("saved") => lang.tr("Textes enregistrés.", "Texts saved."),
        Some("signed") => lang.tr("Signature enregistrée.", "Signature recorded."),
        Some("correction") => lang.tr(
            "Nouvelle version créée : elle corrige la version signée, qui reste inchangée.",
            "New version created: it corrects the signed one, which stays unchanged.",
        ),
        _ => return html! {},
    };
    html! { p.flash role="status" { (text) } }
}

fn documents(lang: Lang, a: &Assembly) -> Markup {
    let base = format!("/assemblies/{}", a.id);
    html! {
        section aria-labelledby="documents-title" {
            h2 #documents-title { (lang.tr("Documents", "Documents")) }
            p.actions {
                a.button href=(format!("{base}/minutes?format=html")) { (lang.tr("Procès-verbal (HTML, à imprimer)", "Minutes (HTML, to print)")) }
                " "
                a href=(format!("{base}/minutes?format=pdf")) { (lang.tr("Procès-verbal (PDF)", "Minutes (PDF)")) }
                " "
                a href=(format!("{base}/minutes?format=odt")) { (lang.tr("PV éditable (ODT)", "Editable minutes (ODT)")) }
                " "
                a href=(format!("{base}/minutes?format=md")) { "Markdown" }
                " "
                a href=(format!("{base}/attendance-sheet")) { (lang.tr("Feuille de présence", "Attendance sheet")) }
                " "
                a href=(format!("{base}/attendance-sheet?format=pdf")) { (lang.tr("Feuille de présence (PDF)", "Attendance sheet (PDF)")) }
                " "
                a href=(format!("{base}/attendance-sheet?format=odt")) { (lang.tr("Feuille de présence (ODT)", "Attendance sheet (ODT)")) }
                " "
                a href=(format!("{base}/archive")) { (lang.tr("Archive complète (ZIP)", "Full archive (ZIP)")) }
            }
            p.actions {
                (lang.tr("En anglais (traduction) : ", "In English (translation): "))
                a href=(format!("{base}/minutes?format=html&lang=en")) { (lang.tr("procès-verbal", "minutes")) }
                " · "
                a href=(format!("{base}/minutes?format=md&lang=en")) { "Markdown" }
                " · "
                a href=(format!("{base}/minutes?format=odt&lang=en")) { "ODT" }
                " · "
                a href=(format!("{base}/minutes?format=pdf&lang=en")) { "PDF" }
                " · "
                a href=(format!("{base}/attendance-sheet?lang=en")) { (lang.tr("feuille de présence", "attendance sheet")) }
            }
        }
    }
}

pub fn role_label(lang: Lang, role: &str) -> &'static str {
    match role {
        "chair" => lang.tr("Président(e) de séance", "Chair"),
        "secretary" => lang.tr("Secrétaire de séance", "Secretary"),
        "scrutineer" => lang.tr("Scrutateur", "Scrutineer"),
        _ => "—",
    }
}

fn signed_at(lang: Lang, s: &Signature) -> String {
    chrono::DateTime::parse_from_rfc3339(&s.at)
        .map(|t| labels::when(lang, t.naive_utc()))
        .unwrap_or_else(|_| s.at.clone())
}

fn signatures(lang: Lang, user: &PageUser, data: &MinutesPage) -> Markup {
    let (a, st) = (&data.assembly, &data.state);
    let signed = |role: &str| st.signatures.iter().any(|s| s.as_ == role);
    let mine_as_scrutineer = st
        .signatures
        .iter()
        .any(|s| s.as_ == "scrutineer" && s.account_id == user.account.id);
    let base = format!("/assemblies/{}/minutes", a.id);
    html! {
        section aria-labelledby="signatures-title" {
            h2 #signatures-title { (lang.tr("Version et signatures", "Version and signatures")) }
            p {
                (lang.tr("Version ", "Version ")) (st.version) " — "
                @if st.status == "signed" {
                    strong { (lang.tr("signée et figée", "signed and frozen")) }
                } @else {
                    (lang.tr("projet, non signé", "draft, not signed"))
                }
            }
            @if let Some(digest) = &st.digest {
                p { (lang.tr("Empreinte SHA-256 : ", "SHA-256 digest: ")) code.digest { (digest) } }
            }
            @if st.signatures.is_empty() {
                p { (lang.tr("Aucune signature pour l'instant.", "No signature yet.")) }
            } @else {
                table {
                    thead { tr {
                        th { (lang.tr("Qualité", "As")) }
                        th { (lang.tr("Compte", "Account")) }
                        th { (lang.tr("Signé le", "Signed on")) }
                    } }
                    tbody {
                        @for s in &st.signatures {
                            tr {
                                td { (role_label(lang, &s.as_)) }
                                td { (s.email) }
                                td { (signed_at(lang, s)) }
                            }
                        }
                    }
                }
            }
            @if st.status == "signed" {
                p { (lang.tr(
                    "Le procès-verbal signé ne change plus. Pour le corriger, créez une nouvelle version : elle reprend ses textes et devra être signée à son tour.",
                    "The signed minutes no longer change. To correct them, create a new version: it starts from their texts and must be signed in turn.",
                )) }
                (action(user, &format!("{base}/corrections"), lang.tr("Commencer une correction", "Start a correction")))
            } @else if a.status != "closed" {
                p { (lang.tr(
                    "Le bureau signe le procès-verbal une fois l'assemblée close.",
                    "The bureau signs the minutes once the assembly is closed.",
                )) }
            } @else {
                p { (lang.tr(
                    "Le procès-verbal est figé dès que le président et le secrétaire de séance ont signé (les scrutateurs signent avant, s'il y en a).",
                    "The minutes are frozen as soon as the chair and the secretary have signed (scrutineers, if any, sign before).",
                )) }
                @for role in ["chair", "secretary", "scrutineer"] {
                    @let done = if role == "scrutineer" { mine_as_scrutineer } else { signed(role) };
                    @if !done {
                        form.inline method="post" action=(format!("{base}/sign")) {
                            (components::csrf(&user.csrf_token))
                            input type="hidden" name="as" value=(role);
                            button type="submit" {
                                (lang.tr("Signer comme ", "Sign as ")) (role_label(lang, role).to_lowercase())
                            }
                        }
                        " "
                    }
                }
            }
        }
    }
}

fn texts_form(lang: Lang, user: &PageUser, data: &MinutesPage, texts: &Texts) -> Markup {
    let a = &data.assembly;
    html! {
        section aria-labelledby="texts-title" {
            h2 #texts-title { (lang.tr("Textes du procès-verbal", "Texts of the minutes")) }
            @if data.state.status == "signed" {
                p.hint { (lang.tr(
                    "Cette version est signée : une modification sera refusée. Commencez une correction pour modifier les textes.",
                    "This version is signed: a change will be refused. Start a correction to change the texts.",
                )) }
            }
            form method="post" action=(format!("/assemblies/{}/minutes", a.id)) {
                (components::csrf(&user.csrf_token))
                (components::text_area(
                    lang.tr("Documents soumis à l'assemblée", "Documents submitted to the assembly"),
                    "documents", &texts.documents, None,
                ))
                @for r in &data.resolutions {
                    @let key = r.id.to_string();
                    (components::text_area(
                        &format!("{} {} — {} : {}", lang.tr("Résolution n°", "Resolution no."), r.number, r.title,
                            lang.tr("résumé des débats", "summary of the debates")),
                        &format!("debate_{key}"),
                        texts.debates.get(&key).map(String::as_str).unwrap_or(""),
                        None,
                    ))
                }
                button type="submit" { (lang.tr("Enregistrer les textes", "Save the texts")) }
            }
        }
    }
}
