//! The sheet-writing kit shared by the results and feedback workbooks: [`Sheet`] writes cells,
//! measures them and applies widths, row heights and the print setup at the end.

use rust_xlsxwriter::{Color, Format, FormatAlign, Worksheet};

use super::R;
use super::cell::{FormatKey, Look, V, clip, excel_date, format_for};
use crate::report::{body_font, heading_font};

/// A worksheet being written: remembers how wide each column's content is and how each cell
/// looks, and applies the cell formats, widths, frozen panes and print setup at the end.
pub(crate) struct Sheet<'a> {
    pub ws: &'a mut Worksheet,
    measured: Vec<f64>,
    /// (min, max, wrap long text) per column.
    limits: Vec<(f64, f64, bool)>,
    /// Wrapped text cells: (row, column, where the widths of its lines are in
    /// `line_widths`), for the row heights.
    wrapped: Vec<(u32, u16, std::ops::Range<usize>)>,
    line_widths: Vec<f64>,
    /// Rows whose height was set explicitly (titles, notes).
    fixed_rows: Vec<u32>,
    /// Columns whose values are centred (ranks, sequence numbers, short codes).
    centred: Vec<u16>,
    /// Merged cells within a row: (row, first column, last column, text width).
    /// (row, first column, last column, where the widths of its lines are in `line_widths`).
    merged: Vec<(u32, u16, u16, std::ops::Range<usize>)>,
    /// The formats of this sheet, each built once: what it is for, and the format.
    formats: Vec<(FormatKey, Format)>,
    /// The last column that prints (the columns after it trace where things came from and
    /// stay on screen), if not the last one written.
    print_last: Option<u16>,
    /// The last row written.
    last_row: u32,
    /// The width the printed columns must fit ([`PAGE_UNITS`], less with headings).
    page_units: f64,
    /// Rows repeated at the top of each printed page, if not the title and header rows.
    repeat: Option<(u32, u32)>,
}

impl<'a> Sheet<'a> {
    pub(crate) fn new(ws: &'a mut Worksheet) -> Sheet<'a> {
        Sheet {
            ws,
            measured: Vec::new(),
            limits: Vec::new(),
            wrapped: Vec::new(),
            line_widths: Vec::new(),
            fixed_rows: Vec::new(),
            centred: Vec::new(),
            merged: Vec::new(),
            formats: Vec::new(),
            print_last: None,
            last_row: 0,
            page_units: PAGE_UNITS,
            repeat: None,
        }
    }

    /// The index of the format for `key`, built on first use.
    fn format_index(&mut self, key: FormatKey) -> usize {
        if let Some(i) = self.formats.iter().position(|(k, _)| *k == key) {
            return i;
        }
        self.formats.push((key, format_for(key)));
        self.formats.len() - 1
    }

    fn ensure(&mut self, col: u16) {
        let n = col as usize + 1;
        if self.measured.len() < n {
            self.measured.resize(n, 0.0);
            self.limits.resize(n, (6.0, 30.0, false));
        }
    }

    /// Column width bounds (in Excel character units) and whether long text wraps.
    pub(crate) fn limit(&mut self, col: u16, min: f64, max: f64, wrap: bool) {
        self.ensure(col);
        self.limits[col as usize] = (min, max, wrap);
    }

    /// Print only the columns up to `last`: the ones after it stay on screen.
    pub(crate) fn print_columns(&mut self, last: u16) {
        self.print_last = Some(last);
    }

    /// Print the row numbers and column letters, so that a cell named in a message can be found
    /// on paper. LibreOffice prints them in 10-point text: the columns get less room, so that
    /// they still print at 9 points or more.
    pub(crate) fn print_headings(&mut self) {
        self.ws.set_print_headings(true);
        self.page_units = PAGE_UNITS - HEADINGS_UNITS;
    }

    /// Repeat rows `first..=last` at the top of the printed pages after them (instead of the
    /// title and header rows).
    pub(crate) fn repeat_rows(&mut self, first: u32, last: u32) {
        self.repeat = Some((first, last));
    }

    /// Centre the values of these columns.
    pub(crate) fn centre(&mut self, cols: &[u16]) {
        self.centred.extend_from_slice(cols);
    }

    /// The sheet title across the first `last + 1` columns (at most the printed ones).
    pub(crate) fn title(&mut self, row: u32, text: &str, last: u16) -> R<()> {
        self.last_row = self.last_row.max(row);
        let last = self.print_last.map_or(last, |p| p.min(last));
        let f = heading_font()
            .set_font_size(14)
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::VerticalCenter);
        self.ws.set_row_height(row, 26)?;
        self.fixed_rows.push(row);
        if last == 0 {
            self.ws.write_string_with_format(row, 0, clip(text), &f)?;
        } else {
            self.ws.merge_range(row, 0, row, last, clip(text), &f)?;
        }
        Ok(())
    }

