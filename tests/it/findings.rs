//! One fixture and one test per finding code: each checks the code, the cell and the severity
//! (the README's catalog lists the same codes). Fixtures are written by the test itself in the
//! template's shape, with one mistake each.

use crate::common;
use common::*;
use std::path::Path;
use zwxx::model::Severity::{self, Error, Warning};

/// Assert that the run over `input` reports `code` at `cell` with `sev` in a file ending `file`.
fn expect(input: &Path, file: &str, code: &str, cell: &str, sev: Severity) {
    let a = assess(input, None);
    let got = findings_of(&a, file);
    assert!(
        got.iter()
            .any(|(c, x, s)| *c == code && x == cell && *s == sev),
        "expected {code} at {file}!{cell} ({sev:?}), got {got:?}"
    );
}

fn one_row(input: &Path, row: Row) {
    section_file(&input.join("a.xlsx"), "办公室", 2019, 3, &[row]);
}

fn ok_row() -> Row {
    Row::new("园区企业用电保障情况", "2019-03-05")
}

// ---- file errors ----

#[cfg(unix)]
#[test]
fn e_file_read() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    std::os::unix::fs::symlink(input.join("nowhere.xlsx"), input.join("断开的链接.xlsx")).unwrap();
    expect(&input, "断开的链接.xlsx", "E-FILE-READ", "", Error);
}

#[test]
fn e_file_format() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    std::fs::write(input.join("改名的文本.xlsx"), "这不是表格\n").unwrap();
    expect(&input, "改名的文本.xlsx", "E-FILE-FORMAT", "", Error);
}

#[test]
fn e_file_corrupt() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    let bytes = std::fs::read(input.join("a.xlsx")).unwrap();
    std::fs::write(input.join("截断.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    let a = assess(&input, None);
    let got = findings_of(&a, "截断.xlsx");
    assert!(
        matches!(got.as_slice(), [(c, x, Error)] if c.starts_with("E-FILE-") && x.is_empty()),
        "{got:?}"
    );
}

#[test]
fn e_file_template() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    cells_file(
        &input.join("别的表.xlsx"),
        &[("Sheet1", vec![(0, 0, "姓名"), (0, 1, "电话")])],
    );
    expect(&input, "别的表.xlsx", "E-FILE-TEMPLATE", "", Error);
}

#[test]
fn e_file_template_names_missing_columns() {
    let (_d, input) = workdir();
    cells_file(
        &input.join("缺列.xlsx"),
        &[(
            "报送信息",
            vec![
                (0, 0, "股室"),
                (0, 1, "办公室"),
                (1, 0, "报送年份"),
                (1, 1, "2019"),
                (2, 0, "报送月份"),
                (2, 1, "3"),
                (3, 0, "填报人"),
                (3, 1, "甲"),
                (4, 0, "信息标题"),
                (4, 1, "报送日期"),
            ],
        )],
    );
    let a = assess(&input, Some("2019-12-31"));
    let f = a
        .findings
        .iter()
        .find(|f| f.code == "E-FILE-TEMPLATE")
        .unwrap();
    assert!(
        f.message.contains("信息类别")
            && f.message.contains("撰稿人")
            && f.message.contains("审核人"),
        "{}",
        f.message
    );
}

#[test]
fn e_file_header() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    write_items_sheet(ws, "办公室", "2019", "十三月", &[ok_row()]);
    wb.save(input.join("坏月份.xlsx")).unwrap();
    expect(&input, "坏月份.xlsx", "E-FILE-HEADER", "F2", Error);
}

#[test]
fn e_file_section_suggests_the_closest_name() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    section_file(&input.join("b.xlsx"), "经济运行", 2019, 3, &[ok_row()]);
    expect(&input, "b.xlsx", "E-FILE-SECTION", "B2", Error);
    let a = assess(&input, None);
    assert!(
        a.findings
            .iter()
            .any(|f| f.code == "E-FILE-SECTION" && f.message.contains("经济运行股"))
    );
}

#[test]
fn e_file_year() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    section_file(&input.join("b.xlsx"), "经济运行股", 2019, 3, &[ok_row()]);
    section_file(
        &input.join("去年.xlsx"),
        "办公室",
        2018,
        12,
        &[Row::new("去年的信息", "2018-12-01")],
    );
    expect(&input, "去年.xlsx", "E-FILE-YEAR", "D2", Error);
}

