//! Cooperatives set up for a test through the API: colleges, associates,
//! an assembly on its way to a vote (`Vote`), the roles of the route table
//! (`Who`, `log_in`, `fixture`) and a page client with a cookie jar.

use scrutin::db::models::account::Role;
use std::collections::HashMap;

use serde_json::{Value, json};

use super::app::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, input_value};

/// A cooperative on its way to a vote: the admin's token and the colleges.
pub struct Vote<'a> {
    pub app: &'a TestApp,
    pub token: String,
    pub colleges: Vec<i64>,
    pub assembly: i64,
}

pub async fn put_colleges(app: &TestApp, token: &str, weights: &[&str]) -> Vec<i64> {
    let set: Vec<Value> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| json!({"name": format!("Collège {}", i + 1), "weight": w}))
        .collect();
    let res = app
        .client
        .put(app.url("/api/v1/colleges"))
        .bearer_auth(token)
        .json(&json!({"colleges": set}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200, "colleges {weights:?}");
    let body: Value = res.json().await.expect("JSON");
    body["colleges"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect()
}

pub async fn admit_many(app: &TestApp, token: &str, college: i64, n: usize, tag: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let body = json!({
            "name": format!("{tag} {i}"), "email": format!("{tag}{i}@example.coop"), "kind": "person",
            "category": "beneficiary", "college_id": college, "admitted_on": "2025-01-02"
        });
        let res = app
            .post_json("/api/v1/associates", &body, Some(token))
            .await;
        assert_eq!(res.status(), 201);
        let a: Value = res.json().await.expect("JSON");
        ids.push(a["id"].as_i64().expect("id"));
    }
    ids
}

pub fn in_a_month() -> String {
    (chrono::Utc::now() + chrono::Duration::days(30))
        .format("%Y-%m-%dT14:00:00+01:00")
        .to_string()
}

