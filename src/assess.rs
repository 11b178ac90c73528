//! The pure middle of the pipeline: loaded files + rules → the assessed year. Decides the year
//! and the as-of date, applies the register (phase 2 of validation), merges, scores and ranks.

use chrono::{Datelike, NaiveDate};

use crate::corrected::mark_corrected;
use crate::error::Error;
use crate::load::Loaded;
use crate::merge::{merge, same_month_warnings};
use crate::model::{FileStatus, Finding, InputFile, Register, Severity, SheetOutcome};
use crate::rank::{Standing, rank};
use crate::rules::Rules;
use crate::score::{Months, SectionScore, score};
use crate::validate::{SectionFile, SheetResult, check, infer_year, year_counts};

/// The years zwxx assesses (Excel dates start in 1900); `--year` outside is an argument error.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// Every input row accounted for: each is an item (in the ledger) or has an error finding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowAccounting {
    /// Non-blank rows of the section workbooks that were accepted (files refused as a whole
    /// are accounted for by their file error).
    pub rows: usize,
    /// Rows that became items.
    pub items: usize,
    /// Rows with a row error.
    pub refused: usize,
}

/// The assessed year: everything the reports show.
#[derive(Debug)]
pub struct Assessment {
    pub year: i32,
    pub as_of: NaiveDate,
    pub files: Vec<InputFile>,
    pub register: Register,
    /// Whether the register came from a file (else the embedded roster).
    pub register_file: Option<String>,
    pub findings: Vec<Finding>,
    pub scores: Vec<SectionScore>,
    pub standings: Vec<Standing>,
    pub rows: RowAccounting,
}

impl Assessment {
    /// Every distinct item of the year (one version of each; superseded versions left out),
    /// section by section in roster order.
    pub fn items(&self) -> impl Iterator<Item = &crate::model::Item> {
        self.scores.iter().flat_map(|s| {
            s.items
                .iter()
                .filter(|i| i.state != crate::score::ItemState::Superseded)
                .map(|i| &i.item)
        })
    }

    /// Number of error findings.
    pub fn error_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    /// The last month (1–12) counted for 建议约谈 and the monthly table — the as-of date's,
    /// which is always inside the year, as [`assess`] ranks with.
    pub fn up_to_month(&self) -> u32 {
        self.as_of.month()
    }
}

/// Parse an `--as-of` value (any date shape the templates accept).
pub fn parse_as_of(text: &str) -> Result<NaiveDate, Error> {
    crate::cell::parse_date(&calamine::Data::String(text.to_string())).ok_or_else(|| {
        Error::Usage(format!(
            "--as-of “{text}”不是有效日期，请写成如 2019-06-30 的日期"
        ))
    })
}

/// The years the readable section workbooks hold, most common first: `2019 年(118 个文件)、
/// 2018 年(1 个文件)`, or a note that none was read.
fn years_found(sections: &[SectionFile]) -> String {
    let counts = year_counts(sections);
    if counts.is_empty() {
        return "没有读到可用的报送表".to_string();
    }
    let years: Vec<String> = counts
        .iter()
        .map(|(y, n)| format!("{y} 年（{n} 个文件）"))
        .collect();
    format!("报送表的报送年份为 {}", years.join("、"))
}

/// The assessment year: `--year` when given, else the year held by the most workbooks. A
/// `--year` that no readable workbook holds is refused (it would rank every section at 0);
/// so is a tie between two years. With no readable workbook at all, the year is `--year`, the
/// as-of date's or this one, so that the problems of the files found are still reported.
fn decide_year(
    sections: &[SectionFile],
    year: Option<i32>,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<i32, Error> {
    if let Some(y) = year {
        if !sections.is_empty() && !sections.iter().any(|s| s.year.0 == y) {
            return Err(Error::Usage(format!(
                "没有报送年份为 {y} 的报送表（{}）。请检查 --year，或选择该年度的文件夹",
                years_found(sections)
            )));
        }
        return valid_year(y);
    }
    match infer_year(sections) {
        Ok(Some(y)) => valid_year(y),
        Ok(None) => Ok(as_of.unwrap_or(today).year()),
        Err(tie) => {
            let years: Vec<String> = tie
                .iter()
                .map(|(y, n)| format!("{y} 年（{n} 个文件）"))
                .collect();
            Err(Error::Usage(format!(
                "无法确定考核年度：{} 的文件一样多。请用 --year 指定年度",
                years.join("、")
            )))
        }
    }
}

/// A year the results can hold (Excel dates start in 1900).
fn valid_year(y: i32) -> Result<i32, Error> {
    check_year(i64::from(y)).map_err(Error::Usage)
}

/// `y` when zwxx can assess it (in [`YEARS`]), else what is wrong with it, in Chinese.
pub fn check_year(y: i64) -> Result<i32, String> {
    i32::try_from(y)
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| year_out_of_range(&y.to_string()))
}

