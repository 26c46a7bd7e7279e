//! The minutes (procès-verbal) of an assembly and its attendance sheet:
//! what the secretary writes (documents submitted, a summary of the debates
//! per resolution), the bureau's signatures, and the frozen signed version.
//!
//! Every format is rendered from one set of facts ([`facts::Minutes`])
//! through the operator-editable templates `templates/minutes/`. Once the
//! chair and the secretary have signed, the version is frozen: its Markdown
//! is stored with its SHA-256, and nothing of it changes again; a
//! correction is a new version.

pub mod archive;
pub mod facts;
pub mod sheet;

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::db::models::account::Account;
use crate::db::models::audit;
use crate::db::models::minutes::MinutesRow;
use crate::db::models::resolution::Resolution;
use crate::db::{DbConn, now, write_transaction};
use crate::error::AppError;
use crate::services::assemblies::{self, rfc3339};
use crate::services::typeset;
use crate::templates::{TemplateError, Templates};
pub use facts::Language;
use facts::{Minutes, Signature, Written};

/// A format of the minutes or of the attendance sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
    /// Flat ODT: one XML file LibreOffice opens and edits.
    Odt,
    /// Typeset by typst from `templates/minutes/*.typ`.
    Pdf,
}

impl Format {
    /// `html` (the default), `pdf`, `md`, `odt`.
    pub fn parse(text: Option<&str>) -> Result<Format, AppError> {
        match text.unwrap_or("html") {
            "html" => Ok(Format::Html),
            "md" | "markdown" => Ok(Format::Markdown),
            "odt" | "fodt" => Ok(Format::Odt),
            "pdf" => Ok(Format::Pdf),
            other => Err(AppError::bad_request(format!(
                "format must be html, pdf, md or odt, not `{other}`."
            ))),
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Odt => "fodt",
            Format::Pdf => "pdf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Odt => "application/vnd.oasis.opendocument.text-flat-xml",
            Format::Pdf => "application/pdf",
        }
    }
}

impl Language {
    /// `fr` (the default) or `en`.
    pub fn parse(text: Option<&str>) -> Result<Language, AppError> {
        match text.unwrap_or("fr") {
            "fr" => Ok(Language::Fr),
            "en" => Ok(Language::En),
            other => Err(AppError::bad_request(format!(
                "lang must be fr or en, not `{other}`."
            ))),
        }
    }

    /// The template of a document: `minutes/pv.md.j2`, `minutes/pv.en.md.j2`,
    /// and for PDF the typst source `minutes/pv.typ`, `minutes/pv.en.typ`.
    fn template(self, document: &str, format: Format) -> String {
        match (self, format) {
            (Language::Fr, Format::Pdf) => format!("minutes/{document}.typ"),
            (Language::En, Format::Pdf) => format!("minutes/{document}.en.typ"),
            _ => self.template_j2(document, format),
        }
    }

    fn template_j2(self, document: &str, format: Format) -> String {
        match self {
            Language::Fr => format!("minutes/{document}.{}.j2", format.extension()),
            Language::En => format!("minutes/{document}.en.{}.j2", format.extension()),
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Language::Fr => "",
            Language::En => "-en",
        }
    }
}

/// A rendered document, ready to be sent or written to a file.
#[derive(Debug)]
pub struct Document {
    /// UTF-8 text, except for PDF.
    pub body: Vec<u8>,
    pub format: Format,
    pub filename: String,
}

/// The state of a version of the minutes, as the API answers it.
#[derive(Serialize, Clone, Debug)]
pub struct MinutesState {
    pub assembly_id: i64,
    pub version: i64,
    pub status: String,
    pub documents: String,
    pub debates: BTreeMap<String, String>,
    pub signatures: Vec<Signature>,
    pub digest: Option<String>,
    pub signed_at: Option<String>,
}

/// What the secretary changes; fields left out stay as they are. A debate
/// set to an empty text is removed.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct MinutesInput {
    pub documents: Option<String>,
    /// Resolution id → summary of the debates.
    pub debates: Option<BTreeMap<String, String>>,
}

fn template_error(e: TemplateError) -> AppError {
    AppError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "template_error",
        e.to_string(),
    )
}

fn blank(assembly_id: i64) -> MinutesRow {
    MinutesRow {
        assembly_id,
        version: 1,
        status: "draft".into(),
        documents: String::new(),
        debates: "{}".into(),
        signatures: "[]".into(),
        content: None,
        digest: None,
        model: None,
        created_at: now(),
        signed_at: None,
    }
}

