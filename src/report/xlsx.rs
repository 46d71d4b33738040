//! The Excel scorecard (SPEC §6.3): 汇总, one sheet per role, 口径, 数据 and 数据问题.
//!
//! Text is always written as a string (never a formula); the totals are live formulas carrying
//! the computed total as their cached result; the creation time is the period start so the same
//! inputs give the same bytes; the file is written to a temp file next to the target and renamed.

use crate::cmd::score::{flag_label, Run};
use crate::config::{Method, Role};
use crate::metrics::defs::{self, Unit};
use crate::scoring::engine::{KpiResult, PersonResult};
use crate::Lang;
use anyhow::{Context, Result};
use chrono::Datelike;
use rust_xlsxwriter::{
    utility::row_col_to_cell, ConditionalFormat3ColorScale, DocProperties, ExcelDateTime, Format,
    Formula, Note, Workbook, Worksheet, XlsxError,
};
use std::path::Path;

/// Writes the scorecard to `path` atomically: a temp file in the same folder, then a rename.
/// On any error the temp file is removed and an existing file at `path` is left as it was.
pub fn write_scorecard(run: &Run, path: &Path) -> Result<()> {
    let bytes = build(run).context("building the scorecard")?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scorecard.xlsx".to_string());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = std::fs::write(&tmp, &bytes)
        .with_context(|| format!("cannot write {}", tmp.display()))
        .and_then(|_| {
            std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A sheet name Excel accepts: ≤ 31 characters, none of `[]:*?/\`, not starting or ending with
/// `'`, unique case-insensitively among `used`.
pub fn sheet_name(want: &str, used: &mut Vec<String>) -> String {
    let clean: String = want
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').trim().to_string();
    let clean = if clean.is_empty() {
        "Sheet".to_string()
    } else {
        clean
    };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let keep = 31 - suffix.chars().count();
        let base: String = clean.chars().take(keep).collect();
        let cand = format!("{}{suffix}", base.trim_end_matches('\''));
        if !used.iter().any(|u| u.to_lowercase() == cand.to_lowercase()) {
            used.push(cand.clone());
            return cand;
        }
        n += 1;
    }
}

struct Fmts {
    header: Format,
    wrap: Format,
    percent: Format,
    yuan: Format,
    bonus: Format,
    number: Format,
    score: Format,
    total: Format,
}

impl Fmts {
    fn new() -> Fmts {
        Fmts {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(0xDDEBF7),
            wrap: Format::new().set_text_wrap(),
            percent: Format::new().set_num_format("0.0%"),
            yuan: Format::new().set_num_format("¥#,##0.00"),
            bonus: Format::new().set_num_format("¥#,##0"),
            number: Format::new().set_num_format("0.##"),
            score: Format::new().set_num_format("0.0"),
            total: Format::new().set_num_format("0.00"),
        }
    }

    fn value(&self, metric: &str) -> &Format {
        match defs::metric(metric).map(|d| d.unit) {
            Some(Unit::Percent) => &self.percent,
            Some(Unit::Yuan) => &self.yuan,
            _ => &self.number,
        }
    }
}

/// A KPI column: (metric, item).
type KpiKey = (String, Option<String>);

fn kpi_label(metric: &str, item: Option<&str>, l: Lang) -> String {
    let label = defs::metric(metric)
        .map(|d| l.pick(d.zh, d.en).to_string())
        .unwrap_or_else(|| metric.to_string());
    match item {
        Some(i) => format!("{label}·{i}"),
        None => label,
    }
}

fn definition(metric: &str, l: Lang) -> String {
    defs::metric(metric)
        .map(|d| l.pick(d.definition_zh, d.definition_en).to_string())
        .unwrap_or_default()
}

fn note(text: &str) -> Note {
    Note::new(text)
        .add_author_prefix(false)
        .set_author("clinic-kpi")
        .set_width(320)
        .set_height(140)
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map(|v| format!("{}", (v * 10000.0).round() / 10000.0))
        .unwrap_or_else(|| "—".to_string())
}

/// The note on a KPI value cell: numerator/denominator, status, adjustment.
fn value_note(k: &KpiResult, l: Lang) -> Option<String> {
    let mut lines = Vec::new();
    if k.numerator.is_some() || k.denominator.is_some() {
        lines.push(format!(
            "{} {} / {} {}",
            l.pick("分子", "numerator"),
            fmt_opt(k.numerator),
            l.pick("分母", "denominator"),
            fmt_opt(k.denominator)
        ));
    }
    if k.status.key() != "ok" {
        lines.push(format!("{}: {}", l.pick("状态", "status"), k.status.key()));
    }
    if let Some(a) = &k.adjustment {
        lines.push(format!(
            "{}: {} ({}: {})",
            l.pick("调整", "adjusted"),
            a.reason,
            l.pick("审批人", "approved by"),
            a.approved_by
        ));
    }
    if lines.is_empty() {
        None
    } else {
        Some(lines.join("\n"))
    }
}

fn print_setup(ws: &mut Worksheet, run: &Run) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    let period = run.period.label.replace('&', "&&");
    ws.set_footer(format!("&L{period}&R&P / &N"));
    Ok(())
}

fn write_header(ws: &mut Worksheet, f: &Fmts, headers: &[String]) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &f.header)?;
    }
    Ok(())
}

