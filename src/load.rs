//! Files → parsed files: the orchestration of reading. [`load`] finds the inputs, reads every
//! file once through the guarded reader ([`crate::read`]), in parallel, and hands each workbook
//! straight to the phase-1 parsers (section workbook or register) so raw cells are dropped as
//! soon as a file is done.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use crate::discover;
use crate::error::Error;
use crate::findings::{Code, file_error};
use crate::model::{FileStatus, Finding, InputFile, Item, Register};
use crate::read::workbook::{self, Killed, Limits, ReadError, read_workbook};
use crate::register::{is_register, parse_register};
use crate::rules::Rules;
use crate::validate::{FailedSheet, Parsed, SectionFile, parse_section};

/// Everything read from the inputs, before the year and the register are applied.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every file found, in one fixed order (path bytes), whatever the order of the paths on
    /// the command line; `Item::file_index` indexes this.
    pub files: Vec<InputFile>,
    /// The submissions read (each sheet of a section workbook holding a header block and an
    /// items table); their items are in `items`.
    pub sections: Vec<SectionFile>,
    /// Sheets and files refused in phase 1 (file errors), with what their header says.
    pub failed: Vec<FailedSheet>,
    /// The items of every section workbook read (some may belong to a file later skipped as
    /// a duplicate), each file's items one run. One vector rather than one per file: a year
    /// of 12,000 files left 12,000 holes in the heap once the items were merged.
    pub items: Vec<Item>,
    /// The register in force (from `--register` or found among the inputs), if any.
    pub register: Option<Register>,
    pub findings: Vec<Finding>,
}

/// What one worker made of one file.
enum Outcome {
    Section(Parsed),
    Register(Register, Vec<Finding>),
    Failed(Vec<Finding>, String),
    /// A workbook zwxx wrote itself (results or feedback): not an input.
    OwnOutput,
}

/// Read every input. Fatal only for a missing argument or an unusable `--register`.
pub fn load(
    paths: &[PathBuf],
    register: Option<&Path>,
    rules: &Rules,
    limits: &Limits,
) -> Result<Loaded, Error> {
    load_with_progress(paths, register, rules, limits, false)
}

/// [`load`], with a progress line on stderr when `progress` is set and reading takes more
/// than a second.
pub fn load_with_progress(
    paths: &[PathBuf],
    register: Option<&Path>,
    rules: &Rules,
    limits: &Limits,
    progress: bool,
) -> Result<Loaded, Error> {
    let found = discover_in_fixed_order(paths)?;
    if found.iter().all(|f| f.skip.is_some()) && register.is_none() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Usage(format!(
            "在 {} 中没有找到电子表格文件（.xlsx/.xls/.ods 等）",
            shown.join("、")
        )));
    }
    let mut loaded = Loaded::default();

    let explicit = register
        .map(|p| read_chosen_register(p, rules, limits, &mut loaded.findings))
        .transpose()?;

    for fnd in &found {
        loaded.files.push(InputFile {
            display: fnd.display.clone(),
            path: fnd.path.clone(),
            sha256: String::new(),
            status: match &fnd.skip {
                Some(r) => FileStatus::Skipped(r.clone()),
                None => FileStatus::Failed(String::new()),
            },
            modified: None,
        });
    }
    let to_read: Vec<usize> = (0..found.len())
        .filter(|&i| found[i].skip.is_none())
        .collect();
    let mut seen_sha: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut register_from: Option<usize> = None;
    // Each file's result is taken as soon as it and those before it are read: its items move
    // into the year's one vector and the rest is freed while the run goes on (a city's year
    // held at once was hundreds of MB).
    let read = |&i: &usize| read_one(i, &found[i].display, &found[i].path, rules, limits);
    parallel_in_order(&to_read, progress, read, |k, (sha, mut outcome)| {
        let i = to_read[k];
        let file = &mut loaded.files[i];
        file.sha256 = sha.clone();
        if !sha.is_empty() {
            if let Some(&first) = seen_sha.get(&sha) {
                let first = loaded.files[first].display.clone();
                loaded.files[i].status =
                    FileStatus::Skipped(format!("与 {first} 内容完全相同，只读一次"));
                return;
            }
            seen_sha.insert(sha.clone(), i);
        }
        if let Outcome::Section(parsed) = &mut outcome {
            for sheet in &mut parsed.sheets {
                loaded.items.extend(std::mem::take(&mut sheet.items));
            }
        }
        loaded.take(
            i,
            &sha,
            outcome,
            explicit.as_ref(),
            register,
            &mut register_from,
        );
    });
    if let Some((_, _, reg)) = explicit {
        loaded.register = Some(reg);
    }
    Ok(loaded)
}

