//! The catalog of finding codes (stable: tests, the README table and officers' notes rely on
//! them) and small constructors. Messages are built where the problem is found; they always
//! show the raw value and say what to write instead.

use crate::model::{Finding, Severity};

// File errors: the file is skipped.
pub const FILE_UNREADABLE: &str = "E-FILE-READ";
pub const FILE_NOT_SPREADSHEET: &str = "E-FILE-FORMAT";
pub const FILE_ENCRYPTED: &str = "E-FILE-ENCRYPTED";
pub const FILE_CORRUPT: &str = "E-FILE-CORRUPT";
pub const FILE_LIMIT: &str = "E-FILE-LIMIT";
pub const FILE_NOT_TEMPLATE: &str = "E-FILE-TEMPLATE";
pub const FILE_HEADER: &str = "E-FILE-HEADER";
pub const FILE_SECTION: &str = "E-FILE-SECTION";
pub const FILE_YEAR: &str = "E-FILE-YEAR";
pub const FILE_REGISTER: &str = "E-FILE-REGISTER";

// Row errors: the row does not count.
pub const ROW_REQUIRED: &str = "E-REQUIRED";
pub const ROW_DATE: &str = "E-DATE";
pub const ROW_DATE_YEAR: &str = "E-DATE-YEAR";
pub const ROW_VALUE: &str = "E-VALUE";
pub const ROW_TASK: &str = "E-TASK";
pub const ROW_FORMULA: &str = "E-FORMULA";

// Register errors: the officer's own file; `score` writes nothing while one remains.
pub const REG_SHEET: &str = "E-REG-SHEET";
pub const REG_REQUIRED: &str = "E-REG-REQUIRED";
pub const REG_SECTION: &str = "E-REG-SECTION";
pub const REG_DUP_TASK: &str = "E-REG-DUP-TASK";
pub const REG_DATE: &str = "E-REG-DATE";
pub const REG_VALUE: &str = "E-REG-VALUE";
pub const REG_COUNT: &str = "E-REG-COUNT";
pub const REG_TARGET: &str = "E-REG-TARGET";
pub const REG_FILES: &str = "E-REG-FILES";

// Warnings: the row counts.
pub const W_TASK_MISSING: &str = "W-TASK-MISSING";
pub const W_TASK_OTHER: &str = "W-TASK-OTHER";
pub const W_REVIEWER: &str = "W-REVIEWER";
pub const W_APPROVAL: &str = "W-APPROVAL";
pub const W_DUP_IN_FILE: &str = "W-DUP-IN-FILE";
pub const W_DUP_DATE: &str = "W-DUP-DATE";
pub const W_DUP_SECTION: &str = "W-DUP-SECTION";
pub const W_SAME_MONTH: &str = "W-SAME-MONTH";
pub const W_MONTH_STALE: &str = "W-MONTH-STALE";
pub const W_COLUMN_UNKNOWN: &str = "W-COLUMN";
pub const W_COLUMN_MISSING: &str = "W-COLUMN-MISSING";
pub const W_MERGED: &str = "W-MERGED";
pub const W_LONG_TITLE: &str = "W-LONG-TITLE";
pub const W_CLASSIFIED: &str = "W-CLASSIFIED";
pub const W_TEMPLATE_VERSION: &str = "W-TEMPLATE-VERSION";
pub const W_REGISTER: &str = "W-REGISTER";
pub const W_REGISTER_YEAR: &str = "W-REG-YEAR";
pub const W_REG_VALUE: &str = "W-REG-VALUE";
pub const W_REG_SHEET: &str = "W-REG-SHEET";
pub const W_REG_ADOPT: &str = "W-REG-ADOPT";
pub const W_ADOPT_UNCLAIMED: &str = "W-ADOPT-UNCLAIMED";
pub const W_ADOPT_UNRECORDED: &str = "W-ADOPT-UNRECORDED";

/// Whether a code is a register error: a slip in the officer's own file, which must stop
/// `score` before it writes anything (every register error code starts `E-REG-`).
pub fn is_register_error(code: &str) -> bool {
    code.starts_with("E-REG-")
}

/// A file-level finding (no sheet, no cell).
pub fn file_error(file: &str, code: &'static str, message: String) -> Finding {
    Finding {
        file: file.to_string(),
        sheet: String::new(),
        cell: String::new(),
        severity: Severity::Error,
        code,
        message,
        section: None,
        pos: None,
        sheet_no: None,
    }
}

/// A finding at a cell (zero-based row and column).
pub fn at(
    file: &str,
    sheet: &str,
    (row, col): (u32, u32),
    severity: Severity,
    code: &'static str,
    message: String,
) -> Finding {
    Finding {
        file: file.to_string(),
        sheet: sheet.to_string(),
        cell: crate::cell::a1(row, col),
        severity,
        code,
        message,
        section: None,
        pos: Some((row, col)),
        sheet_no: None,
    }
}

/// A finding about a whole sheet (no cell).
pub fn sheet_level(
    file: &str,
    sheet: &str,
    severity: Severity,
    code: &'static str,
    message: String,
) -> Finding {
    Finding {
        file: file.to_string(),
        sheet: sheet.to_string(),
        cell: String::new(),
        severity,
        code,
        message,
        section: None,
        pos: None,
        sheet_no: None,
    }
}

