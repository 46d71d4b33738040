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

/// Errors in English, as the tests that match their words read them.
const EN: &[&str] = &["--lang", "en"];

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

/// The charts (their XML) whose series read the cells of `sheet`, in file order.
fn charts_of(path: &Path, sheet: &str) -> Vec<String> {
    let mut charts: Vec<(u32, String)> = Vec::new();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    for n in &names {
        let Some(k) = n
            .strip_prefix("xl/charts/chart")
            .and_then(|r| r.strip_suffix(".xml"))
        else {
            continue;
        };
        let mut s = String::new();
        zip.by_name(n).unwrap().read_to_string(&mut s).unwrap();
        if s.contains(&format!("<c:f>{sheet}!")) || s.contains(&format!("<c:f>'{sheet}'!")) {
            charts.push((k.parse().unwrap(), s));
        }
    }
    charts.sort();
    charts.into_iter().map(|(_, s)| s).collect()
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
            // A rate's 环比 is in percentage points (the shown-as-% metrics).
            let points = [
                "revenue_attainment",
                "conversion_rate",
                "secondary_rate",
                "complaint_rate",
                "repurchase_rate",
                "complication_rate",
                "turnover_rate",
            ]
            .contains(&k["metric"].as_str().unwrap());
            let change = match (k["value"].as_f64(), k["previous"].as_f64()) {
                (Some(v), Some(p)) if points => Value::from((v - p) * 100.0),
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
    assert_eq!(people.len(), 12);

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
        // The kind in the scorecard's language (JSON keeps the stable key).
        let kind = match i["kind"].as_str().unwrap() {
            "sales" => "消费流水",
            "visits" => "到院咨询",
            "complaints" => "投诉",
            "roster" => "员工花名册",
            "targets" => "业绩目标",
            "surveys" => "回访满意度",
            "ratings" => "主管评分",
            other => panic!("kind {other} not in the fixture"),
        };
        assert_eq!(text(&row[0]), kind);
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
    // (auto, which chose the rule the JSON names: see config_sheet_states_the_secondary_rule_…)
    // In Chinese the rules are named, not keyed (issue 14): type 按消费类型, derive 按消费记录推算.
    let rule = match j["secondary_rule"].as_str().unwrap() {
        "type" => "故按消费类型",
        _ => "故按消费记录推算",
    };
    assert!(text(&rows[1][1]).contains(rule), "{:?}", rows[1][1]);
    assert_eq!(text(&rows[3][1]), "S ≥ 110, A ≥ 95, B ≥ 80, C ≥ 60, 否则 D");
    let conversion = rows
        .iter()
        .find(|r| text(&r[0]) == "咨询师" && text(&r[1]) == "成交率")
        .expect("consultant conversion rule");
    assert_eq!(
        text(&conversion[5]),
        "线性（越高越好）：30% → 0分，50% → 100分，60% → 120分"
    );
    assert!(text(&conversion[8]).contains("依据 业绩达成率：≥ 100% → ¥3,000，≥ 120% → ¥5,000"));
}

#[test]
fn lin_xiaowen_row_by_hand() {
    // The README's worked example: 林晓雯 total 85.03 → B (A needs 95: 9.97 short), rank 2 of 5,
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
    // 成交率 7 / 9 = 0.7778; September 8 / 8 = 1.0 (LEDGER.md) → 环比 −22.22 percentage points
    // (the cell holds points, shown "-22.2 个百分点").
    let c = col(header, "成交率");
    assert_eq!(row[c], Data::Float(7.0 / 9.0));
    assert_eq!(row[c + 3], Data::Float((7.0 / 9.0 - 1.0) * 100.0));
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
    assert_eq!(formulas.len(), 12, "one total formula per person");
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
    assert!(
        notes.contains("上期 100%，环比 -22.2 个百分点"),
        "previous period"
    );
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
    let run = score_to(&w, &data, input.to_str().unwrap(), &["--lang", "en"]);
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
    let run = score_to(&w, &data, "missing/out.xlsx", EN);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("cannot write missing/out.xlsx: the folder missing does not exist"),
        "{run}"
    );
    // -o naming a folder.
    std::fs::create_dir(w.path().join("reports")).unwrap();
    let run = score_to(&w, &data, "reports", EN);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("-o reports is a folder"), "{run}");
    // A folder nobody may write to, root included (sysfs).
    let run = score_to(&w, &data, "/sys/scorecard.xlsx", EN);
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
            && i["code"] == "own_scorecard"));
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
    assert_eq!(seen, 12);
}

/// The JSON key a 经营概览 label stands for (written out here, so a renamed label or key fails).
fn overview_key(label: &str) -> &'static str {
    match label {
        "业绩" => "revenue",
        "初复诊业绩" => "initial_revenue",
        "再消费业绩" => "repeat_revenue",
        "初复诊占比" => "initial_share",
        "再消费占比" => "repeat_share",
        "初诊上门量" => "first_visits",
        "咨询数" => "consultations",
        "成交数" => "deals",
        "转化率" => "conversion",
        "服务顾客数" => "customers_served",
        "有效投诉" => "complaints",
        "投诉率" => "complaint_rate",
        "并发症" => "complications",
        "操作例数" => "treatments",
        "并发症发生率" => "complication_rate",
        "基础目标" => "base",
        "冲刺目标" => "sprint",
        "基础达成率" => "attainment_base",
        "冲刺达成率" => "attainment_sprint",
        "距基础目标" => "gap_base",
        "距冲刺目标" => "gap_sprint",
        "计划初复诊占比" => "plan_initial_share",
        "计划再消费占比" => "plan_repeat_share",
        "初诊基础目标" => "first_visits_base",
        "初诊冲刺目标" => "first_visits_sprint",
        "初诊超基础人数" => "first_visits_surplus",
        "投诉率预警线" => "complaint_rate_limit",
        "并发症预警线" => "complication_rate_limit",
        "占比" => "share",
        "计划占比" => "plan_share",
        "付费顾客数" => "paying_customers",
        "客单价" => "ticket_price",
        "目标转化率" => "target",
        "门店" => "store",
        "科室" => "department",
        "渠道" => "channel",
        other => panic!("unknown label {other:?}"),
    }
}

