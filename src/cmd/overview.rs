//! `clinic-kpi overview`: the clinic's own indicators for a period (SPEC §8.1), as tables or
//! as JSON (the serialised [`Overview`]: stable keys, money in yuan, rates as fractions).

use crate::cli::{OverviewArgs, TableOrJson};
use crate::clinic::overview::{self, Overview};
use crate::input::Dataset;
use crate::issues::Severity;
use crate::period::Period;
use crate::pipeline::{period_from_args, Plan};
use crate::report::overview::{
    Field, Words, CHANNEL_ACTUALS, CHANNEL_TARGETS, CLINIC_ACTUALS, CLINIC_TARGETS,
    DEPARTMENT_ACTUALS, DEPARTMENT_TARGETS, STORE_ACTUALS, STORE_TARGETS,
};
use crate::words::cmd::Line;
use crate::{exit, people, Lang};
use anyhow::Result;
use comfy_table::{presets::UTF8_FULL_CONDENSED, CellAlignment, ContentArrangement, Table};
use std::io::Write;

pub fn run(args: &OverviewArgs) -> Result<u8> {
    let period = period_from_args(&args.period)?;
    let period_given = period.is_some();
    let mut plan = Plan::new(&args.common, period)?;
    let period = match &plan.period {
        Some(p) => p.clone(),
        None => Period::previous_month_of(chrono::Local::now().date_naive())?,
    };
    plan.period = Some(period.clone());
    let mut ds = plan.load(Vec::new())?;
    let cfg = &plan.config.config;
    let (people, issues) = people::resolve(&ds, cfg, Some(&period));
    ds.issues.extend(issues);
    let ov = overview::compute(&ds, cfg, &people, &period, plan.jobs);
    let l = plan.lang;
    if !plan.quiet {
        if let Some(note) = &plan.config_note {
            eprintln!("{}", note.say(l));
        }
        if !period_given {
            eprintln!("{}", previous_month(&period).say(l));
        }
        if !ds.has_activity_in(&period) {
            let label = period.label.clone();
            eprintln!("{}", Line::EmptyPeriod { label }.say(l));
        }
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        TableOrJson::Json => {
            serde_json::to_writer_pretty(&mut out, &ov)?;
            writeln!(out)?;
        }
        TableOrJson::Table => {
            if !plan.quiet {
                write_tables(&mut out, &ov, l)?;
            }
        }
    }
    if !plan.quiet {
        issue_summary(&ds, &period, l);
    }
    Ok(exit::OK)
}

/// The line saying that no period was given, so the previous calendar month is scored.
pub(crate) fn previous_month(p: &Period) -> Line {
    Line::PreviousMonth {
        label: p.label.clone(),
        start: p.start.to_string(),
        end: p.end.to_string(),
    }
}

/// The one-line count of data issues on stderr, with the command that lists them.
pub(crate) fn issue_summary(ds: &Dataset, period: &Period, l: Lang) {
    if ds.issues.is_empty() {
        return;
    }
    let count = |s: Severity| ds.issues.iter().filter(|i| i.severity == s).count();
    let line = Line::IssueSummary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        flags: period.flags(),
    };
    eprintln!("{}", line.say(l));
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t
}

