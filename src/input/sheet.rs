//! Reading one sheet (or CSV file) row by row: finding its header and kind in its first rows,
//! then typing every row below it, counting each.

use super::*;

/// Distinct texts remembered per column before the column counts as one of ids (customers,
/// orders), whose texts rarely repeat, and is no longer remembered.
pub(super) const MEMO_CAP: usize = 2048;

/// The names already read in each column of a sheet, by their text as written: staff, store,
/// item and type columns repeat a few hundred texts a million times, and a repeat skips the
/// normalising and the look-up in the (large) interner. A text always gives the same name, so
/// the result is the same as without the memo.
///
/// A column of ids (customers, orders), whose texts rarely repeat, is no longer remembered once
/// it has [`MEMO_CAP`] texts; only its last text is: the items of one order stand on rows one
/// after another, each with the order's id and customer.
#[derive(Default)]
pub(super) struct NameMemo {
    /// Per field (`Field as usize`): the names of the texts read in its column.
    columns: [ColumnMemo; FIELDS],
}

/// How many fields there are (the last one's number and one).
const FIELDS: usize = Field::ApprovedBy as usize + 1;

#[derive(Default)]
pub(super) struct ColumnMemo {
    /// Every text read with its name, until the column proved to be one of ids.
    texts: HashMap<CompactString, Option<Sym>, FxBuild>,
    /// The column is one of ids: only `last` is kept.
    ids: bool,
    /// In a column of ids, the last text read and its name.
    last: Option<(CompactString, Option<Sym>)>,
}

impl NameMemo {
    pub(super) fn get(&self, f: Field, raw: &RawCell) -> Option<Option<Sym>> {
        let RawCell::Text(t) = raw else { return None };
        let column = self.columns.get(f as usize)?;
        if column.ids {
            return match &column.last {
                Some((last, sym)) if last == t => Some(*sym),
                _ => None,
            };
        }
        column.texts.get(t.as_str()).copied()
    }

    pub(super) fn put(&mut self, f: Field, raw: &RawCell, sym: Option<Sym>) {
        let RawCell::Text(t) = raw else { return };
        let Some(column) = self.columns.get_mut(f as usize) else {
            return;
        };
        if column.ids {
            match &mut column.last {
                Some((last, s)) => {
                    last.clone_from(t);
                    *s = sym;
                }
                None => column.last = Some((t.clone(), sym)),
            }
        } else if column.texts.len() >= MEMO_CAP {
            column.ids = true;
            column.texts = HashMap::default();
            column.last = Some((t.clone(), sym));
        } else {
            column.texts.insert(t.clone(), sym);
        }
    }
}

/// Distinct texts remembered per kind of value before no more are added.
pub(super) const VALUE_MEMO_CAP: usize = 8192;

/// What a text typed to, by the text: a year's million rows write a few hundred dates and a
/// few thousand amounts, each typed once instead of on every row. Typing is a function of the
/// text alone (and of the sheet's date system, fixed per sheet), so the result is the same.
pub(super) struct TextMemo<T> {
    pub(super) map: HashMap<CompactString, Result<T, Why>, FxBuild>,
}

impl<T> Default for TextMemo<T> {
    fn default() -> Self {
        TextMemo {
            map: HashMap::default(),
        }
    }
}

impl<T: Clone> TextMemo<T> {
    /// `parse(cell)`, from memory for a text typed before.
    pub(super) fn typed(
        &mut self,
        cell: &RawCell,
        parse: impl Fn(&RawCell) -> Result<T, Why>,
    ) -> Result<T, Why> {
        let RawCell::Text(t) = cell else {
            return parse(cell);
        };
        if let Some(known) = self.map.get(t.as_str()) {
            return known.clone();
        }
        let typed = parse(cell);
        if self.map.len() < VALUE_MEMO_CAP {
            self.map.insert(t.clone(), typed.clone());
        }
        typed
    }
}

/// The sheet's memories of typed values.
#[derive(Default)]
pub(super) struct ValueMemos {
    pub(super) dates: TextMemo<NaiveDateTime>,
    pub(super) amounts: TextMemo<i64>,
    pub(super) yes_no: TextMemo<bool>,
    pub(super) visit_types: TextMemo<bool>,
}

