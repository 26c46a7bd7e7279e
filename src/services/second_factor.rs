//! The second factor (issue #11, SECURITY.md item 9, ASVS 5.0 6.3.3): a
//! TOTP code (RFC 6238, SHA-1, 6 digits, 30 s: what authenticator apps
//! expect), or one of ten single-use recovery codes shown once at enrolment.
//! Required for administrators, offered to every account with a password.
//!
//! A code is accepted for the current step or the one before or after (the
//! clock of a phone drifts), and once only: the step accepted is kept and a
//! code of that step or an earlier one is refused afterwards. Recovery codes
//! are kept as digests, like the other secrets (`services::secrets`); the
//! TOTP secret itself must be readable to check a code, and is kept as is.

use actix_web::http::StatusCode;
use chrono::Duration;
use diesel::Connection;
use serde_json::json;
use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::db::models::account::{Account, Role};
use crate::db::models::second_factor::{PendingLogin, RecoveryCode, SecondFactor};
use crate::db::{DbConn, now};
use crate::error::AppError;
use crate::services::{auth_log, login_limit, secrets};

/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "scrutin";
pub const RECOVERY_CODES: usize = 10;
/// How long a password accepted waits for its code.
pub const PENDING_LIFETIME: Duration = Duration::minutes(5);
const STEP_SECONDS: u64 = 30;
const DIGITS: u8 = 6;
/// 32 letters and digits without 0/O and 1/I/L, which read alike.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_LENGTH: usize = 12;

/// What the person typed as the second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proof {
    /// Six digits from the authenticator app.
    Code(String),
    /// One of the recovery codes.
    Recovery(String),
}

impl Proof {
    /// One field that takes either: six digits (spaces allowed) are a code,
    /// anything else is tried as a recovery code.
    pub fn from_field(text: &str) -> Proof {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == usize::from(DIGITS) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Proof::Code(digits)
        } else {
            Proof::Recovery(text.to_string())
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Proof::Code(_) => "totp",
            Proof::Recovery(_) => "recovery_code",
        }
    }
}

/// A new secret: 160 random bits (RFC 4226 recommends it), base32.
pub fn new_secret() -> String {
    let bytes: [u8; 20] = rand::random();
    Secret::from(bytes.to_vec()).to_base32()
}

fn totp(secret: &str) -> Option<Totp> {
    let bytes = Secret::try_from_base32(secret.trim()).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(bytes)
        .build()
        .ok()
}

/// Whether `secret` is a base32 secret long enough to enrol (128 bits at least).
pub fn valid_secret(secret: &str) -> bool {
    totp(secret).is_some()
}

fn unix_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

/// The code of `secret` at the Unix time `at` (tests, and the one who
/// checks by hand).
pub fn code_at(secret: &str, at: u64) -> Option<String> {
    totp(secret).map(|t| t.generate(at).to_string())
}

