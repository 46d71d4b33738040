//! Typing of raw cells for the columns of clinic exports: names and ids, header names, money,
//! plain numbers, dates, months and yes/no flags, plus masking of customer identifiers for
//! issue messages.
//!
//! Every function here is total: any input gives a value or an `Err` with a short English
//! reason. Nothing panics, indexes out of bounds or overflows, because every cell comes from a
//! user's file.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use super::cell::RawCell;
use crate::words::input::{Wanted, Why};

/// Amounts must be below this many yuan (1e13). Anything larger is a mistyped column (a phone
/// number, an id), and the bound keeps every amount far inside `i64` cents.
const AMOUNT_LIMIT_YUAN: i64 = 10_000_000_000_000;

/// The last serial of the 1900 date system: 9999-12-31, the last date Excel can show.
const LAST_SERIAL_1900: i64 = 2_958_465;

/// Serial 60 of the 1900 system is the 1900-02-29 that Lotus 1-2-3 invented and Excel kept.
const FAKE_LEAP_DAY_1900: i64 = 60;

const SECONDS_PER_DAY: i64 = 86_400;

// ---------------------------------------------------------------------------------------------
// Text folding
// ---------------------------------------------------------------------------------------------

/// Maps a full-width ASCII form (U+FF01..=U+FF5E) to its ASCII character; the block is the
/// ASCII range 0x21..=0x7E shifted by 0xFEE0.
pub(crate) fn fold_char(c: char) -> char {
    let u = u32::from(c);
    if (0xFF01..=0xFF5E).contains(&u) {
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// True for characters that are dropped outright: the full-width space (it separates the two
/// characters of a Chinese name for alignment and never carries meaning), the byte-order mark
/// and zero-width spaces (invisible, left behind by exports and copy-paste).
pub(crate) fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{3000}' | '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}'
    )
}

