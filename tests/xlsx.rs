//! `score -o`: the Excel scorecard (SPEC §6.3), read back with calamine.

use crate::workdir::{fixtures, Workdir};
use calamine::{open_workbook_auto, Data, Reader};
use std::path::Path;

/// A copy of the fixture clinic inside the work folder, so `-o` may aim at its files.
fn copy_clinic(w: &Workdir) -> std::path::PathBuf {
    let to = w.path().join("clinic");
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(fixtures().join("clinic")).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    to
}

fn score_to(w: &Workdir, data: &Path, out: &str) -> crate::workdir::Run {
    w.run(&[
        "score",
        "--data",
        data.to_str().unwrap(),
        "--month",
        "2026-10",
        "-o",
        out,
        "-q",
    ])
}

fn json_total(w: &Workdir, data: &Path, name: &str) -> f64 {
    let run = w.run(&[
        "score",
        "--data",
        data.to_str().unwrap(),
        "--month",
        "2026-10",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    j["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["staff"] == name)
        .unwrap_or_else(|| panic!("{name} not scored"))["total"]
        .as_f64()
        .unwrap()
}

#[test]
fn scorecard_sheets_and_total() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let run = score_to(&w, &data, "out-{period}.xlsx");
    assert_eq!(run.code, 0, "{run}");
    let path = w.path().join("out-2026-10.xlsx");
    let mut wb = open_workbook_auto(&path).expect("open scorecard");
    let names = wb.sheet_names();
    assert_eq!(names.first().map(String::as_str), Some("汇总"), "{names:?}");
    let n = names.len();
    assert!(n >= 5, "{names:?}");
    assert_eq!(&names[n - 3..], ["口径", "数据", "数据问题"], "{names:?}");
    assert!(names.iter().any(|s| s == "咨询师"), "{names:?}");

    let summary = wb.worksheet_range("汇总").unwrap();
    let header: Vec<String> = summary
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let total_col = header
        .iter()
        .position(|h| h == "总分")
        .expect("总分 column");
    let row = summary
        .rows()
        .find(|r| r[0] == Data::String("林晓雯".into()))
        .expect("林晓雯 row");
    let cell = match &row[total_col] {
        Data::Float(f) => *f,
        other => panic!("total cell {other:?}"),
    };
    let expected = json_total(&w, &data, "林晓雯");
    assert!((expected - 85.0279).abs() < 1e-3, "{expected}");
    assert!((cell - expected).abs() < 1e-9, "{cell} vs {expected}");

    let formulas = wb.worksheet_formula("汇总").unwrap();
    let f = formulas
        .get_value((1, total_col as u32))
        .cloned()
        .expect("a total formula");
    assert!(f.contains("/100"), "{f}");

    let inputs = wb.worksheet_range("数据").unwrap();
    assert!(inputs.height() > 1);
}

#[test]
fn same_inputs_same_bytes() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    assert_eq!(score_to(&w, &data, "a.xlsx").code, 0);
    assert_eq!(score_to(&w, &data, "b.xlsx").code, 0);
    let a = std::fs::read(w.path().join("a.xlsx")).unwrap();
    let b = std::fs::read(w.path().join("b.xlsx")).unwrap();
    assert!(a == b, "two runs gave different bytes");
}

#[test]
fn refuses_to_overwrite_an_input() {
    let w = Workdir::new();
    let data = copy_clinic(&w);
    let input = data.join("投诉记录.xlsx");
    let before = std::fs::read(&input).unwrap();
    let run = score_to(&w, &data, input.to_str().unwrap());
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("input"), "{run}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn failed_write_leaves_nothing() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let run = score_to(&w, &data, "missing/out.xlsx");
    assert_eq!(run.code, 1, "{run}");
    assert!(!w.path().join("missing").exists());
    let left: Vec<_> = std::fs::read_dir(w.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn default_output_and_strict_writes_nothing() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let d = data.to_str().unwrap();
    // --strict with the fixture's five error issues: exit 3 and no scorecard.
    let run = w.run(&["score", "--data", d, "--month", "2026-10", "--strict", "-q"]);
    assert_eq!(run.code, 3, "{run}");
    assert!(!w.path().join("scorecard-2026-10.xlsx").exists());
    // Without -o the scorecard is scorecard-<period>.xlsx in the current folder.
    let run = w.run(&[
        "score", "--data", d, "--month", "2026-10", "--format", "none",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(w.path().join("scorecard-2026-10.xlsx").is_file(), "{run}");
    assert!(
        run.stderr.contains("已写入 scorecard-2026-10.xlsx"),
        "{run}"
    );
}

#[test]
fn an_output_inside_the_data_folder_is_never_read_back() {
    // Copy the fixtures into the work folder, score there twice with a custom output name that
    // names no input kind: the second run must not try to read the first run's workbook.
    let w = Workdir::new();
    for e in std::fs::read_dir(fixtures().join("clinic")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, w.path().join(p.file_name().unwrap())).unwrap();
    }
    for _ in 0..2 {
        let run = w.run(&["score", "--month", "2026-10", "-o", "月度考核.xlsx", "-q"]);
        assert_eq!(run.code, 0, "{run}");
    }
    assert!(w.path().join("月度考核.xlsx").is_file());
    // check does not read it either (it is recognised as a clinic-kpi scorecard).
    let run = w.run(&["check", "--month", "2026-10", "--format", "json"]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    assert!(j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["file"] != "月度考核.xlsx"));
    assert!(j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["file"] == "月度考核.xlsx"
            && i["severity"] == "info"
            && i["message"]
                .as_str()
                .unwrap()
                .contains("scorecard written by clinic-kpi")));
}
