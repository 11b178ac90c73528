//! Where the figures of `tests/fixtures/samples-golden.tsv` come from: this test derives every
//! cell of it from first principles and compares, cell by cell.
//!
//! It reads no workbook and calls none of zwxx's reading, validation, merge, adoption or scoring
//! code. Its input is what the generator (`examples/make_samples.rs`) holds in memory before it
//! writes a byte: each section's rows as it means them, the files it puts them in (and which
//! adoption flags each file shows), the register's tasks, deductions and 采用记录. Its rules are
//! the numbers and labels of `templates/rules.toml` (the default rules zwxx embeds), read here
//! with the `toml` crate. The scorer below is SPEC "Scoring", "Adoption record" and "Merge",
//! written out plainly for this one year; where SPEC leaves a choice open, the comment says
//! which reading is taken.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use crate::samples::make_samples as generator;
use generator::{DateCell, Printed, Row, TaskRow};

/// The golden file's header line.
const COLUMNS: [&str; 10] = [
    "名次",
    "股室",
    "合格信息条数",
    "基础分",
    "加分",
    "约稿任务",
    "扣分",
    "最终得分",
    "评定",
    "备注",
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The golden file is the year-end standing (as-of 2019-12-31).
fn as_of() -> NaiveDate {
    day(generator::YEAR, 12, 31)
}

// ---- The default rules, from templates/rules.toml ----

struct Rules {
    per_item: i64,
    cap: i64,
    categories: Vec<String>,
    /// Points per adoption level, in the rules' order (the generator's P, Z, S index it).
    adoption: Vec<i64>,
    task_done: i64,
    task_failed: i64,
    deductions: HashMap<String, i64>,
    top_count: usize,
    top_title: String,
    top_min_final: i64,
    bottom_count: usize,
    bottom_title: String,
    ineligible_failed: usize,
    interview_months: usize,
}

fn rules() -> Rules {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/rules.toml");
    let t: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
    assert_eq!(
        t["multi_adoption"].as_str(),
        Some("sum"),
        "this scorer sums levels"
    );
    let int = |table: &str, key: &str| t[table][key].as_integer().unwrap();
    let text = |table: &str, key: &str| t[table][key].as_str().unwrap().to_string();
    let list = |key: &str| {
        t[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_table().unwrap())
    };
    Rules {
        per_item: int("base", "points_per_item"),
        cap: int("base", "cap"),
        categories: t["categories"]["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect(),
        adoption: list("adoption")
            .map(|a| a["points"].as_integer().unwrap())
            .collect(),
        task_done: int("tasks", "completed_points"),
        task_failed: int("tasks", "failed_points"),
        deductions: list("deduction")
            .map(|d| {
                let label = d["label"].as_str().unwrap().to_string();
                (label, d["points"].as_integer().unwrap())
            })
            .collect(),
        top_count: int("awards", "top_count") as usize,
        top_title: text("awards", "top_title"),
        top_min_final: int("awards", "top_min_final"),
        bottom_count: int("awards", "bottom_count") as usize,
        bottom_title: text("awards", "bottom_title"),
        ineligible_failed: int("awards", "ineligible_failed_tasks") as usize,
        interview_months: int("awards", "interview_missing_months") as usize,
    }
}

// ---- Rows: which count (SPEC Validation, row errors; Scoring 1) ----

/// A 报送日期 cell as SPEC reads it: a real date, or text in one of its five shapes
/// (`2019-03-05`, `2019/3/5`, `2019.3.5`, `2019年3月5日`, `20190305`).
fn read_date(cell: &DateCell) -> Option<NaiveDate> {
    let text = match cell {
        DateCell::Real(d) => return Some(*d),
        DateCell::Text(t) => t.trim(),
    };
    let unified = if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..])
    } else {
        text.replace(['年', '月', '/', '.'], "-").replace('日', "")
    };
    let parts: Vec<&str> = unified.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// The row's 报送日期 when the row qualifies: no row error (required values present, a date in
