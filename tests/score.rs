//! `clinic-kpi score` and `explain` on the fixture clinic. The figures (numerators and
//! denominators) are worked out row by row in src/metrics/compute.rs's tests from
//! fixtures/clinic/LEDGER.md; here the scores, totals, grades, ranks and bonuses built on them
//! are worked out by hand from the built-in defaults (src/default_config.toml).

use crate::workdir::{close, fixtures, kpi, person, Workdir};
use serde_json::Value;

fn score_json(extra: &[&str]) -> Value {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let mut args = vec![
        "score",
        "--data",
        data.to_str().unwrap(),
        "--month",
        "2026-10",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let run = w.run(&args);
    assert_eq!(run.code, 0, "{run}");
    run.json()
}

#[test]
fn consultant_lin_xiaowen_total_grade_rank_bonus() {
    let j = score_json(&[]);
    assert_eq!(j["period"]["label"], "2026-10");
    assert_eq!(j["secondary_rule"], "type");
    let p = person(&j, "林晓雯");
    assert_eq!(p["role"], "consultant");
    assert_eq!(p["role_label"], "咨询师");
    assert_eq!(p["store"], "一店");
    // revenue_attainment 38,540 / 65,000 = 0.5929…; linear 0 → 0, 1.0 → 100: 59.2923…
    let a = kpi(p, "revenue_attainment", None);
    assert!(close(&a["value"], 38540.0 / 65000.0), "{a}");
    assert!(close(&a["score"], 38540.0 / 65000.0 * 100.0), "{a}");
    // conversion 7/9 = 0.778 ≥ stretch 0.60 → 120; ticket price 38,540 / 5 = 7,708 ≥ 5,000
    // → 120; 二开 2/5 = 0.40 ≥ stretch 0.40 → 120.
    assert!(close(&kpi(p, "conversion_rate", None)["score"], 120.0));
    // 环比: September visits lines 3, 4, 13 are her consultations, all deals: 3/3 = 1.0.
    // 周婷's September lines 5 (成交), 9 (是), 11 (否), 12 (是): 3/4 = 0.75.
    assert!(close(&kpi(p, "conversion_rate", None)["previous"], 1.0));
    assert!(close(
        &kpi(person(&j, "周婷"), "conversion_rate", None)["previous"],
        0.75
    ));
    assert!(close(&kpi(p, "ticket_price", None)["value"], 7708.0));
    assert!(close(&kpi(p, "ticket_price", None)["score"], 120.0));
    assert!(close(&kpi(p, "secondary_rate", None)["score"], 120.0));
    // complaint_rate 0/8 customers served < min_sample 10: insufficient, score null, weight 0.
    let c = kpi(p, "complaint_rate", None);
    assert_eq!(c["status"], "insufficient");
    assert!(c["score"].is_null());
    assert!(close(&c["effective_weight"], 0.0));
    // satisfaction 220/3 = 73.33; linear 60 → 0, 90 → 100: (73.33 − 60) / 30 × 100 = 44.44.
    assert!(close(
        &kpi(p, "satisfaction", None)["score"],
        (220.0 / 3.0 - 60.0) / 30.0 * 100.0
    ));
    // ratings: 专业知识 88 ≥ 75 → 80; 合规执业 95 ≥ 90 → 100.
    assert!(close(&kpi(p, "rating", Some("专业知识"))["score"], 80.0));
    assert!(close(&kpi(p, "rating", Some("合规执业"))["score"], 100.0));
    // Reweight: the scored weights sum to 90, each × 100/90; e.g. 20 → 22.22.
    assert!(close(&a["effective_weight"], 20.0 * 100.0 / 90.0));
    // total = (59.2923×20 + 120×10 + 120×10 + 120×10 + 44.444×15 + 80×15 + 100×10) / 90
    //       = 85.0279 → grade B (80 ≤ t < 95).
    let expected = (38540.0 / 65000.0 * 100.0 * 20.0
        + 3600.0
        + (220.0 / 3.0 - 60.0) / 30.0 * 100.0 * 15.0
        + 1200.0
        + 1000.0)
        / 90.0;
    assert!(close(&p["total"], expected), "{}", p["total"]);
    assert_eq!(p["grade"], "B");
    // Consultant totals: 周婷 100.6, 林晓雯 85.0, 吴雨桐 48.2, 王思琪 38.4, 郭佳 33.8 → rank 2
    // of 5.
    assert_eq!(p["rank"], 2);
    assert_eq!(p["rank_of"], 5);
    // Attainment 0.59 reaches no tier → below −1,500 (the store gate only zeroes a positive bonus).
    assert!(close(&p["bonus"], -1500.0));
    assert_eq!(p["flags"], serde_json::json!(["incomplete"]));
    assert_eq!(p["vetoed"], false);
}

#[test]
fn third_store_consultant_ranks_last_so_no_other_rank_moves() {
    let j = score_json(&[]);
    let p = person(&j, "郭佳");
    // 三店's exports (LEDGER files 7 and 8): 13 sales credited to 郭佳, 17,960; roster target
    // 40,000 → attainment 0.449 → 44.9 points.
    assert!(close(
        &kpi(p, "revenue_attainment", None)["value"],
        17960.0 / 40000.0
    ));
    // 23 consultations (lines 2–24, each a distinct customer and day), 13 deals (lines 2, 3,
    // 5, 6, 7, 9, 10, 11, 13, 17, 20, 22, 24): 0.5652 → 100 + 0.652 × 20 = 113.04.
    let c = kpi(p, "conversion_rate", None);
    assert_eq!(
        (c["numerator"].as_f64(), c["denominator"].as_f64()),
        (Some(13.0), Some(23.0))
    );
    // 12 paying customers (17355550001 twice): 17,960 / 12 = 1,496.67 < floor 2,000 → 0.
    assert!(close(&kpi(p, "ticket_price", None)["score"], 0.0));
    // No sale of type 二开 → 0 / 12 → 0; complaint row 9: 1 valid / 22 customers served
    // (17355550001..22) = 4.5% > 2% → 0. Satisfaction and ratings: no rows, not scored.
    assert!(close(&kpi(p, "secondary_rate", None)["score"], 0.0));
    let cr = kpi(p, "complaint_rate", None);
    assert_eq!(
        (cr["numerator"].as_f64(), cr["denominator"].as_f64()),
        (Some(1.0), Some(22.0))
    );
    // Scored weights 20 + 10 + 10 + 10 + 10 = 60:
    // total = (44.9 × 20 + 113.04 × 10) / 60 = 33.81 → D, below 王思琪's 38.4: rank 5 of 5.
    let expected = (17960.0 / 40000.0 * 100.0 * 20.0
        + (100.0 + (13.0 / 23.0 - 0.5) / 0.1 * 20.0) * 10.0)
        / 60.0;
    assert!(close(&p["total"], expected), "{}", p["total"]);
    assert_eq!(p["grade"], "D");
    assert_eq!(
        (p["rank"].as_u64(), p["rank_of"].as_u64()),
        (Some(5), Some(5))
    );
    // No tier reached → −1,500 (三店's complaint rate 1/22 > 2% only zeroes a positive bonus).
    assert!(close(&p["bonus"], -1500.0));
}

#[test]
fn doctor_veto_and_partial_month_bonus() {
    let j = score_json(&[]);
    let d = person(&j, "陈建国");
    // revenue 43,840 against 150,000: 29.2267; treatments 9/60 × 100 = 15; complication 1/9
    // treatments < min_sample 10: not scored; satisfaction 260/3 = 86.67 → 88.89.
    // Scored weights 30 + 25 + 20 = 75: total = (29.2267×30 + 15×25 + 88.889×20) / 75 = 40.39.
    let expected = (43840.0 / 150000.0 * 100.0 * 30.0
        + 15.0 * 25.0
        + (260.0 / 3.0 - 60.0) / 30.0 * 100.0 * 20.0)
        / 75.0;
    assert!(close(&d["total"], expected), "{}", d["total"]);
    // Veto: his own complication rate 1/9 = 0.111 > 0.003 (whatever its status): capped at 59
    // (no change, 40.39 < 59), flagged.
    assert_eq!(d["vetoed"], true);
    assert_eq!(d["flags"], serde_json::json!(["veto", "incomplete"]));
    assert_eq!(d["grade"], "D");
    assert!(
        d["bonus"].is_null(),
        "doctors have no bonus in the defaults"
    );
    // 吴雨桐 was hired 2026-10-10: employed 22 of 31 days. Her attainment reaches no tier, so
    // below −1,500 × 22/31 = −1,064.52 → whole yuan half up: −1,065. Flagged partial.
    let w = person(&j, "吴雨桐");
    assert!(close(&w["bonus"], -1065.0), "{}", w["bonus"]);
    assert!(w["flags"]
        .as_array()
        .unwrap()
        .contains(&Value::from("partial")));
    // 何静 left 2026-10-15: partial and left.
    let h = person(&j, "何静");
    let flags = h["flags"].as_array().unwrap();
    assert!(flags.contains(&Value::from("partial")) && flags.contains(&Value::from("left")));
}

#[test]
fn json_keys_are_the_contract() {
    let j = score_json(&[]);
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&j),
        [
            "inputs",
            "issues",
            "people",
            "period",
            "secondary_rule",
            "tool",
            "version"
        ]
    );
    let p = person(&j, "林晓雯");
    assert_eq!(
        keys(p),
        [
            "bonus",
            "department",
            "flags",
            "grade",
            "kpis",
            "rank",
            "rank_of",
            "role",
            "role_label",
            "staff",
            "staff_id",
            "store",
            "total",
            "vetoed"
        ]
    );
    assert_eq!(
        keys(&p["kpis"][0]),
        [
            "denominator",
            "effective_weight",
            "item",
            "label",
            "metric",
            "numerator",
            "previous",
            "score",
            "status",
            "value",
            "weight"
        ]
    );
    // 12 scored people: 5 consultants, 2 doctors, 3 nurses, 2 supervisors.
    assert_eq!(j["people"].as_array().unwrap().len(), 12);
    // For every person: total = Σ score × effective weight ÷ 100, unless vetoed (capped).
    for p in j["people"].as_array().unwrap() {
        let sum: f64 = p["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                k["score"].as_f64().unwrap_or(0.0) * k["effective_weight"].as_f64().unwrap() / 100.0
            })
            .sum();
        if p["vetoed"] == false {
            assert!(close(&p["total"], sum), "{}", p["staff"]);
        } else {
            assert!(p["total"].as_f64().unwrap() <= sum + 1e-9);
        }
    }
}

