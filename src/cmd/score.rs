//! `clinic-kpi score`: compute every KPI, score, grade, rank and bonus for the period and print
//! them as a table, JSON or CSV.

use super::{period_from_args, Plan};
use crate::cli::{ScoreArgs, ScoreFormat};
use crate::input::Dataset;
use crate::issues::{Issue, Severity};
use crate::metrics::defs::{self, Unit};
use crate::period::{Period, PeriodKind};
use crate::scoring::engine::{self, PersonResult};
use crate::{exit, people, Lang, UsageError};
use anyhow::{Context, Result};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;
use std::io::Write;

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
        lang: plan.lang,
        threads: plan.jobs,
    };
    let (results, issues) = engine::score_all(&ds, cfg, &people, &period, &opts);
    ds.issues.extend(issues);
    let monthly = match period.kind {
        PeriodKind::Quarter | PeriodKind::Year if output.is_some() => {
            engine::score_months(&ds, cfg, &people, &period, &opts)
        }
        _ => Vec::new(),
    };
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

pub fn run(args: &ScoreArgs) -> Result<u8> {
    let period = period_from_args(&args.period)?;
    let plan = Plan::new(&args.common, period)?;
    let quiet = plan.quiet;
    let period_given = plan.period.is_some();
    let split = args.split_by == Some(crate::cli::SplitBy::Person);
    let output = args.output.clone().unwrap_or_else(|| {
        std::path::PathBuf::from(if split {
            "scorecard-{period}"
        } else {
            "scorecard-{period}.xlsx"
        })
    });
    // A folder that is not there fails now, not after reading a year of data.
    if !args.no_scorecard {
        crate::report::write::check_target_folder(&output, split).map_err(UsageError)?;
    }
    let run = compute(
        plan,
        args.rank_by == crate::cli::RankBy::Store,
        (!args.no_scorecard).then_some(output.as_path()),
    )?;
    if !quiet {
        if let Some(note) = &run.plan.config_note {
            eprintln!("{note}");
        }
        if !period_given {
            eprintln!(
                "period: {} ({} ~ {}), the previous calendar month",
                run.period.label, run.period.start, run.period.end
            );
        }
    }
    let errors = run.ds.error_count();
    // With --strict, data errors mean no scorecard at all (SPEC §1).
    let written = if args.no_scorecard || (args.strict && errors > 0) {
        None
    } else {
        Some(write_output(&run, &output, split)?)
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        ScoreFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &json_report(&run))?;
            writeln!(out)?;
        }
        ScoreFormat::Csv => write_csv(&mut out, &run)?,
        ScoreFormat::Table => {
            if !quiet {
                write_tables(&mut out, &run)?;
            }
        }
        ScoreFormat::None => {}
    }
    if !quiet {
        if let Some(path) = &written {
            eprintln!(
                "{} {}",
                run.plan.lang.pick("已写入", "wrote"),
                path.display()
            );
        }
    }
    if !quiet && errors + run.ds.issues.len() > 0 {
        let warnings = run
            .ds
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
            .count();
        eprintln!(
            "{} {errors} {}, {warnings} {} — clinic-kpi check {} --all {}",
            run.plan.lang.pick("数据问题：", "data issues:"),
            Severity::Error.label(run.plan.lang),
            Severity::Warning.label(run.plan.lang),
            run.period.flags(),
            run.plan.lang.pick("查看全部", "lists them all"),
        );
    }
    if args.strict && errors > 0 {
        return Ok(exit::DATA_ERRORS);
    }
    Ok(exit::OK)
}

/// The output path with `{period}` replaced by the period label.
fn output_path(template: &std::path::Path, period: &Period) -> std::path::PathBuf {
    std::path::PathBuf::from(
        template
            .to_string_lossy()
            .replace("{period}", &period.label),
    )
}

