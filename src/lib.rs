//! zwxx: the yearly assessment of a bureau's government-affairs information work
//! (政务信息工作考核). One pipeline: discover → read → validate → merge → score → rank →
//! report. Only `read` and `report` touch the file system.

pub mod cli;
pub mod cmd;
pub mod error;
pub mod labels;
pub mod model;
pub mod read;
pub mod report;
pub mod rules;
