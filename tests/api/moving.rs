//! Moving a cooperative to another database (issue 7, item 7): `scrutin
//! export` from a cooperative built through the API, `scrutin import-archive`
//! into an empty database, every table compared, and a server on the new
//! database that states the same results, minutes and chains.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use scrutin::db::DbUrl;
use scrutin::services::moving;
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, error_code, fresh_postgres, replay_published,
    spawn_app, spawn_app_on,
};
use crate::helpers::{Vote, admit_many, in_a_month};
use crate::minutes::run_assembly;

both_backends!(refusals_leave_the_target_unchanged);

fn url_of(db: &DbUrl) -> String {
    match db {
        DbUrl::Sqlite(url) | DbUrl::Postgres(url) => url.clone(),
    }
}

/// The real binary on `db`, from an empty working folder.
fn scrutin(db: &DbUrl, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("folder");
    Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .args(args)
        .current_dir(dir.path())
        .env("DATABASE_URL", url_of(db))
        .env("RUST_LOG", "warn")
        .env_remove("SCRUTIN_SECRET_KEY")
        .output()
        .expect("run scrutin")
}

fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Refused with one line on standard error that mentions `hint`.
fn refused(out: &Output, hint: &str) {
    assert!(!out.status.success(), "must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(hint), "`{hint}` in: {err}");
    assert!(err.contains("nothing imported"), "{err}");
}

/// The archive of `db` (written with `-o`), as bytes and as JSON.
fn export(db: &DbUrl, dir: &Path, name: &str) -> (Vec<u8>, Value) {
    let path = dir.join(name);
    succeeded(&scrutin(
        db,
        &["export", "-o", path.to_str().expect("a UTF-8 path")],
    ));
    let bytes = std::fs::read(&path).expect("the archive");
    let doc = serde_json::from_slice(&bytes).expect("the archive is JSON");
    (bytes, doc)
}

fn import(db: &DbUrl, file: &Path) -> Output {
    scrutin(
        db,
        &["import-archive", file.to_str().expect("a UTF-8 path")],
    )
}

/// Two archives hold the same rows: every table, row by row (the instant of
/// the export aside).
fn assert_same_rows(a: &Value, b: &Value) {
    for key in ["format", "version", "schema_migration", "excluded"] {
        assert_eq!(a[key], b[key], "{key}");
    }
    for table in moving::tables::ARCHIVED {
        let (ra, rb) = (&a["tables"][table], &b["tables"][table]);
        let (ra, rb) = (ra.as_array().expect("rows"), rb.as_array().expect("rows"));
        assert_eq!(ra.len(), rb.len(), "{table}: number of rows");
        for (x, y) in ra.iter().zip(rb) {
            assert_eq!(x, y, "{table}: a row differs");
        }
    }
    let mut a = a.clone();
    let mut b = b.clone();
    a["exported_at"] = Value::Null;
    b["exported_at"] = Value::Null;
    assert_eq!(a, b);
}

/// What the cooperative states through the API, to compare after the move.
struct Facts {
    resolutions: Vec<i64>,
    assembly: i64,
    paths: Vec<String>,
    views: Vec<(String, Value)>,
    minutes_v1: String,
    digest: String,
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get_api(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.expect("JSON")
}

async fn send(app: &TestApp, token: &str, method: &str, path: &str, body: Value) -> Value {
    let req = match method {
        "PUT" => app.client.put(app.url(path)),
        _ => app.client.post(app.url(path)),
    };
    let res = req
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert!(
        status == 200 || status == 201,
        "{method} {path}: {status} {body}"
    );
    body
}

/// A cooperative with a past: three colleges, 27 voters and two more, share
/// movements of every kind, a departure, an assembly held (attendance, a
/// proxy, three resolutions voted and closed), its minutes signed then
/// corrected, and a second assembly convened for later.
async fn build_cooperative(app: &TestApp) -> Facts {
    let vote = Vote::new(app, &["50", "30", "20"], "combined", 1).await;
    let token = vote.token.clone();
    send(
        app,
        &token,
        "PUT",
        "/api/v1/cooperative",
        json!({"name": "SCIC « Les Tilleuls » — déménagement", "rules": {"proxies_per_holder": 3}}),
    )
    .await;
    let resolutions = run_assembly(&vote).await;
    let base = format!("/api/v1/assemblies/{}", vote.assembly);
    send(
        app,
        &token,
        "PUT",
        &format!("{base}/minutes"),
        json!({"documents": "Rapport de gestion", "debates": {resolutions[0].to_string(): "Questions sur les charges.\nRéponse de la trésorière."}}),
    )
    .await;
    send(app, &token, "POST", &format!("{base}/close"), json!({})).await;
    for role in ["chair", "scrutineer", "secretary"] {
        send(
            app,
            &token,
            "POST",
            &format!("{base}/minutes/sign"),
            json!({"as": role}),
        )
        .await;
    }
    let minutes_v1 = app
        .get_api(&format!("{base}/minutes?format=md&version=1"), Some(&token))
        .await
        .text()
        .await
        .expect("the signed minutes");
    send(
        app,
        &token,
        "POST",
        &format!("{base}/minutes/corrections"),
        json!({}),
    )
    .await;
    let state = get_json(app, &token, &format!("{base}/minutes/state?version=1")).await;
    let digest = state["digest"].as_str().unwrap_or("").to_string();

    // The ledger: subscriptions, a payment, a transfer, a departure and the
    // redemption of its shares.
    let members = admit_many(app, &token, vote.colleges[1], 3, "Sociétaire").await;
    let shares = |id: i64, body: Value| {
        let path = format!("/api/v1/associates/{id}/shares");
        let token = token.as_str();
        async move { send(app, token, "POST", &path, body).await }
    };
    // Enough capital above the SA's legal minimum for a redemption.
    for (id, n) in members.iter().zip([100, 100, 10]) {
        shares(
            *id,
            json!({"movement": "subscription", "shares": n, "on": "2025-02-01"}),
        )
        .await;
    }
    shares(
        members[0],
        json!({"movement": "payment", "amount_cents": 60_000, "on": "2025-02-02"}),
    )
    .await;
    shares(
        members[0],
        json!({"movement": "transfer", "shares": 4, "on": "2025-02-04", "to_associate_id": members[1]}),
    )
    .await;
    send(
        app,
        &vote.token,
        "POST",
        &format!("/api/v1/associates/{}/withdraw", members[2]),
        json!({"on": "2025-06-30", "reason": "withdrawal"}),
    )
    .await;
    shares(
        members[2],
        json!({"movement": "redemption", "shares": 10, "on": "2025-07-01"}),
    )
    .await;

    // The next assembly, convened (convocations and their voting links).
    let next = send(app, &vote.token, "POST", "/api/v1/assemblies", json!({"title": "AGE 2026", "kind": "extraordinary", "starts_at": in_a_month(), "place": "Villeurbanne", "call": 1})).await;
    let next = next["id"].as_i64().expect("id");
    send(
        app,
        &vote.token,
        "POST",
        &format!("/api/v1/assemblies/{next}/resolutions"),
        json!({"title": "Transfert du siège", "text": "Le siège est transféré.", "majority": "extraordinary", "secret": true}),
    )
    .await;
    send(
        app,
        &vote.token,
        "POST",
        &format!("/api/v1/assemblies/{next}/convene"),
        json!({}),
    )
    .await;
    // The convocations sent and recorded: the archive is then stable.
    app.mail_settled().await;

    let mut paths = vec![
        "/api/v1/cooperative".into(),
        "/api/v1/colleges".into(),
        "/api/v1/associates".into(),
        "/api/v1/capital?on=2025-12-31".into(),
        "/api/v1/assemblies".into(),
        format!("{base}/attendance"),
        format!("{base}/minutes/state?version=1"),
        format!("/api/v1/associates/{}/shares", members[0]),
        format!("/api/v1/associates/{}/shares", members[1]),
    ];
    for r in &resolutions {
        paths.push(format!("/api/v1/resolutions/{r}/result"));
        paths.push(format!("/api/v1/resolutions/{r}/receipts"));
    }
    let mut facts = Facts {
        resolutions,
        assembly: vote.assembly,
        paths,
        views: Vec::new(),
        minutes_v1,
        digest,
    };
    facts.look(app, &vote.token).await;
    // The administrator enrols a second factor, which moves with the account.
    let res = app
        .page_login(&app.client, ADMIN_EMAIL, ADMIN_PASSWORD, "/dashboard")
        .await;
    assert_eq!(res.status(), 303, "the administrator enrols");
    facts
}

async fn admin_login(app: &TestApp) -> String {
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
            None,
        )
        .await;
    assert_eq!(
        error_code(res, 401).await,
        "second_factor_required",
        "the administrator's second factor moved"
    );
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &app.api_login_body(ADMIN_EMAIL, ADMIN_PASSWORD),
            None,
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "the administrator's password and second factor moved"
    );
    let login: Value = res.json().await.expect("JSON");
    login["token"].as_str().expect("token").to_string()
}

