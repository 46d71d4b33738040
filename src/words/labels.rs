//! Names of things: the kinds of input and the fields (columns) the tool knows. Every message
//! and table that names a kind or a field takes the name from here, so a clerk meets one word
//! for one thing.

use crate::input::kinds::{Field, Kind};
use crate::Lang;

/// 消费流水 / sales.
pub fn kind(k: Kind, lang: Lang) -> &'static str {
    match lang {
        Lang::En => k.key(),
        Lang::Zh => match k {
            Kind::Sales => "消费流水",
            Kind::Visits => "到院咨询",
            Kind::Complaints => "投诉",
            Kind::Roster => "员工花名册",
            Kind::Targets => "业绩目标",
            Kind::Surveys => "回访满意度",
            Kind::Ratings => "主管评分",
            Kind::Adjustments => "申诉调整",
        },
    }
}

/// 实收金额 / amount: what a field means, for a person (the config key is [`Field::key`]).
pub fn field(f: Field, lang: Lang) -> &'static str {
    match lang {
        Lang::En => match f {
            Field::OrderId => "order id",
            Field::VisitType => "first/return visit",
            Field::ResolvedAt => "resolved at",
            Field::StaffId => "staff id",
            Field::Hired => "hire date",
            Field::Left => "leaving date",
            Field::ScoreDelta => "score change",
            Field::ApprovedBy => "approved by",
            other => other.key(),
        },
        Lang::Zh => match f {
            Field::Date => "日期",
            Field::Customer => "顾客",
            Field::Amount => "金额",
            Field::OrderId => "单号",
            Field::Consultant => "咨询师",
            Field::Doctor => "医生",
            Field::Nurse => "护士",
            Field::Department => "科室",
            Field::Store => "门店",
            Field::Item => "项目",
            Field::Type => "消费类型",
            Field::VisitType => "初复诊",
            Field::Channel => "来源渠道",
            Field::Deal => "是否成交",
            Field::Staff => "员工",
            Field::Category => "类别",
            Field::Valid => "是否有效",
            Field::ResolvedAt => "处理完成时间",
            Field::StaffId => "工号",
            Field::Role => "岗位",
            Field::Target => "目标",
            Field::Hired => "入职日期",
            Field::Left => "离职日期",
            Field::Month => "月份",
            Field::Score => "得分",
            Field::Metric => "指标",
            Field::Value => "数值",
            Field::ScoreDelta => "加减分",
            Field::Reason => "原因",
            Field::ApprovedBy => "审批人",
        },
    }
}

/// 正常 / ok: a figure's status, with what it means for the score.
pub fn status(s: crate::metrics::compute::Status, lang: Lang) -> &'static str {
    use crate::metrics::compute::Status;
    match s {
        Status::Ok => lang.pick("正常", "ok"),
        Status::Insufficient => lang.pick("样本不足", "sample too small"),
        Status::NoData => lang.pick("无数据", "no data"),
        Status::NoTarget => lang.pick("无目标", "no target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::kinds::ALL_KINDS;

    /// Every kind has a Chinese name without a Latin letter, and an English one without CJK.
    #[test]
    fn every_kind_named_in_both_languages() {
        for k in ALL_KINDS {
            assert!(!kind(k, Lang::Zh).chars().any(|c| c.is_ascii_alphabetic()));
            assert!(kind(k, Lang::En).is_ascii());
        }
    }
}
