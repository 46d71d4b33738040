//! Excel 97–2003 files (OLE compound files) through the public load path: the OLE precheck
//! (encryption, BIFF8 grid limits), calamine's xls reader, row grouping and typing. The input
//! is written as it is to 消费.xls; seed with fixtures/hostile/sales-biff8.xls. Never a panic or
//! an abort; every input's rows reconcile.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;
use common::dir;

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    std::fs::write(dir.path().join("消费.xls"), data).expect("write");
    common::load_and_reconcile(dir.path());
});
