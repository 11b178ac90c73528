//! Cell normalisation: turning whatever office staff typed into a workbook
//! (or whatever Excel, WPS or LibreOffice stored for it) into typed values.
//!
//! Every function here is pure, never panics on any input and allocates only
//! when the result really differs from the input (`Cow` is returned where the
//! input can often be handed back unchanged).
//!
//! White space means everything [`char::is_whitespace`] accepts: ASCII
//! spaces, tabs, CR/LF, U+3000 (full-width space), U+00A0 (NBSP) and the other
//! Unicode spaces. Label matching, title keys and the value parsers also
//! ignore invisible zero-width characters (U+200B–U+200D, U+2060, U+FEFF),
//! which sneak in when text is pasted from web pages or WeChat.
//!
//! Dates follow Excel's 1900 date system for bare serial numbers (including
//! its fictitious 1900-02-29, serial 60, which is rejected), while
//! [`Data::DateTime`] cells carry their own 1900/1904 flag and are converted
//! by calamine.

use std::borrow::Cow;

use calamine::{CellErrorType, Data, ExcelDateTime, ExcelDateTimeType};

mod date;

use date::{MAX_SERIAL_1900, MAX_SERIAL_1904};
pub use date::{parse_date, parse_month, parse_year, serial_to_date};

// ---------------------------------------------------------------------------
// character classes and folding
// ---------------------------------------------------------------------------

/// White space as the brief defines it (includes U+3000 and NBSP).
fn is_ws(c: char) -> bool {
    c.is_whitespace()
}

/// Zero-width characters that are invisible in a spreadsheet cell.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// White space or an invisible character.
fn is_ignorable(c: char) -> bool {
    is_ws(c) || is_invisible(c)
}

/// Folds full-width ASCII forms U+FF01–U+FF5E to U+0021–U+007E.
fn fold_fw(c: char) -> char {
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// Folding used by the value parsers: full-width forms, the ideographic full
/// stop as a decimal point/date separator, dash look-alikes as `-` and the
/// ratio sign (which Chinese input methods produce) as `:`.
fn fold_num(c: char) -> char {
    match c {
        '。' => '.',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        '\u{2236}' => ':',
        _ => fold_fw(c),
    }
}

/// Trims white space and invisible characters at both ends.
fn trim_all(s: &str) -> &str {
    s.trim_matches(is_ignorable)
}

// ---------------------------------------------------------------------------
// labels and text
// ---------------------------------------------------------------------------

/// A label's trailing colon: ASCII `:` or full-width `\u{FF1A}`.
pub const COLONS: [char; 2] = [':', '\u{FF1A}'];

/// The part of a label cell that is compared: trailing white space and then
/// one trailing colon (ASCII or full-width) cut off. Removing all white space
/// first and then one trailing colon gives the same result, because the last
/// non-white-space character is the last character after removal.
fn label_core(cell: &str) -> &str {
    let t = cell.trim_end_matches(is_ignorable);
    t.strip_suffix(COLONS).unwrap_or(t)
}

/// Label matching: `true` when `cell`, with all white space removed
/// (spaces, tabs, line breaks, U+3000, NBSP, any [`char::is_whitespace`],
/// plus zero-width characters) and then one trailing `:` or `:` removed,
/// equals `label`.
///
/// `label` is taken as given (clean, without a trailing colon). Does not
/// allocate. For example `"填 报\u{3000}单位:"` matches `"填报单位"`.
pub fn label_eq(cell: &str, label: &str) -> bool {
    label_core(cell)
        .chars()
        .filter(|&c| !is_ignorable(c))
        .eq(label.chars())
}

/// The normalisation [`label_eq`] applies to the cell: all white space (and
/// zero-width characters) removed, then one trailing `:` or `:` removed.
pub fn normalize_label(s: &str) -> String {
    label_core(s)
        .chars()
        .filter(|&c| !is_ignorable(c))
        .collect()
}

/// `true` when [`clean_text`] would return the input unchanged.
fn is_clean(s: &str) -> bool {
    // Start as if preceded by white space so leading white space is caught.
    let mut prev_ws = true;
    for c in s.chars() {
        if is_ws(c) {
            if prev_ws || c != ' ' {
                return false;
            }
            prev_ws = true;
        } else {
            prev_ws = false;
        }
    }
    s.is_empty() || !prev_ws
}

/// Trims white space (including U+3000 and NBSP) at both ends and collapses
/// every internal run of white space (including line breaks and U+3000) into
/// one ASCII space. Returns the input borrowed when it is already clean.
pub fn clean_text(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split(is_ws).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// Identity key for item titles: like [`clean_text`] (runs of white space
/// collapse to one ASCII space, ends trimmed), zero-width characters dropped,
/// and full-width ASCII forms U+FF01–U+FF5E folded to U+0021–U+007E
/// (`"2019年１—３月（一）"` → `"2019年1—3月(一)"`). Case is kept and spaces are
/// collapsed, not removed, so `"2019年 1—3月"` and `"2019年1—3月"` stay distinct.
pub fn title_key(s: &str) -> String {
    title_key_chars(s).collect()
}

/// The characters of [`title_key`], computed as they are read.
pub fn title_key_chars(s: &str) -> TitleKeyChars<'_> {
    TitleKeyChars {
        chars: s.chars(),
        started: false,
        pending_space: false,
        held: None,
    }
}

/// Iterator of [`title_key_chars`].
#[derive(Debug, Clone)]
pub struct TitleKeyChars<'a> {
    chars: std::str::Chars<'a>,
    /// A character has been yielded (leading white space is dropped).
    started: bool,
    /// White space seen since the last character yielded.
    pending_space: bool,
    /// The character after a collapsed run of white space, yielded after its space.
    held: Option<char>,
}

