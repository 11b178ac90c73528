//! Phase 1, one workbook: every sheet that holds an items table (a `信息标题` header) is a
//! submission of its own, with its own header block (股室, 报送年份, 报送月份, 填报人), whatever
//! the file and the sheet are called: one workbook per month, one workbook with a sheet per
//! month, or one cumulative sheet are all read alike. `填报说明` and the template's hidden list
//! sheet are never read. Each sheet becomes a [`SectionFile`] (its items and row findings) or a
//! [`FailedSheet`] (a file error for that sheet, with what its header says for attribution).

use calamine::Data;
use chrono::Datelike;

use super::row::{RowCtx, col};
use super::{CheckedColumns, FailedSheet, Parsed, SectionFile};
use crate::cell::{self, cell_text, clean_text};
use crate::findings::{self as f, Code, at};
use crate::labels as l;
use crate::layout::{Columns, Grid, HeaderValue, columns, header_block, is_label};
use crate::model::{Finding, Item, Source, Text};
use crate::read::workbook::{SheetData, WorkbookData};
use crate::rules::Rules;

/// Header-block labels of the section workbook, in the order [`parse_sheet`] reads them.
const HEADER_LABELS: [&str; 5] = [l::H_SECTION, l::H_YEAR, l::H_MONTH, l::H_FILLER, l::H_PHONE];
/// The required ones (all but 联系电话).
const REQUIRED_HEADER: usize = 4;

/// The file a sheet belongs to.
struct FileCtx<'a> {
    index: usize,
    name: &'a str,
    rules: &'a Rules,
}

/// Phase 1 for a section workbook: each sheet holding an items table is parsed on its own
/// ([`parse_sheet`]); a workbook without any is not this template (a file error).
pub fn parse_section(file_index: usize, file: &str, wb: &WorkbookData, rules: &Rules) -> Parsed {
    let ctx = FileCtx {
        index: file_index,
        name: file,
        rules,
    };
    let tables: Vec<(u32, &SheetData)> = (0u32..)
        .zip(&wb.sheets)
        .filter(|(_, s)| holds_items_table(s))
        .collect();
    let mut out = Parsed::default();
    if tables.is_empty() {
        out.failed.push(not_template(&ctx, wb));
        return out;
    }
    for (sheet_no, sheet) in tables {
        match parse_sheet(&ctx, sheet_no, sheet) {
            Ok(s) => out.sheets.push(s),
            Err(failed) => out.failed.push(*failed),
        }
    }
    // An outdated template (the version marker differs): said once, on the first sheet read.
    if let (Some(old), Some(first)) = (
        template_marker(wb).filter(|m| *m != l::TEMPLATE_VERSION),
        out.sheets.first_mut(),
    ) {
        let mut w = f::sheet_level(
            file,
            &first.sheet,
            Code::TemplateVersion,
            format!(
                "本表使用的模板版本为“{old}”，当前为“{}”。请向信息员索取最新的《政务信息报送表》",
                l::TEMPLATE_VERSION
            ),
        );
        w.sheet_no = Some(first.sheet_no);
        first.findings.insert(0, w);
    }
    out
}

/// Whether a sheet is one to read: it holds an items table and is neither the instructions
/// nor the template's list sheet.
fn holds_items_table(s: &SheetData) -> bool {
    !cell::label_eq(&s.name, l::SHEET_INSTRUCTIONS)
        && !cell::label_eq(&s.name, l::SHEET_LISTS)
        && s.cells.iter().any(|c| is_label(&c.2, l::C_TITLE))
}

/// The file error for a workbook without any items table, with the 股室 of a header block
/// if one is found (so the file can still be attributed).
fn not_template(ctx: &FileCtx, wb: &WorkbookData) -> FailedSheet {
    let section = wb
        .sheets
        .iter()
        .filter(|s| !cell::label_eq(&s.name, l::SHEET_INSTRUCTIONS))
        .find_map(|s| {
            let grid = Grid::new(s);
            let header = header_block(&grid, u32::MAX, &HEADER_LABELS, &HEADER_LABELS);
            Header::read(ctx.name, &s.name, &header).section
        });
    let finding = f::file_error(
        ctx.name,
        Code::FileNotTemplate,
        format!(
            "不是政务信息报送表：找不到工作表“{}”，也没有任何工作表含“{}”表头。请使用信息员下发的《政务信息报送表》填写",
            l::SHEET_ITEMS,
            l::C_TITLE
        ),
    );
    FailedSheet {
        section: section.map(|s| s.0),
        ..FailedSheet::whole_file(ctx.index, ctx.name, vec![finding], "不是本模板".into())
    }
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

/// The labels of the items table: those read (fixed columns, then the rules' adoption
/// levels, as [`col`] indexes them), and the template's order for messages.
struct TableLabels<'r> {
    wanted: Vec<&'r str>,
    template_order: Vec<&'r str>,
    /// Every header-block and table label: a label cell is never a value.
    all: Vec<&'r str>,
}

