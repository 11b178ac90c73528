//! Command-line interface: clap derive structs, with every help text in Chinese (the officer
//! reads them). clap's own English flags and headings are replaced: help templates with
//! Chinese headings, `-h/--help` and `-V/--version` declared here, defaults and choices written
//! into the help texts. Argument errors are put into Chinese by [`crate::arg_errors`].

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Help layout of the top level: about, usage, commands, options, then the after-help.
const MAIN_TEMPLATE: &str =
    "{about}\n\n用法：{usage}\n\n命令：\n{subcommands}\n\n选项：\n{options}{after-help}";
/// Help layout of a command taking PATH arguments.
const PATHS_TEMPLATE: &str =
    "{about}\n\n用法：{usage}\n\n参数：\n{positionals}\n\n选项：\n{options}{after-help}";
/// Help layout of a command without positional arguments.
const PLAIN_TEMPLATE: &str = "{about}\n\n用法：{usage}\n\n选项：\n{options}{after-help}";

/// The usage line of each command (also shown under an argument error).
pub const USAGE_MAIN: &str = "zwxx <命令> [选项]";
pub const USAGE_TEMPLATE: &str = "zwxx template [--rules F] [--register F] [--year Y] [-o DIR]";
pub const USAGE_VALIDATE: &str =
    "zwxx validate PATH... [--register F] [--rules F] [--year Y] [--format text|json|csv]";
pub const USAGE_SCORE: &str = "zwxx score PATH... [--register F] [--rules F] [--year Y] [--as-of DATE] [-o FILE] [--csv DIR] [--feedback DIR] [--notice DIR] [--strict] [-q]";
pub const USAGE_RULES: &str = "zwxx rules [--rules F]";

const MAIN_AFTER: &str = "\
示例：
  zwxx template --year 2019 -o 模板/        生成发给各股室的报送表和信息员的考核登记表
  zwxx validate 2019/                       检查文件夹中的全部文件，列出每个问题
  zwxx score 2019/                          生成 2019年度政务信息工作考核结果.xlsx
  zwxx score 2019/ --as-of 2019-06-30       年中查看截至 6 月 30 日的进度

退出状态：
  0  完成，没有发现错误
  1  发现校验错误（结果照常生成；使用 --strict 时不生成）
  2  运行失败，未生成结果：参数有误、找不到输入、规则文件或考核登记表有错误、无法写入输出

查看某个命令的说明：zwxx <命令> --help";

/// zwxx — 政务信息工作考核 (yearly assessment of a bureau's government-affairs information work).
#[derive(Debug, Parser)]
#[command(
    name = "zwxx",
    version,
    about = "zwxx — 政务信息工作考核：各股室每月填写政务信息报送表，信息员在年底用一条命令算出排名和考核结果。",
    override_usage = USAGE_MAIN,
    help_template = MAIN_TEMPLATE,
    after_help = MAIN_AFTER,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[arg(short = 'h', long = "help", action = ArgAction::Help, help = "显示帮助")]
    help: Option<bool>,
    #[arg(short = 'V', long = "version", action = ArgAction::Version, help = "显示版本")]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the blank templates: 政务信息报送表.xlsx and 考核登记表.xlsx.
    #[command(
        about = "生成空白模板：政务信息报送表.xlsx（发给各股室）和 考核登记表.xlsx（信息员填写）",
        override_usage = USAGE_TEMPLATE,
        help_template = PLAIN_TEMPLATE,
        after_help = "示例：\n  zwxx template --year 2019 -o 模板/\n  zwxx template --register 考核登记表.xlsx -o 模板/   报送表的“股室”下拉列表取自登记表的股室名单",
        disable_help_flag = true
    )]
    Template(TemplateArgs),
    /// Check section workbooks and the register, and list every problem found.
    #[command(
        about = "检查各股室的报送表和考核登记表，列出每个问题所在的文件、工作表、单元格和改法",
        override_usage = USAGE_VALIDATE,
        help_template = PATHS_TEMPLATE,
        after_help = "示例：\n  zwxx validate 2019/\n  zwxx validate 2019/ --format json\n\n退出状态：0 没有错误；1 发现错误（含考核登记表的错误）；2 运行失败",
        disable_help_flag = true
    )]
    Validate(ValidateArgs),
    /// Score the year: rank the sections and write the results workbook.
    #[command(
        about = "考核评分：排名各股室，生成考核结果工作簿",
        override_usage = USAGE_SCORE,
        help_template = PATHS_TEMPLATE,
        after_help = "示例：\n  zwxx score 2019/\n  zwxx score 2019/ --as-of 2019-06-30 --csv 结果/ --feedback 反馈/\n\n\
            考核登记表有错误时不生成结果（退出状态 2）：先更正登记表，再重新运行。\n\
            所有输出路径在读取输入之前检查：输出不能是输入文件，缺少的文件夹会自动建立。\n\n\
            退出状态：0 没有错误；1 报送表有错误（结果照常生成，--strict 时不生成）；2 运行失败，未生成结果",
        disable_help_flag = true
    )]
    Score(ScoreArgs),
    /// Print the effective rules as TOML (the embedded default, or --rules F checked).
    #[command(
        about = "以 TOML 格式输出正在使用的考核规则（内置规则，或检查后的 --rules 文件）",
        override_usage = USAGE_RULES,
        help_template = PLAIN_TEMPLATE,
        after_help = "示例：\n  zwxx rules > rules.toml      修改副本后用 --rules rules.toml 使用",
        disable_help_flag = true
    )]
    Rules(RulesArgs),
}

