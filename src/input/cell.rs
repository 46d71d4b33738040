//! The one cell type every reader (CSV, xlsx, xls, ods) produces, before it is typed by column.

use chrono::NaiveDateTime;
use compact_str::CompactString;

/// A cell as read from a file, before it is interpreted for its column.
#[derive(Debug, Clone, PartialEq)]
pub enum RawCell {
    Empty,
    /// Text as written (CSV fields are always text). Up to 24 bytes (a name, an id, a date or
    /// an amount as typed) are held inline: no allocation for nearly every cell of an export.
    Text(CompactString),
    /// A numeric cell of a workbook. In a date column it is an Excel serial.
    Number(f64),
    Bool(bool),
    /// A cell the workbook formats as a date (already converted with the workbook's date system).
    Date(NaiveDateTime),
    /// A workbook cell holding a date serial that is no real date (below 0, above 9999-12-31).
    BadDate(f64),
    /// An Excel error value such as `#N/A` or `#DIV/0!`.
    Error(String),
}

impl RawCell {
    /// True for an empty cell or one holding only whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            RawCell::Empty => true,
            RawCell::Text(s) => s.chars().all(|c| c.is_whitespace()),
            _ => false,
        }
    }

    /// The value as a user would see it, for issue messages.
    pub fn display(&self) -> String {
        match self {
            RawCell::Empty => String::new(),
            RawCell::Text(s) => s.to_string(),
            RawCell::Number(n) => {
                if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    format!("{n}")
                }
            }
            RawCell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            RawCell::Date(d) => {
                if d.time() == chrono::NaiveTime::MIN {
                    d.format("%Y-%m-%d").to_string()
                } else {
                    d.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            }
            RawCell::BadDate(n) => format!("{n}"),
            RawCell::Error(e) => e.clone(),
        }
    }
}
