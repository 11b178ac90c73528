//! Scoring on real workbooks: the SPEC's worked example and the cases of issue #4.

use crate::common;
use common::*;
use zwxx::rules::Rules;

/// Section A of the SPEC: 32 routine items; 3 adopted in 普刊, 1 in 专刊 (the one answering
/// task A1), 1 in both 普刊 and 省政府办公厅; one 漏报 deduction. Section B: 10 items, none
/// adopted, two failed tasks.
fn worked_example(input: &std::path::Path) {
    let mut a = routine_rows("甲", 27, 3);
    a.push(Row::new("园区企业复工复产情况", "2019-04-02").adopted(&[0]));
    a.push(Row::new("中小企业融资对接会召开", "2019-04-03").adopted(&[0]));
    a.push(Row::new("工业用电保障工作推进", "2019-04-04").adopted(&[0]));
    a.push(
        Row::new("科技项目申报调研报告", "2019-04-05")
            .category("约稿信息")
            .task("A1")
            .adopted(&[1]),
    );
    a.push(Row::new("煤炭安全生产检查", "2019-04-06").adopted(&[0, 2]));
    assert_eq!(a.len(), 32);
    section_file(&input.join("A.xlsx"), "办公室", 2019, 4, &a);
    section_file(
        &input.join("B.xlsx"),
        "经济运行股",
        2019,
        4,
        &routine_rows("乙", 10, 2),
    );
    let reg = Reg::with_sections(&["办公室", "经济运行股"])
        .task("A1", "办公室", "2019-05-01", "")
        .task("B1", "经济运行股", "2019-03-01", "")
        .task("B2", "经济运行股", "2019-06-30", "未完成")
        .deduction("办公室", "2019-05-01", "重要信息漏报", "");
    register_file(&input.join("登记表.xlsx"), &reg);
}

#[test]
fn worked_example_sum() {
    let (_d, input) = workdir();
    worked_example(&input);
    let a = assess(&input, None);
    assert_eq!(parts(&a, "办公室"), (60, 50, 15, 15, 110));
    assert_eq!(section(&a, "办公室").qualifying(), 32);
    assert_eq!(parts(&a, "经济运行股"), (20, 0, -30, 0, -10));
    let b = standing(&a, "经济运行股");
    assert_eq!(b.ineligible_for, ["B1", "B2"]);
    assert!(!b.awarded);
}

#[test]
fn worked_example_highest() {
    let (_d, input) = workdir();
    worked_example(&input);
    let text = zwxx::rules::DEFAULT_RULES_TOML
        .replace("multi_adoption = \"sum\"", "multi_adoption = \"highest\"");
    let rules = Rules::parse(&text, "t").unwrap();
    let a = assess_with(&input, &rules, None);
    assert_eq!(parts(&a, "办公室"), (60, 45, 15, 15, 105));
}

#[test]
fn base_cap_reached_exactly_and_exceeded() {
    let (_d, input) = workdir();
    section_file(
        &input.join("a.xlsx"),
        "办公室",
        2019,
        1,
        &routine_rows("a", 30, 1),
    );
    section_file(
        &input.join("b.xlsx"),
        "经济运行股",
        2019,
        1,
        &routine_rows("b", 31, 1),
    );
    section_file(
        &input.join("c.xlsx"),
        "轻工业股",
        2019,
        1,
        &routine_rows("c", 29, 1),
    );
    let a = assess(&input, None);
    assert_eq!(parts(&a, "办公室").0, 60);
    assert_eq!(parts(&a, "经济运行股").0, 60);
    assert_eq!(section(&a, "经济运行股").qualifying(), 31);
    assert_eq!(parts(&a, "轻工业股").0, 58);
}

#[test]
fn task_completed_before_on_after_deadline() {
    let (_d, input) = workdir();
    let rows = [
        Row::new("早于截止", "2019-05-30").task("T1").adopted(&[0]),
        Row::new("恰在截止", "2019-05-31").task("T2").adopted(&[0]),
        Row::new("晚于截止", "2019-06-01").task("T3").adopted(&[0]),
        Row::new("未被采用", "2019-05-01").task("T4"),
    ];
    section_file(&input.join("a.xlsx"), "办公室", 2019, 6, &rows);
    let reg = Reg::with_sections(&["办公室"])
        .task("T1", "办公室", "2019-05-31", "")
        .task("T2", "办公室", "2019-05-31", "")
        .task("T3", "办公室", "2019-05-31", "")
        .task("T4", "办公室", "2019-05-31", "");
    register_file(&input.join("reg.xlsx"), &reg);
    let a = assess(&input, None);
    let s = section(&a, "办公室");
    let outcome: Vec<(&str, i64)> = s
        .tasks
        .iter()
        .map(|t| (t.task.id.as_str(), t.points))
        .collect();
    assert_eq!(outcome, [("T1", 15), ("T2", 15), ("T3", -15), ("T4", -15)]);
    // The completing items still earn their own base and adoption points.
    assert_eq!(s.base(), 8);
    assert_eq!(s.adoption(), 15);
}

