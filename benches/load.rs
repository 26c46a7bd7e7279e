//! The load benchmark of an assembly's vote (issue 7): the real server, N
//! associates with voting links, C concurrent HTTP connections, every one
//! casting a ballot; then the close, checked against the accepted ballots.
//!
//!     cargo bench --bench load -- [--voters 10000] [--concurrency 256]
//!                                 [--database-url postgres://…]
//!     cargo bench --bench load -- --tally-only [--ballots 1000000]
//!     cargo bench --bench load -- --minutes-only [--attendees 10000] [--resolutions 20]
//!
//! Figures are printed, never asserted: timings belong here, not in tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use scrutin::db::{Db, DbConn, DbUrl};
use scrutin::services::minutes::{self, Format};
use scrutin::services::{assemblies, attendance, cooperative, import, voting};
use scrutin::templates::Templates;
use serde_json::{Value, json};

struct Args {
    voters: usize,
    concurrency: usize,
    database_url: Option<String>,
    tally_only: bool,
    ballots: usize,
    minutes_only: bool,
    attendees: usize,
    resolutions: usize,
}

fn args() -> Args {
    let mut a = Args {
        voters: 10_000,
        concurrency: 256,
        database_url: None,
        tally_only: false,
        ballots: 1_000_000,
        minutes_only: false,
        attendees: 10_000,
        resolutions: 20,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_default();
        match flag.as_str() {
            "--voters" => a.voters = value().parse().unwrap_or(a.voters),
            "--concurrency" => a.concurrency = value().parse().unwrap_or(a.concurrency),
            "--database-url" => a.database_url = Some(value()),
            "--tally-only" => a.tally_only = true,
            "--ballots" => a.ballots = value().parse().unwrap_or(a.ballots),
            "--minutes-only" => a.minutes_only = true,
            "--attendees" => a.attendees = value().parse().unwrap_or(a.attendees),
            "--resolutions" => a.resolutions = value().parse().unwrap_or(a.resolutions),
            _ => {} // cargo bench passes `--bench`
        }
    }
    a
}

/// A fresh database: a temporary SQLite file, or a new PostgreSQL database
/// on the given server.
fn fresh_database(dir: &std::path::Path, server: &Option<String>) -> String {
    match server {
        None => dir.join("bench.db").display().to_string(),
        Some(url) => {
            use diesel::Connection;
            let name = format!("scrutin_bench_{}", std::process::id());
            let mut c = diesel::PgConnection::establish(url).expect("PostgreSQL answers");
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            c.batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create the database");
            let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(url);
            format!("{base}/{name}")
        }
    }
}

fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = fresh_database(dir.path(), &args.database_url);
    let db = Db::open(&DbUrl::parse(&url).expect("a database URL")).expect("the database opens");
    println!("backend: {}", db.url().backend_name());
    if args.tally_only {
        tally_only(&db, args.ballots);
    } else if args.minutes_only {
        minutes_only(&db, args.attendees, args.resolutions);
    } else {
        load(&db, &url, dir.path(), &args);
    }
}

/// Admits the voters (CSV import), convenes, marks everyone present and
/// opens one weighted resolution: the voters' tokens and the resolution.
fn prepare(conn: &mut DbConn, voters: usize) -> (Vec<String>, i64, i64) {
    let (tokens, assembly, resolutions) = prepare_with(conn, voters, 1);
    (tokens, assembly, resolutions[0])
}

/// [`prepare`] with several resolutions (the first one opened); weighted
/// ordinary ones, with every third an unweighted extraordinary one.
fn prepare_with(
    conn: &mut DbConn,
    voters: usize,
    resolutions: usize,
) -> (Vec<String>, i64, Vec<i64>) {
    let t = Instant::now();
    let colleges = cooperative::colleges(conn).expect("colleges");
    let categories = ["employee", "beneficiary", "producer", "volunteer", "other"];
    let mut csv =
        String::from("name;email;kind;representative;category;college;admitted_on;shares\n");
    for i in 0..voters {
        let college = &colleges[i % colleges.len()].name;
        csv.push_str(&format!(
            "Associé {i};a{i}@bench.coop;person;;{};{college};2025-01-02;1\n",
            categories[i % categories.len()]
        ));
    }
    match import::import(conn, None, csv.as_bytes()).expect("import") {
        import::ImportOutcome::Imported { associates, .. } => assert_eq!(associates, voters),
        import::ImportOutcome::Refused(lines) => {
            panic!("import refused: {:?}", &lines[..lines.len().min(3)])
        }
    }
    let starts_at = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let input = assemblies::AssemblyInput {
        title: "Assemblée de mesure".into(),
        kind: if resolutions > 1 {
            "combined"
        } else {
            "ordinary"
        }
        .into(),
        starts_at,
        place: "Lyon".into(),
        call: 1,
        remote: None,
        remote_url: None,
        first_call_id: None,
        chair: None,
        secretary: None,
        scrutineers: vec![],
    };
    let assembly = assemblies::create(conn, None, &input).expect("assembly").id;
    let ids: Vec<i64> = (0..resolutions.max(1))
        .map(|n| {
            let ordinary = n % 3 != 1;
            voting::create(
                conn,
                None,
                assembly,
                &voting::ResolutionInput {
                    title: format!("Résolution de mesure {}", n + 1),
                    text: "L'assemblée approuve les comptes.\nElle donne quitus.".into(),
                    majority: if ordinary {
                        "ordinary"
                    } else {
                        "extraordinary"
                    }
                    .into(),
                    weighted: Some(ordinary),
                    secret: false,
                    board_approved: Some(true),
                },
            )
            .expect("resolution")
            .id
        })
        .collect();
    let resolution = ids[0];
    let convened = assemblies::convene(conn, None, assembly, false).expect("convene");
    for v in &convened {
        let present = attendance::AttendanceInput {
            mode: "present".into(),
            proxy_holder_id: None,
        };
        attendance::set(conn, None, assembly, v.associate_id, &present).expect("attendance");
    }
    assemblies::open(conn, None, assembly).expect("open the assembly");
    voting::open(conn, None, resolution).expect("open the resolution");
    println!(
        "setup: {voters} voters admitted, convened and present in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    (
        convened.into_iter().map(|v| v.token).collect(),
        assembly,
        ids,
    )
}

