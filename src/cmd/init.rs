//! `clinic-kpi init [DIR]`: a commented config with the built-in defaults (comments in Chinese, or
//! English with `--lang en`), and optionally a small realistic set of exports to try it on.

use crate::cli::InitArgs;
use crate::words::cmd::{CmdError, Line};
use crate::words::Fail;
use crate::{config, exit, Lang};
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
    let lang = Lang::from(args.lang);
    let dir = args.dir.as_deref().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| {
        Fail::new(CmdError::InitCannotCreate {
            folder: dir.display().to_string(),
        })
    })?;
    let config = config::template(lang);
    let mut files: Vec<(&str, &[u8])> = vec![("clinic-kpi.toml", config.as_bytes())];
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
            bail!(Fail::new(CmdError::InitRefused { existing }));
        }
    }
    for (name, bytes) in &files {
        let path = dir.join(name);
        let shown = path.display().to_string();
        std::fs::write(&path, bytes).with_context(|| {
            Fail::new(CmdError::CannotWriteFile {
                path: shown.clone(),
            })
        })?;
        if !args.quiet {
            println!("{}", Line::Wrote { path: shown }.say(lang));
        }
    }
    if !args.quiet && args.sample_data {
        let folder = dir.display().to_string();
        println!("{}", Line::TryIt { folder }.say(lang));
    }
    Ok(exit::OK)
}