/// Why the year `shown` (as typed) cannot be assessed.
pub fn year_out_of_range(shown: &str) -> String {
    format!(
        "年份 {shown} 超出范围：只能处理 {} 至 {} 年（Excel 的日期从 {} 年开始），请填写如 2019 的年份",
        YEARS.start(),
        YEARS.end(),
        YEARS.start()
    )
}

/// The as-of date: `--as-of` when given, which must lie inside the assessment year (an
/// earlier date would rank sections with nothing counted yet, a later one settle tasks of the
/// next year); else the end of the year, or today if earlier.
fn decide_as_of(
    sections: &[SectionFile],
    year: i32,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, Error> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1);
    let end = NaiveDate::from_ymd_opt(year, 12, 31);
    let (Some(start), Some(end)) = (start, end) else {
        return Err(Error::Usage(format!("年度 {year} 无效")));
    };
    match as_of {
        None => Ok(today.clamp(start, end)),
        Some(d) if (start..=end).contains(&d) => Ok(d),
        Some(d) => Err(Error::Usage(format!(
            "--as-of {d} 不在考核年度 {year} 内（{}）。请指定 {year} 年内的日期，如 {year}-06-30",
            years_found(sections)
        ))),
    }
}

/// Assess the year from what was loaded. `today` decides the default as-of date.
pub fn assess(
    loaded: Loaded,
    rules: &Rules,
    year: Option<i32>,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Assessment, Error> {
    let Loaded {
        mut files,
        sections,
        failed,
        items,
        register,
        mut findings,
    } = loaded;
    let year = decide_year(&sections, year, as_of, today)?;
    let as_of = decide_as_of(&sections, year, as_of, today)?;
    let up_to_month = as_of.month();

    let register_file = register.as_ref().and_then(|r| r.file.clone());
    let mut register = register.unwrap_or_else(Register::default_roster);
    findings.extend(crate::register::keep_year(&mut register, year));
    let mut checked = check(sections, failed, items, year, &register, rules);
    set_file_statuses(&mut files, &mut checked.sheets);
    findings.append(&mut checked.findings);
    let rows = RowAccounting {
        rows: checked.rows_seen,
        items: checked.items.len(),
        refused: checked.rows_refused,
    };
    findings.extend(same_month_warnings(&checked.submissions, &files));
    let mut merged = merge(checked.items, &files);
    findings.append(&mut merged.findings);
    mark_corrected(&mut findings, &checked.refused_rows, &merged, &files);
    let months = Months {
        submitted: &checked.submissions,
        invalid: &checked.invalid_months,
    };
    let scores = score(&register, merged, &months, rules, as_of, &mut findings);
    let standings = rank(&scores, rules, up_to_month);
    // Files in path order, a workbook's sheets in its order, then cells.
    findings.sort_by(|a, b| {
        (&a.file, a.sheet_no, &a.sheet, a.pos, a.code, &a.message)
            .cmp(&(&b.file, b.sheet_no, &b.sheet, b.pos, b.code, &b.message))
    });
    findings.dedup();
    Ok(Assessment {
        year,
        as_of,
        files,
        register,
        register_file,
        findings,
        scores,
        standings,
        rows,
    })
}

/// What became of each section workbook: read (with each sheet's outcome, in sheet order)
/// when at least one of its sheets was, else refused with the reasons of its sheets.
fn set_file_statuses(files: &mut [InputFile], sheets: &mut [SheetResult]) {
    sheets.sort_by_key(|s| (s.file_index, s.sheet_no));
    for of_file in sheets.chunk_by(|a, b| a.file_index == b.file_index) {
        let file = &mut files[of_file[0].file_index];
        let read = of_file
            .iter()
            .any(|s| matches!(s.status.outcome, SheetOutcome::Read { .. }));
        file.status = if read {
            FileStatus::Section(of_file.iter().map(|s| s.status.clone()).collect())
        } else {
            let mut why: Vec<&str> = of_file
                .iter()
                .filter_map(|s| match &s.status.outcome {
                    SheetOutcome::Failed(w) => Some(w.as_str()),
                    SheetOutcome::Read { .. } => None,
                })
                .collect();
            why.dedup();
            FileStatus::Failed(why.join("\u{FF1B}"))
        };
    }
}
