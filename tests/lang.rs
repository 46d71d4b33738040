//! The scorecard speaks one language (issue 14, SPEC §1 "Language"): with `--lang zh` every
//! sheet name, header, note, legend, chart title and cell text is Chinese, with `--lang en`
//! English — except data: what the exports and the config hold (names, stores, file and sheet
//! names, the exports' own headers and values, role labels and rating items).
//!
//! The data is not listed by hand: it is every string the fixture's own files hold (every cell
//! of every sheet and CSV, the file names) and the config's labels, items and types. A
//! scorecard text is checked after every data string in it is taken out.

use crate::workdir::{fixtures, Workdir};
use calamine::{open_workbook_auto, Data, Reader};
use std::io::Read;
use std::path::{Path, PathBuf};

/// English a Chinese reader may meet in Chinese text: file formats, the tool's name, the
/// checksum's name, and the two abbreviations every clinic uses (KPI, ID).
const ALLOWED: &[&str] = &[
    "clinic", "kpi", "id", "xlsx", "xls", "csv", "toml", "json", "excel", "sha",
];

/// Every string the fixture's files hold, and their names.
pub(crate) fn fixture_strings(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.push(name.clone());
        if name.ends_with(".xlsx") {
            let mut wb = open_workbook_auto(&path).unwrap();
            for sheet in wb.sheet_names() {
                out.push(sheet.clone());
                let range = wb.worksheet_range(&sheet).unwrap();
                for cell in range.used_cells() {
                    if let Data::String(s) = cell.2 {
                        out.push(s.trim().to_string());
                    }
                }
            }
        } else if name.ends_with(".csv") {
            let bytes = std::fs::read(&path).unwrap();
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            let text = match std::str::from_utf8(bytes) {
                Ok(s) => s.to_string(),
                Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
            };
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            for record in reader.records() {
                for field in record.unwrap().iter() {
                    out.push(field.trim().to_string());
                }
            }
        }
    }
    out
}

/// The config's data: role labels, rating items and sale types (the built-in config, which the
/// fixture runs with).
pub(crate) fn config_strings() -> Vec<String> {
    fn walk(key: &str, v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s) if ["label", "item", "types"].contains(&key) => {
                out.push(s.clone())
            }
            toml::Value::Array(a) => a.iter().for_each(|x| walk(key, x, out)),
            toml::Value::Table(t) => t.iter().for_each(|(k, x)| walk(k, x, out)),
            _ => {}
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/default_config.toml");
    let cfg: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = Vec::new();
    walk("", &cfg, &mut out);
    out
}

/// Every text of a workbook a person reads, with where it is: sheet names, cells, notes,
/// chart texts and the title.
fn workbook_texts(path: &Path) -> Vec<(String, String)> {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut out = Vec::new();
    let mut wb = open_workbook_auto(path).unwrap();
    for sheet in wb.sheet_names() {
        out.push((format!("{file}: sheet name"), sheet.clone()));
        let range = wb.worksheet_range(&sheet).unwrap();
        for (r, c, cell) in range.used_cells() {
            if let Data::String(s) = cell {
                let (r0, c0) = range.start().unwrap();
                let at = format!(
                    "{file}: {sheet}!R{}C{}",
                    r0 as usize + r + 1,
                    c0 as usize + c + 1
                );
                out.push((at, s.clone()));
            }
        }
    }
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    for n in names {
        let (open, close) = if n.starts_with("xl/comments") {
            ("<comment ", "</comment>")
        } else if n.starts_with("xl/charts/chart") {
            ("<c:tx>", "</c:tx>")
        } else if n == "docProps/core.xml" {
            ("<dc:title>", "</dc:title>")
        } else {
            continue;
        };
        let mut xml = String::new();
        zip.by_name(&n).unwrap().read_to_string(&mut xml).unwrap();
        for piece in xml.split(open).skip(1) {
            let body = piece.split(close).next().unwrap_or("");
            out.push((format!("{file}: {n}"), xml_text(body)));
        }
    }
    out
}