/// Writes the scorecard (or, split by person, the folder of per-person workbooks) at the
/// output path; refuses to overwrite an input file, the config or the data folder (SPEC §6.3).
fn write_output(run: &Run, output: &std::path::Path, split: bool) -> Result<std::path::PathBuf> {
    let path = output_path(output, &run.period);
    let inputs: Vec<&std::path::Path> = run.ds.inputs.iter().map(|i| i.path.as_path()).collect();
    crate::report::write::refuse_inputs_as_output(
        &path,
        split,
        &inputs,
        run.plan.config.path.as_deref(),
        &run.plan.data_dir,
    )?;
    // What an interrupted run left here goes first: its temp files, and for a folder the old
    // folder it had moved aside, put back when the target is missing.
    for restored in crate::report::write::clean_leftovers(&path) {
        if !run.plan.quiet {
            eprintln!(
                "{} {}",
                run.plan.lang.pick(
                    "已恢复上次中断运行移开的文件夹",
                    "restored the folder an interrupted run had moved aside:"
                ),
                restored.display()
            );
        }
    }
    if split {
        let files = crate::report::person::build_all(run).context("building the scorecards")?;
        crate::report::write::replace_folder(&path, &files)?;
    } else {
        let overview = overview_of(run);
        let bytes = crate::report::xlsx::build(run, &overview).context("building the scorecard")?;
        crate::report::write::write_atomic(&path, &bytes)?;
    }
    Ok(path)
}

/// The clinic's indicators for the run's period (the scorecard's 经营概览 sheet), counted as
/// `overview` counts them.
pub fn overview_of(run: &Run) -> crate::clinic::overview::Overview {
    let people: Vec<people::Person> = run.results.iter().map(|r| r.person.clone()).collect();
    crate::clinic::overview::compute(&run.ds, &run.plan.config.config, &people, &run.period)
}

#[derive(Serialize)]
pub struct JsonKpi<'a> {
    pub metric: &'a str,
    pub item: Option<&'a str>,
    pub label: &'a str,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub previous: Option<f64>,
    pub score: Option<f64>,
    pub weight: f64,
    pub effective_weight: f64,
    pub status: &'a str,
}

#[derive(Serialize)]
pub struct JsonPerson<'a> {
    pub staff: &'a str,
    pub staff_id: Option<&'a str>,
    pub role: &'a str,
    pub role_label: &'a str,
    pub store: Option<&'a str>,
    pub department: Option<&'a str>,
    pub kpis: Vec<JsonKpi<'a>>,
    pub total: f64,
    pub grade: &'a str,
    pub rank: u32,
    pub rank_of: u32,
    pub bonus: Option<f64>,
    pub vetoed: bool,
    pub flags: &'a [&'static str],
}

#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub tool: &'static str,
    pub version: &'static str,
    pub period: &'a Period,
    pub secondary_rule: &'a str,
    pub people: Vec<JsonPerson<'a>>,
    pub issues: &'a [Issue],
    pub inputs: &'a [crate::input::InputReport],
}

/// Results in display order: by role (config order), then rank, then name.
pub(crate) fn ordered(run: &Run) -> Vec<&PersonResult> {
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

pub fn json_report(run: &Run) -> JsonReport<'_> {
    let ds = &run.ds;
    let people = ordered(run)
        .into_iter()
        .map(|r| JsonPerson {
            staff: &r.person.name,
            staff_id: r.person.staff_id.as_deref(),
            role: &r.person.role,
            role_label: &r.role_label,
            store: r.person.store.map(|s| ds.name(s)),
            department: r.person.department.map(|s| ds.name(s)),
            kpis: r
                .kpis
                .iter()
                .map(|k| JsonKpi {
                    metric: k.metric,
                    item: k.item.as_deref(),
                    label: &k.label,
                    value: k.value,
                    numerator: k.numerator,
                    denominator: k.denominator,
                    previous: k.previous,
                    score: k.score,
                    weight: k.weight,
                    effective_weight: k.effective_weight,
                    status: k.status.key(),
                })
                .collect(),
            total: r.total,
            grade: &r.grade,
            rank: r.rank,
            rank_of: r.rank_of,
            bonus: r.bonus,
            vetoed: r.vetoed,
            flags: &r.flags,
        })
        .collect();
    JsonReport {
        tool: "clinic-kpi",
        version: env!("CARGO_PKG_VERSION"),
        period: &run.period,
        secondary_rule: run.secondary_rule,
        people,
        issues: &ds.issues,
        inputs: &ds.inputs,
    }
}

