//! The CSV of associates (CONTRACT.md, "Associates and shares"): import
//! (`scrutin import associates FILE`, the import page) and export.
//!
//! Files come from French spreadsheets, so the reader is forgiving about
//! form (UTF-8 with or without BOM, or Windows-1252; `;` or `,`; ISO or
//! French dates; codes or French names for kind and category) and strict
//! about content: all or nothing, and every bad line is reported as
//! `line N: reason`, N being the line of the file (the header is line 1).
//! Nothing here touches the database: [`parse`] returns rows the caller
//! writes in one transaction.

use crate::domain::register::{AssociateKind, Category};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt;

/// The columns, in the order [`write`] writes them.
pub const COLUMNS: [&str; 8] = [
    "name",
    "email",
    "kind",
    "representative",
    "category",
    "college",
    "admitted_on",
    "shares",
];

/// Columns a file must have; `representative` and `shares` may be left out.
pub const REQUIRED: [&str; 6] = [
    "name",
    "email",
    "kind",
    "category",
    "college",
    "admitted_on",
];

/// One associate read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociateRow {
    /// Line of the file where the associate's record starts.
    pub line: usize,
    pub name: String,
    pub email: String,
    pub kind: AssociateKind,
    pub representative: Option<String>,
    pub category: Category,
    pub college_id: i64,
    pub admitted_on: NaiveDate,
    /// An initial subscription of this many shares, fully paid.
    pub shares: Option<i64>,
}

/// One associate to write; `college` is the college's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub name: String,
    pub email: String,
    pub kind: AssociateKind,
    pub representative: Option<String>,
    pub category: Category,
    pub college: String,
    pub admitted_on: NaiveDate,
    pub shares: Option<i64>,
}

/// A bad line: every problem of the line, in one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for LineError {}

fn error_at(line: usize, reason: impl Into<String>) -> Vec<LineError> {
    vec![LineError {
        line,
        reason: reason.into(),
    }]
}

/// The text of the file: UTF-8 (a BOM is dropped), or else Windows-1252,
/// which is what French spreadsheets save as "CSV". Windows-1252 decodes
/// every byte, so this never fails.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// `;` or `,`, whichever the header line has more of outside quotes (`;`
/// on a tie with at least one: French spreadsheets use it because `,` is
/// their decimal separator).
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let (mut semicolons, mut commas, mut quoted) = (0usize, 0usize, false);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semicolons += 1,
            ',' if !quoted => commas += 1,
            _ => {}
        }
    }
    if semicolons > 0 && semicolons >= commas {
        b';'
    } else {
        b','
    }
}

/// A date as `YYYY-MM-DD` or `DD/MM/YYYY`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map_err(|_| format!("date invalide « {text} » : attendu AAAA-MM-JJ ou JJ/MM/AAAA"))
}

/// A plausible e-mail address: something@domain.tld, no spaces. The real
/// test is the mail that gets there.
fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

/// The line (1-based) where the record at byte `start` begins. The csv
/// reader's own line count is off with `\r\n` line ends, and its byte
/// position points before the blank lines it skips: both are stepped over
/// here, then the line feeds before the record are counted.
fn line_at(text: &str, start: u64) -> usize {
    let bytes = text.as_bytes();
    let mut at = usize::try_from(start)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    bytes[..at].iter().filter(|&&byte| byte == b'\n').count() + 1
}

/// Where each column is, from the header; an error for line 1 otherwise.
fn header_columns(header: &csv::StringRecord) -> Result<BTreeMap<&'static str, usize>, String> {
    let mut found: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for (index, raw) in header.iter().enumerate() {
        let name = raw.trim().to_lowercase();
        match COLUMNS.iter().find(|column| **column == name) {
            Some(column) => {
                if found.insert(column, index).is_some() {
                    problems.push(format!("colonne « {column} » en double"));
                }
            }
            None if name.is_empty() => problems.push(format!("colonne n° {} sans nom", index + 1)),
            None => problems.push(format!("colonne inconnue « {} »", raw.trim())),
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|column| !found.contains_key(column))
        .collect();
    if !missing.is_empty() {
        problems.push(format!("colonnes manquantes : {}", missing.join(", ")));
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(format!(
            "{} (colonnes attendues : {})",
            problems.join(" ; "),
            COLUMNS.join(", ")
        ))
    }
}

