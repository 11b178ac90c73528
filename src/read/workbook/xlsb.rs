//! xlsb: calamine's streaming cell reader into a sparse list, after the zip guard.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsb, XlsbError};

use super::collect::{Budget, dataref_text_len, finish_sheet, new_sheet, sheet_list};
use super::{Format, Limits, ReadError, WorkbookData, corrupt};

/// The workbook; where calamine refuses it, the package with its relationships parts
/// normalised (as for xlsx: a prefixed `<ns0:Relationship>` calamine does not see).
pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    super::xlsx::with_fallback(bytes, limits, read_package)
}

fn read_package(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut wb = Xlsb::new(Cursor::new(bytes)).map_err(xlsb_err)?;
    let modified = wb.workbook_properties().ok().and_then(|p| p.modified);
    let list = sheet_list(wb.sheets_metadata(), limits)?;
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
