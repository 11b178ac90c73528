//! `.xls`: the `Workbook` stream is copied out of the untrusted OLE container, defused by
//! [`super::biff`] (encryption, limits, patches where calamine would do unbounded work), and
//! handed to calamine re-wrapped in a clean container built by [`build_cfb`].

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Reader, Xls, XlsError};

use super::biff::prepare_biff;
use super::cfb::{CfbFile, build_cfb};
use super::collect::{Budget, finish_sheet, new_sheet, range_cells, sheet_list};
use super::{Format, Limits, ReadError, WorkbookData, corrupt};

pub(super) fn read_xls(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    let cfb = CfbFile::parse(bytes)?;
    if cfb.is_encrypted() {
        return Err(ReadError::Encrypted);
    }
    let dir = cfb
        .find_stream(&["Workbook", "Book"])
        .ok_or_else(|| corrupt("xls: no Workbook stream"))?;
    let stream = cfb.read_stream(dir)?;
    let modified = cfb.summary_modified();
    let scan = prepare_biff(stream, limits)?;
    let mut stream = scan.stream;
    if stream.len() < 4096 {
        // keep it out of the mini stream; zero records are ignored
        stream.resize(4096, 0);
    }
    let file = build_cfb(&[("Workbook", &stream)])?;
    drop(stream);

    let mut wb = Xls::new(Cursor::new(file)).map_err(xls_err)?;
    let metas = wb.sheets_metadata().to_vec();
    let list = sheet_list(&metas, limits, &[])?;
    // calamine keeps sheets in a map by name: the last BoundSheet wins
    let mut formula_src: HashMap<&str, usize> = HashMap::new();
    for (i, m) in metas.iter().enumerate() {
        formula_src.insert(m.name.as_str(), i);
    }
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::with_capacity(list.len());
    for (name, visible) in list {
        let mut sd = new_sheet(name, visible);
        let range = wb.worksheet_range(&sd.name).map_err(xls_err)?;
        range_cells(&range, limits, &mut budget, &mut sd.cells)?;
        drop(range);
        sd.merged = wb.merge_cells_by_sheet_name(&sd.name).map_err(xls_err)?;
        budget.slots(sd.merged.len() as u64)?;
        if let Some(positions) = formula_src
            .get(sd.name.as_str())
            .and_then(|&i| scan.formulas.get(i))
        {
            for &(r, c) in positions {
                if limits.in_bounds(r, c) {
                    budget.slots(1)?;
                    sd.formula_no_value.push((r, c));
                }
            }
        }
        finish_sheet(&mut sd);
        sheets.push(sd);
    }
    Ok(WorkbookData {
        format: Format::Xls,
        sheets,
        modified,
        template_version: None,
    })
}

