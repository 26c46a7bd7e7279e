//! Files the cooperative exchanges with spreadsheets: the CSV of associates
//! (CONTRACT.md, "Associates and shares").

pub mod associates_csv;
pub mod result_csv;

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula (or, for
/// tab and carriage return, hide one), per OWASP's "CSV injection" advice.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A plain number (`-2`, `57.50`): a spreadsheet reads it as a number, not
/// a formula, so it is written as it is.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// Every cell every CSV writer writes goes through here: a cell starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`,
/// so that a spreadsheet shows it as text instead of running it
/// (`=HYPERLINK(…)`, `-2+3`); a plain number such as `-2` stays a number.
/// The import takes the quote off again ([`without_formula_guard`]).
pub fn formula_safe(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_START) && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// What [`formula_safe`] wrote, read back: a `'` followed by one of the
/// formula characters loses the `'`. (A cell typed as `'=x` by hand reads
/// as `=x`, which is what a spreadsheet shows for it too.)
pub fn without_formula_guard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_numbers_kept() {
        assert_eq!(
            formula_safe("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(formula_safe("-2+3"), "'-2+3");
        assert_eq!(formula_safe("+33 6 12"), "'+33 6 12");
        assert_eq!(formula_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(formula_safe("\tx"), "'\tx");
        assert_eq!(formula_safe("\rx"), "'\rx");
        assert_eq!(formula_safe("-2"), "-2");
        assert_eq!(formula_safe("-57.50"), "-57.50");
        assert_eq!(formula_safe("-"), "'-");
        assert_eq!(formula_safe("-2."), "'-2.");
        assert_eq!(formula_safe("Alice"), "Alice");
        assert_eq!(formula_safe(""), "");
        assert_eq!(formula_safe("3/4"), "3/4");
        for cell in ["=1+1", "-2+3", "@x", "\tx", "plain", "-2", "'quoted"] {
            assert_eq!(without_formula_guard(&formula_safe(cell)), cell);
        }
        assert_eq!(without_formula_guard("'x"), "'x");
    }
}
