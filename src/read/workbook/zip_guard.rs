//! The zip container guard, shared by xlsx, xlsb and ods. Before calamine opens a zip it is
//! checked from its central directory alone: entry count (counted from the raw signatures, so
//! a forged directory cannot make the zip crate allocate first), declared sizes and their sum,
//! the compression ratio of big entries, duplicate names (also after folding `\` to `/` and
//! case), encrypted entries. Then every inflation calamine performs is metered through
//! [`MeteredCursor`], so an entry read many times (many sheet names pointing at one part)
//! cannot multiply the work past the declared total.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;

use zip::ZipArchive;

use super::xml_scan::{XmlEv, attr, local_name, scan_xml, unescape};
use super::{Format, Limits, MIB, ODS_MIME, ReadError, ZIP_MAGIC, corrupt, limit, u16le};

pub(super) struct ZipEntry {
    pub(super) index: usize,
    pub(super) name: String,
    pub(super) lower: String,
}

pub(super) struct ZipInfo {
    pub(super) entries: Vec<ZipEntry>,
    pub(super) total: u64,
    /// local data offset → declared uncompressed size(s) of the entries
    /// stored there
    pub(super) starts: HashMap<u64, u64>,
}

pub(super) fn open_zip<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<ZipArchive<Cursor<&'a [u8]>>, ReadError> {
    // The zip crate materialises one record per central directory header
    // before we can look at `len()`; bound that work by counting header
    // signatures first.  (Generous: stored nested zips also count.)
    let hard = limits.max_zip_entries.saturating_mul(20).max(1_000);
    let sigs = memchr::memmem::find_iter(bytes, b"PK\x01\x02")
        .take(hard + 1)
        .count();
    if sigs > hard {
        return Err(limit(
            "max_zip_entries",
            sigs as u64,
            limits.max_zip_entries as u64,
        ));
    }
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

pub(super) fn zip_format(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Result<Format, ReadError> {
    let mut names = Vec::with_capacity(zip.len());
    for name in zip.file_names() {
        names.push(
            name.map_err(|e| corrupt(format_args!("zip: {e}")))?
                .to_string(),
        );
    }
    // calamine finds xlsx/xlsb parts by their name folded to '/' and lower case (Windows
    // tools write `xl\workbook.xml`, calamine issue 530); ods parts by their exact name.
    let folded = |n: &str| n.replace('\\', "/").to_ascii_lowercase();
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
    // A workbook elsewhere than xl/ (an OPC package may put it anywhere): calamine follows
    // the officeDocument relationship of _rels/.rels, so do we, and the part it names must
    // be a <workbook> (a .docx names a <document>).
    if let Some(target) = office_document(zip, &names, "_rels/.rels")
        && let Some(i) = names.iter().position(|n| folded(n) == target)
        && root_element(zip, i).as_deref() == Some(b"workbook".as_slice())
    {
        return Ok(Format::Xlsx);
    }
    Err(ReadError::NotSpreadsheet)
}

/// How much of `_rels/.rels` or of a part's start is read to classify a package.
const PEEK: u64 = 64 * 1024;

/// The folded target of the officeDocument relationship in the part `rels`, if any.
fn office_document(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    names: &[String],
    rels: &str,
) -> Option<String> {
    let i = names
        .iter()
        .position(|n| n.replace('\\', "/").eq_ignore_ascii_case(rels))?;
    let f = zip.by_index(i).ok()?;
    let mut target = None;
    let _ = scan_xml(f.take(PEEK), |ev| {
        if let XmlEv::Start { name, attrs, .. } = ev
            && local_name(name) == b"Relationship"
            && attr(attrs, b"Type").is_some_and(|t| t.ends_with(b"/relationships/officeDocument"))
        {
            target = attr(attrs, b"Target").and_then(unescape);
            return Ok(false);
        }
        Ok(true)
    });
    let target = target?;
    Some(
        target
            .trim_start_matches('/')
            .replace('\\', "/")
            .to_ascii_lowercase(),
    )
}

/// Local name of the first element of entry `index`, read from its first bytes only.
fn root_element(zip: &mut ZipArchive<Cursor<&[u8]>>, index: usize) -> Option<Vec<u8>> {
    let f = zip.by_index(index).ok()?;
    let mut root = None;
    let _ = scan_xml(f.take(PEEK), |ev| {
        if let XmlEv::Start { name, .. } = ev {
            root = Some(local_name(name).to_vec());
            return Ok(false);
        }
        Ok(true)
    });
    root
}

pub(super) fn zip_checks(
    zip: &ZipArchive<Cursor<&[u8]>>,
    bytes: &[u8],
    limits: &Limits,
) -> Result<ZipInfo, ReadError> {
    if zip.has_duplicate_names() {
        return Err(corrupt("zip: duplicate entry names"));
    }
    let mut seen = HashSet::new();
    let mut info = ZipInfo {
        entries: Vec::with_capacity(zip.len()),
        total: 0,
        starts: HashMap::new(),
    };
    for index in 0..zip.len() {
        let e = zip
            .by_index_data(index)
            .map_err(|e| corrupt(format_args!("zip: {e}")))?;
        let name = e
            .name()
            .map_err(|e| corrupt(format_args!("zip: {e}")))?
            .into_owned();
        if e.encrypted() {
            return Err(ReadError::Encrypted);
        }
        let lower = name.replace('\\', "/").to_ascii_lowercase();
        if !seen.insert(lower.clone()) {
            return Err(corrupt(format_args!("zip: duplicate entry name {name:?}")));
        }
        let size = e.size();
        if size >= MIB {
            let ratio = size / e.compressed_size().max(1);
            if ratio > limits.max_ratio {
                return Err(limit("max_ratio", ratio, limits.max_ratio));
            }
        }
        info.total = info.total.saturating_add(size);
        if info.total > limits.max_uncompressed_bytes {
            return Err(limit(
                "max_uncompressed_bytes",
                info.total,
                limits.max_uncompressed_bytes,
            ));
        }
        if let Some(start) = local_data_start(bytes, e.header_start()) {
            let slot = info.starts.entry(start).or_insert(0);
            *slot = slot.saturating_add(size.max(1));
        }
        info.entries.push(ZipEntry { index, name, lower });
    }
    Ok(info)
}

pub(super) fn local_data_start(bytes: &[u8], header_start: u64) -> Option<u64> {
    let hs = usize::try_from(header_start).ok()?;
    if bytes.get(hs..hs.checked_add(4)?)? != ZIP_MAGIC {
        return None;
    }
    let n = u16le(bytes, hs + 26)? as u64;
    let m = u16le(bytes, hs + 28)? as u64;
    Some(header_start + 30 + n + m)
}

/// Counts what calamine inflates: every read that starts at an entry's data
/// offset charges the entry's declared size.  Past the budget, reads fail.
pub(super) struct Meter {
    spent: Cell<u64>,
    budget: u64,
    tripped: Cell<bool>,
}

impl Meter {
    pub(super) fn check<T>(&self, result: Result<T, ReadError>) -> Result<T, ReadError> {
        if self.tripped.get() {
            Err(limit(
                "max_uncompressed_bytes",
                self.spent.get(),
                self.budget,
            ))
        } else {
            result
        }
    }
}

pub(super) struct MeteredCursor<'a> {
    inner: Cursor<&'a [u8]>,
    starts: Rc<HashMap<u64, u64>>,
    meter: Rc<Meter>,
}