/// The register given with `--register`, read first: anything else stops the run.
fn read_chosen_register(
    p: &Path,
    rules: &Rules,
    limits: &Limits,
    findings: &mut Vec<Finding>,
) -> Result<Chosen, Error> {
    let (sha, outcome) = read_one(0, &p.display().to_string(), p, rules, limits);
    match outcome {
        Outcome::Register(reg, found) => {
            findings.extend(found);
            Ok((sha, std::fs::canonicalize(p).ok(), reg))
        }
        Outcome::Failed(fs, _) => {
            let why = fs.first().map(|x| x.message.clone()).unwrap_or_default();
            Err(Error::Usage(format!(
                "无法使用考核登记表 {}:{why}",
                p.display()
            )))
        }
        Outcome::Section(_) | Outcome::OwnOutput => Err(Error::Usage(format!(
            "{} 不是考核登记表（缺少工作表“股室名单”），请检查 --register 参数",
            p.display()
        ))),
    }
}

/// The register given with `--register`: its digest, its real path and what was read from it.
type Chosen = (String, Option<PathBuf>, Register);

impl Loaded {
    /// What was read from input `i` (not a duplicate), into the run.
    fn take(
        &mut self,
        i: usize,
        sha: &str,
        outcome: Outcome,
        explicit: Option<&Chosen>,
        register: Option<&Path>,
        register_from: &mut Option<usize>,
    ) {
        let file = &mut self.files[i];
        match outcome {
            Outcome::Section(parsed) => {
                file.modified = parsed.sheets.first().and_then(|s| s.modified.clone());
                self.sections.extend(parsed.sheets);
                self.failed.extend(parsed.failed);
            }
            Outcome::Register(reg, findings) => match explicit {
                Some(chosen) => self.beside_chosen(i, sha, chosen, register),
                None => self.found_register(i, reg, findings, register_from),
            },
            Outcome::OwnOutput => {
                file.status = FileStatus::Skipped(OWN_OUTPUT.to_string());
            }
            Outcome::Failed(findings, why) => {
                file.status = FileStatus::Failed(why.clone());
                self.failed
                    .push(FailedSheet::whole_file(i, &file.display, findings, why));
            }
        }
    }

    /// A register among the inputs beside the one given with `--register` (at `path`): that
    /// one itself, or another, unused.
    fn beside_chosen(&mut self, i: usize, sha: &str, chosen: &Chosen, path: Option<&Path>) {
        let file = &mut self.files[i];
        let same = chosen.0 == sha
            || chosen
                .1
                .as_ref()
                .is_some_and(|p| std::fs::canonicalize(&file.path).ok().as_ref() == Some(p));
        if same {
            file.status = FileStatus::Register;
            return;
        }
        let used = path.map(|p| p.display().to_string()).unwrap_or_default();
        file.status = FileStatus::Failed("多余的考核登记表".into());
        self.findings.push(file_error(
            &file.display,
            Code::FileRegister,
            format!("已用 --register 指定考核登记表 {used}，本文件未使用。请只保留一个登记表"),
        ));
    }

    /// A register found among the inputs (without `--register`): the register, or — when one
    /// was found already (`first`) — a second one, which stops the run, since which of two
    /// different registers is meant cannot be told.
    fn found_register(
        &mut self,
        i: usize,
        reg: Register,
        findings: Vec<Finding>,
        first: &mut Option<usize>,
    ) {
        let Some(k) = *first else {
            self.files[i].status = FileStatus::Register;
            *first = Some(i);
            self.findings.extend(findings);
            self.register = Some(reg);
            return;
        };
        let one = self.files[k].display.clone();
        let file = &mut self.files[i];
        file.status = FileStatus::Failed("多余的考核登记表".into());
        self.findings.push(file_error(&file.display, Code::RegFiles, format!(
            "输入中有两个内容不同的考核登记表：{one} 和 {}，无法确定使用哪一个。请只保留一个登记表（把另一个移出文件夹），或用 --register 指定",
            file.display)));
        if let Some(r) = self.register.as_mut() {
            r.tasks_incomplete = true;
        }
    }
}

/// The files under `paths` in one fixed order: the paths themselves sorted first (so that a
/// file reached twice is always listed under the same name), then every file found sorted by
/// the bytes of its path as shown. The order of the paths on the command line (a shell's glob
/// order depends on its locale) never changes an output.
fn discover_in_fixed_order(paths: &[PathBuf]) -> Result<Vec<discover::Found>, Error> {
    let mut paths = paths.to_vec();
    paths.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    let mut found = discover::discover(&paths)?;
    found.sort_by(|a, b| a.display.as_bytes().cmp(b.display.as_bytes()));
    Ok(found)
}

