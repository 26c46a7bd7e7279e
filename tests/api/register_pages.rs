//! The register's pages, driven like a browser: form posts with the session
//! cookie and the CSRF token, no API call and no SQL.

use reqwest::redirect::Policy;

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};

both_backends!(
    the_pages_alone_set_up_a_cooperative_and_print_its_register,
    changing_the_legal_form_resets_the_rules_unless_they_change_too,
    a_refused_college_set_shows_every_violation_and_keeps_the_typed_values,
    a_refused_admission_keeps_the_input_and_changes_show_in_the_history,
    a_too_short_password_at_admission_is_refused_in_each_language,
    a_refused_movement_shows_the_rule_and_keeps_the_typed_values,
    a_post_without_the_csrf_token_changes_nothing,
    an_associate_sees_only_their_own_record,
    a_secretary_reads_the_register_and_changes_nothing,
    anonymous_visitors_are_sent_to_the_login_page,
    the_administrator_gives_a_secretary_a_login,
);

/// A logged-in browser: its cookies and the session's CSRF token.
struct Browser {
    base: String,
    client: reqwest::Client,
    csrf: String,
}

struct Answer {
    status: u16,
    location: String,
    body: String,
}

impl Browser {
    async fn login(app: &TestApp, email: &str, password: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client");
        let res = app.page_login(&client, email, password, "/dashboard").await;
        assert_eq!(res.status(), 303, "the login succeeds");
        let mut browser = Browser {
            base: app.url(""),
            client,
            csrf: String::new(),
        };
        let dashboard = browser.get("/dashboard").await;
        assert_eq!(dashboard.status, 200, "{}", dashboard.body);
        browser.csrf = input_value(&dashboard.body, "csrf").expect("a CSRF field in the page");
        browser
    }

    async fn get(&self, path: &str) -> Answer {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET");
        answer(res).await
    }

    /// Posts a form, with the session's CSRF token unless `csrf` is false.
    async fn post_with(&self, path: &str, fields: &[(&str, &str)], csrf: bool) -> Answer {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if csrf {
            form.push(("csrf", &self.csrf));
        }
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .form(&form)
            .send()
            .await
            .expect("POST");
        answer(res).await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.post_with(path, fields, true).await
    }
}

async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = res.text().await.expect("body");
    Answer {
        status,
        location,
        body,
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The value of the input named `name` in the page.
fn input_value(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("name=\"{name}\""))?;
    let tag = &html[start..start + html[start..].find('>')?];
    let value = tag.split("value=\"").nth(1)?.split('"').next()?;
    Some(unescape(value))
}

/// The selected option of the select named `name`.
fn selected(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("name=\"{name}\""))?;
    let end = start + html[start..].find("</select>")?;
    let option = html[start..end].split("<option ").find(|o| {
        o.split('>')
            .next()
            .is_some_and(|tag| tag.contains(" selected"))
    })?;
    option
        .split("value=\"")
        .nth(1)?
        .split('"')
        .next()
        .map(unescape)
}

const RULES_SA: [(&str, &str); 12] = [
    ("ordinary_quorum_first_call", "1/5"),
    ("ordinary_quorum_second_call", "0/1"),
    ("ordinary_majority", "1/2"),
    ("ordinary_comparison", "greater"),
    ("extraordinary_quorum_first_call", "1/4"),
    ("extraordinary_quorum_second_call", "1/5"),
    ("extraordinary_majority", "2/3"),
    ("extraordinary_comparison", "at_least"),
    ("abstentions", "excluded"),
    ("empty_college", "renormalise"),
    ("proxies_per_holder", ""),
    ("remote_participation", "on"),
];

/// The settings form as the page would send it, with some fields changed.
fn settings<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", "SCIC Les Lilas"),
        ("legal_form", "SA"),
        ("registered_office", "12 rue de la Paix, 75002 Paris"),
        ("share_value", "100"),
        ("statutory_floor", "0"),
        ("weighted_by_default", "on"),
    ];
    fields.extend(RULES_SA);
    for (key, value) in changes {
        match fields.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => fields.push((key, value)),
        }
    }
    fields
}

/// The ids of the current colleges, in the order of the colleges page.
async fn college_ids(admin: &Browser) -> Vec<String> {
    let page = admin.get("/colleges").await.body;
    (0..)
        .map_while(|i| input_value(&page, &format!("id_{i}")))
        .filter(|id| !id.is_empty())
        .collect()
}

