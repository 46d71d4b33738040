//! Words for what reading the exports finds (src/input): rows rejected, values unreadable,
//! headers not found, files skipped — and the errors that stop a run because an input cannot
//! be read at all ([`InputFail`]).

use super::labels;
use crate::input::kinds::Kind;
use crate::Lang;

/// A data issue found while reading an input (or why a file or sheet is not read). Parameters
/// are data (the cell as shown, the header, a count); the sentence is made in [`InputMsg::say`].
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(InputCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum InputMsg {
    /// A totals row (合计, 总计 …) at the end of a table; `label` is its first text cell.
    TotalsRow { label: String },
    /// A footer row (制表人, 打印时间 …) below the data.
    FooterRow { label: String },
    /// A required value is empty.
    Missing { what: Wanted },
    /// A value cannot be read as what its column holds.
    Unreadable {
        shown: String,
        what: Wanted,
        why: Why,
    },
    /// An adjustment row with neither a value nor a score change.
    AdjustmentNeedsValue,
    /// A text row with more fields than its header: a delimiter inside a value shifted them.
    MoreFields { fields: u32, width: u32 },
    /// A text row that ends before columns the tool uses.
    FewerFields {
        fields: u32,
        width: u32,
        missing: Vec<String>,
    },
    /// A survey header states another score scale than `[surveys] scale`.
    ScaleMismatch {
        header: String,
        stated: f64,
        scale: f64,
    },
    /// A row repeating a row of another file (overlapping exports).
    RepeatedRow,
    /// A sheet the workbook lists whose data is not in the file.
    SheetDataMissing,
    /// A workbook cell written twice with different values.
    CellTwice {
        cell: String,
        first: String,
        second: String,
    },
    /// A quote opened in a CSV row and never closed.
    UnclosedQuote,
    /// A CSV record over the length limit; the rest of the file was not read.
    RecordTooLong { max: u64 },
    /// The CSV reader failed; the rest of the file was not read.
    ReadError { detail: String },
    /// A CSV row whose text cannot be read.
    UnreadableText,
    /// A CSV field over the length limit.
    FieldTooLong { max: usize, column: usize },
    /// A NUL byte in a CSV field.
    NulByte { column: usize },
    /// Bytes that are not UTF-8 in a file read as raw UTF-8.
    InvalidUtf8 { column: usize },
    /// Bytes that are not text in the file's encoding.
    Undecodable { encoding: String, column: usize },
    /// Not read: an Excel lock file (`~$…`).
    LockFile,
    /// Not read: a hidden file.
    HiddenFile,
    /// Not read: a scorecard this tool wrote.
    OwnScorecard,
    /// Not read: this tool's own `score --format csv` output.
    OwnScoreCsv,
    /// Not read: an empty file no name claims.
    EmptyUnnamed,
    /// Not read: a sheet with no cells.
    SheetEmpty,
    /// Not read: a file or sheet of a kind the config lists under `[inputs]`.
    ListedElsewhere { kind: Kind },
    /// Not read: neither its name nor its header tells what it holds.
    NotIdentified {
        name_says: NameSays,
        /// The row most like a header and its names, if any row has names.
        closest: Option<(u32, Vec<String>)>,
        /// Each kind with the keyword that names it.
        keywords: Vec<(Kind, String)>,
    },
}

/// What a file or sheet name said about its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum NameSays {
    NoKind,
    SeveralKinds(Vec<Kind>),
}

/// What a column should hold, as a message names it ("an amount", "the customer").
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Wanted {
    Date,
    Customer,
    Consultant,
    Amount,
    VisitType,
    YesNoDeal,
    YesNo,
    StaffMember,
    Name,
    Role,
    Month,
    Score,
    RatingItem,
    Period,
    Metric,
    Item,
    Number,
    Reason,
    Approver,
}

impl Wanted {
    fn say(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Wanted::Date => ("日期", "a date"),
            Wanted::Customer => ("顾客", "the customer"),
            Wanted::Consultant => ("咨询师", "the consultant"),
            Wanted::Amount => ("金额", "an amount"),
            Wanted::VisitType => ("初复诊类型", "a visit type"),
            Wanted::YesNoDeal => ("成交标记（“是”或“否”）", "a yes/no deal"),
            Wanted::YesNo => ("“是”或“否”", "a yes/no"),
            Wanted::StaffMember => ("员工", "the staff member"),
            Wanted::Name => ("姓名", "the name"),
            Wanted::Role => ("岗位", "a role"),
            Wanted::Month => ("月份", "a month"),
            Wanted::Score => ("分数", "a score"),
            Wanted::RatingItem => ("评分项目", "the rating item"),
            Wanted::Period => ("期间", "a period"),
            Wanted::Metric => ("指标", "a metric"),
            Wanted::Item => ("项目", "an item"),
            Wanted::Number => ("数字", "a number"),
            Wanted::Reason => ("原因", "a reason"),
            Wanted::Approver => ("审批人", "an approver"),
        };
        lang.pick(zh, en)
    }
}

/// Why a value cannot be read (the value parsers of src/input/values.rs return it).
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    Empty,
    NotAmount,
    NotNumber,
    NotDate,
    NotTime,
    NotMonth,
    NotYesNo,
    NotFinite,
    NotRealDate,
    NotSerial,
    AmountTooLarge,
    NumberTooLarge,
    DateOutOfRange,
    SerialOutOfRange,
    /// A TRUE/FALSE cell where `what` was wanted.
    BoolCell {
        what: Wanted,
    },
    /// A date cell where `what` was wanted.
    DateCell {
        what: Wanted,
    },
    /// A spreadsheet error value (`#DIV/0!`).
    SpreadsheetError {
        code: String,
    },
    /// A number read as a date serial that lands outside the plausible days.
    ImplausibleSerial {
        date: String,
        first: String,
        last: String,
    },
    SerialBefore1904,
    SerialBefore1900,
    SerialAfter9999,
    /// Excel's fictitious 1900-02-29.
    FakeLeapDay,
    NotCalendarDate {
        date: String,
    },
    DateBefore1900 {
        date: String,
    },
    NotTimeOfDay {
        time: String,
    },
    NoSuchMonth {
        month: u32,
    },
    YearBefore1900 {
        year: String,
    },
    /// Neither 初诊 nor 复诊.
    VisitType,
    /// A quarter not written as 2026Q3.
    QuarterForm,
    /// A survey score outside 0..=scale.
    SurveyRange {
        scale: f64,
    },
    /// A rating outside 0..=100.
    RatingRange,
}

