//! Items from many files → one year per section. The same item (section, folded title,
//! 报送日期) counts once: the version from the latest 报送月份 wins, then the file whose
//! workbook properties say it was modified later, then the greater SHA-256 — never the order
//! on disk. Repeats and look-alikes are warnings; nothing here changes a point by itself.

use std::collections::HashMap;

use crate::findings::{self as f, at};
use crate::model::{Finding, InputFile, Item, Severity};

/// The merged year.
#[derive(Debug, Default)]
pub struct Merged {
    /// One version of each distinct item, sorted by (section, date, title, source).
    pub items: Vec<Item>,
    /// Versions that lost to another version of the same item (kept for the ledger).
    pub superseded: Vec<Item>,
    pub findings: Vec<Finding>,
}

/// Which of two versions of the same item wins: the greater key.
fn version_key<'a>(item: &Item, files: &'a [InputFile]) -> (u32, Option<&'a str>, &'a str) {
    let file = &files[item.file_index];
    (
        item.report_month,
        file.modified.as_deref(),
        file.sha256.as_str(),
    )
}

/// Sorts `items` by `order` (a total order), on two threads where the year is big enough to
/// pay for one: the items are split around their median (linear), then each half is sorted on
/// its own core. The merge's sort was the largest serial step left between reading and
/// writing.
fn sort_on_two_cores<T: Send>(
    items: &mut [T],
    order: impl Fn(&T, &T) -> std::cmp::Ordering + Sync,
) {
    const WORTH_A_THREAD: usize = 8192;
    let two = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    if !two || items.len() < WORTH_A_THREAD {
        items.sort_unstable_by(order);
        return;
    }
    let mid = items.len() / 2;
    items.select_nth_unstable_by(mid, &order);
    let (low, high) = items.split_at_mut(mid);
    std::thread::scope(|s| {
        s.spawn(|| low.sort_unstable_by(&order));
        high.sort_unstable_by(&order);
    });
}