/// `-h` / `--help`, in Chinese, for every command.
#[derive(Debug, Args)]
pub struct HelpFlag {
    #[arg(short = 'h', long = "help", action = ArgAction::Help, help = "显示帮助")]
    help: Option<bool>,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Rules file (default: the embedded rules).
    #[arg(long, value_name = "F", help = "规则文件（默认：内置规则）")]
    pub rules: Option<PathBuf>,
    /// Register whose roster the forms offer (default: the embedded roster).
    #[arg(
        long,
        value_name = "F",
        help = "考核登记表：报送表的“股室”下拉列表取自它的股室名单（默认：内置的 11 个股室）"
    )]
    pub register: Option<PathBuf>,
    /// Year printed in the templates (default: this year).
    #[arg(long, value_name = "Y", value_parser = parse_year, help = "模板上的年度（默认：今年）")]
    pub year: Option<i32>,
    /// Folder to write the templates into (default: the current folder).
    #[arg(
        short = 'o',
        long = "out",
        value_name = "DIR",
        default_value = ".",
        hide_default_value = true,
        help = "写入模板的文件夹，不存在时自动建立（默认：当前文件夹）"
    )]
    pub out: PathBuf,
    #[command(flatten)]
    help: HelpFlag,
}

/// Options shared by validate and score.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or folders (walked recursively).
    #[arg(
        required = true,
        value_name = "PATH",
        help = "要读取的文件或文件夹（文件夹连同子文件夹一起读取）"
    )]
    pub paths: Vec<PathBuf>,
    /// The officer's register (考核登记表); found among the inputs when absent.
    #[arg(
        long,
        value_name = "F",
        help = "考核登记表（默认：在输入中按工作表自动识别）"
    )]
    pub register: Option<PathBuf>,
    /// Rules file (default: the embedded rules).
    #[arg(long, value_name = "F", help = "规则文件（默认：内置规则）")]
    pub rules: Option<PathBuf>,
    /// Assessment year (default: the year held by the most workbooks).
    #[arg(
        long,
        value_name = "Y",
        value_parser = parse_year,
        help = "考核年度（默认：多数报送表的报送年份）；必须有该年度的报送表"
    )]
    pub year: Option<i32>,
    /// Largest input file read, in MiB (larger files are reported and skipped).
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 50,
        hide_default_value = true,
        value_parser = parse_limit::<u64>,
        help = "读取的单个文件上限，单位 MiB（默认：50）；更大的文件报告后跳过"
    )]
    pub max_file_mb: u64,
    /// Largest total unpacked size of one xlsx/ods, in MiB (zip-bomb guard).
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 300,
        hide_default_value = true,
        value_parser = parse_limit::<u64>,
        help = "单个 xlsx/ods 解压后的总大小上限，单位 MiB（默认：300）"
    )]
    pub max_unzipped_mb: u64,
    /// Most non-empty cells read from one workbook.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 2_000_000,
        hide_default_value = true,
        value_parser = parse_limit::<usize>,
        help = "单个工作簿读取的非空单元格上限（默认：2000000）"
    )]
    pub max_cells: usize,
    /// Memory of the process reading one workbook, in MiB (larger needs are reported).
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = 256,
        hide_default_value = true,
        value_parser = parse_limit::<u64>,
        help = "读取单个工作簿的进程可用的内存上限，单位 MiB（默认：256）；需要更多的文件报告后跳过"
    )]
    pub max_memory_mb: u64,
    /// Seconds one workbook may take to read (a slower one is stopped and reported).
    #[arg(
        long,
        value_name = "S",
        default_value_t = 60,
        hide_default_value = true,
        help = "读取单个工作簿的时间上限，单位秒（默认：60）；更慢的文件停止读取并报告"
    )]
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
    #[arg(
        long,
        value_enum,
        default_value = "text",
        hide_default_value = true,
        hide_possible_values = true,
        help = "输出格式：text（文字，默认）、json 或 csv"
    )]
    pub format: Format,
    #[command(flatten)]
    help: HelpFlag,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Standing as of this date (default: end of the year, or today if earlier).
    #[arg(
        long = "as-of",
        value_name = "DATE",
        help = "统计截止日期，须在考核年度内，如 2019-06-30（默认：年底，或今天——取较早者）"
    )]
    pub as_of: Option<String>,
    /// Results workbook (default: {year}年度政务信息工作考核结果.xlsx).
    #[arg(
        short = 'o',
        long = "out",
        value_name = "FILE",
        help = "考核结果工作簿（默认：{年度}年度政务信息工作考核结果.xlsx）"
    )]
    pub out: Option<PathBuf>,
    /// Also write the ranking, item ledger and problems as CSV into DIR.
    #[arg(
        long,
        value_name = "DIR",
        help = "另将排名、信息明细和校验问题写成 CSV 文件，放入该文件夹"
    )]
    pub csv: Option<PathBuf>,
    /// Write one workbook per section listing its own problems into DIR.
    #[arg(
        long,
        value_name = "DIR",
        help = "为每个有问题的股室生成一个问题反馈表，放入该文件夹"
    )]
    pub feedback: Option<PathBuf>,
    /// Write the year-end notice draft (a .docx in official-document form) into DIR.
    #[arg(
        long,
        value_name = "DIR",
        help = "把年度考核结果的通报草稿（Word 文档，按公文格式排版）写入该文件夹"
    )]
    pub notice: Option<PathBuf>,
    /// Any validation error: exit 1 and write no results.
    #[arg(long, help = "有任何校验错误时不生成结果（退出状态 1）")]
    pub strict: bool,
    /// No progress bar.
    #[arg(short = 'q', long, help = "不显示读取进度")]
    pub quiet: bool,
    #[command(flatten)]
    help: HelpFlag,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Rules file to check and print (default: the embedded rules).
    #[arg(
        long,
        value_name = "F",
        help = "要检查并输出的规则文件（默认：内置规则）"
    )]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    help: HelpFlag,
}

/// `--year`: a year in digits, full-width ones too (`２０１９`), that zwxx can assess; the
/// message says what is wrong: not a whole number, not only digits, or out of range.
fn parse_year(s: &str) -> Result<i32, String> {
    let t: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' => '-',
            '．' => '.',
            c => c,
        })
        .collect();
    if t.is_empty() {
        return Err("年份为空，请写成如 --year 2019".to_string());
    }
    let digits = t.strip_prefix('-').unwrap_or(&t);
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        let y = t.parse::<i64>().ok();
        return y
            .and_then(|y| crate::assess::check_year(y).ok())
            .ok_or_else(|| crate::assess::year_out_of_range(&t));
    }
    if t.parse::<f64>().is_ok_and(f64::is_finite) {
        return Err("年份须是整数，请写成如 --year 2019".to_string());
    }
    Err("年份请只写数字，如 --year 2019".to_string())
}

/// A reading limit: a positive whole number.
fn parse_limit<T: std::str::FromStr + Default + PartialEq>(s: &str) -> Result<T, String> {
    s.trim()
        .parse::<T>()
        .ok()
        .filter(|n| *n != T::default())
        .ok_or_else(|| "请填写正整数".to_string())
}
