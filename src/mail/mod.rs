//! Outgoing e-mail: one [`Mailer`], three backends.
//!
//! - SMTP, when `SCRUTIN_SMTP_URL` is set: `smtp://host:port` (plain, for a
//!   local relay), `smtps://user:pass@host[:port]` (implicit TLS, port 465 by
//!   default), `smtp+starttls://user:pass@host[:port]` or `smtp://…?starttls`
//!   (STARTTLS required, port 587 by default). A failed send is retried (three
//!   times, after 200 ms, 1 s and 3 s) unless the server refused it for good
//!   (a 5xx answer); then the error is returned, never dropped.
//! - A folder of `.eml` files (`SCRUTIN_MAIL_DIR`, `mail-outbox/` by default),
//!   one file per message named after its Message-ID (`<id>.eml`): for
//!   development and for cooperatives that send by hand.
//! - In memory ([`Mailer::in_memory`]), for tests: [`Mailer::sent`].
//!
//! Every message gets a generated Message-ID, returned to the caller and
//! logged with a masked recipient (`a…@example.coop`) so support can trace a
//! message without the logs holding addresses or bodies.
//!
//! The texts come from the templates (`templates/email/<name>/`), one context
//! struct per e-mail in [`emails`]: see [`OutgoingMail::from_template`].

pub mod emails;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::anyhow;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::templates::{TemplateError, Templates};

pub use emails::{
    AgendaItem, BallotByProxyContext, ConvocationContext, EmailTemplate, Letter, LoginLinkContext,
    check_templates,
};

/// The delays between SMTP attempts: three retries after the first try.
pub const DEFAULT_RETRY_DELAYS: [Duration; 3] = [
    Duration::from_millis(200),
    Duration::from_secs(1),
    Duration::from_secs(3),
];

/// The most SMTP connections open at once (the outbox sends that many
/// messages together).
pub const MAX_CONNECTIONS: u32 = 32;

/// How long one SMTP attempt may take (connect, TLS, dialogue).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// One e-mail to one person, already rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to_email: String,
    /// The display name (`Jeanne Dupont`); may be empty.
    pub to_name: String,
    pub subject: String,
    pub text: String,
    /// When given, the message is multipart/alternative (text, then HTML).
    pub html: Option<String>,
}

/// What a successful send returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    /// The Message-ID header, angle brackets included: `<hex@domain>`.
    pub message_id: String,
}

/// A message kept by the in-memory backend.
#[derive(Debug, Clone)]
pub struct CapturedMail {
    pub message_id: String,
    pub mail: OutgoingMail,
    /// The whole message as it would go on the wire (headers, encoded body).
    pub raw: String,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("`{address}` is not a valid e-mail address: {reason}")]
    Address { address: String, reason: String },
    #[error("the message cannot be built: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("the SMTP server did not take the message after {attempts} attempt(s): {source}")]
    Smtp {
        attempts: usize,
        #[source]
        source: lettre::transport::smtp::Error,
    },
    #[error("cannot write the mail file {}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Sends e-mail through SMTP, into a folder, or into memory. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    backend: Arc<Backend>,
    retry_delays: Vec<Duration>,
}

enum Backend {
    Smtp {
        builder: AsyncSmtpTransportBuilder,
        // Built on first use: lettre's connection pool spawns its clean-up
        // task at build time, which needs the async runtime that sends.
        transport: OnceLock<AsyncSmtpTransport<Tokio1Executor>>,
    },
    Folder(PathBuf),
    Memory(Mutex<Vec<CapturedMail>>),
}

impl std::fmt::Debug for Mailer {
    // Never print the SMTP credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match &*self.backend {
            Backend::Smtp { .. } => "smtp".to_string(),
            Backend::Folder(dir) => format!("folder {}", dir.display()),
            Backend::Memory(_) => "memory".to_string(),
        };
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("backend", &backend)
            .finish()
    }
}

