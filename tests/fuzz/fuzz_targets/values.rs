//! Every value parser on arbitrary text and arbitrary numbers: never a panic, and what is
//! accepted is in range (amounts below 1e13 yuan, dates within years 1..=9999).
#![no_main]

use chrono::Datelike;
use clinic_kpi::input::cell::RawCell;
use clinic_kpi::input::values;
use libfuzzer_sys::fuzz_target;

fn check(cell: &RawCell) {
    for date1904 in [false, true] {
        if let Ok(d) = values::parse_datetime(cell, date1904) {
            assert!((1..=9999).contains(&d.year()), "{cell:?} -> {d}");
        }
        let _ = values::parse_date(cell, date1904);
        if let Ok((y, m)) = values::parse_month(cell, date1904) {
            assert!((1..=12).contains(&m), "{cell:?} -> {y}-{m}");
        }
        let _ = clinic_kpi::input::parse_period_label(cell, date1904);
    }
    if let Ok(fen) = values::parse_amount(cell) {
        assert!(
            fen.unsigned_abs() < 1_000_000_000_000_000,
            "{cell:?} -> {fen}"
        );
    }
    if let Ok(n) = values::parse_number(cell) {
        assert!(n.is_finite(), "{cell:?} -> {n}");
    }
    let _ = values::parse_yes_no(cell);
    if let Some(name) = values::normalize_name(cell) {
        let _ = values::mask_customer(&name);
    }
    let _ = cell.display();
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&RawCell::Text(text.as_ref().into()));
    let _ = values::normalize_header(&text);
    let _ = values::fold_text(&text);
    let _ = values::mask_customer(&text);
    if data.len() >= 8 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&data[..8]);
        check(&RawCell::Number(f64::from_le_bytes(b)));
        check(&RawCell::BadDate(f64::from_le_bytes(b)));
    }
});
