//! `overview` (SPEC §8.1): the clinic's own indicators for a period — revenue against base and
//! sprint, 初复诊 vs 再消费, each store, each 科室, 初诊上门量, each channel's conversion, complaint
//! and complication rates — with the previous period beside them where the inputs cover it
//! (SPEC §4, [`Dataset::covers`]).
//!
//! Serialised, an [`Overview`] is the JSON contract of `overview --format json`: stable keys,
//! money in yuan, rates as fractions, null where there is no value.
//!
//! Definitions (the words of §8.1, and where a choice was made):
//! - revenue: Σ amount of the period's sales, refunds subtracting; a store's and a
//!   department's from the sale's own 门店 / 科室 column. Rows without one are gathered under a
//!   row whose name is null.
//! - 初复诊 revenue: sales whose customer has a visits row on the sale's date; the rest 再消费.
//! - consultations and deals: §3.1 ([`compute::consultations`]); a consultation's channel and
//!   store are those of its first row.
//! - first_visits (初诊上门量): distinct customers with a 初诊 consultation (a store: whose
//!   consultation was in that store).
//! - a channel's revenue: the period's revenue of the customers whose first consultation in
//!   the period (by date, then row order) came through it.
//! - customers served, complaint rate and complication rate: §3 over everyone the data names
//!   (the clinic) or over the store's roster people (a store) — the figures a `scope = "all"` /
//!   `"store"` KPI gives; the complication rate's treatments are the orders of positive sales
//!   naming a doctor (the `doctor` attribute).
//! - targets are monthly and scale with the period's months (§3.2); shares and rates do not.
//! - attainment = revenue ÷ target; gap = target − revenue (negative once it is passed);
//!   first_visits_surplus = first visits above base (0 when below).

use super::{ratio, sym_of_config_name, yuan};
use crate::config::{Config, Levels};
use crate::input::{Dataset, Field, FxBuild, Kind, Sym, SymSet};
use crate::metrics::compute::{self, Index};
use crate::people::Person;
use crate::period::Period;
use serde::Serialize;
use std::collections::HashMap;

type FxMap<K, V> = HashMap<K, V, FxBuild>;

/// Everything `overview` shows (SPEC §8.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub period: Period,
    /// The previous period when the inputs cover it (SPEC §4); otherwise null, and so is every
    /// `previous` below.
    pub previous_period: Option<Period>,
    pub clinic: ClinicFigures,
    /// Empty when neither the sales nor the visits have a 门店 column.
    pub stores: Vec<StoreFigures>,
    /// Empty when the sales have no 科室 column.
    pub departments: Vec<DepartmentFigures>,
    /// Empty when the visits have no channel column.
    pub channels: Vec<ChannelFigures>,
}

/// The clinic's measured figures for one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClinicActuals {
    pub revenue: f64,
    pub initial_revenue: f64,
    pub repeat_revenue: f64,
    pub initial_share: Option<f64>,
    pub repeat_share: Option<f64>,
    pub first_visits: u64,
    pub consultations: u64,
    pub deals: u64,
    pub conversion: Option<f64>,
    #[serde(flatten)]
    pub quality: Quality,
}

/// Customers served and the complaint and complication rates (SPEC §3), null where an input
/// they need was not given.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quality {
    pub customers_served: Option<u64>,
    pub complaints: Option<u64>,
    pub complaint_rate: Option<f64>,
    pub complications: Option<u64>,
    pub treatments: Option<u64>,
    pub complication_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClinicFigures {
    #[serde(flatten)]
    pub actual: ClinicActuals,
    pub base: Option<f64>,
    pub sprint: Option<f64>,
    pub attainment_base: Option<f64>,
    pub attainment_sprint: Option<f64>,
    pub gap_base: Option<f64>,
    pub gap_sprint: Option<f64>,
    pub plan_initial_share: Option<f64>,
    pub plan_repeat_share: Option<f64>,
    pub first_visits_base: Option<f64>,
    pub first_visits_sprint: Option<f64>,
    pub first_visits_surplus: Option<f64>,
    pub complaint_rate_limit: f64,
    pub complication_rate_limit: f64,
    pub previous: Option<ClinicActuals>,
}