impl<'r> TableLabels<'r> {
    fn new(rules: &'r Rules) -> TableLabels<'r> {
        let mut wanted: Vec<&str> = l::ITEM_FIXED_COLUMNS.to_vec();
        wanted.extend(rules.adoption_labels());
        let mut template_order: Vec<&str> = l::ITEM_FIXED_COLUMNS[..5].to_vec();
        template_order.extend(rules.adoption_labels());
        template_order.extend(&l::ITEM_FIXED_COLUMNS[5..]);
        let mut all: Vec<&str> = HEADER_LABELS.to_vec();
        all.extend(wanted.iter().copied());
        TableLabels {
            wanted,
            template_order,
            all,
        }
    }
}

/// What a sheet's header block says, read leniently: each required value that could be read,
/// and a file error for each that could not.
struct Header {
    /// 股室 as written, and its cell.
    section: Option<(String, (u32, u32))>,
    year: Option<(i32, (u32, u32))>,
    month: Option<(u32, (u32, u32))>,
    /// Required labels not found at all.
    missing_labels: Vec<&'static str>,
    findings: Vec<Finding>,
}

impl Header {
    fn read(file: &str, sheet: &str, header: &[Option<HeaderValue>]) -> Header {
        let value_of = |i: usize| {
            header[i]
                .as_ref()
                .and_then(|h| h.value.as_ref())
                .map(|(p, d)| (*p, d.as_ref()))
        };
        let label_at = |i: usize| header[i].as_ref().map_or((0, 0), |h| h.label_at);
        let mut findings = Vec::new();
        let mut missing = |i: usize, what: &str| {
            findings.push(at(
                file,
                sheet,
                label_at(i),
                Code::FileHeader,
                format!("“{}”为空，请在其右侧单元格填写{what}", HEADER_LABELS[i]),
            ));
        };
        let section = value_of(0).map(|(pos, d)| (clean_text(&cell_text(d)).into_owned(), pos));
        if section.is_none() {
            missing(0, "股室名称，如“办公室”");
        }
        if value_of(1).is_none() {
            missing(1, "四位年份，如 2019");
        }
        if value_of(2).is_none() {
            missing(2, "本表报送的月份，1 到 12");
        }
        // 填报人 is required like 股室, 报送年份 and 报送月份 (SPEC, header block).
        if value_of(3).is_none() {
            missing(3, "填报人姓名");
        }
        let problem = |i: usize, what: &'static str| HeaderProblem {
            file,
            sheet,
            label: HEADER_LABELS[i],
            what,
        };
        let year = value_of(1).and_then(|(pos, d)| {
            problem(1, "四位年份，如 2019").check(pos, d, cell::parse_year(d), &mut findings)
        });
        let month = value_of(2).and_then(|(pos, d)| {
            problem(2, "1 到 12 的数字").check(pos, d, cell::parse_month(d), &mut findings)
        });
        findings.sort_by_key(|x| x.pos);
        Header {
            section,
            year,
            month,
            missing_labels: (0..REQUIRED_HEADER)
                .filter(|&i| header[i].is_none())
                .map(|i| HEADER_LABELS[i])
                .collect(),
            findings,
        }
    }
}

/// Where a header value that cannot be read is reported, and what to write instead.
struct HeaderProblem<'a> {
    file: &'a str,
    sheet: &'a str,
    label: &'static str,
    what: &'static str,
}

impl HeaderProblem<'_> {
    /// The value `parsed` from the cell at `pos`, or an E-FILE-HEADER showing what it holds.
    fn check<T>(
        &self,
        pos: (u32, u32),
        d: &Data,
        parsed: Option<T>,
        findings: &mut Vec<Finding>,
    ) -> Option<(T, (u32, u32))> {
        if parsed.is_none() {
            findings.push(at(
                self.file,
                self.sheet,
                pos,
                Code::FileHeader,
                format!(
                    "{}“{}”无法识别，请填写{}",
                    self.label,
                    cell_text(d),
                    self.what
                ),
            ));
        }
        parsed.map(|v| (v, pos))
    }
}

