//! The speed and memory benchmark (issues 5 and 17; SPEC §7): a year of a chain's exports,
//! read by the floor (`read_floor`: the same readers touching every cell, files one after
//! another) and scored by `clinic-kpi score` (the release binary, as a child process), with
//! the default threads and with `--jobs 1`, interleaved run by run so a busy machine slows all
//! alike. For workbooks it also times the physical limit: only inflating the worksheet parts
//! (`read_floor --inflate`). Prints medians, the ratio tool/floor, time and memory per row and
//! each child's peak resident memory.
//!
//! The sets, by default: the CSV year at 1/4, 1/2 and the full size, with random ids and with
//! sequential ids (member numbers and order ids that count up), and the full year in xlsx as
//! one sheet (a million rows in one worksheet).
//!
//!     cargo run --release --example bench                   # --runs 5
//!     cargo run --release --example bench -- --runs 3 --ten-million
//!     cargo run --release --example bench -- --format all --ids random --no-one-sheet
//!
//! The data is generated once per size, seed and id form under `bench-data/` (or `--out`;
//! ignored by git). The tool runs `score --data DIR --year Y --format none -q -o
//! <temp dir>/scorecard.xlsx`: the scorecard is written, as a real run does, into a temporary
//! folder.

#[path = "support/args.rs"]
mod args;
#[path = "support/gen.rs"]
mod gen;

use gen::{Form, Spec};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// One finished child: wall time, peak resident memory and what it printed.
struct Run {
    wall: Duration,
    max_rss_kb: u64,
    stdout: String,
}

/// Runs `cmd` to its end and reaps it with wait4, which reports the child's own rusage (peak
/// resident set size in KiB on Linux).
fn measure(cmd: &mut Command) -> Res<Run> {
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).spawn()?;
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout)?;
    }
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data that wait4 fills in; pid is our own unreaped child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if got != pid {
        return Err(format!("wait4 failed: {}", std::io::Error::last_os_error()).into());
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{cmd:?} failed (wait status {status})").into());
    }
    Ok(Run {
        wall,
        max_rss_kb: usage.ru_maxrss as u64,
        stdout,
    })
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// The spec at `num/den` of the full size (visits, complaints and surveys scaled alike).
fn scaled(spec: &Spec, num: u64, den: u64) -> Spec {
    Spec {
        sales: spec.sales * num / den,
        visits: spec.visits * num / den,
        complaints: spec.complaints * num / den,
        surveys: spec.surveys * num / den,
        ..spec.clone()
    }
}

/// One data set to measure and what to measure on it.
struct Set {
    form: Form,
    spec: Spec,
    dir: PathBuf,
    /// Also `score --jobs 1`.
    one_job: bool,
    /// Also the physical limit (inflating the worksheets only).
    inflate: bool,
}

impl Set {
    fn label(&self) -> String {
        let shape = match (self.form, self.spec.sales_files) {
            (Form::Xlsx, 1) => "xlsx, one sheet".to_string(),
            (form, 4) => form.name().to_string(),
            (form, n) => format!("{} ({n} sales files)", form.name()),
        };
        let ids = if self.spec.sequential_ids {
            "sequential"
        } else {
            "random"
        };
        format!("{shape} | {ids}")
    }
}

/// The medians and peaks measured on one set.
struct Row {
    label: String,
    sales: u64,
    visits: u64,
    rows: u64,
    floor_s: f64,
    inflate_s: Option<f64>,
    tool_s: f64,
    one_job_s: Option<f64>,
    floor_rss_mb: f64,
    tool_rss_mb: f64,
    people: usize,
    stores: usize,
}

impl Row {
    fn us_per_row(&self) -> f64 {
        self.tool_s * 1e6 / self.rows.max(1) as f64
    }

