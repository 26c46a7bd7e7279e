//! Secret ballots at rest (docs/secret-ballot.md): once a secret vote is
//! closed, nothing in the storage pairs voters and choices — not a column,
//! not the physical order of the rows (SQLite's cells and pages, PostgreSQL's
//! `xmin` and `ctid`), not a deleted copy, not the WAL; and while it is
//! open, an associate sees only the count.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Binary, Text};
use diesel::{Connection, PgConnection};
use rand::seq::SliceRandom;
use scrutin::db::{Db, DbUrl};
use scrutin::services::{accounts, assemblies, attendance, import, voting};
use serde_json::{Value, json};

use crate::crash::url_of;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, replay_published};
use crate::helpers::{Vote, admit_many};

both_backends!(
    a_closed_secret_vote_leaves_no_order_in_storage,
    an_open_secret_vote_shows_only_its_count
);

const VOTERS: usize = 36;

/// The cast: who attends how. Voters 0–29 are in the room; 30–32 are
/// represented by 0, 1 and 2; 33 gave a blank proxy (voted at close with the
/// board); 34 and 35 vote by correspondence.
struct Scene {
    ids: Vec<i64>,
    tokens: HashMap<i64, String>,
    resolution: i64,
}

fn prepare(db: &Db) -> Scene {
    let mut conn = db.get().expect("connection");
    let mut csv = String::from("name;email;kind;representative;category;college;admitted_on\n");
    for i in 0..VOTERS {
        let college = ["Salariés", "Usagers", "Club Cigales"][i % 3];
        csv.push_str(&format!(
            "Voter {i};v{i}@secret.coop;person;;beneficiary;{college};2025-01-02\n"
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
        title: "Huis clos".into(),
        text: "T".into(),
        majority: "ordinary".into(),
        weighted: Some(true),
        secret: true,
        board_approved: Some(true),
    };
    let resolution = voting::create(&mut conn, None, assembly, &resolution)
        .expect("resolution")
        .id;
    let voters = assemblies::convene(&mut conn, None, assembly, false).expect("convene");
    let ids: Vec<i64> = voters.iter().map(|v| v.associate_id).collect();
    assert_eq!(ids.len(), VOTERS);
    for (i, id) in ids.iter().enumerate() {
        let (mode, holder) = match i {
            30..=32 => ("represented", Some(ids[i - 30])),
            33 => ("represented", None),
            34 | 35 => ("correspondence", None),
            _ => ("present", None),
        };
        let input = attendance::AttendanceInput {
            mode: mode.into(),
            proxy_holder_id: holder,
        };
        attendance::set(&mut conn, None, assembly, *id, &input).expect("attendance");
    }
    assemblies::open(&mut conn, None, assembly).expect("open");
    voting::open(&mut conn, None, resolution).expect("open the vote");
    accounts::create_admin(&mut conn, ADMIN_EMAIL, ADMIN_PASSWORD).expect("admin");
    let tokens = voters
        .into_iter()
        .map(|v| (v.associate_id, v.token))
        .collect();
    Scene {
        ids,
        tokens,
        resolution,
    }
}

async fn a_closed_secret_vote_leaves_no_order_in_storage(app: TestApp) {
    let url = url_of(&app);
    let dir = tempfile::tempdir().expect("dir");
    let scene = prepare(&app.db());
    let (mut server, address) = serve(&url, dir.path());
    let log = dir.path().join("server.log");
    let client = reqwest::Client::new();
    let r = scene.resolution;
    let admin: Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let admin = admin["token"].as_str().expect("a token").to_string();

    // Every ballot, in a shuffled order: in the room, by proxy, by post.
    enum Cast {
        Own(usize),
        Proxy(usize),
        Postal(usize),
    }
    let mut casts: Vec<Cast> = (0..30).map(Cast::Own).collect();
    casts.extend((30..33).map(Cast::Proxy));
    casts.extend((34..36).map(Cast::Postal));
    casts.shuffle(&mut rand::rng());
    let mut cast_order: Vec<i64> = Vec::new();
    let mut receipts_in_cast_order: Vec<String> = Vec::new();
    for cast in &casts {
        let (principal, res) = match cast {
            Cast::Own(i) | Cast::Proxy(i) => {
                let i = *i;
                let (caster, on_behalf_of) = if i >= 30 {
                    (scene.ids[i - 30], Some(scene.ids[i]))
                } else {
                    (scene.ids[i], None)
                };
                let choice = ["for", "against", "abstain"][i % 3];
                let res = client
                    .post(format!("{address}/api/v1/resolutions/{r}/ballots"))
                    .bearer_auth(&scene.tokens[&caster])
                    .json(&json!({"choice": choice, "on_behalf_of": on_behalf_of}))
                    .send()
                    .await
                    .expect("ballot");
                (scene.ids[i], res)
            }
            Cast::Postal(i) => {
                let res = client
                    .post(format!("{address}/api/v1/resolutions/{r}/postal-ballots"))
                    .bearer_auth(&admin)
                    .json(&json!({"associate_id": scene.ids[*i], "choice": "against"}))
                    .send()
                    .await
                    .expect("postal ballot");
                (scene.ids[*i], res)
            }
        };
        assert_eq!(res.status(), 201, "{:?}", res.text().await);
        let body: Value = res.json().await.expect("JSON");
        cast_order.push(principal);
        receipts_in_cast_order.push(body["receipt"].as_str().expect("receipt").to_string());
    }
    // The proxies' notices are sent (and their rows written) before the
    // close, which must be the last write the storage sees.
    app.mail_settled().await;
    let res = client
        .post(format!("{address}/api/v1/resolutions/{r}/close"))
        .bearer_auth(&admin)
        .json(&json!({}))
        .send()
        .await
        .expect("close");
    assert_eq!(res.status(), 200);
    let result: Value = res.json().await.expect("JSON");
    assert_eq!(result["counts"]["ballots"], VOTERS, "{result}");
    // Stopped hard: nothing the server would do on a clean exit helps.
    server.kill().expect("kill");
    server.wait().expect("wait");

    let mut sorted = cast_order.clone();
    sorted.sort_unstable();
    assert_ne!(cast_order, sorted, "the ballots were not cast in key order");
    assert_eq!(
        sorted.len() + 1,
        VOTERS,
        "all but the blank proxy, cast at close"
    );

    // The server's log says whether the storage was scrubbed, and if not why.
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains(&format!("secret resolution {r}: storage scrubbed")),
        "{logged}"
    );
    match &app.db_url {
        DbUrl::Sqlite(path) => sqlite_storage(path, r, &scene, &receipts_in_cast_order),
        DbUrl::Postgres(url) => postgres_storage(url, r, &receipts_in_cast_order),
    }

    // The audit log: a line per postal form without its associate, and at
    // close the forms entered, in key order.
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let history =
        scrutin::db::models::audit::history(&mut conn, "resolution", r).expect("audit log");
    let details = |action: &str| -> Vec<Value> {
        history
            .iter()
            .filter(|e| e.action == action)
            .map(|e| serde_json::from_str(&e.details).expect("JSON details"))
            .collect()
    };
    assert_eq!(details("postal_ballot"), vec![json!({"secret": true}); 2]);
    let mut postal = vec![scene.ids[34], scene.ids[35]];
    postal.sort_unstable();
    assert_eq!(
        details("postal_ballots"),
        vec![json!({ "associate_ids": postal })]
    );
}

/// The server in a process of its own, so that the test can stop it; its
/// log in `dir/server.log`.
fn serve(url: &str, dir: &std::path::Path) -> (Child, String) {
    let log = std::fs::File::create(dir.join("server.log")).expect("a log file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_scrutin"))
        .arg("serve")
        .env("DATABASE_URL", url)
        .env("SCRUTIN_BIND", "127.0.0.1:0")
        .env("SCRUTIN_MAIL_DIR", dir.join("mail"))
        .env("RUST_LOG", "info")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("its address");
    let address = line.trim().trim_start_matches("listening on ").to_string();
    (child, address)
}