impl Why {
    /// Whether the reason says more than "not an amount" (it is added to the message then).
    fn says_more(&self) -> bool {
        !matches!(
            self,
            Why::Empty
                | Why::NotAmount
                | Why::NotNumber
                | Why::NotDate
                | Why::NotTime
                | Why::NotMonth
                | Why::NotYesNo
                | Why::NotFinite
                | Why::NotRealDate
                | Why::NotSerial
        )
    }

    pub fn say(&self, lang: Lang) -> String {
        match self {
            Why::Empty => say!(lang, "为空", "empty"),
            Why::NotAmount => say!(lang, "不是金额", "not an amount"),
            Why::NotNumber => say!(lang, "不是数字", "not a number"),
            Why::NotDate => say!(lang, "不是日期", "not a date"),
            Why::NotTime => say!(lang, "不是一天中的时间", "not a time of day"),
            Why::NotMonth => say!(lang, "不是月份", "not a month"),
            Why::NotYesNo => say!(lang, "不是“是/否”", "not a yes/no value"),
            Why::NotFinite => say!(lang, "不是有限的数", "not a finite number"),
            Why::NotRealDate => say!(lang, "不是真实的日期", "not a real date"),
            Why::NotSerial => say!(lang, "不是日期序号", "not a date serial"),
            Why::AmountTooLarge => say!(lang, "金额过大", "amount too large"),
            Why::NumberTooLarge => say!(lang, "数字过大", "number too large"),
            Why::DateOutOfRange => say!(lang, "日期超出范围", "date out of range"),
            Why::SerialOutOfRange => say!(lang, "日期序号超出范围", "date serial out of range"),
            Why::BoolCell { what } => {
                let what = what.say(lang);
                say!(
                    lang,
                    "逻辑值（是/否）单元格不是{what}",
                    "a TRUE/FALSE cell is not {what}"
                )
            }
            Why::DateCell { what } => {
                let what = what.say(lang);
                say!(lang, "日期单元格不是{what}", "a date cell is not {what}")
            }
            Why::SpreadsheetError { code } => {
                say!(lang, "表格错误值 {code}", "spreadsheet error {code}")
            }
            Why::ImplausibleSerial { date, first, last } => say!(
                lang,
                "作为日期序号它会是 {date}；数字只有写成八位年月日（如 20261003），或是 {first} 到 {last} 之间的日期序号，才算日期",
                "as a date serial it would be {date}; a number is a date only as yyyymmdd (20261003) or a serial between {first} and {last}"
            ),
            Why::SerialBefore1904 => {
                say!(lang, "日期序号早于 1904-01-01", "date serial before 1904-01-01")
            }
            Why::SerialBefore1900 => {
                say!(lang, "日期序号早于 1900-01-01", "date serial before 1900-01-01")
            }
            Why::SerialAfter9999 => {
                say!(lang, "日期序号晚于 9999-12-31", "date serial after 9999-12-31")
            }
            Why::FakeLeapDay => say!(lang, "1900-02-29 这一天不存在", "1900-02-29 does not exist"),
            Why::NotCalendarDate { date } => {
                say!(lang, "{date} 不是日历上的日期", "{date} is not a calendar date")
            }
            Why::DateBefore1900 { date } => {
                say!(lang, "{date} 早于 1900 年", "{date} is before 1900")
            }
            Why::NotTimeOfDay { time } => {
                say!(lang, "{time} 不是一天中的时间", "{time} is not a time of day")
            }
            Why::NoSuchMonth { month } => {
                say!(lang, "不存在 {month} 月", "month {month} does not exist")
            }
            Why::YearBefore1900 { year } => {
                say!(lang, "{year} 年早于 1900 年", "{year} is before 1900")
            }
            Why::VisitType => say!(lang, "请填写 初诊 或 复诊", "use 'first' or 'return'"),
            Why::QuarterForm => say!(lang, "季度请写成 2026Q3", "write a quarter as 2026Q3"),
            Why::SurveyRange { scale } => say!(
                lang,
                "回访满意度分数应在 0 到 {scale} 之间（配置中的 [surveys] scale）",
                "a survey score lies between 0 and {scale} ([surveys] scale in the config)"
            ),
            Why::RatingRange => say!(
                lang,
                "主管评分应在 0 到 100 之间",
                "a rating is between 0 and 100"
            ),
        }
    }

    /// One of each reason, for the walk test.
    #[cfg(test)]
    pub fn examples() -> Vec<Why> {
        vec![
            Why::Empty,
            Why::NotAmount,
            Why::NotNumber,
            Why::NotDate,
            Why::NotTime,
            Why::NotMonth,
            Why::NotYesNo,
            Why::NotFinite,
            Why::NotRealDate,
            Why::NotSerial,
            Why::AmountTooLarge,
            Why::NumberTooLarge,
            Why::DateOutOfRange,
            Why::SerialOutOfRange,
            Why::BoolCell {
                what: Wanted::Amount,
            },
            Why::DateCell {
                what: Wanted::Number,
            },
            Why::SpreadsheetError { code: "X".into() },
            Why::ImplausibleSerial {
                date: "1".into(),
                first: "2".into(),
                last: "3".into(),
            },
            Why::SerialBefore1904,
            Why::SerialBefore1900,
            Why::SerialAfter9999,
            Why::FakeLeapDay,
            Why::NotCalendarDate { date: "1".into() },
            Why::DateBefore1900 { date: "1".into() },
            Why::NotTimeOfDay { time: "1".into() },
            Why::NoSuchMonth { month: 13 },
            Why::YearBefore1900 { year: "1".into() },
            Why::VisitType,
            Why::QuarterForm,
            Why::SurveyRange { scale: 5.0 },
            Why::RatingRange,
        ]
    }
}

