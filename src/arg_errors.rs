//! clap's argument errors, told in Chinese: the kind of error and its context (the argument,
//! the value, the suggestion) come from clap's public error API; the words are ours. Help and
//! version requests are printed as clap renders them (the help texts are Chinese already, see
//! [`crate::cli`]).

use clap::error::{ContextKind, ContextValue, Error, ErrorKind};

use crate::cli;

/// Exit status of an argument error (SPEC: 2, the run itself failed).
pub const EXIT_USAGE: i32 = 2;

/// Print what a failed parse calls for — the help, the version, or a Chinese error message
/// with the usage line — and return the exit status.
pub fn report(e: &Error, args: &[String]) -> i32 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            0
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            EXIT_USAGE
        }
        _ => {
            let command = command_of(args);
            eprintln!("zwxx: {}", message(e, command));
            eprintln!("用法：{}", usage(command));
            let more = command.map_or("zwxx --help".to_string(), |c| format!("zwxx {c} --help"));
            eprintln!("查看说明：{more}");
            EXIT_USAGE
        }
    }
}

/// The subcommand named on the command line, if any.
fn command_of(args: &[String]) -> Option<&str> {
    args.iter()
        .skip(1)
        .map(String::as_str)
        .find(|a| ["template", "validate", "score", "rules"].contains(a))
}

/// The usage line of a command (of zwxx itself when none was named).
fn usage(command: Option<&str>) -> &'static str {
    match command {
        Some("template") => cli::USAGE_TEMPLATE,
        Some("validate") => cli::USAGE_VALIDATE,
        Some("score") => cli::USAGE_SCORE,
        Some("rules") => cli::USAGE_RULES,
        _ => cli::USAGE_MAIN,
    }
}

/// A context value as text (several joined with `、`).
fn context(e: &Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The argument an error is about, as the user writes it (`--year`, `PATH`).
fn argument(e: &Error) -> String {
    let raw = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let first = raw.split_whitespace().next().unwrap_or_default();
    first
        .trim_start_matches('<')
        .trim_end_matches("...")
        .trim_end_matches('>')
        .to_string()
}

/// `(是否为 --format?)` from clap's suggestion, or nothing.
fn suggestion(e: &Error) -> String {
    let s = context(e, ContextKind::SuggestedArg)
        .or_else(|| context(e, ContextKind::SuggestedSubcommand))
        .or_else(|| context(e, ContextKind::SuggestedValue));
    s.map(|s| format!("（是否为 {s}？）")).unwrap_or_default()
}

/// An option as the help shows it, both forms when it has two (`-o/--out`), as found among
/// the options of `command` (of zwxx itself when none was named).
fn both_forms(arg: &str, command: Option<&str>) -> String {
    use clap::CommandFactory;
    let Some(long) = arg.strip_prefix("--") else {
        return arg.to_string();
    };
    let root = crate::cli::Cli::command();
    let cmd = command
        .and_then(|c| root.find_subcommand(c))
        .unwrap_or(&root);
    cmd.get_arguments()
        .find(|a| a.get_long() == Some(long))
        .and_then(|a| a.get_short())
        .map_or(arg.to_string(), |short| format!("-{short}/{arg}"))
}

/// The Chinese message for an argument error in `command`.
fn message(e: &Error, command: Option<&str>) -> String {
    let arg = both_forms(&argument(e), command);
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let hint = suggestion(e);
    match e.kind() {
        ErrorKind::UnknownArgument => {
            let raw = context(e, ContextKind::InvalidArg).unwrap_or_default();
            format!("无法识别的参数“{raw}”{hint}")
        }
        ErrorKind::InvalidSubcommand => {
            let raw = context(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("没有“{raw}”这个命令{hint}。可用的命令：template、validate、score、rules")
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("参数 {arg} 后面缺少值"),
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue).unwrap_or_default();
            format!("参数 {arg} 的值“{value}”无效{hint}，可选：{valid}")
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("参数 {arg} 的值“{value}”无效：{why}")
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = context(e, ContextKind::InvalidArg).unwrap_or_default();
            format!("缺少必需的参数 {missing}（要读取的文件或文件夹）")
        }
        ErrorKind::MissingSubcommand => "缺少命令：template、validate、score 或 rules".to_string(),
        ErrorKind::ArgumentConflict => {
            let other = context(e, ContextKind::PriorArg).unwrap_or_default();
            let other_name = other.split_whitespace().next().unwrap_or_default();
            if both_forms(other_name, command) == arg {
                format!("参数 {arg} 给出了两次，请只写一次")
            } else {
                format!("参数 {arg} 不能与 {other} 同时使用")
            }
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {arg} 的值的个数不对：“{value}”")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 的值须用等号给出，如 {arg}=值"),
        _ => "命令行参数有误".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn error_of(args: &[&str]) -> Error {
        crate::cli::Cli::try_parse_from(args).expect_err("an argument error")
    }

    /// Every message is Chinese and names what was typed; none is clap's English.
    #[test]
    fn argument_errors_are_chinese() {
        for (args, wanted) in [
            (&["zwxx", "score", "x", "--year", "abc"][..], "“abc”"),
            (&["zwxx", "score", "x", "--year", "2019年"][..], "只写数字"),
            (&["zwxx", "score", "x", "--bogus"][..], "--bogus"),
            (&["zwxx", "score"][..], "缺少必需的参数"),
            (&["zwxx", "scroe", "x"][..], "没有“scroe”这个命令"),
            (
                &["zwxx", "validate", "x", "--format", "xml"][..],
                "text、json、csv",
            ),
            (&["zwxx", "score", "x", "--year"][..], "缺少值"),
            (&["zwxx", "score", "x", "--max-cells", "0"][..], "正整数"),
        ] {
            let m = message(
                &error_of(args),
                command_of(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>()),
            );
            assert!(m.contains(wanted), "{args:?}: {m}");
            assert!(
                !m.contains("error") && !m.contains("invalid") && !m.contains("argument"),
                "{args:?}: {m}"
            );
        }
    }
}
