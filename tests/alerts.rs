//! `clinic-kpi alerts --date D` (SPEC §8.2): each rule on small CSV exports the test writes —
//! one case where it fires, one where it stays quiet, the cases it cannot judge — the exit
//! codes of `--fail-on`, a day past the exports, and the example clinic's 2026-10-20.

use crate::workdir::{fixtures, Run, Workdir};
use serde_json::{json, Value};

/// The minimal roles config, plus `extra` ([clinic], [alerts]), and a complaints export with
/// no complaints (without one, the rates say they cannot be judged).
fn config(w: &Workdir, extra: &str) {
    if !w.path().join("投诉.csv").exists() {
        w.write(
            "投诉.csv",
            "投诉日期,被投诉人,投诉类型,是否有效
",
        );
    }
    w.write(
        "clinic-kpi.toml",
        format!(
            "[roles.consultant]\nlabel = \"咨询师\"\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 1000\n\n{extra}"
        ),
    );
}

/// A customer id per number.
fn customer(n: usize) -> String {
    format!("139{n:08}")
}

/// The day `n` days after 2026-02-01 (0 = 02-01; 28 = 03-01; 58 = 03-31).
fn day(n: i64) -> String {
    (chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() + chrono::Duration::days(n)).to_string()
}

/// Sales CSV text from (date, customer, amount, store).
fn sales(rows: &[(String, String, i64, &str)]) -> String {
    let mut s = String::from("日期,手机号,实收金额,咨询师,医生,门店,单号\n");
    for (i, (d, c, a, store)) in rows.iter().enumerate() {
        s.push_str(&format!("{d},{c},{a},张三,李四,{store},D{i}\n"));
    }
    s
}

/// Visits CSV text from (date, customer, channel, deal).
fn visits(rows: &[(String, String, &str, bool)]) -> String {
    let mut s = String::from("到院日期,手机号,现场咨询师,初复诊,来源渠道,是否成交,门店\n");
    for (d, c, ch, deal) in rows {
        let deal = if *deal { "是" } else { "否" };
        s.push_str(&format!("{d},{c},张三,初诊,{ch},{deal},一店\n"));
    }
    s
}

fn alerts(w: &Workdir, date: &str, extra: &[&str]) -> (Run, Value) {
    let mut args = vec!["alerts", "--date", date, "--format", "json"];
    args.extend_from_slice(extra);
    let run = w.run(&args);
    assert!(run.code == 0 || run.code == 4, "{run}");
    let j = run.json();
    (run, j)
}

/// (rule, store, channel) of each entry of `list`.
fn which(list: &Value) -> Vec<(String, Option<String>, Option<String>)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["rule"].as_str().unwrap().to_string(),
                a["store"].as_str().map(str::to_string),
                a["channel"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// The entries of `list` for `rule` (other rules may not be judgeable on a small fixture).
fn of_rule(list: &Value, rule: &str) -> Value {
    Value::Array(
        list.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["rule"] == rule)
            .cloned()
            .collect(),
    )
}

fn entry(
    rule: &str,
    store: Option<&str>,
    channel: Option<&str>,
) -> (String, Option<String>, Option<String>) {
    (
        rule.to_string(),
        store.map(str::to_string),
        channel.map(str::to_string),
    )
}

/// 一店 and 二店 each sell 1,000 a day from 02-27 to 03-28 (the 30 days before 03-29..31);
/// then 二店 keeps selling 1,000 a day and 一店 sells `last` on 03-29, 03-30 and 03-31.
fn slump_data(w: &Workdir, last: [i64; 3]) {
    let mut rows = Vec::new();
    let mut n = 0;
    for d in 26..=58 {
        let a = if d >= 56 {
            last[(d - 56) as usize]
        } else {
            1000
        };
        rows.push((day(d), customer(n), a, "一店"));
        rows.push((day(d), customer(n + 1), 1000, "二店"));
        n += 2;
    }
    w.write("消费.csv", sales(&rows));
    config(w, "");
}

