//! Header rows (SPEC §2.2): finding a kind's header among a sheet's first rows — one row, or
//! two rows of a report export whose upper row groups columns (顾客信息 / 金额信息) and whose
//! ungrouped columns are merged down over both rows — and the messages that say how to fix a
//! header that cannot be read. Also the rows below a header that are not data: footers.

use super::cell::RawCell;
use super::kinds::{ColumnDef, Field, Kind};
use super::values;
use crate::words::input::{ConfigLine, FieldNames, InputFail, Near, Place};

/// The header row must be among the first this many rows.
pub const HEADER_SEARCH_ROWS: u32 = 20;

/// A kind's column names, normalised: (alias, field, priority; lower wins). Config aliases
/// come first (priority 0), so a config alias wins over a built-in one.
pub type KindAliases = [(String, Field, usize)];

/// The columns found in a header: for each canonical field, the column and its header text.
#[derive(Debug, Default, Clone)]
pub struct ColumnMap {
    pub cols: Vec<(u32, Field, String)>,
}

impl ColumnMap {
    pub fn col(&self, f: Field) -> Option<(u32, &str)> {
        self.cols
            .iter()
            .find(|(_, g, _)| *g == f)
            .map(|(c, _, h)| (*c, h.as_str()))
    }
}

/// A sheet's merged regions, 0-based and inclusive: (first row, first column, last row, last
/// column), as calamine reads them from xlsx and xls files.
#[derive(Debug, Default, Clone)]
pub struct Merges(pub Vec<(u32, u32, u32, u32)>);

impl Merges {
    /// Whether the cell at `row` (1-based, as a spreadsheet shows it) and `col` lies inside a
    /// merged region but is not its top-left cell: Excel shows the region's value there, and
    /// whatever else the file holds for the cell is hidden.
    pub fn covered(&self, row: u32, col: u32) -> bool {
        let r = row.saturating_sub(1);
        self.0.iter().any(|&(r0, c0, r1, c1)| {
            r0 <= r && r <= r1 && c0 <= col && col <= c1 && (r, col) != (r0, c0)
        })
    }

    /// Whether the cell is the top-left of a region spanning several columns (a group label
    /// such as 顾客信息 over the columns of its group).
    pub fn spans_columns(&self, row: u32, col: u32) -> bool {
        let r = row.saturating_sub(1);
        self.0
            .iter()
            .any(|&(r0, c0, _, c1)| r0 == r && c0 == col && c1 > c0)
    }
}

/// One row of the header zone.
#[derive(Clone, Copy)]
pub struct ZoneRow<'a> {
    pub row: u32,
    pub cells: &'a [(u32, RawCell)],
    /// A text file's field count for this record.
    pub fields: Option<u32>,
}

/// A header as found for one kind.
#[derive(Debug, Clone)]
pub struct Header {
    pub map: ColumnMap,
    /// The first and the last header row (the same row for a one-row header); data starts
    /// below `row`.
    pub top: u32,
    pub row: u32,
    /// Every named header cell, mapped or not: (column, name as written).
    pub names: Vec<(u32, String)>,
    /// A text file's field count of its header (the larger of its two rows).
    pub width: Option<u32>,
}

impl Header {
    /// The required columns of `kind` this header lacks.
    pub fn missing(&self, kind: Kind) -> Vec<&'static ColumnDef> {
        kind.columns()
            .iter()
            .filter(|c| c.required && self.map.col(c.field).is_none())
            .collect()
    }

    /// The header cells no column was taken from, in column order.
    pub fn unmapped(&self) -> Vec<String> {
        self.names
            .iter()
            .filter(|(c, _)| !self.map.cols.iter().any(|(mc, _, _)| mc == c))
            .map(|(_, n)| n.clone())
            .collect()
    }
}

