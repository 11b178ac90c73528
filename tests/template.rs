//! `zwxx template`: the real binary writes both workbooks; they are read back with calamine
//! (labels, sheets, roster, instructions) and opened as zip archives (data validation,
//! protection, styles), since calamine does not expose those.

use calamine::{Data, Reader, SheetVisible, open_workbook_auto};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use zwxx::labels;
use zwxx::rules::DEFAULT_RULES_TOML;

const REGENERATE: &str = "cargo run -- template --year 2019 -o templates";

fn zwxx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zwxx"))
        .args(args)
        .output()
        .expect("run zwxx")
}

/// Run `zwxx template --year 2019 -o DIR` plus `extra`; the two files written.
fn generate(dir: &Path, extra: &[&str]) -> (PathBuf, PathBuf) {
    let mut args = vec!["template", "--year", "2019", "-o", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = zwxx(&args);
    assert!(
        out.status.success(),
        "zwxx template failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        dir.join(labels::SECTION_TEMPLATE_FILE),
        dir.join(labels::REGISTER_TEMPLATE_FILE),
    )
}

fn default_templates() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (section, register) = generate(dir.path(), &[]);
    (dir, section, register)
}

/// A rules file in `dir` holding `text`.
fn rules_file(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("rules.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// A sheet as a grid of texts, indexed from A1.
fn grid(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let (h, w) = range.get_size();
    let mut out = vec![vec![String::new(); c0 as usize + w]; r0 as usize + h];
    for (r, c, v) in range.cells() {
        out[r0 as usize + r][c0 as usize + c] = text(v);
    }
    out
}

/// A label as the reader compares it: no white space, no trailing colon.
fn norm(s: &str) -> String {
    let mut t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if t.ends_with(':') || t.ends_with('\u{FF1A}') {
        t.pop();
    }
    t
}

/// Index of the first row holding `label`.
fn row_with(grid: &[Vec<String>], label: &str) -> usize {
    grid.iter()
        .position(|r| r.iter().any(|c| norm(c) == label))
        .unwrap_or_else(|| panic!("no row holds {label}"))
}

/// The non-empty labels of a row, normalised, in order.
fn labels_of(row: &[String]) -> Vec<String> {
    row.iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| norm(c))
        .collect()
}

fn all_text(grid: &[Vec<String>]) -> String {
    grid.iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

/// The items table's labels for `adoption` levels, in template order.
fn expected_item_columns(adoption: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for l in labels::ITEM_FIXED_COLUMNS {
        out.push(l.to_string());
        if l == labels::C_TASK {
            out.extend(adoption.iter().map(|a| a.to_string()));
        }
    }
    out
}

const DEFAULT_LEVELS: [&str; 4] = [
    "区政府办《政务信息》普刊",
    "区政府办《政务信息》专刊",
    "省政府办公厅",
    "国务院办公厅",
];

// ---- zip-level helpers ----

fn zip_entry(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} not in {}", path.display()))
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// Text of `attr="…"` in `element`.
fn attr(element: &str, attr: &str) -> Option<String> {
    let key = format!(" {attr}=\"");
    let start = element.find(&key)? + key.len();
    let end = element[start..].find('"')? + start;
    Some(unescape(&element[start..end]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#xA;", "\n")
        .replace("&amp;", "&")
}

/// The worksheet XML of the sheet named `sheet`, found through workbook.xml and its rels.
fn sheet_xml(path: &Path, sheet: &str) -> String {
    let workbook = zip_entry(path, "xl/workbook.xml");
    let tag = workbook
        .split("<sheet ")
        .skip(1)
        .find(|t| attr(&format!(" {t}"), "name").as_deref() == Some(sheet))
        .unwrap_or_else(|| panic!("no sheet {sheet}"));
    let rid = attr(&format!(" {tag}"), "r:id").unwrap();
    let rels = zip_entry(path, "xl/_rels/workbook.xml.rels");
    let rel = rels
        .split("<Relationship ")
        .find(|r| attr(&format!(" {r}"), "Id").as_deref() == Some(rid.as_str()))
        .unwrap();
    let target = attr(&format!(" {rel}"), "Target").unwrap();
    zip_entry(path, &format!("xl/{target}"))
}

/// One `<dataValidation>`: its opening tag's attributes, sqref and formulas.
#[derive(Debug)]
struct Validation {
    tag: String,
    sqref: String,
    formula1: String,
}

impl Validation {
    fn kind(&self) -> String {
        attr(&self.tag, "type").unwrap_or_default()
    }
    fn get(&self, name: &str) -> String {
        attr(&self.tag, name).unwrap_or_default()
    }
    /// The inline list values, if the list is inline.
    fn values(&self) -> Vec<String> {
        let f = self.formula1.trim();
        match f.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
            Some(inner) => inner.split(',').map(str::to_string).collect(),
            None => Vec::new(),
        }
    }
}

fn validations(xml: &str) -> Vec<Validation> {
    xml.split("<dataValidation ")
        .skip(1)
        .map(|chunk| {
            let tag_end = chunk.find('>').unwrap();
            let tag = format!(" {}", &chunk[..tag_end]);
            let formula1 = chunk
                .find("<formula1>")
                .map(|s| {
                    let s = s + "<formula1>".len();
                    unescape(&chunk[s..s + chunk[s..].find("</formula1>").unwrap()])
                })
                .unwrap_or_default();
            Validation {
                sqref: attr(&tag, "sqref").unwrap_or_default(),
                tag,
                formula1,
            }
        })
        .collect()
}

/// The validation whose range starts at `cell` (e.g. "D5").
fn validation_at<'a>(vs: &'a [Validation], cell: &str) -> &'a Validation {
    vs.iter()
        .find(|v| v.sqref.split([':', ' ']).next() == Some(cell))
        .unwrap_or_else(|| panic!("no data validation at {cell}: {vs:#?}"))
}

/// Column letter of a zero-based index (tables here are narrower than 26 columns).
fn col_letter(i: usize) -> char {
    (b'A' + i as u8) as char
}

/// The style an empty or written cell shows in a worksheet's XML: the cell's own style, else
/// its row's (customFormat), else its column's (`<col min max style>`), else 0.
fn style_of(xml: &str, cell: &str) -> usize {
    let key = format!("<c r=\"{cell}\"");
    if let Some(start) = xml.find(&key) {
        let tag = &xml[start..start + xml[start..].find('>').unwrap()];
        return attr(tag, "s").map_or(0, |s| s.parse().unwrap());
    }
    let split = cell.find(|c: char| c.is_ascii_digit()).unwrap();
    let (letters, row) = cell.split_at(split);
    let row_key = format!("<row r=\"{row}\"");
    if let Some(start) = xml.find(&row_key) {
        let tag = &xml[start..start + xml[start..].find('>').unwrap()];
        if tag.contains("customFormat=\"1\"") {
            return attr(tag, "s").map_or(0, |s| s.parse().unwrap());
        }
    }
    let col = letters
        .bytes()
        .fold(0usize, |n, b| n * 26 + (b - b'A' + 1) as usize);
    for chunk in xml.split("<col ").skip(1) {
        let tag = format!(" {}", &chunk[..chunk.find('>').unwrap()]);
        let min: usize = attr(&tag, "min").unwrap().parse().unwrap();
        let max: usize = attr(&tag, "max").unwrap().parse().unwrap();
        if (min..=max).contains(&col) {
            return attr(&tag, "style").map_or(0, |s| s.parse().unwrap());
        }
    }
    0
}

/// The `<xf>` elements of styles.xml's cellXfs, in index order.
fn cell_xfs(path: &Path) -> Vec<String> {
    let styles = zip_entry(path, "xl/styles.xml");
    let start = styles.find("<cellXfs").unwrap();
    let end = styles.find("</cellXfs>").unwrap();
    styles[start..end]
        .split("<xf ")
        .skip(1)
        .map(str::to_string)
        .collect()
}

fn unlocked(xfs: &[String], style: usize) -> bool {
    xfs[style].contains("locked=\"0\"")
}

// ---- tests ----

#[test]
fn section_workbook_has_the_spec_sheets_and_labels_in_order() {
    let (_dir, section, _) = default_templates();
    let wb = open_workbook_auto(&section).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            labels::SHEET_INSTRUCTIONS,
            labels::SHEET_ITEMS,
            labels::SHEET_LISTS
        ]
    );
    let visible: Vec<_> = wb.sheets_metadata().iter().map(|s| s.visible).collect();
    assert_eq!(
        visible,
        [
            SheetVisible::Visible,
            SheetVisible::Visible,
            SheetVisible::Hidden
        ]
    );

    let g = grid(&section, labels::SHEET_ITEMS);
    assert_eq!(g[0][0], labels::ITEMS_TITLE, "row 1 is the title");

    // Header block: each label followed by its value cell; the year is pre-filled.
    let block = row_with(&g, labels::H_SECTION);
    let table = row_with(&g, labels::C_TITLE);
    assert!(block < table, "the header block is above the table");
    let found: Vec<String> = g[block]
        .iter()
        .map(|c| norm(c))
        .filter(|c| {
            [
                labels::H_SECTION,
                labels::H_YEAR,
                labels::H_MONTH,
                labels::H_FILLER,
                labels::H_PHONE,
            ]
            .contains(&c.as_str())
        })
        .collect();
    assert_eq!(
        found,
        [
            labels::H_SECTION,
            labels::H_YEAR,
            labels::H_MONTH,
            labels::H_FILLER,
            labels::H_PHONE
        ]
    );
    let year_col = g[block]
        .iter()
        .position(|c| norm(c) == labels::H_YEAR)
        .unwrap();
    assert_eq!(g[block][year_col + 1], "2019");
    let section_col = g[block]
        .iter()
        .position(|c| norm(c) == labels::H_SECTION)
        .unwrap();
    assert_eq!(
        g[block][section_col + 1],
        "",
        "股室 is left for staff to pick"
    );

    // One blank row, then the items table header with every SPEC label in order.
    assert_eq!(table, block + 2);
    assert!(g[block + 1].iter().all(String::is_empty));
    assert_eq!(labels_of(&g[table]), expected_item_columns(&DEFAULT_LEVELS));
    assert!(
        g.iter().skip(table + 1).flatten().all(String::is_empty),
        "the data rows are blank"
    );
}

