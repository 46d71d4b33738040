//! `score -o` / `--split-by person`: the Excel scorecard (SPEC §6.3), read back with calamine
//! (every value against the JSON of the same run) and as unzipped XML (notes, formulas and
//! their cached values, print settings, properties).

use crate::workdir::{fixtures, Run, Workdir};
use calamine::{open_workbook_auto, Data, Reader};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A copy of the fixture clinic inside the work folder, so `-o` may aim at its files.
fn copy_clinic(w: &Workdir) -> PathBuf {
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

fn score_to(w: &Workdir, data: &Path, out: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "score",
        "--data",
        data.to_str().unwrap(),
        "--month",
        "2026-10",
        "-o",
        out,
        "-q",
    ];
    args.extend_from_slice(extra);
    w.run(&args)
}

/// Scores the fixture clinic into `out.xlsx` and returns the JSON of the same run.
fn fixture_run(w: &Workdir, extra: &[&str]) -> (Value, PathBuf) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let run = score_to(w, &fixtures().join("clinic"), "out.xlsx", &args);
    assert_eq!(run.code, 0, "{run}");
    (run.json(), w.path().join("out.xlsx"))
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = open_workbook_auto(path).expect("open scorecard");
    let range = wb
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range.rows().map(|r| r.to_vec()).collect()
}

fn sheet_names(path: &Path) -> Vec<String> {
    open_workbook_auto(path).unwrap().sheet_names()
}

/// The text of one part of the xlsx zip.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn parts_named(path: &Path, prefix: &str) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    let mut out = Vec::new();
    for n in names.iter().filter(|n| n.starts_with(prefix)) {
        let mut s = String::new();
        zip.by_name(n).unwrap().read_to_string(&mut s).unwrap();
        out.push(s);
    }
    out
}

fn text(v: &Data) -> String {
    match v {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A cell equal to a JSON number or null (null ↔ empty).
fn assert_num(cell: &Data, want: &Value, what: &str) {
    match (cell, want.as_f64()) {
        (Data::Float(f), Some(x)) => assert_eq!(*f, x, "{what}"),
        (Data::Int(i), Some(x)) => assert_eq!(*i as f64, x, "{what}"),
        (Data::Empty, None) => {}
        (c, _) => panic!("{what}: cell {c:?}, JSON {want}"),
    }
}

fn col(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|h| text(h) == name)
        .unwrap_or_else(|| panic!("no column {name:?} in {header:?}"))
}

fn flag_zh(f: &str) -> &'static str {
    match f {
        "veto" => "否决",
        "bottom" => "末位",
        "incomplete" => "数据不足",
        "adjusted" => "调整",
        "partial" => "部分在岗",
        "left" => "离职",
        other => panic!("unknown flag {other}"),
    }
}

