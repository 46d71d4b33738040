//! Opening a file by what its content is, and streaming its rows as `RawCell`s.

use super::cell::RawCell;
use super::csv_source::{self, CsvOptions};
use super::values;
use crate::words::input::{BookWhy, InputFail, InputMsg, XlsExtent};
use crate::words::Fail;
use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsb, Xlsx};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// What a file really is, told from its first bytes (and the extension among zip formats).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
    Csv,
    Html,
    Empty,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Xls => "xls",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Empty => "empty",
        }
    }

    pub fn is_workbook(self) -> bool {
        matches!(
            self,
            Format::Xlsx | Format::Xlsb | Format::Ods | Format::Xls
        )
    }
}

/// Tells the format from the content: a zip is an OOXML/ODF workbook, an OLE file an xls,
/// markup an HTML table (what web systems save as `.xls`), anything else delimited text.
pub fn sniff_format(path: &Path) -> std::io::Result<Format> {
    let mut head = [0u8; 512];
    let mut f = File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        let got = f.read(&mut head[n..])?;
        if got == 0 {
            break;
        }
        n += got;
    }
    let head = &head[..n];
    if head.is_empty() {
        return Ok(Format::Empty);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if head.starts_with(b"PK\x03\x04") {
        return Ok(match ext.as_str() {
            "xlsb" => Format::Xlsb,
            "ods" => Format::Ods,
            _ => Format::Xlsx,
        });
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(Format::Xls);
    }
    // Markup: skip a UTF-8 BOM and whitespace, then look for a tag.
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let trimmed: Vec<u8> = text
        .iter()
        .copied()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(64)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if trimmed.starts_with(b"<!doctype html")
        || trimmed.starts_with(b"<html")
        || trimmed.starts_with(b"<table")
        || trimmed.starts_with(b"<?xml")
        || trimmed.starts_with(b"<meta")
        || trimmed.starts_with(b"<head")
    {
        return Ok(Format::Html);
    }
    Ok(Format::Csv)
}

/// One row of a sheet: its row number as a spreadsheet shows it and its non-empty cells by
/// 0-based column, or a row the reader could not decode.
#[derive(Clone)]
pub enum SourceRow {
    Row {
        row: u32,
        cells: Vec<(u32, RawCell)>,
        /// A text file's number of fields in this record, empty ones included (a workbook's
        /// rows have none: a cell is where it is, never shifted by a stray delimiter).
        fields: Option<u32>,
    },
    Bad {
        row: u32,
        message: InputMsg,
    },
}

/// A part read whole (shared strings, styles, the workbook, its relationships; an ODS file's
/// content) unpacks to at most this: what it holds is kept in memory.
const MAX_WHOLE_PART_BYTES: u64 = 512 * 1024 * 1024;
/// Parts larger than this must not be compressed more than `MAX_ZIP_RATIO` : 1.
const RATIO_CHECK_BYTES: u64 = 16 * 1024 * 1024;
const MAX_ZIP_RATIO: u64 = 200;
/// The most of the workbook's relationships part that is looked at for its worksheets.
const MAX_RELS_BYTES: u64 = 4 * 1024 * 1024;

/// Checks a zip workbook's directory before calamine sees it: calamine trusts the sizes and the
/// sharedStrings `uniqueCount` it finds and pre-allocates from them, so a 1 MB file claiming a
/// 10^15-string table, or a zip bomb, would abort the process instead of failing cleanly.
///
/// A worksheet part is streamed cell by cell, never held: a year in one sheet (a million rows
/// unpack to about 600 MB) is read however large it is (SPEC §7). It is bounded instead by its
/// compression ratio (here), by the cells a sheet may hold (`MAX_SHEET_CELLS`, counted while
/// streaming) and by its declared size, which the zip reader checks the inflated bytes against
/// as they come (more than declared is an error, so the directory cannot understate a bomb).
/// Every other part is capped at `MAX_WHOLE_PART_BYTES`.
///
/// Gives the worksheet parts that are streamed.
pub fn precheck_zip(path: &Path) -> Result<Vec<String>, BookWhy> {
    let file = File::open(path).map_err(library)?;
    precheck_zip_from(BufReader::new(file))
}

fn precheck_zip_from<R: Read + std::io::Seek>(reader: R) -> Result<Vec<String>, BookWhy> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| BookWhy::DamagedZip {
        detail: e.to_string(),
    })?;
    let streamed = streamed_parts(&mut zip);
    for i in 0..zip.len() {
        let (name, size, compressed) = {
            let entry = zip.by_index_raw(i).map_err(|e| BookWhy::DamagedZipEntry {
                detail: e.to_string(),
            })?;
            let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
            (name, entry.size(), entry.compressed_size())
        };
        check_part_size(&name, size, compressed, streamed.contains(&name))?;
        if name.ends_with("sharedStrings.xml") {
            let mut head = Vec::with_capacity(4096);
            let entry = zip.by_index(i).map_err(|e| BookWhy::DamagedZipEntry {
                detail: e.to_string(),
            })?;
            entry
                .take(4096)
                .read_to_end(&mut head)
                .map_err(|e| BookWhy::DamagedPart {
                    part: name.clone(),
                    detail: e.to_string(),
                })?;
            if let Some(n) = attr_number(&head, b"uniqueCount=\"") {
                // Every string takes at least `<si><t/></si>` (13 bytes) in the part.
                if n > size / 13 + 1024 {
                    return Err(BookWhy::StringTableForged {
                        strings: n,
                        bytes: size,
                    });
                }
            }
        }
    }
    Ok(streamed)
}

/// Whether a part of `size` bytes unpacked from `compressed` may be read: any part within the
/// ratio a genuine export reaches, and, unless it is a `streamed` worksheet, within
/// `MAX_WHOLE_PART_BYTES`.
fn check_part_size(name: &str, size: u64, compressed: u64, streamed: bool) -> Result<(), BookWhy> {
    if size > RATIO_CHECK_BYTES && size / compressed.max(1) > MAX_ZIP_RATIO {
        return Err(BookWhy::ZipBomb {
            part: name.to_string(),
            ratio: size / compressed.max(1),
            size,
            compressed,
        });
    }
    if !streamed && size > MAX_WHOLE_PART_BYTES {
        return Err(BookWhy::PartTooLarge {
            part: name.to_string(),
            size,
            max: MAX_WHOLE_PART_BYTES,
        });
    }
    Ok(())
}

/// The worksheet parts of an xlsx or xlsb workbook, which calamine streams: the targets of the
/// workbook's worksheet relationships that lie under `xl/worksheets/` (where every writer puts
/// them) and that no other relationship of the workbook names. A workbook whose relationships
/// cannot be read has none (every part is then capped).
fn streamed_parts<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> Vec<String> {
    let mut rels = Vec::new();
    for name in ["xl/_rels/workbook.xml.rels", "xl/_rels/workbook.bin.rels"] {
        if let Ok(entry) = zip.by_name(name) {
            if entry.take(MAX_RELS_BYTES).read_to_end(&mut rels).is_err() {
                return Vec::new();
            }
            break;
        }
    }
    let mut sheets = Vec::new();
    let mut others = Vec::new();
    for (kind, target) in relationships(&rels) {
        let Some(part) = resolve_target(&target) else {
            continue;
        };
        if kind.ends_with("/worksheet") {
            sheets.push(part);
        } else {
            others.push(part);
        }
    }
    sheets.retain(|p| {
        p.starts_with("xl/worksheets/")
            && !p["xl/worksheets/".len()..].contains('/')
            && !others.contains(p)
    });
    sheets
}