#[test]
fn section_instructions_are_generated_from_the_rules() {
    let (_dir, section, _) = default_templates();
    let all = all_text(&grid(&section, labels::SHEET_INSTRUCTIONS));
    for needle in [
        "零报告",
        "2019-03-05",
        "涉密",
        "谁提供、谁审核、谁负责",
        "主要负责人",
        labels::C_TASK,
        "每条 2 分",
        "最高 60 分",
        "累加计分",
        "每项加 15 分",
        "每项扣 15 分",
        "年度信息工作先进股室",
        "通报批评",
        "前 3 名",
        "后 3 名",
        "未完成约稿任务 2 次及以上",
        "3 个月及以上未报送",
        "建议约谈",
    ] {
        assert!(all.contains(needle), "填报说明 lacks {needle:?}:\n{all}");
    }
    for (label, points) in DEFAULT_LEVELS.iter().zip([5, 10, 20, 20]) {
        assert!(all.contains(&format!("被{label}采用")), "{label}");
        assert!(all.contains(&format!("每条加 {points} 分")), "{label}");
    }
    for label in ["重要信息迟报", "重要信息漏报", "重要信息瞒报"] {
        assert!(all.contains(label), "{label}");
    }
    for label in ["泄密", "明显抄袭", "内容严重失实"] {
        assert!(all.contains(label), "{label}");
    }
    assert!(all.contains("每次扣 15 分") && all.contains("每次扣 20 分"));
}

