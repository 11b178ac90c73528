//! Raw sheets → typed items and findings. Pure functions that collect every problem and never
//! stop at the first. Two phases: [`parse_section`] runs per file while reading (in parallel,
//! needing only the rules), [`check`] runs once all files are read and the year and the
//! register are known (section names, the year, task ids, reviewers).

use calamine::Data;
use chrono::{Datelike, NaiveDate};

use crate::cell::{self, cell_text, clean_text, is_blank, parse_bool, parse_date};
use crate::findings::{self as f, at, file_error};
use crate::labels as l;
use crate::layout::{Grid, columns, header_block, is_label};
use crate::model::{Finding, Interner, Item, Severity, Source, Text};
use crate::read::workbook::{SheetData, WorkbookData};
use crate::rules::Rules;

/// Header-block labels of the section workbook, in the order [`parse_section`] reads them.
const HEADER_LABELS: [&str; 5] = [l::H_SECTION, l::H_YEAR, l::H_MONTH, l::H_FILLER, l::H_PHONE];

/// A section workbook after phase 1: its header values and the rows without a row error.
#[derive(Debug, Clone)]
pub struct SectionFile {
    pub file_index: usize,
    pub file: Text,
    pub sheet: Text,
    /// 股室 as written, and its cell.
    pub section: (String, (u32, u32)),
    /// 报送年份 and its cell.
    pub year: (i32, (u32, u32)),
    pub month: u32,
    /// Column of each checked field, for phase-2 findings.
    pub cols: CheckedColumns,
    /// Rows that passed phase 1 (section name still as written). Empty once loaded:
    /// [`crate::load::load`] keeps all files' items in one vector.
    pub items: Vec<Item>,
    /// Non-blank table rows seen (row accounting).
    pub rows_seen: usize,
    pub findings: Vec<Finding>,
    /// Workbook property "modified" (merge tie-break).
    pub modified: Option<String>,
}

impl SectionFile {
    /// The same file without its items, every long-lived allocation made afresh by the
    /// calling thread and exactly sized, every repeated text shared through `texts`; copies of
    /// the items are appended to `items`. [`crate::load::load`] calls it on the thread that
    /// collects the readers' results: kept items then sit together in that thread's heap
    /// instead of being scattered among the readers' short-lived buffers, which malloc could
    /// otherwise never give back.
    pub fn compact(&self, texts: &mut Interner, items: &mut Vec<Item>) -> SectionFile {
        items.extend(self.items.iter().map(|i| i.interned(texts)));
        SectionFile {
            file: texts.get(&self.file),
            sheet: texts.get(&self.sheet),
            section: (self.section.0.as_str().into(), self.section.1),
            items: Vec::new(),
            findings: self.findings.to_vec(),
            modified: self.modified.as_deref().map(String::from),
            ..*self
        }
    }
}

/// Columns phase 2 points at.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckedColumns {
    pub date: u32,
    pub task: Option<u32>,
    pub reviewer: u32,
    pub title: u32,
}

/// What phase 1 made of a workbook.
#[derive(Debug)]
pub enum Parsed {
    Section(SectionFile),
    /// Not usable: the findings hold at least one file error.
    Failed(Vec<Finding>),
}

