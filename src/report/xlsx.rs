//! The Excel scorecard (SPEC §6.3): 汇总, one sheet per role, 口径, 数据 and 数据问题.
//!
//! Text is always written as a string (never a formula); the totals are live formulas carrying
//! the computed total as their cached result; the creation time is the period start so the same
//! inputs give the same bytes. Writing the file atomically is `report::write`'s job.

use crate::clinic::overview::Overview;
use crate::cmd::score::{flag_label, Run};
use crate::config::{Config, GateEffect, Method, Missing, Role};
use crate::metrics::compute::Status;
use crate::metrics::defs::{self, Unit};
use crate::scoring::engine::{self, KpiResult, PersonResult};
use crate::Lang;
use chrono::Datelike;
use rust_xlsxwriter::{
    utility::row_col_to_cell, ConditionalFormat3ColorScale, DocProperties, ExcelDateTime, Format,
    FormatBorder, Formula, Note, Workbook, Worksheet, XlsxError,
};

/// Rows on one worksheet, Excel's limit.
pub const MAX_ROWS: u32 = 1_048_576;

/// Text in one cell, Excel's limit (in UTF-16 units).
const MAX_CELL_TEXT: usize = 32_767;

/// `s` cut to what one cell (or note) holds, with a mark saying so: a 1 MiB value from a broken
/// export must not stop the scorecard from being written.
pub(crate) fn fit(s: &str, max_utf16: usize) -> std::borrow::Cow<'_, str> {
    if s.encode_utf16().count() <= max_utf16 {
        return std::borrow::Cow::Borrowed(s);
    }
    const MARK: &str = " …[cut]";
    let room = max_utf16 - MARK.encode_utf16().count();
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push_str(MARK);
    std::borrow::Cow::Owned(out)
}

/// Writing text that may come from the inputs: always a string (never a formula), cut to fit.
pub(crate) trait WriteText {
    fn text(&mut self, row: u32, col: u16, s: &str) -> Result<&mut Worksheet, XlsxError>;
    fn text_fmt(
        &mut self,
        row: u32,
        col: u16,
        s: &str,
        f: &Format,
    ) -> Result<&mut Worksheet, XlsxError>;
}

impl WriteText for Worksheet {
    fn text(&mut self, row: u32, col: u16, s: &str) -> Result<&mut Worksheet, XlsxError> {
        self.write_string(row, col, fit(s, MAX_CELL_TEXT))
    }

    fn text_fmt(
        &mut self,
        row: u32,
        col: u16,
        s: &str,
        f: &Format,
    ) -> Result<&mut Worksheet, XlsxError> {
        self.write_string_with_format(row, col, fit(s, MAX_CELL_TEXT), f)
    }
}

/// Fills that mark a flagged cell.
const FILL_STATUS: u32 = 0xFFF2CC; // a KPI not ok: yellow
const FILL_ADJUSTED: u32 = 0xE4DFEC; // an adjusted KPI: lilac
const FILL_VETO: u32 = 0xF8CBAD; // a vetoed total: red
const FILL_BOTTOM: u32 = 0xFCE4D6; // a bottom rank: orange

pub(crate) struct Fmts {
    pub header: Format,
    pub wrap: Format,
    pub bold: Format,
    pub title: Format,
    pub score: Format,
    pub total: Format,
    pub bonus: Format,
    pub yuan: Format,
    pub line: Format,
    pub weight: Format,
}

impl Fmts {
    pub fn new() -> Fmts {
        Fmts {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(0xDDEBF7)
                .set_border(FormatBorder::Thin),
            wrap: Format::new().set_text_wrap(),
            bold: Format::new().set_bold(),
            title: Format::new().set_bold().set_font_size(14),
            score: Format::new().set_num_format("0.0"),
            total: Format::new().set_num_format("0.00").set_bold(),
            bonus: Format::new().set_num_format("¥#,##0;-¥#,##0;¥0"),
            yuan: Format::new().set_num_format("¥#,##0.00"),
            line: Format::new().set_border_bottom(FormatBorder::Thin),
            weight: Format::new().set_num_format("0.0#"),
        }
    }
}

/// The number format of a metric's values.
pub(crate) fn value_format(metric: &str) -> Format {
    Format::new().set_num_format(match defs::metric(metric).map(|d| d.unit) {
        Some(Unit::Percent) => "0.0%",
        Some(Unit::Yuan) => "¥#,##0.00",
        Some(Unit::Hours) => "0.0\"h\"",
        _ => "0.##",
    })
}

/// The number format of a change against the previous period (环比), with its sign.
pub(crate) fn change_format(metric: &str) -> Format {
    Format::new().set_num_format(match defs::metric(metric).map(|d| d.unit) {
        Some(Unit::Percent) => "+0.0%;-0.0%;0.0%",
        Some(Unit::Yuan) => "+¥#,##0.00;-¥#,##0.00;¥0",
        _ => "+0.0#;-0.0#;0",
    })
}

/// A KPI's value cell format, highlighted when the KPI is flagged.
pub(crate) fn value_cell_format(k: &KpiResult) -> Format {
    let f = value_format(k.metric);
    if k.adjustment.is_some() {
        f.set_background_color(FILL_ADJUSTED)
    } else if k.status != Status::Ok {
        f.set_background_color(FILL_STATUS)
    } else {
        f
    }
}

