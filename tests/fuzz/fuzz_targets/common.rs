//! What the load targets share: one temp folder per process, and loading it through the public
//! path with the built-in config, checking that every input's rows reconcile
//! (rows = used + out of period + rejected + skipped).

use clinic_kpi::config::LoadedConfig;
use clinic_kpi::input::{load, LoadOptions};
use std::sync::OnceLock;

pub fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

/// Loads the folder; an error is fine (it is one sentence), a panic or a row lost is not. Two
/// threads, CSV files cut into chunks of 64 bytes and parts handed over every 3 rows, so the
/// paths that type one file on several threads are fuzzed too.
pub fn load_and_reconcile(dir: &std::path::Path) {
    let config = LoadedConfig::builtin();
    let opts = LoadOptions {
        data_dir: dir,
        data_dir_given: true,
        config: &config,
        period: None,
        encoding: None,
        outputs: Vec::new(),
        progress: false,
        lang: clinic_kpi::Lang::En,
        workers: 2,
        chunk_bytes: 64,
        part_rows: 3,
    };
    if let Ok(ds) = load(&opts) {
        for i in &ds.inputs {
            assert_eq!(
                i.rows,
                i.used + i.out_of_period + i.rejected + i.skipped,
                "{i:?}"
            );
        }
    }
}
