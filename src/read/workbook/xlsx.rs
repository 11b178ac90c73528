//! xlsx/xlsm: calamine's streaming cell reader, which keeps cells sparse (never the dense
//! `Range` calamine would allocate for a sheet's bounding box), with formula cells that lack a
//! cached value and the merged ranges.
//!
//! Where calamine refuses a package that Excel, WPS and LibreOffice open, the package is
//! normalised once ([`normalised`]) and handed back to calamine: XML parts in UTF-16 are
//! transcoded to UTF-8; white space around a cell's value (`<v> 1 </v>`, written by strict
//! OOXML producers) is trimmed; whole-column and whole-row references (`A:A`, `2:4`) in merged
//! ranges become cell ranges, and a sheet's `<dimension>` (a hint nobody needs) is dropped; a
//! sheet entry whose relationship id is empty (no part: nothing to read) is left out.

use std::io::{Cursor, Read, Write};

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError};
use quick_xml::events::{BytesStart, BytesText, Event};
use zip::write::SimpleFileOptions;

use super::collect::{Budget, dataref_text_len, finish_sheet, new_sheet, sheet_list};
use super::zip_guard::{Zip, open_zip, zip_checks};
use super::{Format, Limits, ReadError, WorkbookData, corrupt, guard};

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut zip = open_zip(bytes, limits)?;
    zip_checks(&zip, limits)?;
    let first = match guard(|| read_package(bytes, limits)) {
        Err(e @ (ReadError::Corrupt(_) | ReadError::Panic(_))) => e,
        done => return done,
    };
    match normalised(&mut zip)? {
        Some(copy) => guard(|| read_package(&copy, limits)).map_err(|e| match e {
            ReadError::Corrupt(_) | ReadError::Panic(_) => first,
            other => other,
        }),
        None => Err(first),
    }
}

fn read_package(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_err)?;
    let modified = wb.workbook_properties().ok().and_then(|p| p.modified);
    let template_version = wb
        .defined_names()
        .iter()
        .find(|(name, _)| name == crate::labels::VERSION_NAME)
        .map(|(_, value)| value.trim().trim_matches('"').to_string());
    let list = sheet_list(wb.sheets_metadata(), limits)?;
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::with_capacity(list.len());
    for (name, visible) in list {
        let mut sd = new_sheet(name, visible);
        let mut reader = wb.worksheet_cells_reader(&sd.name).map_err(xlsx_err)?;
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
        drop(reader);
        sd.merged = wb.merge_cells_by_sheet_name(&sd.name).map_err(xlsx_err)?;
        budget.slots(sd.merged.len() as u64)?;
        finish_sheet(&mut sd);
        sheets.push(sd);
    }
    Ok(WorkbookData {
        format: Format::Xlsx,
        sheets,
        modified,
        template_version,
    })
}

fn xlsx_err(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("xlsx: {e}")),
    }
}

/// A copy of the package with every XML part normalised (see the module header), or `None`
/// when normalising changes nothing (calamine's refusal then stands). Parts that are not XML
/// are copied as they are.
fn normalised(zip: &mut Zip<'_>) -> Result<Option<Vec<u8>>, ReadError> {
    let zip_err = |e: zip::result::ZipError| corrupt(format_args!("zip: {e}"));
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut changed = false;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(zip_err)?;
        let name = entry.name().map_err(zip_err)?.into_owned();
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".xml") || lower.ends_with(".rels")) {
            out.raw_copy_file(entry).map_err(zip_err)?;
            continue;
        }
        let mut xml = Vec::new();
        entry
            .read_to_end(&mut xml)
            .map_err(|e| corrupt(format_args!("zip: {name}: {e}")))?;
        let fixed = normalise_part(&xml).map_err(|e| corrupt(format_args!("{name}: {e}")))?;
        changed |= fixed.is_some();
        out.start_file(name.as_str(), SimpleFileOptions::default())
            .map_err(zip_err)?;
        out.write_all(fixed.as_deref().unwrap_or(&xml))
            .map_err(|e| corrupt(format_args!("zip: {e}")))?;
    }
    let bytes = out.finish().map_err(zip_err)?.into_inner();
    Ok(changed.then_some(bytes))
}

/// One XML part normalised, or `None` when nothing needed changing.
fn normalise_part(xml: &[u8]) -> Result<Option<Vec<u8>>, quick_xml::Error> {
    let (text, transcoded) = utf8_text(xml);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(text.len()));
    let mut changed = transcoded;
    let mut in_value = false;
    let mut skipping = 0usize;
    loop {
        let event = reader.read_event()?;
        if skipping > 0 {
            match event {
                Event::Start(_) => skipping += 1,
                Event::End(_) => skipping -= 1,
                _ => {}
            }
            continue;
        }
        let event = match event {
            Event::Eof => break,
            Event::Decl(d) if transcoded => Event::Decl(utf8_declaration(&d)),
            Event::Empty(e) if dropped(&e) => {
                changed = true;
                continue;
            }
            Event::Start(e) if dropped(&e) => {
                // its content goes with it
                changed = true;
                skipping = 1;
                continue;
            }
            Event::Start(e) => {
                in_value = e.local_name().as_ref() == "v";
                Event::Start(fixed_ranges(e, &mut changed))
            }
            Event::Empty(e) => Event::Empty(fixed_ranges(e, &mut changed)),
            Event::Text(t) if in_value && t.trim_ascii() != &*t => {
                changed = true;
                let trimmed = t.trim_ascii().to_string();
                Event::Text(BytesText::from_escaped(trimmed))
            }
            Event::End(e) => {
                in_value = false;
                Event::End(e)
            }
            other => other,
        };
        writer
            .write_event(event)
            .map_err(|e| quick_xml::Error::Io(std::sync::Arc::new(e)))?;
    }
    Ok(changed.then(|| writer.into_inner()))
}

