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
/// sheets are not tables of values), repeated names kept once, count bounded. Sheets named in
/// `limits.skip_sheets` are left out when another sheet remains.
pub(super) fn sheet_list(
    metas: &[Sheet],
    limits: &Limits,
) -> Result<Vec<(String, bool)>, ReadError> {
    if metas.len() > limits.max_zip_entries {
        return Err(limit(
            "max_zip_entries",
            metas.len() as u64,
            limits.max_zip_entries as u64,
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for m in metas {
        if m.typ != SheetType::WorkSheet {
            continue;
        }
        if seen.insert(m.name.clone()) {
            out.push((m.name.clone(), m.visible == SheetVisible::Visible));
        }
    }
    if out.is_empty() {
        return Err(ReadError::NoSheets);
    }
    let skipped = |name: &str| limits.skip_sheets.iter().any(|s| same_name(name, s));
    if out.iter().any(|(name, _)| !skipped(name)) {
        out.retain(|(name, _)| !skipped(name));
    }
    Ok(out)
}

/// Sheet names equal after removing all white space (`填 报 说 明` is `填报说明`).
fn same_name(a: &str, b: &str) -> bool {
    let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    strip(a) == strip(b)
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
