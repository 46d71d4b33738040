//! From figures to pay (SPEC §3.2, §5): scores, effective weights, totals, vetoes, grades,
//! ranks, bonuses and adjustments. Figures + config → results; no module below reads these.

use crate::config::{Basis, Config, Direction, Kpi, Method, Missing, Role, Scope};
use crate::input::Dataset;
use crate::issues::{Issue, Severity};
use crate::metrics::compute::{Context, Figure, Index, SharedFigures, Status};
use crate::metrics::defs::{self, Better, MetricDef};
use crate::people::Person;
use crate::period::Period;
use crate::scoring::curve::{self, Curve, CurveRule, Exact};
use crate::words::score::ScoreMsg;
use crate::Lang;

/// An adjustment (申诉) applied to one KPI, for display next to the cell it changed.
#[derive(Debug, Clone)]
pub struct Applied {
    pub value: Option<f64>,
    pub score_delta: Option<f64>,
    pub reason: String,
    pub approved_by: String,
}

#[derive(Debug, Clone)]
pub struct KpiResult {
    pub metric: &'static str,
    pub item: Option<String>,
    pub label: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub previous: Option<f64>,
    pub score: Option<f64>,
    pub weight: f64,
    pub effective_weight: f64,
    pub status: Status,
    pub adjustment: Option<Applied>,
    /// What was counted, for `explain`.
    pub rows: Vec<crate::metrics::compute::Detail>,
    /// The rule with this run's (scaled) numbers.
    pub curve: Curve,
}

#[derive(Debug, Clone)]
pub struct PersonResult {
    pub person: Person,
    pub role_label: String,
    pub kpis: Vec<KpiResult>,
    /// Σ score × effective weight ÷ 100, before a veto cap.
    pub raw_total: f64,
    pub total: f64,
    pub grade: String,
    pub rank: u32,
    pub rank_of: u32,
    pub bonus: Option<f64>,
    pub bonus_steps: Vec<BonusStep>,
    pub vetoed: bool,
    pub veto_note: Option<VetoNote>,
    pub flags: Vec<&'static str>,
    /// Share of the period's days the person was employed (1 for the whole period).
    pub share: f64,
    /// The next grade up and the points the total lacks to reach it (距下一档); None at S.
    pub next_grade: Option<(String, f64)>,
    /// The next bonus tier above the one reached; None without tiers, at the top tier, or when
    /// the basis has no value.
    pub next_tier: Option<NextTier>,
}

/// The bonus tier above the one reached: its threshold (scaled to the period and pro-rated
/// like the tier itself), how far the basis value is from it, and what it pays.
#[derive(Debug, Clone, PartialEq)]
pub struct NextTier {
    pub basis: Basis,
    pub threshold: f64,
    pub gap: f64,
    pub amount: f64,
}

/// One step of a bonus's derivation (SPEC §5.3), amounts in yuan as paid.
#[derive(Debug, Clone, PartialEq)]
pub enum BonusStep {
    /// The basis has no value: no tier is paid and no `below` is charged.
    NoBasisValue { basis: Basis },
    /// The basis `value` reaches the tier at `at`, which pays `amount`.
    Tier {
        basis: Basis,
        value: f64,
        at: f64,
        amount: f64,
    },
    /// The basis `value` reaches no tier: `amount` is the `below` (often negative).
    BelowTiers {
        basis: Basis,
        value: f64,
        amount: f64,
    },
    /// The metric's `value` is above `above`: `per_unit` for each unit more, `extra` in all.
    PerUnit {
        metric: &'static str,
        value: f64,
        above: f64,
        per_unit: f64,
        extra: f64,
    },
    /// A gate: the metric's `value` at `scope` is above `above`; the bonus is now `amount`.
    Gate {
        scope: Scope,
        metric: &'static str,
        item: Option<String>,
        value: f64,
        above: f64,
        amount: f64,
    },
    /// Vetoed: a positive bonus becomes 0.
    Vetoed,
}

/// Why a total was capped: the metric's `value` above `above`, the total capped at `cap`.
#[derive(Debug, Clone, PartialEq)]
pub struct VetoNote {
    pub metric: &'static str,
    pub value: f64,
    pub above: f64,
    pub cap: f64,
}

