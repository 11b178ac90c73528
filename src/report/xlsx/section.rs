//! One sheet per section: its result, tasks, deductions, problems, adoption check and items.

use rust_xlsxwriter::Worksheet;

use crate::assess::Assessment;
use crate::model::Severity;
use crate::report::adoption;
use crate::rules::Rules;
use crate::score::SectionScore;

use super::cell::{Look, V};
use super::kit::Sheet;
use super::{DARK_RED, R, new_sheet};
use crate::report::RANKING_COLUMNS;
use crate::report::table::{RankingRow, item_rows};
use crate::report::{NOT_TAKING_PART, task_result, task_status_given};

/// Column positions of a section sheet: the items table's. The blocks below it (tasks,
/// deductions, problems) lay their own fields over these columns, a field spanning
/// neighbours where it needs the room ([`Field`]). The columns after [`SectionCols::DONE`]
/// trace where each row came from: on screen, not on paper.
struct SectionCols;

impl SectionCols {
    const SEQ: u16 = 0;
    const TEXT: u16 = 1;
    const DATE: u16 = 2;
    const KIND: u16 = 3;
    const ID: u16 = 4;
    const LEVELS: u16 = 5;
    const ISSUE: u16 = 6;
    const STATE: u16 = 7;
    const BASE: u16 = 8;
    const BONUS: u16 = 9;
    const TOTAL: u16 = 10;
    const DONE: u16 = 11;
    const FILE: u16 = 12;
    const SHEET: u16 = 13;
    const ROW: u16 = 14;

    /// Widths: (column, min, max, wrap).
    const LIMITS: [(u16, f64, f64, bool); 15] = [
        (Self::SEQ, 5.0, 6.0, false),
        (Self::TEXT, 26.0, 40.0, true),
        (Self::DATE, 11.0, 11.0, false),
        (Self::KIND, 8.0, 10.0, true),
        (Self::ID, 8.0, 10.0, true),
        (Self::LEVELS, 10.0, 14.0, true),
        (Self::ISSUE, 9.0, 12.0, true),
        (Self::STATE, 9.0, 12.0, true),
        (Self::BASE, 6.0, 6.0, false),
        (Self::BONUS, 6.0, 6.0, false),
        (Self::TOTAL, 6.0, 6.0, false),
        (Self::DONE, 8.0, 10.0, true),
        (Self::FILE, 14.0, 30.0, true),
        (Self::SHEET, 8.0, 12.0, true),
        (Self::ROW, 6.0, 8.0, false),
    ];
}