fn stored<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

fn written(row: &MinutesRow) -> Written {
    Written {
        documents: row.documents.clone(),
        debates: stored(&row.debates),
        version: row.version,
        signatures: stored(&row.signatures),
    }
}

fn state_of(row: &MinutesRow) -> MinutesState {
    MinutesState {
        assembly_id: row.assembly_id,
        version: row.version,
        status: row.status.clone(),
        documents: row.documents.clone(),
        debates: stored(&row.debates),
        signatures: stored(&row.signatures),
        digest: row.digest.clone(),
        signed_at: row.signed_at.map(rfc3339),
    }
}

/// A given version, or the latest (an unsaved blank draft if none yet).
fn row(conn: &mut DbConn, id: i64, version: Option<i64>) -> Result<MinutesRow, AppError> {
    assemblies::find(conn, id)?;
    match version {
        Some(v) => MinutesRow::find(conn, id, v)?
            .ok_or_else(|| AppError::not_found("version of these minutes")),
        None => Ok(MinutesRow::latest(conn, id)?.unwrap_or_else(|| blank(id))),
    }
}

/// The latest draft, created on first use; 409 once signed.
fn draft(conn: &mut DbConn, id: i64) -> Result<MinutesRow, AppError> {
    match MinutesRow::latest(conn, id)? {
        Some(r) if r.status == "signed" => Err(AppError::conflict(
            "minutes_signed",
            format!(
                "Version {} of the minutes is signed and frozen: create a correction (a new version) to change it.",
                r.version
            ),
        )),
        Some(r) => Ok(r),
        None => {
            let r = blank(id);
            MinutesRow::insert(conn, &r)?;
            Ok(r)
        }
    }
}

pub fn state(conn: &mut DbConn, id: i64, version: Option<i64>) -> Result<MinutesState, AppError> {
    Ok(state_of(&row(conn, id, version)?))
}

/// Saves the documents submitted and the debates of the latest draft.
pub fn edit(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
    input: &MinutesInput,
) -> Result<MinutesState, AppError> {
    write_transaction(conn, |conn| {
        assemblies::find(conn, id)?;
        let current = draft(conn, id)?;
        let mut debates: BTreeMap<String, String> = stored(&current.debates);
        if let Some(given) = &input.debates {
            let known: Vec<String> = Resolution::of_assembly(conn, id)?
                .iter()
                .map(|r| r.id.to_string())
                .collect();
            for (key, text) in given {
                if !known.contains(key) {
                    return Err(AppError::rule(
                        "unknown_resolution",
                        format!("Resolution {key} is not one of this assembly's."),
                    ));
                }
                if text.trim().is_empty() {
                    debates.remove(key);
                } else {
                    debates.insert(key.clone(), text.trim().to_string());
                }
            }
        }
        let documents = input
            .documents
            .as_deref()
            .map(|d| d.trim().to_string())
            .unwrap_or(current.documents.clone());
        MinutesRow::save_draft(
            conn,
            id,
            current.version,
            &documents,
            &json!(debates).to_string(),
            &current.signatures,
        )?;
        audit::record(
            conn,
            account_id,
            "minutes",
            Some(id),
            "edited",
            &json!({"version": current.version}),
            now(),
        )?;
        state(conn, id, Some(current.version))
    })
}

