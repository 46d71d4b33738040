//! The one layer that speaks (SPEC revision 2 §1 "Language"; issue 14).
//!
//! Everything below `words` is data: the input layer, the engine and the clinic indicators
//! return typed values — an issue is a [`Msg`] variant with its parameters, never a sentence.
//! This module turns them into words, Chinese (`--lang zh`, the default) or English, with both
//! renderings of a message side by side so a reviewer reads them together.
//!
//! Each area owns one catalogue file: `input` (reading exports), `people` (who is scored and
//! whose rows are whose), … Every catalogue enum lists its variants for the walk test
//! (`examples()`, checked against the variant list strum derives), and every variant has a
//! stable `code` that `--format json` prints beside the message.

use crate::Lang;

/// `say!(lang, "中文 {x}", "English {x}")` formats only the language asked for (inline
/// arguments are captured from the caller's scope, as in `format!`).
macro_rules! say {
    ($lang:expr, $zh:literal, $en:literal) => {
        match $lang {
            $crate::Lang::Zh => format!($zh),
            $crate::Lang::En => format!($en),
        }
    };
}

/// `catalogue!(InputMsg, InputCode)`: the stable `code()` of a catalogue enum's variants (from
/// the discriminant enum strum derives) and, for the walk test, that `examples()` shows every one.
macro_rules! catalogue {
    ($msg:ty, $code:ty) => {
        impl $msg {
            /// A stable key for scripts, printed beside the message in JSON.
            pub fn code(&self) -> &'static str {
                <$code>::from(self).into()
            }

            /// Panics naming the first variant `examples()` leaves out.
            #[cfg(test)]
            pub fn check_examples() {
                let seen: std::collections::HashSet<$code> =
                    Self::examples().iter().map(<$code>::from).collect();
                for c in <$code as strum::IntoEnumIterator>::iter() {
                    assert!(seen.contains(&c), "{c:?} has no example in examples()");
                }
            }
        }
    };
}

pub mod alerts;
pub mod cmd;
pub mod config;
pub mod input;
pub mod labels;
pub mod metrics;
pub mod people;
pub mod report;
pub mod score;

/// A data-issue message (SPEC §2.5): what was found, with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Input(input::InputMsg),
    People(people::PeopleMsg),
    Score(score::ScoreMsg),
}

impl Msg {
    /// The sentence a person reads.
    pub fn say(&self, lang: Lang) -> String {
        match self {
            Msg::Input(m) => m.say(lang),
            Msg::People(m) => m.say(lang),
            Msg::Score(m) => m.say(lang),
        }
    }

    /// A stable key for scripts (`"amount_not_number"`): JSON prints it beside the message.
    pub fn code(&self) -> &'static str {
        match self {
            Msg::Input(m) => m.code(),
            Msg::People(m) => m.code(),
            Msg::Score(m) => m.code(),
        }
    }
}

impl From<input::InputMsg> for Msg {
    fn from(m: input::InputMsg) -> Msg {
        Msg::Input(m)
    }
}

impl From<score::ScoreMsg> for Msg {
    fn from(m: score::ScoreMsg) -> Msg {
        Msg::Score(m)
    }
}

impl From<people::PeopleMsg> for Msg {
    fn from(m: people::PeopleMsg) -> Msg {
        Msg::People(m)
    }
}

/// "消费.xlsx，工作表 明细，第 17 行，列 实收金额" / "消费.xlsx, sheet 明细, row 17, column 实收金额":
/// as much of the place as is known.
pub fn location(
    lang: Lang,
    file: Option<&str>,
    sheet: Option<&str>,
    row: Option<u32>,
    column: Option<&str>,
) -> String {
    let mut parts = Vec::new();
    if let Some(f) = file {
        parts.push(f.to_string());
    }
    if let Some(s) = sheet {
        parts.push(say!(lang, "工作表 {s}", "sheet {s}"));
    }
    if let Some(r) = row {
        parts.push(say!(lang, "第 {r} 行", "row {r}"));
    }
    if let Some(c) = column {
        parts.push(say!(lang, "列 {c}", "column {c}"));
    }
    parts.join(lang.pick("，", ", "))
}

/// A message that can be said in either language: the catalogue's error enums implement it.
pub trait Speak: std::fmt::Debug + Send + Sync + 'static {
    fn say(&self, lang: Lang) -> String;
}

/// An error whose words live in the catalogue. It travels through `anyhow` like any error
/// (`bail!(Fail::new(…))`); `main` renders it in the reader's language through
/// [`error_text`]. `Display` (logs, tests) is English.
///
/// An error that explains another one (the file that could not be read, then the system's
/// reason) is [`Fail::because`]: `.map_err(|e| Fail::because(X::Y{..}, e))`. (anyhow's
/// `.with_context(|| Fail::new(…))` hides the `Fail` inside anyhow's own context type, where
/// [`error_text`] finds it only as the outermost context.)
#[derive(Debug)]
pub struct Fail(
    Box<dyn Speak>,
    Option<Box<dyn std::error::Error + Send + Sync>>,
);

