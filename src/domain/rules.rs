//! The cooperative's statutory rule set: quorum and majority per kind of
//! decision, and the options of RULES 13 that the law leaves to the statutes.
//!
//! Its JSON form is CONTRACT.md's `rules` object, field for field. Every
//! value here is a statutory parameter; [`Rules::legal_defaults`] only gives a
//! starting point per legal form.

use super::fraction::{Fraction, int, ratio, serde_fraction};
use num_traits::{Signed, Zero};
use serde::{Deserialize, Serialize};

/// The cooperative's legal form (RULES 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LegalForm {
    #[serde(rename = "SA")]
    Sa,
    #[serde(rename = "SARL")]
    Sarl,
    #[serde(rename = "SAS")]
    Sas,
}

/// How the "for" share is compared with the majority (RULES 5, "Other
/// rules"): `greater` is strict (a tie rejects), `at_least` accepts the tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Greater,
    AtLeast,
}

/// What an abstention is (RULES 13.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Abstentions {
    /// Not a vote cast: votes cast = for + against (SA since the 2019 law).
    Excluded,
    /// A vote cast that is not "for": it counts as against (SA before 2019,
    /// SARL-style).
    Against,
}

/// What happens to the weight of a college where nobody cast a vote
/// (RULES 13.4; no source fixes it, so it is statutory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmptyCollege {
    /// Option R: shared among the active colleges in proportion to their weights.
    Renormalise,
    /// Option T: kept in the denominator, counting neither for nor against.
    Total,
}

/// Quorum and majority for one kind of decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MajorityRule {
    /// Share of the members who must attend on first call (0/1: no quorum).
    #[serde(with = "serde_fraction")]
    pub quorum_first_call: Fraction,
    /// Share of the members who must attend on second call.
    #[serde(with = "serde_fraction")]
    pub quorum_second_call: Fraction,
    /// Share of the votes cast the "for" side must reach.
    #[serde(with = "serde_fraction")]
    pub majority: Fraction,
    pub comparison: Comparison,
}

impl MajorityRule {
    /// The quorum for this call.
    pub fn quorum(&self, call: Call) -> &Fraction {
        match call {
            Call::First => &self.quorum_first_call,
            Call::Second => &self.quorum_second_call,
        }
    }
}

/// The whole statutory rule set (CONTRACT.md `rules`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub ordinary: MajorityRule,
    pub extraordinary: MajorityRule,
    pub abstentions: Abstentions,
    pub empty_college: EmptyCollege,
    /// Most proxies one associate may hold; `None` (JSON `null`) for no cap.
    pub proxies_per_holder: Option<u32>,
    /// Whether attending by video/telecom counts as present (only when the
    /// statutes say so, RULES 5 and 6).
    pub remote_participation: bool,
}

impl Rules {
    /// The legal defaults of a form, to be adjusted to the statutes.
    ///
    /// - **SA** (Code de commerce, RULES 5 and 13.2): ordinary 1/5 on first
    ///   call, none on second, majority > 1/2; extraordinary 1/4 then 1/5,
    ///   majority ≥ 2/3; abstentions excluded (loi 2019-744); empty college:
    ///   option R; no proxy cap; remote participation allowed. This is
    ///   CONTRACT.md's example exactly.
    /// - **SARL** (RULES 6): the 2019 abstention reform does not cover the
    ///   SARL, so abstentions count against. Ordinary decisions have no quorum
    ///   (0/1 on both calls) and need > 1/2; statute changes (L223-30) need
    ///   1/4 then 1/5 attending and ≥ 2/3 of those present or represented.
    ///   The first-consultation rule "more than half of ALL associates"
    ///   cannot be expressed as a share of votes cast; a cooperative that
    ///   applies it must raise the quorum in its statutes.
    /// - **SAS** (RULES 7): everything is statutory; the SA values are used
    ///   as a starting point.
    pub fn legal_defaults(form: LegalForm) -> Rules {
        let sa = Rules {
            ordinary: MajorityRule {
                quorum_first_call: ratio(1, 5),
                quorum_second_call: int(0),
                majority: ratio(1, 2),
                comparison: Comparison::Greater,
            },
            extraordinary: MajorityRule {
                quorum_first_call: ratio(1, 4),
                quorum_second_call: ratio(1, 5),
                majority: ratio(2, 3),
                comparison: Comparison::AtLeast,
            },
            abstentions: Abstentions::Excluded,
            empty_college: EmptyCollege::Renormalise,
            proxies_per_holder: None,
            remote_participation: true,
        };
        match form {
            LegalForm::Sa | LegalForm::Sas => sa,
            LegalForm::Sarl => Rules {
                ordinary: MajorityRule {
                    quorum_first_call: int(0),
                    quorum_second_call: int(0),
                    ..sa.ordinary
                },
                abstentions: Abstentions::Against,
                ..sa
            },
        }
    }