pub struct Options {
    pub rank_by_store: bool,
    /// Scoring threads at most (`--jobs`); with 1 everyone is scored on the calling thread.
    pub threads: usize,
}

/// Share of the period's days employed, and whether they left during it.
pub fn employment(p: &Person, period: &Period) -> (f64, bool) {
    let start = match p.hired {
        Some(h) if h > period.start => h,
        _ => period.start,
    };
    let end = match p.left {
        Some(l) if l < period.end => l,
        _ => period.end,
    };
    let days = if end < start {
        0
    } else {
        (end - start).num_days() + 1
    };
    let left = p.left.is_some_and(|l| period.contains(l));
    (days as f64 / period.days() as f64, left)
}

/// Whether higher values of this KPI are better (its direction, else the metric's).
pub fn better_of(kpi: &Kpi, def: &MetricDef) -> bool {
    match kpi.direction {
        Some(Direction::Higher) => true,
        Some(Direction::Lower) => false,
        None => def.better == Better::Higher,
    }
}

/// The factor absolute thresholds of `def` are multiplied by (SPEC §3.2): months in the period
/// for sums and counts, further × the employed share for the person's own (scope self) numbers.
fn scale(def: &MetricDef, months: f64, share: f64, own: bool) -> f64 {
    if !def.scales_with_period() {
        return 1.0;
    }
    if own {
        months * share
    } else {
        months
    }
}

/// Scores a value on the KPI's curve (thresholds already scaled by `k`).
fn curve_score(kpi: &Kpi, higher: bool, k: f64, fig_value: f64, exact: Option<Exact>) -> f64 {
    match kpi.method.unwrap_or_default() {
        Method::Linear => curve::linear(
            fig_value,
            kpi.floor.unwrap_or(0.0) * k,
            kpi.target.unwrap_or(0.0) * k,
            kpi.stretch.map(|s| s * k),
            kpi.stretch_score.unwrap_or(curve::DEFAULT_STRETCH_SCORE),
            higher,
        ),
        Method::Bands => {
            let bands: Vec<[f64; 2]> = kpi
                .bands
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .map(|b| [b[0] * k, b[1]])
                .collect();
            curve::bands(fig_value, &bands, higher)
        }
        Method::Steps => {
            let target = kpi.target.unwrap_or(0.0) * k;
            let per = kpi.per.unwrap_or(0.0) * k;
            let points = kpi.points.unwrap_or(0.0);
            match (exact, Exact::from_config(target), Exact::from_config(per)) {
                (Some(v), Some(t), Some(p)) => {
                    curve::steps(&v, &t, &p, points, kpi.max_bonus, kpi.max_penalty, higher)
                }
                _ => curve::steps_f64(
                    fig_value,
                    target,
                    per,
                    points,
                    kpi.max_bonus,
                    kpi.max_penalty,
                    higher,
                ),
            }
        }
    }
}

/// The KPI's rule with this run's numbers (thresholds × `k`): what `words::score` puts into
/// words on the sheets and in `explain`.
pub fn curve_rule(kpi: &Kpi, metric: &'static str, higher: bool, k: f64) -> Curve {
    let rule = match kpi.method.unwrap_or_default() {
        Method::Linear => CurveRule::Linear {
            floor: kpi.floor.unwrap_or(0.0) * k,
            target: kpi.target.unwrap_or(0.0) * k,
            stretch: kpi.stretch.map(|st| {
                (
                    st * k,
                    kpi.stretch_score.unwrap_or(curve::DEFAULT_STRETCH_SCORE),
                )
            }),
        },
        Method::Bands => CurveRule::Bands {
            bands: kpi
                .bands
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .map(|b| [b[0] * k, b[1]])
                .collect(),
        },
        Method::Steps => CurveRule::Steps {
            target: kpi.target.unwrap_or(0.0) * k,
            per: kpi.per.unwrap_or(0.0) * k,
            points: kpi.points.unwrap_or(0.0),
            max_bonus: kpi.max_bonus,
            max_penalty: kpi.max_penalty,
        },
    };
    Curve {
        metric,
        higher,
        rule,
    }
}

fn metric_matches(text: &str, def: &MetricDef) -> bool {
    let t = text.trim();
    t == def.key || t == def.zh || t.eq_ignore_ascii_case(def.en)
}