impl Iterator for TitleKeyChars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if let Some(c) = self.held.take() {
            return Some(c);
        }
        loop {
            // At the end, pending white space is trailing white space: dropped.
            let c = self.chars.next()?;
            if is_invisible(c) {
                continue;
            }
            if is_ws(c) {
                self.pending_space = self.started;
                continue;
            }
            let c = fold_fw(c);
            self.started = true;
            if self.pending_space {
                self.pending_space = false;
                self.held = Some(c);
                return Some(' ');
            }
            return Some(c);
        }
    }
}

// ---------------------------------------------------------------------------
// cells as text
// ---------------------------------------------------------------------------

/// Excel's display text of an error value.
fn error_text(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#DATA!",
    }
}

/// A float as text: whole numbers below 1e15 without ".0", anything else in
/// Rust's shortest round-trip form (exponent for very large/small values).
fn float_text(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        // Exact: |x| < 1e15 fits an i64 and is whole.
        (x as i64).to_string()
    } else {
        format!("{x:?}")
    }
}

/// Whether a calamine date/time uses the 1904 date system. The flag is private
/// in calamine, but the struct is `PartialEq`, so compare with a rebuilt value.
fn is_1904(dt: &ExcelDateTime) -> bool {
    let kind = if dt.is_duration() {
        ExcelDateTimeType::TimeDelta
    } else {
        ExcelDateTimeType::DateTime
    };
    *dt == ExcelDateTime::new(dt.as_f64(), kind, true)
}

