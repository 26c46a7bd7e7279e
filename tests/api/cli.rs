//! The binary itself, as scripts use it (CONTRACT.md): one line on failure,
//! a non-zero code, never a panic.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_scrutin");

fn scrutin(dir: &TempDir, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("SCRUTIN_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("the binary ends")
}

/// Fails with exactly one line on standard error that mentions `hint`.
fn assert_user_error(out: &Output, hint: &str) {
    assert!(!out.status.success(), "must fail");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(hint), "`{hint}` in: {err}");
}

#[test]
fn create_admin_then_migrate_on_the_default_sqlite_file() {
    let dir = tempfile::tempdir().expect("dir");
    let out = scrutin(
        &dir,
        &[
            "create-admin",
            "--email",
            "a@example.coop",
            "--password-stdin",
        ],
        &[],
        "a long enough password\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("scrutin.db").exists(),
        "the default database is scrutin.db"
    );
    let out = scrutin(&dir, &["migrate"], &[], "");
    assert!(out.status.success());
}

#[test]
fn user_errors_are_one_line_without_panic() {
    let dir = tempfile::tempdir().expect("dir");
    let empty = scrutin(
        &dir,
        &[
            "create-admin",
            "--email",
            "a@example.coop",
            "--password-stdin",
        ],
        &[],
        "",
    );
    assert_user_error(&empty, "password is empty");
    let short = scrutin(
        &dir,
        &[
            "create-admin",
            "--email",
            "a@example.coop",
            "--password-stdin",
        ],
        &[],
        "short\n",
    );
    assert_user_error(&short, "at least 12");
    let typo = scrutin(
        &dir,
        &["migrate"],
        &[("DATABASE_URL", "postgress://postgres@127.0.0.1/x")],
        "",
    );
    assert_user_error(&typo, "not supported");
    assert!(
        !dir.path().join("postgress:").exists(),
        "a typo creates no file"
    );
    let unreachable = scrutin(
        &dir,
        &["migrate"],
        &[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/x")],
        "",
    );
    assert_user_error(&unreachable, "cannot connect to PostgreSQL");
    let no_folder = scrutin(
        &dir,
        &["migrate"],
        &[("DATABASE_URL", "/no/such/folder/x.db")],
        "",
    );
    assert_user_error(&no_folder, "cannot open the SQLite database");
    let bad_bind = scrutin(&dir, &[], &[("SCRUTIN_BIND", "localhost")], "");
    assert_user_error(&bad_bind, "SCRUTIN_BIND");
}

#[test]
fn serve_is_the_default_and_prints_the_address() {
    let dir = tempfile::tempdir().expect("dir");
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env("SCRUTIN_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("a line");
    let address = line
        .trim()
        .strip_prefix("listening on http://")
        .map(str::to_string);
    let Some(address) = address else {
        let _ = child.kill();
        panic!("unexpected first line: {line}");
    };

    // The port is taken now: a second server on it fails with a hint.
    let taken = scrutin(&dir, &["serve"], &[("SCRUTIN_BIND", address.as_str())], "");
    let _ = child.kill();
    let _ = child.wait();
    assert_user_error(&taken, "already in use");
    assert!(dir.path().join("scrutin.db").exists());
}
