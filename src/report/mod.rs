//! Outputs: the templates, the results workbook, CSV, feedback workbooks, the terminal view.
//! Every output is a view of the [`crate::assess::Assessment`]; the words the views share
//! (item states, task results, file names) are defined here once.

pub mod adoption;
pub mod csv;
pub mod docx;
pub mod feedback;
pub mod ledger;
pub mod notice;
pub(crate) mod table;
pub mod template;
pub mod terminal;
pub mod write;
pub mod xlsx;

use crate::model::{FileStatus, InputFile, Item, SheetOutcome, SheetStatus, TaskStatus};
use crate::rules::Rules;
use crate::score::{ItemState, ScoredItem, TaskOutcome};

/// 评定 of a section that does not take part (`参与考核 = 否`).
pub const NOT_TAKING_PART: &str = "不参与考核";
/// The 计分情况 of an item, by its state.
pub const STATE_COUNTED: &str = "计分";
pub const STATE_REJECTED: &str = "信息员审核不通过";
pub const STATE_AFTER_AS_OF: &str = "晚于统计截止日期";
pub const STATE_SUPERSEDED: &str = "重复（已按较新版本计）";
/// The 结果 of a commissioned task.
pub const TASK_DONE: &str = "已完成";
pub const TASK_FAILED: &str = "未完成";
pub const TASK_PENDING: &str = "未到期";
pub const TASK_NOT_ISSUED: &str = "未下达";
/// Shown for a month without a submission.
pub const NOT_SUBMITTED: &str = "未报送";
/// The columns of `考核排名` (and of `考核排名.csv`), exactly as SPEC "Outputs" names them.
pub const RANKING_COLUMNS: [&str; 12] = [
    "名次",
    "股室",
    "合格信息条数",
    "基础分",
    "加分",
    "约稿任务",
    "扣分",
    "最终得分",
    "条数任务完成率",
    "分值任务完成率",
    "评定",
    "备注",
];
/// The columns of `校验问题` (and of `校验问题.csv`), exactly as SPEC "Outputs" names them.
pub const FINDING_COLUMNS: [&str; 7] = ["股室", "文件", "工作表", "单元格", "级别", "代码", "说明"];
/// Shown for a month whose only files were refused with a file error.
pub const INVALID_FILE: &str = "文件无效";
/// The one font family of every workbook zwxx writes, the templates included (README
/// "Printing"): 宋体 for text, 黑体 for titles and headers (never bold: Chinese documents
/// set headings apart by typeface, and a bold 黑体 is a smudged one). Both come with every
/// Chinese Windows since XP and with WPS; 等线 only with Office 2016 and later.
pub const BODY_FONT: &str = "宋体";
pub const HEADING_FONT: &str = "黑体";
/// GB2312, so Excel takes the fonts' Chinese glyphs.
pub const FONT_CHARSET: u8 = 134;
/// The size of table text, in points; titles are larger.
pub const BODY_SIZE: f64 = 11.0;
/// Excel's default row height and column width for 宋体 11, in pixels (its digit is 8 pixels
/// wide, so column widths are counted in those).
pub const DEFAULT_ROW_PIXELS: u32 = 19;
pub const DEFAULT_COLUMN_PIXELS: u32 = 72;

/// A cell format in the body font ([`BODY_FONT`] 11).
pub fn body_font() -> rust_xlsxwriter::Format {
    rust_xlsxwriter::Format::new()
        .set_font_name(BODY_FONT)
        .set_font_charset(FONT_CHARSET)
        .set_font_size(BODY_SIZE)
}

/// A cell format in the heading font ([`HEADING_FONT`] 11).
pub fn heading_font() -> rust_xlsxwriter::Format {
    body_font().set_font_name(HEADING_FONT)
}

/// What the document properties say made the file (also lets a later run recognise it).
pub const GENERATOR: &str = concat!("zwxx ", env!("CARGO_PKG_VERSION"));

/// The first columns of `撰稿人统计` (the adoption columns after them come from the rules).
pub const AUTHORS_LEADING: [&str; 4] = ["序号", "撰稿人", "股室", "合格信息条数"];