/// A store's measured figures for one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StoreActuals {
    pub revenue: f64,
    pub initial_revenue: f64,
    pub repeat_revenue: f64,
    pub first_visits: u64,
    pub consultations: u64,
    pub deals: u64,
    pub conversion: Option<f64>,
    #[serde(flatten)]
    pub quality: Quality,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreFigures {
    /// Null for the rows that name no store.
    pub store: Option<String>,
    #[serde(flatten)]
    pub actual: StoreActuals,
    pub base: Option<f64>,
    pub sprint: Option<f64>,
    pub attainment_base: Option<f64>,
    pub attainment_sprint: Option<f64>,
    pub gap_base: Option<f64>,
    pub gap_sprint: Option<f64>,
    pub previous: Option<StoreActuals>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DepartmentActuals {
    pub revenue: f64,
    /// Of the clinic's revenue (null when that is not above 0).
    pub share: Option<f64>,
    pub paying_customers: u64,
    pub ticket_price: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentFigures {
    /// Null for the sales that name no department.
    pub department: Option<String>,
    #[serde(flatten)]
    pub actual: DepartmentActuals,
    pub plan_share: Option<f64>,
    pub base: Option<f64>,
    pub sprint: Option<f64>,
    pub attainment_base: Option<f64>,
    pub attainment_sprint: Option<f64>,
    pub previous: Option<DepartmentActuals>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChannelActuals {
    pub consultations: u64,
    pub deals: u64,
    pub conversion: Option<f64>,
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelFigures {
    /// Null for the consultations whose first row names no channel.
    pub channel: Option<String>,
    #[serde(flatten)]
    pub actual: ChannelActuals,
    pub target: Option<f64>,
    pub previous: Option<ChannelActuals>,
}

/// The overview of `period`. `people` are the people found (a store's members come from the
/// roster, or without one from them).
/// Up to `threads` threads count it (the two periods side by side, or one period's quality
/// sums beside its revenue and consultations).
pub fn compute(
    ds: &Dataset,
    config: &Config,
    people: &[Person],
    period: &Period,
    threads: usize,
) -> Overview {
    // Consultations read only the days of positive sales from it (when the visits have no deal
    // column); every other figure is added up in one pass over the period's rows.
    let index = Index::unindexed();
    let previous_period = period.previous().ok().filter(|p| ds.covers(p));
    let (now, before) = match &previous_period {
        Some(p) => {
            let (now, before) = crate::metrics::compute::both(
                "overview",
                threads,
                || measure(ds, config, people, &index, period, 1),
                || measure(ds, config, people, &index, p, 1),
            );
            (now, Some(before))
        }
        None => (measure(ds, config, people, &index, period, threads), None),
    };
    let keys = Keys::new(ds, config, &now, before.as_ref());
    let months = period.months();
    let clinic_cfg = &config.clinic;

    let clinic = {
        let actual = now.clinic_actuals();
        let (base, sprint) = levels(clinic_cfg.revenue.as_ref(), months);
        let (fv_base, fv_sprint) = levels(clinic_cfg.first_visits.as_ref(), months);
        let split = clinic_cfg.split.as_ref();
        ClinicFigures {
            base,
            sprint,
            attainment_base: base.and_then(|b| ratio(actual.revenue, b)),
            attainment_sprint: sprint.and_then(|s| ratio(actual.revenue, s)),
            gap_base: base.map(|b| b - actual.revenue),
            gap_sprint: sprint.map(|s| s - actual.revenue),
            plan_initial_share: split.map(|s| s.first_and_return),
            plan_repeat_share: split.map(|s| s.repeat),
            first_visits_base: fv_base,
            first_visits_sprint: fv_sprint,
            first_visits_surplus: fv_base.map(|b| (actual.first_visits as f64 - b).max(0.0)),
            complaint_rate_limit: config.alerts.complaint_rate,
            complication_rate_limit: config.alerts.complication_rate,
            previous: before.as_ref().map(Measured::clinic_actuals),
            actual,
        }
    };

    let stores = keys
        .stores
        .iter()
        .map(|key| {
            let actual = now.store_actuals(key.data());
            let plan = key
                .name
                .as_deref()
                .and_then(|n| config_entry(&clinic_cfg.stores, n));
            let (base, sprint) = levels(plan, months);
            StoreFigures {
                store: key.name.clone(),
                base,
                sprint,
                attainment_base: base.and_then(|b| ratio(actual.revenue, b)),
                attainment_sprint: sprint.and_then(|s| ratio(actual.revenue, s)),
                gap_base: base.map(|b| b - actual.revenue),
                gap_sprint: sprint.map(|s| s - actual.revenue),
                previous: before.as_ref().map(|b| b.store_actuals(key.data())),
                actual,
            }
        })
        .collect();

    let departments = keys
        .departments
        .iter()
        .map(|key| {
            let actual = now.department_actuals(key.data());
            let plan = key
                .name
                .as_deref()
                .and_then(|n| config_entry(&clinic_cfg.departments, n));
            let (base, sprint) = levels(
                plan.map(|p| Levels {
                    base: p.base,
                    sprint: p.sprint,
                })
                .as_ref(),
                months,
            );
            DepartmentFigures {
                department: key.name.clone(),
                plan_share: plan.and_then(|p| p.share),
                base,
                sprint,
                attainment_base: base.and_then(|b| ratio(actual.revenue, b)),
                attainment_sprint: sprint.and_then(|s| ratio(actual.revenue, s)),
                previous: before.as_ref().map(|b| b.department_actuals(key.data())),
                actual,
            }
        })
        .collect();

    let channels = keys
        .channels
        .iter()
        .map(|key| ChannelFigures {
            channel: key.name.clone(),
            actual: now.channel_actuals(key.data()),
            target: key
                .name
                .as_deref()
                .and_then(|n| config_entry(&clinic_cfg.channels, n))
                .copied(),
            previous: before.as_ref().map(|b| b.channel_actuals(key.data())),
        })
        .collect();

    Overview {
        period: period.clone(),
        previous_period,
        clinic,
        stores,
        departments,
        channels,
    }
}

/// A target's base and sprint for the period: the monthly levels × the period's months.
fn levels(l: Option<&Levels>, months: f64) -> (Option<f64>, Option<f64>) {
    match l {
        Some(l) => (l.base.map(|b| b * months), l.sprint.map(|s| s * months)),
        None => (None, None),
    }
}

/// The config entry for a name as the data spells it (config keys are read like the data's
/// names: trimmed, full-width folded).
fn config_entry<'c, V>(map: &'c indexmap::IndexMap<String, V>, name: &str) -> Option<&'c V> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| crate::input::values::fold_text(k) == name)
            .map(|(_, v)| v)
    })
}

