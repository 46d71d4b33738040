//! The input layer (SPEC §2): finds the exports, reads every format, detects header rows, maps
//! columns, types every value and accounts for every row. Files → typed rows + data issues.

pub mod cell;
pub mod csv_source;
mod find;
mod header;
mod identify;
mod inflate;
mod interner;
pub mod kinds;
mod merge;
mod route;
mod rows;
mod sheet;
pub mod source;
mod threads;
mod typing;
pub mod values;
mod xlsx_sheet;

use crate::config::LoadedConfig;
use crate::issues::{Issue, Severity};
use crate::period::Period;
use crate::words::input::{BookWhy, InputFail, InputMsg, Place, Wanted, Why};
use crate::words::Fail;
use anyhow::{anyhow, bail, Result};
use cell::RawCell;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use compact_str::CompactString;
use find::*;
use header::{ColumnMap, Header, Merges, ZoneRow, HEADER_SEARCH_ROWS};
use identify::{Aliases, Decision, KindRule};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
pub use interner::{FxBuild, FxHasher, Interner, Sym, SymSet};
use interner::{Numbering, PartNames, SharedNames};
pub use kinds::{Field, Kind};
use merge::{Part, Typed};
use route::*;
pub use rows::*;
use sha2::{Digest, Sha256};
use sheet::*;
use source::{Book, Format, SourceRow};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use threads::*;
pub use typing::parse_period_label;
use typing::*;

/// File extensions read from `--data DIR`.
pub const DATA_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "tsv", "txt"];

/// What to read and how.
pub struct LoadOptions<'a> {
    pub data_dir: &'a Path,
    /// Whether `--data` was given (relative `[inputs]` paths resolve against it, else the config's folder).
    pub data_dir_given: bool,
    pub config: &'a LoadedConfig,
    /// When given, rows dated outside it are counted as out of period.
    pub period: Option<&'a Period>,
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Paths that are outputs of this run: never read as inputs.
    pub outputs: Vec<PathBuf>,
    /// Show a progress bar on stderr (the caller decides: a terminal, not `-q`).
    pub progress: bool,
    /// The language of the progress bar.
    pub lang: crate::Lang,
    /// Threads the reading may use (`--jobs`): at most this many files are read at once (and
    /// at most 4), and with 1 everything — reading, typing, hashing — runs on the calling
    /// thread; 0: one per core. The result does not depend on it.
    pub workers: usize,
    /// Bytes per chunk when a CSV file is cut to be typed on several threads; 0: 4 MiB
    /// (tests cut small files). The result does not depend on it.
    pub chunk_bytes: u64,
    /// Rows typed into a part before it is handed over to be merged; 0: 262,144 (tests hand
    /// over small ones). The result does not depend on it.
    pub part_rows: usize,
}

impl LoadOptions<'_> {
    /// `workers`, with 0 resolved to the cores available.
    fn threads(&self) -> usize {
        match self.workers {
            0 => available_cores(),
            n => n,
        }
    }
}

