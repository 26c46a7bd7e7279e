//! Voting colleges (collèges de vote) and their statutory weights.
//!
//! A college weight is an exact fraction of 1 (30 % = 3/10). RULES 4 and
//! 13.6: at least 3 colleges, each between 10 % and 50 % inclusive, summing
//! to exactly 100 %. (At most 10 colleges follows from the arithmetic and
//! needs no rule of its own: an 11th college always breaks the floor or the
//! sum.)

use super::fraction::{Fraction, parse_fraction, percent_2dp, ratio};
use num_bigint::BigInt;
use num_traits::One;

/// Fewest colleges the law allows ("en trois ou plusieurs collèges").
pub const MIN_COLLEGES: usize = 3;

/// Lowest weight of a college: 10 %.
pub fn min_weight() -> Fraction {
    ratio(1, 10)
}

/// Highest weight of a college: 50 %.
pub fn max_weight() -> Fraction {
    ratio(1, 2)
}

/// Parses a weight as the API gives it. Without a slash the text is a
/// percentage, `"30"`, `"30.00"`, `"33.33"` or `"30 %"`; with a slash it is
/// already a fraction of 1, `"1/3"`.
pub fn parse_weight_percent(text: &str) -> Result<Fraction, String> {
    let trimmed = text.trim();
    if trimmed.contains('/') {
        return parse_fraction(trimmed);
    }
    let number = trimmed.strip_suffix('%').unwrap_or(trimmed).trim_end();
    parse_fraction(number)
        .map(|percent| percent / Fraction::from_integer(BigInt::from(100)))
        .map_err(|_| format!("\"{trimmed}\" is not a weight: expected a percentage such as \"30\" or \"33.33\", or a fraction of 1 such as \"1/3\""))
}

/// `k` colleges of equal weight 1/k: the legal default when the statutes name
/// colleges but not their weights. Empty for `k = 0`.
pub fn equal_weights(k: usize) -> Vec<Fraction> {
    if k == 0 {
        return Vec::new();
    }
    let each = Fraction::new(BigInt::one(), BigInt::from(k));
    vec![each; k]
}

/// One broken rule of a college configuration. `index` is 0-based in the list
/// given; messages number colleges from 1 for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollegeRule {
    /// Fewer than 3 colleges.
    TooFewColleges { given: usize },
    /// A college weighs less than 10 %.
    WeightBelowMinimum { index: usize, weight: Fraction },
    /// A college weighs more than 50 %.
    WeightAboveMaximum { index: usize, weight: Fraction },
    /// The weights do not add up to exactly 100 %.
    SumNotHundred { sum: Fraction },
}

impl CollegeRule {
    /// A stable snake_case code, for the API's `error.code` and for tests.
    pub fn code(&self) -> &'static str {
        match self {
            CollegeRule::TooFewColleges { .. } => "too_few_colleges",
            CollegeRule::WeightBelowMinimum { .. } => "college_weight_below_minimum",
            CollegeRule::WeightAboveMaximum { .. } => "college_weight_above_maximum",
            CollegeRule::SumNotHundred { .. } => "college_weights_sum_not_100",
        }
    }

    /// The message in French (the application's default language), with
    /// French number formatting ("5,00 %").
    pub fn message_fr(&self) -> String {
        match self {
            CollegeRule::TooFewColleges { given } => {
                format!("Il faut au moins {MIN_COLLEGES} collèges ({given} donnés).")
            }
            CollegeRule::WeightBelowMinimum { index, weight } => format!(
                "Le collège n° {} pèse {} %, moins que le minimum légal de 10 %.",
                index + 1,
                percent_fr(weight)
            ),
            CollegeRule::WeightAboveMaximum { index, weight } => format!(
                "Le collège n° {} pèse {} %, plus que le maximum légal de 50 %.",
                index + 1,
                percent_fr(weight)
            ),
            CollegeRule::SumNotHundred { sum } => format!(
                "La somme des poids des collèges doit faire 100 % (elle fait {} %).",
                percent_fr(sum)
            ),
        }
    }

    /// The same message in English.
    pub fn message_en(&self) -> String {
        match self {
            CollegeRule::TooFewColleges { given } => {
                format!("At least {MIN_COLLEGES} colleges are required ({given} given).")
            }
            CollegeRule::WeightBelowMinimum { index, weight } => format!(
                "College no. {} weighs {} %, below the legal minimum of 10 %.",
                index + 1,
                percent_2dp(weight)
            ),
            CollegeRule::WeightAboveMaximum { index, weight } => format!(
                "College no. {} weighs {} %, above the legal maximum of 50 %.",
                index + 1,
                percent_2dp(weight)
            ),
            CollegeRule::SumNotHundred { sum } => format!(
                "The college weights must add up to 100 % (they add up to {} %).",
                percent_2dp(sum)
            ),
        }
    }
}

/// "33,33": the display percentage with a French decimal comma.
fn percent_fr(value: &Fraction) -> String {
    percent_2dp(value).replace('.', ",")
}

/// Checks a set of college weights against the law and returns every rule it
/// breaks, in a stable order: count, then each college's bounds in list
/// order, then the sum.
pub fn validate_college_weights(weights: &[Fraction]) -> Result<(), Vec<CollegeRule>> {
    let mut broken = Vec::new();
    if weights.len() < MIN_COLLEGES {
        broken.push(CollegeRule::TooFewColleges {
            given: weights.len(),
        });
    }
    let (low, high) = (min_weight(), max_weight());
    for (index, weight) in weights.iter().enumerate() {
        if *weight < low {
            broken.push(CollegeRule::WeightBelowMinimum {
                index,
                weight: weight.clone(),
            });
        }
        if *weight > high {
            broken.push(CollegeRule::WeightAboveMaximum {
                index,
                weight: weight.clone(),
            });
        }
    }
    let sum: Fraction = weights.iter().sum();
    if !sum.is_one() {
        broken.push(CollegeRule::SumNotHundred { sum });
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(broken)
    }
}

