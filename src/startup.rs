//! Builds the server: database first (so a bad URL fails before binding),
//! then the listener (port 0 picks a free one, which tests rely on).

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::Server;
use actix_web::middleware::Logger;
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use crate::config::Config;
use crate::db::Db;
use crate::db::models::setting;
use crate::mail::Mailer;
use crate::mail::emails::check_templates;
use crate::services::ballot_writer::BallotWriter;
use crate::services::outbox::Outbox;
use crate::templates::Templates;
use crate::web::{AppState, log_redaction, routes, security_headers};

pub struct Application {
    address: SocketAddr,
    server: Server,
}

impl Application {
    pub fn build(config: Config) -> anyhow::Result<Application> {
        let db = Db::open(&config.database)?;
        let secret_key = match config.secret_key.clone() {
            Some(key) => key,
            None => stored_secret_key(&db)?,
        };
        let listener = TcpListener::bind(config.bind).map_err(|e| bind_error(config.bind, e))?;
        let address = listener.local_addr()?;
        let base_url = config
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{address}"));
        let templates = std::sync::Arc::new(Templates::new(config.templates_dir.clone()));
        if let Some(problem) = check_templates(&templates).into_iter().next() {
            // A broken override is reported, never replaced by the default.
            anyhow::bail!("{problem}: fix the template or remove the override");
        }
        let mailer = Mailer::from_config(&config)?;
        let outbox = Outbox::start(db.clone(), mailer.clone(), templates.clone());
        let ballots = BallotWriter::start(db.clone(), config.test_ballot_writer_panics);
        let live = crate::services::live_changes::LiveChanges::start(db.url());
        let state = web::Data::new(AppState {
            ballots,
            live,
            db,
            base_url,
            secret_key,
            mailer,
            templates,
            outbox,
            trusted_proxies: config.trusted_proxies.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(security_headers())
                // The request line with its tokens redacted (never `%r`,
                // `%U` or `%q`, which would log them); no body is logged.
                .wrap(
                    Logger::new("%{request}xi %s %Dms")
                        .custom_request_replace("request", log_redaction::request_line),
                )
                .configure(routes)
        })
        .listen(listener)
        .context("cannot start the HTTP server")?
        .run();
        Ok(Application { address, server })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn bind_error(bind: SocketAddr, e: std::io::Error) -> anyhow::Error {
    let hint = match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "the port is already in use: stop the other program or set SCRUTIN_BIND (e.g. {}:{})",
            bind.ip(),
            bind.port().wrapping_add(1)
        ),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied: use a port above 1023 in SCRUTIN_BIND".to_string()
        }
        _ => "check SCRUTIN_BIND".to_string(),
    };
    anyhow::anyhow!("cannot listen on {bind}: {e}; {hint}")
}

/// The key generated on first start and kept in the database, so cookies
/// and tokens survive a restart without configuration.
fn stored_secret_key(db: &Db) -> anyhow::Result<Vec<u8>> {
    let mut conn = db.get()?;
    let fresh: [u8; 64] = rand::random();
    let stored = setting::get_or_insert(&mut conn, "secret_key", &hex::encode(fresh))
        .context("cannot read the secret key from the database")?;
    hex::decode(stored).context("the stored secret key is not hexadecimal")
}
