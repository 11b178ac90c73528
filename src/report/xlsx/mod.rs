//! The results workbook (`{year}年度政务信息工作考核结果.xlsx`): a view of the assessed year,
//! sheet by sheet as SPEC "Outputs" lists them. Every number is read from the score lines
//! (`SectionScore` and its accessors), never recomputed, so the sheets agree with each other
//! and with the terminal. Text from input cells is always written as a string, never as a
//! formula; dates are real dates; the document properties are fixed from the as-of date so
//! that the same inputs give the same bytes.
//!
//! One module per sheet (or pair of like sheets); the sheet-writing kit ([`Sheet`] in `kit`,
//! [`V`] and [`Look`] in `cell`) is shared with the feedback workbooks.

use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet, XlsxError};

use super::ledger;
use crate::assess::Assessment;
use crate::error::Error;
use crate::rank::Standing;
use crate::rules::Rules;
use crate::score::{Category, SectionScore};

use super::{DEFAULT_COLUMN_PIXELS, DEFAULT_ROW_PIXELS, GENERATOR, body_font};

mod authors;
mod breakdown;
mod catalog;
mod cell;
mod kit;
mod monthly;
mod notes;
mod problems;
mod ranking;
mod section;
mod tasks;

pub(crate) use cell::{Look, V, clip, excel_date};
pub(crate) use kit::Sheet;

use crate::report::table::ranking_rows;
use authors::authors_sheet;
use breakdown::breakdown_sheet;
use catalog::catalog_sheet;
use monthly::monthly_sheet;
use notes::notes_sheet;
use problems::findings_sheet;
use ranking::ranking_sheet;
use section::section_sheet;
use tasks::{deductions_sheet, tasks_sheet};

/// Sheet names, in workbook order (the per-section sheets go after [`SHEET_CATALOG`]).
pub use crate::labels::SHEET_RANKING;
pub const SHEET_BREAKDOWN: &str = "得分明细";
pub const SHEET_CATALOG: &str = "采用信息目录";
pub const SHEET_AUTHORS: &str = "撰稿人统计";
pub const SHEET_MONTHLY: &str = "月度报送";
pub const SHEET_TASKS: &str = "约稿任务";
pub const SHEET_DEDUCTIONS: &str = "扣分记录";
pub const SHEET_FINDINGS: &str = "校验问题";
pub use crate::labels::SHEET_NOTES;
const FIXED_SHEETS: [&str; 9] = [
    SHEET_RANKING,
    SHEET_BREAKDOWN,
    SHEET_CATALOG,
    SHEET_AUTHORS,
    SHEET_MONTHLY,
    SHEET_TASKS,
    SHEET_DEDUCTIONS,
    SHEET_FINDINGS,
    SHEET_NOTES,
];

/// Fill colours: Excel's own "good", "bad" and "neutral" cell styles, so they read as usual.
pub(crate) const GOOD: u32 = 0xC6EFCE;
pub(crate) const BAD: u32 = 0xFFC7CE;
pub(crate) const NEUTRAL: u32 = 0xFFEB9C;
const HEAD: u32 = 0xDDEBF7;
const TOTAL: u32 = 0xF2F2F2;
const DARK_RED: u32 = 0x9C0006;

/// The seed's reading of 七(二), stated in `考核说明` (SPEC Scoring 8).
const READING_7_2: &str = "实施方案七（二）原文为“多次完成约稿任务……取消评先资格”，按文意应为“多次未完成”（其他单位的规则亦为“凡2次以上没有按时按质完成约稿任务的……”）。本次考核按“未按时按质完成约稿任务达到规定次数即取消评先资格”执行，次数见上表“取消评先资格”一行。";

pub(crate) type R<T> = Result<T, XlsxError>;

/// A rust_xlsxwriter failure as a fatal output error.
pub(crate) fn output_error(e: XlsxError) -> Error {
    Error::Output(format!("生成工作簿失败：{e}"))
}