fn opt(x: Option<f64>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// A text field for CSV, made inert for Excel (SPEC §6.2): text beginning with `= + - @`, a
/// tab or a carriage return would be read as a formula (`=HYPERLINK(…)` from a roster name), so
/// it gets a leading `'`. Numbers are never passed through here: −1500 stays a number.
fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// The CSV header: the JSON person's fields, its KPI's fields in their place (SPEC §6.2).
const CSV_HEADER: [&str; 24] = [
    "staff",
    "staff_id",
    "role",
    "role_label",
    "store",
    "department",
    "metric",
    "item",
    "label",
    "value",
    "numerator",
    "denominator",
    "previous",
    "score",
    "weight",
    "effective_weight",
    "status",
    "total",
    "grade",
    "rank",
    "rank_of",
    "bonus",
    "vetoed",
    "flags",
];

/// `--format csv`: one row per person × KPI with every field of the JSON (SPEC §6.2), the
/// text fields made inert for Excel.
fn write_csv(out: &mut impl Write, run: &Run) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    let report = json_report(run);
    for p in &report.people {
        for k in &p.kpis {
            let text = |s: Option<&str>| csv_text(s.unwrap_or_default()).into_owned();
            let record: [String; CSV_HEADER.len()] = [
                text(Some(p.staff)),
                text(p.staff_id),
                text(Some(p.role)),
                text(Some(p.role_label)),
                text(p.store),
                text(p.department),
                text(Some(k.metric)),
                text(k.item),
                text(Some(k.label)),
                opt(k.value),
                opt(k.numerator),
                opt(k.denominator),
                opt(k.previous),
                opt(k.score),
                k.weight.to_string(),
                k.effective_weight.to_string(),
                text(Some(k.status)),
                p.total.to_string(),
                text(Some(p.grade)),
                p.rank.to_string(),
                p.rank_of.to_string(),
                opt(p.bonus),
                p.vetoed.to_string(),
                text(Some(&p.flags.join(" "))),
            ];
            w.write_record(&record)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// A value formatted for people: percent for rates, ¥ for money.
pub fn show_value(metric: &str, v: Option<f64>) -> String {
    let Some(v) = v else {
        return "—".to_string();
    };
    match defs::metric(metric).map(|d| d.unit) {
        Some(Unit::Percent) => crate::fmt::rate(v),
        Some(Unit::Yuan) => crate::fmt::money(v),
        Some(Unit::Hours) => format!("{v:.1}h"),
        _ => format!("{}", (v * 100.0).round() / 100.0),
    }
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

fn write_tables(out: &mut impl Write, run: &Run) -> Result<()> {
    let l = run.plan.lang;
    let ds = &run.ds;
    writeln!(
        out,
        "{} {} ({} ~ {}) · {} {}",
        l.pick("期间", "Period"),
        run.period.label,
        run.period.start,
        run.period.end,
        l.pick("二开口径", "二开 rule"),
        run.secondary_rule
    )?;
    // Errors about the whole run (an empty period, a column a KPI needs) stand above the
    // numbers they make untrustworthy, not only in the count of data issues below them.
    for i in ds
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error && i.file.is_none())
    {
        writeln!(out, "!! {}: {}", Severity::Error.label(l), i.message())?;
    }
    for (key, role) in &run.plan.config.config.roles {
        let rows: Vec<&PersonResult> = ordered(run)
            .into_iter()
            .filter(|r| &r.person.role == key)
            .collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "{} ({key})", role.shown_label(key))?;
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        let mut header = vec![
            l.pick("姓名", "staff").to_string(),
            l.pick("门店", "store").to_string(),
        ];
        for k in &role.kpi {
            let label = defs::kpi_label(&k.metric, k.item.as_deref(), l);
            header.push(format!("{label} ({}%)", k.weight));
        }
        for h in [
            l.pick("总分", "total"),
            l.pick("等级", "grade"),
            l.pick("排名", "rank"),
            l.pick("奖金", "bonus"),
            l.pick("标记", "flags"),
        ] {
            header.push(h.to_string());
        }
        t.set_header(header);
        for r in rows {
            let mut cells = vec![
                r.person.name.clone(),
                r.person
                    .store
                    .map(|s| ds.name(s).to_string())
                    .unwrap_or_default(),
            ];
            for k in &r.kpis {
                let score = k
                    .score
                    .map(|s| format!("{s:.1}"))
                    .unwrap_or_else(|| l.pick("不计", "n/a").to_string());
                cells.push(format!("{} → {score}", show_value(k.metric, k.value)));
            }
            cells.push(format!("{:.1}", r.total));
            cells.push(r.grade.clone());
            cells.push(format!("{}/{}", r.rank, r.rank_of));
            cells.push(r.bonus.map(crate::fmt::money_whole).unwrap_or_default());
            cells.push(
                r.flags
                    .iter()
                    .map(|f| flag_label(f, l))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            t.add_row(cells);
        }
        writeln!(out, "{t}")?;
    }
    Ok(())
}
