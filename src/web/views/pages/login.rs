use maud::{Markup, html};

use crate::web::i18n::Lang;
use crate::web::views::{components, layout};

pub struct LoginForm<'a> {
    pub email: &'a str,
    pub next: &'a str,
    pub failed: bool,
    pub done: Option<&'a str>,
    /// Too many failed logins: the minutes to wait.
    pub wait_minutes: Option<i64>,
}

pub fn view(lang: Lang, form: &LoginForm) -> Markup {
    let title = lang.tr("Connexion", "Log in");
    let error = match form.wait_minutes {
        Some(minutes) => Some(match lang {
            Lang::Fr => format!(
                "Trop de tentatives de connexion échouées : réessayez dans {minutes} minute(s)."
            ),
            Lang::En => format!("Too many failed logins: try again in {minutes} minute(s)."),
        }),
        None => form.failed.then(|| {
            lang.tr(
                "E-mail ou mot de passe incorrect.",
                "Wrong e-mail or password.",
            )
            .to_string()
        }),
    };
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            (components::flash(lang, form.done))
            @if let Some(message) = error {
                p.error role="alert" { (message) }
            }
            form method="post" action="/login" {
                input type="hidden" name="next" value=(form.next);
                (components::field(lang.tr("Adresse e-mail", "E-mail address"), "email", "email", form.email, None))
                (components::field(lang.tr("Mot de passe", "Password"), "password", "password", "", None))
                p { button type="submit" { (lang.tr("Se connecter", "Log in")) } }
            }
            p { a href="/password/forgot" { (lang.tr("Mot de passe oublié ?", "Forgotten password?")) } }
            h2 { (lang.tr("Recevoir un lien de connexion par e-mail", "Get a login link by e-mail")) }
            form method="post" action="/login/link" {
                div.field {
                    label for="link-email" { (lang.tr("Adresse e-mail", "E-mail address")) }
                    input id="link-email" name="email" type="email" value="";
                }
                p { button type="submit" { (lang.tr("Recevoir un lien", "Send me a link")) } }
            }
        },
    )
}
