//! The share ledger (RULES 9, 10 and 13.6): what each associate holds, the
//! capital at a date, and the legal checks on a new movement.
//!
//! Capital is counted in shares of a single nominal value
//! (`share_value_cents`, set by the statutes); the capital of a SCIC is the
//! subscribed capital, shares × nominal value, and `paid_cents` is what has
//! been paid up (libéré) of it. Everything is whole cents in `i64`: no floats,
//! and every product is checked, so a huge number typed by someone is refused
//! rather than wrapped.
//!
//! The ledger is a list of movements, replayed in date order (movements of
//! the same day in the order of the list). The amount carried by a transfer
//! or a redemption is derived from the ledger at that point, never trusted
//! from outside: [`check_movement`] returns the movement with that amount
//! filled in, which is what the caller stores.

use super::fraction::{Fraction, percent_2dp};
use super::rules::LegalForm;
use chrono::NaiveDate;
use num_bigint::BigInt;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Largest amount the ledger accepts in one movement: €10 000 billion, in
/// cents. Far above any cooperative, far below `i64::MAX`, so that sums of
/// many movements cannot overflow either.
pub const MAX_CENTS: i64 = 1_000_000_000_000_000;

/// Legal minimum capital of an SA SCIC: €18,500, half the €37,000 of an
/// ordinary SA (1947 law art. 27, RULES 9).
pub const SA_LEGAL_MINIMUM_CENTS: i64 = 1_850_000;

/// The kind of a capital movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Souscription: new shares, `shares × nominal value` of capital.
    Subscription,
    /// Libération: paying up subscribed capital; `amount_cents`, no shares.
    Payment,
    /// Cession: shares (and what has been paid on them) move to another
    /// associate; the capital does not change.
    Transfer,
    /// Remboursement: shares cancelled and their paid amount repaid; the
    /// capital falls (variable capital, subject to the floor).
    Redemption,
}

impl MovementKind {
    pub const ALL: [MovementKind; 4] = [
        MovementKind::Subscription,
        MovementKind::Payment,
        MovementKind::Transfer,
        MovementKind::Redemption,
    ];

    /// The stable code (CONTRACT.md `movement`).
    pub fn code(self) -> &'static str {
        match self {
            MovementKind::Subscription => "subscription",
            MovementKind::Payment => "payment",
            MovementKind::Transfer => "transfer",
            MovementKind::Redemption => "redemption",
        }
    }

    /// The French noun, lower case, for sentences.
    pub fn label_fr(self) -> &'static str {
        match self {
            MovementKind::Subscription => "souscription",
            MovementKind::Payment => "libération",
            MovementKind::Transfer => "cession",
            MovementKind::Redemption => "remboursement",
        }
    }

    /// "une souscription", "un remboursement": the noun with its article.
    pub fn with_article_fr(self) -> &'static str {
        match self {
            MovementKind::Subscription => "une souscription",
            MovementKind::Payment => "une libération",
            MovementKind::Transfer => "une cession",
            MovementKind::Redemption => "un remboursement",
        }
    }

    /// "cette souscription", "ce remboursement".
    fn this_fr(self) -> &'static str {
        match self {
            MovementKind::Subscription => "cette souscription",
            MovementKind::Payment => "cette libération",
            MovementKind::Transfer => "cette cession",
            MovementKind::Redemption => "ce remboursement",
        }
    }

    /// The English noun, lower case.
    pub fn label_en(self) -> &'static str {
        match self {
            MovementKind::Subscription => "subscription",
            MovementKind::Payment => "payment",
            MovementKind::Transfer => "transfer",
            MovementKind::Redemption => "redemption",
        }
    }

    /// Parses a code, ignoring case and surrounding spaces.
    pub fn parse(text: &str) -> Result<MovementKind, String> {
        let wanted = text.trim().to_lowercase();
        MovementKind::ALL
            .into_iter()
            .find(|kind| kind.code() == wanted)
            .ok_or_else(|| {
                format!(
                    "mouvement inconnu « {} » : attendu subscription, payment, transfer ou redemption",
                    text.trim()
                )
            })
    }
}

/// One line of the share ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    /// The associate who subscribes, pays, gives (transfer) or is repaid.
    pub associate_id: i64,
    pub kind: MovementKind,
    /// Number of shares: > 0, except 0 for a payment.
    pub shares: i64,
    /// Subscription: shares × nominal value. Payment: the amount paid.
    /// Transfer: the paid amount that moves with the shares. Redemption: the
    /// amount repaid. The last two are derived when the ledger is replayed.
    pub amount_cents: i64,
    pub on: NaiveDate,
    /// The receiving associate of a transfer; `None` otherwise.
    pub to_associate_id: Option<i64>,
}

/// What one associate (or one group) holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    pub shares: i64,
    /// shares × nominal value.
    pub subscribed_cents: i64,
    pub paid_cents: i64,
}

impl Holding {
    /// Subscribed capital not yet paid up.
    pub fn unpaid_cents(&self) -> i64 {
        self.subscribed_cents.saturating_sub(self.paid_cents)
    }

    fn add(&mut self, other: &Holding) {
        self.shares = self.shares.saturating_add(other.shares);
        self.subscribed_cents = self.subscribed_cents.saturating_add(other.subscribed_cents);
        self.paid_cents = self.paid_cents.saturating_add(other.paid_cents);
    }
}

/// The movements on or before `at` (all of them for `None`), by date, the
/// list order kept within a day (the sort is stable).
fn in_order(movements: &[Movement], at: Option<NaiveDate>) -> Vec<&Movement> {
    let mut ordered: Vec<&Movement> = movements
        .iter()
        .filter(|movement| at.is_none_or(|day| movement.on <= day))
        .collect();
    ordered.sort_by_key(|movement| movement.on);
    ordered
}

/// Applies one movement to the holdings and returns the amount it carried
/// (the paid amount moved by a transfer, repaid by a redemption).
///
/// Saturating arithmetic: an accepted ledger stays far below the limits
/// (see [`MAX_CENTS`]), and a broken one must not panic while it is being
/// examined.
fn apply(holdings: &mut BTreeMap<i64, Holding>, movement: &Movement, share_value: i64) -> i64 {
    let value = movement.shares.saturating_mul(share_value);
    let giver = holdings.entry(movement.associate_id).or_default();
    match movement.kind {
        MovementKind::Subscription => {
            giver.shares = giver.shares.saturating_add(movement.shares);
            giver.subscribed_cents = giver.subscribed_cents.saturating_add(value);
            value
        }
        MovementKind::Payment => {
            giver.paid_cents = giver.paid_cents.saturating_add(movement.amount_cents);
            movement.amount_cents
        }
        MovementKind::Redemption | MovementKind::Transfer => {
            // The shares that leave take their paid-up part with them first:
            // what remains is the giver's unpaid balance, if any.
            let carried = giver.paid_cents.min(value).max(0);
            giver.shares = giver.shares.saturating_sub(movement.shares);
            giver.subscribed_cents = giver.subscribed_cents.saturating_sub(value);
            giver.paid_cents = giver.paid_cents.saturating_sub(carried);
            if movement.kind == MovementKind::Transfer
                && let Some(to) = movement.to_associate_id
            {
                let receiver = holdings.entry(to).or_default();
                receiver.shares = receiver.shares.saturating_add(movement.shares);
                receiver.subscribed_cents = receiver.subscribed_cents.saturating_add(value);
                receiver.paid_cents = receiver.paid_cents.saturating_add(carried);
            }
            carried
        }
    }
}

