//! The `填报说明` sheets: numbered filling instructions and the scoring table, both generated
//! from the rules so that a changed rules file changes what staff read.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::layout::{Styles, print_setup, row_height, wrapped_lines, write_title};
use crate::labels;
use crate::rules::{MultiAdoption, Rules};

/// One row of the scoring table: 类别, 项目, 分值, 说明.
pub(super) type ScoringRow = [String; 4];

/// One row of the scoring table from its four cells.
fn row(a: &str, b: String, c: String, d: String) -> ScoringRow {
    [a.to_string(), b, c, d]
}

/// The scoring table, generated from the rules.
pub(super) fn scoring_rows(rules: &Rules, year: i32) -> Vec<ScoringRow> {
    let mut rows = Vec::new();
    rows.push(row(
        "基础项",
        "报送合格信息".into(),
        format!("每条 {} 分", rules.base.points_per_item),
        format!(
            "全年基础分最高 {} 分。合格信息：填写完整、报送日期在{year}年内、信息员审核未标“不通过”；同一条信息多次报送只计一次。",
            rules.base.cap
        ),
    ));
    adoption_rows(&mut rows, rules);
    task_and_deduction_rows(&mut rows, rules);
    rows.push(row(
        "最终得分",
        "基础分 + 加分 + 约稿任务得分 − 扣分".into(),
        String::new(),
        "可为负数。按最终得分从高到低排名，得分相同的名次并列；未报送任何信息的股室也参加排名（0 分）。".into(),
    ));
    award_rows(&mut rows, rules);
    rows
}

/// 加分项: one row per adoption level, and how several levels of one item count.
fn adoption_rows(rows: &mut Vec<ScoringRow>, rules: &Rules) {
    for (i, level) in rules.adoption.iter().enumerate() {
        let note = if i == 0 {
            "以报送日期计入年度；加分不设上限。".to_string()
        } else {
            String::new()
        };
        rows.push(row(
            "加分项",
            format!("被{}采用", level.label),
            format!("每条加 {} 分", level.points),
            note,
        ));
    }
    if rules.adoption.len() > 1 {
        let (a, b) = (
            &rules.adoption[0],
            &rules.adoption[rules.adoption.len() - 1],
        );
        let (mode, note) = match rules.multi_adoption {
            MultiAdoption::Sum => (
                "累加计分",
                format!(
                    "各级别分值相加，如同时被{}和{}采用，得 {} 分。",
                    a.label,
                    b.label,
                    a.points + b.points
                ),
            ),
            MultiAdoption::Highest => (
                "按最高级别计分",
                format!(
                    "只计分值最高的一个级别，如同时被{}和{}采用，得 {} 分。",
                    a.label,
                    b.label,
                    a.points.max(b.points)
                ),
            ),
        };
        rows.push(row(
            "加分项",
            "同一条信息被多个级别采用".into(),
            mode.into(),
            note,
        ));
    }
}

/// 约稿任务 and 扣分项.
fn task_and_deduction_rows(rows: &mut Vec<ScoringRow>, rules: &Rules) {
    rows.push(row(
        "约稿任务",
        "按时按质完成约稿、调研任务并被采用".into(),
        format!("每项加 {} 分", rules.tasks.completed_points),
        "“完成情况”为“按时按质完成”，或在截止日期（含）前报送了注明该任务编号并被采用的信息。该信息另计基础分和加分。".into(),
    ));
    rows.push(row(
        "约稿任务",
        "未按时按质完成约稿、调研任务".into(),
        format!("每项扣 {} 分", rules.tasks.failed_points),
        "截止日期已过仍未完成，或“完成情况”为“未完成”。".into(),
    ));
    for (i, d) in rules.deduction.iter().enumerate() {
        let note = if i == 0 {
            "由信息员在考核登记表“扣分记录”中登记，按次数计。".to_string()
        } else {
            String::new()
        };
        rows.push(row(
            "扣分项",
            d.label.clone(),
            format!("每次扣 {} 分", d.points),
            note,
        ));
    }
}