/// A field of a block on a section sheet: its label and the columns it spans.
type Field = (&'static str, u16, u16);

/// The items table.
const ITEM_FIELDS: [Field; 15] = {
    type C = SectionCols;
    [
        ("序号", C::SEQ, C::SEQ),
        ("信息标题", C::TEXT, C::TEXT),
        ("报送日期", C::DATE, C::DATE),
        ("信息类别", C::KIND, C::KIND),
        ("约稿任务编号", C::ID, C::ID),
        ("采用级别", C::LEVELS, C::LEVELS),
        ("采用期号", C::ISSUE, C::ISSUE),
        ("计分情况", C::STATE, C::STATE),
        ("基础分", C::BASE, C::BASE),
        ("加分", C::BONUS, C::BONUS),
        ("合计", C::TOTAL, C::TOTAL),
        ("完成的约稿任务", C::DONE, C::DONE),
        ("文件", C::FILE, C::FILE),
        ("工作表", C::SHEET, C::SHEET),
        ("行", C::ROW, C::ROW),
    ]
};

/// The commissioned tasks: the completing item gets the room of four columns.
const TASK_FIELDS: [Field; 12] = {
    type C = SectionCols;
    [
        ("序号", C::SEQ, C::SEQ),
        ("主题", C::TEXT, C::TEXT),
        ("截止日期", C::DATE, C::DATE),
        ("任务类型", C::KIND, C::KIND),
        ("任务编号", C::ID, C::ID),
        ("登记完成情况", C::LEVELS, C::LEVELS),
        ("结果", C::ISSUE, C::ISSUE),
        ("得分", C::STATE, C::STATE),
        ("完成信息", C::BASE, C::DONE),
        ("文件", C::FILE, C::FILE),
        ("工作表", C::SHEET, C::SHEET),
        ("行", C::ROW, C::ROW),
    ]
};

/// The deductions.
const DEDUCTION_FIELDS: [Field; 10] = {
    type C = SectionCols;
    [
        ("序号", C::SEQ, C::SEQ),
        ("说明", C::TEXT, C::TEXT),
        ("日期", C::DATE, C::DATE),
        ("扣分类别", C::KIND, C::ID),
        ("次数", C::LEVELS, C::LEVELS),
        ("是否计入", C::ISSUE, C::STATE),
        ("扣分", C::BASE, C::BASE),
        ("文件", C::FILE, C::FILE),
        ("工作表", C::SHEET, C::SHEET),
        ("行", C::ROW, C::ROW),
    ]
};

/// The adoptions the register's 采用记录 changed: the item (序号 as in the items table), the
/// level, and what became of it.
const ADOPTION_FIELDS: [Field; 5] = {
    type C = SectionCols;
    [
        ("序号", C::SEQ, C::SEQ),
        ("信息标题", C::TEXT, C::TEXT),
        ("报送日期", C::DATE, C::DATE),
        ("采用级别", C::KIND, C::LEVELS),
        ("核对结果", C::ISSUE, C::DONE),
    ]
};

/// The problems found in the section's files: where they are prints, for staff to find them.
const PROBLEM_FIELDS: [Field; 7] = {
    type C = SectionCols;
    [
        ("序号", C::SEQ, C::SEQ),
        ("说明", C::TEXT, C::DATE),
        ("级别", C::KIND, C::KIND),
        ("代码", C::ID, C::LEVELS),
        ("文件", C::ISSUE, C::BASE),
        ("工作表", C::BONUS, C::TOTAL),
        ("单元格", C::DONE, C::DONE),
    ]
};

/// A block's header row.
fn block_header(sh: &mut Sheet<'_>, row: u32, fields: &[Field]) -> R<()> {
    for &(label, c0, c1) in fields {
        if c0 == c1 {
            sh.header(row, c0, &[label])?;
        } else {
            sh.merge(row, c0, row, c1, label, Look::header())?;
        }
    }
    Ok(())
}

/// A block's row: one value per field.
fn block_row(sh: &mut Sheet<'_>, row: u32, fields: &[Field], values: &[V], look: Look) -> R<()> {
    for (&(_, c0, c1), v) in fields.iter().zip(values) {
        sh.span(row, c0, c1, v, look)?;
    }
    Ok(())
}

/// The one-line "(nothing here)" row of an empty block, across its printed fields.
fn block_placeholder(sh: &mut Sheet<'_>, row: u32, fields: &[Field], text: &str) -> R<()> {
    let last = fields
        .iter()
        .map(|f| f.2)
        .filter(|&c| c <= SectionCols::DONE)
        .max()
        .unwrap_or(SectionCols::TEXT);
    sh.put(row, SectionCols::SEQ, &V::Blank, Look::default())?;
    sh.span(
        row,
        SectionCols::TEXT,
        last,
        &V::text(text),
        Look::default(),
    )
}

pub(super) fn section_sheet(
    a: &Assessment,
    rules: &Rules,
    s: &SectionScore,
    ranking: &RankingRow,
    sheet_name: &str,
) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(sheet_name)?;
    let mut sh = Sheet::new(&mut ws);
    for (c, min, max, wrap) in SectionCols::LIMITS {
        sh.limit(c, min, max, wrap);
    }
    sh.centre(&[SectionCols::SEQ]);
    sh.print_columns(SectionCols::DONE);
    let rank = ranking
        .standing
        .rank
        .map_or(NOT_TAKING_PART.to_string(), |r| format!("第 {r} 名"));
    sh.title(
        0,
        &format!(
            "{} {}年度政务信息得分明细（统计截至{}）：{}，最终得分 {}",
            s.name,
            a.year,
            a.as_of.format("%Y-%m-%d"),
            rank,
            s.final_score()
        ),
        SectionCols::ROW,
    )?;
    // The section's result first, as its head reads it, then the items. The items' header
    // repeats on the pages after it (print titles repeat from where they stand), never above
    // the blocks: a row of the blocks never prints under it.
    let mut row = section_summary(&mut sh, ranking, 2)? + 1;
    row = section_tasks(&mut sh, s, row)? + 1;
    row = section_deductions(&mut sh, rules, s, row)? + 1;
    row = section_problems(&mut sh, a, s, row)? + 1;
    if adoption::has_record(a) {
        row = section_adoptions(&mut sh, rules, s, row)? + 1;
    }
    // The items start a page: the first holds the section's result and what to fix.
    sh.ws.set_page_breaks(&[row])?;
    section_items(&mut sh, rules, s, row)?;
    sh.repeat_rows(row + 1, row + 1);
    sh.finish(0, (0, 0))?;
    Ok(ws)
}

