//! The officer's register (考核登记表): roster, leaders, commissioned tasks and deductions,
//! read by label like the section workbook, with every bad cell a finding in the register.
//! Contact data (联系电话, 电子邮箱) is never read: it must not reach the results.
//!
//! The register is the officer's own file and is held to a higher standard than a section's:
//! an obvious variant is read as meant with a warning (W-REG-VALUE, see `values`), anything
//! else that scoring uses and cannot be read is a register error (`E-REG-…`), on which
//! `zwxx score` writes nothing. Each sheet has its own parser (`sheets`); a new sheet is one
//! more [`sheets::SheetSpec`].

mod locate;
mod sheets;
mod table;
pub mod values;

use crate::cell::label_eq;
use crate::findings::{self as f, Code, at};
use crate::labels as l;
use crate::model::{Finding, Register, Source};
use crate::read::workbook::WorkbookData;
use crate::rules::Rules;
use locate::{Found, Wanted, locate};
use sheets::{IfMissing, SheetSpec};
use table::Table;

/// Whether a workbook is a register: it has a 股室名单 (by name, or a sheet whose header row
/// is the roster's), or two of the register's sheets by name.
pub fn is_register(wb: &WorkbookData) -> bool {
    let named = sheets::all()
        .filter(|spec| wb.sheets.iter().any(|s| label_eq(&s.name, spec.name)))
        .count();
    named >= 2
        || matches!(
            locate(wb, &[sheets::ROSTER.wanted()])[0],
            Found::Named(_) | Found::ByHeader(_)
        )
}

/// Parse a register workbook. Rows with an error are reported and left out; the register
/// errors among the findings (`E-REG-…`) say the register cannot be scored with.
pub fn parse_register(file: &str, wb: &WorkbookData, rules: &Rules) -> (Register, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut reg = Register {
        file: Some(file.to_string()),
        ..Register::default()
    };
    let specs: Vec<&SheetSpec> = sheets::all().collect();
    let wanted: Vec<Wanted> = specs.iter().map(|s| s.wanted()).collect();
    for (k, (spec, found)) in specs.iter().zip(locate(wb, &wanted)).enumerate() {
        let sheet = placed(file, spec, found, &mut findings);
        let table =
            sheet.and_then(|s| Table::open(file, s, spec.columns, spec.required, &mut findings));
        match table {
            Some(t) => (spec.parse)(&t, rules, &mut reg, &mut findings),
            None if spec.name == l::SHEET_TASKS => reg.tasks_incomplete = true,
            None => {}
        }
        if k == 0 {
            check_roster(file, &mut reg, &mut findings);
        }
    }
    (reg, findings)
}

/// The sheet a table is read from, with a warning when it is read under another name; the
/// finding for a table no sheet (or more than one) holds.
fn placed<'a>(
    file: &str,
    spec: &SheetSpec,
    found: Found<'a>,
    findings: &mut Vec<Finding>,
) -> Option<&'a crate::read::workbook::SheetData> {
    let name = spec.name;
    let (code, msg) = match found {
        Found::Named(s) => return Some(s),
        Found::ByHeader(s) => {
            findings.push(f::sheet_level(
                file,
                &s.name,
                Code::RegSheetWarning,
                format!(
                    "没有名为“{name}”的工作表，工作表“{}”的表头与“{name}”相同，已按“{name}”读取。请将该工作表改名为“{name}”",
                    s.name
                ),
            ));
            return Some(s);
        }
        Found::Several(v) => {
            let names: Vec<String> = v.iter().map(|s| format!("“{}”", s.name)).collect();
            (
                Code::RegSheet,
                format!(
                    "没有名为“{name}”的工作表，而工作表 {} 的表头都与“{name}”相同，无法确定读取哪一个，该表未读取。请将要使用的工作表改名为“{name}”",
                    names.join("、")
                ),
            )
        }
        Found::Missing => match spec.if_missing {
            IfMissing::Error => (
                Code::RegSheet,
                format!(
                    "登记表中没有“{name}”工作表（也没有表头与它相同的工作表），{name}未读取。请按模板恢复该工作表{}",
                    if name == l::SHEET_ROSTER {
                        String::new()
                    } else {
                        format!("（没有{name}时保留表头即可）")
                    }
                ),
            ),
            IfMissing::Warn => (
                Code::Register,
                format!("登记表中没有“{name}”工作表，相关核对未进行。请按模板恢复该工作表"),
            ),
            IfMissing::Optional => return None,
        },
    };
    findings.push(f::sheet_level(file, name, code, msg));
    None
}

