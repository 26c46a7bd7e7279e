use std::process::Command;

use serde_json::Value;

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};

both_backends!(
    a_file_with_two_bad_lines_writes_nothing_and_reports_both,
    a_windows_1252_file_keeps_its_accents,
    the_import_page_previews_then_confirms,
);

const BIN: &str = env!("CARGO_BIN_EXE_scrutin");

fn database_url(app: &TestApp) -> String {
    match &app.db_url {
        scrutin::db::DbUrl::Sqlite(path) | scrutin::db::DbUrl::Postgres(path) => path.clone(),
    }
}

/// Runs `scrutin import associates FILE` on the test's database.
fn cli_import(app: &TestApp, content: &[u8]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("associes.csv");
    std::fs::write(&file, content).expect("write the CSV");
    Command::new(BIN)
        .args(["import", "associates"])
        .arg(&file)
        .env("DATABASE_URL", database_url(app))
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

async fn count(app: &TestApp, token: &str) -> usize {
    let body: Value = app
        .get_api("/api/v1/associates", Some(token))
        .await
        .json()
        .await
        .expect("JSON");
    body["associates"].as_array().map_or(0, Vec::len)
}

async fn a_file_with_two_bad_lines_writes_nothing_and_reports_both(app: TestApp) {
    let token = app.admin_token().await;
    let csv = "name;email;kind;representative;category;college;admitted_on;shares\n\
               Alice Martin;alice@example.coop;person;;employee;Salariés;2025-01-02;10\n\
               Bob;not-an-email;person;;beneficiary;Usagers;2025-01-02;\n\
               Carole;carole@example.coop;person;;beneficiary;Usagers;2025-01-02;5\n\
               Dan;dan@example.coop;person;;employee;No such college;2025-01-02;\n";
    let out = cli_import(&app, csv.as_bytes());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3:") && stderr.contains("line 5:"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("line 2:") && !stderr.contains("line 4:"),
        "{stderr}"
    );
    assert_eq!(count(&app, &token).await, 0, "all or nothing");
    let capital: Value = app
        .get_api("/api/v1/capital", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(capital["shares"], 0);

    let good = csv
        .lines()
        .take(2)
        .chain(csv.lines().skip(3).take(1))
        .collect::<Vec<_>>()
        .join("\n");
    let out = cli_import(&app, good.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&app, &token).await, 2);
    let capital: Value = app
        .get_api("/api/v1/capital", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (capital["shares"].as_i64(), capital["paid_cents"].as_i64()),
        (Some(15), Some(150_000)),
        "fully paid subscriptions"
    );
    // The same file again: every line is now a duplicate of the register.
    let again = cli_import(&app, good.as_bytes());
    assert!(!again.status.success());
    assert_eq!(count(&app, &token).await, 2);
}

async fn a_windows_1252_file_keeps_its_accents(app: TestApp) {
    let token = app.admin_token().await;
    let text = "name,email,kind,representative,category,college,admitted_on\r\n\
                Hélène Lefèvre,helene@example.coop,person,,employee,Salariés,02/01/2025\r\n\
                Société coopérative Œuvre,oeuvre@example.coop,entity,François Müller,other,Club Cigales,2025-01-03\r\n";
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!lossy);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let out = cli_import(&app, &bytes);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let body: Value = app
        .get_api("/api/v1/associates", Some(&token))
        .await
        .json()
        .await
        .expect("JSON");
    let names: Vec<&str> = body["associates"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["Hélène Lefèvre", "Société coopérative Œuvre"]);
    assert_eq!(body["associates"][1]["representative"], "François Müller");
    assert_eq!(body["associates"][0]["admitted_on"], "2025-01-02");
}

async fn the_import_page_previews_then_confirms(app: TestApp) {
    app.create_admin();
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = app
        .page_login(&browser, ADMIN_EMAIL, ADMIN_PASSWORD, "/import")
        .await;
    assert_eq!(res.status(), 303);
    let page = browser
        .get(app.url("/import"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a csrf field")
        .to_string();
    let csv = "\u{feff}name;email;kind;representative;category;college;admitted_on;shares\nÉmile Zola;emile@example.coop;person;;volunteer;Usagers;2025-02-01;3\n";
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("a.csv"),
        );
    let preview = browser
        .post(app.url("/import/preview"))
        .multipart(form)
        .send()
        .await
        .expect("preview");
    assert_eq!(preview.status(), 200);
    let html = preview.text().await.expect("body");
    assert!(
        html.contains("Émile Zola") && html.contains("Confirmer l'import"),
        "{html}"
    );

    // Nothing is written by the preview.
    let token = app.admin_token().await;
    assert_eq!(count(&app, &token).await, 0);
    let content = html
        .split("name=\"content\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|v| {
            v.replace("&quot;", "\"")
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
        })
        .expect("the content to confirm");
    let without_token = browser
        .post(app.url("/import"))
        .form(&[("csrf", "forged"), ("content", content.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(without_token.status(), 403);
    assert_eq!(
        count(&app, &token).await,
        0,
        "a forged form changes nothing"
    );
    let confirm = browser
        .post(app.url("/import"))
        .form(&[("csrf", csrf.as_str()), ("content", content.as_str())])
        .send()
        .await
        .expect("confirm");
    assert_eq!(confirm.status(), 303);
    assert_eq!(count(&app, &token).await, 1);
}