/// Index of each items-table column in the `wanted` list given to [`columns`].
mod col {
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

/// Find the items sheet: the one named 报送信息, else the first holding a 信息标题 label.
fn items_sheet(wb: &WorkbookData) -> Option<&SheetData> {
    wb.sheets
        .iter()
        .find(|s| cell::label_eq(&s.name, l::SHEET_ITEMS))
        .or_else(|| {
            wb.sheets
                .iter()
                .find(|s| s.cells.iter().any(|c| is_label(&c.2, l::C_TITLE)))
        })
}

/// The template-version marker written by `zwxx template`, if the workbook has one: the
/// defined name (xlsx; the reader then leaves the hidden list sheet unread), else the cell
/// on the hidden list sheet.
fn template_marker(wb: &WorkbookData) -> Option<&str> {
    if let Some(v) = wb.template_version.as_deref() {
        return Some(v);
    }
    let prefix = l::TEMPLATE_VERSION
        .rsplit_once('-')
        .map_or(l::TEMPLATE_VERSION, |p| p.0);
    wb.sheets
        .iter()
        .filter(|s| !cell::label_eq(&s.name, l::SHEET_ITEMS))
        .find_map(|s| {
            s.cells.iter().find_map(|(_, _, d)| match d {
                Data::String(t) if t.starts_with(prefix) => Some(t.as_str()),
                _ => None,
            })
        })
}

/// Phase 1 for a section workbook: locate the header block and the items table by label,
/// and turn each non-blank row into an [`Item`] or row findings.
pub fn parse_section(file_index: usize, file: &str, wb: &WorkbookData, rules: &Rules) -> Parsed {
    let Some(sheet) = items_sheet(wb) else {
        return Parsed::Failed(vec![file_error(
            file,
            f::FILE_NOT_TEMPLATE,
            format!(
                "不是政务信息报送表:找不到工作表“{}”,也没有任何工作表含“{}”表头。请使用 zwxx template 生成的模板填写",
                l::SHEET_ITEMS,
                l::C_TITLE
            ),
        )]);
    };
    let sname = sheet.name.as_str();
    let grid = Grid::new(sheet);
    let Some((header_row, _)) = grid.find_label_row(l::C_TITLE, None) else {
        return Parsed::Failed(vec![f::sheet_level(
            file,
            sname,
            Severity::Error,
            f::FILE_NOT_TEMPLATE,
            format!(
                "不是政务信息报送表:工作表中找不到表头“{}”。请勿修改模板的表头",
                l::C_TITLE
            ),
        )]);
    };

    let mut findings = Vec::new();
    let mut wanted: Vec<&str> = l::ITEM_FIXED_COLUMNS.to_vec();
    wanted.extend(rules.adoption_labels());
    // The columns in template order, for messages.
    let mut template_order: Vec<&str> = l::ITEM_FIXED_COLUMNS[..5].to_vec();
    template_order.extend(rules.adoption_labels());
    template_order.extend(&l::ITEM_FIXED_COLUMNS[5..]);
    let mut all_labels: Vec<&str> = HEADER_LABELS.to_vec();
    all_labels.extend(wanted.iter().copied());

    // Header block.
    let header = header_block(&grid, header_row, &HEADER_LABELS, &all_labels);
    let missing_labels: Vec<&str> = HEADER_LABELS[..4]
        .iter()
        .zip(&header)
        .filter(|(_, h)| h.is_none())
        .map(|(label, _)| *label)
        .collect();
    let cols = columns(&grid, header_row, &wanted);
    let missing_cols: Vec<&str> = [col::DATE, col::CATEGORY, col::AUTHOR, col::REVIEWER]
        .iter()
        .filter(|&&i| cols.found[i].is_none())
        .map(|&i| wanted[i])
        .collect();
    if !missing_labels.is_empty() || !missing_cols.is_empty() {
        let mut what = Vec::new();
        if !missing_labels.is_empty() {
            what.push(format!("表头缺少标签 {}", quote_list(&missing_labels)));
        }
        if !missing_cols.is_empty() {
            what.push(format!("信息表缺少列 {}", quote_list(&missing_cols)));
        }
        return Parsed::Failed(vec![f::sheet_level(
            file,
            sname,
            Severity::Error,
            f::FILE_NOT_TEMPLATE,
            format!(
                "不是本模板:{}。请使用 zwxx template 生成的模板,勿删改表头",
                what.join("\u{FF1B}")
            ),
        )]);
    }

    let value_of = |i: usize| {
        header[i]
            .as_ref()
            .and_then(|h| h.value.as_ref())
            .map(|(p, d)| (*p, d.as_ref()))
    };
    let label_at = |i: usize| header[i].as_ref().map(|h| h.label_at).unwrap_or((0, 0));
    let mut header_ok = true;
    let section = match value_of(0) {
        Some((pos, d)) => {
            let s = clean_text(&cell_text(d)).into_owned();
            (s, pos)
        }
        None => {
            header_ok = false;
            findings.push(missing_header(
                file,
                sname,
                label_at(0),
                l::H_SECTION,
                "股室名称,如“办公室”",
            ));
            (String::new(), label_at(0))
        }
    };
    let year = match value_of(1) {
        Some((pos, d)) => match cell::parse_year(d) {
            Some(y) => (y, pos),
            None => {
                header_ok = false;
                findings.push(at(
                    file,
                    sname,
                    pos,
                    Severity::Error,
                    f::FILE_HEADER,
                    format!("报送年份“{}”无法识别,请填写四位年份,如 2019", cell_text(d)),
                ));
                (0, pos)
            }
        },
        None => {
            header_ok = false;
            findings.push(missing_header(
                file,
                sname,
                label_at(1),
                l::H_YEAR,
                "四位年份,如 2019",
            ));
            (0, label_at(1))
        }
    };
    let month = match value_of(2) {
        Some((pos, d)) => cell::parse_month(d).unwrap_or_else(|| {
            header_ok = false;
            findings.push(at(
                file,
                sname,
                pos,
                Severity::Error,
                f::FILE_HEADER,
                format!("报送月份“{}”无法识别,请填写 1 到 12 的数字", cell_text(d)),
            ));
            0
        }),
        None => {
            header_ok = false;
            findings.push(missing_header(
                file,
                sname,
                label_at(2),
                l::H_MONTH,
                "本表报送的月份,1 到 12",
            ));
            0
        }
    };
    if value_of(3).is_none() {
        // 填报人 is required like 股室, 报送年份 and 报送月份 (SPEC, header block).
        header_ok = false;
        findings.push(missing_header(
            file,
            sname,
            label_at(3),
            l::H_FILLER,
            "填报人姓名",
        ));
    }
    if !header_ok {
        return Parsed::Failed(findings);
    }

    // Items kept on other sheets too (a sheet per month, a copied sheet) are not read: say so.
    for other in wb.sheets.iter().filter(|s| !std::ptr::eq(*s, sheet)) {
        if other.cells.iter().any(|c| is_label(&c.2, l::C_TITLE)) {
            findings.push(f::sheet_level(
                file,
                &other.name,
                Severity::Warning,
                f::W_SHEET_IGNORED,
                format!(
                    "工作表“{}”也有信息表,未读取(只读取“{sname}”)。请把信息都填在“{}”中,或每月一个文件分别报送",
                    other.name,
                    l::SHEET_ITEMS
                ),
            ));
        }
    }

    // An outdated template: the version marker (on the hidden list sheet) differs.
    if let Some(old) = template_marker(wb).filter(|m| *m != l::TEMPLATE_VERSION) {
        findings.push(f::sheet_level(
            file,
            sname,
            Severity::Warning,
            f::W_TEMPLATE_VERSION,
            format!(
                "本表使用的模板版本为“{old}”,当前为“{}”。请改用最新模板(zwxx template 生成)",
                l::TEMPLATE_VERSION
            ),
        ));
    }

    // Column warnings.
    for (c, text) in &cols.unknown {
        findings.push(at(
            file,
            sname,
            (header_row, *c),
            Severity::Warning,
            f::W_COLUMN_UNKNOWN,
            format!(
                "未知的列“{}”,已忽略。本表的列为:{}",
                text.trim(),
                template_order.join("、")
            ),
        ));
    }
    for (i, level) in rules.adoption.iter().enumerate() {
        if cols.found[col::FIRST_LEVEL + i].is_none() {
            findings.push(f::sheet_level(
                file,
                sname,
                Severity::Warning,
                f::W_COLUMN_MISSING,
                format!(
                    "缺少采用级别列“{}”,本表的信息均按未被该级别采用计分。请使用最新模板",
                    level.label
                ),
            ));
        }
    }
    // Merges inside the table that change what is read: vertical merges over content
    // columns (序号 and unknown columns do not matter).
    let content_cols: Vec<u32> = cols
        .found
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != col::SEQ)
        .filter_map(|(_, c)| *c)
        .collect();
    for m in grid.merges_below(header_row) {
        if m.start.0 <= header_row || m.start.1 != m.end.1 || !content_cols.contains(&m.start.1) {
            continue;
        }
        findings.push(at(
            file,
            sname,
            (m.start.0, m.start.1),
            Severity::Warning,
            f::W_MERGED,
            format!(
                "表格中有合并单元格 {}:{},其中各行均按左上角的值“{}”读取。请取消合并,每行分别填写",
                cell::a1(m.start.0, m.start.1),
                cell::a1(m.end.0, m.end.1),
                grid.raw(m.start.0, m.start.1)
                    .map(|d| cell_text(d).into_owned())
                    .unwrap_or_default()
            ),
        ));
    }

