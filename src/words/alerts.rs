//! Words for the daily warning (`alerts`, SPEC §8.2): the levels, the rules, and each alert in
//! a sentence — its figures and dates, or why its rule could not be judged. src/clinic/alerts.rs
//! returns the alerts as data; this says them.

use crate::clinic::alerts::{Alert, Figures, Level, Rule, Scope, Undecided};
use crate::Lang;

pub fn level_label(level: Level, l: Lang) -> &'static str {
    match level {
        Level::Red => l.pick("红色·策略调整", "red · change strategy"),
        Level::Yellow => l.pick("黄色·资源调配", "yellow · move resources"),
        Level::Blue => l.pick("蓝色·关注", "blue · watch"),
    }
}

pub fn rule_label(rule: Rule, l: Lang) -> &'static str {
    match rule {
        Rule::Slump => l.pick("业绩骤降", "revenue slump"),
        Rule::ConversionDrop => l.pick("渠道转化率下降", "conversion drop"),
        Rule::ComplaintRate => l.pick("投诉率", "complaint rate"),
        Rule::ComplicationRate => l.pick("并发症发生率", "complication rate"),
        Rule::Pace => l.pick("目标进度", "target pace"),
    }
}

/// Who an alert is about: 全机构, the store, or 渠道 X.
fn scope_words(a: &Alert, l: Lang) -> String {
    match a.scope {
        Scope::Clinic => l.pick("全机构", "the clinic").to_string(),
        Scope::Store => a.store.clone().unwrap_or_default(),
        Scope::Channel => format!(
            "{} {}",
            l.pick("渠道", "channel"),
            a.channel.as_deref().unwrap_or_default()
        ),
    }
}

fn money(x: f64) -> String {
    crate::metrics::defs::show_amount("revenue", x)
}

fn rate(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), crate::fmt::rate)
}

