//! The people sheets: 汇总 and one per role — a row per person (overview, then per KPI its
//! value, score, effective weight and change), their notes, the legend and the print layout.

use super::*;

/// A number in a derivation: money parts (业绩, 业绩目标) with ¥, others plain.
pub(super) fn part_amount(word: &str, x: f64) -> String {
    if word.starts_with("业绩") || word.starts_with("revenue") {
        defs::show_amount("revenue", x)
    } else {
        defs::show_amount("", x)
    }
}

/// The value and how it was formed: "成交 7 / 咨询 9 = 77.8%".
pub(crate) fn derivation(k: &KpiResult, l: Lang) -> String {
    let Some(def) = defs::metric(k.metric) else {
        return String::new();
    };
    let shown = k
        .value
        .map(|v| defs::show_amount(k.metric, v))
        .unwrap_or_else(|| "—".to_string());
    let [num_w, den_w] = match l {
        Lang::Zh => def.parts_zh,
        Lang::En => def.parts_en,
    };
    match (k.numerator, k.denominator) {
        (Some(n), Some(d)) if !num_w.is_empty() => format!(
            "{num_w} {} / {den_w} {} = {shown}",
            part_amount(num_w, n),
            part_amount(den_w, d)
        ),
        (Some(n), None) if !num_w.is_empty() => {
            format!("{num_w} {} / {den_w} — = {shown}", part_amount(num_w, n))
        }
        _ => format!("{} = {shown}", l.pick(def.zh, def.en)),
    }
}

/// Value minus previous value (环比), where both exist — for a rate in percentage points
/// (50% after 45.4% is +4.6 个百分点, never "+10.1%", which reads as a relative change).
pub(crate) fn change(k: &KpiResult) -> Option<f64> {
    let points = defs::metric(k.metric).is_some_and(|d| d.unit == Unit::Percent);
    match (k.value, k.previous) {
        (Some(v), Some(p)) if points => Some((v - p) * 100.0),
        (Some(v), Some(p)) => Some(v - p),
        _ => None,
    }
}

