//! The weight-config file (TOML): its schema, the built-in defaults and where each key sits.

use crate::words::config::{ConfigError, ConfigNote};
use crate::words::Fail;
use anyhow::{bail, Context, Result};
use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The commented template, English comments (`init --lang en`); parsed, it is also the built-in
/// default config (its text gives the line numbers of an error in the defaults).
pub const DEFAULT_CONFIG: &str = include_str!("default_config.toml");

/// The same template with Chinese comments, which `init` writes by default. The twins hold the
/// same TOML on the same lines; only the comments differ (tested).
pub const DEFAULT_CONFIG_ZH: &str = include_str!("default_config.zh.toml");

/// The commented template `init` writes in `lang`.
pub fn template(lang: crate::Lang) -> &'static str {
    match lang {
        crate::Lang::Zh => DEFAULT_CONFIG_ZH,
        crate::Lang::En => DEFAULT_CONFIG,
    }
}

/// Config files larger than this are refused before parsing (a config is a few KiB).
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub inputs: IndexMap<String, Vec<String>>,
    #[serde(default)]
    pub columns: IndexMap<String, IndexMap<String, Vec<String>>>,
    #[serde(default)]
    pub scoring: Scoring,
    #[serde(default)]
    pub secondary: Secondary,
    #[serde(default)]
    pub surveys: Surveys,
    #[serde(default)]
    pub complications: Complications,
    #[serde(default)]
    pub grades: Grades,
    #[serde(default)]
    pub roles: IndexMap<String, Role>,
    #[serde(default)]
    pub clinic: Clinic,
    #[serde(default)]
    pub alerts: Alerts,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    #[serde(default)]
    pub missing: Missing,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            missing: Missing::Reweight,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    #[default]
    Reweight,
    Zero,
    Target,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secondary {
    #[serde(default)]
    pub rule: SecondaryRule,
    #[serde(default = "default_secondary_types")]
    pub types: Vec<String>,
    #[serde(default = "default_window_days")]
    pub window_days: u32,
}

impl Default for Secondary {
    fn default() -> Self {
        Secondary {
            rule: SecondaryRule::Auto,
            types: default_secondary_types(),
            window_days: default_window_days(),
        }
    }
}