impl Facts {
    /// What the API answers now, to compare after the next move.
    async fn look(&mut self, app: &TestApp, token: &str) {
        self.views.clear();
        for path in &self.paths {
            let view = get_json(app, token, path).await;
            self.views.push((path.clone(), view));
        }
    }

    /// The moved cooperative says the same through the API, its chains
    /// replay, and new rows get fresh ids (the sequences moved on).
    async fn check(&self, app: &TestApp, tag: &str) {
        let token = &admin_login(app).await;
        for (path, before) in &self.views {
            assert_eq!(&get_json(app, token, path).await, before, "{path}");
        }
        for r in &self.resolutions {
            let published =
                get_json(app, token, &format!("/api/v1/resolutions/{r}/receipts")).await;
            assert_eq!(published["chain_head"], replay_published(*r, &published));
        }
        let base = format!("/api/v1/assemblies/{}", self.assembly);
        let md = app
            .get_api(&format!("{base}/minutes?format=md&version=1"), Some(token))
            .await
            .text()
            .await
            .expect("minutes");
        assert_eq!(md, self.minutes_v1, "the signed minutes");
        assert_eq!(self.digest.len(), 64);
        assert!(md.contains(&self.digest), "the digest is printed");

        let max_id = |v: &Value, list: &str| {
            v[list]
                .as_array()
                .expect("list")
                .iter()
                .filter_map(|x| x["id"].as_i64())
                .max()
                .unwrap_or(0)
        };
        let before = get_json(app, token, "/api/v1/associates").await;
        let college = get_json(app, token, "/api/v1/colleges").await["colleges"][0]["id"]
            .as_i64()
            .expect("a college");
        let admitted = admit_many(app, token, college, 1, tag).await[0];
        assert_eq!(admitted, max_id(&before, "associates") + 1);
        send(
            app,
            token,
            "POST",
            &format!("/api/v1/associates/{admitted}/shares"),
            json!({"movement": "subscription", "shares": 1, "on": "2026-01-05"}),
        )
        .await;
        let assemblies = get_json(app, token, "/api/v1/assemblies").await;
        let created = send(app, token, "POST", "/api/v1/assemblies", json!({"title": "AGO", "kind": "ordinary", "starts_at": in_a_month(), "place": "Lyon", "call": 1})).await;
        assert_eq!(created["id"], max_id(&assemblies, "assemblies") + 1);
    }
}

