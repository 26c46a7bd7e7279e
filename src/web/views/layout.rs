use maud::{DOCTYPE, Markup, html};

use crate::web::i18n::Lang;

/// The shell of every page: language, stylesheet, header with the language
/// switch, the page's own content in `main`.
pub fn page(lang: Lang, title: &str, main: Markup) -> Markup {
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