/// Where a sheet stands: its first rows are being collected to find its header (and, where
/// its name does not say, its kind), or it is being read, or it is left unread.
pub(super) enum State {
    Searching,
    Reading,
    Skipped(Severity, InputMsg),
    Fatal(InputFail),
}

/// Reads one sheet (or CSV file) as one input of one kind, row by row.
pub(super) struct SheetReader<'a> {
    pub(super) rule: KindRule,
    /// The kind, once decided (until then the rule's first).
    pub(super) kind: Kind,
    pub(super) ctx: &'a FileCtx<'a>,
    pub(super) sheet: Option<String>,
    pub(super) format: Format,
    pub(super) date1904: bool,
    pub(super) input_no: u32,
    pub(super) state: State,
    /// The first rows, kept until the header is found among them.
    pub(super) zone: Vec<SourceRow>,
    /// Shared so each row can borrow it while the reader's counts change.
    pub(super) header: Option<std::rc::Rc<ColumnMap>>,
    pub(super) header_row: u32,
    /// A text file's header field count: a row with more fields was shifted (SPEC §2.2).
    pub(super) width: Option<u32>,
    /// The last row seen at all, and the last row read as data (to count blank rows between).
    pub(super) last_row: u32,
    pub(super) data_last: u32,
    pub(super) report: InputReport,
    /// `[surveys] scale`: a survey score lies between 0 and it.
    pub(super) scale: f64,
    /// Why this sheet could not be read as the file's own kind, when it was skipped.
    pub(super) failure: Option<InputFail>,
    pub(super) memo: std::cell::RefCell<NameMemo>,
    /// Dates, amounts and flags already typed in this sheet, by their text.
    pub(super) values: std::cell::RefCell<ValueMemos>,
    /// Rows read, for the progress bar.
    pub(super) rows_seen: u64,
}

impl<'a> SheetReader<'a> {
    pub(super) fn new(
        rule: KindRule,
        ctx: &'a FileCtx<'a>,
        sheet: Option<String>,
        format: Format,
        date1904: bool,
        input_no: u32,
    ) -> Self {
        let kind = rule.kinds()[0];
        SheetReader {
            rule,
            kind,
            ctx,
            report: InputReport {
                kind,
                file: ctx.display.to_string(),
                sheet: sheet.clone(),
                // Filled in once every file is read (see `load`).
                sha256: String::new(),
                rows: 0,
                used: 0,
                out_of_period: 0,
                rejected: 0,
                skipped: 0,
                amount_used: None,
                columns_not_used: Vec::new(),
                format: "",
                encoding: None,
                header_row: None,
                header_top: None,
                columns: Vec::new(),
                amount_used_fen: 0,
                path: ctx.path.to_path_buf(),
            },
            sheet,
            format,
            date1904,
            input_no,
            state: State::Searching,
            zone: Vec::new(),
            header: None,
            header_row: 0,
            width: None,
            last_row: 0,
            data_last: 0,
            scale: ctx.opts.config.config.surveys.scale,
            failure: None,
            memo: std::cell::RefCell::new(NameMemo::default()),
            values: std::cell::RefCell::new(ValueMemos::default()),
            rows_seen: 0,
        }
    }

    /// A reader of a later chunk of a CSV file, from the state its first chunk reached once
    /// its header was decided; `row_before` is the row of the last record before the chunk.
    pub(super) fn continuing(ctx: &'a FileCtx<'a>, head: &Continuation, row_before: u32) -> Self {
        let mut r = SheetReader::new(KindRule::Fixed(head.kind), ctx, None, Format::Csv, false, 0);
        r.kind = head.kind;
        r.report = head.report.clone();
        r.header = Some(std::rc::Rc::new(head.map.clone()));
        r.width = head.width;
        r.header_row = head.header_row;
        r.last_row = row_before;
        r.data_last = row_before;
        r.state = State::Reading;
        r
    }

    /// What a later chunk of the file starts from, once the header is decided and the rows
    /// are being read (None when the file is not read as data).
    pub(super) fn continuation(&self) -> Option<Continuation> {
        let (State::Reading, Some(map)) = (&self.state, &self.header) else {
            return None;
        };
        let mut report = self.report.clone();
        report.rows = 0;
        report.used = 0;
        report.out_of_period = 0;
        report.rejected = 0;
        report.skipped = 0;
        report.amount_used = None;
        report.amount_used_fen = 0;
        Some(Continuation {
            kind: self.kind,
            map: ColumnMap::clone(map),
            width: self.width,
            header_row: self.header_row,
            report,
        })
    }

