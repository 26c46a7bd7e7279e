//! Minutes, attendance sheet and result exports (issue 5), through the API
//! after a real assembly: every format states the same facts, signing
//! freezes the minutes, templates can be overridden.

use std::collections::HashMap;

use chrono::Datelike;
use scrutin::db::DbUrl;
use scrutin::services::minutes::{self, Format};
use scrutin::templates::Templates;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, error_code};
use crate::helpers::{Vote, admit_many, in_a_month};

both_backends!(
    every_format_states_the_same_facts,
    attendance_sheet_and_result_csv,
    signing_freezes_the_minutes_and_a_correction_is_a_new_version,
    a_template_override_changes_the_wording_and_a_broken_one_is_reported,
    the_cli_writes_the_minutes,
    the_archive_holds_every_document_of_the_assembly,
    english_minutes_and_attendance_sheet,
);

/// A choice for the voter `i` (0-based, across colleges) of college `c`.
type Choose = fn(usize, usize) -> &'static str;

/// The assembly of the tests: colleges 50/30/20 with 10, 10 and 5 voters
/// present, one more associate of the last college represented by the first
/// voter, one absent; a weighted ordinary resolution (59 %, adopted), an
/// unweighted extraordinary one (18 for, 8 against: 69,23 %, adopted) and a
/// weighted ordinary one (29 %, rejected). Returns the resolutions' ids.
pub async fn run_assembly(vote: &Vote<'_>) -> Vec<i64> {
    let r1 = vote
        .resolution(
            "ordinary",
            json!({"title": "Approbation des comptes", "text": "L'assemblée approuve les comptes.\nElle donne quitus.", "weighted": true}),
        )
        .await;
    let r2 = vote
        .resolution(
            "extraordinary",
            json!({"title": "Modification des statuts", "text": "L'article 12 est modifié.", "weighted": false}),
        )
        .await;
    let r3 = vote
        .resolution(
            "ordinary",
            json!({"title": "Affectation du résultat", "text": "Le résultat est affecté aux réserves.", "weighted": true}),
        )
        .await;
    let sizes = [10, 10, 5];
    let mut voters: Vec<(i64, usize, usize)> = Vec::new();
    let mut i = 0;
    for (c, n) in sizes.iter().enumerate() {
        for id in admit_many(
            vote.app,
            &vote.token,
            vote.colleges[c],
            *n,
            &format!("Votant{c}-"),
        )
        .await
        {
            voters.push((id, c, i));
            i += 1;
        }
    }
    let extra = admit_many(vote.app, &vote.token, vote.colleges[2], 2, "Autre").await;
    vote.convene().await;
    for (id, _, _) in &voters {
        assert_eq!(vote.attend(*id, "present", None).await.status(), 200);
    }
    let holder = voters[0].0;
    assert_eq!(
        vote.attend(extra[0], "represented", Some(holder))
            .await
            .status(),
        200
    );
    assert_eq!(vote.attend(extra[1], "absent", None).await.status(), 200);
    let bureau = json!({"chair": "Alice Martin", "secretary": "Bruno Petit", "scrutineers": ["Chloé Durand"]});
    let res = vote
        .app
        .client
        .put(
            vote.app
                .url(&format!("/api/v1/assemblies/{}/bureau", vote.assembly)),
        )
        .bearer_auth(&vote.token)
        .json(&bureau)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    vote.open().await;
    let ids: Vec<i64> = voters.iter().map(|v| v.0).collect();
    let cards: HashMap<i64, String> = vote.cards(&ids).await;
    let plan: [(i64, Choose, &str); 3] = [
        (
            r1,
            |c, i| match (c, i) {
                (0, i) if i < 6 => "for",
                (1, i) if i < 13 => "for",
                (2, _) => "for",
                _ => "against",
            },
            "for",
        ),
        (r2, |_, i| if i < 18 { "for" } else { "against" }, "against"),
        (
            r3,
            |c, i| match (c, i) {
                (0, i) if i < 4 => "for",
                (1, i) if i < 13 => "for",
                _ => "against",
            },
            "against",
        ),
    ];
    for (r, choose, proxy_choice) in plan {
        let open = vote
            .post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
            .await;
        assert_eq!(open.status(), 200);
        for (id, c, i) in &voters {
            let res = vote.ballot(r, &cards[id], choose(*c, *i), None).await;
            assert_eq!(res.status(), 201);
        }
        let res = vote
            .ballot(r, &cards[&holder], proxy_choice, Some(extra[0]))
            .await;
        assert_eq!(res.status(), 201);
        vote.close(r).await;
    }
    vec![r1, r2, r3]
}

