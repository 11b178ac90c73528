//! The OLE compound file (CFB) container of `.xls`. Read side: validating and bounded — every
//! sector chain is checked for loops and out-of-range ids, stream sizes against the file size.
//! Write side: [`build_cfb`], the minimal clean container the `.xls` reader hands to calamine
//! instead of the untrusted original.

use super::{CFB_MAGIC, ReadError, corrupt, u16le, u32le, u64le};

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;
const FATSECT: u32 = 0xFFFF_FFFD;
const NOSTREAM: u32 = 0xFFFF_FFFF;
const FIRST_SPECIAL: u32 = 0xFFFF_FFFA;

pub(super) struct CfbDir {
    name: String,
    typ: u8,
    start: u32,
    size: u64,
}

pub(super) struct CfbFile<'a> {
    data: &'a [u8],
    ssz: usize,
    nsec: usize,
    fat_secs: Vec<u32>,
    dirs: Vec<CfbDir>,
    minifat_start: u32,
}

impl<'a> CfbFile<'a> {
    pub(super) fn parse(data: &'a [u8]) -> Result<Self, ReadError> {
        if data.len() < 512 || !data.starts_with(&CFB_MAGIC) {
            return Err(corrupt("cfb: bad header"));
        }
        let ssz = match u16le(data, 30) {
            Some(9) => 512,
            Some(12) => 4096,
            s => return Err(corrupt(format_args!("cfb: sector shift {s:?}"))),
        };
        if data.len() < ssz {
            return Err(corrupt("cfb: truncated header"));
        }
        let nsec = (data.len() - ssz).div_ceil(ssz);
        let per = ssz / 4;
        let mut fat_secs: Vec<u32> = (0..109)
            .filter_map(|i| u32le(data, 76 + 4 * i))
            .filter(|&id| id < FIRST_SPECIAL)
            .collect();
        let mut cfb = CfbFile {
            data,
            ssz,
            nsec,
            fat_secs: Vec::new(),
            dirs: Vec::new(),
            minifat_start: u32le(data, 60).unwrap_or(ENDOFCHAIN),
        };
        let mut next = u32le(data, 68).unwrap_or(ENDOFCHAIN);
        let mut steps = 0usize;
        while next < FIRST_SPECIAL {
            steps += 1;
            if steps > nsec {
                return Err(corrupt("cfb: DIFAT chain loops"));
            }
            let s = cfb.sector(next)?;
            if s.len() < ssz {
                return Err(corrupt("cfb: truncated DIFAT sector"));
            }
            fat_secs.extend(
                (0..per - 1)
                    .filter_map(|j| u32le(s, 4 * j))
                    .filter(|&id| id < FIRST_SPECIAL),
            );
            next = u32le(s, 4 * (per - 1)).unwrap_or(ENDOFCHAIN);
        }
        if fat_secs.len() > nsec {
            return Err(corrupt("cfb: more FAT sectors than sectors"));
        }
        cfb.fat_secs = fat_secs;
        let chain = cfb.chain(u32le(data, 48).unwrap_or(ENDOFCHAIN), u64::MAX)?;
        let mut dirs = Vec::new();
        for id in chain {
            for e in cfb.sector(id)?.chunks_exact(128) {
                dirs.push(parse_dir_entry(e, ssz));
            }
        }
        if dirs.is_empty() {
            return Err(corrupt("cfb: empty directory"));
        }
        cfb.dirs = dirs;
        Ok(cfb)
    }

