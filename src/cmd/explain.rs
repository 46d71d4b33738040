//! `clinic-kpi explain --staff NAME`: the derivation a manager shows an employee who asks
//! "why this score?"; with `--rows`, every source row behind each numerator and denominator
//! (SPEC §1), as text or (`--format json`) as data.

use super::score::{json_report, show_value, JsonPerson};
use crate::cli::{ExplainArgs, ExplainFormat};
use crate::exit;
use crate::input::values;
use crate::pipeline::{compute, flag_label};
use crate::pipeline::{period_from_args, Plan};
use crate::report::evidence::{self as words, JsonRow};
use crate::words::score::{self as say, ExplainFail};
use crate::words::Fail;
use anyhow::{bail, Result};
use serde::Serialize;
use std::io::Write;

pub fn run(args: &ExplainArgs) -> Result<u8> {
    let period = period_from_args(&args.period)?;
    let plan = Plan::new(&args.common, period)?;
    let run = compute(plan, args.rank_by == crate::cli::RankBy::Store, None)?;
    let l = run.plan.lang;
    let wanted = values::fold_text(&args.staff);
    let matches: Vec<_> = run
        .results
        .iter()
        .filter(|r| r.person.name == wanted || r.person.staff_id.as_deref() == Some(&wanted))
        .collect();
    let r = match matches.as_slice() {
        [r] => *r,
        [] => bail!(Fail::new(ExplainFail::NotScored {
            staff: args.staff.clone(),
            period: run.period.label.clone(),
            command: format!("clinic-kpi check {}", run.period.flags()),
        })),
        _ => bail!(Fail::new(ExplainFail::SeveralPeople {
            staff: args.staff.clone(),
        })),
    };
    let ds = &run.ds;
    // The rows behind the numbers, only when asked for.
    let rows = if args.rows {
        words::rows_behind(&run, &[r]).pop()
    } else {
        None
    };
    let rows_of = |metric: &str, item: &Option<String>| {
        rows.as_ref().and_then(|kpis| {
            kpis.iter()
                .find(|k| k.metric == metric && &k.item == item)
                .map(|k| &k.rows)
        })
    };
    let mut out = std::io::stdout().lock();
    if args.format == ExplainFormat::Json {
        let report = json_report(&run);
        let person = report
            .people
            .into_iter()
            .find(|p| p.staff.as_ptr() == r.person.name.as_ptr())
            .expect("the person explained is among the people scored");
        let json = JsonExplain {
            tool: "clinic-kpi",
            version: env!("CARGO_PKG_VERSION"),
            period: &run.period,
            person,
            kpis: r
                .kpis
                .iter()
                .map(|k| JsonKpiRows {
                    metric: k.metric,
                    item: k.item.as_deref(),
                    label: crate::metrics::defs::kpi_label(k.metric, k.item.as_deref(), l),
                    curve: say::curve(&k.curve, l),
                    rows: rows_of(k.metric, &k.item)
                        .map(|rs| rs.iter().map(|row| words::json_row(ds, row, l)).collect()),
                })
                .collect(),
            raw_total: r.raw_total,
            veto: r.veto_note.as_ref().map(|v| say::veto(v, l)),
            bonus_steps: r
                .bonus_steps
                .iter()
                .map(|s| say::bonus_step(s, l))
                .collect(),
        };
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
        return Ok(exit::OK);
    }
    // Chinese punctuation in Chinese: 定义：…，（正常）.
    let (c, o, e) = (l.pick("：", ": "), l.pick("（", " ("), l.pick("）", ")"));
    writeln!(
        out,
        "{}{} · {}{o}{}{e} · {} · {} {}{o}{} ~ {}{e}",
        r.person.name,
        r.person
            .staff_id
            .as_deref()
            .map(|id| format!("{o}{} {id}{e}", l.pick("工号", "staff id")))
            .unwrap_or_default(),
        r.role_label,
        r.person.role,
        r.person.store.map(|s| ds.name(s)).unwrap_or("-"),
        l.pick("期间", "period"),
        run.period.label,
        run.period.start,
        run.period.end
    )?;
    if r.share < 1.0 {
        writeln!(
            out,
            "{}{c}{:.4}{o}{}{e}",
            l.pick("在岗天数占比", "share of the period employed"),
            r.share,
            l.pick(
                "个人的绝对目标与奖金按此折算",
                "own absolute targets and bonus are pro-rated by it"
            )
        )?;
    }
    for (i, k) in r.kpis.iter().enumerate() {
        writeln!(out)?;
        let label = crate::metrics::defs::kpi_label(k.metric, k.item.as_deref(), l);
        writeln!(out, "{}. {label} [{}]", i + 1, k.metric)?;
        if let Some(def) = crate::metrics::defs::metric(k.metric) {
            writeln!(
                out,
                "   {}{c}{}",
                l.pick("定义", "definition"),
                l.pick(def.definition_zh, def.definition_en)
            )?;
        }
        for row in &k.rows {
            writeln!(out, "   {}", crate::report::detail::detail(row, l))?;
        }
        writeln!(
            out,
            "   {} {} / {} = {}{o}{}{e}",
            l.pick("数值", "value"),
            k.numerator
                .map(|v| v.to_string())
                .unwrap_or_else(|| "—".into()),
            k.denominator
                .map(|v| v.to_string())
                .unwrap_or_else(|| "—".into()),
            show_value(k.metric, k.value),
            k.status.label(l)
        )?;
        if let Some(rs) = rows_of(k.metric, &k.item) {
            writeln!(
                out,
                "   {}{o}{}{e}{c}",
                l.pick("来源行", "source rows"),
                rs.len()
            )?;
            for row in rs {
                writeln!(out, "     {}", words::text_line(ds, k.metric, row, l))?;
            }
        }
        if let Some(a) = &k.adjustment {
            let mut what = Vec::new();
            if let Some(v) = a.value {
                what.push(format!(
                    "{} {}",
                    l.pick("改为", "value set to"),
                    show_value(k.metric, Some(v))
                ));
            }
            if let Some(d) = a.score_delta {
                what.push(format!("{} {d:+}", l.pick("得分调整", "score change")));
            }
            writeln!(
                out,
                "   {}{c}{} — {}{o}{} {}{e}",
                l.pick("申诉调整", "adjustment"),
                what.join(l.pick("，", ", ")),
                a.reason,
                l.pick("审批人", "approved by"),
                a.approved_by
            )?;
        }
        writeln!(
            out,
            "   {}{c}{}",
            l.pick("计分规则", "curve"),
            say::curve(&k.curve, l)
        )?;
        writeln!(
            out,
            "   {} {} × {} {:.4}%{o}{} {}%{e} → {:.4}",
            l.pick("得分", "score"),
            k.score
                .map(|s| format!("{s:.4}"))
                .unwrap_or_else(|| "—".into()),
            l.pick("有效权重", "effective weight"),
            k.effective_weight,
            l.pick("配置权重", "weight"),
            k.weight,
            k.score.unwrap_or(0.0) * k.effective_weight / 100.0
        )?;
        if let Some(p) = k.previous {
            writeln!(
                out,
                "   {}{c}{}",
                l.pick("上期", "previous"),
                show_value(k.metric, Some(p))
            )?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} = Σ {} × {} ÷ 100 = {:.4}",
        l.pick("总分", "total"),
        l.pick("得分", "score"),
        l.pick("有效权重", "effective weight"),
        r.raw_total
    )?;
    if let Some(v) = &r.veto_note {
        writeln!(out, "{}{c}{}", l.pick("一票否决", "veto"), say::veto(v, l))?;
    }
    writeln!(
        out,
        "{} {:.1} → {} {} · {} {}/{}",
        l.pick("总分", "total"),
        r.total,
        l.pick("等级", "grade"),
        r.grade,
        l.pick("排名", "rank"),
        r.rank,
        r.rank_of
    )?;
    if let Some(b) = r.bonus {
        for s in &r.bonus_steps {
            writeln!(out, "  {}", say::bonus_step(s, l))?;
        }
        writeln!(
            out,
            "{}{c}{}",
            l.pick("奖金", "bonus"),
            crate::fmt::money_whole(b)
        )?;
    }
    if !r.flags.is_empty() {
        let f: Vec<&str> = r.flags.iter().map(|f| flag_label(f, l)).collect();
        writeln!(out, "{}{c}{}", l.pick("标记", "flags"), f.join(" "))?;
    }
    Ok(exit::OK)
}

/// `explain --format json`: the person as in `score`'s JSON, each KPI's rule and (with
/// `--rows`) the rows behind it, the total before a veto, the veto and the bonus steps.
#[derive(Serialize)]
struct JsonExplain<'a> {
    tool: &'static str,
    version: &'static str,
    period: &'a crate::period::Period,
    person: JsonPerson<'a>,
    kpis: Vec<JsonKpiRows<'a>>,
    raw_total: f64,
    veto: Option<String>,
    bonus_steps: Vec<String>,
}

#[derive(Serialize)]
struct JsonKpiRows<'a> {
    metric: &'a str,
    item: Option<&'a str>,
    label: String,
    curve: String,
    /// null without `--rows`.
    rows: Option<Vec<JsonRow>>,
}