pub(crate) fn total_format(r: &PersonResult, f: &Fmts) -> Format {
    if r.vetoed {
        f.total.clone().set_background_color(FILL_VETO)
    } else {
        f.total.clone()
    }
}

pub(crate) fn note(text: &str) -> Note {
    let lines = text.lines().count().max(1) as u32;
    let longest = text.lines().map(display_width).max().unwrap_or(10) as u32;
    Note::new(fit(text, MAX_CELL_TEXT - 100))
        .add_author_prefix(false)
        .set_author("clinic-kpi")
        .set_width((longest * 7 + 20).clamp(220, 520))
        .set_height((lines * 18 + 20).clamp(60, 400))
}

/// Width of text in Excel column units: CJK and other wide characters count double.
pub(crate) fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// Column widths that fit the text written, kept per column while a sheet is written.
#[derive(Default)]
pub(crate) struct Widths(Vec<usize>);

impl Widths {
    pub fn see(&mut self, col: u16, text: &str) {
        let c = col as usize;
        if self.0.len() <= c {
            self.0.resize(c + 1, 0);
        }
        let w = text.lines().map(display_width).max().unwrap_or(0);
        self.0[c] = self.0[c].max(w);
    }

    /// Sets every seen column's width, between `min` and `max` characters.
    pub fn apply(&self, ws: &mut Worksheet, min: usize, max: usize) -> Result<(), XlsxError> {
        for (c, w) in self.0.iter().enumerate() {
            ws.set_column_width(c as u16, (*w + 2).clamp(min, max) as f64)?;
        }
        Ok(())
    }
}

/// A number in a derivation: money parts (业绩, 业绩目标) with ¥, others plain.
fn part_amount(word: &str, x: f64) -> String {
    if word.starts_with("业绩") || word.starts_with("revenue") {
        defs::show_amount("revenue", x)
    } else {
        defs::show_amount("", x)
    }
}

/// The value and how it was formed: "成交 7 / 咨询 9 = 77.8%".
pub(crate) fn derivation(k: &KpiResult, l: Lang) -> String {
    let Some(def) = defs::metric(k.metric) else {
        return String::new();
    };
    let shown = k
        .value
        .map(|v| defs::show_amount(k.metric, v))
        .unwrap_or_else(|| "—".to_string());
    let [num_w, den_w] = match l {
        Lang::Zh => def.parts_zh,
        Lang::En => def.parts_en,
    };
    match (k.numerator, k.denominator) {
        (Some(n), Some(d)) if !num_w.is_empty() => format!(
            "{num_w} {} / {den_w} {} = {shown}",
            part_amount(num_w, n),
            part_amount(den_w, d)
        ),
        (Some(n), None) if !num_w.is_empty() => {
            format!("{num_w} {} / {den_w} — = {shown}", part_amount(num_w, n))
        }
        _ => format!("{} = {shown}", l.pick(def.zh, def.en)),
    }
}

/// Value minus previous value (环比), where both exist.
pub(crate) fn change(k: &KpiResult) -> Option<f64> {
    match (k.value, k.previous) {
        (Some(v), Some(p)) => Some(v - p),
        _ => None,
    }
}

