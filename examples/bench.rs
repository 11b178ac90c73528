//! Benchmark harness: `zwxx score` end to end against the physical floor, in the same run.
//!
//! For each size — S = 11 units × 12 months × 20 items (132 files), M = 100 × 12 × 25 (1,200),
//! L = 1,000 × 12 × 25 (12,000 files, 300k rows) — it measures
//!   (a) `zwxx score DIR -q -o OUT --as-of 2019-12-31` (the release binary, a child process);
//!   (b) the floor: a bare calamine loop reading every cell of every sheet of every file on
//!       2 threads, plus a constant-memory rust_xlsxwriter write of as many 12-column ledger
//!       rows as the year has items (a child process running this example with `floor`);
//! and reports the median wall time, the peak RSS of the measured process, the peak of all
//! processes together, and the ratio a/b.
//!
//! All processes together: zwxx reads in worker processes, so a sampler thread reads, every
//! 5 ms, the high-water mark (`VmHWM` of /proc/PID/status) of the measured process and of each
//! of its children (/proc/PID/task/PID/children). The peak RSS is the measured process's last
//! sample (growth in its last 5 ms can be missed: std waits for a child without its resource
//! usage, and wait4 would need unsafe code); all processes is that plus each child's last
//! sample: an upper bound of what they held at once, since the peaks need not coincide. Linux
//! only (elsewhere the figures are 0).
//! Data sets are generated once by the `gen_year` example into target/bench-data/.
//!
//! Usage: cargo build --release --bins --examples && target/release/examples/bench [S M L] [--runs N]
//! (`--bins` too: the harness runs target/release/zwxx, which `--examples` alone leaves stale).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use calamine::Reader;

struct Size {
    name: &'static str,
    units: usize,
    items: usize,
}

const SIZES: [Size; 3] = [
    Size {
        name: "S",
        units: 11,
        items: 20,
    },
    Size {
        name: "M",
        units: 100,
        items: 25,
    },
    Size {
        name: "L",
        units: 1000,
        items: 25,
    },
];

/// What one run took: wall time, peak RSS sampled from /proc, of all processes together (KiB).
#[derive(Clone, Copy)]
struct Took {
    wall: Duration,
    rss: u64,
    all: u64,
}