/// The named cells of a row: its non-blank text cells not hidden under a merge.
fn row_names(r: ZoneRow, merges: &Merges) -> Vec<(u32, String)> {
    r.cells
        .iter()
        .filter(|(c, _)| !merges.covered(r.row, *c))
        .filter_map(|(c, cell)| match cell {
            RawCell::Text(t) if !cell.is_blank() => Some((*c, t.trim().to_string())),
            _ => None,
        })
        .collect()
}

/// The alias a header name matches: (field, priority).
fn alias_of(name: &str, aliases: &KindAliases) -> Option<(Field, usize)> {
    let norm = values::normalize_header(name);
    if norm.is_empty() {
        return None;
    }
    aliases
        .iter()
        .find(|(a, _, _)| *a == norm)
        .map(|(_, f, p)| (*f, *p))
}

/// Maps header names to fields: each field to the name of its best alias (the earlier
/// column on a tie).
pub fn map_names(names: &[(u32, String)], aliases: &KindAliases) -> ColumnMap {
    let mut best: Vec<(Field, usize, u32, String)> = Vec::new();
    for (col, name) in names {
        let Some((field, prio)) = alias_of(name, aliases) else {
            continue;
        };
        match best.iter_mut().find(|b| b.0 == field) {
            Some(b) if prio < b.1 => *b = (field, prio, *col, name.clone()),
            Some(_) => {}
            None => best.push((field, prio, *col, name.clone())),
        }
    }
    let mut cols: Vec<(u32, Field, String)> =
        best.into_iter().map(|(f, _, c, h)| (c, f, h)).collect();
    cols.sort_by_key(|(c, _, _)| *c);
    ColumnMap { cols }
}

/// A one-row header: at least two cells that are known column names of the kind.
fn single(r: ZoneRow, aliases: &KindAliases, merges: &Merges) -> Option<Header> {
    let names = row_names(r, merges);
    let map = map_names(&names, aliases);
    (map.cols.len() >= 2).then_some(Header {
        map,
        top: r.row,
        row: r.row,
        names,
        width: r.fields,
    })
}

/// Whether the upper cell of column `col` is empty for the purpose of a two-row header: blank,
/// hidden under a merge, or a group label spanning several columns.
fn upper_open(upper: ZoneRow, col: u32, merges: &Merges) -> bool {
    merges.covered(upper.row, col)
        || merges.spans_columns(upper.row, col)
        || !upper.cells.iter().any(|(c, v)| *c == col && !v.is_blank())
}

/// A two-row header (SPEC §2.2): each column's name is its lower cell, or its upper cell where
/// the lower is empty or hidden under a merge. Taken only when both rows bring a known column
/// name the other lacks — a name in the lower row under an open upper cell (a column of a
/// group), and one in the upper row over an empty lower cell (a column merged down) — and
/// every cell of the lower row is text, so a title row above a header, or a header above
/// its first data row, is never read as one.
fn pair(upper: ZoneRow, lower: ZoneRow, aliases: &KindAliases, merges: &Merges) -> Option<Header> {
    if lower.row != upper.row + 1 {
        return None;
    }
    let lower_text = lower
        .cells
        .iter()
        .filter(|(c, v)| !v.is_blank() && !merges.covered(lower.row, *c))
        .all(|(_, v)| matches!(v, RawCell::Text(_)));
    if !lower_text {
        return None;
    }
    let up = row_names(upper, merges);
    let low = row_names(lower, merges);
    let lower_brings = low
        .iter()
        .any(|(c, n)| upper_open(upper, *c, merges) && alias_of(n, aliases).is_some());
    let upper_brings = up
        .iter()
        .any(|(c, n)| !low.iter().any(|(lc, _)| lc == c) && alias_of(n, aliases).is_some());
    if !(lower_brings && upper_brings) {
        return None;
    }
    let mut names: Vec<(u32, String)> = low.clone();
    for (c, n) in &up {
        if !low.iter().any(|(lc, _)| lc == c) && !merges.spans_columns(upper.row, *c) {
            names.push((*c, n.clone()));
        }
    }
    names.sort_by_key(|(c, _)| *c);
    let map = map_names(&names, aliases);
    let alone = |names: &[(u32, String)]| map_names(names, aliases).cols.len();
    if map.cols.len() < 2 || map.cols.len() <= alone(&up).max(alone(&low)) {
        return None;
    }
    let width = match (upper.fields, lower.fields) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    Some(Header {
        map,
        top: upper.row,
        row: lower.row,
        names,
        width,
    })
}

