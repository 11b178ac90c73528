//! Printing (README "Printing"): what zwxx writes must print legibly on A4 as an office prints
//! it. LibreOffice converts the sample year's results workbook, one feedback workbook and both
//! templates to PDF; from `pdftotext -bbox-layout`, the smallest text on every page is at least
//! 9 pt and no page is larger than A4. Skipped (visibly) without soffice or pdftotext.

#[rustfmt::skip]
use crate::common;

use std::path::{Path, PathBuf};

use common::*;

/// The smallest text a printed page may hold, in points.
const MIN_POINTS: f64 = 9.0;
/// The paper the README names for every output: A4, in points (either orientation).
const A4: (f64, f64) = (595.28, 841.89);

/// A word of a page as pdftotext places it.
#[derive(Debug)]
struct Word {
    width: f64,
    height: f64,
    text: String,
}

#[derive(Debug)]
struct Page {
    width: f64,
    height: f64,
    words: Vec<Word>,
}

/// The value of attribute `name` in an XML start tag.
fn attr(tag: &str, name: &str) -> f64 {
    let at = tag.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
    let end = tag[at..].find('"').unwrap() + at;
    tag[at..end].parse().unwrap()
}

/// The pages of `pdftotext -bbox-layout` output.
fn pages(html: &str) -> Vec<Page> {
    html.split("<page ")
        .skip(1)
        .map(|p| {
            let tag = format!(" {}", &p[..p.find('>').unwrap()]);
            let words = p
                .split("<word ")
                .skip(1)
                .map(|w| {
                    let tag = format!(" {}", &w[..w.find('>').unwrap()]);
                    let text = &w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()];
                    Word {
                        width: attr(&tag, "xMax") - attr(&tag, "xMin"),
                        height: attr(&tag, "yMax") - attr(&tag, "yMin"),
                        text: text.replace("&amp;", "&").replace("&lt;", "<"),
                    }
                })
                .collect();
            Page {
                width: attr(&tag, "width"),
                height: attr(&tag, "height"),
                words,
            }
        })
        .collect()
}

/// Characters one em wide in every CJK font: ideographs and full-width punctuation.
fn one_em(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3001}'..='\u{3002}' | '\u{FF01}'..='\u{FF5E}')
}

