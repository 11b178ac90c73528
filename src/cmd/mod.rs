//! One module per subcommand; [`run`] dispatches and returns the exit status.

use crate::cli::{Cli, Command};
use crate::error::Error;

pub mod rules;
pub mod score;
pub mod template;
pub mod validate;

/// Write to stdout; a closed pipe (`zwxx score … | head`) is not an error worth a panic.
pub(crate) fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// `print!` through [`out`].
macro_rules! out_fmt {
    ($($t:tt)*) => { $crate::cmd::out(&format!($($t)*)) };
}
/// `println!` through [`out`].
macro_rules! outln {
    ($($t:tt)*) => {{ let mut s = format!($($t)*); s.push('\n'); $crate::cmd::out(&s) }};
}
pub(crate) use {out_fmt, outln};

/// Run a parsed command line; `Ok(status)` is 0 or 1, fatal errors are `Err`.
pub fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Rules(a) => rules::run(&a),
        Command::Template(a) => template::run(&a),
        Command::Validate(a) => validate::run(&a),
        Command::Score(a) => score::run(&a),
    }
}
