//! The register's sheets, one parser each: every row is checked whole (all its problems
//! reported at their cells) and used only when it has no error.

use calamine::Data;
use chrono::NaiveDate;

use super::locate::Wanted;
use super::table::Table;
use super::values::{self, Reading};
use crate::cell::{self, cell_text, clean_text, parse_date};
use crate::findings::Code;
use crate::labels as l;
use crate::model::{Deduction, Finding, Leader, Register, RosterEntry, Severity, Task, TaskStatus};
use crate::rules::Rules;

/// Columns of `股室名单` (indexes into [`l::ROSTER_COLUMNS`]); contact columns are never read.
const R_SECTION: usize = 0;
const R_ITEM_TARGET: usize = 5;
const R_SCORE_TARGET: usize = 6;
const R_PARTICIPATES: usize = 7;
/// Columns of `领导名单`.
const L_NAME: usize = 0;
const L_TITLE: usize = 1;
const L_ROLE: usize = 2;
/// Columns of `约稿任务`.
const T_ID: usize = 0;
const T_SECTION: usize = 1;
const T_KIND: usize = 2;
const T_TOPIC: usize = 3;
const T_ISSUED: usize = 4;
const T_DEADLINE: usize = 5;
const T_STATUS: usize = 6;
/// Columns of `扣分记录`.
const D_SECTION: usize = 0;
const D_DATE: usize = 1;
const D_CATEGORY: usize = 2;
const D_COUNT: usize = 3;
const D_NOTE: usize = 4;
/// Columns of `采用记录`.
const A_LEVEL: usize = 0;
const A_ISSUE: usize = 1;
const A_TITLE: usize = 2;
const A_SECTION: usize = 3;
const A_DATE: usize = 4;

/// What a sheet parser is given: its table, the rules, the register read so far (the roster
/// first) and the findings to add to.
pub(super) type SheetParser = fn(&Table, &Rules, &mut Register, &mut Vec<Finding>);

/// What a register without the sheet means.
pub(super) enum IfMissing {
    /// A register error: what the sheet holds would be left out unseen (the roster, every
    /// task, every deduction).
    Error,
    /// A warning: only warnings depend on it (the leaders).
    Warn,
    /// Nothing: the sheet is optional (the adoption record: without it, the sections'
    /// workbooks decide the adoptions).
    Optional,
}

/// A register sheet: its name, its columns, the columns it cannot be read without, its parser,
/// and what its absence means.
pub(super) struct SheetSpec {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub required: &'static [usize],
    pub parse: SheetParser,
    pub if_missing: IfMissing,
}

impl SheetSpec {
    /// What the sheet is found by (see [`super::locate`]).
    pub fn wanted(&self) -> Wanted<'static> {
        Wanted {
            name: self.name,
            labels: self.columns,
            required: self.required,
        }
    }
}

/// Every register sheet, the roster first.
pub(super) fn all() -> impl Iterator<Item = &'static SheetSpec> {
    std::iter::once(&ROSTER).chain(&AFTER_ROSTER)
}

/// `股室名单`: read first, since every other sheet names its sections.
pub(super) const ROSTER: SheetSpec = SheetSpec {
    name: l::SHEET_ROSTER,
    columns: &l::ROSTER_COLUMNS,
    required: &[R_SECTION],
    parse: roster,
    if_missing: IfMissing::Error,
};

/// The sheets read after the roster, in order.
pub(super) const AFTER_ROSTER: [SheetSpec; 4] = [
    SheetSpec {
        name: l::SHEET_LEADERS,
        columns: &l::LEADER_COLUMNS,
        required: &[L_NAME],
        parse: leaders,
        if_missing: IfMissing::Warn,
    },
    SheetSpec {
        name: l::SHEET_TASKS,
        columns: &l::TASK_COLUMNS,
        required: &[T_ID, T_SECTION, T_DEADLINE],
        parse: tasks,
        if_missing: IfMissing::Error,
    },
    SheetSpec {
        name: l::SHEET_DEDUCTIONS,
        columns: &l::DEDUCTION_COLUMNS,
        required: &[D_SECTION, D_CATEGORY],
        parse: deductions,
        if_missing: IfMissing::Error,
    },
    SheetSpec {
        name: l::SHEET_RECORD,
        columns: &l::RECORD_COLUMNS,
        required: &[A_LEVEL, A_TITLE],
        parse: adoption_record,
        if_missing: IfMissing::Optional,
    },
];