/// Records a signature by `account` as chair, secretary or scrutineer.
/// Once the chair and the secretary have signed, the version is frozen.
pub fn sign(
    conn: &mut DbConn,
    templates: &Templates,
    account: &Account,
    id: i64,
    role: &str,
) -> Result<MinutesState, AppError> {
    if !["chair", "secretary", "scrutineer"].contains(&role) {
        return Err(AppError::bad_request(
            "`as` must be chair, secretary or scrutineer.",
        ));
    }
    write_transaction(conn, |conn| {
        let a = assemblies::find(conn, id)?;
        if a.status != "closed" {
            return Err(AppError::conflict(
                "assembly_not_closed",
                "The minutes are signed once the assembly is closed.",
            ));
        }
        let current = draft(conn, id)?;
        let mut signatures: Vec<Signature> = stored(&current.signatures);
        let twice = signatures
            .iter()
            .any(|s| s.as_ == role && (role != "scrutineer" || s.account_id == account.id));
        if twice {
            return Err(AppError::conflict(
                "already_signed",
                format!("The minutes are already signed as {role}."),
            ));
        }
        let at = now();
        signatures.push(Signature {
            as_: role.into(),
            role_fr: facts::role_fr(role).into(),
            account_id: account.id,
            email: account.email.clone(),
            at: rfc3339(at),
        });
        let signatures_json = json!(signatures).to_string();
        MinutesRow::save_draft(
            conn,
            id,
            current.version,
            &current.documents,
            &current.debates,
            &signatures_json,
        )?;
        audit::record(
            conn,
            Some(account.id),
            "minutes",
            Some(id),
            "signed",
            &json!({"version": current.version, "as": role}),
            at,
        )?;
        let signed = |r: &str| signatures.iter().any(|s| s.as_ == r);
        if signed("chair") && signed("secretary") {
            let mut w = written(&current);
            w.signatures = signatures.clone();
            let model = facts::gather(conn, id, &w)?;
            let content = render_facts(templates, &model, Format::Markdown, None, Language::Fr)?;
            let content = String::from_utf8(content).map_err(|e| AppError::internal(e.into()))?;
            let digest = hex::encode(Sha256::digest(content.as_bytes()));
            let model_json =
                serde_json::to_string(&model).map_err(|e| AppError::internal(e.into()))?;
            MinutesRow::freeze(
                conn,
                id,
                current.version,
                &content,
                &digest,
                &model_json,
                at,
            )?;
            audit::record(
                conn,
                Some(account.id),
                "minutes",
                Some(id),
                "frozen",
                &json!({"version": current.version, "digest": digest}),
                at,
            )?;
        }
        state(conn, id, Some(current.version))
    })
}

/// A correction: a new draft version, linked to the signed one it corrects,
/// starting from its texts.
pub fn correct(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
) -> Result<MinutesState, AppError> {
    write_transaction(conn, |conn| {
        assemblies::find(conn, id)?;
        let latest = match MinutesRow::latest(conn, id)? {
            Some(r) if r.status == "signed" => r,
            _ => {
                return Err(AppError::conflict(
                    "minutes_not_signed",
                    "Only signed minutes are corrected: edit the draft instead.",
                ));
            }
        };
        let next = MinutesRow {
            version: latest.version + 1,
            documents: latest.documents.clone(),
            debates: latest.debates.clone(),
            ..blank(id)
        };
        MinutesRow::insert(conn, &next)?;
        audit::record(
            conn,
            account_id,
            "minutes",
            Some(id),
            "correction",
            &json!({"version": next.version, "corrects": latest.version}),
            now(),
        )?;
        state(conn, id, Some(next.version))
    })
}

fn render_facts(
    templates: &Templates,
    model: &Minutes,
    format: Format,
    digest: Option<&str>,
    lang: Language,
) -> Result<Vec<u8>, AppError> {
    let ctx = facts_context(model, digest)?;
    render_document(templates, &lang.template("pv", format), ctx, format, lang)
}

/// A template over its facts: typst for PDF, minijinja for the rest.
fn render_document(
    templates: &Templates,
    name: &str,
    mut ctx: Value,
    format: Format,
    lang: Language,
) -> Result<Vec<u8>, AppError> {
    if format == Format::Pdf {
        typeset::with_dates(&mut ctx, lang == Language::Fr);
        return typeset::pdf(templates, name, &ctx).map_err(template_error);
    }
    let text = templates.render(name, &ctx).map_err(template_error)?;
    Ok(text.into_bytes())
}

/// The line under a signed Markdown text: its SHA-256, which anyone can
/// check over everything above the `---`.
pub fn digest_footer(digest: &str) -> String {
    format!(
        "\n---\n\nEmpreinte SHA-256 du procès-verbal signé (texte au-dessus du trait) : `{digest}`\n"
    )
}

/// The minutes in French in a format: a signed version from what was
/// frozen, a draft from the current facts.
pub fn render(
    conn: &mut DbConn,
    templates: &Templates,
    id: i64,
    format: Format,
    version: Option<i64>,
) -> Result<Document, AppError> {
    render_in(conn, templates, id, format, version, Language::Fr)
}

/// The minutes in a language. The English of a signed version is a
/// translation of the same facts, printed with the digest of the signed
/// French text.
pub fn render_in(
    conn: &mut DbConn,
    templates: &Templates,
    id: i64,
    format: Format,
    version: Option<i64>,
    lang: Language,
) -> Result<Document, AppError> {
    prepare_in(conn, id, format, version, lang)?.render(templates)
}