/// Writes one person's row: name, role, store, department, KPI (value, score, weight) triples
/// at the columns of `keys`, total formula, grade, rank, bonus, flags.
fn write_person(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    row: u32,
    r: &PersonResult,
    keys: &[KpiKey],
    first_kpi_col: u16,
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let ds = &run.ds;
    ws.write_string(row, 0, &r.person.name)?;
    ws.write_string(row, 1, &r.role_label)?;
    if let Some(s) = r.person.store {
        ws.write_string(row, 2, ds.name(s))?;
    }
    if let Some(d) = r.person.department {
        ws.write_string(row, 3, ds.name(d))?;
    }
    let mut terms = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let col = first_kpi_col + 3 * i as u16;
        let Some(k) = r.kpis.iter().find(|k| k.metric == key.0 && k.item == key.1) else {
            continue;
        };
        if let Some(v) = k.value {
            ws.write_number_with_format(row, col, v, f.value(k.metric))?;
        } else {
            ws.write_string(row, col, "—")?;
        }
        if let Some(text) = value_note(k, l) {
            ws.insert_note(row, col, &note(&text))?;
        }
        if let Some(s) = k.score {
            ws.write_number_with_format(row, col + 1, s, &f.score)?;
            terms.push(format!(
                "{}*{}",
                row_col_to_cell(row, col + 1),
                row_col_to_cell(row, col + 2)
            ));
        }
        ws.write_number(row, col + 2, k.effective_weight)?;
    }
    let tail = first_kpi_col + 3 * keys.len() as u16;
    let sum = if terms.is_empty() {
        "0".to_string()
    } else {
        format!("({})/100", terms.join("+"))
    };
    let formula = if r.vetoed {
        let cap = run
            .plan
            .config
            .config
            .roles
            .get(&r.person.role)
            .and_then(|role| {
                role.veto
                    .iter()
                    .map(|v| v.cap_total)
                    .find(|c| (r.raw_total.min(*c) - r.total).abs() < 1e-9)
            })
            .unwrap_or(r.total);
        format!("=MIN({sum},{cap})")
    } else {
        format!("={sum}")
    };
    ws.write_formula_with_format(
        row,
        tail,
        Formula::new(formula).set_result(format!("{}", r.total)),
        &f.total,
    )?;
    ws.write_string(row, tail + 1, &r.grade)?;
    ws.write_number(row, tail + 2, r.rank)?;
    ws.write_number(row, tail + 3, r.rank_of)?;
    if let Some(b) = r.bonus {
        ws.write_number_with_format(row, tail + 4, b, &f.bonus)?;
    }
    let flags: Vec<&str> = r.flags.iter().map(|x| flag_label(x, l)).collect();
    let mut flag_text = flags.join(" ");
    if let Some(v) = &r.veto_note {
        flag_text = format!("{flag_text} ({v})");
    }
    ws.write_string(row, tail + 5, flag_text.trim())?;
    Ok(())
}