/// Exports `source`, imports into the empty `target`, compares every table
/// and starts a server on the target.
async fn move_to(
    source: &DbUrl,
    target: DbUrl,
    guard: Option<crate::helpers::PostgresDatabase>,
    dir: &Path,
) -> TestApp {
    let started = Instant::now();
    let (bytes, before) = export(source, dir, "before.json");
    let rows = |table: &str| before["tables"][table].as_array().map_or(0, Vec::len);
    assert_eq!(
        rows("second_factors"),
        1,
        "the administrator's second factor"
    );
    assert!(rows("recovery_codes") >= 9, "its recovery codes");
    assert!(before["tables"].get("pending_logins").is_none());
    let exported = started.elapsed();
    let started = Instant::now();
    succeeded(&import(&target, &dir.join("before.json")));
    eprintln!(
        "{} → {}: archive of {} bytes, export {exported:?}, import {:?}",
        source.backend_name(),
        target.backend_name(),
        bytes.len(),
        started.elapsed()
    );
    let (_, after) = export(&target, dir, "after.json");
    assert_same_rows(&before, &after);
    // Who cast each ballot moves with its participation.
    let participations = after["tables"]["participations"].as_array().expect("rows");
    assert!(!participations.is_empty());
    for p in participations {
        assert!(p["cast_via"].is_string(), "cast_via moved: {p}");
        assert!(p.get("cast_by").is_some(), "cast_by moved: {p}");
    }
    assert!(participations.iter().any(|p| p["cast_by"].is_i64()));
    spawn_app_on(target, guard).await
}

