//! Every metric, defined once (SPEC §3): key, labels, definition, direction, kind, default
//! min_sample and scope, the columns it needs, and the functions that compute its figure and
//! list the rows behind it — side by side in [`METRICS`], so nothing elsewhere matches on a
//! metric's key. Help text, `explain`, the README table and the scorecard notes all read these
//! (put into words by `crate::words::metrics`).

use super::compute::{self, Args, Figure};
use super::evidence::{self, Row, Walk};
use crate::config::Scope;
use crate::input::kinds::{Field, Kind};

/// How a metric's value is formed; decides what `numerator`/`denominator` mean and whether its
/// thresholds scale with the period's length (sums and counts do, SPEC §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    Sum,
    Count,
    Rate,
    Ratio,
    Mean,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// How a value is shown: a fraction as a percentage, money, a plain number, hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Yuan,
    Number,
    Hours,
    Points,
}

/// A column a metric cannot do without (SPEC §2.4; `needs::missing_columns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The sales column crediting the role (its `attribute`).
    Credit,
    /// The sales type column, when the 二开 rule is `type`.
    SecondaryType,
    /// The visits' deal column, when no sales input tells deals instead.
    DealWithoutSales,
    /// This column of this kind.
    Column(Kind, Field),
}

/// A metric's figure from the rows of the members [`Args`] names.
pub type ComputeFn = fn(&compute::Context<'_>, &Args<'_>) -> Figure;

