//! The notice rendered as a Word document laid out by GB/T 9704-2012 (党政机关公文格式): A4,
//! margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 2号 centred;
//! body 仿宋_GB2312 3号 at a fixed 28.95 pt line (22 lines a page); level-1 headings 黑体,
//! level-2 楷体_GB2312; page numbers `— 1 —` in 4号 宋体 at the foot. The attachment (the
//! ranking table) is a landscape section of its own, so that its twelve columns stay legible.
//!
//! The page numbers are centred: GB/T 9704 sets odd pages' right and even pages' left, but
//! docx-rs 0.4.22 writes one footer at most for a section other than the document's last (its
//! `add_section` drops a section's even-page footer once the default one is taken), so the body
//! cannot have both. The officer moves them in WPS or Word when printing on both sides.
//!
//! The fonts are named, not embedded: on a machine without them, Word, WPS and LibreOffice
//! substitute their own. The document carries the as-of date as its creation date, so the same
//! inputs give the same file.

use docx_rs::{
    AlignmentType, BreakType, Docx, FieldCharType, Footer, InstrText, LineSpacing, LineSpacingType,
    PageMargin, PageOrientationType, Paragraph, Run, RunFonts, Section, SpecialIndentType, Table,
    TableAlignmentType, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::notice::{Attachment, Notice};
use crate::error::Error;

/// Fonts named by GB/T 9704-2012.
pub const TITLE_FONT: &str = "方正小标宋简体";
pub const BODY_FONT: &str = "仿宋_GB2312";
pub const HEADING1_FONT: &str = "黑体";
pub const HEADING2_FONT: &str = "楷体_GB2312";
pub const PAGE_NUMBER_FONT: &str = "宋体";
/// Digits and Latin letters in the text.
pub const LATIN_FONT: &str = "Times New Roman";

/// Sizes in half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt, 五号 10.5 pt.
const SIZE_2: usize = 44;
const SIZE_3: usize = 32;
const SIZE_4: usize = 28;
const SIZE_5: usize = 21;

/// A4 in twips (1/20 pt; 1 mm = 1440/25.4 twips).
pub const A4_WIDTH: u32 = 11906;
pub const A4_HEIGHT: u32 = 16838;

/// Millimetres as twips, rounded.
pub const fn mm(x: i32) -> i32 {
    (x * 14400 + 127) / 254
}

/// The margins of GB/T 9704-2012 (天头 37 mm, 订口 28 mm; 版心 156 × 225 mm).
pub const MARGIN_TOP: i32 = mm(37);
pub const MARGIN_BOTTOM: i32 = mm(35);
pub const MARGIN_LEFT: i32 = mm(28);
pub const MARGIN_RIGHT: i32 = mm(26);
/// How far below the text area the page number's line ends: the line (some 6 mm high) starts
/// about 7 mm below the text area, as the standard has it.
const FOOTER_GAP: i32 = mm(13);

/// The body's fixed line: 28.95 pt, 22 lines in the 225 mm text area.
pub const BODY_LINE: i32 = 579;
/// One character of the body (3号 = 16 pt), the unit of every indent.
const BODY_CHAR: i32 = 320;

/// Widths of the attachment's columns in twips (五号 is 210 a character, and a cell has 216 of
/// padding), by label; 备注 takes what is left, some fourteen characters a line. Every row of
/// the sample year takes at most two lines and the table one page.
const COLUMN_WIDTHS: [(&str, i32); 11] = [
    ("名次", 480),
    ("股室", 2130),
    ("合格信息条数", 640),
    ("基础分", 640),
    ("加分", 640),
    ("约稿任务", 640),
    ("扣分", 640),
    ("最终得分", 640),
    ("条数任务完成率", 960),
    ("分值任务完成率", 960),
    ("评定", 1270),
];
/// Columns whose cells are centred (the numbers); the names and words are set flush left.
const TEXT_COLUMNS: [&str; 3] = ["股室", "评定", "备注"];

/// The notice as .docx bytes.
pub fn notice_docx(n: &Notice, created: chrono::NaiveDate) -> Result<Vec<u8>, Error> {
    let stamp = format!("{}T00:00:00Z", created.format("%Y-%m-%d"));
    let body = body_section(n);
    let mut doc = Docx::new()
        .default_fonts(fonts(BODY_FONT))
        .default_size(SIZE_3)
        .default_line_spacing(exact(BODY_LINE))
        .created_at(&stamp)
        .updated_at(&stamp)
        .add_section(body)
        // The last section, the document's own: the attachment, landscape.
        .page_size(A4_HEIGHT, A4_WIDTH)
        .page_orient(PageOrientationType::Landscape)
        // The page turned a quarter to the right, the table's head on the binding edge (订口)
        // as GB/T 9704 sets a landscape table: 订口 at the top, 天头 at the right.
        .page_margin(margins(
            MARGIN_LEFT,
            MARGIN_TOP,
            MARGIN_RIGHT,
            MARGIN_BOTTOM,
        ))
        .footer(page_number_footer());
    for p in attachment_paragraphs(&n.attachment) {
        doc = doc.add_paragraph(p);
    }
    doc = doc.add_table(ranking_table(&n.attachment));
    // Marks zwxx's own output with the digest of its text: a later run may replace the draft
    // while nobody has edited it (see `write`), never once it was edited and saved.
    let document = repeat_first_row(&doc.clone().build().document);
    let mark = notice_mark(&document);
    let mut xml = doc
        .custom_property(super::xlsx::OUTPUT_PROPERTY, mark)
        .build();
    xml.document = document;
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| Error::Output(format!("生成通报草稿失败：{e}")))?;
    Ok(out.into_inner())
}

