//! Small pieces of markup shared by the pages.

use chrono::NaiveDate;
use maud::{Markup, html};

use crate::domain::capital::{format_euros_en, format_euros_fr};
use crate::domain::register::{AssociateKind, Category, Status};
use crate::web::i18n::Lang;

/// The hidden CSRF field every state-changing form carries.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// A labelled input; `error` is shown beside it and linked for screen readers.
pub fn field(label: &str, name: &str, kind: &str, value: &str, error: Option<&str>) -> Markup {
    hinted_field(label, name, kind, value, None, error)
}

/// The ids an input is described by: its hint, then its error.
fn described_by(name: &str, hint: Option<&str>, error: Option<&str>) -> Option<String> {
    let ids: Vec<String> = [
        hint.map(|_| format!("{name}-hint")),
        error.map(|_| format!("{name}-error")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The hint and the error under a field, with the ids `described_by` names.
fn notes(name: &str, hint: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        @if let Some(text) = hint {
            p.hint id=(format!("{name}-hint")) { (text) }
        }
        @if let Some(message) = error {
            p.error id=(format!("{name}-error")) { (message) }
        }
    }
}

/// A labelled input with a sentence that explains it (and its source).
pub fn hinted_field(
    label: &str,
    name: &str,
    kind: &str,
    value: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            input id=(name) name=(name) type=(kind) value=(value)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(name, hint, error)];
            (notes(name, hint, error))
        }
    }
}

/// A labelled multi-line text (a postal address).
pub fn text_area(label: &str, name: &str, value: &str, error: Option<&str>) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            textarea id=(name) name=(name) rows="3"
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(name, None, error)] { (value) }
            (notes(name, None, error))
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
    hinted_select(label, name, options, selected, None, error)
}

/// A labelled select with a sentence that explains it.
pub fn hinted_select(
    label: &str,
    name: &str,
    options: &[(String, String)],
    selected: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        div.field {
            label for=(name) { (label) }
            select id=(name) name=(name)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described_by(name, hint, error)] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
            (notes(name, hint, error))
        }
    }
}

/// A checkbox with its label after it, sending `on` when ticked.
pub fn checkbox(label: &str, name: &str, checked: bool, hint: Option<&str>) -> Markup {
    html! {
        div.field.check {
            input id=(name) name=(name) type="checkbox" value="on" checked[checked]
                aria-describedby=[described_by(name, hint, None)];
            label for=(name) { (label) }
            (notes(name, hint, None))
        }
    }
}

/// Problems with a submitted form: each either beside a field (`field`
/// names the input) or about the form as a whole, in both languages.
#[derive(Clone, Debug, Default)]
pub struct Problems(pub Vec<Problem>);

#[derive(Clone, Debug)]
pub struct Problem {
    pub field: Option<String>,
    pub fr: String,
    pub en: String,
}

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn add(&mut self, field: Option<&str>, fr: impl Into<String>, en: impl Into<String>) {
        self.0.push(Problem {
            field: field.map(str::to_string),
            fr: fr.into(),
            en: en.into(),
        });
    }

    /// The first message about `field`, in the page's language.
    pub fn on(&self, lang: Lang, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|p| p.field.as_deref() == Some(field))
            .map(|p| p.text(lang))
    }

    /// The messages that belong to no field shown on the form.
    pub fn general<'a>(&'a self, lang: Lang, shown: &[&str]) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|p| p.field.as_deref().is_none_or(|f| !shown.contains(&f)))
            .map(|p| p.text(lang))
            .collect()
    }
}

impl Problem {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }
}

/// The problems that concern the form as a whole, announced at once.
pub fn alert(lang: Lang, messages: &[&str]) -> Markup {
    html! {
        @if !messages.is_empty() {
            div.errors role="alert" {
                p { strong { (lang.tr("Le formulaire n'a pas été enregistré :", "The form was not saved:")) } }
                ul { @for m in messages { li { (m) } } }
            }
        }
    }
}

/// A date as the language writes it: "05/03/2026" / "2026-03-05".
pub fn date(lang: Lang, day: NaiveDate) -> String {
    match lang {
        Lang::Fr => day.format("%d/%m/%Y").to_string(),
        Lang::En => day.format("%Y-%m-%d").to_string(),
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
        Some("account_created") => lang.tr("Compte créé.", "Account created."),
        Some("logged_out") => lang.tr("Vous êtes déconnecté.", "You are logged out."),
        Some("second_factor_disabled") => lang.tr(
            "Double authentification désactivée.",
            "Two-factor login turned off.",
        ),
        Some("second_factor_reset") => lang.tr(
            "Double authentification réinitialisée : le compte devra l'activer de nouveau.",
            "Two-factor login reset: the account will have to set it up again.",
        ),
        Some("second_factor_expired") => lang.tr(
            "Le délai pour saisir le code est dépassé : saisissez de nouveau votre mot de passe.",
            "The time to type the code is over: type your password again.",
        ),
        Some("password_changed") => lang.tr(
            "Mot de passe changé : connectez-vous avec le nouveau et votre code.",
            "Password changed: log in with the new one and your code.",
        ),
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

/// The name of a stored category code, in the page's language.
pub fn category_label(lang: Lang, code: &str) -> String {
    match Category::parse(code) {
        Ok(c) => lang.tr(c.label_fr(), c.label_en()).to_string(),
        Err(_) => code.to_string(),
    }
}

/// "Personne physique" / "Personne morale".
pub fn kind_label(lang: Lang, code: &str) -> String {
    match AssociateKind::parse(code) {
        Ok(k) => lang.tr(k.label_fr(), k.label_en()).to_string(),
        Err(_) => code.to_string(),
    }
}

/// "Actif", "Retiré"…
pub fn status_label(lang: Lang, code: &str) -> String {
    match Status::parse(code) {
        Ok(s) => lang.tr(s.label_fr(), s.label_en()).to_string(),
        Err(_) => code.to_string(),
    }
}

/// The options of a category select, French labels first.
pub fn category_options(lang: Lang) -> Vec<(String, String)> {
    Category::ALL
        .iter()
        .map(|c| {
            (
                c.code().to_string(),
                lang.tr(c.label_fr(), c.label_en()).to_string(),
            )
        })
        .collect()
}