/// Threads scoring people at once, at most.
const MAX_SCORING_THREADS: usize = 4;

/// What scoring one run of people gave.
struct ScoredRun {
    results: Vec<PersonResult>,
    issues: Vec<Issue>,
    used_adjustments: Vec<bool>,
}

/// Scores everyone. Issues found here (adjustments that apply to nobody, a score_delta on an
/// unscored KPI) are returned for the report.
pub fn score_all(
    ds: &Dataset,
    cfg: &Config,
    people: &[Person],
    period: &Period,
    opts: &Options,
) -> (Vec<PersonResult>, Vec<Issue>) {
    score_indexed(ds, cfg, people, period, &Index::new(ds), opts)
}

/// [`score_all`] from `index`, an index of every row ([`Index::new`]) that [`score_months`]
/// can then share.
pub fn score_indexed(
    ds: &Dataset,
    cfg: &Config,
    people: &[Person],
    period: &Period,
    index: &Index,
    opts: &Options,
) -> (Vec<PersonResult>, Vec<Issue>) {
    // One index of the rows by person serves this period and the previous one.
    let prev_period = period.previous().ok().filter(|p| ds.covers(p));
    let rule = crate::metrics::compute::secondary_rule_used(ds, cfg);
    score_with(ds, cfg, people, period, index, prev_period, opts, rule)
}

/// One month of a longer period, scored on its own.
pub struct MonthScores {
    pub period: Period,
    pub results: Vec<PersonResult>,
}

/// Each month of `period` scored on its own with the same config (SPEC §6.3 月度: the view
/// an annual review starts from): the people employed in that month, the month's thresholds,
/// targets and adjustments, ranked within the month; no 环比. Issues found are those of a
/// run for that month and are left to it. `index` is an index of every row
/// ([`Index::new`]); the month indexes share its copies of the credited sales.
pub fn score_months(
    ds: &Dataset,
    cfg: &Config,
    people: &[Person],
    period: &Period,
    index: &Index,
    opts: &Options,
) -> Vec<MonthScores> {
    // Only the derive rule looks back (at the person's sales up to window_days earlier).
    let rule = crate::metrics::compute::secondary_rule_used(ds, cfg);
    let look_back = match rule {
        crate::config::SecondaryRule::Derive => cfg.secondary.window_days as i64,
        _ => 0,
    };
    let look_back = chrono::Duration::days(look_back);
    let months: Vec<Period> = period
        .year_months()
        .into_iter()
        .filter_map(|(y, m)| Period::month(y, m).ok())
        .collect();
    // Each month's rows, and the sales the 二开 look-back reaches: one pass over the rows.
    let indexes = index.months(ds, &months, look_back, opts.threads);
    months
        .into_iter()
        .zip(indexes)
        .map(|(month, index)| {
            let employed: Vec<Person> = people
                .iter()
                .filter(|p| crate::people::employed_in(p.hired, p.left, &month))
                .cloned()
                .collect();
            let (results, _) = score_with(ds, cfg, &employed, &month, &index, None, opts, rule);
            MonthScores {
                period: month,
                results,
            }
        })
        .collect()
}

