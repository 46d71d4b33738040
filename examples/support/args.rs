//! The command-line options the benchmark examples share, parsed by hand (a few flags).

use super::gen::{Form, Spec};
use std::path::PathBuf;

/// Options: the data spec, the output root and the forms.
pub struct Args {
    pub spec: Spec,
    /// `--out`: where the data sets go. Default `bench-data/`, one folder per spec (see
    /// [`Args::root`]).
    pub out: Option<PathBuf>,
    pub forms: Vec<Form>,
    /// Benchmark only: timed runs per measurement.
    #[allow(dead_code)] // read by bench.rs, not by gen_exports.rs
    pub runs: u32,
    /// Benchmark only: also measure the 1/4 and 1/2 sizes for the scaling table.
    #[allow(dead_code)] // read by bench.rs, not by gen_exports.rs
    pub scaling: bool,
    /// Benchmark only: the id forms measured (`--ids both`: random and sequential), each a
    /// set of its own.
    #[allow(dead_code)] // read by bench.rs, not by gen_exports.rs
    pub ids: Vec<bool>,
    /// Benchmark only: also the full-size year as one xlsx sheet (`--no-one-sheet` leaves it).
    #[allow(dead_code)] // read by bench.rs, not by gen_exports.rs
    pub one_sheet: bool,
    /// Benchmark only: also ten times the full size, in CSV (`--ten-million`).
    #[allow(dead_code)] // read by bench.rs, not by gen_exports.rs
    pub ten_times: bool,
}

pub const USAGE: &str =
    "options: --sales N --visits N --complaints N --surveys N --staff N --stores N \
--sales-files N --year Y --seed N --ids random|sequential --out DIR --format xlsx|csv|gbk|all \
[bench: --runs N --no-scaling --ids random|sequential|both --no-one-sheet --ten-million]";

/// Parses the command line; `default_forms` and `default_ids` (sequential or not) when not given.
pub fn parse(default_forms: &[Form], default_ids: &[bool]) -> Result<Args, String> {
    let mut spec = Spec::million();
    let mut out = None;
    let mut forms = default_forms.to_vec();
    let mut runs = 5;
    let mut scaling = true;
    let mut visits_given = false;
    let mut ids: Option<Vec<bool>> = None;
    let mut one_sheet = true;
    let mut ten_times = false;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--no-scaling" => scaling = false,
            "--no-one-sheet" => one_sheet = false,
            "--ten-million" => ten_times = true,
            _ => {}
        }
        if matches!(
            flag.as_str(),
            "--no-scaling" | "--no-one-sheet" | "--ten-million"
        ) {
            continue;
        }
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.to_string());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value; {USAGE}"))?;
        let num = || -> Result<u64, String> {
            value
                .replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("{flag} {value}: not a whole number"))
        };
        match flag.as_str() {
            "--sales" => spec.sales = num()?,
            "--visits" => {
                spec.visits = num()?;
                visits_given = true;
            }
            "--complaints" => spec.complaints = num()?,
            "--surveys" => spec.surveys = num()?,
            "--staff" => spec.staff = num()? as u32,
            "--stores" => spec.stores = num()?.max(1) as u32,
            "--sales-files" => spec.sales_files = num()?.clamp(1, 100) as u32,
            "--year" => spec.year = num()? as i32,
            "--seed" => spec.seed = num()?,
            "--runs" => runs = num()?.max(1) as u32,
            "--out" => out = Some(PathBuf::from(&value)),
            "--ids" => {
                let forms = match value.as_str() {
                    "random" => vec![false],
                    "sequential" => vec![true],
                    "both" => vec![false, true],
                    _ => return Err(format!("--ids {value}: use random, sequential or both")),
                };
                spec.sequential_ids = forms == [true];
                ids = Some(forms);
            }
            "--format" => {
                forms = Form::parse(&value)
                    .ok_or_else(|| format!("--format {value}: use xlsx, csv, gbk or all"))?
            }
            _ => return Err(format!("unknown option {flag}; {USAGE}")),
        }
    }
    if !visits_given {
        // Visits scale with sales: 400,000 for a million.
        spec.visits = spec.sales * 2 / 5;
    }
    if spec.sales / spec.sales_files.max(1) as u64 > 1_048_000 {
        return Err("one xlsx sheet holds at most 1,048,576 rows: raise --sales-files".into());
    }
    Ok(Args {
        spec,
        out,
        forms,
        runs,
        scaling,
        ids: ids.unwrap_or_else(|| default_ids.to_vec()),
        one_sheet,
        ten_times,
    })
}

impl Args {
    /// The folder of the data sets of `spec`: `--out` as given for gen_exports
    /// (`exact`), else `<--out or bench-data>/<what the spec is>`.
    pub fn root(&self, spec: &Spec, exact: bool) -> PathBuf {
        match &self.out {
            Some(out) if exact => out.clone(),
            Some(out) => out.join(spec.dir_name()),
            None => PathBuf::from("bench-data").join(spec.dir_name()),
        }
    }
}
