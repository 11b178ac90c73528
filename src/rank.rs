//! Scores → ranking, ties, awards, eligibility, interview flags and the 评定/备注 wording
//! (SPEC Scoring 7 and 8; counts and titles from the rules).

use crate::rules::Rules;
use crate::score::SectionScore;

/// A section's place in the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Index into the scores (roster order).
    pub section: usize,
    /// Competition rank (1, 2, 2, 4); `None` for sections not taking part.
    pub rank: Option<usize>,
    /// Another ranked section has the same final.
    pub tied: bool,
    /// The section takes part in the assessment (参与考核 ≠ 否).
    pub takes_part: bool,
    /// 年度信息工作先进股室.
    pub awarded: bool,
    /// 通报批评.
    pub criticised: bool,
    /// 取消评先资格: the failed task ids (empty = eligible).
    pub ineligible_for: Vec<String>,
    /// 建议约谈: the months without a submission (empty = no flag).
    pub interview_months: Vec<u32>,
    /// Those of `interview_months` for which a file was sent but refused (`文件无效`).
    pub invalid_months: Vec<u32>,
    /// No qualifying item adopted at any level.
    pub no_adoption: bool,
    /// 条数任务完成率 and 分值任务完成率, percent.
    pub item_rate: Option<f64>,
    pub score_rate: Option<f64>,
}

impl Standing {
    /// 评定: the award title, the criticism title, or empty.
    pub fn verdict<'a>(&self, rules: &'a Rules) -> &'a str {
        if self.awarded {
            &rules.awards.top_title
        } else if self.criticised {
            &rules.awards.bottom_title
        } else {
            ""
        }
    }

    /// 备注: 并列; 取消评先资格:ids; 建议约谈:months; 无采用信息 — joined with "；".
    pub fn remarks(&self) -> String {
        let mut parts = Vec::new();
        if !self.takes_part {
            parts.push(crate::report::NOT_TAKING_PART.to_string());
        }
        if self.tied {
            parts.push("并列".to_string());
        }
        if !self.ineligible_for.is_empty() {
            parts.push(format!(
                "取消评先资格:{} 未按时按质完成",
                self.ineligible_for.join("、")
            ));
        }
        if !self.interview_months.is_empty() {
            parts.push(format!("建议约谈:{}", self.months_not_sent()));
        }
        if self.no_adoption {
            parts.push("无采用信息".to_string());
        }
        parts.join("\u{FF1B}")
    }

    /// The 建议约谈 months in words: those without any file `未报送`, those whose files were
    /// all refused apart (`1–2月 未报送，3月文件无效`).
    pub fn months_not_sent(&self) -> String {
        let (invalid, missing): (Vec<u32>, Vec<u32>) = self
            .interview_months
            .iter()
            .partition(|m| self.invalid_months.contains(m));
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("{} 未报送", month_ranges(&missing)));
        }
        if !invalid.is_empty() {
            parts.push(format!("{}文件无效", month_ranges(&invalid)));
        }
        parts.join("\u{FF0C}")
    }
}

/// Months as short ranges: [1, 2, 4, 5, 6, 9] → "1–2月、4–6月、9月".
pub fn month_ranges(months: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < months.len() {
        let mut j = i;
        while j + 1 < months.len() && months[j + 1] == months[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            format!("{}月", months[i])
        } else {
            format!("{}–{}月", months[i], months[j])
        });
        i = j + 1;
    }
    parts.join("、")
}