/// A row of a section: its name as shown (null for rows naming none) and its interned name, if
/// the data holds it.
#[derive(Debug, Clone, PartialEq)]
struct Key {
    name: Option<String>,
    sym: Option<Sym>,
}

impl Key {
    /// The key of the row's sums: `Some(None)` for the null row, None for a configured name
    /// the data never gives (nothing to look up: its figures are 0).
    fn data(&self) -> Option<Option<Sym>> {
        match (&self.name, self.sym) {
            (None, _) => Some(None),
            (Some(_), Some(s)) => Some(Some(s)),
            (Some(_), None) => None,
        }
    }
}

/// The rows of each section: the configured names first (in config order), then every other
/// name the data gives in either period (in the order the data first names them), then, when
/// some rows of the period name none, the null row.
struct Keys {
    stores: Vec<Key>,
    departments: Vec<Key>,
    channels: Vec<Key>,
}

impl Keys {
    fn new(ds: &Dataset, config: &Config, now: &Measured, before: Option<&Measured>) -> Keys {
        let c = &config.clinic;
        let has_store =
            ds.has_field(Kind::Sales, Field::Store) || ds.has_field(Kind::Visits, Field::Store);
        let stores = if has_store {
            let mut seen: Vec<Option<Sym>> = Vec::new();
            for m in std::iter::once(now).chain(before) {
                seen.extend(m.stores.keys().copied());
                seen.extend(m.store_first_visits.keys().copied());
                seen.extend(m.store_consultations.keys().copied());
            }
            // Roster stores too: a store that exported nothing shows 0, not nothing.
            seen.extend(ds.roster.iter().map(|r| r.store));
            section(ds, c.stores.keys(), seen)
        } else {
            Vec::new()
        };
        let departments = if ds.has_field(Kind::Sales, Field::Department) {
            let mut seen: Vec<Option<Sym>> = Vec::new();
            for m in std::iter::once(now).chain(before) {
                seen.extend(m.departments.keys().copied());
            }
            section(ds, c.departments.keys(), seen)
        } else {
            Vec::new()
        };
        let channels = if ds.has_field(Kind::Visits, Field::Channel) {
            let mut seen: Vec<Option<Sym>> = Vec::new();
            for m in std::iter::once(now).chain(before) {
                seen.extend(m.channels.keys().copied());
            }
            section(ds, c.channels.keys(), seen)
        } else {
            Vec::new()
        };
        Keys {
            stores,
            departments,
            channels,
        }
    }
}

/// One section's rows: `configured` names, then the `seen` names not among them (in `Sym`
/// order: the order the data first names them), then null when `seen` holds None.
fn section<'c>(
    ds: &Dataset,
    configured: impl Iterator<Item = &'c String>,
    seen: Vec<Option<Sym>>,
) -> Vec<Key> {
    let mut out: Vec<Key> = Vec::new();
    for name in configured {
        let sym = sym_of_config_name(ds, name);
        let shown = sym.map_or_else(
            || crate::input::values::fold_text(name),
            |s| ds.name(s).to_string(),
        );
        if !out
            .iter()
            .any(|k| k.name.as_deref() == Some(shown.as_str()))
        {
            out.push(Key {
                name: Some(shown),
                sym,
            });
        }
    }
    let mut named: Vec<Sym> = seen.iter().flatten().copied().collect();
    named.sort_unstable();
    named.dedup();
    for sym in named {
        if !out.iter().any(|k| k.sym == Some(sym)) {
            out.push(Key {
                name: Some(ds.name(sym).to_string()),
                sym: Some(sym),
            });
        }
    }
    if seen.contains(&None) {
        out.push(Key {
            name: None,
            sym: None,
        });
    }
    out
}

