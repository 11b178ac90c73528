//! The zip container guard, shared by xlsx, xlsb and ods. Before anything is inflated a zip
//! is checked from its central directory alone: entry count, declared sizes and their sum,
//! the compression ratio of big entries, duplicate names (also after folding `\` to `/` and
//! case), encrypted entries. These give instant, precise messages for zip bombs and
//! encryption; what a lying directory still hides (an entry inflating past its declared size)
//! is the worker's memory cap and time limit's to catch.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::{Format, Limits, MIB, ReadError, corrupt, limit};

pub(super) type Zip<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// The OpenDocument spreadsheet media type, the whole of an ods `mimetype` entry.
const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

pub(super) fn open_zip<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Zip<'a>, ReadError> {
    let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(format_args!("zip: {e}")))?;
    if zip.len() > limits.max_zip_entries {
        return Err(limit(
            "max_zip_entries",
            zip.len() as u64,
            limits.max_zip_entries as u64,
        ));
    }
    Ok(zip)
}

/// Names folded as calamine finds xlsx/xlsb parts: `\` to `/` (Windows tools write
/// `xl\workbook.xml`), lower case.
pub(super) fn folded(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

pub(super) fn zip_format(zip: &mut Zip<'_>) -> Result<Format, ReadError> {
    let mut names = Vec::with_capacity(zip.len());
    for name in zip.file_names() {
        names.push(
            name.map_err(|e| corrupt(format_args!("zip: {e}")))?
                .to_string(),
        );
    }
    if names.iter().any(|n| folded(n) == "xl/workbook.xml") {
        return Ok(Format::Xlsx);
    }
    if names.iter().any(|n| folded(n) == "xl/workbook.bin") {
        return Ok(Format::Xlsb);
    }
    if let Some(i) = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case("mimetype"))
        && let Ok(f) = zip.by_index(i)
    {
        let mut buf = Vec::new();
        if f.take(256).read_to_end(&mut buf).is_ok() && buf.trim_ascii() == ODS_MIME {
            return Ok(Format::Ods);
        }
    }
    if names.iter().any(|n| n.eq_ignore_ascii_case("content.xml")) {
        return Ok(Format::Ods);
    }
    // A workbook elsewhere than xl/ (an OPC package may put it anywhere): found through the
    // officeDocument relationship of _rels/.rels, and it must be a <workbook> (a .docx names
    // a <document>).
    if let Some(target) = office_document(zip, &names)
        && let Some(i) = names.iter().position(|n| folded(n) == target)
        && first_element(zip, i, |name| name == "workbook")
    {
        return Ok(Format::Xlsx);
    }
    Err(ReadError::NotSpreadsheet)
}

/// How much of `_rels/.rels` or of a part's start is read to classify a package.
const PEEK: u64 = 64 * 1024;

/// The folded target of the officeDocument relationship of `_rels/.rels`, if any.
pub(super) fn office_document(zip: &mut Zip<'_>, names: &[String]) -> Option<String> {
    let i = names.iter().position(|n| folded(n) == "_rels/.rels")?;
    let mut target = None;
    each_start(zip, i, |e| {
        if e.local_name().as_ref() != "Relationship" {
            return true;
        }
        if attr(e, "Type").is_some_and(|t| t.ends_with("/relationships/officeDocument")) {
            target = attr(e, "Target");
            return false;
        }
        true
    });
    Some(folded(target?.trim_start_matches('/')))
}

/// The value of attribute `key` (its whole name) of a start tag, entities resolved.
pub(super) fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Whether the first element of entry `index` (read from its first bytes only) passes `f`.
fn first_element(zip: &mut Zip<'_>, index: usize, f: impl Fn(&str) -> bool) -> bool {
    let mut ok = false;
    each_start(zip, index, |e| {
        ok = f(e.local_name().as_ref());
        false
    });
    ok
}

/// Calls `f` on each start tag of the first [`PEEK`] bytes of entry `index` until it returns
/// false.
fn each_start(zip: &mut Zip<'_>, index: usize, mut f: impl FnMut(&BytesStart<'_>) -> bool) {
    let Ok(entry) = zip.by_index(index) else {
        return;
    };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(entry.take(PEEK)));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if !f(&e) {
                    return;
                }
            }
            Ok(Event::Eof) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The checks of the central directory. Returns the sum of the declared sizes.
