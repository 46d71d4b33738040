//! `alerts` (SPEC §8.2): the three-level early warning for one day, from the data up to and
//! including that day, per store and for the clinic (channels: clinic-wide).
//!
//! - yellow `slump` (资源调配): on each of the last `slump_days` days, revenue below
//!   `slump_share` × the daily average of the 30 days before them. The 30 days must be covered
//!   by the inputs ([`Dataset::covers`]), else the rule cannot judge. A scope whose average is
//!   not above 0 has nothing to slump from.
//! - red `conversion_drop` (策略调整): a channel's conversion over the last `window_days` days
//!   at least `conversion_drop` (relative) below its conversion over the `window_days` before;
//!   each window needs at least [`MIN_CONSULTATIONS`] consultations (§3.1) and must be covered,
//!   else the rule cannot judge.
//! - red `complaint_rate` / `complication_rate`: month to date, above the threshold. No
//!   minimum sample: one complication early in the month is already above 0.3%. A rate with
//!   complaints but nothing to divide by cannot be judged.
//! - blue `pace` (关注): month-to-date revenue below base × days elapsed ÷ days in the month,
//!   where a base is configured (`[clinic] revenue`, `[clinic.stores]`); the month to date must
//!   be covered.
//!
//! The rules judge data the exports hold; a day past them is refused before any rule runs
//! ([`DataEnd`]), so a late export never reads as a slump.

use super::{ratio, sym_of_config_name, yuan};
use crate::config::{Attribute, Config};
use crate::input::{Dataset, Field, Kind, Sym};
use crate::metrics::compute::{self, Context, Figure, Index};
use crate::people::Person;
use crate::period::Period;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Consultations each conversion window needs before a drop is judged (SPEC §8.2).
pub const MIN_CONSULTATIONS: u64 = 10;

/// The days before a slump whose daily average it is measured against (SPEC §8.2).
pub const SLUMP_BASE_DAYS: i64 = 30;

/// The three levels, in rising order (`--fail-on yellow` also fails on red).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// 关注: watch it.
    Blue,
    /// 资源调配: move resources.
    Yellow,
    /// 策略调整: change the strategy.
    Red,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Slump,
    ConversionDrop,
    ComplaintRate,
    ComplicationRate,
    Pace,
}

impl Rule {
    pub fn level(self) -> Level {
        match self {
            Rule::Slump => Level::Yellow,
            Rule::ConversionDrop | Rule::ComplaintRate | Rule::ComplicationRate => Level::Red,
            Rule::Pace => Level::Blue,
        }
    }
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Clinic,
    Store,
    Channel,
}

/// One day's revenue.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayRevenue {
    pub date: NaiveDate,
    pub revenue: f64,
}

/// The figures behind an alert, by rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figures {
    Slump {
        days: Vec<DayRevenue>,
        daily_average: f64,
        /// `slump_share`: the threshold is this share of the daily average.
        share: f64,
        threshold: f64,
        base_from: NaiveDate,
        base_to: NaiveDate,
    },
    ConversionDrop {
        consultations: u64,
        deals: u64,
        conversion: Option<f64>,
        previous_from: NaiveDate,
        previous_to: NaiveDate,
        previous_consultations: u64,
        previous_deals: u64,
        previous_conversion: Option<f64>,
        /// 1 − conversion ÷ previous_conversion.
        drop: Option<f64>,
        limit: f64,
        min_consultations: u64,
    },
    ComplaintRate {
        complaints: u64,
        customers_served: u64,
        rate: Option<f64>,
        limit: f64,
    },
    ComplicationRate {
        complications: u64,
        treatments: u64,
        rate: Option<f64>,
        limit: f64,
    },
    Pace {
        revenue: f64,
        expected: f64,
        base: f64,
        days_elapsed: u32,
        days_in_month: u32,
    },
    /// Nothing to show: the input the rule needs was not given.
    None {},
}

