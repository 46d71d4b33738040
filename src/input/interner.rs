//! Names and identifiers interned once per run: each distinct text gets a [`Sym`], in the
//! order first seen reading the files one after another. The texts are kept in shards that the
//! reading threads fill at once ([`SharedNames`], [`PartNames`]); merging the parts in file
//! order numbers them ([`Numbering`]).

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

    /// The name's number: Syms are numbered 0, 1, 2... as first seen, so a `Vec` indexed by
    /// it can stand for a map or set of Syms.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// A set of [`Sym`]s as one bit per name number (names are numbered 0, 1, 2...): distinct
/// customers or order ids counted without hashing. It grows to the largest number inserted;
/// [`SymSet::clear`] empties it in the time its own names took to insert, so one set serves
/// many small counts.
#[derive(Debug, Default, Clone)]
pub struct SymSet {
    words: Vec<u64>,
    /// The words holding a bit, each once: what `clear` zeroes.
    touched: Vec<u32>,
    len: usize,
}

impl SymSet {
    /// Adds `s`; true when it was not in the set.
    pub fn insert(&mut self, s: Sym) -> bool {
        let i = s.index();
        let w = i / 64;
        if w >= self.words.len() {
            let grown = (w + 1).max(self.words.len() * 2);
            self.words.resize(grown, 0);
        }
        let bit = 1u64 << (i % 64);
        let word = &mut self.words[w];
        if *word == 0 {
            self.touched.push(w as u32);
        }
        let new = *word & bit == 0;
        *word |= bit;
        self.len += usize::from(new);
        new
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the set, keeping its memory.
    pub fn clear(&mut self) {
        for &w in &self.touched {
            if let Some(word) = self.words.get_mut(w as usize) {
                *word = 0;
            }
        }
        self.touched.clear();
        self.len = 0;
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
/// name's text is stored once, one after another in the buffer of one of [`SHARDS`] shards (no
/// allocation per name: a year's order ids and customers are over a million names), the shard
/// chosen by the name's hash; where it stands there (its *place*, see [`place`]) is found
/// through the shard's table. A name's `Sym` is its position in the order names were first
/// seen, which the interner maps to and from its place.
///
/// When files are read, every reading thread adds the names of each part it typed to one
/// [`SharedNames`] (see [`PartNames`]), so a name is looked up once, on a reading thread;
/// merging the parts in file order then only numbers the places (`Numbering`), and the
/// dataset's interner is made of the shared shards and that numbering
/// ([`SharedNames::into_interner`]).
///
/// Shown (`Debug`) as its names in `Sym` order: where each text stands in its shard depends
/// on which thread got there first, its `Sym` does not.
#[derive(Default)]
pub struct Interner {
    /// Empty until the first name, then [`SHARDS`] of them.
    shards: Vec<Shard>,
    /// The place of each `Sym`'s name.
    place_of_sym: Vec<u32>,
    /// The `Sym` of each place ([`NO_SYM`] for a place no `Sym` was given yet).
    sym_of_place: Vec<u32>,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = (0..self.place_of_sym.len()).map(|i| self.name(Sym::from_index(i)));
        f.debug_list().entries(names).finish()
    }
}

/// Names are spread over this many shards by their hash, so reading threads seldom wait for
/// each other's lock.
pub(super) const SHARD_BITS: u32 = 6;
pub(super) const SHARDS: usize = 1 << SHARD_BITS;

/// A place with no `Sym` yet.
const NO_SYM: u32 = u32::MAX;

/// One shard: the texts of its names and the table finding them.
#[derive(Debug, Default)]
pub(super) struct Shard {
    /// Every name's text, one after another.
    text: String,
    /// Where each name ends in `text` (it starts where the one before ends).
    ends: Vec<usize>,
    /// Positions in `ends` with 32 bits of their text's hash and where their text stands,
    /// found by that hash: the table grows without reading the texts again, and a look-up
    /// reads the text it compares without reading `ends` first.
    table: hashbrown::HashTable<Entry>,
}

/// A name in a shard's table.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Its position in `ends`.
    at: u32,
    /// 32 bits of its text's hash.
    hash: u32,
    /// Where its text starts in `text` and its length; [`FAR`] when the start does not fit
    /// (a shard of more than 4 GB of names), found through `ends` then.
    start: u32,
    len: u32,
}

/// An [`Entry`] whose text is found through `ends`.
const FAR: u32 = u32::MAX;

impl Entry {
    /// Its text in `text` (with `ends` for a text that starts too far in).
    #[inline]
    fn text<'a>(&self, text: &'a str, ends: &[usize]) -> &'a str {
        if self.start == FAR {
            return name_at(text, ends, self.at as usize);
        }
        let start = self.start as usize;
        text.get(start..start + self.len as usize).unwrap_or("")
    }
}

