use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    assemblies, attendance, attendance_events, convocations, voters, voting_tokens,
};
use crate::on_backend;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = assemblies)]
pub struct Assembly {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub starts_at: NaiveDateTime,
    pub place: String,
    pub remote: bool,
    pub remote_url: Option<String>,
    pub call_number: i64,
    pub first_call_id: Option<i64>,
    pub status: String,
    pub convened_at: Option<NaiveDateTime>,
    pub notice_overridden: bool,
    pub opened_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub scrutineers: String,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable, Clone, Debug)]
#[diesel(table_name = assemblies)]
pub struct NewAssembly {
    pub title: String,
    pub kind: String,
    pub starts_at: NaiveDateTime,
    pub place: String,
    pub remote: bool,
    pub remote_url: Option<String>,
    pub call_number: i64,
    pub first_call_id: Option<i64>,
    pub status: String,
    pub notice_overridden: bool,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub scrutineers: String,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = voters)]
pub struct Voter {
    pub assembly_id: i64,
    pub associate_id: i64,
    pub college_id: i64,
    pub category: String,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = attendance)]
pub struct Attendance {
    pub assembly_id: i64,
    pub associate_id: i64,
    pub mode: String,
    pub proxy_holder_id: Option<i64>,
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = attendance_events)]
pub struct AttendanceEvent {
    pub id: i64,
    pub assembly_id: i64,
    pub associate_id: i64,
    pub mode: String,
    pub proxy_holder_id: Option<i64>,
    pub at: NaiveDateTime,
}

impl Assembly {
    pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Assembly>> {
        assemblies::table
            .find(id)
            .select(Assembly::as_select())
            .first(conn)
            .optional()
    }

    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Assembly>> {
        assemblies::table
            .order(assemblies::starts_at.desc())
            .select(Assembly::as_select())
            .load(conn)
    }

    pub fn insert(conn: &mut DbConn, new: &NewAssembly) -> QueryResult<i64> {
        on_backend!(conn, |c| diesel::insert_into(assemblies::table)
            .values(new)
            .returning(assemblies::id)
            .get_result(c))
    }

    pub fn set_status(conn: &mut DbConn, id: i64, status: &str) -> QueryResult<usize> {
        diesel::update(assemblies::table.find(id))
            .set(assemblies::status.eq(status))
            .execute(conn)
    }

    pub fn mark_convened(
        conn: &mut DbConn,
        id: i64,
        at: NaiveDateTime,
        overridden: bool,
    ) -> QueryResult<usize> {
        diesel::update(assemblies::table.find(id))
            .set((
                assemblies::status.eq("convened"),
                assemblies::convened_at.eq(at),
                assemblies::notice_overridden.eq(overridden),
            ))
            .execute(conn)
    }

    pub fn mark_opened(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(assemblies::table.find(id))
            .set((assemblies::status.eq("open"), assemblies::opened_at.eq(at)))
            .execute(conn)
    }

    pub fn mark_closed(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(assemblies::table.find(id))
            .set((
                assemblies::status.eq("closed"),
                assemblies::closed_at.eq(at),
            ))
            .execute(conn)
    }

    pub fn set_bureau(
        conn: &mut DbConn,
        id: i64,
        chair: Option<&str>,
        secretary: Option<&str>,
        scrutineers: &str,
    ) -> QueryResult<usize> {
        diesel::update(assemblies::table.find(id))
            .set((
                assemblies::chair.eq(chair),
                assemblies::secretary.eq(secretary),
                assemblies::scrutineers.eq(scrutineers),
            ))
            .execute(conn)
    }
}

impl Voter {
    /// Freezes the roll: one row per voter, with the college they vote in.
    pub fn insert_roll(
        conn: &mut DbConn,
        assembly_id: i64,
        roll: &[(i64, i64, String)],
    ) -> QueryResult<usize> {
        let rows: Vec<_> = roll
            .iter()
            .map(|(associate, college, category)| {
                (
                    voters::assembly_id.eq(assembly_id),
                    voters::associate_id.eq(*associate),
                    voters::college_id.eq(*college),
                    voters::category.eq(category.clone()),
                )
            })
            .collect();
        // One statement per chunk keeps under SQLite's variable limit.
        let mut n = 0;
        for chunk in rows.chunks(200) {
            let chunk = chunk.to_vec();
            // A multi-row insert is backend-specific in diesel.
            n += on_backend!(&mut *conn, |c| diesel::insert_into(voters::table)
                .values(chunk)
                .execute(c))?;
        }
        Ok(n)
    }

    pub fn roll(conn: &mut DbConn, assembly_id: i64) -> QueryResult<Vec<Voter>> {
        voters::table
            .filter(voters::assembly_id.eq(assembly_id))
            .select(Voter::as_select())
            .load(conn)
    }

    pub fn find(
        conn: &mut DbConn,
        assembly_id: i64,
        associate_id: i64,
    ) -> QueryResult<Option<Voter>> {
        voters::table
            .find((assembly_id, associate_id))
            .select(Voter::as_select())
            .first(conn)
            .optional()
    }
}

impl Attendance {
    pub fn of_assembly(conn: &mut DbConn, assembly_id: i64) -> QueryResult<Vec<Attendance>> {
        attendance::table
            .filter(attendance::assembly_id.eq(assembly_id))
            .select(Attendance::as_select())
            .load(conn)
    }

    pub fn find(
        conn: &mut DbConn,
        assembly_id: i64,
        associate_id: i64,
    ) -> QueryResult<Option<Attendance>> {
        attendance::table
            .find((assembly_id, associate_id))
            .select(Attendance::as_select())
            .first(conn)
            .optional()
    }

