//! Typing the cells of one data row into a record of its kind, each unreadable value an issue.

use super::*;

/// One data row with its column map, for typing cells and locating issues.
pub(super) struct RowCx<'a> {
    pub(super) cells: &'a [(u32, RawCell)],
    pub(super) map: &'a ColumnMap,
    pub(super) reader: &'a SheetReader<'a>,
    pub(super) row: u32,
    pub(super) date1904: bool,
}

impl RowCx<'_> {
    pub(super) fn cell(&self, f: Field) -> Option<(&RawCell, &str)> {
        let (col, header) = self.map.col(f)?;
        let i = self.cells.binary_search_by_key(&col, |(c, _)| *c).ok()?;
        let cell = &self.cells[i].1;
        if cell.is_blank() {
            None
        } else {
            Some((cell, header))
        }
    }

    pub(super) fn header(&self, f: Field) -> String {
        self.map
            .col(f)
            .map(|(_, h)| h.to_string())
            .unwrap_or_else(|| f.key().to_string())
    }

    pub(super) fn problem(&self, f: Field, raw: &RawCell, msg: InputMsg) -> Issue {
        let shown = if f == Field::Customer {
            values::mask_customer(&raw.display())
        } else {
            raw.display()
        };
        self.reader
            .issue(Severity::Error, self.row, msg)
            .column(&self.header(f))
            .value(shown)
    }

    /// A required value: missing or unreadable → an issue, None.
    pub(super) fn required<T>(
        &self,
        f: Field,
        what: Wanted,
        parse: impl Fn(&RawCell) -> Result<T, Why>,
        problems: &mut Vec<Issue>,
    ) -> Option<T> {
        match self.cell(f) {
            None => {
                problems.push(
                    self.reader
                        .issue(Severity::Error, self.row, InputMsg::Missing { what })
                        .column(&self.header(f))
                        .value(""),
                );
                None
            }
            Some((raw, _)) => self.parsed(f, raw, what, parse, problems),
        }
    }

    /// An optional value: absent → None; present but unreadable → an issue.
    pub(super) fn optional<T>(
        &self,
        f: Field,
        what: Wanted,
        parse: impl Fn(&RawCell) -> Result<T, Why>,
        problems: &mut Vec<Issue>,
    ) -> Option<T> {
        let (raw, _) = self.cell(f)?;
        self.parsed(f, raw, what, parse, problems)
    }

    pub(super) fn parsed<T>(
        &self,
        f: Field,
        raw: &RawCell,
        what: Wanted,
        parse: impl Fn(&RawCell) -> Result<T, Why>,
        problems: &mut Vec<Issue>,
    ) -> Option<T> {
        match parse(raw) {
            Ok(v) => Some(v),
            Err(why) => {
                let shown = if f == Field::Customer {
                    values::mask_customer(&raw.display())
                } else {
                    raw.display()
                };
                problems.push(self.problem(f, raw, InputMsg::Unreadable { shown, what, why }));
                None
            }
        }
    }

    pub(super) fn name(&self, f: Field, names: &mut PartNames) -> Option<Sym> {
        let (raw, _) = self.cell(f)?;
        if let Some(hit) = self.reader.memo.borrow().get(f, raw) {
            return hit;
        }
        let sym = match values::plain_name(raw) {
            Some(plain) => Some(names.intern(plain)),
            None => values::normalize_name(raw).map(|n| names.intern(&n)),
        };
        self.reader.memo.borrow_mut().put(f, raw, sym);
        sym
    }

    pub(super) fn required_name(
        &self,
        f: Field,
        what: Wanted,
        names: &mut PartNames,
        problems: &mut Vec<Issue>,
    ) -> Option<Sym> {
        if let Some((raw, _)) = self.cell(f) {
            if let Some(Some(sym)) = self.reader.memo.borrow().get(f, raw) {
                return Some(sym);
            }
            if let Some(plain) = values::plain_name(raw) {
                let sym = names.intern(plain);
                self.reader.memo.borrow_mut().put(f, raw, Some(sym));
                return Some(sym);
            }
        }
        let n = self.required(
            f,
            what,
            |c| values::normalize_name(c).ok_or(Why::Empty),
            problems,
        )?;
        let sym = names.intern(&n);
        if let Some((raw, _)) = self.cell(f) {
            self.reader.memo.borrow_mut().put(f, raw, Some(sym));
        }
        Some(sym)
    }

    pub(super) fn date(
        &self,
        f: Field,
        required: bool,
        problems: &mut Vec<Issue>,
    ) -> Option<NaiveDateTime> {
        let d1904 = self.date1904;
        let parse = |c: &RawCell| {
            let mut memo = self.reader.values.borrow_mut();
            memo.dates.typed(c, |c| values::parse_datetime(c, d1904))
        };
        if required {
            self.required(f, Wanted::Date, parse, problems)
        } else {
            self.optional(f, Wanted::Date, parse, problems)
        }
    }

    /// An amount (`values::parse_amount`), typed once per text.
    pub(super) fn amount(&self, c: &RawCell) -> Result<i64, Why> {
        let mut memo = self.reader.values.borrow_mut();
        memo.amounts.typed(c, values::parse_amount)
    }

    /// A yes/no flag (`values::parse_yes_no`), typed once per text.
    pub(super) fn yes_no(&self, c: &RawCell) -> Result<bool, Why> {
        let mut memo = self.reader.values.borrow_mut();
        memo.yes_no.typed(c, values::parse_yes_no)
    }

    /// A visit type (初诊 true, 复诊 false), typed once per text.
    pub(super) fn visit_type(&self, c: &RawCell) -> Result<bool, Why> {
        let mut memo = self.reader.values.borrow_mut();
        memo.visit_types.typed(c, parse_visit_type)
    }
}