/// The (Type, Target) of each `<Relationship .../>` of a relationships part.
fn relationships(xml: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let open = b"<Relationship ";
    let mut rest = xml;
    while let Some(at) = rest.windows(open.len()).position(|w| w == open) {
        let tag = &rest[at + open.len()..];
        let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
        let tag = &tag[..end];
        let attr = |name: &[u8]| -> Option<String> {
            let mut from = 0;
            while let Some(i) = tag[from..].windows(name.len()).position(|w| w == name) {
                let i = from + i;
                // The attribute's own name, not the end of a longer one (`TargetMode`).
                let starts = i == 0 || tag[i - 1].is_ascii_whitespace();
                let value = &tag[i + name.len()..];
                if starts && value.first() == Some(&b'=') && value.get(1) == Some(&b'"') {
                    let value = &value[2..];
                    let len = value.iter().position(|&b| b == b'"')?;
                    return Some(String::from_utf8_lossy(&value[..len]).into_owned());
                }
                from = i + 1;
            }
            None
        };
        if let (Some(kind), Some(target)) = (attr(b"Type"), attr(b"Target")) {
            out.push((kind, target));
        }
        rest = &rest[at + open.len()..];
    }
    out
}

/// The zip name of a relationship target of the workbook part `xl/workbook.*`: relative to
/// `xl/`, or absolute from the package root; None for a target that climbs out (`../`).
fn resolve_target(target: &str) -> Option<String> {
    if target.contains("..") || target.contains('\\') {
        return None;
    }
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    })
}

/// An ODS sheet is read whole into a dense grid, one value per cell of the rectangle its data
/// spans, each repeated cell copied: about 200 bytes a cell. Beyond this many cells (1.6 GB)
/// an ODS file is refused; a genuine clinic export in ODS is far smaller.
pub const MAX_ODS_CELLS: u64 = 8 * 1024 * 1024;

/// Checks an ODS file's `content.xml` before calamine reads it: a row or cell repeated a
/// million times (`table:number-rows-repeated`) takes a few bytes in the file but a grid of
/// millions of copies in memory: an 859-byte file took 1.9 GB, and calamine's own limit
/// (100 million cells) lets a file ask for about 20 GB. The rectangle each sheet's data spans
/// is worked out from the tags (empty cells and rows count only between data) and must stay
/// within `MAX_ODS_CELLS`.
pub fn precheck_ods(path: &Path) -> Result<(), BookWhy> {
    precheck_ods_capped(path, MAX_ODS_CELLS)
}

fn precheck_ods_capped(path: &Path, max_cells: u64) -> Result<(), BookWhy> {
    let file = File::open(path).map_err(library)?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| BookWhy::DamagedZip {
        detail: e.to_string(),
    })?;
    let Ok(content) = zip.by_name("content.xml") else {
        // calamine says what is missing.
        return Ok(());
    };
    let mut rd = BufReader::new(content);
    let mut sheet = OdsExtent::default();
    let mut tag: Vec<u8> = Vec::with_capacity(256);
    let mut byte = [0u8; 1];
    loop {
        // Skip to the next tag.
        let mut found = false;
        loop {
            let buf = rd.fill_buf().map_err(|e| BookWhy::DamagedPart {
                part: "content.xml".to_string(),
                detail: e.to_string(),
            })?;
            if buf.is_empty() {
                break;
            }
            match buf.iter().position(|&b| b == b'<') {
                Some(i) => {
                    rd.consume(i + 1);
                    found = true;
                    break;
                }
                None => {
                    let n = buf.len();
                    rd.consume(n);
                }
            }
        }
        if !found {
            return Ok(());
        }
        // Read the tag up to `>`, keeping at most 4 KiB of it (the attributes that matter
        // come first).
        tag.clear();
        loop {
            if rd.read(&mut byte).map_err(|e| BookWhy::DamagedPart {
                part: "content.xml".to_string(),
                detail: e.to_string(),
            })? == 0
            {
                return Ok(());
            }
            if byte[0] == b'>' {
                break;
            }
            if tag.len() < 4096 {
                tag.push(byte[0]);
            }
        }
        let self_closing = tag.last() == Some(&b'/');
        // The name runs to the first blank or `/` after its first byte (`/` opens an end tag).
        let name_end = tag
            .iter()
            .skip(1)
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .map_or(tag.len(), |i| i + 1);
        let repeat = |attr: &[u8]| attr_number(&tag, attr).unwrap_or(1).max(1);
        match &tag[..name_end] {
            b"table:table" => {
                sheet = OdsExtent::default();
                let key = b"table:name=\"";
                if let Some(at) = tag.windows(key.len()).position(|w| w == key) {
                    let rest = &tag[at + key.len()..];
                    let end = rest.iter().position(|&b| b == b'"').unwrap_or(rest.len());
                    sheet.name = String::from_utf8_lossy(&rest[..end]).into_owned();
                }
            }
            b"/table:table" => {
                let cells = sheet.rows.saturating_mul(sheet.columns);
                if cells > max_cells {
                    return Err(BookWhy::OdsTooLarge {
                        sheet: sheet.name.clone(),
                        rows: sheet.rows,
                        columns: sheet.columns,
                        cells,
                        max: max_cells,
                    });
                }
            }
            b"table:table-row" => {
                sheet.start_row(repeat(b"table:number-rows-repeated=\""));
                if self_closing {
                    sheet.end_row();
                }
            }
            b"/table:table-row" => sheet.end_row(),
            b"table:table-cell" | b"table:covered-table-cell" => {
                // A cell with a value type, or with content, holds data; an empty
                // self-closing cell only pads.
                let data = !self_closing || tag.windows(17).any(|w| w == b"office:value-type");
                sheet.cell(repeat(b"table:number-columns-repeated=\""), data);
            }
            _ => {}
        }
    }
}

/// The rectangle an ODS sheet's data spans, worked out tag by tag.
#[derive(Default)]
struct OdsExtent {
    /// The sheet's name (`table:name`, as written in the XML).
    name: String,
    /// Rows up to and including the last with data.
    rows: u64,
    /// Columns up to and including the last with data, over all rows.
    columns: u64,
    /// The next row's index, and the current row's repeat count.
    next_row: u64,
    row_repeat: u64,
    /// The next cell's column in the current row, and the end of its last data cell.
    next_column: u64,
    row_data_end: u64,
}

impl OdsExtent {
    fn start_row(&mut self, repeat: u64) {
        self.row_repeat = repeat;
        self.next_column = 0;
        self.row_data_end = 0;
    }

    fn cell(&mut self, repeat: u64, data: bool) {
        self.next_column = self.next_column.saturating_add(repeat);
        if data {
            self.row_data_end = self.next_column;
        }
    }

    fn end_row(&mut self) {
        self.next_row = self.next_row.saturating_add(self.row_repeat);
        if self.row_data_end > 0 {
            self.rows = self.next_row;
            self.columns = self.columns.max(self.row_data_end);
        }
        self.row_repeat = 0;
        self.row_data_end = 0;
    }
}