impl<'a> Vote<'a> {
    pub async fn new(app: &'a TestApp, weights: &[&str], kind: &str, call: i64) -> Vote<'a> {
        let token = app.admin_token().await;
        let colleges = if weights.is_empty() {
            let body: Value = app
                .get_api("/api/v1/colleges", Some(&token))
                .await
                .json()
                .await
                .expect("JSON");
            body["colleges"]
                .as_array()
                .expect("list")
                .iter()
                .filter_map(|c| c["id"].as_i64())
                .collect()
        } else {
            put_colleges(app, &token, weights).await
        };
        let res = app
            .post_json("/api/v1/assemblies", &json!({"title": "AG", "kind": kind, "starts_at": in_a_month(), "place": "Lyon", "call": call}), Some(&token))
            .await;
        assert_eq!(res.status(), 201);
        let body: Value = res.json().await.expect("JSON");
        Vote {
            app,
            token,
            colleges,
            assembly: body["id"].as_i64().expect("id"),
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.app.post_json(path, &body, Some(&self.token)).await
    }

    pub async fn resolution(&self, majority: &str, extra: Value) -> i64 {
        let mut body = json!({"title": "Résolution", "text": "Texte", "majority": majority});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let res = self
            .post(
                &format!("/api/v1/assemblies/{}/resolutions", self.assembly),
                body,
            )
            .await;
        assert_eq!(res.status(), 201);
        let r: Value = res.json().await.expect("JSON");
        r["id"].as_i64().expect("id")
    }

    pub async fn convene(&self) {
        let res = self
            .post(
                &format!("/api/v1/assemblies/{}/convene", self.assembly),
                json!({}),
            )
            .await;
        assert_eq!(res.status(), 200, "{:?}", res.text().await);
    }

    pub async fn attend(
        &self,
        associate: i64,
        mode: &str,
        holder: Option<i64>,
    ) -> reqwest::Response {
        self.app
            .client
            .put(self.app.url(&format!(
                "/api/v1/assemblies/{}/attendance/{associate}",
                self.assembly
            )))
            .bearer_auth(&self.token)
            .json(&json!({"mode": mode, "proxy_holder_id": holder}))
            .send()
            .await
            .expect("request")
    }

    pub async fn open(&self) {
        assert_eq!(
            self.post(
                &format!("/api/v1/assemblies/{}/open", self.assembly),
                json!({})
            )
            .await
            .status(),
            200
        );
    }

    /// Voting cards for the given associates: associate → token.
    pub async fn cards(&self, ids: &[i64]) -> HashMap<i64, String> {
        let res = self
            .post(
                &format!("/api/v1/assemblies/{}/voting-cards", self.assembly),
                json!({"associate_ids": ids}),
            )
            .await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.expect("JSON");
        body["cards"]
            .as_array()
            .expect("cards")
            .iter()
            .map(|c| {
                (
                    c["associate_id"].as_i64().unwrap_or(0),
                    c["token"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }

    pub async fn ballot(
        &self,
        resolution: i64,
        card: &str,
        choice: &str,
        on_behalf_of: Option<i64>,
    ) -> reqwest::Response {
        self.app
            .post_json(
                &format!("/api/v1/resolutions/{resolution}/ballots"),
                &json!({"choice": choice, "on_behalf_of": on_behalf_of}),
                Some(card),
            )
            .await
    }

    pub async fn close(&self, resolution: i64) -> Value {
        let res = self
            .post(
                &format!("/api/v1/resolutions/{resolution}/close"),
                json!({}),
            )
            .await;
        assert_eq!(res.status(), 200);
        res.json().await.expect("JSON")
    }
}

impl<'a> Vote<'a> {
    /// Another assembly in the same cooperative.
    pub async fn new_in(app: &'a TestApp, token: &str, kind: &str, call: i64) -> Vote<'a> {
        let res = app
            .post_json("/api/v1/assemblies", &json!({"title": "AG", "kind": kind, "starts_at": in_a_month(), "place": "Lyon", "call": call}), Some(token))
            .await;
        let body: Value = res.json().await.expect("JSON");
        Vote {
            app,
            token: token.to_string(),
            colleges: vec![],
            assembly: body["id"].as_i64().expect("id"),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Who {
    Anonymous,
    /// The associate whose id the paths carry (`/associates/{id}` is theirs).
    Associate,
    /// Another associate, with a login too.
    OtherAssociate,
    Secretary,
    Admin,
}

use Who::*;

pub const A_EMAIL: &str = "alice@example.coop";
pub const A_PASSWORD: &str = "alice's long password";
pub const B_EMAIL: &str = "bruno@example.coop";
pub const B_PASSWORD: &str = "bruno's long password";
pub const SECRETARY_EMAIL: &str = "secretaire@example.coop";
const SECRETARY_PASSWORD: &str = "secrétaire de séance";

/// What the paths point at.
pub struct Fixture {
    pub college: i64,
    pub associate: i64,
    pub assembly: i64,
    pub resolution: i64,
    pub card: String,
    /// The hidden key of the voting page's form.
    pub form_key: String,
    /// One of the assembly's e-mails (a convocation) in the outbox.
    pub message: i64,
    /// The secretary's account (whose second factor the administrator may reset).
    pub secretary_account: i64,
}

/// A role's credentials: an API token and a browser session with its CSRF token.
#[derive(Default, Clone)]
pub struct Creds {
    pub token: Option<String>,
    pub cookie: Option<String>,
    pub csrf: String,
}

fn credentials(who: Who) -> Option<(&'static str, &'static str)> {
    match who {
        Anonymous => None,
        Associate => Some((A_EMAIL, A_PASSWORD)),
        OtherAssociate => Some((B_EMAIL, B_PASSWORD)),
        Secretary => Some((SECRETARY_EMAIL, SECRETARY_PASSWORD)),
        Admin => Some((ADMIN_EMAIL, ADMIN_PASSWORD)),
    }
}

/// Logs in through the API and through the login form: fresh credentials.
pub async fn log_in(app: &TestApp, who: Who) -> Creds {
    let Some((email, password)) = credentials(who) else {
        return Creds {
            csrf: "no-session".into(),
            ..Creds::default()
        };
    };
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &app.api_login_body(email, password),
            None,
        )
        .await;
    assert_eq!(res.status(), 200, "{who:?} logs in to the API");
    let body: Value = res.json().await.expect("JSON");
    let token = body["token"].as_str().map(str::to_string);

    // The administrator enrols a second factor at the first page login.
    let res = app
        .page_login(&app.client, email, password, "/dashboard")
        .await;
    assert_eq!(res.status(), 303, "{who:?} logs in to the pages");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("scrutin_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .expect("a session cookie");
    let page = app
        .client
        .get(app.url("/dashboard"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("dashboard")
        .text()
        .await
        .expect("body");
    let csrf = input_value(&page, "csrf").expect("a CSRF field on the dashboard");
    Creds {
        token,
        cookie: Some(cookie),
        csrf,
    }
}

async fn admit(
    app: &TestApp,
    token: &str,
    college: i64,
    name: &str,
    email: &str,
    password: &str,
) -> i64 {
    let res = app
        .post_json(
            "/api/v1/associates",
            &json!({
                "name": name, "email": email, "kind": "person", "category": "beneficiary",
                "college_id": college, "admitted_on": "2025-01-02", "password": password
            }),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.expect("JSON");
    body["id"].as_i64().expect("id")
}

/// A cooperative with two associates who log in, a secretary, an open
/// assembly where `Associate` is present with a voting card, and an open
/// resolution.
pub async fn fixture(app: &TestApp) -> Fixture {
    let token = app.admin_token().await;
    let colleges = put_colleges(app, &token, &["40", "30", "30"]).await;
    let associate = admit(
        app,
        &token,
        colleges[0],
        "Alice Martin",
        A_EMAIL,
        A_PASSWORD,
    )
    .await;
    let other = admit(app, &token, colleges[1], "Bruno Petit", B_EMAIL, B_PASSWORD).await;
    let secretary_account = {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        scrutin::services::accounts::create_account(
            &mut conn,
            SECRETARY_EMAIL,
            SECRETARY_PASSWORD,
            Role::Secretary,
        )
        .expect("the secretary")
    };
    let post = |path: String, body: Value| {
        let token = token.clone();
        async move { app.post_json(&path, &body, Some(&token)).await }
    };
    let res = post(
        "/api/v1/assemblies".into(),
        json!({"title": "AG", "kind": "ordinary", "starts_at": in_a_month(), "place": "Lyon", "call": 1}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let assembly = res.json::<Value>().await.expect("JSON")["id"]
        .as_i64()
        .expect("id");
    let res = post(
        format!("/api/v1/assemblies/{assembly}/resolutions"),
        json!({"title": "Comptes", "text": "Approbation", "majority": "ordinary"}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let resolution = res.json::<Value>().await.expect("JSON")["id"]
        .as_i64()
        .expect("id");
    let res = post(format!("/api/v1/assemblies/{assembly}/convene"), json!({})).await;
    assert_eq!(res.status(), 200);
    for id in [associate, other] {
        let res = app
            .client
            .put(app.url(&format!("/api/v1/assemblies/{assembly}/attendance/{id}")))
            .bearer_auth(&token)
            .json(&json!({"mode": "present", "proxy_holder_id": null}))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200);
    }
    let res = post(format!("/api/v1/assemblies/{assembly}/open"), json!({})).await;
    assert_eq!(res.status(), 200);
    let res = post(
        format!("/api/v1/assemblies/{assembly}/voting-cards"),
        json!({"associate_ids": [associate]}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let card = res.json::<Value>().await.expect("JSON")["cards"][0]["token"]
        .as_str()
        .expect("a card")
        .to_string();
    let res = post(format!("/api/v1/resolutions/{resolution}/open"), json!({})).await;
    assert_eq!(res.status(), 200);
    let page = app
        .client
        .get(app.url(&format!("/vote/{card}")))
        .send()
        .await
        .expect("the voting page")
        .text()
        .await
        .expect("body");
    let form_key = input_value(&page, "form_key").expect("a form key on the voting page");
    let message = {
        let db = app.db();
        let mut conn = db.get().expect("connection");
        scrutin::db::models::outbox::of_assembly(&mut conn, assembly).expect("the outbox")[0].id
    };
    Fixture {
        college: colleges[0],
        associate,
        assembly,
        resolution,
        card,
        form_key,
        message,
        secretary_account,
    }
}

/// The pattern with the fixture's ids in it.
pub fn concrete(pattern: &str, fx: &Fixture) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}').expect("a closing brace");
        let name = rest[start + 1..end].split(':').next().unwrap_or("");
        let before = &out;
        let value = match name {
            "token" => fx.card.clone(),
            "file" => "style.css".into(),
            "rid" => fx.resolution.to_string(),
            "message" => fx.message.to_string(),
            "id" if before.ends_with("/outbox/") => fx.message.to_string(),
            "associate" | "associate_id" => fx.associate.to_string(),
            "id" if before.ends_with("/associates/") => fx.associate.to_string(),
            "id" if before.ends_with("/accounts/") => fx.secretary_account.to_string(),
            "id" if before.ends_with("/assemblies/") => fx.assembly.to_string(),
            "id" if before.ends_with("/resolutions/") => fx.resolution.to_string(),
            other => panic!("no value for {{{other}}} in {pattern}"),
        };
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A client with a cookie jar, logged in through the /login form.
pub async fn page_client(app: &TestApp, email: &str, password: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = app.page_login(&client, email, password, "/dashboard").await;
    assert_eq!(res.status(), 303, "logged in as {email}");
    client
}

pub async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = client.get(app.url(path)).send().await.expect("GET");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}
