//! Reading the planned files on several threads: each file (or chunk of a large CSV file) is
//! typed into a part of its own, and the parts are merged in file order (SPEC §7).

use super::*;

/// How many files are read at once by default: one per core, at most this many (each file
/// read holds its own rows until it is merged, so memory grows with it).
pub(super) const MAX_FILE_WORKERS: usize = 4;

/// Reads the planned files, up to `opts.workers` at once, each typed into a [`Part`] of its own,
/// and merges the parts into `ds` in file order: the dataset is the same as reading the files
/// one after another, and so is the error reported when several files cannot be read (the
/// first). Files are started in file order too, so parts mostly arrive in the order they are
/// merged and merging overlaps reading (biggest-first left the merges of every file read early
/// waiting for a file started late).
pub(super) fn read_all(
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
    // Every thread interns into one set of names; the merge numbers them in file order.
    let names = SharedNames::default();
    let sizes: Vec<u64> = planned
        .iter()
        .map(|p| std::fs::metadata(&p.path).map_or(0, |m| m.len()))
        .collect();
    let total: u64 = sizes.iter().sum();
    let pipeline = |file: usize| pipeline_file(sizes[file], total, opts.threads());
    if workers == 1 {
        // One after another on this thread: no thread is started; each part handed over is
        // merged at once.
        let mut merger = merge::Merger::default();
        for (i, p) in planned.iter().enumerate() {
            let file_no = i as u32 + 1;
            let mut part = Part::default();
            let ctx = file_ctx(p, aliases, listed_kinds, opts, bar, pipeline(i));
            let mut merge_now = |done: Part| merger.merge(ds, done, &names, file_no, opts.period);
            read_file(p, &ctx, &mut part, &mut merge_now)?;
            merge_now(part);
            if let Some(bar) = bar {
                bar.inc(std::fs::metadata(&p.path).map_or(0, |m| m.len()));
            }
        }
        ds.names = names.into_interner(merger.numbering);
        return Ok(());
    }
    let jobs = plan_jobs(planned, opts, opts.threads());
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut merger = merge::Merger::default();
    let read = std::thread::scope(|scope| {
        // (job, a part of it, whether it is the job's last)
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Part>, bool)>();
        let mut handles = Vec::with_capacity(workers);
        for w in 0..workers {
            let tx = tx.clone();
            let (next, stop, jobs, names) = (&next, &stop, &jobs, &names);
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
                        let ctx =
                            file_ctx(p, aliases, listed_kinds, opts, bar, pipeline(job.file()));
                        if let Some(bar) = bar {
                            bar.set_message(p.display.clone());
                        }
                        let mut part = Part::default();
                        // Parts handed over while the job reads on are merged meanwhile.
                        // A part's names are looked up here, on this thread (see
                        // `PartNames`), not where the parts are merged one after another.
                        let mut hand_over = |mut done: Part| {
                            done.names.resolve(names);
                            let _ = tx.send((i, Ok(done), false));
                        };
                        let read = match job {
                            Job::Whole { .. } => read_file(p, &ctx, &mut part, &mut hand_over),
                            Job::Chunk { k, cut, .. } => {
                                read_chunk(p, &ctx, cut, *k, &mut part, &mut hand_over)
                            }
                        }
                        .map(|()| {
                            part.names.resolve(names);
                            part
                        });
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
                        merger.merge(ds, read?, &names, file_no, opts.period);
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
    });
    // Every reading thread has ended: the names are the dataset's now.
    ds.names = names.into_interner(merger.numbering);
    read
}

/// Where a reader hands over the part it has typed so far, to be merged while it reads on.
pub(super) type Emit<'e> = &'e mut dyn FnMut(Part);

/// Rows typed into a part before it is handed over to be merged: merging a million-row sheet
/// overlaps its reading instead of following it, and fewer rows are held at once. Not fewer:
/// a part's names are looked up in the shared names together, grouped by shard
/// (`PartNames::resolve`), which pays off for many names at once.
pub(super) const HAND_OVER_ROWS: usize = 1 << 18;

