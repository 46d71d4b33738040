//! A fresh temp folder per test and a helper that runs the real binary and, when an assertion
//! fails, shows the command, its output and its status.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every run of the binary must end within this.
pub const TIME_LIMIT: Duration = Duration::from_secs(30);

pub struct Workdir {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub cmd: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "command: {}\nexit: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.cmd, self.code, self.stdout, self.stderr
        )
    }
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{self}"))
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }

    /// Runs clinic-kpi with `args` in this folder. Every run must end within `TIME_LIMIT`
    /// (a debug build on a loaded 2-core CI machine); a run that does not is killed and the test
    /// fails. Output goes to files so a chatty run cannot block on a pipe.
    pub fn run(&self, args: &[&str]) -> Run {
        let out_dir = tempfile::tempdir().expect("temp dir");
        let out_path = out_dir.path().join("stdout");
        let err_path = out_dir.path().join("stderr");
        let mut child = Command::new(env!("CARGO_BIN_EXE_clinic-kpi"))
            .args(args)
            .current_dir(self.path())
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out_path).expect("stdout file"))
            .stderr(std::fs::File::create(&err_path).expect("stderr file"))
            .spawn()
            .expect("run clinic-kpi");
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if start.elapsed() > TIME_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "clinic-kpi {} ran longer than {TIME_LIMIT:?}; killed",
                    args.join(" ")
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
        Run {
            cmd: format!("clinic-kpi {}", args.join(" ")),
            code: status.code().unwrap_or(-1),
            stdout: read(&out_path),
            stderr: read(&err_path),
        }
    }
}

/// The JSON `inputs` entry of `file` (and `sheet`).
pub fn input<'a>(
    json: &'a serde_json::Value,
    file: &str,
    sheet: Option<&str>,
) -> &'a serde_json::Value {
    json["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["file"] == file && i["sheet"].as_str() == sheet)
        .unwrap_or_else(|| panic!("no input {file} {sheet:?} in {json:#}"))
}

/// An input's row accounting: rows, used, out of period, rejected, skipped.
pub fn counts(i: &serde_json::Value) -> [u64; 5] {
    ["rows", "used", "out_of_period", "rejected", "skipped"].map(|k| i[k].as_u64().expect(k))
}

/// The JSON `people` entry of `name`.
pub fn person<'a>(j: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    j["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["staff"] == name)
        .unwrap_or_else(|| panic!("{name} not scored in {j}"))
}

/// A person's KPI entry by metric key and rating item.
pub fn kpi<'a>(
    p: &'a serde_json::Value,
    metric: &str,
    item: Option<&str>,
) -> &'a serde_json::Value {
    p["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["metric"] == metric && k["item"].as_str() == item)
        .unwrap_or_else(|| panic!("no {metric} {item:?} in {p}"))
}

/// A JSON number within 1e-9 of `b`.
pub fn close(a: &serde_json::Value, b: f64) -> bool {
    (a.as_f64().unwrap_or(f64::NAN) - b).abs() < 1e-9
}

/// A config needs at least one role (SPEC §5.1): the smallest one, for configs that test
/// other sections.
pub const ONE_ROLE: &str = "[roles.consultant]\nlabel = \"咨询师\"\n\n[[roles.consultant.kpi]]\n\
                            metric = \"revenue\"\nweight = 100\ntarget = 10000\n";
