//! Words for who is scored and whose rows are whose (src/people.rs, src/credit.rs,
//! src/metrics/needs.rs).

use crate::input::kinds::{Field, Kind};
use crate::words::labels;
use crate::Lang;

/// A data issue found while settling who is scored.
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(PeopleCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum PeopleMsg {
    /// Sales or visits inputs exist, but none of their rows is in the period.
    EmptyPeriod {
        period: String,
        start: String,
        end: String,
    },
    /// Two roster rows give one name and no distinct 工号: neither is scored.
    SameNameNoStaffId {
        name: String,
        /// (file, row) of each roster row giving the name.
        rows: Vec<(String, u32)>,
    },
    /// One 工号 given to two different names: neither is scored.
    StaffIdTwoNames {
        staff_id: String,
        /// (name, roster row) of each row giving the 工号.
        rows: Vec<(String, u32)>,
    },
    /// A roster 岗位 no configured role lists: its people are not scored.
    RosterRoleUnknown { role: String, people: usize },
    /// A roster person whose 岗位 no role lists has data in the period.
    UnscoredRoleHasData {
        name: String,
        /// The first data row naming them.
        file: String,
        row: u32,
        role: String,
    },
    /// A name in the data that is not in the roster.
    NotInRoster { name: String },
    /// No roster: people are taken from the consultant and doctor columns.
    NoRoster,
    /// A row naming a name two roster people share, which nothing in the row decides:
    /// credited to neither.
    NamesakeHeld {
        name: String,
        /// (工号, store) of each namesake.
        people: Vec<(String, Option<String>)>,
        /// Whether the row has a store or department column (which then picked no single one).
        row_has_store_or_department: bool,
    },
    /// A roster person of a role credited by another sales column, named in `column`: that
    /// column of the row is credited to nobody.
    CreditedByOtherColumn {
        name: String,
        role_label: String,
        role: String,
        /// The column that credits the person's role.
        credited_by: Field,
        /// The column of this row naming them.
        column: Field,
    },
    /// Rows outside the period held back for one of the reasons above, per name.
    HeldOutsidePeriod { name: String, rows: usize },
    /// A column a configured KPI needs that no input of its kind maps.
    KpiColumnMissing {
        role_label: String,
        role: String,
        /// The metric's key.
        metric: &'static str,
        kind: Kind,
        field: Field,
        /// The headers recognised for the column without config.
        aliases: Vec<String>,
    },
}

catalogue!(PeopleMsg, PeopleCode);

impl PeopleMsg {
    pub fn say(&self, lang: Lang) -> String {
        match self {
            PeopleMsg::EmptyPeriod { period, start, end } => say!(
                lang,
                "{period}（{start} ~ {end}）没有任何消费或到院记录：导出的是这个期间吗？否则每项 KPI 都会按零计算",
                "{period} has no sales or visits rows ({start} ~ {end}): are these the right exports? Every KPI would be scored on nothing"
            ),
            PeopleMsg::SameNameNoStaffId { name, rows } => {
                let at = rows
                    .iter()
                    .map(|(file, row)| say!(lang, "{file} 第 {row} 行", "{file} row {row}"))
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", " and "));
                say!(
                    lang,
                    "员工花名册中有两人同名“{name}”（{at}）：请在花名册中给每人填写不同的工号；在此之前两人都不计分",
                    "two people named {name} ({at}): give each a distinct staff id (staff_id) in the roster; neither is scored until then"
                )
            }
            PeopleMsg::StaffIdTwoNames { staff_id, rows } => {
                let at = rows
                    .iter()
                    .map(|(name, row)| say!(lang, "{name}（第 {row} 行）", "{name} row {row}"))
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", ", "));
                say!(
                    lang,
                    "工号 {staff_id} 同时给了不同的姓名（{at}）：一个工号只属于一个人；花名册更正之前，这几人都不计分",
                    "staff id {staff_id} is given to two different names ({at}): a staff id belongs to one person; neither is scored until the roster is corrected"
                )
            }
            PeopleMsg::RosterRoleUnknown { role, people } => {
                let who = if *people == 1 { "person" } else { "people" };
                say!(
                    lang,
                    "花名册岗位“{role}”（{people} 人）不对应配置中的任何岗位，这些人不计分",
                    "roster role {role} ({people} {who}) matches no role in the config; they are not scored"
                )
            }
            PeopleMsg::UnscoredRoleHasData {
                name,
                file,
                row,
                role,
            } => say!(
                lang,
                "{name} 本期有数据（第一条：{file} 第 {row} 行），但其花名册岗位“{role}”不对应配置中的任何岗位，因此未计分：请把 {role} 加进某个岗位的 `label = [\"…\", \"{role}\"]`，或更正花名册",
                "{name} has data in the period (first: {file}, row {row}) but their roster role {role} matches no role in the config, so they are not scored: add {role} to a role's label list (label = [\"…\", \"{role}\"]) or correct the roster"
            ),
            PeopleMsg::NotInRoster { name } => say!(
                lang,
                "{name} 出现在数据中，但不在员工花名册里，不计分（请把此人加入花名册，或更正姓名）",
                "{name} is named in the data but not in the roster; not scored (add them to the roster, or correct the name)"
            ),
            PeopleMsg::NoRoster => say!(
                lang,
                "未提供员工花名册：咨询师列中的姓名按咨询师计分，医生列中的姓名按医生计分；护士和主管需要花名册",
                "no roster given: names in the consultant columns are scored as consultants and names in the doctor column as doctors; nurses and supervisors need a roster"
            ),
            PeopleMsg::NamesakeHeld {
                name,
                people,
                row_has_store_or_department,
            } => {
                let who = people
                    .iter()
                    .map(|(id, store)| {
                        let store = store.as_deref().unwrap_or("-");
                        say!(
                            lang,
                            "{name}（工号 {id}，{store}）",
                            "{name} staff id {id} ({store})"
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", " and "));
                let why = if *row_has_store_or_department {
                    lang.pick(
                        "该行的门店和科室不能确定是其中哪一位",
                        "the row's store and department do not pick exactly one of them",
                    )
                } else {
                    lang.pick(
                        "该行没有门店或科室列可以区分两人",
                        "the row has no store or department column to tell them apart",
                    )
                };
                say!(
                    lang,
                    "{name} 对应花名册中的多个人：{who}；{why}，因此该行不计入任何一人：请更正该行的姓名（或给每人不同的姓名）",
                    "{name} names two roster people, {who}: {why}, so it is credited to neither; correct the name in the row (or give each a distinct name)"
                )
            }
            PeopleMsg::CreditedByOtherColumn {
                name,
                role_label,
                role,
                credited_by,
                column,
            } => {
                let by = labels::field(*credited_by, lang);
                let col = labels::field(*column, lang);
                say!(
                    lang,
                    "{name} 在花名册中是{role_label}（{role}），按{by}列计业绩，但该行把此人写在{col}列：该行的这一列不计入任何人（请更正该行，或花名册岗位）",
                    "{name} is a {role_label} ({role}) in the roster, credited by the {by} column, but this row names them in the {col} column: the row is credited to nobody in that column (correct the row, or the roster role)"
                )
            }
            PeopleMsg::HeldOutsidePeriod { name, rows } => say!(
                lang,
                "本期以外另有 {rows} 行写的是 {name}，出于同样原因不计入任何人（也不计入上期或回溯的数字）",
                "{rows} row(s) outside the period naming {name} are credited to nobody for the same reason (they count in no previous-period or look-back figure)"
            ),
            PeopleMsg::KpiColumnMissing {
                role_label,
                role,
                metric,
                kind,
                field,
                aliases,
            } => {
                let kpi = crate::metrics::defs::kpi_label(metric, None, lang);
                let kind_name = labels::kind(*kind, lang);
                let field_name = labels::field(*field, lang);
                let kind_key = kind.key();
                let field_key = field.key();
                let aliases = aliases.join(lang.pick("、", " "));
                say!(
                    lang,
                    "岗位 {role_label}（{role}）的 KPI {kpi}（`{metric}`）需要{kind_name}的“{field_name}”列（`{field_key}`），但没有任何{kind_name}文件有这一列（可识别的表头：{aliases}）；如果导出文件里这一列叫别的名字，请在配置中加上 `[columns.{kind_key}] {field_key} = [\"<表头>\"]`。在此之前，这项 KPI 对任何人都无法计算",
                    "role {role_label} ({role}), KPI {kpi} ({metric}): needs the {kind_key} column {field_key}, which no {kind_key} input has (recognised names: {aliases}); if your export calls it something else, add [columns.{kind_key}] {field_key} = [\"<its header>\"] to the config — until then this KPI cannot be computed for anyone"
                )
            }
        }
    }

    /// One of each variant, for the walk test (single-letter or numeric parameters).
    #[cfg(test)]
    pub fn examples() -> Vec<PeopleMsg> {
        vec![
            PeopleMsg::EmptyPeriod {
                period: "1".into(),
                start: "2".into(),
                end: "3".into(),
            },
            PeopleMsg::SameNameNoStaffId {
                name: "N".into(),
                rows: vec![("f".into(), 2), ("f".into(), 3)],
            },
            PeopleMsg::StaffIdTwoNames {
                staff_id: "C".into(),
                rows: vec![("A".into(), 2), ("B".into(), 3)],
            },
            PeopleMsg::RosterRoleUnknown {
                role: "R".into(),
                people: 2,
            },
            PeopleMsg::UnscoredRoleHasData {
                name: "N".into(),
                file: "f".into(),
                row: 2,
                role: "R".into(),
            },
            PeopleMsg::NotInRoster { name: "N".into() },
            PeopleMsg::NoRoster,
            PeopleMsg::NamesakeHeld {
                name: "N".into(),
                people: vec![("1".into(), Some("S".into())), ("2".into(), None)],
                row_has_store_or_department: false,
            },
            PeopleMsg::CreditedByOtherColumn {
                name: "N".into(),
                role_label: "L".into(),
                role: "r".into(),
                credited_by: Field::Nurse,
                column: Field::Consultant,
            },
            PeopleMsg::HeldOutsidePeriod {
                name: "N".into(),
                rows: 3,
            },
            PeopleMsg::KpiColumnMissing {
                role_label: "L".into(),
                role: "r".into(),
                metric: "x",
                kind: Kind::Sales,
                field: Field::Consultant,
                aliases: vec!["A".into(), "B".into()],
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both reasons a namesake row is held, in both languages.
    #[test]
    fn a_held_namesake_row_says_why() {
        let m = |has| PeopleMsg::NamesakeHeld {
            name: "张伟".into(),
            people: vec![("C001".into(), Some("一店".into())), ("C002".into(), None)],
            row_has_store_or_department: has,
        };
        assert_eq!(
            m(false).say(Lang::Zh),
            "张伟 对应花名册中的多个人：张伟（工号 C001，一店）、张伟（工号 C002，-）；该行没有门店或科室列可以区分两人，因此该行不计入任何一人：请更正该行的姓名（或给每人不同的姓名）"
        );
        assert!(m(true)
            .say(Lang::En)
            .contains("the row's store and department do not pick exactly one"));
    }
}
