//! Our own streaming reader of an xlsx worksheet part (`<sheetData>`), faster than calamine's
//! cell reader on a sheet of a million rows (SPEC §7), giving exactly the cells calamine gives.
//!
//! It reads the forms genuine exports write: `<row r>`, `<c r s t>` with `<v>`, `<is>` (plain
//! or rich text, phonetic runs skipped), `<f>` (skipped: its cached `<v>` is the value), the
//! five XML entities, character references and Excel's `_xHHHH_` escapes. The moment it meets
//! anything else — a comment, a namespace prefix, a value calamine reads in a way not worth
//! copying (`<v> 1</v>`, a carriage return, an unknown `t`), malformed or cut XML, an error
//! reading the part — it stops *before* that cell and says how many cells it gave: the caller
//! reads the sheet again with calamine from the start, skips that many cells and goes on with
//! calamine. So whatever it does not read, calamine reads, with calamine's values and errors.
//!
//! What calamine decides from the rest of the workbook (the shared strings, which styles are
//! dates) is taken from calamine itself, see [`Lookups`]. The logic below follows calamine
//! 0.38's `xlsx/cells_reader.rs` (`next_cell`, `read_value`, `read_v`), `xlsx/mod.rs`
//! (`read_string_with_bufs`, `get_row_and_optional_column`) and `utils.rs` (`unescape_xml`),
//! MIT licensed, © Johann Tuffe.

use super::cell::RawCell;
use crate::words::input::BookWhy;
use compact_str::CompactString;
use std::io::Read;

/// What calamine decided for the workbook: its shared strings, and for each style index
/// whether calamine reads a number in that style as a date (not a duration).
#[derive(Default, Debug, Clone, PartialEq)]
pub struct Lookups {
    pub strings: Vec<CompactString>,
    pub date_styles: Vec<bool>,
}

/// How a sheet ended: read to `</sheetData>`, or handed over to calamine after `cells` cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Handover { cells: u64 },
}

/// Why a piece could not be read here: more bytes are needed, or calamine must read it.
enum Stop {
    More,
    Calamine,
}

type Step<T> = Result<T, Stop>;

/// At most this many bytes are held for one piece (a cell, a tag); beyond it calamine reads on.
const MAX_PIECE: usize = 64 << 20;
const READ_AT_LEAST: usize = 256 << 10;

/// Reads the worksheet XML from `rd`, giving each cell's 0-based (row, column) and value to
/// `on_cell` in the order of the file. Errors only when `on_cell` does.
pub fn read_sheet(
    rd: &mut dyn Read,
    lookups: &Lookups,
    date1904: bool,
    on_cell: &mut dyn FnMut(u32, u32, RawCell) -> Result<(), BookWhy>,
) -> Result<Outcome, BookWhy> {
    let mut p = Parser {
        buf: Vec::with_capacity(READ_AT_LEAST * 2),
        pos: 0,
        eof: false,
        lookups,
        date1904,
        row: 0,
        col: 0,
        cells: 0,
        scratch: Scratch::default(),
    };
    let handover = |cells| Ok(Outcome::Handover { cells });
    // Up to and including `<sheetData>`.
    loop {
        match p.prefix_piece() {
            Ok(Some(n)) => p.pos += n,
            Ok(None) => break,
            Err(Stop::More) => {
                if !p.refill(rd) {
                    return handover(0);
                }
            }
            Err(Stop::Calamine) => return handover(0),
        }
    }
    loop {
        match p.body_piece() {
            Ok((n, piece)) => {
                p.pos += n;
                match piece {
                    Piece::Nothing => {}
                    Piece::End => return Ok(Outcome::Done),
                    Piece::Cell(r, c, cell) => {
                        p.cells += 1;
                        on_cell(r, c, cell)?;
                    }
                }
            }
            Err(Stop::More) => {
                if !p.refill(rd) {
                    return handover(p.cells);
                }
            }
            Err(Stop::Calamine) => return handover(p.cells),
        }
    }
}

enum Piece {
    Nothing,
    End,
    Cell(u32, u32, RawCell),
}

struct Parser<'l> {
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    lookups: &'l Lookups,
    date1904: bool,
    /// calamine's running row and column (used for cells and rows without `r`).
    row: u32,
    col: u32,
    cells: u64,
    scratch: Scratch,
}

/// A tag as written: `<name attrs>`, `<name attrs/>` or `</name>`, with the attributes this
/// reader looks at (a small value: it is made for every tag).
struct Tag<'a> {
    name: &'a [u8],
    end: bool,
    empty: bool,
    /// `r`, `s`, `t` and `xml:space`.
    known: [Option<&'a [u8]>; 4],
    len: usize,
}

