//! The record applied to the year: each qualifying item's adoptions at the levels the record
//! lists are what the record says (SPEC "Adoption record"), and every change is explained —
//! to the section at the item's title cell (`W-ADOPT-UNCLAIMED`, `W-ADOPT-UNRECORDED`), and
//! to the officer at the record row that credits nothing (`W-REG-ADOPT`).

use crate::findings::{Code, at};
use crate::model::{Finding, Item};
use crate::rules::Rules;
use crate::score::{ItemState, ScoredItem};

use super::{Candidate, Near, Outcome, Ratio, RecordRow, SAME, decide, listed_levels, match_rows};

/// What the record says about one adoption of an item, at a level the record lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// Index into the section's items.
    pub item: usize,
    /// Index into `rules.adoption`.
    pub level: usize,
    pub kind: CheckKind,
    /// The record row that credits it (index into the register's `adoption_record`).
    pub row: Option<usize>,
    /// The similarity of a fuzzy match (`None` for an exact one, or no row).
    pub similarity: Option<Ratio>,
}

/// Declared, recorded, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    /// Declared `是` and printed: as declared.
    Both,
    /// Printed, not declared: scored all the same (`W-ADOPT-UNCLAIMED`).
    Recorded,
    /// Declared, not in the record: not scored (`W-ADOPT-UNRECORDED`).
    Declared,
}

/// A record row's credit to an item: (item as a candidate, level, row, similarity).
type Credit = (usize, usize, usize, Option<Ratio>);

/// Apply the record to the sections' items (each section's list in its final order): the
/// adoptions of qualifying items at the listed levels become the record's; returns each
/// section's checks, ordered by item and level. Nothing changes when the record is empty.
pub fn apply(
    record: &[RecordRow],
    sections: &mut [Vec<ScoredItem>],
    rules: &Rules,
    findings: &mut Vec<Finding>,
) -> Vec<Vec<Check>> {
    let mut checks = vec![Vec::new(); sections.len()];
    if record.is_empty() {
        return checks;
    }
    // Every item as a candidate (one version of each), with where it is. Only qualifying items
    // are credited; the others are there so that a row printing an item dated after the as-of
    // date (an interim standing) or refused by the officer is not reported as unmatched.
    let at_of: Vec<(usize, usize)> = sections
        .iter()
        .enumerate()
        .flat_map(|(k, items)| {
            let current = items.iter().enumerate();
            current
                .filter(|(_, si)| si.state != ItemState::Superseded)
                .map(move |(i, _)| (k, i))
        })
        .collect();
    let outcomes = {
        let candidates: Vec<Candidate> = at_of
            .iter()
            .map(|&(k, i)| candidate(&sections[k][i].item))
            .collect();
        let outcomes = match_rows(record, &candidates);
        for (r, outcome) in outcomes.iter().enumerate() {
            if let Some(msg) = row_message(&record[r], r, outcome, record, &candidates, rules) {
                findings.push(register_warning(&record[r], msg));
            }
        }
        outcomes
    };
    let mut credits: Vec<Credit> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(r, o)| match o {
            Outcome::Matched { item, similarity } => Some((*item, record[r].level, r, *similarity)),
            _ => None,
        })
        .collect();
    credits.sort_by_key(|c| (c.0, c.1));
    let listed = listed_levels(record);
    let mut next = credits.iter().peekable();
    for (c, &(k, i)) in at_of.iter().enumerate() {
        let mine: Vec<&Credit> = std::iter::from_fn(|| next.next_if(|x| x.0 == c)).collect();
        let si = &mut sections[k][i];
        if si.state != ItemState::Counted {
            continue;
        }
        let recorded = mine.iter().fold(0u32, |bits, x| bits | (1 << x.1));
        let declared = si.item.adopted;
        let decision = decide(declared, recorded, listed);
        si.item.adopted = decision.adopted;
        for level in
            (0..rules.adoption.len()).filter(|l| (declared | recorded) & listed & (1 << l) != 0)
        {
            let credit = mine.iter().find(|x| x.1 == level);
            let kind = match (declared & (1 << level) != 0, credit.is_some()) {
                (true, true) => CheckKind::Both,
                (false, _) => CheckKind::Recorded,
                (true, false) => CheckKind::Declared,
            };
            let check = Check {
                item: i,
                level,
                kind,
                row: credit.map(|x| x.2),
                similarity: credit.and_then(|x| x.3),
            };
            if let Some(msg) = item_message(&check, record, rules) {
                findings.push(section_warning(&si.item, kind, msg));
            }
            checks[k].push(check);
        }
    }
    checks
}

