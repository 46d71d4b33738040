//! Our own xlsx sheet reader (`src/input/xlsx_sheet.rs`) on arbitrary bytes as the worksheet
//! part's XML: it gives cells or hands over to calamine, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    clinic_kpi::input::source::fuzz_xlsx_sheet(data);
});
