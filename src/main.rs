//! zwxx binary: parse arguments, run one command, map the outcome to the exit status
//! (0 no errors, 1 validation errors found, 2 the run itself failed).

use clap::Parser;

/// glibc grows a thread's heap a little at a time (128 KiB past the request), each step a
/// system call that holds the address space's lock while the other threads' first touches of
/// new pages wait for it: a small year made ~250 of them across its reading, building and
/// packing threads. Each growth is padded to 16 MiB instead. Only address space is taken up
/// front: pages cost memory when first written, as before (peak RSS of a city's year did not
/// grow).
fn pad_heap_growth() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of glibc's allocator, and is called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
    }
}

fn main() {
    pad_heap_growth();
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
            e.exit_code()
        }
    };
    zwxx::read::worker::shutdown();
    std::process::exit(code);
}
