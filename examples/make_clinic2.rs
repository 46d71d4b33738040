//! Writes `fixtures/clinic2`: a second, small clinic (悦颜医美, November 2026) whose exports
//! come as other vendors' systems write them — a report-center xlsx named by its export time
//! with a title block and a two-row merged header, an HR workbook with a 汇总 summary sheet, a
//! CRM log saved as UTF-16 "Unicode text", a survey CSV on a 1–10 scale, an Excel 97–2003 `.xls`
//! and a stray 说明.txt.
//!
//!     cargo run --example make_clinic2 -- [OUT_DIR]      (default `fixtures/clinic2`)
//!
//! The `.xls` is converted by LibreOffice (`soffice`) from the CSV this program writes beside
//! it; without `soffice` on the PATH it is left as it is. Every row is listed and accounted for
//! in `fixtures/clinic2/LEDGER.md`.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

type Res<T> = Result<T, Box<dyn Error>>;

/// A cell: `""` nothing, `#n` a number, `@yyyy-mm-dd` a date cell, anything else text.
fn write_cell(ws: &mut Worksheet, row: u32, col: u16, spec: &str) -> Res<()> {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let amount = Format::new().set_num_format("#,##0.00");
    if spec.is_empty() {
        return Ok(());
    }
    if let Some(n) = spec.strip_prefix('#') {
        ws.write_number_with_format(row, col, n.parse::<f64>()?, &amount)?;
    } else if let Some(d) = spec.strip_prefix('@') {
        let parts: Vec<&str> = d.split('-').collect();
        let [y, m, dd] = parts.as_slice() else {
            return Err(format!("bad date {d}").into());
        };
        let day = ExcelDateTime::from_ymd(y.parse()?, m.parse()?, dd.parse()?)?;
        ws.write_datetime_with_format(row, col, &day, &date)?;
    } else {
        ws.write_string(row, col, spec)?;
    }
    Ok(())
}

fn write_rows(ws: &mut Worksheet, first_row: u32, rows: &[&[&str]]) -> Res<()> {
    for (r, row) in (first_row..).zip(rows) {
        for (c, spec) in (0u16..).zip(row.iter()) {
            write_cell(ws, r, c, spec)?;
        }
    }
    Ok(())
}

fn new_workbook() -> Res<Workbook> {
    let mut wb = Workbook::new();
    // Another vendor's report center wrote these: not clinic-kpi.
    let props = DocProperties::new()
        .set_author("悦颜医美 报表中心")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 12, 1)?);
    wb.set_properties(&props);
    Ok(wb)
}

// ---------------------------------------------------------------------------------------------
// 报表_20261201_093015.xlsx — the cashier's report: title block (rows 1–3), a two-row header
// (rows 4–5) grouping 顾客信息 / 金额信息 / 服务人员, ungrouped columns merged down.
// ---------------------------------------------------------------------------------------------

/// Data rows 6.. (columns A–I: 单号, 收银日期, 会员姓名, 会员手机, 应收, 实收, 现场咨询师,
/// 主诊医生, 项目名称).
#[rustfmt::skip]
const SALES_ROWS: [[&str; 9]; 7] = [
    // row 6
    ["D2611001", "@2026-11-02", "王女士", "13800001111", "#6800", "#6800", "苏婉", "韩博", "热玛吉"],
    // row 7: a discount, 应收 3200, 实收 2980
    ["D2611002", "@2026-11-03", "李女士", "13800002222", "#3200", "#2980", "陈蕾", "韩博", "水光针"],
    // row 8: a comma-decimal amount: rejected, never ¥128,050
    ["D2611003", "@2026-11-05", "张先生", "13800003333", "#1280.5", "1280,50", "苏婉", "", "光子嫩肤"],
    // row 9
    ["D2611004", "@2026-11-08", "赵女士", "13800004444", "#12000", "#12000", "苏婉", "韩博", "玻尿酸填充"],
    // row 10
    ["D2611005", "@2026-11-12", "钱女士", "13800005555", "#4500", "#4500", "陈蕾", "", "超皮秒"],
    // row 11: a partial refund of row 6
    ["D2611006", "@2026-11-20", "王女士", "13800001111", "#-800", "#-800", "苏婉", "", "热玛吉"],
    // row 12: October, out of the period
    ["D2610099", "@2026-10-30", "孙女士", "13800006666", "#2000", "#2000", "陈蕾", "", "水光针"],
];

