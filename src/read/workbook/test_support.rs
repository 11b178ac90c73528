//! Builders shared by the reader's unit tests: hand-made xlsx, ods and xls files (each part
//! written out, so a test can break exactly one thing), and small assertions. Also a prelude:
//! `use crate::read::workbook::test_support::*` gives a test module what it needs.

pub(super) use std::io::{Cursor, Write};
pub(super) use std::time::{Duration, Instant};

pub(super) use calamine::{Data, Dimensions};
pub(super) use zip::write::SimpleFileOptions;
pub(super) use zip::{CompressionMethod, ZipWriter};

pub(super) use super::{Format, Limits, ReadError, SheetData, WorkbookData, read_workbook};

/// The format of `bytes`, as the reader detects it, with the reader's panic guard.
pub(super) fn sniff(bytes: &[u8]) -> Result<Format, ReadError> {
    super::guard(|| super::sniff_impl(bytes, &Limits::default()))
}

pub(super) const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// An OLE container holding `streams`.
pub(super) fn build_cfb(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut cfb =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    for (name, data) in streams {
        cfb.create_stream(name).unwrap().write_all(data).unwrap();
    }
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

pub(super) const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

pub(super) fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

pub(super) fn zip_files(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in files {
        let opts = if *name == "mimetype" {
            SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
        } else {
            deflated()
        };
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub(super) fn content_types() -> String {
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_string()
}

pub(super) const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

/// workbook.xml + rels for `names`, sheet i → worksheets/sheet{target(i)}.xml
pub(super) fn workbook_parts(names: &[&str], target: impl Fn(usize) -> usize) -> (String, String) {
    let mut wb = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (i, name) in names.iter().enumerate() {
        wb.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#,
            i + 1,
            i + 1
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{}.xml"/>"#,
            i + 1,
            target(i) + 1
        ));
    }
    wb.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    (wb, rels)
}

/// A hand-built xlsx from its workbook part, the workbook's relationships and further
/// `(path, xml)` parts.
pub(super) fn xlsx_from(wb: &str, rels: &str, parts: &[(&str, &str)]) -> Vec<u8> {
    let ct = content_types();
    let mut files: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", ct.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", wb.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
    ];
    files.extend(parts.iter().map(|(path, xml)| (*path, xml.as_bytes())));
    zip_files(&files)
}

/// A hand-built xlsx with one worksheet per `(name, sheet xml)`.
pub(super) fn xlsx_with_sheets(sheets: &[(&str, &str)]) -> Vec<u8> {
    let names: Vec<&str> = sheets.iter().map(|s| s.0).collect();
    let (wb, rels) = workbook_parts(&names, |i| i);
    let paths: Vec<String> = (1..=sheets.len())
        .map(|i| format!("xl/worksheets/sheet{i}.xml"))
        .collect();
    let parts: Vec<(&str, &str)> = paths
        .iter()
        .zip(sheets)
        .map(|(path, (_, xml))| (path.as_str(), *xml))
        .collect();
    xlsx_from(&wb, &rels, &parts)
}

pub(super) fn sheet_xml(dimension: &str, rows: &str, tail: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData>{tail}</worksheet>"#
    )
}

pub(super) fn assert_limit(r: Result<WorkbookData, ReadError>, names: &[&str]) {
    match r {
        Err(ReadError::Limit { name, .. }) if names.contains(&name.as_str()) => {}
        other => panic!("expected Limit {names:?}, got {other:?}"),
    }
}

pub(super) fn quick<T>(what: &str, secs: u64, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    eprintln!("{what}: {took:?}");
    assert!(took < Duration::from_secs(secs), "{what} took {took:?}");
    out
}

pub(super) fn cell(sheet: &SheetData, r: u32, c: u32) -> Option<&Data> {
    sheet
        .cells
        .iter()
        .find(|(cr, cc, _)| (*cr, *cc) == (r, c))
        .map(|(_, _, v)| v)
}