#[test]
fn register_has_the_spec_sheets_labels_and_roster() {
    let (_dir, _, register) = default_templates();
    let wb = open_workbook_auto(&register).unwrap();
    let mut expected = vec![labels::SHEET_INSTRUCTIONS];
    expected.extend(labels::REGISTER_SHEETS);
    expected.push(labels::SHEET_LISTS);
    assert_eq!(wb.sheet_names(), expected);
    assert_eq!(
        wb.sheets_metadata().last().unwrap().visible,
        SheetVisible::Hidden
    );

    let columns: [&[&str]; 5] = [
        &labels::ROSTER_COLUMNS,
        &labels::LEADER_COLUMNS,
        &labels::TASK_COLUMNS,
        &labels::DEDUCTION_COLUMNS,
        &labels::RECORD_COLUMNS,
    ];
    for (sheet, cols) in labels::REGISTER_SHEETS.iter().zip(columns) {
        let g = grid(&register, sheet);
        let header = row_with(&g, cols[0]);
        assert_eq!(header, 1, "{sheet}: title row, then the header row");
        assert!(
            g[0][0].contains("2019年度") && g[0][0].contains(sheet),
            "{sheet} title: {}",
            g[0][0]
        );
        assert_eq!(labels_of(&g[header]), cols.to_vec(), "{sheet}");
    }

    let g = grid(&register, labels::SHEET_ROSTER);
    let names: Vec<&str> = g[2..]
        .iter()
        .map(|r| r[0].as_str())
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(
        names,
        labels::DEFAULT_ROSTER,
        "roster pre-filled, nothing else"
    );
    assert!(
        g[2..].iter().all(|r| r[1..].iter().all(String::is_empty)),
        "参与考核 and the contacts are left blank"
    );

    let all = all_text(&grid(&register, labels::SHEET_INSTRUCTIONS));
    for sheet in labels::REGISTER_SHEETS {
        assert!(all.contains(sheet), "填报说明 explains {sheet}");
    }
}

