//! `/assemblies/{id}/screen`: the projector's page. Its own document (big
//! type, no navigation): the live fragment, replaced by `static/live.js`
//! with each Server-Sent Event, and a refresh every 5 seconds without JS.

use maud::{DOCTYPE, Markup, html};

use crate::web::i18n::Lang;
use crate::web::views::fragments::live::{self, Live};
use crate::web::views::qr;

/// `entry` is the address the associates open from the room (shown as a QR
/// code and in plain text).
pub fn view(lang: Lang, assembly_id: i64, now: &Live, entry: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (now.title) " · " (lang.tr("écran de séance", "live screen")) }
                link rel="stylesheet" href="/static/style.css";
                noscript { meta http-equiv="refresh" content="5"; }
                script src="/static/live.js" defer {}
            }
            body.screen {
                main #live data-events=(format!("/assemblies/{assembly_id}/events")) aria-live="polite" {
                    (live::view(lang, now))
                }
                aside.screen-entry {
                    (qr::qr_svg(entry, lang.tr("Code QR de la page d'émargement et de vote", "QR code of the check-in and voting page")))
                    p { (lang.tr("Émargez et votez : ", "Check in and vote: ")) code { (entry) } }
                }
                p.screen-back { a href=(format!("/assemblies/{assembly_id}")) { (lang.tr("Retour à l'assemblée", "Back to the assembly")) } }
            }
        }
    }
}