/// The columns of `撰稿人统计` (and of `撰稿人统计.csv`): SPEC "Authors".
pub fn authors_columns(rules: &Rules) -> Vec<String> {
    let mut cols: Vec<String> = AUTHORS_LEADING.map(String::from).to_vec();
    cols.extend(rules.adoption_labels().map(|l| format!("{l}采用")));
    cols.push("采用加分".to_string());
    cols
}

/// Default name of the results workbook.
pub fn results_file_name(year: i32) -> String {
    format!("{year}年度政务信息工作考核结果.xlsx")
}

/// Name of a section's feedback workbook.
pub fn feedback_file_name(section: &str) -> String {
    write::safe_file_name(&format!("{section}-问题反馈.xlsx"))
}

/// 计分情况 of an item.
pub fn item_state(state: ItemState) -> &'static str {
    match state {
        ItemState::Counted => STATE_COUNTED,
        ItemState::Rejected => STATE_REJECTED,
        ItemState::AfterAsOf => STATE_AFTER_AS_OF,
        ItemState::Superseded => STATE_SUPERSEDED,
    }
}

/// 计分情况 of a scored item: its state, and for a counted item past the base cap why its
/// 基础分 is less than the rules' points per item (`计分（超出60分上限，不计基础分）`).
pub fn item_state_text(si: &ScoredItem, rules: &Rules) -> std::borrow::Cow<'static, str> {
    let (per_item, cap) = (rules.base.points_per_item, rules.base.cap);
    match si.state {
        ItemState::Counted if si.base == 0 && per_item > 0 => {
            format!("{STATE_COUNTED}（超出{cap}分上限，不计基础分）").into()
        }
        ItemState::Counted if si.base < per_item => {
            format!("{STATE_COUNTED}（达到{cap}分上限，只计{}分）", si.base).into()
        }
        state => item_state(state).into(),
    }
}

/// 结果 of a task.
pub fn task_result(outcome: TaskOutcome) -> &'static str {
    match outcome {
        TaskOutcome::Done { .. } => TASK_DONE,
        TaskOutcome::Failed { .. } => TASK_FAILED,
        TaskOutcome::Pending => TASK_PENDING,
        TaskOutcome::NotIssued => TASK_NOT_ISSUED,
    }
}

/// 完成情况 as the register gives it (blank = decided from the items).
pub fn task_status_given(status: Option<TaskStatus>) -> &'static str {
    match status {
        Some(TaskStatus::Done) => crate::labels::STATUS_DONE,
        Some(TaskStatus::Failed) => crate::labels::STATUS_FAILED,
        None => "",
    }
}

/// The adoption levels of an item, joined with "、".
pub fn adopted_levels(item: &Item, rules: &Rules) -> String {
    rules
        .adoption_labels()
        .enumerate()
        .filter(|(i, _)| item.adopted & (1 << i) != 0)
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("、")
}

/// What became of an input file: a short result and the detail.
pub fn file_outcome(f: &InputFile) -> (&'static str, String) {
    match &f.status {
        FileStatus::Section(sheets) => ("报送表", sheets_outcome(sheets)),
        FileStatus::Register => ("考核登记表", "本次使用的股室名单、任务与扣分".into()),
        FileStatus::Skipped(why) => ("跳过", why.clone()),
        FileStatus::Failed(why) => (
            "无法使用",
            if why.is_empty() {
                "详见“校验问题”".into()
            } else {
                format!("{why}（详见“校验问题”）")
            },
        ),
    }
}

/// What became of a section workbook's sheets: for a workbook of one sheet read, its section
/// and month as before; else each sheet by name, in sheet order.
fn sheets_outcome(sheets: &[SheetStatus]) -> String {
    let one = |s: &SheetStatus| match &s.outcome {
        SheetOutcome::Read { section, month } => format!("股室：{section}，报送月份：{month} 月"),
        SheetOutcome::Failed(why) => format!("无法使用，{why}（详见“校验问题”）"),
    };
    match sheets {
        [only] if matches!(only.outcome, SheetOutcome::Read { .. }) => one(only),
        _ => sheets
            .iter()
            .map(|s| format!("工作表“{}”：{}", s.sheet, one(s)))
            .collect::<Vec<_>>()
            .join("\u{FF1B}"),
    }
}