#[test]
fn section_drop_downs_hold_the_spec_values() {
    let (_dir, section, _) = default_templates();
    let xml = sheet_xml(&section, labels::SHEET_ITEMS);
    let vs = validations(&xml);
    let g = grid(&section, labels::SHEET_ITEMS);
    let block = row_with(&g, labels::H_SECTION) + 1; // one-based
    let table = row_with(&g, labels::C_TITLE);
    let first_data = table + 2; // one-based
    let col = |label: &str| {
        let i = g[table].iter().position(|c| norm(c) == label).unwrap();
        format!("{}{first_data}", col_letter(i))
    };
    let value_cell = |label: &str| {
        let i = g[block - 1].iter().position(|c| norm(c) == label).unwrap();
        format!("{}{block}", col_letter(i + 1))
    };

    // 股室: the roster, by range on the hidden sheet (an inline list may not pass 255 chars).
    let section_dv = validation_at(&vs, &value_cell(labels::H_SECTION));
    assert_eq!(section_dv.kind(), "list");
    assert_eq!(section_dv.formula1, "下拉列表!$A$4:$A$14");
    let lists = grid(&section, labels::SHEET_LISTS);
    let roster: Vec<&str> = lists[3..14].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(roster, labels::DEFAULT_ROSTER);

    let year = validation_at(&vs, &value_cell(labels::H_YEAR));
    assert_eq!(year.kind(), "whole");
    let month = validation_at(&vs, &value_cell(labels::H_MONTH));
    assert_eq!(
        month.values(),
        (1..=12).map(|m| m.to_string()).collect::<Vec<_>>()
    );

    let category = validation_at(&vs, &col(labels::C_CATEGORY));
    assert_eq!(
        category.values(),
        ["常规信息", "重要信息", "突发信息", "约稿信息", "调研信息"]
    );
    for level in DEFAULT_LEVELS {
        let v = validation_at(&vs, &col(level));
        assert_eq!(v.values(), [labels::YES, labels::NO], "{level}");
        assert!(v.get("prompt").contains(level));
    }
    let officer = validation_at(&vs, &col(labels::C_OFFICER));
    assert_eq!(
        officer.values(),
        [labels::OFFICER_PASS, labels::OFFICER_REJECT]
    );
    // At least 300 data rows are covered.
    let last: usize = officer
        .sqref
        .rsplit(|c: char| c.is_ascii_alphabetic())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(last >= first_data + 299, "{}", officer.sqref);

    // 报送日期: a date in the year, flagged (Warning) but keepable, with a hint.
    let date = validation_at(&vs, &col(labels::C_DATE));
    assert_eq!(date.kind(), "date");
    assert_eq!(date.get("errorStyle"), "warning");
    assert!(date.get("prompt").contains("2019-03-05"));
    assert!(
        validation_at(&vs, &col(labels::C_TASK))
            .get("prompt")
            .contains("约稿信息、调研信息须填写")
    );
    assert!(
        validation_at(&vs, &col(labels::C_REVIEWER))
            .get("prompt")
            .contains("谁提供、谁审核、谁负责")
    );
}

