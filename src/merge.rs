//! Items from many files → one year per section. The same item (section, folded title,
//! 报送日期) counts once: the version from the latest 报送月份 wins, then the file whose
//! workbook properties say it was modified later, then the greater SHA-256 — never the order
//! on disk. Repeats and look-alikes are warnings; nothing here changes a point by itself.

use std::collections::HashMap;

use crate::findings::{self as f, Code, at};
use crate::model::{Finding, InputFile, Item};
use crate::validate::Submission;

/// The merged year.
#[derive(Debug, Default)]
pub struct Merged {
    /// One version of each distinct item, sorted by (section, date, title, source).
    pub items: Vec<Item>,
    /// Versions that lost to another version of the same item (kept for the ledger).
    pub superseded: Vec<Item>,
    pub findings: Vec<Finding>,
}

/// Which of two versions of the same item wins: the greater key. Two sheets of one workbook
/// share its modification time and SHA-256: the later sheet wins.
fn version_key<'a>(item: &Item, files: &'a [InputFile]) -> (u32, Option<&'a str>, &'a str, u32) {
    let file = &files[item.file_index];
    (
        item.report_month,
        file.modified.as_deref(),
        file.sha256.as_str(),
        item.sheet_no,
    )
}

/// Merge the checked items of all files. `files` is indexed by `Item::file_index`. A sheet of
/// a workbook is a file of its own here (a submission): a repeat "within one file" is one
/// within one sheet.
pub fn merge(mut items: Vec<Item>, files: &[InputFile]) -> Merged {
    let mut out = Merged::default();
    // A canonical order first, so that nothing depends on the order files were found in. A
    // total order (two files never share a SHA-256, a file never two items on one row), so
    // sorted in place: a stable sort would need a buffer of half the year.
    let order = |a: &Item, b: &Item| {
        (&a.section, a.key(), a.date)
            .cmp(&(&b.section, b.key(), b.date))
            .then_with(|| version_key(b, files).cmp(&version_key(a, files)))
            .then_with(|| a.source.row.cmp(&b.source.row))
            .then_with(|| a.part().cmp(&b.part()))
    };
    items.sort_unstable_by(order);

    // Groups of versions of the same item are runs of the sorted items; the first of each run
    // wins. Work in place: a year may hold hundreds of thousands of items.
    let mut winner_at = Vec::with_capacity(items.len());
    for versions in items.chunk_by_mut(same_item) {
        settle_versions(versions, &mut out.findings);
        winner_at.push(true);
        winner_at.resize(winner_at.len() + versions.len() - 1, false);
    }
    let mut position = 0;
    out.superseded = items
        .extract_if(.., |_| {
            let lost = !winner_at[position];
            position += 1;
            lost
        })
        .collect();
    out.items = items;

    out.findings.extend(same_title_other_date(&out.items));
    out.findings.extend(same_title_other_section(&out.items));
    out
}

/// The versions of one item (the winner first): carry the officer's 不通过 and the adoptions
/// of repeats within the winning file to the winner, and warn of every repeat within one file.
fn settle_versions(versions: &mut [Item], findings: &mut Vec<Finding>) {
    if versions.len() < 2 {
        return;
    }
    // The officer's 不通过 on any version holds unless the winning version says
    // otherwise (staff resending a cumulative file leave 信息员审核 blank).
    if !versions[0].officer_filled && versions[1..].iter().any(|i| i.rejected) {
        versions[0].rejected = true;
    }
    // A repeat within the winning file counts once, with the adoptions of every copy
    // (staff often mark the adoption on a second copy of the row).
    let same_file: u32 = versions[1..]
        .iter()
        .filter(|i| i.part() == versions[0].part())
        .fold(0, |m, i| m | i.adopted);
    versions[0].adopted |= same_file;
    // A repeat within one file is a warning wherever it is, in the winning file or not.
    let mut first_in_file: Vec<((usize, u32), u32)> =
        vec![(versions[0].part(), versions[0].source.row)];
    for other in &versions[1..] {
        match first_in_file.iter().find(|(f, _)| *f == other.part()) {
            Some(&(_, row)) => findings.push(warn(
                other,
                Code::DupInFile,
                format!(
                    "与本表第 {} 行是同一条信息（标题与报送日期相同），只计一次（采用情况合并计算）。请合并为一行",
                    row + 1
                ),
            )),
            None => first_in_file.push((other.part(), other.source.row)),
        }
    }
}