/// The kind's header among the zone's rows (the first [`HEADER_SEARCH_ROWS`] rows and the one
/// after them): the first row, or pair of rows, that reads as one.
pub fn find(rows: &[ZoneRow], aliases: &KindAliases, merges: &Merges) -> Option<Header> {
    for (i, r) in rows.iter().enumerate() {
        if r.row > HEADER_SEARCH_ROWS {
            break;
        }
        if let Some(prev) = i.checked_sub(1).and_then(|p| rows.get(p)) {
            if let Some(h) = pair(*prev, *r, aliases, merges) {
                return Some(h);
            }
        }
        if let Some(h) = single(*r, aliases, merges) {
            if let Some(next) = rows.get(i + 1) {
                if let Some(two) = pair(*r, *next, aliases, merges) {
                    return Some(two);
                }
            }
            return Some(h);
        }
    }
    None
}

/// Whether merged regions could change how the zone's header is read: two neighbouring rows
/// both holding a known column name of one of `kinds`. Only then are a workbook's merges
/// looked up (for an xlsx that is a second pass over the sheet's XML).
pub fn merges_matter(rows: &[ZoneRow], aliases: &[&KindAliases]) -> bool {
    let named = |r: &ZoneRow| {
        row_names(*r, &Merges::default())
            .iter()
            .any(|(_, n)| aliases.iter().any(|a| alias_of(n, a).is_some()))
    };
    rows.windows(2)
        .any(|w| w[1].row == w[0].row + 1 && named(&w[0]) && named(&w[1]))
}

// ---------------------------------------------------------------------------------------------
// Rows below the header that are not data
// ---------------------------------------------------------------------------------------------

/// What the first cell of a footer row starts with (SPEC §2.2).
const FOOTER_LABELS: [&str; 10] = [
    "制表人",
    "制表",
    "审核人",
    "审核",
    "打印时间",
    "打印",
    "导出时间",
    "操作员",
    "备注",
    "说明",
];

