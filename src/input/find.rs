//! Finding the inputs: the files `[inputs]` lists and those found in `--data`, and the
//! column names each kind is known by.

use super::*;

pub(super) fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h)?;
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The files to read: those `[inputs]` lists, then every data file in `--data` that is not one
/// of them (SPEC §2.1: listing files for some kinds does not switch off finding the others).
pub(super) fn plan_inputs(opts: &LoadOptions, ds: &mut Dataset) -> Result<Vec<Planned>> {
    let cfg = &opts.config.config;
    let mut out = Vec::new();
    // The listed files by identity, so discovery does not read one a second time.
    let mut listed: Vec<PathBuf> = Vec::new();
    if !cfg.inputs.is_empty() {
        let base: PathBuf = if opts.data_dir_given {
            opts.data_dir.to_path_buf()
        } else {
            opts.config
                .base_dir()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("."))
        };
        for (key, files) in &cfg.inputs {
            let kind = Kind::from_key(key).ok_or_else(|| {
                anyhow!(Fail::new(InputFail::ConfigInputsKind {
                    config: opts.config.name(),
                    key: key.clone(),
                }))
            })?;
            for entry in files {
                let (file, sheet) = match entry.rsplit_once('#') {
                    Some((f, s)) if !s.is_empty() => (f, Some(s.to_string())),
                    _ => (entry.as_str(), None),
                };
                let path = base.join(file);
                if !path.is_file() {
                    bail!(Fail::new(InputFail::ConfigInputsMissing {
                        config: opts.config.name(),
                        key: key.clone(),
                        path: path.display().to_string(),
                    }));
                }
                listed.push(std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone()));
                out.push(Planned {
                    display: file.to_string(),
                    path,
                    kind: Some(kind),
                    sheet,
                });
            }
        }
    }
    let dir = opts.data_dir;
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        // With files listed, a data folder that is not there only means nothing to find.
        Err(_) if !out.is_empty() && !opts.data_dir_given => return Ok(out),
        Err(e) => return Err(data_folder(dir, e)),
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for e in entries {
        let e = e.map_err(|e| data_folder(dir, e))?;
        let path = e.path();
        if !path.is_file() {
            continue;
        }
        let Some(ext) = path.extension().and_then(|x| x.to_str()) else {
            continue;
        };
        if !DATA_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
            continue;
        }
        files.push(path);
    }
    files.sort();
    for path in files {
        let canon = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if listed.contains(&canon) {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        // Our own scorecard is told by its document properties, never by its name: an export
        // named Scorecard消费流水.csv is data (SPEC §2.1).
        let skip_reason = if name.starts_with("~$") {
            Some(InputMsg::LockFile)
        } else if name.starts_with('.') {
            Some(InputMsg::HiddenFile)
        } else if source::is_clinic_kpi_workbook(&path) {
            Some(InputMsg::OwnScorecard)
        } else if is_output(&path, &opts.outputs) {
            // Not our scorecard: writing there would overwrite an export.
            bail!(Fail::new(InputFail::InputIsOutput { name }));
        } else {
            None
        };
        if let Some(why) = skip_reason {
            not_read(ds, &name, None, Severity::Info, why);
            continue;
        }
        out.push(Planned {
            display: name,
            path,
            kind: None,
            sheet: None,
        });
    }
    Ok(out)
}

/// Whether `path` is one of this run's outputs: the same file (device and inode), however
/// either path is spelt.
pub(super) fn is_output(path: &Path, outputs: &[PathBuf]) -> bool {
    use crate::file_id::FileId;
    let Some(id) = FileId::of(path) else {
        return false;
    };
    outputs.iter().any(|o| FileId::of(o).as_ref() == Some(&id))
}

/// Each kind's aliases, normalised: (alias, field, priority; lower wins). Config additions
/// come first, with priority 0: where a header holds both a config alias and a built-in alias
/// of one field, the config's column is taken.
pub(super) fn build_aliases(cfg: &LoadedConfig) -> Result<Aliases> {
    for (kind_key, fields) in &cfg.config.columns {
        let kind = Kind::from_key(kind_key).ok_or_else(|| {
            anyhow!(Fail::new(InputFail::ConfigColumnsKind {
                config: cfg.name(),
                kind: kind_key.clone(),
            }))
        })?;
        for field in fields.keys() {
            if !kind.columns().iter().any(|c| c.field.key() == field) {
                let known = kind.columns().iter().map(|c| c.field.key().to_string());
                bail!(Fail::new(InputFail::ConfigColumnsField {
                    config: cfg.name(),
                    kind: kind_key.clone(),
                    field: field.clone(),
                    known: known.collect(),
                }));
            }
        }
    }
    let mut map = HashMap::new();
    for kind in kinds::ALL_KINDS {
        let extra = cfg.config.extra_aliases(kind.key());
        let mut list = Vec::new();
        for def in kind.columns() {
            if let Some(more) = extra.get(def.field.key()) {
                for a in more {
                    list.push((values::normalize_header(a), def.field, 0));
                }
            }
            for (i, a) in def.aliases.iter().enumerate() {
                list.push((values::normalize_header(a), def.field, i + 1));
            }
        }
        map.insert(kind, list);
    }
    Ok(map)
}

/// The file name without its extension.
pub(super) fn file_stem(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| file.to_string())
}
