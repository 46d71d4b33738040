//! Routing a file to its reader: a CSV file or each sheet of a workbook, with the kind its
//! listing, its name or its header gives, and the files and sheets left unread.

use super::*;

/// How a CSV file's kind is told (its listing, its name, else its header), or None when it is
/// not read because the config lists that kind's files elsewhere (noted in `part`).
pub(super) fn csv_rule(p: &Planned, ctx: &FileCtx, part: &mut Part) -> Option<KindRule> {
    let named = kinds::kinds_named_by(&file_stem(ctx.display));
    let rule = match (p.kind, named.as_slice()) {
        (Some(k), _) => KindRule::Fixed(k),
        (None, [k]) => KindRule::Fixed(*k),
        (None, _) => KindRule::by_header(named.clone(), None),
    };
    if let KindRule::Fixed(k) = rule {
        if ctx.kind_listed_elsewhere(k) {
            not_read(
                &mut part.ds,
                ctx.display,
                None,
                Severity::Info,
                InputMsg::ListedElsewhere { kind: k },
            );
            return None;
        }
    }
    Some(rule)
}

pub(super) fn file_ctx<'a>(
    p: &'a Planned,
    aliases: &'a Aliases,
    listed_kinds: &'a [Kind],
    opts: &'a LoadOptions<'a>,
    bar: Option<&'a ProgressBar>,
    pipeline: bool,
) -> FileCtx<'a> {
    FileCtx {
        display: &p.display,
        path: &p.path,
        aliases,
        listed_kinds,
        listed: p.listed(),
        opts,
        bar,
        pipeline,
    }
}

pub(super) struct FileCtx<'a> {
    pub(super) display: &'a str,
    pub(super) path: &'a Path,
    pub(super) aliases: &'a Aliases,
    /// The kinds the config lists files for: found in `--data`, files of these kinds are not
    /// read (the listed ones are).
    pub(super) listed_kinds: &'a [Kind],
    /// Whether this file is listed under `[inputs]`.
    pub(super) listed: bool,
    pub(super) opts: &'a LoadOptions<'a>,
    pub(super) bar: Option<&'a ProgressBar>,
    /// Whether a CSV file read whole is parsed on a thread of its own while its rows are
    /// typed on this one (see [`super::threads::pipeline_file`]).
    pub(super) pipeline: bool,
}

impl FileCtx<'_> {
    /// Whether a file or sheet of `kind` found in `--data` (not listed) is left unread
    /// because the config lists that kind's files.
    pub(super) fn kind_listed_elsewhere(&self, kind: Kind) -> bool {
        !self.listed && self.listed_kinds.contains(&kind)
    }
}

/// Notes a file or sheet that is not read: an issue naming it and why, and its `not_read` entry.
pub(super) fn not_read(
    ds: &mut Dataset,
    file: &str,
    sheet: Option<&str>,
    severity: Severity,
    reason: InputMsg,
) {
    ds.issues
        .push(Issue::new(severity, reason.clone()).at(file, sheet));
    ds.not_read.push(NotRead {
        file: file.to_string(),
        sheet: sheet.map(str::to_string),
        severity,
        reason,
    });
}

/// Reads one planned file: every sheet (or the one named) of a workbook, or a delimited text file.
pub(super) fn read_file(p: &Planned, ctx: &FileCtx, part: &mut Part, emit: Emit) -> Result<()> {
    let format = source::sniff_format(&p.path).map_err(|e| cannot_read(ctx.display, e))?;
    let named = kinds::kinds_named_by(&file_stem(ctx.display));
    match format {
        Format::Empty if p.kind.is_none() && named.is_empty() => {
            // An empty file no name claims: what `score --format csv > kpi.csv` creates in the
            // data folder before the tool runs.
            not_read(
                &mut part.ds,
                ctx.display,
                None,
                Severity::Warning,
                InputMsg::EmptyUnnamed,
            );
            Ok(())
        }
        Format::Empty => bail!(Fail::new(InputFail::EmptyFile {
            file: ctx.display.to_string(),
        })),
        Format::Html => bail!(Fail::new(InputFail::HtmlFile {
            file: ctx.display.to_string(),
        })),
        Format::Csv => {
            let Some(rule) = csv_rule(p, ctx, part) else {
                return Ok(());
            };
            let input_no = part.ds.inputs.len() as u32;
            let mut sheet = SheetReader::new(rule, ctx, None, Format::Csv, false, input_no);
            let csv_opts = csv_options(ctx.opts);
            let path = &p.path;
            let encoding = pipelined(
                ctx.pipeline,
                |rows| source::for_each_csv_row(path, &csv_opts, rows),
                &mut |row| {
                    sheet.on_row(row, part);
                    sheet.hand_over_if_full(part, emit);
                },
            )
            .and_then(|read| read)
            .map_err(|e| cannot_read(ctx.display, e))?;
            sheet.report.format = "csv";
            sheet.report.encoding = Some(encoding);
            sheet.finish(part)?;
            Ok(())
        }
        _ => read_workbook(p, format, &named, ctx, part, emit),
    }
}

/// "cannot read 消费.xlsx": the context of a system error reading a file.
pub(super) fn cannot_read(display: &str, e: std::io::Error) -> anyhow::Error {
    let file = display.to_string();
    Fail::because(InputFail::CannotRead { file }, e).into()
}