/// The findings of one row, kept apart until the row is done: the row is used only when none
/// of them is an error.
struct RowCheck<'t, 'a> {
    t: &'t Table<'a>,
    row: u32,
    found: Vec<Finding>,
}

impl<'t, 'a> RowCheck<'t, 'a> {
    fn new(t: &'t Table<'a>, row: u32) -> Self {
        RowCheck {
            t,
            row,
            found: Vec::new(),
        }
    }

    /// A finding at the cell of column `c` of this row.
    fn flag(&mut self, c: usize, code: Code, msg: String) {
        let x = self.t.finding(self.row, c, code, msg);
        self.found.push(x);
    }

    fn value(&self, c: usize) -> Option<&'a Data> {
        self.t.value(self.row, c)
    }

    fn text(&self, c: usize) -> String {
        self.t.text(self.row, c)
    }

    /// Hand the findings over; whether the row is free of errors.
    fn finish(self, findings: &mut Vec<Finding>) -> bool {
        let ok = !self.found.iter().any(|x| x.severity == Severity::Error);
        findings.extend(self.found);
        ok
    }

    /// A date cell: `None` when blank (an error if `required`) or unreadable (an error).
    fn date(&mut self, c: usize, required: bool) -> Option<NaiveDate> {
        let label = self.t.label(c);
        let Some(d) = self.value(c) else {
            if required {
                let msg = format!("{label}为空，请填写如 2019-06-30 的日期");
                self.flag(c, Code::RegRequired, msg);
            }
            return None;
        };
        let date = parse_date(d);
        if date.is_none() {
            let msg = format!(
                "{label}“{}”不是有效日期，本行未计入。请填写如 2019-06-30 的日期",
                cell_text(d)
            );
            self.flag(c, Code::RegDate, msg);
        }
        date
    }

    /// The 股室 of a task or deduction row: a roster name. `lost`: a roster row has lost its
    /// 股室 (an E-REG-REQUIRED of its own), which may be this one.
    fn section(&mut self, c: usize, roster: &[&str], lost: bool) -> Option<String> {
        let name = cell::normalize_label(&self.text(c));
        if name.is_empty() {
            let msg = "股室为空，本行未计入。请填写股室名单中的股室".to_string();
            self.flag(c, Code::RegRequired, msg);
            return None;
        }
        if roster.contains(&name.as_str()) {
            return Some(name);
        }
        let hint = if lost {
            "（股室名单中有一行的股室为空：如是该行，请在名单中补上）".to_string()
        } else {
            super::suggestion(&name, roster)
        };
        let msg = format!("股室“{name}”不在股室名单中{hint}，本行未计入。请填写名单中的股室");
        self.flag(c, Code::RegSection, msg);
        None
    }

    /// A yearly target of the roster: a number ≥ 0 (0 or blank: no target).
    fn target(&mut self, c: usize) -> Option<f64> {
        let d = self.value(c)?;
        match values::target(d) {
            Some(v) if v > 0.0 => Some(v),
            Some(_) => None,
            None => {
                let label = self.t.label(c);
                let msg = format!(
                    "{label}“{}”不是非负的数字。请填写如 30 的数字（不设任务可留空）",
                    cell_text(d)
                );
                self.flag(c, Code::RegTarget, msg);
                None
            }
        }
    }
}

/// `股室名单`: the roster, with who takes part and the yearly targets. A row whose other
/// values have an error still puts its section on the roster (the error is about the value:
/// no section's files are refused for it); a row with values but no 股室 is an error.
fn roster(t: &Table, _rules: &Rules, reg: &mut Register, findings: &mut Vec<Finding>) {
    let mut seen = std::collections::HashSet::new();
    for row in t.rows() {
        let mut r = RowCheck::new(t, row);
        let name = cell::normalize_label(&t.text(row, R_SECTION));
        if name.is_empty() {
            let msg =
                "股室为空，而本行其他列有内容，本行未读取。请填写股室，或删除整行".to_string();
            r.flag(R_SECTION, Code::RegRequired, msg);
            r.finish(findings);
            reg.roster_incomplete = true;
            continue;
        }
        if !seen.insert(name.clone()) {
            let msg = format!("股室“{name}”在名单中重复。请删去多余的一行");
            r.flag(R_SECTION, Code::RegSection, msg);
            r.finish(findings);
            continue;
        }
        let participates = participates(&mut r);
        let item_target = r.target(R_ITEM_TARGET);
        let score_target = r.target(R_SCORE_TARGET);
        r.finish(findings);
        reg.roster.push(RosterEntry {
            name,
            participates,
            item_target,
            score_target,
        });
    }
}

