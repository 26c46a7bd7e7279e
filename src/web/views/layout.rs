use maud::{DOCTYPE, Markup, html};

use crate::db::models::account::Role;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components;

/// The shell of a page for a logged-in user: the navigation of their role
/// and the logout button.
pub fn app_page(lang: Lang, user: &PageUser, title: &str, main: Markup) -> Markup {
    let links: &[(&str, &str, &str)] = match user.role() {
        Role::Admin => &[
            ("/dashboard", "Tableau de bord", "Dashboard"),
            ("/associates", "Associés", "Associates"),
            ("/assemblies", "Assemblées", "Assemblies"),
            ("/colleges", "Collèges", "Colleges"),
            ("/capital", "Capital", "Capital"),
            ("/register", "Registre", "Register"),
            ("/settings", "Paramètres", "Settings"),
            ("/accounts", "Utilisateurs", "Users"),
        ],
        Role::Secretary => &[
            ("/dashboard", "Tableau de bord", "Dashboard"),
            ("/associates", "Associés", "Associates"),
            ("/assemblies", "Assemblées", "Assemblies"),
            ("/colleges", "Collèges", "Colleges"),
            ("/capital", "Capital", "Capital"),
            ("/register", "Registre", "Register"),
        ],
        Role::Associate => &[("/dashboard", "Mon espace", "My space")],
    };
    let nav = html! {
        nav.app aria-label=(lang.tr("Navigation principale", "Main navigation")) {
            @for (href, fr, en) in links {
                a href=(href) { (lang.tr(fr, en)) }
            }
            @if user.role() != Role::Associate || user.account.password_hash.is_some() {
                a href="/account/second-factor" { (lang.tr("Double authentification", "Two-factor login")) }
            }
            form.inline method="post" action="/logout" {
                (components::csrf(&user.csrf_token))
                button.link type="submit" { (lang.tr("Se déconnecter", "Log out")) }
            }
        }
    };
    shell(lang, title, Some(nav), main)
}

/// The shell of every page: language, stylesheet, header with the language
/// switch, the page's own content in `main`.
pub fn page(lang: Lang, title: &str, main: Markup) -> Markup {
    shell(lang, title, None, main)
}

fn shell(lang: Lang, title: &str, nav: Option<Markup>, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · scrutin" }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                header.site {
                    a.brand href="/" { "scrutin" }
                    nav aria-label=(lang.tr("Langue", "Language")) {
                        @match lang {
                            Lang::Fr => {
                                span aria-current="true" { "Français" }
                                " · "
                                a href="?lang=en" hreflang="en" lang="en" { "English" }
                            }
                            Lang::En => {
                                a href="?lang=fr" hreflang="fr" lang="fr" { "Français" }
                                " · "
                                span aria-current="true" { "English" }
                            }
                        }
                    }
                }
                @if let Some(nav) = nav {
                    (nav)
                }
                main { (main) }
                footer.site {
                    (lang.tr(
                        "scrutin — gouvernance des SCIC : associés, collèges, assemblées, votes et procès-verbaux.",
                        "scrutin — governance of SCIC cooperatives: associates, colleges, assemblies, votes and minutes.",
                    ))
                }
            }
        }
    }
}