/// SQLite: the file read as bytes, its b-trees walked by hand.
fn sqlite_storage(path: &str, r: i64, scene: &Scene, cast_receipts: &[String]) {
    let wal = std::fs::metadata(format!("{path}-wal")).map(|m| m.len());
    assert!(
        matches!(wal, Ok(0) | Err(_)),
        "the WAL is truncated after the close: {wal:?}"
    );
    let file = sqlite_file::File::read(path);
    assert_eq!(file.freelist_pages(), 0, "no free page holds old rows");
    let schema = file.schema();
    let mut trees: Vec<(&str, u32)> = schema
        .iter()
        .filter(|(_, table, _)| table == "participations" || table == "ballots")
        .map(|(name, _, root)| (name.as_str(), *root))
        .collect();
    // A WITHOUT ROWID table's primary key is the table's own b-tree.
    trees.sort_by_key(|(name, root)| (*root, name.starts_with("sqlite_")));
    trees.dedup_by_key(|(_, root)| *root);
    assert_eq!(
        trees.len(),
        4,
        "participations, ballots and ballots' two unique indexes: {trees:?}"
    );
    let mut live_ranges = Vec::new();
    for (name, root) in &trees {
        let walk = file.walk(*root);
        // Within each page, the cells lie in key order (the first key at
        // the end of the page, as a page written in key order has them);
        // the leaves follow each other in key order; no free slot, and the
        // unused gap of every page holds only zeros.
        for page in &walk.pages {
            assert!(
                page.offsets.windows(2).all(|w| w[0] > w[1]),
                "{name}: the cells of page {} are not in key order: {:?}",
                page.number,
                page.offsets
            );
            assert_eq!(
                page.first_freeblock, 0,
                "{name}: page {} has a free slot",
                page.number
            );
            assert!(
                page.gap_is_zero,
                "{name}: page {} keeps bytes in its free space",
                page.number
            );
        }
        let leaves: Vec<u32> = walk
            .pages
            .iter()
            .filter(|p| p.leaf)
            .map(|p| p.number)
            .collect();
        let mut ascending = leaves.clone();
        ascending.sort_unstable();
        assert_eq!(leaves, ascending, "{name}: leaf pages out of key order");
        if *name == "ballots" {
            live_ranges.extend(walk.cells.iter().map(|c| c.range.clone()));
            let mine: Vec<&sqlite_file::Cell> = walk
                .cells
                .iter()
                .filter(|c| c.record.get(1) == Some(&sqlite_file::Value::Int(r)))
                .collect();
            assert_eq!(mine.len(), VOTERS, "with the blank proxy's");
            let receipts: Vec<String> = mine.iter().map(|c| c.text(2)).collect();
            let found: HashSet<&String> = receipts.iter().collect();
            assert!(
                cast_receipts.iter().all(|x| found.contains(x)),
                "every receipt returned is stored"
            );
            let cast_rank: HashMap<&String, usize> = cast_receipts
                .iter()
                .enumerate()
                .map(|(i, x)| (x, i))
                .collect();
            let physical: Vec<usize> = receipts
                .iter()
                .filter_map(|x| cast_rank.get(x).copied())
                .collect();
            let mut cast = physical.clone();
            cast.sort_unstable();
            assert_ne!(
                physical, cast,
                "the physical order of ballots is not the cast order"
            );
            // Nothing but the receipt and the choice: no voter, no position.
            assert!(
                mine.iter()
                    .all(|c| c.record.get(5) == Some(&sqlite_file::Value::Null)
                        && c.record.get(6) == Some(&sqlite_file::Value::Null))
            );
        }
        if name.starts_with("sqlite_autoindex_ballots") {
            live_ranges.extend(walk.cells.iter().map(|c| c.range.clone()));
        }
        if *name == "participations" {
            let mine: Vec<i64> = walk
                .cells
                .iter()
                .filter(|c| c.record.first() == Some(&sqlite_file::Value::Int(r)))
                .map(|c| c.int(1))
                .collect();
            let mut expected = scene.ids.clone();
            expected.sort_unstable();
            assert_eq!(mine, expected, "every participant, in key order");
        }
    }
    // No copy of a receipt anywhere in the file but in a live cell: the
    // ballot's and its unique index's.
    for receipt in cast_receipts {
        let at = file.find_all(receipt.as_bytes());
        assert_eq!(at.len(), 2, "receipt {receipt} stored {} times", at.len());
        for offset in at {
            assert!(
                live_ranges.iter().any(|range| range.contains(&offset)),
                "a copy of receipt {receipt} outside the live cells, at byte {offset}"
            );
        }
    }
}

