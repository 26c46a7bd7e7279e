//! The quorum now: who is counted, how many are needed, reached or not.

use maud::{Markup, html};

use crate::services::attendance::QuorumView;
use crate::web::i18n::Lang;

pub fn view(lang: Lang, q: &QuorumView) -> Markup {
    html! {
        div.quorum.(if q.reached { "reached" } else { "short" }) role="status" {
            p.quorum-head {
                strong {
                    (lang.tr("Quorum", "Quorum")) " : "
                    @if q.reached { (lang.tr("atteint", "reached")) } @else { (lang.tr("non atteint", "not reached")) }
                }
                " — "
                span.figure { (q.counted) " / " (q.members) }
                " "
                (lang.tr("associés comptés", "associates counted"))
            }
            p.muted {
                (lang.tr("Présents", "Present")) " " (q.present) " · "
                (lang.tr("à distance", "remote")) " " (q.remote) " · "
                (lang.tr("représentés", "represented")) " " (q.represented)
                " — "
                (lang.tr("il en faut", "needed")) " " (q.required)
                " (" (q.fraction) " " (lang.tr("des inscrits", "of the roll")) ")"
            }
        }
    }
}