#[test]
fn slump_fires_for_the_store_below_half_its_average_three_days_running() {
    let w = Workdir::new();
    slump_data(&w, [400, 0, 499]);
    let (run, j) = alerts(&w, "2026-03-31", &[]);
    // 一店: 30 × 1,000 / 30 = 1,000 a day, line 0.5 × 1,000 = 500; 400, 0, 499 are all below.
    // 二店 sold 1,000 each day; the clinic 2,000 a day against 1,400, 1,000, 1,499 (line 1,000:
    // 03-30 is not below it) — both quiet.
    assert_eq!(which(&j["alerts"]), [entry("slump", Some("一店"), None)]);
    let a = &j["alerts"][0];
    assert_eq!(a["level"], "yellow");
    assert_eq!(a["scope"], "store");
    assert_eq!(
        (a["from"].as_str(), a["to"].as_str()),
        (Some("2026-03-29"), Some("2026-03-31"))
    );
    assert_eq!(
        a["figures"],
        json!({
            "days": [
                {"date": "2026-03-29", "revenue": 400.0},
                {"date": "2026-03-30", "revenue": 0.0},
                {"date": "2026-03-31", "revenue": 499.0}
            ],
            "daily_average": 1000.0, "share": 0.5, "threshold": 500.0,
            "base_from": "2026-02-27", "base_to": "2026-03-28"
        })
    );
    assert_eq!(
        a["message"],
        "一店连续 3 天业绩低于前 30 天（2026-02-27 ~ 2026-03-28）日均 ¥1,000 的 50.0%（预警线 ¥500）：2026-03-29 ¥400，2026-03-30 ¥0，2026-03-31 ¥499"
    );
    assert_eq!(j["undecided"], json!([]));
    // Yellow is below the default --fail-on red.
    assert_eq!(run.code, 0, "{run}");
}

#[test]
fn slump_stays_quiet_when_one_day_reaches_the_line() {
    let w = Workdir::new();
    // 500 is not below 0.5 × 1,000.
    slump_data(&w, [400, 0, 500]);
    let (run, j) = alerts(&w, "2026-03-31", &[]);
    assert_eq!(j["alerts"], json!([]), "{run}");
    assert_eq!(run.code, 0);
}

#[test]
fn slump_cannot_be_judged_without_the_thirty_days_before() {
    let w = Workdir::new();
    slump_data(&w, [400, 0, 499]);
    // For 03-10 the slump days are 03-08..10 and the 30 days before 02-06..03-07: the exports
    // begin on 02-27.
    let (run, j) = alerts(&w, "2026-03-10", &[]);
    assert_eq!(j["alerts"], json!([]), "{run}");
    assert_eq!(
        which(&j["undecided"]),
        [
            entry("slump", None, None),
            entry("slump", Some("一店"), None),
            entry("slump", Some("二店"), None)
        ]
    );
    assert_eq!(j["undecided"][0]["reason"], "not_covered");
}

/// Visits of channel 网络 (03-18..24: `before` deals of 10; 03-25..31: `after` deals of 10)
/// and of 企划 (10 before, `planned_after` after, all deals), one customer a day each … enough
/// distinct customers that every line is a consultation.
fn conversion_data(w: &Workdir, before: usize, after: usize, planned_after: usize) {
    let mut rows = Vec::new();
    let mut n = 0;
    for (first_day, deals, count, channel) in [
        (45, before, 10, "网络"),
        (52, after, 10, "网络"),
        (45, 10, 10, "企划"),
        (52, 10, planned_after, "企划"),
    ] {
        for i in 0..count {
            rows.push((
                day(first_day + (i % 7) as i64),
                customer(n),
                channel,
                i < deals,
            ));
            n += 1;
        }
    }
    w.write("到院.csv", visits(&rows));
    config(w, "");
}

