//! Config validation (SPEC §5.1 "Validation"): everything serde cannot check by itself.
//!
//! [`validate`] stops at the first problem, checking `[grades]`, `[surveys]`, `[secondary]`
//! and then each role in file order (its attribute, each KPI, the weight sum, vetoes, bonus).
//! Every error is one sentence of the form
//! `config FILE, line N: role `R`, kpi 2 (`conversion_rate`): `floor` (0.6) must be below …`,
//! naming the file, the role (or section), the key and its line. The line is where toml's own
//! parser found the value ([`Written`]): the key's own line when it is written, else the line of
//! the table it belongs to (a required key that is missing), else the role's line.
//!
//! Choices beyond the letter of the spec (all reject configs that would otherwise be scored
//! silently in a way the writer did not mean):
//! - `metric` must be a metric key; a Chinese label (`成交率`) is refused with the key to use.
//! - bands: thresholds strictly descending (higher-is-better) / strictly ascending
//!   (lower-is-better); points non-increasing (equal points allowed) and not negative.
//! - steps: `per` > 0, `points` > 0, `max_bonus`/`max_penalty` ≥ 0, and `target`/`per`
//!   representable exactly ([`Exact::from_config`]).
//! - A key that the KPI's method does not use (`bands` on a linear KPI, `floor` on a steps
//!   KPI, …) is an error, and so is `stretch_score` without `stretch`.
//! - A bonus `basis` or `per_unit` metric of `rating` is an error: neither can name an item.
//! - An empty `item` counts as none.
//! - Every number is finite and within ±1e12 ([`MAX_CONFIG_NUMBER`]): no clinic means more,
//!   and a number beyond it (`stretch_score = 1e308`) would overflow a total into `inf`.
//!   `[secondary] window_days` is at most 36,500 (100 years; data before 1900 is refused).
//! - A config without roles is an error, and so is a job title (a `label` entry, or a role's
//!   key) that names two roles, compared as roster 岗位 texts are ([`crate::config::fold_title`]):
//!   a roster person must land in exactly one role.

use crate::config::{
    fold_title, Basis, Bonus, Direction, Kpi, LoadedConfig, Method, Role, Step, Veto, Written,
};
use crate::metrics::defs::{metric_keys, Better, MetricDef, METRICS};
use crate::scoring::curve::Exact;
use crate::words::config::{ConfigError, Place, Problem};
use crate::words::Fail;
use anyhow::Result;

/// The largest magnitude any number in the config may have (SPEC §5.1).
pub const MAX_CONFIG_NUMBER: f64 = 1e12;

/// The longest 二开 look-back, in days (100 years).
const MAX_WINDOW_DAYS: u32 = 36_500;

/// Validates a loaded config; `Err` holds the first problem as one sentence.
pub fn validate(cfg: &LoadedConfig) -> Result<()> {
    let v = Validator {
        cfg,
        written: Written::new(&cfg.source),
    };
    v.grades()?;
    v.surveys()?;
    v.secondary()?;
    if cfg.config.roles.is_empty() {
        return Err(v.fail(None, &Place::Roles, Problem::NoRoles));
    }
    for (name, role) in &cfg.config.roles {
        v.role(name, role)?;
    }
    v.role_titles()?;
    Ok(())
}

// ------------------------------------------------------------------------------------------
// Naming tables in messages

/// A TOML key as written in a header: bare when it can be, else a quoted string.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The header text of an array of tables (`[[roles.x.kpi]]`), as a message shows it.
fn array_header(segments: &[&str]) -> String {
    let path: Vec<String> = segments.iter().map(|s| toml_key(s)).collect();
    format!("[[{}]]", path.join("."))
}

// ------------------------------------------------------------------------------------------
// The checks

struct Validator<'a> {
    cfg: &'a LoadedConfig,
    /// Where each value of the config text is written, for the lines of errors.
    written: Written<'a>,
}