#[test]
fn register_drop_downs_hold_the_spec_values() {
    let (_dir, _, register) = default_templates();
    let dv = |sheet: &str, columns: &[&str], label: &str| {
        let vs = validations(&sheet_xml(&register, sheet));
        let i = columns.iter().position(|c| *c == label).unwrap();
        let v = validation_at(&vs, &format!("{}3", col_letter(i)));
        (v.kind(), v.values(), v.formula1.clone(), v.get("prompt"))
    };
    let roster_range = "股室名单!$A$3:$A$202";

    let (_, values, ..) = dv(
        labels::SHEET_ROSTER,
        &labels::ROSTER_COLUMNS,
        labels::R_PARTICIPATES,
    );
    assert_eq!(values, [labels::YES, labels::NO]);
    let (kind, ..) = dv(
        labels::SHEET_ROSTER,
        &labels::ROSTER_COLUMNS,
        labels::R_ITEM_TARGET,
    );
    assert_eq!(kind, "whole");
    let (kind, ..) = dv(
        labels::SHEET_ROSTER,
        &labels::ROSTER_COLUMNS,
        labels::R_SCORE_TARGET,
    );
    assert_eq!(kind, "decimal");

    let (_, values, ..) = dv(
        labels::SHEET_LEADERS,
        &labels::LEADER_COLUMNS,
        labels::L_ROLE,
    );
    assert_eq!(values, [labels::ROLE_PRINCIPAL, labels::ROLE_DEPUTY]);

    let t = &labels::TASK_COLUMNS;
    let (_, values, ..) = dv(labels::SHEET_TASKS, t, labels::T_KIND);
    assert_eq!(values, [labels::KIND_COMMISSIONED, labels::KIND_RESEARCH]);
    let (_, values, ..) = dv(labels::SHEET_TASKS, t, labels::T_STATUS);
    assert_eq!(values, [labels::STATUS_DONE, labels::STATUS_FAILED]);
    let (kind, _, formula, _) = dv(labels::SHEET_TASKS, t, labels::T_SECTION);
    assert_eq!((kind.as_str(), formula.as_str()), ("list", roster_range));
    for label in [labels::T_ISSUED, labels::T_DEADLINE] {
        let (kind, _, _, prompt) = dv(labels::SHEET_TASKS, t, label);
        assert_eq!(kind, "date", "{label}");
        assert!(prompt.contains("2019-"), "{label}: {prompt}");
    }

    let d = &labels::DEDUCTION_COLUMNS;
    let (_, values, ..) = dv(labels::SHEET_DEDUCTIONS, d, labels::D_CATEGORY);
    assert_eq!(
        values,
        [
            "重要信息迟报",
            "重要信息漏报",
            "重要信息瞒报",
            "泄密",
            "明显抄袭",
            "内容严重失实"
        ]
    );
    let (kind, _, formula, _) = dv(labels::SHEET_DEDUCTIONS, d, labels::D_SECTION);
    assert_eq!((kind.as_str(), formula.as_str()), ("list", roster_range));
    let (kind, _, _, prompt) = dv(labels::SHEET_DEDUCTIONS, d, labels::D_DATE);
    assert_eq!(kind, "date");
    assert!(prompt.contains("2019-"));
    let (kind, ..) = dv(labels::SHEET_DEDUCTIONS, d, labels::D_COUNT);
    assert_eq!(kind, "whole");

    // 采用记录: the adoption levels of the rules, a note on pasting each issue's contents.
    let a = &labels::RECORD_COLUMNS;
    let (kind, values, _, prompt) = dv(labels::SHEET_RECORD, a, labels::A_LEVEL);
    assert_eq!(kind, "list");
    assert_eq!(
        values,
        [
            "区政府办《政务信息》普刊",
            "区政府办《政务信息》专刊",
            "省政府办公厅",
            "国务院办公厅"
        ]
    );
    assert!(prompt.contains("以本表为准"), "{prompt}");
    let (_, _, _, prompt) = dv(labels::SHEET_RECORD, a, labels::A_TITLE);
    assert!(
        prompt.contains("目录") && prompt.contains("粘贴"),
        "{prompt}"
    );
    let (kind, _, formula, _) = dv(labels::SHEET_RECORD, a, labels::A_SECTION);
    assert_eq!((kind.as_str(), formula.as_str()), ("list", roster_range));
    let (kind, ..) = dv(labels::SHEET_RECORD, a, labels::A_DATE);
    assert_eq!(kind, "date");
}

