//! The Excel scorecard (SPEC §6.3): 汇总, one sheet per role, 口径, 数据 and 数据问题.
//!
//! Text is always written as a string (never a formula); the totals are live formulas carrying
//! the computed total as their cached result; the creation time is the period start so the same
//! inputs give the same bytes. Writing the file atomically is `report::write`'s job.

use crate::clinic::overview::Overview;
use crate::config::{Config, GateEffect, Method, Missing, Role};
use crate::metrics::compute::Status;
use crate::metrics::defs::{self, Unit};
use crate::pipeline::{flag_label, Run};
use crate::scoring::engine::{self, KpiResult, PersonResult};
use crate::Lang;
use chrono::Datelike;
use rust_xlsxwriter::{
    utility::row_col_to_cell, ConditionalFormat3ColorScale, ConditionalFormatType, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
    XlsxError,
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
            score: Num::Score.format(),
            total: Num::Total.format().set_bold(),
            bonus: Num::Bonus.format(),
            yuan: Num::Yuan.format(),
            line: Format::new().set_border_bottom(FormatBorder::Thin),
            weight: Num::Weight.format(),
        }
    }
}

/// The number formats of the scorecard, each with the text Excel shows for a value in it, so
/// a column is made wide enough for what it shows (no `###`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Num {
    /// A KPI score: 120.0
    Score,
    /// A total: 100.64
    Total,
    /// Whole yuan: ¥10,000, -¥18,000
    Bonus,
    /// Yuan and fen: ¥86,780.00
    Yuan,
    /// A rate: 77.8%
    Percent,
    /// Hours: 72.0h
    Hours,
    /// A count or mean: 9 or 73.33
    Plain,
    /// An effective weight: 22.22
    Weight,
    /// Changes against the previous period, with their sign.
    /// A change of a rate, in percentage points (the cell holds points): +4.6 个百分点.
    ChangePoints(Lang),
    ChangeYuan,
    ChangePlain,
    /// Ranks, counts, rows: General.
    Int,
}

impl Num {
    /// The Excel number format.
    pub fn code(self) -> &'static str {
        match self {
            Num::Score => "0.0",
            Num::Total => "0.00",
            Num::Bonus => "¥#,##0;-¥#,##0;¥0",
            Num::Yuan => "¥#,##0.00",
            Num::Percent => "0.0%",
            Num::Hours => "0.0\"h\"",
            Num::Plain => "0.##",
            Num::Weight => "0.0#",
            Num::ChangePoints(Lang::Zh) => "+0.0\" 个百分点\";-0.0\" 个百分点\";0.0\" 个百分点\"",
            Num::ChangePoints(Lang::En) => "+0.0\" pp\";-0.0\" pp\";0.0\" pp\"",
            Num::ChangeYuan => "+¥#,##0.00;-¥#,##0.00;¥0",
            Num::ChangePlain => "+0.0#;-0.0#;0",
            Num::Int => "General",
        }
    }

    pub fn format(self) -> Format {
        Format::new().set_num_format(self.code())
    }

    /// The text Excel shows for `x` in this format.
    pub fn show(self, x: f64) -> String {
        let minus = if x < 0.0 { "-" } else { "" };
        let plus_minus = if x > 0.0 { "+" } else { "-" };
        match self {
            Num::Score => format!("{x:.1}"),
            Num::Total => format!("{x:.2}"),
            Num::Bonus => {
                let d = crate::fmt::digits(x, 0);
                if d == "0" {
                    "¥0".to_string()
                } else {
                    format!("{minus}¥{d}")
                }
            }
            Num::Yuan => format!("{minus}¥{}", crate::fmt::digits(x, 2)),
            Num::Percent => format!("{:.1}%", x * 100.0),
            Num::Hours => format!("{x:.1}h"),
            Num::Plain => {
                let s = format!("{x:.2}");
                s.trim_end_matches('0').to_string()
            }
            Num::Weight => {
                let s = format!("{x:.2}");
                s.strip_suffix('0').map(str::to_string).unwrap_or(s)
            }
            Num::ChangePoints(l) => {
                let sign = if x == 0.0 { "" } else { plus_minus };
                format!("{sign}{:.1}{}", x.abs(), l.pick(" 个百分点", " pp"))
            }
            Num::ChangeYuan if x == 0.0 => "¥0".to_string(),
            Num::ChangeYuan => format!("{plus_minus}¥{}", crate::fmt::digits(x, 2)),
            Num::ChangePlain if x == 0.0 => "0".to_string(),
            Num::ChangePlain => {
                let s = format!("{:.2}", x.abs());
                let s = s.strip_suffix('0').map(str::to_string).unwrap_or(s);
                format!("{plus_minus}{s}")
            }
            Num::Int => format!("{x}"),
        }
    }
}

