//! The second factor: the code asked after the password, the enrolment page
//! (secret and QR code), the recovery codes shown once, and the account's
//! page to regenerate them or turn the factor off.

use chrono::NaiveDateTime;
use maud::{Markup, html};

use crate::db::models::account::Role;
use crate::web::i18n::Lang;
use crate::web::session::PageUser;
use crate::web::views::components;
use crate::web::views::layout;
use crate::web::views::qr::qr_svg;

const TITLE: (&str, &str) = ("Double authentification", "Two-factor login");

/// Why the code was refused, if it was.
pub enum CodeError {
    Wrong,
    /// Too many failed logins: the minutes to wait.
    Wait(i64),
}

fn code_field(lang: Lang, error: Option<&str>) -> Markup {
    html! {
        div.field {
            label for="code" { (lang.tr("Code de l'application", "Code from the app")) }
            input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                required aria-invalid=[error.map(|_| "true")]
                aria-describedby=(if error.is_some() { "code-hint code-error" } else { "code-hint" });
            p.hint id="code-hint" { (lang.tr(
                "Les 6 chiffres affichés par votre application d'authentification.",
                "The 6 digits your authenticator app shows.",
            )) }
            @if let Some(message) = error {
                p.error id="code-error" { (message) }
            }
        }
    }
}

/// `/login/second-factor`: the password was right, the code comes next.
pub fn login_step(lang: Lang, next: &str, error: Option<CodeError>) -> Markup {
    let title = lang.tr("Code de connexion", "Login code");
    let message = error.map(|e| match e {
        CodeError::Wrong => lang
            .tr(
                "Code incorrect ou déjà utilisé.",
                "Wrong or already used code.",
            )
            .to_string(),
        CodeError::Wait(minutes) => match lang {
            Lang::Fr => format!(
                "Trop de tentatives de connexion échouées : réessayez dans {minutes} minute(s)."
            ),
            Lang::En => format!("Too many failed logins: try again in {minutes} minute(s)."),
        },
    });
    layout::page(
        lang,
        title,
        html! {
            h1 { (title) }
            @if let Some(message) = &message {
                p.error role="alert" { (message) }
            }
            p { (lang.tr(
                "Votre compte est protégé par une double authentification : saisissez le code affiché par votre application, ou l'un de vos codes de secours.",
                "Your account has two-factor login: type the code your app shows, or one of your recovery codes.",
            )) }
            form method="post" action="/login/second-factor" {
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="code" { (lang.tr("Code ou code de secours", "Code or recovery code")) }
                    input id="code" name="code" type="text" autocomplete="one-time-code" required
                        aria-invalid=[message.as_ref().map(|_| "true")];
                }
                p { button type="submit" { (lang.tr("Valider", "Confirm")) } }
            }
            p { a href="/login" { (lang.tr("Revenir à la connexion", "Back to the login")) } }
        },
    )
}

/// What the account page shows.
pub enum State<'a> {
    /// Not enrolled: the secret to enrol with, and its `otpauth://` address.
    Enrol {
        secret: &'a str,
        uri: &'a str,
        /// An administrator, who may do nothing else before enrolling.
        required: bool,
        error: Option<&'a str>,
    },
    /// No password: a second factor would protect nothing.
    NoPassword,
    Enrolled {
        since: NaiveDateTime,
        recovery_left: i64,
        error: Option<&'a str>,
    },
}

