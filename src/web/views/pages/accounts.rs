//! `/accounts`: the administrators' and secretaries' logins, and the form
//! that gives a secretary theirs. Associates get theirs on admission.

use maud::{Markup, html};

use crate::db::models::account::{Account, Role};
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components::{self, Problems};
use crate::web::views::layout;

const FIELDS: [&str; 2] = ["email", "password"];

fn role_label(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Admin => lang.tr("Administrateur", "Administrator"),
        Role::Secretary => lang.tr("Secrétariat", "Secretary"),
        Role::Associate => lang.tr("Associé", "Associate"),
    }
}

pub fn view(
    lang: Lang,
    user: &PageUser,
    staff: &[Account],
    enrolled: &[i64],
    email: &str,
    problems: &Problems,
    done: Option<&str>,
) -> Markup {
    let title = lang.tr("Utilisateurs", "Users");
    let err = |field: &str| problems.on(lang, field);
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            (components::flash(lang, done))
            p { (lang.tr(
                "Les personnes qui administrent la coopérative ou tiennent son secrétariat. Le secrétariat prépare et tient les assemblées (convocations, accueil, votes, procès-verbal) et consulte le registre sans le modifier. Les associés reçoivent leur accès à leur admission ou avec leur convocation.",
                "The people who administer the cooperative or run its secretariat. The secretary prepares and runs the assemblies (convocations, desk, votes, minutes) and reads the register without changing it. Associates get their access on admission or with their convocation.",
            )) }
            div.table-scroll {
                table {
                    thead { tr {
                        th scope="col" { (lang.tr("Adresse e-mail", "E-mail address")) }
                        th scope="col" { (lang.tr("Rôle", "Role")) }
                        th scope="col" { (lang.tr("Créé le", "Created on")) }
                        th scope="col" { (lang.tr("Double authentification", "Two-factor login")) }
                    } }
                    tbody {
                        @for a in staff {
                            tr {
                                td { (a.email) }
                                td { (role_label(lang, a.role())) }
                                td { (components::date(lang, a.created_at.date())) }
                                td {
                                    @if enrolled.contains(&a.id) {
                                        (lang.tr("Activée", "On"))
                                        @if a.id != user.account.id {
                                            form.inline method="post" action=(format!("/accounts/{}/second-factor/reset", a.id)) {
                                                (components::csrf(&user.csrf_token))
                                                " "
                                                button.link type="submit" aria-label=(format!("{} {}", lang.tr("Réinitialiser la double authentification de", "Reset the two-factor login of"), a.email)) {
                                                    (lang.tr("Réinitialiser", "Reset"))
                                                }
                                            }
                                        }
                                    } @else {
                                        (lang.tr("Non activée", "Off"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { (lang.tr(
                "Réinitialiser la double authentification d'un compte (téléphone perdu) l'oblige à l'activer de nouveau et ferme ses sessions.",
                "Resetting an account's two-factor login (a lost phone) makes it set it up again and ends its sessions.",
            )) }
            section aria-labelledby="new-secretary" {
                h2 #new-secretary { (lang.tr("Ajouter un compte du secrétariat", "Add a secretary's account")) }
                (components::alert(lang, &problems.general(lang, &FIELDS)))
                form method="post" action="/accounts" {
                    (components::csrf(&user.csrf_token))
                    (components::field(lang.tr("Adresse e-mail", "E-mail address"), "email", "email", email, err("email")))
                    (components::hinted_field(lang.tr("Mot de passe provisoire", "Temporary password"), "password", "password", "",
                        Some(lang.tr(
                            "12 caractères au moins. Transmettez-le de vive voix ; la personne le remplacera par le sien avec « Mot de passe oublié ? » sur la page de connexion.",
                            "At least 12 characters. Give it in person; they will replace it with their own through “Forgotten password?” on the login page.",
                        )), err("password")))
                    p { button type="submit" { (lang.tr("Créer le compte", "Create the account")) } }
                }
            }
        },
    )
}