#[test]
fn sheets_are_protected_with_labels_locked_and_data_cells_unlocked() {
    let (_dir, section, register) = default_templates();
    let xfs = cell_xfs(&section);
    let xml = sheet_xml(&section, labels::SHEET_ITEMS);
    let protection = &xml[xml.find("<sheetProtection").expect("protected")..];
    let protection = &protection[..protection.find('>').unwrap()];
    for allowed in [
        "insertRows",
        "deleteRows",
        "formatColumns",
        "formatRows",
        "sort",
        "autoFilter",
    ] {
        assert_eq!(
            attr(protection, allowed).as_deref(),
            Some("0"),
            "{allowed} allowed"
        );
    }
    assert!(attr(protection, "password").is_none(), "no password");

    // Title A1, header labels A2 and B4 locked; value B2 and data rows 5..=304 unlocked.
    for cell in ["A1", "A2", "B4"] {
        assert!(!unlocked(&xfs, style_of(&xml, cell)), "{cell} locked");
    }
    for cell in ["B2", "A5", "B5", "C5", "N5", "A304", "N304"] {
        assert!(unlocked(&xfs, style_of(&xml, cell)), "{cell} unlocked");
    }
    // 报送日期 cells are formatted as dates.
    let styles = zip_entry(&section, "xl/styles.xml");
    let date_fmt = attr(&format!(" {}", xfs[style_of(&xml, "C5")]), "numFmtId").unwrap();
    assert!(
        styles.contains(&format!(
            "numFmtId=\"{date_fmt}\" formatCode=\"yyyy-mm-dd\""
        )),
        "C5 uses numFmt {date_fmt}"
    );
    assert!(xml.contains("<pane ") && xml.contains("state=\"frozen\""));
    assert!(xml.contains("orientation=\"landscape\"") && xml.contains("paperSize=\"9\""));

    let rxfs = cell_xfs(&register);
    for sheet in labels::REGISTER_SHEETS {
        let xml = sheet_xml(&register, sheet);
        assert!(xml.contains("<sheetProtection"), "{sheet} protected");
        assert!(
            !unlocked(&rxfs, style_of(&xml, "A2")),
            "{sheet} header locked"
        );
        assert!(
            unlocked(&rxfs, style_of(&xml, "A3")),
            "{sheet} data unlocked"
        );
        assert!(unlocked(&rxfs, style_of(&xml, "A202")), "{sheet} 200 rows");
    }
}

#[test]
fn both_workbooks_carry_the_version_marker() {
    let (_dir, section, register) = default_templates();
    for path in [&section, &register] {
        let wb = open_workbook_auto(path).unwrap();
        let name = wb
            .defined_names()
            .iter()
            .find(|(n, _)| n == labels::VERSION_NAME)
            .unwrap_or_else(|| panic!("{}: no {}", path.display(), labels::VERSION_NAME));
        assert!(name.1.contains(labels::TEMPLATE_VERSION), "{name:?}");
        let lists = grid(path, labels::SHEET_LISTS);
        assert_eq!(
            lists[0][..2],
            [labels::VERSION_LABEL, labels::TEMPLATE_VERSION]
        );
        let core = zip_entry(path, "docProps/core.xml");
        assert!(core.contains("2019-01-01T00:00:00Z") && core.contains("zwxx"));
    }
}

