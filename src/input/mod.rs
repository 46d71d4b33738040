//! The input layer (SPEC §2): finds the exports, reads every format, detects header rows, maps
//! columns, types every value and accounts for every row. Files → typed rows + data issues.

pub mod cell;
pub mod csv_source;
mod header;
mod identify;
mod inflate;
mod interner;
pub mod kinds;
mod merge;
mod rows;
pub mod source;
pub mod values;

use crate::config::LoadedConfig;
use crate::issues::{Issue, Severity};
use crate::period::Period;
use crate::words::input::{BookWhy, InputFail, InputMsg, Place, Wanted, Why};
use crate::words::Fail;
use anyhow::{anyhow, bail, Result};
use cell::RawCell;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use compact_str::CompactString;
use header::{ColumnMap, Header, Merges, ZoneRow, HEADER_SEARCH_ROWS};
use identify::{Aliases, Decision, KindRule};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
pub use interner::{FxBuild, FxHasher, Interner, Sym};
pub use kinds::{Field, Kind};
use merge::{Part, Typed};
pub use rows::*;
use sha2::{Digest, Sha256};
use source::{Book, Format, SourceRow};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
    let style = ProgressStyle::with_template(
        "{spinner} reading [{bar:30}] {bytes}/{total_bytes} {wide_msg}",
    )
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

/// How many files are read at once by default: one per core, at most this many (each file
/// read holds its own rows until it is merged, so memory grows with it).
const MAX_FILE_WORKERS: usize = 4;

/// Reads the planned files, up to `opts.workers` at once, each typed into a [`Part`] of its own,
/// and merges the parts into `ds` in file order: the dataset is the same as reading the files
/// one after another, and so is the error reported when several files cannot be read (the
/// first). Files are started in file order too, so parts mostly arrive in the order they are
/// merged and merging overlaps reading (biggest-first left the merges of every file read early
/// waiting for a file started late).
fn read_all(
    planned: &[Planned],
    aliases: &Aliases,
    listed_kinds: &[Kind],
    opts: &LoadOptions,
    bar: Option<&ProgressBar>,
    ds: &mut Dataset,
) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let workers = opts
        .threads()
        .min(MAX_FILE_WORKERS)
        .clamp(1, planned.len().max(1));
    if workers == 1 {
        // One after another on this thread: no thread is started; each part handed over is
        // merged at once.
        let mut merger = merge::Merger::default();
        for (i, p) in planned.iter().enumerate() {
            let file_no = i as u32 + 1;
            let mut part = Part::default();
            let ctx = file_ctx(p, aliases, listed_kinds, opts, bar);
            let mut merge_now = |done: Part| merger.merge(ds, done, file_no, opts.period);
            read_file(p, &ctx, &mut part, &mut merge_now)?;
            merge_now(part);
            if let Some(bar) = bar {
                bar.inc(std::fs::metadata(&p.path).map_or(0, |m| m.len()));
            }
        }
        return Ok(());
    }
    let jobs = plan_jobs(planned, opts, opts.threads());
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut merger = merge::Merger::default();
    std::thread::scope(|scope| {
        // (job, a part of it, whether it is the job's last)
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Part>, bool)>();
        let mut handles = Vec::with_capacity(workers);
        for w in 0..workers {
            let tx = tx.clone();
            let (next, stop, jobs) = (&next, &stop, &jobs);
            note_spawn();
            let handle = std::thread::Builder::new()
                .name(format!("file-{w}"))
                .stack_size(READER_STACK_BYTES)
                .spawn_scoped(scope, move || {
                    // Jobs are taken in order, so a file's first chunk is always taken (and
                    // read to its end) before the chunks that wait for its header.
                    while !stop.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let p = &planned[job.file()];
                        let ctx = file_ctx(p, aliases, listed_kinds, opts, bar);
                        if let Some(bar) = bar {
                            bar.set_message(p.display.clone());
                        }
                        let mut part = Part::default();
                        // Parts handed over while the job reads on are merged meanwhile.
                        let mut hand_over = |done: Part| {
                            let _ = tx.send((i, Ok(done), false));
                        };
                        let read = match job {
                            Job::Whole { .. } => read_file(p, &ctx, &mut part, &mut hand_over),
                            Job::Chunk { k, cut, .. } => {
                                read_chunk(p, &ctx, cut, *k, &mut part, &mut hand_over)
                            }
                        }
                        .map(|()| part);
                        if let Some(bar) = bar {
                            bar.inc(job.bytes(p));
                        }
                        if tx.send((i, read, true)).is_err() {
                            break;
                        }
                    }
                })
                .map_err(|e| Fail::because(InputFail::ThreadStart, e))?;
            handles.push(handle);
        }
        drop(tx);
        let read = (|| -> Result<()> {
            // Each job's parts in the order handed over, and whether its last has come.
            let mut queued: Vec<std::collections::VecDeque<Result<Part>>> =
                (0..jobs.len()).map(|_| Default::default()).collect();
            let mut ended = vec![false; jobs.len()];
            let mut merged = 0;
            for (i, read, last) in rx {
                queued[i].push_back(read);
                ended[i] |= last;
                while merged < jobs.len() {
                    if let Some(read) = queued[merged].pop_front() {
                        let file_no = jobs[merged].file() as u32 + 1;
                        merger.merge(ds, read?, file_no, opts.period);
                    } else if ended[merged] {
                        merged += 1;
                    } else {
                        break;
                    }
                }
            }
            // Every file was handed over unless a reading thread died (its panic is raised
            // below); never go on with a file silently missing.
            if merged < jobs.len() {
                bail!(Fail::new(InputFail::ThreadStopped));
            }
            Ok(())
        })();
        // On an error the threads start no other file; each is joined, so it has ended
        // entirely (thread-locals too) when the inputs are returned.
        if read.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        for handle in handles {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        read
    })
}

/// Where a reader hands over the part it has typed so far, to be merged while it reads on.
type Emit<'e> = &'e mut dyn FnMut(Part);

/// Rows typed into a part before it is handed over to be merged: merging a million-row sheet
/// overlaps its reading instead of following it, and fewer rows are held at once. Not fewer:
/// every part's names are interned again when it is merged (a part of 65,536 sales rows
/// brings about 90,000 names), the largest serial cost of reading.
const HAND_OVER_ROWS: usize = 1 << 18;

/// A CSV file holds at least this many bytes per chunk when it is cut: below twice this, it
/// is read whole.
const MIN_CHUNK_BYTES: u64 = 4 << 20;

/// A piece of the reading, typed into a part of its own on any reading thread: a whole file,
/// or one chunk of a CSV file cut at record boundaries so one file is typed on every core
/// (SPEC §7). The parts are merged in the order of the jobs.
enum Job {
    Whole {
        file: usize,
    },
    Chunk {
        file: usize,
        k: usize,
        cut: std::sync::Arc<CsvCut>,
    },
}

impl Job {
    fn file(&self) -> usize {
        match self {
            Job::Whole { file } | Job::Chunk { file, .. } => *file,
        }
    }

    /// The bytes of the file the job reads (for the progress bar).
    fn bytes(&self, p: &Planned) -> u64 {
        match self {
            Job::Whole { .. } => std::fs::metadata(&p.path).map_or(0, |m| m.len()),
            Job::Chunk { k, cut, .. } => {
                let c = &cut.plan.chunks[*k];
                c.end - c.start
            }
        }
    }
}

/// A CSV file cut into chunks, and what its first chunk found out: how the rows of the other
/// chunks are read (their header, kind and columns), or None when the file is not read as data
/// (a kind listed elsewhere, no header, an error), so the others read nothing.
struct CsvCut {
    plan: csv_source::ChunkPlan,
    head: std::sync::OnceLock<Option<Continuation>>,
}

/// The reader's state once a CSV file's header is decided: what the later chunks of the file
/// start from.
#[derive(Clone)]
struct Continuation {
    kind: Kind,
    map: ColumnMap,
    width: Option<u32>,
    header_row: u32,
    /// The input's report with nothing counted yet.
    report: InputReport,
}

