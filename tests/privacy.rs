//! Phone numbers never leave the tool in full (SPEC §2.5): a mainland mobile number typed into
//! any column — a date, an amount, a staff column — is masked in every issue's value and
//! message, in `check`, in the JSON of `score` and on the scorecard's 数据问题 sheet.

use crate::workdir::Workdir;
use calamine::{open_workbook_auto, Data, Reader};
use serde_json::Value;

/// The numbers typed into the exports, and how each must be shown.
const PHONES: [(&str, &str); 4] = [
    ("13800001234", "138****1234"),     // in the sales date column
    ("139-1234-5678", "139-****-5678"), // in the sales amount column
    ("15900001111", "159****1111"),     // in the sales consultant column
    ("17700002222", "177****2222"),     // in the complaints staff column
];

fn clinic_with_phones() -> Workdir {
    let w = Workdir::new();
    w.write("员工.csv", "姓名,工号,岗位\n林,C1,咨询师\n");
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n\
         2026-10-05,客1,3000,林\n\
         13800001234,客2,3000,林\n\
         2026-10-06,客3,139-1234-5678,林\n\
         2026-10-07,客4,2000,15900001111\n",
    );
    w.write("投诉.csv", "投诉日期,被投诉人\n2026-10-08,17700002222\n");
    w
}

/// The issue at (file, row), with its value and message.
fn issue<'a>(j: &'a Value, file: &str, row: u64) -> &'a Value {
    j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["file"] == file && i["row"] == row)
        .unwrap_or_else(|| panic!("no issue at {file} row {row}: {j:#}"))
}

/// Each phone's issue shows it masked in value and message, and no output holds it in full.
#[track_caller]
fn assert_masked(j: &Value, stdout: &str) {
    for (file, row, (raw, masked)) in [
        ("消费.csv", 3, PHONES[0]),
        ("消费.csv", 4, PHONES[1]),
        ("消费.csv", 5, PHONES[2]),
        ("投诉.csv", 2, PHONES[3]),
    ] {
        let i = issue(j, file, row);
        assert_eq!(i["value"], masked, "{i}");
        let message = i["message"].as_str().unwrap();
        assert!(message.contains(masked), "{i}");
        assert!(!stdout.contains(raw), "{raw} in full: {stdout}");
    }
    // Row 3's date: the whole message, as `check` prints it (in Chinese, the default).
    assert_eq!(
        issue(j, "消费.csv", 3)["message"],
        "“138****1234” 不是日期（日期序号晚于 9999-12-31）；该行未使用"
    );
    assert_eq!(
        issue(j, "投诉.csv", 2)["message"],
        "177****2222 出现在数据中，但不在员工花名册里，不计分（请把此人加入花名册，或更正姓名）"
    );
}

#[test]
fn phone_numbers_in_any_column_are_masked_in_check() {
    let w = clinic_with_phones();
    let run = w.run(&["check", "--month", "2026-10", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    assert_masked(&run.json(), &run.stdout);
    // The table lists every issue: none in full there either.
    let run = w.run(&["check", "--month", "2026-10", "--all"]);
    assert_eq!(run.code, 0, "{run}");
    for (raw, masked) in PHONES {
        assert!(!run.stdout.contains(raw), "{raw} in full:\n{run}");
        assert!(run.stdout.contains(masked), "{masked} missing:\n{run}");
    }
}

#[test]
fn phone_numbers_in_any_column_are_masked_in_score_json_and_the_issues_sheet() {
    let w = clinic_with_phones();
    let run = w.run(&[
        "score", "--month", "2026-10", "--format", "json", "-q", "-o", "out.xlsx",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert_masked(&run.json(), &run.stdout);
    // 数据问题: columns 文件, 工作表, 行, 列, 值 (5), 说明 (6).
    let mut wb = open_workbook_auto(w.path().join("out.xlsx")).unwrap();
    let rows: Vec<Vec<Data>> = wb
        .worksheet_range("数据问题")
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect();
    let cells: Vec<String> = rows.iter().flatten().map(|c| c.to_string()).collect();
    for (raw, masked) in PHONES {
        assert!(!cells.iter().any(|c| c.contains(raw)), "{raw}: {cells:?}");
        let row = rows
            .iter()
            .find(|r| r[5] == masked)
            .unwrap_or_else(|| panic!("no row with value {masked}: {cells:?}"));
        assert!(row[6].to_string().contains(masked), "{row:?}");
    }
}
