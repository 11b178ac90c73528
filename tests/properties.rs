//! Property tests over generated years (seeded, deterministic): the order of files on disk
//! never changes a result, and monthly files or one cumulative file resent every month give
//! the same scores.

mod common;
use common::*;

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
