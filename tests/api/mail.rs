//! Outgoing mail: the `.eml` folder, a real SMTP server on loopback
//! (Debian's python3-aiosmtpd), the retries, and template overrides.
//! No HTTP server is needed: plain `#[tokio::test]`s.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::helpers::mail::{SmtpServer, config};
use chrono::NaiveDate;
use scrutin::domain::{AssemblyKind, Call};
use scrutin::mail::{
    AgendaItem, ConvocationContext, LoginLinkContext, MailError, Mailer, OutgoingMail,
    check_templates, eml_path,
};
use scrutin::templates::Templates;

fn convocation() -> ConvocationContext {
    ConvocationContext {
        cooperative_name: "SCIC Énergie Partagée".into(),
        recipient_name: "Jeanne Dupré".into(),
        assembly_title: "Assemblée générale ordinaire annuelle".into(),
        kind: AssemblyKind::Ordinary,
        call: Call::First,
        starts_at: NaiveDate::from_ymd_opt(2026, 3, 12)
            .and_then(|d| d.and_hms_opt(14, 30, 0))
            .expect("a date"),
        place: "Maison des associations, Besançon".into(),
        remote_url: None,
        resolutions: vec![
            AgendaItem {
                number: 1,
                title: "Approbation des comptes de l'exercice".into(),
                text: "L'assemblée générale approuve les comptes annuels.".into(),
            },
            AgendaItem {
                number: 2,
                title: "Affectation du résultat".into(),
                text: "L'excédent est affecté à la réserve légale, à hauteur de 15 %.".into(),
            },
        ],
        login_url: "https://scrutin.example.coop/connexion/9f2c".into(),
    }
}

fn convocation_mail() -> OutgoingMail {
    OutgoingMail::from_template(
        &Templates::new(None),
        &convocation(),
        "jeanne@example.coop",
        "Jeanne Dupré",
    )
    .expect("the default convocation renders")
}

