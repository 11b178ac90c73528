//! The register's tables (股室名单, 领导名单, 约稿任务, 扣分记录, 采用记录): their columns with
//! hints and drop-downs, and the sheet around them.

use rust_xlsxwriter::{DataValidation, DataValidationRule, Formula, Worksheet, XlsxError};

use super::layout::{
    Column, Kind, Styles, date_rule, hint, hinted, inline_choice, print_setup, protect,
    refuse_others, write_table, write_title,
};
use super::{REGISTER_HEADER_ROW, REGISTER_ROWS};
use crate::labels;

/// The drop-downs of the rules' labels (`扣分类别`, `采用级别`) and the widths that fit them.
pub(super) struct RuleChoices {
    pub deductions: Option<DataValidation>,
    pub deduction_width: f64,
    pub adoptions: Option<DataValidation>,
    pub adoption_width: f64,
}

/// The columns of one register sheet, with hints and drop-downs.
pub(super) fn register_columns(
    sheet: &str,
    roster_range: &str,
    choices: &RuleChoices,
    year: i32,
) -> Result<Vec<Column>, XlsxError> {
    let section = || -> Result<DataValidation, XlsxError> {
        refuse_others(
            hinted(
                DataValidation::new().allow_list_formula(Formula::new(roster_range)),
                labels::H_SECTION,
                "从下拉列表选择股室(即“股室名单”中的股室)。",
            )?,
            labels::H_SECTION,
            "“股室名单”中的股室",
        )
    };
    let columns = match sheet {
        labels::SHEET_ROSTER => vec![
            Column::new(labels::R_SECTION, 22.0, Kind::Text).with(hint(
                labels::R_SECTION,
                "股室名称,须与各股室报送表中“股室”一栏一致。",
            )?),
            Column::new(labels::R_HEAD, 9.0, Kind::Text)
                .with(hint(labels::R_HEAD, "股室政务信息工作负责人(股长或主任)。")?),
            Column::new(labels::R_OFFICER, 9.0, Kind::Text)
                .with(hint(labels::R_OFFICER, "本股室信息工作人员姓名。")?),
            Column::new(labels::R_PHONE, 14.0, Kind::Text),
            Column::new(labels::R_EMAIL, 20.0, Kind::Text),
            Column::new(labels::R_ITEM_TARGET, 9.0, Kind::Number).with(
                hinted(
                    DataValidation::new()
                        .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
                    labels::R_ITEM_TARGET,
                    "全年应报送的信息条数,可不填。",
                )?
                .set_error_message("请填写不小于 0 的整数。")?,
            ),
            Column::new(labels::R_SCORE_TARGET, 9.0, Kind::Number).with(
                hinted(
                    DataValidation::new()
                        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                    labels::R_SCORE_TARGET,
                    "全年应达到的信息采用分值,可不填。",
                )?
                .set_error_message("请填写不小于 0 的数。")?,
            ),
            Column::new(labels::R_PARTICIPATES, 9.0, Kind::Choice).with(inline_choice(
                labels::R_PARTICIPATES,
                &[labels::YES, labels::NO],
                "留空视为“是”。\n填“否”的股室照常检查报送表,但不参加排名。",
            )?),
        ],
        labels::SHEET_LEADERS => vec![
            Column::new(labels::L_NAME, 10.0, Kind::Text),
            Column::new(labels::L_TITLE, 16.0, Kind::Text)
                .with(hint(labels::L_TITLE, "如 局长、副局长。")?),
            Column::new(labels::L_ROLE, 12.0, Kind::Choice).with(inline_choice(
                labels::L_ROLE,
                &[labels::ROLE_PRINCIPAL, labels::ROLE_DEPUTY],
                "主要负责人即一把手,审核重要、突发信息;分管负责人审核其他信息。",
            )?),
        ],
        labels::SHEET_TASKS => vec![
            Column::new(labels::T_ID, 11.0, Kind::Text).with(hint(
                labels::T_ID,
                &format!(
                    "每项任务一个编号,不得重复,如 {year}-01。\n股室在报送表“约稿任务编号”一栏填写此编号。"
                ),
            )?),
            Column::new(labels::T_SECTION, 22.0, Kind::Choice).with(section()?),
            Column::new(labels::T_KIND, 9.0, Kind::Choice).with(inline_choice(
                labels::T_KIND,
                &[labels::KIND_COMMISSIONED, labels::KIND_RESEARCH],
                "约稿或调研。",
            )?),
            Column::new(labels::T_TOPIC, 32.0, Kind::Wrap),
            Column::new(labels::T_ISSUED, 11.0, Kind::Date).with(date_rule(
                labels::T_ISSUED,
                year,
                &format!("任务下达的日期,如 {year}-03-05。"),
            )?),
            Column::new(labels::T_DEADLINE, 11.0, Kind::Date).with(date_rule(
                labels::T_DEADLINE,
                year,
                &format!("须在此日期(含)前报送并被采用,如 {year}-03-31。"),
            )?),
            Column::new(labels::T_STATUS, 13.0, Kind::Choice).with(inline_choice(
                labels::T_STATUS,
                &[labels::STATUS_DONE, labels::STATUS_FAILED],
                "留空则根据股室报送的信息自动判断;\n也可直接填“按时按质完成”或“未完成”。",
            )?),
        ],
        labels::SHEET_DEDUCTIONS => deduction_columns(section, choices, year)?,
        labels::SHEET_RECORD => record_columns(section, choices, year)?,
        _ => Vec::new(),
    };
    Ok(columns)
}