fn xls_err(e: XlsError) -> ReadError {
    match e {
        XlsError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("xls: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::test_support::*;

    /// Regression (fuzzer, 2026-11-28, second session): a defined name (LBL) whose formula
    /// length passes the record's end made calamine subtract past zero while opening the
    /// workbook. Names are passed over now, so the sheet still reads.
    #[test]
    fn a_broken_defined_name_does_not_stop_the_sheet() {
        // cch 1, cce 0xFFFF in a 15-byte record; and one too short to hold its header
        let mut bad = vec![0u8; 15];
        bad[3] = 1;
        bad[4..6].copy_from_slice(&0xFFFFu16.to_le_bytes());
        let globals = [rec(0x0018, &bad), rec(0x0018, &[0, 0, 0])];
        let bytes = xls_bytes(&globals, &[("S", number(0, 0, 2.5))]);
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.sheets[0].cells, vec![(0, 0, Data::Float(2.5))]);
    }

    /// Regression (fuzzer, 2026-11-28, third session): a sheet (BOUNDSHEET) whose position
    /// lies past the end of the workbook stream made calamine slice out of bounds — a caught
    /// panic whose Rust message reached the problem list. Now a plain corrupt-file finding.
    #[test]
    fn a_sheet_past_the_end_of_the_stream_is_corrupt() {
        let far = rec(0x0085, &[0xFF, 0xFF, 0xFF, 0x0F, 0, 0, 1, 0, b'X']);
        let bytes = xls_bytes(&[far], &[("S", number(0, 0, 2.5))]);
        match read_workbook(&bytes, &Limits::default()) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("past the end"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    /// Regression (fuzzer, 2026-11-28, fourth session): a MULRK record whose last column
    /// comes before its first made calamine compute `last - first + 1` in u16 and panic
    /// where overflow is checked (a caught panic, its Rust message in the problem list);
    /// a plain corrupt-file finding now. A well-formed MULRK still reads.
    #[test]
    fn a_mulrk_ending_before_it_starts_is_corrupt() {
        let mulrk = |first: u16, last: u16, values: usize| {
            let mut d = vec![0, 0];
            d.extend(first.to_le_bytes());
            for _ in 0..values {
                d.extend([0, 0]); // format
                d.extend(((7u32 << 2) | 2).to_le_bytes()); // RK: integer 7
            }
            d.extend(last.to_le_bytes());
            rec(0x00BD, &d)
        };
        let bytes = xls_bytes(&[], &[("S", mulrk(3, 2, 0))]);
        match read_workbook(&bytes, &Limits::default()) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("MULRK"), "{m}"),
            other => panic!("{other:?}"),
        }
        let bytes = xls_bytes(&[], &[("S", mulrk(1, 2, 2))]);
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(
            wb.sheets[0].cells,
            vec![(0, 1, Data::Int(7)), (0, 2, Data::Int(7))]
        );
    }

    #[test]
    fn handmade_xls_reads() {
        let mut recs = number(0, 0, 1.5);
        recs.extend(label(1, 2, "hello"));
        recs.extend(formula(2, 0, 3.0, &[0x1E, 1, 0, 0x1E, 2, 0, 0x03]));
        // merged A5:B6
        recs.extend(rec(0x00E5, &[1, 0, 4, 0, 5, 0, 0, 0, 1, 0]));
        let bytes = xls_bytes(&[], &[("Feuil1", recs)]);
        assert_eq!(sniff(&bytes), Ok(Format::Xls));
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.format, Format::Xls);
        let s = &wb.sheets[0];
        assert_eq!(s.name, "Feuil1");
        assert_eq!(
            s.cells,
            vec![
                (0, 0, Data::Float(1.5)),
                (1, 2, Data::String("hello".into())),
                (2, 0, Data::Float(3.0)),
            ]
        );
        assert_eq!(s.merged, vec![Dimensions::new((4, 0), (5, 1))]);
        assert!(s.formula_no_value.is_empty());
    }

    #[test]
    fn xls_filepass_is_encrypted() {
        let bytes = xls_bytes(
            &[rec(0x002F, &[1, 0, 1, 0, 1, 0])],
            &[("S", number(0, 0, 1.0))],
        );
        assert_eq!(
            read_workbook(&bytes, &Limits::default()),
            Err(ReadError::Encrypted)
        );
        // XOR obfuscation (type 0) is password protection too
        let bytes = xls_bytes(
            &[rec(0x002F, &[0, 0, 1, 2, 3, 4])],
            &[("S", number(0, 0, 1.0))],
        );
        assert_eq!(
            read_workbook(&bytes, &Limits::default()),
            Err(ReadError::Encrypted)
        );
    }

    #[test]
    fn xls_far_apart_cells_hit_area_limit() {
        let mut recs = number(0, 0, 1.0);
        recs.extend(number(65_535, 65_535, 2.0));
        let bytes = xls_bytes(&[], &[("S", recs)]);
        assert_limit(
            quick("xls far cells", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_cells"],
        );
    }

    #[test]
    fn xls_huge_dimensions_and_formula_are_neutralised() {
        // DIMENSIONS claiming 4e9 rows x 65535 cols (calamine would reserve
        // that many cells) and a formula of 8 000 "attr space" tokens
        // (quadratic string inserts in calamine's formula decompiler)
        let mut dims = Vec::new();
        dims.extend_from_slice(&0u32.to_le_bytes());
        dims.extend_from_slice(&u32::MAX.to_le_bytes());
        dims.extend_from_slice(&0u16.to_le_bytes());
        dims.extend_from_slice(&u16::MAX.to_le_bytes());
        dims.extend_from_slice(&0u16.to_le_bytes());
        let mut recs = rec(0x0200, &dims);
        let mut rgce = vec![0x1E, 1, 0];
        for _ in 0..8_000 {
            rgce.extend_from_slice(&[0x19, 0x40, 0x00, 0xFF]);
        }
        recs.extend(formula(0, 1, 1.0, &rgce[..rgce.len().min(65_000)]));
        recs.extend(number(0, 0, 5.0));
        let bytes = xls_bytes(&[], &[("S", recs)]);
        let wb = quick("xls dims+formula", 3, || {
            read_workbook(&bytes, &Limits::default()).unwrap()
        });
        assert_eq!(
            wb.sheets[0].cells,
            vec![(0, 0, Data::Float(5.0)), (0, 1, Data::Float(1.0))]
        );
    }

    #[test]
    fn xls_formula_string_result_without_string_record() {
        // a string-typed cached value whose STRING record is missing
        let mut d = Vec::new();
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&3u16.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0xFF, 0xFF]);
        d.extend_from_slice(&[0u8; 6]);
        d.extend_from_slice(&[3, 0, 0x1E, 1, 0]);
        let bytes = xls_bytes(&[], &[("S", rec(0x0006, &d))]);
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.sheets[0].formula_no_value, vec![(0, 3)]);
    }

    #[test]
    fn xls_sst_amplification_hits_text_budget() {
        // one 8 000-char shared string referenced by 20 000 cells
        let mut sst = Vec::new();
        sst.extend_from_slice(&1u32.to_le_bytes());
        sst.extend_from_slice(&1u32.to_le_bytes());
        sst.extend_from_slice(&8_000u16.to_le_bytes());
        sst.push(0);
        sst.extend(std::iter::repeat_n(b'x', 8_000));
        let mut recs = Vec::new();
        for r in 0..20_000u16 {
            let mut d = r.to_le_bytes().to_vec();
            d.extend_from_slice(&[0, 0, 0, 0]);
            d.extend_from_slice(&0u32.to_le_bytes());
            recs.extend(rec(0x00FD, &d));
        }
        let bytes = xls_bytes(&[rec(0x00FC, &sst)], &[("S", recs)]);
        let l = Limits {
            max_uncompressed_bytes: 100 * MIB,
            ..Limits::default()
        };
        assert_limit(
            quick("xls sst", 3, || read_workbook(&bytes, &l)),
            &["max_uncompressed_bytes"],
        );
        // and with a generous budget it reads
        let l = Limits {
            max_uncompressed_bytes: 1024 * MIB,
            ..Limits::default()
        };
        let wb = read_workbook(&bytes, &l).unwrap();
        assert_eq!(wb.sheets[0].cells.len(), 20_000);
    }

    fn book(vers: u16, cp: u16, label_payload: &[u8], name_payload: &[u8]) -> Vec<u8> {
        let bof = |dt: u16| {
            let mut d = vec![0u8; 16];
            d[0..2].copy_from_slice(&vers.to_le_bytes());
            d[2..4].copy_from_slice(&dt.to_le_bytes());
            rec(0x0809, &d)
        };
        let mut head = bof(5);
        head.extend(rec(0x0042, &cp.to_le_bytes()));
        let bound = |pos: u32| {
            let mut d = pos.to_le_bytes().to_vec();
            d.extend_from_slice(&[0, 0]);
            d.extend_from_slice(name_payload);
            rec(0x0085, &d)
        };
        let pos = (head.len() + bound(0).len() + 4) as u32;
        head.extend(bound(pos));
        head.extend(rec(0x000A, &[]));
        head.extend(bof(0x10));
        let mut d = vec![0, 0, 0, 0, 0, 0];
        d.extend_from_slice(label_payload);
        head.extend(rec(0x0204, &d));
        head.extend(rec(0x000A, &[]));
        head.resize(4096, 0);
        build_cfb(&[("Workbook", &head)]).unwrap()
    }
    fn label_of(b: &[u8]) -> (String, Data) {
        let wb = read_workbook(b, &Limits::default()).unwrap();
        let s = &wb.sheets[0];
        (s.name.clone(), s.cells[0].2.clone())
    }

    #[test]
    fn chinese_code_page_936() {
        let text = |s: &str| Data::String(s.into());
        // BIFF8 + CODEPAGE 936: compressed and UTF-16 strings
        let b = book(0x0600, 936, &[3, 0, 0, b'a', b'b', b'c'], &[1, 0, b'S']);
        assert_eq!(label_of(&b), ("S".into(), text("abc")));
        let b = book(
            0x0600,
            936,
            &[2, 0, 1, 0x2D, 0x4E, 0x87, 0x65],
            &[1, 0, b'S'],
        );
        assert_eq!(label_of(&b), ("S".into(), text("中文")));
        // BIFF5 + CODEPAGE 936: GBK bytes, decoded by calamine
        let b = book(
            0x0500,
            936,
            &[4, 0, 0xD6, 0xD0, 0xCE, 0xC4],
            &[2, 0xD6, 0xD0],
        );
        assert_eq!(label_of(&b), ("中".into(), text("中文")));
    }
}
