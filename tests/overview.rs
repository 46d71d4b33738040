//! `clinic-kpi overview` (SPEC §8.1). On the example clinic every number is counted by hand
//! from fixtures/clinic/LEDGER.md (X = 消费明细 xlsx row, G = 补充导出 csv line, H = 消费流水_三店
//! line, V = 到院咨询登记 line, W = 到院咨询登记_三店 line, C = 投诉记录 row), against the
//! example clinic's targets that `init` writes (src/default_config.toml); the smaller rules on
//! CSV files the tests write.

use crate::workdir::{fixtures, Workdir};
use serde_json::Value;

fn overview_json(w: &Workdir, args: &[&str]) -> Value {
    let mut all = vec!["overview", "--format", "json"];
    all.extend_from_slice(args);
    let run = w.run(&all);
    assert_eq!(run.code, 0, "{run}");
    run.json()
}

/// `overview` of the example clinic, with the config `init` writes (the example clinic's plan).
fn example(month: &str) -> Value {
    let w = Workdir::new();
    let run = w.run(&["init", "-q"]);
    assert_eq!(run.code, 0, "{run}");
    let data = fixtures().join("clinic");
    overview_json(&w, &["--data", data.to_str().unwrap(), "--month", month])
}

/// Checks each `(key, value)` of `obj`: None is a JSON null, a number within 1e-9.
#[track_caller]
fn expect(obj: &Value, what: &str, want: &[(&str, Option<f64>)]) {
    for (key, value) in want {
        let got = &obj[*key];
        match value {
            None => assert!(got.is_null(), "{what}.{key}: {got}, want null in {obj:#}"),
            Some(v) => {
                let g = got
                    .as_f64()
                    .unwrap_or_else(|| panic!("{what}.{key}: {got} is no number in {obj:#}"));
                assert!((g - v).abs() < 1e-9, "{what}.{key}: {g}, want {v}");
            }
        }
    }
}

/// The row of `list` whose `key` is `name` (None: the null row).
fn row<'a>(list: &'a Value, key: &str, name: Option<&str>) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r[key].as_str() == name)
        .unwrap_or_else(|| panic!("no {key} {name:?} in {list:#}"))
}

