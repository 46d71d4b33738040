//! The typed rows read from the inputs, what was read from each input, and the dataset that
//! holds them all.

use super::interner::{FxBuild, Interner, Sym};
use super::kinds::{Field, Kind};
use crate::issues::{Issue, Severity};
use crate::period::Period;
use crate::words::input::InputMsg;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

/// Where a typed row came from: the input (index into `Dataset::inputs`) and its row number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    pub input: u32,
    pub row: u32,
}

#[derive(Debug, Clone)]
pub struct Sale {
    pub at: RowRef,
    pub date: NaiveDate,
    pub customer: Sym,
    /// Amount in fen (cents); negative for a refund.
    pub amount: i64,
    pub order_id: Option<Sym>,
    pub consultant: Option<Sym>,
    pub doctor: Option<Sym>,
    pub nurse: Option<Sym>,
    pub department: Option<Sym>,
    pub store: Option<Sym>,
    pub item: Option<Sym>,
    pub sale_type: Option<Sym>,
}

#[derive(Debug, Clone)]
pub struct Visit {
    pub at: RowRef,
    pub date: NaiveDate,
    pub customer: Sym,
    pub consultant: Sym,
    /// Some(true) for 初诊 (first visit), Some(false) for 复诊.
    pub first_visit: Option<bool>,
    pub channel: Option<Sym>,
    pub deal: Option<bool>,
    pub department: Option<Sym>,
    pub store: Option<Sym>,
}

