//! The kinds of input, how a file's name tells its kind, and each kind's columns (SPEC §2.1, §2.3).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Sales,
    Visits,
    Complaints,
    Roster,
    Targets,
    Surveys,
    Ratings,
    Adjustments,
}

pub const ALL_KINDS: [Kind; 8] = [
    Kind::Sales,
    Kind::Visits,
    Kind::Complaints,
    Kind::Roster,
    Kind::Targets,
    Kind::Surveys,
    Kind::Ratings,
    Kind::Adjustments,
];

/// A canonical column. The same field may belong to several kinds (date, customer, staff...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Date,
    Customer,
    Amount,
    OrderId,
    Consultant,
    Doctor,
    Nurse,
    Department,
    Store,
    Item,
    Type,
    VisitType,
    Channel,
    Deal,
    Staff,
    Category,
    Valid,
    ResolvedAt,
    StaffId,
    Role,
    Target,
    Hired,
    Left,
    Month,
    Score,
    Metric,
    Value,
    ScoreDelta,
    Reason,
    ApprovedBy,
}

impl Field {
    /// The canonical name, as used in `[columns.KIND]` and in `check` output.
    pub fn key(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Customer => "customer",
            Field::Amount => "amount",
            Field::OrderId => "order_id",
            Field::Consultant => "consultant",
            Field::Doctor => "doctor",
            Field::Nurse => "nurse",
            Field::Department => "department",
            Field::Store => "store",
            Field::Item => "item",
            Field::Type => "type",
            Field::VisitType => "visit_type",
            Field::Channel => "channel",
            Field::Deal => "deal",
            Field::Staff => "staff",
            Field::Category => "category",
            Field::Valid => "valid",
            Field::ResolvedAt => "resolved_at",
            Field::StaffId => "staff_id",
            Field::Role => "role",
            Field::Target => "target",
            Field::Hired => "hired",
            Field::Left => "left",
            Field::Month => "month",
            Field::Score => "score",
            Field::Metric => "metric",
            Field::Value => "value",
            Field::ScoreDelta => "score_delta",
            Field::Reason => "reason",
            Field::ApprovedBy => "approved_by",
        }
    }
}

/// A column of a kind: its field, built-in aliases (in priority order) and whether required.
#[derive(Debug)]
pub struct ColumnDef {
    pub field: Field,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn col(field: Field, aliases: &'static [&'static str], required: bool) -> ColumnDef {
    ColumnDef {
        field,
        aliases,
        required,
    }
}

const CUSTOMER: &[&str] = &[
    "顾客",
    "客户",
    "顾客姓名",
    "客户姓名",
    "会员",
    "顾客编号",
    "客户编号",
    "会员卡号",
    "卡号",
    "手机号",
    "customer",
    "customer_id",
];
const CONSULTANT: &[&str] = &[
    "咨询师",
    "现场咨询",
    "现场咨询师",
    "接诊咨询师",
    "consultant",
];
const DEPARTMENT: &[&str] = &["科室", "部门", "department"];
const STORE: &[&str] = &["门店", "院区", "分院", "机构", "store", "branch"];
const STAFF: &[&str] = &[
    "姓名",
    "员工",
    "员工姓名",
    "被评价人",
    "服务人员",
    "责任人",
    "staff",
    "name",
];
const MONTH: &[&str] = &["月份", "考核月份", "month"];

const SALES: &[ColumnDef] = &[
    col(
        Field::Date,
        &[
            "日期",
            "消费日期",
            "收银日期",
            "结账日期",
            "开单日期",
            "收款日期",
            "date",
        ],
        true,
    ),
    col(Field::Customer, CUSTOMER, true),
    col(
        Field::Amount,
        &[
            "实收金额",
            "实收",
            "实付金额",
            "金额",
            "成交金额",
            "业绩金额",
            "业绩",
            "amount",
        ],
        true,
    ),
    col(
        Field::OrderId,
        &["单号", "订单号", "收银单号", "流水号", "order", "order_id"],
        false,
    ),
    col(Field::Consultant, CONSULTANT, false),
    col(
        Field::Doctor,
        &["医生", "主诊医生", "操作医生", "手术医生", "doctor"],
        false,
    ),
    col(Field::Nurse, &["护士", "配台护士", "nurse"], false),
    col(Field::Department, DEPARTMENT, false),
    col(Field::Store, STORE, false),
    col(
        Field::Item,
        &["项目", "项目名称", "治疗项目", "品项", "item"],
        false,
    ),
    col(
        Field::Type,
        &["消费类型", "业绩类型", "开单类型", "类型", "type"],
        false,
    ),
];

