//! The adoption record (SPEC "Adoption record") and the authors (SPEC "Authors"), end to end:
//! the real binary scores a small year whose register the test writes, and the results are
//! read back from the CSV files and the workbook.
//!
//! The year: 办公室 sends four items and 经济运行股 one. The record lists 普刊 and 专刊 (so
//! those levels are decided by it) and nothing at 省政府办公厅 (left as declared):
//! - `全区10月份工业经济运行情况`: declared 普刊, printed (exact): 普刊 +5;
//! - `全区11月份工业经济运行情况`: not declared, printed as `…简析` (fuzzy): 普刊 +5 and
//!   W-ADOPT-UNCLAIMED;
//! - `我局召开安全生产工作会议`: declared 专刊, not printed: 0 and W-ADOPT-UNRECORDED;
//! - `园区重点项目建设加快推进`: declared 省政府办公厅: +20 as declared;
//! - 经济运行股's `全区工业经济运行良好`: declared 普刊 (not printed: W-ADOPT-UNRECORDED),
//!   printed in 专刊 (+10, W-ADOPT-UNCLAIMED);
//! - record rows that credit nothing (W-REG-ADOPT): `全区12月份…` (as near to 10月 as to 11月:
//!   the margin rule), a title no section sent, a repeat of the first row.

mod common;
use calamine::{Data, Reader, open_workbook_auto};
use common::*;
use std::path::Path;

const OFFICE: &str = "办公室";
const ECONOMY: &str = "经济运行股";

fn write_sections(dir: &Path) {
    let office = vec![
        Row::new("全区10月份工业经济运行情况", "2019-11-05").adopted(&[0]),
        Row::new("全区11月份工业经济运行情况", "2019-12-05"),
        Row::new("我局召开安全生产工作会议", "2019-06-10").adopted(&[1]),
        Row::new("园区重点项目建设加快推进", "2019-07-01").adopted(&[2]),
    ];
    section_file(&dir.join("办公室.xlsx"), OFFICE, 2019, 12, &office);
    let mut economy = vec![Row::new("全区工业经济运行良好", "2019-03-01").adopted(&[0])];
    economy[0].author = "王五、赵六".into();
    section_file(&dir.join("经济运行股.xlsx"), ECONOMY, 2019, 12, &economy);
}

fn base_register() -> Reg {
    Reg::with_sections(&[OFFICE, ECONOMY])
}

/// The register with the record described at the top.
fn recorded() -> Reg {
    base_register()
        .adopted(RecordRow::new(
            0,
            "2019年第40期",
            "全区10月份工业经济运行情况",
        ))
        .adopted(RecordRow::new(
            0,
            "2019年第45期",
            "全区11月份工业经济运行情况简析",
        ))
        .adopted(RecordRow::new(1, "2019年第3期", "全区工业经济运行良好").section(ECONOMY))
        .adopted(RecordRow::new(
            0,
            "2019年第46期",
            "全区12月份工业经济运行情况",
        ))
        .adopted(RecordRow::new(
            0,
            "2019年第20期",
            "关于做好防汛抗旱工作的通知",
        ))
        .adopted(RecordRow::new(
            0,
            "2019年第41期",
            "全区10月份工业经济运行情况",
        ))
}

struct Run {
    dir: tempfile::TempDir,
    out: std::process::Output,
}

impl Run {
    fn csv(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join("csv").join(name)).unwrap()
    }
    fn results(&self) -> std::path::PathBuf {
        self.dir.path().join("out/结果.xlsx")
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
}

fn score(reg: &Reg) -> Run {
    let (dir, input) = workdir();
    write_sections(&input);
    register_file(&input.join("考核登记表.xlsx"), reg);
    let out = zwxx(
        dir.path(),
        &["score", "in", "-q", "-o", "out/结果.xlsx", "--csv", "csv"],
    );
    Run { dir, out }
}

