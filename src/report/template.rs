//! The two blank templates, built from the rules: `政务信息报送表` (filled in by each section
//! every month) and `考核登记表` (the officer's register). Pure functions returning an
//! in-memory [`Workbook`]; `cmd::template` saves them.
//!
//! Both workbooks share one shape: a `填报说明` sheet whose scoring table is generated from
//! the rules, data sheets whose header labels come from [`crate::labels`] (so the reader finds
//! exactly what the writer wrote), drop-downs and input hints on every column where they help,
//! sheet protection that locks the labels but leaves every data row open (rows may be
//! inserted, deleted, sorted and filtered), A4 landscape printing, and a hidden `下拉列表`
//! sheet holding the long lists and the template version (also the defined name
//! [`labels::VERSION_NAME`]). The document creation time is fixed to 1 January of the year,
//! so the same rules and year always give byte-identical files.
//!
//! Layout helpers shared by every sheet live in `layout`; the sheets themselves in `items`
//! (报送信息), `register` (the register's tables) and `instructions` (填报说明).

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Workbook, XlsxError, worksheet_range_absolute,
};

use crate::labels;
use crate::rules::Rules;

use super::{DEFAULT_COLUMN_PIXELS, DEFAULT_ROW_PIXELS, body_font};

mod instructions;
mod items;
mod layout;
mod register;

use instructions::{instructions_sheet, register_instructions, scoring_rows, section_instructions};
use items::items_sheet;
use layout::{Kind, Lists, Styles, fit_width};
use register::{RuleChoices, register_columns, table_sheet};

/// Data rows left open for typing under the items table's header row.
pub const ITEM_ROWS: u32 = 300;
/// Data rows left open under each register table's header row.
pub const REGISTER_ROWS: u32 = 200;
/// Zero-based row of the header block on `报送信息`.
pub const HEADER_BLOCK_ROW: u32 = 1;
/// Zero-based row of the items table's header on `报送信息`.
pub const ITEMS_HEADER_ROW: u32 = 3;
/// Zero-based row of each register sheet's header (under its title row).
pub const REGISTER_HEADER_ROW: u32 = 1;

/// The section workbook `政务信息报送表` for `year`: `填报说明`, `报送信息` and the hidden
/// `下拉列表`. The adoption columns, the categories and the scoring table come from `rules`;
/// the `股室` drop-down lists `roster`.
pub fn section_template(rules: &Rules, roster: &[&str], year: i32) -> Result<Workbook, XlsxError> {
    let st = Styles::new();
    let mut workbook = new_workbook(labels::ITEMS_TITLE, year)?;
    let mut lists = Lists::default();
    let roster_range = lists.range(labels::H_SECTION, roster);

    instructions_sheet(
        workbook.add_worksheet(),
        &st,
        &format!("{}填报说明（{year}年度）", labels::ITEMS_TITLE),
        &section_instructions(rules, year),
        &scoring_rows(rules, year),
        year,
    )?
    .set_name(labels::SHEET_INSTRUCTIONS)?;
    items_sheet(
        workbook.add_worksheet(),
        &st,
        rules,
        roster_range.as_deref(),
        &mut lists,
        year,
    )?
    .set_active(true);
    lists.write(workbook.add_worksheet(), &st)?;
    Ok(workbook)
}

