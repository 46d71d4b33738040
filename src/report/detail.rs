//! How a figure was counted, in words (`explain`'s detail lines): the metrics return
//! [`Detail`] values and this is the one place they become Chinese or English.

use crate::config::SecondaryRule;
use crate::fmt::{money_short, trimmed};
use crate::input::kinds::Kind;
use crate::metrics::compute::Detail;
use crate::Lang;

/// The input kinds named in a detail line (sales; sales or visits) in the run's language.
fn kinds(what: &[Kind], l: Lang) -> String {
    let sep = l.pick("或", " or ");
    what.iter()
        .map(|&kind| crate::words::labels::kind(kind, l))
        .collect::<Vec<_>>()
        .join(sep)
}

pub fn detail(d: &Detail, l: Lang) -> String {
    let zh = l == Lang::Zh;
    match d {
        Detail::NoInput(what) if zh => format!("没有{}数据（未找到该类导出文件）", kinds(what, l)),
        Detail::NoInput(what) => format!("no {} input given", kinds(what, l)),
        Detail::UnknownMetric(m) if zh => format!("未知指标 {m}"),
        Detail::UnknownMetric(m) => format!("unknown metric {m}"),
        Detail::SalesRows { rows, revenue } if zh => {
            format!("消费记录 {rows} 条，业绩 {}", money_short(*revenue))
        }
        Detail::SalesRows { rows, revenue } => {
            format!("sales rows {rows}, revenue {}", money_short(*revenue))
        }
        Detail::NoTarget if zh => "没有业绩目标（业绩目标表与花名册月度目标均无）".into(),
        Detail::NoTarget => "no target (neither targets rows nor a roster target)".into(),
        Detail::RevenueTarget { revenue, target } if zh => format!(
            "业绩 {}，业绩目标 {}",
            money_short(*revenue),
            money_short(*target)
        ),
        Detail::RevenueTarget { revenue, target } => format!(
            "revenue {}, target {}",
            money_short(*revenue),
            money_short(*target)
        ),
        Detail::Consultations {
            consultations,
            deals,
        } if zh => format!("咨询 {consultations} 次，成交 {deals} 次"),
        Detail::Consultations {
            consultations,
            deals,
        } => format!("consultations {consultations}, deals {deals}"),
        Detail::NewCustomers(n) if zh => format!("初诊成交顾客 {n} 人"),
        Detail::NewCustomers(n) => format!("customers with a 初诊 deal {n}"),
        Detail::FirstVisits {
            consultations,
            first,
        } if zh => format!("咨询 {consultations} 次，其中初诊 {first} 次"),
        Detail::FirstVisits {
            consultations,
            first,
        } => format!("consultations {consultations}, of type 初诊 {first}"),
        Detail::TicketPrice { revenue, paying } if zh => {
            format!("业绩 {}，付费顾客 {paying} 人", money_short(*revenue))
        }
        Detail::TicketPrice { revenue, paying } => {
            format!(
                "revenue {}, paying customers {paying}",
                money_short(*revenue)
            )
        }
        Detail::Secondary {
            paying,
            secondary,
            rule,
        } if zh => {
            let rule = match rule {
                SecondaryRule::Derive => "按消费记录推算",
                _ => "按消费类型认定",
            };
            format!("付费顾客 {paying} 人，二开顾客 {secondary} 人（{rule}）")
        }
        Detail::Secondary {
            paying,
            secondary,
            rule,
        } => {
            let rule = match rule {
                SecondaryRule::Derive => "derived from the sales",
                _ => "by type",
            };
            format!("paying customers {paying}, secondary-purchase customers {secondary} ({rule})")
        }
        Detail::Repurchase {
            paying,
            bought_before,
        } if zh => format!("付费顾客 {paying} 人，其中期前 365 天内消费过 {bought_before} 人"),
        Detail::Repurchase {
            paying,
            bought_before,
        } => format!("paying customers {paying}, bought in the 365 days before {bought_before}"),
        Detail::Complaints { valid, served } if zh => {
            format!("有效投诉 {valid} 件，服务顾客 {served} 人")
        }
        Detail::Complaints { valid, served } => {
            format!("valid complaints {valid}, customers served {served}")
        }
        Detail::Surveys { n, scale } if zh => {
            format!("回访 {n} 条，满分 {}", trimmed(*scale))
        }
        Detail::Surveys { n, scale } => format!("surveys {n}, scale {}", trimmed(*scale)),
        Detail::Complications { n, treatments } if zh => {
            format!("有效并发症投诉 {n} 件，操作 {treatments} 例")
        }
        Detail::Complications { n, treatments } => {
            format!("valid complication complaints {n}, treatments {treatments}")
        }
        Detail::Treatments(t) if zh => format!("正向消费的不同单号 {t} 个"),
        Detail::Treatments(t) => format!("distinct orders of positive sales {t}"),
        Detail::ResolvedComplaints { n, hours } if zh => {
            format!("已结案投诉 {n} 件，合计 {} 小时", trimmed(*hours))
        }
        Detail::ResolvedComplaints { n, hours } => {
            format!("resolved complaints {n}, hours {}", trimmed(*hours))
        }
        Detail::Turnover { left, at_start } if zh => {
            format!("本期离职 {left} 人，期初在职 {at_start} 人")
        }
        Detail::Turnover { left, at_start } => {
            format!("left in period {left}, employed at start {at_start}")
        }
        Detail::Ratings { n, item } if zh => format!(
            "评分 {n} 条（考核项 {}）",
            item.as_deref().unwrap_or("任意")
        ),
        Detail::Ratings { n, item } => {
            format!("ratings {n} for {}", item.as_deref().unwrap_or("any item"))
        }
        Detail::Sum { sum, n } if zh => format!("合计 {}，共 {n} 条", trimmed(*sum)),
        Detail::Sum { sum, n } => format!("sum {} over {n}", trimmed(*sum)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every detail line in both languages: the Chinese one holds no English word (config keys
    /// like the 二开 rule's `type` aside), the English one no Chinese outside the data.
    #[test]
    fn every_detail_in_both_languages() {
        let all = [
            Detail::NoInput(&[Kind::Sales, Kind::Visits]),
            Detail::UnknownMetric("x".into()),
            Detail::SalesRows {
                rows: 12,
                revenue: 38540.0,
            },
            Detail::NoTarget,
            Detail::RevenueTarget {
                revenue: 38540.0,
                target: 65000.0,
            },
            Detail::Consultations {
                consultations: 9,
                deals: 7,
            },
            Detail::NewCustomers(3),
            Detail::FirstVisits {
                consultations: 9,
                first: 6,
            },
            Detail::TicketPrice {
                revenue: 38540.0,
                paying: 5,
            },
            Detail::Secondary {
                paying: 5,
                secondary: 2,
                rule: SecondaryRule::Type,
            },
            Detail::Repurchase {
                paying: 5,
                bought_before: 1,
            },
            Detail::Complaints {
                valid: 0,
                served: 8,
            },
            Detail::Surveys { n: 3, scale: 5.0 },
            Detail::Complications {
                n: 1,
                treatments: 9,
            },
            Detail::Treatments(9),
            Detail::ResolvedComplaints { n: 2, hours: 30.5 },
            Detail::Turnover {
                left: 1,
                at_start: 6,
            },
            Detail::Ratings {
                n: 1,
                item: Some("专业知识".into()),
            },
            Detail::Sum { sum: 220.0, n: 3 },
        ];
        for d in &all {
            let zh = detail(d, Lang::Zh);
            let en = detail(d, Lang::En);
            let english_word = zh
                .split(|c: char| !c.is_ascii_alphabetic())
                .find(|w| w.len() > 1 && *w != "type");
            assert!(english_word.is_none(), "{d:?}: {zh}");
            let chinese = en
                .chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .collect::<String>();
            assert!(
                chinese.is_empty()
                    || chinese == "初诊"
                    || chinese == "二开"
                    || chinese == "专业知识",
                "{d:?}: {en}"
            );
            assert_ne!(zh, en);
        }
        assert_eq!(detail(&all[4], Lang::Zh), "业绩 ¥38,540，业绩目标 ¥65,000");
    }
}
