//! Metric values per person (SPEC §3): one `Figure` per (person, metric, item, scope).
//!
//! Money is kept in fen (i64) while counting and turned into yuan (f64) only in the figure.

use crate::config::{Attribute, Config, Scope, SecondaryRule};
use crate::input::{Dataset, Field, FxBuild, Kind, Sale, Sym};
use crate::metrics::defs;
use crate::people::Person;
use crate::period::{Period, PeriodKind};
use chrono::{Duration, NaiveDate};
use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

/// The status of a figure (SPEC §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Insufficient,
    NoData,
    NoTarget,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Insufficient => "insufficient",
            Status::NoData => "no_data",
            Status::NoTarget => "no_target",
        }
    }

    /// The status for people (the words live in [`crate::words::labels::status`]).
    pub fn label(self, l: crate::Lang) -> &'static str {
        crate::words::labels::status(self, l)
    }
}

/// One metric's value for one person over the period.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub status: Status,
    /// The value as an exact fraction where it is one (counts, rates of counts, money in fen).
    pub exact: Option<(i128, i128)>,
    /// What the figure was counted from, as data; `explain` puts it into words.
    pub rows: Vec<Detail>,
}

/// One line of how a figure was counted (shown by `explain` in the run's language).
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// No input of the kind(s) the metric needs was given (sales; sales or visits; …).
    NoInput(&'static [Kind]),
    UnknownMetric(String),
    SalesRows {
        rows: usize,
        revenue: f64,
    },
    NoTarget,
    RevenueTarget {
        revenue: f64,
        target: f64,
    },
    Consultations {
        consultations: usize,
        deals: usize,
    },
    NewCustomers(usize),
    FirstVisits {
        consultations: usize,
        first: usize,
    },
    TicketPrice {
        revenue: f64,
        paying: usize,
    },
    Secondary {
        paying: usize,
        secondary: usize,
        /// The rule applied: by type or derived (`auto` has chosen one of them).
        rule: SecondaryRule,
    },
    Repurchase {
        paying: usize,
        bought_before: usize,
    },
    Complaints {
        valid: usize,
        served: usize,
    },
    Surveys {
        n: usize,
        scale: f64,
    },
    Complications {
        n: usize,
        treatments: usize,
    },
    Treatments(usize),
    ResolvedComplaints {
        n: usize,
        hours: f64,
    },
    Turnover {
        left: usize,
        at_start: usize,
    },
    Ratings {
        n: usize,
        item: Option<String>,
    },
    /// A mean's sum and count.
    Sum {
        sum: f64,
        n: usize,
    },
}

impl Figure {
    fn no_input(what: &'static [Kind]) -> Figure {
        Figure {
            value: None,
            numerator: None,
            denominator: None,
            status: Status::NoData,
            exact: None,
            rows: vec![Detail::NoInput(what)],
        }
    }
}

type SymMap<V> = HashMap<Sym, V, FxBuild>;

/// The rows of each kind, by the person they name: built once per dataset so a figure reads
/// only its own people's rows instead of every row of the chain (SPEC §7). Row numbers are
/// indices into the dataset's vectors, ascending.
#[derive(Default)]
pub struct Index {
    pub(super) sales_by_consultant: SymMap<Vec<u32>>,
    sales_by_doctor: SymMap<Vec<u32>>,
    sales_by_nurse: SymMap<Vec<u32>>,
    visits_by_consultant: SymMap<Vec<u32>>,
    complaints_by_staff: SymMap<Vec<u32>>,
    pub(super) surveys_by_staff: SymMap<Vec<u32>>,
    pub(super) ratings_by_staff: SymMap<Vec<u32>>,
    /// Every person's credited sales, copied out and sorted by date: what the sales aggregate
    /// reads. Shared by the index of all rows and the month indexes made from it.
    credited: std::sync::Arc<CreditedSales>,
    /// Every consultant's visits, copied out and sorted by date: what consultations read.
    /// Shared like `credited`.
    visited: std::sync::Arc<VisitCopies>,
    /// (customer, date, consultant) of every positive sale — the consultant only when the
    /// sales name one — for deals told from sales (SPEC §3.1).
    positive_sale_days: std::sync::OnceLock<HashSet<(Sym, NaiveDate, Option<Sym>)>>,
    /// The dates the dated rows were kept for (all when None).
    span: Option<(NaiveDate, NaiveDate)>,
}

/// What the sales aggregate ([`Context::sales_agg`]) reads of a sales row: 24 bytes of its
/// 56.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) struct Credited {
    date: NaiveDate,
    customer: Sym,
    order_id: Option<Sym>,
    sale_type: Option<Sym>,
    amount: i64,
}

impl Credited {
    fn of(s: &Sale) -> Credited {
        Credited {
            date: s.date,
            customer: s.customer,
            order_id: s.order_id,
            sale_type: s.sale_type,
            amount: s.amount,
        }
    }
}

/// Every sales row credited to each person, by consultant, doctor and nurse, copied out
/// ([`Credited`]) and sorted by date: a person's sales in a period are one slice, read side by
/// side instead of one cache miss per row (a person's rows lie hundreds of rows apart in the
/// dataset).
#[derive(Default)]
pub(super) struct CreditedSales {
    by: [SymMap<Vec<Credited>>; 3],
}

impl CreditedSales {
    /// The copies of the rows `list` holds (a map of one sales column, as
    /// [`Index::sales_by`]), in one pass over the sales in row order, each person's copies
    /// then sorted by date. `key` is the column.
    fn column(
        sales: &[Sale],
        list: &SymMap<Vec<u32>>,
        key: fn(&Sale) -> Option<Sym>,
    ) -> SymMap<Vec<Credited>> {
        // Each list's exact length is known: no list grows to twice its size.
        let mut map: SymMap<Vec<Credited>> = list
            .iter()
            .map(|(&k, rows)| (k, Vec::with_capacity(rows.len())))
            .collect();
        for s in sales {
            if let Some(v) = key(s).and_then(|k| map.get_mut(&k)) {
                v.push(Credited::of(s));
            }
        }
        for v in map.values_mut() {
            v.sort_by_key(|c| c.date);
        }
        map
    }

    /// The sales credited (by `attribute`) to `person` and dated from `from` to `to`.
    fn within(
        &self,
        attribute: Attribute,
        person: Sym,
        from: NaiveDate,
        to: NaiveDate,
    ) -> &[Credited] {
        let all = self.by[attribute_slot(attribute)].get(&person);
        dated(all.map_or(&[], Vec::as_slice), |c| c.date, from, to)
    }
}

/// The rows of `all` (sorted by `date`) dated from `from` to `to`: two binary searches.
fn dated<T>(all: &[T], date: impl Fn(&T) -> NaiveDate, from: NaiveDate, to: NaiveDate) -> &[T] {
    let lo = all.partition_point(|r| date(r) < from);
    let hi = all.partition_point(|r| date(r) <= to);
    &all[lo..hi.max(lo)]
}

/// What a consultation ([`consultations`]) reads of a visits row: 24 bytes of its 40.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) struct Visited {
    date: NaiveDate,
    customer: Sym,
    consultant: Sym,
    channel: Option<Sym>,
    store: Option<Sym>,
    deal: Option<bool>,
    first_visit: Option<bool>,
}

impl Visited {
    fn of(v: &crate::input::Visit) -> Visited {
        Visited {
            date: v.date,
            customer: v.customer,
            consultant: v.consultant,
            channel: v.channel,
            store: v.store,
            deal: v.deal,
            first_visit: v.first_visit,
        }
    }
}

/// Every visits row naming each consultant, copied out ([`Visited`]) and sorted by date, as
/// [`CreditedSales`] holds the sales: a consultant's visits in a period are one slice.
#[derive(Default)]
pub(super) struct VisitCopies {
    by: SymMap<Vec<Visited>>,
}

impl VisitCopies {
    fn of(visits: &[crate::input::Visit], list: &SymMap<Vec<u32>>) -> VisitCopies {
        let mut by: SymMap<Vec<Visited>> = list
            .iter()
            .map(|(&k, rows)| (k, Vec::with_capacity(rows.len())))
            .collect();
        for v in visits {
            if let Some(copies) = by.get_mut(&v.consultant) {
                copies.push(Visited::of(v));
            }
        }
        for copies in by.values_mut() {
            copies.sort_by_key(|v| v.date);
        }
        VisitCopies { by }
    }

    /// The visits naming `consultant`, dated from `from` to `to`, by date (row order within
    /// a day).
    fn within(&self, consultant: Sym, from: NaiveDate, to: NaiveDate) -> &[Visited] {
        let all = self.by.get(&consultant);
        dated(all.map_or(&[], Vec::as_slice), |v| v.date, from, to)
    }
}

/// `a()` and `b()`, `b` on a thread of its own (named `name`) when `threads` > 1. `b` is
/// called by reference, so it can still run here when no thread is to be had. The index and
/// the overview use it.
pub(crate) fn both<A, B: Send>(
    name: &str,
    threads: usize,
    a: impl FnOnce() -> A,
    b: impl Fn() -> B + Sync,
) -> (A, B) {
    if threads < 2 {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let b = &b;
        let other = std::thread::Builder::new()
            .name(name.into())
            .spawn_scoped(scope, b);
        let ra = a();
        let rb = match other {
            Ok(handle) => match handle.join() {
                Ok(rb) => rb,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => b(),
        };
        (ra, rb)
    })
}

fn group<T>(rows: &[T], key: impl Fn(&T) -> Option<Sym>) -> SymMap<Vec<u32>> {
    let mut map: SymMap<Vec<u32>> = SymMap::default();
    for (i, r) in rows.iter().enumerate() {
        if let Some(k) = key(r) {
            map.entry(k).or_default().push(i as u32);
        }
    }
    map
}

impl Index {
    pub fn new(ds: &Dataset) -> Index {
        Index::build(ds, None, 1)
    }

    /// [`Index::new`] built on up to two threads (`threads` > 1): the same index.
    pub fn new_on(ds: &Dataset, threads: usize) -> Index {
        Index::build(ds, None, threads)
    }

    /// An index of no one's rows, for [`consultations`] over rows given directly: they read
    /// only the days of positive sales from it, found (from every sale) on first use.
    pub fn unindexed() -> Index {
        Index::default()
    }

    /// Only the rows dated from `from` to `to` — sales from `sales_from`, for the 二开 derive
    /// look-back — and every rating (they carry a month): enough for the figures of a period
    /// inside that span. The tests' reference for [`Index::months`], which builds the same
    /// index for every month of a year in one pass over the rows.
    #[cfg(test)]
    pub fn within(ds: &Dataset, sales_from: NaiveDate, from: NaiveDate, to: NaiveDate) -> Index {
        Index::build(ds, Some((sales_from, from, to)), 1)
    }