/// The items table from `row` (its label, then its header) and its total row.
fn section_items(sh: &mut Sheet<'_>, rules: &Rules, s: &SectionScore, row: u32) -> R<()> {
    sh.label(row, "报送的信息")?;
    let header = row + 1;
    block_header(sh, header, &ITEM_FIELDS)?;
    let mut row = header + 1;
    for (n, r) in item_rows(s, rules).enumerate() {
        // 计分情况 leaves what the 采用记录 changed to its own block above; 加分 shows an
        // adopted item's points (0 when not counted), blank for the others.
        let values = r.values(V::Int(n as i64 + 1), [r.adoption.map_or(V::Blank, V::Int)]);
        let look = Look {
            font: (!r.counted).then_some(CORRECTED_GREY),
            ..Look::default()
        };
        block_row(sh, row, &ITEM_FIELDS, &values, look)?;
        row += 1;
    }
    if s.items.is_empty() {
        block_placeholder(sh, row, &ITEM_FIELDS, "（没有可计分的报送信息）")?;
        row += 1;
    }
    sh.ws.autofilter(header, 0, row - 1, SectionCols::ROW)?;
    type C = SectionCols;
    let total = [
        (
            C::TEXT,
            V::Text(format!("合计（计分 {} 条）", s.qualifying())),
        ),
        (C::BASE, V::Int(s.base())),
        (C::BONUS, V::Int(s.adoption())),
        (C::TOTAL, V::Int(s.base() + s.adoption())),
    ];
    for c in 0..=C::ROW {
        let v = total
            .iter()
            .find(|t| t.0 == c)
            .map_or(V::Blank, |t| t.1.clone());
        sh.put(row, c, &v, Look::total())?;
    }
    Ok(())
}

/// The section's commissioned tasks from `row`; the row after them.
fn section_tasks(sh: &mut Sheet<'_>, s: &SectionScore, row: u32) -> R<u32> {
    sh.label(row, "约稿任务")?;
    block_header(sh, row + 1, &TASK_FIELDS)?;
    let mut row = row + 2;
    for (n, t) in s.tasks.iter().enumerate() {
        let by = t
            .by_item
            .as_ref()
            .map(|(title, d)| format!("{title}（{}）", d.format("%Y-%m-%d")))
            .unwrap_or_default();
        let values = [
            V::Int(n as i64 + 1),
            V::text(&t.task.topic),
            V::Date(t.task.deadline),
            V::text(&t.task.kind),
            V::text(&t.task.id),
            V::text(task_status_given(t.task.status)),
            V::text(task_result(t.outcome)),
            V::Int(t.points),
            V::Text(by),
            V::text(&t.task.source.file),
            V::text(&t.task.source.sheet),
            V::Int(t.task.source.row_number() as i64),
        ];
        block_row(sh, row, &TASK_FIELDS, &values, Look::default())?;
        row += 1;
    }
    if s.tasks.is_empty() {
        block_placeholder(sh, row, &TASK_FIELDS, "（没有下达约稿任务）")?;
        row += 1;
    }
    Ok(row)
}

/// The section's deductions from `row`; the row after them.
fn section_deductions(sh: &mut Sheet<'_>, rules: &Rules, s: &SectionScore, row: u32) -> R<u32> {
    sh.label(row, "扣分记录")?;
    block_header(sh, row + 1, &DEDUCTION_FIELDS)?;
    let mut row = row + 2;
    for (n, d) in s.deductions.iter().enumerate() {
        let x = &d.deduction;
        let values = [
            V::Int(n as i64 + 1),
            V::text(&x.note),
            x.date.map_or(V::Blank, V::Date),
            V::text(&x.label),
            V::Int(x.count),
            V::text(deduction_counted(d, rules)),
            V::Int(-d.points),
            V::text(&x.source.file),
            V::text(&x.source.sheet),
            V::Int(x.source.row_number() as i64),
        ];
        block_row(sh, row, &DEDUCTION_FIELDS, &values, Look::default())?;
        row += 1;
    }
    if s.deductions.is_empty() {
        block_placeholder(sh, row, &DEDUCTION_FIELDS, "（没有扣分记录）")?;
        row += 1;
    }
    Ok(row)
}

