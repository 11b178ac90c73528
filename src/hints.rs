//! Hints for the slips staff typically make, added to a finding's message: what the value
//! probably meant and how to write it (README "Messages"). Pure functions over a cell's value.
//!
//! - `3.5` (or `3.15`, `3/5`, `3-5`, `3月5日`) in a date column: a month and a day without the
//!   year. Excel keeps `3.5` as the number 3.5, which a date format shows as 1900-01-03.
//! - A date of another year whose month and day exist in the assessment year (Excel dates
//!   `3-5` typed without a year in the year it is typed).

use calamine::Data;
use chrono::{Datelike, NaiveDate};

/// "是否为 3月5日？请写成 2019-03-05" for a cell holding a month and a day without a year;
/// `year` is the file's 报送年份 (0 when unknown: the example then says how, not what).
pub fn month_day(raw: &Data, year: i32) -> Option<String> {
    let text = match raw {
        Data::Float(x) => format!("{x}"),
        Data::DateTime(dt) if !dt.is_duration() => format!("{}", dt.as_f64()),
        Data::String(s) => s.chars().filter_map(fold).collect(),
        _ => return None,
    };
    let (m, d) = split_month_day(&text)?;
    let in_year = |day: u32| NaiveDate::from_ymd_opt(if year > 0 { year } else { 2000 }, m, day);
    in_year(d)?;
    // A number loses a day's trailing zero: 3.1 may have been typed 3.10.
    let also_tens = matches!(raw, Data::Float(_) | Data::DateTime(_))
        && text.ends_with(|c: char| c.is_ascii_digit())
        && text.rsplit('.').next().is_some_and(|f| f.len() == 1)
        && in_year(d * 10).is_some();
    let meant = if also_tens {
        format!("{m}月{d}日或{m}月{}日", d * 10)
    } else {
        format!("{m}月{d}日")
    };
    let how = if year > 0 {
        format!("请写成 {year}-{m:02}-{d:02}")
    } else {
        format!("请写成带年份的日期，如 2019-{m:02}-{d:02}")
    };
    Some(format!("是否为 {meant}？{how}"))
}

/// "是否为 2019-03-05？" for a date of another year whose month and day exist in `year`.
pub fn other_year(date: NaiveDate, year: i32) -> Option<String> {
    if date.year() == year {
        return None;
    }
    let meant = NaiveDate::from_ymd_opt(year, date.month(), date.day())?;
    Some(format!("是否为 {}？", meant.format("%Y-%m-%d")))
}

/// A character of a typed month-day with full-width forms folded, white space dropped.
fn fold(c: char) -> Option<char> {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        '．' | '。' => Some('.'),
        '／' => Some('/'),
        '－' => Some('-'),
        c if c.is_whitespace() => None,
        c => Some(c),
    }
}

/// `3.5`, `3/5`, `3-5`, `3月5日`, `3月5号`, `3月5` → (3, 5), for a month 1–12 and a day 1–31
/// of one or two digits each.
fn split_month_day(s: &str) -> Option<(u32, u32)> {
    let s = s.trim_end_matches(['日', '号']);
    let (m, d) = s
        .split_once(['.', '/', '-', '月'])
        .filter(|(m, d)| !m.is_empty() && !d.is_empty())?;
    let number = |t: &str| {
        (t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<u32>().ok())
            .flatten()
    };
    let (m, d) = (number(m)?, number(d)?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_and_a_day_are_read_from_what_staff_type() {
        let text = |s: &str| month_day(&Data::String(s.into()), 2019);
        assert_eq!(text("3.5").unwrap(), "是否为 3月5日？请写成 2019-03-05");
        assert_eq!(text("3/15").unwrap(), "是否为 3月15日？请写成 2019-03-15");
        assert_eq!(
            text("１２月３１日").unwrap(),
            "是否为 12月31日？请写成 2019-12-31"
        );
        assert_eq!(
            month_day(&Data::Float(3.1), 2019).unwrap(),
            "是否为 3月1日或3月10日？请写成 2019-03-01"
        );
        assert_eq!(
            month_day(&Data::Float(3.5), 0).unwrap(),
            "是否为 3月5日？请写成带年份的日期，如 2019-03-05"
        );
        // not a month and a day
        for s in [
            "13.5", "3.32", "2.30", "2019.3.5", "3", "abc", "3.", ".5", "123.4",
        ] {
            assert_eq!(text(s), None, "{s}");
        }
        assert_eq!(month_day(&Data::Int(3), 2019), None);
        // 2.29 exists in a leap year only
        assert_eq!(text("2.29"), None);
        assert!(month_day(&Data::String("2.29".into()), 2020).is_some());
    }

    #[test]
    fn a_date_of_another_year_is_offered_in_the_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            other_year(d(2026, 3, 5), 2019).as_deref(),
            Some("是否为 2019-03-05？")
        );
        assert_eq!(other_year(d(2019, 3, 5), 2019), None);
        assert_eq!(other_year(d(2020, 2, 29), 2019), None);
    }
}
