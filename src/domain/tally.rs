//! Counting a resolution (RULES 13.3 to 13.5): votes cast per college, the
//! college-weighted or head-count share, and the verdict, all exact.

use super::fraction::{Fraction, int, serde_fraction, serde_fraction_option};
use super::rules::{Abstentions, Comparison, EmptyCollege, MajorityKind, Rules};
use num_traits::{Signed, Zero};
use serde::{Deserialize, Serialize};

/// One ballot's value. Blank proxies are resolved to `For` or `Against`
/// before counting; a postal form with no direction is an `Abstain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    For,
    Against,
    Abstain,
}

impl Choice {
    /// `"for"`, `"against"` or `"abstain"` (any letter case).
    pub fn parse(text: &str) -> Result<Choice, String> {
        let text = text.trim();
        [Choice::For, Choice::Against, Choice::Abstain]
            .into_iter()
            .find(|choice| choice.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                format!("\"{text}\" is not a choice: expected \"for\", \"against\" or \"abstain\"")
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Choice::For => "for",
            Choice::Against => "against",
            Choice::Abstain => "abstain",
        }
    }
}

/// The ballots of one college, with its statutory weight. Without colleges,
/// give a single entry (its weight is then irrelevant: the count is by head).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollegeCount {
    pub weight: Fraction,
    pub for_: u64,
    pub against: u64,
    pub abstain: u64,
}

impl CollegeCount {
    /// A college with no ballots yet.
    pub fn new(weight: Fraction) -> CollegeCount {
        CollegeCount {
            weight,
            for_: 0,
            against: 0,
            abstain: 0,
        }
    }

    /// Adds one ballot.
    pub fn record(&mut self, choice: Choice) {
        let counter = match choice {
            Choice::For => &mut self.for_,
            Choice::Against => &mut self.against,
            Choice::Abstain => &mut self.abstain,
        };
        *counter = counter.saturating_add(1);
    }

    /// Votes cast that are not "for": against, plus abstentions when they
    /// count as against.
    fn not_for(&self, abstentions: Abstentions) -> u64 {
        match abstentions {
            Abstentions::Excluded => self.against,
            Abstentions::Against => self.against.saturating_add(self.abstain),
        }
    }
}

/// Everything that decides one resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyRule {
    /// College-weighted (RULES 13.4) or a plain head count.
    pub weighted: bool,
    pub majority: Fraction,
    pub comparison: Comparison,
    pub abstentions: Abstentions,
    pub empty_college: EmptyCollege,
}

impl TallyRule {
    /// The rule for a resolution of `kind` under the cooperative's rules.
    pub fn from_rules(rules: &Rules, kind: MajorityKind, weighted: bool) -> TallyRule {
        let majority = rules.for_majority(kind);
        TallyRule {
            weighted,
            majority: majority.majority.clone(),
            comparison: majority.comparison,
            abstentions: rules.abstentions,
            empty_college: rules.empty_college,
        }
    }
}

/// One college's result: its shares of its own votes cast (`None` when
/// nobody in it cast a vote) and how many votes were cast (`E_c`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollegeShare {
    #[serde(with = "serde_fraction_option")]
    pub for_share: Option<Fraction>,
    #[serde(with = "serde_fraction_option")]
    pub against_share: Option<Fraction>,
    pub cast: u64,
}

/// Ballot totals over all colleges (CONTRACT `counts`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    #[serde(rename = "for")]
    pub for_: u64,
    pub against: u64,
    pub abstain: u64,
    pub ballots: u64,
}

/// The outcome of a resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TallyResult {
    /// In the order of the colleges given.
    pub colleges: Vec<CollegeShare>,
    pub counts: Counts,
    /// `W_for`: the share that decides (weighted or by head).
    #[serde(with = "serde_fraction")]
    pub for_share: Fraction,
    #[serde(with = "serde_fraction")]
    pub against_share: Fraction,
    /// No vote cast anywhere: shares are 0/1 and nothing is adopted.
    pub nobody_voted: bool,
    pub adopted: bool,
}

