//! `/capital?on=DATE`: the capital at a date, by college and by category,
//! in tables and in SVG bar charts (presentation attributes only: the
//! Content-Security-Policy forbids inline styles).

use maud::{Markup, html};
use num_bigint::BigInt;

use crate::domain::fraction::{Fraction, percent_2dp};
use crate::services::shares::{CapitalStatement, GroupHolding};
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components::{self, category_label, euros};
use crate::web::views::{labels, layout};

/// One bar of a chart.
struct Bar {
    name: String,
    capital_cents: i64,
    paid_cents: i64,
}

pub fn view(
    lang: Lang,
    user: &PageUser,
    s: &CapitalStatement,
    typed_on: &str,
    bad_date: bool,
) -> Markup {
    let title = lang.tr("Capital social", "Share capital");
    let by_college: Vec<Bar> = s
        .by_college
        .iter()
        .map(|g| bar(g, g.name.clone()))
        .collect();
    let by_category: Vec<Bar> = s
        .by_category
        .iter()
        .map(|g| bar(g, category_label(lang, &g.key)))
        .collect();
    let date_error = bad_date.then(|| {
        lang.tr(
            "Date invalide (AAAA-MM-JJ) : le capital est donné à la date du jour.",
            "Invalid date (YYYY-MM-DD): the capital is shown for today.",
        )
    });
    let date = components::date(lang, s.on);
    let shown_on = if bad_date {
        typed_on.to_string()
    } else {
        s.on.to_string()
    };
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) " — " (date) }
            form.filters method="get" action="/capital" {
                (components::field(lang.tr("Capital au", "Capital on"), "on", "date", &shown_on, date_error))
                div.field { button type="submit" { (lang.tr("Afficher", "Show")) } }
            }
            div.cards {
                div.card { p { (lang.tr("Capital souscrit", "Subscribed capital")) } p.figure { (euros(lang, s.capital_cents)) } p.muted { (s.shares) " " (lang.tr("parts", "shares")) } }
                div.card { p { (lang.tr("Capital libéré", "Paid-up capital")) } p.figure { (euros(lang, s.paid_cents)) } }
                div.card { p { (lang.tr("Plus haut capital atteint", "Highest capital reached")) } p.figure { (euros(lang, s.max_capital_cents)) } }
                div.card {
                    p { (lang.tr("Plancher du capital", "Capital floor")) }
                    p.figure { (euros(lang, s.floor_cents)) }
                    p.muted { (lang.tr(
                        "Le plus grand du minimum légal, du quart du plus haut capital (art. 13, loi de 1947) et du plancher statutaire.",
                        "The largest of the legal minimum, a quarter of the highest capital (art. 13, 1947 law) and the statutory floor.",
                    )) }
                }
            }
            (group_section(lang, "by-college", lang.tr("Par collège", "By college"), lang.tr("Collège", "College"), &by_college, s.capital_cents))
            (group_section(lang, "by-category", lang.tr("Par catégorie", "By category"), lang.tr("Catégorie", "Category"), &by_category, s.capital_cents))
        },
    )
}

fn bar(g: &GroupHolding, name: String) -> Bar {
    Bar {
        name,
        capital_cents: g.capital_cents,
        paid_cents: g.paid_cents,
    }
}

fn share_of(lang: Lang, part: i64, total: i64) -> String {
    if total <= 0 {
        return "—".into();
    }
    let share = Fraction::new(BigInt::from(part), BigInt::from(total));
    labels::percent(lang, &percent_2dp(&share))
}

fn group_section(
    lang: Lang,
    id: &str,
    heading: &str,
    column: &str,
    bars: &[Bar],
    total: i64,
) -> Markup {
    html! {
        section aria-labelledby=(id) {
            h2 id=(id) { (heading) }
            div.table-scroll {
                table {
                    thead { tr {
                        th scope="col" { (column) }
                        th.num scope="col" { (lang.tr("Souscrit", "Subscribed")) }
                        th.num scope="col" { (lang.tr("Libéré", "Paid up")) }
                        th.num scope="col" { (lang.tr("Part du capital", "Share of capital")) }
                    } }
                    tbody {
                        @for b in bars {
                            tr {
                                th scope="row" { (b.name) }
                                td.num { (euros(lang, b.capital_cents)) }
                                td.num { (euros(lang, b.paid_cents)) }
                                td.num { (share_of(lang, b.capital_cents, total)) }
                            }
                        }
                    }
                }
            }
            (chart(lang, &format!("{heading} — {}", lang.tr("capital souscrit et libéré", "subscribed and paid-up capital")), bars))
        }
    }
}

const ROW: i64 = 30;
const LABEL: i64 = 200;
const BAR: i64 = 280;
const WIDTH: i64 = 640;
const LIGHT: &str = "#a9c4e6";
const DARK: &str = "#1f5faa";
const INK: &str = "#1d2433";

/// A horizontal bar per group: the subscribed capital in light blue, its
/// paid-up part in dark blue over it, the amount written after the bar.
fn chart(lang: Lang, label: &str, bars: &[Bar]) -> Markup {
    let max = bars
        .iter()
        .map(|b| b.capital_cents.max(b.paid_cents))
        .max()
        .unwrap_or(0)
        .max(1);
    let width_of =
        |cents: i64| (i128::from(cents.max(0)) * i128::from(BAR) / i128::from(max)) as i64;
    let height = ROW * bars.len() as i64 + 40;
    let legend_y = ROW * bars.len() as i64 + 16;
    html! {
        figure.chart {
            svg role="img" aria-label=(label) viewBox=(format!("0 0 {WIDTH} {height}")) width="100%" xmlns="http://www.w3.org/2000/svg" {
                title { (label) }
                @for (i, b) in bars.iter().enumerate() {
                    @let y = ROW * i as i64;
                    @let w = width_of(b.capital_cents);
                    text x="0" y=(y + 20) font-size="14" fill=(INK) { (short(&b.name)) }
                    rect x=(LABEL) y=(y + 6) width=(w) height="18" fill=(LIGHT) {}
                    rect x=(LABEL) y=(y + 6) width=(width_of(b.paid_cents)) height="18" fill=(DARK) {}
                    text x=(LABEL + w + 6) y=(y + 20) font-size="13" fill=(INK) { (euros(lang, b.capital_cents)) }
                }
                rect x=(LABEL) y=(legend_y) width="14" height="14" fill=(LIGHT) {}
                text x=(LABEL + 20) y=(legend_y + 12) font-size="13" fill=(INK) { (lang.tr("souscrit", "subscribed")) }
                rect x=(LABEL + 120) y=(legend_y) width="14" height="14" fill=(DARK) {}
                text x=(LABEL + 140) y=(legend_y + 12) font-size="13" fill=(INK) { (lang.tr("libéré", "paid up")) }
            }
        }
    }
}

/// A label that fits beside the bars.
fn short(name: &str) -> String {
    if name.chars().count() <= 24 {
        name.to_string()
    } else {
        name.chars().take(23).chain(std::iter::once('…')).collect()
    }
}
