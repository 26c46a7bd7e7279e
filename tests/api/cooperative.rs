use serde_json::{Value, json};

use crate::helpers::{TestApp, error_code};

both_backends!(
    a_new_cooperative_is_a_scic_sa_with_five_equal_colleges,
    changing_the_form_resets_the_rules_then_applies_those_given,
    a_refused_college_set_lists_every_broken_rule_and_changes_nothing,
    colleges_are_replaced_as_a_whole,
);

async fn a_new_cooperative_is_a_scic_sa_with_five_equal_colleges(app: TestApp) {
    let token = app.admin_token().await;
    let coop: Value = app
        .get_api("/api/v1/cooperative", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(coop["legal_form"], "SA");
    assert_eq!(
        coop["rules"],
        json!({
            "ordinary": {"quorum_first_call": "1/5", "quorum_second_call": "0/1", "majority": "1/2", "comparison": "greater"},
            "extraordinary": {"quorum_first_call": "1/4", "quorum_second_call": "1/5", "majority": "2/3", "comparison": "at_least"},
            "abstentions": "excluded",
            "empty_college": "renormalise",
            "proxies_per_holder": null,
            "remote_participation": true
        })
    );
    let colleges: Value = app
        .get_api("/api/v1/colleges", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    let names: Vec<&str> = colleges["colleges"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
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
    assert!(
        colleges["colleges"]
            .as_array()
            .expect("list")
            .iter()
            .all(|c| c["weight"] == "20.00" && c["members"] == 0)
    );
}

async fn changing_the_form_resets_the_rules_then_applies_those_given(app: TestApp) {
    let token = app.admin_token().await;
    let put = |body: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            app.client
                .put(app.url("/api/v1/cooperative"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("request")
        }
    };
    let res =
        put(json!({"name": "Libre Informatique SCIC", "rules": {"proxies_per_holder": 3}})).await;
    assert_eq!(res.status(), 200);
    let coop: Value = res.json().await.expect("JSON");
    assert_eq!(coop["name"], "Libre Informatique SCIC");
    assert_eq!(coop["rules"]["proxies_per_holder"], 3);

    let res = put(json!({"legal_form": "SARL", "rules": {"ordinary": {"majority": "3/5"}}})).await;
    let coop: Value = res.json().await.expect("JSON");
    assert_eq!(coop["legal_form"], "SARL");
    assert_eq!(
        coop["rules"]["proxies_per_holder"],
        Value::Null,
        "reset to the SARL defaults"
    );
    assert_eq!(coop["rules"]["abstentions"], "against");
    assert_eq!(
        coop["rules"]["ordinary"]["majority"], "3/5",
        "then the given rule applies"
    );
    assert_eq!(coop["rules"]["ordinary"]["comparison"], "greater");

    assert_eq!(
        error_code(
            put(json!({"rules": {"ordinary": {"majority": "3/2"}}})).await,
            422
        )
        .await,
        "invalid_rules"
    );
    assert_eq!(
        error_code(put(json!({"legal_form": "GmbH"})).await, 400).await,
        "bad_request"
    );
    assert_eq!(
        error_code(put(json!({"name": "  "})).await, 422).await,
        "invalid_name"
    );
    let unchanged: Value = app
        .get_api("/api/v1/cooperative", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(unchanged, coop, "a refused change changes nothing");
}

async fn a_refused_college_set_lists_every_broken_rule_and_changes_nothing(app: TestApp) {
    let token = app.admin_token().await;
    let before: Value = app
        .get_api("/api/v1/colleges", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    // RULES E8: 60/40 breaks "at least 3" and "at most 50 %" at once.
    let res = app
        .client
        .put(app.url("/api/v1/colleges"))
        .bearer_auth(&token)
        .json(&json!({"colleges": [{"name": "A", "weight": "60"}, {"name": "B", "weight": "40"}]}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "invalid_colleges");
    let codes: Vec<&str> = body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|v| v["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"too_few_colleges") && codes.contains(&"college_weight_above_maximum"),
        "{codes:?}"
    );
    // 30/30/15/15/5/5: two colleges under 10 %.
    let six: Vec<Value> = ["30", "30", "15", "15", "5", "5"]
        .iter()
        .enumerate()
        .map(|(i, w)| json!({"name": format!("C{i}"), "weight": w}))
        .collect();
    let res = app
        .client
        .put(app.url("/api/v1/colleges"))
        .bearer_auth(&token)
        .json(&json!({"colleges": six}))
        .send()
        .await
        .expect("request");
    let body: Value = res.json().await.expect("JSON");
    let below = body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter(|v| v["code"] == "college_weight_below_minimum")
        .count();
    assert_eq!(below, 2);
    let after: Value = app
        .get_api("/api/v1/colleges", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(before, after);
}

async fn colleges_are_replaced_as_a_whole(app: TestApp) {
    let token = app.admin_token().await;
    let current: Value = app
        .get_api("/api/v1/colleges", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    let ids: Vec<i64> = current["colleges"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    let res = app
        .client
        .put(app.url("/api/v1/colleges"))
        .bearer_auth(&token)
        .json(&json!({"colleges": [
            {"id": ids[0], "name": "Salariés", "weight": "34"},
            {"id": ids[1], "name": "Usagers", "weight": "33"},
            {"name": "Partenaires", "weight": "33"}
        ]}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.expect("JSON");
    let got: Vec<(String, String)> = body["colleges"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or("").to_string(),
                c["weight"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Salariés".into(), "34.00".into()),
            ("Usagers".into(), "33.00".into()),
            ("Partenaires".into(), "33.00".into())
        ]
    );
    assert_eq!(
        body["colleges"][0]["id"], ids[0],
        "a kept college keeps its id"
    );
}
