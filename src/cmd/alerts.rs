//! `clinic-kpi alerts --date D`: the daily early warning (SPEC §8.2) for a cron job — each alert
//! with its level, scope, the rule in words, its figures and dates, as a table or JSON; exit 4
//! when an alert at or above `--fail-on` holds.

use crate::cli::{AlertsArgs, FailOn, TableOrJson};
use crate::clinic::alerts::{self, Alert, DataEnd, Figures, Level, Report, Rule, Scope, Undecided};
use crate::period::Period;
use crate::pipeline::Plan;
use crate::report::overview::Kind;
use crate::words::cmd::{CmdError, Line, Usage};
use crate::words::Fail;
use crate::{exit, people, Lang, UsageError};
use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;
use std::io::Write;

pub fn run(args: &AlertsArgs) -> Result<u8> {
    let date = match &args.date {
        Some(s) => parse_day(s)?,
        None => chrono::Local::now().date_naive() - chrono::Duration::days(1),
    };
    let month = Period::month(date.year(), date.month())?;
    let plan = Plan::new(&args.common, Some(month.clone()))?;
    let l = plan.lang;
    let mut ds = plan.load(Vec::new())?;
    let end = DataEnd::of(&ds);
    let Some(last) = end.last() else {
        bail!(Fail::new(CmdError::AlertsNoData));
    };
    if date > last {
        bail!(Fail::new(CmdError::AlertsPastData {
            date: date.to_string(),
            last: last.to_string(),
            sales: end.sales.map(|d| d.to_string()),
            visits: end.visits.map(|d| d.to_string()),
        }));
    }
    let cfg = &plan.config.config;
    let (people, issues) = people::resolve(&ds, cfg, Some(&month));
    ds.issues.extend(issues);
    let report = alerts::check(&ds, cfg, &people, date);
    if !plan.quiet {
        if let Some(note) = &plan.config_note {
            eprintln!("{}", note.say(l));
        }
        if args.date.is_none() {
            let date = date.to_string();
            eprintln!("{}", Line::Yesterday { date }.say(l));
        }
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        TableOrJson::Json => {
            serde_json::to_writer_pretty(&mut out, &json(&report, cfg.alerts.window_days, l))?;
            writeln!(out)?;
        }
        TableOrJson::Table => {
            if !plan.quiet {
                write_tables(&mut out, &report, cfg.alerts.window_days, l)?;
            }
        }
    }
    if !plan.quiet {
        super::overview::issue_summary(&ds, &month, l);
    }
    let fail_on = match args.fail_on {
        FailOn::Blue => Level::Blue,
        FailOn::Yellow => Level::Yellow,
        FailOn::Red => Level::Red,
    };
    Ok(if report.reaches(fail_on) {
        exit::ALERT
    } else {
        exit::OK
    })
}

/// `--date`: a day, written as the exports write days (`2026-10-20`, `2026/10/20`,
/// `20261020`, `2026年10月20日`) — not a bare serial number, and between 1990 and 2100.
fn parse_day(s: &str) -> Result<NaiveDate> {
    let usage = || {
        anyhow::Error::new(UsageError::new(Usage::BadDate {
            flag: "--date".into(),
            given: s.to_string(),
            example: "2026-10-20".into(),
        }))
    };
    let t = s.trim();
    if t.chars().all(|c| c.is_ascii_digit()) && t.len() != 8 {
        return Err(usage());
    }
    let cell = crate::input::cell::RawCell::Text(t.into());
    let date = crate::input::values::parse_date(&cell, false).map_err(|_| usage())?;
    if !(1990..=2100).contains(&date.year()) {
        return Err(usage());
    }
    Ok(date)
}

#[derive(Serialize)]
struct JsonAlert<'a> {
    #[serde(flatten)]
    alert: &'a Alert,
    message: String,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    date: NaiveDate,
    alerts: Vec<JsonAlert<'a>>,
    undecided: Vec<JsonAlert<'a>>,
}

