//! Benchmark of the adoption-record matcher (SPEC "Adoption record"): 2,000 record rows
//! matched against the 30,000 items of the M year of `examples/bench.rs`, timed in process
//! and set against the time of `zwxx score` on that year, measured in the same run. The
//! issue's budget: under 10 % of the M run.
//!
//! The rows are made from the year's own items, one of every fifteen: six in ten copy the
//! title (exact matches), three in ten reword it as an editor would (`我区` in front of all
//! but its first two characters: fuzzy matches), one in ten is a title no section sent
//! (unmatched; its closest titles are looked up among all 30,000). The M year's titles are
//! 960 patterns told apart by a number, the hard case for the margin rule.
//!
//! Usage: cargo build --release --bins --examples && target/release/examples/bench_adopt [--runs N]
//! (the M data set is generated into target/bench-data/M by the bench harness, or here).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use zwxx::adoption::{Candidate, Outcome, RecordRow, match_rows};
use zwxx::model::{Source, Text};
use zwxx::score::ItemState;

/// CPU time used by this process so far (all threads, user + system), from /proc/self/stat
/// in clock ticks of 10 ms (Linux's USER_HZ): less moved by other processes on a shared
/// machine than the wall time, and precise enough over many runs.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // Fields after the command name (which is in parentheses): utime and stime are the
    // 12th and 13th of them.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let fields: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .map(|f| f.parse().expect("stat field"))
        .collect();
    Duration::from_millis(10 * (fields[0] + fields[1]))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The record rows made from the items (see the module header).
fn record(items: &[Candidate]) -> Vec<RecordRow> {
    let source = Source {
        file: Text::from("考核登记表.xlsx"),
        sheet: Text::from("采用记录"),
        row: 0,
    };
    (0..2000)
        .map(|k| {
            let it = &items[(k * 15) % items.len()];
            let title = match k % 10 {
                0..6 => it.title.to_string(),
                6..9 => format!("我区{}", it.title.chars().skip(2).collect::<String>()),
                _ => format!("关于做好第{k}号文件贯彻落实工作的通知"),
            };
            RecordRow {
                level: k % 2,
                issue: format!("2019年第{}期", k / 20 + 1),
                title,
                section: None,
                date: None,
                source: Source {
                    row: k as u32 + 1,
                    ..source.clone()
                },
                title_col: 2,
            }
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = match args.as_slice() {
        [flag, n] if flag == "--runs" => n.parse().expect("--runs N"),
        _ => 5,
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("target/bench-data/M");
    let exe_dir = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let zwxx = exe_dir.parent().unwrap().join("zwxx");
    assert!(
        zwxx.exists(),
        "build first: cargo build --release --bins --examples"
    );
    if !root.join("target/bench-data/M.done").exists() {
        let _ = std::fs::remove_dir_all(&data);
        let st = Command::new(exe_dir.join("gen_year"))
            .args(["--units", "100", "--items", "25", "--out"])
            .arg(&data)
            .status()
            .unwrap();
        assert!(st.success());
        std::fs::write(root.join("target/bench-data/M.done"), b"").unwrap();
    }

    let rules = zwxx::rules::Rules::default_rules();
    let input = zwxx::cli::InputArgs {
        paths: vec![data.clone()],
        register: None,
        rules: None,
        year: None,
        max_file_mb: 50,
        max_unzipped_mb: 300,
        max_cells: 2_000_000,
    };
    let as_of = chrono::NaiveDate::from_ymd_opt(2019, 12, 31);
    let a = zwxx::cmd::validate::assess_inputs_with(&input, &rules, as_of, false).unwrap();
    let items: Vec<Candidate> = a
        .scores
        .iter()
        .flat_map(|s| s.items.iter().filter(|i| i.state == ItemState::Counted))
        .map(|si| Candidate {
            section: &si.item.section,
            title: &si.item.title,
            date: si.item.date,
        })
        .collect();
    let rows = record(&items);

    let mut times = Vec::new();
    let mut outcomes = Vec::new();
    let cpu = cpu_time();
    for _ in 0..runs {
        let t = Instant::now();
        outcomes = std::hint::black_box(match_rows(&rows, &items));
        times.push(t.elapsed());
    }
    let matching_cpu = (cpu_time() - cpu) / runs as u32;
    let matching = median(times);

    let out = root.join("target/bench-out");
    std::fs::create_dir_all(&out).unwrap();
    let score: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let st = Command::new(&zwxx)
                .arg("score")
                .arg(&data)
                .args(["-q", "--as-of", "2019-12-31", "-o"])
                .arg(out.join("results.xlsx"))
                .stdout(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(st.code().is_some_and(|c| c <= 1), "zwxx score failed");
            t.elapsed()
        })
        .collect();
    let score = median(score);

    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    println!(
        "items {}, record rows {}: exact {}, fuzzy {}, repeats {}, ambiguous {}, unmatched {}",
        items.len(),
        rows.len(),
        count(|o| matches!(
            o,
            Outcome::Matched {
                similarity: None,
                ..
            }
        )),
        count(|o| matches!(
            o,
            Outcome::Matched {
                similarity: Some(_),
                ..
            }
        )),
        count(|o| matches!(o, Outcome::Repeats { .. })),
        count(|o| matches!(o, Outcome::Ambiguous(_))),
        count(|o| matches!(o, Outcome::Unmatched(_))),
    );
    println!(
        "matching (median of {runs}): {:.1} ms wall, {:.1} ms CPU (mean); zwxx score M (median of \
         {runs}): {:.3} s; matching / M run: {:.1} %",
        matching.as_secs_f64() * 1e3,
        matching_cpu.as_secs_f64() * 1e3,
        score.as_secs_f64(),
        100.0 * matching.as_secs_f64() / score.as_secs_f64()
    );
}
