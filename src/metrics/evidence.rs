//! The rows behind each number (SPEC §1 `explain --rows`, §6.3 明细): for one person, per KPI,
//! every source row behind its numerator and denominator, with what it counts in and why.
//!
//! Computed only when asked for (`explain --rows`, `--split-by person`): it walks the person's
//! rows again through the same index and the same rules as [`Context::figure`], so `score` pays
//! nothing for it. It returns data — row references, symbols, amounts and a [`Why`] — and the
//! report layer puts it into words.

use super::compute::{attr_col, employed_days, is_type_secondary, rows_of, Args, Context, Index};
use super::defs;
use crate::config::{Attribute, Config, Role, Scope, SecondaryRule};
use crate::input::{Dataset, Field, Kind, RowRef, Sale, Sym};
use crate::people::Person;
use crate::period::Period;
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a row counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    Numerator,
    Denominator,
    Both,
    /// The value of a sum or count (revenue, treatments, 初诊数).
    Value,
    /// Listed because it explains a number, counted in neither part (a second row of one
    /// consultation, a refund that leaves a customer not paying, an invalid complaint).
    Neither,
}

impl Counts {
    pub fn key(self) -> &'static str {
        match self {
            Counts::Numerator => "numerator",
            Counts::Denominator => "denominator",
            Counts::Both => "both",
            Counts::Value => "value",
            Counts::Neither => "neither",
        }
    }

    pub fn in_numerator(self) -> bool {
        matches!(self, Counts::Numerator | Counts::Both | Counts::Value)
    }

    pub fn in_denominator(self) -> bool {
        matches!(self, Counts::Denominator | Counts::Both)
    }
}

/// Why a row counts (or is listed without counting).
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// A positive sale credited to the person.
    Sale,
    /// A refund (negative amount) credited to the person.
    Refund,
    /// The first positive sale of a paying customer (net > 0 in the period).
    PayingCustomer,
    /// A sale of a customer already counted.
    SameCustomer,
    /// A sale of a customer whose sales in the period net to 0 or less: not paying.
    NotPaying,
    /// A 二开 sale by its type value (`type` rule).
    SecondaryByType { sale_type: String },
    /// A 二开 sale by the `derive` rule: the same customer bought from the same person
    /// `days` days earlier, at `earlier`.
    SecondaryDerived { earlier: NaiveDate, days: i64 },
    /// A paying customer who bought (from anyone) at `earlier`, within 365 days before the period.
    Repurchase { earlier: NaiveDate },
    /// A consultation that was a deal, this row saying so.
    DealConsultation,
    /// A consultation that was a deal by a positive sale to the customer that day (no deal column).
    DealBySale,
    /// A consultation without a deal.
    NoDeal,
    /// Another row of a consultation already counted (same customer, date and consultant).
    SameConsultation,
    /// A consultation of type 初诊.
    FirstVisit,
    /// A customer whose 初诊 consultation was a deal.
    NewCustomer,
    /// A valid complaint naming the person.
    ValidComplaint,
    /// A complaint marked invalid.
    InvalidComplaint,
    /// A valid complaint in a complication category.
    Complication { category: String },
    /// A complaint that is not a complication (invalid, or another category).
    NotComplication,
    /// A customer served (first row naming them).
    CustomerServed,
    /// A treatment: the first positive sale row of an order (or a row without an order id).
    Treatment,
    /// Another row of an order already counted.
    SameOrder,
    /// A survey score, and the score it maps to on 0–100.
    Survey { mapped: f64 },
    /// A supervisor rating.
    Rating,
    /// A complaint resolved after `hours`.
    Resolved { hours: f64 },
    /// A complaint without a resolution time.
    Unresolved,
    /// A targets row for a month of the period.
    Target { month: (i32, u32) },
    /// The roster's monthly target × `months` × the `share` of the period employed.
    RosterTarget { months: f64, share: f64 },
    /// A roster person employed at the period start who left in the period.
    LeftInPeriod,
    /// A roster person employed at the period start.
    EmployedAtStart,
    /// A roster person hired after the period start.
    HiredInPeriod,
}