/// Trims, removes full-width spaces (and invisible zero-width characters), folds full-width
/// ASCII to ASCII (`１２３` → `123`, `Ａ` → `A`) and collapses each internal run of other
/// whitespace to one ASCII space.
pub fn fold_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_dropped(c) {
            continue;
        }
        let c = fold_char(c);
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// `fold_text` without any whitespace at all, for values where spaces never matter
/// (`¥ 3,200`, `RMB 3200`, `2026 年 10 月`).
fn fold_compact(s: &str) -> String {
    fold_text(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Names, ids and headers
// ---------------------------------------------------------------------------------------------

/// A staff or customer name, or an id, as comparable text.
///
/// Text is folded with [`fold_text`]; an all-digit id that Excel wrote as `13800001234.0`
/// loses the zero fraction. A number cell reads as its integer digits. Bool and date cells read
/// as their display text. Empty or blank cells, non-finite numbers and Excel error values
/// (`#N/A`) give `None`: none of them names anybody.
pub fn normalize_name(cell: &RawCell) -> Option<String> {
    let text = match cell {
        RawCell::Empty | RawCell::Error(_) => return None,
        RawCell::Text(s) => fold_text(s),
        // A BadDate is a number in a cell formatted as a date: read it like a number.
        RawCell::Number(n) | RawCell::BadDate(n) => number_as_id(*n)?,
        RawCell::Bool(_) | RawCell::Date(_) => cell.display(),
    };
    let text = strip_zero_fraction(&text);
    if text.is_empty() {
        None
    } else {
        Some(text.to_string())
    }
}

/// [`normalize_name`] of a text cell that folding leaves as it is (no whitespace, nothing
/// dropped, no full-width ASCII), without copying it: customers, phone numbers and order ids,
/// a million of them in a year, are nearly always such text. None for any other cell.
pub fn plain_name(cell: &RawCell) -> Option<&str> {
    let RawCell::Text(s) = cell else { return None };
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| !c.is_whitespace() && !is_dropped(c) && fold_char(c) == c);
    plain.then(|| strip_zero_fraction(s))
}

/// Display of a number used as an id. `f64`'s `Display` never uses an exponent and prints no
/// `.0` for integral values, so 13800001234.0 prints `13800001234`.
fn number_as_id(n: f64) -> Option<String> {
    if !n.is_finite() {
        return None;
    }
    if n == 0.0 {
        // Avoid "-0" for a negative zero.
        return Some("0".to_string());
    }
    Some(format!("{n}"))
}

/// `123.0` / `123.00` → `123` when everything before the dot is ASCII digits and everything
/// after it is zeros; anything else is returned unchanged.
fn strip_zero_fraction(s: &str) -> &str {
    match s.split_once('.') {
        Some((int, frac))
            if !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && !frac.is_empty()
                && frac.bytes().all(|b| b == b'0') =>
        {
            int
        }
        _ => s,
    }
}

/// A column header reduced for matching: folded, without any whitespace (ASCII, NBSP,
/// full-width), lowercased, without the `*` required-field marker at either end and without
/// one trailing unit in brackets: `实收金额(元)`, `实收金额（元）`, `金额[元]`, `金额【元】` → the
/// bare name. A header that is only a bracket, like `(元)`, is kept as it is.
pub fn normalize_header(s: &str) -> String {
    let compact: String = fold_text(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let h = compact.trim_matches('*');
    let h = strip_unit(h);
    h.trim_matches('*').to_string()
}

/// Removes one trailing bracketed unit. Full-width parentheses and square brackets were
/// already folded to ASCII, so only the CJK brackets need their own pairs.
fn strip_unit(h: &str) -> &str {
    const PAIRS: [(char, char); 4] = [('(', ')'), ('[', ']'), ('【', '】'), ('〔', '〕')];
    for (open, close) in PAIRS {
        if let Some(inner) = h.strip_suffix(close) {
            if let Some(pos) = inner.rfind(open) {
                // `rfind` returns a char boundary, so `get` only guards against the
                // bracket-only header (empty head).
                if let Some(head) = inner.get(..pos).filter(|head| !head.is_empty()) {
                    return head;
                }
            }
        }
    }
    h
}

// ---------------------------------------------------------------------------------------------
// Decimal bodies shared by amounts and numbers
// ---------------------------------------------------------------------------------------------

/// The digits of an unsigned decimal `int[.frac]`, with the thousands separators removed.
struct DecimalBody<'a> {
    int_digits: String,
    frac_digits: &'a str,
}

/// Splits and checks an unsigned decimal body. Rules:
/// * at least one digit in all; `.5` and `5.` are accepted;
/// * `,` is a thousands separator only where it groups exactly three digits: the first group
///   has one to three digits, every later group three (`1,234,567.89`). `12,50` (a comma
///   decimal, ¥12.50 in much of Europe), `1 234,50` and `3,20,0` are rejected, never read as
///   1250 / 123450 / 3200 (SPEC §2.2);
/// * separators are not allowed in the fraction, and a second `.` is rejected (`12.3.4`).
fn split_decimal(body: &str) -> Option<DecimalBody<'_>> {
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

fn digit_value(b: u8) -> i64 {
    i64::from(b.wrapping_sub(b'0') % 10)
}

/// Exact decimal → cents, rounding at the third decimal half away from zero (the magnitude is
/// rounded, then the sign applied). Digits must already be checked as ASCII digits.
fn cents_from_digits(negative: bool, int_digits: &str, frac_digits: &str) -> Result<i64, Why> {
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
fn ascii_minus(s: &str) -> String {
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

fn amount_from_f64(n: f64) -> Result<i64, Why> {
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

fn amount_from_text(s: &str) -> Result<i64, Why> {
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

fn strip_sign(s: &str) -> Option<(&str, bool)> {
    if let Some(r) = s.strip_prefix('-') {
        Some((r, true))
    } else {
        s.strip_prefix('+').map(|r| (r, false))
    }
}

/// Currency markers before the number; the text is lowercased already.
fn strip_currency_prefix(s: &str) -> Option<&str> {
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

fn number_from_text(s: &str) -> Result<f64, Why> {
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

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// A date and time.
///
/// * Date cells are taken as they are; BadDate cells are rejected.
/// * A number (a number cell, or a text of digits only) is a date only as an 8-digit
///   `YYYYMMDD` or as an Excel serial of a day between 1990-01-01 and 2100-12-31 (SPEC §2.2):
///   `261003` would be the year 2614 and `1003` the year 1902, so both are rejected rather
///   than counted out of the period. (A cell the workbook formats as a date is a `Date` cell
///   and taken as it is.)
/// * Serials: in the 1900 system serial 1 is 1900-01-01, 60 is the
///   fictitious 1900-02-29 (rejected), 61 is 1900-03-01, serials below 1 or above 2958465
///   (9999-12-31) are rejected; in the 1904 system (`date1904`) serial 0 is 1904-01-01 and
///   negative serials or dates past 9999-12-31 are rejected. The fraction is the time of day,
///   rounded to the nearest second.
/// * Text: `YYYY-M-D`, `YYYY/M/D`, `YYYY.M.D`, `YYYYMMDD`, `YYYY年M月D日` (the `日` may be left
///   out), optionally followed by a space or `T` and `H:MM` or `H:MM:SS` (fractional seconds
///   rounded); after `日` the space may be left out. Full-width digits and punctuation are
///   folded. No AM/PM forms. A text that is only a number (`46298`, `46298.5`) is a serial,
///   except that 8 digits are always `YYYYMMDD`.
/// * Impossible calendar dates (`2026-02-30`, `2026-13-01`) and times (`25:00`) are rejected.
pub fn parse_datetime(cell: &RawCell, date1904: bool) -> Result<NaiveDateTime, Why> {
    match cell {
        RawCell::Date(d) => Ok(*d),
        RawCell::Number(n) => number_as_date(*n, date1904),
        RawCell::Text(s) => datetime_from_text(s, date1904),
        RawCell::BadDate(_) => Err(Why::NotRealDate),
        RawCell::Empty => Err(Why::Empty),
        RawCell::Bool(_) => Err(Why::BoolCell { what: Wanted::Date }),
        RawCell::Error(e) => Err(Why::SpreadsheetError {
            code: e.to_string(),
        }),
    }
}

/// The date part of [`parse_datetime`].
pub fn parse_date(cell: &RawCell, date1904: bool) -> Result<NaiveDate, Why> {
    parse_datetime(cell, date1904).map(|d| d.date())
}

/// The first and last day a number may stand for as a date serial.
const FIRST_SERIAL_DAY: (i32, u32, u32) = (1990, 1, 1);
const LAST_SERIAL_DAY: (i32, u32, u32) = (2100, 12, 31);

/// A number read as a date: an 8-digit `YYYYMMDD`, else a serial of a plausible day.
fn number_as_date(n: f64, date1904: bool) -> Result<NaiveDateTime, Why> {
    if n.is_finite() && n.fract() == 0.0 && (10_000_000.0..100_000_000.0).contains(&n) {
        return datetime_from_text(&format!("{}", n as i64), date1904);
    }
    plausible_serial(serial_to_datetime(n, date1904)?)
}

/// A serial's date, kept only between 1990-01-01 and 2100-12-31.
fn plausible_serial(d: NaiveDateTime) -> Result<NaiveDateTime, Why> {
    let day = |(y, m, dd): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, dd);
    let (Some(first), Some(last)) = (day(FIRST_SERIAL_DAY), day(LAST_SERIAL_DAY)) else {
        return Err(Why::NotDate);
    };
    if (first..=last).contains(&d.date()) {
        Ok(d)
    } else {
        Err(Why::ImplausibleSerial {
            date: d.date().to_string(),
            first: first.to_string(),
            last: last.to_string(),
        })
    }
}

/// An Excel serial as a date and time in the workbook's date system, any day Excel can show
/// (for cells the workbook formats as dates; numbers elsewhere go through [`number_as_date`]).
pub(crate) fn serial_to_datetime(serial: f64, date1904: bool) -> Result<NaiveDateTime, Why> {
    if !serial.is_finite() {
        return Err(Why::NotSerial);
    }
    let out_of_range = || Why::SerialOutOfRange;
    if date1904 {
        if serial < 0.0 {
            return Err(Why::SerialBefore1904);
        }
    } else if serial < 1.0 {
        return Err(Why::SerialBefore1900);
    }
    // Bounding first keeps `serial * 86400` exact (< 2^53) and the casts lossless.
    if serial >= (LAST_SERIAL_1900 + 1) as f64 {
        return Err(Why::SerialAfter9999);
    }
    let seconds = (serial * SECONDS_PER_DAY as f64).round() as i64;
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (base, offset) = if date1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1), days)
    } else if days == FAKE_LEAP_DAY_1900 {
        return Err(Why::FakeLeapDay);
    } else if days < FAKE_LEAP_DAY_1900 {
        // Before the fake leap day serial n is day n of 1900 counted from 1899-12-31.
        (NaiveDate::from_ymd_opt(1899, 12, 31), days)
    } else {
        // After it every serial is one too high, so count from 1899-12-30.
        (NaiveDate::from_ymd_opt(1899, 12, 30), days)
    };
    let offset = u64::try_from(offset).map_err(|_| out_of_range())?;
    let date = base
        .and_then(|b| b.checked_add_days(Days::new(offset)))
        .filter(|d| d.year() <= 9999)
        .ok_or(Why::SerialAfter9999)?;
    let second_of_day = u32::try_from(second_of_day).map_err(|_| out_of_range())?;
    let time =
        NaiveTime::from_num_seconds_from_midnight_opt(second_of_day, 0).ok_or_else(out_of_range)?;
    Ok(date.and_time(time))
}

/// True for a text that is just an unsigned decimal number (a serial written as text).
fn is_plain_number(t: &str) -> bool {
    split_decimal(t).is_some() && !t.contains(',')
}

fn datetime_from_text(s: &str, date1904: bool) -> Result<NaiveDateTime, Why> {
    let t = fold_text(s);
    if t.is_empty() {
        return Err(Why::Empty);
    }
    let compact_date = t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit());
    if is_plain_number(&t) && !compact_date {
        let serial: f64 = t.parse().map_err(|_| Why::NotDate)?;
        return plausible_serial(serial_to_datetime(serial, date1904)?);
    }
    let chars: Vec<char> = t.chars().collect();
    let mut scan = Scanner {
        chars: &chars,
        pos: 0,
    };
    let (date, after_ri) = scan_date(&mut scan).ok_or(Why::NotDate)?;
    let date = date?;
    if scan.at_end() {
        return Ok(date.and_time(NaiveTime::MIN));
    }
    // Time part: after a space or `T`, or directly after `日`.
    if !(scan.eat(' ') || scan.eat('T') || after_ri) {
        return Err(Why::NotDate);
    }
    let (time, round_up) = scan_time(&mut scan).ok_or(Why::NotTime)?;
    let time = time?;
    if !scan.at_end() {
        return Err(Why::NotDate);
    }
    let dt = date.and_time(time);
    if round_up {
        // 9999-12-31 23:59:59.5 would round into the year 10000.
        dt.checked_add_signed(TimeDelta::seconds(1))
            .filter(|d| d.year() <= 9999)
            .ok_or(Why::DateOutOfRange)
    } else {
        Ok(dt)
    }
}

/// A cursor over the characters of a folded text; every access is bounds-checked.
struct Scanner<'a> {
    chars: &'a [char],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes a run of ASCII digits and returns them.
    fn digits(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            out.push(c);
            self.pos += 1;
        }
        out
    }

    /// Consumes a run of 1..=max digits as a number.
    fn number(&mut self, max_len: usize) -> Option<u32> {
        let d = self.digits();
        if d.is_empty() || d.len() > max_len {
            return None;
        }
        d.parse().ok()
    }
}