/// The note on a KPI value cell: the derivation, the previous period, the score and its rule,
/// the status when not ok, an adjustment's reason and approver.
pub(crate) fn value_note(k: &KpiResult, l: Lang) -> String {
    let mut lines = vec![derivation(k, l)];
    if let Some(p) = k.previous {
        let mut s = format!(
            "{} {}",
            l.pick("上期", "previous period"),
            defs::show_amount(k.metric, p)
        );
        if let Some(c) = change(k) {
            let sign = if c > 0.0 { "+" } else { "" };
            s.push_str(&format!(
                "{}{sign}{}",
                l.pick("，环比 ", ", change "),
                defs::show_amount(k.metric, c)
            ));
        }
        lines.push(s);
    }
    match k.score {
        Some(s) => lines.push(format!("{} {s:.1}：{}", l.pick("得分", "score"), k.curve)),
        None => lines.push(format!("{}：{}", l.pick("不计分", "not scored"), k.curve)),
    }
    if k.status != Status::Ok {
        lines.push(format!(
            "{}：{}",
            l.pick("状态", "status"),
            k.status.label(l)
        ));
    }
    if let Some(a) = &k.adjustment {
        let what = match (a.value, a.score_delta) {
            (Some(v), _) => format!(
                "{} {}",
                l.pick("改为", "value set to"),
                defs::show_amount(k.metric, v)
            ),
            (None, Some(d)) => format!("{} {d:+}", l.pick("得分调整", "score")),
            (None, None) => String::new(),
        };
        lines.push(format!(
            "{}：{what}；{}（{}：{}）",
            l.pick("调整", "adjusted"),
            a.reason,
            l.pick("审批人", "approved by"),
            a.approved_by
        ));
    }
    if l == Lang::En {
        lines
            .iter()
            .map(|s| {
                s.replace('：', ": ")
                    .replace('；', "; ")
                    .replace(['（', '）'], " ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        lines.join("\n")
    }
}

/// The live total: (score×weight + …)/100 over the given cells, capped with MIN when vetoed.
pub(crate) fn total_formula(r: &PersonResult, cfg: &Config, terms: &[String]) -> String {
    let sum = if terms.is_empty() {
        "0".to_string()
    } else {
        format!("({})/100", terms.join("+"))
    };
    if r.vetoed {
        let cap = cfg
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
    }
}

/// 距下一等级: "A 差 9.97 分".
pub(crate) fn next_grade_text(r: &PersonResult, l: Lang) -> String {
    match &r.next_grade {
        None => l.pick("已是最高等级", "top grade").to_string(),
        Some((g, gap)) => match l {
            Lang::Zh => format!("{g} 差 {gap:.2} 分"),
            Lang::En => format!("{g}: {gap:.2} points short"),
        },
    }
}

/// 距下一奖金档: "业绩达成率 差 15%（达 100% 奖 ¥3,000）".
pub(crate) fn next_tier_text(r: &PersonResult, l: Lang) -> String {
    let Some(t) = &r.next_tier else {
        return String::new();
    };
    let (label, metric) = if t.basis == "total" {
        (l.pick("总分", "total").to_string(), "")
    } else {
        (defs::kpi_label(&t.basis, None, l), t.basis.as_str())
    };
    let money = defs::show_amount("revenue", t.amount);
    match l {
        Lang::Zh => format!(
            "{label} 差 {}（达 {} 奖 {money}）",
            defs::show_amount(metric, t.gap),
            defs::show_amount(metric, t.threshold)
        ),
        Lang::En => format!(
            "{label} {} short of {} (pays {money})",
            defs::show_amount(metric, t.gap),
            defs::show_amount(metric, t.threshold)
        ),
    }
}

pub(crate) fn flags_text(r: &PersonResult, l: Lang) -> String {
    let flags: Vec<&str> = r.flags.iter().map(|x| flag_label(x, l)).collect();
    let mut text = flags.join(" ");
    if let Some(v) = &r.veto_note {
        text = format!("{text} ({v})");
    }
    text.trim().to_string()
}

/// Landscape, one page wide, header row(s) repeated, footer with the period and page.
pub(crate) fn print_setup(
    ws: &mut Worksheet,
    period: &str,
    repeat: Option<(u32, u32)>,
) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    if let Some((first, last)) = repeat {
        ws.set_repeat_rows(first, last)?;
    }
    let period = period.replace('&', "&&");
    ws.set_footer(format!("&L{period}&C&A&R&P / &N"));
    Ok(())
}

/// Writes `headers` across `row` in the header format.
pub(crate) fn header_cells(
    ws: &mut Worksheet,
    f: &Fmts,
    row: u32,
    headers: &[&str],
) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        ws.text_fmt(row, c as u16, h, &f.header)?;
    }
    Ok(())
}

/// Writes label/value lines down columns A and B from `row`, skipping empty values; returns the
/// row after the last.
pub(crate) fn label_lines(
    ws: &mut Worksheet,
    label: &Format,
    mut row: u32,
    lines: &[(&str, String)],
) -> Result<u32, XlsxError> {
    for (k, v) in lines {
        if v.is_empty() {
            continue;
        }
        ws.text_fmt(row, 0, k, label)?;
        ws.text(row, 1, v)?;
        row += 1;
    }
    Ok(row)
}

fn write_header(
    ws: &mut Worksheet,
    f: &Fmts,
    headers: &[String],
    widths: &mut Widths,
) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        ws.text_fmt(0, c as u16, h, &f.header)?;
        // Headers wrap: count about half their width.
        widths.see(
            c as u16,
            &h.chars()
                .take(h.chars().count() / 2 + 1)
                .collect::<String>(),
        );
    }
    Ok(())
}

/// A KPI column: (metric, item).
type KpiKey = (String, Option<String>);

/// Columns per KPI on the people sheets: value, score, effective weight, change.
const KPI_COLS: u16 = 4;

/// The overview columns that come first on the people sheets, before the KPI blocks.
const OVERVIEW: u16 = 12;

/// Where each overview column is.
mod ov {
    pub const NAME: u16 = 0;
    pub const ROLE: u16 = 1;
    pub const STORE: u16 = 2;
    pub const DEPT: u16 = 3;
    pub const TOTAL: u16 = 4;
    pub const GRADE: u16 = 5;
    pub const RANK: u16 = 6;
    pub const OF: u16 = 7;
    pub const BONUS: u16 = 8;
    pub const NEXT_GRADE: u16 = 9;
    pub const NEXT_TIER: u16 = 10;
    pub const FLAGS: u16 = 11;
}

/// Header rows on the people sheets: KPI labels over their four columns, then the sub-labels.
const HEADER_ROWS: u32 = 2;

