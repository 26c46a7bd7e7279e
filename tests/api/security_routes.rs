//! Every route × every role (SECURITY.md, issue 6 point 2). `TABLE` says who
//! may use each route; the test first checks it names exactly the routes
//! the server registers (`scrutin::web::route_list`, the very list the
//! server is built from), so a new route without a line here fails. Then it
//! sends each route a well-shaped request as each role: an allowed role
//! must not get 401/403/404 (nor the login redirect of the pages), every
//! other role must get one of them.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{A_EMAIL, A_PASSWORD, TestApp, error_code};
use crate::helpers::{Creds, Fixture, Who, concrete, fixture, in_a_month, log_in};

use Who::*;

const EVERYONE: &[Who] = &[Anonymous, Associate, OtherAssociate, Secretary, Admin];
const LOGGED_IN: &[Who] = &[Associate, OtherAssociate, Secretary, Admin];
const ASSOCIATES: &[Who] = &[Associate, OtherAssociate];
const OWNER_AND_STAFF: &[Who] = &[Associate, Secretary, Admin];
const STAFF: &[Who] = &[Secretary, Admin];
const ADMIN: &[Who] = &[Admin];

/// Who may use each route. In the paths, an associate id is `Associate`'s,
/// an assembly or resolution id is the fixture's, a `{token}` is
/// `Associate`'s voting card: a capability, so whoever holds it may vote.
const TABLE: &[(&str, &str, &[Who])] = &[
    // The API.
    ("POST", "/api/v1/auth/login", EVERYONE),
    ("POST", "/api/v1/auth/logout", LOGGED_IN),
    ("GET", "/api/v1/me", LOGGED_IN),
    ("GET", "/api/v1/me/ballots", ASSOCIATES),
    ("GET", "/api/v1/cooperative", LOGGED_IN),
    ("PUT", "/api/v1/cooperative", ADMIN),
    ("GET", "/api/v1/colleges", LOGGED_IN),
    ("PUT", "/api/v1/colleges", ADMIN),
    ("POST", "/api/v1/associates", ADMIN),
    ("GET", "/api/v1/associates", STAFF),
    ("GET", "/api/v1/associates/{id}", OWNER_AND_STAFF),
    ("PATCH", "/api/v1/associates/{id}", ADMIN),
    ("POST", "/api/v1/associates/{id}/withdraw", ADMIN),
    ("POST", "/api/v1/associates/{id}/shares", ADMIN),
    ("GET", "/api/v1/associates/{id}/shares", OWNER_AND_STAFF),
    ("GET", "/api/v1/capital", STAFF),
    (
        "GET",
        "/api/v1/associates/{id}/certificate",
        OWNER_AND_STAFF,
    ),
    ("GET", "/api/v1/register", STAFF),
    ("POST", "/api/v1/assemblies", STAFF),
    ("GET", "/api/v1/assemblies", LOGGED_IN),
    ("GET", "/api/v1/assemblies/{id}", LOGGED_IN),
    ("PUT", "/api/v1/assemblies/{id}/bureau", STAFF),
    ("POST", "/api/v1/assemblies/{id}/convene", STAFF),
    ("POST", "/api/v1/assemblies/{id}/open", STAFF),
    ("POST", "/api/v1/assemblies/{id}/close", STAFF),
    ("GET", "/api/v1/assemblies/{id}/attendance", STAFF),
    (
        "PUT",
        "/api/v1/assemblies/{id}/attendance/{associate_id}",
        STAFF,
    ),
    ("GET", "/api/v1/assemblies/{id}/quorum", LOGGED_IN),
    ("POST", "/api/v1/assemblies/{id}/check-in", ASSOCIATES),
    ("POST", "/api/v1/assemblies/{id}/voting-cards", STAFF),
    ("POST", "/api/v1/assemblies/{id}/resolutions", STAFF),
    ("POST", "/api/v1/resolutions/{id}/open", STAFF),
    ("POST", "/api/v1/resolutions/{id}/close", STAFF),
    ("POST", "/api/v1/resolutions/{id}/ballots", ASSOCIATES),
    ("POST", "/api/v1/resolutions/{id}/postal-ballots", STAFF),
    ("GET", "/api/v1/resolutions/{id}/postal-ballots", STAFF),
    ("GET", "/api/v1/resolutions/{id}/result", LOGGED_IN),
    ("GET", "/api/v1/resolutions/{id}/receipts", LOGGED_IN),
    ("GET", "/api/v1/resolutions/{id}/result.csv", LOGGED_IN),
    ("GET", "/api/v1/assemblies/{id}/minutes", LOGGED_IN),
    ("PUT", "/api/v1/assemblies/{id}/minutes", STAFF),
    ("GET", "/api/v1/assemblies/{id}/minutes/state", LOGGED_IN),
    ("POST", "/api/v1/assemblies/{id}/minutes/sign", STAFF),
    ("POST", "/api/v1/assemblies/{id}/minutes/corrections", STAFF),
    ("GET", "/api/v1/assemblies/{id}/attendance-sheet", LOGGED_IN),
    ("GET", "/api/v1/assemblies/{id}/archive", STAFF),
    ("GET", "/api/v1/assemblies/{id}/outbox", STAFF),
    ("POST", "/api/v1/outbox/{id}/resend", STAFF),
    // The pages.
    ("GET", "/", EVERYONE),
    ("GET", "/login", EVERYONE),
    ("POST", "/login", EVERYONE),
    ("POST", "/login/link", EVERYONE),
    ("GET", "/login/link/{token}", EVERYONE),
    ("POST", "/login/link/{token}", EVERYONE),
    ("GET", "/password/forgot", EVERYONE),
    ("POST", "/password/forgot", EVERYONE),
    ("GET", "/password/reset/{token}", EVERYONE),
    ("POST", "/password/reset/{token}", EVERYONE),
    ("POST", "/logout", LOGGED_IN),
    ("GET", "/login/second-factor", EVERYONE),
    ("POST", "/login/second-factor", EVERYONE),
    ("GET", "/account/second-factor", LOGGED_IN),
    ("POST", "/account/second-factor", LOGGED_IN),
    ("POST", "/account/second-factor/recovery-codes", LOGGED_IN),
    ("POST", "/account/second-factor/disable", LOGGED_IN),
    ("POST", "/import/preview", ADMIN),
    ("GET", "/import", ADMIN),
    ("POST", "/import", ADMIN),
    ("GET", "/associates/export.csv", STAFF),
    ("GET", "/dashboard", LOGGED_IN),
    ("GET", "/settings", ADMIN),
    ("POST", "/settings", ADMIN),
    ("GET", "/accounts", ADMIN),
    ("POST", "/accounts", ADMIN),
    ("POST", "/accounts/{id:\\d+}/second-factor/reset", ADMIN),
    ("GET", "/colleges", STAFF),
    ("POST", "/colleges", ADMIN),
    ("GET", "/associates", STAFF),
    ("GET", "/associates/new", ADMIN),
    ("POST", "/associates/new", ADMIN),
    ("GET", "/associates/{id:\\d+}", OWNER_AND_STAFF),
    ("GET", "/associates/{id:\\d+}/edit", ADMIN),
    ("POST", "/associates/{id:\\d+}/edit", ADMIN),
    ("POST", "/associates/{id:\\d+}/shares", ADMIN),
    ("POST", "/associates/{id:\\d+}/withdraw", ADMIN),
    ("GET", "/capital", STAFF),
    ("GET", "/register", STAFF),
    ("GET", "/assemblies", STAFF),
    ("POST", "/assemblies", STAFF),
    ("GET", "/assemblies/{id:\\d+}", STAFF),
    ("POST", "/assemblies/{id:\\d+}/bureau", STAFF),
    ("POST", "/assemblies/{id:\\d+}/resolutions", STAFF),
    ("POST", "/assemblies/{id:\\d+}/convene", STAFF),
    (
        "POST",
        "/assemblies/{id:\\d+}/outbox/{message:\\d+}/resend",
        STAFF,
    ),
    ("POST", "/assemblies/{id:\\d+}/open", STAFF),
    ("POST", "/assemblies/{id:\\d+}/close", STAFF),
    (
        "POST",
        "/assemblies/{id:\\d+}/resolutions/{rid:\\d+}/open",
        STAFF,
    ),
    (
        "POST",
        "/assemblies/{id:\\d+}/resolutions/{rid:\\d+}/close",
        STAFF,
    ),
    (
        "POST",
        "/assemblies/{id:\\d+}/resolutions/{rid:\\d+}/postal",
        STAFF,
    ),
    ("GET", "/assemblies/{id:\\d+}/attendance", STAFF),
    (
        "POST",
        "/assemblies/{id:\\d+}/attendance/{associate:\\d+}",
        STAFF,
    ),
    ("GET", "/assemblies/{id:\\d+}/cards", STAFF),
    ("POST", "/assemblies/{id:\\d+}/cards", STAFF),
    ("GET", "/assemblies/{id:\\d+}/convocations", STAFF),
    ("GET", "/assemblies/{id:\\d+}/check-in", ASSOCIATES),
    ("POST", "/assemblies/{id:\\d+}/check-in", ASSOCIATES),
    ("GET", "/assemblies/{id:\\d+}/screen", STAFF),
    ("GET", "/assemblies/{id:\\d+}/events", STAFF),
    ("GET", "/assemblies/{id:\\d+}/minutes", STAFF),
    ("POST", "/assemblies/{id:\\d+}/minutes", STAFF),
    ("POST", "/assemblies/{id:\\d+}/minutes/sign", STAFF),
    ("POST", "/assemblies/{id:\\d+}/minutes/corrections", STAFF),
    ("GET", "/assemblies/{id:\\d+}/attendance-sheet", STAFF),
    ("GET", "/assemblies/{id:\\d+}/archive", STAFF),
    ("GET", "/vote/{token}", EVERYONE),
    ("POST", "/vote/{token}", EVERYONE),
    ("POST", "/vote/{token}/check-in", EVERYONE),
    ("GET", "/healthz", EVERYONE),
    ("GET", "/static/{file}", EVERYONE),
];

