//! Streaming CSV reader for clinic exports.
//!
//! Clinic systems and Excel in China write CSV in several encodings: UTF-8, UTF-8 with a BOM,
//! UTF-16LE with a BOM (usually tab-separated, Excel's "Unicode text") and GBK/GB18030 (Excel's
//! default "CSV" on a Chinese Windows). This module finds the encoding and the delimiter from the
//! first 64 KiB of the file and then streams the file record by record, never reading it whole.
//!
//! Every field comes out as [`RawCell::Text`] (or [`RawCell::Empty`] for a zero-length field),
//! exactly as written: no trimming. A record that cannot be trusted (invalid UTF-8, bytes that do
//! not decode in the detected encoding, NUL bytes, an overlong field) is reported as
//! [`CsvRow::Bad`] with its row number, so the caller can name it to the user; nothing is ever
//! silently replaced.
//!
//! Row numbers are the rows Excel shows when it opens the same file: record `n` is row `n`, a
//! blank line (which the `csv` crate skips) still takes up a row, and a quoted field with an
//! embedded line break is still one row. See [`CsvRows`] for how that is counted.

use crate::words::input::InputMsg;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Cursor, Read, Seek};
use std::path::Path;

use encoding_rs::Encoding;

use super::cell::RawCell;

/// How many bytes of the file are looked at to find the encoding and the delimiter.
const HEAD_BYTES: usize = 64 * 1024;
/// The csv reader's buffer size. The newline book-keeping in [`Guard`] depends on it.
const CSV_BUFFER: usize = 64 * 1024;
/// How many non-empty lines the delimiter sniffer looks at.
const SNIFF_LINES: usize = 20;
/// A record is never allowed to grow past this many bytes (nor past 64 fields' worth of
/// `max_field_bytes`), so an unterminated quote cannot make us buffer a huge file in memory.
const MIN_RECORD_CAP: u64 = 64 * 1024 * 1024;

/// Options for [`open_csv`].
#[derive(Debug, Clone, Copy)]
pub struct CsvOptions {
    /// Use this encoding instead of detecting one (`--encoding`). A BOM of the same encoding at
    /// the start of the file is still skipped; any other leading bytes are decoded as data.
    pub forced_encoding: Option<&'static Encoding>,
    /// The longest field accepted, in bytes of UTF-8 (after decoding). A longer field makes its
    /// row [`CsvRow::Bad`]; reading goes on with the next row. Default: 1 MiB.
    pub max_field_bytes: usize,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            forced_encoding: None,
            max_field_bytes: 1024 * 1024,
        }
    }
}

/// What [`open_csv`] found out about the file, to report to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvInfo {
    /// The encoding as reported to the user: "UTF-8", "UTF-8 (BOM)", "UTF-16LE (BOM)",
    /// "UTF-16BE (BOM)", "UTF-16LE" (no BOM, recognised by its NUL bytes), "GB18030",
    /// "windows-1252", "Big5", "Shift_JIS", ... (encoding_rs names for the rest).
    pub encoding: &'static str,
    /// The field delimiter: `,`, `\t` or `;`.
    pub delimiter: u8,
}

/// One record of the file.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvRow {
    /// A good record. `row` is the 1-based row Excel shows for it.
    Row { row: u32, cells: Vec<RawCell> },
    /// A record that cannot be used, with the reason.
    Bad { row: u32, message: InputMsg },
}

/// Streaming reader over a CSV file, made by [`open_csv`]. Yields one [`CsvRow`] per record and
/// ends at the end of the file; a fatal read error yields one [`CsvRow::Bad`] and then ends.
///
/// Row numbering: the `csv` crate skips blank lines and reports a record's start position
/// *before* the blank lines it skipped, so its positions cannot be used as they are. Instead
/// the bytes fed to the parser are watched ([`Guard`]) and the offsets of their line feeds
/// kept. After each record, the number of line feeds before the parser's position gives the
/// physical line the record ends on; subtracting the line feeds embedded in quoted fields (of
/// this record and all earlier ones) gives the row Excel shows, since Excel counts a blank line
/// as a row but a multi-line cell as one row. For a file without embedded line breaks this is
/// simply the physical line number. Only `\n` counts as a line break (lone-CR files are
/// extinct); row numbers are kept strictly increasing in any case.
pub struct CsvRows {
    reader: csv::Reader<Guard<Box<dyn Read + Send>>>,
    record: csv::ByteRecord,
    /// True when the csv parser reads the file's own bytes, which must be valid UTF-8; false
    /// when it reads the UTF-8 output of a decoder.
    raw_utf8: bool,
    encoding_label: &'static str,
    max_field_bytes: usize,
    record_cap: u64,
    last_row: u32,
    embedded_newlines: u64,
    /// Whether the stream ends the file (an unclosed quote is told only there).
    ends_file: bool,
    done: bool,
}

/// What the first 64 KiB of a file tell: its encoding, BOM and delimiter.
struct Head {
    file: File,
    /// The bytes read (one more than the 64 KiB when the file is longer).
    bytes: Vec<u8>,
    encoding: &'static Encoding,
    label: &'static str,
    bom_len: usize,
    delimiter: u8,
}

impl Head {
    fn read(path: &Path, opts: &CsvOptions) -> io::Result<Head> {
        let mut file = File::open(path)?;
        // Read one byte more than the head so that a file of exactly 64 KiB is known to be
        // complete.
        let mut head = Vec::with_capacity(HEAD_BYTES + 1);
        (&mut file)
            .take(HEAD_BYTES as u64 + 1)
            .read_to_end(&mut head)?;
        let at_eof = head.len() <= HEAD_BYTES;
        let head_view = &head[..head.len().min(HEAD_BYTES)];

        let (encoding, label, bom_len) = match opts.forced_encoding {
            Some(forced) => forced_encoding(forced, head_view),
            None => detect_encoding(head_view, at_eof),
        };
        let body = &head_view[bom_len..];
        let sample: String = if encoding == encoding_rs::UTF_8 {
            String::from_utf8_lossy(body).into_owned()
        } else {
            encoding.decode_without_bom_handling(body).0.into_owned()
        };
        let prefer_tab = encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE;
        let delimiter = sniff(&sample, prefer_tab, at_eof);
        Ok(Head {
            file,
            bytes: head,
            encoding,
            label,
            bom_len,
            delimiter,
        })
    }

    fn raw_utf8(&self) -> bool {
        self.encoding == encoding_rs::UTF_8
    }
}

/// Opens `path`, detects its encoding (unless forced) and delimiter, and returns a streaming
/// reader over its records.
pub fn open_csv(path: &Path, opts: &CsvOptions) -> io::Result<(CsvInfo, CsvRows)> {
    let head = Head::read(path, opts)?;
    let raw_utf8 = head.raw_utf8();
    let info = CsvInfo {
        encoding: head.label,
        delimiter: head.delimiter,
    };
    let rest: Vec<u8> = head.bytes[head.bom_len..].to_vec();
    let chained = Cursor::new(rest).chain(head.file);
    let source: Box<dyn Read + Send> = if raw_utf8 {
        Box::new(chained)
    } else {
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(head.encoding))
                .bom_sniffing(false)
                .build(chained),
        )
    };
    let rows = CsvRows::new(source, info, raw_utf8, opts, &Chunk::whole());
    Ok((info, rows))
}

/// A run of whole records of a UTF-8 file, read on its own (SPEC §7: one file typed on several
/// cores): where it starts and ends in the file, and what comes before it, so that its rows
/// get the numbers and checks reading the file whole gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// Byte offsets in the file (the first chunk starts after the BOM).
    pub start: u64,
    pub end: u64,
    /// Line feeds before `start`, of them inside quoted fields, and quote characters before it.
    newlines: u64,
    embedded: u64,
    quotes: u64,
    /// Whether the chunk ends the file (where an unclosed quote is told).
    last: bool,
}

