//! Data issues: problems found in the inputs. They are collected, never fatal, and reported.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn key(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match (self, lang) {
            (Severity::Error, crate::Lang::Zh) => "错误",
            (Severity::Warning, crate::Lang::Zh) => "警告",
            (Severity::Info, crate::Lang::Zh) => "提示",
            (Severity::Error, crate::Lang::En) => "error",
            (Severity::Warning, crate::Lang::En) => "warning",
            (Severity::Info, crate::Lang::En) => "info",
        }
    }
}

/// One data issue, located as precisely as it can be (SPEC §2.5).
///
/// Privacy: every mainland mobile number is masked here, whatever column it came from: in
/// `value` as the issue is built ([`Issue::value`]), in the message as it is said
/// ([`Issue::message`], [`Issue::view`]) — the two fields are private so no issue can reach an
/// output unmasked. Customer identifiers that are not phone
/// numbers (names, member numbers) are masked by whoever creates the issue.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub severity: Severity,
    pub file: Option<String>,
    pub sheet: Option<String>,
    pub row: Option<u32>,
    pub column: Option<String>,
    value: Option<String>,
    message: crate::words::Msg,
}

/// An issue as `--format json` prints it: the message in the language asked for, beside its
/// stable `code`.
#[derive(Debug, Serialize)]
pub struct IssueView<'a> {
    pub severity: Severity,
    pub code: &'static str,
    pub file: Option<&'a str>,
    pub sheet: Option<&'a str>,
    pub row: Option<u32>,
    pub column: Option<&'a str>,
    pub value: Option<&'a str>,
    pub message: String,
}

/// `text` with every mobile number masked, reusing it when there is none.
fn masked(text: String) -> String {
    match crate::input::values::mask_phone_numbers(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(m) => m,
    }
}

impl Issue {
    pub fn new(severity: Severity, message: impl Into<crate::words::Msg>) -> Issue {
        Issue {
            severity,
            file: None,
            sheet: None,
            row: None,
            column: None,
            value: None,
            message: message.into(),
        }
    }

    /// The message in `lang`, phone numbers masked.
    pub fn message(&self, lang: crate::Lang) -> String {
        masked(self.message.say(lang))
    }

    /// The issue as JSON prints it.
    pub fn view(&self, lang: crate::Lang) -> IssueView<'_> {
        IssueView {
            severity: self.severity,
            code: self.message.code(),
            file: self.file.as_deref(),
            sheet: self.sheet.as_deref(),
            row: self.row,
            column: self.column.as_deref(),
            value: self.value.as_deref(),
            message: self.message(lang),
        }
    }

    /// The offending value as shown (phone numbers masked), if the issue has one.
    pub fn shown_value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    pub fn at(mut self, file: &str, sheet: Option<&str>) -> Issue {
        self.file = Some(file.to_string());
        self.sheet = sheet.map(str::to_string);
        self
    }

    pub fn row(mut self, row: u32) -> Issue {
        self.row = Some(row);
        self
    }

    pub fn column(mut self, column: &str) -> Issue {
        self.column = Some(column.to_string());
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Issue {
        self.value = Some(masked(value.into()));
        self
    }

    /// "消费.xlsx，工作表 Sheet1，第 17 行，列 实收金额" — as much of it as is known.
    pub fn location(&self, lang: crate::Lang) -> String {
        crate::words::location(
            lang,
            self.file.as_deref(),
            self.sheet.as_deref(),
            self.row,
            self.column.as_deref(),
        )
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Logs and test failures: English.
        let loc = self.location(crate::Lang::En);
        let msg = self.message(crate::Lang::En);
        if loc.is_empty() {
            write!(f, "{msg}")
        } else {
            write!(f, "{loc}: {msg}")
        }
    }
}
