//! The e-mails of an assembly: the convocation (one per voter, with a
//! personal link), and the notice sent to an associate when their proxy
//! holder votes for them. Both are written to the mail outbox in the
//! transaction of the fact they report; the outbox sends them and records
//! each convocation's outcome.

use serde_json::{Value, json};

use crate::db::models::associate::Associate;
use crate::db::models::resolution::Resolution;
use crate::db::{DbConn, now, write_transaction};
use crate::error::AppError;
use crate::mail::Letter;
use crate::mail::emails::{AgendaItem, BallotByProxyContext, ConvocationContext};
use crate::services::assemblies::{self, call_of, kind_of, local};
use crate::services::{cooperative, outbox};

/// Convenes the assembly and puts each voter's convocation in the outbox,
/// all in one transaction: either the assembly is convened and every
/// convocation will be sent, or nothing happened. `sent` counts the
/// convocations handed to the outbox (CONTRACT.md's field).
pub fn convene(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
    override_notice: bool,
    base_url: &str,
) -> Result<Value, AppError> {
    write_transaction(conn, |conn| {
        let to_send = assemblies::convene(conn, account_id, id, override_notice)?;
        let assembly = assemblies::find(conn, id)?;
        let cooperative_name = cooperative::load(conn)?.name;
        let agenda: Vec<AgendaItem> = Resolution::of_assembly(conn, id)?
            .into_iter()
            .map(|r| AgendaItem {
                number: r.number,
                title: r.title,
                text: r.text,
            })
            .collect();
        let queued = to_send.len();
        for voter in to_send {
            let letter = Letter::Convocation(ConvocationContext {
                cooperative_name: cooperative_name.clone(),
                recipient_name: voter.name.clone(),
                assembly_title: assembly.title.clone(),
                kind: kind_of(&assembly),
                call: call_of(&assembly),
                starts_at: local(assembly.starts_at).naive_local(),
                place: assembly.place.clone(),
                remote_url: assembly.remote_url.clone().filter(|_| assembly.remote),
                resolutions: agenda.clone(),
                login_url: format!("{base_url}/vote/{}", voter.token),
            });
            outbox::enqueue(
                conn,
                &letter,
                &voter.email,
                &voter.name,
                Some(id),
                Some(voter.associate_id),
            )?;
        }
        Ok(json!({"sent": queued, "queued": queued, "failed": []}))
    })
}

/// Tells an associate that their proxy holder voted for them (never how),
/// in the transaction of the ballot.
pub fn notify_principal(
    conn: &mut DbConn,
    principal: i64,
    holder: i64,
    r: &Resolution,
) -> Result<(), AppError> {
    let p = Associate::by_id(conn, principal)?.ok_or_else(|| AppError::not_found("associate"))?;
    let h = Associate::by_id(conn, holder)?.ok_or_else(|| AppError::not_found("associate"))?;
    let a = assemblies::find(conn, r.assembly_id)?;
    let letter = Letter::BallotByProxy(BallotByProxyContext {
        cooperative_name: cooperative::load(conn)?.name,
        recipient_name: p.name.clone(),
        holder_name: h.name,
        assembly_title: a.title,
        resolution_number: r.number,
        resolution_title: r.title.clone(),
        cast_at: local(now()).naive_local(),
    });
    outbox::enqueue(
        conn,
        &letter,
        &p.email,
        &p.name,
        Some(a.id),
        Some(principal),
    )
}
