//! The officer's register (考核登记表): roster, leaders, commissioned tasks and deductions,
//! read by label like the section workbook, with every bad cell a finding in the register.
//! Contact data (联系电话, 电子邮箱) is never read: it must not reach the results.

use std::collections::HashSet;

use calamine::Data;

use crate::cell::{self, cell_text, clean_text, is_blank, parse_date, parse_number};
use crate::findings::{self as f, at};
use crate::labels as l;
use crate::layout::{Grid, columns};
use crate::model::{
    Deduction, Finding, Leader, Register, RosterEntry, Severity, Source, Task, TaskStatus,
};
use crate::read::workbook::{SheetData, WorkbookData};
use crate::rules::Rules;

/// Whether a workbook is a register: it has a 股室名单 sheet, or two of the register's sheets.
pub fn is_register(wb: &WorkbookData) -> bool {
    let n = l::REGISTER_SHEETS
        .iter()
        .filter(|s| wb.sheets.iter().any(|x| cell::label_eq(&x.name, s)))
        .count();
    n >= 2
        || wb
            .sheets
            .iter()
            .any(|x| cell::label_eq(&x.name, l::SHEET_ROSTER))
}

/// One register table: its rows' values by wanted column.
struct Table<'a> {
    file: &'a str,
    sheet: &'a str,
    grid: Grid<'a>,
    found: Vec<Option<u32>>,
    header_row: u32,
}

impl<'a> Table<'a> {
    fn open(
        file: &'a str,
        wb: &'a WorkbookData,
        name: &str,
        wanted: &[&str],
        findings: &mut Vec<Finding>,
    ) -> Option<Table<'a>> {
        let sheet: &SheetData = wb.sheets.iter().find(|s| cell::label_eq(&s.name, name))?;
        let grid = Grid::new(sheet);
        let Some((header_row, _)) = grid.find_label_row(wanted[0], None) else {
            findings.push(f::sheet_level(
                file,
                &sheet.name,
                Severity::Error,
                f::FILE_NOT_TEMPLATE,
                format!(
                    "工作表“{name}”中找不到表头“{}”,该表未读取。请勿修改模板表头",
                    wanted[0]
                ),
            ));
            return None;
        };
        let cols = columns(&grid, header_row, wanted);
        for (c, text) in &cols.unknown {
            findings.push(at(
                file,
                &sheet.name,
                (header_row, *c),
                Severity::Warning,
                f::W_COLUMN_UNKNOWN,
                format!(
                    "未知的列“{}”,已忽略。本表的列为:{}",
                    text.trim(),
                    wanted.join("、")
                ),
            ));
        }
        // Columns the sheet cannot be read without (the first label found the header row).
        let required: &[usize] = match wanted[0] {
            l::T_ID => &[0, 1, 5],
            _ if wanted == l::DEDUCTION_COLUMNS.as_slice() => &[0, 2],
            _ => &[0],
        };
        let missing: Vec<&str> = required
            .iter()
            .filter(|&&i| cols.found[i].is_none())
            .map(|&i| wanted[i])
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|m| format!("“{m}”")).collect();
            findings.push(f::sheet_level(
                file,
                &sheet.name,
                Severity::Error,
                f::FILE_NOT_TEMPLATE,
                format!(
                    "工作表“{name}”缺少列 {},该表未读取。请勿修改模板表头",
                    names.join("、")
                ),
            ));
            return None;
        }
        Some(Table {
            file,
            sheet: &sheet.name,
            grid,
            found: cols.found,
            header_row,
        })
    }

    fn rows(&self) -> Vec<u32> {
        self.grid
            .rows()
            .filter(|(r, _)| *r > self.header_row)
            .map(|(r, _)| r)
            .filter(|r| (0..self.found.len()).any(|c| self.value(*r, c).is_some()))
            .collect()
    }

    fn value(&self, row: u32, c: usize) -> Option<(u32, &'a Data)> {
        let col = self.found[c]?;
        self.grid
            .get(row, col)
            .filter(|d| !is_blank(d))
            .map(|d| (col, d))
    }

    fn text(&self, row: u32, c: usize) -> String {
        self.value(row, c)
            .map(|(_, d)| clean_text(&cell_text(d)).into_owned())
            .unwrap_or_default()
    }

    fn cell_of(&self, row: u32, c: usize) -> (u32, u32) {
        (row, self.found[c].unwrap_or(0))
    }

    fn finding(
        &self,
        row: u32,
        c: usize,
        sev: Severity,
        code: &'static str,
        msg: String,
    ) -> Finding {
        at(self.file, self.sheet, self.cell_of(row, c), sev, code, msg)
    }

    fn source(&self, row: u32) -> Source {
        Source {
            file: crate::model::Text::from(self.file),
            sheet: crate::model::Text::from(self.sheet),
            row,
        }
    }
}