    fn sector(&self, id: u32) -> Result<&'a [u8], ReadError> {
        let off = (id as usize)
            .checked_add(1)
            .and_then(|n| n.checked_mul(self.ssz))
            .filter(|&o| o < self.data.len())
            .ok_or_else(|| corrupt("cfb: sector beyond end of file"))?;
        Ok(&self.data[off..(off + self.ssz).min(self.data.len())])
    }

    fn next(&self, id: u32) -> Result<u32, ReadError> {
        let per = self.ssz / 4;
        let fat = *self
            .fat_secs
            .get(id as usize / per)
            .ok_or_else(|| corrupt("cfb: sector not covered by the FAT"))?;
        u32le(self.sector(fat)?, (id as usize % per) * 4)
            .ok_or_else(|| corrupt("cfb: truncated FAT sector"))
    }

    /// Sector ids of a chain, stopping once `need` bytes are covered.
    fn chain(&self, start: u32, need: u64) -> Result<Vec<u32>, ReadError> {
        let mut seen = vec![false; self.nsec];
        let mut out = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN {
            let i = id as usize;
            if i >= self.nsec {
                return Err(corrupt("cfb: sector id out of range"));
            }
            if seen[i] {
                return Err(corrupt("cfb: sector chain loops"));
            }
            seen[i] = true;
            out.push(id);
            if (out.len() as u64).saturating_mul(self.ssz as u64) >= need {
                break;
            }
            id = self.next(id)?;
        }
        Ok(out)
    }

    pub(super) fn is_encrypted(&self) -> bool {
        self.dirs.iter().any(|d| {
            d.name.eq_ignore_ascii_case("EncryptionInfo")
                || d.name.eq_ignore_ascii_case("EncryptedPackage")
        })
    }

    pub(super) fn find_stream(&self, names: &[&str]) -> Option<&CfbDir> {
        names.iter().find_map(|n| {
            self.dirs
                .iter()
                .find(|d| d.typ == 2 && d.name.eq_ignore_ascii_case(n))
        })
    }

    pub(super) fn read_stream(&self, d: &CfbDir) -> Result<Vec<u8>, ReadError> {
        if d.size > self.data.len() as u64 {
            return Err(corrupt("cfb: stream larger than the file"));
        }
        let size = d.size as usize;
        let mut out = Vec::with_capacity(size);
        if d.size < 4096 {
            let root = &self.dirs[0];
            if root.size > self.data.len() as u64 {
                return Err(corrupt("cfb: mini stream larger than the file"));
            }
            let root_chain = self.chain(root.start, root.size)?;
            let minifat = self.chain(self.minifat_start, u64::MAX)?;
            let per = self.ssz / 4;
            let count = root.size as usize / 64;
            let mut seen = vec![false; count];
            let mut id = d.start;
            while id != ENDOFCHAIN && out.len() < size {
                let i = id as usize;
                if i >= count || seen[i] {
                    return Err(corrupt("cfb: bad mini sector chain"));
                }
                seen[i] = true;
                let off = i * 64;
                let sec = self.sector(root_chain[off / self.ssz])?;
                let chunk = sec
                    .get(off % self.ssz..off % self.ssz + 64)
                    .ok_or_else(|| corrupt("cfb: truncated mini sector"))?;
                out.extend_from_slice(chunk);
                let fat = self.sector(
                    *minifat
                        .get(i / per)
                        .ok_or_else(|| corrupt("cfb: mini sector not in mini FAT"))?,
                )?;
                id = u32le(fat, (i % per) * 4).ok_or_else(|| corrupt("cfb: truncated mini FAT"))?;
            }
        } else {
            for id in self.chain(d.start, d.size)? {
                out.extend_from_slice(self.sector(id)?);
            }
        }
        out.truncate(size);
        Ok(out)
    }

    /// `PIDSI_LASTSAVE_DTM` of the summary information stream.
    pub(super) fn summary_modified(&self) -> Option<String> {
        const FMTID_SUMMARY: [u8; 16] = [
            0xE0, 0x85, 0x9F, 0xF2, 0xF9, 0x4F, 0x68, 0x10, 0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27,
            0xB3, 0xD9,
        ];
        let s = self
            .read_stream(self.find_stream(&["\u{5}SummaryInformation"])?)
            .ok()?;
        let sets = u32le(&s, 24)? as usize;
        for k in 0..sets.min(8) {
            let at = 28 + k * 20;
            if s.get(at..at + 16)? != FMTID_SUMMARY {
                continue;
            }
            let sec = u32le(&s, at + 16)? as usize;
            let count = u32le(&s, sec.checked_add(4)?)? as usize;
            for i in 0..count {
                let e = sec.checked_add(8 + i.checked_mul(8)?)?;
                if u32le(&s, e)? != 0x0D {
                    continue;
                }
                let v = sec.checked_add(u32le(&s, e + 4)? as usize)?;
                if u16le(&s, v)? != 0x0040 {
                    return None;
                }
                return filetime_iso8601(u64le(&s, v.checked_add(4)?)?);
            }
        }
        None
    }
}

