//! Scoring on tiny hand-made datasets (SPEC §3.2, §5): ranks and 末位, missing policies,
//! adjustments (申诉), bonus order, quarter scaling and vetoes. Every expected number is worked
//! out by hand in a comment; none is recomputed with the code under test.

use crate::workdir::{close, kpi, person, Run, Workdir};
use serde_json::{json, Value};

const ROSTER_HEAD: &str = "姓名,工号,岗位,门店,月度业绩目标,入职日期,离职日期\n";
const SALES_HEAD: &str = "日期,顾客,实收金额,咨询师,门店,消费类型\n";
const VISITS_HEAD: &str = "到院日期,顾客,咨询师,是否成交,初复诊\n";
const ADJ_HEAD: &str = "姓名,考核月份,指标,考核项,调整值,加减分,原因,审批人\n";

/// A roster of consultants: (name, store), all hired 2025-01-01 and still employed.
fn roster(people: &[(&str, &str)]) -> String {
    let mut s = ROSTER_HEAD.to_string();
    for (i, (name, store)) in people.iter().enumerate() {
        s.push_str(&format!(
            "{name},C{:03},咨询师,{store},,2025-01-01,\n",
            i + 1
        ));
    }
    s
}

/// One October sale per (consultant, amount), each to a different customer.
fn sales(rows: &[(&str, f64)]) -> String {
    let mut s = SALES_HEAD.to_string();
    for (i, (name, amount)) in rows.iter().enumerate() {
        s.push_str(&format!("2026-10-05,客{i},{amount},{name},一店,新单\n"));
    }
    s
}

/// Visits: per consultant, `n` 初诊 consultations (distinct customers) of which `deals` were deals.
fn visits(rows: &[(&str, usize, usize)]) -> String {
    let mut s = VISITS_HEAD.to_string();
    for (name, n, deals) in rows {
        for i in 0..*n {
            let deal = if i < *deals { "是" } else { "否" };
            s.push_str(&format!("2026-10-06,{name}的客{i},{name},{deal},初诊\n"));
        }
    }
    s
}

fn score(w: &Workdir, period: &[&str], extra: &[&str]) -> Run {
    let mut args = vec!["score"];
    args.extend_from_slice(period);
    args.extend_from_slice(&["--format", "json", "-q"]);
    args.extend_from_slice(extra);
    w.run(&args)
}

fn score_json(w: &Workdir, extra: &[&str]) -> Value {
    let run = score(w, &["--month", "2026-10"], extra);
    assert_eq!(run.code, 0, "{run}");
    run.json()
}

#[track_caller]
fn assert_close(a: &Value, b: f64) {
    assert!(close(a, b), "got {a}, expected {b}");
}

/// One consultant role scored on revenue alone: linear 0 → 0, 10,000 → 100, capped at 100.
fn revenue_only(bottom: Option<u32>) -> String {
    let bottom = bottom
        .map(|b| format!("bottom = {b}\n"))
        .unwrap_or_default();
    format!(
        "[roles.consultant]\nlabel = \"咨询师\"\n{bottom}\n\
         [[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 10000\n"
    )
}

/// 甲 9,000 → 90; 乙 8,000 → 80; 丙 8,000 → 80; 丁 5,000 → 50. 甲 and 乙 in 一店, 丙 and 丁 in 二店.
fn ranking_dir(bottom: Option<u32>) -> Workdir {
    let w = Workdir::new();
    w.write("clinic-kpi.toml", revenue_only(bottom));
    w.write(
        "员工花名册.csv",
        roster(&[
            ("甲", "一店"),
            ("乙", "一店"),
            ("丙", "二店"),
            ("丁", "二店"),
        ]),
    );
    w.write(
        "消费.csv",
        sales(&[
            ("甲", 9000.0),
            ("乙", 8000.0),
            ("丙", 8000.0),
            ("丁", 5000.0),
        ]),
    );
    w
}