/// Build the results workbook in memory. `rules_source` says where the rules came from.
/// Packed into its file when written ([`super::write::write_workbook`]): for a city's year
/// the packed bytes are tens of MiB, never held in memory.
pub fn results_workbook(
    a: &Assessment,
    rules: &Rules,
    rules_source: &str,
) -> Result<Workbook, Error> {
    build(a, rules, rules_source).map_err(output_error)
}

fn build(a: &Assessment, rules: &Rules, rules_source: &str) -> R<Workbook> {
    let mut wb = new_workbook(
        a.as_of,
        &format!("{}年度政务信息工作考核结果", a.year),
        "results",
    )?;
    let names: Vec<&str> = a.scores.iter().map(|s| s.name.as_str()).collect();
    let sheet_names = section_sheet_names(&names, &FIXED_SHEETS);
    let by_section = standings_by_section(a);
    let ranking = ranking_rows(a, rules);
    // Each section's row of the ranking, indexed like `a.scores`.
    let mut row_of = vec![0; a.scores.len()];
    for (k, r) in ranking.iter().enumerate() {
        row_of[r.standing.section] = k;
    }

    if a.scores.len() <= ledger::LARGE_ROSTER {
        // A bureau's year packs to a few hundred KB at either level; level 1 packs it in
        // about half the compression time, for ~30% more bytes. A city's year keeps level 2:
        // its tens of MB matter more.
        wb.set_zip_compression_level(1);
    }
    wb.push_worksheet(ranking_sheet(a, rules, &ranking)?);
    wb.push_worksheet(breakdown_sheet(a, rules)?);
    if a.scores.len() > ledger::LARGE_ROSTER {
        // A city-sized roster: the adopted items and one item sheet instead of a sheet per
        // section, streamed (their rows go to the workbook's temporary files, not to memory).
        let catalog = wb.add_worksheet_with_constant_memory()?;
        ledger::catalog_sheet(catalog, a, rules, SHEET_CATALOG)?;
        let items = wb.add_worksheet_with_constant_memory()?;
        ledger::ledger_sheet(items, a, rules)?;
    } else {
        wb.push_worksheet(catalog_sheet(a, rules)?);
        for (i, s) in a.scores.iter().enumerate() {
            let r = &ranking[row_of[i]];
            wb.push_worksheet(section_sheet(a, rules, s, r, &sheet_names[i])?);
        }
    }
    wb.push_worksheet(authors_sheet(a, rules)?);
    wb.push_worksheet(monthly_sheet(a, &by_section)?);
    wb.push_worksheet(tasks_sheet(a)?);
    wb.push_worksheet(deductions_sheet(a, rules)?);
    wb.push_worksheet(findings_sheet(a)?);
    wb.push_worksheet(notes_sheet(a, rules, rules_source)?);
    Ok(wb)
}

/// The custom document property that marks zwxx's own outputs (value `results`/`feedback`).
pub const OUTPUT_PROPERTY: &str = "zwxx";

/// A workbook with fixed document properties: the creation time is the as-of date (never the
/// clock), so identical inputs give byte-identical files. `kind` marks zwxx's own outputs.
pub(crate) fn new_workbook(as_of: NaiveDate, title: &str, kind: &str) -> R<Workbook> {
    let mut wb = Workbook::new();
    wb.set_default_format(&body_font(), DEFAULT_ROW_PIXELS, DEFAULT_COLUMN_PIXELS)?;
    // Level 2 instead of 6: about 10% larger files, saved in a little over half the time
    // (rust_xlsxwriter's own measurements; compression was a tenth of a small year's run).
    wb.set_zip_compression_level(2);
    let created = excel_date(as_of)
        .unwrap_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).expect("valid date"))
        .and_hms(0, 0, 0)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("zwxx")
            .set_comment(GENERATOR)
            .set_creation_datetime(&created)
            .set_custom_property(OUTPUT_PROPERTY, kind),
    );
    Ok(wb)
}

/// A worksheet whose default cell format is the workbook's ([`body_font`]): a sheet built on
/// its own and pushed into the workbook must agree with it.
pub(crate) fn new_sheet() -> R<Worksheet> {
    let mut ws = Worksheet::new();
    ws.set_default_format(&body_font(), DEFAULT_ROW_PIXELS, DEFAULT_COLUMN_PIXELS)?;
    Ok(ws)
}

