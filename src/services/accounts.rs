//! Accounts: password hashing (Argon2id), login, API tokens.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::Duration;
use serde_json::json;

use crate::db::models::account::{Account, Role};
use crate::db::models::api_token;
use crate::db::{Db, DbConn, now};
use crate::error::AppError;
use crate::services::{auth_log, login_limit, second_factor, secrets};

pub const MIN_PASSWORD_CHARS: usize = 12;
/// How long an API token lives.
pub const TOKEN_LIFETIME: Duration = Duration::hours(12);

/// Refuses passwords too short to resist guessing (ASVS 2.1.1).
pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if password.trim().is_empty() {
        return Err("the password is empty".into());
    }
    if n < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password has {n} characters, at least {MIN_PASSWORD_CHARS} are needed"
        ));
    }
    Ok(())
}

/// Why a password is refused, in French and in English, for a form; `None`
/// when `check_password` accepts it.
pub fn password_refusal(password: &str) -> Option<(String, String)> {
    check_password(password).err()?;
    let n = password.chars().count();
    Some(if password.trim().is_empty() {
        (
            "Le mot de passe est vide.".into(),
            "The password is empty.".into(),
        )
    } else {
        (
            format!(
                "Le mot de passe a {n} caractère(s) : il en faut {MIN_PASSWORD_CHARS} au moins."
            ),
            format!("The password has {n} character(s): at least {MIN_PASSWORD_CHARS} are needed."),
        )
    })
}

/// Lower-cases and trims an e-mail address and checks its shape.
pub fn normalize_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    };
    if !valid || email.chars().any(char::is_whitespace) {
        return Err(format!("`{email}` is not an e-mail address"));
    }
    Ok(email)
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes) and a random salt.
/// CPU-heavy: call it off the async workers.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so a failed
/// login takes as long whether or not the e-mail is known.
static DECOY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password(&secrets::random_token()).unwrap_or_default());

/// Creates the administrator, or resets their password (the CLI's `create-admin`).
pub fn create_admin(conn: &mut DbConn, email: &str, password: &str) -> Result<i64, String> {
    create_account(conn, email, password, Role::Admin)
}

/// Creates an account with this role, or gives an existing one this role
/// and password (a secretary, the demonstration's logins).
pub fn create_account(
    conn: &mut DbConn,
    email: &str,
    password: &str,
    role: Role,
) -> Result<i64, String> {
    let email = normalize_email(email)?;
    check_password(password)?;
    let hash = hash_password(password).map_err(|e| e.to_string())?;
    Account::upsert(conn, &email, &hash, role, now())
        .map_err(|e| format!("cannot save the account: {e}"))
}

/// Creates a secretary's login (the administrators' `/accounts` page).
/// Refused when the address already has an account: this page never
/// changes an existing login's role or password.
pub fn create_secretary(conn: &mut DbConn, email: &str, password: &str) -> Result<i64, AppError> {
    let mut problems = Vec::new();
    let email = normalize_email(email).unwrap_or_else(|_| {
        problems.push(json!({"field": "email",
            "message_fr": "Adresse e-mail invalide.", "message_en": "Invalid e-mail address."}));
        String::new()
    });
    if let Some((fr, en)) = password_refusal(password) {
        problems.push(json!({"field": "password", "message_fr": fr, "message_en": en}));
    }
    if !problems.is_empty() {
        return Err(
            AppError::rule("invalid_account", "The account is not valid.")
                .with_details(serde_json::Value::Array(problems)),
        );
    }
    if Account::by_email(conn, &email)?.is_some() {
        return Err(AppError::conflict(
            "email_taken",
            "An account already uses this e-mail address.",
        ));
    }
    let hash = hash_password(password).map_err(AppError::internal)?;
    Ok(Account::upsert(
        conn,
        &email,
        &hash,
        Role::Secretary,
        now(),
    )?)
}

pub struct Login {
    pub token: String,
    pub role: Role,
}

/// A password accepted.
pub enum Verified {
    /// Logged in. `must_enrol`: an administrator without a second factor,
    /// whom the pages send to the enrolment page (the API lets them in).
    LoggedIn { account: Account, must_enrol: bool },
    /// The account has a second factor and no proof came with the
    /// password: nothing is opened yet, and the failures of the e-mail are
    /// not forgotten until the code is right.
    SecondFactorNeeded(Account),
}