    /// A block label (bold, no border) in the first column.
    pub(crate) fn label(&mut self, row: u32, text: &str) -> R<()> {
        self.last_row = self.last_row.max(row);
        let f = heading_font().set_font_size(12);
        self.ws.write_string_with_format(row, 0, clip(text), &f)?;
        Ok(())
    }

    /// An explanatory line across the first `last + 1` columns (at most the printed ones),
    /// wrapped.
    pub(crate) fn note(&mut self, row: u32, text: &str, last: u16) -> R<()> {
        self.last_row = self.last_row.max(row);
        let last = self.print_last.map_or(last, |p| p.min(last));
        let f = body_font()
            .set_text_wrap()
            .set_font_color(Color::RGB(0x595959))
            .set_align(FormatAlign::Top);
        // Its height comes from its width in [`Sheet::finish`], as a merged cell's.
        self.ensure(last);
        self.merge_lines(row, 0, last, text);
        if last == 0 {
            self.ws.write_string_with_format(row, 0, clip(text), &f)?;
        } else {
            self.ws.merge_range(row, 0, row, last, clip(text), &f)?;
        }
        Ok(())
    }

    /// A header row starting at `first`.
    pub(crate) fn header(&mut self, row: u32, first: u16, labels: &[&str]) -> R<()> {
        for (i, l) in labels.iter().enumerate() {
            self.put_header(row, first + i as u16, l)?;
        }
        Ok(())
    }

    fn put_header(&mut self, row: u32, col: u16, label: &str) -> R<()> {
        self.put_label(row, col, label, Look::header())
    }

    /// A column label with its own look, measured as a header: it wraps, so a long label
    /// needs about half its width (never less than a word).
    pub(crate) fn put_label(&mut self, row: u32, col: u16, label: &str, look: Look) -> R<()> {
        self.ensure(col);
        let w = (text_units(label) / 2.0).clamp(4.0, 10.0) + 2.0;
        let m = &mut self.measured[col as usize];
        *m = m.max(w);
        self.wrap_widths(row, col, [text_units(label)]);
        self.put_value(row, col, &V::text(label), look, true)
    }

    /// Remember the line widths of a cell merged across `c0..=c1` of one row, for its height.
    fn merge_lines(&mut self, row: u32, c0: u16, c1: u16, text: &str) {
        self.ensure(c1);
        let start = self.line_widths.len();
        self.line_widths.extend(text.lines().map(text_units));
        self.merged
            .push((row, c0, c1, start..self.line_widths.len()));
    }

    /// A value across the columns `c0..=c1` of one row, merged and wrapped: it counts for the
    /// row's height, not for the columns' widths. Over one column, as [`Sheet::put`].
    pub(crate) fn span(&mut self, row: u32, c0: u16, c1: u16, v: &V, look: Look) -> R<()> {
        if c0 == c1 {
            return self.put(row, c0, v, look);
        }
        self.last_row = self.last_row.max(row);
        let f = format_for(FormatKey::of(v, look, true));
        match v {
            V::Text(t) => {
                self.merge_lines(row, c0, c1, t);
                self.ws.merge_range(row, c0, row, c1, clip(t), &f)?;
            }
            other => {
                self.ensure(c1);
                self.ws.merge_range(row, c0, row, c1, "", &f)?;
                if *other != V::Blank {
                    write_value(self.ws, row, c0, other, &f)?;
                }
            }
        }
        Ok(())
    }

    /// A merged header cell. A merge within one row counts for that row's height.
    pub(crate) fn merge(
        &mut self,
        r0: u32,
        c0: u16,
        r1: u32,
        c1: u16,
        text: &str,
        look: Look,
    ) -> R<()> {
        self.last_row = self.last_row.max(r1);
        if r0 == r1 {
            self.ensure(c1);
            self.merge_lines(r0, c0, c1, text);
        }
        let f = format_for(FormatKey::of(&V::text(text), look, true));
        self.ws.merge_range(r0, c0, r1, c1, clip(text), &f)?;
        Ok(())
    }

    /// A row of values starting at `first`.
    pub(crate) fn row(&mut self, row: u32, first: u16, vals: &[V], look: Look) -> R<()> {
        for (i, v) in vals.iter().enumerate() {
            self.put(row, first + i as u16, v, look)?;
        }
        Ok(())
    }

    /// One cell, counted for the column's width.
    pub(crate) fn put(&mut self, row: u32, col: u16, v: &V, look: Look) -> R<()> {
        let width = match self.put_cell(row, col, v, look)? {
            Some(w) => w,
            None => measure(v),
        };
        let m = &mut self.measured[col as usize];
        *m = m.max(width);
        Ok(())
    }

