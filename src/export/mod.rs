//! Files the cooperative exchanges with spreadsheets: the CSV of associates
//! (CONTRACT.md, "Associates and shares").

pub mod associates_csv;
pub mod result_csv;
