//! Errors. Policy: a small, flat user-facing kind (status, stable code, a
//! sentence for a person) and, for unexpected failures, the source chain,
//! which is logged and never shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Machine-readable particulars, e.g. every broken rule of a refused set.
    pub details: Option<serde_json::Value>,
    source: Option<anyhow::Error>,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> AppError {
        AppError {
            status,
            code,
            message: message.into(),
            details: None,
            source: None,
        }
    }

    pub fn with_message(mut self, message: impl Into<String>) -> AppError {
        self.message = message.into();
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> AppError {
        self.details = Some(details);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn unauthorized() -> AppError {
        AppError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Log in first: send `Authorization: Bearer TOKEN` from POST /api/v1/auth/login.",
        )
    }

    pub fn forbidden() -> AppError {
        AppError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Your role does not allow this.",
        )
    }

    pub fn not_found(what: &str) -> AppError {
        AppError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("No such {what}."),
        )
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::CONFLICT, code, message)
    }

    /// Too many attempts: `retry_after_seconds` goes in the details and in
    /// the `Retry-After` header.
    pub fn too_many_requests(
        code: &'static str,
        message: impl Into<String>,
        retry_after_seconds: i64,
    ) -> AppError {
        AppError::new(StatusCode::TOO_MANY_REQUESTS, code, message)
            .with_details(json!({ "retry_after_seconds": retry_after_seconds }))
    }

    /// The database does not answer: fail fast, and say when to retry.
    pub fn unavailable() -> AppError {
        AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            "The database does not answer right now; nothing was changed. Try again in a few seconds.",
        )
        .with_details(json!({ "retry_after_seconds": 5 }))
    }

    /// Seconds to wait before trying again, for a 429 or a 503.
    pub fn retry_after(&self) -> Option<i64> {
        if !matches!(
            self.status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            return None;
        }
        self.details.as_ref()?["retry_after_seconds"].as_i64()
    }

    /// Well-formed but against a rule (of law, or of the statutes).
    pub fn rule(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn internal(source: anyhow::Error) -> AppError {
        AppError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error",
            message: "Something went wrong on the server; it has been logged.".into(),
            details: None,
            source: Some(source),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> AppError {
        // A connection lost in the middle of a request: the transaction was
        // rolled back by the server, so nothing is half-written.
        if let diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::ClosedConnection,
            _,
        ) = e
        {
            return AppError::unavailable();
        }
        AppError::internal(anyhow::Error::new(e).context("database query failed"))
    }
}

impl std::fmt::Debug for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}: {:#}", self.code, source),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    /// The JSON shape of CONTRACT.md: `{"error": {"code", "message"}}`.
    fn error_response(&self) -> HttpResponse {
        if let Some(source) = &self.source {
            tracing::error!(code = self.code, "{source:#}");
        }
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(details) = &self.details {
            error["details"] = details.clone();
        }
        let mut res = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after() {
            res.insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()));
        }
        res.json(json!({ "error": error }))
    }
}