/// The step a six-digit `code` of `secret` matches at `at`, among the
/// current step and its two neighbours.
pub fn matching_step(secret: &str, code: &str, at: u64) -> Option<i64> {
    let step = totp(secret)?.check(code, at)?;
    i64::try_from(step).ok()
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_uri(secret: &str, email: &str) -> String {
    let label = format!("{ISSUER}:{email}");
    format!(
        "otpauth://totp/{}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        percent_encode(&label)
    )
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Ten recovery codes, `xxxx-xxxx-xxxx` (60 random bits each).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let picks: [u8; RECOVERY_LENGTH] = rand::random();
            let chars: Vec<char> = picks
                .iter()
                .map(|b| RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()] as char)
                .collect();
            chars
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// A recovery code as typed: case, spaces and dashes do not matter.
fn normalize_recovery(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What the database keeps of a recovery code: bound to its account.
fn recovery_digest(account_id: i64, code: &str) -> String {
    secrets::digest(&format!("{account_id}:{}", normalize_recovery(code)))
}

/// Replaces the account's recovery codes with ten new ones: the codes, to
/// show once.
pub fn replace_recovery_codes(conn: &mut DbConn, account_id: i64) -> Result<Vec<String>, AppError> {
    let codes = new_recovery_codes();
    let digests: Vec<String> = codes
        .iter()
        .map(|c| recovery_digest(account_id, c))
        .collect();
    RecoveryCode::delete_all(conn, account_id)?;
    RecoveryCode::insert_all(conn, account_id, &digests, now())?;
    Ok(codes)
}

pub fn is_enrolled(conn: &mut DbConn, account_id: i64) -> Result<bool, AppError> {
    Ok(SecondFactor::exists(conn, account_id)?)
}

/// An administrator without a second factor may do nothing but enrol.
pub fn must_enrol(conn: &mut DbConn, account: &Account) -> Result<bool, AppError> {
    Ok(account.role() == Role::Admin && !is_enrolled(conn, account.id)?)
}

/// Checks `proof` for the account and uses it up: the step of a code is
/// kept, a recovery code is deleted (and its use audited). False when the
/// account has no second factor or the proof is wrong or already used.
pub fn verify(
    conn: &mut DbConn,
    account_id: i64,
    proof: &Proof,
    address: &str,
) -> Result<bool, AppError> {
    let Some(factor) = SecondFactor::of(conn, account_id)? else {
        return Ok(false);
    };
    match proof {
        Proof::Code(code) => match matching_step(&factor.secret, code, unix_now()) {
            Some(step) => Ok(SecondFactor::accept_step(conn, account_id, step)?),
            None => Ok(false),
        },
        Proof::Recovery(code) => {
            let spent = RecoveryCode::spend(conn, account_id, &recovery_digest(account_id, code))?;
            if spent {
                let left = RecoveryCode::count(conn, account_id)?;
                auth_log::record(
                    conn,
                    Some(account_id),
                    Some(account_id),
                    "recovery_code_used",
                    &json!({"address": address, "left": left}),
                )?;
            }
            Ok(spent)
        }
    }
}

pub fn required() -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        "second_factor_required",
        "This account has a second factor: add \"totp\" (the 6-digit code of the authenticator app) or \"recovery_code\".",
    )
}

pub fn invalid() -> AppError {
    AppError::new(
        StatusCode::UNAUTHORIZED,
        "second_factor_invalid",
        "Wrong or already used code.",
    )
}

fn wrong_code() -> AppError {
    AppError::rule(
        "second_factor_invalid",
        "Wrong or already used code: type the current code of the authenticator app.",
    )
    .with_details(json!([{"field": "code",
        "message_fr": "Code incorrect ou déjà utilisé : saisissez le code affiché en ce moment par l'application.",
        "message_en": "Wrong or already used code: type the code the app shows now."}]))
}

/// Counts a wrong second factor in the login limits and the audit log.
pub fn record_failure(conn: &mut DbConn, account: &Account, address: &str) -> Result<(), AppError> {
    login_limit::failed(conn, &account.email, address, now())?;
    auth_log::record(
        conn,
        None,
        Some(account.id),
        "second_factor_failed",
        &json!({"address": address}),
    )
}

/// The full login after both factors: the failures of the e-mail are
/// forgotten, the login audited.
pub fn record_success(
    conn: &mut DbConn,
    account: &Account,
    address: &str,
    proof: Option<&Proof>,
) -> Result<(), AppError> {
    login_limit::succeeded(conn, &account.email)?;
    let mut details = json!({"address": address});
    if let Some(p) = proof {
        details["second_factor"] = json!(p.kind());
    }
    auth_log::record(
        conn,
        Some(account.id),
        Some(account.id),
        "password_login",
        &details,
    )
}

