//! xlsx/xlsm: the pre-scan (shared-string count: calamine reserves `uniqueCount` strings up
//! front; cell references: calamine's A1 arithmetic is unchecked; merged ranges, taken in the
//! same pass) and the streaming cell reader that keeps cells sparse (never the dense `Range`
//! calamine would allocate for the sheet's bounding box), with formula cells that lack a
//! cached value. Each sheet that is read is parsed twice (the check, calamine) but inflated
//! once where it is small enough to keep ([`super::view`]); sheets that are not read are not
//! touched.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Dimensions, Reader, Xlsx, XlsxError};
use zip::ZipArchive;

use super::collect::{Budget, dataref_text_len, finish_sheet, new_sheet, sheet_list};
use super::styles;
use super::view::{Kept, View, raw_entry, view};
use super::xml_scan::{XmlEv, attr, local_name, plain_markup, scan_xml, scan_xml_slice, unescape};
use super::zip_guard::{MeteredCursor, ZipInfo};
use super::{Format, Limits, MIB, ReadError, WorkbookData, corrupt, limit};

/// What the pre-scan learned for the read that follows: the merged ranges of every sheet
/// whose part it checked, and which sheets are left unread.
pub(super) struct Plan {
    /// Sheet name → merged ranges, for the sheets whose part was checked (by name).
    merges: HashMap<String, Vec<Dimensions>>,
    /// The parts checked so far (zip entry indices).
    checked: HashSet<usize>,
    /// Hidden sheets left unread: the template's list sheet, when the workbook carries the
    /// template-version defined name (the marker then comes from the name, not the sheet).
    skip_hidden: Vec<String>,
    /// `dcterms:modified` of `docProps/core.xml` (calamine's `workbook_properties` reads
    /// three parts for it).
    modified: Option<String>,
    /// The parts inflated here, for calamine's view of the package.
    kept: Kept,
    /// The styles part calamine will read (zip entry index), where the view may replace it.
    styles: Option<usize>,
}

/// Guards what calamine would do unchecked, and plans the read.
///
/// * Shared strings: calamine reserves `uniqueCount` Strings up front (an allocation it
///   cannot survive if huge) and keeps one String per `<si>`. The count is checked from
///   the `<sst>` element; the `<si>` elements are counted only where the part is large
///   enough to hold more than `max_cells` of them (the zip guard holds every part to its
///   declared size).
/// * Sheets: every reference calamine will parse in a worksheet part it reads is checked
///   ([`check_sheet`]); the same pass collects the merged ranges, so calamine's own
///   merged-cell pass (a third read of the part) is not needed. Sheets that are not read
///   (the instructions sheet, the template's hidden list sheet) are not scanned at all.
///   Where the sheets cannot be resolved to parts as calamine resolves them, every
///   worksheet part is checked before calamine reads any ([`Plan::check_rest`]).
pub(super) fn prescan(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    limits: &Limits,
) -> Result<Plan, ReadError> {
    let max = limits.max_cells as u64;
    styles::check_amplification(zip, info, limits)?;
    let mut kept = Kept::default();
    for e in info
        .entries
        .iter()
        .filter(|e| e.lower.ends_with("sharedstrings.xml"))
    {
        let size = zip
            .by_index_data(e.index)
            .map_err(|err| corrupt(format_args!("zip: {}: {err}", e.name)))?
            .size();
        // the shortest <si> is `<si/>`: a part this small cannot hold `max` of them
        let count_si = size / 5 > max;
        let mut count = 0u64;
        let part = open_part(zip, Some(&mut kept), e.index)
            .map_err(|err| corrupt(format_args!("zip: {}: {err}", e.name)))?;
        part.scan(|ev| {
            if let XmlEv::Start { name, attrs, .. } = ev {
                match local_name(name) {
                    b"sst" => {
                        if let Some(n) = attr(attrs, b"uniqueCount").and_then(parse_count)
                            && n > max
                        {
                            return Err(limit("max_cells", n, max));
                        }
                        return Ok(count_si);
                    }
                    b"si" => {
                        count += 1;
                        if count > max {
                            return Err(limit("max_cells", count, max));
                        }
                    }
                    _ => {}
                }
            }
            Ok(true)
        })?;
    }
    let mut plan = Plan {
        merges: HashMap::new(),
        checked: HashSet::new(),
        skip_hidden: Vec::new(),
        modified: core_modified(zip, info),
        kept,
        styles: None,
    };
    let Some(layout) = resolve_sheets(zip, info, &mut plan.kept) else {
        plan.check_rest(zip, info)?;
        return Ok(plan);
    };
    if layout.marker {
        plan.skip_hidden
            .push(crate::labels::SHEET_LISTS.to_string());
    }
    if let Some(theme) = layout.theme {
        let a_sheet = layout.sheets.iter().any(|s| s.part == Some(theme));
        plan.kept.leave_out_theme(theme, a_sheet);
    }
    // the styles part may be replaced in the view unless it is also the workbook or a sheet
    // (or another part read whole: checked when the view is made)
    plan.styles = layout
        .styles
        .filter(|&i| i != layout.workbook && !layout.sheets.iter().any(|s| s.part == Some(i)));
    let skipped = |s: &SheetPart| {
        limits
            .skip_sheets
            .iter()
            .any(|k| crate::cell::label_eq(&s.name, k))
            || (s.hidden && plan.skip_hidden.contains(&s.name))
    };
    // as `sheet_list` decides: skipped sheets are left out only if another sheet remains
    let any_read = layout.sheets.iter().any(|s| !skipped(s));
    let mut merges_by_part: HashMap<usize, Vec<Dimensions>> = HashMap::new();
    for sheet in &layout.sheets {
        if any_read && skipped(sheet) {
            continue;
        }
        let Some(index) = sheet.part else { continue };
        if plan.merges.contains_key(&sheet.name) {
            continue; // a repeated name: calamine reads the first
        }
        let merged = match merges_by_part.entry(index) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                plan.checked.insert(index);
                e.insert(check_part(zip, info, index, Some(&mut plan.kept))?)
            }
        };
        plan.merges.insert(sheet.name.clone(), merged.clone());
    }
    Ok(plan)
}

