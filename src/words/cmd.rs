//! Words of the commands themselves (src/cmd, src/period.rs, src/pipeline.rs, the scorecard's
//! write errors in src/report/write.rs): usage errors, output errors and the lines the
//! commands print around their tables.
//!
//! Command-line flags (`--month`), file names and config keys stay as typed.

use crate::Lang;

/// A mistake in how the command was called (exit 2): raised as `UsageError::new(…)`.
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(UsageCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum Usage {
    BadMonth {
        given: String,
    },
    BadQuarter {
        given: String,
    },
    BadYear {
        given: String,
    },
    /// `--from`, `--to` or `--date` that is not a day; `example` is how to write one.
    BadDate {
        flag: String,
        given: String,
        example: String,
    },
    ToBeforeFrom {
        from: String,
        to: String,
    },
    QuarterRange {
        q: u32,
    },
    /// A month, quarter or year the calendar cannot hold (beyond year 9999 or before 1).
    OutOfCalendar {
        label: String,
    },
    UnknownEncoding {
        name: String,
    },
    /// `-o` names a folder where a file is wanted; `example` is a file in it.
    OutputIsFolder {
        path: String,
        example: String,
    },
    OutputFolderMissing {
        path: String,
        folder: String,
    },
    OutputParentNotFolder {
        path: String,
        folder: String,
    },
}

catalogue!(Usage, UsageCode);

impl crate::words::Speak for Usage {
    fn say(&self, lang: Lang) -> String {
        match self {
            Usage::BadMonth { given } => say!(
                lang,
                "--month “{given}” 不是月份：请写成 2026-10",
                "--month {given:?} is not a month: write it as 2026-10"
            ),
            Usage::BadQuarter { given } => say!(
                lang,
                "--quarter “{given}” 不是季度：请写成 2026Q3",
                "--quarter {given:?} is not a quarter: write it as 2026Q3"
            ),
            Usage::BadYear { given } => say!(
                lang,
                "--year “{given}” 不是年份：请写成 2026",
                "--year {given:?} is not a year: write it as 2026"
            ),
            Usage::BadDate {
                flag,
                given,
                example,
            } => say!(
                lang,
                "{flag} “{given}” 不是日期：请写成 {example}",
                "{flag} {given:?} is not a date: write it as {example}"
            ),
            Usage::ToBeforeFrom { from, to } => say!(
                lang,
                "--to {to} 早于 --from {from}",
                "--to {to} is before --from {from}"
            ),
            Usage::QuarterRange { q } => say!(
                lang,
                "没有第 {q} 季度：季度只能是 1 到 4，例如 2026Q3",
                "quarter {q} does not exist: use 1 to 4, as in 2026Q3"
            ),
            Usage::OutOfCalendar { label } => say!(
                lang,
                "{label} 超出了日历范围",
                "{label} is outside the calendar"
            ),
            Usage::UnknownEncoding { name } => say!(
                lang,
                "--encoding {name}：不认识这种编码（可用 `gbk`、`gb18030`、`utf-8`、`utf-16le`、`big5`）",
                "--encoding {name}: unknown encoding (try gbk, gb18030, utf-8, utf-16le, big5)"
            ),
            Usage::OutputIsFolder { path, example } => say!(
                lang,
                "-o {path} 是一个文件夹：请写出文件名，例如 {example}；或加上 `--split-by person`，每人写一个工作簿",
                "-o {path} is a folder; name the file, e.g. {example}, or add --split-by person for one workbook per person"
            ),
            Usage::OutputFolderMissing { path, folder } => say!(
                lang,
                "无法写入 {path}：文件夹 {folder} 不存在；请先创建它，或用 -o 另选位置",
                "cannot write {path}: the folder {folder} does not exist; create it or choose another -o"
            ),
            Usage::OutputParentNotFolder { path, folder } => say!(
                lang,
                "无法写入 {path}：{folder} 不是文件夹",
                "cannot write {path}: {folder} is not a folder"
            ),
        }
    }
}

impl Usage {
    #[cfg(test)]
    pub fn examples() -> Vec<Usage> {
        let g = || "g".to_string();
        vec![
            Usage::BadMonth { given: g() },
            Usage::BadQuarter { given: g() },
            Usage::BadYear { given: g() },
            Usage::BadDate {
                flag: "f".into(),
                given: g(),
                example: "1".into(),
            },
            Usage::ToBeforeFrom {
                from: "2".into(),
                to: "1".into(),
            },
            Usage::QuarterRange { q: 5 },
            Usage::OutOfCalendar { label: "1".into() },
            Usage::UnknownEncoding { name: "x".into() },
            Usage::OutputIsFolder {
                path: "p".into(),
                example: "e".into(),
            },
            Usage::OutputFolderMissing {
                path: "p".into(),
                folder: "f".into(),
            },
            Usage::OutputParentNotFolder {
                path: "p".into(),
                folder: "f".into(),
            },
        ]
    }
}

/// What to do about a scorecard that could not be written, by what went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(WriteHintCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum WriteHint {
    NoPermission,
    DiskFull,
    FolderRefuses,
    NoFolder,
    FolderInTheWay,
    BadName,
    NothingReplaced,
}