/// Revenue and its 初复诊 part, in fen.
#[derive(Debug, Clone, Copy, Default)]
struct Money {
    revenue: i64,
    initial: i64,
}

#[derive(Debug, Default)]
struct DepartmentSums {
    revenue: i64,
    by_customer: HashMap<Sym, i64, FxBuild>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counted {
    consultations: u64,
    deals: u64,
}

#[derive(Debug, Default, Clone, Copy)]
struct ChannelSums {
    consultations: u64,
    deals: u64,
    revenue: i64,
}

/// What one period's rows add up to, before targets.
struct Measured {
    clinic: Money,
    clinic_consultations: Counted,
    first_visit_customers: usize,
    quality: Quality,
    stores: FxMap<Option<Sym>, Money>,
    store_first_visits: FxMap<Option<Sym>, usize>,
    store_consultations: FxMap<Option<Sym>, Counted>,
    store_quality: FxMap<Sym, Quality>,
    departments: FxMap<Option<Sym>, DepartmentSums>,
    channels: FxMap<Option<Sym>, ChannelSums>,
}

/// A value for each [`Sym`], by its number: a map of names to small values without hashing
/// (names never given read as the default). It grows to the largest number written.
#[derive(Debug, Default, Clone)]
struct SymVec<T> {
    values: Vec<T>,
}

impl<T: Default + Clone> SymVec<T> {
    fn at(&mut self, s: Sym) -> &mut T {
        let i = s.index();
        if i >= self.values.len() {
            let grown = (i + 1).max(self.values.len() * 2);
            self.values.resize(grown, T::default());
        }
        &mut self.values[i]
    }

    fn get(&self, s: Sym) -> Option<&T> {
        self.values.get(s.index())
    }
}

/// The customers who had a visit on each day of the period: a small set per day, which a
/// pass over sales in date order (as exports come) reads from the cache.
struct VisitDays {
    first: chrono::NaiveDate,
    days: Vec<std::collections::HashSet<Sym, FxBuild>>,
}

impl VisitDays {
    fn new(visits: &[crate::input::Visit], period: &Period) -> VisitDays {
        let mut days: Vec<std::collections::HashSet<Sym, FxBuild>> = Vec::new();
        days.resize_with(
            usize::try_from(period.days()).unwrap_or(0),
            Default::default,
        );
        let mut out = VisitDays {
            first: period.start,
            days,
        };
        for v in visits.iter().filter(|v| period.contains(v.date)) {
            if let Some(day) = out.day(v.date) {
                day.insert(v.customer);
            }
        }
        out
    }

    fn day(
        &mut self,
        date: chrono::NaiveDate,
    ) -> Option<&mut std::collections::HashSet<Sym, FxBuild>> {
        let i = usize::try_from((date - self.first).num_days()).ok()?;
        self.days.get_mut(i)
    }

    fn contains(&self, customer: Sym, date: chrono::NaiveDate) -> bool {
        usize::try_from((date - self.first).num_days())
            .ok()
            .and_then(|i| self.days.get(i))
            .is_some_and(|d| d.contains(&customer))
    }
}

/// Customers served, valid complaints, complications and the orders of positive doctor sales:
/// what the §3 figures making [`Quality`] count over a group of people, added up row by row.
#[derive(Default)]
struct QualitySums {
    served: SymSet,
    complaints: usize,
    complications: usize,
    orders: SymSet,
    /// Positive doctor sales without an order id: one treatment each.
    loose: usize,
}

impl QualitySums {
    /// A sales row naming someone of the group as consultant, doctor or nurse.
    fn sale(&mut self, s: &crate::input::Sale, by_doctor: bool) {
        self.served.insert(s.customer);
        if by_doctor && s.amount > 0 {
            match s.order_id {
                Some(o) => {
                    self.orders.insert(o);
                }
                None => self.loose += 1,
            }
        }
    }

    /// A valid complaint naming someone of the group (`complication` when its category is one).
    fn complaint(&mut self, complication: bool) {
        self.complaints += 1;
        self.complications += usize::from(complication);
    }

