//! `clinic-kpi completions SHELL` and `clinic-kpi man`: generated from the one CLI definition,
//! so they never fall behind the flags.

use crate::cli::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

/// Shell completions on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<u8> {
    let mut cmd = Cli::command();
    // Written whole, so a closed pipe is an error we can see (clap_complete panics on one).
    let mut text = Vec::new();
    clap_complete::generate(shell, &mut cmd, "clinic-kpi", &mut text);
    std::io::stdout().lock().write_all(&text)?;
    Ok(crate::exit::OK)
}

/// The man page (roff) of `clinic-kpi` on stdout; with `dir`, one page per command written
/// there (`clinic-kpi.1`, `clinic-kpi-score.1` …).
pub fn man(dir: Option<&Path>) -> Result<u8> {
    let cmd = Cli::command();
    let Some(dir) = dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut page)?;
        std::io::stdout().lock().write_all(&page)?;
        return Ok(crate::exit::OK);
    };
    let mut pages = vec![("clinic-kpi".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("clinic-kpi-{}", sub.get_name());
        pages.push((
            name.clone(),
            sub.clone().display_name(name.clone()).bin_name(name),
        ));
    }
    for (name, page_cmd) in pages {
        let mut page = Vec::new();
        clap_mangen::Man::new(page_cmd).render(&mut page)?;
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page).with_context(|| {
            crate::words::Fail::new(crate::words::cmd::CmdError::CannotWriteFile {
                path: path.display().to_string(),
            })
        })?;
    }
    Ok(crate::exit::OK)
}
