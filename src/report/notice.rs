//! The year-end notice (通报草稿) as plain data: every paragraph of the official document that
//! announces the result (seed 七: 表彰, 通报批评, 取消评先资格, 约谈), built from the same
//! standings and scores the results workbook shows, so every figure in it is the workbook's.
//! [`super::docx`] lays it out as a GB/T 9704-2012 document; the officer edits the draft.
//!
//! Only section names, scores, counts, task ids and months appear: never a person or contact.

use chrono::{Datelike, NaiveDate};

use crate::assess::Assessment;
use crate::rank::{Standing, month_ranges};
use crate::rules::Rules;
use crate::score::{ItemState, SectionScore, TaskOutcome};

use super::table::{V, ranking_rows};

/// The notice, part by part, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// 标题, as the lines it is broken into (after “关于”, so that the lines read whole).
    pub title: Vec<String>,
    /// 主送机关: `各股室：`.
    pub addressee: String,
    /// What was assessed, with the year's totals.
    pub overview: String,
    /// `一、…` awards, `二、…` criticism, and `三、…` the 取消评先资格 / 约谈 facts when any.
    pub parts: Vec<Part>,
    pub closing: String,
    /// 附件说明: `附件：…`.
    pub attachment_note: String,
    /// 发文机关署名 (the rules' `[bureau] name`).
    pub issuer: String,
    /// 成文日期: the as-of date, e.g. `2019年12月31日`.
    pub date: String,
    pub attachment: Attachment,
}

/// A level-1 part: its heading (`一、…`) and paragraphs.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub heading: String,
    pub paragraphs: Vec<Paragraph>,
}

/// A body paragraph, optionally led by a level-2 heading (`（一）…。`) run into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub lead: String,
    pub text: String,
}

/// The attachment: the ranking table, cell for cell the workbook's `考核排名`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// `附件`.
    pub label: String,
    pub title: String,
    /// `（统计截至…）`.
    pub subtitle: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The year's totals over the sections taking part, as the overview states them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    pub taking_part: usize,
    pub not_taking_part: Vec<String>,
    pub qualifying: usize,
    /// Qualifying items adopted at each level of the rules (an item adopted at two levels
    /// counts at both, as in `得分明细`).
    pub adopted: Vec<usize>,
    pub tasks_done: usize,
    pub tasks_failed: usize,
    pub tasks_pending: usize,
}

/// Default file name of the notice.
pub fn notice_file_name(year: i32) -> String {
    format!("{year}年度政务信息工作考核结果的通报(草稿).docx")
}

/// The notice of the year as an output file in `dir`.
pub fn notice_output(
    a: &Assessment,
    rules: &Rules,
    dir: &std::path::Path,
) -> Result<super::write::Output, crate::error::Error> {
    Ok(super::write::Output {
        path: dir.join(notice_file_name(a.year)),
        bytes: super::docx::notice_docx(&notice(a, rules), a.as_of)?,
    })
}

/// A date as a document dates it: `2019年12月31日` (GB/T 9704: Arabic numerals, no padding).
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Build the notice from the assessed year.
pub fn notice(a: &Assessment, rules: &Rules) -> Notice {
    let bureau = &rules.bureau.name;
    let ranked: Vec<&Standing> = a.standings.iter().filter(|s| s.takes_part).collect();
    let totals = totals(a, rules);
    let mut parts = vec![
        awards_part(a, rules, &ranked),
        criticism_part(a, rules, &ranked),
    ];
    parts.extend(facts_part(a, rules, &ranked));
    let table_title = format!("{}年度政务信息工作考核排名表", a.year);
    Notice {
        title: vec![
            format!("{bureau}关于"),
            format!("{}年度政务信息工作考核结果的通报", a.year),
        ],
        addressee: "各股室：".into(),
        overview: overview(a, rules, &totals),
        parts,
        closing: closing(&ranked),
        attachment_note: format!("附件：{table_title}"),
        issuer: bureau.clone(),
        date: chinese_date(a.as_of),
        attachment: attachment(a, rules, table_title),
    }
}

