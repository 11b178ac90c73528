//! Hardened spreadsheet reading for `zwxx`.
//!
//! Spreadsheets arrive by e-mail and any of them may be broken or hostile, so
//! this module never trusts the container, the file extension or calamine's
//! own allocation decisions:
//!
//! * the format is detected from the bytes ([`sniff`]), never from a name;
//! * zip containers are checked from the central directory (entry count,
//!   declared sizes, compression ratio, duplicate names) before calamine sees
//!   them, and every inflation calamine performs afterwards is metered;
//! * parts whose content drives calamine allocations are pre-scanned
//!   (xlsx shared strings, xlsb record lengths, ods `content.xml` repeat
//!   attributes, the whole BIFF stream of an `.xls`);
//! * xlsx/xlsb sheets are read with calamine's streaming cell readers into a
//!   sparse list, never into a dense `Range`;
//! * an `.xls` is re-wrapped: its `Workbook` stream is copied out of the
//!   (untrusted) OLE container, neutralised where calamine would do
//!   unbounded work (formula token lists, `DIMENSIONS` pre-allocation) and
//!   handed to calamine inside a clean, minimal container built here;
//! * every call into calamine runs under `catch_unwind`.
//!
//! Nothing global is installed (no panic hook, no allocator).  Panics are
//! only *caught* if the binary is built with `panic = "unwind"` (the
//! default); with `panic = "abort"` a calamine panic aborts the process.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use calamine::{
    Data, DataRef, Dimensions, Ods, OdsError, Range, Reader, Sheet, SheetType, SheetVisible, Xls,
    XlsError, Xlsb, XlsbError, Xlsx, XlsxError,
};
use zip::ZipArchive;

/// Resource limits applied while reading one workbook.
///
/// Every field is an upper bound; exceeding one yields
/// [`ReadError::Limit`] whose `name` is the field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of the input file in bytes (default 50 MiB).
    pub max_file_bytes: u64,
    /// Maximum number of entries in a zip container (default 5 000).  Also
    /// bounds the number of sheets of any format.
    pub max_zip_entries: usize,
    /// Maximum sum of the declared uncompressed sizes of all zip entries
    /// (default 300 MiB).  The same figure bounds the decoded text (cell
    /// strings) the reader materialises, and twice the declared sum plus
    /// 1 MiB bounds the bytes calamine may inflate in total.
    pub max_uncompressed_bytes: u64,
    /// Maximum uncompressed/compressed ratio of one zip entry (default
    /// 1 000).  Entries smaller than 1 MiB uncompressed are not checked.
    pub max_ratio: u64,
    /// Maximum number of non-empty cells in the workbook (default
    /// 2 000 000).  Formula-without-value positions and merged regions count
    /// too, and for `.xls`/`.ods` (which calamine reads into dense grids) the
    /// summed grid area of all sheets must also stay below this figure.
    pub max_cells: usize,
    /// Cells whose 0-based row index is `>= max_rows` are skipped (default
    /// 1 048 576).
    pub max_rows: u32,
    /// Cells whose 0-based column index is `>= max_cols` are skipped
    /// (default 16 384).
    pub max_cols: u32,
}

impl Default for Limits {
    /// The defaults documented on each field.
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_zip_entries: 5_000,
            max_uncompressed_bytes: 300 * 1024 * 1024,
            max_ratio: 1_000,
            max_cells: 2_000_000,
            max_rows: 1_048_576,
            max_cols: 16_384,
        }
    }
}

impl Limits {
    fn in_bounds(&self, row: u32, col: u32) -> bool {
        row < self.max_rows && col < self.max_cols
    }
}

/// Spreadsheet container format, detected from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Office Open XML workbook (`.xlsx`, `.xlsm`, ...).
    Xlsx,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// Excel 97-2003 BIFF8 workbook in an OLE container (`.xls`).
    Xls,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
}

/// Why a workbook could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The bytes are none of the supported formats (empty, text, pdf, ...).
    NotSpreadsheet,
    /// The workbook is password protected (encrypted OOXML package, `.xls`
    /// with a `FILEPASS` record, encrypted `.ods`, encrypted zip entries).
    Encrypted,
    /// A [`Limits`] field was exceeded; `name` is the field name, `value`
    /// the observed (or estimated) figure and `limit` the bound it broke.
    Limit {
        /// Name of the [`Limits`] field.
        name: &'static str,
        /// Observed or estimated value.
        value: u64,
        /// The bound that was exceeded.
        limit: u64,
    },
    /// The container or the workbook data is malformed (calamine, zip or
    /// pre-scan error text).
    Corrupt(String),
    /// The workbook contains no worksheet.
    NoSheets,
    /// calamine panicked; the panic was caught and its message kept.
    Panic(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotSpreadsheet => f.write_str("not a spreadsheet"),
            ReadError::Encrypted => f.write_str("workbook is password protected"),
            ReadError::Limit { name, value, limit } => {
                write!(f, "limit {name} exceeded ({value} > {limit})")
            }
            ReadError::Corrupt(msg) => write!(f, "corrupt workbook: {msg}"),
            ReadError::NoSheets => f.write_str("workbook has no worksheet"),
            ReadError::Panic(msg) => write!(f, "spreadsheet reader panicked: {msg}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// The content of one worksheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetData {
    /// Sheet name as stored in the workbook.
    pub name: String,
    /// `false` for hidden and very hidden sheets.
    pub visible: bool,
    /// Non-empty cells as `(row, col, value)`, 0-based absolute positions,
    /// sorted by `(row, col)`, at most one entry per position.  Dates are
    /// kept as calamine returns them (`Data::DateTime` / `Data::DateTimeIso`).
    pub cells: Vec<(u32, u32, Data)>,
    /// Merged regions (xlsx and xls; empty for xlsb and ods, which calamine
    /// does not expose).
    pub merged: Vec<Dimensions>,
    /// Sorted positions of cells that hold a formula but no cached value
    /// (always empty for xlsb, whose formula records always carry a value).
    pub formula_no_value: Vec<(u32, u32)>,
}

/// A whole workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookData {
    /// Detected container format.
    pub format: Format,
    /// Worksheets in workbook order (chart sheets are left out; a repeated
    /// sheet name is kept once).
    pub sheets: Vec<SheetData>,
    /// Workbook property "last modified" as stored (ISO-8601 text): xlsx/xlsb
    /// `dcterms:modified`, ods `dc:date`, xls summary information
    /// `PIDSI_LASTSAVE_DTM` rendered as `YYYY-MM-DDTHH:MM:SSZ`.
    pub modified: Option<String>,
}

/// Detects the spreadsheet format from the content (never the file name).
///
/// A zip is classified by its entries (`xl/workbook.xml` → Xlsx,
/// `xl/workbook.bin` → Xlsb, an OpenDocument spreadsheet `mimetype` or a
/// `content.xml` → Ods); an OLE/CFB file is an Xls unless it holds
/// `EncryptionInfo`/`EncryptedPackage` streams ([`ReadError::Encrypted`])
/// or has no `Workbook`/`Book` stream ([`ReadError::NotSpreadsheet`], e.g. a
/// `.doc`); an OLE file too damaged to list is reported as Xls.  A zip whose
/// central directory cannot be read is [`ReadError::Corrupt`].
/// Never panics.
pub fn sniff(bytes: &[u8]) -> Result<Format, ReadError> {
    guard(|| sniff_impl(bytes, &Limits::default()).map(|(format, _)| format))
}

