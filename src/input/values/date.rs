//! Dates, times and months: date cells, Excel serials in either date system, and texts.

use super::*;

/// The last serial of the 1900 date system: 9999-12-31, the last date Excel can show.
pub(super) const LAST_SERIAL_1900: i64 = 2_958_465;

/// Serial 60 of the 1900 system is the 1900-02-29 that Lotus 1-2-3 invented and Excel kept.
pub(super) const FAKE_LEAP_DAY_1900: i64 = 60;

pub(super) const SECONDS_PER_DAY: i64 = 86_400;

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
pub(super) const FIRST_SERIAL_DAY: (i32, u32, u32) = (1990, 1, 1);
pub(super) const LAST_SERIAL_DAY: (i32, u32, u32) = (2100, 12, 31);

/// A number read as a date: an 8-digit `YYYYMMDD`, else a serial of a plausible day.
pub(super) fn number_as_date(n: f64, date1904: bool) -> Result<NaiveDateTime, Why> {
    if n.is_finite() && n.fract() == 0.0 && (10_000_000.0..100_000_000.0).contains(&n) {
        return datetime_from_text(&format!("{}", n as i64), date1904);
    }
    plausible_serial(serial_to_datetime(n, date1904)?)
}

/// A serial's date, kept only between 1990-01-01 and 2100-12-31.
pub(super) fn plausible_serial(d: NaiveDateTime) -> Result<NaiveDateTime, Why> {
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
pub(super) fn is_plain_number(t: &str) -> bool {
    split_decimal(t).is_some() && !t.contains(',')
}

pub(super) fn datetime_from_text(s: &str, date1904: bool) -> Result<NaiveDateTime, Why> {
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
pub(super) struct Scanner<'a> {
    pub(super) chars: &'a [char],
    pub(super) pos: usize,
}

impl Scanner<'_> {
    pub(super) fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    pub(super) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes a run of ASCII digits and returns them.
    pub(super) fn digits(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek().filter(char::is_ascii_digit) {
            out.push(c);
            self.pos += 1;
        }
        out
    }

    /// Consumes a run of 1..=max digits as a number.
    pub(super) fn number(&mut self, max_len: usize) -> Option<u32> {
        let d = self.digits();
        if d.is_empty() || d.len() > max_len {
            return None;
        }
        d.parse().ok()
    }
}

/// Parses the date part. `None` when the text does not have a date shape; `Some(Err)` when it
/// does but names no calendar date. The flag tells whether the date ended with `日`.
pub(super) fn scan_date(scan: &mut Scanner<'_>) -> Option<(Result<NaiveDate, Why>, bool)> {
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
pub(super) fn scan_time(scan: &mut Scanner<'_>) -> Option<(Result<NaiveTime, Why>, bool)> {
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
pub(super) const MIN_MONTH_SERIAL: f64 = 10_000.0;

/// `YYYYMM` with a year from 1900 on and a month 1..=12.
pub(super) fn yyyymm(v: i64) -> Option<(i32, u32)> {
    let year = i32::try_from(v.div_euclid(100)).ok()?;
    let month = u32::try_from(v.rem_euclid(100)).ok()?;
    ((1900..=9999).contains(&year) && (1..=12).contains(&month)).then_some((year, month))
}

/// `YYYY<sep>M` with sep one of `- / . 年` (and an optional `月` after a `年`). `None` when the
/// text has another shape, `Some(Err)` for month 0 or 13+.
pub(super) fn month_from_text(t: &str) -> Option<Result<(i32, u32), Why>> {
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