/// Writes one person's row: the overview (name … flags, the total a live formula over the
/// score × effective weight cells) then per KPI its value, score, effective weight and change.
#[allow(clippy::too_many_arguments)]
fn write_person(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    row: u32,
    r: &PersonResult,
    keys: &[KpiKey],
    widths: &mut Widths,
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let ds = &run.ds;
    let mut text = |ws: &mut Worksheet, col: u16, s: &str| -> Result<(), XlsxError> {
        widths.see(col, s);
        ws.text(row, col, s)?;
        Ok(())
    };
    text(ws, ov::NAME, &r.person.name)?;
    text(ws, ov::ROLE, &r.role_label)?;
    if let Some(s) = r.person.store {
        text(ws, ov::STORE, ds.name(s))?;
    }
    if let Some(d) = r.person.department {
        text(ws, ov::DEPT, ds.name(d))?;
    }
    let mut terms = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let col = OVERVIEW + KPI_COLS * i as u16;
        let Some(k) = r.kpis.iter().find(|k| k.metric == key.0 && k.item == key.1) else {
            continue;
        };
        match k.value {
            Some(v) => ws.write_number_with_format(row, col, v, &value_cell_format(k))?,
            None => ws.text_fmt(row, col, "—", &value_cell_format(k))?,
        };
        ws.insert_note(row, col, &note(&value_note(k, l)))?;
        if let Some(s) = k.score {
            ws.write_number_with_format(row, col + 1, s, &f.score)?;
            terms.push(format!(
                "{}*{}",
                row_col_to_cell(row, col + 1),
                row_col_to_cell(row, col + 2)
            ));
        }
        ws.write_number_with_format(row, col + 2, k.effective_weight, &f.weight)?;
        if let Some(c) = change(k) {
            ws.write_number_with_format(row, col + 3, c, &change_format(k.metric))?;
        }
    }
    let formula = total_formula(r, &run.plan.config.config, &terms);
    ws.write_formula_with_format(
        row,
        ov::TOTAL,
        Formula::new(formula).set_result(format!("{}", r.total)),
        &total_format(r, f),
    )?;
    if let Some(v) = &r.veto_note {
        ws.insert_note(row, ov::TOTAL, &note(v))?;
    }
    ws.text(row, ov::GRADE, &r.grade)?;
    if r.flags.contains(&"bottom") {
        let fill = Format::new().set_background_color(FILL_BOTTOM);
        ws.write_number_with_format(row, ov::RANK, r.rank, &fill)?;
    } else {
        ws.write_number(row, ov::RANK, r.rank)?;
    }
    ws.write_number(row, ov::OF, r.rank_of)?;
    if let Some(b) = r.bonus {
        ws.write_number_with_format(row, ov::BONUS, b, &f.bonus)?;
        if !r.bonus_steps.is_empty() {
            ws.insert_note(row, ov::BONUS, &note(&r.bonus_steps.join("\n")))?;
        }
    }
    text(ws, ov::NEXT_GRADE, &next_grade_text(r, l))?;
    text(ws, ov::NEXT_TIER, &next_tier_text(r, l))?;
    let flags = flags_text(r, l);
    widths.see(ov::FLAGS, &flags);
    if flags.is_empty() {
        ws.text(row, ov::FLAGS, "")?;
    } else {
        let fill = Format::new().set_background_color(FILL_STATUS);
        ws.text_fmt(row, ov::FLAGS, &flags, &fill)?;
    }
    Ok(())
}

/// The overview headers of a people sheet.
fn overview_headers(l: Lang) -> [&'static str; OVERVIEW as usize] {
    [
        l.pick("姓名", "Staff"),
        l.pick("岗位", "Role"),
        l.pick("门店", "Store"),
        l.pick("科室", "Department"),
        l.pick("总分", "Total"),
        l.pick("等级", "Grade"),
        l.pick("排名", "Rank"),
        l.pick("排名人数", "Of"),
        l.pick("奖金", "Bonus"),
        l.pick("距下一等级", "To next grade"),
        l.pick("距下一奖金档", "To next bonus tier"),
        l.pick("标记", "Flags"),
    ]
}

/// The sub-headers under each KPI label.
fn kpi_subheaders(l: Lang) -> [&'static str; KPI_COLS as usize] {
    [
        l.pick("本期值", "Value"),
        l.pick("得分", "Score"),
        l.pick("权重%", "Weight %"),
        l.pick("环比", "Change"),
    ]
}