pub fn account(
    lang: Lang,
    user: &PageUser,
    next: &str,
    state: State,
    done: Option<&str>,
) -> Markup {
    let title = lang.tr(TITLE.0, TITLE.1);
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            (components::flash(lang, done))
            @match state {
                State::NoPassword => {
                    p { (lang.tr(
                        "Votre compte n'a pas de mot de passe : vous vous connectez avec un lien reçu par e-mail. La double authentification protège une connexion par mot de passe.",
                        "Your account has no password: you log in with a link sent by e-mail. Two-factor login protects a login with a password.",
                    )) }
                }
                State::Enrol { secret, uri, required, error } => {
                    @if required {
                        p.error role="alert" { (lang.tr(
                            "Les administrateurs doivent activer la double authentification avant toute autre action.",
                            "Administrators must set up two-factor login before anything else.",
                        )) }
                    }
                    p { (lang.tr(
                        "Après votre mot de passe, la connexion vous demandera un code à 6 chiffres, renouvelé toutes les 30 secondes par une application d'authentification (FreeOTP, Aegis, Google Authenticator…).",
                        "After your password, the login will ask for a 6-digit code, renewed every 30 seconds by an authenticator app (FreeOTP, Aegis, Google Authenticator…).",
                    )) }
                    p { (lang.tr("Scannez ce QR code avec l'application :", "Scan this QR code with the app:")) }
                    (qr_svg(uri, lang.tr("QR code de la double authentification", "QR code of the two-factor login")))
                    p {
                        (lang.tr("ou saisissez cette clé à la main : ", "or type this key by hand: "))
                        code #secret { (secret) }
                    }
                    form method="post" action="/account/second-factor" {
                        (components::csrf(&user.csrf_token))
                        input type="hidden" name="secret" value=(secret);
                        input type="hidden" name="next" value=(next);
                        (code_field(lang, error))
                        p { button type="submit" { (lang.tr("Activer", "Turn on")) } }
                    }
                }
                State::Enrolled { since, recovery_left, error } => {
                    p { (lang.tr("Activée le ", "Turned on on ")) (components::date(lang, since.date())) "." }
                    p { (match lang {
                        Lang::Fr => format!("Codes de secours restants : {recovery_left} sur 10."),
                        Lang::En => format!("Recovery codes left: {recovery_left} of 10."),
                    }) }
                    @if let Some(message) = error {
                        p.error role="alert" { (message) }
                    }
                    section aria-labelledby="regenerate" {
                        h2 #regenerate { (lang.tr("Nouveaux codes de secours", "New recovery codes")) }
                        p { (lang.tr(
                            "Dix nouveaux codes remplacent les anciens, qui ne serviront plus.",
                            "Ten new codes replace the old ones, which will stop working.",
                        )) }
                        form method="post" action="/account/second-factor/recovery-codes" {
                            (components::csrf(&user.csrf_token))
                            div.field {
                                label for="regenerate-code" { (lang.tr("Code de l'application", "Code from the app")) }
                                input id="regenerate-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required;
                            }
                            p { button type="submit" { (lang.tr("Générer de nouveaux codes", "Generate new codes")) } }
                        }
                    }
                    @if user.role() != Role::Admin {
                        section aria-labelledby="disable" {
                            h2 #disable { (lang.tr("Désactiver", "Turn off")) }
                            form method="post" action="/account/second-factor/disable" {
                                (components::csrf(&user.csrf_token))
                                div.field {
                                    label for="disable-code" { (lang.tr("Code de l'application", "Code from the app")) }
                                    input id="disable-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required;
                                }
                                p { button type="submit" { (lang.tr("Désactiver la double authentification", "Turn off two-factor login")) } }
                            }
                        }
                    } @else {
                        p { (lang.tr(
                            "Un administrateur ne peut pas la désactiver. Téléphone perdu : un autre administrateur peut la réinitialiser depuis la page Utilisateurs.",
                            "An administrator cannot turn it off. Lost phone: another administrator can reset it from the Users page.",
                        )) }
                    }
                }
            }
        },
    )
}

/// The recovery codes, shown once (after enrolment or regeneration).
pub fn recovery_codes(lang: Lang, user: &PageUser, codes: &[String], next: &str) -> Markup {
    let title = lang.tr("Vos codes de secours", "Your recovery codes");
    layout::app_page(
        lang,
        user,
        title,
        html! {
            h1 { (title) }
            p role="status" { (lang.tr(
                "La double authentification est active.",
                "Two-factor login is on.",
            )) }
            p { (lang.tr(
                "Chacun de ces codes remplace une fois le code de l'application, si vous perdez votre téléphone. Notez-les ou imprimez-les et gardez-les en lieu sûr : ils ne seront plus affichés.",
                "Each of these codes replaces the app's code once, should you lose your phone. Write them down or print them and keep them safe: they will not be shown again.",
            )) }
            ul.recovery-codes {
                @for code in codes {
                    li { code { (code) } }
                }
            }
            p { a href=(next) { (lang.tr("Continuer", "Continue")) } }
        },
    )
}
