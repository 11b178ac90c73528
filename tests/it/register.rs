//! The officer's register: its slips never change the results silently, nor are they blamed
//! on a section (SPEC "The register is the officer's own file…"). Every test runs the real
//! binary on a small year whose register the test writes:
//! - each obvious variant (`已完成`, `抄袭`, `Y` …) gives results identical to the clean
//!   register's, with a W-REG-VALUE warning at its cell;
//! - each register error (`E-REG-…`) makes `score` exit 2 writing nothing, naming the code
//!   and cell first, and `validate` list it (exit 1) — with no E-TASK in any section's file.

use crate::common;
use common::*;
use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

const SECTIONS: [&str; 4] = ["办公室", "经济运行股", "中小企业股", "科技管理股"];

/// The clean register: one task done by the officer's word (T1), two failed (T2, T3: 中小企业股
/// loses its eligibility), one done by an adopted item (T4); two deductions; 科技管理股 does
/// not take part.
fn clean() -> Reg {
    let mut reg = Reg::with_sections(&SECTIONS);
    reg.roster[0].1 = "是".into();
    reg.roster[3].1 = "否".into();
    reg.task("T1", "经济运行股", "2019-04-30", "按时按质完成")
        .task("T2", "中小企业股", "2019-05-31", "未完成")
        .task("T3", "中小企业股", "2019-06-30", "未完成")
        .task("T4", "科技管理股", "2019-09-30", "")
        .deduction("办公室", "2019-03-01", "重要信息迟报", "1")
        .deduction("经济运行股", "2019-05-01", "明显抄袭", "")
}

/// The sections' files: 中小企业股 scores most, so its two failed tasks decide the award.
fn write_sections(dir: &Path) {
    let task_item = |title: &str, date: &str, task: &str, levels: &[usize]| {
        Row::new(title, date)
            .category("约稿信息")
            .task(task)
            .adopted(levels)
    };
    let mut rows = routine_rows("办公室", 8, 3);
    section_file(&dir.join("办公室.xlsx"), "办公室", 2019, 12, &rows);
    rows = routine_rows("经济运行股", 10, 4);
    rows[0] = rows[0].clone().adopted(&[0]);
    rows.push(task_item("一季度经济运行分析", "2019-04-20", "T1", &[1]));
    section_file(&dir.join("经济运行股.xlsx"), "经济运行股", 2019, 12, &rows);
    rows = routine_rows("中小企业股", 20, 5);
    for r in rows.iter_mut().take(6) {
        *r = r.clone().adopted(&[0, 1]);
    }
    rows.push(task_item("中小企业融资情况", "2019-05-20", "T2", &[]));
    rows.push(task_item("中小企业用工情况", "2019-06-20", "T3", &[]));
    section_file(&dir.join("中小企业股.xlsx"), "中小企业股", 2019, 12, &rows);
    rows = routine_rows("科技管理股", 5, 9);
    rows.push(task_item("研发投入调研", "2019-09-10", "T4", &[0]));
    section_file(&dir.join("科技管理股.xlsx"), "科技管理股", 2019, 12, &rows);
}

/// A run of `zwxx score` over the sections and `reg`, with CSV output.
struct Run {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    out: Output,
}

impl Run {
    fn csv(&self, name: &str) -> String {
        std::fs::read_to_string(self.root.join("csv").join(name)).unwrap()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
}

fn score(reg: &Reg) -> Run {
    score_renamed(reg, |name| Some(name.to_string()))
}

/// [`score`] with the register's sheets named by `rename` (`None`: the sheet left out).
fn score_renamed(reg: &Reg, rename: impl Fn(&str) -> Option<String>) -> Run {
    let (dir, input) = workdir();
    write_sections(&input);
    register_file_renamed(&input.join("考核登记表.xlsx"), reg, rename);
    run_score(dir)
}

/// `zwxx score in` with CSV output in `dir`.
fn run_score(dir: tempfile::TempDir) -> Run {
    let out = zwxx(
        dir.path(),
        &["score", "in", "-q", "-o", "out/结果.xlsx", "--csv", "csv"],
    );
    let root = dir.path().to_path_buf();
    Run {
        _dir: dir,
        root,
        out,
    }
}

/// The clean register's ranking and item ledger (CSV), computed once.
fn clean_results() -> &'static [String; 2] {
    static CSV: OnceLock<[String; 2]> = OnceLock::new();
    CSV.get_or_init(|| {
        let run = score(&clean());
        assert_eq!(run.out.status.code(), Some(0), "{}", run.stderr());
        ["考核排名.csv", "信息明细.csv"].map(|n| run.csv(n))
    })
}

