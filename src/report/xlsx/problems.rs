//! 校验问题: every problem found in the inputs.

use rust_xlsxwriter::Worksheet;

use crate::assess::Assessment;

use super::kit::Sheet;
use super::section::severity_look;
use super::{R, SHEET_FINDINGS, new_sheet};
use crate::report::FINDING_COLUMNS;
use crate::report::table::problem_row;

pub(super) fn findings_sheet(a: &Assessment) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_FINDINGS)?;
    let mut sh = Sheet::new(&mut ws);
    let last = FINDING_COLUMNS.len() as u16 - 1;
    sh.limit(0, 10.0, 20.0, true);
    sh.limit(1, 16.0, 30.0, true);
    sh.limit(2, 8.0, 12.0, true);
    sh.limit(3, 6.0, 8.0, false);
    sh.limit(4, 6.0, 6.0, false);
    sh.limit(5, 10.0, 24.0, false);
    sh.limit(6, 30.0, 60.0, true);
    sh.title(
        0,
        &format!(
            "{}年度报送表校验问题（{}；有错误的行不计分）",
            a.year,
            crate::report::terminal::totals(a.findings.iter())
        ),
        last,
    )?;
    sh.header(1, 0, &FINDING_COLUMNS)?;
    let mut row = 2;
    for f in &a.findings {
        let look = severity_look(f.severity);
        sh.row(row, 0, &problem_row(f), look)?;
        row += 1;
    }
    if row == 2 {
        sh.note(row, "（未发现问题）", last)?;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.finish(1, (2, 0))?;
    Ok(ws)
}
