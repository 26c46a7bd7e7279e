//! `/assemblies/{id}/cards`: the form that issues voting cards, and the
//! cards themselves, one per printed page.

use maud::{Markup, html};

use crate::db::models::assembly::Assembly;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components;
use crate::web::views::labels;
use crate::web::views::layout;
use crate::web::views::qr;

pub struct RollEntry {
    pub associate_id: i64,
    pub name: String,
    pub present: bool,
}

pub struct PrintedCard {
    pub name: String,
    pub url: String,
}

pub fn form(
    lang: Lang,
    user: &PageUser,
    a: &Assembly,
    roll: &[RollEntry],
    refusal: Option<&str>,
) -> Markup {
    let title = lang.tr("Cartes de vote", "Voting cards");
    let present = roll.iter().filter(|r| r.present).count();
    let action = format!("/assemblies/{}/cards", a.id);
    layout::app_page(
        lang,
        user,
        title,
        html! {
            p { a href=(format!("/assemblies/{}", a.id)) { "← " (a.title) } }
            h1 { (title) }
            (labels::refusal(refusal))
            p { (lang.tr(
                "Chaque carte porte le lien personnel d'un associé : il l'ouvre sur son téléphone et vote, pour lui et pour les pouvoirs qu'il détient, sans mot de passe. Elle ne sert qu'à cette assemblée, jusqu'à sa clôture. Les cartes ne s'affichent qu'une fois, à l'émission : imprimez-les aussitôt.",
                "Each card carries an associate's personal link: they open it on their phone and vote, for themselves and the proxies they hold, without a password. It serves only this assembly, until it closes. The cards are shown once, when issued: print them at once.",
            )) }
            form method="post" action=(action) {
                (components::csrf(&user.csrf_token))
                input type="hidden" name="who" value="present";
                button type="submit" {
                    (lang.tr("Émettre les cartes de tous les présents", "Issue cards for everyone present")) " (" (present) ")"
                }
            }
            form method="post" action=(action) {
                (components::csrf(&user.csrf_token))
                input type="hidden" name="who" value="selected";
                fieldset {
                    legend { (lang.tr("Ou seulement pour ces votants", "Or only for these voters")) }
                    @for r in roll {
                        div.field.check {
                            input type="checkbox" name="associate_id" value=(r.associate_id) id=(format!("card-{}", r.associate_id));
                            label for=(format!("card-{}", r.associate_id)) {
                                (r.name)
                                @if r.present { " — " span.muted { (lang.tr("présent", "present")) } }
                            }
                        }
                    }
                }
                button type="submit" { (lang.tr("Émettre les cartes cochées", "Issue the cards ticked")) }
            }
        },
    )
}

pub fn printed(lang: Lang, user: &PageUser, a: &Assembly, cards: &[PrintedCard]) -> Markup {
    let title = lang.tr("Cartes de vote à imprimer", "Voting cards to print");
    layout::app_page(
        lang,
        user,
        title,
        html! {
            div.screen-only {
                p { a href=(format!("/assemblies/{}", a.id)) { "← " (a.title) } }
                h1 { (title) }
                p.flash role="status" {
                    (cards.len()) " " (lang.tr("carte(s) émise(s). Imprimez cette page (Ctrl+P) : une carte par feuille.", "card(s) issued. Print this page (Ctrl+P): one card per sheet."))
                }
            }
            @for card in cards {
                section.voting-card {
                    p.card-assembly { (a.title) " — " (labels::when(lang, a.starts_at)) }
                    p.card-name { (card.name) }
                    p { (lang.tr("Votre carte de vote : ouvrez ce lien sur votre téléphone.", "Your voting card: open this link on your phone.")) }
                    (qr::qr_svg(&card.url, lang.tr("Code QR du lien de vote", "QR code of the voting link")))
                    p.card-url { code { (card.url) } }
                    p.muted { (lang.tr(
                        "Personnelle : elle vote pour vous et pour les pouvoirs que vous détenez. Ne la prêtez pas.",
                        "Personal: it votes for you and the proxies you hold. Do not lend it.",
                    )) }
                }
            }
        },
    )
}