/// The rows behind a metric's figure, walked as [`ComputeFn`] walks them (`explain --rows`).
pub type RowsFn = fn(&Walk<'_, '_>, &Args<'_>) -> Vec<Row>;

#[derive(Debug)]
pub struct MetricDef {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: MetricKind,
    pub better: Better,
    pub min_sample: Option<u32>,
    pub unit: Unit,
    /// The definition in words (English; the README and --lang en use it).
    pub definition_en: &'static str,
    /// The definition in words (Chinese; the scorecard notes use it).
    pub definition_zh: &'static str,
    /// The numerator and denominator in words ("成交", "咨询"); empty when the value is not a
    /// quotient.
    pub parts_zh: [&'static str; 2],
    pub parts_en: [&'static str; 2],
    /// Whose rows a KPI counts when it names no `scope`.
    pub default_scope: Scope,
    /// The columns it needs besides its kinds of input.
    pub needs: &'static [Need],
    pub compute: ComputeFn,
    pub rows: RowsFn,
}

impl MetricDef {
    /// Whether thresholds and bonus amounts tied to this metric scale with the period length.
    pub fn scales_with_period(&self) -> bool {
        matches!(self.kind, MetricKind::Sum | MetricKind::Count)
    }
}

pub const METRICS: &[MetricDef] = &[
    MetricDef {
        key: "revenue",
        zh: "业绩",
        en: "Revenue",
        kind: MetricKind::Sum,
        better: Better::Higher,
        min_sample: None,
        unit: Unit::Yuan,
        definition_en: "Σ amount of the person's sales in the period (refunds subtract)",
        definition_zh: "本期归属本人的消费实收金额合计（退款冲减）",
        parts_zh: ["", ""],
        parts_en: ["", ""],
        default_scope: Scope::Own,
        needs: &[Need::Credit],
        compute: compute::revenue,
        rows: evidence::revenue,
    },
    MetricDef {
        key: "revenue_attainment",
        zh: "业绩达成率",
        en: "Revenue attainment",
        kind: MetricKind::Ratio,
        better: Better::Higher,
        min_sample: None,
        unit: Unit::Percent,
        definition_en: "revenue ÷ revenue target (targets input for the period's months, else roster target × months)",
        definition_zh: "业绩 ÷ 业绩目标（取业绩目标表本期各月之和，否则花名册月度目标 × 月数）",
        parts_zh: ["业绩", "业绩目标"],
        parts_en: ["revenue", "revenue target"],
        default_scope: Scope::Own,
        needs: &[Need::Credit],
        compute: compute::revenue_attainment,
        rows: evidence::revenue_attainment,
    },
    MetricDef {
        key: "conversion_rate",
        zh: "成交率",
        en: "Conversion rate",
        kind: MetricKind::Rate,
        better: Better::Higher,
        min_sample: Some(5),
        unit: Unit::Percent,
        definition_en: "deal consultations ÷ consultations (a consultation is a distinct customer, date and consultant)",
        definition_zh: "成交咨询数 ÷ 咨询数（同一顾客同日同咨询师计一次咨询）",
        parts_zh: ["成交", "咨询"],
        parts_en: ["deals", "consultations"],
        default_scope: Scope::Own,
        needs: &[Need::DealWithoutSales],
        compute: compute::conversion_rate,
        rows: evidence::conversion_rate,
    },
    MetricDef {
        key: "ticket_price",
        zh: "客单价",
        en: "Ticket price",
        kind: MetricKind::Ratio,
        better: Better::Higher,
        min_sample: Some(3),
        unit: Unit::Yuan,
        definition_en: "revenue ÷ paying customers",
        definition_zh: "业绩 ÷ 付费顾客数",
        parts_zh: ["业绩", "付费顾客"],
        parts_en: ["revenue", "paying customers"],
        default_scope: Scope::Own,
        needs: &[Need::Credit],
        compute: compute::ticket_price,
        rows: evidence::ticket_price,
    },
    MetricDef {
        key: "secondary_rate",
        zh: "二开率",
        en: "Secondary-purchase rate",
        kind: MetricKind::Rate,
        better: Better::Higher,
        min_sample: Some(5),
        unit: Unit::Percent,
        definition_en: "paying customers with a 二开 (second-opening) sale ÷ paying customers",
        definition_zh: "有二开消费的付费顾客数 ÷ 付费顾客数",
        parts_zh: ["二开顾客", "付费顾客"],
        parts_en: ["customers with 二开", "paying customers"],
        default_scope: Scope::Own,
        needs: &[Need::Credit, Need::SecondaryType],
        compute: compute::secondary_rate,
        rows: evidence::secondary_rate,
    },
    MetricDef {
        key: "complaint_rate",
        zh: "投诉率",
        en: "Complaint rate",
        kind: MetricKind::Rate,
        better: Better::Lower,
        min_sample: Some(10),
        unit: Unit::Percent,
        definition_en: "valid complaints naming the person ÷ customers served",
        definition_zh: "有效投诉数 ÷ 服务顾客数",
        parts_zh: ["有效投诉", "服务顾客"],
        parts_en: ["valid complaints", "customers served"],
        default_scope: Scope::Own,
        needs: &[],
        compute: compute::complaint_rate,
        rows: evidence::complaint_rate,
    },
    MetricDef {
        key: "new_customers",
        zh: "新客数",
        en: "New customers",
        kind: MetricKind::Count,
        better: Better::Higher,
        min_sample: None,
        unit: Unit::Number,
        definition_en: "distinct customers whose 初诊 (first-visit) consultation was a deal",
        definition_zh: "初诊咨询成交的不同顾客数",
        parts_zh: ["", ""],
        parts_en: ["", ""],
        default_scope: Scope::Own,
        needs: &[
            Need::DealWithoutSales,
            Need::Column(Kind::Visits, Field::VisitType),
        ],
        compute: compute::new_customers,
        rows: evidence::new_customers,
    },
    MetricDef {
        key: "first_visits",
        zh: "初诊上门量",
        en: "First visits",
        kind: MetricKind::Count,
        better: Better::Higher,
        min_sample: None,
        unit: Unit::Number,
        definition_en: "consultations of type 初诊 (first visit)",
        definition_zh: "初诊咨询数",
        parts_zh: ["", ""],
        parts_en: ["", ""],
        default_scope: Scope::Own,
        needs: &[Need::Column(Kind::Visits, Field::VisitType)],
        compute: compute::first_visits,
        rows: evidence::first_visits,
    },
    MetricDef {
        key: "repurchase_rate",
        zh: "复购率",
        en: "Repurchase rate",
        kind: MetricKind::Rate,
        better: Better::Higher,
        min_sample: Some(5),
        unit: Unit::Percent,
        definition_en: "paying customers who had a positive sale (anyone's, any store) in the 365 days before the period ÷ paying customers",
        definition_zh: "期初前365天内有过正向消费（任何人、任何门店）的付费顾客数 ÷ 付费顾客数",
        parts_zh: ["老客", "付费顾客"],
        parts_en: ["returning customers", "paying customers"],
        default_scope: Scope::Own,
        needs: &[Need::Credit],
        compute: compute::repurchase_rate,
        rows: evidence::repurchase_rate,
    },
    MetricDef {
        key: "satisfaction",
        zh: "满意度",
        en: "Satisfaction",
        kind: MetricKind::Mean,
        better: Better::Higher,
        min_sample: Some(3),
        unit: Unit::Points,
        definition_en: "mean survey score naming the person, as score × 100 ÷ scale",
        definition_zh: "回访评分均值，折算为 评分 × 100 ÷ 满分",
        parts_zh: ["评分合计", "回访份数"],
        parts_en: ["score total", "surveys"],
        default_scope: Scope::Own,
        needs: &[],
        compute: compute::satisfaction,
        rows: evidence::satisfaction,
    },
    MetricDef {
        key: "complication_rate",
        zh: "并发症发生率",
        en: "Complication rate",
        kind: MetricKind::Rate,
        better: Better::Lower,
        min_sample: Some(10),
        unit: Unit::Percent,
        definition_en: "valid complaints naming the doctor in a complication category ÷ treatments",
        definition_zh: "并发症类有效投诉数 ÷ 操作例数",
        parts_zh: ["并发症投诉", "操作例数"],
        parts_en: ["complication complaints", "treatments"],
        default_scope: Scope::Own,
        needs: &[Need::Column(Kind::Complaints, Field::Category)],
        compute: compute::complication_rate,
        rows: evidence::complication_rate,
    },
    MetricDef {
        key: "treatments",
        zh: "操作例数",
        en: "Treatments",
        kind: MetricKind::Count,
        better: Better::Higher,
        min_sample: None,
        unit: Unit::Number,
        definition_en: "distinct order ids of the person's positive sales (a row without an order id counts as one)",
        definition_zh: "本人正向消费的不同单号数（无单号的行各计一例）",
        parts_zh: ["", ""],
        parts_en: ["", ""],
        default_scope: Scope::Own,
        needs: &[Need::Credit],
        compute: compute::treatments,
        rows: evidence::treatments,
    },
    MetricDef {
        key: "complaint_hours",
        zh: "投诉处理时效",
        en: "Complaint handling hours",
        kind: MetricKind::Mean,
        better: Better::Lower,
        min_sample: Some(1),
        unit: Unit::Hours,
        definition_en: "mean hours from a complaint to its resolution, over complaints naming the person that were resolved",
        definition_zh: "已处理投诉从投诉时间到处理完成时间的平均小时数",
        parts_zh: ["处理小时合计", "已处理投诉"],
        parts_en: ["hours in all", "complaints resolved"],
        default_scope: Scope::Own,
        needs: &[Need::Column(Kind::Complaints, Field::ResolvedAt)],
        compute: compute::complaint_hours,
        rows: evidence::complaint_hours,
    },
    MetricDef {
        key: "turnover_rate",
        zh: "人员流失率",
        en: "Turnover rate",
        kind: MetricKind::Rate,
        better: Better::Lower,
        min_sample: None,
        unit: Unit::Percent,
        definition_en: "roster people in scope who left in the period ÷ those employed at its start",
        definition_zh: "本期离职人数 ÷ 期初在职人数",
        parts_zh: ["离职人数", "期初在职"],
        parts_en: ["left", "employed at start"],
        default_scope: Scope::Store,
        needs: &[Need::Column(Kind::Roster, Field::Left)],
        compute: compute::turnover_rate,
        rows: evidence::turnover_rate,
    },
    MetricDef {
        key: "rating",
        zh: "主管评分",
        en: "Supervisor rating",
        kind: MetricKind::Mean,
        better: Better::Higher,
        min_sample: Some(1),
        unit: Unit::Points,
        definition_en: "mean of the supervisor ratings for the item in the period's months",
        definition_zh: "本期各月该考核项的主管评分均值",
        parts_zh: ["评分合计", "评分次数"],
        parts_en: ["ratings total", "ratings"],
        default_scope: Scope::Own,
        needs: &[],
        compute: compute::rating,
        rows: evidence::rating,
    },
];

/// The metric with this key, or whose Chinese label this is.
pub fn metric(key_or_label: &str) -> Option<&'static MetricDef> {
    let k = key_or_label.trim();
    METRICS.iter().find(|m| m.key == k || m.zh == k)
}

/// A KPI's column label: the metric's label in `lang`, with its rating item ("专业知识") after a
/// dot. Used by the terminal tables, JSON (in Chinese) and the scorecard alike.
pub fn kpi_label(metric: &str, item: Option<&str>, lang: crate::Lang) -> String {
    let label = match self::metric(metric) {
        Some(d) => lang.pick(d.zh, d.en).to_string(),
        None => metric.to_string(),
    };
    match item {
        Some(i) => format!("{label}·{i}"),
        None => label,
    }
}

/// A threshold or value in the metric's unit, for rules in words: 0.3 → "30%", 3200 → "¥3,200",
/// 2.5 → "2.5". At most two decimals, no trailing zeros.
pub fn show_amount(metric: &str, x: f64) -> String {
    match self::metric(metric).map(|d| d.unit) {
        Some(Unit::Percent) => format!("{}%", crate::fmt::trimmed(x * 100.0)),
        Some(Unit::Yuan) => crate::fmt::money_short(x),
        Some(Unit::Hours) => format!("{}h", crate::fmt::trimmed(x)),
        _ => crate::fmt::trimmed(x),
    }
}

pub fn metric_keys() -> Vec<&'static str> {
    METRICS.iter().map(|m| m.key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key once, and every column a metric needs is a column its kind has.
    #[test]
    fn definitions_are_consistent() {
        let keys: std::collections::HashSet<&str> = METRICS.iter().map(|m| m.key).collect();
        assert_eq!(keys.len(), METRICS.len());
        for m in METRICS {
            for n in m.needs {
                if let Need::Column(kind, field) = *n {
                    assert!(
                        kind.columns().iter().any(|c| c.field == field),
                        "{}: {kind:?} has no {field:?} column",
                        m.key
                    );
                }
            }
        }
        assert_eq!(metric("turnover_rate").unwrap().default_scope, Scope::Store);
    }

    #[test]
    fn labels_find_metrics() {
        assert_eq!(metric("成交率").map(|m| m.key), Some("conversion_rate"));
        assert_eq!(metric("secondary_rate").map(|m| m.zh), Some("二开率"));
        assert!(metric("nonsense").is_none());
        assert_eq!(metric_keys().len(), 15);
    }
    #[test]
    fn amounts_show_in_their_unit() {
        assert_eq!(show_amount("conversion_rate", 0.3), "30%");
        assert_eq!(show_amount("complaint_rate", 0.003), "0.3%");
        assert_eq!(show_amount("ticket_price", 3200.0), "¥3,200");
        assert_eq!(show_amount("revenue", 1234567.5), "¥1,234,567.5");
        assert_eq!(show_amount("revenue", -1500.0), "-¥1,500");
        assert_eq!(show_amount("revenue", 999.999), "¥1,000");
        assert_eq!(show_amount("treatments", 60.0), "60");
        assert_eq!(show_amount("complaint_hours", 24.0), "24h");
        assert_eq!(show_amount("satisfaction", 0.0), "0");
    }

    #[test]
    fn kpi_labels_carry_the_item() {
        use crate::Lang;
        assert_eq!(
            kpi_label("rating", Some("专业知识"), Lang::Zh),
            "主管评分·专业知识"
        );
        assert_eq!(
            kpi_label("conversion_rate", None, Lang::En),
            "Conversion rate"
        );
        assert_eq!(kpi_label("made_up", None, Lang::Zh), "made_up");
    }
}
