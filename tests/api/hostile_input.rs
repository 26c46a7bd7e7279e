//! Hostile input at scale (SECURITY.md "bad input"): generated malformed and
//! hostile bodies at every write endpoint of the API, and mangled CSV files
//! at the import. Never a 5xx, and a refused request changes nothing.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::{Vote, admit_many};

both_backends!(
    every_write_endpoint_survives_hostile_bodies,
    the_import_survives_mangled_files
);

const FIELDS: &[&str] = &[
    "name",
    "email",
    "kind",
    "representative",
    "category",
    "college_id",
    "admitted_on",
    "password",
    "colleges",
    "id",
    "weight",
    "rules",
    "ordinary",
    "majority",
    "quorum_first_call",
    "comparison",
    "abstentions",
    "empty_college",
    "proxies_per_holder",
    "legal_form",
    "share_value_cents",
    "movement",
    "shares",
    "amount_cents",
    "on",
    "to_associate_id",
    "reason",
    "title",
    "text",
    "starts_at",
    "place",
    "call",
    "first_call_id",
    "mode",
    "proxy_holder_id",
    "choice",
    "on_behalf_of",
    "weighted",
    "secret",
    "board_approved",
    "override_notice",
    "associate_ids",
    "chair",
    "scrutineers",
    "as",
    "debates",
    "documents",
];

fn hostile_scalar(rng: &mut StdRng) -> Value {
    match rng.random_range(0..18) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(i64::MAX),
        3 => json!(i64::MIN),
        4 => json!(-1),
        5 => json!(1e308),
        6 => json!(0.1),
        7 => json!(""),
        8 => json!("x".repeat(rng.random_range(1000..20_000))),
        9 => json!("'; DROP TABLE associates; --"),
        10 => json!("<script>alert(1)</script>"),
        11 => json!("1/0"),
        12 => json!("-3/4"),
        13 => json!("2026-02-30"),
        14 => json!("\u{0}\u{202e}ǅ😀"),
        15 => json!("999999999999999999999999999999"),
        16 => json!(rng.random_range(-5..100_000)),
        _ => json!(["for", "against"][rng.random_range(0..2)]),
    }
}

fn hostile_value(rng: &mut StdRng, depth: u32) -> Value {
    if depth == 0 || rng.random_range(0..3) == 0 {
        return hostile_scalar(rng);
    }
    if rng.random_range(0..2) == 0 {
        let n = rng.random_range(0..4);
        Value::Array((0..n).map(|_| hostile_value(rng, depth - 1)).collect())
    } else {
        let n = rng.random_range(0..6);
        let mut map = serde_json::Map::new();
        for _ in 0..n {
            let key = FIELDS[rng.random_range(0..FIELDS.len())];
            map.insert(key.to_string(), hostile_value(rng, depth - 1));
        }
        Value::Object(map)
    }
}

/// What a client can see of the state: equal before and after a refusal.
async fn snapshot(vote: &Vote<'_>) -> String {
    let mut all = String::new();
    for path in [
        "/api/v1/cooperative".to_string(),
        "/api/v1/colleges".to_string(),
        "/api/v1/associates".to_string(),
        "/api/v1/capital?on=2030-01-01".to_string(),
        format!("/api/v1/assemblies/{}", vote.assembly),
        format!("/api/v1/assemblies/{}/attendance", vote.assembly),
    ] {
        let res = vote.app.get_api(&path, Some(&vote.token)).await;
        all.push_str(&res.text().await.unwrap_or_default());
    }
    all
}

async fn every_write_endpoint_survives_hostile_bodies(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "combined", 1).await;
    let associates = admit_many(&app, &vote.token, vote.colleges[0], 2, "h").await;
    let resolution = vote.resolution("ordinary", json!({})).await;
    let mut rng = StdRng::seed_from_u64(20261126);
    let mut state = snapshot(&vote).await;
    let mut tried = 0;
    for (method, pattern) in scrutin::web::route_list() {
        let writes = matches!(method, "POST" | "PUT" | "PATCH");
        if !writes || !pattern.starts_with("/api/v1/") || pattern.ends_with("/auth/logout") {
            continue;
        }
        let path = pattern
            .replace("{associate_id}", &associates[0].to_string())
            .replace(
                "/associates/{id}",
                &format!("/associates/{}", associates[0]),
            )
            .replace(
                "/assemblies/{id}",
                &format!("/assemblies/{}", vote.assembly),
            )
            .replace("/resolutions/{id}", &format!("/resolutions/{resolution}"))
            .replace("/outbox/{id}", "/outbox/1");
        assert!(!path.contains('{'), "a path parameter left in {pattern}");
        for case in 0..20 {
            let request = app
                .client
                .request(method.parse().expect("a method"), app.url(&path))
                .bearer_auth(&vote.token);
            let request = if case % 7 == 6 {
                // Not JSON at all.
                let bytes: Vec<u8> = (0..rng.random_range(1..300))
                    .map(|_| rng.random::<u8>())
                    .collect();
                request
                    .header("Content-Type", "application/json")
                    .body(bytes)
            } else {
                request.json(&hostile_value(&mut rng, 3))
            };
            let res = request.send().await.expect("an answer");
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            assert!(status < 500, "{method} {path} answered {status}: {body}");
            let now = snapshot(&vote).await;
            if status >= 400 {
                assert_eq!(
                    now, state,
                    "{method} {path} was refused ({status}) but changed the state"
                );
            }
            state = now;
            tried += 1;
        }
    }
    assert!(tried >= 200, "only {tried} requests");
}

async fn the_import_survives_mangled_files(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let valid = "name;email;kind;representative;category;college;admitted_on;shares\n\
                 Ana;ana@example.coop;person;;employee;Collège 1;2025-01-02;3\n\
                 Ville;ville@example.coop;entity;Le maire;local_authority;Collège 2;2025-01-02;1\n";
    let mut rng = StdRng::seed_from_u64(7);
    let mut before = snapshot(&vote).await;
    let mut refused = 0;
    for _ in 0..60 {
        let mut bytes = valid.as_bytes().to_vec();
        for _ in 0..rng.random_range(1..6) {
            let at = rng.random_range(0..bytes.len());
            match rng.random_range(0..4) {
                0 => bytes[at] = rng.random::<u8>(),
                1 => {
                    bytes.remove(at);
                }
                2 => bytes.insert(at, [b';', b',', b'"', b'\n', 0xff][rng.random_range(0..5)]),
                _ => bytes.truncate(at),
            }
        }
        match scrutin::services::import::import(&mut conn, None, &bytes) {
            Ok(scrutin::services::import::ImportOutcome::Refused(lines)) => {
                assert!(!lines.is_empty());
                refused += 1;
                assert_eq!(
                    snapshot(&vote).await,
                    before,
                    "a refused file changed the register"
                );
            }
            Ok(scrutin::services::import::ImportOutcome::Imported { .. }) => {
                // A mangling that left a valid file: the new state is the baseline.
                before = snapshot(&vote).await;
            }
            Err(e) => panic!("the import failed instead of refusing: {e:?}"),
        }
    }
    assert!(refused >= 30, "only {refused} mangled files were refused");
}
