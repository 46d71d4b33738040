//! Typing of raw cells for the columns of clinic exports: names and ids, header names, money,
//! plain numbers, dates, months and yes/no flags, plus masking of customer identifiers for
//! issue messages.
//!
//! Every function here is total: any input gives a value or an `Err` with its reason, a
//! [`Why`] (said in words/input.rs). Nothing panics, indexes out of bounds or overflows,
//! because every cell comes from a user's file.
//!
//! `text` folds texts and reads names, headers and yes/no flags (and masks identifiers),
//! `amount` reads money and plain numbers, `date` reads dates, times and months.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use super::cell::RawCell;
use crate::words::input::{Wanted, Why};

mod amount;
mod date;
mod text;

pub use amount::*;
pub use date::*;
pub use text::*;

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
        // ASCII takes a shortcut: each ASCII character inside an id is plain exactly when
        // it is no whitespace by `char::is_whitespace` (tab to carriage return, space; the
        // vertical tab and form feed included, the unit separator 0x1F not).
        for b in 0..0x80u8 {
            let s = format!("SY{}01", b as char);
            let plain = !(b as char).is_whitespace();
            assert_eq!(plain_name(&t(&s)).is_some(), plain, "{b:#x}");
        }
    }
}
