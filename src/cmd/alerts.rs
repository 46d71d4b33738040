//! `clinic-kpi alerts --date D`: the daily early warning (SPEC §8.2) for a cron job — each alert
//! with its level, scope, the rule in words, its figures and dates, as a table or JSON; exit 4
//! when an alert at or above `--fail-on` holds.

use crate::cli::{AlertsArgs, FailOn, TableOrJson};
use crate::clinic::alerts::{self, Alert, DataEnd, Level, Report};
use crate::period::Period;
use crate::pipeline::Plan;
use crate::words::alerts::{level_label, message, rule_label};
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
