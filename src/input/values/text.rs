//! Text: folding full-width forms, names, ids and header names, yes/no flags, and masking
//! customer identifiers and phone numbers.

use super::*;

// ---------------------------------------------------------------------------------------------
// Text folding
// ---------------------------------------------------------------------------------------------

/// Maps a full-width ASCII form (U+FF01..=U+FF5E) to its ASCII character; the block is the
/// ASCII range 0x21..=0x7E shifted by 0xFEE0.
pub(crate) fn fold_char(c: char) -> char {
    let u = u32::from(c);
    if (0xFF01..=0xFF5E).contains(&u) {
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// True for characters that are dropped outright: the full-width space (it separates the two
/// characters of a Chinese name for alignment and never carries meaning), the byte-order mark
/// and zero-width spaces (invisible, left behind by exports and copy-paste).
pub(crate) fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{3000}' | '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}'
    )
}

/// Trims, removes full-width spaces (and invisible zero-width characters), folds full-width
/// ASCII to ASCII (`１２３` → `123`, `Ａ` → `A`) and collapses each internal run of other
/// whitespace to one ASCII space.
pub fn fold_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_dropped(c) {
            continue;
        }
        let c = fold_char(c);
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// `fold_text` without any whitespace at all, for values where spaces never matter
/// (`¥ 3,200`, `RMB 3200`, `2026 年 10 月`).
pub(super) fn fold_compact(s: &str) -> String {
    fold_text(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Names, ids and headers
// ---------------------------------------------------------------------------------------------

/// A staff or customer name, or an id, as comparable text.
///
/// Text is folded with [`fold_text`]; an all-digit id that Excel wrote as `13800001234.0`
/// loses the zero fraction. A number cell reads as its integer digits. Bool and date cells read
/// as their display text. Empty or blank cells, non-finite numbers and Excel error values
/// (`#N/A`) give `None`: none of them names anybody.
pub fn normalize_name(cell: &RawCell) -> Option<String> {
    let text = match cell {
        RawCell::Empty | RawCell::Error(_) => return None,
        RawCell::Text(s) => fold_text(s),
        // A BadDate is a number in a cell formatted as a date: read it like a number.
        RawCell::Number(n) | RawCell::BadDate(n) => number_as_id(*n)?,
        RawCell::Bool(_) | RawCell::Date(_) => cell.display(),
    };
    let text = strip_zero_fraction(&text);
    if text.is_empty() {
        None
    } else {
        Some(text.to_string())
    }
}

/// [`normalize_name`] of a text cell that folding leaves as it is (no whitespace, nothing
/// dropped, no full-width ASCII), without copying it: customers, phone numbers and order ids,
/// a million of them in a year, are nearly always such text. None for any other cell.
pub fn plain_name(cell: &RawCell) -> Option<&str> {
    let RawCell::Text(s) = cell else { return None };
    // ASCII (phone numbers, order ids) has no character folding changes or drops: only its
    // whitespace (tab to carriage return, space) is not plain.
    let plain = !s.is_empty()
        && if s.is_ascii() {
            !s.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '))
        } else {
            s.chars()
                .all(|c| !c.is_whitespace() && !is_dropped(c) && fold_char(c) == c)
        };
    plain.then(|| strip_zero_fraction(s))
}

/// Display of a number used as an id. `f64`'s `Display` never uses an exponent and prints no
/// `.0` for integral values, so 13800001234.0 prints `13800001234`.
pub(super) fn number_as_id(n: f64) -> Option<String> {
    if !n.is_finite() {
        return None;
    }
    if n == 0.0 {
        // Avoid "-0" for a negative zero.
        return Some("0".to_string());
    }
    Some(format!("{n}"))
}

/// `123.0` / `123.00` → `123` when everything before the dot is ASCII digits and everything
/// after it is zeros; anything else is returned unchanged.
pub(super) fn strip_zero_fraction(s: &str) -> &str {
    match s.split_once('.') {
        Some((int, frac))
            if !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && !frac.is_empty()
                && frac.bytes().all(|b| b == b'0') =>
        {
            int
        }
        _ => s,
    }
}

/// A column header reduced for matching: folded, without any whitespace (ASCII, NBSP,
/// full-width), lowercased, without the `*` required-field marker at either end and without
/// one trailing unit in brackets: `实收金额(元)`, `实收金额（元）`, `金额[元]`, `金额【元】` → the
/// bare name. A header that is only a bracket, like `(元)`, is kept as it is.
pub fn normalize_header(s: &str) -> String {
    let compact: String = fold_text(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let h = compact.trim_matches('*');
    let h = strip_unit(h);
    h.trim_matches('*').to_string()
}

/// Removes one trailing bracketed unit. Full-width parentheses and square brackets were
/// already folded to ASCII, so only the CJK brackets need their own pairs.
pub(super) fn strip_unit(h: &str) -> &str {
    const PAIRS: [(char, char); 4] = [('(', ')'), ('[', ']'), ('【', '】'), ('〔', '〕')];
    for (open, close) in PAIRS {
        if let Some(inner) = h.strip_suffix(close) {
            if let Some(pos) = inner.rfind(open) {
                // `rfind` returns a char boundary, so `get` only guards against the
                // bracket-only header (empty head).
                if let Some(head) = inner.get(..pos).filter(|head| !head.is_empty()) {
                    return head;
                }
            }
        }
    }
    h
}

// ---------------------------------------------------------------------------------------------
// Yes / no
// ---------------------------------------------------------------------------------------------

/// A yes/no flag (deal closed, valid visit …), case-insensitive after folding.
/// Yes: `是 y yes true 1 √ ✓ ✔ 已成交 成交 有效`, Number 1, TRUE.
/// No: `否 n no false 0 × ✗ ✘ 未成交 无效`, Number 0, FALSE.
/// `x`/`X` is deliberately not accepted: people use it both as a tick and as a cross.
pub fn parse_yes_no(cell: &RawCell) -> Result<bool, Why> {
    let not_yes_no = || Why::NotYesNo;
    match cell {
        RawCell::Bool(b) => Ok(*b),
        RawCell::Number(n) if *n == 1.0 => Ok(true),
        RawCell::Number(n) if *n == 0.0 => Ok(false),
        RawCell::Text(s) => match fold_text(s).to_lowercase().as_str() {
            "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "✔" | "已成交" | "成交" | "有效" => {
                Ok(true)
            }
            "否" | "n" | "no" | "false" | "0" | "×" | "✗" | "✘" | "未成交" | "无效" => {
                Ok(false)
            }
            _ => Err(not_yes_no()),
        },
        _ => Err(not_yes_no()),
    }
}

// ---------------------------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------------------------

/// Masks a customer identifier for issue messages (after folding, so full-width digits count
/// as digits). All-digit ids: 7+ digits keep the first 3 and last 4 around `****`
/// (`13800001234` → `138****1234`), 5–6 digits keep the first and last around `***`, shorter
/// ones become all `*`. Anything else (names): the first character then one `*` per remaining
/// character (`张三` → `张*`, `欧阳娜娜` → `欧***`); a single character becomes `*`.
/// Works on characters, never bytes.
pub fn mask_customer(id: &str) -> String {
    let chars: Vec<char> = fold_text(id).chars().collect();
    let n = chars.len();
    let keep = |head: usize, stars: &str, tail: usize| -> String {
        let mut out: String = chars.iter().take(head).collect();
        out.push_str(stars);
        out.extend(chars.iter().skip(n.saturating_sub(tail)));
        out
    };
    if n == 0 {
        String::new()
    } else if chars.iter().all(char::is_ascii_digit) {
        match n {
            7.. => keep(3, "****", 4),
            5..=6 => keep(1, "***", 1),
            _ => "*".repeat(n),
        }
    } else if n == 1 {
        "*".to_string()
    } else {
        let mut out: String = chars.iter().take(1).collect();
        out.push_str(&"*".repeat(n.saturating_sub(1)));
        out
    }
}

/// A maximal run of digits (ASCII or full-width) in a text: its byte range and its digits
/// in ASCII.
pub(super) struct DigitRun {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) digits: String,
}

pub(super) fn digit_runs(text: &str) -> Vec<DigitRun> {
    let mut runs: Vec<DigitRun> = Vec::new();
    let mut open = false;
    for (i, c) in text.char_indices() {
        let d = match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        };
        match (d, open) {
            (Some(d), true) => {
                let run = runs.last_mut().expect("an open run");
                run.digits.push(d);
                run.end = i + c.len_utf8();
            }
            (Some(d), false) => {
                runs.push(DigitRun {
                    start: i,
                    end: i + c.len_utf8(),
                    digits: d.to_string(),
                });
                open = true;
            }
            (None, _) => open = false,
        }
    }
    runs
}

