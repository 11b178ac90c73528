//! ods: `content.xml` read with quick-xml into sparse cells and merged ranges.
//!
//! Not calamine's ods reader: it expands every table into the dense rectangle its cells span
//! (a value in A1 and one in XFD1048576: 17 billion cells), and it takes the white space of an
//! indented `content.xml` (OpenOffice 3.x, Excel's own ods export) for cell text. Here each
//! repeated row and column only moves the position, so what is kept and counted is the
//! non-empty cells; the text of a cell follows ODF's white-space rules (runs of spaces, tabs
//! and line ends inside a paragraph are one space, none at its ends; `<text:s>`, `<text:tab>`
//! and `<text:line-break>` are kept; paragraphs are joined by line ends). Values are read as
//! calamine reads them (float, percentage and currency → `Float`, date → `DateTimeIso`, time
//! → `DurationIso`, boolean → `Bool`, string → `String`).
//!
//! No formula-without-value check: LibreOffice stores a formula's result always, and an
//! empty-string result has no value type at all — it reads as blank, which is what it shows.

use std::io::{BufReader, Read};

use calamine::{Data, Dimensions};
use quick_xml::events::{BytesStart, Event};

use super::collect::{Budget, finish_sheet, new_sheet, pick};
use super::zip_guard::{Zip, attr, open_zip, zip_checks};
use super::{Format, Limits, ReadError, SheetData, WorkbookData, corrupt, limit};

/// ODF limits the grid as Excel does.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLS: u64 = 16_384;

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut zip = open_zip(bytes, limits)?;
    zip_checks(&zip, limits)?;
    if encrypted(&mut zip)? {
        return Err(ReadError::Encrypted);
    }
    let modified = modified(&mut zip);
    let content = zip
        .by_name("content.xml")
        .map_err(|e| corrupt(format_args!("ods: content.xml: {e}")))?;
    let mut walk = Walk::new(limits);
    walk.run(BufReader::new(content))?;
    let mut sheets = pick(walk.sheets, |s| &s.name, limits)?;
    sheets.iter_mut().for_each(finish_sheet);
    Ok(WorkbookData {
        format: Format::Ods,
        sheets,
        modified,
        template_version: None,
    })
}

/// Start tags and texts of a part, each handed to `f` with the part's reader.
fn each_event(
    part: impl Read,
    mut f: impl FnMut(Event<'_>) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| corrupt(format_args!("ods: {e}")))?;
        if matches!(event, Event::Eof) || !f(event)? {
            return Ok(());
        }
    }
}

/// Whether the manifest declares an encrypted part.
fn encrypted(zip: &mut Zip<'_>) -> Result<bool, ReadError> {
    let Ok(manifest) = zip.by_name("META-INF/manifest.xml") else {
        return Ok(false);
    };
    let mut found = false;
    each_event(manifest, |e| {
        if let Event::Start(s) | Event::Empty(s) = &e {
            found |= s.name().as_ref() == "manifest:encryption-data";
        }
        Ok(!found)
    })?;
    Ok(found)
}

/// `dc:date` of `meta.xml`.
fn modified(zip: &mut Zip<'_>) -> Option<String> {
    let meta = zip.by_name("meta.xml").ok()?;
    let (mut inside, mut date) = (false, None);
    let _ = each_event(meta.take(1 << 20), |e| {
        match e {
            Event::Start(s) => inside = s.name().as_ref() == "dc:date",
            Event::Text(t) if inside => date = Some(t.xml10_content().trim().to_string()),
            Event::End(_) => inside = false,
            _ => {}
        }
        Ok(date.is_none())
    });
    date
}

/// The walk over `content.xml`.
struct Walk<'l> {
    limits: &'l Limits,
    budget: Budget,
    sheets: Vec<SheetData>,
    /// Automatic table styles hiding their table (`table:display="false"`).
    hidden_styles: Vec<String>,
    style: Option<String>,
    in_table: bool,
    row: u64,
    row_repeat: u64,
    col: u64,
    /// The cell being read: its value, repeat count, text (when read from its content).
    cell: Option<Cell>,
    /// Elements inside the cell being read, and inside an annotation (not cell text).
    depth: usize,
    annotation: usize,
    /// The row's cells, repeated when the row is.
    row_cells: Vec<(u64, Data)>,
}

