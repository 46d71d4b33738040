//! `clinic-kpi score`: compute every KPI, score, grade, rank and bonus for the period and print
//! them as a table, JSON or CSV.

use crate::cli::{ScoreArgs, ScoreFormat};
use crate::issues::Severity;
use crate::metrics::defs::{self, Unit};
use crate::period::Period;
use crate::pipeline::{
    compute, flag_label, ordered, output_path, overview_of, period_from_args, Plan, Run,
};
use crate::scoring::engine::PersonResult;
use crate::words::cmd::{CmdError, Line};
use crate::words::Fail;
use crate::{exit, Lang, UsageError};
use anyhow::{Context, Result};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;
use std::io::Write;

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
        crate::report::write::check_target_folder(&output, split).map_err(UsageError::new)?;
    }
    let run = compute(
        plan,
        args.rank_by == crate::cli::RankBy::Store,
        (!args.no_scorecard).then_some(output.as_path()),
    )?;
    if !quiet {
        if let Some(note) = &run.plan.config_note {
            eprintln!("{}", note.say(run.plan.lang));
        }
        if !period_given {
            let line = super::overview::previous_month(&run.period);
            eprintln!("{}", line.say(run.plan.lang));
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
            let path = path.display().to_string();
            eprintln!("{}", Line::Wrote { path }.say(run.plan.lang));
        }
    }
    if !quiet && errors + run.ds.issues.len() > 0 {
        let warnings = run
            .ds
            .issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
            .count();
        let line = Line::IssueSummary {
            errors,
            warnings,
            flags: run.period.flags(),
        };
        eprintln!("{}", line.say(run.plan.lang));
    }
    if args.strict && errors > 0 {
        return Ok(exit::DATA_ERRORS);
    }
    Ok(exit::OK)
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
            let path = restored.display().to_string();
            eprintln!("{}", Line::Restored { path }.say(run.plan.lang));
        }
    }
    if split {
        let files = crate::report::person::build_all(run)
            .with_context(|| Fail::new(CmdError::Building { per_person: true }))?;
        crate::report::write::replace_folder(&path, &files)?;
    } else {
        let overview = overview_of(run);
        let bytes = crate::report::xlsx::build(run, &overview)
            .with_context(|| Fail::new(CmdError::Building { per_person: false }))?;
        crate::report::write::write_atomic(&path, &bytes)?;
    }
    Ok(path)
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
    pub issues: Vec<crate::issues::IssueView<'a>>,
    pub inputs: &'a [crate::input::InputReport],
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
        issues: ds.issues.iter().map(|i| i.view(run.plan.lang)).collect(),
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

fn write_tables(out: &mut impl Write, run: &Run) -> Result<()> {
    let l = run.plan.lang;
    let ds = &run.ds;
    let period = Line::Period {
        label: run.period.label.clone(),
        start: run.period.start.to_string(),
        end: run.period.end.to_string(),
    };
    let rule = if run.secondary_rule == "type" {
        Line::SecondaryByType
    } else {
        Line::SecondaryDerived {
            window_days: run.plan.config.config.secondary.window_days,
        }
    };
    writeln!(out, "{} · {}", period.say(l), rule.say(l))?;
    // Errors about the whole run (an empty period, a column a KPI needs) stand above the
    // numbers they make untrustworthy, not only in the count of data issues below them.
    for i in ds
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error && i.file.is_none())
    {
        let sep = l.pick("：", ": ");
        writeln!(out, "!! {}{sep}{}", Severity::Error.label(l), i.message(l))?;
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
        // The role by its job title; in English with its config key, the one English word for
        // it (a title names one role only, so the title alone is unambiguous).
        let label = role.shown_label(key);
        match l {
            Lang::Zh => writeln!(out, "{label}")?,
            Lang::En => writeln!(out, "{label} ({key})")?,
        }
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
