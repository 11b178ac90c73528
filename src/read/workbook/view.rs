//! calamine's view of an xlsx package. The pre-scan inflates the parts it checks (the package
//! and workbook relationships, the workbook, the shared strings, the sheets that are read);
//! calamine would inflate each of them again. The view is a copy of the package in which
//! those parts are stored uncompressed, so calamine copies them instead: the other entries
//! keep their compressed bytes, in the same order under the same names, and the theme is left
//! out (`{workbook folder}theme/theme1.xml`, unless a sheet is stored there: calamine reads it
//! only for the colours of its styles, which zwxx does not use; a package without a theme is
//! read with the default colours). Where the package cannot be copied that way — entries that
//! share their data among them — calamine reads the original bytes.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::sync::Arc;

use zip::ZipArchive;

use super::styles::{Raw, Reduced};
use super::zip_guard::{ZipInfo, local_data_start};
use super::{MIB, u16le};

/// The largest part kept inflated for calamine, and the most kept for one file: bigger parts
/// are streamed by the pre-scan as before (memory stays bounded by the tokenizer's chunks)
/// and left compressed for calamine.
const KEEP_PART: u64 = MIB;
const KEEP_TOTAL: u64 = 4 * MIB;

/// Parts inflated by the pre-scan, by zip entry index.
#[derive(Default)]
pub(super) struct Kept {
    parts: HashMap<usize, Vec<u8>>,
    total: u64,
    /// The theme calamine would read, to leave out of the view.
    theme: Option<usize>,
    /// The styles part calamine reads, replaced by its reduced form ([`super::styles`]).
    styles: Option<(usize, Arc<Reduced>)>,
}

impl Kept {
    /// Entry `index` inflated whole, kept for the view, when it is small enough (and
    /// inflates cleanly to its declared size: otherwise the caller streams it as before and
    /// meets the same error). Returned for the caller's own scan.
    pub(super) fn inflate(
        &mut self,
        zip: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
    ) -> Option<&[u8]> {
        if !self.parts.contains_key(&index) {
            let f = zip.by_index(index).ok()?;
            let size = f.size();
            if size > KEEP_PART || self.total + size > KEEP_TOTAL {
                return None;
            }
            let mut data = Vec::with_capacity(size as usize);
            f.take(size + 1).read_to_end(&mut data).ok()?;
            if data.len() as u64 != size {
                return None;
            }
            self.total += size;
            self.parts.insert(index, data);
        }
        self.parts.get(&index).map(Vec::as_slice)
    }

    /// Leaves the theme (entry `index`, `{workbook folder}theme/theme1.xml`, the one part
    /// calamine reads for colours only) out of the view — unless that entry is also a sheet
    /// of the workbook (`a_sheet`) or a part kept here.
    pub(super) fn leave_out_theme(&mut self, index: usize, a_sheet: bool) {
        if !a_sheet && !self.parts.contains_key(&index) {
            self.theme = Some(index);
        }
    }

    /// Whether entry `index` may be replaced in the view: neither a part kept here nor the
    /// theme (the caller rules out sheets).
    pub(super) fn replaceable(&self, index: usize) -> bool {
        !self.parts.contains_key(&index) && self.theme != Some(index)
    }

    /// Gives calamine the reduced form of the styles part (entry `index`) in the view.
    pub(super) fn replace_styles(&mut self, index: usize, reduced: Arc<Reduced>) {
        if self.replaceable(index) {
            self.styles = Some((index, reduced));
        }
    }
}

/// Entry `index` as the package stores it: method, CRC, size and compressed bytes.
pub(super) fn raw_entry<'a>(
    bytes: &'a [u8],
    zip: &ZipArchive<Cursor<&[u8]>>,
    index: usize,
) -> Option<Raw<'a>> {
    let e = zip.by_index_data(index).ok()?;
    let start = usize::try_from(local_data_start(bytes, e.header_start())?).ok()?;
    let ch = usize::try_from(e.central_header_start()).ok()?;
    if bytes.get(ch..ch.checked_add(4)?)? != b"PK\x01\x02" {
        return None;
    }
    let len = usize::try_from(e.compressed_size()).ok()?;
    Some(Raw {
        method: u16le(bytes, ch + 10)?,
        crc: e.crc32(),
        size: e.size(),
        data: bytes.get(start..start.checked_add(len)?)?,
    })
}