/// 奖惩: the awards, the loss of eligibility, the criticism and the interview.
fn award_rows(rows: &mut Vec<ScoringRow>, rules: &Rules) {
    let a = &rules.awards;
    rows.push(row(
        "奖惩",
        a.top_title.clone(),
        format!("前 {} 名", a.top_count),
        format!(
            "最终得分须高于 {} 分；与第 {} 名得分相同的一并评选。",
            a.top_min_final, a.top_count
        ),
    ));
    rows.push(row(
        "奖惩",
        "取消评先资格".into(),
        format!("未完成约稿任务 {} 次及以上", a.ineligible_failed_tasks),
        format!("当年不得评为{}。", a.top_title),
    ));
    rows.push(row(
        "奖惩",
        a.bottom_title.clone(),
        format!("后 {} 名", a.bottom_count),
        format!(
            "得分最低的 {} 名（得分相同的一并通报），已评为{}的除外。",
            a.bottom_count, a.top_title
        ),
    ));
    rows.push(row(
        "奖惩",
        "建议约谈".into(),
        format!("{} 个月及以上未报送", a.interview_missing_months),
        "某月没有报送本表即为该月未报送；零报告算已报送。".into(),
    ));
}

/// How section staff fill in 政务信息报送表, with the rules' categories and levels.
pub(super) fn section_instructions(rules: &Rules, year: i32) -> Vec<String> {
    let commissioned = rules.categories.commissioned.join("、");
    let principal = rules.categories.leader_approval.join("、");
    let levels: Vec<&str> = rules.adoption_labels().collect();
    let mut lines = vec![
        format!(
            "每个股室每月报送一份本表；也可以全年使用同一个文件逐月续填，每月报送整个文件，“{}”填最近一次报送的月份。",
            labels::H_MONTH
        ),
        format!(
            "表头“{}”从下拉列表选择，“{}”“{}”“{}”必须填写，“{}”可不填。",
            labels::H_SECTION,
            labels::H_YEAR,
            labels::H_MONTH,
            labels::H_FILLER,
            labels::H_PHONE
        ),
        "当月没有信息可报的，也要按时报送本表，表格中不填信息（零报告）。".to_string(),
        format!(
            "每条信息填一行。“{}”按 {year}-03-05 的格式填写，须在{year}年内。",
            labels::C_DATE
        ),
        format!(
            "“{}”从下拉列表选择：{}。",
            labels::C_CATEGORY,
            rules.categories.names.join("、")
        ),
    ];
    if !commissioned.is_empty() {
        lines.push(format!(
            "{commissioned}须在“{}”一栏填写信息员下达的任务编号。",
            labels::C_TASK
        ));
    }
    lines.push(format!(
        "采用情况各列（{}）被采用的填“是”，未采用填“否”或留空；一条信息被多个级别采用的，在每个级别都填“是”。采用通知晚到的，可在以后月份的报送表中补填，并填写“{}”。",
        levels.join("、"),
        labels::C_ISSUE
    ));
    lines.push(format!(
        "“{}”填写审核签发本条信息的领导（谁提供、谁审核、谁负责）。",
        labels::C_REVIEWER
    ));
    if !principal.is_empty() {
        lines.push(format!(
            "{principal}须由主要负责人（一把手）审核；其他信息经分管负责人审核后报送。"
        ));
    }
    lines.push(format!("“{}”由信息员填写，股室不填。", labels::C_OFFICER));
    lines.push(
        "涉密信息不得填入本表，不得通过电子邮件报送（涉密材料按保密规定另行报送）。".to_string(),
    );
    lines.push(
        "请勿修改工作表名称、表头文字和列标题，不要删除、合并或调换列；可以插入、删除行。"
            .to_string(),
    );
    lines
}