impl Fail {
    pub fn new(msg: impl Speak) -> Fail {
        Fail(Box::new(msg), None)
    }

    /// `msg`, caused by `cause`: the chain [`error_text`] renders goes on through the cause.
    pub fn because(
        msg: impl Speak,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Fail {
        Fail(Box::new(msg), Some(cause.into()))
    }

    pub fn say(&self, lang: Lang) -> String {
        self.0.say(lang)
    }
}

impl std::fmt::Display for Fail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.say(Lang::En))
    }
}

impl std::error::Error for Fail {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.1 {
            Some(cause) => Some(cause.as_ref()),
            None => None,
        }
    }
}

/// An error as a person reads it: each cause in the chain in `lang` where we wrote it — the
/// catalogue's own errors and the system's (file not found, permission denied) — and foreign
/// library text as it came, joined the way `{:#}` joins them.
pub fn error_text(e: &anyhow::Error, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (i, cause) in e.chain().enumerate() {
        // The outermost may be a `Fail` given as anyhow context (`.with_context(|| Fail::new(…))`):
        // anyhow finds it by its type only from the error itself, not from the chain.
        let outer = if i == 0 {
            e.downcast_ref::<Fail>()
        } else {
            None
        };
        let text = if let Some(fail) = outer.or_else(|| cause.downcast_ref::<Fail>()) {
            fail.say(lang)
        } else if let Some(usage) = cause.downcast_ref::<crate::UsageError>() {
            usage.say(lang)
        } else if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            io_error(io, lang)
        } else {
            cause.to_string()
        };
        // anyhow repeats an io::Error's text when it is both the context and its source.
        if parts.last() != Some(&text) {
            parts.push(text);
        }
    }
    parts.join(lang.pick("：", ": "))
}

/// A panic: a bug, reported as one sentence.
pub fn internal_error(what: &str, lang: Lang) -> String {
    say!(
        lang,
        "内部错误（{what}）；请连同所运行的命令一起报告",
        "internal error ({what}); please report it with the command you ran"
    )
}

