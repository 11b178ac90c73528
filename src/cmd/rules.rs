//! `zwxx rules [--rules F]`: print the effective rules as TOML.

use crate::cli::RulesArgs;
use crate::error::Error;
use crate::rules::{DEFAULT_RULES_TOML, Rules};

/// Print the embedded rules verbatim (with their comments), or the checked `--rules F`.
pub fn run(args: &RulesArgs) -> Result<i32, Error> {
    match &args.rules {
        None => super::out_fmt!("{DEFAULT_RULES_TOML}"),
        Some(p) => {
            let rules = Rules::load(Some(p))?;
            super::out_fmt!("{}", rules.to_toml());
        }
    }
    Ok(0)
}
