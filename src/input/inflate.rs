//! Inflating a workbook's large worksheets on a thread of their own (SPEC §7): the parsing
//! thread parses while another inflates.
//!
//! calamine reads a workbook through the zip reader it owns, inflating each part on the thread
//! that parses it. To move the inflating elsewhere without touching its parser, calamine is
//! given a zip of our own making instead of the file: every part as it is in the file, except
//! the large worksheets, which it finds *stored* (not compressed) — their bytes are inflated
//! from the file, ahead of the parser, by a thread that hands them over in buffers through a
//! bounded channel. The zip reader checks what it reads exactly as before: the declared size
//! (the inflating thread stops with the same error when a part inflates past it) and the CRC.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};

/// Worksheets smaller than this (unpacked) are inflated by the parser, as before.
const MIN_AHEAD_BYTES: u64 = 8 << 20;
/// Inflated bytes handed over at a time, and buffers in flight at most.
const BUFFER_BYTES: usize = 256 << 10;
const BUFFERS_IN_FLIGHT: usize = 4;
/// Every offset and size of a zip without its 64-bit extension stays below this.
const ZIP32_LIMIT: u64 = 0xFFFF_FFFF;

/// A workbook as calamine reads it: the file itself, or the zip of our making.
pub enum WorkbookFile {
    Plain(BufReader<File>),
    Ahead(Box<AheadZip>),
}

impl WorkbookFile {
    /// The workbook at `path`, with the worksheets among `streamed` of at least 8 MiB inflated
    /// ahead on a thread of their own when `ahead`; the file as it is otherwise, or when its zip
    /// is not one this can remake (64-bit sizes, encrypted or unusual parts).
    pub fn open(path: &Path, ahead: bool, streamed: &[String]) -> io::Result<WorkbookFile> {
        if ahead {
            if let Some(zip) = AheadZip::new(path, streamed, MIN_AHEAD_BYTES)? {
                return Ok(WorkbookFile::Ahead(Box::new(zip)));
            }
        }
        Ok(WorkbookFile::Plain(BufReader::new(File::open(path)?)))
    }
}

impl Read for WorkbookFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            WorkbookFile::Plain(f) => f.read(buf),
            WorkbookFile::Ahead(z) => z.read(buf),
        }
    }
}

impl Seek for WorkbookFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            WorkbookFile::Plain(f) => f.seek(pos),
            WorkbookFile::Ahead(z) => z.seek(pos),
        }
    }
}

/// A piece of the zip of our making.
enum Piece {
    /// Headers and the central directory, made here.
    Made(Vec<u8>),
    /// A part's bytes as they are in the file: `len` bytes from `offset`.
    File { offset: u64, len: u64 },
    /// A worksheet's inflated bytes (`len` as declared), from the inflating thread.
    Inflated { name: String, len: u64 },
}

/// The zip of our making (see the module's documentation), read and sought like a file.
pub struct AheadZip {
    path: PathBuf,
    /// Each piece with the offset it starts at.
    pieces: Vec<(u64, Piece)>,
    len: u64,
    pos: u64,
    file: BufReader<File>,
    /// The inflating thread of the worksheet being read, if any.
    inflater: Option<Inflater>,
}

/// One part of the file as the zip of our making lists it.
struct Part {
    name: String,
    crc: u32,
    size: u64,
    /// Stored: the inflated bytes of a worksheet; else the file's own method and bytes.
    ahead: bool,
    method: u16,
    offset: u64,
    compressed: u64,
}

impl AheadZip {
    /// None when no worksheet of `min_bytes` or more is to be inflated ahead, or the zip
    /// cannot be remade.
    fn new(path: &Path, streamed: &[String], min_bytes: u64) -> io::Result<Option<AheadZip>> {
        let file = BufReader::new(File::open(path)?);
        let mut zip = zip::ZipArchive::new(file).map_err(io::Error::other)?;
        let mut parts = Vec::with_capacity(zip.len());
        for i in 0..zip.len() {
            let entry = zip.by_index_raw(i).map_err(io::Error::other)?;
            let name = entry.name().map_err(io::Error::other)?.to_string();
            let method = match entry.compression() {
                zip::CompressionMethod::Stored => 0,
                zip::CompressionMethod::Deflated => 8,
                _ => return Ok(None),
            };
            let Some(offset) = entry.data_start() else {
                return Ok(None);
            };
            if entry.encrypted() || entry.size() >= ZIP32_LIMIT {
                return Ok(None);
            }
            let ahead = method == 8 && entry.size() >= min_bytes && streamed.contains(&name);
            parts.push(Part {
                name,
                crc: entry.crc32(),
                size: entry.size(),
                ahead,
                method,
                offset,
                compressed: entry.compressed_size(),
            });
        }
        if !parts.iter().any(|p| p.ahead) {
            return Ok(None);
        }
        let Some(pieces) = layout(&parts) else {
            return Ok(None);
        };
        let len = pieces.last().map_or(0, |(at, p)| at + piece_len(p));
        Ok(Some(AheadZip {
            path: path.to_path_buf(),
            pieces,
            len,
            pos: 0,
            file: BufReader::new(File::open(path)?),
            inflater: None,
        }))
    }
}