/// A register without a roster is a register error; the embedded roster then stands in, only
/// so that the other sheets can still be checked.
fn check_roster(file: &str, reg: &mut Register, findings: &mut Vec<Finding>) {
    if reg.roster.is_empty() && !findings.iter().any(|x| x.code == Code::RegSheet) {
        findings.push(f::sheet_level(
            file,
            l::SHEET_ROSTER,
            Code::RegSheet,
            "登记表的股室名单为空。请在股室名单中填写参加考核的股室".to_string(),
        ));
    }
    if reg.roster.is_empty() {
        reg.roster = Register::default_roster().roster;
    }
}

/// Tasks issued, and deductions dated, outside the assessment year belong to another year's
/// assessment (an officer may keep one register for several years): they are left out of this
/// year with a warning at their date cell. A deadline in the next year is normal for a task
/// issued in this one (it is pending at the year's end). A task without a 下达日期 belongs to
/// the year of its deadline, or to this year when its deadline is in the next one — the
/// officer registers a task when it is issued — with a warning saying so. Undated deductions
/// stay.
pub fn keep_year(reg: &mut Register, year: i32) -> Vec<Finding> {
    use chrono::Datelike;
    let mut findings = Vec::new();
    let warn = |src: &Source, col: u32, code: Code, msg: String| {
        at(&src.file, &src.sheet, (src.row, col), code, msg)
    };
    reg.tasks.retain(|t| {
        let (date, col, what) = match t.issued {
            Some(d) => (d, t.issued_col, l::T_ISSUED),
            None => (t.deadline, t.date_col, l::T_DEADLINE),
        };
        if t.issued.is_none() && date.year() == year + 1 {
            let msg = format!(
                "任务“{}”没有{}，截止日期 {date} 在下一年度，按 {year} 年度下达的任务计。如是下一年度的任务，请填写下达日期",
                t.id,
                l::T_ISSUED
            );
            findings.push(warn(&t.source, t.issued_col, Code::RegValueWarning, msg));
            return true;
        }
        let keep = date.year() == year;
        if !keep {
            let msg = format!(
                "任务“{}”的{what} {date} 不在考核年度 {year} 内，本年度不计。如有误请更正{what}",
                t.id
            );
            findings.push(warn(&t.source, col, Code::RegisterYear, msg));
        }
        keep
    });
    reg.deductions.retain(|d| {
        let keep = d.date.is_none_or(|x| x.year() == year);
        if !keep {
            let msg = format!(
                "扣分记录日期 {} 不在考核年度 {year} 内，本年度不计。如有误请更正日期",
                d.date.map(|x| x.to_string()).unwrap_or_default()
            );
            findings.push(warn(&d.source, d.date_col, Code::RegisterYear, msg));
        }
        keep
    });
    findings
}

/// "(是否为“X”?)" naming the closest roster name (the first of [`nearest`]), or nothing when
/// none is close.
pub fn suggestion(name: &str, roster: &[&str]) -> String {
    nearest(name, roster)
        .first()
        .map(|c| format!("（是否为“{c}”？）"))
        .unwrap_or_default()
}

