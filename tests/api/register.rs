use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

both_backends!(
    admission_numbers_history_and_departure,
    capital_floor_refuses_a_redemption_and_says_how_much_is_possible,
    local_authorities_hold_at_most_half_of_the_capital,
    ledger_refuses_negative_holdings_and_transfers_to_former_associates,
    associates_read_only_their_own_record,
);

/// The id of the first current college.
async fn college(app: &TestApp, token: &str, index: usize) -> i64 {
    let body: Value = app
        .get_api("/api/v1/colleges", Some(token))
        .await
        .json()
        .await
        .expect("JSON");
    body["colleges"][index]["id"]
        .as_i64()
        .expect("a college id")
}

pub async fn admit(app: &TestApp, token: &str, name: &str, category: &str, extra: Value) -> Value {
    let mut body = json!({
        "name": name, "email": format!("{}@example.coop", name.to_lowercase().replace(' ', ".")),
        "kind": "person", "category": category, "college_id": college(app, token, 0).await,
        "admitted_on": "2025-01-02"
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let res = app
        .post_json("/api/v1/associates", &body, Some(token))
        .await;
    assert_eq!(res.status(), 201, "admission of {name}");
    res.json().await.expect("JSON")
}

async fn movement(app: &TestApp, token: &str, id: &Value, body: Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/associates/{id}/shares"),
        &body,
        Some(token),
    )
    .await
}

async fn admission_numbers_history_and_departure(app: TestApp) {
    let token = app.admin_token().await;
    let alice = admit(&app, &token, "Alice Martin", "employee", json!({})).await;
    let coop = admit(
        &app,
        &token,
        "Ville de Lyon",
        "local_authority",
        json!({"kind": "entity", "representative": "Mme la maire"}),
    )
    .await;
    assert_eq!(
        (alice["number"].as_i64(), coop["number"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(coop["representative"], "Mme la maire");

    // An entity without representative, a bad e-mail, an unknown category: all reported at once.
    let res = app
        .post_json("/api/v1/associates", &json!({"name": "X", "email": "nope", "kind": "entity", "category": "alien", "college_id": 999, "admitted_on": "2025-13-01"}), Some(&token))
        .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.expect("JSON");
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "email",
            "representative",
            "category",
            "college_id",
            "admitted_on"
        ]
    );

    let id = &alice["id"];
    let res = app
        .client
        .patch(app.url(&format!("/api/v1/associates/{id}")))
        .bearer_auth(&token)
        .json(&json!({"address": "3 rue des Lilas, Lyon"}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let res = app
        .post_json(
            &format!("/api/v1/associates/{id}/withdraw"),
            &json!({"on": "2026-03-01", "reason": "withdrawal"}),
            Some(&token),
        )
        .await;
    assert_eq!(res.status(), 200);
    let gone: Value = res.json().await.expect("JSON");
    assert_eq!(
        (gone["status"].as_str(), gone["status_on"].as_str()),
        (Some("withdrawn"), Some("2026-03-01"))
    );
    let again = app
        .post_json(
            &format!("/api/v1/associates/{id}/withdraw"),
            &json!({"on": "2026-03-02", "reason": "death"}),
            Some(&token),
        )
        .await;
    assert_eq!(error_code(again, 409).await, "not_active");

    // Numbers are never reused, and nobody is deleted.
    let bob = admit(&app, &token, "Bob Durand", "beneficiary", json!({})).await;
    assert_eq!(bob["number"], 3);
    let all: Value = app
        .get_api("/api/v1/associates", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(all["associates"].as_array().map(Vec::len), Some(3));
    let active: Value = app
        .get_api("/api/v1/associates?status=active", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(active["associates"].as_array().map(Vec::len), Some(2));
}

async fn capital_floor_refuses_a_redemption_and_says_how_much_is_possible(app: TestApp) {
    // RULES E10: highest capital €200,000, now €60,000; redeeming €15,000
    // would leave €45,000 under the floor of €50,000: at most €10,000.
    let token = app.admin_token().await;
    let a = admit(&app, &token, "Investisseur", "other", json!({})).await;
    let id = &a["id"];
    assert_eq!(
        movement(
            &app,
            &token,
            id,
            json!({"movement": "subscription", "shares": 2000, "on": "2025-01-10"})
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        movement(
            &app,
            &token,
            id,
            json!({"movement": "redemption", "shares": 1400, "on": "2025-06-01"})
        )
        .await
        .status(),
        201
    );
    let res = movement(
        &app,
        &token,
        id,
        json!({"movement": "redemption", "shares": 150, "on": "2025-09-01"}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "capital_below_floor");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("50,000.00") && message.contains("10,000.00"),
        "{message}"
    );
    assert_eq!(
        movement(
            &app,
            &token,
            id,
            json!({"movement": "redemption", "shares": 100, "on": "2025-09-01"})
        )
        .await
        .status(),
        201
    );
    let capital: Value = app
        .get_api("/api/v1/capital?on=2025-12-31", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(capital["capital_cents"], 5_000_000);
    assert_eq!(capital["shares"], 500);
    let earlier: Value = app
        .get_api("/api/v1/capital?on=2025-03-01", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        earlier["capital_cents"], 20_000_000,
        "the capital at a past date"
    );
}

async fn local_authorities_hold_at_most_half_of_the_capital(app: TestApp) {
    // RULES E11: €45,000 of €100,000 held by local authorities; a commune
    // subscribing €10,000 reaches exactly 50 % (allowed), €11,000 is refused.
    let token = app.admin_token().await;
    let region = admit(
        &app,
        &token,
        "Region",
        "local_authority",
        json!({"kind": "entity", "representative": "Le président"}),
    )
    .await;
    let users = admit(&app, &token, "Usager", "beneficiary", json!({})).await;
    let commune = admit(
        &app,
        &token,
        "Commune",
        "local_authority",
        json!({"kind": "entity", "representative": "Le maire"}),
    )
    .await;
    assert_eq!(
        movement(
            &app,
            &token,
            &users["id"],
            json!({"movement": "subscription", "shares": 550, "on": "2025-02-01"})
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        movement(
            &app,
            &token,
            &region["id"],
            json!({"movement": "subscription", "shares": 450, "on": "2025-02-01"})
        )
        .await
        .status(),
        201
    );
    let res = movement(
        &app,
        &token,
        &commune["id"],
        json!({"movement": "subscription", "shares": 110, "on": "2025-03-01"}),
    )
    .await;
    assert_eq!(error_code(res, 422).await, "local_authority_cap");
    assert_eq!(
        movement(
            &app,
            &token,
            &commune["id"],
            json!({"movement": "subscription", "shares": 100, "on": "2025-03-01"})
        )
        .await
        .status(),
        201
    );
    // Now at 50 %: a redemption by the users would raise the authorities' share.
    let res = movement(
        &app,
        &token,
        &users["id"],
        json!({"movement": "redemption", "shares": 1, "on": "2025-04-01"}),
    )
    .await;
    assert_eq!(error_code(res, 422).await, "local_authority_cap");
    let capital: Value = app
        .get_api("/api/v1/capital", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    let la = capital["by_category"]
        .as_array()
        .expect("by category")
        .iter()
        .find(|c| c["key"] == "local_authority")
        .cloned()
        .unwrap_or_default();
    assert_eq!(la["capital_cents"], 5_500_000);
    assert_eq!(capital["capital_cents"], 11_000_000);
}

async fn ledger_refuses_negative_holdings_and_transfers_to_former_associates(app: TestApp) {
    let token = app.admin_token().await;
    let a = admit(&app, &token, "Anne", "employee", json!({})).await;
    let b = admit(&app, &token, "Basile", "beneficiary", json!({})).await;
    assert_eq!(
        movement(
            &app,
            &token,
            &a["id"],
            json!({"movement": "subscription", "shares": 10, "on": "2025-02-01"})
        )
        .await
        .status(),
        201
    );
    let res = movement(
        &app,
        &token,
        &a["id"],
        json!({"movement": "payment", "amount_cents": 60_000, "on": "2025-02-02"}),
    )
    .await;
    assert_eq!(res.status(), 201, "a partial payment");
    let over = movement(
        &app,
        &token,
        &a["id"],
        json!({"movement": "payment", "amount_cents": 50_000, "on": "2025-02-03"}),
    )
    .await;
    assert_eq!(error_code(over, 422).await, "payment_over_unpaid");
    let too_many = movement(&app, &token, &a["id"], json!({"movement": "transfer", "shares": 11, "on": "2025-02-04", "to_associate_id": b["id"]})).await;
    assert_eq!(error_code(too_many, 422).await, "not_enough_shares");
    assert_eq!(movement(&app, &token, &a["id"], json!({"movement": "transfer", "shares": 4, "on": "2025-02-04", "to_associate_id": b["id"]})).await.status(), 201);
    let statement: Value = app
        .get_api(
            &format!("/api/v1/associates/{}/shares", b["id"]),
            Some(&token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (
            statement["held"].as_i64(),
            statement["subscribed_cents"].as_i64()
        ),
        (Some(4), Some(40_000))
    );
    app.post_json(
        &format!("/api/v1/associates/{}/withdraw", b["id"]),
        &json!({"on": "2025-03-01", "reason": "exclusion"}),
        Some(&token),
    )
    .await;
    let to_gone = movement(&app, &token, &a["id"], json!({"movement": "transfer", "shares": 1, "on": "2025-03-02", "to_associate_id": b["id"]})).await;
    assert_eq!(error_code(to_gone, 422).await, "transfer_party_not_active");
    let statement: Value = app
        .get_api(
            &format!("/api/v1/associates/{}/shares", a["id"]),
            Some(&token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(statement["held"], 6);
    assert_eq!(
        statement["movements"].as_array().map(Vec::len),
        Some(3),
        "refused movements left no trace"
    );
}

async fn associates_read_only_their_own_record(app: TestApp) {
    let token = app.admin_token().await;
    let me = admit(
        &app,
        &token,
        "Claire",
        "employee",
        json!({"password": "claire's long password"}),
    )
    .await;
    let other = admit(&app, &token, "Denis", "employee", json!({})).await;
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "claire@example.coop", "password": "claire's long password"}),
            None,
        )
        .await;
    let login: Value = res.json().await.expect("JSON");
    assert_eq!(login["role"], "associate");
    let mine = login["token"].as_str().expect("token");
    assert_eq!(
        app.get_api(&format!("/api/v1/associates/{}", me["id"]), Some(mine))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get_api(
            &format!("/api/v1/associates/{}/shares", me["id"]),
            Some(mine)
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        error_code(
            app.get_api(&format!("/api/v1/associates/{}", other["id"]), Some(mine))
                .await,
            404
        )
        .await,
        "not_found"
    );
    assert_eq!(
        error_code(
            app.get_api(
                &format!("/api/v1/associates/{}/shares", other["id"]),
                Some(mine)
            )
            .await,
            404
        )
        .await,
        "not_found"
    );
    assert_eq!(
        error_code(app.get_api("/api/v1/associates", Some(mine)).await, 403).await,
        "forbidden"
    );
    assert_eq!(
        error_code(app.get_api("/api/v1/capital", Some(mine)).await, 403).await,
        "forbidden"
    );
    let write = app
        .post_json("/api/v1/associates", &json!({"name": "Eve"}), Some(mine))
        .await;
    assert!(
        matches!(write.status().as_u16(), 400 | 403),
        "{}",
        write.status()
    );
    let write = app
        .client
        .put(app.url("/api/v1/colleges"))
        .bearer_auth(mine)
        .json(&json!({"colleges": []}))
        .send()
        .await
        .expect("request");
    assert_eq!(error_code(write, 403).await, "forbidden");
}