fn piece_len(p: &Piece) -> u64 {
    match p {
        Piece::Made(b) => b.len() as u64,
        Piece::File { len, .. } | Piece::Inflated { len, .. } => *len,
    }
}

/// The pieces of a zip listing `parts` in order: for each a local header and its bytes, then
/// the central directory and its end record. None when it would need 64-bit offsets.
fn layout(parts: &[Part]) -> Option<Vec<(u64, Piece)>> {
    let mut pieces = Vec::with_capacity(parts.len() * 2 + 1);
    let mut at = 0u64;
    let mut central = Vec::new();
    for p in parts {
        let (method, compressed) = if p.ahead {
            (0, p.size)
        } else {
            (p.method, p.compressed)
        };
        let header_at = u32::try_from(at).ok()?;
        let fields = HeaderFields {
            method,
            crc: p.crc,
            compressed: u32::try_from(compressed).ok()?,
            size: u32::try_from(p.size).ok()?,
            name: p.name.as_bytes(),
        };
        let local = fields.local();
        central.extend_from_slice(&fields.central(header_at));
        at += local.len() as u64;
        pieces.push((at - local.len() as u64, Piece::Made(local)));
        let data = if p.ahead {
            Piece::Inflated {
                name: p.name.clone(),
                len: p.size,
            }
        } else {
            Piece::File {
                offset: p.offset,
                len: p.compressed,
            }
        };
        pieces.push((at, data));
        at += compressed;
    }
    let entries = u16::try_from(parts.len()).ok()?;
    let central_at = u32::try_from(at).ok()?;
    let central_len = u32::try_from(central.len()).ok()?;
    if at + u64::from(central_len) + 22 >= ZIP32_LIMIT {
        return None;
    }
    // End of central directory: no disks, no comment.
    central.extend_from_slice(b"PK\x05\x06");
    central.extend_from_slice(&[0, 0, 0, 0]);
    central.extend_from_slice(&entries.to_le_bytes());
    central.extend_from_slice(&entries.to_le_bytes());
    central.extend_from_slice(&central_len.to_le_bytes());
    central.extend_from_slice(&central_at.to_le_bytes());
    central.extend_from_slice(&[0, 0]);
    pieces.push((at, Piece::Made(central)));
    Some(pieces)
}

/// What a part's local and central headers say.
struct HeaderFields<'a> {
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    name: &'a [u8],
}

/// Version 2.0; bit 11: the name is UTF-8.
const VERSION: u16 = 20;
const UTF8_NAME: u16 = 1 << 11;

impl HeaderFields<'_> {
    /// Method, a zero time and date, CRC, sizes, name length and no extra field.
    fn common(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&UTF8_NAME.to_le_bytes());
        out.extend_from_slice(&self.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0]); // 00:00, 1980-01-01
        out.extend_from_slice(&self.crc.to_le_bytes());
        out.extend_from_slice(&self.compressed.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&(self.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
    }

    fn local(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(30 + self.name.len());
        out.extend_from_slice(b"PK\x03\x04");
        self.common(&mut out);
        out.extend_from_slice(self.name);
        out
    }

    fn central(&self, header_at: u32) -> Vec<u8> {
        let mut out = Vec::with_capacity(46 + self.name.len());
        out.extend_from_slice(b"PK\x01\x02");
        out.extend_from_slice(&VERSION.to_le_bytes());
        self.common(&mut out);
        // Comment length, disk, internal and external attributes.
        out.extend_from_slice(&[0; 10]);
        out.extend_from_slice(&header_at.to_le_bytes());
        out.extend_from_slice(self.name);
        out
    }
}

