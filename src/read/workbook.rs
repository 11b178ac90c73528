//! Temporary stand-in for the guarded reader (same API).

use calamine::{Data, Dimensions, Reader};
use std::io::Cursor;

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_zip_entries: usize,
    pub max_uncompressed_bytes: u64,
    pub max_ratio: u64,
    pub max_cells: usize,
    pub max_rows: u32,
    pub max_cols: u32,
}
impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 << 20,
            max_zip_entries: 5000,
            max_uncompressed_bytes: 300 << 20,
            max_ratio: 1000,
            max_cells: 2_000_000,
            max_rows: 1_048_576,
            max_cols: 16384,
        }
    }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}
#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    NotSpreadsheet,
    Encrypted,
    Limit {
        name: &'static str,
        value: u64,
        limit: u64,
    },
    Corrupt(String),
    NoSheets,
    Panic(String),
}
#[derive(Debug, Clone, Default)]
pub struct SheetData {
    pub name: String,
    pub visible: bool,
    pub cells: Vec<(u32, u32, Data)>,
    pub merged: Vec<Dimensions>,
    pub formula_no_value: Vec<(u32, u32)>,
}
#[derive(Debug, Clone)]
pub struct WorkbookData {
    pub format: Format,
    pub sheets: Vec<SheetData>,
    pub modified: Option<String>,
}

pub fn read_workbook(bytes: &[u8], _limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let r = wb
            .worksheet_range(&name)
            .map_err(|e| ReadError::Corrupt(e.to_string()))?;
        let cells = r
            .used_cells()
            .filter(|c| !matches!(c.2, Data::Empty))
            .map(|(r0, c0, d)| {
                let (sr, sc) = r.start().unwrap_or((0, 0));
                (r0 as u32 + sr, c0 as u32 + sc, d.clone())
            })
            .collect();
        sheets.push(SheetData {
            name,
            visible: true,
            cells,
            merged: vec![],
            formula_no_value: vec![],
        });
    }
    Ok(WorkbookData {
        format: Format::Xlsx,
        sheets,
        modified: None,
    })
}
