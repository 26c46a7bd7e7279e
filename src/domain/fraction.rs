//! Exact fractions: every share, weight, quorum and majority in scrutin.
//!
//! RULES 13: thresholds such as 1/2, 2/3, 1/4 and 1/5 are routinely hit
//! exactly, so nothing here ever touches a float. On the wire a fraction is
//! always the string `"p/q"` in lowest terms (CONTRACT: `"23/40"`, `"0/1"`,
//! `"1/1"`), and a percentage is a display-only string with two decimals,
//! rounded half up (`"57.50"`).

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};

/// An exact rational number, always kept in lowest terms with a positive
/// denominator (that is what `BigRational` guarantees).
pub type Fraction = num_rational::BigRational;

/// `n/1` as a fraction.
pub fn int(n: u64) -> Fraction {
    Fraction::from_integer(BigInt::from(n))
}

/// `num/den` as a fraction. Panics if `den` is 0, so only for constants
/// written in the code, never for user input (use [`parse_fraction`]).
pub fn ratio(num: u64, den: u64) -> Fraction {
    Fraction::new(BigInt::from(num), BigInt::from(den))
}

/// Parses a non-negative exact number: `"p/q"` (q > 0) or a plain decimal
/// (`"30"`, `"33.5"`, `"57.50"`). Surrounding spaces are ignored; signs,
/// exponents and other forms are refused with a message that says why.
pub fn parse_fraction(text: &str) -> Result<Fraction, String> {
    let text = text.trim();
    if let Some((p, q)) = text.split_once('/') {
        let p = parse_digits(p.trim()).ok_or_else(|| {
            format!("\"{text}\" is not a fraction: the numerator must be a whole number ≥ 0")
        })?;
        let q = parse_digits(q.trim()).ok_or_else(|| {
            format!("\"{text}\" is not a fraction: the denominator must be a whole number > 0")
        })?;
        if q.is_zero() {
            return Err(format!(
                "\"{text}\" is not a fraction: the denominator is 0"
            ));
        }
        Ok(Fraction::new(p, q))
    } else {
        parse_decimal(text).ok_or_else(|| {
            format!(
                "\"{text}\" is not an exact number: expected \"p/q\" or a decimal such as \"33.5\""
            )
        })
    }
}

/// A plain decimal with `.` as the separator: digits, then optionally `.`
/// and at least one digit. Exact: "33.5" is 335/10 = 67/2.
fn parse_decimal(text: &str) -> Option<Fraction> {
    let (whole, decimals) = match text.split_once('.') {
        Some((w, d)) => (w, d),
        None => (text, ""),
    };
    let whole = parse_digits(whole)?;
    if decimals.is_empty() {
        return (!text.ends_with('.')).then(|| Fraction::from_integer(whole));
    }
    let decimals_value = parse_digits(decimals)?;
    let scale = num_traits::pow(BigInt::from(10), decimals.len());
    Some(Fraction::new(whole * &scale + decimals_value, scale))
}

/// One or more ASCII digits, nothing else (no sign, no spaces inside).
fn parse_digits(text: &str) -> Option<BigInt> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `"p/q"` in lowest terms, always with the slash: `"0/1"`, `"1/1"`, `"23/40"`.
pub fn format_fraction(value: &Fraction) -> String {
    // `BigRational` is normalised on construction, so numer/denom are already
    // in lowest terms with a positive denominator.
    format!("{}/{}", value.numer(), value.denom())
}

/// The fraction as a percentage with two decimals, rounded half up (away
/// from zero): 2/3 → "66.67", 1/8 → "12.50", 1 → "100.00". For display
/// only: decisions are always taken on the exact fraction.
pub fn percent_2dp(value: &Fraction) -> String {
    // Hundredths of a percent = value × 10 000, rounded half up.
    let scaled = value.abs() * int(10_000);
    let (quotient, remainder) = scaled.numer().div_rem(scaled.denom());
    let rounded = if remainder * BigInt::from(2) >= *scaled.denom() {
        quotient + 1
    } else {
        quotient
    };
    let (units, hundredths) = rounded.div_rem(&BigInt::from(100));
    let sign = if value.is_negative() && !(units.is_zero() && hundredths.is_zero()) {
        "-"
    } else {
        ""
    };
    format!("{sign}{units}.{hundredths:0>2}")
}

