//! Reports written to files: the Excel scorecard (SPEC §6.3) with its 经营概览 sheet (§8.1),
//! one workbook per person (`--split-by person`), and how they are written safely.

pub mod charts;
pub mod detail;
pub mod evidence;
pub mod overview;
pub mod payroll;
pub mod person;
pub mod write;
pub mod xlsx;
