//! One table of the register, found by its labels like the section workbook's: its header
//! row, its columns, its rows, and findings placed at its cells.

use calamine::Data;

use crate::cell::{cell_text, clean_text, is_blank};
use crate::findings::{self as f, Code, at};
use crate::layout::{Grid, columns};
use crate::model::{Finding, Source, Text};
use crate::read::workbook::SheetData;

/// One register table: its rows' values by wanted column (an index into `labels`).
pub(super) struct Table<'a> {
    file: &'a str,
    sheet: &'a str,
    labels: &'a [&'a str],
    grid: Grid<'a>,
    found: Vec<Option<u32>>,
    header_row: u32,
}

impl<'a> Table<'a> {
    /// `sheet` read as a table of `labels`, or `None` when it cannot be read (no header row,
    /// or one of the `required` columns missing: a register error, since what the sheet holds
    /// would be left out unseen).
    pub fn open(
        file: &'a str,
        sheet: &'a SheetData,
        labels: &'a [&'a str],
        required: &[usize],
        findings: &mut Vec<Finding>,
    ) -> Option<Table<'a>> {
        let name = &sheet.name;
        let grid = Grid::new(sheet);
        let sheet_error = |msg: String| f::sheet_level(file, &sheet.name, Code::RegSheet, msg);
        let Some((header_row, _)) = grid.find_label_row(labels[0], None) else {
            findings.push(sheet_error(format!(
                "工作表“{name}”中找不到表头“{}”，该表未读取。请勿修改模板表头",
                labels[0]
            )));
            return None;
        };
        let cols = columns(&grid, header_row, labels);
        for (c, text) in &cols.unknown {
            findings.push(at(
                file,
                &sheet.name,
                (header_row, *c),
                Code::ColumnUnknown,
                format!(
                    "未知的列“{}”，已忽略。本表的列为：{}",
                    text.trim(),
                    labels.join("、")
                ),
            ));
        }
        let missing: Vec<String> = required
            .iter()
            .filter(|&&i| cols.found[i].is_none())
            .map(|&i| format!("“{}”", labels[i]))
            .collect();
        if !missing.is_empty() {
            findings.push(sheet_error(format!(
                "工作表“{name}”缺少列 {}，该表未读取。请勿修改模板表头",
                missing.join("、")
            )));
            return None;
        }
        Some(Table {
            file,
            sheet: &sheet.name,
            labels,
            grid,
            found: cols.found,
            header_row,
        })
    }

    /// The rows under the header with a value in some wanted column.
    pub fn rows(&self) -> Vec<u32> {
        self.grid
            .rows()
            .filter(|(r, _)| *r > self.header_row)
            .map(|(r, _)| r)
            .filter(|r| (0..self.found.len()).any(|c| self.value(*r, c).is_some()))
            .collect()
    }

    /// The non-blank cell of column `c` in `row`.
    pub fn value(&self, row: u32, c: usize) -> Option<&'a Data> {
        let col = self.found[c]?;
        self.grid.get(row, col).filter(|d| !is_blank(d))
    }

    /// The cell's text, cleaned of surrounding and repeated spaces ("" when blank).
    pub fn text(&self, row: u32, c: usize) -> String {
        self.value(row, c)
            .map(|d| clean_text(&cell_text(d)).into_owned())
            .unwrap_or_default()
    }

    /// The column's label.
    pub fn label(&self, c: usize) -> &'a str {
        self.labels[c]
    }

    /// Zero-based column of column `c` (the first column when it is absent).
    pub fn col(&self, c: usize) -> u32 {
        self.found[c].unwrap_or(0)
    }

    /// A finding at the cell of column `c` in `row`.
    pub fn finding(&self, row: u32, c: usize, code: Code, msg: String) -> Finding {
        at(self.file, self.sheet, (row, self.col(c)), code, msg)
    }

    /// Where `row` is, for the values read from it.
    pub fn source(&self, row: u32) -> Source {
        Source {
            file: Text::from(self.file),
            sheet: Text::from(self.sheet),
            row,
        }
    }
}