/// What each associate holds after the movements on or before `at` (`None`:
/// all of them). Associates who held shares once and hold none now are kept,
/// with zeros.
pub fn holdings(
    movements: &[Movement],
    share_value_cents: i64,
    at: Option<NaiveDate>,
) -> BTreeMap<i64, Holding> {
    let mut held = BTreeMap::new();
    for movement in in_order(movements, at) {
        apply(&mut held, movement, share_value_cents);
    }
    held
}

/// The whole capital at `at`: total shares, subscribed capital, paid-up part.
pub fn totals(movements: &[Movement], share_value_cents: i64, at: Option<NaiveDate>) -> Holding {
    let mut total = Holding::default();
    for holding in holdings(movements, share_value_cents, at).values() {
        total.add(holding);
    }
    total
}

/// The capital (subscribed) at `at`, in cents.
pub fn capital_at(movements: &[Movement], share_value_cents: i64, at: Option<NaiveDate>) -> i64 {
    totals(movements, share_value_cents, at).subscribed_cents
}

/// Sums the holdings by group (category, college...): `group` maps an
/// associate id to its group, `None` leaves the associate out.
pub fn capital_by<K: Ord>(
    movements: &[Movement],
    share_value_cents: i64,
    at: Option<NaiveDate>,
    group: impl Fn(i64) -> Option<K>,
) -> BTreeMap<K, Holding> {
    let mut groups: BTreeMap<K, Holding> = BTreeMap::new();
    for (associate, holding) in holdings(movements, share_value_cents, at) {
        if let Some(key) = group(associate) {
            groups.entry(key).or_default().add(&holding);
        }
    }
    groups
}

/// The capital at the end of one day of the ledger, in shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Day {
    on: NaiveDate,
    shares: i64,
    /// Shares held by local authorities.
    local_authority_shares: i64,
    /// Highest end-of-day share count so far, this day included.
    max_shares: i64,
}

/// The end-of-day capital of every day with a movement, in date order.
///
/// The checks look at end-of-day states: movements of the same day are
/// simultaneous for the register (a commune subscribing at incorporation
/// is not refused because its line comes before the others').
fn days(ordered: &[&Movement], local_authorities: &BTreeSet<i64>) -> Vec<Day> {
    let mut result: Vec<Day> = Vec::new();
    let (mut shares, mut local, mut max) = (0i64, 0i64, 0i64);
    for (index, movement) in ordered.iter().enumerate() {
        let is_local = |id: i64| local_authorities.contains(&id);
        match movement.kind {
            MovementKind::Subscription => {
                shares = shares.saturating_add(movement.shares);
                if is_local(movement.associate_id) {
                    local = local.saturating_add(movement.shares);
                }
            }
            MovementKind::Redemption => {
                shares = shares.saturating_sub(movement.shares);
                if is_local(movement.associate_id) {
                    local = local.saturating_sub(movement.shares);
                }
            }
            MovementKind::Transfer => {
                if is_local(movement.associate_id) {
                    local = local.saturating_sub(movement.shares);
                }
                if movement.to_associate_id.is_some_and(is_local) {
                    local = local.saturating_add(movement.shares);
                }
            }
            MovementKind::Payment => {}
        }
        let last_of_day = ordered
            .get(index + 1)
            .is_none_or(|next| next.on != movement.on);
        if last_of_day {
            max = max.max(shares);
            result.push(Day {
                on: movement.on,
                shares,
                local_authority_shares: local,
                max_shares: max,
            });
        }
    }
    result
}

/// The highest capital reached on or before `at` (end-of-day states), in
/// cents: the base of the ¼ floor of art. 13.
pub fn max_capital_ever(
    movements: &[Movement],
    share_value_cents: i64,
    at: Option<NaiveDate>,
) -> i64 {
    days(&in_order(movements, at), &BTreeSet::new())
        .last()
        .map_or(0, |day| day.max_shares.saturating_mul(share_value_cents))
}

/// The legal minimum capital of the form (RULES 9): €18,500 for an SA,
/// nothing for an SARL or an SAS (their statutes may set a floor, given as
/// the statutory floor).
pub fn legal_minimum_cents(form: LegalForm) -> i64 {
    match form {
        LegalForm::Sa => SA_LEGAL_MINIMUM_CENTS,
        LegalForm::Sarl | LegalForm::Sas => 0,
    }
}

/// A quarter of an amount, rounded up to the cent: the floor must not be
/// undercut by rounding.
pub fn quarter_rounded_up(cents: i64) -> i64 {
    cents.max(0).saturating_add(3) / 4
}

/// The capital floor (RULES 9 and 13.6): the largest of the legal minimum of
/// the form, ¼ of the highest capital reached (1947 law art. 13), and the
/// statutory floor.
pub fn capital_floor_cents(ctx: &CapitalContext, max_capital_cents: i64) -> i64 {
    legal_minimum_cents(ctx.legal_form)
        .max(quarter_rounded_up(max_capital_cents))
        .max(ctx.statutory_floor_cents)
}

/// What the ledger checks need to know about the cooperative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapitalContext {
    /// Nominal value of one share, in cents (> 0).
    pub share_value_cents: i64,
    pub legal_form: LegalForm,
    /// A floor set by the statutes (e.g. ½ of the highest capital, as an
    /// amount), 0 if none.
    pub statutory_floor_cents: i64,
    /// Associates of category `local_authority` (the 50 % cap).
    pub local_authorities: BTreeSet<i64>,
    /// Associates whose status is `active`.
    pub active: BTreeSet<i64>,
}

/// A rule a movement would break. Dates are those of the ledger where the
/// break shows, which may be later than the movement's own (a back-dated
/// movement is checked against everything recorded after it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapitalRule {
    /// The nominal value configured is not positive.
    InvalidShareValue { share_value_cents: i64 },
    /// A subscription, transfer or redemption of 0 or fewer shares.
    NonPositiveShares { kind: MovementKind, shares: i64 },
    /// A payment of 0 or less.
    NonPositiveAmount { amount_cents: i64 },
    /// An amount beyond [`MAX_CENTS`].
    AmountTooLarge { kind: MovementKind },
    /// A subscription whose amount is not shares × nominal value.
    AmountMismatch {
        shares: i64,
        given_cents: i64,
        expected_cents: i64,
    },
    /// A transfer without a receiving associate.
    RecipientMissing,
    /// A receiving associate given for something other than a transfer.
    RecipientOnlyForTransfer { kind: MovementKind },
    /// A transfer from an associate to themselves.
    TransferToSelf { associate_id: i64 },
    /// A party to a transfer is not an active associate.
    InactiveAssociate { associate_id: i64 },
    /// A transfer or redemption of more shares than the associate holds.
    NotEnoughShares {
        associate_id: i64,
        kind: MovementKind,
        on: NaiveDate,
        held: i64,
        requested: i64,
    },
    /// A payment above what remains unpaid.
    PaymentOverUnpaid {
        associate_id: i64,
        on: NaiveDate,
        amount_cents: i64,
        unpaid_cents: i64,
    },
    /// Local authorities would hold more than 50 % of the capital.
    LocalAuthorityCap {
        on: NaiveDate,
        local_authorities_cents: i64,
        capital_cents: i64,
    },
    /// A redemption would take the capital below the floor.
    BelowFloor {
        on: NaiveDate,
        capital_after_cents: i64,
        floor_cents: i64,
        legal_minimum_cents: i64,
        max_capital_cents: i64,
        statutory_floor_cents: i64,
        /// Most capital that could be redeemed instead, in cents...
        max_redeemable_cents: i64,
        /// ... and in whole shares.
        max_redeemable_shares: i64,
    },
}

