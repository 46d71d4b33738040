//! The speed and memory benchmark (issue 5; SPEC §7): a year of a chain's exports, read by the
//! floor (`read_floor`: the same readers touching every cell, files one after another) and
//! scored by `clinic-kpi score` (the release binary, as a child process), interleaved run by
//! run so a busy machine slows both alike. Prints medians, the ratio tool/floor, rows per
//! second and each child's peak resident memory, for the xlsx, CSV (UTF-8) and GBK sets, and
//! the scaling table at 1/4, 1/2 and the full size.
//!
//!     cargo run --release --example bench
//!     cargo run --release --example bench -- --sales 1000000 --visits 400000 --runs 5
//!
//! The data is generated once per size and seed under `bench-data/` (ignored by git). The
//! tool runs `score --data DIR --year Y --format none -q -o <temp dir>/scorecard.xlsx`: the
//! scorecard is written, as a real run does, into a temporary folder.

#[path = "support/args.rs"]
mod args;
#[path = "support/gen.rs"]
mod gen;

use gen::{Form, Spec};
use std::io::Read;
use std::path::Path;
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

struct Row {
    form: Form,
    sales: u64,
    visits: u64,
    rows: u64,
    floor_s: f64,
    tool_s: f64,
    floor_rss_mb: f64,
    tool_rss_mb: f64,
    people: usize,
    stores: usize,
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

fn bench_set(form: Form, spec: &Spec, data: &Path, bins: &Path, tmp: &Path, runs: u32) -> Res<Row> {
    let tool = bins.join("clinic-kpi");
    let floor = bins.join("examples").join("read_floor");
    let scorecard = tmp.join("scorecard.xlsx");
    let (people, stores) = validate(&tool, data, spec.year, &scorecard)?;
    let mut floor_t = Vec::new();
    let mut tool_t = Vec::new();
    let (mut floor_rss, mut tool_rss) = (0u64, 0u64);
    let mut rows = 0;
    for r in 0..runs {
        // Alternate which goes first, so neither always follows the other's page cache use.
        for which in [r % 2, 1 - r % 2] {
            if which == 0 {
                let run = measure(Command::new(&floor).arg(data))?;
                rows = run
                    .stdout
                    .split_whitespace()
                    .skip_while(|w| *w != "rows")
                    .nth(1)
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
                floor_t.push(run.wall.as_secs_f64());
                floor_rss = floor_rss.max(run.max_rss_kb);
            } else {
                let run = measure(
                    Command::new(&tool)
                        .arg("score")
                        .arg("--data")
                        .arg(data)
                        .args([
                            "--year",
                            &spec.year.to_string(),
                            "--format",
                            "none",
                            "-q",
                            "-o",
                        ])
                        .arg(&scorecard),
                )?;
                tool_t.push(run.wall.as_secs_f64());
                tool_rss = tool_rss.max(run.max_rss_kb);
            }
        }
        eprint!(".");
    }
    Ok(Row {
        form,
        sales: spec.sales,
        visits: spec.visits,
        rows,
        floor_s: median(floor_t),
        tool_s: median(tool_t),
        floor_rss_mb: floor_rss as f64 / 1024.0,
        tool_rss_mb: tool_rss as f64 / 1024.0,
        people,
        stores,
    })
}

fn print_table(rows: &[Row]) {
    println!(
        "| set | sales | visits | rows read | floor (median) | score (median) | score / floor | rows/s (score) | peak RSS floor | peak RSS score | people scored (stores) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {:.2} s | {:.2} s | {:.2} | {:.0}k | {:.0} MB | {:.0} MB | {} ({}) |",
            r.form.name(),
            r.sales,
            r.visits,
            r.rows,
            r.floor_s,
            r.tool_s,
            r.tool_s / r.floor_s,
            r.rows as f64 / r.tool_s / 1000.0,
            r.floor_rss_mb,
            r.tool_rss_mb,
            r.people,
            r.stores
        );
    }
}

fn run() -> Res<()> {
    let a = args::parse(&[Form::Xlsx, Form::Csv, Form::Gbk])?;
    let sizes: Vec<Spec> = if a.scaling {
        vec![scaled(&a.spec, 1, 4), scaled(&a.spec, 1, 2), a.spec.clone()]
    } else {
        vec![a.spec.clone()]
    };
    // Data first (generated once per size and seed), then the binaries.
    let mut sets = Vec::new();
    for spec in &sizes {
        let root = a.root(spec, false);
        for form in &a.forms {
            sets.push((
                *form,
                spec.clone(),
                gen::ensure_set(spec, *form, &root, false)?,
            ));
        }
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
        "clinic-kpi benchmark: {} runs each, floor and score interleaved; {} ({} cores)",
        a.runs,
        cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut results = Vec::new();
    for (form, spec, dir) in &sets {
        eprint!("{} {} sales ", form.name(), spec.sales);
        let row = bench_set(*form, spec, dir, &bins, &tmp, a.runs);
        eprintln!();
        results.push(row?);
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!();
    print_table(&results);
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
