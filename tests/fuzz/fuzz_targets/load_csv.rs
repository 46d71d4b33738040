//! Header detection and row typing through the public load path: the input is a delimited
//! text file of a kind chosen by the first byte. Never a panic; every input's rows reconcile
//! (rows = used + out of period + rejected + skipped).
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;
use common::dir;

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

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let dir = dir();
    for n in NAMES {
        let _ = std::fs::remove_file(dir.path().join(n));
    }
    std::fs::write(dir.path().join(NAMES[pick as usize % NAMES.len()]), body).expect("write");
    common::load_and_reconcile(dir.path());
});
