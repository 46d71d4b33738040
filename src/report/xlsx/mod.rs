//! The Excel scorecard (SPEC §6.3): 汇总, one sheet per role, 口径, 数据 and 数据问题.
//!
//! Text is always written as a string (never a formula); the totals are live formulas carrying
//! the computed total as their cached result; the creation time is the period start so the same
//! inputs give the same bytes. Writing the file atomically is `report::write`'s job.
//!
//! `build` puts the sheets in order; `kit` is what every sheet writes with, `people` the people
//! sheets (汇总 and one per role), `config_sheet` 口径, `data` 数据 and 数据问题.

use crate::clinic::overview::Overview;
use crate::config::Config;
use crate::metrics::compute::Status;
use crate::metrics::defs::{self, Unit};
use crate::pipeline::{flag_label, Run};
use crate::scoring::engine::{self, KpiResult, PersonResult};
use crate::words::report as words;
use crate::words::score as say;
use crate::Lang;
use chrono::Datelike;
use rust_xlsxwriter::{
    utility::row_col_to_cell, ConditionalFormat3ColorScale, ConditionalFormatType, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
    XlsxError,
};

mod config_sheet;
mod data;
mod kit;
mod people;

use config_sheet::*;
use data::*;
pub(crate) use kit::*;
pub(crate) use people::*;

pub use config_sheet::secondary_rule_text;
pub use kit::{sheet_name, MAX_ROWS};

/// Builds the workbook in memory, with `overview` (the clinic's indicators for the same
/// period) as its 经营概览 sheet.
pub fn build(run: &Run, overview: &Overview) -> Result<Vec<u8>, XlsxError> {
    build_with_limits(run, overview, MAX_ROWS, MAX_ROWS)
}

