//! A reduced `styles.xml` for calamine's view of a package ([`super::view`]).
//!
//! calamine reads the styles part for the one thing zwxx takes from it — which cell formats
//! show dates (the number format of each `cellXfs` record) — and builds a whole style (font,
//! fill, borders, alignment) for every record as well: about a tenth of reading a template
//! workbook. A year's files come from one template, mostly saved by one program, so their
//! styles parts are often the same bytes. Once calamine has read a styles part without error,
//! its reduced form is remembered under the part's compressed bytes, and a later file with
//! the same part gets the reduced form in its view instead.
//!
//! The reduced form keeps what calamine's reading of number formats sees, verbatim: the root
//! element, every `numFmt` of the `numFmts` blocks and the start tag of every `xf` record of
//! the `cellXfs` blocks (as empty elements), in document order; fonts, fills, borders, record
//! bodies and everything else are left out. Only plainly structured parts are reduced — UTF-8,
//! no DTD, end tags matching their start tags, the style blocks directly under the root, no
//! record nested in a record — so that calamine's own walk (which trusts the nesting and
//! stops at the root's end) meets the same records in the same order. Anything else is read
//! as it is, every time.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use super::xml_scan::{XmlEv, local_name, scan_xml_slice};

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

/// Parts larger than this (compressed) are not remembered, nor more than [`CACHE_ENTRIES`]
/// of them: memory stays a few hundred KiB whatever the inputs.
const CACHE_PART: usize = 64 * 1024;
const CACHE_ENTRIES: usize = 64;

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
    count: usize,
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

/// The reduced form remembered for a styles entry with exactly these bytes.
pub(super) fn remembered(raw: &Raw<'_>) -> Option<Arc<Reduced>> {
    #[cfg(test)]
    if tests::NO_REDUCED.get() {
        return None;
    }
    if raw.data.len() > CACHE_PART {
        return None;
    }
    let key = hash(raw);
    let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let found = cache
        .as_ref()?
        .by_hash
        .get(&key)?
        .iter()
        .find(|e| e.is(raw))
        .map(|e| Arc::clone(&e.reduced));
    #[cfg(test)]
    if found.is_some() {
        tests::HITS.set(tests::HITS.get() + 1);
    }
    found
}

/// Remember the reduced form of a styles entry calamine has just read without error
/// (`xml`: the entry inflated). Parts that are not plain are not remembered.
pub(super) fn remember(raw: &Raw<'_>, xml: &[u8]) {
    if raw.data.len() > CACHE_PART {
        return;
    }
    let Some(bytes) = reduce(xml) else { return };
    let key = hash(raw);
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let cache = guard.get_or_insert_with(Cache::default);
    if cache.count >= CACHE_ENTRIES {
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
    cache.count += 1;
}

/// The style blocks calamine walks; they must sit directly under the root.
const BLOCKS: [&[u8]; 5] = [b"numFmts", b"fonts", b"fills", b"borders", b"cellXfs"];

/// The reduced form of a styles part, or `None` where it is not plain (see the module notes).
pub(super) fn reduce(xml: &[u8]) -> Option<Vec<u8>> {
    if !plain_prolog(xml) || memchr::memmem::find(xml, b"<!DOCTYPE").is_some() {
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
    scan_xml_slice(xml, |ev| {
        let mut ok = || -> Option<bool> {
            match ev {
                XmlEv::Text(_) => {}
                XmlEv::Start { name, attrs, empty } => {
                    let local = local_name(name);
                    let depth = open.len();
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
                            closed = true;
                            return Some(false);
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
    /// xlsx the project has: each file is read as it is, then twice more (the first of them
    /// may remember its styles, the second then finds them).
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
            for _ in 0..2 {
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
        assert!(remembered(&raw).is_none());
        remember(&raw, STYLES.as_bytes());
        let got = remembered(&raw).unwrap();
        assert_eq!(got.bytes, reduce(STYLES.as_bytes()).unwrap());
        assert_eq!(got.crc, crc32(&got.bytes));
        let mut other = data.clone();
        other[0] ^= 1;
        assert!(
            remembered(&Raw {
                data: &other,
                ..raw
            })
            .is_none()
        );
        assert!(remembered(&Raw { crc: 8, ..raw }).is_none());
    }
}
