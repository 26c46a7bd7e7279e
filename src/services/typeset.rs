//! PDF documents through typst, used as a library.
//!
//! A document is a typst source from `templates/` (`minutes/pv.typ`,
//! overridable like the other templates) that reads its facts with
//! `json("facts.json")`: user text reaches typst as data, never as markup,
//! so nothing needs escaping. Fonts are typst's own, embedded in the binary
//! (`typst-assets`), so a PDF looks the same on every machine.

use std::sync::LazyLock;

use serde_json::Value;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::templates::{self, TemplateError, Templates};

/// The standard library and the embedded fonts, loaded once per process.
static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

fn file_id(path: &str) -> FileId {
    // Constant paths: interned once, the same id for every document.
    let vpath = VirtualPath::new(path).expect("a constant virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

static MAIN: LazyLock<FileId> = LazyLock::new(|| file_id("/main.typ"));
static FACTS: LazyLock<FileId> = LazyLock::new(|| file_id("/facts.json"));

/// One compilation: the template's source and the facts, nothing else
/// (no file system, no packages, no clock).
struct Document {
    main: Source,
    facts: Bytes,
}

impl World for Document {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        *MAIN
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *FACTS {
            Ok(self.facts.clone())
        } else if id == *MAIN {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

/// Keys of the facts that hold a date or an instant: the template gets them
/// written out in words too (`starts_at_date`: `12 mars 2026`,
/// `starts_at_time`: `14 h 30`), with the same filters as the other formats.
const INSTANTS: &[&str] = &[
    "starts_at",
    "convened_at",
    "opened_at",
    "closed_at",
    "at",
    "signed_at",
    "on",
    "admitted_on",
    "status_on",
    "printed_on",
];

/// Adds `<key>_date` and `<key>_time` next to every instant of [`INSTANTS`].
pub fn with_dates(value: &mut Value, french: bool) {
    match value {
        Value::Object(map) => {
            let mut added = Vec::new();
            for (key, v) in map.iter_mut() {
                if let (true, Value::String(text)) = (INSTANTS.contains(&key.as_str()), &*v) {
                    let (date, time) = match french {
                        true => (
                            templates::date_fr(text.clone()),
                            templates::time_fr(text.clone()),
                        ),
                        false => (
                            templates::date_en(text.clone()),
                            templates::time_en(text.clone()),
                        ),
                    };
                    // A date alone has no time: only `<key>_date` then.
                    if let Ok(date) = date {
                        added.push((format!("{key}_date"), date));
                    }
                    if let Ok(time) = time {
                        added.push((format!("{key}_time"), time));
                    }
                } else {
                    with_dates(v, french);
                }
            }
            for (key, text) in added {
                map.insert(key, Value::String(text));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| with_dates(v, french)),
        _ => {}
    }
}

/// Compiles the typst template `name` over `facts` into a PDF. A template
/// that does not compile is reported with its line and typst's message.
pub fn pdf(templates: &Templates, name: &str, facts: &Value) -> Result<Vec<u8>, TemplateError> {
    let source = templates.typst_source(name)?;
    let failed = |line: Option<usize>, message: String| TemplateError {
        template: name.to_string(),
        override_path: templates.override_path(name).map(Into::into),
        line,
        message,
    };
    let facts = serde_json::to_vec(facts).map_err(|e| failed(None, e.to_string()))?;
    let world = Document {
        main: Source::new(*MAIN, source.to_string()),
        facts: Bytes::new(facts),
    };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    let written = compiled.and_then(|doc| typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()));
    // Keep typst's memoization cache from growing with every document.
    typst::comemo::evict(4);
    written.map_err(|errors| {
        let first = errors.first();
        let line = first.and_then(|e| line_of(&world, e));
        let message = errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ");
        failed(line, message)
    })
}

/// The first syntax error of a typst source, with its 1-based line, if it
/// has one: lets a broken override be reported at start-up, before any
/// document is asked for.
pub fn syntax_error(text: &str) -> Option<(Option<usize>, String)> {
    let source = Source::new(*MAIN, text.to_string());
    let (errors, _) = source.root().errors_and_warnings();
    let first = errors.first()?;
    let range = match first.span.get() {
        DiagSpanKind::Number { num, sub_range, .. } => source.range(num, sub_range),
        DiagSpanKind::Range { range, .. } => Some(range),
        DiagSpanKind::Detached => None,
    };
    let line = range
        .and_then(|r| source.lines().byte_to_line(r.start))
        .map(|line| line + 1);
    Some((line, first.message.to_string()))
}

/// The 1-based line of the template an error points at, if it points there.
fn line_of(world: &Document, error: &SourceDiagnostic) -> Option<usize> {
    if error.span.id() != Some(*MAIN) {
        return None;
    }
    let range = world.range(error.span)?;
    world
        .main
        .lines()
        .byte_to_line(range.start)
        .map(|line| line + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_is_found_with_its_line() {
        assert_eq!(syntax_error("= Titre\n\n#let f = 1\n"), None);
        let (line, message) = syntax_error("= Titre\n#if [\n").expect("an error");
        assert_eq!(line, Some(2), "{message}");
    }

    #[test]
    fn french_dates_are_written_out_next_to_the_instants() {
        let mut facts = serde_json::json!({
            "assembly": {"starts_at": "2026-03-12T14:30:00+01:00", "title": "2026-03-12"},
            "lines": [{"on": "2026-05-01"}],
        });
        with_dates(&mut facts, true);
        assert_eq!(facts["assembly"]["starts_at_date"], "12 mars 2026");
        assert_eq!(facts["assembly"]["starts_at_time"], "14 h 30");
        assert!(
            facts["assembly"].get("title_date").is_none(),
            "only instants"
        );
        assert_eq!(facts["lines"][0]["on_date"], "1er mai 2026");
        assert!(
            facts["lines"][0].get("on_time").is_none(),
            "a date has no time"
        );
    }
}