/// The text of an XML fragment: its `<t>`/`<a:t>`/`<c:v>` contents (or, without tags, the
/// fragment), entities decoded.
fn xml_text(body: &str) -> String {
    let mut text = String::new();
    if !body.contains('<') {
        text.push_str(body);
    }
    for tag in ["<t>", "<t xml:space=\"preserve\">", "<a:t>", "<c:v>"] {
        for piece in body.split(tag).skip(1) {
            text.push_str(piece.split("</").next().unwrap_or(""));
            text.push('\n');
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// `text` with every data string in it taken out (longest first; a one-character string only
/// when it is the whole text).
fn without_data(text: &str, data: &[String]) -> String {
    let trimmed = text.trim();
    // A checksum (数据 sheet) is a value, not a word.
    let checksum = trimmed.len() == 64 && trimmed.chars().all(|c| c.is_ascii_hexdigit());
    if checksum || data.iter().any(|d| d == trimmed) {
        return String::new();
    }
    let mut t = text.to_string();
    for d in data.iter().filter(|d| d.chars().count() >= 2) {
        if t.contains(d.as_str()) {
            t = t.replace(d.as_str(), " ");
        }
    }
    t
}

fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 1 && !ALLOWED.contains(&w.to_ascii_lowercase().as_str()))
        .map(str::to_string)
        .collect()
}

/// Chinese characters and full-width punctuation.
fn cjk(text: &str) -> String {
    text.chars()
        .filter(|c| {
            ('\u{4e00}'..='\u{9fff}').contains(c)
                || ('\u{3000}'..='\u{303f}').contains(c)
                || ('\u{ff00}'..='\u{ffef}').contains(c)
        })
        .collect()
}

/// The words of the other language in every text of `books`, data aside.
fn foreign(books: &[PathBuf], lang: &str, data: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for book in books {
        for (at, text) in workbook_texts(book) {
            let rest = without_data(&text, data);
            let bad = match lang {
                "zh" => english_words(&rest).join(" "),
                _ => cjk(&rest),
            };
            if !bad.is_empty() {
                found.push(format!("{at}: [{bad}] in {text:?}"));
            }
        }
    }
    found
}

#[test]
fn the_scorecard_speaks_one_language() {
    let clinic = fixtures().join("clinic");
    let mut base = fixture_strings(&clinic);
    base.extend(config_strings());
    let mut problems = Vec::new();
    for lang in ["zh", "en"] {
        let w = Workdir::new();
        let data_dir = clinic.to_str().unwrap();
        let mut books = Vec::new();
        let mut data = base.clone();
        let runs: [&[&str]; 3] = [
            &["--month", "2026-10", "-o", "month.xlsx"],
            &["--quarter", "2026-Q4", "-o", "quarter.xlsx"],
            &["--month", "2026-10", "--split-by", "person", "-o", "people"],
        ];
        for extra in runs {
            let mut args = vec![
                "score", "--data", data_dir, "--lang", lang, "--format", "json", "-q",
            ];
            args.extend_from_slice(extra);
            let run = w.run(&args);
            assert_eq!(run.code, 0, "{run}");
        }
        books.push(w.path().join("month.xlsx"));
        books.push(w.path().join("quarter.xlsx"));
        let mut people: Vec<PathBuf> = std::fs::read_dir(w.path().join("people"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        people.sort();
        assert_eq!(people.len(), 12, "one workbook per person scored");
        books.extend(people);
        // The scorecard's own sheet names are words, whatever the config's labels: with
        // --lang en the role sheets are named by their config key.
        for book in &books[..2] {
            let names = open_workbook_auto(book).unwrap().sheet_names();
            let foreign: Vec<&String> = match lang {
                "zh" => names.iter().filter(|n| n.is_ascii()).collect(),
                _ => names.iter().filter(|n| !cjk(n).is_empty()).collect(),
            };
            assert!(
                foreign.is_empty(),
                "--lang {lang}: sheets {foreign:?} of {names:?}"
            );
        }
        // So are the roles in the Role column of the summary and the payroll sheet.
        if lang == "en" {
            let mut wb = open_workbook_auto(&books[0]).unwrap();
            for name in ["Summary", "Payroll"] {
                let range = wb.worksheet_range(name).unwrap();
                let rows: Vec<&[Data]> = range.rows().collect();
                let col = rows[0]
                    .iter()
                    .position(|h| h == &Data::String("Role".into()))
                    .unwrap_or_else(|| panic!("{name}: no Role column in {:?}", rows[0]));
                let header_rows = if name == "Summary" { 2 } else { 1 };
                assert!(rows.len() > header_rows, "{name}: nobody listed");
                for row in &rows[header_rows..] {
                    let role = row[col].to_string();
                    assert!(cjk(&role).is_empty(), "{name}: role {role:?} in --lang en");
                }
            }
        }
        data.sort();
        data.dedup();
        data.sort_by_key(|d| std::cmp::Reverse(d.chars().count()));
        problems.extend(
            foreign(&books, lang, &data)
                .into_iter()
                .map(|p| format!("--lang {lang}: {p}")),
        );
    }
    assert!(
        problems.is_empty(),
        "{} texts in the other language:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The checker itself: Chinese with an English word, and English with a Chinese one, are found;
/// data is not.
#[test]
fn the_language_check_finds_the_other_language() {
    let data = vec!["林晓雯".to_string(), "VIP客户".to_string()];
    assert_eq!(english_words(&without_data("得分 score", &data)), ["score"]);
    assert!(english_words(&without_data("林晓雯 VIP客户 的 KPI", &data)).is_empty());
    assert_eq!(cjk(&without_data("score：林晓雯", &data)), "：");
    assert_eq!(cjk(&without_data("Staff 林晓雯", &data)), "");
}
