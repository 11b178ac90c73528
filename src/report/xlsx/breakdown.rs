//! 得分明细: two tables over the same columns, so that each fits an A4 page at full size:
//! the points of every scoring category (summing to the final), then the counts behind them.

use rust_xlsxwriter::Worksheet;

use crate::assess::Assessment;
use crate::rules::Rules;
use crate::score::{Category, ItemState, SectionScore, TaskOutcome};

use super::cell::{Look, V};
use super::kit::Sheet;
use super::{R, SHEET_BREAKDOWN, as_of_title, new_sheet, points};

/// A scoring category of 得分明细: its group and its label, in the points table and in the
/// counts table.
type BreakdownColumn = ((&'static str, &'static str), String);

/// The categories in column order. The label of the first (the base) differs between the
/// tables; [`breakdown_label`] gives it.
fn breakdown_columns(rules: &Rules) -> Vec<BreakdownColumn> {
    let mut out: Vec<BreakdownColumn> = vec![(("基础项", "基础项（条）"), String::new())];
    for l in &rules.adoption {
        out.push((("加分项：被采用", "被采用（条）"), l.label.clone()));
    }
    for label in ["按时按质完成", "未完成"] {
        out.push((("约稿任务", "约稿任务（个）"), label.into()));
    }
    for d in &rules.deduction {
        out.push((("扣分项", "扣分项（次）"), d.label.clone()));
    }
    out
}

/// A section's (count, points) per category, in [`breakdown_columns`] order.
fn breakdown_values(s: &SectionScore, rules: &Rules) -> Vec<(i64, i64)> {
    let mut out = vec![(s.qualifying() as i64, s.base())];
    for l in 0..rules.adoption.len() {
        let n = s
            .items
            .iter()
            .filter(|i| i.state == ItemState::Counted && i.item.adopted & (1 << l) != 0)
            .count();
        out.push((n as i64, points(s, Category::Adoption(l))));
    }
    let done = s
        .tasks
        .iter()
        .filter(|t| matches!(t.outcome, TaskOutcome::Done { .. }))
        .count();
    out.push((done as i64, points(s, Category::TaskDone)));
    out.push((
        s.failed_tasks().len() as i64,
        points(s, Category::TaskFailed),
    ));
    for (k, d) in rules.deduction.iter().enumerate() {
        let times: i64 = s
            .deductions
            .iter()
            .filter(|x| x.counted && x.deduction.label == d.label)
            .map(|x| x.deduction.count)
            .sum();
        out.push((times, points(s, Category::Deduction(k))));
    }
    out
}

/// The two header rows of a 得分明细 table at `row`: the groups above, each column's label
/// below (the autofilter row). 名次, 股室 and 最终得分 are not merged down: a filter button on
/// a merged cell misbehaves.
fn breakdown_header(
    sh: &mut Sheet<'_>,
    row: u32,
    columns: &[BreakdownColumn],
    points: bool,
) -> R<()> {
    let head = Look::header();
    let last = 2 + columns.len() as u16;
    let ends: &[u16] = if points { &[0, 1, last] } else { &[0, 1] };
    for &c in ends {
        sh.put_unmeasured(row, c, &V::Blank, head)?;
    }
    sh.header(row + 1, 0, &["名次", "股室"])?;
    if points {
        sh.header(row + 1, last, &["最终得分"])?;
    }
    let group = |k: usize| {
        let g = columns[k].0;
        if points { g.0 } else { g.1 }
    };
    let mut k = 0;
    while k < columns.len() {
        let end = (k..columns.len())
            .take_while(|&e| group(e) == group(k))
            .last()
            .unwrap_or(k);
        let (c0, c1) = (2 + k as u16, 2 + end as u16);
        if c0 == c1 {
            sh.header(row, c0, &[group(k)])?;
        } else {
            sh.merge(row, c0, row, c1, group(k), head)?;
        }
        k = end + 1;
    }
    for (k, (_, label)) in columns.iter().enumerate() {
        sh.header(row + 1, 2 + k as u16, &[breakdown_label(label, points)])?;
    }
    Ok(())
}

/// A category's label in the points or the counts table.
fn breakdown_label(label: &str, points: bool) -> &str {
    match (label.is_empty(), points) {
        (false, _) => label,
        (true, true) => "基础分",
        (true, false) => "合格信息",
    }
}

/// The rows of a 得分明细 table from `row`, one per section in ranking order: its points and
/// final, or its counts. The row after them.
fn breakdown_rows(
    sh: &mut Sheet<'_>,
    mut row: u32,
    a: &Assessment,
    rules: &Rules,
    points: bool,
) -> R<u32> {
    for st in &a.standings {
        let s = &a.scores[st.section];
        let mut vals = vec![
            st.rank.map_or(V::Blank, |r| V::Int(r as i64)),
            V::text(&s.name),
        ];
        let values = breakdown_values(s, rules);
        vals.extend(
            values
                .iter()
                .map(|v| V::Int(if points { v.1 } else { v.0 })),
        );
        if points {
            vals.push(V::Int(s.final_score()));
        }
        sh.row(row, 0, &vals, Look::default())?;
        row += 1;
    }
    Ok(row)
}

pub(super) fn breakdown_sheet(a: &Assessment, rules: &Rules) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_BREAKDOWN)?;
    let mut sh = Sheet::new(&mut ws);
    let columns = breakdown_columns(rules);
    let last = 2 + columns.len() as u16;
    sh.limit(0, 5.0, 5.0, false);
    sh.limit(1, 10.0, 20.0, true);
    for c in 2..=last {
        sh.limit(c, 5.0, 8.0, true);
    }
    sh.centre(&[0]);
    sh.title(0, &as_of_title(a, "政务信息得分明细"), last)?;
    sh.label(
        1,
        "一、各项得分（扣分以负数表示，每行各项之和等于最终得分）",
    )?;
    breakdown_header(&mut sh, 2, &columns, true)?;
    let row = breakdown_rows(&mut sh, 4, a, rules, true)?;
    sh.ws.autofilter(3, 0, (row - 1).max(3), last)?;
    // The counts on a page of their own, under their own header (only the title repeats).
    sh.ws.set_page_breaks(&[row + 1])?;
    sh.label(row + 1, "二、各项的条数、次数")?;
    breakdown_header(&mut sh, row + 2, &columns, false)?;
    breakdown_rows(&mut sh, row + 4, a, rules, false)?;
    sh.finish(0, (4, 2))?;
    Ok(ws)
}
