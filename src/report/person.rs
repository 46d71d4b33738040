//! `--split-by person`: one workbook per person, holding only their own KPIs (value, how it was
//! formed, previous period, rule, score, weights), their total as a live formula, grade, rank,
//! bonus, the gap to the next grade and bonus tier, and a sign-off block (员工签字 / 主管签字 / 日期);
//! then the 明细 sheet: every source row behind each number (SPEC §6.3), for the employee to
//! check before signing.

use super::xlsx::{
    bonus_note, change, change_format, change_num, derivation, flags_text, grade_formula,
    header_cells, label_lines, next_grade_text, next_tier_text, note, print_setup, properties,
    score_scale, sheet_name, total_format, total_formula, value_cell_format, value_note, value_num,
    Fmts, Heights, Num, Widths, WriteText,
};
use crate::metrics::compute::Status;
use crate::metrics::defs;
use crate::metrics::evidence::KpiRows;
use crate::pipeline::Run;
use crate::scoring::engine::PersonResult;
use crate::words::score as say;
use rust_xlsxwriter::{utility::row_col_to_cell, Formula, Workbook, XlsxError};

/// The file name of a person's workbook: `2026-10_一店_林晓雯_C001.xlsx`, made safe for any
/// file system and short enough for it (names are cut, never the period or extension).
pub fn file_name(run: &Run, r: &PersonResult) -> String {
    let mut stem = vec![run.period.label.clone()];
    if let Some(s) = r.person.store {
        stem.push(run.ds.name(s).to_string());
    }
    stem.push(r.person.name.clone());
    if let Some(id) = &r.person.staff_id {
        stem.push(id.clone());
    }
    // 255 bytes is the common limit; leave room for ".xlsx" and the temp-file prefix/suffix.
    format!("{}.xlsx", super::write::file_name(&stem.join("_"), 200))
}