fn names(list: &Value, key: &str) -> Vec<Option<String>> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_number_of_the_example_clinic_by_hand() {
    let j = example("2026-10");
    assert_eq!(j["period"]["label"], "2026-10");
    // The inputs reach from 2026-08-31 (V43) to 2026-10-30: September is covered (SPEC §4).
    assert_eq!(j["previous_period"]["label"], "2026-09");

    // --- 整体
    // Revenue: the xlsx's 24 October rows 86,780 (LEDGER) + G18..G22 1,980 + 1,500 + 4,800 +
    // 5,400 + 380 = 14,060 + 三店's H2..H14 17,960 = 118,800.
    // 再消费 (no visit of the customer that day): X12 680, X17 −2,980, X24 −800, X30 880,
    // G20 4,800, G21 5,400, G22 380 = 8,360; every other sale has a visit that day (X4/V14 …
    // G19/V42, H2..H14/W2..W24): 初复诊 118,800 − 8,360 = 110,440.
    // Consultations: 27 of the main register (28 October lines, V19/V20 one consultation),
    // 21 deals; 三店's 23 (W2..W24), 13 deals → 50, 34.
    // 初诊上门量: 20 customers with a 初诊 line in the main register (V14 16 17 19 21 22 23 24
    // 25 26 27 28 30 31 32 33 35 39 40 41) + 22 of 三店 (W2..W23) = 42.
    // Customers served (everyone named): 24 customers of the main register's October lines
    // + 22 of 三店's + X12 15000008901 and X30 15800000123 (sales naming staff, no visit);
    // G20..G22 name no one → 48. Valid complaints C3 C4 C5 C6 C8 C9 = 6 (C7 无效): 6 / 48.
    // Complications: C4 (并发症, valid) = 1; treatments = orders of positive sales naming a
    // doctor: X4 X5 X6 X7/X8 X9 X10 X13 X14 X15 X19 X20 X21 X22 X23 X26 X27 X29 (17) + G18
    // G19 = 19: 1 / 19.
    // Targets (template): revenue 110,000 / 130,000; split 0.55 / 0.45; first visits 40 / 50.
    let c = &j["clinic"];
    expect(
        c,
        "clinic",
        &[
            ("revenue", Some(118_800.0)),
            ("initial_revenue", Some(110_440.0)),
            ("repeat_revenue", Some(8_360.0)),
            ("initial_share", Some(110_440.0 / 118_800.0)),
            ("repeat_share", Some(8_360.0 / 118_800.0)),
            ("first_visits", Some(42.0)),
            ("consultations", Some(50.0)),
            ("deals", Some(34.0)),
            ("conversion", Some(34.0 / 50.0)),
            ("customers_served", Some(48.0)),
            ("complaints", Some(6.0)),
            ("complaint_rate", Some(6.0 / 48.0)),
            ("complications", Some(1.0)),
            ("treatments", Some(19.0)),
            ("complication_rate", Some(1.0 / 19.0)),
            ("base", Some(110_000.0)),
            ("sprint", Some(130_000.0)),
            ("attainment_base", Some(118_800.0 / 110_000.0)),
            ("attainment_sprint", Some(118_800.0 / 130_000.0)),
            ("gap_base", Some(110_000.0 - 118_800.0)),
            ("gap_sprint", Some(130_000.0 - 118_800.0)),
            ("plan_initial_share", Some(0.55)),
            ("plan_repeat_share", Some(0.45)),
            ("first_visits_base", Some(40.0)),
            ("first_visits_sprint", Some(50.0)),
            ("first_visits_surplus", Some(2.0)),
            ("complaint_rate_limit", Some(0.02)),
            ("complication_rate_limit", Some(0.003)),
        ],
    );
    // September (G2..G13, V3..V13, C2): revenue 47,280; 再消费 G11 1,200 (no visit 09-26) and
    // G12 −500 = 700, 初复诊 46,580; 11 consultations, 10 deals (V11 否), 11 first visits;
    // served 11; complaint C2: 1 / 11; treatments G2 G3 G4 G6 G7 G8 G9 G10 G11 G13 = 10, no
    // complication.
    expect(
        &c["previous"],
        "clinic.previous",
        &[
            ("revenue", Some(47_280.0)),
            ("initial_revenue", Some(46_580.0)),
            ("repeat_revenue", Some(700.0)),
            ("initial_share", Some(46_580.0 / 47_280.0)),
            ("repeat_share", Some(700.0 / 47_280.0)),
            ("first_visits", Some(11.0)),
            ("consultations", Some(11.0)),
            ("deals", Some(10.0)),
            ("conversion", Some(10.0 / 11.0)),
            ("customers_served", Some(11.0)),
            ("complaints", Some(1.0)),
            ("complaint_rate", Some(1.0 / 11.0)),
            ("complications", Some(0.0)),
            ("treatments", Some(10.0)),
            ("complication_rate", Some(0.0)),
        ],
    );

    // --- 门店: the configured 一店 and 二店, then 三店 as the data names it.
    let stores = &j["stores"];
    assert_eq!(
        names(stores, "store"),
        [
            Some("一店".into()),
            Some("二店".into()),
            Some("三店".into())
        ]
    );
    // 一店: X4 X5 X7 X8 X10 X11 X12 X13 X15 X17 X19 X21 X24 X26 X30 = 46,280 + G20 4,800 + G22
    // 380 = 51,460; 再消费 680 − 2,980 − 800 + 880 + 4,800 + 380 = 2,960. 12 consultations,
    // 9 deals; 初诊 customers V14 17 19 21 23 26 27 32 35 39 = 10. Roster people (林晓雯 王思琪
    // 陈建国 刘芳 赵敏 孙悦) served 13 customers (LEDGER), complaints C3 C4; 陈建国's 9 orders,
    // complication C4. Targets 65,000 / 75,000.
    expect(
        row(stores, "store", Some("一店")),
        "一店",
        &[
            ("revenue", Some(51_460.0)),
            ("initial_revenue", Some(48_500.0)),
            ("repeat_revenue", Some(2_960.0)),
            ("first_visits", Some(10.0)),
            ("consultations", Some(12.0)),
            ("deals", Some(9.0)),
            ("conversion", Some(9.0 / 12.0)),
            ("customers_served", Some(13.0)),
            ("complaints", Some(2.0)),
            ("complaint_rate", Some(2.0 / 13.0)),
            ("complications", Some(1.0)),
            ("treatments", Some(9.0)),
            ("complication_rate", Some(1.0 / 9.0)),
            ("base", Some(65_000.0)),
            ("sprint", Some(75_000.0)),
            ("attainment_base", Some(51_460.0 / 65_000.0)),
            ("attainment_sprint", Some(51_460.0 / 75_000.0)),
            ("gap_base", Some(13_540.0)),
            ("gap_sprint", Some(23_540.0)),
        ],
    );
    // September 一店: G2 G3 G5 G6 G7 G9 G11 G13 = 29,320.
    expect(
        &row(stores, "store", Some("一店"))["previous"],
        "一店.previous",
        &[
            ("revenue", Some(29_320.0)),
            ("repeat_revenue", Some(1_200.0)),
        ],
    );
    // 二店: X6 X9 X14 X16 X20 X22 X23 X27 X29 G18 G19 = 43,980 + G21 5,400 = 49,380 (再消费
    // 5,400). 15 consultations, 12 deals; 初诊 V16 22 24 25 28 30 31 33 40 41 = 10. Served 13,
    // complaints C5 C6 C8 (C7 无效); 郑凯's 10 orders, no complication. 45,000 / 55,000.
    expect(
        row(stores, "store", Some("二店")),
        "二店",
        &[
            ("revenue", Some(49_380.0)),
            ("initial_revenue", Some(43_980.0)),
            ("repeat_revenue", Some(5_400.0)),
            ("first_visits", Some(10.0)),
            ("consultations", Some(15.0)),
            ("deals", Some(12.0)),
            ("customers_served", Some(13.0)),
            ("complaints", Some(3.0)),
            ("complaint_rate", Some(3.0 / 13.0)),
            ("complications", Some(0.0)),
            ("treatments", Some(10.0)),
            ("complication_rate", Some(0.0)),
            ("attainment_base", Some(49_380.0 / 45_000.0)),
            ("attainment_sprint", Some(49_380.0 / 55_000.0)),
            ("gap_base", Some(-4_380.0)),
            ("gap_sprint", Some(5_620.0)),
        ],
    );
    // September 二店: G4 12,800 + G8 2,680 + G10 2,980 + G12 −500 = 17,960.
    assert_eq!(
        row(stores, "store", Some("二店"))["previous"]["revenue"],
        17_960.0
    );
    // 三店: H2..H14 = 17,960, all 初复诊; 23 consultations, 13 deals, 22 初诊 customers; 郭佳
    // served 22, complaint C9; no sale names a doctor: no treatments, no rate. No target (the
    // template leaves 三店 commented out). September: nothing.
    let s3 = row(stores, "store", Some("三店"));
    expect(
        s3,
        "三店",
        &[
            ("revenue", Some(17_960.0)),
            ("initial_revenue", Some(17_960.0)),
            ("repeat_revenue", Some(0.0)),
            ("first_visits", Some(22.0)),
            ("consultations", Some(23.0)),
            ("deals", Some(13.0)),
            ("customers_served", Some(22.0)),
            ("complaints", Some(1.0)),
            ("complaint_rate", Some(1.0 / 22.0)),
            ("treatments", Some(0.0)),
            ("complication_rate", None),
            ("base", None),
            ("sprint", None),
            ("attainment_base", None),
            ("gap_base", None),
        ],
    );
    expect(
        &s3["previous"],
        "三店.previous",
        &[("revenue", Some(0.0)), ("consultations", Some(0.0))],
    );

    // --- 科室 (the sales' 科室 column)
    let d = &j["departments"];
    assert_eq!(
        names(d, "department"),
        [
            Some("整形外科".into()),
            Some("皮肤科".into()),
            Some("微整科".into())
        ]
    );
    // 整形外科: X23 8,800 + X26 9,800 = 18,600, 2 paying customers, 客单价 9,300; plan 0.25,
    // 25,000 / 30,000. September: G13 9,800.
    expect(
        row(d, "department", Some("整形外科")),
        "整形外科",
        &[
            ("revenue", Some(18_600.0)),
            ("share", Some(18_600.0 / 118_800.0)),
            ("plan_share", Some(0.25)),
            ("paying_customers", Some(2.0)),
            ("ticket_price", Some(9_300.0)),
            ("base", Some(25_000.0)),
            ("sprint", Some(30_000.0)),
            ("attainment_base", Some(18_600.0 / 25_000.0)),
            ("attainment_sprint", Some(18_600.0 / 30_000.0)),
        ],
    );
    expect(
        &row(d, "department", Some("整形外科"))["previous"],
        "整形外科.previous",
        &[
            ("revenue", Some(9_800.0)),
            ("share", Some(9_800.0 / 47_280.0)),
            ("paying_customers", Some(1.0)),
            ("ticket_price", Some(9_800.0)),
        ],
    );
    // 皮肤科: X7 12,800 X9 13,800 X10 2,680 X11 880 X12 680 X13 3,200 X14 2,680 X16 680
    // X19 4,200 X22 880 X24 −800 X30 880 = 42,560 + G20 4,800 + G22 380 + H2..H14 17,960
    // = 65,700. Paying: 13900002345 13922223333 13700003456 15000008901 13600004567
    // 13733334444 15199990000 15100009012 13645678901 15800000123 13800001234 (11) + 三店's
    // 12 (17355550001 twice) = 23. Plan 0.45, no levels. September: G4 G5 G6 G7 G8 = 23,040.
    expect(
        row(d, "department", Some("皮肤科")),
        "皮肤科",
        &[
            ("revenue", Some(65_700.0)),
            ("share", Some(65_700.0 / 118_800.0)),
            ("plan_share", Some(0.45)),
            ("paying_customers", Some(23.0)),
            ("ticket_price", Some(65_700.0 / 23.0)),
            ("base", None),
            ("attainment_base", None),
        ],
    );
    assert_eq!(
        row(d, "department", Some("皮肤科"))["previous"]["revenue"],
        23_040.0
    );
    // 微整科: X4 1,980 X5 6,800 X6 7,200 X8 1,980 X15 2,980 X17 −2,980 X20 2,980 X21 1,200
    // X27 1,980 X29 1,500 G18 1,980 G19 1,500 G21 5,400 = 34,500. Paying: 18800007890
    // 13800001234 13811112222 13900002345 18655556666 15066667777 13512340987 13922223333 = 8
    // (13500005678 bought and was refunded: 0). September: G2 G3 G9 G10 G11 G12 = 14,440.
    expect(
        row(d, "department", Some("微整科")),
        "微整科",
        &[
            ("revenue", Some(34_500.0)),
            ("share", Some(34_500.0 / 118_800.0)),
            ("plan_share", Some(0.30)),
            ("paying_customers", Some(8.0)),
            ("ticket_price", Some(34_500.0 / 8.0)),
        ],
    );
    assert_eq!(
        row(d, "department", Some("微整科"))["previous"]["revenue"],
        14_440.0
    );

    // --- 渠道 (来源渠道 of each consultation's first line): configured 美团 抖音 小红书 老带新,
    // then 自然到店 (no target).
    let ch = &j["channels"];
    assert_eq!(
        names(ch, "channel"),
        ["美团", "抖音", "小红书", "老带新", "自然到店"]
            .map(|s| Some(s.to_string()))
            .to_vec()
    );
    // Revenue: each customer's October revenue goes to the channel of their first October
    // consultation.
    // 美团: V14 V19/20 V24 V30 V39 (deals V14 V19/20 V30) + W2..W8 W10..W22 W24 (deals W2 W3
    // W5 W6 W7 W10 W11 W13 W17 W20 W22 W24) → 26, 15. Revenue 18800007890 1,980 +
    // 13700003456 3,560 + 13645678901 880 + 三店's first-美团 customers 17355550001 3,360,
    // …0002 880, …0004 680, …0005 2,680, …0006 680, …0008 880, …0009 680, …0012 680,
    // …0016 880, …0019 680, …0021 2,680 = 6,420 + 14,760 = 21,180.
    expect(
        row(ch, "channel", Some("美团")),
        "美团",
        &[
            ("consultations", Some(26.0)),
            ("deals", Some(15.0)),
            ("conversion", Some(15.0 / 26.0)),
            ("target", Some(0.50)),
            ("revenue", Some(21_180.0)),
        ],
    );
    // September 美团: V4 V7 (deals) V11 (否) → 3, 2; revenue 13800001234 1,980 + 13312345678
    // 2,680 = 4,660.
    expect(
        &row(ch, "channel", Some("美团"))["previous"],
        "美团.previous",
        &[
            ("consultations", Some(3.0)),
            ("deals", Some(2.0)),
            ("conversion", Some(2.0 / 3.0)),
            ("revenue", Some(4_660.0)),
        ],
    );
    // 抖音: V16 V21 V26 V31 V33 V38 V41 (deals all but V26 V33) + W9 → 8, 6. Revenue
    // 13811112222 8,700 + 13600004567 2,400 + 18877778888 8,800 + 13512340987 1,980 +
    // 17355550010 3,200 = 25,080.
    expect(
        row(ch, "channel", Some("抖音")),
        "抖音",
        &[
            ("consultations", Some(8.0)),
            ("deals", Some(6.0)),
            ("conversion", Some(0.75)),
            ("target", Some(0.60)),
            ("revenue", Some(25_080.0)),
        ],
    );
    // 小红书: V17 V23 V28 V32 V36 V40 V42 (V32 N) + W23 (否) → 8, 6. Revenue 13900002345
    // 12,800 + 1,980 + 4,800 (G20) + 18655556666 2,980 + 1,500 + 15066667777 1,980 = 26,040
    // (13500005678 0, 13277778888 and 17711112222 bought nothing that was read).
    expect(
        row(ch, "channel", Some("小红书")),
        "小红书",
        &[
            ("consultations", Some(8.0)),
            ("deals", Some(6.0)),
            ("revenue", Some(26_040.0)),
        ],
    );
    // 老带新: V15 V22 V27 V29 V37 (V37 N) → 5, 4; V29 is 13800001234's second consultation:
    // first V15. Revenue 13800001234 6,800 + 1,200 + 380 + 13733334444 2,680 + 15100009012
    // 4,200 = 15,260.
    expect(
        row(ch, "channel", Some("老带新")),
        "老带新",
        &[
            ("consultations", Some(5.0)),
            ("deals", Some(4.0)),
            ("target", Some(0.80)),
            ("revenue", Some(15_260.0)),
        ],
    );
    // 自然到店: V18 V25 V35, all deals. Revenue 13922223333 13,800 + 5,400 + 15199990000 680 +
    // 18600006789 9,800 = 29,680. No target.
    expect(
        row(ch, "channel", Some("自然到店")),
        "自然到店",
        &[
            ("consultations", Some(3.0)),
            ("deals", Some(3.0)),
            ("conversion", Some(1.0)),
            ("target", None),
            ("revenue", Some(29_680.0)),
        ],
    );
}

