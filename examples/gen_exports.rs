//! Generates a realistic year of a clinic chain's exports, for the benchmark (`bench.rs`) and
//! for trying the tool at scale. Deterministic for a given seed. Output goes under `--out`
//! (default `bench-data/<what was asked>/`, ignored by git), one folder per form: `xlsx/`, `csv/` (UTF-8 with
//! BOM) and `gbk/`, each a complete `--data` folder:
//!
//!     cargo run --release --example gen_exports -- --sales 1000000 --visits 400000 \
//!         --complaints 5000 --staff 300 --stores 20 --seed 1 --out bench-data/chain --format all
//!     clinic-kpi score --data bench-data/chain/xlsx --year 2026
//!
//! `--ids sequential` writes member numbers and order ids that count up (13800000001 …;
//! XS202600000001 …) instead of scrambled phone numbers and per-day order numbers;
//! `--sales-files 1` puts the year's sales in one file (one xlsx sheet).

#[path = "support/args.rs"]
mod args;
#[path = "support/gen.rs"]
mod gen;

use gen::Form;

fn main() -> std::process::ExitCode {
    let a = match args::parse(&[Form::Xlsx], &[false]) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen_exports: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    if a.ids.len() > 1 {
        eprintln!("gen_exports: one id form at a time: --ids random or --ids sequential");
        return std::process::ExitCode::from(2);
    }
    let root = a.root(&a.spec, true);
    for form in &a.forms {
        // Always written anew here (the benchmark reuses completed sets).
        let done = root.join(format!("{}.done", form.name()));
        let _ = std::fs::remove_file(&done);
        match gen::ensure_set(&a.spec, *form, &root, false) {
            Ok(dir) => println!("{}", dir.display()),
            Err(e) => {
                eprintln!("gen_exports: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
