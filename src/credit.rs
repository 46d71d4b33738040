//! Whose row is this (SPEC §2.4). Before anyone is scored, every row naming a staff member is
//! settled to one person or, loudly, to nobody:
//! - **namesakes** — two roster people with one name and distinct 工号 become two people; a
//!   data row naming that name is credited to the one whose store (then department) matches the
//!   row's, and where no column decides, to neither, with an error naming the row and both;
//! - **credit to another role** — a sales row naming, in a role's `attribute` column, a roster
//!   person of a role credited by another column (a nurse in the 咨询师 column), or a visit whose
//!   consultant is such a person, is credited to nobody, with a warning naming the row.
//!
//! A row held back names a fresh name (shown as the person's name, reached by no text of the
//! data), so no metric counts it for anyone and the same sale is never credited twice.

use crate::config::{Attribute, Config};
use crate::input::{Dataset, Field, FxBuild, Kind, RowRef, Sym};
use crate::issues::{Issue, Severity};
use crate::people::match_role;
use crate::period::Period;
use crate::words::people::PeopleMsg;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// A roster person among namesakes: their own name, store and department.
struct Namesake {
    sym: Sym,
    staff_id: String,
    store: Option<Sym>,
    department: Option<Sym>,
}

/// Everyone the roster gives one name to, and the name their undecided rows are held under.
struct Namesakes {
    people: Vec<Namesake>,
    held: Sym,
}

/// What a staff column of a row is: the sales columns that credit a role, or a column that
/// names one person (visits consultant, complaints/surveys/ratings/targets/adjustments staff).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Consultant,
    Doctor,
    Nurse,
    Staff,
}

impl Column {
    fn key(self) -> &'static str {
        match self {
            Column::Consultant => "consultant",
            Column::Doctor => "doctor",
            Column::Nurse => "nurse",
            Column::Staff => "staff",
        }
    }

    fn field(self) -> Field {
        match self {
            Column::Consultant => Field::Consultant,
            Column::Doctor => Field::Doctor,
            Column::Nurse => Field::Nurse,
            Column::Staff => Field::Staff,
        }
    }
}

/// A row being settled: where it is, whether it falls in the period, and the store and
/// department columns that may decide between namesakes.
#[derive(Clone, Copy)]
struct RowFacts {
    at: RowRef,
    in_period: bool,
    store: Option<Sym>,
    department: Option<Sym>,
}