/// `a、b、c` / `a, b, c`.
fn list(items: &[String], lang: Lang) -> String {
    items.join(lang.pick("、", ", "))
}

/// "sales (消费), visits (到院) …" / "消费流水（消费）、到院咨询（到院）…": how to name a file.
fn keywords_hint(keywords: &[(Kind, String)], lang: Lang) -> String {
    let parts: Vec<String> = keywords
        .iter()
        .map(|(k, w)| {
            let k = labels::kind(*k, lang);
            say!(lang, "{k}（{w}）", "{k} ({w})")
        })
        .collect();
    list(&parts, lang)
}

fn kinds_list(kinds: &[Kind], lang: Lang) -> String {
    let names: Vec<String> = kinds
        .iter()
        .map(|k| labels::kind(*k, lang).to_string())
        .collect();
    list(&names, lang)
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
            InputMsg::FooterRow { label } => say!(
                lang,
                "表尾行已跳过（{label}）：不是数据",
                "footer row skipped ({label}): it is not data"
            ),
            InputMsg::Missing { what } => {
                let what = what.say(lang);
                say!(
                    lang,
                    "缺少{what}；该行未使用",
                    "{what} is missing; the row is not used"
                )
            }
            InputMsg::Unreadable { shown, what, why } => {
                let what = what.say(lang);
                let detail = if why.says_more() {
                    let why = why.say(lang);
                    say!(lang, "（{why}）", " ({why})")
                } else {
                    String::new()
                };
                say!(
                    lang,
                    "“{shown}” 不是{what}{detail}；该行未使用",
                    "'{shown}' is not {what}{detail}; the row is not used"
                )
            }
            InputMsg::AdjustmentNeedsValue => say!(
                lang,
                "申诉调整需要填写调整值或加减分；该行未使用",
                "an adjustment needs a value or a score_delta; the row is not used"
            ),
            InputMsg::MoreFields { fields, width } => say!(
                lang,
                "该行有 {fields} 个字段，而表头只有 {width} 个：某个值里的分隔符（例如项目名称里没加引号的逗号）让其后的字段错了位，无法判断哪个值属于哪一列；该行未使用（给那个值加上引号，或重新导出文件）",
                "this row has {fields} fields but the header has {width}: a delimiter inside a value (e.g. an unquoted comma in an item name) shifted the fields after it, so which value belongs to which column cannot be told; the row is not used (quote that value, or export the file again)"
            ),
            InputMsg::FewerFields {
                fields,
                width,
                missing,
            } => {
                let missing = list(missing, lang);
                say!(
                    lang,
                    "该行有 {fields} 个字段，而表头有 {width} 个：它在列 {missing} 之前就结束了，因此该行未使用",
                    "this row has {fields} fields but the header has {width}: it ends before the column(s) {missing}, so the row is not used"
                )
            }
            InputMsg::ScaleMismatch {
                header,
                stated,
                scale,
            } => say!(
                lang,
                "表头“{header}”写的是 0–{stated} 分制，而配置中 [surveys] scale 是 {scale}：分数按 {scale} 分制读取，高于 {scale} 的分数会被拒收；如果回访确实是 {stated} 分制，请设置 [surveys] scale = {stated}",
                "the header '{header}' states a 0–{stated} score scale, but [surveys] scale is {scale} in the config: scores are read against {scale}, and a score above {scale} is rejected; if the survey uses {stated}, set [surveys] scale = {stated}"
            ),
            InputMsg::RepeatedRow => say!(
                lang,
                "与另一个文件中的一行重复；只计一次",
                "repeats a row of another file; counted once"
            ),
            InputMsg::SheetDataMissing => say!(
                lang,
                "工作表未读取：工作簿列出了它，但文件里没有它的数据（文件损坏或没有写完整）；请重新导出工作簿",
                "sheet not read: the workbook lists it, but its data is missing from the file (damaged or incompletely written); export the workbook again"
            ),
            InputMsg::CellTwice {
                cell,
                first,
                second,
            } => say!(
                lang,
                "单元格 {cell} 在文件中写了两次，分别是“{first}”和“{second}”；无法判断以哪个为准，因此该行未使用",
                "the cell {cell} is written twice in the file, as '{first}' and as '{second}'; which one is meant cannot be told, so the row is not used"
            ),
            InputMsg::UnclosedQuote => say!(
                lang,
                "该行开始的引号（\"）一直没有闭合，文件其余部分都被读进了这一行；请补上引号或重新导出文件",
                "a quote (\") opened in this row is never closed, so the rest of the file was read into this row; close the quote or export the file again"
            ),
            InputMsg::RecordTooLong { max } => say!(
                lang,
                "记录超过 {max} 字节（可能是引号没有闭合）；文件其余部分未读取",
                "record longer than {max} bytes (probably an unterminated quote); the rest of the file was not read"
            ),
            InputMsg::ReadError { detail } => say!(
                lang,
                "读取出错，文件其余部分未读取：{detail}",
                "read error, the rest of the file was not read: {detail}"
            ),
            InputMsg::UnreadableText => {
                say!(lang, "该行有无法读取的文字", "unreadable text in this row")
            }
            InputMsg::FieldTooLong { max, column } => say!(
                lang,
                "字段超过 {max} 字节（第 {column} 列）",
                "field longer than {max} bytes (column {column})"
            ),
            InputMsg::NulByte { column } => say!(
                lang,
                "该行含有空字符（第 {column} 列）",
                "NUL byte in this row (column {column})"
            ),
            InputMsg::InvalidUtf8 { column } => say!(
                lang,
                "该行含有无效的 UTF-8 字节（第 {column} 列）",
                "invalid UTF-8 in this row (column {column})"
            ),
            InputMsg::Undecodable { encoding, column } => say!(
                lang,
                "该行含有按编码 {encoding} 无法解码的字节（第 {column} 列）",
                "undecodable bytes in this row for encoding {encoding} (column {column})"
            ),
            InputMsg::LockFile => say!(
                lang,
                "未读取：这是 Excel 锁定文件（工作簿正在 Excel 中打开）",
                "not read: an Excel lock file (the workbook is open in Excel)"
            ),
            InputMsg::HiddenFile => say!(lang, "未读取：隐藏文件", "not read: a hidden file"),
            InputMsg::OwnScorecard => say!(
                lang,
                "未读取：这是 clinic-kpi 生成的考核表（文档属性如此标明），不是导出数据",
                "not read: a scorecard written by clinic-kpi (its document properties say so), not an export"
            ),
            InputMsg::OwnScoreCsv => say!(
                lang,
                "未读取：这是 clinic-kpi 输出的得分表（CSV 格式），不是导出数据；请把这类输出放在数据文件夹之外",
                "not read: it is a score table printed by clinic-kpi (score --format csv), not an export; keep such output outside the data folder"
            ),
            InputMsg::EmptyUnnamed => say!(
                lang,
                "未读取：文件为空（0 字节），文件名也没有指明类型",
                "not read: it is empty (0 bytes) and its name names no kind"
            ),
            InputMsg::SheetEmpty => {
                say!(lang, "工作表为空；未读取任何内容", "sheet is empty; nothing read")
            }
            InputMsg::ListedElsewhere { kind } => {
                let k = labels::kind(*kind, lang);
                let key = kind.key();
                say!(
                    lang,
                    "未读取：它是{k}数据，而配置已在 [inputs] 下列出{k}的输入文件；要读取它，请把它加到 [inputs] {key} 中",
                    "not read: it holds {k} rows, and the config lists the {k} inputs under [inputs]; add it there to have it read"
                )
            }
            InputMsg::NotIdentified {
                name_says,
                closest,
                keywords,
            } => {
                let name = match name_says {
                    NameSays::NoKind => say!(lang, "名称没有指明类型", "its name names no kind"),
                    NameSays::SeveralKinds(kinds) => {
                        let kinds = kinds_list(kinds, lang);
                        say!(
                            lang,
                            "名称指明了多个类型（{kinds}）",
                            "its name names several kinds ({kinds})"
                        )
                    }
                };
                let header = match closest {
                    None => say!(
                        lang,
                        "它没有表头（前几行没有列名）",
                        "it holds no header (no names in its first rows)"
                    ),
                    Some((row, names)) => {
                        let names = list(names, lang);
                        say!(
                            lang,
                            "表头不符合任何类型（第 {row} 行是 {names}）",
                            "its header fits no kind (row {row} holds {names})"
                        )
                    }
                };
                let hint = keywords_hint(keywords, lang);
                say!(
                    lang,
                    "未读取：{name}，且{header}；如果它是导出数据，请在文件名或工作表名中写上且只写一个类型的关键词——{hint}——或在配置的 [inputs] 下列出它",
                    "not read: {name} and {header}; if it is an export, put exactly one kind's keyword in the file or sheet name — {hint} — or list it under [inputs] in the config"
                )
            }
        }
    }

    /// One of each variant, for the walk test. Parameters are single letters or digits so
    /// both renderings can be checked for the other language.
    #[cfg(test)]
    pub fn examples() -> Vec<InputMsg> {
        let x = || "X".to_string();
        let mut all = vec![
            InputMsg::TotalsRow { label: x() },
            InputMsg::FooterRow { label: x() },
            InputMsg::AdjustmentNeedsValue,
            InputMsg::MoreFields {
                fields: 3,
                width: 2,
            },
            InputMsg::FewerFields {
                fields: 1,
                width: 2,
                missing: vec![x(), "Y".into()],
            },
            InputMsg::ScaleMismatch {
                header: x(),
                stated: 10.0,
                scale: 5.0,
            },
            InputMsg::RepeatedRow,
            InputMsg::SheetDataMissing,
            InputMsg::CellTwice {
                cell: "A".into(),
                first: "1".into(),
                second: "2".into(),
            },
            InputMsg::UnclosedQuote,
            InputMsg::RecordTooLong { max: 9 },
            InputMsg::ReadError { detail: x() },
            InputMsg::UnreadableText,
            InputMsg::FieldTooLong { max: 9, column: 2 },
            InputMsg::NulByte { column: 2 },
            InputMsg::InvalidUtf8 { column: 2 },
            InputMsg::Undecodable {
                encoding: "GBK".into(),
                column: 2,
            },
            InputMsg::LockFile,
            InputMsg::HiddenFile,
            InputMsg::OwnScorecard,
            InputMsg::OwnScoreCsv,
            InputMsg::EmptyUnnamed,
            InputMsg::SheetEmpty,
            InputMsg::ListedElsewhere { kind: Kind::Sales },
            InputMsg::NotIdentified {
                name_says: NameSays::NoKind,
                closest: None,
                keywords: vec![(Kind::Sales, x())],
            },
            InputMsg::NotIdentified {
                name_says: NameSays::SeveralKinds(vec![Kind::Sales, Kind::Visits]),
                closest: Some((2, vec![x(), "Y".into()])),
                keywords: vec![(Kind::Sales, x()), (Kind::Roster, "Y".into())],
            },
        ];
        for what in <Wanted as strum::IntoEnumIterator>::iter() {
            all.push(InputMsg::Missing { what });
        }
        for why in Why::examples() {
            all.push(InputMsg::Unreadable {
                shown: x(),
                what: Wanted::Amount,
                why,
            });
        }
        all
    }
}

