//! Excel 97–2003 files (OLE compound files) through the public load path: the OLE precheck
//! (encryption, BIFF8 grid limits), calamine's xls reader, row grouping and typing. The input
//! is written as it is to 消费.xls; seed with fixtures/hostile/sales-biff8.xls. Never a panic or
//! an abort; every input's rows reconcile.
#![no_main]

use clinic_kpi::config::LoadedConfig;
use clinic_kpi::input::{load, LoadOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    std::fs::write(dir.path().join("消费.xls"), data).expect("write");
    let config = LoadedConfig::builtin();
    let opts = LoadOptions {
        data_dir: dir.path(),
        data_dir_given: true,
        config: &config,
        period: None,
        encoding: None,
        outputs: Vec::new(),
    };
    if let Ok(ds) = load(&opts) {
        for i in &ds.inputs {
            assert_eq!(i.rows, i.used + i.out_of_period + i.rejected + i.skipped, "{i:?}");
        }
    }
});
