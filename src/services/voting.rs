//! Resolutions and ballots: opening, casting (one ballot per associate, in
//! the college of the associate it is for), closing with a result frozen by
//! the domain's tally, and the published receipts.

use std::collections::{BTreeMap, HashMap};

use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::db::models::assembly::{Attendance, Voter};
use crate::db::models::audit;
use crate::db::models::college::College;
use crate::db::models::resolution::{self, NewResolution, Resolution};
use crate::db::{DbConn, now, write_transaction};
use crate::domain::chain;
use crate::domain::fraction::{format_fraction, percent_2dp};
use crate::domain::rules::{Abstentions, Comparison, EmptyCollege, MajorityKind};
use crate::domain::tally::{Choice, CollegeCount, TallyRule, tally};
use crate::error::AppError;
use crate::services::assemblies::find as find_assembly;
use crate::services::attendance::{attends, quorum};
use crate::services::cooperative::{self, weight_of};
use crate::services::secrets;

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct ResolutionInput {
    pub title: String,
    pub text: String,
    pub majority: String,
    pub weighted: Option<bool>,
    #[serde(default)]
    pub secret: bool,
    pub board_approved: Option<bool>,
}

#[derive(Serialize, Clone, Debug)]
pub struct ResolutionView {
    pub id: i64,
    pub assembly_id: i64,
    pub number: i64,
    pub title: String,
    pub text: String,
    pub majority: String,
    pub weighted: bool,
    pub secret: bool,
    pub board_approved: bool,
    pub status: String,
    pub ballots: i64,
    /// None for a secret resolution until it closes: its chain is built
    /// at close (SECURITY.md, item 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_head: Option<String>,
}

impl From<&Resolution> for ResolutionView {
    fn from(r: &Resolution) -> ResolutionView {
        ResolutionView {
            id: r.id,
            assembly_id: r.assembly_id,
            number: r.number,
            title: r.title.clone(),
            text: r.text.clone(),
            majority: r.majority.clone(),
            weighted: r.weighted,
            secret: r.secret,
            board_approved: r.board_approved,
            status: r.status.clone(),
            ballots: r.ballot_count,
            chain_head: published_head(r).map(str::to_string),
        }
    }
}

/// The chain head that may be shown now: a named resolution's at any time,
/// a secret one's only once closed — during the vote a head that moves with
/// each ballot would tell, with the receipts published at close, the choice
/// cast at each moment.
pub fn published_head(r: &Resolution) -> Option<&str> {
    (!r.secret || r.status == "closed").then_some(r.chain_head.as_str())
}

