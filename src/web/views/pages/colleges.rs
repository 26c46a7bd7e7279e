//! `/colleges`: the voting colleges, edited as a whole set.

use maud::{Markup, html};

use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components::{self, Problem, Problems};
use crate::web::views::{labels, layout};

/// One row of the table as typed (or as stored).
#[derive(Clone, Debug, Default)]
pub struct CollegeRow {
    pub id: String,
    pub name: String,
    pub weight: String,
    /// Active members, for a college that exists.
    pub members: Option<i64>,
    pub problems: Vec<Problem>,
}

pub fn view(
    lang: Lang,
    user: &PageUser,
    rows: &[CollegeRow],
    general: &Problems,
    editable: bool,
    done: Option<&str>,
) -> Markup {
    let title = lang.tr("Collèges de vote", "Voting colleges");
    let rule = lang.tr(
        "Art. 19 octies de la loi de 1947 et RULES 13.6 : au moins 3 collèges, chacun entre 10 % et 50 % des voix, 100 % en tout. Un collège n'est pas une catégorie d'associés.",
        "Art. 19 octies of the 1947 law and RULES 13.6: at least 3 colleges, each between 10 % and 50 % of the votes, 100 % in all. A college is not a category of associates.",
    );
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            (components::flash(lang, done))
            p #colleges-rule { (rule) }
            @if editable {
                (components::alert(lang, &general.general(lang, &[])))
                form method="post" action="/colleges" {
                    (components::csrf(&user.csrf_token))
                    p.hint { (lang.tr(
                        "Pour supprimer un collège, videz son nom et son poids ; pour en ajouter un, remplissez une ligne vide. Le poids s'écrit en pourcentage : 30 ou 33,33.",
                        "To remove a college, empty its name and weight; to add one, fill in an empty row. The weight is a percentage: 30 or 33.33.",
                    )) }
                    div.table-scroll {
                        table.colleges aria-describedby="colleges-rule" {
                            thead { tr {
                                th scope="col" { (lang.tr("Collège", "College")) }
                                th scope="col" { (lang.tr("Poids (%)", "Weight (%)")) }
                                th.num scope="col" { (lang.tr("Associés actifs", "Active associates")) }
                            } }
                            tbody {
                                @for (i, row) in rows.iter().enumerate() {
                                    (edit_row(lang, i, row))
                                }
                            }
                        }
                    }
                    p { button type="submit" { (lang.tr("Enregistrer les collèges", "Save the colleges")) } }
                }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (lang.tr("Collège", "College")) }
                        th.num scope="col" { (lang.tr("Poids", "Weight")) }
                        th.num scope="col" { (lang.tr("Associés actifs", "Active associates")) }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                th scope="row" { (row.name) }
                                td.num { (labels::percent(lang, &row.weight)) }
                                td.num { (row.members.unwrap_or(0)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn edit_row(lang: Lang, i: usize, row: &CollegeRow) -> Markup {
    let n = i + 1;
    let error_id = format!("row-{i}-error");
    let described = (!row.problems.is_empty()).then_some(error_id.as_str());
    let invalid = described.map(|_| "true");
    html! {
        tr {
            td {
                input type="hidden" name=(format!("id_{i}")) value=(row.id);
                label.visually-hidden for=(format!("name_{i}")) {
                    (lang.tr("Nom du collège", "Name of college")) " " (n)
                }
                input id=(format!("name_{i}")) name=(format!("name_{i}")) type="text" value=(row.name)
                    aria-invalid=[invalid] aria-describedby=[described];
                @if !row.problems.is_empty() {
                    ul.error id=(error_id) {
                        @for p in &row.problems { li { (p.text(lang)) } }
                    }
                }
            }
            td {
                label.visually-hidden for=(format!("weight_{i}")) {
                    (lang.tr("Poids du collège", "Weight of college")) " " (n) " (%)"
                }
                input.weight id=(format!("weight_{i}")) name=(format!("weight_{i}")) type="text"
                    inputmode="decimal" value=(row.weight)
                    aria-invalid=[invalid] aria-describedby=[described];
            }
            td.num {
                @match row.members {
                    Some(m) => (m),
                    None => "—",
                }
            }
        }
    }
}
