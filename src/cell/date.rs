//! Dates, years and months as staff type them: Excel serials, calamine's date cells and text
//! in the shapes SPEC lists (`2019-03-05`, `2019/3/5`, `2019.3.5`, `2019年3月5日`, `20190305`,
//! with full-width forms folded), read by a small scanner that never allocates.

use calamine::{Data, ExcelDateTime};
use chrono::{Datelike, Days, NaiveDate};

use super::{fold_num, is_1904, is_ignorable, parse_number_str};

/// Largest serial Excel accepts in the 1900 date system (9999-12-31).
pub(super) const MAX_SERIAL_1900: f64 = 2_958_465.0;
/// Largest serial Excel accepts in the 1904 date system (9999-12-31).
pub(super) const MAX_SERIAL_1904: f64 = 2_957_003.0;
/// Years accepted by [`parse_year`].
pub(super) const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1900..=2200;
/// Years accepted for dates written as text.
pub(super) const TEXT_DATE_YEARS: std::ops::RangeInclusive<u64> = 1900..=9999;

// ---------------------------------------------------------------------------
// a tiny scanner for the text parsers (no allocation)
// ---------------------------------------------------------------------------

/// Cursor over text; every character is seen through [`fold_num`].
#[derive(Clone, Copy)]
pub(super) struct Scan<'a> {
    rest: &'a str,
}

impl<'a> Scan<'a> {
    fn new(s: &'a str) -> Self {
        Scan { rest: s }
    }

    fn peek(&self) -> Option<char> {
        self.rest.chars().next().map(fold_num)
    }

    fn bump(&mut self) {
        if let Some(c) = self.rest.chars().next() {
            self.rest = &self.rest[c.len_utf8()..];
        }
    }

    fn eat(&mut self, want: char) -> bool {
        if self.peek() == Some(want) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Skips white space and invisible characters; `true` if any was skipped.
    fn skip_ws(&mut self) -> bool {
        let before = self.rest.len();
        self.rest = self.rest.trim_start_matches(is_ignorable);
        self.rest.len() != before
    }

    fn at_end(&self) -> bool {
        self.rest.is_empty()
    }

    /// A run of ASCII digits (after folding): its value (saturating) and length.
    fn digits(&mut self) -> (u64, usize) {
        let mut value: u64 = 0;
        let mut count = 0;
        while let Some(c) = self.peek() {
            let Some(d) = c.to_digit(10) else {
                break;
            };
            value = value.saturating_mul(10).saturating_add(u64::from(d));
            count += 1;
            self.bump();
        }
        (value, count)
    }

    /// A run of `min..=max` digits.
    fn num(&mut self, min: usize, max: usize) -> Option<u64> {
        let (v, k) = self.digits();
        (min..=max).contains(&k).then_some(v)
    }
}

// ---------------------------------------------------------------------------
// dates
// ---------------------------------------------------------------------------

/// Converts an Excel serial number in the 1900 date system to a date: 1 is
/// 1900-01-01, 59 is 1900-02-28, 60 (Excel's non-existent 1900-02-29) gives
/// `None`, 61 is 1900-03-01, 43529 is 2019-03-05. The fractional part (time
/// of day) is ignored. Serials below 1 (0 < x < 1 is a time without a
/// date), above 2958465 (9999-12-31), NaN and infinities give `None`.
pub fn serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() {
        return None;
    }
    let day = serial.floor();
    if !(1.0..=MAX_SERIAL_1900).contains(&day) || day == 60.0 {
        return None;
    }
    // Before the fictitious leap day serials count from 1899-12-31, after it
    // from 1899-12-30.
    let base = if day < 60.0 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    base.checked_add_days(Days::new(day as u64))
}

