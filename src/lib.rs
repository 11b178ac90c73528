//! zwxx: the yearly assessment of a bureau's government-affairs information work
//! (政务信息工作考核). One pipeline: discover → read → validate → merge → score → rank →
//! report. Only `discover`, `read` (with its orchestration in `load`) and `report` touch the file
//! system.

pub mod adoption;
pub mod arg_errors;
pub mod assess;
pub mod authors;
pub mod cell;
pub mod cli;
pub mod cmd;
pub mod corrected;
pub mod discover;
pub mod error;
pub mod findings;
pub mod labels;
pub mod layout;
pub mod load;
pub mod merge;
pub mod model;
pub mod rank;
pub mod read;
pub mod register;
pub mod report;
pub mod rules;
pub mod score;
pub mod validate;