pub(super) enum Record {
    Sale(Sale),
    Visit(Visit),
    Complaint(Complaint),
    Roster(RosterEntry),
    Target(TargetRow),
    Survey(Survey),
    Rating(Rating),
    Adjustment(Adjustment),
}

pub(super) fn parse_visit_type(c: &RawCell) -> Result<bool, Why> {
    let t = values::fold_text(&c.display()).to_lowercase();
    match t.as_str() {
        "初诊" | "首诊" | "新客" | "first" | "new" => Ok(true),
        "复诊" | "再诊" | "老客" | "return" | "revisit" => Ok(false),
        _ => Err(Why::VisitType),
    }
}

/// A period label for adjustments: `2026-10`, `2026年10月`, a date in the month, `2026Q3`, `2026`.
pub fn parse_period_label(c: &RawCell, date1904: bool) -> Result<String, Why> {
    let t = values::fold_text(&c.display()).to_uppercase();
    if let Some((y, q)) = t.split_once('Q') {
        let y = y.trim_end_matches('-').trim();
        if let (Ok(y), Ok(q)) = (y.parse::<i32>(), q.trim().parse::<u32>()) {
            if (1..=4).contains(&q) && (1900..=9999).contains(&y) {
                return Ok(format!("{y:04}Q{q}"));
            }
        }
        return Err(Why::QuarterForm);
    }
    let year_only = t.trim_end_matches('年');
    if year_only.len() == 4 && year_only.chars().all(|ch| ch.is_ascii_digit()) {
        return Ok(year_only.to_string());
    }
    let (y, m) = values::parse_month(c, date1904)?;
    Ok(format!("{y:04}-{m:02}"))
}

pub(super) fn parse_score_0_100(c: &RawCell) -> Result<f64, Why> {
    let v = values::parse_number(c)?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(Why::RatingRange)
    }
}