/// Where name `local` of shard `shard` stands: one number for both, the shard in its low
/// bits. More than 4 billion names cannot come from files of at most a few GB.
fn place(shard: usize, local: usize) -> u32 {
    u32::try_from((local << SHARD_BITS) | shard).unwrap_or(u32::MAX)
}

/// The shard of a name with this hash (from its top bits; the table uses the low ones).
fn shard_of(h: u32) -> usize {
    (h >> (32 - SHARD_BITS)) as usize
}

impl Shard {
    /// The position of `s` (hash `h`) in this shard, added if new.
    fn intern(&mut self, s: &str, h: u32) -> usize {
        let Shard { text, ends, table } = self;
        let found = table.find(table_hash(h), |e| {
            note_probe(e.hash == h);
            e.hash == h && e.text(text, ends) == s
        });
        if let Some(e) = found {
            return e.at as usize;
        }
        self.push(s, Some(h))
    }

    /// Adds `s` as a new name, found by its hash `h` when given.
    fn push(&mut self, s: &str, h: Option<u32>) -> usize {
        let i = self.ends.len();
        let start = self.text.len();
        self.text.push_str(s);
        self.ends.push(self.text.len());
        if let Some(h) = h {
            // More than 4 billion names cannot come from files of at most a few GB.
            let at = u32::try_from(i).unwrap_or(u32::MAX);
            let (start, len) = match (u32::try_from(start), u32::try_from(s.len())) {
                (Ok(start), Ok(len)) if start != FAR => (start, len),
                _ => (FAR, u32::try_from(s.len()).unwrap_or(u32::MAX)),
            };
            let e = Entry {
                at,
                hash: h,
                start,
                len,
            };
            self.table
                .insert_unique(table_hash(h), e, |e| table_hash(e.hash));
        }
        i
    }

    fn get(&self, s: &str, h: u32) -> Option<usize> {
        self.table
            .find(table_hash(h), |e| {
                e.hash == h && e.text(&self.text, &self.ends) == s
            })
            .map(|e| e.at as usize)
    }
}

/// The names the reading threads intern into at once: each shard behind a lock of its own.
/// A name gets its place here the first time any thread reads it; its `Sym` is given when the
/// parts are merged in file order.
pub(super) struct SharedNames {
    shards: Vec<std::sync::Mutex<Shard>>,
}

impl Default for SharedNames {
    fn default() -> Self {
        SharedNames {
            shards: (0..SHARDS).map(|_| Default::default()).collect(),
        }
    }
}

impl SharedNames {
    /// The dataset's interner: these names, with the `Sym` of each place as `numbering`
    /// gave them (`place_of_sym` in `Sym` order, `sym_of_place` its inverse).
    pub(super) fn into_interner(self, numbering: Numbering) -> Interner {
        let shards = self
            .shards
            .into_iter()
            .map(|m| m.into_inner().unwrap_or_else(|p| p.into_inner()))
            .collect();
        Interner {
            shards,
            place_of_sym: numbering.place_of_sym,
            sym_of_place: numbering.sym_of_place,
        }
    }
}

/// The `Sym`s given to places as the parts are merged in file order: the next `Sym` to each
/// place a part saw first that no part before it saw.
#[derive(Debug, Default)]
pub(super) struct Numbering {
    /// The place of each `Sym`'s name.
    place_of_sym: Vec<u32>,
    /// The `Sym` of each place ([`NO_SYM`] where none was given yet).
    sym_of_place: Vec<u32>,
}