pub(super) fn normal_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as XFormat, Formula, Workbook};
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2024, 5, 6)
        .unwrap()
        .and_hms(7, 8, 9)
        .unwrap();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when));
    let date_fmt = XFormat::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("Data").unwrap();
    ws.write_string(0, 0, "名前").unwrap();
    ws.write_number(0, 1, 42.5).unwrap();
    ws.write_number(1, 1, 7).unwrap();
    ws.write_formula(2, 1, Formula::new("=B1+B2").set_result("49.5"))
        .unwrap();
    ws.merge_range(4, 0, 4, 3, "merged", &XFormat::new())
        .unwrap();
    ws.write_datetime_with_format(6, 0, &when, &date_fmt)
        .unwrap();
    let hidden = wb.add_worksheet();
    hidden.set_name("Hidden").unwrap();
    hidden.write_string(0, 0, "x").unwrap();
    hidden.set_hidden(true);
    wb.save_to_buffer().unwrap()
}

pub(super) fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut v = typ.to_le_bytes().to_vec();
    v.extend_from_slice(&(data.len() as u16).to_le_bytes());
    v.extend_from_slice(data);
    v
}

pub(super) fn bof(dt: u16) -> Vec<u8> {
    let mut d = vec![0u8; 16];
    d[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
    d[2..4].copy_from_slice(&dt.to_le_bytes());
    rec(0x0809, &d)
}

pub(super) fn number(r: u16, c: u16, v: f64) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&r.to_le_bytes());
    d.extend_from_slice(&c.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&v.to_le_bytes());
    rec(0x0203, &d)
}

pub(super) fn label(r: u16, c: u16, s: &str) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&r.to_le_bytes());
    d.extend_from_slice(&c.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&(s.len() as u16).to_le_bytes());
    d.push(0);
    d.extend_from_slice(s.as_bytes());
    rec(0x0204, &d)
}

pub(super) fn formula(r: u16, c: u16, value: f64, rgce: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&r.to_le_bytes());
    d.extend_from_slice(&c.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&value.to_le_bytes());
    d.extend_from_slice(&[0u8; 6]);
    d.extend_from_slice(&(rgce.len() as u16).to_le_bytes());
    d.extend_from_slice(rgce);
    rec(0x0006, &d)
}

/// A BIFF8 workbook stream wrapped in a CFB.
pub(super) fn xls_bytes(globals: &[Vec<u8>], sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    build_cfb(&[("Workbook", &xls_stream_of(globals, sheets))])
}

/// A BIFF8 workbook stream: globals (after the BOF), then one substream per sheet.
pub(super) fn xls_stream_of(globals: &[Vec<u8>], sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let bound = |pos: u32, name: &str| {
        let mut d = pos.to_le_bytes().to_vec();
        d.extend_from_slice(&[0, 0, name.len() as u8, 0]);
        d.extend_from_slice(name.as_bytes());
        rec(0x0085, &d)
    };
    let mut head = bof(0x0005);
    for g in globals {
        head.extend_from_slice(g);
    }
    let bound_len: usize = sheets.iter().map(|(n, _)| bound(0, n).len()).sum();
    let mut pos = (head.len() + bound_len + 4) as u32;
    let mut body = Vec::new();
    for (name, records) in sheets {
        head.extend(bound(pos, name));
        let mut sub = bof(0x0010);
        sub.extend_from_slice(records);
        sub.extend(rec(0x000A, &[]));
        pos += sub.len() as u32;
        body.extend(sub);
    }
    head.extend(rec(0x000A, &[]));
    head.extend(body);
    if head.len() < 4096 {
        head.resize(4096, 0);
    }
    head
}

pub(super) const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

pub(super) fn ods_bytes(body: &str, manifest: &str) -> Vec<u8> {
    ods_bytes_with("", body, manifest)
}

/// An ods with automatic styles before the body.
pub(super) fn ods_bytes_with(styles: &str, body: &str, manifest: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">{styles}<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
    );
    let meta = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"><office:meta><dc:date>2023-01-02T03:04:05</dc:date></office:meta></office:document-meta>"#;
    zip_files(&[
        ("mimetype", ODS_MIME),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
        ("meta.xml", meta.as_bytes()),
    ])
}

pub(super) fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("wbread-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
