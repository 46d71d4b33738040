//! `clinic-kpi check`: what each input contributes and every data issue; writes nothing.

use crate::cli::{CheckArgs, CheckFormat};
use crate::input::{Dataset, InputReport, Kind};
use crate::issues::{Issue, Severity};
use crate::people::{self, Person};
use crate::pipeline::{period_from_args, Plan};
use crate::words::cmd::Line;
use crate::{exit, Lang};
use anyhow::Result;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// Issues shown per severity and input kind unless `--all`.
const FIRST_FEW: usize = 5;

pub fn run(args: &CheckArgs) -> Result<u8> {
    let period = period_from_args(&args.period)?;
    let plan = Plan::new(&args.common, period)?;
    let mut ds = plan.load(Vec::new())?;
    let people = people::prepare(&mut ds, &plan.config.config, plan.period.as_ref());
    // With a period, the scoring's own findings (adjustments that apply to nobody, a score no
    // sheet can hold) are reported too, so `check` and `score` agree on every issue.
    if let Some(period) = &plan.period {
        let (_, issues) = crate::scoring::engine::score_all(
            &ds,
            &plan.config.config,
            &people,
            period,
            &crate::scoring::engine::Options {
                rank_by_store: false,
                threads: plan.jobs,
            },
        );
        ds.issues.extend(issues);
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        CheckFormat::Json => {
            let report = JsonReport {
                tool: "clinic-kpi",
                version: env!("CARGO_PKG_VERSION"),
                period: plan.period.as_ref(),
                inputs: &ds.inputs,
                not_read: ds.not_read.iter().map(|n| n.view(plan.lang)).collect(),
                issues: ds.issues.iter().map(|i| i.view(plan.lang)).collect(),
            };
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        CheckFormat::Table => {
            if !plan.quiet {
                if let Some(note) = &plan.config_note {
                    eprintln!("{}", note.say(plan.lang));
                }
                write_table(&mut out, &plan, &ds, &people, args.all || plan.verbose)?;
            }
        }
    }
    if args.strict && ds.error_count() > 0 {
        if !plan.quiet {
            let line = Line::StrictErrors {
                errors: ds.error_count(),
            };
            eprintln!("clinic-kpi: {}", line.say(plan.lang));
        }
        return Ok(exit::DATA_ERRORS);
    }
    Ok(exit::OK)
}

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: &'static str,
    version: &'static str,
    period: Option<&'a crate::period::Period>,
    inputs: &'a [InputReport],
    /// Files and sheets found but not read, each with why (they contribute no rows).
    not_read: Vec<crate::input::NotReadView<'a>>,
    issues: Vec<crate::issues::IssueView<'a>>,
}

fn yuan(fen: i64) -> String {
    crate::fmt::money(fen as f64 / 100.0)
}