impl<'a> MeteredCursor<'a> {
    pub(super) fn new(bytes: &'a [u8], info: &ZipInfo) -> (Self, Rc<Meter>) {
        Self::with_starts(bytes, info, info.starts.clone())
    }

    /// Over other bytes than the package's own (calamine's view of it), whose entries start
    /// at `starts`; the budget is still the package's.
    pub(super) fn with_starts(
        bytes: &'a [u8],
        info: &ZipInfo,
        starts: HashMap<u64, u64>,
    ) -> (Self, Rc<Meter>) {
        let meter = Rc::new(Meter {
            spent: Cell::new(0),
            budget: info.total.saturating_mul(2).saturating_add(MIB),
            tripped: Cell::new(false),
        });
        let cursor = MeteredCursor {
            inner: Cursor::new(bytes),
            starts: Rc::new(starts),
            meter: meter.clone(),
        };
        (cursor, meter)
    }
}

impl Read for MeteredCursor<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.meter.tripped.get() {
            return Err(io::Error::other("inflation budget exceeded"));
        }
        if !buf.is_empty()
            && let Some(&size) = self.starts.get(&self.inner.position())
        {
            let spent = self.meter.spent.get().saturating_add(size);
            self.meter.spent.set(spent);
            if spent > self.meter.budget {
                self.meter.tripped.set(true);
                return Err(io::Error::other("inflation budget exceeded"));
            }
        }
        self.inner.read(buf)
    }
}

impl Seek for MeteredCursor<'_> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
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

    #[test]
    fn many_sheet_names_on_one_part_trip_the_meter() {
        // 2 000 sheet names all pointing at one 5 MB part full of empty rows
        let names: Vec<String> = (0..2_000).map(|i| format!("S{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let (wb, rels) = workbook_parts(&refs, |_| 0);
        let rows = "<row/>".repeat(800_000);
        let sheet = sheet_xml("A1", &rows, "");
        let bytes = xlsx_from(&wb, &rels, &[("xl/worksheets/sheet1.xml", &sheet)]);
        assert_limit(
            quick("2000 names, one part", 10, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_uncompressed_bytes"],
        );
    }
}
