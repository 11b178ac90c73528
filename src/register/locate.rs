//! Which sheet of a register workbook holds which of its tables. The sheet named for a table
//! holds it; when none is, the one other sheet whose header row holds the table's labels does
//! (an officer renames `约稿任务` to `约稿任务表`, or `扣分记录` to `扣分记录(2019)`): it is
//! read, with a warning saying so. A table no sheet holds is missing, which the caller decides
//! about (a missing 约稿任务 would drop every task unseen).

use crate::cell::label_eq;
use crate::layout::is_label;
use crate::read::workbook::{SheetData, WorkbookData};

/// What a table is found by: its sheet name, its labels, and the columns it cannot be read
/// without (indexes into `labels`).
#[derive(Clone, Copy)]
pub(super) struct Wanted<'s> {
    pub name: &'s str,
    pub labels: &'s [&'s str],
    pub required: &'s [usize],
}

/// Where a table is.
pub(super) enum Found<'a> {
    /// The sheet named for it.
    Named(&'a SheetData),
    /// No sheet has its name; this one, the only one whose header row holds its labels, is it.
    ByHeader(&'a SheetData),
    /// No sheet has its name, and several hold its labels: which one is meant cannot be told.
    Several(Vec<&'a SheetData>),
    Missing,
}

/// How many of a sheet's first rows are searched for a table's header row (the template's is
/// the first or second; a title or a note above it still fits).
const HEADER_ROWS: usize = 10;

/// Where each wanted table is in `wb`, in the order asked. A sheet named for one table is
/// never taken for another.
pub(super) fn locate<'a>(wb: &'a WorkbookData, wanted: &[Wanted]) -> Vec<Found<'a>> {
    let named = |w: &Wanted| wb.sheets.iter().find(|s| label_eq(&s.name, w.name));
    let claimed = |s: &SheetData| wanted.iter().any(|w| label_eq(&s.name, w.name));
    wanted
        .iter()
        .map(|w| {
            if let Some(s) = named(w) {
                return Found::Named(s);
            }
            let mut holding: Vec<&SheetData> = wb
                .sheets
                .iter()
                .filter(|s| !claimed(s) && holds_table(s, w))
                .collect();
            match holding.len() {
                0 => Found::Missing,
                1 => Found::ByHeader(holding.remove(0)),
                _ => Found::Several(holding),
            }
        })
        .collect()
}

/// Whether one of the sheet's first rows is the table's header row: it holds every column the
/// table cannot be read without and more than half of all its labels (a section's form, or
/// another register table sharing a label such as `股室`, never does).
pub(super) fn holds_table(sheet: &SheetData, w: &Wanted) -> bool {
    // The cells are sorted by row: the first rows are the first runs of one row each.
    let mut rows = sheet.cells.chunk_by(|a, b| a.0 == b.0).take(HEADER_ROWS);
    rows.any(|cells| {
        let holds = |label: &str| cells.iter().any(|c| is_label(&c.2, label));
        let held = w.labels.iter().filter(|l| holds(l)).count();
        w.required.iter().all(|&i| holds(w.labels[i])) && held * 2 > w.labels.len()
    })
}