    /// Once `part` holds `HAND_OVER_ROWS` rows, hands it over to `emit` with this sheet's input
    /// as read so far, and goes on in a new part that continues that input (merged after it,
    /// the two are the sheet read at once: the counts add up, names and rows keep their order).
    pub(super) fn hand_over_if_full(&mut self, part: &mut Part, emit: Emit) {
        let full = match self.ctx.opts.part_rows {
            0 => HAND_OVER_ROWS,
            n => n,
        };
        if part.rows < full || !matches!(self.state, State::Reading) {
            return;
        }
        let Some(map) = self.header.as_ref() else {
            return;
        };
        let mut done = std::mem::take(part);
        let fields = done.ds.fields.entry(self.kind).or_default();
        for (_, f, _) in &map.cols {
            fields.insert(*f);
        }
        done.ds.inputs.push(self.report.clone());
        emit(done);
        part.continues = true;
        self.input_no = 0;
        self.report.rows = 0;
        self.report.used = 0;
        self.report.out_of_period = 0;
        self.report.rejected = 0;
        self.report.skipped = 0;
        self.report.amount_used_fen = 0;
        // Its names were the handed-over part's.
        *self.memo.borrow_mut() = NameMemo::default();
    }

    pub(super) fn issue(&self, severity: Severity, row: u32, message: InputMsg) -> Issue {
        Issue::new(severity, message)
            .at(self.ctx.display, self.sheet.as_deref())
            .row(row)
    }

    /// The file and sheet, for errors.
    pub(super) fn where_(&self) -> Place {
        Place {
            file: self.ctx.display.to_string(),
            sheet: self.sheet.clone(),
        }
    }

    pub(super) fn on_row(&mut self, row: &SourceRow, part: &mut Part) {
        let row_no = match row {
            SourceRow::Row { row, .. } | SourceRow::Bad { row, .. } => *row,
        };
        self.last_row = self.last_row.max(row_no);
        if let State::Searching = self.state {
            // The header search looks at the first rows and the one after them (the lower
            // row of a two-row header).
            if row_no <= HEADER_SEARCH_ROWS + 1 {
                self.zone.push(row.clone());
                return;
            }
            self.decide(part);
        }
        if let State::Reading = self.state {
            self.data_row(row, part);
        }
    }

    /// Finds the header (and the kind, where the name does not say) in the rows collected,
    /// then reads the rows below it.
    pub(super) fn decide(&mut self, part: &mut Part) {
        let zone = std::mem::take(&mut self.zone);
        let rows: Vec<ZoneRow> = zone
            .iter()
            .filter_map(|r| match r {
                SourceRow::Row { row, cells, fields } => Some(ZoneRow {
                    row: *row,
                    cells,
                    fields: *fields,
                }),
                SourceRow::Bad { .. } => None,
            })
            .collect();
        let aliases = self.ctx.aliases;
        let mut merges = Merges::default();
        if matches!(self.format, Format::Xlsx | Format::Xls) {
            let kinds = self.rule.kinds();
            let a: Vec<&header::KindAliases> =
                kinds.iter().map(|k| aliases[k].as_slice()).collect();
            if header::merges_matter(&rows, &a) {
                let sheet = self.sheet.as_deref().unwrap_or_default();
                merges = Merges(source::merged_regions(self.ctx.path, self.format, sheet));
            }
        }
        let where_ = self.where_();
        let decision = identify::decide(&self.rule, &rows, aliases, &merges, &where_);
        match decision {
            Decision::Read(kind, _) if self.ctx.kind_listed_elsewhere(kind) => {
                self.state = State::Skipped(Severity::Info, InputMsg::ListedElsewhere { kind });
            }
            Decision::Read(kind, h) => self.accept(kind, h, part),
            Decision::Skip(reason) => {
                if let KindRule::ByHeader {
                    prefer: Some(k), ..
                } = self.rule
                {
                    // Had this sheet been read as the file's kind, this is what was wrong.
                    let fixed = KindRule::Fixed(k);
                    if let Decision::Fatal(why) =
                        identify::decide(&fixed, &rows, aliases, &merges, &where_)
                    {
                        self.failure = Some(why);
                    }
                }
                self.state = State::Skipped(Severity::Warning, reason);
            }
            Decision::Fatal(why) => self.state = State::Fatal(why),
        }
        drop(rows);
        if let State::Reading = self.state {
            for row in &zone {
                let after = match row {
                    SourceRow::Row { row, .. } | SourceRow::Bad { row, .. } => {
                        *row > self.header_row
                    }
                };
                if after {
                    self.data_row(row, part);
                }
            }
        }
    }

