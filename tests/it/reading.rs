//! Locating by label in the shapes staff produce: values typed into the label cell, values a
//! few cells to the right, extra title rows, rows with only 序号, a blank value followed by
//! the next label.

use crate::common;
use common::*;

#[test]
fn header_values_inline_or_further_right_and_only_seq_rows_are_blank() {
    let (_d, input) = workdir();
    let cells = vec![
        (0, 0, "隆阳区工业和科技信息化局"),
        (1, 0, "政务信息报送表(2019年)"),
        (2, 0, "股室:经济运行股"),
        (2, 3, "报送年份"),
        (2, 6, "2019年"),
        (3, 0, " 报送月份 :"),
        (3, 1, "十一月"),
        (3, 4, "填报人:李四"),
        (6, 0, "序号"),
        (6, 1, "信息标题"),
        (6, 2, "报送日期"),
        (6, 3, "信息类别"),
        (6, 4, "撰稿人"),
        (6, 5, "审核人"),
        (7, 0, "1"),
        (7, 1, "工业经济运行分析"),
        (7, 2, "2019年11月4日"),
        (7, 3, "常规信息"),
        (7, 4, "李四"),
        (7, 5, "杨局长"),
        (8, 0, "2"),
        (9, 0, "3"),
        (11, 1, "规上企业 产值 增长"),
        (11, 2, "2019-11-20"),
        (11, 3, " 常规信息 "),
        (11, 4, "李四"),
        (11, 5, "杨局长"),
    ];
    cells_file(&input.join("a.xlsx"), &[("报送信息", cells)]);
    let a = assess(&input, None);
    assert_eq!(a.error_count(), 0, "{:#?}", a.findings);
    let s = section(&a, "经济运行股");
    assert_eq!(s.qualifying(), 2);
    assert!(s.submitted[10], "报送月份 十一月 read as 11");
    assert_eq!(a.rows.rows, 2, "rows with only 序号 are blank");
}

#[test]
fn blank_value_followed_by_next_label_is_missing() {
    let (_d, input) = workdir();
    let cells = vec![
        (0, 0, "股室"),
        (0, 2, "报送年份"),
        (0, 3, "2019"),
        (0, 4, "报送月份"),
        (0, 5, "3"),
        (1, 0, "填报人"),
        (1, 1, "甲"),
        (3, 0, "信息标题"),
        (3, 1, "报送日期"),
        (3, 2, "信息类别"),
        (3, 3, "撰稿人"),
        (3, 4, "审核人"),
    ];
    cells_file(&input.join("a.xlsx"), &[("报送信息", cells)]);
    let a = assess(&input, Some("2019-12-31"));
    let f = a
        .findings
        .iter()
        .find(|f| f.code == "E-FILE-HEADER")
        .expect("missing 股室 value");
    assert_eq!(f.cell, "A1");
}

#[test]
fn row_accounting_every_row_is_an_item_or_an_error() {
    let (_d, input) = workdir();
    let rows = [
        Row::new("正常的信息", "2019-03-01"),
        Row::new("日期错误", "2019-02-30"),
        Row::new("类别错误", "2019-03-02").category("普通"),
        Row::new("正常的信息二", "2019-03-03"),
    ];
    section_file(&input.join("a.xlsx"), "办公室", 2019, 3, &rows);
    let a = assess(&input, None);
    assert_eq!((a.rows.rows, a.rows.items, a.rows.refused), (4, 2, 2));
}

#[test]
fn full_width_colons_in_labels_and_inline_values() {
    let (_d, input) = workdir();
    let cells = vec![
        (0, 0, "股室\u{FF1A}办公室"),
        (0, 2, "报送年份\u{FF1A}"),
        (0, 3, "2019"),
        (0, 4, "报送月份\u{FF1A}"),
        (0, 5, "5"),
        (0, 6, "填报人\u{FF1A}"),
        (0, 7, "甲"),
        (2, 0, "信息标题\u{FF1A}"),
        (2, 1, "报送日期"),
        (2, 2, "信息类别"),
        (2, 3, "撰稿人"),
        (2, 4, "审核人"),
        (3, 0, "标题"),
        (3, 1, "2019\u{FF0D}05\u{FF0D}06"),
        (3, 2, "常规信息"),
        (3, 3, "甲"),
        (3, 4, "乙"),
    ];
    cells_file(&input.join("a.xlsx"), &[("报送信息", cells)]);
    let a = assess(&input, None);
    assert_eq!(a.error_count(), 0, "{:#?}", a.findings);
    assert_eq!(section(&a, "办公室").qualifying(), 1);
}