/// Whether `for_share` meets `majority`: strictly above for `Greater` (a tie
/// rejects), at or above for `AtLeast`.
pub fn decide(for_share: &Fraction, majority: &Fraction, comparison: Comparison) -> bool {
    match comparison {
        Comparison::Greater => for_share > majority,
        Comparison::AtLeast => for_share >= majority,
    }
}

/// Counts a resolution.
///
/// Votes cast per college are `E_c = F_c + A_c`, plus the abstentions when
/// they count as against (then `against_share` includes them). Weighted:
/// `W_for = Σ w_c·F_c/E_c` over the active colleges (`E_c > 0`), divided by
/// their total weight under option R, by 1 under option T; `against_share`
/// likewise. Not weighted: the head count `ΣF / ΣE` over every college.
/// Weights are taken as given (check them with
/// `colleges::validate_college_weights`); shares lie in [0, 1] when they are
/// non-negative and sum to at most 1.
pub fn tally(colleges: &[CollegeCount], rule: &TallyRule, quorum_reached: bool) -> TallyResult {
    let mut counts = Counts::default();
    let mut heads_for = 0u64;
    let mut heads_not_for = 0u64;
    let mut weighted_for = int(0);
    let mut weighted_not_for = int(0);
    let mut active_weight = int(0);
    let mut shares = Vec::with_capacity(colleges.len());

    for college in colleges {
        counts.for_ = counts.for_.saturating_add(college.for_);
        counts.against = counts.against.saturating_add(college.against);
        counts.abstain = counts.abstain.saturating_add(college.abstain);

        let not_for = college.not_for(rule.abstentions);
        let cast = college.for_.saturating_add(not_for);
        heads_for = heads_for.saturating_add(college.for_);
        heads_not_for = heads_not_for.saturating_add(not_for);

        let share = if cast == 0 {
            CollegeShare {
                for_share: None,
                against_share: None,
                cast,
            }
        } else {
            let r_for = share_of(college.for_, cast);
            let r_against = share_of(not_for, cast);
            weighted_for += &college.weight * &r_for;
            weighted_not_for += &college.weight * &r_against;
            active_weight += &college.weight;
            CollegeShare {
                for_share: Some(r_for),
                against_share: Some(r_against),
                cast,
            }
        };
        shares.push(share);
    }
    counts.ballots = counts
        .for_
        .saturating_add(counts.against)
        .saturating_add(counts.abstain);

    let total_cast = heads_for.saturating_add(heads_not_for);
    let nobody_voted = total_cast == 0;
    let (for_share, against_share) = if nobody_voted {
        (int(0), int(0))
    } else if !rule.weighted {
        (
            share_of(heads_for, total_cast),
            share_of(heads_not_for, total_cast),
        )
    } else {
        match rule.empty_college {
            EmptyCollege::Total => (weighted_for, weighted_not_for),
            // Option R divides by the active colleges' weight. If that weight
            // is not positive (only with invalid, zero weights) the votes cast
            // carry no weight at all: both shares are 0 and nothing passes.
            EmptyCollege::Renormalise if active_weight.is_positive() => (
                weighted_for / &active_weight,
                weighted_not_for / &active_weight,
            ),
            EmptyCollege::Renormalise => (int(0), int(0)),
        }
    };
    let carries_weight = !for_share.is_zero() || !against_share.is_zero();
    let adopted = quorum_reached
        && !nobody_voted
        && carries_weight
        && decide(&for_share, &rule.majority, rule.comparison);

    TallyResult {
        colleges: shares,
        counts,
        for_share,
        against_share,
        nobody_voted,
        adopted,
    }
}

/// `part / whole` for a non-zero `whole`.
fn share_of(part: u64, whole: u64) -> Fraction {
    int(part) / int(whole)
}

