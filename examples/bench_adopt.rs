//! Benchmark of the adoption-record matcher (SPEC "Adoption record"): 2,000 record rows
//! matched against the 30,000 items of the M year of `examples/bench.rs`, timed in process
//! and set against the time of `zwxx score` on that year, measured in the same run; and
//! `zwxx score` on the same year with the 2,000 rows in its register's 采用记录 (reading the
//! sheet, matching, the extra catalog columns: the whole cost). The issue's budget: under
//! 10 % of the M run.
//!
//! The rows are the contents lists of a year of 专刊 (the level the M year declares for one
//! item in twenty, about 1,500): one row for each item that declared it, then items that did
//! not (forgotten 是), to 1,800 rows; and 200 titles no section sent (unmatched: their closest
//! titles are looked up among all 30,000). Of the rows made from items, seven in ten copy the
//! title (exact matches) and three in ten reword it as an editor would (`我区` in front of all
//! but its first two characters: fuzzy matches). The M year's titles are 960 patterns told
//! apart by a number, the hard case for the margin rule.
//!
//! Usage: cargo build --release --bins --examples && target/release/examples/bench_adopt [--runs N]
//! [--match-only] (only the in-process matching, e.g. under `perf stat -e instructions`)
//! (the M data set is generated into target/bench-data/M by the bench harness, or here).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use zwxx::adoption::{Candidate, Outcome, RecordRow, match_rows};
use zwxx::labels as l;
use zwxx::model::{Source, Text};
use zwxx::report::template::{REGISTER_HEADER_ROW, register_template};
use zwxx::rules::Rules;
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

/// Rows of the record, before they get their place in the sheet.
const ROWS: usize = 2000;
/// Of them, titles no section sent.
const UNSENT: usize = 200;
/// The level the record lists (专刊).
const LEVEL: usize = 1;

/// The record rows made from the items (see the module header); `declared[i]`: item `i`
/// declared [`LEVEL`].
fn record(items: &[Candidate], declared: &[bool]) -> Vec<RecordRow> {
    let source = Source {
        file: Text::from("考核登记表.xlsx"),
        sheet: Text::from("采用记录"),
        row: 0,
    };
    let printed = (0..items.len())
        .filter(|&i| declared[i])
        .chain((0..items.len()).filter(|&i| !declared[i]))
        .take(ROWS - UNSENT);
    let titles: Vec<String> = printed
        .enumerate()
        .map(|(k, i)| match k % 10 {
            0..7 => items[i].title.to_string(),
            _ => format!("我区{}", items[i].title.chars().skip(2).collect::<String>()),
        })
        .chain((0..UNSENT).map(|k| format!("关于做好第{k}号文件贯彻落实工作的通知")))
        .collect();
    titles
        .into_iter()
        .enumerate()
        .map(|(k, title)| RecordRow {
            level: LEVEL,
            issue: format!("2019年专刊第{}期", k / 40 + 1),
            title,
            section: None,
            date: None,
            source: Source {
                row: k as u32 + 1,
                ..source.clone()
            },
            title_col: 2,
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .map_or(5, |i| args[i + 1].parse().expect("--runs N"));
    // Only the matching, for `perf stat` (instructions move less than time on a shared machine).
    let match_only = args.iter().any(|a| a == "--match-only");
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

    let rules = Rules::default_rules();
    let loaded = zwxx::load::load(
        std::slice::from_ref(&data),
        None,
        &rules,
        &zwxx::read::workbook::Limits::default(),
    )
    .unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2019, 12, 31);
    let a = zwxx::assess::assess(loaded, &rules, None, as_of, as_of.unwrap()).unwrap();
    let counted: Vec<&zwxx::model::Item> = a
        .scores
        .iter()
        .flat_map(|s| s.items.iter().filter(|i| i.state == ItemState::Counted))
        .map(|si| &si.item)
        .collect();
    let items: Vec<Candidate> = counted
        .iter()
        .map(|it| Candidate {
            section: &it.section,
            title: &it.title,
            date: it.date,
        })
        .collect();
    let declared: Vec<bool> = counted
        .iter()
        .map(|it| it.adopted & (1 << LEVEL) != 0)
        .collect();
    let rows = record(&items, &declared);

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

    if match_only {
        println!(
            "matching (median of {runs}): {:.1} ms wall, {:.1} ms CPU (mean)",
            matching.as_secs_f64() * 1e3,
            matching_cpu.as_secs_f64() * 1e3
        );
        return;
    }
    // The same year with the 2,000 rows in its register's 采用记录 (the workbooks hard-linked).
    let with_record = root.join("target/bench-data/M-record");
    write_year_with_record(&data, &with_record, &rows, &rules);
    let out = root.join("target/bench-out");
    std::fs::create_dir_all(&out).unwrap();
    let run = |dir: &Path| {
        let t = Instant::now();
        let st = Command::new(&zwxx)
            .arg("score")
            .arg(dir)
            .args(["-q", "--as-of", "2019-12-31", "-o"])
            .arg(out.join("results.xlsx"))
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(st.code().is_some_and(|c| c <= 1), "zwxx score failed");
        t.elapsed()
    };
    // Alternated, so that a change of load on a shared machine moves both alike.
    let (mut plain, mut recorded) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        plain.push(run(&data));
        recorded.push(run(&with_record));
    }
    let (score, score_recorded) = (median(plain), median(recorded));

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
    println!(
        "zwxx score M with the 2,000 rows in its register (median of {runs}): {:.3} s, \
         {:+.1} % on the M run",
        score_recorded.as_secs_f64(),
        100.0 * (score_recorded.as_secs_f64() / score.as_secs_f64() - 1.0)
    );
}

/// `to`: the workbooks of `from` (hard links) and a register listing the same units with
/// `rows` in its 采用记录.
fn write_year_with_record(from: &Path, to: &Path, rows: &[RecordRow], rules: &Rules) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    let mut units = Vec::new();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name == l::REGISTER_TEMPLATE_FILE {
            continue;
        }
        if let Some(unit) = name.split('-').next() {
            units.push(unit.to_string());
        }
        std::fs::hard_link(&p, to.join(&name)).unwrap();
    }
    units.sort();
    units.dedup();
    let roster: Vec<&str> = units.iter().map(String::as_str).collect();
    let mut wb = register_template(rules, &roster, 2019).unwrap();
    let ws = wb.worksheet_from_name(l::SHEET_RECORD).unwrap();
    for (i, r) in rows.iter().enumerate() {
        let row = REGISTER_HEADER_ROW + 1 + i as u32;
        ws.write(row, 0, rules.adoption[r.level].label.as_str())
            .unwrap();
        ws.write(row, 1, r.issue.as_str()).unwrap();
        ws.write(row, 2, r.title.as_str()).unwrap();
    }
    wb.save(to.join(l::REGISTER_TEMPLATE_FILE)).unwrap();
}
