//! Corrected problems (SPEC Merge): staff fix a row and send the file again, and the old file
//! stays in the officer's folder. A row error is settled when a later submission of the same
//! section — a later 报送月份; or the same month and a later modification time; or a later
//! sheet of the same workbook — holds the same title (folded as the merge folds it) without
//! error. Its findings (the row's warnings with its errors: the row never counted) are then
//! listed as `已更正`: they do not count for the exit status and are not sent back.

use std::collections::{HashMap, HashSet};

use crate::cell::title_key;
use crate::merge::Merged;
use crate::model::{Finding, InputFile, Severity};
use crate::validate::RefusedRow;

/// When a submission was made, as far as the files tell.
#[derive(Debug, Clone, Copy)]
struct Version<'a> {
    month: u32,
    modified: Option<&'a str>,
    file_index: usize,
    sheet_no: u32,
}

impl Version<'_> {
    /// Whether this version is known to come after `other`.
    fn later_than(&self, other: &Version) -> bool {
        if self.month != other.month {
            return self.month > other.month;
        }
        if self.file_index == other.file_index {
            return self.sheet_no > other.sheet_no;
        }
        matches!((self.modified, other.modified), (Some(a), Some(b)) if a > b)
    }
}

/// Mark as [`Severity::Corrected`] every finding on a refused row that a later version of
/// the same section settles. `merged` holds every version that passed (winners and
/// superseded); `files` gives their modification times.
pub fn mark_corrected(
    findings: &mut [Finding],
    refused: &[RefusedRow],
    merged: &Merged,
    files: &[InputFile],
) {
    if refused.is_empty() {
        return;
    }
    let version = |file_index: usize, sheet_no: u32, month: u32| Version {
        month,
        modified: files[file_index].modified.as_deref(),
        file_index,
        sheet_no,
    };
    let keys: Vec<String> = refused.iter().map(|r| title_key(&r.title)).collect();
    let asked: HashSet<(&str, &str)> = refused
        .iter()
        .zip(&keys)
        .map(|(r, k)| (r.section.as_str(), k.as_str()))
        .collect();
    let mut passed: HashMap<(&str, &str), Vec<Version>> = HashMap::new();
    for item in merged.items.iter().chain(&merged.superseded) {
        let key = (item.section.as_str(), item.key());
        if asked.contains(&key) {
            let v = version(item.file_index, item.sheet_no, item.report_month);
            passed.entry(key).or_default().push(v);
        }
    }
    let settled: HashSet<(&str, &str, u32)> = refused
        .iter()
        .zip(&keys)
        .filter(|(r, k)| {
            let old = version(r.file_index, r.sheet_no, r.month);
            passed
                .get(&(r.section.as_str(), k.as_str()))
                .is_some_and(|vs| vs.iter().any(|v| v.later_than(&old)))
        })
        .map(|(r, _)| (r.file.as_str(), r.sheet.as_str(), r.row))
        .collect();
    for f in findings.iter_mut().filter(|f| f.section.is_some()) {
        if let Some((row, _)) = f.pos
            && settled.contains(&(f.file.as_str(), f.sheet.as_str(), row))
        {
            f.severity = Severity::Corrected;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Version;

    fn v(month: u32, modified: Option<&str>, file_index: usize, sheet_no: u32) -> Version<'_> {
        Version {
            month,
            modified,
            file_index,
            sheet_no,
        }
    }

    #[test]
    fn later_means_a_later_month_a_later_save_or_a_later_sheet() {
        let t1 = Some("2019-03-05T02:00:00.000Z");
        let t2 = Some("2019-03-09T02:00:00.000Z");
        assert!(v(4, None, 0, 0).later_than(&v(3, t2, 1, 0)));
        assert!(!v(3, t2, 0, 0).later_than(&v(4, None, 1, 0)));
        assert!(v(3, t2, 0, 0).later_than(&v(3, t1, 1, 0)));
        assert!(!v(3, t1, 0, 0).later_than(&v(3, t2, 1, 0)));
        // Without both modification times, two files of one month cannot be told apart.
        assert!(!v(3, None, 0, 0).later_than(&v(3, t1, 1, 0)));
        assert!(!v(3, t1, 0, 0).later_than(&v(3, None, 1, 0)));
        // Sheets of one workbook: the later sheet.
        assert!(v(3, t1, 2, 5).later_than(&v(3, t1, 2, 4)));
        assert!(!v(3, t1, 2, 4).later_than(&v(3, t1, 2, 4)));
    }
}