#[cfg(test)]
mod tests {
    use super::super::colleges::{equal_weights, parse_weight_percent};
    use super::super::fraction::{percent_2dp, ratio};
    use super::super::rules::LegalForm;
    use super::*;
    use proptest::prelude::*;

    fn colleges(weights: &[&str], votes: &[(u64, u64, u64)]) -> Vec<CollegeCount> {
        weights
            .iter()
            .zip(votes)
            .map(|(w, &(for_, against, abstain))| CollegeCount {
                weight: parse_weight_percent(w).expect("valid test weight"),
                for_,
                against,
                abstain,
            })
            .collect()
    }

    /// The SA default rule for `kind`, weighted or not, with an option.
    fn sa(kind: MajorityKind, weighted: bool, empty_college: EmptyCollege) -> TallyRule {
        TallyRule {
            empty_college,
            ..TallyRule::from_rules(&Rules::legal_defaults(LegalForm::Sa), kind, weighted)
        }
    }

    const AGO: MajorityKind = MajorityKind::Ordinary;
    const AGE: MajorityKind = MajorityKind::Extraordinary;
    const R: EmptyCollege = EmptyCollege::Renormalise;
    const T: EmptyCollege = EmptyCollege::Total;

    #[test]
    fn e1_weighted_59_100_adopted_at_ago_rejected_at_age() {
        let c = colleges(&["50", "30", "20"], &[(12, 8, 2), (3, 7, 0), (5, 0, 1)]);
        let ago = tally(&c, &sa(AGO, true, R), true);
        assert_eq!(ago.for_share, ratio(59, 100));
        assert_eq!(ago.against_share, ratio(41, 100));
        assert!(ago.adopted);
        assert_eq!(
            ago.colleges
                .iter()
                .map(|s| s.for_share.clone())
                .collect::<Vec<_>>(),
            vec![Some(ratio(3, 5)), Some(ratio(3, 10)), Some(int(1))]
        );
        assert_eq!(
            ago.counts,
            Counts {
                for_: 20,
                against: 15,
                abstain: 3,
                ballots: 38
            }
        );
        let age = tally(&c, &sa(AGE, true, R), true);
        assert_eq!(age.for_share, ratio(59, 100));
        assert!(!age.adopted);
        let heads = tally(&c, &sa(AGO, false, R), true);
        assert_eq!(heads.for_share, ratio(20, 35));
        assert_eq!(percent_2dp(&heads.for_share), "57.14");
    }

    #[test]
    fn e2_weighted_12_25_rejected_despite_80_percent_heads() {
        let c = colleges(&["40", "30", "30"], &[(90, 10, 0), (2, 8, 0), (1, 4, 0)]);
        let weighted = tally(&c, &sa(AGO, true, R), true);
        assert_eq!(weighted.for_share, ratio(12, 25));
        assert_eq!(percent_2dp(&weighted.for_share), "48.00");
        assert!(!weighted.adopted);
        let heads = tally(&c, &sa(AGO, false, R), true);
        assert_eq!(heads.for_share, ratio(93, 115));
        assert_eq!(percent_2dp(&heads.for_share), "80.87");
        assert!(heads.adopted);
    }

    #[test]
    fn e3a_abstaining_college_r_1_2_and_t_2_5_both_rejected() {
        let c = colleges(&["50", "30", "20"], &[(6, 4, 0), (1, 2, 0), (0, 0, 3)]);
        let r = tally(&c, &sa(AGO, true, R), true);
        assert_eq!(r.for_share, ratio(1, 2));
        assert_eq!(r.against_share, ratio(1, 2));
        assert!(!r.adopted);
        assert_eq!(
            r.colleges[2],
            CollegeShare {
                for_share: None,
                against_share: None,
                cast: 0
            }
        );
        assert_eq!(r.counts.abstain, 3);
        let t = tally(&c, &sa(AGO, true, T), true);
        assert_eq!(t.for_share, ratio(2, 5));
        assert_eq!(t.against_share, ratio(2, 5));
        assert!(!t.adopted);
    }