pub fn majority_of(r: &Resolution) -> MajorityKind {
    if r.majority == "extraordinary" {
        MajorityKind::Extraordinary
    } else {
        MajorityKind::Ordinary
    }
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Resolution, AppError> {
    Resolution::by_id(conn, id)?.ok_or_else(|| AppError::not_found("resolution"))
}

pub fn create(
    conn: &mut DbConn,
    account_id: Option<i64>,
    assembly_id: i64,
    input: &ResolutionInput,
) -> Result<ResolutionView, AppError> {
    let majority = match input.majority.as_str() {
        "ordinary" => MajorityKind::Ordinary,
        "extraordinary" => MajorityKind::Extraordinary,
        _ => {
            return Err(AppError::bad_request(
                "majority must be ordinary or extraordinary.",
            ));
        }
    };
    if input.title.trim().is_empty() {
        return Err(AppError::rule(
            "invalid_resolution",
            "A resolution needs a title.",
        ));
    }
    write_transaction(conn, |conn| {
        let a = find_assembly(conn, assembly_id)?;
        // The convocation fixes the agenda (L225-105): no question is added
        // once it is sent.
        if a.status != "draft" {
            return Err(AppError::conflict(
                "agenda_closed",
                "The agenda is fixed by the convocation: a resolution can only be added before the assembly is convened.",
            ));
        }
        if !crate::services::assemblies::kind_of(&a).admits(majority) {
            return Err(AppError::rule(
                "majority_not_allowed",
                "An ordinary assembly votes only ordinary resolutions, an extraordinary one only extraordinary resolutions: use a combined assembly.",
            ));
        }
        let weighted = match input.weighted {
            Some(w) => w,
            None => cooperative::load(conn)?.weighted_by_default,
        };
        let number = Resolution::next_number(conn, assembly_id)?;
        let new = NewResolution {
            assembly_id,
            number,
            title: input.title.trim().into(),
            text: input.text.trim().into(),
            majority: input.majority.clone(),
            weighted,
            secret: input.secret,
            board_approved: input.board_approved.unwrap_or(true),
            status: "draft".into(),
            chain_head: String::new(),
            ballot_count: 0,
        };
        let id = Resolution::insert(conn, &new)?;
        Resolution::set_chain_head(conn, id, &chain::genesis(id))?;
        let r = find(conn, id)?;
        audit::record(
            conn,
            account_id,
            "assembly",
            Some(assembly_id),
            "resolution_created",
            &json!({"id": id, "number": number}),
            now(),
        )?;
        Ok(ResolutionView::from(&r))
    })
}

/// Opens a resolution: the assembly must be open, and no other resolution
/// of it open; the quorum at this moment is recorded on the resolution.
pub fn open(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
) -> Result<ResolutionView, AppError> {
    write_transaction(conn, |conn| {
        let r = find(conn, id)?;
        let a = find_assembly(conn, r.assembly_id)?;
        if a.status != "open" {
            return Err(AppError::conflict(
                "assembly_not_open",
                "Open the assembly before its resolutions.",
            ));
        }
        if r.status != "draft" {
            return Err(AppError::conflict(
                "resolution_not_draft",
                format!("This resolution is already {}.", r.status),
            ));
        }
        if Resolution::of_assembly(conn, a.id)?
            .iter()
            .any(|x| x.status == "open")
        {
            return Err(AppError::conflict(
                "another_resolution_open",
                "Another resolution is open: close it first.",
            ));
        }
        let q = quorum(conn, a.id, Some(majority_of(&r)))?;
        Resolution::mark_opened(conn, id, now(), &json!(q).to_string())?;
        audit::record(
            conn,
            account_id,
            "resolution",
            Some(id),
            "opened",
            &json!(q),
            now(),
        )?;
        Ok(ResolutionView::from(&find(conn, id)?))
    })
}

/// Who casts: the associate a token or an account speaks for, and in which
/// assembly a voting card is valid.
#[derive(Clone, Copy, Debug)]
pub struct Caster {
    pub associate_id: i64,
    /// A voting card or convocation link is bound to one assembly.
    pub only_assembly: Option<i64>,
}

/// How a ballot was cast, kept with the participation (never with the
/// ballot): an associate's account, a voting card or link, a postal form
/// entered by the secretary, a blank proxy voted with the board at close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CastVia {
    Account,
    Card,
    Postal,
    BlankProxy,
}

impl CastVia {
    pub fn code(self) -> &'static str {
        match self {
            CastVia::Account => "account",
            CastVia::Card => "card",
            CastVia::Postal => "postal",
            CastVia::BlankProxy => "blank_proxy",
        }
    }

    pub fn parse(code: &str) -> Option<CastVia> {
        [
            CastVia::Account,
            CastVia::Card,
            CastVia::Postal,
            CastVia::BlankProxy,
        ]
        .into_iter()
        .find(|v| v.code() == code)
    }

    /// Who the participation names as caster: an associate for a ballot
    /// cast through an account or a card, nobody for the other two.
    fn caster(self, associate_id: i64) -> Option<i64> {
        match self {
            CastVia::Account | CastVia::Card => Some(associate_id),
            CastVia::Postal | CastVia::BlankProxy => None,
        }
    }
}

pub struct Cast {
    pub receipt: String,
    /// Set when the ballot was cast by a proxy holder: whom to tell.
    pub principal: Option<i64>,
}

/// One ballot to cast.
#[derive(Clone, Copy, Debug)]
pub struct BallotRequest {
    pub caster: Caster,
    pub resolution_id: i64,
    pub choice: Choice,
    pub on_behalf_of: Option<i64>,
}

/// A resolution's chain during a batch: its head and how many ballots.
#[derive(Clone)]
struct ChainState {
    head: String,
    count: i64,
}

