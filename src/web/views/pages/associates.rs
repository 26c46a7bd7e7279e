//! `/associates`: the list of associates, searched and filtered.

use maud::{Markup, html};

use crate::db::models::college::College;
use crate::domain::register::Status;
use crate::services::associates::AssociateView;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components::{self, category_label, kind_label, status_label};
use crate::web::views::layout;

/// The filters as given in the query string.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub q: String,
    pub college: String,
    pub category: String,
    pub status: String,
}

pub fn college_name(colleges: &[College], id: i64) -> &str {
    colleges
        .iter()
        .find(|c| c.id == id)
        .map_or("", |c| c.name.as_str())
}

pub fn view(
    lang: Lang,
    user: &PageUser,
    filters: &Filters,
    associates: &[AssociateView],
    colleges: &[College],
    can_admit: bool,
    done: Option<&str>,
) -> Markup {
    let title = lang.tr("Associés", "Associates");
    let all = || (String::new(), lang.tr("Tous", "All").to_string());
    let college_options: Vec<(String, String)> = std::iter::once(all())
        .chain(
            colleges
                .iter()
                .filter(|c| !c.retired)
                .map(|c| (c.id.to_string(), c.name.clone())),
        )
        .collect();
    let category_options: Vec<(String, String)> = std::iter::once(all())
        .chain(components::category_options(lang))
        .collect();
    let status_options: Vec<(String, String)> = std::iter::once(all())
        .chain(Status::ALL.iter().map(|s| {
            (
                s.code().to_string(),
                lang.tr(s.label_fr(), s.label_en()).to_string(),
            )
        }))
        .collect();
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            (components::flash(lang, done))
            p.actions {
                @if can_admit {
                    a.button href="/associates/new" { (lang.tr("Admettre un associé", "Admit an associate")) }
                    " "
                }
                a href="/associates/export.csv" { (lang.tr("Exporter la liste (CSV)", "Export the list (CSV)")) }
            }
            form.filters method="get" action="/associates" role="search" {
                (components::field(lang.tr("Rechercher (nom, e-mail, n°)", "Search (name, e-mail, no.)"), "q", "search", &filters.q, None))
                (components::select(lang.tr("Collège", "College"), "college", &college_options, &filters.college, None))
                (components::select(lang.tr("Catégorie", "Category"), "category", &category_options, &filters.category, None))
                (components::select(lang.tr("Statut", "Status"), "status", &status_options, &filters.status, None))
                div.field { button type="submit" { (lang.tr("Filtrer", "Filter")) } }
            }
            p.muted role="status" {
                (associates.len()) " " (lang.tr("associé(s)", "associate(s)"))
            }
            div.table-scroll {
                table {
                    thead { tr {
                        th.num scope="col" { (lang.tr("N°", "No.")) }
                        th scope="col" { (lang.tr("Nom", "Name")) }
                        th scope="col" { (lang.tr("Type", "Kind")) }
                        th scope="col" { (lang.tr("Catégorie", "Category")) }
                        th scope="col" { (lang.tr("Collège", "College")) }
                        th scope="col" { (lang.tr("Admission", "Admitted")) }
                        th scope="col" { (lang.tr("Statut", "Status")) }
                    } }
                    tbody {
                        @for a in associates {
                            tr {
                                td.num { (a.number) }
                                td { a href=(format!("/associates/{}", a.id)) { (a.name) } }
                                td { (kind_label(lang, &a.kind)) }
                                td { (category_label(lang, &a.category)) }
                                td { (college_name(colleges, a.college_id)) }
                                td { (components::date(lang, a.admitted_on)) }
                                td { (status_label(lang, &a.status)) }
                            }
                        }
                    }
                }
            }
        },
    )
}
