//! RULES.md 13.7 through the HTTP API: real associates, a real assembly,
//! real ballots cast with voting cards, the exact fractions in the result.

use serde_json::{Value, json};

use crate::helpers::{TestApp, Vote, admit_many, error_code, in_a_month, replay_published};

/// Admits, per college, `for + against + abstain` associates, runs the
/// assembly and has each resolution voted with those numbers; the results.
async fn vote_on(
    vote: &Vote<'_>,
    per_college: &[(usize, usize, usize)],
    resolutions: &[i64],
) -> Vec<Value> {
    let mut voters: Vec<(i64, &str)> = Vec::new();
    for (c, (f, a, abst)) in per_college.iter().enumerate() {
        let college = vote
            .colleges
            .get(c)
            .copied()
            .unwrap_or_else(|| vote.colleges[0]);
        let ids = admit_many(
            vote.app,
            &vote.token,
            college,
            f + a + abst,
            &format!("c{c}v"),
        )
        .await;
        for (i, id) in ids.into_iter().enumerate() {
            let choice = if i < *f {
                "for"
            } else if i < f + a {
                "against"
            } else {
                "abstain"
            };
            voters.push((id, choice));
        }
    }
    vote.convene().await;
    for (id, _) in &voters {
        assert_eq!(vote.attend(*id, "present", None).await.status(), 200);
    }
    vote.open().await;
    let ids: Vec<i64> = voters.iter().map(|(id, _)| *id).collect();
    let cards = vote.cards(&ids).await;
    let mut results = Vec::new();
    for r in resolutions {
        assert_eq!(
            vote.post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
                .await
                .status(),
            200
        );
        for (id, choice) in &voters {
            let res = vote.ballot(*r, &cards[id], choice, None).await;
            assert_eq!(res.status(), 201);
        }
        results.push(vote.close(*r).await);
    }
    results
}

both_backends!(
    e1_weighted_ordinary_adopted_extraordinary_rejected,
    e2_weighting_overturns_the_headcount,
    e3a_tie_under_renormalisation_rejects,
    e3b_option_r_renormalises,
    e3b_option_t_keeps_the_total,
    e4_exact_tie_with_thirds,
    e5a_exactly_two_thirds_is_adopted,
    e5b_short_of_two_thirds,
    e5c_abstentions_after_2019,
    e5c_abstentions_against_before_2019,
    e6_e7_quorum_with_integer_comparison,
    e12_blank_proxy_counts_for_in_the_principal_college,
);

async fn e1_weighted_ordinary_adopted_extraordinary_rejected(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "combined", 1).await;
    let ordinary = vote.resolution("ordinary", json!({"weighted": true})).await;
    let extraordinary = vote
        .resolution("extraordinary", json!({"weighted": true}))
        .await;
    let results = vote_on(
        &vote,
        &[(12, 8, 2), (3, 7, 0), (5, 0, 1)],
        &[ordinary, extraordinary],
    )
    .await;
    let r = &results[0];
    assert_eq!(
        (r["for_share"].as_str(), r["for_percent"].as_str()),
        (Some("59/100"), Some("59.00"))
    );
    assert_eq!(r["against_share"], "41/100");
    assert_eq!(r["adopted"], true);
    assert_eq!(r["colleges"][0]["for_share"], "3/5");
    assert_eq!(r["colleges"][1]["for_share"], "3/10");
    assert_eq!(r["colleges"][2]["for_share"], "1/1");
    assert_eq!(r["colleges"][0]["weight"], "50.00");
    assert_eq!(
        r["counts"],
        json!({"for": 20, "against": 15, "abstain": 3, "ballots": 38})
    );
    assert_eq!(
        (r["required"].as_str(), r["comparison"].as_str()),
        (Some("1/2"), Some("greater"))
    );
    let r = &results[1];
    assert_eq!(r["for_share"], "59/100");
    assert_eq!(
        (r["required"].as_str(), r["comparison"].as_str()),
        (Some("2/3"), Some("at_least"))
    );
    assert_eq!(
        r["adopted"], false,
        "59 % < 66.67 % at an extraordinary vote"
    );
}

