//! Bytes → workbooks' sheets: guarded workbook reading ([`workbook`]) in worker processes
//! ([`worker`]) over a small wire ([`wire`]). Knows nothing of the template, validation or
//! reports; finding the files is [`crate::discover`]'s, deciding what they are
//! [`crate::load`]'s.

mod wire;
pub mod workbook;
pub mod worker;