/// Every code with its severity and a one-line Chinese description (the README's catalog).
pub const CATALOG: &[(&str, Severity, &str)] = &[
    (
        FILE_UNREADABLE,
        Severity::Error,
        "文件无法读取（权限、损坏的链接等）",
    ),
    (
        FILE_NOT_SPREADSHEET,
        Severity::Error,
        "扩展名是表格，内容却不是可读的电子表格（其他文件或 Excel 2.x–4.0 旧格式）",
    ),
    (FILE_ENCRYPTED, Severity::Error, "文件设置了打开密码"),
    (FILE_CORRUPT, Severity::Error, "表格文件已损坏，无法解析"),
    (
        FILE_LIMIT,
        Severity::Error,
        "文件超出读取上限（大小、单元格数、解压大小、读取内存或时间等）",
    ),
    (
        FILE_NOT_TEMPLATE,
        Severity::Error,
        "不是本模板：缺少工作表或表头",
    ),
    (
        FILE_HEADER,
        Severity::Error,
        "表头的股室、报送年份、报送月份或填报人缺失或无效，或工作表有信息表而没有表头",
    ),
    (FILE_SECTION, Severity::Error, "股室不在名单中"),
    (FILE_YEAR, Severity::Error, "报送年份与考核年度不同"),
    (
        FILE_REGISTER,
        Severity::Error,
        "已用 --register 指定登记表，输入中的另一个登记表未使用",
    ),
    (ROW_REQUIRED, Severity::Error, "必填项为空"),
    (ROW_DATE, Severity::Error, "日期无法识别"),
    (ROW_DATE_YEAR, Severity::Error, "报送日期不在考核年度内"),
    (ROW_VALUE, Severity::Error, "取值不在允许的列表中"),
    (ROW_TASK, Severity::Error, "约稿任务编号不在登记表中"),
    (ROW_FORMULA, Severity::Error, "公式没有计算结果"),
    (
        REG_SHEET,
        Severity::Error,
        "登记表缺少工作表、表头或必需的列，多个工作表像同一张表，或股室名单为空",
    ),
    (REG_REQUIRED, Severity::Error, "登记表中必填项为空"),
    (
        REG_SECTION,
        Severity::Error,
        "登记表中的股室不在名单中，或名单中股室重复",
    ),
    (REG_DUP_TASK, Severity::Error, "登记表中任务编号重复"),
    (REG_DATE, Severity::Error, "登记表中的日期无法识别"),
    (
        REG_VALUE,
        Severity::Error,
        "登记表中的完成情况、扣分类别或参与考核无法识别",
    ),
    (REG_COUNT, Severity::Error, "扣分次数不是正整数"),
    (
        REG_TARGET,
        Severity::Error,
        "年度信息条数任务或分值任务不是数字或为负数",
    ),
    (
        REG_FILES,
        Severity::Error,
        "输入中有两个（或更多）内容不同的考核登记表",
    ),
    (
        W_TASK_MISSING,
        Severity::Warning,
        "约稿/调研信息未填写任务编号",
    ),
    (W_TASK_OTHER, Severity::Warning, "任务编号属于其他股室"),
    (W_REVIEWER, Severity::Warning, "审核人不在领导名单中"),
    (
        W_APPROVAL,
        Severity::Warning,
        "重要/突发信息未经主要负责人审核",
    ),
    (W_DUP_IN_FILE, Severity::Warning, "同一文件中信息重复"),
    (
        W_DUP_DATE,
        Severity::Warning,
        "同一标题在不同文件中日期不同",
    ),
    (
        W_DUP_SECTION,
        Severity::Warning,
        "与其他股室的信息标题相同（可能抄袭）",
    ),
    (
        W_SAME_MONTH,
        Severity::Warning,
        "同一股室同一月份有两个文件（或工作表），每对报一次",
    ),
    (
        W_MONTH_STALE,
        Severity::Warning,
        "报送月份早于表中最晚的信息所在月份",
    ),
    (W_COLUMN_UNKNOWN, Severity::Warning, "未知的列，已忽略"),
    (W_COLUMN_MISSING, Severity::Warning, "缺少采用级别列"),
    (W_MERGED, Severity::Warning, "表格中有合并单元格"),
    (W_LONG_TITLE, Severity::Warning, "标题过长"),
    (W_CLASSIFIED, Severity::Warning, "标题或备注含涉密标识"),
    (W_TEMPLATE_VERSION, Severity::Warning, "模板版本过旧"),
    (
        W_REGISTER,
        Severity::Warning,
        "登记表中的可选值有误，或没有领导名单",
    ),
    (
        W_REGISTER_YEAR,
        Severity::Warning,
        "登记表中的任务或扣分不在考核年度，未计入",
    ),
    (
        W_REG_VALUE,
        Severity::Warning,
        "登记表中的值按近似写法读取（如“已完成”读作“按时按质完成”）",
    ),
    (
        W_REG_SHEET,
        Severity::Warning,
        "登记表的工作表改了名，按表头读取（如“约稿任务表”按“约稿任务”读取）",
    ),
    (
        W_REG_ADOPT,
        Severity::Warning,
        "采用记录中的一行没有对应的信息、对应多条或与另一行重复，未计分",
    ),
    (
        W_ADOPT_UNCLAIMED,
        Severity::Warning,
        "采用记录中有、报送表未填“是”的采用，已按采用记录计分",
    ),
    (
        W_ADOPT_UNRECORDED,
        Severity::Warning,
        "报送表填了“是”、采用记录中没有的采用，未计分",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_catalog_lists_every_code_with_its_severity() {
        let readme = include_str!("../README.md");
        for (code, sev, _) in CATALOG {
            let row = format!("| `{code}` | {} |", sev.label());
            assert!(
                readme.contains(&row),
                "README lacks the catalog row for {code}"
            );
        }
        let mut codes: Vec<&str> = CATALOG.iter().map(|c| c.0).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), CATALOG.len(), "duplicate code in the catalog");
    }
}