/// `参与考核` of a roster row: blank = 是.
fn participates(r: &mut RowCheck) -> bool {
    let Some(d) = r.value(R_PARTICIPATES) else {
        return true;
    };
    let raw = cell_text(d);
    match values::participates(d) {
        Reading::Exact(b) => b,
        Reading::Variant(b) => {
            let meant = if b { l::YES } else { l::NO };
            let msg = values::read_as(l::R_PARTICIPATES, raw.trim(), meant);
            r.flag(R_PARTICIPATES, Code::RegValueWarning, msg);
            b
        }
        Reading::Unknown => {
            let msg = format!(
                "参与考核“{raw}”无法识别。请填写“{}”或“{}”（留空为“{}”）",
                l::YES,
                l::NO,
                l::YES
            );
            r.flag(R_PARTICIPATES, Code::RegValue, msg);
            true
        }
    }
}

/// `领导名单`: who may approve items (only warnings depend on it).
fn leaders(t: &Table, _rules: &Rules, reg: &mut Register, findings: &mut Vec<Finding>) {
    for row in t.rows() {
        let name: String = clean_text(&t.text(row, L_NAME))
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if name.is_empty() {
            let msg = "姓名为空，本行未读取。请填写领导姓名".to_string();
            findings.push(t.finding(row, L_NAME, Code::Register, msg));
            continue;
        }
        let role = cell::normalize_label(&t.text(row, L_ROLE));
        let principal = role == l::ROLE_PRINCIPAL;
        if !role.is_empty() && !principal && role != l::ROLE_DEPUTY {
            let msg = format!(
                "角色“{role}”无法识别，按“{}”处理。请填写“{}”或“{}”",
                l::ROLE_DEPUTY,
                l::ROLE_PRINCIPAL,
                l::ROLE_DEPUTY
            );
            findings.push(t.finding(row, L_ROLE, Code::Register, msg));
        }
        reg.leaders.push(Leader {
            name,
            title: t.text(row, L_TITLE),
            principal,
        });
    }
}

/// `约稿任务`: every id on the sheet is known (`Register::task_ids`), even on a row with an
/// error, so that no section is blamed for the officer's slip.
fn tasks(t: &Table, _rules: &Rules, reg: &mut Register, findings: &mut Vec<Finding>) {
    let names: Vec<String> = reg.roster.iter().map(|x| x.name.clone()).collect();
    let roster: Vec<&str> = names.iter().map(String::as_str).collect();
    for row in t.rows() {
        let mut r = RowCheck::new(t, row);
        let id = cell::id_key(&r.text(T_ID));
        if id.is_empty() {
            let msg = "任务编号为空，本行未计入。请填写唯一的任务编号".to_string();
            r.flag(T_ID, Code::RegRequired, msg);
            reg.tasks_incomplete = true;
        } else if reg.task_ids.contains(&id) {
            let msg = format!("任务编号“{id}”重复，本行未计入。每个任务编号只能登记一次");
            r.flag(T_ID, Code::RegDupTask, msg);
        } else {
            reg.task_ids.push(id.clone());
        }
        let section = r.section(T_SECTION, &roster, reg.roster_incomplete);
        let kind = cell::normalize_label(&r.text(T_KIND));
        if !kind.is_empty() && kind != l::KIND_COMMISSIONED && kind != l::KIND_RESEARCH {
            let msg = format!(
                "任务类型“{kind}”无法识别，请填写“{}”或“{}”",
                l::KIND_COMMISSIONED,
                l::KIND_RESEARCH
            );
            r.flag(T_KIND, Code::Register, msg);
        }
        let issued = r.date(T_ISSUED, false);
        let deadline = r.date(T_DEADLINE, true);
        if let (Some(i), Some(d)) = (issued, deadline)
            && d < i
        {
            let msg = format!("截止日期 {d} 早于下达日期 {i}，本行未计入。请核对两个日期");
            r.flag(T_DEADLINE, Code::RegDate, msg);
        }
        let status = task_status(&mut r);
        let source = t.source(row);
        if r.finish(findings)
            && let (Some(section), Some(deadline)) = (section, deadline)
        {
            reg.tasks.push(Task {
                id,
                section,
                kind,
                topic: t.text(row, T_TOPIC),
                issued,
                deadline,
                status,
                source,
                date_col: t.col(T_DEADLINE),
                issued_col: t.col(T_ISSUED),
            });
        }
    }
}