/// The officer's register `考核登记表` for `year`: `填报说明`, then `股室名单` (pre-filled with
/// `roster`), `领导名单`, `约稿任务`, `扣分记录`, `采用记录`, and the hidden `下拉列表`.
pub fn register_template(rules: &Rules, roster: &[&str], year: i32) -> Result<Workbook, XlsxError> {
    let st = Styles::new();
    let title = format!("{year}年度政务信息工作{}", labels::REGISTER_TITLE);
    let mut workbook = new_workbook(&title, year)?;
    let mut lists = Lists::default();

    instructions_sheet(
        workbook.add_worksheet(),
        &st,
        &format!("{title}填报说明"),
        &register_instructions(rules, year),
        &scoring_rows(rules, year),
        year,
    )?
    .set_name(labels::SHEET_INSTRUCTIONS)?;

    // The 股室 drop-downs of the other sheets follow the officer's own 股室名单 column.
    let section_col = labels::ROSTER_COLUMNS
        .iter()
        .position(|l| *l == labels::R_SECTION)
        .unwrap_or(0) as u16;
    let roster_range = worksheet_range_absolute(
        labels::SHEET_ROSTER,
        REGISTER_HEADER_ROW + 1,
        section_col,
        REGISTER_HEADER_ROW + REGISTER_ROWS,
        section_col,
    );
    let deduction_labels: Vec<&str> = rules.deduction.iter().map(|d| d.label.as_str()).collect();
    let adoption_labels: Vec<&str> = rules.adoption_labels().collect();
    let width = |column: &str, values: &[&str]| {
        values
            .iter()
            .map(|l| fit_width(l))
            .fold(fit_width(column), f64::max)
    };
    let choices = RuleChoices {
        deductions: lists.choice(labels::D_CATEGORY, &deduction_labels)?,
        deduction_width: width(labels::D_CATEGORY, &deduction_labels),
        adoptions: lists.choice(labels::A_LEVEL, &adoption_labels)?,
        adoption_width: width(labels::A_LEVEL, &adoption_labels),
    };

    for sheet in labels::REGISTER_SHEETS {
        let columns = register_columns(sheet, &roster_range, &choices, year)?;
        let ws = workbook.add_worksheet();
        table_sheet(ws, &st, &format!("{title} — {sheet}"), &columns)?;
        ws.set_name(sheet)?;
        if sheet == labels::SHEET_ROSTER {
            ws.set_active(true);
            for (i, name) in roster.iter().enumerate() {
                let row = REGISTER_HEADER_ROW + 1 + i as u32;
                ws.write_string_with_format(row, section_col, *name, &st.cell(Kind::Text))?;
            }
        }
    }
    lists.write(workbook.add_worksheet(), &st)?;
    Ok(workbook)
}

/// A workbook with fixed document properties (creation time = 1 January of `year`, author
/// `zwxx`) and the version marker as a defined name.
fn new_workbook(title: &str, year: i32) -> Result<Workbook, XlsxError> {
    let y =
        u16::try_from(year).map_err(|_| XlsxError::ParameterError(format!("年份 {year} 无效")))?;
    let created = ExcelDateTime::from_ymd(y, 1, 1)?;
    let properties = DocProperties::new()
        .set_title(title)
        .set_subject("政务信息工作考核")
        .set_author("zwxx")
        .set_comment(format!(
            "由 zwxx template 生成，模板版本 {}",
            labels::TEMPLATE_VERSION
        ))
        .set_creation_datetime(&created);
    let mut workbook = Workbook::new();
    // 宋体 11 as the default font, as in a workbook made by Chinese Excel or WPS: column
    // widths are then measured in its digit width (8 pixels), which `layout` assumes.
    workbook.set_default_format(&body_font(), DEFAULT_ROW_PIXELS, DEFAULT_COLUMN_PIXELS)?;
    workbook.set_properties(&properties);
    workbook.define_name(
        labels::VERSION_NAME,
        &format!("=\"{}\"", labels::TEMPLATE_VERSION),
    )?;
    Ok(workbook)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_roster_still_builds_both_workbooks() {
        let rules = Rules::default_rules();
        let mut section = section_template(&rules, &[], 2019).unwrap();
        let mut register = register_template(&rules, &[], 2019).unwrap();
        assert!(!section.save_to_buffer().unwrap().is_empty());
        assert!(!register.save_to_buffer().unwrap().is_empty());
    }

    #[test]
    fn a_year_excel_cannot_date_is_refused_not_panicking() {
        let rules = Rules::default_rules();
        assert!(section_template(&rules, &labels::DEFAULT_ROSTER, -1).is_err());
        assert!(register_template(&rules, &labels::DEFAULT_ROSTER, 1800).is_err());
    }
}