/// Enrols the account with `secret` (shown on the enrolment page) once
/// `code` proves the app has it: the recovery codes, to show once.
pub fn enrol(
    conn: &mut DbConn,
    account: &Account,
    secret: &str,
    code: &str,
) -> Result<Vec<String>, AppError> {
    if account.password_hash.is_none() {
        return Err(AppError::rule(
            "no_password",
            "This account has no password: a second factor would protect nothing.",
        ));
    }
    if !valid_secret(secret) {
        return Err(AppError::bad_request(
            "The secret is not a valid base32 secret.",
        ));
    }
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(step) = matching_step(secret, &code, unix_now()) else {
        return Err(wrong_code());
    };
    conn.transaction(|conn| {
        if SecondFactor::exists(conn, account.id)? {
            return Err(AppError::conflict(
                "already_enrolled",
                "This account already has a second factor.",
            ));
        }
        SecondFactor::insert(conn, account.id, secret.trim(), step, now())?;
        let codes = replace_recovery_codes(conn, account.id)?;
        auth_log::record(
            conn,
            Some(account.id),
            Some(account.id),
            "second_factor_enrolled",
            &json!({}),
        )?;
        Ok(codes)
    })
}

/// A current code from the app, for the changes of the account page.
fn check_current_code(
    conn: &mut DbConn,
    account: &Account,
    code: &str,
    address: &str,
) -> Result<(), AppError> {
    match Proof::from_field(code) {
        Proof::Code(_) if verify(conn, account.id, &Proof::from_field(code), address)? => Ok(()),
        _ => {
            record_failure(conn, account, address)?;
            Err(wrong_code())
        }
    }
}

/// Ten new recovery codes (the old ones stop working), given a current code.
pub fn regenerate(
    conn: &mut DbConn,
    account: &Account,
    code: &str,
    address: &str,
) -> Result<Vec<String>, AppError> {
    if !is_enrolled(conn, account.id)? {
        return Err(AppError::conflict(
            "not_enrolled",
            "This account has no second factor.",
        ));
    }
    check_current_code(conn, account, code, address)?;
    conn.transaction(|conn| {
        let codes = replace_recovery_codes(conn, account.id)?;
        auth_log::record(
            conn,
            Some(account.id),
            Some(account.id),
            "recovery_codes_regenerated",
            &json!({}),
        )?;
        Ok(codes)
    })
}

/// Removes one's own second factor, given a current code. Not for an
/// administrator, who must keep one.
pub fn disable(
    conn: &mut DbConn,
    account: &Account,
    code: &str,
    address: &str,
) -> Result<(), AppError> {
    if account.role() == Role::Admin {
        return Err(AppError::rule(
            "second_factor_required_for_admins",
            "An administrator must keep a second factor.",
        ));
    }
    if !is_enrolled(conn, account.id)? {
        return Err(AppError::conflict(
            "not_enrolled",
            "This account has no second factor.",
        ));
    }
    check_current_code(conn, account, code, address)?;
    conn.transaction(|conn| {
        SecondFactor::delete(conn, account.id)?;
        auth_log::record(
            conn,
            Some(account.id),
            Some(account.id),
            "second_factor_disabled",
            &json!({}),
        )
    })
}

/// An administrator removes the second factor of another staff account (a
/// lost phone): that account enrols again (an administrator must, at the
/// next page). Its sessions end.
pub fn reset(conn: &mut DbConn, acting: &Account, target_id: i64) -> Result<(), AppError> {
    if acting.role() != Role::Admin {
        return Err(AppError::forbidden());
    }
    if acting.id == target_id {
        return Err(AppError::rule(
            "own_second_factor",
            "Your own second factor cannot be reset here: ask another administrator.",
        ));
    }
    let Some(target) = Account::by_id(conn, target_id)? else {
        return Err(AppError::not_found("account"));
    };
    if target.role() == Role::Associate {
        return Err(AppError::not_found("account"));
    }
    conn.transaction(|conn| {
        let removed = SecondFactor::delete(conn, target.id)? > 0;
        if removed {
            crate::db::models::login_link::end_all_access(conn, target.id)?;
            auth_log::record(
                conn,
                Some(acting.id),
                Some(target.id),
                "second_factor_reset",
                &json!({}),
            )?;
        }
        Ok(())
    })
}

/// What the account page shows.
pub struct Status {
    pub enrolled_at: chrono::NaiveDateTime,
    pub recovery_left: i64,
}

