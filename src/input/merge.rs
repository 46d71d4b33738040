//! Reading several files at once (SPEC §7): each file is typed on a thread of its own into a
//! [`Part`] — its own names, rows and issues — and the parts are merged into the dataset in file
//! order. Everything that depends on the order of files (the order names were first seen, rows
//! repeating a row of an earlier file, the order of issues) is decided in the merge, so the
//! dataset is the same as when the files are read one after another.

use super::{
    Adjustment, Complaint, Dataset, FxHasher, Kind, Numbering, PartNames, Rating, RosterEntry,
    RowRef, Sale, SharedNames, Survey, Sym, TargetRow, Visit,
};
use crate::issues::{Issue, Severity};
use crate::period::Period;
use chrono::Datelike;
use hashbrown::HashTable;
use std::hash::{Hash, Hasher};

/// What one file contributed, typed on its own: its rows' names are places in the shared
/// names (renumbered to `Sym`s when merged), `at.input` indexes its own inputs.
#[derive(Debug, Default)]
pub(super) struct Part {
    /// Its rows, inputs and issues (its `names` are unused: see `names` below).
    pub ds: Dataset,
    /// The places its rows were given, in the order first seen.
    pub names: PartNames,
    /// Per kind (`Kind as usize`), for each stored row in order: how many issues the file had
    /// raised before it, which is where an issue about that row belongs among them.
    pub issue_pos: [Vec<u32>; 8],
    /// The part goes on where the part before it stopped (a later chunk of a CSV file, or the
    /// rows of a sheet after those handed over): its first input is the rest of the dataset's
    /// last input, whose counts it adds to.
    pub continues: bool,
    /// Rows stored so far.
    pub rows: usize,
}

impl Part {
    /// Records where the row of `kind` about to be stored stands among the file's issues.
    pub fn note_row(&mut self, kind: Kind) {
        let at = u32::try_from(self.ds.issues.len()).unwrap_or(u32::MAX);
        self.issue_pos[kind as usize].push(at);
        self.rows += 1;
    }
}

/// A typed row as the merge sees it.
pub(super) trait Typed: Sized {
    /// Rewrites the row's names and input from its part's numbering to the dataset's.
    fn renumber(&mut self, names: &[Sym], input_base: u32);
    fn at(&self) -> RowRef;
    /// Hashes the fields that make two rows "the same row" (see [`Typed::same_row`]).
    fn hash_key(&self, h: &mut FxHasher);
    /// For sales: the same order id, date, customer, item and amount; for other kinds: every
    /// field equal.
    fn same_row(&self, other: &Self) -> bool;
    fn in_period(&self, p: &Period) -> bool;
    /// The amount in fen counted towards the input's total (sales only).
    fn amount_fen(&self) -> i64 {
        0
    }
    /// The day in the row's key, for a kind whose key holds one (two rows of different days
    /// are never the same row).
    fn day(&self) -> Option<i32> {
        None
    }
}

fn rn(names: &[Sym], s: Sym) -> Sym {
    // Every place in a part's rows is among the places it saw first, which were numbered
    // before its rows are renumbered.
    names[s.index()]
}

fn rn_opt(names: &[Sym], s: Option<Sym>) -> Option<Sym> {
    s.map(|s| rn(names, s))
}

fn renumber_at(at: &mut RowRef, input_base: u32) {
    at.input += input_base;
}

/// Implements `hash_key` and `same_row` from one list of fields, so the two cannot disagree.
macro_rules! row_key {
    (|$s:ident| $key:expr) => {
        fn hash_key(&self, h: &mut FxHasher) {
            let $s = self;
            $key.hash(h);
        }
        fn same_row(&self, other: &Self) -> bool {
            let a = {
                let $s = self;
                $key
            };
            let b = {
                let $s = other;
                $key
            };
            a == b
        }
    };
}

