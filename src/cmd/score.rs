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
const EMBEDDED_RULES: &str = "内置规则（《隆阳区工业和科技信息化局政务信息工作实施方案》六、七）";

/// CSV file names inside `--csv DIR`.
pub const CSV_RANKING: &str = "考核排名.csv";
pub const CSV_LEDGER: &str = "信息明细.csv";
pub const CSV_FINDINGS: &str = "校验问题.csv";
pub const CSV_AUTHORS: &str = "撰稿人统计.csv";

/// Stage timings on stderr when `ZWXX_TIMING` is set (for profiling; off by default).
struct Timing(Option<std::time::Instant>);

impl Timing {
    fn from_env() -> Timing {
        Timing(std::env::var_os("ZWXX_TIMING").map(|_| std::time::Instant::now()))
    }
    fn mark(&self, stage: &str) {
        if let Some(t) = self.0 {
            eprintln!(
                "[timing] {stage}: {:.1} ms",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}

pub fn run(args: &ScoreArgs) -> Result<i32, Error> {
    let as_of = args.as_of.as_deref().map(parse_as_of).transpose()?;
    let prepared = prepare_outputs(args)?;
    let result = score(args, as_of);
    if !matches!(result, Ok(Ran::Written(_))) {
        prepared.undo();
    }
    result.map(|ran| match ran {
        Ran::Written(status) => status,
        Ran::Refused => 1,
    })
}

/// How a run that did not fail ended.
enum Ran {
    /// The outputs were written; the exit status (1 when validation errors were found).
    Written(i32),
    /// `--strict` with validation errors: nothing written, exit status 1.
    Refused,
}

/// Check every output path, and make its missing folders, before any input is read: the
/// results workbook (when its name is known before reading: `-o`, or the default name with
/// `--year`), the CSV files and the feedback folder.
fn prepare_outputs(args: &ScoreArgs) -> Result<write::Prepared, Error> {
    let mut files: Vec<PathBuf> = Vec::new();
    match (&args.out, args.input.year) {
        (Some(o), _) => files.push(o.clone()),
        (None, Some(y)) => files.push(PathBuf::from(report::results_file_name(y))),
        (None, None) => {}
    }
    let mut folders = Vec::new();
    if let Some(dir) = &args.csv {
        files.extend([CSV_RANKING, CSV_LEDGER, CSV_FINDINGS, CSV_AUTHORS].map(|n| dir.join(n)));
        folders.push((dir.as_path(), "CSV"));
    }
    if let Some(dir) = &args.feedback {
        folders.push((dir.as_path(), "问题反馈"));
    }
    if let Some(dir) = &args.notice {
        // The notice's name holds the year: known now with --year, else checked after reading.
        if let Some(y) = args.input.year {
            files.push(dir.join(report::notice::notice_file_name(y)));
        }
        folders.push((dir.as_path(), "通报草稿"));
    }
    let inputs = super::input_paths(&args.input)?;
    let files: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    write::prepare(&files, &folders, &inputs)
}

/// The run itself, its outputs checked: read, assess, and write the results.
fn score(args: &ScoreArgs, as_of: Option<chrono::NaiveDate>) -> Result<Ran, Error> {
    let rules = Rules::load(args.input.rules.as_deref())?;
    let timing = Timing::from_env();
    let a = super::validate::assess_inputs_with(&args.input, &rules, as_of, !args.quiet)?;
    timing.mark("read + assess");
    if let Some(problems) = report::terminal::register_errors(&a) {
        return Err(Error::Register(problems));
    }
    let errors = a.error_count();
    if args.strict && errors > 0 {
        eprint!("{}", report::terminal::findings_text(&a));
        eprintln!("zwxx: 发现 {errors} 个错误（--strict），未生成结果。请先更正上列问题");
        return Ok(Ran::Refused);
    }

    let rules_source = args
        .input
        .rules
        .as_ref()
        .map_or(EMBEDDED_RULES.to_string(), |p| p.display().to_string());
    let xlsx_path = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(report::results_file_name(a.year)));
    // Built now, packed straight into its file when written (the last step).
    let mut results = report::xlsx::results_workbook(&a, &rules, &rules_source)?;
    timing.mark("results workbook");
    let mut outputs = Vec::new();
    if let Some(dir) = &args.csv {
        for (name, text) in [
            (CSV_RANKING, report::csv::ranking_csv(&a, &rules)),
            (CSV_LEDGER, report::csv::ledger_csv(&a, &rules)),
            (CSV_FINDINGS, report::csv::findings_csv(&a.findings)),
            (CSV_AUTHORS, report::csv::authors_csv(&a, &rules)),
        ] {
            outputs.push(write::Output {
                path: dir.join(name),
                bytes: text?.into_bytes(),
            });
        }
    }
    let feedback = match &args.feedback {
        Some(dir) => report::feedback::feedback_workbooks(&a, &args.input.limits())?
            .into_iter()
            .map(|f| write::Output {
                path: dir.join(&f.file_name),
                bytes: f.bytes,
            })
            .collect(),
        None => Vec::new(),
    };
    let feedback_count = feedback.len();
    outputs.extend(feedback);
    if let Some(dir) = &args.notice {
        outputs.push(report::notice::notice_output(&a, &rules, dir)?);
    }

    // Nothing is written unless every output can be: not an input (an earlier run's own
    // output may be replaced), not a folder, folder there. Checked before the ranking is
    // printed, so that a refused run prints only why.
    let targets: Vec<&Path> = std::iter::once(xlsx_path.as_path())
        .chain(outputs.iter().map(|o| o.path.as_path()))
        .collect();
    let mut inputs: Vec<&Path> = a.files.iter().map(|f| f.path.as_path()).collect();
    inputs.extend(args.input.register.as_deref());
    inputs.extend(args.input.rules.as_deref());
    write::refuse_inputs_but_own(&targets, &inputs)?;
    write::check_folders(&targets)?;
    super::out_fmt!("{}", report::terminal::ranking(&a, &rules));
    write::write_workbook(&xlsx_path, &mut results)?;
    write::write_all(&outputs)?;
    timing.mark("written");

    super::outln!("结果已写入：{}", xlsx_path.display());
    if let Some(dir) = &args.csv {
        super::outln!(
            "CSV 已写入：{}（{CSV_RANKING}、{CSV_LEDGER}、{CSV_FINDINGS}、{CSV_AUTHORS}）",
            dir.display()
        );
    }
    if let Some(dir) = &args.feedback {
        if feedback_count == 0 {
            super::outln!("问题反馈：各股室均无问题，未生成反馈表");
        } else {
            super::outln!(
                "问题反馈已写入：{}（{feedback_count} 个股室，每个股室一个“股室-问题反馈.xlsx”）",
                dir.display()
            );
        }
    }
    if let Some(dir) = &args.notice {
        super::outln!(
            "通报草稿已写入：{}",
            dir.join(report::notice::notice_file_name(a.year)).display()
        );
    }
    Ok(Ran::Written(if errors > 0 { 1 } else { 0 }))
}
