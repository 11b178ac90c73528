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
    let (dir, input) = workdir();
    write_sections(&input);
    register_file(&input.join("考核登记表.xlsx"), reg);
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
}

/// Run `change` and check that `score` refuses it — exit 2, the register's problems (the
/// code at the cell first among them) on stderr, nothing written, not even the output folder
/// it made — and that `validate` lists the same (exit 1) with no E-TASK in a section's file.
fn refused(change: impl Fn(&mut Reg), code: &str, cell: &str) {
    let mut reg = clean();
    change(&mut reg);
    let run = score(&reg);
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
}

/// An unknown task id in a section's file is the section's E-TASK, with the closest
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