impl Mailer {
    /// SMTP when `smtp_url` is set, else the `.eml` folder `mail_dir`
    /// (created if missing). Errors are one line naming the variable.
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        let from = parse_from(&config.mail_from)?;
        let backend = match &config.smtp_url {
            Some(url) => Backend::Smtp {
                builder: smtp_builder(url)?,
                transport: OnceLock::new(),
            },
            None => {
                std::fs::create_dir_all(&config.mail_dir).map_err(|e| {
                    anyhow!(
                        "SCRUTIN_MAIL_DIR: cannot create the folder {}: {e}",
                        config.mail_dir.display()
                    )
                })?;
                Backend::Folder(config.mail_dir.clone())
            }
        };
        Ok(Mailer {
            from,
            backend: Arc::new(backend),
            retry_delays: DEFAULT_RETRY_DELAYS.to_vec(),
        })
    }

    /// Keeps every message in memory (read them with [`Mailer::sent`]);
    /// the sender is `scrutin@localhost`.
    pub fn in_memory() -> Mailer {
        Mailer {
            from: Mailbox::new(None, Address::new("scrutin", "localhost").expect("valid")),
            backend: Arc::new(Backend::Memory(Mutex::new(Vec::new()))),
            retry_delays: DEFAULT_RETRY_DELAYS.to_vec(),
        }
    }

    /// Replaces the delays between SMTP attempts: one retry per delay.
    pub fn with_retry_delays(mut self, delays: Vec<Duration>) -> Mailer {
        self.retry_delays = delays;
        self
    }

    /// The messages the in-memory backend received, oldest first (empty
    /// for the other backends).
    pub fn sent(&self) -> Vec<CapturedMail> {
        match &*self.backend {
            Backend::Memory(sent) => sent.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            _ => Vec::new(),
        }
    }

    /// Builds and sends one message; the Message-ID it was given.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<SentMail, MailError> {
        let to_address: Address = mail
            .to_email
            .trim()
            .parse()
            .map_err(|e| MailError::Address {
                address: mail.to_email.clone(),
                reason: format!("{e}"),
            })?;
        let to_name = mail.to_name.trim();
        let to = Mailbox::new(
            (!to_name.is_empty()).then(|| to_name.to_string()),
            to_address,
        );
        let local = hex::encode(rand::random::<[u8; 16]>());
        let domain = self.from.email.domain();
        let message_id = format!("<{local}@{domain}>");
        let message = build_message(&self.from, to, &message_id, mail)?;
        let raw = message.formatted();
        let envelope = message.envelope();
        let masked = mask_email(&mail.to_email);
        match &*self.backend {
            Backend::Smtp { builder, transport } => {
                let transport = transport.get_or_init(|| builder.clone().build::<Tokio1Executor>());
                let mut attempts = 0;
                loop {
                    attempts += 1;
                    let error = match transport.send_raw(envelope, &raw).await {
                        Ok(_) => break,
                        Err(e) => e,
                    };
                    match self.retry_delays.get(attempts - 1) {
                        Some(delay) if !error.is_permanent() => {
                            tracing::warn!(%message_id, to = %masked, attempts, error = %error, "SMTP send failed, retrying in {delay:?}");
                            actix_web::rt::time::sleep(*delay).await;
                        }
                        _ => {
                            tracing::error!(%message_id, to = %masked, attempts, error = %error, "SMTP send failed, giving up");
                            return Err(MailError::Smtp {
                                attempts,
                                source: error,
                            });
                        }
                    }
                }
                tracing::info!(%message_id, to = %masked, backend = "smtp", attempts, "mail sent");
            }
            Backend::Folder(dir) => {
                let path = eml_path(dir, &message_id);
                write_file(path.clone(), raw).await?;
                tracing::info!(%message_id, to = %masked, backend = "folder", file = %path.display(), "mail written");
            }
            Backend::Memory(sent) => {
                sent.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(CapturedMail {
                        message_id: message_id.clone(),
                        mail: mail.clone(),
                        raw: String::from_utf8_lossy(&raw).into_owned(),
                    });
                tracing::debug!(%message_id, to = %masked, backend = "memory", "mail kept");
            }
        }
        Ok(SentMail { message_id })
    }
}

