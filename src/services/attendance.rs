//! Attendance, proxies and the quorum of an assembly.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::models::assembly::{Assembly, Attendance, Voter};
use crate::db::models::audit;
use crate::db::{DbConn, now, write_transaction};
use crate::domain::fraction::{Fraction, format_fraction};
use crate::domain::proxy::{ProxyFacts, check_proxy};
use crate::domain::quorum;
use crate::domain::rules::MajorityKind;
use crate::error::AppError;
use crate::services::assemblies::{call_of, find, kind_of};
use crate::services::cooperative;

pub const MODES: [&str; 5] = [
    "present",
    "remote",
    "represented",
    "correspondence",
    "absent",
];

/// Attends, and so may vote in person and hold proxies.
pub fn attends(mode: &str) -> bool {
    mode == "present" || mode == "remote"
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct AttendanceInput {
    pub mode: String,
    pub proxy_holder_id: Option<i64>,
}

#[derive(Serialize, Clone, Debug)]
pub struct AttendanceView {
    pub associate_id: i64,
    pub mode: String,
    pub proxy_holder_id: Option<i64>,
    pub blank_proxy: bool,
}

fn view(a: &Attendance) -> AttendanceView {
    AttendanceView {
        associate_id: a.associate_id,
        mode: a.mode.clone(),
        proxy_holder_id: a.proxy_holder_id,
        blank_proxy: a.mode == "represented" && a.proxy_holder_id.is_none(),
    }
}

/// Records how a voter takes part. A proxy goes to an associate who
/// attends, never further, within the statutory cap; attending in person
/// cancels one's own proxy (the row is replaced).
pub fn set(
    conn: &mut DbConn,
    account_id: Option<i64>,
    assembly_id: i64,
    associate_id: i64,
    input: &AttendanceInput,
) -> Result<AttendanceView, AppError> {
    if !MODES.contains(&input.mode.as_str()) {
        return Err(AppError::bad_request(format!(
            "mode must be one of {}.",
            MODES.join(", ")
        )));
    }
    write_transaction(conn, |conn| {
        let a = find(conn, assembly_id)?;
        if !(a.status == "convened" || a.status == "open") {
            return Err(AppError::conflict(
                "assembly_not_running",
                "Attendance is recorded once the assembly is convened and until it closes.",
            ));
        }
        if Voter::find(conn, assembly_id, associate_id)?.is_none() {
            return Err(AppError::not_found("voter on this assembly's roll"));
        }
        // Targeted queries: the desk records hundreds of arrivals, each must
        // stay cheap whatever the size of the roll.
        let holds = |conn: &mut DbConn, holder: i64| -> Result<u32, AppError> {
            Ok(Attendance::proxies_held(conn, assembly_id, holder, associate_id)? as u32)
        };
        let holder = if input.mode == "represented" {
            input.proxy_holder_id
        } else {
            None
        };
        if let Some(holder_id) = holder {
            if Voter::find(conn, assembly_id, holder_id)?.is_none() {
                return Err(AppError::rule(
                    "proxy_holder_unknown",
                    "The proxy holder is not on this assembly's roll.",
                ));
            }
            let cap = cooperative::load(conn)?.rules.proxies_per_holder;
            let facts = ProxyFacts {
                principal_id: associate_id,
                holder_id,
                holder_attends: Attendance::find(conn, assembly_id, holder_id)?
                    .is_some_and(|x| attends(&x.mode)),
                principal_holds: holds(conn, associate_id)?,
                holder_holds: holds(conn, holder_id)?,
                cap,
            };
            check_proxy(&facts).map_err(|rule| AppError::rule(rule.code(), rule.message_en()))?;
        } else if !attends(&input.mode) {
            let held = holds(conn, associate_id)?;
            if held > 0 {
                // A holder who leaves would take their proxies' votes with them:
                // refuse, so the secretary reassigns them first.
                return Err(AppError::rule(
                    "proxy_chain",
                    format!(
                        "This associate holds {held} proxies: reassign them before recording them as not attending."
                    ),
                ));
            }
        }
        Attendance::set(conn, assembly_id, associate_id, &input.mode, holder, now())?;
        let saved = Attendance::find(conn, assembly_id, associate_id)?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("attendance not saved")))?;
        audit::record(
            conn,
            account_id,
            "assembly",
            Some(assembly_id),
            "attendance",
            &json!(view(&saved)),
            now(),
        )?;
        Ok(view(&saved))
    })
}

