//! General assemblies: creation, bureau, convocation (notice period, frozen
//! voter roll, personal links), opening and closing.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::models::assembly::{self, Assembly, NewAssembly, Voter};
use crate::db::models::associate::Associate;
use crate::db::models::audit;
use crate::db::models::resolution::Resolution;
use crate::db::{DbConn, now, write_transaction};
use crate::domain::notice;
use crate::domain::register::{Status, on_voter_roll};
use crate::domain::rules::{AssemblyKind, Call};
use crate::error::AppError;
use crate::services::secrets;

/// The cooperative's time zone: dates of meetings and notice periods are
/// counted in it (CONTRACT.md).
pub fn local(t: NaiveDateTime) -> DateTime<chrono_tz::Tz> {
    Paris.from_utc_datetime(&t)
}

pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&Paris).date_naive()
}

/// RFC 3339 with an offset, or a local time (`2026-03-16T14:00`) in the
/// cooperative's time zone; stored in UTC.
pub fn parse_instant(text: &str) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(crate::db::truncate_to_micros(
            t.with_timezone(&Utc).naive_utc(),
        ));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Paris
                .from_local_datetime(&naive)
                .earliest()
                .map(|t| t.with_timezone(&Utc).naive_utc())
                .ok_or_else(|| format!("`{text}` does not exist in Paris time (a clock change)"));
        }
    }
    Err(format!(
        "`{text}` is not an instant: write 2026-03-16T14:00:00+01:00"
    ))
}

#[derive(Serialize, Clone, Debug)]
pub struct AssemblyView {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub starts_at: String,
    pub place: String,
    pub remote: bool,
    pub remote_url: Option<String>,
    pub call: i64,
    pub first_call_id: Option<i64>,
    pub status: String,
    pub convened_at: Option<String>,
    pub notice_overridden: bool,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub scrutineers: Vec<String>,
}

pub fn rfc3339(t: NaiveDateTime) -> String {
    local(t).to_rfc3339()
}

impl From<&Assembly> for AssemblyView {
    fn from(a: &Assembly) -> AssemblyView {
        AssemblyView {
            id: a.id,
            title: a.title.clone(),
            kind: a.kind.clone(),
            starts_at: rfc3339(a.starts_at),
            place: a.place.clone(),
            remote: a.remote,
            remote_url: a.remote_url.clone(),
            call: a.call_number,
            first_call_id: a.first_call_id,
            status: a.status.clone(),
            convened_at: a.convened_at.map(rfc3339),
            notice_overridden: a.notice_overridden,
            opened_at: a.opened_at.map(rfc3339),
            closed_at: a.closed_at.map(rfc3339),
            chair: a.chair.clone(),
            secretary: a.secretary.clone(),
            scrutineers: serde_json::from_str(&a.scrutineers).unwrap_or_default(),
        }
    }
}

pub fn kind_of(a: &Assembly) -> AssemblyKind {
    match a.kind.as_str() {
        "extraordinary" => AssemblyKind::Extraordinary,
        "combined" => AssemblyKind::Combined,
        _ => AssemblyKind::Ordinary,
    }
}

