//! The ballots cast in an associate's name, for the associate: on their
//! page and in `GET /api/v1/me/ballots`, so that a voting card used by
//! someone else, or a proxy holder's ballot, is noticed.
//!
//! What is shown comes from the participation (who cast it, how) and, for a
//! named resolution only, from the ballot that carries the associate's id
//! (receipt, choice). A secret ballot carries no associate and nothing links
//! it to the participation: its receipt was given only to whoever cast it,
//! and the list says so.

use std::collections::HashMap;

use serde::Serialize;

use crate::db::DbConn;
use crate::db::models::associate::Associate;
use crate::db::models::resolution;
use crate::error::AppError;
use crate::services::voting::CastVia;

/// Who cast a ballot, as the associate is told.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Caster {
    pub associate_id: i64,
    pub name: String,
}

/// Said of a secret ballot, in both languages.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub fr: &'static str,
    pub en: &'static str,
}

pub const SECRET_NOTE: Note = Note {
    fr: "Scrutin secret : le reçu n'a été remis qu'à qui a déposé le bulletin ; ni le reçu ni le choix ne sont conservés avec votre nom.",
    en: "Secret ballot: the receipt was given only to whoever cast it; neither the receipt nor the choice is kept with your name.",
};

/// One ballot cast in the associate's name.
#[derive(Serialize, Clone, Debug)]
pub struct OwnBallot {
    pub assembly_id: i64,
    pub assembly_title: String,
    pub resolution_id: i64,
    pub number: i64,
    pub title: String,
    pub secret: bool,
    /// The resolution's status (`open`, `closed`).
    pub resolution_status: String,
    /// `self`, `proxy_holder`, `postal`, `blank_proxy`, or `unknown` (a
    /// ballot cast before scrutin kept who cast it).
    pub cast: &'static str,
    /// `account`, `card` (a voting card or voting link), `postal`,
    /// `blank_proxy`; `null` when unknown.
    pub cast_via: Option<String>,
    /// The associate who cast it (themselves or their proxy holder).
    pub cast_by: Option<Caster>,
    /// A named ballot's receipt and choice; `null` for a secret one.
    pub receipt: Option<String>,
    pub choice: Option<String>,
    /// For a secret ballot: why there is no receipt here.
    pub note: Option<Note>,
}

/// Every ballot cast in `associate_id`'s name, newest assembly first.
pub fn list(conn: &mut DbConn, associate_id: i64) -> Result<Vec<OwnBallot>, AppError> {
    let participations = resolution::participations_of(conn, associate_id)?;
    let named: HashMap<i64, (String, String)> = resolution::named_ballots_of(conn, associate_id)?
        .into_iter()
        .map(|(r, receipt, choice)| (r, (receipt, choice)))
        .collect();
    let mut casters: Vec<i64> = participations.iter().filter_map(|p| p.cast_by).collect();
    casters.sort_unstable();
    casters.dedup();
    let names: HashMap<i64, String> = Associate::names(conn, &casters)?.into_iter().collect();
    Ok(participations
        .into_iter()
        .map(|p| {
            let via = p.cast_via.as_deref().and_then(CastVia::parse);
            let cast = match (p.cast_by, via) {
                (Some(by), _) if by == associate_id => "self",
                (Some(_), _) => "proxy_holder",
                (None, Some(CastVia::Postal)) => "postal",
                (None, Some(CastVia::BlankProxy)) => "blank_proxy",
                _ => "unknown",
            };
            let cast_by = p.cast_by.map(|id| Caster {
                associate_id: id,
                name: names.get(&id).cloned().unwrap_or_default(),
            });
            // Only a named ballot carries the associate: a secret one is
            // never looked up, whatever the ballots table holds.
            let own = if p.secret {
                None
            } else {
                named.get(&p.resolution_id).cloned()
            };
            let (receipt, choice) = own.map_or((None, None), |(r, c)| (Some(r), Some(c)));
            OwnBallot {
                assembly_id: p.assembly_id,
                assembly_title: p.assembly_title,
                resolution_id: p.resolution_id,
                number: p.number,
                title: p.title,
                secret: p.secret,
                resolution_status: p.status,
                cast,
                cast_via: p.cast_via,
                cast_by,
                receipt,
                choice,
                note: p.secret.then_some(SECRET_NOTE),
            }
        })
        .collect())
}
