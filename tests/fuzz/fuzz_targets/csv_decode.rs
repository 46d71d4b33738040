//! The CSV reader on arbitrary bytes (any encoding, delimiter, quoting): never a panic, row
//! numbers strictly increasing, every good field within the field cap.
#![no_main]

use clinic_kpi::input::cell::RawCell;
use clinic_kpi::input::csv_source::{open_csv, CsvOptions, CsvRow};
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(data).expect("write");
    file.flush().expect("flush");
    // A small field cap, so the fuzzer reaches the over-long-field paths with short inputs.
    let opts = CsvOptions {
        forced_encoding: None,
        max_field_bytes: 64,
    };
    let (_, rows) = open_csv(file.path(), &opts).expect("open");
    let mut last = 0u32;
    for r in rows {
        let row = match &r {
            CsvRow::Row { row, cells } => {
                for c in cells {
                    if let RawCell::Text(t) = c {
                        assert!(t.len() <= 64, "field of {} bytes passed the cap", t.len());
                        assert!(!t.contains('\0'));
                    }
                }
                *row
            }
            CsvRow::Bad { row, .. } => *row,
        };
        assert!(row > last, "row {row} after {last}");
        last = row;
    }
});