fn json(report: &Report, window: u32, l: Lang) -> JsonReport<'_> {
    JsonReport {
        date: report.date,
        alerts: with_words(&report.alerts, window, l),
        undecided: with_words(&report.undecided, window, l),
    }
}

fn with_words(list: &[Alert], window: u32, l: Lang) -> Vec<JsonAlert<'_>> {
    list.iter()
        .map(|a| JsonAlert {
            alert: a,
            message: message(a, window, l),
        })
        .collect()
}

pub(crate) fn level_label(level: Level, l: Lang) -> &'static str {
    match level {
        Level::Red => l.pick("红色·策略调整", "red · change strategy"),
        Level::Yellow => l.pick("黄色·资源调配", "yellow · move resources"),
        Level::Blue => l.pick("蓝色·关注", "blue · watch"),
    }
}

pub(crate) fn rule_label(rule: Rule, l: Lang) -> &'static str {
    match rule {
        Rule::Slump => l.pick("业绩骤降", "revenue slump"),
        Rule::ConversionDrop => l.pick("渠道转化率下降", "conversion drop"),
        Rule::ComplaintRate => l.pick("投诉率", "complaint rate"),
        Rule::ComplicationRate => l.pick("并发症发生率", "complication rate"),
        Rule::Pace => l.pick("目标进度", "target pace"),
    }
}

/// Who an alert is about: 全机构, the store, or 渠道 X.
fn scope_words(a: &Alert, l: Lang) -> String {
    match a.scope {
        Scope::Clinic => l.pick("全机构", "the clinic").to_string(),
        Scope::Store => a.store.clone().unwrap_or_default(),
        Scope::Channel => format!(
            "{} {}",
            l.pick("渠道", "channel"),
            a.channel.as_deref().unwrap_or_default()
        ),
    }
}

fn money(x: f64) -> String {
    Kind::Money.show(Some(x))
}

fn rate(x: Option<f64>) -> String {
    Kind::Rate.show(x)
}

