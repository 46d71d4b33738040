//! 口径 (Config): the period and the run's rules, the grade thresholds the grade formulas look
//! up, every role's KPIs with this period's numbers, and the adjustments applied.

use super::*;

/// The 口径 sheet's grade thresholds: the label row, then S, A, B and C, their minimum totals
/// in column B (the grade formulas of the people sheets look them up there).
pub(super) const CONFIG_GRADE_HEADER_ROW: u32 = 7;
pub(super) const CONFIG_FIRST_GRADE_ROW: u32 = CONFIG_GRADE_HEADER_ROW + 1;
/// Where the rules table of 口径 starts.
pub(super) const CONFIG_RULES_ROW: u32 = CONFIG_FIRST_GRADE_ROW + 6;

/// The cells holding the S, A, B and C thresholds on the 口径 sheet named `config_sheet`.
pub(super) fn grade_cells(config_sheet: &str) -> [String; 4] {
    let sheet = sheet_ref(config_sheet);
    [0, 1, 2, 3].map(|i| {
        format!(
            "{sheet}!{}",
            rust_xlsxwriter::utility::row_col_to_cell_absolute(CONFIG_FIRST_GRADE_ROW + i, 1)
        )
    })
}

/// The 二开 rule as configured and as applied (SPEC §3.1): the types listed under `type`, the
/// window under `derive`, and under `auto` which one it chose and why.
pub fn secondary_rule_text(run: &Run) -> String {
    use crate::input::kinds::{Field, Kind};
    let cfg = &run.plan.config.config.secondary;
    let applied = words::SecondaryApplied {
        rule: cfg.rule,
        used_type: run.secondary_rule == "type",
        has_type_column: run.ds.has_field(Kind::Sales, Field::Type),
    };
    words::secondary_rule(applied, &cfg.types, cfg.window_days, run.plan.lang)
}