async fn close_assembly(vote: &Vote<'_>) {
    let res = vote
        .post(
            &format!("/api/v1/assemblies/{}/close", vote.assembly),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
}

async fn put_minutes(vote: &Vote<'_>, body: Value) -> reqwest::Response {
    vote.app
        .client
        .put(
            vote.app
                .url(&format!("/api/v1/assemblies/{}/minutes", vote.assembly)),
        )
        .bearer_auth(&vote.token)
        .json(&body)
        .send()
        .await
        .expect("request")
}

async fn get_text(vote: &Vote<'_>, path: &str) -> (u16, String) {
    let res = vote.app.get_api(path, Some(&vote.token)).await;
    let status = res.status().as_u16();
    (status, res.text().await.expect("text"))
}

/// The text of an HTML or XML document: tags removed, entities decoded.
fn text_of(markup: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in markup.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let entities = [
        ("&#x27;", "'"),
        ("&#39;", "'"),
        ("&#x2f;", "/"),
        ("&quot;", "\""),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
    ];
    let mut text = out;
    for (entity, c) in entities {
        text = text.replace(entity, c);
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of each page of a PDF, as poppler's `pdftotext` reads it,
/// whitespace collapsed.
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    assert!(pdf.starts_with(b"%PDF-"), "a PDF document");
    let dir = tempfile::tempdir().expect("folder");
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    text.split('\u{c}')
        .map(|page| page.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|page| !page.is_empty())
        .collect()
}

/// The text of a PDF, all pages.
pub fn pdf_text(pdf: &[u8]) -> String {
    pdf_pages(pdf).join(" ")
}

/// A document in a format, as the text to search: markup removed, PDF read.
async fn document_text(vote: &Vote<'_>, path: &str, format: &str) -> String {
    let res = vote.app.get_api(path, Some(&vote.token)).await;
    assert_eq!(res.status(), 200, "{path}");
    let bytes = res.bytes().await.expect("body").to_vec();
    match format {
        "pdf" => pdf_text(&bytes),
        _ => {
            let body = String::from_utf8(bytes).expect("UTF-8");
            match format {
                "md" => body.split_whitespace().collect::<Vec<_>>().join(" "),
                _ => text_of(&body),
            }
        }
    }
}

/// `12 mars 2026` for the meeting's day (the tests meet at 14:00 +01:00).
fn meeting_day_fr() -> String {
    const MOIS: [&str; 12] = [
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
    let when = chrono::DateTime::parse_from_rfc3339(&in_a_month()).expect("instant");
    let day = match when.day() {
        1 => "1er".to_string(),
        d => d.to_string(),
    };
    format!("{day} {} {}", MOIS[when.month0() as usize], when.year())
}

async fn every_format_states_the_same_facts(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "combined", 1).await;
    let ids = run_assembly(&vote).await;
    let debates = json!({ids[0].to_string(): "M. Durand demande le détail des charges.\nLa trésorière répond."});
    let res = put_minutes(
        &vote,
        json!({"documents": "Rapport de gestion ; comptes annuels", "debates": debates}),
    )
    .await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    close_assembly(&vote).await;
    let facts = [
        "Procès-verbal de l'assemblée générale mixte".to_string(),
        meeting_day_fr(),
        "Lyon".into(),
        "sur première convocation".into(),
        "Président de séance : Alice Martin".into(),
        "Secrétaire de séance : Bruno Petit".into(),
        "Chloé Durand".into(),
        "27 associé(s) inscrit(s)".into(),
        "26 associé(s) ont pris part".into(),
        "25 présent(s)".into(),
        "1 représenté(s)".into(),
        "Rapport de gestion ; comptes annuels".into(),
        "M. Durand demande le détail des charges.".into(),
        "Elle donne quitus.".into(),
        "Résolution n° 1 adoptée à 59,00 %".into(),
        "Résolution n° 2 adoptée à 69,23 %".into(),
        "Résolution n° 3 rejetée à 29,00 %".into(),
        "Pour : 18 ; contre : 8 ; abstentions : 0 ; voix exprimées : 26.".into(),
        "option R".into(),
        "strictement supérieure à 50,00 %".into(),
        "au moins égale à 66,67 %".into(),
        // The extraordinary vote's own quorum (1/4) differs from the assembly's (1/5).
        "pour un quorum de 25,00 % (1/4)".into(),
        "Projet de procès-verbal, non signé.".into(),
    ];
    let base = format!("/api/v1/assemblies/{}/minutes", vote.assembly);
    for format in ["html", "md", "odt", "pdf"] {
        let text = document_text(&vote, &format!("{base}?format={format}"), format).await;
        for fact in &facts {
            assert!(
                text.contains(fact.as_str()),
                "{format} lacks `{fact}`:\n{text}"
            );
        }
        // The per-college table of the weighted resolutions.
        for cell in [
            "50,00 %", "30,00 %", "20,00 %", "60,00 %", "40,00 %", "100,00 %",
        ] {
            assert!(text.contains(cell), "{format} lacks `{cell}`");
        }
    }
    let (status, odt) = get_text(&vote, &format!("{base}?format=odt")).await;
    assert_eq!(status, 200);
    assert!(odt.starts_with("<?xml"), "a Flat ODT document");
    assert!(odt.contains("office:mimetype=\"application/vnd.oasis.opendocument.text\""));
    assert!(
        odt.contains("L&#x27;assemblée approuve"),
        "values are XML-escaped"
    );
    let res = app
        .get_api(&format!("{base}?format=pdf"), Some(&vote.token))
        .await;
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .expect("ASCII");
    assert!(
        disposition.starts_with("attachment;") && disposition.contains(".pdf"),
        "{disposition}"
    );
    let res = app
        .get_api(&format!("{base}?format=docx"), Some(&vote.token))
        .await;
    assert_eq!(error_code(res, 400).await, "bad_request");
    let res = app
        .get_api("/api/v1/assemblies/999999/minutes", Some(&vote.token))
        .await;
    assert_eq!(error_code(res, 404).await, "not_found");
    let res = app.get_api(&base, None).await;
    assert_eq!(error_code(res, 401).await, "unauthorized");
}

async fn attendance_sheet_and_result_csv(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "combined", 1).await;
    let ids = run_assembly(&vote).await;
    let sheet = format!("/api/v1/assemblies/{}/attendance-sheet", vote.assembly);
    for format in ["html", "md", "odt", "pdf"] {
        let text = document_text(&vote, &format!("{sheet}?format={format}"), format).await;
        for fact in [
            "Feuille de présence",
            "Votant0- 0",
            "Collège 1",
            "Bénéficiaire",
            "représenté par Votant0- 0",
            "pouvoirs de : Autre 0",
            "Présents : 25",
            "Représentés : 1",
            "Ayant pris part : 26 ; absents : 1",
            "certifiée exacte par le bureau",
            "Alice Martin",
        ] {
            assert!(text.contains(fact), "{format} lacks `{fact}`:\n{text}");
        }
        assert!(
            !text.contains("Autre 1"),
            "the absent associate is not listed"
        );
    }
    let (_, odt) = get_text(&vote, &format!("{sheet}?format=odt")).await;
    assert!(odt.starts_with("<?xml") && odt.contains("<table:table "));

    let (status, csv) =
        get_text(&vote, &format!("/api/v1/resolutions/{}/result.csv", ids[0])).await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "resolution_id,college_id,college,weight_percent,for,against,abstain,votes_cast,for_share,against_share,adopted"
    );
    assert_eq!(lines.len(), 5, "three colleges and the total:\n{csv}");
    assert_eq!(
        lines[1],
        format!(
            "{},{},Collège 1,50.00,6,4,0,10,3/5,2/5,",
            ids[0], vote.colleges[0]
        )
    );
    assert_eq!(
        lines[4],
        format!("{},,total,100.00,15,11,0,26,59/100,41/100,true", ids[0])
    );
}

