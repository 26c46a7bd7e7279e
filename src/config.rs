//! Configuration from the environment, with the defaults of CONTRACT.md.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::db::DbUrl;
use crate::web::client_address::TrustedProxies;

#[derive(Clone)]
pub struct Config {
    pub database: DbUrl,
    pub bind: SocketAddr,
    /// `SCRUTIN_BASE_URL`; `None` means `http://` + the bound address.
    pub base_url: Option<String>,
    /// `SCRUTIN_SECRET_KEY` as bytes; `None` means generated once and kept in the database.
    pub secret_key: Option<Vec<u8>>,
    pub smtp_url: Option<String>,
    pub mail_dir: PathBuf,
    pub mail_from: String,
    pub templates_dir: Option<PathBuf>,
    /// `SCRUTIN_TRUSTED_PROXIES`: whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// `SCRUTIN_TEST_BALLOT_WRITER_PANICS`: a test hook, 0 unless set: the
    /// ballot writer's first N batches panic (see `services::ballot_writer`).
    pub test_ballot_writer_panics: u32,
}

impl std::fmt::Debug for Config {
    // Never print the secret key or SMTP credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database", &self.database.backend_name())
            .field("bind", &self.bind)
            .field("base_url", &self.base_url)
            .field("mail_dir", &self.mail_dir)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE: &str = "scrutin.db";

impl Config {
    /// Reads every variable of CONTRACT.md; an invalid value is an error that
    /// names the variable and says what to write instead.
    pub fn from_env() -> Result<Config, String> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let database =
            DbUrl::parse(&var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE.into()))?;
        let bind_text = var("SCRUTIN_BIND").unwrap_or_else(|| DEFAULT_BIND.into());
        let bind: SocketAddr = bind_text.trim().parse().map_err(|_| {
            format!("SCRUTIN_BIND `{bind_text}` is not HOST:PORT: write e.g. 127.0.0.1:8080 (port 0 picks a free one)")
        })?;
        let secret_key = match var("SCRUTIN_SECRET_KEY") {
            None => None,
            Some(hex_key) => {
                let bytes = hex::decode(hex_key.trim()).map_err(|_| {
                    "SCRUTIN_SECRET_KEY is not hexadecimal: generate one with `openssl rand -hex 64`".to_string()
                })?;
                if bytes.len() < 64 {
                    return Err(format!(
                        "SCRUTIN_SECRET_KEY has {} bytes, at least 64 are needed: generate one with `openssl rand -hex 64`",
                        bytes.len()
                    ));
                }
                Some(bytes)
            }
        };
        let base_url = var("SCRUTIN_BASE_URL").map(|u| u.trim().trim_end_matches('/').to_string());
        if let Some(url) = &base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!(
                "SCRUTIN_BASE_URL `{url}` must start with http:// or https://"
            ));
        }
        let templates_dir = var("SCRUTIN_TEMPLATES_DIR").map(PathBuf::from).or_else(|| {
            let local = PathBuf::from("templates");
            local.is_dir().then_some(local)
        });
        let trusted_proxies =
            TrustedProxies::parse(&var("SCRUTIN_TRUSTED_PROXIES").unwrap_or_default())?;
        let test_ballot_writer_panics = match var("SCRUTIN_TEST_BALLOT_WRITER_PANICS") {
            None => 0,
            Some(n) => n.trim().parse().map_err(|_| {
                format!("SCRUTIN_TEST_BALLOT_WRITER_PANICS `{n}` is not a count: leave it unset (it is a test setting)")
            })?,
        };
        Ok(Config {
            database,
            bind,
            base_url,
            secret_key,
            smtp_url: var("SCRUTIN_SMTP_URL"),
            mail_dir: var("SCRUTIN_MAIL_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("mail-outbox")),
            mail_from: var("SCRUTIN_MAIL_FROM").unwrap_or_else(|| "scrutin@localhost".into()),
            templates_dir,
            trusted_proxies,
            test_ballot_writer_panics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, String> {
        Config::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults_follow_the_contract() {
        let c = config(&[]).expect("defaults are valid");
        assert_eq!(c.database, DbUrl::Sqlite("scrutin.db".into()));
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.mail_dir, PathBuf::from("mail-outbox"));
        assert_eq!(c.mail_from, "scrutin@localhost");
        assert!(c.secret_key.is_none() && c.base_url.is_none());
        assert!(c.trusted_proxies.is_empty(), "nobody is trusted by default");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = config(&[("SCRUTIN_BIND", "localhost")])
            .err()
            .unwrap_or_default();
        assert!(e.contains("SCRUTIN_BIND"), "{e}");
        let e = config(&[("SCRUTIN_SECRET_KEY", "abcd")])
            .err()
            .unwrap_or_default();
        assert!(e.contains("at least 64"), "{e}");
        let e = config(&[("DATABASE_URL", "mysql://x/y")])
            .err()
            .unwrap_or_default();
        assert!(e.contains("not supported"), "{e}");
        let e = config(&[("SCRUTIN_TRUSTED_PROXIES", "127.0.0.1,nginx")])
            .err()
            .unwrap_or_default();
        assert!(e.contains("SCRUTIN_TRUSTED_PROXIES"), "{e}");
        let c = config(&[("SCRUTIN_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")]).expect("valid");
        assert!(
            c.trusted_proxies
                .trusts("10.1.2.3".parse().expect("an address"))
        );
    }
}