/// Parse a register workbook. Rows with an error are reported and left out.
pub fn parse_register(file: &str, wb: &WorkbookData, rules: &Rules) -> (Register, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut reg = Register {
        file: Some(file.to_string()),
        ..Register::default()
    };

    if let Some(t) = Table::open(file, wb, l::SHEET_ROSTER, &l::ROSTER_COLUMNS, &mut findings) {
        // Columns: 0 股室 · 5 年度信息条数任务 · 6 年度分值任务 · 7 参与考核 (contact columns unread).
        for row in t.rows() {
            let name = cell::normalize_label(&t.text(row, 0));
            if name.is_empty() {
                continue; // a row with only contact data or targets: nothing to rank
            }
            if reg.roster.iter().any(|r| r.name == name) {
                findings.push(t.finding(
                    row,
                    0,
                    Severity::Warning,
                    f::W_REGISTER,
                    format!("股室“{name}”在名单中重复,只取第一行"),
                ));
                continue;
            }
            let participates = match t.value(row, 7) {
                None => true,
                Some((_, d)) => match cell::parse_bool(d) {
                    Some(b) => b,
                    None => {
                        findings.push(t.finding(
                            row,
                            7,
                            Severity::Warning,
                            f::W_REGISTER,
                            format!(
                                "参与考核“{}”无法识别,按“是”处理。请填写“是”或“否”",
                                cell_text(d)
                            ),
                        ));
                        true
                    }
                },
            };
            let target = |c: usize, findings: &mut Vec<Finding>| -> Option<f64> {
                let (_, d) = t.value(row, c)?;
                match parse_number(d) {
                    Some(v) if v > 0.0 => Some(v),
                    _ => {
                        findings.push(t.finding(
                            row,
                            c,
                            Severity::Warning,
                            f::W_REGISTER,
                            format!(
                                "{}“{}”不是正数,已忽略该任务数。请填写大于 0 的数字",
                                l::ROSTER_COLUMNS[c],
                                cell_text(d)
                            ),
                        ));
                        None
                    }
                }
            };
            let item_target = target(5, &mut findings);
            let score_target = target(6, &mut findings);
            reg.roster.push(RosterEntry {
                name,
                participates,
                item_target,
                score_target,
            });
        }
    }
    if reg.roster.is_empty() {
        findings.push(f::sheet_level(
            file,
            l::SHEET_ROSTER,
            Severity::Warning,
            f::W_REGISTER,
            "登记表的股室名单为空,使用内置的默认股室名单".to_string(),
        ));
        reg.roster = Register::default_roster().roster;
    }
    let roster_names: Vec<&str> = reg.roster.iter().map(|r| r.name.as_str()).collect();
    // The 股室 of a task or deduction row (column `c` of its table) must be on the roster.
    let check_section =
        |t: &Table, row: u32, c: usize, findings: &mut Vec<Finding>| -> Option<String> {
            let name = cell::normalize_label(&t.text(row, c));
            if name.is_empty() {
                findings.push(t.finding(
                    row,
                    c,
                    Severity::Error,
                    f::ROW_REQUIRED,
                    "股室为空,请填写股室名单中的股室".into(),
                ));
                return None;
            }
            if roster_names.contains(&name.as_str()) {
                return Some(name);
            }
            findings.push(t.finding(
                row,
                c,
                Severity::Error,
                f::ROW_SECTION,
                format!(
                    "股室“{name}”不在股室名单中{},本行不计",
                    suggestion(&name, &roster_names)
                ),
            ));
            None
        };

    if let Some(t) = Table::open(
        file,
        wb,
        l::SHEET_LEADERS,
        &l::LEADER_COLUMNS,
        &mut findings,
    ) {
        for row in t.rows() {
            let name = clean_text(&t.text(row, 0))
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>();
            if name.is_empty() {
                findings.push(t.finding(
                    row,
                    0,
                    Severity::Error,
                    f::ROW_REQUIRED,
                    "姓名为空,请填写领导姓名".into(),
                ));
                continue;
            }
            let role = cell::normalize_label(&t.text(row, 2));
            let principal = role == l::ROLE_PRINCIPAL;
            if !role.is_empty() && !principal && role != l::ROLE_DEPUTY {
                findings.push(t.finding(
                    row,
                    2,
                    Severity::Warning,
                    f::W_REGISTER,
                    format!(
                        "角色“{role}”无法识别,按“{}”处理。请填写“{}”或“{}”",
                        l::ROLE_DEPUTY,
                        l::ROLE_PRINCIPAL,
                        l::ROLE_DEPUTY
                    ),
                ));
            }
            reg.leaders.push(Leader {
                name,
                title: t.text(row, 1),
                principal,
            });
        }
    }

    if let Some(t) = Table::open(file, wb, l::SHEET_TASKS, &l::TASK_COLUMNS, &mut findings) {
        let mut ids = HashSet::new();
        for row in t.rows() {
            let before = findings
                .iter()
                .filter(|x| x.severity == Severity::Error)
                .count();
            let id = cell::id_key(&t.text(row, 0));
            if id.is_empty() {
                findings.push(t.finding(
                    row,
                    0,
                    Severity::Error,
                    f::ROW_REQUIRED,
                    "任务编号为空,请填写唯一的任务编号".into(),
                ));
            } else if !ids.insert(id.clone()) {
                findings.push(t.finding(
                    row,
                    0,
                    Severity::Error,
                    f::ROW_DUP_TASK,
                    format!("任务编号“{id}”重复,本行不计。每个任务编号只能登记一次"),
                ));
            }
            let section = check_section(&t, row, 1, &mut findings);
            let kind = cell::normalize_label(&t.text(row, 2));
            if !kind.is_empty() && kind != l::KIND_COMMISSIONED && kind != l::KIND_RESEARCH {
                findings.push(t.finding(
                    row,
                    2,
                    Severity::Warning,
                    f::W_REGISTER,
                    format!(
                        "任务类型“{kind}”无法识别,请填写“{}”或“{}”",
                        l::KIND_COMMISSIONED,
                        l::KIND_RESEARCH
                    ),
                ));
            }
            let issued = optional_date(&t, row, 4, &mut findings);
            let deadline = match t.value(row, 5) {
                None => {
                    findings.push(t.finding(
                        row,
                        5,
                        Severity::Error,
                        f::ROW_REQUIRED,
                        "截止日期为空,请填写如 2019-06-30 的日期".into(),
                    ));
                    None
                }
                Some((_, d)) => {
                    let p = parse_date(d);
                    if p.is_none() {
                        findings.push(t.finding(
                            row,
                            5,
                            Severity::Error,
                            f::ROW_DATE,
                            format!(
                                "截止日期“{}”不是有效日期,请填写如 2019-06-30 的日期",
                                cell_text(d)
                            ),
                        ));
                    }
                    p
                }
            };
            let status = match t
                .value(row, 6)
                .map(|(_, d)| cell::normalize_label(&cell_text(d)))
            {
                None => None,
                Some(s) if s == l::STATUS_DONE => Some(TaskStatus::Done),
                Some(s) if s == l::STATUS_FAILED => Some(TaskStatus::Failed),
                Some(s) => {
                    findings.push(t.finding(
                        row,
                        6,
                        Severity::Error,
                        f::ROW_VALUE,
                        format!(
                            "完成情况“{s}”无法识别,请填写“{}”或“{}”,或留空由系统根据报送信息判断",
                            l::STATUS_DONE,
                            l::STATUS_FAILED
                        ),
                    ));
                    None
                }
            };
            let errors = findings
                .iter()
                .filter(|x| x.severity == Severity::Error)
                .count();
            if errors > before {
                continue;
            }
            if let (Some(section), Some(deadline)) = (section, deadline) {
                reg.tasks.push(Task {
                    id,
                    section,
                    kind,
                    topic: t.text(row, 3),
                    issued: issued.flatten(),
                    deadline,
                    status,
                    source: t.source(row),
                    date_col: t.cell_of(row, 5).1,
                });
            }
        }
    }

    if let Some(t) = Table::open(
        file,
        wb,
        l::SHEET_DEDUCTIONS,
        &l::DEDUCTION_COLUMNS,
        &mut findings,
    ) {
        // Columns: 0 股室 · 1 日期 · 2 扣分类别 · 3 次数 · 4 说明.
        for row in t.rows() {
            let before = findings
                .iter()
                .filter(|x| x.severity == Severity::Error)
                .count();
            let section = check_section(&t, row, 0, &mut findings);
            let date = optional_date(&t, row, 1, &mut findings);
            let label = cell::normalize_label(&t.text(row, 2));
            let labels: Vec<&str> = rules.deduction.iter().map(|d| d.label.as_str()).collect();
            if label.is_empty() {
                findings.push(t.finding(
                    row,
                    2,
                    Severity::Error,
                    f::ROW_REQUIRED,
                    format!("扣分类别为空,请填写:{}", labels.join("、")),
                ));
            } else if rules.deduction_points(&label).is_none() {
                findings.push(t.finding(
                    row,
                    2,
                    Severity::Error,
                    f::ROW_VALUE,
                    format!("扣分类别“{label}”不在规则中,请填写:{}", labels.join("、")),
                ));
            }
            let count = match t.value(row, 3) {
                None => 1,
                Some((_, d)) => match parse_number(d) {
                    Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 1000.0 => n as i64,
                    _ => {
                        findings.push(t.finding(
                            row,
                            3,
                            Severity::Error,
                            f::ROW_VALUE,
                            format!("次数“{}”无效,请填写正整数(留空为 1)", cell_text(d)),
                        ));
                        0
                    }
                },
            };
            let errors = findings
                .iter()
                .filter(|x| x.severity == Severity::Error)
                .count();
            if errors > before {
                continue;
            }
            if let Some(section) = section {
                reg.deductions.push(Deduction {
                    section,
                    date: date.flatten(),
                    label,
                    count,
                    note: t.text(row, 4),
                    source: t.source(row),
                    date_col: t.cell_of(row, 1).1,
                });
            }
        }
    }
    (reg, findings)
}

