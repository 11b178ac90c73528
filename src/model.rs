//! Plain data shared by the pipeline's stages: findings, items, the register, input files.
//! No behaviour beyond small accessors; every stage takes and returns these.

use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file is skipped or the row does not count.
    Error,
    /// Reported; the row still counts.
    Warning,
    /// A row error that a later file (or sheet) of the same section corrected: listed, never
    /// counted for the exit status nor sent back.
    Corrected,
}

impl Severity {
    /// The Chinese word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => crate::labels::SEVERITY_ERROR,
            Severity::Warning => crate::labels::SEVERITY_WARNING,
            Severity::Corrected => crate::labels::SEVERITY_CORRECTED,
        }
    }
}

/// One problem found in the inputs: where (file, sheet, A1 cell; empty for the whole file),
/// a stable code, a severity and a Chinese message showing the raw value and the remedy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub severity: Severity,
    pub code: crate::findings::Code,
    pub message: String,
    /// The roster section the problem belongs to, when known (not part of the JSON schema).
    #[serde(skip)]
    pub section: Option<String>,
    /// Zero-based (row, col) for ordering and highlighting (not part of the JSON schema).
    #[serde(skip)]
    pub pos: Option<(u32, u32)>,
    /// Position of the sheet in its workbook, where the finding is about a section
    /// workbook's sheet: listings order a workbook's sheets as it does (not part of the JSON
    /// schema).
    #[serde(skip)]
    pub sheet_no: Option<u32>,
}

/// Immutable text that repeats from row to row (section, category, people, 采用期号, file and
/// sheet names): copies share one allocation, and an empty text (most 采用期号 and 备注 cells)
/// has none. Compares, orders and hashes as its `str`.
#[derive(Clone, Default)]
pub struct Text(Option<Arc<str>>);

impl Text {
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text((!s.is_empty()).then(|| Arc::from(s)))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text((!s.is_empty()).then(|| Arc::from(s)))
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Where a value came from: file, sheet and zero-based row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub file: Text,
    pub sheet: Text,
    pub row: u32,
}

impl Source {
    /// One-based row number as people count rows.
    pub fn row_number(&self) -> u32 {
        self.row + 1
    }
}

/// An item as read from one row of a section workbook, after validation (no row error).
/// `title_key` is computed from `title` once, when the row is read (`validate::row`); neither
/// changes after.
#[derive(Debug, Clone)]
pub struct Item {
    /// Roster section name.
    pub section: Text,
    /// Title as written (cleaned of surrounding and repeated spaces).
    pub title: Box<str>,
    /// The title's identity key ([`crate::cell::title_key`]): what the merge, the ledger's
    /// order and the repeat warnings compare.
    pub title_key: Box<str>,
    pub date: NaiveDate,
    /// 信息类别 as in the rules.
    pub category: Text,
    pub task_id: Option<Text>,
    /// Bit i set = adopted at the rules' adoption level i.
    pub adopted: u32,
    pub issue_no: Text,
    pub author: Text,
    pub reviewer: Text,
    /// 信息员审核 = 不通过.
    pub rejected: bool,
    /// Whether 信息员审核 was filled in at all (a blank cell in a later resend does not undo
    /// the officer's 不通过 on an earlier version).
    pub officer_filled: bool,
    pub remark: Text,
    pub source: Source,
    /// Column of the 信息标题 cell (findings about the item point at it).
    pub title_col: u32,
    /// The file's 报送月份 (merge: the latest wins).
    pub report_month: u32,
    /// Index of the source file in the run's file list (merge tie-break).
    pub file_index: usize,
    /// Position of the source sheet in its workbook: each sheet holding a header block and
    /// an items table is a submission of its own.
    pub sheet_no: u32,
}

impl Item {
    /// The identity key of the title: full/half width and spaces folded.
    pub fn key(&self) -> &str {
        &self.title_key
    }

    /// The submission the item came from: its file and sheet. Two sheets of one workbook are
    /// two submissions, exactly like two files.
    pub fn part(&self) -> (usize, u32) {
        (self.file_index, self.sheet_no)
    }

    /// Whether the item was adopted at some level.
    pub fn is_adopted(&self) -> bool {
        self.adopted != 0
    }
}

/// A roster entry (股室名单). Contact data is never kept: it must not reach the results.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterEntry {
    pub name: String,
    pub participates: bool,
    pub item_target: Option<f64>,
    pub score_target: Option<f64>,
}

