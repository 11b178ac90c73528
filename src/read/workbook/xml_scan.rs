//! A minimal streaming XML tokenizer for the pre-scans: no entity expansion (a billion-laughs
//! DTD is skipped as one markup), no validation, memory bounded by the largest single markup
//! (16 MiB). It only has to see what calamine will see well enough to bound it.

use std::io::{self, Read};

use super::{ReadError, corrupt};

pub(super) enum XmlEv<'a> {
    Start {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
    },
    End {
        name: &'a [u8],
    },
    Text(&'a [u8]),
}

const XML_FIRST_CHUNK: usize = 4 * 1024;
const XML_CHUNK: usize = 64 * 1024;
const XML_MAX_MARKUP: usize = 16 * 1024 * 1024;

/// Feeds `f` with the events of an XML stream; `f` returns `Ok(false)` to
/// stop early.  Memory is bounded by the largest markup (16 MiB).
pub(super) fn scan_xml<R: Read>(
    mut r: R,
    mut f: impl FnMut(XmlEv<'_>) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    let mut buf: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    let mut eof = false;
    let mut want = XML_CHUNK;
    // small first reads: a scan that stops early (or a small part) inflates little
    let mut chunk = XML_FIRST_CHUNK;
    loop {
        if pos >= buf.len() {
            if eof {
                return Ok(());
            }
            buf.clear();
            pos = 0;
            eof = fill(&mut r, &mut buf, chunk)?;
            chunk = (chunk * 2).min(XML_CHUNK);
            continue;
        }
        match step(&buf[pos..], &mut f)? {
            Some((_, false)) => return Ok(()),
            Some((len, true)) => {
                pos += len;
                want = XML_CHUNK;
            }
            None => {
                if eof {
                    return Err(corrupt("XML: unterminated markup"));
                }
                if buf.len() - pos > XML_MAX_MARKUP {
                    return Err(corrupt("XML: markup too large"));
                }
                buf.drain(..pos);
                pos = 0;
                eof = fill(&mut r, &mut buf, want)?;
                want = want.saturating_mul(2).min(XML_MAX_MARKUP);
            }
        }
    }
}

/// [`scan_xml`] over a part already in memory: the same events, without copying the part
/// through the stream's buffer (a text is then never split).
pub(super) fn scan_xml_slice(
    data: &[u8],
    mut f: impl FnMut(XmlEv<'_>) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    let mut pos = 0;
    while pos < data.len() {
        match step(&data[pos..], &mut f)? {
            Some((_, false)) => return Ok(()),
            Some((len, true)) => pos += len,
            None => return Err(corrupt("XML: unterminated markup")),
        }
    }
    Ok(())
}

/// Feeds `f` the token `s` starts with — the text up to the next `<`, or one markup — and
/// returns its length with `f`'s answer; `None` where the markup is not complete in `s`.
fn step(
    s: &[u8],
    f: &mut impl FnMut(XmlEv<'_>) -> Result<bool, ReadError>,
) -> Result<Option<(usize, bool)>, ReadError> {
    if s[0] != b'<' {
        let len = memchr::memchr(b'<', s).unwrap_or(s.len());
        return Ok(Some((len, f(XmlEv::Text(&s[..len]))?)));
    }
    match markup_len(s) {
        Some(len) => Ok(Some((len, emit_markup(&s[..len], f)?))),
        None => Ok(None),
    }
}

/// Appends up to `n` bytes; returns true at end of stream. (`read_to_end` grows the buffer
/// without zero-filling it first: a 64 KiB memset per part was a tenth of reading a small
/// workbook.)
fn fill<R: Read>(r: &mut R, buf: &mut Vec<u8>, n: usize) -> Result<bool, ReadError> {
    let old = buf.len();
    buf.reserve(n);
    let mut limited = r.take(n as u64);
    loop {
        match limited.read_to_end(buf) {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(corrupt(format_args!("zip read: {e}"))),
        }
    }
    Ok(buf.len() - old < n)
}

fn find_from(s: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    memchr::memmem::find(s.get(from..)?, pat).map(|i| i + from)
}

/// Length of the markup starting at `s[0] == b'<'`, or None if incomplete.
fn markup_len(s: &[u8]) -> Option<usize> {
    match *s.get(1)? {
        b'?' => find_from(s, 2, b"?>").map(|i| i + 2),
        b'!' => {
            if s.starts_with(b"<!--") {
                find_from(s, 4, b"-->").map(|i| i + 3)
            } else if s.starts_with(b"<![CDATA[") {
                find_from(s, 9, b"]]>").map(|i| i + 3)
            } else if s.len() < 9 && (b"<!--".starts_with(s) || b"<![CDATA[".starts_with(s)) {
                None
            } else {
                // a DTD: brackets nest its internal subset
                close_outside_quotes::<true>(s, 2)
            }
        }
        // an element: up to the first `>` outside quoted attribute values
        _ => close_outside_quotes::<false>(s, 1),
    }
}

/// Length of `s` up to and including the first `>` from `from` on that is outside quotes (and,
/// with `BRACKETS`, outside `[…]`), or None. A byte loop: markup is short, and memchr's set-up
/// per call cost more than it saved here.
fn close_outside_quotes<const BRACKETS: bool>(s: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0i64;
    let mut quote = 0u8;
    for (i, &b) in s.iter().enumerate().skip(from) {
        if quote != 0 {
            if b == quote {
                quote = 0;
            }
            continue;
        }
        match b {
            b'"' | b'\'' => quote = b,
            b'[' if BRACKETS => depth += 1,
            b']' if BRACKETS => depth -= 1,
            b'>' if depth <= 0 => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn emit_markup(
    m: &[u8],
    f: &mut impl FnMut(XmlEv<'_>) -> Result<bool, ReadError>,
) -> Result<bool, ReadError> {
    if let Some(inner) = m.strip_prefix(b"<![CDATA[") {
        return f(XmlEv::Text(&inner[..inner.len().saturating_sub(3)]));
    }
    match m.get(1) {
        Some(b'!' | b'?') | None => Ok(true),
        Some(b'/') => f(XmlEv::End {
            name: m[2..m.len() - 1].trim_ascii(),
        }),
        Some(_) => {
            let inner = &m[1..m.len() - 1];
            let (inner, empty) = match inner.strip_suffix(b"/") {
                Some(i) => (i, true),
                None => (inner, false),
            };
            let name_end = inner
                .iter()
                .position(|b| b.is_ascii_whitespace())
                .unwrap_or(inner.len());
            f(XmlEv::Start {
                name: &inner[..name_end],
                attrs: &inner[name_end..],
                empty,
            })
        }
    }
}

/// No markup that calamine's XML reader (quick-xml) and this tokenizer could draw
/// differently: no form feed (whitespace to the
/// tokenizer, not to calamine's reader), no whitespace between `</` and a name (the tokenizer
/// trims it, calamine's reader does not), and no `<!` but comments and CDATA (no DTD, in any
/// case of letters).
pub(super) fn plain_markup(xml: &[u8]) -> bool {
    if xml.contains(&0x0C) {
        return false;
    }
    let ends_plain = memchr::memmem::find_iter(xml, b"</")
        .all(|i| xml.get(i + 2).is_some_and(|b| !b.is_ascii_whitespace()));
    let bangs_plain = memchr::memmem::find_iter(xml, b"<!").all(|i| {
        let rest = &xml[i..];
        rest.starts_with(b"<!--") || rest.starts_with(b"<![CDATA[")
    });
    ends_plain && bangs_plain
}

pub(super) fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// Raw (still escaped) value of attribute `key`.
pub(super) fn attr<'a>(mut s: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    loop {
        s = s.trim_ascii_start();
        if s.is_empty() {
            return None;
        }
        let eq = s.iter().position(|&b| b == b'=')?;
        let name = s[..eq].trim_ascii();
        let rest = s[eq + 1..].trim_ascii_start();
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let end = rest[1..].iter().position(|&b| b == quote)? + 1;
        if name == key {
            return Some(&rest[1..end]);
        }
        s = &rest[end + 1..];
    }
}

/// XML attribute unescaping (predefined entities and character references),
/// None where quick-xml would report an error.
pub(super) fn unescape(v: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(v).ok()?;
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';')?;
        let ent = &after[..end];
        let ch = match ent {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => {
                let code = if let Some(hex) = ent.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    ent.strip_prefix('#')?.parse::<u32>().ok()?
                };
                char::from_u32(code)?
            }
        };
        out.push(ch);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(ev: XmlEv<'_>) -> String {
        match ev {
            XmlEv::Start { name, attrs, empty } => format!(
                "start {} [{}] {empty}",
                String::from_utf8_lossy(name),
                String::from_utf8_lossy(attrs).trim()
            ),
            XmlEv::End { name } => format!("end {}", String::from_utf8_lossy(name)),
            XmlEv::Text(t) => format!("text {}", t.len()),
        }
    }

    #[test]
    fn events_across_chunks_and_quotes() {
        // an attribute value with `>` and the other quote inside, a comment, CDATA, a PI,
        // and text long enough to cross the first 4 KiB chunk
        let long = "x".repeat(5000);
        let xml = format!(
            r#"<?xml version="1.0"?><a k='1>"2' j="'>'"><!-- <b> --><![CDATA[<c>]]>{long}<d/></a>"#
        );
        let mut seen = Vec::new();
        scan_xml(xml.as_bytes(), |ev| {
            seen.push(describe(ev));
            Ok(true)
        })
        .unwrap();
        assert_eq!(seen[0], r#"start a [k='1>"2' j="'>'"] false"#);
        assert_eq!(seen[1], "text 3"); // the CDATA's content
        assert_eq!(seen.last().unwrap(), "end a");
        assert!(seen.contains(&"start d [] true".to_string()), "{seen:?}");
        let text: usize = seen
            .iter()
            .filter_map(|e| e.strip_prefix("text "))
            .map(|n| n.parse::<usize>().unwrap())
            .sum();
        assert_eq!(text, 3 + 5000);
        // the same events from a part in memory (texts whole)
        let mut from_slice = Vec::new();
        scan_xml_slice(xml.as_bytes(), |ev| {
            from_slice.push(describe(ev));
            Ok(true)
        })
        .unwrap();
        let merged: Vec<&String> = seen
            .iter()
            .filter(|e| !e.starts_with("text") || e.as_str() == "text 3")
            .collect();
        assert_eq!(
            from_slice
                .iter()
                .filter(|e| *e != "text 5000")
                .collect::<Vec<_>>(),
            merged
        );
        assert!(from_slice.contains(&"text 5000".to_string()));
        // an element left open at the end is an error
        assert!(scan_xml(&b"<a k='>"[..], |_| Ok(true)).is_err());
        assert!(scan_xml_slice(b"<a k='>", |_| Ok(true)).is_err());
    }
}