/// The number keys of a JSON object (what the sheet must show), besides `previous` and names.
fn number_keys(o: &Value) -> Vec<String> {
    let mut keys: Vec<String> = o
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, v)| *k != "previous" && (v.is_number() || v.is_null()))
        .filter(|(k, _)| !["store", "department", "channel"].contains(&k.as_str()))
        .map(|(k, _)| k.clone())
        .collect();
    keys.sort();
    keys
}

#[test]
fn the_overview_sheet_equals_overview_json() {
    // With the config `init` writes, so that the targets and the charts' target series are there.
    let w = Workdir::new();
    assert_eq!(w.run(&["init", "-q"]).code, 0);
    let (_, path) = fixture_run(&w, &[]);
    let data = fixtures().join("clinic");
    let run = w.run(&[
        "overview",
        "--data",
        data.to_str().unwrap(),
        "--month",
        "2026-10",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let rows = sheet(&path, "经营概览");
    let blank = |r: &[Data]| r.iter().all(|c| matches!(c, Data::Empty));
    // A section: its title alone in column A, its header below, its rows until a blank row.
    let section = |title: &str| -> (Vec<Data>, Vec<Vec<Data>>) {
        let at = rows
            .iter()
            .position(|r| text(&r[0]) == title && r.iter().skip(1).all(|c| c == &Data::Empty))
            .unwrap_or_else(|| panic!("no section {title}"));
        let body = rows[at + 2..]
            .iter()
            .take_while(|r| !blank(r))
            .cloned()
            .collect();
        (rows[at + 1].clone(), body)
    };
    assert_eq!(
        text(&rows[0][0]),
        "经营概览 2026-10 (2026-10-01 ~ 2026-10-31)"
    );
    assert_eq!(text(&rows[1][0]), "上期 2026-09 (2026-09-01 ~ 2026-09-30)");

    // 整体: one row per figure — this period, and the previous where the JSON has one.
    let (header, body) = section("整体");
    assert_eq!(
        header[..3].iter().map(text).collect::<Vec<_>>(),
        ["指标", "本期", "上期"]
    );
    let c = &j["clinic"];
    let mut seen: Vec<String> = Vec::new();
    for r in &body {
        let key = overview_key(&text(&r[0]));
        assert_num(&r[1], &c[key], key);
        let previous = c["previous"].get(key).unwrap_or(&Value::Null);
        assert_num(&r[2], previous, &format!("previous {key}"));
        seen.push(key.to_string());
    }
    seen.sort();
    assert_eq!(seen, number_keys(c), "every clinic figure, once");

    // 门店, 科室, 渠道: one row per entry in the JSON's order; `上期·X` is previous.X.
    for (title, list, name_key, none) in [
        ("门店", &j["stores"], "store", "（未标门店）"),
        ("科室", &j["departments"], "department", "（未标科室）"),
        ("渠道", &j["channels"], "channel", "（未标渠道）"),
    ] {
        let (header, body) = section(title);
        let list = list.as_array().unwrap();
        assert_eq!(body.len(), list.len(), "{title}: one row per entry");
        assert_eq!(overview_key(&text(&header[0])), name_key);
        let columns: Vec<(usize, bool, &str)> = header
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, h)| **h != Data::Empty)
            .map(|(i, h)| {
                let h = text(h);
                match h.strip_prefix("上期·") {
                    Some(rest) => (i, true, overview_key(rest)),
                    None => (i, false, overview_key(&h)),
                }
            })
            .collect();
        let mut current: Vec<String> = columns
            .iter()
            .filter(|c| !c.1)
            .map(|c| c.2.to_string())
            .collect();
        current.sort();
        assert_eq!(current, number_keys(&list[0]), "{title}: every figure");
        for (r, entry) in body.iter().zip(list) {
            let name = entry[name_key].as_str().unwrap_or(none);
            assert_eq!(text(&r[0]), name, "{title}");
            for &(i, previous, key) in &columns {
                let want = if previous {
                    &entry["previous"][key]
                } else {
                    &entry[key]
                };
                assert_num(
                    &r[i],
                    want,
                    &format!("{title} {name} {key} (previous: {previous})"),
                );
            }
        }
    }

    // Two charts on the sheet: store revenue against base and sprint, and department shares
    // against the plan, each reading the sheet's own cells.
    let charts = charts_of(&path, "经营概览");
    assert_eq!(charts.len(), 2);
    let series = |xml: &str| -> Vec<String> {
        xml.split("<c:tx><c:strRef>")
            .skip(1)
            .map(|s| {
                let v = s.split("<c:v>").nth(1).unwrap();
                v[..v.find("</c:v>").unwrap()].to_string()
            })
            .collect()
    };
    let stores = charts
        .iter()
        .find(|x| x.contains("门店业绩与基础、冲刺目标"))
        .unwrap();
    assert_eq!(series(stores), ["业绩", "基础目标", "冲刺目标"]);
    assert!(stores.contains("<c:f>经营概览!$A$"), "{stores}");
    let departments = charts
        .iter()
        .find(|x| x.contains("科室业绩占比与计划占比"))
        .unwrap();
    assert_eq!(series(departments), ["占比", "计划占比"]);
}

