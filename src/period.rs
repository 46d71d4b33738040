//! Scoring periods (SPEC §4): a month, quarter, year or an inclusive date range.

use crate::words::cmd::Usage;
use crate::words::Fail;
use anyhow::{bail, Result};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    Range,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[serde(skip)]
    pub kind: PeriodKind,
}

impl Period {
    /// The command-line flags that name this period: `--month 2026-10`, `--year 2026`, ….
    pub fn flags(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("--month {}", self.label),
            PeriodKind::Quarter => format!("--quarter {}", self.label),
            PeriodKind::Year => format!("--year {}", self.label),
            PeriodKind::Range => format!("--from {} --to {}", self.start, self.end),
        }
    }

    pub fn month(year: i32, month: u32) -> Result<Period> {
        let start = NaiveDate::from_ymd_opt(year, month, 1)
            .ok_or_else(|| outside(format!("{year}-{month:02}")))?;
        let end = add_months(start, 1)? - chrono::Duration::days(1);
        Ok(Period {
            label: format!("{year:04}-{month:02}"),
            start,
            end,
            kind: PeriodKind::Month,
        })
    }

    pub fn quarter(year: i32, q: u32) -> Result<Period> {
        if !(1..=4).contains(&q) {
            bail!(Fail::new(Usage::QuarterRange { q }));
        }
        let start = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)
            .ok_or_else(|| outside(format!("{year}Q{q}")))?;
        let end = add_months(start, 3)? - chrono::Duration::days(1);
        Ok(Period {
            label: format!("{year:04}Q{q}"),
            start,
            end,
            kind: PeriodKind::Quarter,
        })
    }

    pub fn year(year: i32) -> Result<Period> {
        let start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| outside(year.to_string()))?;
        let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| outside(year.to_string()))?;
        Ok(Period {
            label: format!("{year:04}"),
            start,
            end,
            kind: PeriodKind::Year,
        })
    }

    pub fn range(start: NaiveDate, end: NaiveDate) -> Result<Period> {
        if end < start {
            bail!(Fail::new(Usage::ToBeforeFrom {
                from: start.to_string(),
                to: end.to_string(),
            }));
        }
        Ok(Period {
            label: format!("{start}~{end}"),
            start,
            end,
            kind: PeriodKind::Range,
        })
    }

    /// `--month 2026-10` (also `2026年10月`, `202610`).
    pub fn parse_month(s: &str) -> Result<Period> {
        let t = s.trim();
        let digits: Vec<&str> = t
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .collect();
        let (y, m) = match digits.as_slice() {
            [y, m] => (y.parse::<i32>().ok(), m.parse::<u32>().ok()),
            [ym] if ym.len() == 6 => (ym[..4].parse().ok(), ym[4..].parse().ok()),
            _ => (None, None),
        };
        match (y, m) {
            (Some(y), Some(m)) if (1..=12).contains(&m) && (1900..=9999).contains(&y) => {
                Period::month(y, m)
            }
            _ => bail!(Fail::new(Usage::BadMonth { given: s.into() })),
        }
    }

    /// `--quarter 2026Q3` (also `2026-Q3`, `2026q3`).
    pub fn parse_quarter(s: &str) -> Result<Period> {
        let t = s.trim().to_ascii_uppercase();
        let parsed = t.split_once('Q').and_then(|(y, q)| {
            let y = y.trim_end_matches('-').parse::<i32>().ok()?;
            let q = q.parse::<u32>().ok()?;
            Some((y, q))
        });
        match parsed {
            Some((y, q)) if (1900..=9999).contains(&y) && (1..=4).contains(&q) => {
                Period::quarter(y, q)
            }
            _ => bail!(Fail::new(Usage::BadQuarter { given: s.into() })),
        }
    }

    pub fn parse_year(s: &str) -> Result<Period> {
        match s.trim().parse::<i32>() {
            Ok(y) if (1900..=9999).contains(&y) => Period::year(y),
            _ => bail!(Fail::new(Usage::BadYear { given: s.into() })),
        }
    }

    /// The calendar month before `today` (what a cron job on the 1st wants).
    pub fn previous_month_of(today: NaiveDate) -> Result<Period> {
        let first = today.with_day(1).unwrap_or(today);
        let prev = first
            .checked_sub_months(Months::new(1))
            .ok_or_else(|| outside(format!("{today}")))?;
        Period::month(prev.year(), prev.month())
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Months in the period: 1, 3, 12, or days ÷ 30.4375 for a range (SPEC §3.2).
    pub fn months(&self) -> f64 {
        match self.kind {
            PeriodKind::Month => 1.0,
            PeriodKind::Quarter => 3.0,
            PeriodKind::Year => 12.0,
            PeriodKind::Range => self.days() as f64 / 30.4375,
        }
    }

    /// The (year, month) pairs the period touches.
    pub fn year_months(&self) -> Vec<(i32, u32)> {
        let mut out = Vec::new();
        let mut d = self.start.with_day(1).unwrap_or(self.start);
        while d <= self.end {
            out.push((d.year(), d.month()));
            match d.checked_add_months(Months::new(1)) {
                Some(n) => d = n,
                None => break,
            }
        }
        out
    }

    /// The period just before: previous month, quarter or year; for a range, as many days before.
    pub fn previous(&self) -> Result<Period> {
        match self.kind {
            PeriodKind::Month => {
                let p = self
                    .start
                    .checked_sub_months(Months::new(1))
                    .ok_or_else(|| outside(format!("{} − 1", self.label)))?;
                Period::month(p.year(), p.month())
            }
            PeriodKind::Quarter => {
                let p = self
                    .start
                    .checked_sub_months(Months::new(3))
                    .ok_or_else(|| outside(format!("{} − 1", self.label)))?;
                Period::quarter(p.year(), (p.month() - 1) / 3 + 1)
            }
            PeriodKind::Year => Period::year(self.start.year() - 1),
            PeriodKind::Range => {
                let end = self.start - chrono::Duration::days(1);
                let start = end - chrono::Duration::days(self.days() - 1);
                Period::range(start, end)
            }
        }
    }
}