impl Chunk {
    /// The whole stream, as [`open_csv`] reads it.
    fn whole() -> Chunk {
        Chunk {
            start: 0,
            end: u64::MAX,
            newlines: 0,
            embedded: 0,
            quotes: 0,
            last: true,
        }
    }

    /// The row Excel shows for the last record before the chunk (0 for the first).
    pub fn row_before(&self) -> u32 {
        u32::try_from(self.newlines - self.embedded).unwrap_or(u32::MAX)
    }
}

/// A file cut into chunks at record boundaries: its encoding label, delimiter and chunks.
#[derive(Debug, Clone)]
pub struct ChunkPlan {
    pub info: CsvInfo,
    pub chunks: Vec<Chunk>,
}

/// Cuts a UTF-8 file into about `parts` chunks of at least `min_bytes` each, at record
/// boundaries, the first holding at least `head_rows` rows (where the header is looked for).
/// None when the file is not cut (too small, not UTF-8) or cannot be cut so that reading the
/// chunks gives exactly what reading it whole does: a quote left open, a lone carriage return
/// (a record boundary that is no line), a record longer than half the record limit.
///
/// One pass over the bytes tells which line feeds end a record, reading quotes as the csv
/// parser does: a quote opens a quoted field only at the start of a field (after a delimiter
/// or a line break), `""` inside one is a quote, and its line feeds are part of the field. A
/// cut is made after a line feed that ends a record (not a blank line), and never before a
/// byte-order mark.
pub fn plan_chunks(
    path: &Path,
    opts: &CsvOptions,
    parts: usize,
    min_bytes: u64,
    head_rows: u32,
) -> io::Result<Option<ChunkPlan>> {
    let size = std::fs::metadata(path)?.len();
    if parts < 2 || size < min_bytes.saturating_mul(2) {
        return Ok(None);
    }
    let head = Head::read(path, opts)?;
    if !head.raw_utf8() {
        return Ok(None);
    }
    let info = CsvInfo {
        encoding: head.label,
        delimiter: head.delimiter,
    };
    let record_cap = record_cap(opts);
    let parts = (size / min_bytes).clamp(1, parts as u64);
    let mut file = head.file;
    file.seek(io::SeekFrom::Start(head.bom_len as u64))?;
    let mut scan = Scan::new(head.bom_len as u64, head.delimiter, size, parts, head_rows);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if !scan.block(&buf[..n]) {
            return Ok(None);
        }
        if scan.longest_record > record_cap / 2 {
            return Ok(None);
        }
    }
    let Some(cut) = scan.finish(record_cap) else {
        return Ok(None);
    };
    // A chunk starting with what looks like a byte-order mark (never in an export) is joined
    // to the one before, which reads those bytes as data, as reading the file whole does.
    let mut chunks: Vec<Chunk> = Vec::with_capacity(cut.len());
    for c in cut {
        let mut first = Vec::with_capacity(3);
        file.seek(io::SeekFrom::Start(c.start))?;
        (&mut file).take(3).read_to_end(&mut first)?;
        match chunks.last_mut() {
            Some(prev) if first == [0xEF, 0xBB, 0xBF] => {
                prev.end = c.end;
                prev.last = c.last;
            }
            _ => chunks.push(c),
        }
    }
    Ok((chunks.len() > 1).then_some(ChunkPlan { info, chunks }))
}

/// Reads the records of `chunk` of a file [`plan_chunks`] cut (UTF-8).
pub fn open_chunk(
    path: &Path,
    opts: &CsvOptions,
    plan: &ChunkPlan,
    chunk: &Chunk,
) -> io::Result<CsvRows> {
    let mut file = File::open(path)?;
    file.seek(io::SeekFrom::Start(chunk.start))?;
    let source: Box<dyn Read + Send> = Box::new(file.take(chunk.end - chunk.start));
    Ok(CsvRows::new(source, plan.info, true, opts, chunk))
}

/// The longest record accepted: 64 fields' worth of `max_field_bytes`, at least 64 MiB.
fn record_cap(opts: &CsvOptions) -> u64 {
    (opts.max_field_bytes as u64)
        .saturating_mul(64)
        .max(MIN_RECORD_CAP)
}

/// The pass of [`plan_chunks`] over a file's bytes, block by block.
struct Scan {
    /// Offset of the next byte.
    at: u64,
    delimiter: u8,
    in_quotes: bool,
    /// A quote ended the last block inside a quoted field: the next byte tells whether it
    /// closes the field or is the first of `""`.
    quote_pending: bool,
    /// A carriage return ended the last block outside quotes: the next byte must be a line feed.
    cr_pending: bool,
    /// The byte before the next, for whether a quote starts a field.
    prev: u8,
    /// Whether the current line has any byte but line breaks (a blank line ends no record).
    content: bool,
    newlines: u64,
    embedded: u64,
    quotes: u64,
    /// Where the last record ended, and the longest record so far (blank lines before a
    /// record count, as the reader's record limit counts them).
    last_end: u64,
    longest_record: u64,
    /// Offsets to cut at (or after), in order.
    targets: Vec<u64>,
    head_rows: u32,
    chunks: Vec<Chunk>,
    start: u64,
    start_counts: (u64, u64, u64),
}

impl Scan {
    fn new(start: u64, delimiter: u8, size: u64, parts: u64, head_rows: u32) -> Scan {
        let span = size - start;
        Scan {
            at: start,
            delimiter,
            in_quotes: false,
            quote_pending: false,
            cr_pending: false,
            prev: b'\n',
            content: false,
            newlines: 0,
            embedded: 0,
            quotes: 0,
            last_end: start,
            longest_record: 0,
            targets: (1..parts).rev().map(|k| start + span * k / parts).collect(),
            head_rows,
            chunks: Vec::new(),
            start,
            start_counts: (0, 0, 0),
        }
    }

    /// Scans one block; false when the file cannot be cut.
    fn block(&mut self, buf: &[u8]) -> bool {
        let base = self.at;
        let mut i = 0;
        if self.cr_pending {
            if buf[0] != b'\n' {
                return false;
            }
            self.cr_pending = false;
        }
        while i < buf.len() {
            if self.in_quotes {
                if self.quote_pending {
                    self.quote_pending = false;
                    if buf[i] == b'"' {
                        // `""`: a quote inside the field.
                        self.quotes += 1;
                        i += 1;
                        continue;
                    }
                    self.in_quotes = false;
                    self.prev = b'"';
                    continue;
                }
                let rest = &buf[i..];
                let (span, found) = match memchr::memchr(b'"', rest) {
                    Some(k) => (&rest[..k], true),
                    None => (rest, false),
                };
                let n = memchr::memchr_iter(b'\n', span).count() as u64;
                self.newlines += n;
                self.embedded += n;
                if !found {
                    i = buf.len();
                    continue;
                }
                self.quotes += 1;
                i += span.len() + 1;
                match buf.get(i) {
                    None => self.quote_pending = true,
                    Some(b'"') => {
                        self.quotes += 1;
                        i += 1;
                    }
                    Some(_) => {
                        self.in_quotes = false;
                        self.prev = b'"';
                    }
                }
                continue;
            }
            let rest = &buf[i..];
            let Some(k) = memchr::memchr3(b'"', b'\n', b'\r', rest) else {
                self.content = true;
                self.prev = buf[buf.len() - 1];
                i = buf.len();
                continue;
            };
            if k > 0 {
                self.content = true;
                self.prev = rest[k - 1];
            }
            let p = i + k;
            match buf[p] {
                b'\n' => {
                    self.newlines += 1;
                    self.prev = b'\n';
                    if std::mem::take(&mut self.content) {
                        self.record_end(base + p as u64 + 1);
                    }
                }
                b'\r' => {
                    match buf.get(p + 1) {
                        None => self.cr_pending = true,
                        Some(b'\n') => {}
                        // A lone carriage return ends a record but no line: rows could not be
                        // numbered from the line feeds alone.
                        Some(_) => return false,
                    }
                    self.prev = b'\r';
                }
                _ => {
                    self.quotes += 1;
                    self.content = true;
                    if matches!(self.prev, b'\n' | b'\r') || self.prev == self.delimiter {
                        self.in_quotes = true;
                    }
                    self.prev = b'"';
                }
            }
            i = p + 1;
        }
        self.at = base + buf.len() as u64;
        true
    }