#[test]
fn e_file_register() {
    let (d, input) = workdir();
    one_row(&input, ok_row());
    register_file(
        &input.join("登记表1.xlsx"),
        &Reg::with_sections(&["办公室"]),
    );
    register_file(
        &input.join("登记表2.xlsx"),
        &Reg::with_sections(&["办公室", "经济运行股"]),
    );
    // With --register naming one, the other among the inputs is unused.
    let out = zwxx(
        d.path(),
        &[
            "validate",
            "in",
            "--register",
            "in/登记表1.xlsx",
            "--format",
            "csv",
        ],
    );
    let listed = stdout(&out);
    let line = listed.lines().find(|l| l.contains("E-FILE-REGISTER"));
    assert!(
        line.is_some_and(|l| l.contains("登记表2.xlsx") && l.contains("in/登记表1.xlsx")),
        "{listed}"
    );
    assert!(!listed.contains("E-REG-FILES"), "{listed}");
}

/// Without --register, two registers of different content: which is meant cannot be told.
#[test]
fn e_reg_files() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    register_file(
        &input.join("登记表1.xlsx"),
        &Reg::with_sections(&["办公室"]),
    );
    register_file(
        &input.join("登记表2.xlsx"),
        &Reg::with_sections(&["办公室", "经济运行股"]),
    );
    expect(&input, "登记表2.xlsx", "E-REG-FILES", "", Error);
}

// ---- row errors ----

#[test]
fn e_required() {
    let (_d, input) = workdir();
    let mut r = ok_row();
    r.reviewer = String::new();
    one_row(&input, r);
    expect(&input, "a.xlsx", "E-REQUIRED", "L6", Error);
}

#[test]
fn e_date() {
    let (_d, input) = workdir();
    one_row(&input, Row::new("日期写错的信息", "2019.13.2"));
    expect(&input, "a.xlsx", "E-DATE", "C6", Error);
}

#[test]
fn e_date_year() {
    let (_d, input) = workdir();
    one_row(&input, Row::new("跨年的信息", "2018-12-30"));
    expect(&input, "a.xlsx", "E-DATE-YEAR", "C6", Error);
}

#[test]
fn e_value_lists_allowed_values() {
    let (_d, input) = workdir();
    one_row(&input, ok_row().category("常规新息"));
    expect(&input, "a.xlsx", "E-VALUE", "D6", Error);
    let a = assess(&input, None);
    assert!(a.findings.iter().any(|f| {
        f.code == "E-VALUE"
            && f.message
                .contains("常规信息、重要信息、突发信息、约稿信息、调研信息")
    }));
}

#[test]
fn e_value_bad_flag_and_officer() {
    let (_d, input) = workdir();
    let mut r = ok_row().officer("待定");
    r.adopted = vec![];
    one_row(&input, r);
    expect(&input, "a.xlsx", "E-VALUE", "M6", Error);
}

#[test]
fn e_task() {
    let (_d, input) = workdir();
    one_row(&input, ok_row().category("约稿信息").task("X-99"));
    register_file(
        &input.join("reg.xlsx"),
        &Reg::with_sections(&["办公室"]).task("T1", "办公室", "2019-06-30", ""),
    );
    expect(&input, "a.xlsx", "E-TASK", "E6", Error);
}

#[test]
fn e_reg_section() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    register_file(
        &input.join("reg.xlsx"),
        &Reg::with_sections(&["办公室"]).task("T1", "财务股", "2019-06-30", ""),
    );
    expect(&input, "reg.xlsx", "E-REG-SECTION", "B2", Error);
}

#[test]
fn e_reg_dup_task() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    let reg = Reg::with_sections(&["办公室"])
        .task("T1", "办公室", "2019-06-30", "")
        .task("T1", "办公室", "2019-07-30", "");
    register_file(&input.join("reg.xlsx"), &reg);
    expect(&input, "reg.xlsx", "E-REG-DUP-TASK", "A3", Error);
}

#[test]
fn e_reg_value_deduction_category() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    register_file(
        &input.join("reg.xlsx"),
        &Reg::with_sections(&["办公室"]).deduction("办公室", "2019-03-01", "迟到", ""),
    );
    expect(&input, "reg.xlsx", "E-REG-VALUE", "C2", Error);
}

