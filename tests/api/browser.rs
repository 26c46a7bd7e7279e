//! The pages in a real headless Chromium, driven through WebDriver: one
//! ChromeDriver per test (Debian's chromium and chromium-driver, installed by
//! `.ci/run`), the real server on port 0 behind it.
//!
//! SQLite only: the browser exercises the pages, HTML, CSS and scripts, which
//! do not depend on the backend; both backends are covered by the API tests.
//! Screenshots of the main steps go to `<target>/tmp/browser-screenshots/`.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::helpers::browser::{browser, sqlite_app, until};
use crate::helpers::{ADMIN_EMAIL, TestApp};
use crate::helpers::{Vote, admit_many};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_the_language_switch() {
    let app = sqlite_app().await;
    app.create_admin();
    let b = browser((1280, 900)).await;

    b.goto(&app.url("/")).await.expect("home");
    assert_eq!(b.lang().await, "fr");
    assert_eq!(b.text("h1").await, "Bienvenue");
    b.shot("1-home-fr").await;

    b.find(Locator::LinkText("English"))
        .await
        .expect("the switch")
        .click()
        .await
        .expect("click");
    until(10, "the English page", async || {
        (b.lang().await == "en").then_some(())
    })
    .await;
    assert_eq!(b.text("h1").await, "Welcome");

    // The next page, with no `?lang=` in its address: the cookie remembers.
    b.find(Locator::LinkText("Log in"))
        .await
        .expect("the login button")
        .click()
        .await
        .expect("click");
    until(10, "the login page", async || {
        (b.path().await == "/login").then_some(())
    })
    .await;
    let url = b.current_url().await.expect("url");
    assert!(!url.as_str().contains("lang="), "{url}");
    assert_eq!(b.lang().await, "en");
    assert_eq!(b.text("h1").await, "Log in");

    // A wrong password: refused, in English, the e-mail kept.
    let email = b
        .find(Locator::Css("input[name=email]"))
        .await
        .expect("e-mail");
    email.send_keys(ADMIN_EMAIL).await.expect("type");
    b.find(Locator::Css("input[name=password]"))
        .await
        .expect("password")
        .send_keys("not the right password")
        .await
        .expect("type");
    b.click("form[action='/login'] button[type=submit]").await;
    let alert = until(10, "the refusal", async || {
        Some(b.text("[role=alert]").await).filter(|t| !t.is_empty())
    })
    .await;
    assert_eq!(alert, "Wrong e-mail or password.");
    let kept = b
        .find(Locator::Css("input[name=email]"))
        .await
        .expect("e-mail");
    assert_eq!(
        kept.prop("value").await.ok().flatten().as_deref(),
        Some(ADMIN_EMAIL)
    );

    b.log_in(&app).await;
    assert_eq!(b.lang().await, "en");
    assert!(
        b.text("h1").await.starts_with("Dashboard"),
        "{}",
        b.text("h1").await
    );
    b.shot("1-dashboard-en").await;

    b.click("nav.app form[action='/logout'] button").await;
    until(10, "the login page after logout", async || {
        (b.path().await == "/login").then_some(())
    })
    .await;
    // The session is gone: the dashboard sends back to the login page.
    b.goto(&app.url("/dashboard")).await.expect("dashboard");
    assert_eq!(b.path().await, "/login");
    assert_eq!(b.text("h1").await, "Log in");
    b.client.clone().close().await.expect("close");
}

/// An assembly open with resolution `r` open for voting; "Votant 0"
/// present with `card`, holding the proxy of "Votant 1".
struct OpenVote<'a> {
    vote: Vote<'a>,
    r: i64,
    card: String,
}

