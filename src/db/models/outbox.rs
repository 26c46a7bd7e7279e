//! The mail outbox: e-mails written with the fact they report, sent later
//! by `services::outbox`. A row is `pending` (due at `next_attempt_at`),
//! `sending` (claimed by a worker until `lease_until`), `sent` or `failed`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::mail_outbox;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub template: String,
    pub letter: Option<String>,
    pub to_email: String,
    pub to_name: String,
    pub assembly_id: Option<i64>,
    pub associate_id: Option<i64>,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub message_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

pub struct NewLetter<'a> {
    pub template: &'a str,
    pub letter: &'a str,
    pub to_email: &'a str,
    pub to_name: &'a str,
    pub assembly_id: Option<i64>,
    pub associate_id: Option<i64>,
}

pub fn insert(conn: &mut DbConn, new: &NewLetter, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::template.eq(new.template),
            mail_outbox::letter.eq(new.letter),
            mail_outbox::to_email.eq(new.to_email),
            mail_outbox::to_name.eq(new.to_name),
            mail_outbox::assembly_id.eq(new.assembly_id),
            mail_outbox::associate_id.eq(new.associate_id),
            mail_outbox::status.eq("pending"),
            mail_outbox::attempts.eq(0),
            mail_outbox::next_attempt_at.eq(at),
            mail_outbox::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Up to `limit` messages due at `now`: pending ones whose time has come,
/// and those claimed by a worker that did not finish (its lease is over).
pub fn due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    mail_outbox::table
        .filter(
            mail_outbox::status
                .eq("pending")
                .and(mail_outbox::next_attempt_at.le(now))
                .or(mail_outbox::status
                    .eq("sending")
                    .and(mail_outbox::lease_until.lt(now))),
        )
        .order(mail_outbox::id)
        .select(mail_outbox::id)
        .limit(limit)
        .load(conn)
}

/// Claims one message for a worker until `lease_until`; `None` when another
/// worker (another process) took it first.
pub fn claim(
    conn: &mut DbConn,
    id: i64,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<Option<OutboxRow>> {
    let claimed = diesel::update(
        mail_outbox::table.find(id).filter(
            mail_outbox::status
                .eq("pending")
                .and(mail_outbox::next_attempt_at.le(now))
                .or(mail_outbox::status
                    .eq("sending")
                    .and(mail_outbox::lease_until.lt(now))),
        ),
    )
    .set((
        mail_outbox::status.eq("sending"),
        mail_outbox::lease_until.eq(lease_until),
        mail_outbox::attempts.eq(mail_outbox::attempts + 1),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(None);
    }
    by_id(conn, id)
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<OutboxRow>> {
    mail_outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()
}

/// Sent: the letter (which may hold a personal link) is erased.
pub fn mark_sent(
    conn: &mut DbConn,
    id: i64,
    message_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq("sent"),
            mail_outbox::letter.eq(None::<String>),
            mail_outbox::message_id.eq(message_id),
            mail_outbox::last_error.eq(None::<String>),
            mail_outbox::lease_until.eq(None::<NaiveDateTime>),
            mail_outbox::sent_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Not sent this time: tried again at `next`.
pub fn mark_retry(conn: &mut DbConn, id: i64, error: &str, next: NaiveDateTime) -> QueryResult<()> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq("pending"),
            mail_outbox::last_error.eq(error),
            mail_outbox::lease_until.eq(None::<NaiveDateTime>),
            mail_outbox::next_attempt_at.eq(next),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Given up: listed for a person to resend.
pub fn mark_failed(conn: &mut DbConn, id: i64, error: &str) -> QueryResult<()> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq("failed"),
            mail_outbox::last_error.eq(error),
            mail_outbox::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A failed message is put back in the queue, due now, to `to_email` (the
/// address may have been mended since); `false` when it is not (or no
/// longer) failed.
pub fn requeue_failed(
    conn: &mut DbConn,
    id: i64,
    to_email: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::status.eq("failed")),
    )
    .set((
        mail_outbox::status.eq("pending"),
        mail_outbox::to_email.eq(to_email),
        mail_outbox::attempts.eq(0),
        mail_outbox::next_attempt_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The messages of an assembly, oldest first.
pub fn of_assembly(conn: &mut DbConn, assembly_id: i64) -> QueryResult<Vec<OutboxRow>> {
    mail_outbox::table
        .filter(mail_outbox::assembly_id.eq(assembly_id))
        .order(mail_outbox::id)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// An assembly's messages given up, oldest first.
pub fn failed_of_assembly(conn: &mut DbConn, assembly_id: i64) -> QueryResult<Vec<OutboxRow>> {
    mail_outbox::table
        .filter(mail_outbox::assembly_id.eq(assembly_id))
        .filter(mail_outbox::status.eq("failed"))
        .order(mail_outbox::id)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// How many of an assembly's messages are waiting or being sent.
pub fn unsent_of_assembly(conn: &mut DbConn, assembly_id: i64) -> QueryResult<i64> {
    mail_outbox::table
        .filter(mail_outbox::assembly_id.eq(assembly_id))
        .filter(mail_outbox::status.eq_any(["pending", "sending"]))
        .count()
        .get_result(conn)
}

/// How many messages are waiting or being sent (for tests and health).
pub fn unsent(conn: &mut DbConn) -> QueryResult<i64> {
    mail_outbox::table
        .filter(mail_outbox::status.eq_any(["pending", "sending"]))
        .count()
        .get_result(conn)
}