struct Person {
    name: &'static str,
    email: &'static str,
    representative: &'static str,
    category: &'static str,
    college: usize,
    shares: i64,
}

const PEOPLE: [Person; 10] = [
    Person {
        name: "Alice Martin",
        email: "alice@example.coop",
        representative: "",
        category: "employee",
        college: 0,
        shares: 10,
    },
    Person {
        name: "Bruno Petit",
        email: "bruno@example.coop",
        representative: "",
        category: "employee",
        college: 0,
        shares: 5,
    },
    Person {
        name: "Chloé Durand",
        email: "chloe@example.coop",
        representative: "",
        category: "beneficiary",
        college: 1,
        shares: 3,
    },
    Person {
        name: "Didier Lefèvre",
        email: "didier@example.coop",
        representative: "",
        category: "beneficiary",
        college: 1,
        shares: 2,
    },
    Person {
        name: "Émilie Moreau",
        email: "emilie@example.coop",
        representative: "",
        category: "producer",
        college: 2,
        shares: 20,
    },
    Person {
        name: "Fabrice Roux",
        email: "fabrice@example.coop",
        representative: "",
        category: "volunteer",
        college: 3,
        shares: 1,
    },
    Person {
        name: "Commune de Lilas",
        email: "mairie@lilas.example",
        representative: "Mme la Maire",
        category: "local_authority",
        college: 4,
        shares: 4,
    },
    Person {
        name: "Cigales du Val",
        email: "club@cigales.example",
        representative: "Gérard Blanc",
        category: "other",
        college: 2,
        shares: 6,
    },
    Person {
        name: "Hélène Faure",
        email: "helene@example.coop",
        representative: "",
        category: "beneficiary",
        college: 1,
        shares: 8,
    },
    Person {
        name: "Ivan Girard",
        email: "ivan@example.coop",
        representative: "",
        category: "other",
        college: 3,
        shares: 11,
    },
];

/// Admits one associate through the form; their id.
async fn admit(admin: &Browser, fields: &[(&str, &str)]) -> String {
    let res = admin.post("/associates/new", fields).await;
    assert_eq!(res.status, 303, "admitted: {}", res.body);
    res.location
        .strip_prefix("/associates/")
        .and_then(|rest| rest.strip_suffix("?done=admitted"))
        .expect("the new associate's page")
        .to_string()
}

async fn admit_person(admin: &Browser, p: &Person, college_id: &str) -> String {
    let kind = if p.representative.is_empty() {
        "person"
    } else {
        "entity"
    };
    admit(
        admin,
        &[
            ("name", p.name),
            ("email", p.email),
            ("kind", kind),
            ("representative", p.representative),
            ("address", ""),
            ("category", p.category),
            ("college_id", college_id),
            ("admitted_on", "2025-01-10"),
            ("password", ""),
        ],
    )
    .await
}

async fn record(admin: &Browser, id: &str, fields: &[(&str, &str)]) {
    let res = admin
        .post(&format!("/associates/{id}/shares"), fields)
        .await;
    assert_eq!(res.status, 303, "recorded: {}", res.body);
    assert_eq!(res.location, format!("/associates/{id}?done=movement"));
}