/// The custom property value that marks a notice zwxx wrote: `notice sha256:` and the digest
/// of its `word/document.xml`.
pub fn notice_mark(document: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let hex = crate::load::hex(&Sha256::digest(document));
    format!("{NOTICE_MARK}{hex}")
}

/// How [`notice_mark`] starts.
pub const NOTICE_MARK: &str = "notice sha256:";

/// The document XML with the first row of its first table marked as a header row
/// (`<w:tblHeader/>`), which Word, WPS and LibreOffice repeat at the top of every page the
/// table runs onto. docx-rs 0.4.22 has no setter for it (its `TableRowProperty` writes
/// `cantSplit` and the height only), so the element is put into the row's properties of the
/// XML it wrote: the first `<w:trPr>` after the first `<w:tbl>`, or a new one at the head of
/// the row. XML of another shape is left as it is (a test reads the element back).
fn repeat_first_row(document: &[u8]) -> Vec<u8> {
    const HEADER: &str = "<w:tblHeader />";
    let xml = String::from_utf8_lossy(document);
    let Some(tbl) = xml.find("<w:tbl>") else {
        return document.to_vec();
    };
    let row_at = ["<w:tr>", "<w:tr "]
        .iter()
        .filter_map(|t| xml[tbl..].find(t))
        .min()
        .map(|i| tbl + i);
    let Some(row) = row_at else {
        return document.to_vec();
    };
    let Some(row_end) = xml[row..].find('>').map(|i| row + i + 1) else {
        return document.to_vec();
    };
    let first_cell = xml[row_end..]
        .find("<w:tc")
        .map_or(xml.len(), |i| row_end + i);
    let (at, insert) = match xml[row_end..first_cell].find("<w:trPr>") {
        Some(i) => (row_end + i + "<w:trPr>".len(), HEADER.to_string()),
        None => (row_end, format!("<w:trPr>{HEADER}</w:trPr>")),
    };
    let mut out = String::with_capacity(xml.len() + insert.len());
    out.push_str(&xml[..at]);
    out.push_str(&insert);
    out.push_str(&xml[at..]);
    out.into_bytes()
}

/// Page margins in twips: top, right, bottom, left.
fn margins(top: i32, right: i32, bottom: i32, left: i32) -> PageMargin {
    PageMargin::new()
        .top(top)
        .right(right)
        .bottom(bottom)
        .left(left)
        .header(mm(15))
        .footer(bottom - FOOTER_GAP)
}

/// The notice itself: a portrait A4 section.
fn body_section(n: &Notice) -> Section {
    let mut s = Section::new()
        .page_size(docx_rs::PageSize::new().size(A4_WIDTH, A4_HEIGHT))
        .page_margin(margins(
            MARGIN_TOP,
            MARGIN_RIGHT,
            MARGIN_BOTTOM,
            MARGIN_LEFT,
        ))
        .footer(page_number_footer());
    for p in body_paragraphs(n) {
        s = s.add_paragraph(p);
    }
    s
}