/// the year, a category of the rules, a registered task id, a readable 信息员审核) and not
/// refused by the officer (`不通过`); dated on or before the as-of date.
fn qualifying_date(r: &Row, rules: &Rules) -> Option<NaiveDate> {
    let required = [&r.title, &r.category, &r.author, &r.reviewer];
    if required.iter().any(|v| v.trim().is_empty()) {
        return None;
    }
    let date = read_date(&r.date)?;
    let in_year = date.year() == generator::YEAR && date <= as_of();
    let category = rules.categories.contains(&r.category);
    let task = r.task.is_empty() || generator::TASKS.iter().any(|t| t.0 == r.task);
    let passed = r.officer_check.is_empty() || r.officer_check == "通过";
    (in_year && category && task && passed).then_some(date)
}

// ---- Merge (SPEC Merge): one version of each item, from the latest 报送月份 ----

#[derive(Debug, Clone)]
struct Item {
    section: &'static str,
    title: String,
    date: NaiveDate,
    task: String,
    /// Adoption levels (indices into the rules' levels).
    levels: BTreeSet<usize>,
}

/// A title as the merge compares it: trimmed, full-width forms folded to half-width, runs of
/// white space as one space.
fn fold(title: &str) -> String {
    let half: String = title
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            _ => c,
        })
        .collect();
    half.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every qualifying item of the year, de-duplicated by (section, folded title, date): the
/// version in the file of the latest 报送月份 wins, with the adoption flags that file shows.
/// Files of another year are file errors and count nothing.
fn merged_items(files: &[generator::SectionFile], rules: &Rules) -> Vec<Item> {
    let mut latest: BTreeMap<(&str, String, NaiveDate), (u32, Item)> = BTreeMap::new();
    for f in files.iter().filter(|f| f.year == generator::YEAR) {
        for r in &f.rows {
            let Some(date) = qualifying_date(r, rules) else {
                continue;
            };
            let shown = f.shows_adoption(r);
            let item = Item {
                section: f.section,
                title: r.title.clone(),
                date,
                task: r.task.clone(),
                levels: r.levels.iter().copied().filter(|_| shown).collect(),
            };
            let key = (f.section, fold(&r.title), date);
            if latest.get(&key).is_none_or(|(month, _)| f.month >= *month) {
                latest.insert(key, (f.month, item));
            }
        }
    }
    latest.into_values().map(|(_, item)| item).collect()
}

// ---- The 采用记录 (SPEC Adoption record) ----

/// Character-bigram Dice similarity of two folded titles (bigrams counted with multiplicity).
fn dice(a: &str, b: &str) -> f64 {
    let bigrams = |s: &str| {
        let c: Vec<char> = fold(s).chars().collect();
        let mut m: HashMap<(char, char), i32> = HashMap::new();
        for w in c.windows(2) {
            *m.entry((w[0], w[1])).or_default() += 1;
        }
        m
    };
    let (x, y) = (bigrams(a), bigrams(b));
    let shared: i32 = x
        .iter()
        .map(|(k, n)| (*n).min(y.get(k).copied().unwrap_or(0)))
        .sum();
    let total: i32 = x.values().sum::<i32>() + y.values().sum::<i32>();
    if total == 0 {
        0.0
    } else {
        f64::from(2 * shared) / f64::from(total)
    }
}

