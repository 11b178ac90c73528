//! The results workbook (`{year}年度政务信息工作考核结果.xlsx`): a view of the assessed year,
//! sheet by sheet as SPEC "Outputs" lists them. Every number is read from the score lines
//! (`SectionScore` and its accessors), never recomputed, so the sheets agree with each other
//! and with the terminal. Text from input cells is always written as a string, never as a
//! formula; dates are real dates; the document properties are fixed from the as-of date so
//! that the same inputs give the same bytes.
//!
//! The small sheet-writing kit at the end ([`Sheet`], [`V`], [`Look`]) is shared with the
//! feedback workbooks.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Chart, ChartAxisCrossing, ChartAxisLabelPosition, ChartDataLabel, ChartFormat, ChartPoint,
    ChartSolidFill, ChartType, Color, ConditionalFormatFormula, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::{adoption, ledger};
use crate::assess::Assessment;
use crate::authors::one_decimal;
use crate::error::Error;
use crate::model::Severity;
use crate::rank::Standing;
use crate::rules::{MultiAdoption, Rules};
use crate::score::{Category, ItemState, SectionScore, TaskOutcome};

use super::{
    FINDING_COLUMNS, GENERATOR, INVALID_FILE, NOT_SUBMITTED, NOT_TAKING_PART, RANKING_COLUMNS,
    adopted_levels, file_outcome, task_result, task_status_given,
};

/// Sheet names, in workbook order (the per-section sheets go after [`SHEET_CATALOG`]).
pub use crate::labels::SHEET_RANKING;
pub const SHEET_BREAKDOWN: &str = "得分明细";
pub const SHEET_CATALOG: &str = "采用信息目录";
pub const SHEET_AUTHORS: &str = "撰稿人统计";
pub const SHEET_MONTHLY: &str = "月度报送";
pub const SHEET_TASKS: &str = "约稿任务";
pub const SHEET_DEDUCTIONS: &str = "扣分记录";
pub const SHEET_FINDINGS: &str = "校验问题";
pub use crate::labels::SHEET_NOTES;
const FIXED_SHEETS: [&str; 9] = [
    SHEET_RANKING,
    SHEET_BREAKDOWN,
    SHEET_CATALOG,
    SHEET_AUTHORS,
    SHEET_MONTHLY,
    SHEET_TASKS,
    SHEET_DEDUCTIONS,
    SHEET_FINDINGS,
    SHEET_NOTES,
];

/// Fill colours: Excel's own "good", "bad" and "neutral" cell styles, so they read as usual.
pub(crate) const GOOD: u32 = 0xC6EFCE;
pub(crate) const BAD: u32 = 0xFFC7CE;
pub(crate) const NEUTRAL: u32 = 0xFFEB9C;
const HEAD: u32 = 0xDDEBF7;
const TOTAL: u32 = 0xF2F2F2;
const DARK_RED: u32 = 0x9C0006;

/// The seed's reading of 七(二), stated in `考核说明` (SPEC Scoring 8).
const READING_7_2: &str = "实施方案七(二)原文为“多次完成约稿任务……取消评先资格”,按文意应为“多次未完成”(其他单位的规则亦为“凡2次以上没有按时按质完成约稿任务的……”)。本次考核按“未按时按质完成约稿任务达到规定次数即取消评先资格”执行,次数见上表,由规则文件 awards.ineligible_failed_tasks 设定。";

pub(crate) type R<T> = Result<T, XlsxError>;

/// A rust_xlsxwriter failure as a fatal output error.
pub(crate) fn output_error(e: XlsxError) -> Error {
    Error::Output(format!("生成工作簿失败:{e}"))
}

/// Build the results workbook in memory. `rules_source` says where the rules came from.
/// Packed into its file when written ([`super::write::write_workbook`]): for a city's year
/// the packed bytes are tens of MiB, never held in memory.
pub fn results_workbook(
    a: &Assessment,
    rules: &Rules,
    rules_source: &str,
) -> Result<Workbook, Error> {
    build(a, rules, rules_source).map_err(output_error)
}

fn build(a: &Assessment, rules: &Rules, rules_source: &str) -> R<Workbook> {
    let mut wb = new_workbook(
        a.as_of,
        &format!("{}年度政务信息工作考核结果", a.year),
        "results",
    )?;
    let names: Vec<&str> = a.scores.iter().map(|s| s.name.as_str()).collect();
    let sheet_names = section_sheet_names(&names, &FIXED_SHEETS);
    let by_section = standings_by_section(a);

    // The sheets other than the streamed ones of a large year are independent worksheets:
    // they are built side by side on the available cores and added in workbook order.
    let head: Vec<Job> = vec![
        Box::new(|| ranking_sheet(a, rules)),
        Box::new(|| breakdown_sheet(a, rules)),
    ];
    let tail: Vec<Job> = vec![
        Box::new(|| authors_sheet(a, rules)),
        Box::new(|| monthly_sheet(a, &by_section)),
        Box::new(|| tasks_sheet(a)),
        Box::new(|| deductions_sheet(a, rules)),
        Box::new(|| findings_sheet(a)),
        Box::new(|| notes_sheet(a, rules, rules_source)),
    ];
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if a.scores.len() <= ledger::LARGE_ROSTER {
        // A bureau's year packs to a few hundred KB at either level; level 1 packs it in
        // about half the compression time (on the critical path: the packing is serial),
        // for ~30% more bytes. A city's year keeps level 2: its tens of MB matter more.
        wb.set_zip_compression_level(1);
    }
    if a.scores.len() > ledger::LARGE_ROSTER {
        // A city-sized roster: one streamed item sheet instead of a sheet per section. The
        // streamed sheets belong to the workbook (their rows go to its temporary files): the
        // item sheet is written here while another thread writes the adopted-items list and
        // then builds the sheets that follow them.
        for ws in build_sheets(&head, cores)? {
            wb.push_worksheet(ws);
        }
        ledger::register_formats(&mut wb);
        wb.add_worksheet_with_constant_memory()?;
        wb.add_worksheet_with_constant_memory()?;
        let sheets = wb.worksheets_mut();
        let [.., catalog, items] = sheets.as_mut_slice() else {
            unreachable!("two sheets were just added");
        };
        let tail = std::thread::scope(|scope| {
            let tail = scope.spawn(|| {
                ledger::catalog_sheet(catalog, a, rules, SHEET_CATALOG)?;
                build_sheets(&tail, 1)
            });
            let items = ledger::ledger_sheet(items, a, rules);
            let tail = tail.join().expect("a sheet-building thread panicked");
            items.and(tail)
        })?;
        for ws in tail {
            wb.push_worksheet(ws);
        }
    } else {
        let mut jobs = head;
        jobs.push(Box::new(|| catalog_sheet(a, rules)));
        for (i, s) in a.scores.iter().enumerate() {
            let (st, name) = (by_section[i], &sheet_names[i]);
            jobs.push(Box::new(move || section_sheet(a, rules, s, st, name)));
        }
        jobs.extend(tail);
        for ws in build_sheets(&jobs, cores)? {
            wb.push_worksheet(ws);
        }
    }
    Ok(wb)
}

/// A worksheet to build: one of the results workbook's sheets.
type Job<'a> = Box<dyn Fn() -> R<Worksheet> + Sync + 'a>;

/// Build worksheets on up to `threads` threads (each takes the next job not yet taken), and
/// return them in the order of `jobs`. Which thread builds a sheet changes nothing in it.
fn build_sheets(jobs: &[Job], threads: usize) -> R<Vec<Worksheet>> {
    let threads = threads.clamp(1, jobs.len().max(1));
    if threads == 1 {
        return jobs.iter().map(|job| job()).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut built = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = jobs.get(i) else {
                return built;
            };
            built.push((i, job()));
        }
    };
    let mut built: Vec<(usize, R<Worksheet>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut built = work();
        for h in helpers {
            built.extend(h.join().expect("a sheet-building thread panicked"));
        }
        built
    });
    built.sort_by_key(|(i, _)| *i);
    built.into_iter().map(|(_, ws)| ws).collect()
}

/// The custom document property that marks zwxx's own outputs (value `results`/`feedback`).
pub const OUTPUT_PROPERTY: &str = "zwxx";

/// A workbook with fixed document properties: the creation time is the as-of date (never the
/// clock), so identical inputs give byte-identical files. `kind` marks zwxx's own outputs.
pub(crate) fn new_workbook(as_of: NaiveDate, title: &str, kind: &str) -> R<Workbook> {
    let mut wb = Workbook::new();
    // Level 2 instead of 6: about 10% larger files, saved in a little over half the time
    // (rust_xlsxwriter's own measurements; compression was a tenth of a small year's run).
    wb.set_zip_compression_level(2);
    let created = excel_date(as_of)
        .unwrap_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).expect("valid date"))
        .and_hms(0, 0, 0)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("zwxx")
            .set_comment(GENERATOR)
            .set_creation_datetime(&created)
            .set_custom_property(OUTPUT_PROPERTY, kind),
    );
    Ok(wb)
}

/// The standing of each section, indexed like `a.scores`.
fn standings_by_section(a: &Assessment) -> Vec<&Standing> {
    let mut out: Vec<Option<&Standing>> = vec![None; a.scores.len()];
    for st in &a.standings {
        out[st.section] = Some(st);
    }
    out.into_iter()
        .map(|s| s.expect("every section has a standing"))
        .collect()
}

/// 评定 as shown: the award or criticism, or empty (a section not taking part says so in
/// 备注).
fn verdict<'a>(_s: &SectionScore, st: &Standing, rules: &'a Rules) -> &'a str {
    st.verdict(rules)
}

/// Sum of a section's lines of one category.
fn points(s: &SectionScore, category: Category) -> i64 {
    s.lines
        .iter()
        .filter(|l| l.category == category)
        .map(|l| l.points)
        .sum()
}