fn ranks_and_bottom(j: &Value) -> Vec<(String, u64, u64, bool)> {
    ["甲", "乙", "丙", "丁"]
        .iter()
        .map(|n| {
            let p = person(j, n);
            let bottom = p["flags"]
                .as_array()
                .unwrap()
                .contains(&Value::from("bottom"));
            (
                n.to_string(),
                p["rank"].as_u64().unwrap(),
                p["rank_of"].as_u64().unwrap(),
                bottom,
            )
        })
        .collect()
}

fn row(n: &str, rank: u64, of: u64, bottom: bool) -> (String, u64, u64, bool) {
    (n.to_string(), rank, of, bottom)
}

#[test]
fn ties_share_a_rank_and_bottom_one_flags_only_the_last() {
    let w = ranking_dir(Some(1));
    let j = score_json(&w, &[]);
    // Totals 90, 80, 80, 50 (revenue ÷ 10,000 × 100, weight 100).
    assert_close(&person(&j, "甲")["total"], 90.0);
    assert_close(&person(&j, "乙")["total"], 80.0);
    assert_close(&person(&j, "丙")["total"], 80.0);
    assert_close(&person(&j, "丁")["total"], 50.0);
    // Competition ranking 1, 2, 2, 4; bottom = 1 flags rank 4 only.
    assert_eq!(
        ranks_and_bottom(&j),
        [
            row("甲", 1, 4, false),
            row("乙", 2, 4, false),
            row("丙", 2, 4, false),
            row("丁", 4, 4, true)
        ]
    );
    assert_eq!(person(&j, "丁")["flags"], json!(["bottom"]));
    assert_eq!(person(&j, "甲")["flags"], json!([]));
}

#[test]
fn bottom_two_includes_the_tie_at_the_cut() {
    let w = ranking_dir(Some(2));
    let j = score_json(&w, &[]);
    // The last 2 places are 丙 (rank 2) and 丁 (rank 4); 乙 shares rank 2 with 丙, so ranks
    // 2, 2, 4 are all flagged.
    assert_eq!(
        ranks_and_bottom(&j),
        [
            row("甲", 1, 4, false),
            row("乙", 2, 4, true),
            row("丙", 2, 4, true),
            row("丁", 4, 4, true)
        ]
    );
}

#[test]
fn no_bottom_key_flags_nobody() {
    let w = ranking_dir(None);
    let j = score_json(&w, &[]);
    assert!(ranks_and_bottom(&j).iter().all(|r| !r.3));
}

#[test]
fn rank_by_store_ranks_within_each_store() {
    let w = ranking_dir(Some(1));
    let j = score_json(&w, &["--rank-by", "store"]);
    // 一店: 甲 90 → 1, 乙 80 → 2 (of 2). 二店: 丙 80 → 1, 丁 50 → 2 (of 2).
    // bottom = 1 flags the last of each store: 乙 and 丁.
    assert_eq!(
        ranks_and_bottom(&j),
        [
            row("甲", 1, 2, false),
            row("乙", 2, 2, true),
            row("丙", 1, 2, false),
            row("丁", 2, 2, true)
        ]
    );
    assert_eq!(person(&j, "甲")["store"], "一店");
    assert_eq!(person(&j, "丙")["store"], "二店");
}

/// revenue weight 60 (0 → 0, 10,000 → 100) and conversion_rate weight 40 (0 → 0, 0.5 → 100;
/// default min_sample 5). 甲: 8,000 → 80, conversion 1/2 (insufficient); 乙: 6,000 → 60, no
/// visits at all (no_data: 0 / 0).
fn missing_dir(policy: &str) -> Workdir {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        format!(
            "[scoring]\nmissing = \"{policy}\"\n\n[roles.consultant]\nlabel = \"咨询师\"\n\n\
             [[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 60\ntarget = 10000\n\n\
             [[roles.consultant.kpi]]\nmetric = \"conversion_rate\"\nweight = 40\ntarget = 0.5\n"
        ),
    );
    w.write("员工花名册.csv", roster(&[("甲", "一店"), ("乙", "一店")]));
    w.write("消费.csv", sales(&[("甲", 8000.0), ("乙", 6000.0)]));
    w.write("到院.csv", visits(&[("甲", 2, 1)]));
    w
}