/// Rank the sections. `up_to_month` is the last month counted for 建议约谈 (the as-of month).
/// Returns the ranked sections by rank (ties in roster order), then those not taking part.
pub fn rank(scores: &[SectionScore], rules: &Rules, up_to_month: u32) -> Vec<Standing> {
    let a = &rules.awards;
    let finals: Vec<i64> = scores.iter().map(SectionScore::final_score).collect();
    let ranked: Vec<usize> = (0..scores.len())
        .filter(|&i| scores[i].participates)
        .collect();
    let ineligible = |i: usize| scores[i].failed_tasks().len() as i64 >= a.ineligible_failed_tasks;

    let mut out: Vec<Standing> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let fin = finals[i];
            let takes_part = s.participates;
            let rank = takes_part.then(|| 1 + ranked.iter().filter(|&&j| finals[j] > fin).count());
            let tied = takes_part && ranked.iter().any(|&j| j != i && finals[j] == fin);
            let eligible = !ineligible(i);
            let ahead = ranked
                .iter()
                .filter(|&&j| !ineligible(j) && finals[j] > fin)
                .count() as i64;
            let awarded = takes_part && eligible && fin > a.top_min_final && ahead < a.top_count;
            let behind = ranked.iter().filter(|&&j| finals[j] < fin).count() as i64;
            let criticised = takes_part && !awarded && behind < a.bottom_count;
            let missing = s.missing_months(up_to_month);
            let interview_months =
                if takes_part && missing.len() as i64 >= a.interview_missing_months {
                    missing
                } else {
                    vec![]
                };
            let pct = |num: f64, target: Option<f64>| target.map(|t| num / t * 100.0);
            Standing {
                section: i,
                rank,
                tied,
                takes_part,
                awarded,
                criticised,
                ineligible_for: if eligible {
                    vec![]
                } else {
                    s.failed_tasks().iter().map(|x| x.to_string()).collect()
                },
                // A section not taking part is not flagged: it is only listed.
                invalid_months: interview_months
                    .iter()
                    .copied()
                    .filter(|&m| s.invalid_only(m))
                    .collect(),
                interview_months,
                no_adoption: takes_part && s.adopted_count() == 0,
                item_rate: pct(s.qualifying() as f64, s.item_target),
                score_rate: pct(fin as f64, s.score_target),
            }
        })
        .collect();
    out.sort_by_key(|s| (s.rank.is_none(), s.rank, s.section));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, Task, Text};
    use crate::score::{Category, Line, Origin, ScoredTask, TaskOutcome};

    fn section(name: &str, fin: i64, failed: usize) -> SectionScore {
        let src = Source {
            file: Text::from("f"),
            sheet: Text::from("s"),
            row: 0,
        };
        let tasks = (0..failed)
            .map(|k| ScoredTask {
                task: Task {
                    id: format!("T{k}"),
                    section: name.into(),
                    kind: String::new(),
                    topic: String::new(),
                    issued: None,
                    deadline: chrono::NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(),
                    status: None,
                    source: src.clone(),
                    date_col: 5,
                    issued_col: 4,
                },
                outcome: TaskOutcome::Failed { explicit: true },
                points: 0,
                by_item: None,
            })
            .collect();
        SectionScore {
            name: name.into(),
            participates: true,
            item_target: None,
            score_target: None,
            items: vec![],
            tasks,
            deductions: vec![],
            lines: vec![Line {
                category: Category::Base,
                points: fin,
                origin: Origin::Item(0),
            }],
            submitted: [true; 12],
            invalid: [false; 12],
            adoption: vec![],
        }
    }

    fn run(finals: &[i64]) -> Vec<Standing> {
        let scores: Vec<_> = finals
            .iter()
            .enumerate()
            .map(|(i, f)| section(&format!("S{i}"), *f, 0))
            .collect();
        let mut st = rank(&scores, &Rules::default_rules(), 12);
        st.sort_by_key(|s| s.section);
        st
    }

    fn flags(st: &[Standing]) -> Vec<(Option<usize>, bool, bool)> {
        st.iter()
            .map(|s| (s.rank, s.awarded, s.criticised))
            .collect()
    }

    #[test]
    fn competition_ranking_with_ties_in_roster_order() {
        let scores: Vec<_> = [50, 80, 80, 10]
            .iter()
            .enumerate()
            .map(|(i, f)| section(&format!("S{i}"), *f, 0))
            .collect();
        let st = rank(&scores, &Rules::default_rules(), 12);
        let order: Vec<(usize, Option<usize>, bool)> =
            st.iter().map(|s| (s.section, s.rank, s.tied)).collect();
        assert_eq!(
            order,
            [
                (1, Some(1), true),
                (2, Some(1), true),
                (0, Some(3), false),
                (3, Some(4), false)
            ]
        );
        assert!(st[0].remarks().contains("并列"));
    }

    #[test]
    fn ties_at_the_top_boundary_are_all_awarded() {
        // 90, 90, 70, 70 and two below: four awards.
        let st = run(&[90, 90, 70, 70, 20, 10, 5, 1]);
        assert_eq!(st.iter().filter(|s| s.awarded).count(), 4);
        assert!(!st[4].awarded);
    }

    #[test]
    fn ineligible_section_gives_its_place_and_is_not_criticised() {
        let mut scores: Vec<_> = [100, 90, 80, 70, 60, 50, 40, 30]
            .iter()
            .enumerate()
            .map(|(i, f)| section(&format!("S{i}"), *f, 0))
            .collect();
        scores[0] = section("S0", 100, 2);
        let mut st = rank(&scores, &Rules::default_rules(), 12);
        st.sort_by_key(|s| s.section);
        assert!(!st[0].awarded && !st[0].criticised);
        assert_eq!(st[0].ineligible_for, ["T0", "T1"]);
        assert!(st[0].remarks().contains("取消评先资格:T0、T1"));
        assert!(st[1].awarded && st[2].awarded && st[3].awarded);
        assert!(!st[4].awarded);
        assert_eq!(st[0].rank, Some(1));
    }

    #[test]
    fn bottom_ties_are_all_criticised() {
        let st = run(&[100, 90, 80, 70, 60, 10, 10, 10, 10]);
        let crit: Vec<bool> = st.iter().map(|s| s.criticised).collect();
        assert_eq!(
            crit,
            [false, false, false, false, false, true, true, true, true]
        );
    }

    #[test]
    fn fewer_than_six_sections_no_section_both() {
        let st = run(&[50, 40, 30, 20]);
        assert_eq!(
            flags(&st),
            [
                (Some(1), true, false),
                (Some(2), true, false),
                (Some(3), true, false),
                (Some(4), false, true)
            ]
        );
        for s in &st {
            assert!(!(s.awarded && s.criticised));
        }
    }

    #[test]
    fn all_tied() {
        let st = run(&[30, 30, 30, 30, 30, 30, 30]);
        assert!(
            st.iter()
                .all(|s| s.rank == Some(1) && s.awarded && !s.criticised && s.tied)
        );
        let zero = run(&[0, 0, 0, 0, 0, 0, 0]);
        assert!(zero.iter().all(|s| !s.awarded && s.criticised));
    }

    #[test]
    fn top_section_with_final_zero_or_less_is_not_awarded() {
        let st = run(&[10, 0, -5, -20, -30, -40, -50]);
        assert!(st[0].awarded);
        assert!(!st[1].awarded && !st[2].awarded);
        let neg = run(&[-5, -10, -15]);
        assert!(neg.iter().all(|s| !s.awarded));
        assert_eq!(
            neg.iter().map(|s| s.rank.unwrap()).collect::<Vec<_>>(),
            [1, 2, 3]
        );
    }

    #[test]
    fn non_participating_sections_are_listed_last_without_rank() {
        let mut scores: Vec<_> = [10, 99, 5]
            .iter()
            .enumerate()
            .map(|(i, f)| section(&format!("S{i}"), *f, 0))
            .collect();
        scores[1].participates = false;
        let st = rank(&scores, &Rules::default_rules(), 12);
        assert_eq!(st.last().unwrap().section, 1);
        assert_eq!(st.last().unwrap().rank, None);
        assert!(!st.last().unwrap().awarded && !st.last().unwrap().criticised);
        assert_eq!(st[0].rank, Some(1));
    }

    #[test]
    fn month_ranges_are_compact() {
        assert_eq!(month_ranges(&[1, 2, 4, 5, 6, 9]), "1–2月、4–6月、9月");
        assert_eq!(month_ranges(&[7]), "7月");
    }

    #[test]
    fn interview_after_three_missing_months_up_to_as_of() {
        let mut s = section("S0", 10, 0);
        s.submitted = [
            true, false, false, true, false, true, true, true, true, true, true, true,
        ];
        let st = rank(std::slice::from_ref(&s), &Rules::default_rules(), 12);
        assert_eq!(st[0].interview_months, [2, 3, 5]);
        assert!(
            st[0].remarks().contains("建议约谈:2–3月、5月"),
            "{}",
            st[0].remarks()
        );
        let st = rank(&[s], &Rules::default_rules(), 4);
        assert!(
            st[0].interview_months.is_empty(),
            "only two months missing up to April"
        );
    }
}
