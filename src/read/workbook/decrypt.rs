//! Workbooks encrypted with Excel's built-in default password, `VelvetSweatshop`: what Excel
//! writes for a workbook whose structure or sheets are protected without an open password.
//! Excel and WPS open them without asking, so zwxx reads them too; any other password is
//! [`ReadError::Encrypted`].
//!
//! * OOXML (`.xlsx` in an OLE container with `EncryptionInfo` / `EncryptedPackage`, ECMA-376
//!   agile or standard encryption): the `office-crypto` crate decrypts the package.
//! * `.xls` (MS-XLS 2.2.10: a `FilePass` record in the workbook globals): RC4 (MS-OFFCRYPTO
//!   2.3.6, MD5 key derivation) and RC4 CryptoAPI (2.3.5, SHA-1), written here since no
//!   maintained crate decrypts `.xls` (office-crypto does `.doc` and `.ppt` only). The record
//!   data of the whole stream is one RC4 keystream, re-keyed every 1,024 bytes of stream
//!   offset; record headers, a few records (BOF, FilePass, UsrExcl, FileLock, InterfaceHdr,
//!   RRDInfo, RRDHead) and the stream position at the start of each BoundSheet8 stay plain.
//!   The FilePass record itself becomes a zero-filled record of type 0, as msoffcrypto-tool
//!   leaves it, so the stream reads as never encrypted.

use md5::{Digest, Md5};
use rc4::{KeyInit, Rc4, StreamCipher, consts::U16};
use sha1::Sha1;

use super::ReadError;

/// Excel's built-in default password.
const DEFAULT_PASSWORD: &str = "VelvetSweatshop";

/// The decrypted package of an encrypted OOXML workbook. Its two streams are handed to
/// office-crypto in a clean container of the `cfb` crate's (office-crypto's own container
/// reader refuses some that Excel writes).
pub(super) fn ooxml(bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    const STREAMS: [&str; 2] = ["EncryptionInfo", "EncryptedPackage"];
    let streams = super::xls::ole_streams(bytes, &STREAMS)
        .map_err(|e| super::corrupt(format_args!("ooxml: container: {e}")))?;
    let named: Vec<(&str, Vec<u8>)> = STREAMS.into_iter().zip(streams).collect();
    let clean = super::xls::clean_container(&named)
        .map_err(|e| super::corrupt(format_args!("ooxml: container: {e}")))?;
    match office_crypto::decrypt_from_bytes(clean, DEFAULT_PASSWORD) {
        Ok(package) if package.starts_with(super::ZIP_MAGIC) => Ok(package),
        _ => Err(ReadError::Encrypted),
    }
}

const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;
const EOF: u16 = 0x000A;
/// Records never encrypted: BOF, FilePass, UsrExcl, FileLock, InterfaceHdr, RRDInfo, RRDHead.
const PLAIN: [u16; 7] = [0x0809, FILEPASS, 0x0194, 0x0195, 0x00E1, 0x0196, 0x0138];

/// The records of a BIFF stream: (offset of the header, type, data length), as far as they
/// are whole.
pub(super) fn records(stream: &[u8]) -> impl Iterator<Item = (usize, u16, usize)> + '_ {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let header = stream.get(at..at.checked_add(4)?)?;
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        if at + 4 + len > stream.len() {
            return None;
        }
        let record = (at, typ, len);
        at += 4 + len;
        Some(record)
    })
}

