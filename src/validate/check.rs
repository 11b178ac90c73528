//! Phase 2: each submission against the roster and the year, each of its items against the
//! year, the register's tasks and leaders; and every refused file or sheet accounted to its
//! section ([`super::attribute`]) with the month it was meant for.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::Datelike;

use super::{
    Checked, CheckedColumns, FailedSheet, RefusedRow, SectionFile, SheetResult, Submission,
    attribute,
};
use crate::cell;
use crate::findings::{Code, at};
use crate::labels as l;
use crate::model::{Finding, Item, Register, SheetOutcome, SheetStatus, Text};
use crate::rules::Rules;

/// What phase 2 needs to know, prepared once for all files.
struct Ctx<'a> {
    year: i32,
    register: &'a Register,
    rules: &'a Rules,
    roster: Vec<&'a str>,
    /// One shared copy of each section name and task id for all the items.
    roster_texts: Vec<Text>,
    task_ids: Vec<Text>,
    registered_ids: Vec<&'a str>,
    registered: HashSet<&'a str>,
}

/// Phase 2: check each submission against the roster and the year, and each item against the
/// year, the register's tasks and leaders; account each refused sheet (`failed`, and the
/// submissions refused here) to its section. The submissions' items are in `items` (as
/// loaded, each sheet's one run, tagged with its file and sheet) or still in the files: the
/// checked items are those of `items` that pass, kept in place.
pub fn check(
    mut files: Vec<SectionFile>,
    failed: Vec<FailedSheet>,
    mut items: Vec<Item>,
    year: i32,
    register: &Register,
    rules: &Rules,
) -> Checked {
    let roster: Vec<&str> = register.roster.iter().map(|r| r.name.as_str()).collect();
    let registered_ids: Vec<&str> = register.task_ids.iter().map(String::as_str).collect();
    let ctx = Ctx {
        year,
        register,
        rules,
        roster_texts: roster.iter().map(|r| Text::from(*r)).collect(),
        roster,
        task_ids: register
            .tasks
            .iter()
            .map(|t| Text::from(t.id.as_str()))
            .collect(),
        registered: registered_ids.iter().copied().collect(),
        registered_ids,
    };
    for f in &mut files {
        items.append(&mut f.items);
    }
    let mut runs: HashMap<(usize, u32), Range<usize>> = HashMap::new();
    let mut start = 0;
    for run in items.chunk_by(|a, b| a.part() == b.part()) {
        runs.insert(run[0].part(), start..start + run.len());
        start += run.len();
    }
    let mut out = Checked::default();
    let mut passed = vec![false; items.len()];
    for file in files {
        let run = runs
            .get(&(file.file_index, file.sheet_no))
            .cloned()
            .unwrap_or(0..0);
        ctx.check_sheet(file, &mut items[run.clone()], &mut passed[run], &mut out);
    }
    for f in failed {
        ctx.refuse(f, &mut out);
    }
    let mut passed = passed.into_iter();
    items.retain(|_| passed.next() == Some(true));
    out.items = items;
    out
}

