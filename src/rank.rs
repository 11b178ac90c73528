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
    /// 年度信息工作先进股室.
    pub awarded: bool,
    /// 通报批评.
    pub criticised: bool,
    /// 取消评先资格: the failed task ids (empty = eligible).
    pub ineligible_for: Vec<String>,
    /// 建议约谈: the months without a submission (empty = no flag).
    pub interview_months: Vec<u32>,
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
            let months: Vec<String> = self
                .interview_months
                .iter()
                .map(|m| format!("{m}月"))
                .collect();
            parts.push(format!("建议约谈:{} 未报送", months.join("、")));
        }
        if self.no_adoption {
            parts.push("无采用信息".to_string());
        }
        parts.join(";")
    }
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
            let pct = |num: f64, target: Option<f64>| target.map(|t| num / t * 100.0);
            Standing {
                section: i,
                rank,
                tied,
                awarded,
                criticised,
                ineligible_for: if eligible {
                    vec![]
                } else {
                    s.failed_tasks().iter().map(|x| x.to_string()).collect()
                },
                interview_months: if missing.len() as i64 >= a.interview_missing_months {
                    missing
                } else {
                    vec![]
                },
                no_adoption: s.adopted_count() == 0,
                item_rate: pct(s.qualifying() as f64, s.item_target),
                score_rate: pct(fin as f64, s.score_target),
            }
        })
        .collect();
    out.sort_by_key(|s| (s.rank.is_none(), s.rank, s.section));
    out
}
