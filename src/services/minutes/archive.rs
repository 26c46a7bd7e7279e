//! The full archive of an assembly as one ZIP: the minutes (Markdown, HTML,
//! Flat ODT, PDF), the attendance sheet (Markdown, HTML, Flat ODT, PDF), each resolution's
//! result (JSON, and CSV once closed), the published receipts of each
//! closed resolution, and the head of each resolution's receipt chain.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::db::DbConn;
use crate::db::models::resolution::Resolution;
use crate::error::AppError;
use crate::export::result_csv;
use crate::services::minutes::{self, Format};
use crate::services::{assemblies, voting};
use crate::templates::Templates;

/// A ZIP, ready to be sent or written to a file.
#[derive(Debug)]
pub struct Archive {
    pub bytes: Vec<u8>,
    pub filename: String,
}

fn json_text(value: &serde_json::Value) -> Result<String, AppError> {
    serde_json::to_string_pretty(value).map_err(|e| AppError::internal(e.into()))
}

/// The files of the archive: (name, content).
pub fn files(
    conn: &mut DbConn,
    templates: &Templates,
    id: i64,
) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    assemblies::find(conn, id)?;
    let mut out = Vec::new();
    let formats = [Format::Markdown, Format::Html, Format::Odt, Format::Pdf];
    for format in formats {
        let doc = minutes::render(conn, templates, id, format, None)?;
        out.push((doc.filename, doc.body));
    }
    for format in formats {
        let doc = minutes::attendance_sheet(conn, templates, id, format)?;
        out.push((doc.filename, doc.body));
    }
    let mut heads =
        format!("# Têtes des chaînes de reçus de l'assemblée {id} / receipt chain heads\n");
    for r in Resolution::of_assembly(conn, id)? {
        let stem = format!("resolutions/resolution-{:02}", r.number);
        let result = voting::result(conn, r.id)?;
        if let Some(csv) = result_csv::write(&result) {
            out.push((format!("{stem}-result.csv"), csv.into_bytes()));
        }
        out.push((
            format!("{stem}-result.json"),
            json_text(&result)?.into_bytes(),
        ));
        if r.status == "closed" {
            let receipts = voting::receipts(conn, r.id)?;
            out.push((
                format!("{stem}-receipts.json"),
                json_text(&receipts)?.into_bytes(),
            ));
        }
        // A secret resolution's chain exists once it is closed.
        let head = voting::published_head(&r).unwrap_or("-");
        heads.push_str(&format!(
            "resolution {} (id {}, {}): {head}\n",
            r.number, r.id, r.status
        ));
    }
    out.push(("chain-heads.txt".into(), heads.into_bytes()));
    Ok(out)
}

/// The files, deflated into one ZIP.
pub fn zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, AppError> {
    let failed = |e: zip::result::ZipError| AppError::internal(e.into());
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in files {
        writer.start_file(name.as_str(), options).map_err(failed)?;
        writer
            .write_all(content)
            .map_err(|e| AppError::internal(e.into()))?;
    }
    Ok(writer.finish().map_err(failed)?.into_inner())
}

/// The archive of an assembly.
pub fn build(conn: &mut DbConn, templates: &Templates, id: i64) -> Result<Archive, AppError> {
    let files = files(conn, templates, id)?;
    Ok(Archive {
        bytes: zip(&files)?,
        filename: format!("archive-ag-{id}.zip"),
    })
}
