//! Metrics (SPEC §3): rows → per-person figures.

pub mod defs;