/// Tasks due, and deductions dated, outside the assessment year belong to another year's
/// assessment (an officer may keep one register for several years): they are left out of this
/// year with a warning at their date cell. Undated deductions stay.
pub fn keep_year(reg: &mut Register, year: i32) -> Vec<Finding> {
    use chrono::Datelike;
    let mut findings = Vec::new();
    let warn = |src: &Source, col: u32, msg: String| {
        at(
            &src.file,
            &src.sheet,
            (src.row, col),
            Severity::Warning,
            f::W_REGISTER_YEAR,
            msg,
        )
    };
    reg.tasks.retain(|t| {
        let keep = t.deadline.year() == year;
        if !keep {
            findings.push(warn(
                &t.source,
                t.date_col,
                format!(
                    "任务“{}”的截止日期 {} 不在考核年度 {year} 内,本年度不计。如有误请更正截止日期",
                    t.id, t.deadline
                ),
            ));
        }
        keep
    });
    reg.deductions.retain(|d| {
        let keep = d.date.is_none_or(|x| x.year() == year);
        if !keep {
            findings.push(warn(
                &d.source,
                d.date_col,
                format!(
                    "扣分记录日期 {} 不在考核年度 {year} 内,本年度不计。如有误请更正日期",
                    d.date.map(|x| x.to_string()).unwrap_or_default()
                ),
            ));
        }
        keep
    });
    findings
}

