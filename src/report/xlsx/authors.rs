//! 撰稿人统计: qualifying items and points per author.

use rust_xlsxwriter::Worksheet;

use crate::assess::Assessment;
use crate::report::table::author_rows;
use crate::rules::Rules;

use super::cell::Look;
use super::kit::Sheet;
use super::{R, SHEET_AUTHORS, as_of_title, new_sheet};

pub(super) fn authors_sheet(a: &Assessment, rules: &Rules) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_AUTHORS)?;
    let mut sh = Sheet::new(&mut ws);
    let cols = crate::report::authors_columns(rules);
    let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
    let last = cols.len() as u16 - 1;
    sh.limit(0, 6.0, 6.0, false);
    sh.limit(1, 8.0, 16.0, true);
    sh.limit(2, 10.0, 24.0, true);
    for c in 3..=last {
        sh.limit(c, 8.0, 12.0, true);
    }
    sh.title(0, &as_of_title(a, "撰稿人统计"), last)?;
    sh.header(1, 0, &cols)?;
    let mut row = 2;
    for vals in author_rows(a, rules) {
        sh.row(row, 0, &vals, Look::default())?;
        row += 1;
    }
    if row == 2 {
        sh.note(row, "（尚无合格的报送信息）", last)?;
        row += 1;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.note(
        row + 1,
        "注：合格信息按撰稿人计，一条信息有 k 位撰稿人的，每人计 1/k 条及 1/k 的加分。",
        last,
    )?;
    sh.finish(1, (2, 2))?;
    Ok(ws)
}
