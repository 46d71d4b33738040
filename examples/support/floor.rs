//! The floor of the benchmark: reading every input file with the same readers the tool uses
//! (calamine's streaming cell reader for workbooks, the `csv` crate for text, decoded with
//! `encoding_rs_io` when it is not UTF-8) and touching every cell, doing nothing else.

use calamine::{DataRef, Reader, Xlsx};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// What was read: rows (records with at least one cell), cells and bytes of text touched.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub files: u64,
    pub rows: u64,
    pub cells: u64,
    pub text_bytes: u64,
}

/// The input files in `dir`, in name order, as the tool finds them.
pub fn data_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "csv"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The physical limit of reading a workbook: inflating its worksheet parts (`xl/worksheets/`)
/// into nothing, without parsing them; a CSV file is read into nothing. Counts the bytes.
pub fn inflate_file(path: &Path, t: &mut Tally) -> Result<(), String> {
    t.files += 1;
    let is_xlsx = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !is_xlsx {
        let mut f = File::open(path).map_err(|e| e.to_string())?;
        t.text_bytes += std::io::copy(&mut f, &mut std::io::sink()).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| e.to_string())?;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| e.to_string())?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            t.text_bytes +=
                std::io::copy(&mut entry, &mut std::io::sink()).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Reads one file, touching every cell.
pub fn read_file(path: &Path, t: &mut Tally) -> Result<(), String> {
    t.files += 1;
    let is_xlsx = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        read_xlsx(path, t)
    } else {
        read_csv(path, t)
    }
}

fn read_xlsx(path: &Path, t: &mut Tally) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut book = Xlsx::new(BufReader::new(file)).map_err(|e| e.to_string())?;
    for sheet in book.sheet_names() {
        let mut rd = book
            .worksheet_cells_reader(&sheet)
            .map_err(|e| e.to_string())?;
        let mut last_row = None;
        while let Some(cell) = rd.next_cell().map_err(|e| e.to_string())? {
            let (r, _) = cell.get_position();
            if last_row != Some(r) {
                last_row = Some(r);
                t.rows += 1;
            }
            t.cells += 1;
            t.text_bytes += match cell.get_value() {
                DataRef::String(s) => s.len() as u64,
                DataRef::SharedString(s) => s.len() as u64,
                DataRef::Float(f) => f.to_bits() & 1,
                DataRef::Int(i) => *i as u64 & 1,
                DataRef::DateTime(d) => d.as_f64().to_bits() & 1,
                _ => 0,
            };
        }
    }
    Ok(())
}

fn read_csv(path: &Path, t: &mut Tally) -> Result<(), String> {
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let mut head = Vec::with_capacity(64 * 1024);
    (&mut file)
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| e.to_string())?;
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &head[3..] } else { &head[..] };
    // UTF-8 when the head is (allowing a character cut at its end), else GB18030.
    let utf8 = match std::str::from_utf8(body) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    let rest = std::io::Cursor::new(body.to_vec()).chain(file);
    let source: Box<dyn Read> = if utf8 {
        Box::new(rest)
    } else {
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::GB18030))
                .bom_sniffing(false)
                .build(rest),
        )
    };
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 * 1024)
        .from_reader(source);
    let mut rec = csv::ByteRecord::new();
    while rd.read_byte_record(&mut rec).map_err(|e| e.to_string())? {
        t.rows += 1;
        for field in rec.iter() {
            if !field.is_empty() {
                t.cells += 1;
                // Read as text, as the tool does (and calamine does for xlsx).
                t.text_bytes += std::str::from_utf8(field).map_or(0, |s| s.len() as u64);
            }
        }
    }
    Ok(())
}