#[test]
fn previous_is_null_when_the_inputs_do_not_cover_it() {
    // For 2026-09 the previous period is August, of which only 08-31 (V43) was exported.
    let j = example("2026-09");
    assert!(j["previous_period"].is_null(), "{j:#}");
    assert!(j["clinic"]["previous"].is_null());
    for section in ["stores", "departments", "channels"] {
        for r in j[section].as_array().unwrap() {
            assert!(r["previous"].is_null(), "{section}: {r}");
        }
    }
    // September itself: 47,280 (G2..G13).
    assert_eq!(j["clinic"]["revenue"], 47_280.0);
}

/// A tiny clinic written as CSV: two stores, departments and channels, March 2026.
fn tiny(w: &Workdir, config_clinic: &str) {
    w.write(
        "消费.csv",
        "日期,手机号,实收金额,咨询师,门店,科室,单号\n\
         2026-03-02,13900000001,1000,张三,A店,皮肤科,1\n\
         2026-03-02,13900000002,3000,张三,A店,,2\n\
         2026-03-05,13900000001,-200,张三,A店,皮肤科,3\n\
         2026-03-09,13900000003,600,李四,B店,微整科,4\n\
         2026-03-20,13900000004,400,,B店,微整科,5\n",
    );
    w.write(
        "到院.csv",
        "到院日期,手机号,现场咨询师,初复诊,来源渠道,是否成交,门店\n\
         2026-03-02,13900000001,张三,初诊,网络,是,A店\n\
         2026-03-02,13900000002,张三,复诊,企划,是,A店\n\
         2026-03-09,13900000003,李四,初诊,网络,是,B店\n\
         2026-03-09,13900000005,李四,初诊,,否,B店\n\
         2026-03-12,13900000001,张三,复诊,企划,否,A店\n",
    );
    w.write(
        "clinic-kpi.toml",
        format!(
            "[roles.consultant]\nlabel = \"咨询师\"\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 1000\n\n{config_clinic}"
        ),
    );
}

