//! The terminal view: a compact ranking table, problem counts per section, and the
//! validate command's text listing. Chinese, aligned for CJK double-width characters.

use std::fmt::Write;

use crate::assess::Assessment;
use crate::model::{FileStatus, Finding, Severity};
use crate::rules::Rules;

/// Display width: CJK and full-width characters take two columns.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// Whether a character is CJK or full-width (two columns).
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Pad to a display width (left-aligned).
pub fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(s))));
    out
}

/// Pad to a display width (right-aligned).
pub fn pad_left(s: &str, w: usize) -> String {
    let mut out: String = std::iter::repeat_n(' ', w.saturating_sub(width(s))).collect();
    out.push_str(s);
    out
}

/// Error and warning counts of findings (corrected ones are neither).
pub fn counts<'a>(findings: impl Iterator<Item = &'a Finding>) -> (usize, usize) {
    findings.fold((0, 0), |(e, w), f| match f.severity {
        Severity::Error => (e + 1, w),
        Severity::Warning => (e, w + 1),
        Severity::Corrected => (e, w),
    })
}

/// "错误 E 个,警告 W 个", and ",已更正 C 个" when a later file corrected some.
pub fn totals<'a>(findings: impl Iterator<Item = &'a Finding> + Clone) -> String {
    let (e, w) = counts(findings.clone());
    let corrected = findings
        .filter(|f| f.severity == Severity::Corrected)
        .count();
    let mut out = format!("错误 {e} 个，警告 {w} 个");
    if corrected > 0 {
        out.push_str(&format!("\u{FF0C}已更正 {corrected} 个"));
    }
    out
}

/// Files read, skipped and failed.
pub fn file_summary(a: &Assessment) -> String {
    let (mut read, mut skipped, mut failed, mut register) = (0, 0, 0, 0);
    let mut sheets = 0;
    for f in &a.files {
        match &f.status {
            FileStatus::Section(s) => {
                read += 1;
                sheets += s.len();
            }
            FileStatus::Register => register += 1,
            FileStatus::Skipped(_) => skipped += 1,
            FileStatus::Failed(_) => failed += 1,
        }
    }
    // A register given with --register is not among the files found in the folders.
    if a.register_file.is_some() {
        register = register.max(1);
    }
    // A workbook with a sheet per month is one file of several submissions.
    let sheets = if sheets > read {
        format!("（共 {sheets} 个工作表）")
    } else {
        String::new()
    };
    format!(
        "文件：读取报送表 {read} 个{sheets}，登记表 {register} 个，无法使用 {failed} 个，跳过 {skipped} 个（临时文件、非表格文件、重复文件）"
    )
}

/// The ranking table and the per-section problem counts.
pub fn ranking(a: &Assessment, rules: &Rules) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} 年度政务信息工作考核结果（统计截至 {}）",
        a.year, a.as_of
    );
    let name_w = a
        .scores
        .iter()
        .map(|s| width(&s.name))
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{}  {}  {}  {}  评定",
        pad("名次", 4),
        pad("股室", name_w),
        pad_left("最终得分", 8),
        pad_left("问题", 10)
    );
    for r in super::table::ranking_rows(a, rules) {
        let rank = r
            .standing
            .rank
            .map_or_else(|| "—".into(), |n| n.to_string());
        let (e, w) = counts(
            a.findings
                .iter()
                .filter(|f| f.section.as_deref() == Some(r.name)),
        );
        let problems = if e + w == 0 {
            "—".to_string()
        } else {
            format!("错{e} 警{w}")
        };
        let mut verdict = r.verdict.to_string();
        if !r.remarks.is_empty() {
            if !verdict.is_empty() {
                verdict.push('\u{FF1B}');
            }
            verdict.push_str(&r.remarks);
        }
        let _ = writeln!(
            out,
            "{}  {}  {}  {}  {}",
            pad_left(&rank, 4),
            pad(r.name, name_w),
            pad_left(&r.final_score.to_string(), 8),
            pad_left(&problems, 10),
            verdict
        );
    }
    let of_register = |f: &&Finding| a.register_file.as_deref() == Some(f.file.as_str());
    let (e, w) = counts(a.findings.iter().filter(of_register));
    if e + w > 0 {
        let _ = writeln!(
            out,
            "考核登记表的问题：错误 {e} 个，警告 {w} 个（详见“校验问题”，请更正登记表）"
        );
    }
    let unassigned = a
        .findings
        .iter()
        .filter(|f| f.section.is_none() && !of_register(f));
    let (e, w) = counts(unassigned);
    if e + w > 0 {
        let _ = writeln!(
            out,
            "未能归属股室的问题（文件无法读取或表头无效）：错误 {e} 个，警告 {w} 个"
        );
    }
    let _ = writeln!(out, "{}", file_summary(a));
    let _ = writeln!(out, "问题合计：{}", totals(a.findings.iter()));
    out
}