impl Typed for Sale {
    fn renumber(&mut self, n: &[Sym], base: u32) {
        renumber_at(&mut self.at, base);
        self.customer = rn(n, self.customer);
        self.order_id = rn_opt(n, self.order_id);
        self.consultant = rn_opt(n, self.consultant);
        self.doctor = rn_opt(n, self.doctor);
        self.nurse = rn_opt(n, self.nurse);
        self.department = rn_opt(n, self.department);
        self.store = rn_opt(n, self.store);
        self.item = rn_opt(n, self.item);
        self.sale_type = rn_opt(n, self.sale_type);
    }
    fn at(&self) -> RowRef {
        self.at
    }
    row_key!(|s| (s.order_id, s.date, s.customer, s.item, s.amount));
    fn day(&self) -> Option<i32> {
        Some(self.date.num_days_from_ce())
    }
    fn in_period(&self, p: &Period) -> bool {
        p.contains(self.date)
    }
    fn amount_fen(&self) -> i64 {
        self.amount
    }
}

impl Typed for Visit {
    fn renumber(&mut self, n: &[Sym], base: u32) {
        renumber_at(&mut self.at, base);
        self.customer = rn(n, self.customer);
        self.consultant = rn(n, self.consultant);
        self.channel = rn_opt(n, self.channel);
        self.department = rn_opt(n, self.department);
        self.store = rn_opt(n, self.store);
    }
    fn at(&self) -> RowRef {
        self.at
    }
    row_key!(|v| (
        v.date,
        v.customer,
        v.consultant,
        v.first_visit,
        v.channel,
        v.deal,
        v.department,
        v.store
    ));
    fn day(&self) -> Option<i32> {
        Some(self.date.num_days_from_ce())
    }
    fn in_period(&self, p: &Period) -> bool {
        p.contains(self.date)
    }
}

impl Typed for Complaint {
    fn renumber(&mut self, n: &[Sym], base: u32) {
        renumber_at(&mut self.at, base);
        self.staff = rn(n, self.staff);
        self.customer = rn_opt(n, self.customer);
        self.category = rn_opt(n, self.category);
    }
    fn at(&self) -> RowRef {
        self.at
    }
    row_key!(|c| (
        c.when,
        c.staff,
        c.customer,
        c.category,
        c.valid,
        c.resolved_at
    ));
    fn day(&self) -> Option<i32> {
        Some(self.when.date().num_days_from_ce())
    }
    fn in_period(&self, p: &Period) -> bool {
        p.contains(self.when.date())
    }
}

impl Typed for RosterEntry {
    fn renumber(&mut self, n: &[Sym], base: u32) {
        renumber_at(&mut self.at, base);
        self.staff = rn(n, self.staff);
        self.staff_id = rn_opt(n, self.staff_id);
        self.department = rn_opt(n, self.department);
        self.store = rn_opt(n, self.store);
    }
    fn at(&self) -> RowRef {
        self.at
    }
    row_key!(|r| (
        r.staff,
        r.staff_id,
        &r.role,
        r.department,
        r.store,
        r.target,
        r.hired,
        r.left
    ));
    fn in_period(&self, _: &Period) -> bool {
        true
    }
}

impl Typed for TargetRow {
    fn renumber(&mut self, n: &[Sym], base: u32) {
        renumber_at(&mut self.at, base);
        self.staff = rn(n, self.staff);
    }
    fn at(&self) -> RowRef {
        self.at
    }
    row_key!(|t| (t.staff, t.month, t.target));
    fn in_period(&self, p: &Period) -> bool {
        p.year_months().contains(&self.month)
    }
}

impl Typed for Survey {
    fn renumber(&mut self, n: &[Sym], base: u32) {
        renumber_at(&mut self.at, base);
        self.staff = rn(n, self.staff);
        self.customer = rn_opt(n, self.customer);
    }
    fn at(&self) -> RowRef {
        self.at
    }
    row_key!(|s| (s.date, s.staff, s.score.to_bits(), s.customer));
    fn day(&self) -> Option<i32> {
        Some(self.date.num_days_from_ce())
    }
    fn in_period(&self, p: &Period) -> bool {
        p.contains(self.date)
    }
}

impl Typed for Rating {
    fn renumber(&mut self, n: &[Sym], base: u32) {
        renumber_at(&mut self.at, base);
        self.staff = rn(n, self.staff);
        self.item = rn(n, self.item);
    }
    fn at(&self) -> RowRef {
        self.at
    }
    row_key!(|r| (r.staff, r.month, r.item, r.score.to_bits()));
    fn in_period(&self, p: &Period) -> bool {
        p.year_months().contains(&self.month)
    }
}