/// Title, 主送, overview, parts, closing, 附件说明, 署名 and 成文日期, in order.
fn body_paragraphs(n: &Notice) -> Vec<Paragraph> {
    let mut title = Run::new();
    for (i, line) in n.title.iter().enumerate() {
        if i > 0 {
            title = title.add_break(BreakType::TextWrapping);
        }
        title = title.add_text(line);
    }
    let mut ps = vec![
        Paragraph::new()
            .add_run(styled(title, TITLE_FONT, SIZE_2))
            .align(AlignmentType::Center),
        blank(),
        Paragraph::new().add_run(text(&n.addressee, BODY_FONT)),
        body(&n.overview),
    ];
    for part in &n.parts {
        ps.push(
            indented(Paragraph::new().add_run(text(&part.heading, HEADING1_FONT))).keep_next(true),
        );
        for p in &part.paragraphs {
            let mut para = Paragraph::new();
            if !p.lead.is_empty() {
                para = para.add_run(text(&p.lead, HEADING2_FONT));
            }
            ps.push(indented(para.add_run(text(&p.text, BODY_FONT))).align(AlignmentType::Both));
        }
    }
    ps.push(body(&n.closing));
    ps.push(blank());
    ps.push(body(&n.attachment_note));
    ps.extend(signature(&n.issuer, &n.date));
    ps
}

/// 署名 and 成文日期 as a sealed document places them: two lines of room for the seal, the
/// date four characters in from the right, the bureau centred over the date.
fn signature(issuer: &str, date: &str) -> Vec<Paragraph> {
    let date_in = 4 * BODY_CHAR;
    let centre = date_in + width(date) / 2;
    let issuer_in = (centre - width(issuer) / 2).max(0);
    let right = |s: &str, inset: i32| {
        Paragraph::new()
            .add_run(text(s, BODY_FONT))
            .align(AlignmentType::Right)
            .indent(None, None, Some(inset), None)
    };
    vec![
        blank(),
        blank(),
        right(issuer, issuer_in),
        right(date, date_in),
    ]
}

/// The width of a line of body text in twips: CJK characters one character, others half.
fn width(s: &str) -> i32 {
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                BODY_CHAR / 2
            } else {
                BODY_CHAR
            }
        })
        .sum()
}

/// `附件` top left, a blank line, the title centred on the third line, then the as-of date.
fn attachment_paragraphs(a: &Attachment) -> Vec<Paragraph> {
    vec![
        Paragraph::new().add_run(text(&a.label, HEADING1_FONT)),
        blank(),
        Paragraph::new()
            .add_run(styled(Run::new().add_text(&a.title), TITLE_FONT, SIZE_2))
            .align(AlignmentType::Center),
        Paragraph::new()
            .add_run(text(&a.subtitle, HEADING2_FONT))
            .align(AlignmentType::Center),
    ]
}

/// The ranking table in 五号, the header in 黑体, every row as the workbook has it.
fn ranking_table(a: &Attachment) -> Table {
    let text_width = A4_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM;
    let fixed = |h: &String| COLUMN_WIDTHS.iter().find(|(l, _)| l == h).map(|(_, w)| *w);
    let rest = text_width - a.header.iter().filter_map(fixed).sum::<i32>();
    let widths: Vec<usize> = a
        .header
        .iter()
        .map(|h| fixed(h).unwrap_or(rest) as usize)
        .collect();
    let row = |cells: &[String], font: &str| {
        let cells = cells
            .iter()
            .zip(&a.header)
            .zip(&widths)
            .map(|((c, h), w)| table_cell(c, h, *w, font))
            .collect();
        TableRow::new(cells).cant_split()
    };
    let mut rows = vec![row(&a.header, HEADING1_FONT)];
    rows.extend(a.rows.iter().map(|r| row(r, BODY_FONT)));
    Table::new(rows)
        .set_grid(widths.clone())
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
}