    /// A record ended at `end` (after its line feed): cut there if a target is reached.
    fn record_end(&mut self, end: u64) {
        self.longest_record = self.longest_record.max(end - self.last_end);
        self.last_end = end;
        let Some(&target) = self.targets.last() else {
            return;
        };
        let rows_before = self.newlines - self.embedded;
        if end < target || self.chunks.is_empty() && rows_before < u64::from(self.head_rows) {
            return;
        }
        while self.targets.last().is_some_and(|&t| t <= end) {
            self.targets.pop();
        }
        let (newlines, embedded, quotes) = self.start_counts;
        self.chunks.push(Chunk {
            start: self.start,
            end,
            newlines,
            embedded,
            quotes,
            last: false,
        });
        self.start = end;
        self.start_counts = (self.newlines, self.embedded, self.quotes);
    }

    /// The chunks, or None when the file cannot be cut.
    fn finish(mut self, record_cap: u64) -> Option<Vec<Chunk>> {
        if self.in_quotes && !self.quote_pending || self.cr_pending {
            return None;
        }
        if self.content {
            self.longest_record = self.longest_record.max(self.at - self.last_end);
        }
        if self.longest_record > record_cap / 2 {
            return None;
        }
        let (newlines, embedded, quotes) = self.start_counts;
        self.chunks.push(Chunk {
            start: self.start,
            end: self.at,
            newlines,
            embedded,
            quotes,
            last: true,
        });
        Some(self.chunks)
    }
}

/// The encoding, label and BOM length for a forced encoding: a BOM is skipped only when it is
/// the forced encoding's own.
fn forced_encoding(
    forced: &'static Encoding,
    head: &[u8],
) -> (&'static Encoding, &'static str, usize) {
    let forced = if forced == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        forced
    };
    match Encoding::for_bom(head) {
        Some((enc, len)) if enc == forced => (forced, bom_label(forced), len),
        _ => (forced, plain_label(forced), 0),
    }
}

fn bom_label(enc: &'static Encoding) -> &'static str {
    if enc == encoding_rs::UTF_8 {
        "UTF-8 (BOM)"
    } else if enc == encoding_rs::UTF_16LE {
        "UTF-16LE (BOM)"
    } else if enc == encoding_rs::UTF_16BE {
        "UTF-16BE (BOM)"
    } else {
        enc.name()
    }
}

fn plain_label(enc: &'static Encoding) -> &'static str {
    if enc == encoding_rs::GBK || enc == encoding_rs::GB18030 {
        "GB18030"
    } else {
        enc.name()
    }
}

/// Detects the encoding of a file from its first bytes (`head`, up to 64 KiB; `at_eof` when
/// that is the whole file). Returns the encoding, its label for the user and the BOM length.
///
/// Order: a BOM; UTF-16 without a BOM (many NUL bytes, all at odd or all at even offsets);
/// valid UTF-8 (an incomplete sequence cut off at the end of a partial head is allowed);
/// otherwise chardetng's guess, with GBK read as GB18030 (its superset; Excel's "GBK" files may
/// hold GB18030-only characters). Big5, Shift_JIS, EUC-KR and single-byte encodings such as
/// windows-1252 are used as guessed.
pub fn detect_encoding(head: &[u8], at_eof: bool) -> (&'static Encoding, &'static str, usize) {
    if let Some((enc, len)) = Encoding::for_bom(head) {
        return (enc, bom_label(enc), len);
    }
    if let Some(enc) = utf16_without_bom(head) {
        return (enc, enc.name(), 0);
    }
    match std::str::from_utf8(head) {
        Ok(_) => return (encoding_rs::UTF_8, "UTF-8", 0),
        // `error_len() == None`: the head ends inside a multi-byte sequence.
        Err(e) if e.error_len().is_none() && !at_eof => return (encoding_rs::UTF_8, "UTF-8", 0),
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // Fed as if more were to come even at the end of the file: a file cut in the middle of a
    // character (a lone GBK lead byte at the end) must still be recognised by its content; the
    // broken last row is then reported as bad while reading.
    detector.feed(head, false);
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    let enc = if guess == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        guess
    };
    (enc, plain_label(enc), 0)
}

/// UTF-16 text without a BOM: ASCII characters put a NUL byte at every other offset. At least
/// a quarter of the code units must look like that, with (almost) no NULs at the other parity.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let units = head.len() / 2;
    if units < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in head[..units * 2].iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    if odd * 4 >= units && even * 8 <= odd {
        Some(encoding_rs::UTF_16LE)
    } else if even * 4 >= units && odd * 8 <= even {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Picks the delimiter of a decoded sample of the file: among `,`, `\t` and `;`, the one whose
/// count per line (outside quoted fields) is the same on the most of the first 20 non-empty
/// lines, that count being non-zero and shared by at least half of the lines. Ties go to the
/// larger count, then to `,`. Default `,`.
pub fn sniff_delimiter(sample: &str) -> u8 {
    sniff(sample, false, true)
}

/// [`sniff_delimiter`] with the tie preference (`\t` for UTF-16 files) and whether the sample
/// is the whole file (if not, its last line may be cut short and is ignored).
fn sniff(sample: &str, prefer_tab: bool, complete: bool) -> u8 {
    let order: [u8; 3] = if prefer_tab {
        [b'\t', b',', b';']
    } else {
        [b',', b'\t', b';']
    };
    let mut best: Option<(usize, usize, u8)> = None;
    for &delim in &order {
        let counts = counts_per_line(sample, delim, complete);
        if counts.is_empty() {
            continue;
        }
        // The most frequent non-zero count (the larger count on a tie).
        let mut tally: Vec<(usize, usize)> = Vec::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            match tally.iter_mut().find(|(v, _)| *v == c) {
                Some(entry) => entry.1 += 1,
                None => tally.push((c, 1)),
            }
        }
        let Some(&(mode, lines)) = tally
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))
        else {
            continue;
        };
        if lines * 2 < counts.len() {
            continue;
        }
        // Strictly better only: earlier candidates in `order` win ties.
        if best.is_none_or(|(bl, bm, _)| (lines, mode) > (bl, bm)) {
            best = Some((lines, mode, delim));
        }
    }
    best.map_or(b',', |(_, _, d)| d)
}

