//! ods: the manifest is checked for encryption, and `content.xml` is pre-scanned to estimate
//! what calamine's ods reader will allocate (it expands `number-columns-repeated` and
//! `number-rows-repeated` into dense grids and clones strings per repetition) before it is
//! allowed to read the sheets.

use std::io::Cursor;

use calamine::{Ods, OdsError, Reader};
use zip::ZipArchive;

use super::collect::{Budget, finish_sheet, new_sheet, range_cells, sheet_list};
use super::xml_scan::{XmlEv, attr, scan_xml, unescape};
use super::zip_guard::{MeteredCursor, ZipInfo};
use super::{Format, Limits, ReadError, WorkbookData, corrupt, limit};

pub(super) fn prescan(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    limits: &Limits,
) -> Result<(), ReadError> {
    if let Some(e) = info
        .entries
        .iter()
        .find(|e| e.name == "META-INF/manifest.xml")
    {
        let f = zip
            .by_index(e.index)
            .map_err(|err| corrupt(format_args!("zip: manifest: {err}")))?;
        let mut encrypted = false;
        scan_xml(f, |ev| {
            if let XmlEv::Start { name, .. } = ev
                && name == b"manifest:encryption-data"
            {
                encrypted = true;
                return Ok(false);
            }
            Ok(true)
        })?;
        if encrypted {
            return Err(ReadError::Encrypted);
        }
    }
    if let Some(e) = info.entries.iter().find(|e| e.name == "content.xml") {
        let f = zip
            .by_index(e.index)
            .map_err(|err| corrupt(format_args!("zip: content.xml: {err}")))?;
        let mut scan = OdsScan::new(limits);
        scan_xml(f, |ev| scan.event(ev))?;
        scan.finish()?;
    }
    Ok(())
}

const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLS: u64 = 16_384;

/// Estimates, from `content.xml`, what calamine's ods reader will allocate:
/// it expands `number-columns-repeated` (capped at 16 384 per row) while
/// reading rows, then `number-rows-repeated` into a dense grid per table,
/// cloning the cell strings for every repetition.
struct OdsScan {
    max_cells: u64,
    max_text: u64,
    max_tables: u64,
    tables: u64,
    stopped: bool,
    in_table: bool,
    in_row: bool,
    // row
    total_rows: u64,
    row_rep: u64,
    row_cols: u64,
    pending_empty: u64,
    row_nonempty: u64,
    row_text: u64,
    row_min: u64,
    row_max: u64,
    // cell
    cell_depth: u32,
    cell_rep: u64,
    cell_nonempty: bool,
    cell_text: u64,
    // table
    t_seen: bool,
    t_span: u64,
    t_pending: u64,
    t_min: u64,
    t_max: u64,
    // totals
    area_done: u64,
    phase1: u64,
    nonempty: u64,
    text1: u64,
    text2: u64,
}

impl OdsScan {
    fn new(limits: &Limits) -> Self {
        OdsScan {
            max_cells: limits.max_cells as u64,
            max_text: limits.max_uncompressed_bytes,
            max_tables: limits.max_zip_entries as u64,
            tables: 0,
            stopped: false,
            in_table: false,
            in_row: false,
            total_rows: 0,
            row_rep: 0,
            row_cols: 0,
            pending_empty: 0,
            row_nonempty: 0,
            row_text: 0,
            row_min: u64::MAX,
            row_max: 0,
            cell_depth: 0,
            cell_rep: 0,
            cell_nonempty: false,
            cell_text: 0,
            t_seen: false,
            t_span: 0,
            t_pending: 0,
            t_min: u64::MAX,
            t_max: 0,
            area_done: 0,
            phase1: 0,
            nonempty: 0,
            text1: 0,
            text2: 0,
        }
    }

    fn table_area(&self) -> u64 {
        if self.t_seen {
            self.t_span
                .saturating_mul(self.t_max.saturating_sub(self.t_min).saturating_add(1))
        } else {
            0
        }
    }

    fn check(&self) -> Result<(), ReadError> {
        let area = self.area_done.saturating_add(self.table_area());
        for value in [self.nonempty, self.phase1, area] {
            if value > self.max_cells {
                return Err(limit("max_cells", value, self.max_cells));
            }
        }
        // phase-1 clones, then grid, its clone in worksheet_range and ours
        let text = self.text1.saturating_add(self.text2.saturating_mul(3));
        if text > self.max_text {
            return Err(limit("max_uncompressed_bytes", text, self.max_text));
        }
        Ok(())
    }

    fn finish(&self) -> Result<(), ReadError> {
        self.check()
    }

    /// calamine would fail here: nothing past this point gets allocated.
    fn stop(&mut self) -> Result<bool, ReadError> {
        self.stopped = true;
        self.check()?;
        Ok(false)
    }

