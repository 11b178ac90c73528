//! The year-end notice (SPEC "Notice (通报草稿)"): run the real binary with `--notice DIR`,
//! unzip the .docx it writes and read its XML; read the results workbook of the same run back
//! with calamine; every figure of the notice must be the workbook's. One fixture year per
//! sentence case; LibreOffice must convert the notice to PDF.

#[rustfmt::skip]
use crate::common;

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, open_workbook_auto};
use common::*;

const NOTICE: &str = "2019年度政务信息工作考核结果的通报(草稿).docx";
const RESULTS: &str = "2019年度政务信息工作考核结果.xlsx";
const MINUS: char = '\u{2212}';

// ---- the .docx, read back -------------------------------------------------------------------

/// A run of text: its East Asian font, size (half-points) and text.
#[derive(Debug, Clone)]
struct Run {
    font: String,
    size: String,
    text: String,
}

/// A top-level block of the document body.
#[derive(Debug, Clone)]
enum Block {
    Para { runs: Vec<Run>, xml: String },
    Table(Vec<Vec<String>>),
}

impl Block {
    fn text(&self) -> String {
        match self {
            Block::Para { runs, .. } => runs.iter().map(|r| r.text.as_str()).collect(),
            Block::Table(_) => String::new(),
        }
    }
}

struct Notice {
    /// Every part of the package by name.
    parts: Vec<(String, String)>,
    blocks: Vec<Block>,
}

impl Notice {
    fn read(path: &Path) -> Notice {
        let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut parts = Vec::new();
        for i in 0..z.len() {
            let mut e = z.by_index(i).unwrap();
            let mut s = String::new();
            e.read_to_string(&mut s).unwrap();
            parts.push((e.name().unwrap().to_string(), s));
        }
        let doc = parts
            .iter()
            .find(|(n, _)| n == "word/document.xml")
            .expect("word/document.xml")
            .1
            .clone();
        Notice {
            blocks: blocks(&doc),
            parts,
        }
    }

    fn part(&self, name: &str) -> &str {
        &self.parts.iter().find(|(n, _)| n == name).unwrap().1
    }

    fn document(&self) -> &str {
        self.part("word/document.xml")
    }

    /// The paragraphs' texts, in order (tables left out).
    fn paragraphs(&self) -> Vec<String> {
        self.blocks
            .iter()
            .filter(|b| matches!(b, Block::Para { .. }))
            .map(Block::text)
            .collect()
    }

    /// The notice's own text: every paragraph before the attachment's `附件` label.
    fn prose(&self) -> String {
        let ps = self.paragraphs();
        let end = ps.iter().position(|p| p == "附件").expect("附件 label");
        ps[..end].join("\n")
    }

    /// The paragraph following the one whose text is `heading`.
    fn after(&self, heading: &str) -> String {
        let ps = self.paragraphs();
        let i = ps.iter().position(|p| p == heading);
        ps[i.unwrap_or_else(|| panic!("no heading {heading}: {ps:#?}")) + 1].clone()
    }

    fn table(&self) -> Vec<Vec<String>> {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Table(rows) => Some(rows.clone()),
                _ => None,
            })
            .expect("attachment table")
    }

    /// The runs (of paragraphs and table cells) whose text contains `s`.
    fn runs_with(&self, s: &str) -> Vec<Run> {
        runs(self.document())
            .into_iter()
            .filter(|r| r.text.contains(s))
            .collect()
    }

    /// Every text of the package (all parts), for what must never appear.
    fn all_text(&self) -> String {
        self.parts.iter().map(|(_, s)| s.as_str()).collect()
    }
}

/// The value of attribute `name` in the first `<tag …>` of `xml` at or after `from`.
fn attr(xml: &str, tag: &str, name: &str, from: usize) -> String {
    let start = xml[from..].find(&format!("<{tag} ")).expect(tag) + from;
    let end = xml[start..].find('>').unwrap() + start;
    let el = &xml[start..end];
    let key = format!(" {name}=\"");
    let i = el.find(&key).unwrap_or_else(|| panic!("{name} in {el}")) + key.len();
    el[i..i + el[i..].find('"').unwrap()].to_string()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The body's paragraphs and tables, in order.
fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let next = ["<w:p ", "<w:p>", "<w:tbl>"]
            .iter()
            .filter_map(|t| doc[pos..].find(t).map(|i| (i + pos, *t)))
            .min();
        let Some((at, tag)) = next else { break };
        if tag == "<w:tbl>" {
            let end = doc[at..].find("</w:tbl>").unwrap() + at;
            out.push(Block::Table(table_rows(&doc[at..end])));
            pos = end;
        } else {
            let end = doc[at..].find("</w:p>").map_or(doc.len(), |e| e + at);
            let xml = &doc[at..end];
            out.push(Block::Para {
                runs: runs(xml),
                xml: xml.to_string(),
            });
            pos = end;
        }
    }
    out
}

fn table_rows(xml: &str) -> Vec<Vec<String>> {
    xml.split("<w:tr>")
        .skip(1)
        .map(|row| {
            row.split("<w:tc>")
                .skip(1)
                .map(|cell| runs(cell).iter().map(|r| r.text.as_str()).collect())
                .collect()
        })
        .collect()
}

