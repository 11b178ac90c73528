//! Property tests over generated years (seeded, deterministic): the order of files on disk
//! never changes a result, and monthly files, one workbook with a sheet per month, or one
//! cumulative file resent every month give the same scores.

use crate::common;
use common::*;
use std::path::Path;

/// A small deterministic generator (LCG), so failures reproduce from the seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A year of items for three sections: (section, month, row with its final adoption flags).
fn year(seed: u64) -> Vec<(&'static str, u32, Row)> {
    let mut rng = Rng(seed);
    let sections = ["办公室", "经济运行股", "科技管理股"];
    let mut out = Vec::new();
    for (k, s) in sections.iter().enumerate() {
        let n = 5 + rng.below(30) as usize;
        for i in 0..n {
            let month = 1 + rng.below(12) as u32;
            let day = 1 + rng.below(28);
            let mut levels = Vec::new();
            for l in 0..4 {
                if rng.below(6) == 0 {
                    levels.push(l);
                }
            }
            let row = Row::new(
                &format!("{s}第{i}条信息{k}"),
                &format!("2019-{month:02}-{day:02}"),
            )
            .adopted(&levels);
            out.push((*s, month, row));
        }
    }
    out
}

fn scores(a: &zwxx::assess::Assessment) -> Vec<(String, i64, i64, i64, usize)> {
    a.scores
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.base(),
                s.adoption(),
                s.final_score(),
                s.qualifying(),
            )
        })
        .collect()
}

fn ranks(a: &zwxx::assess::Assessment) -> Vec<(usize, Option<usize>, bool, bool)> {
    a.standings
        .iter()
        .map(|s| (s.section, s.rank, s.awarded, s.criticised))
        .collect()
}

#[test]
fn file_order_never_changes_results() {
    for seed in 1..=4u64 {
        let items = year(seed);
        let mut results = Vec::new();
        for variant in 0..2u64 {
            let (_d, input) = workdir();
            let mut rng = Rng(seed * 100 + variant);
            for s in ["办公室", "经济运行股", "科技管理股"] {
                for m in 1..=12 {
                    let rows: Vec<Row> = items
                        .iter()
                        .filter(|(x, mm, _)| *x == s && *mm == m)
                        .map(|x| x.2.clone())
                        .collect();
                    // Random names give a different discovery order in each variant.
                    let name = format!("{:08}-{m}.xlsx", rng.below(100_000_000));
                    section_file(&input.join(name), s, 2019, m, &rows);
                }
            }
            let a = assess(&input, None);
            results.push((scores(&a), ranks(&a)));
        }
        assert_eq!(results[0], results[1], "seed {seed}");
    }
}

#[test]
fn monthly_files_equal_one_cumulative_file_resent_monthly() {
    for seed in 11..=13u64 {
        let items = year(seed);
        let (_d1, monthly) = workdir();
        let (_d2, cumulative) = workdir();
        for s in ["办公室", "经济运行股", "科技管理股"] {
            for m in 1..=12u32 {
                let rows: Vec<Row> = items
                    .iter()
                    .filter(|(x, mm, _)| *x == s && *mm == m)
                    .map(|x| x.2.clone())
                    .collect();
                section_file(&monthly.join(format!("{s}-{m}.xlsx")), s, 2019, m, &rows);
                // The cumulative file of month m holds every item so far; adoptions are
                // filled in only two months after the item's month.
                let rows: Vec<Row> = items
                    .iter()
                    .filter(|(x, mm, _)| *x == s && *mm <= m)
                    .map(|(_, mm, r)| {
                        if *mm + 2 <= m || m == 12 {
                            r.clone()
                        } else {
                            r.clone().adopted(&[])
                        }
                    })
                    .collect();
                section_file(
                    &cumulative.join(format!("{s}-累计-{m}.xlsx")),
                    s,
                    2019,
                    m,
                    &rows,
                );
            }
        }
        let a = assess(&monthly, None);
        let b = assess(&cumulative, None);
        assert_eq!(scores(&a), scores(&b), "seed {seed}");
        assert_eq!(ranks(&a), ranks(&b), "seed {seed}");
        for s in &a.scores {
            assert_eq!(
                s.lines.iter().map(|l| l.points).sum::<i64>(),
                s.final_score()
            );
        }
    }
}

