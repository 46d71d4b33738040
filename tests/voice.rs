//! One voice (issue 14): every command, run on the example clinic with `--lang zh`, prints no
//! English word a clerk would have to read — and with `--lang en` no Chinese — outside the data
//! itself (names, stores, items, the exports' headers and file names), config keys and units.
//!
//! What counts as "data" is collected from the fixture files themselves (every cell and file
//! name), never listed by hand, so a Chinese word the tool adds is caught in English output.
//! Config keys and config lines are quoted in messages as `…` or […]; those spans are skipped.

use crate::lang::{config_strings, fixture_strings};
use crate::workdir::{fixtures, Run, Workdir};
use serde_json::Value;

/// Latin words a Chinese reader meets in Chinese output: file formats and encodings, the tool's
/// name, the role keys of the config (shown as `咨询师 (consultant)`), and KPI.
const ALLOWED_IN_ZH: &[&str] = &[
    "clinic-kpi",
    "kpi",
    "xlsx",
    "xls",
    "xlsm",
    "xlsb",
    "ods",
    "csv",
    "tsv",
    "txt",
    "toml",
    "json",
    "pdf",
    "utf-8",
    "utf-16le",
    "utf-16be",
    "gbk",
    "gb18030",
    "bom",
    "id",
    "consultant",
    "doctor",
    "nurse",
    "customer_service",
];

/// `text` without the spans that quote config (`…`, […], and the config key a column map
/// names in full-width brackets: `收银单号→单号（order_id）`), without the given paths and
/// what the user typed (flags, arguments), and without command lines it suggests
/// (`clinic-kpi check --month 2026-10 --all`, `cd demo`).
fn unquoted(text: &str, paths: &[&str]) -> String {
    let mut t = text.to_string();
    for p in paths {
        if !p.is_empty() {
            t = t.replace(p, " ");
        }
    }
    while let Some(i) = t.find('（') {
        let rest = &t[i + '（'.len_utf8()..];
        let Some(j) = rest.find('）') else { break };
        let inner = &rest[..j];
        if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            // Not a config key: keep it, look further on.
            t.replace_range(i..i + '（'.len_utf8(), "(");
            continue;
        }
        t.replace_range(i..i + '（'.len_utf8() + j + '）'.len_utf8(), " ");
    }
    // Flags as typed: --month, -o.
    let flag = |w: &str| {
        w.starts_with('-')
            && w.trim_start_matches('-')
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
    };
    t = t
        .split(' ')
        .map(|w| if flag(w) { "" } else { w })
        .collect::<Vec<_>>()
        .join(" ");
    let command = |c: char| c.is_ascii_alphanumeric() || " -_./&".contains(c);
    for start in ["clinic-kpi ", "cd "] {
        while let Some(i) = t.find(start) {
            let rest = &t[i + start.len()..];
            let end = rest.find(|c: char| !command(c)).unwrap_or(rest.len());
            t.replace_range(i..i + start.len() + end, " ");
        }
    }
    let mut out = String::new();
    let mut close: Option<char> = None;
    for c in t.chars() {
        match close {
            Some(end) if c == end => close = None,
            Some(_) => {}
            None if c == '`' => close = Some('`'),
            None if c == '[' => close = Some(']'),
            None => out.push(c),
        }
    }
    out
}

/// Latin words (runs of letters, digits, `_` and `-` holding two or more letters) that are
/// neither allowed nor data.
fn english_words(text: &str, data: &str) -> Vec<String> {
    let mut bad: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| w.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2)
        .filter(|w| !ALLOWED_IN_ZH.contains(&w.to_ascii_lowercase().as_str()))
        .filter(|w| !is_data_word(w, data))
        .map(str::to_string)
        .collect();
    bad.sort();
    bad.dedup();
    bad
}

/// `word` stands alone somewhere in the data (not as a piece of a longer word).
fn is_data_word(word: &str, data: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric() || c == '_';
    data.match_indices(word).any(|(i, _)| {
        let before = data[..i].chars().next_back();
        let after = data[i + word.len()..].chars().next();
        !before.is_some_and(alnum) && !after.is_some_and(alnum)
    })
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Runs of Chinese characters that do not occur in the data.
fn chinese_words(text: &str, data: &str) -> Vec<String> {
    let mut bad: Vec<String> = text
        .split(|c: char| !is_cjk(c))
        .filter(|w| !w.is_empty() && !data.contains(*w))
        .map(str::to_string)
        .collect();
    bad.sort();
    bad.dedup();
    bad
}

/// The texts of a JSON document a person reads: `message` and `label` values (keys and enum
/// values are stable English in both languages, SPEC §1).
fn json_texts(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("message" | "detail", Value::String(s)) => {
                        out.push_str(s);
                        out.push('\n');
                    }
                    _ => json_texts(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| json_texts(x, out)),
        _ => {}
    }
}

struct Session {
    w: Workdir,
    data: String,
    fixture: String,
}

impl Session {
    fn new() -> Session {
        let w = Workdir::new();
        let dir = fixtures().join("clinic");
        // The fixture's own strings and the config's labels, items and types (the roster's
        // 岗位 names the roles: 咨询师 …) are data the clinic typed, not the tool's words.
        let mut strings = fixture_strings(&dir);
        strings.extend(config_strings());
        let data = strings.join("\n");
        Session {
            w,
            data,
            fixture: dir.to_string_lossy().into_owned(),
        }
    }

    fn run(&self, args: &[&str], lang: &str) -> Run {
        // What the user typed is theirs (a name that is not there, a folder).
        let mut all: Vec<&str> = args.to_vec();
        if args[0] != "init" {
            all.extend_from_slice(&["--data", &self.fixture]);
        }
        all.extend_from_slice(&["--lang", lang]);
        self.w.run(&all)
    }