/// Whether `path` is a workbook clinic-kpi wrote (its document author is `clinic-kpi`).
pub fn is_clinic_kpi_workbook(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(file)) else {
        return false;
    };
    let Ok(core) = zip.by_name("docProps/core.xml") else {
        return false;
    };
    let mut head = Vec::new();
    if core.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    let needle = b"<dc:creator>clinic-kpi</dc:creator>";
    head.windows(needle.len()).any(|w| w == needle)
}

/// The number in `name"123"` within `head`, if any.
fn attr_number(head: &[u8], name: &[u8]) -> Option<u64> {
    let at = head.windows(name.len()).position(|w| w == name)? + name.len();
    let digits: Vec<u8> = head[at..]
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    std::str::from_utf8(&digits)
        .ok()?
        .parse::<u64>()
        .ok()
        .or(Some(u64::MAX))
}

/// A library's error, as its text.
fn library(e: impl std::fmt::Display) -> BookWhy {
    BookWhy::Library {
        detail: e.to_string(),
    }
}

/// The Excel 97–2003 (BIFF8) grid: 65,536 rows by 256 columns.
const XLS_ROWS: u32 = 65_536;
const XLS_COLUMNS: u32 = 256;

/// Checks an OLE compound file (an Excel 97–2003 workbook, or an encrypted one of any kind)
/// before calamine sees it:
/// - Excel saves a workbook with a password as an OLE file holding `EncryptionInfo` and
///   `EncryptedPackage` streams, whatever its extension: that is said as such;
/// - calamine reserves memory for a sheet from its DIMENSIONS record and lays each sheet out
///   as a dense grid spanning its cells, so a forged size (4 billion rows) or a cell in column
///   65,535 would abort the process on a failed allocation, which no `catch_unwind` catches.
///   Every such record of the workbook stream must lie within the BIFF8 grid.
pub fn precheck_ole(path: &Path) -> Result<(), BookWhy> {
    let file = File::open(path).map_err(library)?;
    let mut ole =
        cfb::CompoundFile::open(BufReader::new(file)).map_err(|e| BookWhy::DamagedXls {
            detail: e.to_string(),
        })?;
    if ole.exists("/EncryptedPackage") || ole.exists("/EncryptionInfo") {
        return Err(BookWhy::PasswordProtected);
    }
    // BIFF8 names the stream Workbook, BIFF5 Book. Without either, calamine says what is wrong.
    let Some(name) = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| ole.is_stream(n))
    else {
        return Ok(());
    };
    let stream = ole.open_stream(name).map_err(|e| BookWhy::DamagedXls {
        detail: e.to_string(),
    })?;
    let mut rd = BufReader::new(stream);
    let forged = |what: XlsExtent| BookWhy::XlsBeyondLimit { what };
    let mut head = [0u8; 4];
    let mut data = Vec::with_capacity(1024);
    loop {
        match rd.read_exact(&mut head) {
            Ok(()) => {}
            // The end of the stream (or a cut record): calamine reports a cut record itself.
            Err(_) => return Ok(()),
        }
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        data.resize(len, 0);
        if rd.read_exact(&mut data).is_err() {
            return Ok(());
        }
        let u16_at = |i: usize| {
            data.get(i..i + 2)
                .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let u32_at = |i: usize| {
            data.get(i..i + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        match typ {
            // DIMENSIONS: first row, last row + 1, first column, last column + 1.
            0x0200 => {
                let (first_row, end_row, end_col) = match len {
                    10 => (u16_at(0), u16_at(2), u16_at(6)),
                    _ => (u32_at(0), u32_at(4), u16_at(10)),
                };
                let (Some(first_row), Some(end_row), Some(end_col)) = (first_row, end_row, end_col)
                else {
                    continue;
                };
                if end_row > XLS_ROWS || end_col > XLS_COLUMNS || first_row > end_row {
                    return Err(forged(XlsExtent::Sheet {
                        first_row: first_row.into(),
                        end_row: end_row.into(),
                        end_col: end_col.into(),
                    }));
                }
            }
            // Cell records that start with their row and column: FORMULA, BLANK, NUMBER,
            // LABEL, BOOLERR, RK, LABELSST, RSTRING.
            0x0006 | 0x0201 | 0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x00D6 => {
                if let Some(col) = u16_at(2) {
                    if col >= XLS_COLUMNS {
                        return Err(forged(XlsExtent::Cell {
                            column: u64::from(col) + 1,
                        }));
                    }
                }
            }
            // MULRK and MULBLANK: row, first column, ..., last column in the last two bytes.
            0x00BD | 0x00BE if len >= 6 => {
                let first = u16_at(2).unwrap_or(0);
                let last = u16_at(len - 2).unwrap_or(0);
                if first >= XLS_COLUMNS || last >= XLS_COLUMNS {
                    return Err(forged(XlsExtent::Cells {
                        column: u64::from(first.max(last)) + 1,
                    }));
                }
            }
            _ => {}
        }
    }
}

/// The merged regions of `sheet` as (first row, first column, last row, last column), 0-based:
/// what calamine reads for xlsx/xlsm and xls files. The ods and xlsb readers give none, so
/// their two-row headers are read by the blanks alone (SPEC §2.2). The workbook is opened anew,
/// as its rows are being streamed from the one already open; a workbook whose merges cannot be
/// read gives none (they only refine how a header is read).
pub fn merged_regions(path: &Path, format: Format, sheet: &str) -> Vec<(u32, u32, u32, u32)> {
    let read = || -> Option<Vec<calamine::Dimensions>> {
        match Book::open(path, format, false).ok()? {
            Book::Xlsx(mut b, _) => b.merge_cells_by_sheet_name(sheet).ok(),
            Book::Xls(b) => b.merge_cells_by_sheet_name(sheet).ok(),
            Book::Xlsb(_) | Book::Ods(_) => None,
        }
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .ok()
        .flatten()
        .unwrap_or_default()
        .into_iter()
        .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
        .collect()
}

/// What our own sheet reader (`xlsx_sheet`) needs of an xlsx workbook: where it is, its
/// streamed worksheet parts, whether to inflate ahead, and what calamine decided (found once,
/// when a first sheet is read).
pub struct OwnReader {
    path: std::path::PathBuf,
    streamed: Vec<String>,
    ahead: bool,
    prepared: Option<Option<super::xlsx_sheet::Prepared>>,
    /// Off: calamine reads every cell (tests compare both).
    enabled: bool,
}

/// An open workbook of any calamine format.
pub enum Book {
    Xlsx(Xlsx<super::inflate::WorkbookFile>, Box<OwnReader>),
    Xlsb(Xlsb<BufReader<File>>),
    Ods(Ods<BufReader<File>>),
    Xls(Xls<BufReader<File>>),
}

impl Book {
    /// Opens the workbook at `path`. With `ahead`, its large worksheets are inflated on a
    /// thread of their own while calamine parses them (see `inflate`).
    pub fn open(path: &Path, format: Format, ahead: bool) -> Result<Book, BookWhy> {
        let mut streamed = Vec::new();
        if matches!(format, Format::Xlsx | Format::Xlsb | Format::Ods) {
            streamed = precheck_zip(path)?;
        }
        if format == Format::Ods {
            precheck_ods(path)?;
        }
        if format == Format::Xls {
            precheck_ole(path)?;
        }
        if format == Format::Xlsx {
            let file =
                super::inflate::WorkbookFile::open(path, ahead, &streamed).map_err(library)?;
            let book = Xlsx::new(file).map_err(|e| match e {
                calamine::XlsxError::Password => BookWhy::PasswordProtected,
                e => library(e),
            })?;
            let own = OwnReader {
                path: path.to_path_buf(),
                streamed,
                ahead,
                prepared: None,
                enabled: OWN_READER,
            };
            return Ok(Book::Xlsx(book, Box::new(own)));
        }
        let file = File::open(path).map_err(library)?;
        let rd = BufReader::new(file);
        let book = match format {
            Format::Xlsb => Book::Xlsb(Xlsb::new(rd).map_err(|e| match e {
                calamine::XlsbError::Password => BookWhy::PasswordProtected,
                e => library(e),
            })?),
            Format::Ods => Book::Ods(Ods::new(rd).map_err(|e| match e {
                calamine::OdsError::Password => BookWhy::PasswordProtected,
                e => library(e),
            })?),
            Format::Xls => Book::Xls(Xls::new(rd).map_err(|e| match e {
                calamine::XlsError::Password => BookWhy::PasswordProtected,
                e => library(e),
            })?),
            _ => {
                return Err(BookWhy::NotWorkbook {
                    format: format.name().to_string(),
                })
            }
        };
        Ok(book)
    }

    /// Whether the workbook lists `sheet` but the file lacks its data (an xlsx whose
    /// `workbook.xml` names a worksheet part that is not in the zip). Other formats keep a
    /// sheet's cells inside the workbook stream, so their sheets are never missing.
    pub fn sheet_is_missing(&mut self, sheet: &str) -> bool {
        match self {
            Book::Xlsx(b, _) => matches!(
                b.worksheet_cells_reader(sheet),
                Err(calamine::XlsxError::WorksheetNotFound(_))
            ),
            Book::Xlsb(b) => matches!(
                b.worksheet_cells_reader(sheet),
                Err(calamine::XlsbError::WorksheetNotFound(_))
            ),
            Book::Ods(_) | Book::Xls(_) => false,
        }
    }

    pub fn sheet_names(&self) -> Vec<String> {
        match self {
            Book::Xlsx(b, _) => b.sheet_names(),
            Book::Xlsb(b) => b.sheet_names(),
            Book::Ods(b) => b.sheet_names(),
            Book::Xls(b) => b.sheet_names(),
        }
    }

    pub fn date1904(&self) -> bool {
        match self {
            Book::Xlsx(b, _) => b.has_1904_epoch(),
            Book::Xlsb(b) => b.has_1904_epoch(),
            Book::Xls(b) => b.has_1904_epoch(),
            Book::Ods(_) => false,
        }
    }

    /// Streams the rows of `sheet` to `on_row`, in order. xlsx and xlsb are read cell by cell
    /// (never as a dense range: one cell at XFD1048576 would make a range of 17 billion cells).
    pub fn for_each_row(
        &mut self,
        sheet: &str,
        on_row: &mut dyn FnMut(SourceRow),
    ) -> Result<(), BookWhy> {
        self.for_each_row_capped(sheet, MAX_SHEET_CELLS, on_row)
    }

    /// [`Book::for_each_row`] with the cell cap as a parameter (tests lower it).
    pub fn for_each_row_capped(
        &mut self,
        sheet: &str,
        max_cells: u64,
        on_row: &mut dyn FnMut(SourceRow),
    ) -> Result<(), BookWhy> {
        let date1904 = self.date1904();
        let mut grouper = RowGrouper::new(max_cells);
        let malformed = |e: &dyn std::fmt::Display| BookWhy::MalformedSheet {
            detail: e.to_string(),
        };
        match self {
            Book::Xlsx(b, own) => {
                // calamine reads the sheet's start (its errors, as before), then our reader
                // reads its cells, handing over to calamine after the cells it gave when it
                // meets anything it does not read itself.
                drop(b.worksheet_cells_reader(sheet).map_err(|e| malformed(&e))?);
                let mut skip = 0u64;
                if own.enabled {
                    let names = b.sheet_names();
                    let prepared = own.prepared.get_or_insert_with(|| {
                        super::xlsx_sheet::prepare(&own.path, &own.streamed, &names)
                    });
                    let part = prepared.as_ref().and_then(|p| {
                        p.parts
                            .iter()
                            .find(|(n, _)| n == sheet)
                            .map(|(_, part)| (part.clone(), &p.lookups))
                    });
                    if let Some((part, lookups)) = part {
                        let read = super::inflate::with_part(&own.path, &part, own.ahead, |rd| {
                            super::xlsx_sheet::read_sheet(rd, lookups, date1904, &mut |r, c, v| {
                                grouper.push(r, c, v, on_row)
                            })
                        });
                        match read {
                            Ok(Ok(super::xlsx_sheet::Outcome::Done)) => {
                                grouper.finish(on_row);
                                return Ok(());
                            }
                            Ok(Ok(super::xlsx_sheet::Outcome::Handover { cells })) => skip = cells,
                            Ok(Err(why)) => return Err(why),
                            // The part cannot be opened: calamine says why.
                            Err(_) => {}
                        }
                    }
                }
                let mut rd = b.worksheet_cells_reader(sheet).map_err(|e| malformed(&e))?;
                loop {
                    // calamine adds up a cell reference's digits and letters in u32; one too
                    // long for that (`A99999999999`) panics on the overflow (the release
                    // profile keeps overflow checks for calamine so it never wraps instead).
                    let next = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        rd.next_cell().map_err(|e| malformed(&e)).map(|c| {
                            c.map(|c| (c.get_position(), from_data_ref(c.get_value(), date1904)))
                        })
                    }))
                    .map_err(|p| {
                        let what = p
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        if what.contains("overflow") {
                            BookWhy::CellBeyondXfd
                        } else {
                            std::panic::resume_unwind(p)
                        }
                    })??;
                    let Some(((r, c), cell)) = next else { break };
                    if skip > 0 {
                        // Given already by our reader.
                        skip -= 1;
                        continue;
                    }
                    grouper.push(r, c, cell, on_row)?;
                }
            }
            Book::Xlsb(b) => {
                let mut rd = b.worksheet_cells_reader(sheet).map_err(|e| malformed(&e))?;
                while let Some(cell) = rd.next_cell().map_err(|e| malformed(&e))? {
                    let (r, c) = cell.get_position();
                    grouper.push(r, c, from_data_ref(cell.get_value(), date1904), on_row)?;
                }
            }
            Book::Ods(b) => {
                let range = b.worksheet_range(sheet).map_err(|e| malformed(&e))?;
                push_range(&range, date1904, &mut grouper, on_row)?;
            }
            Book::Xls(b) => {
                let range = b.worksheet_range(sheet).map_err(|e| malformed(&e))?;
                push_range(&range, date1904, &mut grouper, on_row)?;
            }
        }
        grouper.finish(on_row);
        Ok(())
    }
}

