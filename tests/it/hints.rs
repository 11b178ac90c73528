//! Messages (README "Messages"): the hints for typical slips, the base cap explained, the form
//! named instead of a command, and the officer's own slips said in Chinese. Each runs the real
//! binary on a workbook written here and reads the message back.

#[rustfmt::skip]
use crate::common;

use std::path::Path;

use common::*;
use rust_xlsxwriter::{Format, Workbook};

/// (cell, code, message) of every problem of a `validate --format csv` run over `in/`.
fn problems(dir: &Path) -> Vec<(String, String, String)> {
    let o = zwxx(dir, &["validate", "in", "--format", "csv"]);
    let text = stdout(&o);
    csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(Result::unwrap)
        .map(|r| (r[3].to_string(), r[5].to_string(), r[6].to_string()))
        .collect()
}

/// The message of the problem at `cell` with `code`.
fn message(problems: &[(String, String, String)], cell: &str, code: &str) -> String {
    problems
        .iter()
        .find(|p| p.0 == cell && p.1 == code)
        .unwrap_or_else(|| panic!("no {code} at {cell}: {problems:?}"))
        .2
        .clone()
}

/// `3.5` typed for 3月5日: as text, as a number Excel shows in a date format (1900-01-03),
/// and as a plain number whose day may have lost a trailing zero.
#[test]
fn a_month_and_a_day_in_a_date_column_are_recognised() {
    let (d, input) = workdir();
    let rows: Vec<Row> = ["3.5", "x", "x", "12月31日"]
        .iter()
        .enumerate()
        .map(|(i, date)| Row::new(&format!("办公室信息{i}"), date))
        .collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_items_sheet(ws, "办公室", "2019", "3", &rows);
    // rows 6 and 7 (C7, C8): numbers, the first in the template's date format
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_number_with_format(6, 2, 3.15, &date).unwrap();
    ws.write_number(7, 2, 3.1).unwrap();
    wb.save(input.join("办公室.xlsx")).unwrap();
    let p = problems(d.path());
    assert_eq!(
        message(&p, "C6", "E-DATE"),
        "报送日期“3.5”不是有效日期，是否为 3月5日？请写成 2019-03-05"
    );
    assert!(
        message(&p, "C7", "E-DATE").ends_with("是否为 3月15日？请写成 2019-03-15"),
        "{p:?}"
    );
    assert!(
        message(&p, "C8", "E-DATE").ends_with("是否为 3月1日或3月10日？请写成 2019-03-01"),
        "{p:?}"
    );
    assert!(
        message(&p, "C9", "E-DATE").ends_with("是否为 12月31日？请写成 2019-12-31"),
        "{p:?}"
    );
    // never read as a day of 1900
    assert!(!p.iter().any(|x| x.1 == "E-DATE-YEAR"), "{p:?}");
}

/// A date Excel completed with the year it was typed in.
#[test]
fn a_date_of_another_year_offers_the_same_day_of_the_year() {
    let (d, input) = workdir();
    let rows = [Row::new("办公室的信息", "2026-03-05")];
    section_file(&input.join("办公室.xlsx"), "办公室", 2019, 3, &rows);
    let p = problems(d.path());
    assert_eq!(
        message(&p, "C6", "E-DATE-YEAR"),
        "报送日期 2026-03-05 不在考核年度 2019 内，本行不计。是否为 2019-03-05？请核对日期"
    );
}

#[test]
fn a_misspelt_category_gets_the_closest_name() {
    let (d, input) = workdir();
    let rows = [Row::new("办公室的信息", "2019-03-05").category("常规新息")];
    section_file(&input.join("办公室.xlsx"), "办公室", 2019, 3, &rows);
    let p = problems(d.path());
    assert!(
        message(&p, "D6", "E-VALUE")
            .starts_with("信息类别“常规新息”不在允许的类别中（是否为“常规信息”？）"),
        "{p:?}"
    );
}

/// Items past the base cap say why their 基础分 is 0, with the cap of the rules in force.
#[test]
fn items_past_the_base_cap_say_why_they_score_no_base_points() {
    let (d, input) = workdir();
    section_file(
        &input.join("办公室.xlsx"),
        "办公室",
        2019,
        3,
        &routine_rows("办公室", 32, 3),
    );
    std::fs::write(
        d.path().join("rules.toml"),
        zwxx::rules::DEFAULT_RULES_TOML.replace("cap = 60", "cap = 50"),
    )
    .unwrap();
    let o = zwxx(d.path(), &["score", "in", "-q", "--rules", "rules.toml"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let g = sheet_text(
        &d.path().join("2019年度政务信息工作考核结果.xlsx"),
        "办公室",
    );
    let head = g.iter().find(|r| r[1] == "信息标题").unwrap();
    let state = head.iter().position(|h| h == "计分情况").unwrap();
    let states: Vec<&str> = g
        .iter()
        .filter(|r| r[1].starts_with("办公室"))
        .map(|r| r[state].as_str())
        .collect();
    assert_eq!(states.len(), 32);
    assert!(states[..25].iter().all(|s| *s == "计分"), "{states:?}");
    assert!(
        states[25..]
            .iter()
            .all(|s| *s == "计分（超出50分上限，不计基础分）"),
        "{states:?}"
    );
}

/// Staff have no command line: a file that is not the form names the form.
#[test]
fn staff_messages_name_the_form_not_a_command() {
    let (d, input) = workdir();
    cells_file(
        &input.join("随便.xlsx"),
        &[("Sheet1", vec![(0, 0, "标题")])],
    );
    let p = problems(d.path());
    let m = message(&p, "", "E-FILE-TEMPLATE");
    assert!(
        m.contains("《政务信息报送表》") && !m.contains("zwxx"),
        "{m}"
    );
}

/// The register given with --register counts in the file summary.
#[test]
fn a_register_given_with_the_option_is_counted() {
    let (d, input) = workdir();
    let reg = Reg::with_sections(&["办公室"]);
    register_file(&d.path().join("登记表.xlsx"), &reg);
    section_file(
        &input.join("办公室.xlsx"),
        "办公室",
        2019,
        3,
        &routine_rows("办公室", 2, 3),
    );
    let o = zwxx(d.path(), &["score", "in", "--register", "登记表.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(stdout(&o).contains("登记表 1 个"), "{}", stdout(&o));
}

/// An output folder under a file: the reason is Chinese, not the system's English.
#[test]
fn an_output_folder_under_a_file_is_refused_in_chinese() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("afile"), b"x").unwrap();
    for args in [
        vec!["template", "-o", "afile"],
        vec!["template", "-o", "afile/sub"],
    ] {
        let o = zwxx(d.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("afile") && !err.contains("os error") && !err.contains("exists"),
            "{args:?}: {err}"
        );
    }
}