const MAX_ATTRS: usize = 16;

impl<'a> Tag<'a> {
    fn attr(&self, key: &[u8]) -> Option<&'a [u8]> {
        let i = match key {
            b"r" => 0,
            b"s" => 1,
            b"t" => 2,
            b"xml:space" => 3,
            _ => return None,
        };
        self.known[i]
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Parses the tag at the start of `s` (`s[0] == b'<'`). Comments, declarations, processing
/// instructions, prefixed names and anything unusual are for calamine.
fn tag(s: &[u8]) -> Step<Tag<'_>> {
    let more_or = |s: &[u8], i: usize| {
        if i >= s.len() {
            Stop::More
        } else {
            Stop::Calamine
        }
    };
    let mut t = Tag {
        name: &[],
        end: false,
        empty: false,
        known: [None; 4],
        len: 0,
    };
    let mut n_keys = 0;
    let mut i = 1;
    match s.get(1) {
        None => return Err(Stop::More),
        Some(b'/') => {
            t.end = true;
            i = 2;
        }
        Some(b'!' | b'?') => return Err(Stop::Calamine),
        _ => {}
    }
    let start = i;
    while i < s.len() && !is_space(s[i]) && s[i] != b'/' && s[i] != b'>' {
        if !(s[i].is_ascii_alphanumeric() || s[i] == b'_' || s[i] == b'-' || s[i] == b'.') {
            // A prefix (`x:c`), or bytes no export writes in a name.
            return Err(Stop::Calamine);
        }
        i += 1;
    }
    if i >= s.len() {
        return Err(Stop::More);
    }
    if i == start {
        return Err(Stop::Calamine);
    }
    t.name = &s[start..i];
    if t.end {
        if s[i] == b'>' {
            t.len = i + 1;
            return Ok(t);
        }
        return Err(more_or(s, i));
    }
    loop {
        let ws = i;
        while i < s.len() && is_space(s[i]) {
            i += 1;
        }
        match s.get(i) {
            None => return Err(Stop::More),
            Some(b'>') => {
                t.len = i + 1;
                return Ok(t);
            }
            Some(b'/') => {
                return match s.get(i + 1) {
                    None => Err(Stop::More),
                    Some(b'>') => {
                        t.empty = true;
                        t.len = i + 2;
                        Ok(t)
                    }
                    Some(_) => Err(Stop::Calamine),
                };
            }
            Some(_) if i == ws => return Err(Stop::Calamine),
            Some(_) => {}
        }
        let k0 = i;
        while i < s.len() && s[i] != b'=' && !is_space(s[i]) && s[i] != b'>' && s[i] != b'/' {
            if s[i] == b'<' || s[i] == b'"' || s[i] == b'\'' {
                return Err(Stop::Calamine);
            }
            i += 1;
        }
        if i >= s.len() {
            return Err(Stop::More);
        }
        if s[i] != b'=' {
            return Err(Stop::Calamine);
        }
        let key = &s[k0..i];
        i += 1;
        let quote = match s.get(i) {
            None => return Err(Stop::More),
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => return Err(Stop::Calamine),
        };
        i += 1;
        let Some(len) = memchr::memchr(quote, &s[i..]) else {
            return Err(Stop::More);
        };
        let value = &s[i..i + len];
        if memchr::memchr2(b'<', b'&', value).is_some() {
            return Err(Stop::Calamine);
        }
        i += len + 1;
        if n_keys == MAX_ATTRS {
            return Err(Stop::Calamine);
        }
        n_keys += 1;
        let known = match key {
            b"r" => 0,
            b"s" => 1,
            b"t" => 2,
            b"xml:space" => 3,
            _ => continue,
        };
        // calamine reads attributes one by one with no check that a name is given once: which
        // of two it takes is for calamine to say.
        if t.known[known].replace(value).is_some() {
            return Err(Stop::Calamine);
        }
    }
}

/// The text before the next `<`, or More.
fn text_to_tag(s: &[u8]) -> Step<usize> {
    memchr::memchr(b'<', s).ok_or(Stop::More)
}

