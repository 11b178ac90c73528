//! `zwxx score`: the whole pipeline; prints the ranking and writes the results.

use crate::assess::parse_as_of;
use crate::cli::ScoreArgs;
use crate::error::Error;
use crate::report;
use crate::rules::Rules;

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
    Ok(if errors > 0 { 1 } else { 0 })
}
