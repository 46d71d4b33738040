//! Pictures of the scorecard (SPEC §6.3): the 图表 sheet (per role, a bar chart of the totals
//! with the grade lines across it) and, for a quarter or a year, the 月度 sheet (each person's
//! total and grade in each month, each month scored on its own, and a line chart of them — the
//! view an annual review starts from). The charts draw from tables on their own sheet: the
//! totals there are formulas on the role sheets' totals, the grade lines on 口径's thresholds,
//! so an edited score moves the bars too.

use super::xlsx::{header_cells, print_setup, sheet_ref, Fmts, Num, Widths, WriteText};
use crate::pipeline::Run;
use crate::scoring::engine::{MonthScores, PersonResult};
use rust_xlsxwriter::{
    utility::row_col_to_cell, Chart, ChartFormat, ChartLine, ChartLineDashType, ChartType, Formula,
    Worksheet, XlsxError,
};

/// Where a role sheet keeps its people's names and totals.
pub(crate) struct RoleTotals<'a> {
    pub label: String,
    pub sheet: String,
    pub first_row: u32,
    pub total_col: u16,
    pub people: Vec<&'a PersonResult>,
}

/// Colours of the grade lines: S, A, B, C.
const GRADE_COLOURS: [u32; 4] = [0x2E7D32, 0x1565C0, 0xEF6C00, 0xC62828];
const GRADES: [&str; 4] = ["S", "A", "B", "C"];

/// Rows a chart takes (at the default row height of 20 px).
const CHART_ROWS: u32 = 16;
const CHART_WIDTH: u32 = 640;
const CHART_HEIGHT: u32 = CHART_ROWS * 20;

/// The 图表 sheet: per role a table (姓名, 总分, S, A, B, C) and beside it a column chart of the
/// totals with the grade thresholds drawn as lines.
pub(crate) fn charts_sheet(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    own: &str,
    roles: &[RoleTotals],
    grade_cells: &[String; 4],
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let cfg = &run.plan.config.config;
    let thresholds = [cfg.grades.s, cfg.grades.a, cfg.grades.b, cfg.grades.c];
    let mut widths = Widths::default();
    let mut row = 0;
    for role in roles {
        ws.text_fmt(
            row,
            0,
            &format!(
                "{} · {}",
                role.label,
                l.pick("总分与等级线", "totals and grade lines")
            ),
            &f.bold,
        )?;
        row += 1;
        let header_row = row;
        let mut headers = vec![l.pick("姓名", "Staff"), l.pick("总分", "Total")];
        headers.extend(GRADES);
        header_cells(ws, f, header_row, &headers)?;
        row += 1;
        if role.people.is_empty() {
            ws.text(row, 0, l.pick("（无）", "(none)"))?;
            row += 2;
            continue;
        }
        let first = row;
        for (n, r) in role.people.iter().enumerate() {
            let at = role.first_row + n as u32;
            widths.see(0, &r.person.name);
            ws.text(row, 0, &r.person.name)?;
            let total = format!(
                "={}!{}",
                sheet_ref(&role.sheet),
                row_col_to_cell(at, role.total_col)
            );
            widths.num(1, Num::Total, r.total);
            ws.write_formula_with_format(
                row,
                1,
                Formula::new(total).set_result(format!("{}", r.total)),
                &f.total,
            )?;
            for (i, cell) in grade_cells.iter().enumerate() {
                ws.write_formula(
                    row,
                    2 + i as u16,
                    Formula::new(format!("={cell}")).set_result(format!("{}", thresholds[i])),
                )?;
            }
            row += 1;
        }
        let last = row - 1;
        let mut bars = Chart::new(ChartType::Column);
        bars.add_series()
            .set_name((own, header_row, 1))
            .set_categories((own, first, 0, last, 0))
            .set_values((own, first, 1, last, 1));
        let mut lines = Chart::new(ChartType::Line);
        for (i, colour) in GRADE_COLOURS.iter().enumerate() {
            let c = 2 + i as u16;
            lines
                .add_series()
                .set_name((own, header_row, c))
                .set_categories((own, first, 0, last, 0))
                .set_values((own, first, c, last, c))
                .set_format(
                    ChartFormat::new().set_line(
                        ChartLine::new()
                            .set_color(*colour)
                            .set_dash_type(ChartLineDashType::Dash),
                    ),
                );
        }
        bars.combine(&lines);
        bars.title().set_name(&format!(
            "{} {} {}",
            role.label,
            run.period.label,
            l.pick("总分", "totals")
        ));
        bars.y_axis().set_min(0);
        bars.set_width(CHART_WIDTH).set_height(CHART_HEIGHT);
        ws.insert_chart(header_row, 7, &bars)?;
        row = (last + 2).max(header_row + CHART_ROWS + 1);
    }
    widths.apply(ws, 8, 30)?;
    print_setup(ws, &run.period.label, None)
}

