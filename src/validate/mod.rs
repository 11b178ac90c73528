//! Raw sheets → typed items and findings. Pure functions that collect every problem and never
//! stop at the first. Two phases: [`parse_section`] runs per file while reading (in parallel,
//! needing only the rules) and makes each sheet holding an items table a submission of its
//! own; [`check`] runs once all files are read and the year and the register are known
//! (section names, the year, task ids, reviewers), and accounts every refused file or sheet
//! to its section where it can be told.

mod attribute;
mod check;
mod row;
mod sheet;

pub use attribute::attribute;
pub use check::check;
pub use sheet::parse_section;

use crate::model::{Finding, Item, SheetStatus, Text};

/// One submission after phase 1: a sheet of a section workbook holding a header block and an
/// items table, with its header values and the rows without a row error.
#[derive(Debug, Clone)]
pub struct SectionFile {
    pub file_index: usize,
    /// Position of the sheet in its workbook.
    pub sheet_no: u32,
    pub file: Text,
    pub sheet: Text,
    /// 股室 as written, and its cell.
    pub section: (String, (u32, u32)),
    /// 报送年份 and its cell.
    pub year: (i32, (u32, u32)),
    pub month: u32,
    /// The 报送月份 is earlier than the month of its latest item (`W-MONTH-STALE`).
    pub stale: bool,
    /// Column of each checked field, for phase-2 findings.
    pub cols: CheckedColumns,
    /// Rows that passed phase 1 (section name still as written). Empty once loaded:
    /// [`crate::load`] keeps all files' items in one vector.
    pub items: Vec<Item>,
    /// Rows with a row error, by title: (row, title as written).
    pub refused: Vec<(u32, Box<str>)>,
    /// Non-blank table rows seen (row accounting).
    pub rows_seen: usize,
    pub findings: Vec<Finding>,
    /// Workbook property "modified" (merge tie-break).
    pub modified: Option<String>,
}

/// A sheet, or a whole file, refused with a file error, and what could be read of its header
/// block: enough to account it to its section ([`attribute`]) and its month.
#[derive(Debug, Clone)]
pub struct FailedSheet {
    pub file_index: usize,
    /// The file as shown to people.
    pub file: String,
    /// The sheet; empty when the whole file was refused.
    pub sheet: String,
    pub sheet_no: Option<u32>,
    /// 股室, 报送年份 and 报送月份 as far as they could be read.
    pub section: Option<String>,
    pub year: Option<i32>,
    pub month: Option<u32>,
    /// The findings, at least one file error among them.
    pub findings: Vec<Finding>,
    /// Why, in a few words (for the list of input files).
    pub why: String,
}

impl FailedSheet {
    /// A whole file refused (unreadable, not a spreadsheet …): only its name can tell whose.
    pub fn whole_file(file_index: usize, file: &str, findings: Vec<Finding>, why: String) -> Self {
        FailedSheet {
            file_index,
            file: file.to_string(),
            sheet: String::new(),
            sheet_no: None,
            section: None,
            year: None,
            month: None,
            findings,
            why,
        }
    }
}

/// Columns phase 2 points at.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckedColumns {
    pub date: u32,
    pub task: Option<u32>,
    pub reviewer: u32,
    pub title: u32,
}

/// What phase 1 made of a workbook: its submissions (sheets read) and the sheets refused
/// (or the whole file, when it holds no items table at all).
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub sheets: Vec<SectionFile>,
    pub failed: Vec<FailedSheet>,
}

/// A month for which a section sent a readable workbook (a 零报告 counts): one per sheet read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Submission {
    pub section: String,
    pub month: u32,
    pub file_index: usize,
    pub sheet_no: u32,
    pub sheet: Text,
    /// Its 报送月份 is earlier than its latest item (`W-MONTH-STALE`).
    pub stale: bool,
}

/// A row with a row error in a sheet that was read, by title: a later submission of the same
/// section holding the same title without error corrects it (SPEC Merge, "Corrected
/// problems").
#[derive(Debug, Clone)]
pub struct RefusedRow {
    pub section: Text,
    pub title: Box<str>,
    pub file: Text,
    pub sheet: Text,
    pub row: u32,
    pub file_index: usize,
    pub sheet_no: u32,
    pub month: u32,
}

/// What became of a sheet (or a whole file: `sheet_no` `None`) in phase 2.
#[derive(Debug, Clone)]
pub struct SheetResult {
    pub file_index: usize,
    pub sheet_no: Option<u32>,
    pub status: SheetStatus,
}

/// The outcome of phase 2 for all section files.
#[derive(Debug, Default)]
pub struct Checked {
    /// Items with their roster section name, rows with a phase-2 error left out.
    pub items: Vec<Item>,
    pub submissions: Vec<Submission>,
    pub findings: Vec<Finding>,
    /// Every sheet read or refused, and every file refused as a whole.
    pub sheets: Vec<SheetResult>,
    /// (section, month) of each refused sheet accounted to a section whose 报送月份 could be
    /// read (`文件无效` in 月度报送).
    pub invalid_months: Vec<(String, u32)>,
    /// Rows with a row error in the sheets read, for [`crate::corrected`].
    pub refused_rows: Vec<RefusedRow>,
    /// Non-blank table rows of accepted sheets.
    pub rows_seen: usize,
    /// Rows of accepted sheets with a row error (phase 1 or 2).
    pub rows_refused: usize,
}

/// How many readable section workbooks hold each year, most first (then the earlier year). A
/// workbook with a sheet per month counts once.
pub fn year_counts(files: &[SectionFile]) -> Vec<(i32, usize)> {
    let mut seen: Vec<(i32, usize)> = files.iter().map(|f| (f.year.0, f.file_index)).collect();
    seen.sort_unstable();
    seen.dedup();
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for (y, _) in seen {
        match counts.iter_mut().find(|(c, _)| *c == y) {
            Some(c) => c.1 += 1,
            None => counts.push((y, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// The year held by the most section workbooks; a tie is an error naming the candidates.
pub fn infer_year(files: &[SectionFile]) -> Result<Option<i32>, Vec<(i32, usize)>> {
    let counts = year_counts(files);
    match counts.as_slice() {
        [] => Ok(None),
        [(y, _)] => Ok(Some(*y)),
        [(y, n), (_, m), ..] if n > m => Ok(Some(*y)),
        _ => {
            let top = counts[0].1;
            Err(counts.into_iter().filter(|(_, n)| *n == top).collect())
        }
    }
}
