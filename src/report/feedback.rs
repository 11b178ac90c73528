//! Feedback workbooks (`--feedback DIR`): one small workbook per section that has problems,
//! `{股室}-问题反馈.xlsx`, to send back to the section. It lists the section's own problems
//! (file, sheet, cell, 级别, 代码, 说明 — file-level problems too), and reproduces each of its
//! sheets that has a problem at a cell, as the section sent it and at the same cell addresses,
//! with every problem cell filled (pink = error, yellow = warning) and a note saying what is
//! wrong and what to write. Sections without problems get none.
//!
//! The reproduced sheets are read again from the input file, and only when its SHA-256 is still
//! the one the run scored. Contact data (the value after a `联系电话`/`电子邮箱` label, or a
//! column so labelled) is left out. The register is never reproduced.

use std::collections::BTreeMap;

use calamine::Data;
use rust_xlsxwriter::{Note, Worksheet};

use crate::assess::Assessment;
use crate::cell::{label_eq, serial_to_date};
use crate::error::Error;
use crate::labels as l;
use crate::model::{FileStatus, Finding, InputFile, Severity};
use crate::read::workbook::{Limits, SheetData};

use super::table::problem_row;
use super::xlsx::{
    BAD, Look, NEUTRAL, R, Sheet, V, new_sheet, new_workbook, output_error, section_sheet_names,
};

/// The name of the problem list sheet.
pub use crate::labels::SHEET_FEEDBACK_LIST as SHEET_LIST;

/// One feedback workbook: its file name (naming the section) and its bytes.
#[derive(Debug)]
pub struct Feedback {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The sections (roster order) that have problems attributed to them; corrected ones are not
/// sent back.
pub fn sections_with_problems(a: &Assessment) -> Vec<&str> {
    a.scores
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| a.findings.iter().any(|f| to_send(f, n)))
        .collect()
}

/// Whether a finding goes into `section`'s feedback workbook.
fn to_send(f: &Finding, section: &str) -> bool {
    f.section.as_deref() == Some(section) && f.severity != Severity::Corrected
}

/// Build every section's feedback workbook in memory. The inputs whose sheets are copied are
/// read again through the run's guarded reader and `limits`.
pub fn feedback_workbooks(a: &Assessment, limits: &Limits) -> Result<Vec<Feedback>, Error> {
    sections_with_problems(a)
        .into_iter()
        .map(|section| {
            let bytes = build(a, section, limits).map_err(output_error)?;
            Ok(Feedback {
                file_name: super::feedback_file_name(section),
                bytes,
            })
        })
        .collect()
}

/// A sheet of an input file to reproduce: (file display name, sheet name).
type SheetKey<'a> = (&'a str, &'a str);

fn build(a: &Assessment, section: &str, limits: &Limits) -> R<Vec<u8>> {
    let findings: Vec<&Finding> = a.findings.iter().filter(|f| to_send(f, section)).collect();
    let mut wb = new_workbook(
        a.as_of,
        &format!("{section} {}年度政务信息报送问题反馈", a.year),
        "feedback",
    )?;

    // The section's own sheets with a problem at a cell, in findings order.
    let mut keys: Vec<SheetKey> = Vec::new();
    for f in &findings {
        let key = (f.file.as_str(), f.sheet.as_str());
        if f.pos.is_some() && own_file(a, &f.file).is_some() && !keys.contains(&key) {
            keys.push(key);
        }
    }
    let names: Vec<String> = keys
        .iter()
        .map(|(file, sheet)| format!("{}-{sheet}", file_stem(file)))
        .collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let sheet_names = section_sheet_names(&name_refs, &[SHEET_LIST]);

    let mut copies = Vec::new();
    let mut placed: BTreeMap<SheetKey, String> = BTreeMap::new();
    let mut unavailable: BTreeMap<&str, &str> = BTreeMap::new();
    let mut read_cache: BTreeMap<&str, Option<Vec<SheetData>>> = BTreeMap::new();
    for (key, name) in keys.iter().zip(&sheet_names) {
        let sheets = read_cache.entry(key.0).or_insert_with(|| {
            let f = own_file(a, key.0)?;
            crate::load::reread(&f.path, &f.sha256, limits).map(|wb| wb.sheets)
        });
        let Some(sheets) = sheets else {
            unavailable.insert(key.0, "（原文件已改动或无法读取，未附原表）");
            continue;
        };
        let Some(sheet) = sheets.iter().find(|s| s.name == key.1) else {
            continue;
        };
        let here: Vec<&Finding> = findings
            .iter()
            .copied()
            .filter(|f| f.file == key.0 && f.sheet == key.1)
            .collect();
        copies.push(copy_sheet(name, key.0, sheet, &here)?);
        placed.insert(*key, name.clone());
    }

    wb.push_worksheet(list_sheet(a, section, &findings, &placed, &unavailable)?);
    for ws in copies {
        wb.push_worksheet(ws);
    }
    wb.save_to_buffer()
}