#[test]
fn sections_follow_the_columns_and_the_config() {
    let w = Workdir::new();
    tiny(
        &w,
        "[clinic]\nrevenue = { base = 4000 }\nfirst_visits = { sprint = 3 }\n\
         [clinic.departments]\n\"皮肤科\" = { share = 0.5, base = 1000 }\n\"整形外科\" = { share = 0.2 }\n\
         [clinic.channels]\n\"企划\" = 0.28\n\"网络\" = 0.45\n\
         [clinic.stores]\n\"C店\" = { base = 500 }\n",
    );
    let j = overview_json(&w, &["--month", "2026-03"]);
    // Revenue 1,000 + 3,000 − 200 + 600 + 400 = 4,800; base 4,000 → 1.2, 800 past it. The
    // sale on 03-05 and 03-20 have no visit that day: 再消费 −200 + 400 = 200.
    expect(
        &j["clinic"],
        "clinic",
        &[
            ("revenue", Some(4_800.0)),
            ("repeat_revenue", Some(200.0)),
            ("attainment_base", Some(1.2)),
            ("gap_base", Some(-800.0)),
            ("sprint", None),
            ("attainment_sprint", None),
            ("plan_initial_share", None),
            // 初诊: 13900000001 (03-02), 13900000003, 13900000005 = 3; sprint 3, no base.
            ("first_visits", Some(3.0)),
            ("first_visits_base", None),
            ("first_visits_sprint", Some(3.0)),
            ("first_visits_surplus", None),
            // No complaints input: nothing to count.
            ("complaints", None),
            ("complaint_rate", None),
        ],
    );
    // February is not in the exports: no previous.
    assert!(j["clinic"]["previous"].is_null());
    // Stores: the configured C店 (never in the data: all 0), then A店 and B店.
    let stores = &j["stores"];
    assert_eq!(
        names(stores, "store"),
        [Some("C店".into()), Some("A店".into()), Some("B店".into())]
    );
    expect(
        row(stores, "store", Some("C店")),
        "C店",
        &[
            ("revenue", Some(0.0)),
            ("attainment_base", Some(0.0)),
            ("consultations", Some(0.0)),
        ],
    );
    // A店: 1,000 + 3,000 − 200 = 3,800; B店 600 + 400 = 1,000.
    expect(
        row(stores, "store", Some("A店")),
        "A店",
        &[("revenue", Some(3_800.0)), ("base", None)],
    );
    // Departments: configured 皮肤科 (1,000 − 200 = 800 of 4,800; one paying customer) and
    // 整形外科 (none sold: 0), then 微整科 (600 + 400 = 1,000, two customers), then the sale
    // with no 科室 (3,000) under null.
    let d = &j["departments"];
    assert_eq!(
        names(d, "department"),
        [
            Some("皮肤科".into()),
            Some("整形外科".into()),
            Some("微整科".into()),
            None
        ]
    );
    expect(
        row(d, "department", Some("皮肤科")),
        "皮肤科",
        &[
            ("revenue", Some(800.0)),
            ("share", Some(800.0 / 4_800.0)),
            ("plan_share", Some(0.5)),
            ("paying_customers", Some(1.0)),
            ("ticket_price", Some(800.0)),
            ("attainment_base", Some(0.8)),
        ],
    );
    expect(
        row(d, "department", Some("整形外科")),
        "整形外科",
        &[
            ("revenue", Some(0.0)),
            ("share", Some(0.0)),
            ("paying_customers", Some(0.0)),
            ("ticket_price", None),
        ],
    );
    expect(
        row(d, "department", Some("微整科")),
        "微整科",
        &[("revenue", Some(1_000.0)), ("ticket_price", Some(500.0))],
    );
    expect(
        row(d, "department", None),
        "no department",
        &[("revenue", Some(3_000.0)), ("plan_share", None)],
    );
    // Channels: 企划 (03-02 deal, 03-12 no deal: 1 of 2; its revenue: 13900000002's 3,000 —
    // 13900000001's first consultation was 网络), 网络 (2 deals of 2; 13900000001's 800 +
    // 13900000003's 600), and the consultation with no channel under null.
    let ch = &j["channels"];
    assert_eq!(
        names(ch, "channel"),
        [Some("企划".into()), Some("网络".into()), None]
    );
    expect(
        row(ch, "channel", Some("企划")),
        "企划",
        &[
            ("consultations", Some(2.0)),
            ("deals", Some(1.0)),
            ("conversion", Some(0.5)),
            ("target", Some(0.28)),
            ("revenue", Some(3_000.0)),
        ],
    );
    expect(
        row(ch, "channel", Some("网络")),
        "网络",
        &[
            ("consultations", Some(2.0)),
            ("deals", Some(2.0)),
            ("revenue", Some(1_400.0)),
        ],
    );
    expect(
        row(ch, "channel", None),
        "no channel",
        &[
            ("consultations", Some(1.0)),
            ("deals", Some(0.0)),
            ("target", None),
        ],
    );
}