async fn signing_freezes_the_minutes_and_a_correction_is_a_new_version(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let r = vote.resolution("ordinary", json!({"weighted": true})).await;
    let voters = admit_many(&app, &vote.token, vote.colleges[0], 3, "S").await;
    vote.convene().await;
    for id in &voters {
        assert_eq!(vote.attend(*id, "present", None).await.status(), 200);
    }
    vote.open().await;
    let cards = vote.cards(&voters).await;
    vote.post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
        .await;
    let res = app
        .get_api(
            &format!("/api/v1/resolutions/{r}/result.csv"),
            Some(&vote.token),
        )
        .await;
    assert_eq!(error_code(res, 409).await, "resolution_not_closed");
    for (i, id) in voters.iter().enumerate() {
        let choice = if i < 2 { "for" } else { "against" };
        assert_eq!(vote.ballot(r, &cards[id], choice, None).await.status(), 201);
    }
    vote.close(r).await;
    let sign = format!("/api/v1/assemblies/{}/minutes/sign", vote.assembly);
    let res = vote.post(&sign, json!({"as": "chair"})).await;
    assert_eq!(error_code(res, 409).await, "assembly_not_closed");
    close_assembly(&vote).await;
    let res = vote.post(&sign, json!({"as": "mayor"})).await;
    assert_eq!(error_code(res, 400).await, "bad_request");
    let res = vote.post(&sign, json!({"as": "chair"})).await;
    assert_eq!(res.status(), 200);
    let state: Value = res.json().await.expect("JSON");
    assert_eq!(state["status"], "draft", "the secretary has not signed yet");
    let res = vote.post(&sign, json!({"as": "chair"})).await;
    assert_eq!(error_code(res, 409).await, "already_signed");
    let res = vote.post(&sign, json!({"as": "scrutineer"})).await;
    assert_eq!(res.status(), 200);
    let res = vote.post(&sign, json!({"as": "secretary"})).await;
    assert_eq!(res.status(), 200);
    let state: Value = res.json().await.expect("JSON");
    assert_eq!(state["status"], "signed");
    assert_eq!(state["version"], 1);
    let digest = state["digest"].as_str().expect("a digest").to_string();
    assert_eq!(digest.len(), 64);

    // The Markdown is the signed text, then its SHA-256, which matches.
    let base = format!("/api/v1/assemblies/{}/minutes", vote.assembly);
    let (_, md) = get_text(&vote, &format!("{base}?format=md")).await;
    let marker = "\n---\n\nEmpreinte SHA-256 du procès-verbal signé";
    let (signed, footer) = md.split_once(marker).expect("the digest footer");
    assert_eq!(hex::encode(Sha256::digest(signed.as_bytes())), digest);
    assert!(footer.contains(&digest));
    assert!(signed.contains("Président de séance : signé électroniquement par admin@example.coop"));
    assert!(signed.contains("Résolution n° 1 adoptée à 66,67 %"));
    for format in ["html", "odt"] {
        let (_, body) = get_text(&vote, &format!("{base}?format={format}")).await;
        assert!(body.contains(&digest), "{format} prints the digest");
        assert!(
            !text_of(&body).contains("Projet"),
            "{format}: no longer a draft"
        );
    }
    // The PDF prints the stored digest at the foot of every page.
    let res = app
        .get_api(&format!("{base}?format=pdf"), Some(&vote.token))
        .await;
    let pages = pdf_pages(&res.bytes().await.expect("body"));
    for (n, page) in pages.iter().enumerate() {
        let printed = page
            .split_once("Empreinte SHA-256 du procès-verbal signé : ")
            .and_then(|(_, after)| after.get(..64))
            .unwrap_or_else(|| panic!("page {} lacks the digest: {page}", n + 1));
        assert_eq!(printed, digest, "page {}", n + 1);
    }
    let text = pages.join(" ");
    assert!(text.contains("Résolution n° 1 adoptée à 66,67 %"), "{text}");
    assert!(!text.contains("Projet"), "pdf: no longer a draft");

    // Frozen: no edit, no further signature, through any route.
    let res = put_minutes(&vote, json!({"documents": "Autre chose"})).await;
    assert_eq!(error_code(res, 409).await, "minutes_signed");
    let res = vote.post(&sign, json!({"as": "scrutineer"})).await;
    assert_eq!(error_code(res, 409).await, "minutes_signed");

    // A correction is a new version; the signed one stays as it was.
    let res = vote.post(&format!("{base}/corrections"), json!({})).await;
    assert_eq!(res.status(), 201);
    let state: Value = res.json().await.expect("JSON");
    assert_eq!(
        (state["version"].as_i64(), state["status"].as_str()),
        (Some(2), Some("draft"))
    );
    let res = vote.post(&format!("{base}/corrections"), json!({})).await;
    assert_eq!(error_code(res, 409).await, "minutes_not_signed");
    let res = put_minutes(
        &vote,
        json!({"debates": {r.to_string(): "Précision ajoutée."}}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let (_, v2) = get_text(&vote, &format!("{base}?format=md")).await;
    assert!(v2.contains("rectificative de la version 1"));
    assert!(v2.contains("Précision ajoutée."));
    let (_, v1) = get_text(&vote, &format!("{base}?format=md&version=1")).await;
    assert_eq!(v1, md, "version 1 is unchanged");
    let res = put_minutes(&vote, json!({"debates": {"999999": "x"}})).await;
    assert_eq!(error_code(res, 422).await, "unknown_resolution");

    // Who signed and when is in the audit log.
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let log =
        scrutin::db::models::audit::history(&mut conn, "minutes", vote.assembly).expect("log");
    let signed: Vec<&str> = log
        .iter()
        .filter(|e| e.action == "signed")
        .map(|e| e.details.as_str())
        .collect();
    assert_eq!(signed.len(), 3, "{signed:?}");
    assert!(
        log.iter()
            .any(|e| e.action == "frozen" && e.details.contains(&digest))
    );
}

async fn a_template_override_changes_the_wording_and_a_broken_one_is_reported(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    vote.resolution("ordinary", json!({"weighted": true})).await;
    let dir = tempfile::tempdir().expect("folder");
    std::fs::create_dir_all(dir.path().join("minutes")).expect("folder");
    let path = dir.path().join("minutes/pv.md.j2");
    std::fs::write(
        &path,
        "PV DE LA SCIC {{ cooperative.name | upper }} — {{ assembly.place }}\n",
    )
    .expect("write");
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let templates = Templates::new(Some(dir.path().to_path_buf()));
    let doc = minutes::render(&mut conn, &templates, vote.assembly, Format::Markdown, None)
        .expect("rendered");
    assert_eq!(
        String::from_utf8_lossy(&doc.body),
        "PV DE LA SCIC MA SCIC — Lyon"
    );
    std::fs::write(&path, "ligne 1\n{% if %}\n").expect("write");
    let templates = Templates::new(Some(dir.path().to_path_buf()));
    let e =
        minutes::render(&mut conn, &templates, vote.assembly, Format::Markdown, None).unwrap_err();
    assert_eq!(e.code, "template_error");
    assert!(e.message.contains("minutes/pv.md.j2"), "{}", e.message);
    assert!(e.message.contains("line 2"), "{}", e.message);
    // The other formats keep their defaults.
    minutes::render(&mut conn, &templates, vote.assembly, Format::Html, None)
        .expect("default HTML");

    // The PDF's typst source too: the facts are data, read as JSON.
    let path = dir.path().join("minutes/pv.typ");
    std::fs::write(
        &path,
        "#let f = json(\"facts.json\")\nPV DE LA SCIC #upper(f.cooperative.name) — #f.assembly.place\n",
    )
    .expect("write");
    let templates = Templates::new(Some(dir.path().to_path_buf()));
    let doc =
        minutes::render(&mut conn, &templates, vote.assembly, Format::Pdf, None).expect("rendered");
    assert_eq!(pdf_text(&doc.body), "PV DE LA SCIC MA SCIC — Lyon");
    std::fs::write(
        &path,
        "#let f = json(\"facts.json\")\n\nLieu : #f.assembly.nowhere\n",
    )
    .expect("write");
    let templates = Templates::new(Some(dir.path().to_path_buf()));
    let e = minutes::render(&mut conn, &templates, vote.assembly, Format::Pdf, None).unwrap_err();
    assert_eq!(e.code, "template_error");
    assert!(
        e.message.contains("template minutes/pv.typ"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains(&path.display().to_string()),
        "{}",
        e.message
    );
    assert!(e.message.contains("line 3"), "{}", e.message);
    assert!(
        e.message.contains("nowhere"),
        "typst's message: {}",
        e.message
    );
    std::fs::write(&path, "#let f = json(\"facts.json\")\n#if [\n").expect("write");
    let templates = Templates::new(Some(dir.path().to_path_buf()));
    // A syntax error is seen at start-up already.
    let broken = templates.check_all();
    assert!(
        broken
            .iter()
            .any(|e| e.template == "minutes/pv.typ" && e.line == Some(2)),
        "{broken:?}"
    );
    let e = minutes::render(&mut conn, &templates, vote.assembly, Format::Pdf, None).unwrap_err();
    assert!(
        e.message.contains("line 2"),
        "a syntax error: {}",
        e.message
    );
}

async fn the_cli_writes_the_minutes(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    vote.resolution("ordinary", json!({"title": "Budget prévisionnel"}))
        .await;
    let dir = tempfile::tempdir().expect("folder");
    let url = match &app.db_url {
        DbUrl::Sqlite(path) => path.clone(),
        DbUrl::Postgres(url) => url.clone(),
    };
    let out = dir.path().join("pv.md");
    let run = |args: Vec<String>| {
        std::process::Command::new(env!("CARGO_BIN_EXE_scrutin"))
            .args(args)
            .current_dir(dir.path())
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run scrutin")
    };
    let id = vote.assembly.to_string();
    let done = run(vec![
        "minutes".into(),
        id.clone(),
        "--format".into(),
        "md".into(),
        "-o".into(),
        out.display().to_string(),
    ]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.contains("1. Budget prévisionnel"), "{text}");
    let pdf = dir.path().join("pv.pdf");
    let done = run(vec![
        "minutes".into(),
        id.clone(),
        "--format".into(),
        "pdf".into(),
        "-o".into(),
        pdf.display().to_string(),
    ]);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let text = pdf_text(&std::fs::read(&pdf).expect("written"));
    assert!(text.contains("1. Budget prévisionnel"), "{text}");
    let refused = run(vec![
        "minutes".into(),
        "999999".into(),
        "--format".into(),
        "odt".into(),
    ]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("No such assembly"), "{stderr}");
    let refused = run(vec!["minutes".into(), id, "--format".into(), "docx".into()]);
    assert!(!refused.status.success());
}

/// The text of a file of the ZIP.
fn unzipped(archive: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> String {
    use std::io::Read;
    let mut file = archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name} in the archive: {e}"));
    let mut text = String::new();
    file.read_to_string(&mut text).expect("UTF-8");
    text
}

/// The bytes of a file of the ZIP.
fn unzipped_bytes(archive: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> Vec<u8> {
    use std::io::Read;
    let mut file = archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name} in the archive: {e}"));
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).expect("read");
    bytes
}

async fn the_archive_holds_every_document_of_the_assembly(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "combined", 1).await;
    let ids = run_assembly(&vote).await;
    close_assembly(&vote).await;
    let a = vote.assembly;
    let res = app
        .get_api(
            &format!("/api/v1/assemblies/{a}/archive"),
            Some(&vote.token),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let bytes = res.bytes().await.expect("body").to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut names: Vec<String> = archive
        .file_names()
        .map(|n| n.expect("a name").to_string())
        .collect();
    names.sort();
    let mut expected = vec![
        format!("pv-ag-{a}-v1.md"),
        format!("pv-ag-{a}-v1.html"),
        format!("pv-ag-{a}-v1.fodt"),
        format!("pv-ag-{a}-v1.pdf"),
        format!("presence-ag-{a}.md"),
        format!("presence-ag-{a}.html"),
        format!("presence-ag-{a}.fodt"),
        format!("presence-ag-{a}.pdf"),
        "chain-heads.txt".to_string(),
    ];
    for n in 1..=3 {
        for part in ["result.json", "result.csv", "receipts.json"] {
            expected.push(format!("resolutions/resolution-0{n}-{part}"));
        }
    }
    expected.sort();
    assert_eq!(names, expected);
    for ext in ["md", "html", "fodt", "pdf"] {
        let name = format!("pv-ag-{a}-v1.{ext}");
        let text = match ext {
            "pdf" => pdf_text(&unzipped_bytes(&mut archive, &name)),
            _ => unzipped(&mut archive, &name),
        };
        for verdict in [
            "adoptée à 59,00 %",
            "adoptée à 69,23 %",
            "rejetée à 29,00 %",
        ] {
            assert!(text.contains(verdict), "{name} lacks `{verdict}`");
        }
    }
    let sheet = unzipped(&mut archive, &format!("presence-ag-{a}.md"));
    assert!(sheet.contains("Présents : 25"));
    let sheet = pdf_text(&unzipped_bytes(
        &mut archive,
        &format!("presence-ag-{a}.pdf"),
    ));
    assert!(sheet.contains("Présents : 25"), "{sheet}");
    let heads = unzipped(&mut archive, "chain-heads.txt");
    for (n, id) in ids.iter().enumerate() {
        let (_, body) = get_text(&vote, &format!("/api/v1/resolutions/{id}/result")).await;
        let result: Value = serde_json::from_str(&body).expect("JSON");
        let head = result["chain_head"].as_str().expect("a chain head");
        let line = format!("resolution {} (id {id}, closed): {head}", n + 1);
        assert!(heads.contains(&line), "{heads}");
        let stem = format!("resolutions/resolution-0{}", n + 1);
        let json = unzipped(&mut archive, &format!("{stem}-result.json"));
        assert_eq!(serde_json::from_str::<Value>(&json).expect("JSON"), result);
        let receipts = unzipped(&mut archive, &format!("{stem}-receipts.json"));
        let receipts: Value = serde_json::from_str(&receipts).expect("JSON");
        assert_eq!(receipts["receipts"].as_array().map(Vec::len), Some(26));
        let csv = unzipped(&mut archive, &format!("{stem}-result.csv"));
        assert!(csv.starts_with("resolution_id,"), "{csv}");
    }
    let res = app
        .get_api("/api/v1/assemblies/999999/archive", Some(&vote.token))
        .await;
    assert_eq!(error_code(res, 404).await, "not_found");
}

/// `12 March 2026` for the meeting's day.
fn meeting_day_en() -> String {
    const MONTHS: [&str; 12] = [
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
    let when = chrono::DateTime::parse_from_rfc3339(&in_a_month()).expect("instant");
    format!(
        "{} {} {}",
        when.day(),
        MONTHS[when.month0() as usize],
        when.year()
    )
}

async fn english_minutes_and_attendance_sheet(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "combined", 1).await;
    run_assembly(&vote).await;
    close_assembly(&vote).await;
    let base = format!("/api/v1/assemblies/{}/minutes", vote.assembly);
    let facts = [
        "Minutes of the combined (ordinary and extraordinary) general assembly".to_string(),
        meeting_day_en(),
        "at 14:00".into(),
        "The assembly meets on first call.".into(),
        "Chair: Alice Martin".into(),
        "27 associate(s) on the voter roll".into(),
        "26 associate(s) took part".into(),
        "Resolution no. 1 adopted with 59.00 %".into(),
        "Resolution no. 2 adopted with 69.23 %".into(),
        "Resolution no. 3 rejected with 29.00 %".into(),
        "For: 18; against: 8; abstentions: 0; votes cast: 26.".into(),
        "option R".into(),
        "strictly more than 50.00 %".into(),
        "at least 66.67 %".into(),
        "for a quorum of 25.00 % (1/4)".into(),
        "Draft minutes, not signed.".into(),
    ];
    for format in ["md", "html", "odt", "pdf"] {
        let text = document_text(&vote, &format!("{base}?format={format}&lang=en"), format).await;
        for fact in &facts {
            assert!(
                text.contains(fact.as_str()),
                "{format} lacks `{fact}`:\n{text}"
            );
        }
        for cell in ["50.00 %", "30.00 %", "60.00 %", "100.00 %"] {
            assert!(text.contains(cell), "{format} lacks `{cell}`");
        }
        assert!(!text.contains("59,00"), "{format}: no French number");
    }
    let sheet = format!("/api/v1/assemblies/{}/attendance-sheet", vote.assembly);
    for format in ["md", "html", "odt", "pdf"] {
        let text = document_text(&vote, &format!("{sheet}?format={format}&lang=en"), format).await;
        for fact in [
            "Attendance sheet",
            "Beneficiary",
            "represented by Votant0- 0",
            "proxies of: Autre 0",
            "Present: 25",
            "Represented: 1",
            "Took part: 26; absent: 1",
            "certified accurate by the bureau",
        ] {
            assert!(text.contains(fact), "{format} lacks `{fact}`:\n{text}");
        }
    }
    let res = app
        .get_api(&format!("{base}?format=md&lang=de"), Some(&vote.token))
        .await;
    assert_eq!(error_code(res, 400).await, "bad_request");
    let (_, odt) = get_text(&vote, &format!("{base}?format=odt&lang=en")).await;
    assert!(odt.starts_with("<?xml") && odt.contains("fo:language=\"en\""));
    // The French stays the default.
    let (_, md) = get_text(&vote, &format!("{base}?format=md")).await;
    assert!(md.contains("adoptée à 59,00 %"));
}