pub fn call_of(a: &Assembly) -> Call {
    if a.call_number == 2 {
        Call::Second
    } else {
        Call::First
    }
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct AssemblyInput {
    pub title: String,
    pub kind: String,
    pub starts_at: String,
    pub place: String,
    pub call: i64,
    #[serde(default)]
    pub remote: Option<bool>,
    pub remote_url: Option<String>,
    pub first_call_id: Option<i64>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    #[serde(default)]
    pub scrutineers: Vec<String>,
}

pub fn create(
    conn: &mut DbConn,
    account_id: Option<i64>,
    input: &AssemblyInput,
) -> Result<AssemblyView, AppError> {
    let mut problems = Vec::new();
    if input.title.trim().is_empty() {
        problems.push("The assembly needs a title.".to_string());
    }
    if !["ordinary", "extraordinary", "combined"].contains(&input.kind.as_str()) {
        problems.push("kind must be ordinary, extraordinary or combined.".into());
    }
    if !(input.call == 1 || input.call == 2) {
        problems.push("call must be 1 or 2.".into());
    }
    let starts_at = parse_instant(&input.starts_at)
        .map_err(|e| problems.push(e))
        .ok();
    if input.call == 1 && input.first_call_id.is_some() {
        problems.push("A first call does not refer to another assembly.".into());
    }
    if !problems.is_empty() {
        return Err(
            AppError::rule("invalid_assembly", problems.join(" ")).with_details(json!(problems))
        );
    }
    write_transaction(conn, |conn| {
        if let Some(first) = input.first_call_id
            && Assembly::by_id(conn, first)?.is_none()
        {
            return Err(AppError::rule(
                "invalid_assembly",
                "The first call it refers to does not exist.",
            ));
        }
        let new = NewAssembly {
            title: input.title.trim().into(),
            kind: input.kind.clone(),
            starts_at: starts_at.unwrap_or_else(now),
            place: input.place.trim().into(),
            remote: input.remote.unwrap_or(false),
            remote_url: input.remote_url.clone().filter(|u| !u.trim().is_empty()),
            call_number: input.call,
            first_call_id: input.first_call_id,
            status: "draft".into(),
            notice_overridden: false,
            chair: input.chair.clone().filter(|c| !c.trim().is_empty()),
            secretary: input.secretary.clone().filter(|c| !c.trim().is_empty()),
            scrutineers: json!(input.scrutineers).to_string(),
            created_at: now(),
        };
        let id = Assembly::insert(conn, &new)?;
        let view = get(conn, id)?;
        audit::record(
            conn,
            account_id,
            "assembly",
            Some(id),
            "created",
            &json!(view),
            now(),
        )?;
        Ok(view)
    })
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Assembly, AppError> {
    Assembly::by_id(conn, id)?.ok_or_else(|| AppError::not_found("assembly"))
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<AssemblyView, AppError> {
    Ok(AssemblyView::from(&find(conn, id)?))
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct BureauInput {
    pub chair: Option<String>,
    pub secretary: Option<String>,
    #[serde(default)]
    pub scrutineers: Vec<String>,
}

pub fn set_bureau(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
    input: &BureauInput,
) -> Result<AssemblyView, AppError> {
    write_transaction(conn, |conn| {
        let a = find(conn, id)?;
        if a.status == "closed" {
            return Err(AppError::conflict(
                "assembly_closed",
                "The assembly is closed.",
            ));
        }
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let scrutineers: Vec<String> = input
            .scrutineers
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        Assembly::set_bureau(
            conn,
            id,
            clean(&input.chair).as_deref(),
            clean(&input.secretary).as_deref(),
            &json!(scrutineers).to_string(),
        )?;
        audit::record(
            conn,
            account_id,
            "assembly",
            Some(id),
            "bureau",
            &json!(input.chair),
            now(),
        )?;
        get(conn, id)
    })
}

/// One convocation to send: whom, and the personal link's token.
pub struct ToConvene {
    pub associate_id: i64,
    pub name: String,
    pub email: String,
    pub token: String,
}

/// Checks the notice period, freezes the voter roll (the active associates
/// admitted by the meeting's day) and issues a personal link for each; the
/// caller sends the messages and records each outcome.
pub fn convene(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
    override_notice: bool,
) -> Result<Vec<ToConvene>, AppError> {
    write_transaction(conn, |conn| {
        let a = find(conn, id)?;
        if a.status != "draft" {
            return Err(AppError::conflict(
                "already_convened",
                "This assembly has already been convened.",
            ));
        }
        let meeting_day = local(a.starts_at).date_naive();
        let call = call_of(&a);
        let sent_on = today();
        let enough = notice::is_enough(sent_on, meeting_day, call);
        if !enough && !override_notice {
            let earliest = notice::earliest_meeting_day(sent_on, call)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let latest = notice::latest_sending_day(meeting_day, call)
                .map(|d| d.to_string())
                .unwrap_or_default();
            return Err(AppError::rule(
                "notice_period",
                format!(
                    "Too late to convene: a {} call needs {} days of notice, so this meeting had to be convened by {latest}; convened today, the earliest valid date is {earliest}. The secretary may override this explicitly (override_notice), which the minutes record.",
                    if call == Call::First { "first" } else { "second" },
                    notice::minimum_days(call)
                ),
            )
            .with_details(json!({"earliest_valid_date": earliest, "latest_sending_day": latest})));
        }
        let roll: Vec<Associate> = Associate::list(conn, &Default::default())?
            .into_iter()
            .filter(|x| {
                Status::parse(&x.status)
                    .is_ok_and(|status| on_voter_roll(status, x.admitted_on, meeting_day))
            })
            .collect();
        let rows: Vec<(i64, i64, String)> = roll
            .iter()
            .map(|x| (x.id, x.college_id, x.category.clone()))
            .collect();
        Voter::insert_roll(conn, id, &rows)?;
        let now = now();
        let mut out = Vec::new();
        for x in &roll {
            let token = secrets::random_token();
            assembly::insert_voting_token(
                conn,
                &secrets::digest(&token),
                id,
                x.id,
                "convocation",
                account_id,
                now,
            )?;
            out.push(ToConvene {
                associate_id: x.id,
                name: x.name.clone(),
                email: x.email.clone(),
                token,
            });
        }
        Assembly::mark_convened(conn, id, now, !enough)?;
        audit::record(
            conn,
            account_id,
            "assembly",
            Some(id),
            "convened",
            &json!({"voters": roll.len(), "notice_overridden": !enough}),
            now,
        )?;
        Ok(out)
    })
}

pub fn record_sent(
    conn: &mut DbConn,
    id: i64,
    associate_id: i64,
    email: &str,
    outcome: Result<&str, &str>,
) -> Result<(), AppError> {
    Ok(assembly::record_convocation(
        conn,
        id,
        associate_id,
        email,
        outcome,
        now(),
    )?)
}

pub fn open(conn: &mut DbConn, account_id: Option<i64>, id: i64) -> Result<AssemblyView, AppError> {
    write_transaction(conn, |conn| {
        let a = find(conn, id)?;
        if a.status != "convened" {
            return Err(AppError::conflict(
                "not_convened",
                format!(
                    "Only a convened assembly can be opened (it is {}).",
                    a.status
                ),
            ));
        }
        Assembly::mark_opened(conn, id, now())?;
        audit::record(
            conn,
            account_id,
            "assembly",
            Some(id),
            "opened",
            &json!({}),
            now(),
        )?;
        get(conn, id)
    })
}

pub fn close(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
) -> Result<AssemblyView, AppError> {
    write_transaction(conn, |conn| {
        let a = find(conn, id)?;
        if a.status != "open" {
            return Err(AppError::conflict(
                "not_open",
                "Only an open assembly can be closed.",
            ));
        }
        if Resolution::of_assembly(conn, id)?
            .iter()
            .any(|r| r.status == "open")
        {
            return Err(AppError::conflict(
                "resolution_open",
                "Close the open resolution first.",
            ));
        }
        Assembly::mark_closed(conn, id, now())?;
        audit::record(
            conn,
            account_id,
            "assembly",
            Some(id),
            "closed",
            &json!({}),
            now(),
        )?;
        get(conn, id)
    })
}

/// A change in the register since the roll was frozen: it does not change
/// who may vote, but the secretary should know.
#[derive(Serialize, Clone, Debug)]
pub struct RollChange {
    pub associate_id: i64,
    pub name: String,
    /// `admitted_since` (not on the roll) or `left_since` (on the roll).
    pub change: &'static str,
}

pub fn roll_changes(conn: &mut DbConn, id: i64) -> Result<Vec<RollChange>, AppError> {
    let a = find(conn, id)?;
    if a.status == "draft" {
        return Ok(Vec::new());
    }
    let roll: std::collections::HashSet<i64> = Voter::roll(conn, id)?
        .into_iter()
        .map(|v| v.associate_id)
        .collect();
    let mut changes = Vec::new();
    for x in Associate::list(conn, &Default::default())? {
        let active = x.status == "active";
        let change = match (active, roll.contains(&x.id)) {
            (true, false) => "admitted_since",
            (false, true) => "left_since",
            _ => continue,
        };
        changes.push(RollChange {
            associate_id: x.id,
            name: x.name,
            change,
        });
    }
    Ok(changes)
}