#[test]
fn a_quarter_scales_money_and_counts_not_shares() {
    let w = Workdir::new();
    tiny(
        &w,
        "[clinic]\nrevenue = { base = 4000, sprint = 5000 }\nfirst_visits = { base = 2 }\n\
         split = { first_and_return = 0.6, repeat = 0.4 }\n\
         [clinic.departments]\n\"皮肤科\" = { share = 0.5, base = 1000 }\n\
         [clinic.channels]\n\"网络\" = 0.45\n",
    );
    let j = overview_json(&w, &["--quarter", "2026Q1"]);
    // Q1 = 3 months: base 12,000, sprint 15,000; 4,800 / 12,000 = 0.4. First visits base 6,
    // 3 of them: no surplus (0). Shares and rates as written.
    expect(
        &j["clinic"],
        "clinic",
        &[
            ("revenue", Some(4_800.0)),
            ("base", Some(12_000.0)),
            ("sprint", Some(15_000.0)),
            ("attainment_base", Some(0.4)),
            ("first_visits_base", Some(6.0)),
            ("first_visits_surplus", Some(0.0)),
            ("plan_initial_share", Some(0.6)),
        ],
    );
    expect(
        row(&j["departments"], "department", Some("皮肤科")),
        "皮肤科",
        &[("base", Some(3_000.0)), ("plan_share", Some(0.5))],
    );
    expect(
        row(&j["channels"], "channel", Some("网络")),
        "网络",
        &[("target", Some(0.45))],
    );
}