/// Why a rule could not be judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Undecided {
    /// A conversion window with fewer than [`MIN_CONSULTATIONS`] consultations.
    TooFewConsultations,
    /// The inputs do not reach back over the days the rule looks at (their first date is
    /// `data_from`) — or, for a channel, the visits end before the day.
    NotCovered,
    /// Complaints (or complications) but no customers served (or treatments) to divide by.
    NothingToDivide,
    /// The input the rule needs was not given: no sales (slump, pace), no complaints (both
    /// rates), no channel column while `[clinic.channels]` sets targets (conversion).
    NoInput,
    /// A store of `[clinic.stores]` (pace) or a channel of `[clinic.channels]` (conversion)
    /// that no export names: a misspelt name, or the wrong exports.
    NotInData,
}

/// One alert, or one rule that could not be judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub level: Level,
    pub rule: Rule,
    pub scope: Scope,
    pub store: Option<String>,
    pub channel: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub figures: Figures,
    /// Set on the rules that could not be judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Undecided>,
}

/// The day's alerts and the rules that could not be judged, most severe first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub date: NaiveDate,
    pub alerts: Vec<Alert>,
    pub undecided: Vec<Alert>,
}

impl Report {
    /// Whether an alert at `level` or above holds.
    pub fn reaches(&self, level: Level) -> bool {
        self.alerts.iter().any(|a| a.level >= level)
    }
}

/// Where the exports end: the last date of the sales and of the visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataEnd {
    pub sales: Option<NaiveDate>,
    pub visits: Option<NaiveDate>,
}

impl DataEnd {
    pub fn of(ds: &Dataset) -> DataEnd {
        DataEnd {
            sales: ds.sales.iter().map(|s| s.date).max(),
            visits: ds.visits.iter().map(|v| v.date).max(),
        }
    }

    /// The last day the rules can judge: the sales' last date (revenue is what a late export
    /// would turn into a false slump), or the visits' when there are no sales.
    pub fn last(&self) -> Option<NaiveDate> {
        self.sales.or(self.visits)
    }
}

/// The alerts for `date`, which must not be past [`DataEnd::last`] (the caller refuses it).
pub fn check(ds: &Dataset, config: &Config, people: &[Person], date: NaiveDate) -> Report {
    let index = Index::new(ds);
    let end = DataEnd::of(ds);
    let mut found: Vec<Alert> = Vec::new();
    slump(ds, config, date, &mut found);
    conversion_drop(ds, config, &index, end, date, &mut found);
    let month_start = date.with_day(1).unwrap_or(date);
    if let Ok(mtd) = Period::range(month_start, date) {
        rates(ds, config, people, &index, &mtd, &mut found);
        pace(ds, config, &mtd, &mut found);
    }
    // Most severe first; then by rule, the clinic before its stores and channels, and these
    // in the order the data first names them (the order the rules found them in).
    found.sort_by_key(|a| (std::cmp::Reverse(a.level), a.rule, a.scope));
    let (undecided, alerts): (Vec<Alert>, Vec<Alert>) =
        found.into_iter().partition(|a| a.reason.is_some());
    Report {
        date,
        alerts,
        undecided,
    }
}

/// A rule whose input was not given: one entry for the clinic, so that a cron job's mail says
/// it was not judged rather than leaving it out.
fn no_input(rule: Rule, from: NaiveDate, to: NaiveDate) -> Alert {
    Alert {
        level: rule.level(),
        rule,
        scope: Scope::Clinic,
        store: None,
        channel: None,
        from,
        to,
        figures: Figures::None {},
        reason: Some(Undecided::NoInput),
    }
}

/// A configured store or channel that no export names.
fn not_in_data(rule: Rule, from: NaiveDate, to: NaiveDate) -> Alert {
    Alert {
        reason: Some(Undecided::NotInData),
        ..no_input(rule, from, to)
    }
}