/// `完成情况` of a task row: blank (decided from the items), a value, or a variant of one.
fn task_status(r: &mut RowCheck) -> Option<TaskStatus> {
    let raw = cell_text(r.value(T_STATUS)?).into_owned();
    let name = |s: TaskStatus| match s {
        TaskStatus::Done => l::STATUS_DONE,
        TaskStatus::Failed => l::STATUS_FAILED,
    };
    match values::task_status(&raw) {
        Reading::Exact(s) => Some(s),
        Reading::Variant(s) => {
            let msg = values::read_as(l::T_STATUS, raw.trim(), name(s));
            r.flag(T_STATUS, Code::RegValueWarning, msg);
            Some(s)
        }
        Reading::Unknown => {
            let msg = format!(
                "完成情况“{}”无法识别，本任务未计分。请填写“{}”或“{}”，或留空由系统根据报送信息判断",
                raw.trim(),
                l::STATUS_DONE,
                l::STATUS_FAILED
            );
            r.flag(T_STATUS, Code::RegValue, msg);
            None
        }
    }
}

/// `扣分记录`: each deduction × 次数.
fn deductions(t: &Table, rules: &Rules, reg: &mut Register, findings: &mut Vec<Finding>) {
    let names: Vec<String> = reg.roster.iter().map(|x| x.name.clone()).collect();
    let roster: Vec<&str> = names.iter().map(String::as_str).collect();
    let labels: Vec<&str> = rules.deduction.iter().map(|d| d.label.as_str()).collect();
    for row in t.rows() {
        let mut r = RowCheck::new(t, row);
        let section = r.section(D_SECTION, &roster, reg.roster_incomplete);
        let date = r.date(D_DATE, false);
        let label = rule_label(&mut r, D_CATEGORY, &labels);
        let count = match r.value(D_COUNT) {
            None => Some(1),
            Some(d) => {
                let n = values::count(d);
                if n.is_none() {
                    let msg = format!(
                        "次数“{}”不是正整数，本行未计入。请填写 1、2 等次数（留空为 1）",
                        cell_text(d)
                    );
                    r.flag(D_COUNT, Code::RegCount, msg);
                }
                n
            }
        };
        let source = t.source(row);
        if r.finish(findings)
            && let (Some(section), Some(label), Some(count)) = (section, label, count)
        {
            reg.deductions.push(Deduction {
                section,
                date,
                label: label.to_string(),
                count,
                note: t.text(row, D_NOTE),
                source,
                date_col: t.col(D_DATE),
            });
        }
    }
}

/// A cell holding a label of the rules (`扣分类别`, `采用级别`): the label, or the one label
/// that holds the value.
fn rule_label<'l>(r: &mut RowCheck, c: usize, labels: &[&'l str]) -> Option<&'l str> {
    let raw = r.text(c);
    let column = r.t.label(c);
    let allowed = labels.join("、");
    if raw.is_empty() {
        let msg = format!("{column}为空，本行未计入。请填写：{allowed}");
        r.flag(c, Code::RegRequired, msg);
        return None;
    }
    match values::rule_label(&raw, labels) {
        Reading::Exact(x) => Some(x),
        Reading::Variant(x) => {
            r.flag(c, Code::RegValueWarning, values::read_as(column, &raw, x));
            Some(x)
        }
        Reading::Unknown => {
            let holding = values::holding_labels(&raw, labels);
            let why = if holding.len() > 1 {
                format!("可能是 {} 中的任一个", holding.join("、"))
            } else {
                "不在规则中".to_string()
            };
            let msg = format!("{column}“{raw}”{why}，本行未计入。请填写：{allowed}");
            r.flag(c, Code::RegValue, msg);
            None
        }
    }
}

