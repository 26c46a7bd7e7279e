//! `/vote/{token}`: the voter's page, for a phone held in one hand — the
//! open resolution, then one block per vote to cast (my own, then each
//! proxy I hold) with one big button per choice; the receipt afterwards.

use maud::{Markup, html};

use crate::db::models::assembly::Assembly;
use crate::db::models::resolution::Resolution;
use crate::web::i18n::Lang;
use crate::web::views::labels;
use crate::web::views::layout;

pub struct VoteScreen {
    pub assembly: Assembly,
    pub my_name: String,
    /// In the room or remotely: may vote.
    pub attending: bool,
    /// The assembly is open and offers remote participation: the voter may
    /// join from here.
    pub may_check_in: bool,
    pub open: Option<Resolution>,
    /// Mine first, then one per proxy held (only while a resolution is open).
    pub blocks: Vec<Block>,
}

pub struct Block {
    pub associate_id: i64,
    pub name: String,
    pub mine: bool,
    pub voted: bool,
}

/// A ballot just accepted, for the receipt page.
pub struct Ballot {
    pub resolution: Resolution,
    pub whom: String,
    pub for_a_proxy: bool,
    pub choice: &'static str,
    pub receipt: String,
}

pub fn view(lang: Lang, token: &str, form_key: &str, s: &VoteScreen) -> Markup {
    let a = &s.assembly;
    let here = format!("/vote/{token}");
    layout::page(
        lang,
        &a.title,
        html! {
            div.vote {
                p.muted { (a.title) " — " (labels::when(lang, a.starts_at)) }
                p { (lang.tr("Bonjour ", "Hello ")) strong { (s.my_name) } }
                @if s.may_check_in {
                    (check_in(lang, &here, form_key))
                }
                @match (&s.open, a.status.as_str()) {
                    (_, "draft" | "convened") => {
                        p { (lang.tr("L'assemblée n'est pas encore ouverte. Lieu : ", "The assembly is not open yet. Place: ")) (a.place) }
                        @if let (true, Some(url)) = (a.remote, &a.remote_url) {
                            p { (lang.tr("Participation à distance : ", "Remote participation: ")) a href=(url) { (url) } }
                        }
                        p { a.button href=(here) { (lang.tr("Actualiser", "Refresh")) } }
                    }
                    (None, _) => {
                        p.vote-wait { (lang.tr("Aucune résolution n'est ouverte au vote pour le moment.", "No resolution is open for voting at the moment.")) }
                        p { a.button href=(here) { (lang.tr("Actualiser", "Refresh")) } }
                    }
                    (Some(r), _) => {
                        article.vote-resolution {
                            h1 { (lang.tr("Résolution n° ", "Resolution no. ")) (r.number) " — " (r.title) }
                            @if !r.text.is_empty() { p.resolution-text { (r.text) } }
                        }
                        @if s.may_check_in {
                            // The check-in form is shown above.
                        } @else if !s.attending {
                            p.notice { (lang.tr(
                                "Vous n'êtes pas enregistré comme présent : passez à l'accueil pour pouvoir voter.",
                                "You are not recorded as attending: go to the desk to be able to vote.",
                            )) }
                        } @else {
                            @for b in &s.blocks {
                                (block(lang, &here, form_key, r, b))
                            }
                            p { a href=(here) { (lang.tr("Actualiser", "Refresh")) } }
                        }
                    }
                }
            }
        },
    )
}

fn block(lang: Lang, action: &str, form_key: &str, r: &Resolution, b: &Block) -> Markup {
    html! {
        section.vote-block {
            h2 {
                @if b.mine { (lang.tr("Mon vote", "My vote")) }
                @else { (lang.tr("Pouvoir de ", "Proxy of ")) (b.name) }
            }
            @if b.voted {
                p.ok { strong { (lang.tr("Déjà voté", "Already voted")) } " ✓" }
            } @else {
                form.vote-choices method="post" action=(action) {
                    input type="hidden" name="form_key" value=(form_key);
                    input type="hidden" name="resolution_id" value=(r.id);
                    @if !b.mine { input type="hidden" name="on_behalf_of" value=(b.associate_id); }
                    button.choice-for type="submit" name="choice" value="for" { (lang.tr("Pour", "For")) }
                    button.choice-against type="submit" name="choice" value="against" { (lang.tr("Contre", "Against")) }
                    button.choice-abstain type="submit" name="choice" value="abstain" { (lang.tr("Abstention", "Abstain")) }
                }
            }
        }
    }
}

/// The receipt of a ballot: the code to keep, and how to check it.
pub fn receipt(lang: Lang, back: &str, b: &Ballot) -> Markup {
    let r = &b.resolution;
    layout::page(
        lang,
        lang.tr("Vote enregistré", "Vote recorded"),
        html! {
            div.vote {
                h1.ok { (lang.tr("Vote enregistré", "Vote recorded")) " ✓" }
                p {
                    (lang.tr("Résolution n° ", "Resolution no. ")) (r.number) " — " (r.title) br;
                    @if b.for_a_proxy { (lang.tr("Au nom de ", "On behalf of ")) } @else { (lang.tr("Pour ", "For ")) }
                    strong { (b.whom) } " : " strong { (labels::choice(lang, b.choice)) }
                }
                p { (lang.tr("Votre reçu :", "Your receipt:")) }
                p.receipt { code { (b.receipt) } }
                p { (lang.tr(
                    "Notez ce code ou faites une capture d'écran. À la clôture du vote, la liste de tous les reçus est publiée avec le choix compté pour chacun (GET /api/v1/resolutions/",
                    "Write this code down or take a screenshot. When the vote closes, the list of every receipt is published with the choice counted for each (GET /api/v1/resolutions/",
                )) (r.id) (lang.tr(
                    "/receipts) : vérifiez que votre code y figure avec votre choix, et signalez toute différence au bureau avant la signature du procès-verbal.",
                    "/receipts): check that your code is there with your choice, and report any difference to the bureau before the minutes are signed.",
                )) }
                p { a.button href=(back) { (lang.tr("Retour à mes votes", "Back to my votes")) } }
            }
        },
    )
}

/// A short page: a refusal, an invalid link.
pub fn message(lang: Lang, title: &str, text: &str, back: Option<&str>) -> Markup {
    layout::page(
        lang,
        title,
        html! {
            div.vote {
                h1 { (title) }
                p role="alert" { (text) }
                @if let Some(href) = back {
                    p { a.button href=(href) { (lang.tr("Retour à mes votes", "Back to my votes")) } }
                }
            }
        },
    )
}

/// Joining remotely from the voter's own link (CONTRACT.md check-in).
fn check_in(lang: Lang, here: &str, form_key: &str) -> Markup {
    html! {
        form.vote-check-in method="post" action=(format!("{here}/check-in")) {
            input type="hidden" name="form_key" value=(form_key);
            p { (lang.tr(
                "L'assemblée est ouverte et propose la participation à distance. Vous n'êtes pas enregistré comme présent.",
                "The assembly is open and offers remote participation. You are not recorded as attending.",
            )) }
            button.big type="submit" { (lang.tr("Je participe à distance", "I take part remotely")) }
        }
    }
}