/// Which table a problem is in.
#[derive(Clone, Copy)]
enum Table<'r> {
    Grades,
    Surveys,
    Secondary,
    Role(&'r str),
    Kpi(&'r str, usize),
    Veto(&'r str, usize),
    Bonus(&'r str),
    Gate(&'r str, usize),
    PerUnit(&'r str),
}

/// Whether a config number is one a clinic can mean: finite and within ±[`MAX_CONFIG_NUMBER`].
fn finite(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_CONFIG_NUMBER
}

fn better_higher(def: &MetricDef, direction: Option<Direction>) -> bool {
    match direction {
        Some(d) => d == Direction::Higher,
        None => def.better == Better::Higher,
    }
}

fn method_word(m: Method) -> &'static str {
    match m {
        Method::Linear => "linear",
        Method::Bands => "bands",
        Method::Steps => "steps",
    }
}

fn known_metrics() -> Vec<String> {
    metric_keys().iter().map(|k| k.to_string()).collect()
}

impl<'r> Table<'r> {
    /// Where the table sits in the TOML tree.
    fn path(self) -> Vec<Step<'r>> {
        use Step::{Key, Nth};
        match self {
            Table::Grades => vec![Key("grades")],
            Table::Surveys => vec![Key("surveys")],
            Table::Secondary => vec![Key("secondary")],
            Table::Role(r) => vec![Key("roles"), Key(r)],
            Table::Kpi(r, n) => vec![Key("roles"), Key(r), Key("kpi"), Nth(n)],
            Table::Veto(r, n) => vec![Key("roles"), Key(r), Key("veto"), Nth(n)],
            Table::Bonus(r) => vec![Key("roles"), Key(r), Key("bonus")],
            Table::Gate(r, n) => vec![Key("roles"), Key(r), Key("bonus"), Key("gate"), Nth(n)],
            Table::PerUnit(r) => vec![Key("roles"), Key(r), Key("bonus"), Key("per_unit")],
        }
    }
}

impl Validator<'_> {
    /// The line of the role's table: its `[roles.R]` header, else where it is first named.
    fn role_line(&self, role: &str) -> Option<usize> {
        self.written.line(&Table::Role(role).path())
    }

    /// The line of the first of `keys` written in `table`, else of the table, else of the
    /// nearest table holding it that is written (the role's).
    fn line(&self, table: Table, keys: &[&str]) -> Option<usize> {
        let path = table.path();
        keys.iter()
            .find_map(|k| {
                let mut at = path.clone();
                at.push(Step::Key(k));
                self.written.line(&at)
            })
            .or_else(|| self.written.nearest_line(&path))
    }

    /// The error: the file, the line, the table and what is wrong (words::config says it).
    fn fail(&self, line: Option<usize>, place: &Place, problem: Problem) -> anyhow::Error {
        anyhow::Error::new(Fail::new(ConfigError::Invalid {
            file: self.cfg.file(),
            line,
            place: place.clone(),
            problem,
        }))
    }

    /// Fails unless `x` is finite.
    fn need_finite(&self, table: Table, place: &Place, key: &str, x: f64) -> Result<()> {
        if finite(x) {
            Ok(())
        } else {
            Err(self.fail(
                self.line(table, &[key]),
                place,
                Problem::NotFinite {
                    key: key.to_string(),
                    value: x,
                },
            ))
        }
    }

    /// Fails unless every number of a `[[threshold, value], …]` list is finite.
    fn need_finite_pairs(
        &self,
        table: Table,
        place: &Place,
        key: &str,
        pairs: &[[f64; 2]],
    ) -> Result<()> {
        match pairs.iter().flatten().find(|x| !finite(**x)) {
            None => Ok(()),
            Some(x) => Err(self.fail(
                self.line(table, &[key]),
                place,
                Problem::PairsNotFinite {
                    key: key.to_string(),
                    value: *x,
                },
            )),
        }
    }

    fn grades(&self) -> Result<()> {
        let g = &self.cfg.config.grades;
        let grades = [("S", g.s), ("A", g.a), ("B", g.b), ("C", g.c)];
        for (key, x) in grades {
            self.need_finite(Table::Grades, &Place::Grades, key, x)?;
        }
        for pair in grades.windows(2) {
            let ((hk, hx), (lk, lx)) = (pair[0], pair[1]);
            if lx >= hx {
                return Err(self.fail(
                    self.line(Table::Grades, &[lk]),
                    &Place::Grades,
                    Problem::GradesOrder {
                        low_key: lk.to_string(),
                        low: lx,
                        high_key: hk.to_string(),
                        high: hx,
                    },
                ));
            }
        }
        Ok(())
    }

    fn surveys(&self) -> Result<()> {
        let scale = self.cfg.config.surveys.scale;
        if finite(scale) && scale > 0.0 {
            return Ok(());
        }
        Err(self.fail(
            self.line(Table::Surveys, &["scale"]),
            &Place::Surveys,
            Problem::AboveZero {
                key: "scale".into(),
                value: scale,
            },
        ))
    }

    fn secondary(&self) -> Result<()> {
        let days = self.cfg.config.secondary.window_days;
        if days == 0 || days > MAX_WINDOW_DAYS {
            return Err(self.fail(
                self.line(Table::Secondary, &["window_days"]),
                &Place::Secondary,
                Problem::WindowDays {
                    max: MAX_WINDOW_DAYS,
                    days,
                },
            ));
        }
        Ok(())
    }

    /// Every job title names one role only: a roster 岗位 matching two roles would be scored
    /// in whichever comes first, silently.
    fn role_titles(&self) -> Result<()> {
        // Folded title → (role, whether it is that role's key rather than a label).
        let mut seen: std::collections::HashMap<String, (&str, bool)> = Default::default();
        for (name, role) in &self.cfg.config.roles {
            let names = role.folded_names(name);
            for (i, title) in names.iter().enumerate() {
                let is_key = i == 0;
                match seen.get(title.as_str()) {
                    Some((other, _)) if *other == name.as_str() => {}
                    Some((other, other_is_key)) => {
                        let line = if is_key {
                            self.role_line(name)
                        } else {
                            self.line(Table::Role(name), &["label"])
                        };
                        let other_line = if *other_is_key {
                            self.role_line(other)
                        } else {
                            self.line(Table::Role(other), &["label"])
                        };
                        let shown = if is_key {
                            name.clone()
                        } else {
                            role.label
                                .as_ref()
                                .and_then(|l| {
                                    l.titles().iter().find(|t| fold_title(t) == *title).cloned()
                                })
                                .unwrap_or_else(|| title.clone())
                        };
                        return Err(self.fail(
                            line,
                            &Place::Role { role: name.clone() },
                            Problem::TitleTwice {
                                is_key,
                                title: shown,
                                other: other.to_string(),
                                other_is_key: *other_is_key,
                                other_line,
                            },
                        ));
                    }
                    None => {
                        seen.insert(title.clone(), (name.as_str(), is_key));
                    }
                }
            }
        }
        Ok(())
    }

    fn role(&self, name: &str, role: &Role) -> Result<()> {
        let place = Place::Role {
            role: name.to_string(),
        };
        if let Some(labels) = &role.label {
            let problem = if labels.titles().is_empty() {
                Some(Problem::LabelNoTitle)
            } else if labels.titles().iter().any(|t| fold_title(t).is_empty()) {
                Some(Problem::LabelEmptyTitle)
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(self.fail(self.line(Table::Role(name), &["label"]), &place, problem));
            }
        }
        if role.kpi.is_empty() {
            return Err(self.fail(
                self.role_line(name),
                &place,
                Problem::NoKpi {
                    header: array_header(&["roles", name, "kpi"]),
                },
            ));
        }
        for (i, kpi) in role.kpi.iter().enumerate() {
            self.kpi(name, i, kpi)?;
        }
        let sum: f64 = role.kpi.iter().map(|k| k.weight).sum();
        if (sum - 100.0).abs() > 1e-9 {
            return Err(self.fail(self.role_line(name), &place, Problem::WeightSum { sum }));
        }
        for (j, veto) in role.veto.iter().enumerate() {
            self.veto(name, j, veto)?;
        }
        if let Some(bonus) = &role.bonus {
            self.bonus(name, bonus)?;
        }
        Ok(())
    }

    /// The metric named by `metric` (a key), with the `item` rules: `rating` needs an item,
    /// other metrics take none. `item_allowed` is false where the table has no `item` key.
    fn metric(
        &self,
        table: Table,
        place: &Place,
        metric: &str,
        item: Option<&str>,
        item_allowed: bool,
    ) -> Result<&'static MetricDef> {
        let Some(def) = METRICS.iter().find(|m| m.key == metric) else {
            let problem = match METRICS.iter().find(|m| m.zh == metric.trim()) {
                Some(m) => Problem::MetricIsLabel {
                    key: m.key.to_string(),
                    label: metric.to_string(),
                },
                None => Problem::UnknownMetric {
                    metric: metric.to_string(),
                    known: known_metrics(),
                },
            };
            return Err(self.fail(self.line(table, &["metric"]), place, problem));
        };
        let item = item.filter(|i| !i.trim().is_empty());
        if def.key == "rating" && item.is_none() {
            let problem = if item_allowed {
                Problem::RatingNeedsItem
            } else {
                Problem::RatingNoItemHere
            };
            return Err(self.fail(self.line(table, &["item", "metric"]), place, problem));
        }
        if def.key != "rating" && item.is_some() {
            return Err(self.fail(
                self.line(table, &["item"]),
                place,
                Problem::ItemNotRating {
                    metric: def.key.to_string(),
                },
            ));
        }
        Ok(def)
    }

    fn kpi(&self, role: &str, i: usize, k: &Kpi) -> Result<()> {
        let table = Table::Kpi(role, i);
        let place = Place::Kpi {
            role: role.to_string(),
            n: i + 1,
            metric: k.metric.clone(),
            item: k.item.clone(),
        };
        let place = &place;
        let fail =
            |keys: &[&str], problem: Problem| self.fail(self.line(table, keys), place, problem);

        let def = self.metric(table, place, &k.metric, k.item.as_deref(), true)?;

        if !finite(k.weight) || k.weight <= 0.0 {
            return Err(fail(
                &["weight"],
                Problem::AboveZero {
                    key: "weight".into(),
                    value: k.weight,
                },
            ));
        }
        let numbers = [
            ("floor", k.floor),
            ("target", k.target),
            ("stretch", k.stretch),
            ("stretch_score", k.stretch_score),
            ("per", k.per),
            ("points", k.points),
            ("max_bonus", k.max_bonus),
            ("max_penalty", k.max_penalty),
        ];
        for (key, x) in numbers {
            if let Some(x) = x {
                self.need_finite(table, place, key, x)?;
            }
        }
        if let Some(b) = &k.bands {
            self.need_finite_pairs(table, place, "bands", b)?;
        }

        let method = k.method.unwrap_or_default();
        let used: &[&str] = match method {
            Method::Linear => &["floor", "target", "stretch", "stretch_score"],
            Method::Bands => &["bands"],
            Method::Steps => &["target", "per", "points", "max_bonus", "max_penalty"],
        };
        let given = numbers
            .iter()
            .filter(|(_, x)| x.is_some())
            .map(|(key, _)| *key)
            .chain(k.bands.is_some().then_some("bands"));
        for key in given {
            if !used.contains(&key) {
                return Err(fail(
                    &[key],
                    Problem::KeyNotForMethod {
                        key: key.to_string(),
                        method: method_word(method).to_string(),
                    },
                ));
            }
        }

        let higher = better_higher(def, k.direction);
        match method {
            Method::Linear => self.linear(table, place, k, higher),
            Method::Bands => self.bands(table, place, k, higher),
            Method::Steps => self.steps(table, place, k),
        }
    }

    fn linear(&self, table: Table, place: &Place, k: &Kpi, higher: bool) -> Result<()> {
        let fail =
            |keys: &[&str], problem: Problem| self.fail(self.line(table, keys), place, problem);
        let Some(target) = k.target else {
            return Err(fail(&["method", "metric"], Problem::LinearNeedsTarget));
        };
        let floor = match (k.floor, higher) {
            (Some(f), _) => f,
            (None, true) => 0.0,
            (None, false) => return Err(fail(&["target"], Problem::FloorRequired)),
        };
        let floor_ok = if higher {
            floor < target
        } else {
            floor > target
        };
        if !floor_ok {
            return Err(fail(
                &["floor", "target"],
                Problem::FloorOrder {
                    floor: k.floor,
                    target,
                    higher,
                },
            ));
        }
        if let Some(s) = k.stretch {
            let ok = if higher { s > target } else { s < target };
            if !ok {
                return Err(fail(
                    &["stretch"],
                    Problem::StretchOrder {
                        stretch: s,
                        target,
                        higher,
                    },
                ));
            }
        }
        if let Some(ss) = k.stretch_score {
            if k.stretch.is_none() {
                return Err(fail(&["stretch_score"], Problem::StretchScoreAlone));
            }
            if ss < 100.0 {
                return Err(fail(
                    &["stretch_score"],
                    Problem::StretchScoreLow { value: ss },
                ));
            }
        }
        Ok(())
    }

    fn bands(&self, table: Table, place: &Place, k: &Kpi, higher: bool) -> Result<()> {
        let fail =
            |keys: &[&str], problem: Problem| self.fail(self.line(table, keys), place, problem);
        let bands = match &k.bands {
            Some(b) if !b.is_empty() => b,
            _ => return Err(fail(&["bands", "method"], Problem::BandsEmpty)),
        };
        if let Some([_, p]) = bands.iter().find(|b| b[1] < 0.0) {
            return Err(fail(&["bands"], Problem::BandPointsNegative { points: *p }));
        }
        for pair in bands.windows(2) {
            let ([t0, p0], [t1, p1]) = (pair[0], pair[1]);
            let ordered = if higher { t1 < t0 } else { t1 > t0 };
            if !ordered {
                return Err(fail(
                    &["bands"],
                    Problem::BandThresholdOrder {
                        prev: t0,
                        next: t1,
                        higher,
                    },
                ));
            }
            if p1 > p0 {
                return Err(fail(
                    &["bands"],
                    Problem::BandPointsOrder { prev: p0, next: p1 },
                ));
            }
        }
        Ok(())
    }

    fn steps(&self, table: Table, place: &Place, k: &Kpi) -> Result<()> {
        let fail =
            |keys: &[&str], problem: Problem| self.fail(self.line(table, keys), place, problem);
        let (Some(target), Some(per), Some(points)) = (k.target, k.per, k.points) else {
            let missing: Vec<String> = [("target", k.target), ("per", k.per), ("points", k.points)]
                .iter()
                .filter(|(_, x)| x.is_none())
                .map(|(key, _)| key.to_string())
                .collect();
            return Err(fail(
                &["method", "metric"],
                Problem::StepsMissing { missing },
            ));
        };
        for (key, x) in [("per", per), ("points", points)] {
            if x <= 0.0 {
                return Err(fail(
                    &[key],
                    Problem::NotPositive {
                        key: key.to_string(),
                        value: x,
                    },
                ));
            }
        }
        for (key, cap) in [("max_bonus", k.max_bonus), ("max_penalty", k.max_penalty)] {
            if let Some(c) = cap.filter(|c| *c < 0.0) {
                return Err(fail(
                    &[key],
                    Problem::Negative {
                        key: key.to_string(),
                        value: c,
                    },
                ));
            }
        }
        for (key, x) in [("target", target), ("per", per)] {
            if Exact::from_config(x).is_none() {
                return Err(fail(
                    &[key],
                    Problem::NotExact {
                        key: key.to_string(),
                        value: x,
                    },
                ));
            }
        }
        Ok(())
    }

    fn veto(&self, role: &str, j: usize, v: &Veto) -> Result<()> {
        let table = Table::Veto(role, j);
        let place = Place::Veto {
            role: role.to_string(),
            n: j + 1,
            metric: v.metric.clone(),
        };
        self.metric(table, &place, &v.metric, v.item.as_deref(), true)?;
        self.need_finite(table, &place, "above", v.above)?;
        self.need_finite(table, &place, "cap_total", v.cap_total)?;
        Ok(())
    }

    fn bonus(&self, role: &str, b: &Bonus) -> Result<()> {
        let table = Table::Bonus(role);
        let place = Place::Bonus {
            role: role.to_string(),
        };
        let place = &place;
        // `basis` is a known metric or `total` (serde refuses anything else, with its line).
        if let Basis::Metric(m) = b.basis {
            if m.key == "rating" {
                return Err(self.fail(self.line(table, &["basis"]), place, Problem::BasisRating));
            }
        }
        self.need_finite_pairs(table, place, "tiers", &b.tiers)?;
        for pair in b.tiers.windows(2) {
            let (t0, t1) = (pair[0][0], pair[1][0]);
            if t1 <= t0 {
                return Err(self.fail(
                    self.line(table, &["tiers"]),
                    place,
                    Problem::TiersOrder { prev: t0, next: t1 },
                ));
            }
        }
        if let Some(below) = b.below {
            self.need_finite(table, place, "below", below)?;
        }
        if let Some(pu) = &b.per_unit {
            let table = Table::PerUnit(role);
            let place = Place::PerUnit {
                role: role.to_string(),
                metric: pu.metric.clone(),
            };
            self.metric(table, &place, &pu.metric, None, false)?;
            self.need_finite(table, &place, "above", pu.above)?;
            self.need_finite(table, &place, "amount", pu.amount)?;
        }
        for (j, g) in b.gate.iter().enumerate() {
            let table = Table::Gate(role, j);
            let place = Place::Gate {
                role: role.to_string(),
                n: j + 1,
                metric: g.metric.clone(),
            };
            self.metric(table, &place, &g.metric, g.item.as_deref(), true)?;
            self.need_finite(table, &place, "above", g.above)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;
    use Step::{Key, Nth};

    fn load(text: &str) -> LoadedConfig {
        LoadedConfig {
            config: parse(text, "t.toml").unwrap(),
            source: text.to_string(),
            path: Some("t.toml".into()),
        }
    }

    fn error(text: &str) -> String {
        match validate(&load(text)) {
            Ok(()) => panic!("expected an error for:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    /// The error names the file, the role (or section), the key and its line.
    #[track_caller]
    fn assert_error(text: &str, role: &str, key: &str, line: usize, words: &str) {
        let e = error(text);
        assert!(e.starts_with("config t.toml, "), "{e}");
        assert!(
            e.contains(&format!("line {line}:")),
            "want line {line}: {e}"
        );
        assert!(e.contains(role), "want {role}: {e}");
        assert!(e.contains(&format!("`{key}`")), "want `{key}`: {e}");
        assert!(e.contains(words), "want {words:?}: {e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }

    #[track_caller]
    fn assert_valid(text: &str) {
        if let Err(e) = validate(&load(text)) {
            panic!("{e}\n{text}");
        }
    }

    /// One role `x`, two KPIs; lines: 1 [roles.x], 4 [[kpi]], 5 metric, 6 weight, 7 target,
    /// 9 [[kpi]], 10 metric, 11 weight, 12 floor, 13 target, 14 stretch.
    const BASE: &str = "[roles.x]
label = \"X\"

[[roles.x.kpi]]
metric = \"revenue\"
weight = 60
target = 1000

[[roles.x.kpi]]
metric = \"conversion_rate\"
weight = 40
floor = 0.3
target = 0.5
stretch = 0.6
";

    fn base_with(from: &str, to: &str) -> String {
        assert!(BASE.contains(from), "{from}");
        BASE.replacen(from, to, 1)
    }

    /// A single-KPI role `x` whose KPI body starts at line 3.
    fn one_kpi(body: &str) -> String {
        format!("[roles.x]\n[[roles.x.kpi]]\n{body}")
    }

    // ---- lines

    /// The line of `key` in the table at `table`, else of that table; `None` when the table is
    /// not written.
    fn key_line(text: &str, table: &[Step], key: &str) -> Option<usize> {
        let w = Written::new(text);
        let mut at = table.to_vec();
        at.push(Step::Key(key));
        w.line(&at).or_else(|| w.line(table))
    }

    #[test]
    fn key_line_finds_nth_table_and_key() {
        let kpi = |n| [Key("roles"), Key("x"), Key("kpi"), Nth(n)];
        assert_eq!(key_line(BASE, &kpi(0), "weight"), Some(6));
        assert_eq!(key_line(BASE, &kpi(1), "weight"), Some(11));
        assert_eq!(key_line(BASE, &kpi(1), "stretch"), Some(14));
        assert_eq!(key_line(BASE, &[Key("roles"), Key("x")], "label"), Some(2));
    }

    #[test]
    fn key_line_falls_back_to_header_and_none() {
        let kpi = |n| [Key("roles"), Key("x"), Key("kpi"), Nth(n)];
        // `floor` is not in the first KPI: its header's line, not the second KPI's floor.
        assert_eq!(key_line(BASE, &kpi(0), "floor"), Some(4));
        assert_eq!(key_line(BASE, &kpi(2), "weight"), None);
        assert_eq!(key_line(BASE, &[Key("roles"), Key("y")], "label"), None);
        assert_eq!(key_line(BASE, &[Key("grades")], "S"), None);
    }

    #[test]
    fn key_line_is_exact_about_keys_and_headers() {
        let text = "[roles.x.bonus]   # comment\r
per_unit = { metric = \"first_visits\", above = 30, amount = 50 }\r
per = 3\r
[[ roles . \"x\" . kpi ]]\r
bands = [\r
  [90, 100],\r
  [75, 80]\r
]\r
weight=5\r
[roles.\"咨询 师\"]\r
label = \"a\"\r
";
        let bonus = [Key("roles"), Key("x"), Key("bonus")];
        assert_eq!(key_line(text, &bonus, "per"), Some(3));
        assert_eq!(key_line(text, &bonus, "per_unit"), Some(2));
        // `[90, 100],` inside the array is not a header; `weight=5` without spaces.
        let kpi = [Key("roles"), Key("x"), Key("kpi"), Nth(0)];
        assert_eq!(key_line(text, &kpi, "weight"), Some(9));
        // An array of tables is not a table of the same name: its keys are in its nth table.
        let in_array = [Key("roles"), Key("x"), Key("kpi"), Key("weight")];
        assert_eq!(Written::new(text).line(&in_array), None);
        assert_eq!(
            key_line(text, &[Key("roles"), Key("咨询 师")], "label"),
            Some(11)
        );
    }

    #[test]
    fn lines_follow_toml_however_it_is_spelled() {
        // Each of these the old line scanner missed, naming a header's line instead: an inline
        // array of KPI tables, dotted keys, a single-quoted key, a key on a line of its own
        // inside a multi-line inline table (TOML 1.1).
        let text = "[roles.x]
kpi = [
  { metric = \"revenue\", weight = 60, target = 1000 },
  { metric = \"conversion_rate\", weight = 40,
    floor = 0.3, target = 0.5 },
]
bonus.basis = \"total\"
bonus.per_unit.metric = \"first_visits\"
bonus.per_unit.above = 30
bonus.per_unit.amount = 50
'label' = \"X\"
";
        let kpi = |n| [Key("roles"), Key("x"), Key("kpi"), Nth(n)];
        assert_eq!(key_line(text, &kpi(0), "weight"), Some(3));
        assert_eq!(key_line(text, &kpi(1), "weight"), Some(4));
        assert_eq!(key_line(text, &kpi(1), "floor"), Some(5));
        let per_unit = [Key("roles"), Key("x"), Key("bonus"), Key("per_unit")];
        assert_eq!(key_line(text, &per_unit, "amount"), Some(10));
        assert_eq!(key_line(text, &[Key("roles"), Key("x")], "label"), Some(11));
        // Through the checks: kpi 2's `floor` is not below its `target`, on line 5.
        let t = text.replace("floor = 0.3", "floor = 0.5");
        assert_error(
            &t,
            "role `x`, kpi 2",
            "floor",
            5,
            "must be below `target` (0.5)",
        );
        // A per_unit amount beyond ±1e12 on line 10, a label with no title on line 11.
        let t = text.replace("amount = 50", "amount = 1e15");
        assert_error(&t, "role `x`, bonus per_unit", "amount", 10, "within ±1e12");
        let t = text.replace("'label' = \"X\"", "'label' = []");
        assert_error(&t, "role `x`", "label", 11, "at least one job title");
    }

    // ---- valid configs

    #[test]
    fn builtin_defaults_validate() {
        validate(&LoadedConfig::builtin()).unwrap();
    }

    #[test]
    fn base_and_every_method_validate() {
        assert_valid(BASE);
        assert_valid(&format!(
            "{BASE}
[[roles.x.veto]]
metric = \"complication_rate\"
above = 0.003
cap_total = 59

[roles.x.bonus]
basis = \"total\"
tiers = [[80, 1000], [95, 2000]]
below = -500
per_unit = {{ metric = \"first_visits\", above = 30, amount = 50 }}

[[roles.x.bonus.gate]]
metric = \"rating\"
item = \"合规\"
scope = \"store\"
above = 0.02
effect = \"halve\"

[roles.y]
attribute = \"nurse\"

[[roles.y.kpi]]
metric = \"conversion_rate\"
weight = 50
method = \"steps\"
target = 0.5
per = 0.01
points = 1
max_bonus = 10
max_penalty = 40

[[roles.y.kpi]]
metric = \"complaint_rate\"
weight = 25
method = \"bands\"
bands = [[0.01, 100], [0.02, 100], [0.03, 50]]

[[roles.y.kpi]]
metric = \"revenue\"
direction = \"lower\"
weight = 25
floor = 10
target = 5
stretch = 1
stretch_score = 100
"
        ));
    }

    // ---- one test per message

    #[test]
    fn weights_not_summing_to_100() {
        let t = base_with("weight = 40", "weight = 30");
        assert_error(&t, "role `x`", "weight", 1, "sum to 90, not 100");
    }

    #[test]
    fn weights_sum_tolerates_rounding() {
        // 0.1 + 0.2 + 99.7 is not exactly 100 in f64 but within 1e-9.
        let t = "[roles.x]
[[roles.x.kpi]]
metric = \"revenue\"
weight = 0.1
target = 1
[[roles.x.kpi]]
metric = \"treatments\"
weight = 0.2
target = 1
[[roles.x.kpi]]
metric = \"first_visits\"
weight = 99.7
target = 1
";
        assert_valid(t);
    }

    #[test]
    fn weight_not_positive() {
        let t = base_with("weight = 40", "weight = 0");
        assert_error(
            &t,
            "role `x`, kpi 2",
            "weight",
            11,
            "above 0 and at most 1e12, got 0",
        );
        let t = base_with("weight = 60", "weight = -5");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "weight",
            6,
            "above 0 and at most 1e12, got -5",
        );
    }

    #[test]
    fn weight_not_finite() {
        let t = base_with("weight = 40", "weight = nan");
        assert_error(&t, "role `x`, kpi 2", "weight", 11, "got NaN");
        let t = base_with("weight = 60", "weight = inf");
        assert_error(&t, "role `x`, kpi 1", "weight", 6, "got inf");
    }

    #[test]
    fn floor_not_below_target_higher() {
        let t = base_with("floor = 0.3", "floor = 0.5");
        assert_error(
            &t,
            "role `x`, kpi 2",
            "floor",
            12,
            "must be below `target` (0.5)",
        );
    }

    #[test]
    fn default_floor_not_below_target() {
        let t = base_with("target = 1000", "target = -5");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "floor",
            7,
            "`floor` (default 0) must be below",
        );
    }

    #[test]
    fn stretch_not_above_target_higher() {
        let t = base_with("stretch = 0.6", "stretch = 0.5");
        assert_error(
            &t,
            "role `x`, kpi 2",
            "stretch",
            14,
            "must be above `target`",
        );
    }

    #[test]
    fn floor_not_above_target_lower() {
        let t = one_kpi("metric = \"complaint_rate\"\nweight = 100\ntarget = 0.03\nfloor = 0.01\n");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "floor",
            6,
            "must be above `target` (0.03)",
        );
    }

    #[test]
    fn stretch_not_below_target_lower() {
        let t = one_kpi(
            "metric = \"complaint_rate\"\nweight = 100\nfloor = 0.03\ntarget = 0.01\n\
             stretch = 0.02\n",
        );
        assert_error(
            &t,
            "role `x`, kpi 1",
            "stretch",
            7,
            "must be below `target`",
        );
    }

    #[test]
    fn floor_required_for_lower_is_better() {
        let t = one_kpi("metric = \"complaint_rate\"\nweight = 100\ntarget = 0.01\n");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "floor",
            5,
            "floor is required for lower-is-better metrics",
        );
    }

    #[test]
    fn direction_override_changes_the_order() {
        // revenue is higher-is-better; `direction = "lower"` makes floor required.
        let t = one_kpi("metric = \"revenue\"\ndirection = \"lower\"\nweight = 100\ntarget = 5\n");
        assert_error(
            &t,
            "role `x`",
            "floor",
            6,
            "floor is required for lower-is-better",
        );
        // … and a complaint rate scored higher-is-better takes floor < target.
        let t = one_kpi(
            "metric = \"complaint_rate\"\ndirection = \"higher\"\nweight = 100\n\
             floor = 0.03\ntarget = 0.01\n",
        );
        assert_error(&t, "role `x`", "floor", 6, "must be below `target`");
    }

    #[test]
    fn linear_without_target() {
        let t = one_kpi("metric = \"revenue\"\nweight = 100\nfloor = 5\n");
        // No `target` line and no `method`: the line of `metric`.
        assert_error(
            &t,
            "role `x`, kpi 1",
            "target",
            3,
            "method `linear` needs a `target`",
        );
    }

    #[test]
    fn stretch_score_below_100() {
        let t = base_with("stretch = 0.6", "stretch = 0.6\nstretch_score = 90");
        assert_error(
            &t,
            "role `x`, kpi 2",
            "stretch_score",
            15,
            "at least 100, got 90",
        );
    }

    #[test]
    fn stretch_score_without_stretch() {
        let t = base_with("target = 1000", "target = 1000\nstretch_score = 130");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "stretch_score",
            8,
            "no effect without `stretch`",
        );
    }

    #[test]
    fn key_of_another_method() {
        let t = base_with("target = 1000", "target = 1000\nper = 0.01");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "per",
            8,
            "does not apply to method `linear`",
        );
        let t = one_kpi(
            "metric = \"rating\"\nitem = \"a\"\nweight = 100\nmethod = \"bands\"\n\
             bands = [[1, 1]]\ntarget = 5\n",
        );
        assert_error(
            &t,
            "role `x`",
            "target",
            8,
            "does not apply to method `bands`",
        );
    }

    #[test]
    fn bands_missing_or_empty() {
        let t = one_kpi("metric = \"satisfaction\"\nweight = 100\nmethod = \"bands\"\n");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "bands",
            5,
            "needs `bands = [[threshold, points]",
        );
        let t =
            one_kpi("metric = \"satisfaction\"\nweight = 100\nmethod = \"bands\"\nbands = []\n");
        assert_error(&t, "role `x`, kpi 1", "bands", 6, "at least one band");
    }

    #[test]
    fn bands_thresholds_not_descending_for_higher() {
        let t = one_kpi(
            "metric = \"satisfaction\"\nweight = 100\nmethod = \"bands\"\n\
             bands = [[75, 80], [90, 100]]\n",
        );
        assert_error(&t, "role `x`, kpi 1", "bands", 6, "strictly descending");
        let t = one_kpi(
            "metric = \"satisfaction\"\nweight = 100\nmethod = \"bands\"\n\
             bands = [[90, 100], [90, 80]]\n",
        );
        assert_error(&t, "role `x`, kpi 1", "bands", 6, "90 follows 90");
    }

    #[test]
    fn bands_thresholds_not_ascending_for_lower() {
        let t = one_kpi(
            "metric = \"complaint_rate\"\nweight = 100\nmethod = \"bands\"\n\
             bands = [[0.02, 100], [0.01, 80]]\n",
        );
        assert_error(
            &t,
            "role `x`, kpi 1",
            "bands",
            6,
            "strictly ascending for a lower-is-better",
        );
    }

    #[test]
    fn bands_points_not_descending() {
        let t = one_kpi(
            "metric = \"satisfaction\"\nweight = 100\nmethod = \"bands\"\n\
             bands = [[90, 80], [75, 100]]\n",
        );
        assert_error(
            &t,
            "role `x`, kpi 1",
            "bands",
            6,
            "points must be descending",
        );
        // Equal points are allowed.
        assert_valid(&one_kpi(
            "metric = \"satisfaction\"\nweight = 100\nmethod = \"bands\"\n\
             bands = [[90, 100], [75, 100]]\n",
        ));
    }

    #[test]
    fn bands_points_negative() {
        let t = one_kpi(
            "metric = \"satisfaction\"\nweight = 100\nmethod = \"bands\"\n\
             bands = [[90, 10], [75, -5]]\n",
        );
        assert_error(
            &t,
            "role `x`, kpi 1",
            "bands",
            6,
            "must not be negative, got -5",
        );
    }

    #[test]
    fn bands_not_finite() {
        let t = one_kpi(
            "metric = \"satisfaction\"\nweight = 100\nmethod = \"bands\"\n\
             bands = [\n  [90, 100],\n  [inf, 80],\n]\n",
        );
        assert_error(
            &t,
            "role `x`, kpi 1",
            "bands",
            6,
            "finite numbers within ±1e12 only, got inf",
        );
    }

    #[test]
    fn steps_missing_keys() {
        let t = one_kpi(
            "metric = \"conversion_rate\"\nweight = 100\nmethod = \"steps\"\ntarget = 0.5\n",
        );
        assert_error(&t, "role `x`, kpi 1", "per", 5, "missing `per`, `points`");
        let t = one_kpi(
            "metric = \"conversion_rate\"\nweight = 100\nmethod = \"steps\"\nper = 0.01\n\
             points = 1\n",
        );
        assert_error(&t, "role `x`, kpi 1", "target", 5, "missing `target`");
    }

    #[test]
    fn steps_per_not_positive() {
        let t = one_kpi(
            "metric = \"conversion_rate\"\nweight = 100\nmethod = \"steps\"\ntarget = 0.5\n\
             per = 0\npoints = 1\n",
        );
        assert_error(&t, "role `x`, kpi 1", "per", 7, "must be above 0, got 0");
    }

    #[test]
    fn steps_points_not_positive() {
        let t = one_kpi(
            "metric = \"conversion_rate\"\nweight = 100\nmethod = \"steps\"\ntarget = 0.5\n\
             per = 0.01\npoints = -1\n",
        );
        assert_error(
            &t,
            "role `x`, kpi 1",
            "points",
            8,
            "must be above 0, got -1",
        );
    }

    #[test]
    fn steps_cap_negative() {
        let t = one_kpi(
            "metric = \"conversion_rate\"\nweight = 100\nmethod = \"steps\"\ntarget = 0.5\n\
             per = 0.01\npoints = 1\nmax_bonus = 5\nmax_penalty = -10\n",
        );
        assert_error(
            &t,
            "role `x`, kpi 1",
            "max_penalty",
            10,
            "must not be negative",
        );
    }

    #[test]
    fn steps_number_not_exact() {
        let t = one_kpi(
            "metric = \"conversion_rate\"\nweight = 100\nmethod = \"steps\"\ntarget = 0.5\n\
             per = 1e-40\npoints = 1\n",
        );
        assert_error(&t, "role `x`, kpi 1", "per", 7, "too many digits");
    }

    #[test]
    fn kpi_number_not_finite() {
        let t = base_with("floor = 0.3", "floor = -inf");
        assert_error(
            &t,
            "role `x`, kpi 2",
            "floor",
            12,
            "finite number within ±1e12, got -inf",
        );
        let t = base_with("stretch = 0.6", "stretch = nan");
        assert_error(&t, "role `x`, kpi 2", "stretch", 14, "got NaN");
    }

    #[test]
    fn unknown_metric_lists_known_keys() {
        let t = base_with("\"conversion_rate\"", "\"conversion\"");
        assert_error(
            &t,
            "role `x`, kpi 2",
            "metric",
            10,
            "unknown metric `conversion`",
        );
        let e = error(&t);
        for key in metric_keys() {
            assert!(e.contains(key), "{key} listed: {e}");
        }
    }

    #[test]
    fn chinese_label_as_metric() {
        let t = base_with("\"conversion_rate\"", "\"成交率\"");
        assert_error(
            &t,
            "role `x`, kpi 2",
            "metric",
            10,
            "write `conversion_rate` for `成交率`",
        );
    }

    #[test]
    fn rating_without_item() {
        let t = base_with("\"revenue\"", "\"rating\"");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "item",
            5,
            "metric `rating` needs an `item`",
        );
        let t = base_with("\"revenue\"", "\"rating\"\nitem = \" \"");
        assert_error(&t, "role `x`, kpi 1", "item", 6, "needs an `item`");
    }

    #[test]
    fn item_on_non_rating() {
        let t = base_with("\"revenue\"", "\"revenue\"\nitem = \"专业\"");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "item",
            6,
            "applies only to metric `rating`",
        );
    }

    #[test]
    fn role_without_kpis() {
        let t = format!("{BASE}\n[roles.empty]\nlabel = \"E\"\n");
        assert_error(&t, "role `empty`", "kpi", 16, "has no `kpi`");
    }

    #[test]
    fn attribute_not_a_sales_column() {
        // Refused as the config is read (an enum at the serde boundary), with its line.
        let t = base_with("label = \"X\"", "label = \"X\"\nattribute = \"manager\"");
        let e = format!("{:#}", parse(&t, "t.toml").unwrap_err());
        assert!(e.contains("line 3"), "{e}");
        assert!(
            e.contains("`manager`, expected one of `consultant`, `doctor`, `nurse`"),
            "{e}"
        );
    }

    #[test]
    fn veto_metric_unknown_and_not_finite() {
        let t = format!(
            "{BASE}\n[[roles.x.veto]]\nmetric = \"complications\"\nabove = 0.01\ncap_total = 59\n"
        );
        assert_error(
            &t,
            "role `x`, veto 1",
            "metric",
            17,
            "unknown metric `complications`",
        );
        let t = format!("{BASE}\n[[roles.x.veto]]\nmetric = \"complication_rate\"\nabove = 0.01\ncap_total = 59\n\n[[roles.x.veto]]\nmetric = \"complaint_rate\"\nabove = nan\ncap_total = 59\n");
        assert_error(
            &t,
            "role `x`, veto 2",
            "above",
            23,
            "finite number within ±1e12, got NaN",
        );
        let t = format!("{BASE}\n[[roles.x.veto]]\nmetric = \"complication_rate\"\nabove = 0.01\ncap_total = inf\n");
        assert_error(&t, "role `x`, veto 1", "cap_total", 19, "got inf");
    }

    #[test]
    fn bonus_basis_no_metric() {
        // Refused as the config is read, with its line and every value it may take.
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"totals\"\ntiers = [[1, 100]]\n");
        let e = format!("{:#}", parse(&t, "t.toml").unwrap_err());
        assert!(e.contains("line 17"), "{e}");
        assert!(
            e.contains("`totals`, expected one of `total`, `revenue`, `revenue_attainment`"),
            "{e}"
        );
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"rating\"\n");
        assert_error(&t, "role `x`, bonus", "basis", 17, "cannot be `rating`");
    }

    #[test]
    fn bonus_tiers_not_ascending() {
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"revenue_attainment\"\ntiers = [[1.2, 5000], [1.0, 3000]]\n");
        assert_error(
            &t,
            "role `x`, bonus",
            "tiers",
            18,
            "strictly ascending, but 1 follows 1.2",
        );
    }

    #[test]
    fn bonus_money_not_finite() {
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"total\"\ntiers = [[80, inf]]\n");
        assert_error(
            &t,
            "role `x`, bonus",
            "tiers",
            18,
            "finite numbers within ±1e12 only",
        );
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"total\"\nbelow = -inf\n");
        assert_error(&t, "role `x`, bonus", "below", 18, "got -inf");
    }

    #[test]
    fn per_unit_metric_unknown_inline_and_table() {
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"total\"\nper_unit = {{ metric = \"visits\", above = 30, amount = 50 }}\n");
        assert_error(
            &t,
            "role `x`, bonus per_unit",
            "metric",
            18,
            "unknown metric `visits`",
        );
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"total\"\n\n[roles.x.bonus.per_unit]\nmetric = \"first_visits\"\nabove = 30\namount = inf\n");
        assert_error(&t, "role `x`, bonus per_unit", "amount", 22, "got inf");
    }

    #[test]
    fn gate_metric_no_metric() {
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"total\"\n\n[[roles.x.bonus.gate]]\nmetric = \"complaint_rate\"\nabove = 0.02\n\n[[roles.x.bonus.gate]]\nmetric = \"complaints\"\nabove = 0.02\n");
        assert_error(
            &t,
            "role `x`, bonus gate 2",
            "metric",
            24,
            "unknown metric `complaints`",
        );
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"total\"\n\n[[roles.x.bonus.gate]]\nmetric = \"rating\"\nabove = 60\n");
        assert_error(&t, "role `x`, bonus gate 1", "item", 20, "needs an `item`");
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"total\"\n\n[[roles.x.bonus.gate]]\nmetric = \"complaint_rate\"\nabove = inf\n");
        assert_error(&t, "role `x`, bonus gate 1", "above", 21, "got inf");
    }

    #[test]
    fn grades_not_descending_or_not_finite() {
        let t = format!("[grades]\nS = 110\nA = 95\nB = 96\nC = 60\n\n{BASE}");
        assert_error(&t, "[grades]", "B", 4, "must be below `A` (95)");
        let t = format!("[grades]\nS = 110\nA = 95\nB = 80\nC = nan\n\n{BASE}");
        assert_error(&t, "[grades]", "C", 5, "got NaN");
    }

    #[test]
    fn surveys_scale_not_positive() {
        let t = format!("[surveys]\nscale = 0\n\n{BASE}");
        assert_error(
            &t,
            "[surveys]",
            "scale",
            2,
            "above 0 and at most 1e12, got 0",
        );
        let t = format!("[surveys]\nscale = inf\n\n{BASE}");
        assert_error(&t, "[surveys]", "scale", 2, "got inf");
    }

    #[test]
    fn secondary_window_days_zero() {
        let t = format!("[secondary]\nrule = \"derive\"\nwindow_days = 0\n\n{BASE}");
        assert_error(&t, "[secondary]", "window_days", 3, "from 1 to 36500");
    }

    #[test]
    fn secondary_window_days_beyond_a_century() {
        // 4e9 days back from a date is beyond any calendar: refused before it is subtracted.
        let t = format!("[secondary]\nrule = \"derive\"\nwindow_days = 4000000000\n\n{BASE}");
        assert_error(&t, "[secondary]", "window_days", 3, "got 4000000000");
    }

    #[test]
    fn numbers_beyond_1e12_name_key_and_line() {
        let t = base_with("target = 1000", "target = 2e12");
        assert_error(
            &t,
            "role `x`, kpi 1",
            "target",
            7,
            "within ±1e12, got 2000000000000",
        );
        let t = base_with("stretch = 0.6", "stretch = 0.6\nstretch_score = 1e308");
        assert_error(&t, "role `x`, kpi 2", "stretch_score", 15, "got 1e308");
        let t = format!("[grades]\nS = 1e13\nA = 95\nB = 80\nC = 60\n\n{BASE}");
        assert_error(&t, "[grades]", "S", 2, "within ±1e12");
        let t = format!("[surveys]\nscale = 1e13\n\n{BASE}");
        assert_error(&t, "[surveys]", "scale", 2, "at most 1e12");
        let t = format!("{BASE}\n[roles.x.bonus]\nbasis = \"total\"\ntiers = [[80, -1e13]]\n");
        assert_error(
            &t,
            "role `x`, bonus",
            "tiers",
            18,
            "within ±1e12 only, got -10000000000000",
        );
        let t = format!(
            "{BASE}\n[roles.x.bonus]\nbasis = \"total\"\n\
             per_unit = {{ metric = \"revenue\", above = 0, amount = 1e15 }}\n"
        );
        assert_error(&t, "role `x`, bonus per_unit", "amount", 18, "within ±1e12");
        let t = format!(
            "{BASE}\n[[roles.x.veto]]\nmetric = \"revenue\"\nabove = 1\ncap_total = -2e12\n"
        );
        assert_error(&t, "role `x`, veto 1", "cap_total", 19, "within ±1e12");
        // 1e12 itself is allowed.
        let t = base_with("target = 1000", "target = 1e12");
        assert!(validate(&load(&t)).is_ok());
    }

    #[test]
    fn no_roles_is_an_error_naming_the_file() {
        let e = error("[grades]\nS = 110\nA = 95\nB = 80\nC = 60\n");
        assert!(
            e.starts_with("config t.toml: [roles]: the config defines no roles"),
            "{e}"
        );
        let e = error("");
        assert!(e.contains("defines no roles"), "{e}");
    }

    #[test]
    fn label_lists_must_hold_titles() {
        let t = base_with("label = \"X\"", "label = []");
        assert_error(&t, "role `x`", "label", 2, "at least one job title");
        let t = base_with("label = \"X\"", "label = [\"X\", \" \"]");
        assert_error(&t, "role `x`", "label", 2, "empty job title");
        let t = base_with("label = \"X\"", "label = [\"X\", \"Y\"]");
        assert!(validate(&load(&t)).is_ok());
    }

    #[test]
    fn a_title_naming_two_roles_is_an_error() {
        let second = |head: &str| {
            format!(
                "{BASE}\n{head}\n\n[[roles.y.kpi]]\nmetric = \"revenue\"\nweight = 100\ntarget = 1\n"
            )
        };
        // A label of y (line 17) folds (full-width, case, spaces) to a label of x (line 2).
        let t = second("[roles.y]\nlabel = [\"Y\", \" ｘＸ \"]").replacen(
            "label = \"X\"",
            "label = \"XX\"",
            1,
        );
        assert_error(
            &t,
            "role `y`",
            "label",
            17,
            "its `label` ` ｘＸ ` is also a `label` of role `x` (line 2)",
        );
        // y's label is x's key.
        let t = second("[roles.y]\nlabel = \"X\"");
        assert_error(
            &t,
            "role `y`",
            "label",
            17,
            "its `label` `X` is also the key of role `x` (line 1)",
        );
        // Two keys that fold alike: the second role's header line.
        let t = second("[roles.X]\nlabel = \"Z\"").replace("roles.y.kpi", "roles.X.kpi");
        assert_error(
            &t,
            "role `X`",
            "X",
            16,
            "its key `X` is also the key of role `x` (line 1)",
        );
    }

    #[test]
    fn quoted_role_names_find_their_lines() {
        let t =
            "[roles.\"前台\"]\nlabel = \"前台\"\n\n[[roles.\"前台\".kpi]]\nmetric = \"revenue\"\n\
                 weight = 100\ntarget = 0\n";
        assert_error(
            t,
            "role `前台`, kpi 1",
            "floor",
            7,
            "`floor` (default 0) must be below",
        );
    }

    #[test]
    fn builtin_name_in_messages() {
        let mut cfg = LoadedConfig::builtin();
        cfg.config.surveys.scale = -1.0;
        let e = validate(&cfg).unwrap_err().to_string();
        assert!(e.starts_with("config built-in defaults, line "), "{e}");
    }
}