/// Phase 1 for one sheet holding an items table: its header block, then each non-blank row
/// as an [`Item`] or row findings.
fn parse_sheet(
    ctx: &FileCtx,
    sheet_no: u32,
    sheet: &SheetData,
) -> Result<SectionFile, Box<FailedSheet>> {
    let sname = sheet.name.as_str();
    let grid = Grid::new(sheet);
    let labels = TableLabels::new(ctx.rules);
    let header_row = grid.find_label_row(l::C_TITLE, None).map_or(0, |x| x.0);
    let block = header_block(&grid, header_row, &HEADER_LABELS, &labels.all);
    let header = Header::read(ctx.name, sname, &block);
    let cols = columns(&grid, header_row, &labels.wanted);
    let refuse = |findings: Vec<Finding>, why: &str| {
        let mut failed = FailedSheet {
            file_index: ctx.index,
            file: ctx.name.to_string(),
            sheet: sname.to_string(),
            sheet_no: Some(sheet_no),
            section: header.section.as_ref().map(|s| s.0.clone()),
            year: header.year.map(|y| y.0),
            month: header.month.map(|m| m.0),
            findings,
            why: why.to_string(),
        };
        failed
            .findings
            .iter_mut()
            .for_each(|x| x.sheet_no = Some(sheet_no));
        Box::new(failed)
    };
    if header.missing_labels.len() == REQUIRED_HEADER {
        return Err(refuse(vec![no_header_block(ctx.name, sname)], "没有表头"));
    }
    if let Some(problem) = template_problem(ctx.name, sname, &header, &cols, &labels) {
        return Err(refuse(vec![problem], "不是本模板"));
    }
    if !header.findings.is_empty() {
        return Err(refuse(header.findings.clone(), "表头无效"));
    }
    let (Some(section), Some(year), Some((month, month_at))) =
        (header.section.clone(), header.year, header.month)
    else {
        return Err(refuse(header.findings.clone(), "表头无效"));
    };
    let mut findings = table_warnings(ctx, sname, &grid, &cols, &labels);
    let rows = read_rows(ctx, sheet, &grid, &cols, (year.0, month), &mut findings);
    let stale = rows.latest_month(year.0).filter(|&m| m > month);
    if let Some(latest) = stale {
        findings.push(at(
            ctx.name,
            sname,
            month_at,
            Code::MonthStale,
            format!("报送月份为{month}月，表中有{latest}月的信息，请更新报送月份"),
        ));
    }
    findings
        .iter_mut()
        .for_each(|x| x.sheet_no = Some(sheet_no));
    let mut items = rows.items;
    items.iter_mut().for_each(|i| {
        i.file_index = ctx.index;
        i.sheet_no = sheet_no;
    });
    let opt = |i: usize| cols.found[i];
    Ok(SectionFile {
        file_index: ctx.index,
        sheet_no,
        file: Text::from(ctx.name),
        sheet: Text::from(sname),
        section,
        year,
        month,
        stale: stale.is_some(),
        cols: CheckedColumns {
            date: opt(col::DATE).unwrap_or(0),
            task: opt(col::TASK),
            reviewer: opt(col::REVIEWER).unwrap_or(0),
            title: opt(col::TITLE).unwrap_or(0),
        },
        items,
        refused: rows.refused,
        rows_seen: rows.seen,
        findings,
        modified: None,
    })
}

/// The file error of a sheet holding an items table but no header block: its items cannot
/// be attributed to a section or a month.
fn no_header_block(file: &str, sheet: &str) -> Finding {
    f::sheet_level(
        file,
        sheet,
        Code::FileHeader,
        format!(
            "工作表“{sheet}”有信息表，但没有表头（{}），其中的信息无法归属股室和月份，未计分。请在信息表上方填写表头，或把信息填到有表头的工作表中",
            HEADER_LABELS[..REQUIRED_HEADER].join("、")
        ),
    )
}

/// The E-FILE-TEMPLATE finding of a sheet missing header labels or required columns.
fn template_problem(
    file: &str,
    sheet: &str,
    header: &Header,
    cols: &Columns,
    labels: &TableLabels,
) -> Option<Finding> {
    let missing_cols: Vec<&str> = [col::DATE, col::CATEGORY, col::AUTHOR, col::REVIEWER]
        .iter()
        .filter(|&&i| cols.found[i].is_none())
        .map(|&i| labels.wanted[i])
        .collect();
    let mut what = Vec::new();
    if !header.missing_labels.is_empty() {
        what.push(format!(
            "表头缺少标签 {}",
            quote_list(&header.missing_labels)
        ));
    }
    if !missing_cols.is_empty() {
        what.push(format!("信息表缺少列 {}", quote_list(&missing_cols)));
    }
    (!what.is_empty()).then(|| {
        f::sheet_level(
            file,
            sheet,
            Code::FileNotTemplate,
            format!(
                "不是本模板：{}。请使用信息员下发的《政务信息报送表》，勿删改表头",
                what.join("\u{FF1B}")
            ),
        )
    })
}

