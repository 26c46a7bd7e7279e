//! One whole journey through the pages, in a real headless Chromium (issue 6
//! item 7): the administrator sets up the cooperative, its five colleges
//! and a secretary's login, and admits associates with their shares; the
//! secretary prepares, convenes and opens an assembly and records
//! attendance at the desk; an associate opens the link of their
//! convocation e-mail on a phone and votes for themselves and for the
//! proxy they hold, while the live screen counts the ballots without a
//! reload; the secretary closes and downloads the minutes.
//!
//! Every step goes through the pages (no JSON API); only the first
//! administrator comes from the command line's function, as on a real
//! installation. A full-page screenshot of each step goes to
//! `<target>/tmp/browser-screenshots/journey/`, printed at the start.
//! SQLite only, like the other browser tests.

use std::path::PathBuf;

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::browser::{Browser, browser, sqlite_app, until};

const SECRETARY_EMAIL: &str = "secretariat@example.coop";
const SECRETARY_PASSWORD: &str = "un mot de passe provisoire";

/// The reference SCIC's colleges (RULES.md, the demonstration's).
const COLLEGES: [(&str, &str); 5] = [
    ("Salariés", "30"),
    ("Usagers", "25"),
    ("Club Cigales", "15"),
    ("Autonomie & Solidarité", "15"),
    ("Collectivités territoriales", "15"),
];

/// An associate to admit: name, e-mail, kind, representative, category
/// code, college (index in `COLLEGES`), shares subscribed.
struct Newcomer {
    name: &'static str,
    email: &'static str,
    entity: bool,
    representative: &'static str,
    category: &'static str,
    college: usize,
    shares: u32,
}

const NEWCOMERS: [Newcomer; 4] = [
    Newcomer {
        name: "Camille Durand",
        email: "camille@example.coop",
        entity: false,
        representative: "",
        category: "employee",
        college: 0,
        shares: 4,
    },
    Newcomer {
        name: "Hugo Petit",
        email: "hugo@example.coop",
        entity: false,
        representative: "",
        category: "beneficiary",
        college: 1,
        shares: 1,
    },
    Newcomer {
        name: "Cigales du Rhône",
        email: "cigales@example.coop",
        entity: true,
        representative: "Léa Moreau",
        category: "other",
        college: 2,
        shares: 10,
    },
    Newcomer {
        name: "Commune de Villeurbanne",
        email: "mairie@example.coop",
        entity: true,
        representative: "Inès Roux, adjointe au maire",
        category: "local_authority",
        college: 4,
        shares: 5,
    },
];

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots/journey")
}

impl Browser {
    /// The whole page, not only the window: ChromeDriver's DevTools
    /// command, so a person sees every field of a long form.
    async fn full_shot(&self, name: &str) {
        let id = self.session_id().await.ok().flatten().expect("session");
        let url = format!(
            "http://127.0.0.1:{}/session/{id}/goog/cdp/execute",
            self.driver.port
        );
        let http = reqwest::Client::new();
        let cdp = async |cmd: &str, params: Value| -> Value {
            http.post(&url)
                .json(&json!({"cmd": cmd, "params": params}))
                .send()
                .await
                .expect("DevTools")
                .json::<Value>()
                .await
                .expect("JSON")["value"]
                .clone()
        };
        let metrics = cdp("Page.getLayoutMetrics", json!({})).await;
        let width = metrics["cssLayoutViewport"]["clientWidth"].clone();
        let height = metrics["cssContentSize"]["height"]
            .as_f64()
            .unwrap_or(900.0);
        // A window as tall as the page for the time of the screenshot.
        cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height.ceil() as u64, "deviceScaleFactor": 1, "mobile": false}),
        )
        .await;
        let png = self.screenshot().await.expect("screenshot");
        cdp("Emulation.clearDeviceMetricsOverride", json!({})).await;
        let file = folder().join(format!("{name}.png"));
        let _ = std::fs::create_dir_all(folder());
        std::fs::write(&file, png).expect("write the screenshot");
        eprintln!("screenshot: {}", file.display());
    }

    async fn field(&self, css: &str) -> fantoccini::elements::Element {
        self.find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    /// Empties a field and types `text` into it.
    async fn fill(&self, css: &str, text: &str) {
        let field = self.field(css).await;
        field.clear().await.expect("clear");
        if !text.is_empty() {
            field.send_keys(text).await.expect("type");
        }
    }

    async fn choose(&self, css: &str, value: &str) {
        self.field(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("{css} = {value}: {e}"));
    }

    /// Marks the page, so `next_page` knows when another one replaced it.
    async fn mark(&self) {
        self.run("window.journeyOldPage = true; return null").await;
    }

    async fn next_page(&self, what: &str) {
        until(10, what, async || {
            let state = self
                .execute(
                    "return window.journeyOldPage !== true && document.readyState === 'complete'",
                    vec![],
                )
                .await
                .ok()?;
            (state == true).then_some(())
        })
        .await;
    }

    /// Follows the link with this text, and waits for the next page.
    async fn follow(&self, text: &str) {
        self.mark().await;
        self.find(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("link {text}: {e}"))
            .click()
            .await
            .expect("click");
        self.next_page(&format!("the page of the link {text}"))
            .await;
    }

    /// Clicks the submit button whose text is `label` and waits for the
    /// flash message of the page it leads to.
    async fn submit(&self, label: &str, flash: &str) {
        let xpath = format!("//button[normalize-space(.)=\"{label}\"]");
        self.mark().await;
        self.find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("button {label}: {e}"))
            .click()
            .await
            .expect("click");
        self.next_page(&format!("the page after {label}")).await;
        let refused = self.text("div.errors").await;
        assert!(refused.is_empty(), "{label} refused: {refused}");
        assert_eq!(self.text("p.flash").await, flash, "after {label}");
    }

    /// The id at the end of the current path (`/associates/12` → 12).
    async fn id_in_path(&self) -> i64 {
        let path = self.path().await;
        path.rsplit('/')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("an id in {path}"))
    }

    async fn no_horizontal_scroll(&self) -> bool {
        let width = self
            .run("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await;
        width[0].as_u64() <= width[1].as_u64()
    }
}

