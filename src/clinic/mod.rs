//! The clinic's own indicators (经营指标) and its daily early warning (预警), SPEC §8: from the
//! rows and the `[clinic]`/`[alerts]` config to typed figures — numbers and enums, no words.
//! `cmd::overview`, `cmd::alerts` and the scorecard's 经营概览 sheet turn them into tables,
//! JSON and a sheet.
//!
//! Consultations, deals, customers served and the complaint and complication rates are the
//! metrics' own definitions (`metrics::compute`), counted over everyone (the clinic) or over a
//! store's roster people (a store), as a `scope = "all"` or `"store"` KPI counts them.

pub mod alerts;
pub mod overview;
pub mod validate;

use crate::input::{values, Dataset, Sym};

/// Money in fen as yuan.
fn yuan(fen: i64) -> f64 {
    fen as f64 / 100.0
}

/// `n ÷ d`, or None when `d` is not above 0.
fn ratio(n: f64, d: f64) -> Option<f64> {
    (d > 0.0).then(|| n / d)
}

/// The interned name a config key (a store, department or channel as the config writes it)
/// stands for, read as the data's names are read (trimmed, full-width folded); None when the
/// data never names it.
fn sym_of_config_name(ds: &Dataset, name: &str) -> Option<Sym> {
    let cell = crate::input::cell::RawCell::Text(name.into());
    let folded = values::normalize_name(&cell)?;
    ds.names.get(&folded)
}
