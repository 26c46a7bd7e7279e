//! The server under test: a fresh database per test, on port 0, and the
//! client calls every test makes (log in, post JSON, read an answer).

use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use scrutin::config::Config;
use scrutin::db::{Db, DbUrl};
use scrutin::startup::Application;
use serde_json::{Value, json};
use tempfile::TempDir;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub db_url: DbUrl,
    pub client: reqwest::Client,
    _dir: TempDir,
    postgres: Option<PostgresDatabase>,
}

pub const ADMIN_EMAIL: &str = "admin@example.coop";
pub const ADMIN_PASSWORD: &str = "a long admin password";

/// A database created for one test and dropped after it.
pub struct PostgresDatabase {
    server_url: String,
    name: String,
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.server_url) {
            let _ = conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// Replaces the database name of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

pub fn fresh_postgres() -> Option<(String, PostgresDatabase)> {
    let server_url = std::env::var("SCRUTIN_TEST_POSTGRES_URL").ok()?;
    let name = format!("scrutin_test_{}", hex::encode(rand::random::<[u8; 8]>()));
    let mut conn = PgConnection::establish(&server_url)
        .unwrap_or_else(|e| panic!("SCRUTIN_TEST_POSTGRES_URL does not answer: {e}"));
    conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .expect("create the test database");
    Some((
        with_database(&server_url, &name),
        PostgresDatabase { server_url, name },
    ))
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

/// A server started with these environment variables as well.
pub async fn spawn_app_with(backend: Backend, extra: &[(&str, &str)]) -> Option<TestApp> {
    // Logs only when asked: `TEST_LOG=1 cargo test`.
    if std::env::var_os("TEST_LOG").is_some() {
        scrutin::telemetry::init();
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let (url, postgres) = match backend {
        Backend::Sqlite => (dir.path().join("test.db").display().to_string(), None),
        Backend::Postgres => {
            let (url, db) = fresh_postgres()?;
            (url, Some(db))
        }
    };
    let mail_dir: PathBuf = dir.path().join("mail");
    let vars = [
        ("DATABASE_URL", url),
        ("SCRUTIN_BIND", "127.0.0.1:0".to_string()),
        ("SCRUTIN_MAIL_DIR", mail_dir.display().to_string()),
    ];
    let config = Config::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| {
                extra
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            })
    })
    .expect("test configuration");
    let db_url = config.database.clone();
    let app = Application::build(config).expect("the server starts");
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    Some(TestApp {
        address,
        db_url,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client"),
        _dir: dir,
        postgres,
    })
}

