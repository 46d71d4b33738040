//! Scoring curves (SPEC §5.1): `linear`, `bands` and `steps` (加减分法), and the most each
//! method can give (for clamping `score_delta` adjustments, SPEC §5.4).
//!
//! Every function here is pure and never panics, whatever the input.
//!
//! **Non-finite input scores 0.** A NaN or infinite value, or a NaN or infinite curve number
//! (floor, target, stretch, stretch_score, points, caps) makes [`linear`] and [`steps_f64`]
//! return 0; [`bands`] returns 0 for a non-finite value, and a band whose threshold is NaN is
//! never met. A validated config (see `validate.rs`) never holds such numbers; the metric
//! engine reports a value it cannot form as `no_data`, which is never scored. Results are
//! always finite and never below 0.
//!
//! **Steps are counted exactly** ([`Exact`]): the value as the fraction numerator ÷ denominator
//! and the config's numbers as written, so 0.6 against 0.50 with per 0.01 is 10 steps, not the
//! 9 that `((0.6 - 0.5) / 0.01).floor()` gives in binary floating point.

use crate::config::{Kpi, Method};

/// A KPI's rule as this run applies it: its numbers already scaled to the period (and to a
/// part-period person's share), in the unit of `metric`. Data for `words::score` to say.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The metric whose unit the thresholds are in.
    pub metric: &'static str,
    /// Whether higher values are better.
    pub higher: bool,
    pub rule: CurveRule,
}

/// The method and its numbers (SPEC §5.1).
#[derive(Debug, Clone, PartialEq)]
pub enum CurveRule {
    /// floor → 0, target → 100, and with a stretch (threshold, score) beyond it; else capped.
    Linear {
        floor: f64,
        target: f64,
        stretch: Option<(f64, f64)>,
    },
    /// `[threshold, points]`, the first met gives its points; none met → 0.
    Bands { bands: Vec<[f64; 2]> },
    /// 100 at target, ± points per whole `per`, the bonus and penalty capped, never below 0.
    Steps {
        target: f64,
        per: f64,
        points: f64,
        max_bonus: Option<f64>,
        max_penalty: Option<f64>,
    },
}

/// `stretch_score` when the config gives none (SPEC §5.1).
pub const DEFAULT_STRETCH_SCORE: f64 = 120.0;

/// Points at the target of every method.
const TARGET_SCORE: f64 = 100.0;

/// Where `v` lies between `a` (0) and `b` (1), clamped to [0, 1]. `a != b`, all finite.
/// When `b - a` overflows, the halved numbers are used (same result up to rounding, no ∞/∞).
fn frac(v: f64, a: f64, b: f64) -> f64 {
    let d = b - a;
    let f = if d.is_finite() {
        (v - a) / d
    } else {
        (v * 0.5 - a * 0.5) / (b * 0.5 - a * 0.5)
    };
    if f.is_nan() {
        0.0
    } else {
        f.clamp(0.0, 1.0)
    }
}

/// The linear method (SPEC §5.1).
///
/// Higher is better: `v ≤ floor` → 0; floor..target → 0..100 linearly; `v ≥ target` → 100
/// without a stretch; with one, target..stretch → 100..`stretch_score` linearly and
/// `v ≥ stretch` → `stretch_score`. Lower is better mirrors it (floor > target > stretch):
/// `v ≥ floor` → 0, `v ≤ target` → 100, `v ≤ stretch` → `stretch_score`.
///
/// The caller passes floor 0 for a higher-is-better KPI without one (the spec's default) and
/// [`DEFAULT_STRETCH_SCORE`] when the config gives no `stretch_score`.
///
/// Any non-finite argument → 0. Numbers out of order (rejected by validation) still give a
/// finite score ≥ 0 without panicking.
pub fn linear(
    v: f64,
    floor: f64,
    target: f64,
    stretch: Option<f64>,
    stretch_score: f64,
    higher_is_better: bool,
) -> f64 {
    let all_finite = v.is_finite()
        && floor.is_finite()
        && target.is_finite()
        && stretch.is_none_or(f64::is_finite)
        && stretch_score.is_finite();
    if !all_finite {
        return 0.0;
    }
    if !higher_is_better {
        // Negation is exact: lower-is-better is higher-is-better on −v.
        return linear(
            -v,
            -floor,
            -target,
            stretch.map(|s| -s),
            stretch_score,
            true,
        );
    }
    let score = if v <= floor {
        0.0
    } else if v < target {
        // floor < v < target, so target − floor > 0.
        TARGET_SCORE * frac(v, floor, target)
    } else {
        match stretch {
            None => TARGET_SCORE,
            Some(s) if v >= s => stretch_score,
            // target ≤ v < s, so s − target > 0.
            Some(s) => {
                let (lo, hi) = (
                    TARGET_SCORE.min(stretch_score),
                    TARGET_SCORE.max(stretch_score),
                );
                (TARGET_SCORE + (stretch_score - TARGET_SCORE) * frac(v, target, s)).clamp(lo, hi)
            }
        }
    };
    if score.is_finite() {
        score.max(0.0)
    } else {
        0.0
    }
}