// ---------------------------------------------------------------------------------------
// 考核排名

fn ranking_sheet(a: &Assessment, rules: &Rules) -> R<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(SHEET_RANKING)?;
    let mut sh = Sheet::new(&mut ws);
    let last = RANKING_COLUMNS.len() as u16 - 1;
    sh.limit(0, 6.0, 6.0, false);
    sh.limit(1, 10.0, 24.0, true);
    for c in 2..=9 {
        sh.limit(c, 8.0, 10.0, false);
    }
    sh.limit(10, 12.0, 22.0, true);
    sh.limit(11, 16.0, 44.0, true);
    sh.centre(&[0]);
    sh.title(
        0,
        &format!(
            "{}年度政务信息工作考核排名(统计截至{})",
            a.year,
            a.as_of.format("%Y-%m-%d")
        ),
        last,
    )?;
    sh.header(1, 0, &RANKING_COLUMNS)?;
    let mut row = 2;
    let mut ranked = 0;
    for st in &a.standings {
        let s = &a.scores[st.section];
        let fill = if st.awarded {
            Some(GOOD)
        } else if st.criticised {
            Some(BAD)
        } else {
            None
        };
        let look = Look {
            fill,
            ..Look::default()
        };
        sh.row(
            row,
            0,
            &[
                st.rank.map_or(V::Blank, |r| V::Int(r as i64)),
                V::text(&s.name),
                V::Int(s.qualifying() as i64),
                V::Int(s.base()),
                V::Int(s.adoption()),
                V::Int(s.task_points()),
                V::Int(s.deductions_total()),
                V::Int(s.final_score()),
                st.item_rate.map_or(V::Blank, |r| V::Pct(r / 100.0)),
                st.score_rate.map_or(V::Blank, |r| V::Pct(r / 100.0)),
                V::text(verdict(s, st, rules)),
                V::Text(st.remarks()),
            ],
            look,
        )?;
        if st.rank.is_some() {
            ranked += 1;
        }
        row += 1;
    }
    let last_row = row - 1;
    sh.ws.autofilter(1, 0, last_row.max(1), last)?;
    row += 1;
    let t = &rules.tasks;
    sh.note(
        row,
        &format!(
            "注:绿色底色为“{}”,粉色底色为“{}”。加分 = 信息被采用的加分;约稿任务 = 按时按质完成 +{} 分、未完成 −{} 分的合计;扣分 = 扣分项合计;最终得分 = 基础分 + 加分 + 约稿任务 − 扣分。完成率空白表示登记表未下达该项任务。各股室得分的来历见同名工作表。",
            rules.awards.top_title, rules.awards.bottom_title, t.completed_points, t.failed_points
        ),
        last,
    )?;
    if ranked > 0 {
        let chart = score_chart(a, ranked)?;
        sh.ws.insert_chart(row + 2, 1, &chart)?;
    }
    sh.finish(1, (2, 2))?;
    Ok(ws)
}

/// A horizontal bar chart of the ranked sections' final scores, first place on top, awarded
/// bars green and criticised bars red like their rows.
fn score_chart(a: &Assessment, ranked: u32) -> R<Chart> {
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .title()
        .set_name(&format!("{}年度各股室最终得分", a.year));
    chart.legend().set_hidden();
    let colour = |c: u32| {
        ChartPoint::new().set_format(
            ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(c))),
        )
    };
    let pts: Vec<ChartPoint> = a
        .standings
        .iter()
        .filter(|st| st.rank.is_some())
        .map(|st| {
            colour(if st.awarded {
                0x70AD47
            } else if st.criticised {
                0xC0504D
            } else {
                0x4472C4
            })
        })
        .collect();
    chart
        .add_series()
        .set_categories((SHEET_RANKING, 2, 1, 1 + ranked, 1))
        .set_values((SHEET_RANKING, 2, 7, 1 + ranked, 7))
        .set_points(&pts)
        .set_gap(60)
        .set_data_label(ChartDataLabel::new().show_value());
    // First place on top; the value axis stays at the bottom and the names at the left edge,
    // clear of negative bars.
    chart
        .y_axis()
        .set_reverse()
        .set_crossing(ChartAxisCrossing::Max)
        .set_label_position(ChartAxisLabelPosition::Low);
    chart.x_axis().set_name("最终得分");
    chart.set_width(760).set_height(90 + 26 * ranked);
    Ok(chart)
}

// ---------------------------------------------------------------------------------------
// 得分明细

fn breakdown_sheet(a: &Assessment, rules: &Rules) -> R<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(SHEET_BREAKDOWN)?;
    let mut sh = Sheet::new(&mut ws);
    // Groups of (count, points) columns: every category that can give or take points.
    let mut groups: Vec<(String, &str, &str)> = vec![("基础项".into(), "合格信息条数", "基础分")];
    for l in &rules.adoption {
        groups.push((format!("{}采用", l.label), "条数", "加分"));
    }
    groups.push(("约稿任务完成".into(), "个数", "得分"));
    groups.push(("约稿任务未完成".into(), "个数", "得分"));
    for d in &rules.deduction {
        groups.push((d.label.clone(), "次数", "得分"));
    }
    let last = 2 + 2 * groups.len() as u16;
    sh.title(
        0,
        &format!(
            "{}年度政务信息得分明细(统计截至{};扣分以负数表示,每行各“基础分/加分/得分”之和等于最终得分)",
            a.year,
            a.as_of.format("%Y-%m-%d")
        ),
        last,
    )?;
    // Two header rows: the groups above, each column's own label below (the autofilter row).
    // 名次, 股室 and 最终得分 are not merged down: a filter button on a merged cell misbehaves.
    let head = Look::header();
    for c in [0, 1, last] {
        sh.put_unmeasured(1, c, &V::Blank, head)?;
    }
    sh.header(2, 0, &["名次", "股室"])?;
    sh.header(2, last, &["最终得分"])?;
    sh.limit(0, 6.0, 6.0, false);
    sh.limit(1, 10.0, 24.0, true);
    for (g, (label, count, pts)) in groups.iter().enumerate() {
        let c = 2 + 2 * g as u16;
        sh.merge(1, c, 1, c + 1, label, head)?;
        sh.header(2, c, &[count, pts])?;
        sh.limit(c, 5.5, 7.0, false);
        sh.limit(c + 1, 5.5, 7.0, false);
    }
    sh.limit(last, 8.0, 10.0, false);
    sh.centre(&[0]);
    let mut row = 3;
    for st in &a.standings {
        let s = &a.scores[st.section];
        let mut vals = vec![
            st.rank.map_or(V::Blank, |r| V::Int(r as i64)),
            V::text(&s.name),
            V::Int(s.qualifying() as i64),
            V::Int(s.base()),
        ];
        for (l, _) in rules.adoption.iter().enumerate() {
            let n = s
                .items
                .iter()
                .filter(|i| i.state == ItemState::Counted && i.item.adopted & (1 << l) != 0)
                .count();
            vals.push(V::Int(n as i64));
            vals.push(V::Int(points(s, Category::Adoption(l))));
        }
        let done = s
            .tasks
            .iter()
            .filter(|t| matches!(t.outcome, TaskOutcome::Done { .. }))
            .count();
        vals.push(V::Int(done as i64));
        vals.push(V::Int(points(s, Category::TaskDone)));
        vals.push(V::Int(s.failed_tasks().len() as i64));
        vals.push(V::Int(points(s, Category::TaskFailed)));
        for (k, d) in rules.deduction.iter().enumerate() {
            let times: i64 = s
                .deductions
                .iter()
                .filter(|x| x.counted && x.deduction.label == d.label)
                .map(|x| x.deduction.count)
                .sum();
            vals.push(V::Int(times));
            vals.push(V::Int(points(s, Category::Deduction(k))));
        }
        vals.push(V::Int(s.final_score()));
        sh.row(row, 0, &vals, Look::default())?;
        row += 1;
    }
    sh.ws.autofilter(2, 0, (row - 1).max(2), last)?;
    sh.finish(2, (3, 2))?;
    Ok(ws)
}

// ---------------------------------------------------------------------------------------
// 采用信息目录

fn catalog_sheet(a: &Assessment, rules: &Rules) -> R<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(SHEET_CATALOG)?;
    let mut sh = Sheet::new(&mut ws);
    let mut cols = vec![
        "序号",
        "股室",
        "信息标题",
        "报送日期",
        "信息类别",
        "采用级别",
        "采用期号",
        "加分",
    ];
    let checked = adoption::has_record(a);
    if checked {
        cols.extend(adoption::CATALOG_COLUMNS);
        sh.limit(8, 12.0, 30.0, true);
        sh.limit(9, 7.0, 8.0, false);
    }
    let last = cols.len() as u16 - 1;
    sh.limit(0, 6.0, 6.0, false);
    sh.limit(1, 10.0, 24.0, true);
    sh.limit(2, 30.0, 50.0, true);
    sh.limit(5, 14.0, 40.0, true);
    sh.limit(6, 10.0, 20.0, true);
    sh.title(
        0,
        &format!(
            "{}年度被采用的政务信息目录(统计截至{}{})",
            a.year,
            a.as_of.format("%Y-%m-%d"),
            if checked {
                ";已按采用记录核对"
            } else {
                ""
            }
        ),
        last,
    )?;
    sh.header(1, 0, &cols)?;
    let mut row = 2;
    for s in &a.scores {
        for (i, si) in s.items.iter().enumerate() {
            if si.state != ItemState::Counted || !si.item.is_adopted() {
                continue;
            }
            let it = &si.item;
            let mut vals = vec![
                V::Int(row as i64 - 1),
                V::text(&s.name),
                V::text(&it.title),
                V::Date(it.date),
                V::text(&it.category),
                V::Text(adopted_levels(it, rules)),
                V::text(&it.issue_no),
                V::Int(si.adoption_points(rules)),
            ];
            if checked {
                let c = adoption::catalog_check(a, s, i, rules);
                vals[6] = V::Text(c.issue);
                vals.push(V::Text(c.check));
                vals.push(c.similarity.map_or(V::Blank, V::Num));
            }
            sh.row(row, 0, &vals, Look::default())?;
            row += 1;
        }
    }
    if row == 2 {
        sh.note(row, "(尚无被采用的信息)", last)?;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.finish(1, (2, 0))?;
    Ok(ws)
}