/// Checks a people sheet row by row against the JSON people it should hold. Two header rows:
/// the overview headers and each KPI's label (over its value, score, weight, change columns),
/// then 本期值 / 得分 / 权重% / 环比 under each label.
fn check_people_sheet(rows: &[Vec<Data>], people: &[&Value], role_sheet: bool) {
    let header = &rows[0];
    // One row per person, then (on 汇总) a blank row and the legend.
    let people_rows = rows[2..]
        .iter()
        .take_while(|r| !text(&r[0]).is_empty())
        .count();
    assert_eq!(people_rows, people.len(), "one row per person");
    for (c, sub) in rows[1].iter().enumerate() {
        if c >= 13 {
            assert_eq!(text(sub), ["本期值", "得分", "权重%", "环比"][(c - 13) % 4]);
        }
    }
    for (row, p) in rows[2..].iter().zip(people) {
        let who = p["staff"].as_str().unwrap();
        assert_eq!(text(&row[0]), who);
        assert_eq!(text(&row[1]), p["staff_id"].as_str().unwrap(), "{who} 工号");
        assert_eq!(text(&row[2]), p["role_label"].as_str().unwrap(), "{who}");
        assert_eq!(text(&row[3]), p["store"].as_str().unwrap_or(""), "{who}");
        assert_eq!(
            text(&row[4]),
            p["department"].as_str().unwrap_or(""),
            "{who}"
        );
        for k in p["kpis"].as_array().unwrap() {
            let label = k["label"].as_str().unwrap();
            let value_header = if role_sheet {
                format!("{label} ({}%)", k["weight"].as_f64().unwrap())
            } else {
                label.to_string()
            };
            let c = col(header, &value_header);
            let what = format!("{who} {label}");
            match k["value"].as_f64() {
                Some(v) => assert_eq!(row[c], Data::Float(v), "{what} value"),
                None => assert_eq!(text(&row[c]), "—", "{what} value"),
            }
            assert_num(&row[c + 1], &k["score"], &format!("{what} score"));
            assert_num(
                &row[c + 2],
                &k["effective_weight"],
                &format!("{what} weight"),
            );
            let change = match (k["value"].as_f64(), k["previous"].as_f64()) {
                (Some(v), Some(p)) => Value::from(v - p),
                _ => Value::Null,
            };
            assert_num(&row[c + 3], &change, &format!("{what} 环比"));
        }
        assert_num(
            &row[col(header, "总分")],
            &p["total"],
            &format!("{who} total"),
        );
        assert_eq!(
            text(&row[col(header, "等级")]),
            p["grade"].as_str().unwrap()
        );
        assert_num(&row[col(header, "排名")], &p["rank"], who);
        assert_num(&row[col(header, "排名人数")], &p["rank_of"], who);
        // A role without a bonus rule (JSON null) pays 0, written as 0.
        let bonus = if p["bonus"].is_null() {
            Value::from(0.0)
        } else {
            p["bonus"].clone()
        };
        assert_num(&row[col(header, "奖金")], &bonus, &format!("{who} bonus"));
        let flags = text(&row[col(header, "标记")]);
        for f in p["flags"].as_array().unwrap() {
            assert!(
                flags.contains(flag_zh(f.as_str().unwrap())),
                "{who}: {flags}"
            );
        }
        assert!(!text(&row[col(header, "距下一等级")]).is_empty(), "{who}");
    }
}