/// The input file of that display name, if it is a section workbook (never the register).
fn own_file<'a>(a: &'a Assessment, display: &str) -> Option<&'a InputFile> {
    a.files.iter().find(|f| {
        f.display == display
            && matches!(f.status, FileStatus::Section { .. } | FileStatus::Failed(_))
            && a.register_file.as_deref() != Some(display)
    })
}

fn file_stem(display: &str) -> &str {
    let name = display.rsplit(['/', '\\']).next().unwrap_or(display);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

fn list_sheet(
    a: &Assessment,
    section: &str,
    findings: &[&Finding],
    placed: &BTreeMap<SheetKey, String>,
    unavailable: &BTreeMap<&str, &str>,
) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_LIST)?;
    let mut sh = Sheet::new(&mut ws);
    // The columns of 校验问题 but 股室 (it is this one), numbered, and where the sheet is.
    let mut cols = vec!["序号"];
    cols.extend(&super::FINDING_COLUMNS[1..]);
    cols.push("原表见");
    let last = cols.len() as u16 - 1;
    sh.limit(0, 5.0, 6.0, false);
    sh.centre(&[0]);
    sh.limit(1, 16.0, 28.0, true);
    sh.limit(2, 8.0, 12.0, true);
    sh.limit(3, 6.0, 8.0, false);
    sh.limit(4, 6.0, 6.0, false);
    sh.limit(5, 10.0, 24.0, false);
    sh.limit(6, 36.0, 60.0, true);
    sh.limit(7, 12.0, 34.0, true);
    sh.title(
        0,
        &format!(
            "{section} {}年度政务信息报送问题反馈（统计截至{}）",
            a.year,
            a.as_of.format("%Y-%m-%d")
        ),
        last,
    )?;
    let (e, w) = super::terminal::counts(findings.iter().copied());
    sh.note(
        1,
        &format!(
            "共发现错误 {e} 个、警告 {w} 个。“错误”所在的行（或文件）不计分，请按“说明”更正后重新报送；“警告”不影响计分，请核实。有单元格位置的问题，已在后面的工作表中按原样列出原表，并用底色标出（粉色为错误，黄色为警告），批注写明了应如何填写。单元格为空的是整个文件或工作表的问题。"
        ),
        last,
    )?;
    sh.header(2, 0, &cols)?;
    let mut row = 3;
    for (n, f) in findings.iter().enumerate() {
        let look = mark_look(f.severity);
        let where_ = placed
            .get(&(f.file.as_str(), f.sheet.as_str()))
            .map(|s| format!("工作表“{s}”"))
            .or_else(|| unavailable.get(f.file.as_str()).map(|s| s.to_string()))
            .unwrap_or_default();
        let mut vals = vec![V::Int(n as i64 + 1)];
        vals.extend(problem_row(f).into_iter().skip(1));
        vals.push(V::Text(where_));
        sh.row(row, 0, &vals, Look::default())?;
        sh.put(row, 4, &V::text(f.severity.label()), look)?;
        row += 1;
    }
    sh.ws.autofilter(2, 0, row - 1, last)?;
    sh.finish(2, (3, 0))?;
    Ok(ws)
}

