//! `/assemblies/{id}/check-in`: a logged-in associate's way into an
//! assembly — what it is, whether they are on its roll, and the button that
//! opens their voting page.

use maud::{Markup, html};

use crate::db::models::assembly::Assembly;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::{components, labels, layout};

pub struct CheckIn {
    pub assembly: Assembly,
    pub on_roll: bool,
    /// `present`, `remote`, `represented`, `absent`, once recorded.
    pub mode: Option<String>,
}

pub fn view(lang: Lang, user: &PageUser, data: &CheckIn, refusal: Option<&str>) -> Markup {
    let a = &data.assembly;
    let title = lang.tr("Émargement et vote", "Check-in and vote");
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            (labels::refusal(refusal))
            p.lead { (a.title) " — " (labels::when(lang, a.starts_at)) }
            dl.details {
                dt { (lang.tr("Lieu", "Place")) }
                dd { (a.place) }
                dt { (lang.tr("État", "Status")) }
                dd { (labels::assembly_status(lang, &a.status)) }
                @if let Some(mode) = &data.mode {
                    dt { (lang.tr("Votre présence", "Your attendance")) }
                    dd { (attendance(lang, mode)) }
                }
            }
            @if !data.on_roll {
                p.notice { (lang.tr(
                    "Vous n'êtes pas sur la liste des votants de cette assemblée (elle est arrêtée à la convocation). Adressez-vous au secrétariat.",
                    "You are not on this assembly's roll of voters (it is frozen at the convocation). Ask the secretary.",
                )) }
            } @else if a.status == "convened" || a.status == "open" {
                p { (lang.tr(
                    "Ce bouton ouvre votre page de vote personnelle pour cette assemblée : vous y votez pour vous et pour les pouvoirs que vous détenez et, si l'assemblée le permet, vous y signalez votre participation à distance. Sur place, l'accueil enregistre votre présence.",
                    "This button opens your personal voting page for this assembly: there you vote for yourself and for the proxies you hold and, when the assembly allows it, check in remotely. On site, the desk records your attendance.",
                )) }
                form method="post" action=(format!("/assemblies/{}/check-in", a.id)) {
                    (components::csrf(&user.csrf_token))
                    button type="submit" { (lang.tr("Ouvrir ma page de vote", "Open my voting page")) }
                }
            } @else if a.status == "closed" {
                p { (lang.tr("L'assemblée est close : les votes sont terminés.", "The assembly is closed: voting is over.")) }
            } @else {
                p { (lang.tr(
                    "L'assemblée n'est pas encore convoquée : revenez après avoir reçu votre convocation.",
                    "The assembly is not convened yet: come back once you have received your convocation.",
                )) }
            }
            p { a href="/dashboard" { (lang.tr("Mon espace", "My space")) } }
        },
    )
}

fn attendance(lang: Lang, mode: &str) -> &'static str {
    match mode {
        "present" => lang.tr("présent·e", "present"),
        "remote" => lang.tr("à distance", "remote"),
        "represented" => lang.tr("représenté·e", "represented"),
        "correspondence" => lang.tr("vote par correspondance", "postal vote"),
        _ => lang.tr("absent·e", "absent"),
    }
}