    fn build(
        ds: &Dataset,
        span: Option<(NaiveDate, NaiveDate, NaiveDate)>,
        threads: usize,
    ) -> Index {
        let kept = |d: NaiveDate| span.is_none_or(|(_, from, to)| from <= d && d <= to);
        let sale_kept = |d: NaiveDate| span.is_none_or(|(from, _, to)| from <= d && d <= to);
        // A sales column's lists and their credited copies.
        let column = |key: fn(&Sale) -> Option<Sym>| {
            let list = group(&ds.sales, |s| key(s).filter(|_| sale_kept(s.date)));
            let copies = CreditedSales::column(&ds.sales, &list, key);
            (list, copies)
        };
        let others = || {
            let visits = group(&ds.visits, |v| kept(v.date).then_some(v.consultant));
            let visited = VisitCopies::of(&ds.visits, &visits);
            (
                (visits, visited),
                group(&ds.complaints, |c| kept(c.when.date()).then_some(c.staff)),
                group(&ds.surveys, |s| kept(s.date).then_some(s.staff)),
                group(&ds.ratings, |r| Some(r.staff)),
            )
        };
        let (((by_consultant, c), (by_doctor, d)), ((by_nurse, n), rest)) = both(
            "index",
            threads,
            || (column(|s| s.consultant), column(|s| s.doctor)),
            || (column(|s| s.nurse), others()),
        );
        let ((visits, visited), complaints, surveys, ratings) = rest;
        Index {
            sales_by_consultant: by_consultant,
            sales_by_doctor: by_doctor,
            sales_by_nurse: by_nurse,
            credited: std::sync::Arc::new(CreditedSales { by: [c, d, n] }),
            visited: std::sync::Arc::new(visited),
            visits_by_consultant: visits,
            complaints_by_staff: complaints,
            surveys_by_staff: surveys,
            ratings_by_staff: ratings,
            positive_sale_days: std::sync::OnceLock::new(),
            span: span.map(|(_, from, to)| (from, to)),
        }
    }

    /// The indexes [`Index::within`] gives for each of `months` (consecutive, ascending), with
    /// sales from `look_back` before each month's start, built in one pass over the rows: each
    /// row goes to the months whose span holds it, so every month's lists are those of its own
    /// `Index::within`, row numbers ascending. The 月度 sheet of a year reads the year once.
    /// `self` is an index of every row ([`Index::new`]): the month indexes share its copies
    /// of the credited sales.
    /// Built on up to two threads (`threads` > 1), the same indexes.
    pub fn months(
        &self,
        ds: &Dataset,
        months: &[Period],
        look_back: Duration,
        threads: usize,
    ) -> Vec<Index> {
        // The months holding day `d`: those ending on or after it and starting (less the
        // look-back for sales) on or before it.
        let slots = |d: NaiveDate, back: Duration| {
            let first = months.partition_point(|m| m.end < d);
            let last = months.partition_point(|m| m.start - back <= d);
            first..last.max(first)
        };
        // Each month's lists of the rows `key` names, from one pass over `rows`.
        fn lists<T>(
            rows: &[T],
            n: usize,
            slots: impl Fn(&T) -> std::ops::Range<usize>,
            key: impl Fn(&T) -> Option<Sym>,
        ) -> Vec<SymMap<Vec<u32>>> {
            let mut out: Vec<SymMap<Vec<u32>>> = (0..n).map(|_| SymMap::default()).collect();
            for (i, r) in rows.iter().enumerate() {
                let Some(k) = key(r) else { continue };
                for j in slots(r) {
                    out[j].entry(k).or_default().push(i as u32);
                }
            }
            out
        }
        let n = months.len();
        let sales =
            |key: fn(&Sale) -> Option<Sym>| lists(&ds.sales, n, |s| slots(s.date, look_back), key);
        let none = Duration::zero();
        let ((consultant, doctor), (nurse, visits, complaints, surveys)) = both(
            "index",
            threads,
            || (sales(|s| s.consultant), sales(|s| s.doctor)),
            || {
                (
                    sales(|s| s.nurse),
                    lists(
                        &ds.visits,
                        n,
                        |v| slots(v.date, none),
                        |v| Some(v.consultant),
                    ),
                    lists(
                        &ds.complaints,
                        n,
                        |c| slots(c.when.date(), none),
                        |c| Some(c.staff),
                    ),
                    lists(&ds.surveys, n, |s| slots(s.date, none), |s| Some(s.staff)),
                )
            },
        );
        // Every rating, in every month (they carry a month, not a date).
        let ratings = group(&ds.ratings, |r| Some(r.staff));
        let mut columns = (
            consultant.into_iter(),
            doctor.into_iter(),
            nurse.into_iter(),
            visits.into_iter(),
            complaints.into_iter(),
            surveys.into_iter(),
        );
        months
            .iter()
            .map(|m| Index {
                sales_by_consultant: columns.0.next().unwrap_or_default(),
                sales_by_doctor: columns.1.next().unwrap_or_default(),
                sales_by_nurse: columns.2.next().unwrap_or_default(),
                visits_by_consultant: columns.3.next().unwrap_or_default(),
                complaints_by_staff: columns.4.next().unwrap_or_default(),
                surveys_by_staff: columns.5.next().unwrap_or_default(),
                ratings_by_staff: ratings.clone(),
                credited: std::sync::Arc::clone(&self.credited),
                visited: std::sync::Arc::clone(&self.visited),
                positive_sale_days: std::sync::OnceLock::new(),
                span: Some((m.start, m.end)),
            })
            .collect()
    }

    /// (customer, date, consultant) of every positive sale (within the index's span, if any)
    /// — the consultant only when the sales name one — built on first use.
    pub(super) fn positive_sale_days(
        &self,
        ds: &Dataset,
    ) -> &HashSet<(Sym, NaiveDate, Option<Sym>)> {
        self.positive_sale_days.get_or_init(|| {
            let by_consultant = ds.has_field(Kind::Sales, Field::Consultant);
            let span = self.span;
            ds.sales
                .iter()
                .filter(|s| {
                    s.amount > 0 && span.is_none_or(|(from, to)| from <= s.date && s.date <= to)
                })
                .map(|s| {
                    let who = if by_consultant { s.consultant } else { None };
                    (s.customer, s.date, who)
                })
                .collect()
        })
    }

    pub(super) fn sales_by(&self, attribute: Attribute) -> &SymMap<Vec<u32>> {
        match attribute {
            Attribute::Doctor => &self.sales_by_doctor,
            Attribute::Nurse => &self.sales_by_nurse,
            Attribute::Consultant => &self.sales_by_consultant,
        }
    }
}

/// The rows of `map` naming any of `members`, ascending (so sums and means add up in the
/// same order as a scan of every row would). A row naming two members is listed once.
pub(super) fn rows_of(map: &SymMap<Vec<u32>>, members: &[Sym]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for m in members {
        if let Some(rows) = map.get(m) {
            out.extend_from_slice(rows);
        }
    }
    if members.len() > 1 {
        // One ascending run per member: the stable sort merges runs rather than re-sorting.
        out.sort();
        out.dedup();
    }
    out
}

/// What one figure is asked for: whose rows (`m`, sorted, each once — the members `scope`
/// gives `person`), which sales column credits them, the rating item and the minimum sample.
/// A metric's compute function (`defs::MetricDef::compute`) reads it.
#[derive(Clone, Copy)]
pub struct Args<'x> {
    /// None for a group without a person ([`Context::members_figure`]).
    pub person: Option<&'x Person>,
    pub item: Option<&'x str>,
    pub scope: Scope,
    pub attribute: Attribute,
    pub min: Option<u32>,
    pub m: &'x [Sym],
}

/// What a figure is computed from.
pub struct Context<'a> {
    pub ds: &'a Dataset,
    pub config: &'a Config,
    pub people: &'a [Person],
    pub period: &'a Period,
    pub(super) index: &'a Index,
    /// Customers with a positive sale in the 365 days before the period (复购率), found once.
    bought_before: OnceCell<HashSet<Sym>>,
    /// The 二开 rule in force (`auto` resolved), found once.
    secondary_rule: OnceCell<SecondaryRule>,
    /// Figures of department/store/all scope, by what they depend on: every member of a store
    /// shares its store's figure, computed once (a 客服主管's store KPIs, a bonus gate).
    group_figures: RefCell<HashMap<GroupKey, Figure>>,
    /// The same, shared with the contexts scoring the same period's other people on other
    /// threads: each group figure is computed by one of them.
    shared: Option<&'a SharedFigures>,
    /// The last credited-sales aggregate of each attribute, by members: revenue, attainment,
    /// ticket price, 二开率, 复购率, treatments and customers served of one person (scored one
    /// after another) start from it.
    last_sales_agg: RefCell<[Option<MembersSales>; 3]>,
    /// Whether each sales type is a 二开 type (`secondary.types`), found once per type.
    type_secondary: RefCell<HashMap<Sym, bool, FxBuild>>,
    /// The last consultations, by members: 成交率, 新客数 and 初诊数 of one person share them.
    last_consultations: RefCell<Option<MembersConsultations>>,
    /// The customers served being counted (see [`Context::customers_served`]).
    seen: RefCell<crate::input::SymSet>,
}

/// The credited-sales aggregate of a set of members (by one attribute).
type MembersSales = (Vec<Sym>, Rc<SalesAgg>);

/// Consultations of a set of members.
type MembersConsultations = (Vec<Sym>, Rc<Vec<Consultation>>);

/// The group figures of one period (and index), shared by the contexts scoring its people on
/// several threads: a store's figure is computed once, by whichever thread asks first (the
/// others wait for it), instead of once per thread. A figure depends only on its key, the
/// period and the rows, so which thread computes it changes nothing.
pub struct SharedFigures {
    figures: std::sync::Mutex<HashMap<GroupKey, std::sync::Arc<std::sync::OnceLock<Figure>>>>,
    /// The 二开 rule in force (`auto` resolved), found once for every context.
    rule: SecondaryRule,
}

impl SharedFigures {
    pub fn new(rule: SecondaryRule) -> SharedFigures {
        SharedFigures {
            figures: std::sync::Mutex::new(HashMap::new()),
            rule,
        }
    }

    fn cell(&self, key: &GroupKey) -> std::sync::Arc<std::sync::OnceLock<Figure>> {
        let mut map = match self.figures.lock() {
            Ok(m) => m,
            // A thread that panicked left the map as it was: each entry is whole.
            Err(poisoned) => poisoned.into_inner(),
        };
        std::sync::Arc::clone(map.entry(key.clone()).or_default())
    }
}

fn attribute_slot(attribute: Attribute) -> usize {
    match attribute {
        Attribute::Consultant => 0,
        Attribute::Doctor => 1,
        Attribute::Nurse => 2,
    }
}

/// What a group-scope figure depends on: metric, item, attribute, min_sample and the members.
type GroupKey = (
    &'static str,
    Option<String>,
    Attribute,
    Option<u32>,
    Vec<Sym>,
);

/// The 二开 rule in force: `auto` resolves to `type` when the sales inputs have a type column
/// holding any configured type value, else `derive` (SPEC §3.1).
pub fn secondary_rule_used(ds: &Dataset, config: &Config) -> SecondaryRule {
    match config.secondary.rule {
        SecondaryRule::Auto => {
            let has_value = ds.has_field(Kind::Sales, Field::Type)
                && ds.sales.iter().any(|s| is_type_secondary(ds, config, s));
            if has_value {
                SecondaryRule::Type
            } else {
                SecondaryRule::Derive
            }
        }
        r => r,
    }
}

pub(super) fn is_type_secondary(ds: &Dataset, config: &Config, s: &Sale) -> bool {
    s.sale_type
        .is_some_and(|t| is_secondary_type(ds, config, t))
}

/// Whether the sales type `t` is one of the 二开 types (`secondary.types`).
fn is_secondary_type(ds: &Dataset, config: &Config, t: Sym) -> bool {
    let t = ds.name(t).trim();
    config.secondary.types.iter().any(|x| x.trim() == t)
}

fn yuan(fen: i64) -> f64 {
    fen as f64 / 100.0
}

pub(super) fn attr_col(s: &Sale, attribute: Attribute) -> Option<Sym> {
    match attribute {
        Attribute::Doctor => s.doctor,
        Attribute::Nurse => s.nurse,
        Attribute::Consultant => s.consultant,
    }
}

/// Status of a rate, ratio or mean from its denominator (SPEC §3.3).
fn status_of(den: f64, min_sample: Option<u32>) -> Status {
    if den <= 0.0 {
        Status::NoData
    } else if min_sample.is_some_and(|m| den < m as f64) {
        Status::Insufficient
    } else {
        Status::Ok
    }
}

