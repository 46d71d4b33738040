//! Money in cents and plain numbers, from number cells and from the texts people type.

use super::*;

/// Amounts must be below this many yuan (1e13). Anything larger is a mistyped column (a phone
/// number, an id), and the bound keeps every amount far inside `i64` cents.
pub(super) const AMOUNT_LIMIT_YUAN: i64 = 10_000_000_000_000;

// ---------------------------------------------------------------------------------------------
// Decimal bodies shared by amounts and numbers
// ---------------------------------------------------------------------------------------------

/// The digits of an unsigned decimal `int[.frac]`, with the thousands separators removed.
pub(super) struct DecimalBody<'a> {
    pub(super) int_digits: String,
    pub(super) frac_digits: &'a str,
}

/// Splits and checks an unsigned decimal body. Rules:
/// * at least one digit in all; `.5` and `5.` are accepted;
/// * `,` is a thousands separator only where it groups exactly three digits: the first group
///   has one to three digits, every later group three (`1,234,567.89`). `12,50` (a comma
///   decimal, ¥12.50 in much of Europe), `1 234,50` and `3,20,0` are rejected, never read as
///   1250 / 123450 / 3200 (SPEC §2.2);
/// * separators are not allowed in the fraction, and a second `.` is rejected (`12.3.4`).
pub(super) fn split_decimal(body: &str) -> Option<DecimalBody<'_>> {
    let (int_part, frac_digits) = match body.split_once('.') {
        Some((int, frac)) => (int, frac),
        None => (body, ""),
    };
    if !frac_digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut int_digits = String::with_capacity(int_part.len());
    if !int_part.is_empty() {
        let grouped = int_part.contains(',');
        for (i, group) in int_part.split(',').enumerate() {
            if group.is_empty() || !group.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let size_ok = match (grouped, i) {
                (false, _) => true,
                (true, 0) => group.len() <= 3,
                (true, _) => group.len() == 3,
            };
            if !size_ok {
                return None;
            }
            int_digits.push_str(group);
        }
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return None;
    }
    Some(DecimalBody {
        int_digits,
        frac_digits,
    })
}

pub(super) fn digit_value(b: u8) -> i64 {
    i64::from(b.wrapping_sub(b'0') % 10)
}

/// Exact decimal → cents, rounding at the third decimal half away from zero (the magnitude is
/// rounded, then the sign applied). Digits must already be checked as ASCII digits.
pub(super) fn cents_from_digits(
    negative: bool,
    int_digits: &str,
    frac_digits: &str,
) -> Result<i64, Why> {
    let too_large = || Why::AmountTooLarge;
    let mut yuan: i64 = 0;
    for b in int_digits.bytes() {
        yuan = yuan
            .checked_mul(10)
            .and_then(|v| v.checked_add(digit_value(b)))
            .ok_or_else(too_large)?;
    }
    if yuan >= AMOUNT_LIMIT_YUAN {
        return Err(too_large());
    }
    let frac = frac_digits.as_bytes();
    let tenths = frac.first().map_or(0, |&b| digit_value(b));
    let hundredths = frac.get(1).map_or(0, |&b| digit_value(b));
    let round_up = frac.get(2).is_some_and(|&b| b >= b'5');
    let cents = yuan
        .checked_mul(100)
        .and_then(|v| v.checked_add(tenths * 10 + hundredths + i64::from(round_up)))
        .ok_or_else(too_large)?;
    Ok(if negative { -cents } else { cents })
}

/// Normalizes the minus signs people type: full-width `－` is folded already; also the math
/// minus U+2212.
pub(super) fn ascii_minus(s: &str) -> String {
    s.replace('\u{2212}', "-")
}

// ---------------------------------------------------------------------------------------------
// Amounts and numbers
// ---------------------------------------------------------------------------------------------

/// Money in integer cents (fen).
///
/// A number cell must be finite with |x| < 1e13; it is rounded to the cent from its shortest
/// decimal representation (so 0.285 gives 29, not the 28 that binary `x * 100` would give).
///
/// Text is folded and its spaces dropped, then read as: optional accounting parentheses
/// `(300)` (negative), a sign `+ - －` and a currency marker `¥ ￥ RMB CNY` in either order
/// (`¥-300`, `-¥300`), the decimal body (see the separator rules on `split_decimal`), and an
/// optional `元` / `RMB` / `CNY` after it. More than two decimals round half away from zero.
/// Rejected: empty, letters (`abc`, `1e999`, `NaN`, `inf`), two signs (`--5`, `(-300)`),
/// `12.3.4`, misplaced separators (`,300`, `3,,200`), and |amount| ≥ 1e13 yuan.
/// Bool, date and error cells are rejected.
pub fn parse_amount(cell: &RawCell) -> Result<i64, Why> {
    match cell {
        RawCell::Empty => Err(Why::Empty),
        RawCell::Number(n) => amount_from_f64(*n),
        RawCell::Text(s) => amount_from_text(s),
        RawCell::Bool(_) => Err(Why::BoolCell {
            what: Wanted::Amount,
        }),
        RawCell::Date(_) | RawCell::BadDate(_) => Err(Why::DateCell {
            what: Wanted::Amount,
        }),
        RawCell::Error(e) => Err(Why::SpreadsheetError {
            code: e.to_string(),
        }),
    }
}

