//! What a file or sheet holds (SPEC §2.1): told by its name where the name names one kind,
//! else by its header — the kind whose required columns the header holds. What neither tells
//! is skipped with a warning naming it and why; a header that fits two kinds equally is an
//! error saying how to name the file or list it.

use super::header::{self, Header, Merges, ZoneRow};
use super::kinds::{self, Field, Kind, ALL_KINDS};
use crate::words::input::{InputFail, InputMsg, NameSays, Place};
use std::collections::HashMap;

/// Each kind's column names, normalised (see [`header::KindAliases`]).
pub type Aliases = HashMap<Kind, Vec<(String, Field, usize)>>;

/// How a sheet's kind is to be decided.
#[derive(Debug, Clone)]
pub enum KindRule {
    /// The kind is given (listed under `[inputs]`, or named by the file or sheet name): a
    /// header that does not fit it is an error.
    Fixed(Kind),
    /// The header decides: among `candidates` first (the kinds the name names, or all), then
    /// among all kinds; `prefer` (the kind of the file's name, or the one it is listed under)
    /// wins whenever its columns fit. `name_says` tells what the name said, for messages.
    ByHeader {
        candidates: Vec<Kind>,
        prefer: Option<Kind>,
        name_says: NameSays,
    },
}

impl KindRule {
    /// The rule for a name that names `named` kinds, with `prefer` as the fallback.
    pub fn by_header(named: Vec<Kind>, prefer: Option<Kind>) -> KindRule {
        let name_says = match named.len() {
            0 => NameSays::NoKind,
            _ => NameSays::SeveralKinds(named.clone()),
        };
        let candidates = if named.is_empty() {
            ALL_KINDS.to_vec()
        } else {
            named
        };
        KindRule::ByHeader {
            candidates,
            prefer,
            name_says,
        }
    }

    /// Every kind whose header may be looked for.
    pub fn kinds(&self) -> Vec<Kind> {
        match self {
            KindRule::Fixed(k) => vec![*k],
            KindRule::ByHeader { .. } => ALL_KINDS.to_vec(),
        }
    }
}

/// What to do with a sheet once its first rows are seen.
#[derive(Debug)]
pub enum Decision {
    /// Read it as this kind, with this header.
    Read(Kind, Header),
    /// Skip it, with a warning saying why.
    Skip(InputMsg),
    /// Stop the run with this error.
    Fatal(InputFail),
}

/// The first fields of the CSV `clinic-kpi score --format csv` prints: that output saved in the
/// data folder (`score --format csv > kpi.csv`) is this tool's own, not an export.
const OWN_SCORE_CSV: [&str; 8] = [
    "staff", "staff_id", "role", "store", "metric", "item", "label", "value",
];

/// Whether the zone's first row is the header of this tool's own score CSV.
fn is_own_score_csv(rows: &[ZoneRow]) -> bool {
    let Some(first) = rows.first() else {
        return false;
    };
    let texts: Vec<String> = first.cells.iter().map(|(_, c)| c.display()).collect();
    first.row == 1
        && texts.len() >= OWN_SCORE_CSV.len()
        && texts.iter().zip(OWN_SCORE_CSV).all(|(t, w)| t == w)
}

/// Decides a sheet's kind and header from its first rows (SPEC §2.1).
pub fn decide(
    rule: &KindRule,
    rows: &[ZoneRow],
    aliases: &Aliases,
    merges: &Merges,
    where_: &Place,
) -> Decision {
    match rule {
        KindRule::Fixed(kind) => {
            let a = &aliases[kind];
            match header::find(rows, a, merges) {
                None => Decision::Fatal(header::no_header_message(where_, *kind, rows, a, merges)),
                Some(h) if !h.missing(*kind).is_empty() => Decision::Fatal(
                    header::missing_columns_message(where_, *kind, rows, &h, a, merges),
                ),
                Some(h) => Decision::Read(*kind, h),
            }
        }
        KindRule::ByHeader {
            candidates,
            prefer,
            name_says,
        } => {
            if is_own_score_csv(rows) {
                return Decision::Skip(own_score_csv_reason());
            }
            let fitting = |kinds: &[Kind]| -> Vec<(Kind, Header)> {
                kinds
                    .iter()
                    .filter_map(|k| {
                        let h = header::find(rows, &aliases[k], merges)?;
                        h.missing(*k).is_empty().then_some((*k, h))
                    })
                    .collect()
            };
            let mut fit = fitting(candidates);
            if fit.is_empty() && candidates.len() < ALL_KINDS.len() {
                fit = fitting(&ALL_KINDS);
            }
            if let Some(p) = prefer {
                if let Some(i) = fit.iter().position(|(k, _)| k == p) {
                    let (k, h) = fit.swap_remove(i);
                    return Decision::Read(k, h);
                }
            }
            let Some(best) = fit.iter().map(|(_, h)| h.map.cols.len()).max() else {
                return Decision::Skip(not_identified_reason(name_says, rows, aliases, merges));
            };
            let mut top: Vec<(Kind, Header)> = fit
                .into_iter()
                .filter(|(_, h)| h.map.cols.len() == best)
                .collect();
            if top.len() > 1 {
                return Decision::Fatal(two_kinds_message(where_, &top));
            }
            match top.pop() {
                Some((k, h)) => Decision::Read(k, h),
                None => Decision::Skip(not_identified_reason(name_says, rows, aliases, merges)),
            }
        }
    }
}

fn own_score_csv_reason() -> InputMsg {
    InputMsg::OwnScoreCsv
}

/// Why a sheet neither its name nor its header identifies is skipped: what the name said, the
/// row most like a header and its names, and how to have it read.
fn not_identified_reason(
    name_says: &NameSays,
    rows: &[ZoneRow],
    aliases: &Aliases,
    merges: &Merges,
) -> InputMsg {
    let mut best: Option<(u32, Vec<String>)> = None;
    for k in ALL_KINDS {
        if let Some((r, names)) = header::likeliest_row(rows, &aliases[&k], merges) {
            if best.as_ref().is_none_or(|(_, n)| names.len() > n.len()) {
                best = Some((r.row, names.into_iter().map(|(_, n)| n).collect()));
            }
        }
    }
    InputMsg::NotIdentified {
        name_says: name_says.clone(),
        closest: best,
        keywords: kinds::keywords(),
    }
}

/// The error for a header that fits two kinds equally.
fn two_kinds_message(where_: &Place, fits: &[(Kind, Header)]) -> InputFail {
    let (_, h) = &fits[0];
    InputFail::TwoKinds {
        place: where_.clone(),
        top: h.top,
        row: h.row,
        columns: h.map.cols.len(),
        keywords: fits
            .iter()
            .map(|(k, _)| (*k, k.keywords()[0].to_string()))
            .collect(),
    }
}
