//! Writing reports safely (SPEC §6.3): a temp file in the target folder, then a rename, so a
//! crash, a full disk or a failed write never leaves a half-written scorecard and never
//! replaces a good one. Temp files and folders are created exclusively under random names (the
//! `tempfile` crate: `O_CREAT | O_EXCL`, so a symlink planted at the name is never followed),
//! named `.<target>.<pid>-<random>.clinic-kpi-tmp` (`-new` / `-old` for a split folder), and
//! what a killed run left is cleaned up by the next run that writes the same target
//! ([`clean_leftovers`]). An output is compared with the inputs, the config and the data
//! folder by file identity ([`FileId`]), never by how its path is spelt.

use crate::file_id::{holds, FileId};
use crate::words::cmd::{CmdError, Usage, WriteHint};
use crate::words::Fail;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The folder a path's file goes in ("." for a bare file name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Fails early, before any input is read, when the folder `path` goes in cannot take it, or
/// (for a single file, `folder_wanted` false) when `path` is itself a folder.
pub fn check_target_folder(path: &Path, folder_wanted: bool) -> Result<(), Usage> {
    let shown = path.display().to_string();
    if !folder_wanted && path.is_dir() {
        return Err(Usage::OutputIsFolder {
            path: shown,
            example: path.join("scorecard-{period}.xlsx").display().to_string(),
        });
    }
    let dir = folder_of(path);
    let folder = dir.display().to_string();
    match std::fs::metadata(&dir) {
        Err(_) => Err(Usage::OutputFolderMissing {
            path: shown,
            folder,
        }),
        Ok(m) if !m.is_dir() => Err(Usage::OutputParentNotFolder {
            path: shown,
            folder,
        }),
        Ok(_) => Ok(()),
    }
}

// ------------------------------------------------------------------------------------------
// Outputs are never inputs