/// Serde helper: `#[serde(with = "serde_fraction")]` writes a [`Fraction`] as
/// the `"p/q"` string and reads `"p/q"` or a decimal string (and, for
/// convenience, a JSON integer). JSON floats are refused: they are not exact.
pub mod serde_fraction {
    use super::{Fraction, format_fraction, int, parse_fraction};
    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(value: &Fraction, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_fraction(value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Fraction, D::Error> {
        deserializer.deserialize_any(FractionVisitor)
    }

    struct FractionVisitor;

    impl Visitor<'_> for FractionVisitor {
        type Value = Fraction;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an exact number as a string, \"p/q\" or a decimal such as \"33.5\"")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Fraction, E> {
            parse_fraction(text).map_err(E::custom)
        }

        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Fraction, E> {
            Ok(int(n))
        }

        fn visit_i64<E: de::Error>(self, n: i64) -> Result<Fraction, E> {
            u64::try_from(n).map(int).map_err(|_| {
                E::custom(format!("{n} is negative: an exact number here must be ≥ 0"))
            })
        }
    }
}

/// Serde helper for `Option<Fraction>`: `null` or the `"p/q"` string (a
/// college with no votes cast has no share).
pub mod serde_fraction_option {
    use super::{Fraction, format_fraction, serde_fraction};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        value: &Option<Fraction>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_str(&format_fraction(v)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Fraction>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "serde_fraction")] Fraction);
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(f)| f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    fn f(text: &str) -> Fraction {
        parse_fraction(text).expect("valid test fraction")
    }

    #[test]
    fn formats_in_lowest_terms_with_a_slash() {
        assert_eq!(format_fraction(&ratio(46, 80)), "23/40");
        assert_eq!(format_fraction(&int(0)), "0/1");
        assert_eq!(format_fraction(&int(1)), "1/1");
        assert_eq!(format_fraction(&ratio(59, 100)), "59/100");
    }

    #[test]
    fn percent_rounds_half_up_with_two_decimals() {
        assert_eq!(percent_2dp(&f("2/3")), "66.67");
        assert_eq!(percent_2dp(&f("1/8")), "12.50");
        assert_eq!(percent_2dp(&f("1/200")), "0.50");
        assert_eq!(percent_2dp(&f("1/400")), "0.25");
        assert_eq!(percent_2dp(&f("1/80000")), "0.00"); // 0.00125 % rounds down
        assert_eq!(percent_2dp(&f("1/20000")), "0.01"); // 0.005 % is a half: up
        assert_eq!(percent_2dp(&f("23/40")), "57.50");
        assert_eq!(percent_2dp(&f("1/1")), "100.00");
        assert_eq!(percent_2dp(&f("0/1")), "0.00");
        assert_eq!(percent_2dp(&f("1/3")), "33.33");
        assert_eq!(percent_2dp(&f("20/31")), "64.52");
        assert_eq!(percent_2dp(&f("20/27")), "74.07");
        assert_eq!(percent_2dp(&f("19/29")), "65.52");
    }

    #[test]
    fn parses_fractions_and_exact_decimals() {
        assert_eq!(f("3/10"), ratio(3, 10));
        assert_eq!(f(" 46/80 "), ratio(23, 40));
        assert_eq!(f("0/7"), int(0));
        assert_eq!(f("30"), int(30));
        assert_eq!(f("33.5"), ratio(67, 2));
        assert_eq!(f("57.50"), ratio(115, 2));
        assert_eq!(f("0.1"), ratio(1, 10));
    }

    #[test]
    fn refuses_what_is_not_an_exact_non_negative_number() {
        for bad in [
            "", "abc", "1/0", "-1/2", "1/-2", "-3", "+3", "1.", ".5", "1e3", "1,5", "1/2/3", "/2",
            "1/", "½",
        ] {
            assert!(parse_fraction(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(parse_fraction("1/0").unwrap_err().contains("denominator"));
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Holder {
        #[serde(with = "serde_fraction")]
        share: Fraction,
        #[serde(with = "serde_fraction_option")]
        maybe: Option<Fraction>,
    }

    #[test]
    fn serde_writes_p_over_q_and_reads_fraction_or_decimal() {
        let h = Holder {
            share: ratio(23, 40),
            maybe: None,
        };
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"{"share":"23/40","maybe":null}"#
        );
        let back: Holder = serde_json::from_str(r#"{"share":"0.575","maybe":"4/5"}"#).unwrap();
        assert_eq!(
            back,
            Holder {
                share: ratio(23, 40),
                maybe: Some(ratio(4, 5))
            }
        );
        let one: Holder = serde_json::from_str(r#"{"share":1,"maybe":null}"#).unwrap();
        assert_eq!(one.share, int(1));
        assert!(serde_json::from_str::<Holder>(r#"{"share":0.5,"maybe":null}"#).is_err());
        assert!(serde_json::from_str::<Holder>(r#"{"share":"1/0","maybe":null}"#).is_err());
    }
}