#[test]
fn conversion_drop_fires_at_twenty_percent_and_needs_ten_consultations_each_window() {
    let w = Workdir::new();
    // 网络: 10/10 = 100% in 03-18..24, 8/10 = 80% in 03-25..31: 1 − 0.8 / 1.0 = 20% — "at
    // least 20%": red. 企划: 10 before, only 9 after: cannot be judged.
    conversion_data(&w, 10, 8, 9);
    let (run, j) = alerts(&w, "2026-03-31", &[]);
    assert_eq!(
        which(&j["alerts"]),
        [entry("conversion_drop", None, Some("网络"))]
    );
    let a = &j["alerts"][0];
    assert_eq!(
        (a["level"].as_str(), a["scope"].as_str()),
        (Some("red"), Some("channel"))
    );
    assert_eq!(
        a["figures"],
        json!({
            "consultations": 10, "deals": 8, "conversion": 0.8,
            "previous_from": "2026-03-18", "previous_to": "2026-03-24",
            "previous_consultations": 10, "previous_deals": 10, "previous_conversion": 1.0,
            "drop": 0.19999999999999996, "limit": 0.2, "min_consultations": 10
        })
    );
    // (No sales were exported: the slump — yellow, listed after red — cannot be judged either.)
    assert_eq!(
        which(&j["undecided"]),
        [
            entry("conversion_drop", None, Some("企划")),
            entry("slump", None, None)
        ]
    );
    assert_eq!(j["undecided"][1]["reason"], "no_input");
    let u = &j["undecided"][0];
    assert_eq!(u["reason"], "too_few_consultations");
    assert_eq!(
        u["message"],
        "渠道 企划：近 7 天咨询 9 次、之前 7 天（2026-03-18 ~ 2026-03-24）10 次，每段至少需要 10 次，无法判断转化率是否下降"
    );
    assert_eq!(run.code, 4, "red reaches the default --fail-on red: {run}");
}

#[test]
fn conversion_drop_stays_quiet_below_twenty_percent() {
    let w = Workdir::new();
    // 网络 10/10 → 9/10: 10% lower. 企划 10/10 → 10/10.
    conversion_data(&w, 10, 9, 10);
    let (run, j) = alerts(&w, "2026-03-31", &[]);
    assert_eq!(j["alerts"], json!([]), "{run}");
    assert_eq!(
        of_rule(&j["undecided"], "conversion_drop"),
        json!([]),
        "{run}"
    );
    assert_eq!(run.code, 0);
}

/// March to the 20th: `customers` customers consult 张三 (一店, roster), and the first 10 buy
/// from 张三 with doctor 李四 (一店) the same day (03-02, 03-04, … 03-20); `complaints` lines
/// are added to a complaints export.
fn rate_data(w: &Workdir, customers: usize, complaints: &[&str]) {
    let mut v = Vec::new();
    let mut s = Vec::new();
    for i in 0..customers {
        let d = if i < 10 {
            29 + 2 * i as i64
        } else {
            29 + (i % 19) as i64
        };
        // No channel: these consultations are for the rates, not for a conversion drop.
        v.push((day(d), customer(i), "", i < 10));
        if i < 10 {
            s.push((day(d), customer(i), 1000, "一店"));
        }
    }
    w.write("到院.csv", visits(&v));
    w.write("消费.csv", sales(&s));
    w.write(
        "员工花名册.csv",
        "姓名,岗位,门店\n张三,咨询师,一店\n李四,医生,一店\n",
    );
    let mut text = String::from("投诉日期,被投诉人,投诉类型,是否有效\n");
    for c in complaints {
        text.push_str(c);
        text.push('\n');
    }
    w.write("投诉.csv", text);
    config(
        w,
        "[roles.doctor]\nlabel = \"医生\"\nattribute = \"doctor\"\n[[roles.doctor.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 1000\n",
    );
}

