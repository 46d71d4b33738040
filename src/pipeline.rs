//! The one pipeline every command and report shares (STYLE "one way"): typed arguments become a
//! resolved [`Plan`] (config loaded and validated, period and encoding resolved); the plan loads
//! the inputs; [`compute`] settles whose rows are whose, scores everyone and returns the [`Run`]
//! that the terminal tables, JSON, CSV and every workbook are written from. `report/` reads a
//! `Run`; it never reaches into `cmd/`.

use crate::cli::{CommonArgs, PeriodArgs};
use crate::config::{self, LoadedConfig};
use crate::input::{self, csv_source, Dataset};
use crate::people;
use crate::period::Period;
use crate::period::PeriodKind;
use crate::scoring::engine::{self, PersonResult};
use crate::words::cmd::Usage;
use crate::{Lang, UsageError};
use anyhow::Result;
use chrono::NaiveDate;
use std::io::IsTerminal;
use std::path::PathBuf;

/// What a command will do, resolved from the arguments and the config file.
pub struct Plan {
    pub config: LoadedConfig,
    /// Set when the built-in defaults are used.
    pub config_note: Option<crate::words::config::ConfigNote>,
    pub data_dir: PathBuf,
    pub data_dir_given: bool,
    pub period: Option<Period>,
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub lang: Lang,
    pub quiet: bool,
    pub verbose: bool,
    /// Show a progress bar on stderr while reading: only for a person watching (stderr and
    /// stdout both terminals, so never in cron, never with output piped to a script) and
    /// never with `-q`.
    pub progress: bool,
    /// Threads reading, hashing, typing and scoring may use (`--jobs`; default the cores
    /// available): with 1, all of it runs on the main thread.
    pub jobs: usize,
}

impl Plan {
    pub fn new(common: &CommonArgs, period: Option<Period>) -> Result<Plan> {
        let encoding =
            match &common.encoding {
                None => None,
                Some(name) => Some(csv_source::encoding_by_name(name).ok_or_else(|| {
                    UsageError::new(Usage::UnknownEncoding { name: name.clone() })
                })?),
            };
        let (config, config_note) = config::load(common.config.as_deref())?;
        crate::scoring::validate::validate(&config)?;
        // [clinic] and [alerts] (SPEC §8): checked as the roles are, before anything is read.
        crate::clinic::validate::validate(&config)?;
        Ok(Plan {
            config,
            config_note,
            data_dir: common.data.clone().unwrap_or_else(|| PathBuf::from(".")),
            data_dir_given: common.data.is_some(),
            period,
            encoding,
            lang: common.lang.into(),
            quiet: common.quiet,
            verbose: common.verbose,
            progress: !common.quiet
                && std::io::stderr().is_terminal()
                && std::io::stdout().is_terminal(),
            jobs: match common.jobs {
                Some(n) => n as usize,
                None => input::available_cores(),
            },
        })
    }

    /// Reads every input, never reading `outputs`.
    pub fn load(&self, outputs: Vec<PathBuf>) -> Result<Dataset> {
        input::load(&input::LoadOptions {
            data_dir: &self.data_dir,
            data_dir_given: self.data_dir_given,
            config: &self.config,
            period: self.period.as_ref(),
            encoding: self.encoding,
            outputs,
            progress: self.progress,
            lang: self.lang,
            workers: self.jobs,
            chunk_bytes: 0,
            part_rows: 0,
        })
    }
}

/// The period the arguments name, if any.
pub fn period_from_args(p: &PeriodArgs) -> Result<Option<Period>> {
    // The period's own errors are the reader's mistakes: usage errors (exit 2).
    let usage = |e: anyhow::Error| match e.downcast::<crate::words::Fail>() {
        Ok(fail) => anyhow::Error::new(UsageError::from_fail(fail)),
        Err(e) => e,
    };
    if let Some(m) = &p.month {
        return Period::parse_month(m).map(Some).map_err(usage);
    }
    if let Some(q) = &p.quarter {
        return Period::parse_quarter(q).map(Some).map_err(usage);
    }
    if let Some(y) = &p.year {
        return Period::parse_year(y).map(Some).map_err(usage);
    }
    if let (Some(from), Some(to)) = (&p.from, &p.to) {
        let parse = |flag: &str, s: &str| -> Result<NaiveDate> {
            let cell = input::cell::RawCell::Text((*s).into());
            input::values::parse_date(&cell, false).map_err(|_| {
                anyhow::Error::new(UsageError::new(Usage::BadDate {
                    flag: flag.to_string(),
                    given: s.to_string(),
                    example: "2026-10-01".to_string(),
                }))
            })
        };
        let start = parse("--from", from)?;
        let end = parse("--to", to)?;
        return Period::range(start, end).map(Some).map_err(usage);
    }
    Ok(None)
}