/// Every table of the schema is archived or deliberately left out.
fn every_table_is_accounted_for(db: &DbUrl) {
    let mut conn = db.connect().expect("connection");
    let mut known: Vec<&str> = moving::tables::ARCHIVED.to_vec();
    known.extend(moving::EXCLUDED);
    known.sort();
    let names = moving::table_names(&mut conn).expect("catalog");
    assert_eq!(names, known);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cooperative_moves_from_sqlite_to_sqlite() {
    let source = spawn_app(Backend::Sqlite).await.expect("SQLite");
    let facts = build_cooperative(&source).await;
    every_table_is_accounted_for(&source.db_url);
    let dir = tempfile::tempdir().expect("folder");
    let target = DbUrl::Sqlite(dir.path().join("moved.db").display().to_string());
    let moved = move_to(&source.db_url, target, None, dir.path()).await;
    facts.check(&moved, "Nouvelle").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cooperative_moves_from_sqlite_to_postgresql_and_back() {
    let Some((url, guard)) = fresh_postgres() else {
        eprintln!("skipped: SCRUTIN_TEST_POSTGRES_URL is unset");
        return;
    };
    let source = spawn_app(Backend::Sqlite).await.expect("SQLite");
    let mut facts = build_cooperative(&source).await;
    let dir = tempfile::tempdir().expect("folder");
    let on_postgres = move_to(
        &source.db_url,
        DbUrl::Postgres(url),
        Some(guard),
        dir.path(),
    )
    .await;
    every_table_is_accounted_for(&on_postgres.db_url);
    facts.check(&on_postgres, "Arrivée").await;

    // And back, with the rows added on PostgreSQL.
    facts
        .look(&on_postgres, &admin_login(&on_postgres).await)
        .await;
    let back = DbUrl::Sqlite(dir.path().join("back.db").display().to_string());
    let on_sqlite = move_to(&on_postgres.db_url, back, None, dir.path()).await;
    facts.check(&on_sqlite, "Retour").await;
}

/// Writes `doc` (changed by `edit`) next to the good archive.
fn edited(
    dir: &Path,
    name: &str,
    doc: &Value,
    edit: impl FnOnce(&mut Value),
) -> std::path::PathBuf {
    let mut doc = doc.clone();
    edit(&mut doc);
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(&doc).expect("JSON")).expect("write");
    path
}

/// Refused: a non-empty database, another format, a newer version, another
/// schema, a truncated file, a row with a column missing, a row the database
/// refuses after other tables were inserted. Each time: a non-zero exit,
/// one line, and the target as it was; then the good archive imports.
async fn refusals_leave_the_target_unchanged(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    vote.resolution("ordinary", json!({})).await;
    admit_many(&app, &vote.token, vote.colleges[0], 3, "R").await;
    vote.convene().await;
    app.mail_settled().await;
    let dir = tempfile::tempdir().expect("folder");
    let (bytes, doc) = export(&app.db_url, dir.path(), "good.json");

    // Into a database that holds a cooperative: refused, nothing changed.
    refused(
        &import(&app.db_url, &dir.path().join("good.json")),
        "not empty",
    );
    let (_, again) = export(&app.db_url, dir.path(), "again.json");
    assert_same_rows(&doc, &again);

    let (target, _guard) = match app.backend() {
        Backend::Sqlite => (
            DbUrl::Sqlite(dir.path().join("empty.db").display().to_string()),
            None,
        ),
        Backend::Postgres => {
            let (url, guard) = fresh_postgres().expect("PostgreSQL");
            (DbUrl::Postgres(url), Some(guard))
        }
    };
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    refused(&import(&target, &truncated), "not a readable JSON archive");
    let cases = [
        (
            edited(dir.path(), "format.json", &doc, |d| {
                d["format"] = json!("other")
            }),
            "not a scrutin archive",
        ),
        (
            edited(dir.path(), "version.json", &doc, |d| {
                d["version"] = json!(2)
            }),
            "archive version 2 is newer",
        ),
        (
            edited(dir.path(), "schema.json", &doc, |d| {
                d["schema_migration"] = json!("99991231000000")
            }),
            "newer than this scrutin's",
        ),
        (
            edited(dir.path(), "column.json", &doc, |d| {
                if let Some(row) = d["tables"]["associates"][1].as_object_mut() {
                    row.remove("status_on");
                }
            }),
            "table associates, row 2: column status_on is missing",
        ),
        (
            edited(dir.path(), "type.json", &doc, |d| {
                d["tables"]["colleges"][0]["retired"] = json!("no")
            }),
            "table colleges, row 1",
        ),
        (
            // The last table fails after every other one was inserted.
            edited(dir.path(), "duplicate.json", &doc, |d| {
                let rows = d["tables"]["voting_tokens"].as_array_mut().expect("rows");
                let first = rows[0].clone();
                rows.push(first);
            }),
            "table voting_tokens: the database refused a row",
        ),
    ];
    for (file, hint) in &cases {
        refused(&import(&target, file), hint);
        let mut conn = target.connect().expect("connection");
        assert_eq!(
            moving::non_empty_tables(&mut conn).expect("catalog"),
            Vec::<String>::new(),
            "{hint}: the target is still empty"
        );
    }
    assert!(
        !doc["tables"]["voting_tokens"]
            .as_array()
            .expect("rows")
            .is_empty(),
        "the convocation issued voting links"
    );
    succeeded(&import(&target, &dir.path().join("good.json")));
    let (_, moved) = export(&target, dir.path(), "moved.json");
    assert_same_rows(&doc, &moved);
}
