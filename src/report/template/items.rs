//! The `报送信息` sheet of 政务信息报送表: title, header block, then the items table with one
//! column per adoption level of the rules.

use rust_xlsxwriter::{DataValidation, DataValidationRule, Formula, Worksheet, XlsxError};

use super::layout::{
    Column, Kind, Lists, Styles, date_rule, fit_width, hint, hinted, inline_choice, print_setup,
    protect, refuse_others, row_height, write_table, write_title,
};
use super::{HEADER_BLOCK_ROW, ITEM_ROWS, ITEMS_HEADER_ROW};
use crate::labels;
use crate::rules::Rules;

/// Whole-number range accepted in `报送年份` (widened to include the template's year).
const YEAR_RANGE: (i32, i32) = (2000, 2099);

/// The items sheet: title, header block, then the items table.
pub(super) fn items_sheet<'a>(
    ws: &'a mut Worksheet,
    st: &Styles,
    rules: &Rules,
    roster_range: Option<&str>,
    lists: &mut Lists,
    year: i32,
) -> Result<&'a mut Worksheet, XlsxError> {
    let mut columns = item_columns(rules, lists, year)?;
    let block = header_block(roster_range, year)?;
    widen_for_block(&mut columns, &block);
    ws.set_name(labels::SHEET_ITEMS)?;
    let mut widths: Vec<f64> = columns.iter().map(|c| c.width).collect();
    write_title(ws, st, labels::ITEMS_TITLE, &mut widths)?;
    for (c, w) in columns.iter_mut().zip(widths) {
        c.width = w;
    }
    write_header_block(ws, st, &block, year)?;
    ws.set_row_height(HEADER_BLOCK_ROW, row_height(1) + 4.0)?;
    ws.set_selection(HEADER_BLOCK_ROW, 1, HEADER_BLOCK_ROW, 1)?;

    write_table(ws, st, ITEMS_HEADER_ROW, &columns, ITEM_ROWS)?;
    print_setup(ws, &format!("{}（{year}年度）", labels::ITEMS_TITLE));
    protect(ws);
    Ok(ws)
}

