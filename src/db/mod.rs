//! Storage: one `DbConn` over SQLite and PostgreSQL, an r2d2 pool, the
//! embedded migrations. The backend is chosen by the URL's scheme, never by
//! trial: SQLite accepts any string as a path, so a typo in a PostgreSQL URL
//! would otherwise silently create an empty database file.

pub mod models;
pub mod schema;

use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgresql");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// Runs the same diesel expression on whichever backend `conn` is, for the
/// few statements a `MultiConnection` cannot express (`RETURNING`, upserts).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Postgres($c) => $body,
        }
    };
}

/// Where the data lives, parsed from `DATABASE_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(String),
    Postgres(String),
}

impl DbUrl {
    /// A bare path or `sqlite://PATH` is SQLite; `postgres://` or
    /// `postgresql://` is PostgreSQL; any other scheme is refused.
    pub fn parse(url: &str) -> Result<DbUrl, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err(
                "DATABASE_URL is empty: give a file path (scrutin.db) or a postgres:// URL".into(),
            );
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres(url.to_string()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("DATABASE_URL sqlite:// names no file: write sqlite:///absolute/path.db or a plain path".into());
            }
            return Ok(DbUrl::Sqlite(path.to_string()));
        }
        // Anything shaped like `scheme:` (letters before a colon, before any
        // slash) is a URL we do not speak, not a file name.
        if let Some((scheme, _)) = url.split_once(':') {
            let looks_like_scheme = !scheme.is_empty()
                && !scheme.contains('/')
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
            if looks_like_scheme {
                return Err(format!(
                    "DATABASE_URL scheme `{scheme}:` is not supported: use a file path, sqlite://PATH or postgres://USER@HOST/DB"
                ));
            }
        }
        Ok(DbUrl::Sqlite(url.to_string()))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DbUrl::Sqlite(_) => "SQLite",
            DbUrl::Postgres(_) => "PostgreSQL",
        }
    }

    /// Opens one connection, configured for scrutin.
    pub fn connect(&self) -> Result<DbConn, diesel::ConnectionError> {
        match self {
            DbUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
            DbUrl::Postgres(url) => Ok(DbConn::Postgres(PgConnection::establish(url)?)),
        }
    }
}

/// WAL lets readers work while a ballot is written; `synchronous = FULL`
/// makes every acknowledged commit survive a power cut, not only a crash of
/// the process (NORMAL would lose the last commits on power loss), because an
/// acknowledged ballot must never be lost. `secure_delete` zeroes what a
/// delete frees, so the rows a secret vote rewrites at close leave no copy
/// behind (docs/secret-ballot.md); nothing on the ballot path deletes.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA secure_delete = ON;
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 5000;";

/// The r2d2 manager: dispatches on the parsed URL instead of
/// `MultiConnection::establish`, which would try SQLite with any string.
pub struct Manager {
    url: DbUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.url.connect().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    /// A connection given back while its thread panics (e.g. in the middle
    /// of a ballot batch), or with a transaction still open, is closed
    /// rather than reused: closing it rolls its transaction back and
    /// releases the write lock. (diesel's own manager does the same.)
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// The database handle shared by the web workers.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: DbUrl,
}

impl Db {
    /// Connects once (so an unreachable server fails now, with its reason),
    /// applies pending migrations, then builds the pool.
    pub fn open(url: &DbUrl) -> anyhow::Result<Db> {
        let mut conn = url.connect().map_err(|e| connect_error(url, e))?;
        run_migrations(&mut conn)?;
        let size = match url {
            DbUrl::Sqlite(_) => 8,
            DbUrl::Postgres(_) => 16,
        };
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(3))
            .build(Manager { url: url.clone() })
            .with_context(|| format!("cannot open a pool of {} connections", url.backend_name()))?;
        Ok(Db {
            pool,
            url: url.clone(),
        })
    }

    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, so the
    /// async workers never wait on the database.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(|e| {
                tracing::warn!("no database connection: {e}");
                AppError::unavailable()
            })?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// A connection for synchronous callers (CLI commands).
    pub fn get(&self) -> anyhow::Result<r2d2::PooledConnection<Manager>> {
        self.pool.get().context("no database connection available")
    }
}