/// The clean register itself: the year scores as designed, with no problem in the register.
#[test]
fn the_clean_register_scores_as_designed() {
    let run = score(&clean());
    assert_eq!(run.out.status.code(), Some(0), "{}", run.stderr());
    let ranking = run.csv("考核排名.csv");
    assert!(
        ranking.contains("取消评先资格：约稿任务 T2、T3"),
        "中小企业股 failed two tasks: {ranking}"
    );
    assert!(ranking.contains("不参与考核"), "科技管理股: {ranking}");
    assert!(!run.csv("校验问题.csv").contains("REG"));
}

/// Run `variant` (a change of the clean register) and check that the results are the clean
/// ones and that the change is reported as W-REG-VALUE at `cell`, saying how it was read.
fn read_as_meant(variant: impl Fn(&mut Reg), cell: &str, read_as: &str) {
    let mut reg = clean();
    variant(&mut reg);
    let run = score(&reg);
    assert_eq!(run.out.status.code(), Some(0), "{}", run.stderr());
    for (name, clean) in ["考核排名.csv", "信息明细.csv"].iter().zip(clean_results()) {
        assert_eq!(&run.csv(name), clean, "{name} differs");
    }
    let problems = run.csv("校验问题.csv");
    let line = problems
        .lines()
        .find(|l| l.contains("W-REG-VALUE"))
        .unwrap_or_else(|| panic!("no W-REG-VALUE: {problems}"));
    assert!(line.contains(&format!(",{cell},")), "{line}");
    assert!(line.contains(&format!("按“{read_as}”读取")), "{line}");
    assert!(!problems.contains("E-TASK") && !problems.contains("E-REG"));
}

fn set_status(reg: &mut Reg, id: &str, status: &str) {
    let t = reg.tasks.iter_mut().find(|t| t.id == id).unwrap();
    t.status = status.into();
}

macro_rules! variants {
    ($($name:ident: $change:expr, $cell:expr, $meant:expr;)*) => {$(
        #[test]
        fn $name() {
            read_as_meant($change, $cell, $meant);
        }
    )*};
}

variants! {
    status_yiwancheng: |r| set_status(r, "T1", "已完成"), "G2", "按时按质完成";
    status_wancheng: |r| set_status(r, "T1", "完成"), "G2", "按时按质完成";
    status_anshi_wancheng: |r| set_status(r, "T1", "按时完成"), "G2", "按时按质完成";
    status_tick: |r| set_status(r, "T1", "√"), "G2", "按时按质完成";
    status_shi: |r| set_status(r, "T1", "是"), "G2", "按时按质完成";
    status_meiyou_wancheng: |r| set_status(r, "T2", "没有完成"), "G3", "未完成";
    status_wei_anshi_wancheng: |r| set_status(r, "T2", "未按时完成"), "G3", "未完成";
    status_yuqi: |r| set_status(r, "T2", "逾期"), "G3", "未完成";
    status_cross: |r| set_status(r, "T2", "×"), "G3", "未完成";
    status_fou: |r| set_status(r, "T2", "否"), "G3", "未完成";
    deduction_chibao: |r| r.deductions[0].label = "迟报".into(), "C2", "重要信息迟报";
    deduction_chaoxi: |r| r.deductions[1].label = "抄袭".into(), "C3", "明显抄袭";
    deduction_spaced: |r| r.deductions[1].label = " 抄 袭 ".into(), "C3", "明显抄袭";
    participates_n: |r| r.roster[3].1 = "N".into(), "H6", "否";
    participates_cross: |r| r.roster[3].1 = "×".into(), "H6", "否";
    participates_zero: |r| r.roster[3].1 = "0".into(), "H6", "否";
    participates_false: |r| r.roster[3].1 = "FALSE".into(), "H6", "否";
    participates_y: |r| r.roster[0].1 = "Y".into(), "H3", "是";
    participates_tick: |r| r.roster[0].1 = "√".into(), "H3", "是";
    participates_true: |r| r.roster[0].1 = "true".into(), "H3", "是";
    participates_canjia: |r| r.roster[0].1 = "参加".into(), "H3", "是";
    participates_bu_canjia: |r| r.roster[3].1 = "不参加".into(), "H6", "否";
}

