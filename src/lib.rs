//! clinic-kpi: per-role KPI scoring for medical-aesthetics clinics.
//!
//! Data flows one way: `input` (files → typed rows + data issues) → `people` (who is scored) →
//! `metrics` → `scoring` (people) and `clinic` (the clinic's own indicators and alerts) →
//! commands and reports.

pub mod cli;
pub mod clinic;
pub mod cmd;
pub mod config;
pub mod credit;
pub mod file_id;
pub mod fmt;
pub mod input;
pub mod issues;
pub mod metrics;
pub mod people;
pub mod period;
pub mod pipeline;
pub mod report;
pub mod scoring;
pub mod words;

/// Language of user-facing labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the label for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

impl From<cli::LangArg> for Lang {
    fn from(l: cli::LangArg) -> Lang {
        match l {
            cli::LangArg::Zh => Lang::Zh,
            cli::LangArg::En => Lang::En,
        }
    }
}

/// A mistake in how the command was called (exit code 2); its words are the catalogue's.
#[derive(Debug)]
pub struct UsageError(words::Fail);

impl UsageError {
    pub fn new(msg: impl words::Speak) -> UsageError {
        UsageError(words::Fail::new(msg))
    }

    /// A catalogue error that is the caller's mistake.
    pub fn from_fail(fail: words::Fail) -> UsageError {
        UsageError(fail)
    }

    pub fn say(&self, lang: Lang) -> String {
        self.0.say(lang)
    }
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for UsageError {}

/// Exit codes (SPEC §1).
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const DATA_ERRORS: u8 = 3;
    /// `alerts` found an alert at or above `--fail-on`.
    pub const ALERT: u8 = 4;
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: cli::Cli) -> anyhow::Result<u8> {
    match cli.command {
        cli::Command::Check(args) => cmd::check::run(&args),
        cli::Command::Init(args) => cmd::init::run(&args),
        cli::Command::Score(args) => cmd::score::run(&args),
        cli::Command::Explain(args) => cmd::explain::run(&args),
        cli::Command::Overview(args) => cmd::overview::run(&args),
        cli::Command::Alerts(args) => cmd::alerts::run(&args),
        cli::Command::Completions(args) => cmd::shell::completions(args.shell),
        cli::Command::Man(args) => cmd::shell::man(args.dir.as_deref()),
    }
}