/// A transaction for a use case that reads, checks, then writes: it takes
/// the write lock first, so two such use cases never interleave.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        models::setting::take_write_lock(conn)?;
        f(conn)
    })
}

/// Whether `conn` is inside a transaction (work that must run outside one,
/// such as `VACUUM`, is then left to the caller that opened it).
pub fn in_transaction(conn: &mut DbConn) -> bool {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let depth = on_backend!(conn, |c| {
        AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
    });
    !matches!(depth, Ok(None))
}

fn connect_error(url: &DbUrl, e: diesel::ConnectionError) -> anyhow::Error {
    match url {
        DbUrl::Sqlite(path) => anyhow::anyhow!(
            "cannot open the SQLite database `{path}` ({e}): check that its folder exists and is writable, or set DATABASE_URL"
        ),
        DbUrl::Postgres(_) => anyhow::anyhow!(
            "cannot connect to PostgreSQL ({}): check that the server runs and that DATABASE_URL is right",
            one_line(&e.to_string())
        ),
    }
}

/// libpq's messages span several lines; the CLI promises one.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Applies the pending migrations of the connection's dialect.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConn::Postgres(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| anyhow::anyhow!("cannot apply the database migrations: {e}"))
}

/// The version of the newest migration this program carries (the same on
/// both dialects): the schema an archive's rows fit.
pub fn latest_migration() -> String {
    use diesel::migration::MigrationSource;
    let migrations: Vec<Box<dyn diesel::migration::Migration<diesel::sqlite::Sqlite>>> =
        SQLITE_MIGRATIONS.migrations().unwrap_or_default();
    migrations
        .iter()
        .map(|m| m.name().version().to_string())
        .max()
        .unwrap_or_default()
}

/// An instant as both backends store it: UTC, microsecond precision
/// (SQLite would keep nanoseconds that PostgreSQL drops).
pub fn now() -> chrono::NaiveDateTime {
    truncate_to_micros(chrono::Utc::now().naive_utc())
}

pub fn truncate_to_micros(t: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::Timelike;
    let micros = t.nanosecond() / 1_000;
    t.with_nanosecond(micros * 1_000).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::DbUrl;

    #[test]
    fn both_dialects_carry_the_same_migrations() {
        use diesel::migration::MigrationSource;
        let sqlite: Vec<String> =
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&super::SQLITE_MIGRATIONS)
                .expect("SQLite migrations")
                .iter()
                .map(|m| m.name().to_string())
                .collect();
        let postgres: Vec<String> =
            MigrationSource::<diesel::pg::Pg>::migrations(&super::POSTGRES_MIGRATIONS)
                .expect("PostgreSQL migrations")
                .iter()
                .map(|m| m.name().to_string())
                .collect();
        assert_eq!(
            sqlite, postgres,
            "an archive's schema stamp means one schema"
        );
        assert_eq!(
            super::latest_migration().len(),
            14,
            "{}",
            super::latest_migration()
        );
    }

    #[test]
    fn url_schemes_are_dispatched_explicitly() {
        assert_eq!(
            DbUrl::parse("scrutin.db"),
            Ok(DbUrl::Sqlite("scrutin.db".into()))
        );
        assert_eq!(
            DbUrl::parse("sqlite:///tmp/a.db"),
            Ok(DbUrl::Sqlite("/tmp/a.db".into()))
        );
        assert_eq!(
            DbUrl::parse("./data/x.db"),
            Ok(DbUrl::Sqlite("./data/x.db".into()))
        );
        assert!(matches!(
            DbUrl::parse("postgres://u@h/db"),
            Ok(DbUrl::Postgres(_))
        ));
        assert!(matches!(
            DbUrl::parse("postgresql://u@h/db"),
            Ok(DbUrl::Postgres(_))
        ));
        for typo in [
            "postgress://u@h/db",
            "mysql://h/db",
            "postgres:/h/db",
            "sqlite://",
            "",
        ] {
            assert!(DbUrl::parse(typo).is_err(), "{typo} must be refused");
        }
    }
}