/// A footer row (制表人：张三, 审核：, 打印时间 2026-11-01…): its first non-empty cell starts
/// with a footer label and the kind's required columns hold nothing else. Returns the label
/// cell's text.
pub fn footer(cells: &[(u32, RawCell)], map: &ColumnMap, kind: Kind) -> Option<String> {
    let (first_col, first) = cells.iter().find(|(_, c)| !c.is_blank())?;
    let RawCell::Text(t) = first else {
        return None;
    };
    // Most rows' first cells fail on their first character, without folding the whole text.
    let lead = t
        .chars()
        .find(|c| !c.is_whitespace() && !values::is_dropped(*c));
    if !matches!(lead, Some('制' | '审' | '打' | '导' | '操' | '备' | '说')) {
        return None;
    }
    let folded: String = values::fold_text(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !FOOTER_LABELS.iter().any(|l| folded.starts_with(l)) {
        return None;
    }
    let required_empty = kind
        .columns()
        .iter()
        .filter(|c| c.required)
        .filter_map(|c| map.col(c.field))
        .filter(|(col, _)| col != first_col)
        .all(|(col, _)| {
            cells
                .iter()
                .find(|(c, _)| *c == col)
                .is_none_or(|(_, v)| v.is_blank())
        });
    required_empty.then(|| t.trim().to_string())
}

/// The scale a survey score header states: `满意度(1-10分)`, `评分（0~5）`, `满意度(10分制)`,
/// `评分(满分10分)` → 10. None when it states none.
pub fn stated_scale(header: &str) -> Option<f64> {
    let t = values::fold_text(header);
    // The text inside the last bracket pair.
    let open = t.rfind(['(', '[', '【', '〔'])?;
    let inner = t.get(open + 1..)?;
    let inner = inner.trim_end_matches([')', ']', '】', '〕']);
    let numbers: Vec<f64> = inner
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse::<f64>().ok())
        .collect();
    let ranged = inner.contains(['-', '~', '～', '到', '至', '—', '–']);
    let said = inner.contains('分') || inner.contains("满分") || ranged;
    if !said {
        return None;
    }
    match numbers.as_slice() {
        [max] if inner.contains('分') => Some(*max),
        [_, max] if ranged => Some(*max),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Messages that lead to the fix (SPEC §2.2, issue 13)
// ---------------------------------------------------------------------------------------------

/// Parts of a header name that suggest a field, for guessing which unknown column is meant.
fn hints(field: Field) -> &'static [&'static str] {
    match field {
        Field::Date => &["日期", "时间", "日", "date", "time"],
        Field::Customer => &["顾客", "客户", "会员", "手机", "电话", "卡号", "customer"],
        Field::Amount => &[
            "金额", "实收", "收款", "付款", "实付", "业绩", "额", "amount",
        ],
        Field::Consultant => &["咨询", "顾问", "consultant"],
        Field::Staff => &["员工", "姓名", "人员", "责任", "被", "staff", "name"],
        Field::Role => &["岗位", "职", "角色", "role"],
        Field::Month => &["月", "期间", "month", "period"],
        Field::Target => &["目标", "指标", "target"],
        Field::Score => &["分", "满意", "score"],
        Field::Item => &["项", "item"],
        Field::Metric => &["指标", "metric"],
        Field::Reason => &["原因", "理由", "说明", "reason"],
        Field::ApprovedBy => &["审批", "批准", "审核", "approv"],
        _ => &[],
    }
}

/// The config lines that would map each missing field: the unmapped header name that looks
/// like it where exactly one does, else None (a placeholder to fill in).
pub fn config_lines(missing: &[&ColumnDef], unmapped: &[String]) -> Vec<ConfigLine> {
    let lower: Vec<String> = unmapped.iter().map(|n| n.to_lowercase()).collect();
    missing
        .iter()
        .map(|def| {
            let guesses: Vec<&String> = unmapped
                .iter()
                .zip(&lower)
                .filter(|(_, l)| hints(def.field).iter().any(|h| l.contains(h)))
                .map(|(n, _)| n)
                .collect();
            ConfigLine {
                key: def.field.key(),
                name: match guesses.as_slice() {
                    [one] => Some((*one).clone()),
                    _ => None,
                },
            }
        })
        .collect()
}

/// "date (投诉日期/日期/date)": a field and its first built-in names.
fn field_names(def: &ColumnDef) -> FieldNames {
    FieldNames {
        key: def.field.key(),
        names: def.aliases[..def.aliases.len().min(3)]
            .iter()
            .map(|a| a.to_string())
            .collect(),
    }
}

/// The names a row holds.
fn names_of(names: &[(u32, String)]) -> Vec<String> {
    names.iter().map(|(_, n)| n.clone()).collect()
}

/// Where a missing field's name sits in a row next to the header: "实收 is in row 3, just
/// above the header row 4".
fn neighbours(
    rows: &[ZoneRow],
    header: &Header,
    missing: &[&ColumnDef],
    aliases: &KindAliases,
    merges: &Merges,
) -> Vec<Near> {
    let mut out = Vec::new();
    let around = [
        (header.top.checked_sub(1), true),
        (header.row.checked_add(1), false),
    ];
    for (at, above) in around {
        let Some(r) = at.and_then(|at| rows.iter().find(|r| r.row == at)) else {
            continue;
        };
        for (_, name) in row_names(*r, merges) {
            if let Some((field, _)) = alias_of(&name, aliases) {
                if missing.iter().any(|d| d.field == field) {
                    out.push(Near {
                        name,
                        key: field.key(),
                        row: r.row,
                        above,
                    });
                }
            }
        }
    }
    out
}

/// The error for a header that lacks required columns: the kind, the row(s), the names seen,
/// a neighbouring row holding a wanted name, and the config lines to add.
pub fn missing_columns_message(
    where_: &Place,
    kind: Kind,
    rows: &[ZoneRow],
    header: &Header,
    aliases: &KindAliases,
    merges: &Merges,
) -> InputFail {
    let missing = header.missing(kind);
    InputFail::MissingColumns {
        place: where_.clone(),
        kind,
        top: header.top,
        row: header.row,
        wanted: missing.iter().map(|d| field_names(d)).collect(),
        names: names_of(&header.names),
        near: neighbours(rows, header, &missing, aliases, merges),
        config: config_lines(&missing, &header.unmapped()),
    }
}

/// The zone row most like a header of the kind: the one with the most known names, else the
/// most names; None when no row has a name.
pub fn likeliest_row<'a>(
    rows: &[ZoneRow<'a>],
    aliases: &KindAliases,
    merges: &Merges,
) -> Option<(ZoneRow<'a>, Vec<(u32, String)>)> {
    rows.iter()
        .filter(|r| r.row <= HEADER_SEARCH_ROWS)
        .map(|r| (*r, row_names(*r, merges)))
        .filter(|(_, n)| !n.is_empty())
        .max_by_key(|(r, n)| {
            let known = n
                .iter()
                .filter(|(_, x)| alias_of(x, aliases).is_some())
                .count();
            // The earlier row on a tie.
            (known, n.len(), std::cmp::Reverse(r.row))
        })
}

/// The error for a sheet of `kind` in which no header row was found: the row most like one,
/// the names in it, and the config lines that would make it one.
pub fn no_header_message(
    where_: &Place,
    kind: Kind,
    rows: &[ZoneRow],
    aliases: &KindAliases,
    merges: &Merges,
) -> InputFail {
    let required: Vec<&ColumnDef> = kind.columns().iter().filter(|c| c.required).collect();
    let wanted: Vec<FieldNames> = required.iter().map(|d| field_names(d)).collect();
    let closest = likeliest_row(rows, aliases, merges).map(|(r, names)| {
        let map = map_names(&names, aliases);
        let missing: Vec<&ColumnDef> = required
            .iter()
            .copied()
            .filter(|d| map.col(d.field).is_none())
            .collect();
        let unmapped: Vec<String> = names
            .iter()
            .filter(|(c, _)| !map.cols.iter().any(|(mc, _, _)| mc == c))
            .map(|(_, n)| n.clone())
            .collect();
        (r.row, names_of(&names), config_lines(&missing, &unmapped))
    });
    InputFail::NoHeader {
        place: where_.clone(),
        kind,
        search_rows: HEADER_SEARCH_ROWS,
        wanted,
        closest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_row(cells: &[&str]) -> Vec<(u32, RawCell)> {
        cells
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(i, c)| (i as u32, RawCell::Text((*c).into())))
            .collect()
    }

    fn aliases(kind: Kind) -> Vec<(String, Field, usize)> {
        kind.columns()
            .iter()
            .flat_map(|d| {
                d.aliases
                    .iter()
                    .enumerate()
                    .map(move |(i, a)| (values::normalize_header(a), d.field, i + 1))
            })
            .collect()
    }

    fn zone(rows: &[Vec<(u32, RawCell)>]) -> Vec<ZoneRow<'_>> {
        rows.iter()
            .enumerate()
            .map(|(i, cells)| ZoneRow {
                row: i as u32 + 1,
                cells,
                fields: None,
            })
            .collect()
    }

    #[test]
    fn title_rows_are_not_headers() {
        let a = aliases(Kind::Sales);
        let rows = [
            text_row(&["2026年10月消费明细"]),
            text_row(&["导出时间：2026-11-01", "金额"]),
        ];
        assert!(find(&zone(&rows), &a, &Merges::default()).is_none());
    }

    #[test]
    fn header_matches_loosely_and_maps_columns() {
        let a = aliases(Kind::Sales);
        let rows = [text_row(&[
            "收银单号",
            " 结账 日期 ",
            "手机号",
            "实收金额（元）",
            "",
            "ＡＭＯＵＮＴ2",
            "现场咨询",
        ])];
        let h = find(&zone(&rows), &a, &Merges::default()).unwrap();
        let map = &h.map;
        assert_eq!(map.col(Field::OrderId).map(|c| c.0), Some(0));
        // Spaces (also inside) are removed before matching.
        assert_eq!(map.col(Field::Date).map(|c| c.0), Some(1));
        assert_eq!(map.col(Field::Customer).map(|c| c.0), Some(2));
        // A trailing unit in full-width brackets is ignored.
        assert_eq!(map.col(Field::Amount).map(|c| c.0), Some(3));
        assert_eq!(map.col(Field::Consultant).map(|c| c.0), Some(6));
        assert_eq!(map.col(Field::Doctor), None);
        assert_eq!(h.unmapped(), ["ＡＭＯＵＮＴ2"]);
    }

    #[test]
    fn two_columns_for_one_field_keep_the_earlier_alias() {
        let a = aliases(Kind::Sales);
        // 顾客 comes before 手机号 in the customer aliases; 实收金额 before 金额.
        let rows = [text_row(&["日期", "手机号", "顾客", "金额", "实收金额"])];
        let h = find(&zone(&rows), &a, &Merges::default()).unwrap();
        assert_eq!(h.map.col(Field::Customer).map(|c| c.0), Some(2));
        assert_eq!(h.map.col(Field::Amount).map(|c| c.0), Some(4));
        assert_eq!(h.unmapped(), ["手机号", "金额"]);
    }

    #[test]
    fn two_row_header_of_a_text_file() {
        // Row 2 groups; 日期 and 单号 stand over empty lower cells (merged down in the report).
        let a = aliases(Kind::Sales);
        let rows = [
            text_row(&["2026年10月收银报表"]),
            text_row(&["单号", "日期", "顾客信息", "", "金额信息", "", "服务人员"]),
            text_row(&["", "", "会员姓名", "手机号", "应收", "实收", "现场咨询师"]),
            text_row(&[
                "A1",
                "2026-10-03",
                "王女士",
                "13800001234",
                "100",
                "90",
                "林晓雯",
            ]),
        ];
        let h = find(&zone(&rows), &a, &Merges::default()).unwrap();
        assert_eq!((h.top, h.row), (2, 3));
        let cols: Vec<(u32, &str)> = h.map.cols.iter().map(|(c, f, _)| (*c, f.key())).collect();
        assert_eq!(
            cols,
            [
                (0, "order_id"),
                (1, "date"),
                (3, "customer"),
                (5, "amount"),
                (6, "consultant")
            ]
        );
        assert_eq!(h.unmapped(), ["会员姓名", "应收"]);
    }

    #[test]
    fn a_header_above_its_data_is_not_a_two_row_header() {
        let a = aliases(Kind::Sales);
        // The data row has blanks under header names, but brings no column name of its own.
        let rows = [
            text_row(&["日期", "顾客", "实收金额", "咨询师"]),
            text_row(&["2026-10-03", "王女士", "", "林晓雯"]),
        ];
        let h = find(&zone(&rows), &a, &Merges::default()).unwrap();
        assert_eq!((h.top, h.row), (1, 1));
    }

    #[test]
    fn merged_cells_decide_what_is_hidden() {
        // A1:A2 merged (日期 down), B1:C1 merged (顾客信息 over 顾客, 手机号). The file holds a
        // stale 备注 under the merge in A2, which Excel never shows: it is not the name.
        let a = aliases(Kind::Sales);
        let rows = [
            text_row(&["日期", "顾客信息", "", "实收"]),
            text_row(&["备注", "顾客", "手机号", ""]),
        ];
        let merges = Merges(vec![(0, 0, 1, 0), (0, 1, 0, 2), (0, 3, 1, 3)]);
        let h = find(&zone(&rows), &a, &merges).unwrap();
        assert_eq!((h.top, h.row), (1, 2));
        assert_eq!(h.map.col(Field::Date).map(|c| c.0), Some(0));
        assert_eq!(h.map.col(Field::Customer).map(|c| c.0), Some(1));
        assert_eq!(h.map.col(Field::Amount).map(|c| c.0), Some(3));
        assert_eq!(h.unmapped(), ["手机号"]);
    }

    #[test]
    fn footers() {
        let a = aliases(Kind::Sales);
        let rows = [text_row(&["日期", "顾客", "实收金额", "咨询师"])];
        let map = find(&zone(&rows), &a, &Merges::default()).unwrap().map;
        let f = |cells: &[&str]| footer(&text_row(cells), &map, Kind::Sales);
        assert_eq!(f(&["制表人：张三"]), Some("制表人：张三".to_string()));
        assert_eq!(f(&["", "审核：", "", "李四"]), Some("审核：".to_string()));
        assert!(f(&["打 印 时 间 2026-11-01"]).is_some());
        // A value in a required column other than the label's: a data row, not a footer.
        assert_eq!(f(&["备注", "王女士", "100"]), None);
        assert_eq!(f(&["2026-10-03", "制表人"]), None);
    }

    #[test]
    fn stated_scales() {
        assert_eq!(stated_scale("满意度(1-10分)"), Some(10.0));
        assert_eq!(stated_scale("满意度（1～5分）"), Some(5.0));
        assert_eq!(stated_scale("评分(0~100)"), Some(100.0));
        assert_eq!(stated_scale("满意度(10分制)"), Some(10.0));
        assert_eq!(stated_scale("评分(满分10分)"), Some(10.0));
        assert_eq!(stated_scale("满意度"), None);
        assert_eq!(stated_scale("满意度(%)"), None);
        assert_eq!(stated_scale("分数(客户)"), None);
    }

    proptest::proptest! {
        /// Any first rows, with any merges: finding a header, the messages and a stated scale
        /// never panic, and a header found lies within the rows given.
        #[test]
        fn header_search_is_total(
            rows in proptest::collection::vec(
                proptest::collection::vec("[日期顾客实收金额咨询师合计(1-10分) ,]{0,6}", 0..6),
                0..6,
            ),
            merges in proptest::collection::vec((0u32..6, 0u32..6, 0u32..6, 0u32..6), 0..4),
        ) {
            let a = aliases(Kind::Sales);
            let cells: Vec<Vec<(u32, RawCell)>> = rows
                .iter()
                .map(|r| text_row(&r.iter().map(String::as_str).collect::<Vec<_>>()))
                .collect();
            let z = zone(&cells);
            let m = Merges(merges);
            let place = Place { file: "x".into(), sheet: None };
            if let Some(h) = find(&z, &a, &m) {
                proptest::prop_assert!(h.top <= h.row && h.row as usize <= z.len());
                let _ = missing_columns_message(&place, Kind::Sales, &z, &h, &a, &m);
                let _ = h.unmapped();
            }
            let _ = no_header_message(&place, Kind::Sales, &z, &a, &m);
            for r in &rows {
                for t in r {
                    let _ = stated_scale(t);
                }
            }
        }
    }

    #[test]
    fn config_lines_guess_the_column_when_one_fits() {
        let kind = Kind::Complaints;
        let missing: Vec<&ColumnDef> = kind
            .columns()
            .iter()
            .filter(|c| c.field == Field::Date)
            .collect();
        let unmapped = vec!["投诉时间".to_string(), "处理结果".to_string()];
        assert_eq!(
            config_lines(&missing, &unmapped),
            vec![ConfigLine {
                key: "date",
                name: Some("投诉时间".to_string())
            }]
        );
        let unmapped = vec!["处理结果".to_string()];
        assert_eq!(
            config_lines(&missing, &unmapped),
            vec![ConfigLine {
                key: "date",
                name: None
            }]
        );
    }
}
