//! Operator-editable texts: minijinja templates with compiled-in defaults.
//!
//! Every file under `templates/` that is listed in [`DEFAULTS`] is embedded
//! in the binary with `include_str!`. A file with the same relative name in
//! the overrides folder (`SCRUTIN_TEMPLATES_DIR`) replaces the default. A
//! broken override is reported — at start-up by [`Templates::check_all`],
//! and at every render — never silently replaced by the default: the
//! cooperative must see that its text is not the one being sent.
//!
//! Files ending in `.typ` are not minijinja templates but typst sources
//! (the PDF documents): they are kept as text, with the same override rule,
//! and compiled by `services::typeset`, which reads its facts as JSON.
//!
//! Rendering is strict: a variable the context does not define is an error,
//! not an empty string. Files ending in `.html.j2` are HTML-escaped, and so
//! are `.fodt.j2` (Flat ODT, XML).
//!
//! Filters, besides minijinja's built-ins:
//! - `date_fr`: `2026-03-12` or `2026-03-12T14:30:00` → `12 mars 2026` (`1er` for the first);
//! - `time`: `2026-03-12T14:30:00` or `14:30` → `14 h 30` (`9 h` on the hour);
//! - `date_en`, `time_en`: `12 March 2026`, `14:30`, for the English part;
//! - `url` (HTML templates): escapes a link for an `href` without turning
//!   its slashes into entities, as the default HTML escaping does.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use minijinja::{Environment, UndefinedBehavior};

/// The compiled-in defaults: (name relative to `templates/`, source).
pub const DEFAULTS: &[(&str, &str)] = &[
    (
        "email/convocation/subject.txt.j2",
        include_str!("../templates/email/convocation/subject.txt.j2"),
    ),
    (
        "email/convocation/body.txt.j2",
        include_str!("../templates/email/convocation/body.txt.j2"),
    ),
    (
        "email/convocation/body.html.j2",
        include_str!("../templates/email/convocation/body.html.j2"),
    ),
    (
        "email/login_link/subject.txt.j2",
        include_str!("../templates/email/login_link/subject.txt.j2"),
    ),
    (
        "email/login_link/body.txt.j2",
        include_str!("../templates/email/login_link/body.txt.j2"),
    ),
    (
        "email/password_reset/subject.txt.j2",
        include_str!("../templates/email/password_reset/subject.txt.j2"),
    ),
    (
        "email/password_reset/body.txt.j2",
        include_str!("../templates/email/password_reset/body.txt.j2"),
    ),
    (
        "email/ballot_by_proxy/subject.txt.j2",
        include_str!("../templates/email/ballot_by_proxy/subject.txt.j2"),
    ),
    (
        "email/ballot_by_proxy/body.txt.j2",
        include_str!("../templates/email/ballot_by_proxy/body.txt.j2"),
    ),
    (
        "minutes/pv.html.j2",
        include_str!("../templates/minutes/pv.html.j2"),
    ),
    (
        "minutes/pv.md.j2",
        include_str!("../templates/minutes/pv.md.j2"),
    ),
    (
        "minutes/pv.fodt.j2",
        include_str!("../templates/minutes/pv.fodt.j2"),
    ),
    (
        "minutes/attendance.html.j2",
        include_str!("../templates/minutes/attendance.html.j2"),
    ),
    (
        "minutes/attendance.md.j2",
        include_str!("../templates/minutes/attendance.md.j2"),
    ),
    (
        "minutes/pv.en.html.j2",
        include_str!("../templates/minutes/pv.en.html.j2"),
    ),
    (
        "minutes/pv.en.md.j2",
        include_str!("../templates/minutes/pv.en.md.j2"),
    ),
    (
        "minutes/pv.en.fodt.j2",
        include_str!("../templates/minutes/pv.en.fodt.j2"),
    ),
    (
        "minutes/attendance.en.html.j2",
        include_str!("../templates/minutes/attendance.en.html.j2"),
    ),
    (
        "minutes/attendance.en.md.j2",
        include_str!("../templates/minutes/attendance.en.md.j2"),
    ),
    (
        "minutes/attendance.fodt.j2",
        include_str!("../templates/minutes/attendance.fodt.j2"),
    ),
    (
        "minutes/attendance.en.fodt.j2",
        include_str!("../templates/minutes/attendance.en.fodt.j2"),
    ),
    (
        "minutes/pv.typ",
        include_str!("../templates/minutes/pv.typ"),
    ),
    (
        "minutes/pv.en.typ",
        include_str!("../templates/minutes/pv.en.typ"),
    ),
    (
        "minutes/attendance.typ",
        include_str!("../templates/minutes/attendance.typ"),
    ),
    (
        "minutes/attendance.en.typ",
        include_str!("../templates/minutes/attendance.en.typ"),
    ),
    (
        "register/certificate.html.j2",
        include_str!("../templates/register/certificate.html.j2"),
    ),
    (
        "register/certificate.typ",
        include_str!("../templates/register/certificate.typ"),
    ),
    (
        "register/register.html.j2",
        include_str!("../templates/register/register.html.j2"),
    ),
    (
        "register/register.typ",
        include_str!("../templates/register/register.typ"),
    ),
];