/// The part as UTF-8 text, and whether it was transcoded (UTF-16 with a byte-order mark or
/// starting with `<` in UTF-16).
fn utf8_text(xml: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    let utf16 = match xml {
        [0xFF, 0xFE, ..] | [b'<', 0, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] | [0, b'<', ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    match utf16 {
        Some(enc) => (enc.decode_with_bom_removal(xml).0, true),
        None => (String::from_utf8_lossy(xml), false),
    }
}

/// `<?xml … encoding="UTF-16"?>` with the encoding said as it now is.
fn utf8_declaration(d: &quick_xml::events::BytesDecl<'_>) -> quick_xml::events::BytesDecl<'static> {
    let standalone = d.standalone().and_then(Result::ok).map(|s| s.into_owned());
    quick_xml::events::BytesDecl::new("1.0", Some("UTF-8"), standalone.as_deref()).into_owned()
}

/// Elements left out of the copy: a sheet's `<dimension>`, and a workbook's `<sheet>` whose
/// relationship id is empty.
fn dropped(e: &BytesStart<'_>) -> bool {
    match e.local_name().as_ref() {
        "dimension" => true,
        "sheet" => e
            .attributes()
            .flatten()
            .any(|a| a.key.local_name().as_ref() == "id" && a.value.trim().is_empty()),
        _ => false,
    }
}

/// A `<mergeCell ref>` with whole-column or whole-row references made cell ranges.
fn fixed_ranges<'a>(e: BytesStart<'a>, changed: &mut bool) -> BytesStart<'a> {
    if e.local_name().as_ref() != "mergeCell" {
        return e;
    }
    let Some(value) = e
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == "ref")
        .map(|a| a.value.into_owned())
    else {
        return e;
    };
    let Some(fixed) = cell_range(&value) else {
        return e;
    };
    *changed = true;
    let mut out = BytesStart::new(e.name().as_ref().to_string());
    for a in e.attributes().flatten() {
        if a.key.as_ref() == "ref" {
            out.push_attribute(("ref", fixed.as_str()));
        } else {
            out.push_attribute(a);
        }
    }
    out
}

/// `A:C` → `A1:C1048576`, `2:4` → `A2:XFD4`; `None` for anything else.
fn cell_range(reference: &str) -> Option<String> {
    let (a, b) = reference.trim().split_once(':')?;
    let letters = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphabetic());
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if letters(a) && letters(b) {
        Some(format!("{a}1:{b}1048576"))
    } else if digits(a) && digits(b) {
        Some(format!("A{a}:XFD{b}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_columns_and_rows_become_cell_ranges() {
        assert_eq!(cell_range("A:C").as_deref(), Some("A1:C1048576"));
        assert_eq!(cell_range("2:4").as_deref(), Some("A2:XFD4"));
        assert_eq!(cell_range("A1:B2"), None);
        assert_eq!(cell_range("A1"), None);
    }

    #[test]
    fn normalising_trims_values_transcodes_and_drops() {
        let xml = "<worksheet><dimension ref=\"1:4\"/><sheetData><row r=\"1\"><c r=\"A1\"><v>\n 7 \n</v></c></row></sheetData><mergeCells><mergeCell ref=\"B:B\"/></mergeCells></worksheet>";
        let out = String::from_utf8(normalise_part(xml.as_bytes()).unwrap().unwrap()).unwrap();
        assert!(out.contains("<v>7</v>"), "{out}");
        assert!(out.contains("ref=\"B1:B1048576\""), "{out}");
        assert!(!out.contains("dimension"), "{out}");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>中</a>"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        let out = String::from_utf8(normalise_part(&utf16).unwrap().unwrap()).unwrap();
        assert!(
            out.contains("encoding=\"UTF-8\"") && out.contains("<a>中</a>"),
            "{out}"
        );
        let plain = "<workbook><sheets><sheet name=\"a\" r:id=\"rId1\"/></sheets></workbook>";
        assert_eq!(normalise_part(plain.as_bytes()).unwrap(), None);
        let empty_id = "<workbook><sheets><sheet name=\"a\" r:id=\"\"/><sheet name=\"b\" r:id=\"rId2\"/></sheets></workbook>";
        let out = String::from_utf8(normalise_part(empty_id.as_bytes()).unwrap().unwrap()).unwrap();
        assert!(
            !out.contains("name=\"a\"") && out.contains("name=\"b\""),
            "{out}"
        );
    }
}