/// The view's bytes and, for the inflation meter, each entry's data offset with its size.
pub(super) struct View {
    pub(super) bytes: Vec<u8>,
    pub(super) starts: HashMap<u64, u64>,
}

/// Builds calamine's view of `bytes`; `None` where an entry cannot be copied as it is (no
/// local header where the directory says, data past the end, sizes beyond a plain zip).
pub(super) fn view(
    bytes: &[u8],
    zip: &ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    kept: &Kept,
) -> Option<View> {
    #[cfg(test)]
    if tests::NO_VIEW.get() {
        return None;
    }
    if kept.parts.is_empty() || info.entries.len() > usize::from(u16::MAX) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + kept.total as usize);
    let mut central = Vec::with_capacity(info.entries.len() * 96);
    let mut starts = HashMap::with_capacity(info.entries.len());
    let mut count = 0u16;
    // Entries that share their data (a zip-bomb trick) get no view: copying would multiply
    // the bytes, and calamine's meter charges shared data to every entry that reads it. The
    // original's compressed bytes are copied at most once over (entries may also overlap
    // without starting at the same place). calamine then reads the file itself.
    let mut copied = 0usize;
    let mut data_starts = std::collections::HashSet::with_capacity(info.entries.len());
    for entry in &info.entries {
        let e = zip.by_index_data(entry.index).ok()?;
        let start = local_data_start(bytes, e.header_start())?;
        if !data_starts.insert(start) {
            return None;
        }
        if kept.theme == Some(entry.index) {
            continue;
        }
        let ch = usize::try_from(e.central_header_start()).ok()?;
        if bytes.get(ch..ch.checked_add(4)?)? != b"PK\x01\x02" {
            return None;
        }
        let reduced = kept
            .styles
            .as_ref()
            .filter(|(i, _)| *i == entry.index)
            .map(|(_, r)| r);
        let (method, data, size, crc): (u16, &[u8], u64, u32) =
            match (kept.parts.get(&entry.index), reduced) {
                (Some(data), _) => (0, data, data.len() as u64, e.crc32()),
                (None, Some(r)) => (0, &r.bytes, r.bytes.len() as u64, r.crc),
                (None, None) => {
                    let start = usize::try_from(start).ok()?;
                    let len = usize::try_from(e.compressed_size()).ok()?;
                    let data = bytes.get(start..start.checked_add(len)?)?;
                    copied += len;
                    if copied > bytes.len() {
                        return None;
                    }
                    (u16le(bytes, ch + 10)?, data, e.size(), e.crc32())
                }
            };
        let name = entry.name.as_bytes();
        let offset = u32::try_from(out.len()).ok()?;
        let fields = Fields {
            method,
            crc,
            compressed: u32::try_from(data.len()).ok()?,
            size: u32::try_from(size).ok()?,
            name: u16::try_from(name.len()).ok()?,
        };
        // local header, then the data
        out.extend_from_slice(b"PK\x03\x04");
        fields.write(&mut out);
        out.extend_from_slice(&0u16.to_le_bytes()); // extra field length
        out.extend_from_slice(name);
        // the meter charges a read of the entry what reading the original entry costs (a
        // reduced part is charged its original size: the budget is the original package's)
        starts.insert(out.len() as u64, e.size().max(1));
        out.extend_from_slice(data);
        // its central directory header
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        fields.write(&mut central);
        for _ in 0..4 {
            // extra, comment, disk, internal attributes
            central.extend_from_slice(&0u16.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
        count += 1;
    }
    let directory_at = u32::try_from(out.len()).ok()?;
    let directory_len = u32::try_from(central.len()).ok()?;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&directory_len.to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    Some(View { bytes: out, starts })
}

/// The fields a local header and a central directory header share, from "version needed".
struct Fields {
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    name: u16,
}

impl Fields {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0x0800u16.to_le_bytes()); // names are UTF-8
        out.extend_from_slice(&self.method.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&0x0021u16.to_le_bytes()); // date: 1980-01-01
        out.extend_from_slice(&self.crc.to_le_bytes());
        out.extend_from_slice(&self.compressed.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.name.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::super::xlsx::prescan;
    use super::super::zip_guard::{open_zip, zip_checks};
    use super::*;
    use crate::read::workbook::test_support::project_xlsx_files;
    use crate::read::workbook::{Limits, read_workbook};

    thread_local! {
        /// Set by a test to read the original package instead of the view.
        pub(super) static NO_VIEW: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Reading through the view gives exactly what reading the package itself gives — the
    /// same sheets and cells, or the same error — on every xlsx the project has: fixtures
    /// written by LibreOffice and by us (broken ones too), the templates, the samples and
    /// (when present) the peer corpus.
    #[test]
    fn reading_through_the_view_equals_reading_the_package() {
        let (mut files, mut read) = (0, 0);
        for p in project_xlsx_files() {
            let bytes = std::fs::read(&p).unwrap();
            let limits = Limits::default();
            NO_VIEW.set(true);
            let plain = read_workbook(&bytes, &limits);
            NO_VIEW.set(false);
            let through = read_workbook(&bytes, &limits);
            assert_eq!(through, plain, "{}", p.display());
            files += 1;
            read += usize::from(plain.is_ok());
        }
        assert!(files > 20 && read > 20, "{files} files, {read} read");
    }

    fn inflate(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Vec<u8> {
        let mut v = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut v).unwrap();
        v
    }

    /// The template as calamine sees it: every entry but the theme, under the same names;
    /// the parts the pre-scan inflated stored with the same content (and CRC), the others
    /// with their original compressed bytes.
    #[test]
    fn the_view_of_the_template_stores_what_the_prescan_inflated() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/政务信息报送表.xlsx");
        let bytes = std::fs::read(path).unwrap();
        let limits = Limits::default();
        let mut zip = open_zip(&bytes, &limits).unwrap();
        let info = zip_checks(&zip, &bytes, &limits).unwrap();
        let plan = prescan(&mut zip, &info, &limits).unwrap();
        let v = view(&bytes, &zip, &info, plan.kept()).expect("a view");
        let mut theirs = ZipArchive::new(Cursor::new(&v.bytes[..])).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        let expected: Vec<&String> = names.iter().filter(|n| !n.contains("theme")).collect();
        let got: Vec<String> = theirs
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        assert_eq!(got.iter().collect::<Vec<_>>(), expected);
        assert!(names.iter().any(|n| n.contains("theme")));
        let mut stored = Vec::new();
        for name in &got {
            let (method, crc) = {
                let f = theirs.by_name(name).unwrap();
                (f.compression(), f.crc32())
            };
            assert_eq!(crc, zip.by_name(name).unwrap().crc32(), "{name}");
            assert_eq!(
                inflate(&mut theirs, name),
                inflate(&mut zip, name),
                "{name}"
            );
            if method == zip::CompressionMethod::Stored {
                stored.push(name.as_str());
            }
        }
        stored.sort_unstable();
        assert_eq!(
            stored,
            [
                "_rels/.rels",
                "xl/_rels/workbook.xml.rels",
                "xl/sharedStrings.xml",
                "xl/workbook.xml",
                "xl/worksheets/sheet2.xml",
            ]
        );
        // each entry's data offset is metered with its size
        assert_eq!(v.starts.len(), got.len());
    }

    /// A styles part replaced by its reduced form is stored with the reduced bytes and their
    /// CRC, and metered at its original size (the inflation budget is the original's).
    #[test]
    fn a_reduced_styles_part_is_metered_at_its_original_size() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/政务信息报送表.xlsx");
        let bytes = std::fs::read(path).unwrap();
        let limits = Limits::default();
        let mut zip = open_zip(&bytes, &limits).unwrap();
        let info = zip_checks(&zip, &bytes, &limits).unwrap();
        let mut plan = prescan(&mut zip, &info, &limits).unwrap();
        let index = zip.index_for_name("xl/styles.xml").unwrap();
        let original = zip.by_index(index).unwrap().size();
        let reduced = b"<styleSheet></styleSheet>".to_vec();
        let crc = crate::read::workbook::styles::crc32_for_tests(&reduced);
        plan.kept_mut().replace_styles(
            index,
            Arc::new(Reduced {
                bytes: reduced.clone(),
                crc,
            }),
        );
        let v = view(&bytes, &zip, &info, plan.kept()).expect("a view");
        let mut theirs = ZipArchive::new(Cursor::new(&v.bytes[..])).unwrap();
        assert_eq!(inflate(&mut theirs, "xl/styles.xml"), reduced);
        let start = theirs
            .by_name("xl/styles.xml")
            .unwrap()
            .data_start()
            .unwrap();
        assert!(original > 1000);
        assert_eq!(v.starts[&start], original);
    }

    /// Entries that share their data are not copied once each: a zip whose directory
    /// names one compressed part many times gets no view (calamine reads the file itself,
    /// metered as before).
    #[test]
    fn entries_sharing_data_get_no_view() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/政务信息报送表.xlsx");
        let bytes = std::fs::read(path).unwrap();
        let limits = Limits::default();
        let view_of = |bytes: &[u8]| {
            let mut zip = open_zip(bytes, &limits).unwrap();
            let info = zip_checks(&zip, bytes, &limits).unwrap();
            let plan = prescan(&mut zip, &info, &limits).unwrap();
            view(bytes, &zip, &info, plan.kept()).map(|v| v.bytes.len())
        };
        assert!(view_of(&bytes).is_some());
        // 40 more directory entries for the theme's local entry, under new names
        let eocd = bytes.len() - 22;
        assert_eq!(&bytes[eocd..eocd + 4], b"PK\x05\x06");
        let cd_len = u32::from_le_bytes(bytes[eocd + 12..eocd + 16].try_into().unwrap()) as usize;
        let cd_at = u32::from_le_bytes(bytes[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
        let cd = &bytes[cd_at..cd_at + cd_len];
        let theme = memchr::memmem::find(cd, b"xl/theme/theme1.xml").unwrap() - 46;
        let name_len = u16::from_le_bytes(cd[theme + 28..theme + 30].try_into().unwrap());
        let record = &cd[theme..theme + 46 + usize::from(name_len)];
        let mut out = bytes[..cd_at + cd_len].to_vec();
        let copies = 40u16;
        for k in 0..copies {
            let mut r = record.to_vec();
            let name = format!("xl/media/d{k:05}.xml");
            assert_eq!(name.len(), usize::from(name_len));
            r[46..].copy_from_slice(name.as_bytes());
            out.extend_from_slice(&r);
        }
        let mut end = bytes[eocd..].to_vec();
        let n = u16::from_le_bytes(end[8..10].try_into().unwrap()) + copies;
        end[8..10].copy_from_slice(&n.to_le_bytes());
        end[10..12].copy_from_slice(&n.to_le_bytes());
        let new_len = (cd_len + record.len() * usize::from(copies)) as u32;
        end[12..16].copy_from_slice(&new_len.to_le_bytes());
        out.extend_from_slice(&end);
        assert_eq!(view_of(&out), None);
        // and the file reads as it did
        NO_VIEW.set(true);
        let plain = read_workbook(&out, &limits);
        NO_VIEW.set(false);
        assert_eq!(read_workbook(&out, &limits), plain);
        assert!(plain.is_ok());
    }

    /// Reads `bytes` through the view and without it: the same result, which is returned,
    /// with whether a view was built.
    fn both_ways(
        bytes: &[u8],
    ) -> (
        Result<crate::read::workbook::WorkbookData, crate::read::workbook::ReadError>,
        bool,
    ) {
        let limits = Limits::default();
        NO_VIEW.set(true);
        let plain = read_workbook(bytes, &limits);
        NO_VIEW.set(false);
        assert_eq!(read_workbook(bytes, &limits), plain);
        let mut zip = open_zip(bytes, &limits).unwrap();
        let info = zip_checks(&zip, bytes, &limits).unwrap();
        let viewed = prescan(&mut zip, &info, &limits)
            .is_ok_and(|plan| view(bytes, &zip, &info, plan.kept()).is_some());
        (plain, viewed)
    }

    /// Only the theme calamine reads is left out, and not even that one when a sheet is
    /// stored there (review, 2026-11-28: any entry ending in `theme/theme1.xml` was dropped,
    /// and a sheet stored under such a name went missing).
    #[test]
    fn a_sheet_stored_where_a_theme_would_be_is_kept() {
        use crate::read::workbook::test_support::{sheet_xml, workbook_parts, xlsx_from};
        let one = sheet_xml("A1", r#"<row r="1"><c r="A1"><v>7</v></c></row>"#, "");
        for target in ["theme/theme1.xml", "worksheets/mytheme/theme1.xml"] {
            let (wb, rels) = workbook_parts(&["S"], |i| i);
            let rels = rels.replace("worksheets/sheet1.xml", target);
            let bytes = xlsx_from(&wb, &rels, &[(&format!("xl/{target}"), &one)]);
            let (read, viewed) = both_ways(&bytes);
            assert!(viewed, "{target}");
            assert_eq!(read.unwrap().sheets[0].cells.len(), 1, "{target}");
        }
    }

    /// A kept part whose data another entry shares gets no view (the original's meter
    /// charges shared data to every reader; the view's copies would not).
    #[test]
    fn a_kept_part_sharing_its_data_gets_no_view() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/政务信息报送表.xlsx");
        let bytes = std::fs::read(path).unwrap();
        assert!(both_ways(&bytes).1);
        // one more directory entry, `xl/worksheets/sheetX.xml`, for the data sheet's bytes
        let eocd = bytes.len() - 22;
        let cd_len = u32::from_le_bytes(bytes[eocd + 12..eocd + 16].try_into().unwrap()) as usize;
        let cd_at = u32::from_le_bytes(bytes[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
        let cd = &bytes[cd_at..cd_at + cd_len];
        let at = memchr::memmem::find(cd, b"xl/worksheets/sheet2.xml").unwrap() - 46;
        let name_len = u16::from_le_bytes(cd[at + 28..at + 30].try_into().unwrap());
        let mut record = cd[at..at + 46 + usize::from(name_len)].to_vec();
        let n = record.len();
        record[n - 5] = b'X';
        let mut out = bytes[..cd_at + cd_len].to_vec();
        out.extend_from_slice(&record);
        let mut end = bytes[eocd..].to_vec();
        let count = u16::from_le_bytes(end[8..10].try_into().unwrap()) + 1;
        end[8..10].copy_from_slice(&count.to_le_bytes());
        end[10..12].copy_from_slice(&count.to_le_bytes());
        end[12..16].copy_from_slice(&((cd_len + record.len()) as u32).to_le_bytes());
        out.extend_from_slice(&end);
        let (read, viewed) = both_ways(&out);
        assert!(!viewed);
        assert!(read.is_ok());
    }

    #[test]
    fn big_parts_are_not_kept() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/政务信息报送表.xlsx");
        let bytes = std::fs::read(path).unwrap();
        let mut zip = open_zip(&bytes, &Limits::default()).unwrap();
        let index = zip.index_for_name("xl/worksheets/sheet2.xml").unwrap();
        let mut kept = Kept {
            total: KEEP_TOTAL - 100,
            ..Kept::default()
        };
        assert!(kept.inflate(&mut zip, index).is_none());
        kept.total = 0;
        assert!(kept.inflate(&mut zip, index).is_some());
        assert!(kept.parts.contains_key(&index));
    }
}