/// The year's totals over the sections taking part.
pub fn totals(a: &Assessment, rules: &Rules) -> Totals {
    let mut t = Totals {
        adopted: vec![0; rules.adoption.len()],
        ..Totals::default()
    };
    for s in &a.scores {
        if !s.participates {
            t.not_taking_part.push(s.name.clone());
            continue;
        }
        t.taking_part += 1;
        t.qualifying += s.qualifying();
        for i in s.items.iter().filter(|i| i.state == ItemState::Counted) {
            for (l, n) in t.adopted.iter_mut().enumerate() {
                *n += usize::from(i.item.adopted & (1 << l) != 0);
            }
        }
        for task in &s.tasks {
            match task.outcome {
                TaskOutcome::Done { .. } => t.tasks_done += 1,
                TaskOutcome::Failed { .. } => t.tasks_failed += 1,
                TaskOutcome::Pending => t.tasks_pending += 1,
                // Not issued yet as of the run: not a task of the period.
                TaskOutcome::NotIssued => {}
            }
        }
    }
    t
}

/// Whether the as-of date is the last day of the year (a year-end notice, not an interim one).
fn year_end(a: &Assessment) -> bool {
    a.as_of.year() == a.year && a.as_of.month() == 12 && a.as_of.day() == 31
}

/// The period assessed: `2019年度`, or `2019年1月1日至6月30日` for an interim standing.
fn period(a: &Assessment) -> String {
    if year_end(a) {
        format!("{}年度", a.year)
    } else {
        format!(
            "{}年1月1日至{}月{}日",
            a.year,
            a.as_of.month(),
            a.as_of.day()
        )
    }
}

/// `本年度，` or `截至6月30日，`: how the facts paragraphs open.
fn so_far(a: &Assessment) -> String {
    if year_end(a) {
        "本年度，".into()
    } else {
        format!("截至{}月{}日，", a.as_of.month(), a.as_of.day())
    }
}

fn overview(a: &Assessment, rules: &Rules, t: &Totals) -> String {
    let mut s = format!(
        "根据《{}政务信息工作实施方案》考核计分标准，对各股室{}的政务信息工作进行了考核。{}个股室参加考核",
        rules.bureau.name,
        period(a),
        t.taking_part
    );
    if !t.not_taking_part.is_empty() {
        s += &format!("（{}不参加考核）", t.not_taking_part.join("、"));
    }
    s += &format!("，共报送合格政务信息{}条", t.qualifying);
    let adopted: Vec<String> = rules
        .adoption_labels()
        .zip(&t.adopted)
        .filter(|(_, n)| **n > 0)
        .map(|(l, n)| format!("{l}采用{n}条"))
        .collect();
    if adopted.is_empty() {
        s += "，无信息被采用";
    } else {
        s += &format!("，其中被{}", adopted.join("、"));
    }
    let issued = t.tasks_done + t.tasks_failed + t.tasks_pending;
    if issued > 0 {
        s += &format!(
            "；下达约稿（调研）任务{issued}项，按时按质完成{}项、未完成{}项",
            t.tasks_done, t.tasks_failed
        );
        if t.tasks_pending > 0 {
            s += &format!("、尚未到期{}项", t.tasks_pending);
        }
    }
    s + "。现将考核结果通报如下："
}

/// The section of a standing.
fn score_of<'a>(a: &'a Assessment, st: &Standing) -> &'a SectionScore {
    &a.scores[st.section]
}

/// A score as prose writes it: a negative one with the minus sign U+2212, which (unlike `-`)
/// never ends a line apart from its digits.
fn signed(n: i64) -> String {
    if n < 0 {
        format!("\u{2212}{}", n.unsigned_abs())
    } else {
        n.to_string()
    }
}