/// Run `change` and check that `score` refuses it — exit 2, the register's problems (the
/// code at the cell first among them) on stderr, nothing written, not even the output folder
/// it made — and that `validate` lists the same (exit 1) with no E-TASK in a section's file.
fn refused(change: impl Fn(&mut Reg), code: &str, cell: &str) {
    let mut reg = clean();
    change(&mut reg);
    refused_run(&score(&reg), code, cell);
}

/// What [`refused`] checks, of a run made: also that the register's problem is the only one
/// printed (a slip in one value does not cascade into others) and that no section file is
/// blamed (E-TASK, E-FILE-SECTION) for it.
fn refused_run(run: &Run, code: &str, cell: &str) {
    refused_with(run, code, cell, 1);
}

/// [`refused_run`], with `errors` register errors printed.
fn refused_with(run: &Run, code: &str, cell: &str, errors: usize) {
    let err = run.stderr();
    assert_eq!(run.out.status.code(), Some(2), "{err}");
    assert!(run.out.stdout.is_empty(), "no ranking is printed");
    assert!(err.contains("考核登记表有"), "{err}");
    let place = if cell.is_empty() {
        format!(" [{code}]")
    } else {
        format!("!{cell} [{code}]")
    };
    assert!(err.contains(&place), "{code} at {cell}: {err}");
    assert_eq!(err.matches("[E-REG-").count(), errors, "{err}");
    assert!(
        !run.root.join("out").exists(),
        "nothing written, folder removed"
    );
    assert!(
        !run.root.join("csv").exists(),
        "nothing written, folder removed"
    );

    let out = zwxx(&run.root, &["validate", "in", "--format", "csv"]);
    let listed = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{listed}");
    assert!(listed.contains(code), "{listed}");
    assert!(!listed.contains("E-TASK"), "a section blamed: {listed}");
    assert!(
        !listed.contains("E-FILE-SECTION"),
        "a section's files refused: {listed}"
    );
}

macro_rules! errors {
    ($($name:ident: $change:expr, $code:expr, $cell:expr;)*) => {$(
        #[test]
        fn $name() {
            refused($change, $code, $cell);
        }
    )*};
}

errors! {
    e_reg_sheet_empty_roster: |r| r.roster.clear(), "E-REG-SHEET", "";
    e_reg_required_deadline: |r| r.tasks[0].deadline = String::new(), "E-REG-REQUIRED", "F2";
    e_reg_required_deduction: |r| r.deductions[0].label = String::new(), "E-REG-REQUIRED", "C2";
    e_reg_section_unknown: |r| r.tasks[0].section = "经济股".into(), "E-REG-SECTION", "B2";
    e_reg_section_repeated: |r| r.roster.push(r.roster[1].clone()), "E-REG-SECTION", "A7";
    e_reg_dup_task: |r| r.tasks.push(r.tasks[1].clone()), "E-REG-DUP-TASK", "A6";
    e_reg_date_unreadable: |r| r.tasks[0].deadline = "四月底".into(), "E-REG-DATE", "F2";
    e_reg_date_impossible: |r| r.tasks[0].deadline = "2019-02-30".into(), "E-REG-DATE", "F2";
    e_reg_date_before_issued: |r| r.tasks[0].issued = "2019-05-01".into(), "E-REG-DATE", "F2";
    e_reg_date_deduction: |r| r.deductions[1].date = "五月".into(), "E-REG-DATE", "B3";
    e_reg_value_status: |r| set_status(r, "T1", "进行中"), "E-REG-VALUE", "G2";
    e_reg_value_deduction: |r| r.deductions[0].label = "重要信息".into(), "E-REG-VALUE", "C2";
    e_reg_value_participates: |r| r.roster[3].1 = "也许".into(), "E-REG-VALUE", "H6";
    e_reg_count_zero: |r| r.deductions[0].count = "0".into(), "E-REG-COUNT", "D2";
    e_reg_count_fraction: |r| r.deductions[0].count = "1.5".into(), "E-REG-COUNT", "D2";
    e_reg_count_words: |r| r.deductions[0].count = "两次".into(), "E-REG-COUNT", "D2";
    e_reg_target_negative: |r| r.roster[1].2 = "-30".into(), "E-REG-TARGET", "F4";
    e_reg_target_words: |r| r.roster[1].3 = "一百".into(), "E-REG-TARGET", "G4";
    // Regressions: a roster row with one bad value dropped its section from the roster (a
    // false E-REG-SECTION on its task, E-FILE-SECTION on its files); a row whose 股室 was
    // cleared was skipped without a word; a task row without id made E-TASKs of its items.
    e_reg_target_negative_keeps_the_section: |r| r.roster[2].2 = "-5".into(), "E-REG-TARGET", "F5";
    e_reg_value_participates_keeps_the_section: |r| r.roster[2].1 = "也许".into(), "E-REG-VALUE", "H5";
    e_reg_required_task_id: |r| r.tasks[1].id = String::new(), "E-REG-REQUIRED", "A3";
}

