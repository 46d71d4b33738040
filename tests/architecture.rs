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

// ---------------------------------------------------------------------------------------------
// Words live in one layer (issue 14; STYLE.md "Words for people live in one layer"): the engine
// returns data, `src/words/` speaks. A string literal in metrics or scoring holding Chinese or
// an English sentence is a sentence that leaked into the engine.

/// The string literals of Rust source outside comments and `#[cfg(test)]` items, with the
/// text of the line each starts on.
fn literals(code: &str) -> Vec<(String, String)> {
    let b: Vec<char> = code.chars().collect();
    let line_of = |at: usize| -> String {
        let start = b[..at]
            .iter()
            .rposition(|&c| c == '\n')
            .map_or(0, |p| p + 1);
        let end = b[at..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(b.len(), |p| at + p);
        b[start..end].iter().collect()
    };
    let mut out = Vec::new();
    let mut i = 0;
    // Where a `#[cfg(test)]` item's body ends (its closing brace), while skipping it.
    let mut skip_depth: Option<usize> = None;
    let mut depth = 0usize;
    let mut cfg_test_pending = false;
    while i < b.len() {
        let rest: String = b[i..(i + 12).min(b.len())].iter().collect();
        let c = b[i];
        if rest.starts_with("//") {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if rest.starts_with("/*") {
            let mut nest = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    nest += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    nest -= 1;
                    i += 2;
                    if nest == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            continue;
        }
        if rest.starts_with("#[cfg(test)]") {
            cfg_test_pending = true;
            i += 12;
            continue;
        }
        // A string: "…", r"…", r#"…"#, b"…" (the prefix letter is skipped as code).
        let raw_hashes = if c == 'r' && (b.get(i + 1) == Some(&'"') || b.get(i + 1) == Some(&'#')) {
            let mut h = 0;
            while b.get(i + 1 + h) == Some(&'#') {
                h += 1;
            }
            (b.get(i + 1 + h) == Some(&'"')).then_some(h)
        } else {
            None
        };
        if c == '"' || raw_hashes.is_some() {
            let at = i;
            let mut text = String::new();
            if let Some(h) = raw_hashes {
                i += h + 2;
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', h))
                    .collect();
                loop {
                    let here: String = b[i..(i + close.len()).min(b.len())].iter().collect();
                    if here == close || i >= b.len() {
                        i += close.len();
                        break;
                    }
                    text.push(b[i]);
                    i += 1;
                }
            } else {
                i += 1;
                while i < b.len() && b[i] != '"' {
                    if b[i] == '\\' {
                        // `\` at a line end joins lines; other escapes are kept as written.
                        i += 1;
                        if b.get(i) == Some(&'\n') {
                            i += 1;
                            while i < b.len() && b[i].is_whitespace() {
                                i += 1;
                            }
                            text.push(' ');
                            continue;
                        }
                        text.push('\\');
                    }
                    if i < b.len() {
                        text.push(b[i]);
                    }
                    i += 1;
                }
                i += 1;
            }
            if skip_depth.is_none() && !cfg_test_pending {
                out.push((text, line_of(at)));
            }
            continue;
        }
        // A char literal ('"', '\n', 'x') — not a lifetime ('a).
        if c == '\'' {
            if b.get(i + 1) == Some(&'\\') {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            if b.get(i + 2) == Some(&'\'') {
                i += 3;
                continue;
            }
        }
        match c {
            '{' => {
                depth += 1;
                if cfg_test_pending {
                    cfg_test_pending = false;
                    skip_depth = Some(depth);
                }
            }
            '}' => {
                if skip_depth == Some(depth) {
                    skip_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            // A `#[cfg(test)]` item without a body (`use`, `mod x;`).
            ';' if cfg_test_pending && skip_depth.is_none() => cfg_test_pending = false,
            _ => {}
        }
        i += 1;
    }
    out
}

/// Chinese, or three English words in a row ("sales or visits", "is not computed here").
fn is_a_sentence(text: &str) -> bool {
    let cjk = text.chars().any(|c| {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
    });
    let mut run = 0;
    let mut longest = 0;
    for w in text.split(' ') {
        let w = w.trim_matches([
            '"', '\'', '`', '(', ')', '[', ']', ',', '.', ':', ';', '!', '?',
        ]);
        let word = !w.is_empty()
            && w.chars().any(|c| c.is_ascii_alphabetic())
            && w.chars()
                .all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '-');
        run = if word { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    cjk || longest >= 3
}

/// What may hold words in the engine: each metric's own names and definition text (Chinese
/// and English), defined once beside its computation (issue 14 item 4) — the words layer and
/// the README read them from there.
const ALLOWED: &[(&str, &str)] = &[
    ("metrics/defs.rs", "zh:"),
    ("metrics/defs.rs", "en:"),
    ("metrics/defs.rs", "definition_en:"),
    ("metrics/defs.rs", "definition_zh:"),
    ("metrics/defs.rs", "parts_zh:"),
    ("metrics/defs.rs", "parts_en:"),
];

/// Every sentence in `src/<dir>` (a folder or one file) outside the allow-list, as
/// "file: literal".
fn sentences_in(dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(d) = stack.pop() {
        let entries: Vec<std::path::PathBuf> = if d.is_dir() {
            std::fs::read_dir(&d)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect()
        } else {
            vec![d]
        };
        for p in entries {
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let code = std::fs::read_to_string(&p).unwrap();
            for (text, line) in literals(&code) {
                let allowed = ALLOWED
                    .iter()
                    .any(|(f, field)| rel == *f && line.trim_start().starts_with(field));
                if is_a_sentence(&text) && !allowed {
                    found.push(format!("{rel}: {text:?}"));
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn the_scanner_finds_literals_outside_comments_and_tests() {
    let code = r####"
        // "a comment says it in many words"
        /* "so does a block comment" */
        fn f() -> &'static str { let c = '"'; "成交率" }
        fn g() { h("no sales input given", r#"raw "quoted" text here"#, "key"); }
        #[cfg(test)]
        mod tests { fn t() { "a test may say anything" } }
        fn after() { "still scanned after the tests" }
    "####;
    let texts: Vec<String> = literals(code).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        texts,
        [
            "成交率",
            "no sales input given",
            "raw \"quoted\" text here",
            "key",
            "still scanned after the tests"
        ]
    );
    let sentences: Vec<&String> = texts.iter().filter(|t| is_a_sentence(t)).collect();
    assert_eq!(sentences.len(), 4, "{sentences:?}");
    assert!(!is_a_sentence("{label}·{i}") && !is_a_sentence("no_data"));
    assert!(!is_a_sentence("{} ({})") && is_a_sentence("sales or visits"));
}

/// metrics/ returns figures, statuses and details as data, and who is scored and whose row
/// is whose (people.rs, credit.rs) return people and typed issues; nothing in them speaks.
#[test]
fn metrics_and_people_hold_no_sentence() {
    for dir in ["metrics", "people.rs", "credit.rs"] {
        let found = sentences_in(dir);
        assert!(
            found.is_empty(),
            "words in src/{dir}:\n{}",
            found.join("\n")
        );
    }
}

/// scoring/ returns scores, flags and bonus steps as data; nothing in it speaks.
#[test]
fn scoring_holds_no_sentence() {
    let found = sentences_in("scoring");
    assert!(
        found.is_empty(),
        "words in src/scoring:\n{}",
        found.join("\n")
    );
}