/// A leader (领导名单).
#[derive(Debug, Clone, PartialEq)]
pub struct Leader {
    pub name: String,
    pub title: String,
    pub principal: bool,
}

/// The explicit 完成情况 of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Done,
    Failed,
}

/// A commissioned task (约稿任务).
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: String,
    pub section: String,
    pub kind: String,
    pub topic: String,
    pub issued: Option<NaiveDate>,
    pub deadline: NaiveDate,
    pub status: Option<TaskStatus>,
    pub source: Source,
    /// Column of the 截止日期 cell (findings point at it).
    pub date_col: u32,
    /// Column of the 下达日期 cell.
    pub issued_col: u32,
}

/// A deduction (扣分记录).
#[derive(Debug, Clone, PartialEq)]
pub struct Deduction {
    pub section: String,
    pub date: Option<NaiveDate>,
    pub label: String,
    pub count: i64,
    pub note: String,
    pub source: Source,
    /// Column of the 日期 cell (findings point at it).
    pub date_col: u32,
}

/// The officer's register, or the embedded default (roster only).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Register {
    pub roster: Vec<RosterEntry>,
    pub leaders: Vec<Leader>,
    pub tasks: Vec<Task>,
    pub deductions: Vec<Deduction>,
    /// Every task id on the register's 约稿任务 sheet (as [`crate::cell::id_key`] folds
    /// it), rows with an error included: an item naming one of them is never blamed for the
    /// officer's slip.
    pub task_ids: Vec<String>,
    /// Whether some task of the register may be missing from `task_ids`: its 约稿任务 sheet
    /// could not be read (missing, or a required column renamed), a row has no 任务编号, or
    /// the inputs hold several registers. An unknown task id in a section's file may then be
    /// the register's fault, and is not the section's E-TASK until the register is whole.
    pub tasks_incomplete: bool,
    /// Whether a roster row has values but no 股室: a section file naming a section not on the
    /// roster may be that row's, and is not the section's E-FILE-SECTION until it is filled in.
    pub roster_incomplete: bool,
    /// The 采用记录 (empty when the sheet is absent or has no row): what the publications
    /// printed, which decides the adoptions at the levels it lists.
    pub adoption_record: Vec<crate::adoption::RecordRow>,
    /// The file it came from, if any.
    pub file: Option<String>,
}

impl Register {
    /// The embedded default: the seed's eleven sections, all taking part, nothing else.
    pub fn default_roster() -> Register {
        Register {
            roster: crate::labels::DEFAULT_ROSTER
                .iter()
                .map(|n| RosterEntry {
                    name: (*n).to_string(),
                    participates: true,
                    item_target: None,
                    score_target: None,
                })
                .collect(),
            ..Register::default()
        }
    }
}

/// What became of one sheet of a section workbook.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetOutcome {
    /// Read and counted: its section and 报送月份.
    Read { section: String, month: u32 },
    /// Not counted: a file error (its finding says why), with a short reason.
    Failed(String),
}

/// A sheet of a section workbook that holds an items table, and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetStatus {
    pub sheet: String,
    pub outcome: SheetOutcome,
}

/// What became of one input file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileStatus {
    /// Read as a section workbook: each of its sheets holding an items table, in sheet
    /// order, at least one of them read.
    Section(Vec<SheetStatus>),
    /// Read as the register.
    Register,
    /// Skipped before reading (lock file, hidden, not a spreadsheet extension, duplicate).
    Skipped(String),
    /// Could not be used: a file error (its finding says why).
    Failed(String),
}

/// One input file of the run.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Path as shown to people.
    pub display: String,
    pub path: std::path::PathBuf,
    /// Hex SHA-256 of the content (empty when not read).
    pub sha256: String,
    pub status: FileStatus,
    /// Workbook property "modified" (merge tie-break), if present.
    pub modified: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash(x: impl Hash) -> u64 {
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    #[test]
    fn texts_read_as_str() {
        let a = Text::from("常规信息");
        assert_eq!(a, "常规信息");
        assert_eq!(a.to_string(), "常规信息");
        assert_eq!(format!("{a:?}"), "\"常规信息\"");
        assert_eq!(Text::default(), "");
        // an empty text, however made, is the same text
        assert_eq!(Text::from(""), Text::default());
        assert_eq!(Text::from(String::new()), "");
        assert_eq!(hash(Text::from("")), hash(Text::default()));
        assert_eq!(hash(Text::default()), hash(""));
        assert_eq!(Text::from("a").cmp(&Text::from("b")), Ordering::Less);
        assert_eq!(hash(Text::from("x")), hash("x"));
    }
}