fn add_months(d: NaiveDate, n: u32) -> Result<NaiveDate> {
    d.checked_add_months(Months::new(n))
        .ok_or_else(|| outside(format!("{d} + {n}")))
}

/// A period the calendar cannot hold (`label` as it would be written).
fn outside(label: String) -> anyhow::Error {
    anyhow::Error::new(Fail::new(Usage::OutOfCalendar { label }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn flags_name_the_period_again() {
        assert_eq!(
            Period::parse_month("2026-10").unwrap().flags(),
            "--month 2026-10"
        );
        assert_eq!(
            Period::parse_quarter("2026Q3").unwrap().flags(),
            "--quarter 2026Q3"
        );
        assert_eq!(Period::parse_year("2026").unwrap().flags(), "--year 2026");
        let r = Period::range(d(2026, 10, 1), d(2026, 10, 15)).unwrap();
        assert_eq!(r.flags(), "--from 2026-10-01 --to 2026-10-15");
    }

    #[test]
    fn parses_each_form() {
        let m = Period::parse_month("2026-10").unwrap();
        assert_eq!((m.start, m.end), (d(2026, 10, 1), d(2026, 10, 31)));
        assert_eq!(
            Period::parse_month("2026年2月").unwrap().end,
            d(2026, 2, 28)
        );
        assert_eq!(Period::parse_month("202610").unwrap().label, "2026-10");
        assert!(Period::parse_month("2026-13").is_err());
        let q = Period::parse_quarter("2026-Q3").unwrap();
        assert_eq!(
            (q.start, q.end, q.label.as_str()),
            (d(2026, 7, 1), d(2026, 9, 30), "2026Q3")
        );
        assert!(Period::parse_quarter("2026Q5").is_err());
        let y = Period::parse_year("2026").unwrap();
        assert_eq!((y.start, y.end), (d(2026, 1, 1), d(2026, 12, 31)));
    }

    #[test]
    fn previous_periods() {
        let m = Period::month(2026, 1).unwrap().previous().unwrap();
        assert_eq!(m.label, "2025-12");
        let q = Period::quarter(2026, 1).unwrap().previous().unwrap();
        assert_eq!(q.label, "2025Q4");
        // 2026-10-01..15 is 15 days; the 15 days before are 2026-09-16..30.
        let r = Period::range(d(2026, 10, 1), d(2026, 10, 15))
            .unwrap()
            .previous()
            .unwrap();
        assert_eq!((r.start, r.end), (d(2026, 9, 16), d(2026, 9, 30)));
        assert_eq!(
            Period::previous_month_of(d(2026, 1, 1)).unwrap().label,
            "2025-12"
        );
    }

    #[test]
    fn months_in_period() {
        assert_eq!(Period::quarter(2026, 3).unwrap().months(), 3.0);
        // 31 days / 30.4375
        let r = Period::range(d(2026, 10, 1), d(2026, 10, 31)).unwrap();
        assert!((r.months() - 31.0 / 30.4375).abs() < 1e-12);
        assert_eq!(
            Period::quarter(2026, 4).unwrap().year_months(),
            vec![(2026, 10), (2026, 11), (2026, 12)]
        );
    }
}