/// Refuses an output that would overwrite (or, for a folder replaced whole, hold) one of the
/// run's inputs, its config file or its data folder — compared by identity, so `-o` spelt
/// `./data/../消费.xlsx` or naming a hard link of an input is refused just the same.
pub fn refuse_inputs_as_output(
    output: &Path,
    folder: bool,
    inputs: &[&Path],
    config: Option<&Path>,
    data_dir: &Path,
) -> Result<()> {
    let Some(target) = FileId::of(output) else {
        return Ok(()); // nothing there yet: nothing to destroy
    };
    let is_or_holds =
        |p: &Path| FileId::of(p).as_ref() == Some(&target) || (folder && holds(&target, p));
    let shown = || output.display().to_string();
    if let Some(config) = config.filter(|c| is_or_holds(c)) {
        bail!(Fail::new(CmdError::OutputIsConfig {
            output: shown(),
            config: config.display().to_string(),
        }));
    }
    if inputs.iter().any(|i| is_or_holds(i)) {
        bail!(Fail::new(CmdError::OutputIsInput { output: shown() }));
    }
    if FileId::of(data_dir).as_ref() == Some(&target) || (folder && holds(&target, data_dir)) {
        bail!(Fail::new(CmdError::OutputIsDataFolder {
            output: shown(),
            folder: data_dir.display().to_string(),
        }));
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------
// Temporary names and what a killed run left

/// The tail of every temporary name: a file being written, a new folder being built, an old
/// folder moved aside.
const TMP_FILE: &str = ".clinic-kpi-tmp";
const NEW_FOLDER: &str = ".clinic-kpi-new";
const OLD_FOLDER: &str = ".clinic-kpi-old";

/// A temporary thing older than this is left over whatever its process: writing a scorecard
/// takes seconds (the bytes are built before the temp file is made).
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// `.<target name>.<pid>-` — the start of this process's temporary names for `target`.
fn tmp_prefix(target: &Path) -> String {
    format!(".{}.{}-", target_name(target), std::process::id())
}

fn target_name(target: &Path) -> String {
    target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scorecard".to_string())
}

/// A temporary name for `target` left by another process: that process's id, when `name` is
/// `.<target name>.<pid>-<random><suffix>`.
fn leftover_pid(target: &Path, name: &str, suffix: &str) -> Option<u32> {
    let rest = name
        .strip_prefix(&format!(".{}.", target_name(target)))?
        .strip_suffix(suffix)?;
    let (pid, random) = rest.split_once('-')?;
    (!random.is_empty()).then_some(())?;
    pid.parse().ok()
}

/// Whether the process that made a temporary thing is gone: known on Linux (`/proc`); else a
/// thing older than [`STALE_AFTER`] counts as left over.
fn is_stale(path: &Path, pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc_known = cfg!(target_os = "linux") && Path::new("/proc/self").exists();
    if proc_known && !Path::new("/proc").join(pid.to_string()).exists() {
        return true;
    }
    std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > STALE_AFTER)
}

/// Removes a leftover without following it: a symlink is removed, never what it points to.
fn remove_leftover(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Cleans up what an interrupted run writing `target` left in its folder: temp files are
/// removed; for a folder target, a half-built new folder is removed, and an old folder moved
/// aside is put back when the target is missing (the run was killed between the two renames),
/// else removed. Only names of this tool's pattern for this target whose process is gone are
/// touched. Returns the folders restored, for the caller to mention.
pub fn clean_leftovers(target: &Path) -> Vec<PathBuf> {
    let mut restored = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder_of(target)) else {
        return restored;
    };
    let mut olds: Vec<PathBuf> = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        for suffix in [TMP_FILE, NEW_FOLDER, OLD_FOLDER] {
            let Some(pid) = leftover_pid(target, &name, suffix) else {
                continue;
            };
            if !is_stale(&path, pid) {
                continue;
            }
            if suffix == OLD_FOLDER {
                olds.push(path.clone());
            } else {
                remove_leftover(&path);
            }
        }
    }
    // The newest old folder is the one a killed run moved aside last.
    olds.sort_by_key(|p| std::fs::symlink_metadata(p).and_then(|m| m.modified()).ok());
    let target_missing = std::fs::symlink_metadata(target).is_err();
    if target_missing {
        if let Some(newest) = olds.pop() {
            let is_folder = std::fs::symlink_metadata(&newest).is_ok_and(|m| m.is_dir());
            if is_folder && std::fs::rename(&newest, target).is_ok() {
                restored.push(target.to_path_buf());
            } else {
                olds.push(newest);
            }
        }
    }
    for old in olds {
        remove_leftover(&old);
    }
    restored
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// The temp files' permissions: what a plain new file gets (0666 less the umask), not the
/// owner-only 0600 tempfile uses by default — the scorecard is for HR to read.
fn new_file_builder<'a>(prefix: &'a str, suffix: &'a str) -> tempfile::Builder<'a, 'a> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b
}

/// Writes to a temp file beside `path` with `fill`, syncs it, then renames it over `path`.
/// On any error the temp file is removed and whatever was at `path` is left as it was; the
/// error names `path`, never the temp file.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    clean_leftovers(path);
    let prefix = tmp_prefix(path);
    let mut tmp = new_file_builder(&prefix, TMP_FILE)
        .tempfile_in(folder_of(path))
        .map_err(|e| io_error(e, path))?;
    (|| -> std::io::Result<()> {
        let f = tmp.as_file_mut();
        fill(f)?;
        f.flush()?;
        f.sync_all()
    })()
    .map_err(|e| io_error(e, path))?;
    // On failure the temp file is dropped with the error, which removes it.
    tmp.persist(path).map_err(|e| io_error(e.error, path))?;
    Ok(())
}