/// Whether 11 ASCII digits are a mainland mobile number: 1, then 3–9.
pub(super) fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// `138****1234` for a mobile number's 11 digits.
pub(super) fn masked_mobile(d: &str) -> String {
    format!("{}****{}", &d[..3], &d[7..])
}

/// A whole digit run that is a mobile number, alone or after the country code 86 / 0086
/// (`+8613800001234`), masked.
pub(super) fn masked_run(d: &str) -> Option<String> {
    if is_mobile(d) {
        return Some(masked_mobile(d));
    }
    ["86", "0086"].iter().find_map(|cc| {
        d.strip_prefix(cc)
            .filter(|rest| is_mobile(rest))
            .map(|rest| format!("{cc}{}", masked_mobile(rest)))
    })
}

/// Masks every mainland mobile number in a text (SPEC §2.5): 11 digits starting 13–19 that are
/// not part of a longer run of digits (`13800001234` → `138****1234`, also after `86`/`0086`,
/// in full-width digits, or written `138-0000-1234` / `138 0000 1234`). Every data issue's
/// message and value pass through here (`Issue::new`, `Issue::value`), so a phone number typed
/// into a date, amount or staff column is never printed, whatever column it came from. Other
/// digits (dates, amounts, 12-digit ids) are left as they are.
pub fn mask_phone_numbers(text: &str) -> std::borrow::Cow<'_, str> {
    // Fast path: fewer than 11 digits of any kind cannot hold a number.
    if text.chars().filter(|c| c.is_numeric()).count() < 11 {
        return std::borrow::Cow::Borrowed(text);
    }
    let runs = digit_runs(text);
    let mut cuts: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        if let Some(m) = masked_run(&runs[i].digits) {
            cuts.push((runs[i].start, runs[i].end, m));
            i += 1;
            continue;
        }
        // 3-4-4 groups joined by one `-` or one space, the same both times.
        if let [a, b, c, ..] = &runs[i..] {
            let (sep1, sep2) = (&text[a.end..b.start], &text[b.end..c.start]);
            let grouped = [a.digits.len(), b.digits.len(), c.digits.len()] == [3, 4, 4]
                && sep1 == sep2
                && (sep1 == "-" || sep1 == " ");
            let digits = format!("{}{}{}", a.digits, b.digits, c.digits);
            if grouped && is_mobile(&digits) {
                cuts.push((
                    a.start,
                    c.end,
                    format!("{}{sep1}****{sep1}{}", a.digits, c.digits),
                ));
                i += 3;
                continue;
            }
        }
        i += 1;
    }
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, masked) in cuts {
        out.push_str(&text[at..start]);
        out.push_str(&masked);
        at = end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}