async fn the_pages_alone_set_up_a_cooperative_and_print_its_register(app: TestApp) {
    app.create_admin();
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let page = admin.get("/dashboard").await.body;
    assert!(
        page.contains("class=\"warnings\"") && page.contains("Art. 19 septies"),
        "an empty register breaks the category rules: {page}"
    );

    // The cooperative.
    let page = admin.get("/settings").await.body;
    assert!(
        page.contains("L225-98") && page.contains("Loi 2019-744") && page.contains("RULES 13.4")
    );
    let res = admin.post("/settings", &settings(&[])).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location, "/settings?done=saved");
    let page = admin.get("/settings?done=saved").await.body;
    assert!(page.contains("Modifications enregistrées"));
    assert_eq!(
        input_value(&page, "name").as_deref(),
        Some("SCIC Les Lilas")
    );
    assert_eq!(
        input_value(&page, "registered_office").as_deref(),
        Some("12 rue de la Paix, 75002 Paris")
    );

    // Five colleges, 30/25/15/15/15.
    let ids = college_ids(&admin).await;
    assert_eq!(ids.len(), 5, "the five reference colleges are suggested");
    let names = [
        "Salariés",
        "Usagers",
        "Club Cigales",
        "Autonomie & Solidarité",
        "Collectivités territoriales",
    ];
    let weights = ["30", "25", "15", "15", "15"];
    let keys: Vec<[String; 3]> = (0..7)
        .map(|i| {
            [
                format!("id_{i}"),
                format!("name_{i}"),
                format!("weight_{i}"),
            ]
        })
        .collect();
    let mut form: Vec<(&str, &str)> = Vec::new();
    for (i, [id, name, weight]) in keys.iter().enumerate() {
        let row = (ids.get(i), names.get(i), weights.get(i));
        form.push((id, row.0.map_or("", String::as_str)));
        form.push((name, row.1.copied().unwrap_or("")));
        form.push((weight, row.2.copied().unwrap_or("")));
    }
    let res = admin.post("/colleges", &form).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = admin.get("/colleges").await.body;
    assert_eq!(input_value(&page, "weight_0").as_deref(), Some("30"));
    assert_eq!(input_value(&page, "weight_1").as_deref(), Some("25"));
    assert_eq!(
        input_value(&page, "name_3").as_deref(),
        Some("Autonomie & Solidarité")
    );

    // Ten associates, their subscriptions, and payments for six of them.
    let mut associate_ids = Vec::new();
    for p in &PEOPLE {
        associate_ids.push(admit_person(&admin, p, &ids[p.college]).await);
    }
    for (p, id) in PEOPLE.iter().zip(&associate_ids) {
        let shares = p.shares.to_string();
        record(
            &admin,
            id,
            &[
                ("movement", "subscription"),
                ("shares", &shares),
                ("amount", ""),
                ("movement_on", "2025-01-15"),
                ("to_associate_id", ""),
            ],
        )
        .await;
    }
    for (p, id) in PEOPLE.iter().zip(&associate_ids).take(5) {
        let euros = (p.shares * 100).to_string();
        record(
            &admin,
            id,
            &[
                ("movement", "payment"),
                ("shares", "0"),
                ("amount", &euros),
                ("movement_on", "2025-02-01"),
                ("to_associate_id", ""),
            ],
        )
        .await;
    }
    record(
        &admin,
        &associate_ids[5],
        &[
            ("movement", "payment"),
            ("shares", ""),
            ("amount", "50,50"),
            ("movement_on", "2025-02-01"),
            ("to_associate_id", ""),
        ],
    )
    .await;

    // The register: every name, every total, French money.
    let res = admin.get("/register").await;
    assert_eq!(res.status, 200);
    let register = res.body;
    for p in &PEOPLE {
        assert!(register.contains(p.name), "{} is in the register", p.name);
    }
    assert!(register.contains("représentée par Mme la Maire"));
    assert!(register.contains("SCIC Les Lilas") && register.contains("SCIC SA à capital variable"));
    assert!(register.contains("12 rue de la Paix, 75002 Paris") && register.contains("100,00 €"));
    assert!(
        register.contains("7 000,00 €"),
        "the subscribed capital: {register}"
    );
    assert!(register.contains("4 050,50 €"), "the paid-up capital");
    assert!(
        register.contains("<td class=\"num\">70</td>"),
        "the total of shares"
    );
    assert!(register.contains("50,50 €") && register.contains("Autonomie &amp; Solidarité"));
    assert!(
        register.contains("Registre édité le")
            && register.contains("10 associé(s) inscrit(s), dont 10 actif(s)")
    );
    assert!(
        register.contains("Se déconnecter"),
        "the register page has the navigation"
    );
    let printable = admin.get("/register?print=1").await.body;
    assert!(printable.contains("7 000,00 €") && !printable.contains("Se déconnecter"));

    // The dashboard and the capital statement agree.
    let page = admin.get("/dashboard").await.body;
    assert!(
        !page.contains("class=\"warnings\""),
        "the categories are complete: {page}"
    );
    assert!(page.contains("7 000,00 €") && page.contains("4 050,50 €"));
    // Weights in the page's language: a decimal comma in French.
    assert!(page.contains("30,00 %") && page.contains("25,00 %"));
    assert!(!page.contains("30.00 %"));
    let capital = admin.get("/capital").await.body;
    assert!(
        !capital.contains(".00 %"),
        "French percentages on the capital page"
    );
    assert!(
        capital.contains("7 000,00 €")
            && capital.contains("<svg")
            && capital.contains("role=\"img\"")
    );
    assert!(capital.contains("aria-label=") && capital.contains("<title>"));
    assert!(!capital.contains("style="), "no inline style under the CSP");
    assert!(capital.contains("18 500,00 €"), "the SA floor");
    let before = admin.get("/capital?on=2025-01-12").await.body;
    assert!(
        !before.contains("7 000,00 €"),
        "nothing was subscribed yet on 12 January"
    );

    // The list filters.
    let list = admin.get("/associates?category=local_authority").await.body;
    assert!(list.contains("Commune de Lilas") && !list.contains("Alice Martin"));
    let list = admin.get("/associates?q=lefevre").await.body;
    assert!(list.contains("Didier Lefèvre") && !list.contains("Bruno Petit"));
    assert!(list.contains("/associates/export.csv"));

    // In English, a decimal point.
    let english = admin.get("/dashboard?lang=en").await.body;
    assert!(english.contains("30.00 %"), "{english}");
}