#[test]
fn without_store_department_or_channel_columns_the_sections_are_empty() {
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "日期,手机号,实收金额,咨询师\n2026-03-02,13900000001,1000,张三\n",
    );
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 1000\n\
         [clinic.stores]\n\"A店\" = { base = 500 }\n",
    );
    let j = overview_json(&w, &["--month", "2026-03"]);
    assert_eq!(j["clinic"]["revenue"], 1_000.0);
    for section in ["stores", "departments", "channels"] {
        assert_eq!(j[section], serde_json::json!([]), "{section}");
    }
    // The table says why instead of showing zeros.
    let run = w.run(&["overview", "--month", "2026-03"]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(
        run.stdout
            .matches("（导出数据没有这一列，无法分列）")
            .count(),
        3,
        "{run}"
    );
}

#[test]
fn without_a_config_no_clinic_targets_apply() {
    // The built-in defaults keep the template's roles and [alerts] lines but not its [clinic]
    // targets, which are the example clinic's: nothing measures a clinic against another's plan.
    let w = Workdir::new();
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
    assert!(
        run.stderr
            .contains("当前文件夹没有 clinic-kpi.toml：使用内置默认配置"),
        "{run}"
    );
    let j = run.json();
    expect(
        &j["clinic"],
        "clinic",
        &[
            ("revenue", Some(118_800.0)),
            ("base", None),
            ("attainment_base", None),
            ("plan_initial_share", None),
            ("first_visits_base", None),
            ("complaint_rate_limit", Some(0.02)),
        ],
    );
    // No configured store, department or channel: the data's own, in the order it names them.
    assert_eq!(
        names(&j["stores"], "store"),
        [
            Some("一店".into()),
            Some("二店".into()),
            Some("三店".into())
        ]
    );
    assert!(j["stores"][0]["base"].is_null());
    assert_eq!(
        names(&j["channels"], "channel"),
        ["小红书", "美团", "抖音", "自然到店", "老带新"]
            .map(|s| Some(s.to_string()))
            .to_vec()
    );
    assert!(j["channels"][0]["target"].is_null());
}

