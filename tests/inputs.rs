//! Reading what other clinic systems export, as they export it (issue 13, SPEC §2.1–§2.2):
//! two-row headers, kinds told by the header, `[inputs]` that adds, scorecards told by content,
//! footer rows, values that look like numbers but are not, and messages that lead to the fix.
//! Every file is built here (CSV text, or xlsx through rust_xlsxwriter) or is one of
//! fixtures/clinic2 (see its LEDGER.md).

use crate::workdir::{counts, fixtures, input, Run, Workdir, ONE_ROLE};
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use serde_json::Value;

/// `check --format json [args]` in `w`, which must succeed; its JSON.
fn check_json(w: &Workdir, args: &[&str]) -> Value {
    // The messages are matched in English; tests/lang.rs reads them in Chinese.
    let mut all = vec!["check", "--format", "json", "--lang", "en"];
    all.extend_from_slice(args);
    let run = w.run(&all);
    assert_eq!(run.code, 0, "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
    run.json()
}

/// An issue as (severity, file, sheet, row, message).
type IssueRow = (String, String, Option<String>, Option<u64>, String);

/// The issues of a run.
fn issues(j: &Value) -> Vec<IssueRow> {
    j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["severity"].as_str().unwrap().to_string(),
                i["file"].as_str().unwrap_or("").to_string(),
                i["sheet"].as_str().map(str::to_string),
                i["row"].as_u64(),
                i["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The kinds of the inputs read, as (kind, file, sheet), sorted.
fn kinds(j: &Value) -> Vec<(String, String, Option<String>)> {
    let mut out: Vec<_> = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["file"].as_str().unwrap().to_string(),
                i["sheet"].as_str().map(str::to_string),
            )
        })
        .collect();
    out.sort();
    out
}

