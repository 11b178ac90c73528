//! `zwxx validate`: read everything, check it, list every problem. Exit 1 when errors were found.

use crate::cli::{Format, InputArgs, ValidateArgs};
use crate::error::Error;
use crate::model::Severity;
use crate::report;
use crate::rules::Rules;

/// Load and assess the inputs (shared with `score`), with a progress line on a terminal.
pub fn assess_inputs(
    input: &InputArgs,
    rules: &Rules,
    as_of: Option<chrono::NaiveDate>,
) -> Result<crate::assess::Assessment, Error> {
    assess_inputs_with(input, rules, as_of, true)
}

/// [`assess_inputs`]; `progress = false` (the `-q` flag) keeps stderr quiet.
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
    let a = assess_inputs(&args.input, &rules, None)?;
    let text = match args.format {
        Format::Text => report::terminal::findings_text(&a),
        Format::Json => {
            let mut s = serde_json_array(&a.findings);
            s.push('\n');
            s
        }
        Format::Csv => {
            report::csv::findings_csv(&a.findings).map_err(|e| Error::Output(e.to_string()))?
        }
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

/// The findings as a JSON array of {section, file, sheet, cell, severity, code, message}
/// (`section` empty where no section can be told).
fn serde_json_array(findings: &[crate::model::Finding]) -> String {
    let mut out = String::from("[");
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n  {");
        let fields = [
            ("section", f.section.as_deref().unwrap_or_default()),
            ("file", f.file.as_str()),
            ("sheet", f.sheet.as_str()),
            ("cell", f.cell.as_str()),
            (
                "severity",
                match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Corrected => "corrected",
                },
            ),
            ("code", f.code),
            ("message", f.message.as_str()),
        ];
        for (k, (key, v)) in fields.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("\"{key}\": {}", json_string(v)));
        }
        out.push('}');
    }
    if !findings.is_empty() {
        out.push('\n');
    }
    out.push(']');
    out
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
