//! `explain --staff NAME --rows`: every source row behind each numerator and denominator, as
//! text and as JSON (SPEC §1), checked against the rows of fixtures/clinic/LEDGER.md.

use crate::workdir::{fixtures, Workdir};
use serde_json::Value;

fn explain(w: &Workdir, extra: &[&str]) -> crate::workdir::Run {
    let data = fixtures().join("clinic");
    let mut args = vec![
        "explain",
        "--staff",
        "林晓雯",
        "--month",
        "2026-10",
        "--data",
        data.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = w.run(&args);
    assert_eq!(run.code, 0, "{run}");
    run
}

#[test]
fn rows_behind_conversion_rate_as_text() {
    let w = Workdir::new();
    let run = explain(&w, &["--rows"]);
    // 林晓雯's consultations (LEDGER.md): V15 … V39; V19 and V20 are one consultation whose
    // deal V20 records; V26 and V39 未成交 → 7 deals of 9.
    let block: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("2. 成交率"))
        .skip_while(|l| !l.contains("来源行"))
        .take(11)
        .collect();
    assert_eq!(
        block,
        [
            "   来源行（10）：",
            "     [成交 + 咨询]  到院咨询登记.csv · 第15行  2026-10-03  138****1234  是  成交咨询",
            "     [成交 + 咨询]  到院咨询登记.csv · 第17行  2026-10-05  139****2345  是  成交咨询",
            "     [不计]  到院咨询登记.csv · 第19行  2026-10-08  137****3456  否  同一次咨询（同顾客、同日），不重复计",
            "     [成交 + 咨询]  到院咨询登记.csv · 第20行  2026-10-08  137****3456  是  成交咨询",
            "     [成交 + 咨询]  到院咨询登记.csv · 第21行  2026-10-10  136****4567  是  成交咨询",
            "     [成交 + 咨询]  到院咨询登记.csv · 第23行  2026-10-12  135****5678  是  成交咨询",
            "     [咨询]  到院咨询登记.csv · 第26行  2026-10-14  130****6666  否  咨询（未成交）",
            "     [成交 + 咨询]  到院咨询登记.csv · 第29行  2026-10-17  138****1234  是  成交咨询",
            "     [成交 + 咨询]  到院咨询登记.csv · 第35行  2026-10-22  186****6789  是  成交咨询",
            "     [咨询]  到院咨询登记.csv · 第39行  2026-10-27  131****7777  否  咨询（未成交）",
        ],
        "{run}"
    );
    // Without --rows, no rows.
    let plain = explain(&w, &[]);
    assert!(!plain.stdout.contains("来源行"), "{plain}");
}

fn kpi<'a>(j: &'a Value, metric: &str) -> &'a Value {
    j["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric}"))
}

#[test]
fn rows_behind_each_number_as_json() {
    let w = Workdir::new();
    let run = explain(&w, &["--rows", "--format", "json"]);
    let j = run.json();
    assert_eq!(j["person"]["staff"], "林晓雯");
    assert_eq!(j["person"]["staff_id"], "C001");
    assert_eq!(j["person"]["grade"], "B");
    // 客单价 = 38,540 ÷ 5 paying customers (LEDGER.md): 11 sales rows in the numerator, the
    // first positive sale of each of the 5 paying customers in the denominator.
    let rows = kpi(&j, "ticket_price")["rows"].as_array().unwrap();
    let numerator: f64 = rows
        .iter()
        .filter(|r| r["counts"] == "numerator" || r["counts"] == "both")
        .map(|r| r["amount"].as_f64().unwrap())
        .sum();
    assert_eq!(numerator, 38540.0);
    let paying: Vec<u64> = rows
        .iter()
        .filter(|r| r["counts"] == "both")
        .map(|r| r["row"].as_u64().unwrap())
        .collect();
    assert_eq!(paying, [5, 7, 10, 13, 26]);
    let x5 = &rows[0];
    assert_eq!(x5["file"], "2026年10月消费流水.xlsx");
    assert_eq!(x5["sheet"], "消费明细");
    assert_eq!(x5["kind"], "sales");
    assert_eq!(x5["date"], "2026-10-03");
    assert_eq!(x5["customer"], "138****1234");
    assert_eq!(x5["item"], "玻尿酸填充");
    assert_eq!(x5["amount"], 6800.0);
    assert_eq!(x5["reason"], "paying_customer");
    assert_eq!(x5["why"], "付费顾客");
    let refund = rows.iter().find(|r| r["row"] == 17).unwrap();
    assert_eq!(
        (&refund["amount"], &refund["reason"]),
        (&Value::from(-2980.0), &Value::from("refund"))
    );
    // 二开率 2 ÷ 5 by type (rule type): X11 (13700003456) and X21 (13800001234) are of type 二开.
    let rows = kpi(&j, "secondary_rate")["rows"].as_array().unwrap();
    let second: Vec<(u64, &str)> = rows
        .iter()
        .filter(|r| r["counts"] == "numerator" || r["counts"] == "both")
        .map(|r| (r["row"].as_u64().unwrap(), r["why"].as_str().unwrap()))
        .collect();
    assert_eq!(second, [(11, "二开: 类型 二开"), (21, "二开: 类型 二开")]);
    assert_eq!(
        rows.iter()
            .filter(|r| r["counts"] == "denominator" || r["counts"] == "both")
            .count(),
        5
    );
    // 成交率: 7 deal consultations, 9 consultations.
    let rows = kpi(&j, "conversion_rate")["rows"].as_array().unwrap();
    assert_eq!(rows.iter().filter(|r| r["counts"] == "both").count(), 7);
    assert_eq!(
        rows.iter().filter(|r| r["counts"] == "denominator").count(),
        2
    );
    assert_eq!(rows[0]["deal"], true);
    // 满意度: S7 4, S10 ５ (full-width, = 5), S15 2 → 80 + 100 + 40 = 220 over 3.
    let rows = kpi(&j, "satisfaction")["rows"].as_array().unwrap();
    let scores: Vec<(u64, f64)> = rows
        .iter()
        .map(|r| (r["row"].as_u64().unwrap(), r["score"].as_f64().unwrap()))
        .collect();
    assert_eq!(scores, [(7, 4.0), (10, 5.0), (15, 2.0)]);
    // 业绩达成率's denominator is the targets row T3 (2026-10, 65,000).
    let rows = kpi(&j, "revenue_attainment")["rows"].as_array().unwrap();
    let target: Vec<&Value> = rows
        .iter()
        .filter(|r| r["counts"] == "denominator")
        .collect();
    assert_eq!(target.len(), 1);
    assert_eq!(
        (&target[0]["sheet"], &target[0]["row"], &target[0]["amount"]),
        (
            &Value::from("考核目标"),
            &Value::from(3),
            &Value::from(65000.0)
        )
    );
    // No phone number in full anywhere in the output.
    let digits: Vec<&str> = run
        .stdout
        .split(|c: char| !c.is_ascii_digit())
        .filter(|d| d.len() == 11)
        .collect();
    assert!(digits.is_empty(), "unmasked: {digits:?}");
    // Without --rows the JSON has the same KPIs and rows null.
    let plain = explain(&w, &["--format", "json"]).json();
    assert!(plain["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["rows"].is_null()));
    assert_eq!(plain["person"], j["person"]);
}
