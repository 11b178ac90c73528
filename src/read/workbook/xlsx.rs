//! xlsx/xlsm: calamine's streaming cell reader, which keeps cells sparse (never the dense
//! `Range` calamine would allocate for a sheet's bounding box), with formula cells that lack a
//! cached value and the merged ranges. A workbook carrying the template's version name has
//! its hidden list sheet left unread (a fifth of the reading of a year's files): the version
//! comes from the name, and the list sheet holds no submission.
//!
//! Where calamine refuses a package that Excel, WPS and LibreOffice open, the package is
//! normalised once ([`normalised`]) and handed back to calamine: XML parts in UTF-16 are
//! transcoded to UTF-8; white space around a cell's value (`<v> 1 </v>`, written by strict
//! OOXML producers) is trimmed; whole-column and whole-row references (`A:A`, `2:4`) in merged
//! ranges become cell ranges, and a sheet's `<dimension>` (a hint nobody needs) is dropped; a
//! sheet entry whose relationship id is empty (no part: nothing to read) is left out.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError};
use quick_xml::events::{BytesStart, BytesText, Event};
use zip::write::SimpleFileOptions;

use super::collect::{Budget, dataref_text_len, finish_sheet, new_sheet, sheet_list};
use super::zip_guard::{Zip, attr, folded, open_zip, zip_checks};
use super::{Format, Limits, ReadError, WorkbookData, corrupt, guard};

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    with_fallback(bytes, limits, read_package)
}

/// `read` on the package; where calamine refuses it (an error or a panic), `read` once more
/// on its normalised copy, if normalising changed anything. Shared with xlsb.
pub(super) fn with_fallback(
    bytes: &[u8],
    limits: &Limits,
    read: fn(&[u8], &Limits) -> Result<WorkbookData, ReadError>,
) -> Result<WorkbookData, ReadError> {
    let read_package = read;
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
    let mut list = sheet_list(wb.sheets_metadata(), limits)?;
    if template_version.is_some() {
        // the template's hidden list sheet, whose version marker is then the defined name
        list.retain(|(name, visible)| *visible || name != crate::labels::SHEET_LISTS);
    }
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
pub(super) fn normalised(zip: &mut Zip<'_>) -> Result<Option<Vec<u8>>, ReadError> {
    let zip_err = |e: zip::result::ZipError| corrupt(format_args!("zip: {e}"));
    let sheet_types = workbook_rels(zip).map(|i| relationship_types(zip, i));
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
        let part = Part {
            rels: lower.ends_with(".rels"),
            sheet_types: sheet_types.as_ref(),
        };
        let fixed = part
            .normalise(&xml)
            .map_err(|e| corrupt(format_args!("{name}: {e}")))?;
        changed |= fixed.is_some();
        out.start_file(name.as_str(), SimpleFileOptions::default())
            .map_err(zip_err)?;
        out.write_all(fixed.as_deref().unwrap_or(&xml))
            .map_err(|e| corrupt(format_args!("zip: {e}")))?;
    }
    let bytes = out.finish().map_err(zip_err)?.into_inner();
    Ok(changed.then_some(bytes))
}

/// The zip entry of the workbook's relationships (`xl/_rels/workbook.xml.rels` or wherever
/// the package's officeDocument relationship puts the workbook).
fn workbook_rels(zip: &mut Zip<'_>) -> Option<usize> {
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| folded(&n)).unwrap_or_default())
        .collect();
    let workbook = super::zip_guard::office_document(zip, &names).or_else(|| {
        names
            .iter()
            .find(|n| n.starts_with("xl/workbook."))
            .cloned()
    })?;
    let (dir, file) = workbook.rsplit_once('/').unwrap_or(("", &workbook));
    let rels = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    names.iter().position(|n| *n == rels)
}

/// Relationship id → the last segment of its type (`worksheet`, `macrosheet` …).
fn relationship_types(zip: &mut Zip<'_>, index: usize) -> HashMap<String, String> {
    let mut types = HashMap::new();
    let Ok(mut entry) = zip.by_index(index) else {
        return types;
    };
    let mut xml = Vec::new();
    if entry.read_to_end(&mut xml).is_err() {
        return types;
    }
    let (text, _) = utf8_text(&xml);
    let mut reader = quick_xml::Reader::from_str(&text);
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(typ)) = (attr(&e, "Id"), attr(&e, "Type")) {
                    let last = typ.rsplit('/').next().unwrap_or_default().to_string();
                    types.insert(id, last);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    types
}

/// What normalising one part needs to know of it.
struct Part<'a> {
    /// A relationships part: its elements lose any prefix (calamine matches them unprefixed).
    rels: bool,
    /// The workbook's relationship types: a `<sheet>` whose part is no worksheet, chart sheet
    /// or dialog sheet (an Excel 4.0 macro sheet), or that has none, is left out.
    sheet_types: Option<&'a HashMap<String, String>>,
}