impl Ctx<'_> {
    /// One submission: refused as a whole for an unknown section or another year, else
    /// accepted with each of its rows checked.
    fn check_sheet(
        &self,
        file: SectionFile,
        items: &mut [Item],
        passed: &mut [bool],
        out: &mut Checked,
    ) {
        let name = cell::normalize_label(&file.section.0);
        let Some(k) = self.roster.iter().position(|r| **r == name) else {
            let finding = at(
                &file.file,
                &file.sheet,
                file.section.1,
                Code::FileSection,
                format!(
                    "股室“{}”不在股室名单中{}，本文件未计分。请从下拉列表选择股室",
                    file.section.0,
                    crate::register::suggestion(&name, &self.roster)
                ),
            );
            let mut failed = refused(file, finding, "股室不在名单中".into());
            if self.register.roster_incomplete {
                // The roster lost a name: the file may be that section's (the register's
                // E-REG-REQUIRED says so); it is not counted, but not blamed either.
                failed.findings.retain(|x| x.code != Code::FileSection);
            }
            self.refuse(failed, out);
            return;
        };
        let fyear = file.year.0;
        if fyear != self.year {
            let year = self.year;
            let finding = at(
                &file.file,
                &file.sheet,
                file.year.1,
                Code::FileYear,
                format!(
                    "报送年份为 {fyear}，与考核年度 {year} 不同，本文件未计分。请确认年份，或将该文件移出本年度的文件夹"
                ),
            );
            self.refuse(
                refused(file, finding, format!("报送年份 {fyear} 不是考核年度")),
                out,
            );
            return;
        }
        let sec_text = self.roster_texts[k].clone();
        let sec = sec_text.to_string();
        out.submissions.push(Submission {
            section: sec.clone(),
            month: file.month,
            file_index: file.file_index,
            sheet_no: file.sheet_no,
            sheet: file.sheet.clone(),
            stale: file.stale,
        });
        out.sheets.push(SheetResult {
            file_index: file.file_index,
            sheet_no: Some(file.sheet_no),
            status: SheetStatus {
                sheet: file.sheet.to_string(),
                outcome: SheetOutcome::Read {
                    section: sec.clone(),
                    month: file.month,
                },
            },
        });
        out.rows_seen += file.rows_seen;
        out.rows_refused += file.rows_seen - items.len();
        let mut findings = file.findings;
        let version = |row: u32, title: &str| RefusedRow {
            section: sec_text.clone(),
            title: title.into(),
            file: file.file.clone(),
            sheet: file.sheet.clone(),
            row,
            file_index: file.file_index,
            sheet_no: file.sheet_no,
            month: file.month,
        };
        for (row, title) in &file.refused {
            out.refused_rows.push(version(*row, title));
        }
        let place = Place {
            file: &file.file,
            sheet: &file.sheet,
            cols: file.cols,
            section: &sec,
        };
        for (item, passed) in items.iter_mut().zip(passed) {
            if self.check_item(item, &place, &mut findings) {
                item.section = sec_text.clone();
                *passed = true;
            } else {
                out.rows_refused += 1;
                out.refused_rows.push(version(item.source.row, &item.title));
            }
        }
        for x in &mut findings {
            x.section = Some(sec.clone());
            x.sheet_no = Some(file.sheet_no);
        }
        out.findings.extend(findings);
    }

    /// Check one item; `false` when it has a row error (the findings say why).
    fn check_item(&self, item: &mut Item, place: &Place, findings: &mut Vec<Finding>) -> bool {
        let (year, register) = (self.year, self.register);
        let row = item.source.row;
        let cols = place.cols;
        let mut row_ok = true;
        if item.date.year() != year {
            findings.push(place.at(
                (row, cols.date),
                Code::RowDateYear,
                format!(
                    "报送日期 {} 不在考核年度 {year} 内，本行不计。{}请核对日期",
                    item.date,
                    crate::hints::other_year(item.date, year).unwrap_or_default()
                ),
            ));
            row_ok = false;
        }
        // Without a register there are no tasks to check against (a staff member validating
        // their own file): task ids are then taken as written.
        if let Some(id) = item.task_id.clone().filter(|_| register.file.is_some()) {
            row_ok &= self.check_task(item, &id, place, findings);
        }
        if !register.leaders.is_empty() {
            self.check_reviewer(item, place, findings);
        }
        row_ok
    }

    /// An item's task id against the register; `false` for an id not on it.
    fn check_task(
        &self,
        item: &mut Item,
        id: &Text,
        place: &Place,
        findings: &mut Vec<Finding>,
    ) -> bool {
        let c = place.cols.task.unwrap_or(place.cols.title);
        let row = item.source.row;
        let key = cell::id_key(id);
        let tasks = &self.register.tasks;
        match tasks.iter().position(|t| key == t.id) {
            // On the register, but not this year's or on a row with an error: the register's
            // own findings say so; the section is not blamed.
            None if self.registered.contains(key.as_str()) => {}
            // The register's task table is not whole: the id may be on a row it lost.
            None if self.register.tasks_incomplete => {}
            None => {
                findings.push(place.at((row, c), Code::RowTask, format!(
                    "约稿任务编号“{id}”不在登记表的约稿任务中{}，本行不计。请核对任务编号，或请信息员登记该任务",
                    crate::register::task_suggestion(&key, &self.registered_ids))));
                return false;
            }
            Some(k) if tasks[k].section != place.section => {
                findings.push(place.at(
                    (row, c),
                    Code::TaskOther,
                    format!(
                        "约稿任务“{id}”是下达给“{}”的任务，本信息不计入其完成情况",
                        tasks[k].section
                    ),
                ));
            }
            Some(k) => item.task_id = Some(self.task_ids[k].clone()),
        }
        true
    }

    /// The reviewer against the register's leaders (warnings only).
    fn check_reviewer(&self, item: &Item, place: &Place, findings: &mut Vec<Finding>) {
        let pos = (item.source.row, place.cols.reviewer);
        let reviewer: String = item
            .reviewer
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        match self.register.leaders.iter().find(|x| x.name == reviewer) {
            None => findings.push(place.at(pos, Code::Reviewer, format!(
                "审核人“{}”不在领导名单中。信息须经领导审核（谁提供、谁审核、谁负责），请填写审核领导的姓名", item.reviewer))),
            Some(x) if self.rules.needs_leader_approval(&item.category) && !x.principal => {
                findings.push(place.at(pos, Code::Approval, format!(
                    "{}须经主要负责人审核（一把手负责制），审核人“{}”是{}", item.category, item.reviewer, l::ROLE_DEPUTY)))
            }
            Some(_) => {}
        }
    }

    /// A refused sheet (or file): its findings go to the section it can be accounted to, and
    /// its month, when readable and of this year, is one with an invalid file.
    fn refuse(&self, mut failed: FailedSheet, out: &mut Checked) {
        let section = attribute(failed.section.as_deref(), &failed.file, &self.roster);
        for x in &mut failed.findings {
            x.section = section.map(str::to_string);
            x.sheet_no = failed.sheet_no;
        }
        let this_year = failed.year.is_none_or(|y| y == self.year);
        if let (Some(s), Some(m), true) = (section, failed.month, this_year) {
            out.invalid_months.push((s.to_string(), m));
        }
        out.sheets.push(SheetResult {
            file_index: failed.file_index,
            sheet_no: failed.sheet_no,
            status: SheetStatus {
                sheet: failed.sheet,
                outcome: SheetOutcome::Failed(failed.why),
            },
        });
        out.findings.extend(failed.findings);
    }
}

/// A submission refused in phase 2, with its phase-1 findings and the file error.
fn refused(file: SectionFile, error: Finding, why: String) -> FailedSheet {
    let mut findings = file.findings;
    findings.push(error);
    FailedSheet {
        file_index: file.file_index,
        file: file.file.to_string(),
        sheet: file.sheet.to_string(),
        sheet_no: Some(file.sheet_no),
        section: Some(file.section.0),
        year: Some(file.year.0),
        month: Some(file.month),
        findings,
        why,
    }
}

/// Where an accepted submission's findings point.
struct Place<'a> {
    file: &'a str,
    sheet: &'a str,
    cols: CheckedColumns,
    section: &'a str,
}

impl Place<'_> {
    fn at(&self, pos: (u32, u32), code: Code, message: String) -> Finding {
        at(self.file, self.sheet, pos, code, message)
    }
}
