//! Writing output files safely. Every output is built in memory first (a workbook is only
//! packed while written, see [`write_workbook`]), then written to a
//! temporary file in the target folder and renamed over the target, so a failed run never
//! leaves a half-written file and never touches a previous results file. An output path that
//! is one of the inputs (the same path, a symbolic link to it or a hard link of it) is refused
//! before anything is written: no input file is ever modified.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// One file to write: where, and what.
#[derive(Debug, Clone)]
pub struct Output {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Refuse output paths that are inputs (the same path, a symbolic link to one, a hard link of
/// one) or that repeat each other. Called for every output before anything is written.
pub fn refuse_inputs(targets: &[&Path], inputs: &[&Path]) -> Result<(), Error> {
    for (i, t) in targets.iter().enumerate() {
        if let Some(input) = find_input(t, inputs) {
            return Err(Error::Output(format!(
                "输出文件 {} 就是输入文件 {}，不能覆盖输入文件。请指定其他输出位置",
                t.display(),
                input.display()
            )));
        }
        if targets[..i].iter().any(|o| same_file(t, o)) {
            return Err(Error::Output(format!(
                "输出文件 {} 被指定了两次。请为各项输出指定不同的位置",
                t.display()
            )));
        }
    }
    Ok(())
}

/// [`refuse_inputs`], but an input that zwxx wrote itself (an earlier run's results, feedback,
/// notice or CSV file, which the run does not read) may be replaced.
pub fn refuse_inputs_but_own(targets: &[&Path], inputs: &[&Path]) -> Result<(), Error> {
    let kept: Vec<&Path> = targets
        .iter()
        .copied()
        .filter(|t| find_input(t, inputs).is_none() || !is_zwxx_output(t))
        .collect();
    refuse_inputs(&kept, inputs)?;
    refuse_inputs(targets, &[])
}

/// The outputs of a run, checked — and their missing folders made — before any input is
/// read, so that a wrong `-o` is refused at once, not after the whole year was scored.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Folders this run made, outermost first.
    created: Vec<PathBuf>,
}

impl Prepared {
    /// Remove the folders made for a run that then wrote nothing (each only while empty).
    pub fn undo(&self) {
        for d in self.created.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
}

/// Check the output `files` and `folders` (with what each folder is for, e.g. `CSV`) of a
/// run reading `inputs`: no file may be an input (zwxx's own earlier output may be
/// replaced), a folder or a repeat of another output, and every folder must be one or be
/// makeable — missing ones are made now.
pub fn prepare(
    files: &[&Path],
    folders: &[(&Path, &str)],
    inputs: &[&Path],
) -> Result<Prepared, Error> {
    refuse_inputs_but_own(files, inputs)?;
    for t in files {
        if t.is_dir() {
            return Err(is_a_folder(t));
        }
    }
    let mut prepared = Prepared::default();
    let parents: Vec<(PathBuf, &str)> = files.iter().map(|f| (folder_of(f), "结果文件")).collect();
    let all = folders
        .iter()
        .map(|(d, what)| (d.to_path_buf(), *what))
        .chain(parents);
    for (dir, what) in all {
        if let Err(e) = make_folder(&dir, what, &mut prepared.created) {
            prepared.undo();
            return Err(e);
        }
    }
    Ok(prepared)
}

/// Make `dir` and its missing parents, noting each one made in `created`.
fn make_folder(dir: &Path, what: &str, created: &mut Vec<PathBuf>) -> Result<(), Error> {
    if dir.is_dir() {
        return Ok(());
    }
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .take_while(|a| !a.exists())
        .map(Path::to_path_buf)
        .collect();
    if missing.is_empty() || dir.exists() {
        return Err(Error::Output(format!(
            "{what}的输出位置 {} 已有同名文件，不是文件夹。请指定一个文件夹",
            dir.display()
        )));
    }
    fs::create_dir_all(dir).map_err(|e| {
        Error::Output(format!(
            "无法建立{what}的文件夹 {}：{}",
            dir.display(),
            io_reason(&e)
        ))
    })?;
    created.extend(missing.into_iter().rev());
    Ok(())
}

/// Whether `path` is a file zwxx wrote: a workbook or document (results, feedback, notice)
/// with the custom document property `zwxx`, read from at most [`PROPS_MAX`] bytes of
/// `docProps/custom.xml`, or a CSV file whose header row is one of zwxx's.
fn is_zwxx_output(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if file.take(CSV_HEAD_MAX).read_to_end(&mut head).is_err() {
        return false;
    }
    if let Some(csv) = head.strip_prefix("\u{feff}".as_bytes()) {
        let text = String::from_utf8_lossy(csv);
        return super::csv::is_own_header(text.lines().next().unwrap_or_default());
    }
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return false;
    };
    let Some(mark) = read_part(&mut zip, "docProps/custom.xml", PROPS_MAX)
        .and_then(|xml| output_mark(&String::from_utf8_lossy(&xml)))
    else {
        return false;
    };
    // A notice draft only while its text is what zwxx wrote: an edited one is the officer's.
    match mark.strip_prefix(super::docx::NOTICE_MARK) {
        None => true,
        Some(digest) => read_part(&mut zip, "word/document.xml", NOTICE_MAX)
            .is_some_and(|doc| super::docx::notice_mark(&doc).ends_with(digest)),
    }
}

/// The value of the custom property that marks zwxx's outputs, in a `docProps/custom.xml`.
fn output_mark(xml: &str) -> Option<String> {
    let at = xml.find(&format!("name=\"{}\"", super::xlsx::OUTPUT_PROPERTY))?;
    let rest = &xml[at..];
    let start = rest.find("<vt:lpwstr>")? + "<vt:lpwstr>".len();
    let end = rest[start..].find("</vt:lpwstr>")? + start;
    Some(rest[start..end].to_string())
}

/// At most `max` bytes of a part of a zip package.
fn read_part<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    max: u64,
) -> Option<Vec<u8>> {
    use std::io::Read;
    let part = zip.by_name(name).ok()?;
    let mut bytes = Vec::new();
    part.take(max).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The most of a notice's text read to check that it is unedited (the sample year's is 60 KiB).