/// A CSV file holds at least this many bytes per chunk when it is cut: below twice this, it
/// is read whole.
pub(super) const MIN_CHUNK_BYTES: u64 = 4 << 20;

/// A piece of the reading, typed into a part of its own on any reading thread: a whole file,
/// or one chunk of a CSV file cut at record boundaries so one file is typed on every core
/// (SPEC §7). The parts are merged in the order of the jobs.
pub(super) enum Job {
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
    pub(super) fn file(&self) -> usize {
        match self {
            Job::Whole { file } | Job::Chunk { file, .. } => *file,
        }
    }

    /// The bytes of the file the job reads (for the progress bar).
    pub(super) fn bytes(&self, p: &Planned) -> u64 {
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
pub(super) struct CsvCut {
    pub(super) plan: csv_source::ChunkPlan,
    pub(super) head: std::sync::OnceLock<Option<Continuation>>,
}

/// The reader's state once a CSV file's header is decided: what the later chunks of the file
/// start from.
#[derive(Clone)]
pub(super) struct Continuation {
    pub(super) kind: Kind,
    pub(super) map: ColumnMap,
    pub(super) width: Option<u32>,
    pub(super) header_row: u32,
    /// The input's report with nothing counted yet.
    pub(super) report: InputReport,
}

/// Sets a cut file's head when dropped without it (an error, a panic): the chunks waiting for
/// it then read nothing, and the error of the first chunk is the file's.
pub(super) struct PublishHead<'a>(&'a std::sync::OnceLock<Option<Continuation>>);

impl PublishHead<'_> {
    pub(super) fn set(&self, head: Option<Continuation>) {
        let _ = self.0.set(head);
    }
}

impl Drop for PublishHead<'_> {
    fn drop(&mut self) {
        let _ = self.0.set(None);
    }
}

/// The options CSV files are read with.
pub(super) fn csv_options(opts: &LoadOptions) -> csv_source::CsvOptions {
    csv_source::CsvOptions {
        forced_encoding: opts.encoding,
        max_field_bytes: 1 << 20,
    }
}

/// The jobs reading `planned` makes, in file order: a CSV file of at least twice
/// `MIN_CHUNK_BYTES` that can be cut exactly (UTF-8; see `plan_chunks`) becomes up to
/// `threads` chunks, every other file one job.
pub(super) fn plan_jobs(planned: &[Planned], opts: &LoadOptions, threads: usize) -> Vec<Job> {
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

/// Whether a CSV file of `size` bytes, read whole, is parsed on a thread of its own while its
/// rows are typed on the file's (see [`pipelined`]), when `total` bytes are read on `threads`
/// threads. Only a file holding a large share of the work (half a thread's share or more) is:
/// it would leave the other cores idle once the smaller files are read. The smaller ones are
/// parsed where they are typed, since the other files keep the cores busy and handing their
/// rows between threads costs more than it gains (see README "Performance"). With one thread
/// nothing is handed over.
pub(super) fn pipeline_file(size: u64, total: u64, threads: usize) -> bool {
    threads > 1 && size.saturating_mul(2 * threads as u64) >= total
}

/// Reads chunk `k` of a CSV file cut into chunks, on this thread, into `part`: the first
/// chunk as a whole file starts (finding the header, telling the kind), the others from where
/// it left them, each its rows only. Merged in order, the parts are the file read whole.
pub(super) fn read_chunk(
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

/// The stack of the reading thread: the main thread's usual 8 MiB.
pub(super) const READER_STACK_BYTES: usize = 8 << 20;

/// Rows handed from the reading thread to the typing thread at a time.
pub(super) const PIPE_BATCH: usize = 1024;

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
pub(super) fn pipelined<T: Send>(
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