/// Delimiter counts for the first [`SNIFF_LINES`] non-empty lines, reading quoted fields like
/// the csv parser does (a quote opens a field only at its start; `""` inside is a quote).
fn counts_per_line(sample: &str, delim: u8, complete: bool) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut count = 0usize;
    let mut line_has_content = false;
    let mut in_quotes = false;
    let mut field_start = true;
    let mut bytes = sample.bytes().peekable();
    while let Some(b) = bytes.next() {
        if in_quotes {
            if b == b'"' {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match b {
            b'\n' => {
                if line_has_content {
                    counts.push(count);
                    if counts.len() >= SNIFF_LINES {
                        return counts;
                    }
                }
                count = 0;
                line_has_content = false;
                field_start = true;
            }
            b'\r' => {}
            _ => {
                line_has_content = true;
                if b == delim {
                    count += 1;
                    field_start = true;
                } else if b == b'"' && field_start {
                    in_quotes = true;
                    field_start = false;
                } else {
                    field_start = false;
                }
            }
        }
    }
    // A last line without a line break counts only if the sample is the whole file (or it is
    // the only line there is).
    if line_has_content && (complete || counts.is_empty()) {
        counts.push(count);
    }
    counts
}

/// The encoding for an `--encoding` name: every WHATWG label (utf-8, utf8, gbk, gb2312,
/// gb18030, big5, shift_jis, windows-1252, latin1, iso-8859-1, utf-16le, utf-16be, ...) plus a
/// few common spellings (cp936, utf-8-sig, utf16, ucs-2, unicode). GBK and GB2312 give
/// GB18030, their superset. Case and surrounding blanks do not matter.
pub fn encoding_by_name(name: &str) -> Option<&'static Encoding> {
    let lower = name.trim().to_ascii_lowercase();
    let enc = match lower.as_str() {
        "cp936" | "ms936" | "936" | "windows-936" | "gb-18030" => Some(encoding_rs::GB18030),
        "utf-8-sig" | "utf8-sig" | "utf-8-bom" | "cp65001" => Some(encoding_rs::UTF_8),
        "utf16" | "utf16le" | "utf-16-le" | "ucs-2" | "ucs2" | "unicode" => {
            Some(encoding_rs::UTF_16LE)
        }
        "utf16be" | "utf-16-be" => Some(encoding_rs::UTF_16BE),
        "cp950" | "ms950" => Some(encoding_rs::BIG5),
        "cp932" | "ms932" | "sjis" => Some(encoding_rs::SHIFT_JIS),
        "cp949" | "ms949" => Some(encoding_rs::EUC_KR),
        "cp1252" | "latin-1" => Some(encoding_rs::WINDOWS_1252),
        _ => Encoding::for_label(lower.as_bytes()),
    }?;
    if enc == encoding_rs::REPLACEMENT {
        // "iso-2022-kr" and friends map to the replacement encoding, which decodes nothing.
        None
    } else if enc == encoding_rs::GBK {
        Some(encoding_rs::GB18030)
    } else {
        Some(enc)
    }
}

impl Iterator for CsvRows {
    type Item = CsvRow;

    fn next(&mut self) -> Option<CsvRow> {
        Some(match self.next_record()? {
            Ok(row) => self.convert(row),
            Err((row, message)) => CsvRow::Bad { row, message },
        })
    }
}

impl CsvRows {
    /// A reader over `source` (UTF-8 when `raw_utf8`, else decoded), which holds `chunk` of
    /// the file: its rows are numbered after the rows before it.
    fn new(
        source: Box<dyn Read + Send>,
        info: CsvInfo,
        raw_utf8: bool,
        opts: &CsvOptions,
        chunk: &Chunk,
    ) -> CsvRows {
        let record_cap = record_cap(opts);
        let mut guard = Guard::new(source, record_cap);
        guard.committed = chunk.newlines;
        guard.quotes = chunk.quotes;
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(info.delimiter)
            .quote(b'"')
            .double_quote(true)
            .buffer_capacity(CSV_BUFFER)
            .from_reader(guard);
        CsvRows {
            reader,
            record: csv::ByteRecord::new(),
            raw_utf8,
            encoding_label: info.encoding,
            max_field_bytes: opts.max_field_bytes,
            record_cap,
            last_row: chunk.row_before(),
            embedded_newlines: chunk.embedded,
            ends_file: chunk.last,
            done: false,
        }
    }

    /// Reads the next record into `self.record`: its row, or the row and message of a record
    /// that ends the reading (an unclosed quote, a read error); None at the end.
    fn next_record(&mut self) -> Option<Result<u32, (u32, InputMsg)>> {
        if self.done {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {
                let row = self.row_of_record();
                if self.ends_in_open_quote() {
                    return Some(Err((row, InputMsg::UnclosedQuote)));
                }
                Some(Ok(row))
            }
            Ok(false) => {
                self.done = true;
                None
            }
            Err(err) => {
                self.done = true;
                let row = self.last_row.saturating_add(1);
                self.last_row = row;
                let message = if self.reader.get_ref().tripped {
                    InputMsg::RecordTooLong {
                        max: self.record_cap,
                    }
                } else {
                    InputMsg::ReadError {
                        detail: err.to_string(),
                    }
                };
                Some(Err((row, message)))
            }
        }
    }

    /// The Excel row of the record just read (see the type's documentation), and book-keeping
    /// for the next one.
    fn row_of_record(&mut self) -> u32 {
        let after = self.reader.position().byte();
        let embedded = memchr::memchr_iter(b'\n', self.record.as_slice()).count() as u64;
        self.embedded_newlines = self.embedded_newlines.saturating_add(embedded);
        let guard = self.reader.get_mut();
        let ends_with_lf = after > 0 && guard.has_newline_at(after - 1);
        let newlines = guard.commit_newlines_before(after);
        guard.limit = after.saturating_add(self.record_cap);
        // Zero-based physical line the record ends on, minus every embedded line break so far.
        let end_line = newlines.saturating_sub(u64::from(ends_with_lf));
        let row0 = end_line.saturating_sub(self.embedded_newlines);
        let row = u32::try_from(row0.saturating_add(1))
            .unwrap_or(u32::MAX)
            .max(self.last_row.saturating_add(1));
        self.last_row = row;
        row
    }

    /// Whether the record just read is the file's last and was ended by the end of the file
    /// inside a quoted field (an odd number of quote characters in the file, and a field of
    /// this record spanning lines): the rows after the stray quote were swallowed into it.
    fn ends_in_open_quote(&self) -> bool {
        let guard = self.reader.get_ref();
        self.ends_file
            && guard.at_eof
            && guard.quotes % 2 == 1
            && self.reader.position().byte() >= guard.fed
            && self.record.iter().any(|f| f.contains(&b'\n'))
    }

    fn convert(&self, row: u32) -> CsvRow {
        let text = match self.checked_text() {
            Ok(text) => text,
            Err(message) => return CsvRow::Bad { row, message },
        };
        let cells = self
            .fields(text)
            .map(|field| {
                if field.is_empty() {
                    RawCell::Empty
                } else {
                    RawCell::Text(field.into())
                }
            })
            .collect();
        CsvRow::Row { row, cells }
    }

    /// Reads the next record into `cells` — its fields that are not blank, by 0-based column
    /// (the vector is reused: no allocation per row) — and gives its row and field count, or
    /// its row and why it is bad; None at the end of the stream.
    pub fn next_into(
        &mut self,
        cells: &mut Vec<(u32, RawCell)>,
    ) -> Option<Result<(u32, u32), (u32, InputMsg)>> {
        cells.clear();
        let row = match self.next_record()? {
            Err(bad) => return Some(Err(bad)),
            Ok(row) => row,
        };
        let text = match self.checked_text() {
            Ok(text) => text,
            Err(message) => return Some(Err((row, message))),
        };
        let fields = u32::try_from(self.record.len()).unwrap_or(u32::MAX);
        for (i, field) in self.fields(text).enumerate() {
            if !field.chars().all(char::is_whitespace) {
                cells.push((i as u32, RawCell::Text(field.into())));
            }
        }
        Some(Ok((row, fields)))
    }