/// The alert in words: the rule, the figures that triggered it and the dates — or why the rule
/// could not be judged.
pub fn message(a: &Alert, window: u32, l: Lang) -> String {
    let who = scope_words(a, l);
    let zh = l == Lang::Zh;
    match (&a.figures, a.reason) {
        (
            Figures::Slump {
                days,
                daily_average,
                share,
                threshold,
                base_from,
                base_to,
            },
            reason,
        ) => {
            if reason.is_some() {
                return if zh {
                    format!("{who}：导出数据没有覆盖前 30 天（{base_from} ~ {base_to}），无法判断业绩是否骤降")
                } else {
                    format!("{who}: the exports do not cover the 30 days before ({base_from} ~ {base_to}); a slump cannot be judged")
                };
            }
            let list: Vec<String> = days
                .iter()
                .map(|d| format!("{} {}", d.date, money(d.revenue)))
                .collect();
            if zh {
                format!(
                    "{who}连续 {} 天业绩低于前 30 天（{base_from} ~ {base_to}）日均 {} 的 {}（预警线 {}）：{}",
                    days.len(),
                    money(*daily_average),
                    rate(Some(*share)),
                    money(*threshold),
                    list.join("，")
                )
            } else {
                format!(
                    "{who}: revenue below {} of the daily average {} of the 30 days before ({base_from} ~ {base_to}; line {}) on each of the last {} days: {}",
                    rate(Some(*share)),
                    money(*daily_average),
                    money(*threshold),
                    days.len(),
                    list.join(", ")
                )
            }
        }
        (
            Figures::ConversionDrop {
                consultations,
                deals,
                conversion,
                previous_from,
                previous_to,
                previous_consultations,
                previous_deals,
                previous_conversion,
                drop,
                limit,
                min_consultations,
            },
            reason,
        ) => match reason {
            Some(Undecided::TooFewConsultations) => {
                if zh {
                    format!(
                        "{who}：近 {window} 天咨询 {consultations} 次、之前 {window} 天（{previous_from} ~ {previous_to}）{previous_consultations} 次，每段至少需要 {min_consultations} 次，无法判断转化率是否下降"
                    )
                } else {
                    format!(
                        "{who}: {consultations} consultations in the last {window} days and {previous_consultations} in the {window} days before ({previous_from} ~ {previous_to}); each needs at least {min_consultations} to judge a drop"
                    )
                }
            }
            Some(_) => {
                if zh {
                    format!("{who}：导出的到院数据没有覆盖 {previous_from} ~ {}，无法判断转化率是否下降", a.to)
                } else {
                    format!("{who}: the visits exported do not cover {previous_from} ~ {}; a drop cannot be judged", a.to)
                }
            }
            None => {
                if zh {
                    format!(
                        "{who}近 {window} 天转化率 {}（成交 {deals} / 咨询 {consultations}），比之前 {window} 天（{previous_from} ~ {previous_to}）的 {}（{previous_deals} / {previous_consultations}）下降 {}，达到预警线 {}",
                        rate(*conversion),
                        rate(*previous_conversion),
                        rate(*drop),
                        rate(Some(*limit))
                    )
                } else {
                    format!(
                        "{who}: conversion over the last {window} days {} ({deals} deals / {consultations} consultations), {} below the {window} days before ({previous_from} ~ {previous_to}: {}, {previous_deals} / {previous_consultations}); the line is {}",
                        rate(*conversion),
                        rate(*drop),
                        rate(*previous_conversion),
                        rate(Some(*limit))
                    )
                }
            }
        },
        (
            Figures::ComplaintRate {
                complaints,
                customers_served,
                rate: r,
                limit,
            },
            reason,
        ) => {
            if reason.is_some() {
                return if zh {
                    format!("{who}：本月至今有效投诉 {complaints} 条，但没有服务顾客可作分母，无法计算投诉率")
                } else {
                    format!("{who}: {complaints} valid complaints this month but no customers served to divide by; the rate cannot be worked out")
                };
            }
            if zh {
                format!(
                    "{who}本月至今投诉率 {}（有效投诉 {complaints} / 服务顾客 {customers_served}），高于预警线 {}",
                    rate(*r),
                    rate(Some(*limit))
                )
            } else {
                format!(
                    "{who}: month-to-date complaint rate {} ({complaints} valid complaints / {customers_served} customers served), above the line {}",
                    rate(*r),
                    rate(Some(*limit))
                )
            }
        }
        (
            Figures::ComplicationRate {
                complications,
                treatments,
                rate: r,
                limit,
            },
            reason,
        ) => {
            if reason.is_some() {
                return if zh {
                    format!("{who}：本月至今并发症 {complications} 例，但没有操作例数可作分母，无法计算并发症发生率")
                } else {
                    format!("{who}: {complications} complications this month but no treatments to divide by; the rate cannot be worked out")
                };
            }
            if zh {
                format!(
                    "{who}本月至今并发症发生率 {}（并发症 {complications} / 操作 {treatments}），高于预警线 {}",
                    rate(*r),
                    rate(Some(*limit))
                )
            } else {
                format!(
                    "{who}: month-to-date complication rate {} ({complications} complications / {treatments} treatments), above the line {}",
                    rate(*r),
                    rate(Some(*limit))
                )
            }
        }
        (
            Figures::Pace {
                revenue,
                expected,
                base,
                days_elapsed,
                days_in_month,
            },
            reason,
        ) => {
            if reason.is_some() {
                return if zh {
                    format!(
                        "{who}：导出数据没有覆盖本月（{} 起），无法判断目标进度",
                        a.from
                    )
                } else {
                    format!("{who}: the exports do not cover the month from {}; the pace cannot be judged", a.from)
                };
            }
            if zh {
                format!(
                    "{who}本月至今业绩 {}，落后于基础目标进度 {}（基础目标 {} × {days_elapsed}/{days_in_month} 天），差 {}",
                    money(*revenue),
                    money(*expected),
                    money(*base),
                    money(expected - revenue)
                )
            } else {
                format!(
                    "{who}: month-to-date revenue {} is behind the base target's pace {} ({} × {days_elapsed}/{days_in_month} days), {} short",
                    money(*revenue),
                    money(*expected),
                    money(*base),
                    money(expected - revenue)
                )
            }
        }
        (Figures::None {}, Some(Undecided::NotInData)) => not_in_data(a, l),
        (Figures::None {}, _) => no_input(a.rule, l).to_string(),
    }
}

/// A configured store or channel that no export names.
fn not_in_data(a: &Alert, l: Lang) -> String {
    match (a.rule, a.store.as_deref(), a.channel.as_deref()) {
        (Rule::ConversionDrop, _, Some(c)) => match l {
            Lang::Zh => format!(
                "[clinic.channels] 中的渠道 {c} 在到院咨询登记中从未出现（名称写错了，还是导出数据不对？），无法判断其转化率"
            ),
            Lang::En => format!(
                "[clinic.channels] names the channel {c}, which no visits row names (a misspelt name, or the wrong exports?): its conversion cannot be judged"
            ),
        },
        (_, store, _) => {
            let store = store.unwrap_or_default();
            match l {
                Lang::Zh => format!(
                    "[clinic.stores] 中的门店 {store} 在导出数据中从未出现（名称写错了，还是导出数据不对？），无法判断目标进度"
                ),
                Lang::En => format!(
                    "[clinic.stores] names the store {store}, which no export names (a misspelt name, or the wrong exports?): its pace cannot be judged"
                ),
            }
        }
    }
}

