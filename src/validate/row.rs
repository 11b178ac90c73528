//! Phase 1, one row: a non-blank row of an items table → an [`Item`], or row findings saying
//! what to change. Columns are found by label ([`col`] indexes the wanted list).

use calamine::Data;
use chrono::Datelike;

use crate::cell::{self, cell_text, clean_text, is_blank, parse_bool, parse_date};
use crate::findings::{Code, at};
use crate::labels as l;
use crate::layout::Grid;
use crate::model::{Finding, Item, Severity, Source, Text};
use crate::rules::Rules;

/// Index of each items-table column in the `wanted` list given to [`columns`].
pub(super) mod col {
    pub const SEQ: usize = 0;
    pub const TITLE: usize = 1;
    pub const DATE: usize = 2;
    pub const CATEGORY: usize = 3;
    pub const TASK: usize = 4;
    pub const ISSUE: usize = 5;
    pub const AUTHOR: usize = 6;
    pub const REVIEWER: usize = 7;
    pub const OFFICER: usize = 8;
    pub const REMARK: usize = 9;
    /// Adoption levels follow the fixed columns.
    pub const FIRST_LEVEL: usize = 10;
}

/// What a row parser needs about its sheet.
pub(super) struct RowCtx<'a> {
    pub file: &'a str,
    pub sheet: &'a str,
    pub rules: &'a Rules,
    pub grid: &'a Grid<'a>,
    pub found: &'a [Option<u32>],
    pub formula_no_value: &'a [(u32, u32)],
    /// What to fill in where 信息类别 is empty (built once a file, not once a row).
    pub category_hint: String,
    /// The sheet's 报送年份, for the hints.
    pub year: i32,
}

impl<'a> RowCtx<'a> {
    fn value(&self, row: u32, column: usize) -> Option<(u32, &'a Data)> {
        let c = self.found.get(column).copied().flatten()?;
        self.grid
            .get(row, c)
            .filter(|d| !is_blank(d))
            .map(|d| (c, d))
    }

    fn has_formula_no_value(&self, row: u32, column: usize) -> Option<u32> {
        let c = self.found.get(column).copied().flatten()?;
        self.formula_no_value
            .binary_search(&(row, c))
            .ok()
            .map(|_| c)
    }

    /// A cell's own value (not one inherited from a merge), if not blank.
    fn raw_value(&self, row: u32, column: usize) -> Option<(u32, &'a Data)> {
        let c = self.found.get(column).copied().flatten()?;
        self.grid
            .raw(row, c)
            .filter(|d| !is_blank(d))
            .map(|d| (c, d))
    }

    /// A row counts as blank when none of its content columns holds anything of its own: only 序号,
    /// unknown columns, 否 in adoption columns or 通过 in 信息员审核 do not make an item.
    pub fn is_blank_row(&self, row: u32) -> bool {
        let content = [
            col::TITLE,
            col::DATE,
            col::CATEGORY,
            col::TASK,
            col::ISSUE,
            col::AUTHOR,
            col::REVIEWER,
            col::REMARK,
        ];
        if content.iter().any(|&c| {
            self.raw_value(row, c).is_some() || self.has_formula_no_value(row, c).is_some()
        }) {
            return false;
        }
        let levels = col::FIRST_LEVEL..col::FIRST_LEVEL + self.rules.adoption.len();
        if levels.into_iter().any(|c| {
            self.raw_value(row, c)
                .is_some_and(|(_, d)| parse_bool(d) != Some(false))
        }) {
            return false;
        }
        self.raw_value(row, col::OFFICER)
            .is_none_or(|(_, d)| clean_text(&cell_text(d)) == l::OFFICER_PASS)
    }

    fn push(&self, findings: &mut Vec<Finding>, row: u32, c: u32, code: Code, msg: String) {
        findings.push(at(self.file, self.sheet, (row, c), code, msg));
    }

    /// Text of an optional column, cleaned.
    pub fn text(&self, row: u32, column: usize) -> String {
        self.value(row, column)
            .map(|(_, d)| clean_text(&cell_text(d)).into_owned())
            .unwrap_or_default()
    }