/// The near-miss of `name` when it is unique: exactly one roster name is nearest.
pub fn unique_closest<'a>(name: &str, roster: &[&'a str]) -> Option<&'a str> {
    match nearest(name, roster).as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// The roster names nearest to `name`, equally near, in roster order: those containing it or
/// contained in it, the closest in length (`办公` → 办公室 rather than 园区管理办公室,
/// `园区管理办公室2` → 园区管理办公室 rather than the 办公室 inside it); failing that, those at
/// the smallest character edit distance, if it is at most half the longer length.
fn nearest<'a>(name: &str, roster: &[&'a str]) -> Vec<&'a str> {
    if name.is_empty() {
        return Vec::new();
    }
    let len = name.chars().count();
    let mut scored: Vec<(usize, &str)> = roster
        .iter()
        .filter(|r| r.contains(name) || name.contains(**r))
        .map(|r| (r.chars().count().abs_diff(len), *r))
        .collect();
    if scored.is_empty() {
        scored = edits(name, roster);
    }
    best(scored)
}

/// "（是否为“2019-01”？）" naming the registered task ids closest to an unknown `id` (by
/// character edit distance, at most half the id's length; several when equally close, up to
/// three), or nothing when none is close.
pub fn task_suggestion(id: &str, ids: &[&str]) -> String {
    const SHOWN: usize = 3;
    let near: Vec<String> = best(edits(id, ids))
        .iter()
        .take(SHOWN)
        .map(|x| format!("“{x}”"))
        .collect();
    if near.is_empty() {
        return String::new();
    }
    format!("（是否为{}？）", near.join("或"))
}

/// Each candidate with its character edit distance from `name`, those within half the longer
/// length.
fn edits<'a>(name: &str, candidates: &[&'a str]) -> Vec<(usize, &'a str)> {
    let len = name.chars().count();
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(name, c), *c))
        .filter(|(d, c)| *d * 2 <= c.chars().count().max(len))
        .collect()
}

/// The candidates at the smallest distance, in their order.
fn best(scored: Vec<(usize, &str)>) -> Vec<&str> {
    let least = scored.iter().map(|(d, _)| *d).min();
    scored
        .into_iter()
        .filter(|(d, _)| Some(*d) == least)
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closest<'a>(name: &str, roster: &[&'a str]) -> Option<&'a str> {
        nearest(name, roster).first().copied()
    }

    #[test]
    fn closest_roster_name() {
        let roster = crate::labels::DEFAULT_ROSTER;
        assert_eq!(closest("经济运行", &roster), Some("经济运行股"));
        assert_eq!(closest("科技管里股", &roster), Some("科技管理股"));
        assert_eq!(closest("财务股", &roster), None);
        assert_eq!(closest("办公", &roster), Some("办公室"));
        assert_eq!(closest("园区管理办公室2", &roster), Some("园区管理办公室"));
    }

    /// A near-miss attributes a file only when no other roster name is as near.
    #[test]
    fn unique_near_miss() {
        let roster = crate::labels::DEFAULT_ROSTER;
        assert_eq!(unique_closest("经济运行科", &roster), Some("经济运行股"));
        assert_eq!(
            unique_closest("园区管理办公室2", &roster),
            Some("园区管理办公室")
        );
        assert_eq!(unique_closest("财务股", &roster), None);
        let two = ["经济一股", "经济二股"];
        assert_eq!(unique_closest("经济三股", &two), None);
        assert_eq!(closest("经济三股", &two), Some("经济一股"));
    }

    #[test]
    fn closest_task_ids() {
        let ids = ["2019-01", "2019-02", "2019-10"];
        assert_eq!(task_suggestion("2019-O1", &ids), "（是否为“2019-01”？）");
        assert_eq!(task_suggestion("201901", &ids), "（是否为“2019-01”？）");
        assert_eq!(
            task_suggestion("2019-1", &ids),
            "（是否为“2019-01”或“2019-10”？）"
        );
        assert_eq!(task_suggestion("YG-77", &ids), "");
    }
}