/// Warnings about the table itself: unknown and missing columns, merged cells.
fn table_warnings(
    ctx: &FileCtx,
    sheet: &str,
    grid: &Grid,
    cols: &Columns,
    labels: &TableLabels,
) -> Vec<Finding> {
    let file = ctx.name;
    let mut findings = Vec::new();
    for (c, text) in &cols.unknown {
        findings.push(at(
            file,
            sheet,
            (cols.header_row, *c),
            Code::ColumnUnknown,
            format!(
                "未知的列“{}”，已忽略。本表的列为：{}",
                text.trim(),
                labels.template_order.join("、")
            ),
        ));
    }
    for (i, level) in ctx.rules.adoption.iter().enumerate() {
        if cols.found[col::FIRST_LEVEL + i].is_none() {
            findings.push(f::sheet_level(
                file,
                sheet,
                Code::ColumnMissing,
                format!(
                    "缺少采用级别列“{}”，本表的信息均按未被该级别采用计分。请使用最新模板",
                    level.label
                ),
            ));
        }
    }
    findings.extend(merge_warnings(file, sheet, grid, cols));
    findings
}

/// Merges inside the table that change what is read: vertical merges over content columns
/// (序号 and unknown columns do not matter).
fn merge_warnings(file: &str, sheet: &str, grid: &Grid, cols: &Columns) -> Vec<Finding> {
    let content_cols: Vec<u32> = cols
        .found
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != col::SEQ)
        .filter_map(|(_, c)| *c)
        .collect();
    let header_row = cols.header_row;
    grid.merges_below(header_row)
        .filter(|m| {
            m.start.0 > header_row && m.start.1 == m.end.1 && content_cols.contains(&m.start.1)
        })
        .map(|m| {
            at(
                file,
                sheet,
                (m.start.0, m.start.1),
                Code::Merged,
                format!(
                    "表格中有合并单元格 {}:{}，其中各行均按左上角的值“{}”读取。请取消合并，每行分别填写",
                    cell::a1(m.start.0, m.start.1),
                    cell::a1(m.end.0, m.end.1),
                    grid.raw(m.start.0, m.start.1)
                        .map(|d| cell_text(d).into_owned())
                        .unwrap_or_default()
                ),
            )
        })
        .collect()
}

/// The rows of one items table.
struct Rows {
    items: Vec<Item>,
    /// Rows with a row error, by title (when it has one): (row, title).
    refused: Vec<(u32, Box<str>)>,
    /// Non-blank rows.
    seen: usize,
}

impl Rows {
    /// The latest month of an item dated in `year`.
    fn latest_month(&self, year: i32) -> Option<u32> {
        self.items
            .iter()
            .filter(|i| i.date.year() == year)
            .map(|i| i.date.month())
            .max()
    }
}

/// Every non-blank row below the header row: an item, or row findings.
fn read_rows(
    ctx: &FileCtx,
    sheet: &SheetData,
    grid: &Grid,
    cols: &Columns,
    (year, month): (i32, u32),
    findings: &mut Vec<Finding>,
) -> Rows {
    let rules = ctx.rules;
    let file_text = Text::from(ctx.name);
    let sheet_text = Text::from(sheet.name.as_str());
    let rc = RowCtx {
        file: ctx.name,
        sheet: &sheet.name,
        rules,
        grid,
        found: &cols.found,
        formula_no_value: &sheet.formula_no_value,
        category_hint: format!("信息类别（{}）", rules.categories.names.join("、")),
        year,
    };
    let mut out = Rows {
        items: Vec::new(),
        refused: Vec::new(),
        seen: 0,
    };
    // Rows are the rows with cells of their own: a row reached only through a merge (or
    // holding only 序号) is blank.
    let title_col = cols.found[col::TITLE].unwrap_or(0);
    for (row, _) in grid.rows().filter(|(r, _)| *r > cols.header_row) {
        // A header row repeated inside the table (a month pasted with its header): a label
        // cell is never a value.
        if grid
            .raw(row, title_col)
            .is_some_and(|d| is_label(d, l::C_TITLE))
            || rc.is_blank_row(row)
        {
            continue;
        }
        out.seen += 1;
        match rc.parse_row(row, findings) {
            Some(mut item) => {
                item.source = Source {
                    file: file_text.clone(),
                    sheet: sheet_text.clone(),
                    row,
                };
                item.report_month = month;
                out.items.push(item);
            }
            None => {
                let title = rc.text(row, col::TITLE);
                if !title.is_empty() {
                    out.refused.push((row, title.into_boxed_str()));
                }
            }
        }
    }
    out.items.sort_by_key(|i| i.source.row);
    out
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("“{s}”"))
        .collect::<Vec<_>>()
        .join("、")
}
