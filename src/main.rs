//! zwxx binary: parse arguments, run one command, map the outcome to the exit status
//! (0 no errors, 1 validation errors found, 2 the run itself failed).

use clap::Parser;

fn main() {
    // a calamine panic on a hostile file is caught and reported as a finding: no panic text
    zwxx::read::workbook::quiet_reader_panics();
    let cli = zwxx::cli::Cli::parse();
    let code = match zwxx::cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zwxx: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
