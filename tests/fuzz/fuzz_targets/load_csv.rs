//! Header detection and row typing through the public load path: the input is a delimited
//! text file of a kind chosen by the first byte. Never a panic; every input's rows reconcile
//! (rows = used + out of period + rejected + skipped).
#![no_main]

use clinic_kpi::config::LoadedConfig;
use clinic_kpi::input::{load, LoadOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const NAMES: [&str; 8] = [
    "消费.csv",
    "到院.csv",
    "投诉.csv",
    "员工.csv",
    "目标.csv",
    "回访.csv",
    "评分.csv",
    "调整.csv",
];

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let dir = dir();
    for n in NAMES {
        let _ = std::fs::remove_file(dir.path().join(n));
    }
    std::fs::write(dir.path().join(NAMES[pick as usize % NAMES.len()]), body).expect("write");
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
            assert_eq!(
                i.rows,
                i.used + i.out_of_period + i.rejected + i.skipped,
                "{i:?}"
            );
        }
    }
});