#[derive(Debug, Clone)]
pub struct Complaint {
    pub at: RowRef,
    pub when: NaiveDateTime,
    pub staff: Sym,
    pub customer: Option<Sym>,
    pub category: Option<Sym>,
    pub valid: bool,
    pub resolved_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct RosterEntry {
    pub at: RowRef,
    pub staff: Sym,
    pub staff_id: Option<Sym>,
    pub role: String,
    pub department: Option<Sym>,
    pub store: Option<Sym>,
    /// Monthly revenue target in fen.
    pub target: Option<i64>,
    pub hired: Option<NaiveDate>,
    pub left: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct TargetRow {
    pub at: RowRef,
    pub staff: Sym,
    pub month: (i32, u32),
    /// Revenue target in fen.
    pub target: i64,
}

#[derive(Debug, Clone)]
pub struct Survey {
    pub at: RowRef,
    pub date: NaiveDate,
    pub staff: Sym,
    pub score: f64,
    pub customer: Option<Sym>,
}

#[derive(Debug, Clone)]
pub struct Rating {
    pub at: RowRef,
    pub staff: Sym,
    pub month: (i32, u32),
    pub item: Sym,
    pub score: f64,
}

#[derive(Debug, Clone)]
pub struct Adjustment {
    pub at: RowRef,
    pub staff: Sym,
    /// The period label it applies to: `2026-10`, `2026Q3` or `2026`.
    pub period: String,
    pub metric: String,
    pub item: Option<String>,
    pub value: Option<f64>,
    pub score_delta: Option<f64>,
    pub reason: String,
    pub approved_by: String,
}

/// What one input (a CSV file or one sheet of a workbook) contributed (SPEC §2.5, §6.2).
#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    pub kind: Kind,
    pub file: String,
    pub sheet: Option<String>,
    pub sha256: String,
    pub rows: u64,
    pub used: u64,
    pub out_of_period: u64,
    pub rejected: u64,
    pub skipped: u64,
    /// Σ amount of the used sales rows, in yuan (sales only).
    pub amount_used: Option<f64>,
    #[serde(skip)]
    pub format: &'static str,
    #[serde(skip)]
    pub encoding: Option<String>,
    /// The header cells no column was taken from ("columns not used"), in column order: what
    /// a user may have meant to map under `[columns.KIND]`.
    pub columns_not_used: Vec<String>,
    /// The (last) header row; data starts below it.
    #[serde(skip)]
    pub header_row: Option<u32>,
    /// The first header row: above `header_row` for a two-row header.
    #[serde(skip)]
    pub header_top: Option<u32>,
    /// (column header as written, canonical field)
    #[serde(skip)]
    pub columns: Vec<(String, &'static str)>,
    #[serde(skip)]
    pub amount_used_fen: i64,
    /// The file on disk.
    #[serde(skip)]
    pub path: PathBuf,
}

/// A file or sheet that was not read, and why (SPEC §2.1): an Excel lock file, this tool's own
/// scorecard, a file or sheet neither its name nor its header identifies, an empty sheet, one
/// of a kind listed under `[inputs]`. It is no input and contributes no rows; an issue names it
/// too.
#[derive(Debug, Clone)]
pub struct NotRead {
    pub file: String,
    pub sheet: Option<String>,
    pub severity: Severity,
    pub reason: InputMsg,
}

/// A [`NotRead`] as `--format json` prints it: why, in the language asked for, beside its code.
#[derive(Debug, Serialize)]
pub struct NotReadView<'a> {
    pub file: &'a str,
    pub sheet: Option<&'a str>,
    pub severity: Severity,
    pub code: &'static str,
    pub reason: String,
}

impl NotRead {
    pub fn view(&self, lang: crate::Lang) -> NotReadView<'_> {
        NotReadView {
            file: &self.file,
            sheet: self.sheet.as_deref(),
            severity: self.severity,
            code: self.reason.code(),
            reason: self.reason.say(lang),
        }
    }
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct Dataset {
    pub names: Interner,
    pub sales: Vec<Sale>,
    pub visits: Vec<Visit>,
    pub complaints: Vec<Complaint>,
    pub roster: Vec<RosterEntry>,
    pub targets: Vec<TargetRow>,
    pub surveys: Vec<Survey>,
    pub ratings: Vec<Rating>,
    pub adjustments: Vec<Adjustment>,
    pub inputs: Vec<InputReport>,
    /// The files and sheets found but not read.
    pub not_read: Vec<NotRead>,
    pub issues: Vec<Issue>,
    /// The canonical columns each kind's inputs had (union over its inputs).
    pub fields: HashMap<Kind, BTreeSet<Field>>,
    /// Names under which rows credited to nobody are held (`credit::settle`): namesakes no
    /// column decides between, a person named in another role's column.
    pub held: HashSet<Sym, FxBuild>,
}

impl Dataset {
    /// Whether any input of this kind was given.
    pub fn has(&self, kind: Kind) -> bool {
        self.inputs.iter().any(|i| i.kind == kind)
    }

    /// Whether the inputs of `kind` had the column `field`.
    pub fn has_field(&self, kind: Kind, field: Field) -> bool {
        self.fields.get(&kind).is_some_and(|s| s.contains(&field))
    }

    pub fn name(&self, sym: Sym) -> &str {
        self.names.name(sym)
    }

    /// Whether the sales and visits inputs cover `p` (SPEC §4): their dated rows reach from its
    /// first day to its last — the earliest date ≤ its start and the latest ≥ its end. A quarter
    /// of which one month was exported is not covered, so no 环比 is shown against it.
    pub fn covers(&self, p: &Period) -> bool {
        let dates = self
            .sales
            .iter()
            .map(|s| s.date)
            .chain(self.visits.iter().map(|v| v.date));
        let mut span: Option<(NaiveDate, NaiveDate)> = None;
        for d in dates {
            span = Some(match span {
                None => (d, d),
                Some((lo, hi)) => (lo.min(d), hi.max(d)),
            });
        }
        span.is_some_and(|(lo, hi)| lo <= p.start && hi >= p.end)
    }

    /// Whether any sales or visits row falls in `p`.
    pub fn has_activity_in(&self, p: &Period) -> bool {
        self.sales.iter().any(|s| p.contains(s.date))
            || self.visits.iter().any(|v| p.contains(v.date))
    }

    pub fn error_count(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .count()
    }
}