/// The runs of a paragraph: font, size and text (a line break as `\n`).
fn runs(xml: &str) -> Vec<Run> {
    xml.split("<w:r>")
        .skip(1)
        .map(|r| {
            let r = &r[..r.find("</w:r>").unwrap_or(r.len())];
            let font = r
                .find("<w:rFonts ")
                .map_or(String::new(), |i| attr(r, "w:rFonts", "w:eastAsia", i));
            let size = r
                .find("<w:sz ")
                .map_or(String::new(), |i| attr(r, "w:sz", "w:val", i));
            Run {
                font,
                size,
                text: run_text(r),
            }
        })
        .collect()
}

fn run_text(r: &str) -> String {
    let mut out = String::new();
    let mut rest = r;
    while let Some(i) = rest.find('<') {
        let j = rest[i..].find('>').unwrap() + i;
        let tag = &rest[i + 1..j];
        if tag == "w:t" || tag.starts_with("w:t ") {
            let k = rest[j..].find("</w:t>").unwrap() + j;
            out += &unescape(&rest[j + 1..k]);
            rest = &rest[k..];
            continue;
        }
        if tag.starts_with("w:br") {
            out.push('\n');
        }
        rest = &rest[j + 1..];
    }
    out
}

// ---- the results workbook, read back --------------------------------------------------------

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let r = wb.worksheet_range(name).unwrap();
    let (h, w) = r.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
    (0..h)
        .map(|row| {
            (0..w)
                .map(|col| r.get_value((row, col)).cloned().unwrap_or(Data::Empty))
                .collect()
        })
        .collect()
}

/// One row of `考核排名` as its cells read: integers as integers, rates as `120.0%`.
#[derive(Debug, Clone)]
struct Row {
    cells: Vec<String>,
    rank: Option<i64>,
    name: String,
    qualifying: i64,
    fin: i64,
    verdict: String,
    remarks: String,
}

/// `考核排名`: its header and rows (the note below the table left out).
fn ranking(path: &Path) -> (Vec<String>, Vec<Row>) {
    let g = sheet(path, "考核排名");
    let header: Vec<String> = g[1].iter().map(cell_text).collect();
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let rows = g[2..]
        .iter()
        .take_while(|r| !cell_text(&r[col("股室")]).is_empty())
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&header)
                .map(|(d, h)| match (d, h.ends_with("完成率")) {
                    (Data::Float(f), true) => format!("{:.1}%", f * 100.0),
                    (Data::Float(f), false) => format!("{}", *f as i64),
                    (d, _) => cell_text(d),
                })
                .collect();
            let int = |h: &str| cells[col(h)].parse::<i64>().ok();
            Row {
                rank: int("名次"),
                name: cells[col("股室")].clone(),
                qualifying: int("合格信息条数").unwrap(),
                fin: int("最终得分").unwrap(),
                verdict: cells[col("评定")].clone(),
                remarks: cells[col("备注")].clone(),
                cells,
            }
        })
        .collect();
    (header, rows)
}

/// A count of 得分明细's second table (条数、次数), the column labelled `label`, summed over
/// `sections`.
fn breakdown_count(path: &Path, label: &str, sections: &[String]) -> i64 {
    let g = sheet(path, "得分明细");
    let table = g
        .iter()
        .position(|r| cell_text(&r[0]).starts_with("二、"))
        .expect("the counts table");
    let c = g[table + 2]
        .iter()
        .position(|d| cell_text(d) == label)
        .expect(label);
    g[table + 3..]
        .iter()
        .filter(|r| sections.contains(&cell_text(&r[1])))
        .map(|r| match r[c] {
            Data::Float(f) => f as i64,
            _ => 0,
        })
        .sum()
}

/// How many `结果` cells of `约稿任务` say `result`, among the sections listed.
fn tasks_with(path: &Path, result: &str, sections: &[String]) -> i64 {
    let g = sheet(path, "约稿任务");
    let head: Vec<String> = g[1].iter().map(cell_text).collect();
    let (s, r) = (
        head.iter().position(|h| h == "股室").unwrap(),
        head.iter().position(|h| h == "结果").unwrap(),
    );
    g[2..]
        .iter()
        .filter(|row| sections.contains(&cell_text(&row[s])) && cell_text(&row[r]) == result)
        .count() as i64
}

/// `2月、7至8月、11月` → 4.
fn month_count(ranges: &str) -> usize {
    ranges
        .split('、')
        .map(|r| {
            let r = r.trim_end_matches('月');
            match r.split_once('至') {
                Some((a, b)) => b.parse::<usize>().unwrap() - a.parse::<usize>().unwrap() + 1,
                None => 1,
            }
        })
        .sum()
}

/// What follows `label` in a 备注 up to the next space, `；` or `未报送`:
/// `取消评先资格：约稿任务 2019-02、2019-05 …`, `建议约谈：2月、7至8月未报送`.
fn remark_value<'a>(remarks: &'a str, label: &str) -> Option<&'a str> {
    let i = remarks.find(label)? + label.len();
    let rest = remarks[i..].split([' ', '；']).next().unwrap();
    Some(rest.trim_end_matches("未报送"))
}

