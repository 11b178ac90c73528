//! xlsx/xlsm: the pre-scans (shared-string count: calamine reserves `uniqueCount` strings up
//! front; cell references: calamine's A1 arithmetic is unchecked) and the streaming cell reader that keeps cells sparse (never the dense `Range` calamine
//! would allocate for the sheet's bounding box), with formula cells that lack a cached value.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError};
use zip::ZipArchive;

use super::collect::{Budget, dataref_text_len, finish_sheet, new_sheet, sheet_list};
use super::xml_scan::{XmlEv, attr, local_name, scan_xml};
use super::zip_guard::{MeteredCursor, ZipInfo};
use super::{Format, Limits, ReadError, WorkbookData, corrupt, limit};

pub(super) fn prescan(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    limits: &Limits,
) -> Result<(), ReadError> {
    // calamine reserves `uniqueCount` Strings up front (an allocation it
    // cannot survive if huge) and keeps one String per <si>.
    let max = limits.max_cells as u64;
    for e in info
        .entries
        .iter()
        .filter(|e| e.lower.ends_with("sharedstrings.xml"))
    {
        let f = zip
            .by_index(e.index)
            .map_err(|err| corrupt(format_args!("zip: {}: {err}", e.name)))?;
        let mut count = 0u64;
        scan_xml(f, |ev| {
            if let XmlEv::Start { name, attrs, .. } = ev {
                match local_name(name) {
                    b"sst" => {
                        if let Some(n) = attr(attrs, b"uniqueCount").and_then(parse_count)
                            && n > max
                        {
                            return Err(limit("max_cells", n, max));
                        }
                    }
                    b"si" => {
                        count += 1;
                        if count > max {
                            return Err(limit("max_cells", count, max));
                        }
                    }
                    _ => {}
                }
            }
            Ok(true)
        })?;
    }
    for e in info
        .entries
        .iter()
        .filter(|e| e.lower.ends_with(".xml") && !e.lower.ends_with("sharedstrings.xml"))
    {
        let f = zip
            .by_index(e.index)
            .map_err(|err| corrupt(format_args!("zip: {}: {err}", e.name)))?;
        check_sheet_references(f).map_err(|err| match err {
            ReadError::Corrupt(m) => corrupt(format_args!("xlsx: {}: {m}", e.name)),
            other => other,
        })?;
    }
    Ok(())
}

/// Beyond any real sheet (Excel stops at row 1,048,576 and column 16,384) and far enough
/// below `u32::MAX` that calamine's `+= 1` per row and per cell cannot reach it either.
const REF_MAX: u64 = 1 << 31;

/// calamine 0.38 parses the A1 references of a worksheet with unchecked `u32` arithmetic —
/// column letters ×26, row digits ×10, `end - start` of a range, +1 per row and per cell —
/// which panics in a build with overflow checks and wraps without. So before calamine reads
/// a worksheet part, every reference it will parse (`c@r`, `row@r`, `dimension@ref`,
/// `mergeCell@ref`, `f@ref`) must stay below [`REF_MAX`] and every range must run forwards.
/// The part is tokenized by quick-xml configured as calamine configures it, so both see the
/// same elements; parts whose root is no sheet are left after their first element.
fn check_sheet_references(part: impl std::io::Read) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut first = true;
    loop {
        buf.clear();
        let element = match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => e,
            // calamine stops at the same error (or the end) with an error of its own
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => continue,
        };
        let name = element.local_name();
        let name: &str = name.as_ref();
        if std::mem::take(&mut first) {
            if matches!(name, "worksheet" | "dialogsheet" | "macrosheet") {
                continue;
            }
            return Ok(());
        }
        let (key, range): (&[u8], bool) = match name {
            "c" | "row" => (b"r", false),
            "dimension" | "mergeCell" | "f" => (b"ref", true),
            _ => continue,
        };
        let Some(value) = attr(element.attributes_raw().as_bytes(), key) else {
            continue;
        };
        let bad = || {
            corrupt(format_args!(
                "cell reference \"{}\" out of range",
                String::from_utf8_lossy(&value[..value.len().min(40)])
            ))
        };
        if !range {
            a1(value).map_err(|()| bad())?;
            continue;
        }
        let mut parts = Vec::new();
        for part in value.split(|&b| b == b':') {
            parts.push(a1(part).map_err(|()| bad())?);
        }
        if let [Some(start), Some(end)] = parts[..]
            && (end.0 < start.0 || end.1 < start.1)
        {
            return Err(bad());
        }
    }
}

