//! SIGKILL in the middle of a vote: after a restart on the same database,
//! every ballot whose receipt was returned is counted, and nothing else.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use scrutin::db::{Db, DbUrl};
use scrutin::services::{accounts, assemblies, attendance, import, voting};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, replay_published};

both_backends!(sigkill_mid_vote_loses_no_acknowledged_ballot);

pub(crate) const VOTERS: usize = 300;

pub(crate) fn url_of(app: &TestApp) -> String {
    match &app.db_url {
        DbUrl::Sqlite(path) | DbUrl::Postgres(path) => path.clone(),
    }
}

/// Voters admitted, convened, present, and one named resolution open: the
/// voters' tokens and the resolution.
pub(crate) fn prepare(db: &Db) -> (Vec<String>, i64) {
    let mut conn = db.get().expect("connection");
    let mut csv = String::from("name;email;kind;representative;category;college;admitted_on\n");
    for i in 0..VOTERS {
        let college = ["Salariés", "Usagers", "Club Cigales"][i % 3];
        csv.push_str(&format!(
            "Voter {i};v{i}@crash.coop;person;;beneficiary;{college};2025-01-02\n"
        ));
    }
    assert!(matches!(
        import::import(&mut conn, None, csv.as_bytes()),
        Ok(import::ImportOutcome::Imported { .. })
    ));
    let input = assemblies::AssemblyInput {
        title: "AG".into(),
        kind: "ordinary".into(),
        starts_at: (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339(),
        place: "Lyon".into(),
        call: 1,
        remote: None,
        remote_url: None,
        first_call_id: None,
        chair: None,
        secretary: None,
        scrutineers: vec![],
    };
    let assembly = assemblies::create(&mut conn, None, &input)
        .expect("assembly")
        .id;
    let resolution = voting::ResolutionInput {
        title: "R".into(),
        text: "T".into(),
        majority: "ordinary".into(),
        weighted: Some(true),
        secret: false,
        board_approved: Some(true),
    };
    let resolution = voting::create(&mut conn, None, assembly, &resolution)
        .expect("resolution")
        .id;
    let voters = assemblies::convene(&mut conn, None, assembly, false).expect("convene");
    for v in &voters {
        let present = attendance::AttendanceInput {
            mode: "present".into(),
            proxy_holder_id: None,
        };
        attendance::set(&mut conn, None, assembly, v.associate_id, &present).expect("present");
    }
    assemblies::open(&mut conn, None, assembly).expect("open");
    voting::open(&mut conn, None, resolution).expect("open the vote");
    accounts::create_admin(&mut conn, ADMIN_EMAIL, ADMIN_PASSWORD).expect("admin");
    (voters.into_iter().map(|v| v.token).collect(), resolution)
}

pub(crate) fn serve(url: &str, dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("SCRUTIN_BIND", "127.0.0.1:0")
        .env("SCRUTIN_MAIL_DIR", dir.join("mail"))
        .env("RUST_LOG", "error")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("its address");
    let address = line.trim().trim_start_matches("listening on ").to_string();
    (child, address)
}

async fn sigkill_mid_vote_loses_no_acknowledged_ballot(app: TestApp) {
    let url = url_of(&app);
    let dir = tempfile::tempdir().expect("dir");
    let (tokens, resolution) = prepare(&app.db());
    let (mut first, address) = serve(&url, dir.path());

    let client = reqwest::Client::new();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<Option<String>>();
    for (i, token) in tokens.iter().enumerate() {
        let (client, token, done) = (client.clone(), token.clone(), done_tx.clone());
        let endpoint = format!("{address}/api/v1/resolutions/{resolution}/ballots");
        tokio::spawn(async move {
            let choice = ["for", "against", "abstain"][i % 3];
            let receipt = async {
                let res = client
                    .post(endpoint)
                    .bearer_auth(token)
                    .json(&json!({"choice": choice}))
                    .send()
                    .await
                    .ok()?;
                if res.status() != 201 {
                    return None;
                }
                let body: Value = res.json().await.ok()?;
                body["receipt"].as_str().map(str::to_string)
            }
            .await;
            let _ = done.send(receipt);
        });
    }
    drop(done_tx);
    // Kill the server once a sixth of the voters have their receipt.
    let mut acknowledged = Vec::new();
    let mut answered = 0;
    while let Some(answer) = done_rx.recv().await {
        answered += 1;
        if let Some(receipt) = answer {
            acknowledged.push(receipt);
        }
        if acknowledged.len() >= VOTERS / 6 {
            first.kill().expect("SIGKILL");
            break;
        }
    }
    let _ = first.wait();
    while let Some(answer) = done_rx.recv().await {
        answered += 1;
        if let Some(receipt) = answer {
            acknowledged.push(receipt);
        }
    }
    assert_eq!(answered, VOTERS);
    eprintln!(
        "{} of {VOTERS} ballots acknowledged before the kill",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() < VOTERS,
        "the kill came mid-vote ({} receipts)",
        acknowledged.len()
    );

    // Restart on the same database and close the vote.
    let (mut second, address) = serve(&url, dir.path());
    let login: Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = login["token"].as_str().expect("token");
    let result: Value = client
        .post(format!("{address}/api/v1/resolutions/{resolution}/close"))
        .bearer_auth(token)
        .send()
        .await
        .expect("close")
        .json()
        .await
        .expect("JSON");
    let published: Value = client
        .get(format!(
            "{address}/api/v1/resolutions/{resolution}/receipts"
        ))
        .bearer_auth(token)
        .send()
        .await
        .expect("receipts")
        .json()
        .await
        .expect("JSON");
    let _ = second.kill();
    let _ = second.wait();

    let counted: HashSet<String> = published["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .filter_map(|r| r["receipt"].as_str().map(str::to_string))
        .collect();
    for receipt in &acknowledged {
        assert!(
            counted.contains(receipt),
            "an acknowledged ballot was lost: {receipt}"
        );
    }
    let ballots = result["counts"]["ballots"].as_u64().unwrap_or(0) as usize;
    assert_eq!(
        ballots,
        counted.len(),
        "the result counts exactly the published ballots"
    );
    assert!(ballots <= VOTERS && ballots >= acknowledged.len());
    // Nothing else: one ballot per voter who took part, and the chain holds.
    let mut conn = app.db().get().expect("connection");
    let participants =
        scrutin::db::models::resolution::participants(&mut conn, resolution).expect("participants");
    assert_eq!(participants.len(), ballots);
    assert_eq!(
        published["chain_head"],
        replay_published(resolution, &published),
        "the chain survived the crash"
    );
}