/// The sheet as sent, problem cells filled and annotated; contact data left out.
fn copy_sheet(name: &str, file: &str, sheet: &SheetData, findings: &[&Finding]) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(name)?;
    // Header text: a literal `&` is written `&&` (`&L` etc. are codes).
    ws.set_header(format!(
        "&L{}",
        format!("{file} / {}", sheet.name).replace('&', "&&")
    ));
    let mut sh = Sheet::new(&mut ws);
    sh.print_headings();

    // Problems by cell: the worst severity and every message.
    let mut marks: BTreeMap<(u32, u32), (Severity, Vec<String>)> = BTreeMap::new();
    for f in findings {
        if let Some(pos) = f.pos {
            let e = marks.entry(pos).or_insert((f.severity, Vec::new()));
            e.0 = e.0.min(f.severity);
            e.1.push(format!(
                "[{}] {}：{}",
                f.code,
                f.severity.label(),
                f.message
            ));
        }
    }

    let hidden = contact_cells(sheet);
    let max_col = sheet
        .cells
        .iter()
        .map(|c| c.1)
        .chain(marks.keys().map(|k| k.1))
        .max()
        .unwrap_or(0);
    for c in 0..=max_col.min(u16::MAX as u32) as u16 {
        sh.limit(c, 6.0, 40.0, true);
    }
    let table_header = sheet
        .cells
        .iter()
        .find(|(_, _, d)| matches!(d, Data::String(s) if label_eq(s, l::C_TITLE)))
        .map_or(0, |c| c.0);
    for (r, c, d) in &sheet.cells {
        if hidden.contains(&(*r, *c)) || *c > u16::MAX as u32 {
            continue;
        }
        let look = match marks.get(&(*r, *c)) {
            Some((sev, _)) => mark_look(*sev),
            None => Look::default(),
        };
        let alone = !sheet.cells.iter().any(|x| x.0 == *r && x.1 != *c);
        match (value(d), *r) {
            // The table's labels wrap; a title alone in its row above the table spreads
            // into the empty cells beside it; neither widens its column.
            (V::Text(t), r) if r == table_header && table_header > 0 => {
                sh.put_label(r, *c as u16, &t, look)?
            }
            (v, r) if r < table_header && alone => sh.put_unmeasured(r, *c as u16, &v, look)?,
            (v, r) => sh.put(r, *c as u16, &v, look)?,
        }
    }
    for ((r, c), (sev, msgs)) in &marks {
        if *c > u16::MAX as u32 {
            continue;
        }
        if !sheet.cells.iter().any(|x| x.0 == *r && x.1 == *c) {
            sh.put(*r, *c as u16, &V::Blank, mark_look(*sev))?;
        }
        let text = msgs.join("\n");
        let lines = text.chars().count() / 22 + msgs.len() + 1;
        let note = Note::new(super::xlsx::clip(&text))
            .set_author("zwxx")
            .add_author_prefix(false)
            .set_width(340)
            .set_height(20 + 18 * lines as u32);
        sh.ws.insert_note(*r, *c as u16, &note)?;
    }
    sh.finish(table_header, (table_header + 1, 0))?;
    Ok(ws)
}

fn mark_look(sev: Severity) -> Look {
    Look {
        fill: match sev {
            Severity::Error => Some(BAD),
            Severity::Warning => Some(NEUTRAL),
            Severity::Corrected => None,
        },
        ..Look::default()
    }
}