/// One sentence for a failed write, naming the file and what to do.
fn io_error(e: std::io::Error, path: &Path) -> anyhow::Error {
    use std::io::ErrorKind;
    // tempfile adds the temp path to its errors ("… at path \"/x/.a.xlsx.1-Ab.clinic-kpi-tmp\""):
    // the user named the target, so the error keeps only what went wrong.
    let e = if e.get_ref().is_some() {
        std::io::Error::from(e.kind())
    } else {
        e
    };
    let hint = match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => WriteHint::NoPermission,
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => WriteHint::DiskFull,
        ErrorKind::NotFound if folder_of(path).is_dir() => WriteHint::FolderRefuses,
        ErrorKind::NotFound => WriteHint::NoFolder,
        ErrorKind::IsADirectory => WriteHint::FolderInTheWay,
        ErrorKind::InvalidFilename => WriteHint::BadName,
        _ => WriteHint::NothingReplaced,
    };
    anyhow::Error::new(Fail::new(CmdError::CannotWrite {
        path: path.display().to_string(),
        kind: e.kind(),
        os: e.to_string(),
        hint,
    }))
}

/// A file name for `want` that every common file system takes: no `/\:*?"<>|` or control
/// characters, no leading dot or trailing dot/space, at most `max_bytes` bytes of UTF-8.
pub fn file_name(want: &str, max_bytes: usize) -> String {
    let mut s: String = want
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.len() + c.len_utf8() > max_bytes {
            break;
        }
        out.push(c);
    }
    let out = out.trim_end_matches(['.', ' ']).to_string();
    if out.is_empty() {
        "_".to_string()
    } else {
        out
    }
}