#[test]
fn explicit_status_overrides_items_and_pending_tasks() {
    let (_d, input) = workdir();
    let rows = [Row::new("已采用但登记为未完成", "2019-03-01")
        .task("T1")
        .adopted(&[1])];
    section_file(&input.join("a.xlsx"), "办公室", 2019, 3, &rows);
    let reg = Reg::with_sections(&["办公室"])
        .task("T1", "办公室", "2019-12-31", "未完成")
        .task("T2", "办公室", "2019-12-31", "按时按质完成")
        .task("T3", "办公室", "2019-09-30", "");
    register_file(&input.join("reg.xlsx"), &reg);
    // As of mid-year: T3 is pending (0), T1 failed although before its deadline, T2 done.
    let a = assess(&input, Some("2019-06-30"));
    let s = section(&a, "办公室");
    let outcome: Vec<i64> = s.tasks.iter().map(|t| t.points).collect();
    assert_eq!(outcome, [-15, 15, 0]);
    assert!(matches!(
        s.tasks[2].outcome,
        zwxx::score::TaskOutcome::Pending
    ));
    // At year end T3 has failed.
    let a = assess(&input, None);
    assert_eq!(section(&a, "办公室").tasks[2].points, -15);
}

#[test]
fn deduction_times_count_and_as_of() {
    let (_d, input) = workdir();
    section_file(
        &input.join("a.xlsx"),
        "办公室",
        2019,
        1,
        &routine_rows("a", 5, 1),
    );
    let reg = Reg::with_sections(&["办公室"])
        .deduction("办公室", "2019-02-01", "泄密", "2")
        .deduction("办公室", "2019-08-01", "重要信息迟报", "")
        .deduction("办公室", "", "明显抄袭", "1");
    register_file(&input.join("reg.xlsx"), &reg);
    let a = assess(&input, None);
    assert_eq!(parts(&a, "办公室"), (10, 0, 0, 75, -65));
    let a = assess(&input, Some("2019-06-30"));
    assert_eq!(
        parts(&a, "办公室").3,
        60,
        "the August deduction does not count yet"
    );
}

#[test]
fn sections_without_files_are_ranked_and_non_participants_are_not() {
    let (_d, input) = workdir();
    section_file(
        &input.join("a.xlsx"),
        "办公室",
        2019,
        1,
        &routine_rows("a", 5, 1),
    );
    let mut reg = Reg::with_sections(&["办公室", "经济运行股", "轻工业股"]);
    reg.roster[2].1 = "否".into();
    register_file(&input.join("reg.xlsx"), &reg);
    let a = assess(&input, None);
    assert_eq!(standing(&a, "经济运行股").rank, Some(2));
    assert_eq!(parts(&a, "经济运行股").4, 0);
    assert_eq!(standing(&a, "轻工业股").rank, None);
    assert_eq!(
        a.standings
            .last()
            .map(|s| a.scores[s.section].name.as_str()),
        Some("轻工业股")
    );
}

#[test]
fn officer_rejection_and_items_after_as_of_do_not_count() {
    let (_d, input) = workdir();
    let rows = [
        Row::new("通过的信息", "2019-03-01").adopted(&[0]),
        Row::new("未通过的信息", "2019-03-02")
            .adopted(&[0])
            .officer("不通过"),
        Row::new("七月的信息", "2019-07-02").adopted(&[0]),
    ];
    section_file(&input.join("a.xlsx"), "办公室", 2019, 7, &rows);
    let a = assess(&input, Some("2019-06-30"));
    assert_eq!(parts(&a, "办公室"), (2, 5, 0, 0, 7));
}

#[test]
fn final_is_the_sum_of_lines_and_parts() {
    let (_d, input) = workdir();
    worked_example(&input);
    let a = assess(&input, None);
    for s in &a.scores {
        let lines: i64 = s.lines.iter().map(|l| l.points).sum();
        assert_eq!(lines, s.final_score());
        assert_eq!(
            s.base() + s.adoption() + s.task_points() - s.deductions_total(),
            s.final_score()
        );
    }
}

#[test]
fn register_rows_of_another_year_do_not_count() {
    // An officer keeping one register for several years: a 2018 task and deduction are left
    // out of 2019 with a warning, not scored.
    let (_d, input) = workdir();
    section_file(
        &input.join("a.xlsx"),
        "办公室",
        2019,
        1,
        &routine_rows("a", 5, 1),
    );
    let reg = Reg::with_sections(&["办公室"])
        .task("T0", "办公室", "2018-12-20", "")
        .deduction("办公室", "2018-11-01", "重要信息漏报", "");
    register_file(&input.join("reg.xlsx"), &reg);
    let a = assess(&input, None);
    assert_eq!(parts(&a, "办公室"), (10, 0, 0, 0, 10));
    let codes: Vec<(&str, &str)> = a
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.cell.as_str()))
        .collect();
    assert!(
        codes.contains(&("W-REG-YEAR", "F2")) && codes.contains(&("W-REG-YEAR", "B2")),
        "{codes:?}"
    );
}

#[test]
fn officer_rejection_survives_a_later_resend_with_the_cell_blank() {
    let (_d, input) = workdir();
    let rejected = Row::new("被退回的信息", "2019-03-02").officer("不通过");
    section_file(
        &input.join("m3.xlsx"),
        "办公室",
        2019,
        3,
        &[rejected, Row::new("另一条", "2019-03-03")],
    );
    let resent = [
        Row::new("被退回的信息", "2019-03-02").adopted(&[0]),
        Row::new("另一条", "2019-03-03"),
    ];
    section_file(&input.join("m4.xlsx"), "办公室", 2019, 4, &resent);
    let a = assess(&input, None);
    assert_eq!(section(&a, "办公室").qualifying(), 1);
    // An explicit 通过 on the later version is the officer changing their mind.
    let passed = [
        Row::new("被退回的信息", "2019-03-02").officer("通过"),
        Row::new("另一条", "2019-03-03"),
    ];
    section_file(&input.join("m5.xlsx"), "办公室", 2019, 5, &passed);
    assert_eq!(section(&assess(&input, None), "办公室").qualifying(), 2);
}