/// The one item a record row names: among the items its 股室 (when given) and 采用日期 allow
/// (this test reads "the 采用日期 narrows" as: the item was sent on or before it), the one
/// whose folded title is equal; failing that, the most similar title, at least 0.6 and at least
/// 0.05 above the next. None when nothing (or several equally) match.
fn record_match(p: &Printed, items: &[Item]) -> Option<usize> {
    let allowed: Vec<usize> = (0..items.len())
        .filter(|&i| p.section.is_empty() || items[i].section == p.section)
        .filter(|&i| items[i].date <= p.date)
        .collect();
    let equal: Vec<usize> = allowed
        .iter()
        .copied()
        .filter(|&i| fold(&items[i].title) == fold(&p.title))
        .collect();
    if !equal.is_empty() {
        return (equal.len() == 1).then(|| equal[0]);
    }
    let mut scored: Vec<(f64, usize)> = allowed
        .iter()
        .map(|&i| (dice(&items[i].title, &p.title), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (best, i) = *scored.first()?;
    let next = scored.get(1).map_or(0.0, |s| s.0);
    (best >= 0.6 && best - next >= 0.05).then_some(i)
}

/// The record decides every adoption at the levels it lists: those levels are cleared from
/// every item, then each record row credits the item it matches. Other levels stay as declared.
fn apply_record(items: &mut [Item], record: &[Printed]) {
    let listed: BTreeSet<usize> = record.iter().map(|p| p.level).collect();
    let matches: Vec<(usize, usize)> = record
        .iter()
        .filter_map(|p| record_match(p, items).map(|i| (i, p.level)))
        .collect();
    for item in items.iter_mut() {
        item.levels.retain(|l| !listed.contains(l));
    }
    for (i, level) in matches {
        items[i].levels.insert(level);
    }
}

// ---- One section's figures (SPEC Scoring 1–6) ----

#[derive(Debug)]
struct Figures {
    name: &'static str,
    qualifying: i64,
    base: i64,
    bonus: i64,
    tasks: i64,
    deductions: i64,
    /// Ids of the tasks failed.
    failed: Vec<&'static str>,
    /// Months (1 to the as-of month) with no workbook of that 报送月份 and of the year.
    missing: Vec<u32>,
    adopted: bool,
}

impl Figures {
    fn final_score(&self) -> i64 {
        self.base + self.bonus + self.tasks - self.deductions
    }
}

/// A task's points (and whether it failed): not issued by the as-of date → 0; 完成情况
/// `按时按质完成`, or blank and a qualifying item of its section names it, is dated by its
/// deadline and adopted → +15; `未完成`, or its deadline passed (the as-of day counts) → −15.
fn task_outcome(t: &TaskRow, items: &[Item], rules: &Rules) -> (i64, bool) {
    let &(id, section, _, _, issued, due, status) = t;
    let (issued, due) = (
        day(generator::YEAR, issued.0, issued.1),
        day(generator::YEAR, due.0, due.1),
    );
    if issued > as_of() {
        return (0, false);
    }
    let done = match status {
        "按时按质完成" => true,
        "未完成" => false,
        "" => items
            .iter()
            .any(|i| i.section == section && i.task == id && i.date <= due && !i.levels.is_empty()),
        other => panic!("task {id}: the generator writes 完成情况 {other}, not read here"),
    };
    match done {
        true => (rules.task_done, false),
        false if status == "未完成" || due <= as_of() => (-rules.task_failed, true),
        false => (0, false),
    }
}

fn figures(
    name: &'static str,
    items: &[Item],
    months_sent: &BTreeSet<u32>,
    rules: &Rules,
) -> Figures {
    let own: Vec<&Item> = items.iter().filter(|i| i.section == name).collect();
    let qualifying = own.len() as i64;
    let bonus = own
        .iter()
        .flat_map(|i| &i.levels)
        .map(|&l| rules.adoption[l])
        .sum();
    let (mut tasks, mut failed) = (0, Vec::new());
    for t in generator::TASKS.iter().filter(|t| t.1 == name) {
        let (points, fail) = task_outcome(t, items, rules);
        tasks += points;
        if fail {
            failed.push(t.0);
        }
    }
    let deductions = generator::DEDUCTIONS
        .iter()
        .filter(|d| d.0 == name)
        .filter(|d| day(generator::YEAR, d.1.0, d.1.1) <= as_of())
        .map(|d| rules.deductions[d.2] * i64::from(d.3))
        .sum();
    Figures {
        name,
        qualifying,
        base: (qualifying * rules.per_item).min(rules.cap),
        bonus,
        tasks,
        deductions,
        failed,
        missing: (1..=as_of().month())
            .filter(|m| !months_sent.contains(m))
            .collect(),
        adopted: own.iter().any(|i| !i.levels.is_empty()),
    }
}

/// Every section of the roster, in roster order.
fn all_figures(rules: &Rules) -> Vec<Figures> {
    let year = generator::year_rows();
    let files: Vec<generator::SectionFile> = generator::section_files(&year)
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    let mut items = merged_items(&files, rules);
    apply_record(&mut items, &generator::adoption_record(&year));
    generator::PLANS
        .iter()
        .map(|plan| {
            let sent: BTreeSet<u32> = files
                .iter()
                .filter(|f| f.section == plan.name && f.year == generator::YEAR)
                .map(|f| f.month)
                .collect();
            figures(plan.name, &items, &sent, rules)
        })
        .collect()
}

// ---- Ranking, awards and remarks (SPEC Scoring 7–8) ----

/// `2月、7至8月、11月`: runs of consecutive months.
fn month_ranges(months: &[u32]) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &m in months {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == m => run.1 = m,
            _ => runs.push((m, m)),
        }
    }
    let words: Vec<String> = runs
        .iter()
        .map(|&(a, b)| {
            if a == b {
                format!("{a}月")
            } else {
                format!("{a}至{b}月")
            }
        })
        .collect();
    words.join("、")
}