/// `采用记录`: what the publications printed, one row per printed item (SPEC "Adoption
/// record"). A row is used only when its level, title and (when given) 股室 and 采用日期 read;
/// a blank 期号 is only a warning, since scoring does not use it.
fn adoption_record(t: &Table, rules: &Rules, reg: &mut Register, findings: &mut Vec<Finding>) {
    let names: Vec<String> = reg.roster.iter().map(|x| x.name.clone()).collect();
    let roster: Vec<&str> = names.iter().map(String::as_str).collect();
    let labels: Vec<&str> = rules.adoption_labels().collect();
    for row in t.rows() {
        let mut r = RowCheck::new(t, row);
        let level = rule_label(&mut r, A_LEVEL, &labels);
        let title = r.text(A_TITLE);
        if title.is_empty() {
            let msg = "标题为空，本行未计入。请照《政务信息》目录填写被采用信息的标题".to_string();
            r.flag(A_TITLE, Code::RegRequired, msg);
        }
        let issue = r.text(A_ISSUE);
        if issue.is_empty() {
            let msg = "期号为空，本条照常核对。请填写如“2019年第12期”的期号，以便查对".to_string();
            r.flag(A_ISSUE, Code::RegAdopt, msg);
        }
        let section = match r.value(A_SECTION) {
            Some(_) => r.section(A_SECTION, &roster, reg.roster_incomplete),
            None => None,
        };
        let date = r.date(A_DATE, false);
        let source = t.source(row);
        if r.finish(findings)
            && let Some(level) = level.and_then(|x| labels.iter().position(|y| *y == x))
        {
            reg.adoption_record.push(crate::adoption::RecordRow {
                level,
                issue,
                title,
                section,
                date,
                source,
                title_col: t.col(A_TITLE),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column indexes name the labels they stand for.
    #[test]
    fn column_indexes_match_the_labels() {
        assert_eq!(l::ROSTER_COLUMNS[R_SECTION], l::R_SECTION);
        assert_eq!(l::ROSTER_COLUMNS[R_ITEM_TARGET], l::R_ITEM_TARGET);
        assert_eq!(l::ROSTER_COLUMNS[R_SCORE_TARGET], l::R_SCORE_TARGET);
        assert_eq!(l::ROSTER_COLUMNS[R_PARTICIPATES], l::R_PARTICIPATES);
        assert_eq!(l::LEADER_COLUMNS[L_NAME], l::L_NAME);
        assert_eq!(l::LEADER_COLUMNS[L_TITLE], l::L_TITLE);
        assert_eq!(l::LEADER_COLUMNS[L_ROLE], l::L_ROLE);
        let tasks = [
            T_ID, T_SECTION, T_KIND, T_TOPIC, T_ISSUED, T_DEADLINE, T_STATUS,
        ];
        let task_labels = [
            l::T_ID,
            l::T_SECTION,
            l::T_KIND,
            l::T_TOPIC,
            l::T_ISSUED,
            l::T_DEADLINE,
            l::T_STATUS,
        ];
        for (i, label) in tasks.iter().zip(task_labels) {
            assert_eq!(l::TASK_COLUMNS[*i], label);
        }
        let deductions = [D_SECTION, D_DATE, D_CATEGORY, D_COUNT, D_NOTE];
        for (i, label) in deductions.iter().zip(l::DEDUCTION_COLUMNS) {
            assert_eq!(l::DEDUCTION_COLUMNS[*i], label);
        }
        let record = [A_LEVEL, A_ISSUE, A_TITLE, A_SECTION, A_DATE];
        let record_labels = [l::A_LEVEL, l::A_ISSUE, l::A_TITLE, l::A_SECTION, l::A_DATE];
        for (i, label) in record.iter().zip(record_labels) {
            assert_eq!(l::RECORD_COLUMNS[*i], label);
        }
    }
}