    let file_text = Text::from(file);
    let sheet_text = Text::from(sname);
    let mut texts = Interner::default();
    let ctx = RowCtx {
        file,
        sheet: sname,
        rules,
        grid: &grid,
        found: &cols.found,
        formula_no_value: &sheet.formula_no_value,
        category_hint: format!("信息类别({})", rules.categories.names.join("、")),
    };
    let mut items = Vec::new();
    let mut rows_seen = 0;
    // Rows are the rows with cells of their own: a row reached only through a merge (or
    // holding only 序号) is blank.
    let title_col = cols.found[col::TITLE].unwrap_or(0);
    for (row, _) in grid.rows().filter(|(r, _)| *r > header_row) {
        // A header row repeated inside the table (a month pasted with its header): a label
        // cell is never a value.
        if grid
            .raw(row, title_col)
            .is_some_and(|d| is_label(d, l::C_TITLE))
        {
            continue;
        }
        if ctx.is_blank_row(row) {
            continue;
        }
        rows_seen += 1;
        if let Some(mut item) = ctx.parse_row(row, &mut findings, &mut texts) {
            item.source = Source {
                file: file_text.clone(),
                sheet: sheet_text.clone(),
                row,
            };
            item.report_month = month;
            item.file_index = file_index;
            items.push(item);
        }
    }
    items.sort_by_key(|i| i.source.row);