/// The bands method (SPEC §5.1): `[[threshold, points], …]`; the first band met gives its
/// points (met: `v ≥ threshold` for higher-is-better, `v ≤ threshold` for lower-is-better);
/// none met → 0. A non-finite `v` → 0; a NaN threshold is never met; non-finite or negative
/// points count as 0.
pub fn bands(v: f64, bands: &[[f64; 2]], higher_is_better: bool) -> f64 {
    if !v.is_finite() {
        return 0.0;
    }
    for &[threshold, points] in bands {
        let met = if higher_is_better {
            v >= threshold
        } else {
            v <= threshold
        };
        if met {
            return if points.is_finite() {
                points.max(0.0)
            } else {
                0.0
            };
        }
    }
    0.0
}

/// An exact rational number `num / den` with `den > 0`, always in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exact {
    num: i128,
    den: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    // Only called with a positive denominator among the two, so 1 ≤ a ≤ i128::MAX.
    i128::try_from(a).unwrap_or(1).max(1)
}

impl Exact {
    /// The config number `x` as written: the shortest decimal text that reads back as `x`
    /// (what Rust's `format!("{x}")` prints, e.g. `0.01`, `1e-7`), as an exact decimal
    /// rational (0.01 → 1/100, 0.6 → 3/5).
    ///
    /// `None` when `x` is NaN or infinite, or its decimal does not fit in `i128` (more than
    /// about 38 digits between its first significant digit and its unit or last decimal, e.g.
    /// 1e40 or 1e-40). Validation rejects such steps numbers in a config.
    pub fn from_config(x: f64) -> Option<Exact> {
        if !x.is_finite() {
            return None;
        }
        parse_decimal(&format!("{x}"))
    }

    /// `numerator / denominator`, reduced. `None` when the denominator is 0 (no value) or the
    /// sign cannot be normalised (`i128::MIN` negated).
    pub fn ratio(numerator: i128, denominator: i128) -> Option<Exact> {
        if denominator == 0 {
            return None;
        }
        let (n, d) = if denominator < 0 {
            (numerator.checked_neg()?, denominator.checked_neg()?)
        } else {
            (numerator, denominator)
        };
        let g = gcd(n, d);
        Some(Exact {
            num: n / g,
            den: d / g,
        })
    }

    /// A whole number.
    pub fn integer(n: i128) -> Exact {
        Exact { num: n, den: 1 }
    }

    pub fn num(&self) -> i128 {
        self.num
    }

    pub fn den(&self) -> i128 {
        self.den
    }

