//! Plain data shared by the pipeline's stages: findings, items, the register, input files.
//! No behaviour beyond small accessors; every stage takes and returns these.

use chrono::NaiveDate;
use serde::Serialize;
use std::sync::Arc;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The file is skipped or the row does not count.
    Error,
    /// Reported; the row still counts.
    Warning,
}

impl Severity {
    /// The Chinese word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => crate::labels::SEVERITY_ERROR,
            Severity::Warning => crate::labels::SEVERITY_WARNING,
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
    pub code: &'static str,
    pub message: String,
    /// The roster section the problem belongs to, when known (not part of the JSON schema).
    #[serde(skip)]
    pub section: Option<String>,
    /// Zero-based (row, col) for ordering and highlighting (not part of the JSON schema).
    #[serde(skip)]
    pub pos: Option<(u32, u32)>,
}

/// Where a value came from: file, sheet and zero-based row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub file: Arc<str>,
    pub sheet: Arc<str>,
    pub row: u32,
}

impl Source {
    /// One-based row number as people count rows.
    pub fn row_number(&self) -> u32 {
        self.row + 1
    }
}

/// An item as read from one row of a section workbook, after validation (no row error).
#[derive(Debug, Clone)]
pub struct Item {
    /// Roster section name.
    pub section: String,
    /// Title as written (cleaned of surrounding and repeated spaces).
    pub title: String,
    /// Identity key: title folded for full/half width and spaces.
    /// Only when it differs from the title (most titles are already folded): see [`Item::key`].
    pub title_key: Option<Box<str>>,
    pub date: NaiveDate,
    /// 信息类别 as in the rules.
    pub category: String,
    pub task_id: Option<String>,
    /// Bit i set = adopted at the rules' adoption level i.
    pub adopted: u32,
    pub issue_no: String,
    pub author: String,
    pub reviewer: String,
    /// 信息员审核 = 不通过.
    pub rejected: bool,
    /// Whether 信息员审核 was filled in at all (a blank cell in a later resend does not undo
    /// the officer's 不通过 on an earlier version).
    pub officer_filled: bool,
    pub remark: String,
    pub source: Source,
    /// Column of the 信息标题 cell (findings about the item point at it).
    pub title_col: u32,
    /// The file's 报送月份 (merge: the latest wins).
    pub report_month: u32,
    /// Index of the source file in the run's file list (merge tie-break).
    pub file_index: usize,
}

impl Item {
    /// The identity key of the title: full/half width and spaces folded.
    pub fn key(&self) -> &str {
        self.title_key.as_deref().unwrap_or(&self.title)
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

    /// Roster entry by name.
    pub fn section(&self, name: &str) -> Option<&RosterEntry> {
        self.roster.iter().find(|r| r.name == name)
    }
}

/// What became of one input file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileStatus {
    /// Read as a section workbook.
    Section { section: String, month: u32 },
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