/// The validate command's text listing: findings grouped by file, a line per file and per section.
pub fn findings_text(a: &Assessment) -> String {
    let mut out = String::new();
    let mut files: Vec<&str> = a.findings.iter().map(|f| f.file.as_str()).collect();
    files.dedup();
    for file in files {
        if a.findings.iter().any(|x| x.file == file) {
            file_findings(&mut out, a, file);
        }
    }
    let _ = writeln!(out, "—— 按股室 ——");
    for s in &a.scores {
        let own = a
            .findings
            .iter()
            .filter(|f| f.section.as_deref() == Some(s.name.as_str()));
        let (e, w) = counts(own);
        let sent = s.submitted.iter().filter(|m| **m).count();
        if sent + e + w == 0 {
            continue; // nothing of this section among the inputs
        }
        let _ = writeln!(
            out,
            "{}：报送 {sent} 个月，合格信息 {} 条，错误 {e} 个，警告 {w} 个",
            s.name,
            s.qualifying()
        );
    }
    let _ = writeln!(out, "{}", file_summary(a));
    let _ = writeln!(out, "合计：{}", totals(a.findings.iter()));
    out
}

/// One file's problems: a count line, then one line per problem.
fn file_findings(out: &mut String, a: &Assessment, file: &str) {
    let list: Vec<&Finding> = a.findings.iter().filter(|f| f.file == file).collect();
    let (e, w) = counts(list.iter().copied());
    let _ = writeln!(out, "{file}：错误 {e} 个，警告 {w} 个");
    for f in list {
        let place = match (f.sheet.is_empty(), f.cell.is_empty()) {
            (true, _) => String::new(),
            (false, true) => format!("{} ", f.sheet),
            (false, false) => format!("{}!{} ", f.sheet, f.cell),
        };
        let _ = writeln!(
            out,
            "  {place}[{}] {}：{}",
            f.code,
            f.severity.label(),
            f.message
        );
    }
}

/// When the register holds errors (`E-REG-…`): the register's problems, every one, and what
/// to do — `score` prints this and writes nothing. `None` for a register fit to score with.
pub fn register_errors(a: &Assessment) -> Option<String> {
    let errors = a
        .findings
        .iter()
        .filter(|f| crate::findings::is_register_error(f.code))
        .count();
    if errors == 0 {
        return None;
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "考核登记表有 {errors} 个错误，未生成考核结果。登记表是信息员自己的文件，其中的错误会改变评比结果，请更正下列问题后重新运行："
    );
    // The register in use, then any other file a register error is about (a second register).
    let mut files: Vec<&str> = a.register_file.iter().map(String::as_str).collect();
    for x in &a.findings {
        if crate::findings::is_register_error(x.code) && !files.contains(&x.file.as_str()) {
            files.push(&x.file);
        }
    }
    for file in files {
        if a.findings.iter().any(|x| x.file == file) {
            file_findings(&mut out, a, file);
        }
    }
    Some(out.trim_end().to_string())
}
