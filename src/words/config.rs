//! Words for the config file (src/config.rs, src/scoring/validate.rs, src/clinic/validate.rs):
//! why a config cannot be read or is refused, framed with the file, the line and the table —
//! `配置 clinic-kpi.toml 第 12 行：岗位 `x` 第 2 项 KPI（`conversion_rate`）：…`.
//!
//! Config keys, table headers and values the user types stay as written, in backticks or
//! brackets (`floor`, `[grades]`); TOML's own description of a syntax error is quoted as it
//! came (the library speaks English), inside a Chinese frame.

use crate::Lang;

/// A number as a message shows it: in full up to 1e15, else in exponent form (`1e308`).
pub fn num(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e15 {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

/// The config a message is about: its path, or the built-in defaults (`None`).
pub fn config_name(file: Option<&str>, lang: Lang) -> String {
    match file {
        Some(f) => f.to_string(),
        None => lang.pick("内置默认配置", "built-in defaults").to_string(),
    }
}

/// `配置 k.toml 第 3 行` / `config k.toml, line 3`: the frame of every config error.
fn frame(lang: Lang, file: &Option<String>, line: Option<usize>) -> String {
    match (lang, file, line) {
        (Lang::Zh, Some(f), Some(l)) => format!("配置 {f} 第 {l} 行"),
        (Lang::Zh, Some(f), None) => format!("配置 {f}"),
        (Lang::Zh, None, Some(l)) => format!("内置默认配置第 {l} 行"),
        (Lang::Zh, None, None) => "内置默认配置".to_string(),
        (Lang::En, Some(f), Some(l)) => format!("config {f}, line {l}"),
        (Lang::En, Some(f), None) => format!("config {f}"),
        (Lang::En, None, Some(l)) => format!("config built-in defaults, line {l}"),
        (Lang::En, None, None) => "config built-in defaults".to_string(),
    }
}

/// A note about which config is used (stderr, before the output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(ConfigNoteCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum ConfigNote {
    /// No `clinic-kpi.toml` in the current folder and no `--config`.
    BuiltinDefaults,
}

catalogue!(ConfigNote, ConfigNoteCode);

impl ConfigNote {
    pub fn say(&self, lang: Lang) -> String {
        match self {
            ConfigNote::BuiltinDefaults => say!(
                lang,
                "当前文件夹没有 clinic-kpi.toml：使用内置默认配置（可用 `clinic-kpi init` 写出一份再修改）",
                "no clinic-kpi.toml here: using the built-in defaults (write one with `clinic-kpi init`)"
            ),
        }
    }

    #[cfg(test)]
    pub fn examples() -> Vec<ConfigNote> {
        vec![ConfigNote::BuiltinDefaults]
    }
}

/// Why a config cannot be used. `file` is the path as given, `None` for the built-in defaults.
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(ConfigErrorCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum ConfigError {
    /// The file or its folder cannot be read (the system's reason follows in the chain).
    CannotRead {
        file: String,
    },
    /// Larger than a config can be: refused before it is read.
    TooLarge {
        file: String,
        bytes: u64,
        max: u64,
    },
    NotUtf8 {
        file: String,
    },
    /// TOML cannot parse it (or a value has the wrong type): `detail` is the toml crate's text.
    /// `quoted`: the error is a key that needs quotes (`整形外科 = …`), and this is the line
    /// as it should be written (`"整形外科" = …`).
    Toml {
        file: Option<String>,
        line: Option<usize>,
        detail: String,
        quoted: Option<String>,
    },
    /// Parsed, but refused by the checks (SPEC §5.1, §8).
    Invalid {
        file: Option<String>,
        line: Option<usize>,
        place: Place,
        problem: Problem,
    },
}

catalogue!(ConfigError, ConfigErrorCode);

impl crate::words::Speak for ConfigError {
    fn say(&self, lang: Lang) -> String {
        match self {
            ConfigError::CannotRead { file } => {
                say!(lang, "无法读取配置 {file}", "cannot read config {file}")
            }
            ConfigError::TooLarge { file, bytes, max } => say!(
                lang,
                "配置 {file} 大小为 {bytes} 字节，配置文件最大只能 {max} 字节",
                "config {file} is {bytes} bytes; a config file is at most {max} bytes"
            ),
            ConfigError::NotUtf8 { file } => say!(
                lang,
                "配置 {file} 不是 UTF-8 文本（请用 UTF-8 编码保存）",
                "config {file} is not UTF-8 text"
            ),
            ConfigError::Toml {
                file,
                line,
                detail,
                quoted,
            } => {
                let at = frame(lang, file, *line);
                let hint = match (quoted, lang) {
                    (None, _) => String::new(),
                    (Some(q), Lang::Zh) => format!("；不是纯字母和数字的键（科室、渠道或门店名称）要加英文引号：{q}"),
                    (Some(q), Lang::En) => format!("; a key that is not plain letters and digits (a department, channel or store name) is written in quotes: {q}"),
                };
                say!(lang, "{at}：{detail}{hint}", "{at}: {detail}{hint}")
            }
            ConfigError::Invalid {
                file,
                line,
                place,
                problem,
            } => {
                let at = frame(lang, file, *line);
                let place = place.say(lang);
                let problem = problem.say(lang);
                say!(lang, "{at}：{place}：{problem}", "{at}: {place}: {problem}")
            }
        }
    }
}

impl ConfigError {
    #[cfg(test)]
    pub fn examples() -> Vec<ConfigError> {
        vec![
            ConfigError::CannotRead { file: "f".into() },
            ConfigError::TooLarge {
                file: "f".into(),
                bytes: 9,
                max: 8,
            },
            ConfigError::NotUtf8 { file: "f".into() },
            ConfigError::Toml {
                file: Some("f".into()),
                line: Some(3),
                detail: "x".into(),
                quoted: Some("q".into()),
            },
            ConfigError::Invalid {
                file: None,
                line: Some(3),
                place: Place::Grades,
                problem: Problem::EmptyName,
            },
        ]
    }
}

/// Which table (and entry) of the config a problem is in.
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(PlaceCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum Place {
    Grades,
    Surveys,
    Secondary,
    Roles,
    Role {
        role: String,
    },
    /// The `n`th (1-based) `[[roles.R.kpi]]`, with its metric and item as written.
    Kpi {
        role: String,
        n: usize,
        metric: String,
        item: Option<String>,
    },
    Veto {
        role: String,
        n: usize,
        metric: String,
    },
    Bonus {
        role: String,
    },
    PerUnit {
        role: String,
        metric: String,
    },
    Gate {
        role: String,
        n: usize,
        metric: String,
    },
    /// A key of `[clinic]` itself (`revenue`, `split`, `first_visits`).
    Clinic {
        key: String,
    },
    Departments,
    Department {
        name: String,
    },
    Channel {
        name: String,
    },
    Store {
        name: String,
    },
    Alerts,
}

catalogue!(Place, PlaceCode);

impl Place {
    pub fn say(&self, lang: Lang) -> String {
        match self {
            Place::Grades => "[grades]".to_string(),
            Place::Surveys => "[surveys]".to_string(),
            Place::Secondary => "[secondary]".to_string(),
            Place::Roles => "[roles]".to_string(),
            Place::Role { role } => say!(lang, "岗位 `{role}`", "role `{role}`"),
            Place::Kpi {
                role,
                n,
                metric,
                item,
            } => {
                let item = item.as_deref().map(|i| format!(" {i}")).unwrap_or_default();
                say!(
                    lang,
                    "岗位 `{role}` 第 {n} 项 KPI（`{metric}`{item}）",
                    "role `{role}`, kpi {n} (`{metric}`{item})"
                )
            }
            Place::Veto { role, n, metric } => say!(
                lang,
                "岗位 `{role}` 第 {n} 项否决指标（`{metric}`）",
                "role `{role}`, veto {n} (`{metric}`)"
            ),
            Place::Bonus { role } => say!(lang, "岗位 `{role}` 的奖金", "role `{role}`, bonus"),
            Place::PerUnit { role, metric } => say!(
                lang,
                "岗位 `{role}` 的计件奖金 `per_unit`（`{metric}`）",
                "role `{role}`, bonus per_unit (`{metric}`)"
            ),
            Place::Gate { role, n, metric } => say!(
                lang,
                "岗位 `{role}` 第 {n} 项奖金门槛（`{metric}`）",
                "role `{role}`, bonus gate {n} (`{metric}`)"
            ),
            Place::Clinic { key } => say!(lang, "[clinic] `{key}`", "[clinic] {key}"),
            Place::Departments => "[clinic.departments]".to_string(),
            Place::Department { name } => format!("[clinic.departments] {name}"),
            Place::Channel { name } => format!("[clinic.channels] {name}"),
            Place::Store { name } => format!("[clinic.stores] {name}"),
            Place::Alerts => "[alerts]".to_string(),
        }
    }

    #[cfg(test)]
    pub fn examples() -> Vec<Place> {
        let r = || "r".to_string();
        let m = || "m".to_string();
        vec![
            Place::Grades,
            Place::Surveys,
            Place::Secondary,
            Place::Roles,
            Place::Role { role: r() },
            Place::Kpi {
                role: r(),
                n: 2,
                metric: m(),
                item: Some("i".into()),
            },
            Place::Veto {
                role: r(),
                n: 1,
                metric: m(),
            },
            Place::Bonus { role: r() },
            Place::PerUnit {
                role: r(),
                metric: m(),
            },
            Place::Gate {
                role: r(),
                n: 1,
                metric: m(),
            },
            Place::Clinic { key: "k".into() },
            Place::Departments,
            Place::Department { name: "d".into() },
            Place::Channel { name: "c".into() },
            Place::Store { name: "s".into() },
            Place::Alerts,
        ]
    }
}

/// What is wrong with a config value. Keys are the config's own (`floor`), numbers as written.
#[derive(Debug, Clone, PartialEq, strum::EnumDiscriminants)]
#[strum_discriminants(
    name(ProblemCode),
    derive(strum::EnumIter, strum::IntoStaticStr, Hash),
    strum(serialize_all = "snake_case")
)]
pub enum Problem {
    /// A config file without `[roles]`.
    NoRoles,
    /// A number that is not finite, or beyond ±1e12.
    NotFinite {
        key: String,
        value: f64,
    },
    /// A `[[threshold, value], …]` list holding such a number.
    PairsNotFinite {
        key: String,
        value: f64,
    },
    /// `[grades]` not descending: `low` is not below `high`.
    GradesOrder {
        low_key: String,
        low: f64,
        high_key: String,
        high: f64,
    },
    /// A number that must be above 0 and at most 1e12 (`weight`, `scale`, `base`, `sprint`).
    AboveZero {
        key: String,
        value: f64,
    },
    /// `[secondary] window_days` out of 1 ..= `max`.
    WindowDays {
        max: u32,
        days: u32,
    },
    /// A job title (a role's key or a `label` entry) that names two roles.
    TitleTwice {
        is_key: bool,
        title: String,
        other: String,
        other_is_key: bool,
        other_line: Option<usize>,
    },
    LabelNoTitle,
    LabelEmptyTitle,
    /// `attribute` not one of the sales columns that credit a person.
    Attribute {
        got: String,
        allowed: Vec<String>,
    },
    /// A role without `[[roles.R.kpi]]`; `header` is that header as written.
    NoKpi {
        header: String,
    },
    WeightSum {
        sum: f64,
    },
    /// `metric` holds a metric's Chinese label instead of its key.
    MetricIsLabel {
        key: String,
        label: String,
    },
    UnknownMetric {
        metric: String,
        known: Vec<String>,
    },
    RatingNeedsItem,
    /// `rating` in a table that has no `item` key (a bonus `per_unit`).
    RatingNoItemHere,
    ItemNotRating {
        metric: String,
    },
    /// A key the KPI's scoring method does not use.
    KeyNotForMethod {
        key: String,
        method: String,
    },
    LinearNeedsTarget,
    /// A lower-is-better linear KPI without `floor`.
    FloorRequired,
    /// `floor` on the wrong side of `target`; `floor` `None` is the default 0.
    FloorOrder {
        floor: Option<f64>,
        target: f64,
        higher: bool,
    },
    StretchOrder {
        stretch: f64,
        target: f64,
        higher: bool,
    },
    StretchScoreAlone,
    StretchScoreLow {
        value: f64,
    },
    BandsEmpty,
    BandPointsNegative {
        points: f64,
    },
    /// Band thresholds not strictly ordered the way the direction wants: `next` follows `prev`.
    BandThresholdOrder {
        prev: f64,
        next: f64,
        higher: bool,
    },
    BandPointsOrder {
        prev: f64,
        next: f64,
    },
    /// `method = "steps"` without some of `target`, `per`, `points`.
    StepsMissing {
        missing: Vec<String>,
    },
    NotPositive {
        key: String,
        value: f64,
    },
    Negative {
        key: String,
        value: f64,
    },
    /// A steps number with too many digits to count steps exactly.
    NotExact {
        key: String,
        value: f64,
    },
    BasisUnknown {
        basis: String,
        known: Vec<String>,
    },
    BasisRating,
    TiersOrder {
        prev: f64,
        next: f64,
    },
    /// `[clinic] split` shares not summing to 1.
    SplitSum {
        sum: f64,
    },
    /// A department with neither share nor levels.
    DepartmentEmpty,
    /// The departments' shares above 1 together.
    SharesSum {
        sum: f64,
    },
    /// A channel's target conversion rate out of (0, 1].
    ChannelRate {
        value: f64,
    },
    /// A department, channel or store key that is empty.
    EmptyName,
    /// A share or rate out of [0, 1].
    Share {
        key: String,
        value: f64,
    },
    /// `{ }` with neither `base` nor `sprint`.
    LevelsEmpty,
    SprintBelowBase {
        sprint: f64,
        base: f64,
    },
    /// A share out of (0, 1).
    OpenShare {
        key: String,
        value: f64,
    },
    /// A count of days out of 1 ..= `max`.
    Days {
        key: String,
        max: u32,
        days: u32,
    },
}

catalogue!(Problem, ProblemCode);

/// `a, b, c` / `` `a`、`b`、`c` ``: keys listed for people.
fn keys(list: &[String], lang: Lang) -> String {
    match lang {
        Lang::En => list.join(", "),
        Lang::Zh => list
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

impl Problem {
    pub fn say(&self, lang: Lang) -> String {
        use Problem as P;
        match self {
            P::NoRoles => say!(
                lang,
                "配置里没有任何岗位，没有人会被考核（写了配置文件就不再使用内置岗位）；请至少添加一个 [roles.KEY] 及其 [[roles.KEY.kpi]] 表（`clinic-kpi init DIR` 可写出默认配置作为起点）",
                "the config defines no roles, so nobody would be scored (a config file replaces the built-in roles); add at least one [roles.KEY] with its [[roles.KEY.kpi]] tables (`clinic-kpi init DIR` writes the defaults to start from)"
            ),
            P::NotFinite { key, value } => {
                let v = num(*value);
                say!(
                    lang,
                    "`{key}` 必须是 ±1e12 以内的有限数值，实际为 {v}",
                    "`{key}` must be a finite number within ±1e12, got {v}"
                )
            }
            P::PairsNotFinite { key, value } => {
                let v = num(*value);
                say!(
                    lang,
                    "`{key}` 只能包含 ±1e12 以内的有限数值，实际有 {v}",
                    "`{key}` must hold finite numbers within ±1e12 only, got {v}"
                )
            }
            P::GradesOrder {
                low_key,
                low,
                high_key,
                high,
            } => {
                let (lx, hx) = (num(*low), num(*high));
                say!(
                    lang,
                    "`{low_key}`（{lx}）必须低于 `{high_key}`（{hx}）；等级从高到低为 S > A > B > C",
                    "`{low_key}` ({lx}) must be below `{high_key}` ({hx}); grades descend S > A > B > C"
                )
            }
            P::AboveZero { key, value } => {
                let v = num(*value);
                say!(
                    lang,
                    "`{key}` 必须大于 0 且不超过 1e12，实际为 {v}",
                    "`{key}` must be a number above 0 and at most 1e12, got {v}"
                )
            }
            P::WindowDays { max, days } => say!(
                lang,
                "`window_days` 必须在 1 到 {max} 天（100 年）之间，实际为 {days}",
                "`window_days` must be from 1 to {max} (100 years), got {days}"
            ),
            P::TitleTwice {
                is_key,
                title,
                other,
                other_is_key,
                other_line,
            } => match lang {
                Lang::Zh => {
                    let what = if *is_key {
                        format!("键名 `{title}`")
                    } else {
                        format!("`label` 中的 `{title}`")
                    };
                    let other_as = if *other_is_key { "键名" } else { " `label`" };
                    let at = other_line
                        .map(|l| format!("（第 {l} 行）"))
                        .unwrap_or_default();
                    format!(
                        "{what} 也是岗位 `{other}` 的{other_as}{at}；花名册中的一个岗位名称只能对应一个考核岗位，请把每个岗位名称只写在一个岗位下"
                    )
                }
                Lang::En => {
                    let what = if *is_key { "key" } else { "`label`" };
                    let other_as = if *other_is_key { "the key" } else { "a `label`" };
                    let at = other_line
                        .map(|l| format!(" (line {l})"))
                        .unwrap_or_default();
                    format!(
                        "its {what} `{title}` is also {other_as} of role `{other}`{at}; a job title on the roster must name exactly one role, so give each job title to one role only"
                    )
                }
            },
            P::LabelNoTitle => say!(
                lang,
                "`label` 至少要写一个岗位名称",
                "`label` must name at least one job title"
            ),
            P::LabelEmptyTitle => say!(
                lang,
                "`label` 里有空的岗位名称",
                "`label` holds an empty job title"
            ),
            P::Attribute { got, allowed } => {
                let list = keys(allowed, lang);
                say!(
                    lang,
                    "`attribute` 只能是 {list} 之一，实际为 `{got}`",
                    "`attribute` must be one of {list}, got `{got}`"
                )
            }
            P::NoKpi { header } => say!(
                lang,
                "没有 `kpi`；每个岗位至少需要一个 {header} 表",
                "has no `kpi`; a role needs at least one {header} table"
            ),
            P::WeightSum { sum } => {
                let sum = num(*sum);
                say!(
                    lang,
                    "各项 KPI 的 `weight` 合计为 {sum}，应为 100",
                    "the KPIs' `weight` values sum to {sum}, not 100"
                )
            }
            P::MetricIsLabel { key, label } => say!(
                lang,
                "`metric` 要写指标的键名：`{label}` 请写作 `{key}`",
                "`metric` must be a metric key: write `{key}` for `{label}`"
            ),
            P::UnknownMetric { metric, known } => {
                let list = keys(known, lang);
                say!(
                    lang,
                    "`metric` 中的指标 `{metric}` 不存在；可用的指标：{list}",
                    "unknown metric `{metric}` in `metric`; known metrics: {list}"
                )
            }
            P::RatingNeedsItem => say!(
                lang,
                "指标 `rating` 需要 `item`（主管评分的项目名称）",
                "metric `rating` needs an `item` (the rating item's name)"
            ),
            P::RatingNoItemHere => say!(
                lang,
                "指标 `rating` 需要 `item`，而这里不能写 `item`；请换用其他指标",
                "metric `rating` needs an `item`, which this table cannot name; use another metric"
            ),
            P::ItemNotRating { metric } => say!(
                lang,
                "`item` 只适用于指标 `rating`，不适用于 `{metric}`",
                "`item` applies only to metric `rating`, not `{metric}`"
            ),
            P::KeyNotForMethod { key, method } => say!(
                lang,
                "`{key}` 不适用于计分方法 `{method}`（要使用它请设置 `method`）",
                "`{key}` does not apply to method `{method}` (set `method` to use it)"
            ),
            P::LinearNeedsTarget => say!(
                lang,
                "计分方法 `linear` 需要 `target`（得 100 分的值）",
                "method `linear` needs a `target` (the value scoring 100)"
            ),
            P::FloorRequired => say!(
                lang,
                "越低越好的指标必须写 `floor`（得分降到 0 的值，高于 `target`）",
                "floor is required for lower-is-better metrics (`floor` is where the score reaches 0, above `target`)"
            ),
            P::FloorOrder {
                floor,
                target,
                higher,
            } => {
                let t = num(*target);
                match lang {
                    Lang::Zh => {
                        let f = floor.map_or_else(|| "默认 0".to_string(), num);
                        let side = if *higher { "低于" } else { "高于" };
                        let dir = if *higher { "越高越好" } else { "越低越好" };
                        format!("`floor`（{f}）必须{side} `target`（{t}）：这是{dir}的指标")
                    }
                    Lang::En => {
                        let f = floor.map_or_else(|| "default 0".to_string(), num);
                        let side = if *higher { "below" } else { "above" };
                        let dir = if *higher {
                            "higher-is-better"
                        } else {
                            "lower-is-better"
                        };
                        format!("`floor` ({f}) must be {side} `target` ({t}) for a {dir} metric")
                    }
                }
            }
            P::StretchOrder {
                stretch,
                target,
                higher,
            } => {
                let (s, t) = (num(*stretch), num(*target));
                match lang {
                    Lang::Zh => {
                        let side = if *higher { "高于" } else { "低于" };
                        let dir = if *higher { "越高越好" } else { "越低越好" };
                        format!("`stretch`（{s}）必须{side} `target`（{t}）：这是{dir}的指标")
                    }
                    Lang::En => {
                        let side = if *higher { "above" } else { "below" };
                        let dir = if *higher {
                            "higher-is-better"
                        } else {
                            "lower-is-better"
                        };
                        format!(
                            "`stretch` ({s}) must be {side} `target` ({t}) for a {dir} metric"
                        )
                    }
                }
            }
            P::StretchScoreAlone => say!(
                lang,
                "没有 `stretch` 时 `stretch_score` 不起作用",
                "`stretch_score` has no effect without `stretch`"
            ),
            P::StretchScoreLow { value } => {
                let v = num(*value);
                say!(
                    lang,
                    "`stretch_score` 不能低于 100，实际为 {v}",
                    "`stretch_score` must be at least 100, got {v}"
                )
            }
            P::BandsEmpty => say!(
                lang,
                "计分方法 `bands` 需要 `bands = [[threshold, points], …]`，且至少有一档",
                "method `bands` needs `bands = [[threshold, points], …]` with at least one band"
            ),
            P::BandPointsNegative { points } => {
                let p = num(*points);
                say!(
                    lang,
                    "`bands` 的分数不能为负，实际为 {p}",
                    "`bands` points must not be negative, got {p}"
                )
            }
            P::BandThresholdOrder { prev, next, higher } => {
                let (t0, t1) = (num(*prev), num(*next));
                match lang {
                    Lang::Zh => {
                        let order = if *higher { "递减" } else { "递增" };
                        let dir = if *higher { "越高越好" } else { "越低越好" };
                        format!(
                            "`bands` 的门槛必须严格{order}（这是{dir}的指标），但 {t0} 后面是 {t1}"
                        )
                    }
                    Lang::En => {
                        let order = if *higher { "descending" } else { "ascending" };
                        let dir = if *higher {
                            "higher-is-better"
                        } else {
                            "lower-is-better"
                        };
                        format!("`bands` thresholds must be strictly {order} for a {dir} metric, but {t1} follows {t0}")
                    }
                }
            }
            P::BandPointsOrder { prev, next } => {
                let (p0, p1) = (num(*prev), num(*next));
                say!(
                    lang,
                    "`bands` 的分数必须递减，但 {p0} 后面是 {p1}",
                    "`bands` points must be descending, but {p1} follows {p0}"
                )
            }
            P::StepsMissing { missing } => {
                let list = match lang {
                    Lang::Zh => keys(missing, lang),
                    Lang::En => missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                say!(
                    lang,
                    "计分方法 `steps` 需要 `target`、`per` 和 `points`；缺少 {list}",
                    "method `steps` needs `target`, `per` and `points`; missing {list}"
                )
            }
            P::NotPositive { key, value } => {
                let v = num(*value);
                say!(
                    lang,
                    "`{key}` 必须大于 0，实际为 {v}",
                    "`{key}` must be above 0, got {v}"
                )
            }
            P::Negative { key, value } => {
                let v = num(*value);
                say!(
                    lang,
                    "`{key}` 不能为负，实际为 {v}",
                    "`{key}` must not be negative, got {v}"
                )
            }
            P::NotExact { key, value } => {
                let v = num(*value);
                say!(
                    lang,
                    "`{key}`（{v}）的位数太多，无法精确计算档数",
                    "`{key}` ({v}) has too many digits to count steps exactly"
                )
            }
            P::BasisUnknown { basis, known } => {
                let list = keys(known, lang);
                say!(
                    lang,
                    "`basis` 必须是 `total`（总分）或一个指标键名，实际为 `{basis}`；可用的指标：{list}",
                    "`basis` must be \"total\" or a metric key, got `{basis}`; known: {list}"
                )
            }
            P::BasisRating => say!(
                lang,
                "`basis` 不能是 `rating`：它需要 `item`，而奖金无法指定",
                "`basis` cannot be `rating`, which needs an `item` a bonus cannot name"
            ),
            P::TiersOrder { prev, next } => {
                let (t0, t1) = (num(*prev), num(*next));
                say!(
                    lang,
                    "`tiers` 的门槛必须严格递增，但 {t0} 后面是 {t1}",
                    "`tiers` thresholds must be strictly ascending, but {t1} follows {t0}"
                )
            }
            P::SplitSum { sum } => {
                let sum = num(*sum);
                say!(
                    lang,
                    "`first_and_return` 与 `repeat` 之和必须为 1，实际为 {sum}",
                    "`first_and_return` and `repeat` must sum to 1, got {sum}"
                )
            }
            P::DepartmentEmpty => say!(
                lang,
                "请写 `share`、`base` 或 `sprint`（或删去这个科室）",
                "give a `share`, a `base` or a `sprint` (or leave the department out)"
            ),
            P::SharesSum { sum } => {
                let sum = num(*sum);
                say!(
                    lang,
                    "各科室的 `share` 合计为 {sum}，超过了 1",
                    "the departments' `share` values sum to {sum}, more than 1"
                )
            }
            P::ChannelRate { value } => {
                let v = num(*value);
                say!(
                    lang,
                    "目标成交率必须大于 0 且不超过 1（45% 写作 0.45），实际为 {v}",
                    "the target conversion rate must lie above 0 and at most 1 (0.45 for 45%), got {v}"
                )
            }
            P::EmptyName => say!(lang, "名称为空", "the name is empty"),
            P::Share { key, value } => {
                let v = num(*value);
                say!(
                    lang,
                    "`{key}` 必须在 0 到 1 之间（45% 写作 0.45），实际为 {v}",
                    "`{key}` must lie between 0 and 1 (0.45 for 45%), got {v}"
                )
            }
            P::LevelsEmpty => say!(
                lang,
                "请写 `base` 或 `sprint`（或删去这一项）",
                "give a `base` or a `sprint` (or leave it out)"
            ),
            P::SprintBelowBase { sprint, base } => {
                let (s, b) = (num(*sprint), num(*base));
                say!(
                    lang,
                    "`sprint`（{s}）不能低于 `base`（{b}）：冲刺目标是较高的那一档",
                    "`sprint` ({s}) must not be below `base` ({b}): the sprint target is the higher level"
                )
            }
            P::OpenShare { key, value } => {
                let v = num(*value);
                say!(
                    lang,
                    "`{key}` 必须大于 0 且小于 1（50% 写作 0.5），实际为 {v}",
                    "`{key}` must lie above 0 and below 1 (0.5 for 50%), got {v}"
                )
            }
            P::Days { key, max, days } => say!(
                lang,
                "`{key}` 必须在 1 到 {max} 天之间，实际为 {days}",
                "`{key}` must be between 1 and {max} days, got {days}"
            ),
        }
    }

    #[cfg(test)]
    pub fn examples() -> Vec<Problem> {
        use Problem as P;
        let k = || "k".to_string();
        vec![
            P::NoRoles,
            P::NotFinite {
                key: k(),
                value: 2e12,
            },
            P::PairsNotFinite {
                key: k(),
                value: 1e308,
            },
            P::GradesOrder {
                low_key: "B".into(),
                low: 96.0,
                high_key: "A".into(),
                high: 95.0,
            },
            P::AboveZero {
                key: k(),
                value: 0.0,
            },
            P::WindowDays { max: 9, days: 0 },
            P::TitleTwice {
                is_key: false,
                title: "t".into(),
                other: "o".into(),
                other_is_key: true,
                other_line: Some(1),
            },
            P::LabelNoTitle,
            P::LabelEmptyTitle,
            P::Attribute {
                got: "g".into(),
                allowed: vec!["a".into(), "b".into()],
            },
            P::NoKpi { header: "h".into() },
            P::WeightSum { sum: 90.0 },
            P::MetricIsLabel {
                key: k(),
                label: "l".into(),
            },
            P::UnknownMetric {
                metric: "m".into(),
                known: vec!["a".into(), "b".into()],
            },
            P::RatingNeedsItem,
            P::RatingNoItemHere,
            P::ItemNotRating { metric: "m".into() },
            P::KeyNotForMethod {
                key: k(),
                method: "m".into(),
            },
            P::LinearNeedsTarget,
            P::FloorRequired,
            P::FloorOrder {
                floor: None,
                target: 0.0,
                higher: true,
            },
            P::StretchOrder {
                stretch: 1.0,
                target: 2.0,
                higher: false,
            },
            P::StretchScoreAlone,
            P::StretchScoreLow { value: 9.0 },
            P::BandsEmpty,
            P::BandPointsNegative { points: -5.0 },
            P::BandThresholdOrder {
                prev: 1.0,
                next: 2.0,
                higher: true,
            },
            P::BandPointsOrder {
                prev: 1.0,
                next: 2.0,
            },
            P::StepsMissing {
                missing: vec!["p".into()],
            },
            P::NotPositive {
                key: k(),
                value: 0.0,
            },
            P::Negative {
                key: k(),
                value: -1.0,
            },
            P::NotExact {
                key: k(),
                value: 1e-40,
            },
            P::BasisUnknown {
                basis: "b".into(),
                known: vec!["a".into()],
            },
            P::BasisRating,
            P::TiersOrder {
                prev: 2.0,
                next: 1.0,
            },
            P::SplitSum { sum: 2.0 },
            P::DepartmentEmpty,
            P::SharesSum { sum: 2.0 },
            P::ChannelRate { value: 2.0 },
            P::EmptyName,
            P::Share {
                key: k(),
                value: 2.0,
            },
            P::LevelsEmpty,
            P::SprintBelowBase {
                sprint: 1.0,
                base: 2.0,
            },
            P::OpenShare {
                key: k(),
                value: 1.0,
            },
            P::Days {
                key: k(),
                max: 9,
                days: 0,
            },
        ]
    }
}
