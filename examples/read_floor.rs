//! The benchmark's floor: reads every xlsx/csv file of a data folder, one after another, with
//! the readers clinic-kpi uses, touching every cell and doing nothing else. Prints one line:
//! `files F rows R cells C bytes B`. With `--inflate`, the physical limit instead: only
//! inflates each workbook's worksheet parts (and reads each CSV file) into nothing.
//!
//!     cargo run --release --example read_floor -- bench-data/<set>/xlsx
//!     cargo run --release --example read_floor -- --inflate bench-data/<set>/xlsx

#[path = "support/floor.rs"]
mod floor;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let inflate_only = args.first().is_some_and(|a| a == "--inflate");
    if inflate_only {
        args.remove(0);
    }
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: read_floor [--inflate] DATA_DIR");
        return ExitCode::from(2);
    };
    let files = match floor::data_files(&dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("read_floor: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let mut t = floor::Tally::default();
    for f in &files {
        let read = if inflate_only {
            floor::inflate_file(f, &mut t)
        } else {
            floor::read_file(f, &mut t)
        };
        if let Err(e) = read {
            eprintln!("read_floor: {}: {e}", f.display());
            return ExitCode::FAILURE;
        }
    }
    println!(
        "files {} rows {} cells {} bytes {}",
        t.files, t.rows, t.cells, t.text_bytes
    );
    ExitCode::SUCCESS
}
