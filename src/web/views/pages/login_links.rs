//! The pages of the e-mailed links: asking for one, confirming a login,
//! choosing a new password. None of them has a session yet, so their forms
//! rely on the same-origin check (like the login form).

use maud::{Markup, html};

use crate::services::login_links::{LINK_LIFETIME, PasswordProblem};
use crate::web::i18n::Lang;
use crate::web::views::{components, layout};

/// After a request: the same words whether or not the e-mail has an account.
/// `login`: a login link (which staff accounts do not get), not a reset.
pub fn sent(lang: Lang, login: bool) -> Markup {
    let title = lang.tr("Vérifiez vos e-mails", "Check your e-mail");
    let minutes = LINK_LIFETIME.num_minutes();
    let message = match lang {
        Lang::Fr => format!(
            "Si un compte existe pour cette adresse, un lien a été envoyé. Il est valable {minutes} minutes et ne sert qu'une fois."
        ),
        Lang::En => format!(
            "If an account exists for this address, a link has been sent. It is valid for {minutes} minutes and works once."
        ),
    };
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            p role="status" { (message) }
            @if login { p { (lang.tr(
                "Les comptes d'administration et de secrétariat ne reçoivent pas de lien : ils se connectent avec leur mot de passe et le code de leur application.",
                "Administration and secretary accounts get no link: they log in with their password and the code of their app.",
            )) } }
            p { a href="/login" { (lang.tr("Retour à la connexion", "Back to the login page")) } }
        },
    )
}

/// Too many links asked for.
pub fn too_many(lang: Lang, minutes: i64) -> Markup {
    let title = lang.tr("Trop de demandes", "Too many requests");
    let message = match lang {
        Lang::Fr => format!("Trop de liens demandés : réessayez dans {minutes} minute(s)."),
        Lang::En => format!("Too many links asked for: try again in {minutes} minute(s)."),
    };
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            p.error role="alert" { (message) }
            p { a href="/login" { (lang.tr("Retour à la connexion", "Back to the login page")) } }
        },
    )
}

/// A link that is unknown, expired or already used.
pub fn expired(lang: Lang) -> Markup {
    let title = lang.tr("Lien expiré", "Link expired");
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            p.error role="alert" {
                (lang.tr(
                    "Ce lien a expiré ou a déjà servi. Demandez-en un nouveau depuis la page de connexion.",
                    "This link has expired or was already used. Ask for a new one from the login page.",
                ))
            }
            p { a href="/login" { (lang.tr("Retour à la connexion", "Back to the login page")) } }
        },
    )
}

/// A login link for a staff account: refused, and why.
pub fn staff(lang: Lang) -> Markup {
    let title = lang.tr("Lien refusé", "Link refused");
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            p.error role="alert" {
                (lang.tr(
                    "Les comptes d'administration et de secrétariat ne se connectent pas par lien : connectez-vous avec votre mot de passe puis le code de votre application d'authentification.",
                    "Administration and secretary accounts do not log in with a link: log in with your password, then the code of your authenticator app.",
                ))
            }
            p { a href="/login" { (lang.tr("Aller à la connexion", "Go to the login page")) } }
        },
    )
}

/// The login link's page: a button, so that a mail scanner opening the
/// link does not use it.
pub fn confirm_login(lang: Lang, token: &str) -> Markup {
    let title = lang.tr("Connexion par lien", "Log in with a link");
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            p { (lang.tr("Ce lien ne sert qu'une fois.", "This link works once.")) }
            form method="post" action=(format!("/login/link/{token}")) {
                p { button type="submit" { (lang.tr("Se connecter", "Log in")) } }
            }
        },
    )
}

/// Asking for a password reset.
pub fn forgot(lang: Lang) -> Markup {
    let title = lang.tr("Mot de passe oublié", "Forgotten password");
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            p {
                (lang.tr(
                    "Indiquez l'adresse e-mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe.",
                    "Give the e-mail address of your account: you will receive a link to choose a new password.",
                ))
            }
            form method="post" action="/password/forgot" {
                (components::field(lang.tr("Adresse e-mail", "E-mail address"), "email", "email", "", None))
                p { button type="submit" { (lang.tr("Recevoir le lien", "Send me the link")) } }
            }
        },
    )
}

/// Choosing the new password.
pub fn reset_form(lang: Lang, token: &str, problem: Option<PasswordProblem>) -> Markup {
    let title = lang.tr("Nouveau mot de passe", "New password");
    let error = problem.map(|p| match p {
        PasswordProblem::TooShort => lang.tr(
            "Le mot de passe doit compter au moins 12 caractères.",
            "The password needs at least 12 characters.",
        ),
        PasswordProblem::Mismatch => lang.tr(
            "Les deux mots de passe ne sont pas identiques.",
            "The two passwords differ.",
        ),
    });
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            p {
                (lang.tr(
                    "Au moins 12 caractères. Une fois changé, toutes vos sessions et vos jetons d'accès sont fermés.",
                    "At least 12 characters. Once changed, all your sessions and access tokens are ended.",
                ))
            }
            form method="post" action=(format!("/password/reset/{token}")) {
                (components::field(lang.tr("Nouveau mot de passe", "New password"), "password", "password", "", error))
                (components::field(lang.tr("Encore une fois", "Once more"), "confirm", "password", "", None))
                p { button type="submit" { (lang.tr("Changer le mot de passe", "Change the password")) } }
            }
        },
    )
}
