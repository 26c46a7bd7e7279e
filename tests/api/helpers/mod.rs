//! What the integration tests share: the server under test (`app`), set-up
//! cooperatives (`fixtures`), a real browser (`browser`) and a real SMTP
//! server (`mail`).

/// Runs an `async fn(TestApp)` once per backend: `name::sqlite` and
/// `name::postgres`. The PostgreSQL leg says so when it is skipped.
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite)
                    .await
                    .expect("SQLite is always available");
                super::$name(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match crate::helpers::spawn_app(crate::helpers::Backend::Postgres).await {
                    Some(app) => super::$name(app).await,
                    None => eprintln!("skipped: SCRUTIN_TEST_POSTGRES_URL is unset"),
                }
            }
        }
    )+};
}

pub mod app;
pub mod browser;
pub mod fixtures;
pub mod mail;

pub use app::*;
pub use fixtures::*;
