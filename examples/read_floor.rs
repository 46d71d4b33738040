//! The benchmark's floor: reads every xlsx/csv file of a data folder, one after another, with
//! the readers clinic-kpi uses, touching every cell and doing nothing else. Prints one line:
//! `files F rows R cells C bytes B`. With `--inflate`, the physical limit instead: only
//! inflates each workbook's worksheet parts (and reads each CSV file) into nothing.
//!
//!     cargo run --release --example read_floor -- bench-data/<set>/xlsx
//!     cargo run --release --example read_floor -- --inflate bench-data/<set>/xlsx
//!
//! With `--own`, workbooks are read by clinic-kpi's own reader instead (`source::Book`: our
//! sheet reader, its inflating thread and the row grouping), to compare with calamine's floor.

#[path = "support/floor.rs"]
mod floor;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let inflate_only = args.first().is_some_and(|a| a == "--inflate");
    let own = args.first().is_some_and(|a| a == "--own");
    if inflate_only || own {
        args.remove(0);
    }
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: read_floor [--inflate | --own] DATA_DIR");
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
        let is_xlsx = f.extension().is_some_and(|e| e == "xlsx");
        let read = if inflate_only {
            floor::inflate_file(f, &mut t)
        } else if own && is_xlsx {
            own_read(f, &mut t)
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

/// Reads every sheet of the workbook at `path` with clinic-kpi's own reader, counting rows and
/// cells.
fn own_read(path: &std::path::Path, t: &mut floor::Tally) -> Result<(), String> {
    use clinic_kpi::input::source::{Book, Format, SourceRow};
    let en = |e: clinic_kpi::words::input::BookWhy| format!("{e:?}");
    let mut book = Book::open(path, Format::Xlsx, true).map_err(en)?;
    t.files += 1;
    for sheet in book.sheet_names() {
        book.for_each_row(&sheet, &mut |row| {
            if let SourceRow::Row { cells, .. } = row {
                t.rows += 1;
                t.cells += cells.len() as u64;
            }
        })
        .map_err(en)?;
    }
    Ok(())
}