#[test]
fn every_value_on_every_sheet_equals_the_json_of_the_same_run() {
    let w = Workdir::new();
    let (j, path) = fixture_run(&w, &[]);
    let people: Vec<&Value> = j["people"].as_array().unwrap().iter().collect();
    assert_eq!(people.len(), 11);

    // 汇总: everyone, in the JSON's order (role in config order, rank, name).
    check_people_sheet(&sheet(&path, "汇总"), &people, false);
    // One sheet per role, holding that role's people.
    for role in ["咨询师", "医生", "护士", "客服主管"] {
        let of_role: Vec<&Value> = people
            .iter()
            .copied()
            .filter(|p| p["role_label"] == role)
            .collect();
        assert!(!of_role.is_empty(), "{role}");
        check_people_sheet(&sheet(&path, role), &of_role, true);
    }

    // 数据: one row per input, as the JSON's `inputs`.
    let rows = sheet(&path, "数据");
    let inputs = j["inputs"].as_array().unwrap();
    for (n, i) in inputs.iter().enumerate() {
        let row = &rows[n + 1];
        assert_eq!(text(&row[0]), i["kind"].as_str().unwrap());
        assert_eq!(text(&row[1]), i["file"].as_str().unwrap());
        assert_eq!(text(&row[2]), i["sheet"].as_str().unwrap_or(""));
        assert_eq!(text(&row[3]), i["sha256"].as_str().unwrap());
        for (c, key) in [
            (4, "rows"),
            (5, "used"),
            (6, "out_of_period"),
            (7, "rejected"),
            (8, "skipped"),
            (9, "amount_used"),
        ] {
            assert_num(&row[c], &i[key], &format!("input {n} {key}"));
        }
        assert!(text(&row[10]).starts_with("clinic-kpi "));
    }
    assert_eq!(text(&rows[inputs.len() + 1][0]), "");

    // 数据问题: every issue, in order, every field.
    let rows = sheet(&path, "数据问题");
    let issues = j["issues"].as_array().unwrap();
    assert_eq!(rows.len() - 1, issues.len());
    for (row, i) in rows[1..].iter().zip(issues) {
        let sev = match i["severity"].as_str().unwrap() {
            "error" => "错误",
            "warning" => "警告",
            _ => "提示",
        };
        assert_eq!(text(&row[0]), sev);
        assert_eq!(text(&row[1]), i["file"].as_str().unwrap_or(""));
        assert_eq!(text(&row[2]), i["sheet"].as_str().unwrap_or(""));
        assert_num(&row[3], &i["row"], "issue row");
        assert_eq!(text(&row[4]), i["column"].as_str().unwrap_or(""));
        assert_eq!(text(&row[5]), i["value"].as_str().unwrap_or(""));
        assert_eq!(text(&row[6]), i["message"].as_str().unwrap());
    }

    // 口径: the period, the 二开 rule used, grade lines, and every KPI of every role.
    let rows = sheet(&path, "口径");
    assert_eq!(
        text(&rows[0][1]),
        "2026-10 (2026-10-01 ~ 2026-10-31, 1 个月)"
    );
    assert!(text(&rows[1][1]).starts_with(j["secondary_rule"].as_str().unwrap()));
    assert_eq!(text(&rows[3][1]), "S ≥ 110, A ≥ 95, B ≥ 80, C ≥ 60, 否则 D");
    let conversion = rows
        .iter()
        .find(|r| text(&r[0]) == "咨询师 (consultant)" && text(&r[1]) == "成交率")
        .expect("consultant conversion rule");
    assert_eq!(
        text(&conversion[5]),
        "线性（越高越好）：30% → 0分，50% → 100分，60% → 120分"
    );
    assert!(text(&conversion[8]).contains("依据 业绩达成率：≥ 100% → ¥3,000，≥ 120% → ¥5,000"));
}

#[test]
fn lin_xiaowen_row_by_hand() {
    // The README's worked example: 林晓雯 total 85.03 → B (A needs 95: 9.97 short), rank 2 of 4,
    // bonus −1,500 (revenue attainment 59.29% < 100%: 40.71% short of the ¥3,000 tier).
    let w = Workdir::new();
    let (_, path) = fixture_run(&w, &[]);
    let rows = sheet(&path, "汇总");
    let header = &rows[0];
    let row = rows
        .iter()
        .find(|r| text(&r[0]) == "林晓雯")
        .expect("林晓雯");
    let total = match row[col(header, "总分")] {
        Data::Float(f) => f,
        ref other => panic!("{other:?}"),
    };
    assert!((total - 85.0279).abs() < 1e-4, "{total}");
    assert_eq!(text(&row[col(header, "距下一等级")]), "A 差 9.97 分");
    assert_eq!(
        text(&row[col(header, "距下一奖金档")]),
        "业绩达成率 差 40.71%（达 100% 奖 ¥3,000）"
    );
    // 成交率 7 / 9 = 0.7778; September 8 / 8 = 1.0 (LEDGER.md) → 环比 −0.2222.
    let c = col(header, "成交率");
    assert_eq!(row[c], Data::Float(7.0 / 9.0));
    assert_eq!(row[c + 3], Data::Float(7.0 / 9.0 - 1.0));
}