fn default_secondary_types() -> Vec<String> {
    vec!["二开".into(), "二次开发".into()]
}
fn default_window_days() -> u32 {
    90
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SecondaryRule {
    #[default]
    Auto,
    Type,
    Derive,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Surveys {
    #[serde(default = "default_scale")]
    pub scale: f64,
}

impl Default for Surveys {
    fn default() -> Self {
        Surveys {
            scale: default_scale(),
        }
    }
}

fn default_scale() -> f64 {
    5.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complications {
    #[serde(default = "default_complications")]
    pub categories: Vec<String>,
}

impl Default for Complications {
    fn default() -> Self {
        Complications {
            categories: default_complications(),
        }
    }
}

fn default_complications() -> Vec<String> {
    vec!["并发症".into(), "医疗事故".into(), "不良反应".into()]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grades {
    #[serde(rename = "S")]
    pub s: f64,
    #[serde(rename = "A")]
    pub a: f64,
    #[serde(rename = "B")]
    pub b: f64,
    #[serde(rename = "C")]
    pub c: f64,
}

impl Default for Grades {
    fn default() -> Self {
        Grades {
            s: 110.0,
            a: 95.0,
            b: 80.0,
            c: 60.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// The job titles this role covers; the first is the one shown (SPEC §2.4).
    pub label: Option<Labels>,
    pub attribute: Option<Attribute>,
    pub bottom: Option<u32>,
    #[serde(default)]
    pub kpi: Vec<Kpi>,
    #[serde(default)]
    pub veto: Vec<Veto>,
    pub bonus: Option<Bonus>,
}

impl Role {
    /// The role's name for people: its first label, else its key.
    pub fn shown_label<'a>(&'a self, key: &'a str) -> &'a str {
        self.label.as_ref().and_then(Labels::shown).unwrap_or(key)
    }

    /// Whether a roster 岗位 text names this role: its key or any of its labels, compared as
    /// [`fold_title`] folds them.
    pub fn is_named(&self, key: &str, text: &str) -> bool {
        let t = fold_title(text);
        fold_title(key) == t || self.label.as_ref().is_some_and(|l| l.matches_folded(&t))
    }

    /// Every name a roster 岗位 can give this role, folded: its key, then its labels.
    pub fn folded_names(&self, key: &str) -> Vec<String> {
        let mut names = vec![fold_title(key)];
        if let Some(l) = &self.label {
            names.extend(l.titles().iter().map(|t| fold_title(t)));
        }
        names
    }
}

/// A role name or job title as roster 岗位 texts are compared: spaces trimmed and collapsed,
/// full-width ASCII folded, lower case (`咨询师`, ` Consultant ` → `consultant`).
pub fn fold_title(s: &str) -> String {
    crate::input::values::fold_text(s).to_lowercase()
}

/// A role's `label`: one job title (`label = "咨询师"`) or a list of the titles the role
/// covers (`label = ["咨询师", "咨询顾问", "现场咨询师"]`). The first is the one shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels(Vec<String>);

impl Labels {
    /// The title shown for the role (JSON `role_label`, tables, sheet names); `None` only for
    /// an empty list, which validation refuses.
    pub fn shown(&self) -> Option<&str> {
        self.0.first().map(String::as_str)
    }

    /// Every title, in the order written.
    pub fn titles(&self) -> &[String] {
        &self.0
    }

    /// Whether a roster 岗位 text is one of the titles (compared folded, [`fold_title`]).
    pub fn matches(&self, text: &str) -> bool {
        self.matches_folded(&fold_title(text))
    }

    fn matches_folded(&self, folded: &str) -> bool {
        self.0.iter().any(|t| fold_title(t) == folded)
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Labels, D::Error> {
        struct Titles;
        impl<'de> serde::de::Visitor<'de> for Titles {
            type Value = Labels;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a job title (\"咨询师\") or a list of job titles ([\"咨询师\", \"咨询顾问\"])",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Labels, E> {
                Ok(Labels(vec![v.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Labels, A::Error> {
                let mut titles = Vec::new();
                while let Some(t) = seq.next_element::<String>()? {
                    titles.push(t);
                }
                Ok(Labels(titles))
            }
        }
        d.deserialize_any(Titles)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    #[serde(rename = "self")]
    Own,
    Department,
    Store,
    All,
}

impl Scope {
    /// Whose rows a figure counts, for people.
    pub fn label(self, l: crate::Lang) -> &'static str {
        match self {
            Scope::Own => l.pick("本人", "self"),
            Scope::Department => l.pick("科室", "department"),
            Scope::Store => l.pick("门店", "store"),
            Scope::All => l.pick("全机构", "all stores"),
        }
    }
}

/// Which sales column credits a role's people with a sale (`attribute`, SPEC §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Attribute {
    #[default]
    Consultant,
    Doctor,
    Nurse,
}

impl Attribute {
    /// The sales column this attribute reads.
    pub fn field(self) -> crate::input::Field {
        use crate::input::Field;
        match self {
            Attribute::Consultant => Field::Consultant,
            Attribute::Doctor => Field::Doctor,
            Attribute::Nurse => Field::Nurse,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    #[default]
    Linear,
    Bands,
    Steps,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub metric: String,
    pub item: Option<String>,
    pub weight: f64,
    pub scope: Option<Scope>,
    pub method: Option<Method>,
    pub direction: Option<Direction>,
    pub floor: Option<f64>,
    pub target: Option<f64>,
    pub stretch: Option<f64>,
    pub stretch_score: Option<f64>,
    pub min_sample: Option<u32>,
    pub bands: Option<Vec<[f64; 2]>>,
    pub per: Option<f64>,
    pub points: Option<f64>,
    pub max_bonus: Option<f64>,
    pub max_penalty: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    pub metric: String,
    pub item: Option<String>,
    pub above: f64,
    pub cap_total: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bonus {
    pub basis: Basis,
    #[serde(default)]
    pub tiers: Vec<[f64; 2]>,
    pub below: Option<f64>,
    pub per_unit: Option<PerUnit>,
    #[serde(default)]
    pub gate: Vec<Gate>,
}

/// What a bonus's tiers are read against (`basis`): the total score, or one metric's value.
#[derive(Debug, Clone, Copy)]
pub enum Basis {
    Total,
    Metric(&'static crate::metrics::defs::MetricDef),
}

impl Basis {
    /// The metric whose unit its values are in ("" for the total: a plain number).
    pub fn unit_metric(self) -> &'static str {
        match self {
            Basis::Total => "",
            Basis::Metric(d) => d.key,
        }
    }

    /// The config value: `total` or the metric's key.
    pub fn key(self) -> &'static str {
        match self {
            Basis::Total => "total",
            Basis::Metric(d) => d.key,
        }
    }
}

impl PartialEq for Basis {
    fn eq(&self, other: &Basis) -> bool {
        self.key() == other.key()
    }
}

impl<'de> Deserialize<'de> for Basis {
    /// `"total"` or a metric key; anything else is refused here, so toml names its line.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Basis, D::Error> {
        let s = String::deserialize(d)?;
        if s == "total" {
            return Ok(Basis::Total);
        }
        crate::metrics::defs::METRICS
            .iter()
            .find(|m| m.key == s)
            .map(Basis::Metric)
            .ok_or_else(|| {
                static KNOWN: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
                let known = KNOWN.get_or_init(|| {
                    let mut k = vec!["total"];
                    k.extend(crate::metrics::defs::metric_keys());
                    k
                });
                serde::de::Error::unknown_variant(&s, known)
            })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerUnit {
    pub metric: String,
    pub above: f64,
    pub amount: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum GateEffect {
    #[default]
    Zero,
    Halve,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub metric: String,
    pub item: Option<String>,
    pub scope: Option<Scope>,
    pub above: f64,
    #[serde(default)]
    pub effect: GateEffect,
}

// ---------------------------------------------------------------------------------------------
// [clinic] and [alerts] (SPEC §8): the clinic's own targets and the early-warning thresholds.
// Checked by `crate::clinic::validate`.

/// A base (基础目标) and a sprint (冲刺目标) level, for one month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    pub base: Option<f64>,
    pub sprint: Option<f64>,
}

/// The planned split of revenue between 初复诊 and 再消费 (shares of 1).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Split {
    pub first_and_return: f64,
    pub repeat: f64,
}

/// A department's planned share of revenue and its own monthly levels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentPlan {
    pub share: Option<f64>,
    pub base: Option<f64>,
    pub sprint: Option<f64>,
}

/// `[clinic]`: targets for the clinic as a whole (monthly; every key optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clinic {
    /// Revenue of all stores together.
    pub revenue: Option<Levels>,
    pub split: Option<Split>,
    /// 初诊上门量: distinct customers with a 初诊 consultation.
    pub first_visits: Option<Levels>,
    #[serde(default)]
    pub departments: IndexMap<String, DepartmentPlan>,
    /// Target visit-to-deal conversion rate per channel value of the visits.
    #[serde(default)]
    pub channels: IndexMap<String, f64>,
    #[serde(default)]
    pub stores: IndexMap<String, Levels>,
}

/// `[alerts]`: the thresholds of the daily early warning (SPEC §8.2).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// Yellow: a day's revenue below this share of the daily average …
    #[serde(default = "default_slump_share")]
    pub slump_share: f64,
    /// … on each of this many consecutive days.
    #[serde(default = "default_slump_days")]
    pub slump_days: u32,
    /// Red: a channel's conversion this much (relative) below the window before.
    #[serde(default = "default_conversion_drop")]
    pub conversion_drop: f64,
    #[serde(default = "default_alert_window_days")]
    pub window_days: u32,
    /// Red: month-to-date complaint rate above this.
    #[serde(default = "default_alert_complaint_rate")]
    pub complaint_rate: f64,
    /// Red: month-to-date complication rate above this.
    #[serde(default = "default_alert_complication_rate")]
    pub complication_rate: f64,
}

impl Default for Alerts {
    fn default() -> Self {
        Alerts {
            slump_share: default_slump_share(),
            slump_days: default_slump_days(),
            conversion_drop: default_conversion_drop(),
            window_days: default_alert_window_days(),
            complaint_rate: default_alert_complaint_rate(),
            complication_rate: default_alert_complication_rate(),
        }
    }
}

fn default_slump_share() -> f64 {
    0.5
}
fn default_slump_days() -> u32 {
    3
}
fn default_conversion_drop() -> f64 {
    0.2
}
fn default_alert_window_days() -> u32 {
    7
}
fn default_alert_complaint_rate() -> f64 {
    0.02
}
fn default_alert_complication_rate() -> f64 {
    0.003
}

/// A config as loaded: the parsed values, the text they came from (for line numbers) and where.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub source: String,
    /// `None` for the built-in defaults.
    pub path: Option<PathBuf>,
}

impl LoadedConfig {
    /// The built-in defaults (SPEC §5.5), parsed from the `init` template — without its
    /// `[clinic]` targets, which are the example clinic's plan for `init` to write and the user
    /// to replace: a clinic that has written no config has set no targets (SPEC §8), and is
    /// never measured or warned against another clinic's.
    pub fn builtin() -> LoadedConfig {
        let mut config = parse(DEFAULT_CONFIG, "built-in defaults")
            .expect("the built-in config template parses (tested)");
        config.clinic = Clinic::default();
        LoadedConfig {
            config,
            source: DEFAULT_CONFIG.to_string(),
            path: None,
        }
    }

    /// Display name for messages: the file name, or "built-in defaults".
    pub fn name(&self) -> String {
        self.name_in(crate::Lang::En)
    }

    /// The file name, or the built-in defaults in the reader's words (内置默认配置).
    pub fn name_in(&self, lang: crate::Lang) -> String {
        let file = self.path.as_ref().map(|p| p.display().to_string());
        crate::words::config::config_name(file.as_deref(), lang)
    }

    /// The path as messages show it; `None` for the built-in defaults.
    pub fn file(&self) -> Option<String> {
        self.path.as_ref().map(|p| p.display().to_string())
    }

    /// The folder relative paths in `[inputs]` are resolved against.
    pub fn base_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// Parses config text; the error names the file and line (toml reports them) and keeps toml's
/// own description of what is wrong.
pub fn parse(text: &str, name: &str) -> Result<Config> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of_offset(text, s.start));
        // `整形外科 = …` as §8 writes it: TOML keys beyond A-Z a-z 0-9 - _ need quotes. The
        // line as it should be written, when it is a `key = value` line.
        let quoted = line
            .filter(|_| e.message().starts_with("invalid unquoted key"))
            .and_then(|l| text.lines().nth(l - 1))
            .and_then(|l| l.split_once('='))
            .map(|(key, value)| (key.trim(), value.trim()))
            .filter(|(key, _)| !key.is_empty() && !key.starts_with('"'))
            .map(|(key, value)| format!("\"{key}\" = {value}"));
        anyhow::Error::new(Fail::new(ConfigError::Toml {
            file: Some(name.to_string()),
            line,
            quoted,
            detail: e.message().to_string(),
        }))
    })?;
    Ok(config)
}

/// 1-based line number of a byte offset.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// One step down a config's TOML tree: a key, or the nth (0-based) table of an array of tables
/// (`[[roles.x.kpi]]`, or `kpi = [{ … }, { … }]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Nth(usize),
}

/// Where each value of config text is written: the document as toml's own parser reads it, each
/// key and value with its byte span, so an error can name the line of the value it is about —
/// however the TOML spells it (`[table]` headers, dotted keys, inline tables, quoted keys).
/// The text is parsed when a line is first asked for (only an error needs one).
pub struct Written<'t> {
    text: &'t str,
    /// `None` when the text is not TOML (never for text a config was parsed from).
    root: std::cell::OnceCell<Option<toml::de::DeTable<'t>>>,
}

impl<'t> Written<'t> {
    pub fn new(text: &'t str) -> Self {
        Written {
            text,
            root: std::cell::OnceCell::new(),
        }
    }

    /// The 1-based lines of the values along `path`, from the top, as far as it is written.
    /// A value's line is where it starts: a `key = …` line (a key and its value start on one
    /// line), a table's `[header]`, the nth `[[header]]` of an array of tables, an inline
    /// table's `{`; a table only implied by a deeper one (`roles.x` by `[[roles.x.kpi]]`, or by
    /// `x.label = …` in `[roles]`) starts where it is first named.
    pub fn lines(&self, path: &[Step]) -> Vec<usize> {
        let mut lines = Vec::new();
        let root = self.root.get_or_init(|| {
            toml::de::DeTable::parse(self.text)
                .ok()
                .map(toml::Spanned::into_inner)
        });
        let Some(root) = root else {
            return lines;
        };
        let mut at: Option<&toml::Spanned<toml::de::DeValue>> = None;
        for step in path {
            let next = match (at, *step) {
                (None, Step::Key(k)) => root.get(k),
                (None, Step::Nth(_)) => None,
                (Some(v), Step::Key(k)) => v.get_ref().get(k),
                (Some(v), Step::Nth(n)) => v.get_ref().get(n),
            };
            let Some(next) = next else {
                break;
            };
            lines.push(line_of_offset(self.text, next.span().start));
            at = Some(next);
        }
        lines
    }

    /// The line of the value at `path`; `None` when it is not written.
    pub fn line(&self, path: &[Step]) -> Option<usize> {
        let lines = self.lines(path);
        (lines.len() == path.len())
            .then(|| lines.last().copied())
            .flatten()
    }

    /// The line of the value at `path`, else of the nearest value holding it that is written.
    pub fn nearest_line(&self, path: &[Step]) -> Option<usize> {
        self.lines(path).last().copied()
    }
}

/// Loads `path`; when it is the default path and does not exist, the built-in defaults.
/// Returns the config and, when the defaults were used, a note for the user.
pub fn load(path: Option<&Path>) -> Result<(LoadedConfig, Option<ConfigNote>)> {
    let explicit = path.is_some();
    let path = path
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("clinic-kpi.toml"));
    if !explicit && !path.exists() {
        return Ok((LoadedConfig::builtin(), Some(ConfigNote::BuiltinDefaults)));
    }
    let file = || path.display().to_string();
    let cannot_read = || Fail::new(ConfigError::CannotRead { file: file() });
    let meta = std::fs::metadata(&path).with_context(cannot_read)?;
    if meta.len() > MAX_CONFIG_BYTES {
        bail!(Fail::new(ConfigError::TooLarge {
            file: file(),
            bytes: meta.len(),
            max: MAX_CONFIG_BYTES,
        }));
    }
    let bytes = std::fs::read(&path).with_context(cannot_read)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::Error::new(Fail::new(ConfigError::NotUtf8 { file: file() })))?;
    let config = parse(&text, &file())?;
    Ok((
        LoadedConfig {
            config,
            source: text,
            path: Some(path),
        },
        None,
    ))
}

impl Config {
    /// Extra column aliases the config adds for `kind` (`[columns.sales] amount = [...]`).
    pub fn extra_aliases(&self, kind: &str) -> HashMap<String, Vec<String>> {
        self.columns
            .get(kind)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_template_parses() {
        let c = parse(DEFAULT_CONFIG, "template").unwrap();
        let roles: Vec<&str> = c.roles.keys().map(String::as_str).collect();
        assert_eq!(roles, ["consultant", "doctor", "nurse", "customer_service"]);
        for (key, role) in &c.roles {
            let sum: f64 = role.kpi.iter().map(|k| k.weight).sum();
            assert!((sum - 100.0).abs() < 1e-9, "{key} weights sum to {sum}");
        }
    }

    /// The TOML part of a template line: the line without its comment (the templates hold no `#`
    /// inside a string outside comments), trailing blanks trimmed.
    fn toml_part(line: &str) -> &str {
        line.split('#').next().unwrap_or_default().trim_end()
    }

    /// The commented-out examples of a template: each comment that is, uncommented, a TOML
    /// line of its own (`# bottom = 1`, `# [inputs]`), as the values it holds.
    fn examples(text: &str) -> Vec<toml::Table> {
        text.lines()
            .filter_map(|line| line.trim_start().strip_prefix('#'))
            .map(str::trim)
            .filter(|rest| !rest.is_empty())
            .filter_map(|rest| rest.parse::<toml::Table>().ok())
            .collect()
    }

    #[test]
    fn the_chinese_and_english_templates_hold_the_same_config() {
        // Line for line, so an error in the defaults names the same line in either file.
        let zh_lines: Vec<&str> = DEFAULT_CONFIG_ZH.lines().map(toml_part).collect();
        let en_lines: Vec<&str> = DEFAULT_CONFIG.lines().map(toml_part).collect();
        let differs = zh_lines
            .iter()
            .zip(&en_lines)
            .position(|(zh, en)| zh != en)
            .map(|i| format!("line {}: {:?} / {:?}", i + 1, zh_lines[i], en_lines[i]));
        // Keys, values and their order (tables keep their order: toml's preserve_order).
        let zh: toml::Value = toml::from_str(DEFAULT_CONFIG_ZH).unwrap();
        let en: toml::Value = toml::from_str(DEFAULT_CONFIG).unwrap();
        assert!(zh == en, "the templates differ ({differs:?})");
        assert_eq!(differs, None);
        assert_eq!(zh_lines.len(), en_lines.len());
        // Each commented-out example is valid TOML when uncommented, the same in both.
        let zh_examples = examples(DEFAULT_CONFIG_ZH);
        assert_eq!(zh_examples.len(), 8, "{zh_examples:?}");
        assert_eq!(zh_examples, examples(DEFAULT_CONFIG));
        // Both pass the config's validation.
        for (text, name) in [(DEFAULT_CONFIG_ZH, "zh"), (DEFAULT_CONFIG, "en")] {
            let loaded = LoadedConfig {
                config: parse(text, name).unwrap(),
                source: text.to_string(),
                path: Some(name.into()),
            };
            crate::clinic::validate::validate(&loaded).unwrap();
            crate::scoring::validate::validate(&loaded).unwrap();
        }
        assert_eq!(template(crate::Lang::Zh), DEFAULT_CONFIG_ZH);
        assert_eq!(template(crate::Lang::En), DEFAULT_CONFIG);
        // Each speaks its language: no English sentence in the Chinese twin, and the reverse.
        assert!(DEFAULT_CONFIG_ZH.contains("# 考核口径配置（clinic-kpi）\n"));
        assert!(!DEFAULT_CONFIG_ZH.contains("ONE MONTH"));
        assert!(DEFAULT_CONFIG.contains("The config describes ONE MONTH."));
        assert!(!DEFAULT_CONFIG.contains("本配置描述一个月"));
    }

    #[test]
    fn label_is_a_title_or_a_list_of_titles() {
        let role = |label: &str| {
            let text = format!("[roles.c]\nlabel = {label}\n");
            parse(&text, "k.toml").map(|c| c.roles["c"].clone())
        };
        let one = role("\"咨询师\"").unwrap();
        assert_eq!(one.shown_label("c"), "咨询师");
        let list = role("[\"咨询师\", \"咨询顾问\", \"现场咨询师\"]").unwrap();
        assert_eq!(list.shown_label("c"), "咨询师");
        let labels = list.label.as_ref().unwrap();
        assert!(labels.matches(" 现场咨询师 "));
        assert!(labels.matches("咨询顾问"));
        assert!(!labels.matches("高级咨询师"));
        assert!(list.is_named("c", "C"), "the key, folded");
        assert_eq!(
            list.folded_names("Consultant"),
            ["consultant", "咨询师", "咨询顾问", "现场咨询师"]
        );
        let none = parse("[roles.c]\n", "k.toml").unwrap();
        assert_eq!(none.roles["c"].shown_label("c"), "c");
        let err = role("[\"咨询师\", 3]").unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        let err = role("{ a = 1 }").unwrap_err().to_string();
        assert!(err.contains("expected a job title"), "{err}");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = "[scoring]\nmissing = \"zero\"\n\n[roles.x]\nlabel = \"X\"\nwieght = 3\n";
        let err = parse(text, "k.toml").unwrap_err().to_string();
        assert!(err.contains("line 6"), "{err}");
        assert!(err.contains("wieght"), "{err}");
    }
}