    fn bytes_per_row(&self) -> f64 {
        self.tool_rss_mb * 1024.0 * 1024.0 / self.rows.max(1) as f64
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

/// One validation run with JSON output: how many people were scored, in how many stores.
fn validate(tool: &Path, data: &Path, year: i32, out: &Path) -> Res<(usize, usize)> {
    let run = measure(
        Command::new(tool)
            .arg("score")
            .arg("--data")
            .arg(data)
            .args(["--year", &year.to_string(), "--format", "json", "-q", "-o"])
            .arg(out),
    )?;
    let v: serde_json::Value = serde_json::from_str(&run.stdout)?;
    let people = v["people"].as_array().map(Vec::len).unwrap_or(0);
    let mut stores: Vec<&str> = v["people"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["store"].as_str())
        .collect();
    stores.sort_unstable();
    stores.dedup();
    Ok((people, stores.len()))
}

/// What is timed on a set, in the order of a round (rotated from run to run).
#[derive(Clone, Copy, PartialEq)]
enum What {
    Floor,
    Inflate,
    Tool,
    OneJob,
}

fn bench_set(set: &Set, bins: &Path, tmp: &Path, runs: u32) -> Res<Row> {
    let tool = bins.join("clinic-kpi");
    let floor = bins.join("examples").join("read_floor");
    let scorecard = tmp.join("scorecard.xlsx");
    let data = &set.dir;
    let (people, stores) = validate(&tool, data, set.spec.year, &scorecard)?;
    let mut round = vec![What::Floor, What::Tool];
    if set.inflate {
        round.push(What::Inflate);
    }
    if set.one_job {
        round.push(What::OneJob);
    }
    let mut times: Vec<(What, Vec<f64>)> = round.iter().map(|w| (*w, Vec::new())).collect();
    let (mut floor_rss, mut tool_rss) = (0u64, 0u64);
    let mut rows = 0;
    let year = set.spec.year.to_string();
    for r in 0..runs {
        // Rotate which goes first, so none always follows another's use of the page cache.
        for i in 0..round.len() {
            let what = round[(i + r as usize) % round.len()];
            let run = match what {
                What::Floor => {
                    let run = measure(Command::new(&floor).arg(data))?;
                    rows = run
                        .stdout
                        .split_whitespace()
                        .skip_while(|w| *w != "rows")
                        .nth(1)
                        .and_then(|n| n.parse::<u64>().ok())
                        .unwrap_or(0);
                    floor_rss = floor_rss.max(run.max_rss_kb);
                    run
                }
                What::Inflate => measure(Command::new(&floor).arg("--inflate").arg(data))?,
                What::Tool | What::OneJob => {
                    let mut cmd = Command::new(&tool);
                    cmd.arg("score")
                        .arg("--data")
                        .arg(data)
                        .args(["--year", &year, "--format", "none", "-q", "-o"])
                        .arg(&scorecard);
                    if what == What::OneJob {
                        cmd.args(["--jobs", "1"]);
                    }
                    let run = measure(&mut cmd)?;
                    if what == What::Tool {
                        tool_rss = tool_rss.max(run.max_rss_kb);
                    }
                    run
                }
            };
            if let Some((_, t)) = times.iter_mut().find(|(w, _)| *w == what) {
                t.push(run.wall.as_secs_f64());
            }
        }
        eprint!(".");
    }
    let med = |what: What| {
        times
            .iter()
            .find(|(w, _)| *w == what)
            .map(|(_, t)| median(t.clone()))
    };
    Ok(Row {
        label: set.label(),
        sales: set.spec.sales,
        visits: set.spec.visits,
        rows,
        floor_s: med(What::Floor).unwrap_or(f64::NAN),
        inflate_s: med(What::Inflate),
        tool_s: med(What::Tool).unwrap_or(f64::NAN),
        one_job_s: med(What::OneJob),
        floor_rss_mb: floor_rss as f64 / 1024.0,
        tool_rss_mb: tool_rss as f64 / 1024.0,
        people,
        stores,
    })
}

fn print_table(rows: &[Row]) {
    println!(
        "| set | ids | sales | visits | rows read | floor (median) | inflate only | score (median) | score / floor | score --jobs 1 | µs per row | peak RSS floor | peak RSS score | bytes per row | people scored (stores) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let secs = |s: Option<f64>| s.map_or("–".to_string(), |s| format!("{s:.2} s"));
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {:.2} s | {} | {:.2} s | {:.2} | {} | {:.2} | {:.0} MB | {:.0} MB | {:.0} | {} ({}) |",
            r.label,
            r.sales,
            r.visits,
            r.rows,
            r.floor_s,
            secs(r.inflate_s),
            r.tool_s,
            r.tool_s / r.floor_s,
            secs(r.one_job_s),
            r.us_per_row(),
            r.floor_rss_mb,
            r.tool_rss_mb,
            r.bytes_per_row(),
            r.people,
            r.stores
        );
    }
}

/// Time and memory per row of each set against the set of the same form and ids at the
/// benchmark's full size: linear when both stay within 15%. Time and peak memory also hold a
/// part that does not grow with the rows (starting up, scoring 280 people for 13 periods, the
/// scorecard; the program, buffers of a bounded size, the scorecard's fixed sheets), so the
/// table adds the time and the memory each extra row costs against the next smaller set of
/// the same form and ids: the slopes of time and memory over rows.
fn print_linearity(rows: &[Row], full: u64) {
    println!();
    println!(
        "| set | ids | sales | µs per row | vs full size | µs per extra row | bytes per row | vs full size | bytes per extra row |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let Some(reference) = rows.iter().find(|f| f.label == r.label && f.sales == full) else {
            continue;
        };
        let smaller = rows
            .iter()
            .filter(|f| f.label == r.label && f.sales < r.sales)
            .max_by_key(|f| f.sales);
        let extra = |f: &Row| r.rows.saturating_sub(f.rows).max(1) as f64;
        let slope = smaller.map_or("–".to_string(), |f| {
            let bytes = (r.tool_rss_mb - f.tool_rss_mb) * 1024.0 * 1024.0;
            format!("{:.0}", bytes / extra(f))
        });
        let time_slope = smaller.map_or("–".to_string(), |f| {
            format!("{:.2}", (r.tool_s - f.tool_s) * 1e6 / extra(f))
        });
        println!(
            "| {} | {} | {:.2} | {:+.0}% | {} | {:.0} | {:+.0}% | {} |",
            r.label,
            r.sales,
            r.us_per_row(),
            (r.us_per_row() / reference.us_per_row() - 1.0) * 100.0,
            time_slope,
            r.bytes_per_row(),
            (r.bytes_per_row() / reference.bytes_per_row() - 1.0) * 100.0,
            slope
        );
    }
}