fn parse_dir_entry(e: &[u8], ssz: usize) -> CfbDir {
    let units: Vec<u16> = (0..32)
        .filter_map(|i| u16le(e, 2 * i))
        .take_while(|&u| u != 0)
        .collect();
    CfbDir {
        name: String::from_utf16_lossy(&units),
        typ: e[66],
        start: u32le(e, 116).unwrap_or(ENDOFCHAIN),
        size: if ssz == 512 {
            u64::from(u32le(e, 120).unwrap_or(0))
        } else {
            u64le(e, 120).unwrap_or(0)
        },
    }
}

/// Same rendering as calamine's OLE property reader.
fn filetime_iso8601(filetime: u64) -> Option<String> {
    if filetime == 0 {
        return None;
    }
    let secs = filetime / 10_000_000;
    let days = (secs / 86_400) as i64 + 584_694;
    let secs = secs % 86_400;
    let era = days / 146_097;
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    ))
}

/// Builds a version-4 (4096-byte sector) compound file holding `streams`
/// in regular sectors, without mini stream or DIFAT sectors.  Streams
/// shorter than 4096 bytes are listed but readers expect those in the mini
/// stream, so callers pad streams they want read back.
pub(super) fn build_cfb(streams: &[(&str, &[u8])]) -> Result<Vec<u8>, ReadError> {
    const S: usize = 4096;
    const PER: usize = S / 4;
    let mut fat: Vec<u32> = Vec::new();
    let mut starts = Vec::with_capacity(streams.len());
    for (_, data) in streams {
        let n = data.len().div_ceil(S);
        if n == 0 {
            starts.push(ENDOFCHAIN);
            continue;
        }
        let first = fat.len() as u32;
        fat.extend((1..=n).map(|k| if k == n { ENDOFCHAIN } else { first + k as u32 }));
        starts.push(first);
    }
    let dir_secs = ((streams.len() + 1) * 128).div_ceil(S);
    let dir_start = fat.len() as u32;
    fat.extend((1..=dir_secs).map(|k| {
        if k == dir_secs {
            ENDOFCHAIN
        } else {
            dir_start + k as u32
        }
    }));
    let mut n_fat = 1;
    while fat.len() + n_fat > n_fat * PER {
        n_fat += 1;
    }
    if n_fat > 109 {
        return Err(corrupt("xls: workbook stream too large to re-wrap"));
    }
    let fat_start = fat.len() as u32;
    fat.extend(std::iter::repeat_n(FATSECT, n_fat));
    fat.resize(n_fat * PER, FREESECT);

    let mut out = vec![0u8; S];
    let put16 = |b: &mut [u8], at: usize, v: u16| b[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 = |b: &mut [u8], at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    out[..8].copy_from_slice(&CFB_MAGIC);
    put16(&mut out, 24, 0x003E);
    put16(&mut out, 26, 0x0004);
    put16(&mut out, 28, 0xFFFE);
    put16(&mut out, 30, 0x000C);
    put16(&mut out, 32, 0x0006);
    put32(&mut out, 40, dir_secs as u32);
    put32(&mut out, 44, n_fat as u32);
    put32(&mut out, 48, dir_start);
    put32(&mut out, 56, 4096);
    put32(&mut out, 60, ENDOFCHAIN);
    put32(&mut out, 68, ENDOFCHAIN);
    for i in 0..109 {
        let v = if i < n_fat {
            fat_start + i as u32
        } else {
            FREESECT
        };
        put32(&mut out, 76 + 4 * i, v);
    }
    for (_, data) in streams {
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(S) * S, 0);
    }
    let mut dir = vec![0u8; dir_secs * S];
    let mut entry =
        |idx: usize, name: &str, typ: u8, right: u32, child: u32, start: u32, size: u64| {
            let e = &mut dir[idx * 128..(idx + 1) * 128];
            let units: Vec<u16> = name.encode_utf16().take(31).collect();
            for (i, u) in units.iter().enumerate() {
                e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            e[64..66].copy_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
            e[66] = typ;
            e[67] = 1;
            e[68..72].copy_from_slice(&NOSTREAM.to_le_bytes());
            e[72..76].copy_from_slice(&right.to_le_bytes());
            e[76..80].copy_from_slice(&child.to_le_bytes());
            e[116..120].copy_from_slice(&start.to_le_bytes());
            e[120..128].copy_from_slice(&size.to_le_bytes());
        };
    // calamine rejects a version-4 root whose start is ENDOFCHAIN; the mini
    // stream is empty (size 0) so any sector id will do.
    let child = if streams.is_empty() { NOSTREAM } else { 1 };
    entry(0, "Root Entry", 5, NOSTREAM, child, 0, 0);
    for (i, (name, data)) in streams.iter().enumerate() {
        let right = if i + 1 < streams.len() {
            i as u32 + 2
        } else {
            NOSTREAM
        };
        entry(
            i + 1,
            name,
            2,
            right,
            NOSTREAM,
            starts[i],
            data.len() as u64,
        );
    }
    for idx in streams.len() + 1..dir_secs * S / 128 {
        entry(idx, "", 0, NOSTREAM, NOSTREAM, 0, 0);
    }
    out.extend_from_slice(&dir);
    for v in fat {
        out.extend_from_slice(&v.to_le_bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::test_support::*;

    #[test]
    fn encrypted_ooxml_in_cfb() {
        let bytes = build_cfb(&[
            ("EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0][..]),
            ("EncryptedPackage", &[0u8; 600][..]),
        ])
        .unwrap();
        assert_eq!(sniff(&bytes), Err(ReadError::Encrypted));
        assert_eq!(
            read_workbook(&bytes, &Limits::default()),
            Err(ReadError::Encrypted)
        );
        // an OLE file that is no workbook (a Word document)
        let doc = build_cfb(&[("WordDocument", &[0u8; 5000][..])]).unwrap();
        assert_eq!(sniff(&doc), Err(ReadError::NotSpreadsheet));
        assert_eq!(
            read_workbook(&doc, &Limits::default()),
            Err(ReadError::NotSpreadsheet)
        );
    }

    #[test]
    fn cfb_chain_loop_is_corrupt() {
        // a workbook stream of several sectors
        let recs: Vec<u8> = (0..400).flat_map(|r| number(r, 0, 1.0)).collect();
        let mut bytes = xls_bytes(&[], &[("S", recs)]);
        // point the FAT entry of the workbook's first sector at itself
        let n_fat = u32le(&bytes, 44).unwrap() as usize;
        assert_eq!(n_fat, 1);
        let fat_sec = u32le(&bytes, 76).unwrap() as usize;
        let at = (fat_sec + 1) * 4096;
        bytes[at..at + 4].copy_from_slice(&0u32.to_le_bytes());
        match quick("cfb loop", 2, || read_workbook(&bytes, &Limits::default())) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("loops"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_after_cfb_magic_never_panics_out() {
        let mut bytes = CFB_MAGIC.to_vec();
        bytes.extend(std::iter::repeat_n(0xAB, 3000));
        assert_eq!(sniff(&bytes), Ok(Format::Xls));
        assert!(read_workbook(&bytes, &Limits::default()).is_err());
        // every truncation of a valid xls
        let full = xls_bytes(&[], &[("S", number(0, 0, 1.0))]);
        for cut in (0..full.len()).step_by(97) {
            let _ = read_workbook(&full[..cut], &Limits::default());
        }
    }
}
