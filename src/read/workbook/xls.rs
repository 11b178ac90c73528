//! `.xls` (BIFF5/BIFF8): the workbook stream is taken out of its OLE container with the `cfb`
//! crate (a container only that crate opens is read all the same; one only calamine's own
//! reader opens, such as a root stream not in whole mini sectors, is read as it is, without
//! what follows), decrypted where Excel's default
//! password opens it ([`super::decrypt`]), compacted ([`compact`]) and handed to calamine in a
//! clean container of its own, with the summary information (for the modification time).
//!
//! calamine reads each sheet into a dense `Range` spanning its cells — a 4-cell sheet with
//! values in two far corners would take half a gigabyte. So before calamine sees the stream,
//! every cell record's row and column are renumbered to their rank among the rows and columns
//! the sheet uses, and its `DIMENSIONS` set to match: the grid calamine allocates then has as
//! many rows and columns as the sheet has non-empty ones, and the positions are mapped back
//! afterwards. Merged ranges are not renumbered (calamine returns them as stored).
//!
//! BIFF8 text is read as the Unicode it is, whatever code page the file names; a BIFF5 code
//! page calamine has no decoder for (Mac Central Europe, 0x8001 …) is read as Windows 1252.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use calamine::{Range, Reader, Xls, XlsError, XlsOptions};

use super::collect::{Budget, data_text_len, finish_sheet, new_sheet, sheet_list};
use super::decrypt::{records, xls_stream};
use super::{CFB_MAGIC, Format, Limits, ReadError, WorkbookData, corrupt, guard};

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const CODEPAGE: u16 = 0x0042;
const DIMENSIONS: u16 = 0x0200;
/// Cell records calamine reads a value from, with the row and column in their first four
/// bytes (blank cells, BLANK and MULBLANK, give no value: they are left as they are, so that a
/// run of blanks over every column cannot widen the grid).
const CELLS: [u16; 7] = [0x0006, 0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x00D6];
/// MULRK: a row, a first column, six bytes a column, and the last column in the last two.
const MULRK: u16 = 0x00BD;
const SUMMARY: &str = "\u{5}SummaryInformation";
/// A stream this long is kept out of a container's mini stream.
const MINI_CUTOFF: usize = 4096;

/// An OLE container: a workbook, an encrypted OOXML package, or no spreadsheet (a `.doc`). A
/// container too damaged to list is taken for a workbook, to be reported corrupt by [`read`].
pub(super) fn sniff_ole(bytes: &[u8]) -> Result<Format, ReadError> {
    let Ok(cfb) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Ok(Format::Xls);
    };
    if cfb.is_stream("EncryptionInfo") || cfb.is_stream("EncryptedPackage") {
        Ok(Format::Xlsx)
    } else if cfb.is_stream("Workbook") || cfb.is_stream("Book") {
        Ok(Format::Xls)
    } else {
        Err(ReadError::NotSpreadsheet)
    }
}

/// A bare BIFF stream: BIFF5/8 is read as an `.xls`, BIFF2–4 (Excel 2.x–4.0, written without
/// a container) is [`ReadError::OldExcel`]; anything else is no spreadsheet.
pub(super) fn sniff_biff(bytes: &[u8]) -> Result<Format, ReadError> {
    let word = |i: usize| {
        bytes
            .get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let (Some(typ), Some(len), Some(kind)) = (word(0), word(2), word(6)) else {
        return Err(ReadError::NotSpreadsheet);
    };
    let known_kind = matches!(kind, 0x0005 | 0x0010 | 0x0020 | 0x0040 | 0x0100);
    match typ {
        0x0009 | 0x0209 | 0x0409 if (4..=16).contains(&len) && known_kind => {
            Err(ReadError::OldExcel)
        }
        BOF if (8..=20).contains(&len) && known_kind => Ok(Format::Xls),
        _ => Err(ReadError::NotSpreadsheet),
    }
}

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    let (mut stream, summary) = if bytes.starts_with(&CFB_MAGIC) {
        match streams(bytes) {
            Ok(streams) => streams,
            // a container the cfb crate refuses (a root stream not in whole mini sectors …)
            // may still be one calamine reads as it is; if not, the cfb crate's words stand
            Err(refused) => {
                let as_is = XlsOptions::default();
                return guard(|| read_calamine(bytes.to_vec(), &[], as_is, limits))
                    .map_err(|_| refused);
            }
        }
    } else {
        (bytes.to_vec(), None)
    };
    if sniff_biff(&stream) == Err(ReadError::OldExcel) {
        return Err(ReadError::OldExcel);
    }
    xls_stream(&mut stream)?;
    let grids = compact(&mut stream);
    let mut options = XlsOptions::default();
    options.force_codepage = forced_codepage(&stream);
    read_calamine(container(stream, summary)?, &grids, options, limits)
}