/// An optional date cell: `Some(None)` blank, `Some(Some(d))` a date, `None` a bad value.
fn optional_date(
    t: &Table,
    row: u32,
    c: usize,
    findings: &mut Vec<Finding>,
) -> Option<Option<chrono::NaiveDate>> {
    match t.value(row, c) {
        None => Some(None),
        Some((_, d)) => match parse_date(d) {
            Some(x) => Some(Some(x)),
            None => {
                let label = t
                    .grid
                    .get(t.header_row, t.found[c].unwrap_or(0))
                    .map(|d| cell::normalize_label(&cell_text(d)))
                    .unwrap_or_default();
                findings.push(t.finding(
                    row,
                    c,
                    Severity::Error,
                    f::ROW_DATE,
                    format!(
                        "{label}“{}”不是有效日期,请填写如 2019-03-05 的日期",
                        cell_text(d)
                    ),
                ));
                None
            }
        },
    }
}

/// "(是否为“X”?)" naming the closest roster name, or nothing when none is close.
pub fn suggestion(name: &str, roster: &[&str]) -> String {
    closest(name, roster)
        .map(|c| format!("(是否为“{c}”?)"))
        .unwrap_or_default()
}

/// The roster name closest to `name`: one containing it or contained in it, else the one
/// with the smallest character edit distance, if that distance is at most half its length.
pub fn closest<'a>(name: &str, roster: &[&'a str]) -> Option<&'a str> {
    if name.is_empty() {
        return None;
    }
    if let Some(c) = roster
        .iter()
        .find(|r| r.contains(name) || name.contains(**r))
    {
        return Some(c);
    }
    let a: Vec<char> = name.chars().collect();
    roster
        .iter()
        .map(|r| (edit_distance(&a, &r.chars().collect::<Vec<_>>()), *r))
        .filter(|(d, r)| *d * 2 <= r.chars().count().max(a.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, r)| r)
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_roster_name() {
        let roster = crate::labels::DEFAULT_ROSTER;
        assert_eq!(closest("经济运行", &roster), Some("经济运行股"));
        assert_eq!(closest("科技管里股", &roster), Some("科技管理股"));
        assert_eq!(closest("财务股", &roster), None);
    }
}