/// The account whose e-mail and password these are. A failure says nothing
/// about whether the e-mail exists, and takes as long either way. Failures
/// are counted per e-mail and per client `address`; past the limits the
/// attempt is refused with 429 before the password is checked
/// (`services::login_limit`). An account with a second factor needs
/// `proof` too (`services::second_factor`); a wrong one counts as a failure.
pub async fn verify_login(
    db: &Db,
    email: &str,
    password: &str,
    address: &str,
    proof: Option<second_factor::Proof>,
) -> Result<Verified, AppError> {
    let email = normalize_email(email).unwrap_or_else(|_| email.trim().to_lowercase());
    let password = password.to_string();
    let address = address.to_string();
    db.run(move |conn| {
        // Counted and reserved in one transaction: at most the limit of
        // passwords are checked, however many attempts arrive at once.
        if let login_limit::Verdict::Refused { error, first } =
            login_limit::reserve(conn, &email, &address)?
        {
            if first {
                let known = Account::by_email(conn, &email)?.map(|a| a.id);
                auth_log::record(
                    conn,
                    None,
                    known,
                    "password_login_refused",
                    &json!({"address": address, "reason": "too_many_attempts"}),
                )?;
            }
            return Err(error);
        }
        let account = Account::by_email(conn, &email)?;
        let hash = account
            .as_ref()
            .and_then(|a| a.password_hash.clone())
            .unwrap_or_else(|| DECOY_HASH.clone());
        let ok = verify_password(&password, &hash);
        let known = account.as_ref().map(|a| a.id);
        match account {
            Some(a) if ok && a.password_hash.is_some() => {
                let enrolled = second_factor::is_enrolled(conn, a.id)?;
                if enrolled {
                    let Some(proof) = &proof else {
                        return Ok(Verified::SecondFactorNeeded(a));
                    };
                    if !second_factor::verify(conn, a.id, proof, &address)? {
                        second_factor::record_failure(conn, &a, &address)?;
                        return Err(second_factor::invalid());
                    }
                }
                second_factor::record_success(
                    conn,
                    &a,
                    &address,
                    proof.as_ref().filter(|_| enrolled),
                )?;
                let must_enrol = !enrolled && a.role() == Role::Admin;
                Ok(Verified::LoggedIn {
                    account: a,
                    must_enrol,
                })
            }
            _ => {
                // The failure was recorded by `reserve`.
                // The e-mail typed is not logged: it is the account when
                // known, and may be a mistyped password otherwise.
                auth_log::record(
                    conn,
                    None,
                    known,
                    "password_login_failed",
                    &json!({"address": address}),
                )?;
                Err(AppError::new(
                    actix_web::http::StatusCode::UNAUTHORIZED,
                    "invalid_credentials",
                    "Wrong e-mail or password.",
                ))
            }
        }
    })
    .await
}

/// Checks the password (and the second factor, when the account has one)
/// and issues an API token. An account with a second factor and no `proof`
/// gets 401 `second_factor_required`; an administrator who has not enrolled
/// yet is let in with the password (the pages make them enrol).
pub async fn login(
    db: &Db,
    email: &str,
    password: &str,
    address: &str,
    proof: Option<second_factor::Proof>,
) -> Result<Login, AppError> {
    let account = match verify_login(db, email, password, address, proof).await? {
        Verified::LoggedIn { account, .. } => account,
        Verified::SecondFactorNeeded(_) => return Err(second_factor::required()),
    };
    db.run(move |conn| {
        // An associate who has left gets no token (and those they had stop
        // working: `api_token::account_for`).
        if account.access_ended(conn)? {
            return Err(crate::services::associates::access_ended());
        }
        let token = secrets::random_token();
        let now = now();
        api_token::delete_expired(conn, now)?;
        api_token::insert(
            conn,
            &secrets::digest(&token),
            account.id,
            now,
            now + TOKEN_LIFETIME,
        )?;
        Ok(Login {
            token,
            role: account.role(),
        })
    })
    .await
}

/// The account behind a bearer token, if it is valid.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<Account>, AppError> {
    let digest = secrets::digest(token);
    db.run(move |conn| Ok(api_token::account_for(conn, &digest, now())?))
        .await
}

pub async fn logout(db: &Db, token: &str) -> Result<(), AppError> {
    let digest = secrets::digest(token);
    db.run(move |conn| Ok(api_token::delete(conn, &digest).map(|_| ())?))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").expect("hashes");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterx", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn password_policy_and_email_shape() {
        assert!(check_password("").is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("twelve chars").is_ok());
        assert_eq!(password_refusal("twelve chars"), None);
        let (fr, en) = password_refusal("court").expect("refused");
        assert_eq!(
            fr,
            "Le mot de passe a 5 caractère(s) : il en faut 12 au moins."
        );
        assert!(en.starts_with("The password has 5"), "{en}");
        assert_eq!(
            normalize_email(" A@Example.Coop ").as_deref(),
            Ok("a@example.coop")
        );
        assert!(normalize_email("nobody").is_err());
        assert!(normalize_email("a@b").is_err());
    }
}
