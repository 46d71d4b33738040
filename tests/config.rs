//! The config file as a clinic writes it (SPEC §2.4, §5.1): a role's `label` as a list of the
//! job titles it covers, and the sanity checks that keep a config from scoring nobody, scoring a
//! person in a role they do not hold, or putting a number no sheet can hold into the scorecard.

use crate::workdir::{close, kpi, person, Workdir};
use calamine::{open_workbook_auto, Reader};
use std::io::Read;

/// A consultant role scored on revenue alone: linear 0 → 0, 10,000 → 100 (capped at 100).
fn revenue_role(key: &str, label: &str) -> String {
    format!(
        "[roles.{key}]\nlabel = {label}\n\n\
         [[roles.{key}.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 10000\n"
    )
}

/// Every `<v>` of every worksheet of an xlsx, as text.
fn cached_values(path: &std::path::Path) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if !f.name().unwrap().starts_with("xl/worksheets/") {
            continue;
        }
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        for v in xml.split("<v>").skip(1) {
            out.push(v.split("</v>").next().unwrap().to_string());
        }
    }
    out
}

#[test]
fn a_label_list_maps_every_title_to_its_role_and_shows_the_first() {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        revenue_role("consultant", "[\"咨询师\", \"咨询顾问\", \"现场咨询师\"]"),
    );
    // 丙's 岗位 is written with spaces and full-width letters around it: folded as before.
    w.write(
        "员工.csv",
        "姓名,工号,岗位,门店\n甲,C1,咨询师,一店\n乙,C2,咨询顾问,一店\n丙,C3, 现场咨询师 ,一店\n丁,N1,护士,一店\n",
    );
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-05,客1,5000,甲\n2026-10-06,客2,8000,乙\n2026-10-07,客3,12000,丙\n",
    );
    let run = w.run(&[
        "score", "--month", "2026-10", "--format", "json", "-q", "-o", "out.xlsx",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    // 甲 5,000 / 10,000 → 50; 乙 8,000 → 80; 丙 12,000 → 120, capped at 100 (no stretch).
    for (name, score) in [("甲", 50.0), ("乙", 80.0), ("丙", 100.0)] {
        let p = person(&j, name);
        assert_eq!(p["role"], "consultant", "{name}");
        assert_eq!(
            p["role_label"], "咨询师",
            "{name}: the first title is shown"
        );
        assert!(
            close(&kpi(p, "revenue", None)["score"], score),
            "{name}: {p}"
        );
    }
    // 丁 the nurse matches no role; nobody else is scored.
    assert_eq!(j["people"].as_array().unwrap().len(), 3, "{j}");
    // The role sheet is named by the first title.
    let sheets = open_workbook_auto(w.path().join("out.xlsx"))
        .unwrap()
        .sheet_names();
    assert!(sheets.iter().any(|s| s == "咨询师"), "{sheets:?}");
    assert!(!sheets.iter().any(|s| s.contains("咨询顾问")), "{sheets:?}");
    // The table heads the role with its first title (and in English its key).
    let run = w.run(&["score", "--month", "2026-10", "--no-scorecard"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("\n咨询师\n┌"), "{run}");
    let run = w.run(&[
        "score",
        "--month",
        "2026-10",
        "--no-scorecard",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("\n咨询师 (consultant)\n"), "{run}");
    // A label that is neither a title nor a list is an error naming key and line.
    w.write("bad.toml", revenue_role("consultant", "3"));
    let run = w.run(&[
        "check", "--config", "bad.toml", "--month", "2026-10", "--lang", "en",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.starts_with(
            "clinic-kpi: config bad.toml, line 2: invalid type: integer `3`, expected a job title"
        ),
        "{run}"
    );
}

#[test]
fn a_job_title_naming_two_roles_is_a_config_error() {
    let w = Workdir::new();
    // Line 1 [roles.consultant], line 2 its label; line 9 [roles.senior], line 10 its label.
    let config = format!(
        "{}\n{}",
        revenue_role("consultant", "[\"咨询师\", \"咨询顾问\"]"),
        revenue_role("senior", "[\"高级咨询师\", \"咨询顾问\"]")
    );
    w.write("clinic-kpi.toml", &config);
    w.write("员工.csv", "姓名,工号,岗位\n甲,C1,咨询顾问\n");
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-05,客1,5000,甲\n",
    );
    let run = w.run(&[
        "score",
        "--month",
        "2026-10",
        "--no-scorecard",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: config clinic-kpi.toml, line 10: role `senior`: its `label` `咨询顾问` is also \
         a `label` of role `consultant` (line 2); a job title on the roster must name exactly one \
         role, so give each job title to one role only\n",
        "{run}"
    );
    let run = w.run(&["score", "--month", "2026-10", "--no-scorecard"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: 配置 clinic-kpi.toml 第 10 行：岗位 `senior`：`label` 中的 `咨询顾问` 也是岗位 \
         `consultant` 的 `label`（第 2 行）；花名册中的一个岗位名称只能对应一个考核岗位，请把每个岗位\
         名称只写在一个岗位下\n",
        "{run}"
    );
    // A label equal to another role's key, compared folded (case, full-width).
    w.write(
        "clinic-kpi.toml",
        format!(
            "{}\n{}",
            revenue_role("consultant", "\"咨询师\""),
            revenue_role("senior", "[\"高级咨询师\", \"ＣＯＮＳＵＬＴＡＮＴ\"]")
        ),
    );
    let run = w.run(&["check", "--month", "2026-10", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.contains(
            "line 10: role `senior`: its `label` `ＣＯＮＳＵＬＴＡＮＴ` is also the key of role `consultant` (line 1)"
        ),
        "{run}"
    );
}

#[test]
fn a_config_without_roles_is_an_error_naming_the_file() {
    let w = Workdir::new();
    w.write(
        "only-grades.toml",
        "[grades]\nS = 110\nA = 95\nB = 80\nC = 60\n",
    );
    w.write("员工.csv", "姓名,工号,岗位\n甲,C1,咨询师\n");
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-05,客1,5000,甲\n",
    );
    // Today: an empty payroll with exit 0. Now: exit 1 and nothing written.
    let run = w.run(&[
        "score",
        "--config",
        "only-grades.toml",
        "--month",
        "2026-10",
        "-o",
        "out.xlsx",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.starts_with(
            "clinic-kpi: config only-grades.toml: [roles]: the config defines no roles"
        ),
        "{run}"
    );
    assert!(!w.path().join("out.xlsx").exists());
}

#[test]
fn numbers_beyond_1e12_are_refused_with_key_and_line() {
    let w = Workdir::new();
    w.write("员工.csv", "姓名,工号,岗位\n甲,C1,咨询师\n");
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-05,客1,12000,甲\n",
    );
    // 12,000 is 20% of the way from target 10,000 to stretch 20,000: 100 + 0.2 × (1e308 − 100)
    // = 2e307, and the total 2e307 × 100 ÷ 100 overflows to inf on the way: before this
    // check the xlsx held <v>inf</v>, which Excel reports as a corrupt file.
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\n\
         weight = 100\ntarget = 10000\nstretch = 20000\nstretch_score = 1e308\n",
    );
    let run = w.run(&[
        "score", "--month", "2026-10", "-o", "out.xlsx", "-q", "--lang", "en",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: config clinic-kpi.toml, line 9: role `consultant`, kpi 1 (`revenue`): \
         `stretch_score` must be a finite number within ±1e12, got 1e308\n",
        "{run}"
    );
    assert!(!w.path().join("out.xlsx").exists());
    // A bonus amount, a grade and the 二开 look-back likewise (window_days = 4e9 panicked).
    for (extra, line, says) in [
        (
            "\n[roles.consultant.bonus]\nbasis = \"total\"\ntiers = [[80, 2e12]]\n",
            11,
            "role `consultant`, bonus: `tiers` must hold finite numbers within ±1e12 only, got 2000000000000",
        ),
        (
            "\n[grades]\nS = 1e13\nA = 95\nB = 80\nC = 60\n",
            10,
            "[grades]: `S` must be a finite number within ±1e12, got 10000000000000",
        ),
        (
            "\n[secondary]\nrule = \"derive\"\nwindow_days = 4000000000\n",
            11,
            "[secondary]: `window_days` must be from 1 to 36500 (100 years), got 4000000000",
        ),
    ] {
        w.write(
            "clinic-kpi.toml",
            format!(
                "[roles.consultant]\nlabel = \"咨询师\"\n\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\n\
                 weight = 100\ntarget = 10000\n{extra}"
            ),
        );
        let run = w.run(&[
            "score",
            "--month",
            "2026-10",
            "--no-scorecard",
            "-q",
            "--lang",
            "en",
        ]);
        assert_eq!(run.code, 1, "{run}");
        assert_eq!(
            run.stderr,
            format!("clinic-kpi: config clinic-kpi.toml, line {line}: {says}\n"),
            "{run}"
        );
    }
}

/// An adjustment (申诉) whose value is absurd can still push a steps score past what a number
/// holds: the guard where scores, totals and bonuses are made keeps it out of every output.
#[test]
fn a_score_no_sheet_can_hold_is_an_error_never_inf() {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\n\
         weight = 60\nmethod = \"steps\"\ntarget = 10000\nper = 0.01\npoints = 10\n\n\
         [[roles.consultant.kpi]]\nmetric = \"treatments\"\nweight = 40\ntarget = 1\n\n\
         [roles.consultant.bonus]\nbasis = \"total\"\ntiers = [[60, 3000]]\n",
    );
    w.write("员工.csv", "姓名,工号,岗位\n甲,C1,咨询师\n乙,C2,咨询师\n");
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师,单号\n2026-10-05,客1,12000,甲,A1\n2026-10-05,客2,10000,乙,A2\n",
    );
    w.write(
        "申诉调整.csv",
        "姓名,考核月份,指标,考核项,调整值,加减分,原因,审批人\n甲,2026-10,业绩,,1e306,,复核,王院长\n",
    );
    let run = w.run(&[
        "score", "--month", "2026-10", "--format", "json", "-q", "-o", "out.xlsx",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let p = person(&j, "甲");
    // (1e306 − 10,000) ÷ 0.01 steps × 10 points saturates at f64::MAX; × weight 60 it was inf
    // (JSON null, xlsx <v>inf</v>). Now the score is left out with an error issue, and the
    // total is the treatments KPI alone: 1 order ÷ target 1 → 100, reweighted to 100%.
    assert!(kpi(p, "revenue", None)["score"].is_null(), "{p}");
    assert!(close(&p["total"], 100.0), "{p}");
    // Bonus: total 100 ≥ 60 → 3,000.
    assert!(close(&p["bonus"], 3000.0), "{p}");
    let issue = j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["severity"] == "error" && i["value"] == "甲")
        .unwrap_or_else(|| panic!("no error for 甲: {j}"));
    assert_eq!(issue["code"], "score_out_of_range", "{issue}");
    assert!(
        issue["message"]
            .as_str()
            .unwrap()
            .starts_with("甲：得分（业绩）算得 1.7976931348623157e308，超出计分表能容纳的范围"),
        "{issue}"
    );
    // 乙 untouched: 10,000 is the target → 100; 1 order → 100; total 100.
    assert!(close(&person(&j, "乙")["total"], 100.0), "{j}");
    let values = cached_values(&w.path().join("out.xlsx"));
    assert!(
        values
            .iter()
            .all(|v| !v.to_ascii_lowercase().contains("inf") && !v.contains("NaN")),
        "{values:?}"
    );
    // --strict: the error stops the run, nothing written.
    std::fs::remove_file(w.path().join("out.xlsx")).unwrap();
    let run = w.run(&[
        "score", "--month", "2026-10", "--strict", "-q", "-o", "out.xlsx",
    ]);
    assert_eq!(run.code, 3, "{run}");
    assert!(!w.path().join("out.xlsx").exists());
}

/// Config errors speak Chinese by default (issue 14): the frame (file, line, table) in Chinese,
/// the keys and values as written in the file, TOML's own words for a syntax error quoted as
/// they come; `--lang en` gives the English twin.
#[test]
fn config_errors_are_chinese_by_default() {
    let w = Workdir::new();
    w.write("员工.csv", "姓名,工号,岗位\n甲,C1,咨询师\n");
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-05,客1,5000,甲\n",
    );
    let refused = |config: &str, args: &[&str], says: &str| {
        w.write("clinic-kpi.toml", config);
        let run = w.run(args);
        assert_eq!(run.code, 1, "{run}");
        assert_eq!(run.stderr, format!("clinic-kpi: {says}\n"), "{run}");
    };
    // Higher is better, yet `floor` 0.6 (line 7) is above `target` 0.5.
    let floor_above = "[roles.consultant]\nlabel = \"咨询师\"\n\n[[roles.consultant.kpi]]\n\
         metric = \"conversion_rate\"\nweight = 100\nfloor = 0.6\ntarget = 0.5\n";
    refused(
        floor_above,
        &["check", "--month", "2026-10"],
        "配置 clinic-kpi.toml 第 7 行：岗位 `consultant` 第 1 项 KPI（`conversion_rate`）：\
         `floor`（0.6）必须低于 `target`（0.5）：这是越高越好的指标",
    );
    refused(
        floor_above,
        &["check", "--month", "2026-10", "--lang", "en"],
        "config clinic-kpi.toml, line 7: role `consultant`, kpi 1 (`conversion_rate`): \
         `floor` (0.6) must be below `target` (0.5) for a higher-is-better metric",
    );
    // [clinic]: a sprint level (100) below the base (200), on line 10 (`revenue = …`).
    let sprint_below = format!(
        "{}\n[clinic]\nrevenue = {{ base = 200, sprint = 100 }}\n",
        revenue_role("consultant", "\"咨询师\"")
    );
    refused(
        &sprint_below,
        &["overview", "--month", "2026-10"],
        "配置 clinic-kpi.toml 第 10 行：[clinic] `revenue`：`sprint`（100）不能低于 `base`（200）：\
         冲刺目标是较高的那一档",
    );
    refused(
        &sprint_below,
        &[
            "score",
            "--month",
            "2026-10",
            "--no-scorecard",
            "--lang",
            "en",
        ],
        "config clinic-kpi.toml, line 10: [clinic] revenue: `sprint` (100) must not be below \
         `base` (200): the sprint target is the higher level",
    );
    // A TOML syntax error: `10,000` as a clerk writes money, on line 7.
    let comma = revenue_role("consultant", "\"咨询师\"").replace("10000", "10,000");
    refused(
        &comma,
        &["score", "--month", "2026-10"],
        "配置 clinic-kpi.toml 第 7 行：unexpected key or value, expected newline, `#`",
    );
    refused(
        &comma,
        &["score", "--month", "2026-10", "--lang", "en"],
        "config clinic-kpi.toml, line 7: unexpected key or value, expected newline, `#`",
    );
    // A 科室 written without quotes (line 10): the line as it should be written.
    let unquoted = format!(
        "{}\n[clinic.departments]\n整形外科 = {{ share = 0.4 }}\n",
        revenue_role("consultant", "\"咨询师\"")
    );
    refused(
        &unquoted,
        &["check"],
        "配置 clinic-kpi.toml 第 10 行：invalid unquoted key, expected letters, numbers, `-`, `_`；\
         不是纯字母和数字的键（科室、渠道或门店名称）要加英文引号：\"整形外科\" = { share = 0.4 }",
    );
}

/// A config error names the line of the value however the TOML spells it (issue 14): KPIs as an
/// inline array of tables, a dotted key, a key in quotes — lines the old line-by-line scanner
/// could not find (it named the `[roles.consultant]` or `[clinic]` header, line 1).
#[test]
fn config_errors_name_the_line_of_inline_dotted_and_quoted_keys() {
    let w = Workdir::new();
    w.write("员工.csv", "姓名,工号,岗位\n甲,C1,咨询师\n");
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-05,客1,5000,甲\n",
    );
    let refused = |config: &str, says: &str| {
        w.write("clinic-kpi.toml", config);
        let run = w.run(&["check", "--month", "2026-10", "--lang", "en"]);
        assert_eq!(run.code, 1, "{run}");
        assert_eq!(run.stderr, format!("clinic-kpi: {says}\n"), "{run}");
    };
    // Line 1 [roles.consultant], 2 label, 3 `kpi = [`, 4 the first KPI, 5 the second KPI's
    // `{`, 6 its floor 0.6 (above its target 0.5, higher is better).
    refused(
        "[roles.consultant]\n'label' = \"咨询师\"\nkpi = [\n\
         \x20 { metric = \"revenue\", weight = 50, target = 10000 },\n\
         \x20 { metric = \"conversion_rate\", weight = 50,\n\
         \x20   floor = 0.6, target = 0.5 },\n]\n",
        "config clinic-kpi.toml, line 6: role `consultant`, kpi 2 (`conversion_rate`): \
         `floor` (0.6) must be below `target` (0.5) for a higher-is-better metric",
    );
    // A label with no title, its key in single quotes, on line 2.
    refused(
        &revenue_role("consultant", "[]").replace("label =", "'label' ="),
        "config clinic-kpi.toml, line 2: role `consultant`: `label` must name at least one job title",
    );
    // [clinic] with dotted keys: the sprint level (100) below the base (200) on line 11.
    refused(
        &format!(
            "{}\n[clinic]\nrevenue.base = 200\nrevenue.sprint = 100\n",
            revenue_role("consultant", "\"咨询师\"")
        ),
        "config clinic-kpi.toml, line 11: [clinic] revenue: `sprint` (100) must not be below \
         `base` (200): the sprint target is the higher level",
    );
}

/// The commands' own mistakes and refusals speak the reader's language too: a bad --month
/// (exit 2), an output folder that does not exist (exit 2), an output that is the config.
#[test]
fn usage_and_output_errors_are_chinese_by_default() {
    let w = Workdir::new();
    w.write("clinic-kpi.toml", revenue_role("consultant", "\"咨询师\""));
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-05,客1,5000,甲\n",
    );
    let run = w.run(&["score", "--month", "2026-13"]);
    assert_eq!(run.code, 2, "{run}");
    assert_eq!(
        run.stderr, "clinic-kpi: --month “2026-13” 不是月份：请写成 2026-10\n",
        "{run}"
    );
    let run = w.run(&["check", "--from", "2026-10-09", "--to", "2026-10-01"]);
    assert_eq!(run.code, 2, "{run}");
    assert_eq!(
        run.stderr, "clinic-kpi: --to 2026-10-01 早于 --from 2026-10-09\n",
        "{run}"
    );
    let run = w.run(&["score", "--month", "2026-10", "-o", "missing/out.xlsx"]);
    assert_eq!(run.code, 2, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: 无法写入 missing/out.xlsx：文件夹 missing 不存在；请先创建它，或用 -o 另选位置\n",
        "{run}"
    );
    let run = w.run(&["score", "--month", "2026-10", "-o", "clinic-kpi.toml"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: -o clinic-kpi.toml 就是（或包含）配置文件 clinic-kpi.toml；请另选输出位置\n",
        "{run}"
    );
}

/// A value with a fixed set of meanings is refused as the config is read, naming its line and
/// every value it may take (issue 14: `attribute` and a bonus's `basis` are enums at the serde
/// boundary, like `method`, `scope` and the 二开 `rule`). Before, `attribute = "docter"` passed
/// the parser and was caught (or not) by hand-written checks.
#[test]
fn a_value_with_fixed_meanings_names_its_line_and_the_allowed_values() {
    let w = Workdir::new();
    w.write("员工.csv", "姓名,工号,岗位\n甲,C1,咨询师\n");
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n2026-10-05,客1,3000,甲\n",
    );
    // Line 1 [roles.consultant], 2 label, 3 the value under test.
    for (extra, typo, allowed) in [
        (
            "attribute = \"docter\"",
            "`docter`",
            "`consultant`, `doctor`, `nurse`",
        ),
        (
            "scope = \"shop\"",
            "`shop`",
            "`self`, `department`, `store`, `all`",
        ),
        (
            "method = \"linaer\"",
            "`linaer`",
            "`linear`, `bands`, `steps`",
        ),
    ] {
        let (head, kpi_line) = if extra.starts_with("attribute") {
            (format!("{extra}\n"), String::new())
        } else {
            (format!("# {extra}\n"), format!("{extra}\n"))
        };
        w.write(
            "clinic-kpi.toml",
            format!(
                "[roles.consultant]\nlabel = \"咨询师\"\n{head}\n[[roles.consultant.kpi]]\n\
                 metric = \"revenue\"\nweight = 100\ntarget = 10000\n{kpi_line}"
            ),
        );
        let run = w.run(&["score", "--month", "2026-10", "--no-scorecard", "-q"]);
        assert_eq!(run.code, 1, "{run}");
        // The KPI's value sits on line 9, the role's `attribute` on line 3.
        let line = if kpi_line.is_empty() { 3 } else { 9 };
        assert!(
            run.stderr.contains(&format!("line {line}:"))
                || run.stderr.contains(&format!("第 {line} 行")),
            "{run}"
        );
        assert!(run.stderr.contains(typo), "{run}");
        assert!(run.stderr.contains(allowed), "{run}");
    }
    // A bonus `basis` is `total` or a metric key: line 10 of this config.
    w.write(
        "clinic-kpi.toml",
        format!(
            "{}\n[roles.consultant.bonus]\nbasis = \"totals\"\ntiers = [[80, 1000]]\n",
            revenue_role("consultant", "\"咨询师\"")
        ),
    );
    let run = w.run(&["score", "--month", "2026-10", "--no-scorecard", "-q"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.contains("line 10:") || run.stderr.contains("第 10 行"),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("`totals`, expected one of `total`, `revenue`, `revenue_attainment`"),
        "{run}"
    );
}
