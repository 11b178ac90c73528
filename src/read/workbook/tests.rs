//! Tests of the reader as a whole, in this process: the public API on normal files,
//! non-spreadsheets, the file size limit, a LibreOffice round trip, and an ignored timing
//! benchmark. Format-specific tests live in the format's module; mutated files go through
//! real worker processes in tests/hostile.rs.

use super::*;
use crate::read::workbook::test_support::*;

#[test]
fn normal_xlsx_reads() {
    let bytes = normal_xlsx();
    assert_eq!(sniff(&bytes), Ok(Format::Xlsx));
    let wb = read_workbook(&bytes, &Limits::default()).unwrap();
    assert_eq!(wb.format, Format::Xlsx);
    assert_eq!(wb.modified.as_deref(), Some("2024-05-06T07:08:09Z"));
    assert_eq!(wb.sheets.len(), 2);
    let s = &wb.sheets[0];
    assert_eq!(s.name, "Data");
    assert!(s.visible);
    assert!(!wb.sheets[1].visible);
    assert_eq!(cell(s, 0, 0), Some(&Data::String("名前".into())));
    assert_eq!(cell(s, 0, 1), Some(&Data::Float(42.5)));
    assert_eq!(cell(s, 2, 1), Some(&Data::Float(49.5)));
    assert_eq!(cell(s, 4, 0), Some(&Data::String("merged".into())));
    assert!(
        matches!(cell(s, 6, 0), Some(Data::DateTime(_))),
        "{:?}",
        cell(s, 6, 0)
    );
    assert_eq!(s.merged, vec![Dimensions::new((4, 0), (4, 3))]);
    assert!(s.formula_no_value.is_empty());
    let positions: Vec<(u32, u32)> = s.cells.iter().map(|c| (c.0, c.1)).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted);
}

#[test]
fn xlsx_renamed_as_xls_reads_by_content() {
    let dir = temp_dir("renamed");
    let path = dir.join("report.xls");
    std::fs::write(&path, normal_xlsx()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(sniff(&bytes), Ok(Format::Xlsx));
    let wb = read_workbook(&bytes, &Limits::default()).unwrap();
    assert_eq!(wb.format, Format::Xlsx);
    assert_eq!(wb.sheets[0].name, "Data");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn not_spreadsheets() {
    let l = Limits::default();
    assert_eq!(sniff(b""), Err(ReadError::NotSpreadsheet));
    assert_eq!(read_workbook(b"", &l), Err(ReadError::NotSpreadsheet));
    let text = b"name,amount\nfoo,1\n";
    assert_eq!(read_workbook(text, &l), Err(ReadError::NotSpreadsheet));
    assert_eq!(
        read_workbook(b"%PDF-1.7\n...", &l),
        Err(ReadError::NotSpreadsheet)
    );
    // a zip that is no spreadsheet
    let z = zip_files(&[("readme.txt", b"hello")]);
    assert_eq!(read_workbook(&z, &l), Err(ReadError::NotSpreadsheet));
}

#[test]
fn file_size_limit() {
    let bytes = normal_xlsx();
    let l = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    assert_limit(read_workbook(&bytes, &l), &["max_file_bytes"]);
}

fn soffice_convert(src: &std::path::Path, to: &str, out: &std::path::Path) -> Option<Vec<u8>> {
    let profile = out.join("profile");
    let mut child = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(out)
        .arg(src)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let stem = src.file_stem()?.to_str()?;
    std::fs::read(out.join(format!("{stem}.{to}"))).ok()
}

#[test]
fn libreoffice_xls_and_ods() {
    let dir = temp_dir("lo");
    let src = dir.join("book.xlsx");
    std::fs::write(&src, normal_xlsx()).unwrap();
    let mut ran = 0;
    for (ext, format) in [("xls", Format::Xls), ("ods", Format::Ods)] {
        let Some(bytes) = soffice_convert(&src, ext, &dir) else {
            eprintln!("skipping {ext}: soffice unavailable or conversion failed");
            continue;
        };
        ran += 1;
        assert_eq!(sniff(&bytes), Ok(format));
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.format, format);
        eprintln!("{ext}: modified {:?}", wb.modified);
        let s = &wb.sheets[0];
        assert_eq!(s.name, "Data");
        assert_eq!(cell(s, 0, 0), Some(&Data::String("名前".into())), "{ext}");
        assert_eq!(cell(s, 0, 1), Some(&Data::Float(42.5)), "{ext}");
        assert_eq!(cell(s, 2, 1), Some(&Data::Float(49.5)), "{ext}");
        assert!(
            matches!(
                cell(s, 6, 0),
                Some(Data::DateTime(_) | Data::DateTimeIso(_))
            ),
            "{ext}: {:?}",
            cell(s, 6, 0)
        );
        assert!(!wb.sheets[1].visible, "{ext}");
        if format == Format::Xls {
            assert_eq!(s.merged, vec![Dimensions::new((4, 0), (4, 3))]);
        }
    }
    eprintln!("libreoffice conversions exercised: {ran}");
    let _ = std::fs::remove_dir_all(dir);
}

// ---- timing

#[test]
#[ignore]
fn bench_small_workbook() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    for s in 0..2 {
        let ws = wb.add_worksheet();
        for r in 0..25u32 {
            for c in 0..12u16 {
                if c % 3 == 0 {
                    ws.write_string(r, c, format!("text {s} {r} {c}")).unwrap();
                } else {
                    ws.write_number(r, c, f64::from(r) * 1.5 + f64::from(c))
                        .unwrap();
                }
            }
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let l = Limits::default();
    let mut times = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let t = Instant::now();
        let wb = read_workbook(&bytes, &l).unwrap();
        times.push(t.elapsed());
        assert_eq!(wb.sheets.len(), 2);
    }
    times.sort();
    eprintln!(
        "xlsx {} bytes, 2x25x12: median {:?}, p90 {:?}, min {:?}",
        bytes.len(),
        times[500],
        times[900],
        times[0]
    );
}

/// The template's hidden list sheet is left unread when the workbook carries the version
/// name (the version then comes from the name); without the name, or when shown, it is read.
#[test]
fn the_template_list_sheet_is_read_only_without_the_version_name() {
    use rust_xlsxwriter::Workbook;
    let book = |named: bool, hidden: bool| {
        let mut wb = Workbook::new();
        wb.add_worksheet()
            .set_name("报送信息")
            .unwrap()
            .write(0, 0, "x")
            .unwrap();
        let lists = wb
            .add_worksheet()
            .set_name(crate::labels::SHEET_LISTS)
            .unwrap();
        lists.write(0, 0, "常规信息").unwrap();
        lists.set_hidden(hidden);
        if named {
            wb.define_name(crate::labels::VERSION_NAME, "=\"zwxx-template-1\"")
                .unwrap();
        }
        let wb = read_workbook(&wb.save_to_buffer().unwrap(), &Limits::default()).unwrap();
        let names: Vec<String> = wb.sheets.iter().map(|s| s.name.clone()).collect();
        (names, wb.template_version)
    };
    let (names, version) = book(true, true);
    assert_eq!(names, ["报送信息"]);
    assert_eq!(version.as_deref(), Some("zwxx-template-1"));
    assert_eq!(
        book(false, true).0,
        ["报送信息", crate::labels::SHEET_LISTS]
    );
    assert_eq!(
        book(true, false).0,
        ["报送信息", crate::labels::SHEET_LISTS]
    );
}