/// The columns of `扣分记录`: one row per deduction.
fn deduction_columns(
    section: impl Fn() -> Result<DataValidation, XlsxError>,
    choices: &RuleChoices,
    year: i32,
) -> Result<Vec<Column>, XlsxError> {
    Ok(vec![
        Column::new(labels::D_SECTION, 22.0, Kind::Choice).with(section()?),
        Column::new(labels::D_DATE, 11.0, Kind::Date).with(date_rule(
            labels::D_DATE,
            year,
            &format!("发生或认定的日期,如 {year}-03-05。"),
        )?),
        Column::new(labels::D_CATEGORY, choices.deduction_width, Kind::Choice).with_opt(
            match choices.deductions.clone() {
                Some(v) => Some(hinted(v, labels::D_CATEGORY, "从下拉列表选择扣分类别。")?),
                None => None,
            },
        ),
        Column::new(labels::D_COUNT, 7.0, Kind::Number).with(
            hinted(
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(1)),
                labels::D_COUNT,
                "同一类别的次数,留空为 1。",
            )?
            .set_error_message("请填写不小于 1 的整数。")?,
        ),
        Column::new(labels::D_NOTE, 36.0, Kind::Wrap),
    ])
}

/// The columns of `采用记录`: one row per item a publication printed, copied from each issue's
/// contents list (SPEC "Adoption record").
fn record_columns(
    section: impl Fn() -> Result<DataValidation, XlsxError>,
    choices: &RuleChoices,
    year: i32,
) -> Result<Vec<Column>, XlsxError> {
    Ok(vec![
        Column::new(labels::A_LEVEL, choices.adoption_width, Kind::Choice).with_opt(
            match choices.adoptions.clone() {
                Some(v) => Some(hinted(
                    v,
                    labels::A_LEVEL,
                    "从下拉列表选择刊登或采用这条信息的级别。\n只要某一级别有一行记录,该级别的采用就以本表为准。",
                )?),
                None => None,
            },
        ),
        Column::new(labels::A_ISSUE, 14.0, Kind::Text).with(hint(
            labels::A_ISSUE,
            &format!("如 {year}年第12期。"),
        )?),
        Column::new(labels::A_TITLE, 44.0, Kind::Wrap).with(hint(
            labels::A_TITLE,
            "每期《政务信息》印发后,把目录中的标题逐条粘贴到这里,一条一行。\n编辑改过的标题不必改回,系统按相似度与报送表核对。",
        )?),
        Column::new(labels::A_SECTION, 22.0, Kind::Choice).with(section()?),
        Column::new(labels::A_DATE, 11.0, Kind::Date).with(date_rule(
            labels::A_DATE,
            year,
            &format!("可不填。该期印发的日期,如 {year}-03-05;只与此前报送的信息核对。"),
        )?),
    ])
}

/// A register sheet: title row, header row, open data rows, print setup and protection.
pub(super) fn table_sheet(
    ws: &mut Worksheet,
    st: &Styles,
    title: &str,
    columns: &[Column],
) -> Result<(), XlsxError> {
    let mut widths: Vec<f64> = columns.iter().map(|c| c.width).collect();
    write_title(ws, st, title, &mut widths)?;
    let columns: Vec<Column> = columns
        .iter()
        .zip(widths)
        .map(|(c, w)| Column {
            label: c.label.clone(),
            width: w,
            kind: c.kind,
            validation: c.validation.clone(),
        })
        .collect();
    write_table(ws, st, REGISTER_HEADER_ROW, &columns, REGISTER_ROWS)?;
    ws.set_selection(REGISTER_HEADER_ROW + 1, 0, REGISTER_HEADER_ROW + 1, 0)?;
    print_setup(ws, title);
    protect(ws);
    Ok(())
}
