//! The data flows one way (STYLE.md): `input` → `metrics` → `scoring` → `report`, with the
//! shared run in `pipeline`. A module never reaches back into the commands (`cmd/`), and the
//! engine never into the reports.

use std::path::Path;

/// Every `.rs` file under `src/<dir>` with the text of its non-comment lines.
fn sources(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let code: String = std::fs::read_to_string(&p)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                out.push((p.display().to_string(), code));
            }
        }
    }
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

#[test]
fn nothing_below_the_commands_imports_them() {
    for dir in ["report", "metrics", "scoring", "input", "clinic"] {
        for (file, code) in sources(dir) {
            assert!(!code.contains("crate::cmd"), "{file} imports from cmd/");
        }
    }
    for dir in ["metrics", "scoring", "input", "clinic"] {
        for (file, code) in sources(dir) {
            assert!(
                !code.contains("crate::report"),
                "{file} imports from report/"
            );
        }
    }
}
