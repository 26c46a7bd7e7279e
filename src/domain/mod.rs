//! The exact domain core of scrutin: fractions, college weights, the
//! statutory rule set, quorum and the tally of a resolution (RULES.md 13).
//! Pure functions only: no I/O, no floats.

pub mod colleges;
pub mod fraction;
pub mod quorum;
pub mod rules;
pub mod tally;

pub use colleges::{CollegeRule, equal_weights, parse_weight_percent, validate_college_weights};
pub use fraction::{Fraction, format_fraction, parse_fraction, percent_2dp};
pub use rules::{
    Abstentions, AssemblyKind, Call, Comparison, EmptyCollege, LegalForm, MajorityKind,
    MajorityRule, Rules,
};
pub use tally::{
    Choice, CollegeCount, CollegeShare, Counts, TallyResult, TallyRule, decide, tally,
};
