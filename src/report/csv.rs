//! CSV outputs: UTF-8 with a BOM (so Excel opens Chinese correctly), RFC 4180 quoting, and
//! text cells that a spreadsheet would run as a formula (beginning `=`, `+`, `-`, `@`, tab or
//! CR) neutralised with a leading apostrophe. Numbers are written as numbers, untouched.

use crate::assess::Assessment;
use crate::model::Finding;
use crate::rules::Rules;

use super::table::{V, item_rows, problem_row, ranking_rows};

/// Neutralise a text cell that a spreadsheet program would treat as a formula.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// The ledger's first columns (the adoption columns after them come from the rules).
const LEDGER_LEADING: [&str; 9] = [
    "股室",
    "信息标题",
    "报送日期",
    "信息类别",
    "约稿任务编号",
    "采用级别",
    "采用期号",
    "计分情况",
    "基础分",
];

/// The header of every CSV file zwxx writes, or its first columns where the rules add more.
const OWN_HEADERS: [&[&str]; 4] = [
    &super::RANKING_COLUMNS,
    &super::FINDING_COLUMNS,
    &LEDGER_LEADING,
    &super::AUTHORS_LEADING,
];

/// Whether `first_line` (the BOM removed) is the header row of a CSV file zwxx writes: an
/// earlier run's CSV output may be replaced, like its results workbook.
pub fn is_own_header(first_line: &str) -> bool {
    let line = first_line.trim_end_matches(['\r', '\n']);
    OWN_HEADERS.iter().any(|h| {
        let h = h.join(",");
        line == h
            || line
                .strip_prefix(&h)
                .is_some_and(|rest| rest.starts_with(','))
    })
}

/// Render a table as CSV text with a BOM: numbers as they are, percentages as numbers to one
/// decimal, one-decimal figures written as such (`1.0`, not `1`), dates as `yyyy-mm-dd`, and
/// text neutralised.
pub(crate) fn render(headers: &[&str], rows: &[Vec<V>]) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(headers)?;
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|v| match v {
                V::Text(s) => neutralise(s).into_owned(),
                V::Int(n) => n.to_string(),
                V::Num(x) => format!("{x}"),
                V::Pct(p) => format!("{}", (p * 10.0).round() / 10.0),
                V::OneDecimal(x) => neutralise(&format!("{x:.1}")).into_owned(),
                V::Date(d) => neutralise(&d.format("%Y-%m-%d").to_string()).into_owned(),
                V::Blank => String::new(),
            })
            .collect();
        w.write_record(&fields)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&bytes));
    Ok(out)
}

/// The problems as CSV: 股室 · 文件 · 工作表 · 单元格 · 级别 · 代码 · 说明.
pub fn findings_csv(findings: &[Finding]) -> Result<String, csv::Error> {
    let rows: Vec<Vec<V>> = findings.iter().map(problem_row).collect();
    render(&super::FINDING_COLUMNS, &rows)
}

/// `考核排名.csv`: the ranking sheet's columns; rates as percentages (numbers, one decimal),
/// empty when no target; sections not taking part after the ranking without a rank.
pub fn ranking_csv(a: &Assessment, rules: &Rules) -> Result<String, csv::Error> {
    let rows: Vec<Vec<V>> = ranking_rows(a, rules)
        .into_iter()
        .map(|r| r.values)
        .collect();
    render(&super::RANKING_COLUMNS, &rows)
}

/// `信息明细.csv`: the item ledger — every item of every section (counted or not, with the
/// reason), its adoption levels and points, and where it came from.
pub fn ledger_csv(a: &Assessment, rules: &Rules) -> Result<String, csv::Error> {
    let mut headers: Vec<String> = LEDGER_LEADING.map(String::from).to_vec();
    headers.extend(rules.adoption_labels().map(|l| format!("{l}加分")));
    headers.extend(["合计", "完成的约稿任务", "文件", "工作表", "行"].map(String::from));
    let mut rows = Vec::new();
    for s in &a.scores {
        for r in item_rows(s, rules) {
            let points = r.level_points.iter().map(|p| V::Int(*p));
            rows.push(r.values(V::text(&s.name), points));
        }
    }
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    render(&headers, &rows)
}

/// `撰稿人统计.csv`: the authors sheet's rows, figures to one decimal; names only.
pub fn authors_csv(a: &Assessment, rules: &Rules) -> Result<String, csv::Error> {
    // Shares written as `1.0`, not `1`: the sheet shows one decimal too (a number all the same).
    let rows = super::table::author_rows(a, rules);
    let headers = super::authors_columns(rules);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    render(&headers, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injection_examples_are_neutralised_and_numbers_kept() {
        let rows = vec![vec![
            V::Text("=1+2".into()),
            V::Text("-2+3".into()),
            V::Text("+cmd|' /C calc'!A0".into()),
            V::Text("@SUM(1,1)".into()),
            V::Text("\tx".into()),
            V::Int(-15),
            V::Text("经济运行股".into()),
        ]];
        let s = render(&["a", "b", "c", "d", "e", "f", "g"], &rows).unwrap();
        assert!(s.starts_with('\u{feff}'));
        let line = s.lines().nth(1).unwrap();
        assert_eq!(
            line,
            "'=1+2,'-2+3,'+cmd|' /C calc'!A0,\"'@SUM(1,1)\",'\tx,-15,经济运行股"
        );
    }
}