    fn event(&mut self, ev: XmlEv<'_>) -> Result<bool, ReadError> {
        if self.stopped {
            return Ok(false);
        }
        if self.cell_depth > 0 {
            return self.cell_event(ev);
        }
        match ev {
            XmlEv::Start { name, attrs, empty } => match name {
                b"table:table"
                    if !self.in_table && !empty && attr(attrs, b"table:name").is_some() =>
                {
                    self.tables += 1;
                    if self.tables > self.max_tables {
                        return Err(limit("max_zip_entries", self.tables, self.max_tables));
                    }
                    self.in_table = true;
                    self.t_seen = false;
                    self.t_span = 0;
                    self.t_pending = 0;
                    self.t_min = u64::MAX;
                    self.t_max = 0;
                    self.total_rows = 0;
                }
                b"table:table-row" if self.in_table && !self.in_row => {
                    let rep = match attr(attrs, b"table:number-rows-repeated") {
                        None => 1,
                        Some(v) => match unescape(v).and_then(|s| s.parse::<usize>().ok()) {
                            Some(n) => n as u64,
                            None => return self.stop(),
                        },
                    };
                    let capped = rep.min(ODS_MAX_ROWS.saturating_sub(self.total_rows));
                    self.total_rows = self.total_rows.saturating_add(capped);
                    self.in_row = true;
                    self.row_rep = capped;
                    self.row_cols = 0;
                    self.pending_empty = 0;
                    self.row_nonempty = 0;
                    self.row_text = 0;
                    self.row_min = u64::MAX;
                    self.row_max = 0;
                    if empty {
                        self.end_row()?;
                    }
                }
                b"table:table-cell" | b"table:covered-table-cell" if self.in_row => {
                    let rep = match attr(attrs, b"table:number-columns-repeated") {
                        None => 1,
                        Some(v) => match std::str::from_utf8(v)
                            .ok()
                            .and_then(|s| s.parse::<usize>().ok())
                        {
                            Some(n) => n as u64,
                            None => return self.stop(),
                        },
                    };
                    let mut nonempty = false;
                    let mut text = 0u64;
                    for key in [
                        &b"office:value"[..],
                        b"office:string-value",
                        b"office:date-value",
                        b"office:time-value",
                        b"office:boolean-value",
                    ] {
                        if let Some(v) = attr(attrs, key) {
                            nonempty = true;
                            text = text.saturating_add(v.len() as u64);
                        }
                    }
                    if attr(attrs, b"office:value-type") == Some(b"string") {
                        nonempty = true;
                    }
                    if let Some(f) = attr(attrs, b"table:formula")
                        && !f.is_empty()
                    {
                        nonempty = true;
                        text = text.saturating_add(f.len() as u64);
                    }
                    self.cell_rep = rep;
                    self.cell_nonempty = nonempty;
                    self.cell_text = text;
                    if empty {
                        self.end_cell()?;
                    } else {
                        self.cell_depth = 1;
                    }
                }
                _ => {}
            },
            XmlEv::End { name } => match name {
                b"table:table-row" if self.in_row => self.end_row()?,
                b"table:table" if self.in_table && !self.in_row => {
                    self.area_done = self.area_done.saturating_add(self.table_area());
                    self.t_seen = false;
                    self.in_table = false;
                    self.check()?;
                }
                _ => {}
            },
            XmlEv::Text(_) => {}
        }
        Ok(true)
    }

    fn cell_event(&mut self, ev: XmlEv<'_>) -> Result<bool, ReadError> {
        match ev {
            XmlEv::Text(t) => self.cell_text = self.cell_text.saturating_add(t.len() as u64),
            XmlEv::Start { name, attrs, empty } => {
                match name {
                    b"table:table-cell" | b"table:covered-table-cell" if !empty => {
                        self.cell_depth += 1;
                    }
                    b"text:s" => {
                        let n = match attr(attrs, b"text:c") {
                            None => 1,
                            Some(v) => match unescape(v).and_then(|s| s.parse::<usize>().ok()) {
                                Some(n) => n as u64,
                                None => return self.stop(),
                            },
                        };
                        self.cell_text = self.cell_text.saturating_add(n);
                    }
                    b"text:p" | b"text:tab" | b"text:line-break" => {
                        self.cell_text = self.cell_text.saturating_add(1);
                    }
                    _ => {}
                }
                // a single cell must not already blow the text budget
                if self.cell_text > self.max_text {
                    return Err(limit(
                        "max_uncompressed_bytes",
                        self.cell_text,
                        self.max_text,
                    ));
                }
            }
            XmlEv::End { name } => {
                if matches!(name, b"table:table-cell" | b"table:covered-table-cell") {
                    self.cell_depth -= 1;
                    if self.cell_depth == 0 {
                        self.end_cell()?;
                    }
                }
            }
        }
        Ok(true)
    }

