//! Words of the scorecard: the rules of the run on 口径 (Config) as configured — the 二开 rule,
//! what a missing KPI scores, each role's veto and bonus with this period's numbers — and the
//! fixed notes and legend of the people sheets. `report::xlsx` lays them out.

use crate::config::{GateEffect, Method, Missing, Role, SecondaryRule};
use crate::metrics::defs;
use crate::Lang;

/// The factor a rule's thresholds are multiplied by for the period (sums and counts scale with
/// the months, SPEC §3.2).
pub fn period_scale(metric: &str, months: f64) -> f64 {
    match defs::metric(metric) {
        Some(d) if d.scales_with_period() => months,
        _ => 1.0,
    }
}

/// How the 二开 rule was applied (SPEC §3.1), for [`secondary_rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecondaryApplied {
    /// As configured.
    pub rule: SecondaryRule,
    /// The rule used: by type (else derived from the sales).
    pub used_type: bool,
    /// Whether the sales have a type column.
    pub has_type_column: bool,
}

/// The 二开 rule as configured and as applied: the types listed under `type`, the window under
/// `derive`, and under `auto` which one it chose and why.
pub fn secondary_rule(
    applied: SecondaryApplied,
    types: &[String],
    window: u32,
    lang: Lang,
) -> String {
    let types = types.join(lang.pick("、", ", "));
    let used = if applied.used_type {
        say!(
            lang,
            "按消费类型：消费类型为 {types} 之一的正向消费为二开",
            "by type: a positive sale whose type is one of {types} is a secondary purchase"
        )
    } else {
        say!(
            lang,
            "按消费记录推算：同一顾客在此前 1–{window} 天内（含第 {window} 天）已有归属同一人的正向消费，则这笔正向消费为二开；同一天更早的消费不算，期前的消费计入",
            "derived from the sales: a positive sale is a secondary purchase when the same customer had a positive sale credited to the same person 1 to {window} days earlier (inclusive; earlier the same day does not count; sales before the period count)"
        )
    };
    match applied.rule {
        SecondaryRule::Type | SecondaryRule::Derive => used,
        SecondaryRule::Auto => {
            let why = match (applied.used_type, applied.has_type_column) {
                (true, _) => lang.pick(
                    "消费记录的类型列中有这些值，故按消费类型",
                    "the sales' type column holds such values, so by type",
                ),
                (false, true) => lang.pick(
                    "消费记录的类型列中没有这些值，故按消费记录推算",
                    "the sales' type column holds none of these values, so derived from the sales",
                ),
                (false, false) => lang.pick(
                    "消费记录没有类型列，故按消费记录推算",
                    "the sales have no type column, so derived from the sales",
                ),
            };
            say!(lang, "自动：{why}。{used}", "automatic: {why}. {used}")
        }
    }
}

/// What a KPI that is not ok scores (`[scoring] missing`).
pub fn missing_rule(m: Missing, lang: Lang) -> &'static str {
    match m {
        Missing::Reweight => lang.pick(
            "权重重分：数据不足的指标不计分，其权重按比例分给其余指标",
            "reweight: a KPI that is not ok is not scored and its weight goes to the others",
        ),
        Missing::Zero => lang.pick(
            "按 0 分：数据不足的指标按 0 分计",
            "zero: a KPI that is not ok scores 0",
        ),
        Missing::Target => lang.pick(
            "按 100 分：数据不足的指标按 100 分计",
            "target: a KPI that is not ok scores 100",
        ),
    }
}

/// The config the run used: its path, or the built-in defaults.
pub fn config_name(path: Option<&std::path::Path>, lang: Lang) -> String {
    match path {
        Some(p) => p.display().to_string(),
        None => lang.pick("内置默认配置", "built-in defaults").to_string(),
    }
}

/// The scoring method, as the note on a rule names it: 计分方法：线性 / `method = "linear"`.
pub fn method_note(m: Method, lang: Lang) -> String {
    let (zh, key) = match m {
        Method::Linear => ("线性", "linear"),
        Method::Bands => ("分档", "bands"),
        Method::Steps => ("阶梯（加减分）", "steps"),
    };
    say!(lang, "计分方法：{zh}", "method = \"{key}\"")
}

/// A role as the 口径 sheet lists it: its label, and in English its config key beside it.
pub fn role_name(label: &str, key: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => label.to_string(),
        Lang::En if label == key => key.to_string(),
        Lang::En => format!("{label} ({key})"),
    }
}

/// A role as its sheet, a chart or a 岗位 (Role) column names it: its label in Chinese, its
/// config key in English (`consultant`): the label is what the roster calls the job, usually
/// Chinese.
pub fn role_title<'a>(label: &'a str, key: &'a str, lang: Lang) -> &'a str {
    lang.pick(label, key)
}