/// Sets a cut file's head when dropped without it (an error, a panic): the chunks waiting for
/// it then read nothing, and the error of the first chunk is the file's.
struct PublishHead<'a>(&'a std::sync::OnceLock<Option<Continuation>>);

impl PublishHead<'_> {
    fn set(&self, head: Option<Continuation>) {
        let _ = self.0.set(head);
    }
}

impl Drop for PublishHead<'_> {
    fn drop(&mut self) {
        let _ = self.0.set(None);
    }
}

/// The options CSV files are read with.
fn csv_options(opts: &LoadOptions) -> csv_source::CsvOptions {
    csv_source::CsvOptions {
        forced_encoding: opts.encoding,
        max_field_bytes: 1 << 20,
    }
}

/// The jobs reading `planned` makes, in file order: a CSV file of at least twice
/// `MIN_CHUNK_BYTES` that can be cut exactly (UTF-8; see `plan_chunks`) becomes up to
/// `threads` chunks, every other file one job.
fn plan_jobs(planned: &[Planned], opts: &LoadOptions, threads: usize) -> Vec<Job> {
    let csv_opts = csv_options(opts);
    let chunk_bytes = match opts.chunk_bytes {
        0 => MIN_CHUNK_BYTES,
        n => n,
    };
    let mut jobs = Vec::with_capacity(planned.len());
    for (file, p) in planned.iter().enumerate() {
        let big = std::fs::metadata(&p.path).is_ok_and(|m| m.len() >= 2 * chunk_bytes);
        let plan = if big && matches!(source::sniff_format(&p.path), Ok(Format::Csv)) {
            // A file that cannot be planned is read whole, which reports what is wrong.
            csv_source::plan_chunks(
                &p.path,
                &csv_opts,
                threads,
                chunk_bytes,
                HEADER_SEARCH_ROWS + 2,
            )
            .ok()
            .flatten()
        } else {
            None
        };
        match plan {
            Some(plan) => {
                let cut = std::sync::Arc::new(CsvCut {
                    plan,
                    head: std::sync::OnceLock::new(),
                });
                for k in 0..cut.plan.chunks.len() {
                    jobs.push(Job::Chunk {
                        file,
                        k,
                        cut: std::sync::Arc::clone(&cut),
                    });
                }
            }
            None => jobs.push(Job::Whole { file }),
        }
    }
    jobs
}

/// How a CSV file's kind is told (its listing, its name, else its header), or None when it is
/// not read because the config lists that kind's files elsewhere (noted in `part`).
fn csv_rule(p: &Planned, ctx: &FileCtx, part: &mut Part) -> Option<KindRule> {
    let named = kinds::kinds_named_by(&file_stem(ctx.display));
    let rule = match (p.kind, named.as_slice()) {
        (Some(k), _) => KindRule::Fixed(k),
        (None, [k]) => KindRule::Fixed(*k),
        (None, _) => KindRule::by_header(named.clone(), None),
    };
    if let KindRule::Fixed(k) = rule {
        if ctx.kind_listed_elsewhere(k) {
            not_read(
                &mut part.ds,
                ctx.display,
                None,
                Severity::Info,
                InputMsg::ListedElsewhere { kind: k },
            );
            return None;
        }
    }
    Some(rule)
}

/// Reads chunk `k` of a CSV file cut into chunks, on this thread, into `part`: the first
/// chunk as a whole file starts (finding the header, telling the kind), the others from where
/// it left them, each its rows only. Merged in order, the parts are the file read whole.
fn read_chunk(
    p: &Planned,
    ctx: &FileCtx,
    cut: &CsvCut,
    k: usize,
    part: &mut Part,
    emit: Emit,
) -> Result<()> {
    let chunk = &cut.plan.chunks[k];
    let csv_opts = csv_options(ctx.opts);
    let cannot = |e| cannot_read(ctx.display, e);
    if k == 0 {
        let publish = PublishHead(&cut.head);
        let Some(rule) = csv_rule(p, ctx, part) else {
            return Ok(());
        };
        let input_no = part.ds.inputs.len() as u32;
        let mut sheet = SheetReader::new(rule, ctx, None, Format::Csv, false, input_no);
        let mut published = false;
        source::for_each_chunk_row(&p.path, &csv_opts, &cut.plan, chunk, &mut |row| {
            sheet.on_row(row, part);
            if !published && !matches!(sheet.state, State::Searching) {
                publish.set(sheet.continuation());
                published = true;
            }
            sheet.hand_over_if_full(part, emit);
        })
        .map_err(cannot)?;
        if matches!(sheet.state, State::Searching) {
            sheet.decide(part);
        }
        publish.set(sheet.continuation());
        sheet.report.format = "csv";
        sheet.report.encoding = Some(cut.plan.info.encoding.to_string());
        return sheet.finish(part);
    }
    let Some(head) = cut.head.wait() else {
        return Ok(());
    };
    let mut sheet = SheetReader::continuing(ctx, head, chunk.row_before());
    part.continues = true;
    source::for_each_chunk_row(&p.path, &csv_opts, &cut.plan, chunk, &mut |row| {
        sheet.on_row(row, part);
        sheet.hand_over_if_full(part, emit);
    })
    .map_err(cannot)?;
    sheet.finish(part)?;
    Ok(())
}

fn file_ctx<'a>(
    p: &'a Planned,
    aliases: &'a Aliases,
    listed_kinds: &'a [Kind],
    opts: &'a LoadOptions<'a>,
    bar: Option<&'a ProgressBar>,
) -> FileCtx<'a> {
    FileCtx {
        display: &p.display,
        path: &p.path,
        aliases,
        listed_kinds,
        listed: p.listed(),
        opts,
        bar,
    }
}

struct FileCtx<'a> {
    display: &'a str,
    path: &'a Path,
    aliases: &'a Aliases,
    /// The kinds the config lists files for: found in `--data`, files of these kinds are not
    /// read (the listed ones are).
    listed_kinds: &'a [Kind],
    /// Whether this file is listed under `[inputs]`.
    listed: bool,
    opts: &'a LoadOptions<'a>,
    bar: Option<&'a ProgressBar>,
}

impl FileCtx<'_> {
    /// Whether a file or sheet of `kind` found in `--data` (not listed) is left unread
    /// because the config lists that kind's files.
    fn kind_listed_elsewhere(&self, kind: Kind) -> bool {
        !self.listed && self.listed_kinds.contains(&kind)
    }
}