/// Casts one ballot.
pub fn cast(
    conn: &mut DbConn,
    caster: Caster,
    resolution_id: i64,
    choice: Choice,
    on_behalf_of: Option<i64>,
) -> Result<Cast, AppError> {
    let request = BallotRequest {
        caster,
        resolution_id,
        choice,
        on_behalf_of,
    };
    cast_batch(conn, &[request])?.pop().unwrap_or_else(|| {
        Err(AppError::internal(anyhow::anyhow!(
            "no answer for the ballot"
        )))
    })
}

/// Casts several ballots in one transaction (group commit: one durable
/// commit for the lot). One answer per request, in the requests' order; the
/// ballots are written in a random order, so that the order of arrival is
/// not the order of the rows (docs/secret-ballot.md).
pub fn cast_batch(
    conn: &mut DbConn,
    requests: &[BallotRequest],
) -> Result<Vec<Result<Cast, AppError>>, AppError> {
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.shuffle(&mut rand::rng());
    write_transaction(conn, |conn| {
        let mut open: HashMap<i64, (Resolution, ChainState, bool)> = HashMap::new();
        let mut answers: Vec<Option<Result<Cast, AppError>>> =
            requests.iter().map(|_| None).collect();
        for &i in &order {
            let request = &requests[i];
            if let std::collections::hash_map::Entry::Vacant(slot) =
                open.entry(request.resolution_id)
            {
                match Resolution::by_id(conn, request.resolution_id)? {
                    Some(r) => {
                        let chain = ChainState {
                            head: r.chain_head.clone(),
                            count: r.ballot_count,
                        };
                        slot.insert((r, chain, false));
                    }
                    None => {
                        answers[i] = Some(Err(AppError::not_found("resolution")));
                        continue;
                    }
                }
            }
            let Some((r, chain, touched)) = open.get_mut(&request.resolution_id) else {
                continue;
            };
            // A refusal (4xx) is decided before any write, so it needs no
            // savepoint; any other failure aborts the batch: nothing of it
            // is acknowledged.
            match cast_one(conn, r, chain, request) {
                Ok((cast, next)) => {
                    *chain = next;
                    *touched = true;
                    answers[i] = Some(Ok(cast));
                }
                Err(e) if e.status.is_client_error() => answers[i] = Some(Err(e)),
                Err(e) => return Err(e),
            }
        }
        for (id, (_, chain, touched)) in &open {
            if *touched {
                Resolution::advance(conn, *id, &chain.head, chain.count)?;
            }
        }
        Ok(answers
            .into_iter()
            .map(|answer| {
                answer.unwrap_or_else(|| {
                    Err(AppError::internal(anyhow::anyhow!(
                        "no answer for a ballot"
                    )))
                })
            })
            .collect())
    })
}

/// Order of the checks (CONTRACT.md): who may vote (403) is decided before
/// the resolution's state and an earlier ballot (409).
fn cast_one(
    conn: &mut DbConn,
    r: &Resolution,
    chain: &ChainState,
    request: &BallotRequest,
) -> Result<(Cast, ChainState), AppError> {
    let caster = request.caster;
    if caster.only_assembly.is_some_and(|a| a != r.assembly_id) {
        return Err(AppError::forbidden().with_message("This voting card is for another assembly."));
    }
    let principal = request.on_behalf_of.unwrap_or(caster.associate_id);
    let mine = Attendance::find(conn, r.assembly_id, caster.associate_id)?;
    if !mine.as_ref().is_some_and(|x| attends(&x.mode)) {
        return Err(AppError::forbidden().with_message(
            "Only an associate attending the assembly (in the room or remotely) may vote.",
        ));
    }
    if principal != caster.associate_id {
        let theirs = Attendance::find(conn, r.assembly_id, principal)?;
        let holds = theirs.is_some_and(|x| {
            x.mode == "represented" && x.proxy_holder_id == Some(caster.associate_id)
        });
        if !holds {
            return Err(
                AppError::forbidden().with_message("You hold no proxy from this associate.")
            );
        }
    }
    if r.status != "open" {
        return Err(AppError::conflict(
            "resolution_not_open",
            "This resolution is not open for voting.",
        ));
    }
    let voter = Voter::find(conn, r.assembly_id, principal)?.ok_or_else(AppError::forbidden)?;
    // A voting card or link is bound to an assembly; an account's token is not.
    let via = if caster.only_assembly.is_some() {
        CastVia::Card
    } else {
        CastVia::Account
    };
    let (receipt, head) = write_ballot(
        conn,
        r,
        &chain.head,
        chain.count + 1,
        (principal, via.caster(caster.associate_id), via),
        voter.college_id,
        request.choice,
    )?;
    let cast = Cast {
        receipt,
        principal: request.on_behalf_of.filter(|p| *p != caster.associate_id),
    };
    // "A vote was cast in your name" (SECURITY.md 5), committed with the ballot.
    if let Some(principal) = cast.principal {
        crate::services::convocation::notify_principal(conn, principal, caster.associate_id, r)?;
    }
    Ok((
        cast,
        ChainState {
            head,
            count: chain.count + 1,
        },
    ))
}