/// The standing of each section, indexed like `a.scores`.
fn standings_by_section(a: &Assessment) -> Vec<&Standing> {
    let mut out: Vec<Option<&Standing>> = vec![None; a.scores.len()];
    for st in &a.standings {
        out[st.section] = Some(st);
    }
    out.into_iter()
        .map(|s| s.expect("every section has a standing"))
        .collect()
}

/// A sheet title: the year, what the sheet shows, and the as-of date.
fn as_of_title(a: &Assessment, what: &str) -> String {
    format!(
        "{}年度{what}（统计截至{}）",
        a.year,
        a.as_of.format("%Y-%m-%d")
    )
}

/// Sum of a section's lines of one category.
fn points(s: &SectionScore, category: Category) -> i64 {
    s.lines
        .iter()
        .filter(|l| l.category == category)
        .map(|l| l.points)
        .sum()
}

// ---------------------------------------------------------------------------------------
// Sheet names

/// Sheet names for the sections: the section name with the characters Excel refuses
/// (`[]:*?/\`) replaced by full-width look-alikes, at most 31 characters, and unique
/// (case-insensitively, as Excel compares) among themselves and the `reserved` names.
pub fn section_sheet_names(sections: &[&str], reserved: &[&str]) -> Vec<String> {
    let mut taken: Vec<String> = reserved.iter().map(|s| s.to_lowercase()).collect();
    taken.push("history".into());
    let mut out = Vec::new();
    for s in sections {
        let clean: String = s
            .chars()
            .map(|c| match c {
                '[' => '【',
                ']' => '】',
                ':' => '\u{FF1A}',
                '*' => '\u{FF0A}',
                '?' => '\u{FF1F}',
                '/' => '\u{FF0F}',
                '\\' => '\u{FF3C}',
                c if c.is_control() => ' ',
                c => c,
            })
            .collect();
        let clean = clean.trim().trim_matches('\'').trim().to_string();
        let base = if clean.is_empty() {
            "股室".to_string()
        } else {
            clean
        };
        let mut name = clip_utf16(&base, 31);
        let mut k = 2;
        while taken.contains(&name.to_lowercase()) {
            let suffix = format!("({k})");
            name = format!("{}{suffix}", clip_utf16(&base, 31 - suffix.len()));
            k += 1;
        }
        taken.push(name.to_lowercase());
        out.push(name);
    }
    out
}

