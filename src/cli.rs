//! Command-line arguments as typed (clap derive). Commands turn these into a plan.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// KPI scores, grades, ranks and bonuses for medical-aesthetics clinic staff, from the clinic
/// system's monthly exports (消费流水, 到院咨询, 投诉, 员工花名册...).
#[derive(Debug, Parser)]
#[command(name = "clinic-kpi", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line; `score` and `explain` help lists every metric from its one
    /// definition (src/metrics/defs.rs).
    pub fn parse_with_metric_help() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let help = crate::metrics::defs::help_text();
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
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to write into (default: the current folder; created if missing).
    pub dir: Option<PathBuf>,
    /// Also write a small realistic set of exports (two stores, September–October 2026).
    #[arg(long)]
    pub sample_data: bool,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
