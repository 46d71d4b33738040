//! File identity: whether two paths name the same file, however they are spelt (SPEC §6.3:
//! an input, the config and the data folder are never valid outputs).

use std::path::Path;

/// What makes a file the same file however its path is spelt (`./x/../a.csv`, a hard link, a
/// symlink): device and inode on unix, the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId(
    #[cfg(unix)] (u64, u64),
    #[cfg(not(unix))] std::path::PathBuf,
);

impl FileId {
    /// The identity of what `path` names (symlinks followed); `None` when it does not exist.
    pub fn of(path: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(path)
                .ok()
                .map(|m| FileId((m.dev(), m.ino())))
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path).ok().map(FileId)
        }
    }
}

/// Whether `folder` is `path`'s folder or a folder above it, by identity.
pub fn holds(folder: &FileId, path: &Path) -> bool {
    let Ok(canon) = std::fs::canonicalize(path) else {
        return false;
    };
    canon
        .ancestors()
        .skip(1)
        .any(|a| FileId::of(a).as_ref() == Some(folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_file_however_spelt() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let a = data.join("消费.csv");
        std::fs::write(&a, "x").unwrap();
        let id = FileId::of(&a).unwrap();
        assert_eq!(
            FileId::of(&data.join("../data/./消费.csv")),
            Some(id.clone())
        );
        std::fs::hard_link(&a, dir.path().join("link.csv")).unwrap();
        assert_eq!(FileId::of(&dir.path().join("link.csv")), Some(id.clone()));
        std::fs::write(dir.path().join("copy.csv"), "x").unwrap();
        assert_ne!(FileId::of(&dir.path().join("copy.csv")), Some(id));
        assert_eq!(FileId::of(&dir.path().join("missing.csv")), None);
        let folder = FileId::of(&data).unwrap();
        assert!(holds(&folder, &a));
        assert!(holds(&FileId::of(dir.path()).unwrap(), &a));
        assert!(!holds(&folder, &dir.path().join("link.csv")));
        assert!(!holds(&folder, &data), "a folder does not hold itself");
    }
}