    /// The rule for a kind of resolution.
    pub fn for_majority(&self, kind: MajorityKind) -> &MajorityRule {
        match kind {
            MajorityKind::Ordinary => &self.ordinary,
            MajorityKind::Extraordinary => &self.extraordinary,
        }
    }

    /// Checks that the rule set makes sense, and lists every problem found:
    /// quorums and majorities within [0, 1], majorities above 0, a proxy cap
    /// above 0 when there is one.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        for (name, rule) in [
            ("ordinary", &self.ordinary),
            ("extraordinary", &self.extraordinary),
        ] {
            let fractions = [
                ("quorum_first_call", &rule.quorum_first_call),
                ("quorum_second_call", &rule.quorum_second_call),
                ("majority", &rule.majority),
            ];
            for (field, value) in fractions {
                if value.is_negative() || *value > int(1) {
                    problems.push(format!("{name}.{field} must lie between 0/1 and 1/1"));
                }
            }
            if rule.majority.is_zero() {
                problems.push(format!("{name}.majority must be above 0/1"));
            }
        }
        if self.proxies_per_holder == Some(0) {
            problems.push("proxies_per_holder must be at least 1, or null for no limit".to_owned());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// The kind of general assembly (AGO, AGE, or both in one meeting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssemblyKind {
    Ordinary,
    Extraordinary,
    Combined,
}

impl AssemblyKind {
    /// Whether a resolution of this majority kind may be put to this
    /// assembly: a combined assembly takes both.
    pub fn admits(self, kind: MajorityKind) -> bool {
        matches!(
            (self, kind),
            (AssemblyKind::Combined, _)
                | (AssemblyKind::Ordinary, MajorityKind::Ordinary)
                | (AssemblyKind::Extraordinary, MajorityKind::Extraordinary)
        )
    }
}

/// The majority a resolution needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MajorityKind {
    Ordinary,
    Extraordinary,
}

/// First or second call (convocation); `1` or `2` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Call {
    First,
    Second,
}

impl TryFrom<u8> for Call {
    type Error = String;

    fn try_from(number: u8) -> Result<Call, String> {
        match number {
            1 => Ok(Call::First),
            2 => Ok(Call::Second),
            other => Err(format!("call must be 1 or 2, not {other}")),
        }
    }
}