/// Parses the date part. `None` when the text does not have a date shape; `Some(Err)` when it
/// does but names no calendar date. The flag tells whether the date ended with `日`.
fn scan_date(scan: &mut Scanner<'_>) -> Option<(Result<NaiveDate, Why>, bool)> {
    let lead = scan.digits();
    let (year, month, day, after_ri) = if lead.len() == 8 {
        let year: i32 = lead.get(0..4)?.parse().ok()?;
        let month: u32 = lead.get(4..6)?.parse().ok()?;
        let day: u32 = lead.get(6..8)?.parse().ok()?;
        (year, month, day, false)
    } else if lead.len() == 4 {
        let year: i32 = lead.parse().ok()?;
        let sep = scan
            .peek()
            .filter(|c| matches!(c, '-' | '/' | '.' | '年'))?;
        scan.pos += 1;
        let month = scan.number(2)?;
        let month_end = if sep == '年' { '月' } else { sep };
        if !scan.eat(month_end) {
            return None;
        }
        let day = scan.number(2)?;
        let after_ri = sep == '年' && (scan.eat('日') || scan.eat('号'));
        (year, month, day, after_ri)
    } else {
        return None;
    };
    // Excel's calendar runs from 1900-01-01: an earlier year is a typo (`0026-10-03`,
    // `00000106`), never a date of an export, and would silently fall out of every period.
    let date = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| Why::NotCalendarDate {
            date: format!("{year:04}-{month:02}-{day:02}"),
        })
        .and_then(|d| {
            if year < 1900 {
                Err(Why::DateBefore1900 {
                    date: format!("{year:04}-{month:02}-{day:02}"),
                })
            } else {
                Ok(d)
            }
        });
    Some((date, after_ri))
}

/// Parses `H:MM[:SS[.fff]]`. The flag asks to round up one second for a fraction ≥ .5.
fn scan_time(scan: &mut Scanner<'_>) -> Option<(Result<NaiveTime, Why>, bool)> {
    let hour = scan.number(2)?;
    if !scan.eat(':') {
        return None;
    }
    let minute = scan.number(2)?;
    let mut second = 0;
    let mut round_up = false;
    if scan.eat(':') {
        second = scan.number(2)?;
        if scan.eat('.') {
            let frac = scan.digits();
            round_up = frac.bytes().next()? >= b'5';
        }
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second).ok_or_else(|| Why::NotTimeOfDay {
        time: format!("{hour}:{minute:02}:{second:02}"),
    });
    Some((time, round_up))
}

// ---------------------------------------------------------------------------------------------
// Months
// ---------------------------------------------------------------------------------------------

/// A (year, month).
///
/// Text: `2026-10`, `2026/10`, `2026.10`, `2026年10月`, `2026-1`, `202610`; any other text is
/// tried as a date with [`parse_datetime`]. Numbers: an integer `YYYYMM` (202610.0) is a month,
/// anything else a date serial. Numbers (and number-only texts) below 10000 are rejected: they
/// are bare years or month numbers, not serials. Six-digit values (text or number) that are no valid `YYYYMM`
/// (`202613`) are rejected instead of being read as serials, which would land in the years
/// 2173–4637 and hide the typo.
pub fn parse_month(cell: &RawCell, date1904: bool) -> Result<(i32, u32), Why> {
    let not_month = || Why::NotMonth;
    match cell {
        RawCell::Empty => return Err(Why::Empty),
        RawCell::Number(n) => {
            if n.is_finite() && n.fract() == 0.0 && (100_000.0..1_000_000.0).contains(n) {
                return yyyymm(*n as i64).ok_or_else(not_month);
            }
            if *n < MIN_MONTH_SERIAL {
                return Err(not_month());
            }
        }
        RawCell::Text(s) => {
            let t = fold_compact(s);
            if t.is_empty() {
                return Err(Why::Empty);
            }
            if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
                let v: i64 = t.parse().map_err(|_| not_month())?;
                return yyyymm(v).ok_or_else(not_month);
            }
            if let Some(ym) = month_from_text(&t) {
                return ym;
            }
            if is_plain_number(&t) && t.parse::<f64>().map_or(true, |v| v < MIN_MONTH_SERIAL) {
                return Err(not_month());
            }
        }
        _ => {}
    }
    parse_datetime(cell, date1904)
        .map(|d| (d.year(), d.month()))
        .map_err(|_| not_month())
}

/// Serials below this (before 1927-05-18) are rejected as months: a bare `2026` or `10` in a
/// month column is a year or a month number, not a date serial in 1905.
const MIN_MONTH_SERIAL: f64 = 10_000.0;

/// `YYYYMM` with a year from 1900 on and a month 1..=12.
fn yyyymm(v: i64) -> Option<(i32, u32)> {
    let year = i32::try_from(v.div_euclid(100)).ok()?;
    let month = u32::try_from(v.rem_euclid(100)).ok()?;
    ((1900..=9999).contains(&year) && (1..=12).contains(&month)).then_some((year, month))
}

