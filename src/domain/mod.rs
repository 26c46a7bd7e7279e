//! The exact domain core of scrutin: fractions, college weights, the
//! statutory rule set, quorum and the tally of a resolution (RULES.md 13).
//! Pure functions only: no I/O, no floats.

pub mod capital;
pub mod chain;
pub mod colleges;
pub mod fraction;
pub mod notice;
pub mod proxy;
pub mod quorum;
pub mod register;
pub mod rules;
pub mod tally;

pub use capital::{
    CapitalContext, CapitalRule, Holding, Movement, MovementKind, capital_at, capital_by,
    check_batch, check_movement, format_euros_en, format_euros_fr, holdings, legal_minimum_cents,
    max_capital_ever,
};
pub use colleges::{CollegeRule, equal_weights, parse_weight_percent, validate_college_weights};
pub use fraction::{Fraction, format_fraction, parse_fraction, percent_2dp};
pub use register::{
    AssociateKind, Category, CategoryRule, LeavingReason, Status, category_warnings,
};
pub use rules::{
    Abstentions, AssemblyKind, Call, Comparison, EmptyCollege, LegalForm, MajorityKind,
    MajorityRule, Rules,
};
pub use tally::{
    Choice, CollegeCount, CollegeShare, Counts, TallyResult, TallyRule, decide, tally,
};