/// An A1 reference read the way calamine reads it: `Ok(Some((row, col)))` zero-based,
/// `Ok(None)` where calamine stops with an error of its own (no column, no row, another
/// character), `Err` where its arithmetic would pass [`REF_MAX`] on the way.
fn a1(reference: &[u8]) -> Result<Option<(u64, u64)>, ()> {
    let (mut row, mut col, mut digits) = (0u64, 0u64, false);
    for &b in reference {
        if !digits && b.is_ascii_alphabetic() {
            col = col * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1;
        } else if b.is_ascii_digit() {
            digits = true;
            row = row * 10 + u64::from(b - b'0');
        } else {
            return Ok(None);
        }
        if row > REF_MAX || col > REF_MAX {
            return Err(());
        }
    }
    Ok((row > 0 && col > 0).then(|| (row - 1, col - 1)))
}

/// Digits (optionally after `+`) as a saturating number, like atoi.
fn parse_count(v: &[u8]) -> Option<u64> {
    let v = v.strip_prefix(b"+").unwrap_or(v);
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(v.iter().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    info: &ZipInfo,
) -> Result<WorkbookData, ReadError> {
    let (cursor, meter) = MeteredCursor::new(bytes, info);
    let result = read_inner(cursor, limits);
    meter.check(result)
}

fn read_inner(cursor: MeteredCursor<'_>, limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut wb = Xlsx::new(cursor).map_err(xlsx_err)?;
    let modified = wb.workbook_properties().ok().and_then(|p| p.modified);
    let list = sheet_list(wb.sheets_metadata(), limits)?;
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::with_capacity(list.len());
    for (name, visible) in list {
        let mut sd = new_sheet(name, visible);
        // Streaming reader only: worksheet_range would allocate the full
        // bounding box (calamine #693).
        match wb.worksheet_cells_reader(&sd.name) {
            Ok(mut reader) => {
                while let Some(rec) = reader.next_cell_with_formula_metadata().map_err(xlsx_err)? {
                    let (r, c) = rec.pos;
                    if !limits.in_bounds(r, c) {
                        continue;
                    }
                    if matches!(rec.value, DataRef::Empty) {
                        if rec.formula.is_some() {
                            budget.slots(1)?;
                            sd.formula_no_value.push((r, c));
                        }
                    } else {
                        budget.cell(dataref_text_len(&rec.value))?;
                        sd.cells.push((r, c, Data::from(rec.value)));
                    }
                }
            }
            Err(XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(xlsx_err(e)),
        }
        sd.merged = wb.merge_cells_by_sheet_name(&sd.name).map_err(xlsx_err)?;
        budget.slots(sd.merged.len() as u64)?;
        finish_sheet(&mut sd);
        sheets.push(sd);
    }
    Ok(WorkbookData {
        format: Format::Xlsx,
        sheets,
        modified,
    })
}

fn xlsx_err(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("xlsx: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::test_support::*;

    fn corrupt_message(bytes: &[u8]) -> String {
        match read_workbook(bytes, &Limits::default()) {
            Err(ReadError::Corrupt(m)) => m,
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }

    /// Regression (fuzzer, 2026-11-28): `<mergeCell ref="B2:A1">` made calamine compute
    /// `end - start` in u32 and panic ("attempt to subtract with overflow") in builds with
    /// overflow checks — caught, but with panic text on stderr; wrapped silently without.
    #[test]
    fn reversed_merge_range_is_corrupt_not_a_calamine_panic() {
        let one = r#"<row r="1"><c r="A1"><v>1</v></c></row>"#;
        for tail in [
            r#"<mergeCells count="1"><mergeCell ref="B2:A1"/></mergeCells>"#,
            r#"<mergeCells count="1"><mergeCell ref="A2:B1"/></mergeCells>"#,
        ] {
            let bytes = xlsx_with_sheets(&[("S", &sheet_xml("A1", one, tail))]);
            let m = corrupt_message(&bytes);
            assert!(
                m.contains("out of range") && m.contains("sheet1.xml"),
                "{m}"
            );
        }
        // a reversed <dimension> and a reversed shared-formula range are the same subtraction
        let bytes = xlsx_with_sheets(&[("S", &sheet_xml("C3:A1", one, ""))]);
        assert!(corrupt_message(&bytes).contains("C3:A1"));
        let rows =
            r#"<row r="1"><c r="A1"><f t="shared" ref="A2:A1" si="0">1</f><v>1</v></c></row>"#;
        let bytes = xlsx_with_sheets(&[("S", &sheet_xml("A1", rows, ""))]);
        assert!(corrupt_message(&bytes).contains("A2:A1"));
    }

    /// The same arithmetic on one reference: seven column letters or ten row digits overflow
    /// u32 while calamine parses them (and a row index near u32::MAX overflows at `</row>`).
    #[test]
    fn overlong_cell_references_are_corrupt_not_a_calamine_panic() {
        for cell in [
            r#"<row r="1"><c r="ZZZZZZZ1"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A99999999999"><v>1</v></c></row>"#,
            r#"<row r="4294967295"><c><v>1</v></c></row><row><c><v>2</v></c></row>"#,
            r#"<row r="1"><c r="ZZZZZZZZZZ!"><v>1</v></c></row>"#,
        ] {
            let bytes = xlsx_with_sheets(&[("S", &sheet_xml("A1", cell, ""))]);
            assert!(corrupt_message(&bytes).contains("out of range"), "{cell}");
        }
        // while the largest real references read (and cells past the limits are skipped)
        let far = r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c><c r="XFE1048576"><v>2</v></c></row>"#;
        let wb = read_workbook(
            &xlsx_with_sheets(&[("S", &sheet_xml("A1:XFE1048576", far, ""))]),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            wb.sheets[0].cells,
            vec![(1_048_575, 16_383, Data::Float(1.0))]
        );
    }

    #[test]
    fn formula_without_cached_value() {
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f></c><c r="C1"><f>A1*3</f><v>3</v></c><c r="D1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row><row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">A1+1</f></c></row><row r="3"><c r="A3"><f t="shared" si="0"/></c></row>"#;
        let bytes = xlsx_with_sheets(&[("F", &sheet_xml("A1:D3", rows, ""))]);
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        let s = &wb.sheets[0];
        assert_eq!(s.formula_no_value, vec![(0, 1), (1, 0), (2, 0)]);
        assert_eq!(cell(s, 0, 2), Some(&Data::Float(3.0)));
        assert_eq!(cell(s, 0, 3), Some(&Data::String("ab".into())));
        assert_eq!(cell(s, 0, 1), None);
        assert_eq!(wb.modified, None);
    }

    #[test]
    fn far_corner_cell_is_cheap() {
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>"#;
        let bytes = xlsx_with_sheets(&[("Far", &sheet_xml("A1:XFD1048576", rows, ""))]);
        assert!(bytes.len() < 5 * 1024, "{}", bytes.len());
        let wb = quick("A1+XFD1048576", 2, || {
            read_workbook(&bytes, &Limits::default()).unwrap()
        });
        let s = &wb.sheets[0];
        assert_eq!(
            s.cells,
            vec![
                (0, 0, Data::Float(1.0)),
                (1_048_575, 16_383, Data::Float(2.0))
            ]
        );
        // the same cell beyond the configured bounds is skipped
        let small = Limits {
            max_rows: 1_000,
            ..Limits::default()
        };
        let wb = read_workbook(&bytes, &small).unwrap();
        assert_eq!(wb.sheets[0].cells.len(), 1);
    }

    fn big_sheet_xlsx(cells: usize) -> Vec<u8> {
        let (wb, rels) = workbook_parts(&["Big"], |i| i);
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in [
            ("[Content_Types].xml", content_types()),
            ("_rels/.rels", ROOT_RELS.to_string()),
            ("xl/workbook.xml", wb),
            ("xl/_rels/workbook.xml.rels", rels),
        ] {
            w.start_file(name, deflated()).unwrap();
            w.write_all(data.as_bytes()).unwrap();
        }
        w.start_file("xl/worksheets/sheet1.xml", deflated())
            .unwrap();
        write!(w, r#"<worksheet xmlns="{MAIN_NS}"><sheetData>"#).unwrap();
        let per_row = 100;
        let mut buf = String::new();
        for r in 0..cells / per_row {
            buf.clear();
            buf.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for _ in 0..per_row {
                buf.push_str("<c><v>1</v></c>");
            }
            buf.push_str("</row>");
            w.write_all(buf.as_bytes()).unwrap();
        }
        w.write_all(b"</sheetData></worksheet>").unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn three_million_cells_hit_max_cells() {
        // The default limit (2M cells) is checked on the release binary in tests/hostile.rs;
        // here a lower limit keeps the unoptimised unit test quick on a busy machine.
        let bytes = big_sheet_xlsx(3_000_000);
        eprintln!("3M-cell xlsx: {} bytes", bytes.len());
        let limits = Limits {
            max_cells: 200_000,
            ..Limits::default()
        };
        assert_limit(
            // debug build: calamine's pass plus the reference pre-scan over 30 MB of XML
            quick("3M cells", 20, || read_workbook(&bytes, &limits)),
            &["max_cells"],
        );
    }

    #[test]
    fn huge_shared_string_count_is_rejected_before_calamine() {
        let (wb, rels) = workbook_parts(&["S"], |i| i);
        let sheet = sheet_xml("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#, "");
        let sst = format!(
            r#"<sst xmlns="{MAIN_NS}" count="1" uniqueCount="100000000000"><si><t>x</t></si></sst>"#
        );
        let ct = content_types();
        let bytes = zip_files(&[
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", ROOT_RELS.as_bytes()),
            ("xl/workbook.xml", wb.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/sharedStrings.xml", sst.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ]);
        assert_limit(read_workbook(&bytes, &Limits::default()), &["max_cells"]);
    }

    #[test]
    fn shared_string_amplification_hits_text_budget() {
        let (wb, rels) = workbook_parts(&["S"], |i| i);
        let long = "x".repeat(100_000);
        let sst = format!(r#"<sst xmlns="{MAIN_NS}"><si><t>{long}</t></si></sst>"#);
        let mut rows = String::new();
        for r in 1..=5_000 {
            rows.push_str(&format!(r#"<row r="{r}"><c t="s"><v>0</v></c></row>"#));
        }
        let sheet = sheet_xml("A1", &rows, "");
        let ct = content_types();
        let bytes = zip_files(&[
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", ROOT_RELS.as_bytes()),
            ("xl/workbook.xml", wb.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/sharedStrings.xml", sst.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ]);
        let l = Limits {
            max_uncompressed_bytes: 100 * MIB,
            ..Limits::default()
        };
        assert_limit(
            quick("sst amplification", 5, || read_workbook(&bytes, &l)),
            &["max_uncompressed_bytes"],
        );
    }
}