    /// Parse one non-blank row; `None` when it has a row error (findings say why).
    pub fn parse_row(&self, row: u32, findings: &mut Vec<Finding>) -> Option<Item> {
        let before = findings
            .iter()
            .filter(|x| x.severity == Severity::Error)
            .count();
        self.formula_errors(row, findings);
        let title = self
            .required(row, col::TITLE, "信息标题", findings)
            .map(|(c, d)| (c, clean_text(&cell_text(d)).into_owned()));
        let date = self.date(row, findings);
        let category = self.category(row, findings);
        let author = self
            .required(row, col::AUTHOR, "撰稿人姓名", findings)
            .map(|(_, d)| clean_text(&cell_text(d)).into_owned());
        let reviewer = self
            .required(
                row,
                col::REVIEWER,
                "审核该信息的领导姓名（谁提供、谁审核、谁负责）",
                findings,
            )
            .map(|(_, d)| clean_text(&cell_text(d)).into_owned());
        let adopted = self.adoption_flags(row, findings);
        let (rejected, officer_filled) = self.officer_check(row, findings);
        let task_id = Some(self.text(row, col::TASK)).filter(|t| !t.is_empty());
        let remark = self.text(row, col::REMARK);
        let issue_no = self.text(row, col::ISSUE);
        let texts = Texts {
            title: title.as_ref(),
            category: category.as_deref(),
            task_id: task_id.as_deref(),
            remark: &remark,
        };
        self.warnings(row, &texts, findings);

        let errors = findings
            .iter()
            .filter(|x| x.severity == Severity::Error)
            .count();
        if errors > before {
            return None;
        }
        let (title, date, category, author, reviewer) =
            (title?.1, date?, category?, author?, reviewer?);
        Some(Item {
            section: Text::default(),
            title_key: crate::cell::title_key(&title).into_boxed_str(),
            title: title.into_boxed_str(),
            date,
            category: category.into(),
            task_id: task_id.map(Text::from),
            adopted,
            issue_no: issue_no.into(),
            author: author.into(),
            reviewer: reviewer.into(),
            rejected,
            officer_filled,
            remark: remark.into(),
            source: Source {
                file: Text::default(),
                sheet: Text::default(),
                row,
            },
            title_col: self.found[col::TITLE].unwrap_or(0),
            report_month: 0,
            file_index: 0,
            sheet_no: 0,
        })
    }

    /// Formulas without a cached value anywhere in a mapped column (`E-FORMULA`).
    fn formula_errors(&self, row: u32, findings: &mut Vec<Finding>) {
        let rules = self.rules;
        let ncols = col::FIRST_LEVEL + rules.adoption.len();
        for c in 0..ncols {
            if c == col::SEQ {
                continue;
            }
            if let Some(cc) = self.has_formula_no_value(row, c) {
                self.push(
                    findings,
                    row,
                    cc,
                    Code::RowFormula,
                    format!(
                        "“{}”是公式但没有计算结果，请在 Excel/WPS 中重新计算并保存，或直接填写数值",
                        self.label(c)
                    ),
                );
            }
        }
    }

    /// The value of a required column, or `E-REQUIRED` (unless the cell is a formula without
    /// a value, which has its own finding).
    fn required(
        &self,
        row: u32,
        c: usize,
        hint: &str,
        findings: &mut Vec<Finding>,
    ) -> Option<(u32, &'a Data)> {
        let v = self.value(row, c);
        if v.is_none() && self.has_formula_no_value(row, c).is_none() {
            let cc = self.found[c].unwrap_or(0);
            self.push(
                findings,
                row,
                cc,
                Code::RowRequired,
                format!("“{}”为空，请填写{}", self.label(c), hint),
            );
        }
        v
    }

    /// 报送日期, or `E-DATE`.
    fn date(&self, row: u32, findings: &mut Vec<Finding>) -> Option<chrono::NaiveDate> {
        self.required(row, col::DATE, "报送日期，如 2019-03-05", findings)
            .and_then(|(c, d)| {
                // A month and a day without the year (`3.5`) that Excel kept as a number, read
                // as a day of 1900, is not a date either.
                let hint = crate::hints::month_day(d, self.year);
                let parsed = parse_date(d).filter(|p| p.year() > 1900 || hint.is_none());
                if parsed.is_none() {
                    let how = hint.unwrap_or_else(|| "请填写如 2019-03-05 的日期".into());
                    self.push(
                        findings,
                        row,
                        c,
                        Code::RowDate,
                        format!("报送日期“{}”不是有效日期，{how}", cell_text(d)),
                    );
                }
                parsed
            })
    }