/// Reads the CSV of associates. `colleges` are the cooperative's colleges,
/// `(id, name)`; a line names its college by name (case and surrounding
/// spaces ignored). All or nothing: either every line is good, or every bad
/// line is reported.
pub fn parse(
    bytes: &[u8],
    colleges: &[(i64, String)],
) -> Result<Vec<AssociateRow>, Vec<LineError>> {
    let text = decode(bytes);
    if text.trim().is_empty() {
        return Err(error_at(
            1,
            format!(
                "fichier vide : attendu une ligne d'en-tête ({}) puis un associé par ligne",
                COLUMNS.join(", ")
            ),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => return Err(error_at(1, format!("en-tête illisible : {error}"))),
        None => return Err(error_at(1, "fichier vide")),
    };
    let columns = header_columns(&header).map_err(|reason| error_at(1, reason))?;
    let college_ids: BTreeMap<String, i64> = colleges
        .iter()
        .map(|(id, name)| (name.trim().to_lowercase(), *id))
        .collect();

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut emails: BTreeMap<String, usize> = BTreeMap::new();
    let mut last_line = 1;
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error
                    .position()
                    .map_or(last_line + 1, |position| line_at(&text, position.byte()));
                errors.push(LineError {
                    line,
                    reason: format!("ligne illisible : {error}"),
                });
                continue;
            }
        };
        let line = record
            .position()
            .map_or(last_line + 1, |position| line_at(&text, position.byte()));
        last_line = line;
        // Spreadsheets leave rows of empty cells at the end: not associates.
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        match parse_row(&record, line, &columns, &college_ids, colleges) {
            Ok(row) => {
                let key = row.email.to_lowercase();
                if let Some(first) = emails.get(&key) {
                    errors.push(LineError {
                        line,
                        reason: format!("l'adresse {} figure déjà ligne {first}", row.email),
                    });
                } else {
                    emails.insert(key, line);
                    rows.push(row);
                }
            }
            Err(reasons) => {
                // Even a bad line reserves its address, so that a later
                // duplicate is reported too.
                if let Some(&index) = columns.get("email") {
                    let email = record.get(index).unwrap_or_default().trim().to_lowercase();
                    if !email.is_empty() {
                        emails.entry(email).or_insert(line);
                    }
                }
                errors.push(LineError {
                    line,
                    reason: reasons.join(" ; "),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rows.is_empty() {
        return Err(error_at(
            1,
            "aucun associé : le fichier n'a que la ligne d'en-tête",
        ));
    }
    Ok(rows)
}

/// One line into an associate, or every problem of the line.
fn parse_row(
    record: &csv::StringRecord,
    line: usize,
    columns: &BTreeMap<&'static str, usize>,
    college_ids: &BTreeMap<String, i64>,
    colleges: &[(i64, String)],
) -> Result<AssociateRow, Vec<String>> {
    let mut problems = Vec::new();
    if record.len() > columns.len() {
        problems.push(format!(
            "{} champs pour {} colonnes",
            record.len(),
            columns.len()
        ));
    }
    // The `'` the export puts before a formula character comes off
    // (`super::formula_safe`): export then import gives the same names.
    let field = |name: &str| -> &str {
        super::without_formula_guard(
            columns
                .get(name)
                .and_then(|&index| record.get(index))
                .unwrap_or_default()
                .trim(),
        )
        .trim()
    };

    let name = field("name");
    if name.is_empty() {
        problems.push("nom manquant".to_owned());
    }
    let email = field("email");
    if email.is_empty() {
        problems.push("adresse e-mail manquante".to_owned());
    } else if !valid_email(email) {
        problems.push(format!("adresse e-mail invalide « {email} »"));
    }
    let kind = AssociateKind::parse_lenient(field("kind"))
        .map_err(|error| problems.push(error))
        .ok();
    let representative = Some(field("representative")).filter(|text| !text.is_empty());
    if kind == Some(AssociateKind::Entity) && representative.is_none() {
        problems.push("une personne morale (entity) doit avoir un représentant".to_owned());
    }
    let category = Category::parse_lenient(field("category"))
        .map_err(|error| problems.push(error))
        .ok();
    let college = field("college");
    let college_id = college_ids.get(&college.to_lowercase()).copied();
    if college_id.is_none() {
        let known: Vec<&str> = colleges.iter().map(|(_, name)| name.trim()).collect();
        problems.push(if college.is_empty() {
            "collège manquant".to_owned()
        } else if known.is_empty() {
            format!("collège inconnu « {college} » : aucun collège n'est configuré")
        } else {
            format!(
                "collège inconnu « {college} » : attendu l'un de {}",
                known.join(", ")
            )
        });
    }
    let admitted_on = parse_date(field("admitted_on"))
        .map_err(|error| problems.push(error))
        .ok();
    let shares_text = field("shares");
    let shares = if shares_text.is_empty() {
        None
    } else {
        match shares_text.parse::<i64>() {
            Ok(count) if count > 0 => Some(count),
            _ => {
                problems.push(format!(
                    "nombre de parts invalide « {shares_text} » : attendu un entier positif, ou rien"
                ));
                None
            }
        }
    };

    match (kind, category, college_id, admitted_on) {
        (Some(kind), Some(category), Some(college_id), Some(admitted_on))
            if problems.is_empty() =>
        {
            Ok(AssociateRow {
                line,
                name: name.to_owned(),
                email: email.to_owned(),
                kind,
                representative: representative.map(str::to_owned),
                category,
                college_id,
                admitted_on,
                shares,
            })
        }
        _ => Err(problems),
    }
}

/// A field as CSV: quoted when it holds a separator, a quote, a line break
/// or spaces at its ends (which a reader would trim), quotes doubled.
fn quote(field: &str) -> String {
    let needs_quotes = field.contains([',', ';', '"', '\n', '\r'])
        || field.starts_with(' ')
        || field.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// The CSV of associates: UTF-8 without BOM, `,` separated, a header line
/// with [`COLUMNS`], codes for kind and category, ISO dates, `\r\n` line ends
/// (RFC 4180), a cell that a spreadsheet would run as a formula prefixed
/// with `'` (`super::formula_safe`). [`parse`] reads it back. (A download for spreadsheets may
/// prepend a BOM, which `parse` accepts.)
pub fn write(rows: &[ExportRow]) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for row in rows {
        let admitted_on = row.admitted_on.format("%Y-%m-%d").to_string();
        let shares = row
            .shares
            .map(|count| count.to_string())
            .unwrap_or_default();
        let fields = [
            row.name.as_str(),
            row.email.as_str(),
            row.kind.code(),
            row.representative.as_deref().unwrap_or_default(),
            row.category.code(),
            row.college.as_str(),
            admitted_on.as_str(),
            shares.as_str(),
        ];
        let line: Vec<String> = fields
            .iter()
            .map(|field| quote(&super::formula_safe(field)))
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colleges() -> Vec<(i64, String)> {
        vec![
            (1, "Salariés".to_owned()),
            (2, "Usagers".to_owned()),
            (3, "Partenaires".to_owned()),
        ]
    }

    fn day(text: &str) -> NaiveDate {
        parse_date(text).expect("test date")
    }

    fn lines(result: Result<Vec<AssociateRow>, Vec<LineError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(LineError::to_string)
            .collect()
    }

    const GOOD: &str = "name,email,kind,representative,category,college,admitted_on,shares\n\
        Alice Martin,alice@example.org,person,,employee,Salariés,2024-01-15,3\n\
        Mairie de Trifouilly,mairie@trifouilly.fr,entity,Jean Dupont,local_authority,Partenaires,2024-02-01,\n";

    #[test]
    fn reads_a_good_file() {
        let rows = parse(GOOD.as_bytes(), &colleges()).unwrap();
        assert_eq!(
            rows[0],
            AssociateRow {
                line: 2,
                name: "Alice Martin".to_owned(),
                email: "alice@example.org".to_owned(),
                kind: AssociateKind::Person,
                representative: None,
                category: Category::Employee,
                college_id: 1,
                admitted_on: day("2024-01-15"),
                shares: Some(3),
            }
        );
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].kind, AssociateKind::Entity);
        assert_eq!(rows[1].representative.as_deref(), Some("Jean Dupont"));
        assert_eq!(rows[1].category, Category::LocalAuthority);
        assert_eq!(rows[1].college_id, 3);
        assert_eq!(rows[1].shares, None);
    }

    #[test]
    fn every_bad_line_is_reported() {
        let file = "name,email,kind,category,college,admitted_on\n\
            Alice,alice@example.org,person,employee,Salariés,2024-01-15\n\
            Bob,pas-une-adresse,person,employee,Salariés,2024-01-15\n\
            Carole,carole@example.org,person,beneficiary,Usagers,2024-01-15\n\
            ,dan@example.org,robot,mairie,Inconnu,2024-13-01\n";
        assert_eq!(
            lines(parse(file.as_bytes(), &colleges())),
            [
                "line 3: adresse e-mail invalide « pas-une-adresse »",
                "line 5: nom manquant ; type d'associé inconnu « robot » : attendu person ou \
                 entity ; catégorie inconnue « mairie » : attendu l'un de employee, beneficiary, \
                 producer, volunteer, local_authority, public_body, other ; collège inconnu \
                 « Inconnu » : attendu l'un de Salariés, Usagers, Partenaires ; date invalide \
                 « 2024-13-01 » : attendu AAAA-MM-JJ ou JJ/MM/AAAA"
            ]
        );
    }

    #[test]
    fn windows_1252_from_a_french_spreadsheet() {
        let file = "name;email;kind;representative;category;college;admitted_on;shares\r\n\
            Hélène Lefèvre;helene@example.org;personne physique;;Salariés;salariés;15/01/2024;2\r\n\
            Société coopérative Œuvre;oeuvre@example.org;personne morale;Zoé Brûlé;Producteurs;\
            Partenaires;01/02/2024;10\r\n";
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(file);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        let rows = parse(&bytes, &colleges()).unwrap();
        assert_eq!(rows[0].name, "Hélène Lefèvre");
        assert_eq!(rows[0].kind, AssociateKind::Person);
        assert_eq!(rows[0].category, Category::Employee);
        assert_eq!(rows[0].college_id, 1);
        assert_eq!(rows[0].admitted_on, day("2024-01-15"));
        assert_eq!(rows[1].name, "Société coopérative Œuvre");
        assert_eq!(rows[1].representative.as_deref(), Some("Zoé Brûlé"));
        assert_eq!(rows[1].kind, AssociateKind::Entity);
        assert_eq!(rows[1].category, Category::Producer);
        assert_eq!(rows[1].shares, Some(10));
    }

    #[test]
    fn utf8_with_bom_and_semicolons() {
        let file = "\u{feff}Name ; EMAIL ;kind;category;college;admitted_on\n\
            Zoé;zoe@example.org;person;volunteer; usagers ;2024-03-01\n";
        let rows = parse(file.as_bytes(), &colleges()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "Zoé");
        assert_eq!(rows[0].college_id, 2);
        assert_eq!(rows[0].category, Category::Volunteer);
    }

    #[test]
    fn french_dates() {
        assert_eq!(parse_date("01/02/2024"), Ok(day("2024-02-01")));
        assert_eq!(parse_date(" 2024-02-01 "), Ok(day("2024-02-01")));
        assert!(parse_date("31/02/2024").is_err());
        assert!(parse_date("2024/02/01").is_err());
    }

    #[test]
    fn header_problems_are_reported_on_line_1() {
        let missing = "name,email,kind,college\nA,a@example.org,person,Usagers\n";
        assert_eq!(
            lines(parse(missing.as_bytes(), &colleges())),
            [
                "line 1: colonnes manquantes : category, admitted_on (colonnes attendues : name, \
              email, kind, representative, category, college, admitted_on, shares)"
            ]
        );
        let unknown = "name,email,kind,category,college,admitted_on,telephone\n";
        assert!(
            lines(parse(unknown.as_bytes(), &colleges()))[0]
                .starts_with("line 1: colonne inconnue « telephone »")
        );
    }

    #[test]
    fn empty_files_are_refused_clearly() {
        assert!(lines(parse(b"", &colleges()))[0].starts_with("line 1: fichier vide"));
        assert!(
            lines(parse(b"\xEF\xBB\xBF\n", &colleges()))[0].starts_with("line 1: fichier vide")
        );
        let header_only = "name,email,kind,category,college,admitted_on\r\n,,,,,\r\n\r\n";
        assert_eq!(
            lines(parse(header_only.as_bytes(), &colleges())),
            ["line 1: aucun associé : le fichier n'a que la ligne d'en-tête"]
        );
    }

    #[test]
    fn duplicates_entities_and_shares() {
        let file = "name,email,kind,representative,category,college,admitted_on,shares\n\
            A,a@example.org,person,,employee,Salariés,2024-01-15,\n\
            B,A@Example.org,person,,employee,Salariés,2024-01-15,\n\
            C,c@example.org,entity,,other,Partenaires,2024-01-15,0\n\
            D,d@example.org,person,,other,Partenaires,2024-01-15,-2\n\
            E,e@example.org,person,,other,Partenaires,2024-01-15,1.5\n";
        assert_eq!(
            lines(parse(file.as_bytes(), &colleges())),
            [
                "line 3: l'adresse A@Example.org figure déjà ligne 2",
                "line 4: une personne morale (entity) doit avoir un représentant ; nombre de \
                 parts invalide « 0 » : attendu un entier positif, ou rien",
                "line 5: nombre de parts invalide « -2 » : attendu un entier positif, ou rien",
                "line 6: nombre de parts invalide « 1.5 » : attendu un entier positif, ou rien",
            ]
        );
    }

    #[test]
    fn line_numbers_count_crlf_and_blank_lines() {
        let file = "name;email;kind;category;college;admitted_on\r\n\r\n\
            A;a@example.org;person;employee;Salariés;2024-01-15\r\n\r\n\r\n\
            B;b@example;person;employee;Salariés;2024-01-15\r\n";
        assert_eq!(
            lines(parse(file.as_bytes(), &colleges())),
            ["line 6: adresse e-mail invalide « b@example »"]
        );
    }

    #[test]
    fn line_numbers_follow_the_file_across_quoted_line_breaks() {
        let file = "name,email,kind,representative,category,college,admitted_on\n\
            \"Association\nsur deux lignes\",asso@example.org,entity,Paul,other,Partenaires,2024-01-15\n\
            Bob,bob@,person,,employee,Salariés,2024-01-15\n";
        assert_eq!(
            lines(parse(file.as_bytes(), &colleges())),
            ["line 4: adresse e-mail invalide « bob@ »"]
        );
    }

    #[test]
    fn export_then_import_round_trips() {
        let rows = vec![
            ExportRow {
                name: "Dupont, \"Jo\" & fils".to_owned(),
                email: "jo@example.org".to_owned(),
                kind: AssociateKind::Entity,
                representative: Some("Hélène Lefèvre".to_owned()),
                category: Category::PublicBody,
                college: "Partenaires".to_owned(),
                admitted_on: day("2023-12-31"),
                shares: Some(12),
            },
            ExportRow {
                name: "=HYPERLINK(\"http://evil.example\",\"clic\")".to_owned(),
                email: "formule@example.org".to_owned(),
                kind: AssociateKind::Entity,
                representative: Some("-2+3".to_owned()),
                category: Category::Other,
                college: "Salariés".to_owned(),
                admitted_on: day("2024-01-02"),
                shares: Some(1),
            },
            ExportRow {
                name: "Œuvre; à la ligne\nsuite".to_owned(),
                email: "oeuvre@example.org".to_owned(),
                kind: AssociateKind::Person,
                representative: None,
                category: Category::Beneficiary,
                college: "Usagers".to_owned(),
                admitted_on: day("2024-01-01"),
                shares: None,
            },
        ];
        let text = write(&rows);
        assert!(text.starts_with(
            "name,email,kind,representative,category,college,admitted_on,shares\r\n\
             \"Dupont, \"\"Jo\"\" & fils\",jo@example.org,entity,Hélène Lefèvre,public_body,\
             Partenaires,2023-12-31,12\r\n"
        ));
        assert!(
            text.contains(
                "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"clic\"\")\",formule@example.org,\
                 entity,'-2+3,other,Salariés,2024-01-02,1\r\n"
            ),
            "{text}"
        );
        let back = parse(text.as_bytes(), &colleges()).unwrap();
        let again: Vec<ExportRow> = back
            .iter()
            .map(|row| ExportRow {
                name: row.name.clone(),
                email: row.email.clone(),
                kind: row.kind,
                representative: row.representative.clone(),
                category: row.category,
                college: colleges()
                    .iter()
                    .find(|(id, _)| *id == row.college_id)
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default(),
                admitted_on: row.admitted_on,
                shares: row.shares,
            })
            .collect();
        assert_eq!(again, rows);
        assert_eq!(back[2].line, 4);
    }
}