struct Server {
    child: Child,
    address: String,
}

fn start_server(url: &str, dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("SCRUTIN_BIND", "127.0.0.1:0")
        .env("SCRUTIN_MAIL_DIR", dir.join("mail"))
        .env("RUST_LOG", "warn")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the address");
    let address = line.trim().trim_start_matches("listening on ").to_string();
    Server { child, address }
}

/// Resident memory of a process in MiB: (current, peak).
fn rss_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn load(db: &Db, url: &str, dir: &std::path::Path, args: &Args) {
    let (tokens, assembly, resolution) = {
        let mut conn = db.get().expect("connection");
        let prepared = prepare(&mut conn, args.voters);
        scrutin::services::accounts::create_admin(
            &mut conn,
            "bench@bench.coop",
            "a long bench password",
        )
        .expect("admin");
        prepared
    };
    let mut server = start_server(url, dir);
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id();
    let (idle_rss, _) = rss_mib(pid);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(args.concurrency)
            .build()
            .expect("client");
        let endpoint = format!("{}/api/v1/resolutions/{resolution}/ballots", server.address);
        let tokens = Arc::new(tokens);
        let next = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(std::sync::Mutex::new(0.0f64));
        let sampling = {
            let peak = peak.clone();
            tokio::spawn(async move {
                loop {
                    let (now, _) = rss_mib(pid);
                    if let Ok(mut p) = peak.lock() {
                        *p = p.max(now);
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..args.concurrency {
            let (client, endpoint, tokens, next) = (
                client.clone(),
                endpoint.clone(),
                tokens.clone(),
                next.clone(),
            );
            workers.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(token) = tokens.get(i) else { break };
                    let choice = ["for", "for", "against", "abstain"][i % 4];
                    let t = Instant::now();
                    let ok = client
                        .post(&endpoint)
                        .bearer_auth(token)
                        .json(&json!({"choice": choice}))
                        .send()
                        .await
                        .map(|r| r.status().as_u16() == 201)
                        .unwrap_or(false);
                    latencies.push(t.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
                (latencies, errors)
            }));
        }
        let mut latencies = Vec::new();
        let mut errors = 0;
        for w in workers {
            if let Ok((l, e)) = w.await {
                latencies.extend(l);
                errors += e;
            }
        }
        let elapsed = started.elapsed().as_secs_f64();
        sampling.abort();
        latencies.sort();
        let accepted = latencies.len() - errors;
        let (_, hwm) = rss_mib(pid);
        println!(
            "ballots: {} sent, {accepted} accepted, {errors} errors, {} concurrent connections",
            latencies.len(),
            args.concurrency
        );
        println!(
            "throughput: {:.0} accepted ballots/s over {elapsed:.2} s",
            accepted as f64 / elapsed
        );
        println!(
            "latency: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            percentile(&latencies, 0.50),
            percentile(&latencies, 0.95),
            percentile(&latencies, 0.99),
            percentile(&latencies, 1.0)
        );
        let sampled = peak.lock().map(|p| *p).unwrap_or(0.0);
        println!(
            "server RSS: idle {idle_rss:.1} MiB, peak {:.1} MiB",
            sampled.max(hwm)
        );

        let login: Value = client
            .post(format!("{}/api/v1/auth/login", server.address))
            .json(&json!({"email": "bench@bench.coop", "password": "a long bench password"}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("token");
        let token = login["token"].as_str().unwrap_or_default().to_string();
        let t = Instant::now();
        let result: Value = client
            .post(format!(
                "{}/api/v1/resolutions/{resolution}/close",
                server.address
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("close")
            .json()
            .await
            .expect("result");
        println!(
            "close: {:.0} ms, result counts {} ballots (accepted {accepted}): {}",
            t.elapsed().as_secs_f64() * 1000.0,
            result["counts"]["ballots"],
            if result["counts"]["ballots"].as_u64() == Some(accepted as u64) {
                "consistent"
            } else {
                "MISMATCH"
            }
        );
        println!(
            "for_share {} ({} %), adopted {}",
            result["for_share"], result["for_percent"], result["adopted"]
        );
        for (document, format) in [
            ("minutes", "html"),
            ("minutes", "md"),
            ("minutes", "odt"),
            ("attendance-sheet", "html"),
        ] {
            let t = Instant::now();
            let res = client
                .get(format!(
                    "{}/api/v1/assemblies/{assembly}/{document}?format={format}",
                    server.address
                ))
                .bearer_auth(&token)
                .send()
                .await
                .expect("minutes");
            let status = res.status();
            let size = res.bytes().await.map(|b| b.len()).unwrap_or(0);
            println!(
                "{document} ({format}) of {} attendees: {:.0} ms, {} kB, status {status}",
                args.voters,
                t.elapsed().as_secs_f64() * 1000.0,
                size / 1024
            );
        }
    });
    let _ = server.child.kill();
    let _ = server.child.wait();
}

/// Bulk-loads ballots over 5 colleges, then times the close.
fn tally_only(db: &Db, ballots: usize) {
    let mut conn = db.get().expect("connection");
    let (_, _, resolution) = prepare(&mut conn, 5);
    let colleges: Vec<i64> = cooperative::colleges(&mut conn)
        .expect("colleges")
        .iter()
        .map(|c| c.id)
        .collect();
    let t = Instant::now();
    bulk_ballots(&mut conn, resolution, ballots, &colleges, 0);
    println!(
        "bulk load: {ballots} ballots in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let result = voting::close(&mut conn, None, resolution).expect("close");
    println!(
        "close of {ballots} ballots over {} colleges: {:.0} ms (counts {}, for_share {})",
        colleges.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        result["counts"]["ballots"],
        result["for_share"]
    );
}

/// Writes `ballots` anonymous ballots straight into the table, over the
/// colleges in turn; `shift` varies the mix of choices between resolutions.
fn bulk_ballots(
    conn: &mut DbConn,
    resolution: i64,
    ballots: usize,
    colleges: &[i64],
    shift: usize,
) {
    let choices = [
        "for", "for", "against", "abstain", "for", "against", "against",
    ];
    let mut written = 0;
    while written < ballots {
        let n = (ballots - written).min(10_000);
        let mut sql = String::from(
            "INSERT INTO ballots (id, resolution_id, receipt, choice, college_id, associate_id, position) VALUES ",
        );
        for i in written..written + n {
            if i > written {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('b{resolution:08}{i:016}', {resolution}, 'r{resolution:08}{i:023}', '{}', {}, NULL, {})",
                choices[(i + shift) % (4 + shift % 4)],
                colleges[i % colleges.len()],
                i + 1
            ));
        }
        conn.batch_execute(&format!("BEGIN; {sql}; COMMIT;"))
            .expect("bulk insert");
        written += n;
    }
    conn.batch_execute(&format!(
        "UPDATE resolutions SET ballot_count = {ballots} WHERE id = {resolution}"
    ))
    .expect("count");
}

/// The minutes of a large assembly (issue 5): `attendees` present, each
/// resolution voted by all of them (ballots bulk-loaded) and closed; then
/// the minutes and the attendance sheet rendered in HTML and PDF, timed.
fn minutes_only(db: &Db, attendees: usize, resolutions: usize) {
    let mut conn = db.get().expect("connection");
    let (_, assembly, ids) = prepare_with(&mut conn, attendees, resolutions);
    let colleges: Vec<i64> = cooperative::colleges(&mut conn)
        .expect("colleges")
        .iter()
        .map(|c| c.id)
        .collect();
    let t = Instant::now();
    for (n, r) in ids.iter().enumerate() {
        if n > 0 {
            voting::open(&mut conn, None, *r).expect("open the resolution");
        }
        bulk_ballots(&mut conn, *r, attendees, &colleges, n);
        voting::close(&mut conn, None, *r).expect("close");
    }
    assemblies::close(&mut conn, None, assembly).expect("close the assembly");
    println!(
        "{} resolutions of {attendees} ballots loaded and closed in {:.1} s",
        ids.len(),
        t.elapsed().as_secs_f64()
    );
    let templates = Templates::new(None);
    let documents: [(&str, Format); 4] = [
        ("minutes", Format::Html),
        ("minutes", Format::Pdf),
        ("attendance sheet", Format::Html),
        ("attendance sheet", Format::Pdf),
    ];
    for (what, format) in documents {
        let t = Instant::now();
        let doc = match what {
            "minutes" => minutes::render(&mut conn, &templates, assembly, format, None),
            _ => minutes::attendance_sheet(&mut conn, &templates, assembly, format),
        }
        .expect("rendered");
        println!(
            "{what} ({attendees} attendees, {} resolutions), {}: {:.0} ms, {:.0} KiB",
            ids.len(),
            doc.filename,
            t.elapsed().as_secs_f64() * 1000.0,
            doc.body.len() as f64 / 1024.0
        );
    }
}
