use maud::{Markup, html};

use crate::web::i18n::Lang;
use crate::web::views::{components, layout};

pub struct LoginForm<'a> {
    pub email: &'a str,
    pub next: &'a str,
    pub failed: bool,
    pub done: Option<&'a str>,
}

pub fn view(lang: Lang, form: &LoginForm) -> Markup {
    let title = lang.tr("Connexion", "Log in");
    let error = form.failed.then(|| {
        lang.tr(
            "E-mail ou mot de passe incorrect.",
            "Wrong e-mail or password.",
        )
    });
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
        },
    )
}