/// Reads every worksheet of a workbook held in memory, within `limits`.
///
/// Never panics (calamine panics become [`ReadError::Panic`]), and keeps
/// memory and time bounded by `limits` on hostile input.
pub fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    guard(|| read_impl(bytes, limits))
}

// ---------------------------------------------------------------------------
// plumbing

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
const MIB: u64 = 1024 * 1024;

fn guard<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(ReadError::Panic(panic_message(payload.as_ref()))),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

fn corrupt(msg: impl fmt::Display) -> ReadError {
    ReadError::Corrupt(msg.to_string())
}

fn limit(name: &'static str, value: u64, limit: u64) -> ReadError {
    ReadError::Limit { name, value, limit }
}

fn xlsx_err(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("xlsx: {e}")),
    }
}

fn xlsb_err(e: XlsbError) -> ReadError {
    match e {
        XlsbError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("xlsb: {e}")),
    }
}

fn xls_err(e: XlsError) -> ReadError {
    match e {
        XlsError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("xls: {e}")),
    }
}

fn ods_err(e: OdsError) -> ReadError {
    match e {
        OdsError::Password => ReadError::Encrypted,
        e => corrupt(format_args!("ods: {e}")),
    }
}

fn u16le(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32le(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u64le(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Running totals checked against `max_cells` and the text budget.
struct Budget {
    cells: u64,
    text: u64,
    max_cells: u64,
    max_text: u64,
}

impl Budget {
    fn new(limits: &Limits) -> Self {
        Budget {
            cells: 0,
            text: 0,
            max_cells: limits.max_cells as u64,
            max_text: limits.max_uncompressed_bytes,
        }
    }

    fn slots(&mut self, n: u64) -> Result<(), ReadError> {
        self.cells = self.cells.saturating_add(n);
        if self.cells > self.max_cells {
            return Err(limit("max_cells", self.cells, self.max_cells));
        }
        Ok(())
    }

    fn cell(&mut self, text: usize) -> Result<(), ReadError> {
        self.slots(1)?;
        self.text = self.text.saturating_add(text as u64);
        if self.text > self.max_text {
            return Err(limit("max_uncompressed_bytes", self.text, self.max_text));
        }
        Ok(())
    }
}

fn data_text_len(v: &Data) -> usize {
    match v {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len(),
        _ => 0,
    }
}

fn dataref_text_len(v: &DataRef<'_>) -> usize {
    match v {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
        DataRef::SharedString(s) => s.len(),
        _ => 0,
    }
}

/// Sorts, keeps the last value per position, and drops formula positions
/// that turned out to have a value.
fn finish_sheet(sd: &mut SheetData) {
    sd.cells.sort_by_key(|&(r, c, _)| (r, c));
    let mut out: Vec<(u32, u32, Data)> = Vec::with_capacity(sd.cells.len());
    for item in sd.cells.drain(..) {
        match out.last_mut() {
            Some(last) if (last.0, last.1) == (item.0, item.1) => *last = item,
            _ => out.push(item),
        }
    }
    sd.cells = out;
    sd.formula_no_value.sort_unstable();
    sd.formula_no_value.dedup();
    let cells = &sd.cells;
    sd.formula_no_value.retain(|&(r, c)| {
        cells
            .binary_search_by(|&(cr, cc, _)| (cr, cc).cmp(&(r, c)))
            .is_err()
    });
}

/// Names and visibility of the sheets to read: chart/VBA sheets skipped,
/// repeated names kept once, count bounded.
fn sheet_list(metas: &[Sheet], limits: &Limits) -> Result<Vec<(String, bool)>, ReadError> {
    if metas.len() > limits.max_zip_entries {
        return Err(limit(
            "max_zip_entries",
            metas.len() as u64,
            limits.max_zip_entries as u64,
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for m in metas {
        if matches!(m.typ, SheetType::ChartSheet | SheetType::Vba) {
            continue;
        }
        if seen.insert(m.name.clone()) {
            out.push((m.name.clone(), m.visible == SheetVisible::Visible));
        }
    }
    if out.is_empty() {
        return Err(ReadError::NoSheets);
    }
    Ok(out)
}

fn new_sheet(name: String, visible: bool) -> SheetData {
    SheetData {
        name,
        visible,
        cells: Vec::new(),
        merged: Vec::new(),
        formula_no_value: Vec::new(),
    }
}

/// Copies the non-empty cells of a dense calamine range.
fn range_cells(
    range: &Range<Data>,
    limits: &Limits,
    budget: &mut Budget,
    out: &mut Vec<(u32, u32, Data)>,
) -> Result<(), ReadError> {
    let Some((r0, c0)) = range.start() else {
        return Ok(());
    };
    for (r, c, v) in range.used_cells() {
        let row = u32::try_from(r).ok().and_then(|r| r.checked_add(r0));
        let col = u32::try_from(c).ok().and_then(|c| c.checked_add(c0));
        let (Some(row), Some(col)) = (row, col) else {
            continue;
        };
        if !limits.in_bounds(row, col) || matches!(v, Data::Empty) {
            continue;
        }
        budget.cell(data_text_len(v))?;
        out.push((row, col, v.clone()));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// entry points

type ZipIn<'a> = ZipArchive<Cursor<&'a [u8]>>;

fn sniff_impl<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<(Format, Option<ZipIn<'a>>), ReadError> {
    if bytes.starts_with(ZIP_MAGIC) {
        let mut zip = open_zip(bytes, limits)?;
        let format = zip_format(&mut zip)?;
        return Ok((format, Some(zip)));
    }
    if bytes.starts_with(&CFB_MAGIC) {
        if let Ok(cfb) = CfbFile::parse(bytes) {
            if cfb.is_encrypted() {
                return Err(ReadError::Encrypted);
            }
            if cfb.find_stream(&["Workbook", "Book"]).is_none() {
                // an OLE file without a workbook: .doc, .msg, .ppt ...
                return Err(ReadError::NotSpreadsheet);
            }
        }
        return Ok((Format::Xls, None));
    }
    Err(ReadError::NotSpreadsheet)
}

fn read_impl(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    let len = bytes.len() as u64;
    if len > limits.max_file_bytes {
        return Err(limit("max_file_bytes", len, limits.max_file_bytes));
    }
    let (format, zip) = sniff_impl(bytes, limits)?;
    let Some(mut zip) = zip else {
        return read_xls(bytes, limits);
    };
    let info = zip_checks(&zip, bytes, limits)?;
    match format {
        Format::Xlsx => {
            prescan_xlsx(&mut zip, &info, limits)?;
            drop(zip);
            read_xlsx(bytes, limits, &info)
        }
        Format::Xlsb => {
            prescan_xlsb(&mut zip, &info, limits)?;
            drop(zip);
            read_xlsb(bytes, limits, &info)
        }
        Format::Ods => {
            prescan_ods(&mut zip, &info, limits)?;
            drop(zip);
            read_ods(bytes, limits, &info)
        }
        Format::Xls => Err(ReadError::NotSpreadsheet),
    }
}

// ---------------------------------------------------------------------------
// zip container checks

struct ZipEntry {
    index: usize,
    name: String,
    lower: String,
}

struct ZipInfo {
    entries: Vec<ZipEntry>,
    total: u64,
    /// local data offset → declared uncompressed size(s) of the entries
    /// stored there
    starts: HashMap<u64, u64>,
}

fn open_zip<'a>(
    bytes: &'a [u8],
    limits: &Limits,
) -> Result<ZipArchive<Cursor<&'a [u8]>>, ReadError> {
    // The zip crate materialises one record per central directory header
    // before we can look at `len()`; bound that work by counting header
    // signatures first.  (Generous: stored nested zips also count.)
    let hard = limits.max_zip_entries.saturating_mul(20).max(1_000);
    let sigs = bytes
        .windows(4)
        .filter(|w| *w == b"PK\x01\x02")
        .take(hard + 1)
        .count();
    if sigs > hard {
        return Err(limit(
            "max_zip_entries",
            sigs as u64,
            limits.max_zip_entries as u64,
        ));
    }
    let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(format_args!("zip: {e}")))?;
    if zip.len() > limits.max_zip_entries {
        return Err(limit(
            "max_zip_entries",
            zip.len() as u64,
            limits.max_zip_entries as u64,
        ));
    }
    Ok(zip)
}

fn zip_format(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Result<Format, ReadError> {
    let mut names = Vec::with_capacity(zip.len());
    for name in zip.file_names() {
        names.push(
            name.map_err(|e| corrupt(format_args!("zip: {e}")))?
                .to_ascii_lowercase(),
        );
    }
    if names.iter().any(|n| n == "xl/workbook.xml") {
        return Ok(Format::Xlsx);
    }
    if names.iter().any(|n| n == "xl/workbook.bin") {
        return Ok(Format::Xlsb);
    }
    if let Some(i) = names.iter().position(|n| n == "mimetype")
        && let Ok(f) = zip.by_index(i)
    {
        let mut buf = Vec::new();
        if f.take(256).read_to_end(&mut buf).is_ok() && buf.trim_ascii() == ODS_MIME {
            return Ok(Format::Ods);
        }
    }
    if names.iter().any(|n| n == "content.xml") {
        return Ok(Format::Ods);
    }
    Err(ReadError::NotSpreadsheet)
}

fn zip_checks(
    zip: &ZipArchive<Cursor<&[u8]>>,
    bytes: &[u8],
    limits: &Limits,
) -> Result<ZipInfo, ReadError> {
    if zip.has_duplicate_names() {
        return Err(corrupt("zip: duplicate entry names"));
    }
    let mut seen = HashSet::new();
    let mut info = ZipInfo {
        entries: Vec::with_capacity(zip.len()),
        total: 0,
        starts: HashMap::new(),
    };
    for index in 0..zip.len() {
        let e = zip
            .by_index_data(index)
            .map_err(|e| corrupt(format_args!("zip: {e}")))?;
        let name = e
            .name()
            .map_err(|e| corrupt(format_args!("zip: {e}")))?
            .into_owned();
        if e.encrypted() {
            return Err(ReadError::Encrypted);
        }
        let lower = name.replace('\\', "/").to_ascii_lowercase();
        if !seen.insert(lower.clone()) {
            return Err(corrupt(format_args!("zip: duplicate entry name {name:?}")));
        }
        let size = e.size();
        if size >= MIB {
            let ratio = size / e.compressed_size().max(1);
            if ratio > limits.max_ratio {
                return Err(limit("max_ratio", ratio, limits.max_ratio));
            }
        }
        info.total = info.total.saturating_add(size);
        if info.total > limits.max_uncompressed_bytes {
            return Err(limit(
                "max_uncompressed_bytes",
                info.total,
                limits.max_uncompressed_bytes,
            ));
        }
        if let Some(start) = local_data_start(bytes, e.header_start()) {
            let slot = info.starts.entry(start).or_insert(0);
            *slot = slot.saturating_add(size.max(1));
        }
        info.entries.push(ZipEntry { index, name, lower });
    }
    Ok(info)
}

fn local_data_start(bytes: &[u8], header_start: u64) -> Option<u64> {
    let hs = usize::try_from(header_start).ok()?;
    if bytes.get(hs..hs.checked_add(4)?)? != ZIP_MAGIC {
        return None;
    }
    let n = u16le(bytes, hs + 26)? as u64;
    let m = u16le(bytes, hs + 28)? as u64;
    Some(header_start + 30 + n + m)
}

/// Counts what calamine inflates: every read that starts at an entry's data
/// offset charges the entry's declared size.  Past the budget, reads fail.
struct Meter {
    spent: Cell<u64>,
    budget: u64,
    tripped: Cell<bool>,
}

impl Meter {
    fn check<T>(&self, result: Result<T, ReadError>) -> Result<T, ReadError> {
        if self.tripped.get() {
            Err(limit(
                "max_uncompressed_bytes",
                self.spent.get(),
                self.budget,
            ))
        } else {
            result
        }
    }
}

struct MeteredCursor<'a> {
    inner: Cursor<&'a [u8]>,
    starts: Rc<HashMap<u64, u64>>,
    meter: Rc<Meter>,
}

impl<'a> MeteredCursor<'a> {
    fn new(bytes: &'a [u8], info: &ZipInfo) -> (Self, Rc<Meter>) {
        let meter = Rc::new(Meter {
            spent: Cell::new(0),
            budget: info.total.saturating_mul(2).saturating_add(MIB),
            tripped: Cell::new(false),
        });
        let cursor = MeteredCursor {
            inner: Cursor::new(bytes),
            starts: Rc::new(info.starts.clone()),
            meter: meter.clone(),
        };
        (cursor, meter)
    }
}

impl Read for MeteredCursor<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.meter.tripped.get() {
            return Err(io::Error::other("inflation budget exceeded"));
        }
        if !buf.is_empty()
            && let Some(&size) = self.starts.get(&self.inner.position())
        {
            let spent = self.meter.spent.get().saturating_add(size);
            self.meter.spent.set(spent);
            if spent > self.meter.budget {
                self.meter.tripped.set(true);
                return Err(io::Error::other("inflation budget exceeded"));
            }
        }
        self.inner.read(buf)
    }
}

impl Seek for MeteredCursor<'_> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

// ---------------------------------------------------------------------------
// xlsx

fn prescan_xlsx(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    limits: &Limits,
) -> Result<(), ReadError> {
    // calamine reserves `uniqueCount` Strings up front (an allocation it
    // cannot survive if huge) and keeps one String per <si>.
    let max = limits.max_cells as u64;
    for e in info
        .entries
        .iter()
        .filter(|e| e.lower.ends_with("sharedstrings.xml"))
    {
        let f = zip
            .by_index(e.index)
            .map_err(|err| corrupt(format_args!("zip: {}: {err}", e.name)))?;
        let mut count = 0u64;
        scan_xml(f, |ev| {
            if let XmlEv::Start { name, attrs, .. } = ev {
                match local_name(name) {
                    b"sst" => {
                        if let Some(n) = attr(attrs, b"uniqueCount").and_then(parse_count)
                            && n > max
                        {
                            return Err(limit("max_cells", n, max));
                        }
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
    Ok(())
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

fn read_xlsx(bytes: &[u8], limits: &Limits, info: &ZipInfo) -> Result<WorkbookData, ReadError> {
    let (cursor, meter) = MeteredCursor::new(bytes, info);
    let result = read_xlsx_inner(cursor, limits);
    meter.check(result)
}

fn read_xlsx_inner(cursor: MeteredCursor<'_>, limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut wb = Xlsx::new(cursor).map_err(xlsx_err)?;
    let modified = wb.workbook_properties().ok().and_then(|p| p.modified);
    let list = sheet_list(wb.sheets_metadata(), limits)?;
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::with_capacity(list.len());
    for (name, visible) in list {
        let mut sd = new_sheet(name, visible);
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
        sd.merged = wb.merge_cells_by_sheet_name(&sd.name).map_err(xlsx_err)?;
        budget.slots(sd.merged.len() as u64)?;
        finish_sheet(&mut sd);
        sheets.push(sd);
    }
    Ok(WorkbookData {
        format: Format::Xlsx,
        sheets,
        modified,
    })
}

// ---------------------------------------------------------------------------
// xlsb

fn prescan_xlsb(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    limits: &Limits,
) -> Result<(), ReadError> {
    // calamine sizes its record buffer from the record header before reading
    // (up to 256 MiB per record) and keeps one String per shared string.
    for e in info.entries.iter().filter(|e| {
        e.lower.ends_with(".bin")
            && !e.lower.contains("vbaproject")
            && !e.lower.contains("printersettings")
            && !e.lower.contains("/embeddings/")
    }) {
        let f = zip
            .by_index(e.index)
            .map_err(|err| corrupt(format_args!("zip: {}: {err}", e.name)))?;
        let count_sst = e.lower.ends_with("sharedstrings.bin");
        walk_xlsb_records(BufReader::new(f), count_sst, limits).map_err(|err| match err {
            ReadError::Corrupt(m) => corrupt(format_args!("xlsb: {}: {m}", e.name)),
            other => other,
        })?;
    }
    Ok(())
}

const XLSB_MAX_RECORD: u64 = 16 * 1024 * 1024;

fn walk_xlsb_records<R: Read>(mut r: R, count_sst: bool, limits: &Limits) -> Result<(), ReadError> {
    fn byte<R: Read>(r: &mut R) -> Result<Option<u8>, ReadError> {
        let mut b = [0u8; 1];
        loop {
            match r.read(&mut b) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(b[0])),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(corrupt(e)),
            }
        }
    }
    let max = limits.max_cells as u64;
    let mut sst = 0u64;
    loop {
        let Some(b) = byte(&mut r)? else {
            return Ok(());
        };
        let mut typ = u16::from(b);
        if b & 0x80 != 0 {
            let b2 = byte(&mut r)?.ok_or_else(|| corrupt("truncated record type"))?;
            typ = u16::from(b & 0x7F) + (u16::from(b2 & 0x7F) << 7);
        }
        let mut b = byte(&mut r)?.ok_or_else(|| corrupt("truncated record length"))?;
        let mut len = u64::from(b & 0x7F);
        for i in 1..4 {
            if b & 0x80 == 0 {
                break;
            }
            b = byte(&mut r)?.ok_or_else(|| corrupt("truncated record length"))?;
            len += u64::from(b & 0x7F) << (7 * i);
        }
        if len > XLSB_MAX_RECORD {
            return Err(corrupt(format_args!("record of {len} bytes")));
        }
        let copied = io::copy(&mut (&mut r).take(len), &mut io::sink()).map_err(corrupt)?;
        if copied < len {
            return Err(corrupt("record longer than its part"));
        }
        if count_sst && typ == 0x0013 {
            sst += 1;
            if sst > max {
                return Err(limit("max_cells", sst, max));
            }
        }
    }
}

fn read_xlsb(bytes: &[u8], limits: &Limits, info: &ZipInfo) -> Result<WorkbookData, ReadError> {
    let (cursor, meter) = MeteredCursor::new(bytes, info);
    let result = read_xlsb_inner(cursor, limits);
    meter.check(result)
}

fn read_xlsb_inner(cursor: MeteredCursor<'_>, limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut wb = Xlsb::new(cursor).map_err(xlsb_err)?;
    let modified = wb.workbook_properties().ok().and_then(|p| p.modified);
    let list = sheet_list(wb.sheets_metadata(), limits)?;
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::with_capacity(list.len());
    for (name, visible) in list {
        let mut sd = new_sheet(name, visible);
        let mut reader = wb.worksheet_cells_reader(&sd.name).map_err(xlsb_err)?;
        while let Some(cell) = reader.next_cell().map_err(xlsb_err)? {
            let (r, c) = cell.get_position();
            let v = cell.get_value();
            if !limits.in_bounds(r, c) || matches!(v, DataRef::Empty) {
                continue;
            }
            budget.cell(dataref_text_len(v))?;
            sd.cells.push((r, c, Data::from(v.clone())));
        }
        drop(reader);
        finish_sheet(&mut sd);
        sheets.push(sd);
    }
    Ok(WorkbookData {
        format: Format::Xlsb,
        sheets,
        modified,
    })
}

// ---------------------------------------------------------------------------
// ods

fn prescan_ods(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    info: &ZipInfo,
    limits: &Limits,
) -> Result<(), ReadError> {
    if let Some(e) = info
        .entries
        .iter()
        .find(|e| e.name == "META-INF/manifest.xml")
    {
        let f = zip
            .by_index(e.index)
            .map_err(|err| corrupt(format_args!("zip: manifest: {err}")))?;
        let mut encrypted = false;
        scan_xml(f, |ev| {
            if let XmlEv::Start { name, .. } = ev
                && name == b"manifest:encryption-data"
            {
                encrypted = true;
                return Ok(false);
            }
            Ok(true)
        })?;
        if encrypted {
            return Err(ReadError::Encrypted);
        }
    }
    if let Some(e) = info.entries.iter().find(|e| e.name == "content.xml") {
        let f = zip
            .by_index(e.index)
            .map_err(|err| corrupt(format_args!("zip: content.xml: {err}")))?;
        let mut scan = OdsScan::new(limits);
        scan_xml(f, |ev| scan.event(ev))?;
        scan.finish()?;
    }
    Ok(())
}

const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLS: u64 = 16_384;

/// Estimates, from `content.xml`, what calamine's ods reader will allocate:
/// it expands `number-columns-repeated` (capped at 16 384 per row) while
/// reading rows, then `number-rows-repeated` into a dense grid per table,
/// cloning the cell strings for every repetition.
struct OdsScan {
    max_cells: u64,
    max_text: u64,
    max_tables: u64,
    tables: u64,
    stopped: bool,
    in_table: bool,
    in_row: bool,
    // row
    total_rows: u64,
    row_rep: u64,
    row_cols: u64,
    pending_empty: u64,
    row_nonempty: u64,
    row_text: u64,
    row_min: u64,
    row_max: u64,
    // cell
    cell_depth: u32,
    cell_rep: u64,
    cell_nonempty: bool,
    cell_text: u64,
    // table
    t_seen: bool,
    t_span: u64,
    t_pending: u64,
    t_min: u64,
    t_max: u64,
    // totals
    area_done: u64,
    phase1: u64,
    nonempty: u64,
    text1: u64,
    text2: u64,
}

impl OdsScan {
    fn new(limits: &Limits) -> Self {
        OdsScan {
            max_cells: limits.max_cells as u64,
            max_text: limits.max_uncompressed_bytes,
            max_tables: limits.max_zip_entries as u64,
            tables: 0,
            stopped: false,
            in_table: false,
            in_row: false,
            total_rows: 0,
            row_rep: 0,
            row_cols: 0,
            pending_empty: 0,
            row_nonempty: 0,
            row_text: 0,
            row_min: u64::MAX,
            row_max: 0,
            cell_depth: 0,
            cell_rep: 0,
            cell_nonempty: false,
            cell_text: 0,
            t_seen: false,
            t_span: 0,
            t_pending: 0,
            t_min: u64::MAX,
            t_max: 0,
            area_done: 0,
            phase1: 0,
            nonempty: 0,
            text1: 0,
            text2: 0,
        }
    }

    fn table_area(&self) -> u64 {
        if self.t_seen {
            self.t_span
                .saturating_mul(self.t_max.saturating_sub(self.t_min).saturating_add(1))
        } else {
            0
        }
    }

    fn check(&self) -> Result<(), ReadError> {
        let area = self.area_done.saturating_add(self.table_area());
        for value in [self.nonempty, self.phase1, area] {
            if value > self.max_cells {
                return Err(limit("max_cells", value, self.max_cells));
            }
        }
        // phase-1 clones, then grid, its clone in worksheet_range and ours
        let text = self.text1.saturating_add(self.text2.saturating_mul(3));
        if text > self.max_text {
            return Err(limit("max_uncompressed_bytes", text, self.max_text));
        }
        Ok(())
    }

    fn finish(&self) -> Result<(), ReadError> {
        self.check()
    }

    /// calamine would fail here: nothing past this point gets allocated.
    fn stop(&mut self) -> Result<bool, ReadError> {
        self.stopped = true;
        self.check()?;
        Ok(false)
    }

    fn event(&mut self, ev: XmlEv<'_>) -> Result<bool, ReadError> {
        if self.stopped {
            return Ok(false);
        }
        if self.cell_depth > 0 {
            return self.cell_event(ev);
        }
        match ev {
            XmlEv::Start { name, attrs, empty } => match name {
                b"table:table"
                    if !self.in_table && !empty && attr(attrs, b"table:name").is_some() =>
                {
                    self.tables += 1;
                    if self.tables > self.max_tables {
                        return Err(limit("max_zip_entries", self.tables, self.max_tables));
                    }
                    self.in_table = true;
                    self.t_seen = false;
                    self.t_span = 0;
                    self.t_pending = 0;
                    self.t_min = u64::MAX;
                    self.t_max = 0;
                    self.total_rows = 0;
                }
                b"table:table-row" if self.in_table && !self.in_row => {
                    let rep = match attr(attrs, b"table:number-rows-repeated") {
                        None => 1,
                        Some(v) => match unescape(v).and_then(|s| s.parse::<usize>().ok()) {
                            Some(n) => n as u64,
                            None => return self.stop(),
                        },
                    };
                    let capped = rep.min(ODS_MAX_ROWS.saturating_sub(self.total_rows));
                    self.total_rows = self.total_rows.saturating_add(capped);
                    self.in_row = true;
                    self.row_rep = capped;
                    self.row_cols = 0;
                    self.pending_empty = 0;
                    self.row_nonempty = 0;
                    self.row_text = 0;
                    self.row_min = u64::MAX;
                    self.row_max = 0;
                    if empty {
                        self.end_row()?;
                    }
                }
                b"table:table-cell" | b"table:covered-table-cell" if self.in_row => {
                    let rep = match attr(attrs, b"table:number-columns-repeated") {
                        None => 1,
                        Some(v) => match std::str::from_utf8(v)
                            .ok()
                            .and_then(|s| s.parse::<usize>().ok())
                        {
                            Some(n) => n as u64,
                            None => return self.stop(),
                        },
                    };
                    let mut nonempty = false;
                    let mut text = 0u64;
                    for key in [
                        &b"office:value"[..],
                        b"office:string-value",
                        b"office:date-value",
                        b"office:time-value",
                        b"office:boolean-value",
                    ] {
                        if let Some(v) = attr(attrs, key) {
                            nonempty = true;
                            text = text.saturating_add(v.len() as u64);
                        }
                    }
                    if attr(attrs, b"office:value-type") == Some(b"string") {
                        nonempty = true;
                    }
                    if let Some(f) = attr(attrs, b"table:formula")
                        && !f.is_empty()
                    {
                        nonempty = true;
                        text = text.saturating_add(f.len() as u64);
                    }
                    self.cell_rep = rep;
                    self.cell_nonempty = nonempty;
                    self.cell_text = text;
                    if empty {
                        self.end_cell()?;
                    } else {
                        self.cell_depth = 1;
                    }
                }
                _ => {}
            },
            XmlEv::End { name } => match name {
                b"table:table-row" if self.in_row => self.end_row()?,
                b"table:table" if self.in_table && !self.in_row => {
                    self.area_done = self.area_done.saturating_add(self.table_area());
                    self.t_seen = false;
                    self.in_table = false;
                    self.check()?;
                }
                _ => {}
            },
            XmlEv::Text(_) => {}
        }
        Ok(true)
    }

    fn cell_event(&mut self, ev: XmlEv<'_>) -> Result<bool, ReadError> {
        match ev {
            XmlEv::Text(t) => self.cell_text = self.cell_text.saturating_add(t.len() as u64),
            XmlEv::Start { name, attrs, empty } => {
                match name {
                    b"table:table-cell" | b"table:covered-table-cell" if !empty => {
                        self.cell_depth += 1;
                    }
                    b"text:s" => {
                        let n = match attr(attrs, b"text:c") {
                            None => 1,
                            Some(v) => match unescape(v).and_then(|s| s.parse::<usize>().ok()) {
                                Some(n) => n as u64,
                                None => return self.stop(),
                            },
                        };
                        self.cell_text = self.cell_text.saturating_add(n);
                    }
                    b"text:p" | b"text:tab" | b"text:line-break" => {
                        self.cell_text = self.cell_text.saturating_add(1);
                    }
                    _ => {}
                }
                // a single cell must not already blow the text budget
                if self.cell_text > self.max_text {
                    return Err(limit(
                        "max_uncompressed_bytes",
                        self.cell_text,
                        self.max_text,
                    ));
                }
            }
            XmlEv::End { name } => {
                if matches!(name, b"table:table-cell" | b"table:covered-table-cell") {
                    self.cell_depth -= 1;
                    if self.cell_depth == 0 {
                        self.end_cell()?;
                    }
                }
            }
        }
        Ok(true)
    }

    fn end_cell(&mut self) -> Result<(), ReadError> {
        // mirrors calamine's read_row: pending empty cells are pushed when
        // the next cell starts, then this cell is pushed `repeats` times if
        // it is non-empty (or left pending if it is empty)
        let capped_empty = self
            .pending_empty
            .min(ODS_MAX_COLS.saturating_sub(self.row_cols));
        self.row_cols += capped_empty;
        self.phase1 = self.phase1.saturating_add(capped_empty);
        self.pending_empty = 0;
        let capped = self
            .cell_rep
            .min(ODS_MAX_COLS.saturating_sub(self.row_cols));
        if self.cell_nonempty {
            if capped > 0 {
                self.row_min = self.row_min.min(self.row_cols);
                self.row_max = self.row_max.max(self.row_cols + capped - 1);
            }
            self.row_cols += capped;
            self.phase1 = self.phase1.saturating_add(capped);
            self.row_nonempty = self.row_nonempty.saturating_add(capped);
            let text = self.cell_text.saturating_mul(capped);
            self.row_text = self.row_text.saturating_add(text);
            self.text1 = self.text1.saturating_add(text);
        } else {
            self.pending_empty = capped;
        }
        self.check()
    }

    fn end_row(&mut self) -> Result<(), ReadError> {
        self.in_row = false;
        if self.row_nonempty > 0 {
            if self.t_seen {
                self.t_span = self
                    .t_span
                    .saturating_add(self.t_pending)
                    .saturating_add(self.row_rep);
            } else {
                self.t_seen = true;
                self.t_span = self.row_rep;
            }
            self.t_pending = 0;
            self.t_min = self.t_min.min(self.row_min);
            self.t_max = self.t_max.max(self.row_max);
            self.nonempty = self
                .nonempty
                .saturating_add(self.row_nonempty.saturating_mul(self.row_rep));
            self.text2 = self
                .text2
                .saturating_add(self.row_text.saturating_mul(self.row_rep));
        } else if self.t_seen {
            self.t_pending = self.t_pending.saturating_add(self.row_rep);
        }
        self.check()
    }
}

fn read_ods(bytes: &[u8], limits: &Limits, info: &ZipInfo) -> Result<WorkbookData, ReadError> {
    let (cursor, meter) = MeteredCursor::new(bytes, info);
    let result = read_ods_inner(cursor, limits);
    meter.check(result)
}

fn read_ods_inner(cursor: MeteredCursor<'_>, limits: &Limits) -> Result<WorkbookData, ReadError> {
    let mut wb: Ods<_> = Ods::new(cursor).map_err(ods_err)?;
    let modified = wb.workbook_properties().ok().and_then(|p| p.modified);
    let list = sheet_list(wb.sheets_metadata(), limits)?;
    let mut budget = Budget::new(limits);
    let mut sheets = Vec::with_capacity(list.len());
    for (name, visible) in list {
        let mut sd = new_sheet(name, visible);
        // worksheet_range, not worksheet_range_ref (panics on ods, #383);
        // the grid size was bounded by the content.xml pre-scan
        let range = wb.worksheet_range(&sd.name).map_err(ods_err)?;
        range_cells(&range, limits, &mut budget, &mut sd.cells)?;
        drop(range);
        let formulas = wb.worksheet_formula(&sd.name).map_err(ods_err)?;
        if let Some((r0, c0)) = formulas.start() {
            for (r, c, f) in formulas.used_cells() {
                let row = u32::try_from(r).ok().and_then(|r| r.checked_add(r0));
                let col = u32::try_from(c).ok().and_then(|c| c.checked_add(c0));
                if let (Some(row), Some(col)) = (row, col)
                    && !f.is_empty()
                    && limits.in_bounds(row, col)
                {
                    budget.slots(1)?;
                    sd.formula_no_value.push((row, col));
                }
            }
        }
        drop(formulas);
        finish_sheet(&mut sd);
        sheets.push(sd);
    }
    Ok(WorkbookData {
        format: Format::Ods,
        sheets,
        modified,
    })
}

// ---------------------------------------------------------------------------
// minimal streaming XML tokenizer (no entity expansion, no validation)

enum XmlEv<'a> {
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

const XML_CHUNK: usize = 64 * 1024;
const XML_MAX_MARKUP: usize = 16 * 1024 * 1024;

/// Feeds `f` with the events of an XML stream; `f` returns `Ok(false)` to
/// stop early.  Memory is bounded by the largest markup (16 MiB).
fn scan_xml<R: Read>(
    mut r: R,
    mut f: impl FnMut(XmlEv<'_>) -> Result<bool, ReadError>,
) -> Result<(), ReadError> {
    let mut buf: Vec<u8> = Vec::new();
    let mut pos = 0usize;
    let mut eof = false;
    let mut want = XML_CHUNK;
    loop {
        if pos >= buf.len() {
            if eof {
                return Ok(());
            }
            buf.clear();
            pos = 0;
            eof = fill(&mut r, &mut buf, XML_CHUNK)?;
            continue;
        }
        if buf[pos] != b'<' {
            let end = buf[pos..]
                .iter()
                .position(|&b| b == b'<')
                .map_or(buf.len(), |i| pos + i);
            if !f(XmlEv::Text(&buf[pos..end]))? {
                return Ok(());
            }
            pos = end;
            continue;
        }
        match markup_len(&buf[pos..]) {
            Some(len) => {
                if !emit_markup(&buf[pos..pos + len], &mut f)? {
                    return Ok(());
                }
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

/// Appends up to `n` bytes; returns true at end of stream.
fn fill<R: Read>(r: &mut R, buf: &mut Vec<u8>, n: usize) -> Result<bool, ReadError> {
    let old = buf.len();
    buf.resize(old + n, 0);
    let mut got = 0;
    let mut eof = false;
    while got < n {
        match r.read(&mut buf[old + got..]) {
            Ok(0) => {
                eof = true;
                break;
            }
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                buf.truncate(old + got);
                return Err(corrupt(format_args!("zip read: {e}")));
            }
        }
    }
    buf.truncate(old + got);
    Ok(eof)
}

fn find_from(s: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    s.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|i| i + from)
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
                let mut depth = 0i64;
                let mut quote = 0u8;
                for (i, &b) in s.iter().enumerate().skip(2) {
                    if quote != 0 {
                        if b == quote {
                            quote = 0;
                        }
                        continue;
                    }
                    match b {
                        b'"' | b'\'' => quote = b,
                        b'[' => depth += 1,
                        b']' => depth -= 1,
                        b'>' if depth <= 0 => return Some(i + 1),
                        _ => {}
                    }
                }
                None
            }
        }
        _ => {
            let mut quote = 0u8;
            for (i, &b) in s.iter().enumerate().skip(1) {
                if quote != 0 {
                    if b == quote {
                        quote = 0;
                    }
                    continue;
                }
                match b {
                    b'"' | b'\'' => quote = b,
                    b'>' => return Some(i + 1),
                    _ => {}
                }
            }
            None
        }
    }
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

fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// Raw (still escaped) value of attribute `key`.
fn attr<'a>(mut s: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
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
fn unescape(v: &[u8]) -> Option<String> {
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

// ---------------------------------------------------------------------------
// OLE compound file (read side: validating, bounded; write side: minimal)

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;
const FATSECT: u32 = 0xFFFF_FFFD;
const NOSTREAM: u32 = 0xFFFF_FFFF;
const FIRST_SPECIAL: u32 = 0xFFFF_FFFA;

struct CfbDir {
    name: String,
    typ: u8,
    start: u32,
    size: u64,
}

struct CfbFile<'a> {
    data: &'a [u8],
    ssz: usize,
    nsec: usize,
    fat_secs: Vec<u32>,
    dirs: Vec<CfbDir>,
    minifat_start: u32,
}

impl<'a> CfbFile<'a> {
    fn parse(data: &'a [u8]) -> Result<Self, ReadError> {
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

    fn is_encrypted(&self) -> bool {
        self.dirs.iter().any(|d| {
            d.name.eq_ignore_ascii_case("EncryptionInfo")
                || d.name.eq_ignore_ascii_case("EncryptedPackage")
        })
    }

    fn find_stream(&self, names: &[&str]) -> Option<&CfbDir> {
        names.iter().find_map(|n| {
            self.dirs
                .iter()
                .find(|d| d.typ == 2 && d.name.eq_ignore_ascii_case(n))
        })
    }

    fn read_stream(&self, d: &CfbDir) -> Result<Vec<u8>, ReadError> {
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
    fn summary_modified(&self) -> Option<String> {
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
fn build_cfb(streams: &[(&str, &[u8])]) -> Result<Vec<u8>, ReadError> {
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

// ---------------------------------------------------------------------------
// xls

fn read_xls(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
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
    let list = sheet_list(&metas, limits)?;
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
    })
}

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

struct BiffScan {
    stream: Vec<u8>,
    /// per BoundSheet record: formula positions
    formulas: Vec<Vec<(u32, u32)>>,
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
fn prepare_biff(mut stream: Vec<u8>, limits: &Limits) -> Result<BiffScan, ReadError> {
    let mut sheet_pos = Vec::new();
    let mut sst = Vec::new();
    let mut pos = 0;
    let mut per_char = text_per_char(1200);
    let mut biff8: Option<bool> = None;
    let mut codepage_fix = Vec::new();
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
            0x000A => break,
            _ => {}
        }
    }
    for at in codepage_fix {
        stream[at..at + 2].copy_from_slice(&1200u16.to_le_bytes());
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

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::time::{Duration, Instant};
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    fn deflated() -> SimpleFileOptions {
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
    }

    fn zip_files(files: &[(&str, &[u8])]) -> Vec<u8> {
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

    fn content_types() -> String {
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_string()
    }

    const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

    /// workbook.xml + rels for `names`, sheet i → worksheets/sheet{target(i)}.xml
    fn workbook_parts(names: &[&str], target: impl Fn(usize) -> usize) -> (String, String) {
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

    /// A hand-built xlsx with one worksheet per `(name, sheet xml)`.
    fn xlsx_with_sheets(sheets: &[(&str, &str)]) -> Vec<u8> {
        let names: Vec<&str> = sheets.iter().map(|s| s.0).collect();
        let (wb, rels) = workbook_parts(&names, |i| i);
        let ct = content_types();
        let sheet_names: Vec<String> = (1..=sheets.len())
            .map(|i| format!("xl/worksheets/sheet{i}.xml"))
            .collect();
        let mut files: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", ROOT_RELS.as_bytes()),
            ("xl/workbook.xml", wb.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ];
        for (i, (_, xml)) in sheets.iter().enumerate() {
            files.push((&sheet_names[i], xml.as_bytes()));
        }
        zip_files(&files)
    }

    fn sheet_xml(dimension: &str, rows: &str, tail: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData>{tail}</worksheet>"#
        )
    }

    fn assert_limit(r: Result<WorkbookData, ReadError>, names: &[&str]) {
        match r {
            Err(ReadError::Limit { name, .. }) if names.contains(&name) => {}
            other => panic!("expected Limit {names:?}, got {other:?}"),
        }
    }

    fn quick<T>(what: &str, secs: u64, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        let took = t.elapsed();
        eprintln!("{what}: {took:?}");
        assert!(took < Duration::from_secs(secs), "{what} took {took:?}");
        out
    }

    fn cell(sheet: &SheetData, r: u32, c: u32) -> Option<&Data> {
        sheet
            .cells
            .iter()
            .find(|(cr, cc, _)| (*cr, *cc) == (r, c))
            .map(|(_, _, v)| v)
    }

    fn normal_xlsx() -> Vec<u8> {
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
    fn truncated_zip_is_corrupt() {
        let bytes = normal_xlsx();
        for cut in [10, bytes.len() / 2, bytes.len() - 10] {
            match read_workbook(&bytes[..cut], &Limits::default()) {
                Err(ReadError::Corrupt(_)) => {}
                other => panic!("cut {cut}: {other:?}"),
            }
        }
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

    /// Rewrites the declared uncompressed size of `name` in both headers.
    fn patch_declared_size(zip: &mut [u8], name: &str, size: u32) {
        let n = name.as_bytes();
        let mut patched = 0;
        for i in 0..zip.len().saturating_sub(46) {
            if zip[i..].starts_with(b"PK\x01\x02") && zip[i + 46..].starts_with(n) {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
            if zip[i..].starts_with(b"PK\x03\x04") && zip[i + 30..].starts_with(n) {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
    }

    #[test]
    fn gigabyte_declared_entry_is_rejected() {
        let mut bytes = xlsx_with_sheets(&[(
            "S",
            &sheet_xml("A1", r#"<row r="1"><c r="A1"><v>1</v></c></row>"#, ""),
        )]);
        patch_declared_size(&mut bytes, "xl/worksheets/sheet1.xml", 1_000_000_000);
        assert_limit(
            quick("1 GB declared", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_ratio", "max_uncompressed_bytes"],
        );
        let relaxed = Limits {
            max_ratio: u64::MAX,
            ..Limits::default()
        };
        assert_limit(read_workbook(&bytes, &relaxed), &["max_uncompressed_bytes"]);
    }

    #[test]
    fn under_declared_entry_fails_while_inflating() {
        let mut rows = String::new();
        for r in 1..=20_000 {
            rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
        }
        let mut bytes = xlsx_with_sheets(&[("S", &sheet_xml("A1", &rows, ""))]);
        patch_declared_size(&mut bytes, "xl/worksheets/sheet1.xml", 1_000);
        match quick("under-declared", 5, || {
            read_workbook(&bytes, &Limits::default())
        }) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("declared"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ten_thousand_entries() {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..10_000 {
            w.start_file(format!("xl/media/f{i}.txt"), SimpleFileOptions::default())
                .unwrap();
        }
        w.start_file("xl/workbook.xml", SimpleFileOptions::default())
            .unwrap();
        let bytes = w.finish().unwrap().into_inner();
        assert_limit(
            quick("10k entries", 3, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_zip_entries"],
        );
    }

    #[test]
    fn duplicate_entry_names_are_corrupt() {
        let xml = sheet_xml("A1", r#"<row r="1"><c r="A1"><v>1</v></c></row>"#, "");
        let mut bytes = xlsx_with_sheets(&[("S", &xml)]);
        // add a second copy of the sheet under a placeholder name, then
        // rename it in both headers
        let mut w = ZipWriter::new_append(Cursor::new(bytes.clone())).unwrap();
        w.start_file("xl/worksheets/sheetX.xml", deflated())
            .unwrap();
        w.write_all(xml.as_bytes()).unwrap();
        bytes = w.finish().unwrap().into_inner();
        let from = b"xl/worksheets/sheetX.xml";
        let to = b"xl/worksheets/sheet1.xml";
        for i in 0..bytes.len() - from.len() {
            if &bytes[i..i + from.len()] == from {
                bytes[i..i + to.len()].copy_from_slice(to);
            }
        }
        match read_workbook(&bytes, &Limits::default()) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("duplicate"), "{m}"),
            other => panic!("{other:?}"),
        }
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
        let bytes = big_sheet_xlsx(3_000_000);
        eprintln!("3M-cell xlsx: {} bytes", bytes.len());
        assert_limit(
            quick("3M cells", 10, || read_workbook(&bytes, &Limits::default())),
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
        let ct = content_types();
        let bytes = zip_files(&[
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", ROOT_RELS.as_bytes()),
            ("xl/workbook.xml", wb.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/sharedStrings.xml", sst.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ]);
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
        let ct = content_types();
        let bytes = zip_files(&[
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", ROOT_RELS.as_bytes()),
            ("xl/workbook.xml", wb.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/sharedStrings.xml", sst.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ]);
        let l = Limits {
            max_uncompressed_bytes: 100 * MIB,
            ..Limits::default()
        };
        assert_limit(
            quick("sst amplification", 5, || read_workbook(&bytes, &l)),
            &["max_uncompressed_bytes"],
        );
    }

    #[test]
    fn many_sheet_names_on_one_part_trip_the_meter() {
        // 2 000 sheet names all pointing at one 5 MB part full of empty rows
        let names: Vec<String> = (0..2_000).map(|i| format!("S{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let (wb, rels) = workbook_parts(&refs, |_| 0);
        let rows = "<row/>".repeat(800_000);
        let sheet = sheet_xml("A1", &rows, "");
        let ct = content_types();
        let bytes = zip_files(&[
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", ROOT_RELS.as_bytes()),
            ("xl/workbook.xml", wb.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ]);
        assert_limit(
            quick("2000 names, one part", 10, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_uncompressed_bytes"],
        );
    }

    // ---- CFB / xls

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

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut v = typ.to_le_bytes().to_vec();
        v.extend_from_slice(&(data.len() as u16).to_le_bytes());
        v.extend_from_slice(data);
        v
    }

    fn bof(dt: u16) -> Vec<u8> {
        let mut d = vec![0u8; 16];
        d[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
        d[2..4].copy_from_slice(&dt.to_le_bytes());
        rec(0x0809, &d)
    }

    fn number(r: u16, c: u16, v: f64) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend_from_slice(&r.to_le_bytes());
        d.extend_from_slice(&c.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&v.to_le_bytes());
        rec(0x0203, &d)
    }

    fn label(r: u16, c: u16, s: &str) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend_from_slice(&r.to_le_bytes());
        d.extend_from_slice(&c.to_le_bytes());
        d.extend_from_slice(&0u16.to_le_bytes());
        d.extend_from_slice(&(s.len() as u16).to_le_bytes());
        d.push(0);
        d.extend_from_slice(s.as_bytes());
        rec(0x0204, &d)
    }

    fn formula(r: u16, c: u16, value: f64, rgce: &[u8]) -> Vec<u8> {
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
    fn xls_bytes(globals: &[Vec<u8>], sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
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
        build_cfb(&[("Workbook", &head)]).unwrap()
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

    // ---- ods

    const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

    fn ods_bytes(body: &str, manifest: &str) -> Vec<u8> {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        );
        let meta = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"><office:meta><dc:date>2023-01-02T03:04:05</dc:date></office:meta></office:document-meta>"#;
        zip_files(&[
            ("mimetype", ODS_MIME),
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", content.as_bytes()),
            ("meta.xml", meta.as_bytes()),
        ])
    }

    #[test]
    fn normal_ods_reads() {
        let body = r#"<table:table table:name="Blatt1"><table:table-row><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>hi</text:p></table:table-cell><table:table-cell table:formula="of:=[.A1]*2"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_eq!(sniff(&bytes), Ok(Format::Ods));
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.format, Format::Ods);
        assert_eq!(wb.modified.as_deref(), Some("2023-01-02T03:04:05"));
        let s = &wb.sheets[0];
        assert_eq!(s.name, "Blatt1");
        assert_eq!(
            s.cells,
            vec![(0, 0, Data::Float(3.0)), (0, 1, Data::String("hi".into()))]
        );
        assert_eq!(s.formula_no_value, vec![(0, 2)]);
    }

    #[test]
    fn ods_huge_repeats_are_rejected_quickly() {
        let body = r#"<table:table table:name="T"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_limit(
            quick("ods repeated row", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_cells"],
        );
        // 300 rows each with one cell repeated over all columns
        let row = r#"<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
        let body = format!(
            r#"<table:table table:name="T">{}</table:table>"#,
            row.repeat(300)
        );
        let bytes = ods_bytes(&body, ODS_MANIFEST);
        assert_limit(
            quick("ods repeated cells", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_cells"],
        );
        // a far-away single value: grid area
        let body = r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="float" office:value="2"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_limit(
            quick("ods far cell", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_cells"],
        );
        // text:s with a huge count
        let body = r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="4000000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        assert_limit(
            quick("ods text:s", 2, || {
                read_workbook(&bytes, &Limits::default())
            }),
            &["max_uncompressed_bytes"],
        );
    }

    #[test]
    fn ods_reasonable_repeats_still_read() {
        // typical LibreOffice output: trailing empty columns/rows repeated
        let body = r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#;
        let bytes = ods_bytes(body, ODS_MANIFEST);
        let wb = read_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.sheets[0].cells, vec![(0, 0, Data::Float(1.0))]);
    }

    #[test]
    fn ods_encrypted_manifest() {
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/></manifest:encryption-data></manifest:file-entry></manifest:manifest>"#;
        let bytes = ods_bytes("", manifest);
        assert_eq!(
            read_workbook(&bytes, &Limits::default()),
            Err(ReadError::Encrypted)
        );
    }

    // ---- xlsb (no writer available: container-level checks only)

    #[test]
    fn xlsb_oversized_record_is_rejected_before_calamine() {
        // record type 0x01, length 0x0FFFFFFF (256 MiB) in a tiny part
        let part = [0x01u8, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0];
        let bytes = zip_files(&[("xl/workbook.bin", &part), ("xl/styles.bin", &part)]);
        assert_eq!(sniff(&bytes), Ok(Format::Xlsb));
        match read_workbook(&bytes, &Limits::default()) {
            Err(ReadError::Corrupt(m)) => assert!(m.contains("xlsb"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    // ---- fuzz-ish: mutated real files never escape as panics

    #[test]
    fn mutated_workbooks_never_panic_out() {
        fuzz(150);
    }

    #[test]
    #[ignore]
    fn mutated_workbooks_long() {
        fuzz(5_000);
    }

    fn fuzz(rounds: usize) {
        let l = Limits::default();
        let mut kinds: HashMap<String, usize> = HashMap::new();
        let mut slowest = Duration::ZERO;
        let seeds = [
            normal_xlsx(),
            ods_bytes(
                r#"<table:table table:name="T"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table>"#,
                ODS_MANIFEST,
            ),
            xls_bytes(&[], &[("S", number(0, 0, 1.0))]),
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for seed in &seeds {
            for _ in 0..rounds {
                let mut b = seed.clone();
                for _ in 0..1 + rnd() % 8 {
                    let i = (rnd() as usize) % b.len();
                    b[i] = rnd() as u8;
                }
                let t = Instant::now();
                let kind = match read_workbook(&b, &l) {
                    Ok(_) => "ok".to_string(),
                    Err(ReadError::Limit { name, .. }) => format!("limit {name}"),
                    Err(ReadError::Panic(m)) => format!("panic {m}"),
                    Err(e) => format!("{e}").chars().take(24).collect(),
                };
                slowest = slowest.max(t.elapsed());
                *kinds.entry(kind).or_default() += 1;
                let _ = sniff(&b);
            }
        }
        let mut kinds: Vec<_> = kinds.into_iter().collect();
        kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
        eprintln!("slowest {slowest:?}; outcomes {kinds:?}");
    }

    // ---- LibreOffice round trip (skipped when soffice is absent)

    fn temp_dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("wbread-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
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

    // ---- code pages

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