/// The note on a KPI value cell: the derivation, the previous period, the score and its rule,
/// the status when not ok, an adjustment's reason and approver.
pub(crate) fn value_note(k: &KpiResult, l: Lang) -> String {
    let mut lines = vec![derivation(k, l)];
    if let Some(p) = k.previous {
        let mut s = format!(
            "{} {}",
            l.pick("上期", "previous period"),
            defs::show_amount(k.metric, p)
        );
        if let Some(c) = change(k) {
            s.push_str(l.pick("，环比 ", ", change "));
            s.push_str(&change_num(k.metric, l).show(c));
        }
        lines.push(s);
    }
    let rule = say::curve(&k.curve, l);
    match k.score {
        Some(s) => lines.push(format!("{} {s:.1}：{rule}", l.pick("得分", "score"))),
        None => lines.push(format!("{}：{rule}", l.pick("不计分", "not scored"))),
    }
    if k.status != Status::Ok {
        lines.push(format!(
            "{}：{}",
            l.pick("状态", "status"),
            k.status.label(l)
        ));
    }
    if let Some(a) = &k.adjustment {
        let what = match (a.value, a.score_delta) {
            (Some(v), _) => format!(
                "{} {}",
                l.pick("改为", "value set to"),
                defs::show_amount(k.metric, v)
            ),
            (None, Some(d)) => format!("{} {d:+}", l.pick("得分调整", "score")),
            (None, None) => String::new(),
        };
        lines.push(format!(
            "{}：{what}；{}（{}：{}）",
            l.pick("调整", "adjusted"),
            a.reason,
            l.pick("审批人", "approved by"),
            a.approved_by
        ));
    }
    if l == Lang::En {
        lines
            .iter()
            .map(|s| {
                s.replace('：', ": ")
                    .replace('；', "; ")
                    .replace(['（', '）'], " ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        lines.join("\n")
    }
}

/// The live total: (score×weight + …)/100 over the given cells, capped with MIN when vetoed.
pub(crate) fn total_formula(r: &PersonResult, cfg: &Config, terms: &[String]) -> String {
    let sum = if terms.is_empty() {
        "0".to_string()
    } else {
        format!("({})/100", terms.join("+"))
    };
    if r.vetoed {
        let cap = cfg
            .roles
            .get(&r.person.role)
            .and_then(|role| {
                role.veto
                    .iter()
                    .map(|v| v.cap_total)
                    .find(|c| (r.raw_total.min(*c) - r.total).abs() < 1e-9)
            })
            .unwrap_or(r.total);
        format!("=MIN({sum},{cap})")
    } else {
        format!("={sum}")
    }
}

/// 距下一等级: "A 差 9.97 分".
pub(crate) fn next_grade_text(r: &PersonResult, l: Lang) -> String {
    say::next_grade(r.next_grade.as_ref(), l)
}

/// 距下一奖金档: "业绩达成率 差 15%（达 100% 奖 ¥3,000）".
pub(crate) fn next_tier_text(r: &PersonResult, l: Lang) -> String {
    say::next_tier(r.next_tier.as_ref(), l)
}

pub(crate) fn flags_text(r: &PersonResult, l: Lang) -> String {
    let flags: Vec<&str> = r.flags.iter().map(|x| flag_label(x, l)).collect();
    let mut text = flags.join(" ");
    if let Some(v) = &r.veto_note {
        let veto = say::veto(v, l);
        text = match l {
            Lang::Zh => format!("{text}（{veto}）"),
            Lang::En => format!("{text} ({veto})"),
        };
    }
    text.trim().to_string()
}

/// A KPI column: (metric, item).
pub(super) type KpiKey = (String, Option<String>);

/// Columns per KPI on the people sheets: value, score, effective weight, change.
pub(super) const KPI_COLS: u16 = 4;

/// The overview columns that come first on the people sheets, before the KPI blocks.
pub(super) const OVERVIEW: u16 = 13;

/// Where each overview column is.
pub(super) mod ov {
    pub const NAME: u16 = 0;
    pub const ID: u16 = 1;
    pub const ROLE: u16 = 2;
    pub const STORE: u16 = 3;
    pub const DEPT: u16 = 4;
    pub const TOTAL: u16 = 5;
    pub const GRADE: u16 = 6;
    pub const RANK: u16 = 7;
    pub const OF: u16 = 8;
    pub const BONUS: u16 = 9;
    pub const NEXT_GRADE: u16 = 10;
    pub const NEXT_TIER: u16 = 11;
    pub const FLAGS: u16 = 12;
}

/// Widths of the overview columns whose long texts wrap (距下一奖金档, 标记).
pub(super) const NEXT_TIER_WIDTH: f64 = 24.0;
pub(super) const FLAGS_WIDTH: f64 = 18.0;

/// Header rows on the people sheets: KPI labels over their four columns, then the sub-labels.
pub(super) const HEADER_ROWS: u32 = 2;

/// The grade as a formula on the total in `total_cell` against thresholds `cells` (S, A, B, C:
/// cell references or numbers): the highest grade whose threshold the total reaches, else D.
pub(crate) fn grade_formula(total_cell: &str, cells: &[String; 4]) -> String {
    let [s, a, b, c] = cells;
    format!(
        "=IF({total_cell}>={s},\"S\",IF({total_cell}>={a},\"A\",IF({total_cell}>={b},\"B\",IF({total_cell}>={c},\"C\",\"D\"))))"
    )
}

/// The note on a bonus cell: it is not a formula, so it says where it came from.
pub(crate) fn bonus_note(r: &PersonResult, l: Lang) -> String {
    let mut lines = vec![words::SheetNote::BonusCell.say(l).to_string()];
    if r.bonus.is_none() {
        lines.push(words::SheetNote::NoBonusRule.say(l).to_string());
    }
    lines.extend(r.bonus_steps.iter().map(|s| say::bonus_step(s, l)));
    lines.join("\n")
}

/// Fills of the legend (图例) on 汇总: what each colour and highlight means.
pub(super) fn legend(ws: &mut Worksheet, f: &Fmts, mut row: u32, l: Lang) -> Result<(), XlsxError> {
    ws.text_fmt(row, 0, l.pick("图例", "Legend"), &f.bold)?;
    row += 1;
    use words::Legend;
    let lines = [
        (SCORE_RED, Legend::ScoreRed),
        (SCORE_AMBER, Legend::ScoreAmber),
        (SCORE_GREEN, Legend::ScoreGreen),
        (FILL_STATUS, Legend::TooLittleData),
        (FILL_ADJUSTED, Legend::Adjusted),
        (FILL_VETO, Legend::Veto),
        (FILL_BOTTOM, Legend::Bottom),
    ];
    for (fill, line) in lines {
        let (swatch, meaning) = line.say(l);
        ws.text_fmt(
            row,
            0,
            swatch,
            &Format::new()
                .set_background_color(fill)
                .set_border(FormatBorder::Thin),
        )?;
        ws.text(row, 1, meaning)?;
        row += 1;
    }
    Ok(())
}

/// Writes one person's row: the overview (name … flags, the total a live formula over the
/// score × effective weight cells, the grade a formula on it) then per KPI its value, score,
/// effective weight and change.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_person(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    row: u32,
    r: &PersonResult,
    keys: &[KpiKey],
    grades: &[String; 4],
    widths: &mut Widths,
    heights: &mut Heights,
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let ds = &run.ds;
    let text = |ws: &mut Worksheet, widths: &mut Widths, col: u16, s: &str| {
        widths.see(col, s);
        ws.text(row, col, s).map(|_| ())
    };
    text(ws, widths, ov::NAME, &r.person.name)?;
    if let Some(id) = &r.person.staff_id {
        text(ws, widths, ov::ID, id)?;
    }
    text(
        ws,
        widths,
        ov::ROLE,
        words::role_title(&r.role_label, &r.person.role, l),
    )?;
    if let Some(s) = r.person.store {
        text(ws, widths, ov::STORE, ds.name(s))?;
    }
    if let Some(d) = r.person.department {
        text(ws, widths, ov::DEPT, ds.name(d))?;
    }
    let mut terms = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let col = OVERVIEW + KPI_COLS * i as u16;
        let Some(k) = r.kpis.iter().find(|k| k.metric == key.0 && k.item == key.1) else {
            continue;
        };
        match k.value {
            Some(v) => {
                widths.num(col, value_num(k.metric), v);
                ws.write_number_with_format(row, col, v, &value_cell_format(k))?
            }
            None => ws.text_fmt(row, col, "—", &value_cell_format(k))?,
        };
        ws.insert_note(row, col, &note(&value_note(k, l)))?;
        if let Some(s) = k.score {
            widths.num(col + 1, Num::Score, s);
            ws.write_number_with_format(row, col + 1, s, &f.score)?;
            terms.push(format!(
                "{}*{}",
                row_col_to_cell(row, col + 1),
                row_col_to_cell(row, col + 2)
            ));
        }
        widths.num(col + 2, Num::Weight, k.effective_weight);
        ws.write_number_with_format(row, col + 2, k.effective_weight, &f.weight)?;
        if let Some(c) = change(k) {
            widths.num(col + 3, change_num(k.metric, l), c);
            ws.write_number_with_format(row, col + 3, c, &change_format(k.metric, l))?;
        }
    }
    let formula = total_formula(r, &run.plan.config.config, &terms);
    widths.num(ov::TOTAL, Num::Total, r.total);
    ws.write_formula_with_format(
        row,
        ov::TOTAL,
        Formula::new(formula).set_result(format!("{}", r.total)),
        &total_format(r, f),
    )?;
    if let Some(v) = &r.veto_note {
        ws.insert_note(row, ov::TOTAL, &note(&say::veto(v, l)))?;
    }
    ws.write_formula(
        row,
        ov::GRADE,
        Formula::new(grade_formula(&row_col_to_cell(row, ov::TOTAL), grades)).set_result(&r.grade),
    )?;
    widths.see(ov::GRADE, &r.grade);
    widths.num(ov::RANK, Num::Int, r.rank as f64);
    if r.flags.contains(&"bottom") {
        let fill = Format::new().set_background_color(FILL_BOTTOM);
        ws.write_number_with_format(row, ov::RANK, r.rank, &fill)?;
    } else {
        ws.write_number(row, ov::RANK, r.rank)?;
    }
    widths.num(ov::OF, Num::Int, r.rank_of as f64);
    ws.write_number(row, ov::OF, r.rank_of)?;
    // A role without a bonus rule pays 0, written as 0 (payroll reads a number, not a blank).
    let bonus = r.bonus.unwrap_or(0.0);
    widths.num(ov::BONUS, Num::Bonus, bonus);
    ws.write_number_with_format(row, ov::BONUS, bonus, &f.bonus)?;
    ws.insert_note(row, ov::BONUS, &note(&bonus_note(r, l)))?;
    text(ws, widths, ov::NEXT_GRADE, &next_grade_text(r, l))?;
    let tier = next_tier_text(r, l);
    ws.text_fmt(row, ov::NEXT_TIER, &tier, &f.wrap)?;
    heights.wrapped(row, ov::NEXT_TIER, ov::NEXT_TIER, &tier);
    let flags = flags_text(r, l);
    if flags.is_empty() {
        ws.text(row, ov::FLAGS, "")?;
    } else {
        let fill = f.wrap.clone().set_background_color(FILL_STATUS);
        ws.text_fmt(row, ov::FLAGS, &flags, &fill)?;
        heights.wrapped(row, ov::FLAGS, ov::FLAGS, &flags);
    }
    Ok(())
}

/// The overview headers of a people sheet.
pub(super) fn overview_headers(l: Lang) -> [&'static str; OVERVIEW as usize] {
    [
        l.pick("姓名", "Staff"),
        l.pick("工号", "Staff ID"),
        l.pick("岗位", "Role"),
        l.pick("门店", "Store"),
        l.pick("科室", "Department"),
        l.pick("总分", "Total"),
        l.pick("等级", "Grade"),
        l.pick("排名", "Rank"),
        l.pick("排名人数", "Of"),
        l.pick("奖金", "Bonus"),
        l.pick("距下一等级", "To next grade"),
        l.pick("距下一奖金档", "To next bonus tier"),
        l.pick("标记", "Flags"),
    ]
}

/// The sub-headers under each KPI label.
pub(super) fn kpi_subheaders(l: Lang) -> [&'static str; KPI_COLS as usize] {
    [
        l.pick("本期值", "Value"),
        l.pick("得分", "Score"),
        l.pick("权重%", "Weight %"),
        l.pick("环比", "Change"),
    ]
}

/// A sheet of people with the given KPI columns: two header rows (the overview headers span
/// both; each KPI label spans its four columns above 本期值 / 得分 / 权重% / 环比), one row per
/// person below. 汇总 (`weights` None) is the on-screen overview: one page wide when printed,
/// with the legend below the table. A role sheet prints at a legible size, its KPI blocks
/// continuing on the following pages with the name and 工号 repeated.
#[allow(clippy::too_many_arguments)]
pub(super) fn people_sheet(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    people: &[&PersonResult],
    keys: &[KpiKey],
    weights: Option<&[f64]>,
    grades: &[String; 4],
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let cfg = &run.plan.config.config;
    let mut widths = Widths::default();
    let mut heights = Heights::default();
    for (c, h) in overview_headers(l).iter().enumerate() {
        ws.merge_range(0, c as u16, 1, c as u16, h, &f.header)?;
        // Headers wrap over their two rows: count about half of a long one.
        let chars: String = h
            .chars()
            .take(4.max(h.chars().count().div_ceil(2)))
            .collect();
        widths.see(c as u16, &chars);
    }
    widths.fixed(ov::NEXT_TIER, NEXT_TIER_WIDTH);
    widths.fixed(ov::FLAGS, FLAGS_WIDTH);
    for (i, (m, item)) in keys.iter().enumerate() {
        let col = OVERVIEW + KPI_COLS * i as u16;
        let label = defs::kpi_label(m, item.as_deref(), l);
        let label = match weights {
            Some(w) => format!("{label} ({}%)", w[i]),
            None => label,
        };
        ws.merge_range(
            0,
            col,
            0,
            col + KPI_COLS - 1,
            &fit(&label, MAX_CELL_TEXT),
            &f.header,
        )?;
        heights.wrapped(0, col, col + KPI_COLS - 1, &label);
        for (n, sub) in kpi_subheaders(l).iter().enumerate() {
            ws.text_fmt(1, col + n as u16, sub, &f.header)?;
            widths.see(col + n as u16, sub);
        }
        // The note on the label: definition and the rule(s) in words with this config's numbers.
        let mut text = defs::metric(m)
            .map(|d| l.pick(d.definition_zh, d.definition_en).to_string())
            .unwrap_or_default();
        let mut rules: Vec<String> = Vec::new();
        for r in people {
            if let Some(k) = r.kpis.iter().find(|k| k.metric == *m && k.item == *item) {
                let rule = say::curve(&k.curve, l);
                let line = if weights.is_some() {
                    rule
                } else {
                    let role = words::role_title(&r.role_label, &r.person.role, l);
                    format!("{role}: {rule}")
                };
                if !rules.contains(&line) {
                    rules.push(line);
                }
            }
        }
        for c in rules.iter().take(8) {
            text.push('\n');
            text.push_str(c);
        }
        text.push('\n');
        text.push_str(words::SheetNote::ScoreColours.say(l));
        ws.insert_note(0, col, &note(&text))?;
        ws.insert_note(1, col + 2, &note(words::SheetNote::EffectiveWeight.say(l)))?;
        ws.insert_note(1, col + 3, &note(words::SheetNote::Change.say(l)))?;
    }
    ws.insert_note(0, ov::TOTAL, &note(words::SheetNote::Total.say(l)))?;
    ws.insert_note(
        0,
        ov::GRADE,
        &note(&format!(
            "S ≥ {}, A ≥ {}, B ≥ {}, C ≥ {}, {}\n{}",
            cfg.grades.s,
            cfg.grades.a,
            cfg.grades.b,
            cfg.grades.c,
            l.pick("否则 D", "else D"),
            words::SheetNote::GradeFormula.say(l)
        )),
    )?;
    ws.insert_note(0, ov::BONUS, &note(words::SheetNote::Bonus.say(l)))?;
    for (n, r) in people.iter().enumerate() {
        write_person(
            ws,
            f,
            run,
            HEADER_ROWS + n as u32,
            r,
            keys,
            grades,
            &mut widths,
            &mut heights,
        )?;
    }
    let last_row = (HEADER_ROWS + people.len() as u32).saturating_sub(1);
    let last_col = OVERVIEW + KPI_COLS * keys.len() as u16 - 1;
    ws.set_freeze_panes(HEADER_ROWS, 1)?;
    ws.autofilter(1, 0, last_row.max(HEADER_ROWS), last_col)?;
    if !people.is_empty() {
        for i in 0..keys.len() {
            let c = OVERVIEW + KPI_COLS * i as u16 + 1;
            ws.add_conditional_format(HEADER_ROWS, c, last_row, c, &score_scale())?;
        }
    }
    let col_widths = widths.apply(ws, 6, 44)?;
    heights.apply(ws, &col_widths)?;
    ws.set_row_height(0, 30)?;
    match weights {
        None => {
            legend(ws, f, last_row.max(HEADER_ROWS) + 2, l)?;
            print_setup(ws, &run.period.label, Some((0, HEADER_ROWS - 1)))
        }
        Some(_) => print_in_blocks(ws, &run.period.label, &col_widths, keys.len()),
    }
}

/// Print scale of the role sheets: 11-point text prints at 9.35 points.
pub(crate) const ROLE_PRINT_SCALE: u16 = 85;

/// Pixels of A4 landscape between 0.4-inch side margins, at 96 per inch.
pub(super) const A4_LANDSCAPE_PX: f64 = (11.69 - 0.8) * 96.0;

/// A column's width in pixels, as wide as any spreadsheet lays it out: Excel with Calibri
/// gives 7 a character plus 5, LibreOffice where Calibri is replaced by a wider font up to 10.
pub(super) fn column_px(width: f64) -> f64 {
    width * 10.0
}

/// Where a role sheet's pages break: after the repeated name and 工号, whole overview columns
/// and then whole KPI blocks fill each page.
pub(super) fn block_breaks(widths: &[f64], kpi_blocks: usize) -> Vec<u32> {
    let px = |c: u16| column_px(widths.get(c as usize).copied().unwrap_or(8.43));
    let room = A4_LANDSCAPE_PX * 100.0 / ROLE_PRINT_SCALE as f64;
    let repeated = px(ov::NAME) + px(ov::ID);
    // Units that stay on one page: each overview column after 工号, then each KPI block.
    let mut units: Vec<(u16, f64)> = (ov::ROLE..OVERVIEW).map(|c| (c, px(c))).collect();
    for i in 0..kpi_blocks as u16 {
        let first = OVERVIEW + KPI_COLS * i;
        units.push((first, (first..first + KPI_COLS).map(px).sum()));
    }
    let mut breaks = Vec::new();
    let mut used = repeated;
    let mut on_page = 0;
    for (first, w) in units {
        if on_page > 0 && used + w > room {
            breaks.push(first as u32);
            used = repeated;
            on_page = 0;
        }
        used += w;
        on_page += 1;
    }
    breaks
}

/// A role sheet's print setup: A4 landscape at [`ROLE_PRINT_SCALE`]%, pages broken between
/// KPI blocks, the header rows and the name and 工号 columns repeated on every page.
pub(super) fn print_in_blocks(
    ws: &mut Worksheet,
    period: &str,
    widths: &[f64],
    kpi_blocks: usize,
) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_scale(ROLE_PRINT_SCALE);
    ws.set_repeat_rows(0, HEADER_ROWS - 1)?;
    ws.set_repeat_columns(ov::NAME, ov::ID)?;
    ws.set_vertical_page_breaks(&block_breaks(widths, kpi_blocks))?;
    let period = period.replace('&', "&&");
    ws.set_footer(format!("&L{period}&C&A&R&P / &N"));
    Ok(())
}

pub(super) fn kpi_key(k: &crate::config::Kpi) -> KpiKey {
    (
        defs::metric(&k.metric)
            .map(|d| d.key.to_string())
            .unwrap_or_else(|| k.metric.clone()),
        k.item.clone(),
    )
}
