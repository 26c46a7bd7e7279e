use maud::{Markup, html};

use crate::web::i18n::Lang;
use crate::web::views::layout;

pub fn view(lang: Lang) -> Markup {
    let title = lang.tr("Page introuvable", "Page not found");
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            p { a href="/" { (lang.tr("Retour à l'accueil", "Back to the home page")) } }
        },
    )
}