    fn end_cell(&mut self) -> Result<(), ReadError> {
        // mirrors calamine's read_row: pending empty cells are pushed when
        // the next cell starts, then this cell is pushed `repeats` times if
        // it is non-empty (or left pending if it is empty)
        let capped_empty = self
            .pending_empty
            .min(ODS_MAX_COLS.saturating_sub(self.row_cols));
        self.row_cols += capped_empty;
        self.phase1 = self.phase1.saturating_add(capped_empty);
        self.pending_empty = 0;
        let capped = self
            .cell_rep
            .min(ODS_MAX_COLS.saturating_sub(self.row_cols));
        if self.cell_nonempty {
            if capped > 0 {
                self.row_min = self.row_min.min(self.row_cols);
                self.row_max = self.row_max.max(self.row_cols + capped - 1);
            }
            self.row_cols += capped;
            self.phase1 = self.phase1.saturating_add(capped);
            self.row_nonempty = self.row_nonempty.saturating_add(capped);
            let text = self.cell_text.saturating_mul(capped);
            self.row_text = self.row_text.saturating_add(text);
            self.text1 = self.text1.saturating_add(text);
        } else {
            self.pending_empty = capped;
        }
        self.check()
    }

    fn end_row(&mut self) -> Result<(), ReadError> {
        self.in_row = false;
        if self.row_nonempty > 0 {
            if self.t_seen {
                self.t_span = self
                    .t_span
                    .saturating_add(self.t_pending)
                    .saturating_add(self.row_rep);
            } else {
                self.t_seen = true;
                self.t_span = self.row_rep;
            }
            self.t_pending = 0;
            self.t_min = self.t_min.min(self.row_min);
            self.t_max = self.t_max.max(self.row_max);
            self.nonempty = self
                .nonempty
                .saturating_add(self.row_nonempty.saturating_mul(self.row_rep));
            self.text2 = self
                .text2
                .saturating_add(self.row_text.saturating_mul(self.row_rep));
        } else if self.t_seen {
            self.t_pending = self.t_pending.saturating_add(self.row_rep);
        }
        self.check()
    }
}

pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    info: &ZipInfo,
) -> Result<WorkbookData, ReadError> {
    let (cursor, meter) = MeteredCursor::new(bytes, info);
    let result = read_inner(cursor, limits);
    let mut wb = meter.check(result)?;
    // calamine does not report ods merges: take them from content.xml (already bounded by
    // the pre-scan), so a date merged over three items dates all three, as in xlsx and xls.
    let mut merges = merged_ranges(bytes, info, limits)?;
    for sd in &mut wb.sheets {
        if let Some(m) = merges.remove(&sd.name) {
            sd.merged = m;
        }
    }
    Ok(wb)
}