#[test]
fn e_reg_date() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    register_file(
        &input.join("reg.xlsx"),
        &Reg::with_sections(&["办公室"]).task("T1", "办公室", "六月底", ""),
    );
    expect(&input, "reg.xlsx", "E-REG-DATE", "F2", Error);
}

// ---- warnings ----

#[test]
fn w_task_missing() {
    let (_d, input) = workdir();
    one_row(&input, ok_row().category("调研信息"));
    expect(&input, "a.xlsx", "W-TASK-MISSING", "E6", Warning);
}

#[test]
fn w_task_other() {
    let (_d, input) = workdir();
    one_row(
        &input,
        ok_row().category("约稿信息").task("T1").adopted(&[0]),
    );
    register_file(
        &input.join("reg.xlsx"),
        &Reg::with_sections(&["办公室", "经济运行股"]).task("T1", "经济运行股", "2019-06-30", ""),
    );
    expect(&input, "a.xlsx", "W-TASK-OTHER", "E6", Warning);
    let a = assess(&input, None);
    assert_eq!(
        section(&a, "经济运行股").tasks[0].points,
        -15,
        "another section's item completes nothing"
    );
    assert_eq!(
        section(&a, "办公室").qualifying(),
        1,
        "the item itself still counts"
    );
}

fn leaders_reg() -> Reg {
    let mut reg = Reg::with_sections(&["办公室"]);
    reg.leaders = vec![
        ("杨局长".into(), "主要负责人".into()),
        ("陶副局长".into(), "分管负责人".into()),
    ];
    reg
}

#[test]
fn w_reviewer() {
    let (_d, input) = workdir();
    one_row(&input, ok_row().reviewer("张科员"));
    register_file(&input.join("reg.xlsx"), &leaders_reg());
    expect(&input, "a.xlsx", "W-REVIEWER", "L6", Warning);
}

#[test]
fn w_approval() {
    let (_d, input) = workdir();
    one_row(&input, ok_row().category("突发信息").reviewer("陶副局长"));
    register_file(&input.join("reg.xlsx"), &leaders_reg());
    expect(&input, "a.xlsx", "W-APPROVAL", "L6", Warning);
}

#[test]
fn w_dup_in_file() {
    let (_d, input) = workdir();
    section_file(
        &input.join("a.xlsx"),
        "办公室",
        2019,
        3,
        &[ok_row(), ok_row()],
    );
    expect(&input, "a.xlsx", "W-DUP-IN-FILE", "B7", Warning);
    assert_eq!(section(&assess(&input, None), "办公室").qualifying(), 1);
}

#[test]
fn w_dup_date() {
    let (_d, input) = workdir();
    section_file(&input.join("a.xlsx"), "办公室", 2019, 3, &[ok_row()]);
    section_file(
        &input.join("b.xlsx"),
        "办公室",
        2019,
        4,
        &[Row::new("园区企业用电保障情况", "2019-04-05")],
    );
    expect(&input, "b.xlsx", "W-DUP-DATE", "B6", Warning);
    assert_eq!(
        section(&assess(&input, None), "办公室").qualifying(),
        2,
        "both count until fixed"
    );
}

#[test]
fn w_dup_section() {
    let (_d, input) = workdir();
    section_file(&input.join("a.xlsx"), "办公室", 2019, 3, &[ok_row()]);
    section_file(
        &input.join("b.xlsx"),
        "经济运行股",
        2019,
        3,
        &[Row::new("园区企业用电保障情况", "2019-03-09")],
    );
    expect(&input, "b.xlsx", "W-DUP-SECTION", "B6", Warning);
}

#[test]
fn w_same_month() {
    let (_d, input) = workdir();
    section_file(&input.join("a.xlsx"), "办公室", 2019, 3, &[ok_row()]);
    section_file(
        &input.join("a2.xlsx"),
        "办公室",
        2019,
        3,
        &[Row::new("另一条", "2019-03-09")],
    );
    expect(&input, "a2.xlsx", "W-SAME-MONTH", "", Warning);
}