impl Typed for Adjustment {
    fn renumber(&mut self, n: &[Sym], base: u32) {
        renumber_at(&mut self.at, base);
        self.staff = rn(n, self.staff);
    }
    fn at(&self) -> RowRef {
        self.at
    }
    row_key!(|a| (
        a.staff,
        &a.period,
        &a.metric,
        &a.item,
        a.value.map(f64::to_bits),
        a.score_delta.map(f64::to_bits),
        &a.reason,
        &a.approved_by
    ));
    fn in_period(&self, p: &Period) -> bool {
        self.period == p.label
    }
}

/// The hash of a row's key, as the repeat tables use it.
pub(super) type KeyHash<T> = fn(&T) -> u64;

fn fx_key<T: Typed>(row: &T) -> u64 {
    let mut h = FxHasher::default();
    row.hash_key(&mut h);
    h.finish()
}

/// 32 well-mixed bits of a key's 64-bit hash (the top of a folded multiply).
fn key_bits(h: u64) -> u32 {
    let full = u128::from(h) * u128::from(0x9E37_79B9_7F4A_7C15_u64);
    (((full as u64) ^ ((full >> 64) as u64)) >> 32) as u32
}

/// The table's hash of a key from its 32 bits, spread over 64 (buckets come from the low
/// bits, a tag from the top seven).
fn table_hash(bits: u32) -> u64 {
    u64::from(bits).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The rows of one kind already in the dataset, found by their key. A table holds positions in
/// the dataset's vector of that kind with 32 bits of their key's hash (so the table grows
/// without reading the rows again), and a hit is confirmed by comparing the rows' fields, so
/// two different rows whose keys hash alike are never taken for a repeat.
///
/// The rows of a day (for kinds whose key holds one) enter the table only once rows of that
/// day come from a second file: until then, each row of the day is stored whether or not it
/// repeats a row of its own file, and the table is not needed to tell. The files of a year
/// (one per quarter, say) seldom share a day, and their million rows are then never hashed.
pub(super) struct RepeatTable<T> {
    table: HashTable<(u32, u32)>,
    hash: KeyHash<T>,
    /// Each day's rows, by `Typed::day` (see `DayRows`).
    days: hashbrown::HashMap<i32, DayRows, FxBuild>,
}

type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

/// Where the rows of one day stand.
enum DayRows {
    /// Every row of the day so far came from file `file`; their positions, none in the table.
    OneFile { file: u32, rows: Vec<u32> },
    /// The day's rows are in the table.
    InTable,
}

impl<T: Typed> Default for RepeatTable<T> {
    fn default() -> Self {
        RepeatTable {
            table: HashTable::new(),
            hash: fx_key::<T>,
            days: Default::default(),
        }
    }
}

impl<T: Typed> RepeatTable<T> {
    #[cfg(test)]
    pub fn with_hash(hash: KeyHash<T>) -> Self {
        RepeatTable {
            table: HashTable::new(),
            hash,
            days: Default::default(),
        }
    }

    /// The position in `rows` of the first row the same as `row`, which file `file` adds, else
    /// None after noting that `row` will be stored at `rows.len()`: where no row of its day
    /// came from another file, always None (its rows need no table to be told apart yet).
    fn first_or_note(&mut self, rows: &[T], row: &T, file: u32) -> Option<usize> {
        let Some(day) = row.day() else {
            return self.first_or_insert(rows, row);
        };
        let at = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        match self.days.entry(day) {
            hashbrown::hash_map::Entry::Vacant(v) => {
                v.insert(DayRows::OneFile {
                    file,
                    rows: vec![at],
                });
                return None;
            }
            hashbrown::hash_map::Entry::Occupied(mut o) => match o.get_mut() {
                DayRows::InTable => {}
                DayRows::OneFile {
                    file: f,
                    rows: day_rows,
                } if *f == file => {
                    day_rows.push(at);
                    return None;
                }
                DayRows::OneFile { .. } => {
                    // A second file has rows of this day: the day's rows enter the table in
                    // the order they were stored, as if they had entered it then.
                    if let DayRows::OneFile { rows: day_rows, .. } =
                        std::mem::replace(o.get_mut(), DayRows::InTable)
                    {
                        for i in day_rows {
                            if let Some(r) = rows.get(i as usize) {
                                self.first_or_insert_at(rows, r, i);
                            }
                        }
                    }
                }
            },
        }
        self.first_or_insert(rows, row)
    }

    /// The position in `rows` of the first row the same as `row`, else None after noting that
    /// `row` will be stored at `rows.len()`.
    fn first_or_insert(&mut self, rows: &[T], row: &T) -> Option<usize> {
        let at = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        self.first_or_insert_at(rows, row, at)
    }

    /// The position in `rows` of the first row the same as `row`, else None after noting that
    /// `row` is stored at `at`.
    fn first_or_insert_at(&mut self, rows: &[T], row: &T, at: u32) -> Option<usize> {
        let bits = key_bits((self.hash)(row));
        let h = table_hash(bits);
        if let Some(&(first, _)) = self.table.find(h, |&(i, b)| {
            b == bits && rows.get(i as usize).is_some_and(|r| r.same_row(row))
        }) {
            return Some(first as usize);
        }
        self.table
            .insert_unique(h, (at, bits), |&(_, b)| table_hash(b));
        None
    }
}

/// A row skipped as a repeat of another file's row: where its issue goes.
struct Repeat {
    pos: u32,
    at: RowRef,
}

/// The merging side: which rows are in the dataset and which file each input came from.
#[derive(Default)]
pub(super) struct Merger {
    /// The file (1-based, in file order) of each of the dataset's inputs.
    input_file: Vec<u32>,
    /// The `Sym` of each name's place, given in the order the merged parts first saw them.
    pub numbering: Numbering,
    sales: RepeatTable<Sale>,
    visits: RepeatTable<Visit>,
    complaints: RepeatTable<Complaint>,
    roster: RepeatTable<RosterEntry>,
    targets: RepeatTable<TargetRow>,
    surveys: RepeatTable<Survey>,
    ratings: RepeatTable<Rating>,
    adjustments: RepeatTable<Adjustment>,
}

impl Merger {
    /// Adds file `file_no`'s part to `ds`: its names, inputs, rows (a row repeating a row of an
    /// earlier file counts once, with an info issue) and issues, in the order reading the
    /// files one after another would have given.
    /// `shared` holds the places of the part's names (see `PartNames`).
    pub fn merge(
        &mut self,
        ds: &mut Dataset,
        part: Part,
        shared: &SharedNames,
        file_no: u32,
        period: Option<&Period>,
    ) {
        let Part {
            ds: p,
            names: mut part_names,
            issue_pos: pos,
            continues,
            rows: _,
        } = part;
        // The names the part saw first that no part before it saw get the next `Sym`s: the
        // order names are first seen reading the files one after another.
        let names = self.numbering.number(&mut part_names, shared);
        let continues = continues && !p.inputs.is_empty() && !ds.inputs.is_empty();
        let base = u32::try_from(ds.inputs.len() - usize::from(continues)).unwrap_or(u32::MAX);
        let mut inputs = p.inputs.into_iter();
        if continues {
            // The rest of the input before: its counts add up to those of the whole file.
            if let (Some(into), Some(more)) = (ds.inputs.last_mut(), inputs.next()) {
                into.rows += more.rows;
                into.used += more.used;
                into.out_of_period += more.out_of_period;
                into.rejected += more.rejected;
                into.skipped += more.skipped;
                into.amount_used_fen += more.amount_used_fen;
                // What only the end of reading tells (a text file's encoding).
                if !more.format.is_empty() {
                    into.format = more.format;
                }
                if more.encoding.is_some() {
                    into.encoding = more.encoding;
                }
            }
        }
        let before = ds.inputs.len();
        ds.inputs.extend(inputs);
        self.input_file
            .extend(std::iter::repeat_n(file_no, ds.inputs.len() - before));
        ds.not_read.extend(p.not_read);
        for (kind, fields) in p.fields {
            ds.fields.entry(kind).or_default().extend(fields);
        }
        let mut cx = KindCx {
            ds_inputs: &mut ds.inputs,
            input_file: &self.input_file,
            names: &names,
            base,
            file_no,
            period,
            repeats: Vec::new(),
        };
        let i = |k: Kind| &pos[k as usize][..];
        cx.rows(p.sales, i(Kind::Sales), &mut ds.sales, &mut self.sales);
        cx.rows(p.visits, i(Kind::Visits), &mut ds.visits, &mut self.visits);
        cx.rows(
            p.complaints,
            i(Kind::Complaints),
            &mut ds.complaints,
            &mut self.complaints,
        );
        cx.rows(p.roster, i(Kind::Roster), &mut ds.roster, &mut self.roster);
        cx.rows(
            p.targets,
            i(Kind::Targets),
            &mut ds.targets,
            &mut self.targets,
        );
        cx.rows(
            p.surveys,
            i(Kind::Surveys),
            &mut ds.surveys,
            &mut self.surveys,
        );
        cx.rows(
            p.ratings,
            i(Kind::Ratings),
            &mut ds.ratings,
            &mut self.ratings,
        );
        cx.rows(
            p.adjustments,
            i(Kind::Adjustments),
            &mut ds.adjustments,
            &mut self.adjustments,
        );
        let mut repeats = cx.repeats;
        // Rows of one position come from one sheet (by row) or from sheets in input order.
        repeats.sort_by_key(|r| (r.pos, r.at.input, r.at.row));
        let mut repeats = repeats.into_iter().peekable();
        ds.issues.reserve(p.issues.len() + repeats.len());
        for (k, issue) in p.issues.into_iter().enumerate() {
            while let Some(r) = repeats.next_if(|r| r.pos as usize <= k) {
                ds.issues.push(repeat_issue(&ds.inputs, r.at));
            }
            ds.issues.push(issue);
        }
        for r in repeats {
            ds.issues.push(repeat_issue(&ds.inputs, r.at));
        }
        for input in &mut ds.inputs[base as usize..] {
            if input.kind == Kind::Sales {
                input.amount_used = Some(input.amount_used_fen as f64 / 100.0);
            }
        }
    }
}

fn repeat_issue(inputs: &[super::InputReport], at: RowRef) -> Issue {
    let input = &inputs[at.input as usize];
    Issue::new(Severity::Info, crate::words::input::InputMsg::RepeatedRow)
        .at(&input.file, input.sheet.as_deref())
        .row(at.row)
}

/// One part's merge, kind by kind.
struct KindCx<'a> {
    ds_inputs: &'a mut Vec<super::InputReport>,
    input_file: &'a [u32],
    names: &'a [Sym],
    base: u32,
    file_no: u32,
    period: Option<&'a Period>,
    repeats: Vec<Repeat>,
}

