//! One module per subcommand; this one holds what they share: turning typed arguments into the
//! resolved plan (config loaded, period and encoding resolved) and loading the inputs.

pub mod alerts;
pub mod check;
pub mod explain;
pub mod init;
pub mod overview;
pub mod score;
pub mod shell;

use crate::cli::{CommonArgs, PeriodArgs};
use crate::config::{self, LoadedConfig};
use crate::input::{self, csv_source, Dataset};
use crate::period::Period;
use crate::{Lang, UsageError};
use anyhow::Result;
use chrono::NaiveDate;
use std::io::IsTerminal;
use std::path::PathBuf;

/// What a command will do, resolved from the arguments and the config file.
pub struct Plan {
    pub config: LoadedConfig,
    /// Set when the built-in defaults are used.
    pub config_note: Option<String>,
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
        let encoding = match &common.encoding {
            None => None,
            Some(name) => Some(csv_source::encoding_by_name(name).ok_or_else(|| {
                UsageError(format!(
                    "--encoding {name}: unknown encoding (try gbk, gb18030, utf-8, utf-16le, big5)"
                ))
            })?),
        };
        let (config, config_note) = config::load(common.config.as_deref())?;
        crate::scoring::validate::validate(&config)?;
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
            workers: self.jobs,
            chunk_bytes: 0,
        })
    }
}

/// The period the arguments name, if any.
pub fn period_from_args(p: &PeriodArgs) -> Result<Option<Period>> {
    let usage = |e: anyhow::Error| anyhow::Error::new(UsageError(e.to_string()));
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
                anyhow::Error::new(UsageError(format!(
                    "{flag} {s:?} is not a date: write it as 2026-10-01"
                )))
            })
        };
        let start = parse("--from", from)?;
        let end = parse("--to", to)?;
        return Period::range(start, end).map(Some).map_err(usage);
    }
    Ok(None)
}