/// A changed rules file must reach both the instructions and the columns: a bureau that
/// edits its rules gets a template that says and asks for exactly that.
#[test]
fn changed_rules_change_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = DEFAULT_RULES_TOML
        .replacen("cap = 60", "cap = 50", 1)
        .replacen(
            "multi_adoption = \"sum\"",
            "multi_adoption = \"highest\"",
            1,
        );
    text.push_str(
        "\n[[adoption]]\nlabel = \"市政府办公室\"\npoints = 8\n\n[[deduction]]\nlabel = \"虚报\"\npoints = 25\n",
    );
    let rules = rules_file(dir.path(), &text);
    let out = dir.path().join("out");
    let (section, register) = generate(&out, &["--rules", rules.to_str().unwrap()]);

    let all = all_text(&grid(&section, labels::SHEET_INSTRUCTIONS));
    for needle in [
        "最高 50 分",
        "被市政府办公室采用",
        "每条加 8 分",
        "按最高级别计分",
        "虚报",
        "每次扣 25 分",
    ] {
        assert!(all.contains(needle), "填报说明 lacks {needle:?}");
    }
    assert!(!all.contains("最高 60 分") && !all.contains("累加计分"));

    let g = grid(&section, labels::SHEET_ITEMS);
    let table = row_with(&g, labels::C_TITLE);
    let mut levels = DEFAULT_LEVELS.to_vec();
    levels.push("市政府办公室");
    assert_eq!(labels_of(&g[table]), expected_item_columns(&levels));
    let vs = validations(&sheet_xml(&section, labels::SHEET_ITEMS));
    let i = g[table].iter().position(|c| c == "市政府办公室").unwrap();
    let v = validation_at(&vs, &format!("{}{}", col_letter(i), table + 2));
    assert_eq!(v.values(), [labels::YES, labels::NO]);

    let vs = validations(&sheet_xml(&register, labels::SHEET_DEDUCTIONS));
    let i = labels::DEDUCTION_COLUMNS
        .iter()
        .position(|c| *c == labels::D_CATEGORY)
        .unwrap();
    let v = validation_at(&vs, &format!("{}3", col_letter(i)));
    assert_eq!(v.values().last().map(String::as_str), Some("虚报"));
}

/// Excel refuses an inline list longer than 255 characters: long lists must move to the
/// hidden sheet and be referenced by range, not break the build.
#[test]
fn long_lists_move_to_the_hidden_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = DEFAULT_RULES_TOML.to_string();
    let extra: Vec<String> = (1..=30)
        .map(|i| format!("其他严重违反信息工作纪律情形{i}"))
        .collect();
    for label in &extra {
        text.push_str(&format!(
            "\n[[deduction]]\nlabel = \"{label}\"\npoints = 5\n"
        ));
    }
    let rules = rules_file(dir.path(), &text);
    let (_, register) = generate(
        &dir.path().join("out"),
        &["--rules", rules.to_str().unwrap()],
    );

    let vs = validations(&sheet_xml(&register, labels::SHEET_DEDUCTIONS));
    let i = labels::DEDUCTION_COLUMNS
        .iter()
        .position(|c| *c == labels::D_CATEGORY)
        .unwrap();
    let v = validation_at(&vs, &format!("{}3", col_letter(i)));
    assert!(v.formula1.starts_with("下拉列表!$"), "{}", v.formula1);
    let lists = grid(&register, labels::SHEET_LISTS);
    let listed: Vec<&str> = lists
        .iter()
        .skip(3)
        .filter_map(|r| r.first())
        .map(String::as_str)
        .collect();
    assert_eq!(listed.len(), 36);
    assert_eq!(listed.last().copied(), extra.last().map(String::as_str));
}

#[test]
fn output_is_byte_identical_and_matches_the_committed_templates() {
    let (_a, section_a, register_a) = default_templates();
    let (_b, section_b, register_b) = default_templates();
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for (a, b) in [(&section_a, &section_b), (&register_a, &register_b)] {
        let bytes = std::fs::read(a).unwrap();
        assert!(
            bytes == std::fs::read(b).unwrap(),
            "{} differs between runs",
            a.display()
        );
        let name = a.file_name().unwrap();
        let kept = std::fs::read(committed.join(name)).unwrap_or_default();
        assert!(
            bytes == kept,
            "templates/{} is not what the code writes now; regenerate it with `{REGENERATE}` and commit it",
            name.to_string_lossy()
        );
    }
}