/// Writes participation and ballot, and extends a named resolution's chain
/// (the caller stores the new head); a secret ballot gets no position and
/// leaves the chain alone until the close builds it. The participation's
/// primary key refuses a second ballot for the same associate whatever the
/// path (in person, proxy, card). Refusals happen before the first write.
/// `who` is the principal, the associate who cast it (if any) and how: kept
/// with the participation only.
fn write_ballot(
    conn: &mut DbConn,
    r: &Resolution,
    head: &str,
    position: i64,
    who: (i64, Option<i64>, CastVia),
    college_id: i64,
    choice: Choice,
) -> Result<(String, String), AppError> {
    let (principal, cast_by, via) = who;
    let already = || {
        AppError::conflict(
            "already_voted",
            "A ballot has already been cast for this associate.",
        )
    };
    // The primary key decides, in the same statement: no race, no
    // failed statement that would abort a PostgreSQL transaction.
    if resolution::insert_participation(conn, r.id, principal, cast_by, via.code())? == 0 {
        return Err(already());
    }
    let receipt = hex::encode(rand::random::<[u8; 16]>());
    let ballot_id = hex::encode(rand::random::<[u8; 16]>());
    let (next, named, position) = if r.secret {
        (head.to_string(), None, None)
    } else {
        let next = chain::extend(head, &receipt, choice, college_id);
        (next, Some(principal), Some(position))
    };
    resolution::insert_ballot(
        conn,
        &ballot_id,
        r.id,
        &receipt,
        choice.as_str(),
        college_id,
        named,
        position,
    )?;
    Ok((receipt, next))
}

/// One ballot outside a batch, cast by nobody in particular: the blank
/// proxies at closing, a postal form entered by the secretary.
pub(crate) fn record_ballot(
    conn: &mut DbConn,
    r: &Resolution,
    principal: i64,
    via: CastVia,
    college_id: i64,
    choice: Choice,
) -> Result<String, AppError> {
    let current = find(conn, r.id)?;
    let position = current.ballot_count + 1;
    let (receipt, head) = write_ballot(
        conn,
        r,
        &current.chain_head,
        position,
        (principal, via.caster(principal), via),
        college_id,
        choice,
    )?;
    Resolution::advance(conn, r.id, &head, position)?;
    Ok(receipt)
}

/// Closes a resolution: blank proxies vote with the board (RULES E12), then
/// the result is computed by the domain's tally and frozen. A secret
/// resolution's chain is built now, over its receipts in receipt order, and
/// its rows are rewritten so that nothing stored keeps the order they were
/// cast in (docs/secret-ballot.md); once committed, the storage is scrubbed
/// (when the caller holds no transaction of its own: the demo's does it).
pub fn close(conn: &mut DbConn, account_id: Option<i64>, id: i64) -> Result<Value, AppError> {
    let (result, secret) = close_in_transaction(conn, account_id, id)?;
    if secret && !crate::db::in_transaction(conn) {
        let started = std::time::Instant::now();
        match resolution::scrub_storage(conn) {
            Ok(()) => tracing::info!(
                "secret resolution {id}: storage scrubbed in {} ms",
                started.elapsed().as_millis()
            ),
            // The close stands; the rows are already in key order and
            // written by one transaction. Said loudly, for the operator.
            Err(e) => tracing::error!(
                "secret resolution {id} is closed, but the storage could not be scrubbed ({e}): run VACUUM then PRAGMA wal_checkpoint(TRUNCATE)"
            ),
        }
    }
    Ok(result)
}

