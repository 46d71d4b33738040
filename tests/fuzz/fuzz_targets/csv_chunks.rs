//! A CSV file cut into chunks (`plan_chunks`) reads as the whole file does, on arbitrary bytes:
//! where a file is cut, every record, its row number and every bad row are those of reading it
//! whole, whatever the quotes, line breaks and encodings in it.
#![no_main]

use clinic_kpi::input::csv_source::{open_chunk, open_csv, plan_chunks, CsvOptions, CsvRow};
use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(data).expect("write");
    file.flush().expect("flush");
    let opts = CsvOptions {
        forced_encoding: None,
        max_field_bytes: 64,
    };
    let whole: Vec<CsvRow> = open_csv(file.path(), &opts).expect("open").1.collect();
    // Chunks of at least 16 bytes, up to 4 of them, the first holding at least one row.
    let Some(plan) = plan_chunks(file.path(), &opts, 4, 16, 1).expect("plan") else {
        return;
    };
    let chunked: Vec<CsvRow> = plan
        .chunks
        .iter()
        .flat_map(|c| open_chunk(file.path(), &opts, &plan, c).expect("chunk"))
        .collect();
    assert_eq!(chunked, whole);
});