impl OutgoingMail {
    /// Renders the e-mail `T::NAME` (`templates/email/<name>/subject.txt.j2`,
    /// `body.txt.j2` and, when `T::HTML`, `body.html.j2`) for one recipient.
    /// The subject is put on one line.
    pub fn from_template<T: EmailTemplate>(
        templates: &Templates,
        ctx: &T,
        to_email: impl Into<String>,
        to_name: impl Into<String>,
    ) -> Result<OutgoingMail, TemplateError> {
        let path = |file: &str| format!("email/{}/{file}", T::NAME);
        let subject = templates.render(&path("subject.txt.j2"), ctx)?;
        let text = templates.render(&path("body.txt.j2"), ctx)?;
        let html = if T::HTML {
            Some(templates.render(&path("body.html.j2"), ctx)?)
        } else {
            None
        };
        Ok(OutgoingMail {
            to_email: to_email.into(),
            to_name: to_name.into(),
            subject: one_line(&subject),
            text,
            html,
        })
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn build_message(
    from: &Mailbox,
    to: Mailbox,
    message_id: &str,
    mail: &OutgoingMail,
) -> Result<Message, MailError> {
    // Quoted-printable keeps accented text readable in the raw message and
    // safe for any relay (no 8BITMIME needed).
    let part = |content_type: ContentType, text: &str| {
        let body =
            Body::new_with_encoding(text.to_string(), ContentTransferEncoding::QuotedPrintable)
                .unwrap_or_else(|_| Body::new(text.to_string()));
        SinglePart::builder().header(content_type).body(body)
    };
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(&mail.subject))
        .message_id(Some(message_id.to_string()))
        .date_now()
        // RFC 3834: no out-of-office replies to the cooperative's robot.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_string(),
        ));
    let text = part(ContentType::TEXT_PLAIN, &mail.text);
    let message = match &mail.html {
        None => builder.singlepart(text)?,
        Some(html) => builder.multipart(
            MultiPart::alternative()
                .singlepart(text)
                .singlepart(part(ContentType::TEXT_HTML, html)),
        )?,
    };
    Ok(message)
}

/// Writes through a temporary file, so a reader never sees half a message.
async fn write_file(path: PathBuf, raw: Vec<u8>) -> Result<(), MailError> {
    let target = path.clone();
    let result = actix_web::rt::task::spawn_blocking(move || -> std::io::Result<()> {
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = target.with_extension("eml.tmp");
        std::fs::write(&tmp, raw)?;
        std::fs::rename(&tmp, &target)
    })
    .await
    .unwrap_or_else(|e| Err(std::io::Error::other(e)));
    result.map_err(|source| MailError::File { path, source })
}

fn parse_from(text: &str) -> anyhow::Result<Mailbox> {
    text.trim().parse::<Mailbox>().map_err(|e| {
        anyhow!(
            "SCRUTIN_MAIL_FROM `{text}` is not an e-mail address ({e}): write e.g. scrutin@example.coop or \"Ma Coop <scrutin@example.coop>\""
        )
    })
}

/// Turns our accepted spellings into lettre's: `smtp+starttls://…` and
/// `smtp://…?starttls` become `smtp://…?tls=required`.
fn smtp_builder(url: &str) -> anyhow::Result<AsyncSmtpTransportBuilder> {
    let url = url.trim();
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut starttls = false;
    let base = match base.strip_prefix("smtp+starttls://") {
        Some(rest) => {
            starttls = true;
            format!("smtp://{rest}")
        }
        None => base.to_string(),
    };
    let mut params: Vec<&str> = Vec::new();
    for param in query.split('&').filter(|p| !p.is_empty()) {
        if param == "starttls" || param == "starttls=true" {
            starttls = true;
        } else {
            params.push(param);
        }
    }
    if starttls {
        if !base.starts_with("smtp://") {
            return Err(smtp_url_error(
                url,
                "STARTTLS goes with smtp://, not smtps://",
            ));
        }
        params.push("tls=required");
    }
    let lettre_url = if params.is_empty() {
        base
    } else {
        format!("{base}?{}", params.join("&"))
    };
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url)
        .map_err(|e| smtp_url_error(url, &e.to_string()))?;
    // As many connections as the outbox sends at once.
    let pool = lettre::transport::smtp::PoolConfig::new().max_size(MAX_CONNECTIONS);
    Ok(builder.timeout(Some(SMTP_TIMEOUT)).pool_config(pool))
}

