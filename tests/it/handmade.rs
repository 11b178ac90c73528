//! Workbooks filled in by hand through LibreOffice (tests/fixtures/handmade/README.md): each
//! was read wrongly once; each test says what must hold.

use crate::common;
use chrono::Datelike;
use common::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/handmade")
        .join(name)
}

fn codes(a: &zwxx::assess::Assessment) -> Vec<(&'static str, String)> {
    a.findings
        .iter()
        .map(|f| (f.code.as_str(), f.cell.clone()))
        .collect()
}

/// LibreOffice stores a formula returning "" with no value type: it reads as blank, not as
/// a formula without a cached value, and the row counts.
#[test]
fn ods_formula_returning_empty_text_is_blank() {
    let a = assess(&fixture("c09_formula_empty_string.ods"), None);
    assert_eq!(a.error_count(), 0, "{:?}", codes(&a));
    assert_eq!(section(&a, "办公室").qualifying(), 2);
}

/// A date formula filled down below the items makes no rows and no errors of its own: only
/// the four planted errors of row 9 remain.
#[test]
fn ods_formulas_filled_down_make_no_rows() {
    let a = assess(&fixture("c08_blank_rows.ods"), None);
    let cells: Vec<String> = a.findings.iter().map(|f| f.cell.clone()).collect();
    assert_eq!(cells, ["B9", "D9", "K9", "L9"]);
}

/// A workbook kept with a sheet per month (`1月`, `2月`, each a copy of the form with its own
/// 报送月份, made in LibreOffice): every sheet is a submission of its own, read in full.
#[test]
fn a_sheet_per_month_is_read_sheet_by_sheet() {
    let a = assess(&fixture("c13b_month_sheets.xlsx"), None);
    assert!(a.findings.is_empty(), "{:?}", codes(&a));
    let s = section(&a, "办公室");
    assert_eq!(s.qualifying(), 2);
    // 2 + 2 base, +20 for the February item adopted by the province.
    assert_eq!(s.final_score(), 24);
    assert!(s.submitted[0] && s.submitted[1] && !s.submitted[2]);
    let sheets: Vec<(&str, u32)> = a
        .items()
        .map(|i| (i.source.sheet.as_str(), i.date.month()))
        .collect();
    assert_eq!(sheets, [("1月", 1), ("2月", 2)]);
}

/// `20190305` typed into a date-formatted cell is 2019-03-05.
#[test]
fn eight_digit_date_typed_as_a_number() {
    let a = assess(&fixture("c14_number_20190305.xlsx"), None);
    assert_eq!(a.error_count(), 0, "{:?}", codes(&a));
    let dates: Vec<String> = a.items().map(|i| i.date.to_string()).collect();
    assert!(dates.contains(&"2019-03-05".to_string()), "{dates:?}");
}

/// A header row pasted again inside the table is not an item.
#[test]
fn repeated_header_row_is_skipped() {
    let a = assess(&fixture("c18_repeated_header_row.xlsx"), None);
    assert_eq!(a.error_count(), 0, "{:?}", codes(&a));
    assert_eq!(section(&a, "办公室").qualifying(), 2);
}

/// One title twice in a file, adopted on the second copy: counted once, with the adoption.
#[test]
fn duplicate_rows_in_a_file_keep_the_adoption() {
    let a = assess(&fixture("d7_dups"), None);
    assert!(codes(&a).contains(&("W-DUP-IN-FILE", "B6".into())));
    assert!(
        section(&a, "办公室").adoption() >= 5,
        "the 普刊 on the second copy counts"
    );
}

/// A task id typed full-width or in lower case names the registered task.
#[test]
fn full_width_task_id_matches_the_register() {
    let a = assess(&fixture("d8_taskid_fullwidth"), None);
    assert_eq!(a.error_count(), 0, "{:?}", codes(&a));
    assert!(
        section(&a, "办公室").tasks.iter().all(|t| t.points > 0),
        "the task is completed"
    );
}

/// Cells merged down the table in LibreOffice (.ods): the same warnings and items as xlsx.
#[test]
fn ods_merged_cells_read_like_xlsx() {
    let a = assess(&fixture("c11_merged_table.ods"), None);
    assert_eq!(a.error_count(), 0, "{:?}", codes(&a));
    let merged: Vec<String> = a
        .findings
        .iter()
        .filter(|f| f.code == "W-MERGED")
        .map(|f| f.cell.clone())
        .collect();
    assert_eq!(merged, ["C5", "D5"]);
    assert_eq!(section(&a, "办公室").qualifying(), 3);
}
