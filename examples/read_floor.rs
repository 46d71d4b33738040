//! The benchmark's floor: reads every xlsx/csv file of a data folder, one after another, with
//! the readers clinic-kpi uses, touching every cell and doing nothing else. Prints one line:
//! `files F rows R cells C bytes B`.
//!
//!     cargo run --release --example read_floor -- bench-data/<set>/xlsx

#[path = "support/floor.rs"]
mod floor;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: read_floor DATA_DIR");
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
        if let Err(e) = floor::read_file(f, &mut t) {
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
