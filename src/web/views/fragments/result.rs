//! A frozen result (CONTRACT.md's shape): the counts per college, the
//! share that decides, the verdict; and the same as bars for the screen.

use maud::{Markup, html};
use serde_json::Value;

use crate::domain::fraction::{parse_fraction, percent_2dp};
use crate::web::i18n::Lang;
use crate::web::views::labels;

fn count(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or(0)
}

fn colleges(result: &Value) -> &[Value] {
    result["colleges"].as_array().map_or(&[], Vec::as_slice)
}

/// The sentence that states the outcome: "Résolution adoptée à 57,50 %".
pub fn verdict(lang: Lang, result: &Value) -> Markup {
    let adopted = result["adopted"].as_bool() == Some(true);
    html! {
        p.verdict.(if adopted { "adopted" } else { "rejected" }) {
            (lang.tr("Résolution ", "Resolution ")) strong { (labels::verdict(lang, result)) }
        }
        p.muted {
            (lang.tr("Pour", "For")) " " (labels::percent(lang, result["for_percent"].as_str().unwrap_or("0.00")))
            " · " (lang.tr("Contre", "Against")) " " (labels::percent(lang, result["against_percent"].as_str().unwrap_or("0.00")))
            " — "
            @if result["weighted"].as_bool() == Some(true) {
                (lang.tr("vote pondéré par collège", "weighted by college"))
            } @else {
                (lang.tr("une voix par associé", "one vote per associate"))
            }
        }
        @if result["weighted"].as_bool() == Some(true) {
            p.hint { (weighting_rule(lang, result)) }
        }
    }
}

/// Why the percentage is not the head count: each college's share of
/// "for" counts by the college's weight (RULES 13.4).
fn weighting_rule(lang: Lang, result: &Value) -> &'static str {
    if result["empty_college"] == "total" {
        lang.tr(
            "La part des voix pour de chaque collège compte selon son poids. Un collège où personne n'a exprimé de voix garde son poids sans compter ni pour ni contre (option T des statuts).",
            "Each college's share of votes for counts by its weight. A college where nobody cast a vote keeps its weight, counting neither for nor against (option T of the statutes).",
        )
    } else {
        lang.tr(
            "La part des voix pour de chaque collège compte selon son poids. Un collège où personne n'a exprimé de voix ne compte pas : son poids est réparti entre les autres (option R des statuts).",
            "Each college's share of votes for counts by its weight. A college where nobody cast a vote does not count: its weight is shared among the others (option R of the statutes).",
        )
    }
}

/// A college's share of votes for ("1/3" → "33,33 %"), or a dash when
/// nobody there cast a vote.
fn share(lang: Lang, college: &Value) -> String {
    college["for_share"]
        .as_str()
        .and_then(|f| parse_fraction(f).ok())
        .map_or("—".to_string(), |f| {
            labels::percent(lang, &percent_2dp(&f))
        })
}

/// The table of a frozen result, for the secretary's page.
pub fn table(lang: Lang, result: &Value) -> Markup {
    let counts = &result["counts"];
    html! {
        table.result {
            thead { tr {
                th scope="col" { (lang.tr("Collège", "College")) }
                th.num scope="col" { (lang.tr("Poids", "Weight")) }
                th.num scope="col" { (lang.tr("Pour", "For")) }
                th.num scope="col" { (lang.tr("Contre", "Against")) }
                th.num scope="col" { (lang.tr("Abstention", "Abstain")) }
                th.num scope="col" { (lang.tr("Part des voix pour", "Share for")) }
            } }
            tbody {
                @for c in colleges(result) {
                    tr {
                        th scope="row" { (c["name"].as_str().unwrap_or("")) }
                        td.num { (labels::percent(lang, c["weight"].as_str().unwrap_or("0.00"))) }
                        td.num { (count(c, "for")) }
                        td.num { (count(c, "against")) }
                        td.num { (count(c, "abstain")) }
                        td.num { (share(lang, c)) }
                    }
                }
            }
            tfoot { tr {
                th scope="row" {
                    @if result["weighted"].as_bool() == Some(true) { (lang.tr("Total pondéré", "Weighted total")) }
                    @else { (lang.tr("Total", "Total")) }
                }
                td.num {}
                td.num { (count(counts, "for")) }
                td.num { (count(counts, "against")) }
                td.num { (count(counts, "abstain")) }
                td.num { (labels::percent(lang, result["for_percent"].as_str().unwrap_or("0.00"))) }
            } }
        }
        (verdict(lang, result))
    }
}

/// One bar: the share for (green) and against (red) of a whole, drawn to
/// the nearest tenth of a percent (the decision itself is exact, elsewhere).
fn bar(lang: Lang, for_part: f64, against_part: f64) -> Markup {
    let whole = for_part + against_part;
    let for_width = if whole > 0.0 {
        100.0 * for_part / whole
    } else {
        0.0
    };
    let against_width = if whole > 0.0 { 100.0 - for_width } else { 0.0 };
    let label = format!(
        "{} {:.1} %, {} {:.1} %",
        lang.tr("pour", "for"),
        for_width,
        lang.tr("contre", "against"),
        against_width
    );
    let label = match lang {
        Lang::Fr => label.replace('.', ","),
        Lang::En => label,
    };
    html! {
        svg.bar viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=(label) {
            @if whole > 0.0 {
                rect.bar-for x="0" y="0" height="10" width=(format!("{for_width:.1}")) {}
                rect.bar-against x=(format!("{for_width:.1}")) y="0" height="10" width=(format!("{:.1}", 100.0 - for_width)) {}
            } @else {
                rect.bar-empty x="0" y="0" height="10" width="100" {}
            }
        }
    }
}

/// The result as bars, one per college, then the total that decides.
pub fn bars(lang: Lang, result: &Value) -> Markup {
    let percent = |key: &str| {
        result[key]
            .as_str()
            .and_then(|p| p.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    html! {
        div.bars {
            @for c in colleges(result) {
                div.bar-row {
                    p.bar-label {
                        (c["name"].as_str().unwrap_or("")) " "
                        span.muted { (count(c, "for")) " " (lang.tr("pour", "for")) " · " (count(c, "against")) " " (lang.tr("contre", "against")) " · " (count(c, "abstain")) " " (lang.tr("abst.", "abst.")) }
                    }
                    (bar(lang, count(c, "for") as f64, count(c, "against") as f64))
                }
            }
            div.bar-row.total {
                p.bar-label { strong { (lang.tr("Total", "Total")) } }
                (bar(lang, percent("for_percent"), percent("against_percent")))
            }
        }
        (verdict(lang, result))
    }
}
