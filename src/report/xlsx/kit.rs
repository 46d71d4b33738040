//! The sheet kit of the scorecard: writing text safely, formats and the text each shows,
//! column widths and row heights that fit, notes, print setup, sheet names and properties.

use super::*;

/// Rows on one worksheet, Excel's limit.
pub const MAX_ROWS: u32 = 1_048_576;

/// Text in one cell, Excel's limit (in UTF-16 units).
pub(super) const MAX_CELL_TEXT: usize = 32_767;

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
pub(super) const FILL_STATUS: u32 = 0xFFF2CC; // a KPI not ok: yellow
pub(super) const FILL_ADJUSTED: u32 = 0xE4DFEC; // an adjusted KPI: lilac
pub(super) const FILL_VETO: u32 = 0xF8CBAD; // a vetoed total: red
pub(super) const FILL_BOTTOM: u32 = 0xFCE4D6; // a bottom rank: orange

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

/// Width of text in Excel column units: East Asian wide characters (CJK, full-width
/// punctuation) count double, by unicode-width's tables.
pub(crate) fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Column widths that fit the text written, kept per column while a sheet is written.
#[derive(Default)]
pub(crate) struct Widths(Vec<usize>, Vec<(u16, f64)>);

/// A column's width in Excel's units for text `chars` wide: a little more than the text, as
/// bold digits and fonts other than Calibri (LibreOffice's stand-ins) run wider.
pub(super) fn width_for(chars: usize) -> f64 {
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
pub(super) const LINE_POINTS: f64 = 15.0;

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

pub(super) fn write_header(
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

/// A sheet name as a formula reference: `'口径'`, quotes doubled.
pub(crate) fn sheet_ref(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
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
}