/// A system error in the reader's words; the OS text for kinds without a plain rendering.
pub fn io_error(e: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind as K;
    // An error of ours carried through an io::Error (a reader that may only fail with one).
    if let Some(fail) = e.get_ref().and_then(|inner| inner.downcast_ref::<Fail>()) {
        return fail.say(lang);
    }
    if lang == Lang::En {
        return e.to_string();
    }
    match e.kind() {
        K::NotFound => "文件或文件夹不存在".to_string(),
        K::PermissionDenied => "没有权限".to_string(),
        K::AlreadyExists => "已存在".to_string(),
        K::IsADirectory => "这是一个文件夹，不是文件".to_string(),
        K::NotADirectory => "这不是文件夹".to_string(),
        K::StorageFull => "磁盘已满".to_string(),
        K::ReadOnlyFilesystem => "文件系统只读".to_string(),
        K::InvalidData => format!("数据无效（{e}）"),
        K::UnexpectedEof => "文件意外结束（可能不完整）".to_string(),
        K::BrokenPipe => "输出管道已关闭".to_string(),
        _ => format!("系统错误（{e}）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One message said in both languages: Chinese with Chinese in it and no English word
    /// outside the allow-list, English without Chinese.
    pub(crate) fn assert_says_both(code: &str, say: &dyn Fn(Lang) -> String) {
        let (zh, en) = (say(Lang::Zh), say(Lang::En));
        assert!(!zh.is_empty() && !en.is_empty(), "{code}");
        assert_eq!(
            english_words(&zh),
            Vec::<String>::new(),
            "{code}: English in {zh}"
        );
        assert!(has_cjk(&zh), "{code}: no Chinese in {zh}");
        assert!(!has_cjk(&en), "{code}: Chinese in {en}");
    }

    /// Every data-issue message and input error of the catalogues, in both languages.
    #[test]
    fn every_message_in_both_languages() {
        let mut all: Vec<Msg> = Vec::new();
        all.extend(input::InputMsg::examples().into_iter().map(Msg::from));
        all.extend(people::PeopleMsg::examples().into_iter().map(Msg::from));
        all.extend(score::ScoreMsg::examples().into_iter().map(Msg::from));
        for m in &all {
            assert_says_both(m.code(), &|l| m.say(l));
        }
        for f in input::InputFail::examples() {
            assert_says_both(f.code(), &|l| f.say(l));
        }
    }

    #[test]
    fn every_variant_has_an_example() {
        input::InputMsg::check_examples();
        people::PeopleMsg::check_examples();
        input::InputFail::check_examples();
        score::ScoreMsg::check_examples();
        config::ConfigNote::check_examples();
        config::ConfigError::check_examples();
        config::Place::check_examples();
        config::Problem::check_examples();
        cmd::Usage::check_examples();
        cmd::WriteHint::check_examples();
        cmd::CmdError::check_examples();
        cmd::Line::check_examples();
    }

    /// The errors and lines of the config and the commands, in both languages, as the
    /// data-issue messages above: every place and problem of a config error within its frame.
    #[test]
    fn every_error_and_line_in_both_languages() {
        let add = assert_says_both;
        for m in config::ConfigNote::examples() {
            add(m.code(), &|l| m.say(l));
        }
        for m in config::ConfigError::examples() {
            add(m.code(), &|l| m.say(l));
        }
        let invalid =
            |place: config::Place, problem: config::Problem| config::ConfigError::Invalid {
                file: Some("f".into()),
                line: Some(1),
                place,
                problem,
            };
        for p in config::Place::examples() {
            let e = invalid(p.clone(), config::Problem::EmptyName);
            add(p.code(), &|l| e.say(l));
        }
        for p in config::Problem::examples() {
            let e = invalid(config::Place::Roles, p.clone());
            add(p.code(), &|l| e.say(l));
        }
        for m in cmd::Usage::examples() {
            add(m.code(), &|l| m.say(l));
        }
        for m in cmd::WriteHint::examples() {
            add(m.code(), &|l| m.say(l).to_string());
        }
        for m in cmd::CmdError::examples() {
            add(m.code(), &|l| m.say(l));
        }
        for m in cmd::Line::examples() {
            add(m.code(), &|l| m.say(l));
        }
    }

    /// The words a Chinese reader may meet in Chinese text: file formats, units, the tool's
    /// name and the config keys they type.
    pub(crate) const ALLOWED: &[&str] = &[
        "clinic",
        "kpi",
        "toml",
        "csv",
        "xlsx",
        "xls",
        "xlsm",
        "xlsb",
        "ods",
        "txt",
        "json",
        "utf",
        "gbk",
        "bom",
        "id",
        "excel",
        // config sections and keys (`[inputs] sales = […]`, `[surveys] scale`, `--data`)
        "inputs",
        "columns",
        "surveys",
        "scale",
        "data",
        "sales",
        "visits",
        "complaints",
        "roster",
        "targets",
        "ratings",
        "adjustments",
        "cd",
    ];

    /// Runs of ASCII letters that are not allowed, parameters of the examples excepted
    /// (the examples use Chinese or numeric parameters).
    ///
    /// What the reader types stays as typed and is not counted: a config key or value in
    /// backticks (`floor`), a table header in brackets ([roles.x]), a command-line flag
    /// (--month, -o) and a command (clinic-kpi check …, up to the next Chinese character).
    pub(crate) fn english_words(text: &str) -> Vec<String> {
        let mut plain = String::new();
        let mut chars = text.chars().peekable();
        let mut prev = ' ';
        while let Some(c) = chars.next() {
            let skip_to = |chars: &mut std::iter::Peekable<std::str::Chars>, end: char| {
                for d in chars.by_ref() {
                    if d == end {
                        break;
                    }
                }
            };
            match c {
                '`' => skip_to(&mut chars, '`'),
                '[' => {
                    let mut depth = 1;
                    for d in chars.by_ref() {
                        match d {
                            '[' => depth += 1,
                            ']' => depth -= 1,
                            _ => {}
                        }
                        if depth == 0 {
                            break;
                        }
                    }
                }
                '-' if !prev.is_ascii_alphanumeric() => {
                    while chars
                        .peek()
                        .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '-')
                    {
                        chars.next();
                    }
                }
                _ => plain.push(c),
            }
            prev = c;
        }
        // A command line: from `clinic-kpi ` to the next Chinese character or line end.
        let mut rest = plain.as_str();
        let mut kept = String::new();
        while let Some(at) = rest.find("clinic-kpi ") {
            kept.push_str(&rest[..at]);
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| c == '\n' || has_cjk(&c.to_string()))
                .unwrap_or(tail.len());
            rest = &tail[end..];
        }
        kept.push_str(rest);
        kept.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 1 && !ALLOWED.contains(&w.to_ascii_lowercase().as_str()))
            .map(str::to_string)
            .collect()
    }

    pub(crate) fn has_cjk(text: &str) -> bool {
        text.chars().any(|c| {
            ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3000}'..='\u{303f}').contains(&c)
        })
    }

    /// A `Fail` given as anyhow context is said in the reader's language, then its cause.
    #[test]
    fn a_fail_as_context_is_said_in_the_readers_language() {
        use anyhow::Context;
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let e = Err::<(), _>(io)
            .with_context(|| Fail::new(cmd::CmdError::Building { per_person: false }))
            .unwrap_err();
        let zh = error_text(&e, Lang::Zh);
        assert!(zh.ends_with("：文件或文件夹不存在"), "{zh}");
        assert_eq!(english_words(&zh), Vec::<String>::new(), "{zh}");
    }

    #[test]
    fn location_in_both_languages() {
        assert_eq!(
            location(
                Lang::Zh,
                Some("消费.xlsx"),
                Some("明细"),
                Some(17),
                Some("实收金额")
            ),
            "消费.xlsx，工作表 明细，第 17 行，列 实收金额"
        );
        assert_eq!(
            location(Lang::En, Some("消费.xlsx"), None, Some(17), None),
            "消费.xlsx, row 17"
        );
    }
}