/// Why a template could not be loaded, compiled or rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template's name, relative to `templates/` (`email/convocation/body.txt.j2`).
    pub template: String,
    /// The override file, when the broken text came from the overrides folder.
    pub override_path: Option<PathBuf>,
    /// The line in that template, when minijinja knows it.
    pub line: Option<usize>,
    /// minijinja's (or the file system's) message.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "template {}", self.template)?;
        if let Some(path) = &self.override_path {
            write!(f, " (override {})", path.display())?;
        }
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for TemplateError {}

/// The set of templates: defaults, overridden by same-named files.
pub struct Templates {
    env: Environment<'static>,
    /// The override file of each overridden template.
    overrides: BTreeMap<String, PathBuf>,
    /// Overrides that could not be read or compiled: reported at every use.
    broken: BTreeMap<String, TemplateError>,
    /// The typst sources (`.typ`), default or override, kept as text.
    typst: BTreeMap<String, String>,
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Templates")
            .field("overrides", &self.overrides)
            .field("broken", &self.broken.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Templates {
    /// Loads the defaults, then the same-named files of `overrides_dir`
    /// (read once, here). An override that cannot be read or compiled is kept
    /// as an error: [`Templates::check_all`] lists it, and rendering it fails.
    pub fn new(overrides_dir: Option<PathBuf>) -> Templates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Flat ODT is XML: escaped like HTML, as `.html.j2` files are.
        env.set_auto_escape_callback(|name| match name.ends_with(".fodt.j2") {
            true => minijinja::AutoEscape::Html,
            false => minijinja::default_auto_escape_callback(name),
        });
        env.add_filter("date_fr", date_fr);
        env.add_filter("time", time_fr);
        env.add_filter("date_en", date_en);
        env.add_filter("time_en", time_en);
        env.add_filter("url", url);
        let mut overrides = BTreeMap::new();
        let mut broken = BTreeMap::new();
        let mut typst = BTreeMap::new();
        for &(name, default) in DEFAULTS {
            let path = overrides_dir.as_deref().map(|dir| dir.join(name));
            let (source, from) = match path {
                Some(path) if path.is_file() => match std::fs::read_to_string(&path) {
                    Ok(text) => (text, Some(path)),
                    Err(e) => {
                        broken.insert(
                            name.to_string(),
                            TemplateError {
                                template: name.to_string(),
                                override_path: Some(path),
                                line: None,
                                message: format!("cannot be read: {e}"),
                            },
                        );
                        continue;
                    }
                },
                _ => (default.to_string(), None),
            };
            if name.ends_with(".typ") {
                // Syntax only here: a missing fact shows when a document is rendered.
                if let Some((line, message)) = crate::services::typeset::syntax_error(&source) {
                    broken.insert(
                        name.to_string(),
                        TemplateError {
                            template: name.to_string(),
                            override_path: from,
                            line,
                            message,
                        },
                    );
                    continue;
                }
                if let Some(path) = from {
                    overrides.insert(name.to_string(), path);
                }
                typst.insert(name.to_string(), source);
                continue;
            }
            if let Err(e) = env.add_template_owned(name, source) {
                broken.insert(name.to_string(), error(name, from.as_deref(), &e));
            } else if let Some(path) = from {
                overrides.insert(name.to_string(), path);
            }
        }
        Templates {
            env,
            overrides,
            broken,
            typst,
        }
    }

    /// The text of a typst source (`minutes/pv.typ`), default or override.
    pub fn typst_source(&self, name: &str) -> Result<&str, TemplateError> {
        if let Some(e) = self.broken.get(name) {
            return Err(e.clone());
        }
        self.typst
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| TemplateError {
                template: name.to_string(),
                override_path: None,
                line: None,
                message: "template not found".into(),
            })
    }

    /// Renders the template `name` (relative to `templates/`) with `ctx`.
    pub fn render(&self, name: &str, ctx: impl serde::Serialize) -> Result<String, TemplateError> {
        if let Some(e) = self.broken.get(name) {
            return Err(e.clone());
        }
        let override_path = self.overrides.get(name).map(PathBuf::as_path);
        let template = self
            .env
            .get_template(name)
            .map_err(|e| error(name, override_path, &e))?;
        template
            .render(ctx)
            .map_err(|e| error(name, override_path, &e))
    }

    /// Every template that does not compile (with its override's path):
    /// empty when all is well. Meant for start-up, so a broken override is
    /// seen before the first e-mail is due. Compiling does not find an
    /// undefined variable: `mail::check_templates` also renders samples.
    pub fn check_all(&self) -> Vec<TemplateError> {
        self.broken.values().cloned().collect()
    }

    /// The override file used for `name`, if any.
    pub fn override_path(&self, name: &str) -> Option<&Path> {
        self.overrides.get(name).map(PathBuf::as_path)
    }
}