/// Notes a file or sheet that is not read: an issue naming it and why, and its `not_read` entry.
fn not_read(
    ds: &mut Dataset,
    file: &str,
    sheet: Option<&str>,
    severity: Severity,
    reason: InputMsg,
) {
    ds.issues
        .push(Issue::new(severity, reason.clone()).at(file, sheet));
    ds.not_read.push(NotRead {
        file: file.to_string(),
        sheet: sheet.map(str::to_string),
        severity,
        reason,
    });
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h)?;
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The files to read: those `[inputs]` lists, then every data file in `--data` that is not one
/// of them (SPEC §2.1: listing files for some kinds does not switch off finding the others).
fn plan_inputs(opts: &LoadOptions, ds: &mut Dataset) -> Result<Vec<Planned>> {
    let cfg = &opts.config.config;
    let mut out = Vec::new();
    // The listed files by identity, so discovery does not read one a second time.
    let mut listed: Vec<PathBuf> = Vec::new();
    if !cfg.inputs.is_empty() {
        let base: PathBuf = if opts.data_dir_given {
            opts.data_dir.to_path_buf()
        } else {
            opts.config
                .base_dir()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("."))
        };
        for (key, files) in &cfg.inputs {
            let kind = Kind::from_key(key).ok_or_else(|| {
                anyhow!(Fail::new(InputFail::ConfigInputsKind {
                    config: opts.config.name(),
                    key: key.clone(),
                }))
            })?;
            for entry in files {
                let (file, sheet) = match entry.rsplit_once('#') {
                    Some((f, s)) if !s.is_empty() => (f, Some(s.to_string())),
                    _ => (entry.as_str(), None),
                };
                let path = base.join(file);
                if !path.is_file() {
                    bail!(Fail::new(InputFail::ConfigInputsMissing {
                        config: opts.config.name(),
                        key: key.clone(),
                        path: path.display().to_string(),
                    }));
                }
                listed.push(std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone()));
                out.push(Planned {
                    display: file.to_string(),
                    path,
                    kind: Some(kind),
                    sheet,
                });
            }
        }
    }
    let dir = opts.data_dir;
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        // With files listed, a data folder that is not there only means nothing to find.
        Err(_) if !out.is_empty() && !opts.data_dir_given => return Ok(out),
        Err(e) => return Err(data_folder(dir, e)),
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for e in entries {
        let e = e.map_err(|e| data_folder(dir, e))?;
        let path = e.path();
        if !path.is_file() {
            continue;
        }
        let Some(ext) = path.extension().and_then(|x| x.to_str()) else {
            continue;
        };
        if !DATA_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
            continue;
        }
        files.push(path);
    }
    files.sort();
    for path in files {
        let canon = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if listed.contains(&canon) {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        // Our own scorecard is told by its document properties, never by its name: an export
        // named Scorecard消费流水.csv is data (SPEC §2.1).
        let skip_reason = if name.starts_with("~$") {
            Some(InputMsg::LockFile)
        } else if name.starts_with('.') {
            Some(InputMsg::HiddenFile)
        } else if source::is_clinic_kpi_workbook(&path) {
            Some(InputMsg::OwnScorecard)
        } else if is_output(&path, &opts.outputs) {
            // Not our scorecard: writing there would overwrite an export.
            bail!(Fail::new(InputFail::InputIsOutput { name }));
        } else {
            None
        };
        if let Some(why) = skip_reason {
            not_read(ds, &name, None, Severity::Info, why);
            continue;
        }
        out.push(Planned {
            display: name,
            path,
            kind: None,
            sheet: None,
        });
    }
    Ok(out)
}

/// Whether `path` is one of this run's outputs: the same file (device and inode), however
/// either path is spelt.
fn is_output(path: &Path, outputs: &[PathBuf]) -> bool {
    use crate::file_id::FileId;
    let Some(id) = FileId::of(path) else {
        return false;
    };
    outputs.iter().any(|o| FileId::of(o).as_ref() == Some(&id))
}

/// Each kind's aliases, normalised: (alias, field, priority; lower wins). Config additions
/// come first, with priority 0: where a header holds both a config alias and a built-in alias
/// of one field, the config's column is taken.
fn build_aliases(cfg: &LoadedConfig) -> Result<Aliases> {
    for (kind_key, fields) in &cfg.config.columns {
        let kind = Kind::from_key(kind_key).ok_or_else(|| {
            anyhow!(Fail::new(InputFail::ConfigColumnsKind {
                config: cfg.name(),
                kind: kind_key.clone(),
            }))
        })?;
        for field in fields.keys() {
            if !kind.columns().iter().any(|c| c.field.key() == field) {
                let known = kind.columns().iter().map(|c| c.field.key().to_string());
                bail!(Fail::new(InputFail::ConfigColumnsField {
                    config: cfg.name(),
                    kind: kind_key.clone(),
                    field: field.clone(),
                    known: known.collect(),
                }));
            }
        }
    }
    let mut map = HashMap::new();
    for kind in kinds::ALL_KINDS {
        let extra = cfg.config.extra_aliases(kind.key());
        let mut list = Vec::new();
        for def in kind.columns() {
            if let Some(more) = extra.get(def.field.key()) {
                for a in more {
                    list.push((values::normalize_header(a), def.field, 0));
                }
            }
            for (i, a) in def.aliases.iter().enumerate() {
                list.push((values::normalize_header(a), def.field, i + 1));
            }
        }
        map.insert(kind, list);
    }
    Ok(map)
}

/// The file name without its extension.
fn file_stem(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| file.to_string())
}

/// Reads one planned file: every sheet (or the one named) of a workbook, or a delimited text file.
fn read_file(p: &Planned, ctx: &FileCtx, part: &mut Part, emit: Emit) -> Result<()> {
    let format = source::sniff_format(&p.path).map_err(|e| cannot_read(ctx.display, e))?;
    let named = kinds::kinds_named_by(&file_stem(ctx.display));
    match format {
        Format::Empty if p.kind.is_none() && named.is_empty() => {
            // An empty file no name claims: what `score --format csv > kpi.csv` creates in the
            // data folder before the tool runs.
            not_read(
                &mut part.ds,
                ctx.display,
                None,
                Severity::Warning,
                InputMsg::EmptyUnnamed,
            );
            Ok(())
        }
        Format::Empty => bail!(Fail::new(InputFail::EmptyFile {
            file: ctx.display.to_string(),
        })),
        Format::Html => bail!(Fail::new(InputFail::HtmlFile {
            file: ctx.display.to_string(),
        })),
        Format::Csv => {
            let Some(rule) = csv_rule(p, ctx, part) else {
                return Ok(());
            };
            let input_no = part.ds.inputs.len() as u32;
            let mut sheet = SheetReader::new(rule, ctx, None, Format::Csv, false, input_no);
            let csv_opts = csv_options(ctx.opts);
            let path = &p.path;
            let encoding = pipelined(
                ctx.opts.threads() > 1,
                |rows| source::for_each_csv_row(path, &csv_opts, rows),
                &mut |row| {
                    sheet.on_row(row, part);
                    sheet.hand_over_if_full(part, emit);
                },
            )
            .and_then(|read| read)
            .map_err(|e| cannot_read(ctx.display, e))?;
            sheet.report.format = "csv";
            sheet.report.encoding = Some(encoding);
            sheet.finish(part)?;
            Ok(())
        }
        _ => read_workbook(p, format, &named, ctx, part, emit),
    }
}

/// The stack of the reading thread: the main thread's usual 8 MiB.
const READER_STACK_BYTES: usize = 8 << 20;

/// Rows handed from the reading thread to the typing thread at a time.
const PIPE_BATCH: usize = 1024;