#[derive(QueryableByName)]
struct Tuple {
    #[diesel(sql_type = Text)]
    xmin: String,
    #[diesel(sql_type = Text)]
    ctid: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Page {
    #[diesel(sql_type = Binary)]
    bytes: Vec<u8>,
}

fn ctid(text: &str) -> (u32, u32) {
    let inner = text.trim_matches(|c| c == '(' || c == ')');
    let (page, item) = inner.split_once(',').expect("a ctid");
    (
        page.parse().expect("a page"),
        item.parse().expect("an item"),
    )
}

/// PostgreSQL: one `xmin` for all the resolution's rows, `ctid` in key
/// order, and (pageinspect) no dead tuple and no stray copy of a receipt.
fn postgres_storage(url: &str, r: i64, cast_receipts: &[String]) {
    let mut conn = PgConnection::establish(url).expect("PostgreSQL");
    let rows = |conn: &mut PgConnection, table: &str, key: &str| -> Vec<Tuple> {
        diesel::sql_query(format!(
            "SELECT xmin::text AS xmin, ctid::text AS ctid FROM {table} WHERE resolution_id = $1 ORDER BY {key}"
        ))
        .bind::<BigInt, _>(r)
        .load(conn)
        .expect("rows")
    };
    let participations = rows(&mut conn, "participations", "associate_id");
    let ballots = rows(&mut conn, "ballots", "id");
    assert_eq!(participations.len(), VOTERS);
    assert_eq!(ballots.len(), VOTERS);
    let xmins: HashSet<&str> = participations
        .iter()
        .chain(&ballots)
        .map(|t| t.xmin.as_str())
        .collect();
    assert_eq!(xmins.len(), 1, "one transaction wrote them all: {xmins:?}");
    for (table, tuples) in [("participations", &participations), ("ballots", &ballots)] {
        let places: Vec<(u32, u32)> = tuples.iter().map(|t| ctid(&t.ctid)).collect();
        assert!(
            places.windows(2).all(|w| w[0] < w[1]),
            "{table}: ctid order is not key order: {places:?}"
        );
    }

    diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pageinspect")
        .execute(&mut conn)
        .expect("pageinspect (contrib) is installed");
    let pages = |conn: &mut PgConnection, relation: &str| -> Vec<Vec<u8>> {
        diesel::sql_query(format!(
            "SELECT get_raw_page('{relation}', b::int) AS bytes
             FROM generate_series(0, (pg_relation_size('{relation}') / current_setting('block_size')::bigint) - 1) AS b"
        ))
        .load::<Page>(conn)
        .expect("raw pages")
        .into_iter()
        .map(|p| p.bytes)
        .collect()
    };
    for table in ["participations", "ballots"] {
        let dead: Count = diesel::sql_query(format!(
            "SELECT count(*) AS n
             FROM generate_series(0, (pg_relation_size('{table}') / current_setting('block_size')::bigint) - 1) AS b,
                  heap_page_items(get_raw_page('{table}', b::int))
             WHERE lp_flags <> 1 OR t_xmax::text <> '0'"
        ))
        .get_result(&mut conn)
        .expect("page items");
        assert_eq!(dead.n, 0, "{table}: dead or unused tuples remain");
    }
    for relation in ["ballots", "ballots_receipt_key"] {
        let bytes: Vec<u8> = pages(&mut conn, relation).concat();
        assert!(!bytes.is_empty());
        for receipt in cast_receipts {
            let n = bytes
                .windows(receipt.len())
                .filter(|w| *w == receipt.as_bytes())
                .count();
            assert_eq!(n, 1, "{relation}: receipt {receipt} stored {n} times");
        }
    }
}

/// The result of an open secret resolution, as an associate polls it.
async fn an_open_secret_vote_shows_only_its_count(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let secret = vote
        .resolution("ordinary", json!({"secret": true, "weighted": true}))
        .await;
    let named = vote
        .resolution("ordinary", json!({"secret": false, "weighted": true}))
        .await;
    // An associate with a login, who polls the result.
    let body = json!({
        "name": "Sentinelle", "email": "sentinelle@example.coop", "kind": "person",
        "category": "beneficiary", "college_id": vote.colleges[0], "admitted_on": "2025-01-02",
        "password": "a long associate password"
    });
    let res = app
        .post_json("/api/v1/associates", &body, Some(&vote.token))
        .await;
    assert_eq!(res.status(), 201);
    let watcher: Value = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "sentinelle@example.coop", "password": "a long associate password"}),
            None,
        )
        .await
        .json()
        .await
        .expect("JSON");
    let watcher = watcher["token"].as_str().expect("a token").to_string();
    let mut ids = admit_many(&app, &vote.token, vote.colleges[1], 8, "s").await;
    vote.convene().await;
    for id in &ids {
        assert_eq!(vote.attend(*id, "present", None).await.status(), 200);
    }
    vote.open().await;
    let cards = vote.cards(&ids).await;
    ids.shuffle(&mut rand::rng());

    let without_count = |mut v: Value| {
        v["counts"]["ballots"] = json!(null);
        v
    };

    for (r, secret_one) in [(secret, true), (named, false)] {
        assert_eq!(
            vote.post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
                .await
                .status(),
            200
        );
        let first = poll(&app, &watcher, r).await;
        let mut heads = HashSet::new();
        for (n, id) in ids.iter().enumerate() {
            let choice = ["for", "against", "abstain"][n % 3];
            assert_eq!(vote.ballot(r, &cards[id], choice, None).await.status(), 201);
            let now = poll(&app, &watcher, r).await;
            assert_eq!(now["counts"]["ballots"], n + 1, "{now}");
            let listed = listed(&app, &vote.token, vote.assembly, r).await;
            let screen = live(&app, vote.assembly);
            assert!(
                screen.contains(&format!(">{}<", n + 1)),
                "the live screen counts"
            );
            if secret_one {
                assert_eq!(
                    without_count(now.clone()),
                    without_count(first.clone()),
                    "nothing but the count changes"
                );
                assert!(now.get("chain_head").is_none(), "{now}");
                assert!(listed.get("chain_head").is_none(), "{listed}");
                assert!(
                    !screen.contains("Empreinte"),
                    "no chain head on the live screen"
                );
            } else {
                let head = now["chain_head"]
                    .as_str()
                    .expect("a named head")
                    .to_string();
                assert_eq!(listed["chain_head"], head);
                assert!(screen.contains(&head[..16]));
                heads.insert(head);
            }
        }
        if !secret_one {
            assert_eq!(
                heads.len(),
                ids.len(),
                "a named head moves with each ballot"
            );
        }
        let result = vote.close(r).await;
        let published: Value = app
            .get_api(&format!("/api/v1/resolutions/{r}/receipts"), Some(&watcher))
            .await
            .json()
            .await
            .expect("JSON");
        assert_eq!(published["chain_head"], result["chain_head"]);
        assert_eq!(published["chain_head"], replay_published(r, &published));
        if secret_one {
            // The secret chain runs over the receipts in receipt order.
            let mut receipts: Vec<&str> = published["receipts"]
                .as_array()
                .expect("receipts")
                .iter()
                .filter_map(|x| x["receipt"].as_str())
                .collect();
            receipts.sort_unstable();
            let order: Vec<&str> = published["chain_order"]
                .as_array()
                .expect("chain order")
                .iter()
                .filter_map(|x| x.as_str())
                .collect();
            assert_eq!(order, receipts);
            let closed = poll(&app, &watcher, r).await;
            assert_eq!(closed["chain_head"], result["chain_head"]);
            assert!(
                live(&app, vote.assembly).contains("Empreinte"),
                "the head is shown once closed"
            );
        }
    }
}

