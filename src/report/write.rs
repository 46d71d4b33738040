//! Writing reports safely: a temp file in the target folder, then a rename, so a crash, a full
//! disk or a failed write never leaves a half-written scorecard and never replaces a good one.

use anyhow::{bail, Context, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder a path's file goes in ("." for a bare file name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Fails early, before any input is read, when the folder `path` goes in cannot take it, or
/// (for a single file, `folder_wanted` false) when `path` is itself a folder.
pub fn check_target_folder(path: &Path, folder_wanted: bool) -> Result<(), String> {
    if !folder_wanted && path.is_dir() {
        return Err(format!(
            "-o {} is a folder; name the file, e.g. {}, or add --split-by person for one workbook per person",
            path.display(),
            path.join("scorecard-{period}.xlsx").display()
        ));
    }
    let dir = folder_of(path);
    match std::fs::metadata(&dir) {
        Err(_) => Err(format!(
            "cannot write {}: the folder {} does not exist; create it or choose another -o",
            path.display(),
            dir.display()
        )),
        Ok(m) if !m.is_dir() => Err(format!(
            "cannot write {}: {} is not a folder",
            path.display(),
            dir.display()
        )),
        Ok(_) => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// Writes to a temp file beside `path` with `fill`, syncs it, then renames it over `path`.
/// On any error the temp file is removed and whatever was at `path` is left as it was.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scorecard.xlsx".to_string());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = File::create(&tmp)?;
        fill(&mut f)?;
        f.flush()?;
        f.sync_all()
    })()
    .map_err(|e| io_error(e, path))
    .and_then(|_| std::fs::rename(&tmp, path).map_err(|e| io_error(e, path)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// One sentence for a failed write, naming the file and what to do.
fn io_error(e: std::io::Error, path: &Path) -> anyhow::Error {
    use std::io::ErrorKind;
    let hint = match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            "no permission to write there; choose another folder with -o"
        }
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            "the disk is full; free some space and run again (nothing was replaced)"
        }
        ErrorKind::NotFound if folder_of(path).is_dir() => {
            "the folder does not accept new files; choose another folder with -o"
        }
        ErrorKind::NotFound => "the folder does not exist; create it or choose another -o",
        ErrorKind::IsADirectory => "a folder of that name is in the way; choose another -o",
        ErrorKind::InvalidFilename => "the file name is too long or not allowed here",
        _ => "nothing was replaced",
    };
    anyhow::anyhow!("cannot write {}: {e} ({hint})", path.display())
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
/// files are written to a temp folder beside it, then the old folder (only ever one that holds
/// nothing but clinic-kpi workbooks) is moved aside, the new one renamed in, the old removed.
pub fn replace_folder(target: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    if let Ok(m) = std::fs::symlink_metadata(target) {
        if !m.is_dir() {
            bail!(
                "cannot write the folder {}: a file of that name exists",
                target.display()
            );
        }
        for e in std::fs::read_dir(target)
            .with_context(|| format!("cannot read the folder {}", target.display()))?
        {
            let p = e?.path();
            if !(p.is_file() && crate::input::source::is_clinic_kpi_workbook(&p)) {
                bail!(
                    "the folder {} already holds {}, which is not a clinic-kpi scorecard; choose an empty or new folder with -o",
                    target.display(),
                    p.file_name().unwrap_or_default().to_string_lossy()
                );
            }
        }
    }
    let parent = folder_of(target);
    let base = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scorecards".to_string());
    let tmp = parent.join(format!(".{base}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{base}.old-{}", std::process::id()));
    let build = || -> Result<()> {
        std::fs::create_dir(&tmp).map_err(|e| io_error(e, &tmp))?;
        for (name, bytes) in files {
            let p = tmp.join(name);
            std::fs::write(&p, bytes).map_err(|e| io_error(e, &p))?;
        }
        Ok(())
    };
    if let Err(e) = build() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let had_old = target.exists();
    if had_old {
        if let Err(e) = std::fs::rename(target, &old) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(io_error(e, target));
        }
    }
    if let Err(e) = std::fs::rename(&tmp, target) {
        if had_old {
            let _ = std::fs::rename(&old, target);
        }
        let _ = std::fs::remove_dir_all(&tmp);
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
        let e =
            check_target_folder(Path::new("/nonexistent-clinic-kpi/x.xlsx"), false).unwrap_err();
        assert!(e.contains("/nonexistent-clinic-kpi does not exist"), "{e}");
        assert!(check_target_folder(Path::new("x.xlsx"), false).is_ok());
        let e = check_target_folder(Path::new("/tmp"), false).unwrap_err();
        assert!(e.contains("is a folder"), "{e}");
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
