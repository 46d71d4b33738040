//! Metrics (SPEC §3): rows → per-person figures.

pub mod compute;
pub mod defs;
pub mod evidence;
pub mod needs;