impl Why {
    /// A stable key for JSON.
    pub fn key(&self) -> &'static str {
        match self {
            Why::Sale => "sale",
            Why::Refund => "refund",
            Why::PayingCustomer => "paying_customer",
            Why::SameCustomer => "same_customer",
            Why::NotPaying => "not_paying",
            Why::SecondaryByType { .. } => "secondary_by_type",
            Why::SecondaryDerived { .. } => "secondary_derived",
            Why::Repurchase { .. } => "repurchase",
            Why::DealConsultation => "deal_consultation",
            Why::DealBySale => "deal_by_sale",
            Why::NoDeal => "no_deal",
            Why::SameConsultation => "same_consultation",
            Why::FirstVisit => "first_visit",
            Why::NewCustomer => "new_customer",
            Why::ValidComplaint => "valid_complaint",
            Why::InvalidComplaint => "invalid_complaint",
            Why::Complication { .. } => "complication",
            Why::NotComplication => "not_complication",
            Why::CustomerServed => "customer_served",
            Why::Treatment => "treatment",
            Why::SameOrder => "same_order",
            Why::Survey { .. } => "survey",
            Why::Rating => "rating",
            Why::Resolved { .. } => "resolved",
            Why::Unresolved => "unresolved",
            Why::Target { .. } => "target",
            Why::RosterTarget { .. } => "roster_target",
            Why::LeftInPeriod => "left_in_period",
            Why::EmployedAtStart => "employed_at_start",
            Why::HiredInPeriod => "hired_in_period",
        }
    }
}

/// One source row behind a number.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The input and its row number (1-based, as a spreadsheet shows it).
    pub at: RowRef,
    pub kind: Kind,
    pub date: Option<NaiveDate>,
    /// The customer, unmasked (the report layer masks it).
    pub customer: Option<Sym>,
    /// The sale's item (项目) or the rating's item.
    pub item: Option<Sym>,
    /// Money in fen: a sale's amount, a target.
    pub amount: Option<i64>,
    /// A visit's deal column as read.
    pub deal: Option<bool>,
    /// A survey score or rating as read.
    pub score: Option<f64>,
    pub counts: Counts,
    pub why: Why,
}

/// The rows behind one KPI of a person.
#[derive(Debug, Clone)]
pub struct KpiRows {
    pub metric: &'static str,
    pub item: Option<String>,
    pub rows: Vec<Row>,
}

/// The rows behind every KPI of `person` in `role` (in the role's KPI order). `index` is
/// `Index::new(ds)`, built once for any number of people.
pub fn person_rows(
    ds: &Dataset,
    cfg: &Config,
    people: &[Person],
    period: &Period,
    index: &Index,
    person: &Person,
    role: &Role,
) -> Vec<KpiRows> {
    let cx = Context::new(ds, cfg, people, period, index);
    let attribute = role.attribute.unwrap_or_default();
    let mut out = Vec::new();
    for kpi in &role.kpi {
        let Some(def) = defs::metric(&kpi.metric) else {
            continue;
        };
        // The scope the figure used (engine::score_person).
        let scope = kpi.scope.unwrap_or(def.default_scope);
        let m = cx.members(person, scope);
        let args = Args {
            person: Some(person),
            item: kpi.item.as_deref(),
            scope,
            attribute,
            min: None,
            m: &m,
        };
        let rows = (def.rows)(&Walk { cx: &cx, m: &m }, &args);
        out.push(KpiRows {
            metric: def.key,
            item: kpi.item.clone(),
            rows,
        });
    }
    out
}

/// The rows of one KPI: the members' rows, walked as the figure walks them.
pub struct Walk<'c, 'a> {
    cx: &'c Context<'a>,
    m: &'c [Sym],
}

fn sale_row(s: &Sale, counts: Counts, why: Why) -> Row {
    Row {
        at: s.at,
        kind: Kind::Sales,
        date: Some(s.date),
        customer: Some(s.customer),
        item: s.item,
        amount: Some(s.amount),
        deal: None,
        score: None,
        counts,
        why,
    }
}