/// How tall pdftotext draws a word's box for 1 pt of font size (the font's ascent plus
/// descent): learnt from the words of CJK characters only, whose size is their width divided
/// by their number of characters. Every word's size is then its height divided by this.
fn box_per_point(pages: &[Page]) -> f64 {
    let mut ratios: Vec<f64> = pages
        .iter()
        .flat_map(|p| &p.words)
        .filter(|w| w.text.chars().count() >= 2 && w.text.chars().all(one_em))
        .map(|w| w.height / (w.width / w.text.chars().count() as f64))
        .collect();
    assert!(!ratios.is_empty(), "no Chinese text in the PDF");
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// The smallest text of each page: (points, the word).
fn smallest_text(pages: &[Page]) -> Vec<(f64, String)> {
    let ratio = box_per_point(pages);
    pages
        .iter()
        .map(|p| {
            p.words
                .iter()
                .map(|w| (w.height / ratio, w.text.clone()))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap_or((f64::INFINITY, String::new()))
        })
        .collect()
}

/// Convert workbooks to PDF with LibreOffice in `dir`; the PDFs, in the same order.
fn to_pdf(dir: &Path, files: &[PathBuf]) -> Vec<PathBuf> {
    let profile = format!("-env:UserInstallation=file://{}/lo", dir.display());
    let out = dir.join("pdf");
    let mut args: Vec<&std::ffi::OsStr> = vec![
        profile.as_ref(),
        "--headless".as_ref(),
        "--convert-to".as_ref(),
        "pdf".as_ref(),
        "--outdir".as_ref(),
        out.as_os_str(),
    ];
    args.extend(files.iter().map(|f| f.as_os_str()));
    let o = tool("soffice", &args).unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    files
        .iter()
        .map(|f| {
            let pdf = out.join(f.with_extension("pdf").file_name().unwrap());
            assert!(pdf.exists(), "{}", String::from_utf8_lossy(&o.stderr));
            pdf
        })
        .collect()
}

/// The pages of a PDF, through `pdftotext -bbox-layout` (written to a file: it is large).
fn read_pdf(pdf: &Path) -> Vec<Page> {
    let html = pdf.with_extension("html");
    let o = tool(
        "pdftotext",
        &["-bbox-layout".as_ref(), pdf.as_os_str(), html.as_os_str()],
    )
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    pages(&std::fs::read_to_string(html).unwrap())
}

/// The workbooks of the sample year to print: the results, the feedback workbook with the
/// most problems, and the two templates as `zwxx template` writes them.
fn sample_workbooks(dir: &Path) -> Vec<PathBuf> {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2019");
    let results = dir.join("results.xlsx");
    let feedback = dir.join("feedback");
    let o = zwxx(
        dir,
        &[
            "score",
            samples.to_str().unwrap(),
            "-q",
            "-o",
            results.to_str().unwrap(),
            "--feedback",
            feedback.to_str().unwrap(),
        ],
    );
    assert!(o.status.code() == Some(1), "{o:?}");
    let o = zwxx(dir, &["template", "--year", "2019", "-o", "templates"]);
    assert!(o.status.success(), "{o:?}");
    let largest = std::fs::read_dir(&feedback)
        .unwrap()
        .map(|e| e.unwrap().path())
        .max_by_key(|p| (std::fs::metadata(p).unwrap().len(), p.clone()))
        .unwrap();
    vec![
        results,
        largest,
        dir.join("templates/政务信息报送表.xlsx"),
        dir.join("templates/考核登记表.xlsx"),
    ]
}

#[test]
fn every_printed_page_is_a4_with_text_of_at_least_9_points() {
    if tool("soffice", &["--version".as_ref()]).is_none()
        || tool("pdftotext", &["-v".as_ref()]).is_none()
    {
        eprintln!("skipped: soffice or pdftotext missing (installed by .ci/run)");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let files = sample_workbooks(d.path());
    let mut problems = Vec::new();
    for (file, pdf) in files.iter().zip(to_pdf(d.path(), &files)) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let pages = read_pdf(&pdf);
        assert!(!pages.is_empty(), "{name}: no pages");
        let smallest = smallest_text(&pages);
        let least = smallest.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
        eprintln!("{name}: {} pages, smallest text {least:.1} pt", pages.len());
        for (n, (p, (pt, word))) in pages.iter().zip(&smallest).enumerate() {
            let (short, long) = (p.width.min(p.height), p.width.max(p.height));
            if short > A4.0 + 1.0 || long > A4.1 + 1.0 {
                problems.push(format!(
                    "{name} page {}: {:.0} × {:.0} pt, larger than A4",
                    n + 1,
                    p.width,
                    p.height
                ));
            }
            // A hair of tolerance for the rounding of the boxes.
            if *pt < MIN_POINTS - 0.05 {
                problems.push(format!("{name} page {}: “{word}” at {pt:.1} pt", n + 1));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The measuring itself: sizes come out right for words of CJK text, digits and mixed text
/// (a pdftotext page of 10-point text whose boxes are 1.3 times the size, as WenQuanYi's are).
#[test]
fn text_sizes_are_read_from_the_word_boxes() {
    let html = r#"<page width="841.89" height="595.30"><flow><block><line>
        <word xMin="10" yMin="10" xMax="50" yMax="23">考核排名</word>
        <word xMin="60" yMin="10" xMax="71" yMax="23">12</word>
        <word xMin="80" yMin="12" xMax="95" yMax="22.4">注:</word>
        </line></block></flow></page>"#;
    let p = pages(html);
    assert_eq!((p.len(), p[0].words.len()), (1, 3));
    assert!((box_per_point(&p) - 1.3).abs() < 1e-9);
    let s = smallest_text(&p);
    assert!((s[0].0 - 8.0).abs() < 1e-9, "{s:?}");
    assert_eq!(s[0].1, "注:");
}