/// `YYYY<sep>M` with sep one of `- / . 年` (and an optional `月` after a `年`). `None` when the
/// text has another shape, `Some(Err)` for month 0 or 13+.
fn month_from_text(t: &str) -> Option<Result<(i32, u32), Why>> {
    let chars: Vec<char> = t.chars().collect();
    let mut scan = Scanner {
        chars: &chars,
        pos: 0,
    };
    let year_digits = scan.digits();
    if year_digits.len() != 4 {
        return None;
    }
    let year: i32 = year_digits.parse().ok()?;
    let sep = scan
        .peek()
        .filter(|c| matches!(c, '-' | '/' | '.' | '年'))?;
    scan.pos += 1;
    let month = scan.number(2)?;
    if sep == '年' {
        scan.eat('月');
    }
    if !scan.at_end() {
        return None;
    }
    Some(if !(1..=12).contains(&month) {
        Err(Why::NoSuchMonth { month })
    } else if year < 1900 {
        Err(Why::YearBefore1900 {
            year: format!("{year:04}"),
        })
    } else {
        Ok((year, month))
    })
}

// ---------------------------------------------------------------------------------------------
// Yes / no
// ---------------------------------------------------------------------------------------------

/// A yes/no flag (deal closed, valid visit …), case-insensitive after folding.
/// Yes: `是 y yes true 1 √ ✓ ✔ 已成交 成交 有效`, Number 1, TRUE.
/// No: `否 n no false 0 × ✗ ✘ 未成交 无效`, Number 0, FALSE.
/// `x`/`X` is deliberately not accepted: people use it both as a tick and as a cross.
pub fn parse_yes_no(cell: &RawCell) -> Result<bool, Why> {
    let not_yes_no = || Why::NotYesNo;
    match cell {
        RawCell::Bool(b) => Ok(*b),
        RawCell::Number(n) if *n == 1.0 => Ok(true),
        RawCell::Number(n) if *n == 0.0 => Ok(false),
        RawCell::Text(s) => match fold_text(s).to_lowercase().as_str() {
            "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "✔" | "已成交" | "成交" | "有效" => {
                Ok(true)
            }
            "否" | "n" | "no" | "false" | "0" | "×" | "✗" | "✘" | "未成交" | "无效" => {
                Ok(false)
            }
            _ => Err(not_yes_no()),
        },
        _ => Err(not_yes_no()),
    }
}

// ---------------------------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------------------------

/// Masks a customer identifier for issue messages (after folding, so full-width digits count
/// as digits). All-digit ids: 7+ digits keep the first 3 and last 4 around `****`
/// (`13800001234` → `138****1234`), 5–6 digits keep the first and last around `***`, shorter
/// ones become all `*`. Anything else (names): the first character then one `*` per remaining
/// character (`张三` → `张*`, `欧阳娜娜` → `欧***`); a single character becomes `*`.
/// Works on characters, never bytes.
pub fn mask_customer(id: &str) -> String {
    let chars: Vec<char> = fold_text(id).chars().collect();
    let n = chars.len();
    let keep = |head: usize, stars: &str, tail: usize| -> String {
        let mut out: String = chars.iter().take(head).collect();
        out.push_str(stars);
        out.extend(chars.iter().skip(n.saturating_sub(tail)));
        out
    };
    if n == 0 {
        String::new()
    } else if chars.iter().all(char::is_ascii_digit) {
        match n {
            7.. => keep(3, "****", 4),
            5..=6 => keep(1, "***", 1),
            _ => "*".repeat(n),
        }
    } else if n == 1 {
        "*".to_string()
    } else {
        let mut out: String = chars.iter().take(1).collect();
        out.push_str(&"*".repeat(n.saturating_sub(1)));
        out
    }
}

/// A maximal run of digits (ASCII or full-width) in a text: its byte range and its digits
/// in ASCII.
struct DigitRun {
    start: usize,
    end: usize,
    digits: String,
}

fn digit_runs(text: &str) -> Vec<DigitRun> {
    let mut runs: Vec<DigitRun> = Vec::new();
    let mut open = false;
    for (i, c) in text.char_indices() {
        let d = match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        };
        match (d, open) {
            (Some(d), true) => {
                let run = runs.last_mut().expect("an open run");
                run.digits.push(d);
                run.end = i + c.len_utf8();
            }
            (Some(d), false) => {
                runs.push(DigitRun {
                    start: i,
                    end: i + c.len_utf8(),
                    digits: d.to_string(),
                });
                open = true;
            }
            (None, _) => open = false,
        }
    }
    runs
}

/// Whether 11 ASCII digits are a mainland mobile number: 1, then 3–9.
fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// `138****1234` for a mobile number's 11 digits.
fn masked_mobile(d: &str) -> String {
    format!("{}****{}", &d[..3], &d[7..])
}

/// A whole digit run that is a mobile number, alone or after the country code 86 / 0086
/// (`+8613800001234`), masked.
fn masked_run(d: &str) -> Option<String> {
    if is_mobile(d) {
        return Some(masked_mobile(d));
    }
    ["86", "0086"].iter().find_map(|cc| {
        d.strip_prefix(cc)
            .filter(|rest| is_mobile(rest))
            .map(|rest| format!("{cc}{}", masked_mobile(rest)))
    })
}