/// Merge the checked items of all files. `files` is indexed by `Item::file_index`.
pub fn merge(
    mut items: Vec<Item>,
    files: &[InputFile],
    submissions: &[crate::validate::Submission],
) -> Merged {
    let mut out = Merged::default();
    // A canonical order first, so that nothing depends on the order files were found in. A
    // total order (two files never share a SHA-256, a file never two items on one row), so
    // sorted in place: a stable sort would need a buffer of half the year.
    let order = |a: &Item, b: &Item| {
        (&a.section, a.key(), a.date)
            .cmp(&(&b.section, b.key(), b.date))
            .then_with(|| version_key(b, files).cmp(&version_key(a, files)))
            .then_with(|| a.source.row.cmp(&b.source.row))
            .then_with(|| a.file_index.cmp(&b.file_index))
    };
    sort_on_two_cores(&mut items, order);

    // Groups of versions of the same item are runs of the sorted items; the first of each run
    // wins. Work in place: a year may hold hundreds of thousands of items.
    let n = items.len();
    let mut winner_at = vec![false; n];
    let mut k = 0;
    while k < n {
        let mut e = k + 1;
        while e < n && same_item(&items[k], &items[e]) {
            e += 1;
        }
        winner_at[k] = true;
        if e - k > 1 {
            // The officer's 不通过 on any version holds unless the winning version says
            // otherwise (staff resending a cumulative file leave 信息员审核 blank).
            if !items[k].officer_filled && items[k + 1..e].iter().any(|i| i.rejected) {
                items[k].rejected = true;
            }
            // A repeat within the winning file counts once, with the adoptions of every copy
            // (staff often mark the adoption on a second copy of the row).
            let same_file: u32 = items[k + 1..e]
                .iter()
                .filter(|i| i.file_index == items[k].file_index)
                .fold(0, |m, i| m | i.adopted);
            items[k].adopted |= same_file;
            // A repeat within one file is a warning wherever it is, in the winning file or not.
            let mut first_in_file: Vec<(usize, u32)> =
                vec![(items[k].file_index, items[k].source.row)];
            for other in &items[k + 1..e] {
                match first_in_file.iter().find(|(f, _)| *f == other.file_index) {
                    Some(&(_, row)) => out.findings.push(warn(
                        other,
                        f::W_DUP_IN_FILE,
                        format!(
                            "与本表第 {} 行是同一条信息(标题与报送日期相同),只计一次(采用情况合并计算)。请合并为一行",
                            row + 1
                        ),
                    )),
                    None => first_in_file.push((other.file_index, other.source.row)),
                }
            }
        }
        k = e;
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

    // Same title, different dates, different files, one section: runs of the sorted items
    // (no map of the year's titles: for a city's year that cost tens of MiB).
    for run in out
        .items
        .chunk_by(|a, b| a.section == b.section && a.key() == b.key())
    {
        let first = &run[0];
        for item in &run[1..] {
            if item.file_index != first.file_index {
                out.findings.push(warn(item, f::W_DUP_DATE, format!(
                    "同一标题在 {} 中的报送日期为 {},本表为 {}。如是同一条信息,请更正日期;两条均暂按不同信息计分",
                    first.source.file, first.date, item.date)));
            }
        }
    }

    // Same title in two sections: a warning on the later item, naming the other. Runs of
    // the items ordered by title, each run by (date, section, row).
    let mut by_key: Vec<usize> = (0..out.items.len()).collect();
    by_key.sort_by(|&a, &b| {
        let (x, y) = (&out.items[a], &out.items[b]);
        x.key().cmp(&y.key()).then_with(|| {
            (x.date, &x.section, x.source.row).cmp(&(y.date, &y.section, y.source.row))
        })
    });
    for run in by_key.chunk_by(|&a, &b| out.items[a].key() == out.items[b].key()) {
        let first = &out.items[run[0]];
        for &i in &run[1..] {
            let item = &out.items[i];
            if item.section != first.section {
                out.findings.push(warn(
                    item,
                    f::W_DUP_SECTION,
                    format!(
                        "标题与“{}”{} 报送的信息相同(可能抄袭),请核实",
                        first.section, first.date
                    ),
                ));
            }
        }
    }

    // Two files of one section for the same month.
    let mut by_month: HashMap<(&str, u32), Vec<usize>> = HashMap::new();
    for s in submissions {
        by_month
            .entry((s.section.as_str(), s.month))
            .or_default()
            .push(s.file_index);
    }
    let mut dup_months: Vec<_> = by_month.into_iter().filter(|(_, v)| v.len() > 1).collect();
    dup_months.sort();
    for ((section, month), mut idx) in dup_months {
        idx.sort();
        let names: Vec<&str> = idx.iter().map(|&i| files[i].display.as_str()).collect();
        for &i in &idx {
            let mut w = f::file_error(
                &files[i].display,
                f::W_SAME_MONTH,
                format!(
                    "{section} {month} 月有 {} 个文件:{}。均已读取;同一信息内容不同时,以修改时间较晚的文件为准",
                    idx.len(),
                    names.join("、")
                ),
            );
            w.severity = Severity::Warning;
            w.section = Some(section.to_string());
            out.findings.push(w);
        }
    }
    out
}

fn same_item(a: &Item, b: &Item) -> bool {
    a.section == b.section && a.key() == b.key() && a.date == b.date
}

fn warn(item: &Item, code: &'static str, message: String) -> Finding {
    let mut w = at(
        &item.source.file,
        &item.source.sheet,
        (item.source.row, item.title_col),
        Severity::Warning,
        code,
        message,
    );
    w.section = Some(item.section.to_string());
    w
}

#[cfg(test)]
mod tests {
    use super::sort_on_two_cores;

    #[test]
    fn the_two_core_sort_gives_the_one_core_order() {
        // big enough to take the two-thread path, with many ties on the first key
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let items: Vec<(u32, u64)> = (0..50_000u64)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                ((state % 97) as u32, i)
            })
            .collect();
        let order = |a: &(u32, u64), b: &(u32, u64)| a.0.cmp(&b.0).then(b.1.cmp(&a.1));
        let mut expected = items.clone();
        expected.sort_unstable_by(order);
        let mut got = items.clone();
        sort_on_two_cores(&mut got, order);
        assert_eq!(got, expected);
        let mut small = items[..100].to_vec();
        sort_on_two_cores(&mut small, order);
        assert!(small.is_sorted_by(|a, b| order(a, b).is_le()));
    }
}
