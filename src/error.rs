//! Errors that stop the run (exit status 2). Problems found in input files are not errors of
//! this kind: they are [`crate::model::Finding`]s, collected and reported.

/// A fatal error: bad arguments, a bad rules file, no inputs, an unwritable output.
/// Messages are Chinese: the officer reads them.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rules file is missing, malformed or impossible; the message names the key or path.
    #[error("{0}")]
    Rules(String),
    /// Bad command-line usage that clap cannot catch (e.g. an ambiguous year).
    #[error("{0}")]
    Usage(String),
    /// Writing an output failed.
    #[error("{0}")]
    Output(String),
    /// The register holds errors (`E-REG-…`): `score` writes nothing; the message lists the
    /// register's problems.
    #[error("{0}")]
    Register(String),
    /// `--strict` and validation errors were found: exit 1, no results written.
    #[error("{0}")]
    Strict(String),
}

impl Error {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Strict(_) => 1,
            _ => 2,
        }
    }
}
