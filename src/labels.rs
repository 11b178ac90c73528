//! Every Chinese label of the two templates, in one place. The template writer and the reader
//! both use these constants, so what the template says and what the reader looks for can never
//! drift apart. Adoption-level column labels and 信息类别 values come from the rules instead.

/// Version marker written into both templates (a defined name) so the reader can tell an
/// outdated template. Bump when the layout changes.
pub const TEMPLATE_VERSION: &str = "zwxx-template-1";
/// Name of the defined name holding [`TEMPLATE_VERSION`].
pub const VERSION_NAME: &str = "zwxx_template_version";

// ---- zwxx's own outputs: sheets by which an output among the inputs is recognised ----

/// The results workbook's ranking sheet.
pub const SHEET_RANKING: &str = "考核排名";
/// The results workbook's notes sheet (rules, inputs, version).
pub const SHEET_NOTES: &str = "考核说明";
/// The feedback workbook's problem list sheet.
pub const SHEET_FEEDBACK_LIST: &str = "问题清单";

// ---- Section workbook: 政务信息报送表 ----

/// File name of the section template.
pub const SECTION_TEMPLATE_FILE: &str = "政务信息报送表.xlsx";
/// Sheet with the filling instructions and the scoring table.
pub const SHEET_INSTRUCTIONS: &str = "填报说明";
/// Sheet with the header block and the items table.
pub const SHEET_ITEMS: &str = "报送信息";
/// Hidden sheet with the drop-down lists.
pub const SHEET_LISTS: &str = "下拉列表";
/// Title of the items sheet.
pub const ITEMS_TITLE: &str = "政务信息报送表";

/// Header block labels.
pub const H_SECTION: &str = "股室";
pub const H_YEAR: &str = "报送年份";
pub const H_MONTH: &str = "报送月份";
pub const H_FILLER: &str = "填报人";
pub const H_PHONE: &str = "联系电话";

/// Items table column labels (the fixed ones; adoption levels come from the rules).
pub const C_SEQ: &str = "序号";
pub const C_TITLE: &str = "信息标题";
pub const C_DATE: &str = "报送日期";
pub const C_CATEGORY: &str = "信息类别";
pub const C_TASK: &str = "约稿任务编号";
pub const C_ISSUE: &str = "采用期号";
pub const C_AUTHOR: &str = "撰稿人";
pub const C_REVIEWER: &str = "审核人";
pub const C_OFFICER: &str = "信息员审核";
pub const C_REMARK: &str = "备注";

/// Every fixed column label of the items table, in template order (adoption columns are
/// inserted after [`C_TASK`]).
pub const ITEM_FIXED_COLUMNS: [&str; 10] = [
    C_SEQ, C_TITLE, C_DATE, C_CATEGORY, C_TASK, C_ISSUE, C_AUTHOR, C_REVIEWER, C_OFFICER, C_REMARK,
];

/// Values.
pub const YES: &str = "是";
pub const NO: &str = "否";
pub const OFFICER_PASS: &str = "通过";
pub const OFFICER_REJECT: &str = "不通过";

// ---- Officer's register: 考核登记表 ----

/// File name of the register template.
pub const REGISTER_TEMPLATE_FILE: &str = "考核登记表.xlsx";
pub const REGISTER_TITLE: &str = "考核登记表";

pub const SHEET_ROSTER: &str = "股室名单";
pub const R_SECTION: &str = "股室";
pub const R_HEAD: &str = "负责人";
pub const R_OFFICER: &str = "信息员";
pub const R_PHONE: &str = "联系电话";
pub const R_EMAIL: &str = "电子邮箱";
pub const R_ITEM_TARGET: &str = "年度信息条数任务";
pub const R_SCORE_TARGET: &str = "年度分值任务";
pub const R_PARTICIPATES: &str = "参与考核";
pub const ROSTER_COLUMNS: [&str; 8] = [
    R_SECTION,
    R_HEAD,
    R_OFFICER,
    R_PHONE,
    R_EMAIL,
    R_ITEM_TARGET,
    R_SCORE_TARGET,
    R_PARTICIPATES,
];