pub(super) fn config_sheet(ws: &mut Worksheet, f: &Fmts, run: &Run) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let cfg = &run.plan.config.config;
    let months = run.period.months();
    let mut widths = Widths::default();
    let secondary = secondary_rule_text(run);
    let missing = words::missing_rule(cfg.scoring.missing, l);
    let pairs = [
        (
            l.pick("期间", "Period"),
            format!(
                "{} ({} ~ {}, {} {})",
                run.period.label,
                run.period.start,
                run.period.end,
                months,
                l.pick("个月", "month(s)")
            ),
        ),
        (l.pick("二开口径", "Secondary purchases"), secondary),
        (
            l.pick("配置", "Config"),
            words::config_name(run.plan.config.path.as_deref(), l),
        ),
        (
            l.pick("等级线", "Grades"),
            format!(
                "S ≥ {}, A ≥ {}, B ≥ {}, C ≥ {}, {}",
                cfg.grades.s,
                cfg.grades.a,
                cfg.grades.b,
                cfg.grades.c,
                l.pick("否则 D", "else D")
            ),
        ),
        (l.pick("缺数据", "Missing data"), missing.to_string()),
        (
            l.pick("折算", "Scaling"),
            words::SheetNote::Scaling.say(l).to_string(),
        ),
    ];
    let mut heights = Heights::default();
    let top = Format::new().set_align(FormatAlign::Top);
    let wrap_top = f.wrap.clone().set_align(FormatAlign::Top);
    // The period and the run's rules, one a row, each merged across the table below it and
    // wrapped (rows 1–6, always all six: the grade formulas look up the rows under them).
    let value_fmt = f.wrap.clone().set_align(FormatAlign::VerticalCenter);
    for (row, (k, v)) in pairs.iter().enumerate() {
        let row = row as u32;
        ws.text_fmt(row, 0, k, &f.header)?;
        widths.see(0, k);
        ws.merge_range(row, 1, row, 8, &fit(v, MAX_CELL_TEXT), &value_fmt)?;
        heights.wrapped(row, 1, 8, v);
    }
    // The grade thresholds, as numbers the grade formulas of the people sheets look up.
    let mut row = CONFIG_GRADE_HEADER_ROW;
    header_cells(
        ws,
        f,
        row,
        &[l.pick("等级", "Grade"), l.pick("最低总分", "Lowest total")],
    )?;
    row += 1;
    for (g, t) in [
        ("S", cfg.grades.s),
        ("A", cfg.grades.a),
        ("B", cfg.grades.b),
        ("C", cfg.grades.c),
    ] {
        ws.text(row, 0, g)?;
        ws.write_number(row, 1, t)?;
        widths.num(1, Num::Plain, t);
        row += 1;
    }
    ws.text(row, 0, "D")?;
    ws.text(row, 1, l.pick("低于 C", "below C"))?;
    ws.insert_note(
        CONFIG_GRADE_HEADER_ROW,
        1,
        &note(words::SheetNote::GradeLookup.say(l)),
    )?;
    let mut row = CONFIG_RULES_ROW;
    let headers = [
        l.pick("岗位", "Role"),
        l.pick("指标", "Metric"),
        l.pick("考核项", "Item"),
        l.pick("权重%", "Weight %"),
        l.pick("范围", "Scope"),
        l.pick("计分规则（本期）", "Rule (this period)"),
        l.pick("最小样本", "Min sample"),
        l.pick("否决", "Veto"),
        l.pick("奖金", "Bonus"),
    ];
    let header_row = row;
    header_cells(ws, f, row, &headers)?;
    row += 1;
    for (key, role) in &cfg.roles {
        let label = words::role_name(role.shown_label(key), key, l);
        let veto = words::role_veto(role, months, l);
        let bonus = words::role_bonus(role, months, l);
        for k in &role.kpi {
            let Some(def) = defs::metric(&k.metric) else {
                continue;
            };
            let higher = engine::better_of(k, def);
            let curve =
                engine::curve_rule(k, def.key, higher, words::period_scale(def.key, months));
            let rule = say::curve(&curve, l);
            let cells = [
                label.clone(),
                defs::kpi_label(def.key, None, l),
                k.item.clone().unwrap_or_default(),
            ];
            for (c, t) in cells.iter().enumerate() {
                widths.see(c as u16, t);
                ws.text_fmt(row, c as u16, t, &top)?;
            }
            ws.write_number_with_format(row, 3, k.weight, &top)?;
            ws.text_fmt(row, 4, k.scope.unwrap_or_default().label(l), &top)?;
            ws.text_fmt(row, 5, &rule, &wrap_top)?;
            heights.wrapped(row, 5, 5, &rule);
            if let Some(m) = k.min_sample.or(def.min_sample) {
                ws.write_number_with_format(row, 6, m, &top)?;
            }
            ws.text_fmt(row, 7, &veto, &wrap_top)?;
            heights.wrapped(row, 7, 7, &veto);
            ws.text_fmt(row, 8, &bonus, &wrap_top)?;
            heights.wrapped(row, 8, 8, &bonus);
            let method = words::method_note(k.method.unwrap_or_default(), l);
            ws.insert_note(row, 5, &note(&method))?;
            row += 1;
        }
    }
    // Applied adjustments (SPEC §5.4: listed on the Config sheet).
    row += 1;
    ws.text_fmt(
        row,
        0,
        l.pick("已应用的调整", "Adjustments applied"),
        &f.bold,
    )?;
    row += 1;
    let adj_headers = [
        l.pick("姓名", "Staff"),
        l.pick("指标", "Metric"),
        l.pick("考核项", "Item"),
        l.pick("改为", "Value set to"),
        l.pick("得分调整", "Score change"),
        l.pick("原因", "Reason"),
        l.pick("审批人", "Approved by"),
    ];
    header_cells(ws, f, row, &adj_headers)?;
    row += 1;
    let mut any = false;
    for r in &run.results {
        for k in &r.kpis {
            let Some(a) = &k.adjustment else { continue };
            any = true;
            ws.text(row, 0, &r.person.name)?;
            ws.text(row, 1, &defs::kpi_label(k.metric, None, l))?;
            if let Some(i) = &k.item {
                ws.text(row, 2, i)?;
            }
            if let Some(v) = a.value {
                ws.write_number_with_format(row, 3, v, &value_format(k.metric))?;
            }
            if let Some(d) = a.score_delta {
                ws.write_number(row, 4, d)?;
            }
            ws.text_fmt(row, 5, &a.reason, &f.wrap)?;
            heights.wrapped(row, 5, 5, &a.reason);
            ws.text(row, 6, &a.approved_by)?;
            row += 1;
        }
    }
    if !any {
        ws.text(row, 0, l.pick("（无）", "(none)"))?;
    }
    widths.fixed(5, 40.0);
    widths.fixed(7, 24.0);
    widths.fixed(8, 40.0);
    let col_widths = widths.apply(ws, 10, 24)?;
    heights.apply(ws, &col_widths)?;
    print_setup(ws, &run.period.label, Some((header_row, header_row)))
}
