//! The e-mails scrutin sends: one context struct per template folder
//! (`templates/email/<NAME>/`), so a caller knows exactly what to pass and
//! an operator knows exactly which variables an override may use.
//!
//! Dates and times are the cooperative's local time (Europe/Paris by
//! default), already converted by the caller; templates format them with the
//! `date_fr` and `time` filters.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::domain::{AssemblyKind, Call};
use crate::templates::{TemplateError, Templates};

use super::OutgoingMail;

/// A context struct that goes with the templates of `email/<NAME>/`.
pub trait EmailTemplate: Serialize {
    /// The folder under `templates/email/`.
    const NAME: &'static str;
    /// Whether there is a `body.html.j2` (then the mail is multipart).
    const HTML: bool;
}

/// `email/convocation/`: the convocation to a general assembly, sent to
/// each associate with their personal link. Text and HTML.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConvocationContext {
    pub cooperative_name: String,
    /// The associate (for a legal entity, its name; the caller may add the representative).
    pub recipient_name: String,
    pub assembly_title: String,
    /// `ordinary`, `extraordinary` or `combined` in the template.
    pub kind: AssemblyKind,
    /// `1` or `2` in the template.
    pub call: Call,
    /// Local time of the meeting.
    pub starts_at: NaiveDateTime,
    pub place: String,
    /// The video-conference link, when remote participation is offered.
    pub remote_url: Option<String>,
    /// The agenda, in order.
    pub resolutions: Vec<AgendaItem>,
    /// The personal one-time link, valid until the assembly closes.
    pub login_url: String,
}

/// One resolution on the agenda of a convocation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgendaItem {
    pub number: i64,
    pub title: String,
    /// The full text of the resolution.
    pub text: String,
}

/// `email/login_link/`: a one-time login link. Text only.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginLinkContext {
    pub cooperative_name: String,
    pub recipient_name: String,
    pub login_url: String,
    /// How long the link is valid, in minutes (10 for the login link).
    pub valid_minutes: u32,
}

/// `email/password_reset/`: a one-time link to choose a new password. Text only.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordResetContext {
    pub cooperative_name: String,
    pub recipient_name: String,
    pub reset_url: String,
    /// How long the link is valid.
    pub valid_minutes: u32,
}

/// `email/ballot_by_proxy/`: tells an associate that a ballot was cast in
/// their name by the holder of their proxy (SECURITY.md: "a vote was cast
/// with your account"). It never says the choice. Text only.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BallotByProxyContext {
    pub cooperative_name: String,
    pub recipient_name: String,
    /// The associate who holds the proxy and cast the ballot.
    pub holder_name: String,
    pub assembly_title: String,
    pub resolution_number: i64,
    pub resolution_title: String,
    /// Local time of the ballot.
    pub cast_at: NaiveDateTime,
}

/// An e-mail as the outbox keeps it until it is sent: which template, with
/// which context. Rendered when sent, so that one broken template fails its
/// own messages and nothing else.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "template", content = "context", rename_all = "snake_case")]
pub enum Letter {
    Convocation(ConvocationContext),
    LoginLink(LoginLinkContext),
    PasswordReset(PasswordResetContext),
    BallotByProxy(BallotByProxyContext),
}

impl Letter {
    /// The template folder, as `EmailTemplate::NAME`.
    pub fn template(&self) -> &'static str {
        match self {
            Letter::Convocation(_) => ConvocationContext::NAME,
            Letter::LoginLink(_) => LoginLinkContext::NAME,
            Letter::PasswordReset(_) => PasswordResetContext::NAME,
            Letter::BallotByProxy(_) => BallotByProxyContext::NAME,
        }
    }

    pub fn render(
        &self,
        templates: &Templates,
        to_email: &str,
        to_name: &str,
    ) -> Result<OutgoingMail, TemplateError> {
        match self {
            Letter::Convocation(c) => OutgoingMail::from_template(templates, c, to_email, to_name),
            Letter::LoginLink(c) => OutgoingMail::from_template(templates, c, to_email, to_name),
            Letter::PasswordReset(c) => {
                OutgoingMail::from_template(templates, c, to_email, to_name)
            }
            Letter::BallotByProxy(c) => {
                OutgoingMail::from_template(templates, c, to_email, to_name)
            }
        }
    }
}

impl EmailTemplate for ConvocationContext {
    const NAME: &'static str = "convocation";
    const HTML: bool = true;
}

impl EmailTemplate for LoginLinkContext {
    const NAME: &'static str = "login_link";
    const HTML: bool = false;
}

impl EmailTemplate for PasswordResetContext {
    const NAME: &'static str = "password_reset";
    const HTML: bool = false;
}

impl EmailTemplate for BallotByProxyContext {
    const NAME: &'static str = "ballot_by_proxy";
    const HTML: bool = false;
}