fn candidate(item: &Item) -> Candidate<'_> {
    Candidate {
        section: &item.section,
        title: &item.title,
        date: item.date,
    }
}

/// A similarity as shown: two decimals.
pub fn shown(similarity: Ratio) -> String {
    format!("{:.2}", similarity.value())
}

/// The warning at an item's title cell for an adoption the record changed.
fn section_warning(item: &Item, kind: CheckKind, message: String) -> Finding {
    let code = match kind {
        CheckKind::Recorded => Code::AdoptUnclaimed,
        _ => Code::AdoptUnrecorded,
    };
    let src = &item.source;
    let mut x = at(
        &src.file,
        &src.sheet,
        (src.row, item.title_col),
        code,
        message,
    );
    x.section = Some(item.section.to_string());
    x
}

/// What the section is told about a changed adoption (nothing when the record agrees).
fn item_message(check: &Check, record: &[RecordRow], rules: &Rules) -> Option<String> {
    let level = &rules.adoption[check.level].label;
    match check.kind {
        CheckKind::Both => None,
        CheckKind::Declared => Some(format!(
            "“{level}”一栏填了“是”，但采用记录中没有这条信息，本级采用未计分。如确已采用，请把期号告知信息员核对"
        )),
        CheckKind::Recorded => {
            let row = &record[check.row?];
            let issue = if row.issue.is_empty() {
                String::new()
            } else {
                format!("({})", row.issue)
            };
            let fuzzy = check.similarity.map_or(String::new(), |s| {
                format!("；采用记录中的标题为“{}”，相似度 {}", row.title, shown(s))
            });
            Some(format!(
                "本条被“{level}”采用{issue}，但该栏未填“是”，已按采用记录计分{fuzzy}。请在该栏填“是”"
            ))
        }
    }
}

/// The warning at a record row's 标题 cell.
fn register_warning(row: &RecordRow, message: String) -> Finding {
    let src = &row.source;
    at(
        &src.file,
        &src.sheet,
        (src.row, row.title_col),
        Code::RegAdopt,
        message,
    )
}

/// What the officer is told about a record row that credits nothing (`None` when it does).
fn row_message(
    row: &RecordRow,
    r: usize,
    outcome: &Outcome,
    record: &[RecordRow],
    items: &[Candidate],
    rules: &Rules,
) -> Option<String> {
    let level = &rules.adoption[row.level].label;
    let issue = if row.issue.is_empty() {
        String::new()
    } else {
        format!(" {}", row.issue)
    };
    let what = format!("采用记录中的“{}”（{level}{issue}）", row.title);
    let named = |near: &[Near]| -> String {
        near.iter()
            .map(|n| {
                let c = &items[n.item];
                format!(
                    "“{}”（{}，{}，相似度 {}）",
                    c.title,
                    c.section,
                    c.date.format("%Y-%m-%d"),
                    shown(n.similarity)
                )
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    Some(match outcome {
        Outcome::Matched { .. } => return None,
        Outcome::Repeats { item, by } => {
            debug_assert_ne!(*by, r);
            format!(
                "{what}与第 {} 行是同一条信息“{}”（{}），同一级别只计一次，本行未计分。请删去重复的一行",
                record[*by].source.row_number(),
                items[*item].title,
                items[*item].section
            )
        }
        Outcome::Ambiguous(near) => format!(
            "{what}与多条信息同样相近：{}，无法确定是哪一条，未计分。请填写股室或采用日期，或照报送表改写标题",
            named(near)
        ),
        Outcome::Unmatched(near) if near.first().is_some_and(|n| n.similarity == SAME) => {
            format!(
                "{what}与{}标题相同，但不是记录所填的股室，或报送日期晚于采用日期，未计分。请核对股室和采用日期",
                named(near)
            )
        }
        Outcome::Unmatched(near) if near.is_empty() => format!(
            "{what}在合格的报送信息中没有找到，也没有相近的标题，未计分。请核对标题，或该信息是否漏报"
        ),
        Outcome::Unmatched(near) => format!(
            "{what}在合格的报送信息中没有找到（相似度须达 {} 且明显高于其他标题），未计分。最接近的：{}。请核对标题、股室和采用日期",
            shown(super::MIN_SIMILARITY),
            named(near)
        ),
    })
}
