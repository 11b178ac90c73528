//! The BIFF record stream of an `.xls`, scanned the way calamine will read it: FILEPASS
//! (encryption), sheet substreams, shared strings, cell counts, grid areas and text sizes are
//! checked against the limits, and the records that would make calamine do unbounded work
//! (`DIMENSIONS` pre-allocation, formula token lists) are patched to harmless values.

use super::{Limits, ReadError, corrupt, limit, u16le, u32le};

/// A record type calamine passes over (INTERFACEHDR), written over records it must not parse.
const IGNORED_RECORD: u16 = 0x00E1;

/// Upper bound on CONTINUE records merged into one record (calamine removes
/// them from the front of a Vec one by one: quadratic).
const XLS_MAX_CONTINUES: usize = 10_000;

struct BiffRec {
    typ: u16,
    off: usize,
    len: usize,
    conts: Vec<(usize, usize)>,
}

/// One record the way calamine's RecordIter sees it.
fn biff_next(s: &[u8], pos: &mut usize) -> Result<Option<BiffRec>, ReadError> {
    let rem = s.len().saturating_sub(*pos);
    if rem == 0 {
        return Ok(None);
    }
    let truncated = || corrupt("xls: truncated record");
    let typ = u16le(s, *pos).ok_or_else(truncated)?;
    let len = u16le(s, *pos + 2).ok_or_else(truncated)? as usize;
    if rem < len + 4 {
        return Err(truncated());
    }
    let off = *pos + 4;
    *pos += 4 + len;
    let mut conts = Vec::new();
    while s.len() - *pos > 4 && u16le(s, *pos) == Some(0x003C) {
        let l = u16le(s, *pos + 2).ok_or_else(truncated)? as usize;
        if s.len() - *pos < l + 4 {
            return Err(truncated());
        }
        conts.push((*pos + 4, l));
        if conts.len() > XLS_MAX_CONTINUES {
            return Err(corrupt("xls: too many CONTINUE records"));
        }
        *pos += 4 + l;
    }
    Ok(Some(BiffRec {
        typ,
        off,
        len,
        conts,
    }))
}

/// Upper bounds (UTF-8 bytes) of the SST strings, mirroring calamine's
/// byte consumption so that indexes line up.
fn sst_bounds(
    s: &[u8],
    rec: &BiffRec,
    per_char: u64,
    limits: &Limits,
) -> Result<Vec<u64>, ReadError> {
    let mut out = Vec::new();
    if rec.len < 8 {
        return Ok(out);
    }
    let mut cur: &[u8] = &s[rec.off + 8..rec.off + rec.len];
    let mut conts = rec.conts.iter().map(|&(o, l)| &s[o..o + l]);
    let max = limits.max_cells as u64;
    loop {
        if cur.is_empty() {
            match conts.next() {
                Some(c) => cur = c,
                None => break,
            }
        }
        if cur.is_empty() {
            out.push(0);
        } else {
            if cur.len() < 3 {
                break;
            }
            let cch = u16le(cur, 0).unwrap_or(0) as usize;
            let flags = cur[2];
            cur = &cur[3..];
            let mut high = flags & 1 != 0;
            let mut c_run = 0usize;
            let mut cb_ext = 0usize;
            if flags & 8 != 0 {
                let Some(v) = u16le(cur, 0) else { break };
                c_run = v as usize;
                cur = &cur[2..];
            }
            if flags & 4 != 0 {
                let Some(v) = u32le(cur, 0) else { break };
                cb_ext = v as i32 as usize;
                cur = &cur[4..];
            }
            let mut left = cch;
            let mut ok = true;
            let mut bound = 0u64;
            while left > 0 {
                let l = if high {
                    (cur.len() / 2).min(left)
                } else {
                    cur.len().min(left)
                };
                let used = if high { 2 * l } else { l };
                bound = bound.saturating_add(utf8_bound(&cur[..used], high, per_char));
                cur = &cur[used..];
                left -= l;
                if left > 0 {
                    match conts.next() {
                        Some(c) if !c.is_empty() => {
                            high = c[0] & 1 != 0;
                            cur = &c[1..];
                        }
                        _ => {
                            ok = false;
                            break;
                        }
                    }
                }
            }
            if !ok {
                break;
            }
            out.push(bound);
            let mut skip = c_run.saturating_mul(4).saturating_add(cb_ext);
            while skip > 0 {
                if cur.is_empty() {
                    match conts.next() {
                        Some(c) => cur = c,
                        None => break,
                    }
                }
                let l = skip.min(cur.len());
                cur = &cur[l..];
                skip -= l;
            }
            if skip > 0 {
                break;
            }
        }
        if out.len() as u64 > max {
            return Err(limit("max_cells", out.len() as u64, max));
        }
    }
    Ok(out)
}