#[test]
fn w_column_and_w_column_missing() {
    let (_d, input) = workdir();
    let mut cells = vec![
        (1, 0, "股室"),
        (1, 1, "办公室"),
        (1, 2, "报送年份"),
        (1, 3, "2019"),
        (1, 4, "报送月份"),
        (1, 5, "3"),
        (2, 0, "填报人"),
        (2, 1, "甲"),
    ];
    let header = [
        "信息标题",
        "报送日期",
        "信息类别",
        "撰稿人",
        "审核人",
        "区政府办《政务信息》普刊",
        "联系人",
    ];
    for (c, h) in header.iter().enumerate() {
        cells.push((4, c as u16, *h));
    }
    let row = ["标题", "2019-03-01", "常规信息", "甲", "乙", "是", "丙"];
    for (c, v) in row.iter().enumerate() {
        cells.push((5, c as u16, *v));
    }
    cells_file(&input.join("a.xlsx"), &[("报送信息", cells)]);
    expect(&input, "a.xlsx", "W-COLUMN", "G5", Warning);
    expect(&input, "a.xlsx", "W-COLUMN-MISSING", "", Warning);
    assert_eq!(
        parts(&assess(&input, None), "办公室"),
        (2, 5, 0, 0, 7),
        "columns found by label in any order"
    );
}

#[test]
fn w_merged() {
    let (_d, input) = workdir();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    write_items_sheet(
        ws,
        "办公室",
        "2019",
        "3",
        &[ok_row(), Row::new("第二条", "")],
    );
    // The date merged over both rows: the second row takes the top-left value.
    ws.merge_range(5, 2, 6, 2, "2019-03-05", &rust_xlsxwriter::Format::new())
        .unwrap();
    wb.save(input.join("a.xlsx")).unwrap();
    expect(&input, "a.xlsx", "W-MERGED", "C6", Warning);
    assert_eq!(section(&assess(&input, None), "办公室").qualifying(), 2);
}

#[test]
fn w_long_title() {
    let (_d, input) = workdir();
    one_row(&input, Row::new(&"很长的标题".repeat(20), "2019-03-05"));
    expect(&input, "a.xlsx", "W-LONG-TITLE", "B6", Warning);
}

#[test]
fn w_classified() {
    let (_d, input) = workdir();
    one_row(&input, Row::new("关于某项目的机密情况汇报", "2019-03-05"));
    expect(&input, "a.xlsx", "W-CLASSIFIED", "B6", Warning);
}

#[test]
fn e_file_header_missing_filler() {
    let (_d, input) = workdir();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    write_items_sheet(ws, "办公室", "2019", "3", &[ok_row()]);
    ws.clear_cell(2, 1);
    wb.save(input.join("a.xlsx")).unwrap();
    expect(&input, "a.xlsx", "E-FILE-HEADER", "A3", Error);
}

#[test]
fn w_register() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    let mut reg = Reg::with_sections(&["办公室"]);
    reg.leaders = vec![("李局长".into(), "一把手".into())];
    register_file(&input.join("reg.xlsx"), &reg);
    // 角色 only decides W-APPROVAL warnings: an unknown one is a warning of its own.
    expect(&input, "reg.xlsx", "W-REGISTER", "C2", Warning);
}

/// An outdated template: the marker on the hidden list sheet (files saved where the defined
/// name was lost), or the template's own defined name (the list sheet is then not read).
#[test]
fn w_template_version() {
    for (sheet_marker, name_marker) in [
        ("zwxx-template-0", None),
        ("zwxx-template-1", Some("=\"zwxx-template-0\"")),
    ] {
        let (_d, input) = workdir();
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        write_items_sheet(ws, "办公室", "2019", "3", &[ok_row()]);
        let lists = wb.add_worksheet().set_name("下拉列表").unwrap();
        lists.write(0, 0, sheet_marker).unwrap();
        lists.set_hidden(true);
        if let Some(m) = name_marker {
            wb.define_name("zwxx_template_version", m).unwrap();
        }
        wb.save(input.join("a.xlsx")).unwrap();
        expect(&input, "a.xlsx", "W-TEMPLATE-VERSION", "", Warning);
    }
}

#[test]
fn w_dup_in_file_also_in_a_file_that_lost_the_merge() {
    let (_d, input) = workdir();
    section_file(
        &input.join("a.xlsx"),
        "办公室",
        2019,
        3,
        &[ok_row(), ok_row()],
    );
    section_file(&input.join("b.xlsx"), "办公室", 2019, 4, &[ok_row()]);
    expect(&input, "a.xlsx", "W-DUP-IN-FILE", "B7", Warning);
}