/// A role's vetoes with this period's thresholds: "投诉数 > 2 时总分封顶 59".
pub fn role_veto(role: &Role, months: f64, lang: Lang) -> String {
    role.veto
        .iter()
        .map(|v| {
            let above = defs::show_amount(&v.metric, v.above * period_scale(&v.metric, months));
            let label = defs::kpi_label(&v.metric, v.item.as_deref(), lang);
            let cap = v.cap_total;
            say!(
                lang,
                "{label} > {above} 时总分封顶 {cap}",
                "{label} > {above} caps the total at {cap}"
            )
        })
        .collect::<Vec<_>>()
        .join(lang.pick("；", "; "))
}

/// A role's bonus rule with this period's thresholds and amounts.
pub fn role_bonus(role: &Role, months: f64, lang: Lang) -> String {
    let Some(b) = &role.bonus else {
        return String::new();
    };
    let money = |x: f64| defs::show_amount("revenue", x * months);
    let basis_label = super::score::basis_label(&b.basis, lang);
    let basis_metric = b.basis.unit_metric();
    let k = period_scale(basis_metric, months);
    let mut parts = Vec::new();
    let tiers: Vec<String> = b
        .tiers
        .iter()
        .map(|[a, v]| {
            format!(
                "≥ {} → {}",
                defs::show_amount(basis_metric, a * k),
                money(*v)
            )
        })
        .collect();
    let tiers = tiers.join(lang.pick("，", ", "));
    parts.push(say!(
        lang,
        "依据 {basis_label}：{tiers}",
        "basis {basis_label}: {tiers}"
    ));
    if let Some(x) = b.below {
        let below = money(x);
        parts.push(say!(lang, "未达任何档 {below}", "below every tier {below}"));
    }
    if let Some(p) = &b.per_unit {
        let above = defs::show_amount(&p.metric, p.above * period_scale(&p.metric, months));
        let label = defs::kpi_label(&p.metric, None, lang);
        let each = defs::show_amount("revenue", p.amount);
        parts.push(say!(
            lang,
            "{label} 超出部分每单位 > {above}：× {each}",
            "{label} each unit above > {above}: × {each}"
        ));
    }
    for g in &b.gate {
        let effect = match (g.effect, lang) {
            (GateEffect::Zero, Lang::Zh) => "奖金清零",
            (GateEffect::Halve, Lang::Zh) => "奖金减半",
            (GateEffect::Zero, Lang::En) => "zeroes the bonus",
            (GateEffect::Halve, Lang::En) => "halves the bonus",
        };
        let above = defs::show_amount(&g.metric, g.above * period_scale(&g.metric, months));
        let scope = g.scope.unwrap_or_default().label(lang);
        let label = defs::kpi_label(&g.metric, g.item.as_deref(), lang);
        parts.push(say!(
            lang,
            "{scope}{label} > {above}：{effect}",
            "{scope} {label} > {above}: {effect}"
        ));
    }
    parts.join(lang.pick("；", "; "))
}

/// The fixed notes of the people sheets and of 口径, said whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum SheetNote {
    /// Under a KPI header's definition and rules.
    ScoreColours,
    /// On 权重% (the effective weight).
    EffectiveWeight,
    /// On 环比.
    Change,
    /// On 总分: a live formula, capped when vetoed.
    Total,
    /// On 等级, after the thresholds: a formula on the total.
    GradeFormula,
    /// On the 奖金 header.
    Bonus,
    /// First line of a bonus cell's note.
    BonusCell,
    /// A bonus cell's note when the role has no bonus rule.
    NoBonusRule,
    /// On 口径's grade table.
    GradeLookup,
    /// 口径's 折算 line.
    Scaling,
}

impl SheetNote {
    pub fn say(self, lang: Lang) -> &'static str {
        match self {
            SheetNote::ScoreColours => lang.pick(
                "得分颜色：0 红 → 60 黄 → 100 及以上绿（固定分值，各表相同）",
                "score colours: 0 red → 60 amber → 100 and above green (fixed, the same on every sheet)",
            ),
            SheetNote::EffectiveWeight => lang.pick(
                "有效权重：数据不足的指标不计分时，其权重按比例分给其余指标（口径表“缺数据”）",
                "effective weight: when a KPI is not scored its weight is shared out among the others (Config sheet, missing data)",
            ),
            SheetNote::Change => lang.pick(
                "环比 = 本期值 − 上期值（上一个同长度期间）",
                "change = this period's value − the previous period's",
            ),
            SheetNote::Total => lang.pick(
                "总分 = Σ 得分 × 有效权重 ÷ 100（公式可在 Excel 中重算）；触发否决时取总分与封顶分中较小者",
                "total = Σ score × effective weight ÷ 100 (a live formula); a veto caps it with MIN(total, cap)",
            ),
            SheetNote::GradeFormula => lang.pick(
                "等级是总分的公式，按口径表的等级线查得：改动得分，总分与等级随之重算",
                "the grade is a formula on the total, looked up on the Config sheet's grade lines: change a score and both recalculate",
            ),
            SheetNote::Bonus => lang.pick(
                "奖金由 clinic-kpi 按保存时的总分与指标值计算（整元），不随表内修改重算；无奖金规则的岗位为 0",
                "bonus computed by clinic-kpi from the saved total and KPI values (whole yuan); edits here do not recalculate it; roles without a bonus rule get 0",
            ),
            SheetNote::BonusCell => lang.pick(
                "奖金由 clinic-kpi 按保存时的总分与指标值计算，不随表内修改重算：",
                "Bonus computed by clinic-kpi from the saved total and KPI values; edits here do not recalculate it:",
            ),
            SheetNote::NoBonusRule => lang.pick(
                "本岗位未设奖金规则，奖金为 0",
                "this role has no bonus rule: 0",
            ),
            SheetNote::GradeLookup => lang.pick(
                "各人员表的等级是总分的公式，按这里的等级线查得",
                "the grades on the people sheets are formulas on the total, looked up here",
            ),
            SheetNote::Scaling => lang.pick(
                "合计类与计数类指标的目标、奖金金额按月数折算；部分在岗者本人的目标与奖金再按在岗天数比例折算",
                "targets of sums and counts and bonus amounts are × months; a part-period person's own are further × the share of days employed",
            ),
        }
    }
}