async fn poll(app: &TestApp, token: &str, r: i64) -> Value {
    let res = app
        .get_api(&format!("/api/v1/resolutions/{r}/result"), Some(token))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.expect("JSON")
}

/// The resolution as `GET /assemblies/{id}` lists it.
async fn listed(app: &TestApp, token: &str, assembly: i64, r: i64) -> Value {
    let body: Value = app
        .get_api(&format!("/api/v1/assemblies/{assembly}"), Some(token))
        .await
        .json()
        .await
        .expect("JSON");
    body["resolutions"]
        .as_array()
        .expect("resolutions")
        .iter()
        .find(|x| x["id"] == r)
        .expect("the resolution is listed")
        .clone()
}

/// The live screen's fragment, as the page and its Server-Sent Events show it.
fn live(app: &TestApp, assembly: i64) -> String {
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let state = scrutin::web::handlers::live::live_state(&mut conn, assembly).expect("live");
    scrutin::web::views::fragments::live::view(scrutin::web::i18n::Lang::Fr, &state).into_string()
}

/// Just enough of SQLite's file format (sqlite.org/fileformat2.html) to
/// walk a b-tree and tell where each cell lies.
mod sqlite_file {
    use std::ops::Range;

    #[derive(Debug, PartialEq, Clone)]
    pub enum Value {
        Null,
        Int(i64),
        Real(f64),
        Text(String),
        Blob(Vec<u8>),
    }