/// Masks every mainland mobile number in a text (SPEC §2.5): 11 digits starting 13–19 that are
/// not part of a longer run of digits (`13800001234` → `138****1234`, also after `86`/`0086`,
/// in full-width digits, or written `138-0000-1234` / `138 0000 1234`). Every data issue's
/// message and value pass through here (`Issue::new`, `Issue::value`), so a phone number typed
/// into a date, amount or staff column is never printed, whatever column it came from. Other
/// digits (dates, amounts, 12-digit ids) are left as they are.
pub fn mask_phone_numbers(text: &str) -> std::borrow::Cow<'_, str> {
    // Fast path: fewer than 11 digits of any kind cannot hold a number.
    if text.chars().filter(|c| c.is_numeric()).count() < 11 {
        return std::borrow::Cow::Borrowed(text);
    }
    let runs = digit_runs(text);
    let mut cuts: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        if let Some(m) = masked_run(&runs[i].digits) {
            cuts.push((runs[i].start, runs[i].end, m));
            i += 1;
            continue;
        }
        // 3-4-4 groups joined by one `-` or one space, the same both times.
        if let [a, b, c, ..] = &runs[i..] {
            let (sep1, sep2) = (&text[a.end..b.start], &text[b.end..c.start]);
            let grouped = [a.digits.len(), b.digits.len(), c.digits.len()] == [3, 4, 4]
                && sep1 == sep2
                && (sep1 == "-" || sep1 == " ");
            let digits = format!("{}{}{}", a.digits, b.digits, c.digits);
            if grouped && is_mobile(&digits) {
                cuts.push((
                    a.start,
                    c.end,
                    format!("{}{sep1}****{sep1}{}", a.digits, c.digits),
                ));
                i += 3;
                continue;
            }
        }
        i += 1;
    }
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, masked) in cuts {
        out.push_str(&text[at..start]);
        out.push_str(&masked);
        at = end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mask_phone_numbers_table() {
        let cases = [
            ("13800001234", "138****1234"),
            ("'13800001234' is not a date", "'138****1234' is not a date"),
            ("13800001234.0", "138****1234.0"),
            ("１３８００００１２３４", "138****1234"),
            ("+8613800001234", "+86138****1234"),
            ("008619912345678", "0086199****5678"),
            (
                "tel 138-0000-1234 or 138 0000 1234",
                "tel 138-****-1234 or 138 **** 1234",
            ),
            (
                "a 15912345678, b 17700001111",
                "a 159****5678, b 177****1111",
            ),
            ("张三13800001234号", "张三138****1234号"),
            // Not mobile numbers: second digit 0–2, a longer or shorter run, mixed separators.
            ("12800001234", "12800001234"),
            ("138000012345", "138000012345"),
            ("1380000123", "1380000123"),
            ("9913800001234", "9913800001234"),
            ("138-0000 1234", "138-0000 1234"),
            ("20261003", "20261003"),
            ("", ""),
        ];
        for (text, want) in cases {
            assert_eq!(mask_phone_numbers(text), want, "{text:?}");
        }
        // Masking is idempotent.
        assert_eq!(mask_phone_numbers("138****1234"), "138****1234");
    }

    proptest! {
        /// Any text: no panic, idempotent, and no 11-digit mobile run left.
        #[test]
        fn mask_phone_numbers_never_panics_and_leaves_no_mobile(
            text in "[0-9０-９+\\- a张.]{0,40}"
        ) {
            let once = mask_phone_numbers(&text).into_owned();
            prop_assert_eq!(mask_phone_numbers(&once).into_owned(), once.clone());
            prop_assert!(digit_runs(&once).iter().all(|r| masked_run(&r.digits).is_none()));
        }
    }

    fn text(s: &str) -> RawCell {
        RawCell::Text(s.into())
    }

    fn dt(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, mi, s))
            .expect("test date")
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test date")
    }

    #[test]
    fn fold_text_table() {
        let cases = [
            ("１２３", "123"),
            ("Ａｂｃ", "Abc"),
            ("  张三  ", "张三"),
            ("张\u{3000}三", "张三"),
            ("\u{3000}李四\u{3000}", "李四"),
            ("a   b\tc", "a b c"),
            ("\u{FEFF}姓名", "姓名"),
            ("（元）", "(元)"),
            ("", ""),
            ("   ", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(fold_text(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn normalize_name_table() {
        let d = dt(2026, 10, 3, 0, 0, 0);
        let cases: Vec<(RawCell, Option<&str>)> = vec![
            (text(" 张三 "), Some("张三")),
            (text("张\u{3000}三"), Some("张三")),
            (text("Ｌｉｓａ"), Some("Lisa")),
            (text("Anna  Li"), Some("Anna Li")),
            (text("13800001234.0"), Some("13800001234")),
            (text("13800001234.00"), Some("13800001234")),
            (text("１３８００００１２３４"), Some("13800001234")),
            (text("12.5"), Some("12.5")),
            (text("A12.0"), Some("A12.0")),
            (RawCell::Number(13800001234.0), Some("13800001234")),
            (RawCell::Number(-0.0), Some("0")),
            (RawCell::Number(12.5), Some("12.5")),
            (RawCell::Bool(true), Some("TRUE")),
            (RawCell::Date(d), Some("2026-10-03")),
            (RawCell::Empty, None),
            (text(""), None),
            (text("  \u{3000} "), None),
            (RawCell::Error("#N/A".into()), None),
            (RawCell::Number(f64::NAN), None),
            (RawCell::Number(f64::INFINITY), None),
        ];
        for (cell, expected) in cases {
            assert_eq!(normalize_name(&cell).as_deref(), expected, "cell {cell:?}");
        }
    }

    #[test]
    fn normalize_header_table() {
        let cases = [
            ("实收金额(元)", "实收金额"),
            ("实收金额（元）", "实收金额"),
            ("金额[元]", "金额"),
            ("金额【元】", "金额"),
            ("金额 (元)", "金额"),
            ("*顾客姓名", "顾客姓名"),
            ("顾客姓名*", "顾客姓名"),
            ("＊实收金额（元）", "实收金额"),
            ("实收金额(元)*", "实收金额"),
            (" 顾客 姓名 ", "顾客姓名"),
            ("顾客\u{3000}姓名", "顾客姓名"),
            ("顾客\u{A0}姓名", "顾客姓名"),
            ("Staff ID", "staffid"),
            ("ＳＴＡＦＦ", "staff"),
            ("(元)", "(元)"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_header(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn parse_amount_accepts() {
        let cases: Vec<(RawCell, i64)> = vec![
            (text("¥3,200.00"), 320_000),
            (text("￥3,200.00"), 320_000),
            (text("3200元"), 320_000),
            (text("3,200"), 320_000),
            (text("3，200"), 320_000),
            (text("-300"), -30_000),
            (text("－300"), -30_000),
            (text("\u{2212}300"), -30_000),
            (text("(300)"), -30_000),
            (text("（300）"), -30_000),
            (text("(¥300.50)"), -30_050),
            (text("１２３"), 12_300),
            (text(" 3200.5 "), 320_050),
            (text("RMB 3200"), 320_000),
            (text("rmb3200"), 320_000),
            (text("CNY 3200"), 320_000),
            (text("3200 RMB"), 320_000),
            (text("3200.00元"), 320_000),
            (text("+100"), 10_000),
            (text("¥-300"), -30_000),
            (text("-¥300"), -30_000),
            (text("¥ 3,200"), 320_000),
            (text("1,234,567.89"), 123_456_789),
            (text("12,500"), 1_250_000),
            (text("999,999.5"), 99_999_950),
            (text(".5"), 50),
            (text("5."), 500),
            (text("0"), 0),
            (text("-0"), 0),
            (text("0.005"), 1),
            (text("0.004"), 0),
            (text("1.235"), 124),
            (text("1.2349"), 123),
            (text("-1.235"), -124),
            (text("-0.005"), -1),
            (text("9999999999999.99"), 999_999_999_999_999),
            (RawCell::Number(3200.0), 320_000),
            (RawCell::Number(3200.5), 320_050),
            (RawCell::Number(-300.0), -30_000),
            (RawCell::Number(0.285), 29),
            (RawCell::Number(1.005), 101),
            (RawCell::Number(-1.005), -101),
            (RawCell::Number(0.1 + 0.2), 30),
            (RawCell::Number(1e-300), 0),
            (RawCell::Number(9_999_999_999_999.0), 999_999_999_999_900),
        ];
        for (cell, expected) in cases {
            assert_eq!(parse_amount(&cell), Ok(expected), "cell {cell:?}");
        }
    }

    #[test]
    fn parse_amount_rejects() {
        let cases: Vec<RawCell> = vec![
            RawCell::Empty,
            text(""),
            text("   "),
            text("abc"),
            text("1e999"),
            text("1e3"),
            text("NaN"),
            text("inf"),
            text("-inf"),
            text("12.3.4"),
            text("--5"),
            text("+-5"),
            text("(-300)"),
            text("(300"),
            text("¥¥300"),
            text(",300"),
            text("300,"),
            text("3,,200"),
            // A comma groups exactly three digits (SPEC §2.2): comma decimals and Indian
            // grouping are not amounts.
            text("12,50"),
            text("1 234,50"),
            text("1280,5"),
            text("3,20,0.0"),
            text("1,00,000"),
            text("1234,567"),
            text("1,2345"),
            text("3.200,5"),
            text("1.2,3"),
            text("."),
            text("-"),
            text("¥"),
            text("元"),
            text("30%"),
            text("3200元整"),
            text("12a"),
            text("10000000000000"),
            text("99999999999999999999999999"),
            RawCell::Number(f64::NAN),
            RawCell::Number(f64::INFINITY),
            RawCell::Number(f64::NEG_INFINITY),
            RawCell::Number(1e13),
            RawCell::Number(-1e13),
            RawCell::Number(1e300),
            RawCell::Bool(true),
            RawCell::Date(dt(2026, 10, 3, 0, 0, 0)),
            RawCell::BadDate(-5.0),
            RawCell::Error("#VALUE!".into()),
        ];
        for cell in cases {
            assert!(parse_amount(&cell).is_err(), "cell {cell:?} accepted");
        }
        assert_eq!(parse_amount(&RawCell::Empty), Err(Why::Empty));
        assert_eq!(parse_amount(&text("abc")), Err(Why::NotAmount));
    }

    #[test]
    fn parse_number_table() {
        let accepted: Vec<(RawCell, f64)> = vec![
            (text("95"), 95.0),
            (text(" 4.5 "), 4.5),
            (text("-3"), -3.0),
            (text("－3"), -3.0),
            (text("+7"), 7.0),
            (text("１２３.５"), 123.5),
            (text("12,000"), 12000.0),
            (text("1,234.5"), 1234.5),
            (text(".5"), 0.5),
            (text("5."), 5.0),
            (text("1.2E+3"), 1200.0),
            (text("1e-2"), 0.01),
            (text("0"), 0.0),
            (RawCell::Number(88.5), 88.5),
            (RawCell::Number(-1e300), -1e300),
        ];
        for (cell, expected) in accepted {
            assert_eq!(parse_number(&cell), Ok(expected), "cell {cell:?}");
        }
        let rejected: Vec<RawCell> = vec![
            RawCell::Empty,
            text(""),
            text("abc"),
            text("NaN"),
            text("nan"),
            text("inf"),
            text("infinity"),
            text("-inf"),
            text("1e999"),
            text("-1e999"),
            text("1e99999999999999999999999"),
            text("1e"),
            text("e5"),
            text("1e+"),
            text("12.3.4"),
            text("--5"),
            text("50%"),
            text(",5"),
            text("¥5"),
            text("0x10"),
            RawCell::Number(f64::NAN),
            RawCell::Number(f64::INFINITY),
            RawCell::Bool(false),
            RawCell::Date(dt(2026, 10, 3, 0, 0, 0)),
            RawCell::BadDate(1.0),
            RawCell::Error("#DIV/0!".into()),
        ];
        for cell in rejected {
            assert!(parse_number(&cell).is_err(), "cell {cell:?} accepted");
        }
    }

    #[test]
    fn serial_1900_system() {
        let cases: Vec<(f64, NaiveDateTime)> = vec![
            (1.0, dt(1900, 1, 1, 0, 0, 0)),
            (59.0, dt(1900, 2, 28, 0, 0, 0)),
            (61.0, dt(1900, 3, 1, 0, 0, 0)),
            (45658.0, dt(2025, 1, 1, 0, 0, 0)),
            (46298.0, dt(2026, 10, 3, 0, 0, 0)),
            (46298.5, dt(2026, 10, 3, 12, 0, 0)),
            (46298.604166666664, dt(2026, 10, 3, 14, 30, 0)),
            // 0.999999 of a day is 86399.91 s: rounds to the next midnight.
            (46297.999999, dt(2026, 10, 3, 0, 0, 0)),
            (2_958_465.0, dt(9999, 12, 31, 0, 0, 0)),
            (2_958_465.5, dt(9999, 12, 31, 12, 0, 0)),
        ];
        for (serial, expected) in cases {
            assert_eq!(
                serial_to_datetime(serial, false),
                Ok(expected),
                "serial {serial}"
            );
        }
        assert_eq!(serial_to_datetime(60.0, false), Err(Why::FakeLeapDay));
        assert_eq!(
            serial_to_datetime(60.5, false).map(|d| d.date()),
            Err(Why::FakeLeapDay)
        );
        for bad in [
            -1.0,
            0.0,
            0.5,
            2_958_466.0,
            2_958_465.999_999_9,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert!(
                serial_to_datetime(bad, false).is_err(),
                "serial {bad} accepted"
            );
        }
    }

    #[test]
    fn serial_1904_system() {
        let cases: Vec<(f64, NaiveDate)> = vec![
            (0.0, day(1904, 1, 1)),
            (1.0, day(1904, 1, 2)),
            // The same serial is 1462 days later than in the 1900 system.
            (46298.0, day(2030, 10, 4)),
            (46298.0 - 1462.0, day(2026, 10, 3)),
            (2_957_003.0, day(9999, 12, 31)),
        ];
        for (serial, expected) in cases {
            assert_eq!(
                serial_to_datetime(serial, true).map(|d| d.date()),
                Ok(expected),
                "serial {serial}"
            );
        }
        for bad in [-1.0, -0.5, 2_957_004.0, 2_958_466.0, f64::NAN] {
            assert!(
                serial_to_datetime(bad, true).is_err(),
                "serial {bad} accepted"
            );
        }
    }

    #[test]
    fn numbers_are_dates_only_as_yyyymmdd_or_plausible_serials() {
        // SPEC §2.2: 8 digits are yyyymmdd; other digits are a serial of a day in 1990–2100.
        assert_eq!(
            parse_datetime(&RawCell::Number(20261003.0), false),
            Ok(dt(2026, 10, 3, 0, 0, 0))
        );
        assert_eq!(
            parse_datetime(&RawCell::Number(46298.0), false),
            Ok(dt(2026, 10, 3, 0, 0, 0))
        );
        // 32874 is 1990-01-01, 73415 is 2100-12-31 (1900 system).
        assert_eq!(
            parse_date(&RawCell::Number(32874.0), false),
            Ok(day(1990, 1, 1))
        );
        assert_eq!(
            parse_date(&RawCell::Number(73415.0), false),
            Ok(day(2100, 12, 31))
        );
        for bad in ["261003", "1003", "32873", "73416", "20261", "2026100"] {
            let err = parse_datetime(&text(bad), false).unwrap_err();
            assert!(
                matches!(err, Why::ImplausibleSerial { .. }),
                "{bad}: {err:?}"
            );
        }
        // 261003 as a serial is 1899-12-30 + 261003 days = 2614-08-07: named, never counted
        // out of the period.
        assert_eq!(
            parse_datetime(&RawCell::Number(261003.0), false),
            Err(Why::ImplausibleSerial {
                date: "2614-08-07".into(),
                first: "1990-01-01".into(),
                last: "2100-12-31".into()
            })
        );
        assert!(parse_datetime(&RawCell::Number(1003.0), false).is_err());
        // In the 1904 system the range is of days too: 31412 is 1990-01-01 there.
        assert_eq!(
            parse_date(&RawCell::Number(31412.0), true),
            Ok(day(1990, 1, 1))
        );
        assert!(parse_date(&RawCell::Number(31411.0), true).is_err());
        // Cells the workbook formats as dates are taken as they are.
        assert_eq!(
            parse_date(&RawCell::Date(dt(1985, 3, 1, 0, 0, 0)), false),
            Ok(day(1985, 3, 1))
        );
    }

    #[test]
    fn parse_datetime_text_accepts() {
        let cases: Vec<(&str, NaiveDateTime)> = vec![
            ("2026-10-03", dt(2026, 10, 3, 0, 0, 0)),
            ("2026/10/3", dt(2026, 10, 3, 0, 0, 0)),
            ("2026.10.03", dt(2026, 10, 3, 0, 0, 0)),
            ("20261003", dt(2026, 10, 3, 0, 0, 0)),
            ("2026年10月3日", dt(2026, 10, 3, 0, 0, 0)),
            ("2026年10月3", dt(2026, 10, 3, 0, 0, 0)),
            ("2026年10月03日 14:30", dt(2026, 10, 3, 14, 30, 0)),
            ("2026年10月03日14:30", dt(2026, 10, 3, 14, 30, 0)),
            ("2026-10-03 14:30:00", dt(2026, 10, 3, 14, 30, 0)),
            ("2026/10/3 9:05", dt(2026, 10, 3, 9, 5, 0)),
            ("2026-10-03T14:30:00", dt(2026, 10, 3, 14, 30, 0)),
            ("2026-10-03T14:30:05.600", dt(2026, 10, 3, 14, 30, 6)),
            ("2026-12-31 23:59:59.5", dt(2027, 1, 1, 0, 0, 0)),
            ("2026-10-03   14:30", dt(2026, 10, 3, 14, 30, 0)),
            ("２０２６－１０－０３", dt(2026, 10, 3, 0, 0, 0)),
            (
                "２０２６年１０月３日 １４：３０",
                dt(2026, 10, 3, 14, 30, 0),
            ),
            ("20261003 08:00", dt(2026, 10, 3, 8, 0, 0)),
            (" 2024-02-29 ", dt(2024, 2, 29, 0, 0, 0)),
            ("46298", dt(2026, 10, 3, 0, 0, 0)),
            ("46298.5", dt(2026, 10, 3, 12, 0, 0)),
            ("４６２９８", dt(2026, 10, 3, 0, 0, 0)),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_datetime(&text(input), false),
                Ok(expected),
                "input {input:?}"
            );
        }
        // A text serial follows the workbook's date system too: 44836 is 2026-10-03 there.
        assert_eq!(parse_date(&text("44836"), true), Ok(day(2026, 10, 3)));
        assert_eq!(parse_date(&text("60"), false), Err(Why::FakeLeapDay));
    }

    #[test]
    fn parse_datetime_rejects() {
        let texts = [
            "",
            "   ",
            "abc",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2025-02-29",
            "20261301",
            "2026-10",
            "2026-10-03 25:00",
            "2026-10-03 14:60",
            "2026-10-03 14",
            "2026-10-03 14:30 下午",
            "下午 2026-10-03",
            "2026-10/03",
            "2026年10-03",
            "26-10-03",
            "2026-10-03X",
            "2026-10-03T",
            "2026-1003",
            "2026-10-003",
            "0",
            "-1",
            "2958466",
            "1e5",
            "NaN",
            // Found by fuzzing (values target): years before Excel's calendar were accepted.
            "00000106",
            "0026-10-03",
            "1899年12月31日",
            "9999-12-31 23:59:59.5",
        ];
        for input in texts {
            assert!(
                parse_datetime(&text(input), false).is_err(),
                "input {input:?} accepted"
            );
        }
        assert_eq!(
            parse_datetime(&RawCell::BadDate(-3.0), false),
            Err(Why::NotRealDate)
        );
        for cell in [
            RawCell::Empty,
            RawCell::Bool(true),
            RawCell::Error("#N/A".into()),
        ] {
            assert!(parse_datetime(&cell, false).is_err(), "cell {cell:?}");
        }
        let d = dt(2026, 10, 3, 14, 30, 0);
        assert_eq!(parse_datetime(&RawCell::Date(d), false), Ok(d));
        assert_eq!(parse_date(&RawCell::Date(d), true), Ok(day(2026, 10, 3)));
    }

    #[test]
    fn parse_yes_no_table() {
        let yes = [
            "是",
            "Y",
            "y",
            "yes",
            "Yes",
            "YES",
            "true",
            "TRUE",
            "1",
            "√",
            "✓",
            "✔",
            "已成交",
            "成交",
            "有效",
            " 是 ",
            "Ｙｅｓ",
            "１",
        ];
        for input in yes {
            assert_eq!(parse_yes_no(&text(input)), Ok(true), "input {input:?}");
        }
        let no = [
            "否",
            "N",
            "n",
            "no",
            "No",
            "false",
            "FALSE",
            "0",
            "×",
            "✗",
            "✘",
            "未成交",
            "无效",
        ];
        for input in no {
            assert_eq!(parse_yes_no(&text(input)), Ok(false), "input {input:?}");
        }
        assert_eq!(parse_yes_no(&RawCell::Number(1.0)), Ok(true));
        assert_eq!(parse_yes_no(&RawCell::Number(0.0)), Ok(false));
        assert_eq!(parse_yes_no(&RawCell::Bool(true)), Ok(true));
        assert_eq!(parse_yes_no(&RawCell::Bool(false)), Ok(false));
        let rejected = vec![
            text(""),
            text("x"),
            text("maybe"),
            text("2"),
            text("是否"),
            text("yess"),
            RawCell::Empty,
            RawCell::Number(2.0),
            RawCell::Number(0.5),
            RawCell::Number(f64::NAN),
            RawCell::Date(dt(2026, 10, 3, 0, 0, 0)),
            RawCell::BadDate(1.0),
            RawCell::Error("#N/A".into()),
        ];
        for cell in rejected {
            assert_eq!(parse_yes_no(&cell), Err(Why::NotYesNo), "cell {cell:?}");
        }
    }

    #[test]
    fn parse_month_table() {
        let accepted: Vec<(RawCell, (i32, u32))> = vec![
            (text("2026-10"), (2026, 10)),
            (text("2026/10"), (2026, 10)),
            (text("2026.10"), (2026, 10)),
            (text("2026.1"), (2026, 1)),
            (text("2026年10月"), (2026, 10)),
            (text("2026年1月"), (2026, 1)),
            (text("2026 年 10 月"), (2026, 10)),
            (text("202610"), (2026, 10)),
            (text("2026-1"), (2026, 1)),
            (text("２０２６－１０"), (2026, 10)),
            (text("2026-10-03"), (2026, 10)),
            (text("2026年10月3日"), (2026, 10)),
            (text("20261003"), (2026, 10)),
            (text("2026-10-03 14:30"), (2026, 10)),
            (text("46298"), (2026, 10)),
            (RawCell::Number(202610.0), (2026, 10)),
            (RawCell::Number(46298.0), (2026, 10)),
            (RawCell::Number(46298.75), (2026, 10)),
            (RawCell::Date(dt(2026, 10, 3, 0, 0, 0)), (2026, 10)),
        ];
        for (cell, expected) in accepted {
            assert_eq!(parse_month(&cell, false), Ok(expected), "cell {cell:?}");
        }
        assert_eq!(parse_month(&RawCell::Number(46298.0), true), Ok((2030, 10)));
        let rejected = vec![
            RawCell::Empty,
            text(""),
            text("abc"),
            text("2026-13"),
            text("2026-0"),
            text("202613"),
            text("202600"),
            text("2026年13月"),
            text("2026-10-32"),
            text("10月"),
            text("2026"),
            text("10"),
            text("2026.5.1.2"),
            text("0026-10"),
            text("0000年1月"),
            RawCell::Number(2026.0),
            RawCell::Number(10.0),
            RawCell::Number(202613.0),
            RawCell::Number(60.0),
            RawCell::Number(-1.0),
            RawCell::Number(f64::NAN),
            RawCell::BadDate(1e9),
            RawCell::Bool(true),
            RawCell::Error("#REF!".into()),
        ];
        for cell in rejected {
            assert!(parse_month(&cell, false).is_err(), "cell {cell:?} accepted");
        }
    }

    #[test]
    fn mask_customer_table() {
        let cases = [
            ("13800001234", "138****1234"),
            ("１３８００００１２３４", "138****1234"),
            ("1234567", "123****4567"),
            ("123456789012", "123****9012"),
            ("123456", "1***6"),
            ("12345", "1***5"),
            ("1234", "****"),
            ("1", "*"),
            ("张三", "张*"),
            ("欧阳娜娜", "欧***"),
            ("李", "*"),
            ("Lisa", "L***"),
            ("VIP00123", "V*******"),
            (" 张三 ", "张*"),
            ("", ""),
            ("😀😀", "😀*"),
        ];
        for (input, expected) in cases {
            assert_eq!(mask_customer(input), expected, "input {input:?}");
        }
    }

    fn any_cell_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            proptest::num::f64::ANY,
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::MAX),
            Just(f64::MIN),
            Just(f64::MIN_POSITIVE),
            -3.0e6..3.0e6f64,
            -1.0e14..1.0e14f64,
        ]
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            // Characters that reach deep into the amount, number, date and month grammars.
            "[0-9０-９.,，:：年月日号/ T\\-－+()（）¥￥元eE*\u{3000}]{0,24}",
        ]
    }

    fn exercise(cell: &RawCell) {
        let _ = parse_amount(cell);
        let _ = parse_number(cell);
        let _ = parse_yes_no(cell);
        let _ = normalize_name(cell);
        for date1904 in [false, true] {
            let _ = parse_datetime(cell, date1904);
            let _ = parse_date(cell, date1904);
            let _ = parse_month(cell, date1904);
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_text(s in any_text()) {
            exercise(&RawCell::Text(s.as_str().into()));
            let _ = mask_customer(&s);
            let _ = normalize_header(&s);
            let _ = fold_text(&s);
        }

        #[test]
        fn plain_names_are_normalized_names(
            s in prop_oneof![
                any_text(),
                "[ 　\u{200B}Ａ-Ｚa-z0-9.林王客户]{0,12}",
            ]
        ) {
            // The shortcut agrees with the full normalisation wherever it applies.
            let cell = RawCell::Text(s.as_str().into());
            if let Some(plain) = plain_name(&cell) {
                prop_assert_eq!(Some(plain.to_string()), normalize_name(&cell));
            }
        }

        #[test]
        fn never_panics_on_numbers(n in any_cell_f64()) {
            exercise(&RawCell::Number(n));
            exercise(&RawCell::BadDate(n));
            exercise(&RawCell::Text(format!("{n}").into()));
            exercise(&RawCell::Text(format!("{n:e}").into()));
        }

        #[test]
        fn amounts_within_limit(n in -1.0e13..1.0e13f64) {
            // Every in-range number is accepted and lands within half a cent of x * 100.
            let cents = parse_amount(&RawCell::Number(n));
            prop_assert!(cents.is_ok());
            let cents = cents.unwrap_or_default() as f64;
            prop_assert!((cents - n * 100.0).abs() <= 0.5 + n.abs() * 1e-13);
        }
    }

    #[test]
    fn plain_names_skip_folding_only_when_folding_changes_nothing() {
        let t = |s: &str| RawCell::Text(s.into());
        assert_eq!(plain_name(&t("13800001234")), Some("13800001234"));
        assert_eq!(
            plain_name(&t("SY2026010100000001")),
            Some("SY2026010100000001")
        );
        assert_eq!(plain_name(&t("林晓雯")), Some("林晓雯"));
        // Excel's `.0` on an id goes, as in normalize_name.
        assert_eq!(plain_name(&t("13800001234.0")), Some("13800001234"));
        // Anything folding would change takes the full path.
        for s in [
            "林 晓雯",
            " 林晓雯",
            "林\u{3000}晓雯",
            "ＳＹ１",
            "王\u{200B}",
            "",
        ] {
            assert_eq!(plain_name(&t(s)), None, "{s:?}");
        }
        assert_eq!(plain_name(&RawCell::Number(13800001234.0)), None);
    }
}