/// The header block's labels (label, value, label, value … in one row) and the checks of
/// their values.
type HeaderBlock = [(&'static str, Option<DataValidation>); 5];

/// The items table's columns: the fixed ones, one per adoption level after 约稿任务编号.
fn item_columns(rules: &Rules, lists: &mut Lists, year: i32) -> Result<Vec<Column>, XlsxError> {
    let mut columns = Vec::new();
    for label in labels::ITEM_FIXED_COLUMNS {
        columns.push(item_column(label, rules, lists, year)?);
        if label == labels::C_TASK {
            for level in &rules.adoption {
                let message = format!(
                    "被{}采用的填“是”，未采用填“否”或留空。\n采用通知晚到的，可在以后月份的报送表中补填。",
                    level.label
                );
                let v = inline_choice("采用情况", &[labels::YES, labels::NO], &message)?;
                columns.push(Column::new(&level.label, 7.0, Kind::Choice).with(v));
            }
        }
    }

    Ok(columns)
}

/// The header block: 股室 (from the roster when there is one), 报送年份, 报送月份, 填表人, 联系电话.
fn header_block(roster_range: Option<&str>, year: i32) -> Result<HeaderBlock, XlsxError> {
    let year_range = (YEAR_RANGE.0.min(year), YEAR_RANGE.1.max(year));
    let month_values: Vec<String> = (1..=12).map(|m| m.to_string()).collect();
    let month_values: Vec<&str> = month_values.iter().map(String::as_str).collect();
    let section = match roster_range {
        Some(range) => Some(refuse_others(
            hinted(
                DataValidation::new().allow_list_formula(Formula::new(range)),
                labels::H_SECTION,
                "从下拉列表选择本股室名称。",
            )?,
            labels::H_SECTION,
            "股室名单中的股室名称",
        )?),
        None => None,
    };
    Ok([
        (labels::H_SECTION, section),
        (
            labels::H_YEAR,
            Some(
                hinted(
                    DataValidation::new().allow_whole_number(DataValidationRule::Between(
                        year_range.0,
                        year_range.1,
                    )),
                    labels::H_YEAR,
                    &format!("考核年度，如 {year}。"),
                )?
                .set_error_title("报送年份填写有误")?
                .set_error_message(format!("请填写四位数的年份，如 {year}。"))?,
            ),
        ),
        (
            labels::H_MONTH,
            Some(inline_choice(
                labels::H_MONTH,
                &month_values,
                "本表报送的月份（1-12）。\n全年在同一个文件里续填的，填最近一次报送的月份。",
            )?),
        ),
        (
            labels::H_FILLER,
            Some(hint(labels::H_FILLER, "填表人姓名。")?),
        ),
        (
            labels::H_PHONE,
            Some(hint(labels::H_PHONE, "填表人联系电话，可不填。")?),
        ),
    ])
}

/// Make room for the header block's labels and values in whatever columns they land on.
fn widen_for_block(columns: &mut [Column], block: &HeaderBlock) {
    for (i, (label, _)) in block.iter().enumerate() {
        let (label_col, value_col) = (2 * i, 2 * i + 1);
        if let Some(c) = columns.get_mut(label_col) {
            c.width = c.width.max(fit_width(label));
        }
        if let Some(c) = columns.get_mut(value_col) {
            let value_width = match *label {
                labels::H_SECTION => 20.0,
                labels::H_PHONE => 11.0,
                labels::H_FILLER => 8.0,
                _ => 6.0,
            };
            c.width = c.width.max(value_width);
        }
    }
}

/// The header block's cells, the year filled in, with their checks.
fn write_header_block(
    ws: &mut Worksheet,
    st: &Styles,
    block: &HeaderBlock,
    year: i32,
) -> Result<(), XlsxError> {
    for (i, (label, validation)) in block.iter().enumerate() {
        let (label_col, value_col) = ((2 * i) as u16, (2 * i + 1) as u16);
        ws.write_string_with_format(HEADER_BLOCK_ROW, label_col, *label, &st.label)?;
        if *label == labels::H_YEAR {
            ws.write_number_with_format(HEADER_BLOCK_ROW, value_col, year, &st.value_number)?;
        } else if *label == labels::H_MONTH {
            ws.write_blank(HEADER_BLOCK_ROW, value_col, &st.value_number)?;
        } else {
            ws.write_blank(HEADER_BLOCK_ROW, value_col, &st.value)?;
        }
        if let Some(v) = validation {
            ws.add_data_validation(HEADER_BLOCK_ROW, value_col, HEADER_BLOCK_ROW, value_col, v)?;
        }
    }
    Ok(())
}

/// A fixed column of the items table, with its hint and drop-down.
pub(super) fn item_column(
    label: &str,
    rules: &Rules,
    lists: &mut Lists,
    year: i32,
) -> Result<Column, XlsxError> {
    let commissioned = rules.categories.commissioned.join("、");
    let principal = rules.categories.leader_approval.join("、");
    let column = match label {
        labels::C_SEQ => Column::new(label, 5.0, Kind::Number),
        labels::C_TITLE => Column::new(label, 20.0, Kind::Wrap).with(hint(
            label,
            "每条信息占一行，填写所报信息的标题。\n涉密信息不得填入本表，不得通过电子邮件报送。",
        )?),
        labels::C_DATE => Column::new(label, 10.0, Kind::Date).with(date_rule(
            label,
            year,
            &format!("请填写报送日期，如 {year}-03-05。\n须为{year}年内的日期。"),
        )?),
        labels::C_CATEGORY => {
            let names: Vec<&str> = rules.categories.names.iter().map(String::as_str).collect();
            let mut message = format!("请从下拉列表选择：{}。", names.join("、"));
            if !commissioned.is_empty() {
                message.push_str(&format!("\n{commissioned}须填写约稿任务编号。"));
            }
            if !principal.is_empty() {
                message.push_str(&format!("\n{principal}须经主要负责人审核。"));
            }
            let width = names.iter().map(|n| fit_width(n)).fold(8.0, f64::max);
            let v = match lists.choice(label, &names)? {
                Some(v) => Some(hinted(v, label, &message)?),
                None => None,
            };
            Column::new(label, width, Kind::Choice).with_opt(v)
        }
        labels::C_TASK => {
            let message = if commissioned.is_empty() {
                "约稿、调研任务的编号，由信息员下达。".to_string()
            } else {
                format!(
                    "{commissioned}须填写信息员下达的约稿任务编号（如 {year}-01）；其他信息不填。"
                )
            };
            Column::new(label, 9.0, Kind::Text).with(hint(label, &message)?)
        }
        labels::C_ISSUE => Column::new(label, 11.0, Kind::Text).with(hint(
            label,
            &format!("被采用的刊物期号，如 {year}年第12期。"),
        )?),
        labels::C_AUTHOR => {
            Column::new(label, 7.0, Kind::Text).with(hint(label, "撰写本条信息的人员姓名。")?)
        }
        labels::C_REVIEWER => {
            let mut message = "审核本条信息的领导姓名（谁提供、谁审核、谁负责）。".to_string();
            if !principal.is_empty() {
                message.push_str(&format!(
                    "\n{principal}须由主要负责人（一把手）审核；其他信息由分管负责人审核。"
                ));
            }
            Column::new(label, 7.0, Kind::Text).with(hint(label, &message)?)
        }
        labels::C_OFFICER => Column::new(label, 7.0, Kind::Choice).with(inline_choice(
            label,
            &[labels::OFFICER_PASS, labels::OFFICER_REJECT],
            "由信息员填写，股室不填。\n留空视为“通过”；“不通过”的信息不计分。",
        )?),
        labels::C_REMARK => {
            Column::new(label, 8.0, Kind::Wrap).with(hint(label, "其他需要说明的事项，可不填。")?)
        }
        _ => Column::new(label, 12.0, Kind::Text),
    };
    Ok(column)
}
