//! Reports written to files: the Excel scorecard (SPEC §6.3).

pub mod xlsx;