catalogue!(WriteHint, WriteHintCode);

impl WriteHint {
    pub fn say(&self, lang: Lang) -> &'static str {
        match self {
            WriteHint::NoPermission => lang.pick(
                "没有在那里写入的权限；请用 -o 另选文件夹",
                "no permission to write there; choose another folder with -o",
            ),
            WriteHint::DiskFull => lang.pick(
                "磁盘已满；请腾出空间后重新运行（原有文件没有被替换）",
                "the disk is full; free some space and run again (nothing was replaced)",
            ),
            WriteHint::FolderRefuses => lang.pick(
                "该文件夹不接受新文件；请用 -o 另选文件夹",
                "the folder does not accept new files; choose another folder with -o",
            ),
            WriteHint::NoFolder => lang.pick(
                "文件夹不存在；请先创建它，或用 -o 另选位置",
                "the folder does not exist; create it or choose another -o",
            ),
            WriteHint::FolderInTheWay => lang.pick(
                "已有同名文件夹；请用 -o 另选位置",
                "a folder of that name is in the way; choose another -o",
            ),
            WriteHint::BadName => lang.pick(
                "文件名太长，或这里不允许这样的文件名",
                "the file name is too long or not allowed here",
            ),
            WriteHint::NothingReplaced => lang.pick("原有文件没有被替换", "nothing was replaced"),
        }
    }

    #[cfg(test)]
    pub fn examples() -> Vec<WriteHint> {
        vec![
            WriteHint::NoPermission,
            WriteHint::DiskFull,
            WriteHint::FolderRefuses,
            WriteHint::NoFolder,
            WriteHint::FolderInTheWay,
            WriteHint::BadName,
            WriteHint::NothingReplaced,
        ]
    }
}