    let opt = |i: usize| cols.found[i];
    Parsed::Section(SectionFile {
        file_index,
        file: file_text,
        sheet: sheet_text,
        section,
        year,
        month,
        cols: CheckedColumns {
            date: opt(col::DATE).unwrap_or(0),
            task: opt(col::TASK),
            reviewer: opt(col::REVIEWER).unwrap_or(0),
            title: opt(col::TITLE).unwrap_or(0),
        },
        items,
        rows_seen,
        findings,
        modified: None,
    })
}

fn missing_header(file: &str, sheet: &str, pos: (u32, u32), label: &str, what: &str) -> Finding {
    at(
        file,
        sheet,
        pos,
        Severity::Error,
        f::FILE_HEADER,
        format!("“{label}”为空,请在其右侧单元格填写{what}"),
    )
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("“{s}”"))
        .collect::<Vec<_>>()
        .join("、")
}

/// What a row parser needs about its sheet.
struct RowCtx<'a> {
    file: &'a str,
    sheet: &'a str,
    rules: &'a Rules,
    grid: &'a Grid<'a>,
    found: &'a [Option<u32>],
    formula_no_value: &'a [(u32, u32)],
    /// What to fill in where 信息类别 is empty (built once a file, not once a row).
    category_hint: String,
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
    fn is_blank_row(&self, row: u32) -> bool {
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

    fn push(
        &self,
        findings: &mut Vec<Finding>,
        row: u32,
        c: u32,
        sev: Severity,
        code: &'static str,
        msg: String,
    ) {
        findings.push(at(self.file, self.sheet, (row, c), sev, code, msg));
    }

    /// Text of an optional column, cleaned.
    fn text(&self, row: u32, column: usize) -> String {
        self.value(row, column)
            .map(|(_, d)| clean_text(&cell_text(d)).into_owned())
            .unwrap_or_default()
    }

    /// Parse one non-blank row; `None` when it has a row error (findings say why).
    fn parse_row(
        &self,
        row: u32,
        findings: &mut Vec<Finding>,
        texts: &mut Interner,
    ) -> Option<Item> {
        let before = findings
            .iter()
            .filter(|x| x.severity == Severity::Error)
            .count();
        let rules = self.rules;

        // Formulas without a cached value anywhere in a mapped column.
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
                    Severity::Error,
                    f::ROW_FORMULA,
                    format!(
                        "“{}”是公式但没有计算结果,请在 Excel/WPS 中重新计算并保存,或直接填写数值",
                        self.label(c)
                    ),
                );
            }
        }

        let required =
            |c: usize, hint: &str, findings: &mut Vec<Finding>| -> Option<(u32, &'a Data)> {
                let v = self.value(row, c);
                if v.is_none() && self.has_formula_no_value(row, c).is_none() {
                    let cc = self.found[c].unwrap_or(0);
                    self.push(
                        findings,
                        row,
                        cc,
                        Severity::Error,
                        f::ROW_REQUIRED,
                        format!("“{}”为空,请填写{}", self.label(c), hint),
                    );
                }
                v
            };

        let title = required(col::TITLE, "信息标题", findings)
            .map(|(c, d)| (c, clean_text(&cell_text(d)).into_owned()));
        let date = required(col::DATE, "报送日期,如 2019-03-05", findings).and_then(|(c, d)| {
            let parsed = parse_date(d);
            if parsed.is_none() {
                self.push(
                    findings,
                    row,
                    c,
                    Severity::Error,
                    f::ROW_DATE,
                    format!(
                        "报送日期“{}”不是有效日期,请填写如 2019-03-05 的日期",
                        cell_text(d)
                    ),
                );
            }
            parsed
        });
        let category = required(col::CATEGORY, &self.category_hint, findings).and_then(|(c, d)| {
            let raw = cell_text(d);
            let norm = cell::normalize_label(&raw);
            if rules.category_index(&norm).is_some() {
                Some(norm)
            } else {
                self.push(
                    findings,
                    row,
                    c,
                    Severity::Error,
                    f::ROW_VALUE,
                    format!(
                        "信息类别“{}”不在允许的类别中,请填写:{}",
                        raw,
                        rules.categories.names.join("、")
                    ),
                );
                None
            }
        });
        let author = required(col::AUTHOR, "撰稿人姓名", findings)
            .map(|(_, d)| clean_text(&cell_text(d)).into_owned());
        let reviewer = required(
            col::REVIEWER,
            "审核该信息的领导姓名(谁提供、谁审核、谁负责)",
            findings,
        )
        .map(|(_, d)| clean_text(&cell_text(d)).into_owned());

        let mut adopted = 0u32;
        for (i, level) in rules.adoption.iter().enumerate() {
            if let Some((c, d)) = self.value(row, col::FIRST_LEVEL + i) {
                match parse_bool(d) {
                    Some(true) => adopted |= 1 << i,
                    Some(false) => {}
                    None => self.push(
                        findings,
                        row,
                        c,
                        Severity::Error,
                        f::ROW_VALUE,
                        format!(
                            "“{}”填写了“{}”,请填写“是”或“否”(未采用可留空)",
                            level.label,
                            cell_text(d)
                        ),
                    ),
                }
            }
        }
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
                    Severity::Error,
                    f::ROW_VALUE,
                    format!(
                        "信息员审核“{t}”无法识别,请填写“{}”或“{}”(留空视为通过)",
                        l::OFFICER_PASS,
                        l::OFFICER_REJECT
                    ),
                );
            }
        }
        let task_id = Some(self.text(row, col::TASK)).filter(|t| !t.is_empty());
        let remark = self.text(row, col::REMARK);
        let issue_no = self.text(row, col::ISSUE);

        // Warnings (the row still counts).
        if let (Some(cat), None) = (&category, &task_id)
            && rules.is_commissioned(cat)
        {
            let c = self.found[col::TASK]
                .or(self.found[col::CATEGORY])
                .unwrap_or(0);
            let msg = format!(
                "{cat}未填写约稿任务编号,无法计入约稿/调研任务完成情况。请填写登记表中的任务编号"
            );
            self.push(findings, row, c, Severity::Warning, f::W_TASK_MISSING, msg);
        }
        if let Some((c, t)) = &title {
            let n = t.chars().count() as i64;
            if n > rules.checks.long_title_chars {
                self.push(
                    findings,
                    row,
                    *c,
                    Severity::Warning,
                    f::W_LONG_TITLE,
                    format!(
                        "标题长 {n} 字,超过 {} 字,请精炼标题",
                        rules.checks.long_title_chars
                    ),
                );
            }
        }
        for (column, text) in [
            (
                col::TITLE,
                title.as_ref().map(|t| t.1.as_str()).unwrap_or(""),
            ),
            (col::REMARK, remark.as_str()),
        ] {
            if let Some(m) = rules
                .checks
                .classified_markers
                .iter()
                .find(|m| text.contains(m.as_str()))
            {
                let c = self.found[column].unwrap_or(0);
                self.push(findings, row, c, Severity::Warning, f::W_CLASSIFIED, format!(
                    "{}含涉密标识“{m}”:涉密信息不得通过电子邮件报送,泄密每次扣分。请确认并按保密规定处理", self.label(column)));
            }
        }

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
            title: title.into_boxed_str(),
            date,
            category: texts.get(&category),
            task_id: task_id.map(|t| texts.get(&t)),
            adopted,
            issue_no: texts.get(&issue_no),
            author: texts.get(&author),
            reviewer: texts.get(&reviewer),
            rejected,
            officer_filled,
            remark: texts.get(&remark),
            source: Source {
                file: Text::default(),
                sheet: Text::default(),
                row,
            },
            title_col: self.found[col::TITLE].unwrap_or(0),
            report_month: 0,
            file_index: 0,
        })
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