/// `W-DUP-DATE`: the same title with other dates in other files of one section. Runs of the
/// merged items (sorted by section and title).
fn same_title_other_date(items: &[Item]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for run in items.chunk_by(|a, b| a.section == b.section && a.key() == b.key()) {
        let first = &run[0];
        for item in &run[1..] {
            if item.part() != first.part() {
                findings.push(warn(item, Code::DupDate, format!(
                    "同一标题在 {} 中的报送日期为 {}，本表为 {}。如是同一条信息，请更正日期；两条均暂按不同信息计分",
                    submission_name(&first.source.file, &first.source.sheet), first.date, item.date)));
            }
        }
    }
    findings
}

/// `W-DUP-SECTION`: the same title in two sections, a warning on the later item naming the
/// other. Groups of items with the same title (in the order the titles first appear), each in
/// (date, section, row) order.
fn same_title_other_section(items: &[Item]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let next = groups.len();
        let g = *group_of.entry(item.key()).or_insert(next);
        if g == next {
            groups.push(Vec::new());
        }
        groups[g].push(i);
    }
    for mut same in groups.into_iter().filter(|g| g.len() > 1) {
        same.sort_by_key(|&i| {
            let x = &items[i];
            (x.date, &x.section, x.source.row, i)
        });
        let first = &items[same[0]];
        for &i in &same[1..] {
            let item = &items[i];
            if item.section != first.section {
                findings.push(warn(
                    item,
                    Code::DupSection,
                    format!(
                        "标题与“{}”{} 报送的信息相同（可能抄袭），请核实",
                        first.section, first.date
                    ),
                ));
            }
        }
    }
    findings
}

/// `W-SAME-MONTH`: two submissions (files, or sheets of one workbook) of one section for the
/// same 报送月份, once per pair, on the later of the two in listing order (path, then sheet),
/// naming the other. A pair where one has `W-MONTH-STALE` is left to that warning: its 报送月份
/// was left unchanged, and updating it is the remedy for both.
pub fn same_month_warnings(submissions: &[Submission], files: &[InputFile]) -> Vec<Finding> {
    let mut sorted: Vec<&Submission> = submissions.iter().collect();
    sorted.sort_by_key(|s| (&s.section, s.month, s.file_index, s.sheet_no));
    let mut out = Vec::new();
    for group in sorted.chunk_by(|a, b| (&a.section, a.month) == (&b.section, b.month)) {
        for (j, later) in group.iter().enumerate() {
            for earlier in group[..j].iter().filter(|e| !e.stale && !later.stale) {
                let other = if earlier.file_index == later.file_index {
                    format!("本文件的工作表“{}”", earlier.sheet)
                } else {
                    submission_name(&files[earlier.file_index].display, &earlier.sheet)
                };
                let mut w = f::sheet_level(
                    &files[later.file_index].display,
                    &later.sheet,
                    Code::SameMonth,
                    format!(
                        "{} {} 月另有报送表 {other}，两份均已读取；同一条信息内容不同时，以修改时间较晚的为准。如其中一份是更正后重新报送的，请只保留最新的一份",
                        later.section, later.month
                    ),
                );
                w.section = Some(later.section.clone());
                w.sheet_no = Some(later.sheet_no);
                out.push(w);
            }
        }
    }
    out
}