#[test]
fn unwritable_output_and_bad_input_exit_2_naming_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let out = zwxx(&[
        "template",
        "--year",
        "2019",
        "-o",
        blocker.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not-a-folder"), "{err}");

    let rules = rules_file(
        dir.path(),
        &DEFAULT_RULES_TOML.replacen("cap = 60", "cap = 0", 1),
    );
    let out = zwxx(&[
        "template",
        "--rules",
        rules.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("base.cap"));

    let out = zwxx(&[
        "template",
        "--year",
        "0",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !dir.path().join(labels::SECTION_TEMPLATE_FILE).exists(),
        "nothing written on a refused run"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn default_year_is_this_year_and_the_folder_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("新建/模板");
    let status = zwxx(&["template", "-o", out.to_str().unwrap()]);
    assert!(status.status.success());
    let section = out.join(labels::SECTION_TEMPLATE_FILE);
    let g = grid(&section, labels::SHEET_ITEMS);
    let block = row_with(&g, labels::H_YEAR);
    let col = g[block]
        .iter()
        .position(|c| norm(c) == labels::H_YEAR)
        .unwrap();
    use chrono::Datelike;
    assert_eq!(g[block][col + 1], chrono::Local::now().year().to_string());
    assert!(out.join(labels::REGISTER_TEMPLATE_FILE).exists());
}

/// The cells a drop-down's range formula (`下拉列表!$A$4:$A$6`) lists, read from the workbook.
fn range_values(path: &Path, formula: &str) -> Vec<String> {
    let (sheet, range) = formula.split_once('!').expect("a sheet range");
    let rows: Vec<usize> = range
        .split(':')
        .map(|cell| cell.trim_start_matches(['$', 'A']).trim_start_matches('$'))
        .map(|n| n.parse().unwrap())
        .collect();
    assert!(range.starts_with("$A$"), "one column, A: {formula}");
    let g = grid(path, sheet);
    (rows[0]..=rows[1]).map(|r| g[r - 1][0].clone()).collect()
}

/// `template --register F`: a bureau reorganised into other sections gets a form whose 股室
/// drop-down lists its own roster (read back from the generated workbook), and a new register
/// with that roster; a form of one of them then scores with the register.
#[test]
fn template_register_takes_the_roster_from_the_register() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["综合科", "财务审计科", "人事教育科"];
    let reg = dir.path().join("登记表.xlsx");
    common::register_file(&reg, &common::Reg::with_sections(&names));
    let out = dir.path().join("新模板");
    let (section, register) = generate(&out, &["--register", reg.to_str().unwrap()]);

    let g = grid(&section, labels::SHEET_ITEMS);
    let block = row_with(&g, labels::H_SECTION);
    let label = g[block]
        .iter()
        .position(|c| norm(c) == labels::H_SECTION)
        .unwrap();
    let vs = validations(&sheet_xml(&section, labels::SHEET_ITEMS));
    let dropdown = validation_at(&vs, &format!("{}{}", col_letter(label + 1), block + 1));
    assert_eq!(dropdown.kind(), "list");
    assert_eq!(range_values(&section, &dropdown.formula1), names);

    let roster = grid(&register, labels::SHEET_ROSTER);
    let listed: Vec<&str> = roster[2..]
        .iter()
        .map(|r| r[0].as_str())
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(listed, names, "the new register keeps the roster");

    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(&reg, input.join("登记表.xlsx")).unwrap();
    let rows = common::routine_rows("财务审计科", 3, 3);
    common::section_file(&input.join("a.xlsx"), "财务审计科", 2019, 3, &rows);
    let out = common::zwxx(dir.path(), &["validate", "in"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));
}

/// The register given is never replaced by the blank one, and a register whose 股室名单 has an
/// error gives no form: exit 2, nothing written.
#[test]
fn template_register_is_never_overwritten_nor_used_with_a_bad_roster() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join(labels::REGISTER_TEMPLATE_FILE);
    common::register_file(&reg, &common::Reg::with_sections(&["综合科"]));
    let before = std::fs::read(&reg).unwrap();
    let out = zwxx(&[
        "template",
        "--register",
        reg.to_str().unwrap(),
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不能覆盖输入文件"));
    assert_eq!(std::fs::read(&reg).unwrap(), before);
    assert!(!dir.path().join(labels::SECTION_TEMPLATE_FILE).exists());

    let mut bad = common::Reg::with_sections(&["综合科", "综合科"]);
    bad.roster[0].1 = "也许".into();
    let bad_path = dir.path().join("坏登记表.xlsx");
    common::register_file(&bad_path, &bad);
    let target = dir.path().join("模板");
    let out = zwxx(&[
        "template",
        "--register",
        bad_path.to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("E-REG-SECTION") && err.contains("E-REG-VALUE"),
        "{err}"
    );
    assert!(!target.exists(), "nothing written, no folder left");
}