    /// The complaint rate (numerator valid complaints, denominator customers served) and the
    /// complication rate (complications over treatments, the `doctor` attribute) as
    /// `metrics::compute::complaint_rate` and `complication_rate` give them over the group
    /// (a `scope = "all"` / `"store"` figure): null where an input they need was not given.
    fn quality(&self, ds: &Dataset) -> Quality {
        let has_sales = ds.has(Kind::Sales);
        let has_complaints = ds.has(Kind::Complaints);
        let served = (has_sales || ds.has(Kind::Visits)).then_some(self.served.len());
        let complaints = has_complaints.then_some(self.complaints);
        let complaint_rate = match (complaints, served) {
            (Some(n), Some(d)) if d > 0 => Some(n as f64 / d as f64),
            _ => None,
        };
        let (complications, treatments) = if has_sales && has_complaints {
            (
                Some(self.complications),
                Some(self.orders.len() + self.loose),
            )
        } else {
            (None, None)
        };
        let complication_rate = match (complications, treatments) {
            (Some(n), Some(t)) if t > 0 => Some(n as f64 / t as f64),
            _ => None,
        };
        let count = |x: Option<usize>| x.map(|v| v as u64);
        Quality {
            customers_served: count(served),
            complaints: count(complaints),
            complaint_rate,
            complications: count(complications),
            treatments: count(treatments),
            complication_rate,
        }
    }
}

/// The clinic's and each store's [`QualitySums`] for `period`, in one pass over its rows. The
/// clinic counts every row naming anyone (everyone the data names as staff); a store the rows
/// naming its roster people (without a roster, the people found whose store it is) — as a
/// `scope = "all"` / `"store"` KPI counts them (`Context::everyone`, `Context::store_members`).
/// A store without such people has no sums: whose complaints are its own cannot be told.
fn quality_sums(
    ds: &Dataset,
    config: &Config,
    people: &[Person],
    period: &Period,
) -> (QualitySums, HashMap<Sym, QualitySums, FxBuild>) {
    // Each person's stores (a person may be on the roster of more than one), as places in
    // `store_syms`.
    let mut pairs: Vec<(Sym, Sym)> = Vec::new();
    if ds.has(Kind::Roster) {
        pairs.extend(ds.roster.iter().filter_map(|r| Some((r.staff, r.store?))));
    } else {
        pairs.extend(people.iter().filter_map(|p| Some((p.sym, p.store?))));
    }
    let mut store_syms: Vec<Sym> = pairs.iter().map(|&(_, store)| store).collect();
    store_syms.sort_unstable();
    store_syms.dedup();
    let mut stores_of: HashMap<Sym, Vec<usize>, FxBuild> = HashMap::default();
    for (staff, store) in pairs {
        let place = store_syms.binary_search(&store).unwrap_or_default();
        let v = stores_of.entry(staff).or_default();
        if !v.contains(&place) {
            v.push(place);
        }
    }
    let mut clinic = QualitySums::default();
    let mut stores: Vec<QualitySums> = store_syms.iter().map(|_| QualitySums::default()).collect();
    let none: &[usize] = &[];
    let of = |staff: Option<Sym>| staff.and_then(|x| stores_of.get(&x)).map_or(none, |v| v);
    // The stores of the people a row names, each once.
    let mut row_stores: Vec<usize> = Vec::new();
    for s in ds.sales.iter().filter(|s| period.contains(s.date)) {
        if s.consultant.is_some() || s.doctor.is_some() || s.nurse.is_some() {
            clinic.sale(s, s.doctor.is_some());
        }
        row_stores.clear();
        for staff in [s.consultant, s.doctor, s.nurse] {
            for store in of(staff) {
                if !row_stores.contains(store) {
                    row_stores.push(*store);
                }
            }
        }
        let by_doctor = of(s.doctor);
        for &store in &row_stores {
            stores[store].sale(s, by_doctor.contains(&store));
        }
    }
    for v in ds.visits.iter().filter(|v| period.contains(v.date)) {
        clinic.served.insert(v.customer);
        for &store in of(Some(v.consultant)) {
            stores[store].served.insert(v.customer);
        }
    }
    let cats = &config.complications.categories;
    let mut is_complication: HashMap<Sym, bool, FxBuild> = HashMap::default();
    for c in ds
        .complaints
        .iter()
        .filter(|c| period.contains(c.when.date()))
    {
        if !c.valid {
            continue;
        }
        let complication = c.category.is_some_and(|k| {
            *is_complication.entry(k).or_insert_with(|| {
                let k = ds.name(k).trim();
                cats.iter().any(|x| x.trim() == k)
            })
        });
        clinic.complaint(complication);
        for &store in of(Some(c.staff)) {
            stores[store].complaint(complication);
        }
    }
    (clinic, store_syms.into_iter().zip(stores).collect())
}

/// The period's revenue: the clinic's, each store's and each department's.
struct Revenue {
    clinic: Money,
    stores: FxMap<Option<Sym>, Money>,
    departments: FxMap<Option<Sym>, DepartmentSums>,
}

fn revenue(ds: &Dataset, period: &Period) -> Revenue {
    // Who had a consultation on which day: their sales that day are 初复诊 revenue.
    let visit_days = VisitDays::new(&ds.visits, period);
    let mut clinic = Money::default();
    let mut stores: FxMap<Option<Sym>, Money> = FxMap::default();
    let mut departments: FxMap<Option<Sym>, DepartmentSums> = FxMap::default();
    let track_departments = ds.has_field(Kind::Sales, Field::Department);
    for s in ds.sales.iter().filter(|s| period.contains(s.date)) {
        let initial = if visit_days.contains(s.customer, s.date) {
            s.amount
        } else {
            0
        };
        for m in [&mut clinic, stores.entry(s.store).or_default()] {
            m.revenue += s.amount;
            m.initial += initial;
        }
        if track_departments {
            let d = departments.entry(s.department).or_default();
            d.revenue += s.amount;
            *d.by_customer.entry(s.customer).or_default() += s.amount;
        }
    }
    Revenue {
        clinic,
        stores,
        departments,
    }
}

/// What the period's consultations add up to.
struct Consulted {
    clinic: Counted,
    stores: FxMap<Option<Sym>, Counted>,
    first_visitors: usize,
    store_first_visitors: FxMap<Option<Sym>, usize>,
    /// A channel's revenue: the period's revenue of the customers whose first consultation
    /// (by date, then row order) came through it.
    channels: FxMap<Option<Sym>, ChannelSums>,
}

fn consulted(ds: &Dataset, index: &Index, period: &Period) -> Consulted {
    let consultations = compute::consultations(
        ds,
        index,
        ds.visits.iter().filter(|v| period.contains(v.date)),
    );
    let mut clinic = Counted::default();
    let mut stores: FxMap<Option<Sym>, Counted> = FxMap::default();
    let mut first_visitors = SymSet::default();
    let mut store_first_visitors: FxMap<Option<Sym>, SymSet> = FxMap::default();
    let mut channels: FxMap<Option<Sym>, ChannelSums> = FxMap::default();
    // Each customer's first consultation of the period: its place in the list plus one (0
    // for none yet) and its date; the customers in the order first consulted.
    let mut first_of: SymVec<(u32, chrono::NaiveDate)> = SymVec::default();
    let mut customers: Vec<Sym> = Vec::new();
    for (i, c) in consultations.iter().enumerate() {
        for n in [&mut clinic, stores.entry(c.store).or_default()] {
            n.consultations += 1;
            n.deals += u64::from(c.deal);
        }
        let ch = channels.entry(c.channel).or_default();
        ch.consultations += 1;
        ch.deals += u64::from(c.deal);
        if c.first {
            first_visitors.insert(c.customer);
            store_first_visitors
                .entry(c.store)
                .or_default()
                .insert(c.customer);
        }
        let first = first_of.at(c.customer);
        if first.0 == 0 {
            customers.push(c.customer);
            *first = (i as u32 + 1, c.date);
        } else if c.date < first.1 {
            *first = (i as u32 + 1, c.date);
        }
    }
    // Each customer's revenue is their first consultation's channel's: the channels as places
    // in `channel_keys`, by customer number (plus one; 0 for a customer never consulted).
    let mut channel_keys: Vec<Option<Sym>> = Vec::new();
    let mut places: FxMap<Option<Sym>, u32> = FxMap::default();
    let mut channel_of: SymVec<u32> = SymVec::default();
    for customer in customers {
        let first = first_of.at(customer).0;
        let channel = consultations
            .get((first as usize).wrapping_sub(1))
            .and_then(|c| c.channel);
        let place = *places.entry(channel).or_insert_with(|| {
            channel_keys.push(channel);
            channel_keys.len() as u32
        });
        *channel_of.at(customer) = place;
    }
    let mut channel_revenue = vec![0i64; channel_keys.len()];
    for s in ds.sales.iter().filter(|s| period.contains(s.date)) {
        let place = channel_of.get(s.customer).map_or(0, |p| *p as usize);
        if let Some(r) = channel_revenue.get_mut(place.wrapping_sub(1)) {
            *r += s.amount;
        }
    }
    for (channel, revenue) in channel_keys.into_iter().zip(channel_revenue) {
        channels.entry(channel).or_default().revenue += revenue;
    }
    Consulted {
        clinic,
        stores,
        first_visitors: first_visitors.len(),
        store_first_visitors: store_first_visitors
            .into_iter()
            .map(|(k, v)| (k, v.len()))
            .collect(),
        channels,
    }
}

/// One period's figures; up to `threads` threads count them (the consultations and their
/// channels' revenue beside the revenue and the quality sums).
fn measure(
    ds: &Dataset,
    config: &Config,
    people: &[Person],
    index: &Index,
    period: &Period,
    threads: usize,
) -> Measured {
    // The halves take about as long: the sales pass on one thread; the consultations and the
    // quality sums on the other.
    let (revenue, (consulted, (clinic_sums, mut store_sums))) = crate::metrics::compute::both(
        "overview",
        threads,
        || revenue(ds, period),
        || {
            (
                consulted(ds, index, period),
                quality_sums(ds, config, people, period),
            )
        },
    );
    let Revenue {
        clinic,
        stores,
        departments,
    } = revenue;
    let channels = consulted.channels;
    let store_consultations = consulted.stores;

    let clinic_quality = clinic_sums.quality(ds);
    let mut store_quality: FxMap<Sym, Quality> = FxMap::default();
    let mut named_stores: Vec<Sym> = stores
        .keys()
        .chain(store_consultations.keys())
        .flatten()
        .copied()
        .chain(ds.roster.iter().filter_map(|r| r.store))
        .chain(
            config
                .clinic
                .stores
                .keys()
                .filter_map(|n| sym_of_config_name(ds, n)),
        )
        .collect();
    named_stores.sort_unstable();
    named_stores.dedup();
    for s in named_stores {
        // Without roster people, whose complaints are the store's cannot be told.
        if let Some(sums) = store_sums.remove(&s) {
            store_quality.insert(s, sums.quality(ds));
        }
    }

    Measured {
        clinic,
        clinic_consultations: consulted.clinic,
        first_visit_customers: consulted.first_visitors,
        quality: clinic_quality,
        stores,
        store_first_visits: consulted.store_first_visitors,
        store_consultations,
        store_quality,
        departments,
        channels,
    }
}

impl Measured {
    fn clinic_actuals(&self) -> ClinicActuals {
        let revenue = yuan(self.clinic.revenue);
        let initial = yuan(self.clinic.initial);
        let repeat = yuan(self.clinic.revenue - self.clinic.initial);
        let n = self.clinic_consultations;
        ClinicActuals {
            revenue,
            initial_revenue: initial,
            repeat_revenue: repeat,
            initial_share: ratio(initial, revenue),
            repeat_share: ratio(repeat, revenue),
            first_visits: self.first_visit_customers as u64,
            consultations: n.consultations,
            deals: n.deals,
            conversion: ratio(n.deals as f64, n.consultations as f64),
            quality: self.quality.clone(),
        }
    }

