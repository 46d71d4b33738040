//! `clinic-kpi check` on the fixture clinic and on broken inputs. Expected numbers come from
//! fixtures/clinic/LEDGER.md, which lists every row of every file.

use crate::workdir::{counts, fixtures, input, Workdir, ONE_ROLE};
use serde_json::Value;

fn check_clinic_json() -> Value {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let run = w.run(&[
        "check",
        "--data",
        data.to_str().unwrap(),
        "--month",
        "2026-10",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run}");
    run.json()
}

#[test]
fn row_accounting_of_every_input() {
    let j = check_clinic_json();
    assert_eq!(j["inputs"].as_array().unwrap().len(), 10);
    // xlsx sales: rows 4–32 below header row 3 = 29; used 24 October rows; rejected rows 25
    // (待定), 28 (no customer), 31 (2026-13-05); skipped blank row 18 and totals row 32.
    let x = input(&j, "2026年10月消费流水.xlsx", Some("消费明细"));
    assert_eq!(counts(x), [29, 24, 0, 3, 2]);
    // 1980+6800+7200+12800+1980+13800+2680+880+680+3200+2680+2980+680−2980+4200+2980+1200
    // +880+8800−800+9800+1980+1500+880 = 86,780 over the 24 used rows.
    assert_eq!(x["amount_used"], 86780.0);
    // GBK CSV: lines 2–22 = 21 rows; 12 September rows out of period; lines 14–17 repeat
    // xlsx rows 8, 19, 21, 29 (skipped); lines 18–22 are new October rows:
    // 1980 + 1500 + 4800 + 5400 + 380 = 14,060.
    let c = input(&j, "消费流水_补充导出.csv", None);
    assert_eq!(counts(c), [21, 5, 12, 0, 4]);
    assert_eq!(c["amount_used"], 14060.0);
    // 三店's sales: lines 2–14 = 13 October rows, 680+880+680+2680+680+3200+880+680+680+880
    // +680+2680+2680 = 17,960.
    let s3 = input(&j, "消费流水_三店.csv", None);
    assert_eq!(counts(s3), [13, 13, 0, 0, 0]);
    assert_eq!(s3["amount_used"], 17960.0);
    // Visits: lines 3–43 = 41; 11 September + line 43 (August) out of period; line 34
    // rejected (是否成交 待定); 28 October.
    assert_eq!(
        counts(input(&j, "到院咨询登记.csv", None)),
        [41, 28, 12, 1, 0]
    );
    // 三店's visits: lines 2–24 = 23 October rows.
    assert_eq!(
        counts(input(&j, "到院咨询登记_三店.csv", None)),
        [23, 23, 0, 0, 0]
    );
    // Complaints: rows 2–9 = 8; row 2 is September.
    assert_eq!(
        counts(input(&j, "投诉记录.xlsx", Some("Sheet1"))),
        [8, 7, 1, 0, 0]
    );
    // Roster rows are not dated: all 13 used.
    assert_eq!(
        counts(input(&j, "人事考核资料.xlsx", Some("员工花名册"))),
        [13, 13, 0, 0, 0]
    );
    // Targets: rows 3 and 5 are October, 2 and 4 September.
    assert_eq!(
        counts(input(&j, "人事考核资料.xlsx", Some("考核目标"))),
        [4, 2, 2, 0, 0]
    );
    // Ratings: 15 rows; rows 2, 3 September; row 10 rejected (良好); 12 October.
    assert_eq!(
        counts(input(&j, "人事考核资料.xlsx", Some("主管评分"))),
        [15, 12, 2, 1, 0]
    );
    // Surveys: 20 rows, 3 September (lines 2–4), 17 October (line 10's full-width ５ read as 5).
    assert_eq!(counts(input(&j, "回访满意度.csv", None)), [20, 17, 3, 0, 0]);
    // Every input reconciles: rows = used + out of period + rejected + skipped.
    for i in j["inputs"].as_array().unwrap() {
        let [rows, used, oop, rej, skip] = counts(i);
        assert_eq!(rows, used + oop + rej + skip, "{i}");
        assert_eq!(i["sha256"].as_str().unwrap().len(), 64);
    }
}

#[test]
fn exactly_the_five_bad_rows_are_errors() {
    let j = check_clinic_json();
    let mut errors: Vec<(String, Option<String>, u64, String, String)> = j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "error")
        .map(|i| {
            (
                i["file"].as_str().unwrap().to_string(),
                i["sheet"].as_str().map(str::to_string),
                i["row"].as_u64().unwrap(),
                i["column"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    errors.sort();
    let s = |x: &str| x.to_string();
    assert_eq!(
        errors,
        vec![
            (
                s("2026年10月消费流水.xlsx"),
                Some(s("消费明细")),
                25,
                s("实收金额(元)"),
                s("待定")
            ),
            (
                s("2026年10月消费流水.xlsx"),
                Some(s("消费明细")),
                28,
                s("手机号"),
                s("")
            ),
            (
                s("2026年10月消费流水.xlsx"),
                Some(s("消费明细")),
                31,
                s("结账日期"),
                s("2026-13-05")
            ),
            (
                s("人事考核资料.xlsx"),
                Some(s("主管评分")),
                10,
                s("得分"),
                s("良好")
            ),
            (s("到院咨询登记.csv"), None, 34, s("是否成交"), s("待定")),
        ]
    );
}

#[test]
fn repeats_totals_and_unmatched_roles_are_info() {
    let j = check_clinic_json();
    let issues = j["issues"].as_array().unwrap();
    let repeats: Vec<u64> = issues
        .iter()
        .filter(|i| i["code"] == "repeated_row")
        .map(|i| {
            assert_eq!(i["severity"], "info");
            assert_eq!(i["file"], "消费流水_补充导出.csv");
            i["row"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(repeats, vec![14, 15, 16, 17]);
    assert!(issues
        .iter()
        .any(|i| i["severity"] == "info" && i["row"] == 32 && i["code"] == "totals_row"));
    // Roster row 7: 孙悦's 岗位 前台 matches no config role.
    assert!(issues.iter().any(|i| i["severity"] == "info"
        && i["sheet"] == "员工花名册"
        && i["row"] == 7
        && i["column"] == "岗位"
        && i["value"] == "前台"));
}

#[test]
fn table_lists_inputs_encodings_and_people() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let run = w.run(&["check", "--data", data.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(run.code, 0, "{run}");
    // No period: the table says so, and shows each CSV's detected encoding.
    assert!(run.stdout.contains("No period given"), "{run}");
    assert!(run.stdout.contains("csv GB18030"), "{run}");
    assert!(run.stdout.contains("csv UTF-8 (BOM)"), "{run}");
    assert!(run.stdout.contains("实收金额(元)→amount"), "{run}");
    // Roster: 5 consultants, 2 doctors, 3 nurses, 2 supervisors are scored; 孙悦 (前台) is not.
    assert!(
        run.stdout
            .contains("咨询师 (consultant) 5: 林晓雯, 王思琪, 周婷, 吴雨桐, 郭佳"),
        "{run}"
    );
    assert!(
        run.stdout.contains("医生 (doctor) 2: 陈建国, 郑凯"),
        "{run}"
    );
    assert!(
        run.stdout.contains("护士 (nurse) 3: 刘芳, 黄丽娟, 何静"),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("客服主管 (customer_service) 2: 赵敏, 马晓燕"),
        "{run}"
    );
    assert!(run.stderr.contains("built-in defaults"), "{run}");
    // In Chinese (the default): the column map names each field as a clerk says it, with the
    // config key to list another header under; the roles with their table in the config.
    let run = w.run(&["check", "--data", data.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("\n配置：内置默认配置\n"), "{run}");
    assert!(
        run.stdout
            .contains("收银单号→单号（order_id），结账日期→日期（date），"),
        "{run}"
    );
    assert!(run.stdout.contains("，门店（store），"), "{run}");
    assert!(
        run.stdout
            .contains("\n  咨询师（[roles.consultant]）5 人：林晓雯、王思琪、周婷、吴雨桐、郭佳\n"),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("当前文件夹没有 clinic-kpi.toml：使用内置默认配置"),
        "{run}"
    );
}

#[test]
fn strict_exits_3_on_data_errors() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let run = w.run(&["check", "--data", data.to_str().unwrap(), "--strict", "-q"]);
    assert_eq!(run.code, 3, "{run}");
    assert_eq!(run.stdout, "", "{run}");
}

const SALES_HEADER: &str = "日期,顾客,实收金额,咨询师\n";

#[test]
fn a_name_without_a_kind_is_told_by_its_header() {
    // SPEC §2.1: the header decides (before issue 13 this was exit 1, "cannot tell what this
    // file holds").
    let w = Workdir::new();
    w.write("export.csv", SALES_HEADER);
    let run = w.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    let i = input(&run.json(), "export.csv", None).clone();
    assert_eq!(i["kind"], "sales");
    assert_eq!(counts(&i), [0, 0, 0, 0, 0]);
}

#[test]
fn a_name_of_two_kinds_is_told_by_its_header() {
    // 员工业绩目标 names roster (员工) and targets (业绩目标; 业绩 inside it does not count for
    // sales): the header 姓名, 考核月份, 业绩目标 holds the targets columns, not a roster's 岗位.
    let w = Workdir::new();
    w.write(
        "员工业绩目标.csv",
        "姓名,考核月份,业绩目标\n王丽,2026-10,100000\n",
    );
    let run = w.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let i = input(&j, "员工业绩目标.csv", None);
    assert_eq!(i["kind"], "targets");
    assert_eq!(counts(i), [1, 1, 0, 0, 0]);
}

#[test]
fn missing_required_column_names_file_row_and_column() {
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "2026年10月消费\n日期,顾客,咨询师\n2026-10-01,张三,王丽\n",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .contains("消费.csv, row 2: the sales header lacks required column(s) amount"),
        "{run}"
    );
}

#[test]
fn no_header_row_is_exit_1() {
    let w = Workdir::new();
    w.write("消费.csv", "a,b,c\n1,2,3\n");
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .contains("消费.csv: no header row in the first 20 rows"),
        "{run}"
    );
}

#[test]
fn empty_and_html_files_are_named_with_what_to_do() {
    let w = Workdir::new();
    w.write("消费.xlsx", "");
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("消费.xlsx is empty (0 bytes)"), "{run}");

    let w = Workdir::new();
    w.write(
        "消费.xls",
        "<html><body><table><tr><td>日期</td></tr></table></body></html>",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.contains("消费.xls is a web page (HTML)"),
        "{run}"
    );
    assert!(run.stderr.contains("save it as .xlsx"), "{run}");
}

#[test]
fn random_bytes_named_xlsx_is_one_sentence_not_a_panic() {
    let w = Workdir::new();
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend((0..2000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
    w.write("消费.xlsx", bytes);
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .starts_with("clinic-kpi: 消费.xlsx cannot be read"),
        "{run}"
    );
}

#[test]
fn tab_separated_text_named_xls_is_read() {
    let w = Workdir::new();
    w.write(
        "收银.xls",
        "日期\t顾客\t实收金额\t咨询师\n2026-10-01\t13800001234\t¥3,200.00\t王丽\n",
    );
    let run = w.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let i = input(&j, "收银.xls", None);
    assert_eq!(counts(i), [1, 1, 0, 0, 0]);
    assert_eq!(i["amount_used"], 3200.0);
}

#[test]
fn customers_are_masked_in_issues() {
    let w = Workdir::new();
    // Row 2: the customer 13800001234 bought for 'abc'; row 3 has a bad date.
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-01,13800001234,abc,王丽\n2026-02-30,张三丰,100,王丽\n",
    );
    let run = w.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(!run.stdout.contains("13800001234"), "{run}");
    let j = run.json();
    let issues = j["issues"].as_array().unwrap();
    let amount = issues.iter().find(|i| i["row"] == 2).unwrap();
    assert_eq!(amount["column"], "实收金额");
    assert_eq!(amount["value"], "abc");
    let date = issues.iter().find(|i| i["row"] == 3).unwrap();
    assert_eq!(date["column"], "日期");
    assert_eq!(date["value"], "2026-02-30");
}

#[test]
fn config_aliases_and_explicit_inputs() {
    let w = Workdir::new();
    // A file whose name says nothing, listed under [inputs]; its amount column is 收款额,
    // known only through [columns.sales].
    w.write(
        "export1.csv",
        "日期,顾客,收款额,咨询师\n2026-10-01,13800001234,500,王丽\n2026-09-30,13800001234,200,王丽\n",
    );
    w.write(
        "clinic-kpi.toml",
        format!("[inputs]\nsales = [\"export1.csv\"]\n\n[columns.sales]\namount = [\"收款额\"]\n\n{ONE_ROLE}"),
    );
    let run = w.run(&["check", "--format", "json", "--month", "2026-10"]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    // Row 2 (October) used: 500; row 3 (September) out of period.
    let i = input(&j, "export1.csv", None);
    assert_eq!(counts(i), [2, 1, 1, 0, 0]);
    assert_eq!(i["amount_used"], 500.0);
}

#[test]
fn config_errors_name_key_and_line() {
    let w = Workdir::new();
    w.write("消费.csv", SALES_HEADER);
    w.write(
        "clinic-kpi.toml",
        "[scoring]\nmissing = \"zero\"\nmisssing = 1\n",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("line 3"), "{run}");
    assert!(run.stderr.contains("misssing"), "{run}");

    // (A config needs a role: without one it is refused before its columns are read.)
    w.write(
        "clinic-kpi.toml",
        format!("[columns.sales]\namout = [\"x\"]\n\n{ONE_ROLE}"),
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .contains("[columns.sales] amout is not a sales column"),
        "{run}"
    );
}

#[test]
fn people_without_roster_and_unknown_names() {
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师,医生\n2026-10-01,13800001234,500,王丽,张伟\n",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("咨询师 (consultant) 1: 王丽"), "{run}");
    assert!(run.stdout.contains("医生 (doctor) 1: 张伟"), "{run}");
    assert!(run.stdout.contains("no roster"), "{run}");

    // With a roster that lacks 张伟: a warning naming where he appears; two 王丽 without
    // staff ids: an error naming both rows.
    w.write("员工花名册.csv", "姓名,岗位\n王丽,咨询师\n王丽,咨询师\n");
    let run = w.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let issues = j["issues"].as_array().unwrap();
    let warn = issues
        .iter()
        .find(|i| i["severity"] == "warning")
        .unwrap_or_else(|| panic!("{run}"));
    assert_eq!(warn["file"], "消费.csv");
    assert_eq!(warn["row"], 2);
    assert_eq!(warn["value"], "张伟");
    let dup = issues
        .iter()
        .find(|i| i["severity"] == "error")
        .unwrap_or_else(|| panic!("{run}"));
    assert_eq!(dup["code"], "same_name_no_staff_id");
    let msg = dup["message"].as_str().unwrap();
    assert!(msg.contains("两人同名“王丽”"), "{msg}");
    assert!(
        msg.contains("员工花名册.csv 第 2 行、员工花名册.csv 第 3 行"),
        "{msg}"
    );
}

#[test]
fn bad_period_is_a_usage_error() {
    let w = Workdir::new();
    let run = w.run(&["check", "--month", "2026-13"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("--month"), "{run}");
}

#[test]
fn missing_data_folder_is_exit_1() {
    let w = Workdir::new();
    let run = w.run(&["check", "--lang", "en", "--data", "no-such-folder"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .contains("cannot read the data folder no-such-folder"),
        "{run}"
    );
}

#[test]
fn far_away_cell_does_not_allocate_a_dense_grid() {
    // A header, one sale, and a stray cell at XFD1048576: read cell by cell, the stray cell
    // makes its row a rejected row (no date, customer or amount) and the rows between are
    // blank. Rows below header row 1: 2..=1048576 = 1,048,575 = 1 used + 1 rejected
    // + 1,048,573 blank (skipped).
    use rust_xlsxwriter::Workbook;
    let w = Workdir::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1").unwrap();
    for (c, h) in ["日期", "顾客", "实收金额", "咨询师"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "2026-10-03").unwrap();
    ws.write_string(1, 1, "13800001234").unwrap();
    ws.write_number(1, 2, 3200.0).unwrap();
    ws.write_string(1, 3, "王丽").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save(w.path().join("消费.xlsx")).unwrap();
    let run = w.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let i = input(&j, "消费.xlsx", Some("Sheet1"));
    assert_eq!(counts(i), [1_048_575, 1, 0, 1, 1_048_573]);
    assert_eq!(i["amount_used"], 3200.0);
}

#[test]
fn forced_encoding_overrides_detection() {
    // "日期,顾客,实收金额\n2026-10-01,张三,100\n" in GBK, read once detected and once forced
    // as UTF-8 (then the rows are not valid UTF-8 and are reported, never garbled).
    let text = "日期,顾客,实收金额\n2026-10-01,张三,100\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let w = Workdir::new();
    w.write("消费.csv", &gbk[..]);
    let run = w.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(
        counts(input(&run.json(), "消费.csv", None)),
        [1, 1, 0, 0, 0]
    );
    let run = w.run(&["check", "--encoding", "utf-8"]);
    // The header itself cannot be decoded as UTF-8, so no header row is found.
    assert_eq!(run.code, 1, "{run}");
    let run = w.run(&["check", "--encoding", "klingon", "--lang", "en"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains("--encoding klingon: unknown encoding"),
        "{run}"
    );
    let run = w.run(&["check", "--encoding", "klingon"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains("--encoding klingon：不认识这种编码"),
        "{run}"
    );
}

#[test]
fn check_validates_the_config() {
    let w = Workdir::new();
    w.write("消费.csv", SALES_HEADER);
    // Weights 60 + 30 = 90, not 100: the role's table is on line 1.
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 60\ntarget = 100000\n\n[[roles.consultant.kpi]]\nmetric = \"treatments\"\nweight = 30\ntarget = 50\n",
    );
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("consultant"), "{run}");
    assert!(run.stderr.contains("90"), "{run}");
    assert!(run.stderr.contains("line 1"), "{run}");
    // In Chinese (the default): the file and line framed in Chinese, the keys as written.
    let run = w.run(&["check"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: 配置 clinic-kpi.toml 第 1 行：岗位 `consultant`：各项 KPI 的 `weight` 合计为 90，应为 100\n",
        "{run}"
    );
}

/// A zip named 消费.xlsx holding `parts`, written deflated.
fn zip_workbook(w: &Workdir, parts: &[(&str, &[u8])]) {
    use std::io::Write;
    let file = std::fs::File::create(w.path().join("消费.xlsx")).unwrap();
    let mut z = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        z.start_file(*name, opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn forged_string_count_is_refused_before_calamine_allocates() {
    // calamine would pre-allocate 10^15 strings and abort the process.
    let w = Workdir::new();
    let sst = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1000000000000000"><si><t>x</t></si></sst>"#;
    zip_workbook(&w, &[("xl/sharedStrings.xml", sst)]);
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("消费.xlsx cannot be read"), "{run}");
    assert!(
        run.stderr.contains("claims 1000000000000000 strings"),
        "{run}"
    );
}

#[test]
fn zip_bomb_part_is_refused() {
    // 40 MiB of zeros deflate to about 40 KiB: a ratio near 1000:1, above the 200:1 limit.
    let w = Workdir::new();
    let zeros = vec![0u8; 40 << 20];
    zip_workbook(&w, &[("xl/worksheets/sheet1.xml", &zeros)]);
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("which only a zip bomb does"), "{run}");
}

#[test]
fn truncated_workbook_is_one_sentence() {
    let w = Workdir::new();
    let full = std::fs::read(fixtures().join("clinic/投诉记录.xlsx")).unwrap();
    w.write("投诉.xlsx", &full[..full.len() / 2]);
    let run = w.run(&["check", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .contains("投诉.xlsx cannot be read: it is a damaged or incomplete zip"),
        "{run}"
    );
    assert_eq!(run.stderr.lines().count(), 1, "{run}");
}

#[test]
fn with_files_read_at_once_the_first_failing_file_in_name_order_is_reported() {
    // `a_消费流水.csv` is long and fails only at its end (its header has no amount column, which
    // is known once the file is read); `b_到院.csv` is empty and fails at once. Read one after
    // another the run stops at the first; read at once (one file per core) it must too.
    let w = Workdir::new();
    let mut long = String::from("日期,客户,咨询师,项目\n");
    for i in 0..30_000 {
        long.push_str(&format!(
            "2026-10-{:02},客户{i},林晓雯,水光针\n",
            i % 28 + 1
        ));
    }
    w.write("a_消费流水.csv", long);
    w.write("b_到院.csv", "");
    for _ in 0..3 {
        let run = w.run(&["check", "--lang", "en", "--month", "2026-10"]);
        assert_eq!(run.code, 1, "{run}");
        assert!(
            run.stderr.contains("a_消费流水.csv")
                && run.stderr.contains("lacks required column(s) amount"),
            "{run}"
        );
        assert!(!run.stderr.contains("b_到院.csv"), "{run}");
    }
}
