//! Task timing (SPEC Scoring 4), through the binary: due before / on / after the as-of date ×
//! completed / not × issued before / after it, read back from the results workbook's
//! `约稿任务` sheet and the section's own sheet. (A task issued after the as-of date and due
//! on or before it has a deadline before its issue date: a register error, see
//! tests/register.rs.)

use crate::common;
use common::*;

use calamine::{Data, Reader, open_workbook_auto};
use std::path::Path;

const SECTION: &str = "经济运行股";

/// (id, 下达日期, 截止日期, 完成情况, completed by an adopted item dated …, expected 结果, 得分)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    i64,
);

/// As of 2019-06-30.
const TABLE: [Case; 14] = [
    // Due before the as-of date.
    (
        "A1",
        "2019-03-01",
        "2019-05-31",
        "",
        Some("2019-05-20"),
        "已完成",
        15,
    ),
    (
        "A2",
        "2019-03-01",
        "2019-05-31",
        "按时按质完成",
        None,
        "已完成",
        15,
    ),
    ("A3", "2019-03-01", "2019-05-31", "", None, "未完成", -15),
    (
        "A4",
        "2019-03-01",
        "2019-05-31",
        "",
        Some("2019-06-05"),
        "未完成",
        -15,
    ),
    // Due on the as-of date: the day counts as over.
    (
        "B1",
        "2019-04-01",
        "2019-06-30",
        "",
        Some("2019-06-30"),
        "已完成",
        15,
    ),
    (
        "B2",
        "2019-04-01",
        "2019-06-30",
        "按时按质完成",
        None,
        "已完成",
        15,
    ),
    ("B3", "2019-04-01", "2019-06-30", "", None, "未完成", -15),
    // Due after it: completed counts at once, 未完成 fails at once, else pending.
    (
        "C1",
        "2019-05-01",
        "2019-07-31",
        "",
        Some("2019-06-10"),
        "已完成",
        15,
    ),
    (
        "C2",
        "2019-05-01",
        "2019-07-31",
        "按时按质完成",
        None,
        "已完成",
        15,
    ),
    (
        "C3",
        "2019-05-01",
        "2019-07-31",
        "未完成",
        None,
        "未完成",
        -15,
    ),
    ("C4", "2019-05-01", "2019-07-31", "", None, "未到期", 0),
    // Issued after it: not issued yet, 0 whatever the register or the items say.
    (
        "D1",
        "2019-07-10",
        "2019-08-31",
        "按时按质完成",
        None,
        "未下达",
        0,
    ),
    (
        "D2",
        "2019-07-10",
        "2019-08-31",
        "",
        Some("2019-06-20"),
        "未下达",
        0,
    ),
    (
        "D3",
        "2019-07-10",
        "2019-08-31",
        "未完成",
        None,
        "未下达",
        0,
    ),
];

fn grid(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    r.rows()
        .map(|row| {
            row.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect()
}

/// Write the register of `cases` and the section's items, run `score` with `args`.
fn run(cases: &[Case], args: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let (dir, input) = workdir();
    let mut reg = Reg::with_sections(&[SECTION, "办公室"]);
    let mut rows = routine_rows(SECTION, 3, 2);
    for (id, issued, deadline, status, by, ..) in cases {
        reg = reg.task_issued(id, SECTION, issued, deadline, status);
        if let Some(date) = by {
            let title = format!("约稿任务{id}的信息");
            rows.push(
                Row::new(&title, date)
                    .category("约稿信息")
                    .task(id)
                    .adopted(&[0]),
            );
        }
    }
    register_file(&input.join("考核登记表.xlsx"), &reg);
    section_file(&input.join("a.xlsx"), SECTION, 2019, 6, &rows);
    let mut all = vec!["score", "in", "-q", "-o", "out.xlsx"];
    all.extend_from_slice(args);
    let out = zwxx(dir.path(), &all);
    (dir, out)
}

/// The `约稿任务` sheet as (id, 结果, 得分): its rows with a 得分 (not the note below).
fn outcomes(results: &Path) -> Vec<(String, String, i64)> {
    grid(results, "约稿任务")
        .into_iter()
        .skip(2)
        .filter(|r| !r[0].is_empty() && !r[10].is_empty())
        .map(|r| {
            (
                r[0].clone(),
                r[7].clone(),
                r[10].parse::<f64>().unwrap() as i64,
            )
        })
        .collect()
}

#[test]
fn the_task_timing_table_holds() {
    let (dir, out) = run(&TABLE, &["--as-of", "2019-06-30"]);
    assert!(
        out.status.code() == Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = dir.path().join("out.xlsx");
    let got = outcomes(&results);
    let want: Vec<(String, String, i64)> = TABLE
        .iter()
        .map(|c| (c.0.to_string(), c.5.to_string(), c.6))
        .collect();
    assert_eq!(got, want);

    // The section's own sheet shows the same words, 未下达 included, and its total.
    let own = grid(&results, SECTION);
    for (id, .., result, _) in TABLE {
        assert!(
            own.iter()
                .any(|r| r.iter().any(|c| c == id) && r.iter().any(|c| c == result)),
            "{id} {result} on the section's sheet"
        );
    }
    let ranking = grid(&results, "考核排名");
    let row = ranking.iter().find(|r| r[1] == SECTION).unwrap();
    let task_points: i64 = TABLE.iter().map(|c| c.6).sum();
    assert_eq!(row[5], task_points.to_string(), "约稿任务 column");
}

/// The default year-end run settles every task due 12-31; a task issued in the year and due in
/// the next is pending; one issued the year before is left out (W-REG-YEAR at its 下达日期).
#[test]
fn the_year_end_run_settles_tasks_due_on_the_last_day() {
    let cases: [Case; 3] = [
        ("E1", "2019-12-01", "2019-12-31", "", None, "未完成", -15),
        ("E2", "2019-12-01", "2020-01-15", "", None, "未到期", 0),
        ("E3", "2018-12-20", "2019-01-31", "", None, "", 0),
    ];
    let (dir, out) = run(&cases, &["--csv", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let got = outcomes(&dir.path().join("out.xlsx"));
    assert_eq!(
        got,
        [
            ("E1".to_string(), "未完成".to_string(), -15),
            ("E2".to_string(), "未到期".to_string(), 0)
        ]
    );
    let problems = std::fs::read_to_string(dir.path().join("csv/校验问题.csv")).unwrap();
    let line = problems.lines().find(|l| l.contains("W-REG-YEAR")).unwrap();
    assert!(line.contains(",E4,") && line.contains("下达日期"), "{line}");
    assert_eq!(problems.matches("W-REG-YEAR").count(), 1, "{problems}");
}
