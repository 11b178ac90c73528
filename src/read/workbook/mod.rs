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
//! Nothing global is installed by the reader itself (no allocator, no panic
//! hook); a binary calls [`quiet_reader_panics`] once so that a calamine panic
//! that is caught here prints nothing (the finding carries its message).
//! Panics are only *caught* if the binary is built with `panic = "unwind"`
//! (the default); with `panic = "abort"` a calamine panic aborts the process.
//!
//! This file holds the API and the dispatch; the rest is one module per concern:
//! `zip_guard` (container checks, metered inflation), `xlsx`, `xlsb`, `ods`,
//! `xls` (container copy and re-wrap) with `biff` (record stream defusing) and `cfb`
//! (OLE container), `xml_scan` (the pre-scans' tokenizer) and `collect` (cell budget).

mod biff;
mod cfb;
mod collect;
mod ods;
mod styles;
mod view;
mod xls;
mod xlsb;
mod xlsx;
mod xml_scan;
mod zip_guard;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

use std::fmt;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, Dimensions};
use zip::ZipArchive;

use cfb::CfbFile;
use zip_guard::{open_zip, zip_checks, zip_format};

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
    /// strings, and the font names and number formats calamine copies into
    /// the style of every xlsx cell format) the reader materialises, and
    /// twice the declared sum plus 1 MiB bounds the bytes calamine may
    /// inflate in total.
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
    /// Sheets never read, by name (white space ignored), as long as another sheet is left:
    /// by default the templates' `填报说明`, whose prose is a good part of every workbook's XML
    /// and never holds data.
    pub skip_sheets: &'static [&'static str],
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
            skip_sheets: &[crate::labels::SHEET_INSTRUCTIONS],
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
    /// The template version held by the workbook's `zwxx_template_version` defined name
    /// (xlsx; `None` elsewhere, where the marker is found on the hidden list sheet).
    pub template_version: Option<String>,
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

thread_local! {
    /// Set while this thread runs inside [`guard`], where panics are caught and reported.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// For binaries, once at startup: panics raised inside [`read_workbook`] or [`sniff`]
/// (calamine's, on hostile files) are caught there and become [`ReadError::Panic`], so
/// the panic hook stays silent for them instead of printing "thread panicked" and a
/// backtrace next to the finding. Every other panic is reported by the previous hook.
/// (The fuzz target does not call this: there every reader panic is a finding.)
pub fn quiet_reader_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !GUARDED.with(std::cell::Cell::get) {
            previous(info);
        }
    }));
}

fn guard<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    let outer = GUARDED.with(|g| g.replace(true));
    let caught = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    match caught {
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
        return xls::read_xls(bytes, limits);
    };
    let info = zip_checks(&zip, bytes, limits)?;
    match format {
        Format::Xlsx => {
            let plan = xlsx::prescan(&mut zip, &info, limits)?;
            xlsx::read(bytes, limits, &info, plan, &mut zip)
        }
        Format::Xlsb => {
            xlsb::prescan(&mut zip, &info, limits)?;
            drop(zip);
            xlsb::read(bytes, limits, &info)
        }
        Format::Ods => {
            ods::prescan(&mut zip, &info, limits)?;
            drop(zip);
            ods::read(bytes, limits, &info)
        }
        Format::Xls => Err(ReadError::NotSpreadsheet),
    }
}
