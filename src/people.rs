//! Who is scored, in which role (SPEC §2.4): from the roster, or inferred from the data.

use crate::config::Config;
use crate::input::{Dataset, FxBuild, Kind, Sym};
use crate::issues::{Issue, Severity};
use crate::period::Period;
use crate::words::people::PeopleMsg;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub sym: Sym,
    pub staff_id: Option<String>,
    /// The config key of the role (`consultant`).
    pub role: String,
    pub store: Option<Sym>,
    pub department: Option<Sym>,
    /// Monthly revenue target from the roster, in fen.
    pub roster_target: Option<i64>,
    pub hired: Option<NaiveDate>,
    pub left: Option<NaiveDate>,
}

/// The config role a roster role text names, by key or any of its labels (`consultant`,
/// `咨询师`, or another title of its `label` list).
pub fn match_role(cfg: &Config, text: &str) -> Option<String> {
    cfg.roles
        .iter()
        .find(|(key, role)| role.is_named(key, text))
        .map(|(key, _)| key.clone())
}

/// Whether someone was employed at some time in the period.
pub fn employed_in(hired: Option<NaiveDate>, left: Option<NaiveDate>, p: &Period) -> bool {
    hired.is_none_or(|h| h <= p.end) && left.is_none_or(|l| l >= p.start)
}

/// Settles whose rows are whose, finds the people to score and checks that the data can say
/// what the config asks (SPEC §2.4): the one step `check`, `score` and `explain` share, so they
/// report the same issues. Every issue goes to `ds.issues`.
pub fn prepare(ds: &mut Dataset, cfg: &Config, period: Option<&Period>) -> Vec<Person> {
    let mut issues = crate::credit::settle(ds, cfg, period);
    let (people, found) = resolve(ds, cfg, period);
    issues.extend(found);
    issues.extend(crate::metrics::needs::missing_columns(ds, cfg, &people));
    // Sales or visits exported, but none of their rows in the period. (With neither input
    // given at all, every KPI that needs them is `no_data`, which each person shows.)
    if let Some(p) = period {
        if (ds.has(Kind::Sales) || ds.has(Kind::Visits)) && !ds.has_activity_in(p) {
            issues.push(empty_period(p));
        }
    }
    ds.issues.extend(issues);
    people
}

/// No sales and no visits in the period: the exports are late, or of another month.
pub fn empty_period(p: &Period) -> Issue {
    Issue::new(
        Severity::Error,
        PeopleMsg::EmptyPeriod {
            period: p.label.clone(),
            start: p.start.to_string(),
            end: p.end.to_string(),
        },
    )
}