const NOTICE_MAX: u64 = 16 << 20;

/// The most of a CSV file read to find its header row.
const CSV_HEAD_MAX: u64 = 4 << 10;

/// The most of a workbook's custom properties read to recognise zwxx's own output.
const PROPS_MAX: u64 = 64 << 10;

fn is_a_folder(t: &Path) -> Error {
    Error::Output(format!(
        "输出路径 {} 是一个文件夹，不是文件。请写出文件名，如 {}",
        t.display(),
        t.join("结果.xlsx").display()
    ))
}

/// Refuse targets that are folders or whose folder does not exist, before anything is written.
pub fn check_folders(targets: &[&Path]) -> Result<(), Error> {
    for t in targets {
        if t.is_dir() {
            return Err(is_a_folder(t));
        }
        let dir = folder_of(t);
        if !dir.is_dir() {
            return Err(Error::Output(format!(
                "无法写入 {}：文件夹 {} 不存在。请先建立该文件夹，或指定其他位置",
                t.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Write one file atomically: a temporary file beside the target, then a rename. On any
/// failure the temporary file is removed and the target (if it existed) is left as it was.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_atomic_with(target, |file| {
        file.write_all(bytes).map_err(|e| write_error(target, &e))
    })
}

/// Write a workbook atomically like [`write_atomic`], packing it straight into the
/// temporary file: a city's results workbook is some 30 MiB packed, and held as bytes first it
/// was the largest block of memory of the whole run.
pub fn write_workbook(target: &Path, wb: &mut rust_xlsxwriter::Workbook) -> Result<(), Error> {
    use rust_xlsxwriter::XlsxError;
    write_atomic_with(target, |file| {
        let mut w = std::io::BufWriter::new(file);
        wb.save_to_writer(&mut w).map_err(|e| match e {
            XlsxError::IoError(e) => write_error(target, &e),
            e => super::xlsx::output_error(e),
        })?;
        w.flush().map_err(|e| write_error(target, &e))
    })
}

/// Why `target` could not be written.
fn write_error(target: &Path, e: &std::io::Error) -> Error {
    Error::Output(format!(
        "无法写入 {}：{}。原有文件（如有）未被改动",
        target.display(),
        io_reason(e)
    ))
}

/// [`write_atomic`] with the content written by `fill` into the temporary file; an error of
/// `fill` is returned as it is, once the temporary file is removed.
fn write_atomic_with(
    target: &Path,
    fill: impl FnOnce(&mut fs::File) -> Result<(), Error>,
) -> Result<(), Error> {
    let fail = |e: &std::io::Error| write_error(target, e);
    if target.is_dir() {
        return Err(Error::Output(format!(
            "输出路径 {} 是一个文件夹，不是文件。请写出文件名",
            target.display()
        )));
    }
    let name = target
        .file_name()
        .ok_or_else(|| Error::Output(format!("输出路径 {} 没有文件名", target.display())))?;
    let dir = folder_of(target);
    let (tmp, mut file) = {
        let mut attempt = 0u32;
        loop {
            let candidate = dir.join(format!(
                ".{}.{}-{attempt}.tmp",
                name.to_string_lossy(),
                std::process::id()
            ));
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&candidate)
            {
                Ok(f) => break (candidate, f),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 1000 => {
                    attempt += 1;
                }
                Err(e) => return Err(fail(&e)),
            }
        }
    };
    let written = fill(&mut file).and_then(|()| {
        file.sync_all()
            .and_then(|()| {
                drop(file);
                fs::rename(&tmp, target)
            })
            .map_err(|e| fail(&e))
    });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Write every output (already checked with [`refuse_inputs`] and [`check_folders`]).
pub fn write_all(outputs: &[Output]) -> Result<(), Error> {
    outputs
        .iter()
        .try_for_each(|o| write_atomic(&o.path, &o.bytes))
}

/// The folder a file goes into (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether two paths name the same file: same canonical path (symbolic links resolved), or —
/// when both exist — the same device and inode (hard links).
pub fn same_file(a: &Path, b: &Path) -> bool {
    if let (Some(x), Some(y)) = (canonical(a), canonical(b))
        && x == y
    {
        return true;
    }
    same_inode(a, b)
}

/// The canonical path of a file, or of its folder joined with its name when it does not exist.
fn canonical(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = fs::canonicalize(p) {
        return Some(c);
    }
    let dir = fs::canonicalize(folder_of(p)).ok()?;
    Some(dir.join(p.file_name()?))
}

/// The input that writing `target` would overwrite, if any. On Unix one `stat` of each
/// suffices: an output that does not exist yet is no input, and one that exists is an input
/// exactly when both name the same inode (the same path, a symbolic link to it, a hard link
/// of it). With thousands of inputs, resolving every path each time cost more than that.
#[cfg(unix)]
fn find_input<'a>(target: &Path, inputs: &[&'a Path]) -> Option<&'a Path> {
    use std::os::unix::fs::MetadataExt;
    let t = fs::metadata(target).ok()?;
    inputs
        .iter()
        .copied()
        .find(|p| fs::metadata(p).is_ok_and(|m| m.dev() == t.dev() && m.ino() == t.ino()))
}