    /// The fields of the record just read, cut from its text as checked.
    fn fields<'t>(&self, text: &'t str) -> impl Iterator<Item = &'t str> + use<'t, '_> {
        let mut from = 0;
        self.record.iter().map(move |f| {
            let field = text.get(from..from + f.len()).unwrap_or_default();
            from += f.len();
            field
        })
    }

    /// The text of the record just read (its fields one after another), once it is known to be
    /// usable: every field within the length limit, no NUL byte, text in the encoding, each
    /// field whole characters. One look at the record's bytes tells, as it does for nearly
    /// every record; else the first field with a problem says why the row is bad.
    fn checked_text(&self) -> Result<&str, InputMsg> {
        let bytes = self.record.as_slice();
        if let Ok(text) = std::str::from_utf8(bytes) {
            let mut boundaries = true;
            let mut longest = 0;
            let mut from = 0;
            for f in self.record.iter() {
                from += f.len();
                longest = longest.max(f.len());
                boundaries &= text.is_char_boundary(from);
            }
            if boundaries
                && longest <= self.max_field_bytes
                && memchr::memchr(0, bytes).is_none()
                && (self.raw_utf8 || !text.contains('\u{FFFD}'))
            {
                return Ok(text);
            }
        }
        // A field of the record has a problem, since its text as a whole has one.
        Err(self.problem().unwrap_or(InputMsg::UnreadableText))
    }

    /// What makes the record just read unusable — a field over the length limit, a NUL byte,
    /// bytes that are not text in the encoding — for the first field with a problem.
    fn problem(&self) -> Option<InputMsg> {
        for (i, field) in self.record.iter().enumerate() {
            let column = i + 1;
            if field.len() > self.max_field_bytes {
                return Some(InputMsg::FieldTooLong {
                    max: self.max_field_bytes,
                    column,
                });
            }
            // A NUL byte never belongs in a CSV text field: it almost always means a UTF-16
            // file read as a single-byte encoding, or a binary file. Passing the text on with
            // the NULs stripped could turn garbage into plausible values, so the row is refused.
            if field.contains(&0) {
                return Some(InputMsg::NulByte { column });
            }
            let text = match std::str::from_utf8(field) {
                Ok(t) => t,
                Err(_) if self.raw_utf8 => {
                    return Some(InputMsg::InvalidUtf8 { column });
                }
                Err(_) => {
                    return Some(InputMsg::Undecodable {
                        encoding: self.encoding_label.to_string(),
                        column,
                    });
                }
            };
            // The decoder turns bytes that are invalid in the encoding into U+FFFD. (A real
            // U+FFFD in a GB18030 or UTF-16 file is refused too; it never is real data.)
            if !self.raw_utf8 && text.contains('\u{FFFD}') {
                return Some(InputMsg::Undecodable {
                    encoding: self.encoding_label.to_string(),
                    column,
                });
            }
        }
        None
    }
}

/// Sits between the (decoded) byte stream and the csv parser. It
/// - remembers the offsets of the line feeds it hands over, so that row numbers can be worked
///   out (see [`CsvRows`]); offsets more than a few parser buffers behind are only counted,
///   since the parser never lags further behind what it was handed than one buffer;
/// - refuses to hand over more bytes once the record being parsed has reached `limit`, so a
///   runaway record (an unterminated quote) cannot fill memory.
struct Guard<R> {
    inner: R,
    /// Bytes handed to the parser so far.
    fed: u64,
    /// Offset past which no byte is handed over until the parser finishes a record.
    limit: u64,
    /// Set when `limit` was hit.
    tripped: bool,
    /// Offsets of line feeds not yet committed, in increasing order.
    newlines: VecDeque<u64>,
    /// Line feeds before the front of `newlines`.
    committed: u64,
    /// Quote characters handed over so far.
    quotes: u64,
    /// Set when the source has ended.
    at_eof: bool,
}

impl<R: Read> Guard<R> {
    fn new(inner: R, limit: u64) -> Self {
        Guard {
            inner,
            fed: 0,
            limit,
            tripped: false,
            newlines: VecDeque::new(),
            committed: 0,
            quotes: 0,
            at_eof: false,
        }
    }

    fn has_newline_at(&self, offset: u64) -> bool {
        self.newlines.binary_search(&offset).is_ok()
    }

    /// The number of line feeds before `offset`; forgets their offsets. `offset` must not go
    /// backwards between calls.
    fn commit_newlines_before(&mut self, offset: u64) -> u64 {
        while self.newlines.front().is_some_and(|&o| o < offset) {
            self.newlines.pop_front();
            self.committed += 1;
        }
        self.committed
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.fed >= self.limit {
            self.tripped = true;
            return Err(io::Error::other("record too long"));
        }
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.at_eof = true;
        }
        let chunk = buf.get(..n).unwrap_or_default();
        for i in memchr::memchr2_iter(b'\n', b'"', chunk) {
            if chunk[i] == b'\n' {
                self.newlines.push_back(self.fed + i as u64);
            } else {
                self.quotes += 1;
            }
        }
        self.fed += n as u64;
        // Within a long record no commits happen; keep only what the parser may still need.
        let keep_from = self.fed.saturating_sub(4 * CSV_BUFFER as u64);
        while self.newlines.front().is_some_and(|&o| o < keep_from) {
            self.newlines.pop_front();
            self.committed += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write_temp(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        f.write_all(bytes).expect("write temp file");
        f.flush().expect("flush temp file");
        f
    }

    fn read_all(bytes: &[u8], opts: &CsvOptions) -> (CsvInfo, Vec<CsvRow>) {
        let f = write_temp(bytes);
        let (info, rows) = open_csv(f.path(), opts).expect("open");
        (info, rows.collect())
    }

    fn read_default(bytes: &[u8]) -> (CsvInfo, Vec<CsvRow>) {
        read_all(bytes, &CsvOptions::default())
    }

    fn t(s: &str) -> RawCell {
        RawCell::Text(s.into())
    }

    fn row(n: u32, cells: &[&str]) -> CsvRow {
        CsvRow::Row {
            row: n,
            cells: cells
                .iter()
                .map(|c| if c.is_empty() { RawCell::Empty } else { t(c) })
                .collect(),
        }
    }

    fn bad_row(rows: &[CsvRow]) -> Vec<(u32, String)> {
        rows.iter()
            .filter_map(|r| match r {
                CsvRow::Bad { row, message } => Some((*row, message.say(crate::Lang::En))),
                CsvRow::Row { .. } => None,
            })
            .collect()
    }

    fn utf16le_bom(s: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    fn gbk(s: &str) -> Vec<u8> {
        let (bytes, _, errors) = encoding_rs::GBK.encode(s);
        assert!(!errors, "test text must be encodable in GBK");
        bytes.into_owned()
    }

    #[test]
    fn utf8_plain() {
        let (info, rows) = read_default("日期,顾客,实收金额\n2026-10-03,张三,3200\n".as_bytes());
        assert_eq!(info.encoding, "UTF-8");
        assert_eq!(info.delimiter, b',');
        assert_eq!(
            rows,
            vec![
                row(1, &["日期", "顾客", "实收金额"]),
                row(2, &["2026-10-03", "张三", "3200"])
            ]
        );
    }

    #[test]
    fn utf8_keeps_whitespace_and_empty_fields() {
        let (_, rows) = read_default(b"a, b ,,\r\n x,,y\r\n");
        assert_eq!(
            rows,
            vec![row(1, &["a", " b ", "", ""]), row(2, &[" x", "", "y"])]
        );
    }

    #[test]
    fn utf8_with_bom() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("姓名,金额\n李四,100\n".as_bytes());
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "UTF-8 (BOM)");
        assert_eq!(
            rows,
            vec![row(1, &["姓名", "金额"]), row(2, &["李四", "100"])]
        );
    }

