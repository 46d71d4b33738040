//! `clinic-kpi init [DIR]`: a commented config with the built-in defaults, and optionally a small
//! realistic set of exports to try it on.

use crate::cli::InitArgs;
use crate::config::DEFAULT_CONFIG;
use crate::exit;
use anyhow::{bail, Context, Result};
use std::path::Path;

/// The sample exports `--sample-data` writes: the fixture clinic, embedded in the binary.
const SAMPLE_DATA: &[(&str, &[u8])] = &[
    (
        "2026年10月消费流水.xlsx",
        include_bytes!("../../fixtures/clinic/2026年10月消费流水.xlsx"),
    ),
    (
        "消费流水_补充导出.csv",
        include_bytes!("../../fixtures/clinic/消费流水_补充导出.csv"),
    ),
    (
        "到院咨询登记.csv",
        include_bytes!("../../fixtures/clinic/到院咨询登记.csv"),
    ),
    (
        "投诉记录.xlsx",
        include_bytes!("../../fixtures/clinic/投诉记录.xlsx"),
    ),
    (
        "人事考核资料.xlsx",
        include_bytes!("../../fixtures/clinic/人事考核资料.xlsx"),
    ),
    (
        "回访满意度.csv",
        include_bytes!("../../fixtures/clinic/回访满意度.csv"),
    ),
    (
        "消费流水_三店.csv",
        include_bytes!("../../fixtures/clinic/消费流水_三店.csv"),
    ),
    (
        "到院咨询登记_三店.csv",
        include_bytes!("../../fixtures/clinic/到院咨询登记_三店.csv"),
    ),
];

pub fn run(args: &InitArgs) -> Result<u8> {
    let dir = args.dir.as_deref().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let mut files: Vec<(&str, &[u8])> = vec![("clinic-kpi.toml", DEFAULT_CONFIG.as_bytes())];
    if args.sample_data {
        files.extend_from_slice(SAMPLE_DATA);
    }
    // Refuse before writing anything, so a refusal leaves the folder as it was.
    if !args.force {
        let existing: Vec<String> = files
            .iter()
            .map(|(name, _)| dir.join(name))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            bail!(
                "{} already exist(s); nothing was written (use --force to overwrite)",
                existing.join(", ")
            );
        }
    }
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        if !args.quiet {
            println!("wrote {}", path.display());
        }
    }
    if !args.quiet && args.sample_data {
        println!(
            "try: cd {} && clinic-kpi score --month 2026-10",
            dir.display()
        );
        println!("     clinic-kpi overview --month 2026-10");
        println!("     clinic-kpi alerts --date 2026-10-20");
    }
    Ok(exit::OK)
}
