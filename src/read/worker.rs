//! Reading in worker processes: the zwxx binary started again in a hidden worker mode
//! ([`WORKER_ARG`]), a few of them (min(cores, 4)) reused from file to file. Each request is
//! the limits and the file's bytes on the worker's standard input; each answer the reading's
//! result on its standard output (postcard, a length before each frame). A worker caps its own
//! address space ([`Limits::max_worker_bytes`]; on Unix, where `setrlimit` exists) and a
//! watchdog stops it after [`Limits::max_seconds`]. A worker that dies — out of memory, out
//! of time, out of stack, or crashed — is reaped and replaced, and the file it was reading is
//! reported as [`ReadError::Killed`] naming what happened.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::workbook::{
    Killed, Limits, ReadError, WorkbookData, quiet_reader_panics, read_in_process,
};

/// The first argument that starts the binary as a worker.
pub const WORKER_ARG: &str = "__zwxx-read-worker";

/// Largest request header and answer a side accepts (a frame longer than this is a fault).
const MAX_HEADER: u64 = 1 << 16;
const MAX_ANSWER: u64 = 4 << 30;
/// How much of a worker's standard error is kept, to tell how it died.
const STDERR_HEAD: usize = 4096;

static POOL: OnceLock<Pool> = OnceLock::new();

/// For the binary, once at start-up: read every workbook in worker processes running `exe`
/// (the binary itself, see [`run_if_worker`]). Without this call, reading stays in-process.
pub fn isolate(exe: PathBuf) {
    let size = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let _ = POOL.set(Pool {
        exe,
        size,
        state: Mutex::new(Workers::default()),
        freed: Condvar::new(),
    });
}

/// How many files to read at once: twice the workers (while one file's result is parsed, the
/// worker reads the next), or the cores when reading in-process.
pub fn parallelism() -> usize {
    POOL.get().map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |p| 2 * p.size,
    )
}

pub(super) fn pool() -> Option<&'static Pool> {
    POOL.get()
}

/// For the binary, once at the end: the idle workers are told to stop and are waited for.
pub fn shutdown() {
    if let Some(pool) = POOL.get() {
        let idle = std::mem::take(&mut pool.lock().idle);
        for worker in idle {
            worker.stop();
        }
    }
}

/// For the binary, first thing in `main`: when started with [`WORKER_ARG`], serve requests
/// until standard input closes, then exit. Returns otherwise.
pub fn run_if_worker() {
    if std::env::args_os().nth(1).is_some_and(|a| a == WORKER_ARG) {
        quiet_reader_panics();
        std::process::exit(serve());
    }
}

fn serve() -> i32 {
    let mut input = BufReader::new(std::io::stdin().lock());
    let mut output = BufWriter::new(std::io::stdout().lock());
    loop {
        let Ok(Some(header)) = read_frame(&mut input, MAX_HEADER) else {
            return 0;
        };
        let Ok(limits) = postcard::from_bytes::<Limits>(&header) else {
            return 2;
        };
        cap_memory(limits.max_worker_bytes);
        let Ok(Some(bytes)) = read_frame(&mut input, limits.max_file_bytes.saturating_add(1))
        else {
            return 2;
        };
        let result = read_in_process(&bytes, &limits);
        drop(bytes);
        let answer = postcard::to_stdvec(&result).unwrap_or_default();
        drop(result);
        if write_frame(&mut output, &answer)
            .and_then(|()| output.flush())
            .is_err()
        {
            return 0;
        }
    }
}

/// Lowers this process's address-space limit to `bytes` (never above the hard limit).
fn cap_memory(bytes: u64) {
    #[cfg(unix)]
    {
        use rlimit::Resource;
        if let Ok((_, hard)) = Resource::AS.get() {
            let _ = Resource::AS.set(bytes.min(hard), hard);
        }
    }
    #[cfg(not(unix))]
    let _ = bytes; // no address-space limit here: the time limit still holds
}