/// calamine's reading of an OLE container, positions mapped back through `grids` (one per
/// BoundSheet; none where the stream was not compacted).
fn read_calamine(
    file: Vec<u8>,
    grids: &[Grid],
    options: XlsOptions,
    limits: &Limits,
) -> Result<WorkbookData, ReadError> {
    let mut wb = Xls::new_with_options(Cursor::new(file), options).map_err(xls_err)?;
    let modified = wb.workbook_properties().ok().and_then(|p| p.modified);
    let metas = wb.sheets_metadata().to_vec();
    // calamine keeps sheets by name: the last BoundSheet of a name is the one it reads
    let grid_of: HashMap<&str, &Grid> = metas.iter().map(|m| m.name.as_str()).zip(grids).collect();
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::new();
    for (name, visible) in sheet_list(&metas, limits)? {
        let mut sd = new_sheet(name, visible);
        let grid = grid_of.get(sd.name.as_str()).copied();
        let values = wb.worksheet_range(&sd.name).map_err(xls_err)?;
        for (r, c, v) in used(&values, grid) {
            if limits.in_bounds(r, c) {
                budget.cell(data_text_len(v))?;
                sd.cells.push((r, c, v.clone()));
            }
        }
        let formulas = wb.worksheet_formula(&sd.name).map_err(xls_err)?;
        for (r, c, _) in used(&formulas, grid) {
            if limits.in_bounds(r, c) {
                budget.slots(1)?;
                sd.formula_no_value.push((r, c));
            }
        }
        sd.merged = wb.merge_cells_by_sheet_name(&sd.name).map_err(xls_err)?;
        budget.slots(sd.merged.len() as u64)?;
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

/// The workbook stream and the summary information of an OLE container.
fn streams(bytes: &[u8]) -> Result<(Vec<u8>, Option<Vec<u8>>), ReadError> {
    let workbook = ole_streams(bytes, &["Workbook"])
        .or_else(|e| ole_streams(bytes, &["Book"]).map_err(|_| e))
        .map_err(|e| corrupt(format_args!("xls: container: {e}")))?;
    let summary = ole_streams(bytes, &[SUMMARY]).ok();
    Ok((workbook.concat(), summary.map(|s| s.concat())))
}

/// A clean container holding the workbook stream (long enough to stay out of the mini
/// stream) and the summary information.
fn container(mut stream: Vec<u8>, summary: Option<Vec<u8>>) -> Result<Vec<u8>, ReadError> {
    if stream.len() < MINI_CUTOFF {
        // zero bytes after the last record read as no records
        stream.resize(MINI_CUTOFF, 0);
    }
    let mut streams = vec![("Workbook", stream)];
    streams.extend(summary.map(|s| (SUMMARY, s)));
    clean_container(&streams).map_err(|e| corrupt(format_args!("xls: container: {e}")))
}

/// An OLE container (version 3, 512-byte sectors, as calamine reads them) holding `streams`.
pub(super) fn clean_container(streams: &[(&str, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    let mut cfb =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
    for (name, data) in streams {
        cfb.create_stream(name)?.write_all(data)?;
    }
    cfb.flush()?;
    Ok(cfb.into_inner().into_inner())
}

/// The named streams of an OLE container, read with the `cfb` crate.
pub(super) fn ole_streams(bytes: &[u8], names: &[&str]) -> std::io::Result<Vec<Vec<u8>>> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes))?;
    names
        .iter()
        .map(|name| {
            let mut out = Vec::new();
            cfb.open_stream(name)?.read_to_end(&mut out)?;
            Ok(out)
        })
        .collect()
}

/// The code page calamine is to decode with instead of the CODEPAGE record's: UTF-16 for
/// BIFF8, whose strings are Unicode whatever the record says (a BIFF8 file saying 936 has
/// its 8-bit strings in Latin-1, not GBK); Windows 1252 for a BIFF5 code page calamine has no
/// decoder for.
fn forced_codepage(stream: &[u8]) -> Option<u16> {
    let word = |at: usize| {
        stream
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    if word(4) == Some(0x0600) {
        return Some(1200);
    }
    let (at, _, _) = records(stream)
        .take_while(|&(_, typ, _)| typ != EOF)
        .find(|&(_, typ, len)| typ == CODEPAGE && len >= 2)?;
    let cp = word(at + 4)?;
    codepage::to_encoding(cp).is_none().then_some(1252)
}

/// The rows and columns a sheet uses, in order: compact position `i` stands for `rows[i]`.
#[derive(Debug, Default, PartialEq)]
struct Grid {
    rows: Vec<u16>,
    cols: Vec<u16>,
}

/// The non-empty cells of a compacted range at their original positions.
fn used<'a, T: calamine::CellType + PartialEq>(
    range: &'a Range<T>,
    grid: Option<&'a Grid>,
) -> impl Iterator<Item = (u32, u32, &'a T)> + 'a {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .used_cells()
        .filter(|(_, _, v)| **v != T::default())
        .filter_map(move |(r, c, v)| {
            let (r, c) = (r0 as usize + r, c0 as usize + c);
            match grid {
                Some(g) => Some((u32::from(*g.rows.get(r)?), u32::from(*g.cols.get(c)?), v)),
                None => Some((u32::try_from(r).ok()?, u32::try_from(c).ok()?, v)),
            }
        })
}

/// Renumbers the cells of every sheet (see the module header); the grids in BoundSheet order.
fn compact(stream: &mut [u8]) -> Vec<Grid> {
    let starts: Vec<usize> = records(stream)
        .take_while(|&(_, typ, _)| typ != EOF)
        .filter(|&(_, typ, len)| typ == BOUNDSHEET && len >= 4)
        .map(|(at, _, _)| {
            u32::from_le_bytes(stream[at + 4..at + 8].try_into().unwrap_or_default()) as usize
        })
        .collect();
    starts
        .into_iter()
        .map(|start| {
            let Some(sheet) = stream.get_mut(start..) else {
                return Grid::default();
            };
            let grid = sheet_grid(sheet);
            renumber(sheet, &grid);
            grid
        })
        .collect()
}

/// The cell records of the sheet substream at the start of `sheet` (its own, not those of a
/// chart embedded in it): (offset, type, length).
fn sheet_records(sheet: &[u8]) -> Vec<(usize, u16, usize)> {
    let mut depth = 0usize;
    let mut out = Vec::new();
    for (at, typ, len) in records(sheet) {
        match typ {
            BOF => depth += 1,
            EOF if depth <= 1 => break,
            EOF => depth -= 1,
            _ if depth == 1 => out.push((at, typ, len)),
            _ => {}
        }
    }
    out
}

/// The row, first and last column of a cell record, where it is well formed.
fn position(sheet: &[u8], (at, typ, len): (usize, u16, usize)) -> Option<(u16, u16, u16)> {
    let word = |i: usize| u16::from_le_bytes([sheet[at + 4 + i], sheet[at + 5 + i]]);
    if CELLS.contains(&typ) && len >= 4 {
        Some((word(0), word(2), word(2)))
    } else if typ == MULRK
        && len >= 6
        && word(len - 2) >= word(2)
        && len == 6 + 6 * (usize::from(word(len - 2)) - usize::from(word(2)) + 1)
    {
        Some((word(0), word(2), word(len - 2)))
    } else {
        None
    }
}

fn sheet_grid(sheet: &[u8]) -> Grid {
    let (mut rows, mut cols) = (Vec::new(), Vec::new());
    for rec in sheet_records(sheet) {
        if let Some((row, first, last)) = position(sheet, rec) {
            rows.push(row);
            cols.extend(first..=last);
        }
    }
    for v in [&mut rows, &mut cols] {
        v.sort_unstable();
        v.dedup();
    }
    Grid { rows, cols }
}

fn renumber(sheet: &mut [u8], grid: &Grid) {
    let rank = |v: &[u16], x: u16| v.binary_search(&x).map_or(x, |i| i as u16);
    for rec in sheet_records(sheet) {
        let (at, typ, len) = rec;
        let data = at + 4;
        if let Some((row, first, last)) = position(sheet, rec) {
            let (row, first) = (rank(&grid.rows, row), rank(&grid.cols, first));
            sheet[data..data + 2].copy_from_slice(&row.to_le_bytes());
            sheet[data + 2..data + 4].copy_from_slice(&first.to_le_bytes());
            if typ == MULRK {
                let last = rank(&grid.cols, last);
                sheet[data + len - 2..data + len].copy_from_slice(&last.to_le_bytes());
            }
        } else if typ == DIMENSIONS {
            // BIFF8: first row, row after the last (u32 each), first column, column after the
            // last (u16 each); BIFF5: the same in u16
            let (r, c) = (grid.rows.len() as u32, grid.cols.len() as u16);
            let fields: Vec<u8> = if len >= 14 {
                [0u32.to_le_bytes(), r.to_le_bytes()]
                    .concat()
                    .into_iter()
                    .chain([0, 0])
                    .chain(c.to_le_bytes())
                    .collect()
            } else if len >= 8 {
                [
                    0u16.to_le_bytes(),
                    (r as u16).to_le_bytes(),
                    0u16.to_le_bytes(),
                    c.to_le_bytes(),
                ]
                .concat()
            } else {
                continue;
            };
            sheet[data..data + fields.len()].copy_from_slice(&fields);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::test_support::*;

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
        build_cfb(&[("Workbook", &head)])
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

    /// A sparse sheet: values in two far corners are two cells, read without the rectangle
    /// they span (65,536 × 256) ever being allocated, and at their own positions.
    #[test]
    fn far_apart_cells_are_two_cells() {
        let mut recs = number(0, 0, 1.0);
        recs.extend(number(65_535, 255, 2.0));
        recs.extend(label(300, 7, "mid"));
        let bytes = xls_bytes(&[], &[("S", recs)]);
        let wb = quick("xls far cells", 2, || {
            read_workbook(&bytes, &Limits::default()).unwrap()
        });
        assert_eq!(
            wb.sheets[0].cells,
            vec![
                (0, 0, Data::Float(1.0)),
                (300, 7, Data::String("mid".into())),
                (65_535, 255, Data::Float(2.0)),
            ]
        );
    }

    /// Renumbering keeps a MULRK's run of columns a run, and leaves merged ranges as stored.
    #[test]
    fn compaction_keeps_runs_and_merges() {
        let mut mulrk = vec![5, 0, 10, 0];
        for _ in 0..3 {
            mulrk.extend([0, 0]);
            mulrk.extend(((7u32 << 2) | 2).to_le_bytes()); // RK: integer 7
        }
        mulrk.extend(12u16.to_le_bytes());
        let mut recs = rec(0x00BD, &mulrk);
        recs.extend(number(9_000, 200, 3.0));
        recs.extend(rec(0x00E5, &[1, 0, 4, 0, 5, 0, 0, 0, 1, 0]));
        let wb = read_workbook(&xls_bytes(&[], &[("S", recs)]), &Limits::default()).unwrap();
        let s = &wb.sheets[0];
        let at: Vec<(u32, u32)> = s.cells.iter().map(|c| (c.0, c.1)).collect();
        assert_eq!(at, vec![(5, 10), (5, 11), (5, 12), (9_000, 200)]);
        assert_eq!(s.merged, vec![Dimensions::new((4, 0), (5, 1))]);
    }

    /// Regression (fuzzer, this session): a MULBLANK over every column (blanks calamine
    /// does not read) widened the renumbered grid to 65,536 columns, and calamine reserved
    /// rows × 65,536 cells from the DIMENSIONS made to match — 640 MB for a 39 KB file. Blank
    /// records and a MULRK whose length does not match its columns no longer count.
    #[test]
    fn blanks_and_broken_runs_do_not_widen_the_grid() {
        let mut mulblank = vec![1, 0, 0, 0];
        mulblank.extend(std::iter::repeat_n([0u8, 0], 65_536).flatten());
        mulblank.extend(0xFFFFu16.to_le_bytes());
        let mut broken_mulrk = vec![2, 0, 0, 0];
        broken_mulrk.extend(0xFFFFu16.to_le_bytes());
        let mut recs = number(0, 3, 1.0);
        recs.extend(rec(0x00BE, &mulblank[..mulblank.len().min(8_000)]));
        recs.extend(rec(0x00BD, &broken_mulrk));
        recs.extend(number(5, 7, 2.0));
        let mut stream = xls_stream_of(&[], &[("S", recs)]);
        let grids = compact(&mut stream);
        assert_eq!(
            grids[0],
            Grid {
                rows: vec![0, 5],
                cols: vec![3, 7]
            }
        );
    }

    /// A code page calamine cannot decode (0x8001) is read as Windows 1252.
    #[test]
    fn unknown_code_page_reads_as_1252() {
        let b = book(0x0500, 0x8001, &[3, 0, b'a', 0xE9, b'c'], &[1, b'S']);
        assert_eq!(label_of(&b), ("S".into(), Data::String("aéc".into())));
    }
}