fn smtp_url_error(url: &str, reason: &str) -> anyhow::Error {
    anyhow!(
        "SCRUTIN_SMTP_URL `{}` is not a usable SMTP URL ({reason}): write smtp://host:port, smtps://user:pass@host or smtp+starttls://user:pass@host",
        mask_password(url)
    )
}

/// `smtps://user:secret@host` → `smtps://user:***@host`.
fn mask_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let Some(at) = rest.rfind('@') else {
        return url.to_string();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

/// `alice@example.coop` → `a…@example.coop`, for logs.
pub fn mask_email(email: &str) -> String {
    match email.trim().split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".to_string(),
    }
}

/// Where the folder backend writes the message `message_id`:
/// `<dir>/<id without angle brackets>.eml`.
pub fn eml_path(dir: &Path, message_id: &str) -> PathBuf {
    dir.join(format!(
        "{}.eml",
        message_id.trim_start_matches('<').trim_end_matches('>')
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(html: Option<&str>) -> OutgoingMail {
        OutgoingMail {
            to_email: "alice@example.coop".into(),
            to_name: "Alice Dupré".into(),
            subject: "Convocation à l'assemblée\n".into(),
            text: "Bonjour, à bientôt.".into(),
            html: html.map(str::to_string),
        }
    }

    #[test]
    fn masks() {
        assert_eq!(mask_email("alice@example.coop"), "a…@example.coop");
        assert_eq!(mask_email("nobody"), "…");
        assert_eq!(
            mask_password("smtps://bob:s3cret@mail.example.coop:465"),
            "smtps://bob:***@mail.example.coop:465"
        );
        assert_eq!(mask_password("smtp://localhost:25"), "smtp://localhost:25");
    }

    #[test]
    fn smtp_urls() {
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtps://user:pass@mail.example.coop",
            "smtps://user:pass@mail.example.coop:465",
            "smtp+starttls://user:pass@mail.example.coop",
            "smtp://user:pass@mail.example.coop:587?starttls",
        ] {
            assert!(smtp_builder(ok).is_ok(), "{ok}");
        }
        for bad in [
            "localhost:25",
            "http://mail.example.coop",
            "smtp://",
            "smtps://u:pw@h?starttls",
        ] {
            let e = smtp_builder(bad)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(e.starts_with("SCRUTIN_SMTP_URL"), "{bad}: {e}");
            assert!(!e.contains('\n') && !e.contains("pw@"), "{e}");
        }
    }

    #[tokio::test]
    async fn the_memory_backend_keeps_a_multipart_message() {
        let mailer = Mailer::in_memory();
        let sent = mailer.send(&mail(Some("<p>Bonjour</p>"))).await.unwrap();
        assert!(sent.message_id.starts_with('<') && sent.message_id.ends_with("@localhost>"));
        let captured = mailer.sent();
        assert_eq!(captured.len(), 1);
        let raw = &captured[0].raw;
        assert!(
            raw.contains(&format!("Message-ID: {}", sent.message_id)),
            "{raw}"
        );
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
        // The subject is one line, RFC 2047-encoded because of the accent.
        assert!(raw.contains("Subject: Convocation =?utf-8?b?"), "{raw}");
        assert_eq!(captured[0].mail.to_name, "Alice Dupré");
    }

    #[tokio::test]
    async fn a_bad_address_is_refused_before_sending() {
        let mailer = Mailer::in_memory();
        let mut m = mail(None);
        m.to_email = "not an address".into();
        assert!(matches!(
            mailer.send(&m).await,
            Err(MailError::Address { .. })
        ));
        assert!(mailer.sent().is_empty());
    }
}
