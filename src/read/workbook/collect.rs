//! Collecting cells within budget: the running cell and text totals every format charges
//! ([`Budget`]), the sheet list (chart, macro and dialog sheets left out, repeated names once,
//! count bounded), and the final sort and de-duplication of a sheet's cells.

use std::collections::HashSet;

use calamine::{Data, DataRef, Sheet, SheetType, SheetVisible};

use super::{Limits, ReadError, SheetData, limit};

pub(super) struct Budget {
    cells: u64,
    text: u64,
    max_cells: u64,
    max_text: u64,
}

impl Budget {
    pub(super) fn new(limits: &Limits) -> Self {
        Budget {
            cells: 0,
            text: 0,
            max_cells: limits.max_cells as u64,
            max_text: limits.max_uncompressed_bytes,
        }
    }

    pub(super) fn slots(&mut self, n: u64) -> Result<(), ReadError> {
        self.cells = self.cells.saturating_add(n);
        if self.cells > self.max_cells {
            return Err(limit("max_cells", self.cells, self.max_cells));
        }
        Ok(())
    }

    pub(super) fn cell(&mut self, text: usize) -> Result<(), ReadError> {
        self.slots(1)?;
        self.text = self.text.saturating_add(text as u64);
        if self.text > self.max_text {
            return Err(limit("max_uncompressed_bytes", self.text, self.max_text));
        }
        Ok(())
    }
}

pub(super) fn data_text_len(v: &Data) -> usize {
    match v {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len(),
        _ => 0,
    }
}

pub(super) fn dataref_text_len(v: &DataRef<'_>) -> usize {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
        DataRef::SharedString(s) => s.len(),
        _ => 0,
    }
}

/// Sorts, keeps the last value per position, and drops formula positions
/// that turned out to have a value.
pub(super) fn finish_sheet(sd: &mut SheetData) {
    sd.cells.sort_by_key(|&(r, c, _)| (r, c));
    let mut out: Vec<(u32, u32, Data)> = Vec::with_capacity(sd.cells.len());
    for item in sd.cells.drain(..) {
        match out.last_mut() {
            Some(last) if (last.0, last.1) == (item.0, item.1) => *last = item,
            _ => out.push(item),
        }
    }
    sd.cells = out;
    sd.formula_no_value.sort_unstable();
    sd.formula_no_value.dedup();
    let cells = &sd.cells;
    sd.formula_no_value.retain(|&(r, c)| {
        cells
            .binary_search_by(|&(cr, cc, _)| (cr, cc).cmp(&(r, c)))
            .is_err()
    });
}

/// Names and visibility of the sheets to read: only worksheets (chart, macro, dialog and VBA
/// sheets are not tables of values), repeated names kept once; see [`pick`].
pub(super) fn sheet_list(
    metas: &[Sheet],
    limits: &Limits,
) -> Result<Vec<(String, bool)>, ReadError> {
    let mut seen = HashSet::new();
    let sheets = metas
        .iter()
        .filter(|m| m.typ == SheetType::WorkSheet && seen.insert(m.name.as_str()))
        .map(|m| (m.name.clone(), m.visible == SheetVisible::Visible))
        .collect();
    pick(sheets, |s| &s.0, limits)
}

/// The sheets to read, their count bounded: those named in `limits.skip_sheets` (white space
/// ignored) are left out when another sheet remains.
pub(super) fn pick<T>(
    mut sheets: Vec<T>,
    name: impl Fn(&T) -> &String,
    limits: &Limits,
) -> Result<Vec<T>, ReadError> {
    let max = limits.max_zip_entries;
    if sheets.len() > max {
        return Err(limit("max_zip_entries", sheets.len() as u64, max as u64));
    }
    if sheets.is_empty() {
        return Err(ReadError::NoSheets);
    }
    let bare = |n: &str| n.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let skipped = |s: &T| limits.skip_sheets.iter().any(|k| bare(k) == bare(name(s)));
    if sheets.iter().any(|s| !skipped(s)) {
        sheets.retain(|s| !skipped(s));
    }
    Ok(sheets)
}

pub(super) fn new_sheet(name: String, visible: bool) -> SheetData {
    SheetData {
        name,
        visible,
        cells: Vec::new(),
        merged: Vec::new(),
        formula_no_value: Vec::new(),
    }
}