fn close_in_transaction(
    conn: &mut DbConn,
    account_id: Option<i64>,
    id: i64,
) -> Result<(Value, bool), AppError> {
    write_transaction(conn, |conn| {
        let r = find(conn, id)?;
        if r.status != "open" {
            return Err(AppError::conflict(
                "resolution_not_open",
                "Only an open resolution can be closed.",
            ));
        }
        let board_line = crate::domain::proxy::blank_proxy_choice(r.board_approved);
        for blank in Attendance::of_assembly(conn, r.assembly_id)?
            .into_iter()
            .filter(|x| x.mode == "represented" && x.proxy_holder_id.is_none())
        {
            if let Some(voter) = Voter::find(conn, r.assembly_id, blank.associate_id)?
                && !resolution::has_participated(conn, r.id, blank.associate_id)?
            {
                record_ballot(
                    conn,
                    &r,
                    blank.associate_id,
                    CastVia::BlankProxy,
                    voter.college_id,
                    board_line,
                )?;
            }
        }
        let mut current = find(conn, id)?;
        if current.secret {
            // The chain proves the published list, and nothing about time.
            let ballots = resolution::ballots_of(conn, id)?;
            current.chain_head = chain::replay(
                id,
                ballots.iter().filter_map(|b| {
                    Choice::parse(&b.choice)
                        .ok()
                        .map(|choice| (b.receipt.as_str(), choice, b.college_id))
                }),
            );
            current.ballot_count = ballots.len() as i64;
            let postal = Attendance::of_assembly(conn, r.assembly_id)?
                .into_iter()
                .filter(|x| x.mode == "correspondence")
                .map(|x| x.associate_id)
                .collect::<Vec<i64>>();
            let mut entered = resolution::participants(conn, id)?;
            entered.retain(|a| postal.contains(a));
            entered.sort_unstable();
            if !entered.is_empty() {
                // Whose postal forms were entered, once and in key order: a
                // line per form would keep the time of each.
                audit::record(
                    conn,
                    account_id,
                    "resolution",
                    Some(id),
                    "postal_ballots",
                    &json!({ "associate_ids": entered }),
                    now(),
                )?;
            }
        }
        let result = compute_result(conn, &current, "closed")?;
        Resolution::mark_closed(
            conn,
            id,
            now(),
            &current.chain_head,
            current.ballot_count,
            &result.to_string(),
        )?;
        if current.secret {
            resolution::rewrite_in_key_order(conn, id)?;
        }
        audit::record(
            conn,
            account_id,
            "resolution",
            Some(id),
            "closed",
            &result,
            now(),
        )?;
        Ok((result, current.secret))
    })
}