struct Cell {
    value: Option<Data>,
    repeat: u64,
    text: Option<Text>,
}

/// A cell's text under ODF's white-space rules.
#[derive(Default)]
struct Text {
    done: String,
    paragraph: String,
    /// The paragraph ends in a collapsible space (not one of `<text:s>`).
    trailing: bool,
    paragraphs: usize,
}

impl Text {
    fn push_text(&mut self, t: &str) {
        for ch in t.chars() {
            if matches!(ch, ' ' | '\t' | '\n' | '\r') {
                if !self.trailing && !self.paragraph.is_empty() {
                    self.paragraph.push(' ');
                    self.trailing = true;
                }
            } else {
                self.paragraph.push(ch);
                self.trailing = false;
            }
        }
    }

    fn push_kept(&mut self, s: &str) {
        self.paragraph.push_str(s);
        self.trailing = false;
    }

    fn end_paragraph(&mut self) {
        if self.trailing {
            self.paragraph.pop();
        }
        if self.paragraphs > 0 {
            self.done.push('\n');
        }
        self.done.push_str(&self.paragraph);
        self.paragraph.clear();
        self.trailing = false;
        self.paragraphs += 1;
    }
}

fn count(e: &BytesStart<'_>, key: &str) -> u64 {
    attr(e, key)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1)
        .max(1)
}

impl<'l> Walk<'l> {
    fn new(limits: &'l Limits) -> Self {
        Walk {
            limits,
            budget: Budget::new(limits),
            sheets: Vec::new(),
            hidden_styles: Vec::new(),
            style: None,
            in_table: false,
            row: 0,
            row_repeat: 1,
            col: 0,
            cell: None,
            depth: 0,
            annotation: 0,
            row_cells: Vec::new(),
        }
    }