/// Rows of a CSV (BOM and header dropped), split at commas (no field here holds one).
fn rows(csv: &str) -> Vec<Vec<String>> {
    csv.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

/// 加分 and 最终得分 of a section in 考核排名.csv.
fn bonus_and_final(run: &Run, section: &str) -> (String, String) {
    let r = rows(&run.csv("考核排名.csv"))
        .into_iter()
        .find(|r| r[1] == section)
        .unwrap_or_else(|| panic!("{section} not ranked"));
    (r[4].clone(), r[7].clone())
}

/// Column `label` of 校验问题.csv.
fn col(label: &str) -> usize {
    ["股室", "文件", "工作表", "单元格", "级别", "代码", "说明"]
        .iter()
        .position(|c| *c == label)
        .unwrap()
}

/// The findings with `code`, as (cell, message).
fn findings(run: &Run, code: &str) -> Vec<(String, String)> {
    rows(&run.csv("校验问题.csv"))
        .into_iter()
        .filter(|r| r[col("代码")] == code)
        .map(|r| (r[col("单元格")].clone(), r[col("说明")..].join(",")))
        .collect()
}

fn grid(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    r.rows()
        .map(|row| {
            row.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => f.to_string(),
                    Data::Empty => String::new(),
                    other => format!("{other:?}"),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_record_decides_the_levels_it_lists() {
    let run = score(&recorded());
    assert_eq!(run.out.status.code(), Some(0), "{}", run.stderr());
    // 办公室: 普刊 5 + 5 (one unclaimed), 专刊 0 (unrecorded), 省政府办公厅 20 (not listed).
    assert_eq!(bonus_and_final(&run, OFFICE), ("30".into(), "38".into()));
    // 经济运行股: 普刊 0 (unrecorded), 专刊 10 (unclaimed).
    assert_eq!(bonus_and_final(&run, ECONOMY), ("10".into(), "12".into()));
}

#[test]
fn each_changed_adoption_is_a_warning_at_the_items_title() {
    let run = score(&recorded());
    let unclaimed = findings(&run, "W-ADOPT-UNCLAIMED");
    assert_eq!(unclaimed.len(), 2, "{unclaimed:?}");
    assert_eq!(unclaimed[0].0, "B7", "全区11月份…: the 信息标题 cell");
    assert!(unclaimed[0].1.contains("已按采用记录计分"), "{unclaimed:?}");
    assert!(
        unclaimed[0].1.contains("2019年第45期") && unclaimed[0].1.contains("相似度 0.9"),
        "the issue and the similarity of the fuzzy match: {unclaimed:?}"
    );
    let unrecorded = findings(&run, "W-ADOPT-UNRECORDED");
    assert_eq!(unrecorded.len(), 2, "{unrecorded:?}");
    assert!(
        unrecorded
            .iter()
            .all(|(_, m)| m.contains("采用记录中没有这条信息,本级采用未计分")),
        "{unrecorded:?}"
    );
    assert_eq!(unrecorded[0].0, "B8", "办公室's 我局召开安全生产工作会议");
    assert_eq!(unrecorded[1].0, "B6", "经济运行股's item");
    // Nothing about the level the record does not list.
    assert!(
        !rows(&run.csv("校验问题.csv"))
            .iter()
            .any(|r| r.join(",").contains("园区重点项目建设加快推进")),
    );
}

#[test]
fn record_rows_that_credit_nothing_are_register_warnings() {
    let run = score(&recorded());
    let warned = findings(&run, "W-REG-ADOPT");
    let cells: Vec<&str> = warned.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(cells, ["C5", "C6", "C7"], "{warned:?}");
    assert!(
        warned[0].1.contains("同样相近")
            && warned[0].1.contains("全区10月份工业经济运行情况")
            && warned[0].1.contains("全区11月份工业经济运行情况"),
        "the margin rule names both: {}",
        warned[0].1
    );
    assert!(warned[1].1.contains("没有找到"), "{}", warned[1].1);
    assert!(
        warned[2].1.contains("与第 2 行是同一条信息"),
        "{}",
        warned[2].1
    );
    let all = run.csv("校验问题.csv");
    let register_rows: Vec<Vec<String>> = rows(&all)
        .into_iter()
        .filter(|r| r[col("代码")] == "W-REG-ADOPT")
        .collect();
    assert!(
        register_rows
            .iter()
            .all(|r| r[col("文件")].contains("考核登记表") && r[col("股室")].is_empty()),
        "the officer's own file, no section's: {register_rows:?}"
    );
}

#[test]
fn the_catalog_shows_issue_check_and_similarity() {
    let run = score(&recorded());
    let g = grid(&run.results(), "采用信息目录");
    let header = &g[1];
    assert_eq!(&header[6..], ["采用期号", "加分", "核对", "相似度"]);
    let row = |title: &str| g.iter().find(|r| r[2] == title).unwrap().clone();
    let october = row("全区10月份工业经济运行情况");
    assert_eq!(&october[6..], ["2019年第40期", "5", "申报且有采用记录", ""]);
    let november = row("全区11月份工业经济运行情况");
    assert_eq!(&november[6..9], ["2019年第45期", "5", "仅采用记录(未申报)"]);
    let similarity: f64 = november[9].parse().unwrap();
    assert!((0.9..1.0).contains(&similarity), "{similarity}");
    let park = row("园区重点项目建设加快推进");
    assert_eq!(&park[8], "仅申报(采用记录未列此级别)");
    assert!(
        !g.iter().any(|r| r[2] == "我局召开安全生产工作会议"),
        "an unprinted claim is not in the catalog"
    );
}

#[test]
fn the_section_sheet_and_feedback_explain_each_change() {
    let run = score(&recorded());
    let g = grid(&run.results(), OFFICE);
    let state = |title: &str| g.iter().find(|r| r[1] == title).unwrap()[6].clone();
    assert_eq!(
        state("全区11月份工业经济运行情况"),
        "计分\n区政府办《政务信息》普刊:未申报,按采用记录计分"
    );
    assert_eq!(
        state("我局召开安全生产工作会议"),
        "计分\n区政府办《政务信息》专刊:采用记录中没有,未计分"
    );
    assert_eq!(state("全区10月份工业经济运行情况"), "计分");
    // The problems block of the sheet holds the two warnings too.
    let text: String = g.iter().flatten().cloned().collect::<Vec<_>>().join("|");
    assert!(text.contains("W-ADOPT-UNCLAIMED") && text.contains("W-ADOPT-UNRECORDED"));

    let (dir, input) = workdir();
    write_sections(&input);
    register_file(&input.join("考核登记表.xlsx"), &recorded());
    let out = zwxx(dir.path(), &["score", "in", "-q", "--feedback", "fb"]);
    assert_eq!(out.status.code(), Some(0));
    let fb = dir.path().join("fb/办公室-问题反馈.xlsx");
    let list = grid(&fb, "问题清单");
    let text: String = list.iter().flatten().cloned().collect::<Vec<_>>().join("|");
    assert!(text.contains("已按采用记录计分"), "{text}");
    assert!(text.contains("本级采用未计分"), "{text}");
}

/// An empty 采用记录 (the template's, header only) and no sheet at all give today's results:
/// every CSV the same, every sheet of the workbook the same but the file list.
#[test]
fn results_are_identical_without_a_record_or_with_an_empty_one() {
    let absent = score(&base_register());
    let mut empty = base_register();
    empty.record = Some(Vec::new());
    let empty = score(&empty);
    for run in [&absent, &empty] {
        assert_eq!(run.out.status.code(), Some(0), "{}", run.stderr());
    }
    for name in [
        "考核排名.csv",
        "信息明细.csv",
        "校验问题.csv",
        "撰稿人统计.csv",
    ] {
        assert_eq!(absent.csv(name), empty.csv(name), "{name}");
    }
    // As declared: 办公室 5 + 10 + 20, 经济运行股 5.
    assert_eq!(bonus_and_final(&absent, OFFICE), ("35".into(), "43".into()));
    assert_eq!(bonus_and_final(&absent, ECONOMY), ("5".into(), "7".into()));
    let names = open_workbook_auto(absent.results()).unwrap().sheet_names();
    for sheet in names.iter().filter(|s| s.as_str() != "考核说明") {
        assert_eq!(
            grid(&absent.results(), sheet),
            grid(&empty.results(), sheet),
            "{sheet}"
        );
    }
    let catalog = grid(&absent.results(), "采用信息目录");
    assert_eq!(
        catalog[1].len(),
        8,
        "no 核对/相似度 columns without a record"
    );
}

/// `普刊` for the level's full label is read as meant (W-REG-VALUE), with the same results; a
/// level that is no label of the rules stops the run (E-REG-VALUE, exit 2, nothing written).
#[test]
fn the_records_level_is_read_like_the_registers_other_values() {
    let full = score(&recorded());
    let mut short = recorded();
    short.record.as_mut().unwrap()[0].level = "普刊".into();
    let short = score(&short);
    assert_eq!(short.out.status.code(), Some(0), "{}", short.stderr());
    assert_eq!(full.csv("考核排名.csv"), short.csv("考核排名.csv"));
    let variant = findings(&short, "W-REG-VALUE");
    assert_eq!(variant.len(), 1);
    assert_eq!(variant[0].0, "A2");

    let mut wrong = recorded();
    wrong.record.as_mut().unwrap()[0].level = "市刊".into();
    let wrong = score(&wrong);
    assert_eq!(wrong.out.status.code(), Some(2), "{}", wrong.stderr());
    assert!(wrong.stderr().contains("E-REG-VALUE"), "{}", wrong.stderr());
    assert!(!wrong.results().exists());
}

/// 撰稿人统计: a shared item credits each author half; figures to one decimal; sorted by
/// 采用加分 then 条数.
#[test]
fn authors_are_credited_per_section_with_shared_items_split() {
    let run = score(&recorded());
    let csv = run.csv("撰稿人统计.csv");
    let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(header.starts_with("序号,撰稿人,股室,合格信息条数,区政府办《政务信息》普刊采用"));
    assert!(header.ends_with(",采用加分"));
    let r = rows(&csv);
    let summary: Vec<(&str, &str, &str, &str)> = r
        .iter()
        .map(|x| (x[1].as_str(), x[2].as_str(), x[3].as_str(), x[8].as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("张三", OFFICE, "4.0", "30.0"),
            ("王五", ECONOMY, "0.5", "5.0"),
            ("赵六", ECONOMY, "0.5", "5.0"),
        ]
    );
    assert!(
        !csv.contains("0875") && !csv.contains("@"),
        "no contact data"
    );
    let g = grid(&run.results(), "撰稿人统计");
    assert_eq!(g[2][1], "张三");
}

/// An interim standing: a printed item dated after the as-of date is not counted yet, and its
/// record row is neither credited nor reported as unmatched.
#[test]
fn a_row_printing_an_item_after_the_as_of_date_waits_quietly() {
    let (dir, input) = workdir();
    write_sections(&input);
    register_file(&input.join("考核登记表.xlsx"), &recorded());
    let out = zwxx(
        dir.path(),
        &["score", "in", "-q", "--as-of", "2019-11-30", "--csv", "csv"],
    );
    assert_eq!(out.status.code(), Some(0));
    let run = Run { dir, out };
    let cells: Vec<String> = findings(&run, "W-REG-ADOPT")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(
        cells,
        ["C5", "C6", "C7"],
        "nothing about C3 (全区11月份…简析)"
    );
    assert!(
        findings(&run, "W-ADOPT-UNCLAIMED")
            .iter()
            .all(|(c, _)| c != "B7")
    );
    // 办公室 without the November item: 普刊 5 (October) + 省政府办公厅 20.
    assert_eq!(bonus_and_final(&run, OFFICE), ("25".into(), "31".into()));
}

/// A city-sized roster (more than 50 sections: one streamed 信息明细 sheet instead of a sheet
/// per section) shows the record the same way: 采用信息目录 with 核对 and 相似度, and the
/// changed adoption under 计分情况.
#[test]
fn a_large_roster_shows_the_record_in_its_streamed_sheets() {
    let names: Vec<String> = (1..=60).map(|i| format!("第{i:02}单位")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (dir, input) = workdir();
    for (i, name) in names.iter().enumerate() {
        let rows = vec![
            Row::new(&format!("{name}全区工业经济运行情况分析"), "2019-03-01").adopted(&[0]),
            Row::new(&format!("{name}园区重点项目建设加快推进"), "2019-04-01"),
        ];
        section_file(&input.join(format!("{i:02}.xlsx")), name, 2019, 4, &rows);
    }
    let reg = Reg::with_sections(&refs)
        .adopted(RecordRow::new(
            0,
            "2019年第9期",
            "第01单位全区工业经济运行情况分析",
        ))
        .adopted(RecordRow::new(
            0,
            "2019年第14期",
            "第02单位园区重点项目建设推进",
        ));
    register_file(&input.join("考核登记表.xlsx"), &reg);
    let out = zwxx(dir.path(), &["score", "in", "-q", "-o", "结果.xlsx"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().join("结果.xlsx");
    let catalog = grid(&path, "采用信息目录");
    assert_eq!(&catalog[1][6..], ["采用期号", "加分", "核对", "相似度"]);
    let row = |title: &str| catalog.iter().find(|r| r[2] == title).unwrap().clone();
    assert_eq!(
        &row("第01单位全区工业经济运行情况分析")[6..],
        ["2019年第9期", "5", "申报且有采用记录", ""]
    );
    let second = row("第02单位园区重点项目建设加快推进");
    assert_eq!(&second[6..9], ["2019年第14期", "5", "仅采用记录(未申报)"]);
    assert!(second[9].parse::<f64>().unwrap() >= 0.6);
    let ledger = grid(&path, "信息明细");
    let state = |title: &str| ledger.iter().find(|r| r[2] == title).unwrap()[7].clone();
    assert_eq!(
        state("第02单位园区重点项目建设加快推进"),
        "计分\n区政府办《政务信息》普刊:未申报,按采用记录计分"
    );
    assert_eq!(
        state("第03单位全区工业经济运行情况分析"),
        "计分\n区政府办《政务信息》普刊:采用记录中没有,未计分"
    );
}