#[test]
fn a_merged_footer_line_is_not_an_item() {
    // A signature line merged across the table under the items: no item, no row errors.
    let (_d, input) = workdir();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    write_items_sheet(ws, "办公室", "2019", "3", &[ok_row()]);
    ws.merge_range(
        7,
        0,
        7,
        13,
        "股室负责人签字:          信息员签字:",
        &rust_xlsxwriter::Format::new(),
    )
    .unwrap();
    wb.save(input.join("a.xlsx")).unwrap();
    let a = assess(&input, None);
    assert_eq!(a.error_count(), 0, "{:#?}", a.findings);
    assert!(a.findings.iter().all(|f| f.code != "W-MERGED"));
    assert_eq!(section(&a, "办公室").qualifying(), 1);
}

#[test]
fn register_sheet_missing_a_column_names_it() {
    let (_d, input) = workdir();
    one_row(&input, ok_row());
    cells_file(
        &input.join("reg.xlsx"),
        &[
            ("股室名单", vec![(0, 0, "股室"), (1, 0, "办公室")]),
            (
                "约稿任务",
                vec![
                    (0, 0, "任务编号"),
                    (0, 1, "股室"),
                    (0, 2, "截止时间"),
                    (1, 0, "T1"),
                    (1, 1, "办公室"),
                    (1, 2, "2019-06-30"),
                ],
            ),
        ],
    );
    let a = assess(&input, None);
    let f = a
        .findings
        .iter()
        .find(|f| f.file.ends_with("reg.xlsx") && f.code == "E-REG-SHEET" && f.sheet == "约稿任务")
        .expect("named");
    assert!(f.message.contains("截止日期"), "{}", f.message);
    assert!(
        a.findings
            .iter()
            .any(|f| f.code == "W-COLUMN" && f.cell == "C1")
    );
    assert!(
        !a.findings.iter().any(|f| f.code == "E-REG-REQUIRED"),
        "no per-row noise"
    );
}

#[test]
fn a_folder_mixing_good_and_bad_files_reads_the_good_and_reports_the_bad() {
    let (d, input) = workdir();
    section_file(
        &input.join("good.xlsx"),
        "办公室",
        2019,
        3,
        &[ok_row().adopted(&[0])],
    );
    let broken = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    for f in [
        "truncated.xlsx",
        "encrypted.xlsx",
        "text-renamed.xlsx",
        "zip-bomb-ratio.xlsx",
    ] {
        std::fs::copy(broken.join(f), input.join(f)).unwrap();
    }
    let out = zwxx(
        d.path(),
        &["score", "in", "-o", "out.xlsx", "--as-of", "2019-12-31"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let office = text.lines().find(|l| l.contains("办公室")).unwrap();
    assert!(
        office.contains(" 7 "),
        "the good file's item scores 2 + 5: {office}"
    );
    let a = assess(&input, None);
    for (f, code) in [
        ("truncated.xlsx", "E-FILE-CORRUPT"),
        ("encrypted.xlsx", "E-FILE-ENCRYPTED"),
        ("text-renamed.xlsx", "E-FILE-FORMAT"),
        ("zip-bomb-ratio.xlsx", "E-FILE-LIMIT"),
    ] {
        assert!(
            findings_of(&a, f).iter().any(|x| x.0 == code),
            "{f}: {:?}",
            findings_of(&a, f)
        );
    }
}

#[test]
fn validate_formats_and_exit_status() {
    let (d, input) = workdir();
    one_row(&input, ok_row());
    let clean = zwxx(d.path(), &["validate", "in"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    section_file(
        &input.join("b.xlsx"),
        "经济运行股",
        2019,
        3,
        &[Row::new("错日期", "2019.13.2")],
    );
    let json = zwxx(d.path(), &["validate", "in", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let text = stdout(&json);
    for key in [
        "\"file\":",
        "\"sheet\":",
        "\"cell\":",
        "\"severity\": \"error\"",
        "\"code\": \"E-DATE\"",
        "\"message\":",
    ] {
        assert!(text.contains(key), "{key} missing in {text}");
    }
    assert!(text.trim_start().starts_with('[') && text.trim_end().ends_with(']'));
    let csv = zwxx(d.path(), &["validate", "in", "--format", "csv"]);
    assert_eq!(csv.status.code(), Some(1));
    let body = stdout(&csv);
    assert!(body.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    assert!(
        body.lines()
            .next()
            .unwrap()
            .ends_with("文件,工作表,单元格,级别,代码,说明")
    );
    assert!(body.contains("C6,错误,E-DATE"), "{body}");
}