/// The result in CONTRACT.md's shape, computed from the counted ballots.
fn compute_result(conn: &mut DbConn, r: &Resolution, status: &str) -> Result<Value, AppError> {
    let coop = cooperative::load(conn)?;
    let rules = &coop.rules;
    let majority = rules.for_majority(majority_of(r));
    let colleges = College::all(conn)?;
    let counts = resolution::counts_of(conn, r.id)?;
    // Every current college, and any retired one that still holds ballots.
    let shown: Vec<&College> = colleges
        .iter()
        .filter(|c| !c.retired || counts.iter().any(|(id, _, _)| *id == c.id))
        .collect();
    let mut per: BTreeMap<i64, CollegeCount> = BTreeMap::new();
    for c in &shown {
        per.insert(c.id, CollegeCount::new(weight_of(c)));
    }
    for (college_id, choice, n) in &counts {
        if let (Some(count), Ok(choice)) = (per.get_mut(college_id), Choice::parse(choice)) {
            let n = *n as u64;
            match choice {
                Choice::For => count.for_ += n,
                Choice::Against => count.against += n,
                Choice::Abstain => count.abstain += n,
            }
        }
    }
    let ordered: Vec<CollegeCount> = shown
        .iter()
        .filter_map(|c| per.get(&c.id).cloned())
        .collect();
    let rule = TallyRule {
        weighted: r.weighted,
        majority: majority.majority.clone(),
        comparison: majority.comparison,
        abstentions: rules.abstentions,
        empty_college: rules.empty_college,
    };
    let quorum_reached = r
        .quorum
        .as_deref()
        .and_then(|q| serde_json::from_str::<Value>(q).ok())
        .and_then(|q| q["reached"].as_bool())
        .unwrap_or(false);
    let t = tally(&ordered, &rule, quorum_reached);
    let share = |f: &Option<crate::domain::Fraction>| f.as_ref().map(format_fraction);
    let colleges_json: Vec<Value> = shown
        .iter()
        .zip(&ordered)
        .zip(&t.colleges)
        .map(|((c, count), s)| {
            json!({
                "college_id": c.id, "name": c.name, "weight": percent_2dp(&count.weight),
                "for": count.for_, "against": count.against, "abstain": count.abstain,
                "for_share": share(&s.for_share), "against_share": share(&s.against_share),
            })
        })
        .collect();
    Ok(json!({
        "resolution_id": r.id,
        "status": status,
        "weighted": r.weighted,
        "counts": {"for": t.counts.for_, "against": t.counts.against, "abstain": t.counts.abstain, "ballots": t.counts.ballots},
        "colleges": colleges_json,
        "for_share": format_fraction(&t.for_share),
        "for_percent": percent_2dp(&t.for_share),
        "against_share": format_fraction(&t.against_share),
        "against_percent": percent_2dp(&t.against_share),
        "required": format_fraction(&majority.majority),
        "comparison": match majority.comparison { Comparison::Greater => "greater", Comparison::AtLeast => "at_least" },
        "abstentions": match rules.abstentions { Abstentions::Excluded => "excluded", Abstentions::Against => "against" },
        "empty_college": match rules.empty_college { EmptyCollege::Renormalise => "renormalise", EmptyCollege::Total => "total" },
        "quorum_reached": quorum_reached,
        "adopted": t.adopted,
        "chain_head": r.chain_head,
    }))
}

/// The frozen result once closed; while open, only the progress (no
/// choices: a running count would influence the vote).
pub fn result(conn: &mut DbConn, id: i64) -> Result<Value, AppError> {
    let r = find(conn, id)?;
    match (&r.status[..], &r.result) {
        ("closed", Some(frozen)) => {
            serde_json::from_str(frozen).map_err(|e| AppError::internal(e.into()))
        }
        _ => {
            let mut progress = json!({
                "resolution_id": r.id, "status": r.status, "weighted": r.weighted,
                "counts": {"ballots": r.ballot_count},
            });
            if let Some(head) = published_head(&r) {
                progress["chain_head"] = json!(head);
            }
            Ok(progress)
        }
    }
}

/// Every receipt with its choice and college (and the voter for a named
/// ballot), published after closing so that anyone can recount.
pub fn receipts(conn: &mut DbConn, id: i64) -> Result<Value, AppError> {
    let r = find(conn, id)?;
    if r.status != "closed" {
        return Err(AppError::conflict(
            "resolution_not_closed",
            "Receipts are published when the resolution closes.",
        ));
    }
    // In chain order: the cast order of a named resolution, the receipt
    // order of a secret one (its chain was built at close in that order).
    let ballots = resolution::ballots_of(conn, id)?;
    let chain_order: Vec<Value> = ballots.iter().map(|b| json!(b.receipt)).collect();
    let list: Vec<Value> = ballots
        .iter()
        .map(|b| {
            let mut v =
                json!({"receipt": b.receipt, "choice": b.choice, "college_id": b.college_id});
            if let Some(who) = b.associate_id {
                v["associate_id"] = json!(who);
            }
            v
        })
        .collect();
    Ok(json!({"receipts": list, "chain_head": r.chain_head, "chain_order": chain_order}))
}

#[derive(Serialize, Clone, Debug)]
pub struct Card {
    pub associate_id: i64,
    pub token: String,
    pub url: String,
}

/// Issues one voting card per associate (default: everyone present in the
/// room), each a token that can only vote for them in this assembly; a card
/// issued again revokes the earlier one.
pub fn issue_cards(
    conn: &mut DbConn,
    account_id: Option<i64>,
    assembly_id: i64,
    associate_ids: Option<Vec<i64>>,
    base_url: &str,
) -> Result<Vec<Card>, AppError> {
    issue_tokens(
        conn,
        account_id,
        assembly_id,
        associate_ids,
        base_url,
        "card",
    )
}

