//! CSV outputs: UTF-8 with a BOM (so Excel opens Chinese correctly), RFC 4180 quoting, and
//! text cells that a spreadsheet would run as a formula (beginning `=`, `+`, `-`, `@`, tab or
//! CR) neutralised with a leading apostrophe. Numbers are written as numbers, untouched.

use crate::model::Finding;

/// A CSV cell: text (neutralised) or a number (as is).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

/// Neutralise a text cell that a spreadsheet program would treat as a formula.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// Render a table as CSV text with a BOM.
pub fn render(headers: &[&str], rows: &[Vec<Cell>]) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(headers)?;
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => neutralise(s).into_owned(),
                Cell::Int(i) => i.to_string(),
                Cell::Float(x) => format!("{x}"),
                Cell::Empty => String::new(),
            })
            .collect();
        w.write_record(&fields)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8_lossy(&bytes));
    Ok(out)
}

/// The problems as CSV: 文件 · 工作表 · 单元格 · 级别 · 代码 · 说明.
pub fn findings_csv(findings: &[Finding]) -> Result<String, csv::Error> {
    let rows: Vec<Vec<Cell>> = findings
        .iter()
        .map(|f| {
            vec![
                f.file.as_str().into(),
                f.sheet.as_str().into(),
                f.cell.as_str().into(),
                f.severity.label().into(),
                f.code.into(),
                f.message.as_str().into(),
            ]
        })
        .collect();
    render(&["文件", "工作表", "单元格", "级别", "代码", "说明"], &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injection_examples_are_neutralised_and_numbers_kept() {
        let rows = vec![vec![
            Cell::Text("=1+2".into()),
            Cell::Text("-2+3".into()),
            Cell::Text("+cmd|' /C calc'!A0".into()),
            Cell::Text("@SUM(1,1)".into()),
            Cell::Text("\tx".into()),
            Cell::Int(-15),
            Cell::Text("经济运行股".into()),
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