    #[test]
    fn e3b_empty_college_r_11_16_and_t_11_20() {
        let c = colleges(&["50", "30", "20"], &[(7, 3, 0), (2, 1, 0), (0, 0, 0)]);
        let r_ago = tally(&c, &sa(AGO, true, R), true);
        assert_eq!(r_ago.for_share, ratio(11, 16));
        assert_eq!(percent_2dp(&r_ago.for_share), "68.75");
        assert!(r_ago.adopted);
        assert!(tally(&c, &sa(AGE, true, R), true).adopted);
        let t_ago = tally(&c, &sa(AGO, true, T), true);
        assert_eq!(t_ago.for_share, ratio(11, 20));
        assert_eq!(percent_2dp(&t_ago.for_share), "55.00");
        assert!(t_ago.adopted);
        assert!(!tally(&c, &sa(AGE, true, T), true).adopted);
    }

    #[test]
    fn e4_equal_weights_exact_tie_1_2_rejected() {
        let votes = [(1, 2, 0), (1, 1, 0), (2, 1, 0)];
        let c: Vec<_> = equal_weights(3)
            .into_iter()
            .zip(votes)
            .map(|(weight, (for_, against, abstain))| CollegeCount {
                weight,
                for_,
                against,
                abstain,
            })
            .collect();
        let result = tally(&c, &sa(AGO, true, R), true);
        assert_eq!(result.for_share, ratio(1, 2));
        assert!(!result.adopted);
    }

    /// "No colleges": one college, counted by head.
    fn heads(for_: u64, against: u64, abstain: u64) -> Vec<CollegeCount> {
        vec![CollegeCount {
            weight: int(1),
            for_,
            against,
            abstain,
        }]
    }

    #[test]
    fn e5a_exactly_2_3_adopted_with_at_least_rejected_with_greater() {
        let at_least = tally(&heads(20, 10, 0), &sa(AGE, false, R), true);
        assert_eq!(at_least.for_share, ratio(2, 3));
        assert!(at_least.adopted);
        let strict = TallyRule {
            comparison: Comparison::Greater,
            ..sa(AGE, false, R)
        };
        assert!(!tally(&heads(20, 10, 0), &strict, true).adopted);
    }

    #[test]
    fn e5b_19_29_rejected() {
        let result = tally(&heads(19, 10, 5), &sa(AGE, false, R), true);
        assert_eq!(result.for_share, ratio(19, 29));
        assert_eq!(percent_2dp(&result.for_share), "65.52");
        assert!(!result.adopted);
    }

    #[test]
    fn e5c_20_27_post_2019_adopted_20_31_legacy_rejected() {
        let post_2019 = tally(&heads(20, 7, 4), &sa(AGE, false, R), true);
        assert_eq!(post_2019.for_share, ratio(20, 27));
        assert_eq!(percent_2dp(&post_2019.for_share), "74.07");
        assert!(post_2019.adopted);
        let legacy_rule = TallyRule {
            abstentions: Abstentions::Against,
            ..sa(AGE, false, R)
        };
        let legacy = tally(&heads(20, 7, 4), &legacy_rule, true);
        assert_eq!(legacy.for_share, ratio(20, 31));
        assert_eq!(legacy.against_share, ratio(11, 31));
        assert_eq!(percent_2dp(&legacy.for_share), "64.52");
        assert!(!legacy.adopted);
    }

    #[test]
    fn nobody_voted_gives_zero_shares_and_rejects() {
        let c = colleges(&["50", "30", "20"], &[(0, 0, 2), (0, 0, 0), (0, 0, 1)]);
        for weighted in [true, false] {
            let result = tally(&c, &sa(AGO, weighted, R), true);
            assert!(result.nobody_voted);
            assert!(!result.adopted);
            assert_eq!((result.for_share, result.against_share), (int(0), int(0)));
        }
        assert!(tally(&[], &sa(AGO, true, R), true).nobody_voted);
        // Abstentions counted as against are votes cast.
        let legacy = TallyRule {
            abstentions: Abstentions::Against,
            ..sa(AGO, true, R)
        };
        let result = tally(&c, &legacy, true);
        assert!(!result.nobody_voted);
        assert_eq!((result.for_share, result.against_share), (int(0), int(1)));
    }

