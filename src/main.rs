//! zwxx binary: parse arguments, run one command, map the outcome to the exit status
//! (0 no errors, 1 validation errors found, 2 the run itself failed).

use clap::Parser;

fn main() {
    // started by the run below to read workbooks: serve, then exit
    zwxx::read::worker::run_if_worker();
    // a calamine panic on a hostile file is caught and reported as a finding: no panic text
    zwxx::read::workbook::quiet_reader_panics();
    // every workbook is read in a worker process running this binary (for debugging and
    // measuring, ZWXX_READ_IN_PROCESS=1 reads them in this process, unguarded)
    if std::env::var_os("ZWXX_READ_IN_PROCESS").is_none()
        && let Ok(exe) = std::env::current_exe()
    {
        zwxx::read::worker::isolate(exe);
    }
    let cli = match zwxx::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Only to name the command in the usage line: paths may be any bytes.
            let args: Vec<String> = std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            std::process::exit(zwxx::arg_errors::report(&e, &args))
        }
    };
    let code = match zwxx::cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zwxx: {e}");
            2
        }
    };
    zwxx::read::worker::shutdown();
    std::process::exit(code);
}
