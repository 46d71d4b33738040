//! One formatter per kind of number, for every text a person reads — terminal tables,
//! `explain`, `check`, notes and messages: money `¥1,234.00` / `-¥1,500`, thresholds `¥3,200`,
//! rates `12.5%`. (The workbook's cells carry numbers with Excel formats of the same shape.)

/// `1234567` → `1,234,567` (digits only, no sign).
pub fn grouped(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` with `decimals` decimals and thousands separators, without its sign.
pub fn digits(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    match s.split_once('.') {
        Some((int, frac)) => format!("{}.{frac}", grouped(int)),
        None => grouped(&s),
    }
}

/// The sign of an amount as shown: `-` before the ¥, never for an amount that shows as zero.
fn minus(x: f64, shown: &str) -> &'static str {
    if x < 0.0 && shown.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    }
}

/// Money to the fen: `¥1,234.00`, `-¥800.00`.
pub fn money(x: f64) -> String {
    let d = digits(x, 2);
    format!("{}¥{d}", minus(x, &d))
}

/// Money to the yuan (bonuses, rounded half away from zero as paid): `¥3,000`, `-¥1,500`.
pub fn money_whole(x: f64) -> String {
    let d = digits(x.round(), 0);
    format!("{}¥{d}", minus(x.round(), &d))
}

/// Money as a threshold in words, at most two decimals and no trailing zeros: `¥3,200`,
/// `¥1,234,567.5`.
pub fn money_short(x: f64) -> String {
    let d = trimmed(x.abs());
    let (int, frac) = d.split_once('.').unwrap_or((&d, ""));
    let g = grouped(int);
    let shown = if frac.is_empty() {
        format!("¥{g}")
    } else {
        format!("¥{g}.{frac}")
    };
    format!("{}{shown}", minus(x, &d))
}

/// A plain number with at most two decimals and no trailing zeros: `2.5`, `73.33`, `0`.
pub fn trimmed(x: f64) -> String {
    let s = format!("{:.2}", (x * 100.0).round() / 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A rate (a fraction) as a percentage with one decimal: 0.125 → `12.5%`.
pub fn rate(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_every_form() {
        assert_eq!(money(6740.0), "¥6,740.00");
        assert_eq!(money(-800.0), "-¥800.00");
        assert_eq!(money(86780.0), "¥86,780.00");
        assert_eq!(money(-0.001), "¥0.00");
        assert_eq!(money_whole(-1500.0), "-¥1,500");
        assert_eq!(money_whole(-18000.0), "-¥18,000");
        assert_eq!(money_whole(1064.5), "¥1,065");
        assert_eq!(money_whole(0.0), "¥0");
        assert_eq!(money_short(3200.0), "¥3,200");
        assert_eq!(money_short(1234567.5), "¥1,234,567.5");
        assert_eq!(money_short(999.999), "¥1,000");
        assert_eq!(money_short(-1500.0), "-¥1,500");
        assert_eq!(rate(0.125), "12.5%");
        assert_eq!(trimmed(73.3333), "73.33");
        assert_eq!(trimmed(-0.001), "0");
    }
}
