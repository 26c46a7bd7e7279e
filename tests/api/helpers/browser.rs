//! A real headless Chromium driven through WebDriver: one ChromeDriver per
//! test (Debian's chromium and chromium-driver, installed by scripts/test).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tempfile::TempDir;

use super::app::{ADMIN_EMAIL, ADMIN_PASSWORD, Backend, TestApp, spawn_app};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// The ChromeDriver of one test. Dropping it, even when the test panics,
/// ends the WebDriver session (ChromeDriver then closes Chromium) and kills
/// that ChromeDriver, by its process id.
pub struct Driver {
    child: Child,
    pub port: u16,
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let (Some(id), Ok(mut s)) = (&self.session, TcpStream::connect(("127.0.0.1", self.port)))
        {
            let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                self.port
            );
            if s.write_all(request.as_bytes()).is_ok() {
                // The answer comes once Chromium has quit.
                let _ = s.read(&mut [0u8; 256]);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser session: the WebDriver client, its driver and a fresh profile.
pub struct Browser {
    pub client: Client,
    pub driver: Driver,
    _profile: TempDir,
}

impl std::ops::Deref for Browser {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

pub async fn browser(window: (u32, u32)) -> Browser {
    assert!(
        Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
        "the browser tests need Chromium and ChromeDriver: apt-get install -y chromium chromium-driver"
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let mut driver = Driver {
        child,
        port,
        session: None,
    };
    let webdriver = format!("http://127.0.0.1:{port}");
    until(10, "chromedriver answers", async || {
        reqwest::get(format!("{webdriver}/status")).await.ok()
    })
    .await;
    let profile = tempfile::tempdir().expect("a profile folder");
    let args = json!([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        format!("--user-data-dir={}", profile.path().display()),
        format!("--window-size={},{}", window.0, window.1),
    ]);
    let mut caps = serde_json::Map::new();
    let mut options = json!({"binary": CHROMIUM, "args": args});
    if window.0 < 500 {
        // Headless Chromium keeps its window at least 500 pixels wide: a
        // phone's viewport comes from the device emulation.
        options["mobileEmulation"] = json!({"deviceMetrics": {
            "width": window.0, "height": window.1, "pixelRatio": 2.0, "touch": true
        }});
    }
    caps.insert("goog:chromeOptions".into(), options);
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&webdriver)
        .await
        .expect("a Chromium session");
    driver.session = client.session_id().await.ok().flatten();
    Browser {
        client,
        driver,
        _profile: profile,
    }
}

impl Browser {
    pub async fn text(&self, css: &str) -> String {
        match self.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    pub async fn lang(&self) -> String {
        let html = self.find(Locator::Css("html")).await.expect("html");
        html.attr("lang").await.ok().flatten().unwrap_or_default()
    }

    pub async fn path(&self) -> String {
        self.current_url().await.expect("url").path().to_string()
    }

    pub async fn run(&self, script: &str) -> Value {
        self.execute(script, vec![]).await.expect("script")
    }

    /// The console messages of level SEVERE since the last call (script
    /// errors, CSP refusals, failed loads), through ChromeDriver's log.
    pub async fn severe_logs(&self) -> Vec<String> {
        let id = self.session_id().await.ok().flatten().expect("session");
        let url = format!("http://127.0.0.1:{}/session/{id}/se/log", self.driver.port);
        let body: Value = reqwest::Client::new()
            .post(url)
            .json(&json!({"type": "browser"}))
            .send()
            .await
            .expect("the browser log")
            .json()
            .await
            .expect("JSON");
        body["value"]
            .as_array()
            .expect("log entries")
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or("").to_string())
            .filter(|m| !m.contains("favicon.ico"))
            .collect()
    }

    pub async fn shot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
        let png = self.screenshot().await.expect("screenshot");
        let file = dir.join(format!("{name}.png"));
        // `name` may name a subfolder (`journey/01-settings`).
        let _ = std::fs::create_dir_all(file.parent().unwrap_or(&dir));
        let _ = std::fs::write(&file, png);
        eprintln!("screenshot: {}", dir.join(format!("{name}.png")).display());
    }

    pub async fn click(&self, css: &str) {
        self.find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Logs in through the form as the administrator.
    pub async fn log_in(&self, app: &TestApp) {
        self.log_in_as(app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    }

    /// Logs in through the form.
    pub async fn log_in_as(&self, app: &TestApp, email: &str, password: &str) {
        self.goto(&app.url("/login")).await.expect("login page");
        let field = |name: &'static str| self.find(Locator::Css(name));
        field("input[name=email]")
            .await
            .expect("e-mail field")
            .send_keys(email)
            .await
            .expect("type");
        field("input[name=password]")
            .await
            .expect("password field")
            .send_keys(password)
            .await
            .expect("type");
        self.click("form[action='/login'] button[type=submit]")
            .await;
        let path = until(10, "the page after the password", async || {
            let path = self.path().await;
            (path != "/login").then_some(path)
        })
        .await;
        match path.as_str() {
            // An administrator's first login: the enrolment, the app's
            // code computed from the secret the page shows.
            "/account/second-factor" => {
                let secret = field("input[name=secret]")
                    .await
                    .expect("the secret")
                    .attr("value")
                    .await
                    .expect("its value")
                    .expect("a secret");
                let code =
                    scrutin::services::second_factor::code_at(&secret, crate::helpers::unix_now())
                        .expect("a code");
                self.type_code(&code, "form[action='/account/second-factor']")
                    .await;
                until(10, "the recovery codes", async || {
                    self.find(Locator::Css("ul.recovery-codes")).await.ok()
                })
                .await;
                self.find(Locator::LinkText(if self.lang().await == "en" {
                    "Continue"
                } else {
                    "Continuer"
                }))
                .await
                .expect("the way on")
                .click()
                .await
                .expect("click");
            }
            "/login/second-factor" => {
                let (_, code) = app
                    .second_factor_proof(email)
                    .expect("the account has a second factor");
                self.type_code(&code, "form[action='/login/second-factor']")
                    .await;
            }
            _ => {}
        }
        until(10, "the dashboard after login", async || {
            (self.path().await == "/dashboard").then_some(())
        })
        .await;
    }

    /// Types the second factor's code in the form and sends it.
    async fn type_code(&self, code: &str, form: &str) {
        self.find(Locator::Css(&format!("{form} input[name=code]")))
            .await
            .expect("the code field")
            .send_keys(code)
            .await
            .expect("type");
        self.click(&format!("{form} button[type=submit]")).await;
    }
}

/// Polls `f` every 100 ms until it gives something, for at most `secs`.
pub async fn until<T>(secs: u64, what: &str, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < end, "waited {secs} s for: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn sqlite_app() -> TestApp {
    spawn_app(Backend::Sqlite)
        .await
        .expect("SQLite is always available")
}