#[test]
fn csv_and_output_refusal_and_explain() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let d = data.to_str().unwrap();
    let run = w.run(&[
        "score", "--data", d, "--month", "2026-10", "--format", "csv", "-q",
    ]);
    assert_eq!(run.code, 0, "{run}");
    // One header line + one line per person × KPI: 5×8 + 2×4 + 3×4 + 2×5 = 70.
    assert_eq!(run.stdout.lines().count(), 71, "{run}");
    assert!(run
        .stdout
        .starts_with("staff,staff_id,role,role_label,store,department,metric"));

    let run = w.run(&["score", "--data", d, "--month", "2026-10", "-o", "x.xlsx"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(w.path().join("x.xlsx").exists());

    let run = w.run(&[
        "score", "--data", d, "--month", "2026-10", "--strict", "--format", "none",
    ]);
    assert_eq!(run.code, 3, "{run}");

    let run = w.run(&[
        "explain",
        "--data",
        d,
        "--month",
        "2026-10",
        "--staff",
        "林晓雯",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("value 7 / 9 = 77.8% (ok)"), "{run}");
    assert!(run.stdout.contains("consultations 9, deals 7"), "{run}");
    assert!(
        run.stdout
            .contains("linear (higher is better): 30% → 0, 50% → 100, 60% → 120"),
        "{run}"
    );
    assert!(
        run.stdout.contains("total 85.0 → grade B · rank 2/5"),
        "{run}"
    );
    assert!(run.stdout.contains("bonus: -¥1,500"), "{run}");

    let run = w.run(&[
        "explain",
        "--data",
        d,
        "--month",
        "2026-10",
        "--staff",
        "无名氏",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.contains(
            "无名氏 不在 2026-10 参与考核的人员中（`clinic-kpi check --month 2026-10` 可列出参与考核的人员）"
        ),
        "{run}"
    );
    let run = w.run(&[
        "explain",
        "--data",
        d,
        "--month",
        "2026-10",
        "--staff",
        "无名氏",
        "--lang",
        "en",
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .contains("无名氏 is not among the people scored for 2026-10"),
        "{run}"
    );
}

#[test]
fn score_help_lists_every_metric() {
    let run = Workdir::new().run(&["score", "--help"]);
    assert_eq!(run.code, 0, "{run}");
    for key in [
        "revenue_attainment",
        "secondary_rate",
        "complaint_hours",
        "turnover_rate",
    ] {
        assert!(run.stdout.contains(key), "{key} missing:\n{run}");
    }
    assert!(
        run.stdout.contains("二开率 — paying customers with a 二开"),
        "{run}"
    );
}

/// SPEC §4: `previous` only against a fully covered period. For 2026Q4 the previous quarter is
/// 2026Q3 (07-01 … 09-30); the earliest sales or visits date in the fixtures is 2026-08-31
/// (visits line 43), so Q3 is not covered and no KPI has a previous value — where counting
/// September alone would show 林晓雯's 业绩 against a third of a quarter. For 2026-10 the previous
/// month 2026-09 is covered (2026-08-31 ≤ 09-01 and the data reach 10-30 ≥ 09-30).
#[test]
fn previous_only_when_the_previous_period_is_fully_covered() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let data = data.to_str().unwrap();
    let run = w.run(&[
        "score",
        "--data",
        data,
        "--quarter",
        "2026Q4",
        "--format",
        "json",
        "--no-scorecard",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    for p in j["people"].as_array().unwrap() {
        for k in p["kpis"].as_array().unwrap() {
            assert!(
                k["previous"].is_null(),
                "{} {}: {k}",
                p["staff"],
                k["metric"]
            );
        }
    }
    // The month: September is covered, so 林晓雯's September 成交率 3/3 = 1.0 is shown.
    let j = score_json(&[]);
    assert!(close(
        &kpi(person(&j, "林晓雯"), "conversion_rate", None)["previous"],
        1.0
    ));
}

/// `--format csv` is opened in Excel: a roster name like `=HYPERLINK(…)`, `+86林` or `@李`
/// (or a store, 工号 or role label starting so) must not become a formula, while numbers —
/// the −1,500 penalty too — stay numbers; and the CSV carries every field of the JSON person.
#[test]
fn csv_is_inert_in_excel_and_carries_every_json_field() {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"=咨询师\"\n\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\n\
         weight = 100\ntarget = 10000\n\n[roles.consultant.bonus]\nbasis = \"total\"\n\
         tiers = [[100, 3000]]\nbelow = -1500\n",
    );
    w.write(
        "员工.csv",
        "姓名,工号,岗位,门店,科室\n\
         \"=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",C101,consultant,一店,-科\n\
         +86林,C102,consultant,=店,微整\n\
         @李,-7,consultant,一店,微整\n\
         王,C104,consultant,一店,\n",
    );
    w.write(
        "消费.csv",
        "日期,顾客,实收金额,咨询师\n\
         2026-10-05,甲,12000,\"=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\"\n\
         2026-10-06,乙,5000,+86林\n\
         2026-10-07,丙,8000,@李\n",
    );
    let args = [
        "score",
        "--month",
        "2026-10",
        "--no-scorecard",
        "-q",
        "--format",
    ];
    let run = w.run(&[&args[..], &["csv"]].concat());
    assert_eq!(run.code, 0, "{run}");
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "staff",
            "staff_id",
            "role",
            "role_label",
            "store",
            "department",
            "metric",
            "item",
            "label",
            "value",
            "numerator",
            "denominator",
            "previous",
            "score",
            "weight",
            "effective_weight",
            "status",
            "total",
            "grade",
            "rank",
            "rank_of",
            "bonus",
            "vetoed",
            "flags"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    // One KPI each, by rank: revenue ÷ 10,000 × 100, capped at 100.
    // =HYPERLINK 12,000 → 100, grade A (95 ≤ 100 < 110), tier 100 reached → 3,000;
    // @李 8,000 → 80, B; +86林 5,000 → 50, D; 王 0 → 0, D; no tier → below −1,500.
    let by_hand = [
        [
            "'=HYPERLINK(\"http://x\",\"点我\")",
            "C101",
            "'=咨询师",
            "一店",
            "'-科",
            "100",
            "A",
            "1",
            "3000",
        ],
        [
            "'@李",
            "'-7",
            "'=咨询师",
            "一店",
            "微整",
            "80",
            "B",
            "2",
            "-1500",
        ],
        [
            "'+86林",
            "C102",
            "'=咨询师",
            "'=店",
            "微整",
            "50",
            "D",
            "3",
            "-1500",
        ],
        ["王", "C104", "'=咨询师", "一店", "", "0", "D", "4", "-1500"],
    ];
    assert_eq!(rows.len(), 4, "{run}");
    for (row, want) in rows.iter().zip(by_hand) {
        let got = [
            &row[0], &row[1], &row[3], &row[4], &row[5], &row[17], &row[18], &row[19], &row[21],
        ];
        assert_eq!(got, want, "{row:?}");
        assert_eq!(row[2], "consultant");
        assert_eq!(row[22], "false");
        // No text field starts a formula.
        assert!(
            row.iter()
                .all(|f| !f.starts_with(['=', '+', '@', '\t', '\r'])),
            "{row:?}"
        );
    }
    // Every field equals the JSON of the same run: text with the `'` taken off, numbers as
    // numbers, null as empty.
    let run = w.run(&[&args[..], &["json"]].concat());
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let people = j["people"].as_array().unwrap();
    for (row, p) in rows.iter().zip(people) {
        let k = &p["kpis"][0];
        for (i, name) in header.iter().enumerate() {
            let v = if p.get(name.as_str()).is_some() {
                &p[name.as_str()]
            } else {
                &k[name.as_str()]
            };
            let field = &row[i];
            match v {
                Value::Null => assert_eq!(field, "", "{name}"),
                Value::Number(n) => {
                    let x: f64 = field.parse().unwrap_or_else(|_| panic!("{name}: {field}"));
                    assert!(
                        (x - n.as_f64().unwrap()).abs() < 1e-9,
                        "{name}: {field} vs {n}"
                    );
                }
                Value::Bool(b) => assert_eq!(field, &b.to_string(), "{name}"),
                Value::String(s) => {
                    assert_eq!(field.strip_prefix('\'').unwrap_or(field), s, "{name}")
                }
                Value::Array(flags) => {
                    let flags: Vec<&str> = flags.iter().map(|f| f.as_str().unwrap()).collect();
                    assert_eq!(field, &flags.join(" "), "{name}");
                }
                Value::Object(_) => panic!("{name} is an object"),
            }
        }
    }
}

/// `--jobs 1` (SPEC §1: a cron job keeps to one core) reads, types, hashes and scores on one
/// thread; the JSON and the scorecard are byte for byte those of the default run.
#[test]
fn one_job_gives_the_same_json_and_scorecard() {
    let w = Workdir::new();
    let data = fixtures().join("clinic");
    let data = data.to_str().unwrap();
    let run = |jobs: &[&str], out: &str| {
        let mut args = vec![
            "score", "--data", data, "--month", "2026-10", "--format", "json", "-o", out,
        ];
        args.extend_from_slice(jobs);
        let run = w.run(&args);
        assert_eq!(run.code, 0, "{run}");
        (
            run.stdout,
            std::fs::read(w.path().join(out)).expect("scorecard"),
        )
    };
    let (json_default, xlsx_default) = run(&[], "default.xlsx");
    let (json_one, xlsx_one) = run(&["--jobs", "1"], "one.xlsx");
    let (json_j3, xlsx_j3) = run(&["-j", "3"], "three.xlsx");
    assert_eq!(json_one, json_default);
    assert_eq!(json_j3, json_default);
    assert!(xlsx_one == xlsx_default, "the scorecards differ");
    assert!(xlsx_j3 == xlsx_default, "the scorecards differ");
    // 林晓雯 is in it (the fixture's first consultant), so the comparison is of a real result.
    assert!(json_default.contains("林晓雯"));
    // No threads is no way to run: a usage error (exit 2) naming the flag.
    let zero = w.run(&["score", "--data", data, "--month", "2026-10", "--jobs", "0"]);
    assert_eq!(zero.code, 2, "{zero}");
    assert!(
        zero.stderr
            .starts_with("error: invalid value '0' for '--jobs <N>'"),
        "{zero}"
    );
}