/// Every problem with the e-mail templates: those that do not compile
/// ([`Templates::check_all`]) and those that fail on a sample context (an
/// override using a variable that does not exist, a filter misused). Empty
/// when all is well; meant for start-up.
pub fn check_templates(templates: &Templates) -> Vec<TemplateError> {
    let mut problems = templates.check_all();
    let starts_at = chrono::NaiveDate::from_ymd_opt(2026, 3, 12)
        .and_then(|d| d.and_hms_opt(14, 30, 0))
        .unwrap_or_default();
    let mut try_render = |result: Result<OutgoingMail, TemplateError>| {
        if let Err(e) = result
            && !problems.iter().any(|p| p.template == e.template)
        {
            problems.push(e);
        }
    };
    let to = "associe@example.coop";
    for remote_url in [None, Some("https://visio.example.coop/ag".to_string())] {
        try_render(OutgoingMail::from_template(
            templates,
            &ConvocationContext {
                cooperative_name: "Coopérative d'exemple".into(),
                recipient_name: "Jeanne Dupont".into(),
                assembly_title: "Assemblée générale annuelle".into(),
                kind: AssemblyKind::Combined,
                call: Call::First,
                starts_at,
                place: "Salle des fêtes".into(),
                remote_url,
                resolutions: vec![AgendaItem {
                    number: 1,
                    title: "Approbation des comptes".into(),
                    text: "L'assemblée approuve les comptes.".into(),
                }],
                login_url: "https://scrutin.example.coop/l/abc".into(),
            },
            to,
            "Jeanne Dupont",
        ));
    }
    try_render(OutgoingMail::from_template(
        templates,
        &LoginLinkContext {
            cooperative_name: "Coopérative d'exemple".into(),
            recipient_name: "Jeanne Dupont".into(),
            login_url: "https://scrutin.example.coop/l/abc".into(),
            valid_minutes: 10,
        },
        to,
        "Jeanne Dupont",
    ));
    try_render(OutgoingMail::from_template(
        templates,
        &PasswordResetContext {
            cooperative_name: "Coopérative d'exemple".into(),
            recipient_name: "Jeanne Dupont".into(),
            reset_url: "https://scrutin.example.coop/password/reset/abc".into(),
            valid_minutes: 10,
        },
        to,
        "Jeanne Dupont",
    ));
    try_render(OutgoingMail::from_template(
        templates,
        &BallotByProxyContext {
            cooperative_name: "Coopérative d'exemple".into(),
            recipient_name: "Jeanne Dupont".into(),
            holder_name: "Paul Martin".into(),
            assembly_title: "Assemblée générale annuelle".into(),
            resolution_number: 3,
            resolution_title: "Affectation du résultat".into(),
            cast_at: starts_at,
        },
        to,
        "Jeanne Dupont",
    ));
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_renders() {
        assert_eq!(check_templates(&Templates::new(None)), vec![]);
    }

    #[test]
    fn the_convocation_says_everything() {
        let ctx = ConvocationContext {
            cooperative_name: "SCIC Les Communs".into(),
            recipient_name: "Jeanne Dupont".into(),
            assembly_title: "AG 2026".into(),
            kind: AssemblyKind::Extraordinary,
            call: Call::Second,
            starts_at: chrono::NaiveDate::from_ymd_opt(2026, 3, 12)
                .unwrap()
                .and_hms_opt(14, 30, 0)
                .unwrap(),
            place: "12 rue des Lilas, Lyon".into(),
            remote_url: Some("https://visio.example.coop/ag".into()),
            resolutions: vec![
                AgendaItem {
                    number: 1,
                    title: "Modification des statuts".into(),
                    text: "Première ligne.\nSeconde ligne.".into(),
                },
                AgendaItem {
                    number: 2,
                    title: "Pouvoirs".into(),
                    text: "Tous pouvoirs au porteur <d'une copie>.".into(),
                },
            ],
            login_url: "https://scrutin.example.coop/l/tok".into(),
        };
        let mail = OutgoingMail::from_template(
            &Templates::new(None),
            &ctx,
            "jeanne@example.coop",
            "Jeanne Dupont",
        )
        .unwrap();
        assert_eq!(
            mail.subject,
            "SCIC Les Communs — convocation : AG 2026, le 12 mars 2026"
        );
        for needle in [
            "Bonjour Jeanne Dupont",
            "assemblée générale extraordinaire de SCIC Les Communs",
            "sur seconde convocation",
            "Le 12 mars 2026 à 14 h 30",
            "Lieu : 12 rue des Lilas, Lyon",
            "Participation à distance : https://visio.example.coop/ag",
            "Résolution n° 1 — Modification des statuts",
            "    Première ligne.\n    Seconde ligne.",
            "Résolution n° 2 — Pouvoirs",
            "https://scrutin.example.coop/l/tok",
            "personnel",
            "jusqu'à la clôture de l'assemblée",
            "ENGLISH",
            "extraordinary general assembly",
            "second call",
            "On 12 March 2026 at 14:30",
        ] {
            assert!(
                mail.text.contains(needle),
                "{needle:?} missing in:\n{}",
                mail.text
            );
        }
        let html = mail.html.expect("an HTML part");
        assert!(html.contains("&lt;d&#x27;une copie&gt;"), "{html}");
        assert!(html.contains("Modification des statuts"), "{html}");
        assert!(
            html.contains("<a href=\"https://scrutin.example.coop/l/tok\">"),
            "{html}"
        );
    }

    #[test]
    fn the_login_link_lasts_the_minutes_given() {
        let ctx = LoginLinkContext {
            cooperative_name: "SCIC".into(),
            recipient_name: "Jeanne".into(),
            login_url: "https://x/l/1".into(),
            valid_minutes: 10,
        };
        let mail =
            OutgoingMail::from_template(&Templates::new(None), &ctx, "j@example.coop", "").unwrap();
        assert!(
            mail.text.contains("expire dans 10 minutes"),
            "{}",
            mail.text
        );
        assert!(mail.html.is_none());
    }
}
