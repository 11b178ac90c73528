//! The results workbook of a large year (more than [`LARGE_ROSTER`] sections, e.g. a whole
//! city's units): instead of one sheet per section, every item goes into one `信息明细`
//! sheet with a 股室 column and an autofilter, and the adopted-items list is written the same
//! way. Both are constant-memory worksheets written row by row, so a year of 300,000 items
//! costs a few MiB of memory, not gigabytes; widths are fixed up front (a streamed sheet
//! cannot be measured after the fact).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use crate::assess::Assessment;
use crate::rules::Rules;
use crate::score::ItemState;

use super::xlsx::{clip, excel_date};
use super::{HEADING_FONT, adopted_levels, body_font, heading_font};

/// Above this many sections the per-section sheets become one `信息明细` sheet.
pub const LARGE_ROSTER: usize = 50;
/// Name of the one item sheet of a large year.
pub const SHEET_LEDGER: &str = "信息明细";

/// Shared formats of the streamed sheets.
struct Looks {
    title: Format,
    head: Format,
    /// Text and whole numbers alike (points, row numbers: General shows them as written), so
    /// that a row's cells share as few formats as possible.
    text: Format,
    wrap: Format,
    date: Format,
    grey: Format,
}

impl Looks {
    fn new() -> Looks {
        let cell = body_font()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF))
            .set_align(FormatAlign::VerticalCenter);
        Looks {
            title: heading_font().set_font_size(14),
            head: cell
                .clone()
                .set_font_name(HEADING_FONT)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xDDEBF7)),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            date: cell.clone().set_num_format("yyyy-mm-dd"),
            grey: cell.set_font_color(Color::RGB(0x7F7F7F)),
        }
    }
}

/// The formats of one row's cells, as runs of neighbouring cells with the same format. The
/// cells are written without a format and each run formatted with one `set_range_format`
/// (which also makes the empty strings blank cells with that format, as writing them with a
/// format did): rust_xlsxwriter hashes the whole `Format` on every formatted write, which cost
/// more than writing the cells.
#[derive(Default)]
struct Runs<'f> {
    runs: Vec<(u16, u16, &'f Format)>,
}

impl<'f> Runs<'f> {
    fn add(&mut self, col: u16, format: &'f Format) {
        match self.runs.last_mut() {
            Some((_, last, f)) if *last + 1 == col && std::ptr::eq(*f, format) => *last = col,
            _ => self.runs.push((col, col, format)),
        }
    }

    /// Format the row's runs (before the next row is written: a constant-memory sheet writes
    /// a row out when the next one starts).
    fn apply(&mut self, ws: &mut rust_xlsxwriter::Worksheet, row: u32) -> Result<(), XlsxError> {
        for (first, last, f) in self.runs.drain(..) {
            ws.set_range_format(row, first, row, last, f)?;
        }
        Ok(())
    }
}

/// Print setup shared with the other sheets: A4 landscape, header row repeated, fit to width.
fn print_setup(ws: &mut rust_xlsxwriter::Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    Ok(())
}

/// Column widths, the title row (with the as-of date) and the header row of a streamed sheet.
fn heading(
    ws: &mut Worksheet,
    looks: &Looks,
    head: &[(&str, f64)],
    title: String,
    a: &Assessment,
) -> Result<(), XlsxError> {
    for (c, (_, w)) in head.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let title = format!("{title}（统计截至{}）", a.as_of.format("%Y-%m-%d"));
    ws.write_string_with_format(0, 0, title, &looks.title)?;
    for (c, (label, _)) in head.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *label, &looks.head)?;
    }
    Ok(())
}