/// A number calamine's `atoi_simd` reads the same way: ASCII digits, no leading zero, at most 9.
fn small_number(v: &[u8]) -> Option<u32> {
    if v.is_empty() || v.len() > 9 || (v.len() > 1 && v[0] == b'0') {
        return None;
    }
    let mut n = 0u32;
    for &b in v {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    Some(n)
}

/// A cell reference `A1` as calamine reads it (0-based row, column), for the forms whose sums
/// cannot overflow; anything else (no row, no column, `A0`, 10 digits) is for calamine.
fn cell_ref(v: &[u8]) -> Option<(u32, u32)> {
    let letters = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 4 {
        return None;
    }
    let mut col = 0u32;
    for &b in &v[..letters] {
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    let digits = &v[letters..];
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row = digits
        .iter()
        .fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'));
    Some((row.checked_sub(1)?, col - 1))
}

/// A row's `r` as calamine's `get_row` reads it, for plain digits.
fn row_ref(v: &[u8]) -> Option<u32> {
    if v.is_empty() || v.len() > 9 || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row = v.iter().fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'));
    row.checked_sub(1)
}

/// A number as Excel writes it (`-12.5`, `4.2E-3`): Rust's parser and calamine's fast_float2
/// both round it correctly, so both give the same f64. Anything else is for calamine.
fn plain_number(v: &[u8]) -> Option<f64> {
    if v.is_empty() || v.len() > 40 {
        return None;
    }
    let mut i = 0;
    if v[0] == b'-' {
        i = 1;
    }
    let int = v[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if int == 0 {
        return None;
    }
    i += int;
    if v.get(i) == Some(&b'.') {
        i += 1;
        let frac = v[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if frac == 0 {
            return None;
        }
        i += frac;
    }
    if matches!(v.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(v.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = v[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp == 0 || exp > 2 {
            return None;
        }
        i += exp;
    }
    if i != v.len() {
        return None;
    }
    std::str::from_utf8(v).ok()?.parse::<f64>().ok()
}

/// Appends text as quick-xml and calamine read it: the five XML entities and character
/// references decoded. A carriage return (which quick-xml turns into a line feed), bytes not
/// UTF-8 and any other entity are for calamine.
fn push_text(raw: &[u8], out: &mut String) -> Step<()> {
    let mut rest = raw;
    loop {
        let at = memchr::memchr2(b'&', b'\r', rest).unwrap_or(rest.len());
        out.push_str(std::str::from_utf8(&rest[..at]).map_err(|_| Stop::Calamine)?);
        if at == rest.len() {
            return Ok(());
        }
        if rest[at] == b'\r' {
            return Err(Stop::Calamine);
        }
        let tail = &rest[at + 1..];
        let semi = memchr::memchr(b';', tail).ok_or(Stop::Calamine)?;
        let name = &tail[..semi];
        match name {
            b"lt" => out.push('<'),
            b"gt" => out.push('>'),
            b"amp" => out.push('&'),
            b"apos" => out.push('\''),
            b"quot" => out.push('"'),
            _ => {
                let (digits, radix) = match name {
                    [b'#', b'x', h @ ..] => (h, 16),
                    [b'#', d @ ..] => (d, 10),
                    _ => return Err(Stop::Calamine),
                };
                if digits.is_empty()
                    || digits.len() > 6
                    || !digits.iter().all(|b| b.is_ascii_hexdigit())
                {
                    return Err(Stop::Calamine);
                }
                let text = std::str::from_utf8(digits).map_err(|_| Stop::Calamine)?;
                let n = u32::from_str_radix(text, radix).map_err(|_| Stop::Calamine)?;
                // Only the characters XML 1.0 allows, other than a carriage return.
                let allowed =
                    matches!(n, 0x9 | 0xA | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
                let c = char::from_u32(n)
                    .filter(|_| allowed)
                    .ok_or(Stop::Calamine)?;
                out.push(c);
            }
        }
        rest = &tail[semi + 1..];
    }
}

/// calamine's `unescape_xml`: Excel's `_xHHHH_` escapes (UTF-16 code units) decoded.
fn unescape_excel(original: &str, out: &mut String) {
    const LEN: usize = 7;
    fn parse(original: &str, index: usize) -> Option<u16> {
        let bytes = original.as_bytes().get(index..index + LEN)?;
        if bytes[0] != b'_' || bytes[1] != b'x' || bytes[6] != b'_' {
            return None;
        }
        let hex = &bytes[2..6];
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    }
    fn find(original: &str, mut start: usize) -> Option<(usize, u16)> {
        while let Some(offset) = memchr::memchr(b'_', &original.as_bytes()[start..]) {
            let index = start + offset;
            if let Some(unit) = parse(original, index) {
                return Some((index, unit));
            }
            start = index + 1;
        }
        None
    }
    let Some((mut index, mut unit)) = find(original, 0) else {
        out.push_str(original);
        return;
    };
    let mut copied = 0;
    loop {
        out.push_str(&original[copied..index]);
        index += LEN;
        match unit {
            0xD800..=0xDBFF => match parse(original, index) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let cp =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
                    index += LEN;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = index;
        match find(original, index) {
            Some(next) => (index, unit) = next,
            None => break,
        }
    }
    out.push_str(&original[copied..]);
}

/// `s` without ASCII blanks (space, tab, CR, LF) at either end, as calamine trims a `<t>`.
fn trim_blanks(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b.iter().position(|&c| !is_space(c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| !is_space(c))
        .map_or(start, |e| e + 1);
    // Cut at ASCII bytes only, so both ends are character boundaries.
    s.get(start..end).unwrap_or("")
}

/// What a cell's `t` says.
#[derive(Clone, Copy, PartialEq)]
enum Type {
    /// None, `n`, `s`, `b`, `e`: a plain ASCII `<v>`.
    Plain(u8),
    Str,
    Date,
    Inline,
    Unknown,
}

impl Parser<'_> {
    /// Reads more; false at the end of the part (or on an error reading it: calamine meets the
    /// same error and says it) or when one piece would need more than `MAX_PIECE` bytes.
    fn refill(&mut self, rd: &mut dyn Read) -> bool {
        if self.eof {
            return false;
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        if self.buf.len() > MAX_PIECE {
            return false;
        }
        let len = self.buf.len();
        self.buf.resize(len + READ_AT_LEAST, 0);
        let mut filled = len;
        loop {
            match rd.read(&mut self.buf[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    filled += n;
                    if filled == self.buf.len() {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    self.buf.truncate(filled);
                    return false;
                }
            }
        }
        self.buf.truncate(filled);
        filled > len
    }

    /// One piece before `<sheetData>`: its length, or None at `<sheetData>` (consumed; an empty
    /// `<sheetData/>` is left as the end of the sheet).
    fn prefix_piece(&mut self) -> Step<Option<usize>> {
        let s = &self.buf[self.pos..];
        if s.is_empty() {
            return Err(Stop::More);
        }
        if s[0] != b'<' {
            let n = text_to_tag(s)?;
            if memchr::memchr(b'&', &s[..n]).is_some() {
                return Err(Stop::Calamine);
            }
            return Ok(Some(n));
        }
        if s.starts_with(b"<?") {
            // The declaration (`<?xml ... ?>`): the part must say it is UTF-8 or nothing.
            let end = memchr::memmem::find(s, b"?>").ok_or(Stop::More)?;
            let decl = &s[..end];
            if decl.starts_with(b"<?xml") {
                if let Some(at) = memchr::memmem::find(decl, b"encoding=") {
                    let enc = &decl[at + 10..];
                    if !(enc.starts_with(b"UTF-8") || enc.starts_with(b"utf-8")) {
                        return Err(Stop::Calamine);
                    }
                }
            }
            return Ok(Some(end + 2));
        }
        if s.starts_with(b"<!--") {
            let end = memchr::memmem::find(&s[4..], b"-->").ok_or(Stop::More)?;
            return Ok(Some(end + 7));
        }
        let t = tag(s)?;
        if t.name == b"sheetData" && !t.end {
            if t.empty {
                // Read as its end tag next.
                let len = t.len;
                self.buf
                    .splice(self.pos..self.pos + len, b"</sheetData>".iter().copied());
                return Ok(None);
            }
            let len = t.len;
            self.pos += len;
            return Ok(None);
        }
        Ok(Some(t.len))
    }

    /// One piece of `<sheetData>`: a row's start or end, a whole cell, text between, its end.
    fn body_piece(&mut self) -> Step<(usize, Piece)> {
        let s = &self.buf[self.pos..];
        if s.is_empty() {
            return Err(Stop::More);
        }
        if s[0] != b'<' {
            let n = text_to_tag(s)?;
            if memchr::memchr(b'&', &s[..n]).is_some() {
                return Err(Stop::Calamine);
            }
            return Ok((n, Piece::Nothing));
        }
        let t = tag(s)?;
        match (t.name, t.end) {
            (b"row", false) => {
                if let Some(r) = t.attr(b"r") {
                    self.row = row_ref(r).ok_or(Stop::Calamine)?;
                }
                let len = t.len;
                if t.empty {
                    self.end_row()?;
                }
                Ok((len, Piece::Nothing))
            }
            (b"row", true) => {
                let len = t.len;
                self.end_row()?;
                Ok((len, Piece::Nothing))
            }
            (b"sheetData", true) => Ok((t.len, Piece::End)),
            (b"c", false) => {
                let at = match t.attr(b"r") {
                    Some(r) => Some(cell_ref(r).ok_or(Stop::Calamine)?),
                    None => None,
                };
                let head = CellHead::of(&t)?;
                let (len, cell) = cell(s, &head, self.lookups, self.date1904, &mut self.scratch)?;
                let pos = match at {
                    Some((row, col)) => {
                        self.col = col;
                        (row, col)
                    }
                    None => (self.row, self.col),
                };
                self.col = self.col.checked_add(1).ok_or(Stop::Calamine)?;
                Ok((len, Piece::Cell(pos.0, pos.1, cell)))
            }
            _ => Err(Stop::Calamine),
        }
    }

    fn end_row(&mut self) -> Step<()> {
        self.row = self.row.checked_add(1).ok_or(Stop::Calamine)?;
        self.col = 0;
        Ok(())
    }
}

/// What a cell's start tag says.
struct CellHead {
    typ: Type,
    style: Option<u32>,
    len: usize,
    empty: bool,
}

impl CellHead {
    fn of(c: &Tag<'_>) -> Step<CellHead> {
        let typ = match c.attr(b"t") {
            None | Some(b"n") => Type::Plain(b'n'),
            Some(b"s") => Type::Plain(b's'),
            Some(b"b") => Type::Plain(b'b'),
            Some(b"e") => Type::Plain(b'e'),
            Some(b"str") => Type::Str,
            Some(b"d") => Type::Date,
            Some(b"inlineStr" | b"is") => Type::Inline,
            Some(_) => Type::Unknown,
        };
        let style = match c.attr(b"s") {
            None => None,
            Some(s) => Some(small_number(s).ok_or(Stop::Calamine)?),
        };
        Ok(CellHead {
            typ,
            style,
            len: c.len,
            empty: c.empty,
        })
    }
}

/// Scratch text for a value's pieces and a run's text.
#[derive(Default)]
struct Scratch {
    text: String,
    piece: String,
}

/// A whole `<c>` element at the start of `s` (its start tag read into `head`): its length and
/// value.
fn cell(
    s: &[u8],
    head: &CellHead,
    lookups: &Lookups,
    date1904: bool,
    scratch: &mut Scratch,
) -> Step<(usize, RawCell)> {
    if head.empty {
        return Ok((head.len, RawCell::Empty));
    }
    let mut value = RawCell::Empty;
    let mut i = head.len;
    loop {
        let rest = &s[i..];
        if rest.is_empty() {
            return Err(Stop::More);
        }
        if rest[0] != b'<' {
            let n = text_to_tag(rest)?;
            if memchr::memchr(b'&', &rest[..n]).is_some() {
                return Err(Stop::Calamine);
            }
            i += n;
            continue;
        }
        if rest.starts_with(b"</c>") {
            return Ok((i + 4, value));
        }
        let t = tag(rest)?;
        match (t.name, t.end) {
            (b"c", true) => return Ok((i + t.len, value)),
            (b"v", false) => {
                let (len, v) = v_value(rest, t.len, t.empty, head, lookups, date1904, scratch)?;
                value = v;
                i += len;
            }
            (b"f", false) => {
                i += t.len;
                if !t.empty {
                    i += skip_to_end(&s[i..], b"</f>")?;
                }
                value = RawCell::Empty;
            }
            (b"is", false) => {
                i += t.len;
                if t.empty {
                    value = RawCell::Text(CompactString::default());
                } else {
                    let (len, text) = inline_string(&s[i..], scratch)?;
                    i += len;
                    value = RawCell::Text(text.into());
                }
            }
            _ => return Err(Stop::Calamine),
        }
    }
}

/// A `<v>` at the start of `s` (its start tag `tag_len` long): its length and the value.
fn v_value(
    s: &[u8],
    tag_len: usize,
    empty: bool,
    head: &CellHead,
    lookups: &Lookups,
    date1904: bool,
    scratch: &mut Scratch,
) -> Step<(usize, RawCell)> {
    let typ = head.typ;
    if empty {
        return match typ {
            Type::Plain(_) | Type::Inline => Ok((tag_len, RawCell::Empty)),
            Type::Str => Ok((tag_len, RawCell::Text(CompactString::default()))),
            Type::Date => Ok((tag_len, super::source::cell_from_iso(""))),
            Type::Unknown => Err(Stop::Calamine),
        };
    }
    let body = &s[tag_len..];
    let n = text_to_tag(body)?;
    let raw = &body[..n];
    let close = &body[n..];
    if close.len() < 4 {
        return Err(Stop::More);
    }
    if !close.starts_with(b"</v>") {
        return Err(Stop::Calamine);
    }
    let len = tag_len + n + 4;
    let cell = match typ {
        Type::Inline => {
            if memchr::memchr(b'&', raw).is_some() {
                return Err(Stop::Calamine);
            }
            RawCell::Empty
        }
        Type::Unknown => return Err(Stop::Calamine),
        Type::Str | Type::Date => {
            scratch.piece.clear();
            push_text(raw, &mut scratch.piece)?;
            if typ == Type::Date {
                super::source::cell_from_iso(&scratch.piece)
            } else {
                scratch.text.clear();
                unescape_excel(&scratch.piece, &mut scratch.text);
                RawCell::Text(scratch.text.as_str().into())
            }
        }
        Type::Plain(_) if raw.is_empty() => RawCell::Empty,
        Type::Plain(_) if memchr::memchr(b'&', raw).is_some() => return Err(Stop::Calamine),
        Type::Plain(b's') => {
            let idx = small_number(raw).ok_or(Stop::Calamine)?;
            let s = lookups.strings.get(idx as usize).ok_or(Stop::Calamine)?;
            RawCell::Text(s.clone())
        }
        Type::Plain(b'b') => match raw {
            b"0" => RawCell::Bool(false),
            b"1" => RawCell::Bool(true),
            _ => return Err(Stop::Calamine),
        },
        Type::Plain(b'e') => {
            let text = std::str::from_utf8(raw).map_err(|_| Stop::Calamine)?;
            let e = text
                .parse::<calamine::CellErrorType>()
                .map_err(|_| Stop::Calamine)?;
            RawCell::Error(e.to_string())
        }
        Type::Plain(_) => {
            let n = plain_number(raw).ok_or(Stop::Calamine)?;
            // calamine: no `s` → not a date; an `s` → the style's format, if listed.
            let date = head.style.is_some_and(|s| {
                lookups
                    .date_styles
                    .get(s as usize)
                    .copied()
                    .unwrap_or(false)
            });
            if date {
                super::source::cell_from_serial(n, date1904)
            } else {
                RawCell::Number(n)
            }
        }
    };
    Ok((len, cell))
}

/// The length up to and including `end`, with no other tag before it.
fn skip_to_end(s: &[u8], end: &[u8]) -> Step<usize> {
    let n = text_to_tag(s)?;
    let rest = &s[n..];
    if rest.len() < end.len() {
        return Err(Stop::More);
    }
    if rest.starts_with(end) {
        Ok(n + end.len())
    } else {
        Err(Stop::Calamine)
    }
}

/// The body of an `<is>` after its start tag, up to and including `</is>`: its length and the
/// text, as calamine's `read_string_with_bufs` reads it (runs joined, phonetic runs skipped, a
/// `<t>` trimmed of ASCII blanks unless `xml:space="preserve"`, then `_xHHHH_` decoded).
fn inline_string<'b>(s: &[u8], scratch: &'b mut Scratch) -> Step<(usize, &'b str)> {
    let Scratch { text: out, piece } = scratch;
    out.clear();
    let mut phonetic = false;
    let mut i = 0;
    loop {
        let rest = &s[i..];
        if rest.is_empty() {
            return Err(Stop::More);
        }
        if rest[0] != b'<' {
            let n = text_to_tag(rest)?;
            if memchr::memchr(b'&', &rest[..n]).is_some() {
                return Err(Stop::Calamine);
            }
            i += n;
            continue;
        }
        if rest.starts_with(b"</is>") {
            return Ok((i + 5, out.as_str()));
        }
        let t = tag(rest)?;
        i += t.len;
        match (t.name, t.end) {
            (b"is", true) => return Ok((i, out.as_str())),
            (b"rPh", false) => phonetic = !t.empty,
            (b"rPh", true) => phonetic = false,
            (b"t", false) => {
                let preserve = t.attr(b"xml:space") == Some(b"preserve");
                piece.clear();
                if !t.empty {
                    let body = &s[i..];
                    let n = text_to_tag(body)?;
                    let close = &body[n..];
                    if close.len() < 4 {
                        return Err(Stop::More);
                    }
                    if !close.starts_with(b"</t>") {
                        return Err(Stop::Calamine);
                    }
                    if phonetic {
                        if memchr::memchr(b'&', &body[..n]).is_some() {
                            return Err(Stop::Calamine);
                        }
                    } else {
                        push_text(&body[..n], piece)?;
                    }
                    i += n + 4;
                }
                if !phonetic {
                    let text = if preserve {
                        piece.as_str()
                    } else {
                        trim_blanks(piece)
                    };
                    unescape_excel(text, out);
                }
            }
            // Run properties and the like: calamine passes over them.
            (b"r" | b"rPr" | b"phoneticPr", _) => {}
            (b"is" | b"t" | b"c" | b"row" | b"sheetData" | b"v" | b"f", _) => {
                return Err(Stop::Calamine);
            }
            _ => {}
        }
    }
}

/// The text of the marker cell the probe workbook puts at A1 of worksheet part `i`.
fn marker(i: usize) -> String {
    format!("clinic-kpi probe part {i} 7f3a")
}

/// How many times a tag named `name` may open in `xml`: `<name` or `:name` followed by a blank,
/// `>` or `/` — at least as many as calamine finds.
fn count_tags(xml: &[u8], name: &[u8]) -> usize {
    memchr::memmem::find_iter(xml, name)
        .filter(|&at| {
            at > 0
                && matches!(xml[at - 1], b'<' | b':')
                && xml
                    .get(at + name.len())
                    .is_none_or(|&b| is_space(b) || b == b'>' || b == b'/')
        })
        .count()
}

/// At most this many styles or shared strings are probed; a workbook with more is read by
/// calamine alone.
const MAX_PROBED: usize = 4 << 20;

/// What [`prepare`] found: for each sheet name calamine lists, the worksheet part calamine
/// reads for it (among `streamed`), and calamine's lookups.
pub struct Prepared {
    pub parts: Vec<(String, String)>,
    pub lookups: Lookups,
}

/// Asks calamine itself what it decides for the workbook at `path`, so that our reader needs
/// no second opinion: calamine opens a copy of the workbook (every part as it is) in which each
/// worksheet part among `streamed` is replaced by a probe sheet whose first cell names the
/// part, and the first of them goes on with one cell in each style (`<c s="i"><v>1</v></c>`:
/// calamine gives a date for the styles it reads as dates) and one per shared string
/// (`<c t="s"><v>i</v></c>`). Which part is read for a sheet name, which style is a date and
/// every shared string are then exactly calamine's. None when the probe cannot be made or read
/// (the workbook is then read by calamine alone).
pub fn prepare(path: &std::path::Path, streamed: &[String], names: &[String]) -> Option<Prepared> {
    use calamine::{DataRef, Reader};
    use std::io::Write;
    if streamed.is_empty() {
        return None;
    }
    let file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let mut zip = zip::ZipArchive::new(file).ok()?;
    let (mut styles, mut strings) = (0usize, 0usize);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).ok()?;
        let lower = entry.name().ok()?.to_ascii_lowercase();
        let (is_styles, is_sst) = (
            lower.ends_with("styles.xml"),
            lower.ends_with("sharedstrings.xml"),
        );
        if is_styles || is_sst {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).ok()?;
            if is_styles {
                styles += count_tags(&bytes, b"xf");
            } else {
                strings += count_tags(&bytes, b"si");
            }
        }
    }
    if styles > MAX_PROBED || strings > MAX_PROBED {
        return None;
    }
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zip.len() {
        let name = zip.by_index_raw(i).ok()?.name().ok()?.to_string();
        match streamed.iter().position(|p| *p == name) {
            Some(at) => {
                let mut xml = String::with_capacity(if at == 0 {
                    128 + 24 * styles + 28 * strings
                } else {
                    128
                });
                xml.push_str(
                    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>",
                );
                xml.push_str(&marker(at));
                xml.push_str("</t></is></c></row>");
                if at == 0 {
                    xml.push_str("<row r=\"2\">");
                    for s in 0..styles {
                        xml.push_str(&format!("<c s=\"{s}\"><v>1</v></c>"));
                    }
                    xml.push_str("</row><row r=\"3\">");
                    for s in 0..strings {
                        xml.push_str(&format!("<c t=\"s\"><v>{s}</v></c>"));
                    }
                    xml.push_str("</row>");
                }
                xml.push_str("</sheetData></worksheet>");
                out.start_file(name, stored).ok()?;
                out.write_all(xml.as_bytes()).ok()?;
            }
            None => out.raw_copy_file(zip.by_index_raw(i).ok()?).ok()?,
        }
    }
    let bytes = out.finish().ok()?.into_inner();
    drop(zip);
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).ok()?;
    if book.sheet_names() != names {
        return None;
    }
    let mut parts = Vec::new();
    let mut lookups = None;
    for name in names {
        let Ok(mut rd) = book.worksheet_cells_reader(name) else {
            continue;
        };
        let Ok(Some(first)) = rd.next_cell() else {
            continue;
        };
        let Some(at) = (0..streamed.len()).find(|&i| match first.get_value() {
            DataRef::String(s) => *s == marker(i),
            _ => false,
        }) else {
            continue;
        };
        parts.push((name.clone(), streamed[at].clone()));
        if at == 0 {
            let mut found = Lookups::default();
            for _ in 0..styles {
                let cell = rd.next_cell().ok()??;
                found.date_styles.push(matches!(
                    cell.get_value(),
                    DataRef::DateTime(d) if !d.is_duration()
                ));
            }
            for _ in 0..strings {
                match rd.next_cell() {
                    Ok(Some(cell)) => match cell.get_value() {
                        DataRef::SharedString(s) => found.strings.push((*s).into()),
                        _ => return None,
                    },
                    // Past the table (more tags counted than strings read).
                    _ => break,
                }
            }
            lookups = Some(found);
        }
    }
    Some(Prepared {
        parts,
        lookups: lookups?,
    })
}

/// Reads `xml` as a sheet part through [`read_sheet`], with two shared strings and a date
/// style (the fuzz target).
pub fn fuzz_sheet(xml: &[u8]) {
    let lookups = Lookups {
        strings: vec!["甲".into(), "乙".into()],
        date_styles: vec![false, true],
    };
    let mut rd = xml;
    let _ = read_sheet(&mut rd, &lookups, false, &mut |_, _, _| Ok(()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str, lookups: &Lookups) -> (Vec<(u32, u32, RawCell)>, Outcome) {
        let mut cells = Vec::new();
        let out = read_sheet(&mut xml.as_bytes(), lookups, false, &mut |r, c, v| {
            cells.push((r, c, v));
            Ok(())
        })
        .unwrap();
        (cells, out)
    }

    #[test]
    fn cells_and_handovers() {
        let l = Lookups {
            strings: vec!["甲".into(), "乙".into()],
            date_styles: vec![false, true],
        };
        let (cells, out) = read(
            r#"<worksheet><sheetData><row r="2"><c r="B2" t="s"><v>1</v></c><c><v>3.5</v></c><c t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve"> a&amp;b </t></r><r><t>_x000D_c</t></r><rPh sb="0"><t>ふ</t></rPh></is></c></row><row><c s="1"><v>45000</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="str"><f>A1</f><v>x&#x41;</v></c></row></sheetData></worksheet>"#,
            &l,
        );
        assert_eq!(out, Outcome::Done);
        let want = vec![
            (1, 1, RawCell::Text("乙".into())),
            (1, 2, RawCell::Number(3.5)),
            (1, 3, RawCell::Text(" a&b \rc".into())),
            (2, 0, super::super::source::cell_from_serial(45000.0, false)),
            (2, 1, RawCell::Bool(true)),
            (2, 2, RawCell::Error("#N/A".into())),
            (2, 3, RawCell::Text("xA".into())),
        ];
        assert_eq!(cells, want);
        // A comment in the middle: handed over after the cells before it.
        let (cells, out) = read(
            r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><!-- x --><c r="B1"><v>2</v></c></row></sheetData></worksheet>"#,
            &l,
        );
        assert_eq!(cells.len(), 1);
        assert_eq!(out, Outcome::Handover { cells: 1 });
        // Cut XML: handed over (calamine says what is wrong).
        let (_, out) = read(r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1"#, &l);
        assert_eq!(out, Outcome::Handover { cells: 0 });
        // A shared string index past the table.
        let (_, out) = read(
            r#"<worksheet><sheetData><c r="A1" t="s"><v>2</v></c></sheetData></worksheet>"#,
            &l,
        );
        assert_eq!(out, Outcome::Handover { cells: 0 });
    }

    #[test]
    fn any_bytes_end_without_a_panic() {
        let l = Lookups::default();
        let base = br#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a&amp;</t></is></c><c r="B1" s="0"><v>1e5</v></c></row></sheetData></worksheet>"#;
        for cut in 0..base.len() {
            let mut part = &base[..cut];
            let _ = read_sheet(&mut part, &l, false, &mut |_, _, _| Ok(()));
            let mut flipped = base.to_vec();
            flipped[cut] ^= 0x20;
            let _ = read_sheet(&mut flipped.as_slice(), &l, false, &mut |_, _, _| Ok(()));
        }
    }
}
