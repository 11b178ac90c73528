//! The merged year + rules + register → one [`SectionScore`] per roster section, with every
//! point itemised as a [`Line`]. Totals are sums of lines and are never computed elsewhere.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::merge::Merged;
use crate::model::{Deduction, Finding, Item, Register, Task, TaskStatus};
use crate::rules::{MultiAdoption, Rules};
use crate::validate::Submission;

/// What a line of points is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// 基础项: one line per qualifying item.
    Base,
    /// 加分项: one line per item and adoption level (index into `rules.adoption`).
    Adoption(usize),
    /// 约稿任务 completed on time and adopted.
    TaskDone,
    /// 约稿任务 not completed (negative points).
    TaskFailed,
    /// 扣分项 (negative points; index into `rules.deduction`).
    Deduction(usize),
}

/// One itemised score line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub category: Category,
    /// Signed points.
    pub points: i64,
    /// What it comes from, within its section's score.
    pub origin: Origin,
}

/// Where a line's points come from: an index into the section's `items`, `tasks` or
/// `deductions` (each of which carries its source file, sheet and row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Item(usize),
    Task(usize),
    Deduction(usize),
}

/// What became of an item of the section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Qualifies and is scored.
    Counted,
    /// 信息员审核 = 不通过.
    Rejected,
    /// Dated after the as-of date: not counted yet.
    AfterAsOf,
    /// Another version of the same item won the merge.
    Superseded,
}

/// An item with its points.
#[derive(Debug, Clone)]
pub struct ScoredItem {
    pub item: Item,
    pub state: ItemState,
    pub base: i64,
    /// Adoption levels that scored (bit i = `rules.adoption[i]`); under `"highest"` only the
    /// best level, and none for an item that does not count.
    pub scored_levels: u32,
    /// The task this item completed, if any.
    pub completes: Option<crate::model::Text>,
}

impl ScoredItem {
    /// Adoption points of one level (0 when that level did not score).
    pub fn level_points(&self, level: usize, rules: &Rules) -> i64 {
        if self.scored_levels & (1 << level) != 0 {
            rules.adoption[level].points
        } else {
            0
        }
    }

    /// Adoption points of this item, all levels.
    pub fn adoption_points(&self, rules: &Rules) -> i64 {
        (0..rules.adoption.len())
            .map(|l| self.level_points(l, rules))
            .sum()
    }

    /// Base plus adoption points of this item.
    pub fn points(&self, rules: &Rules) -> i64 {
        self.base + self.adoption_points(rules)
    }
}

/// The outcome of a commissioned task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOutcome {
    /// Completed on time and adopted (explicitly, or shown by an item).
    Done { explicit: bool },
    /// Not completed: explicitly, or its deadline has passed.
    Failed { explicit: bool },
    /// Deadline after the as-of date, not completed yet.
    Pending,
    /// Issued after the as-of date (未下达): 0, whatever the register says.
    NotIssued,
}

/// A task with its outcome and points.
#[derive(Debug, Clone)]
pub struct ScoredTask {
    pub task: Task,
    pub outcome: TaskOutcome,
    pub points: i64,
    /// Title and date of the item that completed it.
    pub by_item: Option<(String, NaiveDate)>,
}

/// A deduction with its points (0 when dated after the as-of date).
#[derive(Debug, Clone)]
pub struct ScoredDeduction {
    pub deduction: Deduction,
    /// Signed points (≤ 0).
    pub points: i64,
    pub counted: bool,
}

/// A section's year, itemised.
#[derive(Debug, Clone)]
pub struct SectionScore {
    pub name: String,
    pub participates: bool,
    pub item_target: Option<f64>,
    pub score_target: Option<f64>,
    pub items: Vec<ScoredItem>,
    pub tasks: Vec<ScoredTask>,
    pub deductions: Vec<ScoredDeduction>,
    pub lines: Vec<Line>,
    /// Months (1–12) with at least one submission.
    pub submitted: [bool; 12],
    /// Months (1–12) for which a file (or sheet) of the section was refused with a file error
    /// (`文件无效` where the month has no valid submission).
    pub invalid: [bool; 12],
    /// What the 采用记录 says of the items' adoptions at the levels it lists, by item and
    /// level (empty without a record).
    pub adoption: Vec<crate::adoption::Check>,
}