impl Numbering {
    /// Gives the next `Sym`s to the places of `part`'s names, in the order the part interned
    /// them, that have none; returns each of its names' `Sym` (what its rows are renumbered
    /// with). A part's names are the interning calls it made, repeats included, so the first
    /// call for each text comes in the order an interner of its own would have numbered it.
    /// Names the reading thread left unresolved are resolved here.
    pub(super) fn number(&mut self, part: &mut PartNames, shared: &SharedNames) -> Vec<Sym> {
        part.resolve(shared);
        let mut syms = Vec::with_capacity(part.places.len());
        for &p in &part.places {
            let at = p as usize;
            if at >= self.sym_of_place.len() {
                let more = (at + 1).max(self.sym_of_place.len() * 3 / 2);
                self.sym_of_place.resize(more, NO_SYM);
            }
            if self.sym_of_place[at] == NO_SYM {
                // More than 4 billion names cannot come from files of at most a few GB.
                self.sym_of_place[at] =
                    u32::try_from(self.place_of_sym.len()).unwrap_or(NO_SYM - 1);
                self.place_of_sym.push(p);
            }
            syms.push(Sym::from_index(self.sym_of_place[at] as usize));
        }
        syms
    }
}

/// The names one part interned while its rows were typed: each call's text, in the order of
/// the calls (a per-column memo answers most repeats of staff, stores and items before they
/// get here). A call's `Sym` is its position here; once the part is read, [`Self::resolve`]
/// finds every text's place in the shared names, and the merge numbers the places.
///
/// The texts are not looked up as they are read: a part's texts are resolved together,
/// grouped by shard, one lock per shard, and each shard's table, texts and ends are small
/// enough to stay in cache while its group is looked up (looked up one by one, a million
/// names' table missed the cache on nearly every look-up, twice: in the part's own interner
/// and again in the dataset's when the part was merged). Each text is noted straight into its
/// shard's group, so a group's texts are read one after another when it is looked up (sorted
/// by shard after the part was read, each look-up read its text from a random spot of the
/// part's megabytes of texts, out of cache).
#[derive(Debug, Default)]
pub(super) struct PartNames {
    /// The names noted since the last [`Self::resolve`], by shard (empty until the first
    /// name, then [`SHARDS`] of them); the names before them are resolved: only their places
    /// are kept.
    groups: Vec<Group>,
    /// How many names were noted since the last [`Self::resolve`].
    noted: usize,
    /// The place in the shared names of each name resolved, in the order noted.
    places: Vec<u32>,
}

/// The names of one shard a part noted since it was last resolved, in the order noted.
#[derive(Debug, Default)]
struct Group {
    /// Their texts, one after another.
    text: String,
    /// Where each ends in `text`.
    ends: Vec<usize>,
    /// Each one's hash.
    hashes: Vec<u32>,
    /// Each one's position among the names noted since the last resolve.
    at: Vec<u32>,
}

impl PartNames {
    /// Notes a name the part's rows use: its `Sym` until the part is merged.
    pub(super) fn intern(&mut self, s: &str) -> Sym {
        let i = self.places.len() + self.noted;
        if self.groups.is_empty() {
            self.groups = (0..SHARDS).map(|_| Group::default()).collect();
        }
        let h = name_hash(s);
        if let Some(g) = self.groups.get_mut(shard_of(h)) {
            g.text.push_str(s);
            g.ends.push(g.text.len());
            g.hashes.push(h);
            // A part of more than 4 billion names cannot come from files of at most a few GB.
            g.at.push(u32::try_from(self.noted).unwrap_or(u32::MAX));
        }
        self.noted += 1;
        Sym::from_index(i)
    }