    /// The nearest `f64` (up to the rounding of two conversions and a division).
    pub fn to_f64(&self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

/// Parses `[-]digits[.digits][e[+-]digits]` exactly; `None` on anything else or on overflow.
fn parse_decimal(text: &str) -> Option<Exact> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut num: i128 = 0;
    for c in int_part.chars().chain(frac_part.chars()) {
        let d = c.to_digit(10)?;
        num = num.checked_mul(10)?.checked_add(i128::from(d))?;
    }
    if num == 0 {
        return Some(Exact::integer(0));
    }
    // value = num × 10^(−scale)
    let mut scale = i64::try_from(frac_part.len()).ok()?.checked_sub(exponent)?;
    while scale > 0 && num % 10 == 0 {
        num /= 10;
        scale -= 1;
    }
    let pow10 = |e: i64| -> Option<i128> {
        let e = u32::try_from(e).ok()?;
        10i128.checked_pow(e)
    };
    let (n, d) = if scale <= 0 {
        (num.checked_mul(pow10(-scale)?)?, 1)
    } else {
        (num, pow10(scale)?)
    };
    let n = if negative { -n } else { n };
    Exact::ratio(n, d)
}

/// trunc((v − t) / per) exactly; `None` on `i128` overflow. `per.num > 0`.
fn exact_step_count(v: &Exact, t: &Exact, per: &Exact) -> Option<i128> {
    // v − t = (v.num·(l/v.den) − t.num·(l/t.den)) / l with l = lcm(v.den, t.den).
    let l = (v.den / gcd(v.den, t.den)).checked_mul(t.den)?;
    let diff_num = v
        .num
        .checked_mul(l / v.den)?
        .checked_sub(t.num.checked_mul(l / t.den)?)?;
    // (diff_num / l) ÷ (per.num / per.den) = (diff_num·per.den) / (l·per.num), cross-reduced.
    let g1 = gcd(diff_num, per.num);
    let g2 = gcd(per.den, l);
    let num = (diff_num / g1).checked_mul(per.den / g2)?;
    let den = (l / g2).checked_mul(per.num / g1)?;
    // Integer division truncates toward zero: 1.5 steps short is 1 whole step short.
    num.checked_div(den)
}

/// The score for `n` whole steps in the good direction (negative: short of the target).
fn score_from_steps(n: f64, points: f64, max_bonus: Option<f64>, max_penalty: Option<f64>) -> f64 {
    if n.is_nan() {
        return 0.0;
    }
    let n = n.clamp(-f64::MAX, f64::MAX);
    let score = if n > 0.0 {
        let mut bonus = n * points;
        if let Some(cap) = max_bonus {
            bonus = bonus.min(cap);
        }
        TARGET_SCORE + bonus
    } else {
        let mut penalty = -n * points;
        if let Some(cap) = max_penalty {
            penalty = penalty.min(cap);
        }
        TARGET_SCORE - penalty
    };
    if score.is_nan() {
        0.0
    } else {
        score.clamp(0.0, f64::MAX)
    }
}

/// Whether the non-exact steps numbers are usable: finite, points and caps not negative.
fn steps_numbers_ok(points: f64, max_bonus: Option<f64>, max_penalty: Option<f64>) -> bool {
    let ok = |x: f64| x.is_finite() && x >= 0.0;
    ok(points) && max_bonus.is_none_or(ok) && max_penalty.is_none_or(ok)
}

/// The steps method (加减分法, SPEC §5.1): 100 at `target`, plus `points` for each whole
/// `per` beyond it in the good direction, minus `points` for each whole `per` short of it;
/// the bonus is capped by `max_bonus`, the penalty by `max_penalty` (no limit when `None`),
/// and the score is never below 0.
///
/// Whole steps: n = trunc((value − target) ÷ per) for higher-is-better,
/// trunc((target − value) ÷ per) for lower-is-better — both ways rounded toward the target, so
/// a **partial step short costs nothing**: 1.5 steps short is 1 step short (−points), 0.5 steps
/// short is still 100 ("minus for each whole `per` short of it").
///
/// Counted exactly in `i128`; should an intermediate product overflow `i128` (only for
/// numbers with ~20+ significant digits or enormous magnitudes), the count falls back to
/// `f64`: trunc((value − target) ÷ per) on the nearest doubles, which can be one step off at
/// an exact step boundary.
///
/// Returns 0 when `per ≤ 0`, or `points`, `max_bonus` or `max_penalty` is non-finite or
/// negative (validation rejects those). The result is finite: without `max_bonus` an enormous
/// step count saturates at `f64::MAX`.
pub fn steps(
    value: &Exact,
    target: &Exact,
    per: &Exact,
    points: f64,
    max_bonus: Option<f64>,
    max_penalty: Option<f64>,
    higher_is_better: bool,
) -> f64 {
    if per.num <= 0 || !steps_numbers_ok(points, max_bonus, max_penalty) {
        return 0.0;
    }
    let n = match exact_step_count(value, target, per) {
        Some(n) => n as f64,
        None => ((value.to_f64() - target.to_f64()) / per.to_f64()).trunc(),
    };
    let n = if higher_is_better { n } else { -n };
    score_from_steps(n, points, max_bonus, max_penalty)
}

/// [`steps`] for a value held as an `f64` (a sum or a mean rather than a fraction): every
/// number is read as its shortest decimal ([`Exact::from_config`]) and counted exactly; when
/// one cannot be ([`Exact::from_config`] gives `None`), the `f64` count described at [`steps`]
/// is used. A non-finite argument → 0.
pub fn steps_f64(
    value: f64,
    target: f64,
    per: f64,
    points: f64,
    max_bonus: Option<f64>,
    max_penalty: Option<f64>,
    higher_is_better: bool,
) -> f64 {
    if !(value.is_finite() && target.is_finite() && per.is_finite()) || per <= 0.0 {
        return 0.0;
    }
    match (
        Exact::from_config(value),
        Exact::from_config(target),
        Exact::from_config(per),
    ) {
        (Some(v), Some(t), Some(p)) => {
            steps(&v, &t, &p, points, max_bonus, max_penalty, higher_is_better)
        }
        _ => {
            if !steps_numbers_ok(points, max_bonus, max_penalty) {
                return 0.0;
            }
            let n = ((value - target) / per).trunc();
            let n = if higher_is_better { n } else { -n };
            score_from_steps(n, points, max_bonus, max_penalty)
        }
    }
}

/// The most a method can give (SPEC §5.4): linear — `stretch_score` with a stretch, else 100;
/// bands — the top band's points (the largest points of any band, 0 without bands); steps —
/// 100 + `max_bonus`, `f64::INFINITY` without it.
pub fn max_score(
    method: Method,
    stretch: Option<f64>,
    stretch_score: f64,
    bands: &[[f64; 2]],
    max_bonus: Option<f64>,
) -> f64 {
    match method {
        Method::Linear => match stretch {
            Some(_) => stretch_score,
            None => TARGET_SCORE,
        },
        Method::Bands => bands
            .iter()
            .map(|b| b[1])
            .filter(|p| p.is_finite())
            .fold(0.0, f64::max),
        Method::Steps => match max_bonus {
            Some(b) => TARGET_SCORE + b,
            None => f64::INFINITY,
        },
    }
}

/// [`max_score`] of a configured KPI, with the defaults applied (linear method,
/// `stretch_score` 120).
pub fn kpi_max_score(kpi: &Kpi) -> f64 {
    max_score(
        kpi.method.unwrap_or_default(),
        kpi.stretch,
        kpi.stretch_score.unwrap_or(DEFAULT_STRETCH_SCORE),
        kpi.bands.as_deref().unwrap_or(&[]),
        kpi.max_bonus,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr) => {{
            let (a, b) = ($a, $b);
            assert!(close(a, b), "{} = {a}, expected {b}", stringify!($a));
        }};
    }