impl SectionScore {
    fn sum(&self, pred: impl Fn(Category) -> bool) -> i64 {
        self.lines
            .iter()
            .filter(|l| pred(l.category))
            .map(|l| l.points)
            .sum()
    }
    /// 基础分.
    pub fn base(&self) -> i64 {
        self.sum(|c| c == Category::Base)
    }
    /// 加分 (adoption bonus).
    pub fn adoption(&self) -> i64 {
        self.sum(|c| matches!(c, Category::Adoption(_)))
    }
    /// 约稿任务 points, signed.
    pub fn task_points(&self) -> i64 {
        self.sum(|c| matches!(c, Category::TaskDone | Category::TaskFailed))
    }
    /// 扣分, as a positive number.
    pub fn deductions_total(&self) -> i64 {
        -self.sum(|c| matches!(c, Category::Deduction(_)))
    }
    /// 最终得分 = the sum of all lines.
    pub fn final_score(&self) -> i64 {
        self.lines.iter().map(|l| l.points).sum()
    }
    /// Number of qualifying items.
    pub fn qualifying(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.state == ItemState::Counted)
            .count()
    }
    /// Qualifying items adopted at some level.
    pub fn adopted_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.state == ItemState::Counted && i.item.is_adopted())
            .count()
    }
    /// Ids of failed tasks.
    pub fn failed_tasks(&self) -> Vec<&str> {
        self.tasks
            .iter()
            .filter(|t| matches!(t.outcome, TaskOutcome::Failed { .. }))
            .map(|t| t.task.id.as_str())
            .collect()
    }
    /// Qualifying items per month of 报送日期 (index 0 = January).
    pub fn items_per_month(&self) -> [usize; 12] {
        let mut m = [0; 12];
        for i in self.items.iter().filter(|i| i.state == ItemState::Counted) {
            m[i.item.date.month0() as usize] += 1;
        }
        m
    }
    /// Months 1..=`up_to` without a submission.
    pub fn missing_months(&self, up_to: u32) -> Vec<u32> {
        (1..=up_to.min(12))
            .filter(|m| !self.submitted[*m as usize - 1])
            .collect()
    }
    /// Whether month `m` (1–12) lacks a valid submission but had a refused file (`文件无效`).
    pub fn invalid_only(&self, m: u32) -> bool {
        (1..=12).contains(&m) && !self.submitted[m as usize - 1] && self.invalid[m as usize - 1]
    }
}

/// The months each section sent something for: its submissions, and the (section, month) of
/// its refused files.
#[derive(Debug, Clone, Copy)]
pub struct Months<'a> {
    pub submitted: &'a [Submission],
    pub invalid: &'a [(String, u32)],
}

/// Score every roster section (in roster order). Takes the merged items by value: each
/// moves into its section's score (no copies; a year may hold hundreds of thousands). The
/// register's 采用记录, when it has rows, decides the adoptions at the levels it lists; what
/// it changed is added to `findings`.
pub fn score(
    register: &Register,
    merged: Merged,
    months: &Months,
    rules: &Rules,
    as_of: NaiveDate,
    findings: &mut Vec<Finding>,
) -> Vec<SectionScore> {
    let index: HashMap<&str, usize> = register
        .roster
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.as_str(), i))
        .collect();
    let n = register.roster.len();
    let mut items = items_by_section(&index, n, merged, as_of);
    let checks = crate::adoption::apply(&register.adoption_record, &mut items, rules, findings);
    let submitted = month_table(
        &index,
        n,
        months
            .submitted
            .iter()
            .map(|s| (s.section.as_str(), s.month)),
    );
    let invalid = month_table(
        &index,
        n,
        months.invalid.iter().map(|(s, m)| (s.as_str(), *m)),
    );
    register
        .roster
        .iter()
        .zip(items)
        .zip(submitted.into_iter().zip(invalid))
        .zip(checks)
        .map(|(((entry, mut items), (submitted, invalid)), adoption)| {
            let name = entry.name.as_str();
            let mut lines = Vec::new();
            score_items(&mut items, rules, &mut lines);
            let tasks = score_tasks(register, name, &mut items, rules, as_of, &mut lines);
            let deductions = score_deductions(register, name, rules, as_of, &mut lines);
            SectionScore {
                name: name.to_string(),
                participates: entry.participates,
                item_target: entry.item_target,
                score_target: entry.score_target,
                items,
                tasks,
                deductions,
                lines,
                submitted,
                invalid,
                adoption,
            }
        })
        .collect()
}

