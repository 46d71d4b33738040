//! The rows behind each number, in words (SPEC §1 `explain --rows`, §6.3 明细): what a row
//! counts in and why, the customer masked, as text for `explain`, as JSON, and as the 明细
//! sheet of a per-person workbook.

use super::xlsx::{
    derivation, header_cells, print_setup, sheet_name, Fmts, Num, Widths, WriteText, MAX_ROWS,
};
use crate::input::{values::mask_customer, Dataset};
use crate::metrics::defs;
use crate::metrics::evidence::{self, Counts, KpiRows, Row, Why};
use crate::pipeline::Run;
use crate::scoring::engine::PersonResult;
use crate::Lang;
use rust_xlsxwriter::{Workbook, XlsxError};
use serde::Serialize;

/// The rows behind every KPI of each of `who`, in their roles' KPI order (one index for all).
pub fn rows_behind(run: &Run, who: &[&PersonResult]) -> Vec<Vec<KpiRows>> {
    let cfg = &run.plan.config.config;
    let people: Vec<crate::people::Person> = run.results.iter().map(|r| r.person.clone()).collect();
    let index = crate::metrics::compute::Index::new(&run.ds);
    who.iter()
        .map(|r| match cfg.roles.get(&r.person.role) {
            Some(role) => {
                evidence::person_rows(&run.ds, cfg, &people, &run.period, &index, &r.person, role)
            }
            None => Vec::new(),
        })
        .collect()
}

/// What a row counts in, in the metric's own words: "成交 + 咨询", "业绩", "不计".
pub fn counts_text(c: Counts, metric: &str, l: Lang) -> String {
    let def = defs::metric(metric);
    let [num, den] = def
        .map(|d| match l {
            Lang::Zh => d.parts_zh,
            Lang::En => d.parts_en,
        })
        .unwrap_or(["", ""]);
    let (num, den) = if num.is_empty() {
        (l.pick("分子", "numerator"), l.pick("分母", "denominator"))
    } else {
        (num, den)
    };
    match c {
        Counts::Numerator => num.to_string(),
        Counts::Denominator => den.to_string(),
        Counts::Both => format!("{num} + {den}"),
        Counts::Value => def
            .map(|d| l.pick(d.zh, d.en).to_string())
            .unwrap_or_default(),
        Counts::Neither => l.pick("不计", "not counted").to_string(),
    }
}