fn push_range(
    range: &calamine::Range<Data>,
    date1904: bool,
    grouper: &mut RowGrouper,
    on_row: &mut dyn FnMut(SourceRow),
) -> Result<(), BookWhy> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        let cell = from_data(v, date1904);
        let row = r0.saturating_add(r as u32);
        let col = c0.saturating_add(c as u32);
        grouper.push(row, col, cell, on_row)?;
    }
    Ok(())
}

/// Feeds `xml` as a worksheet part to our own sheet reader (the fuzz target `xlsx_sheet`):
/// whatever the bytes, it gives cells or hands over, and never panics.
pub fn fuzz_xlsx_sheet(xml: &[u8]) {
    super::xlsx_sheet::fuzz_sheet(xml);
}

/// Whether xlsx worksheets are read by our own reader (`xlsx_sheet`) rather than calamine's.
const OWN_READER: bool = true;

/// Excel's grid: 1,048,576 rows by 16,384 columns (A1:XFD1048576).
const EXCEL_ROWS: u32 = 1_048_576;
const EXCEL_COLUMNS: u32 = 16_384;

/// A sheet with more cells than this is refused while it is streamed: 64 full columns of a
/// sheet at Excel's row limit, far more than any clinic export (a year of a large chain's
/// sales is about a million rows of 20 columns). Counted over every cell the file lists,
/// blank or not, so a sheet padded with millions of empty styled cells is caught too.
pub const MAX_SHEET_CELLS: u64 = 64 * EXCEL_ROWS as u64;