/// A sheet of people with the given KPI columns.
fn people_sheet(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    people: &[&PersonResult],
    keys: &[KpiKey],
    weights: Option<&[f64]>,
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let mut headers: Vec<String> = [
        l.pick("姓名", "Staff"),
        l.pick("岗位", "Role"),
        l.pick("门店", "Store"),
        l.pick("科室", "Department"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let first = headers.len() as u16;
    for (i, (m, item)) in keys.iter().enumerate() {
        let label = kpi_label(m, item.as_deref(), l);
        match weights {
            Some(w) => headers.push(format!("{label} ({}%)", w[i])),
            None => headers.push(label.clone()),
        }
        headers.push(format!("{label} {}", l.pick("得分", "score")));
        headers.push(format!("{label} {}", l.pick("有效权重%", "eff. weight %")));
    }
    for h in [
        l.pick("总分", "Total"),
        l.pick("等级", "Grade"),
        l.pick("排名", "Rank"),
        l.pick("排名人数", "Of"),
        l.pick("奖金", "Bonus"),
        l.pick("标记", "Flags"),
    ] {
        headers.push(h.to_string());
    }
    write_header(ws, f, &headers)?;
    // Notes on the KPI headers: definition and the curve(s) in words.
    for (i, (m, item)) in keys.iter().enumerate() {
        let mut text = definition(m, l);
        let mut curves: Vec<String> = Vec::new();
        for r in people {
            if let Some(k) = r.kpis.iter().find(|k| k.metric == *m && k.item == *item) {
                let line = if weights.is_some() {
                    k.curve.clone()
                } else {
                    format!("{}: {}", r.role_label, k.curve)
                };
                if !curves.contains(&line) {
                    curves.push(line);
                }
            }
        }
        for c in curves.iter().take(6) {
            text.push('\n');
            text.push_str(c);
        }
        ws.insert_note(0, first + 3 * i as u16, &note(&text))?;
    }
    for (n, r) in people.iter().enumerate() {
        write_person(ws, f, run, n as u32 + 1, r, keys, first)?;
    }
    let last_row = people.len() as u32;
    let last_col = headers.len() as u16 - 1;
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, last_row.max(1), last_col)?;
    if !people.is_empty() {
        for i in 0..keys.len() {
            let c = first + 3 * i as u16 + 1;
            ws.add_conditional_format(1, c, last_row, c, &ConditionalFormat3ColorScale::new())?;
        }
    }
    ws.set_column_width(0, 10)?;
    ws.set_column_width(1, 10)?;
    for c in first..=last_col {
        ws.set_column_width(c, 12)?;
    }
    ws.set_row_height(0, 45)?;
    print_setup(ws, run)
}

fn role_numbers(k: &crate::config::Kpi) -> String {
    let mut parts = Vec::new();
    let mut add = |name: &str, v: Option<f64>| {
        if let Some(v) = v {
            parts.push(format!("{name}={v}"));
        }
    };
    add("floor", k.floor);
    add("target", k.target);
    add("stretch", k.stretch);
    add("stretch_score", k.stretch_score);
    add("per", k.per);
    add("points", k.points);
    add("max_bonus", k.max_bonus);
    add("max_penalty", k.max_penalty);
    if let Some(m) = k.min_sample {
        parts.push(format!("min_sample={m}"));
    }
    if let Some(b) = &k.bands {
        let bands: Vec<String> = b.iter().map(|[a, s]| format!("{a}→{s}")).collect();
        parts.push(format!("bands=[{}]", bands.join(", ")));
    }
    if let Some(s) = &k.scope {
        parts.push(format!("scope={s:?}").to_lowercase());
    }
    if let Some(d) = &k.direction {
        parts.push(format!("direction={d:?}").to_lowercase());
    }
    parts.join("; ")
}

fn role_veto(role: &Role) -> String {
    role.veto
        .iter()
        .map(|v| {
            format!(
                "{} > {} → cap {}",
                kpi_label(&v.metric, v.item.as_deref(), Lang::Zh),
                v.above,
                v.cap_total
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn role_bonus(role: &Role) -> String {
    let Some(b) = &role.bonus else {
        return String::new();
    };
    let mut s = format!("basis={}", b.basis);
    if !b.tiers.is_empty() {
        let t: Vec<String> = b.tiers.iter().map(|[a, v]| format!("≥{a}→{v}")).collect();
        s.push_str(&format!("; tiers [{}]", t.join(", ")));
    }
    if let Some(x) = b.below {
        s.push_str(&format!("; below={x}"));
    }
    if let Some(p) = &b.per_unit {
        s.push_str(&format!(
            "; per_unit {} above {} × {}",
            p.metric, p.above, p.amount
        ));
    }
    for g in &b.gate {
        s.push_str(&format!(
            "; gate {} > {} → {:?}",
            kpi_label(&g.metric, g.item.as_deref(), Lang::Zh),
            g.above,
            g.effect
        ));
    }
    s
}

fn config_sheet(ws: &mut Worksheet, f: &Fmts, run: &Run) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let cfg = &run.plan.config.config;
    let mut row = 0u32;
    let pairs = [
        (
            l.pick("期间", "Period"),
            format!(
                "{} ({} ~ {})",
                run.period.label, run.period.start, run.period.end
            ),
        ),
        (
            l.pick("二开口径", "二开 rule"),
            run.secondary_rule.to_string(),
        ),
        (l.pick("配置", "Config"), run.plan.config.name()),
        (
            l.pick("等级线", "Grades"),
            format!(
                "S ≥ {}, A ≥ {}, B ≥ {}, C ≥ {}",
                cfg.grades.s, cfg.grades.a, cfg.grades.b, cfg.grades.c
            ),
        ),
        (
            l.pick("缺数据", "Missing data"),
            format!("{:?}", cfg.scoring.missing).to_lowercase(),
        ),
    ];
    for (k, v) in pairs {
        ws.write_string_with_format(row, 0, k, &f.header)?;
        ws.write_string(row, 1, &v)?;
        row += 1;
    }
    row += 1;
    let headers = [
        l.pick("岗位", "Role"),
        l.pick("指标", "Metric"),
        l.pick("考核项", "Item"),
        l.pick("权重%", "Weight %"),
        l.pick("计分方式", "Method"),
        l.pick("参数", "Numbers"),
        l.pick("否决", "Veto"),
        l.pick("奖金", "Bonus"),
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &f.header)?;
    }
    row += 1;
    for (key, role) in &cfg.roles {
        let label = role.label.clone().unwrap_or_else(|| key.clone());
        for k in &role.kpi {
            ws.write_string(row, 0, format!("{label} ({key})"))?;
            ws.write_string(row, 1, kpi_label(&k.metric, None, l))?;
            if let Some(i) = &k.item {
                ws.write_string(row, 2, i)?;
            }
            ws.write_number(row, 3, k.weight)?;
            let method = match k.method.unwrap_or_default() {
                Method::Linear => "linear",
                Method::Bands => "bands",
                Method::Steps => "steps",
            };
            ws.write_string(row, 4, method)?;
            ws.write_string_with_format(row, 5, role_numbers(k), &f.wrap)?;
            ws.write_string_with_format(row, 6, role_veto(role), &f.wrap)?;
            ws.write_string_with_format(row, 7, role_bonus(role), &f.wrap)?;
            row += 1;
        }
    }
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 16)?;
    ws.set_column_width(5, 40)?;
    ws.set_column_width(6, 30)?;
    ws.set_column_width(7, 40)?;
    print_setup(ws, run)
}

fn inputs_sheet(ws: &mut Worksheet, f: &Fmts, run: &Run) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let headers = [
        l.pick("类型", "Kind"),
        l.pick("文件", "File"),
        l.pick("工作表", "Sheet"),
        "sha256",
        l.pick("行数", "Rows"),
        l.pick("采用", "Used"),
        l.pick("期外", "Out of period"),
        l.pick("拒绝", "Rejected"),
        l.pick("跳过", "Skipped"),
        l.pick("采用金额", "Amount used"),
        l.pick("工具版本", "Tool version"),
    ];
    let hs: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
    write_header(ws, f, &hs)?;
    for (n, i) in run.ds.inputs.iter().enumerate() {
        let row = n as u32 + 1;
        ws.write_string(row, 0, i.kind.key())?;
        ws.write_string(row, 1, &i.file)?;
        if let Some(s) = &i.sheet {
            ws.write_string(row, 2, s)?;
        }
        ws.write_string(row, 3, &i.sha256)?;
        ws.write_number(row, 4, i.rows as f64)?;
        ws.write_number(row, 5, i.used as f64)?;
        ws.write_number(row, 6, i.out_of_period as f64)?;
        ws.write_number(row, 7, i.rejected as f64)?;
        ws.write_number(row, 8, i.skipped as f64)?;
        if let Some(a) = i.amount_used {
            ws.write_number_with_format(row, 9, a, &f.yuan)?;
        }
        ws.write_string(row, 10, format!("clinic-kpi {}", env!("CARGO_PKG_VERSION")))?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_column_width(1, 24)?;
    ws.set_column_width(3, 20)?;
    print_setup(ws, run)
}

fn issues_sheet(ws: &mut Worksheet, f: &Fmts, run: &Run) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let headers = [
        l.pick("级别", "Severity"),
        l.pick("文件", "File"),
        l.pick("工作表", "Sheet"),
        l.pick("行", "Row"),
        l.pick("列", "Column"),
        l.pick("值", "Value"),
        l.pick("说明", "Message"),
    ];
    let hs: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
    write_header(ws, f, &hs)?;
    for (n, i) in run.ds.issues.iter().enumerate() {
        let row = n as u32 + 1;
        ws.write_string(row, 0, i.severity.label(l))?;
        if let Some(s) = &i.file {
            ws.write_string(row, 1, s)?;
        }
        if let Some(s) = &i.sheet {
            ws.write_string(row, 2, s)?;
        }
        if let Some(r) = i.row {
            ws.write_number(row, 3, r)?;
        }
        if let Some(s) = &i.column {
            ws.write_string(row, 4, s)?;
        }
        if let Some(s) = &i.value {
            ws.write_string(row, 5, s)?;
        }
        ws.write_string_with_format(row, 6, &i.message, &f.wrap)?;
    }
    let last = run.ds.issues.len() as u32;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last.max(1), 6)?;
    ws.set_column_width(1, 24)?;
    ws.set_column_width(6, 60)?;
    print_setup(ws, run)
}

