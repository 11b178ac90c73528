//! `zwxx template [--rules F] [--register F] [--year Y] [-o DIR]`: write the two blank
//! workbooks, `政务信息报送表.xlsx` and `考核登记表.xlsx`, built from the rules for the year.
//! With `--register`, the form's 股室 drop-down (and the new register's roster) is that
//! register's roster: a bureau with other sections gets a form its staff can fill in.
//!
//! Both outputs are checked (never an input, folder made) before anything is read, built in
//! memory, and each is written atomically, so a failed run never leaves a half-written file.

use chrono::Datelike;
use std::path::{Path, PathBuf};

use crate::assess::check_year;
use crate::cli::TemplateArgs;
use crate::error::Error;
use crate::findings::is_register_error;
use crate::labels;
use crate::report::template::{register_template, section_template};
use crate::report::write;
use crate::rules::Rules;

pub fn run(args: &TemplateArgs) -> Result<i32, Error> {
    let year = args.year.unwrap_or_else(|| chrono::Local::now().year());
    check_year(i64::from(year)).map_err(Error::Usage)?;
    let targets = [
        labels::SECTION_TEMPLATE_FILE,
        labels::REGISTER_TEMPLATE_FILE,
    ]
    .map(|name| args.out.join(name));
    let inputs: Vec<&Path> = args
        .rules
        .iter()
        .chain(&args.register)
        .map(PathBuf::as_path)
        .collect();
    let files: Vec<&Path> = targets.iter().map(PathBuf::as_path).collect();
    let prepared = write::prepare(&files, &[(&args.out, "模板")], &inputs)?;
    let written = build_and_write(args, year, &targets);
    if written.is_err() {
        prepared.undo();
    }
    written
}

/// Read the rules (and the register), build both workbooks, write them to `targets`.
fn build_and_write(args: &TemplateArgs, year: i32, targets: &[PathBuf; 2]) -> Result<i32, Error> {
    let rules = Rules::load(args.rules.as_deref())?;
    let roster: Vec<String> = match &args.register {
        None => labels::DEFAULT_ROSTER.map(String::from).to_vec(),
        Some(path) => register_roster(path, &rules)?,
    };
    let roster: Vec<&str> = roster.iter().map(String::as_str).collect();
    let workbooks = [
        section_template(&rules, &roster, year),
        register_template(&rules, &roster, year),
    ];
    let mut outputs = Vec::new();
    for (path, workbook) in targets.iter().zip(workbooks) {
        let bytes = workbook
            .and_then(|mut w| w.save_to_buffer())
            .map_err(|source| Error::Template {
                path: path.clone(),
                source: Box::new(source),
            })?;
        outputs.push(write::Output {
            path: path.clone(),
            bytes,
        });
    }
    write::write_all(&outputs)?;
    for o in &outputs {
        super::outln!("已生成 {}", o.path.display());
    }
    Ok(0)
}

/// The roster of the register at `path`. A problem in its 股室名单 stops the run (the form
/// would offer the wrong sections); the register's other problems are listed on stderr, to be
/// fixed before scoring.
fn register_roster(path: &Path, rules: &Rules) -> Result<Vec<String>, Error> {
    let limits = crate::read::workbook::Limits::default();
    let loaded = crate::load::load(&[], Some(path), rules, &limits)?;
    let register = loaded.register.unwrap_or_default();
    let (roster_errors, others): (Vec<_>, Vec<_>) = loaded.findings.iter().partition(|f| {
        is_register_error(f.code) && crate::cell::label_eq(&f.sheet, labels::SHEET_ROSTER)
    });
    let lines = |list: &[&crate::model::Finding]| -> String {
        list.iter()
            .map(|f| format!("\n  {}!{} [{}] {}", f.sheet, f.cell, f.code, f.message))
            .collect()
    };
    if !roster_errors.is_empty() {
        return Err(Error::Usage(format!(
            "考核登记表 {} 的股室名单有错误，未生成模板。请更正后重新运行：{}",
            path.display(),
            lines(&roster_errors)
        )));
    }
    if !others.is_empty() {
        eprintln!(
            "提示：考核登记表 {} 中还有 {} 个问题（不影响模板的股室名单），考核前请更正：{}",
            path.display(),
            others.len(),
            lines(&others)
        );
    }
    Ok(register.roster.into_iter().map(|r| r.name).collect())
}