/// The merged items of each of the `sections` roster sections (in roster order), moved into their scored
/// form and sorted by (date, title key, counted first); items of a section not on the roster
/// are dropped.
fn items_by_section(
    index: &HashMap<&str, usize>,
    sections: usize,
    merged: Merged,
    as_of: NaiveDate,
) -> Vec<Vec<ScoredItem>> {
    // Each section's vector allocated once at its size: a city's year is hundreds of MB.
    let mut sizes = vec![0; sections];
    for item in merged.items.iter().chain(&merged.superseded) {
        if let Some(&k) = index.get(item.section.as_str()) {
            sizes[k] += 1;
        }
    }
    let mut items: Vec<Vec<ScoredItem>> = sizes.into_iter().map(Vec::with_capacity).collect();
    let current = merged.items.into_iter().map(|i| (i, false));
    let superseded = merged.superseded.into_iter().map(|i| (i, true));
    for (item, superseded) in current.chain(superseded) {
        let Some(&k) = index.get(item.section.as_str()) else {
            continue;
        };
        let state = if superseded {
            ItemState::Superseded
        } else if item.date > as_of {
            ItemState::AfterAsOf
        } else if item.rejected {
            ItemState::Rejected
        } else {
            ItemState::Counted
        };
        items[k].push(ScoredItem {
            item,
            state,
            base: 0,
            scored_levels: 0,
            completes: None,
        });
    }
    for list in &mut items {
        list.sort_by(|a, b| {
            (a.item.date, a.item.key(), a.state != ItemState::Counted).cmp(&(
                b.item.date,
                b.item.key(),
                b.state != ItemState::Counted,
            ))
        });
    }
    items
}

/// Which months (1..=12) of each of the `sections` roster sections appear in `list` of (section, month).
fn month_table<'a>(
    index: &HashMap<&str, usize>,
    sections: usize,
    list: impl Iterator<Item = (&'a str, u32)>,
) -> Vec<[bool; 12]> {
    let mut table = vec![[false; 12]; sections];
    for (section, m) in list {
        if let (Some(&k), true) = (index.get(section), (1..=12).contains(&m)) {
            table[k][m as usize - 1] = true;
        }
    }
    table
}

/// Base (capped) and adoption points of each qualifying item, in date order.
fn score_items(items: &mut [ScoredItem], rules: &Rules, lines: &mut Vec<Line>) {
    let mut base_left = rules.base.cap;
    for (k, si) in items
        .iter_mut()
        .enumerate()
        .filter(|(_, i)| i.state == ItemState::Counted)
    {
        let base = rules.base.points_per_item.min(base_left);
        base_left -= base;
        si.base = base;
        if base != 0 {
            lines.push(Line {
                category: Category::Base,
                points: base,
                origin: Origin::Item(k),
            });
        }
        let adopted: Vec<usize> = (0..rules.adoption.len())
            .filter(|l| si.item.adopted & (1 << l) != 0)
            .collect();
        let scored: Vec<usize> = match rules.multi_adoption {
            MultiAdoption::Sum => adopted,
            // The highest level's points; among equal points the first level in the rules.
            MultiAdoption::Highest => adopted
                .iter()
                .copied()
                .max_by(|a, b| {
                    rules.adoption[*a]
                        .points
                        .cmp(&rules.adoption[*b].points)
                        .then(b.cmp(a))
                })
                .into_iter()
                .collect(),
        };
        for level in scored {
            let points = rules.adoption[level].points;
            si.scored_levels |= 1 << level;
            if points != 0 {
                lines.push(Line {
                    category: Category::Adoption(level),
                    points,
                    origin: Origin::Item(k),
                });
            }
        }
    }
}