/// Runs `produce` (a file reader that calls its argument with each row, in order) on a second
/// thread and hands its rows, in batches and in their order, to `consume` on this one: the
/// parsing of a file (XML, zip, decoding) and the typing of its rows overlap on two cores,
/// while everything that depends on row order (interning, repeats, issues) stays on this
/// thread exactly as before.
///
/// Used batches go back to the reading thread to be dropped there: memory is freed by the
/// thread that allocated it (glibc's malloc spends a quarter of the run consolidating
/// otherwise), and their vectors are reused.
///
/// The reading thread gets the main thread's stack size, so a file that parses on the main
/// thread parses there too. Fails only when the system cannot start a thread.
///
/// Without `threaded` (`--jobs 1`), `produce` runs on this thread and hands each row straight
/// to `consume`: the same rows in the same order, and no thread started.
fn pipelined<T: Send>(
    threaded: bool,
    produce: impl FnOnce(&mut dyn FnMut(SourceRow)) -> T + Send,
    consume: &mut dyn FnMut(&SourceRow),
) -> std::io::Result<T> {
    if !threaded {
        return Ok(produce(&mut |row| consume(&row)));
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<SourceRow>>(8);
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<SourceRow>>();
    std::thread::scope(|scope| {
        note_spawn();
        let producer = std::thread::Builder::new()
            .name("reader".into())
            .stack_size(READER_STACK_BYTES)
            .spawn_scoped(scope, move || {
                let mut batch = Vec::with_capacity(PIPE_BATCH);
                let out = produce(&mut |row| {
                    batch.push(row);
                    if batch.len() == PIPE_BATCH {
                        let mut next = back_rx.try_recv().unwrap_or_default();
                        next.clear();
                        let full = std::mem::replace(&mut batch, next);
                        // The receiver only goes away once every row was taken.
                        let _ = tx.send(full);
                    }
                });
                if !batch.is_empty() {
                    let _ = tx.send(batch);
                }
                out
            })?;
        for batch in rx {
            for row in &batch {
                consume(row);
            }
            // Dropped by the reading thread (at its next batch, or here once it has ended).
            if let Err(std::sync::mpsc::SendError(batch)) = back_tx.send(batch) {
                drop(batch);
            }
        }
        match producer.join() {
            Ok(out) => Ok(out),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// "cannot read 消费.xlsx": the context of a system error reading a file.
fn cannot_read(display: &str, e: std::io::Error) -> anyhow::Error {
    let file = display.to_string();
    Fail::because(InputFail::CannotRead { file }, e).into()
}

/// "cannot read the data folder 数据: …".
fn data_folder(dir: &Path, e: std::io::Error) -> anyhow::Error {
    let dir = dir.display().to_string();
    Fail::because(InputFail::DataFolder { dir }, e).into()
}

/// Runs `f`, turning a panic inside a third-party parser into an error naming the file.
fn guarded<T>(place: &Place, f: impl FnOnce() -> Result<T, BookWhy>) -> Result<T> {
    let fail = |why| {
        Fail::new(InputFail::Book {
            place: place.clone(),
            why,
        })
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => bail!(fail(e)),
        Err(p) => {
            let what = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown fault".to_string());
            bail!(fail(BookWhy::ReaderFailed { what }))
        }
    }
}

/// How each sheet of a workbook is identified (SPEC §2.1): a sheet named for one kind is that
/// kind; a workbook of one sheet takes the kind its file name (or `[inputs]`) gives; any other
/// sheet is identified by its header, the file's kind first.
fn sheet_rule(
    p: &Planned,
    file_kind: Option<Kind>,
    file_named: &[Kind],
    sheet: &str,
    single_sheet: bool,
) -> KindRule {
    if let (Some(k), Some(_)) = (p.kind, &p.sheet) {
        return KindRule::Fixed(k);
    }
    let by_sheet = kinds::kinds_named_by(sheet);
    match (by_sheet.as_slice(), file_kind) {
        ([k], _) => KindRule::Fixed(*k),
        ([_, _, ..], prefer) => KindRule::by_header(by_sheet, prefer),
        ([], Some(k)) if single_sheet => KindRule::Fixed(k),
        ([], Some(k)) => KindRule::by_header(Vec::new(), Some(k)),
        ([], None) => KindRule::by_header(file_named.to_vec(), None),
    }
}

fn read_workbook(
    p: &Planned,
    format: Format,
    named: &[Kind],
    ctx: &FileCtx,
    part: &mut Part,
    emit: Emit,
) -> Result<()> {
    let ahead = ctx.opts.threads() > 1;
    let whole = Place {
        file: ctx.display.to_string(),
        sheet: None,
    };
    let mut book = guarded(&whole, || Book::open(&p.path, format, ahead))?;
    let names = book.sheet_names();
    let date1904 = book.date1904();
    let sheets: Vec<String> = match &p.sheet {
        Some(s) => {
            if !names.iter().any(|n| n == s) {
                bail!(Fail::new(InputFail::NoSuchSheet {
                    file: ctx.display.to_string(),
                    sheet: s.clone(),
                    sheets: names.clone(),
                }));
            }
            vec![s.clone()]
        }
        None => names.clone(),
    };
    // The kind the file is for: the one it is listed under, or the one its name names.
    let file_kind = match (p.kind, named) {
        (Some(k), _) => Some(k),
        (None, [k]) => Some(*k),
        _ => None,
    };
    let single_sheet = sheets.len() == 1;
    let inputs_before = part.ds.inputs.len();
    // Why the first sheet that could have been of the file's kind was not: the error when no
    // sheet of the workbook is read at all.
    let mut first_failure: Option<InputFail> = None;
    for sheet_name in sheets {
        let rule = sheet_rule(p, file_kind, named, &sheet_name, single_sheet);
        if let KindRule::Fixed(k) = rule {
            if ctx.kind_listed_elsewhere(k) {
                not_read(
                    &mut part.ds,
                    ctx.display,
                    Some(&sheet_name),
                    Severity::Info,
                    InputMsg::ListedElsewhere { kind: k },
                );
                continue;
            }
        }
        // A sheet named in the workbook whose data is not in the file: that sheet is an error
        // issue, the workbook's other sheets are still read.
        if guarded(&whole, || Ok(book.sheet_is_missing(&sheet_name)))? {
            part.ds.issues.push(
                Issue::new(Severity::Error, InputMsg::SheetDataMissing)
                    .at(ctx.display, Some(&sheet_name)),
            );
            continue;
        }
        let input_no = part.ds.inputs.len() as u32;
        let mut sheet = SheetReader::new(
            rule,
            ctx,
            Some(sheet_name.clone()),
            format,
            date1904,
            input_no,
        );
        sheet.report.format = format.name();
        let book = &mut book;
        let display = Place {
            file: ctx.display.to_string(),
            sheet: Some(sheet_name.clone()),
        };
        pipelined(
            ctx.opts.threads() > 1,
            |emit| guarded(&display, || book.for_each_row(&sheet_name, emit)),
            &mut |row| {
                sheet.on_row(row, part);
                sheet.hand_over_if_full(part, emit);
            },
        )
        .map_err(|e| {
            let place = display.clone();
            Fail::because(InputFail::SheetCannotBeRead { place }, e)
        })??;
        if let Some(why) = sheet.failure.take() {
            first_failure.get_or_insert(why);
        }
        sheet.finish(part)?;
    }
    if part.ds.inputs.len() == inputs_before {
        if let Some(why) = first_failure {
            // A workbook its name (or the config) says holds a kind, of which no sheet could be
            // read as that kind: that is the file's error, not a sheet to skip.
            bail!(Fail::new(why));
        }
    }
    Ok(())
}

/// Distinct texts remembered per column before the column counts as one of ids (customers,
/// orders), whose texts rarely repeat, and is no longer remembered.
const MEMO_CAP: usize = 2048;

/// The names already read in each column of a sheet, by their text as written: staff, store,
/// item and type columns repeat a few hundred texts a million times, and a repeat skips the
/// normalising and the look-up in the (large) interner. A text always gives the same name, so
/// the result is the same as without the memo.
#[derive(Default)]
struct NameMemo {
    /// Per column: its texts' names, or None once it proved to be a column of ids.
    columns: Vec<(Field, Option<ColumnMemo>)>,
}

type ColumnMemo = HashMap<Box<str>, Option<Sym>, FxBuild>;

impl NameMemo {
    fn get(&self, f: Field, raw: &RawCell) -> Option<Option<Sym>> {
        let RawCell::Text(t) = raw else { return None };
        let (_, memo) = self.columns.iter().find(|(g, _)| *g == f)?;
        memo.as_ref()?.get(t.as_str()).copied()
    }

    fn put(&mut self, f: Field, raw: &RawCell, sym: Option<Sym>) {
        let RawCell::Text(t) = raw else { return };
        let at = match self.columns.iter().position(|(g, _)| *g == f) {
            Some(at) => at,
            None => {
                self.columns.push((f, Some(HashMap::default())));
                self.columns.len() - 1
            }
        };
        let slot = &mut self.columns[at].1;
        if let Some(memo) = slot {
            if memo.len() >= MEMO_CAP {
                *slot = None;
            } else {
                memo.insert(Box::from(t.as_str()), sym);
            }
        }
    }
}

/// Distinct texts remembered per kind of value before no more are added.
const VALUE_MEMO_CAP: usize = 8192;

/// What a text typed to, by the text: a year's million rows write a few hundred dates and a
/// few thousand amounts, each typed once instead of on every row. Typing is a function of the
/// text alone (and of the sheet's date system, fixed per sheet), so the result is the same.
struct TextMemo<T> {
    map: HashMap<CompactString, Result<T, Why>, FxBuild>,
}

impl<T> Default for TextMemo<T> {
    fn default() -> Self {
        TextMemo {
            map: HashMap::default(),
        }
    }
}

impl<T: Clone> TextMemo<T> {
    /// `parse(cell)`, from memory for a text typed before.
    fn typed(
        &mut self,
        cell: &RawCell,
        parse: impl Fn(&RawCell) -> Result<T, Why>,
    ) -> Result<T, Why> {
        let RawCell::Text(t) = cell else {
            return parse(cell);
        };
        if let Some(known) = self.map.get(t.as_str()) {
            return known.clone();
        }
        let typed = parse(cell);
        if self.map.len() < VALUE_MEMO_CAP {
            self.map.insert(t.clone(), typed.clone());
        }
        typed
    }
}

/// The sheet's memories of typed values.
#[derive(Default)]
struct ValueMemos {
    dates: TextMemo<NaiveDateTime>,
    amounts: TextMemo<i64>,
    yes_no: TextMemo<bool>,
    visit_types: TextMemo<bool>,
}

/// Where a sheet stands: its first rows are being collected to find its header (and, where
/// its name does not say, its kind), or it is being read, or it is left unread.
enum State {
    Searching,
    Reading,
    Skipped(Severity, InputMsg),
    Fatal(InputFail),
}

/// Reads one sheet (or CSV file) as one input of one kind, row by row.
struct SheetReader<'a> {
    rule: KindRule,
    /// The kind, once decided (until then the rule's first).
    kind: Kind,
    ctx: &'a FileCtx<'a>,
    sheet: Option<String>,
    format: Format,
    date1904: bool,
    input_no: u32,
    state: State,
    /// The first rows, kept until the header is found among them.
    zone: Vec<SourceRow>,
    /// Shared so each row can borrow it while the reader's counts change.
    header: Option<std::rc::Rc<ColumnMap>>,
    header_row: u32,
    /// A text file's header field count: a row with more fields was shifted (SPEC §2.2).
    width: Option<u32>,
    /// The last row seen at all, and the last row read as data (to count blank rows between).
    last_row: u32,
    data_last: u32,
    report: InputReport,
    /// `[surveys] scale`: a survey score lies between 0 and it.
    scale: f64,
    /// Why this sheet could not be read as the file's own kind, when it was skipped.
    failure: Option<InputFail>,
    memo: std::cell::RefCell<NameMemo>,
    /// Dates, amounts and flags already typed in this sheet, by their text.
    values: std::cell::RefCell<ValueMemos>,
    /// Rows read, for the progress bar.
    rows_seen: u64,
}

impl<'a> SheetReader<'a> {
    fn new(
        rule: KindRule,
        ctx: &'a FileCtx<'a>,
        sheet: Option<String>,
        format: Format,
        date1904: bool,
        input_no: u32,
    ) -> Self {
        let kind = rule.kinds()[0];
        SheetReader {
            rule,
            kind,
            ctx,
            report: InputReport {
                kind,
                file: ctx.display.to_string(),
                sheet: sheet.clone(),
                // Filled in once every file is read (see `load`).
                sha256: String::new(),
                rows: 0,
                used: 0,
                out_of_period: 0,
                rejected: 0,
                skipped: 0,
                amount_used: None,
                columns_not_used: Vec::new(),
                format: "",
                encoding: None,
                header_row: None,
                header_top: None,
                columns: Vec::new(),
                amount_used_fen: 0,
                path: ctx.path.to_path_buf(),
            },
            sheet,
            format,
            date1904,
            input_no,
            state: State::Searching,
            zone: Vec::new(),
            header: None,
            header_row: 0,
            width: None,
            last_row: 0,
            data_last: 0,
            scale: ctx.opts.config.config.surveys.scale,
            failure: None,
            memo: std::cell::RefCell::new(NameMemo::default()),
            values: std::cell::RefCell::new(ValueMemos::default()),
            rows_seen: 0,
        }
    }

    /// A reader of a later chunk of a CSV file, from the state its first chunk reached once
    /// its header was decided; `row_before` is the row of the last record before the chunk.
    fn continuing(ctx: &'a FileCtx<'a>, head: &Continuation, row_before: u32) -> Self {
        let mut r = SheetReader::new(KindRule::Fixed(head.kind), ctx, None, Format::Csv, false, 0);
        r.kind = head.kind;
        r.report = head.report.clone();
        r.header = Some(std::rc::Rc::new(head.map.clone()));
        r.width = head.width;
        r.header_row = head.header_row;
        r.last_row = row_before;
        r.data_last = row_before;
        r.state = State::Reading;
        r
    }

    /// What a later chunk of the file starts from, once the header is decided and the rows
    /// are being read (None when the file is not read as data).
    fn continuation(&self) -> Option<Continuation> {
        let (State::Reading, Some(map)) = (&self.state, &self.header) else {
            return None;
        };
        let mut report = self.report.clone();
        report.rows = 0;
        report.used = 0;
        report.out_of_period = 0;
        report.rejected = 0;
        report.skipped = 0;
        report.amount_used = None;
        report.amount_used_fen = 0;
        Some(Continuation {
            kind: self.kind,
            map: ColumnMap::clone(map),
            width: self.width,
            header_row: self.header_row,
            report,
        })
    }

    /// Once `part` holds `HAND_OVER_ROWS` rows, hands it over to `emit` with this sheet's input
    /// as read so far, and goes on in a new part that continues that input (merged after it,
    /// the two are the sheet read at once: the counts add up, names and rows keep their order).
    fn hand_over_if_full(&mut self, part: &mut Part, emit: Emit) {
        let full = match self.ctx.opts.part_rows {
            0 => HAND_OVER_ROWS,
            n => n,
        };
        if part.rows < full || !matches!(self.state, State::Reading) {
            return;
        }
        let Some(map) = self.header.as_ref() else {
            return;
        };
        let mut done = std::mem::take(part);
        let fields = done.ds.fields.entry(self.kind).or_default();
        for (_, f, _) in &map.cols {
            fields.insert(*f);
        }
        done.ds.inputs.push(self.report.clone());
        emit(done);
        part.continues = true;
        self.input_no = 0;
        self.report.rows = 0;
        self.report.used = 0;
        self.report.out_of_period = 0;
        self.report.rejected = 0;
        self.report.skipped = 0;
        self.report.amount_used_fen = 0;
        // Its names were the handed-over part's.
        *self.memo.borrow_mut() = NameMemo::default();
    }

    fn issue(&self, severity: Severity, row: u32, message: InputMsg) -> Issue {
        Issue::new(severity, message)
            .at(self.ctx.display, self.sheet.as_deref())
            .row(row)
    }

    /// The file and sheet, for errors.
    fn where_(&self) -> Place {
        Place {
            file: self.ctx.display.to_string(),
            sheet: self.sheet.clone(),
        }
    }

    fn on_row(&mut self, row: &SourceRow, part: &mut Part) {
        let row_no = match row {
            SourceRow::Row { row, .. } | SourceRow::Bad { row, .. } => *row,
        };
        self.last_row = self.last_row.max(row_no);
        if let State::Searching = self.state {
            // The header search looks at the first rows and the one after them (the lower
            // row of a two-row header).
            if row_no <= HEADER_SEARCH_ROWS + 1 {
                self.zone.push(row.clone());
                return;
            }
            self.decide(part);
        }
        if let State::Reading = self.state {
            self.data_row(row, part);
        }
    }

    /// Finds the header (and the kind, where the name does not say) in the rows collected,
    /// then reads the rows below it.
    fn decide(&mut self, part: &mut Part) {
        let zone = std::mem::take(&mut self.zone);
        let rows: Vec<ZoneRow> = zone
            .iter()
            .filter_map(|r| match r {
                SourceRow::Row { row, cells, fields } => Some(ZoneRow {
                    row: *row,
                    cells,
                    fields: *fields,
                }),
                SourceRow::Bad { .. } => None,
            })
            .collect();
        let aliases = self.ctx.aliases;
        let mut merges = Merges::default();
        if matches!(self.format, Format::Xlsx | Format::Xls) {
            let kinds = self.rule.kinds();
            let a: Vec<&header::KindAliases> =
                kinds.iter().map(|k| aliases[k].as_slice()).collect();
            if header::merges_matter(&rows, &a) {
                let sheet = self.sheet.as_deref().unwrap_or_default();
                merges = Merges(source::merged_regions(self.ctx.path, self.format, sheet));
            }
        }
        let where_ = self.where_();
        let decision = identify::decide(&self.rule, &rows, aliases, &merges, &where_);
        match decision {
            Decision::Read(kind, _) if self.ctx.kind_listed_elsewhere(kind) => {
                self.state = State::Skipped(Severity::Info, InputMsg::ListedElsewhere { kind });
            }
            Decision::Read(kind, h) => self.accept(kind, h, part),
            Decision::Skip(reason) => {
                if let KindRule::ByHeader {
                    prefer: Some(k), ..
                } = self.rule
                {
                    // Had this sheet been read as the file's kind, this is what was wrong.
                    let fixed = KindRule::Fixed(k);
                    if let Decision::Fatal(why) =
                        identify::decide(&fixed, &rows, aliases, &merges, &where_)
                    {
                        self.failure = Some(why);
                    }
                }
                self.state = State::Skipped(Severity::Warning, reason);
            }
            Decision::Fatal(why) => self.state = State::Fatal(why),
        }
        drop(rows);
        if let State::Reading = self.state {
            for row in &zone {
                let after = match row {
                    SourceRow::Row { row, .. } | SourceRow::Bad { row, .. } => {
                        *row > self.header_row
                    }
                };
                if after {
                    self.data_row(row, part);
                }
            }
        }
    }

    /// Takes `h` as the sheet's header and `kind` as its kind.
    fn accept(&mut self, kind: Kind, h: Header, part: &mut Part) {
        self.kind = kind;
        self.report.kind = kind;
        self.report.header_row = Some(h.row);
        self.report.header_top = Some(h.top);
        self.report.columns = h
            .map
            .cols
            .iter()
            .map(|(_, f, name)| (name.clone(), f.key()))
            .collect();
        self.report.columns_not_used = h.unmapped();
        self.width = h.width;
        self.header_row = h.row;
        self.data_last = h.row;
        if kind == Kind::Surveys {
            if let Some((_, name)) = h.map.col(Field::Score) {
                if let Some(stated) = header::stated_scale(name) {
                    if (stated - self.scale).abs() > 1e-9 {
                        part.ds.issues.push(
                            self.issue(
                                Severity::Warning,
                                h.row,
                                InputMsg::ScaleMismatch {
                                    header: name.to_string(),
                                    stated,
                                    scale: self.scale,
                                },
                            )
                            .column(name),
                        );
                    }
                }
            }
        }
        self.header = Some(std::rc::Rc::new(h.map));
        self.state = State::Reading;
    }

    /// One row below the header.
    fn data_row(&mut self, row: &SourceRow, part: &mut Part) {
        let ds = &mut part.ds;
        let row_no = match row {
            SourceRow::Row { row, .. } | SourceRow::Bad { row, .. } => *row,
        };
        let prev = self.data_last;
        self.data_last = self.data_last.max(row_no);
        // Rows between the previous row and this one that had no cells are blank rows.
        if row_no > prev + 1 {
            let blanks = (row_no - prev - 1) as u64;
            self.report.rows += blanks;
            self.report.skipped += blanks;
        }
        self.report.rows += 1;
        if let Some(bar) = self.ctx.bar {
            // The rows of this reader (a part handed over takes its counts along).
            self.rows_seen += 1;
            if self.rows_seen.is_multiple_of(PROGRESS_EVERY_ROWS) {
                bar.set_message(format!("{} · {} rows", self.ctx.display, self.rows_seen));
            }
        }
        let (cells, fields) = match row {
            SourceRow::Bad { row, message } => {
                self.report.rejected += 1;
                ds.issues
                    .push(self.issue(Severity::Error, *row, message.clone()));
                return;
            }
            SourceRow::Row { cells, fields, .. } => (cells, *fields),
        };
        if cells.iter().all(|(_, c)| c.is_blank()) {
            self.report.skipped += 1;
            return;
        }
        let Some(map) = self.header.as_ref() else {
            return;
        };
        if let Some((_, first)) = cells.iter().find(|(_, c)| !c.is_blank()) {
            if is_totals_label(first) {
                self.report.skipped += 1;
                ds.issues.push(self.issue(
                    Severity::Info,
                    row_no,
                    crate::words::input::InputMsg::TotalsRow {
                        label: first.display(),
                    },
                ));
                return;
            }
        }
        if let Some(label) = header::footer(cells, map, self.kind) {
            self.report.skipped += 1;
            ds.issues
                .push(self.issue(Severity::Info, row_no, InputMsg::FooterRow { label }));
            return;
        }
        if let Some(problem) = self.ragged(cells, fields, map, row_no) {
            self.report.rejected += 1;
            ds.issues.push(problem);
            return;
        }
        let map = std::rc::Rc::clone(map);
        let cx = RowCx {
            cells,
            map: &map,
            reader: self,
            row: row_no,
            date1904: self.date1904,
        };
        let mut problems = Vec::new();
        let at = RowRef {
            input: self.input_no,
            row: row_no,
        };
        let parsed = parse_record(self.kind, &cx, at, &mut ds.names, &mut problems);
        if !problems.is_empty() {
            self.report.rejected += 1;
            ds.issues.extend(problems);
            return;
        }
        let Some(rec) = parsed else {
            self.report.rejected += 1;
            return;
        };
        // Counted as used here; a row repeating a row of another file (overlapping exports)
        // is taken back out when the files are merged (merge.rs).
        let in_period = match self.ctx.opts.period {
            None => true,
            Some(p) => rec.in_period(p),
        };
        if in_period {
            self.report.used += 1;
            if let Record::Sale(s) = &rec {
                self.report.amount_used_fen += s.amount;
            }
        } else {
            self.report.out_of_period += 1;
        }
        part.note_row(self.kind);
        rec.store(&mut part.ds);
    }

    /// A text file's row whose fields do not line up with the header (SPEC §2.2): more fields
    /// than the header (a delimiter inside a value shifted every later field), or fewer, where
    /// a missing field is a column the tool uses.
    fn ragged(
        &self,
        cells: &[(u32, RawCell)],
        fields: Option<u32>,
        map: &ColumnMap,
        row: u32,
    ) -> Option<Issue> {
        let (Some(fields), Some(width)) = (fields, self.width) else {
            return None;
        };
        // Empty fields past the header's end are padding, not a shift.
        if cells.iter().any(|(c, v)| *c >= width && !v.is_blank()) {
            return Some(self.issue(Severity::Error, row, InputMsg::MoreFields { fields, width }));
        }
        if fields < width {
            let missing: Vec<&str> = map
                .cols
                .iter()
                .filter(|(c, _, _)| *c >= fields)
                .map(|(_, _, name)| name.as_str())
                .collect();
            if !missing.is_empty() {
                return Some(
                    self.issue(
                        Severity::Error,
                        row,
                        InputMsg::FewerFields {
                            fields,
                            width,
                            missing: missing.iter().map(|m| m.to_string()).collect(),
                        },
                    )
                    .column(missing[0]),
                );
            }
        }
        None
    }

    /// Ends the sheet: an input read, a sheet or file left unread (with its issue), or the
    /// error that stops the run.
    fn finish(mut self, part: &mut Part) -> Result<()> {
        if let State::Searching = self.state {
            if self.last_row == 0 && self.format.is_workbook() {
                // A sheet with no cells at all: nothing to read, nothing lost.
                not_read(
                    &mut part.ds,
                    self.ctx.display,
                    self.sheet.as_deref(),
                    Severity::Info,
                    InputMsg::SheetEmpty,
                );
                return Ok(());
            }
            self.decide(part);
        }
        match std::mem::replace(&mut self.state, State::Searching) {
            State::Reading => {}
            State::Skipped(severity, reason) => {
                not_read(
                    &mut part.ds,
                    self.ctx.display,
                    self.sheet.as_deref(),
                    severity,
                    reason,
                );
                return Ok(());
            }
            State::Fatal(why) => bail!(Fail::new(why)),
            State::Searching => return Ok(()),
        }
        let ds = &mut part.ds;
        if self.kind == Kind::Sales {
            self.report.amount_used = Some(self.report.amount_used_fen as f64 / 100.0);
        }
        if let Some(map) = self.header.take() {
            let fields = ds.fields.entry(self.kind).or_default();
            for (_, f, _) in &map.cols {
                fields.insert(*f);
            }
        }
        ds.inputs.push(self.report);
        Ok(())
    }
}

fn is_totals_label(cell: &RawCell) -> bool {
    let RawCell::Text(t) = cell else {
        return false;
    };
    // The first character fold_text would keep, lowercased, must start a label; most rows'
    // first cells fail here without the folding and lowercasing of the whole text.
    let first = t
        .chars()
        .filter(|c| !values::is_dropped(*c))
        .map(values::fold_char)
        .find(|c| !c.is_whitespace())
        .and_then(|c| c.to_lowercase().next());
    if !matches!(first, Some('合' | '总' | '小' | 't')) {
        return false;
    }
    let t: String = values::fold_text(t)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    ["合计", "总计", "小计", "total"]
        .iter()
        .any(|k| t.starts_with(k))
}

/// One data row with its column map, for typing cells and locating issues.
struct RowCx<'a> {
    cells: &'a [(u32, RawCell)],
    map: &'a ColumnMap,
    reader: &'a SheetReader<'a>,
    row: u32,
    date1904: bool,
}

impl RowCx<'_> {
    fn cell(&self, f: Field) -> Option<(&RawCell, &str)> {
        let (col, header) = self.map.col(f)?;
        let i = self.cells.binary_search_by_key(&col, |(c, _)| *c).ok()?;
        let cell = &self.cells[i].1;
        if cell.is_blank() {
            None
        } else {
            Some((cell, header))
        }
    }

    fn header(&self, f: Field) -> String {
        self.map
            .col(f)
            .map(|(_, h)| h.to_string())
            .unwrap_or_else(|| f.key().to_string())
    }

    fn problem(&self, f: Field, raw: &RawCell, msg: InputMsg) -> Issue {
        let shown = if f == Field::Customer {
            values::mask_customer(&raw.display())
        } else {
            raw.display()
        };
        self.reader
            .issue(Severity::Error, self.row, msg)
            .column(&self.header(f))
            .value(shown)
    }

    /// A required value: missing or unreadable → an issue, None.
    fn required<T>(
        &self,
        f: Field,
        what: Wanted,
        parse: impl Fn(&RawCell) -> Result<T, Why>,
        problems: &mut Vec<Issue>,
    ) -> Option<T> {
        match self.cell(f) {
            None => {
                problems.push(
                    self.reader
                        .issue(Severity::Error, self.row, InputMsg::Missing { what })
                        .column(&self.header(f))
                        .value(""),
                );
                None
            }
            Some((raw, _)) => self.parsed(f, raw, what, parse, problems),
        }
    }

    /// An optional value: absent → None; present but unreadable → an issue.
    fn optional<T>(
        &self,
        f: Field,
        what: Wanted,
        parse: impl Fn(&RawCell) -> Result<T, Why>,
        problems: &mut Vec<Issue>,
    ) -> Option<T> {
        let (raw, _) = self.cell(f)?;
        self.parsed(f, raw, what, parse, problems)
    }

    fn parsed<T>(
        &self,
        f: Field,
        raw: &RawCell,
        what: Wanted,
        parse: impl Fn(&RawCell) -> Result<T, Why>,
        problems: &mut Vec<Issue>,
    ) -> Option<T> {
        match parse(raw) {
            Ok(v) => Some(v),
            Err(why) => {
                let shown = if f == Field::Customer {
                    values::mask_customer(&raw.display())
                } else {
                    raw.display()
                };
                problems.push(self.problem(f, raw, InputMsg::Unreadable { shown, what, why }));
                None
            }
        }
    }

    fn name(&self, f: Field, names: &mut Interner) -> Option<Sym> {
        let (raw, _) = self.cell(f)?;
        if let Some(hit) = self.reader.memo.borrow().get(f, raw) {
            return hit;
        }
        let sym = match values::plain_name(raw) {
            Some(plain) => Some(names.intern(plain)),
            None => values::normalize_name(raw).map(|n| names.intern(&n)),
        };
        self.reader.memo.borrow_mut().put(f, raw, sym);
        sym
    }

    fn required_name(
        &self,
        f: Field,
        what: Wanted,
        names: &mut Interner,
        problems: &mut Vec<Issue>,
    ) -> Option<Sym> {
        if let Some((raw, _)) = self.cell(f) {
            if let Some(Some(sym)) = self.reader.memo.borrow().get(f, raw) {
                return Some(sym);
            }
            if let Some(plain) = values::plain_name(raw) {
                let sym = names.intern(plain);
                self.reader.memo.borrow_mut().put(f, raw, Some(sym));
                return Some(sym);
            }
        }
        let n = self.required(
            f,
            what,
            |c| values::normalize_name(c).ok_or(Why::Empty),
            problems,
        )?;
        let sym = names.intern(&n);
        if let Some((raw, _)) = self.cell(f) {
            self.reader.memo.borrow_mut().put(f, raw, Some(sym));
        }
        Some(sym)
    }

    fn date(&self, f: Field, required: bool, problems: &mut Vec<Issue>) -> Option<NaiveDateTime> {
        let d1904 = self.date1904;
        let parse = |c: &RawCell| {
            let mut memo = self.reader.values.borrow_mut();
            memo.dates.typed(c, |c| values::parse_datetime(c, d1904))
        };
        if required {
            self.required(f, Wanted::Date, parse, problems)
        } else {
            self.optional(f, Wanted::Date, parse, problems)
        }
    }

    /// An amount (`values::parse_amount`), typed once per text.
    fn amount(&self, c: &RawCell) -> Result<i64, Why> {
        let mut memo = self.reader.values.borrow_mut();
        memo.amounts.typed(c, values::parse_amount)
    }

    /// A yes/no flag (`values::parse_yes_no`), typed once per text.
    fn yes_no(&self, c: &RawCell) -> Result<bool, Why> {
        let mut memo = self.reader.values.borrow_mut();
        memo.yes_no.typed(c, values::parse_yes_no)
    }

    /// A visit type (初诊 true, 复诊 false), typed once per text.
    fn visit_type(&self, c: &RawCell) -> Result<bool, Why> {
        let mut memo = self.reader.values.borrow_mut();
        memo.visit_types.typed(c, parse_visit_type)
    }
}

enum Record {
    Sale(Sale),
    Visit(Visit),
    Complaint(Complaint),
    Roster(RosterEntry),
    Target(TargetRow),
    Survey(Survey),
    Rating(Rating),
    Adjustment(Adjustment),
}

fn parse_visit_type(c: &RawCell) -> Result<bool, Why> {
    let t = values::fold_text(&c.display()).to_lowercase();
    match t.as_str() {
        "初诊" | "首诊" | "新客" | "first" | "new" => Ok(true),
        "复诊" | "再诊" | "老客" | "return" | "revisit" => Ok(false),
        _ => Err(Why::VisitType),
    }
}

/// A period label for adjustments: `2026-10`, `2026年10月`, a date in the month, `2026Q3`, `2026`.
pub fn parse_period_label(c: &RawCell, date1904: bool) -> Result<String, Why> {
    let t = values::fold_text(&c.display()).to_uppercase();
    if let Some((y, q)) = t.split_once('Q') {
        let y = y.trim_end_matches('-').trim();
        if let (Ok(y), Ok(q)) = (y.parse::<i32>(), q.trim().parse::<u32>()) {
            if (1..=4).contains(&q) && (1900..=9999).contains(&y) {
                return Ok(format!("{y:04}Q{q}"));
            }
        }
        return Err(Why::QuarterForm);
    }
    let year_only = t.trim_end_matches('年');
    if year_only.len() == 4 && year_only.chars().all(|ch| ch.is_ascii_digit()) {
        return Ok(year_only.to_string());
    }
    let (y, m) = values::parse_month(c, date1904)?;
    Ok(format!("{y:04}-{m:02}"))
}

fn parse_score_0_100(c: &RawCell) -> Result<f64, Why> {
    let v = values::parse_number(c)?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(Why::RatingRange)
    }
}

fn parse_record(
    kind: Kind,
    cx: &RowCx,
    at: RowRef,
    names: &mut Interner,
    problems: &mut Vec<Issue>,
) -> Option<Record> {
    let d1904 = cx.date1904;
    match kind {
        Kind::Sales => {
            let date = cx.date(Field::Date, true, problems);
            let customer = cx.required_name(Field::Customer, Wanted::Customer, names, problems);
            let amount = cx.required(Field::Amount, Wanted::Amount, |c| cx.amount(c), problems);
            let rec = Sale {
                at,
                date: date?.date(),
                customer: customer?,
                amount: amount?,
                order_id: cx.name(Field::OrderId, names),
                consultant: cx.name(Field::Consultant, names),
                doctor: cx.name(Field::Doctor, names),
                nurse: cx.name(Field::Nurse, names),
                department: cx.name(Field::Department, names),
                store: cx.name(Field::Store, names),
                item: cx.name(Field::Item, names),
                sale_type: cx.name(Field::Type, names),
            };
            Some(Record::Sale(rec))
        }
        Kind::Visits => {
            let date = cx.date(Field::Date, true, problems);
            let customer = cx.required_name(Field::Customer, Wanted::Customer, names, problems);
            let consultant =
                cx.required_name(Field::Consultant, Wanted::Consultant, names, problems);
            let first_visit = cx.optional(
                Field::VisitType,
                Wanted::VisitType,
                |c| cx.visit_type(c),
                problems,
            );
            let deal = cx.optional(Field::Deal, Wanted::YesNoDeal, |c| cx.yes_no(c), problems);
            if !problems.is_empty() {
                return None;
            }
            Some(Record::Visit(Visit {
                at,
                date: date?.date(),
                customer: customer?,
                consultant: consultant?,
                first_visit,
                channel: cx.name(Field::Channel, names),
                deal,
                department: cx.name(Field::Department, names),
                store: cx.name(Field::Store, names),
            }))
        }
        Kind::Complaints => {
            let when = cx.date(Field::Date, true, problems);
            let staff = cx.required_name(Field::Staff, Wanted::StaffMember, names, problems);
            let valid = cx.optional(Field::Valid, Wanted::YesNo, |c| cx.yes_no(c), problems);
            let resolved_at = cx.date(Field::ResolvedAt, false, problems);
            if !problems.is_empty() {
                return None;
            }
            Some(Record::Complaint(Complaint {
                at,
                when: when?,
                staff: staff?,
                customer: cx.name(Field::Customer, names),
                category: cx.name(Field::Category, names),
                valid: valid.unwrap_or(true),
                resolved_at,
            }))
        }
        Kind::Roster => {
            let staff = cx.required_name(Field::Staff, Wanted::Name, names, problems);
            let role = cx.required(
                Field::Role,
                Wanted::Role,
                |c| values::normalize_name(c).ok_or(Why::Empty),
                problems,
            );
            let target = cx.optional(
                Field::Target,
                Wanted::Amount,
                values::parse_amount,
                problems,
            );
            let hired = cx.optional(
                Field::Hired,
                Wanted::Date,
                |c| values::parse_date(c, d1904),
                problems,
            );
            let left = cx.optional(
                Field::Left,
                Wanted::Date,
                |c| values::parse_date(c, d1904),
                problems,
            );
            if !problems.is_empty() {
                return None;
            }
            Some(Record::Roster(RosterEntry {
                at,
                staff: staff?,
                staff_id: cx.name(Field::StaffId, names),
                role: role?,
                department: cx.name(Field::Department, names),
                store: cx.name(Field::Store, names),
                target,
                hired,
                left,
            }))
        }
        Kind::Targets => {
            let staff = cx.required_name(Field::Staff, Wanted::Name, names, problems);
            let month = cx.required(
                Field::Month,
                Wanted::Month,
                |c| values::parse_month(c, d1904),
                problems,
            );
            let target = cx.required(
                Field::Target,
                Wanted::Amount,
                values::parse_amount,
                problems,
            );
            Some(Record::Target(TargetRow {
                at,
                staff: staff?,
                month: month?,
                target: target?,
            }))
        }
        Kind::Surveys => {
            let date = cx.date(Field::Date, true, problems);
            let staff = cx.required_name(Field::Staff, Wanted::StaffMember, names, problems);
            let scale = cx.reader.scale;
            let score = cx.required(
                Field::Score,
                Wanted::Score,
                |c| {
                    let v = values::parse_number(c)?;
                    if (0.0..=scale).contains(&v) {
                        Ok(v)
                    } else {
                        Err(Why::SurveyRange { scale })
                    }
                },
                problems,
            );
            Some(Record::Survey(Survey {
                at,
                date: date?.date(),
                staff: staff?,
                score: score?,
                customer: cx.name(Field::Customer, names),
            }))
        }
        Kind::Ratings => {
            let staff = cx.required_name(Field::Staff, Wanted::Name, names, problems);
            let month = cx.required(
                Field::Month,
                Wanted::Month,
                |c| values::parse_month(c, d1904),
                problems,
            );
            let item = cx.required_name(Field::Item, Wanted::RatingItem, names, problems);
            let score = cx.required(Field::Score, Wanted::Score, parse_score_0_100, problems);
            Some(Record::Rating(Rating {
                at,
                staff: staff?,
                month: month?,
                item: item?,
                score: score?,
            }))
        }
        Kind::Adjustments => {
            let staff = cx.required_name(Field::Staff, Wanted::Name, names, problems);
            let period = cx.required(
                Field::Month,
                Wanted::Period,
                |c| parse_period_label(c, d1904),
                problems,
            );
            let text = |c: &RawCell| values::normalize_name(c).ok_or(Why::Empty);
            let metric = cx.required(Field::Metric, Wanted::Metric, text, problems);
            let item = cx.optional(Field::Item, Wanted::Item, text, problems);
            let value = cx.optional(Field::Value, Wanted::Number, values::parse_number, problems);
            let score_delta = cx.optional(
                Field::ScoreDelta,
                Wanted::Number,
                values::parse_number,
                problems,
            );
            let reason = cx.required(Field::Reason, Wanted::Reason, text, problems);
            let approved_by = cx.required(Field::ApprovedBy, Wanted::Approver, text, problems);
            if problems.is_empty() && value.is_none() && score_delta.is_none() {
                problems.push(cx.reader.issue(
                    Severity::Error,
                    cx.row,
                    InputMsg::AdjustmentNeedsValue,
                ));
            }
            if !problems.is_empty() {
                return None;
            }
            Some(Record::Adjustment(Adjustment {
                at,
                staff: staff?,
                period: period?,
                metric: metric?,
                item,
                value,
                score_delta,
                reason: reason?,
                approved_by: approved_by?,
            }))
        }
    }
}

impl Record {
    fn in_period(&self, p: &Period) -> bool {
        match self {
            Record::Sale(r) => r.in_period(p),
            Record::Visit(r) => r.in_period(p),
            Record::Complaint(r) => r.in_period(p),
            Record::Roster(r) => r.in_period(p),
            Record::Target(r) => r.in_period(p),
            Record::Survey(r) => r.in_period(p),
            Record::Rating(r) => r.in_period(p),
            Record::Adjustment(r) => r.in_period(p),
        }
    }

    fn store(self, ds: &mut Dataset) {
        match self {
            Record::Sale(r) => ds.sales.push(r),
            Record::Visit(r) => ds.visits.push(r),
            Record::Complaint(r) => ds.complaints.push(r),
            Record::Roster(r) => ds.roster.push(r),
            Record::Target(r) => ds.targets.push(r),
            Record::Survey(r) => ds.surveys.push(r),
            Record::Rating(r) => ds.ratings.push(r),
            Record::Adjustment(r) => ds.adjustments.push(r),
        }
    }
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
            format!(
                "SY{i:05},2026-10-{:02},138{:08},{item},新单,{amount},林晓雯,陈建国,刘芳,一店\r\n",
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
            visits.push_str(&format!(
                "2026-10-{:02},138{:08},林晓雯,{},{note},{},一店\n",
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
            assert_same(
                &comparable(load_dir(dir.path(), threads, chunk_bytes, part_rows)),
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