/// The alert in words: the rule, the figures that triggered it and the dates — or why the rule
/// could not be judged.
pub(crate) fn message(a: &Alert, window: u32, l: Lang) -> String {
    let who = scope_words(a, l);
    let zh = l == Lang::Zh;
    match (&a.figures, a.reason) {
        (
            Figures::Slump {
                days,
                daily_average,
                share,
                threshold,
                base_from,
                base_to,
            },
            reason,
        ) => {
            if reason.is_some() {
                return if zh {
                    format!("{who}：导出数据没有覆盖前 30 天（{base_from} ~ {base_to}），无法判断业绩是否骤降")
                } else {
                    format!("{who}: the exports do not cover the 30 days before ({base_from} ~ {base_to}); a slump cannot be judged")
                };
            }
            let list: Vec<String> = days
                .iter()
                .map(|d| format!("{} {}", d.date, money(d.revenue)))
                .collect();
            if zh {
                format!(
                    "{who}连续 {} 天业绩低于前 30 天（{base_from} ~ {base_to}）日均 {} 的 {}（预警线 {}）：{}",
                    days.len(),
                    money(*daily_average),
                    rate(Some(*share)),
                    money(*threshold),
                    list.join("，")
                )
            } else {
                format!(
                    "{who}: revenue below {} of the daily average {} of the 30 days before ({base_from} ~ {base_to}; line {}) on each of the last {} days: {}",
                    rate(Some(*share)),
                    money(*daily_average),
                    money(*threshold),
                    days.len(),
                    list.join(", ")
                )
            }
        }
        (
            Figures::ConversionDrop {
                consultations,
                deals,
                conversion,
                previous_from,
                previous_to,
                previous_consultations,
                previous_deals,
                previous_conversion,
                drop,
                limit,
                min_consultations,
            },
            reason,
        ) => match reason {
            Some(Undecided::TooFewConsultations) => {
                if zh {
                    format!(
                        "{who}：近 {window} 天咨询 {consultations} 次、之前 {window} 天（{previous_from} ~ {previous_to}）{previous_consultations} 次，每段至少需要 {min_consultations} 次，无法判断转化率是否下降"
                    )
                } else {
                    format!(
                        "{who}: {consultations} consultations in the last {window} days and {previous_consultations} in the {window} days before ({previous_from} ~ {previous_to}); each needs at least {min_consultations} to judge a drop"
                    )
                }
            }
            Some(_) => {
                if zh {
                    format!("{who}：导出的到院数据没有覆盖 {previous_from} ~ {}，无法判断转化率是否下降", a.to)
                } else {
                    format!("{who}: the visits exported do not cover {previous_from} ~ {}; a drop cannot be judged", a.to)
                }
            }
            None => {
                if zh {
                    format!(
                        "{who}近 {window} 天转化率 {}（成交 {deals} / 咨询 {consultations}），比之前 {window} 天（{previous_from} ~ {previous_to}）的 {}（{previous_deals} / {previous_consultations}）下降 {}，达到预警线 {}",
                        rate(*conversion),
                        rate(*previous_conversion),
                        rate(*drop),
                        rate(Some(*limit))
                    )
                } else {
                    format!(
                        "{who}: conversion over the last {window} days {} ({deals} deals / {consultations} consultations), {} below the {window} days before ({previous_from} ~ {previous_to}: {}, {previous_deals} / {previous_consultations}); the line is {}",
                        rate(*conversion),
                        rate(*drop),
                        rate(*previous_conversion),
                        rate(Some(*limit))
                    )
                }
            }
        },
        (
            Figures::ComplaintRate {
                complaints,
                customers_served,
                rate: r,
                limit,
            },
            reason,
        ) => {
            if reason.is_some() {
                return if zh {
                    format!("{who}：本月至今有效投诉 {complaints} 条，但没有服务顾客可作分母，无法计算投诉率")
                } else {
                    format!("{who}: {complaints} valid complaints this month but no customers served to divide by; the rate cannot be worked out")
                };
            }
            if zh {
                format!(
                    "{who}本月至今投诉率 {}（有效投诉 {complaints} / 服务顾客 {customers_served}），高于预警线 {}",
                    rate(*r),
                    rate(Some(*limit))
                )
            } else {
                format!(
                    "{who}: month-to-date complaint rate {} ({complaints} valid complaints / {customers_served} customers served), above the line {}",
                    rate(*r),
                    rate(Some(*limit))
                )
            }
        }
        (
            Figures::ComplicationRate {
                complications,
                treatments,
                rate: r,
                limit,
            },
            reason,
        ) => {
            if reason.is_some() {
                return if zh {
                    format!("{who}：本月至今并发症 {complications} 例，但没有操作例数可作分母，无法计算并发症发生率")
                } else {
                    format!("{who}: {complications} complications this month but no treatments to divide by; the rate cannot be worked out")
                };
            }
            if zh {
                format!(
                    "{who}本月至今并发症发生率 {}（并发症 {complications} / 操作 {treatments}），高于预警线 {}",
                    rate(*r),
                    rate(Some(*limit))
                )
            } else {
                format!(
                    "{who}: month-to-date complication rate {} ({complications} complications / {treatments} treatments), above the line {}",
                    rate(*r),
                    rate(Some(*limit))
                )
            }
        }
        (
            Figures::Pace {
                revenue,
                expected,
                base,
                days_elapsed,
                days_in_month,
            },
            reason,
        ) => {
            if reason.is_some() {
                return if zh {
                    format!(
                        "{who}：导出数据没有覆盖本月（{} 起），无法判断目标进度",
                        a.from
                    )
                } else {
                    format!("{who}: the exports do not cover the month from {}; the pace cannot be judged", a.from)
                };
            }
            if zh {
                format!(
                    "{who}本月至今业绩 {}，落后于基础目标进度 {}（基础目标 {} × {days_elapsed}/{days_in_month} 天），差 {}",
                    money(*revenue),
                    money(*expected),
                    money(*base),
                    money(expected - revenue)
                )
            } else {
                format!(
                    "{who}: month-to-date revenue {} is behind the base target's pace {} ({} × {days_elapsed}/{days_in_month} days), {} short",
                    money(*revenue),
                    money(*expected),
                    money(*base),
                    money(expected - revenue)
                )
            }
        }
        (Figures::None {}, Some(Undecided::NotInData)) => not_in_data(a, l),
        (Figures::None {}, _) => no_input(a.rule, l).to_string(),
    }
}