    pub struct Cell {
        /// Where the cell lies in the file.
        pub range: Range<usize>,
        pub record: Vec<Value>,
    }

    impl Cell {
        pub fn int(&self, i: usize) -> i64 {
            match self.record.get(i) {
                Some(Value::Int(n)) => *n,
                other => panic!("not an integer: {other:?}"),
            }
        }
        pub fn text(&self, i: usize) -> String {
            match self.record.get(i) {
                Some(Value::Text(s)) => s.clone(),
                other => panic!("not a text: {other:?}"),
            }
        }
    }

    pub struct PageLayout {
        pub number: u32,
        pub leaf: bool,
        /// The cells' offsets in the page, in key order.
        pub offsets: Vec<usize>,
        pub first_freeblock: usize,
        pub gap_is_zero: bool,
    }

    #[derive(Default)]
    pub struct Walk {
        /// In key order.
        pub cells: Vec<Cell>,
        /// In the order the walk met them.
        pub pages: Vec<PageLayout>,
    }

    pub struct File {
        bytes: Vec<u8>,
        page_size: usize,
        usable: usize,
    }

    fn varint(b: &[u8]) -> (u64, usize) {
        let mut v: u64 = 0;
        for (i, byte) in b.iter().take(8).enumerate() {
            v = (v << 7) | u64::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                return (v, i + 1);
            }
        }
        ((v << 8) | u64::from(b[8]), 9)
    }

    fn be(b: &[u8]) -> u64 {
        b.iter().fold(0, |v, x| (v << 8) | u64::from(*x))
    }

    fn record(payload: &[u8]) -> Vec<Value> {
        let (header_len, mut at) = varint(payload);
        let mut types = Vec::new();
        while at < header_len as usize {
            let (t, n) = varint(&payload[at..]);
            types.push(t);
            at += n;
        }
        let mut body = header_len as usize;
        let mut values = Vec::new();
        for t in types {
            let len = match t {
                0 | 8 | 9 => 0,
                1..=4 => t as usize,
                5 => 6,
                6 | 7 => 8,
                n if n >= 12 => ((n - 12) / 2) as usize,
                _ => 0,
            };
            if body + len > payload.len() {
                break; // the rest is on an overflow page
            }
            let raw = &payload[body..body + len];
            let sign = |bits: u32| {
                let v = be(raw);
                ((v << (64 - bits)) as i64) >> (64 - bits)
            };
            values.push(match t {
                0 => Value::Null,
                1..=6 => Value::Int(sign(8 * len as u32)),
                7 => Value::Real(f64::from_bits(be(raw))),
                8 => Value::Int(0),
                9 => Value::Int(1),
                n if n >= 13 && n % 2 == 1 => {
                    Value::Text(String::from_utf8_lossy(raw).into_owned())
                }
                _ => Value::Blob(raw.to_vec()),
            });
            body += len;
        }
        values
    }

    impl File {
        pub fn read(path: &str) -> File {
            let bytes = std::fs::read(path).expect("the database file");
            let page_size = match be(&bytes[16..18]) {
                1 => 65536,
                n => n as usize,
            };
            let usable = page_size - bytes[20] as usize;
            File {
                bytes,
                page_size,
                usable,
            }
        }

        pub fn freelist_pages(&self) -> u64 {
            be(&self.bytes[36..40])
        }

        pub fn find_all(&self, needle: &[u8]) -> Vec<usize> {
            self.bytes
                .windows(needle.len())
                .enumerate()
                .filter(|(_, w)| *w == needle)
                .map(|(i, _)| i)
                .collect()
        }

        /// `(name, tbl_name, rootpage)` of every table and index.
        pub fn schema(&self) -> Vec<(String, String, u32)> {
            self.walk(1)
                .cells
                .iter()
                .filter_map(
                    |c| match (c.record.get(1), c.record.get(2), c.record.get(3)) {
                        (
                            Some(Value::Text(name)),
                            Some(Value::Text(table)),
                            Some(Value::Int(root)),
                        ) if *root > 0 => Some((name.clone(), table.clone(), *root as u32)),
                        _ => None,
                    },
                )
                .collect()
        }

        pub fn walk(&self, root: u32) -> Walk {
            let mut walk = Walk::default();
            self.visit(root, &mut walk);
            walk
        }

        /// The bytes of a payload kept in the page, and the cell's length.
        fn local(&self, payload: usize, index: bool) -> (usize, usize) {
            let u = self.usable;
            let max = if index {
                (u - 12) * 64 / 255 - 23
            } else {
                u - 35
            };
            if payload <= max {
                return (payload, 0);
            }
            let min = (u - 12) * 32 / 255 - 23;
            let k = min + (payload - min) % (u - 4);
            (if k <= max { k } else { min }, 4)
        }

        fn visit(&self, number: u32, walk: &mut Walk) {
            let start = (number as usize - 1) * self.page_size;
            let page = &self.bytes[start..start + self.page_size];
            let h = if number == 1 { 100 } else { 0 };
            let kind = page[h];
            let interior = kind == 0x02 || kind == 0x05;
            let cells = be(&page[h + 3..h + 5]) as usize;
            let content = match be(&page[h + 5..h + 7]) {
                0 => 65536,
                n => n as usize,
            };
            let pointers = h + if interior { 12 } else { 8 };
            let gap = pointers + 2 * cells..content;
            let mut layout = PageLayout {
                number,
                leaf: !interior,
                offsets: Vec::new(),
                first_freeblock: be(&page[h + 1..h + 3]) as usize,
                gap_is_zero: page[gap].iter().all(|b| *b == 0),
            };
            let mut children = Vec::new();
            for i in 0..cells {
                let offset = be(&page[pointers + 2 * i..pointers + 2 * i + 2]) as usize;
                layout.offsets.push(offset);
                let mut at = offset;
                let left = if interior {
                    at += 4;
                    Some(be(&page[offset..offset + 4]) as u32)
                } else {
                    None
                };
                if kind == 0x05 {
                    children.push((left, None));
                    continue;
                }
                let (payload, n) = varint(&page[at..]);
                at += n;
                if kind == 0x0d {
                    at += varint(&page[at..]).1; // the rowid
                }
                let (local, overflow) = self.local(payload as usize, kind != 0x0d);
                let cell = Cell {
                    range: start + offset..start + at + local + overflow,
                    record: record(&page[at..at + local]),
                };
                children.push((left, Some(cell)));
            }
            walk.pages.push(layout);
            for (left, cell) in children {
                if let Some(child) = left {
                    self.visit(child, walk);
                }
                if let Some(cell) = cell {
                    walk.cells.push(cell);
                }
            }
            if interior {
                self.visit(be(&page[h + 8..h + 12]) as u32, walk);
            }
        }
    }
}
