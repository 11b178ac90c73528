//! One module per subcommand; [`run`] dispatches and returns the exit status.

use crate::cli::{Cli, Command};
use crate::error::Error;

pub mod rules;
pub mod score;
pub mod template;
pub mod validate;

/// Run a parsed command line; `Ok(status)` is 0 or 1, fatal errors are `Err`.
pub fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Rules(a) => rules::run(&a),
        Command::Template(a) => template::run(&a),
        Command::Validate(a) => validate::run(&a),
        Command::Score(a) => score::run(&a),
    }
}
