//! The live screen's content: rendered in the page, and pushed alone over
//! Server-Sent Events each time it changes.

use maud::{Markup, html};
use serde_json::Value;

use crate::services::attendance::QuorumView;
use crate::web::i18n::Lang;
use crate::web::views::fragments::{quorum, result};
use crate::web::views::labels;

pub struct Live {
    pub title: String,
    pub status: String,
    pub quorum: Option<QuorumView>,
    /// The open resolution, else the last one closed.
    pub current: Option<LiveResolution>,
}

pub struct LiveResolution {
    pub number: i64,
    pub title: String,
    pub status: String,
    pub ballots: i64,
    /// Ballots that may be cast now: the attending and the proxies they hold.
    pub may_vote: u64,
    /// None for a secret resolution until it closes.
    pub chain_head: Option<String>,
    pub result: Option<Value>,
}

pub fn view(lang: Lang, live: &Live) -> Markup {
    html! {
        div.screen-head {
            p.screen-title { (live.title) }
            p.screen-status { (labels::assembly_status(lang, &live.status)) }
        }
        @if let Some(q) = &live.quorum {
            (quorum::view(lang, q))
        }
        @match &live.current {
            None => {
                p.screen-wait { (lang.tr("En attente de la prochaine résolution.", "Waiting for the next resolution.")) }
            }
            Some(r) => {
                section.screen-resolution {
                    h2 { (lang.tr("Résolution n° ", "Resolution no. ")) (r.number) " — " (r.title) }
                    p.screen-status { (labels::resolution_status(lang, &r.status)) }
                    p.screen-count {
                        span.figure { (r.ballots) }
                        " " (lang.tr("ont voté sur", "have voted out of")) " "
                        span.figure { (r.may_vote) }
                        " " (lang.tr("pouvant voter", "who may vote"))
                    }
                    @if let Some(res) = &r.result {
                        (result::bars(lang, res))
                    }
                    @if let Some(head) = &r.chain_head {
                        p.chain {
                            (lang.tr("Empreinte de la chaîne des bulletins", "Ballot chain head")) " : "
                            code { (head.get(..16).unwrap_or(head)) }
                        }
                    }
                }
            }
        }
    }
}