/// Builds the workbook in memory.
pub fn build(run: &Run) -> Result<Vec<u8>, XlsxError> {
    let l = run.plan.lang;
    let f = Fmts::new();
    let cfg = &run.plan.config.config;
    let mut wb = Workbook::new();
    let start = run.period.start;
    let created =
        ExcelDateTime::from_ymd(start.year() as u16, start.month() as u8, start.day() as u8)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("clinic-kpi")
            .set_title(format!("KPI {}", run.period.label)),
    );
    let mut used = Vec::new();
    // People in display order: role (config order), rank, name.
    let roles: Vec<&String> = cfg.roles.keys().collect();
    let mut people: Vec<&PersonResult> = run.results.iter().collect();
    people.sort_by_key(|r| {
        (
            roles.iter().position(|k| **k == r.person.role),
            r.rank,
            r.person.name.clone(),
        )
    });
    // The union of KPIs in config role order.
    let mut keys: Vec<KpiKey> = Vec::new();
    for role in cfg.roles.values() {
        for k in &role.kpi {
            let m = defs::metric(&k.metric)
                .map(|d| d.key.to_string())
                .unwrap_or_else(|| k.metric.clone());
            let key = (m, k.item.clone());
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    let name = sheet_name(l.pick("汇总", "Summary"), &mut used);
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    people_sheet(ws, &f, run, &people, &keys, None)?;
    for (key, role) in &cfg.roles {
        let rows: Vec<&PersonResult> = people
            .iter()
            .copied()
            .filter(|r| &r.person.role == key)
            .collect();
        let rkeys: Vec<KpiKey> = role
            .kpi
            .iter()
            .map(|k| {
                (
                    defs::metric(&k.metric)
                        .map(|d| d.key.to_string())
                        .unwrap_or_else(|| k.metric.clone()),
                    k.item.clone(),
                )
            })
            .collect();
        let weights: Vec<f64> = role.kpi.iter().map(|k| k.weight).collect();
        let name = sheet_name(role.label.as_deref().unwrap_or(key), &mut used);
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        people_sheet(ws, &f, run, &rows, &rkeys, Some(&weights))?;
    }
    let name = sheet_name(l.pick("口径", "Config"), &mut used);
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    config_sheet(ws, &f, run)?;
    let name = sheet_name(l.pick("数据", "Inputs"), &mut used);
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    inputs_sheet(ws, &f, run)?;
    let name = sheet_name(l.pick("数据问题", "Issues"), &mut used);
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    issues_sheet(ws, &f, run)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::sheet_name;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = Vec::new();
        assert_eq!(sheet_name("a/b[c]", &mut used), "a_b_c_");
        assert_eq!(sheet_name("A/B[C]", &mut used), "A_B_C_ (2)");
        let long = "x".repeat(40);
        let n = sheet_name(&long, &mut used);
        assert_eq!(n.chars().count(), 31);
        let n2 = sheet_name(&long, &mut used);
        assert_eq!(n2.chars().count(), 31);
        assert_ne!(n, n2);
    }
}