    #[test]
    fn utf16le_bom_tab_separated() {
        let bytes = utf16le_bom("日期\t顾客\t金额\r\n2026-10-03\t王五\t1,200.00\r\n");
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "UTF-16LE (BOM)");
        assert_eq!(info.delimiter, b'\t');
        assert_eq!(
            rows,
            vec![
                row(1, &["日期", "顾客", "金额"]),
                row(2, &["2026-10-03", "王五", "1,200.00"])
            ]
        );
    }

    #[test]
    fn utf16le_without_bom_is_recognised() {
        let mut bytes = Vec::new();
        for u in "日期\t金额\r\n2026-10-03\t100\r\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "UTF-16LE");
        assert_eq!(info.delimiter, b'\t');
        assert_eq!(
            rows,
            vec![row(1, &["日期", "金额"]), row(2, &["2026-10-03", "100"])]
        );
    }

    #[test]
    fn utf16be_bom() {
        let mut bytes = vec![0xFE, 0xFF];
        for u in "a,b\n中,文\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "UTF-16BE (BOM)");
        assert_eq!(rows, vec![row(1, &["a", "b"]), row(2, &["中", "文"])]);
    }

    #[test]
    fn gbk_short() {
        let bytes = gbk("日期,顾客,实收金额\n2026-10-03,张三,\"￥3,200.00\"");
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "GB18030");
        assert_eq!(info.delimiter, b',');
        assert_eq!(
            rows,
            vec![
                row(1, &["日期", "顾客", "实收金额"]),
                row(2, &["2026-10-03", "张三", "￥3,200.00"])
            ]
        );
    }

    #[test]
    fn gb18030_only_character() {
        // ¥ (U+00A5) is not in GBK; GB18030 encodes it in four bytes.
        let (bytes, _, errors) =
            encoding_rs::GB18030.encode("日期,顾客,金额\n2026-10-03,张三,¥3200\n");
        assert!(!errors);
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "GB18030");
        assert_eq!(rows[1], row(2, &["2026-10-03", "张三", "¥3200"]));
    }

    /// Builds a GBK file longer than the 64 KiB head. The prefix shifts the text so that a
    /// two-byte character straddles offset 65536.
    fn long_gbk_text(rows: usize) -> String {
        let mut s = String::from("日期,顾客,项目,实收金额\n");
        for i in 0..rows {
            s.push_str(&format!(
                "2026-10-{:02},顾客{i},光子嫩肤疗程,\"￥{},{:03}.00\"\n",
                i % 28 + 1,
                i % 97 + 1,
                i % 1000
            ));
        }
        s
    }

    #[test]
    fn gbk_long_across_head_boundary() {
        let n = 3000;
        let text = long_gbk_text(n);
        let mut bytes = gbk(&text);
        assert!(bytes.len() > 2 * HEAD_BYTES);
        // Make a two-byte character straddle the head boundary: find the lead byte of a
        // character that starts at an offset near 65535 and pad the first field in front of it.
        let mut pad = 0;
        loop {
            let mut padded = gbk("日期,顾客,项目,实收金额 ");
            padded.extend(std::iter::repeat_n(b' ', pad));
            padded.extend_from_slice(&bytes[gbk("日期,顾客,项目,实收金额").len()..]);
            let (decoded, _, _) = encoding_rs::GB18030.decode(&padded[..HEAD_BYTES]);
            if decoded.ends_with('\u{FFFD}') {
                bytes = padded;
                break;
            }
            pad += 1;
            assert!(
                pad < 64,
                "no padding made a character straddle the boundary"
            );
        }
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "GB18030");
        assert_eq!(rows.len(), n + 1);
        assert!(bad_row(&rows).is_empty(), "{:?}", bad_row(&rows));
        let last = n - 1;
        assert_eq!(
            rows[n],
            row(
                (n + 1) as u32,
                &[
                    &format!("2026-10-{:02}", last % 28 + 1),
                    &format!("顾客{last}"),
                    "光子嫩肤疗程",
                    &format!("￥{},{:03}.00", last % 97 + 1, last % 1000),
                ]
            )
        );
        // Every row decodes to the text it was made from.
        let expected: Vec<&str> = text.lines().collect();
        for (i, r) in rows.iter().enumerate().skip(1) {
            let CsvRow::Row { cells, .. } = r else {
                panic!("row {i} bad");
            };
            assert_eq!(
                cells[1],
                t(&format!("顾客{}", i - 1)),
                "line {}",
                expected[i]
            );
        }
    }

    #[test]
    fn windows_1252_is_not_gbk() {
        let (bytes, _, errors) = encoding_rs::WINDOWS_1252
            .encode("Name,Adresse,Betrag\nCafé Müller,Straße 5,12\nJosé,Grüner Weg,7\n");
        assert!(!errors);
        assert!(bytes.contains(&0xE9) && bytes.contains(&0xFC) && bytes.contains(&0xDF));
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "windows-1252");
        assert_eq!(rows[1], row(2, &["Café Müller", "Straße 5", "12"]));
    }

    #[test]
    fn gbk_truncated_in_a_character() {
        let mut bytes = gbk("日期,顾客\n2026-10-01,张三\n2026-10-02,李四\n2026-10-03,王五");
        bytes.pop(); // cut the last two-byte character in half
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "GB18030");
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[2], row(3, &["2026-10-02", "李四"]));
        match &rows[3] {
            CsvRow::Bad { row, message } => {
                assert_eq!(*row, 4);
                let message = message.say(crate::Lang::En);
                assert!(message.contains("undecodable bytes"), "{message}");
                assert!(message.contains("GB18030"), "{message}");
            }
            other => panic!("expected Bad, got {other:?}"),
        }
    }

    #[test]
    fn ragged_rows() {
        let (_, rows) = read_default(b"a,b,c\n1\n1,2,3,4,5\n\n,\n");
        assert_eq!(
            rows,
            vec![
                row(1, &["a", "b", "c"]),
                row(2, &["1"]),
                row(3, &["1", "2", "3", "4", "5"]),
                // line 4 is blank: Excel shows it as an empty row
                row(5, &["", ""]),
            ]
        );
    }

    #[test]
    fn semicolon_sniffed() {
        let (info, rows) = read_default("Name;Betrag\nMüller;3,50\nSchmidt;12,00\n".as_bytes());
        assert_eq!(info.delimiter, b';');
        assert_eq!(rows[1], row(2, &["Müller", "3,50"]));
    }

    #[test]
    fn tab_sniffed_in_utf8() {
        let (info, rows) = read_default(b"a\tb\tc\n1\t2,5\t3\n4\t5\t6\n");
        assert_eq!(info.delimiter, b'\t');
        assert_eq!(rows[1], row(2, &["1", "2,5", "3"]));
    }

    #[test]
    fn sniff_delimiter_cases() {
        assert_eq!(sniff_delimiter(""), b',');
        assert_eq!(sniff_delimiter("single column\nvalue\n"), b',');
        assert_eq!(sniff_delimiter("a,b\n1,2\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n"), b'\t');
        // Delimiters inside quoted fields do not count.
        assert_eq!(sniff_delimiter("a;b\n\"x,y,z\";1\n\"p,q\";2\n"), b';');
        // A quoted field running over a line break.
        assert_eq!(sniff_delimiter("a,b\n\"line1\nline2;x\",2\n"), b',');
        // Equal evidence: comma wins; for UTF-16, tab wins.
        assert_eq!(sniff_delimiter("a,b\tc\n"), b',');
        assert_eq!(sniff("a,b\tc\n", true, true), b'\t');
    }

    #[test]
    fn quoted_delimiter_and_newline() {
        let (_, rows) =
            read_default(b"name,note\n\"Zhang, San\",\"line one\nline two\"\n\nlast,\"x\"\"y\"\n");
        assert_eq!(
            rows,
            vec![
                row(1, &["name", "note"]),
                row(2, &["Zhang, San", "line one\nline two"]),
                // physical line 4 is blank, Excel row 3; this record is Excel row 4
                row(4, &["last", "x\"y"]),
            ]
        );
    }

    #[test]
    fn row_numbers_with_crlf_and_blank_lines() {
        let (_, rows) = read_default(b"\r\n\r\na\r\n\r\nb\r\n\"c\r\nd\"\r\ne");
        let numbers: Vec<u32> = rows
            .iter()
            .map(|r| match r {
                CsvRow::Row { row, .. } | CsvRow::Bad { row, .. } => *row,
            })
            .collect();
        assert_eq!(numbers, vec![3, 5, 6, 7]);
    }

    #[test]
    fn row_numbers_stay_right_over_long_files() {
        // Blank lines and multi-line cells far beyond the parser's buffer.
        let mut s = String::new();
        let mut expected = Vec::new();
        let mut excel_row = 0u32;
        for i in 0..20_000u32 {
            excel_row += 1;
            match i % 3 {
                0 => {
                    s.push('\n');
                }
                1 => {
                    s.push_str(&format!("{i},\"multi\nline\"\n"));
                    expected.push(excel_row);
                }
                _ => {
                    s.push_str(&format!("{i},plain\n"));
                    expected.push(excel_row);
                }
            }
        }
        let (_, rows) = read_default(s.as_bytes());
        let numbers: Vec<u32> = rows
            .iter()
            .map(|r| match r {
                CsvRow::Row { row, .. } | CsvRow::Bad { row, .. } => *row,
            })
            .collect();
        assert_eq!(numbers, expected);
    }

    #[test]
    fn forced_encoding_overrides_detection() {
        // Detection would call this windows-1252 (or something else); the user says GBK.
        let bytes = gbk("名,值\n甲,乙\n");
        let opts = CsvOptions {
            forced_encoding: encoding_by_name("GBK"),
            ..CsvOptions::default()
        };
        let (info, rows) = read_all(&bytes, &opts);
        assert_eq!(info.encoding, "GB18030");
        assert_eq!(rows, vec![row(1, &["名", "值"]), row(2, &["甲", "乙"])]);

        // Forcing windows-1252 on the same bytes reads them as Latin text, no detection.
        let opts = CsvOptions {
            forced_encoding: encoding_by_name("latin1"),
            ..CsvOptions::default()
        };
        let (info, _) = read_all(&bytes, &opts);
        assert_eq!(info.encoding, "windows-1252");

        // Forcing UTF-8 on GBK bytes: every row with Chinese text is refused, not mangled.
        let opts = CsvOptions {
            forced_encoding: encoding_by_name("utf8"),
            ..CsvOptions::default()
        };
        let (info, rows) = read_all(&bytes, &opts);
        assert_eq!(info.encoding, "UTF-8");
        assert_eq!(bad_row(&rows).len(), 2);

        // A forced encoding's own BOM is skipped.
        let opts = CsvOptions {
            forced_encoding: encoding_by_name("utf-16le"),
            ..CsvOptions::default()
        };
        let (info, rows) = read_all(&utf16le_bom("a\tb\n"), &opts);
        assert_eq!(info.encoding, "UTF-16LE (BOM)");
        assert_eq!(rows, vec![row(1, &["a", "b"])]);
    }

    #[test]
    fn invalid_utf8_after_head_is_one_bad_row() {
        let mut bytes = Vec::new();
        let mut n = 0u32;
        while bytes.len() < HEAD_BYTES + 1000 {
            n += 1;
            bytes.extend_from_slice(format!("{n},张三,100\n").as_bytes());
        }
        bytes.extend_from_slice(b"999999,\xD5\xC5\xC8\xFD,100\n"); // GBK bytes in a UTF-8 file
        bytes.extend_from_slice("1000000,李四,200\n".as_bytes());
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "UTF-8");
        assert_eq!(rows.len() as u32, n + 2);
        let bad = bad_row(&rows);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, n + 1);
        assert!(
            bad[0].1.starts_with("invalid UTF-8 in this row"),
            "{}",
            bad[0].1
        );
        assert_eq!(
            rows[n as usize + 1],
            row(n + 2, &["1000000", "李四", "200"])
        );
    }

    #[test]
    fn utf8_cut_at_head_end_is_still_utf8() {
        let mut head = "一二三".repeat(10).into_bytes();
        head.pop();
        assert_eq!(detect_encoding(&head, false).0, encoding_rs::UTF_8);

        // A whole UTF-8 file cut in the middle of its last character stays UTF-8; only the
        // broken row is refused.
        let mut bytes = "姓名,金额\n张三,100\n李四,二百".as_bytes().to_vec();
        bytes.pop();
        let (info, rows) = read_default(&bytes);
        assert_eq!(info.encoding, "UTF-8");
        assert_eq!(rows[1], row(2, &["张三", "100"]));
        assert_eq!(
            bad_row(&rows),
            vec![(3, "invalid UTF-8 in this row (column 2)".to_string())]
        );
    }

    #[test]
    fn nul_byte_row_is_bad() {
        let (_, rows) = read_default(b"a,b\nx\0y,2\nc,d\n");
        assert_eq!(rows[0], row(1, &["a", "b"]));
        assert_eq!(
            bad_row(&rows),
            vec![(2, "NUL byte in this row (column 1)".to_string())]
        );
        assert_eq!(rows[2], row(3, &["c", "d"]));
    }

    #[test]
    fn field_over_limit_is_bad_and_reading_goes_on() {
        let long = "x".repeat(2000);
        let text = format!("a,b\n1,{long}\n2,ok\n");
        let opts = CsvOptions {
            max_field_bytes: 1000,
            ..CsvOptions::default()
        };
        let (_, rows) = read_all(text.as_bytes(), &opts);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            bad_row(&rows),
            vec![(2, "field longer than 1000 bytes (column 2)".to_string())]
        );
        assert_eq!(rows[2], row(3, &["2", "ok"]));
    }

    #[test]
    fn default_limit_is_one_mib() {
        let text = format!("a\n\"{}\"\nb\n", "y".repeat(1024 * 1024 + 1));
        let (_, rows) = read_default(text.as_bytes());
        assert_eq!(
            bad_row(&rows),
            vec![(2, "field longer than 1048576 bytes (column 1)".to_string())]
        );
        assert_eq!(rows[2], row(3, &["b"]));
    }

    #[test]
    fn unterminated_quote_is_bounded() {
        // max 1000 bytes per field -> records are capped at 64 MiB; make the field run past
        // that so the guard trips instead of the whole file being buffered.
        let mut bytes = b"a,b\n1,\"open quote\n".to_vec();
        bytes.extend(std::iter::repeat_n(
            b'z',
            (MIN_RECORD_CAP as usize) + 300_000,
        ));
        let opts = CsvOptions {
            max_field_bytes: 1000,
            ..CsvOptions::default()
        };
        let (_, rows) = read_all(&bytes, &opts);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], row(1, &["a", "b"]));
        let bad = bad_row(&rows);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, 2);
        assert!(bad[0].1.contains("unterminated quote"), "{}", bad[0].1);
    }

    #[test]
    fn unterminated_quote_small_file() {
        // The quote opened in row 2 swallows row 3: row 2 is bad and says why.
        let (_, rows) = read_default(b"a,b\n1,\"open\n2,3\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], row(1, &["a", "b"]));
        let bad = bad_row(&rows);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, 2);
        assert!(bad[0].1.contains("never closed"), "{}", bad[0].1);
        // A closed multi-line last field, and a stray quote inside an unquoted field, are not.
        let (_, rows) = read_default(b"a,b\n1,\"two\nlines\"\n");
        assert_eq!(rows[1], row(2, &["1", "two\nlines"]));
        let (_, rows) = read_default(b"a,b\n12\" TV,3\n");
        assert_eq!(rows[1], row(2, &["12\" TV", "3"]));
    }

    #[test]
    fn empty_and_tiny_files() {
        let (info, rows) = read_default(b"");
        assert_eq!(info.encoding, "UTF-8");
        assert!(rows.is_empty());
        let (_, rows) = read_default(b"\n\n");
        assert!(rows.is_empty());
        let (info, rows) = read_default(&[0xEF, 0xBB, 0xBF]);
        assert_eq!(info.encoding, "UTF-8 (BOM)");
        assert!(rows.is_empty());
        let (_, rows) = read_default(b"x");
        assert_eq!(rows, vec![row(1, &["x"])]);
    }

    #[test]
    fn garbage_never_panics() {
        // A cheap deterministic byte soup in many shapes.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for len in [1usize, 2, 3, 7, 100, 5000, 70_000] {
            for _ in 0..4 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        {
                            let soup = b"\"\n\r,;\t\0\xFF\xFEa\xD5\xC5\xE9";
                            soup[(state % soup.len() as u64) as usize]
                        }
                    })
                    .collect();
                let (_, rows) = read_default(&bytes);
                let mut last = 0;
                for r in rows {
                    let n = match r {
                        CsvRow::Row { row, .. } | CsvRow::Bad { row, .. } => row,
                    };
                    assert!(n > last);
                    last = n;
                }
            }
        }
    }

    #[test]
    fn encoding_names() {
        let gb = Some(encoding_rs::GB18030);
        assert_eq!(encoding_by_name("gbk"), gb);
        assert_eq!(encoding_by_name("GB2312"), gb);
        assert_eq!(encoding_by_name(" gb18030 "), gb);
        assert_eq!(encoding_by_name("cp936"), gb);
        assert_eq!(encoding_by_name("utf-8"), Some(encoding_rs::UTF_8));
        assert_eq!(encoding_by_name("UTF8"), Some(encoding_rs::UTF_8));
        assert_eq!(encoding_by_name("utf-16le"), Some(encoding_rs::UTF_16LE));
        assert_eq!(encoding_by_name("utf-16be"), Some(encoding_rs::UTF_16BE));
        assert_eq!(encoding_by_name("big5"), Some(encoding_rs::BIG5));
        assert_eq!(
            encoding_by_name("windows-1252"),
            Some(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(encoding_by_name("latin1"), Some(encoding_rs::WINDOWS_1252));
        assert_eq!(encoding_by_name("shift_jis"), Some(encoding_rs::SHIFT_JIS));
        assert_eq!(encoding_by_name("iso-2022-kr"), None);
        assert_eq!(encoding_by_name("klingon"), None);
        assert_eq!(encoding_by_name(""), None);
    }

    #[test]
    fn rows_can_move_to_another_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<CsvRows>();
        assert_send::<CsvRow>();
    }

    /// The chunks a file is cut into and the records read from them.
    type Chunked = Option<(Vec<Chunk>, Vec<CsvRow>)>;

    /// Every record of the file read whole, and read chunk by chunk as `plan_chunks` cuts it
    /// (None when it does not).
    fn whole_and_chunked(bytes: &[u8], parts: usize, min_bytes: u64) -> (Vec<CsvRow>, Chunked) {
        let f = write_temp(bytes);
        let opts = CsvOptions::default();
        let whole: Vec<CsvRow> = open_csv(f.path(), &opts).expect("open").1.collect();
        let plan = plan_chunks(f.path(), &opts, parts, min_bytes, 3).expect("plan");
        let chunked = plan.map(|plan| {
            let rows = plan
                .chunks
                .iter()
                .flat_map(|c| open_chunk(f.path(), &opts, &plan, c).expect("chunk"))
                .collect();
            (plan.chunks.clone(), rows)
        });
        (whole, chunked)
    }

    #[test]
    fn chunks_give_the_rows_of_the_whole_file() {
        // Quoted fields with line breaks (one cut can fall right after one), `""` escapes, a
        // quote inside an unquoted field, blank lines, CRLF and LF, a last line without its
        // line break, an over-long field, a NUL byte: every row, its number and every bad row
        // as reading the whole file gives them.
        let mut text = String::from("\u{feff}日期,顾客,备注\r\n");
        for i in 0..400 {
            match i % 9 {
                0 => text.push_str(&format!("2026-10-01,C{i},\"第一行\n第二行\"\r\n")),
                1 => text.push_str(&format!("2026-10-02,C{i},\"说\"\"好\"\"\"\n")),
                2 => text.push_str(&format!("2026-10-03,C{i},5\"寸\n")),
                3 => text.push_str("\r\n\n"),
                4 => text.push_str(&format!("2026-10-04,\"C{i}\"\"\n\"\"\",x\n")),
                5 => text.push_str(&format!("2026-10-05,C{i},{}\n", "长".repeat(40))),
                6 => text.push_str(&format!("2026-10-06,C{i},a\0b\n")),
                _ => text.push_str(&format!("2026-10-07,C{i},\"\n\n\"\n")),
            }
        }
        text.push_str("2026-10-08,最后,无换行");
        let bytes = text.as_bytes();
        let mut cut_somewhere = false;
        for (parts, min_bytes) in [(2, 64), (3, 200), (7, 64), (16, 100)] {
            let (whole, chunked) = whole_and_chunked(bytes, parts, min_bytes);
            let (chunks, rows) = chunked.expect("the file is cut");
            assert!(chunks.len() > 1);
            assert_eq!(chunks[0].start, 3, "the first chunk starts after the BOM");
            assert_eq!(chunks.last().unwrap().end, bytes.len() as u64);
            for pair in chunks.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
                // Cuts are made after a line feed, never inside a quoted field.
                assert_eq!(bytes[pair[0].end as usize - 1], b'\n');
            }
            cut_somewhere |= chunks.iter().any(|c| c.embedded > 0);
            assert_eq!(rows, whole, "{parts} parts of at least {min_bytes} bytes");
        }
        assert!(
            cut_somewhere,
            "some cut follows a line break inside a quoted field"
        );
        // The rows of the whole file are what they should be (so the comparison is of
        // something): the header, then row 2 whose field spans two lines.
        let (whole, _) = whole_and_chunked(bytes, 2, 64);
        assert_eq!(whole[0], row(1, &["日期", "顾客", "备注"]));
        assert_eq!(whole[1], row(2, &["2026-10-01", "C0", "第一行\n第二行"]));
        // 5"寸 keeps its quote (it does not start the field); the NUL row is bad, at its row.
        assert_eq!(whole[3], row(4, &["2026-10-03", "C2", "5\"寸"]));
        assert!(bad_row(&whole)
            .iter()
            .any(|(_, m)| m.starts_with("NUL byte in this row")));
    }

    #[test]
    fn files_that_cannot_be_cut_are_read_whole() {
        let lines = |end: &str| -> String {
            (0..200)
                .map(|i| format!("2026-10-01,C{i},{i}{end}"))
                .collect()
        };
        // Too small for two chunks of the minimum size, or asked for one part.
        let text = lines("\n");
        assert!(whole_and_chunked(text.as_bytes(), 2, text.len() as u64)
            .1
            .is_none());
        assert!(whole_and_chunked(text.as_bytes(), 1, 64).1.is_none());
        assert!(whole_and_chunked(text.as_bytes(), 2, 64).1.is_some());
        // A quote opened and never closed swallows the rest: read whole, to say so.
        let open = format!("{}2026-10-02,\"C,1\n{}", lines("\n"), lines("\n"));
        let (whole, chunked) = whole_and_chunked(open.as_bytes(), 4, 64);
        assert!(chunked.is_none());
        assert!(bad_row(&whole)[0].1.contains("never closed"));
        // Lone carriage returns end records but no lines.
        assert!(whole_and_chunked(lines("\r").as_bytes(), 2, 64).1.is_none());
        // GBK is not cut (its bytes are decoded as they are read).
        assert!(
            whole_and_chunked(&gbk(&format!("日期,顾客\n{}", lines("\n"))), 2, 64)
                .1
                .is_none()
        );
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(open_csv(&dir.path().join("nope.csv"), &CsvOptions::default()).is_err());
    }
}