fn signed(n: i64) -> String {
    if n < 0 {
        format!("{MINUS}{}", -n)
    } else {
        n.to_string()
    }
}

// ---- running it -----------------------------------------------------------------------------

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2019")
}

/// Run `zwxx score INPUT --notice DIR` (plus `extra`) in a fresh folder; the notice and the
/// results workbook written.
fn score_with_notice(input: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let results = d.path().join(RESULTS);
    let dir = d.path().join("通报").join("草稿");
    let mut args = vec![
        "score",
        input.to_str().unwrap(),
        "-q",
        "-o",
        results.to_str().unwrap(),
        "--notice",
        dir.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = zwxx(d.path(), &args);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout(&o).contains(&format!("通报草稿已写入：{}", dir.join(NOTICE).display())));
    let notice = dir.join(NOTICE);
    (d, notice, results)
}

/// A year of sections: `(name, items, months sent)`; the items go into the first month's file,
/// the other months are zero reports.
fn write_year(dir: &Path, reg: &Reg, sections: &[(&str, usize, &[u32])]) {
    register_file(&dir.join("考核登记表.xlsx"), reg);
    for (name, items, months) in sections {
        for (k, m) in months.iter().enumerate() {
            let rows = if k == 0 {
                routine_rows(name, *items, *m)
            } else {
                vec![]
            };
            section_file(
                &dir.join(format!("{name}-{m:02}.xlsx")),
                name,
                2019,
                *m,
                &rows,
            );
        }
    }
}

