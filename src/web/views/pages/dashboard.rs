//! The dashboard: the register at a glance for the staff, one's own record
//! for an associate.

use maud::{Markup, html};

use crate::domain::register::{Category, CategoryRule};
use crate::services::associates::AssociateView;
use crate::services::cooperative::CollegeView;
use crate::services::shares::Statement;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components::{self, euros};
use crate::web::views::{labels, layout};

pub struct Overview {
    pub coop_name: String,
    pub active: usize,
    pub shares: i64,
    pub capital_cents: i64,
    pub paid_cents: i64,
    pub colleges: Vec<CollegeView>,
    /// Active associates per category, every category listed.
    pub categories: Vec<(Category, usize)>,
    pub warnings: Vec<CategoryRule>,
}

pub struct OwnRecord {
    pub associate: AssociateView,
    pub college: String,
    pub statement: Statement,
}

pub fn staff(lang: Lang, user: &PageUser, o: &Overview, done: Option<&str>) -> Markup {
    let title = lang.tr("Tableau de bord", "Dashboard");
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) " — " (o.coop_name) }
            (components::flash(lang, done))
            @if !o.warnings.is_empty() {
                section.warnings role="status" aria-labelledby="warnings-title" {
                    h2 #warnings-title { (lang.tr("Catégories d'associés : à régulariser", "Categories of associates: to be put right")) }
                    ul {
                        @for w in &o.warnings {
                            li { (match lang { Lang::Fr => w.message_fr(), Lang::En => w.message_en() }) }
                        }
                    }
                }
            }
            div.cards {
                div.card {
                    p { (lang.tr("Associés actifs", "Active associates")) }
                    p.figure { (o.active) }
                }
                div.card {
                    p { (lang.tr("Capital souscrit", "Subscribed capital")) }
                    p.figure { (euros(lang, o.capital_cents)) }
                    p.muted { (o.shares) " " (lang.tr("parts", "shares")) }
                }
                div.card {
                    p { (lang.tr("Capital libéré", "Paid-up capital")) }
                    p.figure { (euros(lang, o.paid_cents)) }
                }
            }
            section {
                h2 { (lang.tr("Associés actifs par collège", "Active associates by college")) }
                table {
                    thead { tr {
                        th scope="col" { (lang.tr("Collège", "College")) }
                        th.num scope="col" { (lang.tr("Poids", "Weight")) }
                        th.num scope="col" { (lang.tr("Associés actifs", "Active associates")) }
                    } }
                    tbody {
                        @for c in &o.colleges {
                            tr {
                                th scope="row" { (c.name) }
                                td.num { (labels::percent(lang, &c.weight)) }
                                td.num { (c.members) }
                            }
                        }
                    }
                }
                p { a href="/colleges" { (lang.tr("Voir les collèges", "See the colleges")) } }
            }
            section {
                h2 { (lang.tr("Associés actifs par catégorie", "Active associates by category")) }
                table {
                    thead { tr {
                        th scope="col" { (lang.tr("Catégorie", "Category")) }
                        th.num scope="col" { (lang.tr("Associés actifs", "Active associates")) }
                    } }
                    tbody {
                        @for (category, n) in &o.categories {
                            tr {
                                th scope="row" { (lang.tr(category.label_fr(), category.label_en())) }
                                td.num { (n) }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub fn own(lang: Lang, user: &PageUser, own: Option<&OwnRecord>, done: Option<&str>) -> Markup {
    let title = lang.tr("Mon espace", "My space");
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            (components::flash(lang, done))
            @match own {
                None => p { (lang.tr(
                    "Votre compte n'est rattaché à aucun associé du registre : demandez-le à l'administrateur.",
                    "Your account is linked to no associate of the register: ask the administrator.",
                )) },
                Some(r) => {
                    section {
                        h2 { (r.associate.name) }
                        dl {
                            dt { (lang.tr("Numéro d'associé", "Associate number")) } dd { (r.associate.number) }
                            dt { (lang.tr("Catégorie", "Category")) } dd { (components::category_label(lang, &r.associate.category)) }
                            dt { (lang.tr("Collège", "College")) } dd { (r.college) }
                            dt { (lang.tr("Admis le", "Admitted on")) } dd { (components::date(lang, r.associate.admitted_on)) }
                            dt { (lang.tr("Statut", "Status")) } dd { (components::status_label(lang, &r.associate.status)) }
                        }
                    }
                    div.cards {
                        div.card {
                            p { (lang.tr("Parts détenues", "Shares held")) }
                            p.figure { (r.statement.held) }
                        }
                        div.card {
                            p { (lang.tr("Capital souscrit", "Subscribed capital")) }
                            p.figure { (euros(lang, r.statement.subscribed_cents)) }
                        }
                        div.card {
                            p { (lang.tr("Capital libéré", "Paid-up capital")) }
                            p.figure { (euros(lang, r.statement.paid_cents)) }
                        }
                    }
                    p { a href=(format!("/associates/{}", r.associate.id)) {
                        (lang.tr("Ma fiche complète et mes mouvements de parts", "My full record and share movements"))
                    } }
                }
            }
        },
    )
}