fn write_table(
    out: &mut impl Write,
    plan: &Plan,
    ds: &Dataset,
    people: &[Person],
    all: bool,
) -> Result<()> {
    let l = plan.lang;
    let period = match &plan.period {
        Some(p) => Line::Period {
            label: p.label.clone(),
            start: p.start.to_string(),
            end: p.end.to_string(),
        },
        None => Line::NoPeriod,
    };
    writeln!(out, "{}", period.say(l))?;
    let name = plan.config.name_in(l);
    writeln!(out, "{}", Line::Config { name }.say(l))?;
    writeln!(out)?;
    writeln!(out, "{}", l.pick("输入", "Inputs"))?;
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(vec![
        l.pick("类型", "kind"),
        l.pick("文件", "file"),
        l.pick("工作表", "sheet"),
        l.pick("格式/编码", "format"),
        l.pick("表头行", "header"),
        l.pick("行数", "rows"),
        l.pick("已用", "used"),
        l.pick("期外", "out of period"),
        l.pick("拒收", "rejected"),
        l.pick("跳过", "skipped"),
        l.pick("金额", "amount"),
    ]);
    for i in &ds.inputs {
        let fmt = match &i.encoding {
            Some(e) => format!("{} {e}", i.format),
            None => i.format.to_string(),
        };
        t.add_row(vec![
            crate::words::labels::kind(i.kind, l).to_string(),
            i.file.clone(),
            i.sheet.clone().unwrap_or_else(|| "-".into()),
            fmt,
            match (i.header_top, i.header_row) {
                (Some(top), Some(row)) if top != row => format!("{top}–{row}"),
                (_, row) => row.map(|r| r.to_string()).unwrap_or_default(),
            },
            i.rows.to_string(),
            i.used.to_string(),
            i.out_of_period.to_string(),
            i.rejected.to_string(),
            i.skipped.to_string(),
            if i.kind == Kind::Sales {
                yuan(i.amount_used_fen)
            } else {
                String::new()
            },
        ]);
    }
    writeln!(out, "{t}")?;
    if !ds.not_read.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", l.pick("未读取", "Not read"))?;
        for n in &ds.not_read {
            let name = match &n.sheet {
                Some(s) => format!("{} [{s}]", n.file),
                None => n.file.clone(),
            };
            writeln!(out, "  {name}{}{}", l.pick("：", ": "), n.reason.say(l))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", l.pick("列匹配", "Columns matched"))?;
    for i in &ds.inputs {
        let cols: Vec<String> = i
            .columns
            .iter()
            .map(|(h, key)| {
                let field = i
                    .kind
                    .columns()
                    .iter()
                    .find(|c| c.field.key() == *key)
                    .map(|c| c.field);
                crate::words::cmd::column_match(h, field, key, l)
            })
            .collect();
        let name = match &i.sheet {
            Some(s) => format!("{} [{s}]", i.file),
            None => i.file.clone(),
        };
        writeln!(
            out,
            "  {name}{}{}",
            l.pick("：", ": "),
            cols.join(l.pick("，", ", "))
        )?;
        if !i.columns_not_used.is_empty() {
            writeln!(
                out,
                "    {}{}{}",
                l.pick("未使用的列", "columns not used"),
                l.pick("：", ": "),
                i.columns_not_used.join(l.pick("、", ", "))
            )?;
        }
    }
    writeln!(out)?;
    write_issues(out, l, ds, all)?;
    writeln!(out)?;
    writeln!(out, "{}", l.pick("参与考核人员", "People scored per role"))?;
    for (key, role) in &plan.config.config.roles {
        let names: Vec<String> = people
            .iter()
            .filter(|p| &p.role == key)
            .map(|p| p.name.clone())
            .collect();
        let line = Line::RolePeople {
            label: role.shown_label(key).to_string(),
            key: key.clone(),
            names,
        };
        writeln!(out, "  {}", line.say(l))?;
    }
    Ok(())
}

fn write_issues(out: &mut impl Write, l: Lang, ds: &Dataset, all: bool) -> Result<()> {
    let counts = [Severity::Error, Severity::Warning, Severity::Info]
        .map(|s| ds.issues.iter().filter(|i| i.severity == s).count());
    let line = Line::IssueCounts {
        errors: counts[0],
        warnings: counts[1],
        infos: counts[2],
    };
    writeln!(out, "{}", line.say(l))?;
    let kind_of = |i: &Issue| -> String {
        i.file
            .as_ref()
            .and_then(|f| {
                ds.inputs
                    .iter()
                    .find(|inp| &inp.file == f && inp.sheet == i.sheet)
                    .map(|inp| inp.kind.key().to_string())
            })
            .unwrap_or_default()
    };
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let mut groups: BTreeMap<String, Vec<&Issue>> = BTreeMap::new();
        for i in ds.issues.iter().filter(|i| i.severity == sev) {
            groups.entry(kind_of(i)).or_default().push(i);
        }
        for list in groups.values() {
            let shown = if all {
                list.len()
            } else {
                list.len().min(FIRST_FEW)
            };
            for i in &list[..shown] {
                let value = match i.shown_value() {
                    Some(v) if !v.is_empty() && !i.message(l).contains(v) => {
                        format!(" [{v}]")
                    }
                    _ => String::new(),
                };
                let loc = i.location(l);
                let sep = if loc.is_empty() {
                    ""
                } else {
                    l.pick("：", ": ")
                };
                writeln!(out, "  {} {loc}{sep}{}{value}", sev.label(l), i.message(l))?;
            }
            if shown < list.len() {
                let count = list.len() - shown;
                writeln!(out, "  {}", Line::NotListed { count }.say(l))?;
            }
        }
    }
    Ok(())
}
