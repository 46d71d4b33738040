//! Command-line arguments as typed (clap derive). Commands turn these into a plan.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// KPI scores, grades, ranks and bonuses for medical-aesthetics clinic staff, from the clinic
/// system's monthly exports (消费流水, 到院咨询, 投诉, 员工花名册...).
#[derive(Debug, Parser)]
#[command(name = "clinic-kpi", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The language the command was asked to speak (for its errors, too).
    pub fn lang(&self) -> crate::Lang {
        let arg = match &self.command {
            Command::Check(a) => a.common.lang,
            Command::Score(a) => a.common.lang,
            Command::Explain(a) => a.common.lang,
            Command::Overview(a) => a.common.lang,
            Command::Alerts(a) => a.common.lang,
            Command::Init(a) => a.lang,
            Command::Completions(_) | Command::Man(_) => LangArg::Zh,
        };
        arg.into()
    }

    /// Parses the command line; `score` and `explain` help lists every metric from its one
    /// definition (src/metrics/defs.rs).
    pub fn parse_with_metric_help() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let help = crate::words::metrics::help_text();
        let cmd = Cli::command()
            .mut_subcommand("score", |c| c.after_long_help(help.clone()))
            .mut_subcommand("explain", |c| c.after_long_help(help.clone()));
        let matches = cmd.get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read the inputs and config and report what each input contributes and every data issue.
    /// Writes nothing.
    Check(CheckArgs),
    /// Compute every KPI, score, grade, rank and bonus for the period.
    Score(ScoreArgs),
    /// Show, for one person, how each KPI, the total, grade, rank and bonus were derived.
    Explain(ExplainArgs),
    /// Write a commented clinic-kpi.toml with the built-in default roles and weights.
    Init(InitArgs),
    /// The clinic's own indicators for the period (经营概览).
    ///
    /// Revenue against base and sprint, 初复诊 vs 再消费, each store and 科室, 初诊上门量, each
    /// channel's conversion, complaint and complication rates — with the previous period beside
    /// them when the exports cover it. Targets come from [clinic] in the config.
    Overview(OverviewArgs),
    /// The daily early warning (三级预警) for cron: exit 4 on an alert at or above --fail-on.
    ///
    /// Yellow: a store's or the clinic's revenue slumps. Red: a channel's conversion drops, the
    /// month-to-date complaint or complication rate passes its line. Blue: month-to-date revenue
    /// behind the base target's pace. Thresholds come from [alerts] in the config.
    Alerts(AlertsArgs),
    /// Print shell completions (bash, zsh, fish, powershell, elvish) to stdout.
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout: `clinic-kpi man > clinic-kpi.1`.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into this folder instead (clinic-kpi.1, clinic-kpi-score.1 …).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The exit codes (SPEC §1), shown under every `--help`.
pub const EXIT_CODES: &str = "Exit codes:
  0  success
  1  failure: an input or the config cannot be read, or the output cannot be written
  2  usage error
  3  --strict and the data has error-level issues (nothing written)
  4  alerts: an alert at or above --fail-on holds";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to write into (default: the current folder; created if missing).
    pub dir: Option<PathBuf>,
    /// Also write a small realistic set of exports (three stores, September–October 2026).
    #[arg(long)]
    pub sample_data: bool,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Language of the config's comments and of these messages (Chinese by default).
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options every command that reads inputs shares.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// The weight-config file (default ./clinic-kpi.toml; without one, built-in defaults).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The folder holding the exports (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Language of labels in the output.
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    pub lang: LangArg,
    /// Force the encoding of CSV files (e.g. gbk, utf-8, utf-16le) instead of detecting it.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print more detail (every issue, the columns each input matched).
    #[arg(short, long)]
    pub verbose: bool,
    /// Threads to use (default: the cores available). With 1 everything runs on one thread,
    /// so a cron job on a shared machine keeps to one core; the result never depends on it.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,
}

/// The period: one of these, or none.
#[derive(Debug, Args, Clone, Default)]
pub struct PeriodArgs {
    /// A month: 2026-10.
    #[arg(long, value_name = "YYYY-MM", group = "period")]
    pub month: Option<String>,
    /// A quarter: 2026Q3.
    #[arg(long, value_name = "YYYYQn", group = "period")]
    pub quarter: Option<String>,
    /// A year: 2026.
    #[arg(long, value_name = "YYYY", group = "period")]
    pub year: Option<String>,
    /// First day of a date range (with --to), inclusive.
    #[arg(long, value_name = "DATE", requires = "to", group = "period")]
    pub from: Option<String>,
    /// Last day of a date range (with --from), inclusive.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RankBy {
    Role,
    Store,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    Table,
    Json,
    Csv,
    None,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The period (default: the previous calendar month).
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = ScoreFormat::Table)]
    pub format: ScoreFormat,
    /// Where the Excel scorecard goes; `{period}` is replaced by the period
    /// [default: scorecard-{period}.xlsx, or the folder scorecard-{period} with --split-by person]
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// `person`: instead of one scorecard, a folder with one workbook per person (their KPIs,
    /// notes and a sign-off block), to hand each employee only their own.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub split_by: Option<SplitBy>,
    /// Rank within role (default), or within role and store.
    #[arg(long, value_enum, default_value_t = RankBy::Role)]
    pub rank_by: RankBy,
    /// Exit with code 3 when any error-level data issue is found.
    #[arg(long)]
    pub strict: bool,
    /// Print only: write no scorecard (for scripts in read-only folders).
    #[arg(long, conflicts_with_all = ["output", "split_by"])]
    pub no_scorecard: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// The person, as named in the roster.
    #[arg(long, value_name = "NAME")]
    pub staff: String,
    /// Rank within role (default), or within role and store.
    #[arg(long, value_enum, default_value_t = RankBy::Role)]
    pub rank_by: RankBy,
    /// Also list, per KPI, every source row behind its numerator and denominator (file, sheet,
    /// row, date, masked customer, amount, deal or score, and why it counts).
    #[arg(long)]
    pub rows: bool,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Table)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitBy {
    Person,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
    /// List every issue, not only the first few of each kind.
    #[arg(long)]
    pub all: bool,
    /// Exit with code 3 when any error-level data issue is found.
    #[arg(long)]
    pub strict: bool,
}

/// Output format of `overview` and `alerts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableOrJson {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct OverviewArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The period (default: the previous calendar month).
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub format: TableOrJson,
}

/// The lowest alert level that makes `alerts` exit with code 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Blue (关注) and above: any alert.
    Blue,
    /// Yellow (资源调配) and red.
    Yellow,
    /// Red (策略调整) only.
    Red,
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The day to judge, with the data up to and including it (default: yesterday). A day past
    /// the last day of the exports is an error, never a slump.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Exit with code 4 when an alert at this level or above holds (blue < yellow < red).
    #[arg(long, value_enum, default_value_t = FailOn::Red)]
    pub fail_on: FailOn,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub format: TableOrJson,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