/// The longest prefix of `s` that is at most `max` UTF-16 units (Excel counts those).
pub(crate) fn clip_utf16(s: &str, max: usize) -> String {
    let mut n = 0;
    s.chars()
        .take_while(|c| {
            n += c.len_utf16();
            n <= max
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::cell::MAX_CELL_CHARS;
    use super::*;

    #[test]
    fn section_sheet_names_are_valid_and_unique() {
        let long = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三";
        let names = section_sheet_names(
            &[
                "办公室",
                "综合[1]/股:*?",
                long,
                long,
                "考核排名",
                "'引号'",
                "History",
            ],
            &FIXED_SHEETS,
        );
        assert_eq!(names[0], "办公室");
        assert_eq!(names[1], "综合【1】\u{FF0F}股\u{FF1A}\u{FF0A}\u{FF1F}");
        assert_eq!(names[2].chars().count(), 31);
        assert_ne!(names[2], names[3]);
        assert!(names[3].ends_with("(2)") && names[3].encode_utf16().count() <= 31);
        assert_eq!(names[4], "考核排名(2)");
        assert_eq!(names[5], "引号");
        assert_eq!(names[6], "History(2)");
    }

    /// A one-sheet workbook filled through a [`Sheet`] (rows up to `header_last` repeated on
    /// print): the sheet's XML and the styles' XML.
    fn one_sheet(header_last: u32, fill: impl FnOnce(&mut Sheet<'_>)) -> (String, String) {
        use std::io::Read;
        let mut wb = Workbook::new();
        let mut ws = new_sheet().unwrap();
        let mut sh = Sheet::new(&mut ws);
        fill(&mut sh);
        sh.finish(header_last, (0, 0)).unwrap();
        wb.push_worksheet(ws);
        let bytes = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut part = |name: &str| {
            let mut xml = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
            xml
        };
        (part("xl/worksheets/sheet1.xml"), part("xl/styles.xml"))
    }

    /// The style number of `cell` in a sheet's XML, if the cell is written.
    fn style_of(xml: &str, cell: &str) -> Option<String> {
        let open = format!(r#"<c r="{cell}" s=""#);
        let rest = &xml[xml.find(&open)? + open.len()..];
        Some(rest[..rest.find('"')?].to_string())
    }

    /// A cell written twice keeps what was written last (a value overwritten by a blank is
    /// gone), and blank cells are written with their format (a fill, the grid border).
    #[test]
    fn a_cell_written_twice_keeps_its_last_value_and_format() {
        let (xml, _) = one_sheet(0, |sh| {
            sh.put(1, 1, &V::text("a"), Look::default()).unwrap();
            sh.put(2, 1, &V::Int(5), Look::default()).unwrap();
            sh.put(2, 1, &V::Blank, Look::total()).unwrap();
            sh.put(3, 0, &V::Blank, Look::default()).unwrap();
            sh.put(1, 4, &V::text(""), Look::header()).unwrap();
        });
        let style = |cell: &str| style_of(&xml, cell).unwrap_or_else(|| panic!("{cell}: {xml}"));
        assert!(xml.contains(r#"<dimension ref="A2:E4"/>"#), "{xml}");
        // B2 and A4 look alike (plain text, plain blank); B3 has the total's fill; E2 the
        // header's
        assert!(xml.contains(r#"<c r="B2" s=""#) && xml.contains(r#"t="s"><v>0</v>"#));
        assert_eq!(style("B2"), style("A4"));
        assert!(
            xml.contains(&format!(r#"<c r="B3" s="{}"/>"#, style("B3"))),
            "{xml}"
        );
        assert_ne!(style("B3"), style("B2"));
        assert!(
            xml.contains(&format!(r#"<c r="E2" s="{}"/>"#, style("E2"))),
            "{xml}"
        );
        assert_ne!(style("E2"), style("B3"));
    }

    /// Every cell of a table, blank or not, is written with the grid border: a blank cell
    /// looks like a written one of its kind, the border is thin and grey on all four sides,
    /// and no conditional format is involved.
    #[test]
    fn blank_cells_of_a_table_carry_the_grid_border() {
        let (xml, styles) = one_sheet(1, |sh| {
            // a 3 × 3 table under a header, its centre and right column blank
            sh.header(1, 0, &["甲", "乙", "丙"]).unwrap();
            for r in 2..5 {
                sh.put(r, 0, &V::Int(r.into()), Look::default()).unwrap();
                let centre = if r == 3 { V::Blank } else { V::text("x") };
                sh.put(r, 1, &centre, Look::default()).unwrap();
                sh.put(r, 2, &V::Blank, Look::default()).unwrap();
            }
        });
        assert!(!xml.contains("conditionalFormatting"), "{xml}");
        let text_style = style_of(&xml, "B3").expect("B3");
        for blank in ["B4", "C3", "C4", "C5"] {
            assert_eq!(
                style_of(&xml, blank).as_deref(),
                Some(text_style.as_str()),
                "{blank}"
            );
        }
        let grid = r#"style="thin"><color rgb="FFA6A6A6"/>"#;
        let border = &styles[styles.find("<borders").unwrap()..styles.find("</borders>").unwrap()];
        for side in ["left", "right", "top", "bottom"] {
            assert!(
                border.contains(&format!("<{side} {grid}")),
                "{side}: {border}"
            );
        }
    }

    #[test]
    fn long_text_is_clipped_to_the_cell_limit() {
        let s = "字".repeat(40_000);
        assert_eq!(clip(&s).chars().count(), MAX_CELL_CHARS);
        assert_eq!(clip("短"), "短");
    }
}