/// What each sheet of 考核登记表 is for.
pub(super) fn register_instructions(rules: &Rules, year: i32) -> Vec<String> {
    let deductions: Vec<String> = rules
        .deduction
        .iter()
        .map(|d| format!("{} {} 分", d.label, d.points))
        .collect();
    vec![
        "本登记表由信息员维护，全年一份。评分时把它和各股室的报送表放在同一个文件夹里即可自动识别，也可以用 --register 指定。".to_string(),
        format!(
            "“{}”：参与考核的股室及信息工作人员（信息工作人员登记制度）。股室名称须与报送表中的“{}”一致；“{}”填“否”的股室不参加排名，留空视为“是”；“{}”“{}”可不填。",
            labels::SHEET_ROSTER,
            labels::H_SECTION,
            labels::R_PARTICIPATES,
            labels::R_ITEM_TARGET,
            labels::R_SCORE_TARGET
        ),
        format!(
            "“{}”：审核信息的局领导。“{}”填“{}”（一把手）或“{}”。",
            labels::SHEET_LEADERS,
            labels::L_ROLE,
            labels::ROLE_PRINCIPAL,
            labels::ROLE_DEPUTY
        ),
        format!(
            "“{}”：信息员下达的约稿、调研任务，每项一行。“{}”不得重复，股室在报送表“{}”一栏填写此编号。“{}”留空则根据报送信息自动判断，也可填“{}”或“{}”。",
            labels::SHEET_TASKS,
            labels::T_ID,
            labels::C_TASK,
            labels::T_STATUS,
            labels::STATUS_DONE,
            labels::STATUS_FAILED
        ),
        format!(
            "“{}”：每次扣分一行。“{}”从下拉列表选择（{}）；“{}”留空为 1。",
            labels::SHEET_DEDUCTIONS,
            labels::D_CATEGORY,
            deductions.join("、"),
            labels::D_COUNT
        ),
        format!(
            "“{}”（可不填）：每期《政务信息》印发后，把目录中的标题逐条粘贴进来，一条一行，选好“{}”，填上“{}”；“{}”“{}”可不填，同一标题几个股室都报送过时再填。只要某一采用级别有记录，该级别的采用就以本表为准：股室漏填“是”的照样计分，股室填了“是”而本表没有的不计分，结果中逐条说明；标题按相似度核对，编辑改过的标题不必改回。",
            labels::SHEET_RECORD,
            labels::A_LEVEL,
            labels::A_ISSUE,
            labels::A_SECTION,
            labels::A_DATE
        ),
        format!("日期按 {year}-03-05 的格式填写。"),
        "请勿修改工作表名称和列标题，不要删除、合并或调换列；可以插入、删除行。".to_string(),
    ]
}

/// A `填报说明` sheet: title, numbered instructions, then the scoring table.
pub(super) fn instructions_sheet<'a>(
    ws: &'a mut Worksheet,
    st: &Styles,
    title: &str,
    lines: &[String],
    scoring: &[ScoringRow],
    year: i32,
) -> Result<&'a mut Worksheet, XlsxError> {
    const WIDTHS: [f64; 4] = [9.0, 34.0, 16.0, 62.0];
    let text_width: f64 = WIDTHS[1..].iter().sum();
    let mut widths = WIDTHS;
    write_title(ws, st, title, &mut widths)?;
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }

    let mut row = 1;
    ws.merge_range(row, 0, row, 3, "一、填写方法", &st.heading)?;
    ws.set_row_height(row, row_height(1) + 6.0)?;
    row += 1;
    for (i, line) in lines.iter().enumerate() {
        ws.write_string_with_format(row, 0, format!("{}.", i + 1), &st.prose_number)?;
        ws.merge_range(row, 1, row, 3, line, &st.prose)?;
        ws.set_row_height(row, row_height(wrapped_lines(line, text_width)))?;
        row += 1;
    }

    // The scoring table starts a printed page of its own, so no group is split.
    row += 1;
    ws.set_page_breaks(&[row])?;
    ws.merge_range(
        row,
        0,
        row,
        3,
        &format!("二、考核计分标准（{year}年度）"),
        &st.heading,
    )?;
    ws.set_row_height(row, row_height(1) + 6.0)?;
    row += 1;
    for (col, head) in ["类别", "项目", "分值", "说明"].iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *head, &st.head)?;
    }
    ws.set_row_height(row, row_height(1))?;
    let header_row = row;
    row += 1;

    let mut group_start = row;
    for (i, r) in scoring.iter().enumerate() {
        let mut lines = 1;
        for (col, (text, width)) in r.iter().zip(WIDTHS).enumerate().skip(1) {
            ws.write_string_with_format(row, col as u16, text, &st.table_cell)?;
            lines = lines.max(wrapped_lines(text, width));
        }
        ws.set_row_height(row, row_height(lines))?;
        let group_ends = scoring.get(i + 1).is_none_or(|next| next[0] != r[0]);
        if group_ends {
            if group_start == row {
                ws.write_string_with_format(row, 0, &r[0], &st.table_category)?;
            } else {
                ws.merge_range(group_start, 0, row, 0, &r[0], &st.table_category)?;
            }
            group_start = row + 1;
        }
        row += 1;
    }

    ws.set_repeat_rows(header_row, header_row)?;
    print_setup(ws, title);
    ws.protect();
    Ok(ws)
}