async fn changing_the_legal_form_resets_the_rules_unless_they_change_too(app: TestApp) {
    app.create_admin();
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = admin
        .post("/settings", &settings(&[("legal_form", "SARL")]))
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = admin.get("/settings").await.body;
    assert_eq!(selected(&page, "legal_form").as_deref(), Some("SARL"));
    assert_eq!(
        input_value(&page, "ordinary_quorum_first_call").as_deref(),
        Some("0/1"),
        "the SARL's default"
    );
    assert_eq!(selected(&page, "abstentions").as_deref(), Some("against"));

    // Back to SA with one rule changed at the same time: SA defaults, and that rule.
    let mut form = settings(&[("extraordinary_majority", "3/4")]);
    for (key, value) in form.iter_mut() {
        match *key {
            "ordinary_quorum_first_call" => *value = "0/1",
            "abstentions" => *value = "against",
            _ => {}
        }
    }
    let res = admin.post("/settings", &form).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = admin.get("/settings").await.body;
    assert_eq!(selected(&page, "legal_form").as_deref(), Some("SA"));
    assert_eq!(
        input_value(&page, "ordinary_quorum_first_call").as_deref(),
        Some("1/5")
    );
    assert_eq!(selected(&page, "abstentions").as_deref(), Some("excluded"));
    assert_eq!(
        input_value(&page, "extraordinary_majority").as_deref(),
        Some("3/4")
    );

    // A bad fraction and a bad amount: refused, beside their fields, as typed.
    let res = admin
        .post(
            "/settings",
            &settings(&[
                ("ordinary_majority", "la moitié"),
                ("share_value", "cent"),
                ("name", "Autre nom"),
            ]),
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(
        input_value(&res.body, "ordinary_majority").as_deref(),
        Some("la moitié")
    );
    assert_eq!(
        input_value(&res.body, "share_value").as_deref(),
        Some("cent")
    );
    assert!(
        res.body
            .contains("aria-describedby=\"ordinary_majority-hint ordinary_majority-error\"")
    );
    assert!(res.body.contains("id=\"share_value-error\""));
    let page = admin.get("/settings").await.body;
    assert_eq!(
        input_value(&page, "name").as_deref(),
        Some("SCIC Les Lilas"),
        "nothing saved"
    );
}

async fn a_refused_college_set_shows_every_violation_and_keeps_the_typed_values(app: TestApp) {
    app.create_admin();
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let ids = college_ids(&admin).await;
    let form = [
        ("id_0", ids[0].as_str()),
        ("name_0", "Salariés"),
        ("weight_0", "60"),
        ("id_1", ids[1].as_str()),
        ("name_1", ""),
        ("weight_1", "20"),
        ("id_2", ids[2].as_str()),
        ("name_2", "salariés"),
        ("weight_2", "5"),
        ("id_3", ids[3].as_str()),
        ("name_3", ""),
        ("weight_3", ""),
        ("id_4", ids[4].as_str()),
        ("name_4", ""),
        ("weight_4", ""),
        ("id_5", ""),
        ("name_5", ""),
        ("weight_5", ""),
    ];
    let res = admin.post("/colleges", &form).await;
    assert_eq!(res.status, 422);
    let page = res.body;
    let table = page.find("<table").expect("the table");
    for global in [
        "Le collège n° 1 pèse 60,00 %, plus que le maximum légal de 50 %.",
        "Le collège n° 3 pèse 5,00 %, moins que le minimum légal de 10 %.",
        "La somme des poids des collèges doit faire 100 % (elle fait 85,00 %).",
    ] {
        let at = page
            .find(global)
            .unwrap_or_else(|| panic!("{global} in {page}"));
        assert!(at < table, "{global} is above the table");
    }
    let beside = |message: &str, row: usize| {
        let at = page
            .find(message)
            .unwrap_or_else(|| panic!("{message} in {page}"));
        let name = page
            .find(&format!("id=\"name_{row}\""))
            .expect("the name field");
        let weight = page
            .find(&format!("id=\"weight_{row}\""))
            .expect("the weight field");
        assert!(name < at && at < weight, "{message} is beside row {row}");
        assert!(page.contains(&format!("aria-describedby=\"row-{row}-error\"")));
    };
    beside("Le collège 2 n", 1);
    beside("Le nom du collège 3 est déjà pris.", 2);
    assert_eq!(input_value(&page, "weight_0").as_deref(), Some("60"));
    assert_eq!(input_value(&page, "name_2").as_deref(), Some("salariés"));
    assert_eq!(input_value(&page, "weight_2").as_deref(), Some("5"));
    assert_eq!(input_value(&page, "id_4").as_deref(), Some(ids[4].as_str()));

    let page = admin.get("/colleges").await.body;
    assert_eq!(
        input_value(&page, "name_1").as_deref(),
        Some("Usagers"),
        "nothing changed"
    );

    // A college that still has members cannot be removed (409).
    admit(
        &admin,
        &[
            ("name", "Commune de Lilas"),
            ("email", "mairie@lilas.example"),
            ("kind", "entity"),
            ("representative", "Mme la Maire"),
            ("category", "local_authority"),
            ("college_id", ids[4].as_str()),
            ("admitted_on", "2025-01-10"),
        ],
    )
    .await;
    let form: Vec<(String, String)> = (0..5)
        .flat_map(|i| {
            let keep = i < 4;
            let name = if keep {
                input_value(&page, &format!("name_{i}")).unwrap_or_default()
            } else {
                String::new()
            };
            [
                (format!("id_{i}"), ids[i].clone()),
                (format!("name_{i}"), name),
                (
                    format!("weight_{i}"),
                    if keep {
                        "25".to_string()
                    } else {
                        String::new()
                    },
                ),
            ]
        })
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = admin.post("/colleges", &form).await;
    assert_eq!(res.status, 409);
    assert!(
        res.body.contains(
            "Le collège « Collectivités territoriales » compte encore 1 associé(s) actif(s)"
        ),
        "{}",
        res.body
    );
    assert_eq!(input_value(&res.body, "weight_0").as_deref(), Some("25"));
}

async fn a_too_short_password_at_admission_is_refused_in_each_language(app: TestApp) {
    app.create_admin();
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let ids = college_ids(&admin).await;
    let fields = [
        ("name", "Jeanne Martin"),
        ("email", "jeanne@example.coop"),
        ("kind", "person"),
        ("representative", ""),
        ("address", ""),
        ("category", "beneficiary"),
        ("college_id", ids[1].as_str()),
        ("admitted_on", "2025-01-10"),
        ("password", "court"),
    ];
    let res = admin.post("/associates/new", &fields).await;
    assert_eq!(res.status, 422);
    let page = unescape(&res.body);
    assert!(
        page.contains("Le mot de passe a 5 caractère(s) : il en faut 12 au moins."),
        "{page}"
    );
    assert!(
        !page.contains("the password has") && !page.contains("Password refused"),
        "no English in the French page: {page}"
    );
    assert_eq!(input_value(&page, "name").as_deref(), Some("Jeanne Martin"));
    let res = admin.post("/associates/new?lang=en", &fields).await;
    assert_eq!(res.status, 422);
    let page = unescape(&res.body);
    assert!(
        page.contains("The password has 5 character(s): at least 12 are needed."),
        "{page}"
    );
    assert!(
        admin
            .get("/associates?lang=fr")
            .await
            .body
            .contains("0 associé(s)"),
        "nobody admitted"
    );

    // "Annuler" stands apart from "Admettre": both in a spaced row (the
    // pixels are measured in browser.rs).
    let form = admin.get("/associates/new").await.body;
    let row = form
        .split("<p class=\"form-actions\">")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .expect("the form's actions row");
    assert!(
        row.contains(">Admettre</button>") && row.contains(">Annuler</a>"),
        "{row}"
    );
    let css = admin.get("/static/style.css").await.body;
    assert!(
        css.contains(".form-actions { display: flex; flex-wrap: wrap; gap: 0.75rem 1.5rem;"),
        "{css}"
    );
}

async fn a_refused_admission_keeps_the_input_and_changes_show_in_the_history(app: TestApp) {
    app.create_admin();
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let ids = college_ids(&admin).await;
    let res = admin
        .post(
            "/associates/new",
            &[
                ("name", "Jeanne Martin"),
                ("email", "pas-une-adresse"),
                ("kind", "entity"),
                ("representative", ""),
                ("address", "3 rue des Lilas"),
                ("category", "beneficiary"),
                ("college_id", ids[1].as_str()),
                ("admitted_on", "2025-13-45"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    let page = res.body;
    assert_eq!(input_value(&page, "name").as_deref(), Some("Jeanne Martin"));
    assert_eq!(
        input_value(&page, "email").as_deref(),
        Some("pas-une-adresse")
    );
    assert_eq!(
        input_value(&page, "admitted_on").as_deref(),
        Some("2025-13-45")
    );
    assert_eq!(selected(&page, "category").as_deref(), Some("beneficiary"));
    assert_eq!(selected(&page, "kind").as_deref(), Some("entity"));
    assert_eq!(
        selected(&page, "college_id").as_deref(),
        Some(ids[1].as_str())
    );
    assert!(page.contains("3 rue des Lilas</textarea>"));
    assert!(
        page.contains("Cette adresse e-mail n")
            && page.contains("aria-describedby=\"email-error\"")
    );
    assert!(page.contains("Une personne morale doit nommer son représentant."));
    assert!(page.contains("Date d") && page.contains("id=\"admitted_on-error\""));
    assert!(
        admin.get("/associates").await.body.contains("0 associé(s)"),
        "nobody admitted"
    );

    // Admitted, then changed: the history tells what changed.
    let id = admit(
        &admin,
        &[
            ("name", "Jeanne Martin"),
            ("email", "jeanne@example.coop"),
            ("kind", "person"),
            ("representative", ""),
            ("address", ""),
            ("category", "beneficiary"),
            ("college_id", ids[1].as_str()),
            ("admitted_on", "2025-01-10"),
            ("password", ""),
        ],
    )
    .await;
    let edit = admin.get(&format!("/associates/{id}/edit")).await.body;
    assert_eq!(
        input_value(&edit, "email").as_deref(),
        Some("jeanne@example.coop")
    );
    let res = admin
        .post(
            &format!("/associates/{id}/edit"),
            &[
                ("name", "Jeanne Martin"),
                ("email", "jeanne@example.coop"),
                ("kind", "person"),
                ("representative", ""),
                ("address", "3 rue des Lilas"),
                ("category", "employee"),
                ("college_id", ids[0].as_str()),
                ("admitted_on", "2025-01-10"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location, format!("/associates/{id}?done=saved"));
    let page = admin.get(&res.location).await.body;
    assert!(
        page.contains("adresse : « » → « 3 rue des Lilas »"),
        "{page}"
    );
    assert!(page.contains("catégorie : « Bénéficiaire » → « Salarié »"));
    assert!(page.contains("collège : « Usagers » → « Salariés »"));
    assert!(page.contains("Admission") && page.contains(ADMIN_EMAIL));

    // A departure, dated and explained.
    let res = admin
        .post(
            &format!("/associates/{id}/withdraw"),
            &[("departure_on", "2024-12-31"), ("reason", "withdrawal")],
        )
        .await;
    assert_eq!(res.status, 422, "not before the admission");
    assert!(res.body.contains("ne peut pas partir avant son admission"));
    assert_eq!(
        input_value(&res.body, "departure_on").as_deref(),
        Some("2024-12-31")
    );
    let res = admin
        .post(
            &format!("/associates/{id}/withdraw"),
            &[("departure_on", "2025-06-30"), ("reason", "withdrawal")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = admin.get(&res.location).await.body;
    assert!(page.contains("Départ enregistré.") && page.contains("Retiré — 30/06/2025"));
    assert!(
        !page.contains("Enregistrer le départ"),
        "no second departure"
    );
}

async fn a_refused_movement_shows_the_rule_and_keeps_the_typed_values(app: TestApp) {
    app.create_admin();
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let ids = college_ids(&admin).await;
    let id = admit_person(&admin, &PEOPLE[0], &ids[0]).await;
    record(
        &admin,
        &id,
        &[
            ("movement", "subscription"),
            ("shares", "10"),
            ("movement_on", "2025-01-15"),
        ],
    )
    .await;
    let res = admin
        .post(
            &format!("/associates/{id}/shares"),
            &[
                ("movement", "redemption"),
                ("shares", "99"),
                ("amount", ""),
                ("movement_on", "2025-03-01"),
                ("to_associate_id", ""),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    let page = res.body;
    assert!(
        page.contains("role=\"alert\"") && page.contains("ne détient que 10 parts"),
        "{page}"
    );
    assert_eq!(input_value(&page, "shares").as_deref(), Some("99"));
    assert_eq!(
        input_value(&page, "movement_on").as_deref(),
        Some("2025-03-01")
    );
    assert_eq!(selected(&page, "movement").as_deref(), Some("redemption"));
    let res = admin
        .post(
            &format!("/associates/{id}/shares"),
            &[
                ("movement", "payment"),
                ("amount", "douze"),
                ("movement_on", "2025-03-01"),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("id=\"amount-error\"") && res.body.contains("Montant invalide"));
    let page = admin.get(&format!("/associates/{id}")).await.body;
    assert!(
        page.contains("1 000,00 €") && !page.contains("−99"),
        "only the subscription is recorded"
    );
}

async fn a_post_without_the_csrf_token_changes_nothing(app: TestApp) {
    app.create_admin();
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = admin
        .post_with("/settings", &settings(&[("name", "Piratée")]), false)
        .await;
    assert_eq!(res.status, 403);
    let res = admin
        .post_with(
            "/associates/new",
            &[
                ("name", "Intrus"),
                ("email", "x@example.coop"),
                ("kind", "person"),
                ("category", "other"),
                ("admitted_on", "2025-01-01"),
            ],
            false,
        )
        .await;
    assert_eq!(res.status, 403);
    let mut forged = settings(&[("name", "Piratée")]);
    forged.push(("csrf", "0000"));
    let res = admin.post_with("/settings", &forged, false).await;
    assert_eq!(res.status, 403);
    let page = admin.get("/settings").await.body;
    assert_eq!(
        input_value(&page, "name").as_deref(),
        Some("Ma SCIC"),
        "the name is unchanged"
    );
    assert!(admin.get("/associates").await.body.contains("0 associé(s)"));
}

async fn an_associate_sees_only_their_own_record(app: TestApp) {
    app.create_admin();
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let ids = college_ids(&admin).await;
    let own = admit(
        &admin,
        &[
            ("name", "Alice Martin"),
            ("email", "alice@example.coop"),
            ("kind", "person"),
            ("category", "employee"),
            ("college_id", ids[0].as_str()),
            ("admitted_on", "2025-01-10"),
            ("password", "un mot de passe assez long"),
        ],
    )
    .await;
    let other = admit_person(&admin, &PEOPLE[1], &ids[0]).await;
    record(
        &admin,
        &own,
        &[
            ("movement", "subscription"),
            ("shares", "3"),
            ("movement_on", "2025-01-15"),
        ],
    )
    .await;

    let alice = Browser::login(&app, "alice@example.coop", "un mot de passe assez long").await;
    let page = alice.get("/dashboard").await.body;
    assert!(
        page.contains("Mon espace") && page.contains("Alice Martin") && page.contains("300,00 €"),
        "{page}"
    );
    assert_eq!(alice.get("/settings").await.status, 403);
    assert_eq!(alice.get("/associates").await.status, 403);
    assert_eq!(alice.get("/register").await.status, 403);
    assert_eq!(alice.get(&format!("/associates/{other}")).await.status, 404);
    let mine = alice.get(&format!("/associates/{own}")).await;
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("Alice Martin") && !mine.body.contains("Enregistrer un mouvement"));
    let res = alice
        .post(
            &format!("/associates/{own}/shares"),
            &[
                ("movement", "subscription"),
                ("shares", "100"),
                ("movement_on", "2025-02-01"),
            ],
        )
        .await;
    assert_eq!(res.status, 403, "an associate records nothing");
    let page = admin.get(&format!("/associates/{own}")).await.body;
    assert!(page.contains("300,00 €") && !page.contains("10 300,00 €"));
}

async fn anonymous_visitors_are_sent_to_the_login_page(app: TestApp) {
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("client");
    for (path, next) in [
        ("/dashboard", "/dashboard"),
        ("/register", "/register"),
        ("/associates/1", "/associates/1"),
    ] {
        let res = client.get(app.url(path)).send().await.expect("GET");
        assert_eq!(res.status(), 303, "{path}");
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert_eq!(location, format!("/login?next={next}"));
    }
    let res = client
        .post(app.url("/settings"))
        .form(&[("name", "Anonyme")])
        .send()
        .await
        .expect("POST");
    assert_eq!(
        res.status(),
        303,
        "an anonymous post is sent to log in, and changes nothing"
    );
}

async fn a_secretary_reads_the_register_and_changes_nothing(app: TestApp) {
    app.create_admin();
    {
        // There is no page to create a secretary yet: the account is set up
        // as `create-admin` sets up the administrator's.
        let db = app.db();
        let mut conn = db.get().expect("connection");
        let hash =
            scrutin::services::accounts::hash_password("secrétaire de séance").expect("hash");
        scrutin::db::models::account::Account::upsert(
            &mut conn,
            "secretaire@example.coop",
            &hash,
            scrutin::db::models::account::Role::Secretary,
            scrutin::db::now(),
        )
        .expect("the secretary");
    }
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let ids = college_ids(&admin).await;
    let id = admit_person(&admin, &PEOPLE[2], &ids[1]).await;

    let secretary = Browser::login(&app, "secretaire@example.coop", "secrétaire de séance").await;
    let colleges = secretary.get("/colleges").await;
    assert_eq!(colleges.status, 200);
    assert!(
        colleges.body.contains("Usagers") && colleges.body.contains("<td class=\"num\">20 %</td>")
    );
    assert!(
        !colleges.body.contains("action=\"/colleges\""),
        "read-only for a secretary"
    );
    let list = secretary.get("/associates").await.body;
    assert!(list.contains("Chloé Durand") && !list.contains("Admettre un associé"));
    let page = secretary.get(&format!("/associates/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Enregistrer un mouvement") && !page.body.contains("/edit"));
    assert_eq!(secretary.get("/register").await.status, 200);
    assert_eq!(secretary.get("/capital").await.status, 200);
    assert_eq!(secretary.get("/settings").await.status, 403);
    assert_eq!(secretary.get("/associates/new").await.status, 403);
    let weights = [
        ("id_0", ids[0].as_str()),
        ("name_0", "Salariés"),
        ("weight_0", "50"),
        ("id_1", ids[1].as_str()),
        ("name_1", "Usagers"),
        ("weight_1", "25"),
        ("id_2", ids[2].as_str()),
        ("name_2", "Club Cigales"),
        ("weight_2", "25"),
    ];
    assert_eq!(secretary.post("/colleges", &weights).await.status, 403);
    let res = secretary
        .post(
            &format!("/associates/{id}/withdraw"),
            &[("departure_on", "2025-06-30"), ("reason", "withdrawal")],
        )
        .await;
    assert_eq!(res.status, 403);
    let page = admin.get(&format!("/associates/{id}")).await.body;
    assert!(page.contains("Enregistrer le départ"), "still active");
    assert_eq!(
        input_value(&admin.get("/colleges").await.body, "weight_0").as_deref(),
        Some("20")
    );
}

async fn the_administrator_gives_a_secretary_a_login(app: TestApp) {
    app.create_admin();
    let admin = Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let secretary = "secretariat@example.coop";

    // Too short a password: refused in French, the address kept, no login.
    let res = admin
        .post("/accounts", &[("email", secretary), ("password", "court")])
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(
        res.body
            .contains("Le mot de passe a 5 caractère(s) : il en faut 12 au moins."),
        "{}",
        res.body
    );
    assert_eq!(input_value(&res.body, "email").as_deref(), Some(secretary));
    assert!(!admin.get("/accounts").await.body.contains(secretary));

    // An address that already has a login: refused, that login unchanged.
    let res = admin
        .post(
            "/accounts",
            &[
                ("email", ADMIN_EMAIL),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(
        res.body
            .contains("Un compte utilise déjà cette adresse e-mail."),
        "{}",
        res.body
    );
    Browser::login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    let res = admin
        .post(
            "/accounts",
            &[("email", secretary), ("password", "secrétaire de séance")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location, "/accounts?done=account_created");
    let page = admin.get("/accounts?done=account_created").await.body;
    assert!(page.contains("Compte créé."));
    assert!(page.contains(secretary) && page.contains("Secrétariat"));

    // The secretary's login runs assemblies, and gives no other login.
    let them = Browser::login(&app, secretary, "secrétaire de séance").await;
    assert_eq!(them.get("/assemblies").await.status, 200);
    assert_eq!(them.get("/accounts").await.status, 403);
    let res = them
        .post(
            "/accounts",
            &[
                ("email", "autre@example.coop"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(res.status, 403);
    assert!(
        !admin
            .get("/accounts")
            .await
            .body
            .contains("autre@example.coop")
    );
}