/// Everything a scoring run produced.
pub struct Run {
    pub plan: Plan,
    pub period: Period,
    pub ds: Dataset,
    pub results: Vec<PersonResult>,
    pub secondary_rule: &'static str,
    /// For a quarter or year with a scorecard to write: each month scored on its own (月度).
    pub monthly: Vec<engine::MonthScores>,
}

/// Loads, resolves people and scores: shared by `score` and `explain`.
/// `output` is the scorecard path template (`{period}` is replaced); it is never read as an input.
pub fn compute(plan: Plan, rank_by_store: bool, output: Option<&std::path::Path>) -> Result<Run> {
    let period = match &plan.period {
        Some(p) => p.clone(),
        None => {
            let today = chrono::Local::now().date_naive();
            Period::previous_month_of(today)?
        }
    };
    let mut plan = plan;
    plan.period = Some(period.clone());
    let outputs = output
        .map(|o| vec![output_path(o, &period)])
        .unwrap_or_default();
    let mut ds = plan.load(outputs)?;
    let cfg = &plan.config.config;
    let people = people::prepare(&mut ds, cfg, Some(&period));
    let opts = engine::Options {
        rank_by_store,
        threads: plan.jobs,
    };
    // One index of every row serves the period, the previous one and each month (月度).
    let index = crate::metrics::compute::Index::new_on(&ds, plan.jobs);
    let (results, issues) = engine::score_indexed(&ds, cfg, &people, &period, &index, &opts);
    ds.issues.extend(issues);
    let monthly = match period.kind {
        PeriodKind::Quarter | PeriodKind::Year if output.is_some() => {
            engine::score_months(&ds, cfg, &people, &period, &index, &opts)
        }
        _ => Vec::new(),
    };
    drop(index);
    let secondary_rule = match crate::metrics::compute::secondary_rule_used(&ds, cfg) {
        crate::config::SecondaryRule::Type => "type",
        _ => "derive",
    };
    Ok(Run {
        plan,
        period,
        ds,
        results,
        secondary_rule,
        monthly,
    })
}

/// The output path with `{period}` replaced by the period label.
pub fn output_path(template: &std::path::Path, period: &Period) -> std::path::PathBuf {
    std::path::PathBuf::from(
        template
            .to_string_lossy()
            .replace("{period}", &period.label),
    )
}

/// The clinic's indicators for the run's period (the scorecard's 经营概览 sheet), counted as
/// `overview` counts them.
pub fn overview_of(run: &Run) -> crate::clinic::overview::Overview {
    let people: Vec<people::Person> = run.results.iter().map(|r| r.person.clone()).collect();
    crate::clinic::overview::compute(
        &run.ds,
        &run.plan.config.config,
        &people,
        &run.period,
        run.plan.jobs,
    )
}

/// Results in display order: by role (config order), then rank, then name.
pub fn ordered(run: &Run) -> Vec<&PersonResult> {
    let roles: Vec<&String> = run.plan.config.config.roles.keys().collect();
    let mut v: Vec<&PersonResult> = run.results.iter().collect();
    v.sort_by_key(|r| {
        (
            roles.iter().position(|k| **k == r.person.role),
            r.rank,
            r.person.name.clone(),
        )
    });
    v
}

pub fn flag_label(f: &str, l: Lang) -> &'static str {
    match f {
        "veto" => l.pick("否决", "veto"),
        "bottom" => l.pick("末位", "bottom"),
        "incomplete" => l.pick("数据不足", "incomplete"),
        "adjusted" => l.pick("调整", "adjusted"),
        "partial" => l.pick("部分在岗", "partial"),
        "left" => l.pick("离职", "left"),
        _ => "?",
    }
}