impl Plan {
    #[cfg(test)]
    pub(super) fn kept(&self) -> &Kept {
        &self.kept
    }

    #[cfg(test)]
    pub(super) fn kept_mut(&mut self) -> &mut Kept {
        &mut self.kept
    }

    /// Checks every worksheet part not checked yet (once).
    fn check_rest(
        &mut self,
        zip: &mut ZipArchive<Cursor<&[u8]>>,
        info: &ZipInfo,
    ) -> Result<(), ReadError> {
        for e in info
            .entries
            .iter()
            .filter(|e| e.lower.ends_with(".xml") && !e.lower.ends_with("sharedstrings.xml"))
        {
            if self.checked.insert(e.index) {
                check_part(zip, info, e.index, None)?;
            }
        }
        Ok(())
    }
}

fn check_part(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    index: usize,
    kept: Option<&mut Kept>,
) -> Result<Vec<Dimensions>, ReadError> {
    let name = info
        .entries
        .iter()
        .find(|e| e.index == index)
        .map_or("", |e| e.name.as_str());
    let part =
        open_part(zip, kept, index).map_err(|err| corrupt(format_args!("zip: {name}: {err}")))?;
    check_sheet(part).map_err(|err| match err {
        ReadError::Corrupt(m) => corrupt(format_args!("xlsx: {name}: {m}")),
        other => other,
    })
}

/// Entry `index` for a pre-scan: its inflated copy where the part is small enough to keep
/// for calamine's view (`kept`), streamed from the zip otherwise.
fn open_part<'z>(
    zip: &'z mut ZipArchive<Cursor<&[u8]>>,
    kept: Option<&'z mut Kept>,
    index: usize,
) -> zip::result::ZipResult<Part<'z>> {
    if let Some(data) = kept.and_then(|k| k.inflate(zip, index)) {
        return Ok(Part::Kept(data));
    }
    Ok(Part::Stream(Box::new(zip.by_index(index)?)))
}