/// The progress bar's line on stderr (indicatif's template: `{…}` are its fields).
pub fn progress_template(lang: Lang) -> &'static str {
    lang.pick(
        "{spinner} 正在读取 [{bar:30}] {bytes}/{total_bytes} {wide_msg}",
        "{spinner} reading [{bar:30}] {bytes}/{total_bytes} {wide_msg}",
    )
}

/// "消费.csv · 16384 行": the file being read and the rows read so far.
pub fn progress_rows(file: &str, rows: u64, lang: Lang) -> String {
    say!(lang, "{file} · 已读 {rows} 行", "{file} · {rows} rows")
}

/// A file, and a sheet of it, as an error names them.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub file: String,
    pub sheet: Option<String>,
}

impl Place {
    fn say(&self, lang: Lang) -> String {
        super::location(lang, Some(&self.file), self.sheet.as_deref(), None, None)
    }
}

/// A field as a header message names it: its config key and its first built-in names
/// (`date (投诉日期/日期/date)`).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldNames {
    pub key: &'static str,
    pub names: Vec<String>,
}

impl FieldNames {
    fn say(&self, lang: Lang) -> String {
        let key = self.key;
        let names = self.names.join("/");
        say!(lang, "{key}（{names}）", "{key} ({names})")
    }
}

