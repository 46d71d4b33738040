//! Hostile and broken inputs (issue 6), through the real binary: every case ends in a clear
//! sentence naming the file (and sheet, row, column where there is one), the documented exit
//! code, no panic, and within a time bound. Each file is built here from bytes, except the two
//! under fixtures/hostile/ (see its README). Cases that were already covered stay in check.rs:
//! empty file, HTML as .xls, tab-separated text as .xls, random bytes as .xlsx, a truncated
//! xlsx, a cell at XFD1048576, a forged string count, a zip bomb part.

use crate::workdir::{counts, fixtures, input, Run, Workdir};
use serde_json::Value;
use std::io::Write;

/// The run failed with `code` and one sentence on stderr holding every phrase; no panic.
fn assert_refused(run: &Run, code: i32, phrases: &[&str]) {
    assert_eq!(run.code, code, "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
    assert!(!run.stderr.contains("internal error"), "{run}");
    assert_eq!(run.stderr.trim_end().lines().count(), 1, "{run}");
    for p in phrases {
        assert!(run.stderr.contains(p), "want {p:?}:\n{run}");
    }
}

/// `check --format json` succeeded without a panic; its JSON.
fn checked(run: &Run) -> Value {
    assert_eq!(run.code, 0, "{run}");
    assert!(!run.stderr.contains("panicked"), "{run}");
    run.json()
}

fn errors(json: &Value) -> Vec<&Value> {
    json["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter(|i| i["severity"] == "error")
        .collect()
}

/// The one error issue of the run, with its message.
fn only_error(json: &Value) -> (&Value, &str) {
    let errs = errors(json);
    assert_eq!(errs.len(), 1, "{json:#}");
    (errs[0], errs[0]["message"].as_str().unwrap())
}

// ---------------------------------------------------------------------------------------------
// Hand-built xlsx workbooks
// ---------------------------------------------------------------------------------------------

/// A text cell (inline string).
fn s(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A number cell, the value as written in the XML.
fn n(r: &str, v: &str) -> String {
    format!(r#"<c r="{r}"><v>{v}</v></c>"#)
}

/// A number cell formatted as a date (style 1 is the built-in date format 14).
fn d(r: &str, v: &str) -> String {
    format!(r#"<c r="{r}" s="1"><v>{v}</v></c>"#)
}

fn row(r: u32, cells: &[String]) -> String {
    format!(r#"<row r="{r}">{}</row>"#, cells.concat())
}

/// The sales header 日期 顾客 实收金额 咨询师 in row 1.
fn sales_header() -> String {
    row(
        1,
        &[
            s("A1", "日期"),
            s("B1", "顾客"),
            s("C1", "实收金额"),
            s("D1", "咨询师"),
        ],
    )
}

/// A sales row: date as text, customer, amount cell as given, consultant.
fn sale(r: u32, date: &str, amount: String) -> String {
    row(
        r,
        &[
            s(&format!("A{r}"), date),
            s(&format!("B{r}"), "13800001234"),
            amount,
            s(&format!("D{r}"), "王丽"),
        ],
    )
}

/// Writes `name` as an xlsx with `sheets` (name, `<sheetData>` content; `None`: the workbook
/// lists the sheet but its part is not in the zip), in the 1904 date system when asked.
fn xlsx(w: &Workdir, name: &str, sheets: &[(&str, Option<&str>)], date1904: bool) {
    let mut workbook_sheets = String::new();
    let mut rels = String::new();
    let mut parts: Vec<(String, String)> = Vec::new();
    for (i, (sheet, data)) in sheets.iter().enumerate() {
        let k = i + 1;
        workbook_sheets.push_str(&format!(
            r#"<sheet name="{sheet}" sheetId="{k}" r:id="rId{k}"/>"#
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{k}.xml"/>"#
        ));
        if let Some(data) = data {
            parts.push((
                format!("xl/worksheets/sheet{k}.xml"),
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
                ),
            ));
        }
    }
    rels.push_str(r#"<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#);
    let pr = if date1904 {
        r#"<workbookPr date1904="1"/>"#
    } else {
        "<workbookPr/>"
    };
    parts.push((
        "[Content_Types].xml".into(),
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#.into(),
    ));
    parts.push((
        "_rels/.rels".into(),
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
    ));
    parts.push((
        "xl/workbook.xml".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{pr}<sheets>{workbook_sheets}</sheets></workbook>"#
        ),
    ));
    parts.push((
        "xl/_rels/workbook.xml.rels".into(),
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    ));
    parts.push((
        "xl/styles.xml".into(),
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#.into(),
    ));
    let file = std::fs::File::create(w.path().join(name)).unwrap();
    let mut z = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (part, text) in &parts {
        z.start_file(part.as_str(), opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

/// 消费.xlsx with one sheet 消费 holding the sales header and `rows`.
fn sales_book(w: &Workdir, rows: &[String]) {
    let data = format!("{}{}", sales_header(), rows.concat());
    xlsx(w, "消费.xlsx", &[("消费", Some(&data))], false);
}

// ---------------------------------------------------------------------------------------------
// What a file is, told by its content
// ---------------------------------------------------------------------------------------------

#[test]
fn csv_named_xlsx_is_read_as_csv() {
    let w = Workdir::new();
    w.write(
        "消费.xlsx",
        "日期,顾客,实收金额,咨询师\n2026-10-03,13800001234,\"¥3,200.00\",王丽\n",
    );
    let j = checked(&w.run(&["check", "--format", "json"]));
    let i = input(&j, "消费.xlsx", None);
    assert_eq!(counts(i), [1, 1, 0, 0, 0]);
    assert_eq!(i["amount_used"], 3200.0);
}

#[test]
fn xls_named_xlsx_is_read_as_xls() {
    // A genuine Excel 97 workbook saved as .xlsx: its two rows are 3200 and ¥1,980.00.
    let w = Workdir::new();
    let bytes = std::fs::read(fixtures().join("hostile/sales-biff8.xls")).unwrap();
    w.write("消费.xlsx", &bytes);
    let j = checked(&w.run(&["check", "--format", "json", "--month", "2026-10"]));
    let i = input(&j, "消费.xlsx", Some("消费"));
    assert_eq!(counts(i), [2, 2, 0, 0, 0]);
    // 3200 + 1980 = 5180.
    assert_eq!(i["amount_used"], 5180.0);
}

/// The BIFF8 fixture with `patch` applied to the record whose header is `header`.
fn patched_xls(w: &Workdir, header: &[u8], patch: impl Fn(&mut [u8])) {
    let mut bytes = std::fs::read(fixtures().join("hostile/sales-biff8.xls")).unwrap();
    let at = bytes
        .windows(header.len())
        .position(|win| win == header)
        .expect("record in the fixture");
    patch(&mut bytes[at + 4..]);
    w.write("消费.xls", &bytes);
}

#[test]
fn forged_xls_sizes_are_refused_not_aborted() {
    // calamine reserves a sheet's cells from its DIMENSIONS record: 4 billion rows × 65,535
    // columns ended the process on a failed allocation (exit 134, no message). It also lays a
    // sheet out as a dense grid spanning its cells, so a cell in column 65,536 together with
    // one in row 65,536 would ask for 4 billion cells. Both are refused from the records first.
    let w = Workdir::new();
    // DIMENSIONS (0x0200, 14 bytes): last row + 1 at 4..8, last column + 1 at 10..12.
    patched_xls(&w, b"\x00\x02\x0e\x00", |r| {
        r[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        r[10..12].copy_from_slice(&u16::MAX.to_le_bytes());
    });
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &[
            "消费.xls cannot be read: it describes a sheet of rows 0 to 4294967295 and 65535 columns",
            "beyond the Excel 97–2003 limit of 65,536 rows × 256 columns",
        ],
    );
    // LABELSST (0x00FD, 10 bytes): the column at 2..4.
    let w = Workdir::new();
    patched_xls(&w, b"\xfd\x00\x0a\x00", |r| {
        r[2..4].copy_from_slice(&u16::MAX.to_le_bytes());
    });
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &["消费.xls cannot be read: it describes a cell in column 65536"],
    );
}

#[test]
fn garbage_behind_the_ole_signature_is_one_sentence() {
    // The first 8 bytes of an Excel 97–2003 file, then noise; and the genuine file cut in half.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.extend((0..4000u32).map(|i| (i.wrapping_mul(2654435761) >> 11) as u8));
    let w = Workdir::new();
    w.write("消费.xls", &bytes);
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &["消费.xls cannot be read: it is a damaged Excel 97–2003 file"],
    );
    let full = std::fs::read(fixtures().join("hostile/sales-biff8.xls")).unwrap();
    let w = Workdir::new();
    w.write("消费.xls", &full[..full.len() / 2]);
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &["消费.xls cannot be read: it is a damaged Excel 97–2003 file"],
    );
}

#[test]
fn encrypted_xlsx_says_password_protected() {
    // What Excel writes for a workbook with a password: an OLE file, not a zip.
    let w = Workdir::new();
    let bytes = std::fs::read(fixtures().join("hostile/sales-encrypted.xlsx")).unwrap();
    w.write("消费.xlsx", &bytes);
    let r = w.run(&["check", "--lang", "en"]);
    assert_refused(
        &r,
        1,
        &[
            "消费.xlsx cannot be read: it is password-protected",
            "remove the password in Excel (File → Info → Protect Workbook",
            "export again",
        ],
    );
    // `score` stops on it the same way and writes nothing.
    let r = w.run(&["score", "--lang", "en", "--month", "2026-10"]);
    assert_refused(
        &r,
        1,
        &["消费.xlsx cannot be read: it is password-protected"],
    );
    let written: Vec<_> = std::fs::read_dir(w.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(written, ["消费.xlsx"], "{r}");
    // The same file named .xls (the OLE container is what gives it away, not the name).
    let w = Workdir::new();
    w.write("消费.xls", &bytes);
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &["消费.xls cannot be read: it is password-protected"],
    );
}

#[test]
fn genuine_ods_is_read() {
    // LibreOffice's ODS of the same two sales: 3200 + 1980 = 5180.
    let w = Workdir::new();
    let bytes = std::fs::read(fixtures().join("hostile/sales.ods")).unwrap();
    w.write("消费.ods", &bytes);
    let j = checked(&w.run(&["check", "--format", "json", "--month", "2026-10"]));
    let i = input(&j, "消费.ods", Some("消费"));
    assert_eq!(counts(i), [2, 2, 0, 0, 0]);
    assert_eq!(i["amount_used"], 5180.0);
}

#[test]
fn ods_repeat_bomb_is_refused_before_it_is_laid_out() {
    // Under 1 KB on disk: one row of 10 cells repeated a million times, which calamine would
    // copy into a 10-million-cell grid (1.9 GB). Refused from the tags, 10,000,010 cells over
    // the 8,388,608 limit.
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="消费"><table:table-row><table:table-cell office:value-type="string"><text:p>日期</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>顾客</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>实收金额</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="10" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let w = Workdir::new();
    let file = std::fs::File::create(w.path().join("消费.ods")).unwrap();
    let mut z = zip::ZipWriter::new(file);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("content.xml", deflated).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.finish().unwrap();
    assert!(std::fs::metadata(w.path().join("消费.ods")).unwrap().len() < 1024);
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &[
            "消费.ods cannot be read: its sheet 消费 spans 1000001 rows × 10 columns (10000010 cells)",
            "export it as .xlsx or CSV instead",
        ],
    );
}

#[test]
fn utf16_unicode_text_named_xls_is_read() {
    // Excel's "Unicode text" export: UTF-16LE with a BOM, tab-separated, often saved as .xls.
    let text = "日期\t顾客\t实收金额\t咨询师\r\n2026-10-03\t13800001234\t3200\t王丽\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let w = Workdir::new();
    w.write("消费.xls", &bytes);
    let j = checked(&w.run(&["check", "--format", "json"]));
    let i = input(&j, "消费.xls", None);
    assert_eq!(counts(i), [1, 1, 0, 0, 0]);
    assert_eq!(i["amount_used"], 3200.0);
}

// ---------------------------------------------------------------------------------------------
// Sheet XML that Excel never writes
// ---------------------------------------------------------------------------------------------

#[test]
fn cell_references_past_excels_limits_refuse_the_sheet() {
    // Row 2 is a good sale; row 3's amount cell has an impossible reference. Excel cannot open
    // such a file, so the sheet is refused as a whole (exit 1) rather than guessed at.
    // C4294967298 is 2^32 + 2: without overflow checks calamine would wrap it to C2 and the
    // amount would silently land in row 2.
    for bad_ref in [
        "A99999999999",
        "C4294967298",
        "ZZZZZZZZ1",
        "A1048577",
        "XFE3",
        "A0",
    ] {
        let w = Workdir::new();
        sales_book(
            &w,
            &[
                sale(2, "2026-10-03", n("C2", "3200")),
                sale(3, "2026-10-04", n(bad_ref, "100")),
            ],
        );
        let r = w.run(&["check", "--lang", "en"]);
        assert_refused(
            &r,
            1,
            &[
                "消费.xlsx, sheet 消费 cannot be read: ",
                "the file was not saved by Excel or is damaged: export it again",
            ],
        );
    }
    // Too long for the reader's numbers.
    let w = Workdir::new();
    sales_book(&w, &[sale(2, "2026-10-03", n("A99999999999", "3200"))]);
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &["a cell reference lies beyond Excel's last cell XFD1048576"],
    );
    // Past the grid but within the reader's numbers, the message says where.
    let w = Workdir::new();
    sales_book(&w, &[sale(2, "2026-10-03", n("C1048577", "3200"))]);
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &["beyond Excel's last cell XFD1048576 (row 1048577, column 3)"],
    );
}

#[test]
fn a_cell_written_twice_with_two_values_rejects_its_row() {
    // Row 2 lists C2 twice with different amounts: which is meant cannot be told, so the row
    // is rejected. Row 3 lists C3 twice with the same amount: read once, used.
    let w = Workdir::new();
    let twice = format!("{}{}", n("C2", "3200"), n("C2", "320"));
    let same = format!("{}{}", n("C3", "500"), n("C3", "500"));
    sales_book(
        &w,
        &[sale(2, "2026-10-03", twice), sale(3, "2026-10-04", same)],
    );
    let j = checked(&w.run(&["check", "--lang", "en", "--format", "json"]));
    let i = input(&j, "消费.xlsx", Some("消费"));
    assert_eq!(counts(i), [2, 1, 0, 1, 0]);
    assert_eq!(i["amount_used"], 500.0);
    let (e, msg) = only_error(&j);
    assert_eq!(e["file"], "消费.xlsx");
    assert_eq!(e["sheet"], "消费");
    assert_eq!(e["row"], 2);
    assert!(msg.contains("the cell C2 is written twice"), "{msg}");
    assert!(msg.contains("'3200' and as '320'"), "{msg}");
}

#[test]
fn a_sheet_missing_from_the_zip_is_an_error_issue_and_the_rest_is_read() {
    // workbook.xml lists 消费 and 到院; the zip has no part for 到院.
    let w = Workdir::new();
    let data = format!(
        "{}{}",
        sales_header(),
        sale(2, "2026-10-03", n("C2", "3200"))
    );
    xlsx(
        &w,
        "门店导出.xlsx",
        &[("消费", Some(&data)), ("到院", None)],
        false,
    );
    let j = checked(&w.run(&["check", "--lang", "en", "--format", "json"]));
    assert_eq!(
        counts(input(&j, "门店导出.xlsx", Some("消费"))),
        [1, 1, 0, 0, 0]
    );
    assert_eq!(j["inputs"].as_array().unwrap().len(), 1, "{j:#}");
    let (e, msg) = only_error(&j);
    assert_eq!(e["file"], "门店导出.xlsx");
    assert_eq!(e["sheet"], "到院");
    assert!(msg.contains("its data is missing from the file"), "{msg}");
    // Under --strict that error stops the run.
    let r = w.run(&["check", "--lang", "en", "--strict", "-q"]);
    assert_eq!(r.code, 3, "{r}");
}

#[test]
fn malformed_number_cell_refuses_the_sheet() {
    // `t="n"` with text in it: the reader cannot go on past it.
    let w = Workdir::new();
    sales_book(
        &w,
        &[sale(
            2,
            "2026-10-03",
            r#"<c r="C2" t="n"><v>abc</v></c>"#.to_string(),
        )],
    );
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &[
            "消费.xlsx, sheet 消费 cannot be read: its sheet data is malformed",
            "export it again",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Values in workbook cells
// ---------------------------------------------------------------------------------------------

/// (row, column, value shown, message) of each error issue, sorted by row.
fn row_errors(j: &Value) -> Vec<(u64, String, String, String)> {
    let mut out: Vec<_> = errors(j)
        .iter()
        .map(|e| {
            assert_eq!(e["file"], "消费.xlsx", "{e}");
            assert_eq!(e["sheet"], "消费", "{e}");
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_string(),
                e["value"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn impossible_amounts_reject_their_rows() {
    // Row 2 good (3200); row 3 `1e999` (overflows to infinity); row 4 `NaN`; row 5 a text
    // amount; row 6 an amount beyond 1e13 yuan (a phone number typed in the wrong column).
    let w = Workdir::new();
    sales_book(
        &w,
        &[
            sale(2, "2026-10-03", n("C2", "3200")),
            sale(3, "2026-10-03", n("C3", "1e999")),
            sale(4, "2026-10-03", n("C4", "NaN")),
            sale(5, "2026-10-03", s("C5", "待定")),
            sale(6, "2026-10-03", n("C6", "1.38e13")),
        ],
    );
    let j = checked(&w.run(&["check", "--lang", "en", "--format", "json"]));
    let i = input(&j, "消费.xlsx", Some("消费"));
    assert_eq!(counts(i), [5, 1, 0, 4, 0]);
    assert_eq!(i["amount_used"], 3200.0);
    let errs = row_errors(&j);
    let rows: Vec<u64> = errs.iter().map(|e| e.0).collect();
    assert_eq!(rows, [3, 4, 5, 6]);
    for (_, column, _, message) in &errs {
        assert_eq!(column, "实收金额");
        assert!(message.contains("is not an amount"), "{message}");
        assert!(message.contains("the row is not used"), "{message}");
    }
    assert_eq!(errs[0].2, "inf");
    assert_eq!(errs[1].2, "NaN");
    assert_eq!(errs[2].2, "待定");
}

#[test]
fn impossible_date_serials_reject_their_rows() {
    // Date cells (styled as dates) and bare numbers in the date column: row 2 is good
    // (46298 = 2026-10-03); below 1, above 2958465 (9999-12-31) and 60 (the 1900-02-29
    // that never was) are rejected, styled or not.
    let w = Workdir::new();
    sales_book(
        &w,
        &[
            row(
                2,
                &[
                    d("A2", "46298"),
                    s("B2", "张三"),
                    n("C2", "100"),
                    s("D2", "王丽"),
                ],
            ),
            row(
                3,
                &[
                    d("A3", "-1"),
                    s("B3", "张三"),
                    n("C3", "100"),
                    s("D3", "王丽"),
                ],
            ),
            row(
                4,
                &[
                    d("A4", "2958466"),
                    s("B4", "张三"),
                    n("C4", "100"),
                    s("D4", "王丽"),
                ],
            ),
            row(
                5,
                &[
                    d("A5", "60"),
                    s("B5", "张三"),
                    n("C5", "100"),
                    s("D5", "王丽"),
                ],
            ),
            row(
                6,
                &[
                    n("A6", "-1"),
                    s("B6", "张三"),
                    n("C6", "100"),
                    s("D6", "王丽"),
                ],
            ),
            row(
                7,
                &[
                    n("A7", "2958466"),
                    s("B7", "张三"),
                    n("C7", "100"),
                    s("D7", "王丽"),
                ],
            ),
            row(
                8,
                &[
                    n("A8", "60"),
                    s("B8", "张三"),
                    n("C8", "100"),
                    s("D8", "王丽"),
                ],
            ),
        ],
    );
    let j = checked(&w.run(&[
        "check", "--lang", "en", "--format", "json", "--month", "2026-10",
    ]));
    let i = input(&j, "消费.xlsx", Some("消费"));
    assert_eq!(counts(i), [7, 1, 0, 6, 0]);
    let errs = row_errors(&j);
    let rows: Vec<u64> = errs.iter().map(|e| e.0).collect();
    assert_eq!(rows, [3, 4, 5, 6, 7, 8]);
    for (_, column, _, message) in &errs {
        assert_eq!(column, "日期");
        assert!(message.contains("is not a date"), "{message}");
    }
    assert!(errs[3].3.contains("before 1900-01-01"), "{errs:?}");
    assert!(errs[4].3.contains("after 9999-12-31"), "{errs:?}");
    assert!(errs[5].3.contains("1900-02-29 does not exist"), "{errs:?}");
}

#[test]
fn the_1904_date_system_is_read() {
    // In a 1904 workbook serial 44836 is 2026-10-03 (in the 1900 system it would be
    // 2022-10-02, out of the period): styled or bare, both rows are October's.
    let w = Workdir::new();
    let data = format!(
        "{}{}{}",
        sales_header(),
        row(
            2,
            &[
                d("A2", "44836"),
                s("B2", "张三"),
                n("C2", "100"),
                s("D2", "王丽")
            ]
        ),
        row(
            3,
            &[
                n("A3", "44836"),
                s("B3", "李四"),
                n("C3", "200"),
                s("D3", "王丽")
            ]
        ),
    );
    xlsx(&w, "消费.xlsx", &[("消费", Some(&data))], true);
    let j = checked(&w.run(&["check", "--format", "json", "--month", "2026-10"]));
    let i = input(&j, "消费.xlsx", Some("消费"));
    assert_eq!(counts(i), [2, 2, 0, 0, 0]);
    assert_eq!(i["amount_used"], 300.0);
    // The same workbook in the 1900 system: both rows are 2022, out of the period.
    let w = Workdir::new();
    xlsx(&w, "消费.xlsx", &[("消费", Some(&data))], false);
    let j = checked(&w.run(&["check", "--format", "json", "--month", "2026-10"]));
    assert_eq!(
        counts(input(&j, "消费.xlsx", Some("消费"))),
        [2, 0, 2, 0, 0]
    );
}

// ---------------------------------------------------------------------------------------------
// Broken CSV
// ---------------------------------------------------------------------------------------------

const CSV_HEADER: &str = "日期,顾客,实收金额,咨询师\n";

/// The error issues of a CSV file as (row, column, message), sorted by row.
fn csv_errors(j: &Value, file: &str) -> Vec<(u64, String, String)> {
    let mut out: Vec<_> = errors(j)
        .iter()
        .map(|e| {
            assert_eq!(e["file"], file, "{e}");
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn ragged_csv_rows() {
    // Row 2 short (ends before 实收金额 and 咨询师): rejected. Row 3 with two extra fields: a
    // shifted row (SPEC §2.2), rejected too (before issue 13 the extra fields were ignored).
    let w = Workdir::new();
    w.write(
        "消费.csv",
        format!("{CSV_HEADER}2026-10-03,张三\n2026-10-03,李四,500,王丽,x,y\n"),
    );
    let j = checked(&w.run(&["check", "--lang", "en", "--format", "json"]));
    let i = input(&j, "消费.csv", None);
    assert_eq!(counts(i), [2, 0, 0, 2, 0]);
    assert_eq!(i["amount_used"], 0.0);
    let errs = csv_errors(&j, "消费.csv");
    assert_eq!(errs.len(), 2);
    assert_eq!((errs[0].0, errs[0].1.as_str()), (2, "实收金额"));
    assert!(
        errs[0]
            .2
            .contains("this row has 2 fields but the header has 4"),
        "{errs:?}"
    );
    assert_eq!(errs[1].0, 3);
    assert!(
        errs[1]
            .2
            .starts_with("this row has 6 fields but the header has 4"),
        "{errs:?}"
    );
}

#[test]
fn unterminated_quote_in_a_long_csv() {
    // A quote opened in row 3 and never closed swallows the 40,000 rows after it: row 3 is
    // rejected saying so (the record cap bounds the memory it takes); row 2 is still used.
    let w = Workdir::new();
    let mut text = format!("{CSV_HEADER}2026-10-03,张三,100,王丽\n2026-10-04,\"李四,200,王丽\n");
    for _ in 0..40_000 {
        text.push_str("2026-10-05,王五,300,王丽\n");
    }
    w.write("消费.csv", text);
    let j = checked(&w.run(&["check", "--lang", "en", "--format", "json"]));
    let i = input(&j, "消费.csv", None);
    assert_eq!(counts(i), [2, 1, 0, 1, 0]);
    let errs = csv_errors(&j, "消费.csv");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, 3);
    assert!(errs[0].2.contains("is never closed"), "{errs:?}");
}

#[test]
fn overlong_csv_field_is_rejected_and_reading_goes_on() {
    // Row 3 holds a closed quoted field of 1.5 MiB, over the 1 MiB field cap: rejected; row 4
    // after it is read.
    let w = Workdir::new();
    let long = "x".repeat(1_500_000);
    w.write(
        "消费.csv",
        format!("{CSV_HEADER}2026-10-03,张三,100,王丽\n2026-10-04,\"{long}\",200,王丽\n2026-10-05,王五,300,王丽\n"),
    );
    let j = checked(&w.run(&["check", "--lang", "en", "--format", "json"]));
    let i = input(&j, "消费.csv", None);
    assert_eq!(counts(i), [3, 2, 0, 1, 0]);
    assert_eq!(i["amount_used"], 400.0);
    let errs = csv_errors(&j, "消费.csv");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, 3);
    assert!(
        errs[0]
            .2
            .contains("field longer than 1048576 bytes (column 2)"),
        "{errs:?}"
    );
}

#[test]
fn unterminated_quote_in_a_short_csv() {
    // The same stray quote in a short file: the rows after it end up inside row 3, which is
    // rejected saying so (never a row silently holding the rest of the file).
    let w = Workdir::new();
    w.write(
        "消费.csv",
        format!("{CSV_HEADER}2026-10-03,张三,100,王丽\n2026-10-04,\"李四,200,王丽\n2026-10-05,王五,300,王丽\n"),
    );
    let j = checked(&w.run(&["check", "--lang", "en", "--format", "json"]));
    assert_eq!(counts(input(&j, "消费.csv", None)), [2, 1, 0, 1, 0]);
    let errs = csv_errors(&j, "消费.csv");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, 3);
    assert!(
        errs[0]
            .2
            .contains("a quote (\") opened in this row is never closed"),
        "{errs:?}"
    );
}

#[test]
fn nul_bytes_reject_their_csv_row() {
    let w = Workdir::new();
    w.write(
        "消费.csv",
        format!("{CSV_HEADER}2026-10-03,张\0三,100,王丽\n2026-10-04,李四,200,王丽\n").as_bytes(),
    );
    let j = checked(&w.run(&["check", "--lang", "en", "--format", "json"]));
    assert_eq!(counts(input(&j, "消费.csv", None)), [2, 1, 0, 1, 0]);
    let errs = csv_errors(&j, "消费.csv");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, 2);
    assert!(
        errs[0].2.contains("NUL byte in this row (column 2)"),
        "{errs:?}"
    );
}

#[test]
fn gbk_csv_cut_in_a_character() {
    // A GBK export whose last row was cut in the middle of 丽: that row is rejected as
    // undecodable; the rows before it are read.
    let text = format!("{CSV_HEADER}2026-10-03,张三,100,王丽\n2026-10-04,李四,200,王丽");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let mut bytes = gbk.into_owned();
    bytes.pop();
    let w = Workdir::new();
    w.write("消费.csv", &bytes);
    let j = checked(&w.run(&["check", "--lang", "en", "--format", "json"]));
    assert_eq!(counts(input(&j, "消费.csv", None)), [2, 1, 0, 1, 0]);
    let errs = csv_errors(&j, "消费.csv");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, 3);
    assert!(errs[0].2.contains("undecodable bytes"), "{errs:?}");
    assert!(errs[0].2.contains("GB18030"), "{errs:?}");
}

#[test]
fn utf16le_csv_with_bom_is_read() {
    let text = format!("{CSV_HEADER}2026-10-03,张三,¥100.00,王丽\n");
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let w = Workdir::new();
    w.write("消费.csv", &bytes);
    let j = checked(&w.run(&["check", "--format", "json"]));
    let i = input(&j, "消费.csv", None);
    assert_eq!(counts(i), [1, 1, 0, 0, 0]);
    assert_eq!(i["amount_used"], 100.0);
}

#[test]
fn windows_1252_csv_is_decoded_not_garbled() {
    // A Latin-1 export (English headers): é, ü and ß decode to themselves, so the consultant
    // listed is René Müller, not mojibake.
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252
        .encode("date,customer,amount,consultant\n2026-10-03,José Straße,100,René Müller\n");
    assert!(!unmappable);
    let w = Workdir::new();
    w.write("sales.csv", &bytes);
    let r = w.run(&["check", "--lang", "en"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("windows-1252"), "{r}");
    assert!(r.stdout.contains("René Müller"), "{r}");
}

// ---------------------------------------------------------------------------------------------
// Broken configs
// ---------------------------------------------------------------------------------------------

const ONE_ROLE: &str =
    "[roles.consultant]\nlabel = \"咨询师\"\n\n[[roles.consultant.kpi]]\nmetric = \"revenue\"\n";

/// Runs `check` with `config` as clinic-kpi.toml next to a valid sales file.
fn check_with_config(config: &str) -> Run {
    let w = Workdir::new();
    w.write("消费.csv", CSV_HEADER);
    w.write("clinic-kpi.toml", config);
    w.run(&["check", "--lang", "en"])
}

#[test]
fn nan_and_negative_weights_name_the_key_and_line() {
    // Invalid configs are failures (exit 1, SPEC §1), not usage errors.
    let r = check_with_config(&format!("{ONE_ROLE}weight = nan\ntarget = 100000\n"));
    assert_refused(
        &r,
        1,
        &["clinic-kpi.toml", "line 6", "`weight`", "consultant"],
    );
    let r = check_with_config(&format!("{ONE_ROLE}weight = -100\ntarget = 100000\n"));
    assert_refused(&r, 1, &["clinic-kpi.toml", "line 6", "`weight`", "-100"]);
}

#[test]
fn thresholds_in_the_wrong_order_name_the_key_and_line() {
    // Higher is better, yet the floor (0.6) is above the target (0.5).
    let r = check_with_config(
        "[roles.consultant]\nlabel = \"咨询师\"\n\n[[roles.consultant.kpi]]\nmetric = \"conversion_rate\"\nweight = 100\nfloor = 0.6\ntarget = 0.5\n",
    );
    assert_refused(
        &r,
        1,
        &["clinic-kpi.toml", "line 7", "`floor`", "consultant"],
    );
}

#[test]
fn a_role_without_kpis_is_refused() {
    let r = check_with_config("[roles.consultant]\nlabel = \"咨询师\"\n");
    assert_refused(&r, 1, &["clinic-kpi.toml", "line 1", "consultant"]);
}

#[test]
fn a_2_gib_config_is_refused_before_reading() {
    // A sparse file: 2 GiB long, no blocks written. It must be refused from its size.
    let w = Workdir::new();
    w.write("消费.csv", CSV_HEADER);
    let f = std::fs::File::create(w.path().join("clinic-kpi.toml")).unwrap();
    f.set_len(2 << 30).unwrap();
    let r = w.run(&["check", "--lang", "en"]);
    assert_refused(
        &r,
        1,
        &[
            "config clinic-kpi.toml is 2147483648 bytes",
            "at most 4194304 bytes",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

/// Rewrites the sizes the central directory of `path` declares for part `name` (compressed
/// size at +20, size at +24 of its header `PK\1\2`, name at +46); `None` keeps one.
fn declare(path: &std::path::Path, name: &str, size: u32, compressed: Option<u32>) {
    let mut bytes = std::fs::read(path).unwrap();
    let name = name.as_bytes();
    let at = (0..bytes.len())
        .find(|&i| {
            bytes[i..].starts_with(b"PK\x01\x02")
                && bytes.get(i + 46..i + 46 + name.len()) == Some(name)
        })
        .expect("central directory entry");
    if let Some(c) = compressed {
        bytes[at + 20..at + 24].copy_from_slice(&c.to_le_bytes());
    }
    bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_zip_part_claiming_gigabytes_is_refused_from_the_directory() {
    // A small zip whose central directory claims its sheet part unpacks to 1 GiB (from the
    // few hundred bytes it has): a sheet is streamed, so its size alone is no reason to refuse
    // it (SPEC §7), but that ratio only a bomb has; refused before anything is unpacked.
    let w = Workdir::new();
    sales_book(&w, &[sale(2, "2026-10-03", n("C2", "3200"))]);
    let path = w.path().join("消费.xlsx");
    declare(&path, "xl/worksheets/sheet1.xml", 1 << 30, None);
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &[
            "消费.xlsx cannot be read",
            "xl/worksheets/sheet1.xml is compressed",
            "(1073741824 bytes from",
            "which only a zip bomb does",
        ],
    );
    // A part calamine reads whole (the styles) claiming 1 GiB from 16 MiB (64:1, a ratio a
    // genuine part can have): refused by its size, more than any such part holds.
    sales_book(&w, &[sale(2, "2026-10-03", n("C2", "3200"))]);
    declare(&path, "xl/styles.xml", 1 << 30, Some(16 << 20));
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &[
            "消费.xlsx cannot be read",
            "its part xl/styles.xml unpacks to 1073741824 bytes, more than the 536870912 a part read whole may hold",
            "not a genuine export",
        ],
    );
}

#[test]
fn a_sheet_inflating_past_its_declared_size_is_refused_while_streamed() {
    // The sheet holds 8 MiB of blanks between its rows (they deflate to a few KiB) but its
    // directory entry declares 64 KiB: within every ratio, so it is streamed, and the
    // inflated bytes are checked against the declared size as they come: refused, not read on
    // for as long as the bomb lasts.
    let w = Workdir::new();
    let padding = " ".repeat(8 << 20);
    sales_book(
        &w,
        &[
            sale(2, "2026-10-03", n("C2", "3200")),
            padding,
            sale(3, "2026-10-04", n("C3", "880")),
        ],
    );
    let path = w.path().join("消费.xlsx");
    declare(&path, "xl/worksheets/sheet1.xml", 64 << 10, None);
    assert_refused(
        &w.run(&["check", "--lang", "en"]),
        1,
        &[
            "消费.xlsx, sheet 消费 cannot be read",
            "File is larger than its declared uncompressed size",
        ],
    );
}