fn table_cell(value: &str, column: &str, width: usize, font: &str) -> TableCell {
    let align = if TEXT_COLUMNS.contains(&column) && font == BODY_FONT {
        AlignmentType::Left
    } else {
        AlignmentType::Center
    };
    let p = Paragraph::new()
        .add_run(styled(Run::new().add_text(value), font, SIZE_5))
        .align(align)
        .line_spacing(single());
    TableCell::new()
        .add_paragraph(p)
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

/// `— 1 —` in 4号 宋体, centred.
fn page_number_footer() -> Footer {
    let run = || styled(Run::new(), PAGE_NUMBER_FONT, SIZE_4);
    let p = Paragraph::new()
        .add_run(run().add_text("— "))
        .add_run(
            run()
                .add_field_char(FieldCharType::Begin, false)
                .add_instr_text(InstrText::PAGE(docx_rs::InstrPAGE::new()))
                .add_field_char(FieldCharType::Separate, false)
                .add_text("1")
                .add_field_char(FieldCharType::End, false),
        )
        .add_run(run().add_text(" —"))
        .align(AlignmentType::Center)
        .line_spacing(single());
    Footer::new().add_paragraph(p)
}

/// East Asian text in `font`, digits and Latin letters in [`LATIN_FONT`]; quotation marks and
/// dashes (whose width depends on the font) in the East Asian font.
fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
        .hint("eastAsia")
}

fn styled(run: Run, font: &str, size: usize) -> Run {
    run.fonts(fonts(font)).size(size)
}

/// A run of 3号 text in `font`.
fn text(s: &str, font: &str) -> Run {
    styled(Run::new().add_text(s), font, SIZE_3)
}

fn exact(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line)
}

/// Single line spacing (the table's and the footer's, not the body's fixed line).
fn single() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Auto)
        .line(240)
}

fn blank() -> Paragraph {
    Paragraph::new()
}

/// First line two characters in.
fn indented(p: Paragraph) -> Paragraph {
    p.indent(
        None,
        Some(SpecialIndentType::FirstLine(2 * BODY_CHAR)),
        None,
        None,
    )
}

/// A body paragraph: 仿宋, first line two characters in, justified.
fn body(s: &str) -> Paragraph {
    indented(Paragraph::new().add_run(text(s, BODY_FONT))).align(AlignmentType::Both)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_are_the_standards_millimetres_in_twips() {
        assert_eq!(
            (MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT),
            (2098, 1984, 1587, 1474)
        );
        // 22 lines fill the 225 mm text area without passing it.
        let text_height = A4_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM;
        assert!((22 * BODY_LINE..23 * BODY_LINE).contains(&text_height));
        // The 156 mm line, to a twip of rounding.
        assert!((A4_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT - mm(156)).abs() <= 1);
    }

    /// Text from the register (section names) is escaped, never taken as markup.
    #[test]
    fn section_names_are_escaped() {
        use crate::report::notice::{Attachment, Notice, Paragraph, Part};
        let name = "甲&乙<股>";
        let n = Notice {
            title: vec!["局关于".into(), "通报".into()],
            addressee: "各股室：".into(),
            overview: format!("{name}参加考核。"),
            parts: vec![Part {
                heading: "一、先进".into(),
                paragraphs: vec![Paragraph {
                    lead: String::new(),
                    text: format!("{name}（1分）"),
                }],
            }],
            closing: "完。".into(),
            attachment_note: "附件：表".into(),
            issuer: "局".into(),
            date: "2019年12月31日".into(),
            attachment: Attachment {
                label: "附件".into(),
                title: "表".into(),
                subtitle: String::new(),
                header: vec!["股室".into(), "备注".into()],
                rows: vec![vec![name.into(), String::new()]],
            },
        };
        let bytes = notice_docx(&n, chrono::NaiveDate::from_ymd_opt(2019, 12, 31).unwrap());
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.unwrap())).unwrap();
        let mut doc = String::new();
        std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut doc)
            .unwrap();
        assert_eq!(doc.matches("甲&amp;乙&lt;股&gt;").count(), 3);
        assert!(!doc.contains(name));
    }

    /// The date four characters in from the right; the bureau centred over it.
    #[test]
    fn the_bureau_is_centred_over_the_date() {
        let date = "2019年12月31日";
        assert_eq!(width(date), 8 * 160 + 3 * 320);
        let ps = signature("隆阳区工业和科技信息化局", date);
        let xml = |p: &Paragraph| String::from_utf8(docx_rs::BuildXML::build(p)).unwrap();
        assert!(xml(&ps[3]).contains("w:right=\"1280\""), "{}", xml(&ps[3]));
        // Centre of the date: 1280 + 2240 / 2 = 2400; of the bureau: inset + 3840 / 2.
        assert!(xml(&ps[2]).contains("w:right=\"480\""), "{}", xml(&ps[2]));
        // A bureau wider than twice the date's centre is set flush right.
        let long = signature(&"局".repeat(30), date);
        assert!(xml(&long[2]).contains("w:right=\"0\""));
    }
}
