//! The integration tests: one crate (one build and one link instead of one per file), each
//! file a module that drives the real `zwxx` binary on fixture workbooks.

mod common;

mod accounted;
mod adoption;
mod commands;
mod corpus;
mod findings;
mod formats;
mod golden;
mod handmade;
mod hints;
mod hostile;
mod notice;
mod peer;
mod print;
mod properties;
mod punctuation;
mod reading;
mod register;
mod results;
mod samples;
mod scoring;
mod template;
mod timing;
