//! A reduced `styles.xml` for calamine's view of a package ([`super::view`]).
//!
//! calamine reads the styles part for the one thing zwxx takes from it — which cell formats
//! show dates (the number format of each `cellXfs` record) — and builds a whole style (font,
//! fill, borders, alignment) for every record as well: about a tenth of reading a template
//! workbook. A year's files come from one template, mostly saved by one program, so their
//! styles parts are often the same bytes. The second time a styles part is met, its reduced
//! form is made and remembered under the part's compressed bytes; from the third time on,
//! the file's view holds the reduced form instead.
//!
//! The reduced form keeps what calamine's reading of number formats sees, verbatim: the root
//! element, every `numFmt` of the `numFmts` blocks and the start tag of every `xf` record of
//! the `cellXfs` blocks (as empty elements), in document order; fonts, fills, borders, record
//! bodies and everything else are left out. Only plainly written parts are reduced (UTF-8; no
//! DTD; no name, end tag or whitespace that calamine's XML reader and the pre-scans'
//! tokenizer could read differently; the style blocks directly under the root; no record in a
//! record; nothing after the root; no element that a workbook or sheet reader looks for).
//! And a reduced form is only remembered once calamine has been shown to read it as it reads
//! the part itself ([`probe`]): both, each the styles of a small package of its own with one
//! number formatted by each record (and a few more), read without error to the same cells.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use super::xml_scan::{XmlEv, local_name, plain_markup, scan_xml_slice};

/// A reduced styles part, stored in the view with its own CRC.
#[derive(Debug, PartialEq)]
pub(super) struct Reduced {
    pub(super) bytes: Vec<u8>,
    pub(super) crc: u32,
}

/// A styles entry as the zip holds it: what identifies its content.
#[derive(Clone, Copy)]
pub(super) struct Raw<'a> {
    pub(super) method: u16,
    pub(super) crc: u32,
    pub(super) size: u64,
    pub(super) data: &'a [u8],
}

/// Parts larger than this (compressed) are not remembered, nor more once the remembered
/// parts and their reduced forms hold [`CACHE_BYTES`]: memory stays bounded whatever the
/// inputs (a template's part is about 1 KiB compressed, 2 KiB reduced).
const CACHE_PART: usize = 64 * 1024;
const CACHE_BYTES: usize = 4 * 1024 * 1024;

struct Entry {
    method: u16,
    crc: u32,
    size: u64,
    data: Box<[u8]>,
    reduced: Arc<Reduced>,
}