/// `经济运行股（140分）、中小企业股（123分）`.
fn with_scores(a: &Assessment, list: &[&Standing]) -> String {
    list.iter()
        .map(|st| {
            let s = score_of(a, st);
            format!("{}（{}分）", s.name, signed(s.final_score()))
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// `其中，科技管理股、办公室得分相同，并列第3名。` for every group of the list sharing a rank.
fn ties(a: &Assessment, list: &[&Standing]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < list.len() {
        let j = i + list[i..]
            .iter()
            .take_while(|s| s.rank == list[i].rank)
            .count();
        if j - i > 1 {
            let names: Vec<&str> = list[i..j]
                .iter()
                .map(|st| score_of(a, st).name.as_str())
                .collect();
            let rank = list[i].rank.unwrap_or_default();
            out += &format!("{}得分相同，并列第{rank}名。", names.join("、"));
        }
        i = j;
    }
    if out.is_empty() {
        out
    } else {
        format!("其中，{out}")
    }
}

/// `经济运行股（140分）、…3个股室` (the count only for several).
fn named_group(a: &Assessment, list: &[&Standing]) -> String {
    if list.len() == 1 {
        with_scores(a, list)
    } else {
        format!("{}{}个股室", with_scores(a, list), list.len())
    }
}

fn awards_part(a: &Assessment, rules: &Rules, ranked: &[&Standing]) -> Part {
    let aw = &rules.awards;
    let awarded: Vec<&Standing> = ranked.iter().copied().filter(|s| s.awarded).collect();
    let text = if awarded.is_empty() {
        let best = ranked.iter().map(|st| score_of(a, st).final_score()).max();
        if best.is_none_or(|b| b <= aw.top_min_final) {
            format!(
                "本年度参加考核的股室最终得分均未超过{}分，不评定“{}”。",
                aw.top_min_final, aw.top_title
            )
        } else {
            format!("本年度没有符合评定条件的股室，不评定“{}”。", aw.top_title)
        }
    } else {
        let mut t = format!(
            "根据考核得分排名，{}被评为“{}”，予以通报表彰。{}",
            named_group(a, &awarded),
            aw.top_title,
            ties(a, &awarded)
        );
        // An ineligible section placed among the awarded (tied with the last of them too):
        // say why it is not named.
        let last = awarded.iter().filter_map(|s| s.rank).max().unwrap_or(0);
        for st in ranked.iter().filter(|s| !s.ineligible_for.is_empty()) {
            let s = score_of(a, st);
            if st.rank.is_some_and(|r| r <= last) && s.final_score() > aw.top_min_final {
                t += &format!(
                    "{}得分{}第{}，因取消评先资格，不参加评定。",
                    s.name,
                    if st.tied { "并列" } else { "排名" },
                    st.rank.unwrap_or_default()
                );
            }
        }
        t
    };
    Part {
        heading: format!("一、{}", aw.top_title),
        paragraphs: vec![Paragraph::plain(text)],
    }
}

fn criticism_part(a: &Assessment, rules: &Rules, ranked: &[&Standing]) -> Part {
    let title = &rules.awards.bottom_title;
    let criticised: Vec<&Standing> = ranked.iter().copied().filter(|s| s.criticised).collect();
    let text = if criticised.is_empty() {
        "本年度没有股室被通报批评。".to_string()
    } else {
        format!(
            "{}考核得分排名靠后，予以通报批评。{}",
            named_group(a, &criticised),
            ties(a, &criticised)
        )
    };
    Part {
        heading: format!("二、{title}"),
        paragraphs: vec![Paragraph::plain(text)],
    }
}

/// `三、…`: the 取消评先资格 and 建议约谈 facts, when there are any.
fn facts_part(a: &Assessment, rules: &Rules, ranked: &[&Standing]) -> Option<Part> {
    let ineligible = ineligible_facts(a, rules, ranked);
    let interview = interview_facts(a, ranked);
    let heading = match (&ineligible, &interview) {
        (None, None) => return None,
        (Some(_), Some(_)) => "三、取消评先资格和建议约谈情况",
        (Some(_), None) => "三、取消评先资格情况",
        (None, Some(_)) => "三、建议约谈情况",
    };
    let mut paragraphs: Vec<Paragraph> = ineligible.into_iter().chain(interview).collect();
    if paragraphs.len() == 1 {
        // A single point needs no `（一）`.
        paragraphs[0].lead.clear();
    } else {
        for (p, n) in paragraphs.iter_mut().zip(["（一）", "（二）"]) {
            p.lead.insert_str(0, n);
        }
    }
    Some(Part {
        heading: heading.into(),
        paragraphs,
    })
}

/// `其` for one section, `上述股室` for several.
fn them(n: usize) -> &'static str {
    if n == 1 { "其" } else { "上述股室" }
}

/// 取消评先资格: each ineligible section with its failed tasks.
fn ineligible_facts(a: &Assessment, rules: &Rules, ranked: &[&Standing]) -> Option<Paragraph> {
    let clauses: Vec<String> = ranked
        .iter()
        .filter(|s| !s.ineligible_for.is_empty())
        .map(|st| {
            format!(
                "{}有{}项约稿（调研）任务（{}）未按时按质完成",
                score_of(a, st).name,
                st.ineligible_for.len(),
                st.ineligible_for.join("、")
            )
        })
        .collect();
    (!clauses.is_empty()).then(|| Paragraph {
        lead: "取消评先资格。".into(),
        text: format!(
            "{}{}，按照考核规定，取消{}评选“{}”的资格。",
            so_far(a),
            clauses.join("，"),
            them(clauses.len()),
            rules.awards.top_title
        ),
    })
}

/// 建议约谈: each flagged section with the months it sent nothing (`7至8月`).
fn interview_facts(a: &Assessment, ranked: &[&Standing]) -> Option<Paragraph> {
    let clauses: Vec<String> = ranked
        .iter()
        .filter(|s| !s.interview_months.is_empty())
        .map(|st| {
            // Months whose files were all refused are said apart: the section did send.
            let invalid = if st.invalid_months.is_empty() {
                String::new()
            } else {
                format!(
                    "，其中{}报送的文件无效",
                    month_ranges(&st.invalid_months).replace('–', "至")
                )
            };
            format!(
                "{}有{}个月（{}）未报送政务信息{invalid}",
                score_of(a, st).name,
                st.interview_months.len(),
                month_ranges(&st.interview_months)
            )
        })
        .collect();
    (!clauses.is_empty()).then(|| Paragraph {
        lead: "建议约谈。".into(),
        text: format!(
            "{}{}，对政务信息工作重视不够，建议根据实际情况对{}启动约谈程序。",
            so_far(a),
            clauses.join("，"),
            them(clauses.len())
        ),
    })
}

fn closing(ranked: &[&Standing]) -> String {
    let praise = ranked.iter().any(|s| s.awarded);
    let blame = ranked.iter().any(|s| s.criticised);
    let first = match (praise, blame) {
        (true, true) => {
            "希望受到表彰的股室珍惜荣誉、再接再厉；受到通报批评的股室认真查找差距、切实整改。"
        }
        (true, false) => "希望受到表彰的股室珍惜荣誉、再接再厉。",
        (false, true) => "受到通报批评的股室要认真查找差距、切实整改。",
        (false, false) => "",
    };
    format!(
        "{first}各股室要进一步提高对政务信息工作的认识，严格落实“谁提供、谁审核、谁负责”的要求，及时、准确、规范报送政务信息，推动政务信息工作再上新台阶。"
    )
}

/// The 完成率 columns of `考核排名`, left out of the attachment when no target is set.
const RATE_COLUMNS: [&str; 2] = ["条数任务完成率", "分值任务完成率"];

/// The ranking table: the workbook's `考核排名` columns and cells, the two 完成率 columns left
/// out when the register sets no target (they would be empty).
fn attachment(a: &Assessment, rules: &Rules, title: String) -> Attachment {
    let rates = a
        .standings
        .iter()
        .any(|s| s.item_rate.is_some() || s.score_rate.is_some());
    let keep: Vec<bool> = super::RANKING_COLUMNS
        .iter()
        .map(|c| rates || !RATE_COLUMNS.contains(c))
        .collect();
    let kept = |cells: Vec<String>| -> Vec<String> {
        cells
            .into_iter()
            .zip(&keep)
            .filter_map(|(c, k)| k.then_some(c))
            .collect()
    };
    let rows = ranking_rows(a, rules)
        .iter()
        .map(|r| kept(r.values.iter().map(shown).collect()))
        .collect();
    Attachment {
        label: "附件".into(),
        title,
        subtitle: format!("（统计截至{}）", chinese_date(a.as_of)),
        header: kept(super::RANKING_COLUMNS.map(String::from).to_vec()),
        rows,
    }
}

/// A cell of `考核排名` as the workbook shows it (rates as `120.0%`).
fn shown(v: &V) -> String {
    match v {
        V::Text(s) => s.clone(),
        V::Int(n) => n.to_string(),
        V::Num(x) => x.to_string(),
        V::Pct(x) => format!("{x:.1}%"),
        V::OneDecimal(x) => format!("{x:.1}"),
        V::Date(d) => chinese_date(*d),
        V::Blank => String::new(),
    }
}

impl Paragraph {
    fn plain(text: String) -> Paragraph {
        Paragraph {
            lead: String::new(),
            text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Register, Source, Task, Text};
    use crate::score::{Category, Line, Origin, ScoredTask};

    /// A failed task of a section (for 取消评先资格).
    fn failed(id: &str) -> ScoredTask {
        let src = Source {
            file: Text::from("f"),
            sheet: Text::from("s"),
            row: 0,
        };
        ScoredTask {
            task: Task {
                id: id.into(),
                section: String::new(),
                kind: String::new(),
                topic: String::new(),
                issued: None,
                issued_col: 0,
                deadline: NaiveDate::from_ymd_opt(2019, 6, 30).unwrap(),
                status: None,
                source: src,
                date_col: 5,
            },
            outcome: TaskOutcome::Failed { explicit: true },
            points: 0,
            by_item: None,
        }
    }

    /// A year of sections `(name, final, failed tasks)`, ranked by the rules.
    fn year(sections: &[(&str, i64, usize)]) -> Assessment {
        let rules = Rules::default_rules();
        let scores: Vec<SectionScore> = sections
            .iter()
            .map(|(name, fin, fails)| SectionScore {
                name: name.to_string(),
                participates: true,
                item_target: None,
                score_target: None,
                items: vec![],
                tasks: (0..*fails).map(|k| failed(&format!("T{k}"))).collect(),
                deductions: vec![],
                lines: vec![Line {
                    category: Category::Base,
                    points: *fin,
                    origin: Origin::Item(0),
                }],
                submitted: [true; 12],
                invalid: [false; 12],
                adoption: vec![],
            })
            .collect();
        Assessment {
            year: 2019,
            as_of: NaiveDate::from_ymd_opt(2019, 12, 31).unwrap(),
            files: vec![],
            register: Register::default_roster(),
            register_file: None,
            findings: vec![],
            standings: crate::rank::rank(&scores, &rules, 12),
            scores,
            rows: Default::default(),
        }
    }

    fn part(n: &Notice, heading: &str) -> String {
        let p = n.parts.iter().find(|p| p.heading == heading).unwrap();
        p.paragraphs[0].text.clone()
    }

    #[test]
    fn dates_and_scores_read_as_a_document_writes_them() {
        let d = |m, day| NaiveDate::from_ymd_opt(2019, m, day).unwrap();
        assert_eq!(chinese_date(d(12, 31)), "2019年12月31日");
        assert_eq!(chinese_date(d(6, 5)), "2019年6月5日");
        assert_eq!(signed(-26), "\u{2212}26");
        assert_eq!(signed(0), "0");
        assert_eq!(
            notice_file_name(2019),
            "2019年度政务信息工作考核结果的通报(草稿).docx"
        );
    }

    /// Two tie groups among the awarded (90, 90, 70, 70: four awards) are both named.
    #[test]
    fn every_tie_group_of_a_list_is_named() {
        let a = year(&[
            ("甲股", 90, 0),
            ("乙股", 90, 0),
            ("丙股", 70, 0),
            ("丁股", 70, 0),
            ("戊股", 20, 0),
            ("己股", 10, 0),
            ("庚股", 5, 0),
        ]);
        let n = notice(&a, &Rules::default_rules());
        assert_eq!(
            part(&n, "一、年度信息工作先进股室"),
            "根据考核得分排名，甲股（90分）、乙股（90分）、丙股（70分）、丁股（70分）4个股室被评为\
             “年度信息工作先进股室”，予以通报表彰。其中，甲股、乙股得分相同，并列第1名。丙股、丁股\
             得分相同，并列第3名。"
        );
        assert_eq!(n.parts.len(), 2, "no 取消评先资格 or 约谈 facts");
    }

    /// Sections above 0 but all ineligible: no award, for want of an eligible section; the
    /// facts name each section's failed tasks.
    #[test]
    fn no_eligible_section_no_award() {
        let a = year(&[("甲股", 50, 2), ("乙股", 40, 3)]);
        let n = notice(&a, &Rules::default_rules());
        assert_eq!(
            part(&n, "一、年度信息工作先进股室"),
            "本年度没有符合评定条件的股室，不评定“年度信息工作先进股室”。"
        );
        assert_eq!(
            part(&n, "三、取消评先资格情况"),
            "本年度，甲股有2项约稿（调研）任务（T0、T1）未按时按质完成，乙股有3项约稿（调研）任务\
             （T0、T1、T2）未按时按质完成，按照考核规定，取消上述股室评选“年度信息工作先进股室”的资格。"
        );
        assert!(
            n.parts[2].paragraphs[0].lead.is_empty(),
            "one point: no （一）"
        );
        assert_eq!(
            part(&n, "二、通报批评"),
            "甲股（50分）、乙股（40分）2个股室考核得分排名靠后，予以通报批评。"
        );
    }
}