/// A part for a pre-scan: in memory, or streamed from the zip.
enum Part<'z> {
    Kept(&'z [u8]),
    Stream(Box<dyn std::io::Read + 'z>),
}

impl Part<'_> {
    fn scan(self, f: impl FnMut(XmlEv<'_>) -> Result<bool, ReadError>) -> Result<(), ReadError> {
        match self {
            Part::Kept(data) => scan_xml_slice(data, f),
            Part::Stream(r) => scan_xml(r, f),
        }
    }
}

/// The text of `<dcterms:modified>` in `docProps/core.xml`, as calamine reads it.
fn core_modified(zip: &mut ZipArchive<Cursor<&[u8]>>, info: &ZipInfo) -> Option<String> {
    let entry = info
        .entries
        .iter()
        .find(|e| e.lower == "docprops/core.xml")?;
    let part = zip.by_index(entry.index).ok()?;
    let (mut inside, mut text, mut done) = (false, Vec::new(), false);
    scan_xml(part, |ev| {
        match ev {
            XmlEv::Start { name, empty, .. } => {
                inside = !empty && local_name(name) == b"modified";
                text.clear();
            }
            XmlEv::Text(t) if inside => text.extend_from_slice(t),
            XmlEv::End { .. } if inside => {
                done = true;
                return Ok(false);
            }
            _ => {}
        }
        Ok(true)
    })
    .ok()?;
    (done && !text.is_empty())
        .then(|| unescape(&text))
        .flatten()
}

/// One sheet of `xl/workbook.xml` with the zip entry of its part.
struct SheetPart {
    name: String,
    hidden: bool,
    part: Option<usize>,
}

struct SheetLayout {
    sheets: Vec<SheetPart>,
    /// The workbook defines the template-version name.
    marker: bool,
    /// The zip entry of the theme, where calamine looks for it.
    theme: Option<usize>,
    /// The zip entry of the styles part, where calamine looks for it.
    styles: Option<usize>,
    /// The zip entry of the workbook part.
    workbook: usize,
}

/// The sheets of the workbook and their parts, resolved the way calamine 0.38 resolves them
/// (`_rels/.rels` officeDocument target → workbook part and its folder; the workbook's
/// relationships; a target is absolute with a leading `/`, else relative to that folder;
/// zip names compared folded to `/` and lower case). `None` where any step fails, and where
/// the parts are not so plainly written that calamine's XML reader and the tokenizer are
/// sure to draw the same tags ([`plain_markup`]; a part kept in memory), or where a
/// relationship's attributes are not plain: the caller then checks every part.
///
/// As calamine reads them, the relationship parts end at the first `</Relationships>`, and
/// the package's relationships start at the first `<Relationships>`.
fn resolve_sheets(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    kept: &mut Kept,
) -> Option<SheetLayout> {
    let part = |path: &str| {
        let lower = path.to_ascii_lowercase();
        info.entries
            .iter()
            .find(|e| e.lower == lower)
            .map(|e| e.index)
    };
    // f returns false to stop
    let mut read_part = |index: usize, f: &mut dyn FnMut(XmlEv<'_>) -> bool| -> Option<()> {
        let Part::Kept(data) = open_part(zip, Some(kept), index).ok()? else {
            return None;
        };
        if !plain_markup(data) {
            return None;
        }
        scan_xml_slice(data, |ev| Ok(f(ev))).ok()
    };
    let mut document = None;
    let mut inside = false;
    let mut plain = true;
    read_part(part("_rels/.rels")?, &mut |ev| {
        match ev {
            XmlEv::Start { name, .. } if first_local_name(name) == b"Relationships" => {
                inside = true;
            }
            XmlEv::Start { name, attrs, .. }
                if inside && first_local_name(name) == b"Relationship" =>
            {
                match (attr_exact(attrs, b"Type"), attr_exact(attrs, b"Target")) {
                    (Ok(t), Ok(target)) => {
                        if t.is_some_and(|t| t.ends_with(b"/relationships/officeDocument"))
                            && let Some(target) = target
                        {
                            document = unescape(target);
                        }
                    }
                    _ => plain = false,
                }
            }
            XmlEv::End { name } if inside && first_local_name(name) == b"Relationships" => {
                return false;
            }
            _ => {}
        }
        plain
    })?;
    if !plain {
        return None;
    }
    let document = document?;
    let (dir, file) = match document.rfind('/') {
        Some(i) => document.split_at(i + 1),
        None => ("", document.as_str()),
    };
    let dir = dir.strip_prefix('/').unwrap_or(dir);
    let file = if file.is_empty() {
        "workbook.xml"
    } else {
        file
    };
    let mut rels: HashMap<String, String> = HashMap::new();
    let mut ok = true;
    read_part(part(&format!("{dir}_rels/{file}.rels"))?, &mut |ev| {
        if let XmlEv::End { name } = ev
            && first_local_name(name) == b"Relationships"
        {
            return false;
        }
        if let XmlEv::Start { name, attrs, .. } = ev
            && first_local_name(name) == b"Relationship"
        {
            let (Ok(id), Ok(target), Ok(_)) = (
                attr_exact(attrs, b"Id"),
                attr_exact(attrs, b"Target"),
                attr_exact(attrs, b"Type"),
            ) else {
                ok = false;
                return false;
            };
            let Some(id) = id else { return true };
            match (unescape(id), target.map(unescape)) {
                (Some(id), Some(Some(target))) => {
                    rels.insert(id, target);
                }
                (Some(id), None) => {
                    rels.insert(id, String::new());
                }
                _ => ok = false,
            }
        }
        ok
    })?;
    let mut sheets = Vec::new();
    let mut marker = false;
    let workbook = part(&format!("{dir}{file}"))?;
    read_part(workbook, &mut |ev| {
        let XmlEv::Start { name, attrs, .. } = ev else {
            return true;
        };
        match first_local_name(name) {
            b"sheet" => {
                let name =
                    attr_once(attrs, b"name").map(|n| n.map_or(Some(String::new()), unescape));
                let id = attr_once(attrs, b"id").map(|id| id.and_then(unescape));
                let (Ok(Some(name)), Ok(Some(id))) = (name, id) else {
                    ok = false;
                    return false;
                };
                let part = rels
                    .get(&id)
                    .and_then(|target| match target.strip_prefix('/') {
                        Some(abs) => part(abs),
                        None => part(&format!("{dir}{target}")),
                    });
                sheets.push(SheetPart {
                    name,
                    hidden: attr(attrs, b"state").is_some_and(|s| s != b"visible"),
                    part,
                });
            }
            b"definedName" => {
                marker |= attr(attrs, b"name")
                    .is_some_and(|n| n == crate::labels::VERSION_NAME.as_bytes());
            }
            _ => {}
        }
        true
    })?;
    let theme = part(&format!("{dir}theme/theme1.xml"));
    let styles = part(&format!("{dir}styles.xml"));
    ok.then_some(SheetLayout {
        sheets,
        marker,
        theme,
        styles,
        workbook,
    })
}

/// An element's local name as calamine's XML reader takes it: after the first `:`.
fn first_local_name(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The attributes of a start tag in order, as (raw name, raw value); `Err` where they do not
/// parse.
fn each_attr<'a>(
    mut s: &'a [u8],
    mut f: impl FnMut(&'a [u8], &'a [u8]) -> Result<(), ()>,
) -> Result<(), ()> {
    loop {
        s = s.trim_ascii_start();
        if s.is_empty() {
            return Ok(());
        }
        let eq = s.iter().position(|&b| b == b'=').ok_or(())?;
        let name = s[..eq].trim_ascii();
        let rest = s[eq + 1..].trim_ascii_start();
        let quote = *rest.first().ok_or(())?;
        if quote != b'"' && quote != b'\'' {
            return Err(());
        }
        let end = rest[1..].iter().position(|&b| b == quote).ok_or(())? + 1;
        f(name, &rest[1..end])?;
        s = &rest[end + 1..];
    }
}

/// The raw value of attribute `key`, matched on its whole name as calamine matches a
/// relationship's; `Err` where it occurs twice, where another attribute has the same local
/// name (`x:Type`), or where the attributes do not parse.
fn attr_exact<'a>(s: &'a [u8], key: &[u8]) -> Result<Option<&'a [u8]>, ()> {
    let mut found = None;
    each_attr(s, |name, value| {
        let twice = name == key && found.replace(value).is_some();
        if twice || (name != key && local_name(name) == key) {
            return Err(());
        }
        Ok(())
    })?;
    Ok(found)
}

