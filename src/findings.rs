//! The catalog of finding codes (stable: tests, the README table and officers' notes rely on
//! them) and small constructors. Messages are built where the problem is found; they always
//! show the raw value and say what to write instead. A code decides its severity: call sites
//! never choose one.

use crate::model::{Finding, Severity};

/// Declares [`Code`] from one table: variant, the code as people see it, severity, and the
/// one-line Chinese description of the README's catalog.
macro_rules! codes {
    ($($name:ident = $code:literal, $severity:ident, $text:literal;)*) => {
        /// Every finding code, with its severity and catalog text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($name,)*
        }

        impl Code {
            /// Every code, in catalog order.
            pub const ALL: &[Code] = &[$(Code::$name,)*];

            /// The code as shown to people and written to JSON and CSV, e.g. `E-DATE`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }

            /// How bad a finding with this code is.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$name => Severity::$severity,)*
                }
            }

            /// The one-line Chinese description (the README's catalog).
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$name => $text,)*
                }
            }
        }
    };
}

codes! {
    // File errors: the file is skipped.
    FileUnreadable = "E-FILE-READ", Error, "文件无法读取（权限、损坏的链接等）";
    FileNotSpreadsheet = "E-FILE-FORMAT", Error, "扩展名是表格，内容却不是可读的电子表格（其他文件或 Excel 2.x–4.0 旧格式）";
    FileEncrypted = "E-FILE-ENCRYPTED", Error, "文件设置了打开密码";
    FileCorrupt = "E-FILE-CORRUPT", Error, "表格文件已损坏，无法解析";
    FileLimit = "E-FILE-LIMIT", Error, "文件超出读取上限（大小、单元格数、解压大小、读取内存或时间等）";
    FileNotTemplate = "E-FILE-TEMPLATE", Error, "不是本模板：缺少工作表或表头";
    FileHeader = "E-FILE-HEADER", Error, "表头的股室、报送年份、报送月份或填报人缺失或无效，或工作表有信息表而没有表头";
    FileSection = "E-FILE-SECTION", Error, "股室不在名单中";
    FileYear = "E-FILE-YEAR", Error, "报送年份与考核年度不同";
    FileRegister = "E-FILE-REGISTER", Error, "已用 --register 指定登记表，输入中的另一个登记表未使用";
    // Row errors: the row does not count.
    RowRequired = "E-REQUIRED", Error, "必填项为空";
    RowDate = "E-DATE", Error, "日期无法识别";
    RowDateYear = "E-DATE-YEAR", Error, "报送日期不在考核年度内";
    RowValue = "E-VALUE", Error, "取值不在允许的列表中";
    RowTask = "E-TASK", Error, "约稿任务编号不在登记表中";
    RowFormula = "E-FORMULA", Error, "公式没有计算结果";
    // Register errors: the officer's own file; `score` writes nothing while one remains.
    RegSheet = "E-REG-SHEET", Error, "登记表缺少工作表（股室名单、约稿任务、扣分记录）、表头或必需的列，多个工作表像同一张表，或股室名单为空";
    RegRequired = "E-REG-REQUIRED", Error, "登记表中必填项为空（任务编号、股室、截止日期、扣分类别；股室名单中有内容的行的股室）";
    RegSection = "E-REG-SECTION", Error, "登记表中的股室不在名单中，或名单中股室重复";
    RegDupTask = "E-REG-DUP-TASK", Error, "登记表中任务编号重复";
    RegDate = "E-REG-DATE", Error, "登记表中的日期无法识别，或截止日期早于下达日期";
    RegValue = "E-REG-VALUE", Error, "登记表中的完成情况、扣分类别或参与考核无法识别";
    RegCount = "E-REG-COUNT", Error, "扣分次数不是正整数";
    RegTarget = "E-REG-TARGET", Error, "年度信息条数任务或分值任务不是数字或为负数";
    RegFiles = "E-REG-FILES", Error, "输入中有两个（或更多）内容不同的考核登记表";
    // Warnings: the row counts.
    TaskMissing = "W-TASK-MISSING", Warning, "约稿/调研信息未填写任务编号";
    TaskOther = "W-TASK-OTHER", Warning, "任务编号属于其他股室";
    Reviewer = "W-REVIEWER", Warning, "审核人不在领导名单中";
    Approval = "W-APPROVAL", Warning, "重要/突发信息未经主要负责人审核";
    DupInFile = "W-DUP-IN-FILE", Warning, "同一文件中信息重复";
    DupDate = "W-DUP-DATE", Warning, "同一标题在不同文件中日期不同";
    DupSection = "W-DUP-SECTION", Warning, "与其他股室的信息标题相同（可能抄袭）";
    SameMonth = "W-SAME-MONTH", Warning, "同一股室同一月份有两个文件（或工作表），每对报一次";
    MonthStale = "W-MONTH-STALE", Warning, "报送月份早于表中最晚的信息所在月份（累计文件忘了改报送月份）";
    ColumnUnknown = "W-COLUMN", Warning, "未知的列，已忽略";
    ColumnMissing = "W-COLUMN-MISSING", Warning, "缺少采用级别列";
    Merged = "W-MERGED", Warning, "表格中有合并单元格";
    LongTitle = "W-LONG-TITLE", Warning, "标题过长";
    Classified = "W-CLASSIFIED", Warning, "标题或备注含涉密标识";
    TemplateVersion = "W-TEMPLATE-VERSION", Warning, "模板版本过旧";
    Register = "W-REGISTER", Warning, "登记表中的可选值有误，或没有领导名单";
    RegisterYear = "W-REG-YEAR", Warning, "登记表中的任务或扣分不在考核年度，未计入";
    RegValueWarning = "W-REG-VALUE", Warning,
        "登记表中的值按近似写法读取（如“已完成”读作“按时按质完成”；没有下达日期、截止日期在下一年度的任务按本年度计）";
    RegSheetWarning = "W-REG-SHEET", Warning, "登记表的工作表改了名，按表头读取（如“约稿任务表”按“约稿任务”读取）";
    RegAdopt = "W-REG-ADOPT", Warning, "采用记录中的一行没有对应的信息、对应多条或与另一行重复，未计分";
    AdoptUnclaimed = "W-ADOPT-UNCLAIMED", Warning, "采用记录中有、报送表未填“是”的采用，已按采用记录计分";
    AdoptUnrecorded = "W-ADOPT-UNRECORDED", Warning, "报送表填了“是”、采用记录中没有的采用，未计分";
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Codes order as their strings (`E-…` before `W-…`, then alphabetically): listings sort
/// findings by code this way.
impl Ord for Code {
    fn cmp(&self, other: &Code) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// `code == "E-DATE"`: a code is equal to its string.
impl PartialEq<&str> for Code {
    fn eq(&self, s: &&str) -> bool {
        self.as_str() == *s
    }
}

/// Written to JSON as its string, e.g. `"E-DATE"`.
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Whether a finding's code is a register error (every register error code starts `E-REG-`):
/// a slip in the officer's own file, which must stop `score` before it writes anything.
pub fn is_register_error(code: Code) -> bool {
    code.as_str().starts_with("E-REG-")
}

/// A finding with its place given as file, sheet and cell (empty for the whole file or
/// sheet).
fn finding(
    file: &str,
    sheet: &str,
    pos: Option<(u32, u32)>,
    code: Code,
    message: String,
) -> Finding {
    Finding {
        file: file.to_string(),
        sheet: sheet.to_string(),
        cell: pos.map(|(r, c)| crate::cell::a1(r, c)).unwrap_or_default(),
        severity: code.severity(),
        code,
        message,
        section: None,
        pos,
        sheet_no: None,
    }
}

/// A file-level finding (no sheet, no cell).
pub fn file_error(file: &str, code: Code, message: String) -> Finding {
    finding(file, "", None, code, message)
}

/// A finding at a cell (zero-based row and column).
pub fn at(file: &str, sheet: &str, pos: (u32, u32), code: Code, message: String) -> Finding {
    finding(file, sheet, Some(pos), code, message)
}

/// A finding about a whole sheet (no cell).
pub fn sheet_level(file: &str, sheet: &str, code: Code, message: String) -> Finding {
    finding(file, sheet, None, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A code orders, compares and is written as its string: listings sort findings by it,
    /// JSON carries it.
    #[test]
    fn codes_order_and_serialise_as_their_strings() {
        let mut by_code = Code::ALL.to_vec();
        by_code.sort();
        let mut by_string = Code::ALL.to_vec();
        by_string.sort_by_key(|c| c.as_str());
        assert_eq!(by_code, by_string);
        assert!(Code::DupSection == "W-DUP-SECTION");
        assert_eq!(
            serde_json::to_string(&Code::RowDate).unwrap(),
            format!("\"{}\"", Code::RowDate.as_str())
        );
    }

    /// The README's table of codes is this catalog: one row per code, with its severity and
    /// description, and no row for a code that does not exist.
    #[test]
    fn readme_catalog_is_the_enum() {
        let readme = include_str!("../README.md");
        for code in Code::ALL {
            let row = format!(
                "| `{code}` | {} | {} |",
                code.severity().label(),
                code.description()
            );
            assert!(readme.contains(&row), "README lacks the row {row}");
        }
        let listed = readme
            .lines()
            .filter(|l| l.starts_with("| `E-") || l.starts_with("| `W-"))
            .count();
        assert_eq!(
            listed,
            Code::ALL.len(),
            "README lists a code the enum lacks"
        );
        let mut codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(
            codes.len(),
            Code::ALL.len(),
            "duplicate code in the catalog"
        );
    }
}