/// The problems found in the section's files from `row`; the row after them.
fn section_problems(sh: &mut Sheet<'_>, a: &Assessment, s: &SectionScore, row: u32) -> R<u32> {
    sh.label(row, "校验问题")?;
    block_header(sh, row + 1, &PROBLEM_FIELDS)?;
    let mut row = row + 2;
    let mine: Vec<&crate::model::Finding> = a
        .findings
        .iter()
        .filter(|f| f.section.as_deref() == Some(s.name.as_str()))
        .collect();
    for (n, f) in mine.iter().enumerate() {
        let values = [
            V::Int(n as i64 + 1),
            V::text(&f.message),
            V::text(f.severity.label()),
            V::text(f.code.as_str()),
            V::text(&f.file),
            V::text(&f.sheet),
            V::text(&f.cell),
        ];
        block_row(sh, row, &PROBLEM_FIELDS, &values, severity_look(f.severity))?;
        row += 1;
    }
    if mine.is_empty() {
        block_placeholder(sh, row, &PROBLEM_FIELDS, "（未发现问题）")?;
        row += 1;
    }
    Ok(row)
}

/// The adoptions of the section that the register's 采用记录 changed, from `row`; the row
/// after them.
fn section_adoptions(sh: &mut Sheet<'_>, rules: &Rules, s: &SectionScore, row: u32) -> R<u32> {
    sh.label(row, "采用核对")?;
    block_header(sh, row + 1, &ADOPTION_FIELDS)?;
    let mut row = row + 2;
    let mut any = false;
    for (i, level, what) in adoption::changes(s) {
        let it = &s.items[i].item;
        let values = [
            V::Int(i as i64 + 1),
            V::text(&it.title),
            V::Date(it.date),
            V::text(&rules.adoption[level].label),
            V::text(what),
        ];
        block_row(sh, row, &ADOPTION_FIELDS, &values, Look::default())?;
        row += 1;
        any = true;
    }
    if !any {
        block_placeholder(sh, row, &ADOPTION_FIELDS, "（采用情况与采用记录一致）")?;
        row += 1;
    }
    Ok(row)
}

/// The totals from `row`: this section's row of 考核排名 but its name and rates; the row
/// after them.
fn section_summary(sh: &mut Sheet<'_>, ranking: &RankingRow, row: u32) -> R<u32> {
    sh.label(row, "得分汇总")?;
    let shown = RANKING_COLUMNS
        .iter()
        .zip(&ranking.values)
        .filter(|(label, _)| !["股室", "条数任务完成率", "分值任务完成率"].contains(label));
    let mut r = row + 1;
    for (label, v) in shown {
        sh.put(r, SectionCols::TEXT, &V::text(label), Look::total())?;
        let last = match v {
            V::Text(_) => SectionCols::DONE,
            _ => SectionCols::DATE,
        };
        let left = Look {
            left: true,
            ..Look::default()
        };
        sh.span(r, SectionCols::DATE, last, v, left)?;
        r += 1;
    }
    Ok(r)
}

/// 是否计入 of a deduction.
pub(super) fn deduction_counted(d: &crate::score::ScoredDeduction, rules: &Rules) -> &'static str {
    if !d.counted {
        "否（晚于统计截止日期）"
    } else if rules.deduction_points(&d.deduction.label).is_none() {
        "否（不是规则中的扣分类别）"
    } else {
        "是"
    }
}

pub(super) fn severity_look(s: Severity) -> Look {
    match s {
        Severity::Error => Look {
            font: Some(DARK_RED),
            ..Look::default()
        },
        Severity::Warning => Look::default(),
        Severity::Corrected => Look {
            font: Some(CORRECTED_GREY),
            ..Look::default()
        },
    }
}

/// The font of corrected problems (and of items that do not count).
const CORRECTED_GREY: u32 = 0x7F7F7F;