/// The E-REG-SHEET of a sheet without a column it cannot be read without: the whole
/// 约稿任务 sheet would be left out unseen.
#[test]
fn e_reg_sheet_missing_column() {
    let (dir, input) = workdir();
    write_sections(&input);
    cells_file(
        &input.join("考核登记表.xlsx"),
        &[
            (
                "股室名单",
                SECTIONS
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (1 + i as u32, 0, *s))
                    .chain([(0, 0, "股室")])
                    .collect(),
            ),
            (
                "约稿任务",
                vec![(0, 0, "任务编号"), (0, 1, "股室"), (0, 2, "截至日期")],
            ),
        ],
    );
    let out = zwxx(dir.path(), &["score", "in", "-q"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("[E-REG-SHEET]") && err.contains("截止日期"),
        "{err}"
    );
    assert!(common::file_names(dir.path()) == ["in"], "nothing written");
    // Regression: the sections' items naming T1…T4 became E-TASK errors, the officer's
    // renamed column blamed on them. Their ids cannot be judged while the sheet is unread.
    let out = zwxx(dir.path(), &["validate", "in", "--format", "csv"]);
    let listed = stdout(&out);
    assert!(listed.contains("E-REG-SHEET"), "{listed}");
    assert!(!listed.contains("E-TASK"), "a section blamed: {listed}");
}

/// An unknown id in a section's file is the section's E-TASK, with the closest
/// registered id suggested; a registered id is never one, even on a register row with an error.
#[test]
fn e_task_suggests_the_closest_registered_id() {
    let (dir, input) = workdir();
    let rows = [Row::new("约稿", "2019-04-20")
        .category("约稿信息")
        .task("T-1")
        .adopted(&[0])];
    section_file(&input.join("a.xlsx"), "经济运行股", 2019, 12, &rows);
    let mut reg = clean();
    set_status(&mut reg, "T2", "进行中");
    register_file(&input.join("考核登记表.xlsx"), &reg);
    let out = zwxx(dir.path(), &["validate", "in"]);
    let text = stdout(&out);
    let line = text.lines().find(|l| l.contains("[E-TASK]")).unwrap();
    assert!(line.contains("是否为“T1”？"), "{line}");
    assert_eq!(text.matches("[E-TASK]").count(), 1, "{text}");
}

/// Regression: a roster row whose 股室 was cleared (its targets and contact data kept) was
/// skipped without a word, its section's files then refused as E-FILE-SECTION. It is an
/// E-REG-REQUIRED; the register rows naming the lost section say it may be that row's.
#[test]
fn e_reg_required_roster_section() {
    let mut reg = clean();
    reg.roster[2].0 = String::new();
    let run = score(&reg);
    refused_with(&run, "E-REG-REQUIRED", "A5", 3);
    let err = run.stderr();
    assert_eq!(
        err.matches("股室名单中有一行的股室为空").count(),
        2,
        "{err}"
    );
}

/// The clean register with its sheets renamed by `rename`: results identical to the clean
/// register's, and a W-REG-SHEET on the renamed sheet saying how it was read.
fn read_by_header(from: &str, to: &str) {
    let run = score_renamed(&clean(), |n| {
        Some(if n == from { to } else { n }.to_string())
    });
    assert_eq!(run.out.status.code(), Some(0), "{}", run.stderr());
    for (name, clean) in ["考核排名.csv", "信息明细.csv"].iter().zip(clean_results()) {
        assert_eq!(&run.csv(name), clean, "{from} → {to}: {name} differs");
    }
    let problems = run.csv("校验问题.csv");
    let line = problems
        .lines()
        .find(|l| l.contains("W-REG-SHEET"))
        .unwrap_or_else(|| panic!("no W-REG-SHEET: {problems}"));
    assert!(
        line.contains(&format!(",{to},")) && line.contains(&format!("已按“{from}”读取")),
        "{line}"
    );
}