/// The A1-style name of a 0-based column (0 → A, 26 → AA); rust_xlsxwriter's, for the columns
/// a sheet can have (the grouper refuses any beyond XFD before a cell is named).
pub fn column_letters(col: u32) -> String {
    match u16::try_from(col) {
        Ok(c) if col < EXCEL_COLUMNS => rust_xlsxwriter::utility::column_number_to_name(c),
        _ => format!("#{}", u64::from(col) + 1),
    }
}

/// Collects cells (arriving in row order) into rows. A cell arriving for an earlier row than
/// the current one (a hand-edited file can list them out of order) starts a new row entry
/// with that number rather than being lost.
///
/// It also refuses what Excel never writes: a cell beyond XFD1048576, and more than
/// `max_cells` cells in one sheet. A cell listed twice in a row with two different values
/// makes that row bad (which value is meant cannot be told); listed twice with the same
/// value it is read once.
struct RowGrouper {
    current: Option<u32>,
    cells: Vec<(u32, RawCell)>,
    seen: u64,
    max_cells: u64,
}

impl RowGrouper {
    fn new(max_cells: u64) -> Self {
        RowGrouper {
            current: None,
            cells: Vec::new(),
            seen: 0,
            max_cells,
        }
    }

    fn push(
        &mut self,
        row: u32,
        col: u32,
        cell: RawCell,
        on_row: &mut dyn FnMut(SourceRow),
    ) -> Result<(), BookWhy> {
        self.seen += 1;
        if self.seen > self.max_cells {
            return Err(BookWhy::TooManyCells {
                max: self.max_cells,
            });
        }
        if row >= EXCEL_ROWS || col >= EXCEL_COLUMNS {
            return Err(BookWhy::CellBeyondXfdAt {
                row: u64::from(row) + 1,
                column: u64::from(col) + 1,
            });
        }
        if cell.is_blank() {
            return Ok(());
        }
        if self.current != Some(row) {
            self.finish(on_row);
            self.current = Some(row);
        }
        self.cells.push((col, cell));
        Ok(())
    }

    fn finish(&mut self, on_row: &mut dyn FnMut(SourceRow)) {
        if let Some(r) = self.current.take() {
            // The next row likely has as many cells: one allocation per row, not one per doubling.
            let next = Vec::with_capacity(self.cells.len());
            let mut cells = std::mem::replace(&mut self.cells, next);
            // Stable: cells listed twice keep their order in the file.
            if !cells.is_sorted_by_key(|(c, _)| *c) {
                cells.sort_by_key(|(c, _)| *c);
            }
            cells.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
            // 0-based row index → the row number a spreadsheet shows.
            let row = r.saturating_add(1);
            if let Some(w) = cells.windows(2).find(|w| w[0].0 == w[1].0) {
                on_row(SourceRow::Bad {
                    row,
                    message: InputMsg::CellTwice {
                        cell: format!("{}{row}", column_letters(w[0].0)),
                        first: w[0].1.display(),
                        second: w[1].1.display(),
                    },
                });
                return;
            }
            on_row(SourceRow::Row {
                row,
                cells,
                fields: None,
            });
        }
    }
}

/// A date serial as calamine's path converts it (for the sheet reader of `xlsx_sheet`).
pub(super) fn cell_from_serial(serial: f64, date1904: bool) -> RawCell {
    from_serial(serial, date1904)
}

/// An ISO date text (`t="d"`) as calamine's path converts it.
pub(super) fn cell_from_iso(s: &str) -> RawCell {
    from_iso(s)
}

fn from_serial(serial: f64, date1904: bool) -> RawCell {
    match values::serial_to_datetime(serial, date1904) {
        Ok(d) => RawCell::Date(d),
        Err(_) => RawCell::BadDate(serial),
    }
}

fn from_iso(s: &str) -> RawCell {
    let t = s.trim();
    if let Ok(d) = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f") {
        return RawCell::Date(d);
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return RawCell::Date(d.and_time(chrono::NaiveTime::MIN));
    }
    RawCell::Text(s.into())
}

fn from_data_ref(v: &DataRef<'_>, date1904: bool) -> RawCell {
    match v {
        DataRef::Int(i) => RawCell::Number(*i as f64),
        DataRef::Float(f) => RawCell::Number(*f),
        DataRef::String(s) => RawCell::Text(s.as_str().into()),
        DataRef::SharedString(s) => RawCell::Text((*s).into()),
        DataRef::Bool(b) => RawCell::Bool(*b),
        DataRef::DateTime(dt) => {
            if dt.is_duration() {
                RawCell::Number(dt.as_f64())
            } else {
                from_serial(dt.as_f64(), date1904)
            }
        }
        DataRef::DateTimeIso(s) => from_iso(s),
        DataRef::DurationIso(s) => RawCell::Text(s.as_str().into()),
        DataRef::Error(e) => RawCell::Error(e.to_string()),
        DataRef::Empty => RawCell::Empty,
    }
}

fn from_data(v: &Data, date1904: bool) -> RawCell {
    match v {
        Data::Int(i) => RawCell::Number(*i as f64),
        Data::Float(f) => RawCell::Number(*f),
        Data::String(s) => RawCell::Text(s.as_str().into()),
        Data::Bool(b) => RawCell::Bool(*b),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                RawCell::Number(dt.as_f64())
            } else {
                from_serial(dt.as_f64(), date1904)
            }
        }
        Data::DateTimeIso(s) => from_iso(s),
        Data::DurationIso(s) => RawCell::Text(s.as_str().into()),
        Data::Error(e) => RawCell::Error(e.to_string()),
        Data::Empty => RawCell::Empty,
    }
}

/// Streams a delimited text file's rows. A panic while reading (a bug: the CSV reader is
/// meant to be total) becomes an error for this file instead of ending the run.
pub fn for_each_csv_row(
    path: &Path,
    opts: &CsvOptions,
    on_row: &mut dyn FnMut(SourceRow),
) -> std::io::Result<String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        stream_csv_rows(path, opts, on_row)
    }))
    .unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(std::io::Error::other(Fail::new(
            InputFail::TextReaderFailed { what },
        )))
    })
}

