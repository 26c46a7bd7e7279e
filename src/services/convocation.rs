//! The e-mails of an assembly: the convocation (one per voter, with a
//! personal link), and the notice sent to an associate when their proxy
//! holder votes for them. Every send is recorded, failures included.

use serde_json::{Value, json};

use crate::db::models::associate::Associate;
use crate::db::models::resolution::Resolution;
use crate::db::now;
use crate::error::AppError;
use crate::mail::OutgoingMail;
use crate::mail::emails::{AgendaItem, BallotByProxyContext, ConvocationContext};
use crate::services::assemblies::{self, call_of, kind_of, local};
use crate::services::cooperative;
use crate::web::AppState;

/// Convenes the assembly, then sends each voter their convocation. The
/// answer counts what was sent and lists what failed (after retries).
pub async fn convene_and_send(
    state: &AppState,
    account_id: Option<i64>,
    id: i64,
    override_notice: bool,
) -> Result<Value, AppError> {
    let to_send = state
        .db
        .run(move |conn| assemblies::convene(conn, account_id, id, override_notice))
        .await?;
    let (assembly, coop_name, agenda) = state
        .db
        .run(move |conn| {
            let a = assemblies::find(conn, id)?;
            let name = cooperative::load(conn)?.name;
            let agenda: Vec<AgendaItem> = Resolution::of_assembly(conn, id)?
                .into_iter()
                .map(|r| AgendaItem {
                    number: r.number,
                    title: r.title,
                    text: r.text,
                })
                .collect();
            Ok((a, name, agenda))
        })
        .await?;
    let mut sent = 0;
    let mut failed = Vec::new();
    for voter in to_send {
        let ctx = ConvocationContext {
            cooperative_name: coop_name.clone(),
            recipient_name: voter.name.clone(),
            assembly_title: assembly.title.clone(),
            kind: kind_of(&assembly),
            call: call_of(&assembly),
            starts_at: local(assembly.starts_at).naive_local(),
            place: assembly.place.clone(),
            remote_url: assembly.remote_url.clone().filter(|_| assembly.remote),
            resolutions: agenda.clone(),
            login_url: format!("{}/vote/{}", state.base_url, voter.token),
        };
        let mail = OutgoingMail::from_template(&state.templates, &ctx, &voter.email, &voter.name)
            .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
        let outcome = state.mailer.send(&mail).await;
        let (associate_id, email) = (voter.associate_id, voter.email.clone());
        let recorded: Result<String, String> = match &outcome {
            Ok(s) => Ok(s.message_id.clone()),
            Err(e) => Err(e.to_string()),
        };
        match &recorded {
            Ok(_) => sent += 1,
            Err(e) => {
                failed.push(json!({"associate_id": associate_id, "email": email, "error": e}))
            }
        }
        state
            .db
            .run(move |conn| {
                assemblies::record_sent(
                    conn,
                    id,
                    associate_id,
                    &email,
                    recorded.as_deref().map_err(String::as_str),
                )
            })
            .await?;
    }
    Ok(json!({"sent": sent, "failed": failed}))
}

/// Tells an associate that their proxy holder voted for them (never how).
/// A failure is logged: the ballot itself is already counted.
pub async fn tell_principal(state: &AppState, principal: i64, holder: i64, resolution_id: i64) {
    let loaded = state
        .db
        .run(move |conn| {
            let p = Associate::by_id(conn, principal)?
                .ok_or_else(|| AppError::not_found("associate"))?;
            let h =
                Associate::by_id(conn, holder)?.ok_or_else(|| AppError::not_found("associate"))?;
            let r = Resolution::by_id(conn, resolution_id)?
                .ok_or_else(|| AppError::not_found("resolution"))?;
            let a = assemblies::find(conn, r.assembly_id)?;
            let coop = cooperative::load(conn)?.name;
            Ok((p, h, r, a, coop))
        })
        .await;
    let Ok((p, h, r, a, coop)) = loaded else {
        tracing::warn!("cannot prepare the proxy notice for associate {principal}");
        return;
    };
    let ctx = BallotByProxyContext {
        cooperative_name: coop,
        recipient_name: p.name.clone(),
        holder_name: h.name,
        assembly_title: a.title,
        resolution_number: r.number,
        resolution_title: r.title,
        cast_at: local(now()).naive_local(),
    };
    match OutgoingMail::from_template(&state.templates, &ctx, &p.email, &p.name) {
        Ok(mail) => {
            if let Err(e) = state.mailer.send(&mail).await {
                tracing::warn!("proxy notice to associate {principal} not sent: {e}");
            }
        }
        Err(e) => tracing::error!("proxy notice template: {e}"),
    }
}