fn write_frame(w: &mut impl Write, payload: &[u8]) -> std::io::Result<()> {
    w.write_all(&(payload.len() as u64).to_le_bytes())?;
    w.write_all(payload)
}

/// The next frame, `None` at the end of the stream; longer than `max`: an error.
fn read_frame(r: &mut impl Read, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 8];
    match r.read_exact(&mut len) {
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        other => other?,
    }
    let len = u64::from_le_bytes(len);
    if len > max {
        return Err(std::io::Error::other("frame too long"));
    }
    let mut payload = Vec::new();
    payload
        .try_reserve_exact(len as usize)
        .map_err(std::io::Error::other)?;
    // one read of the whole frame where the pipe holds it (read_to_end would probe in steps)
    payload.resize(len as usize, 0);
    r.read_exact(&mut payload)?;
    Ok(Some(payload))
}

/// The workers of the run: at most `size` of them, those not reading in `idle`.
pub(super) struct Pool {
    exe: PathBuf,
    size: usize,
    state: Mutex<Workers>,
    freed: Condvar,
}

#[derive(Default)]
struct Workers {
    idle: Vec<Worker>,
    live: usize,
}

impl Pool {
    /// Reads one workbook in an idle worker, a new one while there are fewer than `size`, or
    /// the first to become idle. A worker that cannot be started leaves the reading to this
    /// process.
    pub(super) fn read(&self, bytes: &[u8], limits: &Limits) -> Result<WorkbookData, ReadError> {
        let mut worker = match self.take() {
            Some(worker) => worker,
            None => match Worker::spawn(&self.exe) {
                Ok(worker) => worker,
                Err(_) => {
                    self.give(None);
                    return read_in_process(bytes, limits);
                }
            },
        };
        match worker.request(bytes, limits) {
            Some(result) => {
                self.give(Some(worker));
                result
            }
            None => {
                self.give(None);
                Err(ReadError::Killed(worker.death(limits)))
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Workers> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle worker, or `None` when one may be started (it is counted already).
    fn take(&self) -> Option<Worker> {
        let mut state = self.lock();
        loop {
            if let Some(worker) = state.idle.pop() {
                return Some(worker);
            }
            if state.live < self.size {
                state.live += 1;
                return None;
            }
            state = self.freed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// A worker back to the idle ones, or (`None`) one fewer.
    fn give(&self, worker: Option<Worker>) {
        let mut state = self.lock();
        match worker {
            Some(worker) => state.idle.push(worker),
            None => state.live -= 1,
        }
        self.freed.notify_one();
    }
}

/// One worker process, its pipes, its watchdog and the start of its standard error.
struct Worker {
    child: Arc<Mutex<Child>>,
    stdin: BufWriter<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    watch: Arc<Mutex<Watch>>,
    /// Dropped with the worker: its watchdog then ends.
    _alive: Sender<()>,
    stderr: JoinHandle<Vec<u8>>,
}

/// What a worker's watchdog watches: since when the worker reads a file, for how long it may.
struct Watch {
    since: Option<Instant>,
    limit: Duration,
    timed_out: bool,
}

impl Worker {
    fn spawn(exe: &PathBuf) -> std::io::Result<Worker> {
        let mut child = Command::new(exe)
            .arg(WORKER_ARG)
            // a dying worker says why in one line; a backtrace would only cost time
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (stdin, stdout, stderr) =
            match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
                (Some(i), Some(o), Some(e)) => (i, o, e),
                _ => return Err(std::io::Error::other("worker pipes")),
            };
        let child = Arc::new(Mutex::new(child));
        let watch = Arc::new(Mutex::new(Watch {
            since: None,
            limit: Duration::ZERO,
            timed_out: false,
        }));
        let (alive, gone) = mpsc::channel();
        let (c, w) = (child.clone(), watch.clone());
        std::thread::spawn(move || watchdog(&gone, &c, &w));
        Ok(Worker {
            child,
            stdin: BufWriter::new(stdin),
            stdout: BufReader::new(stdout),
            watch,
            _alive: alive,
            stderr: std::thread::spawn(move || head(stderr)),
        })
    }

    /// One request: the reading's result, `None` when no answer came (see [`Worker::death`]).
    fn request(
        &mut self,
        bytes: &[u8],
        limits: &Limits,
    ) -> Option<Result<WorkbookData, ReadError>> {
        let watch = self.watch.clone();
        let set = |since| {
            let mut watch = watch.lock().unwrap_or_else(|e| e.into_inner());
            watch.since = since;
            watch.limit = Duration::from_secs(limits.max_seconds);
        };
        set(Some(Instant::now()));
        let answer = self.exchange(bytes, limits);
        set(None);
        postcard::from_bytes(&answer.ok()?).ok()
    }

    fn exchange(&mut self, bytes: &[u8], limits: &Limits) -> std::io::Result<Vec<u8>> {
        let header = postcard::to_stdvec(limits).map_err(std::io::Error::other)?;
        write_frame(&mut self.stdin, &header)?;
        write_frame(&mut self.stdin, bytes)?;
        self.stdin.flush()?;
        read_frame(&mut self.stdout, MAX_ANSWER)?
            .ok_or_else(|| std::io::ErrorKind::UnexpectedEof.into())
    }

    /// What ended the worker, once it is stopped and reaped.
    fn death(self, limits: &Limits) -> Killed {
        let status = {
            let mut child = self.child.lock().unwrap_or_else(|e| e.into_inner());
            let _ = child.kill();
            child.wait()
        };
        drop(self.stdin);
        let stderr = self.stderr.join().unwrap_or_default();
        let stderr = String::from_utf8_lossy(&stderr);
        if self
            .watch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .timed_out
        {
            Killed::Time(limits.max_seconds)
        } else if stderr.contains("memory allocation of") {
            Killed::Memory(limits.max_worker_bytes >> 20)
        } else if stderr.contains("overflowed its stack") {
            Killed::Stack
        } else {
            Killed::Crash(status.map_or_else(|e| e.to_string(), |s| exit_text(&s)))
        }
    }

    /// Closes its input (the worker then exits) and waits for it.
    fn stop(self) {
        drop(self.stdin);
        let _ = self.child.lock().unwrap_or_else(|e| e.into_inner()).wait();
        let _ = self.stderr.join();
    }
}

/// An exit status in the officer's words: `信号 6`, `退出码 3`.
fn exit_text(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(status) {
        return format!("信号 {signal}");
    }
    status
        .code()
        .map_or_else(|| status.to_string(), |c| format!("退出码 {c}"))
}

/// The watchdog of one worker: sleeps until the file being read would be late (or a limit's
/// length while none is), then stops the worker if it still reads that file. It wakes about
/// once a limit, not once a file. Ends when the worker's handle (`gone`'s sender) is dropped.
fn watchdog(gone: &mpsc::Receiver<()>, child: &Mutex<Child>, watch: &Mutex<Watch>) {
    loop {
        let wait = {
            let w = watch.lock().unwrap_or_else(|e| e.into_inner());
            let until = w.since.map(|t| t + w.limit);
            until.map_or(w.limit, |t| t.saturating_duration_since(Instant::now()))
        };
        match gone.recv_timeout(wait.max(Duration::from_millis(10))) {
            Err(RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        let mut w = watch.lock().unwrap_or_else(|e| e.into_inner());
        if w.since.is_some_and(|t| t.elapsed() >= w.limit) {
            w.timed_out = true;
            w.since = None;
            let _ = child.lock().unwrap_or_else(|e| e.into_inner()).kill();
        }
    }
}

/// The first [`STDERR_HEAD`] bytes a worker writes to its standard error (where a dying
/// process says why); the rest is read and dropped.
fn head(mut stderr: impl Read) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stderr.read(&mut buf) {
        if n == 0 {
            break;
        }
        let room = STDERR_HEAD.saturating_sub(kept.len()).min(n);
        kept.extend_from_slice(&buf[..room]);
    }
    kept
}