    /// 信息类别 as in the rules, or `E-VALUE`.
    fn category(&self, row: u32, findings: &mut Vec<Finding>) -> Option<String> {
        let rules = self.rules;
        self.required(row, col::CATEGORY, &self.category_hint, findings)
            .and_then(|(c, d)| {
                let raw = cell_text(d);
                let norm = cell::normalize_label(&raw);
                if rules.category_index(&norm).is_some() {
                    Some(norm)
                } else {
                    self.push(
                        findings,
                        row,
                        c,
                        Code::RowValue,
                        format!(
                            "信息类别“{}”不在允许的类别中{}，请填写：{}",
                            raw,
                            crate::register::suggestion(
                                &norm,
                                &rules
                                    .categories
                                    .names
                                    .iter()
                                    .map(String::as_str)
                                    .collect::<Vec<_>>()
                            ),
                            rules.categories.names.join("、")
                        ),
                    );
                    None
                }
            })
    }

    /// The adoption columns as bits (bit i = adopted at level i); `E-VALUE` for a cell that
    /// is neither yes nor no.
    fn adoption_flags(&self, row: u32, findings: &mut Vec<Finding>) -> u32 {
        let mut adopted = 0u32;
        for (i, level) in self.rules.adoption.iter().enumerate() {
            if let Some((c, d)) = self.value(row, col::FIRST_LEVEL + i) {
                match parse_bool(d) {
                    Some(true) => adopted |= 1 << i,
                    Some(false) => {}
                    None => self.push(
                        findings,
                        row,
                        c,
                        Code::RowValue,
                        format!(
                            "“{}”填写了“{}”，请填写“是”或“否”（未采用可留空）",
                            level.label,
                            cell_text(d)
                        ),
                    ),
                }
            }
        }
        adopted
    }

    /// 信息员审核: (不通过, filled in at all); `E-VALUE` for another word.
    fn officer_check(&self, row: u32, findings: &mut Vec<Finding>) -> (bool, bool) {
        let mut rejected = false;
        let officer_filled = self.value(row, col::OFFICER).is_some();
        if let Some((c, d)) = self.value(row, col::OFFICER) {
            let t = clean_text(&cell_text(d)).into_owned();
            if t == l::OFFICER_REJECT {
                rejected = true;
            } else if t != l::OFFICER_PASS {
                self.push(
                    findings,
                    row,
                    c,
                    Code::RowValue,
                    format!(
                        "信息员审核“{t}”无法识别，请填写“{}”或“{}”（留空视为通过）",
                        l::OFFICER_PASS,
                        l::OFFICER_REJECT
                    ),
                );
            }
        }
        (rejected, officer_filled)
    }

    /// Warnings about a row that still counts: a commissioned item without task id, a long
    /// title, a classified marker.
    fn warnings(&self, row: u32, t: &Texts, findings: &mut Vec<Finding>) {
        let rules = self.rules;
        if let (Some(cat), None) = (t.category, t.task_id)
            && rules.is_commissioned(cat)
        {
            let c = self.found[col::TASK]
                .or(self.found[col::CATEGORY])
                .unwrap_or(0);
            let msg = format!(
                "{cat}未填写约稿任务编号，无法计入约稿/调研任务完成情况。请填写登记表中的任务编号"
            );
            self.push(findings, row, c, Code::TaskMissing, msg);
        }
        if let Some((c, title)) = t.title {
            let n = title.chars().count() as i64;
            if n > rules.checks.long_title_chars {
                self.push(
                    findings,
                    row,
                    *c,
                    Code::LongTitle,
                    format!(
                        "标题长 {n} 字，超过 {} 字，请精炼标题",
                        rules.checks.long_title_chars
                    ),
                );
            }
        }
        for (column, text) in [
            (col::TITLE, t.title.map(|t| t.1.as_str()).unwrap_or("")),
            (col::REMARK, t.remark),
        ] {
            if let Some(m) = rules
                .checks
                .classified_markers
                .iter()
                .find(|m| text.contains(m.as_str()))
            {
                let c = self.found[column].unwrap_or(0);
                self.push(findings, row, c, Code::Classified, format!(
                    "{}含涉密标识“{m}”：涉密信息不得通过电子邮件报送，泄密每次扣分。请确认并按保密规定处理", self.label(column)));
            }
        }
    }

    fn label(&self, column: usize) -> &'a str {
        if column >= col::FIRST_LEVEL {
            self.rules.adoption[column - col::FIRST_LEVEL]
                .label
                .as_str()
        } else {
            l::ITEM_FIXED_COLUMNS[column]
        }
    }
}
/// The texts of a row the warnings look at.
struct Texts<'r> {
    title: Option<&'r (u32, String)>,
    category: Option<&'r str>,
    task_id: Option<&'r str>,
    remark: &'r str,
}