// ---------------------------------------------------------------------------------------
// 撰稿人统计

fn authors_sheet(a: &Assessment, rules: &Rules) -> R<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(SHEET_AUTHORS)?;
    let mut sh = Sheet::new(&mut ws);
    let cols = super::authors_columns(rules);
    let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
    let last = cols.len() as u16 - 1;
    sh.limit(0, 6.0, 6.0, false);
    sh.limit(1, 8.0, 16.0, true);
    sh.limit(2, 10.0, 24.0, true);
    for c in 3..=last {
        sh.limit(c, 8.0, 12.0, true);
    }
    sh.title(
        0,
        &format!(
            "{}年度撰稿人统计(统计截至{};合格信息按撰稿人计,一条信息有 k 位撰稿人的每人计 1/k)",
            a.year,
            a.as_of.format("%Y-%m-%d")
        ),
        last,
    )?;
    sh.header(1, 0, &cols)?;
    let mut row = 2;
    for (n, r) in crate::authors::author_rows(&a.scores, rules)
        .iter()
        .enumerate()
    {
        let mut vals = vec![
            V::Int(n as i64 + 1),
            V::text(&r.name),
            V::text(&r.section),
            V::OneDecimal(one_decimal(r.items)),
        ];
        vals.extend(r.levels.iter().map(|x| V::OneDecimal(one_decimal(*x))));
        vals.push(V::OneDecimal(one_decimal(r.points)));
        sh.row(row, 0, &vals, Look::default())?;
        row += 1;
    }
    if row == 2 {
        sh.note(row, "(尚无合格的报送信息)", last)?;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.finish(1, (2, 2))?;
    Ok(ws)
}

// ---------------------------------------------------------------------------------------
// One sheet per section

/// Column positions of a section sheet. The blocks below the items (tasks, deductions,
/// problems) put what they say in the column of the same kind, so widths suit all of them.
struct SectionCols {
    levels: u16,
}

impl SectionCols {
    const SEQ: u16 = 0;
    const TEXT: u16 = 1;
    const DATE: u16 = 2;
    const KIND: u16 = 3;
    const ID: u16 = 4;
    const ISSUE: u16 = 5;
    const STATE: u16 = 6;
    const BASE: u16 = 7;
    fn level(&self, l: usize) -> u16 {
        8 + l as u16
    }
    fn total(&self) -> u16 {
        8 + self.levels
    }
    fn done(&self) -> u16 {
        9 + self.levels
    }
    fn file(&self) -> u16 {
        10 + self.levels
    }
    fn sheet(&self) -> u16 {
        11 + self.levels
    }
    fn row(&self) -> u16 {
        12 + self.levels
    }
    fn last(&self) -> u16 {
        self.row()
    }
    /// The one-line "(nothing here)" row of an empty block; returns the next row.
    fn placeholder(&self, sh: &mut Sheet<'_>, row: u32, text: &str) -> R<u32> {
        sh.row(
            row,
            0,
            &self.spread(vec![(Self::TEXT, V::text(text))]),
            Look::default(),
        )?;
        Ok(row + 1)
    }

    /// A block row: blanks everywhere except the given (column, value) pairs.
    fn spread(&self, cells: Vec<(u16, V)>) -> Vec<V> {
        let mut out: Vec<V> = (0..=self.last()).map(|_| V::Blank).collect();
        for (c, v) in cells {
            out[c as usize] = v;
        }
        out
    }
}

fn section_sheet(
    a: &Assessment,
    rules: &Rules,
    s: &SectionScore,
    st: &Standing,
    sheet_name: &str,
) -> R<Worksheet> {
    type C = SectionCols;
    let cols = SectionCols {
        levels: rules.adoption.len() as u16,
    };
    let mut ws = Worksheet::new();
    ws.set_name(sheet_name)?;
    let mut sh = Sheet::new(&mut ws);
    sh.limit(C::SEQ, 5.0, 6.0, false);
    sh.limit(C::TEXT, 30.0, 46.0, true);
    sh.limit(C::DATE, 11.0, 11.0, false);
    sh.limit(C::KIND, 9.0, 14.0, true);
    sh.limit(C::ID, 8.0, 12.0, true);
    sh.limit(C::ISSUE, 9.0, 14.0, true);
    sh.limit(C::STATE, 9.0, 14.0, true);
    sh.limit(C::BASE, 7.0, 8.0, false);
    for l in 0..rules.adoption.len() {
        sh.limit(cols.level(l), 9.0, 10.0, false);
    }
    sh.limit(cols.total(), 7.0, 8.0, false);
    sh.limit(cols.done(), 9.0, 12.0, true);
    sh.limit(cols.file(), 14.0, 30.0, true);
    sh.limit(cols.sheet(), 8.0, 12.0, true);
    sh.limit(cols.row(), 6.0, 8.0, false);
    let last = cols.last();

    let rank = st
        .rank
        .map_or(NOT_TAKING_PART.to_string(), |r| format!("第 {r} 名"));
    sh.title(
        0,
        &format!(
            "{} {}年度政务信息得分明细(统计截至{}):{},最终得分 {}",
            s.name,
            a.year,
            a.as_of.format("%Y-%m-%d"),
            rank,
            s.final_score()
        ),
        last,
    )?;
    let mut head: Vec<(u16, String)> = vec![
        (C::SEQ, "序号".into()),
        (C::TEXT, "信息标题".into()),
        (C::DATE, "报送日期".into()),
        (C::KIND, "信息类别".into()),
        (C::ID, "约稿任务编号".into()),
        (C::ISSUE, "采用期号".into()),
        (C::STATE, "计分情况".into()),
        (C::BASE, "基础分".into()),
    ];
    for (l, level) in rules.adoption.iter().enumerate() {
        head.push((cols.level(l), level.label.clone()));
    }
    head.extend([
        (cols.total(), "合计".into()),
        (cols.done(), "完成的约稿任务".into()),
        (cols.file(), "文件".into()),
        (cols.sheet(), "工作表".into()),
        (cols.row(), "行".into()),
    ]);
    sh.header_at(1, &head)?;

    let mut row = 2;
    for (n, si) in s.items.iter().enumerate() {
        let it = &si.item;
        let counted = si.state == ItemState::Counted;
        let mut cells = vec![
            (C::SEQ, V::Int(n as i64 + 1)),
            (C::TEXT, V::text(&it.title)),
            (C::DATE, V::Date(it.date)),
            (C::KIND, V::text(&it.category)),
            (C::ID, V::text(it.task_id.as_deref().unwrap_or(""))),
            (C::ISSUE, V::text(&it.issue_no)),
            (
                C::STATE,
                V::Text(adoption::state_text(s, n, rules).into_owned()),
            ),
            (C::BASE, V::Int(si.base)),
            (cols.total(), V::Int(si.points(rules))),
            (cols.done(), V::text(si.completes.as_deref().unwrap_or(""))),
            (cols.file(), V::text(&it.source.file)),
            (cols.sheet(), V::text(&it.source.sheet)),
            (cols.row(), V::Int(it.source.row_number() as i64)),
        ];
        for l in 0..rules.adoption.len() {
            // Adopted levels show their points (0 when not counted); others stay blank.
            if it.adopted & (1 << l) != 0 {
                cells.push((cols.level(l), V::Int(si.level_points(l, rules))));
            }
        }
        let look = Look {
            font: (!counted).then_some(0x7F7F7F),
            ..Look::default()
        };
        sh.row(row, 0, &cols.spread(cells), look)?;
        row += 1;
    }
    if s.items.is_empty() {
        row = cols.placeholder(&mut sh, row, "(没有可计分的报送信息)")?;
    }
    sh.ws.autofilter(1, 0, row - 1, last)?;
    let mut total = vec![
        (C::TEXT, V::text("合计")),
        (C::STATE, V::Text(format!("计分 {} 条", s.qualifying()))),
        (C::BASE, V::Int(s.base())),
        (cols.total(), V::Int(s.base() + s.adoption())),
    ];
    for l in 0..rules.adoption.len() {
        total.push((cols.level(l), V::Int(points(s, Category::Adoption(l)))));
    }
    sh.row(row, 0, &cols.spread(total), Look::total())?;
    row += 2;

    // Commissioned tasks.
    sh.label(row, "约稿任务")?;
    row += 1;
    sh.header_at(
        row,
        &[
            (C::SEQ, "序号".into()),
            (C::TEXT, "主题".into()),
            (C::DATE, "截止日期".into()),
            (C::KIND, "任务类型".into()),
            (C::ID, "任务编号".into()),
            (C::ISSUE, "完成情况(登记)".into()),
            (C::STATE, "结果".into()),
            (C::BASE, "得分".into()),
            (cols.file(), "完成信息".into()),
            (cols.sheet(), "工作表".into()),
            (cols.row(), "行".into()),
        ],
    )?;
    row += 1;
    for (n, t) in s.tasks.iter().enumerate() {
        let by = t
            .by_item
            .as_ref()
            .map(|(title, d)| format!("{title}({})", d.format("%Y-%m-%d")))
            .unwrap_or_default();
        let cells = vec![
            (C::SEQ, V::Int(n as i64 + 1)),
            (C::TEXT, V::text(&t.task.topic)),
            (C::DATE, V::Date(t.task.deadline)),
            (C::KIND, V::text(&t.task.kind)),
            (C::ID, V::text(&t.task.id)),
            (C::ISSUE, V::text(task_status_given(t.task.status))),
            (C::STATE, V::text(task_result(t.outcome))),
            (C::BASE, V::Int(t.points)),
            (cols.file(), V::Text(by)),
            (cols.sheet(), V::text(&t.task.source.sheet)),
            (cols.row(), V::Int(t.task.source.row_number() as i64)),
        ];
        sh.row(row, 0, &cols.spread(cells), Look::default())?;
        row += 1;
    }
    if s.tasks.is_empty() {
        row = cols.placeholder(&mut sh, row, "(没有下达约稿任务)")?;
    }
    row += 1;

    // Deductions.
    sh.label(row, "扣分记录")?;
    row += 1;
    sh.header_at(
        row,
        &[
            (C::SEQ, "序号".into()),
            (C::TEXT, "说明".into()),
            (C::DATE, "日期".into()),
            (C::KIND, "扣分类别".into()),
            (C::ID, "次数".into()),
            (C::STATE, "是否计入".into()),
            (C::BASE, "扣分".into()),
            (cols.file(), "文件".into()),
            (cols.sheet(), "工作表".into()),
            (cols.row(), "行".into()),
        ],
    )?;
    row += 1;
    for (n, d) in s.deductions.iter().enumerate() {
        let x = &d.deduction;
        let cells = vec![
            (C::SEQ, V::Int(n as i64 + 1)),
            (C::TEXT, V::text(&x.note)),
            (C::DATE, x.date.map_or(V::Blank, V::Date)),
            (C::KIND, V::text(&x.label)),
            (C::ID, V::Int(x.count)),
            (C::STATE, V::text(deduction_counted(d, rules))),
            (C::BASE, V::Int(-d.points)),
            (cols.file(), V::text(&x.source.file)),
            (cols.sheet(), V::text(&x.source.sheet)),
            (cols.row(), V::Int(x.source.row_number() as i64)),
        ];
        sh.row(row, 0, &cols.spread(cells), Look::default())?;
        row += 1;
    }
    if s.deductions.is_empty() {
        row = cols.placeholder(&mut sh, row, "(没有扣分记录)")?;
    }
    row += 1;

    // Problems found in the section's files.
    sh.label(row, "校验问题")?;
    row += 1;
    sh.header_at(
        row,
        &[
            (C::SEQ, "序号".into()),
            (C::TEXT, "说明".into()),
            (C::KIND, "级别".into()),
            (C::ID, "代码".into()),
            (cols.file(), "文件".into()),
            (cols.sheet(), "工作表".into()),
            (cols.row(), "单元格".into()),
        ],
    )?;
    row += 1;
    let mut n = 0;
    for f in a
        .findings
        .iter()
        .filter(|f| f.section.as_deref() == Some(s.name.as_str()))
    {
        n += 1;
        let cells = vec![
            (C::SEQ, V::Int(n)),
            (C::TEXT, V::text(&f.message)),
            (C::KIND, V::text(f.severity.label())),
            (C::ID, V::text(f.code)),
            (cols.file(), V::text(&f.file)),
            (cols.sheet(), V::text(&f.sheet)),
            (cols.row(), V::text(&f.cell)),
        ];
        sh.row(row, 0, &cols.spread(cells), severity_look(f.severity))?;
        row += 1;
    }
    if n == 0 {
        sh.row(
            row,
            0,
            &cols.spread(vec![(C::TEXT, V::text("(未发现问题)"))]),
            Look::default(),
        )?;
        row += 1;
    }
    row += 1;

    // The totals: the same numbers as this section's row in 考核排名.
    sh.label(row, "得分汇总")?;
    row += 1;
    let summary: [(&str, V); 9] = [
        ("名次", st.rank.map_or(V::Blank, |r| V::Int(r as i64))),
        ("合格信息条数", V::Int(s.qualifying() as i64)),
        ("基础分", V::Int(s.base())),
        ("加分", V::Int(s.adoption())),
        ("约稿任务", V::Int(s.task_points())),
        ("扣分", V::Int(s.deductions_total())),
        ("最终得分", V::Int(s.final_score())),
        ("评定", V::text(verdict(s, st, rules))),
        ("备注", V::Text(st.remarks())),
    ];
    for (label, v) in summary {
        sh.put(row, C::TEXT, &V::text(label), Look::total())?;
        sh.put_unmeasured(row, C::DATE, &v, Look::default())?;
        row += 1;
    }
    sh.finish(1, (2, 2))?;
    Ok(ws)
}