async fn e2_weighting_overturns_the_headcount(app: TestApp) {
    let vote = Vote::new(&app, &["40", "30", "30"], "ordinary", 1).await;
    let weighted = vote.resolution("ordinary", json!({"weighted": true})).await;
    let headcount = vote
        .resolution("ordinary", json!({"weighted": false}))
        .await;
    let results = vote_on(
        &vote,
        &[(90, 10, 0), (2, 8, 0), (1, 4, 0)],
        &[weighted, headcount],
    )
    .await;
    assert_eq!(
        (
            results[0]["for_share"].as_str(),
            results[0]["adopted"].as_bool()
        ),
        (Some("12/25"), Some(false))
    );
    assert_eq!(results[0]["for_percent"], "48.00");
    assert_eq!(
        (
            results[1]["for_share"].as_str(),
            results[1]["for_percent"].as_str()
        ),
        (Some("93/115"), Some("80.87"))
    );
    assert_eq!(results[1]["adopted"], true);
}

async fn e3a_tie_under_renormalisation_rejects(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let r = vote.resolution("ordinary", json!({"weighted": true})).await;
    let results = vote_on(&vote, &[(6, 4, 0), (1, 2, 0), (0, 0, 3)], &[r]).await;
    assert_eq!(results[0]["for_share"], "1/2");
    assert_eq!(
        results[0]["adopted"], false,
        "a tie rejects under `greater`"
    );
    assert_eq!(
        results[0]["colleges"][2]["for_share"],
        Value::Null,
        "C's abstainers carry no weight"
    );
    assert_eq!(results[0]["empty_college"], "renormalise");
}