/// "56 000,00 € sur 111 000,00 € (50,45 %)": the local-authority share.
fn share_of(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".to_owned();
    }
    percent_2dp(&Fraction::new(BigInt::from(part), BigInt::from(whole)))
}

/// "Un remboursement" from "un remboursement".
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn date_fr(on: NaiveDate) -> String {
    on.format("%d/%m/%Y").to_string()
}

impl CapitalRule {
    /// A stable snake_case code, for the API's `error.code` and for tests.
    pub fn code(&self) -> &'static str {
        match self {
            CapitalRule::InvalidShareValue { .. } => "invalid_share_value",
            CapitalRule::NonPositiveShares { .. } => "shares_not_positive",
            CapitalRule::NonPositiveAmount { .. } => "amount_not_positive",
            CapitalRule::AmountTooLarge { .. } => "amount_too_large",
            CapitalRule::AmountMismatch { .. } => "amount_mismatch",
            CapitalRule::RecipientMissing => "transfer_recipient_missing",
            CapitalRule::RecipientOnlyForTransfer { .. } => "recipient_only_for_transfer",
            CapitalRule::TransferToSelf { .. } => "transfer_to_self",
            CapitalRule::InactiveAssociate { .. } => "transfer_party_not_active",
            CapitalRule::NotEnoughShares { .. } => "not_enough_shares",
            CapitalRule::PaymentOverUnpaid { .. } => "payment_over_unpaid",
            CapitalRule::LocalAuthorityCap { .. } => "local_authority_cap",
            CapitalRule::BelowFloor { .. } => "capital_below_floor",
        }
    }

    /// The message in French, with the figures in French money format.
    pub fn message_fr(&self) -> String {
        let eur = format_euros_fr;
        match self {
            CapitalRule::InvalidShareValue { share_value_cents } => format!(
                "Statuts : la valeur nominale d'une part doit être positive ({} configurée).",
                eur(*share_value_cents)
            ),
            CapitalRule::NonPositiveShares { kind, shares } => format!(
                "{} porte sur un nombre entier et positif de parts ({shares} donné).",
                capitalise(kind.with_article_fr())
            ),
            CapitalRule::NonPositiveAmount { amount_cents } => format!(
                "Une libération porte sur un montant positif ({} donné).",
                eur(*amount_cents)
            ),
            CapitalRule::AmountTooLarge { kind } => format!(
                "Le montant de {} dépasse la limite du registre ({}).",
                kind.this_fr(),
                eur(MAX_CENTS)
            ),
            CapitalRule::AmountMismatch {
                shares,
                given_cents,
                expected_cents,
            } => format!(
                "Une souscription de {shares} parts vaut {} à la valeur nominale (art. 19 \
                 quinquies de la loi de 1947 : une valeur nominale unique) ; montant donné : {}.",
                eur(*expected_cents),
                eur(*given_cents)
            ),
            CapitalRule::RecipientMissing => {
                "Une cession de parts doit désigner l'associé qui les reçoit.".to_owned()
            }
            CapitalRule::RecipientOnlyForTransfer { kind } => format!(
                "Seule une cession désigne un associé bénéficiaire, pas {}.",
                kind.with_article_fr()
            ),
            CapitalRule::TransferToSelf { associate_id } => format!(
                "Une cession se fait entre deux associés distincts (associé n° {associate_id} \
                 des deux côtés)."
            ),
            CapitalRule::InactiveAssociate { associate_id } => format!(
                "Une cession de parts se fait entre associés actifs : l'associé n° \
                 {associate_id} ne l'est pas."
            ),
            CapitalRule::NotEnoughShares {
                associate_id,
                kind,
                on,
                held,
                requested,
            } => format!(
                "Registre des associés : le {}, l'associé n° {associate_id} ne détient que \
                 {held} parts, moins que les {requested} de {}.",
                date_fr(*on),
                kind.this_fr()
            ),
            CapitalRule::PaymentOverUnpaid {
                associate_id,
                on,
                amount_cents,
                unpaid_cents,
            } => format!(
                "Registre des associés : le {}, il ne reste que {} à libérer sur les parts de \
                 l'associé n° {associate_id}, moins que la libération de {}.",
                date_fr(*on),
                eur(*unpaid_cents),
                eur(*amount_cents)
            ),
            CapitalRule::LocalAuthorityCap {
                on,
                local_authorities_cents,
                capital_cents,
            } => format!(
                "Art. 19 septies de la loi de 1947 : les collectivités territoriales, leurs \
                 groupements et établissements publics détiennent ensemble au plus 50 % du \
                 capital ; le {} ils en détiendraient {} sur {} ({} %).",
                date_fr(*on),
                eur(*local_authorities_cents),
                eur(*capital_cents),
                share_of(*local_authorities_cents, *capital_cents).replace('.', ",")
            ),
            CapitalRule::BelowFloor {
                on,
                capital_after_cents,
                floor_cents,
                legal_minimum_cents,
                max_capital_cents,
                statutory_floor_cents,
                max_redeemable_cents,
                max_redeemable_shares,
            } => format!(
                "Art. 13 de la loi de 1947 : un remboursement ne peut réduire le capital \
                 au-dessous du plus grand du minimum légal de la forme ({}), du quart du capital \
                 le plus élevé atteint ({} sur {}) et du plancher statutaire ({}), soit {} ; \
                 le {} le capital tomberait à {}. Au plus {} ({max_redeemable_shares} parts) \
                 peuvent être remboursés.",
                eur(*legal_minimum_cents),
                eur(quarter_rounded_up(*max_capital_cents)),
                eur(*max_capital_cents),
                eur(*statutory_floor_cents),
                eur(*floor_cents),
                date_fr(*on),
                eur(*capital_after_cents),
                eur(*max_redeemable_cents)
            ),
        }
    }

    /// The same message in English.
    pub fn message_en(&self) -> String {
        let eur = format_euros_en;
        match self {
            CapitalRule::InvalidShareValue { share_value_cents } => format!(
                "Statutes: the nominal value of a share must be positive ({} configured).",
                eur(*share_value_cents)
            ),
            CapitalRule::NonPositiveShares { kind, shares } => format!(
                "A {} is for a positive whole number of shares ({shares} given).",
                kind.label_en()
            ),
            CapitalRule::NonPositiveAmount { amount_cents } => format!(
                "A payment is for a positive amount ({} given).",
                eur(*amount_cents)
            ),
            CapitalRule::AmountTooLarge { kind } => format!(
                "The amount of this {} exceeds the register's limit ({}).",
                kind.label_en(),
                eur(MAX_CENTS)
            ),
            CapitalRule::AmountMismatch {
                shares,
                given_cents,
                expected_cents,
            } => format!(
                "A subscription of {shares} shares is worth {} at nominal value (art. 19 \
                 quinquies of the 1947 law: a single nominal value); amount given: {}.",
                eur(*expected_cents),
                eur(*given_cents)
            ),
            CapitalRule::RecipientMissing => {
                "A transfer of shares must name the associate who receives them.".to_owned()
            }
            CapitalRule::RecipientOnlyForTransfer { kind } => format!(
                "Only a transfer names a receiving associate, not a {}.",
                kind.label_en()
            ),
            CapitalRule::TransferToSelf { associate_id } => format!(
                "A transfer is between two different associates (associate no. {associate_id} \
                 on both sides)."
            ),
            CapitalRule::InactiveAssociate { associate_id } => format!(
                "Shares are transferred between active associates: associate no. \
                 {associate_id} is not active."
            ),
            CapitalRule::NotEnoughShares {
                associate_id,
                kind,
                on,
                held,
                requested,
            } => format!(
                "Register of associates: on {on}, associate no. {associate_id} holds only \
                 {held} shares, fewer than the {requested} of this {}.",
                kind.label_en()
            ),
            CapitalRule::PaymentOverUnpaid {
                associate_id,
                on,
                amount_cents,
                unpaid_cents,
            } => format!(
                "Register of associates: on {on}, only {} remains unpaid on associate no. \
                 {associate_id}'s shares, less than the payment of {}.",
                eur(*unpaid_cents),
                eur(*amount_cents)
            ),
            CapitalRule::LocalAuthorityCap {
                on,
                local_authorities_cents,
                capital_cents,
            } => format!(
                "Art. 19 septies of the 1947 law: local authorities, their groupings and public \
                 establishments together hold at most 50 % of the capital; on {on} they would \
                 hold {} of {} ({} %).",
                eur(*local_authorities_cents),
                eur(*capital_cents),
                share_of(*local_authorities_cents, *capital_cents)
            ),
            CapitalRule::BelowFloor {
                on,
                capital_after_cents,
                floor_cents,
                legal_minimum_cents,
                max_capital_cents,
                statutory_floor_cents,
                max_redeemable_cents,
                max_redeemable_shares,
            } => format!(
                "Art. 13 of the 1947 law: a redemption may not take the capital below the \
                 largest of the legal minimum of the form ({}), a quarter of the highest capital \
                 reached ({} of {}) and the statutory floor ({}), that is {}; on {on} the \
                 capital would fall to {}. At most {} ({max_redeemable_shares} shares) can be \
                 redeemed.",
                eur(*legal_minimum_cents),
                eur(quarter_rounded_up(*max_capital_cents)),
                eur(*max_capital_cents),
                eur(*statutory_floor_cents),
                eur(*floor_cents),
                eur(*capital_after_cents),
                eur(*max_redeemable_cents)
            ),
        }
    }
}