/// A sheet of people with the given KPI columns: two header rows (the overview headers span
/// both; each KPI label spans its four columns above 本期值 / 得分 / 权重% / 环比), one row per
/// person below.
fn people_sheet(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    people: &[&PersonResult],
    keys: &[KpiKey],
    weights: Option<&[f64]>,
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let cfg = &run.plan.config.config;
    let mut widths = Widths::default();
    for (c, h) in overview_headers(l).iter().enumerate() {
        ws.merge_range(0, c as u16, 1, c as u16, h, &f.header)?;
        widths.see(c as u16, &h.chars().take(4).collect::<String>());
    }
    for (i, (m, item)) in keys.iter().enumerate() {
        let col = OVERVIEW + KPI_COLS * i as u16;
        let label = defs::kpi_label(m, item.as_deref(), l);
        let label = match weights {
            Some(w) => format!("{label} ({}%)", w[i]),
            None => label,
        };
        ws.merge_range(
            0,
            col,
            0,
            col + KPI_COLS - 1,
            &fit(&label, MAX_CELL_TEXT),
            &f.header,
        )?;
        for (n, sub) in kpi_subheaders(l).iter().enumerate() {
            ws.text_fmt(1, col + n as u16, sub, &f.header)?;
        }
        // The note on the label: definition and the rule(s) in words with this config's numbers.
        let mut text = defs::metric(m)
            .map(|d| l.pick(d.definition_zh, d.definition_en).to_string())
            .unwrap_or_default();
        let mut rules: Vec<String> = Vec::new();
        for r in people {
            if let Some(k) = r.kpis.iter().find(|k| k.metric == *m && k.item == *item) {
                let line = if weights.is_some() {
                    k.curve.clone()
                } else {
                    format!("{}: {}", r.role_label, k.curve)
                };
                if !rules.contains(&line) {
                    rules.push(line);
                }
            }
        }
        for c in rules.iter().take(8) {
            text.push('\n');
            text.push_str(c);
        }
        ws.insert_note(0, col, &note(&text))?;
        ws.insert_note(
            1,
            col + 2,
            &note(l.pick(
                "有效权重：数据不足的指标不计分时，其权重按比例分给其余指标（口径表“缺数据”）",
                "effective weight: when a KPI is not scored its weight is shared out among the others (Config sheet, missing data)",
            )),
        )?;
        ws.insert_note(
            1,
            col + 3,
            &note(l.pick(
                "环比 = 本期值 − 上期值（上一个同长度期间）",
                "change = this period's value − the previous period's",
            )),
        )?;
        let money = defs::metric(m).is_some_and(|d| d.unit == Unit::Yuan);
        ws.set_column_width(col, if money { 12.0 } else { 8.0 })?;
        ws.set_column_width(col + 1, 6.5)?;
        ws.set_column_width(col + 2, 6.5)?;
        ws.set_column_width(col + 3, if money { 11.0 } else { 8.0 })?;
    }
    ws.insert_note(
        0,
        ov::TOTAL,
        &note(l.pick(
            "总分 = Σ 得分 × 有效权重 ÷ 100（公式可在 Excel 中重算）；触发否决时取 MIN(总分, 封顶分)",
            "total = Σ score × effective weight ÷ 100 (a live formula); a veto caps it with MIN(total, cap)",
        )),
    )?;
    ws.insert_note(
        0,
        ov::GRADE,
        &note(&format!(
            "S ≥ {}, A ≥ {}, B ≥ {}, C ≥ {}, {}",
            cfg.grades.s,
            cfg.grades.a,
            cfg.grades.b,
            cfg.grades.c,
            l.pick("否则 D", "else D")
        )),
    )?;
    for (n, r) in people.iter().enumerate() {
        write_person(ws, f, run, HEADER_ROWS + n as u32, r, keys, &mut widths)?;
    }
    let last_row = (HEADER_ROWS + people.len() as u32).saturating_sub(1);
    let last_col = OVERVIEW + KPI_COLS * keys.len() as u16 - 1;
    ws.set_freeze_panes(HEADER_ROWS, 1)?;
    ws.autofilter(1, 0, last_row.max(HEADER_ROWS), last_col)?;
    if !people.is_empty() {
        for i in 0..keys.len() {
            let c = OVERVIEW + KPI_COLS * i as u16 + 1;
            ws.add_conditional_format(
                HEADER_ROWS,
                c,
                last_row,
                c,
                &ConditionalFormat3ColorScale::new(),
            )?;
        }
    }
    widths.apply(ws, 6, 44)?;
    ws.set_row_height(0, 30)?;
    print_setup(ws, &run.period.label, Some((0, HEADER_ROWS - 1)))
}

/// The factor a rule's thresholds are multiplied by for the period (sums and counts scale with
/// the months, SPEC §3.2; a part-month person's own thresholds are further pro-rated).
fn period_scale(metric: &str, months: f64) -> f64 {
    match defs::metric(metric) {
        Some(d) if d.scales_with_period() => months,
        _ => 1.0,
    }
}