pub const SHEET_LEADERS: &str = "领导名单";
pub const L_NAME: &str = "姓名";
pub const L_TITLE: &str = "职务";
pub const L_ROLE: &str = "角色";
pub const LEADER_COLUMNS: [&str; 3] = [L_NAME, L_TITLE, L_ROLE];
pub const ROLE_PRINCIPAL: &str = "主要负责人";
pub const ROLE_DEPUTY: &str = "分管负责人";

pub const SHEET_TASKS: &str = "约稿任务";
pub const T_ID: &str = "任务编号";
pub const T_SECTION: &str = "股室";
pub const T_KIND: &str = "任务类型";
pub const T_TOPIC: &str = "主题";
pub const T_ISSUED: &str = "下达日期";
pub const T_DEADLINE: &str = "截止日期";
pub const T_STATUS: &str = "完成情况";
pub const TASK_COLUMNS: [&str; 7] = [
    T_ID, T_SECTION, T_KIND, T_TOPIC, T_ISSUED, T_DEADLINE, T_STATUS,
];
pub const KIND_COMMISSIONED: &str = "约稿";
pub const KIND_RESEARCH: &str = "调研";
pub const STATUS_DONE: &str = "按时按质完成";
pub const STATUS_FAILED: &str = "未完成";
/// `完成情况` values read as [`STATUS_DONE`] (with a warning): SPEC's obvious variants.
pub const STATUS_DONE_VARIANTS: [&str; 5] = ["已完成", "完成", "按时完成", "√", "是"];
/// `完成情况` values read as [`STATUS_FAILED`] (with a warning).
pub const STATUS_FAILED_VARIANTS: [&str; 5] = ["没有完成", "未按时完成", "逾期", "×", "否"];

pub const SHEET_DEDUCTIONS: &str = "扣分记录";
pub const D_SECTION: &str = "股室";
pub const D_DATE: &str = "日期";
pub const D_CATEGORY: &str = "扣分类别";
pub const D_COUNT: &str = "次数";
pub const D_NOTE: &str = "说明";
pub const DEDUCTION_COLUMNS: [&str; 5] = [D_SECTION, D_DATE, D_CATEGORY, D_COUNT, D_NOTE];

/// The officer's list of what the publications printed (optional; SPEC "Adoption record").
pub const SHEET_RECORD: &str = "采用记录";
pub const A_LEVEL: &str = "采用级别";
pub const A_ISSUE: &str = "期号";
pub const A_TITLE: &str = "标题";
pub const A_SECTION: &str = "股室";
pub const A_DATE: &str = "采用日期";
pub const RECORD_COLUMNS: [&str; 5] = [A_LEVEL, A_ISSUE, A_TITLE, A_SECTION, A_DATE];

/// The register's sheets, in template order.
pub const REGISTER_SHEETS: [&str; 5] = [
    SHEET_ROSTER,
    SHEET_LEADERS,
    SHEET_TASKS,
    SHEET_DEDUCTIONS,
    SHEET_RECORD,
];

/// The embedded default roster: the seed's eleven sections, in the seed's order.
pub const DEFAULT_ROSTER: [&str; 11] = [
    "办公室",
    "信息化管理股",
    "经济运行股",
    "要素保障和煤炭管理股",
    "轻工业股",
    "中小企业股",
    "发展规划股",
    "行政审批事项管理股",
    "科技管理股",
    "园区管理办公室",
    "企业改革股",
];

/// Classification words: everything a person reads is Chinese.
pub const SEVERITY_ERROR: &str = "错误";
pub const SEVERITY_WARNING: &str = "警告";
/// A row error settled by a later file of the same section (SPEC Merge, "Corrected problems").
pub const SEVERITY_CORRECTED: &str = "已更正";

/// Label of the template-version cell on the hidden 下拉列表 sheet (the value is
/// [`TEMPLATE_VERSION`]).
pub const VERSION_LABEL: &str = "模板版本";
