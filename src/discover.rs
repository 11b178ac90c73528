//! Discovery: PATH arguments → the spreadsheet files to read, in a stable order, with the
//! files that are skipped before reading (lock files, hidden files, other documents) listed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Extensions read as spreadsheets (content decides the actual format). `et` is WPS's own.
pub const SPREADSHEET_EXTENSIONS: [&str; 7] = ["xlsx", "xlsm", "xls", "ods", "xlsb", "et", "xltx"];

/// A file found under the PATH arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Path as shown to people (as reached from the argument).
    pub display: String,
    /// `None` to read it, `Some(reason)` when skipped without reading.
    pub skip: Option<String>,
}

/// Walk every argument (files or folders, recursively) in a stable order: names sorted
/// byte-wise at every level, so the order on disk never matters. Symlink loops are cut.
/// A missing argument is a fatal error (exit 2).
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Found>, Error> {
    let mut out = Vec::new();
    let mut seen_dirs = HashSet::new();
    let mut seen_files = HashSet::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| Error::InputPath {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(p, &mut out, &mut seen_dirs, &mut seen_files);
        } else {
            push_file(p, None, &mut out, &mut seen_files, true);
        }
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    out: &mut Vec<Found>,
    seen_dirs: &mut HashSet<PathBuf>,
    seen_files: &mut HashSet<PathBuf>,
) {
    // A folder reached twice (symlink loop or repeated argument) is walked once.
    let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !seen_dirs.insert(key.clone()) {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        out.push(Found {
            path: dir.to_path_buf(),
            display: dir.display().to_string(),
            skip: Some("无法读取文件夹".into()),
        });
        return;
    };
    // The entry types come with the listing (no stat per file); only links are followed.
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = rd
        .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok())))
        .collect();
    entries.sort_by(|a, b| {
        a.0.as_os_str()
            .as_encoded_bytes()
            .cmp(b.0.as_os_str().as_encoded_bytes())
    });
    for (path, kind) in entries {
        let name = file_name(&path);
        if name.starts_with('.') {
            out.push(skipped(&path, "隐藏文件"));
            continue;
        }
        match kind {
            Some(k) if k.is_dir() => walk(&path, out, seen_dirs, seen_files),
            // A plain file's real path is its folder's real path and its name.
            Some(k) if k.is_file() => {
                let real = path.file_name().map(|n| key.join(n));
                push_file(&path, real, out, seen_files, false);
            }
            // A link (or an entry of unknown type): where it leads decides.
            _ => match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => walk(&path, out, seen_dirs, seen_files),
                // Dangling symlink or no permission to stat: the read will report it.
                _ => push_file(&path, None, out, seen_files, false),
            },
        }
    }
}

/// `real`: the file's canonical path where the caller knows it (else it is looked up), so
/// that a file reached twice is listed once.
fn push_file(
    path: &Path,
    real: Option<PathBuf>,
    out: &mut Vec<Found>,
    seen: &mut HashSet<PathBuf>,
    explicit: bool,
) {
    let key =
        real.unwrap_or_else(|| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()));
    if !seen.insert(key) {
        return;
    }
    let name = file_name(path);
    let reason = if name.starts_with("~$") || name.starts_with(".~lock") {
        Some("临时锁定文件（~$）")
    } else if name.starts_with('.') && !explicit {
        Some("隐藏文件")
    } else if !has_spreadsheet_extension(&name) {
        Some("不是电子表格文件")
    } else {
        None
    };
    out.push(match reason {
        Some(r) => skipped(path, r),
        None => Found {
            path: path.to_path_buf(),
            display: path.display().to_string(),
            skip: None,
        },
    });
}

fn skipped(path: &Path, reason: &str) -> Found {
    Found {
        path: path.to_path_buf(),
        display: path.display().to_string(),
        skip: Some(reason.to_string()),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// An I/O error in Chinese.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件或文件夹不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        std::io::ErrorKind::IsADirectory => "这是一个文件夹".into(),
        _ => format!("系统错误（{e}）"),
    }
}

/// Whether a file name has one of the spreadsheet extensions (case-insensitive).
pub fn has_spreadsheet_extension(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        SPREADSHEET_EXTENSIONS
            .iter()
            .any(|e| ext.eq_ignore_ascii_case(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_lock_hidden_and_other_files_in_stable_order() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for name in [
            "经济运行股-03.xlsx",
            "~$经济运行股-03.xlsx",
            "说明.docx",
            "a.XLS",
            "b.ods",
        ] {
            std::fs::write(d.join(name), b"x").unwrap();
        }
        std::fs::create_dir(d.join(".git")).unwrap();
        std::fs::create_dir(d.join("子文件夹")).unwrap();
        std::fs::write(d.join("子文件夹").join("办公室.xlsx"), b"x").unwrap();
        let found = discover(&[d.to_path_buf()]).unwrap();
        let names: Vec<(String, bool)> = found
            .iter()
            .map(|f| (file_name(&f.path), f.skip.is_none()))
            .collect();
        assert_eq!(
            names,
            [
                (".git".to_string(), false),
                ("a.XLS".into(), true),
                ("b.ods".into(), true),
                ("~$经济运行股-03.xlsx".into(), false),
                ("办公室.xlsx".into(), true),
                ("经济运行股-03.xlsx".into(), true),
                ("说明.docx".into(), false),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.xlsx"), b"x").unwrap();
        std::os::unix::fs::symlink(d, d.join("loop")).unwrap();
        let found = discover(&[d.to_path_buf()]).unwrap();
        assert_eq!(found.iter().filter(|f| f.skip.is_none()).count(), 1);
    }

    /// A file reached twice — through a linked folder, a link to it, or named again on the
    /// command line — is listed once (at its first place in the walk).
    #[cfg(unix)]
    #[test]
    fn a_file_reached_twice_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("b")).unwrap();
        std::fs::write(d.join("b").join("x.xlsx"), b"x").unwrap();
        std::os::unix::fs::symlink(d.join("b"), d.join("a")).unwrap();
        std::os::unix::fs::symlink(d.join("b").join("x.xlsx"), d.join("c.xlsx")).unwrap();
        let found = discover(&[d.to_path_buf(), d.join("b").join("x.xlsx")]).unwrap();
        let read: Vec<String> = found
            .iter()
            .filter(|f| f.skip.is_none())
            .map(|f| f.path.strip_prefix(d).unwrap().display().to_string())
            .collect();
        assert_eq!(read, ["a/x.xlsx"]);
    }

    #[test]
    fn missing_argument_is_fatal() {
        assert!(discover(&[PathBuf::from("/no/such/目录")]).is_err());
    }
}