/// Splits cents into a sign, whole euros with thousands grouped by
/// `separator`, and the two-digit cents.
fn euro_parts(cents: i64, separator: char) -> (&'static str, String, String) {
    let sign = if cents < 0 { "-" } else { "" };
    let magnitude = cents.unsigned_abs();
    let digits = (magnitude / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    (sign, grouped, format!("{:02}", magnitude % 100))
}

/// French money format: `5000000` → `"50 000,00 €"` (a plain space groups
/// the thousands, as the rest of the application writes "60,00 %").
pub fn format_euros_fr(cents: i64) -> String {
    let (sign, euros, rest) = euro_parts(cents, ' ');
    format!("{sign}{euros},{rest} €")
}

/// English money format: `5000000` → `"€50,000.00"`.
pub fn format_euros_en(cents: i64) -> String {
    let (sign, euros, rest) = euro_parts(cents, ',');
    format!("{sign}€{euros}.{rest}")
}

/// Checks of the movement alone, before looking at the ledger; returns the
/// movement as it will be stored (subscription amount computed, payment
/// without shares).
fn check_alone(new: &Movement, ctx: &CapitalContext) -> Result<Movement, Vec<CapitalRule>> {
    let share_value = ctx.share_value_cents;
    if share_value <= 0 {
        return Err(vec![CapitalRule::InvalidShareValue {
            share_value_cents: share_value,
        }]);
    }
    let mut broken = Vec::new();
    let mut stored = new.clone();
    if new.kind == MovementKind::Payment {
        // A payment may be given as a number of shares paid up in full.
        if new.amount_cents <= 0 && new.shares > 0 {
            match new.shares.checked_mul(share_value) {
                Some(value) => stored.amount_cents = value,
                None => broken.push(CapitalRule::AmountTooLarge { kind: new.kind }),
            }
        }
        stored.shares = 0;
        if stored.amount_cents > MAX_CENTS {
            broken.push(CapitalRule::AmountTooLarge { kind: new.kind });
        } else if stored.amount_cents <= 0 && broken.is_empty() {
            broken.push(CapitalRule::NonPositiveAmount {
                amount_cents: new.amount_cents,
            });
        }
    } else if new.shares <= 0 {
        broken.push(CapitalRule::NonPositiveShares {
            kind: new.kind,
            shares: new.shares,
        });
    } else {
        match new.shares.checked_mul(share_value) {
            Some(value) if value <= MAX_CENTS => {
                if new.kind == MovementKind::Subscription {
                    if new.amount_cents != 0 && new.amount_cents != value {
                        broken.push(CapitalRule::AmountMismatch {
                            shares: new.shares,
                            given_cents: new.amount_cents,
                            expected_cents: value,
                        });
                    }
                    stored.amount_cents = value;
                }
            }
            _ => broken.push(CapitalRule::AmountTooLarge { kind: new.kind }),
        }
    }
    match (new.kind, new.to_associate_id) {
        (MovementKind::Transfer, None) => broken.push(CapitalRule::RecipientMissing),
        (MovementKind::Transfer, Some(to)) => {
            if to == new.associate_id {
                broken.push(CapitalRule::TransferToSelf { associate_id: to });
            }
            for party in [new.associate_id, to] {
                let already = broken.contains(&CapitalRule::InactiveAssociate {
                    associate_id: party,
                });
                if !ctx.active.contains(&party) && !already {
                    broken.push(CapitalRule::InactiveAssociate {
                        associate_id: party,
                    });
                }
            }
        }
        (kind, Some(_)) => broken.push(CapitalRule::RecipientOnlyForTransfer { kind }),
        (_, None) => {}
    }
    if broken.is_empty() {
        Ok(stored)
    } else {
        Err(broken)
    }
}

/// The state of the ledger at `on` (the last end-of-day state on or
/// before it), zeros before the first movement.
fn day_at(days: &[Day], on: NaiveDate) -> (i64, i64) {
    days.iter()
        .rev()
        .find(|day| day.on <= on)
        .map_or((0, 0), |day| (day.shares, day.local_authority_shares))
}

/// The first date on or after `from` where the ledger `after` (in replay
/// order) has local authorities above 50 % of the capital, when the ledger
/// `existing` had not, or had less.
fn local_authority_breach(
    existing: &[Movement],
    after: &[&Movement],
    from: NaiveDate,
    ctx: &CapitalContext,
) -> Option<CapitalRule> {
    let before = days(&in_order(existing, None), &ctx.local_authorities);
    let after = days(after, &ctx.local_authorities);
    after.iter().filter(|day| day.on >= from).find_map(|day| {
        let (shares, local) = (
            i128::from(day.shares),
            i128::from(day.local_authority_shares),
        );
        let (old_shares, old_local) = day_at(&before, day.on);
        let (old_shares, old_local) = (i128::from(old_shares), i128::from(old_local));
        // Integer test of local / shares > 1/2 (RULES E11: exactly 50 % is allowed).
        let over = local > 0 && 2 * local > shares;
        let was_over = old_local > 0 && 2 * old_local > old_shares;
        let raised = local * old_shares > old_local * shares;
        (over && (!was_over || raised)).then(|| CapitalRule::LocalAuthorityCap {
            on: day.on,
            local_authorities_cents: day
                .local_authority_shares
                .saturating_mul(ctx.share_value_cents),
            capital_cents: day.shares.saturating_mul(ctx.share_value_cents),
        })
    })
}

/// Checks a new movement against the law and the ledger (RULES 9, 10,
/// 13.6), with the movement included, at its date and at every later date
/// already recorded (CONTRACT.md): a back-dated redemption must not break
/// the floor at a date recorded after it.
///
/// On success, returns the movement to store: the subscription amount is
/// shares × nominal value, a payment has 0 shares (a payment given as
/// shares only is for their full value), and a transfer or redemption
/// carries the paid amount it moves or repays, computed from the ledger
/// (any amount given for those is ignored). On failure, every broken rule:
/// first those of the movement alone; only if there are none, those of the
/// ledger.
///
/// The 50 % local-authority cap is checked whoever makes the movement (a
/// redemption by someone else raises the authorities' share too), but only
/// against movements that raise that share: if the cap was already
/// exceeded (an associate's category changed, say), a movement that does
/// not make it worse is not the one to refuse. The floor is checked for
/// redemptions only: the other movements never lower the capital, and a
/// subscription raises the capital by more than it raises ¼ of the highest.
/// The existing ledger is assumed to have passed these checks itself.
pub fn check_movement(
    existing: &[Movement],
    new: &Movement,
    ctx: &CapitalContext,
) -> Result<Movement, Vec<CapitalRule>> {
    check(existing, new, ctx, true)
}

/// [`check_movement`], with or without the local-authority cap.
fn check(
    existing: &[Movement],
    new: &Movement,
    ctx: &CapitalContext,
    with_cap: bool,
) -> Result<Movement, Vec<CapitalRule>> {
    let mut stored = check_alone(new, ctx)?;
    let share_value = ctx.share_value_cents;
    let mut broken = Vec::new();

    let mut with_new: Vec<Movement> = existing.to_vec();
    with_new.push(stored.clone());
    let last = with_new.len() - 1;
    // Stable order of indices: the new movement is the last of its day.
    let mut order: Vec<usize> = (0..with_new.len()).collect();
    order.sort_by_key(|&index| with_new[index].on);

    // Movement by movement: enough shares, payments within what is unpaid.
    let mut held: BTreeMap<i64, Holding> = BTreeMap::new();
    let mut reached_new = false;
    let mut short: BTreeSet<i64> = BTreeSet::new();
    for &index in &order {
        let movement = &with_new[index];
        reached_new |= index == last;
        let before = held
            .get(&movement.associate_id)
            .copied()
            .unwrap_or_default();
        let carried = apply(&mut held, movement, share_value);
        if index == last {
            stored.amount_cents = carried;
        }
        if !reached_new {
            continue;
        }
        match movement.kind {
            MovementKind::Payment if movement.amount_cents > before.unpaid_cents() => {
                broken.push(CapitalRule::PaymentOverUnpaid {
                    associate_id: movement.associate_id,
                    on: movement.on,
                    amount_cents: movement.amount_cents,
                    unpaid_cents: before.unpaid_cents(),
                });
            }
            MovementKind::Transfer | MovementKind::Redemption
                if movement.shares > before.shares && short.insert(movement.associate_id) =>
            {
                broken.push(CapitalRule::NotEnoughShares {
                    associate_id: movement.associate_id,
                    kind: movement.kind,
                    on: movement.on,
                    held: before.shares,
                    requested: movement.shares,
                });
            }
            _ => {}
        }
    }

    // Day by day, from the new movement's date on: the 50 % cap, the floor.
    let ordered: Vec<&Movement> = order.iter().map(|&index| &with_new[index]).collect();
    let after = days(&ordered, &ctx.local_authorities);
    let later: Vec<&Day> = after.iter().filter(|day| day.on >= stored.on).collect();

    if with_cap && let Some(rule) = local_authority_breach(existing, &ordered, stored.on, ctx) {
        broken.push(rule);
    }

    if stored.kind == MovementKind::Redemption {
        let redeemed = stored.shares.saturating_mul(share_value);
        let mut first_break: Option<CapitalRule> = None;
        let mut room = i64::MAX;
        for day in &later {
            let capital = day.shares.saturating_mul(share_value);
            let max_capital = day.max_shares.saturating_mul(share_value);
            let floor = capital_floor_cents(ctx, max_capital);
            room = room.min(capital.saturating_add(redeemed).saturating_sub(floor));
            if capital < floor && first_break.is_none() {
                first_break = Some(CapitalRule::BelowFloor {
                    on: day.on,
                    capital_after_cents: capital,
                    floor_cents: floor,
                    legal_minimum_cents: legal_minimum_cents(ctx.legal_form),
                    max_capital_cents: max_capital,
                    statutory_floor_cents: ctx.statutory_floor_cents,
                    max_redeemable_cents: 0,
                    max_redeemable_shares: 0,
                });
            }
        }
        if let Some(CapitalRule::BelowFloor {
            on,
            capital_after_cents,
            floor_cents,
            legal_minimum_cents,
            max_capital_cents,
            statutory_floor_cents,
            ..
        }) = first_break
        {
            let room = room.max(0);
            broken.push(CapitalRule::BelowFloor {
                on,
                capital_after_cents,
                floor_cents,
                legal_minimum_cents,
                max_capital_cents,
                statutory_floor_cents,
                max_redeemable_cents: room,
                max_redeemable_shares: room / share_value,
            });
        }
    }

    if broken.is_empty() {
        Ok(stored)
    } else {
        Err(broken)
    }
}

/// Checks several new movements recorded together (an import, the
/// incorporation): each is checked as by [`check_movement`] after the ones
/// before it, except the 50 % local-authority cap, checked once on the
/// ledger with all of them, so that the order of the lines of one day does
/// not matter. A cap breach is reported against the last movement.
/// All or nothing: on failure, every broken rule with the index of its
/// movement in `new`.
pub fn check_batch(
    existing: &[Movement],
    new: &[Movement],
    ctx: &CapitalContext,
) -> Result<Vec<Movement>, Vec<(usize, CapitalRule)>> {
    let mut ledger = existing.to_vec();
    let mut stored = Vec::new();
    let mut broken = Vec::new();
    for (index, movement) in new.iter().enumerate() {
        match check(&ledger, movement, ctx, false) {
            Ok(accepted) => {
                ledger.push(accepted.clone());
                stored.push(accepted);
            }
            Err(rules) => broken.extend(rules.into_iter().map(|rule| (index, rule))),
        }
    }
    if let Some(from) = new.iter().map(|movement| movement.on).min()
        && let Some(rule) = local_authority_breach(existing, &in_order(&ledger, None), from, ctx)
    {
        broken.push((new.len() - 1, rule));
    }
    if broken.is_empty() {
        Ok(stored)
    } else {
        Err(broken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// €100 a share.
    const SHARE: i64 = 10_000;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    fn movement(associate_id: i64, kind: MovementKind, shares: i64, on: &str) -> Movement {
        Movement {
            associate_id,
            kind,
            shares,
            amount_cents: 0,
            on: day(on),
            to_associate_id: None,
        }
    }

    fn subscribe(associate_id: i64, shares: i64, on: &str) -> Movement {
        movement(associate_id, MovementKind::Subscription, shares, on)
    }

    fn redeem(associate_id: i64, shares: i64, on: &str) -> Movement {
        movement(associate_id, MovementKind::Redemption, shares, on)
    }

    fn pay(associate_id: i64, amount_cents: i64, on: &str) -> Movement {
        Movement {
            amount_cents,
            ..movement(associate_id, MovementKind::Payment, 0, on)
        }
    }

    fn transfer(from: i64, to: i64, shares: i64, on: &str) -> Movement {
        Movement {
            to_associate_id: Some(to),
            ..movement(from, MovementKind::Transfer, shares, on)
        }
    }

    fn context(form: LegalForm, local: &[i64], active: &[i64]) -> CapitalContext {
        CapitalContext {
            share_value_cents: SHARE,
            legal_form: form,
            statutory_floor_cents: 0,
            local_authorities: local.iter().copied().collect(),
            active: active.iter().copied().collect(),
        }
    }

    fn codes(result: Result<Movement, Vec<CapitalRule>>) -> Vec<&'static str> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(CapitalRule::code)
            .collect()
    }

    /// Records movements one by one through `check_movement`, as the
    /// service does; panics if one is refused.
    fn ledger(movements: &[Movement], ctx: &CapitalContext) -> Vec<Movement> {
        let mut recorded = Vec::new();
        for new in movements {
            let stored = check_movement(&recorded, new, ctx)
                .unwrap_or_else(|rules| panic!("{new:?} refused: {rules:?}"));
            recorded.push(stored);
        }
        recorded
    }

    #[test]
    fn money_formats() {
        assert_eq!(format_euros_fr(5_000_000), "50 000,00 €");
        assert_eq!(format_euros_en(5_000_000), "€50,000.00");
        assert_eq!(format_euros_fr(1_850_000), "18 500,00 €");
        assert_eq!(format_euros_fr(0), "0,00 €");
        assert_eq!(format_euros_fr(5), "0,05 €");
        assert_eq!(format_euros_en(123_456_789), "€1,234,567.89");
        assert_eq!(format_euros_fr(-150), "-1,50 €");
        assert_eq!(format_euros_en(-150), "-€1.50");
        assert_eq!(format_euros_fr(i64::MIN), "-92 233 720 368 547 758,08 €");
    }

    #[test]
    fn legal_minimum_per_form() {
        assert_eq!(legal_minimum_cents(LegalForm::Sa), 1_850_000);
        assert_eq!(legal_minimum_cents(LegalForm::Sarl), 0);
        assert_eq!(legal_minimum_cents(LegalForm::Sas), 0);
        assert_eq!(quarter_rounded_up(20_000_000), 5_000_000);
        assert_eq!(quarter_rounded_up(10_001), 2_501);
    }

    #[test]
    fn movement_kind_codes() {
        for kind in MovementKind::ALL {
            assert_eq!(MovementKind::parse(kind.code()), Ok(kind));
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.code())
            );
        }
        assert!(MovementKind::parse("gift").is_err());
    }

    #[test]
    fn e10_redemption_below_the_floor_is_refused_with_the_room_left() {
        let ctx = context(LegalForm::Sa, &[], &[1, 2]);
        // €200,000 reached, then €140,000 repaid: €60,000 today.
        let recorded = ledger(
            &[
                subscribe(1, 1_000, "2020-01-01"),
                subscribe(2, 1_000, "2020-01-01"),
                redeem(2, 1_000, "2022-06-30"),
                redeem(1, 400, "2022-06-30"),
            ],
            &ctx,
        );
        assert_eq!(max_capital_ever(&recorded, SHARE, None), 20_000_000);
        assert_eq!(capital_at(&recorded, SHARE, None), 6_000_000);
        // €15,000 more would leave €45,000 < max(18,500, 50,000).
        let rules = check_movement(&recorded, &redeem(1, 150, "2024-06-30"), &ctx).unwrap_err();
        assert_eq!(
            rules,
            vec![CapitalRule::BelowFloor {
                on: day("2024-06-30"),
                capital_after_cents: 4_500_000,
                floor_cents: 5_000_000,
                legal_minimum_cents: 1_850_000,
                max_capital_cents: 20_000_000,
                statutory_floor_cents: 0,
                max_redeemable_cents: 1_000_000,
                max_redeemable_shares: 100,
            }]
        );
        assert_eq!(
            rules[0].message_fr(),
            "Art. 13 de la loi de 1947 : un remboursement ne peut réduire le capital \
             au-dessous du plus grand du minimum légal de la forme (18 500,00 €), du quart du \
             capital le plus élevé atteint (50 000,00 € sur 200 000,00 €) et du plancher \
             statutaire (0,00 €), soit 50 000,00 € ; le 30/06/2024 le capital tomberait à \
             45 000,00 €. Au plus 10 000,00 € (100 parts) peuvent être remboursés."
        );
        assert!(
            rules[0]
                .message_en()
                .contains("At most €10,000.00 (100 shares)")
        );
        // The partial repayment of €10,000 is allowed.
        assert!(check_movement(&recorded, &redeem(1, 100, "2024-06-30"), &ctx).is_ok());
    }

    #[test]
    fn the_floor_is_the_largest_of_its_three_parts() {
        // SA: the legal minimum binds while ¼ of the maximum is lower.
        let ctx = context(LegalForm::Sa, &[], &[1]);
        let recorded = ledger(&[subscribe(1, 200, "2020-01-01")], &ctx);
        assert_eq!(
            codes(check_movement(
                &recorded,
                &redeem(1, 16, "2021-01-01"),
                &ctx
            )),
            ["capital_below_floor"]
        );
        assert!(check_movement(&recorded, &redeem(1, 15, "2021-01-01"), &ctx).is_ok());
        // SAS: no legal minimum, but a statutory floor of €19,000.
        let ctx = CapitalContext {
            statutory_floor_cents: 1_900_000,
            ..context(LegalForm::Sas, &[], &[1])
        };
        assert!(check_movement(&recorded, &redeem(1, 10, "2021-01-01"), &ctx).is_ok());
        assert_eq!(
            codes(check_movement(
                &recorded,
                &redeem(1, 11, "2021-01-01"),
                &ctx
            )),
            ["capital_below_floor"]
        );
    }

    #[test]
    fn e11_local_authorities_up_to_half_of_the_capital() {
        let ctx = context(LegalForm::Sa, &[9, 10], &[1, 9, 10]);
        let recorded = ledger(
            &[
                subscribe(1, 550, "2020-01-01"),
                subscribe(9, 450, "2020-01-01"),
            ],
            &ctx,
        );
        assert_eq!(capital_at(&recorded, SHARE, None), 10_000_000);
        // €10,000 by another commune: 55,000 / 110,000 = 50 % exactly.
        let stored = check_movement(&recorded, &subscribe(10, 100, "2024-01-01"), &ctx).unwrap();
        assert_eq!(stored.amount_cents, 1_000_000);
        // €11,000: 56,000 / 111,000 = 50.45 %.
        let rules = check_movement(&recorded, &subscribe(10, 110, "2024-01-01"), &ctx).unwrap_err();
        assert_eq!(
            rules,
            vec![CapitalRule::LocalAuthorityCap {
                on: day("2024-01-01"),
                local_authorities_cents: 5_600_000,
                capital_cents: 11_100_000,
            }]
        );
        assert_eq!(
            rules[0].message_fr(),
            "Art. 19 septies de la loi de 1947 : les collectivités territoriales, leurs \
             groupements et établissements publics détiennent ensemble au plus 50 % du \
             capital ; le 01/01/2024 ils en détiendraient 56 000,00 € sur 111 000,00 € \
             (50,45 %)."
        );
        assert!(
            rules[0]
                .message_en()
                .contains("€56,000.00 of €111,000.00 (50.45 %)")
        );
    }

    #[test]
    fn someone_elses_redemption_can_break_the_local_authority_cap() {
        let ctx = context(LegalForm::Sas, &[9], &[1, 2, 9]);
        let recorded = ledger(
            &[
                subscribe(1, 300, "2020-01-01"),
                subscribe(2, 200, "2020-01-01"),
                subscribe(9, 500, "2020-01-01"),
            ],
            &ctx,
        );
        assert_eq!(
            codes(check_movement(&recorded, &redeem(2, 1, "2021-01-01"), &ctx)),
            ["local_authority_cap"]
        );
        // A transfer to the authority raises its share too.
        assert_eq!(
            codes(check_movement(
                &recorded,
                &transfer(1, 9, 1, "2021-01-01"),
                &ctx
            )),
            ["local_authority_cap"]
        );
        // A movement that does not raise an excess it did not cause passes.
        let now_local = context(LegalForm::Sas, &[1, 9], &[1, 2, 9]);
        assert!(check_movement(&recorded, &subscribe(2, 10, "2021-01-01"), &now_local).is_ok());
    }

    #[test]
    fn an_authority_subscribing_with_the_founders_on_the_same_day_is_accepted() {
        let ctx = context(LegalForm::Sas, &[9], &[1, 9]);
        // The commune's line comes first; the day ends at 50 %.
        let lines = [
            subscribe(9, 100, "2020-01-01"),
            subscribe(1, 100, "2020-01-01"),
        ];
        // One by one, the commune alone would hold 100 %...
        assert_eq!(
            codes(check_movement(&[], &lines[0], &ctx)),
            ["local_authority_cap"]
        );
        // ... together, the day ends at 50 %.
        let recorded = check_batch(&[], &lines, &ctx).unwrap();
        assert_eq!(recorded[0].amount_cents, 1_000_000);
        assert_eq!(capital_at(&recorded, SHARE, None), 2_000_000);
        // One more commune share and the batch is refused, as a whole.
        let over = [
            subscribe(9, 101, "2020-01-01"),
            subscribe(1, 100, "2020-01-01"),
        ];
        assert_eq!(
            check_batch(&[], &over, &ctx).unwrap_err(),
            vec![(
                1,
                CapitalRule::LocalAuthorityCap {
                    on: day("2020-01-01"),
                    local_authorities_cents: 1_010_000,
                    capital_cents: 2_010_000,
                }
            )]
        );
        // Other rules are reported with the index of their movement.
        let bad = [
            subscribe(1, 100, "2020-01-01"),
            redeem(1, 200, "2020-02-01"),
        ];
        let errors = check_batch(&[], &bad, &ctx).unwrap_err();
        assert_eq!(errors[0].0, 1);
        assert_eq!(errors[0].1.code(), "not_enough_shares");
    }

    #[test]
    fn holdings_never_go_negative() {
        let ctx = context(LegalForm::Sas, &[], &[1, 2]);
        let recorded = ledger(&[subscribe(1, 10, "2020-01-01")], &ctx);
        let rules = check_movement(&recorded, &redeem(1, 11, "2021-01-01"), &ctx).unwrap_err();
        assert_eq!(
            rules[0],
            CapitalRule::NotEnoughShares {
                associate_id: 1,
                kind: MovementKind::Redemption,
                on: day("2021-01-01"),
                held: 10,
                requested: 11,
            }
        );
        assert_eq!(
            rules[0].message_fr(),
            "Registre des associés : le 01/01/2021, l'associé n° 1 ne détient que 10 parts, \
             moins que les 11 de ce remboursement."
        );
        assert_eq!(
            CapitalRule::NonPositiveShares {
                kind: MovementKind::Redemption,
                shares: 0
            }
            .message_fr(),
            "Un remboursement porte sur un nombre entier et positif de parts (0 donné)."
        );
        assert_eq!(
            codes(check_movement(
                &recorded,
                &transfer(1, 2, 11, "2021-01-01"),
                &ctx
            )),
            ["not_enough_shares"]
        );
        // Nobody holds anything before their subscription.
        assert_eq!(
            codes(check_movement(&recorded, &redeem(1, 1, "2019-12-31"), &ctx)),
            ["not_enough_shares", "capital_below_floor"]
        );
    }

    #[test]
    fn a_back_dated_movement_is_checked_against_later_dates() {
        let ctx = context(LegalForm::Sas, &[], &[1, 2]);
        let recorded = ledger(
            &[
                subscribe(1, 10, "2020-01-01"),
                transfer(1, 2, 10, "2022-01-01"),
            ],
            &ctx,
        );
        // Redeeming 1 share in 2021 leaves 9, but 10 are transferred in 2022.
        assert_eq!(
            codes(check_movement(&recorded, &redeem(1, 1, "2021-01-01"), &ctx)),
            ["not_enough_shares"]
        );
    }

    #[test]
    fn a_back_dated_redemption_breaking_the_floor_later_is_refused() {
        let ctx = context(LegalForm::Sas, &[], &[1, 2]);
        // 1,000 shares, then 700 repaid in 2023: 300 left, floor 250.
        let recorded = ledger(
            &[
                subscribe(1, 500, "2020-01-01"),
                subscribe(2, 500, "2020-01-01"),
                redeem(2, 500, "2023-01-01"),
                redeem(1, 200, "2023-01-01"),
            ],
            &ctx,
        );
        // In 2021, 100 shares out of 1,000 is harmless, but it leaves 200
        // in 2023, below the floor of 250.
        let rules = check_movement(&recorded, &redeem(1, 100, "2021-01-01"), &ctx).unwrap_err();
        assert_eq!(rules.len(), 1);
        let CapitalRule::BelowFloor {
            on,
            capital_after_cents,
            max_redeemable_shares,
            ..
        } = rules[0]
        else {
            panic!("{rules:?}")
        };
        assert_eq!(on, day("2023-01-01"));
        assert_eq!(capital_after_cents, 2_000_000);
        assert_eq!(max_redeemable_shares, 50);
        assert!(check_movement(&recorded, &redeem(1, 50, "2021-01-01"), &ctx).is_ok());
    }

    #[test]
    fn payments_stay_within_the_unpaid_capital() {
        let ctx = context(LegalForm::Sas, &[], &[1]);
        let recorded = ledger(
            &[subscribe(1, 10, "2020-01-01"), pay(1, 60_000, "2020-02-01")],
            &ctx,
        );
        let rules = check_movement(&recorded, &pay(1, 40_001, "2020-03-01"), &ctx).unwrap_err();
        assert_eq!(
            rules,
            vec![CapitalRule::PaymentOverUnpaid {
                associate_id: 1,
                on: day("2020-03-01"),
                amount_cents: 40_001,
                unpaid_cents: 40_000,
            }]
        );
        assert_eq!(
            rules[0].message_fr(),
            "Registre des associés : le 01/03/2020, il ne reste que 400,00 € à libérer sur les \
             parts de l'associé n° 1, moins que la libération de 400,01 €."
        );
        assert!(check_movement(&recorded, &pay(1, 40_000, "2020-03-01"), &ctx).is_ok());
        // A back-dated payment that makes a later one too much is refused.
        let both = ledger(
            &[
                subscribe(1, 10, "2020-01-01"),
                pay(1, 60_000, "2020-02-01"),
                pay(1, 40_000, "2020-03-01"),
            ],
            &ctx,
        );
        assert_eq!(
            codes(check_movement(&both, &pay(1, 100, "2020-01-15"), &ctx)),
            ["payment_over_unpaid"]
        );
        // A payment given as shares is for their full value.
        let stored = check_movement(
            &recorded,
            &movement(1, MovementKind::Payment, 4, "2020-03-01"),
            &ctx,
        )
        .unwrap();
        assert_eq!((stored.shares, stored.amount_cents), (0, 40_000));
        assert_eq!(
            codes(check_movement(&recorded, &pay(1, 0, "2020-03-01"), &ctx)),
            ["amount_not_positive"]
        );
    }

    #[test]
    fn a_transfer_needs_two_distinct_active_associates() {
        let ctx = context(LegalForm::Sas, &[], &[1, 2]);
        let recorded = ledger(&[subscribe(1, 10, "2020-01-01")], &ctx);
        let rules = check_movement(&recorded, &transfer(1, 3, 5, "2021-01-01"), &ctx).unwrap_err();
        assert_eq!(
            rules,
            vec![CapitalRule::InactiveAssociate { associate_id: 3 }]
        );
        assert_eq!(
            rules[0].message_fr(),
            "Une cession de parts se fait entre associés actifs : l'associé n° 3 ne l'est pas."
        );
        assert_eq!(
            codes(check_movement(
                &recorded,
                &transfer(1, 1, 5, "2021-01-01"),
                &ctx
            )),
            ["transfer_to_self"]
        );
        assert_eq!(
            codes(check_movement(
                &recorded,
                &movement(1, MovementKind::Transfer, 5, "2021-01-01"),
                &ctx
            )),
            ["transfer_recipient_missing"]
        );
        assert_eq!(
            codes(check_movement(
                &recorded,
                &Movement {
                    to_associate_id: Some(2),
                    ..redeem(1, 1, "2021-01-01")
                },
                &ctx
            )),
            ["recipient_only_for_transfer"]
        );
    }

    #[test]
    fn a_transfer_moves_the_paid_part_with_the_shares() {
        let ctx = context(LegalForm::Sas, &[], &[1, 2]);
        let recorded = ledger(
            &[
                subscribe(1, 10, "2020-01-01"),
                pay(1, 70_000, "2020-01-01"),
                transfer(1, 2, 4, "2021-01-01"),
                redeem(2, 1, "2022-01-01"),
            ],
            &ctx,
        );
        // 4 shares worth €400, all of it paid: it moves.
        assert_eq!(recorded[2].amount_cents, 40_000);
        // 1 share repaid: €100.
        assert_eq!(recorded[3].amount_cents, 10_000);
        let at_2021 = holdings(&recorded, SHARE, Some(day("2021-06-01")));
        assert_eq!(
            at_2021[&1],
            Holding {
                shares: 6,
                subscribed_cents: 60_000,
                paid_cents: 30_000
            }
        );
        assert_eq!(
            at_2021[&2],
            Holding {
                shares: 4,
                subscribed_cents: 40_000,
                paid_cents: 40_000
            }
        );
        // Partly paid shares carry only what was paid.
        let stored = check_movement(&recorded, &transfer(1, 2, 6, "2023-01-01"), &ctx).unwrap();
        assert_eq!(stored.amount_cents, 30_000);
    }

    #[test]
    fn movements_of_nothing_are_refused() {
        let ctx = context(LegalForm::Sas, &[], &[1]);
        assert_eq!(
            codes(check_movement(&[], &subscribe(1, 0, "2020-01-01"), &ctx)),
            ["shares_not_positive"]
        );
        assert_eq!(
            codes(check_movement(&[], &subscribe(1, -3, "2020-01-01"), &ctx)),
            ["shares_not_positive"]
        );
        assert_eq!(
            codes(check_movement(
                &[],
                &subscribe(1, i64::MAX, "2020-01-01"),
                &ctx
            )),
            ["amount_too_large"]
        );
        assert_eq!(
            codes(check_movement(
                &[],
                &Movement {
                    amount_cents: 5,
                    ..subscribe(1, 1, "2020-01-01")
                },
                &ctx
            )),
            ["amount_mismatch"]
        );
        let no_value = CapitalContext {
            share_value_cents: 0,
            ..ctx
        };
        assert_eq!(
            codes(check_movement(
                &[],
                &subscribe(1, 1, "2020-01-01"),
                &no_value
            )),
            ["invalid_share_value"]
        );
    }

    #[test]
    fn capital_at_a_date_and_by_group() {
        let ctx = context(LegalForm::Sas, &[], &[1, 2, 3]);
        let recorded = ledger(
            &[
                subscribe(1, 10, "2020-01-01"),
                subscribe(2, 5, "2021-01-01"),
                pay(2, 50_000, "2021-01-01"),
                subscribe(3, 20, "2022-01-01"),
                redeem(3, 20, "2023-01-01"),
            ],
            &ctx,
        );
        assert_eq!(capital_at(&recorded, SHARE, Some(day("2019-12-31"))), 0);
        assert_eq!(
            capital_at(&recorded, SHARE, Some(day("2020-01-01"))),
            100_000
        );
        assert_eq!(
            capital_at(&recorded, SHARE, Some(day("2022-06-01"))),
            350_000
        );
        assert_eq!(capital_at(&recorded, SHARE, None), 150_000);
        assert_eq!(max_capital_ever(&recorded, SHARE, None), 350_000);
        assert_eq!(
            max_capital_ever(&recorded, SHARE, Some(day("2021-12-31"))),
            150_000
        );
        assert_eq!(
            totals(&recorded, SHARE, None),
            Holding {
                shares: 15,
                subscribed_cents: 150_000,
                paid_cents: 50_000
            }
        );
        // Group: associate 1 alone, 2 and 3 together, nobody else.
        let groups = capital_by(&recorded, SHARE, Some(day("2022-06-01")), |id| match id {
            1 => Some("a"),
            2 | 3 => Some("b"),
            _ => None,
        });
        assert_eq!(groups["a"].subscribed_cents, 100_000);
        assert_eq!(
            groups["b"],
            Holding {
                shares: 25,
                subscribed_cents: 250_000,
                paid_cents: 50_000
            }
        );
        assert_eq!(holdings(&recorded, SHARE, None)[&3], Holding::default());
    }

    /// One random movement: kind, associate, shares or amount, day offset.
    fn any_movement() -> impl Strategy<Value = Movement> {
        (0..4usize, 1..6i64, 1..6i64, 0..40i64, 1..5_000i64, 0..60i64).prop_map(
            |(kind, from, to, shares, amount, offset)| {
                let base = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default();
                Movement {
                    associate_id: from,
                    kind: MovementKind::ALL[kind],
                    shares,
                    amount_cents: if kind == 1 { amount * 10 } else { 0 },
                    on: base + chrono::Duration::days(offset),
                    to_associate_id: (kind == 2).then_some(to),
                }
            },
        )
    }

    proptest! {
        #[test]
        fn accepted_ledgers_stay_consistent(attempts in prop::collection::vec(any_movement(), 1..60)) {
            // Associate 5 has left; 4 is a commune.
            let ctx = context(LegalForm::Sas, &[4], &[1, 2, 3, 4]);
            let mut recorded: Vec<Movement> = Vec::new();
            for new in &attempts {
                if let Ok(stored) = check_movement(&recorded, new, &ctx) {
                    recorded.push(stored);
                }
            }
            let mut dates: Vec<NaiveDate> = recorded.iter().map(|m| m.on).collect();
            dates.dedup();
            for on in dates.iter().copied().map(Some).chain([None]) {
                let held = holdings(&recorded, SHARE, on);
                let mut sum = Holding::default();
                for holding in held.values() {
                    prop_assert!(holding.shares >= 0);
                    prop_assert!(holding.paid_cents >= 0);
                    prop_assert!(holding.paid_cents <= holding.subscribed_cents);
                    prop_assert_eq!(holding.subscribed_cents, holding.shares * SHARE);
                    sum.add(holding);
                }
                let capital = capital_at(&recorded, SHARE, on);
                prop_assert_eq!(sum.subscribed_cents, capital);
                prop_assert_eq!(sum, totals(&recorded, SHARE, on));
                let local = held.get(&4).map_or(0, |h| h.subscribed_cents);
                prop_assert!(2 * local <= capital);
                let floor = capital_floor_cents(&ctx, max_capital_ever(&recorded, SHARE, on));
                prop_assert!(capital >= floor);
            }
        }
    }
}
