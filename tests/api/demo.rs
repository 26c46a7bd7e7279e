//! `scrutin demo` (issue 6 point 6): fills an empty database with the
//! reference cooperative, prints the logins, and refuses a second time.

use std::process::{Command, Output};

use scrutin::db::models::associate::Associate;
use scrutin::db::{Db, DbUrl};

const BIN: &str = env!("CARGO_BIN_EXE_scrutin");

fn demo(db: &std::path::Path) -> Output {
    Command::new(BIN)
        .arg("demo")
        .env("DATABASE_URL", db)
        .env("SCRUTIN_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

#[test]
fn demo_fills_an_empty_database_once_and_prints_the_logins() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("demo.db");
    let out = demo(&file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for role in ["admin", "secretary", "associate"] {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(role))
            .unwrap_or_else(|| panic!("a {role} login in: {stdout}"));
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields.len(), 3, "role, e-mail, password: {line}");
        assert!(fields[1].contains('@') && fields[2].len() >= 12, "{line}");
    }
    assert!(stdout.contains("58 associés"), "{stdout}");

    // What is in the database, read back through the models.
    let db = Db::open(&DbUrl::Sqlite(file.display().to_string())).expect("open");
    let mut conn = db.get().expect("connection");
    let associates = Associate::list(&mut conn, &Default::default()).expect("list");
    assert_eq!(associates.len(), 58);
    for category in [
        "employee",
        "beneficiary",
        "volunteer",
        "producer",
        "local_authority",
        "public_body",
        "other",
    ] {
        assert!(
            associates.iter().any(|a| a.category == category),
            "{category}"
        );
    }
    assert!(
        associates
            .iter()
            .any(|a| a.kind == "entity" && a.representative.is_some())
    );
    // One person, one e-mail, one college: no name or address twice.
    let mut names: Vec<&str> = associates.iter().map(|a| a.name.as_str()).collect();
    let mut emails: Vec<&str> = associates.iter().map(|a| a.email.as_str()).collect();
    names.sort();
    names.dedup();
    emails.sort();
    emails.dedup();
    assert_eq!((names.len(), emails.len()), (58, 58));
    let colleges = scrutin::services::cooperative::colleges(&mut conn).expect("colleges");
    let names: Vec<&str> = colleges.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Salariés",
            "Usagers",
            "Club Cigales",
            "Autonomie & Solidarité",
            "Collectivités territoriales"
        ]
    );
    let all = scrutin::db::models::assembly::Assembly::all(&mut conn).expect("assemblies");
    let statuses: Vec<&str> = all.iter().map(|a| a.status.as_str()).collect();
    assert!(
        statuses.contains(&"closed") && statuses.contains(&"draft"),
        "{statuses:?}"
    );
    let past = all
        .iter()
        .find(|a| a.status == "closed")
        .expect("the past one");
    let results = scrutin::db::models::resolution::Resolution::of_assembly(&mut conn, past.id)
        .expect("resolutions");
    assert!(!results.is_empty());
    assert!(
        results
            .iter()
            .all(|r| r.status == "closed" && r.result.is_some())
    );
    // Its dates are those of a real meeting: convened with the notice,
    // opened and closed on its day, each vote within the session.
    let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 14).expect("date");
    let convened = past.convened_at.expect("convened");
    let (opened, closed) = (
        past.opened_at.expect("opened"),
        past.closed_at.expect("closed"),
    );
    assert!(!past.notice_overridden);
    assert!(past.starts_at - convened >= chrono::Duration::days(15));
    assert!(past.created_at <= convened);
    assert!(opened.date() == day && closed.date() == day && opened < closed);
    assert!(closed - opened >= chrono::Duration::minutes(30));
    for r in &results {
        let (o, c) = (r.opened_at.expect("opened"), r.closed_at.expect("closed"));
        assert!(opened < o && o < c && c < closed, "{o} {c}");
    }
    drop(conn);
    let minutes = dir.path().join("pv.md");
    let out = Command::new(BIN)
        .args(["minutes", &past.id.to_string(), "--format", "md", "-o"])
        .arg(&minutes)
        .env("DATABASE_URL", &file)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&minutes).expect("minutes");
    assert!(text.contains("14 juin 2025"), "{text}");
    assert!(
        !text.contains("n'a pas été respecté"),
        "no notice override in the demo's minutes: {text}"
    );

    // A second run refuses, in one line, and changes nothing.
    let again = demo(&file);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("already holds associates"), "{err}");
    let mut conn = db.get().expect("connection");
    assert_eq!(
        Associate::list(&mut conn, &Default::default())
            .expect("list")
            .len(),
        58
    );
}