pub(super) fn amount_from_f64(n: f64) -> Result<i64, Why> {
    if !n.is_finite() {
        return Err(Why::NotFinite);
    }
    if n.abs() >= 1e13 {
        return Err(Why::AmountTooLarge);
    }
    // f64 Display: shortest round-trip decimal, no exponent, no sign for abs().
    let text = format!("{}", n.abs());
    let body = split_decimal(&text).ok_or(Why::NotAmount)?;
    cents_from_digits(n < 0.0, &body.int_digits, body.frac_digits)
}

pub(super) fn amount_from_text(s: &str) -> Result<i64, Why> {
    let not_amount = || Why::NotAmount;
    let t = ascii_minus(&fold_compact(s)).to_lowercase();
    if t.is_empty() {
        return Err(Why::Empty);
    }
    let mut rest = t.as_str();
    let mut negative = false;
    let parenthesized = match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => {
            negative = true;
            rest = inner;
            true
        }
        None => false,
    };
    let mut sign_seen = false;
    let mut currency_seen = false;
    loop {
        if let Some((r, minus)) = strip_sign(rest) {
            // A second sign (`--5`) or a sign inside accounting parentheses is ambiguous.
            if sign_seen || parenthesized {
                return Err(not_amount());
            }
            sign_seen = true;
            negative = minus;
            rest = r;
        } else if let Some(r) = strip_currency_prefix(rest) {
            if currency_seen {
                return Err(not_amount());
            }
            currency_seen = true;
            rest = r;
        } else {
            break;
        }
    }
    if let Some(r) = ["元", "rmb", "cny"]
        .iter()
        .find_map(|suffix| rest.strip_suffix(suffix))
    {
        rest = r;
    }
    let body = split_decimal(rest).ok_or_else(not_amount)?;
    cents_from_digits(negative, &body.int_digits, body.frac_digits)
}

pub(super) fn strip_sign(s: &str) -> Option<(&str, bool)> {
    if let Some(r) = s.strip_prefix('-') {
        Some((r, true))
    } else {
        s.strip_prefix('+').map(|r| (r, false))
    }
}

/// Currency markers before the number; the text is lowercased already.
pub(super) fn strip_currency_prefix(s: &str) -> Option<&str> {
    ["¥", "￥", "rmb", "cny"]
        .iter()
        .find_map(|prefix| s.strip_prefix(prefix))
}

/// A plain finite number (scores, ratings, plain targets). A number cell must be finite. Text
/// is folded, spaces dropped, and read as an optional sign, a decimal body with the same
/// separator rules as amounts, and an optional exponent (`1.2E+3`, as CSV exports write large
/// numbers). No `%` handling. `NaN`, `inf` and anything that overflows (`1e999`) are rejected.
pub fn parse_number(cell: &RawCell) -> Result<f64, Why> {
    match cell {
        RawCell::Empty => Err(Why::Empty),
        RawCell::Number(n) if n.is_finite() => Ok(*n),
        RawCell::Number(_) => Err(Why::NotFinite),
        RawCell::Text(s) => number_from_text(s),
        RawCell::Bool(_) => Err(Why::BoolCell {
            what: Wanted::Number,
        }),
        RawCell::Date(_) | RawCell::BadDate(_) => Err(Why::DateCell {
            what: Wanted::Number,
        }),
        RawCell::Error(e) => Err(Why::SpreadsheetError {
            code: e.to_string(),
        }),
    }
}

pub(super) fn number_from_text(s: &str) -> Result<f64, Why> {
    let not_number = || Why::NotNumber;
    let t = ascii_minus(&fold_compact(s));
    if t.is_empty() {
        return Err(Why::Empty);
    }
    let (minus, rest) = match strip_sign(&t) {
        Some((r, m)) => (m, r),
        None => (false, t.as_str()),
    };
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (rest, None),
    };
    let body = split_decimal(mantissa).ok_or_else(not_number)?;
    let exp = match exponent {
        None => "0",
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(not_number());
            }
            e
        }
    };
    // Rebuild a form `str::parse` accepts whatever parts were left out.
    let int = if body.int_digits.is_empty() {
        "0"
    } else {
        body.int_digits.as_str()
    };
    let frac = if body.frac_digits.is_empty() {
        "0"
    } else {
        body.frac_digits
    };
    let sign = if minus { "-" } else { "" };
    let value: f64 = format!("{sign}{int}.{frac}e{exp}")
        .parse()
        .map_err(|_| not_number())?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Why::NumberTooLarge)
    }
}
