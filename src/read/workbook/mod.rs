//! Reading one workbook: its bytes → its sheets' non-empty cells.
//!
//! Spreadsheets arrive by e-mail and any of them may be broken or hostile. The parsing library
//! (calamine) is not imitated here but isolated: [`read_workbook`] hands the bytes to a worker
//! process ([`super::worker`]) with a memory cap and a time limit, which runs
//! [`read_in_process`]; whatever happens there (a panic, running out of memory, a hang) comes
//! back as a [`ReadError`]. [`read_in_process`] is the same reading without the process, for
//! tests, fuzzing and debugging. What the reader itself still checks is what gives precise,
//! instant messages: the format from the bytes, a zip's central directory (zip
//! bombs, encryption, entry count), the limits on non-empty cells and text.
//!
//! One module per format: `xlsx` (calamine's streaming cell reader; a normalised copy of the
//! package where calamine refuses what Excel reads), `xlsb` (the same reader), `xls` (the
//! container opened with the `cfb` crate, the default password, sparse sheets compacted before
//! calamine sees them), `ods` (a sparse reader of `content.xml` of its own: calamine's expands
//! every sheet into the rectangle its cells span). `decrypt` opens files encrypted with Excel's
//! built-in default password; `collect` keeps the cell and text budget.

mod collect;
mod decrypt;
mod ods;
mod xls;
mod xlsb;
mod xlsx;
mod zip_guard;

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, Dimensions};
use serde::{Deserialize, Serialize};

/// Resource limits applied while reading one workbook.
///
/// Every field is an upper bound; exceeding one yields [`ReadError::Limit`] whose `name` is
/// the field name (the time and memory limits: [`ReadError::Killed`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Maximum size of the input file in bytes (default 50 MiB).
    pub max_file_bytes: u64,
    /// Maximum number of entries in a zip container (default 5 000). Also bounds the number
    /// of sheets of any format.
    pub max_zip_entries: usize,
    /// Maximum sum of the declared uncompressed sizes of all zip entries (default 300 MiB).
    /// The same figure bounds the text of the cells read.
    pub max_uncompressed_bytes: u64,
    /// Maximum uncompressed/compressed ratio of one zip entry (default 1 000). Entries smaller
    /// than 1 MiB uncompressed are not checked.
    pub max_ratio: u64,
    /// Maximum number of non-empty cells in the workbook (default 2 000 000). Formula-without-
    /// value positions and merged regions count too; empty cells never do, however far apart
    /// the non-empty ones lie.
    pub max_cells: usize,
    /// Cells whose 0-based row index is `>= max_rows` are skipped (default 1 048 576).
    pub max_rows: u32,
    /// Cells whose 0-based column index is `>= max_cols` are skipped (default 16 384).
    pub max_cols: u32,
    /// Address space of one reading process, in bytes (default 256 MiB; Unix only). A file
    /// needing more is reported, the process replaced.
    pub max_worker_bytes: u64,
    /// Seconds one file may take to read (default 60). A file taking longer is reported, the
    /// process reading it stopped and replaced.
    pub max_seconds: u64,
    /// Sheets never read, by name (white space ignored), as long as another sheet is left:
    /// by default the templates' `填报说明`, whose prose is a good part of every workbook's XML
    /// and never holds data.
    pub skip_sheets: Vec<String>,
}

impl Default for Limits {
    /// The defaults documented on each field.
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * MIB,
            max_zip_entries: 5_000,
            max_uncompressed_bytes: 300 * MIB,
            max_ratio: 1_000,
            max_cells: 2_000_000,
            max_rows: 1_048_576,
            max_cols: 16_384,
            max_worker_bytes: 256 * MIB,
            max_seconds: 60,
            skip_sheets: vec![crate::labels::SHEET_INSTRUCTIONS.to_string()],
        }
    }
}

impl Limits {
    fn in_bounds(&self, row: u32, col: u32) -> bool {
        row < self.max_rows && col < self.max_cols
    }
}

/// Spreadsheet container format, detected from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// Office Open XML workbook (`.xlsx`, `.xlsm`, ...).
    Xlsx,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// Excel 5.0–2003 workbook (BIFF5/BIFF8), usually in an OLE container (`.xls`).
    Xls,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
}

/// Why a workbook could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ReadError {
    /// The bytes are none of the supported formats (empty, text, pdf, ...).
    #[error("not a spreadsheet")]
    NotSpreadsheet,
    /// An Excel 2.x–4.0 worksheet or workbook (BIFF2–4), which no reader here reads.
    #[error("Excel 2.x-4.0 (BIFF2-4) file")]
    OldExcel,
    /// The workbook is protected by a password other than Excel's built-in default.
    #[error("workbook is password protected")]
    Encrypted,
    /// A [`Limits`] field was exceeded; `name` is the field name, `value` the observed (or
    /// estimated) figure and `limit` the bound it broke.
    #[error("limit {name} exceeded ({value} > {limit})")]
    Limit {
        /// Name of the [`Limits`] field.
        name: String,
        /// Observed or estimated value.
        value: u64,
        /// The bound that was exceeded.
        limit: u64,
    },
    /// The container or the workbook data is malformed (calamine, zip or container text).
    #[error("corrupt workbook: {0}")]
    Corrupt(String),
    /// The workbook contains no worksheet.
    #[error("workbook has no worksheet")]
    NoSheets,
    /// The parsing library panicked; the panic was caught and its message kept.
    #[error("spreadsheet reader panicked: {0}")]
    Panic(String),
    /// The process reading the file was stopped: [`Killed::Memory`] and [`Killed::Time`] name
    /// the limit; anything else (a crash) is [`Killed::Crash`] with what the system said.
    #[error("reading process stopped: {0:?}")]
    Killed(Killed),
}