/// 是否计入 of a deduction.
fn deduction_counted(d: &crate::score::ScoredDeduction, rules: &Rules) -> &'static str {
    if !d.counted {
        "否(晚于统计截止日期)"
    } else if rules.deduction_points(&d.deduction.label).is_none() {
        "否(不是规则中的扣分类别)"
    } else {
        "是"
    }
}

fn severity_look(s: Severity) -> Look {
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

// ---------------------------------------------------------------------------------------
// 月度报送

fn monthly_sheet(a: &Assessment, by_section: &[&Standing]) -> R<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(SHEET_MONTHLY)?;
    let mut sh = Sheet::new(&mut ws);
    let mut cols: Vec<String> = vec!["股室".into()];
    cols.extend((1..=12).map(|m| format!("{m}月")));
    cols.extend(["合计".into(), "未报送月数".into(), "建议约谈".into()]);
    let labels: Vec<&str> = cols.iter().map(String::as_str).collect();
    let last = labels.len() as u16 - 1;
    sh.limit(0, 10.0, 24.0, true);
    for c in 1..=12 {
        sh.limit(c, 6.0, 7.0, false);
    }
    sh.limit(13, 6.0, 7.0, false);
    sh.limit(14, 8.0, 9.0, false);
    sh.limit(15, 8.0, 10.0, false);
    let up_to = a.up_to_month();
    sh.title(
        0,
        &format!(
            "{}年度各股室月度报送情况(合格信息条数,按报送日期计;统计截至{})",
            a.year,
            a.as_of.format("%Y-%m-%d")
        ),
        last,
    )?;
    sh.header(1, 0, &labels)?;
    let mut row = 2;
    for (i, s) in a.scores.iter().enumerate() {
        let per_month = s.items_per_month();
        sh.put(row, 0, &V::text(&s.name), Look::default())?;
        for m in 1..=12u32 {
            let n = per_month[m as usize - 1] as i64;
            let missing = m <= up_to && !s.submitted[m as usize - 1];
            let (v, look) = if missing {
                // A month whose files were all refused shows so, in the colour of errors.
                let (word, fill) = if s.invalid_only(m) {
                    (INVALID_FILE, BAD)
                } else {
                    (NOT_SUBMITTED, NEUTRAL)
                };
                let v = if n == 0 { V::text(word) } else { V::Int(n) };
                (
                    v,
                    Look {
                        fill: Some(fill),
                        center: true,
                        ..Look::default()
                    },
                )
            } else if m <= up_to || n > 0 {
                (V::Int(n), Look::default())
            } else {
                (V::Blank, Look::default())
            };
            sh.put(row, m as u16, &v, look)?;
        }
        let missing = s.missing_months(up_to).len() as i64;
        let interview = if by_section[i].interview_months.is_empty() {
            ""
        } else {
            "建议约谈"
        };
        sh.put(row, 13, &V::Int(s.qualifying() as i64), Look::default())?;
        sh.put(row, 14, &V::Int(missing), Look::default())?;
        sh.put(row, 15, &V::text(interview), Look::default())?;
        row += 1;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.note(
        row + 1,
        &format!(
            "注:黄色底色表示该月没有收到该股室的报送表(报送月份为该月的有效报送表,零报告也算报送),粉色底色(“{INVALID_FILE}”)表示收到了该月的报送表,但文件有错误未能计分(详见“校验问题”),均计至统计截止月份({up_to} 月);数字为报送日期在该月的合格信息条数(累计报送的文件只计其报送月份)。"
        ),
        last,
    )?;
    sh.finish(1, (2, 1))?;
    Ok(ws)
}

// ---------------------------------------------------------------------------------------
// 约稿任务, 扣分记录, 校验问题

fn tasks_sheet(a: &Assessment) -> R<Worksheet> {
    let mut ws = Worksheet::new();
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
    sh.title(
        0,
        &format!(
            "{}年度约稿任务完成情况(统计截至{};截止日期未到且未完成的为“未到期”,下达日期晚于统计截止日期的为“未下达”)",
            a.year,
            a.as_of.format("%Y-%m-%d")
        ),
        last,
    )?;
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
    if row == 2 {
        let why = if a.register_file.is_some() {
            "(登记表中没有约稿任务)"
        } else {
            "(未使用考核登记表,没有约稿任务)"
        };
        sh.note(row, why, last)?;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.finish(1, (2, 1))?;
    Ok(ws)
}

fn deductions_sheet(a: &Assessment, rules: &Rules) -> R<Worksheet> {
    let mut ws = Worksheet::new();
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
    sh.title(
        0,
        &format!(
            "{}年度扣分记录(统计截至{})",
            a.year,
            a.as_of.format("%Y-%m-%d")
        ),
        last,
    )?;
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
        sh.note(row, "(没有扣分记录)", last)?;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.finish(1, (2, 1))?;
    Ok(ws)
}

fn findings_sheet(a: &Assessment) -> R<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(SHEET_FINDINGS)?;
    let mut sh = Sheet::new(&mut ws);
    let last = FINDING_COLUMNS.len() as u16 - 1;
    sh.limit(0, 10.0, 20.0, true);
    sh.limit(1, 16.0, 30.0, true);
    sh.limit(2, 8.0, 12.0, true);
    sh.limit(3, 6.0, 8.0, false);
    sh.limit(4, 6.0, 6.0, false);
    sh.limit(5, 10.0, 18.0, false);
    sh.limit(6, 30.0, 60.0, true);
    sh.title(
        0,
        &format!(
            "{}年度报送表校验问题({};有错误的行不计分)",
            a.year,
            super::terminal::totals(a.findings.iter())
        ),
        last,
    )?;
    sh.header(1, 0, &FINDING_COLUMNS)?;
    let mut row = 2;
    for f in &a.findings {
        let look = severity_look(f.severity);
        sh.row(
            row,
            0,
            &[
                V::text(f.section.as_deref().unwrap_or_default()),
                V::text(&f.file),
                V::text(&f.sheet),
                V::text(&f.cell),
                V::text(f.severity.label()),
                V::text(f.code),
                V::text(&f.message),
            ],
            look,
        )?;
        row += 1;
    }
    if row == 2 {
        sh.note(row, "(未发现问题)", last)?;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.finish(1, (2, 0))?;
    Ok(ws)
}

// ---------------------------------------------------------------------------------------
// 考核说明

fn notes_sheet(a: &Assessment, rules: &Rules, rules_source: &str) -> R<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_name(SHEET_NOTES)?;
    let mut sh = Sheet::new(&mut ws);
    sh.limit(0, 8.0, 22.0, true);
    sh.limit(1, 30.0, 44.0, true);
    sh.limit(2, 12.0, 16.0, true);
    sh.limit(3, 20.0, 36.0, true);
    // A SHA-256 is 64 characters: two lines of 32 keep the page readable.
    sh.limit(4, 34.0, 34.0, true);
    let last = 4;
    sh.title(0, &format!("{}年度政务信息工作考核说明", a.year), last)?;
    let mut row = 2;

    sh.label(row, "基本情况")?;
    row += 1;
    let register = match &a.register_file {
        Some(f) => format!("考核登记表 {f}"),
        None => format!(
            "内置默认名单(实施方案所列 {} 个股室;没有约稿任务、扣分记录和任务数)",
            a.register.roster.len()
        ),
    };
    let taking_part = a.scores.iter().filter(|s| s.participates).count();
    let basics: Vec<(&str, V)> = vec![
        ("考核年度", V::Int(a.year as i64)),
        ("统计截至", V::Date(a.as_of)),
        ("评分规则", V::text(rules_source)),
        ("股室名单", V::Text(register)),
        (
            "参与考核的股室",
            V::Text(format!("{taking_part} 个(名单共 {} 个)", a.scores.len())),
        ),
        ("生成工具", V::text(GENERATOR)),
    ];
    let value = Look {
        left: true,
        ..Look::default()
    };
    for (k, v) in basics {
        sh.put(row, 0, &V::text(k), Look::total())?;
        sh.put(row, 1, &v, value)?;
        row += 1;
    }
    row += 1;

    sh.label(row, "行数核对")?;
    row += 1;
    let rc = a.rows;
    let check = if rc.rows == rc.items + rc.refused {
        "相符"
    } else {
        "不相符,请将输入文件发给维护人员"
    };
    let accounting: [(&str, V); 4] = [
        ("读取的数据行", V::Int(rc.rows as i64)),
        ("其中:计入信息台账", V::Int(rc.items as i64)),
        ("其中:有错误、不计分", V::Int(rc.refused as i64)),
        (
            "核对",
            V::Text(format!(
                "{} = {} + {},{check}(无法读取的文件不计行数,见“校验问题”)",
                rc.rows, rc.items, rc.refused
            )),
        ),
    ];
    for (k, v) in accounting {
        sh.put(row, 0, &V::text(k), Look::total())?;
        sh.put(row, 1, &v, value)?;
        row += 1;
    }
    row += 1;

    sh.label(row, "评分规则")?;
    row += 1;
    sh.header(row, 0, &["项目", "内容", "分值"])?;
    row += 1;
    let aw = &rules.awards;
    let mut lines: Vec<(String, String, V)> = vec![
        (
            "基础项".into(),
            "每条合格信息".into(),
            V::Int(rules.base.points_per_item),
        ),
        ("基础项".into(), "基础分上限".into(), V::Int(rules.base.cap)),
    ];
    for l in &rules.adoption {
        lines.push((
            "加分项".into(),
            format!("被{}采用", l.label),
            V::Int(l.points),
        ));
    }
    lines.push((
        "加分项".into(),
        "同一信息被多级采用".into(),
        V::text(match rules.multi_adoption {
            MultiAdoption::Sum => "各级累加计分",
            MultiAdoption::Highest => "只计最高一级",
        }),
    ));
    lines.push((
        "约稿任务".into(),
        "按时按质完成(截止日期前报送并被采用,或登记为按时按质完成)".into(),
        V::Int(rules.tasks.completed_points),
    ));
    lines.push((
        "约稿任务".into(),
        "未完成(截止日期已过,或登记为未完成)".into(),
        V::Int(-rules.tasks.failed_points),
    ));
    for d in &rules.deduction {
        lines.push((
            "扣分项".into(),
            format!("{}(每次)", d.label),
            V::Int(-d.points),
        ));
    }
    lines.push((
        aw.top_title.clone(),
        format!(
            "最终得分排名前 {} 名(同分并列均计入),且得分大于 {},且未被取消评先资格",
            aw.top_count, aw.top_min_final
        ),
        V::Blank,
    ));
    lines.push((
        aw.bottom_title.clone(),
        format!(
            "最终得分排名后 {} 名(同分并列均计入),评为先进的除外",
            aw.bottom_count
        ),
        V::Blank,
    ));
    lines.push((
        "取消评先资格".into(),
        format!(
            "全年未按时按质完成约稿任务 {} 次及以上",
            aw.ineligible_failed_tasks
        ),
        V::Blank,
    ));
    lines.push((
        "建议约谈".into(),
        format!(
            "1 月至统计截止月份,没有报送表的月份达 {} 个及以上",
            aw.interview_missing_months
        ),
        V::Blank,
    ));
    lines.push((
        "信息类别".into(),
        rules.categories.names.join("、"),
        V::Blank,
    ));
    lines.push((
        "须填约稿任务编号".into(),
        rules.categories.commissioned.join("、"),
        V::Blank,
    ));
    lines.push((
        "须经主要负责人审核".into(),
        rules.categories.leader_approval.join("、"),
        V::Blank,
    ));
    lines.push(("七(二)的理解".into(), READING_7_2.into(), V::Blank));
    for (k, what, v) in lines {
        sh.row(row, 0, &[V::Text(k), V::Text(what), v], Look::default())?;
        row += 1;
    }
    row += 1;

    sh.label(row, "输入文件")?;
    row += 1;
    sh.header(row, 0, &["序号", "文件", "处理结果", "说明", "SHA-256"])?;
    row += 1;
    for (n, f) in a.files.iter().enumerate() {
        let (what, detail) = file_outcome(f);
        sh.row(
            row,
            0,
            &[
                V::Int(n as i64 + 1),
                V::text(&f.display),
                V::text(what),
                V::Text(detail),
                V::text(&f.sha256),
            ],
            Look::default(),
        )?;
        row += 1;
    }
    sh.finish(0, (1, 0))?;
    Ok(ws)
}

// ---------------------------------------------------------------------------------------
// Sheet names

/// Sheet names for the sections: the section name with the characters Excel refuses
/// (`[]:*?/\`) replaced by full-width look-alikes, at most 31 characters, and unique
/// (case-insensitively, as Excel compares) among themselves and the `reserved` names.
pub fn section_sheet_names(sections: &[&str], reserved: &[&str]) -> Vec<String> {
    let mut taken: Vec<String> = reserved.iter().map(|s| s.to_lowercase()).collect();
    taken.push("history".into());
    let mut out = Vec::new();
    for s in sections {
        let clean: String = s
            .chars()
            .map(|c| match c {
                '[' => '【',
                ']' => '】',
                ':' => '\u{FF1A}',
                '*' => '\u{FF0A}',
                '?' => '\u{FF1F}',
                '/' => '\u{FF0F}',
                '\\' => '\u{FF3C}',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect();
        let clean = clean.trim().trim_matches('\'').trim().to_string();
        let base = if clean.is_empty() {
            "股室".to_string()
        } else {
            clean
        };
        let mut name = clip_utf16(&base, 31);
        let mut k = 2;
        while taken.contains(&name.to_lowercase()) {
            let suffix = format!("({k})");
            name = format!("{}{suffix}", clip_utf16(&base, 31 - suffix.len()));
            k += 1;
        }
        taken.push(name.to_lowercase());
        out.push(name);
    }
    out
}

/// The longest prefix of `s` that is at most `max` UTF-16 units (Excel counts those).
pub(crate) fn clip_utf16(s: &str, max: usize) -> String {
    let mut n = 0;
    s.chars()
        .take_while(|c| {
            n += c.len_utf16();
            n <= max
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The sheet-writing kit

/// A cell value as the workbook shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V {
    Text(String),
    Int(i64),
    Num(f64),
    Date(NaiveDate),
    /// A fraction shown as a percentage (1.0 = 100%).
    Pct(f64),
    /// A number shown to one decimal (shares of items and points).
    OneDecimal(f64),
    Blank,
}

impl V {
    pub(crate) fn text(s: &str) -> V {
        V::Text(s.to_string())
    }
}

/// How a cell looks beyond its value's own format.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Look {
    pub fill: Option<u32>,
    pub font: Option<u32>,
    pub bold: bool,
    pub center: bool,
    pub left: bool,
    pub wrap: bool,
}

impl Look {
    pub(crate) fn header() -> Look {
        Look {
            fill: Some(HEAD),
            bold: true,
            center: true,
            wrap: true,
            ..Look::default()
        }
    }
    pub(crate) fn total() -> Look {
        Look {
            fill: Some(TOTAL),
            bold: true,
            ..Look::default()
        }
    }
}

/// A worksheet being written: remembers how wide each column's content is and how each cell
/// looks, and applies the cell formats, widths, frozen panes and print setup at the end.
pub(crate) struct Sheet<'a> {
    pub ws: &'a mut Worksheet,
    measured: Vec<f64>,
    /// (min, max, wrap long text) per column.
    limits: Vec<(f64, f64, bool)>,
    /// Wrapped text cells: (row, column, where the widths of its lines are in
    /// `line_widths`), for the row heights.
    wrapped: Vec<(u32, u16, std::ops::Range<usize>)>,
    line_widths: Vec<f64>,
    /// Rows whose height was set explicitly (titles, notes).
    fixed_rows: Vec<u32>,
    /// Columns whose values are centred (ranks, sequence numbers, short codes).
    centred: Vec<u16>,
    /// Merged cells within a row: (row, first column, last column, text width).
    merged: Vec<(u32, u16, u16, f64)>,
    /// The formats of this sheet, each built once: what it is for, and the format.
    formats: Vec<(FormatKey, Format)>,
    /// The cells written through [`Sheet::put`], by column: (row, index into `formats`,
    /// whether the cell is blank). Their formats are applied in [`Sheet::finish`], one
    /// `set_range_format` per run of equal formats down a column: rust_xlsxwriter hashes the
    /// whole `Format` on every formatted write, which cost more than everything else.
    styled: Vec<Vec<(u32, u16, bool)>>,
}

/// What decides a cell's format: its value's kind, its look and whether it wraps.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FormatKey {
    kind: Kind,
    look: Look,
    wrap: bool,
}

/// The kinds of value that look different: plain (text, blank, a float), an integer, a
/// percentage, a date.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Plain,
    Int,
    Pct,
    OneDecimal,
    Date,
}

impl FormatKey {
    fn of(v: &V, look: Look, wrap: bool) -> FormatKey {
        let (kind, text) = match v {
            V::Text(_) | V::Blank => (Kind::Plain, true),
            V::Num(_) => (Kind::Plain, false),
            V::Int(_) => (Kind::Int, false),
            V::Pct(_) => (Kind::Pct, false),
            V::OneDecimal(_) => (Kind::OneDecimal, false),
            V::Date(_) => (Kind::Date, false),
        };
        FormatKey {
            kind,
            look,
            wrap: wrap && text,
        }
    }
}

/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;

impl<'a> Sheet<'a> {
    pub(crate) fn new(ws: &'a mut Worksheet) -> Sheet<'a> {
        Sheet {
            ws,
            measured: Vec::new(),
            limits: Vec::new(),
            wrapped: Vec::new(),
            line_widths: Vec::new(),
            fixed_rows: Vec::new(),
            centred: Vec::new(),
            merged: Vec::new(),
            formats: Vec::new(),
            styled: Vec::new(),
        }
    }

    /// The index of the format for `key`, built on first use.
    fn format_index(&mut self, key: FormatKey) -> u16 {
        if let Some(i) = self.formats.iter().position(|(k, _)| *k == key) {
            return i as u16;
        }
        self.formats.push((key, format_for(key)));
        self.formats.len() as u16 - 1
    }

    /// Remember a cell's format for [`Sheet::finish`].
    fn style(&mut self, row: u32, col: u16, key: FormatKey, blank: bool) {
        let f = self.format_index(key);
        let c = col as usize;
        if self.styled.len() <= c {
            self.styled.resize_with(c + 1, Vec::new);
        }
        self.styled[c].push((row, f, blank));
    }

    fn ensure(&mut self, col: u16) {
        let n = col as usize + 1;
        if self.measured.len() < n {
            self.measured.resize(n, 0.0);
            self.limits.resize(n, (6.0, 30.0, false));
        }
    }

    /// Column width bounds (in Excel character units) and whether long text wraps.
    pub(crate) fn limit(&mut self, col: u16, min: f64, max: f64, wrap: bool) {
        self.ensure(col);
        self.limits[col as usize] = (min, max, wrap);
    }

    /// Centre the values of these columns.
    pub(crate) fn centre(&mut self, cols: &[u16]) {
        self.centred.extend_from_slice(cols);
    }

    /// The sheet title across the first `last + 1` columns.
    pub(crate) fn title(&mut self, row: u32, text: &str, last: u16) -> R<()> {
        let f = Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Left)
            .set_align(FormatAlign::VerticalCenter);
        self.ws.set_row_height(row, 26)?;
        self.fixed_rows.push(row);
        if last == 0 {
            self.ws.write_string_with_format(row, 0, clip(text), &f)?;
        } else {
            self.ws.merge_range(row, 0, row, last, clip(text), &f)?;
        }
        Ok(())
    }

    /// A block label (bold, no border) in the first column.
    pub(crate) fn label(&mut self, row: u32, text: &str) -> R<()> {
        let f = Format::new().set_bold().set_font_size(12);
        self.ws.write_string_with_format(row, 0, clip(text), &f)?;
        Ok(())
    }

    /// An explanatory line across the first `last + 1` columns, wrapped.
    pub(crate) fn note(&mut self, row: u32, text: &str, last: u16) -> R<()> {
        let f = Format::new()
            .set_text_wrap()
            .set_font_color(Color::RGB(0x595959))
            .set_align(FormatAlign::Top);
        let lines = (text_units(text) / 150.0).ceil().max(1.0);
        self.ws.set_row_height(row, LINE_HEIGHT * lines + 3.0)?;
        self.fixed_rows.push(row);
        if last == 0 {
            self.ws.write_string_with_format(row, 0, clip(text), &f)?;
        } else {
            self.ws.merge_range(row, 0, row, last, clip(text), &f)?;
        }
        Ok(())
    }

    /// A header row starting at `first`.
    pub(crate) fn header(&mut self, row: u32, first: u16, labels: &[&str]) -> R<()> {
        for (i, l) in labels.iter().enumerate() {
            self.put_header(row, first + i as u16, l)?;
        }
        Ok(())
    }

    /// A header row with labels at given columns; the columns between get blank header cells.
    pub(crate) fn header_at(&mut self, row: u32, labels: &[(u16, String)]) -> R<()> {
        let last = labels.iter().map(|(c, _)| *c).max().unwrap_or(0);
        for c in 0..=last {
            match labels.iter().find(|(x, _)| *x == c) {
                Some((_, l)) => self.put_header(row, c, l)?,
                None => self.style(
                    row,
                    c,
                    FormatKey::of(&V::Blank, Look::header(), false),
                    true,
                ),
            }
        }
        Ok(())
    }

    fn put_header(&mut self, row: u32, col: u16, label: &str) -> R<()> {
        self.ensure(col);
        // Headers wrap, so a long label needs about half its width (never less than a word).
        let w = (text_units(label) / 2.0).clamp(4.0, 10.0) + 2.0;
        let m = &mut self.measured[col as usize];
        *m = m.max(w);
        self.wrap_widths(row, col, [text_units(label)]);
        self.put_value(row, col, &V::text(label), Look::header(), true)
    }

    /// A merged header cell. A merge within one row counts for that row's height.
    pub(crate) fn merge(
        &mut self,
        r0: u32,
        c0: u16,
        r1: u32,
        c1: u16,
        text: &str,
        look: Look,
    ) -> R<()> {
        if r0 == r1 {
            self.ensure(c1);
            self.merged.push((r0, c0, c1, text_units(text)));
        }
        let f = format_for(FormatKey::of(&V::text(text), look, true));
        self.ws.merge_range(r0, c0, r1, c1, clip(text), &f)?;
        Ok(())
    }

    /// A row of values starting at `first`.
    pub(crate) fn row(&mut self, row: u32, first: u16, vals: &[V], look: Look) -> R<()> {
        for (i, v) in vals.iter().enumerate() {
            self.put(row, first + i as u16, v, look)?;
        }
        Ok(())
    }

    /// One cell, counted for the column's width.
    pub(crate) fn put(&mut self, row: u32, col: u16, v: &V, look: Look) -> R<()> {
        let width = match self.put_cell(row, col, v, look)? {
            Some(w) => w,
            None => measure(v),
        };
        let m = &mut self.measured[col as usize];
        *m = m.max(width);
        Ok(())
    }

    /// One cell that may overflow into its empty neighbours (not counted for the width).
    pub(crate) fn put_unmeasured(&mut self, row: u32, col: u16, v: &V, look: Look) -> R<()> {
        self.put_cell(row, col, v, look).map(|_| ())
    }

    /// One cell; for wrapped text, returns its width as [`measure`] does (from the widths of
    /// its lines, measured once).
    fn put_cell(&mut self, row: u32, col: u16, v: &V, look: Look) -> R<Option<f64>> {
        self.ensure(col);
        let wrap = look.wrap || self.limits[col as usize].2;
        let look = Look {
            center: look.center || self.centred.contains(&col),
            ..look
        };
        let width = match (wrap, v) {
            (true, V::Text(t)) => Some(self.wrap_lines(row, col, t)),
            _ => None,
        };
        self.put_value(row, col, v, look, wrap)?;
        Ok(width)
    }

    /// Remember the widths of the lines of a wrapped text cell; returns the widest.
    fn wrap_lines(&mut self, row: u32, col: u16, text: &str) -> f64 {
        self.wrap_widths(row, col, text.lines().map(text_units))
    }

    /// Remember the line widths of a wrapped cell; returns the widest.
    fn wrap_widths(&mut self, row: u32, col: u16, widths: impl IntoIterator<Item = f64>) -> f64 {
        let start = self.line_widths.len();
        self.line_widths.extend(widths);
        self.wrapped.push((row, col, start..self.line_widths.len()));
        self.line_widths[start..]
            .iter()
            .copied()
            .fold(0.0, f64::max)
    }

    /// Write a value without a format and remember its format for [`Sheet::finish`].
    fn put_value(&mut self, row: u32, col: u16, v: &V, look: Look, wrap: bool) -> R<()> {
        let blank = match v {
            V::Text(s) if s.is_empty() => true,
            // Always a string, never a formula, whatever the text starts with.
            V::Text(s) => {
                self.ws.write_string(row, col, clip(s))?;
                false
            }
            V::Int(n) => {
                self.ws.write_number(row, col, *n as f64)?;
                false
            }
            V::Num(x) | V::Pct(x) | V::OneDecimal(x) => {
                self.ws.write_number(row, col, *x)?;
                false
            }
            V::Date(d) => {
                match excel_date(*d) {
                    Some(dt) => self.ws.write_datetime(row, col, dt)?,
                    None => self
                        .ws
                        .write_string(row, col, d.format("%Y-%m-%d").to_string())?,
                };
                false
            }
            V::Blank => true,
        };
        self.style(row, col, FormatKey::of(v, look, wrap), blank);
        Ok(())
    }

    /// Apply the remembered cell formats: one `set_range_format` per run of equal formats down
    /// a column. A cell written twice keeps its last format (and becomes blank again if last
    /// written blank).
    ///
    /// Of a blank cell's format, only two things show: the grid border (every format here has
    /// it) and a fill. So blank cells without a fill are not written at all; one conditional
    /// format that is always true draws the grid border over every rectangle of formatted
    /// cells (the written ones already have that border: nothing changes for them). A blank
    /// cell cost as much as any other to store and pack, and a section's item rows are
    /// two-fifths blank (no task, no adoption at a level). The blank cells at the edges are
    /// still written, so the sheet's used range (and so its print area) is what it was.
    fn apply_formats(&mut self) -> R<()> {
        let formats = std::mem::take(&mut self.formats);
        let styled = std::mem::take(&mut self.styled);
        // The blank cells with the least and greatest row and column: (row, col, format).
        let mut edges: [Option<(u32, u16, u16)>; 4] = [None; 4];
        // Per column, the cells that end formatted, in row order: (row, format, whether it is
        // a blank cell that shows nothing but the grid).
        let mut columns: Vec<Vec<(u32, u16, bool)>> = Vec::with_capacity(styled.len());
        for (c, mut writes) in styled.into_iter().enumerate() {
            let col = c as u16;
            // Stable: of two writes to one cell the later stays later.
            writes.sort_by_key(|x| x.0);
            let mut cells = Vec::with_capacity(writes.len());
            for (k, &(r, f, blank)) in writes.iter().enumerate() {
                if writes.get(k + 1).is_some_and(|x| x.0 == r) {
                    continue; // written again later
                }
                if !blank {
                    cells.push((r, f, false));
                    continue;
                }
                let overwritten = writes[..k]
                    .iter()
                    .rev()
                    .take_while(|x| x.0 == r)
                    .any(|x| !x.2);
                let format = &formats[f as usize];
                if overwritten {
                    // A value overwritten by a blank.
                    self.ws.write_blank(r, col, &format.1)?;
                }
                cells.push((r, f, !overwritten && format.0.look.fill.is_none()));
                let cell = Some((r, col, f));
                if edges[0].is_none_or(|x| r < x.0) {
                    edges[0] = cell;
                }
                if edges[1].is_none_or(|x| r > x.0) {
                    edges[1] = cell;
                }
                if edges[2].is_none_or(|x| col < x.1) {
                    edges[2] = cell;
                }
                if edges[3].is_none_or(|x| col > x.1) {
                    edges[3] = cell;
                }
            }
            columns.push(cells);
        }
        // set_range_format leaves the used range alone; a blank cell written by hand widens it.
        for (r, c, f) in edges.into_iter().flatten() {
            self.ws.write_blank(r, c, &formats[f as usize].1)?;
        }
        let edge = |r: u32, c: usize| edges.iter().flatten().any(|e| (e.0, e.1) == (r, c as u16));
        let unwritten = columns.iter().enumerate().any(|(c, cells)| {
            cells
                .iter()
                .any(|&(r, _, grid_only)| grid_only && !edge(r, c))
        });
        let grid = unwritten && self.grid_border(&columns)?;
        for (c, cells) in columns.iter().enumerate() {
            let mut i = 0;
            while i < cells.len() {
                let (r0, f, grid_only) = cells[i];
                let mut j = i + 1;
                while j < cells.len() && cells[j] == (cells[j - 1].0 + 1, f, grid_only) {
                    j += 1;
                }
                if !(grid && grid_only) {
                    let r1 = cells[j - 1].0;
                    self.ws
                        .set_range_format(r0, c as u16, r1, c as u16, &formats[f as usize].1)?;
                }
                i = j;
            }
        }
        Ok(())
    }

    /// Draws the grid border over the formatted cells (`columns`: per column, their rows in
    /// order), where that takes at most [`GRID_RANGES`] rectangles: each column's runs of
    /// consecutive rows, neighbouring columns with the same runs joined. Whether it was drawn.
    fn grid_border(&mut self, columns: &[Vec<(u32, u16, bool)>]) -> R<bool> {
        let runs: Vec<Vec<(u32, u32)>> = columns
            .iter()
            .map(|cells| {
                let mut runs: Vec<(u32, u32)> = Vec::new();
                for &(r, _, _) in cells {
                    match runs.last_mut() {
                        Some((_, last)) if *last + 1 == r => *last = r,
                        _ => runs.push((r, r)),
                    }
                }
                runs
            })
            .collect();
        let mut ranges: Vec<(u32, u16, u32, u16)> = Vec::new();
        let mut c = 0;
        while c < runs.len() {
            let mut e = c + 1;
            while e < runs.len() && runs[e] == runs[c] {
                e += 1;
            }
            for &(r0, r1) in &runs[c] {
                ranges.push((r0, c as u16, r1, (e - 1) as u16));
            }
            c = e;
        }
        // Neighbouring rectangles over the same rows are one.
        ranges.sort_unstable_by_key(|&(r0, c0, r1, _)| (r0, r1, c0));
        ranges.dedup_by(|next, prev| {
            let joins = (next.0, next.2) == (prev.0, prev.2) && next.1 == prev.3 + 1;
            if joins {
                prev.3 = next.3;
            }
            joins
        });
        let Some(&(r0, c0, r1, c1)) = ranges.first() else {
            return Ok(false);
        };
        if ranges.len() > GRID_RANGES {
            return Ok(false);
        }
        let sqref: Vec<String> = ranges
            .iter()
            .map(|&(r0, c0, r1, c1)| rust_xlsxwriter::utility::cell_range(r0, c0, r1, c1))
            .collect();
        let grid = ConditionalFormatFormula::new()
            .set_rule("TRUE")
            .set_format(grid_format())
            .set_multi_range(sqref.join(" "));
        self.ws.add_conditional_format(r0, c0, r1, c1, &grid)?;
        Ok(true)
    }

    /// Column widths, frozen panes and the print setup: A4 landscape, one page wide, rows
    /// `0..=header_last` repeated on every page, page numbers in the footer.
    /// Rows holding wrapped text get the height their longest cell needs: neither Excel nor
    /// LibreOffice grows a row for wrapped text on opening a file.
    pub(crate) fn finish(mut self, header_last: u32, freeze: (u32, u16)) -> R<()> {
        self.apply_formats()?;
        let widths: Vec<f64> = self
            .measured
            .iter()
            .zip(&self.limits)
            .map(|(m, (min, max, _))| (m + 1.5).clamp(*min, *max))
            .collect();
        for (c, w) in widths.iter().enumerate() {
            self.ws.set_column_width(c as u16, *w)?;
        }
        let mut lines: std::collections::BTreeMap<u32, f64> = std::collections::BTreeMap::new();
        for (row, col, parts) in &self.wrapped {
            let parts = &self.line_widths[parts.clone()];
            let usable = (widths[*col as usize] - 1.0).max(1.0);
            // A hair of slack: text that exactly fills the column stays on one line.
            let n: f64 = parts
                .iter()
                .map(|w| (w / usable - 0.05).ceil().max(1.0))
                .sum();
            let e = lines.entry(*row).or_insert(1.0);
            *e = e.max(n);
        }
        for (row, c0, c1, w) in &self.merged {
            let usable: f64 = widths[*c0 as usize..=*c1 as usize].iter().sum::<f64>() - 1.0;
            let e = lines.entry(*row).or_insert(1.0);
            *e = e.max((w / usable.max(1.0) - 0.05).ceil());
        }
        for (row, n) in lines {
            if n > 1.0 && !self.fixed_rows.contains(&row) {
                self.ws.set_row_height(row, LINE_HEIGHT * n + 3.0)?;
            }
        }
        if freeze != (0, 0) {
            self.ws.set_freeze_panes(freeze.0, freeze.1)?;
        }
        self.ws
            .set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0)
            .set_print_center_horizontally(true)
            .set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3)
            .set_footer("&C第 &P 页,共 &N 页");
        self.ws.set_repeat_rows(0, header_last)?;
        Ok(())
    }
}