const ALL_MONTHS: [u32; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

// ---- the sample year: layout and every figure -----------------------------------------------

/// The page, margins and fonts of SPEC "Notice": A4 portrait for the notice, the attachment
/// landscape with the same text area; the margins in twips (1 mm = 56.7 twips).
fn check_layout(n: &Notice) {
    let doc = n.document();
    let body = doc.find("<w:sectPr>").expect("the notice's section");
    assert_eq!(attr(doc, "w:pgSz", "w:w", body), "11906", "A4 width 210 mm");
    assert_eq!(
        attr(doc, "w:pgSz", "w:h", body),
        "16838",
        "A4 height 297 mm"
    );
    for (side, twips) in [
        ("w:top", "2098"),
        ("w:bottom", "1984"),
        ("w:left", "1587"),
        ("w:right", "1474"),
    ] {
        assert_eq!(attr(doc, "w:pgMar", side, body), twips, "{side}");
    }
    let annex = doc.rfind("<w:sectPr>").unwrap();
    assert!(annex > body, "the attachment is a section of its own");
    assert_eq!(attr(doc, "w:pgSz", "w:orient", annex), "landscape");
    assert_eq!(attr(doc, "w:pgSz", "w:w", annex), "16838");
    // Turned: the same 225 × 156 mm text area.
    for (side, twips) in [
        ("w:top", "1587"),
        ("w:right", "2098"),
        ("w:bottom", "1474"),
        ("w:left", "1984"),
    ] {
        assert_eq!(
            attr(doc, "w:pgMar", side, annex),
            twips,
            "attachment {side}"
        );
    }
    // Body 仿宋_GB2312 3号 (16 pt) at a fixed line of 28.95 pt, by default.
    let styles = n.part("word/styles.xml");
    assert_eq!(attr(styles, "w:rFonts", "w:eastAsia", 0), "仿宋_GB2312");
    assert_eq!(attr(styles, "w:sz", "w:val", 0), "32");
    assert_eq!(attr(styles, "w:spacing", "w:lineRule", 0), "exact");
    let line: f64 = attr(styles, "w:spacing", "w:line", 0).parse().unwrap();
    assert!((28.0..=29.0).contains(&(line / 20.0)), "{line}");
    // Page numbers `— 1 —` in 宋体 at the foot of both sections.
    let footers: Vec<&(String, String)> = n
        .parts
        .iter()
        .filter(|(p, _)| p.starts_with("word/footer") && p.ends_with(".xml"))
        .collect();
    assert_eq!(footers.len(), 2);
    for (_, f) in footers {
        let texts: String = runs(f).iter().map(|r| r.text.clone()).collect();
        assert_eq!(texts, "— 1 —");
        assert!(f.contains("<w:instrText>PAGE</w:instrText>"));
        assert!(runs(f).iter().all(|r| r.font == "宋体" && r.size == "28"));
    }
}

fn font_of(n: &Notice, text: &str) -> (String, String) {
    let r = n.runs_with(text);
    assert!(!r.is_empty(), "no run with {text}");
    (r[0].font.clone(), r[0].size.clone())
}

/// Title, 主送, headings and their fonts, in the SPEC's order.
fn check_parts(n: &Notice, bureau: &str) {
    let ps = n.paragraphs();
    let title = format!("{bureau}关于\n2019年度政务信息工作考核结果的通报");
    assert_eq!(ps[0], title);
    assert!(n.blocks[0].text().contains('\n'), "title broken after 关于");
    let Block::Para { xml, .. } = &n.blocks[0] else {
        panic!()
    };
    assert!(xml.contains("<w:jc w:val=\"center\" />"), "title centred");
    assert_eq!(
        font_of(n, "考核结果的通报"),
        ("方正小标宋简体".into(), "44".into())
    );
    assert_eq!(ps[1], "", "a blank line below the title");
    assert_eq!(ps[2], "各股室：");
    let order = [
        "各股室：",
        "一、年度信息工作先进股室",
        "二、通报批评",
        "三、取消评先资格和建议约谈情况",
        "附件：2019年度政务信息工作考核排名表",
        bureau,
        "2019年12月31日",
        "附件",
        "2019年度政务信息工作考核排名表",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|h| {
            ps.iter()
                .position(|p| p == h)
                .unwrap_or_else(|| panic!("{h}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    assert_eq!(font_of(n, "一、年度信息工作先进股室").0, "黑体");
    assert_eq!(font_of(n, "二、通报批评").0, "黑体");
    assert_eq!(
        font_of(n, "（一）取消评先资格。"),
        ("楷体_GB2312".into(), "32".into())
    );
    assert_eq!(font_of(n, "（二）建议约谈。").0, "楷体_GB2312");
    assert_eq!(
        font_of(n, "现将考核结果通报如下："),
        ("仿宋_GB2312".into(), "32".into())
    );
    // 署名 and 日期 are the last paragraphs of the notice, after the closing paragraph.
    let closing = ps
        .iter()
        .position(|p| p.starts_with("希望受到表彰"))
        .unwrap();
    assert!(closing < at[4]);
}

/// Every figure of the prose is the workbook's: each phrase that carries one is built from the
/// workbook and removed; no digit may remain but the year's and the date's.
fn check_figures(n: &Notice, results: &Path) {
    let (_, rows) = ranking(results);
    let ranked: Vec<&Row> = rows.iter().filter(|r| r.rank.is_some()).collect();
    let names: Vec<String> = ranked.iter().map(|r| r.name.clone()).collect();
    let mut prose = n.prose();
    let mut take = |phrase: String| {
        assert!(
            prose.contains(&phrase),
            "“{phrase}” not in the notice:\n{prose}"
        );
        prose = prose.replacen(&phrase, "", 1);
    };
    take(format!("{}个股室参加考核", ranked.len()));
    let q: i64 = ranked.iter().map(|r| r.qualifying).sum();
    take(format!("合格政务信息{q}条"));
    for level in LEVELS {
        let c = breakdown_count(results, level, &names);
        if c > 0 {
            take(format!("{level}采用{c}条"));
        }
    }
    let done = breakdown_count(results, "按时按质完成", &names);
    let failed = breakdown_count(results, "未完成", &names);
    let pending = tasks_with(results, "未到期", &names);
    assert_eq!(
        done + failed,
        tasks_with(results, "已完成", &names) + tasks_with(results, "未完成", &names)
    );
    let issued = done + failed + pending;
    if issued > 0 {
        take(format!(
            "任务{issued}项，按时按质完成{done}项、未完成{failed}项"
        ));
    }
    if pending > 0 {
        take(format!("、尚未到期{pending}项"));
    }
    for (verdict, part) in [("年度信息工作先进股室", "一、"), ("通报批评", "二、")]
    {
        let list: Vec<&&Row> = ranked.iter().filter(|r| r.verdict == verdict).collect();
        let named: Vec<String> = list
            .iter()
            .map(|r| format!("{}（{}分）", r.name, signed(r.fin)))
            .collect();
        let para = n.after(&format!("{part}{verdict}"));
        assert!(para.contains(&named.join("、")), "{para}");
        if list.len() > 1 {
            take(format!("{}{}个股室", named.join("、"), list.len()));
        } else if !list.is_empty() {
            take(named.join("、"));
        }
    }
    for r in &ranked {
        if let Some(ids) = remark_value(&r.remarks, "取消评先资格：约稿任务 ") {
            let k = ids.split('、').count();
            take(format!("{}有{k}项约稿（调研）任务（{ids}）", r.name));
            take(format!("{}得分排名第{}", r.name, r.rank.unwrap()));
        }
        if let Some(months) = remark_value(&r.remarks, "建议约谈：") {
            let m = month_count(months);
            take(format!("{}有{m}个月（{months}）", r.name));
        }
    }
    // The year and the as-of date, as the workbook's titles give them.
    take("2019年12月31日".into());
    let prose = prose.replace("2019年度", "");
    assert!(
        !prose.chars().any(|c| c.is_ascii_digit()),
        "a figure not checked against the workbook:\n{prose}"
    );
}

/// The attachment is `考核排名` cell for cell.
fn check_table(n: &Notice, results: &Path) {
    let (header, rows) = ranking(results);
    // The 完成率 columns are left out when the register sets no target (all empty).
    let keep: Vec<bool> = header
        .iter()
        .enumerate()
        .map(|(c, h)| !h.ends_with("完成率") || rows.iter().any(|r| !r.cells[c].is_empty()))
        .collect();
    let kept = |cells: &[String]| -> Vec<String> {
        cells
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| c.clone())
            .collect()
    };
    let table = n.table();
    assert_eq!(table[0], kept(&header));
    assert_eq!(table.len(), rows.len() + 1);
    for (t, r) in table[1..].iter().zip(&rows) {
        assert_eq!(t, &kept(&r.cells), "{}", r.name);
    }
    let header_runs = n.runs_with("最终得分");
    assert!(header_runs.iter().any(|r| r.font == "黑体"));
}

/// Names and contact data of the register's people appear nowhere in the package.
fn check_no_contact_data(n: &Notice, register: &Path) {
    let all = n.all_text();
    for (name, label) in [
        ("股室名单", "负责人"),
        ("股室名单", "信息员"),
        ("股室名单", "联系电话"),
        ("股室名单", "电子邮箱"),
        ("领导名单", "姓名"),
    ] {
        let g = sheet(register, name);
        let (hr, c) = g
            .iter()
            .enumerate()
            .find_map(|(i, r)| r.iter().position(|d| cell_text(d) == label).map(|c| (i, c)))
            .unwrap();
        let values: Vec<String> = g[hr + 1..]
            .iter()
            .map(|r| cell_text(&r[c]))
            .filter(|v| !v.trim().is_empty())
            .collect();
        assert!(!values.is_empty(), "{name} {label}");
        for v in values {
            assert!(!all.contains(&v), "{label} “{v}” in the notice");
        }
    }
}

#[test]
fn sample_year_notice_is_an_official_document_with_the_workbooks_figures() {
    let (_d, notice, results) = score_with_notice(&samples(), &[]);
    let n = Notice::read(&notice);
    check_layout(&n);
    check_parts(&n, "隆阳区工业和科技信息化局");
    check_figures(&n, &results);
    check_table(&n, &results);
    check_no_contact_data(&n, &samples().join("考核登记表.xlsx"));
    // Prose in Chinese punctuation: no half-width comma, colon, semicolon or bracket.
    let prose = n.prose();
    assert!(!prose.contains([',', ':', ';', '(', ')']), "{prose}");
    // The same inputs give the same file, byte for byte.
    let (_d2, again, _) = score_with_notice(&samples(), &[]);
    assert_eq!(
        std::fs::read(&notice).unwrap(),
        std::fs::read(again).unwrap()
    );
}

#[test]
fn sample_year_sentences_read_as_the_ranking_says() {
    let (_d, notice, _) = score_with_notice(&samples(), &[]);
    let n = Notice::read(&notice);
    assert_eq!(
        n.after("一、年度信息工作先进股室"),
        "根据考核得分排名，经济运行股（140分）、中小企业股（118分）、科技管理股（110分）3个股室\
         被评为“年度信息工作先进股室”，予以通报表彰。要素保障和煤炭管理股得分排名第3，因取消\
         评先资格，不参加评定。"
    );
    assert_eq!(
        n.after("二、通报批评"),
        "轻工业股（50分）、发展规划股（7分）、企业改革股（\u{2212}26分）3个股室考核得分排名靠后，\
         予以通报批评。"
    );
    let facts = n.after("三、取消评先资格和建议约谈情况");
    assert_eq!(
        facts,
        "（一）取消评先资格。本年度，要素保障和煤炭管理股有2项约稿（调研）任务（2019-02、2019-05）\
         未按时按质完成，按照考核规定，取消其评选“年度信息工作先进股室”的资格。"
    );
    let ps = n.paragraphs();
    assert!(ps.contains(
        &"（二）建议约谈。本年度，发展规划股有4个月（2月、7至8月、11月）未报送政务信息，企业改革股\
          有10个月（1至2月、4至8月、10至12月）未报送政务信息，对政务信息工作重视不够，建议根据实际\
          情况对上述股室启动约谈程序。"
            .to_string()
    ));
    assert!(ps.iter().any(|p| p.starts_with(
        "希望受到表彰的股室珍惜荣誉、再接再厉；受到通报批评的股室认真查找差距、切实整改。"
    )));
}

// ---- LibreOffice ----------------------------------------------------------------------------

/// Whether LibreOffice and pdftotext are here; says "skipped" when not.
fn pdf_tools() -> bool {
    let here = tool("soffice", &["--version".as_ref()]).is_some()
        && tool("pdftotext", &["-v".as_ref()]).is_some();
    if !here {
        eprintln!("skipped: soffice or pdftotext missing (installed by .ci/run)");
    }
    here
}

/// The text of `notice` converted to PDF by LibreOffice (a profile of its own under `dir`).
fn notice_pdf_text(dir: &Path, notice: &Path) -> String {
    let profile = format!("-env:UserInstallation=file://{}/lo", dir.display());
    let out = dir.join("pdf");
    let o = tool(
        "soffice",
        &[
            profile.as_ref(),
            "--headless".as_ref(),
            "--convert-to".as_ref(),
            "pdf".as_ref(),
            "--outdir".as_ref(),
            out.as_os_str(),
            notice.as_os_str(),
        ],
    )
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = out.join(NOTICE.replace(".docx", ".pdf"));
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = tool("pdftotext", &[pdf.as_os_str(), "-".as_ref()]).unwrap();
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn libreoffice_converts_the_notice_and_the_pdf_reads_in_order() {
    if !pdf_tools() {
        return;
    }
    let (d, notice, results) = score_with_notice(&samples(), &[]);
    // Line breaks and the spaces pdftotext puts around digits are not the document's.
    let text: String = notice_pdf_text(d.path(), &notice)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (_, rows) = ranking(&results);
    let mut expected = vec!["一、年度信息工作先进股室".to_string()];
    expected.extend(
        rows.iter()
            .filter(|r| r.verdict == "年度信息工作先进股室")
            .map(|r| format!("{}（{}分）", r.name, r.fin)),
    );
    expected.push("二、通报批评".into());
    expected.extend(
        rows.iter()
            .filter(|r| r.verdict == "通报批评")
            .map(|r| format!("{}（{}分）", r.name, signed(r.fin))),
    );
    expected.push("2019年度政务信息工作考核排名表".into());
    let mut from = 0;
    for e in &expected {
        let at = text[from..].find(e.as_str()).map(|i| i + from);
        from =
            at.unwrap_or_else(|| panic!("“{e}” not after position {from} in:\n{text}")) + e.len();
    }
    // Three pages or more: the notice, and the attachment on a page of its own.
    assert!(text.contains("—3—"), "{text}");
}

// ---- one fixture year per sentence case -----------------------------------------------------

#[test]
fn no_award_when_every_final_is_zero_or_less() {
    let (_d, input) = workdir();
    let reg = Reg::with_sections(&["甲股", "乙股", "丙股", "丁股"]).task(
        "2019-01",
        "乙股",
        "2019-06-30",
        "",
    );
    write_year(&input, &reg, &[("甲股", 0, &ALL_MONTHS)]);
    let (_d2, notice, results) = score_with_notice(&input, &[]);
    let n = Notice::read(&notice);
    assert_eq!(
        n.after("一、年度信息工作先进股室"),
        "本年度参加考核的股室最终得分均未超过0分，不评定“年度信息工作先进股室”。"
    );
    let (_, rows) = ranking(&results);
    assert!(
        rows.iter()
            .all(|r| r.fin <= 0 && r.verdict != "年度信息工作先进股室")
    );
    assert_eq!(
        n.after("二、通报批评"),
        "甲股（0分）、丙股（0分）、丁股（0分）、乙股（\u{2212}15分）4个股室考核得分排名靠后，予以通报\
         批评。其中，甲股、丙股、丁股得分相同，并列第1名。"
    );
    assert!(
        !n.prose().contains("受到表彰"),
        "no praise without an award"
    );
    assert!(n.prose().contains("受到通报批评的股室要认真查找差距"));
}

#[test]
fn ties_at_the_award_and_criticism_boundaries_are_said_with_并列() {
    let (_d, input) = workdir();
    let names = [
        "甲股", "乙股", "丙股", "丁股", "戊股", "己股", "庚股", "辛股",
    ];
    let items = [10, 8, 5, 5, 3, 2, 1, 1];
    let sections: Vec<(&str, usize, &[u32])> = names
        .iter()
        .zip(items)
        .map(|(n, k)| (*n, k, &ALL_MONTHS[..]))
        .collect();
    write_year(&input, &Reg::with_sections(&names), &sections);
    let (_d2, notice, _) = score_with_notice(&input, &[]);
    let n = Notice::read(&notice);
    assert_eq!(
        n.after("一、年度信息工作先进股室"),
        "根据考核得分排名，甲股（20分）、乙股（16分）、丙股（10分）、丁股（10分）4个股室被评为“年度信息\
         工作先进股室”，予以通报表彰。其中，丙股、丁股得分相同，并列第3名。"
    );
    assert_eq!(
        n.after("二、通报批评"),
        "己股（4分）、庚股（2分）、辛股（2分）3个股室考核得分排名靠后，予以通报批评。其中，庚股、辛股\
         得分相同，并列第7名。"
    );
    let table = n.table();
    assert_eq!(table[3][0], "3");
    assert_eq!(table[4][0], "3");
    assert!(table[4].last().unwrap().starts_with("并列"));
}

#[test]
fn sections_not_taking_part_are_named_apart_and_not_ranked() {
    let (_d, input) = workdir();
    let mut reg = Reg::with_sections(&["甲股", "乙股", "丙股", "丁股", "园区管理办公室"]);
    reg.roster[4].1 = "否".into();
    write_year(
        &input,
        &reg,
        &[
            ("甲股", 6, &ALL_MONTHS),
            ("乙股", 5, &ALL_MONTHS),
            ("丙股", 4, &ALL_MONTHS),
            ("丁股", 3, &ALL_MONTHS),
            ("园区管理办公室", 20, &ALL_MONTHS),
        ],
    );
    let (_d2, notice, results) = score_with_notice(&input, &[]);
    let n = Notice::read(&notice);
    let prose = n.prose();
    assert!(
        prose.contains("4个股室参加考核（园区管理办公室不参加考核），共报送合格政务信息18条"),
        "{prose}"
    );
    assert!(
        !n.after("一、年度信息工作先进股室")
            .contains("园区管理办公室")
    );
    let table = n.table();
    let last = table.last().unwrap();
    assert_eq!(last[0], "", "listed without a rank");
    assert_eq!(last[1], "园区管理办公室");
    assert_eq!(last.last().unwrap(), "不参与考核");
    check_figures_without_facts(&n, &results);
}

/// [`check_figures`] for a year without 取消评先资格 or 约谈 facts.
fn check_figures_without_facts(n: &Notice, results: &Path) {
    check_figures(n, results);
    check_table(n, results);
}

#[test]
fn no_interview_paragraph_when_every_month_was_sent() {
    let (_d, input) = workdir();
    write_year(
        &input,
        &Reg::with_sections(&["甲股", "乙股", "丙股", "丁股"]),
        &[
            ("甲股", 4, &ALL_MONTHS),
            ("乙股", 3, &ALL_MONTHS),
            ("丙股", 2, &ALL_MONTHS),
            ("丁股", 1, &ALL_MONTHS),
        ],
    );
    let (_d2, notice, results) = score_with_notice(&input, &[]);
    let n = Notice::read(&notice);
    assert!(!n.all_text().contains("约谈"));
    assert!(!n.paragraphs().iter().any(|p| p.starts_with("三、")));
    check_figures_without_facts(&n, &results);
}

#[test]
fn several_interviews_in_one_paragraph_of_an_interim_notice() {
    let (_d, input) = workdir();
    write_year(
        &input,
        &Reg::with_sections(&["甲股", "乙股", "丙股", "丁股"]),
        &[
            ("甲股", 4, &ALL_MONTHS),
            ("乙股", 3, &[1, 5, 6]),
            ("丙股", 2, &ALL_MONTHS),
        ],
    );
    let (_d2, notice, results) = score_with_notice(&input, &["--as-of", "2019-06-30"]);
    let n = Notice::read(&notice);
    // Only the facts of 约谈: no （一）, and the heading says so.
    assert_eq!(
        n.after("三、建议约谈情况"),
        "截至6月30日，乙股有3个月（2至4月）未报送政务信息，丁股有6个月（1至6月）未报送政务信息，对政务\
         信息工作重视不够，建议根据实际情况对上述股室启动约谈程序。"
    );
    let ps = n.paragraphs();
    assert!(
        ps.contains(&"2019年6月30日".to_string()),
        "dated the as-of day"
    );
    assert!(
        n.prose()
            .contains("对各股室2019年1月1日至6月30日的政务信息工作进行了考核")
    );
    assert_eq!(n.table()[0].len(), 10, "no target set: no 完成率 columns");
    let (_, rows) = ranking(&results);
    assert_eq!(remark_value(&rows[3].remarks, "建议约谈："), Some("1至6月"));
}

#[test]
fn the_issuing_bureau_comes_from_the_rules() {
    let (_d, input) = workdir();
    write_year(
        &input,
        &Reg::with_sections(&["甲股", "乙股"]),
        &[("甲股", 2, &ALL_MONTHS), ("乙股", 1, &ALL_MONTHS)],
    );
    let shown = stdout(&zwxx(&input, &["rules"]));
    assert!(
        shown.contains("[bureau]\nname = \"隆阳区工业和科技信息化局\""),
        "{shown}"
    );
    let rules = input.parent().unwrap().join("rules.toml");
    std::fs::write(
        &rules,
        zwxx::rules::DEFAULT_RULES_TOML.replace("隆阳区工业和科技信息化局\"", "保山市示例局\""),
    )
    .unwrap();
    let (_d2, notice, _) = score_with_notice(&input, &["--rules", rules.to_str().unwrap()]);
    let ps = Notice::read(&notice).paragraphs();
    assert_eq!(
        ps[0],
        "保山市示例局关于\n2019年度政务信息工作考核结果的通报"
    );
    assert!(ps.contains(&"保山市示例局".to_string()), "署名");
}

#[test]
fn the_notice_is_never_written_over_an_input() {
    let (d, input) = workdir();
    write_year(
        &input,
        &Reg::with_sections(&["甲股", "乙股"]),
        &[("甲股", 2, &ALL_MONTHS), ("乙股", 1, &ALL_MONTHS)],
    );
    // A file of the notice's name among the inputs (an edited draft kept with the year's
    // files): skipped as not a spreadsheet, and never replaced.
    std::fs::write(input.join(NOTICE), b"edited draft").unwrap();
    // Refused before the ranking is printed; with --year, before anything is read.
    for year in [&[][..], &["--year", "2019"][..]] {
        let mut args = vec!["score", "in", "-q", "--notice", "in"];
        args.extend(year);
        let o = zwxx(d.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
        assert!(o.stdout.is_empty(), "{year:?}: {}", stdout(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains("就是输入文件"));
        assert_eq!(std::fs::read(input.join(NOTICE)).unwrap(), b"edited draft");
        assert!(!d.path().join(RESULTS).exists(), "nothing written");
    }
}

/// Regression: `score . --notice . --csv csv` run twice was refused, zwxx's own notice and CSV
/// files of the first run taken for inputs. They are recognised (the notice by the digest of its
/// text in a document property, the CSV files by their header row) and replaced; a draft
/// edited since (its text changed) is the officer's and never replaced.
#[test]
fn an_earlier_runs_notice_and_csv_are_replaced_but_not_an_edited_draft() {
    let (_d, input) = workdir();
    write_year(
        &input,
        &Reg::with_sections(&["甲股", "乙股"]),
        &[("甲股", 2, &ALL_MONTHS), ("乙股", 1, &ALL_MONTHS)],
    );
    let args = ["score", ".", "-q", "--notice", ".", "--csv", "csv"];
    let first = zwxx(&input, &args);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let notice = std::fs::read(input.join(NOTICE)).unwrap();
    let again = zwxx(&input, &args);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        std::fs::read(input.join(NOTICE)).unwrap(),
        notice,
        "same inputs, same bytes"
    );
    // The CSV files in the input folder itself, twice.
    for _ in 0..2 {
        let o = zwxx(&input, &["score", ".", "-q", "--csv", "."]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    // The draft edited and saved: its text is no longer zwxx's.
    let edited = rewrite_part(&notice, "word/document.xml", |x| {
        x.replacen("予以", "给予", 1)
    });
    std::fs::write(input.join(NOTICE), &edited).unwrap();
    let o = zwxx(&input, &args);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read(input.join(NOTICE)).unwrap(), edited);
    // A CSV file of another header under zwxx's name is not zwxx's either.
    std::fs::write(input.join("考核排名.csv"), "\u{feff}名次,股室,备注\r\n").unwrap();
    let o = zwxx(&input, &["score", ".", "-q", "--csv", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
}

/// A .docx (zip) package with the part `name` rewritten by `edit`.
fn rewrite_part(docx: &[u8], name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let part = e.name().unwrap().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        if part == name {
            bytes = edit(&String::from_utf8(bytes).unwrap()).into_bytes();
        }
        out.start_file(part, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Regression: a section that lost its eligibility and is tied with the last awarded one was
/// not said to be left out (the notice compared its rank with `<`).
#[test]
fn an_ineligible_section_tied_at_the_award_boundary_is_said_to_be_left_out() {
    let (_d, input) = workdir();
    let names = ["甲股", "乙股", "丙股", "丁股", "戊股"];
    let reg = Reg::with_sections(&names)
        .task("T1", "丁股", "2019-06-30", "未完成")
        .task("T2", "丁股", "2019-07-31", "未完成");
    // 丁股: 20 items (40) less two failed tasks (30) = 10, tied with 丙股's 5 items.
    write_year(
        &input,
        &reg,
        &[
            ("甲股", 10, &ALL_MONTHS),
            ("乙股", 8, &ALL_MONTHS),
            ("丙股", 5, &ALL_MONTHS),
            ("丁股", 20, &ALL_MONTHS),
            ("戊股", 1, &ALL_MONTHS),
        ],
    );
    let (_d2, notice, _) = score_with_notice(&input, &[]);
    let text = Notice::read(&notice).after("一、年度信息工作先进股室");
    assert!(
        text.contains("丙股（10分）3个股室被评为")
            && text.ends_with("丁股得分并列第3，因取消评先资格，不参加评定。"),
        "{text}"
    );
}

/// Regression: the attachment's table did not repeat its header row on a new page. Its first
/// row is marked `w:tblHeader`; LibreOffice then prints the header at the top of every page the
/// table runs onto (a roster of 40 sections takes three).
#[test]
fn the_ranking_tables_header_repeats_on_every_page() {
    let (_d, input) = workdir();
    let names: Vec<String> = (1..=40).map(|i| format!("第{i}股")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let sections: Vec<(&str, usize, &[u32])> = refs
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, 40 - i, &ALL_MONTHS[..1]))
        .collect();
    write_year(&input, &Reg::with_sections(&refs), &sections);
    let (d, notice, _) = score_with_notice(&input, &[]);
    let doc = Notice::read(&notice).document().to_string();
    let table = &doc[doc.find("<w:tbl>").unwrap()..];
    let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
    assert!(rows[0].contains("<w:tblHeader />"), "{}", &rows[0][..200]);
    assert!(rows[1..].iter().all(|r| !r.contains("tblHeader")));

    if !pdf_tools() {
        return;
    }
    let text = notice_pdf_text(d.path(), &notice);
    // Pages are separated by form feeds (pdftotext spaces digits apart: spaces removed); the
    // attachment starts on a page of its own, and every page from there holds the header.
    let pages: Vec<String> = text
        .split('\u{c}')
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
        .filter(|p: &String| !p.is_empty())
        .collect();
    let first = pages
        .iter()
        .position(|p| p.starts_with("附件2019年度政务信息工作考核排名表"))
        .expect("the attachment");
    let table_pages = &pages[first..];
    assert!(table_pages.len() >= 2, "the table spans pages: {pages:#?}");
    assert!(table_pages.last().unwrap().contains("第40股"));
    for p in table_pages {
        assert!(
            p.contains("名次股室") && p.contains("最终得分"),
            "header on every page: {p}"
        );
    }
}
