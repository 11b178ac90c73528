//! Writes the source workbook of the LibreOffice fixtures: a section workbook filled the way
//! staff fill it — real dates, dates typed as text in several shapes, Excel serial numbers,
//! adoption flags as 是/√/Y/1/TRUE, full-width spaces, a formula with a cached value, the
//! header block with colons, an extra column inserted by hand and a blank row inside the table.
//! `tests/fixtures/libreoffice/make.sh` converts it with LibreOffice into .xlsx, .xls and .ods.
//!
//! Usage: cargo run --example lo_fixture -- OUT.xlsx

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: lo_fixture OUT.xlsx")?;
    let mut wb = Workbook::new();
    wb.add_worksheet()
        .set_name("填报说明")?
        .write(0, 0, "填报说明:每月报送一次")?;
    let ws = wb.add_worksheet().set_name("报送信息")?;
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.write(0, 0, "政务信息报送表")?;
    ws.write(1, 0, "股室:")?;
    ws.write(1, 1, " 科技管理股 ")?;
    ws.write(1, 3, "报送年份:")?;
    ws.write(1, 4, 2019)?;
    ws.write(1, 5, "报送月份:")?;
    ws.write(1, 6, "3月")?;
    ws.write(2, 0, "填报人:")?;
    ws.write(2, 1, "赵六")?;
    ws.write(2, 3, "联系电话")?;
    let headers = [
        "序号",
        "信息标题",
        "报送\n日期",
        "信息类别",
        "约稿任务编号",
        "区政府办《政务信息》普刊",
        "区政府办《政务信息》专刊",
        "省政府办公厅",
        "国务院办公厅",
        "采用期号",
        "撰稿人",
        "审核人",
        "信息员审核",
        "备注",
        "联系人(自加列)",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write(4, c as u16, *h)?;
    }
    // (title, date cell kind, category, flags per level, reviewer)
    let rows: [(&str, &str, &str, [&str; 4]); 8] = [
        (
            "全区科技项目申报工作启动",
            "real:2019-03-01",
            "常规信息",
            ["是", "", "", ""],
        ),
        (
            "高新技术企业培育工作推进会召开",
            "text:2019/3/5",
            "常规信息",
            ["√", "√", "", ""],
        ),
        (
            "科技特派员服务基层工作成效明显",
            "text:2019年3月8日",
            "重要信息",
            ["", "", "", ""],
        ),
        (
            "企业研发投入统计调研情况",
            "serial:43542",
            "调研信息",
            ["Y", "", "1", ""],
        ),
        (
            "科技成果转化 典型案例",
            "text:2019.3.20",
            "常规信息",
            ["TRUE", "", "", ""],
        ),
        ("", "", "", ["", "", "", ""]),
        (
            "知识产权保护宣传周活动开展",
            "text:20190325",
            "常规信息",
            ["否", "", "", ""],
        ),
        (
            "科普示范基地建设情况",
            "formula",
            "常规信息",
            ["", "", "", ""],
        ),
    ];
    let mut r = 5u32;
    for (i, (title, d, cat, flags)) in rows.iter().enumerate() {
        if title.is_empty() {
            r += 1; // a blank row inside the table
            continue;
        }
        ws.write(r, 0, (i + 1) as u32)?;
        ws.write(r, 1, *title)?;
        match d.split_once(':') {
            Some(("real", v)) => {
                ws.write_datetime_with_format(r, 2, ExcelDateTime::parse_from_str(v)?, &date)?;
            }
            Some(("text", v)) => {
                ws.write(r, 2, v)?;
            }
            Some(("serial", v)) => {
                ws.write(r, 2, v.parse::<f64>()?)?;
            }
            _ => {
                ws.write_formula_with_format(
                    r,
                    2,
                    Formula::new("=DATE(2019,3,28)").set_result("43552"),
                    &date,
                )?;
            }
        }
        ws.write(r, 3, *cat)?;
        if *cat == "调研信息" {
            ws.write(r, 4, "KJ-2019-01")?;
        }
        for (k, f) in flags.iter().enumerate() {
            if !f.is_empty() {
                ws.write(r, 5 + k as u16, *f)?;
            }
        }
        ws.write(r, 10, "赵六")?;
        ws.write(r, 11, "李局长")?;
        ws.write(r, 14, "赵六")?;
        r += 1;
    }
    wb.save(&out)?;
    Ok(())
}