    fn store_actuals(&self, store: Option<Option<Sym>>) -> StoreActuals {
        let money = store
            .and_then(|k| self.stores.get(&k).copied())
            .unwrap_or_default();
        let n = store
            .and_then(|k| self.store_consultations.get(&k).copied())
            .unwrap_or_default();
        StoreActuals {
            revenue: yuan(money.revenue),
            initial_revenue: yuan(money.initial),
            repeat_revenue: yuan(money.revenue - money.initial),
            first_visits: store
                .and_then(|k| self.store_first_visits.get(&k).copied())
                .unwrap_or(0) as u64,
            consultations: n.consultations,
            deals: n.deals,
            conversion: ratio(n.deals as f64, n.consultations as f64),
            quality: store
                .flatten()
                .and_then(|s| self.store_quality.get(&s).cloned())
                .unwrap_or_default(),
        }
    }

    fn department_actuals(&self, department: Option<Option<Sym>>) -> DepartmentActuals {
        let Some(d) = department.and_then(|k| self.departments.get(&k)) else {
            return DepartmentActuals {
                share: ratio(0.0, yuan(self.clinic.revenue)),
                ..DepartmentActuals::default()
            };
        };
        let paying = d.by_customer.values().filter(|v| **v > 0).count() as u64;
        let revenue = yuan(d.revenue);
        DepartmentActuals {
            revenue,
            share: ratio(revenue, yuan(self.clinic.revenue)),
            paying_customers: paying,
            ticket_price: ratio(revenue, paying as f64),
        }
    }