    /// One cell that may overflow into its empty neighbours (not counted for the width).
    /// It never wraps, whatever its column does.
    pub(crate) fn put_unmeasured(&mut self, row: u32, col: u16, v: &V, look: Look) -> R<()> {
        self.ensure(col);
        let look = Look {
            center: look.center || self.centred.contains(&col),
            ..look
        };
        self.put_value(row, col, v, look, false)
    }

    /// One cell; for wrapped text, returns its width as [`measure`] does (from the widths of
    /// its lines, measured once).
    fn put_cell(&mut self, row: u32, col: u16, v: &V, look: Look) -> R<Option<f64>> {
        self.ensure(col);
        if let V::Date(_) = v {
            // Never narrowed below a date's width (it would show as ####).
            let min = &mut self.limits[col as usize].0;
            *min = min.max(DATE_UNITS + 1.0);
        }
        let wrap = look.wrap || self.limits[col as usize].2;
        let look = Look {
            center: look.center || self.centred.contains(&col),
            ..look
        };
        let width = match (wrap, v) {
            (true, V::Text(t)) => Some(self.wrap_lines(row, col, t)),
            _ => None,
        };
        self.put_value(row, col, v, look, wrap)?;
        Ok(width)
    }

    /// Remember the widths of the lines of a wrapped text cell; returns the widest.
    fn wrap_lines(&mut self, row: u32, col: u16, text: &str) -> f64 {
        self.wrap_widths(row, col, text.lines().map(text_units))
    }

    /// Remember the line widths of a wrapped cell; returns the widest.
    fn wrap_widths(&mut self, row: u32, col: u16, widths: impl IntoIterator<Item = f64>) -> f64 {
        let start = self.line_widths.len();
        self.line_widths.extend(widths);
        self.wrapped.push((row, col, start..self.line_widths.len()));
        self.line_widths[start..]
            .iter()
            .copied()
            .fold(0.0, f64::max)
    }

    /// Write a value with the format of its kind and look. Every format here has the grid
    /// border, so a blank cell of a table is written too: the grid is the cells' own border.
    fn put_value(&mut self, row: u32, col: u16, v: &V, look: Look, wrap: bool) -> R<()> {
        self.last_row = self.last_row.max(row);
        let i = self.format_index(FormatKey::of(v, look, wrap));
        write_value(self.ws, row, col, v, &self.formats[i].1)
    }

    /// Column widths, frozen panes and the print setup: A4 landscape, one page wide, rows
    /// `0..=header_last` repeated on every page, page numbers in the footer.
    /// Rows holding wrapped text get the height their longest cell needs: neither Excel nor
    /// LibreOffice grows a row for wrapped text on opening a file.
    pub(crate) fn finish(self, header_last: u32, freeze: (u32, u16)) -> R<()> {
        let mut widths: Vec<f64> = self
            .measured
            .iter()
            .zip(&self.limits)
            .map(|(m, (min, max, _))| (m + 1.5).clamp(*min, *max))
            .collect();
        let printed = self
            .print_last
            .map_or(widths.len(), |c| (c as usize + 1).min(widths.len()));
        fit_page(&mut widths[..printed], &self.limits, self.page_units);
        for (c, w) in widths.iter().enumerate() {
            self.ws.set_column_width(c as u16, *w)?;
        }
        let mut lines: std::collections::BTreeMap<u32, f64> = std::collections::BTreeMap::new();
        for (row, col, parts) in &self.wrapped {
            let parts = &self.line_widths[parts.clone()];
            let usable = (widths[*col as usize] - CELL_MARGIN).max(1.0);
            // A hair of slack: text that exactly fills the column stays on one line.
            let n: f64 = parts
                .iter()
                .map(|w| (w / usable - 0.05).ceil().max(1.0))
                .sum();
            let e = lines.entry(*row).or_insert(1.0);
            *e = e.max(n);
        }
        for (row, c0, c1, parts) in &self.merged {
            // A merge also has the padding of the columns it covers.
            let usable: f64 = widths[*c0 as usize..=*c1 as usize]
                .iter()
                .map(|w| w + COLUMN_PADDING)
                .sum::<f64>()
                - COLUMN_PADDING
                - CELL_MARGIN;
            let n: f64 = self.line_widths[parts.clone()]
                .iter()
                .map(|w| (w / usable.max(1.0) - 0.05).ceil().max(1.0))
                .sum();
            let e = lines.entry(*row).or_insert(1.0);
            *e = e.max(n);
        }
        for (row, n) in lines {
            if n > 1.0 && !self.fixed_rows.contains(&row) {
                self.ws.set_row_height(row, LINE_HEIGHT * n + 3.0)?;
            }
        }
        if freeze != (0, 0) {
            self.ws.set_freeze_panes(freeze.0, freeze.1)?;
        }
        self.ws
            .set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0)
            .set_print_center_horizontally(true)
            .set_margins(0.25, 0.25, 0.6, 0.6, 0.3, 0.3)
            .set_footer("&C&A　第 &P 页，共 &N 页");
        let (first, last) = self.repeat.unwrap_or((0, header_last));
        self.ws.set_repeat_rows(first, last)?;
        if let Some(last) = self.print_last {
            self.ws.set_print_area(0, 0, self.last_row, last)?;
        }
        Ok(())
    }
}