#[test]
fn complaint_rate_fires_above_two_percent_month_to_date() {
    let w = Workdir::new();
    // 1 valid complaint (the invalid and the February one do not count) / 40 customers served
    // = 2.5% > 2%: red for the clinic and for 一店 (its roster people 张三 and 李四).
    rate_data(
        &w,
        40,
        &[
            "2026-03-05,张三,服务态度,有效",
            "2026-03-06,张三,服务态度,无效",
            "2026-02-20,张三,服务态度,有效",
        ],
    );
    let (run, j) = alerts(&w, "2026-03-20", &[]);
    assert_eq!(
        which(&j["alerts"]),
        [
            entry("complaint_rate", None, None),
            entry("complaint_rate", Some("一店"), None)
        ],
        "{run}"
    );
    assert_eq!(
        j["alerts"][0]["figures"],
        json!({"complaints": 1, "customers_served": 40, "rate": 0.025, "limit": 0.02})
    );
    assert_eq!(
        (
            j["alerts"][0]["from"].as_str(),
            j["alerts"][0]["to"].as_str()
        ),
        (Some("2026-03-01"), Some("2026-03-20"))
    );
    assert_eq!(
        j["alerts"][0]["message"],
        "全机构本月至今投诉率 2.5%（有效投诉 1 / 服务顾客 40），高于预警线 2.0%"
    );
    assert_eq!(run.code, 4);
}

#[test]
fn complaint_rate_of_exactly_two_percent_is_not_above_it() {
    let w = Workdir::new();
    // 1 / 50 = 2%: not above.
    rate_data(&w, 50, &["2026-03-05,张三,服务态度,有效"]);
    let (run, j) = alerts(&w, "2026-03-20", &[]);
    assert_eq!(j["alerts"], json!([]), "{run}");
    assert_eq!(run.code, 0);
}

#[test]
fn complication_rate_fires_on_one_complication_in_ten_treatments() {
    let w = Workdir::new();
    // 李四 is the doctor of the 10 orders: 1 valid 并发症 / 10 = 10% > 0.3%. The 不良反应 marked
    // 无效 does not count. 1 complaint / 40 served = 2.5% also fires.
    rate_data(
        &w,
        40,
        &[
            "2026-03-07,李四,并发症,有效",
            "2026-03-08,李四,不良反应,无效",
        ],
    );
    let (_, j) = alerts(&w, "2026-03-20", &[]);
    assert!(which(&j["alerts"]).contains(&entry("complication_rate", None, None)));
    assert!(which(&j["alerts"]).contains(&entry("complication_rate", Some("一店"), None)));
    let a = j["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule"] == "complication_rate")
        .unwrap();
    assert_eq!(
        a["figures"],
        json!({"complications": 1, "treatments": 10, "rate": 0.1, "limit": 0.003})
    );
}

#[test]
fn complication_rate_stays_quiet_without_a_complication() {
    let w = Workdir::new();
    // A valid complaint of another category: no complication (and 1/50 = 2% of complaints).
    rate_data(&w, 50, &["2026-03-07,李四,服务态度,有效"]);
    let (run, j) = alerts(&w, "2026-03-20", &[]);
    assert_eq!(j["alerts"], json!([]), "{run}");
}

#[test]
fn complaints_with_nobody_served_cannot_be_judged() {
    let w = Workdir::new();
    // The complaint names 赵六 of 二店, who served no one this month.
    rate_data(&w, 40, &["2026-03-05,赵六,服务态度,有效"]);
    w.write(
        "员工花名册.csv",
        "姓名,岗位,门店\n张三,咨询师,一店\n李四,医生,一店\n赵六,咨询师,二店\n",
    );
    let (run, j) = alerts(&w, "2026-03-20", &[]);
    // The clinic: 1 / 40 = 2.5% (everyone's complaints over everyone's customers): red.
    assert_eq!(
        which(&j["alerts"]),
        [entry("complaint_rate", None, None)],
        "{run}"
    );
    let u = of_rule(&j["undecided"], "complaint_rate");
    assert_eq!(which(&u), [entry("complaint_rate", Some("二店"), None)]);
    assert_eq!(u[0]["reason"], "nothing_to_divide");
    assert_eq!(
        u[0]["figures"],
        json!({"complaints": 1, "customers_served": 0, "rate": null, "limit": 0.02})
    );
}