// ---- a tiny MIME reader, enough to check what we wrote -------------------

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn quoted_printable_decode(text: &str) -> String {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
            out.push(u8::from_str_radix(hex, 16).expect("=XX"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 once decoded")
}

/// RFC 2047 `=?utf-8?b?…?=` words; blanks between two encoded words vanish.
fn decode_header(value: &str) -> String {
    let mut out = String::new();
    let mut previous_encoded = false;
    for (i, word) in value.split(' ').enumerate() {
        let encoded = word
            .strip_prefix("=?utf-8?b?")
            .and_then(|w| w.strip_suffix("?="));
        if i > 0 && !(previous_encoded && encoded.is_some()) {
            out.push(' ');
        }
        match encoded {
            Some(b64) => out.push_str(&String::from_utf8(base64_decode(b64)).expect("UTF-8")),
            None => out.push_str(word),
        }
        previous_encoded = encoded.is_some();
    }
    out
}

/// Headers (unfolded, names lower-cased) and the body.
fn split_message(raw: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .expect("a blank line after the headers");
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let headers = unfolded
        .split("\r\n")
        .map(|line| {
            let (name, value) = line.split_once(':').expect("Name: value");
            (name.trim().to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    (headers, body.to_string())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    let found: Vec<_> = headers.iter().filter(|(n, _)| n == name).collect();
    assert_eq!(found.len(), 1, "exactly one {name} header in {headers:?}");
    &found[0].1
}

/// The decoded text of the part of a multipart body with this content type.
fn part(content_type_header: &str, body: &str, wanted: &str) -> String {
    let boundary = content_type_header
        .split("boundary=")
        .nth(1)
        .expect("a boundary")
        .trim_matches('"');
    let part = body
        .split(&format!("--{boundary}"))
        .find(|p| p.contains(&format!("Content-Type: {wanted}")))
        .unwrap_or_else(|| panic!("no {wanted} part in {body}"));
    let (headers, content) = split_message(part.trim_start_matches("\r\n"));
    assert_eq!(
        header(&headers, "content-transfer-encoding"),
        "quoted-printable"
    );
    quoted_printable_decode(content.trim_end_matches("\r\n"))
}

// ---- (a) the .eml folder ---------------------------------------------------

#[tokio::test]
async fn the_folder_backend_writes_a_parseable_eml() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let outbox = dir.path().join("not-yet").join("outbox");
    let mailer = Mailer::from_config(&config(&[
        ("SCRUTIN_MAIL_DIR", outbox.display().to_string()),
        (
            "SCRUTIN_MAIL_FROM",
            "Énergie Partagée <ag@example.coop>".into(),
        ),
    ]))
    .expect("the folder backend");
    assert!(outbox.is_dir(), "the folder is created when missing");
    let mail = convocation_mail();
    let sent = mailer.send(&mail).await.expect("written");

    let files: Vec<PathBuf> = std::fs::read_dir(&outbox)
        .expect("the outbox")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files, vec![eml_path(&outbox, &sent.message_id)]);
    let raw = std::fs::read_to_string(&files[0]).expect("an ASCII file");
    assert!(raw.is_ascii(), "every non-ASCII character is encoded");

    let (headers, body) = split_message(&raw);
    assert_eq!(header(&headers, "message-id"), sent.message_id);
    assert!(
        sent.message_id.starts_with('<') && sent.message_id.ends_with("@example.coop>"),
        "{}",
        sent.message_id
    );
    assert_eq!(
        decode_header(header(&headers, "to")),
        "Jeanne Dupré <jeanne@example.coop>"
    );
    assert_eq!(
        decode_header(header(&headers, "from")),
        "Énergie Partagée <ag@example.coop>"
    );
    let subject = decode_header(header(&headers, "subject"));
    assert_eq!(subject, mail.subject);
    assert_eq!(
        subject,
        "SCIC Énergie Partagée — convocation : Assemblée générale ordinaire annuelle, le 12 mars 2026"
    );
    assert!(!header(&headers, "date").is_empty());

    let content_type = header(&headers, "content-type");
    assert!(
        content_type.starts_with("multipart/alternative"),
        "{content_type}"
    );
    let text = part(content_type, &body, "text/plain; charset=utf-8");
    assert_eq!(text.replace("\r\n", "\n"), mail.text.trim_end());
    for needle in [
        "assemblée générale ordinaire de SCIC Énergie Partagée, sur première convocation",
        "Le 12 mars 2026 à 14 h 30",
        "Résolution n° 2 — Affectation du résultat",
        "à hauteur de 15 %.",
        "https://scrutin.example.coop/connexion/9f2c",
    ] {
        assert!(text.contains(needle), "{needle:?} not in\n{text}");
    }
    assert!(
        !text.contains("Participation à distance"),
        "no remote line without a link"
    );
    let html = part(content_type, &body, "text/html; charset=utf-8");
    assert!(
        html.contains("Approbation des comptes de l&#x27;exercice"),
        "{html}"
    );
}

// ---- (b) a real SMTP server -------------------------------------------------

#[tokio::test]
async fn the_smtp_backend_delivers_a_convocation_to_a_real_server() {
    let server = SmtpServer::start().await;
    let mailer = server.mailer();
    let mail = convocation_mail();
    let sent = mailer.send(&mail).await.expect("the server takes it");

    let messages = server.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert_eq!(m["mail_from"], "ag@example.coop");
    assert_eq!(m["rcpt_tos"], serde_json::json!(["jeanne@example.coop"]));
    assert_eq!(m["to"], "Jeanne Dupré <jeanne@example.coop>");
    assert_eq!(m["subject"], mail.subject.as_str());
    assert_eq!(m["message_id"], sent.message_id.as_str());
    assert_eq!(m["content_type"], "multipart/alternative");
    let text = m["text"].as_str().expect("a text part");
    assert!(
        text.contains("Résolution n° 1 — Approbation des comptes de l'exercice"),
        "{text}"
    );
    assert!(
        text.contains("https://scrutin.example.coop/connexion/9f2c"),
        "{text}"
    );
    assert!(
        m["html"]
            .as_str()
            .is_some_and(|h| h.contains("<h2>Ordre du jour</h2>"))
    );

    // A second message goes through the same (pooled) transport.
    let login = OutgoingMail::from_template(
        &Templates::new(None),
        &LoginLinkContext {
            cooperative_name: "SCIC Énergie Partagée".into(),
            recipient_name: "Paul".into(),
            login_url: "https://scrutin.example.coop/connexion/77".into(),
            valid_minutes: 10,
        },
        "paul@example.coop",
        "",
    )
    .expect("the login link renders");
    mailer.send(&login).await.expect("the second message");
    let messages = server.messages();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1]["to"], "paul@example.coop");
    assert_eq!(messages[1]["content_type"], "text/plain");
}

#[tokio::test]
async fn a_permanent_smtp_refusal_is_returned_without_retrying() {
    let server = SmtpServer::start().await;
    let mut mail = convocation_mail();
    mail.to_email = "refused@example.coop".into();
    match server.mailer().send(&mail).await {
        Err(MailError::Smtp { attempts, source }) => {
            assert_eq!(attempts, 1, "a 5xx answer is final");
            assert!(source.is_permanent(), "{source}");
        }
        other => panic!("expected a permanent SMTP error, got {other:?}"),
    }
    assert!(server.messages().is_empty());
}

// ---- (c) the retries ------------------------------------------------------------

#[tokio::test]
async fn a_closed_smtp_port_fails_after_the_retries() {
    // A port that was free a moment ago: nobody listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let mailer = Mailer::from_config(&config(&[(
        "SCRUTIN_SMTP_URL",
        format!("smtp://127.0.0.1:{port}"),
    )]))
    .expect("a well-formed URL")
    .with_retry_delays(vec![Duration::from_millis(50); 3]);
    let started = Instant::now();
    let result = mailer.send(&convocation_mail()).await;
    let elapsed = started.elapsed();
    match result {
        Err(e @ MailError::Smtp { attempts: 4, .. }) => {
            assert!(e.to_string().contains("after 4 attempt"), "{e}");
        }
        other => panic!("expected an SMTP error after 4 attempts, got {other:?}"),
    }
    assert!(
        elapsed >= Duration::from_millis(150),
        "three waits of 50 ms: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_malformed_smtp_url_is_one_line_naming_the_variable() {
    for url in [
        "mail.example.coop:25",
        "smtps://bob:hunter2@",
        "imap://mail.example.coop",
    ] {
        let e = Mailer::from_config(&config(&[("SCRUTIN_SMTP_URL", url.into())]))
            .expect_err(url)
            .to_string();
        assert!(e.starts_with("SCRUTIN_SMTP_URL"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        assert!(!e.contains("hunter2"), "the password is never printed: {e}");
    }
}

// ---- (d) template overrides ---------------------------------------------------

fn write_override(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
    std::fs::write(&path, text).expect("write the override");
    path
}

#[test]
fn a_broken_override_is_reported_with_its_name_path_and_line() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write_override(
        dir.path(),
        "email/convocation/body.txt.j2",
        "Bonjour {{ recipient_name }},\n\n{% if %}\nfin\n",
    );
    let templates = Templates::new(Some(dir.path().to_path_buf()));
    let problems = templates.check_all();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let e = &problems[0];
    assert_eq!(e.template, "email/convocation/body.txt.j2");
    assert_eq!(e.override_path.as_deref(), Some(path.as_path()));
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("syntax error"), "{e}");
    let shown = e.to_string();
    assert!(shown.contains("email/convocation/body.txt.j2"), "{shown}");
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    assert!(shown.contains("line 3"), "{shown}");

    // Never silently replaced by the default.
    let rendered = OutgoingMail::from_template(&templates, &convocation(), "j@example.coop", "J");
    assert_eq!(rendered.expect_err("the override is broken"), *e);
}