/// Run `f` over `items` on up to the machine's cores and hand each result to `take` in the
/// input order, as soon as it and every result before it are there. With `progress`, a
/// reporter thread prints "读取文件 k/n" on stderr once a second has passed.
fn parallel_in_order<T: Sync, R: Send>(
    items: &[T],
    progress: bool,
    f: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(usize, R),
) {
    let threads = crate::read::worker::parallelism().min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (results, arrived) = mpsc::channel::<(usize, R)>();
    std::thread::scope(|s| {
        // Set when this closure ends, also by a panic (in `take`, or a reader thread's):
        // the progress line must not keep the scope waiting.
        let _stop = StopOnDrop(&stop);
        if progress {
            s.spawn(|| report_progress(&done, items.len(), &stop));
        }
        for _ in 0..threads {
            let results = results.clone();
            let (next, done, f) = (&next, &done, &f);
            s.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= items.len() {
                        break;
                    }
                    let r = f(&items[k]);
                    done.fetch_add(1, Ordering::Relaxed);
                    if results.send((k, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(results);
        // Results that came before an earlier one, until it comes.
        let mut early: BTreeMap<usize, R> = BTreeMap::new();
        let mut due = 0;
        for (k, r) in arrived {
            early.insert(k, r);
            while let Some(r) = early.remove(&due) {
                take(due, r);
                due += 1;
            }
        }
    });
}

/// Sets its flag when dropped.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Print "读取文件 k/n" on stderr every 200 ms after the first second, until all are done or
/// `stop` is set.
fn report_progress(done: &AtomicUsize, total: usize, stop: &AtomicBool) {
    use std::io::Write;
    let start = std::time::Instant::now();
    let mut shown = false;
    loop {
        let k = done.load(Ordering::Relaxed);
        if k >= total || stop.load(Ordering::Relaxed) {
            break;
        }
        if start.elapsed() > std::time::Duration::from_secs(1) {
            eprint!("\r读取文件 {k}/{total}");
            let _ = std::io::stderr().flush();
            shown = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    if shown {
        eprint!("\r读取文件 {}/{total}\n", done.load(Ordering::Relaxed));
    }
}

/// Why a file is not read: (code, message, short reason).
type Refusal = (Code, String, &'static str);

/// The bytes of an input and their SHA-256, read with the limits: never a folder, a device or
/// a pipe, never more than the size limit.
fn read_input(path: &Path, limits: &Limits) -> Result<(Vec<u8>, String), Refusal> {
    // The size, as a hint for reading the file in one go.
    let size = match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            return Err((
                Code::FileUnreadable,
                "这是一个文件夹，不是文件".into(),
                "不是文件",
            ));
        }
        // A FIFO would block the read forever, a device (/dev/zero) never end.
        Ok(m) if !m.is_file() => {
            return Err((
                Code::FileUnreadable,
                "这不是普通文件（可能是设备、管道或套接字），未读取".into(),
                "不是普通文件",
            ));
        }
        Ok(m) if m.len() > limits.max_file_bytes => {
            return Err((
                Code::FileLimit,
                format!(
                    "文件大小 {} 字节超过上限 {} 字节，未读取。如确需读取，请用 --max-file-mb 提高上限",
                    m.len(),
                    limits.max_file_bytes
                ),
                "超出大小上限",
            ));
        }
        Ok(m) => m.len(),
        Err(_) => 0,
    };
    // Never more than the limit plus one byte, even if the file grows after the check above.
    let bytes = read_at_most(path, limits.max_file_bytes.saturating_add(1), size).map_err(|e| {
        (
            Code::FileUnreadable,
            format!("无法读取文件：{}", discover::io_reason(&e)),
            "无法读取",
        )
    })?;
    let sha = hex(&Sha256::digest(&bytes));
    Ok((bytes, sha))
}

/// An input read again (the feedback workbooks copy its sheets), through the same guarded
/// reader and limits as the run, only if it is still the file that was read.
pub fn reread(path: &Path, sha256: &str, limits: &Limits) -> Option<workbook::WorkbookData> {
    let (bytes, sha) = read_input(path, limits).ok()?;
    if sha != sha256 {
        return None;
    }
    read_workbook(&bytes, limits).ok()
}

/// Read, hash and parse one file. Never panics: reader panics are caught by the reader, and
/// a panic in the parser itself is caught here and reported as a file error.
fn read_one(
    index: usize,
    display: &str,
    path: &Path,
    rules: &Rules,
    limits: &Limits,
) -> (String, Outcome) {
    let fail = |(code, msg, why): Refusal| {
        Outcome::Failed(vec![file_error(display, code, msg)], why.to_string())
    };
    let (bytes, sha) = match read_input(path, limits) {
        Ok(read) => read,
        Err(refusal) => return (String::new(), fail(refusal)),
    };
    let wb = match read_workbook(&bytes, limits) {
        Ok(wb) => wb,
        Err(e) => return (sha, fail(describe_read_error(&e))),
    };
    drop(bytes);
    if is_own_output(&wb) {
        return (sha, Outcome::OwnOutput);
    }
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if is_register(&wb) {
            let (reg, findings) = parse_register(display, &wb, rules);
            Outcome::Register(reg, findings)
        } else {
            Outcome::Section(parse_section(index, display, &wb, rules))
        }
    }));
    let mut outcome = parsed.unwrap_or_else(|_| {
        fail((
            Code::FileCorrupt,
            "读取本文件时出现内部错误，文件未计分。请将该文件发给维护人员".into(),
            "内部错误",
        ))
    });
    let modified = wb.modified.as_deref().and_then(normalize_modified);
    if let Outcome::Section(parsed) = &mut outcome {
        for s in &mut parsed.sheets {
            s.modified.clone_from(&modified);
        }
    }
    (sha, outcome)
}

/// A workbook's "modified" property as a comparable UTC timestamp (`2019-03-05T02:00:00.000Z`):
/// xlsx stores UTC with `Z`, ODS local time without a zone (taken as UTC), some writers an
/// offset. Unparseable values are dropped rather than compared as text.
fn normalize_modified(raw: &str) -> Option<String> {
    use chrono::{DateTime, NaiveDateTime, Utc};
    let raw = raw.trim();
    let utc: DateTime<Utc> = match DateTime::parse_from_rfc3339(raw) {
        Ok(d) => d.with_timezone(&Utc),
        Err(_) => NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()?
            .and_utc(),
    };
    Some(utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

/// Why a results or feedback workbook of zwxx among the inputs is skipped.
pub const OWN_OUTPUT: &str = "zwxx 生成的结果文件";

/// Whether a workbook is one zwxx wrote: a results workbook (考核排名 + 考核说明) or a
/// feedback workbook (问题清单). An officer who keeps the results in the input folder must
/// get the same scores on the next run, not a second register or a file error.
fn is_own_output(wb: &workbook::WorkbookData) -> bool {
    let has = |name: &str| wb.sheets.iter().any(|s| s.name == name);
    use crate::labels::{SHEET_FEEDBACK_LIST, SHEET_NOTES, SHEET_RANKING};
    (has(SHEET_RANKING) && has(SHEET_NOTES)) || has(SHEET_FEEDBACK_LIST)
}

/// The first `max` bytes of a file, `size` (its size when last looked at) reserved up front
/// where it can be: without it the file was read in ten or so growing pieces, a system call
/// each. A reservation that fails is no error (the read then grows the buffer as before, and
/// reports running out of memory instead of aborting).
fn read_at_most(path: &Path, max: u64, size: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let _ = bytes.try_reserve_exact(usize::try_from(size.min(max)).unwrap_or(0));
    std::fs::File::open(path)?
        .take(max)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Code, Chinese message and short reason for a reader error.
fn describe_read_error(e: &ReadError) -> Refusal {
    match e {
        ReadError::NotSpreadsheet => (Code::FileNotSpreadsheet, "文件内容不是电子表格(可能是改了扩展名的其他文件或空文件)。请用 Excel/WPS 打开后另存为 .xlsx".into(), "不是电子表格"),
        ReadError::OldExcel => (Code::FileNotSpreadsheet, "Excel 2.x–4.0 旧格式,请用 Excel/WPS 打开后另存为 .xlsx".into(), "旧格式"),
        ReadError::Encrypted => (Code::FileEncrypted, "文件设置了打开密码，无法读取。请取消密码后重新发送".into(), "有密码"),
        ReadError::Limit { name, value, limit } => (Code::FileLimit, format!("文件超出读取上限 {name}（实际 {value}，上限 {limit}），未读取。文件可能已损坏或含大量无关内容"), "超出读取上限"),
        ReadError::Corrupt(m) => (Code::FileCorrupt, format!("文件已损坏，无法解析（{m}）。请用 Excel/WPS 打开后重新保存"), "文件损坏"),
        ReadError::NoSheets => (Code::FileNotTemplate, "文件中没有工作表".into(), "没有工作表"),
        ReadError::Panic(_) => (Code::FileCorrupt, "文件结构异常，读取失败。请用 Excel/WPS 打开后重新保存".into(), "文件损坏"),
        ReadError::Killed(Killed::Memory(mib)) => (Code::FileLimit, format!("读取本文件所需内存超过上限（每个读取进程 {mib} MiB），已停止读取。文件可能已损坏或含大量无关内容"), "超出内存上限"),
        ReadError::Killed(Killed::Time(secs)) => (Code::FileLimit, format!("读取本文件超过 {secs} 秒仍未完成，已停止读取。文件可能已损坏或含大量无关内容"), "超出时间上限"),
        ReadError::Killed(Killed::Stack) => (Code::FileCorrupt, "文件结构嵌套过深，已停止读取。请用 Excel/WPS 打开后重新保存".into(), "文件损坏"),
        ReadError::Killed(Killed::Crash(how)) => (Code::FileCorrupt, format!("读取本文件时读取进程意外退出（{how}），未读取。请用 Excel/WPS 打开后重新保存"), "文件损坏"),
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod modified_tests {
    use super::normalize_modified;

    #[test]
    fn modified_times_compare_across_zones_and_formats() {
        let xlsx = normalize_modified("2019-03-05T02:00:00Z").unwrap();
        let offset = normalize_modified("2019-03-05T10:00:00+08:00").unwrap();
        let ods = normalize_modified("2019-03-05T02:00:00.123456789").unwrap();
        assert_eq!(xlsx, offset);
        assert!(ods > xlsx);
        assert_eq!(normalize_modified("yesterday"), None);
    }
}

#[cfg(test)]
mod read_tests {
    use super::read_at_most;

    /// The size looked up before reading is only a hint: a file that is now shorter or longer
    /// reads as it is (up to the limit), and a size no memory could hold (a sparse file of
    /// terabytes, with the limit raised to match) reserves nothing rather than aborting.
    #[test]
    fn the_size_hint_never_changes_what_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.xlsx");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_at_most(&path, 100, 10).unwrap(), b"0123456789");
        assert_eq!(read_at_most(&path, 100, 3).unwrap(), b"0123456789");
        assert_eq!(read_at_most(&path, 100, 0).unwrap(), b"0123456789");
        assert_eq!(read_at_most(&path, 4, 10).unwrap(), b"0123");
        assert_eq!(
            read_at_most(&path, u64::MAX, 1 << 62).unwrap(),
            b"0123456789"
        );
    }
}

#[cfg(test)]
mod order_tests {
    use super::parallel_in_order;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    /// Results are handed over in the input order although later ones finish first, each as
    /// soon as everything before it is done: the first is taken while the last is still
    /// being worked on.
    #[test]
    fn results_are_taken_in_input_order_as_soon_as_ready() {
        let items: Vec<u64> = (0..24).collect();
        let first_taken = AtomicBool::new(false);
        let seen_by_last = AtomicBool::new(false);
        let mut taken = Vec::new();
        parallel_in_order(
            &items,
            false,
            |&k| {
                if k == 23 {
                    let until = Instant::now() + Duration::from_secs(5);
                    while !first_taken.load(Ordering::Relaxed) && Instant::now() < until {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    seen_by_last.store(first_taken.load(Ordering::Relaxed), Ordering::Relaxed);
                } else {
                    // the first items are the slowest
                    std::thread::sleep(Duration::from_millis(24 - k));
                }
                k * 10
            },
            |k, r| {
                first_taken.store(true, Ordering::Relaxed);
                taken.push((k, r));
            },
        );
        let expected: Vec<(usize, u64)> = (0..24).map(|k| (k as usize, k * 10)).collect();
        assert_eq!(taken, expected);
        assert!(
            seen_by_last.load(Ordering::Relaxed),
            "the first result waited for the last"
        );
    }

    /// A panic while taking a result ends the run (as a panic), also with the progress line
    /// on: it does not hang waiting for files nobody will read.
    #[test]
    fn a_panic_in_take_does_not_hang_the_progress_line() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let items: Vec<u64> = (0..16).collect();
            let run = std::panic::catch_unwind(|| {
                parallel_in_order(
                    &items,
                    true,
                    |_| std::thread::sleep(Duration::from_millis(20)),
                    |_, ()| panic!("taking failed"),
                )
            });
            let _ = tx.send(run.is_err());
        });
        let panicked = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the run ended instead of hanging");
        assert!(panicked);
    }
}