/// Points per line of 11-point text (Excel's default row is 15).
const LINE_HEIGHT: f64 = 14.5;

/// The width of text in Excel character units (the default font's digit width): a CJK or
/// full-width character takes a little over two, a letter or digit one, other characters a
/// little more. Excel's own autofit counts every character as one, which leaves Chinese columns
/// half as wide as they need.
pub(crate) fn text_units(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            if super::terminal::is_wide(c) {
                2.1
            } else if c.is_ascii_alphanumeric() {
                1.0
            } else {
                1.1
            }
        })
        .sum()
}

/// The display width of a value, in Excel character units.
fn measure(v: &V) -> f64 {
    match v {
        V::Text(s) => s.lines().map(text_units).fold(0.0, f64::max),
        V::Int(n) => n.to_string().len() as f64,
        V::Num(x) => x.to_string().len() as f64,
        V::Date(_) => 10.0,
        V::Pct(_) => 7.0,
        V::OneDecimal(x) => format!("{x:.1}").len() as f64,
        V::Blank => 0.0,
    }
}

/// The border of every formatted cell (and the grid drawn over blank ones).
fn grid_format() -> Format {
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(GRID))
}

/// The colour of the grid border.
const GRID: u32 = 0xA6A6A6;

/// The most rectangles one sheet's grid is drawn over (a results sheet has a few, one per
/// table); a sheet whose formatted cells are more ragged than that keeps its blank cells.
const GRID_RANGES: usize = 256;