/// Settles every staff name of every row (see the module doc) and returns the issues. Held
/// names are recorded in `ds.held`, so nothing reports them again as unknown people.
pub fn settle(ds: &mut Dataset, cfg: &Config, period: Option<&Period>) -> Vec<Issue> {
    let mut s = Settler {
        namesakes: namesakes(ds),
        other_role: HashMap::default(),
        role_of: HashMap::default(),
        issues: Vec::new(),
        held_outside: BTreeMap::new(),
    };
    if ds.has(Kind::Roster) {
        for r in &ds.roster {
            // A namesake's role is looked up under their own name, once a row is theirs.
            let own = s.namesakes.get(&r.staff).and_then(|g| {
                let id = r.staff_id.map(|id| ds.names.name(id));
                g.people.iter().find(|p| id == Some(p.staff_id.as_str()))
            });
            let name = own.map_or(r.staff, |p| p.sym);
            if let Some(role) = match_role(cfg, &r.role) {
                let attribute = cfg.roles[&role].attribute.unwrap_or_default();
                s.role_of.entry(name).or_insert((role, attribute));
            }
        }
    }
    if s.namesakes.is_empty() && s.role_of.is_empty() {
        return Vec::new();
    }
    let in_p = |d: NaiveDate| period.is_none_or(|p| p.contains(d));
    let months = period.map(|p| p.year_months());
    let month_in = |m: (i32, u32)| months.as_ref().is_none_or(|ms| ms.contains(&m));

    // Sales: each of the three columns that credit a role.
    for i in 0..ds.sales.len() {
        let row = &ds.sales[i];
        let facts = RowFacts {
            at: row.at,
            in_period: in_p(row.date),
            store: row.store,
            department: row.department,
        };
        let names = [row.consultant, row.doctor, row.nurse];
        for (n, col) in names
            .into_iter()
            .zip([Column::Consultant, Column::Doctor, Column::Nurse])
        {
            let Some(name) = n else { continue };
            let settled = s.settle(ds, name, col, facts, cfg);
            if settled != name {
                let row = &mut ds.sales[i];
                match col {
                    Column::Consultant => row.consultant = Some(settled),
                    Column::Doctor => row.doctor = Some(settled),
                    _ => row.nurse = Some(settled),
                }
            }
        }
    }
    // Visits: the consultant is credited with the consultation.
    for i in 0..ds.visits.len() {
        let v = &ds.visits[i];
        let facts = RowFacts {
            at: v.at,
            in_period: in_p(v.date),
            store: v.store,
            department: v.department,
        };
        let settled = s.settle(ds, v.consultant, Column::Consultant, facts, cfg);
        ds.visits[i].consultant = settled;
    }
    // The kinds that name one person and have no store column: only namesakes are settled.
    macro_rules! staff_rows {
        ($rows:ident, $in_period:expr) => {
            let in_period = $in_period;
            for i in 0..ds.$rows.len() {
                let r = &ds.$rows[i];
                if !s.namesakes.contains_key(&r.staff) {
                    continue;
                }
                let facts = RowFacts {
                    at: r.at,
                    in_period: in_period(r),
                    store: None,
                    department: None,
                };
                let settled = s.settle(ds, r.staff, Column::Staff, facts, cfg);
                ds.$rows[i].staff = settled;
            }
        };
    }
    staff_rows!(complaints, |r: &crate::input::Complaint| in_p(
        r.when.date()
    ));
    staff_rows!(surveys, |r: &crate::input::Survey| in_p(r.date));
    staff_rows!(ratings, |r: &crate::input::Rating| month_in(r.month));
    staff_rows!(targets, |r: &crate::input::TargetRow| month_in(r.month));
    let label = period.map(|p| p.label.clone());
    staff_rows!(adjustments, |r: &crate::input::Adjustment| label
        .as_ref()
        .is_none_or(|l| *l == r.period));

    // Rows outside the period held back too: one line per name, so nothing is silent.
    for (name, n) in std::mem::take(&mut s.held_outside) {
        s.issues.push(Issue::new(
            Severity::Info,
            PeopleMsg::HeldOutsidePeriod { name, rows: n },
        ));
    }
    for g in s.namesakes.values() {
        ds.held.insert(g.held);
    }
    ds.held.extend(s.other_role.values().copied());
    // Each namesake's roster row names them alone from now on.
    for r in ds.roster.iter_mut() {
        if let Some(g) = s.namesakes.get(&r.staff) {
            let id = r.staff_id.map(|id| ds.names.name(id).to_string());
            if let Some(p) = g.people.iter().find(|p| Some(&p.staff_id) == id.as_ref()) {
                r.staff = p.sym;
            }
        }
    }
    s.issues
}

struct Settler {
    /// By the name the data uses.
    namesakes: HashMap<Sym, Namesakes, FxBuild>,
    /// A roster person's own name under which rows crediting them in another role's column
    /// are held, made on first use.
    other_role: HashMap<Sym, Sym, FxBuild>,
    /// Roster name → (config role, the sales column that credits it).
    role_of: HashMap<Sym, (String, Attribute), FxBuild>,
    issues: Vec<Issue>,
    /// Held rows outside the period, per name shown.
    held_outside: BTreeMap<String, usize>,
}

impl Settler {
    /// The name `name` in column `col` of the row is credited under.
    fn settle(
        &mut self,
        ds: &mut Dataset,
        name: Sym,
        col: Column,
        facts: RowFacts,
        cfg: &Config,
    ) -> Sym {
        let mut name = name;
        if let Some(g) = self.namesakes.get(&name) {
            let candidates: Vec<&Namesake> = decide(&g.people, facts);
            if let [one] = candidates.as_slice() {
                name = one.sym;
            } else {
                return self.hold_namesake(ds, name, col, facts);
            }
        }
        self.other_role(ds, name, col, facts, cfg)
    }

