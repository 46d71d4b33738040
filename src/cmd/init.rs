//! `clinic-kpi init [DIR]`: a commented config with the built-in defaults (comments in Chinese, or
//! English with `--lang en`), and optionally a small realistic set of exports to try it on.

use crate::cli::InitArgs;
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
    std::fs::create_dir_all(dir).with_context(|| cannot_create(lang, dir))?;
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
            bail!(refusal(lang, &existing));
        }
    }
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| cannot_write(lang, &path))?;
        if !args.quiet {
            println!("{}", wrote(lang, &path));
        }
    }
    if !args.quiet && args.sample_data {
        println!("{}", try_it(lang, dir));
    }
    Ok(exit::OK)
}

// init's words, each in one place, in both languages.

fn cannot_create(lang: Lang, dir: &Path) -> String {
    let what = lang.pick("无法创建文件夹", "cannot create the folder");
    format!("{what} {}", dir.display())
}

fn cannot_write(lang: Lang, path: &Path) -> String {
    format!(
        "{} {}",
        lang.pick("无法写入", "cannot write"),
        path.display()
    )
}

fn refusal(lang: Lang, existing: &[String]) -> String {
    match lang {
        Lang::Zh => format!(
            "{} 已存在，没有写入任何文件（要覆盖请加 --force）",
            existing.join("、")
        ),
        Lang::En => format!(
            "{} already exist(s); nothing was written (use --force to overwrite)",
            existing.join(", ")
        ),
    }
}

fn wrote(lang: Lang, path: &Path) -> String {
    format!("{} {}", lang.pick("已写入", "wrote"), path.display())
}

/// What to run next on the sample data; the later lines line up under the first command.
fn try_it(lang: Lang, dir: &Path) -> String {
    let (lead, indent) = match lang {
        Lang::Zh => ("试一试：", "        "),
        Lang::En => ("try: ", "     "),
    };
    format!(
        "{lead}cd {} && clinic-kpi score --month 2026-10\n\
         {indent}clinic-kpi overview --month 2026-10\n\
         {indent}clinic-kpi alerts --date 2026-10-20",
        dir.display()
    )
}
