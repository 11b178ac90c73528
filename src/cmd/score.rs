//! `zwxx score`: the whole pipeline; prints the ranking and writes the results: the results
//! workbook, and on request the CSV files and the sections' feedback workbooks. Every output is
//! built in memory and checked (never an input, never a folder) before any is written.

use std::path::{Path, PathBuf};

use crate::assess::parse_as_of;
use crate::cli::ScoreArgs;
use crate::error::Error;
use crate::report::{self, write};
use crate::rules::Rules;

/// Where the rules came from, as `考核说明` states it.
const EMBEDDED_RULES: &str = "内置规则(《隆阳区工业和科技信息化局政务信息工作实施方案》六、七)";

pub fn run(args: &ScoreArgs) -> Result<i32, Error> {
    let rules = Rules::load(args.input.rules.as_deref())?;
    let as_of = args.as_of.as_deref().map(parse_as_of).transpose()?;
    let a = super::validate::assess_inputs(&args.input, &rules, as_of)?;
    let errors = a.error_count();
    if args.strict && errors > 0 {
        eprint!("{}", report::terminal::findings_text(&a));
        return Err(Error::Strict(format!(
            "发现 {errors} 个错误(--strict),未生成结果。请先更正上列问题"
        )));
    }
    print!("{}", report::terminal::ranking(&a, &rules));

    let rules_source = args
        .input
        .rules
        .as_ref()
        .map_or(EMBEDDED_RULES.to_string(), |p| p.display().to_string());
    let xlsx_path = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(report::results_file_name(a.year)));
    let outputs = vec![write::Output {
        path: xlsx_path,
        bytes: report::xlsx::results_workbook(&a, &rules, &rules_source)?,
    }];

    // Nothing is written unless every output can be: not an input, not a folder, folder there.
    let targets: Vec<&Path> = outputs.iter().map(|o| o.path.as_path()).collect();
    let mut inputs: Vec<&Path> = a.files.iter().map(|f| f.path.as_path()).collect();
    inputs.extend(args.input.register.as_deref());
    inputs.extend(args.input.rules.as_deref());
    write::refuse_inputs(&targets, &inputs)?;
    write::check_folders(&targets)?;
    write::write_all(&outputs)?;

    println!("结果已写入:{}", outputs[0].path.display());
    Ok(if errors > 0 { 1 } else { 0 })
}