/// An associate joins remotely, while the assembly is open and remote
/// participation is offered and allowed by the statutes.
pub fn check_in(
    conn: &mut DbConn,
    account_id: Option<i64>,
    assembly_id: i64,
    associate_id: i64,
) -> Result<AttendanceView, AppError> {
    let a = find(conn, assembly_id)?;
    let rules = cooperative::load(conn)?.rules;
    if !(a.remote && rules.remote_participation) {
        return Err(AppError::rule(
            "remote_not_offered",
            "This assembly does not offer remote participation.",
        ));
    }
    if a.status != "open" {
        return Err(AppError::conflict(
            "assembly_not_open",
            "Check-in opens when the assembly opens.",
        ));
    }
    if Attendance::find(conn, assembly_id, associate_id)?.is_some_and(|x| x.mode == "present") {
        return Err(AppError::conflict(
            "already_present",
            "You are already recorded as present in the room.",
        ));
    }
    set(
        conn,
        account_id,
        assembly_id,
        associate_id,
        &AttendanceInput {
            mode: "remote".into(),
            proxy_holder_id: None,
        },
    )
}

pub fn list(conn: &mut DbConn, assembly_id: i64) -> Result<Vec<AttendanceView>, AppError> {
    find(conn, assembly_id)?;
    Ok(Attendance::of_assembly(conn, assembly_id)?
        .iter()
        .map(view)
        .collect())
}

#[derive(Serialize, Clone, Debug)]
pub struct CollegeQuorum {
    pub college_id: i64,
    pub members: u64,
    pub counted: u64,
}

#[derive(Serialize, Clone, Debug)]
pub struct QuorumView {
    pub members: u64,
    pub present: u64,
    pub remote: u64,
    pub represented: u64,
    pub correspondence: u64,
    pub counted: u64,
    pub fraction: String,
    pub required: u64,
    pub reached: bool,
    pub by_college: Vec<CollegeQuorum>,
}

/// The quorum now, for decisions of the given majority kind (RULES 13.2):
/// heads on the frozen roll, integer comparison.
pub fn quorum(
    conn: &mut DbConn,
    assembly_id: i64,
    majority: Option<MajorityKind>,
) -> Result<QuorumView, AppError> {
    let a: Assembly = find(conn, assembly_id)?;
    let majority = majority.unwrap_or(match kind_of(&a) {
        crate::domain::rules::AssemblyKind::Extraordinary => MajorityKind::Extraordinary,
        _ => MajorityKind::Ordinary,
    });
    let rules = cooperative::load(conn)?.rules;
    let fraction: Fraction = rules.for_majority(majority).quorum(call_of(&a)).clone();
    let roll = Voter::roll(conn, assembly_id)?;
    let present = Attendance::of_assembly(conn, assembly_id)?;
    let count = |mode: &str| present.iter().filter(|x| x.mode == mode).count() as u64;
    let counts_for_quorum = |x: &&Attendance| quorum::counts_for_quorum(&x.mode);
    let members = roll.len() as u64;
    let counted = present.iter().filter(counts_for_quorum).count() as u64;
    let mut colleges: Vec<i64> = roll.iter().map(|v| v.college_id).collect();
    colleges.sort_unstable();
    colleges.dedup();
    let by_college = colleges
        .into_iter()
        .map(|college_id| {
            let voters: Vec<i64> = roll
                .iter()
                .filter(|v| v.college_id == college_id)
                .map(|v| v.associate_id)
                .collect();
            CollegeQuorum {
                college_id,
                members: voters.len() as u64,
                counted: present
                    .iter()
                    .filter(counts_for_quorum)
                    .filter(|x| voters.contains(&x.associate_id))
                    .count() as u64,
            }
        })
        .collect();
    Ok(QuorumView {
        members,
        present: count("present"),
        remote: count("remote"),
        represented: count("represented"),
        correspondence: count("correspondence"),
        counted,
        required: quorum::required(members, &fraction),
        reached: quorum::reached(counted, members, &fraction),
        fraction: format_fraction(&fraction),
        by_college,
    })
}