impl KindCx<'_> {
    fn rows<T: Typed>(
        &mut self,
        rows: Vec<T>,
        pos: &[u32],
        into: &mut Vec<T>,
        table: &mut RepeatTable<T>,
    ) {
        into.reserve(rows.len());
        let input_file = self.input_file;
        let file_of = |r: &T| input_file[r.at().input as usize];
        for (k, mut row) in rows.into_iter().enumerate() {
            row.renumber(self.names, self.base);
            if let Some(first) = table.first_or_note(into, &row, self.file_no) {
                let first_file = file_of(&into[first]);
                if first_file != self.file_no {
                    self.skip_repeat(&row, pos.get(k).copied().unwrap_or(u32::MAX));
                    continue;
                }
            }
            into.push(row);
        }
    }

    /// Takes a repeat back out of its input's counts (the part counted it as read) and notes
    /// its issue.
    fn skip_repeat<T: Typed>(&mut self, row: &T, pos: u32) {
        let at = row.at();
        let report = &mut self.ds_inputs[at.input as usize];
        report.skipped += 1;
        let in_period = self.period.is_none_or(|p| row.in_period(p));
        if in_period {
            report.used = report.used.saturating_sub(1);
            report.amount_used_fen -= row.amount_fen();
        } else {
            report.out_of_period = report.out_of_period.saturating_sub(1);
        }
        self.repeats.push(Repeat { pos, at });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn sale(input: u32, row: u32, customer: Sym, amount: i64) -> Sale {
        Sale {
            at: RowRef { input, row },
            date: NaiveDate::from_ymd_opt(2026, 10, 3).unwrap(),
            customer,
            amount,
            order_id: None,
            consultant: None,
            doctor: None,
            nurse: None,
            department: None,
            store: None,
            item: None,
            sale_type: None,
        }
    }

    /// Which of `rows` (each with its file, files in order) are stored, the others being
    /// repeats of another file's row: with the table filled as rows come (`lazy` false) or
    /// with each day's rows entering it once a second file has rows of that day.
    fn stored(rows: &[(u32, Sale)], lazy: bool, hash: KeyHash<Sale>) -> Vec<bool> {
        let mut t = RepeatTable::<Sale>::with_hash(hash);
        let (mut into, mut files, mut out) = (Vec::new(), Vec::new(), Vec::new());
        for (file, row) in rows {
            let first = if lazy {
                t.first_or_note(&into, row, *file)
            } else {
                t.first_or_insert(&into, row)
            };
            if first.is_some_and(|f| files[f] != *file) {
                out.push(false);
                continue;
            }
            into.push(row.clone());
            files.push(*file);
            out.push(true);
        }
        out
    }

    #[test]
    fn a_days_rows_enter_the_table_when_a_second_file_has_that_day() {
        let mut names = super::super::Interner::default();
        let (a, b, c) = (
            names.intern("王女士"),
            names.intern("李女士"),
            names.intern("张先生"),
        );
        let on = |day: u32, mut s: Sale| {
            s.date = NaiveDate::from_ymd_opt(2026, 10, day).unwrap();
            s
        };
        let rows = vec![
            // File 1: a row twice (both stored: one file's rows never repeat each other).
            (1, on(1, sale(0, 2, a, 100))),
            (1, on(1, sale(0, 3, a, 100))),
            (1, on(2, sale(0, 4, b, 200))),
            // File 2: the day-1 row again (a repeat), a new day-1 row, the day-2 row again (a
            // repeat), a day only file 2 has.
            (2, on(1, sale(1, 2, a, 100))),
            (2, on(1, sale(1, 3, c, 100))),
            (2, on(2, sale(1, 4, b, 200))),
            (2, on(3, sale(1, 5, c, 300))),
            // File 3: repeats of file 1 and of file 2's own day, and a row of its own twice.
            (3, on(1, sale(2, 2, a, 100))),
            (3, on(3, sale(2, 3, c, 300))),
            (3, on(3, sale(2, 4, a, 300))),
            (3, on(3, sale(2, 5, a, 300))),
        ];
        let expected = vec![
            true, true, true, //
            false, true, false, true, //
            false, false, true, true,
        ];
        let hashes: [KeyHash<Sale>; 2] = [fx_key::<Sale>, |_| 7];
        for hash in hashes {
            assert_eq!(stored(&rows, false, hash), expected);
            assert_eq!(stored(&rows, true, hash), expected);
        }
    }

    #[test]
    fn rows_whose_keys_hash_alike_are_not_repeats() {
        // Every key hashes to 7: only the field comparison tells rows apart.
        let mut t = RepeatTable::<Sale>::with_hash(|_| 7);
        let mut names = super::super::Interner::default();
        let (a, b) = (names.intern("王女士"), names.intern("李女士"));
        let mut rows = Vec::new();
        for r in [
            sale(0, 5, a, 320000),
            sale(0, 6, b, 320000),
            sale(0, 7, a, 1),
        ] {
            assert_eq!(t.first_or_insert(&rows, &r), None);
            rows.push(r);
        }
        // The same customer, date and amount as row 5: found, at position 0.
        assert_eq!(t.first_or_insert(&rows, &sale(1, 9, a, 320000)), Some(0));
        assert_eq!(t.first_or_insert(&rows, &sale(1, 9, b, 1)), None);
    }
}