/// Any cell values, in any column of the items table: no panic, and every non-blank row is
/// either an item or has an error finding in its row (no row disappears silently).
#[test]
fn any_cell_values_every_row_is_an_item_or_an_error() {
    let pool: [&str; 24] = [
        "",
        " ",
        "\u{3000}",
        "是",
        "否",
        "√",
        "x",
        "2019-03-05",
        "2019.13.2",
        "2019年2月30日",
        "20190305",
        "43529",
        "常规信息",
        "重要信息",
        "约稿信息",
        "不通过",
        "通过",
        "=1+2",
        "#N/A",
        "秘密",
        "ＹＧ－０１",
        "很长的标题很长的标题很长的标题很长的标题很长的标题很长的标题很长的标题很长的标题很长的标题",
        "0",
        "-1",
    ];
    for seed in 1..=6u64 {
        let mut rng = Rng(seed);
        let (_d, input) = workdir();
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        write_items_sheet(ws, "办公室", "2019", "3", &[]);
        let columns = item_columns().len() as u16;
        for r in 5..45u32 {
            for c in 0..columns {
                let v = pool[rng.below(pool.len() as u64) as usize];
                if !v.is_empty() {
                    ws.write(r, c, v).unwrap();
                }
            }
        }
        wb.save(input.join("a.xlsx")).unwrap();
        let a = assess(&input, None);
        assert_eq!(a.rows.rows, a.rows.items + a.rows.refused, "seed {seed}");
        let item_rows: Vec<u32> = a.items().map(|i| i.source.row).collect();
        let error_rows: Vec<u32> = a
            .findings
            .iter()
            .filter(|f| f.severity == zwxx::model::Severity::Error)
            .filter_map(|f| f.pos.map(|p| p.0))
            .collect();
        for r in &item_rows {
            assert!(
                !error_rows.contains(r),
                "seed {seed}: row {r} is an item and has an error"
            );
        }
        let accounted = item_rows.len() + {
            let mut e = error_rows.clone();
            e.sort();
            e.dedup();
            e.len()
        };
        assert!(
            accounted >= a.rows.rows,
            "seed {seed}: {accounted} < {}",
            a.rows.rows
        );
    }
}