/// Merged ranges per table, from the `table:number-rows-spanned` / `number-columns-spanned`
/// of the cells of `content.xml`, at absolute (row, column) positions.
fn merged_ranges(
    bytes: &[u8],
    info: &ZipInfo,
    limits: &Limits,
) -> Result<std::collections::HashMap<String, Vec<calamine::Dimensions>>, ReadError> {
    let mut out: std::collections::HashMap<String, Vec<calamine::Dimensions>> = Default::default();
    let Some(e) = info.entries.iter().find(|e| e.name == "content.xml") else {
        return Ok(out);
    };
    let mut zip =
        ZipArchive::new(Cursor::new(bytes)).map_err(|err| corrupt(format_args!("zip: {err}")))?;
    let f = zip
        .by_index(e.index)
        .map_err(|err| corrupt(format_args!("zip: content.xml: {err}")))?;
    let number = |attrs: &[u8], key: &[u8]| -> u64 {
        attr(attrs, key)
            .and_then(|v| std::str::from_utf8(v).ok()?.parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let (mut table, mut row, mut col, mut row_rep, mut depth) =
        (None::<String>, 0u64, 0u64, 1u64, 0u32);
    let max = limits.max_cells;
    let mut count = 0usize;
    scan_xml(f, |ev| {
        match ev {
            XmlEv::Start { name, attrs, empty } => match name {
                b"table:table-cell" | b"table:covered-table-cell" if depth > 0 => {
                    depth += u32::from(!empty);
                }
                b"table:table" if depth == 0 => {
                    table = attr(attrs, b"table:name").and_then(unescape);
                    row = 0;
                }
                b"table:table-row" if depth == 0 => {
                    row_rep = number(attrs, b"table:number-rows-repeated");
                    col = 0;
                    if empty {
                        row = row.saturating_add(row_rep);
                    }
                }
                b"table:table-cell" | b"table:covered-table-cell" => {
                    let rows = number(attrs, b"table:number-rows-spanned");
                    let cols = number(attrs, b"table:number-columns-spanned");
                    if name == b"table:table-cell"
                        && (rows > 1 || cols > 1)
                        && let Some(t) = &table
                        && row + rows - 1 < u64::from(limits.max_rows)
                        && col + cols - 1 < u64::from(limits.max_cols)
                    {
                        count += 1;
                        if count > max {
                            return Ok(false);
                        }
                        out.entry(t.clone())
                            .or_default()
                            .push(calamine::Dimensions::new(
                                (row as u32, col as u32),
                                ((row + rows - 1) as u32, (col + cols - 1) as u32),
                            ));
                    }
                    col = col.saturating_add(number(attrs, b"table:number-columns-repeated"));
                    depth += u32::from(!empty);
                }
                _ => {}
            },
            XmlEv::End { name } => match name {
                b"table:table-cell" | b"table:covered-table-cell" if depth > 0 => depth -= 1,
                b"table:table-row" if depth == 0 => row = row.saturating_add(row_rep),
                _ => {}
            },
            XmlEv::Text(_) => {}
        }
        Ok(true)
    })?;
    if count > max {
        return Err(limit("max_cells", count as u64, max as u64));
    }
    Ok(out)
}

fn read_inner(cursor: MeteredCursor<'_>, limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut wb: Ods<_> = Ods::new(cursor).map_err(ods_err)?;
    let modified = wb.workbook_properties().ok().and_then(|p| p.modified);
    let list = sheet_list(wb.sheets_metadata(), limits, &[])?;
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::with_capacity(list.len());
    for (name, visible) in list {
        let mut sd = new_sheet(name, visible);
        // worksheet_range, not worksheet_range_ref (panics on ods, #383);
        // the grid size was bounded by the content.xml pre-scan
        let range = wb.worksheet_range(&sd.name).map_err(ods_err)?;
        range_cells(&range, limits, &mut budget, &mut sd.cells)?;
        drop(range);
        // No formula-without-value check for ods: LibreOffice stores a formula's result
        // always, and an empty-string result has no value type at all — it reads as blank,
        // which is what the formula shows.
        finish_sheet(&mut sd);
        sheets.push(sd);
    }
    Ok(WorkbookData {
        format: Format::Ods,
        sheets,
        modified,
        template_version: None,
    })
}

fn ods_err(e: OdsError) -> ReadError {
    match e {
        OdsError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("ods: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::test_support::*;

    #[test]
    fn normal_ods_reads() {
        let body = r#"<table:table table:name="Blatt1"><table:table-row><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>hi</text:p></table:table-cell><table:table-cell table:formula="of:=[.A1]*2"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_eq!(sniff(&bytes), Ok(Format::Ods));
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.format, Format::Ods);
        assert_eq!(wb.modified.as_deref(), Some("2023-01-02T03:04:05"));
        let s = &wb.sheets[0];
        assert_eq!(s.name, "Blatt1");
        assert_eq!(
            s.cells,
            vec![(0, 0, Data::Float(3.0)), (0, 1, Data::String("hi".into()))]
        );
        // Not flagged in ods: calamine cannot tell this from LibreOffice's empty-text result.
        assert!(s.formula_no_value.is_empty());
    }

    #[test]
    fn ods_huge_repeats_are_rejected_quickly() {
        let body = r#"<table:table table:name="T"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_limit(
            quick("ods repeated row", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_cells"],
        );
        // 300 rows each with one cell repeated over all columns
        let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
        let body = format!(
            r#"<table:table table:name="T">{}</table:table>"#,
            row.repeat(300)
        );
        let bytes = ods_bytes(&body, ODS_MANIFEST);
        assert_limit(
            quick("ods repeated cells", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_cells"],
        );
        // a far-away single value: grid area
        let body = r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="float" office:value="2"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_limit(
            quick("ods far cell", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_cells"],
        );
        // text:s with a huge count
        let body = r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_limit(
            quick("ods text:s", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_uncompressed_bytes"],
        );
    }

    #[test]
    fn ods_reasonable_repeats_still_read() {
        // typical LibreOffice output: trailing empty columns/rows repeated
        let body = r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.sheets[0].cells, vec![(0, 0, Data::Float(1.0))]);
    }

    #[test]
    fn ods_encrypted_manifest() {
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/></manifest:encryption-data></manifest:file-entry></manifest:manifest>"#;
        let bytes = ods_bytes("", manifest);
        assert_eq!(
            read_workbook(&bytes, &Limits::default()),
            Err(ReadError::Encrypted)
        );
    }
}