impl Read for AheadZip {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.pos >= self.len {
            return Ok(0);
        }
        // The piece holding `pos`: the last starting at or before it.
        let i = self.pieces.partition_point(|(at, _)| *at <= self.pos) - 1;
        let (start, piece) = &self.pieces[i];
        let within = self.pos - start;
        let room = (piece_len(piece) - within).min(buf.len() as u64) as usize;
        let n = match piece {
            Piece::Made(bytes) => {
                let from = within as usize;
                buf[..room].copy_from_slice(&bytes[from..from + room]);
                room
            }
            Piece::File { offset, .. } => {
                self.file.seek(SeekFrom::Start(offset + within))?;
                self.file.read(&mut buf[..room])?
            }
            Piece::Inflated { name, .. } => {
                let restart = self
                    .inflater
                    .as_ref()
                    .is_none_or(|f| f.name != *name || f.at > within);
                if restart {
                    // From the start (a part is read again from its start, as calamine does
                    // when it looks at a sheet before reading it).
                    self.inflater = Some(Inflater::start(&self.path, name)?);
                }
                let Some(inflater) = self.inflater.as_mut() else {
                    return Ok(0);
                };
                inflater.skip_to(within)?;
                inflater.read(&mut buf[..room])?
            }
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for AheadZip {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let to = match pos {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = to.ok_or_else(|| io::Error::other("seek before the start of the workbook"))?;
        Ok(self.pos)
    }
}

/// What the inflating thread hands over: a buffer of inflated bytes, or the error that ended
/// the inflating (its kind and text, as the zip reader gave it).
type Handed = Result<Vec<u8>, (io::ErrorKind, String)>;

/// The inflating thread of one worksheet and the bytes it handed over not yet read.
struct Inflater {
    name: String,
    rx: Option<Receiver<Handed>>,
    thread: Option<std::thread::JoinHandle<()>>,
    buf: Vec<u8>,
    used: usize,
    /// Offset in the part of the next byte to read.
    at: u64,
}

impl Inflater {
    fn start(path: &Path, name: &str) -> io::Result<Inflater> {
        let (tx, rx) = sync_channel::<Handed>(BUFFERS_IN_FLIGHT);
        let (path, part) = (path.to_path_buf(), name.to_string());
        super::note_spawn();
        let thread = std::thread::Builder::new()
            .name("inflate".into())
            .spawn(move || {
                let inflate = || -> io::Result<()> {
                    let file = BufReader::new(File::open(&path)?);
                    let mut zip = zip::ZipArchive::new(file).map_err(io::Error::other)?;
                    let mut entry = zip.by_name(&part).map_err(io::Error::other)?;
                    loop {
                        let mut buf = vec![0u8; BUFFER_BYTES];
                        let mut filled = 0;
                        while filled < buf.len() {
                            match entry.read(&mut buf[filled..])? {
                                0 => break,
                                n => filled += n,
                            }
                        }
                        if filled == 0 {
                            return Ok(());
                        }
                        buf.truncate(filled);
                        // The reader went away: it needs no more.
                        if tx.send(Ok(buf)).is_err() {
                            return Ok(());
                        }
                    }
                };
                if let Err(e) = inflate() {
                    let _ = tx.send(Err((e.kind(), e.to_string())));
                }
            })?;
        Ok(Inflater {
            name: name.to_string(),
            rx: Some(rx),
            thread: Some(thread),
            buf: Vec::new(),
            used: 0,
            at: 0,
        })
    }

    /// Makes bytes available; false at the end of the part.
    fn fill(&mut self) -> io::Result<bool> {
        while self.used >= self.buf.len() {
            let Some(rx) = &self.rx else { return Ok(false) };
            match rx.recv() {
                Ok(Ok(buf)) => {
                    self.buf = buf;
                    self.used = 0;
                }
                Ok(Err((kind, message))) => {
                    self.rx = None;
                    return Err(io::Error::new(kind, message));
                }
                Err(_) => {
                    self.rx = None;
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// Reads on to offset `to` of the part (not before the next byte).
    fn skip_to(&mut self, to: u64) -> io::Result<()> {
        while self.at < to {
            if !self.fill()? {
                return Ok(());
            }
            let n = ((self.buf.len() - self.used) as u64).min(to - self.at) as usize;
            self.used += n;
            self.at += n as u64;
        }
        Ok(())
    }

    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if !self.fill()? {
            return Ok(0);
        }
        let n = (self.buf.len() - self.used).min(out.len());
        out[..n].copy_from_slice(&self.buf[self.used..self.used + n]);
        self.used += n;
        self.at += n as u64;
        Ok(n)
    }
}

impl Drop for Inflater {
    fn drop(&mut self) {
        // The thread stops at its next hand-over once no one receives; it has ended when the
        // workbook is closed.
        self.rx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs `f` on the inflated bytes of part `name` of the zip at `path`: inflated on a thread of
/// its own and handed over through the bounded channel when `ahead`, else inflated as they are
/// read, on this thread. The zip reader checks them either way (declared size, CRC).
pub fn with_part<T>(
    path: &Path,
    name: &str,
    ahead: bool,
    f: impl FnOnce(&mut dyn Read) -> T,
) -> io::Result<T> {
    if ahead {
        let mut inflater = Inflater::start(path, name)?;
        return Ok(f(&mut inflater));
    }
    let mut zip =
        zip::ZipArchive::new(BufReader::new(File::open(path)?)).map_err(io::Error::other)?;
    let mut entry = zip.by_name(name).map_err(io::Error::other)?;
    Ok(f(&mut entry))
}

impl Read for Inflater {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        Inflater::read(self, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};

    const SHEET: &str = "xl/worksheets/sheet1.xml";

    /// A workbook of `rows` rows × 3 columns (numbers and texts) in a temp folder.
    fn workbook(rows: u32) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("消费.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for r in 0..rows {
            ws.write_number(r, 0, f64::from(r)).unwrap();
            ws.write_string(r, 1, format!("顾客{r}")).unwrap();
            ws.write_string(r, 2, "水光针").unwrap();
        }
        wb.save(&path).unwrap();
        (dir, path)
    }

    fn ahead(path: &Path) -> AheadZip {
        AheadZip::new(path, &[SHEET.to_string()], 0)
            .unwrap()
            .expect("the sheet is inflated ahead")
    }

    /// Every part of a zip, by name, as read through it.
    fn parts<R: Read + Seek>(r: R) -> Vec<(String, Result<Vec<u8>, String>)> {
        let mut zip = zip::ZipArchive::new(r).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut entry = zip.by_index(i).unwrap();
                let mut bytes = Vec::new();
                let read = entry.read_to_end(&mut bytes).map_err(|e| e.to_string());
                (entry.name().unwrap().to_string(), read.map(|_| bytes))
            })
            .collect()
    }

    #[test]
    fn the_remade_zip_holds_the_parts_of_the_file() {
        let (_dir, path) = workbook(3_000);
        let original = parts(BufReader::new(File::open(&path).unwrap()));
        assert!(original
            .iter()
            .any(|(n, b)| n == SHEET && b.as_ref().unwrap().len() > 100_000));
        assert_eq!(parts(ahead(&path)), original);
        // calamine reads the same cells through it, and again after looking at the sheet
        // (the part read from its start a second time).
        let cells = |file: WorkbookFile| {
            let mut book = Xlsx::new(file).unwrap();
            let _ = book.worksheet_cells_reader("Sheet1").unwrap();
            let mut rd = book.worksheet_cells_reader("Sheet1").unwrap();
            let mut out = Vec::new();
            while let Some(c) = rd.next_cell().unwrap() {
                out.push(format!("{:?} {:?}", c.get_position(), c.get_value()));
            }
            out
        };
        let plain = cells(WorkbookFile::Plain(BufReader::new(
            File::open(&path).unwrap(),
        )));
        assert_eq!(plain.len(), 9_000);
        assert_eq!(cells(WorkbookFile::Ahead(Box::new(ahead(&path)))), plain);
    }

    #[test]
    fn a_part_inflating_past_its_declared_size_fails_as_it_does_unaided() {
        let (_dir, path) = workbook(3_000);
        let mut bytes = std::fs::read(&path).unwrap();
        // The sheet's central directory entry declares 64 KiB (size at +24).
        let name = SHEET.as_bytes();
        let at = (0..bytes.len())
            .find(|&i| {
                bytes[i..].starts_with(b"PK\x01\x02")
                    && bytes.get(i + 46..i + 46 + name.len()) == Some(name)
            })
            .unwrap();
        bytes[at + 24..at + 28].copy_from_slice(&(64u32 << 10).to_le_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let sheet = |all: Vec<(String, Result<Vec<u8>, String>)>| {
            all.into_iter().find(|(n, _)| n == SHEET).unwrap().1
        };
        let unaided = sheet(parts(BufReader::new(File::open(&path).unwrap())));
        assert_eq!(
            unaided,
            Err("File is larger than its declared uncompressed size".to_string())
        );
        assert_eq!(sheet(parts(ahead(&path))), unaided);
    }

    #[test]
    fn small_or_unlisted_sheets_are_read_from_the_file() {
        let (_dir, path) = workbook(10);
        // Below the size, or not a streamed worksheet: nothing to inflate ahead.
        assert!(AheadZip::new(&path, &[SHEET.to_string()], MIN_AHEAD_BYTES)
            .unwrap()
            .is_none());
        assert!(AheadZip::new(&path, &[], 0).unwrap().is_none());
        assert!(matches!(
            WorkbookFile::open(&path, true, &[SHEET.to_string()]).unwrap(),
            WorkbookFile::Plain(_)
        ));
    }
}
