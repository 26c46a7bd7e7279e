//! The attendance sheet (feuille de présence, R225-95): each voter present,
//! remote, represented (with the holder) or voting by correspondence, their
//! college and category, the totals, room for signatures and the bureau's
//! certification.

use std::collections::HashMap;

use serde::Serialize;

use crate::db::DbConn;
use crate::db::models::assembly::{Attendance, Voter};
use crate::db::models::associate::Associate;
use crate::db::models::college::College;
use crate::domain::register::Category;
use crate::error::AppError;
use crate::services::minutes::facts::{AssemblyFacts, Bureau, CooperativeFacts, Minutes};

#[derive(Serialize, Clone, Debug)]
pub struct Sheet {
    pub cooperative: CooperativeFacts,
    pub assembly: AssemblyFacts,
    pub bureau: Bureau,
    /// Attending in person, then remotely, then represented, then by correspondence.
    pub lines: Vec<SheetLine>,
    pub totals: SheetTotals,
}

#[derive(Serialize, Clone, Debug)]
pub struct SheetLine {
    pub number: i64,
    pub name: String,
    pub college: String,
    pub category: String,
    pub category_en: String,
    pub mode: String,
    /// "Présent", "À distance", "Représenté", "Par correspondance".
    pub mode_fr: String,
    /// For a represented associate: the holder's name, or none for a blank proxy.
    pub holder: Option<String>,
    pub blank_proxy: bool,
    /// For a holder: the names of those they represent.
    pub proxies: Vec<String>,
}

#[derive(Serialize, Clone, Debug)]
pub struct SheetTotals {
    pub members: usize,
    pub present: usize,
    pub remote: usize,
    pub represented: usize,
    pub correspondence: usize,
    pub absent: usize,
    pub counted: usize,
}

fn mode_fr(mode: &str) -> &'static str {
    match mode {
        "present" => "Présent",
        "remote" => "À distance",
        "represented" => "Représenté",
        "correspondence" => "Par correspondance",
        _ => "Absent",
    }
}

fn order(mode: &str) -> u8 {
    match mode {
        "present" => 0,
        "remote" => 1,
        "represented" => 2,
        _ => 3,
    }
}

/// The sheet, from the frozen roll and the final attendance.
pub fn gather(conn: &mut DbConn, id: i64, facts: &Minutes) -> Result<Sheet, AppError> {
    let roll = Voter::roll(conn, id)?;
    let modes: HashMap<i64, Attendance> = Attendance::of_assembly(conn, id)?
        .into_iter()
        .map(|x| (x.associate_id, x))
        .collect();
    let people: HashMap<i64, Associate> = Associate::list(conn, &Default::default())?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let colleges: HashMap<i64, String> = College::all(conn)?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let name = |id: i64| {
        people
            .get(&id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("n° {id}"))
    };
    let mut lines = Vec::new();
    let mut absent = 0;
    for voter in &roll {
        let Some(att) = modes
            .get(&voter.associate_id)
            .filter(|a| a.mode != "absent")
        else {
            absent += 1;
            continue;
        };
        let proxies = modes
            .values()
            .filter(|x| x.mode == "represented" && x.proxy_holder_id == Some(voter.associate_id))
            .map(|x| name(x.associate_id))
            .collect();
        lines.push(SheetLine {
            number: people.get(&voter.associate_id).map_or(0, |p| p.number),
            name: name(voter.associate_id),
            college: colleges.get(&voter.college_id).cloned().unwrap_or_default(),
            category: Category::parse(&voter.category)
                .map(|c| c.label_fr().to_string())
                .unwrap_or_else(|_| voter.category.clone()),
            category_en: Category::parse(&voter.category)
                .map(|c| c.label_en().to_string())
                .unwrap_or_else(|_| voter.category.clone()),
            mode: att.mode.clone(),
            mode_fr: mode_fr(&att.mode).into(),
            holder: att.proxy_holder_id.map(name),
            blank_proxy: att.mode == "represented" && att.proxy_holder_id.is_none(),
            proxies,
        });
    }
    lines.sort_by(|a, b| (order(&a.mode), &a.name).cmp(&(order(&b.mode), &b.name)));
    let count = |mode: &str| lines.iter().filter(|l| l.mode == mode).count();
    let totals = SheetTotals {
        members: roll.len(),
        present: count("present"),
        remote: count("remote"),
        represented: count("represented"),
        correspondence: count("correspondence"),
        absent,
        counted: lines.len(),
    };
    Ok(Sheet {
        cooperative: facts.cooperative.clone(),
        assembly: facts.assembly.clone(),
        bureau: facts.bureau.clone(),
        lines,
        totals,
    })
}