/// `-o` may name neither the config file nor an input, however the path is spelt: the same
/// file is told by device and inode, so `./clinic/../x`, a hard link and the plain name are
/// refused alike, and the file is left byte for byte as it was.
#[test]
fn refuses_the_config_and_inputs_by_identity_not_spelling() {
    let w = Workdir::new();
    let data = copy_clinic(&w);
    assert_eq!(w.run(&["init", "-q"]).code, 0);
    let config = w.path().join("clinic-kpi.toml");
    let config_before = std::fs::read(&config).unwrap();
    let input = data.join("投诉记录.xlsx");
    let input_before = std::fs::read(&input).unwrap();
    std::fs::hard_link(&input, w.path().join("link.xlsx")).unwrap();
    std::fs::hard_link(&config, w.path().join("config-link.xlsx")).unwrap();
    // The config, named plainly, through a detour, and through a hard link; with --config and
    // without (the default ./clinic-kpi.toml).
    for (out, extra) in [
        (
            "clinic-kpi.toml",
            &["--config", "clinic-kpi.toml", "--lang", "en"][..],
        ),
        ("clinic-kpi.toml", EN),
        ("./clinic/../clinic-kpi.toml", EN),
        (
            "config-link.xlsx",
            &["--config", "./clinic-kpi.toml", "--lang", "en"][..],
        ),
    ] {
        let run = score_to(&w, &data, out, extra);
        assert_eq!(run.code, 1, "{run}");
        assert_eq!(
            run.stderr,
            format!(
                "clinic-kpi: -o {out} is (or holds) the config file {}; choose another output path\n",
                extra
                    .first()
                    .filter(|f| **f == "--config")
                    .and(extra.get(1))
                    .unwrap_or(&"clinic-kpi.toml")
            ),
            "{run}"
        );
        assert_eq!(std::fs::read(&config).unwrap(), config_before, "{out}");
    }
    // An input through a hard link outside the data folder, and spelt with a detour.
    let detour = format!("{}/../clinic/投诉记录.xlsx", data.display());
    for out in ["link.xlsx", detour.as_str()] {
        let run = score_to(&w, &data, out, EN);
        assert_eq!(run.code, 1, "{run}");
        assert!(
            run.stderr
                .contains("is an input file and also this run's output")
                || run.stderr.contains("is (or holds) one of the input files"),
            "{run}"
        );
        assert_eq!(std::fs::read(&input).unwrap(), input_before, "{out}");
    }
    // --split-by person: the data folder, spelt with a detour, or a folder above it.
    for out in [format!("{}/../clinic", data.display()), ".".to_string()] {
        let run = score_to(&w, &data, &out, &["--split-by", "person", "--lang", "en"]);
        assert_eq!(run.code, 1, "{run}");
        assert!(
            run.stderr.contains(&format!("-o {out} is (or holds)")),
            "{run}"
        );
        assert_eq!(std::fs::read(&input).unwrap(), input_before);
    }
    // Nothing else was written anywhere.
    let mut left: Vec<String> = std::fs::read_dir(w.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["clinic", "clinic-kpi.toml", "config-link.xlsx", "link.xlsx"]
    );
}

/// The names an interrupted run leaves: `.<target>.<pid>-<random>.clinic-kpi-tmp` (file),
/// `-new` / `-old` folders for --split-by person. Pid 99999999 is above Linux's highest
/// (4,194,304), so no process has it: its leftovers are stale.
const DEAD_PID: u32 = 99_999_999;

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_killed_runs_temp_files_are_removed_and_a_planted_symlink_is_not_followed() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let stale = format!(".out.xlsx.{DEAD_PID}-a1B2c3.clinic-kpi-tmp");
    w.write(&stale, b"PK half a scorecard");
    // A symlink at a leftover's name, pointing at a file that must survive.
    let victim = w.write("victim.txt", b"keep me");
    let planted = format!(".out.xlsx.{}-zZ9yY8.clinic-kpi-tmp", DEAD_PID - 1);
    std::os::unix::fs::symlink(&victim, w.path().join(&planted)).unwrap();
    // A temp file of a process that is still running (this test) is not touched.
    let live = format!(".out.xlsx.{}-Qq1Ww2.clinic-kpi-tmp", std::process::id());
    w.write(&live, b"being written");
    let run = score_to(&w, &data, "out.xlsx", &[]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(
        names_in(w.path()),
        [live.as_str(), "out.xlsx", "victim.txt"]
    );
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");
    // The scorecard gets a plain new file's permissions (umask applied), not tempfile's 0600.
    use std::os::unix::fs::PermissionsExt;
    let plain = w.write("plain.txt", b"");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&w.path().join("out.xlsx")), mode(&plain));
}