/// The raw value of attribute `key` (matched on its local name, after any `prefix:`), `Err`
/// where it occurs twice or the attributes do not parse (calamine would take another one).
fn attr_once<'a>(s: &'a [u8], key: &[u8]) -> Result<Option<&'a [u8]>, ()> {
    let mut found = None;
    each_attr(s, |name, value| {
        if local_name(name) == key && found.replace(value).is_some() {
            return Err(());
        }
        Ok(())
    })?;
    Ok(found)
}

/// Beyond any real sheet (Excel stops at row 1,048,576 and column 16,384) and far enough
/// below `u32::MAX` that calamine's `+= 1` per row and per cell cannot reach it either.
const REF_MAX: u64 = 1 << 31;

/// calamine 0.38 parses the A1 references of a worksheet with unchecked `u32` arithmetic —
/// column letters ×26, row digits ×10, `end - start` of a range, +1 per row and per cell —
/// which panics in a build with overflow checks and wraps without. So before calamine reads
/// a worksheet part, every reference it will parse (`c@r`, `row@r`, `dimension@ref`,
/// `mergeCell@ref`, `f@ref`) must stay below [`REF_MAX`] and every range must run forwards.
/// The part is tokenized by the pre-scans' own tokenizer (`xml_scan`: the markup boundaries
/// quick-xml draws, in a fraction of its time); parts whose root is no sheet are left after
/// their first element.
///
/// Returns the merged ranges as calamine's `merge_cells_by_sheet_name` would (the first
/// `<mergeCells>` block; a reference calamine cannot parse there makes the part corrupt).
fn check_sheet(part: Part<'_>) -> Result<Vec<Dimensions>, ReadError> {
    let mut first = true;
    let mut merged = Vec::new();
    // 0: before the first <mergeCells>, 1: inside it, 2: after it
    let mut merge_block = 0u8;
    let mut failure = None;
    let scanned = part.scan(|ev| {
        let mut step = || -> Result<bool, ReadError> {
            let (name, attrs) = match ev {
                XmlEv::Start { name, attrs, empty } => {
                    let name = local_name(name);
                    if name == b"mergeCells" && merge_block == 0 {
                        merge_block = if empty { 2 } else { 1 };
                    }
                    (name, attrs)
                }
                XmlEv::End { name } => {
                    if merge_block == 1 && local_name(name) == b"mergeCells" {
                        merge_block = 2;
                    }
                    return Ok(true);
                }
                XmlEv::Text(_) => return Ok(true),
            };
            if std::mem::take(&mut first) {
                return Ok(matches!(
                    name,
                    b"worksheet" | b"dialogsheet" | b"macrosheet"
                ));
            }
            let (key, range): (&[u8], bool) = match name {
                b"c" | b"row" => (b"r", false),
                b"dimension" | b"f" | b"mergeCell" => (b"ref", true),
                _ => return Ok(true),
            };
            let Some(value) = attr(attrs, key) else {
                return Ok(true);
            };
            let bad = || {
                corrupt(format_args!(
                    "cell reference \"{}\" out of range",
                    String::from_utf8_lossy(&value[..value.len().min(40)])
                ))
            };
            if !range {
                a1(value).map_err(|()| bad())?;
                return Ok(true);
            }
            let mut parts = [None; 2];
            let mut count = 0;
            for part in value.split(|&b| b == b':') {
                let p = a1(part).map_err(|()| bad())?;
                if let Some(slot) = parts.get_mut(count) {
                    *slot = p;
                }
                count += 1;
            }
            if let [Some(start), Some(end)] = parts
                && count == 2
                && (end.0 < start.0 || end.1 < start.1)
            {
                return Err(bad());
            }
            if name == b"mergeCell" && merge_block == 1 {
                // REF_MAX keeps every position inside u32
                let at = |p: (u64, u64)| (p.0 as u32, p.1 as u32);
                match (count, parts) {
                    (1, [Some(p), _]) => merged.push(Dimensions::new(at(p), at(p))),
                    (2, [Some(s), Some(e)]) => merged.push(Dimensions::new(at(s), at(e))),
                    _ => {
                        return Err(corrupt(format_args!(
                            "merged range \"{}\" unreadable",
                            String::from_utf8_lossy(&value[..value.len().min(40)])
                        )));
                    }
                }
            }
            Ok(true)
        };
        step().or_else(|e| {
            failure = Some(e);
            Ok(false)
        })
    });
    match (scanned, failure) {
        (_, Some(e)) => Err(e),
        // calamine's merged-cell pass reads up to the end of the first <mergeCells> and fails
        // on broken XML (or the end of the part) before it
        (Ok(()) | Err(ReadError::Corrupt(_)), None) if merge_block == 1 => {
            Err(corrupt("merged ranges: unterminated <mergeCells>"))
        }
        (Err(ReadError::Corrupt(m)), None) if merge_block == 0 => Err(corrupt(m)),
        // after it, calamine's cell reader reports the XML error of its own, if it meets it
        (Err(ReadError::Corrupt(_)), None) | (Ok(()), None) => Ok(merged),
        (Err(e), None) => Err(e),
    }
}