#[test]
fn an_override_with_an_undefined_variable_is_caught_by_the_start_up_check() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write_override(
        dir.path(),
        "email/login_link/body.txt.j2",
        "Bonjour {{ recipient_name }},\n{{ login_link }}\n",
    );
    let templates = Templates::new(Some(dir.path().to_path_buf()));
    assert!(templates.check_all().is_empty(), "it compiles");
    let problems = check_templates(&templates);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let e = &problems[0];
    assert_eq!(e.template, "email/login_link/body.txt.j2");
    assert_eq!(e.override_path.as_deref(), Some(path.as_path()));
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("undefined"), "{e}");
}

#[test]
fn a_valid_override_replaces_the_default_and_only_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = write_override(
        dir.path(),
        "email/convocation/subject.txt.j2",
        "Convocation de {{ recipient_name }} — {{ starts_at | date_fr }} à {{ starts_at | time }}\n",
    );
    let templates = Templates::new(Some(dir.path().to_path_buf()));
    assert_eq!(check_templates(&templates), vec![]);
    assert_eq!(
        templates.override_path("email/convocation/subject.txt.j2"),
        Some(path.as_path())
    );
    assert_eq!(
        templates.override_path("email/convocation/body.txt.j2"),
        None
    );
    let mail = OutgoingMail::from_template(&templates, &convocation(), "j@example.coop", "J")
        .expect("renders");
    assert_eq!(
        mail.subject,
        "Convocation de Jeanne Dupré — 12 mars 2026 à 14 h 30"
    );
    assert_eq!(
        mail.text,
        convocation_mail().text,
        "the body is still the default"
    );
}