/// The 月度 sheet: per role a table of each person's total by month, beside it their grade by
/// month, and below a line chart of the totals (a line per person).
pub(crate) fn monthly_sheet(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    own: &str,
    months: &[MonthScores],
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let cfg = &run.plan.config.config;
    let people = crate::pipeline::ordered(run);
    let mut widths = Widths::default();
    let n = months.len() as u16;
    // Totals in columns 2..2+n, a gap, grades in the n columns after it.
    let grade_col = 2 + n + 1;
    let mut row = 0;
    ws.text_fmt(
        row,
        0,
        l.pick(
            "各月单独评分（同一配置）：每人每月的总分与等级",
            "Each month scored on its own (same config): each person's total and grade by month",
        ),
        &f.bold,
    )?;
    row += 2;
    for (key, role) in &cfg.roles {
        let of_role: Vec<&PersonResult> = people
            .iter()
            .copied()
            .filter(|r| &r.person.role == key)
            .collect();
        let label = crate::words::report::role_title(role.shown_label(key), key, l).to_string();
        ws.text_fmt(row, 0, &label, &f.bold)?;
        ws.text_fmt(row, 2, l.pick("总分", "Total"), &f.bold)?;
        ws.text_fmt(row, grade_col, l.pick("等级", "Grade"), &f.bold)?;
        row += 1;
        let header_row = row;
        let mut headers: Vec<String> = vec![
            l.pick("姓名", "Staff").to_string(),
            l.pick("工号", "Staff ID").to_string(),
        ];
        headers.extend(months.iter().map(|m| m.period.label.clone()));
        let heads: Vec<&str> = headers.iter().map(String::as_str).collect();
        header_cells(ws, f, header_row, &heads)?;
        for (i, m) in months.iter().enumerate() {
            ws.text_fmt(header_row, grade_col + i as u16, &m.period.label, &f.header)?;
            widths.see(2 + i as u16, &m.period.label);
            widths.see(grade_col + i as u16, &m.period.label);
        }
        row += 1;
        if of_role.is_empty() {
            ws.text(row, 0, l.pick("（无）", "(none)"))?;
            row += 2;
            continue;
        }
        let first = row;
        for r in &of_role {
            widths.see(0, &r.person.name);
            ws.text(row, 0, &r.person.name)?;
            if let Some(id) = &r.person.staff_id {
                widths.see(1, id);
                ws.text(row, 1, id)?;
            }
            for (i, m) in months.iter().enumerate() {
                let Some(mr) = m.results.iter().find(|x| x.person.sym == r.person.sym) else {
                    continue;
                };
                let c = 2 + i as u16;
                widths.num(c, Num::Total, mr.total);
                ws.write_number_with_format(row, c, mr.total, &f.total)?;
                ws.text(row, grade_col + i as u16, &mr.grade)?;
            }
            row += 1;
        }
        let last = row - 1;
        let mut chart = Chart::new(ChartType::Line);
        for p in first..=last {
            chart
                .add_series()
                .set_name((own, p, 0))
                .set_categories((own, header_row, 2, header_row, 1 + n))
                .set_values((own, p, 2, p, 1 + n));
        }
        chart.title().set_name(&format!(
            "{label} {} {}",
            run.period.label,
            l.pick("月度总分", "totals by month")
        ));
        chart.y_axis().set_min(0);
        chart.set_width(CHART_WIDTH).set_height(CHART_HEIGHT);
        row += 1;
        ws.insert_chart(row, 0, &chart)?;
        row += CHART_ROWS + 2;
    }
    ws.set_freeze_panes(0, 2)?;
    widths.apply(ws, 6, 30)?;
    print_setup(ws, &run.period.label, None)
}