    /// What a person reads from a run: stderr and stdout, or for JSON its messages.
    fn readable(&self, run: &Run, json: bool) -> String {
        let mut text = run.stderr.clone();
        if json {
            let mut out = String::new();
            json_texts(&run.json(), &mut out);
            text.push_str(&out);
        } else {
            text.push_str(&run.stdout);
        }
        let w = self.w.path().to_string_lossy().into_owned();
        unquoted(&text, &[&w, &self.fixture])
    }

    /// What the user typed on the command line is theirs, in any language.
    fn typed(&self, args: &[&str]) -> String {
        format!("{}\n{}", self.data, args.join("\n"))
    }
}

/// The commands of a clinic's month, each with whether its stdout is JSON.
fn commands() -> Vec<(Vec<&'static str>, bool)> {
    let m = ["--month", "2026-10"];
    let s = |v: &[&'static str]| v.to_vec();
    vec![
        (s(&["score", m[0], m[1], "--no-scorecard"]), false),
        (
            s(&["score", m[0], m[1], "--format", "json", "--no-scorecard"]),
            true,
        ),
        (
            s(&["score", m[0], m[1], "--format", "csv", "--no-scorecard"]),
            false,
        ),
        (s(&["score", m[0], m[1], "-o", "out.xlsx"]), false),
        (
            s(&["explain", m[0], m[1], "--staff", "林晓雯", "--rows"]),
            false,
        ),
        (s(&["explain", m[0], m[1], "--staff", "何静"]), false),
        (s(&["check", m[0], m[1], "--all"]), false),
        (s(&["check", m[0], m[1], "--format", "json"]), true),
        (s(&["overview", m[0], m[1]]), false),
        (s(&["alerts", "--date", "2026-10-20"]), false),
        // Mistakes: a month that is not one, a person not there, a period without exports.
        (s(&["score", m[0], "2026-13"]), false),
        (s(&["explain", m[0], m[1], "--staff", "不存在"]), false),
        (s(&["score", m[0], "2026-11", "--strict"]), false),
    ]
}

#[test]
fn every_command_speaks_chinese_by_default() {
    let s = Session::new();
    let mut found = Vec::new();
    for (args, json) in commands() {
        let run = s.run(&args, "zh");
        // CSV has the JSON's fields: keys, codes and the stable Chinese `label` (SPEC §6.2).
        if args.contains(&"csv") {
            continue;
        }
        let text = s.readable(&run, json);
        let bad = english_words(&text, &s.typed(&args));
        if !bad.is_empty() {
            found.push(format!("{}: {bad:?}", run.cmd));
        }
    }
    assert!(
        found.is_empty(),
        "English in Chinese output:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_command_speaks_english_when_asked() {
    let s = Session::new();
    let mut found = Vec::new();
    for (args, json) in commands() {
        if args.contains(&"csv") {
            continue;
        }
        let run = s.run(&args, "en");
        let text = s.readable(&run, json);
        let bad = chinese_words(&text, &s.typed(&args));
        if !bad.is_empty() {
            found.push(format!("{}: {bad:?}", run.cmd));
        }
    }
    assert!(
        found.is_empty(),
        "Chinese in English output:\n{}",
        found.join("\n")
    );
}

/// `init` in Chinese: its messages and every comment of the config it writes.
#[test]
fn init_speaks_chinese_and_english() {
    let s = Session::new();
    for lang in ["zh", "en"] {
        let dir = format!("demo-{lang}");
        let run = s.run(&["init", &dir, "--sample-data"], lang);
        assert_eq!(run.code, 0, "{run}");
        let config =
            std::fs::read_to_string(s.w.path().join(&dir).join("clinic-kpi.toml")).unwrap();
        // Each line's comment; a commented-out config line (`# [columns.sales]`,
        // `# amount = ["收款额"]`) is config, not words.
        let config_line = |c: &str| {
            let c = c.trim();
            c.starts_with('[')
                || c.split('=').next().is_some_and(|k| {
                    c.contains('=')
                        && k.trim()
                            .chars()
                            .all(|x| x.is_ascii_alphanumeric() || "_\"".contains(x))
                })
        };
        let comments: String = config
            .lines()
            .filter_map(|l| l.split_once('#').map(|(_, c)| c))
            .filter(|c| !config_line(c))
            .collect::<Vec<_>>()
            .join("\n");
        let text = s.readable(&run, false) + &unquoted(&comments, &[]);
        // The comments name the config's own keys and values (`window_days`, "linear").
        let keys: String = config
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        let data = format!("{}\n{keys}\n{dir}", s.data);
        let bad = if lang == "zh" {
            english_words(&text, &data)
        } else {
            chinese_words(&text, &data)
        };
        assert!(bad.is_empty(), "{lang}: {bad:?}\n{run}");
    }
}

/// A config with a mistake: the error says where, in the reader's language.
#[test]
fn a_failing_config_speaks_the_readers_language() {
    let s = Session::new();
    let base = include_str!("../src/default_config.zh.toml");
    // The consultant's first weight 20 → 25: the weights sum to 105.
    let broken = base.replacen("weight = 20", "weight = 25", 1);
    assert_ne!(broken, base);
    s.w.write("bad.toml", &broken);
    for lang in ["zh", "en"] {
        let run = s.run(
            &["score", "--month", "2026-10", "--config", "bad.toml"],
            lang,
        );
        assert_eq!(run.code, 1, "{run}");
        let text = s.readable(&run, false);
        let typed = s.typed(&["bad.toml"]);
        let bad = if lang == "zh" {
            english_words(&text, &typed)
        } else {
            chinese_words(&text, &typed)
        };
        assert!(bad.is_empty(), "{lang}: {bad:?}\n{run}");
    }
}