/// Which of the visit metrics a walk of the consultations lists rows for.
#[derive(Clone, Copy, PartialEq)]
enum VisitMetric {
    /// 成交率: every consultation, its deal row in both parts.
    Conversion,
    /// 初诊上门量: the 初诊 consultations.
    FirstVisits,
    /// 新客数: the first 初诊 deal of each customer.
    NewCustomers,
}

/// What a sales-based ratio counts in its denominator (paying customers) and numerator.
#[derive(Clone, Copy, PartialEq)]
enum PerCustomer {
    /// 客单价: revenue ÷ paying customers.
    TicketPrice,
    /// 二开率: 二开 customers ÷ paying customers.
    Secondary,
    /// 复购率: paying customers who bought in the 365 days before ÷ paying customers.
    Repurchase,
}

impl Walk<'_, '_> {
    /// Every credited sale in the period, counted as `counts`: a sale or a refund.
    fn sales(&self, attribute: Attribute, counts: Counts) -> Vec<Row> {
        self.cx
            .credited_sales(attribute, self.m)
            .map(|s| {
                let why = if s.amount < 0 { Why::Refund } else { Why::Sale };
                sale_row(s, counts, why)
            })
            .collect()
    }

    /// The targets behind revenue attainment: the targets rows of the period's months, else
    /// the roster row's monthly target (as `Context::target` takes them).
    fn targets(&self, person: &Person, scope: Scope) -> Vec<Row> {
        let ds = self.cx.ds;
        let period = self.cx.period;
        let months = period.year_months();
        let mut rows = Vec::new();
        let who: Vec<Sym> = if scope == Scope::Own {
            vec![person.sym]
        } else {
            self.m.to_vec()
        };
        for sym in who {
            let target_rows: Vec<Row> = ds
                .targets
                .iter()
                .filter(|t| t.staff == sym && months.contains(&t.month))
                .map(|t| Row {
                    at: t.at,
                    kind: Kind::Targets,
                    date: NaiveDate::from_ymd_opt(t.month.0, t.month.1, 1),
                    customer: None,
                    item: None,
                    amount: Some(t.target),
                    deal: None,
                    score: None,
                    counts: Counts::Denominator,
                    why: Why::Target { month: t.month },
                })
                .collect();
            if !target_rows.is_empty() {
                rows.extend(target_rows);
                continue;
            }
            let Some(r) = ds
                .roster
                .iter()
                .find(|r| r.staff == sym && r.target.is_some())
            else {
                continue;
            };
            let share = if scope == Scope::Own {
                employed_days(person.hired, person.left, period) as f64 / period.days() as f64
            } else {
                1.0
            };
            rows.push(Row {
                at: r.at,
                kind: Kind::Roster,
                date: None,
                customer: None,
                item: None,
                amount: r.target,
                deal: None,
                score: None,
                counts: Counts::Denominator,
                why: Why::RosterTarget {
                    months: period.months(),
                    share,
                },
            });
        }
        rows
    }

