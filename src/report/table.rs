//! The tables more than one output shows, each built once: the ranking (考核排名 sheet,
//! `考核排名.csv`, the terminal), the items (a section's sheet, `信息明细.csv`), the
//! problems (校验问题 sheet, `校验问题.csv`) and the authors (撰稿人统计 sheet and CSV). A writer renders these rows; it never reads the
//! scores again for what they hold.

use chrono::NaiveDate;

use crate::assess::Assessment;
use crate::model::Finding;
use crate::rank::Standing;
use crate::rules::Rules;
use crate::score::{ItemState, ScoredItem, SectionScore};

/// A cell value as the outputs show it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V {
    Text(String),
    Int(i64),
    Num(f64),
    Date(NaiveDate),
    /// A percentage (100.0 = 100%): a workbook shows it as one, a CSV file as the number.
    Pct(f64),
    /// A number shown to one decimal (shares of items and points).
    OneDecimal(f64),
    Blank,
}

impl V {
    pub(crate) fn text(s: &str) -> V {
        V::Text(s.to_string())
    }
}

/// One section's line of the ranking.
pub(crate) struct RankingRow<'a> {
    pub standing: &'a Standing,
    pub name: &'a str,
    pub final_score: i64,
    pub verdict: &'a str,
    pub remarks: String,
    /// In [`super::RANKING_COLUMNS`] order.
    pub values: Vec<V>,
}

/// The ranking, in ranking order (sections not taking part last, without a rank).
pub(crate) fn ranking_rows<'a>(a: &'a Assessment, rules: &'a Rules) -> Vec<RankingRow<'a>> {
    a.standings
        .iter()
        .map(|st| {
            let s = &a.scores[st.section];
            let verdict = st.verdict(rules);
            let remarks = st.remarks();
            let values = vec![
                st.rank.map_or(V::Blank, |r| V::Int(r as i64)),
                V::text(&s.name),
                V::Int(s.qualifying() as i64),
                V::Int(s.base()),
                V::Int(s.adoption()),
                V::Int(s.task_points()),
                V::Int(s.deductions_total()),
                V::Int(s.final_score()),
                st.item_rate.map_or(V::Blank, V::Pct),
                st.score_rate.map_or(V::Blank, V::Pct),
                V::text(verdict),
                V::Text(remarks.clone()),
            ];
            RankingRow {
                standing: st,
                name: &s.name,
                final_score: s.final_score(),
                verdict,
                remarks,
                values,
            }
        })
        .collect()
}

/// One item of a section, with its points and where it came from.
pub(crate) struct ItemRow<'a> {
    pub title: &'a str,
    pub date: NaiveDate,
    pub category: &'a str,
    pub task_id: &'a str,
    /// The levels it was adopted at, as 采用级别 shows them.
    pub levels: String,
    pub issue: &'a str,
    /// 计分情况.
    pub state: String,
    pub base: i64,
    /// The points of each adoption level of the rules (0 where not adopted).
    pub level_points: Vec<i64>,
    /// Its adoption points, for an adopted item (0 when not counted).
    pub adoption: Option<i64>,
    pub total: i64,
    pub completes: &'a str,
    pub file: &'a str,
    pub sheet: &'a str,
    pub row: i64,
    pub counted: bool,
}

impl ItemRow<'_> {
    /// The row as `信息明细.csv` and a section's items table show it: `first` (股室 or 序号),
    /// the item and its 基础分, `points` (per adoption level, or the adoption total), then
    /// 合计 and where the item came from.
    pub(crate) fn values(&self, first: V, points: impl IntoIterator<Item = V>) -> Vec<V> {
        let mut v = vec![
            first,
            V::text(self.title),
            V::Date(self.date),
            V::text(self.category),
            V::text(self.task_id),
            V::Text(self.levels.clone()),
            V::text(self.issue),
            V::Text(self.state.clone()),
            V::Int(self.base),
        ];
        v.extend(points);
        v.extend([
            V::Int(self.total),
            V::text(self.completes),
            V::text(self.file),
            V::text(self.sheet),
            V::Int(self.row),
        ]);
        v
    }
}

/// The items of a section, in its order.
pub(crate) fn item_rows<'a>(
    s: &'a SectionScore,
    rules: &'a Rules,
) -> impl Iterator<Item = ItemRow<'a>> + 'a {
    s.items.iter().map(move |si| item_row(si, rules))
}

fn item_row<'a>(si: &'a ScoredItem, rules: &Rules) -> ItemRow<'a> {
    let it = &si.item;
    ItemRow {
        title: &it.title,
        date: it.date,
        category: &it.category,
        task_id: it.task_id.as_deref().unwrap_or(""),
        levels: super::adopted_levels(it, rules),
        issue: &it.issue_no,
        state: super::item_state_text(si, rules).into_owned(),
        base: si.base,
        level_points: (0..rules.adoption.len())
            .map(|l| si.level_points(l, rules))
            .collect(),
        adoption: it.is_adopted().then(|| si.adoption_points(rules)),
        total: si.points(rules),
        completes: si.completes.as_deref().unwrap_or(""),
        file: &it.source.file,
        sheet: &it.source.sheet,
        row: it.source.row_number() as i64,
        counted: si.state == ItemState::Counted,
    }
}

/// A problem as a row of [`super::FINDING_COLUMNS`].
pub(crate) fn problem_row(f: &Finding) -> Vec<V> {
    vec![
        V::text(f.section.as_deref().unwrap_or_default()),
        V::text(&f.file),
        V::text(&f.sheet),
        V::text(&f.cell),
        V::text(f.severity.label()),
        V::text(f.code.as_str()),
        V::text(&f.message),
    ]
}

/// 撰稿人统计 (the sheet and `撰稿人统计.csv`): 序号, 撰稿人, 股室, qualifying items, each
/// adoption level's points and the total, each share of an item or of its points to one
/// decimal.
pub(crate) fn author_rows(a: &Assessment, rules: &Rules) -> Vec<Vec<V>> {
    let one = |x: f64| V::OneDecimal(crate::authors::one_decimal(x));
    crate::authors::author_rows(&a.scores, rules)
        .into_iter()
        .enumerate()
        .map(|(n, r)| {
            let mut row = vec![
                V::Int(n as i64 + 1),
                V::Text(r.name),
                V::Text(r.section),
                one(r.items),
            ];
            row.extend(r.levels.iter().map(|x| one(*x)));
            row.push(one(r.points));
            row
        })
        .collect()
}
