//! xlsb: every binary part's record headers are walked before calamine reads it (calamine
//! sizes its record buffer from the header, up to 256 MiB per record), shared strings are
//! counted, then cells are read with the streaming reader into a sparse list.

use std::io::{self, BufReader, Cursor, Read};

use calamine::{Data, DataRef, Reader, Xlsb, XlsbError};
use zip::ZipArchive;

use super::collect::{Budget, dataref_text_len, finish_sheet, new_sheet, sheet_list};
use super::zip_guard::{MeteredCursor, ZipInfo};
use super::{Format, Limits, ReadError, WorkbookData, corrupt, limit};

pub(super) fn prescan(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    limits: &Limits,
) -> Result<(), ReadError> {
    // calamine sizes its record buffer from the record header before reading
    // (up to 256 MiB per record) and keeps one String per shared string.
    for e in info.entries.iter().filter(|e| {
        e.lower.ends_with(".bin")
            && !e.lower.contains("vbaproject")
            && !e.lower.contains("printersettings")
            && !e.lower.contains("/embeddings/")
    }) {
        let f = zip
            .by_index(e.index)
            .map_err(|err| corrupt(format_args!("zip: {}: {err}", e.name)))?;
        let count_sst = e.lower.ends_with("sharedstrings.bin");
        walk_xlsb_records(BufReader::new(f), count_sst, limits).map_err(|err| match err {
            ReadError::Corrupt(m) => corrupt(format_args!("xlsb: {}: {m}", e.name)),
            other => other,
        })?;
    }
    Ok(())
}

const XLSB_MAX_RECORD: u64 = 16 * 1024 * 1024;

fn walk_xlsb_records<R: Read>(mut r: R, count_sst: bool, limits: &Limits) -> Result<(), ReadError> {
    fn byte<R: Read>(r: &mut R) -> Result<Option<u8>, ReadError> {
        let mut b = [0u8; 1];
        loop {
            match r.read(&mut b) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(b[0])),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(corrupt(e)),
            }
        }
    }
    let max = limits.max_cells as u64;
    let mut sst = 0u64;
    loop {
        let Some(b) = byte(&mut r)? else {
            return Ok(());
        };
        let mut typ = u16::from(b);
        if b & 0x80 != 0 {
            let b2 = byte(&mut r)?.ok_or_else(|| corrupt("truncated record type"))?;
            typ = u16::from(b & 0x7F) + (u16::from(b2 & 0x7F) << 7);
        }
        let mut b = byte(&mut r)?.ok_or_else(|| corrupt("truncated record length"))?;
        let mut len = u64::from(b & 0x7F);
        for i in 1..4 {
            if b & 0x80 == 0 {
                break;
            }
            b = byte(&mut r)?.ok_or_else(|| corrupt("truncated record length"))?;
            len += u64::from(b & 0x7F) << (7 * i);
        }
        if len > XLSB_MAX_RECORD {
            return Err(corrupt(format_args!("record of {len} bytes")));
        }
        let copied = io::copy(&mut (&mut r).take(len), &mut io::sink()).map_err(corrupt)?;
        if copied < len {
            return Err(corrupt("record longer than its part"));
        }
        if count_sst && typ == 0x0013 {
            sst += 1;
            if sst > max {
                return Err(limit("max_cells", sst, max));
            }
        }
    }
}

pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    info: &ZipInfo,
) -> Result<WorkbookData, ReadError> {
    let (cursor, meter) = MeteredCursor::new(bytes, info);
    let result = read_inner(cursor, limits);
    meter.check(result)
}

fn read_inner(cursor: MeteredCursor<'_>, limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut wb = Xlsb::new(cursor).map_err(xlsb_err)?;
    let modified = wb.workbook_properties().ok().and_then(|p| p.modified);
    let list = sheet_list(wb.sheets_metadata(), limits, &[])?;
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::with_capacity(list.len());
    for (name, visible) in list {
        let mut sd = new_sheet(name, visible);
        let mut reader = wb.worksheet_cells_reader(&sd.name).map_err(xlsb_err)?;
        while let Some(cell) = reader.next_cell().map_err(xlsb_err)? {
            let (r, c) = cell.get_position();
            let v = cell.get_value();
            if !limits.in_bounds(r, c) || matches!(v, DataRef::Empty) {
                continue;
            }
            budget.cell(dataref_text_len(v))?;
            sd.cells.push((r, c, Data::from(v.clone())));
        }
        drop(reader);
        finish_sheet(&mut sd);
        sheets.push(sd);
    }
    Ok(WorkbookData {
        format: Format::Xlsb,
        sheets,
        modified,
        template_version: None,
    })
}

fn xlsb_err(e: XlsbError) -> ReadError {
    match e {
        XlsbError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("xlsb: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::test_support::*;

    // ---- xlsb (no writer available: container-level checks only)

    #[test]
    fn xlsb_oversized_record_is_rejected_before_calamine() {
        // record type 0x01, length 0x0FFFFFFF (256 MiB) in a tiny part
        let part = [0x01u8, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0];
        let bytes = zip_files(&[("xl/workbook.bin", &part), ("xl/styles.bin", &part)]);
        assert_eq!(sniff(&bytes), Ok(Format::Xlsb));
        match read_workbook(&bytes, &Limits::default()) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("xlsb"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
