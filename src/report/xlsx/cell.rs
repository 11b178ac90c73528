//! A cell of the results and feedback workbooks: its value ([`V`]), its look ([`Look`]) and
//! the format both give it.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder};

use super::{HEAD, TOTAL};
use crate::report::{body_font, heading_font};

/// A cell value as the workbook shows it (the tables' values).
pub(crate) use crate::report::table::V;

/// How a cell looks beyond its value's own format.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Look {
    pub fill: Option<u32>,
    pub font: Option<u32>,
    /// Set apart: in the heading font (黑体), as Chinese tables do, not in bold.
    pub bold: bool,
    pub center: bool,
    pub left: bool,
    pub wrap: bool,
}

impl Look {
    pub(crate) fn header() -> Look {
        Look {
            fill: Some(HEAD),
            bold: true,
            center: true,
            wrap: true,
            ..Look::default()
        }
    }
    pub(crate) fn total() -> Look {
        Look {
            fill: Some(TOTAL),
            bold: true,
            ..Look::default()
        }
    }
}

/// What decides a cell's format: its value's kind, its look and whether it wraps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct FormatKey {
    pub(super) kind: Kind,
    pub(super) look: Look,
    pub(super) wrap: bool,
}

/// The kinds of value that look different: plain (text, blank, a float), an integer, a
/// percentage, a date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Plain,
    Int,
    Pct,
    OneDecimal,
    Date,
}

impl FormatKey {
    pub(super) fn of(v: &V, look: Look, wrap: bool) -> FormatKey {
        let (kind, text) = match v {
            V::Text(_) | V::Blank => (Kind::Plain, true),
            V::Num(_) => (Kind::Plain, false),
            V::Int(_) => (Kind::Int, false),
            V::Pct(_) => (Kind::Pct, false),
            V::OneDecimal(_) => (Kind::OneDecimal, false),
            V::Date(_) => (Kind::Date, false),
        };
        FormatKey {
            kind,
            look,
            wrap: wrap && text,
        }
    }
}

/// Excel's limit on the characters of one cell.
pub(super) const MAX_CELL_CHARS: usize = 32_767;

/// The colour of the grid border.
const GRID: u32 = 0xA6A6A6;

/// The cell format for a value with a look: thin grey borders (the grid of every table), vertically centred; a bold
/// look is set in the heading font.
pub(super) fn format_for(key: FormatKey) -> Format {
    let FormatKey { kind, look, wrap } = key;
    let font = if look.bold {
        heading_font()
    } else {
        body_font()
    };
    let mut f = font
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(GRID))
        .set_align(FormatAlign::VerticalCenter);
    f = match kind {
        Kind::Int => f.set_num_format("0"),
        Kind::Pct => f.set_num_format("0.0%"),
        Kind::OneDecimal => f.set_num_format("0.0"),
        Kind::Date => f
            .set_num_format("yyyy-mm-dd")
            .set_align(FormatAlign::Center),
        Kind::Plain => f,
    };
    if look.center {
        f = f.set_align(FormatAlign::Center);
    } else if look.left {
        f = f.set_align(FormatAlign::Left);
    }
    if wrap {
        f = f.set_text_wrap();
    }
    if let Some(c) = look.fill {
        f = f.set_background_color(Color::RGB(c));
    }
    if let Some(c) = look.font {
        f = f.set_font_color(Color::RGB(c));
    }
    f
}

/// A date as Excel's, when Excel can hold it (years 1900–9999).
pub(crate) fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let y = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok()
}

/// Text cut to Excel's cell limit (a longer value would make the whole workbook fail).
pub(crate) fn clip(s: &str) -> &str {
    if s.len() <= MAX_CELL_CHARS {
        return s;
    }
    let mut n = 0;
    let end = s
        .char_indices()
        .find(|(_, c)| {
            n += c.len_utf16();
            n > MAX_CELL_CHARS
        })
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}