/// Regression: a renamed register sheet dropped all its rows without a word (约稿任务 renamed:
/// every task gone, the sections' items E-TASK; 扣分记录 renamed: every deduction gone).
#[test]
fn a_renamed_sheet_is_read_by_its_header() {
    read_by_header("约稿任务", "约稿任务表");
    read_by_header("扣分记录", "扣分记录(2019)");
    read_by_header("股室名单", "股室名单2019");
    read_by_header("领导名单", "领导");
}

/// Regression: a register without its 约稿任务 or 扣分记录 sheet lost every task or deduction
/// without a word. A sheet the register should have is an E-REG-SHEET when missing; a
/// missing 领导名单 (only warnings depend on it) is a warning; an empty sheet with its header
/// is a year without tasks or deductions.
#[test]
fn a_missing_sheet_is_a_register_error() {
    for gone in ["约稿任务", "扣分记录", "股室名单"] {
        let run = score_renamed(&clean(), |n| (n != gone).then(|| n.to_string()));
        refused_run(&run, "E-REG-SHEET", "");
        assert!(
            run.stderr().contains(&format!("没有“{gone}”工作表")),
            "{}",
            run.stderr()
        );
    }
    let run = score_renamed(&clean(), |n| (n != "领导名单").then(|| n.to_string()));
    assert_eq!(run.out.status.code(), Some(0), "{}", run.stderr());
    assert!(run.csv("校验问题.csv").contains("W-REGISTER"));

    let mut reg = clean();
    reg.tasks.clear();
    reg.deductions.clear();
    let run = score(&reg);
    assert_eq!(run.out.status.code(), Some(1), "{}", run.stderr());
    assert!(
        !run.csv("校验问题.csv").contains("REG"),
        "an empty sheet is fine"
    );
}

/// Two renamed sheets that both look like 扣分记录 (last year's kept beside this year's): which
/// one is meant cannot be told.
#[test]
fn two_candidate_sheets_are_a_register_error() {
    let (dir, input) = workdir();
    write_sections(&input);
    let path = input.join("考核登记表.xlsx");
    register_file_renamed(&path, &clean(), |n| {
        Some(if n == "扣分记录" { "扣分2019" } else { n }.to_string())
    });
    let mut old = clean();
    old.deductions.truncate(1);
    // The same register once more, its 扣分记录 named 扣分2018, merged into one workbook.
    let other = input.join("old.xlsx");
    register_file_renamed(&other, &old, |n| {
        (n == "扣分记录").then(|| "扣分2018".to_string())
    });
    merge_sheets(&path, &other);
    std::fs::remove_file(&other).unwrap();
    let run = run_score(dir);
    refused_run(&run, "E-REG-SHEET", "");
    let err = run.stderr();
    assert!(
        err.contains("“扣分2019”") && err.contains("“扣分2018”"),
        "{err}"
    );
}

/// Copy the sheets of workbook `from` into workbook `into` (text cells only), with
/// rust_xlsxwriter writing `into` again.
fn merge_sheets(into: &std::path::Path, from: &std::path::Path) {
    use calamine::{Reader, open_workbook_auto};
    let mut wb = rust_xlsxwriter::Workbook::new();
    for path in [into, from] {
        let mut src = open_workbook_auto(path).unwrap();
        for name in src.sheet_names() {
            let range = src.worksheet_range(&name).unwrap();
            let ws = wb.add_worksheet().set_name(&name).unwrap();
            for (r, c, v) in range.cells() {
                let (r0, c0) = range.start().unwrap();
                ws.write(r as u32 + r0, (c as u32 + c0) as u16, v.to_string())
                    .unwrap();
            }
        }
    }
    wb.save(into).unwrap();
}