both_backends!(
    every_route_lets_in_exactly_the_roles_of_the_table,
    a_forbidden_associate_gets_403_whatever_the_body,
);

enum Body {
    Empty,
    Json(Value),
    /// Form fields; the role's CSRF token is added.
    Form(Vec<(&'static str, String)>),
    /// The import preview's upload.
    Upload,
}

/// A well-shaped body for each state-changing route.
fn body_for(method: &str, pattern: &str, fx: &Fixture, n: usize) -> Body {
    let a = fx.associate;
    let f = |fields: &[(&'static str, &str)]| {
        Body::Form(fields.iter().map(|(k, v)| (*k, v.to_string())).collect())
    };
    let admission = |email: &str| {
        vec![
            ("name", "Nouvel Associé".to_string()),
            ("email", email.to_string()),
            ("kind", "person".into()),
            ("representative", String::new()),
            ("address", String::new()),
            ("category", "beneficiary".into()),
            ("college_id", fx.college.to_string()),
            ("admitted_on", "2025-03-01".into()),
            ("password", String::new()),
        ]
    };
    match (method, pattern) {
        ("GET", _) => Body::Empty,
        ("POST", "/api/v1/auth/login") => {
            Body::Json(json!({"email": A_EMAIL, "password": A_PASSWORD}))
        }
        ("PUT", "/api/v1/cooperative") => Body::Json(json!({"name": "Coop de test"})),
        ("PUT", "/api/v1/colleges") => Body::Json(json!({"colleges": [
            {"name": "Collège 1", "weight": "40"}, {"name": "Collège 2", "weight": "30"}, {"name": "Collège 3", "weight": "30"}
        ]})),
        ("POST", "/api/v1/associates") => Body::Json(json!({
            "name": "Nouvel Associé", "email": format!("new{n}@example.coop"), "kind": "person",
            "category": "beneficiary", "college_id": fx.college, "admitted_on": "2025-03-01"
        })),
        ("PATCH", "/api/v1/associates/{id}") => Body::Json(json!({"name": "Alice Martin"})),
        ("POST", "/api/v1/associates/{id}/withdraw") => {
            Body::Json(json!({"on": "2025-06-30", "reason": "withdrawal"}))
        }
        ("POST", "/api/v1/associates/{id}/shares") => Body::Json(json!({
            "movement": "subscription", "shares": 1, "on": "2025-03-01"
        })),
        ("POST", "/api/v1/assemblies") => Body::Json(json!({
            "title": "AG 2", "kind": "ordinary", "starts_at": in_a_month(), "place": "Lyon", "call": 1
        })),
        ("PUT", "/api/v1/assemblies/{id}/bureau") => {
            Body::Json(json!({"chair": "Alice Martin", "secretary": "Bruno Petit"}))
        }
        ("PUT", "/api/v1/assemblies/{id}/attendance/{associate_id}") => {
            Body::Json(json!({"mode": "present", "proxy_holder_id": null}))
        }
        ("POST", "/api/v1/assemblies/{id}/voting-cards") => {
            Body::Json(json!({"associate_ids": [a]}))
        }
        ("POST", "/api/v1/assemblies/{id}/resolutions") => Body::Json(json!({
            "title": "Affectation", "text": "Du résultat", "majority": "ordinary"
        })),
        ("POST", "/api/v1/resolutions/{id}/ballots") => {
            Body::Json(json!({"choice": "for", "on_behalf_of": null}))
        }
        (_, p) if p.starts_with("/api/") => Body::Json(json!({})),
        ("POST", "/login") => f(&[("email", A_EMAIL), ("password", A_PASSWORD)]),
        ("POST", "/login/second-factor") => f(&[("code", "000000")]),
        ("POST", "/login/link" | "/password/forgot") => f(&[("email", "nobody@example.coop")]),
        ("POST", "/password/reset/{token}") => f(&[
            ("password", "a new long password"),
            ("confirm", "a new long password"),
        ]),
        ("POST", "/import/preview") => Body::Upload,
        ("POST", "/import") => f(&[("content", "")]),
        ("POST", "/settings") => f(&[("name", "Coop de test")]),
        ("POST", "/colleges") => f(&[]),
        ("POST", "/accounts") => Body::Form(vec![
            ("email", format!("secretariat{n}@example.coop")),
            ("password", "a long enough password".into()),
        ]),
        ("POST", "/associates/new") => Body::Form(admission(&format!("page{n}@example.coop"))),
        ("POST", "/associates/{id:\\d+}/edit") => Body::Form(admission(A_EMAIL)),
        ("POST", "/associates/{id:\\d+}/shares") => f(&[
            ("movement", "subscription"),
            ("shares", "1"),
            ("amount", "100"),
            ("movement_on", "2025-03-01"),
        ]),
        ("POST", "/associates/{id:\\d+}/withdraw") => {
            f(&[("departure_on", "2025-06-30"), ("reason", "withdrawal")])
        }
        ("POST", "/assemblies") => f(&[
            ("title", "AG 3"),
            ("kind", "ordinary"),
            ("starts_at", "2030-06-01T14:00"),
            ("place", "Lyon"),
            ("call", "1"),
        ]),
        ("POST", "/assemblies/{id:\\d+}/resolutions") => f(&[
            ("title", "Affectation"),
            ("text", "Du résultat"),
            ("majority", "ordinary"),
        ]),
        ("POST", "/assemblies/{id:\\d+}/attendance/{associate:\\d+}") => f(&[("mode", "present")]),
        ("POST", "/vote/{token}/check-in") => Body::Form(vec![("form_key", fx.form_key.clone())]),
        ("POST", "/vote/{token}") => Body::Form(vec![
            ("form_key", fx.form_key.clone()),
            ("resolution_id", fx.resolution.to_string()),
            ("choice", "for".into()),
        ]),
        _ => f(&[]),
    }
}

async fn send(
    app: &TestApp,
    creds: &Creds,
    method: &str,
    path: &str,
    body: Body,
) -> reqwest::Response {
    let method = Method::from_bytes(method.as_bytes()).expect("a method");
    let mut req = app.client.request(method, app.url(path));
    if let Some(token) = &creds.token {
        req = req.bearer_auth(token);
    }
    if let Some(cookie) = &creds.cookie {
        req = req.header("Cookie", cookie);
    }
    req = match body {
        Body::Empty => req,
        Body::Json(v) => req.json(&v),
        Body::Form(mut fields) => {
            fields.push(("csrf", creds.csrf.clone()));
            req.form(&fields)
        }
        Body::Upload => {
            let file = reqwest::multipart::Part::bytes(b"nom;email\n".to_vec())
                .file_name("associes.csv")
                .mime_str("text/csv")
                .expect("mime");
            req.multipart(
                reqwest::multipart::Form::new()
                    .text("csrf", creds.csrf.clone())
                    .part("file", file),
            )
        }
    };
    req.send().await.expect("request")
}

/// Routes that end something run last, so they do not disturb the others
/// (a card issued again revokes the fixture's card); reads run first.
fn phase(method: &str, pattern: &str) -> u8 {
    if method == "GET" {
        0
    } else if ["/close", "/withdraw", "/cards", "/voting-cards"]
        .iter()
        .any(|end| pattern.ends_with(end))
    {
        2
    } else {
        1
    }
}

async fn every_route_lets_in_exactly_the_roles_of_the_table(app: TestApp) {
    // 1. The table and the server name the same routes.
    let served: Vec<(String, String)> = scrutin::web::route_list()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    let missing: Vec<_> = served
        .iter()
        .filter(|(m, p)| !TABLE.iter().any(|(tm, tp, _)| tm == m && tp == p))
        .collect();
    assert!(
        missing.is_empty(),
        "routes served but missing from the table of tests/api/security_routes.rs: {missing:?}"
    );
    let stale: Vec<_> = TABLE
        .iter()
        .filter(|(tm, tp, _)| !served.iter().any(|(m, p)| m == tm && p == tp))
        .map(|(m, p, _)| (m, p))
        .collect();
    assert!(
        stale.is_empty(),
        "table lines with no such route: {stale:?}"
    );
    assert_eq!(served.len(), TABLE.len(), "each route once in the table");

    // 2. Each route as each role.
    let fx = fixture(&app).await;
    let mut creds = Vec::new();
    for who in EVERYONE {
        creds.push((*who, log_in(&app, *who).await));
    }
    let mut routes: Vec<_> = TABLE.iter().collect();
    routes.sort_by_key(|(m, p, _)| phase(m, p));
    let mut problems = Vec::new();
    let mut n = 0;
    for (method, pattern, allowed) in routes {
        let path = concrete(pattern, &fx);
        // Denied roles first: their requests must change nothing the
        // allowed ones then rely on.
        let order = creds
            .iter()
            .filter(|(w, _)| !allowed.contains(w))
            .chain(creds.iter().filter(|(w, _)| allowed.contains(w)));
        for (who, role_creds) in order {
            n += 1;
            // Logging out ends the credentials: use fresh ones.
            let fresh;
            let c = if pattern.ends_with("logout") && *who != Anonymous {
                fresh = log_in(&app, *who).await;
                &fresh
            } else {
                role_creds
            };
            let res = send(&app, c, method, &path, body_for(method, pattern, &fx, n)).await;
            let status = res.status().as_u16();
            let to_login = (status == 303)
                && res
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|l| l.starts_with("/login?next="));
            let refused = matches!(status, 401 | 403 | 404) || to_login;
            if allowed.contains(who) == refused {
                let verdict = if refused { "refused" } else { "let in" };
                problems.push(format!("{method} {path} as {who:?}: {verdict} ({status})"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} wrong answers:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A role check comes before any reading of the body: an associate who may
/// not use a route gets 403 even with a broken or wrongly shaped body.
async fn a_forbidden_associate_gets_403_whatever_the_body(app: TestApp) {
    let fx = fixture(&app).await;
    let a = log_in(&app, Associate).await;
    let token = a.token.as_deref().expect("a token");
    let id = fx.associate;
    let (assembly, resolution) = (fx.assembly, fx.resolution);
    let routes = [
        ("PUT", "/api/v1/cooperative".to_string()),
        ("PUT", "/api/v1/colleges".to_string()),
        ("POST", "/api/v1/associates".to_string()),
        ("PATCH", format!("/api/v1/associates/{id}")),
        ("POST", format!("/api/v1/associates/{id}/withdraw")),
        ("POST", format!("/api/v1/associates/{id}/shares")),
        ("POST", "/api/v1/assemblies".to_string()),
        ("PUT", format!("/api/v1/assemblies/{assembly}/bureau")),
        ("POST", format!("/api/v1/assemblies/{assembly}/convene")),
        (
            "PUT",
            format!("/api/v1/assemblies/{assembly}/attendance/{id}"),
        ),
        (
            "POST",
            format!("/api/v1/assemblies/{assembly}/voting-cards"),
        ),
        ("POST", format!("/api/v1/assemblies/{assembly}/resolutions")),
        ("POST", format!("/api/v1/resolutions/{resolution}/open")),
    ];
    let bodies: [(&str, &str); 3] = [
        ("application/json", "{not json"),
        ("application/json", "{\"unknown_field\": [1, 2]}"),
        ("text/plain", "hello"),
    ];
    for (method, path) in &routes {
        for (content_type, body) in bodies {
            let method = Method::from_bytes(method.as_bytes()).expect("method");
            let res = app
                .client
                .request(method.clone(), app.url(path))
                .bearer_auth(token)
                .header("Content-Type", content_type)
                .body(body)
                .send()
                .await
                .expect("request");
            assert_eq!(
                error_code(res, 403).await,
                "forbidden",
                "{method} {path} with {body:?}"
            );
        }
    }
}