    #[test]
    fn no_quorum_no_adoption() {
        let result = tally(&heads(10, 0, 0), &sa(AGO, false, R), false);
        assert_eq!(result.for_share, int(1));
        assert!(!result.adopted);
    }

    #[test]
    fn choices_parse_and_serialise() {
        assert_eq!(Choice::parse("for"), Ok(Choice::For));
        assert_eq!(Choice::parse(" Against "), Ok(Choice::Against));
        assert_eq!(Choice::parse("abstain"), Ok(Choice::Abstain));
        assert!(Choice::parse("pour").is_err());
        assert_eq!(
            serde_json::to_string(&Choice::Abstain).unwrap(),
            "\"abstain\""
        );
        let result = tally(&heads(3, 1, 0), &sa(AGO, false, R), true);
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["for_share"], "3/4");
        assert_eq!(json["counts"]["for"], 3);
        assert_eq!(json["colleges"][0]["against_share"], "1/4");
    }

    // ---- properties ----

    fn any_choice() -> impl Strategy<Value = Choice> {
        prop_oneof![
            Just(Choice::For),
            Just(Choice::Against),
            Just(Choice::Abstain)
        ]
    }

    /// Positive weights summing to 1, for 1 to 6 colleges.
    fn any_weights() -> impl Strategy<Value = Vec<Fraction>> {
        prop::collection::vec(1u64..=20, 1..=6).prop_map(|parts| {
            let total: u64 = parts.iter().sum();
            parts.into_iter().map(|p| ratio(p, total)).collect()
        })
    }

    fn any_rule() -> impl Strategy<Value = TallyRule> {
        (
            any::<bool>(),
            prop_oneof![
                Just(ratio(1, 2)),
                Just(ratio(2, 3)),
                Just(ratio(1, 3)),
                Just(ratio(3, 4))
            ],
            prop_oneof![Just(Comparison::Greater), Just(Comparison::AtLeast)],
            prop_oneof![Just(Abstentions::Excluded), Just(Abstentions::Against)],
            prop_oneof![Just(R), Just(T)],
        )
            .prop_map(
                |(weighted, majority, comparison, abstentions, empty_college)| TallyRule {
                    weighted,
                    majority,
                    comparison,
                    abstentions,
                    empty_college,
                },
            )
    }

    /// Colleges with random weights and counts (some colleges empty).
    fn any_colleges() -> impl Strategy<Value = Vec<CollegeCount>> {
        any_weights().prop_flat_map(|weights| {
            let k = weights.len();
            prop::collection::vec((0u64..6, 0u64..6, 0u64..4), k).prop_map(move |votes| {
                weights
                    .iter()
                    .zip(votes)
                    .map(|(w, (for_, against, abstain))| CollegeCount {
                        weight: w.clone(),
                        for_,
                        against,
                        abstain,
                    })
                    .collect()
            })
        })
    }

    /// One ballot: the index of the college it counts in, and its choice.
    type Ballot = (usize, Choice);

    /// College weights, and the same ballots in two orders.
    fn ballots_in_two_orders() -> impl Strategy<Value = (Vec<Fraction>, Vec<Ballot>, Vec<Ballot>)> {
        any_weights().prop_flat_map(|weights| {
            let k = weights.len();
            prop::collection::vec((0..k, any_choice()), 0..40).prop_flat_map(move |ballots| {
                (
                    Just(weights.clone()),
                    Just(ballots.clone()),
                    Just(ballots).prop_shuffle(),
                )
            })
        })
    }

    fn accumulate(weights: &[Fraction], ballots: &[Ballot]) -> Vec<CollegeCount> {
        let mut colleges: Vec<_> = weights.iter().cloned().map(CollegeCount::new).collect();
        for &(college, choice) in ballots {
            colleges[college].record(choice);
        }
        colleges
    }

    proptest! {
        #[test]
        fn ballot_order_changes_nothing((weights, ballots, shuffled) in ballots_in_two_orders(), rule in any_rule()) {
            let a = tally(&accumulate(&weights, &ballots), &rule, true);
            let b = tally(&accumulate(&weights, &shuffled), &rule, true);
            prop_assert_eq!(a, b);
        }

        #[test]
        fn college_order_changes_nothing(
            (colleges, order) in any_colleges().prop_flat_map(|c| {
                let k = c.len();
                (Just(c), Just((0..k).collect::<Vec<_>>()).prop_shuffle())
            }),
            rule in any_rule(),
        ) {
            let permuted: Vec<_> = order.iter().map(|&i| colleges[i].clone()).collect();
            let a = tally(&colleges, &rule, true);
            let b = tally(&permuted, &rule, true);
            prop_assert_eq!(&a.for_share, &b.for_share);
            prop_assert_eq!(&a.against_share, &b.against_share);
            prop_assert_eq!(a.counts, b.counts);
            prop_assert_eq!(a.adopted, b.adopted);
            prop_assert_eq!(a.nobody_voted, b.nobody_voted);
            for (position, &i) in order.iter().enumerate() {
                prop_assert_eq!(&b.colleges[position], &a.colleges[i]);
            }
        }

        #[test]
        fn one_more_for_never_lowers_the_for_share(colleges in any_colleges(), rule in any_rule(), pick in any::<prop::sample::Index>()) {
            let before = tally(&colleges, &rule, true);
            let mut more = colleges.clone();
            more[pick.index(colleges.len())].record(Choice::For);
            let after = tally(&more, &rule, true);
            prop_assert!(after.for_share >= before.for_share);
            prop_assert!(after.adopted || !before.adopted);
        }

        #[test]
        fn r_equals_t_when_every_college_voted(colleges in any_colleges(), rule in any_rule()) {
            let every_college_voted: Vec<_> = colleges
                .into_iter()
                .map(|c| CollegeCount { for_: c.for_ + 1, ..c })
                .collect();
            let r = tally(&every_college_voted, &TallyRule { empty_college: R, ..rule.clone() }, true);
            let t = tally(&every_college_voted, &TallyRule { empty_college: T, ..rule }, true);
            prop_assert_eq!(r, t);
        }

        #[test]
        fn every_share_lies_in_0_1(colleges in any_colleges(), rule in any_rule()) {
            let result = tally(&colleges, &rule, true);
            let (zero, one) = (int(0), int(1));
            let all = [Some(result.for_share.clone()), Some(result.against_share.clone())]
                .into_iter()
                .chain(result.colleges.iter().flat_map(|c| [c.for_share.clone(), c.against_share.clone()]))
                .flatten();
            for share in all {
                prop_assert!(share >= zero && share <= one, "share {} out of [0, 1]", share);
            }
            prop_assert!(&result.for_share + &result.against_share <= one);
            if !result.nobody_voted && (!rule.weighted || rule.empty_college == R) {
                prop_assert_eq!(&result.for_share + &result.against_share, one);
            }
        }

        #[test]
        fn exactly_at_the_threshold_at_least_adopts_and_greater_rejects(colleges in any_colleges(), rule in any_rule()) {
            let first = tally(&colleges, &rule, true);
            prop_assume!(!first.nobody_voted && first.for_share.is_positive());
            let at = |comparison| TallyRule { majority: first.for_share.clone(), comparison, ..rule.clone() };
            prop_assert!(tally(&colleges, &at(Comparison::AtLeast), true).adopted);
            prop_assert!(!tally(&colleges, &at(Comparison::Greater), true).adopted);
        }
    }
}