/// A cell as it was sent: numbers as numbers, dates as dates, everything else as text.
fn value(d: &Data) -> V {
    match d {
        Data::Int(i) => V::Num(*i as f64),
        Data::Float(x) => V::Num(*x),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => V::text(s),
        Data::Bool(b) => V::text(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(dt) if dt.is_datetime() => {
            serial_to_date(dt.as_f64()).map_or(V::Num(dt.as_f64()), V::Date)
        }
        Data::DateTime(dt) => V::Num(dt.as_f64()),
        Data::Error(e) => V::Text(e.to_string()),
        Data::Empty => V::Blank,
    }
}

/// Cells holding contact data: the next value right of a `联系电话`/`电子邮箱` label above the
/// items table, and every cell below such a label in the table's header row.
fn contact_cells(sheet: &SheetData) -> Vec<(u32, u32)> {
    let is_contact = |d: &Data| matches!(d, Data::String(s) if [l::H_PHONE, l::R_EMAIL].iter().any(|x| label_eq(s, x)));
    let header_labels = [
        l::H_SECTION,
        l::H_YEAR,
        l::H_MONTH,
        l::H_FILLER,
        l::H_PHONE,
        l::R_EMAIL,
    ];
    let is_label =
        |d: &Data| matches!(d, Data::String(s) if header_labels.iter().any(|x| label_eq(s, x)));
    let table_row = sheet
        .cells
        .iter()
        .find(|(_, _, d)| matches!(d, Data::String(s) if label_eq(s, l::C_TITLE)))
        .map(|c| c.0);
    let mut out = Vec::new();
    let mut contact_cols = Vec::new();
    // "联系电话:13900001111" typed into one cell (the reader accepts that form too).
    let inline_contact = |d: &Data| {
        matches!(d, Data::String(s) if [l::H_PHONE, l::R_EMAIL].iter().any(|x| {
            let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            t.strip_prefix(x)
                .is_some_and(|rest| rest.starts_with(crate::cell::COLONS) && rest.chars().count() > 1)
        }))
    };
    for (i, (r, c, d)) in sheet.cells.iter().enumerate() {
        if inline_contact(d) {
            out.push((*r, *c));
            continue;
        }
        if !is_contact(d) {
            continue;
        }
        if Some(*r) == table_row {
            contact_cols.push(*c);
        } else if table_row.is_none_or(|t| *r < t) {
            // The next non-empty cell to the right on the same row, unless it is a label.
            if let Some((nr, nc, nd)) = sheet.cells[i + 1..]
                .iter()
                .find(|(nr, _, nd)| *nr == *r && !matches!(nd, Data::Empty))
                && !is_label(nd)
            {
                out.push((*nr, *nc));
            }
        }
    }
    if let Some(t) = table_row {
        out.extend(
            sheet
                .cells
                .iter()
                .filter(|(r, c, _)| *r > t && contact_cols.contains(c))
                .map(|(r, c, _)| (*r, *c)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(r: u32, c: u32, s: &str) -> (u32, u32, Data) {
        (r, c, Data::String(s.into()))
    }

    #[test]
    fn contact_data_is_left_out() {
        let sheet = SheetData {
            name: "报送信息".into(),
            cells: vec![
                cell(1, 0, "股室:"),
                cell(1, 1, "办公室"),
                cell(2, 0, "联系电话:"),
                cell(2, 1, "0875-1234567"),
                cell(3, 0, "填报人"),
                cell(3, 1, "联系电话"),
                cell(3, 2, "报送月份"),
                cell(4, 0, "信息标题"),
                cell(4, 1, "电子邮箱"),
                cell(5, 0, "标题"),
                cell(5, 1, "secret@example.cn"),
            ],
            visible: true,
            merged: vec![],
            formula_no_value: vec![],
        };
        let hidden = contact_cells(&sheet);
        assert_eq!(hidden, vec![(2, 1), (5, 1)]);
        let inline = SheetData {
            name: "报送信息".into(),
            cells: vec![
                cell(1, 0, "股室:办公室"),
                cell(2, 2, "联系电话:13900001111"),
                cell(4, 0, "信息标题"),
            ],
            visible: true,
            merged: vec![],
            formula_no_value: vec![],
        };
        assert_eq!(contact_cells(&inline), vec![(2, 2)]);
    }

    #[test]
    fn stems_of_display_paths() {
        assert_eq!(file_stem("in/子/办公室-03.xlsx"), "办公室-03");
        assert_eq!(file_stem("a.b.xls"), "a.b");
    }
}