/// An A1 reference read the way calamine reads it: `Ok(Some((row, col)))` zero-based,
/// `Ok(None)` where calamine stops with an error of its own (no column, no row, another
/// character), `Err` where its arithmetic would pass [`REF_MAX`] on the way.
fn a1(reference: &[u8]) -> Result<Option<(u64, u64)>, ()> {
    let (mut row, mut col, mut digits) = (0u64, 0u64, false);
    for &b in reference {
        if !digits && b.is_ascii_alphabetic() {
            col = col * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1;
        } else if b.is_ascii_digit() {
            digits = true;
            row = row * 10 + u64::from(b - b'0');
        } else {
            return Ok(None);
        }
        if row > REF_MAX || col > REF_MAX {
            return Err(());
        }
    }
    Ok((row > 0 && col > 0).then(|| (row - 1, col - 1)))
}

/// Digits (optionally after `+`) as a saturating number, like atoi.
fn parse_count(v: &[u8]) -> Option<u64> {
    let v = v.strip_prefix(b"+").unwrap_or(v);
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(v.iter().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    info: &ZipInfo,
    plan: Plan,
    zip: &mut ZipArchive<Cursor<&[u8]>>,
) -> Result<WorkbookData, ReadError> {
    // calamine reads its view of the package where there is one: the parts inflated above
    // are stored in it, and the styles part in its reduced form where one is remembered for
    // the same bytes (met a second time, it is remembered once calamine has read this one)
    let mut plan = plan;
    let mut remember = None;
    if let Some(index) = plan.styles
        && plan.kept.replaceable(index)
        && let Some(raw) = raw_entry(bytes, zip, index)
    {
        match styles::lookup(&raw) {
            styles::Known::Reduced(reduced) => plan.kept.replace_styles(index, reduced),
            styles::Known::Again => remember = Some((index, raw)),
            styles::Known::New => {}
        }
    }
    let (cursor, meter, _view);
    match view(bytes, zip, info, &plan.kept) {
        Some(View { bytes, starts }) => {
            _view = bytes;
            (cursor, meter) = MeteredCursor::with_starts(&_view, info, starts);
        }
        None => (cursor, meter) = MeteredCursor::new(bytes, info),
    }
    let result = read_inner(cursor, limits, info, plan, zip, remember);
    meter.check(result)
}

/// After calamine has read the styles part (entry `index`) without error: remember its
/// reduced form for the next file with the same part.
fn remember_styles(zip: &mut ZipArchive<Cursor<&[u8]>>, index: usize, raw: &styles::Raw<'_>) {
    let Ok(f) = zip.by_index(index) else { return };
    let size = f.size();
    if size > MIB {
        return;
    }
    let mut xml = Vec::with_capacity(size as usize);
    if f.take(size + 1).read_to_end(&mut xml).is_ok() && xml.len() as u64 == size {
        styles::remember(raw, &xml);
    }
}

fn read_inner(
    cursor: MeteredCursor<'_>,
    limits: &Limits,
    info: &ZipInfo,
    mut plan: Plan,
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    remember: Option<(usize, styles::Raw<'_>)>,
) -> Result<WorkbookData, ReadError> {
    let mut wb = Xlsx::new(cursor).map_err(xlsx_err)?;
    if let Some((index, raw)) = remember {
        remember_styles(zip, index, &raw);
    }
    let modified = plan.modified.take();
    let template_version = wb
        .defined_names()
        .iter()
        .find(|(name, _)| name == crate::labels::VERSION_NAME)
        .map(|(_, value)| value.trim().trim_matches('"').to_string());
    let skip_hidden: Vec<&str> = plan.skip_hidden.iter().map(String::as_str).collect();
    let list = sheet_list(wb.sheets_metadata(), limits, &skip_hidden)?;
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::with_capacity(list.len());
    for (name, visible) in list {
        let mut sd = new_sheet(name, visible);
        let merged = plan.merges.remove(&sd.name);
        if merged.is_none() {
            // a sheet the pre-scan could not place: check every part before calamine reads it
            plan.check_rest(zip, info)?;
        }
        // Streaming reader only: worksheet_range would allocate the full
        // bounding box (calamine #693).
        match wb.worksheet_cells_reader(&sd.name) {
            Ok(mut reader) => {
                while let Some(rec) = reader.next_cell_with_formula_metadata().map_err(xlsx_err)? {
                    let (r, c) = rec.pos;
                    if !limits.in_bounds(r, c) {
                        continue;
                    }
                    if matches!(rec.value, DataRef::Empty) {
                        if rec.formula.is_some() {
                            budget.slots(1)?;
                            sd.formula_no_value.push((r, c));
                        }
                    } else {
                        budget.cell(dataref_text_len(&rec.value))?;
                        sd.cells.push((r, c, Data::from(rec.value)));
                    }
                }
            }
            Err(XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(xlsx_err(e)),
        }
        sd.merged = match merged {
            Some(m) => m,
            None => wb.merge_cells_by_sheet_name(&sd.name).map_err(xlsx_err)?,
        };
        budget.slots(sd.merged.len() as u64)?;
        finish_sheet(&mut sd);
        sheets.push(sd);
    }
    Ok(WorkbookData {
        format: Format::Xlsx,
        sheets,
        modified,
        template_version,
    })
}

fn xlsx_err(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("xlsx: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::test_support::*;

    /// The pre-scan places the sheets where calamine finds them: the package's relationships
    /// end at the first `</Relationships>` (a second officeDocument after it is not
    /// calamine's), and relationships whose attributes calamine would read otherwise (a
    /// duplicate, a prefixed `x:Type`) make the pre-scan check every part instead. The merged
    /// ranges read are those of the sheet calamine reads.
    #[test]
    fn sheets_are_placed_where_calamine_finds_them() {
        let rel = |target: &str| {
            format!(
                r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{target}"/>"#
            )
        };
        let sheet = |merge: &str| {
            format!(
                r#"<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData><mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells></worksheet>"#
            )
        };
        let (wb, wb_rels) = workbook_parts(&["s"], |i| i);
        let (real, decoy) = (sheet("A1:C1"), sheet("A1:B1"));
        let read = |root_rels: String| {
            let ct = content_types();
            let files: Vec<(&str, &[u8])> = vec![
                ("[Content_Types].xml", ct.as_bytes()),
                ("_rels/.rels", root_rels.as_bytes()),
                ("xl/workbook.xml", wb.as_bytes()),
                ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
                ("xl/worksheets/sheet1.xml", real.as_bytes()),
                ("other/workbook.xml", wb.as_bytes()),
                ("other/_rels/workbook.xml.rels", wb_rels.as_bytes()),
                ("other/worksheets/sheet1.xml", decoy.as_bytes()),
            ];
            let wb = read_workbook(&zip_files(&files), &Limits::default()).unwrap();
            wb.sheets[0].merged.clone()
        };
        let calamines = vec![Dimensions::new((0, 0), (0, 2))];
        let rels = |inner: &str, after: &str| {
            format!(
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{inner}</Relationships>{after}"#
            )
        };
        assert_eq!(read(rels(&rel("xl/workbook.xml"), "")), calamines);
        assert_eq!(
            read(rels(&rel("xl/workbook.xml"), &rel("other/workbook.xml"))),
            calamines
        );
        let duplicate = rel("xl/workbook.xml").replace(" Target=", " Type=\"x\" Target=");
        let prefixed = rel("xl/workbook.xml").replace(" Type=", " x:Type=\"y\" Type=");
        for odd in [duplicate, prefixed] {
            // calamine takes no workbook from these; what it reads, the pre-scan checked
            let bytes = zip_files(&[
                ("_rels/.rels", rels(&odd, "").as_bytes()),
                ("xl/workbook.xml", wb.as_bytes()),
                ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
                ("xl/worksheets/sheet1.xml", real.as_bytes()),
            ]);
            let mut zip = super::super::zip_guard::open_zip(&bytes, &Limits::default()).unwrap();
            let info =
                super::super::zip_guard::zip_checks(&zip, &bytes, &Limits::default()).unwrap();
            let plan = prescan(&mut zip, &info, &Limits::default()).unwrap();
            assert!(plan.merges.is_empty() && plan.checked.len() > 1, "{odd}");
        }
    }

    fn corrupt_message(bytes: &[u8]) -> String {
        match read_workbook(bytes, &Limits::default()) {
            Err(ReadError::Corrupt(m)) => m,
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }

    /// Regression (fuzzer, 2026-11-28): `<mergeCell ref="B2:A1">` made calamine compute
    /// `end - start` in u32 and panic ("attempt to subtract with overflow") in builds with
    /// overflow checks — caught, but with panic text on stderr; wrapped silently without.
    #[test]
    fn reversed_merge_range_is_corrupt_not_a_calamine_panic() {
        let one = r#"<row r="1"><c r="A1"><v>1</v></c></row>"#;
        for tail in [
            r#"<mergeCells count="1"><mergeCell ref="B2:A1"/></mergeCells>"#,
            r#"<mergeCells count="1"><mergeCell ref="A2:B1"/></mergeCells>"#,
        ] {
            let bytes = xlsx_with_sheets(&[("S", &sheet_xml("A1", one, tail))]);
            let m = corrupt_message(&bytes);
            assert!(
                m.contains("out of range") && m.contains("sheet1.xml"),
                "{m}"
            );
        }
        // a reversed <dimension> and a reversed shared-formula range are the same subtraction
        let bytes = xlsx_with_sheets(&[("S", &sheet_xml("C3:A1", one, ""))]);
        assert!(corrupt_message(&bytes).contains("C3:A1"));
        let rows =
            r#"<row r="1"><c r="A1"><f t="shared" ref="A2:A1" si="0">1</f><v>1</v></c></row>"#;
        let bytes = xlsx_with_sheets(&[("S", &sheet_xml("A1", rows, ""))]);
        assert!(corrupt_message(&bytes).contains("A2:A1"));
    }

    /// The same arithmetic on one reference: seven column letters or ten row digits overflow
    /// u32 while calamine parses them (and a row index near u32::MAX overflows at `</row>`).
    #[test]
    fn overlong_cell_references_are_corrupt_not_a_calamine_panic() {
        for cell in [
            r#"<row r="1"><c r="ZZZZZZZ1"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A99999999999"><v>1</v></c></row>"#,
            r#"<row r="4294967295"><c><v>1</v></c></row><row><c><v>2</v></c></row>"#,
            r#"<row r="1"><c r="ZZZZZZZZZZ!"><v>1</v></c></row>"#,
        ] {
            let bytes = xlsx_with_sheets(&[("S", &sheet_xml("A1", cell, ""))]);
            assert!(corrupt_message(&bytes).contains("out of range"), "{cell}");
        }
        // while the largest real references read (and cells past the limits are skipped)
        let far = r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c><c r="XFE1048576"><v>2</v></c></row>"#;
        let wb = read_workbook(
            &xlsx_with_sheets(&[("S", &sheet_xml("A1:XFE1048576", far, ""))]),
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(
            wb.sheets[0].cells,
            vec![(1_048_575, 16_383, Data::Float(1.0))]
        );
    }

    /// A zwxx template's sheets: the instructions, the items, the hidden list sheet; with the
    /// template-version defined name unless `marker` is None.
    fn template_like(marker: Option<&str>, lists_state: &str, lists_rows: &str) -> Vec<u8> {
        let (mut wb, rels) = workbook_parts(&["填报说明", "报送信息", "下拉列表"], |i| i);
        wb = wb.replace(
            r#"name="下拉列表""#,
            &format!(r#"name="下拉列表" state="{lists_state}""#),
        );
        if let Some(m) = marker {
            wb = wb.replace(
                "</sheets>",
                &format!(
                    r#"</sheets><definedNames><definedName name="zwxx_template_version">&quot;{m}&quot;</definedName></definedNames>"#
                ),
            );
        }
        let one = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>"#;
        let items = sheet_xml(
            "A1:B2",
            one,
            r#"<mergeCells count="2"><mergeCell ref="A1:B1"/><mergeCell ref="C3"/></mergeCells>"#,
        );
        // the instructions sheet holds a reference calamine could not survive: never read
        let instructions = sheet_xml("A1", r#"<row r="1"><c r="ZZZZZZZ1"><v>1</v></c></row>"#, "");
        let lists = sheet_xml("A1", lists_rows, "");
        xlsx_from(
            &wb,
            &rels,
            &[
                ("xl/worksheets/sheet1.xml", &instructions),
                ("xl/worksheets/sheet2.xml", &items),
                ("xl/worksheets/sheet3.xml", &lists),
            ],
        )
    }

    #[test]
    fn hidden_list_sheet_is_left_unread_when_the_version_name_is_defined() {
        let list =
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>zwxx-template-0</t></is></c></row>"#;
        let read = |marker, state| {
            let wb =
                read_workbook(&template_like(marker, state, list), &Limits::default()).unwrap();
            let names: Vec<String> = wb.sheets.iter().map(|s| s.name.clone()).collect();
            (names, wb.template_version, wb.sheets[0].merged.clone())
        };
        let (names, version, merged) = read(Some("zwxx-template-9"), "hidden");
        assert_eq!(names, ["报送信息"]);
        assert_eq!(version.as_deref(), Some("zwxx-template-9"));
        // merged ranges come from the pre-scan, as calamine reports them
        assert_eq!(
            merged,
            vec![
                Dimensions::new((0, 0), (0, 1)),
                Dimensions::new((2, 2), (2, 2))
            ]
        );
        // without the name, or when staff unhid the sheet, it is read as before
        assert_eq!(read(None, "hidden").0, ["报送信息", "下拉列表"]);
        assert_eq!(read(None, "hidden").1, None);
        assert_eq!(
            read(Some("zwxx-template-1"), "visible").0,
            ["报送信息", "下拉列表"]
        );
    }

    #[test]
    fn every_sheet_that_is_read_is_checked_and_only_those() {
        let bad = r#"<row r="1"><c r="ZZZZZZZ1"><v>1</v></c></row>"#;
        // a hostile reference on the unread hidden list sheet does not matter ...
        assert!(
            read_workbook(&template_like(Some("v"), "hidden", bad), &Limits::default()).is_ok()
        );
        // ... but on a list sheet that is read, it is caught before calamine
        let m = corrupt_message(&template_like(None, "hidden", bad));
        assert!(
            m.contains("out of range") && m.contains("sheet3.xml"),
            "{m}"
        );
    }

    #[test]
    fn sheets_the_prescan_cannot_place_are_all_checked() {
        // a Target given twice: resolution gives up, every worksheet part is checked
        let bad = sheet_xml("A1", r#"<row r="1"><c r="ZZZZZZZ1"><v>1</v></c></row>"#, "");
        let (wb, rels) = workbook_parts(&["S"], |i| i);
        let rels = rels.replace(
            r#"Target="worksheets/sheet1.xml""#,
            r#"Target="worksheets/sheet1.xml" Target="worksheets/sheet1.xml""#,
        );
        let bytes = xlsx_from(&wb, &rels, &[("xl/worksheets/sheet1.xml", &bad)]);
        let l = Limits::default();
        let mut zip = super::super::zip_guard::open_zip(&bytes, &l).unwrap();
        let info = super::super::zip_guard::zip_checks(&zip, &bytes, &l).unwrap();
        match prescan(&mut zip, &info, &l) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("out of range"), "{m}"),
            Err(e) => panic!("{e:?}"),
            Ok(_) => panic!("the unplaced sheet was not checked"),
        }
        // an absolute target resolves like a relative one
        let (wb, rels) = workbook_parts(&["S"], |i| i);
        let rels = rels.replace(
            r#"Target="worksheets/sheet1.xml""#,
            r#"Target="/xl/worksheets/sheet1.xml""#,
        );
        let bytes = xlsx_from(&wb, &rels, &[("xl/worksheets/sheet1.xml", &bad)]);
        assert!(corrupt_message(&bytes).contains("out of range"));
    }

    /// The pre-scan's merged ranges equal calamine's own `merge_cells_by_sheet_name` on every
    /// xlsx the project has: fixtures written by LibreOffice and by us, the templates, the
    /// samples and (when present) the peer corpus.
    #[test]
    fn prescan_merges_and_modified_equal_calamines() {
        let files = project_xlsx_files();
        let mut compared = 0;
        for path in &files {
            let bytes = std::fs::read(path).unwrap();
            let Ok(ours) = read_workbook(&bytes, &Limits::default()) else {
                continue;
            };
            let Ok(mut theirs) = Xlsx::new(Cursor::new(&bytes[..])) else {
                continue;
            };
            let modified = theirs.workbook_properties().ok().and_then(|p| p.modified);
            assert_eq!(ours.modified, modified, "{}", path.display());
            for sheet in &ours.sheets {
                let want = theirs.merge_cells_by_sheet_name(&sheet.name).unwrap();
                assert_eq!(sheet.merged, want, "{} {}", path.display(), sheet.name);
                compared += usize::from(!want.is_empty());
            }
        }
        assert!(
            files.len() > 20 && compared > 10,
            "{} files, {compared} sheets with merges",
            files.len()
        );
    }

    #[test]
    fn formula_without_cached_value() {
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f></c><c r="C1"><f>A1*3</f><v>3</v></c><c r="D1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c></row><row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">A1+1</f></c></row><row r="3"><c r="A3"><f t="shared" si="0"/></c></row>"#;
        let bytes = xlsx_with_sheets(&[("F", &sheet_xml("A1:D3", rows, ""))]);
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        let s = &wb.sheets[0];
        assert_eq!(s.formula_no_value, vec![(0, 1), (1, 0), (2, 0)]);
        assert_eq!(cell(s, 0, 2), Some(&Data::Float(3.0)));
        assert_eq!(cell(s, 0, 3), Some(&Data::String("ab".into())));
        assert_eq!(cell(s, 0, 1), None);
        assert_eq!(wb.modified, None);
    }

    #[test]
    fn far_corner_cell_is_cheap() {
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>"#;
        let bytes = xlsx_with_sheets(&[("Far", &sheet_xml("A1:XFD1048576", rows, ""))]);
        assert!(bytes.len() < 5 * 1024, "{}", bytes.len());
        let wb = quick("A1+XFD1048576", 2, || {
            read_workbook(&bytes, &Limits::default()).unwrap()
        });
        let s = &wb.sheets[0];
        assert_eq!(
            s.cells,
            vec![
                (0, 0, Data::Float(1.0)),
                (1_048_575, 16_383, Data::Float(2.0))
            ]
        );
        // the same cell beyond the configured bounds is skipped
        let small = Limits {
            max_rows: 1_000,
            ..Limits::default()
        };
        let wb = read_workbook(&bytes, &small).unwrap();
        assert_eq!(wb.sheets[0].cells.len(), 1);
    }

    fn big_sheet_xlsx(cells: usize) -> Vec<u8> {
        let (wb, rels) = workbook_parts(&["Big"], |i| i);
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in [
            ("[Content_Types].xml", content_types()),
            ("_rels/.rels", ROOT_RELS.to_string()),
            ("xl/workbook.xml", wb),
            ("xl/_rels/workbook.xml.rels", rels),
        ] {
            w.start_file(name, deflated()).unwrap();
            w.write_all(data.as_bytes()).unwrap();
        }
        w.start_file("xl/worksheets/sheet1.xml", deflated())
            .unwrap();
        write!(w, r#"<worksheet xmlns="{MAIN_NS}"><sheetData>"#).unwrap();
        let per_row = 100;
        let mut buf = String::new();
        for r in 0..cells / per_row {
            buf.clear();
            buf.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for _ in 0..per_row {
                buf.push_str("<c><v>1</v></c>");
            }
            buf.push_str("</row>");
            w.write_all(buf.as_bytes()).unwrap();
        }
        w.write_all(b"</sheetData></worksheet>").unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn three_million_cells_hit_max_cells() {
        // The default limit (2M cells) is checked on the release binary in tests/hostile.rs;
        // here a lower limit keeps the unoptimised unit test quick on a busy machine.
        let bytes = big_sheet_xlsx(3_000_000);
        eprintln!("3M-cell xlsx: {} bytes", bytes.len());
        let limits = Limits {
            max_cells: 200_000,
            ..Limits::default()
        };
        assert_limit(
            // debug build: calamine's pass plus the reference pre-scan over 30 MB of XML
            quick("3M cells", 20, || read_workbook(&bytes, &limits)),
            &["max_cells"],
        );
    }

    #[test]
    fn huge_shared_string_count_is_rejected_before_calamine() {
        let (wb, rels) = workbook_parts(&["S"], |i| i);
        let sheet = sheet_xml("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#, "");
        let sst = format!(
            r#"<sst xmlns="{MAIN_NS}" count="1" uniqueCount="100000000000"><si><t>x</t></si></sst>"#
        );
        let bytes = xlsx_from(
            &wb,
            &rels,
            &[
                ("xl/sharedStrings.xml", &sst),
                ("xl/worksheets/sheet1.xml", &sheet),
            ],
        );
        assert_limit(read_workbook(&bytes, &Limits::default()), &["max_cells"]);
    }

    #[test]
    fn shared_string_amplification_hits_text_budget() {
        let (wb, rels) = workbook_parts(&["S"], |i| i);
        let long = "x".repeat(100_000);
        let sst = format!(r#"<sst xmlns="{MAIN_NS}"><si><t>{long}</t></si></sst>"#);
        let mut rows = String::new();
        for r in 1..=5_000 {
            rows.push_str(&format!(r#"<row r="{r}"><c t="s"><v>0</v></c></row>"#));
        }
        let sheet = sheet_xml("A1", &rows, "");
        let bytes = xlsx_from(
            &wb,
            &rels,
            &[
                ("xl/sharedStrings.xml", &sst),
                ("xl/worksheets/sheet1.xml", &sheet),
            ],
        );
        let l = Limits {
            max_uncompressed_bytes: 100 * MIB,
            ..Limits::default()
        };
        assert_limit(
            quick("sst amplification", 5, || read_workbook(&bytes, &l)),
            &["max_uncompressed_bytes"],
        );
    }
}