/// Why a rule whose input was not given is not judged.
fn no_input(rule: Rule, l: Lang) -> &'static str {
    match rule {
        Rule::Slump => l.pick(
            "没有消费流水导出，无法判断业绩是否骤降",
            "no sales input was given: a slump cannot be judged",
        ),
        Rule::Pace => l.pick(
            "没有消费流水导出，无法判断目标进度",
            "no sales input was given: the pace cannot be judged",
        ),
        Rule::ConversionDrop => l.pick(
            "到院咨询登记没有“来源渠道”列，无法判断 [clinic.channels] 各渠道的转化率",
            "the visits have no channel column: the conversion of the channels in [clinic.channels] cannot be judged",
        ),
        Rule::ComplaintRate | Rule::ComplicationRate => l.pick(
            "没有投诉记录导出，无法判断投诉率和并发症发生率",
            "no complaints input was given: complaint and complication rates cannot be judged",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clinic::alerts::DayRevenue;
    use crate::words::tests::assert_says_both;
    use chrono::NaiveDate;

    /// Every rule's sentence — alert, and each reason it could not be judged — for each scope,
    /// in both languages: Chinese without English words, English without Chinese (store and
    /// channel names are one-letter here).
    #[test]
    fn every_alert_in_both_languages() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 10, day).unwrap();
        let figures = [
            (
                Rule::Slump,
                Figures::Slump {
                    days: vec![
                        DayRevenue {
                            date: d(18),
                            revenue: 100.0,
                        },
                        DayRevenue {
                            date: d(19),
                            revenue: 0.0,
                        },
                    ],
                    daily_average: 1000.0,
                    share: 0.5,
                    threshold: 500.0,
                    base_from: d(1),
                    base_to: d(17),
                },
            ),
            (
                Rule::ConversionDrop,
                Figures::ConversionDrop {
                    consultations: 11,
                    deals: 4,
                    conversion: Some(4.0 / 11.0),
                    previous_from: d(6),
                    previous_to: d(12),
                    previous_consultations: 11,
                    previous_deals: 8,
                    previous_conversion: Some(8.0 / 11.0),
                    drop: Some(0.5),
                    limit: 0.2,
                    min_consultations: 10,
                },
            ),
            (
                Rule::ComplaintRate,
                Figures::ComplaintRate {
                    complaints: 2,
                    customers_served: 40,
                    rate: Some(0.05),
                    limit: 0.02,
                },
            ),
            (
                Rule::ComplicationRate,
                Figures::ComplicationRate {
                    complications: 1,
                    treatments: 30,
                    rate: Some(1.0 / 30.0),
                    limit: 0.003,
                },
            ),
            (
                Rule::Pace,
                Figures::Pace {
                    revenue: 30000.0,
                    expected: 60000.0,
                    base: 110000.0,
                    days_elapsed: 20,
                    days_in_month: 31,
                },
            ),
        ];
        let reasons = [
            None,
            Some(Undecided::TooFewConsultations),
            Some(Undecided::NotCovered),
            Some(Undecided::NothingToDivide),
            Some(Undecided::NoInput),
            Some(Undecided::NotInData),
        ];
        let mut said = 0;
        for (rule, figures) in &figures {
            for figures in [figures.clone(), Figures::None {}] {
                for reason in reasons {
                    for scope in [Scope::Clinic, Scope::Store, Scope::Channel] {
                        let a = Alert {
                            level: Level::Red,
                            rule: *rule,
                            scope,
                            store: Some("Y".into()),
                            channel: Some("X".into()),
                            from: d(14),
                            to: d(20),
                            figures: figures.clone(),
                            reason,
                        };
                        for level in [Level::Red, Level::Yellow, Level::Blue] {
                            for l in [Lang::Zh, Lang::En] {
                                assert!(!level_label(level, l).is_empty());
                            }
                        }
                        assert_says_both("alert", &|l| {
                            format!("{} {}", rule_label(*rule, l), message(&a, 7, l))
                        });
                        said += 1;
                    }
                }
            }
        }
        assert_eq!(said, 5 * 2 * 6 * 3);
    }
}
