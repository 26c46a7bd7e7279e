//! Every fact the minutes state (RULES.md 12 and 13.5), gathered once, so
//! that each format (HTML, Markdown, Flat ODT) says the same thing.
//!
//! Numbers are already written the French way here (`57,50 %`): templates
//! only place them. Dates stay RFC 3339 in the cooperative's time zone, for
//! the templates' `date_fr` and `time` filters.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::db::DbConn;
use crate::db::models::assembly::{self, Assembly};
use crate::db::models::resolution::Resolution;
use crate::domain::fraction::{parse_fraction, percent_2dp};
use crate::error::AppError;
use crate::services::assemblies::{self, AssemblyView, rfc3339};
use crate::services::attendance::{self, QuorumView};
use crate::services::cooperative;

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Minutes {
    pub cooperative: CooperativeFacts,
    pub assembly: AssemblyFacts,
    pub convocation: Convocation,
    /// On a second call: the first call's date.
    pub first_call: Option<FirstCall>,
    pub agenda: Vec<AgendaItem>,
    pub bureau: Bureau,
    pub participation: Participation,
    /// Free text: the documents and reports submitted to the assembly.
    pub documents: String,
    pub resolutions: Vec<ResolutionFacts>,
    pub version: i64,
    /// The version this one corrects, if any.
    pub corrects: Option<i64>,
    pub signatures: Vec<Signature>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CooperativeFacts {
    pub name: String,
    pub legal_form: String,
    pub registered_office: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct AssemblyFacts {
    pub id: i64,
    pub title: String,
    pub kind: String,
    /// "ordinaire", "extraordinaire", "mixte (ordinaire et extraordinaire)".
    pub kind_fr: String,
    pub status: String,
    pub starts_at: String,
    pub place: String,
    pub remote: bool,
    pub remote_url: Option<String>,
    pub opened_at: Option<String>,
    pub closed_at: Option<String>,
    pub call: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Convocation {
    pub convened_at: Option<String>,
    /// Convocations sent, and those that failed.
    pub sent: usize,
    pub failed: usize,
    /// Convened inside the notice period, by the secretary's decision.
    pub notice_overridden: bool,
    pub voting_cards: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct FirstCall {
    pub assembly_id: i64,
    pub starts_at: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct AgendaItem {
    pub number: i64,
    pub title: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Bureau {
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub scrutineers: Vec<String>,
}

/// The quorum: who took part, out of the roll, against the fraction required.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Participation {
    pub members: u64,
    pub present: u64,
    pub remote: u64,
    pub represented: u64,
    pub correspondence: u64,
    pub counted: u64,
    /// "1/5", and "20,00 %".
    pub fraction: String,
    pub fraction_percent: String,
    pub required: u64,
    pub reached: bool,
    /// counted / members, "57,50 %".
    pub counted_percent: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ResolutionFacts {
    pub number: i64,
    pub id: i64,
    pub title: String,
    pub text: String,
    pub majority: String,
    /// "ordinaire" / "extraordinaire".
    pub majority_fr: String,
    pub weighted: bool,
    pub secret: bool,
    pub status: String,
    /// Free text the secretary writes: a summary of the debates.
    pub debates: String,
    /// The quorum recorded when the vote opened, when it differs from the
    /// assembly's.
    pub quorum: Option<Participation>,
    pub result: Option<ResultFacts>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ResultFacts {
    pub colleges: Vec<CollegeRow>,
    pub totals: Totals,
    /// The exact share deciding the resolution, `"23/40"`, and `57,50 %`.
    pub for_share: String,
    pub for_percent: String,
    pub against_share: String,
    pub against_percent: String,
    pub required: String,
    pub required_percent: String,
    pub comparison: String,
    /// The rule applied, in words.
    pub rule: String,
    pub quorum_reached: bool,
    pub adopted: bool,
    /// "adoptée à 57,50 %" / "rejetée à 48,00 %".
    pub verdict: String,
    pub chain_head: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CollegeRow {
    pub name: String,
    pub weight: String,
    pub for_: u64,
    pub against: u64,
    pub abstain: u64,
    pub cast: u64,
    /// The college's share for, "80,00 %", or "—" when nobody voted in it.
    pub share: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Totals {
    pub for_: u64,
    pub against: u64,
    pub abstain: u64,
    pub cast: u64,
    pub ballots: u64,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Signature {
    /// "chair", "secretary" or "scrutineer".
    #[serde(rename = "as")]
    pub as_: String,
    pub role_fr: String,
    pub account_id: i64,
    pub email: String,
    pub at: String,
}

/// The frozen result of a resolution, as `voting` stores it (CONTRACT.md).
#[derive(Deserialize)]
struct Stored {
    weighted: bool,
    counts: StoredCounts,
    colleges: Vec<StoredCollege>,
    for_share: String,
    for_percent: String,
    against_share: String,
    against_percent: String,
    required: String,
    comparison: String,
    abstentions: String,
    empty_college: String,
    quorum_reached: bool,
    adopted: bool,
    #[serde(default)]
    chain_head: String,
}

#[derive(Deserialize)]
struct StoredCounts {
    #[serde(rename = "for")]
    for_: u64,
    against: u64,
    abstain: u64,
    ballots: u64,
}

#[derive(Deserialize)]
struct StoredCollege {
    name: String,
    weight: String,
    #[serde(rename = "for")]
    for_: u64,
    against: u64,
    abstain: u64,
    for_share: Option<String>,
}

/// The language the minutes are written in: French, the legal text, or
/// English (numbers `57.50 %`, rules and verdicts in English words).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    Fr,
    En,
}

/// `"57.50"` → `"57,50 %"` in French, `"57.50 %"` in English.
pub fn percent_in(lang: Language, dotted: &str) -> String {
    match lang {
        Language::Fr => percent_fr(dotted),
        Language::En => format!("{dotted} %"),
    }
}

/// `"23/40"` → `"57,50 %"` / `"57.50 %"`; the text itself if not a fraction.
pub fn fraction_percent_in(lang: Language, fraction: &str) -> String {
    match parse_fraction(fraction) {
        Ok(f) => percent_in(lang, &percent_2dp(&f)),
        Err(_) => fraction.to_string(),
    }
}

/// `"57.50"` → `"57,50 %"`.
pub fn percent_fr(dotted: &str) -> String {
    format!("{} %", dotted.replace('.', ","))
}

/// `"23/40"` → `"57,50 %"`; the text itself if it is not a fraction.
pub fn fraction_percent_fr(fraction: &str) -> String {
    match parse_fraction(fraction) {
        Ok(f) => percent_fr(&percent_2dp(&f)),
        Err(_) => fraction.to_string(),
    }
}

pub fn kind_fr(kind: &str) -> &'static str {
    match kind {
        "extraordinary" => "extraordinaire",
        "combined" => "mixte (ordinaire et extraordinaire)",
        _ => "ordinaire",
    }
}

pub fn role_fr(role: &str) -> &'static str {
    match role {
        "chair" => "Président de séance",
        "secretary" => "Secrétaire de séance",
        _ => "Scrutateur",
    }
}

fn participation(q: &QuorumView, lang: Language) -> Participation {
    let counted_percent = if q.members == 0 {
        percent_in(lang, "0.00")
    } else {
        fraction_percent_in(lang, &format!("{}/{}", q.counted, q.members))
    };
    Participation {
        members: q.members,
        present: q.present,
        remote: q.remote,
        represented: q.represented,
        correspondence: q.correspondence,
        counted: q.counted,
        fraction_percent: fraction_percent_in(lang, &q.fraction),
        fraction: q.fraction.clone(),
        required: q.required,
        reached: q.reached,
        counted_percent,
    }
}

/// The quorum recorded on a resolution when its vote opened.
fn recorded_quorum(r: &Resolution, lang: Language) -> Option<Participation> {
    let stored = r.quorum.as_deref()?;
    let value: Value = serde_json::from_str(stored).ok()?;
    let n = |key: &str| value[key].as_u64().unwrap_or(0);
    let q = QuorumView {
        members: n("members"),
        present: n("present"),
        remote: n("remote"),
        represented: n("represented"),
        correspondence: n("correspondence"),
        counted: n("counted"),
        fraction: value["fraction"].as_str().unwrap_or("0/1").to_string(),
        required: n("required"),
        reached: value["reached"].as_bool().unwrap_or(false),
        by_college: Vec::new(),
    };
    Some(participation(&q, lang))
}

fn rule_in_words(s: &Stored, lang: Language) -> String {
    if lang == Language::En {
        return rule_in_english(s);
    }
    let comparison = if s.comparison == "at_least" {
        "au moins égale à"
    } else {
        "strictement supérieure à"
    };
    let abstentions = if s.abstentions == "against" {
        "les abstentions sont comptées parmi les voix exprimées, comme des voix contre"
    } else {
        "les abstentions ne sont pas des voix exprimées"
    };
    let base = format!(
        "majorité requise : part des voix pour {comparison} {} ({}) ; {abstentions}",
        fraction_percent_fr(&s.required),
        s.required
    );
    if !s.weighted {
        return format!("{base} ; vote par tête, sans pondération par collège");
    }
    let option = if s.empty_college == "total" {
        "option T : un collège sans voix exprimée garde son poids et ne compte ni pour ni contre"
    } else {
        "option R : le poids d'un collège sans voix exprimée est réparti entre les autres au prorata de leurs poids"
    };
    format!("{base} ; vote pondéré par collège, {option}")
}

/// The rule applied, in English words.
fn rule_in_english(s: &Stored) -> String {
    let comparison = if s.comparison == "at_least" {
        "at least"
    } else {
        "strictly more than"
    };
    let abstentions = if s.abstentions == "against" {
        "abstentions are counted among the votes cast, as votes against"
    } else {
        "abstentions are not votes cast"
    };
    let base = format!(
        "majority required: share of votes for {comparison} {} ({}); {abstentions}",
        fraction_percent_in(Language::En, &s.required),
        s.required
    );
    if !s.weighted {
        return format!("{base}; one vote per associate, not weighted by college");
    }
    let option = if s.empty_college == "total" {
        "option T: a college with no vote cast keeps its weight and counts neither for nor against"
    } else {
        "option R: the weight of a college with no vote cast is shared among the others in proportion to their weights"
    };
    format!("{base}; vote weighted by college, {option}")
}

fn verdict_in(lang: Language, s: &Stored, cast: u64, for_percent: &str) -> String {
    let en = lang == Language::En;
    if !s.quorum_reached {
        if en {
            "rejected, the quorum not being reached".into()
        } else {
            "rejetée, faute de quorum".into()
        }
    } else if s.counts.ballots == 0 || cast == 0 {
        if en {
            "rejected, no vote being cast".into()
        } else {
            "rejetée, faute de voix exprimées".into()
        }
    } else {
        let word = match (s.adopted, en) {
            (true, false) => "adoptée",
            (false, false) => "rejetée",
            (true, true) => "adopted",
            (false, true) => "rejected",
        };
        let with = if en { "with" } else { "à" };
        format!("{word} {with} {for_percent}")
    }
}

fn result_facts(stored: &str, lang: Language) -> Option<ResultFacts> {
    let s: Stored = serde_json::from_str(stored).ok()?;
    let abstentions_cast = s.abstentions == "against";
    let cast = |f: u64, a: u64, x: u64| if abstentions_cast { f + a + x } else { f + a };
    let colleges = s
        .colleges
        .iter()
        .map(|c| CollegeRow {
            name: c.name.clone(),
            weight: percent_in(lang, &c.weight),
            for_: c.for_,
            against: c.against,
            abstain: c.abstain,
            cast: cast(c.for_, c.against, c.abstain),
            share: c
                .for_share
                .as_deref()
                .map(|f| fraction_percent_in(lang, f))
                .unwrap_or_else(|| "—".into()),
        })
        .collect();
    let for_percent = percent_in(lang, &s.for_percent);
    let all_cast = cast(s.counts.for_, s.counts.against, s.counts.abstain);
    let verdict = verdict_in(lang, &s, all_cast, &for_percent);
    Some(ResultFacts {
        colleges,
        totals: Totals {
            for_: s.counts.for_,
            against: s.counts.against,
            abstain: s.counts.abstain,
            cast: cast(s.counts.for_, s.counts.against, s.counts.abstain),
            ballots: s.counts.ballots,
        },
        rule: rule_in_words(&s, lang),
        for_share: s.for_share.clone(),
        for_percent,
        against_share: s.against_share.clone(),
        against_percent: percent_in(lang, &s.against_percent),
        required_percent: fraction_percent_in(lang, &s.required),
        required: s.required,
        comparison: s.comparison,
        quorum_reached: s.quorum_reached,
        adopted: s.adopted,
        verdict,
        chain_head: s.chain_head,
    })
}

/// What the secretary wrote: documents, and debates per resolution id.
#[derive(Default, Clone, Debug)]
pub struct Written {
    pub documents: String,
    pub debates: std::collections::BTreeMap<String, String>,
    pub version: i64,
    pub signatures: Vec<Signature>,
}

/// Gathers the facts of an assembly's minutes from the database, in French.
pub fn gather(conn: &mut DbConn, id: i64, written: &Written) -> Result<Minutes, AppError> {
    gather_in(conn, id, written, Language::Fr)
}

/// Gathers the facts, their numbers and words in `lang`.
pub fn gather_in(
    conn: &mut DbConn,
    id: i64,
    written: &Written,
    lang: Language,
) -> Result<Minutes, AppError> {
    let a: Assembly = assemblies::find(conn, id)?;
    let view = AssemblyView::from(&a);
    let coop = cooperative::load(conn)?;
    let legal_form = serde_json::to_value(coop.legal_form)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let sends = assembly::convocations_of(conn, id)?;
    let failed = sends.iter().filter(|s| s.3.is_some()).count();
    let first_call = match a.first_call_id {
        Some(first) => assemblies::find(conn, first).ok().map(|f| FirstCall {
            assembly_id: f.id,
            starts_at: rfc3339(f.starts_at),
        }),
        None => None,
    };
    let overall = if a.status == "draft" {
        None
    } else {
        Some(participation(&attendance::quorum(conn, id, None)?, lang))
    };
    let resolutions = Resolution::of_assembly(conn, id)?;
    let agenda = resolutions
        .iter()
        .map(|r| AgendaItem {
            number: r.number,
            title: r.title.clone(),
        })
        .collect();
    let resolutions = resolutions
        .iter()
        .map(|r| {
            let quorum = recorded_quorum(r, lang).filter(|q| Some(q) != overall.as_ref());
            ResolutionFacts {
                number: r.number,
                id: r.id,
                title: r.title.clone(),
                text: r.text.clone(),
                majority: r.majority.clone(),
                majority_fr: if r.majority == "extraordinary" {
                    "extraordinaire".into()
                } else {
                    "ordinaire".into()
                },
                weighted: r.weighted,
                secret: r.secret,
                status: r.status.clone(),
                debates: written
                    .debates
                    .get(&r.id.to_string())
                    .cloned()
                    .unwrap_or_default(),
                quorum,
                result: r.result.as_deref().and_then(|j| result_facts(j, lang)),
            }
        })
        .collect();
    let empty = Participation {
        members: 0,
        present: 0,
        remote: 0,
        represented: 0,
        correspondence: 0,
        counted: 0,
        fraction: "0/1".into(),
        fraction_percent: percent_in(lang, "0.00"),
        required: 0,
        reached: false,
        counted_percent: percent_in(lang, "0.00"),
    };
    Ok(Minutes {
        cooperative: CooperativeFacts {
            name: coop.name,
            legal_form,
            registered_office: coop.registered_office,
        },
        assembly: AssemblyFacts {
            id: a.id,
            title: a.title.clone(),
            kind_fr: kind_fr(&a.kind).into(),
            kind: a.kind.clone(),
            status: a.status.clone(),
            starts_at: view.starts_at,
            place: a.place.clone(),
            remote: a.remote,
            remote_url: a.remote_url.clone(),
            opened_at: view.opened_at,
            closed_at: view.closed_at,
            call: a.call_number,
        },
        convocation: Convocation {
            convened_at: view.convened_at,
            sent: sends.len() - failed,
            failed,
            notice_overridden: a.notice_overridden,
            voting_cards: assembly::count_voting_tokens(conn, id, "card")?,
        },
        first_call,
        agenda,
        bureau: Bureau {
            chair: a.chair.clone(),
            secretary: a.secretary.clone(),
            scrutineers: view.scrutineers,
        },
        participation: overall.unwrap_or(empty),
        documents: written.documents.clone(),
        resolutions,
        version: written.version.max(1),
        corrects: (written.version > 1).then(|| written.version - 1),
        signatures: written.signatures.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_percentages() {
        assert_eq!(percent_fr("57.50"), "57,50 %");
        assert_eq!(fraction_percent_fr("2/3"), "66,67 %");
        assert_eq!(fraction_percent_fr("1/1"), "100,00 %");
    }

    #[test]
    fn verdicts_in_words() {
        let stored = serde_json::json!({
            "weighted": true, "counts": {"for": 3, "against": 2, "abstain": 1, "ballots": 6},
            "colleges": [{"name": "A", "weight": "50.00", "for": 3, "against": 2, "abstain": 1, "for_share": "3/5"},
                         {"name": "B", "weight": "50.00", "for": 0, "against": 0, "abstain": 0, "for_share": null}],
            "for_share": "3/5", "for_percent": "60.00", "against_share": "2/5", "against_percent": "40.00",
            "required": "1/2", "comparison": "greater", "abstentions": "excluded",
            "empty_college": "renormalise", "quorum_reached": true, "adopted": true, "chain_head": "ab"
        });
        let r = result_facts(&stored.to_string(), Language::Fr).unwrap();
        assert_eq!(r.verdict, "adoptée à 60,00 %");
        assert_eq!(r.colleges[0].cast, 5);
        assert_eq!(r.colleges[0].share, "60,00 %");
        assert_eq!(r.colleges[1].share, "—");
        assert!(r.rule.contains("option R"), "{}", r.rule);
        assert!(r.rule.contains("strictement supérieure à 50,00 %"));
        let en = result_facts(&stored.to_string(), Language::En).unwrap();
        assert_eq!(en.verdict, "adopted with 60.00 %");
        assert_eq!(en.colleges[0].share, "60.00 %");
        assert!(
            en.rule.contains("strictly more than 50.00 %"),
            "{}",
            en.rule
        );
    }
}