#[derive(Default)]
struct Cache {
    by_hash: HashMap<u64, Vec<Entry>>,
    bytes: usize,
    /// Entries met once, and entries found not reducible (by hash; bounded sets).
    seen: std::collections::HashSet<u64>,
    refused: std::collections::HashSet<u64>,
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

fn hash(raw: &Raw<'_>) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (raw.method, raw.crc, raw.size, raw.data).hash(&mut h);
    h.finish()
}

impl Entry {
    fn is(&self, raw: &Raw<'_>) -> bool {
        self.method == raw.method
            && self.crc == raw.crc
            && self.size == raw.size
            && *self.data == *raw.data
    }
}

/// What is known of a styles entry with exactly these bytes.
pub(super) enum Known {
    /// Its reduced form, for the view.
    Reduced(Arc<Reduced>),
    /// Met before: worth reducing (see [`remember`]) once this file's read has gone well.
    Again,
    /// First met now (or not to be reduced).
    New,
}

/// Entries first met, by hash (a bounded set: beyond it, entries are no longer marked).
const SEEN_MAX: usize = 1 << 16;

/// What is known of a styles entry with these bytes; marks it as met.
pub(super) fn lookup(raw: &Raw<'_>) -> Known {
    #[cfg(test)]
    if tests::NO_REDUCED.get() {
        return Known::New;
    }
    if raw.data.len() > CACHE_PART {
        return Known::New;
    }
    let key = hash(raw);
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = guard.get_or_insert_with(Cache::default);
    if let Some(e) = cache
        .by_hash
        .get(&key)
        .and_then(|v| v.iter().find(|e| e.is(raw)))
    {
        #[cfg(test)]
        tests::HITS.set(tests::HITS.get() + 1);
        return Known::Reduced(Arc::clone(&e.reduced));
    }
    if cache.refused.contains(&key) {
        return Known::New;
    }
    if cache.seen.contains(&key) {
        return if cache.bytes < CACHE_BYTES {
            Known::Again
        } else {
            Known::New
        };
    }
    if cache.seen.len() < SEEN_MAX {
        cache.seen.insert(key);
    }
    Known::New
}

/// Remember the reduced form of a styles entry (`xml`: the entry inflated), where the part
/// is plain and calamine reads the reduced form as it reads the part ([`probe`]).
pub(super) fn remember(raw: &Raw<'_>, xml: &[u8]) {
    if raw.data.len() > CACHE_PART {
        return;
    }
    let key = hash(raw);
    let reduced = reduce(xml).filter(|bytes| {
        records_bound(xml).is_some_and(|n| match (probe(xml, n), probe(bytes, n)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        })
    });
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = guard.get_or_insert_with(Cache::default);
    let Some(bytes) = reduced else {
        // not met again as worth a try
        if cache.refused.len() < SEEN_MAX {
            cache.refused.insert(key);
        }
        return;
    };
    let cost = raw.data.len() + bytes.len();
    if cache.bytes + cost > CACHE_BYTES {
        return;
    }
    let slot = cache.by_hash.entry(key).or_default();
    if slot.iter().any(|e| e.is(raw)) {
        return;
    }
    let crc = crc32(&bytes);
    slot.push(Entry {
        method: raw.method,
        crc: raw.crc,
        size: raw.size,
        data: raw.data.into(),
        reduced: Arc::new(Reduced { bytes, crc }),
    });
    cache.bytes += cost;
}

/// How many records to probe: [`xf_count`] and two past it. More than fit in a row are not
/// probed.
fn records_bound(xml: &[u8]) -> Option<usize> {
    let n = xf_count(xml) + 2;
    (n < 16_384).then_some(n)
}

/// How calamine reads a number formatted by each of the first `n` records of `styles` (a
/// bound on their count: the last ones are past the end): the cells of a small package
/// holding `styles` as its styles part and, in one row, the number 45000.5 with style 0, 1,
/// 2 … `None` where calamine cannot read that package (or panics: a failed probe only means
/// the part is not remembered).
fn probe(styles: &[u8], n: usize) -> Option<Vec<calamine::Data>> {
    use calamine::{Reader, Xlsx};
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;
    let mut row = String::with_capacity(n * 40);
    for i in 0..n {
        let at = crate::cell::a1(0, i as u32);
        row.push_str(&format!(r#"<c r="{at}" s="{i}"><v>45000.5</v></c>"#));
    }
    let sheet = format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{row}</row></sheetData></worksheet>"#
    );
    let parts: [(&str, &[u8]); 5] = [
        ("_rels/.rels", PROBE_ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", PROBE_WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", PROBE_RELS.as_bytes()),
        ("xl/styles.xml", styles),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        w.start_file(name, stored).ok()?;
        w.write_all(data).ok()?;
    }
    let package = w.finish().ok()?.into_inner();
    std::panic::catch_unwind(|| {
        let mut wb = Xlsx::new(Cursor::new(package)).ok()?;
        let range = wb.worksheet_range("s").ok()?;
        Some(range.rows().flat_map(|r| r.iter().cloned()).collect())
    })
    .ok()
    .flatten()
}

const PROBE_ROOT_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const PROBE_WORKBOOK: &str = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const PROBE_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// The largest styles part read (a workbook at Excel's limit of 64,000 cell formats has a few
/// MiB of them).
const STYLES_MAX: u64 = 16 * 1024 * 1024;

/// A bound on what calamine allocates for the styles part: it builds a style for every
/// `cellXfs` record (`records`), cloning into it the font name and the number format the
/// record refers to (attribute values: at most `value` bytes each), a few hundred bytes
/// besides.
fn style_bytes(records: u64, value: u64) -> u64 {
    records.saturating_mul(value.saturating_mul(2).saturating_add(1024))
}

/// Guards calamine's reading of styles parts (every entry named `…styles.xml`, wherever
/// calamine looks): a part of a few hundred KiB whose thousands of records all refer to a
/// font with a name of a hundred KiB would have calamine allocate gigabytes. The bound
/// [`style_bytes`] must stay within `max_uncompressed_bytes` (which bounds the text the
/// reader materialises): first from the part's declared size alone (records at most half its
/// bytes, values at most all of them), then counting every `xf` in it, then — for plainly
/// written parts, where the pre-scans' tokenizer and calamine's reader draw the same tags —
/// with its longest tag as the longest value.
pub(super) fn check_amplification(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    info: &super::zip_guard::ZipInfo,
    limits: &super::Limits,
) -> Result<(), super::ReadError> {
    use std::io::Read;
    let budget = limits.max_uncompressed_bytes;
    for e in info
        .entries
        .iter()
        .filter(|e| e.lower.ends_with("styles.xml"))
    {
        // the declared size alone first (no reader opened: this runs for every file)
        let Ok(size) = zip.by_index_data(e.index).map(|d| d.size()) else {
            continue; // calamine meets the same error
        };
        let mut bound = style_bytes(size / 2, size);
        if bound <= budget {
            continue;
        }
        if size <= STYLES_MAX {
            let mut xml = Vec::with_capacity(size as usize);
            let read = zip
                .by_index(e.index)
                .is_ok_and(|f| f.take(size).read_to_end(&mut xml).is_ok());
            if !read {
                continue; // calamine meets the same error
            }
            let records = xf_count(&xml) as u64;
            bound = style_bytes(records, size);
            if bound > budget && plain_markup(&xml) {
                let mut longest = 0u64;
                let scanned = scan_xml_slice(&xml, |ev| {
                    if let XmlEv::Start { name, attrs, .. } = ev {
                        longest = longest.max((name.len() + attrs.len() + 3) as u64);
                    }
                    Ok(true)
                });
                if scanned.is_ok() {
                    bound = style_bytes(records, longest);
                }
            }
        }
        if bound > budget {
            return Err(super::limit("max_uncompressed_bytes", bound, budget));
        }
    }
    Ok(())
}

/// How many times "xf" occurs in a styles part: a bound on its cell-format records (quick-xml
/// never decodes element names, so every record holds the two bytes).
fn xf_count(xml: &[u8]) -> usize {
    memchr::memmem::find_iter(xml, b"xf").count()
}

/// The style blocks calamine walks; they must sit directly under the root.
const BLOCKS: [&[u8]; 5] = [b"numFmts", b"fonts", b"fills", b"borders", b"cellXfs"];

/// The reduced form of a styles part, or `None` where it is not plain (see the module notes).
pub(super) fn reduce(xml: &[u8]) -> Option<Vec<u8>> {
    if !plain_prolog(xml) || !plain_markup(xml) {
        return None;
    }
    let mut out = Vec::with_capacity(xml.len() / 4);
    out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    // the open elements' names; the block being walked (index into BLOCKS) and whether an
    // xf record is open
    let mut open: Vec<Box<[u8]>> = Vec::new();
    let mut block: Option<usize> = None;
    let mut in_xf = false;
    let mut closed = false;
    let mut plain = true;
    let body = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    scan_xml_slice(body, |ev| {
        let mut ok = || -> Option<bool> {
            match ev {
                XmlEv::Text(t) => {
                    // text outside the root: whitespace only
                    if open.is_empty() && !t.trim_ascii().is_empty() {
                        return None;
                    }
                }
                XmlEv::Start { name, attrs, empty } => {
                    let local = local_name(name);
                    let depth = open.len();
                    if closed || !plain_name(name) || OTHER_READERS.contains(&local) {
                        return None;
                    }
                    if depth == 0 {
                        // the root: a styleSheet with content
                        if local != b"styleSheet" || empty {
                            return None;
                        }
                        tag(&mut out, name, attrs, false);
                    } else if local == b"styleSheet" {
                        // calamine's walk stops at the first end of a styleSheet
                        return None;
                    } else if let Some(b) = BLOCKS.iter().position(|x| *x == local) {
                        if depth != 1 || block.is_some() {
                            return None;
                        }
                        if !empty {
                            block = Some(b);
                            if b == 0 || b == 4 {
                                out.push(b'<');
                                out.extend_from_slice(name);
                                out.push(b'>');
                            }
                        }
                    } else if block == Some(0) && local == b"numFmt" {
                        tag(&mut out, name, attrs, true);
                    } else if local == b"xf" && block == Some(4) {
                        if depth != 2 || in_xf {
                            return None;
                        }
                        tag(&mut out, name, attrs, true);
                        in_xf = !empty;
                    }
                    if !empty {
                        open.push(name.into());
                    }
                }
                XmlEv::End { name } => {
                    if *open.pop()? != *name {
                        return None;
                    }
                    let local = local_name(name);
                    match open.len() {
                        0 => {
                            out.extend_from_slice(b"</");
                            out.extend_from_slice(name);
                            out.push(b'>');
                            // what follows the root is checked (whitespace only) but not kept
                            closed = true;
                        }
                        1 if block.is_some() => {
                            if matches!(block, Some(0 | 4)) {
                                out.extend_from_slice(b"</");
                                out.extend_from_slice(name);
                                out.push(b'>');
                            }
                            block = None;
                        }
                        2 if local == b"xf" && block == Some(4) => in_xf = false,
                        _ => {}
                    }
                }
            }
            Some(true)
        };
        match ok() {
            Some(more) => Ok(more),
            None => {
                plain = false;
                Ok(false)
            }
        }
    })
    .ok()?;
    (plain && closed).then_some(out)
}

/// Elements that calamine's readers of workbooks and sheets act on: a styles part holding
/// one is not reduced (were the same entry read as a workbook or a sheet too, its reduced form
/// would lose them).
const OTHER_READERS: [&[u8]; 14] = [
    b"workbook",
    b"sheet",
    b"definedName",
    b"workbookPr",
    b"worksheet",
    b"sheetData",
    b"row",
    b"c",
    b"mergeCell",
    b"dimension",
    b"Relationships",
    b"Relationship",
    b"sst",
    b"si",
];

/// A name both readers split alike: no `/`, at most one `:` (calamine's XML reader takes the
/// local name after the first, the tokenizer after the last).
fn plain_name(name: &[u8]) -> bool {
    !name.contains(&b'/') && name.iter().filter(|&&b| b == b':').count() <= 1
}

/// `<name attrs>` or `<name attrs/>`, the attributes as they were written.
fn tag(out: &mut Vec<u8>, name: &[u8], attrs: &[u8], empty: bool) {
    out.push(b'<');
    out.extend_from_slice(name);
    out.extend_from_slice(attrs);
    out.extend_from_slice(if empty { b"/>" } else { b">" });
}

/// Whether the part is UTF-8 as far as its start says: no UTF-16 byte-order mark, and an XML
/// declaration (if any) that names no other encoding.
fn plain_prolog(xml: &[u8]) -> bool {
    let s = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    if s.starts_with(b"\xFF\xFE") || s.starts_with(b"\xFE\xFF") || s.first() == Some(&0) {
        return false;
    }
    let s = s.trim_ascii_start();
    let Some(decl) = s.strip_prefix(b"<?xml") else {
        return true;
    };
    let Some(end) = memchr::memmem::find(decl, b"?>") else {
        return false;
    };
    let decl = &decl[..end];
    match memchr::memmem::find(decl, b"encoding") {
        None => true,
        Some(i) => {
            let v = decl[i + 8..].trim_ascii_start();
            let Some(v) = v.strip_prefix(b"=") else {
                return false;
            };
            let v = v.trim_ascii_start();
            let Some((&q, rest)) = v.split_first() else {
                return false;
            };
            (q == b'"' || q == b'\'')
                && rest
                    .iter()
                    .position(|&b| b == q)
                    .is_some_and(|e| rest[..e].eq_ignore_ascii_case(b"utf-8"))
        }
    }
}

#[cfg(test)]
pub(super) fn crc32_for_tests(data: &[u8]) -> u32 {
    crc32(data)
}

/// CRC-32 (IEEE, as zip uses), bytewise: the reduced parts are a few KiB, made once each.
fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        t
    });
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    thread_local! {
        /// Set by a test to read every styles part as it is.
        pub(in super::super) static NO_REDUCED: std::cell::Cell<bool> =
            const { std::cell::Cell::new(false) };
        /// How often this thread's reads found a reduced form.
        pub(super) static HITS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Reading with the reduced styles gives exactly what reading the styles part itself
    /// gives — the same sheets and cells (dates among them), or the same error — on every
    /// xlsx the project has: each file is read as it is, then three times more (a styles
    /// part met the second time is remembered, the third time found).
    #[test]
    fn reading_with_reduced_styles_equals_reading_the_styles() {
        use crate::read::workbook::test_support::project_xlsx_files;
        use crate::read::workbook::{Limits, read_workbook};
        let (mut files, mut with_dates) = (0, 0);
        let hits = HITS.get();
        for p in project_xlsx_files() {
            let bytes = std::fs::read(&p).unwrap();
            let limits = Limits::default();
            NO_REDUCED.set(true);
            let plain = read_workbook(&bytes, &limits);
            NO_REDUCED.set(false);
            for _ in 0..3 {
                assert_eq!(read_workbook(&bytes, &limits), plain, "{}", p.display());
            }
            files += 1;
            let dates = |wb: &super::super::WorkbookData| {
                wb.sheets.iter().any(|s| {
                    s.cells
                        .iter()
                        .any(|c| matches!(c.2, calamine::Data::DateTime(_)))
                })
            };
            with_dates += usize::from(plain.as_ref().is_ok_and(dates));
        }
        let hits = HITS.get() - hits;
        assert!(
            files > 20 && with_dates > 10,
            "{files} files, {with_dates} with dates"
        );
        // the templates and samples share their styles: most second reads find them
        assert!(
            hits > files / 3,
            "{hits} reads of {files} files found reduced styles"
        );
    }

    const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="164" fontId="0" applyNumberFormat="1"><alignment horizontal="center"/></xf><xf numFmtId="14" fontId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0"/></cellStyles><dxfs count="1"><dxf><numFmt numFmtId="165" formatCode="0.0"/></dxf></dxfs></styleSheet>"#;

    #[test]
    fn the_reduced_part_keeps_number_formats_and_records_in_order() {
        let r = String::from_utf8(reduce(STYLES.as_bytes()).unwrap()).unwrap();
        let body = r.split_once("?>\n").unwrap().1;
        assert_eq!(
            body,
            r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="164" fontId="0" applyNumberFormat="1"/><xf numFmtId="14" fontId="0"/></cellXfs></styleSheet>"#
        );
    }

    #[test]
    fn parts_that_are_not_plain_are_not_reduced() {
        let not = |s: &str| assert!(reduce(s.as_bytes()).is_none(), "{s}");
        // a style block below the root's children
        not(&STYLES.replace("<cellStyles count=\"1\">", "<cellStyles><fonts/>"));
        // a record inside a record
        not(&STYLES.replace(
            "<alignment horizontal=\"center\"/>",
            "<xf numFmtId=\"14\"/>",
        ));
        // end tags that do not match
        not(&STYLES.replace("</fills>", "</fill>"));
        // not closed
        not(&STYLES.replace("</styleSheet>", ""));
        // another encoding, a DTD, another root
        not(&STYLES.replace("UTF-8", "GB2312"));
        not(&STYLES.replace(
            "<styleSheet ",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><styleSheet ",
        ));
        not(&STYLES.replace("styleSheet", "sheet"));
        // a styleSheet inside the root (calamine would stop at its end)
        not(&STYLES.replace("<cellStyles count=\"1\">", "<cellStyles><styleSheet/>"));
        // UTF-16, an empty root; a UTF-8 byte-order mark is fine
        assert!(reduce(b"\xFF\xFE<\x00s\x00").is_none());
        not("<styleSheet/>");
        assert!(reduce("\u{FEFF}<styleSheet></styleSheet>".as_bytes()).is_some());
    }

    /// A filled-in sample (dates in it) and its styles part.
    fn sample() -> (Vec<u8>, String) {
        use std::io::Read;
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/2019/中小企业股-2019-01.xlsx");
        let base = std::fs::read(path).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&base[..])).unwrap();
        let mut styles = String::new();
        zip.by_name("xl/styles.xml")
            .unwrap()
            .read_to_string(&mut styles)
            .unwrap();
        (base, styles)
    }

    /// `base` with another styles part.
    fn with_styles(base: &[u8], xml: &[u8]) -> Vec<u8> {
        use crate::read::workbook::test_support::*;
        let mut zip = zip::ZipArchive::new(Cursor::new(base)).unwrap();
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zip.len() {
            if zip.by_index(i).unwrap().name().unwrap() == "xl/styles.xml" {
                w.start_file("xl/styles.xml", deflated()).unwrap();
                w.write_all(xml).unwrap();
            } else {
                w.raw_copy_file(zip.by_index_raw(i).unwrap()).unwrap();
            }
        }
        w.finish().unwrap().into_inner()
    }

    /// Reads `bytes` as it is, then three times more (remembering, finding): all the same.
    fn reads_alike(bytes: &[u8], what: &str) -> bool {
        use crate::read::workbook::{Limits, read_workbook};
        let limits = Limits::default();
        NO_REDUCED.set(true);
        let plain = read_workbook(bytes, &limits);
        NO_REDUCED.set(false);
        for _ in 0..3 {
            assert_eq!(read_workbook(bytes, &limits), plain, "{what}");
        }
        plain.is_ok()
    }

    /// Styles parts that calamine's XML reader and the tokenizer draw differently (found by
    /// review): each reads the same, reduced or not — here because none is reduced.
    #[test]
    fn parts_the_two_readers_see_differently_read_the_same() {
        let (base, _) = sample();
        let hits = HITS.get();
        for xml in [
            // an end tag with a space before its name: calamine's reader keeps the first
            // record open, so the second is part of its body
            r#"<styleSheet><cellXfs><xf numFmtId="0"></ xf><xf numFmtId="14"/></cellXfs></styleSheet>"#,
            // a form feed after a name: no cellXfs block for calamine
            "<styleSheet><cellXfs\x0Cx=\"1\"><xf numFmtId=\"14\"/></cellXfs></styleSheet>",
            // two colons: calamine's local name is after the first
            r#"<a:b:styleSheet><cellXfs><xf numFmtId="14"/></cellXfs></a:b:styleSheet><x></styleSheet>"#,
            // a lower-case DTD hiding a root in a comment
            r#"<!doctype s [<!-- ] ><styleSheet><cellXfs><xf numFmtId="0"/></cellXfs></styleSheet> -->]><styleSheet><cellXfs><xf numFmtId="14"/></cellXfs></styleSheet>"#,
            // something after the root
            r#"<styleSheet><cellXfs><xf numFmtId="14"/></cellXfs></styleSheet><styleSheet/>"#,
            // a workbook's element in it
            r#"<styleSheet><cellXfs><xf numFmtId="14"/></cellXfs><sheet name="x"/></styleSheet>"#,
            r#"<styleSheet><cellXfs><xf numFmtId="0"/></cellXfs><workbook/></styleSheet>"#,
        ] {
            assert!(reduce(xml.as_bytes()).is_none(), "{xml}");
            reads_alike(&with_styles(&base, xml.as_bytes()), xml);
        }
        assert_eq!(HITS.get(), hits);
        // a plain part is reduced, and found on the third read
        let plain = r#"<styleSheet><numFmts><numFmt numFmtId="170" formatCode="yyyy/m/d"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="170"/></cellXfs></styleSheet>"#;
        assert!(reads_alike(&with_styles(&base, plain.as_bytes()), plain));
        assert_eq!(HITS.get(), hits + 1);
    }

    /// A styles part whose thousands of records all take a font with a 200 KiB name (calamine
    /// would copy it into each: 800 MB) is refused before calamine reads it; a large part of
    /// short values is read.
    #[test]
    fn styles_that_would_have_calamine_allocate_gigabytes_are_refused() {
        use crate::read::workbook::{Limits, ReadError, read_workbook};
        let (base, _) = sample();
        let styles = |name_len: usize, records: usize| {
            format!(
                r#"<styleSheet><fonts><font><name val="{}"/></font></fonts><cellXfs>{}</cellXfs></styleSheet>"#,
                "宋".repeat(name_len / 3),
                r#"<xf numFmtId="0" fontId="0"/>"#.repeat(records)
            )
        };
        let bomb = with_styles(&base, styles(200 * 1024, 2000).as_bytes());
        let started = std::time::Instant::now();
        match read_workbook(&bomb, &Limits::default()) {
            Err(ReadError::Limit { name, value, .. }) => {
                assert_eq!(name, "max_uncompressed_bytes");
                assert!(value > 700_000_000, "{value}");
            }
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed().as_secs() < 5);
        let big = with_styles(&base, styles(30, 20_000).as_bytes());
        assert!(read_workbook(&big, &Limits::default()).is_ok());
    }

    /// How calamine reads a number in each record's format: what `probe` compares.
    #[test]
    fn the_probe_reads_a_number_in_each_record() {
        let n = records_bound(STYLES.as_bytes()).unwrap();
        let cells = probe(STYLES.as_bytes(), n).unwrap();
        // records 0..3, then the bound's extra cells (no record: a plain number)
        assert!(matches!(cells[0], calamine::Data::Float(_)));
        assert!(matches!(cells[1], calamine::Data::DateTime(_)));
        assert!(matches!(cells[2], calamine::Data::DateTime(_)));
        assert!(matches!(cells.last(), Some(calamine::Data::Float(_))));
        assert_eq!(Some(cells), probe(&reduce(STYLES.as_bytes()).unwrap(), n));
        // a part calamine cannot read
        assert!(probe(b"<styleSheet><numFmts>", 3).is_none());
    }

    /// The same, on a sample's styles part mutated at random (blocks and records moved,
    /// duplicated, cut, nested; comments, CDATA, prefixes, odd attributes): wherever
    /// calamine reads the mutated part, it reads its reduced form to the same cells.
    #[test]
    fn mutated_styles_read_the_same_reduced() {
        let (base, styles) = sample();
        const SNIPPETS: [&str; 18] = [
            "<!-- <xf numFmtId=\"14\"/> -->",
            "<![CDATA[<xf numFmtId=\"14\"/>]]>",
            "<numFmts>",
            "</numFmts>",
            "<cellXfs>",
            "</cellXfs>",
            "<xf numFmtId=\"14\"/>",
            "<x:xf xmlns:x=\"u\" numFmtId=\"22\"/>",
            "<numFmt numFmtId=\"166\" formatCode=\"yyyy&quot;年&quot;\"/>",
            "<xf numFmtId=\"14\" numFmtId=\"0\"/>",
            "<xf numFmtId = '165' />",
            "<xf numFmtId=\"1&#52;\"></xf>",
            "<styleSheet>",
            "</styleSheet>",
            "<fonts><font/></fonts>",
            "<?pi x?>",
            "<a>",
            "</xf>",
        ];
        const IDS: [&str; 8] = [
            "14",
            "22",
            "165",
            "164",
            "0",
            "x",
            "-1",
            "99999999999999999999",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let (mut read, hits) = (0, HITS.get());
        for _ in 0..300 {
            let mut xml = styles.clone();
            for _ in 0..1 + next(3) {
                let lts: Vec<usize> = xml.match_indices('<').map(|(i, _)| i).collect();
                let at = lts[next(lts.len())];
                match next(3) {
                    0 => xml.insert_str(at, SNIPPETS[next(SNIPPETS.len())]),
                    1 => {
                        let end = (at + 1 + next(60)).min(xml.len());
                        let end = (end..=xml.len())
                            .find(|&e| xml.is_char_boundary(e))
                            .unwrap();
                        xml.replace_range(at..end, "");
                    }
                    _ => {
                        let ids: Vec<usize> = xml
                            .match_indices("numFmtId=\"")
                            .map(|(i, _)| i + 10)
                            .collect();
                        if let Some(&i) = ids.get(next(ids.len().max(1))) {
                            let end = i + xml[i..].find('"').unwrap_or(0);
                            xml.replace_range(i..end, IDS[next(IDS.len())]);
                        }
                    }
                }
            }
            read += usize::from(reads_alike(&with_styles(&base, xml.as_bytes()), &xml));
        }
        let hits = HITS.get() - hits;
        assert!(read > 100 && hits > 50, "{read} read, {hits} found reduced");
    }

    #[test]
    fn crc_is_zips() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn a_part_is_remembered_by_its_exact_bytes() {
        let data = b"compressed bytes of a styles part for this test only".to_vec();
        let raw = Raw {
            method: 8,
            crc: 7,
            size: STYLES.len() as u64,
            data: &data,
        };
        assert!(matches!(lookup(&raw), Known::New));
        assert!(matches!(lookup(&raw), Known::Again));
        remember(&raw, STYLES.as_bytes());
        let Known::Reduced(got) = lookup(&raw) else {
            panic!("not remembered")
        };
        assert_eq!(got.bytes, reduce(STYLES.as_bytes()).unwrap());
        assert_eq!(got.crc, crc32(&got.bytes));
        let mut other = data.clone();
        other[0] ^= 1;
        assert!(matches!(
            lookup(&Raw {
                data: &other,
                ..raw
            }),
            Known::New
        ));
        assert!(matches!(lookup(&Raw { crc: 8, ..raw }), Known::New));
    }
}