    /// Records a mode, replacing the previous one, and the event that
    /// time-stamps the change.
    pub fn set(
        conn: &mut DbConn,
        assembly_id: i64,
        associate_id: i64,
        mode: &str,
        holder: Option<i64>,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::delete(attendance::table.find((assembly_id, associate_id))).execute(conn)?;
        diesel::insert_into(attendance::table)
            .values((
                attendance::assembly_id.eq(assembly_id),
                attendance::associate_id.eq(associate_id),
                attendance::mode.eq(mode),
                attendance::proxy_holder_id.eq(holder),
                attendance::updated_at.eq(at),
            ))
            .execute(conn)?;
        diesel::insert_into(attendance_events::table)
            .values((
                attendance_events::assembly_id.eq(assembly_id),
                attendance_events::associate_id.eq(associate_id),
                attendance_events::mode.eq(mode),
                attendance_events::proxy_holder_id.eq(holder),
                attendance_events::at.eq(at),
            ))
            .execute(conn)
            .map(|_| ())
    }

    /// Proxies `holder` holds in this assembly, `except` one principal's.
    pub fn proxies_held(
        conn: &mut DbConn,
        assembly_id: i64,
        holder: i64,
        except: i64,
    ) -> QueryResult<i64> {
        attendance::table
            .filter(attendance::assembly_id.eq(assembly_id))
            .filter(attendance::mode.eq("represented"))
            .filter(attendance::proxy_holder_id.eq(holder))
            .filter(attendance::associate_id.ne(except))
            .count()
            .get_result(conn)
    }

    pub fn events(conn: &mut DbConn, assembly_id: i64) -> QueryResult<Vec<AttendanceEvent>> {
        attendance_events::table
            .filter(attendance_events::assembly_id.eq(assembly_id))
            .order(attendance_events::id.asc())
            .select(AttendanceEvent::as_select())
            .load(conn)
    }
}

/// Bearer tokens that can only vote for one associate in one assembly.
pub fn insert_voting_token(
    conn: &mut DbConn,
    token_hash: &str,
    assembly_id: i64,
    associate_id: i64,
    purpose: &str,
    issued_by: Option<i64>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(voting_tokens::table)
        .values((
            voting_tokens::token_hash.eq(token_hash),
            voting_tokens::assembly_id.eq(assembly_id),
            voting_tokens::associate_id.eq(associate_id),
            voting_tokens::purpose.eq(purpose),
            voting_tokens::issued_at.eq(at),
            voting_tokens::issued_by.eq(issued_by),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Revokes an associate's earlier tokens of one purpose in an assembly: a
/// reissued voting card replaces the lost one.
pub fn revoke_voting_tokens(
    conn: &mut DbConn,
    assembly_id: i64,
    associate_id: i64,
    purpose: &str,
) -> QueryResult<usize> {
    diesel::delete(
        voting_tokens::table
            .filter(voting_tokens::assembly_id.eq(assembly_id))
            .filter(voting_tokens::associate_id.eq(associate_id))
            .filter(voting_tokens::purpose.eq(purpose)),
    )
    .execute(conn)
}

/// `(assembly_id, associate_id, purpose)` of a voting token.
pub fn voting_token(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<(i64, i64, String)>> {
    voting_tokens::table
        .find(token_hash)
        .select((
            voting_tokens::assembly_id,
            voting_tokens::associate_id,
            voting_tokens::purpose,
        ))
        .first(conn)
        .optional()
}

pub fn count_voting_tokens(conn: &mut DbConn, assembly_id: i64, purpose: &str) -> QueryResult<i64> {
    voting_tokens::table
        .filter(voting_tokens::assembly_id.eq(assembly_id))
        .filter(voting_tokens::purpose.eq(purpose))
        .count()
        .get_result(conn)
}

pub fn record_convocation(
    conn: &mut DbConn,
    assembly_id: i64,
    associate_id: i64,
    email: &str,
    outcome: Result<&str, &str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let (message_id, error) = match outcome {
        Ok(id) => (Some(id), None),
        Err(e) => (None, Some(e)),
    };
    diesel::insert_into(convocations::table)
        .values((
            convocations::assembly_id.eq(assembly_id),
            convocations::associate_id.eq(associate_id),
            convocations::email.eq(email),
            convocations::message_id.eq(message_id),
            convocations::error.eq(error),
            convocations::attempted_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The outcome of an associate's convocation, in place of any earlier one
/// (a failed send resent).
pub fn replace_convocation(
    conn: &mut DbConn,
    assembly_id: i64,
    associate_id: i64,
    email: &str,
    outcome: Result<&str, &str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        convocations::table
            .filter(convocations::assembly_id.eq(assembly_id))
            .filter(convocations::associate_id.eq(associate_id)),
    )
    .execute(conn)?;
    record_convocation(conn, assembly_id, associate_id, email, outcome, at)
}

/// `(associate_id, email, message_id, error, attempted_at)` of every send.
pub type ConvocationRow = (i64, String, Option<String>, Option<String>, NaiveDateTime);

pub fn convocations_of(conn: &mut DbConn, assembly_id: i64) -> QueryResult<Vec<ConvocationRow>> {
    convocations::table
        .filter(convocations::assembly_id.eq(assembly_id))
        .order(convocations::id.asc())
        .select((
            convocations::associate_id,
            convocations::email,
            convocations::message_id,
            convocations::error,
            convocations::attempted_at,
        ))
        .load(conn)
}