/// `信息明细`: every item of every section, with its points and its source.
pub fn ledger_sheet(ws: &mut Worksheet, a: &Assessment, rules: &Rules) -> Result<(), XlsxError> {
    let looks = Looks::new();
    ws.set_name(SHEET_LEDGER)?;
    let levels = rules.adoption.len() as u16;
    let mut head: Vec<(&str, f64)> = vec![
        ("股室", 14.0),
        ("序号", 6.0),
        ("信息标题", 44.0),
        ("报送日期", 11.0),
        ("信息类别", 9.0),
        ("约稿任务编号", 11.0),
        ("采用期号", 11.0),
        ("计分情况", 12.0),
        ("基础分", 7.0),
    ];
    for l in &rules.adoption {
        head.push((l.label.as_str(), 10.0));
    }
    head.extend([
        ("合计", 7.0),
        ("完成的约稿任务", 11.0),
        ("文件", 24.0),
        ("工作表", 9.0),
        ("行", 6.0),
    ]);
    let last = head.len() as u16 - 1;
    heading(ws, &looks, &head, format!("{}年度政务信息明细", a.year), a)?;
    let mut row = 2u32;
    let mut runs = Runs::default();
    for s in &a.scores {
        for (n, si) in s.items.iter().enumerate() {
            let it = &si.item;
            let counted = si.state == ItemState::Counted;
            // A row that is not counted is grey throughout (its date excepted); a counted one
            // has the plain format everywhere but the wrapped title and the date: four to six
            // runs a row. An adoption level the item does not have is a blank cell of the
            // run: the grid is the cells' own border.
            let text = if counted { &looks.text } else { &looks.grey };
            ws.write_string(row, 0, &s.name)?;
            ws.write_number(row, 1, n as f64 + 1.0)?;
            ws.write_string(row, 2, clip(&it.title))?;
            runs.add(0, text);
            runs.add(1, text);
            runs.add(2, if counted { &looks.wrap } else { text });
            match excel_date(it.date) {
                Some(d) => {
                    ws.write_datetime(row, 3, d)?;
                    runs.add(3, &looks.date);
                }
                None => {
                    ws.write_string(row, 3, it.date.to_string())?;
                    runs.add(3, text);
                }
            };
            ws.write_string(row, 4, it.category.as_str())?;
            ws.write_string(row, 5, it.task_id.as_deref().unwrap_or(""))?;
            ws.write_string(row, 6, clip(&it.issue_no))?;
            ws.write_string(row, 7, super::adoption::state_text(s, n, rules))?;
            ws.write_number(row, 8, si.base as f64)?;
            for c in 4..=8 {
                runs.add(c, text);
            }
            for l in 0..rules.adoption.len() {
                if it.adopted & (1 << l) != 0 {
                    let p = si.level_points(l, rules);
                    ws.write_number(row, 9 + l as u16, p as f64)?;
                }
                runs.add(9 + l as u16, text);
            }
            ws.write_number(row, 9 + levels, si.points(rules) as f64)?;
            ws.write_string(row, 10 + levels, si.completes.as_deref().unwrap_or(""))?;
            ws.write_string(row, 11 + levels, clip(&it.source.file))?;
            ws.write_string(row, 12 + levels, &*it.source.sheet)?;
            ws.write_number(row, 13 + levels, it.source.row_number() as f64)?;
            for c in 9 + levels..=last {
                runs.add(c, text);
            }
            runs.apply(ws, row)?;
            row += 1;
        }
    }
    ws.autofilter(1, 0, (row - 1).max(1), last)?;
    print_setup(ws, 1)
}

/// `采用信息目录` of a large year: every adopted, counted item.
pub fn catalog_sheet(
    ws: &mut Worksheet,
    a: &Assessment,
    rules: &Rules,
    name: &str,
) -> Result<(), XlsxError> {
    let looks = Looks::new();
    ws.set_name(name)?;
    let mut head = vec![
        ("序号", 6.0),
        ("股室", 14.0),
        ("信息标题", 44.0),
        ("报送日期", 11.0),
        ("信息类别", 9.0),
        ("采用级别", 24.0),
        ("采用期号", 12.0),
        ("加分", 7.0),
    ];
    let checked = super::adoption::has_record(a);
    if checked {
        let [check, similarity] = super::adoption::CATALOG_COLUMNS;
        head.extend([(check, 24.0), (similarity, 8.0)]);
    }
    heading(
        ws,
        &looks,
        &head,
        format!("{}年度被采用的政务信息目录", a.year),
        a,
    )?;
    let mut row = 2u32;
    for s in &a.scores {
        for (i, si) in s.items.iter().enumerate() {
            if si.state != ItemState::Counted || !si.item.is_adopted() {
                continue;
            }
            let it = &si.item;
            ws.write_number_with_format(row, 0, row as f64 - 1.0, &looks.text)?;
            ws.write_string_with_format(row, 1, &s.name, &looks.text)?;
            ws.write_string_with_format(row, 2, clip(&it.title), &looks.wrap)?;
            if let Some(d) = excel_date(it.date) {
                ws.write_datetime_with_format(row, 3, d, &looks.date)?;
            }
            ws.write_string_with_format(row, 4, it.category.as_str(), &looks.text)?;
            ws.write_string_with_format(row, 5, adopted_levels(it, rules), &looks.wrap)?;
            ws.write_number_with_format(row, 7, si.adoption_points(rules) as f64, &looks.text)?;
            if checked {
                let c = super::adoption::catalog_check(a, s, i, rules);
                ws.write_string_with_format(row, 6, clip(&c.issue), &looks.text)?;
                ws.write_string_with_format(row, 8, &c.check, &looks.wrap)?;
                if let Some(x) = c.similarity {
                    ws.write_number_with_format(row, 9, x, &looks.text)?;
                }
            } else {
                ws.write_string_with_format(row, 6, clip(&it.issue_no), &looks.text)?;
            }
            row += 1;
        }
    }
    ws.autofilter(1, 0, (row - 1).max(1), head.len() as u16 - 1)?;
    print_setup(ws, 1)
}
