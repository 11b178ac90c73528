//! The third-party corpus: calamine's own test spreadsheets (Excel, LibreOffice, WPS and
//! others; some once crashed calamine or exhausted its memory). None follows the template, so
//! each must get a clear file error — or be read — and never panic, hang or run out of
//! memory, and the run must go on to the next file. It is read in place from
//! `../shared/corpus/calamine-tests` beside the clone (CI copies `shared/` there) or
//! `/work/shared/corpus/calamine-tests`; the project keeps none of it. Absent: skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Address-space limit of the child (bytes): a blow-up fails its allocation, loudly.
const ADDRESS_SPACE: &str = "2000000000";
/// The whole folder, debug build, busy CI machine (it takes well under a second here).
const MAX_TIME: Duration = Duration::from_secs(30);
/// Peak resident memory of the whole run (KiB).
const MAX_RSS_KIB: u64 = 500 * 1024;

fn corpus_dir() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/calamine-tests");
    [beside, PathBuf::from("/work/shared/corpus/calamine-tests")]
        .into_iter()
        .find(|p| p.is_dir())
}

/// The `"key": "…"` string of one `--format json` line, unescaped.
fn field(line: &str, key: &str) -> String {
    let tag = format!("\"{key}\": \"");
    let Some(at) = line.find(&tag) else {
        return String::new();
    };
    let mut out = String::new();
    let mut chars = line[at + tag.len()..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                }
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => break,
            },
            c => out.push(c),
        }
    }
    out
}

#[test]
fn calamine_corpus_in_one_run_is_contained() {
    let Some(dir) = corpus_dir() else {
        eprintln!("note: ../shared/corpus/calamine-tests not found; corpus test skipped");
        return;
    };
    let rss = tempfile::NamedTempFile::new().unwrap();
    let mut argv: Vec<String> = Vec::new();
    for (tool, args) in [
        (
            "/usr/bin/timeout",
            vec!["-s".to_string(), "KILL".into(), "120".into()],
        ),
        (
            "/usr/bin/prlimit",
            vec![format!("--as={ADDRESS_SPACE}"), "--".into()],
        ),
        (
            "/usr/bin/time",
            vec![
                "-f".into(),
                "%M".into(),
                "-o".into(),
                rss.path().display().to_string(),
            ],
        ),
    ] {
        if Path::new(tool).exists() {
            argv.push(tool.into());
            argv.extend(args);
        } else {
            eprintln!("note: {tool} absent, that bound is not checked");
        }
    }
    argv.push(env!("CARGO_BIN_EXE_zwxx").into());
    argv.extend(["validate", ".", "--format", "json"].map(String::from));
    let start = Instant::now();
    let out = Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(&dir)
        .output()
        .unwrap();
    let took = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);

    for bad in ["panicked", "memory allocation", "stack overflow"] {
        assert!(!stderr.contains(bad), "stderr shows {bad:?}:\n{stderr}");
    }
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit status {:?} (None: killed by a signal)\n{stderr}",
        out.status.code()
    );
    assert!(took < MAX_TIME, "took {took:?}");
    let peak = std::fs::read_to_string(rss.path())
        .ok()
        .and_then(|s| s.lines().last().and_then(|l| l.trim().parse::<u64>().ok()));
    if let Some(kib) = peak {
        assert!(kib < MAX_RSS_KIB, "peak RSS {kib} KiB");
    }

    // file name → codes found on it
    let mut codes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in stdout.lines().filter(|l| l.trim_start().starts_with('{')) {
        let file = field(line, "file");
        let name = file.rsplit(['/', '\\']).next().unwrap_or(&file).to_string();
        codes.entry(name).or_default().push(field(line, "code"));
    }

    // every spreadsheet file has a finding, or is byte-identical to one read already
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| zwxx::discover::has_spreadsheet_extension(&p.to_string_lossy()))
        .collect();
    files.sort();
    let mut seen: Vec<(Vec<u8>, String)> = Vec::new();
    let mut duplicates = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        if let Some((_, first)) = seen.iter().find(|(b, _)| *b == bytes) {
            assert!(
                !codes.contains_key(&name),
                "{name} is a copy of {first} and is read once"
            );
            duplicates += 1;
            continue;
        }
        assert!(
            codes.get(&name).is_some_and(|c| !c.is_empty()),
            "{name}: neither a finding nor a copy of another file"
        );
        seen.push((bytes, name));
    }

    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for c in codes.values().flatten() {
        *tally.entry(c.as_str()).or_default() += 1;
    }
    eprintln!(
        "calamine corpus: {} spreadsheet files ({duplicates} byte-identical copies read once), \
         exit {:?}, {took:?}, peak RSS {peak:?} KiB, codes {tally:?}",
        files.len(),
        out.status.code()
    );
}