#[track_caller]
fn assert_statuses(j: &Value) {
    let a = kpi(person(j, "甲"), "conversion_rate", None);
    assert_eq!(a["status"], "insufficient", "{a}");
    // The value is still reported when insufficient: 1 / 2.
    assert_close(&a["value"], 0.5);
    assert_close(&a["numerator"], 1.0);
    assert_close(&a["denominator"], 2.0);
    let b = kpi(person(j, "乙"), "conversion_rate", None);
    assert_eq!(b["status"], "no_data", "{b}");
    assert!(b["value"].is_null(), "{b}");
    assert_close(&b["numerator"], 0.0);
    assert_close(&b["denominator"], 0.0);
    for n in ["甲", "乙"] {
        assert_eq!(person(j, n)["flags"], json!(["incomplete"]));
    }
}

#[test]
fn missing_zero_scores_0_at_full_weight() {
    let j = score_json(&missing_dir("zero"), &[]);
    assert_statuses(&j);
    for n in ["甲", "乙"] {
        let c = kpi(person(&j, n), "conversion_rate", None);
        assert_close(&c["score"], 0.0);
        assert_close(&c["effective_weight"], 40.0);
        assert_close(
            &kpi(person(&j, n), "revenue", None)["effective_weight"],
            60.0,
        );
    }
    // 甲: 80 × 60/100 + 0 × 40/100 = 48; 乙: 60 × 0.6 = 36.
    assert_close(&person(&j, "甲")["total"], 48.0);
    assert_close(&person(&j, "乙")["total"], 36.0);
}

#[test]
fn missing_target_scores_100_at_full_weight() {
    let j = score_json(&missing_dir("target"), &[]);
    assert_statuses(&j);
    for n in ["甲", "乙"] {
        let c = kpi(person(&j, n), "conversion_rate", None);
        assert_close(&c["score"], 100.0);
        assert_close(&c["effective_weight"], 40.0);
    }
    // 甲: 80 × 0.6 + 100 × 0.4 = 48 + 40 = 88; 乙: 60 × 0.6 + 40 = 76.
    assert_close(&person(&j, "甲")["total"], 88.0);
    assert_close(&person(&j, "乙")["total"], 76.0);
}

#[test]
fn missing_reweight_drops_the_kpi_and_scales_the_rest() {
    let j = score_json(&missing_dir("reweight"), &[]);
    assert_statuses(&j);
    for n in ["甲", "乙"] {
        let c = kpi(person(&j, n), "conversion_rate", None);
        assert!(c["score"].is_null(), "{c}");
        assert_close(&c["effective_weight"], 0.0);
        // The only scored KPI: 60 × 100 / 60 = 100.
        assert_close(
            &kpi(person(&j, n), "revenue", None)["effective_weight"],
            100.0,
        );
        assert_close(&kpi(person(&j, n), "revenue", None)["weight"], 60.0);
    }
    // 甲: 80 × 100/100 = 80; 乙: 60.
    assert_close(&person(&j, "甲")["total"], 80.0);
    assert_close(&person(&j, "乙")["total"], 60.0);
}

