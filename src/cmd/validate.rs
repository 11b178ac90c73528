//! `zwxx validate`: read everything, check it, list every problem. Exit 1 when errors were found.

use crate::cli::{Format, InputArgs, ValidateArgs};
use crate::error::Error;
use std::io::{self, Write};

use serde::Serialize;

use crate::model::{Finding, Severity};
use crate::report;
use crate::rules::Rules;

/// Load and assess the inputs (shared with `score`), with a progress line on a terminal
/// unless `progress` is false (the `-q` flag keeps stderr quiet).
pub fn assess_inputs_with(
    input: &InputArgs,
    rules: &Rules,
    as_of: Option<chrono::NaiveDate>,
    progress: bool,
) -> Result<crate::assess::Assessment, Error> {
    let limits = input.limits();
    let loaded = crate::load::load_with_progress(
        &input.paths,
        input.register.as_deref(),
        rules,
        &limits,
        progress && std::io::IsTerminal::is_terminal(&std::io::stderr()),
    )?;
    let today = chrono::Local::now().date_naive();
    crate::assess::assess(loaded, rules, input.year, as_of, today)
}

pub fn run(args: &ValidateArgs) -> Result<i32, Error> {
    let rules = Rules::load(args.input.rules.as_deref())?;
    let a = assess_inputs_with(&args.input, &rules, None, true)?;
    let text = match args.format {
        Format::Text => report::terminal::findings_text(&a),
        Format::Json => {
            let mut s = json_array(&a.findings);
            s.push('\n');
            s
        }
        Format::Csv => report::csv::findings_csv(&a.findings)?,
    };
    super::out_fmt!("{text}");
    Ok(
        if a.findings.iter().any(|f| f.severity == Severity::Error) {
            1
        } else {
            0
        },
    )
}

/// One finding as `validate --format json` prints it: the finding's own keys after its
/// `section` (empty where no section can be told).
#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    section: &'a str,
    #[serde(flatten)]
    finding: &'a Finding,
}

/// The findings as a JSON array, one object per line.
fn json_array(findings: &[Finding]) -> String {
    let rows: Vec<JsonFinding> = findings
        .iter()
        .map(|f| JsonFinding {
            section: f.section.as_deref().unwrap_or_default(),
            finding: f,
        })
        .collect();
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, OnePerLine::default());
    rows.serialize(&mut ser)
        .expect("findings serialise to JSON: strings only");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// serde_json's layout for `validate --format json` as it has always been printed: one
/// array element per line, `", "` between members and `": "` after a key (scripts and tests
/// read it line by line).
#[derive(Default)]
struct OnePerLine {
    nonempty: bool,
}

impl serde_json::ser::Formatter for OnePerLine {
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.nonempty = true;
        w.write_all(if first { b"\n  " } else { b",\n  " })
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.nonempty { b"\n]" } else { b"]" })
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

#[cfg(test)]
mod tests {
    use super::json_array;
    use crate::findings::{Code, at};

    /// One object per line, `section` first, strings escaped; no findings is `[]`.
    #[test]
    fn json_lists_one_finding_per_line() {
        assert_eq!(json_array(&[]), "[]");
        let mut f = at(
            "a\"b.xlsx",
            "报送信息",
            (6, 2),
            Code::RowDate,
            "第一行\n第二行".into(),
        );
        f.section = Some("办公室".into());
        let g = at("c.xlsx", "", (0, 0), Code::TaskMissing, String::new());
        let text = json_array(&[f, g]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(
            lines[1],
            r#"  {"section": "办公室", "file": "a\"b.xlsx", "sheet": "报送信息", "cell": "C7", "severity": "error", "code": "E-DATE", "message": "第一行\n第二行"},"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed[1]["section"], "");
        assert_eq!(parsed[1]["severity"], "warning");
        assert_eq!(parsed[1]["code"], "W-TASK-MISSING");
    }
}