impl Part<'_> {
    /// One XML part normalised, or `None` when nothing needed changing.
    fn normalise(&self, xml: &[u8]) -> Result<Option<Vec<u8>>, quick_xml::Error> {
        let (text, transcoded) = utf8_text(xml);
        let mut reader = quick_xml::Reader::from_str(&text);
        let mut writer = quick_xml::Writer::new(Vec::with_capacity(text.len()));
        let mut changed = transcoded;
        let mut in_value = false;
        let mut skipping = 0usize;
        let mut root = true;
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
                Event::Empty(e) if self.dropped(&e) => {
                    changed = true;
                    continue;
                }
                Event::Start(e) if self.dropped(&e) => {
                    // its content goes with it
                    changed = true;
                    skipping = 1;
                    continue;
                }
                Event::Start(e) => {
                    in_value = e.local_name().as_ref() == "v";
                    Event::Start(self.fixed(e, std::mem::take(&mut root), &mut changed))
                }
                Event::Empty(e) => {
                    Event::Empty(self.fixed(e, std::mem::take(&mut root), &mut changed))
                }
                Event::Text(t) if in_value && t.trim_ascii() != &*t => {
                    changed = true;
                    let trimmed = t.trim_ascii().to_string();
                    Event::Text(BytesText::from_escaped(trimmed))
                }
                Event::End(e) => {
                    in_value = false;
                    let name = self.renamed(e.name().as_ref());
                    changed |= name != e.name().as_ref();
                    Event::End(quick_xml::events::BytesEnd::new(name))
                }
                other => other,
            };
            writer
                .write_event(event)
                .map_err(|e| quick_xml::Error::Io(std::sync::Arc::new(e)))?;
        }
        Ok(changed.then(|| writer.into_inner()))
    }

    /// Elements left out of the copy: a sheet's `<dimension>` (a hint nobody needs), a row
    /// numbered 0 (there is none), and a workbook's `<sheet>` without a worksheet behind it.
    fn dropped(&self, e: &BytesStart<'_>) -> bool {
        let attr = |key: &str| {
            e.attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == key)
                .map(|a| a.value.into_owned())
        };
        match e.local_name().as_ref() {
            "dimension" => true,
            "row" => attr("r").is_some_and(|r| r.trim() == "0"),
            "sheet" => match attr("id") {
                Some(id) if !id.trim().is_empty() => self.sheet_types.is_some_and(|types| {
                    !types.get(&id).is_some_and(|t| {
                        matches!(t.as_str(), "worksheet" | "chartsheet" | "dialogsheet")
                    })
                }),
                _ => true,
            },
            _ => false,
        }
    }

    /// An element's name as calamine looks for it: unprefixed in a relationships part, `si`
    /// for the `sstItem` of Excel 2007's beta format.
    fn renamed(&self, name: &str) -> String {
        match name.split_once(':') {
            Some((_, local)) if self.rels => local.to_string(),
            _ if name == "sstItem" => "si".to_string(),
            _ => name.to_string(),
        }
    }

    /// A start tag renamed ([`Part::renamed`]; the root of a relationships part then declares
    /// its namespace as the default), with whole-column or whole-row merged references made
    /// cell ranges.
    fn fixed<'a>(&self, e: BytesStart<'a>, root: bool, changed: &mut bool) -> BytesStart<'a> {
        let name = self.renamed(e.name().as_ref());
        let is_merge = e.local_name().as_ref() == "mergeCell";
        let range = |a: &quick_xml::events::attributes::Attribute<'_>| {
            (is_merge && a.key.as_ref() == "ref")
                .then(|| cell_range(&a.value))
                .flatten()
        };
        let prefixed = name != e.name().as_ref();
        if !prefixed && !e.attributes().flatten().any(|a| range(&a).is_some()) {
            return e;
        }
        *changed = true;
        let mut out = BytesStart::new(name);
        for a in e.attributes().flatten() {
            match range(&a) {
                Some(fixed) => out.push_attribute(("ref", fixed.as_str())),
                None => out.push_attribute(a),
            }
        }
        if self.rels && root && prefixed {
            out.push_attribute(("xmlns", RELS_NS));
        }
        out
    }
}

/// The namespace of OPC relationships parts.
const RELS_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

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

    const PLAIN: Part<'static> = Part {
        rels: false,
        sheet_types: None,
    };

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
        let out = String::from_utf8(PLAIN.normalise(xml.as_bytes()).unwrap().unwrap()).unwrap();
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
        let out = String::from_utf8(PLAIN.normalise(&utf16).unwrap().unwrap()).unwrap();
        assert!(
            out.contains("encoding=\"UTF-8\"") && out.contains("<a>中</a>"),
            "{out}"
        );
        let plain = "<workbook><sheets><sheet name=\"a\" r:id=\"rId1\"/></sheets></workbook>";
        assert_eq!(PLAIN.normalise(plain.as_bytes()).unwrap(), None);
        let empty_id = "<workbook><sheets><sheet name=\"a\" r:id=\"\"/><sheet name=\"b\" r:id=\"rId2\"/></sheets></workbook>";
        let out =
            String::from_utf8(PLAIN.normalise(empty_id.as_bytes()).unwrap().unwrap()).unwrap();
        assert!(
            !out.contains("name=\"a\"") && out.contains("name=\"b\""),
            "{out}"
        );
    }
}