    // ---- linear, higher is better: floor 0.30, target 0.50, stretch 0.60, stretch_score 120

    fn lin_hi(v: f64) -> f64 {
        linear(v, 0.30, 0.50, Some(0.60), 120.0, true)
    }

    #[test]
    fn linear_higher_below_and_at_floor_is_zero() {
        assert_eq!(lin_hi(-5.0), 0.0);
        assert_eq!(lin_hi(0.29), 0.0);
        assert_eq!(lin_hi(0.30), 0.0); // v ≤ floor → 0
    }

    #[test]
    fn linear_higher_between_floor_and_target() {
        // 0.31: (0.31 − 0.30) / 0.20 = 0.05 → 5
        assert_close!(lin_hi(0.31), 5.0);
        // 0.40: halfway → 50
        assert_close!(lin_hi(0.40), 50.0);
        // 0.49: 0.19 / 0.20 = 0.95 → 95
        assert_close!(lin_hi(0.49), 95.0);
    }

    #[test]
    fn linear_higher_at_target_and_towards_stretch() {
        assert_eq!(lin_hi(0.50), 100.0);
        // 0.55: halfway from target to stretch → 100 + 20 × 0.5 = 110
        assert_close!(lin_hi(0.55), 110.0);
        // 0.59: 0.09 / 0.10 → 100 + 18 = 118
        assert_close!(lin_hi(0.59), 118.0);
        assert_eq!(lin_hi(0.60), 120.0); // at stretch
        assert_eq!(lin_hi(0.61), 120.0); // beyond: capped
        assert_eq!(lin_hi(1e9), 120.0);
    }

    #[test]
    fn linear_higher_without_stretch_caps_at_100() {
        let f = |v| linear(v, 60.0, 90.0, None, 120.0, true);
        assert_eq!(f(60.0), 0.0);
        assert_close!(f(75.0), 50.0); // 15 / 30
        assert_eq!(f(90.0), 100.0);
        assert_eq!(f(95.0), 100.0);
        assert_eq!(f(1e300), 100.0);
    }

    #[test]
    fn linear_higher_default_floor_zero() {
        // secondary_rate: floor 0 (default), target 0.30, stretch 0.40
        let f = |v| linear(v, 0.0, 0.30, Some(0.40), 120.0, true);
        assert_eq!(f(0.0), 0.0);
        assert_close!(f(0.15), 50.0);
        assert_eq!(f(0.30), 100.0);
        assert_close!(f(0.35), 110.0);
        assert_eq!(f(0.40), 120.0);
    }

    // ---- linear, lower is better: floor 0.03, target 0.01, stretch 0.005, stretch_score 120

    fn lin_lo(v: f64) -> f64 {
        linear(v, 0.03, 0.01, Some(0.005), 120.0, false)
    }

    #[test]
    fn linear_lower_at_and_beyond_floor_is_zero() {
        assert_eq!(lin_lo(1.0), 0.0);
        assert_eq!(lin_lo(0.031), 0.0);
        assert_eq!(lin_lo(0.03), 0.0); // v ≥ floor → 0
    }

    #[test]
    fn linear_lower_between_floor_and_target() {
        // 0.029: (0.03 − 0.029) / 0.02 = 0.05 → 5
        assert_close!(lin_lo(0.029), 5.0);
        // 0.02: halfway → 50
        assert_close!(lin_lo(0.02), 50.0);
        // 0.011: 0.019 / 0.02 = 0.95 → 95
        assert_close!(lin_lo(0.011), 95.0);
    }

    #[test]
    fn linear_lower_at_target_and_towards_stretch() {
        assert_eq!(lin_lo(0.01), 100.0);
        // 0.0075: halfway from 0.01 to 0.005 → 110
        assert_close!(lin_lo(0.0075), 110.0);
        assert_eq!(lin_lo(0.005), 120.0);
        assert_eq!(lin_lo(0.004), 120.0);
        assert_eq!(lin_lo(0.0), 120.0);
        assert_eq!(lin_lo(-1.0), 120.0);
    }

    #[test]
    fn linear_lower_without_stretch_caps_at_100() {
        // complication_rate: floor 0.01, target 0.003
        let f = |v| linear(v, 0.01, 0.003, None, 120.0, false);
        assert_eq!(f(0.01), 0.0);
        assert_close!(f(0.0065), 50.0); // (0.01 − 0.0065) / 0.007 = 0.5
        assert_eq!(f(0.003), 100.0);
        assert_eq!(f(0.0), 100.0);
    }