/// How a reading process ended without an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Killed {
    /// It ran out of its address space ([`Limits::max_worker_bytes`], in MiB).
    Memory(u64),
    /// It took longer than [`Limits::max_seconds`].
    Time(u64),
    /// It overflowed its stack (deeply nested data).
    Stack,
    /// It ended otherwise: the exit status or signal as the system reported it.
    Crash(String),
}

/// The content of one worksheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetData {
    /// Sheet name as stored in the workbook.
    pub name: String,
    /// `false` for hidden and very hidden sheets.
    pub visible: bool,
    /// Non-empty cells as `(row, col, value)`, 0-based absolute positions, sorted by
    /// `(row, col)`, at most one entry per position. Dates are kept as calamine returns them
    /// (`Data::DateTime` / `Data::DateTimeIso`).
    #[serde(with = "super::wire::cells")]
    pub cells: Vec<(u32, u32, Data)>,
    /// Merged regions (xlsx, xls and ods; empty for xlsb, which calamine does not expose).
    #[serde(with = "super::wire::ranges")]
    pub merged: Vec<Dimensions>,
    /// Sorted positions of cells that hold a formula but no cached value (always empty for
    /// xlsb, whose formula records always carry a value, and for ods, see `ods`).
    pub formula_no_value: Vec<(u32, u32)>,
}

/// A whole workbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkbookData {
    /// Detected container format.
    pub format: Format,
    /// Worksheets in workbook order (chart, macro and dialog sheets are left out; a repeated
    /// sheet name is kept once).
    pub sheets: Vec<SheetData>,
    /// Workbook property "last modified" as stored (ISO-8601 text): xlsx/xlsb
    /// `dcterms:modified`, ods `dc:date`, xls summary information.
    pub modified: Option<String>,
    /// The template version held by the workbook's `zwxx_template_version` defined name
    /// (xlsx; `None` elsewhere, where the marker is found on the hidden list sheet).
    pub template_version: Option<String>,
}

/// Reads every worksheet of a workbook held in memory, within `limits`, in a worker process
/// when the binary has asked for that ([`super::worker::isolate`]), else in this process.
pub fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    match super::worker::pool() {
        Some(pool) => pool.read(bytes, limits),
        None => read_in_process(bytes, limits),
    }
}

/// Reads every worksheet of a workbook in this process: what a worker runs. Never panics
/// (a panic of the parsing library becomes [`ReadError::Panic`]); memory and time are
/// bounded by the limits only as far as the cell and text budget reaches — the worker's cap
/// and watchdog bound the rest.
pub fn read_in_process(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    guard(|| read_impl(bytes, limits))
}

// ---------------------------------------------------------------------------
// plumbing

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const MIB: u64 = 1024 * 1024;

thread_local! {
    /// Set while this thread runs inside [`guard`], where panics are caught and reported.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// For binaries, once at startup: panics raised inside [`read_in_process`]
/// (calamine's, on hostile files) are caught there and become [`ReadError::Panic`], so the
/// panic hook stays silent for them instead of printing "thread panicked" and a backtrace
/// next to the finding. Every other panic is reported by the previous hook.
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

fn limit(name: &str, value: u64, limit: u64) -> ReadError {
    ReadError::Limit {
        name: name.to_string(),
        value,
        limit,
    }
}

/// Detects the spreadsheet format from the content (never the file name).
///
/// A zip is classified by its entries (`xl/workbook.xml` → Xlsx, `xl/workbook.bin` → Xlsb,
/// an OpenDocument spreadsheet `mimetype` or a `content.xml` → Ods); an OLE container is an
/// Xls when it holds a `Workbook`/`Book` stream, an encrypted OOXML package when it holds
/// `EncryptionInfo` ([`Format::Xlsx`]), and no spreadsheet otherwise (a `.doc`); a bare BIFF
/// stream is an Xls (BIFF5/8) or [`ReadError::OldExcel`] (BIFF2–4).
fn sniff_impl(bytes: &[u8], limits: &Limits) -> Result<Format, ReadError> {
    if bytes.starts_with(ZIP_MAGIC) {
        let mut zip = zip_guard::open_zip(bytes, limits)?;
        return zip_guard::zip_format(&mut zip);
    }
    if bytes.starts_with(&CFB_MAGIC) {
        return xls::sniff_ole(bytes);
    }
    xls::sniff_biff(bytes)
}

fn read_impl(bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
    let len = bytes.len() as u64;
    if len > limits.max_file_bytes {
        return Err(limit("max_file_bytes", len, limits.max_file_bytes));
    }
    match sniff_impl(bytes, limits)? {
        Format::Xlsx if bytes.starts_with(&CFB_MAGIC) => {
            let package = decrypt::ooxml(bytes)?;
            read_impl(&package, limits)
        }
        Format::Xls => xls::read(bytes, limits),
        Format::Xlsx => xlsx::read(bytes, limits),
        Format::Xlsb => xlsb::read(bytes, limits),
        Format::Ods => ods::read(bytes, limits),
    }
}

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