/// A configured store or channel that no export names.
fn not_in_data(a: &Alert, l: Lang) -> String {
    match (a.rule, a.store.as_deref(), a.channel.as_deref()) {
        (Rule::ConversionDrop, _, Some(c)) => match l {
            Lang::Zh => format!(
                "[clinic.channels] 中的渠道 {c} 在到院咨询登记中从未出现（名称写错了，还是导出数据不对？），无法判断其转化率"
            ),
            Lang::En => format!(
                "[clinic.channels] names the channel {c}, which no visits row names (a misspelt name, or the wrong exports?): its conversion cannot be judged"
            ),
        },
        (_, store, _) => {
            let store = store.unwrap_or_default();
            match l {
                Lang::Zh => format!(
                    "[clinic.stores] 中的门店 {store} 在导出数据中从未出现（名称写错了，还是导出数据不对？），无法判断目标进度"
                ),
                Lang::En => format!(
                    "[clinic.stores] names the store {store}, which no export names (a misspelt name, or the wrong exports?): its pace cannot be judged"
                ),
            }
        }
    }
}

/// Why a rule whose input was not given is not judged.
fn no_input(rule: Rule, l: Lang) -> &'static str {
    match rule {
        Rule::Slump => l.pick(
            "没有消费流水导出，无法判断业绩是否骤降",
            "no sales input was given: a slump cannot be judged",
        ),
        Rule::Pace => l.pick(
            "没有消费流水导出，无法判断目标进度",
            "no sales input was given: the pace cannot be judged",
        ),
        Rule::ConversionDrop => l.pick(
            "到院咨询登记没有“来源渠道”列，无法判断 [clinic.channels] 各渠道的转化率",
            "the visits have no channel column: the conversion of the channels in [clinic.channels] cannot be judged",
        ),
        Rule::ComplaintRate | Rule::ComplicationRate => l.pick(
            "没有投诉记录导出，无法判断投诉率和并发症发生率",
            "no complaints input was given: complaint and complication rates cannot be judged",
        ),
    }
}

fn write_tables(out: &mut impl Write, report: &Report, window: u32, l: Lang) -> Result<()> {
    let head = |t: &mut Table| {
        t.load_style(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec![
                l.pick("级别", "level"),
                l.pick("规则", "rule"),
                l.pick("期间", "dates"),
                l.pick("说明", "what"),
            ]);
    };
    let row = |a: &Alert| {
        let dates = if a.from == a.to {
            a.from.to_string()
        } else {
            format!("{} ~ {}", a.from, a.to)
        };
        vec![
            level_label(a.level, l).to_string(),
            rule_label(a.rule, l).to_string(),
            dates,
            message(a, window, l),
        ]
    };
    writeln!(out, "{} {}", l.pick("预警日期", "Alerts for"), report.date)?;
    if report.alerts.is_empty() {
        writeln!(out, "{}", l.pick("无预警", "no alerts"))?;
    } else {
        let mut t = Table::new();
        head(&mut t);
        for a in &report.alerts {
            t.add_row(row(a));
        }
        writeln!(out, "{t}")?;
    }
    if !report.undecided.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", l.pick("无法判断", "Could not be judged"))?;
        let mut t = Table::new();
        head(&mut t);
        for a in &report.undecided {
            t.add_row(row(a));
        }
        writeln!(out, "{t}")?;
    }
    Ok(())
}
