//! 数据 (Inputs) and 数据问题 (Issues): each input with its fingerprint and row accounting, and
//! every data issue.

use super::*;

pub(super) fn inputs_sheet(ws: &mut Worksheet, f: &Fmts, run: &Run) -> Result<(), XlsxError> {
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
pub(super) fn issues_sheets(
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