#[test]
fn split_by_person_puts_back_the_folder_a_killed_run_moved_aside() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let split = |extra: &[&str]| {
        score_to(
            &w,
            &data,
            "cards",
            &[&["--split-by", "person"], extra].concat(),
        )
    };
    assert_eq!(split(&[]).code, 0);
    let first = names_in(&w.path().join("cards"));
    // One workbook per scored person: 12 (5 consultants, 2 doctors, 3 nurses, 2 supervisors).
    assert_eq!(first.len(), 12, "{first:?}");
    // A run killed between its two renames: the old folder moved aside, the new one half built.
    let old = format!(".cards.{DEAD_PID}-k1L2m3.clinic-kpi-old");
    let new = format!(".cards.{DEAD_PID}-k1L2m3.clinic-kpi-new");
    std::fs::rename(w.path().join("cards"), w.path().join(&old)).unwrap();
    std::fs::create_dir(w.path().join(&new)).unwrap();
    w.write(&format!("{new}/2026-10_一店_林晓雯_C001.xlsx"), b"PK half");
    // The next run that writes there puts the old folder back first (and says so), then
    // replaces it as usual; nothing of the killed run is left.
    let run = w.run(&[
        "score",
        "--data",
        data.to_str().unwrap(),
        "--month",
        "2026-10",
        "--split-by",
        "person",
        "-o",
        "cards",
        "--format",
        "none",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stderr
            .contains("已恢复上次中断运行移开的文件夹 cards\n"),
        "{run}"
    );
    assert_eq!(names_in(w.path()), ["cards"]);
    assert_eq!(names_in(&w.path().join("cards")), first);
    // The target there and an old folder aside: the swap had finished; the old one goes.
    std::fs::create_dir(w.path().join(&old)).unwrap();
    w.write(&format!("{old}/2026-09_一店_林晓雯_C001.xlsx"), b"PK old");
    let run = split(&[]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(names_in(w.path()), ["cards"]);
    assert_eq!(names_in(&w.path().join("cards")), first);
}

/// A folder nobody may write to (sysfs refuses even root): the error names the target the
/// user gave, never a temp name.
#[test]
fn an_unwritable_target_is_named_not_the_temp_path() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    for (out, extra) in [
        ("/sys/scorecard.xlsx", EN),
        ("/sys/cards", &["--split-by", "person", "--lang", "en"][..]),
    ] {
        let run = score_to(&w, &data, out, extra);
        assert_eq!(run.code, 1, "{run}");
        assert!(
            run.stderr
                .starts_with(&format!("clinic-kpi: cannot write {out}: ")),
            "{run}"
        );
        assert!(!run.stderr.contains("clinic-kpi-"), "{run}");
    }
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

/// `<col>` widths of a sheet's XML, by 0-based column (8.43, Excel's default, where none is set).
fn col_widths(xml: &str) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for c in xml.split("<col ").skip(1) {
        let attr = |name: &str| -> f64 {
            let at = c.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            c[at..at + c[at..].find('"').unwrap()].parse().unwrap()
        };
        let (min, max, width) = (attr("min") as usize, attr("max") as usize, attr("width"));
        if out.len() < max {
            out.resize(max, 8.43);
        }
        for w in &mut out[min - 1..max] {
            *w = width;
        }
    }
    out
}

fn width_of(widths: &[f64], c: usize) -> f64 {
    widths.get(c).copied().unwrap_or(8.43)
}

/// Characters a text takes in a column: CJK and other wide characters count double.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// The XML part of a sheet by its name (workbook order: sheetN.xml is the Nth sheet).
fn sheet_xml(path: &Path, name: &str) -> String {
    let n = sheet_names(path).iter().position(|s| s == name).unwrap() + 1;
    part(path, &format!("xl/worksheets/sheet{n}.xml"))
}

#[test]
fn payroll_sheet_is_the_json_bonuses_row_for_row() {
    let w = Workdir::new();
    let (j, path) = fixture_run(&w, &[]);
    let rows = sheet(&path, "奖金");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        header,
        ["工号", "姓名", "岗位", "门店", "科室", "等级", "奖金"]
    );
    let people = j["people"].as_array().unwrap();
    assert_eq!(rows.len() - 1, people.len(), "one row per scored person");
    for (row, p) in rows[1..].iter().zip(people) {
        let who = p["staff"].as_str().unwrap();
        assert_eq!(row.len(), 7, "nothing else on the payroll sheet");
        assert_eq!(text(&row[0]), p["staff_id"].as_str().unwrap(), "{who}");
        assert_eq!(text(&row[1]), who);
        assert_eq!(text(&row[2]), p["role_label"].as_str().unwrap(), "{who}");
        assert_eq!(text(&row[3]), p["store"].as_str().unwrap_or(""), "{who}");
        assert_eq!(
            text(&row[4]),
            p["department"].as_str().unwrap_or(""),
            "{who}"
        );
        assert_eq!(text(&row[5]), p["grade"].as_str().unwrap(), "{who}");
        // Whole yuan; 0 where the role has no bonus rule (JSON null).
        let want = p["bonus"].as_f64().unwrap_or(0.0);
        assert_eq!(row[6], Data::Float(want), "{who} bonus");
        assert_eq!(want.fract(), 0.0, "{who}: whole yuan");
    }
    // By hand (README worked example): 林晓雯 C001, total 85.03 → B; attainment 38,540 ÷
    // 65,000 = 59.29% reaches no tier → below −1,500. 陈建国 D001 is a doctor: the built-in
    // doctor role has no bonus rule → 0, not a blank.
    let lin = rows.iter().find(|r| text(&r[1]) == "林晓雯").unwrap();
    assert_eq!((text(&lin[0]), text(&lin[5])), ("C001".into(), "B".into()));
    assert_eq!(lin[6], Data::Float(-1500.0));
    let chen = rows.iter().find(|r| text(&r[1]) == "陈建国").unwrap();
    assert_eq!(
        (text(&chen[0]), &chen[6]),
        ("D001".into(), &Data::Float(0.0))
    );
}