fn stream_csv_rows(
    path: &Path,
    opts: &CsvOptions,
    on_row: &mut dyn FnMut(SourceRow),
) -> std::io::Result<String> {
    let (info, mut rows) = csv_source::open_csv(path, opts)?;
    let mut width = 0;
    loop {
        // Each row's cells go to the typing thread: a vector of its own, sized as the last.
        let mut cells = Vec::with_capacity(width);
        match rows.next_into(&mut cells) {
            None => break,
            Some(Ok((row, fields))) => {
                width = cells.len();
                on_row(SourceRow::Row {
                    row,
                    cells,
                    fields: Some(fields),
                });
            }
            Some(Err((row, message))) => on_row(SourceRow::Bad { row, message }),
        }
    }
    Ok(info.encoding.to_string())
}

/// Streams the rows of `chunk` of a CSV file cut by [`csv_source::plan_chunks`] to `on_row`,
/// in order, on this thread, in one row buffer reused from row to row. A panic in the reader
/// becomes an error, as for a whole file.
pub fn for_each_chunk_row(
    path: &Path,
    opts: &CsvOptions,
    plan: &csv_source::ChunkPlan,
    chunk: &csv_source::Chunk,
    on_row: &mut dyn FnMut(&SourceRow),
) -> std::io::Result<()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut rows = csv_source::open_chunk(path, opts, plan, chunk)?;
        let mut current = SourceRow::Row {
            row: 0,
            cells: Vec::with_capacity(16),
            fields: None,
        };
        loop {
            let mut cells = match &mut current {
                SourceRow::Row { cells, .. } => std::mem::take(cells),
                SourceRow::Bad { .. } => Vec::with_capacity(16),
            };
            current = match rows.next_into(&mut cells) {
                None => return Ok(()),
                Some(Ok((row, fields))) => SourceRow::Row {
                    row,
                    cells,
                    fields: Some(fields),
                },
                Some(Err((row, message))) => SourceRow::Bad { row, message },
            };
            on_row(&current);
        }
    }))
    .unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(std::io::Error::other(Fail::new(
            InputFail::TextReaderFailed { what },
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook with one sheet `消费` of `rows` rows by 4 columns.
    fn workbook(rows: u32) -> tempfile::NamedTempFile {
        let file = tempfile::Builder::new().suffix(".xlsx").tempfile().unwrap();
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("消费").unwrap();
        for r in 0..rows {
            for c in 0..4u16 {
                ws.write_number(r, c, f64::from(r)).unwrap();
            }
        }
        wb.save(file.path()).unwrap();
        file
    }

    fn read(path: &Path, max_cells: u64) -> Result<u32, String> {
        let en = |e: BookWhy| e.say(crate::Lang::En);
        let mut book = Book::open(path, Format::Xlsx, false).map_err(en)?;
        let mut rows = 0;
        book.for_each_row_capped("消费", max_cells, &mut |_| rows += 1)
            .map_err(en)?;
        Ok(rows)
    }

    /// A small zip workbook: its relationships (`rels`), a sheet and a string table, each a
    /// few bytes, deflated.
    fn small_zip(rels: &str, extra: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>"#;
            let sst = r#"<sst count="1" uniqueCount="1"><si><t>x</t></si></sst>"#;
            let mut parts = vec![
                ("xl/_rels/workbook.xml.rels", rels),
                ("xl/worksheets/sheet1.xml", sheet),
                ("xl/sharedStrings.xml", sst),
            ];
            parts.extend(extra.iter().map(|name| (*name, sheet)));
            for (name, text) in parts {
                z.start_file(name, opts).unwrap();
                z.write_all(text.as_bytes()).unwrap();
            }
            z.finish().unwrap();
        }
        out.into_inner()
    }

    /// Rewrites the sizes the central directory declares for part `name`.
    fn declare(zip: &mut [u8], name: &str, size: u32, compressed: u32) {
        let name = name.as_bytes();
        // Central directory header: PK\1\2, compressed size at +20, size at +24, name at +46.
        let at = (0..zip.len())
            .find(|&i| {
                zip[i..].starts_with(b"PK\x01\x02")
                    && zip.get(i + 46..i + 46 + name.len()) == Some(name)
            })
            .expect("central directory entry");
        zip[at + 20..at + 24].copy_from_slice(&compressed.to_le_bytes());
        zip[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
    }

    const RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

    fn precheck(zip: Vec<u8>) -> Result<Vec<String>, String> {
        precheck_zip_from(std::io::Cursor::new(zip)).map_err(|e| e.say(crate::Lang::En))
    }

    #[test]
    fn a_year_in_one_sheet_is_not_refused_for_its_size() {
        // 1,000,000 sales rows unpack to about 600 MB from 60 MB (10:1, as a genuine export
        // compresses): more than the 512 MiB (536,870,912 bytes) a part read whole may hold,
        // but a worksheet is streamed, so its size is no reason to refuse it.
        let (year, packed) = (600_000_000, 60_000_000);
        let mut zip = small_zip(RELS, &[]);
        declare(&mut zip, "xl/worksheets/sheet1.xml", year, packed);
        assert_eq!(
            precheck(zip),
            Ok(vec!["xl/worksheets/sheet1.xml".to_string()])
        );
        // The same sizes for the string table, which calamine holds whole: refused.
        let mut zip = small_zip(RELS, &[]);
        declare(&mut zip, "xl/sharedStrings.xml", year, packed);
        assert_eq!(
            precheck(zip),
            Err("its part xl/sharedStrings.xml unpacks to 600000000 bytes, more than the 536870912 a part read whole may hold in any export; the file is not a genuine export".to_string())
        );
        // A streamed sheet is still bounded by its ratio: 600 MB from 1 MB is 600:1 > 200:1.
        let mut zip = small_zip(RELS, &[]);
        declare(&mut zip, "xl/worksheets/sheet1.xml", year, 1_000_000);
        assert_eq!(
            precheck(zip),
            Err("its part xl/worksheets/sheet1.xml is compressed 600:1 (600000000 bytes from 1000000), which only a zip bomb does; the file is not a genuine export".to_string())
        );
    }

    #[test]
    fn only_worksheets_the_workbook_names_are_streamed() {
        let (year, packed) = (600_000_000, 60_000_000);
        let refused = |zip: Vec<u8>, part: &str| {
            let err = precheck(zip).unwrap_err();
            assert!(
                err.starts_with(&format!("its part {part} unpacks to 600000000 bytes")),
                "{err}"
            );
        };
        // A part under xl/worksheets/ that no relationship names.
        let mut zip = small_zip(RELS, &["xl/worksheets/sheet9.xml"]);
        declare(&mut zip, "xl/worksheets/sheet9.xml", year, packed);
        refused(zip, "xl/worksheets/sheet9.xml");
        // A "worksheet" outside xl/worksheets/ (here the string table itself).
        let forged = RELS.replace("worksheets/sheet1.xml", "sharedStrings.xml");
        let mut zip = small_zip(&forged, &[]);
        declare(&mut zip, "xl/sharedStrings.xml", year, packed);
        refused(zip, "xl/sharedStrings.xml");
        // A worksheet another relationship also names.
        let twice = RELS.replace(
            r#"Target="sharedStrings.xml""#,
            r#"Target="/xl/worksheets/sheet1.xml""#,
        );
        let mut zip = small_zip(&twice, &[]);
        declare(&mut zip, "xl/worksheets/sheet1.xml", year, packed);
        refused(zip, "xl/worksheets/sheet1.xml");
        // Without the workbook's relationships nothing is streamed.
        let mut zip = small_zip("", &[]);
        declare(&mut zip, "xl/worksheets/sheet1.xml", year, packed);
        refused(zip, "xl/worksheets/sheet1.xml");
    }

    #[test]
    fn relationship_targets() {
        let rels = relationships(
            br#"<Relationship TargetMode="External" Target="worksheets/a.xml" Type="t/worksheet" Id="r1"/><Relationship Id="r2" Type="x" Target="/xl/b.xml"/>"#,
        );
        assert_eq!(
            rels,
            [
                ("t/worksheet".to_string(), "worksheets/a.xml".to_string()),
                ("x".to_string(), "/xl/b.xml".to_string())
            ]
        );
        assert_eq!(
            resolve_target("worksheets/a.xml").as_deref(),
            Some("xl/worksheets/a.xml")
        );
        assert_eq!(resolve_target("/xl/b.xml").as_deref(), Some("xl/b.xml"));
        assert_eq!(resolve_target("../x.xml"), None);
    }

    /// Every row of every sheet of the workbook at `path`, or the error, as our reader (`own`)
    /// or calamine alone gives them.
    fn all_rows(path: &Path, own: bool, ahead: bool) -> Vec<String> {
        let mut book = match Book::open(path, Format::Xlsx, ahead) {
            Ok(b) => b,
            Err(e) => return vec![format!("open: {e:?}")],
        };
        if let Book::Xlsx(_, o) = &mut book {
            o.enabled = own;
        }
        let mut out = Vec::new();
        for sheet in book.sheet_names() {
            out.push(format!("sheet {sheet}"));
            let r = book.for_each_row(&sheet, &mut |row| {
                out.push(match row {
                    SourceRow::Row { row, cells, fields } => format!("{row} {cells:?} {fields:?}"),
                    SourceRow::Bad { row, message } => format!("{row} bad {message:?}"),
                })
            });
            if let Err(e) = r {
                out.push(format!("error {e:?}"));
            }
        }
        out
    }

    /// Every xlsx under `dir`, recursively.
    fn workbooks(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                workbooks(&path, out);
            } else if path.extension().is_some_and(|e| e == "xlsx" || e == "xlsm") {
                out.push(path);
            }
        }
    }

    #[test]
    fn our_sheet_reader_gives_what_calamine_gives_for_every_fixture() {
        let mut paths = Vec::new();
        workbooks(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            &mut paths,
        );
        assert!(paths.len() >= 6, "{paths:?}");
        let mut rows = 0;
        for path in paths {
            let calamine = all_rows(&path, false, false);
            rows += calamine.len();
            assert_eq!(all_rows(&path, true, false), calamine, "{path:?}");
            assert_eq!(all_rows(&path, true, true), calamine, "{path:?}");
        }
        assert!(rows > 100, "{rows}");
    }

    /// A workbook written by hand: one sheet `消费` holding `sheet` as its XML, the shared
    /// strings `sst`, and styles 0–5 (0 General, 1 builtin 14 (a date), 2 custom `yyyy-mm-dd`,
    /// 3 custom `0.00`, 4 custom `[h]:mm` (a duration), 5 builtin 22 (date and time)).
    fn hand_made(
        sheet: &str,
        sst: &str,
        date1904: bool,
    ) -> (tempfile::TempDir, std::path::PathBuf) {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("消费.xlsx");
        let mut z = zip::ZipWriter::new(File::create(&path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let pr = if date1904 {
            r#"<workbookPr date1904="1"/>"#
        } else {
            ""
        };
        let workbook = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{pr}<sheets><sheet name="消费" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        let styles = r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="0.00"/><numFmt numFmtId="166" formatCode="[h]:mm"/></numFmts><cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="22"/></cellXfs></styleSheet>"#;
        let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
        let root = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData>{sheet}</sheetData></worksheet>"#
        );
        for (name, text) in [
            ("_rels/.rels", root),
            ("xl/workbook.xml", workbook.as_str()),
            ("xl/_rels/workbook.xml.rels", rels),
            ("xl/styles.xml", styles),
            ("xl/sharedStrings.xml", sst),
            ("xl/worksheets/sheet1.xml", sheet.as_str()),
        ] {
            z.start_file(name, opts).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
        (dir, path)
    }

    const SST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>水光针</t></si><si><r><rPr><b/><sz val="11"/></rPr><t xml:space="preserve">王 </t></r><r><t>女士</t></r><rPh sb="0" eb="1"><t>ワン</t></rPh><phoneticPr fontId="1"/></si><si><t>a&amp;b_x000D_c</t></si></sst>"#;

    /// Reads the hand-made workbook both ways; both must give the same, and ours gives `want`.
    fn both_ways(sheet: &str, date1904: bool) -> Vec<String> {
        let (_dir, path) = hand_made(sheet, SST, date1904);
        let calamine = all_rows(&path, false, false);
        assert_eq!(all_rows(&path, true, false), calamine, "{sheet}");
        assert_eq!(all_rows(&path, true, true), calamine, "{sheet}");
        calamine
    }

    /// Whether our reader reads `sheet` to its end itself (no hand-over to calamine).
    fn read_whole(sheet: &str) -> bool {
        let (_dir, path) = hand_made(sheet, SST, false);
        let part = "xl/worksheets/sheet1.xml".to_string();
        let prepared = super::super::xlsx_sheet::prepare(
            &path,
            std::slice::from_ref(&part),
            &["消费".to_string()],
        )
        .expect("probe");
        assert_eq!(prepared.parts, [("消费".to_string(), part.clone())]);
        super::super::inflate::with_part(&path, &part, false, |rd| {
            super::super::xlsx_sheet::read_sheet(
                rd,
                &prepared.lookups,
                false,
                &mut |_, _, _| Ok(()),
            )
        })
        .unwrap()
            == Ok(super::super::xlsx_sheet::Outcome::Done)
    }

    #[test]
    fn our_sheet_reader_reads_what_exports_write_as_calamine_does() {
        // Shared strings (plain, rich runs with a phonetic run skipped, an entity and _x000D_),
        // inline strings, numbers in a date style and not, booleans, errors, a formula's cached
        // string, an ISO date.
        let sheet = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="inlineStr"><is><t>  张&lt;三&gt; </t></is></c><c r="E1" t="inlineStr"><is><r><t xml:space="preserve">李 </t></r><r><rPr><i/></rPr><t>四_x000A_</t></r><rPh sb="0" eb="1"><t>リ</t></rPh><phoneticPr fontId="1"/></is></c></row><row r="2"><c r="A2" s="1"><v>46023</v></c><c r="B2" s="2"><v>46023.5</v></c><c r="C2" s="3"><v>46023</v></c><c r="D2" s="4"><v>1.25</v></c><c r="E2" s="5"><v>46023.75</v></c><c r="F2" s="9"><v>-12.5E-1</v></c></row><row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="b"><v>0</v></c><c r="C3" t="e"><v>#DIV/0!</v></c><c r="D3" t="str"><f>A1&amp;"x"</f><v>水光针&amp;x</v></c><c r="E3"><f>1+1</f><v>2</v></c><c r="F3" t="d"><v>2026-01-02T10:00:00</v></c><c r="G3" s="1"/></row>"#;
        assert!(read_whole(sheet));
        let rows = both_ways(sheet, false);
        // Worked by hand: 46023 is 2026-01-01 (serial 45658 is 2025-01-01, +365); style 3 is
        // `0.00` (a number), style 4 `[h]:mm` a duration (a number), style 9 is not listed.
        assert_eq!(
            rows,
            [
                "sheet 消费",
                r#"1 [(0, Text("水光针")), (1, Text("王 女士")), (2, Text("a&b\rc")), (3, Text("张<三>")), (4, Text("李 四\n"))] None"#,
                "2 [(0, Date(2026-01-01T00:00:00)), (1, Date(2026-01-01T12:00:00)), (2, Number(46023.0)), (3, Number(1.25)), (4, Date(2026-01-01T18:00:00)), (5, Number(-1.25))] None",
                r##"3 [(0, Bool(true)), (1, Bool(false)), (2, Error("#DIV/0!")), (3, Text("水光针&x")), (4, Number(2.0)), (5, Date(2026-01-02T10:00:00))] None"##,
            ]
        );
        // The 1904 date system: 46023 is four years and a day later.
        let rows = both_ways(r#"<row r="1"><c r="A1" s="1"><v>46023</v></c></row>"#, true);
        assert_eq!(rows[1], "1 [(0, Date(2030-01-02T00:00:00))] None");
    }

    #[test]
    fn our_sheet_reader_counts_positions_as_calamine_does() {
        // Rows and cells without `r`: calamine counts on from the last row and column.
        let sheet = r#"<row><c><v>1</v></c><c><v>2</v></c></row><row r="5"><c><v>3</v></c><c r="D5"><v>4</v></c><c><v>5</v></c></row><row/><row><c t="inlineStr"><is><t>x</t></is></c></row>"#;
        assert!(read_whole(sheet));
        assert_eq!(
            both_ways(sheet, false),
            [
                "sheet 消费",
                "1 [(0, Number(1.0)), (1, Number(2.0))] None",
                "5 [(0, Number(3.0)), (3, Number(4.0)), (4, Number(5.0))] None",
                r#"7 [(0, Text("x"))] None"#,
            ]
        );
    }

    #[test]
    fn our_sheet_reader_refuses_and_hands_over_as_calamine_does() {
        let cases = [
            // Beyond XFD, beyond row 1,048,576, and a reference that overflows calamine's sum.
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="XFE1"><v>2</v></c></row>"#,
            r#"<row r="1048577"><c r="A1048577"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A99999999999"><v>1</v></c></row>"#,
            // Malformed or cut XML, an unknown type, a string index past the table.
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</c></row>"#,
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="x"><v>2</v></c></row>"#,
            r#"<row r="1"><c r="A1" t="s"><v>3</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2"#,
            // Forms left to calamine: a comment, a prefix, a CDATA text, a padded number.
            r#"<row r="1"><c r="A1"><v>1</v></c><!-- x --><c r="B1"><v>2</v></c></row>"#,
            r#"<row r="1"><x:c r="A1"><x:v>1</x:v></x:c></row>"#,
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c></row>"#,
            r#"<row r="1"><c r="A1"><v> 7 </v></c><c r="B1" t="n"><v>1e999</v></c></row>"#,
            // An attribute it reads given twice.
            r#"<row r="1"><c r="A1" r="B1"><v>1</v></c></row>"#,
        ];
        for (i, sheet) in cases.iter().enumerate() {
            // The first two our reader reads itself (the grouper refuses them); the others it
            // hands over.
            assert_eq!(read_whole(sheet), i < 2, "{sheet}");
            let rows = both_ways(sheet, false);
            assert!(rows.len() >= 2, "{sheet}: {rows:?}");
        }
        assert!(both_ways(cases[0], false)[1].contains("CellBeyondXfdAt { row: 1, column: 16385 }"));
        assert!(both_ways(cases[2], false)[1].contains("CellBeyondXfd"));
        assert!(both_ways(cases[3], false)[1].starts_with("error MalformedSheet"));
    }

    #[test]
    fn cells_per_sheet_are_capped_while_streaming() {
        // 10 rows × 4 columns = 40 cells: read under a cap of 40, refused under 39.
        let file = workbook(10);
        assert_eq!(read(file.path(), 40), Ok(10));
        let err = read(file.path(), 39).unwrap_err();
        assert!(err.contains("a sheet has more than 39 cells"), "{err}");
        assert!(err.contains("export a shorter period"), "{err}");
        // The real cap: a full-height sheet of 64 columns.
        assert_eq!(MAX_SHEET_CELLS, 1_048_576 * 64);
    }

    #[test]
    fn ods_extent_counts_data_not_padding() {
        let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile");
        // The genuine LibreOffice file: 3 rows × 4 columns = 12 cells.
        let ods = hostile.join("sales.ods");
        assert_eq!(precheck_ods_capped(&ods, 12), Ok(()));
        let err = precheck_ods_capped(&ods, 11)
            .unwrap_err()
            .say(crate::Lang::En);
        assert!(
            err.contains("its sheet 消费 spans 3 rows × 4 columns (12 cells)"),
            "{err}"
        );
    }

    #[test]
    fn merged_regions_of_xlsx_and_xls() {
        // fixtures/clinic2/客诉登记.xls (LibreOffice, BIFF8): A1:A2 投诉日期, B1:C1 投诉对象,
        // D1:D2 顾客, E1:F1 处理情况 — kept through the conversion from xlsx.
        let clinic2 = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clinic2");
        let mut xls = merged_regions(&clinic2.join("客诉登记.xls"), Format::Xls, "客诉");
        xls.sort();
        assert_eq!(
            xls,
            [(0, 0, 1, 0), (0, 1, 0, 2), (0, 3, 1, 3), (0, 4, 0, 5)]
        );
        // The report's merges: the title A1:I1 and the header rows 4–5.
        let mut xlsx = merged_regions(
            &clinic2.join("报表_20261201_093015.xlsx"),
            Format::Xlsx,
            "收银明细",
        );
        xlsx.sort();
        assert_eq!(
            xlsx,
            [
                (0, 0, 0, 8),
                (3, 0, 4, 0),
                (3, 1, 4, 1),
                (3, 2, 3, 3),
                (3, 4, 3, 5),
                (3, 6, 3, 7),
                (3, 8, 4, 8)
            ]
        );
        // Formats calamine reads no merges from, and a sheet that is not there: none.
        assert!(merged_regions(&clinic2.join("客诉登记.xls"), Format::Xls, "无").is_empty());
        let ods = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile/sales.ods");
        assert!(merged_regions(&ods, Format::Ods, "消费").is_empty());
    }

    #[test]
    fn column_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(EXCEL_COLUMNS - 1), "XFD");
        assert_eq!(column_letters(EXCEL_COLUMNS), "#16385");
    }

    #[test]
    fn encrypted_ole_files_are_told_apart_from_xls() {
        let hostile = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile");
        assert_eq!(
            precheck_ole(&hostile.join("sales-encrypted.xlsx")),
            Err(BookWhy::PasswordProtected)
        );
        assert_eq!(precheck_ole(&hostile.join("sales-biff8.xls")), Ok(()));
        let err = Book::open(&hostile.join("sales-encrypted.xlsx"), Format::Xls, false)
            .err()
            .unwrap();
        assert_eq!(err, BookWhy::PasswordProtected);
    }
}