/// The width, in column units, of the columns that print on one A4 landscape page with their
/// 11-point text at 9.5 points or more: between the margins the page is 784 points wide, and
/// LibreOffice counts a unit as 7 points (where 宋体 is missing, as on Linux; Excel counts 6 and
/// prints at full size). Each column is [`COLUMN_PADDING`] wider than the width it is given.
const PAGE_UNITS: f64 = 128.0;
/// What printed headings take from [`PAGE_UNITS`]: their own column, and the room that brings
/// their 10-point text to 9 points or more.
const HEADINGS_UNITS: f64 = 8.0;
/// What rust_xlsxwriter adds to a column's width for the cell padding (5 pixels of a digit's 8).
const COLUMN_PADDING: f64 = 0.625;

/// Narrow the wrapping columns until the columns fit `page` units, each by the same share
/// of what it has beyond its minimum (so the widest text keeps the most room); their text
/// wraps onto more lines instead of printing small. Columns that cannot narrow stay as they
/// are.
fn fit_page(widths: &mut [f64], limits: &[(f64, f64, bool)], page: f64) {
    let total: f64 = widths.iter().map(|w| w + COLUMN_PADDING).sum();
    let spare: f64 = widths
        .iter()
        .zip(limits)
        .filter(|(_, l)| l.2)
        .map(|(w, l)| (w - l.0).max(0.0))
        .sum();
    if total <= page || spare <= 0.0 {
        return;
    }
    let keep = (1.0 - (total - page) / spare).max(0.0);
    for (w, (min, _, wrap)) in widths.iter_mut().zip(limits) {
        if *wrap && *w > *min {
            *w = min + (*w - min) * keep;
        }
    }
}

/// What a cell's text leaves free of its column width, in column units (a few pixels each
/// side).
const CELL_MARGIN: f64 = 0.6;

/// Points per line of 11-point text (Excel's row for 宋体 11 is 14.25; a little more leaves
/// room for the fonts a machine without 宋体 puts in its place).
const LINE_HEIGHT: f64 = 15.0;

/// The width of text in Excel character units (the digit width of 宋体 11, 8 pixels): a CJK
/// or full-width character is 11 points, 14.7 pixels: 1.85 of them; a digit, letter or other
/// half-width character one (a capital a little more). Excel's own autofit counts every character as one,
/// which leaves Chinese columns half as wide as they need.
pub(crate) fn text_units(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            if crate::report::terminal::is_wide(c) {
                1.85
            } else if c.is_ascii_uppercase() {
                // As wide as a digit in 宋体, wider in the fonts that stand in for it (a code
                // such as W-ADOPT-UNRECORDED must not be cut).
                1.2
            } else {
                1.0
            }
        })
        .sum()
}

/// The display width of a value, in Excel character units.
fn measure(v: &V) -> f64 {
    match v {
        V::Text(s) => s.lines().map(text_units).fold(0.0, f64::max),
        V::Int(n) => n.to_string().len() as f64,
        V::Num(x) => x.to_string().len() as f64,
        V::Date(_) => DATE_UNITS,
        V::Pct(_) => 7.0,
        V::OneDecimal(x) => format!("{x:.1}").len() as f64,
        V::Blank => 0.0,
    }
}

/// The width of a date (yyyy-mm-dd), in column units.
const DATE_UNITS: f64 = 10.0;

/// Write a value with its format: text always as a string, never as a formula, whatever it
/// starts with; a date Excel cannot hold as text; empty text as a blank cell.
fn write_value(ws: &mut Worksheet, row: u32, col: u16, v: &V, f: &Format) -> R<()> {
    match v {
        V::Text(s) if s.is_empty() => ws.write_blank(row, col, f)?,
        V::Text(s) => ws.write_string_with_format(row, col, clip(s), f)?,
        V::Int(n) => ws.write_number_with_format(row, col, *n as f64, f)?,
        V::Num(x) | V::OneDecimal(x) => ws.write_number_with_format(row, col, *x, f)?,
        V::Pct(p) => ws.write_number_with_format(row, col, *p / 100.0, f)?,
        V::Date(d) => match excel_date(*d) {
            Some(dt) => ws.write_datetime_with_format(row, col, dt, f)?,
            None => ws.write_string_with_format(row, col, d.format("%Y-%m-%d").to_string(), f)?,
        },
        V::Blank => ws.write_blank(row, col, f)?,
    };
    Ok(())
}