/// A server on a database the test prepared (e.g. by `scrutin import-archive`);
/// `postgres` is the guard that drops it afterwards.
pub async fn spawn_app_on(db_url: DbUrl, postgres: Option<PostgresDatabase>) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = match &db_url {
        DbUrl::Sqlite(path) | DbUrl::Postgres(path) => path.clone(),
    };
    let vars = [
        ("DATABASE_URL", url),
        ("SCRUTIN_BIND", "127.0.0.1:0".to_string()),
        (
            "SCRUTIN_MAIL_DIR",
            dir.path().join("mail").display().to_string(),
        ),
    ];
    let config = Config::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("test configuration");
    let app = Application::build(config).expect("the server starts");
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        db_url,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client"),
        _dir: dir,
        postgres,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn backend(&self) -> Backend {
        if self.postgres.is_some() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The folder the test server writes its e-mails to (`<id>.eml` files).
    pub fn mail_dir(&self) -> PathBuf {
        self._dir.path().join("mail")
    }

    /// The same database as served by another server at `address` (the
    /// real binary started by a test), whose mail folder is `dir/mail`: the
    /// helpers then talk to that server. The database stays this app's.
    pub fn served_by(&self, address: String, dir: TempDir) -> TestApp {
        TestApp {
            address,
            db_url: self.db_url.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
            _dir: dir,
            postgres: None,
        }
    }

    /// A second handle on the test's database, as another process would open it.
    pub fn db(&self) -> Db {
        Db::open(&self.db_url).expect("open the test database")
    }

    /// Waits until the mail outbox has sent everything (it writes in the
    /// background: a test that reads the storage waits for it first).
    pub async fn mail_settled(&self) {
        let db = self.db();
        for _ in 0..300 {
            let mut conn = db.get().expect("connection");
            if scrutin::db::models::outbox::unsent(&mut conn).expect("the outbox") == 0 {
                return;
            }
            drop(conn);
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the mail outbox did not empty within 30 s");
    }

    pub fn create_admin(&self) {
        let db = self.db();
        let mut conn = db.get().expect("connection");
        scrutin::services::accounts::create_admin(&mut conn, ADMIN_EMAIL, ADMIN_PASSWORD)
            .expect("create the admin");
    }

    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub async fn get_api(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    /// Creates the administrator and logs in: the token. Once the
    /// administrator has enrolled a second factor (a page login does it),
    /// the login carries a code.
    pub async fn admin_token(&self) -> String {
        self.create_admin();
        let res = self
            .post_json(
                "/api/v1/auth/login",
                &self.api_login_body(ADMIN_EMAIL, ADMIN_PASSWORD),
                None,
            )
            .await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.expect("JSON");
        body["token"].as_str().expect("a token").to_string()
    }
}

impl TestApp {
    /// The body of `POST /api/v1/auth/login`, with the second factor when
    /// the account has one.
    pub fn api_login_body(&self, email: &str, password: &str) -> Value {
        let mut body = json!({"email": email, "password": password});
        if let Some((field, code)) = self.second_factor_proof(email) {
            body[field] = json!(code);
        }
        body
    }

    /// The second factor of an account that has one, as its owner would
    /// type it: a code of the authenticator app (computed from the secret
    /// in the database) for a step not used yet, `("totp", code)`; when the
    /// steps a code may be accepted for now are used up (a test logs in
    /// again within the same 30 s), a fresh recovery code,
    /// `("recovery_code", code)`. `None` when the account has none.
    pub fn second_factor_proof(&self, email: &str) -> Option<(&'static str, String)> {
        use scrutin::db::models::account::Account;
        use scrutin::db::models::second_factor::SecondFactor;
        use scrutin::services::second_factor;
        let db = self.db();
        let mut conn = db.get().expect("connection");
        let account = Account::by_email(&mut conn, email).expect("read the account")?;
        let factor = SecondFactor::of(&mut conn, account.id).expect("read the second factor")?;
        let now = unix_now();
        let current = (now / 30) as i64;
        let step = current.max(factor.last_step + 1);
        if step <= current + 1 {
            let code = second_factor::code_at(&factor.secret, step as u64 * 30).expect("a code");
            return Some(("totp", code));
        }
        let codes = second_factor::replace_recovery_codes(&mut conn, account.id)
            .expect("new recovery codes");
        Some(("recovery_code", codes[0].clone()))
    }

    /// Logs in through the login form as a person would, and returns the
    /// answer that opens the session (303 to `next`, with the session
    /// cookie): the password, then the code of the second factor when the
    /// account has one. An administrator without one is sent to enrol
    /// first: this enrols through the enrolment page (the secret read from
    /// the page, the code computed from it), then returns the password's
    /// answer. Any other answer to the password (401, 429…) is returned as is.
    /// Works with and without a cookie store: the cookies of the steps are
    /// sent by hand.
    pub async fn page_login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
        next: &str,
    ) -> reqwest::Response {
        let res = client
            .post(self.url("/login"))
            .form(&[("email", email), ("password", password), ("next", next)])
            .send()
            .await
            .expect("login");
        let location = location(&res);
        if location.starts_with("/login/second-factor") {
            let cookie = set_cookie(&res, "scrutin_pending").expect("a pending login cookie");
            let (_, code) = self
                .second_factor_proof(email)
                .expect("the account has a second factor");
            return client
                .post(self.url("/login/second-factor"))
                .header("Cookie", cookie)
                .form(&[("code", code.as_str()), ("next", next)])
                .send()
                .await
                .expect("the code");
        }
        if location.starts_with("/account/second-factor") {
            let cookie = set_cookie(&res, "scrutin_session").expect("a session cookie");
            self.enrol(client, &cookie).await;
        }
        res
    }

    /// Enrols the account of the session `cookie` (`name=value`) through the
    /// enrolment page: the secret shown, and the recovery codes shown once.
    pub async fn enrol(&self, client: &reqwest::Client, cookie: &str) -> (String, Vec<String>) {
        let page = client
            .get(self.url("/account/second-factor"))
            .header("Cookie", cookie)
            .send()
            .await
            .expect("the enrolment page")
            .text()
            .await
            .expect("body");
        let secret = input_value(&page, "secret").expect("the secret on the enrolment page");
        let csrf = input_value(&page, "csrf").expect("a CSRF field");
        let code = scrutin::services::second_factor::code_at(&secret, unix_now()).expect("a code");
        let res = client
            .post(self.url("/account/second-factor"))
            .header("Cookie", cookie)
            .form(&[
                ("csrf", csrf.as_str()),
                ("secret", secret.as_str()),
                ("code", code.as_str()),
                ("next", "/dashboard"),
            ])
            .send()
            .await
            .expect("enrol");
        assert_eq!(res.status(), 200, "the enrolment succeeds");
        let body = res.text().await.expect("body");
        (secret, recovery_codes_in(&body))
    }
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// The `Location` of an answer, or "".
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// `name=value` of the cookie `name` an answer sets.
pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

/// The value of the first input `name` of a page.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("name=\"{name}\""))?;
    let tag = &html[start..start + html[start..].find('>')?];
    let value = tag.split("value=\"").nth(1)?.split('"').next()?;
    Some(value.to_string())
}

/// The recovery codes a page shows (`<li><code>…</code></li>`).
pub fn recovery_codes_in(html: &str) -> Vec<String> {
    html.split("<li><code>")
        .skip(1)
        .filter_map(|rest| rest.split("</code>").next())
        .map(str::to_string)
        .collect()
}

/// Asserts the error shape of CONTRACT.md and returns the code.
pub async fn error_code(res: reqwest::Response, status: u16) -> String {
    assert_eq!(res.status().as_u16(), status, "status");
    let body: Value = res.json().await.expect("an error body in JSON");
    let message = body["error"]["message"].as_str().unwrap_or("");
    assert!(!message.is_empty(), "the error has a message: {body}");
    body["error"]["code"]
        .as_str()
        .expect("an error code")
        .to_string()
}

/// Recomputes the chain head from a named resolution's published receipts
/// (`GET /resolutions/{id}/receipts`), in chain order: what any member can
/// check against the published head.
pub fn replay_published(resolution: i64, published: &Value) -> String {
    let by_receipt: std::collections::HashMap<&str, (&str, i64)> = published["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .map(|x| {
            let field = |name: &str| x[name].as_str().unwrap_or("");
            (
                field("receipt"),
                (field("choice"), x["college_id"].as_i64().unwrap_or(0)),
            )
        })
        .collect();
    let order = published["chain_order"]
        .as_array()
        .expect("the chain order of a named ballot");
    scrutin::domain::chain::replay(
        resolution,
        order.iter().filter_map(|v| v.as_str()).map(|receipt| {
            let (choice, college) = by_receipt[receipt];
            (
                receipt,
                scrutin::domain::tally::Choice::parse(choice).expect("a choice"),
                college,
            )
        }),
    )
}