    /// A row naming namesakes that nothing decides between: held, with an error.
    fn hold_namesake(&mut self, ds: &Dataset, name: Sym, col: Column, facts: RowFacts) -> Sym {
        let g = &self.namesakes[&name];
        {
            let held = g.held;
            let message = PeopleMsg::NamesakeHeld {
                name: ds.names.name(name).to_string(),
                people: g
                    .people
                    .iter()
                    .map(|p| {
                        let store = p.store.map(|s| ds.names.name(s).to_string());
                        (p.staff_id.clone(), store)
                    })
                    .collect(),
                row_has_store_or_department: facts.store.is_some() || facts.department.is_some(),
            };
            self.report(ds, Severity::Error, message, name, col, facts);
            held
        }
    }

    /// A roster person of a role credited by another column than `col`: held, with a warning.
    fn other_role(
        &mut self,
        ds: &mut Dataset,
        name: Sym,
        col: Column,
        facts: RowFacts,
        cfg: &Config,
    ) -> Sym {
        let Some((role, attribute)) = self.role_of.get(&name) else {
            return name;
        };
        if col == Column::Staff || attribute.field() == col.field() {
            return name;
        }
        let role_label = cfg.roles[role].shown_label(role).to_string();
        let held = match self.other_role.get(&name) {
            Some(&held) => held,
            None => {
                let shown = ds.names.name(name).to_string();
                let held = ds.names.fresh(&shown);
                self.other_role.insert(name, held);
                held
            }
        };
        let message = PeopleMsg::CreditedByOtherColumn {
            name: ds.names.name(name).to_string(),
            role_label,
            role: role.clone(),
            credited_by: attribute.field(),
            column: col.field(),
        };
        self.report(ds, Severity::Warning, message, name, col, facts);
        held
    }

    /// An issue for a held row in the period; one summary line per name for rows outside it.
    fn report(
        &mut self,
        ds: &Dataset,
        severity: Severity,
        message: PeopleMsg,
        name: Sym,
        col: Column,
        facts: RowFacts,
    ) {
        if !facts.in_period {
            *self
                .held_outside
                .entry(ds.names.name(name).to_string())
                .or_default() += 1;
            return;
        }
        let input = &ds.inputs[facts.at.input as usize];
        let header = input
            .columns
            .iter()
            .find(|(_, f)| *f == col.key())
            .map_or(col.key(), |(h, _)| h.as_str());
        self.issues.push(
            Issue::new(severity, message)
                .at(&input.file, input.sheet.as_deref())
                .row(facts.at.row)
                .column(header)
                .value(ds.names.name(name)),
        );
    }
}

/// The namesakes a row's store (then department) picks: all of them when the row has neither.
fn decide(people: &[Namesake], facts: RowFacts) -> Vec<&Namesake> {
    let mut c: Vec<&Namesake> = people.iter().collect();
    if let Some(store) = facts.store {
        c.retain(|p| p.store == Some(store));
    }
    if c.len() > 1 {
        if let Some(dept) = facts.department {
            c.retain(|p| p.department == Some(dept));
        }
    }
    c
}

/// Roster names given to two or more people with distinct 工号 (each gets a name of their own);
/// a name repeated without distinct 工号 is `people::resolve`'s error, not a namesake.
fn namesakes(ds: &mut Dataset) -> HashMap<Sym, Namesakes, FxBuild> {
    let mut by_name: BTreeMap<Sym, Vec<usize>> = BTreeMap::new();
    for (i, r) in ds.roster.iter().enumerate() {
        by_name.entry(r.staff).or_default().push(i);
    }
    let mut out = HashMap::default();
    for (name, rows) in by_name {
        if rows.len() < 2 {
            continue;
        }
        let ids: Vec<Option<Sym>> = rows.iter().map(|&i| ds.roster[i].staff_id).collect();
        let mut distinct = ids.clone();
        distinct.sort();
        distinct.dedup();
        if ids.contains(&None) || distinct.len() != ids.len() {
            continue;
        }
        let shown = ds.names.name(name).to_string();
        let people = rows
            .iter()
            .map(|&i| {
                let r = &ds.roster[i];
                let (id, store, department) = (r.staff_id, r.store, r.department);
                Namesake {
                    sym: ds.names.fresh(&shown),
                    staff_id: id.map(|s| ds.names.name(s).to_string()).unwrap_or_default(),
                    store,
                    department,
                }
            })
            .collect();
        let held = ds.names.fresh(&shown);
        out.insert(name, Namesakes { people, held });
    }
    out
}