fn error(name: &str, override_path: Option<&Path>, e: &minijinja::Error) -> TemplateError {
    let message = match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    };
    TemplateError {
        // An error raised inside an included template names that one.
        template: e.name().unwrap_or(name).to_string(),
        override_path: override_path.map(Path::to_path_buf),
        line: e.line(),
        message,
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn bad_value(filter: &str, value: &str) -> minijinja::Error {
    minijinja::Error::new(
        minijinja::ErrorKind::InvalidOperation,
        format!("{filter} expects a date or date-time such as 2026-03-12T14:30:00, not `{value}`"),
    )
}

/// Parses what chrono's serde writes: a date, a naive date-time or RFC 3339.
fn parse_instant(value: &str) -> Option<(Option<NaiveDate>, Option<NaiveTime>)> {
    let value = value.trim();
    if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Some((Some(d), None));
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(value) {
        let dt = dt.naive_local();
        return Some((Some(dt.date()), Some(dt.time())));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(value, format) {
            return Some((Some(dt.date()), Some(dt.time())));
        }
    }
    for format in ["%H:%M:%S", "%H:%M"] {
        if let Ok(t) = NaiveTime::parse_from_str(value, format) {
            return Some((None, Some(t)));
        }
    }
    None
}

/// `12 mars 2026`, `1er mai 2026`.
pub fn date_fr(value: String) -> Result<String, minijinja::Error> {
    let Some((Some(d), _)) = parse_instant(&value) else {
        return Err(bad_value("date_fr", &value));
    };
    let day = match d.day() {
        1 => "1er".to_string(),
        n => n.to_string(),
    };
    Ok(format!(
        "{day} {} {}",
        MONTHS[d.month0() as usize],
        d.year()
    ))
}

/// `14 h 30`, `9 h` on the hour.
pub fn time_fr(value: String) -> Result<String, minijinja::Error> {
    let Some((_, Some(t))) = parse_instant(&value) else {
        return Err(bad_value("time", &value));
    };
    Ok(match t.minute() {
        0 => format!("{} h", t.hour()),
        m => format!("{} h {m:02}", t.hour()),
    })
}

/// `12 March 2026`.
pub fn date_en(value: String) -> Result<String, minijinja::Error> {
    let Some((Some(d), _)) = parse_instant(&value) else {
        return Err(bad_value("date_en", &value));
    };
    Ok(format!(
        "{} {} {}",
        d.day(),
        MONTHS_EN[d.month0() as usize],
        d.year()
    ))
}

/// `14:30`, `09:05`.
pub fn time_en(value: String) -> Result<String, minijinja::Error> {
    let Some((_, Some(t))) = parse_instant(&value) else {
        return Err(bad_value("time_en", &value));
    };
    Ok(format!("{:02}:{:02}", t.hour(), t.minute()))
}

/// Escapes `& < > " '` only, and marks the result safe.
fn url(value: String) -> minijinja::Value {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    minijinja::Value::from_safe_string(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dates_and_times() {
        assert_eq!(date_fr("2026-03-12".into()).unwrap(), "12 mars 2026");
        assert_eq!(
            date_fr("2026-05-01T09:00:00".into()).unwrap(),
            "1er mai 2026"
        );
        assert_eq!(
            date_fr("2026-08-15T14:30:00+02:00".into()).unwrap(),
            "15 août 2026"
        );
        assert_eq!(time_fr("2026-03-12T14:30:00".into()).unwrap(), "14 h 30");
        assert_eq!(time_fr("09:05".into()).unwrap(), "9 h 05");
        assert_eq!(time_fr("2026-03-12T18:00:00".into()).unwrap(), "18 h");
        assert_eq!(date_en("2026-05-01T09:00:00".into()).unwrap(), "1 May 2026");
        assert_eq!(time_en("2026-05-01T09:05:00".into()).unwrap(), "09:05");
        assert_eq!(
            url("https://x.coop/a?b=1&c=\"2\"".into()).to_string(),
            "https://x.coop/a?b=1&amp;c=&quot;2&quot;"
        );
        assert!(date_fr("demain".into()).is_err());
        assert!(date_fr("14:30".into()).is_err());
    }

    #[test]
    fn the_defaults_compile() {
        let templates = Templates::new(None);
        assert_eq!(templates.check_all(), vec![]);
    }

    #[test]
    fn strict_mode_refuses_an_undefined_variable() {
        let templates = Templates::new(None);
        let e = templates
            .render("email/login_link/subject.txt.j2", serde_json::json!({}))
            .unwrap_err();
        assert_eq!(e.template, "email/login_link/subject.txt.j2");
        assert!(e.override_path.is_none());
        assert!(e.message.contains("undefined"), "{e}");
    }

    #[test]
    fn an_unknown_template_is_an_error() {
        let e = Templates::new(None)
            .render("email/nothing.txt.j2", ())
            .unwrap_err();
        assert!(e.message.contains("not found"), "{e}");
    }
}
