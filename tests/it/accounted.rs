//! Every file and every sheet accounted to its section (SPEC Merge, "Every file is accounted
//! to its section", "Corrected problems", W-SAME-MONTH, W-MONTH-STALE; 校验问题's 股室): run the
//! real binary and read what the officer and the sections get.

use crate::common;

use std::path::Path;

use common::*;

const RESULTS: &str = "结果.xlsx";

/// Whether any cell of the sheet holds `text`.
fn holds(rows: &[Vec<String>], text: &str) -> bool {
    rows.iter().flatten().any(|c| c == text)
}

/// The row of a table whose first cell is `first`.
fn row_of<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r.first().is_some_and(|c| c == first))
        .unwrap_or_else(|| panic!("no row {first}"))
}

/// A form whose items table lacks the 审核人 column (a staff member deleted it).
fn form_without_reviewer(path: &Path, section: &str, month: &str) {
    let mut cells: Cells = vec![
        (1, 0, "股室:"),
        (1, 1, section),
        (1, 2, "报送年份:"),
        (1, 3, "2019"),
        (1, 4, "报送月份:"),
        (1, 5, month),
        (2, 0, "填报人:"),
        (2, 1, "王五"),
    ];
    for (c, l) in ["序号", "信息标题", "报送日期", "信息类别", "撰稿人"]
        .iter()
        .enumerate()
    {
        cells.push((4, c as u16, l));
    }
    for (c, v) in ["1", "轻工业股四月信息", "2019-04-02", "常规信息", "张三"]
        .iter()
        .enumerate()
    {
        cells.push((5, c as u16, v));
    }
    cells_file(path, &[("报送信息", cells)]);
}

