//! `zwxx template [--rules F] [--year Y] [-o DIR]`: write the two blank workbooks,
//! `政务信息报送表.xlsx` and `考核登记表.xlsx`, built from the rules for the year.
//!
//! The workbooks are built in memory and each is written atomically (a temporary file in the
//! target folder, then a rename), so a failed run never leaves a half-written template.

use chrono::Datelike;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::TemplateArgs;
use crate::error::Error;
use crate::labels;
use crate::report::template::{register_template, section_template};
use crate::rules::Rules;

use crate::assess::YEARS;

pub fn run(args: &TemplateArgs) -> Result<i32, Error> {
    let rules = Rules::load(args.rules.as_deref())?;
    let year = args.year.unwrap_or_else(|| chrono::Local::now().year());
    if !YEARS.contains(&year) {
        return Err(Error::Usage(format!(
            "年份 {year} 无效,请填写四位数的年份,如 2019"
        )));
    }
    let roster = labels::DEFAULT_ROSTER;

    std::fs::create_dir_all(&args.out)
        .map_err(|e| Error::Output(format!("无法创建输出文件夹 {}:{e}", args.out.display())))?;

    let outputs = [
        (
            labels::SECTION_TEMPLATE_FILE,
            section_template(&rules, &roster, year),
        ),
        (
            labels::REGISTER_TEMPLATE_FILE,
            register_template(&rules, &roster, year),
        ),
    ];
    for (name, workbook) in outputs {
        let path = args.out.join(name);
        let bytes = workbook
            .and_then(|mut w| w.save_to_buffer())
            .map_err(|e| Error::Output(format!("无法生成 {}:{e}", path.display())))?;
        write_atomic(&path, &bytes)?;
        super::outln!("已生成 {}", path.display());
    }
    Ok(0)
}

/// Write `bytes` to `path` through a temporary file in the same folder and a rename, so
/// readers see the old file or the new one, never a partial one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let failed = |e: std::io::Error| Error::Output(format!("无法写入 {}:{e}", path.display()));
    let tmp = temp_path(path);
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(failed(e));
    }
    Ok(())
}

/// `DIR/.NAME.tmp-PID`: hidden, in the same folder (so the rename stays on one file system),
/// and not a spreadsheet extension (so a leftover is skipped by discovery).
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}
