//! Quorum (RULES 13.2): per head, met when `P / N ≥ q`, tested on integers as
//! `P × den ≥ N × num` so that 24 of 121 at 1/5 is not rounded into a quorum.
//!
//! With no members (`N = 0`) nobody is required and the quorum is reached,
//! exactly as the integer test says; such an assembly still adopts nothing,
//! because nobody can cast a vote (see `tally`).

use super::fraction::Fraction;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive};

/// The smallest number of associates `P` with `P × den ≥ N × num`, i.e.
/// ⌈N × q⌉: 24 of 120 at 1/5, 25 of 121. 0 when `q` is 0 (no quorum) or
/// negative, or when there are no members. A `q` above 1 may require more
/// than `members`; a result past `u64::MAX` saturates.
pub fn required(members: u64, fraction: &Fraction) -> u64 {
    if !fraction.is_positive() {
        return 0;
    }
    let wanted = BigInt::from(members) * fraction.numer();
    wanted
        .div_ceil(fraction.denom())
        .to_u64()
        .unwrap_or(u64::MAX)
}

/// Whether `counted` associates out of `members` reach the share `fraction`.
pub fn reached(counted: u64, members: u64, fraction: &Fraction) -> bool {
    BigInt::from(counted) * fraction.denom() >= BigInt::from(members) * fraction.numer()
}

/// Whether a way of taking part counts toward the quorum (RULES 13.2): present,
/// deemed present (remote), represented, or a postal form received in time —
/// everything but absent.
pub fn counts_for_quorum(mode: &str) -> bool {
    matches!(
        mode,
        "present" | "remote" | "represented" | "correspondence"
    )
}

#[cfg(test)]
mod tests {
    use super::super::fraction::{int, ratio};
    use super::super::rules::{Call, LegalForm, MajorityKind, Rules};
    use super::*;

    #[test]
    fn everything_but_absence_counts_for_the_quorum() {
        for mode in ["present", "remote", "represented", "correspondence"] {
            assert!(counts_for_quorum(mode), "{mode}");
        }
        assert!(!counts_for_quorum("absent"));
    }
    use proptest::prelude::*;

    #[test]
    fn e6_quorum_per_head_of_120() {
        let sa = Rules::legal_defaults(LegalForm::Sa);
        let members = 120;
        let present = 15 + 6 + 4; // present + represented + postal
        let ago_first = sa.for_majority(MajorityKind::Ordinary).quorum(Call::First);
        let age_first = sa
            .for_majority(MajorityKind::Extraordinary)
            .quorum(Call::First);
        let age_second = sa
            .for_majority(MajorityKind::Extraordinary)
            .quorum(Call::Second);
        assert_eq!(required(members, ago_first), 24);
        assert!(reached(present, members, ago_first));
        assert_eq!(required(members, age_first), 30);
        assert!(!reached(present, members, age_first));
        assert_eq!(required(members, age_second), 24);
        assert!(reached(present, members, age_second));
    }

    #[test]
    fn e7_quorum_rounds_up_for_121() {
        let fifth = ratio(1, 5);
        assert_eq!(required(121, &fifth), 25);
        assert!(!reached(24, 121, &fifth));
        assert!(reached(25, 121, &fifth));
    }

    #[test]
    fn no_quorum_and_no_members() {
        assert_eq!(required(120, &int(0)), 0);
        assert!(reached(0, 120, &int(0)));
        assert_eq!(required(0, &ratio(1, 4)), 0);
        assert!(reached(0, 0, &ratio(1, 4)));
        assert_eq!(required(7, &int(1)), 7);
        assert!(!reached(6, 7, &int(1)));
    }

    proptest! {
        #[test]
        fn required_is_minimal(members in 0u64..100_000, num in 0u64..=60, den in 1u64..=60) {
            prop_assume!(num <= den);
            let q = ratio(num, den);
            let p = required(members, &q);
            prop_assert!(p <= members);
            prop_assert!(reached(p, members, &q));
            if p > 0 {
                prop_assert!(!reached(p - 1, members, &q));
            }
        }
    }
}
