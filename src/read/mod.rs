//! Files → workbooks' sheets: discovery ([`discover`]), guarded workbook reading
//! ([`workbook`]) in worker processes ([`worker`]) over a small wire ([`wire`]). Knows nothing
//! of the template, validation or reports.

pub mod discover;
mod wire;
pub mod workbook;
pub mod worker;