    /// Finds the place of every name noted since the last call, adding the new ones to
    /// `shared`, and lets go of their texts.
    pub(super) fn resolve(&mut self, shared: &SharedNames) {
        let from = self.places.len();
        let to = from + self.noted;
        if from == to {
            return;
        }
        self.places.resize(to, 0);
        let places = &mut self.places[from..];
        for (k, (mutex, g)) in shared.shards.iter().zip(&self.groups).enumerate() {
            if g.ends.is_empty() {
                continue;
            }
            // A thread that panicked while holding the lock left the shard whole: a name is
            // added by pushes that leave nothing half done that a later look-up trips over.
            let mut shard = match mutex.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            let mut start = 0;
            for ((&end, &h), &at) in g.ends.iter().zip(&g.hashes).zip(&g.at) {
                let name = g.text.get(start..end).unwrap_or("");
                start = end;
                let local = shard.intern(name, h);
                if let Some(p) = places.get_mut(at as usize) {
                    *p = place(k, local);
                }
            }
        }
        self.groups = Vec::new();
        self.noted = 0;
    }
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
    fn shards(&mut self) -> &mut Vec<Shard> {
        if self.shards.is_empty() {
            self.shards = (0..SHARDS).map(|_| Shard::default()).collect();
        }
        &mut self.shards
    }

    /// Gives the next `Sym` to `place`.
    fn number(&mut self, place: u32) -> Sym {
        let sym = Sym::from_index(self.place_of_sym.len());
        let p = place as usize;
        if p >= self.sym_of_place.len() {
            let more = (p + 1).max(self.sym_of_place.len() * 3 / 2);
            self.sym_of_place.resize(more, NO_SYM);
        }
        self.sym_of_place[p] = sym.index() as u32;
        self.place_of_sym.push(place);
        sym
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        let h = name_hash(s);
        let shard = shard_of(h);
        let local = self.shards()[shard].intern(s, h);
        let p = place(shard, local);
        match self.sym_of_place.get(p as usize) {
            Some(&sym) if sym != NO_SYM => Sym::from_index(sym as usize),
            // New, or a place the reading threads gave that no part was merged with (only
            // after a failed read): numbered now.
            _ => self.number(p),
        }
    }

    /// A new name shown as `display` that no text interns to: a person of their own among
    /// namesakes (two roster people called 张三), or a row held back from crediting anyone. Its
    /// text is added like any name, but not to the table, so `intern("张三")` never returns it.
    pub fn fresh(&mut self, display: &str) -> Sym {
        let local = self.shards()[0].push(display, None);
        self.number(place(0, local))
    }

    /// The names in `Sym` order.
    #[cfg(test)]
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.place_of_sym.len()).map(|i| self.name(Sym::from_index(i)))
    }

    pub fn get(&self, s: &str) -> Option<Sym> {
        let h = name_hash(s);
        let shard = shard_of(h);
        let local = self.shards.get(shard)?.get(s, h)?;
        match self.sym_of_place.get(place(shard, local) as usize) {
            Some(&sym) if sym != NO_SYM => Some(Sym::from_index(sym as usize)),
            _ => None,
        }
    }

    #[cfg(test)]
    pub(super) fn iter_count(&self) -> usize {
        self.place_of_sym.len()
    }

    pub fn name(&self, sym: Sym) -> &str {
        let Some(&p) = self.place_of_sym.get(sym.index()) else {
            return "";
        };
        match self.shards.get(p as usize & (SHARDS - 1)) {
            Some(shard) => name_at(&shard.text, &shard.ends, (p >> SHARD_BITS) as usize),
            None => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_found_through_ends_when_their_start_is_far() {
        let mut shard = Shard::default();
        let names = ["王晓雯", "13800001234", "SY2026010100000001", ""];
        let hashed: Vec<(&str, u32)> = names.iter().map(|n| (*n, name_hash(n))).collect();
        for (i, (n, h)) in hashed.iter().enumerate() {
            assert_eq!(shard.intern(n, *h), i);
        }
        // As a shard past 4 GB of text would hold them: no start, found through `ends`.
        for e in shard.table.iter_mut() {
            e.start = FAR;
            e.len = 0;
        }
        for (i, (n, h)) in hashed.iter().enumerate() {
            assert_eq!(shard.intern(n, *h), i, "{n}");
            assert_eq!(shard.get(n, *h), Some(i), "{n}");
        }
        assert_eq!(shard.get("李女士", name_hash("李女士")), None);
        assert_eq!(shard.ends.len(), names.len(), "nothing added twice");
    }
}