/// Builds one person's workbook; `rows` are the rows behind their KPIs (the 明细 sheet).
pub fn build(run: &Run, r: &PersonResult, rows: &[KpiRows]) -> Result<Vec<u8>, XlsxError> {
    let l = run.plan.lang;
    let f = Fmts::new();
    let ds = &run.ds;
    let mut wb = Workbook::new();
    properties(
        &mut wb,
        run,
        &format!(
            "{} {} {}",
            l.pick("绩效考核", "KPI scorecard"),
            run.period.label,
            r.person.name
        ),
    )?;
    let mut used = Vec::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&r.person.name, &mut used))?;
    let mut widths = Widths::default();
    let mut heights = Heights::default();

    ws.text_fmt(
        0,
        0,
        &format!(
            "{} {}",
            l.pick("绩效考核表", "KPI scorecard"),
            run.period.label
        ),
        &f.title,
    )?;
    let share = if r.share < 1.0 {
        format!("{:.0}%", r.share * 100.0)
    } else {
        String::new()
    };
    let info = [
        (l.pick("姓名", "Staff"), r.person.name.clone()),
        (
            l.pick("工号", "Staff ID"),
            r.person.staff_id.clone().unwrap_or_default(),
        ),
        (
            l.pick("岗位", "Role"),
            crate::words::report::role_title(&r.role_label, &r.person.role, l).to_string(),
        ),
        (
            l.pick("门店", "Store"),
            r.person
                .store
                .map(|s| ds.name(s).to_string())
                .unwrap_or_default(),
        ),
        (
            l.pick("科室", "Department"),
            r.person
                .department
                .map(|s| ds.name(s).to_string())
                .unwrap_or_default(),
        ),
        (
            l.pick("期间", "Period"),
            format!(
                "{} ({} ~ {})",
                run.period.label, run.period.start, run.period.end
            ),
        ),
        (l.pick("在岗比例", "Share of period employed"), share),
    ];
    let mut row = label_lines(ws, &f.bold, 2, &info)? + 1;

    let headers = [
        l.pick("指标", "Metric"),
        l.pick("本期值", "Value"),
        l.pick("计算", "How it was formed"),
        l.pick("上期值", "Previous"),
        l.pick("环比", "Change"),
        l.pick("计分规则", "Rule"),
        l.pick("得分", "Score"),
        l.pick("权重%", "Weight %"),
        l.pick("有效权重%", "Eff. weight %"),
        l.pick("状态", "Status"),
    ];
    let header_row = row;
    header_cells(ws, &f, row, &headers)?;
    for (c, h) in headers.iter().enumerate() {
        widths.see(c as u16, h);
    }
    row += 1;
    let first_kpi_row = row;
    for k in &r.kpis {
        let label = defs::kpi_label(k.metric, k.item.as_deref(), l);
        widths.see(0, &label);
        ws.text(row, 0, &label)?;
        if let Some(d) = defs::metric(k.metric) {
            ws.insert_note(row, 0, &note(l.pick(d.definition_zh, d.definition_en)))?;
        }
        let vf = value_cell_format(k);
        match k.value {
            Some(v) => {
                widths.num(1, value_num(k.metric), v);
                ws.write_number_with_format(row, 1, v, &vf)?
            }
            None => ws.text_fmt(row, 1, "—", &vf)?,
        };
        ws.insert_note(row, 1, &note(&value_note(k, l)))?;
        let how = derivation(k, l);
        widths.see(2, &how);
        ws.text(row, 2, &how)?;
        if let Some(p) = k.previous {
            widths.num(3, value_num(k.metric), p);
            ws.write_number_with_format(row, 3, p, &super::xlsx::value_format(k.metric))?;
        }
        if let Some(c) = change(k) {
            widths.num(4, change_num(k.metric, l), c);
            ws.write_number_with_format(row, 4, c, &change_format(k.metric, l))?;
        }
        let rule = say::curve(&k.curve, l);
        ws.text_fmt(row, 5, &rule, &f.wrap)?;
        heights.wrapped(row, 5, 5, &rule);
        if let Some(s) = k.score {
            widths.num(6, Num::Score, s);
            ws.write_number_with_format(row, 6, s, &f.score)?;
        }
        widths.num(7, Num::Plain, k.weight);
        ws.write_number(row, 7, k.weight)?;
        widths.num(8, Num::Weight, k.effective_weight);
        ws.write_number_with_format(row, 8, k.effective_weight, &f.weight)?;
        let status = match &k.adjustment {
            Some(a) => format!(
                "{}：{}（{}：{}）",
                l.pick("调整", "adjusted"),
                a.reason,
                l.pick("审批人", "approved by"),
                a.approved_by
            ),
            None if k.status != Status::Ok => k.status.label(l).to_string(),
            None => String::new(),
        };
        widths.see(9, &status);
        ws.text(row, 9, &status)?;
        row += 1;
    }
    let last_kpi_row = row - 1;
    let terms: Vec<String> = (first_kpi_row..=last_kpi_row)
        .zip(&r.kpis)
        .filter(|(_, k)| k.score.is_some())
        .map(|(rw, _)| format!("{}*{}", row_col_to_cell(rw, 6), row_col_to_cell(rw, 8)))
        .collect();
    row += 1;

    if last_kpi_row >= first_kpi_row {
        ws.add_conditional_format(first_kpi_row, 6, last_kpi_row, 6, &score_scale())?;
    }
    let cfg = &run.plan.config.config;
    let total_row = row;
    widths.num(1, Num::Total, r.total);
    ws.text_fmt(row, 0, l.pick("总分", "Total"), &f.bold)?;
    ws.write_formula_with_format(
        row,
        1,
        Formula::new(total_formula(r, cfg, &terms)).set_result(format!("{}", r.total)),
        &total_format(r, &f),
    )?;
    ws.insert_note(
        row,
        1,
        &note(l.pick(
            "总分 = Σ 得分 × 有效权重 ÷ 100；触发否决时取总分与封顶分中较小者",
            "total = Σ score × effective weight ÷ 100; a veto caps it with MIN(total, cap)",
        )),
    )?;
    row += 1;
    // The grade follows the total: a formula on it with this config's thresholds.
    ws.text_fmt(row, 0, l.pick("等级", "Grade"), &f.bold)?;
    let thresholds =
        [cfg.grades.s, cfg.grades.a, cfg.grades.b, cfg.grades.c].map(|t| t.to_string());
    ws.write_formula(
        row,
        1,
        rust_xlsxwriter::Formula::new(grade_formula(&row_col_to_cell(total_row, 1), &thresholds))
            .set_result(&r.grade),
    )?;
    row += 1;
    let rank = format!("{} / {}", r.rank, r.rank_of);
    let lines = [
        (l.pick("排名", "Rank"), rank),
        (l.pick("距下一等级", "To next grade"), next_grade_text(r, l)),
        (
            l.pick("距下一奖金档", "To next bonus tier"),
            next_tier_text(r, l),
        ),
        (l.pick("标记", "Flags"), flags_text(r, l)),
    ];
    for (k, v) in lines {
        ws.text_fmt(row, 0, k, &f.bold)?;
        ws.text(row, 1, &v)?;
        row += 1;
        if k == l.pick("排名", "Rank") {
            // 0 where the role has no bonus rule; the note says where the amount came from.
            let b = r.bonus.unwrap_or(0.0);
            ws.text_fmt(row, 0, l.pick("奖金", "Bonus"), &f.bold)?;
            widths.num(1, Num::Bonus, b);
            ws.write_number_with_format(row, 1, b, &f.bonus)?;
            ws.insert_note(row, 1, &note(&bonus_note(r, l)))?;
            row += 1;
        }
    }

    // The sign-off block: the employee confirms they have seen the scorecard, the supervisor
    // that it was reviewed with them.
    row += 2;
    ws.text_fmt(
        row,
        0,
        l.pick(
            "本人已阅读上述考核结果。如有异议，请于签字前向主管提出申诉。",
            "I have read this scorecard. Any appeal goes to my supervisor before signing.",
        ),
        &f.bold,
    )?;
    row += 2;
    for who in [
        l.pick("员工签字", "Employee signature"),
        l.pick("主管签字", "Supervisor signature"),
    ] {
        ws.text_fmt(row, 0, who, &f.bold)?;
        ws.write_blank(row, 1, &f.line)?;
        ws.write_blank(row, 2, &f.line)?;
        ws.text_fmt(row, 4, l.pick("日期", "Date"), &f.bold)?;
        ws.write_blank(row, 5, &f.line)?;
        ws.set_row_height(row, 30)?;
        row += 2;
    }

    widths.fixed(5, 46.0);
    let col_widths = widths.apply(ws, 10, 34)?;
    heights.apply(ws, &col_widths)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    print_setup(ws, &run.period.label, Some((header_row, header_row)))?;
    super::evidence::evidence_sheets(&mut wb, &mut used, &f, run, r, rows)?;
    wb.save_to_buffer()
}

/// Every person's workbook, named by [`file_name`], in display order.
pub fn build_all(run: &Run) -> Result<Vec<(String, Vec<u8>)>, XlsxError> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let people = crate::pipeline::ordered(run);
    let rows = super::evidence::rows_behind(run, &people);
    for (r, rows) in people.into_iter().zip(&rows) {
        let mut name = file_name(run, r);
        // Two people whose safe names coincide (only possible after cutting) get a number.
        let mut n = 2;
        while out.iter().any(|(o, _)| o.eq_ignore_ascii_case(&name)) {
            name = format!("{}_{n}.xlsx", name.trim_end_matches(".xlsx"));
            n += 1;
        }
        out.push((name, build(run, r, rows)?));
    }
    Ok(out)
}
