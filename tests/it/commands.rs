//! The Commands paragraph of SPEC, through the binary: dates and years that cannot be
//! assessed are refused (exit 2, nothing written, the years found named); every output path
//! is checked before any input is read; help and argument errors are Chinese.

use crate::common;
use common::*;

use std::path::Path;
use std::time::{Duration, Instant};

/// A small 2019 folder: two sections' files and a register.
fn year_2019(input: &Path) {
    register_file(
        &input.join("考核登记表.xlsx"),
        &Reg::with_sections(&["办公室", "经济运行股"]),
    );
    section_file(
        &input.join("办公室.xlsx"),
        "办公室",
        2019,
        3,
        &routine_rows("办公室", 4, 3),
    );
    section_file(
        &input.join("经济运行股.xlsx"),
        "经济运行股",
        2019,
        3,
        &routine_rows("经济运行股", 4, 3),
    );
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Refused with exit 2 and nothing on stdout nor in the working folder; the message says `want`.
fn assert_refused(dir: &Path, args: &[&str], want: &[&str]) {
    let before = file_names(dir);
    let out = zwxx(dir, args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
    for w in want {
        assert!(err.contains(w), "{args:?} should say {w}: {err}");
    }
    assert_eq!(file_names(dir), before, "{args:?}: nothing written");
}

#[test]
fn an_as_of_outside_the_year_is_refused_naming_the_years_found() {
    let (d, input) = workdir();
    year_2019(&input);
    for as_of in ["2018-06-30", "2020-01-01", "2000-12-31"] {
        assert_refused(
            d.path(),
            &["score", "in", "--as-of", as_of],
            &["不在考核年度 2019 内", "2019 年（2 个文件）"],
        );
    }
    // The first and last days of the year are fine.
    for as_of in ["2019-01-01", "2019-12-31"] {
        let out = zwxx(d.path(), &["score", "in", "--as-of", as_of, "-o", "x.xlsx"]);
        assert_eq!(out.status.code(), Some(0), "{as_of}: {}", stderr(&out));
        std::fs::remove_file(d.path().join("x.xlsx")).unwrap();
    }
}

#[test]
fn a_year_no_workbook_holds_is_refused_naming_the_years_found() {
    let (d, input) = workdir();
    year_2019(&input);
    section_file(&input.join("旧.xlsx"), "办公室", 2018, 12, &[]);
    for year in ["2020", "2100"] {
        assert_refused(
            d.path(),
            &["score", "in", "--year", year],
            &[
                &format!("没有报送年份为 {year} 的报送表"),
                "2019 年（2 个文件）、2018 年（1 个文件）",
            ],
        );
        assert_refused(
            d.path(),
            &["validate", "in", "--year", year],
            &["2019 年（2 个文件）"],
        );
    }
    // A year zwxx cannot assess at all is refused as such, before anything is read.
    for year in ["1899", "0", "10000"] {
        for cmd in ["score", "validate"] {
            assert_refused(
                d.path(),
                &[cmd, "in", "--year", year],
                &[&format!("年份 {year} 超出范围"), "1900 至 9999"],
            );
        }
    }
    // A year some workbook holds is assessed, even a minority's.
    let out = zwxx(d.path(), &["validate", "in", "--year", "2018"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// A folder of 100 workbooks and `-o` naming one of them: refused before reading — at once,
/// with nothing printed on stdout (the whole ranking used to print first) and the file intact.
#[test]
fn an_output_that_is_an_input_is_refused_before_reading() {
    let (d, input) = workdir();
    let rows = routine_rows("办公室", 200, 3);
    section_file(&input.join("f-000.xlsx"), "办公室", 2019, 3, &rows);
    for i in 1..100 {
        std::fs::copy(
            input.join("f-000.xlsx"),
            input.join(format!("f-{i:03}.xlsx")),
        )
        .unwrap();
    }
    let victim = input.join("f-057.xlsx");
    let before = std::fs::read(&victim).unwrap();
    for args in [
        &["score", "in", "-o", "in/f-057.xlsx"][..],
        &["score", "in", "--csv", "in/f-057.xlsx"][..],
        &[
            "score",
            "in",
            "--year",
            "2019",
            "--feedback",
            "in/f-057.xlsx",
        ][..],
    ] {
        let start = Instant::now();
        let out = zwxx(d.path(), args);
        let took = start.elapsed();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        assert!(stderr(&out).contains("f-057.xlsx"), "{}", stderr(&out));
        assert!(took < Duration::from_millis(500), "{args:?} took {took:?}");
    }
    assert_eq!(std::fs::read(&victim).unwrap(), before);
    // Reading the folder is what takes the time: a full run is slower than the refusal.
    let start = Instant::now();
    let out = zwxx(d.path(), &["score", "in", "-q", "-o", "ok.xlsx"]);
    eprintln!("a full run over the 100 files: {:?}", start.elapsed());
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Missing folders are made for -o, --csv and --feedback alike (and template -o).
#[test]
fn missing_output_folders_are_made() {
    let (d, input) = workdir();
    year_2019(&input);
    let out = zwxx(
        d.path(),
        &[
            "score",
            "in",
            "-o",
            "新/结果/2019.xlsx",
            "--csv",
            "新/csv",
            "--feedback",
            "新/反馈/各股室",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(d.path().join("新/结果/2019.xlsx").is_file());
    assert!(d.path().join("新/csv/考核排名.csv").is_file());
    assert!(d.path().join("新/反馈/各股室").is_dir());
    let out = zwxx(d.path(), &["template", "--year", "2019", "-o", "模板/2019"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(d.path().join("模板/2019/考核登记表.xlsx").is_file());
    // A refused run leaves no folder behind.
    assert_refused(
        d.path(),
        &["score", "in", "--as-of", "2020-01-01", "-o", "空/结果.xlsx"],
        &["不在考核年度"],
    );
}

/// `zwxx --help` is Chinese and lists the exit statuses; so is every command's help.
#[test]
fn help_is_chinese_with_the_exit_codes() {
    let d = tempfile::tempdir().unwrap();
    let out = zwxx(d.path(), &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for want in [
        "用法：",
        "命令：",
        "选项：",
        "退出状态：",
        "显示帮助",
        "  2  运行失败",
    ] {
        assert!(help.contains(want), "{want}: {help}");
    }
    for cmd in ["template", "validate", "score", "rules"] {
        let out = zwxx(d.path(), &[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        let help = stdout(&out);
        assert!(
            help.contains("用法：zwxx ") && help.contains("显示帮助"),
            "{help}"
        );
        // Every option of the command is in its usage line (--notice and -q were left out).
        let usage = help.lines().find(|l| l.starts_with("用法：")).unwrap();
        for line in help.lines().filter(|l| l.trim_start().starts_with('-')) {
            let flag = line
                .split_whitespace()
                .next()
                .unwrap()
                .trim_end_matches(',');
            let long = line
                .split_whitespace()
                .find(|w| w.starts_with("--"))
                .unwrap_or(flag);
            if ["-h", "--help"].contains(&flag) || long.starts_with("--max-") {
                continue;
            }
            assert!(
                usage.contains(flag) || usage.contains(long),
                "{cmd}: {flag} {long} not in {usage}"
            );
        }
        for english in [
            "Usage",
            "Options",
            "Print help",
            "default:",
            "possible values",
            "[OPTIONS]",
        ] {
            assert!(!help.contains(english), "{cmd} --help: {english} in {help}");
        }
    }
}

/// clap's own argument errors come out Chinese, exit 2, with the command's usage line.
#[test]
fn argument_errors_are_chinese() {
    let d = tempfile::tempdir().unwrap();
    for (args, want) in [
        (
            &["score", "x", "--year", "abc"][..],
            "参数 --year 的值“abc”无效",
        ),
        (
            &["score", "x", "--year", "2019年"][..],
            "参数 --year 的值“2019年”无效",
        ),
        (
            &["score", "x", "--unknown"][..],
            "无法识别的参数“--unknown”",
        ),
        (
            &["validate", "x", "--yaer", "2019"][..],
            "（是否为 --year？）",
        ),
        (&["score"][..], "缺少必需的参数"),
        (&["score", "x", "--as-of"][..], "参数 --as-of 后面缺少值"),
        (
            &["validate", "x", "--format", "xml"][..],
            "可选：text、json、csv",
        ),
        (&["scoer", "x"][..], "没有“scoer”这个命令（是否为 score？）"),
    ] {
        let out = zwxx(d.path(), args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(err.contains("用法：zwxx"), "{args:?}: {err}");
        for english in [
            "error:",
            "Usage",
            "For more information",
            "invalid",
            "unexpected",
        ] {
            assert!(!err.contains(english), "{args:?}: {english} in {err}");
        }
    }
    // Regressions: each message says what is actually wrong with what was typed.
    for (args, want, not) in [
        (
            &["score", "x", "--year", "99999999999"][..],
            "年份 99999999999 超出范围",
            "只写数字",
        ),
        (
            &["score", "x", "--year", "2019.0"][..],
            "年份须是整数",
            "只写数字",
        ),
        (
            &["template", "--year", "1800"][..],
            "年份 1800 超出范围",
            "四位数",
        ),
        (
            &["score", "x", "-o"][..],
            "参数 -o/--out 后面缺少值",
            "参数 --out",
        ),
        (
            &["score", "x", "--year", "2019", "--year", "2020"][..],
            "参数 --year 给出了两次，请只写一次",
            "同时使用",
        ),
    ] {
        let out = zwxx(d.path(), args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(err.contains(want) && !err.contains(not), "{args:?}: {err}");
    }
    // Full-width digits are digits: the year is taken (here refused only for want of files).
    let out = zwxx(d.path(), &["score", "x", "--year", "２０１９"]);
    assert!(
        stderr(&out).contains("找不到输入路径 x"),
        "{}",
        stderr(&out)
    );
    // The usage line names every option of score.
    let out = zwxx(d.path(), &["score", "x", "--bogus"]);
    assert!(
        stderr(&out).contains("[--notice DIR] [--strict] [-q]"),
        "{}",
        stderr(&out)
    );
    // A bad --as-of value, checked by zwxx itself, is Chinese too.
    let out = zwxx(d.path(), &["score", "x", "--as-of", "明天"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("不是有效日期"), "{}", stderr(&out));
}

/// Regression: a syntax error in the rules file showed toml's English inside the Chinese
/// message. It says in Chinese where (line and column, with the line's text) and what.
#[test]
fn a_rules_syntax_error_is_told_in_chinese_with_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    for (text, want) in [
        (
            "[bureau\nname = \"x\"\n",
            "第 1 行第 8 列（“[bureau”）：表名缺少右方括号",
        ),
        (
            "[bureau]\nname = 某局\n",
            "第 2 行第 8 列（“name = 某局”）：文字须加双引号",
        ),
        (
            "[bureau]\nname = \"某局\n",
            "第 2 行第 11 列（“name = \"某局”）：文字缺少结尾的双引号",
        ),
        (
            "[base]\ncap = [60,\n",
            "第 2 行第 11 列（“cap = [60,”）：列表缺少右方括号",
        ),
        (
            "[bureau]\nname \"x\"\n",
            "第 2 行第 6 列（“name \"x\"”）：键后面缺少“=”和值",
        ),
        (
            "[bureau]\n名称 = \"x\"\n",
            "第 2 行第 1 列（“名称 = \"x\"”）：键名只能由字母",
        ),
    ] {
        std::fs::write(d.path().join("rules.toml"), text).unwrap();
        let out = zwxx(d.path(), &["rules", "--rules", "rules.toml"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{text:?}");
        assert!(err.contains(want), "{text:?}: {err}");
        assert!(
            ![
                "expected", "unclosed", "invalid", "string", "key", "value", "quoted", "array"
            ]
            .iter()
            .any(|w| err.contains(w)),
            "English words in {err}"
        );
    }
}
