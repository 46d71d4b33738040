//! Words for what reading the exports finds (src/input): rows rejected, values unreadable,
//! headers not found, files skipped.

use crate::Lang;

/// A data issue found while reading an input. Parameters are data (the cell as shown, the
/// header, a count); the sentence is made in [`InputMsg::say`].
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(InputCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum InputMsg {
    /// A totals row (合计, 总计 …) at the end of a table; `label` is its first text cell.
    TotalsRow { label: String },
}

catalogue!(InputMsg, InputCode);

impl InputMsg {
    pub fn say(&self, lang: Lang) -> String {
        match self {
            InputMsg::TotalsRow { label } => {
                say!(
                    lang,
                    "合计行已跳过（{label}）",
                    "totals row skipped ({label})"
                )
            }
        }
    }

    /// One of each variant, for the walk test. Parameters are single letters or digits so
    /// both renderings can be checked for the other language.
    #[cfg(test)]
    pub fn examples() -> Vec<InputMsg> {
        vec![InputMsg::TotalsRow { label: "X".into() }]
    }
}
