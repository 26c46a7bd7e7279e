//! `/register`: the register of associates, the document a cooperative
//! keeps by law (RULES 9), laid out for printing.

use chrono::NaiveDate;
use maud::{Markup, html};

use crate::domain::capital::Holding;
use crate::domain::rules::LegalForm;
use crate::services::associates::AssociateView;
use crate::services::cooperative::Cooperative;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components::{self, category_label, euros, status_label};
use crate::web::views::layout;

pub struct RegisterRow {
    pub associate: AssociateView,
    pub college: String,
    pub holding: Holding,
}

pub struct Register {
    pub coop: Cooperative,
    pub rows: Vec<RegisterRow>,
    pub printed_on: NaiveDate,
}

fn form_name(lang: Lang, form: LegalForm) -> &'static str {
    match form {
        LegalForm::Sa => lang.tr(
            "SCIC SA à capital variable",
            "SCIC SA with variable capital",
        ),
        LegalForm::Sarl => lang.tr(
            "SCIC SARL à capital variable",
            "SCIC SARL with variable capital",
        ),
        LegalForm::Sas => lang.tr(
            "SCIC SAS à capital variable",
            "SCIC SAS with variable capital",
        ),
    }
}

/// `bare`: the document alone, without the navigation (`?print=1`).
pub fn view(lang: Lang, user: &PageUser, r: &Register, bare: bool) -> Markup {
    let title = lang.tr("Registre des associés", "Register of associates");
    let mut total = Holding::default();
    for row in &r.rows {
        total.shares += row.holding.shares;
        total.subscribed_cents += row.holding.subscribed_cents;
        total.paid_cents += row.holding.paid_cents;
    }
    let active = r
        .rows
        .iter()
        .filter(|row| row.associate.status == "active")
        .count();
    let main = html! {
        header.register-head {
            h1 { (title) }
            p.coop-name { strong { (r.coop.name) } " — " (form_name(lang, r.coop.legal_form)) }
            p {
                (lang.tr("Siège social : ", "Registered office: "))
                @if r.coop.registered_office.is_empty() { "—" } @else { (r.coop.registered_office) }
            }
            p {
                (lang.tr("Valeur nominale d'une part : ", "Nominal value of a share: "))
                (euros(lang, r.coop.share_value_cents))
            }
        }
        div.no-print {
            p.hint { (lang.tr(
                "Pour imprimer le registre ou l'enregistrer en PDF, utilisez la commande Imprimer de votre navigateur (Ctrl+P, ou ⌘P sur Mac) : le menu n'est pas imprimé.",
                "To print the register or save it as PDF, use your browser's Print command (Ctrl+P, or ⌘P on a Mac): the menu is not printed.",
            )) }
            @if bare {
                p { a href="/register" { (lang.tr("Retour au registre", "Back to the register")) } }
            } @else {
                p { a href="/register?print=1" { (lang.tr("Version à imprimer (sans menu)", "Printable version (no menu)")) } }
            }
        }
        div.table-scroll {
            table.register {
                thead { tr {
                    th.num scope="col" { (lang.tr("N°", "No.")) }
                    th scope="col" { (lang.tr("Associé", "Associate")) }
                    th scope="col" { (lang.tr("Adresse", "Address")) }
                    th scope="col" { (lang.tr("Catégorie", "Category")) }
                    th scope="col" { (lang.tr("Collège", "College")) }
                    th scope="col" { (lang.tr("Admission", "Admitted")) }
                    th scope="col" { (lang.tr("Statut", "Status")) }
                    th.num scope="col" { (lang.tr("Parts", "Shares")) }
                    th.num scope="col" { (lang.tr("Souscrit", "Subscribed")) }
                    th.num scope="col" { (lang.tr("Libéré", "Paid up")) }
                } }
                tbody {
                    @for row in &r.rows {
                        @let a = &row.associate;
                        tr {
                            td.num { (a.number) }
                            td {
                                (a.name)
                                @if let Some(rep) = &a.representative {
                                    br;
                                    span.muted { (lang.tr("représentée par ", "represented by ")) (rep) }
                                }
                            }
                            td.address { (a.address) }
                            td { (category_label(lang, &a.category)) }
                            td { (row.college) }
                            td { (components::date(lang, a.admitted_on)) }
                            td {
                                (status_label(lang, &a.status))
                                @if let Some(on) = a.status_on { " " (lang.tr("le", "on")) " " (components::date(lang, on)) }
                            }
                            td.num { (row.holding.shares) }
                            td.num { (euros(lang, row.holding.subscribed_cents)) }
                            td.num { (euros(lang, row.holding.paid_cents)) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" colspan="7" { (lang.tr("Total", "Total")) }
                    td.num { (total.shares) }
                    td.num { (euros(lang, total.subscribed_cents)) }
                    td.num { (euros(lang, total.paid_cents)) }
                } }
            }
        }
        p.register-foot {
            (r.rows.len()) " " (lang.tr("associé(s) inscrit(s), dont", "associate(s) registered, of whom")) " "
            (active) " " (lang.tr("actif(s)", "active")) ". "
            (lang.tr("Registre édité le ", "Register printed on ")) (components::date(lang, r.printed_on)) "."
        }
    };
    if bare {
        layout::page(lang, title, main)
    } else {
        layout::app_page(lang, user, title, main)
    }
}