fn hours(h: f64) -> String {
    let s = format!("{h:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Why a row counts, in words.
pub fn why_text(w: &Why, l: Lang) -> String {
    match (w, l) {
        (Why::Sale, _) => l.pick("消费", "sale").into(),
        (Why::Refund, _) => l.pick("退款", "refund").into(),
        (Why::PayingCustomer, _) => l.pick("付费顾客", "paying customer").into(),
        (Why::SameCustomer, _) => l
            .pick("同一顾客，已计一次", "same customer, counted once")
            .into(),
        (Why::NotPaying, _) => l
            .pick(
                "该顾客本期消费净额 ≤ 0，不是付费顾客",
                "the customer's sales in the period net to 0 or less: not paying",
            )
            .into(),
        (Why::SecondaryByType { sale_type }, Lang::Zh) => format!("二开: 类型 {sale_type}"),
        (Why::SecondaryByType { sale_type }, Lang::En) => format!("二开: type {sale_type}"),
        (Why::SecondaryDerived { earlier, days }, Lang::Zh) => {
            format!("二开: {days} 天前（{earlier}）同一顾客有本人消费")
        }
        (Why::SecondaryDerived { earlier, days }, Lang::En) => {
            format!("二开: the customer bought from them {days} days earlier ({earlier})")
        }
        (Why::Repurchase { earlier }, Lang::Zh) => {
            format!("复购: {earlier} 曾消费（期初前 365 天内）")
        }
        (Why::Repurchase { earlier }, Lang::En) => {
            format!("repeat: bought on {earlier} (within 365 days before the period)")
        }
        (Why::DealConsultation, _) => l.pick("成交咨询", "deal consultation").into(),
        (Why::DealBySale, _) => l
            .pick(
                "成交咨询（同日有本人正向消费）",
                "deal consultation (a positive sale that day)",
            )
            .into(),
        (Why::NoDeal, _) => l.pick("咨询（未成交）", "consultation (no deal)").into(),
        (Why::SameConsultation, _) => l
            .pick(
                "同一次咨询（同顾客、同日），不重复计",
                "same consultation (customer and day), counted once",
            )
            .into(),
        (Why::FirstVisit, _) => l.pick("初诊咨询", "first-visit consultation").into(),
        (Why::NewCustomer, _) => l.pick("初诊成交顾客", "new customer (初诊 deal)").into(),
        (Why::ValidComplaint, _) => l.pick("有效投诉", "valid complaint").into(),
        (Why::InvalidComplaint, _) => l
            .pick("无效投诉，不计", "invalid complaint, not counted")
            .into(),
        (Why::Complication { category }, Lang::Zh) => format!("并发症类投诉: {category}"),
        (Why::Complication { category }, Lang::En) => format!("complication: {category}"),
        (Why::NotComplication, _) => l
            .pick(
                "非并发症类或无效投诉，不计",
                "not a valid complication complaint, not counted",
            )
            .into(),
        (Why::CustomerServed, _) => l.pick("服务顾客", "customer served").into(),
        (Why::Treatment, _) => l
            .pick("操作（同一单号计一次）", "treatment (one per order)")
            .into(),
        (Why::SameOrder, _) => l
            .pick("同一单号，不重复计", "same order, counted once")
            .into(),
        (Why::Survey { mapped }, Lang::Zh) => format!("回访评分（折合 {} 分）", hours(*mapped)),
        (Why::Survey { mapped }, Lang::En) => format!("survey (= {} of 100)", hours(*mapped)),
        (Why::Rating, _) => l.pick("主管评分", "supervisor rating").into(),
        (Why::Resolved { hours: h }, Lang::Zh) => format!("已处理，用时 {} 小时", hours(*h)),
        (Why::Resolved { hours: h }, Lang::En) => format!("resolved after {} hours", hours(*h)),
        (Why::Unresolved, _) => l
            .pick("未记录处理完成时间，不计", "not resolved, not counted")
            .into(),
        (Why::Target { month }, Lang::Zh) => format!("业绩目标 {}-{:02}", month.0, month.1),
        (Why::Target { month }, Lang::En) => format!("target {}-{:02}", month.0, month.1),
        (Why::RosterTarget { months, share }, _) => {
            let mut s = match l {
                Lang::Zh => format!("花名册月度目标 × {} 个月", hours(*months)),
                Lang::En => format!("roster monthly target × {} month(s)", hours(*months)),
            };
            if *share < 1.0 {
                s.push_str(&match l {
                    Lang::Zh => format!(" × 在岗 {:.1}%", share * 100.0),
                    Lang::En => format!(" × {:.1}% employed", share * 100.0),
                });
            }
            s
        }
        (Why::LeftInPeriod, _) => l.pick("本期离职", "left in the period").into(),
        (Why::EmployedAtStart, _) => l.pick("期初在岗", "employed at the start").into(),
        (Why::HiredInPeriod, _) => l
            .pick("期中入职，不计", "hired during the period, not counted")
            .into(),
    }
}

/// A row's amount, deal or score as shown: "¥6,800.00", "是", "4".
pub fn shown_value(row: &Row, l: Lang) -> String {
    if let Some(a) = row.amount {
        return Num::Yuan.show(a as f64 / 100.0);
    }
    if let Some(d) = row.deal {
        return if d {
            l.pick("是", "yes")
        } else {
            l.pick("否", "no")
        }
        .to_string();
    }
    if let Some(s) = row.score {
        return Num::Plain.show(s).trim_end_matches('.').to_string();
    }
    String::new()
}

/// One row as JSON (`explain --rows --format json`).
#[derive(Serialize)]
pub struct JsonRow {
    pub file: String,
    pub sheet: Option<String>,
    pub row: u32,
    pub kind: &'static str,
    pub date: Option<chrono::NaiveDate>,
    /// Masked.
    pub customer: Option<String>,
    pub item: Option<String>,
    /// Yuan; negative for a refund.
    pub amount: Option<f64>,
    pub deal: Option<bool>,
    pub score: Option<f64>,
    /// numerator | denominator | both | value | neither
    pub counts: &'static str,
    /// A stable key for why (`deal_consultation`, `paying_customer`, `refund`, …).
    pub reason: &'static str,
    /// Why, in words (follows --lang).
    pub why: String,
}

pub fn json_row(ds: &Dataset, row: &Row, l: Lang) -> JsonRow {
    let input = &ds.inputs[row.at.input as usize];
    JsonRow {
        file: input.file.clone(),
        sheet: input.sheet.clone(),
        row: row.at.row,
        kind: row.kind.key(),
        date: row.date,
        customer: row.customer.map(|c| mask_customer(ds.name(c))),
        item: row.item.map(|i| ds.name(i).to_string()),
        amount: row.amount.map(|a| a as f64 / 100.0),
        deal: row.deal,
        score: row.score,
        counts: row.counts.key(),
        reason: row.why.key(),
        why: why_text(&row.why, l),
    }
}

/// The line of `explain --rows` for one row.
pub fn text_line(ds: &Dataset, metric: &str, row: &Row, l: Lang) -> String {
    let input = &ds.inputs[row.at.input as usize];
    let mut parts = vec![format!("[{}]", counts_text(row.counts, metric, l))];
    let mut place = input.file.clone();
    if let Some(s) = &input.sheet {
        place.push_str(&format!(" · {s}"));
    }
    place.push_str(&match l {
        Lang::Zh => format!(" · 第{}行", row.at.row),
        Lang::En => format!(" · row {}", row.at.row),
    });
    parts.push(place);
    if let Some(d) = row.date {
        parts.push(d.to_string());
    }
    if let Some(c) = row.customer {
        parts.push(mask_customer(ds.name(c)));
    }
    if let Some(i) = row.item {
        parts.push(ds.name(i).to_string());
    }
    let v = shown_value(row, l);
    if !v.is_empty() {
        parts.push(v);
    }
    parts.push(why_text(&row.why, l));
    parts.join("  ")
}

/// Columns of the 明细 sheet.
mod col {
    pub const KPI: u16 = 0;
    pub const COUNTS: u16 = 1;
    pub const WHY: u16 = 2;
    pub const FILE: u16 = 3;
    pub const SHEET: u16 = 4;
    pub const ROW: u16 = 5;
    pub const DATE: u16 = 6;
    pub const CUSTOMER: u16 = 7;
    pub const ITEM: u16 = 8;
    pub const VALUE: u16 = 9;
}

/// The 明细 sheet(s) of a per-person workbook: per KPI a line with its derivation ("成交 7 /
/// 咨询 9 = 77.78%"), then every row behind it; more rows than a sheet holds go on 明细 (2), ….
pub(crate) fn evidence_sheets(
    wb: &mut Workbook,
    used: &mut Vec<String>,
    f: &Fmts,
    run: &Run,
    r: &PersonResult,
    kpis: &[KpiRows],
) -> Result<(), XlsxError> {
    evidence_sheets_with_limit(wb, used, f, run, r, kpis, MAX_ROWS)
}

/// A line of the 明细 sheet: a KPI's heading or one of its rows.
enum Line<'a> {
    Heading(String),
    Source(String, &'a str, &'a Row),
}

pub(crate) fn evidence_sheets_with_limit(
    wb: &mut Workbook,
    used: &mut Vec<String>,
    f: &Fmts,
    run: &Run,
    r: &PersonResult,
    kpis: &[KpiRows],
    max_rows: u32,
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let ds = &run.ds;
    let headers = [
        l.pick("指标", "KPI"),
        l.pick("计入", "Counts in"),
        l.pick("原因", "Why"),
        l.pick("文件", "File"),
        l.pick("工作表", "Sheet"),
        l.pick("行", "Row"),
        l.pick("日期", "Date"),
        l.pick("顾客", "Customer"),
        l.pick("项目", "Item"),
        l.pick("金额/成交/分数", "Amount/deal/score"),
    ];
    let mut lines: Vec<Line> = Vec::new();
    for k in kpis {
        let label = defs::kpi_label(k.metric, k.item.as_deref(), l);
        let how = r
            .kpis
            .iter()
            .find(|x| x.metric == k.metric && x.item == k.item)
            .map(|x| derivation(x, l))
            .unwrap_or_default();
        let n = k.rows.len();
        lines.push(Line::Heading(match l {
            Lang::Zh => format!("{label}：{how}（{n} 行）"),
            Lang::En => format!("{label}: {how} ({n} rows)"),
        }));
        for row in &k.rows {
            lines.push(Line::Source(label.clone(), k.metric, row));
        }
    }
    let per_sheet = (max_rows.max(2) - 1) as usize;
    let chunks: Vec<&[Line]> = if lines.is_empty() {
        vec![&[]]
    } else {
        lines.chunks(per_sheet).collect()
    };
    for chunk in chunks {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(l.pick("明细", "Evidence"), used))?;
        let mut widths = Widths::default();
        header_cells(ws, f, 0, &headers)?;
        for (c, h) in headers.iter().enumerate() {
            widths.see(c as u16, h);
        }
        for (n, line) in chunk.iter().enumerate() {
            let row = n as u32 + 1;
            match line {
                Line::Heading(text) => {
                    ws.text_fmt(row, col::KPI, text, &f.bold)?;
                }
                Line::Source(kpi, metric, src) => {
                    let input = &ds.inputs[src.at.input as usize];
                    let cells = [
                        (col::KPI, kpi.clone()),
                        (col::COUNTS, counts_text(src.counts, metric, l)),
                        (col::WHY, why_text(&src.why, l)),
                        (col::FILE, input.file.clone()),
                        (col::SHEET, input.sheet.clone().unwrap_or_default()),
                        (
                            col::DATE,
                            src.date.map(|d| d.to_string()).unwrap_or_default(),
                        ),
                        (
                            col::CUSTOMER,
                            src.customer
                                .map(|c| mask_customer(ds.name(c)))
                                .unwrap_or_default(),
                        ),
                        (
                            col::ITEM,
                            src.item.map(|i| ds.name(i).to_string()).unwrap_or_default(),
                        ),
                    ];
                    for (c, t) in cells {
                        widths.see(c, &t);
                        if !t.is_empty() {
                            ws.text(row, c, &t)?;
                        }
                    }
                    widths.num(col::ROW, Num::Int, src.at.row as f64);
                    ws.write_number(row, col::ROW, src.at.row)?;
                    if let Some(a) = src.amount {
                        let y = a as f64 / 100.0;
                        widths.num(col::VALUE, Num::Yuan, y);
                        ws.write_number_with_format(row, col::VALUE, y, &f.yuan)?;
                    } else if src.score.is_some() || src.deal.is_some() {
                        let v = shown_value(src, l);
                        widths.see(col::VALUE, &v);
                        match src.score {
                            Some(s) => ws.write_number(row, col::VALUE, s)?,
                            None => ws.text(row, col::VALUE, &v)?,
                        };
                    }
                }
            }
        }
        if chunk.is_empty() {
            ws.text(1, 0, l.pick("（无）", "(none)"))?;
        }
        ws.set_freeze_panes(1, 0)?;
        widths.apply(ws, 6, 40)?;
        // A heading runs across the row; the KPI column keeps the width of the labels.
        print_setup(ws, &run.period.label, Some((0, 0)))?;
    }
    Ok(())
}