const VISITS: &[ColumnDef] = &[
    col(
        Field::Date,
        &[
            "到院日期",
            "到院时间",
            "咨询日期",
            "接诊日期",
            "日期",
            "date",
        ],
        true,
    ),
    col(Field::Customer, CUSTOMER, true),
    col(Field::Consultant, CONSULTANT, true),
    col(
        Field::VisitType,
        &["初复诊", "就诊类型", "到院类型", "类型", "visit_type"],
        false,
    ),
    col(
        Field::Channel,
        &["渠道", "来源", "来源渠道", "channel"],
        false,
    ),
    col(
        Field::Deal,
        &["是否成交", "成交", "成交状态", "deal"],
        false,
    ),
    col(Field::Department, DEPARTMENT, false),
    col(Field::Store, STORE, false),
];

const COMPLAINTS: &[ColumnDef] = &[
    col(Field::Date, &["投诉日期", "日期", "date"], true),
    col(
        Field::Staff,
        &["被投诉人", "责任人", "涉及员工", "员工", "staff"],
        true,
    ),
    col(Field::Customer, CUSTOMER, false),
    col(
        Field::Category,
        &["投诉类型", "投诉类别", "类别", "category"],
        false,
    ),
    col(Field::Valid, &["是否有效", "有效投诉", "valid"], false),
    col(
        Field::ResolvedAt,
        &["处理完成时间", "解决时间", "结案时间", "resolved_at"],
        false,
    ),
];

const ROSTER: &[ColumnDef] = &[
    col(Field::Staff, STAFF, true),
    col(Field::StaffId, &["工号", "员工编号", "staff_id"], false),
    col(Field::Role, &["岗位", "职位", "角色", "role"], true),
    col(Field::Department, DEPARTMENT, false),
    col(Field::Store, STORE, false),
    col(
        Field::Target,
        &["月度业绩目标", "业绩目标", "target"],
        false,
    ),
    col(Field::Hired, &["入职日期", "hired"], false),
    col(Field::Left, &["离职日期", "left"], false),
];

const TARGETS: &[ColumnDef] = &[
    col(Field::Staff, STAFF, true),
    col(Field::Month, MONTH, true),
    col(Field::Target, &["业绩目标", "目标", "target"], true),
];

const SURVEYS: &[ColumnDef] = &[
    col(Field::Date, &["回访日期", "日期", "date"], true),
    col(Field::Staff, STAFF, true),
    col(Field::Score, &["评分", "满意度", "分数", "score"], true),
    col(Field::Customer, CUSTOMER, false),
];

const RATINGS: &[ColumnDef] = &[
    col(Field::Staff, STAFF, true),
    col(Field::Month, MONTH, true),
    col(Field::Item, &["考核项", "项目", "item"], true),
    col(Field::Score, &["评分", "得分", "分数", "score"], true),
];

