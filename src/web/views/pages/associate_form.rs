//! The admission form (`/associates/new`) and the change form
//! (`/associates/{id}/edit`): the same fields, but no password on a change.

use maud::{Markup, html};
use serde::Deserialize;

use crate::db::models::college::College;
use crate::domain::register::AssociateKind;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components::{self, Problems, hinted_field, hinted_select};
use crate::web::views::layout;

/// The form as typed; field names are those of the service's errors.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct AssociateValues {
    pub csrf: String,
    pub name: String,
    pub email: String,
    pub kind: String,
    pub representative: String,
    pub address: String,
    pub category: String,
    pub college_id: String,
    pub admitted_on: String,
    pub password: String,
}

/// Admitting someone new, or changing associate `id` (number `number`).
pub enum Purpose {
    Admit,
    Change { id: i64, number: i64 },
}

const FIELDS: [&str; 9] = [
    "name",
    "email",
    "kind",
    "representative",
    "address",
    "category",
    "college_id",
    "admitted_on",
    "password",
];

pub fn view(
    lang: Lang,
    user: &PageUser,
    purpose: &Purpose,
    v: &AssociateValues,
    colleges: &[College],
    problems: &Problems,
) -> Markup {
    let (title, action, back) = match purpose {
        Purpose::Admit => (
            lang.tr("Admettre un associé", "Admit an associate")
                .to_string(),
            "/associates/new".to_string(),
            "/associates".to_string(),
        ),
        Purpose::Change { id, number } => (
            format!(
                "{} {number}",
                lang.tr("Modifier l'associé n°", "Change associate no.")
            ),
            format!("/associates/{id}/edit"),
            format!("/associates/{id}"),
        ),
    };
    let err = |field: &str| problems.on(lang, field);
    let kinds: Vec<(String, String)> = AssociateKind::ALL
        .iter()
        .map(|k| {
            (
                k.code().to_string(),
                lang.tr(k.label_fr(), k.label_en()).to_string(),
            )
        })
        .collect();
    let mut college_options = vec![(
        String::new(),
        lang.tr("— choisir —", "— choose —").to_string(),
    )];
    college_options.extend(
        colleges
            .iter()
            .filter(|c| !c.retired)
            .map(|c| (c.id.to_string(), c.name.clone())),
    );
    let mut category_options = vec![(
        String::new(),
        lang.tr("— choisir —", "— choose —").to_string(),
    )];
    category_options.extend(components::category_options(lang));
    layout::app_page(
        lang,
        user,
        &title,
        html! {
            h1 { (title) }
            (components::alert(lang, &problems.general(lang, &FIELDS)))
            form method="post" action=(action) {
                (components::csrf(&user.csrf_token))
                fieldset {
                    legend { (lang.tr("Identité", "Identity")) }
                    (hinted_select(lang.tr("Type d'associé", "Kind of associate"), "kind", &kinds, &v.kind, None, err("kind")))
                    (hinted_field(lang.tr("Nom, ou raison sociale", "Name, or company name"), "name", "text", &v.name, None, err("name")))
                    (hinted_field(lang.tr("Représentant (personne morale)", "Representative (legal entity)"), "representative", "text", &v.representative,
                        Some(lang.tr("La personne qui vote pour une personne morale.", "The person who votes for a legal entity.")), err("representative")))
                    (hinted_field(lang.tr("Adresse e-mail", "E-mail address"), "email", "email", &v.email, None, err("email")))
                    (components::text_area(lang.tr("Adresse postale", "Postal address"), "address", &v.address, err("address")))
                }
                fieldset {
                    legend { (lang.tr("Dans la coopérative", "In the cooperative")) }
                    (hinted_select(lang.tr("Catégorie", "Category"), "category", &category_options, &v.category,
                        Some(lang.tr(
                            "Art. 19 septies de la loi de 1947 : la catégorie légale de l'associé, distincte de son collège de vote.",
                            "Art. 19 septies of the 1947 law: the associate's legal category, distinct from their voting college.",
                        )), err("category")))
                    (hinted_select(lang.tr("Collège", "College"), "college_id", &college_options, &v.college_id, None, err("college_id")))
                    (hinted_field(lang.tr("Date d'admission", "Admission date"), "admitted_on", "date", &v.admitted_on, None, err("admitted_on")))
                }
                @if matches!(purpose, Purpose::Admit) {
                    fieldset {
                        legend { (lang.tr("Compte de connexion (facultatif)", "Login account (optional)")) }
                        (hinted_field(lang.tr("Mot de passe", "Password"), "password", "password", "",
                            Some(lang.tr(
                                "12 caractères au moins. Laissez vide pour ne pas créer de compte maintenant.",
                                "At least 12 characters. Leave empty to create no account now.",
                            )), err("password")))
                    }
                }
                p.form-actions {
                    button type="submit" { (match purpose {
                        Purpose::Admit => lang.tr("Admettre", "Admit"),
                        Purpose::Change { .. } => lang.tr("Enregistrer", "Save"),
                    }) }
                    " "
                    a href=(back) { (lang.tr("Annuler", "Cancel")) }
                }
            }
        },
    )
}