/// Upper bound of the UTF-8 size of BIFF8 characters: exact-ish for
/// UTF-16 (code page 1200), `per_char` per character otherwise.
fn utf8_bound(chars: &[u8], high: bool, per_char: u64) -> u64 {
    if per_char != 3 {
        let n = if high { chars.len() / 2 } else { chars.len() };
        return n as u64 * per_char;
    }
    if high {
        chars
            .chunks_exact(2)
            .map(|u| match u16::from_le_bytes([u[0], u[1]]) {
                0..=0x7F => 1,
                0x80..=0x7FF => 2,
                _ => 3,
            })
            .sum()
    } else {
        chars.iter().map(|&b| if b < 0x80 { 1 } else { 2 }).sum()
    }
}

/// Upper bound of UTF-8 bytes per stored character: UTF-16 (code page
/// 1200, calamine's default) yields at most 3; calamine widens 8-bit BIFF8
/// characters to two bytes before decoding them with other code pages,
/// which can yield two characters of up to 3 bytes each.
fn text_per_char(codepage: u16) -> u64 {
    if codepage == 1200 { 3 } else { 6 }
}

pub(super) struct BiffScan {
    pub(super) stream: Vec<u8>,
    /// per BoundSheet record: formula positions
    pub(super) formulas: Vec<Vec<(u32, u32)>>,
}

#[derive(Default)]
struct BBox {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl BBox {
    fn add(&mut self, r: u32, c: u32) {
        self.rows = Some(self.rows.map_or((r, r), |(a, b)| (a.min(r), b.max(r))));
        self.cols = Some(self.cols.map_or((c, c), |(a, b)| (a.min(c), b.max(c))));
    }
    fn area(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => {
                (u64::from(r1 - r0) + 1).saturating_mul(u64::from(c1 - c0) + 1)
            }
            _ => 0,
        }
    }
}

#[derive(Default)]
struct ViewTotals {
    cells: u64,
    area: u64,
    text: u64,
}

/// Checks the BIFF stream against the limits and neutralises what would
/// make calamine do unbounded work, returning the stream calamine will see.
pub(super) fn prepare_biff(mut stream: Vec<u8>, limits: &Limits) -> Result<BiffScan, ReadError> {
    let mut sheet_pos = Vec::new();
    let mut sst = Vec::new();
    let mut pos = 0;
    let mut per_char = text_per_char(1200);
    let mut biff8: Option<bool> = None;
    let mut codepage_fix = Vec::new();
    let mut ignore = Vec::new();
    while let Some(rec) = biff_next(&stream, &mut pos)? {
        match rec.typ {
            0x002F => return Err(ReadError::Encrypted), // FILEPASS
            0x0809 => {
                let version = u16le(&stream, rec.off).unwrap_or(0);
                let dt = u16le(&stream, rec.off + 2)
                    .filter(|_| rec.len >= 4)
                    .unwrap_or(0);
                let old = matches!(version, 0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500)
                    || (version == 0 && dt == 0x1000);
                biff8.get_or_insert(!old);
            }
            0x0042 => {
                if let Some(cp) = u16le(&stream, rec.off).filter(|_| rec.len >= 2) {
                    // BIFF8 strings are UTF-16 (or its compressed form)
                    // whatever CODEPAGE says, but calamine 0.38 decodes them
                    // with the CODEPAGE encoding: "abc" becomes "a\0b\0c\0"
                    // and Chinese text garbage when it is 936.  Say 1200.
                    if biff8 == Some(true) && cp != 1200 {
                        codepage_fix.push(rec.off);
                    } else {
                        per_char = text_per_char(cp);
                    }
                }
            }
            0x0085 => {
                if let Some(p) = u32le(&stream, rec.off).filter(|_| rec.len >= 4) {
                    sheet_pos.push(p as usize);
                }
            }
            0x00FC => sst = sst_bounds(&stream, &rec, per_char, limits)?,
            // LBL (a defined name): calamine 0.38 slices its formula with `len - cce` unchecked
            // and parses the name's tokens; zwxx uses no names from an .xls, so they go
            0x0018 => ignore.push(rec.off - 4),
            0x000A => break,
            _ => {}
        }
    }
    for at in codepage_fix {
        stream[at..at + 2].copy_from_slice(&1200u16.to_le_bytes());
    }
    for at in ignore {
        stream[at..at + 2].copy_from_slice(&IGNORED_RECORD.to_le_bytes());
    }
    // calamine 0.38 slices the stream at each sheet's position unchecked
    if sheet_pos.iter().any(|&p| p > stream.len()) {
        return Err(corrupt(
            "xls: a sheet starts past the end of the workbook stream",
        ));
    }
    if sheet_pos.len() > limits.max_zip_entries {
        return Err(limit(
            "max_zip_entries",
            sheet_pos.len() as u64,
            limits.max_zip_entries as u64,
        ));
    }
    // first pass finds what to patch, second pass (on the patched stream)
    // must find nothing left, otherwise sheet substreams overlap in a way
    // that makes patches interfere
    let mut patches = Vec::new();
    for &p in &sheet_pos {
        walk_sheet(&stream, p, &sst, per_char, &mut patches)?;
    }
    for (at, bytes) in &patches {
        stream[*at..*at + bytes.len()].copy_from_slice(bytes);
    }
    let mut totals = ViewTotals::default();
    let mut formulas = Vec::with_capacity(sheet_pos.len());
    for &p in &sheet_pos {
        let mut left = Vec::new();
        let (view, f) = walk_sheet(&stream, p, &sst, per_char, &mut left)?;
        if !left.is_empty() {
            return Err(corrupt("xls: overlapping sheet substreams"));
        }
        totals.cells = totals.cells.saturating_add(view.cells);
        totals.area = totals.area.saturating_add(view.area);
        totals.text = totals.text.saturating_add(view.text);
        formulas.push(f);
    }
    let max = limits.max_cells as u64;
    for value in [totals.cells, totals.area] {
        if value > max {
            return Err(limit("max_cells", value, max));
        }
    }
    // calamine's grid, its clone in worksheet_range and our copy
    let text = totals.text.saturating_mul(3);
    if text > limits.max_uncompressed_bytes {
        return Err(limit(
            "max_uncompressed_bytes",
            text,
            limits.max_uncompressed_bytes,
        ));
    }
    Ok(BiffScan { stream, formulas })
}