pub fn status(conn: &mut DbConn, account_id: i64) -> Result<Option<Status>, AppError> {
    let Some(factor) = SecondFactor::of(conn, account_id)? else {
        return Ok(None);
    };
    Ok(Some(Status {
        enrolled_at: factor.enrolled_at,
        recovery_left: RecoveryCode::count(conn, account_id)?,
    }))
}

/// A password accepted for an account with a second factor: the id of the
/// pending login, for a cookie. No session yet.
pub fn start_pending(conn: &mut DbConn, account_id: i64) -> Result<String, AppError> {
    let id = secrets::random_token();
    let now = now();
    PendingLogin::delete_before(conn, now - PENDING_LIFETIME)?;
    PendingLogin::insert(conn, &secrets::digest(&id), account_id, now)?;
    Ok(id)
}

/// The second step of a page login: the account the pending login `id` is
/// for, once `proof` is right. `Ok(None)` when the pending login is unknown
/// or expired (back to the password). A wrong proof counts in the login
/// limits (401); past them, 429 before the proof is checked.
pub fn complete_pending(
    conn: &mut DbConn,
    id: &str,
    proof: &Proof,
    address: &str,
) -> Result<Option<Account>, AppError> {
    let id_hash = secrets::digest(id);
    let now = now();
    let Some(account_id) = PendingLogin::account(conn, &id_hash, now - PENDING_LIFETIME)? else {
        return Ok(None);
    };
    let Some(account) = Account::by_id(conn, account_id)? else {
        return Ok(None);
    };
    if let login_limit::Verdict::Refused { error, first } =
        login_limit::check(conn, &account.email, address, now)?
    {
        if first {
            auth_log::record(
                conn,
                None,
                Some(account.id),
                "password_login_refused",
                &json!({"address": address, "reason": "too_many_attempts"}),
            )?;
        }
        return Err(error);
    }
    if !verify(conn, account.id, proof, address)? {
        record_failure(conn, &account, address)?;
        return Err(invalid());
    }
    PendingLogin::delete(conn, &id_hash)?;
    record_success(conn, &account, address, Some(proof))?;
    Ok(Some(account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B: the ASCII secret "12345678901234567890",
        // 8 digits there; the last 6 of each are what a 6-digit app shows.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&secret, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(&secret, 1111111109).as_deref(), Some("081804"));
        assert_eq!(code_at(&secret, 2000000000).as_deref(), Some("279037"));
    }

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = new_secret();
        assert!(valid_secret(&secret));
        let at = 1_700_000_000;
        let code = code_at(&secret, at).expect("a code");
        assert_eq!(matching_step(&secret, &code, at), Some((at / 30) as i64));
        assert_eq!(
            matching_step(&secret, &code, at + 30),
            Some((at / 30) as i64)
        );
        assert_eq!(matching_step(&secret, &code, at + 90), None);
        assert!(!valid_secret("short"));
        assert!(!valid_secret("not base32 !"));
    }

    #[test]
    fn proofs_and_recovery_codes() {
        assert_eq!(Proof::from_field(" 123 456 "), Proof::Code("123456".into()));
        assert!(matches!(
            Proof::from_field("abcd-efgh-jkmn"),
            Proof::Recovery(_)
        ));
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 14 && c.matches('-').count() == 2)
        );
        let c = &codes[0];
        assert_eq!(
            recovery_digest(7, c),
            recovery_digest(7, &format!(" {} ", c.to_uppercase().replace('-', " ")))
        );
        assert_ne!(recovery_digest(7, c), recovery_digest(8, c));
    }

    #[test]
    fn the_otpauth_address_names_the_issuer_and_the_account() {
        let uri = otpauth_uri("JBSWY3DPEHPK3PXP", "a.b+c@example.coop");
        assert_eq!(
            uri,
            "otpauth://totp/scrutin%3Aa.b%2Bc@example.coop?secret=JBSWY3DPEHPK3PXP&issuer=scrutin&algorithm=SHA1&digits=6&period=30"
        );
    }
}