/// Replaces the folder `target` with one holding `files`, as safely as a folder allows: the
/// files are written to a new folder beside it (made exclusively under a random name), then the
/// old folder (only ever one that holds nothing but clinic-kpi workbooks) is moved aside, the
/// new one renamed in, the old removed. A run killed between the renames leaves the old folder
/// aside; the next run puts it back ([`clean_leftovers`]). Errors name `target`.
pub fn replace_folder(target: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    clean_leftovers(target);
    if let Ok(m) = std::fs::symlink_metadata(target) {
        if !m.is_dir() {
            bail!(Fail::new(CmdError::FolderIsFile {
                folder: target.display().to_string(),
            }));
        }
        for e in std::fs::read_dir(target).with_context(|| {
            Fail::new(CmdError::CannotReadFolder {
                folder: target.display().to_string(),
            })
        })? {
            let p = e?.path();
            if !(p.is_file() && crate::input::source::is_clinic_kpi_workbook(&p)) {
                bail!(Fail::new(CmdError::FolderHoldsOther {
                    folder: target.display().to_string(),
                    name: p.file_name().unwrap_or_default().to_string_lossy().into(),
                }));
            }
        }
    }
    let prefix = tmp_prefix(target);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(NEW_FOLDER);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o777));
    }
    // Dropped on any error below, which removes it with what it holds.
    let staging = builder
        .tempdir_in(folder_of(target))
        .map_err(|e| io_error(e, target))?;
    for (name, bytes) in files {
        let p = staging.path().join(name);
        (|| -> std::io::Result<()> {
            let mut f = std::fs::File::options()
                .write(true)
                .create_new(true)
                .open(&p)?;
            f.write_all(bytes)?;
            f.sync_all()
        })()
        .map_err(|e| io_error(e, target))?;
    }
    let old = {
        let name = staging
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        folder_of(target).join(name.replace(NEW_FOLDER, OLD_FOLDER))
    };
    let had_old = std::fs::symlink_metadata(target).is_ok();
    if had_old {
        std::fs::rename(target, &old).map_err(|e| io_error(e, target))?;
    }
    let staging = staging.keep();
    if let Err(e) = std::fs::rename(&staging, target) {
        if had_old {
            let _ = std::fs::rename(&old, target);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io_error(e, target));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_writer_leaves_the_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scorecard-2026-10.xlsx");
        std::fs::write(&path, b"the good old scorecard").unwrap();
        // Half the bytes go out, then the disk is full.
        let err = write_atomic_with(&path, |w| {
            w.write_all(b"PK half a new one")?;
            Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("scorecard-2026-10.xlsx"), "{err}");
        assert!(err.contains("the disk is full"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"the good old scorecard");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "temp file left behind: {left:?}");
    }

    #[test]
    fn leftover_names_give_their_process() {
        let t = Path::new("out/scorecard-2026-10.xlsx");
        let name = |s: &str| format!(".scorecard-2026-10.xlsx.{s}");
        assert_eq!(
            leftover_pid(t, &name("123-Ab9xYz.clinic-kpi-tmp"), TMP_FILE),
            Some(123)
        );
        assert_eq!(
            leftover_pid(t, &name("123-.clinic-kpi-tmp"), TMP_FILE),
            None
        );
        assert_eq!(
            leftover_pid(t, &name("x-Ab9.clinic-kpi-tmp"), TMP_FILE),
            None
        );
        assert_eq!(
            leftover_pid(t, &name("123-Ab9.clinic-kpi-new"), TMP_FILE),
            None
        );
        assert_eq!(
            leftover_pid(t, ".other.xlsx.123-Ab9.clinic-kpi-tmp", TMP_FILE),
            None,
            "another target's temp file is not this one's"
        );
        // The old pattern (`.name.tmp-PID`) is not ours to touch.
        assert_eq!(leftover_pid(t, &name("tmp-123"), TMP_FILE), None);
        assert!(tmp_prefix(t).starts_with(".scorecard-2026-10.xlsx."));
    }

    #[test]
    fn a_missing_target_gets_its_old_folder_back_and_others_go() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("cards");
        let dead = 99_999_999u32;
        let old = dir.path().join(format!(".cards.{dead}-a.clinic-kpi-old"));
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("a.xlsx"), b"PK").unwrap();
        let new = dir.path().join(format!(".cards.{dead}-a.clinic-kpi-new"));
        std::fs::create_dir(&new).unwrap();
        let mine = dir
            .path()
            .join(format!(".cards.{}-b.clinic-kpi-new", std::process::id()));
        std::fs::create_dir(&mine).unwrap();
        assert_eq!(clean_leftovers(&target), std::slice::from_ref(&target));
        assert_eq!(std::fs::read(target.join("a.xlsx")).unwrap(), b"PK");
        assert!(!old.exists() && !new.exists());
        assert!(mine.exists(), "this process's own folder is not a leftover");
    }

    #[test]
    fn a_successful_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.xlsx");
        std::fs::write(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn file_names_are_safe_and_short() {
        assert_eq!(file_name("a/b:c*?\"<>|\td", 255), "a_b_c_______d");
        assert_eq!(file_name(".hidden", 255), "_hidden");
        assert_eq!(file_name("=SUM(A1)", 255), "=SUM(A1)");
        assert_eq!(file_name("name. ", 255), "name");
        assert_eq!(file_name("", 255), "_");
        // 200 Chinese characters are 600 bytes; cut on a character boundary.
        let long = "林".repeat(200);
        let n = file_name(&long, 200);
        assert_eq!(n.len(), 198);
        assert_eq!(n.chars().count(), 66);
    }

    #[test]
    fn a_missing_folder_is_named() {
        use crate::words::Speak;
        let e = check_target_folder(Path::new("/nonexistent-clinic-kpi/x.xlsx"), false)
            .unwrap_err()
            .say(crate::Lang::En);
        assert!(e.contains("/nonexistent-clinic-kpi does not exist"), "{e}");
        assert!(check_target_folder(Path::new("x.xlsx"), false).is_ok());
        let e = check_target_folder(Path::new("/tmp"), false).unwrap_err();
        assert!(matches!(e, Usage::OutputIsFolder { .. }), "{e:?}");
        assert!(check_target_folder(Path::new("/tmp"), true).is_ok());
    }

    #[test]
    fn a_folder_with_other_files_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("消费.xlsx"), b"not ours").unwrap();
        let err = replace_folder(&target, &[("a.xlsx".into(), b"x".to_vec())])
            .unwrap_err()
            .to_string();
        assert!(err.contains("消费.xlsx"), "{err}");
        assert_eq!(
            std::fs::read(target.join("消费.xlsx")).unwrap(),
            b"not ours"
        );
        // A new folder is created with exactly the files given.
        let fresh = dir.path().join("fresh");
        replace_folder(&fresh, &[("a.xlsx".into(), b"x".to_vec())]).unwrap();
        assert_eq!(std::fs::read(fresh.join("a.xlsx")).unwrap(), b"x");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