    /// The credited sales of the period for a ratio over paying customers: each paying
    /// customer is counted once, on their first positive sale.
    fn per_customer(&self, attribute: Attribute, what: PerCustomer) -> Vec<Row> {
        let cx = self.cx;
        let ds = cx.ds;
        let sales: Vec<&Sale> = cx.credited_sales(attribute, self.m).collect();
        let mut net: HashMap<Sym, i64> = HashMap::new();
        for s in &sales {
            *net.entry(s.customer).or_default() += s.amount;
        }
        let rule = cx.secondary_rule();
        // derive: every positive sale credited to a member, at any date, by (customer, person).
        let mut earlier: HashMap<(Sym, Sym), Vec<NaiveDate>> = HashMap::new();
        if what == PerCustomer::Secondary && rule == SecondaryRule::Derive {
            for i in rows_of(cx.index.sales_by(attribute), self.m) {
                let t = &ds.sales[i as usize];
                if let (true, Some(p)) = (t.amount > 0, attr_col(t, attribute)) {
                    earlier.entry((t.customer, p)).or_default().push(t.date);
                }
            }
            for dates in earlier.values_mut() {
                dates.sort_unstable();
            }
        }
        let window = cx.config.secondary.window_days as i64;
        let secondary = |s: &Sale| -> Option<Why> {
            if s.amount <= 0 {
                return None;
            }
            match rule {
                SecondaryRule::Type | SecondaryRule::Auto => is_type_secondary(ds, cx.config, s)
                    .then(|| Why::SecondaryByType {
                        sale_type: s
                            .sale_type
                            .map(|t| ds.name(t).to_string())
                            .unwrap_or_default(),
                    }),
                SecondaryRule::Derive => {
                    let dates = earlier.get(&(s.customer, attr_col(s, attribute)?))?;
                    let from = s.date - Duration::days(window);
                    let at = dates.partition_point(|d| *d < from);
                    let d = dates.get(at).filter(|d| **d < s.date)?;
                    Some(Why::SecondaryDerived {
                        earlier: *d,
                        days: (s.date - *d).num_days(),
                    })
                }
            }
        };
        // 复购率: the latest positive sale (anyone's) in the 365 days before the period.
        let bought_before = |c: Sym| -> Option<NaiveDate> {
            let from = cx.period.start - Duration::days(365);
            ds.sales
                .iter()
                .filter(|s| {
                    s.customer == c && s.amount > 0 && s.date >= from && s.date < cx.period.start
                })
                .map(|s| s.date)
                .max()
        };
        let mut paying_seen: HashSet<Sym> = HashSet::new();
        let mut numerator_seen: HashSet<Sym> = HashSet::new();
        let mut rows = Vec::new();
        for s in sales {
            let paying = net.get(&s.customer).is_some_and(|n| *n > 0);
            let first_of_paying = paying && s.amount > 0 && paying_seen.insert(s.customer);
            let (counts, why) = match what {
                PerCustomer::TicketPrice => {
                    if s.amount < 0 {
                        (Counts::Numerator, Why::Refund)
                    } else if first_of_paying {
                        (Counts::Both, Why::PayingCustomer)
                    } else if paying {
                        (Counts::Numerator, Why::Sale)
                    } else {
                        (Counts::Numerator, Why::NotPaying)
                    }
                }
                PerCustomer::Secondary | PerCustomer::Repurchase => {
                    let in_numerator = if !paying || numerator_seen.contains(&s.customer) {
                        None
                    } else if what == PerCustomer::Secondary {
                        secondary(s)
                    } else if first_of_paying {
                        bought_before(s.customer).map(|earlier| Why::Repurchase { earlier })
                    } else {
                        None
                    };
                    if in_numerator.is_some() {
                        numerator_seen.insert(s.customer);
                    }
                    match (in_numerator, first_of_paying) {
                        (Some(why), true) => (Counts::Both, why),
                        (Some(why), false) => (Counts::Numerator, why),
                        (None, true) => (Counts::Denominator, Why::PayingCustomer),
                        (None, false) if s.amount < 0 => (Counts::Neither, Why::Refund),
                        (None, false) if paying => (Counts::Neither, Why::SameCustomer),
                        (None, false) => (Counts::Neither, Why::NotPaying),
                    }
                }
            };
            rows.push(sale_row(s, counts, why));
        }
        rows
    }