/// A submission as named to people: the file, and its sheet unless it is the template's
/// `报送信息`.
fn submission_name(file: &str, sheet: &str) -> String {
    if sheet.is_empty() || crate::cell::label_eq(sheet, crate::labels::SHEET_ITEMS) {
        file.to_string()
    } else {
        format!("{file}（工作表“{sheet}”）")
    }
}

fn same_item(a: &Item, b: &Item) -> bool {
    a.section == b.section && a.key() == b.key() && a.date == b.date
}

fn warn(item: &Item, code: Code, message: String) -> Finding {
    let mut w = at(
        &item.source.file,
        &item.source.sheet,
        (item.source.row, item.title_col),
        code,
        message,
    );
    w.section = Some(item.section.to_string());
    w.sheet_no = Some(item.sheet_no);
    w
}

#[cfg(test)]
mod tests {
    use super::merge;
    use crate::model::{FileStatus, InputFile, Item, Source, Text};

    /// The same-title-in-two-sections warnings equal those of the plain definition (every
    /// item compared with the earliest item of its title by date, section, row), on a year
    /// of titles that fold together (full-width brackets, spaces) across four sections.
    #[test]
    fn same_title_in_two_sections_matches_the_plain_definition() {
        let titles = [
            "关于（一）工作",
            "关于(一)工作",
            " 关于(一)工作 ",
            "关于(一) 工作",
            "春耕",
            "ＡＢＣ动态",
            "ABC动态",
            "abc动态",
        ];
        let sections = ["办公室", "经济股", "科技股", "安全股"];
        let mut state = 0x1234_5678_9abc_def1u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as usize
        };
        let files: Vec<InputFile> = (0..4)
            .map(|k| InputFile {
                display: format!("f{k}.xlsx"),
                path: format!("f{k}.xlsx").into(),
                sha256: format!("{k:064}"),
                status: FileStatus::Failed(String::new()),
                modified: None,
            })
            .collect();
        let items: Vec<Item> = (0..300u32)
            .map(|row| {
                let k = next(4);
                let title = titles[next(titles.len() as u64)];
                Item {
                    section: Text::from(sections[k]),
                    title: title.into(),
                    title_key: crate::cell::title_key(title).into(),
                    date: chrono::NaiveDate::from_ymd_opt(
                        2019,
                        1 + next(12) as u32,
                        1 + next(28) as u32,
                    )
                    .unwrap(),
                    category: Text::default(),
                    task_id: None,
                    adopted: 0,
                    issue_no: Text::default(),
                    author: Text::default(),
                    reviewer: Text::default(),
                    rejected: false,
                    officer_filled: false,
                    remark: Text::default(),
                    source: Source {
                        file: Text::from(files[k].display.as_str()),
                        sheet: Text::from("报送信息"),
                        row,
                    },
                    title_col: 1,
                    report_month: 1,
                    file_index: k,
                    sheet_no: 0,
                }
            })
            .collect();
        let merged = merge(items, &files);
        let mut got: Vec<(String, Option<(u32, u32)>)> = merged
            .findings
            .iter()
            .filter(|f| f.code == crate::findings::Code::DupSection)
            .map(|f| (f.message.clone(), f.pos))
            .collect();
        let mut expected = Vec::new();
        for (n, item) in merged.items.iter().enumerate() {
            let first = merged
                .items
                .iter()
                .enumerate()
                .filter(|(_, o)| o.key() == item.key())
                .min_by(|(a, x), (b, y)| {
                    (x.date, &x.section, x.source.row, a).cmp(&(
                        y.date,
                        &y.section,
                        y.source.row,
                        b,
                    ))
                })
                .unwrap();
            if first.0 != n && first.1.section != item.section {
                expected.push((
                    format!(
                        "标题与“{}”{} 报送的信息相同（可能抄袭），请核实",
                        first.1.section, first.1.date
                    ),
                    Some((item.source.row, item.title_col)),
                ));
            }
        }
        got.sort();
        expected.sort();
        assert!(expected.len() > 50, "{}", expected.len());
        assert_eq!(got, expected);
    }
}