/// A rate of two counts.
fn rate(num: usize, den: usize, min: Option<u32>, rows: Vec<Detail>) -> Figure {
    let status = status_of(den as f64, min);
    Figure {
        value: (den > 0).then(|| num as f64 / den as f64),
        numerator: Some(num as f64),
        denominator: Some(den as f64),
        status,
        exact: (den > 0).then_some((num as i128, den as i128)),
        rows,
    }
}

/// A count (or sum) with its input present: always ok.
fn count(n: usize, rows: Vec<Detail>) -> Figure {
    Figure {
        value: Some(n as f64),
        numerator: None,
        denominator: None,
        status: Status::Ok,
        exact: Some((n as i128, 1)),
        rows,
    }
}

/// A mean over values (already mapped).
fn mean(values: &[f64], min: Option<u32>, mut rows: Vec<Detail>) -> Figure {
    let sum: f64 = values.iter().sum();
    let n = values.len();
    rows.push(Detail::Sum { sum, n });
    Figure {
        value: (n > 0).then(|| sum / n as f64),
        numerator: Some(sum),
        denominator: Some(n as f64),
        status: status_of(n as f64, min),
        exact: None,
        rows,
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

fn reduce((n, d): (i128, i128)) -> (i128, i128) {
    let g = gcd(n, d);
    let s = if d < 0 { -1 } else { 1 };
    (s * n / g, s * d / g)
}

/// Months in the period as a fraction (SPEC §3.2: a range is its days ÷ 30.4375).
fn months_frac(p: &Period) -> (i128, i128) {
    match p.kind {
        PeriodKind::Month => (1, 1),
        PeriodKind::Quarter => (3, 1),
        PeriodKind::Year => (12, 1),
        PeriodKind::Range => (p.days() as i128 * 10_000, 304_375),
    }
}

/// Days of the period someone was employed.
pub(super) fn employed_days(hired: Option<NaiveDate>, left: Option<NaiveDate>, p: &Period) -> i64 {
    let from = hired.map_or(p.start, |h| h.max(p.start));
    let to = left.map_or(p.end, |l| l.min(p.end));
    ((to - from).num_days() + 1).max(0)
}

/// A member for targets: name, roster target (fen), hired, left.
type Member = (Sym, Option<i64>, Option<NaiveDate>, Option<NaiveDate>);

/// One consultation (SPEC §3.1): a distinct (customer, date, consultant) among the visits.
#[derive(Debug, Clone, PartialEq)]
pub struct Consultation {
    pub customer: Sym,
    pub date: NaiveDate,
    pub consultant: Sym,
    /// A deal when any of its rows says so (or, without a deal column, from the sales).
    pub deal: bool,
    /// 初诊 when any of its rows says 初诊.
    pub first: bool,
    /// The channel and store of its first row.
    pub channel: Option<Sym>,
    pub store: Option<Sym>,
}

/// The consultations among `visits` (SPEC §3.1), in the order of their first rows: a distinct
/// (customer, date, consultant); a deal when any of its rows says deal = yes — or, when the
/// visits input has no deal column, when the customer has a positive sale that day credited to
/// that consultant (to anyone when the sales name no consultant); 初诊 when any row says so;
/// its channel and store are those of its first row.
pub fn consultations<'v>(
    ds: &Dataset,
    index: &Index,
    visits: impl Iterator<Item = &'v crate::input::Visit>,
) -> Vec<Consultation> {
    consultations_of(ds, index, visits.map(Visited::of), false)
}

/// [`consultations`] of the visits copied out. `by_day`: the visits come grouped by
/// (consultant, date) — every row of a consultation in one run — so what was seen is
/// forgotten at each new run, and the table stays the size of one consultant's day.
fn consultations_of(
    ds: &Dataset,
    index: &Index,
    visits: impl Iterator<Item = Visited>,
    by_day: bool,
) -> Vec<Consultation> {
    let has_deal = ds.has_field(Kind::Visits, Field::Deal);
    let sales_name_consultant = ds.has_field(Kind::Sales, Field::Consultant);
    let mut at: HashMap<(Sym, NaiveDate, Sym), usize, FxBuild> = HashMap::default();
    let mut out: Vec<Consultation> = Vec::new();
    let mut day: Option<(Sym, NaiveDate)> = None;
    for v in visits {
        if by_day && day != Some((v.consultant, v.date)) {
            day = Some((v.consultant, v.date));
            at.clear();
        }
        let key = (v.customer, v.date, v.consultant);
        let i = *at.entry(key).or_insert_with(|| {
            out.push(Consultation {
                customer: v.customer,
                date: v.date,
                consultant: v.consultant,
                deal: false,
                first: false,
                channel: v.channel,
                store: v.store,
            });
            out.len() - 1
        });
        let c = &mut out[i];
        c.deal |= v.deal == Some(true);
        c.first |= v.first_visit == Some(true);
    }
    if !has_deal {
        let days = index.positive_sale_days(ds);
        for c in &mut out {
            // A positive sale to the customer that day, by this consultant when the sales
            // name consultants.
            let who = sales_name_consultant.then_some(c.consultant);
            c.deal = days.contains(&(c.customer, c.date, who));
        }
    }
    out
}

/// The person's credited sales in the period, per customer.
struct SalesAgg {
    revenue: i64,
    rows: usize,
    /// The customers whose credited rows sum above zero.
    paying: Vec<Sym>,
    /// Distinct order ids of the positive rows, plus the positive rows without one.
    treatments: usize,
    /// Paying customers with a positive row of a 二开 type (counted only under the `type`
    /// rule).
    type_secondary_paying: usize,
}

impl<'a> Context<'a> {
    pub fn new(
        ds: &'a Dataset,
        config: &'a Config,
        people: &'a [Person],
        period: &'a Period,
        index: &'a Index,
    ) -> Context<'a> {
        Context {
            ds,
            config,
            people,
            period,
            index,
            bought_before: OnceCell::new(),
            secondary_rule: OnceCell::new(),
            group_figures: RefCell::new(HashMap::new()),
            shared: None,
            last_sales_agg: RefCell::new([None, None, None]),
            type_secondary: RefCell::new(HashMap::default()),
            last_consultations: RefCell::new(None),
            seen: RefCell::default(),
        }
    }

    /// A context sharing its group figures (and the 二开 rule) with the other contexts of
    /// `shared`: those scoring the same period from the same index on other threads.
    pub fn sharing(
        ds: &'a Dataset,
        config: &'a Config,
        people: &'a [Person],
        period: &'a Period,
        index: &'a Index,
        shared: &'a SharedFigures,
    ) -> Context<'a> {
        let cx = Context {
            shared: Some(shared),
            ..Context::new(ds, config, people, period, index)
        };
        let _ = cx.secondary_rule.set(shared.rule);
        cx
    }

    pub(super) fn secondary_rule(&self) -> SecondaryRule {
        *self
            .secondary_rule
            .get_or_init(|| secondary_rule_used(self.ds, self.config))
    }

    /// [`is_type_secondary`], found once per sales type.
    fn type_secondary(&self, sale_type: Option<Sym>) -> bool {
        let Some(t) = sale_type else {
            return false;
        };
        if let Some(&b) = self.type_secondary.borrow().get(&t) {
            return b;
        }
        let b = is_secondary_type(self.ds, self.config, t);
        self.type_secondary.borrow_mut().insert(t, b);
        b
    }

    /// The names whose rows count for `person` under `scope`, sorted, each once.
    pub(super) fn members(&self, person: &Person, scope: Scope) -> Vec<Sym> {
        let mut out = self.member_set(person, scope);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn member_set(&self, person: &Person, scope: Scope) -> Vec<Sym> {
        if scope == Scope::Own {
            return vec![person.sym];
        }
        let roster: Vec<(Sym, Option<Sym>, Option<Sym>)> = if self.ds.has(Kind::Roster) {
            self.ds
                .roster
                .iter()
                .map(|r| (r.staff, r.department, r.store))
                .collect()
        } else {
            self.people
                .iter()
                .map(|p| (p.sym, p.department, p.store))
                .collect()
        };
        let mut out: Vec<Sym> = match scope {
            Scope::Own => Vec::new(),
            Scope::Department => match person.department {
                Some(d) => roster
                    .iter()
                    .filter(|r| r.1 == Some(d))
                    .map(|r| r.0)
                    .collect(),
                None => Vec::new(),
            },
            Scope::Store => person
                .store
                .map(|s| self.store_members(s))
                .unwrap_or_default(),
            Scope::All => roster.iter().map(|r| r.0).collect(),
        };
        out.push(person.sym);
        out
    }

    /// The sales credited (by `attribute`) to any of `m` and dated in the period.
    pub(super) fn credited_sales(
        &self,
        attribute: Attribute,
        m: &[Sym],
    ) -> impl Iterator<Item = &'a Sale> {
        let ds = self.ds;
        let period = self.period;
        rows_of(self.index.sales_by(attribute), m)
            .into_iter()
            .map(move |i| &ds.sales[i as usize])
            .filter(move |s| period.contains(s.date))
    }

    fn sales_agg(&self, attribute: Attribute, m: &[Sym]) -> Rc<SalesAgg> {
        let slot = attribute_slot(attribute);
        if let Some((key, agg)) = self.last_sales_agg.borrow()[slot].as_ref() {
            if key == m {
                return Rc::clone(agg);
            }
        }
        let agg = Rc::new(self.sales_agg_uncached(attribute, m));
        self.last_sales_agg.borrow_mut()[slot] = Some((m.to_vec(), Rc::clone(&agg)));
        agg
    }

    /// One pass over the credited sales: everything the sales figures count from them.
    fn sales_agg_uncached(&self, attribute: Attribute, m: &[Sym]) -> SalesAgg {
        let by_type = self.secondary_rule() != SecondaryRule::Derive;
        // Each member's credited rows of the period, side by side: every figure counted here
        // is a sum or a set, so reading member by member and by date counts what a scan of
        // the rows in order counts.
        let (from, to) = (self.period.start, self.period.end);
        let credited = &self.index.credited;
        let rows: Vec<&[Credited]> = m
            .iter()
            .map(|&k| credited.within(attribute, k, from, to))
            .collect();
        let n = rows.iter().map(|r| r.len()).sum();
        // Each customer's sum and whether a positive row of theirs is of a 二开 type; sized
        // for every row at once, so the tables never grow.
        let mut by_customer: HashMap<Sym, (i64, bool), FxBuild> =
            HashMap::with_capacity_and_hasher(n, FxBuild::default());
        let mut orders: HashSet<Sym, FxBuild> =
            HashSet::with_capacity_and_hasher(n, FxBuild::default());
        let (mut revenue, mut loose) = (0, 0);
        for s in rows.into_iter().flatten() {
            revenue += s.amount;
            let c = by_customer.entry(s.customer).or_default();
            c.0 += s.amount;
            if s.amount > 0 {
                match s.order_id {
                    Some(o) => {
                        orders.insert(o);
                    }
                    None => loose += 1,
                }
                if by_type && !c.1 && self.type_secondary(s.sale_type) {
                    c.1 = true;
                }
            }
        }
        let paying = || by_customer.iter().filter(|(_, c)| c.0 > 0);
        SalesAgg {
            revenue,
            rows: n,
            type_secondary_paying: paying().filter(|(_, c)| c.1).count(),
            paying: paying().map(|(&k, _)| k).collect(),
            treatments: orders.len() + loose,
        }
    }

    /// The visits naming any of `m` as consultant, dated in the period.
    pub(super) fn member_visits(&self, m: &[Sym]) -> impl Iterator<Item = &'a crate::input::Visit> {
        let ds = self.ds;
        let period = self.period;
        rows_of(&self.index.visits_by_consultant, m)
            .into_iter()
            .map(move |i| &ds.visits[i as usize])
            .filter(move |v| period.contains(v.date))
    }

    /// The complaints naming any of `m`, dated in the period.
    pub(super) fn member_complaints(
        &self,
        m: &[Sym],
    ) -> impl Iterator<Item = &'a crate::input::Complaint> {
        let ds = self.ds;
        let period = self.period;
        rows_of(&self.index.complaints_by_staff, m)
            .into_iter()
            .map(move |i| &ds.complaints[i as usize])
            .filter(move |c| period.contains(c.when.date()))
    }

    pub(super) fn positive_sale_days(&self) -> &HashSet<(Sym, NaiveDate, Option<Sym>)> {
        self.index.positive_sale_days(self.ds)
    }

    fn consultations(&self, m: &[Sym]) -> Rc<Vec<Consultation>> {
        if let Some((key, cs)) = self.last_consultations.borrow().as_ref() {
            if key == m {
                return Rc::clone(cs);
            }
        }
        let cs = Rc::new(self.consultations_uncached(m));
        *self.last_consultations.borrow_mut() = Some((m.to_vec(), Rc::clone(&cs)));
        cs
    }

    /// The members' consultations in the period, from their visits side by side (member by
    /// member, by date): every figure counted from them is a count or a set, so their order
    /// is not the rows' order and need not be.
    fn consultations_uncached(&self, m: &[Sym]) -> Vec<Consultation> {
        let (from, to) = (self.period.start, self.period.end);
        let visited = &self.index.visited;
        let visits = m.iter().flat_map(|&k| visited.within(k, from, to)).copied();
        consultations_of(self.ds, self.index, visits, true)
    }

    /// The customers with a 二开 sale among `sales` (credited by `attribute` to members, in
    /// the period) under the `derive` rule: the same customer had a positive sale credited to
    /// the same person 1 to window_days days earlier, at any date (data before the period
    /// counts). (Under `type` the sales aggregate holds them: [`SalesAgg::type_secondary`].)
    fn derived_secondary_customers<'s>(
        &self,
        sales: impl Iterator<Item = &'s Sale>,
        attribute: Attribute,
        m: &[Sym],
    ) -> BTreeSet<Sym> {
        let positive = sales.filter(|s| s.amount > 0);
        // Every positive sale credited to a member, at any date, by (customer, person).
        let mut earlier: HashMap<(Sym, Sym), Vec<NaiveDate>> = HashMap::new();
        for i in rows_of(self.index.sales_by(attribute), m) {
            let t = &self.ds.sales[i as usize];
            if let (true, Some(p)) = (t.amount > 0, attr_col(t, attribute)) {
                earlier.entry((t.customer, p)).or_default().push(t.date);
            }
        }
        for dates in earlier.values_mut() {
            dates.sort_unstable();
        }
        let window = self.config.secondary.window_days as i64;
        positive
            .filter(|s| {
                let Some(p) = attr_col(s, attribute) else {
                    return false;
                };
                let Some(dates) = earlier.get(&(s.customer, p)) else {
                    return false;
                };
                // The first earlier sale on or after s.date − window: is it before s.date?
                let from = s.date - Duration::days(window);
                let at = dates.partition_point(|d| *d < from);
                dates.get(at).is_some_and(|d| *d < s.date)
            })
            .map(|s| s.customer)
            .collect()
    }

    /// Distinct customers of the consultations plus of every sales row naming a member as
    /// consultant, doctor or nurse, in the period; None when neither input was given.
    fn customers_served(&self, m: &[Sym]) -> Option<usize> {
        if !self.ds.has(Kind::Sales) && !self.ds.has(Kind::Visits) {
            return None;
        }
        // The customers of the members' visits: those of their consultations when these are
        // at hand (a consultant's 成交率 came first), the same customers.
        let cached = match self.last_consultations.borrow().as_ref() {
            Some((key, cs)) if key == m => Some(Rc::clone(cs)),
            _ => None,
        };
        // Counted in one set of bits kept by the context: no table is built per person.
        let mut seen = self.seen.borrow_mut();
        seen.clear();
        let (from, to) = (self.period.start, self.period.end);
        match cached {
            Some(cs) => cs.iter().for_each(|c| {
                seen.insert(c.customer);
            }),
            None => m
                .iter()
                .flat_map(|&k| self.index.visited.within(k, from, to))
                .for_each(|v| {
                    seen.insert(v.customer);
                }),
        }
        // Every credited row's customer, whatever its amount: those of the sales aggregates.
        let credited = &self.index.credited;
        for attribute in [Attribute::Consultant, Attribute::Doctor, Attribute::Nurse] {
            for &k in m {
                for s in credited.within(attribute, k, from, to) {
                    seen.insert(s.customer);
                }
            }
        }
        Some(seen.len())
    }

    /// Distinct order ids of credited positive sales in the period (rows without one count one each).
    fn treatments(&self, attribute: Attribute, m: &[Sym]) -> usize {
        self.sales_agg(attribute, m).treatments
    }

    /// The revenue target in fen as an exact fraction (SPEC §3.2), None when there is none.
    fn target(&self, person: &Person, scope: Scope, m: &[Sym]) -> Option<(i128, i128)> {
        let months = self.period.year_months();
        let (mn, md) = months_frac(self.period);
        let days = self.period.days() as i128;
        // (sym, roster target, hired, left) of each member.
        let who: Vec<Member> = if scope == Scope::Own {
            vec![(person.sym, person.roster_target, person.hired, person.left)]
        } else if self.ds.has(Kind::Roster) {
            let mut seen = HashSet::new();
            self.ds
                .roster
                .iter()
                .filter(|r| m.binary_search(&r.staff).is_ok() && seen.insert(r.staff))
                .map(|r| (r.staff, r.target, r.hired, r.left))
                .collect()
        } else {
            self.people
                .iter()
                .filter(|p| m.binary_search(&p.sym).is_ok())
                .map(|p| (p.sym, p.roster_target, p.hired, p.left))
                .collect()
        };
        let mut total: Option<(i128, i128)> = None;
        for (sym, roster_target, hired, left) in who {
            let rows: Vec<i64> = self
                .ds
                .targets
                .iter()
                .filter(|t| t.staff == sym && months.contains(&t.month))
                .map(|t| t.target)
                .collect();
            let part = if !rows.is_empty() {
                Some((rows.iter().sum::<i64>() as i128, 1))
            } else {
                roster_target.map(|t| {
                    if scope == Scope::Own {
                        let emp = employed_days(hired, left, self.period) as i128;
                        (t as i128 * mn * emp, md * days)
                    } else {
                        (t as i128 * mn, md)
                    }
                })
            };
            if let Some((n, d)) = part {
                total = Some(match total {
                    None => reduce((n, d)),
                    Some((tn, td)) => reduce((tn * d + n * td, td * d)),
                });
            }
        }
        total
    }

    /// The figure of `metric` for `person`. `attribute` is the role's sales column
    /// (`consultant`, `doctor`, `nurse`); `min_sample` overrides the metric's default.
    #[allow(clippy::too_many_arguments)]
    pub fn figure(
        &self,
        person: &Person,
        metric: &str,
        item: Option<&str>,
        scope: Scope,
        attribute: Attribute,
        min_sample: Option<u32>,
    ) -> Figure {
        let Some(def) = defs::metric(metric) else {
            return Figure {
                rows: vec![Detail::UnknownMetric(metric.to_string())],
                ..Figure::no_input(&[])
            };
        };
        let min = min_sample.or(def.min_sample);
        let m = self.members(person, scope);
        if scope == Scope::Own {
            return self.compute(Some(person), def, item, scope, attribute, min, &m);
        }
        let key: GroupKey = (def.key, item.map(str::to_string), attribute, min, m);
        if let Some(f) = self.group_figures.borrow().get(&key) {
            return f.clone();
        }
        let compute = || self.compute(Some(person), def, item, scope, attribute, min, &key.4);
        let f = match self.shared {
            Some(shared) => shared.cell(&key).get_or_init(compute).clone(),
            None => compute(),
        };
        self.group_figures.borrow_mut().insert(key, f.clone());
        f
    }

    /// The figure of `metric` over every row naming any of `members` (sorted, each once) — a
    /// store's roster people ([`Context::store_members`]) or everyone the data names
    /// ([`Context::everyone`]) — counted as a `scope = "store"` or `"all"` KPI counts them
    /// (SPEC §8.1 takes the clinic's and each store's rates "as §3"). `revenue_attainment`
    /// has no target here: targets belong to people.
    pub fn members_figure(&self, members: &[Sym], metric: &str, attribute: Attribute) -> Figure {
        let Some(def) = defs::metric(metric) else {
            return Figure {
                rows: vec![Detail::UnknownMetric(metric.to_string())],
                ..Figure::no_input(&[])
            };
        };
        self.compute(
            None,
            def,
            None,
            Scope::All,
            attribute,
            def.min_sample,
            members,
        )
    }

    /// The roster people of `store` (without a roster, the people found whose store it is —
    /// none), sorted, each once: whose rows a store's figures count (SPEC §3 `scope = "store"`).
    pub fn store_members(&self, store: Sym) -> Vec<Sym> {
        let mut out: Vec<Sym> = if self.ds.has(Kind::Roster) {
            self.ds
                .roster
                .iter()
                .filter(|r| r.store == Some(store))
                .map(|r| r.staff)
                .collect()
        } else {
            self.people
                .iter()
                .filter(|p| p.store == Some(store))
                .map(|p| p.sym)
                .collect()
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Everyone the data names as staff (sales consultant, doctor or nurse, visits consultant,
    /// complaints), sorted, each once: the clinic's figures count every row naming anyone.
    pub fn everyone(&self) -> Vec<Sym> {
        let ds = self.ds;
        let mut out: Vec<Sym> = ds
            .sales
            .iter()
            .flat_map(|s| [s.consultant, s.doctor, s.nurse])
            .flatten()
            .chain(ds.visits.iter().map(|v| v.consultant))
            .chain(ds.complaints.iter().map(|c| c.staff))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
    /// The figure, computed from the rows of `m` (the members `scope` gives `person`; for a
    /// group without a person, [`Context::members_figure`], every member's rows) by the
    /// metric's own function.
    #[allow(clippy::too_many_arguments)]
    fn compute(
        &self,
        person: Option<&Person>,
        def: &defs::MetricDef,
        item: Option<&str>,
        scope: Scope,
        attribute: Attribute,
        min: Option<u32>,
        m: &[Sym],
    ) -> Figure {
        let args = Args {
            person,
            item,
            scope,
            attribute,
            min,
            m,
        };
        (def.compute)(self, &args)
    }
}

// One function per metric, each named by its key and referenced from its definition
// (`defs::METRICS`): what the figure counts, from the rows of `a.m`.

/// `revenue`: see its definition in [`defs::METRICS`].
pub(super) fn revenue(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let has_sales = cx.ds.has(Kind::Sales);
    let &Args { attribute, m, .. } = a;
    if !has_sales {
        return Figure::no_input(&[Kind::Sales]);
    }
    let agg = cx.sales_agg(attribute, m);
    Figure {
        value: Some(yuan(agg.revenue)),
        numerator: None,
        denominator: None,
        status: Status::Ok,
        exact: Some(reduce((agg.revenue as i128, 100))),
        rows: vec![Detail::SalesRows {
            rows: agg.rows,
            revenue: yuan(agg.revenue),
        }],
    }
}

/// `revenue_attainment`: see its definition in [`defs::METRICS`].
pub(super) fn revenue_attainment(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let has_sales = cx.ds.has(Kind::Sales);
    let &Args {
        person,
        scope,
        attribute,
        m,
        ..
    } = a;
    let target = person.and_then(|p| cx.target(p, scope, m));
    let agg = has_sales.then(|| cx.sales_agg(attribute, m));
    let Some((tn, td)) = target else {
        return Figure {
            value: None,
            numerator: agg.as_ref().map(|a| yuan(a.revenue)),
            denominator: None,
            status: Status::NoTarget,
            exact: None,
            rows: vec![Detail::NoTarget],
        };
    };
    let target_yuan = tn as f64 / td as f64 / 100.0;
    let Some(agg) = agg else {
        return Figure {
            denominator: Some(target_yuan),
            ..Figure::no_input(&[Kind::Sales])
        };
    };
    let rows = vec![Detail::RevenueTarget {
        revenue: yuan(agg.revenue),
        target: target_yuan,
    }];
    if tn == 0 {
        return Figure {
            value: None,
            numerator: Some(yuan(agg.revenue)),
            denominator: Some(0.0),
            status: Status::NoData,
            exact: None,
            rows,
        };
    }
    // revenue / (tn / td) = revenue × td / tn
    let exact = reduce((agg.revenue as i128 * td, tn));
    Figure {
        value: Some(exact.0 as f64 / exact.1 as f64),
        numerator: Some(yuan(agg.revenue)),
        denominator: Some(target_yuan),
        status: Status::Ok,
        exact: Some(exact),
        rows,
    }
}

/// `conversion_rate`: see its definition in [`defs::METRICS`].
pub(super) fn conversion_rate(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let &Args { min, m, .. } = a;
    if !ds.has(Kind::Visits) {
        return Figure::no_input(&[Kind::Visits]);
    }
    let cs = cx.consultations(m);
    let deals = cs.iter().filter(|c| c.deal).count();
    let rows = vec![Detail::Consultations {
        consultations: cs.len(),
        deals,
    }];
    rate(deals, cs.len(), min, rows)
}

/// `new_customers`: see its definition in [`defs::METRICS`].
pub(super) fn new_customers(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let &Args { m, .. } = a;
    if !ds.has(Kind::Visits) {
        return Figure::no_input(&[Kind::Visits]);
    }
    let cs = cx.consultations(m);
    let n: BTreeSet<Sym> = cs
        .iter()
        .filter(|c| c.first && c.deal)
        .map(|c| c.customer)
        .collect();
    count(n.len(), vec![Detail::NewCustomers(n.len())])
}

/// `first_visits`: see its definition in [`defs::METRICS`].
pub(super) fn first_visits(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let &Args { m, .. } = a;
    if !ds.has(Kind::Visits) {
        return Figure::no_input(&[Kind::Visits]);
    }
    let cs = cx.consultations(m);
    let n = cs.iter().filter(|c| c.first).count();
    count(
        n,
        vec![Detail::FirstVisits {
            consultations: cs.len(),
            first: n,
        }],
    )
}

/// `ticket_price`: see its definition in [`defs::METRICS`].
pub(super) fn ticket_price(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let has_sales = cx.ds.has(Kind::Sales);
    let &Args {
        attribute, min, m, ..
    } = a;
    if !has_sales {
        return Figure::no_input(&[Kind::Sales]);
    }
    let agg = cx.sales_agg(attribute, m);
    let paying = agg.paying.len();
    let rows = vec![Detail::TicketPrice {
        revenue: yuan(agg.revenue),
        paying,
    }];
    let exact = (paying > 0).then(|| reduce((agg.revenue as i128, 100 * paying as i128)));
    Figure {
        value: exact.map(|(n, d)| n as f64 / d as f64),
        numerator: Some(yuan(agg.revenue)),
        denominator: Some(paying as f64),
        status: status_of(paying as f64, min),
        exact,
        rows,
    }
}

/// `secondary_rate`: see its definition in [`defs::METRICS`].
pub(super) fn secondary_rate(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let has_sales = cx.ds.has(Kind::Sales);
    let &Args {
        attribute, min, m, ..
    } = a;
    if !has_sales {
        return Figure::no_input(&[Kind::Sales]);
    }
    let rule = cx.secondary_rule();
    let agg = cx.sales_agg(attribute, m);
    let paying = &agg.paying;
    let second = match rule {
        SecondaryRule::Type | SecondaryRule::Auto => agg.type_secondary_paying,
        SecondaryRule::Derive => {
            let mut sorted = paying.clone();
            sorted.sort_unstable();
            cx.derived_secondary_customers(
                cx.credited_sales(attribute, m)
                    .filter(|s| sorted.binary_search(&s.customer).is_ok()),
                attribute,
                m,
            )
            .len()
        }
    };
    let rule_applied = match rule {
        SecondaryRule::Type | SecondaryRule::Auto => SecondaryRule::Type,
        SecondaryRule::Derive => SecondaryRule::Derive,
    };
    let rows = vec![Detail::Secondary {
        paying: paying.len(),
        secondary: second,
        rule: rule_applied,
    }];
    rate(second, paying.len(), min, rows)
}

/// `repurchase_rate`: see its definition in [`defs::METRICS`].
pub(super) fn repurchase_rate(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let has_sales = cx.ds.has(Kind::Sales);
    let &Args {
        attribute, min, m, ..
    } = a;
    if !has_sales {
        return Figure::no_input(&[Kind::Sales]);
    }
    let agg = cx.sales_agg(attribute, m);
    let paying = &agg.paying;
    let before = cx.bought_before.get_or_init(|| {
        let from = cx.period.start - Duration::days(365);
        ds.sales
            .iter()
            .filter(|s| s.amount > 0 && s.date >= from && s.date < cx.period.start)
            .map(|s| s.customer)
            .collect()
    });
    let n = paying.iter().filter(|c| before.contains(c)).count();
    let rows = vec![Detail::Repurchase {
        paying: paying.len(),
        bought_before: n,
    }];
    rate(n, paying.len(), min, rows)
}

/// `complaint_rate`: see its definition in [`defs::METRICS`].
pub(super) fn complaint_rate(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let &Args { min, m, .. } = a;
    let served = cx.customers_served(m);
    let complaints = ds
        .has(Kind::Complaints)
        .then(|| cx.member_complaints(m).filter(|c| c.valid).count());
    match (complaints, served) {
        (Some(n), Some(served)) => rate(
            n,
            served,
            min,
            vec![Detail::Complaints { valid: n, served }],
        ),
        (n, served) => Figure {
            numerator: n.map(|n| n as f64),
            denominator: served.map(|s| s as f64),
            ..Figure::no_input(if n.is_none() {
                &[Kind::Complaints]
            } else {
                &[Kind::Sales, Kind::Visits]
            })
        },
    }
}

/// `satisfaction`: see its definition in [`defs::METRICS`].
pub(super) fn satisfaction(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let &Args { min, m, .. } = a;
    if !ds.has(Kind::Surveys) {
        return Figure::no_input(&[Kind::Surveys]);
    }
    let scale = cx.config.surveys.scale;
    let vals: Vec<f64> = rows_of(&cx.index.surveys_by_staff, m)
        .into_iter()
        .map(|i| &ds.surveys[i as usize])
        .filter(|s| cx.period.contains(s.date))
        .map(|s| s.score * 100.0 / scale)
        .collect();
    mean(
        &vals,
        min,
        vec![Detail::Surveys {
            n: vals.len(),
            scale,
        }],
    )
}

/// `complication_rate`: see its definition in [`defs::METRICS`].
pub(super) fn complication_rate(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let has_sales = cx.ds.has(Kind::Sales);
    let &Args {
        attribute, min, m, ..
    } = a;
    if !has_sales || !ds.has(Kind::Complaints) {
        return Figure::no_input(if has_sales {
            &[Kind::Complaints]
        } else {
            &[Kind::Sales]
        });
    }
    let cats = &cx.config.complications.categories;
    let n = cx
        .member_complaints(m)
        .filter(|c| {
            c.valid
                && c.category.is_some_and(|k| {
                    let k = ds.name(k).trim();
                    cats.iter().any(|x| x.trim() == k)
                })
        })
        .count();
    let t = cx.treatments(attribute, m);
    rate(n, t, min, vec![Detail::Complications { n, treatments: t }])
}

/// `treatments`: see its definition in [`defs::METRICS`].
pub(super) fn treatments(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let has_sales = cx.ds.has(Kind::Sales);
    let &Args { attribute, m, .. } = a;
    if !has_sales {
        return Figure::no_input(&[Kind::Sales]);
    }
    let t = cx.treatments(attribute, m);
    count(t, vec![Detail::Treatments(t)])
}

/// `complaint_hours`: see its definition in [`defs::METRICS`].
pub(super) fn complaint_hours(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let &Args { min, m, .. } = a;
    if !ds.has(Kind::Complaints) {
        return Figure::no_input(&[Kind::Complaints]);
    }
    let mut minutes: i64 = 0;
    let mut n: usize = 0;
    for c in cx.member_complaints(m) {
        if let Some(r) = c.resolved_at {
            minutes += (r - c.when).num_minutes();
            n += 1;
        }
    }
    let exact = (n > 0).then(|| reduce((minutes as i128, 60 * n as i128)));
    Figure {
        value: exact.map(|(a, b)| a as f64 / b as f64),
        numerator: Some(minutes as f64 / 60.0),
        denominator: Some(n as f64),
        status: status_of(n as f64, min),
        exact,
        rows: vec![Detail::ResolvedComplaints {
            n,
            hours: minutes as f64 / 60.0,
        }],
    }
}

/// `turnover_rate`: see its definition in [`defs::METRICS`].
pub(super) fn turnover_rate(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let &Args { min, m, .. } = a;
    if !ds.has(Kind::Roster) {
        return Figure::no_input(&[Kind::Roster]);
    }
    let p = cx.period;
    let mut seen = HashSet::new();
    let in_scope: Vec<_> = ds
        .roster
        .iter()
        .filter(|r| m.binary_search(&r.staff).is_ok() && seen.insert((r.staff, r.staff_id)))
        .collect();
    let left = in_scope
        .iter()
        .filter(|r| r.left.is_some_and(|l| p.contains(l)))
        .count();
    let at_start = in_scope
        .iter()
        .filter(|r| r.hired.is_none_or(|h| h <= p.start) && r.left.is_none_or(|l| l >= p.start))
        .count();
    rate(
        left,
        at_start,
        min,
        vec![Detail::Turnover { left, at_start }],
    )
}

/// `rating`: see its definition in [`defs::METRICS`].
pub(super) fn rating(cx: &Context<'_>, a: &Args<'_>) -> Figure {
    let ds = cx.ds;
    let &Args { item, min, m, .. } = a;
    if !ds.has(Kind::Ratings) {
        return Figure::no_input(&[Kind::Ratings]);
    }
    let months = cx.period.year_months();
    let vals: Vec<f64> = rows_of(&cx.index.ratings_by_staff, m)
        .into_iter()
        .map(|i| &ds.ratings[i as usize])
        .filter(|r| {
            months.contains(&r.month) && item.is_none_or(|i| ds.name(r.item).trim() == i.trim())
        })
        .map(|r| r.score)
        .collect();
    mean(
        &vals,
        min,
        vec![Detail::Ratings {
            n: vals.len(),
            item: item.map(str::to_string),
        }],
    )
}

#[cfg(test)]
mod tests {
    //! Every expected number below is worked out by hand from the rows of
    //! `fixtures/clinic/LEDGER.md` (X = 消费明细 xlsx row, G = 补充导出 csv line, V = 到院咨询登记
    //! line, C = 投诉记录 row, S = 回访满意度 line, R/T/K = 人事考核资料 roster/targets/ratings row).
    use super::*;
    use crate::config::LoadedConfig;
    use crate::people;

    struct Fx {
        ds: Dataset,
        index: Index,
        config: Config,
        people: Vec<Person>,
        period: Period,
    }

    fn fixture() -> Fx {
        let loaded = LoadedConfig::builtin();
        let period = Period::month(2026, 10).unwrap();
        let ds = crate::input::load_fixture_clinic(&loaded, &period, 0);
        let (people, _) = people::resolve(&ds, &loaded.config, Some(&period));
        Fx {
            index: Index::new(&ds),
            ds,
            config: loaded.config,
            people,
            period,
        }
    }

    impl Fx {
        fn cx(&self) -> Context<'_> {
            Context::new(
                &self.ds,
                &self.config,
                &self.people,
                &self.period,
                &self.index,
            )
        }
        fn person(&self, name: &str) -> &Person {
            self.people.iter().find(|p| p.name == name).unwrap()
        }
        fn fig(&self, name: &str, metric: &str, item: Option<&str>, scope: Scope) -> Figure {
            let p = self.person(name);
            let attr = self.config.roles[&p.role].attribute.unwrap_or_default();
            self.cx().figure(p, metric, item, scope, attr, None)
        }
        fn own(&self, name: &str, metric: &str) -> Figure {
            self.fig(name, metric, None, Scope::Own)
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[track_caller]
    fn check(f: &Figure, value: f64, num: Option<f64>, den: Option<f64>, status: Status) {
        let v = f.value.unwrap_or(f64::NAN);
        assert!(close(v, value), "value {v} != {value}: {f:?}");
        assert_eq!(f.numerator.is_some(), num.is_some(), "{f:?}");
        if let (Some(a), Some(b)) = (f.numerator, num) {
            assert!(close(a, b), "numerator {a} != {b}: {f:?}");
        }
        assert_eq!(f.denominator.is_some(), den.is_some(), "{f:?}");
        if let (Some(a), Some(b)) = (f.denominator, den) {
            assert!(close(a, b), "denominator {a} != {b}: {f:?}");
        }
        assert_eq!(f.status, status, "{f:?}");
    }

    #[test]
    fn lin_xiaowen_consultant() {
        let fx = fixture();
        let n = "林晓雯";
        // revenue: X5 6800 + X7 12800 + X8 1980 + X10 2680 + X11 880 + X13 3200 + X15 2980
        //   + X17 (refund) −2980 + X21 1200 + X24 (partial refund) −800 + X26 9800 = 38540.
        check(&fx.own(n, "revenue"), 38540.0, None, None, Status::Ok);
        // target: T3 (2026-10) 65000 overrides roster R2 60000 → 38540 ÷ 65000.
        let f = fx.own(n, "revenue_attainment");
        check(
            &f,
            38540.0 / 65000.0,
            Some(38540.0),
            Some(65000.0),
            Status::Ok,
        );
        assert_eq!(f.exact, Some((1927, 3250)));
        // consultations: V15, V17, V19+V20 (same customer 13700003456, day, consultant → one;
        // V20 says 是 → deal, V19 says 初诊), V21, V23, V26 (未成交), V29, V35, V39 (未成交) = 9; deals 7.
        let f = fx.own(n, "conversion_rate");
        check(&f, 7.0 / 9.0, Some(7.0), Some(9.0), Status::Ok);
        assert_eq!(f.exact, Some((7, 9)));
        // paying: 13800001234 (X5 6800 + X21 1200), 13900002345 (X7+X8), 13700003456 (X10+X11),
        // 13600004567 (X13 3200 − X24 800), 18600006789 (X26) = 5; 13500005678 (X15 2980 − X17
        // 2980 = 0) is not paying. 38540 ÷ 5 = 7708.
        check(
            &fx.own(n, "ticket_price"),
            7708.0,
            Some(38540.0),
            Some(5.0),
            Status::Ok,
        );
        // 二开, rule auto → type (the sales have a 消费类型 column with 二开): X11 (13700003456),
        // X21 (13800001234) → 2 of 5 paying.
        assert_eq!(secondary_rule_used(&fx.ds, &fx.config), SecondaryRule::Type);
        check(
            &fx.own(n, "secondary_rate"),
            0.4,
            Some(2.0),
            Some(5.0),
            Status::Ok,
        );
        // complaints naming her in October: none (C2 is 2026-09-18). customers served: her
        // consultations' customers (V15 13800001234, V17 13900002345, V19 13700003456,
        // V21 13600004567, V23 13500005678, V26 13055556666, V35 18600006789, V39 13166667777) = 8;
        // her sales rows add no new customer. 0 ÷ 8, below min_sample 10.
        check(
            &fx.own(n, "complaint_rate"),
            0.0,
            Some(0.0),
            Some(8.0),
            Status::Insufficient,
        );
        // surveys in October: S7 4, S10 ５ (= 5), S15 2 → 80 + 100 + 40 = 220 over 3.
        check(
            &fx.own(n, "satisfaction"),
            220.0 / 3.0,
            Some(220.0),
            Some(3.0),
            Status::Ok,
        );
        // ratings: K4 专业知识 88 (K2 is September); K5 合规执业 95.
        let f = fx.fig(n, "rating", Some("专业知识"), Scope::Own);
        check(&f, 88.0, Some(88.0), Some(1.0), Status::Ok);
        let f = fx.fig(n, "rating", Some("合规执业"), Scope::Own);
        check(&f, 95.0, Some(95.0), Some(1.0), Status::Ok);
        // bonus gate: store 一店 complaint_rate. Valid October complaints naming 一店 people:
        // C3 王思琪, C4 陈建国 = 2. Customers served by 一店 people: 林晓雯's 8 above, 王思琪's
        // consultations add V14 18800007890, V27 15100009012, V32 13277778888 (11), sales rows
        // naming 一店 people add X12 15000008901, X30 15800000123 → 13.
        let f = fx.fig(n, "complaint_rate", None, Scope::Store);
        check(&f, 2.0 / 13.0, Some(2.0), Some(13.0), Status::Ok);
        // repurchase (not a consultant KPI, checked anyway): of the 5 paying customers only
        // 13800001234 bought in 2025-10-01..2026-09-30 (G3 2026-09-05).
        check(
            &fx.own(n, "repurchase_rate"),
            0.2,
            Some(1.0),
            Some(5.0),
            Status::Ok,
        );
        // first_visits: V17, V19/20, V21, V23, V26, V35, V39 = 7; new_customers (初诊 and deal):
        // 13900002345, 13700003456, 13600004567, 13500005678, 18600006789 = 5.
        check(&fx.own(n, "first_visits"), 7.0, None, None, Status::Ok);
        check(&fx.own(n, "new_customers"), 5.0, None, None, Status::Ok);
        // treatments by consultant: orders of X5, X7/X8 (one order), X10, X11, X13, X15, X21, X26 = 8.
        check(&fx.own(n, "treatments"), 8.0, None, None, Status::Ok);
    }

    #[test]
    fn secondary_by_derive_rule() {
        let mut fx = fixture();
        fx.config.secondary.rule = SecondaryRule::Derive;
        // 林晓雯: X21 13800001234 has X5 (same consultant) 14 days earlier; X5 itself has G3
        // (2026-09-05, September data counts) 28 days earlier → one customer. X11 13700003456 has
        // only X10 the same day (does not count); X8 only X7 the same day. → 1 of 5 paying.
        check(
            &fx.own("林晓雯", "secondary_rate"),
            0.2,
            Some(1.0),
            Some(5.0),
            Status::Ok,
        );
        // 周婷: X9 13922223333 ← G4 2026-09-08 (28 d); X27 15066667777 ← G8 2026-09-20 (33 d);
        // X29 13811112222 ← X6 (21 d); G19 18655556666 ← X20 (14 d); X14 13733334444's earlier
        // G9 was 王思琪's, not hers → 4 of 6 paying.
        check(
            &fx.own("周婷", "secondary_rate"),
            4.0 / 6.0,
            Some(4.0),
            Some(6.0),
            Status::Ok,
        );
        // 王思琪: X12 15000008901 ← G5 2026-09-12 (27 d) → 1 of 4, below min_sample 5.
        let f = fx.own("王思琪", "secondary_rate");
        check(&f, 0.25, Some(1.0), Some(4.0), Status::Insufficient);
        // window 20 days: 周婷 loses X9 (28), X27 (33), X29 (21); keeps G19 (14) → 1 of 6.
        fx.config.secondary.window_days = 20;
        check(
            &fx.own("周婷", "secondary_rate"),
            1.0 / 6.0,
            Some(1.0),
            Some(6.0),
            Status::Ok,
        );
    }

    #[test]
    fn zhou_ting_consultant() {
        let fx = fixture();
        let n = "周婷";
        // revenue: X6 7200 + X9 13800 + X14 2680 + X20 2980 + X23 8800 + X27 1980 + X29 1500
        //   + G19 1500 = 40440 (X31 rejected: invalid date; G17 is a repeat of X29, skipped).
        check(&fx.own(n, "revenue"), 40440.0, None, None, Status::Ok);
        // target: T5 (2026年10月) 50000 overrides roster R8 55000.
        let f = fx.own(n, "revenue_attainment");
        check(&f, 0.8088, Some(40440.0), Some(50000.0), Status::Ok);
        // consultations V16, V18, V22, V24 (否), V28, V31, V36, V38, V40, V42 = 10; deals 9.
        check(
            &fx.own(n, "conversion_rate"),
            0.9,
            Some(9.0),
            Some(10.0),
            Status::Ok,
        );
        // paying: 13811112222 (X6+X29 8700), 13922223333, 13733334444, 18655556666 (X20+G19),
        // 18877778888, 15066667777 = 6 → 40440 ÷ 6 = 6740.
        check(
            &fx.own(n, "ticket_price"),
            6740.0,
            Some(40440.0),
            Some(6.0),
            Status::Ok,
        );
        // 二开 by type: X27 15066667777, X29 13811112222, G19 18655556666 → 3 of 6.
        check(
            &fx.own(n, "secondary_rate"),
            0.5,
            Some(3.0),
            Some(6.0),
            Status::Ok,
        );
        // C6 (valid, 2026-10-20) names her → 1; customers served: consultations' customers
        // 13811112222, 13922223333, 13733334444, 13388889999, 18655556666, 18877778888,
        // 15066667777, 17711112222 = 8 (her sales add none). 1 ÷ 8, below 10.
        let f = fx.own(n, "complaint_rate");
        check(&f, 0.125, Some(1.0), Some(8.0), Status::Insufficient);
        // S9 5, S14 4, S19 4 → 100 + 80 + 80 = 260 over 3 (S3 is September).
        check(
            &fx.own(n, "satisfaction"),
            260.0 / 3.0,
            Some(260.0),
            Some(3.0),
            Status::Ok,
        );
        // K9 专业知识 90; 合规执业 only K10 (得分 良好, rejected) → no rows: no_data, 0 and 0.
        let f = fx.fig(n, "rating", Some("专业知识"), Scope::Own);
        check(&f, 90.0, Some(90.0), Some(1.0), Status::Ok);
        let f = fx.fig(n, "rating", Some("合规执业"), Scope::Own);
        assert_eq!(f.value, None);
        assert_eq!((f.numerator, f.denominator), (Some(0.0), Some(0.0)));
        assert_eq!(f.status, Status::NoData);
        // complaint_hours: C6 has no 处理完成时间 → nothing to average.
        let f = fx.own(n, "complaint_hours");
        assert_eq!((f.value, f.status), (None, Status::NoData));
        // first_visits: V16, V22, V24, V28, V31, V40 = 6; new_customers: those with a deal = 5.
        check(&fx.own(n, "first_visits"), 6.0, None, None, Status::Ok);
        check(&fx.own(n, "new_customers"), 5.0, None, None, Status::Ok);
    }

    #[test]
    fn wang_siqi_below_min_sample() {
        let fx = fixture();
        // consultations V14 (是), V27 (成交), V32 (N) = 3 (V34 rejected: 是否成交 待定); 2 deals.
        // 3 < min_sample 5 → insufficient, value still reported.
        let f = fx.own("王思琪", "conversion_rate");
        check(&f, 2.0 / 3.0, Some(2.0), Some(3.0), Status::Insufficient);
        // a passed min_sample overrides the default.
        let p = fx.person("王思琪");
        let f = fx.cx().figure(
            p,
            "conversion_rate",
            None,
            Scope::Own,
            Attribute::Consultant,
            Some(3),
        );
        assert_eq!(f.status, Status::Ok);
        // revenue X4 1980 + X12 680 + X19 4200 + X30 880 = 7740 (X25 rejected); roster target 50000.
        let f = fx.own("王思琪", "revenue_attainment");
        check(
            &f,
            7740.0 / 50000.0,
            Some(7740.0),
            Some(50000.0),
            Status::Ok,
        );
        // K7 78 and K8 70, both 合规执业 in 2026-10 → mean 74 over 2.
        let f = fx.fig("王思琪", "rating", Some("合规执业"), Scope::Own);
        check(&f, 74.0, Some(148.0), Some(2.0), Status::Ok);
    }

    #[test]
    fn chen_jianguo_doctor() {
        let fx = fixture();
        let n = "陈建国";
        // by doctor: X4 1980 + X5 6800 + X7 12800 + X8 1980 + X10 2680 + X13 3200 + X15 2980
        //   + X17 −2980 + X19 4200 + X21 1200 + X24 −800 + X26 9800 = 43840 (X11 names no doctor).
        check(&fx.own(n, "revenue"), 43840.0, None, None, Status::Ok);
        // orders of positive sales: X4, X5, X7+X8 (SY202610050001), X10, X13, X15, X19, X21, X26 = 9.
        check(&fx.own(n, "treatments"), 9.0, None, None, Status::Ok);
        // C4 并发症, valid, names him → 1 ÷ 9 treatments, below min_sample 10.
        let f = fx.own(n, "complication_rate");
        check(&f, 1.0 / 9.0, Some(1.0), Some(9.0), Status::Insufficient);
        assert_eq!(f.exact, Some((1, 9)));
        // S5 5, S8 5, S17 3 → 100 + 100 + 60 = 260 over 3.
        check(
            &fx.own(n, "satisfaction"),
            260.0 / 3.0,
            Some(260.0),
            Some(3.0),
            Status::Ok,
        );
        // C4 2026-10-12 14:00 → resolved 2026-10-15 14:00 = 72 h.
        check(
            &fx.own(n, "complaint_hours"),
            72.0,
            Some(72.0),
            Some(1.0),
            Status::Ok,
        );
        // roster target R4 80000 → 43840 ÷ 80000.
        let f = fx.own(n, "revenue_attainment");
        check(&f, 0.548, Some(43840.0), Some(80000.0), Status::Ok);
    }

    #[test]
    fn invalid_complaint_is_not_a_complication() {
        let fx = fixture();
        // 郑凯: C7 不良反应 is a complication category but 无效 → 0. Orders of his positive
        // sales: X6, X9, X14, X20, X22, X23, X27, X29, G18, G19 = 10 → 0 ÷ 10, ok.
        let f = fx.own("郑凯", "complication_rate");
        check(&f, 0.0, Some(0.0), Some(10.0), Status::Ok);
        // complaint_hours counts it, valid or not: 11:00 → 17:30 = 6.5 h.
        check(
            &fx.own("郑凯", "complaint_hours"),
            6.5,
            Some(6.5),
            Some(1.0),
            Status::Ok,
        );
        // revenue 7200 + 13800 + 2680 + 2980 + 880 + 8800 + 1980 + 1500 + 1980 + 1500 = 43300.
        check(&fx.own("郑凯", "revenue"), 43300.0, None, None, Status::Ok);
    }

    #[test]
    fn liu_fang_nurse() {
        let fx = fixture();
        let n = "刘芳";
        // no complaints name her; customers of sales rows naming her as nurse: X4 18800007890,
        // X5/X21 13800001234, X7/X8 13900002345, X10/X11 13700003456, X12 15000008901,
        // X13/X24 13600004567, X15/X17 13500005678 (the refund row counts too), X19 15100009012,
        // X26 18600006789, X30 15800000123 = 10 → 0 ÷ 10, min_sample 10 met.
        check(
            &fx.own(n, "complaint_rate"),
            0.0,
            Some(0.0),
            Some(10.0),
            Status::Ok,
        );
        // S18 4 → 80 over 1, below min_sample 3.
        let f = fx.own(n, "satisfaction");
        check(&f, 80.0, Some(80.0), Some(1.0), Status::Insufficient);
        // orders of positive nurse sales: X4, X5, X7+X8, X10, X11, X12, X13, X15, X19, X21, X26,
        // X30 = 12.
        check(&fx.own(n, "treatments"), 12.0, None, None, Status::Ok);
        // K12 操作规范 92 (K3 is September).
        let f = fx.fig(n, "rating", Some("操作规范"), Scope::Own);
        check(&f, 92.0, Some(92.0), Some(1.0), Status::Ok);
        // revenue by nurse: 陈建国's 43840 + X11 880 + X12 680 + X30 880 = 46280; no target.
        check(&fx.own(n, "revenue"), 46280.0, None, None, Status::Ok);
        let f = fx.own(n, "revenue_attainment");
        assert_eq!((f.value, f.status), (None, Status::NoTarget));
    }

    #[test]
    fn zhao_min_supervisor_store_scope() {
        let fx = fixture();
        let n = "赵敏";
        let s = Scope::Store;
        // 一店 surveys in October: S5 5, S6 4, S7 4, S8 5, S10 5, S15 2, S16 5, S17 3, S18 4 =
        // 37 over 9 → 740 ÷ 9.
        let f = fx.fig(n, "satisfaction", None, s);
        check(&f, 740.0 / 9.0, Some(740.0), Some(9.0), Status::Ok);
        // 一店 consultations: 林晓雯 9 (7 deals) + 王思琪 3 (2 deals) = 12, 9 deals.
        check(
            &fx.fig(n, "conversion_rate", None, s),
            0.75,
            Some(9.0),
            Some(12.0),
            Status::Ok,
        );
        // C3 + C4 ÷ 13 customers served (see lin_xiaowen_consultant).
        let f = fx.fig(n, "complaint_rate", None, s);
        check(&f, 2.0 / 13.0, Some(2.0), Some(13.0), Status::Ok);
        // 一店 roster R2–R7 (孙悦 前台 counted: a roster person of the store): nobody left;
        // all 6 employed on 2026-10-01 → 0 ÷ 6.
        check(
            &fx.fig(n, "turnover_rate", None, s),
            0.0,
            Some(0.0),
            Some(6.0),
            Status::Ok,
        );
        // 培训效果 ratings of 一店 people: K15 赵敏 85.
        let f = fx.fig(n, "rating", Some("培训效果"), s);
        check(&f, 85.0, Some(85.0), Some(1.0), Status::Ok);
        // 二店 turnover (马晓燕): R12 何静 left 2026-10-15 → 1; employed on 10-01: R8 周婷,
        // R10 郑凯, R11 黄丽娟, R12 何静, R13 马晓燕 = 5 (R9 吴雨桐 hired 10-10) → 0.2.
        let f = fx.fig("马晓燕", "turnover_rate", None, s);
        check(&f, 0.2, Some(1.0), Some(5.0), Status::Ok);
        // 二店 (马晓燕): consultations 周婷 10 (9 deals) + 吴雨桐 V25, V30, V33, V37, V41 (3
        // deals) = 15, 12 deals.
        let f = fx.fig("马晓燕", "conversion_rate", None, s);
        check(&f, 0.8, Some(12.0), Some(15.0), Status::Ok);
        // surveys S9 5, S11 4, S12 5, S13 5, S14 4, S19 4, S20 5, S21 4 = 36 over 8 → 720 ÷ 8.
        let f = fx.fig("马晓燕", "satisfaction", None, s);
        check(&f, 90.0, Some(720.0), Some(8.0), Status::Ok);
        // valid complaints C5 何静, C6 周婷, C8 黄丽娟 (C7 郑凯 invalid) = 3; customers served:
        // 周婷's 8 consultation customers + 吴雨桐's 15199990000, 13645678901, 13499990000,
        // 15912345678, 13512340987 = 13 (二店 sales rows add none) → 3 ÷ 13.
        let f = fx.fig("马晓燕", "complaint_rate", None, s);
        check(&f, 3.0 / 13.0, Some(3.0), Some(13.0), Status::Ok);
    }

    #[test]
    fn roster_target_is_prorated_for_a_partial_month() {
        let fx = fixture();
        // 吴雨桐: X16 680 + X22 880 + G18 1980 = 3540; no targets rows → roster R9 40000 ×
        // 22/31 (hired 2026-10-10: 10-10..10-31 = 22 days).
        let f = fx.own("吴雨桐", "revenue_attainment");
        let target = 40000.0 * 22.0 / 31.0;
        check(&f, 3540.0 / target, Some(3540.0), Some(target), Status::Ok);
        assert_eq!(f.exact, Some(reduce((354_000 * 31, 4_000_000 * 22))));
    }

    #[test]
    fn deals_from_sales_without_a_deal_column() {
        let mut fx = fixture();
        fx.ds
            .fields
            .get_mut(&Kind::Visits)
            .unwrap()
            .remove(&Field::Deal);
        // 林晓雯: same-day positive sales credited to her: V15←X5, V17←X7, V19/20←X10,
        // V21←X13, V23←X15 (2980 > 0; its refund is another day), V29←X21, V35←X26; V26 and V39
        // have none → 7 of 9, as with the deal column.
        let f = fx.own("林晓雯", "conversion_rate");
        check(&f, 7.0 / 9.0, Some(7.0), Some(9.0), Status::Ok);
        // 周婷: V16←X6, V18←X9, V22←X14, V28←X20, V31←X23, V36←X27, V38←X29, V42←G19;
        // V24 none; V40 17711112222's X31 was rejected → 8 of 10.
        check(
            &fx.own("周婷", "conversion_rate"),
            0.8,
            Some(8.0),
            Some(10.0),
            Status::Ok,
        );
    }

    #[test]
    fn an_index_of_the_month_and_its_look_back_gives_the_same_figures() {
        // 月度 scores each month from Index::within (the month's rows, sales from window_days
        // earlier): every figure of every October person equals the one from the full index,
        // under the derive rule too (周婷's 二开 reach back to September: secondary_by_derive_rule).
        let mut fx = fixture();
        for rule in [SecondaryRule::Type, SecondaryRule::Derive] {
            fx.config.secondary.rule = rule;
            let start = fx.period.start;
            let within = Index::within(&fx.ds, start - Duration::days(90), start, fx.period.end);
            let month = Context::new(&fx.ds, &fx.config, &fx.people, &fx.period, &within);
            let full = fx.cx();
            for p in &fx.people {
                for metric in defs::metric_keys() {
                    let item = (metric == "rating").then_some("专业知识");
                    for scope in [Scope::Own, Scope::Store] {
                        let a = full.figure(p, metric, item, scope, Attribute::Consultant, None);
                        let b = month.figure(p, metric, item, scope, Attribute::Consultant, None);
                        assert_eq!(a, b, "{} {metric} {scope:?} {rule:?}", p.name);
                    }
                }
            }
        }
        // Without the look-back, 周婷's derived 二开 (X9 ← G4 2026-09-08, …) would be lost.
        fx.config.secondary.rule = SecondaryRule::Derive;
        let short = Index::within(&fx.ds, fx.period.start, fx.period.start, fx.period.end);
        let cx = Context::new(&fx.ds, &fx.config, &fx.people, &fx.period, &short);
        let f = cx.figure(
            fx.person("周婷"),
            "secondary_rate",
            None,
            Scope::Own,
            Attribute::Consultant,
            None,
        );
        assert_ne!(f.numerator, Some(4.0));
    }

    /// The lists of `ix` by kind, for comparing two indexes.
    fn lists(ix: &Index) -> Vec<&SymMap<Vec<u32>>> {
        vec![
            &ix.sales_by_consultant,
            &ix.sales_by_doctor,
            &ix.sales_by_nurse,
            &ix.visits_by_consultant,
            &ix.complaints_by_staff,
            &ix.surveys_by_staff,
            &ix.ratings_by_staff,
        ]
    }

    #[test]
    fn months_index_is_each_months_own_at_the_boundaries() {
        // Rows moved onto the days around the month ends: the first sale and visit to
        // 2026-09-30 (the last day of September), the second to 2026-10-01, the third to
        // 2026-10-31 and the fourth to 2026-11-01; the first complaint and survey to 09-30, the
        // second to 10-01. Index::months (one pass) must give each month the lists its own
        // Index::within gives, with and without the 二开 look-back.
        let mut fx = fixture();
        let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let days = [d(9, 30), d(10, 1), d(10, 31), d(11, 1)];
        for (i, day) in days.iter().enumerate() {
            fx.ds.sales[i].date = *day;
            fx.ds.visits[i].date = *day;
        }
        for (i, day) in days[..2].iter().enumerate() {
            fx.ds.complaints[i].when = day.and_hms_opt(23, 59, 0).unwrap();
            fx.ds.surveys[i].date = *day;
        }
        let months: Vec<Period> = [(8, 2026), (9, 2026), (10, 2026), (11, 2026)]
            .iter()
            .map(|&(m, y)| Period::month(y, m).unwrap())
            .collect();
        for (back, threads) in [0, 1, 31, 90].into_iter().flat_map(|b| [(b, 1), (b, 2)]) {
            let back = Duration::days(back);
            let all = Index::new(&fx.ds).months(&fx.ds, &months, back, threads);
            assert_eq!(all.len(), months.len());
            for (m, ix) in months.iter().zip(&all) {
                let own = Index::within(&fx.ds, m.start - back, m.start, m.end);
                assert!(
                    lists(ix) == lists(&own),
                    "{} back {back} threads {threads}",
                    m.label
                );
                assert_eq!(ix.span, own.span);
            }
        }
        // The index of every row, built on two threads, is the one built on one.
        let (one, two) = (Index::new(&fx.ds), Index::new_on(&fx.ds, 2));
        assert!(lists(&one) == lists(&two));
        assert!(one.credited.by == two.credited.by);
        // By hand: the visit of 09-30 (row 0) is September's and not October's; 10-01 (row 1)
        // and 10-31 (row 2) October's; 11-01 (row 3) November's.
        let all = Index::new(&fx.ds).months(&fx.ds, &months, Duration::zero(), 1);
        let visits = |ix: &Index| -> Vec<u32> {
            let mut v: Vec<u32> = ix
                .visits_by_consultant
                .values()
                .flatten()
                .copied()
                .collect();
            v.sort_unstable();
            v.retain(|r| *r < 4);
            v
        };
        assert_eq!(visits(&all[1]), vec![0]);
        assert_eq!(visits(&all[2]), vec![1, 2]);
        assert_eq!(visits(&all[3]), vec![3]);
        // Sales with a 1-day look-back: October also holds 09-30 (row 0), November 10-31 (row 2).
        let all = Index::new(&fx.ds).months(&fx.ds, &months, Duration::days(1), 1);
        let sales = |ix: &Index| -> Vec<u32> {
            let mut v: Vec<u32> = ix.sales_by_consultant.values().flatten().copied().collect();
            v.extend(ix.sales_by_doctor.values().flatten());
            v.extend(ix.sales_by_nurse.values().flatten());
            v.sort_unstable();
            v.dedup();
            v.retain(|r| *r < 4);
            v
        };
        assert_eq!(sales(&all[1]), vec![0]);
        assert_eq!(sales(&all[2]), vec![0, 1, 2]);
        assert_eq!(sales(&all[3]), vec![2, 3]);
    }

    #[test]
    fn credited_sales_of_a_month_are_its_rows_at_the_boundaries() {
        // The first four sales moved onto the days around the month ends (09-30, 10-01, 10-31,
        // 11-01) and every sale put in reverse row order, so each person's rows come latest
        // first: the month indexes share the index's date-sorted copies, and each month's
        // revenue and row count of each person, by each sales column, must be those of a
        // plain scan of the rows dated in the month.
        let mut fx = fixture();
        let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        for (i, day) in [d(9, 30), d(10, 1), d(10, 31), d(11, 1)].iter().enumerate() {
            fx.ds.sales[i].date = *day;
        }
        fx.ds.sales.reverse();
        let months: Vec<Period> = (8..=11).map(|m| Period::month(2026, m).unwrap()).collect();
        let all = Index::new(&fx.ds);
        let mut counted = 0;
        for (month, ix) in months
            .iter()
            .zip(all.months(&fx.ds, &months, Duration::zero(), 1))
        {
            let cx = Context::new(&fx.ds, &fx.config, &fx.people, month, &ix);
            for p in &fx.people {
                for attribute in [Attribute::Consultant, Attribute::Doctor, Attribute::Nurse] {
                    let rows: Vec<&Sale> = fx
                        .ds
                        .sales
                        .iter()
                        .filter(|s| attr_col(s, attribute) == Some(p.sym))
                        .filter(|s| month.start <= s.date && s.date <= month.end)
                        .collect();
                    let agg = cx.sales_agg(attribute, &[p.sym]);
                    let revenue: i64 = rows.iter().map(|s| s.amount).sum();
                    assert_eq!(
                        (agg.revenue, agg.rows),
                        (revenue, rows.len()),
                        "{} {} {attribute:?}",
                        month.label,
                        p.name
                    );
                    counted += rows.len();
                }
            }
        }
        // Every credited sale counted once per column naming someone: the scan found rows.
        assert!(counted > 4);
        // By hand: the sale moved to 10-31 (first row before the reversal, now the last) is
        // October's and not November's; the one moved to 11-01 is November's.
        let last = fx.ds.sales.len() - 1;
        let (moved_1031, moved_1101) = (&fx.ds.sales[last - 2], &fx.ds.sales[last - 3]);
        assert_eq!(moved_1031.date, d(10, 31));
        assert_eq!(moved_1101.date, d(11, 1));
        let who = moved_1031
            .consultant
            .expect("the fixture's third sale names a consultant");
        let oct = CreditedSales::within(
            &all.credited,
            Attribute::Consultant,
            who,
            d(10, 1),
            d(10, 31),
        );
        assert!(oct
            .iter()
            .any(|c| c.date == d(10, 31) && c.amount == moved_1031.amount));
        let nov = CreditedSales::within(
            &all.credited,
            Attribute::Consultant,
            who,
            d(11, 1),
            d(11, 30),
        );
        assert!(nov.iter().all(|c| c.date >= d(11, 1)));
    }

    #[test]
    fn customers_served_on_one_context_are_those_of_a_fresh_one() {
        // One context scores everyone one after another and counts each person's customers
        // served in the same set of bits: each count must be what a context of its own counts.
        // Checked by hand elsewhere: 林晓雯's store 一店 13 (lin_xiaowen_consultant), 刘芳 10
        // (liu_fang_nurse); here every person, own and store scope, and everyone twice over.
        let fx = fixture();
        let shared = fx.cx();
        let mut nonzero = 0;
        for _ in 0..2 {
            for p in &fx.people {
                for scope in [Scope::Own, Scope::Store] {
                    let m = shared.members(p, scope);
                    let once = fx.cx().customers_served(&m);
                    assert_eq!(shared.customers_served(&m), once, "{} {scope:?}", p.name);
                    nonzero += usize::from(once.unwrap_or(0) > 0);
                }
            }
        }
        let lin = fx.person("林晓雯");
        assert_eq!(
            shared.customers_served(&shared.members(lin, Scope::Store)),
            Some(13)
        );
        assert!(nonzero > 10, "{nonzero}");
    }

    #[test]
    fn consultations_from_the_day_sorted_copies_are_those_of_the_rows() {
        // The first visit repeated as the last row (one consultation of two rows, far apart
        // in the file, with a deal said only on the repeat) and the second visit's customer
        // seen the same day by another consultant: the consultations of every person, own
        // and store scope, in October and September, counted from the date-sorted copies a
        // day at a time, must be those counted from the rows in row order.
        let mut fx = fixture();
        let mut again = fx.ds.visits[0].clone();
        again.deal = Some(true);
        fx.ds.visits.push(again);
        let mut other = fx.ds.visits[1].clone();
        let first = fx.ds.visits[0].consultant;
        other.consultant = fx
            .people
            .iter()
            .map(|p| p.sym)
            .find(|&p| p != other.consultant && p != first)
            .expect("the fixture has three people");
        fx.ds.visits.push(other);
        let index = Index::new(&fx.ds);
        let key = |c: &Consultation| {
            (
                c.customer,
                c.date,
                c.consultant,
                c.deal,
                c.first,
                c.channel,
                c.store,
            )
        };
        let mut compared = 0;
        for period in [
            Period::month(2026, 10).unwrap(),
            Period::month(2026, 9).unwrap(),
        ] {
            let cx = Context::new(&fx.ds, &fx.config, &fx.people, &period, &index);
            for p in &fx.people {
                for scope in [Scope::Own, Scope::Store] {
                    let m = cx.members(p, scope);
                    let mut got: Vec<_> = cx.consultations(&m).iter().map(key).collect();
                    let mut want: Vec<_> = consultations(&fx.ds, &index, cx.member_visits(&m))
                        .iter()
                        .map(key)
                        .collect();
                    got.sort();
                    want.sort();
                    assert_eq!(got, want, "{} {} {scope:?}", period.label, p.name);
                    compared += want.len();
                }
            }
        }
        assert!(compared > 0);
        // By hand: the repeated first visit is still one consultation, now a deal.
        let v0 = &fx.ds.visits[0];
        let p0 = fx.people.iter().find(|p| p.sym == v0.consultant).unwrap();
        use chrono::Datelike;
        let period = Period::month(v0.date.year(), v0.date.month()).unwrap();
        let cx = Context::new(&fx.ds, &fx.config, &fx.people, &period, &index);
        let cs = cx.consultations(&[p0.sym]);
        let mine: Vec<_> = cs
            .iter()
            .filter(|c| c.customer == v0.customer && c.date == v0.date)
            .collect();
        assert_eq!(mine.len(), 1);
        assert!(mine[0].deal);
    }

    #[test]
    fn missing_input_is_null_no_data() {
        let mut fx = fixture();
        fx.ds.inputs.retain(|i| i.kind != Kind::Surveys);
        let f = fx.own("林晓雯", "satisfaction");
        assert_eq!((f.value, f.numerator, f.denominator), (None, None, None));
        assert_eq!(f.status, Status::NoData);
        assert_eq!(Status::NoData.key(), "no_data");
    }
}