async fn open_vote(app: &TestApp) -> OpenVote<'_> {
    let vote = Vote::new(app, &["50", "30", "20"], "ordinary", 1).await;
    let r = vote.resolution("ordinary", json!({})).await;
    let ids = admit_many(app, &vote.token, vote.colleges[0], 2, "Votant").await;
    let (holder, principal) = (ids[0], ids[1]);
    vote.convene().await;
    assert_eq!(vote.attend(holder, "present", None).await.status(), 200);
    assert_eq!(
        vote.attend(principal, "represented", Some(holder))
            .await
            .status(),
        200
    );
    vote.open().await;
    let res = vote
        .post(&format!("/api/v1/resolutions/{r}/open"), json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let card = vote.cards(&[holder]).await[&holder].clone();
    OpenVote { vote, r, card }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_votes_for_itself_and_for_a_proxy() {
    let app = sqlite_app().await;
    let v = open_vote(&app).await;
    let b = browser((360, 740)).await;
    let page = app.url(&format!("/vote/{}", v.card));
    b.goto(&page).await.expect("the voting page");
    assert_eq!(b.lang().await, "fr");
    let width = b.run("return window.innerWidth").await;
    assert!(width.as_u64().is_some_and(|w| w <= 360), "a phone: {width}");
    let no_scroll = "return document.documentElement.scrollWidth <= 360";
    assert_eq!(b.run(no_scroll).await, true, "no horizontal scroll");
    let blocks = b
        .find_all(Locator::Css("section.vote-block"))
        .await
        .expect("blocks");
    assert_eq!(blocks.len(), 2, "mine and the proxy's");
    assert_eq!(b.text("section.vote-block h2").await, "Mon vote");
    assert_eq!(
        b.text("section.vote-block:nth-of-type(2) h2").await,
        "Pouvoir de Votant 1"
    );
    b.shot("2-phone-vote").await;

    let mut receipts = Vec::new();
    for (n, choice, label) in [(1, "for", "Pour"), (2, "against", "Contre")] {
        let button = format!("section.vote-block:nth-of-type({n}) button.choice-{choice}");
        let el = b.find(Locator::Css(&button)).await.expect("the button");
        assert_eq!(el.text().await.expect("label"), label);
        el.click().await.expect("vote");
        let receipt = until(10, "the receipt page", async || {
            Some(b.text("p.receipt code").await).filter(|t| !t.is_empty())
        })
        .await;
        assert_eq!(b.text("h1").await, "Vote enregistré ✓");
        assert_eq!(b.run(no_scroll).await, true, "no horizontal scroll");
        b.shot(&format!("2-phone-receipt-{n}")).await;
        receipts.push((receipt, choice));
        b.find(Locator::LinkText("Retour à mes votes"))
            .await
            .expect("back")
            .click()
            .await
            .expect("click");
        until(10, "the voting page again", async || {
            (b.path().await == format!("/vote/{}", v.card)).then_some(())
        })
        .await;
    }
    assert_eq!(
        b.find_all(Locator::Css("form.vote-choices"))
            .await
            .expect("forms")
            .len(),
        0,
        "both votes cast: no button left"
    );
    assert_ne!(receipts[0].0, receipts[1].0);

    let result = v.vote.close(v.r).await;
    assert_eq!(
        result["counts"],
        json!({"for": 1, "against": 1, "abstain": 0, "ballots": 2})
    );
    let published: Value = app
        .get_api(
            &format!("/api/v1/resolutions/{}/receipts", v.r),
            Some(&v.vote.token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    for (receipt, choice) in &receipts {
        let counted = published["receipts"]
            .as_array()
            .expect("receipts")
            .iter()
            .find(|x| x["receipt"] == receipt.as_str())
            .unwrap_or_else(|| panic!("receipt {receipt} published: {published}"));
        assert_eq!(counted["choice"], *choice);
    }
    b.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entrance_desk_works_with_the_keyboard() {
    let app = sqlite_app().await;
    let vote = Vote::new(&app, &["50", "30", "20"], "ordinary", 1).await;
    admit_many(&app, &vote.token, vote.colleges[0], 3, "Votant").await;
    let res = app
        .post_json(
            "/api/v1/associates",
            &json!({
                "name": "Hélène Dupré", "email": "helene@example.coop", "kind": "person",
                "category": "beneficiary", "college_id": vote.colleges[1], "admitted_on": "2025-01-02"
            }),
            Some(&vote.token),
        )
        .await;
    assert_eq!(res.status(), 201);
    let helene = res.json::<Value>().await.expect("JSON")["id"]
        .as_i64()
        .expect("id");
    vote.convene().await;

    let b = browser((1280, 900)).await;
    b.log_in(&app).await;
    let desk = format!("/assemblies/{}/attendance", vote.assembly);
    b.goto(&app.url(&desk)).await.expect("the desk");
    let quorum = ".quorum .quorum-head .figure";
    assert_eq!(b.text(quorum).await, "0 / 4");

    let search = b.find(Locator::Css("#q")).await.expect("the search box");
    search
        .send_keys(&("helene dup".to_string() + &Key::Enter))
        .await
        .expect("type");
    until(10, "the search results", async || {
        let url = b.current_url().await.ok()?;
        url.query()?.contains("q=helene").then_some(())
    })
    .await;
    let rows = b.find_all(Locator::Css("li.voter")).await.expect("rows");
    assert_eq!(rows.len(), 1, "only Hélène");
    assert!(b.text("li.voter strong").await.contains("Hélène Dupré"));

    // The search box has the focus again (autofocus): Tab from there to
    // Hélène's "Présent" button, then Enter. No mouse.
    until(5, "the focus in the search box", async || {
        (b.run("return document.activeElement.id").await == "q").then_some(())
    })
    .await;
    let present = format!("#voter-{helene} button[value=present]");
    let mut tabs = 0;
    loop {
        let focused = b
            .run(&format!(
                "return document.activeElement === document.querySelector('{present}')"
            ))
            .await;
        if focused == true {
            break;
        }
        assert!(tabs < 10, "Tab never reached the Présent button");
        b.active_element()
            .await
            .expect("focus")
            .send_keys(&Key::Tab)
            .await
            .expect("Tab");
        tabs += 1;
    }
    assert_eq!(b.text(&present).await, "Présent");
    b.shot("3-desk-focus").await;
    b.active_element()
        .await
        .expect("focus")
        .send_keys(&Key::Enter)
        .await
        .expect("Enter");
    until(10, "the quorum to count Hélène", async || {
        (b.text(quorum).await == "1 / 4").then_some(())
    })
    .await;
    assert_eq!(b.text(&format!("#voter-{helene} .state")).await, "Présent");
    b.shot("3-desk-present").await;
    b.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_screen_updates_without_a_reload() {
    let app = sqlite_app().await;
    let v = open_vote(&app).await;
    let b = browser((1280, 900)).await;
    b.log_in(&app).await;
    b.goto(&app.url(&format!("/assemblies/{}/screen", v.vote.assembly)))
        .await
        .expect("the live screen");
    let count = ".screen-count .figure";
    // Present and the proxy held: two may vote, none has.
    assert_eq!(
        b.run(
            "return [...document.querySelectorAll('.screen-count .figure')].map(e => e.textContent)"
        )
        .await,
        json!(["0", "2"])
    );
    b.run("window.stillTheSamePage = true; return null").await;
    // Let the event stream connect before the ballot.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let res = v.vote.ballot(v.r, &v.card, "for", None).await;
    assert_eq!(res.status(), 201);
    let started = Instant::now();
    until(10, "the live count to show the ballot", async || {
        (b.text(count).await == "1").then_some(())
    })
    .await;
    eprintln!("live screen updated in {:?}", started.elapsed());
    assert_eq!(
        b.run("return window.stillTheSamePage === true").await,
        true,
        "updated in place, not reloaded"
    );
    b.shot("4-live-screen").await;
    let severe = b.severe_logs().await;
    assert!(severe.is_empty(), "the console: {severe:?}");
    b.client.clone().close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cancel_link_stands_apart_from_the_admit_button() {
    let app = sqlite_app().await;
    app.create_admin();
    let b = browser((1280, 900)).await;
    b.log_in(&app).await;
    b.goto(&app.url("/associates/new"))
        .await
        .expect("the admission form");
    // The horizontal space between the button's right edge and the link's
    // left edge, in CSS pixels.
    let gap = b
        .run(
            "const p = document.querySelector('p.form-actions'); \
             const button = p.querySelector('button[type=submit]').getBoundingClientRect(); \
             const link = p.querySelector('a').getBoundingClientRect(); \
             return [link.left - button.right, p.querySelector('a').textContent];",
        )
        .await;
    assert_eq!(gap[1], "Annuler");
    let space = gap[0].as_f64().expect("a width");
    assert!(space >= 16.0, "Admettre and Annuler {space} px apart");
    b.client.clone().close().await.expect("close");
}
