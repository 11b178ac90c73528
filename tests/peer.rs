//! Workbooks from other projects' test suites that Excel, WPS, LibreOffice or a mainstream
//! reader open (`../shared/corpus/peer-readable/`, 27 files from Apache POI, xlrd and
//! ExcelDataReader; its manifest.json says who read each and how many cells). Read in place,
//! as the calamine corpus is, through real worker processes of the built binary: each must
//! be read — with the cells the others read — or, for the Excel 2.x–4.0 files no reader here
//! reads, get the old-format message. Absent: skipped.

use std::path::{Path, PathBuf};

use zwxx::read::workbook::{Killed, Limits, ReadError, read_workbook};

fn peer_dir() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/peer-readable");
    [beside, PathBuf::from("/work/shared/corpus/peer-readable")]
        .into_iter()
        .find(|p| p.is_dir())
}

/// What zwxx must make of a file.
enum Expect {
    /// Read, with this many non-empty cells on its worksheets.
    Cells(usize),
    /// Excel 2.x–4.0: the old-format message.
    OldExcel,
    /// Beyond the limits on purpose (see its row).
    OverLimit,
}
use Expect::*;

#[rustfmt::skip]
const FILES: &[(&str, Expect)] = &[
    // encrypted with Excel's default password, RC4 (.xls) and ECMA-376 standard / agile
    // (.xlsx); the counts are xlrd's / openpyxl's on msoffcrypto-tool's decryption
    ("exceldatareader/TestExcel_2040.xls", Cells(6)),
    ("exceldatareader/protectedsheet-xxx.xls", Cells(2)),
    ("poi/50833.xls", Cells(1)),
    ("exceldatareader/TestExcel_2040.xlsx", Cells(6)),
    ("exceldatareader/Test_git_issue289.xlsx", Cells(1)),
    ("poi/58616.xlsx", Cells(4253)),
    // relationships written with a namespace prefix (<ns0:Relationship>)
    ("exceldatareader/Test_git_issue682.xlsb", Cells(3)),
    // a sheet entry with an empty relationship id
    ("exceldatareader/Test_git_issue_68_NullSheetPath.xlsm", Cells(2)),
    // sparse .xls: 4 cells spanning 65,536 × 256, 64 spanning 32,770 × 130
    ("poi/51535.xls", Cells(4)),
    ("poi/SharedFormulaTest.xls", Cells(64)),
    // the worksheets of workbooks with Excel 4.0 macro sheets (openpyxl's 3 include the
    // macro sheet's one cell)
    ("poi/64420.xlsm", Cells(2)),
    ("poi/xlmmacro.xlsm", Cells(0)),
    ("poi/60825.xlsx", Cells(0)),
    // Excel 2007 beta's namespace and <sstItem>: openpyxl opens it and sees no cells; the
    // 10 strings and 10 numbers of its first sheet are read here
    ("poi/sample-beta.xlsx", Cells(20)),
    // POI's denial-of-service test: 12,000 cells each holding one 1 MB shared string
    ("poi/poc-shared-strings.xlsx", OverLimit),
    ("exceldatareader/Test_git_issue_368_formats.xls", OldExcel),
    ("exceldatareader/Test_git_issue_368_ixfe.xls", OldExcel),
    ("exceldatareader/Test_git_issue_368_label_xf.xls", OldExcel),
    ("exceldatareader/Test_git_issue_375_ixfe_rowmap.xls", OldExcel),
    ("exceldatareader/Test_git_issue_466_biff3.xls", OldExcel),
    ("exceldatareader/as3xls_BIFF2.xls", OldExcel),
    ("exceldatareader/as3xls_BIFF3.xls", OldExcel),
    ("exceldatareader/as3xls_BIFF4.xls", OldExcel),
    ("exceldatareader/biff3.xls", OldExcel),
    ("poi/testEXCEL_3.xls", OldExcel),
    ("poi/testEXCEL_4.xls", OldExcel),
    ("xlrd/biff4_no_format_no_window2.xls", OldExcel),
];