/// Decrypts an `.xls` workbook stream in place when its globals hold a FilePass record.
pub(super) fn xls_stream(stream: &mut [u8]) -> Result<(), ReadError> {
    let Some((at, len)) = records(stream)
        .take_while(|&(_, typ, _)| typ != EOF)
        .find(|&(_, typ, _)| typ == FILEPASS)
        .map(|(at, _, len)| (at, len))
    else {
        return Ok(());
    };
    let info = &stream[at + 4..at + 4 + len];
    let key = key_maker(info).ok_or(ReadError::Encrypted)?;
    let ranges: Vec<(usize, usize)> = records(stream)
        .filter(|&(_, typ, _)| !PLAIN.contains(&typ))
        .map(|(at, typ, len)| {
            let skip = if typ == BOUNDSHEET { 4.min(len) } else { 0 };
            (at + 4 + skip, at + 4 + len)
        })
        .collect();
    // the RC4 keystream of each 1,024-byte block of stream offsets, made when first needed
    let (mut block, mut bytes) = (usize::MAX, [0u8; 1024]);
    for (start, end) in ranges {
        for at in start..end {
            if at / 1024 != block {
                block = at / 1024;
                bytes = [0; 1024];
                Rc4::<U16>::new(&key(block as u32).into()).apply_keystream(&mut bytes);
            }
            stream[at] ^= bytes[at % 1024];
        }
    }
    stream[at..at + 2].fill(0);
    stream[at + 4..at + 4 + len].fill(0);
    Ok(())
}

/// The block key function for the default password, once the password is verified; `None`
/// for XOR obfuscation, another password or an encryption not described here.
fn key_maker(info: &[u8]) -> Option<Box<dyn Fn(u32) -> [u8; 16]>> {
    let u16_at = |i: usize| Some(u16::from_le_bytes(info.get(i..i + 2)?.try_into().ok()?));
    let u32_at = |i: usize| Some(u32::from_le_bytes(info.get(i..i + 4)?.try_into().ok()?));
    if u16_at(0)? != 1 {
        return None; // XOR obfuscation
    }
    let password: Vec<u8> = DEFAULT_PASSWORD
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    match (u16_at(2)?, u16_at(4)?) {
        (1, 1) => {
            let salt: [u8; 16] = info.get(6..22)?.try_into().ok()?;
            let h0 = Md5::digest(&password);
            let mut buffer = Vec::with_capacity(16 * 21);
            for _ in 0..16 {
                buffer.extend_from_slice(&h0[..5]);
                buffer.extend_from_slice(&salt);
            }
            let h1 = Md5::digest(&buffer);
            let truncated: [u8; 5] = h1[..5].try_into().ok()?;
            let make = move |block: u32| -> [u8; 16] {
                Md5::new()
                    .chain_update(truncated)
                    .chain_update(block.to_le_bytes())
                    .finalize()
                    .into()
            };
            let (verifier, hash) = (info.get(22..38)?, info.get(38..54)?);
            verified(&make, verifier, hash, |v| Md5::digest(v).to_vec()).then_some(Box::new(make))
        }
        (2..=4, 2) => {
            // EncryptionHeader from offset 14 (after the flags and the header size)
            let header_size = u32_at(10)? as usize;
            let key_bits = u32_at(14 + 16)?;
            let verifier_at = 14usize.checked_add(header_size)?;
            let salt = info.get(verifier_at + 4..verifier_at + 20)?.to_vec();
            let verifier = info.get(verifier_at + 20..verifier_at + 36)?;
            let hash = info.get(verifier_at + 40..verifier_at + 60)?;
            let h0 = Sha1::new()
                .chain_update(&salt)
                .chain_update(&password)
                .finalize();
            let make = move |block: u32| -> [u8; 16] {
                let h = Sha1::new()
                    .chain_update(h0)
                    .chain_update(block.to_le_bytes())
                    .finalize();
                let mut key = [0u8; 16];
                let bytes = if key_bits == 40 { 5 } else { 16 };
                key[..bytes].copy_from_slice(&h[..bytes]);
                key
            };
            let known = key_bits == 40 || key_bits == 128;
            (known && verified(&make, verifier, hash, |v| Sha1::digest(v).to_vec()))
                .then_some(Box::new(make))
        }
        _ => None,
    }
}

/// Whether the encrypted verifier, decrypted with block 0's key, hashes to its decrypted hash.
fn verified(
    make: &dyn Fn(u32) -> [u8; 16],
    verifier: &[u8],
    hash: &[u8],
    digest: impl Fn(&[u8]) -> Vec<u8>,
) -> bool {
    let mut cipher = Rc4::<U16>::new(&make(0).into());
    let mut plain = [verifier, hash].concat();
    cipher.apply_keystream(&mut plain);
    let (v, h) = plain.split_at(verifier.len());
    digest(v).get(..h.len()) == Some(h)
}