/// The cores this process may use (1 when that cannot be told).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
thread_local! {
    /// Threads started by this thread's calls into the input layer (unit tests check that one
    /// worker starts none).
    static SPAWNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Notes that a thread is about to be started (counted in unit tests only).
#[inline]
fn note_spawn() {
    #[cfg(test)]
    SPAWNED.with(|n| n.set(n.get() + 1));
}

/// Rows between two updates of the progress bar's message (drawing is rate-limited anyway).
const PROGRESS_EVERY_ROWS: u64 = 1 << 14;

/// The progress bar over the bytes of the files to read, with the file and row count as its
/// message; None when no bar is to be shown.
fn progress_bar(opts: &LoadOptions, planned: &[Planned]) -> Option<ProgressBar> {
    if !opts.progress {
        return None;
    }
    let total: u64 = planned
        .iter()
        .map(|p| std::fs::metadata(&p.path).map_or(0, |m| m.len()))
        .sum();
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(crate::words::input::progress_template(opts.lang))
        .map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(bar)
}

/// One file to read, with the kind and sheet the config names for it, if any.
struct Planned {
    path: PathBuf,
    display: String,
    kind: Option<Kind>,
    sheet: Option<String>,
}

impl Planned {
    /// Whether the config lists this file under `[inputs]`.
    fn listed(&self) -> bool {
        self.kind.is_some()
    }
}

/// Reads every input. Fails (exit 1) only when an input cannot be read at all, its kind cannot
/// be told, or a required column is missing; problems in rows become data issues.
pub fn load(opts: &LoadOptions) -> Result<Dataset> {
    let mut ds = Dataset::default();
    let planned = plan_inputs(opts, &mut ds)?;
    let aliases = build_aliases(opts.config)?;
    let listed_kinds: Vec<Kind> = planned.iter().filter_map(|p| p.kind).collect();
    let bar = progress_bar(opts, &planned);
    // Each file's sha256 is worked out on the other core while the files are read (hashing
    // is a read of its own of every byte); a file planned twice is hashed once. With one
    // thread, the files are hashed after they are read.
    let mut to_hash: Vec<(&Path, &str)> = Vec::new();
    for p in &planned {
        if !to_hash.iter().any(|(path, _)| *path == p.path) {
            to_hash.push((&p.path, &p.display));
        }
    }
    let hash_all = || {
        to_hash
            .iter()
            .map(|(path, display)| {
                sha256_file(path)
                    .map(|sha| (path.to_path_buf(), sha))
                    .map_err(|e| cannot_read(display, e))
            })
            .collect::<Result<HashMap<PathBuf, String>>>()
    };
    let workers = opts.threads();
    let (read, hashed) = std::thread::scope(|scope| {
        let hasher = if workers > 1 {
            note_spawn();
            Some(scope.spawn(hash_all))
        } else {
            None
        };
        let read = read_all(
            &planned,
            &aliases,
            &listed_kinds,
            opts,
            bar.as_ref(),
            &mut ds,
        );
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let hashed = match hasher {
            Some(hasher) => hasher
                .join()
                .unwrap_or_else(|_| Err(anyhow!(Fail::new(InputFail::HashFailed)))),
            None if read.is_ok() => hash_all(),
            None => Ok(HashMap::new()),
        };
        (read, hashed)
    });
    read?;
    let hashed = hashed?;
    for input in &mut ds.inputs {
        if let Some(sha) = hashed.get(&input.path) {
            input.sha256.clone_from(sha);
        }
    }
    if ds.inputs.is_empty() {
        bail!(Fail::new(InputFail::NoInputs {
            dir: opts.data_dir.display().to_string(),
        }));
    }
    Ok(ds)
}

/// `fixtures/clinic/` read for `period` with `workers` files at once (unit tests).
#[cfg(test)]
pub(crate) fn load_fixture_clinic(
    config: &LoadedConfig,
    period: &Period,
    workers: usize,
) -> Dataset {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clinic");
    let loaded = load(&LoadOptions {
        data_dir: &dir,
        data_dir_given: true,
        config,
        period: Some(period),
        encoding: None,
        outputs: vec![],
        progress: false,
        lang: crate::Lang::En,
        workers,
        chunk_bytes: 0,
        part_rows: 0,
    });
    match loaded {
        Ok(ds) => ds,
        Err(e) => panic!("fixtures/clinic cannot be read: {e:#}"),
    }
}

/// The month of a date, as the (year, month) pair used by targets and ratings.
pub fn year_month(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

#[cfg(test)]
mod tests {
    use super::interner::PROBES;
    use super::*;

    #[test]
    fn totals_labels() {
        for t in ["合计", "总计：", "小计", "Total", " TOTAL amount"] {
            assert!(is_totals_label(&RawCell::Text(t.into())), "{t}");
        }
        assert!(!is_totals_label(&RawCell::Text("张三".into())));
        assert!(!is_totals_label(&RawCell::Number(1.0)));
        // Leading full-width spaces and full-width letters are folded before the label is
        // looked for (the quick test of the first character must fold as fold_text does).
        for t in ["\u{3000}合计", "ＴＯＴＡＬ", "\u{200b}小计：", "  总计"] {
            assert!(is_totals_label(&RawCell::Text(t.into())), "{t}");
        }
        // Spaces inside the label are ignored too, full-width or not (SPEC §2.2): `合　计`.
        for t in ["合\u{3000}计", "合 计", "总 计：", "小　计", "TO TAL"] {
            assert!(is_totals_label(&RawCell::Text(t.into())), "{t}");
        }
        for t in ["合 同", "tot", "Tal", "计合", "合作计划"] {
            assert!(!is_totals_label(&RawCell::Text(t.into())), "{t}");
        }
    }

    #[test]
    fn interner_gives_each_name_one_sym_in_first_seen_order() {
        let mut names = Interner::default();
        let a = names.intern("13800001234");
        let b = names.intern("林晓雯");
        assert_eq!(names.intern("13800001234"), a);
        assert!(a < b);
        assert_eq!(names.get("林晓雯"), Some(b));
        assert_eq!(names.get("周婷"), None);
        assert_eq!(names.name(b), "林晓雯");
        assert_eq!(names.iter_count(), 2);
        // An Option<Sym> is no larger than a Sym (eight of them in every sales row).
        assert_eq!(std::mem::size_of::<Option<Sym>>(), 4);
    }

    /// A million member numbers and a million order ids that count up, as clinic systems
    /// hand them out (13800000001, 13800000002 …; XS202600000001 …), each interned and then
    /// looked up again: the table must look at about one slot per look-up and compare about
    /// one text per hit. (A hash of poor quality on such keys made this quadratic: 4× the
    /// rows took 8.7× the time.)
    #[test]
    fn interning_sequential_ids_looks_at_few_slots() {
        const N: u64 = 1_000_000;
        let ids: [fn(u64) -> String; 2] = [
            |i| format!("{}", 13_800_000_001 + i),
            |i| format!("XS2026{:08}", i + 1),
        ];
        for id in ids {
            let mut names = Interner::default();
            PROBES.with(|p| p.set((0, 0)));
            for i in 0..N {
                names.intern(&id(i));
            }
            for i in 0..N {
                assert_eq!(names.intern(&id(i)).index() as u64, i);
            }
            let (slots, texts) = PROBES.with(std::cell::Cell::get);
            // 2N look-ups: N misses (a slot looked at only where a 7-bit tag matches by
            // chance) and N hits (the name's own slot, plus such chance matches).
            eprintln!("{}: {slots} slots, {texts} texts", id(0));
            assert!(slots <= N * 5 / 4, "{}: {slots} slots looked at", id(0));
            assert!(texts <= N + N / 1000, "{}: {texts} texts compared", id(0));
        }
    }

    #[test]
    fn names_are_numbered_in_file_order_whichever_part_is_looked_up_first() {
        // Two parts of two files read at once: the later file's thread looks its names up in
        // the shared names first, as a faster thread does.
        let shared = SharedNames::default();
        let mut earlier = PartNames::default();
        let mut later = PartNames::default();
        let l = ["王五", "李四", "王五"].map(|n| later.intern(n));
        later.resolve(&shared);
        let e = ["张三", "李四"].map(|n| earlier.intern(n));
        earlier.resolve(&shared);
        // Merged in file order: 张三 0 and 李四 1 (the earlier file), then 王五 2.
        let mut numbering = Numbering::default();
        let in_earlier = numbering.number(&mut earlier, &shared);
        let in_later = numbering.number(&mut later, &shared);
        let index = |syms: &[Sym], part: &[Sym]| -> Vec<usize> {
            part.iter().map(|s| syms[s.index()].index()).collect()
        };
        assert_eq!(index(&in_earlier, &e), [0, 1]);
        assert_eq!(index(&in_later, &l), [2, 1, 2]);
        let mut names = shared.into_interner(numbering);
        assert_eq!(names.names().collect::<Vec<_>>(), ["张三", "李四", "王五"]);
        assert_eq!(names.get("王五").map(Sym::index), Some(2));
        // The dataset's interner goes on from there.
        assert_eq!(names.intern("李四").index(), 1);
        assert_eq!(names.intern("赵六").index(), 3);
        let held = names.fresh("张三");
        assert_eq!((held.index(), names.name(held)), (4, "张三"));
        assert_eq!(names.get("张三").map(Sym::index), Some(0));
        assert_eq!(
            format!("{names:?}"),
            r#"["张三", "李四", "王五", "赵六", "张三"]"#
        );
    }

    #[test]
    fn a_parts_names_spread_over_every_shard_keep_their_own_place_through_two_resolves() {
        // 300 customers over the 64 shards, noted twice each (a repeat later in the part),
        // the part resolved once in the middle and once at its end, as a part handed over in
        // pieces is: every call must come back as its own text, numbered in first-seen order.
        let shared = SharedNames::default();
        let mut part = PartNames::default();
        let texts: Vec<String> = (0..300).map(|i| format!("客户{i}")).collect();
        let mut calls = Vec::new();
        for t in &texts[..150] {
            calls.push((part.intern(t), t.clone()));
        }
        part.resolve(&shared);
        // The second half, each followed by a repeat of a first-half name (noted again).
        for (i, t) in texts[150..].iter().enumerate() {
            calls.push((part.intern(t), t.clone()));
            calls.push((part.intern(&texts[i]), texts[i].clone()));
        }
        let mut numbering = Numbering::default();
        let syms = numbering.number(&mut part, &shared);
        assert_eq!(syms.len(), 450);
        let names = shared.into_interner(numbering);
        for (sym, text) in &calls {
            assert_eq!(names.name(syms[sym.index()]), text, "call {}", sym.index());
        }
        // First seen: 客户0 … 客户299 in that order, so 客户i is Sym i.
        assert_eq!(names.names().collect::<Vec<_>>(), texts);
    }

    #[test]
    fn interner_keeps_every_name_through_its_table_growing() {
        let mut names = Interner::default();
        // Enough names to make the table grow many times; "" and one-character names too.
        let texts: Vec<String> = (0..50_000).map(|i| format!("客户{i}")).collect();
        let syms: Vec<Sym> = texts.iter().map(|t| names.intern(t)).collect();
        let empty = names.intern("");
        let one = names.intern("林");
        for (t, &sym) in texts.iter().zip(&syms) {
            assert_eq!(names.name(sym), t);
            assert_eq!(names.get(t), Some(sym));
            assert_eq!(names.intern(t), sym);
        }
        assert_eq!(names.name(empty), "");
        assert_eq!(names.name(one), "林");
        assert_eq!(syms[0].index(), 0);
        assert_eq!(one.index(), 50_001);
        assert_eq!(names.iter_count(), 50_002);
        assert_eq!(names.names().nth(50_001), Some("林"));
    }

    /// The fixture folder read with `workers` files at once.
    fn load_clinic(workers: usize) -> Dataset {
        let loaded = crate::config::LoadedConfig::builtin();
        let period = Period::month(2026, 10).unwrap();
        load_fixture_clinic(&loaded, &period, workers)
    }

    /// `dir` read for October 2026 with `workers` threads, CSV files cut into chunks of at
    /// least `chunk_bytes`, parts handed over every `part_rows` rows.
    fn load_dir(dir: &Path, workers: usize, chunk_bytes: u64, part_rows: usize) -> Dataset {
        let config = crate::config::LoadedConfig::builtin();
        let period = Period::month(2026, 10).unwrap();
        load(&LoadOptions {
            data_dir: dir,
            data_dir_given: true,
            config: &config,
            period: Some(&period),
            encoding: None,
            outputs: vec![],
            progress: false,
            lang: crate::Lang::En,
            workers,
            chunk_bytes,
            part_rows,
        })
        .unwrap_or_else(|e| panic!("{} cannot be read: {e:#}", dir.display()))
    }

    /// Everything in a dataset but the columns per kind (a HashMap, whose order varies), and
    /// those sorted.
    fn comparable(mut ds: Dataset) -> String {
        let fields: std::collections::BTreeMap<_, _> =
            std::mem::take(&mut ds.fields).into_iter().collect();
        format!("{ds:?} {fields:?}")
    }

    /// Asserts two `comparable` datasets are the same, showing where they first differ.
    fn assert_same(got: &str, want: &str, what: &str) {
        if got == want {
            return;
        }
        let at = got
            .char_indices()
            .zip(want.chars())
            .find(|((_, a), b)| a != b)
            .map_or(got.len().min(want.len()), |((i, _), _)| i);
        let around = |s: &str| {
            let from = s.floor_char_boundary(at.saturating_sub(300));
            let to = s.ceil_char_boundary((at + 300).min(s.len()));
            s[from..to].to_string()
        };
        panic!(
            "{what}: the datasets differ at byte {at}:\n got: …{}…\nwant: …{}…",
            around(got),
            around(want)
        );
    }

    /// The chunks `plan_jobs` cuts each file of `dir` into with `threads` threads.
    fn chunks_per_file(dir: &Path, threads: usize, chunk_bytes: u64) -> Vec<(String, usize)> {
        let config = crate::config::LoadedConfig::builtin();
        let opts = LoadOptions {
            data_dir: dir,
            data_dir_given: true,
            config: &config,
            period: None,
            encoding: None,
            outputs: vec![],
            progress: false,
            lang: crate::Lang::En,
            workers: threads,
            chunk_bytes,
            part_rows: 0,
        };
        let planned = plan_inputs(&opts, &mut Dataset::default()).unwrap();
        let jobs = plan_jobs(&planned, &opts, threads);
        planned
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p.display.clone(),
                    jobs.iter().filter(|j| j.file() == i).count(),
                )
            })
            .collect()
    }

    #[test]
    fn a_csv_file_typed_in_chunks_gives_the_dataset_of_reading_it_whole() {
        // Two sales exports of a few hundred rows each and a visits export, with what makes
        // cutting a file hard: item names holding a line break (quoted), `""` escapes, blank
        // lines, rows rejected for their amount, a totals row, CRLF line ends; the second
        // export repeats 20 rows of the first (counted once, with an issue in its row order).
        let dir = tempfile::tempdir().unwrap();
        let header = "收银单号,结账日期,手机号,项目名称,消费类型,实收金额(元),现场咨询,主诊医生,配台护士,门店\r\n";
        let sale = |i: u32| -> String {
            let item = match i % 7 {
                0 => "\"玻尿酸\n填充\"".to_string(),
                1 => "\"水光针 \"\"特惠\"\"\"".to_string(),
                _ => "热玛吉".to_string(),
            };
            let amount = if i % 13 == 5 {
                "abc".to_string()
            } else {
                format!("{}", 100 + i)
            };
            // 周婷 first appears in the visits export (read first), then in a later chunk.
            let consultant = if i >= 300 { "周婷" } else { "林晓雯" };
            format!(
                "SY{i:05},2026-10-{:02},138{:08},{item},新单,{amount},{consultant},陈建国,刘芳,一店\r\n",
                i % 28 + 1,
                i % 97
            )
        };
        let mut first = format!("\u{feff}{header}");
        for i in 0..400 {
            first.push_str(&sale(i));
            if i % 11 == 3 {
                first.push_str("\r\n");
            }
        }
        first.push_str(",,,,,\"123,456\",,,,\r\n合计,,,,,99999,,,,\r\n");
        let mut second = format!("\u{feff}{header}");
        for i in 380..700 {
            second.push_str(&sale(i));
        }
        let mut visits =
            String::from("\u{feff}到院日期,手机号,现场咨询师,初复诊,来源渠道,是否成交,门店\n");
        for i in 0..300 {
            let note = if i % 9 == 0 {
                "\"美团\n团购\""
            } else {
                "抖音"
            };
            // A name first seen in a later chunk of this file, and again in the sales.
            let consultant = if i >= 250 { "周婷" } else { "林晓雯" };
            visits.push_str(&format!(
                "2026-10-{:02},138{:08},{consultant},{},{note},{},一店\n",
                i % 28 + 1,
                i % 50,
                if i % 2 == 0 { "初诊" } else { "复诊" },
                if i % 3 == 0 { "是" } else { "否" }
            ));
        }
        std::fs::write(dir.path().join("消费流水_10月.csv"), &first).unwrap();
        std::fs::write(dir.path().join("消费流水_补充.csv"), &second).unwrap();
        std::fs::write(dir.path().join("到院咨询登记.csv"), &visits).unwrap();
        let whole = load_dir(dir.path(), 1, 0, 0);
        // What reading it whole gives (so the comparison is of something): the second export
        // repeats sales 380..400 of the first, but 382 and 395 (i % 13 == 5) are rejected for
        // their amount in both, so 20 - 2 = 18 rows are repeats. The first export has 400
        // sales rows, 37 blank lines (i % 11 == 3 for i < 400: 3, 14, …, 399) and the two
        // rows at its end below its header: 439 rows.
        let repeats = whole
            .issues
            .iter()
            .filter(|i| {
                i.message(crate::Lang::En)
                    .contains("repeats a row of another file")
            })
            .count();
        assert_eq!(repeats, 18);
        assert_eq!(whole.inputs[1].file, "消费流水_10月.csv");
        assert_eq!(whole.inputs[1].rows, 400 + 37 + 2);
        // Names are numbered in the order first seen reading the files one after another:
        // the visits export (read first) names 50 customers (138{i % 50}), 林晓雯, two
        // channels (美团 团购, 抖音) and 一店 in its rows 0..250 — 54 names — so 周婷, first
        // seen in its row 250, is the 55th (index 54), however the files are cut and read.
        let zhou = |ds: &Dataset| ds.names.get("周婷").map(Sym::index);
        assert_eq!(zhou(&whole), Some(54));
        let counted = |ds: &Dataset| {
            ds.inputs
                .iter()
                .all(|i| i.rows == i.used + i.out_of_period + i.rejected + i.skipped)
        };
        assert!(counted(&whole));
        let reference = comparable(whole);
        for (threads, chunk_bytes, part_rows) in [
            (2, 2_000, 0),
            (3, 5_000, 0),
            (6, 1_000, 7),
            (4, 6_000, 50),
            (1, 0, 13),
        ] {
            let cut = chunks_per_file(dir.path(), threads, chunk_bytes);
            assert!(
                threads == 1 || cut.iter().all(|(_, n)| *n > 1),
                "{threads} threads, {chunk_bytes} bytes: every file is cut: {cut:?}"
            );
            let ds = load_dir(dir.path(), threads, chunk_bytes, part_rows);
            let what = format!("{threads} threads, {chunk_bytes} bytes, parts of {part_rows}");
            assert_eq!(zhou(&ds), Some(54), "{what}");
            assert!(
                counted(&ds),
                "{what}: rows = used + out of period + rejected + skipped"
            );
            assert_same(
                &comparable(ds),
                &reference,
                &format!(
                    "{threads} threads, chunks of {chunk_bytes} bytes, parts of {part_rows} rows"
                ),
            );
        }
    }

    /// Threads this thread has started through the input layer so far.
    fn spawned() -> usize {
        SPAWNED.with(std::cell::Cell::get)
    }

    #[test]
    fn reading_files_at_once_gives_the_same_dataset_as_one_after_another() {
        let before = spawned();
        let one = load_clinic(1);
        // `--jobs 1`: every file read, typed and hashed on this thread.
        assert_eq!(spawned(), before, "threads started with one worker");
        // The supplementary export repeats rows 14-17 of the October sales (LEDGER.md):
        // whichever file is read first, they are skipped in the later file, in its row order
        // among its other issues.
        let repeats: Vec<(String, Option<u32>)> = one
            .issues
            .iter()
            .filter(|i| {
                i.message(crate::Lang::En)
                    .contains("repeats a row of another file")
            })
            .map(|i| (i.file.clone().unwrap_or_default(), i.row))
            .collect();
        let supplement = "消费流水_补充导出.csv".to_string();
        assert_eq!(
            repeats,
            [14, 15, 16, 17].map(|r| (supplement.clone(), Some(r)))
        );
        let reference = comparable(one);
        for workers in [2, 3, 6, 0] {
            assert_eq!(
                comparable(load_clinic(workers)),
                reference,
                "{workers} at once"
            );
        }
        // The visits export (43 lines) cut into chunks of 256 bytes: the same dataset.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clinic");
        let cut = chunks_per_file(&dir, 3, 256);
        assert!(
            cut.contains(&("到院咨询登记.csv".to_string(), 3)),
            "{cut:?}"
        );
        assert_eq!(comparable(load_dir(&dir, 3, 256, 0)), reference);
        // Parts handed over to be merged every few rows, in workbooks (the HR workbook has
        // three sheets) and CSV files alike, with threads and without: the same dataset.
        for (workers, part_rows) in [(1, 1), (1, 3), (2, 2), (3, 5)] {
            assert_same(
                &comparable(load_dir(&dir, workers, 256, part_rows)),
                &reference,
                &format!("{workers} threads, parts of {part_rows} rows"),
            );
        }
        // The count can fail: two workers do start threads (files, hashing).
        let before = spawned();
        load_clinic(2);
        assert!(spawned() > before);
    }

    #[test]
    fn only_a_file_with_a_large_share_of_the_work_is_parsed_on_a_thread_of_its_own() {
        // The 250k-row benchmark year on two threads: four quarterly exports of 7,484,360 to
        // 7,498,879 bytes in 33,531,256. Half a thread's share is 33,531,256 / 4 = 8,382,814:
        // none of them, nor the 6,763,076-byte visits.
        let total = 33_531_256;
        for size in [7_484_360, 7_498_879, 6_763_076, 19_390] {
            assert!(!threads::pipeline_file(size, total, 2), "{size}");
        }
        // At that share exactly (8,382,814 × 4 = 33,531,256) and above, it is.
        assert!(threads::pipeline_file(8_382_814, total, 2));
        assert!(!threads::pipeline_file(8_382_813, total, 2));
        // A lone file always is; with one thread (`--jobs 1`) nothing is.
        assert!(threads::pipeline_file(total, total, 2));
        assert!(!threads::pipeline_file(total, total, 1));
        // Four threads: half a share is an eighth, 4,191,407 bytes.
        assert!(threads::pipeline_file(4_191_407, total, 4));
        assert!(!threads::pipeline_file(4_191_406, total, 4));
    }

    #[test]
    fn pipelined_hands_over_every_row_in_order() {
        // More rows than a few batches, ending in a partial one.
        let n = PIPE_BATCH as u32 * 3 + 17;
        let here = std::thread::current().id();
        for threaded in [true, false] {
            let mut seen = Vec::new();
            let before = spawned();
            let out = pipelined(
                threaded,
                |emit| {
                    for r in 1..=n {
                        emit(SourceRow::Row {
                            row: r,
                            cells: vec![(0, RawCell::Text(format!("v{r}").into()))],
                            fields: None,
                        });
                    }
                    std::thread::current().id()
                },
                &mut |row| {
                    if let SourceRow::Row { row, cells, .. } = row {
                        assert_eq!(cells[0].1, RawCell::Text(format!("v{row}").into()));
                        seen.push(*row);
                    }
                },
            )
            .unwrap();
            assert_eq!(seen, (1..=n).collect::<Vec<_>>());
            // Threaded, the rows are produced on a thread of their own; else on this one.
            assert_eq!(out == here, !threaded, "threaded: {threaded}");
            assert_eq!(spawned() - before, usize::from(threaded));
        }
    }

    #[test]
    fn name_memo_gives_up_on_columns_of_ids() {
        let mut memo = NameMemo::default();
        let sym = Interner::default().intern("一店");
        let store = RawCell::Text("一店".into());
        memo.put(Field::Store, &store, Some(sym));
        assert_eq!(memo.get(Field::Store, &store), Some(Some(sym)));
        assert_eq!(memo.get(Field::Customer, &store), None);
        // Numbers are never remembered (their text depends on the cell).
        memo.put(Field::Customer, &RawCell::Number(1.0), Some(sym));
        assert_eq!(memo.get(Field::Customer, &RawCell::Number(1.0)), None);
        for i in 0..=MEMO_CAP {
            memo.put(
                Field::Customer,
                &RawCell::Text(format!("{i}").into()),
                Some(sym),
            );
        }
        assert_eq!(memo.get(Field::Customer, &RawCell::Text("0".into())), None);
        assert_eq!(memo.get(Field::Store, &store), Some(Some(sym)));
        // A column of ids keeps its last text only: the rows of one order repeat it.
        let last = RawCell::Text(format!("{MEMO_CAP}").into());
        assert_eq!(memo.get(Field::Customer, &last), Some(Some(sym)));
        let other = Sym::from_index(7);
        let next = RawCell::Text("13800001234".into());
        memo.put(Field::Customer, &next, Some(other));
        assert_eq!(memo.get(Field::Customer, &next), Some(Some(other)));
        assert_eq!(memo.get(Field::Customer, &last), None);
        memo.put(Field::Customer, &last, None);
        assert_eq!(memo.get(Field::Customer, &last), Some(None));
        assert_eq!(memo.get(Field::Customer, &next), None);
    }

    #[test]
    fn value_memo_gives_what_typing_gives() {
        let mut memo = TextMemo::<i64>::default();
        let calls = std::cell::Cell::new(0);
        let parse = |c: &RawCell| {
            calls.set(calls.get() + 1);
            values::parse_amount(c)
        };
        let t = |s: &str| RawCell::Text(s.into());
        // ¥3,200.00 = 320000 fen; 'abc' is no amount, and stays none the second time.
        for _ in 0..2 {
            assert_eq!(memo.typed(&t("¥3,200.00"), parse), Ok(320_000));
            assert_eq!(
                memo.typed(&t("abc"), parse),
                values::parse_amount(&t("abc"))
            );
            assert!(memo.typed(&t("abc"), parse).is_err());
        }
        assert_eq!(calls.get(), 2, "each text typed once");
        // Numbers are typed every time (nothing to look them up by).
        assert_eq!(memo.typed(&RawCell::Number(88.0), parse), Ok(8_800));
        assert_eq!(calls.get(), 3);
        // Past the cap, texts are still typed right, just not remembered.
        for i in 0..VALUE_MEMO_CAP + 10 {
            assert_eq!(memo.typed(&t(&i.to_string()), parse), Ok(i as i64 * 100));
        }
        assert_eq!(memo.map.len(), VALUE_MEMO_CAP);
    }

    #[test]
    fn period_labels_for_adjustments() {
        let t = |s: &str| parse_period_label(&RawCell::Text(s.into()), false);
        assert_eq!(t("2026-10").unwrap(), "2026-10");
        assert_eq!(t("2026年10月").unwrap(), "2026-10");
        assert_eq!(t("2026-10-15").unwrap(), "2026-10");
        assert_eq!(t("2026Q3").unwrap(), "2026Q3");
        assert_eq!(t("2026-q3").unwrap(), "2026Q3");
        assert_eq!(t("2026").unwrap(), "2026");
        assert!(t("2026Q5").is_err());
        assert!(t("下个月").is_err());
    }
}