/// Sales of 1,000 a day from 03-01 to 03-10 (10,000), 一店 and 二店 alternating.
fn pace_data(w: &Workdir, clinic: &str) {
    let rows: Vec<_> = (28..38)
        .map(|d| {
            (
                day(d),
                customer(d as usize),
                1000,
                if d % 2 == 0 { "一店" } else { "二店" },
            )
        })
        .collect();
    w.write("消费.csv", sales(&rows));
    config(w, clinic);
}

#[test]
fn pace_fires_behind_the_base_targets_pace() {
    let w = Workdir::new();
    // Clinic base 34,100 for March (31 days): by the 10th 34,100 × 10 / 31 = 11,000 > 10,000
    // → blue. 一店 base 15,500: 15,500 × 10 / 31 = 5,000 = its 5,000 (not behind) → quiet.
    pace_data(
        &w,
        "[clinic]\nrevenue = { base = 34100 }\n[clinic.stores]\n\"一店\" = { base = 15500 }\n",
    );
    let (run, j) = alerts(&w, "2026-03-10", &[]);
    assert_eq!(which(&j["alerts"]), [entry("pace", None, None)], "{run}");
    let a = &j["alerts"][0];
    assert_eq!(a["level"], "blue");
    assert_eq!(
        a["figures"],
        json!({"revenue": 10000.0, "expected": 11000.0, "base": 34100.0, "days_elapsed": 10, "days_in_month": 31})
    );
    assert_eq!(
        a["message"],
        "全机构本月至今业绩 ¥10,000，落后于基础目标进度 ¥11,000（基础目标 ¥34,100 × 10/31 天），差 ¥1,000"
    );
    // Blue is below the default --fail-on red, and below yellow; --fail-on blue exits 4.
    assert_eq!(run.code, 0);
    let (run, _) = alerts(&w, "2026-03-10", &["--fail-on", "yellow"]);
    assert_eq!(run.code, 0, "{run}");
    let (run, _) = alerts(&w, "2026-03-10", &["--fail-on", "blue"]);
    assert_eq!(run.code, 4, "{run}");
}

#[test]
fn pace_stays_quiet_on_pace_and_without_a_base() {
    let w = Workdir::new();
    // 31,000 × 10 / 31 = 10,000: on pace. 二店 has only a sprint: nothing to pace against.
    pace_data(
        &w,
        "[clinic]\nrevenue = { base = 31000 }\n[clinic.stores]\n\"二店\" = { sprint = 99000 }\n",
    );
    let (run, j) = alerts(&w, "2026-03-10", &[]);
    assert_eq!(j["alerts"], json!([]), "{run}");
    // (The slump needs the 30 days before 03-08, which were not exported.)
    assert_eq!(of_rule(&j["undecided"], "pace"), json!([]), "{run}");
}

#[test]
fn rules_without_their_input_say_so() {
    let w = Workdir::new();
    // Only visits, without a channel column, while [clinic.channels] sets targets; no sales,
    // no complaints.
    w.write(
        "到院.csv",
        "到院日期,手机号,现场咨询师,是否成交
2026-03-01,13900000001,张三,是
",
    );
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]
label = \"咨询师\"
[[roles.consultant.kpi]]
metric = \"conversion_rate\"
weight = 100
target = 0.5
         [clinic.channels]