/// revenue weight 50 (0 → 0, 10,000 → 100, no stretch: max 100) and conversion_rate weight 50
/// (floor 0.2 → 0, target 0.5 → 100, min_sample 1).
fn adjustments_dir(adjustments: &str) -> Workdir {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n\n\
         [[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 50\ntarget = 10000\n\n\
         [[roles.consultant.kpi]]\nmetric = \"conversion_rate\"\nweight = 50\nfloor = 0.2\n\
         target = 0.5\nmin_sample = 1\n",
    );
    w.write(
        "员工花名册.csv",
        roster(&[("甲", "一店"), ("乙", "一店"), ("丙", "一店")]),
    );
    w.write(
        "消费.csv",
        sales(&[("甲", 8000.0), ("乙", 9500.0), ("丙", 300.0)]),
    );
    w.write(
        "到院.csv",
        visits(&[("甲", 4, 1), ("乙", 2, 1), ("丙", 2, 1)]),
    );
    w.write("申诉调整.csv", format!("{ADJ_HEAD}{adjustments}"));
    w
}

#[test]
fn adjustment_value_replaces_the_kpi_value() {
    let w = adjustments_dir("甲,2026-10,成交率,,0.35,,漏录两单,王院长\n");
    let j = score_json(&w, &[]);
    let p = person(&j, "甲");
    // Without the adjustment: 1/4 = 0.25 → (0.25 − 0.2) / 0.3 × 100 = 16.67.
    // With value 0.35: (0.35 − 0.2) / 0.3 × 100 = 50; numerator and denominator null.
    let c = kpi(p, "conversion_rate", None);
    assert_close(&c["value"], 0.35);
    assert_eq!(c["status"], "ok");
    assert!(
        c["numerator"].is_null() && c["denominator"].is_null(),
        "{c}"
    );
    assert_close(&c["score"], 50.0);
    // total = 80 × 0.5 + 50 × 0.5 = 65.
    assert_close(&p["total"], 65.0);
    assert_eq!(p["flags"], json!(["adjusted"]));
    // Nobody else is touched: 乙 1/2 = 0.5 → 100, 丙 the same.
    assert_close(
        &kpi(person(&j, "乙"), "conversion_rate", None)["score"],
        100.0,
    );
    assert_eq!(person(&j, "乙")["flags"], json!([]));
}

#[test]
fn adjustment_value_turns_an_insufficient_kpi_ok() {
    // 乙 has 2 consultations; with min_sample raised to 5 that is insufficient, but an adjusted
    // value is ok and scored: 0.4 → (0.4 − 0.2) / 0.3 × 100 = 66.67.
    let w = adjustments_dir("乙,2026年10月,conversion_rate,,0.4,,复核,王院长\n");
    let cfg = std::fs::read_to_string(w.path().join("clinic-kpi.toml")).unwrap();
    w.write(
        "clinic-kpi.toml",
        cfg.replace("min_sample = 1", "min_sample = 5"),
    );
    let j = score_json(&w, &[]);
    let p = person(&j, "乙");
    let c = kpi(p, "conversion_rate", None);
    assert_eq!(c["status"], "ok", "{c}");
    assert_close(&c["score"], (0.4 - 0.2) / 0.3 * 100.0);
    // 乙 revenue 9,500 → 95; total = 95 × 0.5 + 66.67 × 0.5 = 80.83.
    assert_close(&p["total"], 95.0 * 0.5 + (0.4 - 0.2) / 0.3 * 100.0 * 0.5);
    assert_eq!(p["flags"], json!(["adjusted"]));
    // 甲 stays insufficient (1/4 < 5): reweighted away, total = revenue 80.
    assert_eq!(
        kpi(person(&j, "甲"), "conversion_rate", None)["status"],
        "insufficient"
    );
    assert_close(&person(&j, "甲")["total"], 80.0);
}

#[test]
fn adjustment_score_delta_is_clamped_to_the_method_range() {
    let w = adjustments_dir(
        "乙,2026-10,业绩,,,10,活动业绩计入次月,王院长\n\
         丙,2026-10,revenue,,,-10,违规开单,王院长\n",
    );
    let j = score_json(&w, &[]);
    // 乙: revenue 9,500 → 95, + 10 = 105, clamped to 100 (linear without stretch).
    let b = person(&j, "乙");
    let r = kpi(b, "revenue", None);
    assert_close(&r["value"], 9500.0);
    assert_close(&r["score"], 100.0);
    // conversion 1/2 = 0.5 → 100; total = 100 × 0.5 + 100 × 0.5 = 100.
    assert_close(&b["total"], 100.0);
    assert_eq!(b["flags"], json!(["adjusted"]));
    // 丙: revenue 300 → 3, − 10 = −7, kept at 0; total = 0 + 100 × 0.5 = 50.
    let c = person(&j, "丙");
    assert_close(&kpi(c, "revenue", None)["score"], 0.0);
    assert_close(&c["total"], 50.0);
    assert_eq!(c["flags"], json!(["adjusted"]));
}

#[test]
fn score_delta_maximum_is_stretch_score_or_the_top_band() {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n\n\
         [[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 10000\n\
         stretch = 12000\nstretch_score = 130\n\n\
         [roles.assistant]\nlabel = \"助理\"\n\n\
         [[roles.assistant.kpi]]\nmetric = \"revenue\"\nweight = 100\nmethod = \"bands\"\n\
         bands = [[10000, 90], [5000, 60]]\n",
    );
    w.write(
        "员工花名册.csv",
        format!("{ROSTER_HEAD}甲,C001,咨询师,一店,,2025-01-01,\n乙,C002,助理,一店,,2025-01-01,\n"),
    );
    w.write("消费.csv", sales(&[("甲", 11000.0), ("乙", 12000.0)]));
    w.write(
        "申诉调整.csv",
        format!("{ADJ_HEAD}甲,2026-10,业绩,,,30,复核,王院长\n乙,2026-10,业绩,,,20,复核,王院长\n"),
    );
    let j = score_json(&w, &[]);
    // 甲: 11,000 is halfway from target to stretch: 100 + 0.5 × 30 = 115; + 30 = 145, kept
    // within stretch_score 130.
    assert_close(&kpi(person(&j, "甲"), "revenue", None)["score"], 130.0);
    assert_close(&person(&j, "甲")["total"], 130.0);
    // 乙 (bands): 12,000 ≥ 10,000 → 90; + 20 = 110, kept within the top band's 90.
    assert_close(&kpi(person(&j, "乙"), "revenue", None)["score"], 90.0);
    assert_eq!(person(&j, "乙")["role"], "assistant");
}

#[test]
fn adjustment_for_nobody_is_an_error_and_other_months_are_ignored() {
    let w = adjustments_dir(
        "无名氏,2026-10,业绩,,20000,,补录,王院长\n\
         甲,2026-09,业绩,,20000,,上月补录,王院长\n",
    );
    let run = score(&w, &["--month", "2026-10"], &[]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    // Neither applies: 甲 keeps revenue 8,000 → 80 and conversion 0.25 → 16.67;
    // total = 80 × 0.5 + 16.67 × 0.5 = 48.33.
    let p = person(&j, "甲");
    assert_close(&kpi(p, "revenue", None)["value"], 8000.0);
    assert_close(&p["total"], 80.0 * 0.5 + (0.25 - 0.2) / 0.3 * 100.0 * 0.5);
    assert_eq!(p["flags"], json!([]));
    // One error for 无名氏, and nothing about the September row.
    let errors: Vec<&Value> = j["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "申诉调整.csv");
    assert_eq!(errors[0]["row"], 2);
    assert_eq!(errors[0]["code"], "adjustment_unused", "{}", errors[0]);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("申诉调整对不上任何参与考核的人员"),
        "{}",
        errors[0]
    );
    let adj = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "adjustments")
        .expect("adjustments input");
    assert_eq!(adj["rows"], 2, "{adj}");
    assert_eq!(adj["out_of_period"], 1, "{adj}");
    // --strict turns the error into exit 3.
    assert_eq!(score(&w, &["--month", "2026-10"], &["--strict"]).code, 3);
}

/// Revenue weight 100; bonus on revenue: 3,000 at 10,000, 5,000 at 12,000, −1,500 below;
/// per_unit 50.5 per first visit above 2; gate: own conversion_rate above 0.5 halves it.
fn bonus_config() -> &'static str {
    "[roles.consultant]\nlabel = \"咨询师\"\n\n\
     [[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 10000\n\n\
     [roles.consultant.bonus]\nbasis = \"revenue\"\n\
     tiers = [[10000, 3000], [12000, 5000]]\nbelow = -1500\n\
     per_unit = { metric = \"first_visits\", above = 2, amount = 50.5 }\n\n\
     [[roles.consultant.bonus.gate]]\nmetric = \"conversion_rate\"\nabove = 0.5\n\
     effect = \"halve\"\n"
}

#[test]
fn bonus_tiers_below_per_unit_gate_and_rounding() {
    let w = Workdir::new();
    w.write("clinic-kpi.toml", bonus_config());
    w.write(
        "员工花名册.csv",
        roster(&[
            ("甲", "一店"),
            ("乙", "一店"),
            ("丙", "一店"),
            ("丁", "一店"),
        ]),
    );
    w.write(
        "消费.csv",
        sales(&[
            ("甲", 13000.0),
            ("乙", 11000.0),
            ("丙", 5000.0),
            ("丁", 12000.0),
        ]),
    );
    w.write(
        "到院.csv",
        visits(&[("甲", 3, 1), ("乙", 4, 3), ("丙", 4, 4), ("丁", 2, 0)]),
    );
    let j = score_json(&w, &[]);
    // 甲: 13,000 ≥ 12,000 → 5,000 (the highest tier reached); 3 first visits > 2 → + 50.5 × 1;
    // conversion 1/3 ≤ 0.5, no gate: 5,050.5 → half up → 5,051.
    assert_close(&person(&j, "甲")["bonus"], 5051.0);
    // 乙: 11,000 reaches 10,000 only → 3,000; 4 first visits → + 50.5 × 2 = 101 → 3,101;
    // conversion 3/4 = 0.75 > 0.5 → halved: 1,550.5 → half up → 1,551.
    assert_close(&person(&j, "乙")["bonus"], 1551.0);
    // 丙: 5,000 reaches no tier → −1,500; + 101 → −1,399; conversion 4/4 = 1 > 0.5, but a gate
    // only touches a positive bonus: −1,399.
    assert_close(&person(&j, "丙")["bonus"], -1399.0);
    // 丁: 12,000 ≥ 12,000 → 5,000; 2 first visits is not above 2 → nothing; 0/2 no gate.
    assert_close(&person(&j, "丁")["bonus"], 5000.0);
}

#[test]
fn bonus_gate_zero_and_below_without_per_unit() {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n\n\
         [[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 10000\n\n\
         [roles.consultant.bonus]\nbasis = \"total\"\ntiers = [[80, 1000.4], [100, 2000]]\n\n\
         [[roles.consultant.bonus.gate]]\nmetric = \"conversion_rate\"\nabove = 0.5\n\
         effect = \"zero\"\n",
    );
    w.write(
        "员工花名册.csv",
        roster(&[("甲", "一店"), ("乙", "一店"), ("丙", "一店")]),
    );
    w.write(
        "消费.csv",
        sales(&[("甲", 8000.0), ("乙", 10000.0), ("丙", 7000.0)]),
    );
    w.write(
        "到院.csv",
        visits(&[("甲", 2, 1), ("乙", 2, 2), ("丙", 2, 0)]),
    );
    let j = score_json(&w, &[]);
    // 甲: total 80 ≥ 80 → 1,000.4 → 1,000 (rounds down below .5); conversion 0.5 is not above.
    assert_close(&person(&j, "甲")["bonus"], 1000.0);
    // 乙: total 100 → 2,000; conversion 2/2 = 1 > 0.5 → zeroed.
    assert_close(&person(&j, "乙")["bonus"], 0.0);
    // 丙: total 70 reaches no tier and there is no `below`: 0.
    assert_close(&person(&j, "丙")["bonus"], 0.0);
}

#[test]
fn quarter_scales_monthly_sum_targets_and_bonus_money() {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n\n\
         [[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\nfloor = 0\ntarget = 10000\n\n\
         [roles.consultant.bonus]\nbasis = \"revenue\"\ntiers = [[10000, 1000]]\nbelow = -200\n\
         per_unit = { metric = \"first_visits\", above = 2, amount = 10 }\n",
    );
    w.write("员工花名册.csv", roster(&[("甲", "一店")]));
    w.write("消费.csv", sales(&[("甲", 15000.0)]));
    w.write("到院.csv", visits(&[("甲", 7, 0)]));

    let run = score(&w, &["--quarter", "2026Q4"], &[]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    assert_eq!(j["period"]["label"], "2026Q4");
    let p = person(&j, "甲");
    // Target 10,000 × 3 months = 30,000: 15,000 / 30,000 × 100 = 50.
    assert_close(&kpi(p, "revenue", None)["value"], 15000.0);
    assert_close(&kpi(p, "revenue", None)["score"], 50.0);
    assert_close(&p["total"], 50.0);
    // Tier threshold 10,000 × 3 = 30,000 not reached → below −200 × 3 = −600; per_unit above
    // 2 × 3 = 6, 7 first visits → + 10 × (7 − 6) = 10 (the amount is not scaled): −590.
    assert_close(&p["bonus"], -590.0);

    // The same data for October alone: 15,000 ≥ 10,000 → 100 (capped, no stretch); tier 1,000,
    // + 10 × (7 − 2) = 50 → 1,050.
    let j = score_json(&w, &[]);
    let p = person(&j, "甲");
    assert_close(&kpi(p, "revenue", None)["score"], 100.0);
    assert_close(&p["bonus"], 1050.0);
}

#[test]
fn veto_caps_the_total_and_zeroes_a_positive_bonus() {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n\n\
         [[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 10000\n\
         stretch = 12000\n\n\
         [[roles.consultant.veto]]\nmetric = \"conversion_rate\"\nabove = 0.8\ncap_total = 59\n\n\
         [roles.consultant.bonus]\nbasis = \"total\"\ntiers = [[50, 1000], [100, 2000]]\n\
         below = -500\n",
    );
    w.write(
        "员工花名册.csv",
        roster(&[("甲", "一店"), ("乙", "一店"), ("丙", "一店")]),
    );
    w.write(
        "消费.csv",
        sales(&[("甲", 12000.0), ("乙", 11000.0), ("丙", 3000.0)]),
    );
    w.write(
        "到院.csv",
        visits(&[("甲", 5, 5), ("乙", 5, 1), ("丙", 5, 5)]),
    );
    let j = score_json(&w, &[]);
    // 甲: revenue 12,000 ≥ stretch → 120; conversion 5/5 = 1 > 0.8 (a metric that is no KPI
    // of the role): total capped at 59 → grade D (59 < C 60), ranked on 59; the capped total 59
    // reaches tier 50 → 1,000, but a vetoed person's positive bonus becomes 0.
    let a = person(&j, "甲");
    assert_close(&kpi(a, "revenue", None)["score"], 120.0);
    assert_close(&a["total"], 59.0);
    assert_eq!(a["vetoed"], true);
    assert_eq!(a["grade"], "D");
    assert_eq!(a["flags"], json!(["veto"]));
    assert_close(&a["bonus"], 0.0);
    assert_eq!(a["rank"], 2);
    // 乙: 11,000 → 100 + (11,000 − 10,000) / 2,000 × 20 = 110; conversion 0.2, no veto:
    // grade S (≥ 110), rank 1, tier 100 → 2,000.
    let b = person(&j, "乙");
    assert_close(&b["total"], 110.0);
    assert_eq!(b["vetoed"], false);
    assert_eq!(b["grade"], "S");
    assert_eq!(b["rank"], 1);
    assert_close(&b["bonus"], 2000.0);
    // 丙: 3,000 → 30, vetoed (1 > 0.8) but 30 < 59 stays 30; reaches no tier → below −500,
    // and a penalty stays under a veto.
    let c = person(&j, "丙");
    assert_close(&c["total"], 30.0);
    assert_eq!(c["vetoed"], true);
    assert_close(&c["bonus"], -500.0);
    assert_eq!(c["rank"], 3);
}

/// revenue weight 50 (0 → 0, 10,000 → 100) and conversion_rate weight 50 (0.2 → 0, 0.5 → 100,
/// min_sample 1), with `extra` appended. 甲 and 乙 both: revenue 10,000, conversion 3/4 = 0.75;
/// 甲's conversion is adjusted to 0.4.
fn adjusted_value_dir(extra: &str) -> Workdir {
    let w = Workdir::new();
    w.write(
        "clinic-kpi.toml",
        format!(
            "[roles.consultant]\nlabel = \"咨询师\"\n\n\
             [[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 50\ntarget = 10000\n\n\
             [[roles.consultant.kpi]]\nmetric = \"conversion_rate\"\nweight = 50\nfloor = 0.2\n\
             target = 0.5\nmin_sample = 1\n\n{extra}"
        ),
    );
    w.write("员工花名册.csv", roster(&[("甲", "一店"), ("乙", "一店")]));
    w.write("消费.csv", sales(&[("甲", 10000.0), ("乙", 10000.0)]));
    w.write("到院.csv", visits(&[("甲", 4, 3), ("乙", 4, 3)]));
    w.write(
        "申诉调整.csv",
        format!("{ADJ_HEAD}甲,2026-10,成交率,,0.4,,飞单核实,王院长\n"),
    );
    w
}

#[test]
fn an_adjusted_value_is_what_the_veto_uses() {
    let w = adjusted_value_dir(
        "[[roles.consultant.veto]]\nmetric = \"conversion_rate\"\nabove = 0.7\ncap_total = 59\n",
    );
    let j = score_json(&w, &[]);
    // 甲: adjusted 0.4 is not above 0.7: no veto. Scores 100 and (0.4 − 0.2) / 0.3 × 100 = 66.67:
    // total = 50 + 33.33 = 83.33.
    let a = person(&j, "甲");
    assert_eq!(a["vetoed"], false);
    assert_close(&a["total"], 50.0 + (0.4 - 0.2) / 0.3 * 100.0 * 0.5);
    assert_eq!(a["flags"], json!(["adjusted"]));
    // 乙: 0.75 ≥ 0.5 → 100 (no stretch), total 100; but 0.75 > 0.7 → vetoed, capped at 59.
    let b = person(&j, "乙");
    assert_eq!(b["vetoed"], true);
    assert_close(&b["total"], 59.0);
}

#[test]
fn an_adjusted_value_is_what_a_self_gate_uses() {
    let w = adjusted_value_dir(
        "[roles.consultant.bonus]\nbasis = \"revenue\"\ntiers = [[10000, 3000]]\n\n\
         [[roles.consultant.bonus.gate]]\nmetric = \"conversion_rate\"\nabove = 0.5\n\
         effect = \"halve\"\n",
    );
    let j = score_json(&w, &[]);
    // 甲: revenue 10,000 ≥ 10,000 → 3,000; own conversion as adjusted is 0.4, not above 0.5:
    // the gate does not hold → 3,000.
    assert_close(&person(&j, "甲")["bonus"], 3000.0);
    // 乙: 0.75 > 0.5 → halved: 1,500.
    assert_close(&person(&j, "乙")["bonus"], 1500.0);
}
