//! Every non-empty cell of every sheet of the given workbooks, one line each:
//! `file<TAB>sheet<TAB>A1<TAB>value` (file names relative to the folder given, sorted), so that
//! two runs' outputs can be compared cell by cell with `diff`:
//!
//! ```text
//! cargo run --release --example dump_cells -- OUTDIR > before.tsv
//! ```
//!
//! Directories are walked; `.xlsx` files are dumped, `.csv` files printed line by line.

use calamine::{Data, Reader, open_workbook_auto};
use std::path::{Path, PathBuf};

fn files(root: &Path, out: &mut Vec<PathBuf>) {
    if root.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(root)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else {
        out.push(root.to_path_buf());
    }
}

fn column(mut c: u32) -> String {
    let mut s = String::new();
    c += 1;
    while c > 0 {
        c -= 1;
        s.insert(0, (b'A' + (c % 26) as u8) as char);
        c /= 26;
    }
    s
}

fn shown(v: &Data) -> String {
    match v {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
    .replace(['\t', '\n'], " ")
}

fn main() {
    for arg in std::env::args().skip(1) {
        let root = PathBuf::from(&arg);
        let mut list = Vec::new();
        files(&root, &mut list);
        for path in list {
            let name = match path.strip_prefix(&root) {
                Ok(p) if !p.as_os_str().is_empty() => p.display().to_string(),
                _ => path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
            };
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if ext == "csv" {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (i, line) in text.lines().enumerate() {
                    println!("{name}\t-\t{}\t{line}", i + 1);
                }
                continue;
            }
            if ext != "xlsx" {
                continue;
            }
            let Ok(mut wb) = open_workbook_auto(&path) else {
                println!("{name}\t-\t-\tunreadable");
                continue;
            };
            for sheet in wb.sheet_names() {
                let Ok(range) = wb.worksheet_range(&sheet) else {
                    continue;
                };
                let (r0, c0) = range.start().unwrap_or((0, 0));
                for (r, row) in range.rows().enumerate() {
                    for (c, v) in row.iter().enumerate() {
                        if *v != Data::Empty {
                            let at = format!("{}{}", column(c0 + c as u32), r0 + r as u32 + 1);
                            println!("{name}\t{sheet}\t{at}\t{}", shown(v));
                        }
                    }
                }
            }
        }
    }
}