    /// The visits behind 成交率, 初诊上门量 and 新客数, one consultation (customer, date,
    /// consultant) at a time: its deciding row counts, its other rows are listed with it.
    fn visits(&self, metric: VisitMetric) -> Vec<Row> {
        let cx = self.cx;
        let ds = cx.ds;
        let has_deal = ds.has_field(Kind::Visits, Field::Deal);
        let sales_name_consultant = ds.has_field(Kind::Sales, Field::Consultant);
        let mut consultations: BTreeMap<(Sym, NaiveDate, Sym), Vec<&crate::input::Visit>> =
            BTreeMap::new();
        for v in cx.member_visits(self.m) {
            consultations
                .entry((v.customer, v.date, v.consultant))
                .or_default()
                .push(v);
        }
        let mut rows = Vec::new();
        let mut new_customers: HashSet<Sym> = HashSet::new();
        // Consultations in the order of their first row.
        let mut ordered: Vec<_> = consultations.into_iter().collect();
        ordered.sort_by_key(|(_, vs)| (vs[0].at.input, vs[0].at.row));
        for ((customer, date, consultant), vs) in ordered {
            let deal_row = if has_deal {
                vs.iter().position(|v| v.deal == Some(true))
            } else {
                let who = sales_name_consultant.then_some(consultant);
                cx.positive_sale_days()
                    .contains(&(customer, date, who))
                    .then_some(0)
            };
            let first_row = vs.iter().position(|v| v.first_visit == Some(true));
            let (decides, counts, why) = match metric {
                VisitMetric::Conversion => match deal_row {
                    Some(i) if has_deal => (i, Counts::Both, Why::DealConsultation),
                    Some(i) => (i, Counts::Both, Why::DealBySale),
                    None => (0, Counts::Denominator, Why::NoDeal),
                },
                VisitMetric::FirstVisits => match first_row {
                    Some(i) => (i, Counts::Value, Why::FirstVisit),
                    None => continue,
                },
                VisitMetric::NewCustomers => match (first_row, deal_row) {
                    (Some(_), Some(i)) if new_customers.insert(customer) => {
                        (i, Counts::Value, Why::NewCustomer)
                    }
                    (Some(_), Some(i)) => (i, Counts::Neither, Why::SameCustomer),
                    _ => continue,
                },
            };
            for (i, v) in vs.iter().enumerate() {
                let (counts, why) = if i == decides {
                    (counts, why.clone())
                } else {
                    (Counts::Neither, Why::SameConsultation)
                };
                rows.push(Row {
                    at: v.at,
                    kind: Kind::Visits,
                    date: Some(v.date),
                    customer: Some(v.customer),
                    item: None,
                    amount: None,
                    deal: v.deal,
                    score: None,
                    counts,
                    why,
                });
            }
        }
        rows
    }

    /// The complaints naming a member in the period, each counted as `judge` says.
    fn complaints(&self, judge: impl Fn(&crate::input::Complaint) -> (Counts, Why)) -> Vec<Row> {
        self.cx
            .member_complaints(self.m)
            .map(|c| {
                let (counts, why) = judge(c);
                Row {
                    at: c.at,
                    kind: Kind::Complaints,
                    date: Some(c.when.date()),
                    customer: c.customer,
                    item: c.category,
                    amount: None,
                    deal: None,
                    score: None,
                    counts,
                    why,
                }
            })
            .collect()
    }

    /// Customers served: the customers of the members' consultations and of every sales row
    /// naming a member as consultant, doctor or nurse, in the period — each counted on the
    /// first row naming them.
    fn customers_served(&self) -> Vec<Row> {
        let cx = self.cx;
        if !cx.ds.has(Kind::Sales) && !cx.ds.has(Kind::Visits) {
            return Vec::new();
        }
        let mut seen: HashSet<Sym> = HashSet::new();
        let mut rows = Vec::new();
        let mut counted = |customer: Sym| {
            if seen.insert(customer) {
                (Counts::Denominator, Why::CustomerServed)
            } else {
                (Counts::Neither, Why::SameCustomer)
            }
        };
        for v in cx.member_visits(self.m) {
            let (counts, why) = counted(v.customer);
            rows.push(Row {
                at: v.at,
                kind: Kind::Visits,
                date: Some(v.date),
                customer: Some(v.customer),
                item: None,
                amount: None,
                deal: None,
                score: None,
                counts,
                why,
            });
        }
        let mut listed: HashSet<(u32, u32)> = HashSet::new();
        for attribute in [Attribute::Consultant, Attribute::Doctor, Attribute::Nurse] {
            for s in cx.credited_sales(attribute, self.m) {
                if !listed.insert((s.at.input, s.at.row)) {
                    continue;
                }
                let (counts, why) = counted(s.customer);
                rows.push(sale_row(s, counts, why));
            }
        }
        rows
    }