/// One line of config that would map a missing field: the header name that looks like it,
/// or None for a placeholder to fill in.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigLine {
    pub key: &'static str,
    pub name: Option<String>,
}

/// `[columns.sales]` then one `field = ["name"]` line per missing field.
fn config_text(kind: Kind, lines: &[ConfigLine], lang: Lang) -> String {
    let mut out = vec![format!("[columns.{}]", kind.key())];
    for l in lines {
        let name = match &l.name {
            Some(n) => n.clone(),
            None => lang.pick("<列名>", "<the column's name>").to_string(),
        };
        out.push(format!("{} = [\"{name}\"]", l.key));
    }
    out.join("\n")
}

/// A wanted name found in a row next to the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    pub name: String,
    pub key: &'static str,
    pub row: u32,
    pub above: bool,
}

impl Near {
    fn say(&self, lang: Lang) -> String {
        let Near {
            name,
            key,
            row,
            above,
        } = self;
        match (above, lang) {
            (true, _) => say!(
                lang,
                "“{name}”（{key}）在第 {row} 行，就在表头行的上面",
                "'{name}' ({key}) is in row {row}, just above the header row"
            ),
            (false, _) => say!(
                lang,
                "“{name}”（{key}）在第 {row} 行，就在表头行的下面",
                "'{name}' ({key}) is in row {row}, just below the header row"
            ),
        }
    }
}

/// "row 4" / "rows 3–4".
fn rows_label(top: u32, row: u32, lang: Lang) -> String {
    if top == row {
        say!(lang, "第 {row} 行", "row {row}")
    } else {
        say!(lang, "第 {top}–{row} 行", "rows {top}–{row}")
    }
}

/// The names a row holds, or that it holds none.
fn seen(names: &[String], lang: Lang) -> String {
    if names.is_empty() {
        lang.pick("（没有列名）", "no names").to_string()
    } else {
        list(names, lang)
    }
}

/// Why a workbook (or its sheet) cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub enum BookWhy {
    DamagedZip {
        detail: String,
    },
    DamagedZipEntry {
        detail: String,
    },
    DamagedPart {
        part: String,
        detail: String,
    },
    StringTableForged {
        strings: u64,
        bytes: u64,
    },
    ZipBomb {
        part: String,
        ratio: u64,
        size: u64,
        compressed: u64,
    },
    PartTooLarge {
        part: String,
        size: u64,
        max: u64,
    },
    OdsTooLarge {
        sheet: String,
        rows: u64,
        columns: u64,
        cells: u64,
        max: u64,
    },
    PasswordProtected,
    DamagedXls {
        detail: String,
    },
    /// An Excel 97–2003 file describing more than its format allows.
    XlsBeyondLimit {
        what: XlsExtent,
    },
    NotWorkbook {
        format: String,
    },
    MalformedSheet {
        detail: String,
    },
    CellBeyondXfd,
    CellBeyondXfdAt {
        row: u64,
        column: u64,
    },
    TooManyCells {
        max: u64,
    },
    /// The spreadsheet reader (a library) failed on it.
    ReaderFailed {
        what: String,
    },
    /// The spreadsheet reader's own error text.
    Library {
        detail: String,
    },
}

/// What a damaged Excel 97–2003 file describes beyond its limits.
#[derive(Debug, Clone, PartialEq)]
pub enum XlsExtent {
    Sheet {
        first_row: u64,
        end_row: u64,
        end_col: u64,
    },
    Cell {
        column: u64,
    },
    Cells {
        column: u64,
    },
}