    /// Takes `h` as the sheet's header and `kind` as its kind.
    pub(super) fn accept(&mut self, kind: Kind, h: Header, part: &mut Part) {
        self.kind = kind;
        self.report.kind = kind;
        self.report.header_row = Some(h.row);
        self.report.header_top = Some(h.top);
        self.report.columns = h
            .map
            .cols
            .iter()
            .map(|(_, f, name)| (name.clone(), f.key()))
            .collect();
        self.report.columns_not_used = h.unmapped();
        self.width = h.width;
        self.header_row = h.row;
        self.data_last = h.row;
        if kind == Kind::Surveys {
            if let Some((_, name)) = h.map.col(Field::Score) {
                if let Some(stated) = header::stated_scale(name) {
                    if (stated - self.scale).abs() > 1e-9 {
                        part.ds.issues.push(
                            self.issue(
                                Severity::Warning,
                                h.row,
                                InputMsg::ScaleMismatch {
                                    header: name.to_string(),
                                    stated,
                                    scale: self.scale,
                                },
                            )
                            .column(name),
                        );
                    }
                }
            }
        }
        self.header = Some(std::rc::Rc::new(h.map));
        self.state = State::Reading;
    }

    /// One row below the header.
    pub(super) fn data_row(&mut self, row: &SourceRow, part: &mut Part) {
        let ds = &mut part.ds;
        let row_no = match row {
            SourceRow::Row { row, .. } | SourceRow::Bad { row, .. } => *row,
        };
        let prev = self.data_last;
        self.data_last = self.data_last.max(row_no);
        // Rows between the previous row and this one that had no cells are blank rows.
        if row_no > prev + 1 {
            let blanks = (row_no - prev - 1) as u64;
            self.report.rows += blanks;
            self.report.skipped += blanks;
        }
        self.report.rows += 1;
        if let Some(bar) = self.ctx.bar {
            // The rows of this reader (a part handed over takes its counts along).
            self.rows_seen += 1;
            if self.rows_seen.is_multiple_of(PROGRESS_EVERY_ROWS) {
                let lang = self.ctx.opts.lang;
                let rows =
                    crate::words::input::progress_rows(self.ctx.display, self.rows_seen, lang);
                bar.set_message(rows);
            }
        }
        let (cells, fields) = match row {
            SourceRow::Bad { row, message } => {
                self.report.rejected += 1;
                ds.issues
                    .push(self.issue(Severity::Error, *row, message.clone()));
                return;
            }
            SourceRow::Row { cells, fields, .. } => (cells, *fields),
        };
        if cells.iter().all(|(_, c)| c.is_blank()) {
            self.report.skipped += 1;
            return;
        }
        let Some(map) = self.header.as_ref() else {
            return;
        };
        if let Some((_, first)) = cells.iter().find(|(_, c)| !c.is_blank()) {
            if is_totals_label(first) {
                self.report.skipped += 1;
                ds.issues.push(self.issue(
                    Severity::Info,
                    row_no,
                    crate::words::input::InputMsg::TotalsRow {
                        label: first.display(),
                    },
                ));
                return;
            }
        }
        if let Some(label) = header::footer(cells, map, self.kind) {
            self.report.skipped += 1;
            ds.issues
                .push(self.issue(Severity::Info, row_no, InputMsg::FooterRow { label }));
            return;
        }
        if let Some(problem) = self.ragged(cells, fields, map, row_no) {
            self.report.rejected += 1;
            ds.issues.push(problem);
            return;
        }
        let map = std::rc::Rc::clone(map);
        let cx = RowCx {
            cells,
            map: &map,
            reader: self,
            row: row_no,
            date1904: self.date1904,
        };
        let mut problems = Vec::new();
        let at = RowRef {
            input: self.input_no,
            row: row_no,
        };
        let parsed = parse_record(self.kind, &cx, at, &mut part.names, &mut problems);
        if !problems.is_empty() {
            self.report.rejected += 1;
            ds.issues.extend(problems);
            return;
        }
        let Some(rec) = parsed else {
            self.report.rejected += 1;
            return;
        };
        // Counted as used here; a row repeating a row of another file (overlapping exports)
        // is taken back out when the files are merged (merge.rs).
        let in_period = match self.ctx.opts.period {
            None => true,
            Some(p) => rec.in_period(p),
        };
        if in_period {
            self.report.used += 1;
            if let Record::Sale(s) = &rec {
                self.report.amount_used_fen += s.amount;
            }
        } else {
            self.report.out_of_period += 1;
        }
        part.note_row(self.kind);
        rec.store(&mut part.ds);
    }

