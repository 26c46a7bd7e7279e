//! The printed convocations: one A4 page per associate on the roll (the
//! print stylesheet breaks the page after each), with the agenda, how to
//! vote or give a proxy, a proxy form, and the QR code of the check-in page.

use maud::{Markup, html};

use crate::db::models::assembly::Assembly;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::{labels, layout, qr};

pub struct Addressee {
    pub name: String,
    pub representative: Option<String>,
    pub address: String,
}

pub struct Printed {
    pub cooperative_name: String,
    pub registered_office: String,
    pub proxies_per_holder: Option<u32>,
    pub assembly: Assembly,
    /// (number, title) of each resolution.
    pub agenda: Vec<(i64, String)>,
    pub addressees: Vec<Addressee>,
}

pub fn view(lang: Lang, user: &PageUser, p: &Printed, entry: &str) -> Markup {
    let a = &p.assembly;
    let title = lang.tr("Convocations à imprimer", "Convocations to print");
    layout::app_page(
        lang,
        user,
        title,
        html! {
            div.screen-only {
                p { a href=(format!("/assemblies/{}", a.id)) { "← " (a.title) } }
                h1 { (title) }
                @if p.addressees.is_empty() {
                    p.notice { (lang.tr(
                        "La liste des votants est arrêtée à la convocation : convoquez d'abord l'assemblée.",
                        "The roll of voters is frozen at the convocation: convene the assembly first.",
                    )) }
                } @else {
                    p { (p.addressees.len()) " " (lang.tr(
                        "convocation(s), une par associé sur la liste des votants. Imprimez cette page (Ctrl+P) : une convocation par feuille A4.",
                        "convocation(s), one per associate on the roll. Print this page (Ctrl+P): one convocation per A4 sheet.",
                    )) }
                }
            }
            @for who in &p.addressees {
                (convocation(lang, p, who, entry))
            }
        },
    )
}

fn convocation(lang: Lang, p: &Printed, who: &Addressee, entry: &str) -> Markup {
    let a = &p.assembly;
    let when = labels::when(lang, a.starts_at);
    html! {
        article.convocation aria-label=(format!("{} — {}", lang.tr("Convocation", "Convocation"), who.name)) {
            div.convocation-head {
                p.convocation-from {
                    strong { (p.cooperative_name) }
                    @if !p.registered_office.trim().is_empty() { br; span.address { (p.registered_office) } }
                }
                p.convocation-to {
                    strong.convocation-name { (who.name) }
                    @if let Some(r) = &who.representative {
                        br; (lang.tr("représenté·e par ", "represented by ")) (r)
                    }
                    @if !who.address.trim().is_empty() { br; span.address { (who.address) } }
                }
            }
            h2 { (heading(lang, &a.kind)) }
            p {
                (lang.tr("Vous êtes convoqué·e à l'assemblée générale de ", "You are invited to the general assembly of "))
                (p.cooperative_name) ", "
                @if a.call_number == 2 {
                    (lang.tr("sur deuxième convocation", "on second call"))
                } @else {
                    (lang.tr("sur première convocation", "on first call"))
                }
                " :"
            }
            dl.details {
                dt { (lang.tr("Assemblée", "Assembly")) }
                dd { (a.title) }
                dt { (lang.tr("Date", "Date")) }
                dd { (when) }
                dt { (lang.tr("Lieu", "Place")) }
                dd { (a.place) }
                @if a.remote {
                    dt { (lang.tr("À distance", "Remote")) }
                    dd {
                        (lang.tr("participation à distance possible", "remote participation possible"))
                        @if let Some(url) = &a.remote_url { " : " (url) }
                    }
                }
            }
            @if a.call_number != 2 {
                p.muted { (lang.tr(
                    "Si le quorum n'est pas atteint, une deuxième convocation vous sera adressée.",
                    "If the quorum is not reached, you will receive a second notice.",
                )) }
            }
            h3 { (lang.tr("Ordre du jour", "Agenda")) }
            @if p.agenda.is_empty() {
                p { (lang.tr("L'ordre du jour vous sera communiqué séparément.", "The agenda will be sent to you separately.")) }
            } @else {
                ol.agenda {
                    @for (number, title) in &p.agenda {
                        li { (lang.tr("Résolution n° ", "Resolution no. ")) (number) " — " (title) }
                    }
                }
            }
            div.convocation-vote {
                div {
                    h3 { (lang.tr("Pour voter", "To vote")) }
                    p { (lang.tr(
                        "Sur place, présentez-vous à l'accueil : votre présence est enregistrée et une carte de vote personnelle vous est remise. Vous pouvez aussi scanner ce code : après connexion à votre espace (lien reçu par e-mail ou mot de passe), il ouvre votre page d'émargement et de vote pour cette assemblée.",
                        "On site, go to the desk: your attendance is recorded and you receive a personal voting card. You can also scan this code: once logged in to your space (link received by e-mail, or password), it opens your check-in and voting page for this assembly.",
                    )) }
                    p.card-url { code { (entry) } }
                }
                (qr::qr_svg(entry, lang.tr("Code QR de la page d'émargement", "QR code of the check-in page")))
            }
            h3 { (lang.tr("Pour donner pouvoir", "To give a proxy")) }
            p {
                (lang.tr(
                    "Si vous ne pouvez pas participer, faites-vous représenter par un autre associé : remplissez et signez le pouvoir ci-dessous et remettez-le-lui ; il le présente à l'accueil.",
                    "If you cannot attend, have another associate represent you: fill in and sign the proxy below and hand it to them; they show it at the desk.",
                ))
                @if let Some(max) = p.proxies_per_holder {
                    " " (match lang {
                        Lang::Fr => format!("Un associé ne peut détenir plus de {max} pouvoir(s)."),
                        Lang::En => format!("An associate may hold at most {max} proxy(ies)."),
                    })
                }
            }
            div.proxy-form {
                p {
                    (lang.tr("Je soussigné·e ", "I, the undersigned, ")) strong { (who.name) }
                    (lang.tr(
                        ", donne pouvoir à ……………………………………………… de me représenter à l'assemblée générale du ",
                        ", give proxy to ……………………………………………… to represent me at the general assembly of ",
                    ))
                    (when) "."
                }
                p { (lang.tr("Fait à ………………………, le ……………………  Signature :", "Done at ………………………, on ……………………  Signature:")) }
            }
        }
    }
}

fn heading(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "extraordinary" => lang.tr(
            "Convocation à l'assemblée générale extraordinaire",
            "Notice of the extraordinary general assembly",
        ),
        "combined" => lang.tr(
            "Convocation à l'assemblée générale mixte",
            "Notice of the combined general assembly",
        ),
        _ => lang.tr(
            "Convocation à l'assemblée générale ordinaire",
            "Notice of the ordinary general assembly",
        ),
    }
}