/// The people to score, in roster (or first-seen) order, and the issues found on the way.
pub fn resolve(ds: &Dataset, cfg: &Config, period: Option<&Period>) -> (Vec<Person>, Vec<Issue>) {
    let mut issues = Vec::new();
    let mut people = Vec::new();
    if ds.has(Kind::Roster) {
        // Same name twice without distinct staff ids: an error naming both rows.
        let mut by_name: BTreeMap<Sym, Vec<usize>> = BTreeMap::new();
        for (i, r) in ds.roster.iter().enumerate() {
            by_name.entry(r.staff).or_default().push(i);
        }
        let mut ambiguous: HashSet<Sym> = HashSet::new();
        for (sym, rows) in &by_name {
            if rows.len() < 2 {
                continue;
            }
            let ids: HashSet<Option<Sym>> = rows.iter().map(|&i| ds.roster[i].staff_id).collect();
            if ids.len() == rows.len() && !ids.contains(&None) {
                continue;
            }
            ambiguous.insert(*sym);
            let at: Vec<(String, u32)> = rows
                .iter()
                .map(|&i| {
                    let r = &ds.roster[i];
                    let input = &ds.inputs[r.at.input as usize];
                    (input.file.clone(), r.at.row)
                })
                .collect();
            let first = &ds.roster[rows[0]];
            let input = &ds.inputs[first.at.input as usize];
            issues.push(
                Issue::new(
                    Severity::Error,
                    PeopleMsg::SameNameNoStaffId {
                        name: ds.name(*sym).to_string(),
                        rows: at,
                    },
                )
                .at(&input.file, input.sheet.as_deref())
                .row(first.at.row)
                .value(ds.name(*sym)),
            );
        }
        // One 工号 given to two different names: neither is scored until the roster says who.
        let mut by_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in ds.roster.iter().enumerate() {
            if let Some(id) = r.staff_id {
                by_id.entry(ds.name(id)).or_default().push(i);
            }
        }
        for (id, rows) in &by_id {
            let mut names: Vec<&str> = rows.iter().map(|&i| ds.name(ds.roster[i].staff)).collect();
            names.sort_unstable();
            names.dedup();
            if names.len() < 2 {
                continue;
            }
            for &i in rows {
                ambiguous.insert(ds.roster[i].staff);
            }
            let first = &ds.roster[rows[0]];
            let input = &ds.inputs[first.at.input as usize];
            let at: Vec<(String, u32)> = rows
                .iter()
                .map(|&i| {
                    let r = &ds.roster[i];
                    (ds.name(r.staff).to_string(), r.at.row)
                })
                .collect();
            issues.push(
                Issue::new(
                    Severity::Error,
                    PeopleMsg::StaffIdTwoNames {
                        staff_id: id.to_string(),
                        rows: at,
                    },
                )
                .at(&input.file, input.sheet.as_deref())
                .row(first.at.row)
                .column(&header_of(input, "staff_id"))
                .value(*id),
            );
        }
        // Role text → (people, first row naming it).
        let mut unmatched_roles: BTreeMap<String, (usize, crate::input::RowRef)> = BTreeMap::new();
        // Roster people of such a role: name → (role text, roster row).
        let mut unscored: HashMap<Sym, (String, crate::input::RowRef)> = HashMap::new();
        for r in &ds.roster {
            if ambiguous.contains(&r.staff) {
                continue;
            }
            let Some(role) = match_role(cfg, &r.role) else {
                unmatched_roles.entry(r.role.clone()).or_insert((0, r.at)).0 += 1;
                unscored.entry(r.staff).or_insert((r.role.clone(), r.at));
                continue;
            };
            if let Some(p) = period {
                if !employed_in(r.hired, r.left, p) {
                    continue;
                }
            }
            people.push(Person {
                name: ds.name(r.staff).to_string(),
                sym: r.staff,
                staff_id: r.staff_id.map(|s| ds.name(s).to_string()),
                role,
                store: r.store,
                department: r.department,
                roster_target: r.target,
                hired: r.hired,
                left: r.left,
            });
        }
        for (role, (n, at)) in unmatched_roles {
            let input = &ds.inputs[at.input as usize];
            let header = header_of(input, "role");
            issues.push(
                Issue::new(
                    Severity::Info,
                    PeopleMsg::RosterRoleUnknown {
                        role: role.clone(),
                        people: n,
                    },
                )
                .at(&input.file, input.sheet.as_deref())
                .row(at.row)
                .column(&header)
                .value(role),
            );
        }
        // People named in the data but not in the roster: a warning, once per name.
        let in_roster: HashSet<Sym, FxBuild> = ds.roster.iter().map(|r| r.staff).collect();
        let mut seen: HashSet<Sym, FxBuild> = HashSet::default();
        // A year of sales names a few hundred people millions of times: each is looked at
        // once (held names are held for good, so seeing one first changes nothing).
        for_each_named_in_data(ds, period, |sym, at, col| {
            if !seen.insert(sym) || ds.held.contains(&sym) {
                return;
            }
            // A roster person whose role the config does not score, but who has data in the
            // period: a 现场咨询师 with ¥9,000 of sales must not vanish from payroll quietly.
            if let Some((role, roster_at)) = unscored.get(&sym) {
                let roster = &ds.inputs[roster_at.input as usize];
                issues.push(
                    Issue::new(
                        Severity::Warning,
                        PeopleMsg::UnscoredRoleHasData {
                            name: ds.name(sym).to_string(),
                            file: ds.inputs[at.input as usize].file.clone(),
                            row: at.row,
                            role: role.clone(),
                        },
                    )
                    .at(&roster.file, roster.sheet.as_deref())
                    .row(roster_at.row)
                    .column(&header_of(roster, "role"))
                    .value(role.clone()),
                );
                return;
            }
            if in_roster.contains(&sym) {
                return;
            }
            let input = &ds.inputs[at.input as usize];
            issues.push(
                Issue::new(
                    Severity::Warning,
                    PeopleMsg::NotInRoster {
                        name: ds.name(sym).to_string(),
                    },
                )
                .at(&input.file, input.sheet.as_deref())
                .row(at.row)
                .column(col)
                .value(ds.name(sym)),
            );
        });
    } else {
        // No roster: consultants from visits/sales, doctors from sales (SPEC §2.4).
        let mut seen: HashMap<Sym, String, FxBuild> = HashMap::default();
        let mut order: Vec<(Sym, String)> = Vec::new();
        let mut add = |sym: Sym, role: &str| {
            if cfg.roles.contains_key(role) && !seen.contains_key(&sym) {
                seen.insert(sym, role.to_string());
                order.push((sym, role.to_string()));
            }
        };
        let in_p = |d: NaiveDate| period.is_none_or(|p| p.contains(d));
        for v in ds.visits.iter().filter(|v| in_p(v.date)) {
            add(v.consultant, "consultant");
        }
        for s in ds.sales.iter().filter(|s| in_p(s.date)) {
            if let Some(c) = s.consultant {
                add(c, "consultant");
            }
        }
        for s in ds.sales.iter().filter(|s| in_p(s.date)) {
            if let Some(d) = s.doctor {
                add(d, "doctor");
            }
        }
        if !order.is_empty() {
            issues.push(Issue::new(Severity::Info, PeopleMsg::NoRoster));
        }
        for (sym, role) in order {
            people.push(Person {
                name: ds.name(sym).to_string(),
                sym,
                staff_id: None,
                role,
                store: None,
                department: None,
                roster_target: None,
                hired: None,
                left: None,
            });
        }
    }
    (people, issues)
}