    #[test]
    fn linear_non_finite_is_zero() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(linear(bad, 0.0, 1.0, None, 120.0, true), 0.0);
            assert_eq!(linear(0.5, bad, 1.0, None, 120.0, true), 0.0);
            assert_eq!(linear(0.5, 0.0, bad, None, 120.0, true), 0.0);
            assert_eq!(linear(0.5, 0.0, 1.0, Some(bad), 120.0, true), 0.0);
            assert_eq!(linear(0.5, 0.0, 1.0, Some(2.0), bad, false), 0.0);
        }
    }

    #[test]
    fn linear_extreme_spans_do_not_overflow() {
        // target − floor overflows f64: the halved numbers give the midpoint exactly.
        assert_close!(linear(0.0, -f64::MAX, f64::MAX, None, 120.0, true), 50.0);
        assert_eq!(
            linear(f64::MAX, -f64::MAX, f64::MAX, None, 120.0, true),
            100.0
        );
    }

    // ---- bands

    const RATING_BANDS: [[f64; 2]; 3] = [[90.0, 100.0], [75.0, 80.0], [60.0, 60.0]];

    #[test]
    fn bands_higher_each_threshold() {
        let f = |v| bands(v, &RATING_BANDS, true);
        assert_eq!(f(100.0), 100.0);
        assert_eq!(f(90.0), 100.0); // ≥ 90
        assert_eq!(f(89.99), 80.0);
        assert_eq!(f(75.0), 80.0); // ≥ 75
        assert_eq!(f(74.99), 60.0);
        assert_eq!(f(60.0), 60.0); // ≥ 60
        assert_eq!(f(59.99), 0.0); // none met
        assert_eq!(f(-1.0), 0.0);
    }

    #[test]
    fn bands_lower_each_threshold() {
        // complaint_rate: ≤ 2% → 100, else 0
        let single = [[0.02, 100.0]];
        assert_eq!(bands(0.0, &single, false), 100.0);
        assert_eq!(bands(0.02, &single, false), 100.0); // ≤ threshold
        assert_eq!(bands(0.0201, &single, false), 0.0);
        // ascending thresholds: ≤ 1% → 100, ≤ 2% → 80, ≤ 3% → 50
        let b = [[0.01, 100.0], [0.02, 80.0], [0.03, 50.0]];
        assert_eq!(bands(0.005, &b, false), 100.0);
        assert_eq!(bands(0.01, &b, false), 100.0);
        assert_eq!(bands(0.015, &b, false), 80.0);
        assert_eq!(bands(0.02, &b, false), 80.0);
        assert_eq!(bands(0.03, &b, false), 50.0);
        assert_eq!(bands(0.031, &b, false), 0.0);
    }

    #[test]
    fn bands_odd_input() {
        assert_eq!(bands(50.0, &[], true), 0.0);
        assert_eq!(bands(f64::NAN, &RATING_BANDS, true), 0.0);
        assert_eq!(bands(f64::INFINITY, &RATING_BANDS, true), 0.0);
        assert_eq!(bands(50.0, &[[f64::NAN, 10.0], [0.0, 5.0]], true), 5.0);
        assert_eq!(bands(50.0, &[[0.0, f64::NAN]], true), 0.0);
        assert_eq!(bands(50.0, &[[0.0, -5.0]], true), 0.0);
    }

    // ---- Exact

    #[test]
    fn exact_from_config_reads_numbers_as_written() {
        let e = |x: f64| Exact::from_config(x).map(|e| (e.num(), e.den()));
        assert_eq!(e(0.01), Some((1, 100)));
        assert_eq!(e(0.6), Some((3, 5)));
        assert_eq!(e(0.50), Some((1, 2)));
        assert_eq!(e(1e-7), Some((1, 10_000_000)));
        assert_eq!(e(-2.5), Some((-5, 2)));
        assert_eq!(e(3000.0), Some((3000, 1)));
        assert_eq!(e(0.0), Some((0, 1)));
        assert_eq!(e(-0.0), Some((0, 1)));
        assert_eq!(e(1e30), Some((10i128.pow(30), 1)));
        let r = Exact::ratio(30_000_000_000_000_004, 10i128.pow(17)).unwrap();
        assert_eq!(e(0.1 + 0.2), Some((r.num(), r.den())));
        assert_eq!(e(1e40), None);
        assert_eq!(e(1e-40), None);
        assert_eq!(e(f64::NAN), None);
        assert_eq!(e(f64::INFINITY), None);
        assert_eq!(e(f64::MIN_POSITIVE), None);
    }

    #[test]
    fn parse_decimal_handles_exponent_form() {
        let p = |s: &str| parse_decimal(s).map(|e| (e.num(), e.den()));
        assert_eq!(p("1e-7"), Some((1, 10_000_000)));
        assert_eq!(p("1.5e3"), Some((1500, 1)));
        assert_eq!(p("2.5E-2"), Some((1, 40)));
        assert_eq!(p("-1e+2"), Some((-100, 1)));
        assert_eq!(p("12.340"), Some((617, 50)));
        assert_eq!(p(".5"), Some((1, 2)));
        assert_eq!(p("5."), Some((5, 1)));
        assert_eq!(p(""), None);
        assert_eq!(p("."), None);
        assert_eq!(p("1x"), None);
        assert_eq!(p("1e"), None);
        assert_eq!(p("1e99999999999999999999"), None);
        assert_eq!(p("1e-9223372036854775808"), None);
    }

    #[test]
    fn exact_ratio_normalises() {
        let r = Exact::ratio(21, 35).unwrap();
        assert_eq!((r.num(), r.den()), (3, 5));
        let r = Exact::ratio(3, -6).unwrap();
        assert_eq!((r.num(), r.den()), (-1, 2));
        assert_eq!(Exact::ratio(1, 0), None);
        assert_eq!(Exact::ratio(i128::MIN, -1), None);
        let r = Exact::ratio(0, -7).unwrap();
        assert_eq!((r.num(), r.den()), (0, 1));
        assert_close!(Exact::ratio(1, 4).unwrap().to_f64(), 0.25);
    }

    // ---- steps

    fn x(v: f64) -> Exact {
        Exact::from_config(v).unwrap()
    }

    #[test]
    fn steps_counts_exactly_where_f64_does_not() {
        // The naive count is 9 …
        assert_eq!(((0.6f64 - 0.5) / 0.01).floor(), 9.0);
        // … the exact one 10: 21/35 = 0.6, (0.6 − 0.5) / 0.01 = 10 steps.
        let v = Exact::ratio(21, 35).unwrap();
        assert_eq!(exact_step_count(&v, &x(0.50), &x(0.01)), Some(10));
        assert_eq!(steps(&v, &x(0.50), &x(0.01), 1.0, None, None, true), 110.0);
        assert_eq!(
            steps(&v, &x(0.50), &x(0.01), 1.0, Some(5.0), None, true),
            105.0
        );
        assert_eq!(steps_f64(0.6, 0.5, 0.01, 1.0, None, None, true), 110.0);
    }

    #[test]
    fn steps_higher_around_target() {
        // target 0.50, per 0.01, points 2, max_bonus 10, max_penalty 30
        let f = |n: i128, d: i128| {
            steps(
                &Exact::ratio(n, d).unwrap(),
                &x(0.50),
                &x(0.01),
                2.0,
                Some(10.0),
                Some(30.0),
                true,
            )
        };
        assert_eq!(f(50, 100), 100.0); // at target
        assert_eq!(f(505, 1000), 100.0); // half a step beyond: no whole step
        assert_eq!(f(51, 100), 102.0); // 1 step → +2
        assert_eq!(f(515, 1000), 102.0); // 1.5 steps → 1
        assert_eq!(f(54, 100), 108.0); // 4 steps → +8
        assert_eq!(f(55, 100), 110.0); // 5 steps → +10 = max_bonus
        assert_eq!(f(90, 100), 110.0); // 40 steps, capped at +10
        assert_eq!(f(495, 1000), 100.0); // half a step short: no whole step short
        assert_eq!(f(49, 100), 98.0); // 1 step short → −2
        assert_eq!(f(485, 1000), 98.0); // 1.5 steps short → 1 whole step → −2
        assert_eq!(f(48, 100), 96.0); // 2 steps short
        assert_eq!(f(35, 100), 70.0); // 15 steps short → −30 = max_penalty
        assert_eq!(f(0, 100), 70.0); // 50 steps short, capped at −30
    }

    #[test]
    fn steps_lower_mirrors() {
        // complaint_rate: target 0.02, per 0.005, points 5, no caps
        let f = |n: i128, d: i128| {
            steps(
                &Exact::ratio(n, d).unwrap(),
                &x(0.02),
                &x(0.005),
                5.0,
                None,
                None,
                false,
            )
        };
        assert_eq!(f(2, 100), 100.0); // at target
        assert_eq!(f(15, 1000), 105.0); // 1 step below (good) → +5
        assert_eq!(f(12, 1000), 105.0); // 1.6 steps → 1
        assert_eq!(f(1, 100), 110.0); // 2 steps → +10
        assert_eq!(f(0, 1), 120.0); // 4 steps → +20, no cap
        assert_eq!(f(25, 1000), 95.0); // 1 step above (bad) → −5
        assert_eq!(f(275, 10000), 95.0); // 1.5 steps short → −5
        assert_eq!(f(3, 100), 90.0); // 2 steps short → −10
        assert_eq!(f(22, 100), 0.0); // 40 steps short → −200, never below 0
    }

    #[test]
    fn steps_max_penalty_and_floor_at_zero() {
        let v = x(0.0);
        // 50 steps short × 1 point = −50; capped at −20 → 80
        assert_eq!(
            steps(&v, &x(0.5), &x(0.01), 1.0, None, Some(20.0), true),
            80.0
        );
        // 50 steps short × 3 points = −150 → 0
        assert_eq!(steps(&v, &x(0.5), &x(0.01), 3.0, None, None, true), 0.0);
    }

    #[test]
    fn steps_invalid_numbers_score_zero() {
        let (v, t, p) = (x(0.6), x(0.5), x(0.01));
        assert_eq!(steps(&v, &t, &x(0.0), 1.0, None, None, true), 0.0);
        assert_eq!(steps(&v, &t, &x(-0.01), 1.0, None, None, true), 0.0);
        assert_eq!(steps(&v, &t, &p, f64::NAN, None, None, true), 0.0);
        assert_eq!(steps(&v, &t, &p, -1.0, None, None, true), 0.0);
        assert_eq!(steps(&v, &t, &p, 1.0, Some(f64::INFINITY), None, true), 0.0);
        assert_eq!(steps(&v, &t, &p, 1.0, None, Some(-1.0), true), 0.0);
        assert_eq!(steps_f64(f64::NAN, 0.5, 0.01, 1.0, None, None, true), 0.0);
        assert_eq!(steps_f64(0.6, 0.5, 0.0, 1.0, None, None, true), 0.0);
    }

    #[test]
    fn steps_overflow_falls_back_to_f64() {
        // Denominators whose lcm overflows i128.
        let v = Exact::ratio(1, i128::MAX).unwrap();
        let t = Exact::ratio(1, i128::MAX - 1).unwrap();
        assert_eq!(exact_step_count(&v, &t, &x(0.01)), None);
        assert_eq!(steps(&v, &t, &x(0.01), 1.0, None, None, true), 100.0);
        // Enormous step counts stay finite without a cap.
        let huge = Exact::integer(i128::MAX);
        let s = steps(
            &huge,
            &x(0.0),
            &Exact::ratio(1, i128::MAX).unwrap(),
            1e300,
            None,
            None,
            true,
        );
        assert!(s.is_finite() && s > 100.0, "{s}");
        // steps_f64 with numbers Exact cannot hold.
        assert_eq!(steps_f64(1e40, 0.0, 1e39, 1.0, None, None, true), 110.0);
    }

    // ---- max_score

    #[test]
    fn max_score_per_method() {
        assert_eq!(
            max_score(Method::Linear, Some(0.6), 120.0, &[], None),
            120.0
        );
        assert_eq!(max_score(Method::Linear, None, 120.0, &[], None), 100.0);
        assert_eq!(
            max_score(Method::Bands, None, 120.0, &RATING_BANDS, None),
            100.0
        );
        assert_eq!(max_score(Method::Bands, None, 120.0, &[], None), 0.0);
        assert_eq!(
            max_score(Method::Steps, None, 120.0, &[], Some(10.0)),
            110.0
        );
        assert_eq!(
            max_score(Method::Steps, None, 120.0, &[], None),
            f64::INFINITY
        );
    }

    // ---- properties

    /// A finite f64 anywhere in the range (including subnormals and ±MAX).
    fn finite() -> impl Strategy<Value = f64> {
        any::<f64>().prop_filter("finite", |v| v.is_finite())
    }

    /// Valid higher-is-better linear numbers: floor < target < stretch, stretch_score ≥ 100.
    fn linear_params() -> impl Strategy<Value = (f64, f64, Option<f64>, f64)> {
        (
            -1e6f64..1e6,
            1e-6f64..1e6,
            prop::option::of(1e-6f64..1e6),
            100.0f64..500.0,
        )
            .prop_map(|(floor, gap, stretch_gap, ss)| {
                let target = floor + gap;
                (floor, target, stretch_gap.map(|g| target + g), ss)
            })
            .prop_filter("ordered", |(f, t, s, _)| f < t && s.is_none_or(|s| s > *t))
    }

    /// Valid bands for the direction: strictly ordered thresholds, non-increasing points ≥ 0.
    fn bands_params(higher: bool) -> impl Strategy<Value = Vec<[f64; 2]>> {
        prop::collection::vec((0.001f64..100.0, 0.0f64..50.0), 0..6).prop_map(move |steps| {
            let mut threshold = if higher { 1000.0 } else { -1000.0 };
            let mut points = 200.0;
            let mut out = Vec::new();
            for (dt, dp) in steps {
                threshold += if higher { -dt } else { dt };
                points = (points - dp).max(0.0);
                out.push([threshold, points]);
            }
            out
        })
    }

    proptest! {
        #[test]
        fn linear_monotonic_and_bounded(
            (floor, target, stretch, ss) in linear_params(),
            a in -2e6f64..2e6,
            b in -2e6f64..2e6,
            higher in any::<bool>(),
        ) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let max = max_score(Method::Linear, stretch, ss, &[], None);
            if higher {
                let (s_lo, s_hi) = (
                    linear(lo, floor, target, stretch, ss, true),
                    linear(hi, floor, target, stretch, ss, true),
                );
                prop_assert!(s_lo <= s_hi, "{lo} → {s_lo}, {hi} → {s_hi}");
                prop_assert!((0.0..=max).contains(&s_lo) && (0.0..=max).contains(&s_hi));
            } else {
                // Mirrored numbers: floor > target > stretch; lower values score more.
                let (f, t, s) = (-floor, -target, stretch.map(|s| -s));
                let (s_lo, s_hi) = (
                    linear(lo, f, t, s, ss, false),
                    linear(hi, f, t, s, ss, false),
                );
                prop_assert!(s_lo >= s_hi, "{lo} → {s_lo}, {hi} → {s_hi}");
                prop_assert!((0.0..=max).contains(&s_lo) && (0.0..=max).contains(&s_hi));
            }
        }

        #[test]
        fn linear_never_panics(
            v in any::<f64>(), f in any::<f64>(), t in any::<f64>(),
            s in prop::option::of(any::<f64>()), ss in any::<f64>(), higher in any::<bool>(),
        ) {
            let r = linear(v, f, t, s, ss, higher);
            prop_assert!(r.is_finite() && r >= 0.0);
        }

        #[test]
        fn linear_within_bounds_on_any_finite_value(
            (floor, target, stretch, ss) in linear_params(),
            v in finite(),
            higher in any::<bool>(),
        ) {
            let max = max_score(Method::Linear, stretch, ss, &[], None);
            let r = if higher {
                linear(v, floor, target, stretch, ss, true)
            } else {
                linear(v, -floor, -target, stretch.map(|s| -s), ss, false)
            };
            prop_assert!((0.0..=max).contains(&r), "{v} → {r}");
        }

        #[test]
        fn bands_monotonic_higher(table in bands_params(true), a in finite(), b in finite()) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let max = max_score(Method::Bands, None, 120.0, &table, None);
            let (s_lo, s_hi) = (bands(lo, &table, true), bands(hi, &table, true));
            prop_assert!(s_lo <= s_hi);
            prop_assert!((0.0..=max).contains(&s_lo) && (0.0..=max).contains(&s_hi));
        }

        #[test]
        fn bands_monotonic_lower(table in bands_params(false), a in finite(), b in finite()) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let max = max_score(Method::Bands, None, 120.0, &table, None);
            let (s_lo, s_hi) = (bands(lo, &table, false), bands(hi, &table, false));
            prop_assert!(s_lo >= s_hi);
            prop_assert!((0.0..=max).contains(&s_lo) && (0.0..=max).contains(&s_hi));
        }

        #[test]
        fn bands_never_panics(
            v in any::<f64>(),
            table in prop::collection::vec(any::<[f64; 2]>(), 0..5),
            higher in any::<bool>(),
        ) {
            let r = bands(v, &table, higher);
            prop_assert!(r.is_finite() && r >= 0.0);
        }

        #[test]
        fn steps_monotonic_and_bounded(
            a in -100_000i128..100_000,
            b in -100_000i128..100_000,
            den in 1i128..1000,
            target_hundredths in -1000i64..1000,
            per_thousandths in 1i64..500,
            points in 0.0f64..10.0,
            max_bonus in prop::option::of(0.0f64..50.0),
            max_penalty in prop::option::of(0.0f64..150.0),
            higher in any::<bool>(),
        ) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let t = x(target_hundredths as f64 / 100.0);
            let p = x(per_thousandths as f64 / 1000.0);
            let score = |n: i128| steps(
                &Exact::ratio(n, den).unwrap(), &t, &p, points, max_bonus, max_penalty, higher,
            );
            let (s_lo, s_hi) = (score(lo), score(hi));
            if higher {
                prop_assert!(s_lo <= s_hi, "{lo}/{den} → {s_lo}, {hi}/{den} → {s_hi}");
            } else {
                prop_assert!(s_lo >= s_hi, "{lo}/{den} → {s_lo}, {hi}/{den} → {s_hi}");
            }
            let max = max_score(Method::Steps, None, 120.0, &[], max_bonus);
            prop_assert!((0.0..=max).contains(&s_lo) && (0.0..=max).contains(&s_hi));
        }

        #[test]
        fn steps_match_exact_decimal_arithmetic(
            v_hundredths in -100_000i64..100_000,
            t_hundredths in -100_000i64..100_000,
            per_hundredths in 1i64..1000,
        ) {
            // Values in hundredths: the step count is integer arithmetic on hundredths.
            let (v, t, p) = (v_hundredths as f64 / 100.0, t_hundredths as f64 / 100.0,
                per_hundredths as f64 / 100.0);
            let expected = ((v_hundredths - t_hundredths) / per_hundredths) as f64; // truncates
            let got = steps_f64(v, t, p, 1.0, None, None, true);
            prop_assert_eq!(got, (100.0 + expected).max(0.0));
        }

        #[test]
        fn steps_never_panics(
            vn in any::<i128>(), vd in any::<i128>(),
            tn in any::<i128>(), td in any::<i128>(),
            pn in any::<i128>(), pd in any::<i128>(),
            points in any::<f64>(),
            max_bonus in prop::option::of(any::<f64>()),
            max_penalty in prop::option::of(any::<f64>()),
            higher in any::<bool>(),
        ) {
            if let (Some(v), Some(t), Some(p)) =
                (Exact::ratio(vn, vd), Exact::ratio(tn, td), Exact::ratio(pn, pd))
            {
                let r = steps(&v, &t, &p, points, max_bonus, max_penalty, higher);
                prop_assert!(r.is_finite() && r >= 0.0);
            }
        }

        #[test]
        fn steps_f64_never_panics(
            v in any::<f64>(), t in any::<f64>(), p in any::<f64>(), points in any::<f64>(),
            max_bonus in prop::option::of(any::<f64>()), higher in any::<bool>(),
        ) {
            let r = steps_f64(v, t, p, points, max_bonus, None, higher);
            prop_assert!(r.is_finite() && r >= 0.0);
        }

        #[test]
        fn from_config_round_trips(v in finite()) {
            if let Some(e) = Exact::from_config(v) {
                prop_assert!(e.den() > 0);
                // The decimal read back is the same double (when it converts without loss).
                if e.num().unsigned_abs() < (1u128 << 53) && e.den() < (1i128 << 53) {
                    prop_assert_eq!(e.to_f64(), v);
                }
            }
        }
    }
}
