//! Whose number is this row (SPEC §2.4, issue 12 items 1–4): namesakes, people with data who
//! are not scored, a row crediting someone of another role, columns a KPI needs, an empty
//! period. Each case is a few CSV lines written here, small enough to check by hand.

use crate::workdir::{close, kpi, person, Workdir};
use serde_json::Value;

/// Consultants scored on revenue alone (target ¥10,000 → 100) and nurses on treatments.
const CONFIG: &str = r#"
[roles.consultant]
label = "咨询师"
attribute = "consultant"
[[roles.consultant.kpi]]
metric = "revenue"
weight = 100
target = 10000

[roles.nurse]
label = "护士"
attribute = "nurse"
[[roles.nurse.kpi]]
metric = "treatments"
weight = 100
target = 10
"#;

fn clinic(files: &[(&str, &str)]) -> Workdir {
    let w = Workdir::new();
    w.write("clinic-kpi.toml", CONFIG);
    std::fs::create_dir(w.path().join("data")).unwrap();
    for (name, text) in files {
        w.write(&format!("data/{name}"), text);
    }
    w
}

fn score(w: &Workdir, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "score",
        "--data",
        "data",
        "--month",
        "2026-10",
        "--format",
        "json",
        "--no-scorecard",
    ];
    args.extend_from_slice(extra);
    let run = w.run(&args);
    assert!(run.code == 0 || run.code == 3, "{run}");
    (run.code, run.json(), run.stderr)
}

fn issues_with<'a>(j: &'a Value, severity: &str, text: &str) -> Vec<&'a Value> {
    j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == severity && i["message"].as_str().unwrap().contains(text))
        .collect()
}

/// The issues of `severity` with this `code` whose message (in the run's language) holds `text`.
fn coded<'a>(j: &'a Value, severity: &str, code: &str, text: &str) -> Vec<&'a Value> {
    j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["severity"] == severity
                && i["code"] == code
                && i["message"].as_str().unwrap().contains(text)
        })
        .collect()
}

fn people_named<'a>(j: &'a Value, name: &str) -> Vec<&'a Value> {
    j["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["staff"] == name)
        .collect()
}

const NAMESAKE_ROSTER: &str = "姓名,工号,岗位,门店\n\
张伟,C001,咨询师,一店\n\
张伟,C002,咨询师,二店\n\
李娜,C003,咨询师,一店\n";

/// Item 1. Two 张伟 with distinct 工号, one per store.
/// Sales lines: 2 (一店 ¥1,000) → C001; 3 (二店 ¥2,000) → C002; 4 (三店 ¥4,000): neither works
/// there → credited to neither, error; 5 (李娜 ¥500).
/// Before the fix each 张伟 was credited 1,000 + 2,000 + 4,000 = ¥7,000.
#[test]
fn namesakes_are_told_apart_by_store_or_credited_to_neither() {
    let w = clinic(&[
        ("员工花名册.csv", NAMESAKE_ROSTER),
        (
            "消费流水.csv",
            "日期,手机号,实收金额,咨询师,门店\n\
             2026-10-03,13800000001,1000,张伟,一店\n\
             2026-10-04,13800000002,2000,张伟,二店\n\
             2026-10-05,13800000003,4000,张伟,三店\n\
             2026-10-06,13800000004,500,李娜,一店\n",
        ),
    ]);
    let (code, j, _) = score(&w, &[]);
    assert_eq!(code, 0);
    let zhang = people_named(&j, "张伟");
    assert_eq!(zhang.len(), 2, "{j:#}");
    let by_id = |id: &str| {
        *zhang
            .iter()
            .find(|p| p["staff_id"] == id)
            .unwrap_or_else(|| panic!("no 张伟 {id}"))
    };
    // C001: line 2 only = 1,000. C002: line 3 only = 2,000. Line 4 counts for neither.
    assert!(close(&kpi(by_id("C001"), "revenue", None)["value"], 1000.0));
    assert!(close(&kpi(by_id("C002"), "revenue", None)["value"], 2000.0));
    assert!(close(
        &kpi(person(&j, "李娜"), "revenue", None)["value"],
        500.0
    ));
    let errors = coded(&j, "error", "namesake_held", "");
    assert_eq!(errors.len(), 1, "{j:#}");
    let e = errors[0];
    assert_eq!(e["file"], "消费流水.csv");
    assert_eq!(e["row"], 4);
    assert_eq!(e["column"], "咨询师");
    // In Chinese (the default): both people, and why the row is held.
    assert_eq!(
        e["message"],
        "张伟 对应花名册中的多个人：张伟（工号 C001，一店）、张伟（工号 C002，二店）；\
         该行的门店和科室不能确定是其中哪一位，因此该行不计入任何一人：\
         请更正该行的姓名（或给每人不同的姓名）"
    );
    // --strict: that error means exit 3 and nothing written.
    let run = w.run(&[
        "score", "--data", "data", "--month", "2026-10", "--strict", "-o", "out.xlsx",
    ]);
    assert_eq!(run.code, 3, "{run}");
    assert!(!w.path().join("out.xlsx").exists());
}