/// A duration (days as a float) as `[-]H:MM:SS` with unbounded hours.
fn duration_text(days: f64) -> String {
    if !days.is_finite() || days.abs() > 1e12 {
        return float_text(days);
    }
    let secs = (days * 86_400.0).round() as i64;
    let sign = if secs < 0 { "-" } else { "" };
    let secs = secs.unsigned_abs();
    format!(
        "{sign}{}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// A calamine date/time as text (see [`cell_text`]).
fn datetime_text(dt: &ExcelDateTime) -> String {
    let v = dt.as_f64();
    if dt.is_duration() {
        return duration_text(v);
    }
    let in_1904 = is_1904(dt);
    let max = if in_1904 {
        MAX_SERIAL_1904
    } else {
        MAX_SERIAL_1900
    };
    // Outside Excel's range (or NaN): calamine would clamp, show the number.
    if !(0.0..max + 1.0).contains(&v) {
        return float_text(v);
    }
    let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
    if !in_1904 && v < 1.0 {
        // Serial 0.x in the 1900 system is a time of day without a date.
        format!("{h:02}:{mi:02}:{s:02}")
    } else if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// A cell as text, for text fields and messages.
///
/// - `String` as is (not trimmed; borrowed);
/// - `Int` as an integer;
/// - `Float` whole and `|x| < 1e15` without ".0" (`3.0` → `"3"`), otherwise
///   the shortest round-trip form (`3.25`, `1e16`);
/// - `Bool` as `"TRUE"`/`"FALSE"`;
/// - `DateTime` as `YYYY-MM-DD`, with ` HH:MM:SS` only when the time part is
///   non-zero, as Excel shows it (serial 60 of the 1900 system is shown as
///   `1900-02-29`); a pure time (1900 system serial below 1) as `HH:MM:SS`;
///   a duration as `H:MM:SS`; a serial outside Excel's range as a number;
/// - `DateTimeIso`/`DurationIso` as the raw string;
/// - `Error` as Excel's text (`#N/A`, `#DIV/0!`, `#VALUE!`, `#REF!`, `#NAME?`,
///   `#NUM!`, `#NULL!`, `#DATA!`);
/// - `Empty` as `""`.
pub fn cell_text(d: &Data) -> Cow<'_, str> {
    match d {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(x) => Cow::Owned(float_text(*x)),
        Data::Bool(true) => Cow::Borrowed("TRUE"),
        Data::Bool(false) => Cow::Borrowed("FALSE"),
        Data::DateTime(dt) => Cow::Owned(datetime_text(dt)),
        Data::Error(e) => Cow::Borrowed(error_text(e)),
        Data::Empty => Cow::Borrowed(""),
    }
}

/// `true` for an empty cell or a text cell holding only white space
/// (including U+3000 and NBSP) or zero-width characters.
pub fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.chars().all(is_ignorable),
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// booleans and numbers
// ---------------------------------------------------------------------------

/// Words read as `true` (lower case, after folding full-width forms).
const TRUE_WORDS: [&str; 10] = ["是", "y", "yes", "√", "✓", "✔", "✅", "对", "1", "true"];
/// Words read as `false` (lower case, after folding full-width forms).
const FALSE_WORDS: [&str; 10] = ["否", "n", "no", "×", "✗", "✘", "❌", "错", "0", "false"];

/// `s` equals `word` after folding full-width forms and ASCII lower-casing.
fn folded_eq_ci(s: &str, word: &str) -> bool {
    s.chars()
        .map(|c| fold_fw(c).to_ascii_lowercase())
        .eq(word.chars())
}

/// An adoption flag (是否采用 etc.).
///
/// Blank (empty or only white space) is `Some(false)`. `是`/`否`, `Y`/`N`,
/// `yes`/`no` (any case), `√`/`×`, `✓`/`✗`, `✔`/`✘`, `✅`/`❌`, `对`/`错`,
/// `1`/`0` (as `Int`, `Float` or text), `TRUE`/`FALSE` (`Bool` or text, any
/// case), their full-width forms (`Ｙ`, `１`, `ＴＲＵＥ`) and any of these with
/// surrounding white space or an emoji variation selector give the boolean;
/// anything else is `None`.
pub fn parse_bool(d: &Data) -> Option<bool> {
    match d {
        Data::Empty => Some(false),
        Data::Bool(b) => Some(*b),
        Data::Int(1) => Some(true),
        Data::Int(0) => Some(false),
        Data::Float(x) if *x == 1.0 => Some(true),
        Data::Float(x) if *x == 0.0 => Some(false),
        Data::String(s) => {
            let t = s.trim_matches(|c| is_ignorable(c) || matches!(c, '\u{FE0E}' | '\u{FE0F}'));
            // the template's drop-down values first: most cells hold one of them
            if t.is_empty() || t == FALSE_WORDS[0] {
                Some(false)
            } else if t == TRUE_WORDS[0] || TRUE_WORDS.iter().any(|w| folded_eq_ci(t, w)) {
                Some(true)
            } else if FALSE_WORDS.iter().any(|w| folded_eq_ci(t, w)) {
                Some(false)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Parses a number written as text: optional sign, digits with at most one
/// decimal point, at least one digit; full-width forms folded.
fn parse_number_str(s: &str) -> Option<f64> {
    let t = trim_all(s);
    let mut digits = 0usize;
    let mut dots = 0usize;
    for (i, c) in t.chars().map(fold_num).enumerate() {
        match c {
            '0'..='9' => digits += 1,
            '.' => dots += 1,
            '+' | '-' if i == 0 => {}
            _ => return None,
        }
    }
    if digits == 0 || dots > 1 {
        return None;
    }
    let x = if t.is_ascii() {
        t.parse::<f64>().ok()?
    } else {
        let folded: String = t.chars().map(fold_num).collect();
        folded.parse::<f64>().ok()?
    };
    x.is_finite().then_some(x)
}

/// A number: `Int`/`Float` (finite), or text holding a plain decimal number
/// (trimmed, full-width digits/sign/point folded, optional sign and decimals,
/// no thousands separators, exponents or percent signs). Blank and anything
/// else is `None`.
pub fn parse_number(d: &Data) -> Option<f64> {
    match d {
        Data::Int(i) => Some(*i as f64),
        Data::Float(x) => x.is_finite().then_some(*x),
        Data::String(s) => parse_number_str(s),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// cell references
// ---------------------------------------------------------------------------

/// Zero-based column index as letters: 0 → `A`, 25 → `Z`, 26 → `AA`,
/// 16383 → `XFD`. Defined for every `u32`.
pub fn col_name(col: u32) -> String {
    let mut buf = [0u8; 8];
    let mut i = buf.len();
    let mut n = u64::from(col) + 1;
    while n > 0 && i > 0 {
        n -= 1;
        i -= 1;
        buf[i] = b'A' + (n % 26) as u8;
        n /= 26;
    }
    buf[i..].iter().map(|&b| char::from(b)).collect()
}

/// Zero-based (row, column) as an A1-style reference: (0, 0) → `A1`,
/// (9, 27) → `AB10`. Defined for every `u32` pair.
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", col_name(col), u64::from(row) + 1)
}

#[cfg(test)]
mod tests {
    use super::date::*;
    use super::*;
    use chrono::NaiveDate;

    fn s(x: &str) -> Data {
        Data::String(x.to_string())
    }

    fn iso(x: &str) -> Data {
        Data::DateTimeIso(x.to_string())
    }

    fn dt(v: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false))
    }

    fn dt1904(v: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, true))
    }

    fn dur(v: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::TimeDelta, false))
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    // ---- label_eq / normalize_label -------------------------------------

    #[test]
    fn label_eq_plain_and_colons() {
        assert!(label_eq("填报单位", "填报单位"));
        assert!(label_eq("填报单位:", "填报单位"));
        assert!(label_eq("填报单位:", "填报单位"));
        assert!(!label_eq("填报单位::", "填报单位"));
        assert!(!label_eq("填报单位::", "填报单位"));
        assert!(!label_eq(":填报单位", "填报单位"));
        assert!(!label_eq("填报单", "填报单位"));
        assert!(!label_eq("填报单位名称", "填报单位"));
        assert!(!label_eq("", "填报单位"));
        assert!(label_eq("", ""));
        assert!(label_eq(":", ""));
        assert!(label_eq("  :  ", ""));
    }

    #[test]
    fn label_eq_white_space_everywhere() {
        assert!(label_eq(" 填 报\t单\u{3000}位 ", "填报单位"));
        assert!(label_eq("填报\r\n单位\u{a0}:", "填报单位"));
        assert!(label_eq("填报单位 : ", "填报单位"));
        assert!(label_eq("填报单位\u{3000}:\u{3000}", "填报单位"));
        assert!(label_eq("\u{feff}填报\u{200b}单位", "填报单位"));
        assert!(label_eq("填\u{2003}报\u{2028}单位", "填报单位"));
        assert!(label_eq("联 系 人:", "联系人"));
        assert!(label_eq("Contact Person", "ContactPerson"));
        assert!(!label_eq("contactperson", "ContactPerson"));
    }

    #[test]
    fn normalize_label_values() {
        assert_eq!(normalize_label(" 填 报\n单位:"), "填报单位");
        assert_eq!(normalize_label("填报单位 : "), "填报单位");
        assert_eq!(normalize_label("填报单位::"), "填报单位:");
        assert_eq!(normalize_label("\u{3000}"), "");
        assert_eq!(normalize_label(""), "");
        assert_eq!(normalize_label("a:b"), "a:b");
    }

    // ---- clean_text -------------------------------------------------------

    #[test]
    fn clean_text_borrowed_when_clean() {
        for x in ["", "abc", "a b c", "关于 2019 年", "x"] {
            assert!(matches!(clean_text(x), Cow::Borrowed(_)), "{x:?}");
            assert_eq!(clean_text(x), x);
        }
    }

    #[test]
    fn clean_text_changes() {
        assert_eq!(clean_text(" a"), "a");
        assert_eq!(clean_text("a "), "a");
        assert_eq!(clean_text("a  b"), "a b");
        assert_eq!(clean_text("a\tb"), "a b");
        assert_eq!(clean_text("a\r\nb"), "a b");
        assert_eq!(
            clean_text("\u{3000}标题\u{3000}\u{3000}二\u{a0}"),
            "标题 二"
        );
        assert_eq!(clean_text("  \n "), "");
        assert_eq!(clean_text("\u{3000}"), "");
        assert!(matches!(clean_text("a\u{3000}b"), Cow::Owned(_)));
        assert_eq!(clean_text("a\u{3000}b"), "a b");
    }

    // ---- title_key --------------------------------------------------------

    #[test]
    fn title_key_values() {
        assert_eq!(title_key("2019年１—３月"), "2019年1—3月");
        assert_eq!(title_key(" 2019年  1—3月 "), "2019年 1—3月");
        assert_ne!(title_key("2019年 1—3月"), title_key("2019年1—3月"));
        assert_eq!(title_key("关于（一）ＡＢＣ"), "关于(一)ABC");
        assert_eq!(title_key("Ａｂｃ"), "Abc");
        assert_eq!(title_key("a\u{3000}\u{3000}b"), "a b");
        assert_eq!(title_key("a\u{200b}b"), "ab");
        assert_eq!(title_key("a \u{200b} b"), "a b");
        assert_eq!(title_key("！～"), "!~");
        assert_eq!(title_key("。、"), "。、");
        assert_eq!(title_key(""), "");
        assert_eq!(title_key("  "), "");
        assert_eq!(title_key("ABC"), "ABC");
        assert_ne!(title_key("abc"), title_key("ABC"));
    }

    // ---- cell_text --------------------------------------------------------

    #[test]
    fn cell_text_scalars() {
        assert_eq!(cell_text(&s(" 原样 ")), " 原样 ");
        assert!(matches!(cell_text(&s("x")), Cow::Borrowed(_)));
        assert_eq!(cell_text(&Data::Int(42)), "42");
        assert_eq!(cell_text(&Data::Int(-7)), "-7");
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(-3.0)), "-3");
        assert_eq!(cell_text(&Data::Float(-0.0)), "0");
        assert_eq!(cell_text(&Data::Float(3.25)), "3.25");
        assert_eq!(cell_text(&Data::Float(0.1)), "0.1");
        assert_eq!(cell_text(&Data::Float(13_800_138_000.0)), "13800138000");
        assert_eq!(
            cell_text(&Data::Float(999_999_999_999_999.0)),
            "999999999999999"
        );
        assert_eq!(cell_text(&Data::Float(1e16)), "1e16");
        assert_eq!(cell_text(&Data::Float(1e-7)), "1e-7");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
        assert_eq!(cell_text(&Data::Bool(false)), "FALSE");
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(
            cell_text(&iso("2019-03-05T00:00:00")),
            "2019-03-05T00:00:00"
        );
        assert_eq!(cell_text(&Data::DurationIso("PT10H30M".into())), "PT10H30M");
    }

    #[test]
    fn cell_text_errors() {
        let cases = [
            (CellErrorType::NA, "#N/A"),
            (CellErrorType::Div0, "#DIV/0!"),
            (CellErrorType::Value, "#VALUE!"),
            (CellErrorType::Ref, "#REF!"),
            (CellErrorType::Name, "#NAME?"),
            (CellErrorType::Num, "#NUM!"),
            (CellErrorType::Null, "#NULL!"),
            (CellErrorType::GettingData, "#DATA!"),
        ];
        for (e, want) in cases {
            assert_eq!(cell_text(&Data::Error(e.clone())), want);
            assert_eq!(e.to_string(), want);
        }
    }

    #[test]
    fn cell_text_datetimes() {
        assert_eq!(cell_text(&dt(43529.0)), "2019-03-05");
        assert_eq!(cell_text(&dt(43529.4375)), "2019-03-05 10:30:00");
        assert_eq!(cell_text(&dt(1.0)), "1900-01-01");
        assert_eq!(cell_text(&dt(60.0)), "1900-02-29");
        assert_eq!(cell_text(&dt(61.0)), "1900-03-01");
        assert_eq!(cell_text(&dt(0.4375)), "10:30:00");
        assert_eq!(cell_text(&dt1904(0.0)), "1904-01-01");
        assert_eq!(cell_text(&dt1904(42067.0)), "2019-03-05");
        assert_eq!(cell_text(&dur(1.5)), "36:00:00");
        assert_eq!(cell_text(&dur(-0.5)), "-12:00:00");
        assert_eq!(cell_text(&dt(-1.0)), "-1");
        assert_eq!(cell_text(&dt(3e6)), "3000000");
        assert_eq!(cell_text(&dt(f64::NAN)), "NaN");
    }

    // ---- is_blank ---------------------------------------------------------

    #[test]
    fn is_blank_values() {
        assert!(is_blank(&Data::Empty));
        assert!(is_blank(&s("")));
        assert!(is_blank(&s("  \t\r\n")));
        assert!(is_blank(&s("\u{3000}\u{a0}")));
        assert!(is_blank(&s("\u{200b}")));
        assert!(!is_blank(&s(" x ")));
        assert!(!is_blank(&s("0")));
        assert!(!is_blank(&Data::Int(0)));
        assert!(!is_blank(&Data::Float(0.0)));
        assert!(!is_blank(&Data::Bool(false)));
        assert!(!is_blank(&iso("")));
        assert!(!is_blank(&Data::Error(CellErrorType::NA)));
    }

    // ---- serial_to_date / parse_date ---------------------------------------

    #[test]
    fn serial_1900_leap_year_quirk() {
        assert_eq!(serial_to_date(1.0), ymd(1900, 1, 1));
        assert_eq!(serial_to_date(31.0), ymd(1900, 1, 31));
        assert_eq!(serial_to_date(32.0), ymd(1900, 2, 1));
        assert_eq!(serial_to_date(59.0), ymd(1900, 2, 28));
        assert_eq!(serial_to_date(60.0), None);
        assert_eq!(serial_to_date(60.5), None);
        assert_eq!(serial_to_date(61.0), ymd(1900, 3, 1));
        assert_eq!(serial_to_date(366.0), ymd(1900, 12, 31));
        assert_eq!(serial_to_date(367.0), ymd(1901, 1, 1));
        assert_eq!(serial_to_date(43529.0), ymd(2019, 3, 5));
        assert_eq!(serial_to_date(43529.75), ymd(2019, 3, 5));
        assert_eq!(serial_to_date(43_529.999_999), ymd(2019, 3, 5));
        assert_eq!(serial_to_date(2_958_465.0), ymd(9999, 12, 31));
        assert_eq!(serial_to_date(2_958_465.5), ymd(9999, 12, 31));
        assert_eq!(serial_to_date(2_958_466.0), None);
        assert_eq!(serial_to_date(0.0), None);
        assert_eq!(serial_to_date(0.5), None);
        assert_eq!(serial_to_date(-1.0), None);
        assert_eq!(serial_to_date(f64::NAN), None);
        assert_eq!(serial_to_date(f64::INFINITY), None);
        assert_eq!(serial_to_date(f64::NEG_INFINITY), None);
    }

    #[test]
    fn parse_date_numbers() {
        assert_eq!(parse_date(&Data::Float(43529.0)), ymd(2019, 3, 5));
        assert_eq!(parse_date(&Data::Float(43529.5)), ymd(2019, 3, 5));
        assert_eq!(parse_date(&Data::Int(43529)), ymd(2019, 3, 5));
        assert_eq!(parse_date(&Data::Int(59)), ymd(1900, 2, 28));
        assert_eq!(parse_date(&Data::Int(60)), None);
        assert_eq!(parse_date(&Data::Int(61)), ymd(1900, 3, 1));
        assert_eq!(parse_date(&Data::Int(0)), None);
        assert_eq!(parse_date(&Data::Int(-5)), None);
        assert_eq!(parse_date(&Data::Int(2_958_466)), None);
        assert_eq!(parse_date(&Data::Int(i64::MAX)), None);
        assert_eq!(parse_date(&Data::Int(i64::MIN)), None);
        assert_eq!(parse_date(&Data::Float(f64::NAN)), None);
    }

    #[test]
    fn calamine_as_datetime_behaviour() {
        // What calamine itself does around the 1900 leap-year bug: serials
        // below 60 get one day added, so 59 and 60 both land on 1900-02-28.
        let cal = |v: f64| {
            ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false)
                .as_datetime()
                .map(|t| t.date())
        };
        assert_eq!(cal(1.0), ymd(1900, 1, 1));
        assert_eq!(cal(59.0), ymd(1900, 2, 28));
        assert_eq!(cal(60.0), ymd(1900, 2, 28));
        assert_eq!(cal(61.0), ymd(1900, 3, 1));
        assert_eq!(cal(0.5), ymd(1899, 12, 31));
        let cal1904 = |v: f64| {
            ExcelDateTime::new(v, ExcelDateTimeType::DateTime, true)
                .as_datetime()
                .map(|t| t.date())
        };
        assert_eq!(cal1904(0.0), ymd(1904, 1, 1));
        assert_eq!(cal1904(42067.0), ymd(2019, 3, 5));
    }

    #[test]
    fn parse_date_datetime_cells() {
        assert_eq!(parse_date(&dt(43529.0)), ymd(2019, 3, 5));
        assert_eq!(parse_date(&dt(43529.4375)), ymd(2019, 3, 5));
        assert_eq!(parse_date(&dt(1.0)), ymd(1900, 1, 1));
        assert_eq!(parse_date(&dt(59.0)), ymd(1900, 2, 28));
        assert_eq!(parse_date(&dt(60.0)), None);
        assert_eq!(parse_date(&dt(61.0)), ymd(1900, 3, 1));
        assert_eq!(parse_date(&dt(0.4375)), None);
        assert_eq!(parse_date(&dt(0.0)), None);
        assert_eq!(parse_date(&dt(-1.0)), None);
        assert_eq!(parse_date(&dt(-1e300)), None);
        assert_eq!(parse_date(&dt(1e300)), None);
        assert_eq!(parse_date(&dt(f64::NAN)), None);
        assert_eq!(parse_date(&dt(2_958_465.0)), ymd(9999, 12, 31));
        assert_eq!(parse_date(&dt(2_958_466.0)), None);
        // 1904 system: serial 0 is 1904-01-01, 2019-03-05 is 1462 lower.
        assert_eq!(parse_date(&dt1904(0.0)), ymd(1904, 1, 1));
        assert_eq!(parse_date(&dt1904(42067.0)), ymd(2019, 3, 5));
        assert_eq!(parse_date(&dt1904(60.0)), ymd(1904, 3, 1));
        assert_eq!(parse_date(&dt1904(-1.0)), None);
        assert_eq!(parse_date(&dt1904(2_957_003.0)), ymd(9999, 12, 31));
        assert_eq!(parse_date(&dt1904(2_957_004.0)), None);
        // Durations are not dates.
        assert_eq!(parse_date(&dur(43529.0)), None);
    }

    #[test]
    fn parse_date_iso_cells() {
        assert_eq!(parse_date(&iso("2019-03-05")), ymd(2019, 3, 5));
        assert_eq!(parse_date(&iso("2019-03-05T00:00:00")), ymd(2019, 3, 5));
        assert_eq!(parse_date(&iso("2019-03-05T10:30:15.123")), ymd(2019, 3, 5));
        assert_eq!(parse_date(&iso("2019-03-05T10:30:15Z")), ymd(2019, 3, 5));
        assert_eq!(
            parse_date(&iso("2019-03-05T10:30:15+08:00")),
            ymd(2019, 3, 5)
        );
        assert_eq!(parse_date(&iso("2019-02-30")), None);
        assert_eq!(parse_date(&iso("10:30:00")), None);
        assert_eq!(parse_date(&iso("")), None);
    }

    #[test]
    fn parse_date_text_shapes() {
        let want = ymd(2019, 3, 5);
        for x in [
            "2019-03-05",
            "2019-3-5",
            "2019/3/5",
            "2019/03/05",
            "2019.3.5",
            "2019年3月5日",
            "2019年3月5号",
            "2019年3月5",
            "20190305",
            "2019-03-05 10:30",
            "2019-03-05 00:00:00",
            "2019/3/5 9:00:00",
            "2019-03-05T10:30:00",
            "2019-03-05T10:30:00.5",
            "2019 - 3 - 5",
            "2019 / 3 / 5",
            "2019年 3月 5日",
            "2019 年 3 月 5 日",
            "2019年3月5日 10:30",
            "2019年3月5日10:30",
            "2019年3月5 10:30",
            "20190305 10:30",
            "  2019-03-05  ",
            "\u{3000}2019-03-05\u{a0}",
            "\n2019-03-05\r\n",
            "２０１９－０３－０５",
            "２０１９／３／５",
            "２０１９．３．５",
            "2019。3。5",
            "２０１９年３月５日",
            "２０１９年３月５日　１０：３０",
            "2019—3—5",
            "2019-03-05 10∶30",
            "2019\u{200b}-03-05",
            "2019- 3 -5",
        ] {
            assert_eq!(parse_date(&s(x)), want, "{x:?}");
        }
    }

    #[test]
    fn parse_date_text_rejects() {
        for x in [
            "",
            "   ",
            "2019.13.5",
            "2019-02-30",
            "2019-00-05",
            "2019-03-00",
            "2019年13月40日",
            "2019年2月29日",
            "20190230",
            "19-3-5",
            "19/3/5",
            "3/5/2019",
            "05.03.2019",
            "43529",
            "43529.0",
            "2019",
            "2019-03",
            "2019年3月",
            "2019-3/5",
            "2019 3 5",
            "2019-03-05x",
            "2019-03-05 25:00",
            "2019-03-05 10:60",
            "2019-03-05 10",
            "2019-03-05T",
            "2019-03-0510:30",
            "2019-003-05",
            "2019-03-005",
            "201903051",
            "1899-12-31",
            "0000-01-01",
            "2019年3月5日日",
            "二〇一九年三月五日",
            "abc",
            "是",
            "+2019-03-05",
            "2019-+3-05",
            "2019-3-5-",
            "12019-03-05",
        ] {
            assert_eq!(parse_date(&s(x)), None, "{x:?}");
        }
        assert_eq!(parse_date(&s("2020-02-29")), ymd(2020, 2, 29));
        assert_eq!(parse_date(&s("1900-01-01")), ymd(1900, 1, 1));
        assert_eq!(parse_date(&s("99991231")), ymd(9999, 12, 31));
    }

    #[test]
    fn parse_date_other_variants() {
        assert_eq!(parse_date(&Data::Bool(true)), None);
        assert_eq!(parse_date(&Data::Error(CellErrorType::Value)), None);
        assert_eq!(parse_date(&Data::Empty), None);
        assert_eq!(parse_date(&Data::DurationIso("PT1H".into())), None);
    }

    // ---- parse_bool -------------------------------------------------------

    #[test]
    fn parse_bool_true_values() {
        for x in [
            "是",
            "Y",
            "y",
            "YES",
            "yes",
            "Yes",
            "√",
            "✓",
            "✔",
            "✔\u{fe0f}",
            "✅",
            "对",
            "1",
            "TRUE",
            "true",
            "True",
            "Ｙ",
            "ｙ",
            "１",
            "ＴＲＵＥ",
            "ｙｅｓ",
            " 是 ",
            "\u{3000}√\n",
        ] {
            assert_eq!(parse_bool(&s(x)), Some(true), "{x:?}");
        }
        assert_eq!(parse_bool(&Data::Bool(true)), Some(true));
        assert_eq!(parse_bool(&Data::Int(1)), Some(true));
        assert_eq!(parse_bool(&Data::Float(1.0)), Some(true));
    }

    #[test]
    fn parse_bool_false_values() {
        for x in [
            "否",
            "N",
            "n",
            "NO",
            "no",
            "No",
            "×",
            "✗",
            "✘",
            "❌",
            "错",
            "0",
            "FALSE",
            "false",
            "False",
            "Ｎ",
            "０",
            "ＦＡＬＳＥ",
            " 否 ",
            "",
            "   ",
            "\u{3000}",
        ] {
            assert_eq!(parse_bool(&s(x)), Some(false), "{x:?}");
        }
        assert_eq!(parse_bool(&Data::Empty), Some(false));
        assert_eq!(parse_bool(&Data::Bool(false)), Some(false));
        assert_eq!(parse_bool(&Data::Int(0)), Some(false));
        assert_eq!(parse_bool(&Data::Float(0.0)), Some(false));
        assert_eq!(parse_bool(&Data::Float(-0.0)), Some(false));
    }

    #[test]
    fn parse_bool_rejects() {
        for x in [
            "是否",
            "yess",
            "t",
            "f",
            "x",
            "X",
            "2",
            "1.0",
            "01",
            "是的",
            "采用",
            "-",
            "ＹＥＳ！",
        ] {
            assert_eq!(parse_bool(&s(x)), None, "{x:?}");
        }
        assert_eq!(parse_bool(&Data::Int(2)), None);
        assert_eq!(parse_bool(&Data::Int(-1)), None);
        assert_eq!(parse_bool(&Data::Float(0.5)), None);
        assert_eq!(parse_bool(&Data::Float(f64::NAN)), None);
        assert_eq!(parse_bool(&Data::Error(CellErrorType::NA)), None);
        assert_eq!(parse_bool(&dt(1.0)), None);
        assert_eq!(parse_bool(&iso("2019-03-05")), None);
    }

    // ---- parse_number -----------------------------------------------------

    #[test]
    fn parse_number_values() {
        assert_eq!(parse_number(&Data::Int(5)), Some(5.0));
        assert_eq!(parse_number(&Data::Float(2.5)), Some(2.5));
        assert_eq!(parse_number(&s("12")), Some(12.0));
        assert_eq!(parse_number(&s(" 12.5 ")), Some(12.5));
        assert_eq!(parse_number(&s("-3")), Some(-3.0));
        assert_eq!(parse_number(&s("+3")), Some(3.0));
        assert_eq!(parse_number(&s(".5")), Some(0.5));
        assert_eq!(parse_number(&s("5.")), Some(5.0));
        assert_eq!(parse_number(&s("１２")), Some(12.0));
        assert_eq!(parse_number(&s("－１２．５")), Some(-12.5));
        assert_eq!(parse_number(&s("\u{3000}３\u{3000}")), Some(3.0));
        assert_eq!(parse_number(&s("9999999999999999999")), Some(1e19));
    }

    #[test]
    fn parse_number_rejects() {
        for x in [
            "", " ", "abc", "1,234", "1e5", "50%", "1.2.3", "--1", "1-", "+", "-", ".", "inf",
            "NaN", "1 2", "￥5", "5元",
        ] {
            assert_eq!(parse_number(&s(x)), None, "{x:?}");
        }
        assert_eq!(parse_number(&s(&"9".repeat(400))), None);
        assert_eq!(parse_number(&Data::Empty), None);
        assert_eq!(parse_number(&Data::Bool(true)), None);
        assert_eq!(parse_number(&Data::Float(f64::NAN)), None);
        assert_eq!(parse_number(&Data::Float(f64::INFINITY)), None);
        assert_eq!(parse_number(&dt(5.0)), None);
        assert_eq!(parse_number(&Data::Error(CellErrorType::Num)), None);
    }

    // ---- parse_year -------------------------------------------------------

    #[test]
    fn parse_year_values() {
        assert_eq!(parse_year(&Data::Int(2019)), Some(2019));
        assert_eq!(parse_year(&Data::Float(2019.0)), Some(2019));
        for x in [
            "2019",
            "2019年",
            "2019 年",
            "２０１９",
            "２０１９年",
            " 2019 ",
            "2019年度",
            "2019-03-05",
            "2019年3月5日",
            "2019年3月",
            "2019-03",
            "2019.3",
        ] {
            assert_eq!(parse_year(&s(x)), Some(2019), "{x:?}");
        }
        assert_eq!(parse_year(&dt(43529.0)), Some(2019));
        assert_eq!(parse_year(&dt1904(42067.0)), Some(2019));
        assert_eq!(parse_year(&dt(2019.0)), Some(2019));
        assert_eq!(parse_year(&iso("2019-03-05T00:00:00")), Some(2019));
        assert_eq!(parse_year(&Data::Int(1900)), Some(1900));
        assert_eq!(parse_year(&Data::Int(2200)), Some(2200));
    }

    #[test]
    fn parse_year_rejects() {
        assert_eq!(parse_year(&Data::Int(1899)), None);
        assert_eq!(parse_year(&Data::Int(2201)), None);
        assert_eq!(parse_year(&Data::Int(19)), None);
        assert_eq!(parse_year(&Data::Int(i64::MAX)), None);
        assert_eq!(parse_year(&Data::Float(2019.5)), None);
        assert_eq!(parse_year(&Data::Float(f64::NAN)), None);
        for x in [
            "",
            "19",
            "19年",
            "1899",
            "2201",
            "9999-01-01",
            "二〇一九",
            "2019年年",
            "abc",
        ] {
            assert_eq!(parse_year(&s(x)), None, "{x:?}");
        }
        assert_eq!(parse_year(&dt(0.5)), None);
        assert_eq!(parse_year(&dt(-3.0)), None);
        assert_eq!(parse_year(&Data::Empty), None);
        assert_eq!(parse_year(&Data::Bool(true)), None);
    }

    // ---- parse_month ------------------------------------------------------

    #[test]
    fn parse_month_values() {
        assert_eq!(parse_month(&Data::Int(3)), Some(3));
        assert_eq!(parse_month(&Data::Float(3.0)), Some(3));
        for x in [
            "3",
            "03",
            "3.0",
            "3月",
            "3 月",
            "3月份",
            "三月",
            "三",
            " 3 ",
            "３月",
            "2019年3月",
            "2019年 3 月",
            "2019年三月",
            "2019-03",
            "2019.3",
            "2019/3",
            "2019-03-05",
            "2019年3月5日",
        ] {
            assert_eq!(parse_month(&s(x)), Some(3), "{x:?}");
        }
        let cn = [
            "一月",
            "二月",
            "三月",
            "四月",
            "五月",
            "六月",
            "七月",
            "八月",
            "九月",
            "十月",
            "十一月",
            "十二月",
        ];
        for (i, x) in cn.iter().enumerate() {
            assert_eq!(parse_month(&s(x)), Some(i as u32 + 1), "{x:?}");
        }
        assert_eq!(parse_month(&s("元月")), Some(1));
        assert_eq!(parse_month(&s("12")), Some(12));
        assert_eq!(parse_month(&dt(43529.0)), Some(3));
        assert_eq!(parse_month(&dt(3.0)), Some(3));
        assert_eq!(parse_month(&iso("2019-03-05")), Some(3));
    }

    #[test]
    fn parse_month_rejects() {
        assert_eq!(parse_month(&Data::Int(0)), None);
        assert_eq!(parse_month(&Data::Int(13)), None);
        assert_eq!(parse_month(&Data::Float(3.5)), None);
        assert_eq!(parse_month(&Data::Float(2019.3)), None);
        assert_eq!(parse_month(&Data::Float(f64::NAN)), None);
        for x in [
            "0",
            "13",
            "3.5",
            "0月",
            "13月",
            "十三月",
            "二十月",
            "〇月",
            "元",
            "3月3",
            "月",
            "2019",
            "2019-13",
            "2019年13月",
            "",
            "abc",
        ] {
            assert_eq!(parse_month(&s(x)), None, "{x:?}");
        }
        assert_eq!(parse_month(&Data::Empty), None);
        assert_eq!(parse_month(&Data::Bool(true)), None);
        assert_eq!(parse_month(&dur(3.0)), None);
    }

    // ---- a1 / col_name ----------------------------------------------------

    #[test]
    fn references() {
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(51), "AZ");
        assert_eq!(col_name(52), "BA");
        assert_eq!(col_name(701), "ZZ");
        assert_eq!(col_name(702), "AAA");
        assert_eq!(col_name(16383), "XFD");
        assert_eq!(col_name(u32::MAX), "MWLQKWV");
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(9, 27), "AB10");
        assert_eq!(a1(1_048_575, 16383), "XFD1048576");
        assert_eq!(a1(u32::MAX, 0), "A4294967296");
    }

    // ---- no panics on odd input --------------------------------------------

    fn run_all(d: &Data) {
        let text = cell_text(d);
        let _ = is_blank(d);
        let _ = parse_date(d);
        let _ = parse_bool(d);
        let _ = parse_number(d);
        let _ = parse_year(d);
        let _ = parse_month(d);
        let _ = label_eq(&text, "填报单位");
        let _ = label_eq(&text, "");
        let _ = normalize_label(&text);
        let _ = clean_text(&text);
        let _ = title_key(&text);
    }

    #[test]
    fn fuzz_no_panic() {
        let long_digits = "9".repeat(5000);
        let long_date = format!("2019-03-05 10:30:00.{}", "1".repeat(3000));
        let mut odd: Vec<String> = [
            "",
            " ",
            "      ",
            "\u{3000}\u{3000}",
            "\u{a0}",
            "\t\r\n",
            "\0",
            "\0\0\0",
            "2019\0-03-05",
            "😀",
            "👨‍👩‍👧‍👦",
            "✔️",
            "9999999999999999999",
            "99999999999999999999999999999999",
            "-9999999999999999999",
            "2019年13月40日",
            "2019年2月29日",
            "￥",
            "￥100",
            ":",
            ":",
            "::",
            "年",
            "月",
            "十",
            "十十",
            "元",
            "一二三",
            "2019年",
            "2019年度度",
            "-",
            "+",
            ".",
            "。",
            "T",
            "2019-03-05T",
            "2019-03-05T25:61:61",
            "2019-03-05 10:30:00+",
            "2019-03-05 10:30:00+08:",
            "2019-03-05 10:30:00.",
            "99999999",
            "00000000",
            "2019/",
            "2019//",
            "2019-3-",
            "２０１９年１３月",
            "\u{FF5E}\u{FF01}",
            "\u{FFFF}",
            "\u{10FFFF}",
            "\u{200b}\u{feff}",
            "\u{202e}2019-03-05",
            "e\u{301}",
            "#N/A",
            "NaN",
            "inf",
            "-inf",
            "1e308",
            "1e999",
            "0x10",
            "1_000",
            "true",
            "是否",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect();
        odd.push(long_digits.clone());
        odd.push(format!("{long_digits}年"));
        odd.push(format!("2019-{long_digits}-05"));
        odd.push(format!("{long_digits}.{long_digits}"));
        odd.push(long_date);
        odd.push(" ".repeat(10_000));

        // Deterministic pseudo-random strings from an alphabet of awkward chars.
        let alphabet: Vec<char> = "0123456789０１２３４５６７８９-/.:年月日号T 　\u{a0}\t\n十一二元度份是否√×YNyn+－．。：\0😀￥Ａｚ#"
            .chars()
            .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..400 {
            let len = (next() % 24) as usize;
            let word: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            odd.push(word);
        }

        for x in &odd {
            run_all(&Data::String(x.clone()));
            run_all(&Data::DateTimeIso(x.clone()));
            run_all(&Data::DurationIso(x.clone()));
            for label in [x.as_str(), "", ":"] {
                let _ = label_eq("填报单位", label);
                let _ = label_eq(x, label);
            }
        }

        let floats = [
            0.0,
            -0.0,
            0.5,
            1.0,
            59.0,
            59.999_999_999,
            60.0,
            60.5,
            61.0,
            43_529.999_999_999_9,
            2_958_465.999_999_9,
            2_958_466.0,
            1e15,
            1e16,
            -1e15,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.000_001,
        ];
        for &v in &floats {
            run_all(&Data::Float(v));
            run_all(&dt(v));
            run_all(&dt1904(v));
            run_all(&dur(v));
            let _ = serial_to_date(v);
        }
        for i in [0, 1, -1, 60, 2019, i64::MAX, i64::MIN, 20_190_305] {
            run_all(&Data::Int(i));
        }
        run_all(&Data::Empty);
        run_all(&Data::Bool(true));
        run_all(&Data::Error(CellErrorType::GettingData));
        for c in [0, 1, 25, 26, 16383, u32::MAX - 1, u32::MAX] {
            for r in [0, 1, u32::MAX] {
                assert!(!a1(r, c).is_empty());
            }
        }
    }
}

