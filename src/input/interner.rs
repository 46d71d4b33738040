//! Names and identifiers interned once per run: each distinct text gets a [`Sym`], in the
//! order first seen, looked up through a table hashed with FxHash.

use std::hash::{BuildHasherDefault, Hasher};
use std::num::NonZeroU32;

/// An interned name or identifier (staff, customer, store, item...): the position of the
/// name in its interner, stored plus one so that an `Option<Sym>` (eight per sales row) takes
/// four bytes, not eight. Ordered as the names were first seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(NonZeroU32);

impl Sym {
    pub(super) fn from_index(i: usize) -> Sym {
        // More than 4 billion names cannot come from files of at most a few GB.
        Sym(NonZeroU32::new((i as u32).wrapping_add(1)).unwrap_or(NonZeroU32::MAX))
    }

    pub(super) fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// FxHash (the hasher rustc uses for its own tables): one rotate, xor and multiply per word,
/// several times faster than SipHash on the short names and ids interned for every cell. It
/// does not resist hash flooding, which a tool reading its own clinic's exports need not fear.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(n as u64);
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(n as u64);
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weakest; hash tables index by them.
        self.0.rotate_left(26)
    }
}

/// Builds [`FxHasher`]s for hash maps and sets.
pub type FxBuild = BuildHasherDefault<FxHasher>;

/// Interns strings so a million rows naming a few thousand people hold each name once. Each
/// name's text is stored once, one after another in one buffer (no allocation per name: a
/// year's order ids and customers are over a million names); its position is its `Sym`.
#[derive(Debug, Default)]
pub struct Interner {
    /// Every name's text, one after another.
    text: String,
    /// Where each name ends in `text` (it starts where the one before ends).
    ends: Vec<usize>,
    /// Positions in `ends` with 32 bits of their text's hash, found by that hash: the table
    /// grows without reading the texts again.
    table: hashbrown::HashTable<(u32, u32)>,
}

/// 32 bits of a name's hash. Each 8-byte word of the name is mixed in with a folded multiply
/// (the 128-bit product's halves xor-ed, as foldhash and ahash do), which carries every bit of
/// the word into every bit of the state, up and down; the 32 bits kept are the top of one last
/// fold. FxHash, used before, carries a bit only upwards, and its rotate wraps the top bits of
/// one word onto the low bits where the next word's digits differ: names that count up
/// (13800000001, 13800000002 …; XS202600000001 …) collided even in 64 bits, a million such
/// ids fell on a few thousand values, and the table compared texts hundreds of times per
/// look-up (4× the rows took 8.7× the time).
fn name_hash(s: &str) -> u32 {
    const SEED: u64 = 0x243F_6A88_85A3_08D3;
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes = s.as_bytes();
    let mut h = SEED ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        h = folded_multiply(h ^ u64::from_le_bytes(word), K);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = folded_multiply(h ^ u64::from_le_bytes(word), K);
    }
    (folded_multiply(h, SEED) >> 32) as u32
}

/// The 128-bit product of `a` and `b`, its high and low halves xor-ed.
#[inline]
fn folded_multiply(a: u64, b: u64) -> u64 {
    let full = u128::from(a) * u128::from(b);
    (full as u64) ^ ((full >> 64) as u64)
}

/// The table's hash of a name from its 32 bits, spread over 64 (the table takes its buckets
/// from the low bits and a tag from the top seven).
fn table_hash(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The text of name `i` (empty for a position that is not one).
fn name_at<'a>(text: &'a str, ends: &[usize], i: usize) -> &'a str {
    let start = match i.checked_sub(1) {
        Some(before) => ends.get(before).copied().unwrap_or(0),
        None => 0,
    };
    let end = ends.get(i).copied().unwrap_or(start);
    text.get(start..end).unwrap_or("")
}

#[cfg(test)]
thread_local! {
    /// (slots the interner's table looked at, texts compared) on this thread, for the unit
    /// test that sequential ids do not crowd the table.
    pub(super) static PROBES: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
}

/// Counts one slot looked at, and whether its text had to be compared (unit tests only).
#[inline]
fn note_probe(_compared: bool) {
    #[cfg(test)]
    PROBES.with(|p| {
        let (slots, texts) = p.get();
        p.set((slots + 1, texts + u64::from(_compared)));
    });
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        let h = name_hash(s);
        let Interner { text, ends, table } = self;
        let found = table.find(table_hash(h), |&(i, hh)| {
            note_probe(hh == h);
            hh == h && name_at(text, ends, i as usize) == s
        });
        if let Some(&(i, _)) = found {
            return Sym::from_index(i as usize);
        }
        let i = ends.len();
        text.push_str(s);
        ends.push(text.len());
        // More than 4 billion names cannot come from files of at most a few GB.
        let at = u32::try_from(i).unwrap_or(u32::MAX);
        table.insert_unique(table_hash(h), (at, h), |&(_, hh)| table_hash(hh));
        Sym::from_index(i)
    }

    /// A new name shown as `display` that no text interns to: a person of their own among
    /// namesakes (two roster people called 张三), or a row held back from crediting anyone. Its
    /// text is added like any name, but not to the table, so `intern("张三")` never returns it.
    pub fn fresh(&mut self, display: &str) -> Sym {
        let i = self.ends.len();
        self.text.push_str(display);
        self.ends.push(self.text.len());
        Sym::from_index(i)
    }

    /// The names in `Sym` order.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| name_at(&self.text, &self.ends, i))
    }

    pub fn get(&self, s: &str) -> Option<Sym> {
        let h = name_hash(s);
        self.table
            .find(table_hash(h), |&(i, hh)| {
                hh == h && name_at(&self.text, &self.ends, i as usize) == s
            })
            .map(|&(i, _)| Sym::from_index(i as usize))
    }

    #[cfg(test)]
    pub(super) fn iter_count(&self) -> usize {
        self.ends.len()
    }

    pub fn name(&self, sym: Sym) -> &str {
        name_at(&self.text, &self.ends, sym.index())
    }
}