fn role_veto(role: &Role, l: Lang, months: f64) -> String {
    role.veto
        .iter()
        .map(|v| {
            let above = defs::show_amount(&v.metric, v.above * period_scale(&v.metric, months));
            let label = defs::kpi_label(&v.metric, v.item.as_deref(), l);
            match l {
                Lang::Zh => format!("{label} > {above} 时总分封顶 {}", v.cap_total),
                Lang::En => format!("{label} > {above} caps the total at {}", v.cap_total),
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

fn role_bonus(role: &Role, l: Lang, months: f64) -> String {
    let Some(b) = &role.bonus else {
        return String::new();
    };
    let money = |x: f64| defs::show_amount("revenue", x * months);
    let (basis_label, basis_metric) = if b.basis == "total" {
        (l.pick("总分", "total").to_string(), "")
    } else {
        (defs::kpi_label(&b.basis, None, l), b.basis.as_str())
    };
    let k = period_scale(basis_metric, months);
    let mut parts = Vec::new();
    let tiers: Vec<String> = b
        .tiers
        .iter()
        .map(|[a, v]| {
            format!(
                "≥ {} → {}",
                defs::show_amount(basis_metric, a * k),
                money(*v)
            )
        })
        .collect();
    parts.push(format!(
        "{}{basis_label}：{}",
        l.pick("依据 ", "basis "),
        tiers.join("，")
    ));
    if let Some(x) = b.below {
        parts.push(format!(
            "{} {}",
            l.pick("未达任何档", "below every tier"),
            money(x)
        ));
    }
    if let Some(p) = &b.per_unit {
        let above = defs::show_amount(&p.metric, p.above * period_scale(&p.metric, months));
        parts.push(format!(
            "{} {} > {above}：× {}",
            defs::kpi_label(&p.metric, None, l),
            l.pick("超出部分每单位", "each unit above"),
            defs::show_amount("revenue", p.amount)
        ));
    }
    for g in &b.gate {
        let effect = match (g.effect, l) {
            (GateEffect::Zero, Lang::Zh) => "奖金清零",
            (GateEffect::Halve, Lang::Zh) => "奖金减半",
            (GateEffect::Zero, Lang::En) => "zeroes the bonus",
            (GateEffect::Halve, Lang::En) => "halves the bonus",
        };
        let above = defs::show_amount(&g.metric, g.above * period_scale(&g.metric, months));
        parts.push(format!(
            "{}{} > {above}：{effect}",
            g.scope.unwrap_or_default().label(l),
            defs::kpi_label(&g.metric, g.item.as_deref(), l),
        ));
    }
    let text = parts.join("；");
    if l == Lang::En {
        text.replace('：', ": ")
            .replace('；', "; ")
            .replace('，', ", ")
    } else {
        text
    }
}

fn config_sheet(ws: &mut Worksheet, f: &Fmts, run: &Run) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let cfg = &run.plan.config.config;
    let months = run.period.months();
    let mut widths = Widths::default();
    let secondary = match run.secondary_rule {
        "type" => l.pick(
            "type：按消费记录的类型列（二开/复购）认定",
            "type: the sale's type column says 二开",
        ),
        _ => l.pick(
            "derive：同一顾客本期第二笔起的正向消费为二开",
            "derive: a customer's second and later positive sales in the period are 二开",
        ),
    };
    let missing = match cfg.scoring.missing {
        Missing::Reweight => l.pick(
            "reweight：数据不足的指标不计分，其权重按比例分给其余指标",
            "reweight: a KPI that is not ok is not scored and its weight goes to the others",
        ),
        Missing::Zero => l.pick(
            "zero：数据不足的指标按 0 分计",
            "zero: a KPI that is not ok scores 0",
        ),
        Missing::Target => l.pick(
            "target：数据不足的指标按 100 分计",
            "target: a KPI that is not ok scores 100",
        ),
    };
    let pairs = [
        (
            l.pick("期间", "Period"),
            format!(
                "{} ({} ~ {}, {} {})",
                run.period.label,
                run.period.start,
                run.period.end,
                months,
                l.pick("个月", "month(s)")
            ),
        ),
        (l.pick("二开口径", "二开 rule"), secondary.to_string()),
        (l.pick("配置", "Config"), run.plan.config.name()),
        (
            l.pick("等级线", "Grades"),
            format!(
                "S ≥ {}, A ≥ {}, B ≥ {}, C ≥ {}, {}",
                cfg.grades.s,
                cfg.grades.a,
                cfg.grades.b,
                cfg.grades.c,
                l.pick("否则 D", "else D")
            ),
        ),
        (l.pick("缺数据", "Missing data"), missing.to_string()),
        (
            l.pick("折算", "Scaling"),
            l.pick(
                "合计类与计数类指标的目标、奖金金额按月数折算；部分在岗者本人的目标与奖金再按在岗天数比例折算",
                "targets of sums and counts and bonus amounts are × months; a part-period person's own are further × the share of days employed",
            )
            .to_string(),
        ),
    ];
    let mut row = label_lines(ws, &f.header, 0, &pairs)? + 1;
    let headers = [
        l.pick("岗位", "Role"),
        l.pick("指标", "Metric"),
        l.pick("考核项", "Item"),
        l.pick("权重%", "Weight %"),
        l.pick("范围", "Scope"),
        l.pick("计分规则（本期）", "Rule (this period)"),
        l.pick("最小样本", "Min sample"),
        l.pick("否决", "Veto"),
        l.pick("奖金", "Bonus"),
    ];
    let header_row = row;
    header_cells(ws, f, row, &headers)?;
    row += 1;
    for (key, role) in &cfg.roles {
        let label = format!("{} ({key})", role.shown_label(key));
        let veto = role_veto(role, l, months);
        let bonus = role_bonus(role, l, months);
        for k in &role.kpi {
            let Some(def) = defs::metric(&k.metric) else {
                continue;
            };
            let higher = engine::better_of(k, def);
            let rule = engine::describe_curve(k, def.key, higher, period_scale(def.key, months), l);
            let cells = [
                label.clone(),
                defs::kpi_label(def.key, None, l),
                k.item.clone().unwrap_or_default(),
            ];
            for (c, t) in cells.iter().enumerate() {
                widths.see(c as u16, t);
                ws.text(row, c as u16, t)?;
            }
            ws.write_number(row, 3, k.weight)?;
            ws.text(row, 4, k.scope.unwrap_or_default().label(l))?;
            ws.text_fmt(row, 5, &rule, &f.wrap)?;
            if let Some(m) = k.min_sample.or(def.min_sample) {
                ws.write_number(row, 6, m)?;
            }
            ws.text_fmt(row, 7, &veto, &f.wrap)?;
            ws.text_fmt(row, 8, &bonus, &f.wrap)?;
            let method = match k.method.unwrap_or_default() {
                Method::Linear => "linear",
                Method::Bands => "bands",
                Method::Steps => "steps",
            };
            ws.insert_note(row, 5, &note(&format!("method = \"{method}\"")))?;
            row += 1;
        }
    }
    // Applied adjustments (SPEC §5.4: listed on the Config sheet).
    row += 1;
    ws.text_fmt(
        row,
        0,
        l.pick("已应用的调整", "Adjustments applied"),
        &f.bold,
    )?;
    row += 1;
    let adj_headers = [
        l.pick("姓名", "Staff"),
        l.pick("指标", "Metric"),
        l.pick("考核项", "Item"),
        l.pick("改为", "Value set to"),
        l.pick("得分调整", "Score change"),
        l.pick("原因", "Reason"),
        l.pick("审批人", "Approved by"),
    ];
    header_cells(ws, f, row, &adj_headers)?;
    row += 1;
    let mut any = false;
    for r in &run.results {
        for k in &r.kpis {
            let Some(a) = &k.adjustment else { continue };
            any = true;
            ws.text(row, 0, &r.person.name)?;
            ws.text(row, 1, &defs::kpi_label(k.metric, None, l))?;
            if let Some(i) = &k.item {
                ws.text(row, 2, i)?;
            }
            if let Some(v) = a.value {
                ws.write_number_with_format(row, 3, v, &value_format(k.metric))?;
            }
            if let Some(d) = a.score_delta {
                ws.write_number(row, 4, d)?;
            }
            ws.text_fmt(row, 5, &a.reason, &f.wrap)?;
            ws.text(row, 6, &a.approved_by)?;
            row += 1;
        }
    }
    if !any {
        ws.text(row, 0, l.pick("（无）", "(none)"))?;
    }
    widths.apply(ws, 10, 24)?;
    ws.set_column_width(5, 46)?;
    ws.set_column_width(7, 30)?;
    ws.set_column_width(8, 46)?;
    print_setup(ws, &run.period.label, Some((header_row, header_row)))
}

fn inputs_sheet(ws: &mut Worksheet, f: &Fmts, run: &Run) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let headers: Vec<String> = [
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
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut widths = Widths::default();
    write_header(ws, f, &headers, &mut widths)?;
    let version = format!("clinic-kpi {}", env!("CARGO_PKG_VERSION"));
    for (n, i) in run.ds.inputs.iter().enumerate() {
        let row = n as u32 + 1;
        for (c, t) in [
            (0, i.kind.key()),
            (1, i.file.as_str()),
            (2, i.sheet.as_deref().unwrap_or("")),
            (10, version.as_str()),
        ] {
            widths.see(c, t);
            if !t.is_empty() {
                ws.text(row, c, t)?;
            }
        }
        ws.text(row, 3, &i.sha256)?;
        ws.write_number(row, 4, i.rows as f64)?;
        ws.write_number(row, 5, i.used as f64)?;
        ws.write_number(row, 6, i.out_of_period as f64)?;
        ws.write_number(row, 7, i.rejected as f64)?;
        ws.write_number(row, 8, i.skipped as f64)?;
        if let Some(a) = i.amount_used {
            ws.write_number_with_format(row, 9, a, &f.yuan)?;
        }
    }
    let last = run.ds.inputs.len() as u32;
    ws.text_fmt(
        last + 2,
        0,
        l.pick(
            "行数 = 采用 + 期外 + 拒绝 + 跳过；被拒绝的每一行都列在“数据问题”表",
            "rows = used + out of period + rejected + skipped; every rejected row is listed on the Issues sheet",
        ),
        &f.bold,
    )?;
    ws.set_freeze_panes(1, 0)?;
    widths.apply(ws, 8, 40)?;
    ws.set_column_width(3, 20)?;
    print_setup(ws, &run.period.label, Some((0, 0)))
}

/// The 数据问题 sheet(s): every issue, split over `数据问题`, `数据问题 (2)`, … when there are more
/// than a sheet holds (`max_rows` rows including the header).
fn issues_sheets(
    wb: &mut Workbook,
    used: &mut Vec<String>,
    f: &Fmts,
    run: &Run,
    max_rows: u32,
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let headers: Vec<String> = [
        l.pick("级别", "Severity"),
        l.pick("文件", "File"),
        l.pick("工作表", "Sheet"),
        l.pick("行", "Row"),
        l.pick("列", "Column"),
        l.pick("值", "Value"),
        l.pick("说明", "Message"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let per_sheet = (max_rows.max(2) - 1) as usize;
    let issues = &run.ds.issues;
    let chunks: Vec<&[crate::issues::Issue]> = if issues.is_empty() {
        vec![&[]]
    } else {
        issues.chunks(per_sheet).collect()
    };
    for chunk in chunks {
        let name = sheet_name(l.pick("数据问题", "Issues"), used);
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        let mut widths = Widths::default();
        write_header(ws, f, &headers, &mut widths)?;
        for (n, i) in chunk.iter().enumerate() {
            let row = n as u32 + 1;
            ws.text(row, 0, i.severity.label(l))?;
            let texts = [
                (1, i.file.as_deref()),
                (2, i.sheet.as_deref()),
                (4, i.column.as_deref()),
                (5, i.shown_value()),
            ];
            for (c, t) in texts {
                if let Some(s) = t {
                    widths.see(c, s);
                    ws.text(row, c, s)?;
                }
            }
            if let Some(r) = i.row {
                ws.write_number(row, 3, r)?;
            }
            ws.text_fmt(row, 6, i.message(), &f.wrap)?;
        }
        if chunk.is_empty() {
            ws.text(1, 6, l.pick("（无）", "(none)"))?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, (chunk.len() as u32).max(1), 6)?;
        widths.apply(ws, 6, 28)?;
        ws.set_column_width(6, 70)?;
        print_setup(ws, &run.period.label, Some((0, 0)))?;
    }
    Ok(())
}

/// A sheet name Excel accepts: ≤ 31 characters, none of `[]:*?/\`, not starting or ending with
/// `'`, unique case-insensitively among `used`.
pub fn sheet_name(want: &str, used: &mut Vec<String>) -> String {
    let clean: String = want
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim_matches('\'').trim().to_string();
    let clean = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
        format!("{clean}_")
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

/// Document properties: fixed creation time (the period's first day), author, title.
pub(crate) fn properties(wb: &mut Workbook, run: &Run, title: &str) -> Result<(), XlsxError> {
    let start = run.period.start;
    let created =
        ExcelDateTime::from_ymd(start.year() as u16, start.month() as u8, start.day() as u8)?;
    wb.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("clinic-kpi")
            .set_title(title),
    );
    Ok(())
}

fn kpi_key(k: &crate::config::Kpi) -> KpiKey {
    (
        defs::metric(&k.metric)
            .map(|d| d.key.to_string())
            .unwrap_or_else(|| k.metric.clone()),
        k.item.clone(),
    )
}

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
    let mut used = Vec::new();
    let people = crate::cmd::score::ordered(run);
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
        let rkeys: Vec<KpiKey> = role.kpi.iter().map(kpi_key).collect();
        let weights: Vec<f64> = role.kpi.iter().map(|k| k.weight).collect();
        let name = sheet_name(role.shown_label(key), &mut used);
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        people_sheet(ws, &f, run, &rows, &rkeys, Some(&weights))?;
    }
    super::overview::add_sheet(&mut wb, &mut used, &f, overview, l)?;
    let name = sheet_name(l.pick("口径", "Config"), &mut used);
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    config_sheet(ws, &f, run)?;
    let name = sheet_name(l.pick("数据", "Inputs"), &mut used);
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    inputs_sheet(ws, &f, run)?;
    issues_sheets(&mut wb, &mut used, &f, run, issue_rows)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Excel reserves "History"; quotes at the ends and control characters are not allowed.
        assert_eq!(sheet_name("History", &mut used), "History_");
        assert_eq!(sheet_name("'x\ty'", &mut used), "x_y");
        assert_eq!(sheet_name("", &mut used), "_");
    }

    #[test]
    fn text_is_cut_to_what_a_cell_holds() {
        assert_eq!(fit("林晓雯", 10), "林晓雯");
        let long = "林".repeat(40_000);
        let cut = fit(&long, MAX_CELL_TEXT);
        assert_eq!(cut.encode_utf16().count(), MAX_CELL_TEXT);
        assert!(cut.ends_with(" …[cut]"));
        // A character outside the BMP is two UTF-16 units and is never split.
        let emoji = "😀".repeat(20_000);
        let cut = fit(&emoji, MAX_CELL_TEXT);
        assert!(cut.encode_utf16().count() <= MAX_CELL_TEXT);
        assert!(cut.trim_end_matches(" …[cut]").chars().all(|c| c == '😀'));
    }

    #[test]
    fn chinese_text_counts_double_width() {
        assert_eq!(display_width("林晓雯"), 6);
        assert_eq!(display_width("Lin 林"), 6);
        let mut w = Widths::default();
        w.see(2, "成交率");
        w.see(2, "ab");
        assert_eq!(w.0, vec![0, 0, 6]);
    }

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
        let period = crate::cmd::period_from_args(&args.period).unwrap();
        let plan = crate::cmd::Plan::new(&args.common, period).unwrap();
        crate::cmd::score::compute(plan, false, None).unwrap()
    }

    #[test]
    fn issues_past_the_row_limit_go_on_more_sheets() {
        use calamine::Reader;
        let run = fixture_run();
        let n = run.ds.issues.len();
        assert!(n >= 5, "the fixture has at least its five errors: {n}");
        // 3 rows a sheet = a header and 2 issues: ⌈n / 2⌉ issue sheets, nothing lost.
        let overview = crate::cmd::score::overview_of(&run);
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
            .map(|i| i.message().to_string())
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