/// "cannot read the data folder 数据: …".
pub(super) fn data_folder(dir: &Path, e: std::io::Error) -> anyhow::Error {
    let dir = dir.display().to_string();
    Fail::because(InputFail::DataFolder { dir }, e).into()
}

/// Runs `f`, turning a panic inside a third-party parser into an error naming the file.
pub(super) fn guarded<T>(place: &Place, f: impl FnOnce() -> Result<T, BookWhy>) -> Result<T> {
    let fail = |why| {
        Fail::new(InputFail::Book {
            place: place.clone(),
            why,
        })
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => bail!(fail(e)),
        Err(p) => {
            let what = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown fault".to_string());
            bail!(fail(BookWhy::ReaderFailed { what }))
        }
    }
}

/// How each sheet of a workbook is identified (SPEC §2.1): a sheet named for one kind is that
/// kind; a workbook of one sheet takes the kind its file name (or `[inputs]`) gives; any other
/// sheet is identified by its header, the file's kind first.
pub(super) fn sheet_rule(
    p: &Planned,
    file_kind: Option<Kind>,
    file_named: &[Kind],
    sheet: &str,
    single_sheet: bool,
) -> KindRule {
    if let (Some(k), Some(_)) = (p.kind, &p.sheet) {
        return KindRule::Fixed(k);
    }
    let by_sheet = kinds::kinds_named_by(sheet);
    match (by_sheet.as_slice(), file_kind) {
        ([k], _) => KindRule::Fixed(*k),
        ([_, _, ..], prefer) => KindRule::by_header(by_sheet, prefer),
        ([], Some(k)) if single_sheet => KindRule::Fixed(k),
        ([], Some(k)) => KindRule::by_header(Vec::new(), Some(k)),
        ([], None) => KindRule::by_header(file_named.to_vec(), None),
    }
}

pub(super) fn read_workbook(
    p: &Planned,
    format: Format,
    named: &[Kind],
    ctx: &FileCtx,
    part: &mut Part,
    emit: Emit,
) -> Result<()> {
    let ahead = ctx.opts.threads() > 1;
    let whole = Place {
        file: ctx.display.to_string(),
        sheet: None,
    };
    let mut book = guarded(&whole, || Book::open(&p.path, format, ahead))?;
    let names = book.sheet_names();
    let date1904 = book.date1904();
    let sheets: Vec<String> = match &p.sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                bail!(Fail::new(InputFail::NoSuchSheet {
                    file: ctx.display.to_string(),
                    sheet: s.clone(),
                    sheets: names.clone(),
                }));
            }
            vec![s.clone()]
        }
        None => names.clone(),
    };
    // The kind the file is for: the one it is listed under, or the one its name names.
    let file_kind = match (p.kind, named) {
        (Some(k), _) => Some(k),
        (None, [k]) => Some(*k),
        _ => None,
    };
    let single_sheet = sheets.len() == 1;
    let inputs_before = part.ds.inputs.len();
    // Why the first sheet that could have been of the file's kind was not: the error when no
    // sheet of the workbook is read at all.
    let mut first_failure: Option<InputFail> = None;
    for sheet_name in sheets {
        let rule = sheet_rule(p, file_kind, named, &sheet_name, single_sheet);
        if let KindRule::Fixed(k) = rule {
            if ctx.kind_listed_elsewhere(k) {
                not_read(
                    &mut part.ds,
                    ctx.display,
                    Some(&sheet_name),
                    Severity::Info,
                    InputMsg::ListedElsewhere { kind: k },
                );
                continue;
            }
        }
        // A sheet named in the workbook whose data is not in the file: that sheet is an error
        // issue, the workbook's other sheets are still read.
        if guarded(&whole, || Ok(book.sheet_is_missing(&sheet_name)))? {
            part.ds.issues.push(
                Issue::new(Severity::Error, InputMsg::SheetDataMissing)
                    .at(ctx.display, Some(&sheet_name)),
            );
            continue;
        }
        let input_no = part.ds.inputs.len() as u32;
        let mut sheet = SheetReader::new(
            rule,
            ctx,
            Some(sheet_name.clone()),
            format,
            date1904,
            input_no,
        );
        sheet.report.format = format.name();
        let book = &mut book;
        let display = Place {
            file: ctx.display.to_string(),
            sheet: Some(sheet_name.clone()),
        };
        pipelined(
            ctx.opts.threads() > 1,
            |emit| guarded(&display, || book.for_each_row(&sheet_name, emit)),
            &mut |row| {
                sheet.on_row(row, part);
                sheet.hand_over_if_full(part, emit);
            },
        )
        .map_err(|e| {
            let place = display.clone();
            Fail::because(InputFail::SheetCannotBeRead { place }, e)
        })??;
        if let Some(why) = sheet.failure.take() {
            first_failure.get_or_insert(why);
        }
        sheet.finish(part)?;
    }
    if part.ds.inputs.len() == inputs_before {
        if let Some(why) = first_failure {
            // A workbook its name (or the config) says holds a kind, of which no sheet could be
            // read as that kind: that is the file's error, not a sheet to skip.
            bail!(Fail::new(why));
        }
    }
    Ok(())
}