#[test]
fn notes_formulas_print_settings_and_properties_in_the_xml() {
    let w = Workdir::new();
    let (j, path) = fixture_run(&w, &[]);
    let summary = part(&path, "xl/worksheets/sheet1.xml");

    // Every total is a live formula whose cached value is the JSON total (the grade beside it
    // is a formula too: see grades_follow_the_total_on_the_thresholds_of_config).
    let formulas: Vec<&str> = summary
        .split("<f>")
        .skip(1)
        .filter(|f| !f.starts_with("IF("))
        .collect();
    assert_eq!(formulas.len(), 11, "one total formula per person");
    for p in j["people"].as_array().unwrap() {
        let total = p["total"].as_f64().unwrap();
        let cached = format!("<v>{total}</v>");
        assert!(
            formulas
                .iter()
                .any(|f| f.split("</f>").nth(1).unwrap().starts_with(&cached)),
            "{}: no formula caches {total}",
            p["staff"]
        );
    }
    assert!(formulas
        .iter()
        .all(|f| f.starts_with('(') || f.starts_with("MIN(")));
    // 陈建国 is vetoed (complication rate): his total is MIN(…, 59).
    assert!(summary.contains(",59)</f>"), "no veto cap formula");

    // Notes: derivations in words, the rule with this config's numbers, status, definitions.
    // 林晓雯 成交率: 7 / 9 = 77.78% (LEDGER.md), September 8 / 8 = 100% → 环比 −22.22 points;
    // 77.78% is past the 60% stretch → 120.
    let notes = parts_named(&path, "xl/comments").join("\n");
    assert!(notes.contains("成交 7 / 咨询 9 = 77.78%"), "derivation");
    assert!(notes.contains("上期 100%，环比 -22.22%"), "previous period");
    assert!(
        notes.contains("得分 120.0：线性（越高越好）：30% → 0分，50% → 100分，60% → 120分"),
        "rule"
    );
    assert!(notes.contains("状态：样本不足"), "status");
    assert!(notes.contains("成交咨询数 ÷ 咨询数"), "definition");
    assert!(notes.contains("否则 D"), "grade thresholds");
    // 林晓雯's bonus: revenue ¥38,540 / target ¥65,000 = 59.29% < 100%: below → −¥1,500.
    assert!(
        notes.contains("业绩达成率 59.29% 未达任何档 → -¥1,500"),
        "bonus steps"
    );
    // 陈建国's veto: 并发症 1 / 9 operations = 11.11% > 0.3% → capped at 59 (">" is "&gt;" in XML).
    assert!(
        notes.contains("并发症发生率 11.11% &gt; 0.3%，总分封顶 59"),
        "veto"
    );

    // Flagged cells are filled: not-ok KPIs yellow, a vetoed total red.
    let styles = part(&path, "xl/styles.xml");
    assert!(styles.contains("FFFFF2CC"), "status fill");
    assert!(styles.contains("FFF8CBAD"), "veto fill");

    // Print: landscape, fit to one page wide (any height), header row repeated, footer.
    assert!(
        summary.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
        "fit to page"
    );
    assert!(summary.contains(r#"orientation="landscape""#));
    assert!(summary.contains(r#"fitToHeight="0""#));
    assert!(
        summary.contains("<oddFooter>&amp;L2026-10&amp;C&amp;A&amp;R&amp;P / &amp;N</oddFooter>")
    );
    assert!(
        summary.contains(r#"<pane xSplit="1" ySplit="2""#),
        "frozen header and name"
    );
    assert!(summary.contains("<autoFilter"));
    assert!(summary.contains("<colorScale>"));
    let workbook = part(&path, "xl/workbook.xml");
    assert!(
        workbook.contains(
            r#"<definedName name="_xlnm.Print_Titles" localSheetId="0">汇总!$1:$2</definedName>"#
        ),
        "{workbook}"
    );

    // Properties: fixed creation time = the period's first day, author clinic-kpi.
    let core = part(&path, "docProps/core.xml");
    assert!(
        core.contains(">2026-10-01T00:00:00Z</dcterms:created>"),
        "{core}"
    );
    assert!(
        core.contains("<dc:creator>clinic-kpi</dc:creator>"),
        "{core}"
    );
    assert!(
        core.contains("<dc:title>绩效考核 2026-10</dc:title>"),
        "{core}"
    );
}

#[test]
fn sheet_list_and_headers_snapshot() {
    let w = Workdir::new();
    let (_, path) = fixture_run(&w, &[]);
    let mut out = String::new();
    for name in sheet_names(&path) {
        let rows = sheet(&path, &name);
        out.push_str(&format!("## {name}\n"));
        // People sheets have two header rows (图表 a title and a header); the others one (口径's
        // first line is the period).
        let header_rows = if ["奖金", "口径", "数据", "数据问题"].contains(&name.as_str())
        {
            1
        } else {
            2
        };
        for r in rows.iter().take(header_rows) {
            let cells: Vec<String> = r.iter().map(text).collect();
            out.push_str(&format!("{}\n", cells.join(" | ")));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn english_labels_with_lang_en() {
    let w = Workdir::new();
    let (_, path) = fixture_run(&w, &["--lang", "en"]);
    let names = sheet_names(&path);
    assert_eq!(names[0], "Summary");
    assert_eq!(&names[names.len() - 3..], ["Config", "Inputs", "Issues"]);
    let rows = sheet(&path, "Summary");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    for h in [
        "Staff",
        "Conversion rate",
        "Total",
        "Grade",
        "Bonus",
        "To next grade",
    ] {
        assert!(header.iter().any(|x| x == h), "{h} in {header:?}");
    }
    let sub: Vec<String> = rows[1].iter().map(text).collect();
    assert_eq!(&sub[13..17], ["Value", "Score", "Weight %", "Change"]);
    let lin = rows.iter().find(|r| text(&r[0]) == "林晓雯").unwrap();
    assert_eq!(
        text(&lin[col(&rows[0], "To next grade")]),
        "A: 9.97 points short"
    );
    let notes = parts_named(&path, "xl/comments").join("\n");
    assert!(notes.contains("deals 7 / consultations 9 = 77.78%"));
    assert!(notes.contains("linear (higher is better): 30% → 0, 50% → 100, 60% → 120"));
    assert!(
        !notes.contains("成交 7"),
        "Chinese derivation in English mode"
    );
}

#[test]
fn same_inputs_same_bytes() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    assert_eq!(score_to(&w, &data, "a.xlsx", &[]).code, 0);
    assert_eq!(score_to(&w, &data, "b.xlsx", &[]).code, 0);
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
    let run = score_to(&w, &data, input.to_str().unwrap(), &[]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("is an input file"), "{run}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // Nor the data folder itself with --split-by person.
    let run = score_to(&w, &data, data.to_str().unwrap(), &["--split-by", "person"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn output_folder_problems_are_one_sentence_and_leave_nothing() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    // A folder that does not exist: a usage error before anything is read.
    let run = score_to(&w, &data, "missing/out.xlsx", &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("cannot write missing/out.xlsx: the folder missing does not exist"),
        "{run}"
    );
    // -o naming a folder.
    std::fs::create_dir(w.path().join("reports")).unwrap();
    let run = score_to(&w, &data, "reports", &[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("-o reports is a folder"), "{run}");
    // A folder nobody may write to, root included (sysfs).
    let run = score_to(&w, &data, "/sys/scorecard.xlsx", &[]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.contains("cannot write /sys/scorecard.xlsx"),
        "{run}"
    );
    assert!(!run.stderr.contains("panicked"), "{run}");
    let left: Vec<_> = std::fs::read_dir(w.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only reports/ may be here: {left:?}");
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

#[test]
fn split_by_person_gives_each_person_only_their_own() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let run = w.run(&[
        "score",
        "--data",
        data.to_str().unwrap(),
        "--month",
        "2026-10",
        "--split-by",
        "person",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let people = j["people"].as_array().unwrap();
    let folder = w.path().join("scorecard-2026-10");
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), people.len(), "{files:?}");
    assert!(
        files.contains(&"2026-10_一店_林晓雯_C001.xlsx".to_string()),
        "{files:?}"
    );
    let names: Vec<&str> = people
        .iter()
        .map(|p| p["staff"].as_str().unwrap())
        .collect();
    for p in people {
        let me = p["staff"].as_str().unwrap();
        let file = files
            .iter()
            .find(|f| f.contains(&format!("_{me}_")))
            .unwrap_or_else(|| panic!("no file for {me}"));
        let path = folder.join(file);
        let sheets = sheet_names(&path);
        assert_eq!(
            sheets,
            [me, "明细"],
            "a sheet named after the person, then the rows behind the numbers"
        );
        let rows = sheet(&path, me);
        let all: Vec<String> = rows.iter().flatten().map(text).collect();
        // Nobody else's name anywhere in the workbook (cells or notes).
        let notes = parts_named(&path, "xl/comments").join("\n");
        for other in names.iter().filter(|n| **n != me) {
            assert!(
                !all.iter().any(|c| c.contains(other)),
                "{other} in {me}'s file"
            );
            assert!(!notes.contains(other), "{other} in {me}'s notes");
        }
        // KPI rows: the value of each KPI, as in the JSON.
        for k in p["kpis"].as_array().unwrap() {
            let label = k["label"].as_str().unwrap();
            let r = rows
                .iter()
                .find(|r| text(&r[0]) == label)
                .unwrap_or_else(|| panic!("{me}: no row {label}"));
            match k["value"].as_f64() {
                Some(v) => assert_eq!(r[1], Data::Float(v), "{me} {label}"),
                None => assert_eq!(text(&r[1]), "—"),
            }
            assert_num(&r[6], &k["score"], &format!("{me} {label} score"));
            assert_num(
                &r[8],
                &k["effective_weight"],
                &format!("{me} {label} weight"),
            );
        }
        let total = rows.iter().find(|r| text(&r[0]) == "总分").unwrap();
        assert_num(&total[1], &p["total"], &format!("{me} total"));
        let grade = rows.iter().find(|r| text(&r[0]) == "等级").unwrap();
        assert_eq!(text(&grade[1]), p["grade"].as_str().unwrap());
        // Every person's sheet shows a bonus: 0 where the role has no bonus rule (JSON null).
        let bonus = rows.iter().find(|r| text(&r[0]) == "奖金").unwrap();
        let want = if p["bonus"].is_null() {
            Value::from(0.0)
        } else {
            p["bonus"].clone()
        };
        assert_num(&bonus[1], &want, &format!("{me} bonus"));
        // The sign-off block.
        for s in ["员工签字", "主管签字", "日期"] {
            assert!(all.iter().any(|c| c == s), "{me}: no {s}");
        }
        let xml = part(&path, "xl/worksheets/sheet1.xml");
        assert!(xml.contains(r#"orientation="landscape""#));
        assert!(xml.contains("<f>"), "{me}: total is a formula");
    }
    // A second run replaces the folder; a folder holding anything else is refused.
    let split = || {
        w.run(&[
            "score",
            "--data",
            data.to_str().unwrap(),
            "--month",
            "2026-10",
            "--split-by",
            "person",
            "-q",
        ])
    };
    let again = split();
    assert_eq!(again.code, 0, "{again}");
    std::fs::write(folder.join("notes.txt"), "mine").unwrap();
    let refused = split();
    assert_eq!(refused.code, 1, "{refused}");
    assert!(refused.stderr.contains("notes.txt"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(folder.join("notes.txt")).unwrap(),
        "mine"
    );
}

/// A tiny clinic whose names and values start with formula characters, plus a 200-character
/// name: everything must come back as text, and only the totals are formulas.
#[test]
fn formula_like_text_stays_text_and_long_names_fit() {
    let w = Workdir::new();
    let long = "林".repeat(200);
    let roster = format!(
        "姓名,工号,岗位,门店\n\
         \"=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",C101,咨询师,一店\n\
         +86林,C102,咨询师,一店\n\
         -王,C103,咨询师,一店\n\
         @李,C104,咨询师,=店\n\
         {long},C105,咨询师,一店\n"
    );
    let sales = format!(
        "日期,顾客,实收金额,咨询师,门店\n\
         2026-10-05,甲,\"¥3,000.00\",\"=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",一店\n\
         2026-10-06,乙,=1+2,+86林,一店\n\
         2026-10-07,丙,\"\t@SUM(1)\",-王,一店\n\
         2026-10-08,丁,2000,@李,=店\n\
         2026-10-09,戊,1000,{long},一店\n"
    );
    std::fs::create_dir(w.path().join("data")).unwrap();
    w.write("data/员工.csv", roster);
    w.write("data/消费.csv", sales);
    let run = w.run(&[
        "score", "--data", "data", "--month", "2026-10", "-o", "out.xlsx", "--format", "json", "-q",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let staff: Vec<&str> = j["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["staff"].as_str().unwrap())
        .collect();
    assert_eq!(staff.len(), 5, "{staff:?}");
    assert!(
        staff.contains(&"=HYPERLINK(\"http://x\",\"点我\")"),
        "{staff:?}"
    );
    let path = w.path().join("out.xlsx");
    let rows = sheet(&path, "汇总");
    let col0: Vec<String> = rows[2..].iter().map(|r| text(&r[0])).collect();
    for s in &staff {
        assert!(
            col0.iter().any(|c| c == s),
            "{s} not written as text: {col0:?}"
        );
    }
    // The only formulas are the tool's own: totals and grades (汇总, 咨询师) and the 图表
    // sheet's references to them and to 口径's grade lines.
    for sheet_xml in parts_named(&path, "xl/worksheets/sheet") {
        for f in sheet_xml.split("<f>").skip(1) {
            let f = f.split("</f>").next().unwrap();
            assert!(
                f.starts_with('(')
                    || f.starts_with("MIN(")
                    || f == "0"
                    || f.starts_with("IF(")
                    || f.starts_with("'咨询师'!F")
                    || f.starts_with("'口径'!$B$"),
                "formula {f}"
            );
        }
    }
    // The rejected amounts are listed as text on 数据问题.
    let issues = sheet(&path, "数据问题");
    let values: Vec<String> = issues.iter().map(|r| text(&r[5])).collect();
    assert!(values.iter().any(|v| v == "=1+2"), "{values:?}");
    assert!(values.iter().any(|v| v.contains("@SUM(1)")), "{values:?}");
    // Split by person: the 200-character name gives a file name within 255 bytes.
    let run = w.run(&[
        "score",
        "--data",
        "data",
        "--month",
        "2026-10",
        "--split-by",
        "person",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let files: Vec<String> = std::fs::read_dir(w.path().join("scorecard-2026-10"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 5, "{files:?}");
    assert!(
        files.iter().all(|f| f.len() <= 255 && f.ends_with(".xlsx")),
        "{files:?}"
    );
    assert!(files.iter().any(|f| f.contains("林林林")), "{files:?}");
}

/// A name longer than a cell holds (Excel: 32,767 characters) is cut with a mark, and the
/// scorecard is still written; the JSON keeps it whole.
#[test]
fn a_name_longer_than_a_cell_is_cut_not_fatal() {
    let w = Workdir::new();
    let long = "林".repeat(40_000);
    std::fs::create_dir(w.path().join("data")).unwrap();
    w.write(
        "data/员工.csv",
        format!("姓名,工号,岗位,门店\n{long},C1,咨询师,一店\n"),
    );
    w.write(
        "data/消费.csv",
        format!("日期,顾客,实收金额,咨询师\n2026-10-05,甲,1000,{long}\n"),
    );
    let run = w.run(&[
        "score", "--data", "data", "--month", "2026-10", "-o", "out.xlsx", "--format", "json", "-q",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(run.json()["people"][0]["staff"].as_str().unwrap(), long);
    let rows = sheet(&w.path().join("out.xlsx"), "汇总");
    let name = text(&rows[2][0]);
    assert_eq!(
        name.chars().count(),
        32_767 // Excel's limit, every character here one UTF-16 unit
    );
    assert!(
        name.starts_with("林林林") && name.ends_with(" …[cut]"),
        "{}",
        &name[..30]
    );
}

/// LibreOffice recalculates every total and grade to the same number and letter: the cached
/// values are replaced by 0 before converting, so what comes out was computed by LibreOffice
/// from the formulas (the grade from the recalculated total and 口径's thresholds). Runs
/// where `soffice` is installed (CI installs it); elsewhere it says so and passes.
#[test]
fn libreoffice_recalculates_the_same_totals() {
    let Ok(out) = std::process::Command::new("soffice")
        .arg("--version")
        .output()
    else {
        eprintln!("soffice not installed: LibreOffice recalculation not checked here");
        return;
    };
    assert!(out.status.success());
    let w = Workdir::new();
    let (j, path) = fixture_run(&w, &[]);
    // Zero every cached formula result.
    let poisoned = w.path().join("poisoned.xlsx");
    {
        let mut zin = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut zout = zip::ZipWriter::new(std::fs::File::create(&poisoned).unwrap());
        for i in 0..zin.len() {
            let mut e = zin.by_index(i).unwrap();
            let name = e.name().unwrap().to_string();
            let mut s = Vec::new();
            e.read_to_end(&mut s).unwrap();
            if name.starts_with("xl/worksheets/sheet") {
                let t = String::from_utf8(s).unwrap();
                let mut out = String::new();
                for (n, piece) in t.split("</f><v>").enumerate() {
                    if n == 0 {
                        out.push_str(piece);
                    } else {
                        out.push_str("</f><v>0");
                        out.push_str(&piece[piece.find("</v>").unwrap()..]);
                    }
                }
                s = out.into_bytes();
            }
            zout.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut zout, &s).unwrap();
        }
        zout.finish().unwrap();
    }
    lo_to_csv(&w, &poisoned, false);
    let csv_text = std::fs::read_to_string(w.path().join("lo/poisoned-汇总.csv"))
        .expect("LibreOffice wrote the 汇总 sheet");
    let mut lines = csv::Reader::from_reader(csv_text.as_bytes());
    let header = lines.headers().unwrap().clone();
    let t = header.iter().position(|h| h == "总分").unwrap();
    let g = header.iter().position(|h| h == "等级").unwrap();
    let mut seen = 0;
    for rec in lines.records() {
        let rec = rec.unwrap();
        if rec[0].is_empty() {
            continue; // the second header row, the blank row above the legend
        }
        let Some(p) = j["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["staff"] == rec[0])
        else {
            break; // the legend
        };
        // The grade formula, recalculated on the recalculated total, gives the tool's grade.
        assert_eq!(&rec[g], p["grade"].as_str().unwrap(), "{}: grade", &rec[0]);
        let lo: f64 = rec[t].parse().unwrap();
        let want = p["total"].as_f64().unwrap();
        assert!(
            (lo - want).abs() < 1e-9,
            "{}: LibreOffice {lo}, clinic-kpi {want}",
            &rec[0]
        );
        seen += 1;
    }
    assert_eq!(seen, 11);
}

/// Converts every sheet of `xlsx` to CSV with LibreOffice into `<workdir>/lo/<stem>-<sheet>.csv`
/// (UTF-8, comma-separated), recalculating formulas when loaded; `as_shown` writes each cell as
/// it is displayed (number formats applied) instead of its raw value.
fn lo_to_csv(w: &Workdir, xlsx: &Path, as_shown: bool) {
    let profile = w.path().join("lo-profile/user");
    std::fs::create_dir_all(&profile).unwrap();
    std::fs::write(
        profile.join("registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>"#,
    )
    .unwrap();
    let filter = format!(
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,{as_shown},false,false,-1"
    );
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            w.path().join("lo-profile").display()
        ))
        .args(["--headless", "--convert-to", &filter, "--outdir"])
        .arg(w.path().join("lo"))
        .arg(xlsx)
        .output()
        .expect("run soffice");
    assert!(status.status.success(), "{status:?}");
}

/// Whether LibreOffice is installed (CI installs it); elsewhere the caller says so and skips.
fn have_soffice() -> bool {
    std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}
