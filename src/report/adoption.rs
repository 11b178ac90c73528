//! What the 采用记录 did, as the reports show it (SPEC "Adoption record"): per adopted item its
//! 期号 (the record's, at the levels the record credits), whether each adoption was declared,
//! recorded or both, and the similarity of a fuzzy match; per item, a short note of each
//! adoption the record changed. Without a record nothing here shows.

use std::borrow::Cow;

use crate::adoption::{Check, CheckKind};
use crate::assess::Assessment;
use crate::rules::Rules;
use crate::score::SectionScore;

/// The extra columns of `采用信息目录` when the register has a 采用记录.
pub const CATALOG_COLUMNS: [&str; 2] = ["核对", "相似度"];
/// 核对 of an adoption: declared and printed.
pub const CHECK_BOTH: &str = "申报且有采用记录";
/// 核对 of an adoption: printed, not declared (scored).
pub const CHECK_RECORDED: &str = "仅采用记录(未申报)";
/// 核对 of an adoption at a level the record does not list: as declared.
pub const CHECK_UNLISTED: &str = "仅申报(采用记录未列此级别)";

/// What separates the 期号 of several levels in an item's 采用期号 cell.
const ISSUE_SEPARATORS: [char; 5] = ['、', ',', '，', ';', '；'];

/// Whether the run has a 采用记录 with rows.
pub fn has_record(a: &Assessment) -> bool {
    !a.register.adoption_record.is_empty()
}

/// The checks of item `i` of a section, by level.
fn checks_of(s: &SectionScore, i: usize) -> &[Check] {
    let from = s.adoption.partition_point(|c| c.item < i);
    let to = s.adoption.partition_point(|c| c.item <= i);
    &s.adoption[from..to]
}

/// An adopted item's line in `采用信息目录`.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogCheck {
    /// 采用期号: the record's at the levels it credits, the item's own at the others.
    pub issue: String,
    /// 核对: one word when every level agrees, else level by level.
    pub check: String,
    /// The least similarity of the item's fuzzy matches, rounded as shown.
    pub similarity: Option<f64>,
}

/// The 期号, 核对 and 相似度 of item `i` of a section (adopted, as the record decided).
pub fn catalog_check(a: &Assessment, s: &SectionScore, i: usize, rules: &Rules) -> CatalogCheck {
    let it = &s.items[i].item;
    let checks = checks_of(s, i);
    let record = &a.register.adoption_record;
    let mut issues: Vec<&str> = Vec::new();
    let mut words: Vec<(&str, &str)> = Vec::new();
    for (l, level) in rules.adoption.iter().enumerate() {
        if it.adopted & (1 << l) == 0 {
            continue;
        }
        let check = checks.iter().find(|c| c.level == l);
        // The item's own 采用期号 names every level it declared: its parts not already named.
        let named: Vec<&str> = match check.and_then(|c| c.row) {
            Some(r) => vec![record[r].issue.as_str()],
            None => it.issue_no.split(ISSUE_SEPARATORS).map(str::trim).collect(),
        };
        for issue in named {
            if !issue.is_empty() && !issues.contains(&issue) {
                issues.push(issue);
            }
        }
        let word = match check.map(|c| c.kind) {
            Some(CheckKind::Both) => CHECK_BOTH,
            Some(CheckKind::Recorded) => CHECK_RECORDED,
            _ => CHECK_UNLISTED,
        };
        words.push((level.label.as_str(), word));
    }
    let check = if words.windows(2).all(|w| w[0].1 == w[1].1) {
        words.first().map_or("", |w| w.1).to_string()
    } else {
        let each: Vec<String> = words.iter().map(|(l, w)| format!("{l}:{w}")).collect();
        each.join(";")
    };
    let similarity = checks
        .iter()
        .filter_map(|c| c.similarity)
        .min()
        .map(|s| (s.value() * 100.0).round() / 100.0);
    CatalogCheck {
        issue: issues.join("、"),
        check,
        similarity,
    }
}

/// 计分情况 of item `i` of a section, with each adoption the 采用记录 changed on a line below.
pub fn state_text(s: &SectionScore, i: usize, rules: &Rules) -> Cow<'static, str> {
    let state = super::item_state(s.items[i].state);
    if s.adoption.is_empty() {
        return Cow::Borrowed(state);
    }
    let note = item_note(s, i, rules);
    if note.is_empty() {
        Cow::Borrowed(state)
    } else {
        Cow::Owned(format!("{state}\n{note}"))
    }
}

/// Each adoption of item `i` that the record changed, one per line (empty when none):
/// `区政府办《政务信息》普刊:按采用记录计分`.
pub fn item_note(s: &SectionScore, i: usize, rules: &Rules) -> String {
    let lines: Vec<String> = checks_of(s, i)
        .iter()
        .filter_map(|c| {
            let level = &rules.adoption[c.level].label;
            match c.kind {
                CheckKind::Both => None,
                CheckKind::Recorded => Some(format!("{level}:未申报,按采用记录计分")),
                CheckKind::Declared => Some(format!("{level}:采用记录中没有,未计分")),
            }
        })
        .collect();
    lines.join("\n")
}