/// The lines of the legend (图例) under 汇总: what each colour and highlight means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Legend {
    ScoreRed,
    ScoreAmber,
    ScoreGreen,
    TooLittleData,
    Adjusted,
    Veto,
    Bottom,
}

impl Legend {
    /// The swatch's text and what it means.
    pub fn say(self, lang: Lang) -> (&'static str, &'static str) {
        match self {
            Legend::ScoreRed => (
                lang.pick("得分 0", "score 0"),
                lang.pick(
                    "得分颜色按分值本身，各表相同：0 分红色",
                    "a score's colour is its value, the same on every sheet: 0 red",
                ),
            ),
            Legend::ScoreAmber => (
                lang.pick("得分 60", "score 60"),
                lang.pick("60 分黄色（中间渐变）", "60 amber (shades between)"),
            ),
            Legend::ScoreGreen => (
                lang.pick("得分 ≥100", "score ≥100"),
                lang.pick("100 分及以上绿色", "100 and above green"),
            ),
            Legend::TooLittleData => (
                lang.pick("数据不足", "too little data"),
                lang.pick(
                    "本期值底色黄：样本不足或无数据，该指标不计分；标记列同色",
                    "yellow value: too small a sample or no data, the KPI is not scored; so are flags",
                ),
            ),
            Legend::Adjusted => (
                lang.pick("调整", "adjusted"),
                lang.pick(
                    "本期值底色紫：经申诉调整",
                    "lilac value: adjusted after an appeal",
                ),
            ),
            Legend::Veto => (
                lang.pick("否决", "veto"),
                lang.pick(
                    "总分底色红：一票否决，总分封顶",
                    "red total: vetoed, the total is capped",
                ),
            ),
            Legend::Bottom => (
                lang.pick("末位", "bottom"),
                lang.pick("排名底色橙：末位", "orange rank: bottom of the role"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::tests::{english_words, has_cjk};

    /// Every rule of the 口径 sheet in both languages: Chinese without an English word,
    /// English without Chinese (the types are parameters: single letters here).
    #[test]
    fn config_sheet_rules_in_both_languages() {
        let types = ["X".to_string(), "Y".to_string()];
        let mut texts: Vec<(String, String)> = Vec::new();
        for rule in [
            SecondaryRule::Auto,
            SecondaryRule::Type,
            SecondaryRule::Derive,
        ] {
            for (used_type, has_type_column) in [(true, true), (false, true), (false, false)] {
                let a = SecondaryApplied {
                    rule,
                    used_type,
                    has_type_column,
                };
                texts.push((
                    secondary_rule(a, &types, 1, Lang::Zh),
                    secondary_rule(a, &types, 1, Lang::En),
                ));
            }
        }
        for m in [Missing::Reweight, Missing::Zero, Missing::Target] {
            texts.push((
                missing_rule(m, Lang::Zh).into(),
                missing_rule(m, Lang::En).into(),
            ));
        }
        for m in [Method::Linear, Method::Bands, Method::Steps] {
            texts.push((method_note(m, Lang::Zh), method_note(m, Lang::En)));
        }
        texts.push((config_name(None, Lang::Zh), config_name(None, Lang::En)));
        let cfg = crate::config::LoadedConfig::builtin().config;
        for role in cfg.roles.values() {
            texts.push((
                role_veto(role, 3.0, Lang::Zh),
                role_veto(role, 3.0, Lang::En),
            ));
            texts.push((
                role_bonus(role, 3.0, Lang::Zh),
                role_bonus(role, 3.0, Lang::En),
            ));
        }
        for n in <SheetNote as strum::IntoEnumIterator>::iter() {
            texts.push((n.say(Lang::Zh).into(), n.say(Lang::En).into()));
        }
        for g in <Legend as strum::IntoEnumIterator>::iter() {
            let ((zs, zm), (es, em)) = (g.say(Lang::Zh), g.say(Lang::En));
            texts.push((format!("{zs} {zm}"), format!("{es} {em}")));
        }
        for (zh, en) in &texts {
            assert_eq!(english_words(zh), Vec::<String>::new(), "English in {zh}");
            assert!(!has_cjk(en), "Chinese in {en}");
        }
    }
}