#[cfg(test)]
mod tests {
    use super::super::fraction::int;
    use super::*;

    fn percents(list: &[&str]) -> Vec<Fraction> {
        list.iter()
            .map(|p| parse_weight_percent(p).expect("valid test weight"))
            .collect()
    }

    fn codes(result: Result<(), Vec<CollegeRule>>) -> Vec<&'static str> {
        result
            .err()
            .unwrap_or_default()
            .iter()
            .map(CollegeRule::code)
            .collect()
    }

    #[test]
    fn parses_percentages_and_fractions_of_one() {
        assert_eq!(parse_weight_percent("30").unwrap(), ratio(3, 10));
        assert_eq!(parse_weight_percent("30.00").unwrap(), ratio(3, 10));
        assert_eq!(parse_weight_percent("30 %").unwrap(), ratio(3, 10));
        assert_eq!(parse_weight_percent("33.33").unwrap(), ratio(3333, 10000));
        assert_eq!(parse_weight_percent("1/3").unwrap(), ratio(1, 3));
        assert!(parse_weight_percent("trente").is_err());
        assert!(parse_weight_percent("-5").is_err());
        assert!(parse_weight_percent("1/0").is_err());
    }

    #[test]
    fn equal_weights_sum_to_one() {
        assert_eq!(equal_weights(3), vec![ratio(1, 3); 3]);
        assert_eq!(equal_weights(0), Vec::<Fraction>::new());
        assert!(validate_college_weights(&equal_weights(3)).is_ok());
        assert!(validate_college_weights(&equal_weights(10)).is_ok());
    }

    #[test]
    fn e8_50_40_10_is_valid() {
        assert_eq!(
            validate_college_weights(&percents(&["50", "40", "10"])),
            Ok(())
        );
    }

    #[test]
    fn e8_55_25_20_is_above_50() {
        assert_eq!(
            validate_college_weights(&percents(&["55", "25", "20"])),
            Err(vec![CollegeRule::WeightAboveMaximum {
                index: 0,
                weight: ratio(11, 20)
            }])
        );
    }

    #[test]
    fn e8_60_40_has_too_few_colleges_and_one_above_50() {
        assert_eq!(
            validate_college_weights(&percents(&["60", "40"])),
            Err(vec![
                CollegeRule::TooFewColleges { given: 2 },
                CollegeRule::WeightAboveMaximum {
                    index: 0,
                    weight: ratio(3, 5)
                },
            ])
        );
    }

    #[test]
    fn e8_30_30_15_15_5_5_has_two_colleges_below_10() {
        assert_eq!(
            validate_college_weights(&percents(&["30", "30", "15", "15", "5", "5"])),
            Err(vec![
                CollegeRule::WeightBelowMinimum {
                    index: 4,
                    weight: ratio(1, 20)
                },
                CollegeRule::WeightBelowMinimum {
                    index: 5,
                    weight: ratio(1, 20)
                },
            ])
        );
    }

    #[test]
    fn e8_34_33_33_is_valid() {
        assert_eq!(
            validate_college_weights(&percents(&["34", "33", "33"])),
            Ok(())
        );
    }

    #[test]
    fn e8_eleven_colleges_are_impossible() {
        // Equal shares fall below the floor ...
        assert_eq!(
            codes(validate_college_weights(&equal_weights(11))),
            vec!["college_weight_below_minimum"; 11]
        );
        // ... and eleven colleges at the floor overshoot the sum.
        assert_eq!(
            validate_college_weights(&vec![ratio(1, 10); 11]),
            Err(vec![CollegeRule::SumNotHundred { sum: ratio(11, 10) }])
        );
    }

    #[test]
    fn sum_must_be_exactly_one_hundred() {
        // 33.33 × 3 = 99.99 %: close is not enough.
        assert_eq!(
            validate_college_weights(&percents(&["33.33", "33.33", "33.33"])),
            Err(vec![CollegeRule::SumNotHundred {
                sum: ratio(9999, 10000)
            }])
        );
        assert_eq!(
            codes(validate_college_weights(&[])),
            vec!["too_few_colleges", "college_weights_sum_not_100"]
        );
        // A single college of 100 %: too few, and above 50 %; the sum is fine.
        assert_eq!(
            codes(validate_college_weights(&[int(1)])),
            vec!["too_few_colleges", "college_weight_above_maximum"]
        );
    }

    #[test]
    fn messages_name_the_college_and_the_numbers() {
        let rules = validate_college_weights(&percents(&["60", "40"])).unwrap_err();
        assert_eq!(
            rules[0].message_fr(),
            "Il faut au moins 3 collèges (2 donnés)."
        );
        assert_eq!(
            rules[0].message_en(),
            "At least 3 colleges are required (2 given)."
        );
        assert_eq!(
            rules[1].message_fr(),
            "Le collège n° 1 pèse 60,00 %, plus que le maximum légal de 50 %."
        );
        let sum = CollegeRule::SumNotHundred {
            sum: ratio(9999, 10000),
        };
        assert_eq!(
            sum.message_en(),
            "The college weights must add up to 100 % (they add up to 99.99 %)."
        );
    }
}