/// Walks one sheet substream as calamine will, totalling cells, grid area
/// and text, listing formula positions and the patches calamine needs.
fn walk_sheet(
    s: &[u8],
    start: usize,
    sst: &[u64],
    per_char: u64,
    patches: &mut Vec<(usize, Vec<u8>)>,
) -> Result<(ViewTotals, Vec<(u32, u32)>), ReadError> {
    let mut totals = ViewTotals::default();
    let mut formulas = Vec::new();
    if start > s.len() {
        // calamine panics slicing the stream; nothing gets allocated
        return Ok((totals, formulas));
    }
    let mut values = BBox::default();
    let mut fbox = BBox::default();
    let mut pos = start;
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut fmla_pos = (0u32, 0u32);
    while let Some(rec) = biff_next(s, &mut pos)? {
        let d = &s[rec.off..rec.off + rec.len];
        if depth > 0 {
            match rec.typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let rc = || Some((u32::from(u16le(d, 0)?), u32::from(u16le(d, 2)?)));
        let mut cell = |r: u32, c: u32, text: u64| {
            values.add(r, c);
            totals.cells += 1;
            totals.text = totals.text.saturating_add(text);
        };
        match rec.typ {
            0x0809 => {
                if seen_bof {
                    depth += 1;
                } else {
                    seen_bof = true;
                }
            }
            0x000A => break,
            // DIMENSIONS: calamine reserves rows*cols cells from it
            0x0200 if matches!(rec.len, 10 | 14 | 16) && d.iter().any(|&b| b != 0) => {
                patches.push((rec.off, vec![0; rec.len]));
            }
            0x0203 | 0x0205 | 0x027E => {
                if let Some((r, c)) = rc() {
                    cell(r, c, 0);
                }
            }
            0x0204 | 0x00D6 => {
                if let Some((r, c)) = rc() {
                    cell(r, c, rec.len as u64 * per_char);
                }
            }
            0x0207 => cell(fmla_pos.0, fmla_pos.1, rec.len as u64 * per_char),
            0x00FD => {
                if let (Some((r, c)), Some(i)) = (rc(), u32le(d, 6))
                    && let Some(&text) = sst.get(i as usize)
                {
                    cell(r, c, text);
                }
            }
            0x00BD => {
                if let (Some((r, c0)), Some(c1)) = (rc(), u16le(d, rec.len.saturating_sub(2))) {
                    // calamine computes `last - first + 1` in u16: a MULRK whose last column
                    // comes before its first panics where overflow is checked, and is an error
                    // (or, one column back, an empty record) where it wraps
                    if u32::from(c1) < c0 {
                        return Err(corrupt("xls: a MULRK record ends before it starts"));
                    }
                    let n = (rec.len.saturating_sub(6) / 6) as u32;
                    let expected = 6 + 6 * (c1.wrapping_sub(c0 as u16).wrapping_add(1) as usize);
                    if n > 0 && rec.len == expected {
                        values.add(r, c0);
                        values.add(r, c0 + n - 1);
                        totals.cells += u64::from(n);
                    }
                }
            }
            0x0006 => {
                if let Some((r, c)) = rc().filter(|_| rec.len >= 20) {
                    fmla_pos = (r, c);
                    cell(r, c, 0);
                    fbox.add(r, c);
                    totals.cells += 1;
                    formulas.push((r, c));
                    // calamine decompiles every formula's token list, with
                    // quadratic string edits; a one-token "missing argument"
                    // list decompiles to "" (we never output formula text)
                    if rec.len >= 22 {
                        let cce = u16le(d, 20).unwrap_or(0);
                        let neutral = cce == 0 || (cce == 1 && d.get(22) == Some(&0x16));
                        if !neutral {
                            if rec.len >= 23 {
                                patches.push((rec.off + 20, vec![1, 0, 0x16]));
                            } else {
                                patches.push((rec.off + 20, vec![0, 0]));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    totals.area = values.area().saturating_add(fbox.area());
    Ok((totals, formulas))
}