pub(super) fn parse_record(
    kind: Kind,
    cx: &RowCx,
    at: RowRef,
    names: &mut PartNames,
    problems: &mut Vec<Issue>,
) -> Option<Record> {
    let d1904 = cx.date1904;
    match kind {
        Kind::Sales => {
            let date = cx.date(Field::Date, true, problems);
            let customer = cx.required_name(Field::Customer, Wanted::Customer, names, problems);
            let amount = cx.required(Field::Amount, Wanted::Amount, |c| cx.amount(c), problems);
            let rec = Sale {
                at,
                date: date?.date(),
                customer: customer?,
                amount: amount?,
                order_id: cx.name(Field::OrderId, names),
                consultant: cx.name(Field::Consultant, names),
                doctor: cx.name(Field::Doctor, names),
                nurse: cx.name(Field::Nurse, names),
                department: cx.name(Field::Department, names),
                store: cx.name(Field::Store, names),
                item: cx.name(Field::Item, names),
                sale_type: cx.name(Field::Type, names),
            };
            Some(Record::Sale(rec))
        }
        Kind::Visits => {
            let date = cx.date(Field::Date, true, problems);
            let customer = cx.required_name(Field::Customer, Wanted::Customer, names, problems);
            let consultant =
                cx.required_name(Field::Consultant, Wanted::Consultant, names, problems);
            let first_visit = cx.optional(
                Field::VisitType,
                Wanted::VisitType,
                |c| cx.visit_type(c),
                problems,
            );
            let deal = cx.optional(Field::Deal, Wanted::YesNoDeal, |c| cx.yes_no(c), problems);
            if !problems.is_empty() {
                return None;
            }
            Some(Record::Visit(Visit {
                at,
                date: date?.date(),
                customer: customer?,
                consultant: consultant?,
                first_visit,
                channel: cx.name(Field::Channel, names),
                deal,
                department: cx.name(Field::Department, names),
                store: cx.name(Field::Store, names),
            }))
        }
        Kind::Complaints => {
            let when = cx.date(Field::Date, true, problems);
            let staff = cx.required_name(Field::Staff, Wanted::StaffMember, names, problems);
            let valid = cx.optional(Field::Valid, Wanted::YesNo, |c| cx.yes_no(c), problems);
            let resolved_at = cx.date(Field::ResolvedAt, false, problems);
            if !problems.is_empty() {
                return None;
            }
            Some(Record::Complaint(Complaint {
                at,
                when: when?,
                staff: staff?,
                customer: cx.name(Field::Customer, names),
                category: cx.name(Field::Category, names),
                valid: valid.unwrap_or(true),
                resolved_at,
            }))
        }
        Kind::Roster => {
            let staff = cx.required_name(Field::Staff, Wanted::Name, names, problems);
            let role = cx.required(
                Field::Role,
                Wanted::Role,
                |c| values::normalize_name(c).ok_or(Why::Empty),
                problems,
            );
            let target = cx.optional(
                Field::Target,
                Wanted::Amount,
                values::parse_amount,
                problems,
            );
            let hired = cx.optional(
                Field::Hired,
                Wanted::Date,
                |c| values::parse_date(c, d1904),
                problems,
            );
            let left = cx.optional(
                Field::Left,
                Wanted::Date,
                |c| values::parse_date(c, d1904),
                problems,
            );
            if !problems.is_empty() {
                return None;
            }
            Some(Record::Roster(RosterEntry {
                at,
                staff: staff?,
                staff_id: cx.name(Field::StaffId, names),
                role: role?,
                department: cx.name(Field::Department, names),
                store: cx.name(Field::Store, names),
                target,
                hired,
                left,
            }))
        }
        Kind::Targets => {
            let staff = cx.required_name(Field::Staff, Wanted::Name, names, problems);
            let month = cx.required(
                Field::Month,
                Wanted::Month,
                |c| values::parse_month(c, d1904),
                problems,
            );
            let target = cx.required(
                Field::Target,
                Wanted::Amount,
                values::parse_amount,
                problems,
            );
            Some(Record::Target(TargetRow {
                at,
                staff: staff?,
                month: month?,
                target: target?,
            }))
        }
        Kind::Surveys => {
            let date = cx.date(Field::Date, true, problems);
            let staff = cx.required_name(Field::Staff, Wanted::StaffMember, names, problems);
            let scale = cx.reader.scale;
            let score = cx.required(
                Field::Score,
                Wanted::Score,
                |c| {
                    let v = values::parse_number(c)?;
                    if (0.0..=scale).contains(&v) {
                        Ok(v)
                    } else {
                        Err(Why::SurveyRange { scale })
                    }
                },
                problems,
            );
            Some(Record::Survey(Survey {
                at,
                date: date?.date(),
                staff: staff?,
                score: score?,
                customer: cx.name(Field::Customer, names),
            }))
        }
        Kind::Ratings => {
            let staff = cx.required_name(Field::Staff, Wanted::Name, names, problems);
            let month = cx.required(
                Field::Month,
                Wanted::Month,
                |c| values::parse_month(c, d1904),
                problems,
            );
            let item = cx.required_name(Field::Item, Wanted::RatingItem, names, problems);
            let score = cx.required(Field::Score, Wanted::Score, parse_score_0_100, problems);
            Some(Record::Rating(Rating {
                at,
                staff: staff?,
                month: month?,
                item: item?,
                score: score?,
            }))
        }
        Kind::Adjustments => {
            let staff = cx.required_name(Field::Staff, Wanted::Name, names, problems);
            let period = cx.required(
                Field::Month,
                Wanted::Period,
                |c| parse_period_label(c, d1904),
                problems,
            );
            let text = |c: &RawCell| values::normalize_name(c).ok_or(Why::Empty);
            let metric = cx.required(Field::Metric, Wanted::Metric, text, problems);
            let item = cx.optional(Field::Item, Wanted::Item, text, problems);
            let value = cx.optional(Field::Value, Wanted::Number, values::parse_number, problems);
            let score_delta = cx.optional(
                Field::ScoreDelta,
                Wanted::Number,
                values::parse_number,
                problems,
            );
            let reason = cx.required(Field::Reason, Wanted::Reason, text, problems);
            let approved_by = cx.required(Field::ApprovedBy, Wanted::Approver, text, problems);
            if problems.is_empty() && value.is_none() && score_delta.is_none() {
                problems.push(cx.reader.issue(
                    Severity::Error,
                    cx.row,
                    InputMsg::AdjustmentNeedsValue,
                ));
            }
            if !problems.is_empty() {
                return None;
            }
            Some(Record::Adjustment(Adjustment {
                at,
                staff: staff?,
                period: period?,
                metric: metric?,
                item,
                value,
                score_delta,
                reason: reason?,
                approved_by: approved_by?,
            }))
        }
    }
}

impl Record {
    pub(super) fn in_period(&self, p: &Period) -> bool {
        match self {
            Record::Sale(r) => r.in_period(p),
            Record::Visit(r) => r.in_period(p),
            Record::Complaint(r) => r.in_period(p),
            Record::Roster(r) => r.in_period(p),
            Record::Target(r) => r.in_period(p),
            Record::Survey(r) => r.in_period(p),
            Record::Rating(r) => r.in_period(p),
            Record::Adjustment(r) => r.in_period(p),
        }
    }

    pub(super) fn store(self, ds: &mut Dataset) {
        match self {
            Record::Sale(r) => ds.sales.push(r),
            Record::Visit(r) => ds.visits.push(r),
            Record::Complaint(r) => ds.complaints.push(r),
            Record::Roster(r) => ds.roster.push(r),
            Record::Target(r) => ds.targets.push(r),
            Record::Survey(r) => ds.surveys.push(r),
            Record::Rating(r) => ds.ratings.push(r),
            Record::Adjustment(r) => ds.adjustments.push(r),
        }
    }
}