impl BookWhy {
    pub fn say(&self, lang: Lang) -> String {
        match self {
            BookWhy::DamagedZip { detail } => say!(
                lang,
                "它是损坏或不完整的压缩包（{detail}）；请重新下载或导出",
                "it is a damaged or incomplete zip ({detail}); download or export it again"
            ),
            BookWhy::DamagedZipEntry { detail } => {
                say!(lang, "压缩包条目损坏（{detail}）", "damaged zip entry ({detail})")
            }
            BookWhy::DamagedPart { part, detail } => {
                say!(lang, "部件 {part} 损坏（{detail}）", "damaged part {part} ({detail})")
            }
            BookWhy::StringTableForged { strings, bytes } => say!(
                lang,
                "它的字符串表声称在 {bytes} 字节里有 {strings} 个字符串，这不可能；文件已损坏或是伪造的",
                "its string table claims {strings} strings in {bytes} bytes, which cannot be; the file is damaged or forged"
            ),
            BookWhy::ZipBomb {
                part,
                ratio,
                size,
                compressed,
            } => say!(
                lang,
                "它的部件 {part} 压缩比为 {ratio}:1（{compressed} 字节解压为 {size} 字节），只有压缩炸弹才会这样；这不是真正的导出文件",
                "its part {part} is compressed {ratio}:1 ({size} bytes from {compressed}), which only a zip bomb does; the file is not a genuine export"
            ),
            BookWhy::PartTooLarge { part, size, max } => say!(
                lang,
                "它的部件 {part} 解压后有 {size} 字节，超过任何导出文件中整体读取的部件所能有的 {max} 字节；这不是真正的导出文件",
                "its part {part} unpacks to {size} bytes, more than the {max} a part read whole may hold in any export; the file is not a genuine export"
            ),
            BookWhy::OdsTooLarge {
                sheet,
                rows,
                columns,
                cells,
                max,
            } => say!(
                lang,
                "它的工作表 {sheet} 通过重复的行和单元格展开为 {rows} 行 × {columns} 列（{cells} 个单元格），超过这里 ODS 文件所能有的 {max} 个；请改为导出 .xlsx 或 CSV",
                "its sheet {sheet} spans {rows} rows × {columns} columns ({cells} cells) through repeated rows and cells, more than the {max} an ODS file may hold here; export it as .xlsx or CSV instead"
            ),
            BookWhy::PasswordProtected => say!(
                lang,
                "它设有密码：请在 Excel 中去掉密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重新导出",
                "it is password-protected: remove the password in Excel (File → Info → Protect Workbook → Encrypt with Password, clear it) and export again"
            ),
            BookWhy::DamagedXls { detail } => say!(
                lang,
                "它是损坏的 Excel 97–2003 文件（{detail}）；请重新导出，或在 Excel 中打开后另存为 .xlsx",
                "it is a damaged Excel 97–2003 file ({detail}); export it again, or open it in Excel and save it as .xlsx"
            ),
            BookWhy::XlsBeyondLimit { what } => {
                let what = match what {
                    XlsExtent::Sheet {
                        first_row,
                        end_row,
                        end_col,
                    } => say!(
                        lang,
                        "一个从第 {first_row} 行到第 {end_row} 行、共 {end_col} 列的工作表",
                        "a sheet of rows {first_row} to {end_row} and {end_col} columns"
                    ),
                    XlsExtent::Cell { column } => {
                        say!(lang, "第 {column} 列的一个单元格", "a cell in column {column}")
                    }
                    XlsExtent::Cells { column } => {
                        say!(lang, "第 {column} 列的单元格", "cells in column {column}")
                    }
                };
                say!(
                    lang,
                    "它描述了{what}，超出 Excel 97–2003 的 65,536 行 × 256 列上限；文件已损坏或是伪造的：请重新导出",
                    "it describes {what}, beyond the Excel 97–2003 limit of 65,536 rows × 256 columns; the file is damaged or forged: export it again"
                )
            }
            BookWhy::NotWorkbook { format } => say!(
                lang,
                "{format} 不是工作簿格式",
                "{format} is not a workbook format"
            ),
            BookWhy::MalformedSheet { detail } => say!(
                lang,
                "它的工作表数据格式有误（{detail}）；文件不是由 Excel 保存的，或已损坏：请重新导出",
                "its sheet data is malformed ({detail}); the file was not saved by Excel or is damaged: export it again"
            ),
            BookWhy::CellBeyondXfd => say!(
                lang,
                "有单元格位于 Excel 的最后一个单元格（第 1048576 行，第 16384 列）之外；文件不是由 Excel 保存的，或已损坏：请重新导出",
                "a cell reference lies beyond Excel's last cell XFD1048576; the file was not saved by Excel or is damaged: export it again"
            ),
            BookWhy::CellBeyondXfdAt { row, column } => say!(
                lang,
                "有单元格位于 Excel 的最后一个单元格之外（第 {row} 行，第 {column} 列）；文件不是由 Excel 保存的，或已损坏：请重新导出",
                "a cell lies beyond Excel's last cell XFD1048576 (row {row}, column {column}); the file was not saved by Excel or is damaged: export it again"
            ),
            BookWhy::TooManyCells { max } => say!(
                lang,
                "一个工作表超过 {max} 个单元格，比任何导出文件都多；请导出更短的期间（例如每个文件一个月）",
                "a sheet has more than {max} cells, more than any export holds; export a shorter period (e.g. one month per file)"
            ),
            BookWhy::ReaderFailed { what } => say!(
                lang,
                "表格读取程序处理它时出错（{what}）；请在 Excel 中打开后另存为 .xlsx",
                "the spreadsheet reader failed on it ({what}); open it in Excel and save it again as .xlsx"
            ),
            BookWhy::Library { detail } => detail.clone(),
        }
    }
}