/// A year as staff send it: per section, the months it sent a form for (some missed, some
/// 零报告), and its items, each dated in a month it sent, with its final adoption flags.
struct SentYear {
    sent: Vec<(&'static str, Vec<u32>)>,
    items: Vec<(&'static str, u32, Row)>,
}

fn sent_year(seed: u64) -> SentYear {
    let mut rng = Rng(seed);
    let mut sent = Vec::new();
    let mut items = Vec::new();
    for s in ["办公室", "经济运行股", "科技管理股", "轻工业股"] {
        let months: Vec<u32> = (1..=12).filter(|_| rng.below(5) != 0).collect();
        for &m in &months {
            // Now and then a 零报告: a form without items.
            for i in 0..rng.below(4) {
                let levels: Vec<usize> = (0..4).filter(|_| rng.below(5) == 0).collect();
                let day = 1 + rng.below(28);
                let row = Row::new(
                    &format!("{s}{m}月第{i}条"),
                    &format!("2019-{m:02}-{day:02}"),
                )
                .adopted(&levels);
                items.push((s, m, row));
            }
        }
        sent.push((s, months));
    }
    SentYear { sent, items }
}

impl SentYear {
    /// The rows of `section` dated in the months `keep` allows, adoptions as known in month
    /// `as_known` (filled in two months after the item's month, all by December).
    fn rows(&self, section: &str, keep: impl Fn(u32) -> bool, as_known: u32) -> Vec<Row> {
        self.items
            .iter()
            .filter(|(s, m, _)| *s == section && keep(*m))
            .map(|(_, m, r)| {
                if *m + 2 <= as_known || as_known == 12 {
                    r.clone()
                } else {
                    r.clone().adopted(&[])
                }
            })
            .collect()
    }

    /// A workbook per section and month sent.
    fn monthly(&self, dir: &Path) {
        for (s, months) in &self.sent {
            for &m in months {
                let rows = self.rows(s, |x| x == m, 12);
                section_file(&dir.join(format!("{s}-{m:02}.xlsx")), s, 2019, m, &rows);
            }
        }
    }

    /// One workbook per section with a sheet per month sent, the sheets in a shuffled order
    /// and named anyhow (names never matter).
    fn sheet_per_month(&self, dir: &Path, rng: &mut Rng) {
        for (k, (s, months)) in self.sent.iter().enumerate() {
            let mut sheets: Vec<FormSheet> = months
                .iter()
                .map(|&m| {
                    let name = match rng.below(3) {
                        0 => format!("{m}月"),
                        1 => format!("Sheet{}", 20 - m),
                        _ => format!("报送信息({m})"),
                    };
                    (name, m, self.rows(s, |x| x == m, 12))
                })
                .collect();
            for i in (1..sheets.len()).rev() {
                sheets.swap(i, rng.below(i as u64 + 1) as usize);
            }
            sheets_file(&dir.join(format!("第{k}个股室全年.xlsx")), s, 2019, &sheets);
        }
    }

    /// One growing file per section, resent every month it sent (adoptions filled in later;
    /// the last file sent has them all).
    fn cumulative(&self, dir: &Path) {
        for (s, months) in &self.sent {
            for &m in months {
                let known = if months.last() == Some(&m) { 12 } else { m };
                let rows = self.rows(s, |x| x <= m, known);
                section_file(
                    &dir.join(format!("{s}-累计-{m:02}.xlsx")),
                    s,
                    2019,
                    m,
                    &rows,
                );
            }
        }
    }
}

/// Writes a year's files into a folder.
type Layout<'a> = &'a dyn Fn(&Path);

/// The same year sent as a workbook per month, as one workbook per section with a sheet per
/// month, or as one cumulative file resent every month: through the binary, the results
/// workbooks' ranking, breakdown and monthly sheets are identical, 备注 (建议约谈) included.
/// Sent as one cumulative file a section (its latest month only), the points and ranks are.
#[test]
fn a_sheet_per_month_scores_like_a_file_per_month() {
    for seed in 21..=23u64 {
        let year = sent_year(seed);
        let d = tempfile::tempdir().unwrap();
        let layouts: [(&str, Layout); 4] = [
            ("monthly", &|p| year.monthly(p)),
            ("sheets", &|p| {
                year.sheet_per_month(p, &mut Rng(seed + 1000))
            }),
            ("cumulative", &|p| year.cumulative(p)),
            ("once", &|p| {
                for (s, months) in &year.sent {
                    if let Some(&last) = months.last() {
                        let rows = year.rows(s, |_| true, 12);
                        section_file(&p.join(format!("{s}.xlsx")), s, 2019, last, &rows);
                    }
                }
            }),
        ];
        let mut got = Vec::new();
        for (name, write) in layouts {
            let dir = d.path().join(name);
            std::fs::create_dir(&dir).unwrap();
            write(&dir);
            let out = format!("{name}.xlsx");
            let o = zwxx(
                d.path(),
                &["score", name, "--as-of", "2019-12-31", "-o", &out],
            );
            assert_eq!(
                o.status.code(),
                Some(0),
                "seed {seed} {name}: {}",
                stdout(&o)
            );
            got.push(standing_sheets(&d.path().join(out)));
        }
        assert!(year.items.len() > 20, "seed {seed}");
        assert_eq!(got[0], got[1], "seed {seed}: a sheet per month");
        assert_eq!(got[0], got[2], "seed {seed}: a cumulative file resent");
        // One file for the whole year: the same points; only 备注 (months not sent) differs.
        let without_remarks = |sheets: &[Vec<Vec<String>>]| -> Vec<Vec<String>> {
            sheets[0]
                .iter()
                .map(|r| r[..r.len().min(11)].to_vec())
                .collect()
        };
        assert_eq!(
            without_remarks(&got[0]),
            without_remarks(&got[3]),
            "seed {seed}: once"
        );
        assert_eq!(got[0][1], got[3][1], "seed {seed}: once, 得分明细");
    }
}