/// Regression: with a copy of the register (`考核登记表 - 副本.xlsx`, sorting first) beside the
/// real one, the copy was used and the real one got a file error; results were written with
/// shifted scores. Two registers of different content stop `score` naming both; a
/// byte-identical copy is read once; `--register` chooses.
#[test]
fn two_registers_stop_the_run() {
    let (dir, input) = workdir();
    write_sections(&input);
    register_file(&input.join("考核登记表.xlsx"), &clean());
    let mut copy = clean();
    copy.deductions[0].count = "3".into();
    register_file(&input.join("考核登记表 - 副本.xlsx"), &copy);
    let root = dir.path().to_path_buf();
    let run = run_score(dir);
    refused_run(&run, "E-REG-FILES", "");
    let err = run.stderr();
    assert!(
        err.contains("考核登记表 - 副本.xlsx 和 in/考核登记表.xlsx") && err.contains("--register"),
        "{err}"
    );

    // --register chooses: the other is unused (E-FILE-REGISTER), the results are the clean ones.
    let out = zwxx(
        &root,
        &[
            "score",
            "in",
            "-q",
            "--register",
            "in/考核登记表.xlsx",
            "--csv",
            "csv",
            "-o",
            "r.xlsx",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ranking = std::fs::read_to_string(root.join("csv/考核排名.csv")).unwrap();
    assert_eq!(&ranking, &clean_results()[0]);

    // A byte-identical copy is the same register, read once.
    std::fs::copy(
        input.join("考核登记表.xlsx"),
        input.join("考核登记表 - 副本.xlsx"),
    )
    .unwrap();
    let out = zwxx(
        &root,
        &["score", "in", "-q", "--csv", "csv", "-o", "r.xlsx"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ranking = std::fs::read_to_string(root.join("csv/考核排名.csv")).unwrap();
    assert_eq!(&ranking, &clean_results()[0]);
}

/// Regression: a task without 下达日期 whose deadline is in the next year was dropped with
/// W-REG-YEAR (its year taken from the deadline). It is taken as issued this year — pending at
/// the year's end, or +15 at once when completed — with W-REG-VALUE saying so; a deadline two
/// years on is still another year's.
#[test]
fn a_task_without_issue_date_due_next_year_is_this_years() {
    let mut reg = clean();
    reg.tasks[0].deadline = "2020-01-15".into();
    let run = score(&reg);
    assert_eq!(run.out.status.code(), Some(0), "{}", run.stderr());
    assert_eq!(
        &run.csv("考核排名.csv"),
        &clean_results()[0],
        "T1 done: +15 as before"
    );
    let problems = run.csv("校验问题.csv");
    let line = problems
        .lines()
        .find(|l| l.contains("W-REG-VALUE"))
        .unwrap_or_else(|| panic!("{problems}"));
    assert!(
        line.contains(",E2,") && line.contains("按 2019 年度下达的任务计"),
        "{line}"
    );

    reg.tasks[0].deadline = "2021-01-15".into();
    let run = score(&reg);
    assert!(run.csv("校验问题.csv").contains("W-REG-YEAR"));
    assert_ne!(&run.csv("考核排名.csv"), &clean_results()[0]);
}

/// The optional 采用记录 (issue 20) is found like the other sheets: renamed, it is read by its
/// header with W-REG-SHEET (the record still decides the 普刊 adoptions); absent, nothing is
/// wrong (the sections' workbooks decide).
#[test]
fn a_renamed_adoption_record_is_read_by_its_header() {
    // 办公室's first routine item, printed in 普刊 though not declared: +5 by the record.
    let reg = clean().adopted(RecordRow::new(0, "2019年第3期", "办公室工作动态第0条"));
    let named = score(&reg);
    assert_eq!(named.out.status.code(), Some(0), "{}", named.stderr());
    assert_ne!(
        &named.csv("考核排名.csv"),
        &clean_results()[0],
        "the record counts"
    );
    let renamed = score_renamed(&reg, |n| {
        Some(
            if n == "采用记录" {
                "采用记录2019"
            } else {
                n
            }
            .to_string(),
        )
    });
    assert_eq!(renamed.out.status.code(), Some(0), "{}", renamed.stderr());
    for name in ["考核排名.csv", "信息明细.csv"] {
        assert_eq!(renamed.csv(name), named.csv(name), "{name}");
    }
    let problems = renamed.csv("校验问题.csv");
    assert!(
        problems
            .lines()
            .any(|l| l.contains("W-REG-SHEET") && l.contains("已按“采用记录”读取")),
        "{problems}"
    );
    assert!(!named.csv("校验问题.csv").contains("W-REG-SHEET"));
    assert!(!clean_results()[0].is_empty() && !named.csv("校验问题.csv").contains("E-REG"));
}