    /// Treatments: distinct orders of the credited positive sales, each counted on its first
    /// row (a row without an order id is one treatment).
    fn treatments(&self, attribute: Attribute, counts: Counts) -> Vec<Row> {
        let mut orders: HashSet<Sym> = HashSet::new();
        self.cx
            .credited_sales(attribute, self.m)
            .filter(|s| s.amount > 0)
            .map(|s| match s.order_id {
                Some(o) if !orders.insert(o) => sale_row(s, Counts::Neither, Why::SameOrder),
                _ => sale_row(s, counts, Why::Treatment),
            })
            .collect()
    }

    /// Roster people in scope: those who left in the period over those employed at its start.
    fn turnover(&self) -> Vec<Row> {
        let ds = self.cx.ds;
        let p = self.cx.period;
        let mut seen = HashSet::new();
        ds.roster
            .iter()
            .filter(|r| {
                self.m.binary_search(&r.staff).is_ok() && seen.insert((r.staff, r.staff_id))
            })
            .map(|r| {
                let at_start =
                    r.hired.is_none_or(|h| h <= p.start) && r.left.is_none_or(|l| l >= p.start);
                let left = r.left.is_some_and(|l| p.contains(l));
                let (counts, why) = match (at_start, left) {
                    (true, true) => (Counts::Both, Why::LeftInPeriod),
                    (true, false) => (Counts::Denominator, Why::EmployedAtStart),
                    (false, true) => (Counts::Numerator, Why::LeftInPeriod),
                    (false, false) => (Counts::Neither, Why::HiredInPeriod),
                };
                Row {
                    at: r.at,
                    kind: Kind::Roster,
                    date: r.left.or(r.hired),
                    customer: None,
                    item: None,
                    amount: None,
                    deal: None,
                    score: None,
                    counts,
                    why,
                }
            })
            .collect()
    }
}

// One function per metric, each named by its key and referenced from its definition
// (`defs::METRICS`): the rows behind its figure.

/// `revenue`: see its definition in `defs::METRICS`.
pub(super) fn revenue(w: &Walk<'_, '_>, a: &Args<'_>) -> Vec<Row> {
    let &Args { attribute, .. } = a;
    w.sales(attribute, Counts::Value)
}

/// `revenue_attainment`: see its definition in `defs::METRICS`.
pub(super) fn revenue_attainment(w: &Walk<'_, '_>, a: &Args<'_>) -> Vec<Row> {
    let &Args {
        attribute,
        person,
        scope,
        ..
    } = a;
    let mut rows = w.sales(attribute, Counts::Numerator);
    if let Some(person) = person {
        rows.extend(w.targets(person, scope));
    }
    rows
}

/// `ticket_price`: see its definition in `defs::METRICS`.
pub(super) fn ticket_price(w: &Walk<'_, '_>, a: &Args<'_>) -> Vec<Row> {
    let &Args { attribute, .. } = a;
    w.per_customer(attribute, PerCustomer::TicketPrice)
}

/// `secondary_rate`: see its definition in `defs::METRICS`.
pub(super) fn secondary_rate(w: &Walk<'_, '_>, a: &Args<'_>) -> Vec<Row> {
    let &Args { attribute, .. } = a;
    w.per_customer(attribute, PerCustomer::Secondary)
}

/// `repurchase_rate`: see its definition in `defs::METRICS`.
pub(super) fn repurchase_rate(w: &Walk<'_, '_>, a: &Args<'_>) -> Vec<Row> {
    let &Args { attribute, .. } = a;
    w.per_customer(attribute, PerCustomer::Repurchase)
}

/// `conversion_rate`: every consultation of the members.
pub(super) fn conversion_rate(w: &Walk<'_, '_>, _: &Args<'_>) -> Vec<Row> {
    w.visits(VisitMetric::Conversion)
}

/// `first_visits`: every consultation of the members.
pub(super) fn first_visits(w: &Walk<'_, '_>, _: &Args<'_>) -> Vec<Row> {
    w.visits(VisitMetric::FirstVisits)
}