/// The number format of a metric's values.
pub(crate) fn value_num(metric: &str) -> Num {
    match defs::metric(metric).map(|d| d.unit) {
        Some(Unit::Percent) => Num::Percent,
        Some(Unit::Yuan) => Num::Yuan,
        Some(Unit::Hours) => Num::Hours,
        _ => Num::Plain,
    }
}

/// The number format of a change against the previous period (环比), with its sign; a rate's
/// change is in percentage points (see [`change`]).
pub(crate) fn change_num(metric: &str, l: Lang) -> Num {
    match defs::metric(metric).map(|d| d.unit) {
        Some(Unit::Percent) => Num::ChangePoints(l),
        Some(Unit::Yuan) => Num::ChangeYuan,
        _ => Num::ChangePlain,
    }
}

/// The number format of a metric's values.
pub(crate) fn value_format(metric: &str) -> Format {
    value_num(metric).format()
}

/// The number format of a change against the previous period (环比), with its sign.
pub(crate) fn change_format(metric: &str, l: Lang) -> Format {
    change_num(metric, l).format()
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
pub(crate) struct Widths(Vec<usize>, Vec<(u16, f64)>);

/// A column's width in Excel's units for text `chars` wide: a little more than the text, as
/// bold digits and fonts other than Calibri (LibreOffice's stand-ins) run wider.
fn width_for(chars: usize) -> f64 {
    ((chars * 23).div_ceil(20) + 2) as f64
}

impl Widths {
    pub fn see(&mut self, col: u16, text: &str) {
        let c = col as usize;
        if self.0.len() <= c {
            self.0.resize(c + 1, 0);
        }
        let w = text.lines().map(display_width).max().unwrap_or(0);
        self.0[c] = self.0[c].max(w);
    }

    /// Records a number as it is shown in its format.
    pub fn num(&mut self, col: u16, num: Num, x: f64) {
        self.see(col, &num.show(x));
    }

    /// Sets column `col` to `width` whatever was seen (columns of wrapped text).
    pub fn fixed(&mut self, col: u16, width: f64) {
        self.1.retain(|(c, _)| *c != col);
        self.1.push((col, width));
    }

    /// The width `apply` gives column `col`.
    pub fn width(&self, col: u16, min: usize, max: usize) -> f64 {
        if let Some((_, w)) = self.1.iter().find(|(c, _)| *c == col) {
            return *w;
        }
        let seen = self.0.get(col as usize).copied().unwrap_or(0);
        width_for(seen).clamp(min as f64, max as f64)
    }

    /// Sets every seen (or fixed) column's width, text between `min` and `max` characters;
    /// returns the widths set, by column.
    pub fn apply(&self, ws: &mut Worksheet, min: usize, max: usize) -> Result<Vec<f64>, XlsxError> {
        let cols = self.0.len().max(
            self.1
                .iter()
                .map(|(c, _)| *c as usize + 1)
                .max()
                .unwrap_or(0),
        );
        let mut out = Vec::with_capacity(cols);
        for c in 0..cols {
            let w = self.width(c as u16, min, max);
            ws.set_column_width(c as u16, w)?;
            out.push(w);
        }
        Ok(out)
    }
}

/// Row heights that show wrapped text: each wrapped cell's lines at the width of its column
/// (or of the columns it is merged over).
#[derive(Default)]
pub(crate) struct Heights(Vec<(u32, u16, u16, String)>);

/// Points per line of 11-point text.
const LINE_POINTS: f64 = 15.0;

impl Heights {
    /// Text wrapped in `row` over columns `first..=last`.
    pub fn wrapped(&mut self, row: u32, first: u16, last: u16, text: &str) {
        self.0.push((row, first, last, text.to_string()));
    }

    /// Sets the height of every row holding wrapped text to fit its most lines, given the
    /// columns' widths.
    pub fn apply(&self, ws: &mut Worksheet, widths: &[f64]) -> Result<(), XlsxError> {
        let mut lines: std::collections::BTreeMap<u32, usize> = Default::default();
        for (row, first, last, text) in &self.0 {
            let width: f64 = (*first..=*last)
                .map(|c| widths.get(c as usize).copied().unwrap_or(8.43))
                .sum();
            let n = wrapped_lines(text, width);
            let e = lines.entry(*row).or_insert(1);
            *e = (*e).max(n);
        }
        for (row, n) in lines {
            if n > 1 {
                ws.set_row_height(row, n as f64 * LINE_POINTS + 3.0)?;
            }
        }
        Ok(())
    }
}

/// Lines `text` takes wrapped in a column `width` characters wide: each of its lines broken
/// where it passes the width (less a character of margin, counting wide characters double).
pub(crate) fn wrapped_lines(text: &str, width: f64) -> usize {
    let room = ((width - 1.5) / 1.1).max(1.0);
    text.lines()
        .map(|l| ((display_width(l) as f64 / room).ceil() as usize).max(1))
        .sum::<usize>()
        .max(1)
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

/// Value minus previous value (环比), where both exist — for a rate in percentage points
/// (50% after 45.4% is +4.6 个百分点, never "+10.1%", which reads as a relative change).
pub(crate) fn change(k: &KpiResult) -> Option<f64> {
    let points = defs::metric(k.metric).is_some_and(|d| d.unit == Unit::Percent);
    match (k.value, k.previous) {
        (Some(v), Some(p)) if points => Some((v - p) * 100.0),
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
            s.push_str(l.pick("，环比 ", ", change "));
            s.push_str(&change_num(k.metric, l).show(c));
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
        widths.see(c as u16, h);
    }
    Ok(())
}

/// A KPI column: (metric, item).
type KpiKey = (String, Option<String>);

/// Columns per KPI on the people sheets: value, score, effective weight, change.
const KPI_COLS: u16 = 4;

/// The overview columns that come first on the people sheets, before the KPI blocks.
const OVERVIEW: u16 = 13;

/// Where each overview column is.
mod ov {
    pub const NAME: u16 = 0;
    pub const ID: u16 = 1;
    pub const ROLE: u16 = 2;
    pub const STORE: u16 = 3;
    pub const DEPT: u16 = 4;
    pub const TOTAL: u16 = 5;
    pub const GRADE: u16 = 6;
    pub const RANK: u16 = 7;
    pub const OF: u16 = 8;
    pub const BONUS: u16 = 9;
    pub const NEXT_GRADE: u16 = 10;
    pub const NEXT_TIER: u16 = 11;
    pub const FLAGS: u16 = 12;
}

/// Widths of the overview columns whose long texts wrap (距下一奖金档, 标记).
const NEXT_TIER_WIDTH: f64 = 24.0;
const FLAGS_WIDTH: f64 = 18.0;

/// Header rows on the people sheets: KPI labels over their four columns, then the sub-labels.
const HEADER_ROWS: u32 = 2;

/// The absolute colours of a score (SPEC §6.3): red at 0, amber at 60, green at 100 and above,
/// the same on every sheet and in every run.
pub(crate) const SCORE_RED: u32 = 0xF8696B;
pub(crate) const SCORE_AMBER: u32 = 0xFFEB84;
pub(crate) const SCORE_GREEN: u32 = 0x63BE7B;

/// The colour scale of scores, with fixed thresholds 0 → 60 → 100.
pub(crate) fn score_scale() -> ConditionalFormat3ColorScale {
    ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, 0)
        .set_midpoint(ConditionalFormatType::Number, 60)
        .set_maximum(ConditionalFormatType::Number, 100)
        .set_minimum_color(SCORE_RED)
        .set_midpoint_color(SCORE_AMBER)
        .set_maximum_color(SCORE_GREEN)
}

/// The 口径 sheet's grade thresholds: the label row, then S, A, B and C, their minimum totals
/// in column B (the grade formulas of the people sheets look them up there).
const CONFIG_GRADE_HEADER_ROW: u32 = 7;
const CONFIG_FIRST_GRADE_ROW: u32 = CONFIG_GRADE_HEADER_ROW + 1;
/// Where the rules table of 口径 starts.
const CONFIG_RULES_ROW: u32 = CONFIG_FIRST_GRADE_ROW + 6;

/// A sheet name as a formula reference: `'口径'`, quotes doubled.
pub(crate) fn sheet_ref(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// The cells holding the S, A, B and C thresholds on the 口径 sheet named `config_sheet`.
fn grade_cells(config_sheet: &str) -> [String; 4] {
    let sheet = sheet_ref(config_sheet);
    [0, 1, 2, 3].map(|i| {
        format!(
            "{sheet}!{}",
            rust_xlsxwriter::utility::row_col_to_cell_absolute(CONFIG_FIRST_GRADE_ROW + i, 1)
        )
    })
}

/// The grade as a formula on the total in `total_cell` against thresholds `cells` (S, A, B, C:
/// cell references or numbers): the highest grade whose threshold the total reaches, else D.
pub(crate) fn grade_formula(total_cell: &str, cells: &[String; 4]) -> String {
    let [s, a, b, c] = cells;
    format!(
        "=IF({total_cell}>={s},\"S\",IF({total_cell}>={a},\"A\",IF({total_cell}>={b},\"B\",IF({total_cell}>={c},\"C\",\"D\"))))"
    )
}

/// The note on a bonus cell: it is not a formula, so it says where it came from.
pub(crate) fn bonus_note(r: &PersonResult, l: Lang) -> String {
    let mut lines = vec![l
        .pick(
            "奖金由 clinic-kpi 按保存时的总分与指标值计算，不随表内修改重算：",
            "Bonus computed by clinic-kpi from the saved total and KPI values; edits here do not recalculate it:",
        )
        .to_string()];
    if r.bonus.is_none() {
        lines.push(
            l.pick(
                "本岗位未设奖金规则，奖金为 0",
                "this role has no bonus rule: 0",
            )
            .to_string(),
        );
    }
    lines.extend(r.bonus_steps.iter().cloned());
    lines.join("\n")
}

/// Fills of the legend (图例) on 汇总: what each colour and highlight means.
fn legend(ws: &mut Worksheet, f: &Fmts, mut row: u32, l: Lang) -> Result<(), XlsxError> {
    ws.text_fmt(row, 0, l.pick("图例", "Legend"), &f.bold)?;
    row += 1;
    let lines: [(u32, &str, &str); 7] = [
        (
            SCORE_RED,
            l.pick("得分 0", "score 0"),
            l.pick(
                "得分颜色按分值本身，各表相同：0 分红色",
                "a score's colour is its value, the same on every sheet: 0 red",
            ),
        ),
        (
            SCORE_AMBER,
            l.pick("得分 60", "score 60"),
            l.pick("60 分黄色（中间渐变）", "60 amber (shades between)"),
        ),
        (
            SCORE_GREEN,
            l.pick("得分 ≥100", "score ≥100"),
            l.pick("100 分及以上绿色", "100 and above green"),
        ),
        (
            FILL_STATUS,
            l.pick("数据不足", "too little data"),
            l.pick(
                "本期值底色黄：样本不足或无数据，该指标不计分；标记列同色",
                "yellow value: too small a sample or no data, the KPI is not scored; so are flags",
            ),
        ),
        (
            FILL_ADJUSTED,
            l.pick("调整", "adjusted"),
            l.pick(
                "本期值底色紫：经申诉调整",
                "lilac value: adjusted after an appeal",
            ),
        ),
        (
            FILL_VETO,
            l.pick("否决", "veto"),
            l.pick(
                "总分底色红：一票否决，总分封顶",
                "red total: vetoed, the total is capped",
            ),
        ),
        (
            FILL_BOTTOM,
            l.pick("末位", "bottom"),
            l.pick("排名底色橙：末位", "orange rank: bottom of the role"),
        ),
    ];
    for (fill, swatch, meaning) in lines {
        ws.text_fmt(
            row,
            0,
            swatch,
            &Format::new()
                .set_background_color(fill)
                .set_border(FormatBorder::Thin),
        )?;
        ws.text(row, 1, meaning)?;
        row += 1;
    }
    Ok(())
}

/// Writes one person's row: the overview (name … flags, the total a live formula over the
/// score × effective weight cells, the grade a formula on it) then per KPI its value, score,
/// effective weight and change.
#[allow(clippy::too_many_arguments)]
fn write_person(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    row: u32,
    r: &PersonResult,
    keys: &[KpiKey],
    grades: &[String; 4],
    widths: &mut Widths,
    heights: &mut Heights,
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let ds = &run.ds;
    let text = |ws: &mut Worksheet, widths: &mut Widths, col: u16, s: &str| {
        widths.see(col, s);
        ws.text(row, col, s).map(|_| ())
    };
    text(ws, widths, ov::NAME, &r.person.name)?;
    if let Some(id) = &r.person.staff_id {
        text(ws, widths, ov::ID, id)?;
    }
    text(ws, widths, ov::ROLE, &r.role_label)?;
    if let Some(s) = r.person.store {
        text(ws, widths, ov::STORE, ds.name(s))?;
    }
    if let Some(d) = r.person.department {
        text(ws, widths, ov::DEPT, ds.name(d))?;
    }
    let mut terms = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let col = OVERVIEW + KPI_COLS * i as u16;
        let Some(k) = r.kpis.iter().find(|k| k.metric == key.0 && k.item == key.1) else {
            continue;
        };
        match k.value {
            Some(v) => {
                widths.num(col, value_num(k.metric), v);
                ws.write_number_with_format(row, col, v, &value_cell_format(k))?
            }
            None => ws.text_fmt(row, col, "—", &value_cell_format(k))?,
        };
        ws.insert_note(row, col, &note(&value_note(k, l)))?;
        if let Some(s) = k.score {
            widths.num(col + 1, Num::Score, s);
            ws.write_number_with_format(row, col + 1, s, &f.score)?;
            terms.push(format!(
                "{}*{}",
                row_col_to_cell(row, col + 1),
                row_col_to_cell(row, col + 2)
            ));
        }
        widths.num(col + 2, Num::Weight, k.effective_weight);
        ws.write_number_with_format(row, col + 2, k.effective_weight, &f.weight)?;
        if let Some(c) = change(k) {
            widths.num(col + 3, change_num(k.metric, l), c);
            ws.write_number_with_format(row, col + 3, c, &change_format(k.metric, l))?;
        }
    }
    let formula = total_formula(r, &run.plan.config.config, &terms);
    widths.num(ov::TOTAL, Num::Total, r.total);
    ws.write_formula_with_format(
        row,
        ov::TOTAL,
        Formula::new(formula).set_result(format!("{}", r.total)),
        &total_format(r, f),
    )?;
    if let Some(v) = &r.veto_note {
        ws.insert_note(row, ov::TOTAL, &note(v))?;
    }
    ws.write_formula(
        row,
        ov::GRADE,
        Formula::new(grade_formula(&row_col_to_cell(row, ov::TOTAL), grades)).set_result(&r.grade),
    )?;
    widths.see(ov::GRADE, &r.grade);
    widths.num(ov::RANK, Num::Int, r.rank as f64);
    if r.flags.contains(&"bottom") {
        let fill = Format::new().set_background_color(FILL_BOTTOM);
        ws.write_number_with_format(row, ov::RANK, r.rank, &fill)?;
    } else {
        ws.write_number(row, ov::RANK, r.rank)?;
    }
    widths.num(ov::OF, Num::Int, r.rank_of as f64);
    ws.write_number(row, ov::OF, r.rank_of)?;
    // A role without a bonus rule pays 0, written as 0 (payroll reads a number, not a blank).
    let bonus = r.bonus.unwrap_or(0.0);
    widths.num(ov::BONUS, Num::Bonus, bonus);
    ws.write_number_with_format(row, ov::BONUS, bonus, &f.bonus)?;
    ws.insert_note(row, ov::BONUS, &note(&bonus_note(r, l)))?;
    text(ws, widths, ov::NEXT_GRADE, &next_grade_text(r, l))?;
    let tier = next_tier_text(r, l);
    ws.text_fmt(row, ov::NEXT_TIER, &tier, &f.wrap)?;
    heights.wrapped(row, ov::NEXT_TIER, ov::NEXT_TIER, &tier);
    let flags = flags_text(r, l);
    if flags.is_empty() {
        ws.text(row, ov::FLAGS, "")?;
    } else {
        let fill = f.wrap.clone().set_background_color(FILL_STATUS);
        ws.text_fmt(row, ov::FLAGS, &flags, &fill)?;
        heights.wrapped(row, ov::FLAGS, ov::FLAGS, &flags);
    }
    Ok(())
}

/// The overview headers of a people sheet.
fn overview_headers(l: Lang) -> [&'static str; OVERVIEW as usize] {
    [
        l.pick("姓名", "Staff"),
        l.pick("工号", "Staff ID"),
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
/// person below. 汇总 (`weights` None) is the on-screen overview: one page wide when printed,
/// with the legend below the table. A role sheet prints at a legible size, its KPI blocks
/// continuing on the following pages with the name and 工号 repeated.
#[allow(clippy::too_many_arguments)]
fn people_sheet(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    people: &[&PersonResult],
    keys: &[KpiKey],
    weights: Option<&[f64]>,
    grades: &[String; 4],
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let cfg = &run.plan.config.config;
    let mut widths = Widths::default();
    let mut heights = Heights::default();
    for (c, h) in overview_headers(l).iter().enumerate() {
        ws.merge_range(0, c as u16, 1, c as u16, h, &f.header)?;
        // Headers wrap over their two rows: count about half of a long one.
        let chars: String = h
            .chars()
            .take(4.max(h.chars().count().div_ceil(2)))
            .collect();
        widths.see(c as u16, &chars);
    }
    widths.fixed(ov::NEXT_TIER, NEXT_TIER_WIDTH);
    widths.fixed(ov::FLAGS, FLAGS_WIDTH);
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
        heights.wrapped(0, col, col + KPI_COLS - 1, &label);
        for (n, sub) in kpi_subheaders(l).iter().enumerate() {
            ws.text_fmt(1, col + n as u16, sub, &f.header)?;
            widths.see(col + n as u16, sub);
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
        text.push('\n');
        text.push_str(l.pick(
            "得分颜色：0 红 → 60 黄 → 100 及以上绿（固定分值，各表相同）",
            "score colours: 0 red → 60 amber → 100 and above green (fixed, the same on every sheet)",
        ));
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
            "S ≥ {}, A ≥ {}, B ≥ {}, C ≥ {}, {}\n{}",
            cfg.grades.s,
            cfg.grades.a,
            cfg.grades.b,
            cfg.grades.c,
            l.pick("否则 D", "else D"),
            l.pick(
                "等级是总分的公式，按口径表的等级线查得：改动得分，总分与等级随之重算",
                "the grade is a formula on the total, looked up on the Config sheet's grade lines: change a score and both recalculate",
            )
        )),
    )?;
    ws.insert_note(
        0,
        ov::BONUS,
        &note(l.pick(
            "奖金由 clinic-kpi 按保存时的总分与指标值计算（整元），不随表内修改重算；无奖金规则的岗位为 0",
            "bonus computed by clinic-kpi from the saved total and KPI values (whole yuan); edits here do not recalculate it; roles without a bonus rule get 0",
        )),
    )?;
    for (n, r) in people.iter().enumerate() {
        write_person(
            ws,
            f,
            run,
            HEADER_ROWS + n as u32,
            r,
            keys,
            grades,
            &mut widths,
            &mut heights,
        )?;
    }
    let last_row = (HEADER_ROWS + people.len() as u32).saturating_sub(1);
    let last_col = OVERVIEW + KPI_COLS * keys.len() as u16 - 1;
    ws.set_freeze_panes(HEADER_ROWS, 1)?;
    ws.autofilter(1, 0, last_row.max(HEADER_ROWS), last_col)?;
    if !people.is_empty() {
        for i in 0..keys.len() {
            let c = OVERVIEW + KPI_COLS * i as u16 + 1;
            ws.add_conditional_format(HEADER_ROWS, c, last_row, c, &score_scale())?;
        }
    }
    let col_widths = widths.apply(ws, 6, 44)?;
    heights.apply(ws, &col_widths)?;
    ws.set_row_height(0, 30)?;
    match weights {
        None => {
            legend(ws, f, last_row.max(HEADER_ROWS) + 2, l)?;
            print_setup(ws, &run.period.label, Some((0, HEADER_ROWS - 1)))
        }
        Some(_) => print_in_blocks(ws, &run.period.label, &col_widths, keys.len()),
    }
}

/// Print scale of the role sheets: 11-point text prints at 9.35 points.
pub(crate) const ROLE_PRINT_SCALE: u16 = 85;

/// Pixels of A4 landscape between 0.4-inch side margins, at 96 per inch.
const A4_LANDSCAPE_PX: f64 = (11.69 - 0.8) * 96.0;

/// A column's width in pixels, as wide as any spreadsheet lays it out: Excel with Calibri
/// gives 7 a character plus 5, LibreOffice where Calibri is replaced by a wider font up to 10.
fn column_px(width: f64) -> f64 {
    width * 10.0
}

/// Where a role sheet's pages break: after the repeated name and 工号, whole overview columns
/// and then whole KPI blocks fill each page.
fn block_breaks(widths: &[f64], kpi_blocks: usize) -> Vec<u32> {
    let px = |c: u16| column_px(widths.get(c as usize).copied().unwrap_or(8.43));
    let room = A4_LANDSCAPE_PX * 100.0 / ROLE_PRINT_SCALE as f64;
    let repeated = px(ov::NAME) + px(ov::ID);
    // Units that stay on one page: each overview column after 工号, then each KPI block.
    let mut units: Vec<(u16, f64)> = (ov::ROLE..OVERVIEW).map(|c| (c, px(c))).collect();
    for i in 0..kpi_blocks as u16 {
        let first = OVERVIEW + KPI_COLS * i;
        units.push((first, (first..first + KPI_COLS).map(px).sum()));
    }
    let mut breaks = Vec::new();
    let mut used = repeated;
    let mut on_page = 0;
    for (first, w) in units {
        if on_page > 0 && used + w > room {
            breaks.push(first as u32);
            used = repeated;
            on_page = 0;
        }
        used += w;
        on_page += 1;
    }
    breaks
}

/// A role sheet's print setup: A4 landscape at [`ROLE_PRINT_SCALE`]%, pages broken between
/// KPI blocks, the header rows and the name and 工号 columns repeated on every page.
fn print_in_blocks(
    ws: &mut Worksheet,
    period: &str,
    widths: &[f64],
    kpi_blocks: usize,
) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_scale(ROLE_PRINT_SCALE);
    ws.set_repeat_rows(0, HEADER_ROWS - 1)?;
    ws.set_repeat_columns(ov::NAME, ov::ID)?;
    ws.set_vertical_page_breaks(&block_breaks(widths, kpi_blocks))?;
    let period = period.replace('&', "&&");
    ws.set_footer(format!("&L{period}&C&A&R&P / &N"));
    Ok(())
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
    let (basis_label, basis_metric) = match b.basis {
        crate::config::Basis::Total => (l.pick("总分", "total").to_string(), ""),
        crate::config::Basis::Metric(d) => (defs::kpi_label(d.key, None, l), d.key),
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

/// The 二开 rule as configured and as applied (SPEC §3.1): the types listed under `type`, the
/// window under `derive`, and under `auto` which one it chose and why.
pub fn secondary_rule_text(run: &Run) -> String {
    use crate::config::SecondaryRule;
    use crate::input::kinds::{Field, Kind};
    let l = run.plan.lang;
    let cfg = &run.plan.config.config.secondary;
    let types = cfg.types.join(l.pick("、", ", "));
    let type_rule = match l {
        Lang::Zh => format!("type：消费类型为 {types} 之一的正向消费为二开"),
        Lang::En => format!("type: a positive sale whose type is one of {types} is 二开"),
    };
    let window = cfg.window_days;
    let derive_rule = match l {
        Lang::Zh => format!(
            "derive：同一顾客在此前 1–{window} 天内（含第 {window} 天）已有归属同一人的正向消费，则这笔正向消费为二开；同一天更早的消费不算，期前的消费计入"
        ),
        Lang::En => format!(
            "derive: a positive sale is 二开 when the same customer had a positive sale credited to the same person 1 to {window} days earlier (inclusive; earlier the same day does not count; sales before the period count)"
        ),
    };
    let used_type = run.secondary_rule == "type";
    let used = if used_type { type_rule } else { derive_rule };
    match cfg.rule {
        SecondaryRule::Type | SecondaryRule::Derive => used,
        SecondaryRule::Auto => {
            let why = match (used_type, run.ds.has_field(Kind::Sales, Field::Type)) {
                (true, _) => l.pick(
                    "消费记录的类型列中有这些值，故按 type",
                    "the sales' type column holds such values, so type",
                ),
                (false, true) => l.pick(
                    "消费记录的类型列中没有这些值，故按 derive",
                    "the sales' type column holds none of these values, so derive",
                ),
                (false, false) => l.pick(
                    "消费记录没有类型列，故按 derive",
                    "the sales have no type column, so derive",
                ),
            };
            match l {
                Lang::Zh => format!("auto（自动）：{why}。{used}"),
                Lang::En => format!("auto: {why}. {used}"),
            }
        }
    }
}

fn config_sheet(ws: &mut Worksheet, f: &Fmts, run: &Run) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let cfg = &run.plan.config.config;
    let months = run.period.months();
    let mut widths = Widths::default();
    let secondary = secondary_rule_text(run);
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
        (l.pick("二开口径", "二开 rule"), secondary),
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
    let mut heights = Heights::default();
    let top = Format::new().set_align(FormatAlign::Top);
    let wrap_top = f.wrap.clone().set_align(FormatAlign::Top);
    // The period and the run's rules, one a row, each merged across the table below it and
    // wrapped (rows 1–6, always all six: the grade formulas look up the rows under them).
    let value_fmt = f.wrap.clone().set_align(FormatAlign::VerticalCenter);
    for (row, (k, v)) in pairs.iter().enumerate() {
        let row = row as u32;
        ws.text_fmt(row, 0, k, &f.header)?;
        widths.see(0, k);
        ws.merge_range(row, 1, row, 8, &fit(v, MAX_CELL_TEXT), &value_fmt)?;
        heights.wrapped(row, 1, 8, v);
    }
    // The grade thresholds, as numbers the grade formulas of the people sheets look up.
    let mut row = CONFIG_GRADE_HEADER_ROW;
    header_cells(
        ws,
        f,
        row,
        &[l.pick("等级", "Grade"), l.pick("最低总分", "Lowest total")],
    )?;
    row += 1;
    for (g, t) in [
        ("S", cfg.grades.s),
        ("A", cfg.grades.a),
        ("B", cfg.grades.b),
        ("C", cfg.grades.c),
    ] {
        ws.text(row, 0, g)?;
        ws.write_number(row, 1, t)?;
        widths.num(1, Num::Plain, t);
        row += 1;
    }
    ws.text(row, 0, "D")?;
    ws.text(row, 1, l.pick("低于 C", "below C"))?;
    ws.insert_note(
        CONFIG_GRADE_HEADER_ROW,
        1,
        &note(l.pick(
            "各人员表的等级是总分的公式，按这里的等级线查得",
            "the grades on the people sheets are formulas on the total, looked up here",
        )),
    )?;
    let mut row = CONFIG_RULES_ROW;
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
                ws.text_fmt(row, c as u16, t, &top)?;
            }
            ws.write_number_with_format(row, 3, k.weight, &top)?;
            ws.text_fmt(row, 4, k.scope.unwrap_or_default().label(l), &top)?;
            ws.text_fmt(row, 5, &rule, &wrap_top)?;
            heights.wrapped(row, 5, 5, &rule);
            if let Some(m) = k.min_sample.or(def.min_sample) {
                ws.write_number_with_format(row, 6, m, &top)?;
            }
            ws.text_fmt(row, 7, &veto, &wrap_top)?;
            heights.wrapped(row, 7, 7, &veto);
            ws.text_fmt(row, 8, &bonus, &wrap_top)?;
            heights.wrapped(row, 8, 8, &bonus);
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
            heights.wrapped(row, 5, 5, &a.reason);
            ws.text(row, 6, &a.approved_by)?;
            row += 1;
        }
    }
    if !any {
        ws.text(row, 0, l.pick("（无）", "(none)"))?;
    }
    widths.fixed(5, 40.0);
    widths.fixed(7, 24.0);
    widths.fixed(8, 40.0);
    let col_widths = widths.apply(ws, 10, 24)?;
    heights.apply(ws, &col_widths)?;
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
            (0, crate::words::labels::kind(i.kind, run.plan.lang)),
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
        for (c, n) in [
            (4, i.rows),
            (5, i.used),
            (6, i.out_of_period),
            (7, i.rejected),
            (8, i.skipped),
        ] {
            widths.num(c, Num::Int, n as f64);
            ws.write_number(row, c, n as f64)?;
        }
        if let Some(a) = i.amount_used {
            widths.num(9, Num::Yuan, a);
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
    widths.fixed(3, 20.0);
    widths.apply(ws, 8, 40)?;
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
        let mut heights = Heights::default();
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
                widths.num(3, Num::Int, r as f64);
                ws.write_number(row, 3, r)?;
            }
            let message = i.message(l);
            ws.text_fmt(row, 6, &message, &f.wrap)?;
            heights.wrapped(row, 6, 6, &message);
        }
        if chunk.is_empty() {
            ws.text(1, 6, l.pick("（无）", "(none)"))?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, (chunk.len() as u32).max(1), 6)?;
        widths.fixed(6, 70.0);
        let col_widths = widths.apply(ws, 6, 28)?;
        heights.apply(ws, &col_widths)?;
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
        .map(|(key, role)| sheet_name(role.shown_label(key), &mut used))
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
            label: role.shown_label(key).to_string(),
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