\"网络\" = 0.45
",
    );
    let (run, j) = alerts(&w, "2026-03-01", &[]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(j["alerts"], json!([]));
    // Red rules first, then yellow.
    assert_eq!(
        which(&j["undecided"]),
        [
            entry("conversion_drop", None, None),
            entry("complaint_rate", None, None),
            entry("slump", None, None)
        ]
    );
    let messages: Vec<&str> = j["undecided"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            assert_eq!(u["reason"], "no_input");
            assert_eq!(u["figures"], json!({}));
            u["message"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        messages,
        [
            "到院咨询登记没有“来源渠道”列，无法判断 [clinic.channels] 各渠道的转化率",
            "没有投诉记录导出，无法判断投诉率和并发症发生率",
            "没有消费流水导出，无法判断业绩是否骤降"
        ]
    );
}

#[test]
fn a_configured_store_or_channel_no_export_names_is_not_judged() {
    let w = Workdir::new();
    // 一店 and 二店 sold; [clinic.stores] names C店 (as misspelt as can be) and [clinic.channels]
    // 企划, which no visits row names.
    pace_data(
        &w,
        "[clinic.stores]\n\"C店\" = { base = 1000 }\n[clinic.channels]\n\"企划\" = 0.28\n",
    );
    w.write("到院.csv", visits(&[(day(37), customer(1), "网络", true)]));
    let (run, j) = alerts(&w, "2026-03-10", &[]);
    assert_eq!(j["alerts"], json!([]), "{run}");
    let conversion = of_rule(&j["undecided"], "conversion_drop");
    assert_eq!(
        which(&conversion),
        [
            entry("conversion_drop", None, Some("企划")),
            entry("conversion_drop", None, Some("网络"))
        ]
    );
    assert_eq!(conversion[0]["reason"], "not_in_data");
    assert_eq!(
        conversion[0]["message"],
        "[clinic.channels] 中的渠道 企划 在到院咨询登记中从未出现（名称写错了，还是导出数据不对？），无法判断其转化率"
    );
    // 网络 is in the data, but its windows (02-25..03-10) go back before the exports (03-01).
    assert_eq!(conversion[1]["reason"], "not_covered");
    let pace = of_rule(&j["undecided"], "pace");
    assert_eq!(which(&pace), [entry("pace", Some("C店"), None)]);
    assert_eq!(pace[0]["reason"], "not_in_data");
    assert_eq!(pace[0]["scope"], "store");
}

#[test]
fn fail_on_sets_the_level_that_exits_4() {
    let w = Workdir::new();
    // One yellow alert (一店's slump), nothing else.
    slump_data(&w, [400, 0, 499]);
    for (fail_on, code) in [("red", 0), ("yellow", 4), ("blue", 4)] {
        let run = w.run(&["alerts", "--date", "2026-03-31", "--fail-on", fail_on, "-q"]);
        assert_eq!(run.code, code, "--fail-on {fail_on}: {run}");
        assert_eq!(run.stdout, "", "-q prints nothing: {run}");
    }
    let run = w.run(&["alerts", "--date", "2026-03-31", "--fail-on", "green"]);
    assert_eq!(run.code, 2, "{run}");
}

#[test]
fn a_day_past_the_exports_is_an_error_not_a_slump() {
    let w = Workdir::new();
    slump_data(&w, [1000, 1000, 1000]);
    // The sales end on 03-31: on 04-02 two days would read as 0 — a false slump.
    let run = w.run(&["alerts", "--date", "2026-04-02", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "clinic-kpi: --date 2026-04-02 is past the data: the exports end on 2026-03-31 (sales 2026-03-31, visits —); export the days up to 2026-04-02, or pass an earlier --date\n"
    );
    let run = w.run(&["alerts", "--date", "2026-04-02"]);
    assert_eq!(run.code, 1, "{run}");
    assert_eq!(
        run.stderr,
        "clinic-kpi: --date 2026-04-02 超出了导出数据：导出数据截至 2026-03-31（消费截至 2026-03-31，到院截至 —）。请补导出到 2026-04-02 的数据，或用更早的 --date\n"
    );
    // Not a date at all: a usage error.
    let run = w.run(&["alerts", "--date", "0331"]);
    assert_eq!(run.code, 2, "{run}");
}

#[test]
fn the_example_clinic_on_2026_10_20() {
    // With the config `init` writes (the example clinic's plan: 一店's base 65,000).
    let w = Workdir::new();
    assert_eq!(w.run(&["init", "-q"]).code, 0);
    let data = fixtures().join("clinic");
    let run = w.run(&[
        "alerts",
        "--data",
        data.to_str().unwrap(),
        "--date",
        "2026-10-20",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 4, "{run}");
    let j = run.json();
    // Red, then yellow, then blue; the clinic before its stores and channels (LEDGER.md,
    // "What overview and alerts show").
    assert_eq!(
        which(&j["alerts"]),
        [
            entry("conversion_drop", None, Some("美团")),
            entry("complaint_rate", None, None),
            entry("complaint_rate", Some("一店"), None),
            entry("complaint_rate", Some("二店"), None),
            entry("complaint_rate", Some("三店"), None),
            entry("complication_rate", None, None),
            entry("complication_rate", Some("一店"), None),
            entry("slump", Some("一店"), None),
            entry("pace", Some("一店"), None),
        ]
    );
    // 美团, 10-07..13: V19/20 (deal), V24 (否), W2..W8 W10 W11 (7 deals) = 11, 8;
    // 10-14..20: V30 (deal), W12..W21 (deals W13 W17 W20) = 11, 4. 4/11 against 8/11: 50% lower.
    assert_eq!(
        j["alerts"][0]["figures"],
        json!({
            "consultations": 11, "deals": 4, "conversion": 4.0 / 11.0,
            "previous_from": "2026-10-07", "previous_to": "2026-10-13",
            "previous_consultations": 11, "previous_deals": 8, "previous_conversion": 8.0 / 11.0,
            "drop": 0.5, "limit": 0.2, "min_consultations": 10
        })
    );
    // 一店's slump: 10-18 none, 10-19 none, 10-20 X24 −800; the 30 days 09-18..10-17 sold
    // G7 4,200 + G9 1,980 + G11 1,200 + G13 9,800 (September) + X4 1,980 + X5 6,800 + X7
    // 12,800 + X8 1,980 + G20 4,800 + X10 2,680 + X11 880 + X12 680 + X13 3,200 + X15 2,980
    // + X17 −2,980 + X19 4,200 + X21 1,200 = 58,380: 1,946 a day, line 973.
    let slump = &j["alerts"][7]["figures"];
    assert!((slump["daily_average"].as_f64().unwrap() - 58_380.0 / 30.0).abs() < 1e-9);
    assert_eq!(
        slump["days"],
        json!([
            {"date": "2026-10-18", "revenue": 0.0},
            {"date": "2026-10-19", "revenue": 0.0},
            {"date": "2026-10-20", "revenue": -800.0}
        ])
    );
    // 一店 to the 20th: 36,400 (X4..X21 without 二店's rows, LEDGER) − 800 (X24) + 4,800
    // (G20) = 40,400 against 65,000 × 20 / 31 = 41,935.48: behind.
    let pace = &j["alerts"][8]["figures"];
    assert_eq!(pace["revenue"], 40_400.0);
    assert!((pace["expected"].as_f64().unwrap() - 65_000.0 * 20.0 / 31.0).abs() < 1e-9);
    // The clinic's complaints to the 20th: C3 C4 C5 C6 (09:15 on the 20th) C9 = 5.
    assert_eq!(j["alerts"][1]["figures"]["complaints"], 5);
    // The other channels have too few consultations to judge (configured ones first).
    assert_eq!(
        which(&j["undecided"]),
        ["抖音", "小红书", "老带新", "自然到店"]
            .map(|c| entry("conversion_drop", None, Some(c)))
            .to_vec()
    );
}