#[cfg(test)]
mod colon_tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn eight_digit_numbers_in_a_date_column_are_dates() {
        assert_eq!(
            parse_date(&Data::Float(20190305.0)),
            NaiveDate::from_ymd_opt(2019, 3, 5)
        );
        assert_eq!(
            parse_date(&Data::Int(20190305)),
            NaiveDate::from_ymd_opt(2019, 3, 5)
        );
        assert_eq!(parse_date(&Data::Float(20191305.0)), None);
        assert_eq!(
            parse_date(&Data::Float(43529.0)),
            NaiveDate::from_ymd_opt(2019, 3, 5)
        );
    }

    #[test]
    fn full_width_colon_is_stripped_from_labels() {
        assert!(label_eq("股室\u{FF1A}", "股室"));
        assert!(label_eq("股 室 \u{FF1A} ", "股室"));
        assert!(label_eq("股室:", "股室"));
        assert_eq!(normalize_label("报送月份\u{FF1A}"), "报送月份");
    }
}

/// A task id as compared: full-width forms folded (`ＹＧ－０１` typed in an IME is `YG-01`),
/// all white space removed, ASCII letters upper-cased (`yg-01` is `YG-01` to a person).
pub fn id_key(s: &str) -> String {
    normalize_label(&title_key(s)).to_ascii_uppercase()
}