/// Item 1. A row with no store or department column cannot tell the two 张伟 apart: visits
/// line 2 is credited to neither (an error) — and `explain` takes a 工号 where a name is two
/// people.
#[test]
fn namesakes_without_a_deciding_column_and_explain_by_staff_id() {
    let w = clinic(&[
        ("员工花名册.csv", NAMESAKE_ROSTER),
        (
            "消费流水.csv",
            "日期,手机号,实收金额,咨询师,门店\n\
             2026-10-04,13800000002,2000,张伟,二店\n",
        ),
        (
            "到院咨询登记.csv",
            "到院日期,手机号,咨询师,是否成交\n\
             2026-10-03,13800000001,张伟,是\n\
             2026-10-06,13800000004,李娜,是\n",
        ),
    ]);
    let (_, j, _) = score(&w, &[]);
    let errors = coded(
        &j,
        "error",
        "namesake_held",
        "该行没有门店或科室列可以区分两人",
    );
    assert_eq!(errors.len(), 1, "{j:#}");
    assert_eq!(errors[0]["file"], "到院咨询登记.csv");
    assert_eq!(errors[0]["row"], 2);
    let (_, j, _) = score(&w, &["--lang", "en"]);
    let m = coded(&j, "error", "namesake_held", "")[0]["message"]
        .as_str()
        .unwrap();
    assert!(
        m.contains("the row has no store or department column"),
        "{m}"
    );

    let run = w.run(&[
        "explain", "--data", "data", "--month", "2026-10", "--staff", "张伟",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("工号"), "{run}");
    let run = w.run(&[
        "explain", "--data", "data", "--month", "2026-10", "--staff", "C002",
    ]);
    assert_eq!(run.code, 0, "{run}");
    // C002's revenue: sales line 2 (二店) = ¥2,000.
    assert!(
        run.stdout.contains("C002") && run.stdout.contains("消费记录 1 条，业绩 ¥2,000"),
        "{run}"
    );
}

/// Item 1. One 工号 given to two different names: an error, and neither is scored.
#[test]
fn one_staff_id_two_names_is_an_error() {
    let w = clinic(&[
        (
            "员工花名册.csv",
            "姓名,工号,岗位,门店\n王芳,C009,咨询师,一店\n王方,C009,咨询师,一店\n李娜,C003,咨询师,一店\n",
        ),
        (
            "消费流水.csv",
            "日期,手机号,实收金额,咨询师,门店\n2026-10-06,13800000004,500,李娜,一店\n",
        ),
    ]);
    let (_, j, _) = score(&w, &[]);
    let errors = coded(&j, "error", "staff_id_two_names", "工号 C009");
    assert_eq!(errors.len(), 1, "{j:#}");
    assert_eq!(errors[0]["row"], 2);
    assert!(people_named(&j, "王芳").is_empty() && people_named(&j, "王方").is_empty());
    assert_eq!(j["people"].as_array().unwrap().len(), 1);
}

/// Item 2. 赵强 is a 现场咨询师 — a title no role lists — with ¥9,000 of October sales: a
/// warning naming him and the title (not an info line). 刘芳 is a nurse named in the 咨询师
/// column of line 3: a warning naming the row, and the ¥3,000 is credited to nobody.
#[test]
fn people_with_data_who_are_not_scored_and_credit_to_another_role() {
    let w = clinic(&[
        (
            "员工花名册.csv",
            "姓名,工号,岗位,门店\n李娜,C003,咨询师,一店\n赵强,C004,现场咨询师,一店\n刘芳,N001,护士,一店\n",
        ),
        (
            "消费流水.csv",
            "日期,手机号,实收金额,咨询师,护士,门店,单号\n\
             2026-10-03,13800000001,9000,赵强,刘芳,一店,A1\n\
             2026-10-04,13800000002,3000,刘芳,,一店,A2\n\
             2026-10-05,13800000003,500,李娜,刘芳,一店,A3\n",
        ),
    ]);
    let (_, j, _) = score(&w, &[]);
    let w1 = coded(&j, "warning", "unscored_role_has_data", "赵强 本期有数据");
    assert_eq!(w1.len(), 1, "{j:#}");
    let m = w1[0]["message"].as_str().unwrap();
    assert!(m.contains("现场咨询师"), "{m}");
    assert_eq!(w1[0]["file"], "员工花名册.csv");
    assert_eq!(w1[0]["row"], 3);
    let w2 = coded(
        &j,
        "warning",
        "credited_by_other_column",
        "刘芳 在花名册中是护士（nurse），按护士列计业绩，但该行把此人写在咨询师列",
    );
    assert_eq!(w2.len(), 1, "{j:#}");
    assert_eq!(w2[0]["file"], "消费流水.csv");
    assert_eq!(w2[0]["row"], 3);
    assert_eq!(w2[0]["column"], "咨询师");
    // 李娜: line 4 only = ¥500 (line 3's ¥3,000 is nobody's). 刘芳 as nurse: orders A1, A3 = 2.
    assert!(close(
        &kpi(person(&j, "李娜"), "revenue", None)["value"],
        500.0
    ));
    assert!(close(
        &kpi(person(&j, "刘芳"), "treatments", None)["value"],
        2.0
    ));
    assert!(people_named(&j, "赵强").is_empty());
}

/// Item 2 (SPEC §2.4): `label` may list every job title a role covers; 现场咨询师 then scores
/// 赵强 as a consultant (¥9,000).
#[test]
fn a_label_list_covers_several_titles() {
    let w = clinic(&[
        (
            "员工花名册.csv",
            "姓名,工号,岗位,门店\n赵强,C004,现场咨询师,一店\n",
        ),
        (
            "消费流水.csv",
            "日期,手机号,实收金额,咨询师,门店\n2026-10-03,13800000001,9000,赵强,一店\n",
        ),
    ]);
    w.write(
        "clinic-kpi.toml",
        CONFIG.replace(
            "label = \"咨询师\"",
            "label = [\"咨询师\", \"咨询顾问\", \"现场咨询师\"]",
        ),
    );
    let (_, j, _) = score(&w, &[]);
    let p = person(&j, "赵强");
    assert_eq!(p["role"], "consultant");
    assert_eq!(p["role_label"], "咨询师");
    assert!(close(&kpi(p, "revenue", None)["value"], 9000.0));
}

/// Item 3. The sales name their consultant under 销售顾问, which is no built-in name: revenue
/// would be 0 for everyone. An error names the role, the KPI, the column and what to add;
/// `check` reports the same.
#[test]
fn a_column_a_kpi_needs_that_nobody_mapped_is_an_error() {
    let w = clinic(&[
        (
            "员工花名册.csv",
            "姓名,工号,岗位,门店\n李娜,C003,咨询师,一店\n",
        ),
        (
            "消费流水.csv",
            "日期,手机号,实收金额,销售顾问,门店\n2026-10-03,13800000001,9000,李娜,一店\n",
        ),
    ]);
    let (_, j, _) = score(&w, &[]);
    let e = coded(&j, "error", "kpi_column_missing", "");
    assert_eq!(e.len(), 1, "{j:#}");
    // In Chinese (the default): the role, the KPI, the column and the line to add.
    let m = e[0]["message"].as_str().unwrap();
    assert!(
        m.contains(
            "岗位 咨询师（consultant）的 KPI 业绩（`revenue`）需要消费流水的“咨询师”列（`consultant`）"
        ),
        "{m}"
    );
    assert!(
        m.contains("`[columns.sales] consultant = [\"<表头>\"]`"),
        "{m}"
    );
    assert!(m.contains("现场咨询师"), "recognised names listed: {m}");
    let (_, j, _) = score(&w, &["--lang", "en"]);
    let m = coded(&j, "error", "kpi_column_missing", "")[0]["message"]
        .as_str()
        .unwrap();
    assert!(
        m.contains("role 咨询师 (consultant), KPI Revenue (revenue)"),
        "{m}"
    );
    assert!(m.contains("sales column consultant"), "{m}");
    assert!(m.contains("[columns.sales] consultant = "), "{m}");
    let check = w.run(&[
        "check", "--data", "data", "--month", "2026-10", "--format", "json",
    ]);
    assert_eq!(check.code, 0, "{check}");
    let cj = check.json();
    assert_eq!(coded(&cj, "error", "kpi_column_missing", "业绩").len(), 1);
    // With the alias added, the same data credits ¥9,000 and the error is gone.
    w.write(
        "clinic-kpi.toml",
        format!("{CONFIG}\n[columns.sales]\nconsultant = [\"销售顾问\"]\n"),
    );
    let (_, j, _) = score(&w, &[]);
    assert!(
        coded(&j, "error", "kpi_column_missing", "").is_empty(),
        "{j:#}"
    );
    assert!(close(
        &kpi(person(&j, "李娜"), "revenue", None)["value"],
        9000.0
    ));
}

/// Item 3. `rule = "type"` without a type column, and a store-scope KPI without a roster store.
#[test]
fn type_rule_without_type_column_and_store_scope_without_store() {
    let w = clinic(&[
        ("员工花名册.csv", "姓名,工号,岗位\n李娜,C003,咨询师\n"),
        (
            "消费流水.csv",
            "日期,手机号,实收金额,咨询师\n2026-10-03,13800000001,9000,李娜\n",
        ),
    ]);
    w.write(
        "clinic-kpi.toml",
        r#"
[secondary]
rule = "type"
[roles.consultant]
label = "咨询师"
[[roles.consultant.kpi]]
metric = "secondary_rate"
weight = 50
target = 0.3
[[roles.consultant.kpi]]
metric = "revenue"
scope = "store"
weight = 50
target = 10000
"#,
    );
    let (_, j, _) = score(&w, &[]);
    let t = coded(
        &j,
        "error",
        "kpi_column_missing",
        "二开率（`secondary_rate`）",
    );
    assert_eq!(t.len(), 1, "{j:#}");
    assert!(t[0]["message"]
        .as_str()
        .unwrap()
        .contains("需要消费流水的“消费类型”列（`type`）"));
    let s = coded(
        &j,
        "error",
        "kpi_column_missing",
        "需要员工花名册的“门店”列（`store`）",
    );
    assert_eq!(s.len(), 1, "{j:#}");
}

/// Item 4. The exports hold September and October; `--month 2026-11` (a cron job on
/// 2026-12-01 before the November exports arrive) has no sales and no visits: an error, shown
/// above the table; --strict exits 3 and writes nothing. Before the fix: a full payroll of D
/// grades with exit 0.
#[test]
fn an_empty_period_is_an_error_above_the_numbers() {
    let w = Workdir::new();
    let data = crate::workdir::fixtures().join("clinic");
    let data = data.to_str().unwrap();
    let run = w.run(&[
        "score", "--data", data, "--month", "2026-11", "--format", "json", "--lang", "en",
    ]);
    let j = run.json();
    let e = issues_with(&j, "error", "2026-11 has no sales or visits rows");
    assert_eq!(e.len(), 1, "{run}");
    let run = w.run(&["score", "--data", data, "--month", "2026-11"]);
    let first_lines: Vec<&str> = run.stdout.lines().take(3).collect();
    assert!(
        first_lines
            .iter()
            .any(|l| l.contains("2026-11（2026-11-01 ~ 2026-11-30）没有任何消费或到院记录")),
        "{run}"
    );
    let run = w.run(&[
        "score", "--data", data, "--month", "2026-11", "--strict", "-o", "s.xlsx",
    ]);
    assert_eq!(run.code, 3, "{run}");
    assert!(!w.path().join("s.xlsx").exists());
    let run = w.run(&["check", "--data", data, "--month", "2026-11", "--strict"]);
    assert_eq!(run.code, 3, "{run}");
}

/// `check` and `score` report the same issues (issue 12 "Done when"), the scoring's own
/// findings included: the example clinic plus an adjustments log whose one row names 孙俪, who
/// is nobody in the roster (an error only scoring finds, SPEC §5.4).
#[test]
fn check_and_score_agree_on_every_issue() {
    let w = Workdir::new();
    std::fs::create_dir(w.path().join("data")).unwrap();
    for e in std::fs::read_dir(crate::workdir::fixtures().join("clinic")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), w.path().join("data").join(e.file_name())).unwrap();
    }
    w.write(
        "data/申诉调整.csv",
        "员工,月份,指标,调整值,原因,审批人\n孙俪,2026-10,成交率,0.6,系统漏记,院长\n",
    );
    let args = |cmd: &'static str| {
        vec![
            cmd, "--data", "data", "--month", "2026-10", "--format", "json",
        ]
    };
    let check = w.run(&args("check"));
    let mut s = args("score");
    s.push("--no-scorecard");
    let score = w.run(&s);
    let (c, s) = (check.json(), score.json());
    assert_eq!(c["issues"], s["issues"], "{check}\n{score}");
    let unused: Vec<&Value> = issues_with(&c, "error", "孙俪")
        .into_iter()
        .filter(|i| i["code"] == "adjustment_unused")
        .collect();
    assert_eq!(unused.len(), 1, "{check}");
}

/// `explain` in Chinese (the default) speaks Chinese in its detail lines and statuses
/// (issue 14): 林晓雯's 成交率 is 7 deals of 9 consultations (LEDGER.md), status 正常.
#[test]
fn explain_detail_lines_are_chinese_by_default() {
    let w = Workdir::new();
    let data = crate::workdir::fixtures().join("clinic");
    let run = w.run(&[
        "explain",
        "--data",
        data.to_str().unwrap(),
        "--month",
        "2026-10",
        "--staff",
        "林晓雯",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("   咨询 9 次，成交 7 次\n"), "{run}");
    assert!(
        run.stdout.contains("   数值 7 / 9 = 77.8%（正常）\n"),
        "{run}"
    );
    assert!(
        run.stdout.contains("   业绩 ¥38,540，业绩目标 ¥65,000\n"),
        "{run}"
    );
    assert!(!run.stdout.contains("consultations"), "{run}");
}