    fn run(&mut self, content: impl Read) -> Result<(), ReadError> {
        each_event(content, |e| {
            match e {
                Event::Start(s) => self.start(&s, false)?,
                Event::Empty(s) => self.start(&s, true)?,
                Event::End(e) => self.end(e.name().as_ref())?,
                Event::Text(t) => self.text(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        _ => predefined(&r.xml10_content()).map(str::to_string),
                    };
                    if let Some(s) = resolved {
                        self.text(&s);
                    }
                }
                Event::CData(c) => self.text(&c),
                _ => {}
            }
            Ok(true)
        })
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), ReadError> {
        if self.cell.is_some() {
            self.cell_content(e, empty);
            return Ok(());
        }
        match e.name().as_ref() {
            "style:style" => self.style = attr(e, "style:name"),
            "style:table-properties" => {
                if let Some(style) = &self.style
                    && attr(e, "table:display").is_some_and(|v| v == "false")
                {
                    self.hidden_styles.push(style.clone());
                }
            }
            "table:table" if !self.in_table => {
                let name = attr(e, "table:name").unwrap_or_default();
                let hidden =
                    attr(e, "table:style-name").is_some_and(|s| self.hidden_styles.contains(&s));
                self.sheets.push(new_sheet(name, !hidden));
                self.in_table = !empty;
                self.row = 0;
            }
            "table:table-row" if self.in_table => {
                self.row_repeat = count(e, "table:number-rows-repeated");
                self.col = 0;
                if empty {
                    self.end_row()?;
                }
            }
            "table:table-cell" | "table:covered-table-cell" if self.in_table => {
                self.merge(e)?;
                self.cell = Some(Cell {
                    value: value(e),
                    repeat: count(e, "table:number-columns-repeated"),
                    text: (attr(e, "office:value-type").as_deref() == Some("string")
                        && attr(e, "office:string-value").is_none())
                    .then(Text::default),
                });
                self.depth = 0;
                if empty {
                    self.end_cell()?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A merged range starting at this cell.
    fn merge(&mut self, e: &BytesStart<'_>) -> Result<(), ReadError> {
        let rows = count(e, "table:number-rows-spanned");
        let cols = count(e, "table:number-columns-spanned");
        if e.name().as_ref() != "table:table-cell" || (rows == 1 && cols == 1) {
            return Ok(());
        }
        let (last_row, last_col) = (self.row + rows - 1, self.col + cols - 1);
        if last_row >= u64::from(self.limits.max_rows)
            || last_col >= u64::from(self.limits.max_cols)
        {
            return Ok(());
        }
        self.budget.slots(1)?;
        let at = |r: u64, c: u64| (r as u32, c as u32);
        if let Some(sheet) = self.sheets.last_mut() {
            let merged = Dimensions::new(at(self.row, self.col), at(last_row, last_col));
            sheet.merged.push(merged);
        }
        Ok(())
    }

    fn cell_content(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.name();
        if self.annotation > 0 || name.as_ref() == "office:annotation" {
            self.annotation += usize::from(!empty);
            return;
        }
        self.depth += usize::from(!empty);
        let Some(text) = self.cell.as_mut().and_then(|c| c.text.as_mut()) else {
            return;
        };
        match name.as_ref() {
            "text:s" => text.push_kept(&" ".repeat(count(e, "text:c").min(1024) as usize)),
            "text:tab" => text.push_kept("\t"),
            "text:line-break" => text.push_kept("\n"),
            "text:p" | "text:h" if empty => text.end_paragraph(),
            _ => {}
        }
    }

    fn text(&mut self, t: &str) {
        if self.annotation > 0 || self.depth == 0 {
            return;
        }
        if let Some(text) = self.cell.as_mut().and_then(|c| c.text.as_mut()) {
            text.push_text(t);
        }
    }

    fn end(&mut self, name: &str) -> Result<(), ReadError> {
        if self.cell.is_some() {
            if self.annotation > 0 {
                self.annotation -= 1;
            } else if self.depth > 0 {
                self.depth -= 1;
                if matches!(name, "text:p" | "text:h")
                    && let Some(text) = self.cell.as_mut().and_then(|c| c.text.as_mut())
                {
                    text.end_paragraph();
                }
            } else {
                self.end_cell()?;
            }
            return Ok(());
        }
        match name {
            "table:table-row" if self.in_table => self.end_row()?,
            "table:table" => self.in_table = false,
            "style:style" => self.style = None,
            _ => {}
        }
        Ok(())
    }

    fn end_cell(&mut self) -> Result<(), ReadError> {
        let Some(cell) = self.cell.take() else {
            return Ok(());
        };
        let value = match cell.text {
            Some(text) => Some(Data::String(text.done)),
            None => cell.value,
        };
        if let Some(v) = value {
            let repeat = cell.repeat.min(MAX_COLS.saturating_sub(self.col));
            for k in 0..repeat {
                self.row_cells.push((self.col + k, v.clone()));
                if self.row_cells.len() > self.limits.max_cells {
                    return Err(limit(
                        "max_cells",
                        self.row_cells.len() as u64,
                        self.limits.max_cells as u64,
                    ));
                }
            }
        }
        self.col = self.col.saturating_add(cell.repeat);
        Ok(())
    }

    fn end_row(&mut self) -> Result<(), ReadError> {
        let repeat = self.row_repeat.min(MAX_ROWS.saturating_sub(self.row));
        let cells = std::mem::take(&mut self.row_cells);
        if let Some(sheet) = self.sheets.last_mut() {
            for k in 0..if cells.is_empty() { 0 } else { repeat } {
                let row = self.row + k;
                for (col, v) in &cells {
                    if self.limits.in_bounds(row as u32, *col as u32) {
                        self.budget.cell(super::collect::data_text_len(v))?;
                        sheet.cells.push((row as u32, *col as u32, v.clone()));
                    }
                }
            }
        }
        self.row = self.row.saturating_add(self.row_repeat);
        Ok(())
    }
}

/// A cell's value from its attributes (string cells without `office:string-value` take their
/// text instead).
fn value(e: &BytesStart<'_>) -> Option<Data> {
    let kind = attr(e, "office:value-type");
    let is = |k: &str| kind.as_deref() == Some(k);
    if is("boolean") {
        let v = attr(e, "office:boolean-value")?;
        return Some(Data::Bool(v == "true" || v == "TRUE"));
    }
    if is("date") {
        return attr(e, "office:date-value").map(Data::DateTimeIso);
    }
    if is("time") {
        return attr(e, "office:time-value").map(Data::DurationIso);
    }
    if is("string") {
        return attr(e, "office:string-value").map(Data::String);
    }
    let v = attr(e, "office:value")?;
    Some(v.trim().parse().map_or(Data::String(v), Data::Float))
}

/// The five entities XML predefines.
fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::test_support::*;

    #[test]
    fn normal_ods_reads() {
        let body = r#"<table:table table:name="Blatt1"><table:table-row><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>hi</text:p></table:table-cell><table:table-cell table:formula="of:=[.A1]*2"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_eq!(sniff(&bytes), Ok(Format::Ods));
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.format, Format::Ods);
        assert_eq!(wb.modified.as_deref(), Some("2023-01-02T03:04:05"));
        let s = &wb.sheets[0];
        assert_eq!(s.name, "Blatt1");
        assert_eq!(
            s.cells,
            vec![(0, 0, Data::Float(3.0)), (0, 1, Data::String("hi".into()))]
        );
        assert!(s.formula_no_value.is_empty());
    }

    /// Repeats count as the non-empty cells they make; empty ones cost nothing, however far.
    #[test]
    fn repeats_count_non_empty_cells_only() {
        let body = r#"<table:table table:name="T"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_limit(
            quick("ods repeated row", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_cells"],
        );
        // a value in A1 and one 1,000,001 rows and 16,000 columns away: two cells
        let body = r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="float" office:value="2"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        let wb = quick("ods far cell", 2, || {
            read_workbook(&bytes, &Limits::default()).unwrap()
        });
        assert_eq!(
            wb.sheets[0].cells,
            vec![
                (0, 0, Data::Float(1.0)),
                (1_000_001, 16_000, Data::Float(2.0))
            ]
        );
        // typical LibreOffice output: trailing empty columns and rows repeated
        let body = r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#;
        let wb = read_workbook(&ods_bytes(body, ODS_MANIFEST), &Limits::default()).unwrap();
        assert_eq!(wb.sheets[0].cells, vec![(0, 0, Data::Float(1.0))]);
    }

    /// An indented content.xml (OpenOffice 3.x, Excel's ods export) reads as the same cells;
    /// explicit spaces, tabs and line breaks are kept, paragraphs joined by line ends.
    #[test]
    fn indented_content_and_white_space() {
        let body = "<table:table table:name=\"T\">\n  <table:table-row>\n    <table:table-cell office:value-type=\"string\">\n      <text:p>\n        标题   一\n      </text:p>\n    </table:table-cell>\n    <table:table-cell office:value-type=\"string\">\n      <text:p>a<text:s text:c=\"2\"/>b<text:tab/>c</text:p>\n      <text:p>d<text:line-break/>e &amp; f</text:p>\n    </table:table-cell>\n  </table:table-row>\n</table:table>";
        let wb = read_workbook(&ods_bytes(body, ODS_MANIFEST), &Limits::default()).unwrap();
        assert_eq!(
            wb.sheets[0].cells,
            vec![
                (0, 0, Data::String("标题 一".into())),
                (0, 1, Data::String("a  b\tc\nd\ne & f".into())),
            ]
        );
    }

    /// Merged cells, a hidden table and an annotation (not cell text).
    #[test]
    fn merges_hidden_tables_and_annotations() {
        let styles = r#"<office:automatic-styles><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style></office:automatic-styles>"#;
        let body = r#"<table:table table:name="A"><table:table-row><table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="3" office:value-type="string"><office:annotation><text:p>note</text:p></office:annotation><text:p>x</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table><table:table table:name="B" table:style-name="ta2"/>"#;
        let bytes = ods_bytes_with(styles, body, ODS_MANIFEST);
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        let a = &wb.sheets[0];
        assert_eq!(a.cells, vec![(0, 0, Data::String("x".into()))]);
        assert_eq!(a.merged, vec![Dimensions::new((0, 0), (2, 1))]);
        assert!(a.visible && !wb.sheets[1].visible);
    }

    #[test]
    fn ods_encrypted_manifest() {
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/></manifest:encryption-data></manifest:file-entry></manifest:manifest>"#;
        let bytes = ods_bytes("", manifest);
        assert_eq!(
            read_workbook(&bytes, &Limits::default()),
            Err(ReadError::Encrypted)
        );
    }
}