/// Outcome and points of the section's commissioned tasks.
fn score_tasks(
    register: &Register,
    section: &str,
    items: &mut [ScoredItem],
    rules: &Rules,
    as_of: NaiveDate,
    lines: &mut Vec<Line>,
) -> Vec<ScoredTask> {
    let mut out = Vec::new();
    for task in register.tasks.iter().filter(|t| t.section == section) {
        // The earliest qualifying, adopted item of this section naming the task by its deadline.
        let by = items
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                i.state == ItemState::Counted
                    && i.item.task_id.as_deref() == Some(task.id.as_str())
                    && i.item.date <= task.deadline
                    && i.item.is_adopted()
            })
            .min_by_key(|(_, i)| (i.item.date, i.item.source.row))
            .map(|(k, _)| k);
        let outcome = task_outcome(task, by.is_some(), as_of);
        let (points, category) = match outcome {
            TaskOutcome::Done { .. } => (rules.tasks.completed_points, Category::TaskDone),
            TaskOutcome::Failed { .. } => (-rules.tasks.failed_points, Category::TaskFailed),
            TaskOutcome::Pending | TaskOutcome::NotIssued => (0, Category::TaskDone),
        };
        let mut by_item = None;
        if let (Some(k), TaskOutcome::Done { explicit: false }) = (by, outcome) {
            items[k].completes = Some(task.id.as_str().into());
            by_item = Some((items[k].item.title.to_string(), items[k].item.date));
        }
        if points != 0 {
            lines.push(Line {
                category,
                points,
                origin: Origin::Task(out.len()),
            });
        }
        out.push(ScoredTask {
            task: task.clone(),
            outcome,
            points,
            by_item,
        });
    }
    out
}

/// What a task comes to as of `as_of` (SPEC Scoring 4): not issued yet when its 下达日期 is
/// after the as-of date; else completed as soon as the register says so or an item shows it
/// (`completed_by_item`), failed when the register says so or when its deadline is on or
/// before the as-of date (the as-of day counts as over), and pending only while the deadline
/// is after it.
pub fn task_outcome(task: &Task, completed_by_item: bool, as_of: NaiveDate) -> TaskOutcome {
    if task.issued.is_some_and(|d| d > as_of) {
        return TaskOutcome::NotIssued;
    }
    match task.status {
        Some(TaskStatus::Done) => TaskOutcome::Done { explicit: true },
        Some(TaskStatus::Failed) => TaskOutcome::Failed { explicit: true },
        None if completed_by_item => TaskOutcome::Done { explicit: false },
        None if task.deadline <= as_of => TaskOutcome::Failed { explicit: false },
        None => TaskOutcome::Pending,
    }
}

/// The section's deductions × 次数; those dated after the as-of date do not count yet.
fn score_deductions(
    register: &Register,
    section: &str,
    rules: &Rules,
    as_of: NaiveDate,
    lines: &mut Vec<Line>,
) -> Vec<ScoredDeduction> {
    let mut out = Vec::new();
    for d in register.deductions.iter().filter(|d| d.section == section) {
        let counted = d.date.is_none_or(|x| x <= as_of);
        let level = rules.deduction.iter().position(|x| x.label == d.label);
        let points = match (counted, level) {
            (true, Some(k)) => -rules.deduction[k].points * d.count,
            _ => 0,
        };
        if let (Some(k), true) = (level, points != 0) {
            lines.push(Line {
                category: Category::Deduction(k),
                points,
                origin: Origin::Deduction(out.len()),
            });
        }
        out.push(ScoredDeduction {
            deduction: d.clone(),
            points,
            counted,
        });
    }
    out
}