/// The date of a calamine date/time cell, converted by calamine (which knows
/// the workbook's 1904 flag).
///
/// `ExcelDateTime::as_datetime` adds one day to 1900-system serials below 60,
/// so 1..=59 come out right, but it maps both 59 and 60 to 1900-02-28, maps
/// 0.x to 1899-12-31, and panics (chrono `Duration::milliseconds`) for huge
/// negative values. Those cases are screened out here first.
pub(super) fn excel_datetime_to_date(dt: &ExcelDateTime) -> Option<NaiveDate> {
    if dt.is_duration() {
        return None;
    }
    let v = dt.as_f64();
    if !v.is_finite() {
        return None;
    }
    // 20190305 typed into a date-formatted cell: the digits are the date.
    if (19_000_101.0..=99_991_231.0).contains(&v) {
        return number_to_date(v);
    }
    let ok = if is_1904(dt) {
        (0.0..MAX_SERIAL_1904 + 1.0).contains(&v)
    } else {
        (1.0..MAX_SERIAL_1900 + 1.0).contains(&v) && v.floor() != 60.0
    };
    if !ok {
        return None;
    }
    dt.as_datetime().map(|t| t.date())
}

/// A whole number stored in a number or date/time cell (a year or month typed as such).
fn whole_number(d: &Data) -> Option<i64> {
    match d {
        Data::Int(i) => Some(*i),
        Data::Float(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 => Some(*x as i64),
        Data::DateTime(dt) => excel_datetime_whole(dt),
        _ => None,
    }
}

/// The whole-number value of a calamine date/time, when it is one.
pub(super) fn excel_datetime_whole(dt: &ExcelDateTime) -> Option<i64> {
    let v = dt.as_f64();
    (!dt.is_duration() && v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

/// An optional time after the date: white space (or ISO `T`) then
/// `H:MM[:SS[.fff]]` with an optional `Z`/`±HH[:MM]` zone. The time is
/// validated but not returned.
pub(super) fn time_tail(p: &mut Scan<'_>, after_suffix: bool) -> Option<()> {
    let spaced = p.skip_ws();
    if p.at_end() {
        return Some(());
    }
    let iso_t = !spaced && (p.eat('T') || p.eat('t'));
    if !(spaced || iso_t || after_suffix) {
        return None;
    }
    let h = p.num(1, 2)?;
    if !p.eat(':') {
        return None;
    }
    let mi = p.num(1, 2)?;
    let mut s = 0;
    if p.eat(':') {
        s = p.num(1, 2)?;
        if p.eat('.') {
            p.num(1, usize::MAX)?;
        }
    }
    if !(p.eat('Z') || p.eat('z')) && matches!(p.peek(), Some('+' | '-')) {
        p.bump();
        p.num(2, 2)?;
        if p.eat(':') {
            p.num(2, 2)?;
        }
    }
    p.skip_ws();
    (p.at_end() && h <= 23 && mi <= 59 && s <= 59).then_some(())
}

/// SPEC's date shapes as chrono formats (a space matches any white space, or none); a
/// `日`/`号` suffix may be followed by a time without white space.
const DATE_SHAPES: [(&str, bool); 6] = [
    ("%Y - %m - %d", false),
    ("%Y / %m / %d", false),
    ("%Y . %m . %d", false),
    ("%Y 年 %m 月 %d 日", true),
    ("%Y 年 %m 月 %d 号", true),
    ("%Y 年 %m 月 %d", false),
];

/// Parses a date written as text (see [`parse_date`]): full-width forms folded, then
/// `yyyymmdd` or one of [`DATE_SHAPES`], then an optional time.
pub(super) fn parse_date_str(s: &str) -> Option<NaiveDate> {
    let folded: String = s
        .chars()
        .map(|c| if is_ignorable(c) { ' ' } else { fold_num(c) })
        .collect();
    let text = folded.trim();
    // a four-digit year first: chrono's %Y also takes signs and other widths
    if text.len() < 4 || !text.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (date, rest, suffix) = if digits == 8 {
        let (d, rest) = NaiveDate::parse_and_remainder(text, "%Y%m%d").ok()?;
        (d, rest, false)
    } else if digits == 4 {
        DATE_SHAPES.iter().find_map(|&(shape, suffix)| {
            let (d, rest) = NaiveDate::parse_and_remainder(text, shape).ok()?;
            Some((d, rest, suffix))
        })?
    } else {
        return None;
    };
    time_tail(&mut Scan::new(rest), suffix)?;
    TEXT_DATE_YEARS
        .contains(&u64::try_from(date.year()).ok()?)
        .then_some(date)
}

/// A number in a date column: an Excel serial, or `20190305` typed without separators (Excel
/// and LibreOffice store that as a number; it is far above the largest serial, 2958465).
pub(super) fn number_to_date(x: f64) -> Option<NaiveDate> {
    if (19_000_101.0..=99_991_231.0).contains(&x) && x.fract() == 0.0 {
        let n = x as u32;
        return NaiveDate::from_ymd_opt((n / 10_000) as i32, n / 100 % 100, n % 100);
    }
    serial_to_date(x)
}

/// A cell of a DATE column as a date.
///
/// - `DateTime`: calamine's conversion (honours the 1904 flag); durations,
///   1900-system serials below 1 and serial 60 (1900-02-29) give `None`.
/// - `Float`/`Int`: an Excel 1900-system serial, see [`serial_to_date`], or an eight-digit
///   `20190305` typed into the cell.
/// - `DateTimeIso` (ODS): `2019-03-05`, `2019-03-05T00:00:00[.fff]`.
/// - `String`: trimmed, full-width digits and punctuation folded (`０-９`,
///   `－`, `／`, `．`, `。`), then `2019-03-05`, `2019-3-5`, `2019/3/5`,
///   `2019.3.5`, `2019年3月5日`, `2019年3月5号`, `2019年3月5`, `20190305`,
///   with spaces allowed around separators and an optional time after white
///   space or an ISO `T` (`2019/3/5 9:00:00`, `2019-03-05T10:30`). The
///   calendar is validated; two-digit years, years before 1900, bare serial
///   numbers as text (`"43529"`) and anything else give `None`.
/// - `Bool`, `Error`, `Empty`, `DurationIso`: `None`.
pub fn parse_date(d: &Data) -> Option<NaiveDate> {
    match d {
        Data::DateTime(dt) => excel_datetime_to_date(dt),
        Data::Float(x) => number_to_date(*x),
        Data::Int(i) => number_to_date(*i as f64),
        Data::String(s) | Data::DateTimeIso(s) => parse_date_str(s),
        Data::Bool(_) | Data::Error(_) | Data::Empty | Data::DurationIso(_) => None,
    }
}

// ---------------------------------------------------------------------------
// header-block year and month
// ---------------------------------------------------------------------------

/// A month written with Chinese numerals: `一`..`十二`, or `元` (as in 元月).
pub(super) fn cn_month(p: &mut Scan<'_>) -> Option<u64> {
    fn digit(c: char) -> u64 {
        match c {
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => 0,
        }
    }
    if p.eat('元') {
        return (p.peek() == Some('月')).then_some(1);
    }
    if p.eat('十') {
        if let Some(v @ (1 | 2)) = p.peek().map(digit) {
            p.bump();
            return Some(10 + v);
        }
        return Some(10);
    }
    let v = digit(p.peek()?);
    if v == 0 {
        return None;
    }
    p.bump();
    Some(v)
}

/// A month token: one or two digits or a Chinese numeral month.
pub(super) fn month_token(p: &mut Scan<'_>) -> Option<u64> {
    if p.peek().is_some_and(|c| c.is_ascii_digit()) {
        p.num(1, 2)
    } else {
        cn_month(p)
    }
}

/// After a month token: optional `月`, optional `份`, then the end.
pub(super) fn month_suffix_end(p: &mut Scan<'_>) -> bool {
    p.skip_ws();
    if p.eat('月') {
        p.skip_ws();
        p.eat('份');
        p.skip_ws();
    }
    p.at_end()
}

/// `2019年3月`, `2019年三月份`, `2019-03`, `2019/3`, `2019.3` → (year, month).
pub(super) fn parse_year_month_str(s: &str) -> Option<(u64, u64)> {
    let mut p = Scan::new(s);
    p.skip_ws();
    let y = p.num(4, 4)?;
    p.skip_ws();
    if !matches!(p.peek(), Some('年' | '-' | '/' | '.')) {
        return None;
    }
    p.bump();
    p.skip_ws();
    let m = month_token(&mut p)?;
    month_suffix_end(&mut p).then_some((y, m))
}

/// A year value if it is in 1900..=2200.
pub(super) fn year_in_range(y: i64) -> Option<i32> {
    i32::try_from(y).ok().filter(|y| YEAR_RANGE.contains(y))
}

/// Parses a year written as text (see [`parse_year`]).
pub(super) fn parse_year_str(s: &str) -> Option<i32> {
    let mut p = Scan::new(s);
    p.skip_ws();
    if let Some(y) = p.num(4, 4) {
        p.skip_ws();
        if p.eat('年') {
            p.skip_ws();
            p.eat('度');
            p.skip_ws();
        }
        if p.at_end() {
            return year_in_range(y as i64);
        }
    }
    let y = match parse_year_month_str(s) {
        Some((y, _)) => y as i64,
        None => i64::from(parse_date_str(s)?.year()),
    };
    year_in_range(y)
}

/// The year of a header block, accepted only in 1900..=2200.
///
/// `2019` as `Int` or whole `Float`; text `"2019"`, `"2019年"`, `"2019 年"`,
/// `"2019年度"`, `"２０１９"`, a year-month text (`"2019年3月"`, `"2019-03"`)
/// or a date text; a `DateTime`/`DateTimeIso` cell gives its year. A
/// `DateTime` cell whose value is a whole number within 1900..=2200 is taken
/// as that year (a year typed into a date-formatted cell; as a serial it would
/// be a day in 1905–1906).
pub fn parse_year(d: &Data) -> Option<i32> {
    match d {
        Data::Int(_) | Data::Float(_) => whole_number(d).and_then(year_in_range),
        Data::DateTime(dt) => whole_number(d)
            .and_then(year_in_range)
            .or_else(|| year_in_range(i64::from(excel_datetime_to_date(dt)?.year()))),
        Data::DateTimeIso(s) => year_in_range(i64::from(parse_date_str(s)?.year())),
        Data::String(s) => parse_year_str(s),
        _ => None,
    }
}

/// A month value if it is in 1..=12.
pub(super) fn month_in_range(m: i64) -> Option<u32> {
    u32::try_from(m).ok().filter(|m| (1..=12).contains(m))
}

/// Parses a month written as text (see [`parse_month`]).
pub(super) fn parse_month_str(s: &str) -> Option<u32> {
    let mut p = Scan::new(s);
    p.skip_ws();
    if let Some(m) = month_token(&mut p)
        && month_suffix_end(&mut p)
    {
        return month_in_range(m as i64);
    }
    if let Some((_, m)) = parse_year_month_str(s) {
        return month_in_range(m as i64);
    }
    if let Some(date) = parse_date_str(s) {
        return Some(date.month());
    }
    let x = parse_number_str(s)?;
    (x.fract() == 0.0 && x.abs() < 1e15)
        .then(|| month_in_range(x as i64))
        .flatten()
}

/// The month of a header block, 1..=12.
///
/// `3` as `Int` or whole `Float`; text `"3"`, `"03"`, `"3.0"`, `"3月"`,
/// `"3 月"`, `"3月份"`, `"一月"`..`"十二月"` (also without `月`, and `"元月"`),
/// `"2019年3月"`, `"2019-03"`, `"2019/3"`, `"2019.3"`, or a date text; a
/// `DateTime`/`DateTimeIso` cell gives its month. A `DateTime` whose value is
/// a whole number 1..=12 is taken as that month (a month typed into a
/// date-formatted cell). `0`, `13`, `3.5` and a `Float` such as `2019.3`
/// (ambiguous: 2019.10 is stored as 2019.1) give `None`.
pub fn parse_month(d: &Data) -> Option<u32> {
    match d {
        Data::Int(_) | Data::Float(_) => whole_number(d).and_then(month_in_range),
        Data::DateTime(dt) => whole_number(d)
            .and_then(month_in_range)
            .or_else(|| Some(excel_datetime_to_date(dt)?.month())),
        Data::DateTimeIso(s) => parse_month_str(s),
        Data::String(s) => parse_month_str(s),
        _ => None,
    }
}