/// Columns are as wide as the numbers they show, so nothing shows `###`: by hand for the
/// values the issue names, and (with LibreOffice) for every number on every sheet as
/// LibreOffice displays it.
#[test]
fn every_column_is_as_wide_as_what_it_shows() {
    let w = Workdir::new();
    let (_, month) = fixture_run(&w, &[]);
    let year_run = w.run(&[
        "score",
        "--data",
        fixtures().join("clinic").to_str().unwrap(),
        "--year",
        "2026",
        "-o",
        "year.xlsx",
        "-q",
    ]);
    assert_eq!(year_run.code, 0, "{year_run}");
    let year = w.path().join("year.xlsx");
    // A column of width w shows about w digits; one more keeps a margin.
    let fits = |widths: &[f64], c: usize, shown: &str| {
        let need = display_width(shown) as f64 + 1.0;
        assert!(
            width_of(widths, c) >= need,
            "column {c} is {} wide for {shown:?}",
            width_of(widths, c)
        );
    };
    // Year run: 林晓雯's below −1,500 × 12 months = −¥18,000 on 汇总 (奖金, column J) and on
    // 奖金 (column G).
    fits(&col_widths(&sheet_xml(&year, "汇总")), 9, "-¥18,000");
    fits(&col_widths(&sheet_xml(&year, "奖金")), 6, "-¥18,000");
    // Month run: 周婷's total 100.64 (汇总 总分, column F, bold); 数据's 采用金额 of the
    // October workbook: ¥86,780.00 (LEDGER.md) in column J.
    fits(&col_widths(&sheet_xml(&month, "汇总")), 5, "100.64");
    fits(&col_widths(&sheet_xml(&month, "数据")), 9, "¥86,780.00");
    // A ¥10,000 bonus fits where −¥18,000 does: the 奖金 column of the year's 咨询师 sheet.
    fits(&col_widths(&sheet_xml(&year, "咨询师")), 9, "-¥18,000");
    fits(&col_widths(&sheet_xml(&year, "咨询师")), 9, "¥10,000");

    if !have_soffice() {
        eprintln!("soffice not installed: widths of every number not checked here");
        return;
    }
    for path in [&month, &year] {
        lo_to_csv(&w, path, true);
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let mut checked = 0;
        for name in sheet_names(path) {
            let csv_path = w.path().join(format!("lo/{stem}-{name}.csv"));
            let shown: Vec<Vec<String>> = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(&csv_path)
                .unwrap_or_else(|e| panic!("{}: {e}", csv_path.display()))
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            let widths = col_widths(&sheet_xml(path, &name));
            let mut wb = open_workbook_auto(path).unwrap();
            let range = wb.worksheet_range(&name).unwrap();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, v) in range.cells() {
                if !matches!(v, Data::Float(_) | Data::Int(_)) {
                    continue; // text never shows ###: it is cut or runs into the next cell
                }
                let (r, c) = (r + r0 as usize, c + c0 as usize);
                let s = &shown[r][c];
                let need = display_width(s) as f64 + 1.0;
                assert!(
                    width_of(&widths, c) >= need,
                    "{stem} {name} row {} column {}: {s:?} in width {}",
                    r + 1,
                    c + 1,
                    width_of(&widths, c)
                );
                checked += 1;
            }
        }
        assert!(checked > 300, "{stem}: {checked} numbers checked");
    }
}