const ADJUSTMENTS: &[ColumnDef] = &[
    col(Field::Staff, STAFF, true),
    col(
        Field::Month,
        &["月份", "考核月份", "考核期间", "month", "period"],
        true,
    ),
    col(Field::Metric, &["指标", "考核指标", "metric"], true),
    col(Field::Item, &["考核项", "项目", "item"], false),
    col(Field::Value, &["调整值", "value"], false),
    col(Field::ScoreDelta, &["加减分", "score_delta"], false),
    col(Field::Reason, &["原因", "理由", "reason"], true),
    col(Field::ApprovedBy, &["审批人", "approved_by"], true),
];

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Sales => "sales",
            Kind::Visits => "visits",
            Kind::Complaints => "complaints",
            Kind::Roster => "roster",
            Kind::Targets => "targets",
            Kind::Surveys => "surveys",
            Kind::Ratings => "ratings",
            Kind::Adjustments => "adjustments",
        }
    }

    pub fn from_key(key: &str) -> Option<Kind> {
        ALL_KINDS.iter().copied().find(|k| k.key() == key)
    }

    /// Keywords that name the kind in a file or sheet name (SPEC §2.1).
    pub fn keywords(self) -> &'static [&'static str] {
        match self {
            Kind::Sales => &["消费", "收银", "业绩", "销售", "流水", "sales"],
            Kind::Visits => &["到院", "咨询", "接诊", "来访", "visit"],
            Kind::Complaints => &["投诉", "complaint"],
            Kind::Roster => &["员工", "花名册", "人员", "roster", "staff"],
            Kind::Targets => &["目标", "业绩目标", "target"],
            Kind::Surveys => &["回访", "满意度", "survey"],
            Kind::Ratings => &["评分", "考评", "rating"],
            Kind::Adjustments => &["调整", "申诉", "adjustment"],
        }
    }

    pub fn columns(self) -> &'static [ColumnDef] {
        match self {
            Kind::Sales => SALES,
            Kind::Visits => VISITS,
            Kind::Complaints => COMPLAINTS,
            Kind::Roster => ROSTER,
            Kind::Targets => TARGETS,
            Kind::Surveys => SURVEYS,
            Kind::Ratings => RATINGS,
            Kind::Adjustments => ADJUSTMENTS,
        }
    }
}

/// The kinds whose keywords occur in `name` (case-insensitive). A keyword found only inside a
/// longer keyword of another kind found at the same place does not count: `业绩目标` is targets,
/// not sales (SPEC §2.1).
pub fn kinds_named_by(name: &str) -> Vec<Kind> {
    let lower = name.to_lowercase();
    // Every keyword occurrence as (start, end, kind), in bytes of `lower`.
    let mut found: Vec<(usize, usize, Kind)> = Vec::new();
    for k in ALL_KINDS {
        for kw in k.keywords() {
            for (at, _) in lower.match_indices(kw) {
                found.push((at, at + kw.len(), k));
            }
        }
    }
    let inside_longer = |&(s, e, k): &(usize, usize, Kind)| {
        found
            .iter()
            .any(|&(s2, e2, k2)| k2 != k && s2 <= s && e <= e2 && e2 - s2 > e - s)
    };
    ALL_KINDS
        .iter()
        .copied()
        .filter(|k| found.iter().any(|f| f.2 == *k && !inside_longer(f)))
        .collect()
}

/// Each kind with the keyword that names it in a file or sheet name, for telling how to name
/// a file so its kind can be told.
pub fn keywords() -> Vec<(Kind, String)> {
    ALL_KINDS
        .iter()
        .map(|k| (*k, k.keywords()[0].to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tell_kinds() {
        assert_eq!(kinds_named_by("2026年10月消费明细.xlsx"), vec![Kind::Sales]);
        assert_eq!(kinds_named_by("到院咨询登记.csv"), vec![Kind::Visits]);
        assert_eq!(kinds_named_by("Complaints-Oct.CSV"), vec![Kind::Complaints]);
        assert_eq!(kinds_named_by("Sheet1"), Vec::<Kind>::new());
        // The longer keyword wins where one contains another: 业绩目标 is targets, not sales.
        assert_eq!(kinds_named_by("业绩目标.xlsx"), vec![Kind::Targets]);
        assert_eq!(kinds_named_by("10月业绩.xlsx"), vec![Kind::Sales]);
        // 员工业绩目标: 员工 (roster) and 业绩目标 (targets) — two kinds: the header decides.
        assert_eq!(
            kinds_named_by("员工业绩目标.xlsx"),
            vec![Kind::Roster, Kind::Targets]
        );
        assert_eq!(
            kinds_named_by("咨询师业绩.xlsx"),
            vec![Kind::Sales, Kind::Visits]
        );
    }

    #[test]
    fn every_kind_has_two_columns_and_a_required_one() {
        for k in ALL_KINDS {
            assert!(k.columns().len() >= 3, "{k:?}");
            assert!(k.columns().iter().any(|c| c.required), "{k:?}");
        }
    }
}