/// An input that cannot be read at all, or a config entry that names inputs wrongly: the run
/// stops (exit 1).
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(InputFailCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum InputFail {
    /// The context of a system error reading a file.
    CannotRead {
        file: String,
    },
    /// The context of a system error reading a sheet.
    SheetCannotBeRead {
        place: Place,
    },
    /// A workbook (or one of its sheets) that cannot be read, and why.
    Book {
        place: Place,
        why: BookWhy,
    },
    HashFailed,
    /// The CSV reader (a library) failed on a file.
    TextReaderFailed {
        what: String,
    },
    NoInputs {
        dir: String,
    },
    ThreadStart,
    ThreadStopped,
    DataFolder {
        dir: String,
    },
    ConfigInputsKind {
        config: String,
        key: String,
    },
    ConfigInputsMissing {
        config: String,
        key: String,
        path: String,
    },
    ConfigColumnsKind {
        config: String,
        kind: String,
    },
    ConfigColumnsField {
        config: String,
        kind: String,
        field: String,
        known: Vec<String>,
    },
    InputIsOutput {
        name: String,
    },
    EmptyFile {
        file: String,
    },
    HtmlFile {
        file: String,
    },
    NoSuchSheet {
        file: String,
        sheet: String,
        sheets: Vec<String>,
    },
    /// A sheet of `kind` with no header row in its first rows.
    NoHeader {
        place: Place,
        kind: Kind,
        search_rows: u32,
        wanted: Vec<FieldNames>,
        /// The row that comes closest, its names and the config that would map them.
        closest: Option<(u32, Vec<String>, Vec<ConfigLine>)>,
    },
    /// A header of `kind` that lacks required columns.
    MissingColumns {
        place: Place,
        kind: Kind,
        top: u32,
        row: u32,
        wanted: Vec<FieldNames>,
        names: Vec<String>,
        near: Vec<Near>,
        config: Vec<ConfigLine>,
    },
    /// A header that fits two kinds equally.
    TwoKinds {
        place: Place,
        top: u32,
        row: u32,
        columns: usize,
        keywords: Vec<(Kind, String)>,
    },
}

catalogue!(InputFail, InputFailCode);

/// The input kinds' config keys, for "use one of: …".
const KIND_KEYS: &str = "sales, visits, complaints, roster, targets, surveys, ratings, adjustments";

impl super::Speak for InputFail {
    fn say(&self, lang: Lang) -> String {
        match self {
            InputFail::CannotRead { file } => say!(lang, "无法读取 {file}", "cannot read {file}"),
            InputFail::SheetCannotBeRead { place } => {
                let place = place.say(lang);
                say!(lang, "{place} 无法读取", "{place} cannot be read")
            }
            InputFail::Book { place, why } => {
                let place = place.say(lang);
                let why = why.say(lang);
                say!(lang, "{place} 无法读取：{why}", "{place} cannot be read: {why}")
            }
            InputFail::HashFailed => say!(
                lang,
                "无法计算输入文件的校验值",
                "the sha256 of the inputs could not be worked out"
            ),
            InputFail::NoInputs { dir } => {
                let kinds = kinds_list(&[Kind::Sales, Kind::Visits, Kind::Complaints], lang);
                say!(
                    lang,
                    "在 {dir} 中没有找到输入文件：请把当月的表（{kinds}……）导出为 .xlsx 或 .csv 放进这个文件夹，或用 --data 指定文件夹",
                    "no input files found in {dir}: export the month's sheets ({kinds}...) as .xlsx or .csv into that folder, or pass --data"
                )
            }
            InputFail::TextReaderFailed { what } => say!(
                lang,
                "文本读取程序处理它时出错（{what}）；请重新导出",
                "the text reader failed on it ({what}); export it again"
            ),
            InputFail::ThreadStart => say!(
                lang,
                "无法启动读取输入文件的线程",
                "cannot start a thread to read the inputs"
            ),
            InputFail::ThreadStopped => say!(
                lang,
                "有一个输入文件未能读取：读取它的线程中途停止（clinic-kpi 的故障）",
                "an input file could not be read: its reading thread stopped (a fault in clinic-kpi)"
            ),
            InputFail::DataFolder { dir } => say!(
                lang,
                "无法读取数据文件夹 {dir}",
                "cannot read the data folder {dir}"
            ),
            InputFail::ConfigInputsKind { config, key } => say!(
                lang,
                "配置 {config}：[inputs] {key} 不是输入类型（可用：{KIND_KEYS}）",
                "config {config}: [inputs] {key} is not an input kind (use one of: {KIND_KEYS})"
            ),
            InputFail::ConfigInputsMissing { config, key, path } => say!(
                lang,
                "配置 {config}：[inputs] {key} 列出了 {path}，但该文件不存在",
                "config {config}: [inputs] {key} names {path}, which does not exist"
            ),
            InputFail::ConfigColumnsKind { config, kind } => say!(
                lang,
                "配置 {config}：[columns.{kind}] 不是输入类型（可用：{KIND_KEYS}）",
                "config {config}: [columns.{kind}] is not an input kind (use one of: {KIND_KEYS})"
            ),
            InputFail::ConfigColumnsField {
                config,
                kind,
                field,
                known,
            } => {
                let known = known.join(", ");
                say!(
                    lang,
                    "配置 {config}：[columns.{kind}] {field} 不是 {kind} 的列（可用：{known}）",
                    "config {config}: [columns.{kind}] {field} is not a {kind} column (known: {known})"
                )
            }
            InputFail::InputIsOutput { name } => say!(
                lang,
                "{name} 既是输入文件又是本次运行的输出（-o）；请换一个输出路径",
                "{name} is an input file and also this run's output (-o); choose another output path"
            ),
            InputFail::EmptyFile { file } => say!(
                lang,
                "{file} 是空文件（0 字节）：请从诊所系统重新导出",
                "{file} is empty (0 bytes): export it again from the clinic system"
            ),
            InputFail::HtmlFile { file } => say!(
                lang,
                "{file} 是网页，不是表格，尽管文件名看起来是表格：请在 Excel 中打开，另存为 .xlsx（文件 → 另存为 → Excel 工作簿），或重新导出为 CSV",
                "{file} is a web page (HTML), not a spreadsheet, although its name says otherwise: open it in Excel and save it as .xlsx, or export it again as CSV"
            ),
            InputFail::NoSuchSheet {
                file,
                sheet,
                sheets,
            } => {
                let sheets = sheets.join(", ");
                say!(
                    lang,
                    "{file}：没有工作表 {sheet}（现有工作表：{sheets}）",
                    "{file}: there is no sheet {sheet} (sheets: {sheets})"
                )
            }
            InputFail::NoHeader {
                place,
                kind,
                search_rows,
                wanted,
                closest,
            } => {
                let place = place.say(lang);
                let k = labels::kind(*kind, lang);
                let wanted: Vec<String> = wanted.iter().map(|w| w.say(lang)).collect();
                let wanted = list(&wanted, lang);
                match closest {
                    None => say!(
                        lang,
                        "{place}：前 {search_rows} 行中没有表头行（这些行里没有列名）：{k}的表头至少需要两个已知列名，例如 {wanted}",
                        "{place}: no header row in the first {search_rows} rows (they hold no names): a {k} header needs at least two known column names, such as {wanted}"
                    ),
                    Some((row, names, lines)) => {
                        let names = seen(names, lang);
                        let config = config_text(*kind, lines, lang);
                        say!(
                            lang,
                            "{place}：前 {search_rows} 行中没有表头行：{k}的表头至少需要两个已知列名，例如 {wanted}；最接近的是第 {row} 行，列名为 {names}。如果那就是表头，请把这些列名加到配置中：\n{config}",
                            "{place}: no header row in the first {search_rows} rows: a {k} header needs at least two known column names, such as {wanted}; row {row} comes closest, with the names {names}. If that is the header, add its names to the config:\n{config}"
                        )
                    }
                }
            }
            InputFail::MissingColumns {
                place,
                kind,
                top,
                row,
                wanted,
                names,
                near,
                config,
            } => {
                let place = place.say(lang);
                let rows = rows_label(*top, *row, lang);
                let k = labels::kind(*kind, lang);
                let wanted: Vec<String> = wanted.iter().map(|w| w.say(lang)).collect();
                let wanted = list(&wanted, lang);
                let names = seen(names, lang);
                let near = if near.is_empty() {
                    String::new()
                } else {
                    let near: Vec<String> = near.iter().map(|n| n.say(lang)).collect();
                    let near = near.join(lang.pick("；", "; "));
                    say!(
                        lang,
                        "；{near}（请把列名放在同一个表头行里，或合并成两行表头）",
                        "; {near} (put the names in one header row, or merge them as a two-row header)"
                    )
                };
                let config = config_text(*kind, config, lang);
                say!(
                    lang,
                    "{place}，{rows}：{k}表头缺少必需的列 {wanted}；表头中的列名是：{names}{near}。请在导出中改列名，或把列名加到配置中：\n{config}",
                    "{place}, {rows}: the {k} header lacks required column(s) {wanted}; the names in it are: {names}{near}. Rename the column in the export, or add its name to the config:\n{config}"
                )
            }
            InputFail::TwoKinds {
                place,
                top,
                row,
                columns,
                keywords,
            } => {
                let place = place.say(lang);
                let rows = rows_label(*top, *row, lang);
                let kinds: Vec<Kind> = keywords.iter().map(|(k, _)| *k).collect();
                let first = kinds.first().map_or("", |k| k.key());
                let (names, hint) = match lang {
                    Lang::Zh => (kinds_list(&kinds, lang), keywords_hint(keywords, lang)),
                    Lang::En => {
                        let names: Vec<&str> = kinds.iter().map(|k| k.key()).collect();
                        let hint: Vec<String> = keywords
                            .iter()
                            .map(|(k, w)| format!("{w} for {}", k.key()))
                            .collect();
                        (names.join(" and "), hint.join(", "))
                    }
                };
                say!(
                    lang,
                    "{place}，{rows}：表头同样符合 {names}（各有 {columns} 个已知列），无法判断它是什么数据：请在文件名或工作表名中写上一个类型的关键词（{hint}），或在配置的 [inputs] 下列出它（例如 {first} = [\"…\"]）",
                    "{place}, {rows}: the header fits {names} equally ({columns} known columns each), so what it holds cannot be told: put one kind's keyword in the file or sheet name ({hint}), or list it under [inputs] in the config (e.g. {first} = [\"…\"])"
                )
            }
        }
    }
}

impl InputFail {
    /// One of each variant, for the walk test (single-letter or numeric parameters).
    #[cfg(test)]
    pub fn examples() -> Vec<InputFail> {
        let x = || "X".to_string();
        let place = || Place {
            file: x(),
            sheet: Some("Y".into()),
        };
        let wanted = || {
            vec![FieldNames {
                key: "X",
                names: vec![x(), "Y".into()],
            }]
        };
        let config = || {
            vec![
                ConfigLine {
                    key: "Y",
                    name: Some(x()),
                },
                ConfigLine {
                    key: "X",
                    name: None,
                },
            ]
        };
        let mut all = vec![
            InputFail::CannotRead { file: x() },
            InputFail::SheetCannotBeRead { place: place() },
            InputFail::HashFailed,
            InputFail::TextReaderFailed { what: x() },
            InputFail::NoInputs { dir: x() },
            InputFail::ThreadStart,
            InputFail::ThreadStopped,
            InputFail::DataFolder { dir: x() },
            InputFail::ConfigInputsKind {
                config: x(),
                key: "Y".into(),
            },
            InputFail::ConfigInputsMissing {
                config: x(),
                key: "Y".into(),
                path: "Z".into(),
            },
            InputFail::ConfigColumnsKind {
                config: x(),
                kind: "Y".into(),
            },
            InputFail::ConfigColumnsField {
                config: x(),
                kind: "Y".into(),
                field: "Z".into(),
                known: vec!["A".into(), "B".into()],
            },
            InputFail::InputIsOutput { name: x() },
            InputFail::EmptyFile { file: x() },
            InputFail::HtmlFile { file: x() },
            InputFail::NoSuchSheet {
                file: x(),
                sheet: "Y".into(),
                sheets: vec!["A".into(), "B".into()],
            },
            InputFail::NoHeader {
                place: place(),
                kind: Kind::Sales,
                search_rows: 20,
                wanted: wanted(),
                closest: None,
            },
            InputFail::NoHeader {
                place: place(),
                kind: Kind::Sales,
                search_rows: 20,
                wanted: wanted(),
                closest: Some((3, vec![x()], config())),
            },
            InputFail::MissingColumns {
                place: place(),
                kind: Kind::Visits,
                top: 3,
                row: 4,
                wanted: wanted(),
                names: vec![],
                near: vec![
                    Near {
                        name: x(),
                        key: "Y",
                        row: 2,
                        above: true,
                    },
                    Near {
                        name: x(),
                        key: "Y",
                        row: 5,
                        above: false,
                    },
                ],
                config: config(),
            },
            InputFail::TwoKinds {
                place: place(),
                top: 1,
                row: 1,
                columns: 3,
                keywords: vec![(Kind::Sales, x()), (Kind::Targets, "Y".into())],
            },
        ];
        let books = vec![
            BookWhy::DamagedZip { detail: x() },
            BookWhy::DamagedZipEntry { detail: x() },
            BookWhy::DamagedPart {
                part: x(),
                detail: "Y".into(),
            },
            BookWhy::StringTableForged {
                strings: 9,
                bytes: 1,
            },
            BookWhy::ZipBomb {
                part: x(),
                ratio: 600,
                size: 6,
                compressed: 1,
            },
            BookWhy::PartTooLarge {
                part: x(),
                size: 6,
                max: 5,
            },
            BookWhy::OdsTooLarge {
                sheet: x(),
                rows: 3,
                columns: 4,
                cells: 12,
                max: 9,
            },
            BookWhy::PasswordProtected,
            BookWhy::DamagedXls { detail: x() },
            BookWhy::XlsBeyondLimit {
                what: XlsExtent::Sheet {
                    first_row: 1,
                    end_row: 2,
                    end_col: 3,
                },
            },
            BookWhy::XlsBeyondLimit {
                what: XlsExtent::Cell { column: 3 },
            },
            BookWhy::XlsBeyondLimit {
                what: XlsExtent::Cells { column: 3 },
            },
            BookWhy::NotWorkbook {
                format: "csv".into(),
            },
            BookWhy::MalformedSheet { detail: x() },
            BookWhy::CellBeyondXfd,
            BookWhy::CellBeyondXfdAt { row: 1, column: 2 },
            BookWhy::TooManyCells { max: 9 },
            BookWhy::ReaderFailed { what: x() },
            BookWhy::Library { detail: x() },
        ];
        for why in books {
            all.push(InputFail::Book {
                place: place(),
                why,
            });
        }
        all
    }
}