fn run() -> Res<()> {
    let a = args::parse(&[Form::Csv], &[false, true])?;
    let mut sizes: Vec<(Spec, bool)> = Vec::new();
    if a.scaling {
        sizes.push((scaled(&a.spec, 1, 4), false));
        sizes.push((scaled(&a.spec, 1, 2), false));
    }
    // `--jobs 1` is timed at the full size.
    sizes.push((a.spec.clone(), true));
    if a.ten_times {
        let ten = Spec {
            sales_files: a.spec.sales_files.max(1) * 10,
            ..scaled(&a.spec, 10, 1)
        };
        sizes.push((ten, false));
    }
    // Data first (generated once per size, seed and id form), then the binaries.
    let mut sets = Vec::new();
    for (spec, one_job) in &sizes {
        for &sequential_ids in &a.ids {
            let spec = Spec {
                sequential_ids,
                ..spec.clone()
            };
            let root = a.root(&spec, false);
            for &form in &a.forms {
                // Ten times the size is measured in CSV only.
                if spec.sales > a.spec.sales && form != Form::Csv {
                    continue;
                }
                let dir = gen::ensure_set(&spec, form, &root, false)?;
                sets.push(Set {
                    form,
                    spec: spec.clone(),
                    dir,
                    one_job: *one_job,
                    inflate: form == Form::Xlsx,
                });
            }
        }
    }
    if a.one_sheet {
        let spec = Spec {
            sales_files: 1,
            sequential_ids: false,
            ..a.spec.clone()
        };
        let root = a.root(&spec, false);
        let dir = gen::ensure_set(&spec, Form::Xlsx, &root, false)?;
        sets.push(Set {
            form: Form::Xlsx,
            spec,
            dir,
            one_job: true,
            inflate: true,
        });
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--locked",
            "--bin",
            "clinic-kpi",
            "--example",
            "read_floor",
        ])
        .status()?;
    if !status.success() {
        return Err("cargo build --release failed".into());
    }
    let exe = std::env::current_exe()?;
    let bins = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot find target/release")?
        .to_path_buf();
    let tmp = std::env::temp_dir().join(format!("clinic-kpi-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;

    println!(
        "clinic-kpi benchmark: {} runs each, interleaved; {} ({} cores); load average {} at the start",
        a.runs,
        cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    let mut results = Vec::new();
    for set in &sets {
        eprint!("{} {} sales ", set.label(), set.spec.sales);
        let row = bench_set(set, &bins, &tmp, a.runs);
        eprintln!();
        results.push(row?);
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!("load average {} at the end", load_average());
    println!();
    print_table(&results);
    if a.scaling {
        print_linearity(&results, a.spec.sales);
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}
