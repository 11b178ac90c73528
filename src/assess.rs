//! The pure middle of the pipeline: loaded files + rules → the assessed year. Decides the year
//! and the as-of date, applies the register (phase 2 of validation), merges, scores and ranks.

use chrono::{Datelike, NaiveDate};

use crate::error::Error;
use crate::load::Loaded;
use crate::merge::merge;
use crate::model::{FileStatus, Finding, InputFile, Register, Severity};
use crate::rank::{Standing, rank};
use crate::rules::Rules;
use crate::score::{SectionScore, score};
use crate::validate::{check, infer_year};

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

    /// The last month (1–12; 0 when the as-of date is before the year) counted for 建议约谈
    /// and the monthly table — the same month [`assess`] ranks with.
    pub fn up_to_month(&self) -> u32 {
        match self.as_of.year().cmp(&self.year) {
            std::cmp::Ordering::Less => 0,
            std::cmp::Ordering::Greater => 12,
            std::cmp::Ordering::Equal => self.as_of.month(),
        }
    }
}

/// Parse an `--as-of` value (any date shape the templates accept).
pub fn parse_as_of(text: &str) -> Result<NaiveDate, Error> {
    crate::cell::parse_date(&calamine::Data::String(text.to_string())).ok_or_else(|| {
        Error::Usage(format!(
            "--as-of “{text}”不是有效日期,请写成如 2019-06-30 的日期"
        ))
    })
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
        items,
        register,
        mut findings,
    } = loaded;
    let year = match year {
        Some(y) => y,
        None => match infer_year(&sections) {
            Ok(Some(y)) => y,
            // No readable section workbook holds a year: the as-of date's year, else this
            // year, so that the problems of the files that were found are still reported.
            Ok(None) => as_of.unwrap_or(today).year(),
            Err(tie) => {
                let years: Vec<String> = tie
                    .iter()
                    .map(|(y, n)| format!("{y} 年({n} 个文件)"))
                    .collect();
                return Err(Error::Usage(format!(
                    "无法确定考核年度:{} 的文件一样多。请用 --year 指定年度",
                    years.join("、")
                )));
            }
        },
    };
    let start = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| Error::Usage(format!("年度 {year} 无效")))?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| Error::Usage(format!("年度 {year} 无效")))?;
    let as_of = as_of.unwrap_or_else(|| today.clamp(start, end));
    let up_to_month = if as_of < start {
        0
    } else if as_of > end {
        12
    } else {
        as_of.month()
    };

    let register_file = register.as_ref().and_then(|r| r.file.clone());
    let mut register = register.unwrap_or_else(Register::default_roster);
    findings.extend(crate::register::keep_year(&mut register, year));
    let checked = check(sections, items, year, &register, rules);
    for (i, why) in &checked.failed {
        files[*i].status = FileStatus::Failed(why.clone());
    }
    for (i, section, month) in &checked.accepted {
        files[*i].status = FileStatus::Section {
            section: section.clone(),
            month: *month,
        };
    }
    findings.extend(checked.findings);
    let rows = RowAccounting {
        rows: checked.rows_seen,
        items: checked.items.len(),
        refused: checked.rows_refused,
    };
    let mut merged = merge(checked.items, &files, &checked.submissions);
    findings.append(&mut merged.findings);
    let scores = score(&register, merged, &checked.submissions, rules, as_of);
    let standings = rank(&scores, rules, up_to_month);
    findings.sort_by(|a, b| {
        (&a.file, &a.sheet, a.pos, a.code, &a.message)
            .cmp(&(&b.file, &b.sheet, b.pos, b.code, &b.message))
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
