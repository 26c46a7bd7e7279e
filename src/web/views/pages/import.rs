use maud::{Markup, html};

use crate::export::associates_csv::{AssociateRow, LineError};
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::{components, layout};

/// Where the import stands: choosing a file, checking it, or refused.
pub enum Step<'a> {
    Choose,
    Preview {
        rows: &'a [AssociateRow],
        content: &'a str,
        colleges: &'a [(i64, String)],
    },
    Refused(&'a [LineError]),
}

pub fn view(lang: Lang, user: &PageUser, step: Step) -> Markup {
    let title = lang.tr("Importer des associés", "Import associates");
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            @match step {
                Step::Choose => (choose(lang, user)),
                Step::Preview { rows, content, colleges } => (preview(lang, user, rows, content, colleges)),
                Step::Refused(errors) => {
                    section.warnings role="alert" {
                        h2 { (lang.tr("Rien n'a été importé", "Nothing was imported")) }
                        p { (lang.tr("Corrigez ces lignes du fichier puis recommencez :", "Fix these lines of the file, then try again:")) }
                        ul { @for e in errors { li { (lang.tr("ligne ", "line ")) (e.line) " : " (e.reason) } } }
                    }
                    (choose(lang, user))
                }
            }
        },
    )
}

fn choose(lang: Lang, user: &PageUser) -> Markup {
    html! {
        p {
            (lang.tr(
                "Un fichier CSV (séparé par des points-virgules ou des virgules, UTF-8 ou Windows-1252 comme l'enregistrent les tableurs) avec une ligne d'en-tête et les colonnes :",
                "A CSV file (semicolon- or comma-separated, UTF-8 or Windows-1252 as spreadsheets save it) with a header line and the columns:",
            ))
        }
        p { code { "name;email;kind;representative;category;college;admitted_on;shares" } }
        p {
            (lang.tr(
                "Tout ou rien : une seule ligne fausse et rien n'est écrit. Vous verrez d'abord un aperçu.",
                "All or nothing: one bad line and nothing is written. You will see a preview first.",
            ))
        }
        form method="post" action="/import/preview" enctype="multipart/form-data" {
            (components::csrf(&user.csrf_token))
            div.field {
                label for="file" { (lang.tr("Fichier CSV", "CSV file")) }
                input id="file" name="file" type="file" accept=".csv,text/csv" required;
            }
            p { button type="submit" { (lang.tr("Vérifier le fichier", "Check the file")) } }
        }
        p { a href="/associates/export.csv" { (lang.tr("Exporter le registre en CSV", "Export the register as CSV")) } }
    }
}

fn preview(
    lang: Lang,
    user: &PageUser,
    rows: &[AssociateRow],
    content: &str,
    colleges: &[(i64, String)],
) -> Markup {
    html! {
        p.flash role="status" {
            (rows.len()) " " (lang.tr("associés prêts à être admis. Vérifiez puis confirmez.", "associates ready to be admitted. Check, then confirm."))
        }
        table {
            thead { tr {
                th { (lang.tr("Ligne", "Line")) } th { (lang.tr("Nom", "Name")) } th { "E-mail" }
                th { (lang.tr("Catégorie", "Category")) } th { (lang.tr("Collège", "College")) }
                th { (lang.tr("Admission", "Admission")) } th.num { (lang.tr("Parts", "Shares")) }
            } }
            tbody { @for r in rows { tr {
                td { (r.line) }
                td { (r.name) @if let Some(rep) = &r.representative { br; span.muted { (rep) } } }
                td { (r.email) }
                td { (lang.tr(r.category.label_fr(), r.category.label_en())) }
                td { (colleges.iter().find(|(id, _)| *id == r.college_id).map(|(_, n)| n.as_str()).unwrap_or("")) }
                td { (r.admitted_on) }
                td.num { (r.shares.unwrap_or(0)) }
            } } }
        }
        form method="post" action="/import" {
            (components::csrf(&user.csrf_token))
            input type="hidden" name="content" value=(content);
            p.form-actions { button type="submit" { (lang.tr("Confirmer l'import", "Confirm the import")) } " " a href="/import" { (lang.tr("Annuler", "Cancel")) } }
        }
    }
}