/// The header an input gave to canonical column `field`, or the field's key.
fn header_of(input: &crate::input::InputReport, field: &str) -> String {
    input
        .columns
        .iter()
        .find(|(_, f)| *f == field)
        .map_or_else(|| field.to_string(), |(h, _)| h.clone())
}

/// Calls `out` with every (name, row, column) naming a staff member in the data, in the data's
/// order (a year of sales names millions: they are visited, never collected).
fn for_each_named_in_data(
    ds: &Dataset,
    period: Option<&Period>,
    mut out: impl FnMut(Sym, crate::input::RowRef, &'static str),
) {
    let in_p = |d: NaiveDate| period.is_none_or(|p| p.contains(d));
    for s in ds.sales.iter().filter(|s| in_p(s.date)) {
        for (n, col) in [
            (s.consultant, "consultant"),
            (s.doctor, "doctor"),
            (s.nurse, "nurse"),
        ] {
            if let Some(n) = n {
                out(n, s.at, col);
            }
        }
    }
    for v in ds.visits.iter().filter(|v| in_p(v.date)) {
        out(v.consultant, v.at, "consultant");
    }
    for c in ds.complaints.iter().filter(|c| in_p(c.when.date())) {
        out(c.staff, c.at, "staff");
    }
    for s in ds.surveys.iter().filter(|s| in_p(s.date)) {
        out(s.staff, s.at, "staff");
    }
    let months = period.map(|p| p.year_months());
    let month_in = |m: &(i32, u32)| months.as_ref().is_none_or(|ms| ms.contains(m));
    for r in ds.ratings.iter().filter(|r| month_in(&r.month)) {
        out(r.staff, r.at, "staff");
    }
    for t in ds.targets.iter().filter(|t| month_in(&t.month)) {
        out(t.staff, t.at, "staff");
    }
}