/// The personal link of the convocation sent to `email`, read from the
/// test server's `.eml` folder (quoted-printable undone).
async fn convocation_link(app: &TestApp, email: &str) -> String {
    until(10, &format!("the convocation of {email}"), async || {
        let entries = std::fs::read_dir(app.mail_dir()).ok()?;
        entries
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .map(|raw| {
                raw.replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=")
            })
            .find(|mail| {
                mail.lines()
                    .any(|l| l.starts_with("To:") && l.contains(email))
            })
            .map(|mail| {
                let start = mail.find("/vote/").expect("a voting link") + "/vote/".len();
                let token: String = mail[start..]
                    .chars()
                    .take_while(char::is_ascii_hexdigit)
                    .collect();
                app.url(&format!("/vote/{token}"))
            })
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_assembly_through_the_pages() {
    let app = sqlite_app().await;
    app.create_admin();
    eprintln!("journey screenshots in {}", folder().display());
    let desk = browser((1280, 900)).await;

    // 1. The administrator: settings, colleges, a secretary, associates.
    desk.log_in(&app).await;
    desk.follow("Paramètres").await;
    desk.fill("#name", "SCIC Les Communs du Rhône").await;
    desk.choose("#legal_form", "SA").await;
    desk.fill(
        "#registered_office",
        "12 rue de la Coopération, 69100 Villeurbanne",
    )
    .await;
    desk.fill("#share_value", "50").await;
    let weighted = desk.field("#weighted_by_default").await;
    if !weighted.is_selected().await.expect("checkbox") {
        weighted.click().await.expect("tick");
    }
    desk.submit("Enregistrer", "Modifications enregistrées.")
        .await;
    desk.full_shot("01-settings").await;

    desk.follow("Collèges").await;
    for (i, (name, weight)) in COLLEGES.iter().enumerate() {
        desk.fill(&format!("#name_{i}"), name).await;
        desk.fill(&format!("#weight_{i}"), weight).await;
    }
    desk.submit("Enregistrer les collèges", "Modifications enregistrées.")
        .await;
    for (i, (name, weight)) in COLLEGES.iter().enumerate() {
        let kept = desk.field(&format!("#name_{i}")).await.prop("value").await;
        assert_eq!(kept.ok().flatten().as_deref(), Some(*name));
        let kept = desk
            .field(&format!("#weight_{i}"))
            .await
            .prop("value")
            .await;
        assert_eq!(kept.ok().flatten().as_deref(), Some(*weight));
    }
    desk.full_shot("02-colleges").await;

    desk.follow("Utilisateurs").await;
    desk.fill("#email", SECRETARY_EMAIL).await;
    desk.fill("#password", SECRETARY_PASSWORD).await;
    desk.submit("Créer le compte", "Compte créé.").await;
    assert!(
        desk.text("table").await.contains(SECRETARY_EMAIL),
        "the new login is listed"
    );
    desk.full_shot("03-accounts").await;

    let mut ids = Vec::new();
    for (n, who) in NEWCOMERS.iter().enumerate() {
        desk.follow("Associés").await;
        desk.follow("Admettre un associé").await;
        desk.choose("#kind", if who.entity { "entity" } else { "person" })
            .await;
        desk.fill("#name", who.name).await;
        desk.fill("#representative", who.representative).await;
        desk.fill("#email", who.email).await;
        desk.choose("#category", who.category).await;
        desk.field("#college_id")
            .await
            .select_by_label(COLLEGES[who.college].0)
            .await
            .expect("the college");
        if n == 0 {
            desk.full_shot("04-admission-form").await;
        }
        desk.submit("Admettre", "Associé admis.").await;
        ids.push(desk.id_in_path().await);
        // The subscription, on the associate's page.
        desk.choose("#movement", "subscription").await;
        desk.fill("#shares", &who.shares.to_string()).await;
        desk.submit(
            "Enregistrer le mouvement",
            "Mouvement de capital enregistré.",
        )
        .await;
        if n == 0 {
            desk.full_shot("05-associate-with-shares").await;
        }
    }
    desk.follow("Associés").await;
    for who in &NEWCOMERS {
        assert!(desk.text("table").await.contains(who.name), "{}", who.name);
    }
    desk.full_shot("06-associates").await;
    desk.click("nav.app form[action='/logout'] button").await;
    until(10, "the login page after logout", async || {
        (desk.path().await == "/login").then_some(())
    })
    .await;

    // 2. The secretary: the assembly, its resolution, its bureau, the
    // convocations, the desk, the opening.
    desk.log_in_as(&app, SECRETARY_EMAIL, SECRETARY_PASSWORD)
        .await;
    desk.follow("Assemblées").await;
    desk.fill("#title", "Assemblée générale ordinaire 2026")
        .await;
    desk.choose("#kind", "ordinary").await;
    let day = chrono::Local::now().date_naive() + chrono::Duration::days(30);
    // A date input takes its value in the browser's own format: set it
    // as the page's script would.
    desk.run(&format!(
        "document.getElementById('starts_at').value = '{day}T14:00'; return null"
    ))
    .await;
    desk.fill("#place", "Salle des fêtes, Villeurbanne").await;
    desk.full_shot("07-new-assembly").await;
    desk.submit("Créer l'assemblée", "Assemblée créée.").await;
    let assembly = desk.id_in_path().await;

    desk.fill("#title", "Approbation des comptes 2025").await;
    desk.fill(
        "#text",
        "L'assemblée générale approuve les comptes de l'exercice 2025.",
    )
    .await;
    desk.choose("#majority", "ordinary").await;
    assert!(
        desk.field("#weighted")
            .await
            .is_selected()
            .await
            .expect("checkbox"),
        "weighted by default, as the settings say"
    );
    desk.submit("Ajouter la résolution", "Résolution ajoutée.")
        .await;
    desk.fill("#chair", "Camille Durand").await;
    desk.fill("#secretary", "Hugo Petit").await;
    desk.fill("#scrutineers", "Léa Moreau").await;
    desk.submit("Enregistrer le bureau", "Bureau enregistré.")
        .await;
    desk.submit(
        "Convoquer et envoyer les convocations",
        "Assemblée convoquée : les convocations partent (l'envoi se poursuit en arrière-plan).",
    )
    .await;
    desk.full_shot("08-assembly-convened").await;

    desk.follow("Accueil : feuille de présence").await;
    let (camille, hugo) = (ids[0], ids[1]);
    desk.click(&format!("#voter-{camille} button[value=present]"))
        .await;
    until(10, "Camille present", async || {
        (desk.text(&format!("#voter-{camille} .state")).await == "Présent").then_some(())
    })
    .await;
    desk.choose(&format!("#holder-{hugo}"), &camille.to_string())
        .await;
    desk.click(&format!("#voter-{hugo} form.desk-proxy button"))
        .await;
    until(10, "Hugo represented", async || {
        (desk.text(&format!("#voter-{hugo} .state")).await == "Représenté par Camille Durand")
            .then_some(())
    })
    .await;
    assert_eq!(
        desk.text("p.flash").await,
        "Enregistré : Hugo Petit — Représenté par Camille Durand.",
        "the message names whose attendance was recorded"
    );
    assert_eq!(desk.text(".quorum .quorum-head .figure").await, "2 / 4");
    desk.full_shot("09-desk").await;

    desk.follow("← Assemblée générale ordinaire 2026").await;
    desk.submit("Ouvrir la séance", "Séance ouverte.").await;
    desk.submit("Ouvrir le vote", "Vote ouvert.").await;
    desk.full_shot("10-assembly-open").await;

    // 4. The live screen, on the secretary's screen while the phone votes.
    desk.follow("Écran de séance").await;
    let counts =
        "return [...document.querySelectorAll('.screen-count .figure')].map(e => e.textContent)";
    assert_eq!(desk.run(counts).await, json!(["0", "2"]));
    desk.run("window.stillTheSamePage = true; return null")
        .await;
    desk.full_shot("11-live-screen-before").await;

    // 3. The associate, on a phone, from the convocation e-mail.
    let link = convocation_link(&app, NEWCOMERS[0].email).await;
    let phone = browser((360, 740)).await;
    phone.goto(&link).await.expect("the voting page");
    assert!(phone.no_horizontal_scroll().await, "no horizontal scroll");
    assert_eq!(phone.text("section.vote-block h2").await, "Mon vote");
    phone.shot("journey/12-phone-vote").await;
    for (n, choice, live) in [(1, "for", "1"), (2, "against", "2")] {
        phone
            .click(&format!(
                "section.vote-block:nth-of-type({n}) button.choice-{choice}"
            ))
            .await;
        let receipt = until(10, "the receipt", async || {
            Some(phone.text("p.receipt code").await).filter(|t| !t.is_empty())
        })
        .await;
        assert!(!receipt.is_empty());
        assert_eq!(phone.text("h1").await, "Vote enregistré ✓");
        assert!(phone.no_horizontal_scroll().await, "no horizontal scroll");
        phone.shot(&format!("journey/13-phone-receipt-{n}")).await;
        // The live screen follows, without a reload.
        until(10, "the live count", async || {
            (desk.run(counts).await[0] == live).then_some(())
        })
        .await;
        if n == 1 {
            phone.follow("Retour à mes votes").await;
        }
    }
    assert_eq!(
        desk.run("return window.stillTheSamePage === true").await,
        true,
        "updated in place, not reloaded"
    );
    desk.full_shot("14-live-screen-after").await;

    // 5. The secretary closes the vote and the session, then the minutes.
    desk.goto(&app.url(&format!("/assemblies/{assembly}")))
        .await
        .expect("the assembly");
    desk.submit("Clore le vote", "Vote clos : le résultat est figé.")
        .await;
    let result = desk.text("article.resolution").await;
    assert!(
        result.contains("Résolution adoptée à 54,55 %"),
        "the weighted result: {result}"
    );
    // Each college's share for, and why one for and one against make
    // 54,55 %: the weights, and the empty colleges left out.
    let rows = desk
        .run("return [...document.querySelectorAll('table.result tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()))")
        .await;
    assert_eq!(
        rows[0],
        json!(["Salariés", "30,00 %", "1", "0", "0", "100,00 %"])
    );
    assert_eq!(
        rows[1],
        json!(["Usagers", "25,00 %", "0", "1", "0", "0,00 %"])
    );
    assert_eq!(
        rows[2],
        json!(["Club Cigales", "15,00 %", "0", "0", "0", "—"])
    );
    assert!(result.contains("option R des statuts"), "{result}");
    desk.submit("Clore la séance", "Séance close.").await;
    assert_eq!(desk.text("#quorum-title").await, "Quorum", "no longer live");
    desk.full_shot("15-assembly-closed").await;
    desk.follow("Procès-verbal").await;
    desk.full_shot("16-minutes-page").await;
    let minutes_page = desk.current_url().await.expect("url");
    let markdown_href = desk
        .find(Locator::LinkText("Markdown"))
        .await
        .expect("the Markdown link")
        .attr("href")
        .await
        .ok()
        .flatten()
        .expect("href");
    desk.follow("Procès-verbal (HTML, à imprimer)").await;
    let minutes = desk.text("body").await;
    assert!(
        minutes.contains("Résolution n° 1 adoptée à 54,55 %"),
        "the verdict in the minutes: {minutes}"
    );
    desk.full_shot("17-minutes-html").await;
    // The Markdown download, fetched from the minutes page with its
    // session (the document itself allows no script to fetch).
    desk.goto(minutes_page.as_str())
        .await
        .expect("the minutes page again");
    let markdown = desk
        .run(&format!(
            "return fetch('{markdown_href}').then(r => r.text())"
        ))
        .await;
    let markdown = markdown.as_str().expect("the Markdown minutes");
    assert!(
        markdown.contains("**Résolution n° 1 adoptée à 54,55 %.**"),
        "{markdown}"
    );
    phone.client.clone().close().await.expect("close");
    desk.client.clone().close().await.expect("close");
}