/// Whether a date lies in the assessment year.
pub fn in_year(date: NaiveDate, year: i32) -> bool {
    date.year() == year
}

/// A month for which a section sent a readable workbook (a 零报告 counts).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Submission {
    pub section: String,
    pub month: u32,
    pub file_index: usize,
}

/// The outcome of phase 2 for all section files.
#[derive(Debug, Default)]
pub struct Checked {
    /// Items with their roster section name, rows with a phase-2 error left out.
    pub items: Vec<Item>,
    pub submissions: Vec<Submission>,
    pub findings: Vec<Finding>,
    /// Files that phase 2 refused (unknown section, other year), by file index.
    pub failed: Vec<(usize, String)>,
    /// Section files accepted, by file index, with their section and month.
    pub accepted: Vec<(usize, String, u32)>,
    /// Non-blank table rows of accepted files.
    pub rows_seen: usize,
    /// Rows of accepted files with a row error (phase 1 or 2).
    pub rows_refused: usize,
}

/// The year held by the most section workbooks; a tie is an error naming the candidates.
pub fn infer_year(files: &[SectionFile]) -> Result<Option<i32>, Vec<(i32, usize)>> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for f in files {
        match counts.iter_mut().find(|(y, _)| *y == f.year.0) {
            Some(c) => c.1 += 1,
            None => counts.push((f.year.0, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    match counts.as_slice() {
        [] => Ok(None),
        [(y, _)] => Ok(Some(*y)),
        [(y, n), (_, m), ..] if n > m => Ok(Some(*y)),
        _ => {
            let top = counts[0].1;
            Err(counts.into_iter().filter(|(_, n)| *n == top).collect())
        }
    }
}

/// Phase 2: check each section file against the roster and the year, and each item against
/// the year, the register's tasks and leaders. The files' items are in `items` (as loaded, each
/// file's one run, tagged with its index) or still in the files: the checked items are those
/// of `items` that pass, kept in place.
pub fn check(
    mut files: Vec<SectionFile>,
    mut items: Vec<Item>,
    year: i32,
    register: &crate::model::Register,
    rules: &Rules,
) -> Checked {
    let mut out = Checked::default();
    let roster: Vec<&str> = register.roster.iter().map(|r| r.name.as_str()).collect();
    // One shared copy of each section name and task id for all the items.
    let roster_texts: Vec<Text> = roster.iter().map(|r| Text::from(*r)).collect();
    let task_ids: Vec<Text> = register
        .tasks
        .iter()
        .map(|t| Text::from(t.id.as_str()))
        .collect();
    for f in &mut files {
        items.append(&mut f.items);
    }
    let mut runs: std::collections::HashMap<usize, std::ops::Range<usize>> = Default::default();
    let mut start = 0;
    for run in items.chunk_by(|a, b| a.file_index == b.file_index) {
        runs.insert(run[0].file_index, start..start + run.len());
        start += run.len();
    }
    let mut passed = vec![false; items.len()];
    for file in files {
        let SectionFile {
            file_index,
            file: fname,
            sheet,
            section,
            year: (fyear, ypos),
            month,
            cols,
            findings,
            rows_seen,
            ..
        } = file;
        let run = runs.get(&file_index).cloned().unwrap_or(0..0);
        let mut file_findings = findings;
        let name = cell::normalize_label(&section.0);
        let known = roster.iter().position(|r| **r == name);
        let mut ok = true;
        let Some(sec_text) = known.map(|k| roster_texts[k].clone()) else {
            file_findings.push(at(
                &fname,
                &sheet,
                section.1,
                Severity::Error,
                f::FILE_SECTION,
                format!(
                    "股室“{}”不在股室名单中{},本文件未计分。请从下拉列表选择股室",
                    section.0,
                    crate::register::suggestion(&name, &roster)
                ),
            ));
            out.failed.push((file_index, "股室不在名单中".into()));
            out.findings.extend(file_findings);
            continue;
        };
        if fyear != year {
            file_findings.push(at(&fname, &sheet, ypos, Severity::Error, f::FILE_YEAR, format!(
                "报送年份为 {fyear},与考核年度 {year} 不同,本文件未计分。请确认年份,或将该文件移出本年度的文件夹")));
            out.failed
                .push((file_index, format!("报送年份 {fyear} 不是考核年度")));
            ok = false;
        }
        let sec = sec_text.to_string();
        if ok {
            out.submissions.push(Submission {
                section: sec.clone(),
                month,
                file_index,
            });
            out.accepted.push((file_index, sec.clone(), month));
            out.rows_seen += rows_seen;
            out.rows_refused += rows_seen - run.len();
            for (item, passed) in items[run.clone()].iter_mut().zip(&mut passed[run]) {
                let row = item.source.row;
                let mut row_ok = true;
                if !in_year(item.date, year) {
                    file_findings.push(at(
                        &fname,
                        &sheet,
                        (row, cols.date),
                        Severity::Error,
                        f::ROW_DATE_YEAR,
                        format!(
                            "报送日期 {} 不在考核年度 {year} 内,本行不计。请核对日期",
                            item.date
                        ),
                    ));
                    row_ok = false;
                }
                // Without a register there are no tasks to check against (a staff member
                // validating their own file): task ids are then taken as written.
                if let Some(id) = item.task_id.as_ref().filter(|_| register.file.is_some()) {
                    let c = cols.task.unwrap_or(cols.title);
                    match register.tasks.iter().position(|t| cell::id_key(id) == t.id) {
                        None => {
                            file_findings.push(at(&fname, &sheet, (row, c), Severity::Error, f::ROW_TASK, format!(
                                "约稿任务编号“{id}”不在登记表的约稿任务中,本行不计。请核对任务编号,或请信息员登记该任务")));
                            row_ok = false;
                        }
                        Some(k) if register.tasks[k].section != sec => {
                            file_findings.push(at(
                                &fname,
                                &sheet,
                                (row, c),
                                Severity::Warning,
                                f::W_TASK_OTHER,
                                format!(
                                    "约稿任务“{id}”是下达给“{}”的任务,本信息不计入其完成情况",
                                    register.tasks[k].section
                                ),
                            ));
                        }
                        Some(k) => item.task_id = Some(task_ids[k].clone()),
                    }
                }
                if !register.leaders.is_empty() {
                    let reviewer = item
                        .reviewer
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect::<String>();
                    match register.leaders.iter().find(|x| x.name == reviewer) {
                        None => file_findings.push(at(&fname, &sheet, (row, cols.reviewer), Severity::Warning, f::W_REVIEWER, format!(
                            "审核人“{}”不在领导名单中。信息须经领导审核(谁提供、谁审核、谁负责),请填写审核领导的姓名", item.reviewer))),
                        Some(x) if rules.needs_leader_approval(&item.category) && !x.principal => {
                            file_findings.push(at(&fname, &sheet, (row, cols.reviewer), Severity::Warning, f::W_APPROVAL, format!(
                                "{}须经主要负责人审核(一把手负责制),审核人“{}”是{}", item.category, item.reviewer, l::ROLE_DEPUTY)))
                        }
                        Some(_) => {}
                    }
                }
                if row_ok {
                    item.section = sec_text.clone();
                    *passed = true;
                } else {
                    out.rows_refused += 1;
                }
            }
        }
        for x in &mut file_findings {
            x.section = Some(sec.clone());
        }
        out.findings.extend(file_findings);
    }
    let mut passed = passed.into_iter();
    items.retain(|_| passed.next() == Some(true));
    out.items = items;
    out
}