/// A store's alert fields from its interned name (None: the clinic).
fn store_scope(ds: &Dataset, store: Option<Sym>) -> (Scope, Option<String>) {
    match store {
        Some(s) => (Scope::Store, Some(ds.name(s).to_string())),
        None => (Scope::Clinic, None),
    }
}

/// Sales revenue in fen per day and scope (None: the clinic) over `from..=to`.
fn daily_revenue(
    ds: &Dataset,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<Option<Sym>, HashMap<NaiveDate, i64>> {
    let mut out: BTreeMap<Option<Sym>, HashMap<NaiveDate, i64>> = BTreeMap::new();
    for s in ds.sales.iter().filter(|s| from <= s.date && s.date <= to) {
        *out.entry(None).or_default().entry(s.date).or_default() += s.amount;
        if let Some(store) = s.store {
            *out.entry(Some(store))
                .or_default()
                .entry(s.date)
                .or_default() += s.amount;
        }
    }
    out
}

fn slump(ds: &Dataset, config: &Config, date: NaiveDate, out: &mut Vec<Alert>) {
    let a = &config.alerts;
    let days = i64::from(a.slump_days);
    let from = date - Duration::days(days - 1);
    if !ds.has(Kind::Sales) {
        out.push(no_input(Rule::Slump, from, date));
        return;
    }
    let base_to = from - Duration::days(1);
    let base_from = from - Duration::days(SLUMP_BASE_DAYS);
    let covered = Period::range(base_from, base_to).is_ok_and(|p| ds.covers(&p));
    let by_scope = daily_revenue(ds, base_from, date);
    let mut scopes: Vec<Option<Sym>> = by_scope.keys().copied().collect();
    if !scopes.contains(&None) {
        scopes.insert(0, None);
    }
    for scope in scopes {
        let empty = HashMap::new();
        let daily = by_scope.get(&scope).unwrap_or(&empty);
        let day_list: Vec<DayRevenue> = (0..days)
            .map(|i| {
                let d = from + Duration::days(i);
                DayRevenue {
                    date: d,
                    revenue: yuan(daily.get(&d).copied().unwrap_or(0)),
                }
            })
            .collect();
        let base: i64 = daily
            .iter()
            .filter(|(d, _)| **d <= base_to)
            .map(|(_, v)| *v)
            .sum();
        let average = yuan(base) / SLUMP_BASE_DAYS as f64;
        let threshold = a.slump_share * average;
        let (scope_kind, store) = store_scope(ds, scope);
        let alert = |reason: Option<Undecided>| Alert {
            level: Rule::Slump.level(),
            rule: Rule::Slump,
            scope: scope_kind,
            store: store.clone(),
            channel: None,
            from,
            to: date,
            figures: Figures::Slump {
                days: day_list.clone(),
                daily_average: average,
                share: a.slump_share,
                threshold,
                base_from,
                base_to,
            },
            reason,
        };
        if !covered {
            out.push(alert(Some(Undecided::NotCovered)));
            continue;
        }
        if average > 0.0 && day_list.iter().all(|d| d.revenue < threshold) {
            out.push(alert(None));
        }
    }
}

fn conversion_drop(
    ds: &Dataset,
    config: &Config,
    index: &Index,
    end: DataEnd,
    date: NaiveDate,
    out: &mut Vec<Alert>,
) {
    let a = &config.alerts;
    let w = i64::from(a.window_days);
    let from = date - Duration::days(w - 1);
    let previous_to = from - Duration::days(1);
    let previous_from = from - Duration::days(w);
    if !ds.has_field(Kind::Visits, Field::Channel) {
        // Channels with targets and no channel column to judge them by: say so.
        if !config.clinic.channels.is_empty() {
            out.push(no_input(Rule::ConversionDrop, from, date));
        }
        return;
    }
    let covered = Period::range(previous_from, date).is_ok_and(|p| ds.covers(&p))
        && end.visits.is_some_and(|v| v >= date);
    let cs = compute::consultations(
        ds,
        index,
        ds.visits
            .iter()
            .filter(|v| previous_from <= v.date && v.date <= date),
    );
    // (consultations, deals) of the last window and of the one before, per channel: the
    // configured channels first (in config order), then the others the data names.
    let mut order: Vec<Sym> = Vec::new();
    for name in config.clinic.channels.keys() {
        match sym_of_config_name(ds, name) {
            Some(sym) => order.push(sym),
            None => out.push(Alert {
                channel: Some(name.clone()),
                scope: Scope::Channel,
                ..not_in_data(Rule::ConversionDrop, from, date)
            }),
        }
    }
    let mut by_channel: HashMap<Sym, [(u64, u64); 2]> = HashMap::new();
    for c in &cs {
        let Some(channel) = c.channel else { continue };
        let n = &mut by_channel.entry(channel).or_default()[usize::from(c.date < from)];
        n.0 += 1;
        n.1 += u64::from(c.deal);
    }
    let mut seen: Vec<Sym> = by_channel.keys().copied().collect();
    seen.sort_unstable();
    for sym in seen {
        if !order.contains(&sym) {
            order.push(sym);
        }
    }
    for channel in order {
        let [(n, d), (pn, pd)] = by_channel.get(&channel).copied().unwrap_or_default();
        let conversion = ratio(d as f64, n as f64);
        let previous_conversion = ratio(pd as f64, pn as f64);
        let drop = match (conversion, previous_conversion) {
            (Some(c), Some(p)) if p > 0.0 => Some(1.0 - c / p),
            _ => None,
        };
        let alert = |reason: Option<Undecided>| Alert {
            level: Rule::ConversionDrop.level(),
            rule: Rule::ConversionDrop,
            scope: Scope::Channel,
            store: None,
            channel: Some(ds.name(channel).to_string()),
            from,
            to: date,
            figures: Figures::ConversionDrop {
                consultations: n,
                deals: d,
                conversion,
                previous_from,
                previous_to,
                previous_consultations: pn,
                previous_deals: pd,
                previous_conversion,
                drop,
                limit: a.conversion_drop,
                min_consultations: MIN_CONSULTATIONS,
            },
            reason,
        };
        if !covered {
            out.push(alert(Some(Undecided::NotCovered)));
        } else if n < MIN_CONSULTATIONS || pn < MIN_CONSULTATIONS {
            out.push(alert(Some(Undecided::TooFewConsultations)));
        } else if pd > 0
            // d/n ≤ pd/pn × (1 − drop), multiplied out so that whole counts compare exactly.
            && (d * pn) as f64 <= (pd * n) as f64 * (1.0 - a.conversion_drop)
        {
            out.push(alert(None));
        }
    }
}

/// Month-to-date complaint and complication rates of the clinic and each store.
fn rates(
    ds: &Dataset,
    config: &Config,
    people: &[Person],
    index: &Index,
    mtd: &Period,
    out: &mut Vec<Alert>,
) {
    if !ds.has(Kind::Complaints) {
        out.push(no_input(Rule::ComplaintRate, mtd.start, mtd.end));
        return;
    }
    let cx = Context::new(ds, config, people, mtd, index);
    let mut stores: Vec<Sym> = ds
        .sales
        .iter()
        .filter(|s| mtd.contains(s.date))
        .filter_map(|s| s.store)
        .chain(ds.roster.iter().filter_map(|r| r.store))
        .collect();
    stores.sort_unstable();
    stores.dedup();
    let mut scopes: Vec<(Option<Sym>, Vec<Sym>)> = vec![(None, cx.everyone())];
    for s in stores {
        let members = cx.store_members(s);
        if !members.is_empty() {
            scopes.push((Some(s), members));
        }
    }
    let a = &config.alerts;
    for (store, members) in scopes {
        let (scope, store_name) = store_scope(ds, store);
        for rule in [Rule::ComplaintRate, Rule::ComplicationRate] {
            let (f, limit) = match rule {
                Rule::ComplaintRate => (
                    cx.members_figure(&members, "complaint_rate", Attribute::Consultant),
                    a.complaint_rate,
                ),
                _ => (
                    cx.members_figure(&members, "complication_rate", Attribute::Doctor),
                    a.complication_rate,
                ),
            };
            let Some(figures) = rate_figures(rule, &f, limit) else {
                continue;
            };
            let (num, den) = (f.numerator.unwrap_or(0.0), f.denominator.unwrap_or(0.0));
            let reason = match f.value {
                Some(v) if v > limit => None,
                Some(_) => continue,
                None if num > 0.0 && den <= 0.0 => Some(Undecided::NothingToDivide),
                None => continue,
            };
            out.push(Alert {
                level: rule.level(),
                rule,
                scope,
                store: store_name.clone(),
                channel: None,
                from: mtd.start,
                to: mtd.end,
                figures,
                reason,
            });
        }
    }
}

/// A rate's figures; None when an input it needs was not given (nothing was counted).
fn rate_figures(rule: Rule, f: &Figure, limit: f64) -> Option<Figures> {
    let num = f.numerator?.max(0.0) as u64;
    let den = f.denominator?.max(0.0) as u64;
    Some(match rule {
        Rule::ComplaintRate => Figures::ComplaintRate {
            complaints: num,
            customers_served: den,
            rate: f.value,
            limit,
        },
        _ => Figures::ComplicationRate {
            complications: num,
            treatments: den,
            rate: f.value,
            limit,
        },
    })
}

/// Month-to-date revenue against the base target's pace, where a base is configured.
fn pace(ds: &Dataset, config: &Config, mtd: &Period, out: &mut Vec<Alert>) {
    let c = &config.clinic;
    let mut targets: Vec<(Option<Sym>, Option<String>, f64)> = Vec::new();
    if let Some(base) = c.revenue.and_then(|l| l.base) {
        targets.push((None, None, base));
    }
    for (name, levels) in &c.stores {
        if let Some(base) = levels.base {
            match sym_of_config_name(ds, name) {
                Some(sym) => targets.push((Some(sym), Some(ds.name(sym).to_string()), base)),
                None => out.push(Alert {
                    store: Some(name.clone()),
                    scope: Scope::Store,
                    ..not_in_data(Rule::Pace, mtd.start, mtd.end)
                }),
            }
        }
    }
    if targets.is_empty() {
        return;
    }
    if !ds.has(Kind::Sales) {
        out.push(no_input(Rule::Pace, mtd.start, mtd.end));
        return;
    }
    let covered = ds.covers(mtd);
    let days_in_month = month_days(mtd.start);
    let days_elapsed = mtd.end.day();
    for (sym, store, base) in targets {
        let fen: i64 = ds
            .sales
            .iter()
            .filter(|s| mtd.contains(s.date))
            .filter(|s| sym.is_none() || s.store == sym)
            .map(|s| s.amount)
            .sum();
        let revenue = yuan(fen);
        let expected = base * f64::from(days_elapsed) / f64::from(days_in_month);
        let reason = if !covered {
            Some(Undecided::NotCovered)
        } else if revenue < expected {
            None
        } else {
            continue;
        };
        out.push(Alert {
            level: Rule::Pace.level(),
            rule: Rule::Pace,
            scope: if store.is_some() {
                Scope::Store
            } else {
                Scope::Clinic
            },
            store,
            channel: None,
            from: mtd.start,
            to: mtd.end,
            figures: Figures::Pace {
                revenue,
                expected,
                base,
                days_elapsed,
                days_in_month,
            },
            reason,
        });
    }
}

/// The days of the month `first` begins.
fn month_days(first: NaiveDate) -> u32 {
    Period::month(first.year(), first.month()).map_or(30, |p| p.days() as u32)
}