impl From<Call> for u8 {
    fn from(call: Call) -> u8 {
        match call {
            Call::First => 1,
            Call::Second => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sa_defaults_are_the_contract_example() {
        let expected = json!({
            "ordinary":      {"quorum_first_call": "1/5", "quorum_second_call": "0/1",
                              "majority": "1/2", "comparison": "greater"},
            "extraordinary": {"quorum_first_call": "1/4", "quorum_second_call": "1/5",
                              "majority": "2/3", "comparison": "at_least"},
            "abstentions": "excluded",
            "empty_college": "renormalise",
            "proxies_per_holder": null,
            "remote_participation": true
        });
        let sa = Rules::legal_defaults(LegalForm::Sa);
        assert_eq!(serde_json::to_value(&sa).unwrap(), expected);
        assert_eq!(serde_json::from_value::<Rules>(expected).unwrap(), sa);
        assert_eq!(Rules::legal_defaults(LegalForm::Sas), sa);
        assert_eq!(sa.validate(), Ok(()));
    }

    #[test]
    fn sarl_defaults() {
        let sarl = Rules::legal_defaults(LegalForm::Sarl);
        assert_eq!(sarl.ordinary.quorum(Call::First), &int(0));
        assert_eq!(sarl.ordinary.quorum(Call::Second), &int(0));
        assert_eq!(sarl.ordinary.majority, ratio(1, 2));
        assert_eq!(sarl.ordinary.comparison, Comparison::Greater);
        let statute_change = sarl.for_majority(MajorityKind::Extraordinary);
        assert_eq!(statute_change.quorum(Call::First), &ratio(1, 4));
        assert_eq!(statute_change.quorum(Call::Second), &ratio(1, 5));
        assert_eq!(statute_change.majority, ratio(2, 3));
        assert_eq!(statute_change.comparison, Comparison::AtLeast);
        assert_eq!(sarl.abstentions, Abstentions::Against);
        assert_eq!(sarl.validate(), Ok(()));
    }

    #[test]
    fn enums_use_the_contract_strings() {
        assert_eq!(
            serde_json::to_value(LegalForm::Sarl).unwrap(),
            json!("SARL")
        );
        assert_eq!(
            serde_json::from_value::<LegalForm>(json!("SAS")).unwrap(),
            LegalForm::Sas
        );
        assert_eq!(
            serde_json::to_value(Abstentions::Against).unwrap(),
            json!("against")
        );
        assert_eq!(
            serde_json::to_value(EmptyCollege::Total).unwrap(),
            json!("total")
        );
        assert_eq!(
            serde_json::to_value(AssemblyKind::Combined).unwrap(),
            json!("combined")
        );
        assert_eq!(serde_json::to_value(Call::Second).unwrap(), json!(2));
        assert_eq!(
            serde_json::from_value::<Call>(json!(1)).unwrap(),
            Call::First
        );
        assert!(serde_json::from_value::<Call>(json!(3)).is_err());
        assert!(serde_json::from_value::<LegalForm>(json!("sa")).is_err());
    }

    #[test]
    fn validate_lists_every_problem() {
        let mut rules = Rules::legal_defaults(LegalForm::Sa);
        rules.ordinary.majority = int(0);
        rules.extraordinary.quorum_first_call = ratio(5, 4);
        rules.proxies_per_holder = Some(0);
        let problems = rules.validate().unwrap_err();
        assert_eq!(
            problems,
            vec![
                "ordinary.majority must be above 0/1",
                "extraordinary.quorum_first_call must lie between 0/1 and 1/1",
                "proxies_per_holder must be at least 1, or null for no limit",
            ]
        );
        rules = Rules::legal_defaults(LegalForm::Sa);
        rules.proxies_per_holder = Some(2);
        assert_eq!(rules.validate(), Ok(()));
    }

    #[test]
    fn deserialising_refuses_typos_and_bad_fractions() {
        let mut value = serde_json::to_value(Rules::legal_defaults(LegalForm::Sa)).unwrap();
        value["abstention"] = json!("against");
        assert!(serde_json::from_value::<Rules>(value).is_err());
        let mut value = serde_json::to_value(Rules::legal_defaults(LegalForm::Sa)).unwrap();
        value["ordinary"]["majority"] = json!("1/0");
        assert!(serde_json::from_value::<Rules>(value).is_err());
        let mut value = serde_json::to_value(Rules::legal_defaults(LegalForm::Sa)).unwrap();
        value["ordinary"]["majority"] = json!("0.5");
        assert_eq!(
            serde_json::from_value::<Rules>(value)
                .unwrap()
                .ordinary
                .majority,
            ratio(1, 2)
        );
    }

    #[test]
    fn assembly_kinds_admit_their_resolutions() {
        assert!(AssemblyKind::Ordinary.admits(MajorityKind::Ordinary));
        assert!(!AssemblyKind::Ordinary.admits(MajorityKind::Extraordinary));
        assert!(!AssemblyKind::Extraordinary.admits(MajorityKind::Ordinary));
        assert!(AssemblyKind::Combined.admits(MajorityKind::Extraordinary));
    }
}