/// The voting link an associate opens from the check-in page: a token of
/// its own kind, so that it neither revokes a printed card nor piles up
/// (each new one revokes the previous).
pub fn issue_check_in(
    conn: &mut DbConn,
    account_id: Option<i64>,
    assembly_id: i64,
    associate_id: i64,
    base_url: &str,
) -> Result<Card, AppError> {
    let ids = Some(vec![associate_id]);
    issue_tokens(conn, account_id, assembly_id, ids, base_url, "check_in")?
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no voting link issued")))
}

fn issue_tokens(
    conn: &mut DbConn,
    account_id: Option<i64>,
    assembly_id: i64,
    associate_ids: Option<Vec<i64>>,
    base_url: &str,
    purpose: &'static str,
) -> Result<Vec<Card>, AppError> {
    write_transaction(conn, |conn| {
        let a = find_assembly(conn, assembly_id)?;
        if !(a.status == "convened" || a.status == "open") {
            return Err(AppError::conflict(
                "assembly_not_running",
                "Voting cards are issued for a convened or open assembly.",
            ));
        }
        let ids = match associate_ids {
            Some(ids) => ids,
            None => Attendance::of_assembly(conn, assembly_id)?
                .into_iter()
                .filter(|x| x.mode == "present")
                .map(|x| x.associate_id)
                .collect(),
        };
        let mut cards = Vec::new();
        for associate_id in ids {
            if Voter::find(conn, assembly_id, associate_id)?.is_none() {
                return Err(AppError::rule(
                    "not_on_roll",
                    format!("Associate {associate_id} is not on this assembly's roll."),
                ));
            }
            // A card reissued (lost, or left on a table) stops the old one.
            let replaced = crate::db::models::assembly::revoke_voting_tokens(
                conn,
                assembly_id,
                associate_id,
                purpose,
            )?;
            let token = secrets::random_token();
            crate::db::models::assembly::insert_voting_token(
                conn,
                &secrets::digest(&token),
                assembly_id,
                associate_id,
                purpose,
                account_id,
                now(),
            )?;
            // One audit row per card, in the associate's history: a card
            // used by someone else can be traced to its issue.
            audit::record(
                conn,
                account_id,
                "associate",
                Some(associate_id),
                "voting_card_issued",
                &json!({"assembly_id": assembly_id, "purpose": purpose, "replaced": replaced}),
                now(),
            )?;
            cards.push(Card {
                associate_id,
                url: format!("{base_url}/vote/{token}"),
                token,
            });
        }
        Ok(cards)
    })
}

/// Who a bearer token lets vote: an associate's API token (any assembly),
/// else a voting card or convocation link (one assembly). An API token of
/// staff without an associate is refused: only associates vote.
pub fn caster_for_bearer(conn: &mut DbConn, token: &str) -> Result<Option<Caster>, AppError> {
    let digest = secrets::digest(token);
    // `account_for` already refuses the token of an associate who has left.
    if let Some(account) = crate::db::models::api_token::account_for(conn, &digest, now())? {
        return match account.associate_id {
            Some(associate_id)
                if !crate::db::models::associate::Associate::is_active(conn, associate_id)? =>
            {
                Err(crate::services::associates::access_ended())
            }
            Some(associate_id) => Ok(Some(Caster {
                associate_id,
                only_assembly: None,
            })),
            None => Err(AppError::forbidden().with_message("Only associates vote.")),
        };
    }
    caster_for_token(conn, token)
}

/// The associate and assembly a voting card or convocation link speaks
/// for, while its assembly is not closed; 403 once the associate has left
/// the cooperative (withdrawn, excluded, deceased).
pub fn caster_for_token(conn: &mut DbConn, token: &str) -> Result<Option<Caster>, AppError> {
    let Some((assembly_id, associate_id, _purpose)) =
        crate::db::models::assembly::voting_token(conn, &secrets::digest(token))?
    else {
        return Ok(None);
    };
    if !crate::db::models::associate::Associate::is_active(conn, associate_id)? {
        return Err(crate::services::associates::access_ended());
    }
    let a = find_assembly(conn, assembly_id)?;
    if a.status == "closed" {
        return Ok(None);
    }
    Ok(Some(Caster {
        associate_id,
        only_assembly: Some(assembly_id),
    }))
}