/// `new_customers`: every consultation of the members.
pub(super) fn new_customers(w: &Walk<'_, '_>, _: &Args<'_>) -> Vec<Row> {
    w.visits(VisitMetric::NewCustomers)
}

/// `complaint_rate`: see its definition in `defs::METRICS`.
pub(super) fn complaint_rate(w: &Walk<'_, '_>, _: &Args<'_>) -> Vec<Row> {
    let mut rows = w.complaints(|c| {
        if c.valid {
            (Counts::Numerator, Why::ValidComplaint)
        } else {
            (Counts::Neither, Why::InvalidComplaint)
        }
    });
    rows.extend(w.customers_served());
    rows
}

/// `complication_rate`: see its definition in `defs::METRICS`.
pub(super) fn complication_rate(w: &Walk<'_, '_>, a: &Args<'_>) -> Vec<Row> {
    let ds = w.cx.ds;
    let &Args { attribute, .. } = a;
    let cats = &w.cx.config.complications.categories;
    let mut rows = w.complaints(|c| {
        let category = c.category.map(|k| ds.name(k).trim().to_string());
        match category {
            Some(k) if c.valid && cats.iter().any(|x| x.trim() == k) => {
                (Counts::Numerator, Why::Complication { category: k })
            }
            _ => (Counts::Neither, Why::NotComplication),
        }
    });
    rows.extend(w.treatments(attribute, Counts::Denominator));
    rows
}

/// `treatments`: see its definition in `defs::METRICS`.
pub(super) fn treatments(w: &Walk<'_, '_>, a: &Args<'_>) -> Vec<Row> {
    let &Args { attribute, .. } = a;
    w.treatments(attribute, Counts::Value)
}

/// `complaint_hours`: see its definition in `defs::METRICS`.
pub(super) fn complaint_hours(w: &Walk<'_, '_>, _: &Args<'_>) -> Vec<Row> {
    w.complaints(|c| match c.resolved_at {
        Some(r) => (
            Counts::Both,
            Why::Resolved {
                hours: (r - c.when).num_minutes() as f64 / 60.0,
            },
        ),
        None => (Counts::Neither, Why::Unresolved),
    })
}

/// `satisfaction`: see its definition in `defs::METRICS`.
pub(super) fn satisfaction(w: &Walk<'_, '_>, _: &Args<'_>) -> Vec<Row> {
    let ds = w.cx.ds;
    let scale = w.cx.config.surveys.scale;
    rows_of(&w.cx.index.surveys_by_staff, w.m)
        .into_iter()
        .map(|i| &ds.surveys[i as usize])
        .filter(|s| w.cx.period.contains(s.date))
        .map(|s| Row {
            at: s.at,
            kind: Kind::Surveys,
            date: Some(s.date),
            customer: s.customer,
            item: None,
            amount: None,
            deal: None,
            score: Some(s.score),
            counts: Counts::Both,
            why: Why::Survey {
                mapped: s.score * 100.0 / scale,
            },
        })
        .collect()
}

/// `rating`: see its definition in `defs::METRICS`.
pub(super) fn rating(w: &Walk<'_, '_>, a: &Args<'_>) -> Vec<Row> {
    let ds = w.cx.ds;
    let &Args { item, .. } = a;
    let months = w.cx.period.year_months();
    rows_of(&w.cx.index.ratings_by_staff, w.m)
        .into_iter()
        .map(|i| &ds.ratings[i as usize])
        .filter(|r| {
            months.contains(&r.month) && item.is_none_or(|i| ds.name(r.item).trim() == i.trim())
        })
        .map(|r| Row {
            at: r.at,
            kind: Kind::Ratings,
            date: NaiveDate::from_ymd_opt(r.month.0, r.month.1, 1),
            customer: None,
            item: Some(r.item),
            amount: None,
            deal: None,
            score: Some(r.score),
            counts: Counts::Both,
            why: Why::Rating,
        })
        .collect()
}

/// `turnover_rate`: see its definition in `defs::METRICS`.
pub(super) fn turnover_rate(w: &Walk<'_, '_>, _: &Args<'_>) -> Vec<Row> {
    w.turnover()
}