/// A document whose facts are gathered but not yet rendered: callers drop
/// the database connection before rendering, since typesetting a large PDF
/// takes seconds.
#[derive(Debug)]
pub struct Pending {
    /// The template and its context; none when the text is already final
    /// (the frozen Markdown of signed minutes).
    template: Option<(String, Value)>,
    ready: Vec<u8>,
    format: Format,
    lang: Language,
    filename: String,
}

impl Pending {
    fn with_facts(
        name: String,
        ctx: Value,
        format: Format,
        lang: Language,
        filename: String,
    ) -> Self {
        Pending {
            template: Some((name, ctx)),
            ready: Vec::new(),
            format,
            lang,
            filename,
        }
    }

    /// Renders the document through its template (typst for PDF).
    pub fn render(self, templates: &Templates) -> Result<Document, AppError> {
        let body = match self.template {
            Some((name, ctx)) => render_document(templates, &name, ctx, self.format, self.lang)?,
            None => self.ready,
        };
        Ok(Document {
            body,
            format: self.format,
            filename: self.filename,
        })
    }
}

fn facts_context(model: &Minutes, digest: Option<&str>) -> Result<Value, AppError> {
    let mut ctx = serde_json::to_value(model).map_err(|e| AppError::internal(e.into()))?;
    ctx["digest"] = json!(digest);
    Ok(ctx)
}

/// The facts of [`render_in`], read from the database, to render later.
pub fn prepare_in(
    conn: &mut DbConn,
    id: i64,
    format: Format,
    version: Option<i64>,
    lang: Language,
) -> Result<Pending, AppError> {
    let r = row(conn, id, version)?;
    let filename = format!(
        "pv-ag-{id}-v{}{}.{}",
        r.version,
        lang.suffix(),
        format.extension()
    );
    let name = lang.template("pv", format);
    if lang == Language::En {
        let model = facts::gather_in(conn, id, &written(&r), lang)?;
        let digest = r.digest.as_deref().filter(|_| r.status == "signed");
        let ctx = facts_context(&model, digest)?;
        return Ok(Pending::with_facts(name, ctx, format, lang, filename));
    }
    let frozen = (r.status == "signed")
        .then(|| Some((r.content.clone()?, r.digest.clone()?, r.model.clone()?)))
        .flatten();
    let ctx = match frozen {
        Some((content, digest, _)) if format == Format::Markdown => {
            return Ok(Pending {
                template: None,
                ready: (content + &digest_footer(&digest)).into_bytes(),
                format,
                lang,
                filename,
            });
        }
        Some((_, digest, model)) => {
            let model: Minutes = serde_json::from_str(&model)
                .map_err(|e| AppError::internal(anyhow::anyhow!("stored minutes: {e}")))?;
            facts_context(&model, Some(&digest))?
        }
        None => facts_context(&facts::gather(conn, id, &written(&r))?, None)?,
    };
    Ok(Pending::with_facts(name, ctx, format, lang, filename))
}

/// The attendance sheet in French.
pub fn attendance_sheet(
    conn: &mut DbConn,
    templates: &Templates,
    id: i64,
    format: Format,
) -> Result<Document, AppError> {
    attendance_sheet_in(conn, templates, id, format, Language::Fr)
}

/// The attendance sheet in a language, in any format.
pub fn attendance_sheet_in(
    conn: &mut DbConn,
    templates: &Templates,
    id: i64,
    format: Format,
    lang: Language,
) -> Result<Document, AppError> {
    prepare_sheet_in(conn, id, format, lang)?.render(templates)
}

/// The facts of [`attendance_sheet_in`], read from the database, to render later.
pub fn prepare_sheet_in(
    conn: &mut DbConn,
    id: i64,
    format: Format,
    lang: Language,
) -> Result<Pending, AppError> {
    let model = facts::gather_in(conn, id, &Written::default(), lang)?;
    let sheet = sheet::gather(conn, id, &model)?;
    let name = lang.template("attendance", format);
    let ctx: Value = serde_json::to_value(&sheet).map_err(|e| AppError::internal(e.into()))?;
    let filename = format!("presence-ag-{id}{}.{}", lang.suffix(), format.extension());
    Ok(Pending::with_facts(name, ctx, format, lang, filename))
}