/// The cell format for a value with a look: thin grey borders, vertically centred.
fn format_for(key: FormatKey) -> Format {
    let FormatKey { kind, look, wrap } = key;
    let mut f = grid_format().set_align(FormatAlign::VerticalCenter);
    f = match kind {
        Kind::Int => f.set_num_format("0"),
        Kind::Pct => f.set_num_format("0.0%"),
        Kind::OneDecimal => f.set_num_format("0.0"),
        Kind::Date => f
            .set_num_format("yyyy-mm-dd")
            .set_align(FormatAlign::Center),
        Kind::Plain => f,
    };
    if look.center {
        f = f.set_align(FormatAlign::Center);
    } else if look.left {
        f = f.set_align(FormatAlign::Left);
    }
    if wrap {
        f = f.set_text_wrap();
    }
    if let Some(c) = look.fill {
        f = f.set_background_color(Color::RGB(c));
    }
    if let Some(c) = look.font {
        f = f.set_font_color(Color::RGB(c));
    }
    if look.bold {
        f = f.set_bold();
    }
    f
}

/// A date as Excel's, when Excel can hold it (years 1900–9999).
pub(crate) fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let y = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok()
}

/// Text cut to Excel's cell limit (a longer value would make the whole workbook fail).
pub(crate) fn clip(s: &str) -> &str {
    if s.len() <= MAX_CELL_CHARS {
        return s;
    }
    let mut n = 0;
    let end = s
        .char_indices()
        .find(|(_, c)| {
            n += c.len_utf16();
            n > MAX_CELL_CHARS
        })
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_sheet_names_are_valid_and_unique() {
        let long = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三";
        let names = section_sheet_names(
            &[
                "办公室",
                "综合[1]/股:*?",
                long,
                long,
                "考核排名",
                "'引号'",
                "History",
            ],
            &FIXED_SHEETS,
        );
        assert_eq!(names[0], "办公室");
        assert_eq!(names[1], "综合【1】\u{FF0F}股\u{FF1A}\u{FF0A}\u{FF1F}");
        assert_eq!(names[2].chars().count(), 31);
        assert_ne!(names[2], names[3]);
        assert!(names[3].ends_with("(2)") && names[3].encode_utf16().count() <= 31);
        assert_eq!(names[4], "考核排名(2)");
        assert_eq!(names[5], "引号");
        assert_eq!(names[6], "History(2)");
    }

    /// A one-sheet workbook filled through a [`Sheet`] (rows up to `header_last` repeated on
    /// print): the sheet's XML and the styles' XML.
    fn one_sheet(header_last: u32, fill: impl FnOnce(&mut Sheet<'_>)) -> (String, String) {
        use std::io::Read;
        let mut wb = Workbook::new();
        let mut ws = Worksheet::new();
        let mut sh = Sheet::new(&mut ws);
        fill(&mut sh);
        sh.finish(header_last, (0, 0)).unwrap();
        wb.push_worksheet(ws);
        let bytes = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut part = |name: &str| {
            let mut xml = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
            xml
        };
        (part("xl/worksheets/sheet1.xml"), part("xl/styles.xml"))
    }

    /// Cell formats are applied at the end, in runs; what must hold is what writing each cell
    /// with its format gave: a value overwritten by a blank is gone, blank cells that show a
    /// fill are written, and blank cells at the edges still count for the sheet's used range.
    #[test]
    fn formats_applied_at_the_end_keep_blanks_and_the_used_range() {
        let (xml, _) = one_sheet(0, |sh| {
            sh.put(1, 1, &V::text("a"), Look::default()).unwrap();
            sh.put(2, 1, &V::Int(5), Look::default()).unwrap();
            sh.put(2, 1, &V::Blank, Look::total()).unwrap();
            sh.put(3, 0, &V::Blank, Look::default()).unwrap();
            sh.put(1, 4, &V::text(""), Look::header()).unwrap();
        });
        let style = |cell: &str| {
            let at = xml
                .find(&format!(r#"<c r="{cell}" s=""#))
                .unwrap_or_else(|| panic!("{cell} not written: {xml}"));
            let rest = &xml[at + format!(r#"<c r="{cell}" s=""#).len()..];
            rest[..rest.find('"').unwrap()].to_string()
        };
        assert!(xml.contains(r#"<dimension ref="A2:E4"/>"#), "{xml}");
        // B2 and A4 look alike (plain text, plain blank); B3 has the total's fill; E2 the
        // header's
        assert!(xml.contains(r#"<c r="B2" s=""#) && xml.contains(r#"t="s"><v>0</v>"#));
        assert_eq!(style("B2"), style("A4"));
        assert!(
            xml.contains(&format!(r#"<c r="B3" s="{}"/>"#, style("B3"))),
            "{xml}"
        );
        assert_ne!(style("B3"), style("B2"));
        assert!(
            xml.contains(&format!(r#"<c r="E2" s="{}"/>"#, style("E2"))),
            "{xml}"
        );
        assert_ne!(style("E2"), style("B3"));
        // every blank cell is written: no grid to draw
        assert!(!xml.contains("conditionalFormatting"), "{xml}");
    }

    /// A blank cell without a fill is not written; the grid border still shows on it, drawn
    /// by an always-true conditional format over the rectangles of formatted cells.
    #[test]
    fn plain_blank_cells_get_the_grid_from_a_conditional_format() {
        let (xml, styles) = one_sheet(1, |sh| {
            // a 3 × 3 table under a header, its centre and right column blank, and a second
            // block of one column further down
            sh.header(1, 0, &["甲", "乙", "丙"]).unwrap();
            for r in 2..5 {
                sh.put(r, 0, &V::Int(r.into()), Look::default()).unwrap();
                let centre = if r == 3 { V::Blank } else { V::text("x") };
                sh.put(r, 1, &centre, Look::default()).unwrap();
                sh.put(r, 2, &V::Blank, Look::default()).unwrap();
            }
            sh.put(7, 0, &V::text("y"), Look::default()).unwrap();
        });
        // the blank cells with the least and greatest row and column are written (the used
        // range), the one in between is not
        for edge in ["B4", "C3", "C5"] {
            assert!(
                xml.contains(&format!(r#"<c r="{edge}" s=""#)),
                "{edge}: {xml}"
            );
        }
        assert!(
            !xml.contains(r#"<c r="C4""#),
            "interior blank written: {xml}"
        );
        assert!(xml.contains(r#"<dimension ref="A2:C8"/>"#), "{xml}");
        assert!(
            xml.contains(r#"<conditionalFormatting sqref="A2:C5 A8">"#),
            "{xml}"
        );
        assert!(xml.contains("<formula>TRUE</formula>"), "{xml}");
        let dxf = &styles[styles.find("<dxfs").expect("a differential format")..];
        for side in ["left", "right", "top", "bottom"] {
            assert!(
                dxf.contains(&format!(r#"<{side} style="thin"><color rgb="FFA6A6A6"/>"#)),
                "{side}: {dxf}"
            );
        }
    }

    /// Formatted cells too scattered for a few rectangles keep their blank cells: no
    /// conditional format with thousands of ranges.
    #[test]
    fn a_ragged_grid_keeps_its_blank_cells() {
        let (xml, _) = one_sheet(0, |sh| {
            // a checkerboard: every formatted run is one cell long
            for r in 0..40u32 {
                for c in 0..40u16 {
                    if (r + u32::from(c)) % 2 == 0 {
                        sh.put(r, c, &V::text("x"), Look::default()).unwrap();
                    }
                }
            }
            sh.put(11, 12, &V::Blank, Look::default()).unwrap();
            sh.put(21, 20, &V::Blank, Look::default()).unwrap();
            sh.put(31, 30, &V::Blank, Look::default()).unwrap();
        });
        assert!(!xml.contains("conditionalFormatting"), "{xml}");
        assert!(
            xml.contains(r#"<c r="U22" s=""#),
            "the middle blank cell: {xml}"
        );
    }

    /// Nothing is blank without a fill: no conditional format.
    #[test]
    fn a_sheet_without_plain_blanks_has_no_conditional_format() {
        let (xml, _) = one_sheet(0, |sh| {
            sh.header(0, 0, &["甲", "乙"]).unwrap();
            sh.row(1, 0, &[V::Int(1), V::text("x")], Look::default())
                .unwrap();
            sh.row(2, 0, &[V::Blank, V::Blank], Look::total()).unwrap();
        });
        assert!(!xml.contains("conditionalFormatting"), "{xml}");
        assert!(xml.contains(r#"<c r="A3" s=""#) && xml.contains(r#"<c r="B3" s=""#));
    }

    #[test]
    fn long_text_is_clipped_to_the_cell_limit() {
        let s = "字".repeat(40_000);
        assert_eq!(clip(&s).chars().count(), MAX_CELL_CHARS);
        assert_eq!(clip("短"), "短");
    }
}