/// `VmHWM` of a process, in KiB.
fn high_water(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The child processes of `pid`.
fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .map(|s| {
            s.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Samples the high-water marks of `pid` and its children until `done`: pid → last seen.
fn sample(pid: u32, done: &std::sync::atomic::AtomicBool) -> std::collections::HashMap<u32, u64> {
    let mut seen = std::collections::HashMap::new();
    while !done.load(std::sync::atomic::Ordering::Relaxed) {
        for p in std::iter::once(pid).chain(children(pid)) {
            if let Some(kib) = high_water(p) {
                seen.insert(p, kib);
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    seen
}

/// Run a command: wall time, its peak RSS and the peak of all its processes (sampled).
fn measure(cmd: &mut Command) -> Took {
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    let pid = child.id();
    let done = std::sync::atomic::AtomicBool::new(false);
    let (wall, seen) = std::thread::scope(|s| {
        let sampler = s.spawn(|| sample(pid, &done));
        let status = child.wait().expect("wait");
        let wall = start.elapsed();
        assert!(
            status.code().is_some_and(|c| c <= 1),
            "child failed: {status}"
        );
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (wall, sampler.join().unwrap())
    });
    let rss = seen.get(&pid).copied().unwrap_or(0);
    let others: u64 = seen
        .iter()
        .filter(|(p, _)| **p != pid)
        .map(|(_, k)| k)
        .sum();
    Took {
        wall,
        rss,
        all: rss + others,
    }
}

fn median(mut v: Vec<Took>) -> Took {
    v.sort_by_key(|x| x.wall);
    Took {
        wall: v[v.len() / 2].wall,
        rss: v.iter().map(|x| x.rss).max().unwrap_or(0),
        all: v.iter().map(|x| x.all).max().unwrap_or(0),
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// The floor, run in a child: read every cell of every file on 2 threads, then write `rows`
/// ledger rows with a constant-memory worksheet.
fn floor(dir: &Path, rows: usize, out: &Path) {
    let files = files_in(dir);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let cells = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if k >= files.len() {
                        break;
                    }
                    let mut wb = calamine::open_workbook_auto(&files[k]).unwrap();
                    for name in wb.sheet_names() {
                        if let Ok(r) = wb.worksheet_range(&name) {
                            let n = r.used_cells().count();
                            cells.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    for r in 0..rows as u32 {
        ws.write(r, 0, "第0001单位").unwrap();
        ws.write(
            r,
            1,
            "全区规上工业企业工作推进情况助力经济稳中向好(第123期)",
        )
        .unwrap();
        for c in 2..12u16 {
            ws.write(r, c, (r as f64) * 0.5 + c as f64).unwrap();
        }
    }
    wb.save(out).unwrap();
    std::hint::black_box(cells.load(std::sync::atomic::Ordering::Relaxed));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("floor") {
        floor(
            Path::new(&args[1]),
            args[2].parse().unwrap(),
            Path::new(&args[3]),
        );
        return;
    }
    let mut runs = 5usize;
    let mut wanted: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--runs" {
            runs = args[i + 1].parse().unwrap();
            i += 2;
        } else {
            wanted.push(args[i].as_str());
            i += 1;
        }
    }
    if wanted.is_empty() {
        wanted = vec!["S", "M", "L"];
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target");
    let exe_dir = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let zwxx = exe_dir.parent().unwrap().join("zwxx");
    let gen_year = exe_dir.join("gen_year");
    let me = std::env::current_exe().unwrap();
    assert!(
        zwxx.exists(),
        "build first: cargo build --release --bins --examples"
    );
    let tmp = target.join("bench-out");
    std::fs::create_dir_all(&tmp).unwrap();

    println!(
        "| size | files | items | zwxx score (median) | peak RSS | all processes | floor (median) | floor RSS | ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for size in SIZES.iter().filter(|s| wanted.contains(&s.name)) {
        let data = target.join("bench-data").join(size.name);
        let marker = target
            .join("bench-data")
            .join(format!("{}.done", size.name));
        if !marker.exists() {
            let _ = std::fs::remove_dir_all(&data);
            let st = Command::new(&gen_year)
                .args([
                    "--units",
                    &size.units.to_string(),
                    "--items",
                    &size.items.to_string(),
                    "--out",
                ])
                .arg(&data)
                .status()
                .unwrap();
            assert!(st.success());
            std::fs::write(&marker, b"").unwrap();
        }
        let files = files_in(&data).len();
        let items = size.units * 12 * size.items;
        let runs = if size.name == "L" { runs.min(3) } else { runs };
        let mut a = Vec::new();
        let mut b = Vec::new();
        for _ in 0..runs {
            a.push(measure(
                Command::new(&zwxx)
                    .arg("score")
                    .arg(&data)
                    .args(["-q", "--as-of", "2019-12-31", "-o"])
                    .arg(tmp.join("results.xlsx"))
                    .stdout(std::process::Stdio::null()),
            ));
            b.push(measure(
                Command::new(&me)
                    .arg("floor")
                    .arg(&data)
                    .arg(items.to_string())
                    .arg(tmp.join("floor.xlsx")),
            ));
        }
        let (a, b) = (median(a), median(b));
        let mib = |kib: u64| kib as f64 / 1024.0;
        println!(
            "| {} | {} | {} | {:.3} s | {:.1} MiB | {:.1} MiB | {:.3} s | {:.1} MiB | {:.2} |",
            size.name,
            files,
            items,
            a.wall.as_secs_f64(),
            mib(a.rss),
            mib(a.all),
            b.wall.as_secs_f64(),
            mib(b.rss),
            a.wall.as_secs_f64() / b.wall.as_secs_f64()
        );
    }
}