pub(super) fn zip_checks(zip: &Zip<'_>, limits: &Limits) -> Result<u64, ReadError> {
    if zip.has_duplicate_names() {
        return Err(corrupt("zip: duplicate entry names"));
    }
    let mut seen = HashSet::new();
    let mut total = 0u64;
    for index in 0..zip.len() {
        let e = zip
            .by_index_data(index)
            .map_err(|e| corrupt(format_args!("zip: {e}")))?;
        let name = e.name().map_err(|e| corrupt(format_args!("zip: {e}")))?;
        if e.encrypted() {
            return Err(ReadError::Encrypted);
        }
        if !seen.insert(folded(&name)) {
            return Err(corrupt(format_args!("zip: duplicate entry name {name:?}")));
        }
        let size = e.size();
        if size >= MIB {
            let ratio = size / e.compressed_size().max(1);
            if ratio > limits.max_ratio {
                return Err(limit("max_ratio", ratio, limits.max_ratio));
            }
        }
        total = total.saturating_add(size);
        if total > limits.max_uncompressed_bytes {
            return Err(limit(
                "max_uncompressed_bytes",
                total,
                limits.max_uncompressed_bytes,
            ));
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::test_support::*;

    #[test]
    fn truncated_zip_is_corrupt() {
        let bytes = normal_xlsx();
        for cut in [10, bytes.len() / 2, bytes.len() - 10] {
            match read_workbook(&bytes[..cut], &Limits::default()) {
                Err(ReadError::Corrupt(_)) => {}
                other => panic!("cut {cut}: {other:?}"),
            }
        }
    }

    /// Rewrites the declared uncompressed size of `name` in both headers.
    fn patch_declared_size(zip: &mut [u8], name: &str, size: u32) {
        let n = name.as_bytes();
        let mut patched = 0;
        for i in 0..zip.len().saturating_sub(46) {
            if zip[i..].starts_with(b"PK\x01\x02") && zip[i + 46..].starts_with(n) {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
            if zip[i..].starts_with(b"PK\x03\x04") && zip[i + 30..].starts_with(n) {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
    }

    #[test]
    fn gigabyte_declared_entry_is_rejected() {
        let mut bytes = xlsx_with_sheets(&[(
            "S",
            &sheet_xml("A1", r#"<row r="1"><c r="A1"><v>1</v></c></row>"#, ""),
        )]);
        patch_declared_size(&mut bytes, "xl/worksheets/sheet1.xml", 1_000_000_000);
        assert_limit(
            quick("1 GB declared", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_ratio", "max_uncompressed_bytes"],
        );
        let relaxed = Limits {
            max_ratio: u64::MAX,
            ..Limits::default()
        };
        assert_limit(read_workbook(&bytes, &relaxed), &["max_uncompressed_bytes"]);
    }

    #[test]
    fn under_declared_entry_fails_while_inflating() {
        let mut rows = String::new();
        for r in 1..=20_000 {
            rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
        }
        let mut bytes = xlsx_with_sheets(&[("S", &sheet_xml("A1", &rows, ""))]);
        patch_declared_size(&mut bytes, "xl/worksheets/sheet1.xml", 1_000);
        match quick("under-declared", 5, || {
            read_workbook(&bytes, &Limits::default())
        }) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("declared"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ten_thousand_entries() {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..10_000 {
            w.start_file(format!("xl/media/f{i}.txt"), SimpleFileOptions::default())
                .unwrap();
        }
        w.start_file("xl/workbook.xml", SimpleFileOptions::default())
            .unwrap();
        let bytes = w.finish().unwrap().into_inner();
        assert_limit(
            quick("10k entries", 3, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_zip_entries"],
        );
    }

    /// Regression: calamine's own corpus file issue_530.xlsx (every part named with `\\`,
    /// as some Windows tools write) was refused as "not a spreadsheet"; calamine reads it.
    #[test]
    fn backslash_entry_names_read_as_calamine_reads_them() {
        let xml = sheet_xml("A1", r#"<row r="1"><c r="A1"><v>7</v></c></row>"#, "");
        let good = xlsx_with_sheets(&[("S", &xml)]);
        let mut zip = zip::ZipArchive::new(Cursor::new(&good[..])).unwrap();
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            w.start_file(f.name().unwrap().replace('/', "\\"), deflated())
                .unwrap();
            w.write_all(&data).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        assert!(bytes.windows(15).any(|x| x == b"xl\\workbook.xml"));
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.sheets[0].cells, vec![(0, 0, Data::Float(7.0))]);
        // a zip of other files with backslashes is still no spreadsheet
        let bytes = zip_files(&[("docs\\readme.txt", b"hello")]);
        assert_eq!(
            read_workbook(&bytes, &Limits::default()),
            Err(ReadError::NotSpreadsheet)
        );
    }

    /// Regression: calamine's corpus file minimal_package.xlsx (workbook.xml at the root,
    /// found through _rels/.rels) was refused as "not a spreadsheet"; calamine reads it.
    #[test]
    fn workbook_found_through_the_package_relationship() {
        let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/book/Workbook.xml"/></Relationships>"#;
        let (wb, wb_rels) = workbook_parts(&["S"], |i| i);
        let sheet = sheet_xml("A1", r#"<row r="1"><c r="A1"><v>7</v></c></row>"#, "");
        let bytes = zip_files(&[
            ("_rels/.rels", rels.as_bytes()),
            ("book/workbook.xml", wb.as_bytes()),
            ("book/_rels/workbook.xml.rels", wb_rels.as_bytes()),
            ("book/worksheets/sheet1.xml", sheet.as_bytes()),
        ]);
        assert_eq!(sniff(&bytes), Ok(Format::Xlsx));
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.sheets[0].cells, vec![(0, 0, Data::Float(7.0))]);
        // a word document is an OPC package too, with a <document> as its main part
        let doc = r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>"#;
        let bytes = zip_files(&[
            (
                "_rels/.rels",
                rels.replace("/book/Workbook.xml", "word/document.xml")
                    .as_bytes(),
            ),
            ("word/document.xml", doc.as_bytes()),
        ]);
        assert_eq!(sniff(&bytes), Err(ReadError::NotSpreadsheet));
    }

    #[test]
    fn duplicate_entry_names_are_corrupt() {
        let xml = sheet_xml("A1", r#"<row r="1"><c r="A1"><v>1</v></c></row>"#, "");
        let mut bytes = xlsx_with_sheets(&[("S", &xml)]);
        // add a second copy of the sheet under a placeholder name, then
        // rename it in both headers
        let mut w = ZipWriter::new_append(Cursor::new(bytes.clone())).unwrap();
        w.start_file("xl/worksheets/sheetX.xml", deflated())
            .unwrap();
        w.write_all(xml.as_bytes()).unwrap();
        bytes = w.finish().unwrap().into_inner();
        let from = b"xl/worksheets/sheetX.xml";
        let to = b"xl/worksheets/sheet1.xml";
        for i in 0..bytes.len() - from.len() {
            if &bytes[i..i + from.len()] == from {
                bytes[i..i + to.len()].copy_from_slice(to);
            }
        }
        match read_workbook(&bytes, &Limits::default()) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("duplicate"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