/// Four files refused as a whole, one per route: the 股室 cell of a form whose 报送月份 is
/// blank (办公室) or whose table lost a column (轻工业股, April), the unique near-miss of
/// `经济运行科` (经济运行股, March), and an unreadable file named after its section
/// (科技管理股). Each reaches its section's sheet of the results workbook, its feedback
/// workbook and its problem count; a readable month is `文件无效`, named apart in 备注.
#[test]
fn each_attribution_route_reaches_the_sections_sheet_and_feedback() {
    let (d, input) = workdir();
    section_file(
        &input.join("a.xlsx"),
        "办公室",
        2019,
        3,
        &routine_rows("办公室", 2, 3),
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    write_items_sheet(ws, "办公室", "2019", "", &routine_rows("办公室", 2, 4));
    wb.save(input.join("办公室四月.xlsx")).unwrap();
    section_file(
        &input.join("b.xlsx"),
        "经济运行科",
        2019,
        3,
        &routine_rows("经济运行", 3, 3),
    );
    std::fs::write(input.join("科技管理股-05月.xlsx"), "这不是表格").unwrap();
    form_without_reviewer(&input.join("c.xlsx"), "轻工业股", "4");

    let o = zwxx(
        d.path(),
        &[
            "score",
            "in",
            "-o",
            RESULTS,
            "--feedback",
            "fb",
            "--notice",
            "nt",
        ],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(!out.contains("未能归属股室"), "{out}");
    let results = d.path().join(RESULTS);
    let expected = [
        ("办公室", "E-FILE-HEADER", "办公室四月.xlsx"),
        ("经济运行股", "E-FILE-SECTION", "b.xlsx"),
        ("科技管理股", "E-FILE-FORMAT", "科技管理股-05月.xlsx"),
        ("轻工业股", "E-FILE-TEMPLATE", "c.xlsx"),
    ];
    let problems = sheet_text(&results, "校验问题");
    for (section, code, file) in expected {
        // 校验问题: 股室 first.
        let listed = problems
            .iter()
            .find(|r| r.len() > 5 && r[5] == code)
            .unwrap_or_else(|| panic!("{code} not listed"));
        assert_eq!(
            (listed[0].as_str(), listed[1].as_str()),
            (section, &*format!("in/{file}"))
        );
        // The section's own sheet lists it.
        assert!(
            holds(&sheet_text(&results, section), code),
            "{section} sheet lacks {code}"
        );
        // Its feedback workbook lists it.
        let fb = d.path().join("fb").join(format!("{section}-问题反馈.xlsx"));
        assert!(
            holds(&sheet_text(&fb, "问题清单"), code),
            "{section} feedback lacks {code}"
        );
        // Its count on the terminal.
        let line = out
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(section))
            .unwrap();
        assert!(line.contains("错1"), "{line}");
    }
    // The blank 报送月份 is marked on the copy of the sheet sent back.
    let fb = d.path().join("fb/办公室-问题反馈.xlsx");
    assert!(
        calamine::open_workbook_auto(&fb)
            .map(|wb| calamine::Reader::sheet_names(&wb).len())
            .unwrap()
            == 2
    );

    // 月度报送: the readable months of refused files are 文件无效, the others 未报送.
    let monthly = sheet_text(&results, "月度报送");
    let economy = row_of(&monthly, "经济运行股");
    assert_eq!(
        (economy[2].as_str(), economy[3].as_str()),
        ("未报送", "文件无效")
    );
    assert_eq!(row_of(&monthly, "轻工业股")[4], "文件无效");
    let office = row_of(&monthly, "办公室");
    assert_eq!((office[3].as_str(), office[4].as_str()), ("2", "未报送"));
    // 备注 names them apart; such a month still counts for 建议约谈.
    let ranking = sheet_text(&results, "考核排名");
    let remark = |s: &str| ranking.iter().find(|r| r[1] == s).unwrap()[11].clone();
    assert!(
        remark("经济运行股").contains("建议约谈：1至2月、4至12月未报送，3月文件无效；"),
        "{}",
        remark("经济运行股")
    );
    assert!(remark("轻工业股").contains("1至3月、5至12月未报送，4月文件无效"));
    // The notice's 建议约谈 says so too.
    let notice = xlsx_text(
        &d.path()
            .join("nt/2019年度政务信息工作考核结果的通报(草稿).docx"),
    );
    assert!(
        notice.contains("经济运行股有12个月（1至12月）未报送政务信息，其中3月报送的文件无效"),
        "{notice}"
    );
}

/// `validate --format json` and `--format csv` carry the section of each problem (empty only
/// where none can be told).
#[test]
fn validate_json_and_csv_name_the_section() {
    let (d, input) = workdir();
    section_file(
        &input.join("b.xlsx"),
        "经济运行科",
        2019,
        3,
        &routine_rows("经济运行", 1, 3),
    );
    std::fs::write(input.join("不知是谁的.xlsx"), "这不是表格").unwrap();
    let o = zwxx(d.path(), &["validate", "in", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json = stdout(&o);
    assert!(
        json.contains(r#"{"section": "经济运行股", "file": "in/b.xlsx""#),
        "{json}"
    );
    assert!(
        json.contains(r#"{"section": "", "file": "in/不知是谁的.xlsx""#),
        "{json}"
    );
    let o = zwxx(d.path(), &["validate", "in", "--format", "csv"]);
    let csv = stdout(&o);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap().trim_start_matches('\u{feff}'),
        "股室,文件,工作表,单元格,级别,代码,说明"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("经济运行股,in/b.xlsx,报送信息,B2,错误,E-FILE-SECTION,")),
        "{csv}"
    );
}

/// A workbook with a sheet per month and a sheet holding only a pasted table: each form is
/// read; the table without a header block is E-FILE-HEADER for that sheet alone, accounted to
/// the section named in the file's name.
#[test]
fn a_table_without_a_header_block_is_refused_for_its_sheet() {
    let (d, input) = workdir();
    let path = input.join("办公室2019.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    write_form(
        ws,
        "1月",
        "办公室",
        "2019",
        "1",
        &routine_rows("办公室", 2, 1),
    );
    let ws = wb.add_worksheet();
    write_form(
        ws,
        "2月",
        "办公室",
        "2019",
        "2",
        &routine_rows("办公室二", 3, 2),
    );
    let ws = wb.add_worksheet().set_name("汇总").unwrap();
    for (c, l) in item_columns().iter().enumerate() {
        ws.write(0, c as u16, *l).unwrap();
    }
    ws.write(1, 1, "汇总中的一条").unwrap();
    wb.save(&path).unwrap();

    let o = zwxx(d.path(), &["score", "in", "-o", RESULTS]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let results = d.path().join(RESULTS);
    let problems = sheet_text(&results, "校验问题");
    let refused: Vec<&Vec<String>> = problems
        .iter()
        .filter(|r| r.len() > 5 && r[5] == "E-FILE-HEADER")
        .collect();
    assert_eq!(refused.len(), 1, "{problems:?}");
    assert_eq!(
        refused[0][..5].to_vec(),
        ["办公室", "in/办公室2019.xlsx", "汇总", "", "错误"]
    );
    // Both months read: 5 items, 10 points.
    let ranking = sheet_text(&results, "考核排名");
    let office = ranking.iter().find(|r| r[1] == "办公室").unwrap();
    assert_eq!((office[2].as_str(), office[7].as_str()), ("5", "10"));
    // 考核说明 says what became of each sheet, in sheet order.
    let notes = sheet_text(&results, "考核说明");
    let file = notes.iter().find(|r| r[1] == "in/办公室2019.xlsx").unwrap();
    assert_eq!(file[2], "报送表");
    let detail = &file[3];
    let (jan, feb, sum) = (
        detail.find("工作表“1月”").unwrap(),
        detail.find("工作表“2月”").unwrap(),
        detail.find("工作表“汇总”").unwrap(),
    );
    assert!(jan < feb && feb < sum, "{detail}");
    assert!(out.contains("读取报送表 1 个（共 3 个工作表）"), "{out}");
}

/// A resend that fixes an error: the old row's problem is 已更正 (JSON `corrected`), the run
/// exits 0 and nothing is sent back; a resend that repeats the error settles nothing.
#[test]
fn a_resend_that_fixes_an_error_settles_it() {
    let (d, input) = workdir();
    let mut march = routine_rows("办公室", 2, 3);
    march.push(Row::new("办公室三月专题会议", "2019.13.5"));
    section_file(&input.join("办公室-03.xlsx"), "办公室", 2019, 3, &march);
    let before = zwxx(d.path(), &["validate", "in"]);
    assert_eq!(before.status.code(), Some(1), "{}", stdout(&before));

    // April's cumulative file holds March's items again, the date fixed.
    let mut april = routine_rows("办公室", 2, 3);
    april.push(Row::new("办公室三月专题会议", "2019-03-15"));
    april.extend(routine_rows("办公室四月", 1, 4));
    section_file(&input.join("办公室-04.xlsx"), "办公室", 2019, 4, &april);
    let o = zwxx(
        d.path(),
        &["score", "in", "-o", RESULTS, "--feedback", "fb"],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("问题合计：错误 0 个，警告 0 个，已更正 1 个"),
        "{out}"
    );
    assert!(out.contains("各股室均无问题"), "{out}");
    let problems = sheet_text(&d.path().join(RESULTS), "校验问题");
    let settled = problems
        .iter()
        .find(|r| r.len() > 5 && r[5] == "E-DATE")
        .unwrap();
    assert_eq!(
        settled[..5].to_vec(),
        ["办公室", "in/办公室-03.xlsx", "报送信息", "C8", "已更正"]
    );
    let json = stdout(&zwxx(d.path(), &["validate", "in", "--format", "json"]));
    assert!(
        json.contains(r#""severity": "corrected", "code": "E-DATE""#),
        "{json}"
    );

    // An error in the latest file stays an error.
    let mut may = april.clone();
    may[2] = Row::new("办公室三月专题会议", "2019.3.32");
    section_file(&input.join("办公室-05.xlsx"), "办公室", 2019, 5, &may);
    let o = zwxx(d.path(), &["validate", "in"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}

/// Two files of one month: the one saved later corrects the other, never the reverse.
#[test]
fn a_resend_of_the_same_month_corrects_by_its_save_time() {
    let (d, input) = workdir();
    let bad = vec![Row::new("办公室三月专题会议", "2019.13.5")];
    let good = vec![Row::new("办公室三月专题会议", "2019-03-15")];
    section_file_saved(
        &input.join("a.xlsx"),
        "办公室",
        3,
        &good,
        "2019-04-01 09:00:00",
    );
    section_file_saved(
        &input.join("b.xlsx"),
        "办公室",
        3,
        &bad,
        "2019-03-31 09:00:00",
    );
    let o = zwxx(d.path(), &["validate", "in"]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("[E-DATE] 已更正"), "{text}");
    section_file_saved(
        &input.join("b.xlsx"),
        "办公室",
        3,
        &bad,
        "2019-04-02 09:00:00",
    );
    let o = zwxx(d.path(), &["validate", "in"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
}

/// W-SAME-MONTH once per pair of files; a cumulative file resent with 报送月份 left at 1 gets
/// W-MONTH-STALE instead, with the SPEC's message.
#[test]
fn same_month_once_per_pair_and_a_stale_month_said_plainly() {
    // (file, message) of each finding of `code`, from `validate --format csv`.
    let codes = |input: &Path, code: &str| -> Vec<(String, String)> {
        let o = zwxx(
            input.parent().unwrap(),
            &["validate", "in", "--format", "csv"],
        );
        let text = stdout(&o);
        csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(Result::unwrap)
            .filter(|r| &r[5] == code)
            .map(|r| (r[1].to_string(), r[6].to_string()))
            .collect()
    };
    let (_d, input) = workdir();
    for (name, n) in [("a.xlsx", 1), ("b.xlsx", 2)] {
        section_file(
            &input.join(name),
            "办公室",
            2019,
            3,
            &routine_rows(name, n, 3),
        );
    }
    let pairs = codes(&input, "W-SAME-MONTH");
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert!(
        pairs[0].0.ends_with("b.xlsx") && pairs[0].1.contains("a.xlsx"),
        "{pairs:?}"
    );
    section_file(
        &input.join("c.xlsx"),
        "办公室",
        2019,
        3,
        &routine_rows("c", 1, 3),
    );
    assert_eq!(codes(&input, "W-SAME-MONTH").len(), 3, "one per pair");

    let (_d, input) = workdir();
    for m in 1..=3u32 {
        let rows: Vec<Row> = (1..=m)
            .flat_map(|k| routine_rows(&format!("办公室{k}月"), 2, k))
            .collect();
        section_file(
            &input.join(format!("累计-{m}.xlsx")),
            "办公室",
            2019,
            1,
            &rows,
        );
    }
    assert!(codes(&input, "W-SAME-MONTH").is_empty());
    let stale = codes(&input, "W-MONTH-STALE");
    let messages: Vec<&str> = stale.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(
        messages,
        [
            "报送月份为1月，表中有2月的信息，请更新报送月份",
            "报送月份为1月，表中有3月的信息，请更新报送月份"
        ]
    );
}

/// Paths given in any order on the command line (a shell's glob order depends on its locale)
/// give a byte-identical results workbook; byte-identical copies are read once, the first by
/// path.
#[test]
fn reversed_command_line_paths_give_a_byte_identical_results_workbook() {
    let d = tempfile::tempdir().unwrap();
    for dir in ["甲", "乙"] {
        std::fs::create_dir(d.path().join(dir)).unwrap();
    }
    register_file(
        &d.path().join("甲/考核登记表.xlsx"),
        &Reg::with_sections(&["办公室", "轻工业股"]),
    );
    section_file(
        &d.path().join("甲/办公室-03.xlsx"),
        "办公室",
        2019,
        3,
        &routine_rows("办公室", 3, 3),
    );
    std::fs::copy(
        d.path().join("甲/办公室-03.xlsx"),
        d.path().join("乙/办公室-03副本.xlsx"),
    )
    .unwrap();
    section_file(
        &d.path().join("乙/轻工业股.xlsx"),
        "轻工业股",
        2019,
        3,
        &routine_rows("轻工业股", 2, 3),
    );
    section_file(
        &d.path().join("乙/轻工业股-3.xlsx"),
        "轻工业股",
        2019,
        3,
        &routine_rows("轻工业股", 2, 3),
    );
    std::fs::write(d.path().join("乙/坏.xlsx"), "x").unwrap();
    let runs = [
        ["甲", "乙/轻工业股.xlsx", "乙"],
        ["乙", "乙/轻工业股.xlsx", "甲"],
    ];
    let mut bytes = Vec::new();
    for (k, args) in runs.iter().enumerate() {
        let out = format!("r{k}.xlsx");
        let mut all = vec!["score", "--as-of", "2019-12-31", "-o", &out];
        all.extend(args);
        let o = zwxx(d.path(), &all);
        assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
        bytes.push(std::fs::read(d.path().join(&out)).unwrap());
    }
    assert!(bytes[0] == bytes[1], "the results workbooks differ");
    let notes = sheet_text(&d.path().join("r0.xlsx"), "考核说明");
    let listed: Vec<&str> = notes
        .iter()
        .filter(|r| r.len() > 2 && (r[1].starts_with("甲/") || r[1].starts_with("乙/")))
        .map(|r| r[1].as_str())
        .collect();
    assert_eq!(
        listed,
        [
            "乙/办公室-03副本.xlsx",
            "乙/坏.xlsx",
            "乙/轻工业股-3.xlsx",
            "乙/轻工业股.xlsx",
            "甲/办公室-03.xlsx",
            "甲/考核登记表.xlsx"
        ]
    );
    let copy = notes.iter().find(|r| r[1] == "甲/办公室-03.xlsx").unwrap();
    assert_eq!(copy[2], "跳过", "{copy:?}");
}