/// Scores `people` for `period` from the rows `index` finds, with 环比 against `prev_period`,
/// under the 二开 `rule` in force (`secondary_rule_used`).
#[allow(clippy::too_many_arguments)]
fn score_with(
    ds: &Dataset,
    cfg: &Config,
    people: &[Person],
    period: &Period,
    index: &Index,
    prev_period: Option<Period>,
    opts: &Options,
    rule: crate::config::SecondaryRule,
) -> (Vec<PersonResult>, Vec<Issue>) {
    // People are scored in contiguous runs, one per core, and the runs put back in order: each
    // person's figures depend only on the data, so the result is the same as one after another.
    // A store's (or the clinic's) figures are computed once for every run.
    let runs = opts.threads.clamp(1, MAX_SCORING_THREADS);
    let run_len = people.len().div_ceil(runs).max(1);
    let shared = SharedFigures::new(rule);
    let prev_shared = SharedFigures::new(rule);
    let score_run = |run: &[Person]| {
        let ctx = Context::sharing(ds, cfg, people, period, index, &shared);
        let prev_ctx = prev_period
            .as_ref()
            .map(|p| Context::sharing(ds, cfg, people, p, index, &prev_shared));
        let mut out = ScoredRun {
            results: Vec::new(),
            issues: Vec::new(),
            used_adjustments: vec![false; ds.adjustments.len()],
        };
        for person in run {
            let Some(role) = cfg.roles.get(&person.role) else {
                continue;
            };
            let r = score_person(
                &ctx,
                prev_ctx.as_ref(),
                person,
                role,
                period.months(),
                &mut out.used_adjustments,
                &mut out.issues,
            );
            out.results.push(r);
        }
        out
    };
    let mut chunks = people.chunks(run_len);
    let first = chunks.next().unwrap_or(&[]);
    let scored: Vec<ScoredRun> = std::thread::scope(|scope| {
        let others: Vec<_> = chunks
            .map(|run| {
                let score_run = &score_run;
                std::thread::Builder::new()
                    .name("scoring".into())
                    .spawn_scoped(scope, move || score_run(run))
                    .map_err(|_| run)
            })
            .collect();
        let mut scored = vec![score_run(first)];
        for other in others {
            scored.push(match other {
                Ok(handle) => match handle.join() {
                    Ok(run) => run,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                // No thread to be had: scored here instead.
                Err(run) => score_run(run),
            });
        }
        scored
    });
    let mut results = Vec::with_capacity(people.len());
    let mut issues = Vec::new();
    let mut used_adjustments = vec![false; ds.adjustments.len()];
    for run in scored {
        results.extend(run.results);
        issues.extend(run.issues);
        for (used, u) in used_adjustments.iter_mut().zip(run.used_adjustments) {
            *used |= u;
        }
    }
    // Adjustments for this period that applied to nobody are errors, never ignored (§5.4).
    for (i, a) in ds.adjustments.iter().enumerate() {
        // A row held back (namesakes nothing tells apart) already has its error.
        if a.period != period.label || used_adjustments[i] || ds.held.contains(&a.staff) {
            continue;
        }
        let input = &ds.inputs[a.at.input as usize];
        issues.push(
            Issue::new(
                Severity::Error,
                ScoreMsg::AdjustmentUnused {
                    staff: ds.name(a.staff).to_string(),
                    metric: a.metric.clone(),
                    item: a.item.clone(),
                },
            )
            .at(&input.file, input.sheet.as_deref())
            .row(a.at.row)
            .value(ds.name(a.staff)),
        );
    }
    rank(&mut results, cfg, opts);
    (results, issues)
}

#[allow(clippy::too_many_arguments)]
fn score_person(
    ctx: &Context,
    prev_ctx: Option<&Context>,
    person: &Person,
    role: &Role,
    months: f64,
    used_adjustments: &mut [bool],
    issues: &mut Vec<Issue>,
) -> PersonResult {
    let ds = ctx.ds;
    let cfg = ctx.config;
    let (share, left) = employment(person, ctx.period);
    let attribute = role.attribute.unwrap_or_default();
    let missing = cfg.scoring.missing;
    let mut kpis = Vec::new();
    let mut adjusted = false;
    for kpi in &role.kpi {
        let Some(def) = defs::metric(&kpi.metric) else {
            continue;
        };
        let scope = kpi.scope.unwrap_or(def.default_scope);
        let item = kpi.item.as_deref();
        let fig: Figure = ctx.figure(person, def.key, item, scope, attribute, kpi.min_sample);
        let previous = prev_ctx.and_then(|pc| {
            pc.figure(person, def.key, item, scope, attribute, kpi.min_sample)
                .value
        });
        let higher = better_of(kpi, def);
        let k = scale(def, months, share, scope == Scope::Own);
        let mut value = fig.value;
        let mut numerator = fig.numerator;
        let mut denominator = fig.denominator;
        let mut status = fig.status;
        let mut exact = fig.exact.and_then(|(n, d)| Exact::ratio(n, d));
        // An adjustment for this person, period and KPI (§5.4).
        let mut applied = None;
        for (i, a) in ds.adjustments.iter().enumerate() {
            if a.period != ctx.period.label
                || a.staff != person.sym
                || !metric_matches(&a.metric, def)
                || a.item.as_deref().map(str::trim) != item.map(str::trim)
            {
                continue;
            }
            used_adjustments[i] = true;
            adjusted = true;
            if let Some(v) = a.value {
                value = Some(v);
                numerator = None;
                denominator = None;
                status = Status::Ok;
                exact = Exact::from_config(v);
            }
            applied = Some((a.clone(), i));
        }
        let mut score = match (status, value) {
            (Status::Ok, Some(v)) => Some(curve_score(kpi, higher, k, v, exact)),
            _ => match missing {
                Missing::Reweight => None,
                Missing::Zero => Some(0.0),
                Missing::Target => Some(100.0),
            },
        };
        let mut shown = None;
        if let Some((a, _)) = applied {
            if let Some(delta) = a.score_delta {
                match (score, status) {
                    (Some(s), Status::Ok) => {
                        let max = curve::kpi_max_score(kpi);
                        score = Some((s + delta).clamp(0.0, max));
                    }
                    _ => {
                        let input = &ds.inputs[a.at.input as usize];
                        issues.push(
                            Issue::new(
                                Severity::Error,
                                ScoreMsg::ScoreDeltaUnscored {
                                    delta,
                                    staff: person.name.clone(),
                                    metric: def.key,
                                    item: kpi.item.clone(),
                                    status,
                                },
                            )
                            .at(&input.file, input.sheet.as_deref())
                            .row(a.at.row),
                        );
                    }
                }
            }
            shown = Some(Applied {
                value: a.value,
                score_delta: a.score_delta,
                reason: a.reason.clone(),
                approved_by: a.approved_by.clone(),
            });
        }
        // JSON's `label` is Chinese whatever --lang (the scripting contract, SPEC §6.2).
        let label = defs::kpi_label(def.key, item, Lang::Zh);
        // Never a score no sheet can hold (an adjustment value of 1e306 on a steps KPI).
        if let Some(s) = score.filter(|s| !within_result_range(*s)) {
            issues.push(unscorable_issue(
                &person.name,
                ScoreMsg::ScoreOutOfRange {
                    staff: person.name.clone(),
                    metric: def.key,
                    item: kpi.item.clone(),
                    x: s,
                },
            ));
            score = None;
        }
        kpis.push(KpiResult {
            metric: def.key,
            item: kpi.item.clone(),
            label,
            value,
            numerator,
            denominator,
            previous,
            score,
            weight: kpi.weight,
            effective_weight: 0.0,
            status,
            adjustment: shown,
            rows: fig.rows,
            curve: curve_rule(kpi, def.key, higher, k),
        });
    }
    let weights: Vec<f64> = kpis.iter().map(|k| k.weight).collect();
    let scores: Vec<Option<f64>> = kpis.iter().map(|k| k.score).collect();
    let (effective, raw_total) = weigh(&weights, &scores, missing);
    for (k, e) in kpis.iter_mut().zip(effective) {
        k.effective_weight = e;
    }
    // The person's own value of a metric, after adjustments: a KPI of the role at scope self
    // when there is one, else computed.
    let own_value = |metric: &str, item: Option<&str>| -> Option<f64> {
        let def = defs::metric(metric)?;
        let from_kpi = role.kpi.iter().zip(&kpis).find(|(cfg_k, r)| {
            r.metric == def.key
                && cfg_k.scope.unwrap_or(Scope::Own) == Scope::Own
                && r.item.as_deref() == item
        });
        match from_kpi {
            Some((_, r)) => r.value,
            None => {
                ctx.figure(person, def.key, item, Scope::Own, attribute, None)
                    .value
            }
        }
    };
    let mut total = raw_total;
    let mut vetoed = false;
    let mut veto_note = None;
    for v in &role.veto {
        let Some(def) = defs::metric(&v.metric) else {
            continue;
        };
        let above = v.above * scale(def, months, share, true);
        if let Some(val) = own_value(def.key, v.item.as_deref()) {
            if val > above {
                vetoed = true;
                total = total.min(v.cap_total);
                veto_note = Some(VetoNote {
                    metric: def.key,
                    value: val,
                    above,
                    cap: v.cap_total,
                });
            }
        }
    }
    let mut raw_total = raw_total;
    if !within_result_range(total) {
        issues.push(unscorable_issue(
            &person.name,
            ScoreMsg::TotalOutOfRange {
                staff: person.name.clone(),
                x: total,
            },
        ));
        (total, raw_total) = (0.0, 0.0);
    }
    let grade = grade_of(total, cfg);
    let (bonus, bonus_steps, next_tier) = match &role.bonus {
        None => (None, Vec::new(), None),
        Some(b) => {
            let (amount, steps, next) =
                bonus(ctx, person, b, total, vetoed, months, share, &own_value);
            if within_result_range(amount) {
                (Some(amount), steps, next)
            } else {
                issues.push(unscorable_issue(
                    &person.name,
                    ScoreMsg::BonusOutOfRange {
                        staff: person.name.clone(),
                        x: amount,
                    },
                ));
                (None, steps, None)
            }
        }
    };
    let next_grade = next_grade(total, ctx.config);
    let mut flags = Vec::new();
    if vetoed {
        flags.push("veto");
    }
    if kpis.iter().any(|k| k.status != Status::Ok) {
        flags.push("incomplete");
    }
    if adjusted {
        flags.push("adjusted");
    }
    if share < 1.0 {
        flags.push("partial");
    }
    if left {
        flags.push("left");
    }
    PersonResult {
        person: person.clone(),
        role_label: role.shown_label(&person.role).to_string(),
        kpis,
        raw_total,
        total,
        grade,
        rank: 0,
        rank_of: 0,
        bonus,
        bonus_steps,
        vetoed,
        veto_note,
        flags,
        share,
        next_grade,
        next_tier,
    }
}

/// Scores, totals and bonuses lie within ±this (SPEC §5.1): config numbers are at most 1e12,
/// so only an absurd data value (an adjustment of 1e306) can push a result beyond it, and a
/// result beyond it — or not a number at all — must never reach a sheet, the JSON or payroll.
pub const MAX_RESULT: f64 = 1e15;

/// Whether a score, total or bonus is a number every output can hold.
pub fn within_result_range(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_RESULT
}

/// The error issue for a score, total or bonus beyond [`MAX_RESULT`]; it is left out.
fn unscorable_issue(person: &str, msg: ScoreMsg) -> Issue {
    Issue::new(Severity::Error, msg).value(person)
}

/// The lowest grade above the one reached and the points missing to it (SPEC §6.3 距下一档).
pub fn next_grade(total: f64, cfg: &Config) -> Option<(String, f64)> {
    let g = &cfg.grades;
    [("C", g.c), ("B", g.b), ("A", g.a), ("S", g.s)]
        .into_iter()
        .find(|(_, t)| total < *t)
        .map(|(name, t)| (name.to_string(), t - total))
}

/// Effective weights and the total (SPEC §5.2). Under reweight the scored KPIs' weights are
/// scaled up to sum to 100 and unscored ones weigh 0; under zero/target every KPI keeps its
/// weight (its score was already set to 0 or 100). total = Σ score × effective weight ÷ 100.
pub fn weigh(weights: &[f64], scores: &[Option<f64>], missing: Missing) -> (Vec<f64>, f64) {
    let scored: f64 = weights
        .iter()
        .zip(scores)
        .filter(|(_, s)| s.is_some())
        .map(|(w, _)| w)
        .sum();
    let effective: Vec<f64> = weights
        .iter()
        .zip(scores)
        .map(|(w, s)| match (missing, s) {
            (Missing::Reweight, Some(_)) if scored > 0.0 => w * 100.0 / scored,
            (Missing::Reweight, _) => 0.0,
            _ => *w,
        })
        .collect();
    let total = effective
        .iter()
        .zip(scores)
        .map(|(e, s)| s.unwrap_or(0.0) * e / 100.0)
        .sum();
    (effective, total)
}

/// The highest grade whose threshold the total reaches, else D.
pub fn grade_of(total: f64, cfg: &Config) -> String {
    let g = &cfg.grades;
    for (name, t) in [("S", g.s), ("A", g.a), ("B", g.b), ("C", g.c)] {
        if total >= t {
            return name.to_string();
        }
    }
    "D".to_string()
}

/// Round to whole yuan, halves away from zero — as Excel's ROUND does, so payroll sheets agree
/// (−1,449.5 → −1,450; 1,550.5 → 1,551).
fn round_yuan(x: f64) -> f64 {
    x.round()
}

#[allow(clippy::too_many_arguments)]
fn bonus(
    ctx: &Context,
    person: &Person,
    b: &crate::config::Bonus,
    total: f64,
    vetoed: bool,
    months: f64,
    share: f64,
    own_value: &dyn Fn(&str, Option<&str>) -> Option<f64>,
) -> (f64, Vec<BonusStep>, Option<NextTier>) {
    let mut steps = Vec::new();
    let money_k = months * share;
    let (basis, basis_def) = match b.basis {
        Basis::Total => (Some(total), None),
        Basis::Metric(d) => (own_value(d.key, None), Some(d)),
    };
    let tier_k = basis_def
        .map(|d| scale(d, months, share, true))
        .unwrap_or(1.0);
    let mut amount = 0.0;
    let next = basis.and_then(|v| {
        b.tiers
            .iter()
            .filter(|t| v < t[0] * tier_k)
            .min_by(|a, c| a[0].total_cmp(&c[0]))
            .map(|t| NextTier {
                basis: b.basis,
                threshold: t[0] * tier_k,
                gap: t[0] * tier_k - v,
                amount: t[1] * money_k,
            })
    });
    match basis {
        None => steps.push(BonusStep::NoBasisValue { basis: b.basis }),
        Some(v) => {
            let reached = b
                .tiers
                .iter()
                .filter(|t| v >= t[0] * tier_k)
                .max_by(|a, c| a[0].total_cmp(&c[0]));
            match reached {
                Some(t) => {
                    amount = t[1] * money_k;
                    steps.push(BonusStep::Tier {
                        basis: b.basis,
                        value: v,
                        at: t[0] * tier_k,
                        amount,
                    });
                }
                None => {
                    amount = b.below.unwrap_or(0.0) * money_k;
                    steps.push(BonusStep::BelowTiers {
                        basis: b.basis,
                        value: v,
                        amount,
                    });
                }
            }
        }
    }
    if let Some(pu) = &b.per_unit {
        if let Some(def) = defs::metric(&pu.metric) {
            let above = pu.above * scale(def, months, share, true);
            if let Some(v) = own_value(def.key, None) {
                if v > above {
                    let extra = pu.amount * (v - above);
                    amount += extra;
                    steps.push(BonusStep::PerUnit {
                        metric: def.key,
                        value: v,
                        above,
                        per_unit: pu.amount,
                        extra,
                    });
                }
            }
        }
    }
    for g in &b.gate {
        let Some(def) = defs::metric(&g.metric) else {
            continue;
        };
        let scope = g.scope.unwrap_or(Scope::Own);
        let attribute = ctx
            .config
            .roles
            .get(&person.role)
            .and_then(|r| r.attribute)
            .unwrap_or_default();
        // A self gate reads the person's own value after adjustments (§5.4); a team gate the
        // data as it is.
        let value = if scope == Scope::Own {
            own_value(def.key, g.item.as_deref())
        } else {
            ctx.figure(person, def.key, g.item.as_deref(), scope, attribute, None)
                .value
        };
        let above = g.above * scale(def, months, share, scope == Scope::Own);
        if let Some(v) = value {
            if v > above && amount > 0.0 {
                amount = match g.effect {
                    crate::config::GateEffect::Zero => 0.0,
                    crate::config::GateEffect::Halve => amount / 2.0,
                };
                steps.push(BonusStep::Gate {
                    scope,
                    metric: def.key,
                    item: g.item.clone(),
                    value: v,
                    above,
                    amount,
                });
            }
        }
    }
    if vetoed && amount > 0.0 {
        amount = 0.0;
        steps.push(BonusStep::Vetoed);
    }
    (round_yuan(amount), steps, next)
}

/// Competition ranking within role (and store): totals equal within 1e-9 share a rank; the
/// last `bottom` ranks are flagged, ties at the cut included.
fn rank(results: &mut [PersonResult], cfg: &Config, opts: &Options) {
    let group_of = |r: &PersonResult| {
        (
            r.person.role.clone(),
            if opts.rank_by_store {
                r.person.store
            } else {
                None
            },
        )
    };
    let mut groups: Vec<_> = results.iter().map(group_of).collect();
    groups.sort();
    groups.dedup();
    for g in groups {
        let mut idx: Vec<usize> = (0..results.len())
            .filter(|&i| group_of(&results[i]) == g)
            .collect();
        idx.sort_by(|&a, &b| results[b].total.total_cmp(&results[a].total));
        let n = idx.len() as u32;
        let mut prev_total = f64::NAN;
        let mut prev_rank = 0;
        for (pos, &i) in idx.iter().enumerate() {
            let t = results[i].total;
            let r = if (t - prev_total).abs() <= 1e-9 {
                prev_rank
            } else {
                pos as u32 + 1
            };
            results[i].rank = r;
            results[i].rank_of = n;
            prev_total = t;
            prev_rank = r;
        }
        let bottom = cfg.roles.get(&g.0).and_then(|r| r.bottom).unwrap_or(0);
        if bottom > 0 && n > 0 {
            let cut_pos = n.saturating_sub(bottom) as usize;
            let cut_rank = results[idx[cut_pos.min(idx.len() - 1)]].rank;
            for &i in &idx {
                if results[i].rank >= cut_rank {
                    results[i].flags.push("bottom");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bonus_rounds_halves_away_from_zero() {
        assert_eq!(round_yuan(1550.5), 1551.0);
        assert_eq!(round_yuan(-1449.5), -1450.0);
        // −1,500 × 22/31 = −1,064.516… → −1,065
        assert_eq!(round_yuan(-1500.0 * 22.0 / 31.0), -1065.0);
        assert_eq!(round_yuan(1000.4), 1000.0);
    }

    proptest::proptest! {
        /// total = Σ score × effective weight ÷ 100; under reweight the effective weights of
        /// the scored KPIs sum to 100 and the total stays within the scores' range.
        #[test]
        fn totals_are_weighted_sums(
            kpis in proptest::collection::vec((1.0f64..50.0, proptest::option::of(0.0f64..150.0)), 1..10)
        ) {
            let weights: Vec<f64> = kpis.iter().map(|k| k.0).collect();
            let scores: Vec<Option<f64>> = kpis.iter().map(|k| k.1).collect();
            let (eff, total) = weigh(&weights, &scores, Missing::Reweight);
            let sum: f64 = eff.iter().zip(&scores).map(|(e, s)| s.unwrap_or(0.0) * e / 100.0).sum();
            proptest::prop_assert!((total - sum).abs() < 1e-9);
            if scores.iter().any(Option::is_some) {
                let eff_sum: f64 = eff.iter().zip(&scores).filter(|(_, s)| s.is_some()).map(|(e, _)| e).sum();
                proptest::prop_assert!((eff_sum - 100.0).abs() < 1e-9);
                let max = scores.iter().flatten().fold(0.0f64, |a, b| a.max(*b));
                let min = scores.iter().flatten().fold(f64::INFINITY, |a, b| a.min(*b));
                proptest::prop_assert!(total <= max + 1e-9 && total >= min - 1e-9);
            } else {
                proptest::prop_assert!(total == 0.0);
            }
            let (eff0, _) = weigh(&weights, &scores, Missing::Zero);
            proptest::prop_assert_eq!(eff0, weights);
        }
    }

    #[test]
    fn weigh_by_hand() {
        // Weights 20, 10, 70 with the 10 unscored: reweight → 20/90×100 = 22.22, 0, 77.78;
        // total = (50×20 + 100×70) / 90 = 88.89.
        let (eff, total) = weigh(
            &[20.0, 10.0, 70.0],
            &[Some(50.0), None, Some(100.0)],
            Missing::Reweight,
        );
        assert!((eff[0] - 2000.0 / 90.0).abs() < 1e-12 && eff[1] == 0.0);
        assert!((total - 8000.0 / 90.0).abs() < 1e-12);
    }

    #[test]
    fn grades_by_threshold() {
        let cfg = crate::config::LoadedConfig::builtin().config;
        assert_eq!(grade_of(110.0, &cfg), "S");
        assert_eq!(grade_of(109.999, &cfg), "A");
        assert_eq!(grade_of(80.0, &cfg), "B");
        assert_eq!(grade_of(60.0, &cfg), "C");
        assert_eq!(grade_of(59.99, &cfg), "D");
    }
}