#[test]
fn peer_readable_workbooks_are_read() {
    let Some(dir) = peer_dir() else {
        eprintln!("skipped: ../shared/corpus/peer-readable not found");
        return;
    };
    zwxx::read::worker::isolate(PathBuf::from(env!("CARGO_BIN_EXE_zwxx")));
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert_eq!(
        manifest.matches("\"file\"").count(),
        FILES.len(),
        "a file without a row"
    );
    let limits = Limits::default();
    let mut wrong = Vec::new();
    for (file, expect) in FILES {
        assert!(
            manifest.contains(&format!("\"{file}\"")),
            "{file} not in the manifest"
        );
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let got = read_workbook(&bytes, &limits);
        let ok = match (expect, &got) {
            (Cells(n), Ok(wb)) => wb.sheets.iter().map(|s| s.cells.len()).sum::<usize>() == *n,
            (OldExcel, Err(ReadError::OldExcel)) => true,
            (OverLimit, Err(ReadError::Limit { .. } | ReadError::Killed(Killed::Memory(_)))) => {
                true
            }
            _ => false,
        };
        let summary = match &got {
            Ok(wb) => format!(
                "{} cells",
                wb.sheets.iter().map(|s| s.cells.len()).sum::<usize>()
            ),
            Err(e) => e.to_string(),
        };
        eprintln!("{file}: {summary}");
        if !ok {
            wrong.push(format!("{file}: {summary}"));
        }
    }
    zwxx::read::worker::shutdown();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Through the command as the officer runs it: no file of the folder is refused as
/// unreadable, encrypted or corrupt; each gets "not this template", the old-format message,
/// or (the denial-of-service test) a limit.
#[test]
fn peer_readable_folder_through_the_command() {
    let Some(dir) = peer_dir() else {
        eprintln!("skipped: ../shared/corpus/peer-readable not found");
        return;
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zwxx"))
        .args(["validate", ".", "--format", "csv"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("E-FILE")).collect();
    assert_eq!(lines.len(), FILES.len(), "{text}");
    for line in lines {
        let old = line.contains("Excel 2.x–4.0 旧格式,请用 Excel/WPS 打开后另存为 .xlsx");
        let fine = line.contains("E-FILE-TEMPLATE")
            || (line.contains("E-FILE-FORMAT") && old)
            || (line.contains("E-FILE-LIMIT") && line.contains("poc-shared-strings"));
        assert!(fine, "{line}");
    }
}

/// The kinds of workbook that others read and calamine alone refuses, each made from the
/// LibreOffice-filled template by tests/fixtures/peer-kinds/make.sh; `true` where calamine
/// alone refuses it (the sparse ones it reads, into a 16.7-million-cell grid).
const KINDS: &[(&str, bool)] = &[
    ("protected-structure.xls", true),
    ("default-password.xlsx", true),
    ("indented.ods", true),
    ("strict-spaced-values.xlsx", true),
    ("utf16-parts.xlsx", true),
    ("macro-dialog-sheets.xlsm", true),
    ("whole-column-merges.xlsx", true),
    ("empty-relationship-id.xlsx", true),
    ("activex-toolbars.xlsb", true),
    ("mac-codepage.xls", true),
    ("sparse.xls", false),
    ("sparse.ods", false),
];

/// Whether calamine by itself reads every sheet of a file (its panics caught).
fn calamine_reads(path: &Path) -> bool {
    use calamine::Reader;
    std::panic::catch_unwind(|| {
        let Ok(mut wb) = calamine::open_workbook_auto(path) else {
            return false;
        };
        wb.sheet_names()
            .iter()
            .all(|name| wb.worksheet_range(name).is_ok())
    })
    .unwrap_or(false)
}

/// (section, month, every item's title and date) of one file, read through the workers.
fn submission(path: &Path) -> (String, u32, Vec<(String, chrono::NaiveDate)>) {
    let rules = zwxx::rules::Rules::default_rules();
    let loaded = zwxx::load::load(&[path.to_path_buf()], None, &rules, &Limits::default()).unwrap();
    assert!(
        loaded.findings.is_empty(),
        "{}: {:#?}",
        path.display(),
        loaded.findings
    );
    assert_eq!(loaded.sections.len(), 1, "{}", path.display());
    let s = &loaded.sections[0];
    let mut items: Vec<_> = loaded
        .items
        .iter()
        .map(|i| (i.title.to_string(), i.date))
        .collect();
    items.sort();
    (s.section.0.clone(), s.month, items)
}

#[test]
fn each_kind_reads_as_the_template_it_was_made_from() {
    zwxx::read::worker::isolate(PathBuf::from(env!("CARGO_BIN_EXE_zwxx")));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let base = submission(&fixtures.join("template-filled/filled.xlsx"));
    assert_eq!(base.2.len(), 4, "{base:?}");
    for (file, refused) in KINDS {
        let path = fixtures.join("peer-kinds").join(file);
        if *refused {
            assert!(
                !calamine_reads(&path),
                "{file}: calamine reads it by itself"
            );
        }
        assert_eq!(submission(&path), base, "{file}");
    }
}

/// A sparse .xls and .ods: the far value is read at its place, and the worker (capped at
/// 256 MiB) never holds the 65,536 × 256 rectangle the two corners span.
#[test]
fn sparse_sheets_keep_their_far_value() {
    zwxx::read::worker::isolate(PathBuf::from(env!("CARGO_BIN_EXE_zwxx")));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peer-kinds");
    for file in ["sparse.xls", "sparse.ods"] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        let sheet = wb.sheets.iter().find(|s| s.name == "报送信息").unwrap();
        let far = sheet.cells.iter().find(|c| (c.0, c.1) == (65_535, 255));
        assert_eq!(
            far.map(|c| c.2.to_string()),
            Some("远处的值".to_string()),
            "{file}"
        );
    }
}

/// An .xls whose root stream is not in whole 64-byte mini sectors: the cfb crate refuses
/// the container, calamine's own reader takes it, and so it is read.
#[test]
fn a_short_mini_stream_is_read() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/peer-kinds/short-mini-stream.xls");
    let wb =
        zwxx::read::workbook::read_in_process(&std::fs::read(path).unwrap(), &Limits::default())
            .unwrap();
    let cells: Vec<(u32, u32, String)> = wb.sheets[0]
        .cells
        .iter()
        .map(|(r, c, v)| (*r, *c, v.to_string()))
        .collect();
    assert_eq!(wb.sheets[0].name, "报送信息");
    assert_eq!(
        cells,
        [
            (0, 0, "短小的工作簿".to_string()),
            (1, 1, "2019".to_string())
        ]
    );
}