fn write_sales_report(path: &Path) -> Res<()> {
    let mut wb = new_workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("收银明细")?;
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    ws.merge_range(0, 0, 0, 8, "悦颜医美 收银明细报表", &title)?;
    ws.write_string(1, 0, "统计期间：2026-11-01 至 2026-11-30")?;
    ws.write_string(2, 0, "导出时间：2026-12-01 09:30:15")?;
    // Row 4–5: ungrouped columns merged down, groups merged across.
    ws.merge_range(3, 0, 4, 0, "单号", &head)?;
    ws.merge_range(3, 1, 4, 1, "收银日期", &head)?;
    ws.merge_range(3, 2, 3, 3, "顾客信息", &head)?;
    ws.merge_range(3, 4, 3, 5, "金额信息", &head)?;
    ws.merge_range(3, 6, 3, 7, "服务人员", &head)?;
    ws.merge_range(3, 8, 4, 8, "项目名称", &head)?;
    for (c, name) in [
        (2u16, "会员姓名"),
        (3, "会员手机"),
        (4, "应收"),
        (5, "实收"),
        (6, "现场咨询师"),
        (7, "主诊医生"),
    ] {
        ws.write_string_with_format(4, c, name, &head)?;
    }
    for c in 0..9u16 {
        ws.set_column_width(c, 13)?;
    }
    let rows: Vec<&[&str]> = SALES_ROWS.iter().map(|r| &r[..]).collect();
    write_rows(ws, 5, &rows)?;
    // Row 13: the totals the report prints (合　计 with a full-width space), over every row.
    ws.write_string(12, 0, "合\u{3000}计")?;
    ws.write_number(
        12,
        4,
        6800.0 + 3200.0 + 1280.5 + 12000.0 + 4500.0 - 800.0 + 2000.0,
    )?;
    // Row 14: the footer.
    ws.write_string(13, 0, "制表人：李娜")?;
    ws.write_string(13, 4, "审核：王强")?;
    wb.save(path)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 人事月报_202611.xlsx — sheets 汇总 (a summary no kind fits), 花名册 (roster), 业绩目标 (targets).
// ---------------------------------------------------------------------------------------------

fn write_hr(path: &Path) -> Res<()> {
    let mut wb = new_workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("汇总")?;
    write_rows(
        ws,
        0,
        &[
            &["2026年11月人事汇总"],
            &["部门", "在职人数", "本月入职", "本月离职"],
            &["咨询部", "#2", "#0", "#0"],
            &["医疗部", "#1", "#0", "#0"],
            &["前台", "#1", "#0", "#0"],
        ],
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("花名册")?;
    write_rows(
        ws,
        0,
        &[
            &["姓名", "工号", "岗位", "门店", "入职日期"],
            &["苏婉", "YY001", "咨询师", "一店", "@2024-03-01"],
            &["陈蕾", "YY002", "咨询师", "一店", "@2025-06-15"],
            &["韩博", "YY003", "医生", "一店", "@2023-01-10"],
            &["刘敏", "YY004", "前台", "一店", "@2025-09-01"],
        ],
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("业绩目标")?;
    write_rows(
        ws,
        0,
        &[
            &["姓名", "考核月份", "业绩目标"],
            &["苏婉", "2026-11", "#24000"],
            &["陈蕾", "2026-11", "#16000"],
            &["苏婉", "2026-10", "#20000"],
        ],
    )?;
    wb.save(path)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// CRM_export_20261201.txt — the CRM's visit log, saved as "Unicode text": UTF-16LE with a BOM,
// tab-separated, CRLF.
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const VISITS: [[&str; 7]; 10] = [
    ["到院时间", "会员姓名", "手机号", "接诊咨询师", "初复诊", "是否成交", "来源渠道"],
    ["2026-11-02 10:15", "王女士", "13800001111", "苏婉", "复诊", "是", "老带新"],
    ["2026-11-03 14:00", "李女士", "13800002222", "陈蕾", "初诊", "是", "美团"],
    ["2026-11-05 11:30", "张先生", "13800003333", "苏婉", "初诊", "是", "抖音"],
    ["2026-11-08 15:20", "赵女士", "13800004444", "苏婉", "复诊", "是", "老带新"],
    ["2026-11-09 16:40", "周女士", "13800007777", "苏婉", "初诊", "否", "抖音"],
    ["2026-11-12 10:00", "钱女士", "13800005555", "陈蕾", "初诊", "是", "美团"],
    ["2026-11-15 13:10", "吴女士", "13800008888", "陈蕾", "初诊", "否", "美团"],
    ["2026-11-16 17:05", "郑女士", "13800009999", "陈蕾", "初诊", "否", "抖音"],
    // row 10: the date typed as 261116 (yymmdd): rejected, never the year 2617
    ["261116", "冯女士", "13900001111", "苏婉", "初诊", "否", "抖音"],
];

fn write_visits(path: &Path) -> Res<()> {
    let mut text = String::new();
    for r in VISITS {
        text.push_str(&r.join("\t"));
        text.push_str("\r\n");
    }
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    fs::write(path, bytes)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 员工满意度回访.csv — names 员工 (roster) and 满意度/回访 (surveys): the header decides.
// ---------------------------------------------------------------------------------------------

const SURVEYS: &str = "回访日期,服务人员,顾客,满意度(1-10分)
2026-11-04,苏婉,王女士,9
2026-11-06,苏婉,张先生,8
2026-11-10,苏婉,赵女士,10
2026-11-05,陈蕾,李女士,7
2026-11-14,陈蕾,钱女士,11
2026-11-18,陈蕾,吴女士,6
";

// ---------------------------------------------------------------------------------------------
// 客诉登记.xls — complaints as an Excel 97–2003 workbook with a two-row merged header; no
// keyword in the name (客诉 is not 投诉): the header decides. Written as xlsx here, then saved as
// .xls by LibreOffice, which keeps the merged cells.
// ---------------------------------------------------------------------------------------------

fn write_complaints_source(path: &Path) -> Res<()> {
    let mut wb = new_workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("客诉")?;
    let head = Format::new().set_bold().set_align(FormatAlign::Center);
    ws.merge_range(0, 0, 1, 0, "投诉日期", &head)?;
    ws.merge_range(0, 1, 0, 2, "投诉对象", &head)?;
    ws.merge_range(0, 3, 1, 3, "顾客", &head)?;
    ws.merge_range(0, 4, 0, 5, "处理情况", &head)?;
    for (c, name) in [
        (1u16, "被投诉人"),
        (2, "科室"),
        (4, "投诉类型"),
        (5, "是否有效"),
    ] {
        ws.write_string_with_format(1, c, name, &head)?;
    }
    write_rows(
        ws,
        2,
        &[
            &["@2026-11-11", "韩博", "医疗部", "赵女士", "服务态度", "是"],
            &["@2026-11-21", "陈蕾", "咨询部", "钱女士", "等候时间", "否"],
        ],
    )?;
    wb.save(path)?;
    Ok(())
}

const README_TXT: &str = "本文件夹为悦颜医美 2026年11月 各系统导出数据，请勿修改。\r\n";

fn write_xls(out: &Path) -> Res<()> {
    let dir = std::env::temp_dir().join("clinic2-xls-source");
    fs::create_dir_all(&dir)?;
    let source = dir.join("客诉登记.xlsx");
    write_complaints_source(&source)?;
    let status = Command::new("soffice")
        .args(["--headless", "--convert-to"])
        .arg("xls:MS Excel 97")
        .arg("--outdir")
        .arg(out)
        .arg(&source)
        .status();
    match status {
        Ok(s) if s.success() => Ok(()),
        _ => {
            eprintln!(
                "soffice (LibreOffice) not found or failed: 客诉登记.xls left as it is (see fixtures/clinic2/README.md)"
            );
            Ok(())
        }
    }
}

fn main() -> Res<()> {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("fixtures/clinic2"));
    fs::create_dir_all(&out)?;
    write_sales_report(&out.join("报表_20261201_093015.xlsx"))?;
    write_hr(&out.join("人事月报_202611.xlsx"))?;
    write_visits(&out.join("CRM_export_20261201.txt"))?;
    fs::write(out.join("员工满意度回访.csv"), SURVEYS)?;
    fs::write(out.join("说明.txt"), README_TXT)?;
    write_xls(&out)?;
    println!("fixtures written to {}", out.display());
    Ok(())
}
