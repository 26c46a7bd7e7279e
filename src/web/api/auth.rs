use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::error::AppError;
use crate::services::accounts;
use crate::services::second_factor::Proof;
use crate::web::AppState;
use crate::web::api::ApiAccount;
use crate::web::session::client_address;

#[derive(Deserialize)]
pub struct LoginBody {
    email: String,
    password: String,
    /// The 6-digit code of the authenticator app, for an account with a
    /// second factor; or, instead, one of its recovery codes.
    totp: Option<String>,
    recovery_code: Option<String>,
}

/// `POST /auth/login` → `{"token", "role"}`; an account with a second
/// factor adds `"totp"` or `"recovery_code"`.
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, AppError> {
    let address = client_address(&req);
    let body = body.into_inner();
    let proof = match (body.totp, body.recovery_code) {
        (Some(code), _) => Some(Proof::Code(
            code.chars().filter(|c| !c.is_whitespace()).collect(),
        )),
        (None, Some(code)) => Some(Proof::Recovery(code)),
        (None, None) => None,
    };
    let login = accounts::login(&state.db, &body.email, &body.password, &address, proof).await?;
    Ok(HttpResponse::Ok().json(json!({"token": login.token, "role": login.role})))
}

/// `POST /auth/logout`: the token stops working at once.
pub async fn logout(
    state: web::Data<AppState>,
    caller: ApiAccount,
) -> Result<HttpResponse, AppError> {
    accounts::logout(&state.db, &caller.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /me`: who the token belongs to.
pub async fn me(caller: ApiAccount) -> HttpResponse {
    let a = &caller.account;
    HttpResponse::Ok().json(json!({
        "id": a.id, "email": a.email, "role": a.role(), "associate_id": a.associate_id
    }))
}