/// A command that cannot finish (exit 1): raised with `Fail::new`.
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(CmdErrorCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum CmdError {
    OutputIsConfig {
        output: String,
        config: String,
    },
    OutputIsInput {
        output: String,
    },
    OutputIsDataFolder {
        output: String,
        folder: String,
    },
    /// A write failed: `kind` and `os` are the system's error, `hint` what to do.
    CannotWrite {
        path: String,
        kind: std::io::ErrorKind,
        os: String,
        hint: WriteHint,
    },
    FolderIsFile {
        folder: String,
    },
    CannotReadFolder {
        folder: String,
    },
    /// A `--split-by person` folder holding something this tool did not write.
    FolderHoldsOther {
        folder: String,
        name: String,
    },
    /// `alerts` on exports without sales or visits.
    AlertsNoData,
    /// `alerts --date` after the last day of the exports.
    AlertsPastData {
        date: String,
        last: String,
        sales: Option<String>,
        visits: Option<String>,
    },
    InitCannotCreate {
        folder: String,
    },
    /// A file `init` or `man` writes cannot be written (the system's reason follows).
    CannotWriteFile {
        path: String,
    },
    /// Building the scorecard (or, `per_person`, the per-person workbooks) failed; the reason
    /// follows.
    Building {
        per_person: bool,
    },
    /// `init` without `--force` where its files exist.
    InitRefused {
        existing: Vec<String>,
    },
}

catalogue!(CmdError, CmdErrorCode);

impl crate::words::Speak for CmdError {
    fn say(&self, lang: Lang) -> String {
        match self {
            CmdError::OutputIsConfig { output, config } => say!(
                lang,
                "-o {output} 就是（或包含）配置文件 {config}；请另选输出位置",
                "-o {output} is (or holds) the config file {config}; choose another output path"
            ),
            CmdError::OutputIsInput { output } => say!(
                lang,
                "-o {output} 就是（或包含）某个输入文件；请另选输出位置",
                "-o {output} is (or holds) one of the input files; choose another output path"
            ),
            CmdError::OutputIsDataFolder { output, folder } => say!(
                lang,
                "-o {output} 就是（或包含）数据文件夹 {folder}；请另选输出位置",
                "-o {output} is (or holds) the data folder {folder}; choose another output path"
            ),
            CmdError::CannotWrite {
                path,
                kind,
                os,
                hint,
            } => {
                let hint = hint.say(lang);
                match lang {
                    Lang::Zh => {
                        let why = crate::words::io_error(
                            &std::io::Error::new(*kind, os.clone()),
                            Lang::Zh,
                        );
                        format!("无法写入 {path}：{why}（{hint}）")
                    }
                    Lang::En => format!("cannot write {path}: {os} ({hint})"),
                }
            }
            CmdError::FolderIsFile { folder } => say!(
                lang,
                "无法写入文件夹 {folder}：已有同名文件",
                "cannot write the folder {folder}: a file of that name exists"
            ),
            CmdError::CannotReadFolder { folder } => say!(
                lang,
                "无法读取文件夹 {folder}",
                "cannot read the folder {folder}"
            ),
            CmdError::FolderHoldsOther { folder, name } => say!(
                lang,
                "文件夹 {folder} 里已有 {name}，它不是 clinic-kpi 生成的考核表；请用 -o 选择一个空文件夹或新文件夹",
                "the folder {folder} already holds {name}, which is not a clinic-kpi scorecard; choose an empty or new folder with -o"
            ),
            CmdError::AlertsNoData => say!(
                lang,
                "没有消费或到院数据，无法预警：请导出消费流水",
                "there are no sales or visits to judge: export the sales"
            ),
            CmdError::AlertsPastData {
                date,
                last,
                sales,
                visits,
            } => {
                let sales = sales.as_deref().unwrap_or("—");
                let visits = visits.as_deref().unwrap_or("—");
                say!(
                    lang,
                    "--date {date} 超出了导出数据：导出数据截至 {last}（消费截至 {sales}，到院截至 {visits}）。请补导出到 {date} 的数据，或用更早的 --date",
                    "--date {date} is past the data: the exports end on {last} (sales {sales}, visits {visits}); export the days up to {date}, or pass an earlier --date"
                )
            }
            CmdError::InitCannotCreate { folder } => say!(
                lang,
                "无法创建文件夹 {folder}",
                "cannot create the folder {folder}"
            ),
            CmdError::CannotWriteFile { path } => {
                say!(lang, "无法写入 {path}", "cannot write {path}")
            }
            CmdError::Building { per_person: false } => {
                say!(lang, "生成考核表时出错", "building the scorecard")
            }
            CmdError::Building { per_person: true } => {
                say!(lang, "生成个人考核表时出错", "building the scorecards")
            }
            CmdError::InitRefused { existing } => {
                let zh = existing.join("、");
                let en = existing.join(", ");
                say!(
                    lang,
                    "{zh} 已存在，没有写入任何文件（要覆盖请加 --force）",
                    "{en} already exist(s); nothing was written (use --force to overwrite)"
                )
            }
        }
    }
}

impl CmdError {
    #[cfg(test)]
    pub fn examples() -> Vec<CmdError> {
        let p = || "p".to_string();
        vec![
            CmdError::OutputIsConfig {
                output: p(),
                config: "c".into(),
            },
            CmdError::OutputIsInput { output: p() },
            CmdError::OutputIsDataFolder {
                output: p(),
                folder: "f".into(),
            },
            CmdError::CannotWrite {
                path: p(),
                kind: std::io::ErrorKind::PermissionDenied,
                os: "x".into(),
                hint: WriteHint::NoPermission,
            },
            CmdError::FolderIsFile { folder: "f".into() },
            CmdError::CannotReadFolder { folder: "f".into() },
            CmdError::FolderHoldsOther {
                folder: "f".into(),
                name: "n".into(),
            },
            CmdError::AlertsNoData,
            CmdError::AlertsPastData {
                date: "2".into(),
                last: "1".into(),
                sales: None,
                visits: Some("1".into()),
            },
            CmdError::InitCannotCreate { folder: "f".into() },
            CmdError::CannotWriteFile { path: p() },
            CmdError::Building { per_person: false },
            CmdError::Building { per_person: true },
            CmdError::InitRefused {
                existing: vec!["a".into(), "b".into()],
            },
        ]
    }
}

/// A line a command prints around its tables (stdout or stderr).
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(LineCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum Line {
    /// No period given: the previous calendar month is used.
    PreviousMonth {
        label: String,
        start: String,
        end: String,
    },
    /// `期间 2026-10（2026-10-01 ~ 2026-10-31）`, check's and score's first line.
    Period {
        label: String,
        start: String,
        end: String,
    },
    /// `check` without a period.
    NoPeriod,
    /// Which config is used (its path, or the built-in defaults in the reader's words).
    Config {
        name: String,
    },
    /// The 二开 rule applied: by the sales' type column, or derived with a window in days.
    SecondaryByType,
    SecondaryDerived {
        window_days: u32,
    },
    Wrote {
        path: String,
    },
    Restored {
        path: String,
    },
    /// `check`'s count of data issues by severity, above the list.
    IssueCounts {
        errors: usize,
        warnings: usize,
        infos: usize,
    },
    /// The one-line count of data issues, with the command that lists them.
    IssueSummary {
        errors: usize,
        warnings: usize,
        flags: String,
    },
    /// `--strict` and data errors: nothing is written.
    StrictErrors {
        errors: usize,
    },
    /// The period holds no sales and no visits.
    EmptyPeriod {
        label: String,
    },
    /// `alerts` without `--date`: yesterday.
    Yesterday {
        date: String,
    },
    /// `init --sample-data`: what to run next.
    TryIt {
        folder: String,
    },
    /// `check`: how many of the issues of one group are not listed.
    NotListed {
        count: usize,
    },
    /// `check`'s 参与考核人员: a role's shown label, its key and the names scored in it.
    RolePeople {
        label: String,
        key: String,
        names: Vec<String>,
    },
}

catalogue!(Line, LineCode);

impl Line {
    pub fn say(&self, lang: Lang) -> String {
        match self {
            Line::PreviousMonth { label, start, end } => say!(
                lang,
                "期间：{label}（{start} ~ {end}），即上一个自然月",
                "period: {label} ({start} ~ {end}), the previous calendar month"
            ),
            Line::Period { label, start, end } => say!(
                lang,
                "期间 {label}（{start} ~ {end}）",
                "Period {label} ({start} ~ {end})"
            ),
            Line::NoPeriod => say!(
                lang,
                "未指定期间：所有可读的行都计为已用（用 --month 指定期间，才能区分期外的行）",
                "No period given: every readable row counts as used (give --month to tell out-of-period rows)"
            ),
            Line::Config { name } => say!(lang, "配置：{name}", "Config: {name}"),
            Line::SecondaryByType => say!(
                lang,
                "二开口径：按消费类型认定",
                "secondary sales: by the sales' type"
            ),
            Line::SecondaryDerived { window_days } => say!(
                lang,
                "二开口径：同一顾客 {window_days} 天内在同一人名下再次消费",
                "secondary sales: the same customer buys again from the same person within {window_days} days"
            ),
            Line::Wrote { path } => say!(lang, "已写入 {path}", "wrote {path}"),
            Line::Restored { path } => say!(
                lang,
                "已恢复上次中断运行移开的文件夹 {path}",
                "restored the folder an interrupted run had moved aside: {path}"
            ),
            Line::IssueCounts {
                errors,
                warnings,
                infos,
            } => say!(
                lang,
                "数据问题：错误 {errors} 条，警告 {warnings} 条，提示 {infos} 条",
                "Data issues: errors {errors}, warnings {warnings}, info {infos}"
            ),
            Line::IssueSummary {
                errors,
                warnings,
                flags,
            } => say!(
                lang,
                "数据问题：错误 {errors} 条，警告 {warnings} 条 — 运行 clinic-kpi check {flags} --all 查看全部",
                "data issues: errors {errors}, warnings {warnings} — clinic-kpi check {flags} --all lists them all"
            ),
            Line::StrictErrors { errors } => say!(
                lang,
                "发现 {errors} 个数据错误，且设置了 --strict",
                "{errors} data error(s) found and --strict is set"
            ),
            Line::EmptyPeriod { label } => say!(
                lang,
                "{label} 没有消费或到院数据：导出的月份对吗？",
                "{label} has no sales or visits: are these the right exports?"
            ),
            Line::Yesterday { date } => say!(lang, "日期：昨天 {date}", "date: yesterday, {date}"),
            Line::TryIt { folder } => say!(
                lang,
                "试一试：cd {folder} && clinic-kpi score --month 2026-10\n        clinic-kpi overview --month 2026-10\n        clinic-kpi alerts --date 2026-10-20",
                "try: cd {folder} && clinic-kpi score --month 2026-10\n     clinic-kpi overview --month 2026-10\n     clinic-kpi alerts --date 2026-10-20"
            ),
            Line::NotListed { count } => say!(
                lang,
                "… 另有 {count} 条未列出（加 --all 列出全部）",
                "… {count} more not listed (--all lists every one)"
            ),
            Line::RolePeople { label, key, names } => {
                let n = names.len();
                let zh = names.join("、");
                let en = names.join(", ");
                say!(
                    lang,
                    "{label}（[roles.{key}]）{n} 人：{zh}",
                    "{label} ({key}) {n}: {en}"
                )
            }
        }
    }

    #[cfg(test)]
    pub fn examples() -> Vec<Line> {
        let d = || "1".to_string();
        vec![
            Line::PreviousMonth {
                label: d(),
                start: d(),
                end: d(),
            },
            Line::Period {
                label: d(),
                start: d(),
                end: d(),
            },
            Line::NoPeriod,
            Line::Config { name: "c".into() },
            Line::SecondaryByType,
            Line::SecondaryDerived { window_days: 90 },
            Line::Wrote { path: "p".into() },
            Line::Restored { path: "p".into() },
            Line::IssueCounts {
                errors: 1,
                warnings: 2,
                infos: 3,
            },
            Line::IssueSummary {
                errors: 1,
                warnings: 2,
                flags: "f".into(),
            },
            Line::StrictErrors { errors: 1 },
            Line::EmptyPeriod { label: d() },
            Line::Yesterday { date: d() },
            Line::TryIt { folder: "f".into() },
            Line::NotListed { count: 3 },
            Line::RolePeople {
                label: "l".into(),
                key: "k".into(),
                names: vec!["a".into(), "b".into()],
            },
        ]
    }
}

/// `check`'s column map: `收银单号→单号（order_id）` — the header, what the tool took it for in
/// the reader's words (the name 口径 and the data-issue messages use for that column), and the
/// config key to write under `[columns.KIND]` to add another header for it. A header that is
/// already that name shows once: `门店（store）`. English shows the key alone
/// (`收银单号→order_id`), which is its own word.
pub fn column_match(
    header: &str,
    field: Option<crate::input::kinds::Field>,
    key: &str,
    lang: Lang,
) -> String {
    match (lang, field) {
        (Lang::Zh, Some(f)) => {
            let name = crate::words::labels::field(f, lang);
            if name == header {
                format!("{header}（{key}）")
            } else {
                format!("{header}→{name}（{key}）")
            }
        }
        _ => format!("{header}→{key}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::kinds::Field;

    #[test]
    fn a_column_match_names_the_field_for_a_clerk_and_the_key_to_write() {
        let m = |h: &str, f: Field, l: Lang| column_match(h, Some(f), f.key(), l);
        assert_eq!(
            m("收银单号", Field::OrderId, Lang::Zh),
            "收银单号→单号（order_id）"
        );
        assert_eq!(m("门店", Field::Store, Lang::Zh), "门店（store）");
        assert_eq!(m("收银单号", Field::OrderId, Lang::En), "收银单号→order_id");
        assert_eq!(column_match("X", None, "x", Lang::Zh), "X→x");
    }
}