fn remarks(f: &Figures, tied: bool, rules: &Rules) -> String {
    let mut parts = Vec::new();
    if tied {
        parts.push("并列".to_string());
    }
    if f.failed.len() >= rules.ineligible_failed {
        parts.push(format!(
            "取消评先资格：约稿任务 {} 未按时按质完成",
            f.failed.join("、")
        ));
    }
    if f.missing.len() >= rules.interview_months {
        parts.push(format!("建议约谈：{}未报送", month_ranges(&f.missing)));
    }
    if !f.adopted {
        parts.push("无采用信息".to_string());
    }
    parts.join("；")
}

/// 评定: awarded when eligible, above the minimum, and fewer than N eligible sections score
/// strictly more; else criticised when fewer than N sections score strictly less.
fn verdict(f: &Figures, all: &[Figures], rules: &Rules) -> String {
    let eligible = |g: &Figures| g.failed.len() < rules.ineligible_failed;
    let score = f.final_score();
    let above = all
        .iter()
        .filter(|g| eligible(g) && g.final_score() > score)
        .count();
    let below = all.iter().filter(|g| g.final_score() < score).count();
    if eligible(f) && score > rules.top_min_final && above < rules.top_count {
        rules.top_title.clone()
    } else if below < rules.bottom_count {
        rules.bottom_title.clone()
    } else {
        String::new()
    }
}

/// The ranking table, in the golden file's shape: by final score, descending; ties share the
/// rank and keep roster order.
fn derived_table() -> Vec<Vec<String>> {
    let rules = rules();
    let mut all = all_figures(&rules);
    all.sort_by_key(|f| std::cmp::Reverse(f.final_score()));
    all.iter()
        .map(|f| {
            let score = f.final_score();
            let rank = 1 + all.iter().filter(|g| g.final_score() > score).count();
            let tied = all.iter().filter(|g| g.final_score() == score).count() > 1;
            let figures = [f.qualifying, f.base, f.bonus, f.tasks, f.deductions, score];
            let mut line = vec![rank.to_string(), f.name.to_string()];
            line.extend(figures.iter().map(i64::to_string));
            line.push(verdict(f, &all, &rules));
            line.push(remarks(f, tied, &rules));
            line
        })
        .collect()
}

/// The golden file's table lines (comments dropped), each with its line number.
fn golden_lines() -> Vec<(usize, Vec<String>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/samples-golden.tsv");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.split('\t').map(str::to_string).collect()))
        .collect()
}

#[test]
fn golden_figures_follow_from_first_principles() {
    let golden = golden_lines();
    let (_, header) = &golden[0];
    assert_eq!(header, &COLUMNS, "samples-golden.tsv header");
    let derived = derived_table();
    let mut differences = Vec::new();
    for (k, (line_no, g)) in golden[1..].iter().enumerate() {
        let Some(d) = derived.get(k) else {
            differences.push(format!("line {line_no}: no such ranking line derived"));
            continue;
        };
        for (c, column) in COLUMNS.iter().enumerate() {
            let tsv = g.get(c).map_or("", String::as_str);
            if tsv != d[c] {
                differences.push(format!(
                    "line {line_no} ({}), {column}: TSV {tsv:?}, derived {:?}",
                    g[1], d[c]
                ));
            }
        }
    }
    if derived.len() != golden.len() - 1 {
        differences.push(format!(
            "{} lines derived, {} in the TSV",
            derived.len(),
            golden.len() - 1
        ));
    }
    assert!(
        differences.is_empty(),
        "samples-golden.tsv:\n{}",
        differences.join("\n")
    );
}
