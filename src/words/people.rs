//! Words for who is scored and whose rows are whose (src/people.rs, src/credit.rs,
//! src/metrics/needs.rs).

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
        }
    }

    /// One of each variant, for the walk test (single-letter or numeric parameters).
    #[cfg(test)]
    pub fn examples() -> Vec<PeopleMsg> {
        vec![PeopleMsg::EmptyPeriod {
            period: "1".into(),
            start: "2".into(),
            end: "3".into(),
        }]
    }
}
