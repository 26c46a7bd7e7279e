//! WCAG 2 A and AA, measured: axe-core (npm `axe-core@4`, installed by
//! `.ci/run` outside the repository, its `axe.min.js` named by
//! `SCRUTIN_AXE_JS`) runs in headless Chromium on the main pages — login,
//! an associate's dashboard and check-in, the voting page on a 360-pixel
//! phone, an assembly, its printed convocations, the register, the live
//! screen (voting, then with the verdict), the minutes — and must find no
//! violation. axe is injected through WebDriver, which the pages'
//! Content-Security-Policy does not govern.
//! Without axe the test fails: it is never skipped.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::browser::{Browser, browser, sqlite_app, until};
use crate::helpers::{Who, fixture, log_in};

/// axe's source, from `SCRUTIN_AXE_JS`.
fn axe_source() -> String {
    let path = std::env::var("SCRUTIN_AXE_JS").unwrap_or_else(|_| {
        panic!(
            "SCRUTIN_AXE_JS is unset: it names axe-core's axe.min.js, which .ci/run installs \
             (npm install --prefix target/axe axe-core@4; \
             SCRUTIN_AXE_JS=$PWD/target/axe/node_modules/axe-core/axe.min.js)"
        )
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("SCRUTIN_AXE_JS={path} cannot be read ({e}): run .ci/run, or npm install axe-core@4")
    })
}

const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, resultTypes: ['violations'] })
  .then(r => done(r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map(n => n.target.join(' ')),
  }))))
  .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), targets: [] }]));
"#;

/// The violations axe finds on the page now open, as printable lines.
async fn audit(b: &Browser, axe: &str, page: &str) -> Vec<String> {
    until(10, "the page is loaded", async || {
        (b.run("return document.readyState").await == "complete").then_some(())
    })
    .await;
    b.execute(axe, vec![]).await.expect("inject axe");
    let found: Value = b.execute_async(RUN_AXE, vec![]).await.expect("axe.run");
    let violations = found.as_array().cloned().unwrap_or_default();
    let lines: Vec<String> = violations
        .iter()
        .map(|v| {
            format!(
                "{page}: {} ({}) — {} — {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                v["targets"]
                    .as_array()
                    .map(|t| t
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" | "))
                    .unwrap_or_default()
            )
        })
        .collect();
    eprintln!("axe: {page}: {} violation(s)", lines.len());
    for line in &lines {
        eprintln!("  {line}");
    }
    b.shot(&format!("axe-{}", page.replace(['/', ' '], "-")))
        .await;
    lines
}

/// Opens `path` with `cookie` (a `name=value` session cookie) as the only
/// cookie, or none.
pub(crate) async fn visit(b: &Browser, app: &TestApp, cookie: Option<&str>, path: &str) {
    b.delete_all_cookies().await.expect("no cookies");
    if let Some(cookie) = cookie {
        // A cookie needs a page of its origin first. Set from the page, it is
        // not HttpOnly, which the server does not mind.
        b.goto(&app.url("/login")).await.expect("the origin");
        b.execute(
            "document.cookie = arguments[0]",
            vec![json!(format!("{cookie}; path=/"))],
        )
        .await
        .expect("the session cookie");
    }
    b.goto(&app.url(path)).await.expect("the page");
    assert_eq!(
        b.path().await,
        path.split('?').next().unwrap_or(path),
        "{path} opened"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_pages_have_no_wcag_a_or_aa_violation() {
    let axe = axe_source();
    let app = sqlite_app().await;
    let fx = fixture(&app).await;
    let alice = log_in(&app, Who::Associate).await;
    let secretary = log_in(&app, Who::Secretary).await;
    let (alice, secretary) = (
        alice.cookie.expect("a session"),
        secretary.cookie.expect("a session"),
    );
    let a = fx.assembly;
    let mut found = Vec::new();

    let b = browser((1280, 900)).await;
    visit(&b, &app, None, "/login").await;
    found.extend(audit(&b, &axe, "login").await);
    visit(&b, &app, Some(&alice), "/dashboard").await;
    found.extend(audit(&b, &axe, "associate dashboard").await);
    visit(&b, &app, Some(&alice), &format!("/assemblies/{a}/check-in")).await;
    found.extend(audit(&b, &axe, "check-in").await);
    visit(&b, &app, Some(&secretary), &format!("/assemblies/{a}")).await;
    found.extend(audit(&b, &axe, "assembly").await);
    visit(
        &b,
        &app,
        Some(&secretary),
        &format!("/assemblies/{a}/convocations"),
    )
    .await;
    found.extend(audit(&b, &axe, "convocations").await);
    visit(&b, &app, Some(&secretary), "/register").await;
    found.extend(audit(&b, &axe, "register").await);
    // The second factor: the enrolment page (secret, QR code) and the code
    // asked after the password.
    visit(&b, &app, Some(&secretary), "/account/second-factor").await;
    found.extend(audit(&b, &axe, "second factor enrolment").await);
    visit(&b, &app, None, "/login/second-factor").await;
    found.extend(audit(&b, &axe, "login code").await);
    visit(
        &b,
        &app,
        Some(&secretary),
        &format!("/assemblies/{a}/screen"),
    )
    .await;
    found.extend(audit(&b, &axe, "live screen").await);

    let phone = browser((360, 740)).await;
    visit(&phone, &app, None, &format!("/vote/{}", fx.card)).await;
    let width = phone.run("return window.innerWidth").await;
    assert!(width.as_u64().is_some_and(|w| w <= 360), "a phone: {width}");
    found.extend(audit(&phone, &axe, "vote 360px").await);
    phone.client.clone().close().await.expect("close");

    // The minutes exist once the assembly is closed.
    let token = app.admin_token().await;
    for path in [
        format!("/api/v1/resolutions/{}/close", fx.resolution),
        format!("/api/v1/assemblies/{a}/close"),
    ] {
        let res = app.post_json(&path, &json!({}), Some(&token)).await;
        assert_eq!(res.status(), 200, "{path}");
    }
    visit(
        &b,
        &app,
        Some(&secretary),
        &format!("/assemblies/{a}/minutes"),
    )
    .await;
    found.extend(audit(&b, &axe, "minutes").await);
    // The screen again, now showing the verdict.
    visit(
        &b,
        &app,
        Some(&secretary),
        &format!("/assemblies/{a}/screen"),
    )
    .await;
    found.extend(audit(&b, &axe, "live screen closed").await);
    b.client.clone().close().await.expect("close");

    assert!(
        found.is_empty(),
        "{} WCAG A/AA violation(s):\n{}",
        found.len(),
        found.join("\n")
    );
}