#[cfg(not(unix))]
fn find_input<'a>(target: &Path, inputs: &[&'a Path]) -> Option<&'a Path> {
    inputs.iter().copied().find(|p| same_file(target, p))
}

#[cfg(unix)]
fn same_inode(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_a: &Path, _b: &Path) -> bool {
    false
}

/// A short Chinese reason for an I/O error.
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => "没有写入权限（文件夹只读，或文件正被 Excel/WPS 打开）".into(),
        K::NotFound => "文件夹不存在".into(),
        K::IsADirectory => "目标是一个文件夹".into(),
        K::StorageFull => "磁盘空间不足".into(),
        K::ReadOnlyFilesystem => "磁盘为只读".into(),
        K::NotADirectory => "路径中有同名的文件，不是文件夹".into(),
        K::AlreadyExists => "已有同名的文件".into(),
        _ => format!("系统错误（{e}）"),
    }
}

/// Replace the characters a file name cannot hold on Windows or Unix with `_`.
pub fn safe_file_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let s = s.trim().trim_start_matches('.').to_string();
    if s.is_empty() { "_".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let t = d.path().join("结果.xlsx");
        write_atomic(&t, b"one").unwrap();
        write_atomic(&t, b"two").unwrap();
        assert_eq!(fs::read(&t).unwrap(), b"two");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    /// Packed into its file, a workbook is byte for byte what it is packed in memory; a failed
    /// write leaves nothing behind, like any output.
    #[test]
    fn workbook_is_packed_into_its_file_atomically() {
        let d = tempfile::tempdir().unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2019, 12, 31).unwrap();
        let mut wb = crate::report::xlsx::new_workbook(as_of, "t", "results").unwrap();
        wb.add_worksheet().write(0, 0, "信息").unwrap();
        let in_memory = wb.save_to_buffer().unwrap();
        let t = d.path().join("结果.xlsx");
        write_workbook(&t, &mut wb).unwrap();
        assert_eq!(fs::read(&t).unwrap(), in_memory);
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);

        let folder = d.path().join("out");
        fs::create_dir(&folder).unwrap();
        assert!(write_workbook(&folder, &mut wb).is_err());
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 2);
    }

    #[test]
    fn failed_write_leaves_no_temp_and_keeps_the_folder() {
        let d = tempfile::tempdir().unwrap();
        let t = d.path().join("out");
        fs::create_dir(&t).unwrap();
        fs::write(t.join("keep"), b"k").unwrap();
        assert!(write_atomic(&t, b"x").is_err());
        assert_eq!(fs::read(t.join("keep")).unwrap(), b"k");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn links_to_an_input_are_the_same_file() {
        let d = tempfile::tempdir().unwrap();
        let input = d.path().join("a.xlsx");
        fs::write(&input, b"x").unwrap();
        let sym = d.path().join("s.xlsx");
        std::os::unix::fs::symlink(&input, &sym).unwrap();
        let hard = d.path().join("h.xlsx");
        fs::hard_link(&input, &hard).unwrap();
        let other = d.path().join("o.xlsx");
        for t in [&input, &sym, &hard] {
            assert!(refuse_inputs(&[t], &[&input]).is_err(), "{}", t.display());
        }
        assert!(refuse_inputs(&[&other], &[&input]).is_ok());
        let dotted = d.path().join(".").join("a.xlsx");
        assert!(refuse_inputs(&[&dotted], &[&input]).is_err());
        assert!(refuse_inputs(&[&other, &other], &[&input]).is_err());
        assert!(check_folders(&[d.path()]).is_err());
        assert!(check_folders(&[&d.path().join("无/x.csv")]).is_err());
        assert!(check_folders(&[&other]).is_ok());
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(safe_file_name("综合/信息:股"), "综合_信息_股");
        assert_eq!(safe_file_name(".."), "_");
    }
}