/// Every input reconciles: rows = used + out of period + rejected + skipped.
fn assert_reconciled(j: &Value) {
    for i in j["inputs"].as_array().unwrap() {
        let [rows, used, oop, rej, skip] = counts(i);
        assert_eq!(rows, used + oop + rej + skip, "{i}");
    }
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

fn s(x: &str) -> String {
    x.to_string()
}

// ---------------------------------------------------------------------------------------------
// 1. Two-row headers
// ---------------------------------------------------------------------------------------------

/// The cashier report of the issue: 日期 and 单号 merged down over rows 2–3, 顾客信息 over 会员姓名
/// and 手机号, 金额信息 over 应收 and 实收, 服务人员 over 现场咨询 — every name a built-in one.
fn report_workbook(path: &std::path::Path, stale_under_merge: bool) {
    let mut wb = Workbook::new();
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name("报表").unwrap();
    let f = Format::new();
    ws.write_string(0, 0, "2026年10月收银报表").unwrap();
    ws.merge_range(1, 0, 2, 0, "单号", &f).unwrap();
    ws.merge_range(1, 1, 2, 1, "日期", &f).unwrap();
    ws.merge_range(1, 2, 1, 3, "顾客信息", &f).unwrap();
    ws.merge_range(1, 4, 1, 5, "金额信息", &f).unwrap();
    ws.write_string(1, 6, "服务人员").unwrap();
    for (c, name) in [
        (2u16, "会员姓名"),
        (3, "手机号"),
        (4, "应收"),
        (5, "实收"),
        (6, "现场咨询"),
    ] {
        ws.write_string(2, c, name).unwrap();
    }
    if stale_under_merge {
        // A value the file holds under the merged 日期 cell, which Excel never shows.
        ws.write_string(2, 1, "备注").unwrap();
    }
    // Rows 4–5: two October sales; row 6 September.
    let rows = [
        [
            "A1",
            "2026-10-03",
            "王女士",
            "13800001234",
            "3200",
            "3000",
            "林晓雯",
        ],
        [
            "A2",
            "2026-10-05",
            "李女士",
            "13900005678",
            "1000",
            "1000",
            "周婷",
        ],
        [
            "A3",
            "2026-09-28",
            "赵女士",
            "13700001111",
            "500",
            "500",
            "周婷",
        ],
    ];
    for (r, row) in (3u32..).zip(rows) {
        for (c, v) in (0u16..).zip(row) {
            if (4..=5).contains(&c) {
                ws.write_number(r, c, v.parse::<f64>().unwrap()).unwrap();
            } else {
                ws.write_string(r, c, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn two_row_header_with_merged_cells_is_read_as_one() {
    // Header rows 2–3; rows 4–6 below it: 2 October sales used (3000 + 1000 = ¥4,000 实收,
    // never 应收), 1 September. Before: "lacks required column(s) … amount", exit 1.
    let w = Workdir::new();
    report_workbook(&w.path().join("收银报表.xlsx"), false);
    let j = check_json(&w, &["--month", "2026-10"]);
    let i = input(&j, "收银报表.xlsx", Some("报表"));
    assert_eq!(counts(i), [3, 2, 1, 0, 0]);
    assert_eq!(i["amount_used"], 4000.0);
    assert_eq!(strs(&i["columns_not_used"]), ["会员姓名", "应收"]);
    // The table shows both header rows.
    let run = w.run(&["check", "--lang", "en"]);
    assert!(run.stdout.contains("┆ 2–3    ┆"), "{run}");
}

#[test]
fn a_value_hidden_under_a_merge_is_not_the_columns_name() {
    // B3 holds 备注 under the merged 日期 (B2:B3): the merged regions say it is hidden,
    // so the column is 日期. Without them 备注 would win and the date would be missing.
    let w = Workdir::new();
    report_workbook(&w.path().join("收银报表.xlsx"), true);
    let j = check_json(&w, &["--month", "2026-10"]);
    let i = input(&j, "收银报表.xlsx", Some("报表"));
    assert_eq!(counts(i), [3, 2, 1, 0, 0]);
    assert_eq!(strs(&i["columns_not_used"]), ["会员姓名", "应收"]);
}

#[test]
fn two_row_header_of_a_text_file() {
    // Row 2 groups (blanks over the named lower cells of row 3); 日期 and 单号 stand over empty
    // lower cells. Rows 4–5: 980 + 1,200 = ¥2,180.
    let w = Workdir::new();
    w.write(
        "收银.csv",
        "2026年10月收银报表\n\
         单号,日期,顾客信息,,金额信息,,服务人员\n\
         ,,会员姓名,手机号,应收,实收,现场咨询师\n\
         B1,2026-10-03,王女士,13800001234,1000,980,林晓雯\n\
         B2,2026-10-04,李女士,13900005678,1200,1200,周婷\n",
    );
    let j = check_json(&w, &["--month", "2026-10"]);
    let i = input(&j, "收银.csv", None);
    assert_eq!(counts(i), [2, 2, 0, 0, 0]);
    assert_eq!(i["amount_used"], 2180.0);
    assert_eq!(strs(&i["columns_not_used"]), ["会员姓名", "应收"]);
}

#[test]
fn two_row_header_of_an_xls_written_by_libreoffice() {
    // fixtures/clinic2/客诉登记.xls: 投诉日期 and 顾客 merged down over rows 1–2, 投诉对象 over
    // 被投诉人 and 科室, 处理情况 over 投诉类型 and 是否有效; two complaints (LEDGER.md).
    let w = Workdir::new();
    let data = fixtures().join("clinic2");
    let j = check_json(
        &w,
        &[
            "--data",
            data.to_str().unwrap(),
            "--config",
            data.join("clinic-kpi.toml").to_str().unwrap(),
            "--month",
            "2026-11",
        ],
    );
    let i = input(&j, "客诉登记.xls", Some("客诉"));
    assert_eq!(i["kind"], "complaints");
    assert_eq!(counts(i), [2, 2, 0, 0, 0]);
    assert_eq!(strs(&i["columns_not_used"]), ["科室"]);
}

// ---------------------------------------------------------------------------------------------
// 2. The header decides when the name cannot
// ---------------------------------------------------------------------------------------------

#[test]
fn names_without_a_kind_are_told_by_their_header_and_strays_are_skipped() {
    let w = Workdir::new();
    // No keyword: a sales header.
    w.write(
        "报表_20261101_093015.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-03,13800001234,500,林晓雯\n",
    );
    // Keywords of two kinds (业绩 sales, 咨询 visits): the visits header decides.
    w.write(
        "咨询师业绩.csv",
        "到院日期,顾客,现场咨询师,是否成交\n2026-10-03,13800001234,林晓雯,是\n",
    );
    // 业绩目标 is one keyword of targets (the longer keyword wins over 业绩).
    w.write(
        "业绩目标.csv",
        "姓名,考核月份,业绩目标\n林晓雯,2026-10,60000\n",
    );
    // Nothing identifies these: skipped with a warning each, the run goes on.
    w.write("说明.txt", "本目录为10月导出数据。\n");
    w.write("kpi.csv", "");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("汇总").unwrap();
    ws.write_string(0, 0, "部门").unwrap();
    ws.write_string(0, 1, "人数").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("花名册").unwrap();
    ws.write_string(0, 0, "姓名").unwrap();
    ws.write_string(0, 1, "岗位").unwrap();
    ws.write_string(1, 0, "林晓雯").unwrap();
    ws.write_string(1, 1, "咨询师").unwrap();
    wb.save(w.path().join("HR.xlsx")).unwrap();

    let j = check_json(&w, &["--month", "2026-10"]);
    assert_eq!(
        kinds(&j),
        [
            (s("roster"), s("HR.xlsx"), Some(s("花名册"))),
            (s("sales"), s("报表_20261101_093015.csv"), None),
            (s("targets"), s("业绩目标.csv"), None),
            (s("visits"), s("咨询师业绩.csv"), None),
        ]
    );
    let hint = "put exactly one kind's keyword in the file or sheet name — sales (消费), visits (到院), complaints (投诉), roster (员工), targets (目标), surveys (回访), ratings (评分), adjustments (调整) — or list it under [inputs] in the config";
    let warnings: Vec<_> = issues(&j)
        .into_iter()
        .filter(|i| i.0 == "warning")
        .collect();
    assert_eq!(
        warnings,
        [
            (
                s("warning"),
                s("HR.xlsx"),
                Some(s("汇总")),
                None,
                format!("not read: its name names no kind and its header fits no kind (row 1 holds 部门, 人数); if it is an export, {hint}")
            ),
            (
                s("warning"),
                s("kpi.csv"),
                None,
                None,
                s("not read: it is empty (0 bytes) and its name names no kind")
            ),
            (
                s("warning"),
                s("说明.txt"),
                None,
                None,
                format!("not read: its name names no kind and its header fits no kind (row 1 holds 本目录为10月导出数据。); if it is an export, {hint}")
            ),
        ]
    );
    // The files not read are listed with why; they contribute no rows.
    let not_read: Vec<(&str, Option<&str>)> = j["not_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["file"].as_str().unwrap(), n["sheet"].as_str()))
        .collect();
    assert_eq!(
        not_read,
        [
            ("HR.xlsx", Some("汇总")),
            ("kpi.csv", None),
            ("说明.txt", None)
        ]
    );
    assert_reconciled(&j);
}

#[test]
fn a_header_that_fits_two_kinds_equally_is_an_error_saying_how_to_name_it() {
    // date, customer, amount, consultant (sales: 4) and date, customer, consultant, channel
    // (visits: 4).
    let w = Workdir::new();
    w.write(
        "导出.csv",
        "日期,顾客,金额,咨询师,渠道\n2026-10-03,13800001234,500,林晓雯,美团\n",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: 导出.csv, row 1: the header fits sales and visits equally (4 known columns each), so what it holds cannot be told: put one kind's keyword in the file or sheet name (消费 for sales, 到院 for visits), or list it under [inputs] in the config (e.g. sales = [\"…\"])\n"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. [inputs] adds
// ---------------------------------------------------------------------------------------------

#[test]
fn inputs_listed_in_the_config_add_to_what_is_found() {
    let w = Workdir::new();
    // Listed: a sales file whose name says nothing, and an HR workbook without #Sheet whose
    // first sheet is a summary.
    w.write(
        "export1.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-03,13800001234,500,林晓雯\n",
    );
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("汇总").unwrap();
    ws.write_string(0, 0, "在职人数").unwrap();
    ws.write_number(0, 1, 1.0).unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet2").unwrap();
    for (c, h) in ["姓名", "岗位"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "林晓雯").unwrap();
    ws.write_string(1, 1, "咨询师").unwrap();
    wb.save(w.path().join("hr.xlsx")).unwrap();
    // Found in the folder: visits (not listed: read); another sales file (sales are listed:
    // not read, with an info issue saying so).
    w.write(
        "到院登记.csv",
        "到院日期,顾客,现场咨询师\n2026-10-03,13800001234,林晓雯\n",
    );
    w.write(
        "消费补录.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-04,13900005678,800,林晓雯\n",
    );
    w.write(
        "clinic-kpi.toml",
        format!("[inputs]\nsales = [\"export1.csv\"]\nroster = [\"hr.xlsx\"]\n{ONE_ROLE}"),
    );
    let j = check_json(&w, &["--month", "2026-10"]);
    // export1.csv once (listed, not found a second time), visits found.
    assert_eq!(
        kinds(&j),
        [
            (s("roster"), s("hr.xlsx"), Some(s("Sheet2"))),
            (s("sales"), s("export1.csv"), None),
            (s("visits"), s("到院登记.csv"), None),
        ]
    );
    let not_read: Vec<(String, Option<String>, String, String)> = j["not_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["file"].as_str().unwrap().to_string(),
                n["sheet"].as_str().map(str::to_string),
                n["severity"].as_str().unwrap().to_string(),
                n["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(not_read.len(), 2, "{not_read:?}");
    assert_eq!(
        (&not_read[0].0, &not_read[0].1, &not_read[0].2),
        (&s("hr.xlsx"), &Some(s("汇总")), &s("warning"))
    );
    assert_eq!(
        not_read[1],
        (
            s("消费补录.csv"),
            None,
            s("info"),
            s("not read: it holds sales rows, and the config lists the sales inputs under [inputs]; add it there to have it read")
        )
    );
    assert_eq!(counts(input(&j, "export1.csv", None)), [1, 1, 0, 0, 0]);
}

// ---------------------------------------------------------------------------------------------
// 4. Scorecards by content
// ---------------------------------------------------------------------------------------------

#[test]
fn scorecards_are_told_by_their_document_properties_never_by_name() {
    let w = Workdir::new();
    // An export whose name starts with "Scorecard": data.
    w.write(
        "Scorecard消费流水补录.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-03,13800001234,500,林晓雯\n",
    );
    let j = check_json(&w, &["--month", "2026-10"]);
    let i = input(&j, "Scorecard消费流水补录.csv", None);
    assert_eq!(counts(i), [1, 1, 0, 0, 0]);
    assert_eq!(i["amount_used"], 500.0);
    // A scorecard this tool wrote, renamed to look like an export: skipped by its content.
    let run = w.run(&["score", "--month", "2026-10", "-o", "out.xlsx", "-q"]);
    assert_eq!(run.code, 0, "{run}");
    std::fs::rename(w.path().join("out.xlsx"), w.path().join("10月消费.xlsx")).unwrap();
    let j = check_json(&w, &["--month", "2026-10"]);
    assert_eq!(
        kinds(&j),
        [(s("sales"), s("Scorecard消费流水补录.csv"), None)]
    );
    assert_eq!(j["not_read"][0]["file"], "10月消费.xlsx");
    assert_eq!(
        j["not_read"][0]["reason"],
        "not read: a scorecard written by clinic-kpi (its document properties say so), not an export"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Rows that are not data
// ---------------------------------------------------------------------------------------------

#[test]
fn footer_and_spaced_totals_rows_are_skipped_not_rejected() {
    // Rows 2–3 used (500 + 300); row 4 合 计 (ASCII space) and row 5 合　计 (full-width) totals;
    // rows 6–8 footers: 制表人, 审核 (in the second column), 打印时间. Nothing is an error, so
    // --strict passes.
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n\
         2026-10-03,13800001234,500,林晓雯\n\
         2026-10-04,13900005678,300,林晓雯\n\
         合 计,,800,\n\
         合\u{3000}计,,800,\n\
         制表人：张三,,,\n\
         ,审核：李四,,\n\
         打印时间 2026-11-01 09:30,,,\n",
    );
    let j = check_json(&w, &["--month", "2026-10", "--strict"]);
    let i = input(&j, "消费.csv", None);
    assert_eq!(counts(i), [7, 2, 0, 0, 5]);
    assert_eq!(i["amount_used"], 800.0);
    // (The one issue without a row says there is no roster.)
    let info: Vec<(Option<u64>, String)> = issues(&j)
        .into_iter()
        .filter(|i| i.3.is_some())
        .map(|i| {
            assert_eq!(i.0, "info");
            (i.3, i.4)
        })
        .collect();
    assert_eq!(
        info,
        [
            (Some(4), s("totals row skipped (合 计)")),
            (Some(5), s("totals row skipped (合\u{3000}计)")),
            (
                Some(6),
                s("footer row skipped (制表人：张三): it is not data")
            ),
            (
                Some(7),
                s("footer row skipped (审核：李四): it is not data")
            ),
            (
                Some(8),
                s("footer row skipped (打印时间 2026-11-01 09:30): it is not data")
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Values that look like numbers but are not
// ---------------------------------------------------------------------------------------------

/// The error issues as (row, column, message).
fn errors(j: &Value) -> Vec<(u64, String, String)> {
    j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "error")
        .map(|i| {
            (
                i["row"].as_u64().unwrap(),
                i["column"].as_str().unwrap_or("").to_string(),
                i["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn csv_rows_with_more_or_fewer_fields_than_the_header() {
    // Row 2 fine (¥3,800). Row 3: 玻尿酸 1,2 unquoted shifts 3800 into 咨询师 — 6 fields for a
    // header of 5: rejected (before, 3800 was credited as a person). Row 4: 4 fields, the
    // missing one is 咨询师, a used column: rejected. Row 5: 3 fields, 5 with trailing empty
    // ones… it ends before 实收金额 and 咨询师: rejected. Row 6: 6 fields, the last empty:
    // padding, used (¥1,000).
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "日期,顾客,项目,实收金额,咨询师\n\
         2026-10-03,13800001234,玻尿酸,3800,林晓雯\n\
         2026-10-03,13800001234,玻尿酸 1,2,3800,林晓雯\n\
         2026-10-04,13900005678,水光针,900\n\
         2026-10-05,13700001111,水光针\n\
         2026-10-06,13600002222,水光针,1000,周婷,\n",
    );
    let j = check_json(&w, &["--month", "2026-10"]);
    let i = input(&j, "消费.csv", None);
    assert_eq!(counts(i), [5, 2, 0, 3, 0]);
    assert_eq!(i["amount_used"], 4800.0);
    assert_eq!(
        errors(&j),
        [
            (3, s(""), s("this row has 6 fields but the header has 5: a delimiter inside a value (e.g. an unquoted comma in an item name) shifted the fields after it, so which value belongs to which column cannot be told; the row is not used (quote that value, or export the file again)")),
            (4, s("咨询师"), s("this row has 4 fields but the header has 5: it ends before the column(s) 咨询师, so the row is not used")),
            (5, s("实收金额"), s("this row has 3 fields but the header has 5: it ends before the column(s) 实收金额, 咨询师, so the row is not used")),
        ]
    );
    // Fewer fields where only unused columns are missing: read with those fields empty.
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师,备注\n2026-10-03,13800001234,500,林晓雯\n",
    );
    let j = check_json(&w, &["--month", "2026-10"]);
    assert_eq!(counts(input(&j, "消费.csv", None)), [1, 1, 0, 0, 0]);
}

#[test]
fn commas_group_three_digits_and_digits_are_dates_only_when_plausible() {
    // Amounts: row 2 "12,50" (a comma decimal: not ¥1,250), row 3 "1,234,567.89" (used),
    // row 4 "1 234,50" (rejected). Dates: row 5 261003 (not the year 2614), row 6 1003 (not
    // 1902), row 7 20261005 (yyyymmdd, used, ¥100).
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n\
         2026-10-03,13800001234,\"12,50\",林晓雯\n\
         2026-10-03,13800001234,\"1,234,567.89\",林晓雯\n\
         2026-10-03,13800001234,\"1 234,50\",林晓雯\n\
         261003,13800001234,100,林晓雯\n\
         1003,13800001234,100,林晓雯\n\
         20261005,13800001234,100,林晓雯\n",
    );
    let j = check_json(&w, &["--month", "2026-10"]);
    let i = input(&j, "消费.csv", None);
    assert_eq!(counts(i), [6, 2, 0, 4, 0]);
    // 1,234,567.89 + 100 = 1,234,667.89
    assert_eq!(i["amount_used"], 1234667.89);
    let errs = errors(&j);
    let rows: Vec<(u64, &str)> = errs.iter().map(|e| (e.0, e.1.as_str())).collect();
    assert_eq!(
        rows,
        [(2, "实收金额"), (4, "实收金额"), (5, "日期"), (6, "日期")]
    );
    assert_eq!(errs[0].2, "'12,50' is not an amount; the row is not used");
    assert_eq!(
        errs[2].2,
        "'261003' is not a date (as a date serial it would be 2614-08-07; a number is a date only as yyyymmdd (20261003) or a serial between 1990-01-01 and 2100-12-31); the row is not used"
    );
}

#[test]
fn survey_scores_outside_the_scale_are_rejected_and_a_stated_scale_is_checked() {
    // [surveys] scale = 5 (default). Rows 2–3 fine (4, 5); row 4 6 and row 5 50 are beyond 5
    // (before: 满意度 406%); row 6 -1 below 0. The header states 1–10: a warning names both.
    let w = Workdir::new();
    w.write(
        "回访.csv",
        "回访日期,服务人员,满意度(1-10分)\n\
         2026-10-03,林晓雯,4\n\
         2026-10-04,林晓雯,5\n\
         2026-10-05,林晓雯,6\n\
         2026-10-06,林晓雯,50\n\
         2026-10-07,林晓雯,-1\n",
    );
    let j = check_json(&w, &["--month", "2026-10"]);
    assert_eq!(counts(input(&j, "回访.csv", None)), [5, 2, 0, 3, 0]);
    let errs = errors(&j);
    assert_eq!(errs.iter().map(|e| e.0).collect::<Vec<_>>(), [4, 5, 6]);
    assert_eq!(
        errs[0].2,
        "'6' is not a score (a survey score lies between 0 and 5 ([surveys] scale in the config)); the row is not used"
    );
    let warn: Vec<_> = issues(&j)
        .into_iter()
        .filter(|i| i.0 == "warning")
        .collect();
    assert_eq!(
        warn,
        [(
            s("warning"),
            s("回访.csv"),
            None,
            Some(1),
            s("the header '满意度(1-10分)' states a 0–10 score scale, but [surveys] scale is 5 in the config: scores are read against 5, and a score above 5 is rejected; if the survey uses 10, set [surveys] scale = 10")
        )]
    );
    // With scale = 10 in the config the header agrees: no warning, and 6 is a score.
    w.write(
        "clinic-kpi.toml",
        format!("[surveys]\nscale = 10\n{ONE_ROLE}"),
    );
    let j = check_json(&w, &["--month", "2026-10"]);
    assert_eq!(counts(input(&j, "回访.csv", None)), [5, 3, 0, 2, 0]);
    assert!(issues(&j).iter().all(|i| i.0 != "warning"), "{j:#}");
}

// ---------------------------------------------------------------------------------------------
// 7. Messages that lead to the fix
// ---------------------------------------------------------------------------------------------

#[test]
fn a_missing_column_names_the_kind_row_names_seen_and_the_config_lines() {
    let w = Workdir::new();
    w.write(
        "投诉.csv",
        "投诉时间,被投诉人,投诉类型,处理结果\n2026-10-03 10:00,林晓雯,服务态度,已解决\n",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: 投诉.csv, row 1: the complaints header lacks required column(s) date (投诉日期/日期/date); the names in it are: 投诉时间, 被投诉人, 投诉类型, 处理结果. Rename the column in the export, or add its name to the config:\n[columns.complaints]\ndate = [\"投诉时间\"]\n"
    );
    // The config lines it gives work.
    w.write(
        "clinic-kpi.toml",
        format!("[columns.complaints]\ndate = [\"投诉时间\"]\n{ONE_ROLE}"),
    );
    let j = check_json(&w, &[]);
    assert_eq!(counts(input(&j, "投诉.csv", None)), [1, 1, 0, 0, 0]);
    assert_eq!(
        strs(&input(&j, "投诉.csv", None)["columns_not_used"]),
        ["处理结果"]
    );
}

#[test]
fn a_wanted_name_in_a_neighbouring_row_is_pointed_at() {
    // 实收金额 sits in row 1, above the header row 2 whose cell under it holds 元 (a units
    // row the other way round): not a two-row header, and the message says where the name is.
    let w = Workdir::new();
    w.write(
        "消费.csv",
        ",,实收金额\n日期,顾客,元,咨询师\n2026-10-03,13800001234,500,林晓雯\n",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: 消费.csv, row 2: the sales header lacks required column(s) amount (实收金额/实收/实付金额); the names in it are: 日期, 顾客, 元, 咨询师; '实收金额' (amount) is in row 1, just above the header row (put the names in one header row, or merge them as a two-row header). Rename the column in the export, or add its name to the config:\n[columns.sales]\namount = [\"<the column's name>\"]\n"
    );
}

#[test]
fn no_header_names_the_row_that_came_closest() {
    let w = Workdir::new();
    w.write(
        "到院.csv",
        "来访时间,客户,接待人\n2026-10-03,13800001234,林晓雯\n",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: 到院.csv: no header row in the first 20 rows: a visits header needs at least two known column names, such as date (到院日期/到院时间/咨询日期), customer (顾客/客户/顾客姓名), consultant (咨询师/现场咨询/现场咨询师); row 1 comes closest, with the names 来访时间, 客户, 接待人. If that is the header, add its names to the config:\n[columns.visits]\ndate = [\"来访时间\"]\nconsultant = [\"<the column's name>\"]\n"
    );
}

#[test]
fn check_lists_the_columns_not_used_per_input() {
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "日期,会员姓名,手机号,实收金额,支付方式,咨询师\n2026-10-03,王女士,13800001234,500,微信,林晓雯\n",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout.contains(
            "  消费.csv: 日期→date, 手机号→customer, 实收金额→amount, 咨询师→consultant\n    columns not used: 会员姓名, 支付方式\n"
        ),
        "{run}"
    );
    let run = w.run(&["check"]);
    assert!(
        run.stdout.contains("    未使用的列：会员姓名、支付方式\n"),
        "{run}"
    );
}

#[test]
fn a_config_alias_wins_over_a_built_in_one() {
    // Both 实收金额 (built-in) and 收款额 (config) name the amount: the config's column is taken.
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,收款额,咨询师\n2026-10-03,13800001234,999,500,林晓雯\n",
    );
    w.write(
        "clinic-kpi.toml",
        format!("[columns.sales]\namount = [\"收款额\"]\n{ONE_ROLE}"),
    );
    let j = check_json(&w, &[]);
    let i = input(&j, "消费.csv", None);
    assert_eq!(i["amount_used"], 500.0);
    assert_eq!(strs(&i["columns_not_used"]), ["实收金额"]);
}

// ---------------------------------------------------------------------------------------------
// The second example clinic
// ---------------------------------------------------------------------------------------------

fn clinic2(w: &Workdir, cmd: &[&str]) -> Run {
    let data = fixtures().join("clinic2");
    let mut args: Vec<&str> = cmd.to_vec();
    let data_s = data.to_str().unwrap().to_string();
    let config = data.join("clinic-kpi.toml").to_str().unwrap().to_string();
    args.extend_from_slice(&["--data", &data_s, "--config", &config, "--month", "2026-11"]);
    w.run(&args)
}

#[test]
fn clinic2_row_accounting() {
    // fixtures/clinic2/LEDGER.md lists every row.
    let w = Workdir::new();
    let run = clinic2(&w, &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    // Sales report: header rows 4–5; rows 6–14 = 9: used 6, 7, 9, 10, 11; out of period 12;
    // rejected 8 (1280,50); skipped 13 (合　计) and 14 (制表人 footer).
    let x = input(&j, "报表_20261201_093015.xlsx", Some("收银明细"));
    assert_eq!(counts(x), [9, 5, 1, 1, 2]);
    // 6800 + 2980 + 12000 + 4500 − 800 = 25,480
    assert_eq!(x["amount_used"], 25480.0);
    // CRM visits: rows 2–10, row 10's 261116 rejected.
    assert_eq!(
        counts(input(&j, "CRM_export_20261201.txt", None)),
        [9, 8, 0, 1, 0]
    );
    // Surveys: rows 2–7, row 6's 11 beyond the scale of 10.
    assert_eq!(
        counts(input(&j, "员工满意度回访.csv", None)),
        [6, 5, 0, 1, 0]
    );
    assert_eq!(
        counts(input(&j, "人事月报_202611.xlsx", Some("花名册"))),
        [4, 4, 0, 0, 0]
    );
    // Targets: rows 2–3 November, row 4 October.
    let t = input(&j, "人事月报_202611.xlsx", Some("业绩目标"));
    assert_eq!(t["kind"], "targets");
    assert_eq!(counts(t), [3, 2, 1, 0, 0]);
    assert_eq!(j["inputs"].as_array().unwrap().len(), 6);
    let not_read: Vec<(&str, Option<&str>)> = j["not_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["file"].as_str().unwrap(), n["sheet"].as_str()))
        .collect();
    assert_eq!(
        not_read,
        [("人事月报_202611.xlsx", Some("汇总")), ("说明.txt", None)]
    );
    assert_reconciled(&j);
    let e: Vec<(String, Option<u64>)> = issues(&j)
        .into_iter()
        .filter(|i| i.0 == "error")
        .map(|i| (i.1, i.3))
        .collect();
    assert_eq!(
        e,
        [
            (s("CRM_export_20261201.txt"), Some(10)),
            (s("员工满意度回访.csv"), Some(6)),
            (s("报表_20261201_093015.xlsx"), Some(8)),
        ]
    );
}

#[test]
fn clinic2_scores_to_the_hand_worked_numbers() {
    // The arithmetic is in fixtures/clinic2/LEDGER.md; in short:
    let w = Workdir::new();
    let run = clinic2(&w, &["score", "--format", "json", "--no-scorecard"]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let person = |name: &str| crate::workdir::person(&j, name);
    let kpi = crate::workdir::kpi;
    let close = crate::workdir::close;

    // 苏婉 (consultant): revenue 6800 + 12000 − 800 = 18,000 (row 8's 1280,50 rejected) against
    // her November target 24,000 = 0.75 → 75 (linear 0 → 0, 1.0 → 100). Consultations rows 2,
    // 4, 5, 6 (row 10 rejected): 3 deals / 4 = 0.75 ≥ target 0.5 → 100. Surveys 9, 8, 10 on a
    // scale of 10: 27 × 100 / 10 / 3 = 90 = target → 100.
    // total = 75 × 0.5 + 100 × 0.3 + 100 × 0.2 = 37.5 + 30 + 20 = 87.5 → B (80 ≤ 87.5 < 95);
    // bonus tier 80 → ¥1,000.
    let p = person("苏婉");
    let k = kpi(p, "revenue_attainment", None);
    assert!(
        close(&k["numerator"], 18000.0) && close(&k["denominator"], 24000.0),
        "{k}"
    );
    assert!(close(&k["score"], 75.0), "{k}");
    let k = kpi(p, "conversion_rate", None);
    assert!(
        close(&k["numerator"], 3.0) && close(&k["denominator"], 4.0),
        "{k}"
    );
    assert!(close(&k["score"], 100.0), "{k}");
    let k = kpi(p, "satisfaction", None);
    assert!(close(&k["value"], 90.0) && close(&k["score"], 100.0), "{k}");
    assert!(close(&p["total"], 87.5), "{p}");
    assert_eq!(
        (p["grade"].as_str(), p["rank"].as_u64()),
        (Some("B"), Some(1))
    );
    assert!(close(&p["bonus"], 1000.0), "{p}");

    // 陈蕾 (consultant): revenue 2980 + 4500 = 7,480 (row 12 is October) / 16,000 = 0.4675 →
    // 46.75. Consultations rows 3, 7, 8, 9: 2 deals / 4 = 0.5 → 100. Surveys 7 and 6 (row 6's
    // 11 rejected): 13 × 100 / 10 / 2 = 65 → (65 − 60) / (90 − 60) × 100 = 16.667.
    // total = 46.75 × 0.5 + 100 × 0.3 + 16.667 × 0.2 = 23.375 + 30 + 3.3333 = 56.7083 → D;
    // below the first tier: bonus 0.
    let p = person("陈蕾");
    let k = kpi(p, "revenue_attainment", None);
    assert!(
        close(&k["value"], 0.4675) && close(&k["score"], 46.75),
        "{k}"
    );
    let k = kpi(p, "satisfaction", None);
    assert!(close(&k["value"], 65.0), "{k}");
    assert!(
        (k["score"].as_f64().unwrap() - 50.0 / 3.0).abs() < 1e-9,
        "{k}"
    );
    assert!(
        (p["total"].as_f64().unwrap() - (23.375 + 30.0 + 10.0 / 3.0)).abs() < 1e-9,
        "{p}"
    );
    assert_eq!(
        (p["grade"].as_str(), p["rank"].as_u64()),
        (Some("D"), Some(2))
    );
    assert!(close(&p["bonus"], 0.0), "{p}");

    // 韩博 (doctor): revenue credited through 主诊医生: 6800 + 2980 + 12000 = 21,780 / 30,000
    // → 72.6; treatments D2611001, D2611002, D2611004 = 3 / 4 → 75.
    // total = 72.6 × 0.7 + 75 × 0.3 = 50.82 + 22.5 = 73.32 → C (60 ≤ 73.32 < 80).
    let p = person("韩博");
    let k = kpi(p, "revenue", None);
    assert!(
        close(&k["value"], 21780.0) && close(&k["score"], 72.6),
        "{k}"
    );
    let k = kpi(p, "treatments", None);
    assert!(close(&k["value"], 3.0) && close(&k["score"], 75.0), "{k}");
    assert!(close(&p["total"], 73.32), "{p}");
    assert_eq!(p["grade"], "C");

    // 刘敏 (前台) matches no role: not scored.
    assert_eq!(j["people"].as_array().unwrap().len(), 3);
}

// ---------------------------------------------------------------------------------------------
// In the reader's language (issue 14): what reading finds is said in Chinese unless --lang en
// ---------------------------------------------------------------------------------------------

/// The issue of `file` at `row`, from a run's JSON.
fn issue_at<'a>(j: &'a Value, file: &str, row: u64) -> &'a Value {
    j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"] == file && i["row"] == row)
        .unwrap_or_else(|| panic!("no issue at {file} row {row}: {j}"))
}

#[test]
fn rejected_rows_are_said_in_chinese_by_default() {
    // fixtures/clinic: 2026年10月消费流水.xlsx row 25 has 待定 as its amount, row 28 no
    // customer; 到院咨询登记.csv row 34 has 待定 as its deal flag.
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let data = data.to_str().unwrap();
    let run = w.run(&[
        "check", "--data", data, "--month", "2026-10", "--format", "json",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let sales = "2026年10月消费流水.xlsx";
    let amount = issue_at(&j, sales, 25);
    assert_eq!(amount["code"], "unreadable", "{amount}");
    assert_eq!(amount["message"], "“待定” 不是金额；该行未使用");
    let customer = issue_at(&j, sales, 28);
    assert_eq!(customer["code"], "missing", "{customer}");
    assert_eq!(customer["message"], "缺少顾客；该行未使用");
    let deal = issue_at(&j, "到院咨询登记.csv", 34);
    assert_eq!(
        deal["message"],
        "“待定” 不是成交标记（“是”或“否”）；该行未使用"
    );
    let repeat = issue_at(&j, "消费流水_补充导出.csv", 14);
    assert_eq!(repeat["code"], "repeated_row", "{repeat}");
    assert_eq!(repeat["message"], "与另一个文件中的一行重复；只计一次");
    // The table says where, then what, in Chinese.
    let run = w.run(&["check", "--data", data, "--month", "2026-10"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout.contains(
            "错误 2026年10月消费流水.xlsx，工作表 消费明细，第 25 行，列 实收金额(元)：“待定” 不是金额；该行未使用"
        ),
        "{run}"
    );
    // The same issue with --lang en.
    let run = w.run(&[
        "check", "--data", data, "--month", "2026-10", "--format", "json", "--lang", "en",
    ]);
    let j = run.json();
    assert_eq!(
        issue_at(&j, sales, 25)["message"],
        "'待定' is not an amount; the row is not used"
    );
}

#[test]
fn files_not_read_say_why_in_chinese_with_their_code() {
    let w = Workdir::new();
    w.write(
        "回访满意度.csv",
        "回访日期,服务人员,满意度\n2026-10-08,林晓雯,5\n",
    );
    w.write("~$消费.xlsx", "");
    w.write("杂项.csv", "a,b\n1,2\n");
    let run = w.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let not_read = j["not_read"].as_array().unwrap();
    let of = |file: &str| not_read.iter().find(|n| n["file"] == file).unwrap();
    assert_eq!(of("~$消费.xlsx")["code"], "lock_file");
    assert_eq!(
        of("~$消费.xlsx")["reason"],
        "未读取：这是 Excel 锁定文件（工作簿正在 Excel 中打开）"
    );
    let other = of("杂项.csv");
    assert_eq!(other["code"], "not_identified");
    assert_eq!(
        other["reason"],
        "未读取：名称没有指明类型，且表头不符合任何类型（第 1 行是 a、b）；如果它是导出数据，\
         请在文件名或工作表名中写上且只写一个类型的关键词——消费流水（消费）、到院咨询（到院）、\
         投诉（投诉）、员工花名册（员工）、业绩目标（目标）、回访满意度（回访）、主管评分（评分）、\
         申诉调整（调整）——或在配置的 [inputs] 下列出它"
    );
    // The issue naming it says the same.
    let issue = j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"] == "杂项.csv")
        .unwrap();
    assert_eq!(issue["message"], other["reason"]);
}

#[test]
fn input_errors_are_said_in_chinese_by_default() {
    let w = Workdir::new();
    // A data folder that is not there: our words, then the system's.
    let run = w.run(&["check", "--data", "nowhere"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: 无法读取数据文件夹 nowhere：文件或文件夹不存在\n"
    );
    // A workbook cut in half.
    let full = std::fs::read(fixtures().join("clinic/投诉记录.xlsx")).unwrap();
    w.write("投诉.xlsx", &full[..full.len() / 2]);
    let run = w.run(&["check"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .starts_with("clinic-kpi: 投诉.xlsx 无法读取：它是损坏或不完整的压缩包（"),
        "{run}"
    );
    assert!(run.stderr.ends_with("）；请重新下载或导出\n"), "{run}");
    std::fs::remove_file(w.path().join("投诉.xlsx")).unwrap();
    // A sales header without an amount column: the kind, the row, the names and the config
    // lines, in Chinese (the config lines as they are typed).
    w.write(
        "消费流水.csv",
        "日期,客户,咨询师,项目\n2026-10-01,张三,林晓雯,水光针\n",
    );
    let run = w.run(&["check"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: 消费流水.csv，第 1 行：消费流水表头缺少必需的列 amount（实收金额/实收/实付金额）；\
         表头中的列名是：日期、客户、咨询师、项目。请在导出中改列名，或把列名加到配置中：\n\
         [columns.sales]\namount = [\"<列名>\"]\n"
    );
}