/// E3b: college C has members but nobody votes there; its weight is shared
/// (option R) or counts as neither for nor against (option T).
async fn e3b(app: &TestApp, option: &str, share: &str, extraordinary_adopted: bool) {
    let vote = Vote::new(app, &["50", "30", "20"], "combined", 1).await;
    let res = app
        .client
        .put(app.url("/api/v1/cooperative"))
        .bearer_auth(&vote.token)
        .json(&json!({"rules": {"empty_college": option}}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let o = vote.resolution("ordinary", json!({"weighted": true})).await;
    let e = vote
        .resolution("extraordinary", json!({"weighted": true}))
        .await;
    let results = vote_on(&vote, &[(7, 3, 0), (2, 1, 0)], &[o, e]).await;
    assert_eq!(results[0]["for_share"], share, "option {option}");
    assert_eq!(results[0]["empty_college"], option);
    assert_eq!(results[0]["adopted"], true);
    assert_eq!(
        results[1]["adopted"], extraordinary_adopted,
        "option {option} at an extraordinary vote"
    );
}

async fn e3b_option_r_renormalises(app: TestApp) {
    e3b(&app, "renormalise", "11/16", true).await;
}

async fn e3b_option_t_keeps_the_total(app: TestApp) {
    e3b(&app, "total", "11/20", false).await;
}

async fn e4_exact_tie_with_thirds(app: TestApp) {
    let vote = Vote::new(&app, &["1/3", "1/3", "1/3"], "ordinary", 1).await;
    let r = vote.resolution("ordinary", json!({"weighted": true})).await;
    let results = vote_on(&vote, &[(1, 2, 0), (1, 1, 0), (2, 1, 0)], &[r]).await;
    assert_eq!(results[0]["for_share"], "1/2");
    assert_eq!(results[0]["adopted"], false);
    assert_eq!(results[0]["colleges"][0]["weight"], "33.33");
}

/// An unweighted extraordinary vote (RULES E5): the share of heads.
async fn e5(app: &TestApp, votes: (usize, usize, usize), abstentions: &str) -> Value {
    let vote = Vote::new(app, &[], "extraordinary", 1).await;
    let res = app
        .client
        .put(app.url("/api/v1/cooperative"))
        .bearer_auth(&vote.token)
        .json(&json!({"rules": {"abstentions": abstentions}}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let r = vote
        .resolution("extraordinary", json!({"weighted": false}))
        .await;
    vote_on(&vote, &[votes], &[r]).await.remove(0)
}

async fn e5a_exactly_two_thirds_is_adopted(app: TestApp) {
    let r = e5(&app, (20, 10, 0), "excluded").await;
    assert_eq!(
        (r["for_share"].as_str(), r["adopted"].as_bool()),
        (Some("2/3"), Some(true)),
        "exactly 2/3 with at_least"
    );
}

async fn e5b_short_of_two_thirds(app: TestApp) {
    let r = e5(&app, (19, 10, 5), "excluded").await;
    assert_eq!(
        (
            r["for_share"].as_str(),
            r["for_percent"].as_str(),
            r["adopted"].as_bool()
        ),
        (Some("19/29"), Some("65.52"), Some(false))
    );
}

async fn e5c_abstentions_after_2019(app: TestApp) {
    let r = e5(&app, (20, 7, 4), "excluded").await;
    assert_eq!(
        (
            r["for_share"].as_str(),
            r["for_percent"].as_str(),
            r["adopted"].as_bool()
        ),
        (Some("20/27"), Some("74.07"), Some(true))
    );
}

async fn e5c_abstentions_against_before_2019(app: TestApp) {
    let r = e5(&app, (20, 7, 4), "against").await;
    assert_eq!(
        (
            r["for_share"].as_str(),
            r["for_percent"].as_str(),
            r["adopted"].as_bool()
        ),
        (Some("20/31"), Some("64.52"), Some(false))
    );
    assert_eq!(r["abstentions"], "against");
}

async fn quorum(vote: &Vote<'_>, majority: &str) -> Value {
    let path = format!(
        "/api/v1/assemblies/{}/quorum?majority={majority}",
        vote.assembly
    );
    vote.app
        .get_api(&path, Some(&vote.token))
        .await
        .json()
        .await
        .expect("JSON")
}

async fn e6_e7_quorum_with_integer_comparison(app: TestApp) {
    // E6: N = 120, 15 present + 6 represented + 4 by correspondence = 25.
    let vote = Vote::new(&app, &[], "combined", 1).await;
    let college = {
        let body: Value = app
            .get_api("/api/v1/colleges", Some(&vote.token))
            .await
            .json()
            .await
            .expect("JSON");
        body["colleges"][0]["id"].as_i64().expect("id")
    };
    let ids = admit_many(&app, &vote.token, college, 121, "q").await;
    // The 121st joins after convening: the frozen roll has 120.
    let late = ids[120];
    let res = app
        .client
        .post(app.url(&format!("/api/v1/associates/{late}/withdraw")))
        .bearer_auth(&vote.token)
        .json(&json!({"on": "2025-06-01", "reason": "withdrawal"}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    vote.convene().await;
    for id in &ids[..15] {
        assert_eq!(vote.attend(*id, "present", None).await.status(), 200);
    }
    for (i, id) in ids[15..21].iter().enumerate() {
        assert_eq!(
            vote.attend(*id, "represented", Some(ids[i])).await.status(),
            200
        );
    }
    for id in &ids[21..25] {
        assert_eq!(vote.attend(*id, "correspondence", None).await.status(), 200);
    }
    let ordinary = quorum(&vote, "ordinary").await;
    assert_eq!(
        (ordinary["members"].as_u64(), ordinary["counted"].as_u64()),
        (Some(120), Some(25))
    );
    assert_eq!(
        (
            ordinary["fraction"].as_str(),
            ordinary["required"].as_u64(),
            ordinary["reached"].as_bool()
        ),
        (Some("1/5"), Some(24), Some(true))
    );
    let extraordinary = quorum(&vote, "extraordinary").await;
    assert_eq!(
        (
            extraordinary["required"].as_u64(),
            extraordinary["reached"].as_bool()
        ),
        (Some(30), Some(false))
    );

    let second = Vote {
        assembly: {
            let res = vote.post("/api/v1/assemblies", json!({"title": "AGE 2", "kind": "extraordinary", "starts_at": in_a_month(), "place": "Lyon", "call": 2, "first_call_id": vote.assembly})).await;
            let body: Value = res.json().await.expect("JSON");
            body["id"].as_i64().expect("id")
        },
        ..vote
    };
    second.convene().await;
    for id in &ids[..15] {
        second.attend(*id, "present", None).await;
    }
    for (i, id) in ids[15..21].iter().enumerate() {
        second.attend(*id, "represented", Some(ids[i])).await;
    }
    for id in &ids[21..25] {
        second.attend(*id, "correspondence", None).await;
    }
    let q = quorum(&second, "extraordinary").await;
    assert_eq!(
        (
            q["fraction"].as_str(),
            q["required"].as_u64(),
            q["reached"].as_bool()
        ),
        (Some("1/5"), Some(24), Some(true))
    );

    // E7: N = 121, P = 24: 24 × 5 = 120 < 121.
    let third = Vote::new_in(&app, &second.token, "ordinary", 1).await;
    let more = admit_many(&app, &second.token, college, 1, "q2").await;
    third.convene().await;
    let q0 = quorum(&third, "ordinary").await;
    assert_eq!(q0["members"], 121, "120 active + 1 newly admitted");
    for id in ids[..23].iter().chain(more.iter()) {
        third.attend(*id, "present", None).await;
    }
    let q = quorum(&third, "ordinary").await;
    assert_eq!(
        (
            q["counted"].as_u64(),
            q["required"].as_u64(),
            q["reached"].as_bool()
        ),
        (Some(24), Some(25), Some(false))
    );
}

async fn e12_blank_proxy_counts_for_in_the_principal_college(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "extraordinary", 1).await;
    let approved = vote
        .resolution(
            "extraordinary",
            json!({"weighted": true, "board_approved": true}),
        )
        .await;
    let opposed = vote
        .resolution(
            "extraordinary",
            json!({"weighted": true, "board_approved": false}),
        )
        .await;
    let a = admit_many(&app, &vote.token, vote.colleges[0], 2, "a").await;
    let b = admit_many(&app, &vote.token, vote.colleges[1], 1, "b").await;
    vote.convene().await;
    for id in &a {
        vote.attend(*id, "present", None).await;
    }
    assert_eq!(
        vote.attend(b[0], "represented", None).await.status(),
        200,
        "a blank proxy"
    );
    vote.open().await;
    let cards = vote.cards(&a).await;
    for r in [approved, opposed] {
        vote.post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
            .await;
        vote.ballot(r, &cards[&a[0]], "for", None).await;
        vote.ballot(r, &cards[&a[1]], "against", None).await;
        let result = vote.close(r).await;
        let college_b = &result["colleges"][1];
        let expected = if r == approved { (1, 0) } else { (0, 1) };
        assert_eq!(
            (college_b["for"].as_u64(), college_b["against"].as_u64()),
            (Some(expected.0), Some(expected.1)),
            "the blank proxy follows the board in college B"
        );
        assert_eq!(
            result["colleges"][0]["for"], 1,
            "not in the chair's college"
        );
        assert_eq!(result["counts"]["ballots"], 3);
    }
}

both_backends!(
    a_reissued_card_revokes_the_earlier_one,
    refusals_are_precise,
    two_hundred_concurrent_ballots_count_once,
    secret_ballots_are_unlinkable_and_recountable
);

/// A lost card is replaced: the earlier card of that associate no longer
/// votes, the new one does, and other associates' cards are untouched.
async fn a_reissued_card_revokes_the_earlier_one(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let r = vote.resolution("ordinary", json!({})).await;
    let ids = admit_many(&app, &vote.token, vote.colleges[0], 2, "lost").await;
    vote.convene().await;
    for id in &ids {
        assert_eq!(vote.attend(*id, "present", None).await.status(), 200);
    }
    vote.open().await;
    let first = vote.cards(&ids).await;
    let again = vote.cards(&ids[..1]).await;
    assert_ne!(first[&ids[0]], again[&ids[0]]);
    assert_eq!(
        vote.post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
            .await
            .status(),
        200
    );
    let lost = vote.ballot(r, &first[&ids[0]], "for", None).await;
    assert_eq!(lost.status(), 401, "the earlier card is revoked");
    assert_eq!(
        vote.ballot(r, &again[&ids[0]], "for", None).await.status(),
        201
    );
    assert_eq!(
        vote.ballot(r, &first[&ids[1]], "against", None)
            .await
            .status(),
        201
    );
}

async fn refusals_are_precise(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let r = vote.resolution("ordinary", json!({})).await;
    let ids = admit_many(&app, &vote.token, vote.colleges[0], 6, "r").await;
    vote.convene().await;
    let res = app
        .client
        .put(app.url("/api/v1/cooperative"))
        .bearer_auth(&vote.token)
        .json(&json!({"rules": {"proxies_per_holder": 1}}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    vote.attend(ids[0], "present", None).await;
    vote.attend(ids[1], "present", None).await;
    assert_eq!(
        vote.attend(ids[2], "represented", Some(ids[0]))
            .await
            .status(),
        200
    );
    assert_eq!(
        error_code(vote.attend(ids[3], "represented", Some(ids[0])).await, 422).await,
        "proxy_over_cap"
    );
    assert_eq!(
        error_code(vote.attend(ids[0], "represented", Some(ids[1])).await, 422).await,
        "proxy_chain"
    );
    assert_eq!(
        error_code(vote.attend(ids[3], "represented", Some(ids[4])).await, 422).await,
        "proxy_holder_absent"
    );
    vote.open().await;
    let cards = vote.cards(&[ids[0], ids[1], ids[5]]).await;
    // Not attending: 403, even before the resolution opens.
    assert_eq!(
        error_code(vote.ballot(r, &cards[&ids[5]], "for", None).await, 403).await,
        "forbidden"
    );
    assert_eq!(
        error_code(vote.ballot(r, &cards[&ids[0]], "for", None).await, 409).await,
        "resolution_not_open"
    );
    vote.post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
        .await;
    assert_eq!(
        vote.ballot(r, &cards[&ids[0]], "for", None).await.status(),
        201
    );
    assert_eq!(
        error_code(vote.ballot(r, &cards[&ids[0]], "against", None).await, 409).await,
        "already_voted"
    );
    assert_eq!(
        error_code(
            vote.ballot(r, &cards[&ids[1]], "for", Some(ids[2])).await,
            403
        )
        .await,
        "forbidden",
        "no proxy from them"
    );
    assert_eq!(
        vote.ballot(r, &cards[&ids[0]], "for", Some(ids[2]))
            .await
            .status(),
        201,
        "my vote and my proxy"
    );
    assert_eq!(
        error_code(vote.ballot(r, &cards[&ids[0]], "maybe", None).await, 400).await,
        "bad_request"
    );
    assert_eq!(
        error_code(vote.ballot(r, &"f".repeat(64), "for", None).await, 401).await,
        "unauthorized"
    );

    // Convening inside the notice period names the earliest valid date.
    let soon = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%dT14:00:00+01:00")
        .to_string();
    let res = vote.post("/api/v1/assemblies", json!({"title": "Trop tôt", "kind": "ordinary", "starts_at": soon, "place": "Lyon", "call": 1})).await;
    let late: Value = res.json().await.expect("JSON");
    let res = vote
        .post(
            &format!("/api/v1/assemblies/{}/convene", late["id"]),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.expect("JSON");
    let earliest = (chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
        + chrono::Duration::days(15))
    .to_string();
    assert_eq!(body["error"]["code"], "notice_period");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains(&earliest),
        "{body}"
    );
    let forced = vote
        .post(
            &format!("/api/v1/assemblies/{}/convene", late["id"]),
            json!({"override_notice": true}),
        )
        .await;
    assert_eq!(forced.status(), 200);
    let shown: Value = app
        .get_api(
            &format!("/api/v1/assemblies/{}", late["id"]),
            Some(&vote.token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(shown["notice_overridden"], true);
}

async fn two_hundred_concurrent_ballots_count_once(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let r = vote.resolution("ordinary", json!({})).await;
    let ids = admit_many(&app, &vote.token, vote.colleges[0], 2, "c").await;
    let (holder, principal) = (ids[0], ids[1]);
    vote.convene().await;
    vote.attend(holder, "present", None).await;
    vote.attend(principal, "represented", Some(holder)).await;
    vote.open().await;
    vote.post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
        .await;
    // A card reissued to the holder: the first one, revoked, must not
    // slip a ballot in while the second is being used.
    let first = vote.cards(&[holder]).await[&holder].clone();
    let second = vote.cards(&[holder]).await[&holder].clone();
    let mut tasks = Vec::new();
    for i in 0..400 {
        let (client, url) = (
            app.client.clone(),
            app.url(&format!("/api/v1/resolutions/{r}/ballots")),
        );
        let card = if i % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        // Half for the holder themselves, half for the principal.
        let body = if i < 200 {
            json!({"choice": "for"})
        } else {
            json!({"choice": "against", "on_behalf_of": principal})
        };
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(card)
                .json(&body)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap_or(0));
    }
    let accepted = statuses.iter().filter(|s| **s == 201).count();
    let conflicts = statuses.iter().filter(|s| **s == 409).count();
    let revoked = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(
        (accepted, conflicts, revoked),
        (2, 198, 200),
        "one for the holder, one for the principal, none by the revoked card: {statuses:?}"
    );
    let result = vote.close(r).await;
    assert_eq!(
        result["counts"],
        json!({"for": 1, "against": 1, "abstain": 0, "ballots": 2})
    );
}

async fn secret_ballots_are_unlinkable_and_recountable(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let secret = vote
        .resolution("ordinary", json!({"secret": true, "weighted": true}))
        .await;
    let named = vote
        .resolution("ordinary", json!({"secret": false, "weighted": true}))
        .await;
    let results = vote_on(&vote, &[(3, 1, 1), (1, 2, 0), (2, 0, 0)], &[secret, named]).await;

    // Nothing in the tables links a voter to a secret choice.
    let db = app.db();
    let mut conn = db.get().expect("connection");
    let rows = scrutin::db::models::resolution::ballots_of(&mut conn, secret).expect("ballots");
    assert_eq!(rows.len(), 10);
    assert!(
        rows.iter().all(|b| b.associate_id.is_none()),
        "no voter on a secret ballot"
    );
    assert!(
        rows.iter()
            .all(|b| b.id.len() == 32 && b.receipt.len() == 32),
        "random ids and 128-bit receipts"
    );
    let participants =
        scrutin::db::models::resolution::participants(&mut conn, secret).expect("participants");
    assert_eq!(participants.len(), 10, "who took part is known, not how");
    let named_rows =
        scrutin::db::models::resolution::ballots_of(&mut conn, named).expect("ballots");
    assert!(
        named_rows.iter().all(|b| b.associate_id.is_some()),
        "a named ballot names its voter"
    );

    // Anyone can recount from the published receipts.
    for (r, result) in [secret, named].iter().zip(&results) {
        let published: Value = app
            .get_api(
                &format!("/api/v1/resolutions/{r}/receipts"),
                Some(&vote.token),
            )
            .await
            .json()
            .await
            .expect("JSON");
        let receipts = published["receipts"].as_array().expect("receipts");
        let count = |choice: &str| receipts.iter().filter(|x| x["choice"] == choice).count() as u64;
        assert_eq!(
            json!({"for": count("for"), "against": count("against"), "abstain": count("abstain"), "ballots": receipts.len()}),
            result["counts"]
        );
        for (i, college) in vote.colleges.iter().enumerate() {
            let in_college = |choice: &str| {
                receipts
                    .iter()
                    .filter(|x| x["choice"] == choice && x["college_id"] == *college)
                    .count() as u64
            };
            assert_eq!(
                in_college("for"),
                result["colleges"][i]["for"].as_u64().unwrap_or(99)
            );
            assert_eq!(
                in_college("against"),
                result["colleges"][i]["against"].as_u64().unwrap_or(99)
            );
        }
        assert_eq!(published["chain_head"], result["chain_head"]);
    }
    // The named resolution's chain replays to its published head.
    let published: Value = app
        .get_api(
            &format!("/api/v1/resolutions/{named}/receipts"),
            Some(&vote.token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(published["chain_head"], replay_published(named, &published));
    let res = app
        .get_api(
            &format!("/api/v1/resolutions/{named}/result"),
            Some(&vote.token),
        )
        .await;
    let again: Value = res.json().await.expect("JSON");
    assert_eq!(&again, &results[1], "a closed result never changes");
}

both_backends!(the_roll_is_frozen_and_later_changes_are_warned);

async fn the_roll_is_frozen_and_later_changes_are_warned(app: TestApp) {
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    let ids = admit_many(&app, &vote.token, vote.colleges[0], 3, "roll").await;
    vote.convene().await;
    let late = admit_many(&app, &vote.token, vote.colleges[1], 1, "late").await;
    let res = vote
        .post(
            &format!("/api/v1/associates/{}/withdraw", ids[0]),
            json!({"on": "2026-01-01", "reason": "withdrawal"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let shown: Value = app
        .get_api(
            &format!("/api/v1/assemblies/{}", vote.assembly),
            Some(&vote.token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let warnings: Vec<(i64, String)> = shown["roll_warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| {
            (
                w["associate_id"].as_i64().unwrap_or(0),
                w["change"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        warnings.contains(&(late[0], "admitted_since".into())),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(&(ids[0], "left_since".into())),
        "{warnings:?}"
    );
    let q = quorum(&vote, "ordinary").await;
    assert_eq!(q["members"], 3, "the frozen roll decides who may vote");
    assert_eq!(
        error_code(vote.attend(late[0], "present", None).await, 404).await,
        "not_found"
    );
}