#[test]
fn score_colours_are_fixed_numbers_and_the_legend_says_what_they_mean() {
    let w = Workdir::new();
    let (_, path) = fixture_run(&w, &[]);
    // 0 red → 60 amber → 100 green, as fixed numbers (not min/max/percentiles), on every
    // people sheet: the same score has the same colour everywhere.
    let scale = r#"<colorScale><cfvo type="num" val="0"/><cfvo type="num" val="60"/><cfvo type="num" val="100"/><color rgb="FFF8696B"/><color rgb="FFFFEB84"/><color rgb="FF63BE7B"/></colorScale>"#;
    for name in ["汇总", "咨询师", "医生", "护士", "客服主管"] {
        let xml = sheet_xml(&path, name);
        let scales = xml.matches("<colorScale>").count();
        assert!(scales > 0, "{name}: no colour scale");
        assert_eq!(xml.matches(scale).count(), scales, "{name}: {xml}");
        for relative in [
            r#"type="min""#,
            r#"type="max""#,
            r#"type="percentile""#,
            r#"type="percent""#,
        ] {
            assert!(!xml.contains(relative), "{name}: {relative}");
        }
    }
    // The legend below 汇总's table: a swatch and its meaning per colour and highlight.
    let rows = sheet(&path, "汇总");
    let at = rows
        .iter()
        .position(|r| text(&r[0]) == "图例")
        .expect("legend");
    let swatches: Vec<String> = rows[at + 1..].iter().map(|r| text(&r[0])).collect();
    assert_eq!(
        swatches,
        [
            "得分 0",
            "得分 60",
            "得分 ≥100",
            "数据不足",
            "调整",
            "否决",
            "末位"
        ]
    );
    assert!(
        text(&rows[at + 1][1]).contains("各表相同"),
        "{:?}",
        rows[at + 1]
    );
    // The per-person workbook uses the same scale on its score column.
    let run = w.run(&[
        "score",
        "--data",
        fixtures().join("clinic").to_str().unwrap(),
        "--month",
        "2026-10",
        "--split-by",
        "person",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let lin = w
        .path()
        .join("scorecard-2026-10/2026-10_一店_林晓雯_C001.xlsx");
    assert!(part(&lin, "xl/worksheets/sheet1.xml").contains(scale));
}

/// The grade is a formula on the live total, looked up on 口径's thresholds, caching the
/// tool's grade (LibreOffice recalculates it: libreoffice_recalculates_the_same_totals).
#[test]
fn grades_follow_the_total_on_the_thresholds_of_config() {
    let w = Workdir::new();
    let (j, path) = fixture_run(&w, &[]);
    // 口径 rows 8–12: the grade table; B9..B12 hold S 110, A 95, B 80, C 60 (built-in grades).
    let config = sheet(&path, "口径");
    assert_eq!(text(&config[7][0]), "等级");
    for (r, (g, t)) in [("S", 110.0), ("A", 95.0), ("B", 80.0), ("C", 60.0)]
        .iter()
        .enumerate()
    {
        assert_eq!(text(&config[8 + r][0]), *g);
        assert_eq!(config[8 + r][1], Data::Float(*t));
    }
    let xml = sheet_xml(&path, "汇总");
    let rows = sheet(&path, "汇总");
    for p in j["people"].as_array().unwrap() {
        let n = rows.iter().position(|r| text(&r[0]) == p["staff"]).unwrap() + 1;
        let grade = p["grade"].as_str().unwrap();
        let cell = format!(
            r#"<c r="G{n}" t="str"><f>IF(F{n}&gt;='口径'!$B$9,"S",IF(F{n}&gt;='口径'!$B$10,"A",IF(F{n}&gt;='口径'!$B$11,"B",IF(F{n}&gt;='口径'!$B$12,"C","D"))))</f><v>{grade}</v></c>"#
        );
        assert!(xml.contains(&cell), "{}: {cell}", p["staff"]);
    }
    // The bonus cannot follow an edit: its note says the tool computed it from the saved total.
    let notes = parts_named(&path, "xl/comments").join("\n");
    assert!(notes.contains("奖金由 clinic-kpi 按保存时的总分与指标值计算，不随表内修改重算"));
    assert!(notes.contains("本岗位未设奖金规则，奖金为 0"));
}

/// Role sheets print legibly: A4 landscape at 85% (11-point text at 9.35 points), not fit to
/// one page wide; pages break between whole KPI blocks, the name and 工号 columns and the two
/// header rows repeated on each. 汇总 stays one page wide.
#[test]
fn role_sheets_print_in_kpi_blocks_with_names_repeated() {
    let w = Workdir::new();
    let (_, path) = fixture_run(&w, &[]);
    let workbook = part(&path, "xl/workbook.xml");
    for (i, name) in ["咨询师", "医生", "护士", "客服主管"].iter().enumerate() {
        let xml = sheet_xml(&path, name);
        assert!(
            xml.contains(r#"<pageSetup paperSize="9" scale="85" orientation="landscape""#),
            "{name}"
        );
        assert!(!xml.contains("fitToPage"), "{name}: fit to page");
        let titles = format!(
            r#"<definedName name="_xlnm.Print_Titles" localSheetId="{}">{name}!$A:$B,{name}!$1:$2</definedName>"#,
            i + 2
        );
        assert!(workbook.contains(&titles), "{name}: {workbook}");
        // Breaks fall before an overview column after 工号 (C..M) or before a KPI block: the
        // blocks start at column N (13) and are 4 wide.
        for brk in xml.split(r#"<brk id=""#).skip(1) {
            let id: usize = brk[..brk.find('"').unwrap()].parse().unwrap();
            assert!(
                (2..13).contains(&id) || (id >= 13 && (id - 13).is_multiple_of(4)),
                "{name}: break before column {id}"
            );
        }
    }
    // 咨询师: 8 KPI blocks (32 columns) do not fit one page at 85%: at least one break.
    assert!(sheet_xml(&path, "咨询师").contains("<colBreaks"));
    let summary = sheet_xml(&path, "汇总");
    assert!(summary.contains(r#"<pageSetUpPr fitToPage="1"/>"#));
}

/// The 明细 sheet of 林晓雯's workbook lists exactly the rows counted by hand in
/// fixtures/clinic/LEDGER.md for her 成交率 and 客单价.
#[test]
fn evidence_sheet_lists_the_rows_counted_by_hand() {
    let w = Workdir::new();
    let run = w.run(&[
        "score",
        "--data",
        fixtures().join("clinic").to_str().unwrap(),
        "--month",
        "2026-10",
        "--split-by",
        "person",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let path = w
        .path()
        .join("scorecard-2026-10/2026-10_一店_林晓雯_C001.xlsx");
    let rows = sheet(&path, "明细");
    assert_eq!(
        rows[0].iter().map(text).collect::<Vec<_>>(),
        [
            "指标",
            "计入",
            "原因",
            "文件",
            "工作表",
            "行",
            "日期",
            "顾客",
            "项目",
            "金额/成交/分数"
        ]
    );
    let of = |kpi: &str| -> Vec<(String, f64, String, String, String)> {
        rows.iter()
            .filter(|r| text(&r[0]) == kpi && !text(&r[3]).is_empty())
            .map(|r| {
                let n = match r[5] {
                    Data::Float(f) => f,
                    ref o => panic!("row number {o:?}"),
                };
                (text(&r[3]), n, text(&r[1]), text(&r[2]), text(&r[7]))
            })
            .collect()
    };
    // 成交率 (LEDGER "Consultations (October)"): 9 consultations, 7 deals. V19 and V20 are one
    // consultation (13700003456, 2026-10-08); V20 says 是, so it carries the deal and V19 is
    // listed as the same consultation.
    let visits = "到院咨询登记.csv";
    let deal = ("成交 + 咨询", "成交咨询");
    let no_deal = ("咨询", "咨询（未成交）");
    let want: Vec<(f64, (&str, &str), &str)> = vec![
        (15.0, deal, "138****1234"),
        (17.0, deal, "139****2345"),
        (
            19.0,
            ("不计", "同一次咨询（同顾客、同日），不重复计"),
            "137****3456",
        ),
        (20.0, deal, "137****3456"),
        (21.0, deal, "136****4567"),
        (23.0, deal, "135****5678"),
        (26.0, no_deal, "130****6666"),
        (29.0, deal, "138****1234"),
        (35.0, deal, "186****6789"),
        (39.0, no_deal, "131****7777"),
    ];
    let got = of("成交率");
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, (n, (counts, why), customer)) in got.iter().zip(&want) {
        assert_eq!(
            (g.0.as_str(), g.1, g.2.as_str(), g.3.as_str(), g.4.as_str()),
            (visits, *n, *counts, *why, *customer)
        );
    }
    // Counted by hand: numerator 7 rows (成交), denominator 9 (咨询).
    assert_eq!(got.iter().filter(|g| g.2.contains("成交")).count(), 7);
    assert_eq!(got.iter().filter(|g| g.2.contains("咨询")).count(), 9);
    // 客单价 (LEDGER "Sales credited by consultant"): X5, X7, X8, X10, X11, X13, X15, X17, X21,
    // X24, X26 make revenue 38,540; paying customers (first positive sale of each customer
    // whose October net is > 0): X5 13800001234, X7 13900002345, X10 13700003456, X13
    // 13600004567, X26 18600006789 = 5. 13500005678 bought (X15 2,980) and was refunded in
    // full (X17): not paying.
    let sales = "2026年10月消费流水.xlsx";
    let ticket: Vec<_> = rows
        .iter()
        .filter(|r| text(&r[0]) == "客单价" && !text(&r[3]).is_empty())
        .collect();
    let numbers: Vec<f64> = ticket
        .iter()
        .map(|r| match r[5] {
            Data::Float(f) => f,
            ref o => panic!("{o:?}"),
        })
        .collect();
    assert_eq!(
        numbers,
        [5.0, 7.0, 8.0, 10.0, 11.0, 13.0, 15.0, 17.0, 21.0, 24.0, 26.0]
    );
    assert!(ticket
        .iter()
        .all(|r| text(&r[3]) == sales && text(&r[4]) == "消费明细"));
    let revenue: f64 = ticket
        .iter()
        .map(|r| match r[9] {
            Data::Float(f) => f,
            ref o => panic!("{o:?}"),
        })
        .sum();
    assert_eq!(revenue, 38540.0);
    let paying: Vec<f64> = ticket
        .iter()
        .zip(&numbers)
        .filter(|(r, _)| text(&r[1]) == "业绩 + 付费顾客")
        .map(|(_, n)| *n)
        .collect();
    assert_eq!(paying, [5.0, 7.0, 10.0, 13.0, 26.0]);
    let why = |n: f64| text(&ticket[numbers.iter().position(|x| *x == n).unwrap()][2]);
    assert_eq!(why(15.0), "该顾客本期消费净额 ≤ 0，不是付费顾客");
    assert_eq!(why(17.0), "退款");
    assert_eq!(why(24.0), "退款");
    // Each KPI starts with a line giving its derivation.
    assert!(rows
        .iter()
        .any(|r| text(&r[0]) == "成交率：成交 7 / 咨询 9 = 77.78%（10 行）"));
    // No phone number in full anywhere on the sheet.
    for r in &rows {
        for c in r {
            let t = text(c);
            let digits: String = t.chars().filter(char::is_ascii_digit).collect();
            assert!(!(t.len() == 11 && digits.len() == 11), "unmasked {t}");
        }
    }
}

/// The charts draw from the right ranges: on 图表, per role, the totals as bars and S/A/B/C
/// as lines; on 月度 (quarter or year), a line per person over the months.
#[test]
fn charts_exist_with_the_right_series() {
    let w = Workdir::new();
    let (_, path) = fixture_run(&w, &[]);
    // 图表: title row 1, header row 2 (姓名 总分 S A B C), the 5 consultants in rows 3–7.
    let chart = charts_of(&path, "图表").remove(0);
    assert!(chart.contains("<c:barChart>") && chart.contains("<c:lineChart>"));
    let refs: Vec<&str> = chart
        .split("<c:f>")
        .skip(1)
        .map(|s| &s[..s.find("</c:f>").unwrap()])
        .collect();
    assert_eq!(
        refs,
        [
            "图表!$B$2",
            "图表!$A$3:$A$7",
            "图表!$B$3:$B$7", // 总分
            "图表!$C$2",
            "图表!$A$3:$A$7",
            "图表!$C$3:$C$7", // S
            "图表!$D$2",
            "图表!$A$3:$A$7",
            "图表!$D$3:$D$7", // A
            "图表!$E$2",
            "图表!$A$3:$A$7",
            "图表!$E$3:$E$7", // B
            "图表!$F$2",
            "图表!$A$3:$A$7",
            "图表!$F$3:$F$7", // C
        ]
    );
    // The bars are the role sheet's live totals, the lines 口径's thresholds.
    let rows = sheet(&path, "图表");
    assert_eq!(text(&rows[2][0]), "周婷");
    let xml = sheet_xml(&path, "图表");
    assert!(xml.contains("<f>'咨询师'!F3</f>"), "{xml}");
    assert!(xml.contains("<f>'口径'!$B$9</f>"), "{xml}");
    // No 月度 sheet for a month.
    assert!(!sheet_names(&path).contains(&"月度".to_string()));

    // A year: 月度 (row 1 the title, row 3 咨询师, row 4 姓名 工号 2026-01 … 2026-12 in C..N,
    // the 5 consultants in rows 5–9).
    let run = w.run(&[
        "score",
        "--data",
        fixtures().join("clinic").to_str().unwrap(),
        "--year",
        "2026",
        "-o",
        "year.xlsx",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let year = w.path().join("year.xlsx");
    let names = sheet_names(&year);
    assert_eq!(
        names[names.iter().position(|n| n == "图表").unwrap() + 1],
        "月度"
    );
    let chart = charts_of(&year, "月度").remove(0);
    assert!(chart.contains("<c:lineChart>"));
    let refs: Vec<&str> = chart
        .split("<c:f>")
        .skip(1)
        .map(|s| &s[..s.find("</c:f>").unwrap()])
        .collect();
    assert_eq!(
        refs,
        [
            "月度!$A$5",
            "月度!$C$4:$N$4",
            "月度!$C$5:$N$5",
            "月度!$A$6",
            "月度!$C$4:$N$4",
            "月度!$C$6:$N$6",
            "月度!$A$7",
            "月度!$C$4:$N$4",
            "月度!$C$7:$N$7",
            "月度!$A$8",
            "月度!$C$4:$N$4",
            "月度!$C$8:$N$8",
            "月度!$A$9",
            "月度!$C$4:$N$4",
            "月度!$C$9:$N$9",
        ]
    );
    // Each month is scored on its own: October's column (L) holds the totals and grades of a
    // run for 2026-10 (周婷 100.64 A, 林晓雯 85.03 B: lin_xiaowen_row_by_hand), the grades in
    // the block after the gap column (P.. : October is Y).
    let (month_json, _) = fixture_run(&w, &[]);
    let rows = sheet(&year, "月度");
    assert_eq!(text(&rows[3][11]), "2026-10");
    for r in &rows[4..9] {
        let who = text(&r[0]);
        let p = crate::workdir::person(&month_json, &who);
        assert_eq!(r[11], Data::Float(p["total"].as_f64().unwrap()), "{who}");
        assert_eq!(text(&r[24]), p["grade"].as_str().unwrap(), "{who}");
    }
}

/// 口径 states the 二开 rule as configured (issue 14 item 5, SPEC §3.1): the types listed under
/// `type`, the window under `derive`, and under `auto` which one it chose and why. The fixture's
/// sales have a 类型 column holding 二开, so `auto` (the default) chose `type`. Before: always
/// "按消费记录的类型列（二开/复购）认定", and derive described "second and later sales in the
/// period", not the window rule the code applies. In Chinese the rules are named in Chinese
/// (issue 14: the scorecard speaks one language): auto 自动, type 按消费类型, derive 按消费记录推算.
#[test]
fn config_sheet_states_the_secondary_rule_as_configured() {
    let rule_on = |w: &Workdir| -> String {
        let rows = sheet(&w.path().join("out.xlsx"), "口径");
        let row = rows
            .iter()
            .find(|r| text(&r[0]) == "二开口径")
            .expect("二开口径 row");
        text(&row[1])
    };
    let w = Workdir::new();
    fixture_run(&w, &[]);
    assert_eq!(
        rule_on(&w),
        "自动：消费记录的类型列中有这些值，故按消费类型。按消费类型：消费类型为 二开、二次开发 之一的正向消费为二开"
    );
    // derive, with a 60-day window, from the config.
    let config = format!(
        "{}\n[secondary]\nrule = \"derive\"\nwindow_days = 60\n",
        crate::workdir::ONE_ROLE
    );
    w.write("cfg.toml", config);
    fixture_run(&w, &["--config", "cfg.toml"]);
    assert_eq!(
        rule_on(&w),
        "按消费记录推算：同一顾客在此前 1–60 天内（含第 60 天）已有归属同一人的正向消费，则这笔正向消费为二开；同一天更早的消费不算，期前的消费计入"
    );
}
