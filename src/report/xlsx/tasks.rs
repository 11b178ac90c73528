//! 约稿任务 and 扣分记录: the register's tasks and deductions of every section.

use rust_xlsxwriter::Worksheet;

use crate::assess::Assessment;
use crate::rules::Rules;
use crate::score::{SectionScore, TaskOutcome};

use super::cell::{Look, V};
use super::kit::Sheet;
use super::section::deduction_counted;
use super::{BAD, GOOD, R, SHEET_DEDUCTIONS, SHEET_TASKS, as_of_title, new_sheet};
use crate::report::{task_result, task_status_given};

pub(super) fn tasks_sheet(a: &Assessment) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_TASKS)?;
    let mut sh = Sheet::new(&mut ws);
    let cols = [
        "任务编号",
        "股室",
        "任务类型",
        "主题",
        "下达日期",
        "截止日期",
        "完成情况",
        "结果",
        "完成信息",
        "完成信息报送日期",
        "得分",
        "工作表",
        "行",
    ];
    let last = cols.len() as u16 - 1;
    sh.limit(1, 10.0, 20.0, true);
    sh.limit(3, 16.0, 36.0, true);
    sh.limit(8, 16.0, 40.0, true);
    sh.limit(9, 11.0, 11.0, false);
    // 工作表 and 行 point into the register: on screen, not on paper.
    sh.print_columns(10);
    sh.title(0, &as_of_title(a, "约稿任务完成情况"), last)?;
    sh.header(1, 0, &cols)?;
    let mut tasks: Vec<(&SectionScore, &crate::score::ScoredTask)> = a
        .scores
        .iter()
        .flat_map(|s| s.tasks.iter().map(move |t| (s, t)))
        .collect();
    tasks.sort_by_key(|(_, t)| t.task.source.row);
    let mut row = 2;
    for (s, t) in tasks {
        let result_fill = match t.outcome {
            TaskOutcome::Done { .. } => Some(GOOD),
            TaskOutcome::Failed { .. } => Some(BAD),
            TaskOutcome::Pending | TaskOutcome::NotIssued => None,
        };
        let plain = Look::default();
        let vals = [
            V::text(&t.task.id),
            V::text(&s.name),
            V::text(&t.task.kind),
            V::text(&t.task.topic),
            t.task.issued.map_or(V::Blank, V::Date),
            V::Date(t.task.deadline),
            V::text(task_status_given(t.task.status)),
            V::text(task_result(t.outcome)),
            t.by_item.as_ref().map_or(V::Blank, |(x, _)| V::text(x)),
            t.by_item.as_ref().map_or(V::Blank, |(_, d)| V::Date(*d)),
            V::Int(t.points),
            V::text(&t.task.source.sheet),
            V::Int(t.task.source.row_number() as i64),
        ];
        for (c, v) in vals.iter().enumerate() {
            let look = if c == 7 {
                Look {
                    fill: result_fill,
                    ..plain
                }
            } else {
                plain
            };
            sh.put(row, c as u16, v, look)?;
        }
        row += 1;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    if row == 2 {
        let why = if a.register_file.is_some() {
            "（登记表中没有约稿任务）"
        } else {
            "（未使用考核登记表，没有约稿任务）"
        };
        sh.note(row, why, last)?;
        row += 1;
    }
    sh.note(
        row + 1,
        "注：截止日期未到且未完成的为“未到期”，下达日期晚于统计截止日期的为“未下达”，均不计分。",
        last,
    )?;
    sh.finish(1, (2, 1))?;
    Ok(ws)
}

pub(super) fn deductions_sheet(a: &Assessment, rules: &Rules) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_DEDUCTIONS)?;
    let mut sh = Sheet::new(&mut ws);
    let cols = [
        "股室",
        "日期",
        "扣分类别",
        "次数",
        "扣分",
        "是否计入",
        "说明",
        "工作表",
        "行",
    ];
    let last = cols.len() as u16 - 1;
    sh.limit(0, 10.0, 20.0, true);
    sh.limit(2, 12.0, 16.0, true);
    sh.limit(5, 8.0, 22.0, true);
    sh.limit(6, 20.0, 44.0, true);
    sh.title(0, &as_of_title(a, "扣分记录"), last)?;
    sh.header(1, 0, &cols)?;
    let mut all: Vec<(&SectionScore, &crate::score::ScoredDeduction)> = a
        .scores
        .iter()
        .flat_map(|s| s.deductions.iter().map(move |d| (s, d)))
        .collect();
    all.sort_by_key(|(_, d)| d.deduction.source.row);
    let mut row = 2;
    for (s, d) in all {
        let x = &d.deduction;
        sh.row(
            row,
            0,
            &[
                V::text(&s.name),
                x.date.map_or(V::Blank, V::Date),
                V::text(&x.label),
                V::Int(x.count),
                V::Int(-d.points),
                V::text(deduction_counted(d, rules)),
                V::text(&x.note),
                V::text(&x.source.sheet),
                V::Int(x.source.row_number() as i64),
            ],
            Look::default(),
        )?;
        row += 1;
    }
    if row == 2 {
        sh.note(row, "（没有扣分记录）", last)?;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.finish(1, (2, 1))?;
    Ok(ws)
}