#[test]
fn tables_in_chinese_and_english() {
    let w = Workdir::new();
    assert_eq!(w.run(&["init", "-q"]).code, 0);
    let data = fixtures().join("clinic");
    let d = data.to_str().unwrap();
    let run = w.run(&["overview", "--data", d, "--month", "2026-10"]);
    assert_eq!(run.code, 0, "{run}");
    let first: Vec<&str> = run.stdout.lines().take(2).collect();
    assert_eq!(
        first,
        [
            "经营概览 2026-10 (2026-10-01 ~ 2026-10-31)",
            "上期 2026-09 (2026-09-01 ~ 2026-09-30)"
        ]
    );
    for label in [
        "整体",
        "初复诊业绩",
        "¥118,800",
        "基础达成率",
        "108.0%",
        "门店",
        "科室",
        "渠道",
    ] {
        assert!(run.stdout.contains(label), "{label}: {run}");
    }
    let run = w.run(&[
        "overview", "--data", d, "--month", "2026-10", "--lang", "en",
    ]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout
            .starts_with("Clinic overview 2026-10 (2026-10-01 ~ 2026-10-31)\nPrevious 2026-09"),
        "{run}"
    );
    for label in [
        "Attainment of base",
        "Ticket price",
        "Target conversion",
        "Stores",
    ] {
        assert!(run.stdout.contains(label), "{label}: {run}");
    }
    for label in ["整体", "基础达成率", "门店"] {
        assert!(!run.stdout.contains(label), "{label}: {run}");
    }
}

