//! Files → workbooks' sheets: discovery ([`discover`]) and guarded workbook reading
//! ([`workbook`]). Knows nothing of the template, validation or reports.

pub mod discover;
pub mod workbook;