/// [`build`] with lower rows-per-sheet limits (tests use them): more people than one sheet
/// holds is refused (one row per person is the point of 汇总); issues go on as many sheets as
/// they need.
fn build_with_limits(
    run: &Run,
    overview: &Overview,
    people_rows: u32,
    issue_rows: u32,
) -> Result<Vec<u8>, XlsxError> {
    let l = run.plan.lang;
    let f = Fmts::new();
    let cfg = &run.plan.config.config;
    let mut wb = Workbook::new();
    properties(
        &mut wb,
        run,
        &format!(
            "{} {}",
            l.pick("绩效考核", "KPI scorecard"),
            run.period.label
        ),
    )?;
    if run.results.len() as u64 + 1 > people_rows as u64 {
        return Err(XlsxError::RowColumnLimitError);
    }
    let people = crate::pipeline::ordered(run);
    // The union of KPIs in config role order.
    let mut keys: Vec<KpiKey> = Vec::new();
    for role in cfg.roles.values() {
        for k in &role.kpi {
            let key = kpi_key(k);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    // Every sheet's name first: the people sheets' grade formulas name 口径, written later.
    let monthly = &run.monthly;
    let mut used = Vec::new();
    let summary_name = sheet_name(l.pick("汇总", "Summary"), &mut used);
    let payroll_name = sheet_name(l.pick("奖金", "Payroll"), &mut used);
    let role_names: Vec<String> = cfg
        .roles
        .iter()
        .map(|(key, role)| sheet_name(words::role_title(role.shown_label(key), key, l), &mut used))
        .collect();
    let charts_name = sheet_name(l.pick("图表", "Charts"), &mut used);
    let monthly_name =
        (!monthly.is_empty()).then(|| sheet_name(l.pick("月度", "Monthly"), &mut used));
    let config_name = sheet_name(l.pick("口径", "Config"), &mut used);
    let inputs_name = sheet_name(l.pick("数据", "Inputs"), &mut used);
    let grades = grade_cells(&config_name);

    let ws = wb.add_worksheet();
    ws.set_name(&summary_name)?;
    people_sheet(ws, &f, run, &people, &keys, None, &grades)?;
    let ws = wb.add_worksheet();
    ws.set_name(&payroll_name)?;
    super::payroll::payroll_sheet(ws, &f, run, &people)?;
    // Where each role's people and totals are, for the charts.
    let mut role_rows: Vec<super::charts::RoleTotals> = Vec::new();
    for ((key, role), name) in cfg.roles.iter().zip(&role_names) {
        let rows: Vec<&PersonResult> = people
            .iter()
            .copied()
            .filter(|r| &r.person.role == key)
            .collect();
        let rkeys: Vec<KpiKey> = role.kpi.iter().map(kpi_key).collect();
        let weights: Vec<f64> = role.kpi.iter().map(|k| k.weight).collect();
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        people_sheet(ws, &f, run, &rows, &rkeys, Some(&weights), &grades)?;
        role_rows.push(super::charts::RoleTotals {
            label: words::role_title(role.shown_label(key), key, l).to_string(),
            sheet: name.clone(),
            first_row: HEADER_ROWS,
            total_col: ov::TOTAL,
            people: rows,
        });
    }
    super::overview::add_sheet(&mut wb, &mut used, &f, overview, l)?;
    let ws = wb.add_worksheet();
    ws.set_name(&charts_name)?;
    super::charts::charts_sheet(ws, &f, run, &charts_name, &role_rows, &grades)?;
    if let Some(name) = &monthly_name {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        super::charts::monthly_sheet(ws, &f, run, name, monthly)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(&config_name)?;
    config_sheet(ws, &f, run)?;
    let ws = wb.add_worksheet();
    ws.set_name(&inputs_name)?;
    inputs_sheet(ws, &f, run)?;
    issues_sheets(&mut wb, &mut used, &f, run, issue_rows)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores the fixture clinic for 2026-10 in-process.
    fn fixture_run() -> Run {
        use clap::Parser;
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/clinic");
        let cli = crate::cli::Cli::try_parse_from([
            "clinic-kpi",
            "score",
            "--data",
            data,
            "--month",
            "2026-10",
        ])
        .unwrap();
        let crate::cli::Command::Score(args) = cli.command else {
            unreachable!()
        };
        let period = crate::pipeline::period_from_args(&args.period).unwrap();
        let plan = crate::pipeline::Plan::new(&args.common, period).unwrap();
        crate::pipeline::compute(plan, false, None).unwrap()
    }

    #[test]
    fn issues_past_the_row_limit_go_on_more_sheets() {
        use calamine::Reader;
        let run = fixture_run();
        let n = run.ds.issues.len();
        assert!(n >= 5, "the fixture has at least its five errors: {n}");
        // 3 rows a sheet = a header and 2 issues: ⌈n / 2⌉ issue sheets, nothing lost.
        let overview = crate::pipeline::overview_of(&run);
        let bytes = build_with_limits(&run, &overview, MAX_ROWS, 3).unwrap();
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = wb
            .sheet_names()
            .into_iter()
            .filter(|s| s.starts_with("数据问题"))
            .collect();
        assert_eq!(names.len(), n.div_ceil(2), "{names:?}");
        assert_eq!(names[1], "数据问题 (2)");
        let mut messages = Vec::new();
        for name in &names {
            let range = wb.worksheet_range(name).unwrap();
            for row in range.rows().skip(1) {
                messages.push(row[6].to_string());
            }
        }
        let want: Vec<String> = run
            .ds
            .issues
            .iter()
            .map(|i| i.message(run.plan.lang))
            .collect();
        assert_eq!(messages, want);
        // More people than a sheet holds is refused, not truncated: 12 people and a header
        // row need 13 rows.
        assert_eq!(run.results.len(), 12);
        assert!(matches!(
            build_with_limits(&run, &overview, 12, MAX_ROWS),
            Err(XlsxError::RowColumnLimitError)
        ));
        assert!(build_with_limits(&run, &overview, 13, MAX_ROWS).is_ok());
    }
}
