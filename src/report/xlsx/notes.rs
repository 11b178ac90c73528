//! 考核说明: what was assessed, the row accounting, the rules in force and the input files.

use rust_xlsxwriter::Worksheet;

use crate::assess::Assessment;
use crate::rules::{MultiAdoption, Rules};

use super::cell::{Look, V};
use super::kit::Sheet;
use super::{R, READING_7_2, SHEET_NOTES, new_sheet};
use crate::report::{GENERATOR, file_outcome};

/// A sheet of its own: what was assessed and how, for whoever reads the results later.
pub(super) fn notes_sheet(a: &Assessment, rules: &Rules, rules_source: &str) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_NOTES)?;
    let mut sh = Sheet::new(&mut ws);
    sh.limit(0, 8.0, 22.0, true);
    sh.limit(1, 30.0, 44.0, true);
    sh.limit(2, 12.0, 16.0, true);
    sh.limit(3, 20.0, 36.0, true);
    // A SHA-256 is 64 characters: two lines of 32 keep the page readable.
    sh.limit(4, 34.0, 34.0, true);
    let last = 4;
    sh.title(0, &format!("{}年度政务信息工作考核说明", a.year), last)?;
    let row = key_values(&mut sh, 2, "基本情况", basics(a, rules_source))? + 1;
    let row = key_values(&mut sh, row, "行数核对", accounting(a))? + 1;
    sh.label(row, "评分规则")?;
    sh.header(row + 1, 0, &["项目", "内容", "分值"])?;
    let mut row = row + 2;
    for (k, what, v) in rule_lines(rules) {
        sh.row(row, 0, &[V::Text(k), V::Text(what), v], Look::default())?;
        row += 1;
    }
    input_files(&mut sh, a, row + 1)?;
    sh.finish(0, (1, 0))?;
    Ok(ws)
}

/// A labelled block of (key, value) rows from `row`; the row after it.
fn key_values(sh: &mut Sheet<'_>, row: u32, label: &str, pairs: Vec<(&str, V)>) -> R<u32> {
    sh.label(row, label)?;
    let value = Look {
        left: true,
        ..Look::default()
    };
    let mut row = row + 1;
    for (k, v) in pairs {
        sh.put(row, 0, &V::text(k), Look::total())?;
        sh.put(row, 1, &v, value)?;
        row += 1;
    }
    Ok(row)
}

/// 基本情况: the year, the as-of date, where the rules and the roster came from.
fn basics<'a>(a: &Assessment, rules_source: &'a str) -> Vec<(&'a str, V)> {
    let register = match &a.register_file {
        Some(f) => format!("考核登记表 {f}"),
        None => format!(
            "内置默认名单（实施方案所列 {} 个股室；没有约稿任务、扣分记录和任务数）",
            a.register.roster.len()
        ),
    };
    let taking_part = a.scores.iter().filter(|s| s.participates).count();
    vec![
        ("考核年度", V::Int(a.year as i64)),
        ("统计截至", V::Date(a.as_of)),
        ("评分规则", V::text(rules_source)),
        ("股室名单", V::Text(register)),
        (
            "参与考核的股室",
            V::Text(format!("{taking_part} 个（名单共 {} 个）", a.scores.len())),
        ),
        ("生成工具", V::text(GENERATOR)),
    ]
}

/// 行数核对: every data row read is either in the ledger or refused.
fn accounting(a: &Assessment) -> Vec<(&'static str, V)> {
    let rc = a.rows;
    let check = if rc.rows == rc.items + rc.refused {
        "相符"
    } else {
        "不相符，请将输入文件发给维护人员"
    };
    vec![
        ("读取的数据行", V::Int(rc.rows as i64)),
        ("其中：计入信息台账", V::Int(rc.items as i64)),
        ("其中：有错误、不计分", V::Int(rc.refused as i64)),
        (
            "核对",
            V::Text(format!(
                "{} = {} + {}，{check}（无法读取的文件不计行数，见“校验问题”）",
                rc.rows, rc.items, rc.refused
            )),
        ),
    ]
}

/// 评分规则: the rules in force, one line per point value or condition.
fn rule_lines(rules: &Rules) -> Vec<(String, String, V)> {
    let aw = &rules.awards;
    let mut lines: Vec<(String, String, V)> = vec![
        (
            "基础项".into(),
            "每条合格信息".into(),
            V::Int(rules.base.points_per_item),
        ),
        ("基础项".into(), "基础分上限".into(), V::Int(rules.base.cap)),
    ];
    for l in &rules.adoption {
        lines.push((
            "加分项".into(),
            format!("被{}采用", l.label),
            V::Int(l.points),
        ));
    }
    lines.push((
        "加分项".into(),
        "同一信息被多级采用".into(),
        V::text(match rules.multi_adoption {
            MultiAdoption::Sum => "各级累加计分",
            MultiAdoption::Highest => "只计最高一级",
        }),
    ));
    lines.push((
        "约稿任务".into(),
        "按时按质完成（截止日期前报送并被采用，或登记为按时按质完成）".into(),
        V::Int(rules.tasks.completed_points),
    ));
    lines.push((
        "约稿任务".into(),
        "未完成（截止日期已过，或登记为未完成）".into(),
        V::Int(-rules.tasks.failed_points),
    ));
    for d in &rules.deduction {
        lines.push((
            "扣分项".into(),
            format!("{}（每次）", d.label),
            V::Int(-d.points),
        ));
    }
    lines.push((
        aw.top_title.clone(),
        format!(
            "最终得分排名前 {} 名（同分并列均计入），且得分大于 {}，且未被取消评先资格",
            aw.top_count, aw.top_min_final
        ),
        V::Blank,
    ));
    lines.push((
        aw.bottom_title.clone(),
        format!(
            "最终得分排名后 {} 名（同分并列均计入），评为先进的除外",
            aw.bottom_count
        ),
        V::Blank,
    ));
    lines.push((
        "取消评先资格".into(),
        format!(
            "全年未按时按质完成约稿任务 {} 次及以上",
            aw.ineligible_failed_tasks
        ),
        V::Blank,
    ));
    lines.push((
        "建议约谈".into(),
        format!(
            "1 月至统计截止月份，没有报送表的月份达 {} 个及以上",
            aw.interview_missing_months
        ),
        V::Blank,
    ));
    lines.push((
        "信息类别".into(),
        rules.categories.names.join("、"),
        V::Blank,
    ));
    lines.push((
        "须填约稿任务编号".into(),
        rules.categories.commissioned.join("、"),
        V::Blank,
    ));
    lines.push((
        "须经主要负责人审核".into(),
        rules.categories.leader_approval.join("、"),
        V::Blank,
    ));
    lines.push(("七（二）的理解".into(), READING_7_2.into(), V::Blank));
    lines
}

/// 输入文件 from `row`: every input file, what became of it and its SHA-256.
fn input_files(sh: &mut Sheet<'_>, a: &Assessment, row: u32) -> R<()> {
    sh.label(row, "输入文件")?;
    sh.header(row + 1, 0, &["序号", "文件", "处理结果", "说明", "SHA-256"])?;
    for (n, f) in a.files.iter().enumerate() {
        let (what, detail) = file_outcome(f);
        sh.row(
            row + 2 + n as u32,
            0,
            &[
                V::Int(n as i64 + 1),
                V::text(&f.display),
                V::text(what),
                V::Text(detail),
                V::text(&f.sha256),
            ],
            Look::default(),
        )?;
    }
    Ok(())
}
