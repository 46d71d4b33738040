//! Words for scoring (src/scoring): the rule of a KPI with this run's numbers, the steps of a
//! bonus, a veto, the distance to the next grade and bonus tier, and what scoring finds wrong.

use crate::config::Basis;
use crate::metrics::compute::Status;
use crate::metrics::defs;
use crate::scoring::curve::{Curve, CurveRule};
use crate::scoring::engine::{BonusStep, NextTier, VetoNote};
use crate::Lang;

/// A data issue found while scoring.
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(ScoreCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum ScoreMsg {
    /// An adjustment (申诉调整) for the period names nobody scored, or no KPI of their role;
    /// `metric` and `item` as the row wrote them.
    AdjustmentUnused {
        staff: String,
        metric: String,
        item: Option<String>,
    },
    /// A 加减分 (score_delta) on a KPI that has no score to change.
    ScoreDeltaUnscored {
        delta: f64,
        staff: String,
        metric: &'static str,
        item: Option<String>,
        status: Status,
    },
    /// A KPI's score beyond what a sheet can hold (±1e15): left empty.
    ScoreOutOfRange {
        staff: String,
        metric: &'static str,
        item: Option<String>,
        x: f64,
    },
    /// A total beyond what a sheet can hold: left empty.
    TotalOutOfRange { staff: String, x: f64 },
    /// A bonus beyond what a sheet can hold: left empty.
    BonusOutOfRange { staff: String, x: f64 },
}

catalogue!(ScoreMsg, ScoreCode);

impl ScoreMsg {
    pub fn say(&self, lang: Lang) -> String {
        match self {
            ScoreMsg::AdjustmentUnused {
                staff,
                metric,
                item,
            } => {
                let item = item.as_deref().map(|i| format!(" {i}")).unwrap_or_default();
                say!(
                    lang,
                    "{staff}（{metric}{item}）的申诉调整对不上任何参与考核的人员或其岗位的指标：未应用",
                    "adjustment for {staff} ({metric}{item}) names no scored person or no KPI of their role; it was not applied"
                )
            }
            ScoreMsg::ScoreDeltaUnscored {
                delta,
                staff,
                metric,
                item,
                status,
            } => {
                let label = defs::kpi_label(metric, item.as_deref(), lang);
                let status_text = status.label(lang);
                let key = status.key();
                say!(
                    lang,
                    "{staff} 的 {label} 加减分 {delta} 无法应用：该指标没有得分（{status_text}）",
                    "score_delta {delta} for {staff} {metric} cannot be applied: the KPI has no score ({key})"
                )
            }
            ScoreMsg::ScoreOutOfRange {
                staff,
                metric,
                item,
                x,
            } => {
                let label = defs::kpi_label(metric, item.as_deref(), lang);
                say!(
                    lang,
                    "{staff}：得分（{label}）算得 {x:e}，超出计分表能容纳的范围（±1e15），已留空；请检查配置中该指标的数字和申诉调整值",
                    "{staff}: the score ({label}) came out as {x:e}, beyond what a scorecard can hold (±1e15); it is left empty — check the config's numbers for it and any adjustment value"
                )
            }
            ScoreMsg::TotalOutOfRange { staff, x } => say!(
                lang,
                "{staff}：总分算得 {x:e}，超出计分表能容纳的范围（±1e15），已留空；请检查配置中的数字和申诉调整值",
                "{staff}: the total came out as {x:e}, beyond what a scorecard can hold (±1e15); it is left empty — check the config's numbers and any adjustment value"
            ),
            ScoreMsg::BonusOutOfRange { staff, x } => say!(
                lang,
                "{staff}：奖金算得 {x:e}，超出计分表能容纳的范围（±1e15），已留空；请检查配置中奖金的数字和申诉调整值",
                "{staff}: the bonus came out as {x:e}, beyond what a scorecard can hold (±1e15); it is left empty — check the config's bonus numbers and any adjustment value"
            ),
        }
    }

    /// One of each variant, for the walk test (single-letter or numeric parameters).
    #[cfg(test)]
    pub fn examples() -> Vec<ScoreMsg> {
        vec![
            ScoreMsg::AdjustmentUnused {
                staff: "X".into(),
                metric: "Y".into(),
                item: Some("Z".into()),
            },
            ScoreMsg::ScoreDeltaUnscored {
                delta: 5.0,
                staff: "X".into(),
                metric: "Y",
                item: None,
                status: Status::NoData,
            },
            ScoreMsg::ScoreOutOfRange {
                staff: "X".into(),
                metric: "Y",
                item: Some("Z".into()),
                x: 2e300,
            },
            ScoreMsg::TotalOutOfRange {
                staff: "X".into(),
                x: 2e300,
            },
            ScoreMsg::BonusOutOfRange {
                staff: "X".into(),
                x: -2e300,
            },
        ]
    }
}

/// Why `explain --staff` cannot explain (exit 1).
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(ExplainFailCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum ExplainFail {
    /// Nobody scored for the period has this name or staff id; `command` lists who is.
    NotScored {
        staff: String,
        period: String,
        command: String,
    },
    /// Several people scored have this name.
    SeveralPeople { staff: String },
}

catalogue!(ExplainFail, ExplainFailCode);

impl ExplainFail {
    pub fn say(&self, lang: Lang) -> String {
        match self {
            ExplainFail::NotScored {
                staff,
                period,
                command,
            } => say!(
                lang,
                "{staff} 不在 {period} 参与考核的人员中（`{command}` 可列出参与考核的人员）",
                "{staff} is not among the people scored for {period} (see `{command}` for who is)"
            ),
            ExplainFail::SeveralPeople { staff } => say!(
                lang,
                "{staff} 对应多名人员：请改用工号",
                "{staff} names several people: use their staff id"
            ),
        }
    }

    /// One of each variant, for the walk test.
    #[cfg(test)]
    pub fn examples() -> Vec<ExplainFail> {
        vec![
            ExplainFail::NotScored {
                staff: "X".into(),
                period: "1".into(),
                command: "Y".into(),
            },
            ExplainFail::SeveralPeople { staff: "X".into() },
        ]
    }
}

impl crate::words::Speak for ExplainFail {
    fn say(&self, lang: Lang) -> String {
        ExplainFail::say(self, lang)
    }
}

/// A number of points as the rules write it: at most four decimals, no trailing zeros.
pub fn points(x: f64) -> String {
    let r = (x * 10000.0).round() / 10000.0;
    format!("{r}")
}

/// 越高越好 / higher is better.
fn direction(higher: bool, lang: Lang) -> &'static str {
    match (higher, lang) {
        (true, Lang::Zh) => "越高越好",
        (false, Lang::Zh) => "越低越好",
        (true, Lang::En) => "higher is better",
        (false, Lang::En) => "lower is better",
    }
}

/// The rule in words with this run's numbers, in the metric's unit:
/// "线性（越高越好）：¥0 → 0分，¥10,000 → 100分，封顶100分".
pub fn curve(c: &Curve, lang: Lang) -> String {
    let amt = |x: f64| defs::show_amount(c.metric, x);
    let dir = direction(c.higher, lang);
    match &c.rule {
        CurveRule::Linear {
            floor,
            target,
            stretch,
        } => {
            let (floor, target) = (amt(*floor), amt(*target));
            let end = match stretch {
                Some((at, score)) => {
                    let (at, score) = (amt(*at), points(*score));
                    say!(lang, "，{at} → {score}分", ", {at} → {score}")
                }
                None => say!(lang, "，封顶100分", ", capped at 100"),
            };
            say!(
                lang,
                "线性（{dir}）：{floor} → 0分，{target} → 100分{end}",
                "linear ({dir}): {floor} → 0, {target} → 100{end}"
            )
        }
        CurveRule::Bands { bands } => {
            let op = if c.higher { "≥" } else { "≤" };
            let parts: Vec<String> = bands
                .iter()
                .map(|b| {
                    let (at, score) = (amt(b[0]), points(b[1]));
                    say!(lang, "{op} {at} → {score}分", "{op} {at} → {score}")
                })
                .collect();
            let parts = parts.join(lang.pick("，", ", "));
            say!(
                lang,
                "分档（{dir}）：{parts}；其余 0分",
                "bands ({dir}): {parts}; else 0"
            )
        }
        CurveRule::Steps {
            target,
            per,
            points: p,
            max_bonus,
            max_penalty,
        } => {
            let (target, per, p) = (amt(*target), amt(*per), points(*p));
            let most_plus = max_bonus
                .map(|b| {
                    let b = points(b);
                    say!(lang, "，最多加 {b}分", ", at most +{b}")
                })
                .unwrap_or_default();
            let most_minus = max_penalty
                .map(|b| {
                    let b = points(b);
                    say!(lang, "，最多扣 {b}分", ", at most −{b}")
                })
                .unwrap_or_default();
            say!(
                lang,
                "阶梯（{dir}）：{target} → 100分，每超出或不足 {per} 加减 {p}分{most_plus}{most_minus}；不低于0分",
                "steps ({dir}): 100 at {target}, {p} points per whole {per} beyond or short{most_plus}{most_minus}; never below 0"
            )
        }
    }
}

/// The name of a bonus basis: 总分 / total, or the metric's label.
pub fn basis_label(b: &Basis, lang: Lang) -> String {
    match b {
        Basis::Total => lang.pick("总分", "total").to_string(),
        Basis::Metric(m) => defs::kpi_label(m.key, None, lang),
    }
}

/// Yuan as the rules write them: ¥3,000.
fn money(x: f64) -> String {
    defs::show_amount("revenue", x)
}

/// One step of a bonus's derivation: "业绩达成率 103.5% ≥ 100% → ¥3,000".
pub fn bonus_step(s: &BonusStep, lang: Lang) -> String {
    match s {
        BonusStep::NoBasisValue { basis } => {
            let basis = basis_label(basis, lang);
            say!(
                lang,
                "{basis} 无数值：不发档位奖金，也不扣负激励",
                "{basis} has no value: no tier and no below"
            )
        }
        BonusStep::Tier {
            basis,
            value,
            at,
            amount,
        } => {
            let unit = basis.unit_metric();
            let (v, at) = (
                defs::show_amount(unit, *value),
                defs::show_amount(unit, *at),
            );
            let (basis, amount) = (basis_label(basis, lang), money(*amount));
            format!("{basis} {v} ≥ {at} → {amount}")
        }
        BonusStep::BelowTiers {
            basis,
            value,
            amount,
        } => {
            let v = defs::show_amount(basis.unit_metric(), *value);
            let (basis, amount) = (basis_label(basis, lang), money(*amount));
            say!(
                lang,
                "{basis} {v} 未达任何档 → {amount}",
                "{basis} {v} reaches no tier → below {amount}"
            )
        }
        BonusStep::PerUnit {
            metric,
            value,
            above,
            per_unit,
            extra,
        } => {
            let label = defs::kpi_label(metric, None, lang);
            let (v, above) = (
                defs::show_amount(metric, *value),
                defs::show_amount(metric, *above),
            );
            let (per_unit, extra) = (money(*per_unit), money(*extra));
            say!(
                lang,
                "{label} {v} 超过 {above}，每单位 {per_unit} → +{extra}",
                "{label} {v} above {above} × {per_unit} = +{extra}"
            )
        }
        BonusStep::Gate {
            scope,
            metric,
            item,
            value,
            above,
            amount,
        } => {
            let label = defs::kpi_label(metric, item.as_deref(), lang);
            let (v, above) = (
                defs::show_amount(metric, *value),
                defs::show_amount(metric, *above),
            );
            let (scope, amount) = (scope.label(lang), money(*amount));
            say!(
                lang,
                "门槛：{scope}{label} {v} > {above} → 奖金 {amount}",
                "gate: {scope} {label} {v} > {above} → bonus {amount}"
            )
        }
        BonusStep::Vetoed => lang
            .pick(
                "触发否决：正向奖金归零",
                "vetoed: a positive bonus becomes 0",
            )
            .to_string(),
    }
}

/// Why the total was capped: "投诉数 2 > 1，总分封顶 59".
pub fn veto(v: &VetoNote, lang: Lang) -> String {
    let label = defs::metric(v.metric)
        .map(|d| lang.pick(d.zh, d.en))
        .unwrap_or(v.metric);
    let (value, above, cap) = (
        defs::show_amount(v.metric, v.value),
        defs::show_amount(v.metric, v.above),
        points(v.cap),
    );
    say!(
        lang,
        "{label} {value} > {above}，总分封顶 {cap}",
        "{label} {value} > {above} → total capped at {cap}"
    )
}

/// 距下一等级: "A 差 9.97 分"; at the top grade, says so.
pub fn next_grade(next: Option<&(String, f64)>, lang: Lang) -> String {
    match next {
        None => lang.pick("已是最高等级", "top grade").to_string(),
        Some((g, gap)) => say!(lang, "{g} 差 {gap:.2} 分", "{g}: {gap:.2} points short"),
    }
}

/// 距下一奖金档: "业绩达成率 差 15%（达 100% 奖 ¥3,000）"; empty without a tier above.
pub fn next_tier(next: Option<&NextTier>, lang: Lang) -> String {
    let Some(t) = next else {
        return String::new();
    };
    let label = basis_label(&t.basis, lang);
    let unit = t.basis.unit_metric();
    let (gap, at, pays) = (
        defs::show_amount(unit, t.gap),
        defs::show_amount(unit, t.threshold),
        money(t.amount),
    );
    say!(
        lang,
        "{label} 差 {gap}（达 {at} 奖 {pays}）",
        "{label} {gap} short of {at} (pays {pays})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Scope;
    use crate::words::tests::{english_words, has_cjk};

    /// Every rule, bonus step, veto and next-grade text in both languages: Chinese without an
    /// English word, English without Chinese (metric labels come from the metric list).
    #[test]
    fn every_rule_and_step_in_both_languages() {
        let curve_of = |rule| Curve {
            metric: "revenue",
            higher: true,
            rule,
        };
        let mut texts: Vec<(String, String)> = Vec::new();
        let mut add = |f: &dyn Fn(Lang) -> String| texts.push((f(Lang::Zh), f(Lang::En)));
        for rule in [
            CurveRule::Linear {
                floor: 1.0,
                target: 2.0,
                stretch: Some((3.0, 120.0)),
            },
            CurveRule::Linear {
                floor: 1.0,
                target: 2.0,
                stretch: None,
            },
            CurveRule::Bands {
                bands: vec![[1.0, 100.0], [2.0, 50.0]],
            },
            CurveRule::Steps {
                target: 1.0,
                per: 2.0,
                points: 3.0,
                max_bonus: Some(4.0),
                max_penalty: Some(5.0),
            },
        ] {
            let c = curve_of(rule);
            add(&|l| curve(&c, l));
        }
        let basis = Basis::Metric(crate::metrics::defs::metric("revenue").unwrap());
        for s in [
            BonusStep::NoBasisValue {
                basis: Basis::Total,
            },
            BonusStep::Tier {
                basis,
                value: 1.0,
                at: 2.0,
                amount: 3.0,
            },
            BonusStep::BelowTiers {
                basis,
                value: 1.0,
                amount: -2.0,
            },
            BonusStep::PerUnit {
                metric: "new_customers",
                value: 5.0,
                above: 3.0,
                per_unit: 100.0,
                extra: 200.0,
            },
            BonusStep::Gate {
                scope: Scope::Store,
                metric: "complaint_rate",
                item: None,
                value: 2.0,
                above: 1.0,
                amount: 0.0,
            },
            BonusStep::Vetoed,
        ] {
            add(&|l| bonus_step(&s, l));
        }
        let v = VetoNote {
            metric: "complaint_rate",
            value: 2.0,
            above: 1.0,
            cap: 59.0,
        };
        add(&|l| veto(&v, l));
        let g = ("A".to_string(), 1.5);
        add(&|l| next_grade(Some(&g), l));
        add(&|l| next_grade(None, l));
        let t = NextTier {
            basis: Basis::Total,
            threshold: 2.0,
            gap: 1.0,
            amount: 3.0,
        };
        add(&|l| next_tier(Some(&t), l));
        for e in ExplainFail::examples() {
            texts.push((e.say(Lang::Zh), e.say(Lang::En)));
        }
        ExplainFail::check_examples();
        for (zh, en) in &texts {
            assert_eq!(english_words(zh), Vec::<String>::new(), "English in {zh}");
            assert!(!has_cjk(en), "Chinese in {en}");
        }
    }

    /// The rule of a linear KPI reads as before the rule became data (issue 14).
    #[test]
    fn linear_rule_by_hand() {
        let c = Curve {
            metric: "revenue",
            higher: true,
            rule: CurveRule::Linear {
                floor: 0.0,
                target: 10000.0,
                stretch: Some((15000.0, 120.0)),
            },
        };
        assert_eq!(
            curve(&c, Lang::Zh),
            "线性（越高越好）：¥0 → 0分，¥10,000 → 100分，¥15,000 → 120分"
        );
        assert_eq!(
            curve(&c, Lang::En),
            "linear (higher is better): ¥0 → 0, ¥10,000 → 100, ¥15,000 → 120"
        );
    }
}