/// Right-aligns every column but the first.
fn align_numbers(t: &mut Table, columns: usize) {
    for c in 1..columns {
        if let Some(col) = t.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
}

fn write_tables(out: &mut impl Write, ov: &Overview, l: Lang) -> Result<()> {
    writeln!(out, "{}", Words::period_line(ov, l))?;
    writeln!(out, "{}", Words::previous_line(ov, l))?;

    writeln!(out)?;
    writeln!(out, "{}", Words::clinic(l))?;
    let mut t = table();
    t.set_header(vec![
        Words::figure(l),
        Words::current(l),
        Words::previous(l),
    ]);
    let c = &ov.clinic;
    for fd in CLINIC_ACTUALS {
        t.add_row(vec![
            fd.label(l).to_string(),
            fd.kind.show((fd.get)(&c.actual)),
            c.previous
                .as_ref()
                .map(|p| fd.kind.show((fd.get)(p)))
                .unwrap_or_default(),
        ]);
    }
    // Targets not configured are left out here (the JSON and the sheet keep them as nulls).
    for fd in CLINIC_TARGETS.iter().filter(|fd| (fd.get)(c).is_some()) {
        t.add_row(vec![
            fd.label(l).to_string(),
            fd.kind.show((fd.get)(c)),
            String::new(),
        ]);
    }
    align_numbers(&mut t, 3);
    writeln!(out, "{t}")?;

    section(
        out,
        l,
        Words::stores(l),
        Words::store(l),
        &ov.stores,
        |s| s.store.as_deref().unwrap_or(Words::no_store(l)).to_string(),
        STORE_ACTUALS,
        STORE_TARGETS,
        |s| &s.actual,
        |s| s.previous.as_ref(),
        "revenue",
    )?;
    section(
        out,
        l,
        Words::departments(l),
        Words::department(l),
        &ov.departments,
        |d| {
            d.department
                .as_deref()
                .unwrap_or(Words::no_department(l))
                .to_string()
        },
        DEPARTMENT_ACTUALS,
        DEPARTMENT_TARGETS,
        |d| &d.actual,
        |d| d.previous.as_ref(),
        "revenue",
    )?;
    section(
        out,
        l,
        Words::channels(l),
        Words::channel(l),
        &ov.channels,
        |c| {
            c.channel
                .as_deref()
                .unwrap_or(Words::no_channel(l))
                .to_string()
        },
        CHANNEL_ACTUALS,
        CHANNEL_TARGETS,
        |c| &c.actual,
        |c| c.previous.as_ref(),
        "conversion",
    )?;
    Ok(())
}

/// A section of one row per name, for a terminal: every figure that has a value in some row,
/// and the previous period's `compare_key` figure beside them.
#[allow(clippy::too_many_arguments)]
fn section<R, A>(
    out: &mut impl Write,
    l: Lang,
    title: &str,
    name_header: &str,
    rows: &[R],
    name: impl Fn(&R) -> String,
    actuals: &[Field<A>],
    targets: &[Field<R>],
    actual: impl Fn(&R) -> &A,
    previous: impl Fn(&R) -> Option<&A>,
    compare_key: &str,
) -> Result<()> {
    writeln!(out)?;
    writeln!(out, "{title}")?;
    if rows.is_empty() {
        writeln!(
            out,
            "{}",
            l.pick(
                "（导出数据没有这一列，无法分列）",
                "(the exports have no such column)"
            )
        )?;
        return Ok(());
    }
    // Columns without a value in any row (no targets configured, no complaints input) are
    // left out of the terminal table; the JSON and the sheet keep them as nulls.
    let shown_a: Vec<&Field<A>> = actuals
        .iter()
        .filter(|fd| rows.iter().any(|r| (fd.get)(actual(r)).is_some()))
        .collect();
    let shown_t: Vec<&Field<R>> = targets
        .iter()
        .filter(|fd| rows.iter().any(|r| (fd.get)(r).is_some()))
        .collect();
    let compare = actuals.iter().find(|fd| fd.key == compare_key);
    let any_previous = rows.iter().any(|r| previous(r).is_some());
    let mut header: Vec<String> = vec![name_header.to_string()];
    header.extend(shown_a.iter().map(|fd| fd.label(l).to_string()));
    header.extend(shown_t.iter().map(|fd| fd.label(l).to_string()));
    if let (Some(fd), true) = (compare, any_previous) {
        header.push(Words::previous_of(fd.label(l), l));
    }
    let columns = header.len();
    let mut t = table();
    t.set_header(header);
    for r in rows {
        let mut cells = vec![name(r)];
        cells.extend(shown_a.iter().map(|fd| fd.kind.show((fd.get)(actual(r)))));
        cells.extend(shown_t.iter().map(|fd| fd.kind.show((fd.get)(r))));
        if let (Some(fd), true) = (compare, any_previous) {
            cells.push(fd.kind.show(previous(r).and_then(fd.get)));
        }
        t.add_row(cells);
    }
    align_numbers(&mut t, columns);
    writeln!(out, "{t}")?;
    Ok(())
}