    fn channel_actuals(&self, channel: Option<Option<Sym>>) -> ChannelActuals {
        let c = channel
            .and_then(|k| self.channels.get(&k).copied())
            .unwrap_or_default();
        ChannelActuals {
            consultations: c.consultations,
            deals: c.deals,
            conversion: ratio(c.deals as f64, c.consultations as f64),
            revenue: yuan(c.revenue),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Attribute, LoadedConfig};
    use crate::metrics::compute::Context;

    /// The [`Quality`] of `members` from the metrics' own figures (`members_figure`).
    fn by_figures(cx: &Context, members: &[Sym]) -> Quality {
        let complaint = cx.members_figure(members, "complaint_rate", Attribute::Consultant);
        let complication = cx.members_figure(members, "complication_rate", Attribute::Doctor);
        let count = |x: Option<f64>| x.map(|v| v.max(0.0) as u64);
        Quality {
            customers_served: count(complaint.denominator),
            complaints: count(complaint.numerator),
            complaint_rate: complaint.value,
            complications: count(complication.numerator),
            treatments: count(complication.denominator),
            complication_rate: complication.value,
        }
    }

    /// A [`SymSet`] counts each name once, whatever its number (across words of bits and as
    /// it grows): against a `BTreeSet` of the fixture's customers and order ids, inserted
    /// twice each, highest number first and last.
    #[test]
    fn sym_sets_count_each_name_once() {
        let loaded = LoadedConfig::builtin();
        let period = Period::month(2026, 10).unwrap();
        let ds = crate::input::load_fixture_clinic(&loaded, &period, 0);
        let mut syms: Vec<Sym> = ds.sales.iter().map(|s| s.customer).collect();
        syms.extend(ds.sales.iter().filter_map(|s| s.order_id));
        syms.extend(ds.visits.iter().map(|v| v.customer));
        let want: std::collections::BTreeSet<Sym> = syms.iter().copied().collect();
        assert!(want.len() > 64, "{}", want.len());
        for order in [false, true] {
            let mut set = SymSet::default();
            let mut list = syms.clone();
            list.sort_unstable();
            if order {
                list.reverse();
            }
            for s in list.iter().chain(&list) {
                set.insert(*s);
            }
            assert_eq!(set.len(), want.len());
        }
    }

    /// [`VisitDays`] holds (customer, day) exactly for the period's visits: asked for every
    /// customer on every day of a year (and the days just outside it), against the visits.
    #[test]
    fn visit_days_are_the_periods_visits() {
        let loaded = LoadedConfig::builtin();
        let year = Period::year(2026).unwrap();
        let ds = crate::input::load_fixture_clinic(&loaded, &year, 0);
        let mut customers: Vec<Sym> = ds.visits.iter().map(|v| v.customer).collect();
        customers.extend(ds.sales.iter().map(|s| s.customer));
        customers.sort_unstable();
        customers.dedup();
        for period in [
            year,
            Period::month(2026, 9).unwrap(),
            Period::month(2026, 10).unwrap(),
        ] {
            let days = VisitDays::new(&ds.visits, &period);
            let mut hits = 0;
            let mut day = period.start - chrono::Duration::days(2);
            while day <= period.end + chrono::Duration::days(2) {
                for &c in &customers {
                    let want = period.contains(day)
                        && ds.visits.iter().any(|v| v.customer == c && v.date == day);
                    assert_eq!(days.contains(c, day), want, "{} {day}", ds.name(c));
                    hits += usize::from(want);
                }
                day += chrono::Duration::days(1);
            }
            assert!(hits > 10, "{hits}");
        }
    }

    /// On two threads (the two periods side by side; a period without one before it split in
    /// two) the overview is the one of one thread.
    #[test]
    fn two_threads_give_the_one_threads_overview() {
        let loaded = LoadedConfig::builtin();
        let config = &loaded.config;
        for period in [
            Period::month(2026, 10).unwrap(),
            Period::month(2026, 9).unwrap(),
            Period::year(2026).unwrap(),
        ] {
            let ds = crate::input::load_fixture_clinic(&loaded, &period, 0);
            let (people, _) = crate::people::resolve(&ds, config, Some(&period));
            let one = compute(&ds, config, &people, &period, 1);
            assert_eq!(
                one.previous_period.is_some(),
                period.label == "2026-10",
                "{}",
                period.label
            );
            assert!(one.clinic.actual.revenue > 0.0);
            assert_eq!(
                compute(&ds, config, &people, &period, 2),
                one,
                "{}",
                period.label
            );
        }
    }

    /// The one-pass sums give, for the clinic and every store with people, the quality the
    /// complaint_rate and complication_rate figures of `everyone()` and `store_members()` give
    /// — with and without a roster, and without complaints or sales.
    #[test]
    fn quality_sums_are_the_group_figures() {
        let loaded = LoadedConfig::builtin();
        let config = &loaded.config;
        for (y, m) in [(2026, 10), (2026, 9)] {
            let period = Period::month(y, m).unwrap();
            let full = crate::input::load_fixture_clinic(&loaded, &period, 0);
            for drop in [
                None,
                Some(Kind::Roster),
                Some(Kind::Complaints),
                Some(Kind::Sales),
            ] {
                let mut ds = crate::input::load_fixture_clinic(&loaded, &period, 0);
                if let Some(k) = drop {
                    ds.inputs.retain(|i| i.kind != k);
                }
                let (people, _) = crate::people::resolve(&full, config, Some(&period));
                let index = Index::new(&ds);
                let cx = Context::new(&ds, config, &people, &period, &index);
                let (clinic, mut stores) = quality_sums(&ds, config, &people, &period);
                assert_eq!(
                    clinic.quality(&ds),
                    by_figures(&cx, &cx.everyone()),
                    "{drop:?}"
                );
                let mut all: Vec<Sym> = ds.roster.iter().filter_map(|r| r.store).collect();
                all.extend(people.iter().filter_map(|p| p.store));
                all.sort_unstable();
                all.dedup();
                let mut with_people = 0;
                for s in all {
                    let members = cx.store_members(s);
                    match stores.remove(&s) {
                        Some(sums) => {
                            with_people += 1;
                            let q = sums.quality(&ds);
                            assert_eq!(q, by_figures(&cx, &members), "{drop:?} {}", ds.name(s));
                        }
                        None => assert!(members.is_empty(), "{drop:?} {}", ds.name(s)),
                    }
                }
                assert!(with_people >= 2 && stores.is_empty(), "{drop:?}");
            }
        }
    }
}
