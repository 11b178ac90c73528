//! Locating things by label in a sheet of sparse cells: the header block (label cell, value in
//! the next non-empty cell to the right), a table's header row (the first row holding a given
//! label) and its columns in any order. Merged cells inside a table's data area read as their
//! top-left value.

use calamine::{Data, Dimensions};

use crate::cell::{is_blank, label_eq};
use crate::read::workbook::SheetData;

/// Row-indexed view over a sheet's sparse, row-major sorted cells.
pub struct Grid<'a> {
    cells: &'a [(u32, u32, Data)],
    /// (row, start, end) into `cells`, one entry per row that has cells.
    rows: Vec<(u32, usize, usize)>,
    merged: &'a [Dimensions],
}

impl<'a> Grid<'a> {
    /// Index a sheet.
    pub fn new(sheet: &'a SheetData) -> Grid<'a> {
        let cells = sheet.cells.as_slice();
        let mut rows: Vec<(u32, usize, usize)> = Vec::new();
        for (i, (r, _, _)) in cells.iter().enumerate() {
            match rows.last_mut() {
                Some(last) if last.0 == *r => last.2 = i + 1,
                _ => rows.push((*r, i, i + 1)),
            }
        }
        Grid {
            cells,
            rows,
            merged: &sheet.merged,
        }
    }

    /// Rows that hold at least one cell, ascending, with their cells (ascending columns).
    pub fn rows(&self) -> impl Iterator<Item = (u32, &'a [(u32, u32, Data)])> + '_ {
        self.rows.iter().map(|&(r, s, e)| (r, &self.cells[s..e]))
    }

    /// The cells of one row (empty if none).
    pub fn row(&self, row: u32) -> &'a [(u32, u32, Data)] {
        match self.rows.binary_search_by_key(&row, |x| x.0) {
            Ok(i) => {
                let (_, s, e) = self.rows[i];
                &self.cells[s..e]
            }
            Err(_) => &[],
        }
    }

    /// The value stored at a cell, ignoring merges.
    pub fn raw(&self, row: u32, col: u32) -> Option<&'a Data> {
        let cells = self.row(row);
        cells
            .binary_search_by_key(&col, |c| c.1)
            .ok()
            .map(|i| &cells[i].2)
    }

    /// The value of a cell, where a cell inside a vertical merge (one column, several rows:
    /// a date or category merged over the items it applies to) reads as its top-left value.
    /// A merge across columns (a footer or signature line) gives its value to its top-left
    /// cell only.
    pub fn get(&self, row: u32, col: u32) -> Option<&'a Data> {
        if let Some(d) = self.raw(row, col) {
            return Some(d);
        }
        self.merge_at(row, col)
            .filter(|m| m.start.1 == m.end.1)
            .and_then(|m| self.raw(m.start.0, m.start.1))
    }

    /// The merged range covering a cell, if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<&'a Dimensions> {
        self.merged.iter().find(|m| m.contains(row, col))
    }

    /// Merged ranges that reach below `row`.
    pub fn merges_below(&self, row: u32) -> impl Iterator<Item = &'a Dimensions> + '_ {
        self.merged.iter().filter(move |m| m.end.0 > row)
    }

    /// The first row holding a cell whose label is `label`, and that cell's column.
    pub fn find_label_row(&self, label: &str, below: Option<u32>) -> Option<(u32, u32)> {
        self.rows()
            .filter(|(r, _)| below.is_none_or(|b| *r > b))
            .find_map(|(r, cells)| {
                cells
                    .iter()
                    .find(|c| is_label(&c.2, label))
                    .map(|c| (r, c.1))
            })
    }
}

/// Whether a cell holds the given label (after normalisation).
pub fn is_label(d: &Data, label: &str) -> bool {
    matches!(d, Data::String(s) if label_eq(s, label))
}

/// Whether a cell holds any of the labels.
pub fn is_any_label(d: &Data, labels: &[&str]) -> bool {
    matches!(d, Data::String(s) if labels.iter().any(|l| label_eq(s, l)))
}

/// A header-block value: the label's cell and, if present, the value's cell and value.
#[derive(Debug, Clone)]
pub struct HeaderValue<'a> {
    pub label_at: (u32, u32),
    pub value: Option<((u32, u32), std::borrow::Cow<'a, Data>)>,
}

/// Find header-block labels above `above` (exclusive): for each wanted label, the first cell
/// holding it and the next non-empty cell to its right in the same row. A label cell is never
/// a value: if the next non-empty cell holds any of `all_labels`, the value is missing.
pub fn header_block<'a>(
    grid: &Grid<'a>,
    above: u32,
    wanted: &[&str],
    all_labels: &[&str],
) -> Vec<Option<HeaderValue<'a>>> {
    use std::borrow::Cow;
    let mut out: Vec<Option<HeaderValue<'a>>> = vec![None; wanted.len()];
    for (r, cells) in grid.rows().take_while(|(r, _)| *r < above) {
        for (i, (_, c, d)) in cells.iter().enumerate() {
            if let Some(w) = wanted.iter().position(|l| is_label(d, l)) {
                if out[w].is_some() {
                    continue;
                }
                let value = cells[i + 1..]
                    .iter()
                    .find(|x| !is_blank(&x.2))
                    .filter(|x| !is_any_label(&x.2, all_labels))
                    .map(|x| ((r, x.1), Cow::Borrowed(&x.2)));
                out[w] = Some(HeaderValue {
                    label_at: (r, *c),
                    value,
                });
            } else if let Data::String(s) = d {
                // "股室:办公室" typed into one cell: the label with its value after the colon.
                for (w, label) in wanted.iter().enumerate() {
                    if out[w].is_none()
                        && let Some(v) = inline_value(s, label)
                    {
                        let value = Some(((r, *c), Cow::Owned(Data::String(v.to_string()))));
                        out[w] = Some(HeaderValue {
                            label_at: (r, *c),
                            value,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The value of a "label:value" cell (colon half- or full-width), if the cell is one.
fn inline_value<'s>(s: &'s str, label: &str) -> Option<&'s str> {
    let t = s.trim_start_matches(|c: char| c.is_whitespace());
    let rest = t.strip_prefix(label)?;
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace());
    let v = rest.strip_prefix(crate::cell::COLONS)?;
    let v = v.trim_matches(|c: char| c.is_whitespace());
    (!v.is_empty()).then_some(v)
}

/// A table's columns located by label in its header row.
#[derive(Debug, Clone)]
pub struct Columns {
    pub header_row: u32,
    /// For each wanted label, its column (the first one if repeated).
    pub found: Vec<Option<u32>>,
    /// Non-empty header cells that are none of the wanted labels: (column, raw text).
    pub unknown: Vec<(u32, String)>,
}

/// Map a header row's cells to the wanted labels.
pub fn columns(grid: &Grid<'_>, header_row: u32, wanted: &[&str]) -> Columns {
    let mut found = vec![None; wanted.len()];
    let mut unknown = Vec::new();
    for (_, c, d) in grid.row(header_row) {
        if is_blank(d) {
            continue;
        }
        match wanted.iter().position(|l| is_label(d, l)) {
            Some(i) if found[i].is_none() => found[i] = Some(*c),
            _ => unknown.push((*c, crate::cell::cell_text(d).into_owned())),
        }
    }
    Columns {
        header_row,
        found,
        unknown,
    }
}