/// A year over month ends, counted on one thread and on two (`--jobs 1`, `--jobs 2`: the
/// quality sums and the consultations then run beside the revenue): the same figures, by hand.
/// Covers a sale on the day after a visit (再消费), a refund on a visit day (初复诊, negative),
/// a customer who consulted in two stores, an order id on two rows (one treatment), a doctor
/// sale without one (one more), and a customer whose first consultation by date is a later
/// line of the register (its channel gets their revenue).
#[test]
fn a_year_over_month_ends_on_one_thread_and_two() {
    let w = Workdir::new();
    w.write(
        "消费.csv",
        "日期,手机号,实收金额,咨询师,医生,门店,单号\n\
         2026-01-31,13900000001,1000,张三,王医生,A店,O1\n\
         2026-02-01,13900000001,500,张三,王医生,A店,O1\n\
         2026-02-01,13900000001,-300,张三,,A店,O2\n\
         2026-03-31,13900000002,2000,张三,王医生,A店,O3\n\
         2026-04-01,13900000002,800,李四,王医生,B店,\n\
         2026-04-01,13900000002,-100,李四,,B店,O4\n\
         2026-12-31,13900000003,600,李四,,B店,O5\n\
         2025-12-31,13900000003,999,李四,,B店,O6\n",
    );
    w.write(
        "到院.csv",
        "到院日期,手机号,现场咨询师,初复诊,来源渠道,是否成交,门店\n\
         2026-01-31,13900000001,张三,初诊,网络,是,A店\n\
         2026-03-31,13900000002,张三,初诊,网络,是,A店\n\
         2026-03-30,13900000002,李四,复诊,企划,否,B店\n\
         2026-04-01,13900000002,李四,初诊,企划,是,B店\n\
         2026-12-31,13900000003,李四,初诊,,否,B店\n\
         2026-12-31,13900000003,李四,初诊,,否,B店\n\
         2026-06-01,13900000004,张三,初诊,网络,否,A店\n",
    );
    w.write(
        "投诉.csv",
        "投诉日期,被投诉人,投诉类型,是否有效\n2026-04-01,王医生,服务态度,是\n",
    );
    w.write(
        "clinic-kpi.toml",
        "[roles.consultant]\nlabel = \"咨询师\"\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 1000\n",
    );
    let one = overview_json(&w, &["--year", "2026", "--jobs", "1"]);
    let two = overview_json(&w, &["--year", "2026", "--jobs", "2"]);
    for j in [&one, &two] {
        // 2025 is not covered (the sales reach back only to 2025-12-31): no previous.
        assert!(j["previous_period"].is_null(), "{j:#}");
        // Revenue 1,000 + 500 − 300 + 2,000 + 800 − 100 + 600 = 4,500 (2025-12-31 is out).
        // 初复诊 (a visit of the customer that day): 01-31 1,000, 03-31 2,000, 04-01 800 and
        // −100, 12-31 600 = 4,300; 再消费 02-01 500 − 300 = 200.
        // Consultations: 01-31, 03-31, 03-30, 04-01, 12-31 (two lines, one consultation),
        // 06-01 = 6; deals 01-31, 03-31, 04-01 = 3.
        // 初诊上门量: 13900000001, …02, …03, …04 = 4 (…02 has 初诊 in both stores, once).
        // Served: the four customers. Complaints 1 / 4. Treatments: positive sales naming a
        // doctor: O1 (two rows, one order), O3, and 04-01's 800 without an order = 3.
        expect(
            &j["clinic"],
            "clinic",
            &[
                ("revenue", Some(4_500.0)),
                ("initial_revenue", Some(4_300.0)),
                ("repeat_revenue", Some(200.0)),
                ("consultations", Some(6.0)),
                ("deals", Some(3.0)),
                ("first_visits", Some(4.0)),
                ("customers_served", Some(4.0)),
                ("complaints", Some(1.0)),
                ("complaint_rate", Some(0.25)),
                ("complications", Some(0.0)),
                ("treatments", Some(3.0)),
            ],
        );
        // A店: 1,000 + 500 − 300 + 2,000 = 3,200, 初复诊 1,000 + 2,000 = 3,000; consultations
        // 01-31, 03-31, 06-01 (deals 2); 初诊 …01, …02, …04 = 3.
        // B店: 800 − 100 + 600 = 1,300, all 初复诊; consultations 03-30, 04-01, 12-31 (deal
        // 04-01); 初诊 …02 (04-01), …03 = 2.
        let stores = &j["stores"];
        expect(
            row(stores, "store", Some("A店")),
            "A店",
            &[
                ("revenue", Some(3_200.0)),
                ("initial_revenue", Some(3_000.0)),
                ("repeat_revenue", Some(200.0)),
                ("consultations", Some(3.0)),
                ("deals", Some(2.0)),
                ("first_visits", Some(3.0)),
            ],
        );
        expect(
            row(stores, "store", Some("B店")),
            "B店",
            &[
                ("revenue", Some(1_300.0)),
                ("initial_revenue", Some(1_300.0)),
                ("repeat_revenue", Some(0.0)),
                ("consultations", Some(3.0)),
                ("deals", Some(1.0)),
                ("first_visits", Some(2.0)),
            ],
        );
        // First consultations by date: …01 网络 (01-31), …02 企划 (03-30, a later line than
        // its 03-31 网络 one), …03 none (12-31), …04 网络 (06-01, no sales). Revenue: 网络
        // …01's 1,000 + 500 − 300 = 1,200; 企划 …02's 2,000 + 800 − 100 = 2,700; none …03's
        // 600. Consultations: 网络 01-31, 03-31, 06-01 (2 deals); 企划 03-30, 04-01 (1); none
        // 12-31 (0).
        let channels = &j["channels"];
        for (name, revenue, consultations, deals) in [
            (Some("网络"), 1_200.0, 3.0, 2.0),
            (Some("企划"), 2_700.0, 2.0, 1.0),
            (None, 600.0, 1.0, 0.0),
        ] {
            expect(
                row(channels, "channel", name),
                &format!("{name:?}"),
                &[
                    ("revenue", Some(revenue)),
                    ("consultations", Some(consultations)),
                    ("deals", Some(deals)),
                ],
            );
        }
    }
    assert_eq!(one, two);
}
