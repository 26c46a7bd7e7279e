//! Small pieces of markup shared by the pages.

use maud::{Markup, html};

use crate::domain::capital::{format_euros_en, format_euros_fr};
use crate::web::i18n::Lang;

/// The hidden CSRF field every state-changing form carries.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// A labelled input; `error` is shown beside it and linked for screen readers.
pub fn field(label: &str, name: &str, kind: &str, value: &str, error: Option<&str>) -> Markup {
    let error_id = format!("{name}-error");
    html! {
        div.field {
            label for=(name) { (label) }
            input id=(name) name=(name) type=(kind) value=(value)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| error_id.as_str())];
            @if let Some(message) = error {
                p.error id=(error_id) { (message) }
            }
        }
    }
}

/// A labelled select among `(value, label)` options.
pub fn select(
    label: &str,
    name: &str,
    options: &[(String, String)],
    selected: &str,
    error: Option<&str>,
) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            select id=(name) name=(name) aria-invalid=[error.map(|_| "true")] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
            @if let Some(message) = error {
                p.error { (message) }
            }
        }
    }
}

/// The message shown after an action (`?done=CODE` on the redirect).
pub fn flash(lang: Lang, done: Option<&str>) -> Markup {
    let text = match done {
        Some("saved") => lang.tr("Modifications enregistrées.", "Changes saved."),
        Some("admitted") => lang.tr("Associé admis.", "Associate admitted."),
        Some("movement") => lang.tr(
            "Mouvement de capital enregistré.",
            "Capital movement recorded.",
        ),
        Some("withdrawn") => lang.tr("Départ enregistré.", "Departure recorded."),
        Some("imported") => lang.tr("Import terminé.", "Import done."),
        Some("logged_out") => lang.tr("Vous êtes déconnecté.", "You are logged out."),
        _ => return html! {},
    };
    html! { p.flash role="status" { (text) } }
}

/// Money in cents, as the language writes it: "1 234,50 €" / "€1,234.50".
pub fn euros(lang: Lang, cents: i64) -> String {
    match lang {
        Lang::Fr => format_euros_fr(cents),
        Lang::En => format_euros_en(cents),
    }
}
