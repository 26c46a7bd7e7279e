//! Dates of a held assembly written after the fact: the demonstration
//! creates its past assembly today, then gives every row the time it would
//! have had (convened with the notice, held on its day), so that the minutes
//! and the attendance sheet of the demo read like a real meeting's.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    assemblies, attendance, attendance_events, audit_log, convocations, resolutions,
};

/// When each step of a held assembly took place (UTC).
pub struct HeldDates {
    pub created_at: NaiveDateTime,
    pub convened_at: NaiveDateTime,
    /// Each associate's arrival at the desk, in the order of the rows.
    pub signed_from: NaiveDateTime,
    pub opened_at: NaiveDateTime,
    /// Per resolution (in this order): opened and closed.
    pub resolutions: Vec<(i64, NaiveDateTime, NaiveDateTime)>,
    pub closed_at: NaiveDateTime,
}

pub fn redate_held_assembly(conn: &mut DbConn, id: i64, d: &HeldDates) -> QueryResult<()> {
    diesel::update(assemblies::table.find(id))
        .set((
            assemblies::created_at.eq(d.created_at),
            assemblies::convened_at.eq(d.convened_at),
            assemblies::notice_overridden.eq(false),
            assemblies::opened_at.eq(d.opened_at),
            assemblies::closed_at.eq(d.closed_at),
        ))
        .execute(conn)?;
    diesel::update(convocations::table.filter(convocations::assembly_id.eq(id)))
        .set(convocations::attempted_at.eq(d.convened_at))
        .execute(conn)?;
    // Arrivals a few seconds apart, before the opening.
    let arrivals: Vec<i64> = attendance::table
        .filter(attendance::assembly_id.eq(id))
        .select(attendance::associate_id)
        .order(attendance::associate_id)
        .load(conn)?;
    for (i, associate_id) in arrivals.iter().enumerate() {
        let at = d.signed_from + chrono::Duration::seconds(20 * i as i64);
        diesel::update(attendance::table.find((id, associate_id)))
            .set(attendance::updated_at.eq(at))
            .execute(conn)?;
        diesel::update(
            attendance_events::table
                .filter(attendance_events::assembly_id.eq(id))
                .filter(attendance_events::associate_id.eq(associate_id)),
        )
        .set(attendance_events::at.eq(at))
        .execute(conn)?;
    }
    let subject = |s: &'static str, subject_id: i64| {
        audit_log::subject
            .eq(s)
            .and(audit_log::subject_id.eq(subject_id))
    };
    for (resolution_id, opened, closed) in &d.resolutions {
        diesel::update(resolutions::table.find(resolution_id))
            .set((
                resolutions::opened_at.eq(opened),
                resolutions::closed_at.eq(closed),
            ))
            .execute(conn)?;
        diesel::update(audit_log::table.filter(subject("resolution", *resolution_id)))
            .set(audit_log::at.eq(closed))
            .execute(conn)?;
        diesel::update(
            audit_log::table
                .filter(subject("resolution", *resolution_id))
                .filter(audit_log::action.eq("opened")),
        )
        .set(audit_log::at.eq(opened))
        .execute(conn)?;
    }
    // What the secretary did during the session, then each step at its time.
    diesel::update(audit_log::table.filter(subject("assembly", id)))
        .set(audit_log::at.eq(d.opened_at))
        .execute(conn)?;
    for (action, at) in [
        ("created", d.created_at),
        ("resolution_created", d.created_at),
        ("attendance", d.signed_from),
        ("convened", d.convened_at),
        ("opened", d.opened_at),
        ("closed", d.closed_at),
    ] {
        diesel::update(
            audit_log::table
                .filter(subject("assembly", id))
                .filter(audit_log::action.eq(action)),
        )
        .set(audit_log::at.eq(at))
        .execute(conn)?;
    }
    Ok(())
}
