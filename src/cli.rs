//! Command-line interface: clap derive structs only.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// zwxx — 政务信息工作考核 (yearly assessment of a bureau's government-affairs information work).
#[derive(Debug, Parser)]
#[command(name = "zwxx", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the blank templates: 政务信息报送表.xlsx and 考核登记表.xlsx.
    ///
    /// Example: zwxx template --year 2019 -o 模板/
    Template(TemplateArgs),
    /// Check section workbooks and the register, and list every problem found.
    ///
    /// Example: zwxx validate 2019/ --format json
    Validate(ValidateArgs),
    /// Score the year: rank the sections and write the results workbook.
    ///
    /// Example: zwxx score 2019/ --as-of 2019-06-30 --csv 结果/ --feedback 反馈/
    Score(ScoreArgs),
    /// Print the effective rules as TOML (the embedded default, or --rules F checked).
    ///
    /// Example: zwxx rules > rules.toml
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Rules file (default: the embedded rules).
    #[arg(long, value_name = "F")]
    pub rules: Option<PathBuf>,
    /// Year printed in the templates (default: this year).
    #[arg(long, value_name = "Y")]
    pub year: Option<i32>,
    /// Folder to write the templates into (default: the current folder).
    #[arg(short = 'o', long = "out", value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
}

/// Options shared by validate and score.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or folders (walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The officer's register (考核登记表); found among the inputs when absent.
    #[arg(long, value_name = "F")]
    pub register: Option<PathBuf>,
    /// Rules file (default: the embedded rules).
    #[arg(long, value_name = "F")]
    pub rules: Option<PathBuf>,
    /// Assessment year (default: the year held by the most workbooks).
    #[arg(long, value_name = "Y")]
    pub year: Option<i32>,
    /// Largest input file read, in MiB (larger files are reported and skipped).
    #[arg(long, value_name = "MIB", default_value_t = 50)]
    pub max_file_mb: u64,
    /// Largest total unpacked size of one xlsx/ods, in MiB (zip-bomb guard).
    #[arg(long, value_name = "MIB", default_value_t = 300)]
    pub max_unzipped_mb: u64,
    /// Most non-empty cells read from one workbook.
    #[arg(long, value_name = "N", default_value_t = 2_000_000)]
    pub max_cells: usize,
    /// Memory of the process reading one workbook, in MiB (larger needs are reported).
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub max_memory_mb: u64,
    /// Seconds one workbook may take to read (a slower one is stopped and reported).
    #[arg(long, value_name = "S", default_value_t = 60)]
    pub max_seconds: u64,
}

impl InputArgs {
    /// The reading limits these options set.
    pub fn limits(&self) -> crate::read::workbook::Limits {
        crate::read::workbook::Limits {
            max_file_bytes: self.max_file_mb.saturating_mul(1 << 20),
            max_uncompressed_bytes: self.max_unzipped_mb.saturating_mul(1 << 20),
            max_cells: self.max_cells,
            max_worker_bytes: self.max_memory_mb.saturating_mul(1 << 20),
            max_seconds: self.max_seconds,
            ..crate::read::workbook::Limits::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Standing as of this date (default: end of the year, or today if earlier).
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<String>,
    /// Results workbook (default: {year}年度政务信息工作考核结果.xlsx).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the ranking, item ledger and problems as CSV into DIR.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Write one workbook per section listing its own problems into DIR.
    #[arg(long, value_name = "DIR")]
    pub feedback: Option<PathBuf>,
    /// Any validation error: exit 1 and write no results.
    #[arg(long)]
    pub strict: bool,
    /// No progress bar.
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Rules file to check and print (default: the embedded rules).
    #[arg(long, value_name = "F")]
    pub rules: Option<PathBuf>,
}
