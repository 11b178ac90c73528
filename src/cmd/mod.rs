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

/// Every file the run would take as input, found without reading any: the files under the
/// PATH arguments (those skipped unread too: an output must not replace them either), the
/// register and the rules file.
pub(crate) fn input_paths(input: &crate::cli::InputArgs) -> Result<Vec<std::path::PathBuf>, Error> {
    let found = crate::discover::discover(&input.paths)?;
    let mut paths: Vec<std::path::PathBuf> = found.into_iter().map(|f| f.path).collect();
    paths.extend(input.register.clone());
    paths.extend(input.rules.clone());
    Ok(paths)
}

/// Run a parsed command line; `Ok(status)` is 0 or 1, fatal errors are `Err`.
pub fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Rules(a) => rules::run(&a),
        Command::Template(a) => template::run(&a),
        Command::Validate(a) => validate::run(&a),
        Command::Score(a) => score::run(&a),
    }
}