    /// A text file's row whose fields do not line up with the header (SPEC §2.2): more fields
    /// than the header (a delimiter inside a value shifted every later field), or fewer, where
    /// a missing field is a column the tool uses.
    pub(super) fn ragged(
        &self,
        cells: &[(u32, RawCell)],
        fields: Option<u32>,
        map: &ColumnMap,
        row: u32,
    ) -> Option<Issue> {
        let (Some(fields), Some(width)) = (fields, self.width) else {
            return None;
        };
        // Empty fields past the header's end are padding, not a shift.
        if cells.iter().any(|(c, v)| *c >= width && !v.is_blank()) {
            return Some(self.issue(Severity::Error, row, InputMsg::MoreFields { fields, width }));
        }
        if fields < width {
            let missing: Vec<&str> = map
                .cols
                .iter()
                .filter(|(c, _, _)| *c >= fields)
                .map(|(_, _, name)| name.as_str())
                .collect();
            if !missing.is_empty() {
                return Some(
                    self.issue(
                        Severity::Error,
                        row,
                        InputMsg::FewerFields {
                            fields,
                            width,
                            missing: missing.iter().map(|m| m.to_string()).collect(),
                        },
                    )
                    .column(missing[0]),
                );
            }
        }
        None
    }

    /// Ends the sheet: an input read, a sheet or file left unread (with its issue), or the
    /// error that stops the run.
    pub(super) fn finish(mut self, part: &mut Part) -> Result<()> {
        if let State::Searching = self.state {
            if self.last_row == 0 && self.format.is_workbook() {
                // A sheet with no cells at all: nothing to read, nothing lost.
                not_read(
                    &mut part.ds,
                    self.ctx.display,
                    self.sheet.as_deref(),
                    Severity::Info,
                    InputMsg::SheetEmpty,
                );
                return Ok(());
            }
            self.decide(part);
        }
        match std::mem::replace(&mut self.state, State::Searching) {
            State::Reading => {}
            State::Skipped(severity, reason) => {
                not_read(
                    &mut part.ds,
                    self.ctx.display,
                    self.sheet.as_deref(),
                    severity,
                    reason,
                );
                return Ok(());
            }
            State::Fatal(why) => bail!(Fail::new(why)),
            State::Searching => return Ok(()),
        }
        let ds = &mut part.ds;
        if self.kind == Kind::Sales {
            self.report.amount_used = Some(self.report.amount_used_fen as f64 / 100.0);
        }
        if let Some(map) = self.header.take() {
            let fields = ds.fields.entry(self.kind).or_default();
            for (_, f, _) in &map.cols {
                fields.insert(*f);
            }
        }
        ds.inputs.push(self.report);
        Ok(())
    }
}

pub(super) fn is_totals_label(cell: &RawCell) -> bool {
    let RawCell::Text(t) = cell else {
        return false;
    };
    // The first character fold_text would keep, lowercased, must start a label; most rows'
    // first cells fail here without the folding and lowercasing of the whole text.
    let first = t
        .chars()
        .filter(|c| !values::is_dropped(*c))
        .map(values::fold_char)
        .find(|c| !c.is_whitespace())
        .and_then(|c| c.to_lowercase().next());
    if !matches!(first, Some('合' | '总' | '小' | 't')) {
        return false;
    }
    let t: String = values::fold_text(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    ["合计", "总计", "小计", "total"]
        .iter()
        .any(|k| t.starts_with(k))
}
