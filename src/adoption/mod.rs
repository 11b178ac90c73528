//! The adoption record (采用记录): the officer's list of what the publications printed,
//! matched to the sections' qualifying items (SPEC "Adoption record").
//!
//! Each record row is matched to one item: first by title equal after folding (the
//! merge's identity key), among the items its `股室` and `采用日期` allow; failing that, by
//! the most similar title — character-bigram Dice similarity of at least [`MIN_SIMILARITY`],
//! the best at least [`MARGIN`] above the next — since editors shorten and reword titles.
//! All exact matches are taken before any fuzzy one, so a reworded row never takes an item
//! that another row names exactly. One row credits at most one item, and an item gets a
//! level once: a later row at the same level that finds an item already credited repeats
//! the earlier row and credits nothing.
//!
//! Pure functions over plain data: the register's rows in, one [`Outcome`] per row out.

mod apply;
mod index;

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::NaiveDate;

use crate::model::Source;
pub use apply::{Check, CheckKind, apply, shown};
use index::{BigramIndex, Scratch};

/// A fuzzy match needs at least this Dice similarity (SPEC: 0.6)…
pub const MIN_SIMILARITY: Ratio = Ratio { num: 3, den: 5 };
/// …and the best candidate at least this much above the next (SPEC: 0.05): monthly titles
/// such as `全区10月份…` / `全区11月份…` differ by one character.
pub const MARGIN: Ratio = Ratio { num: 1, den: 20 };
/// How many of the closest titles a warning about an unmatched row names.
pub const CLOSEST_SHOWN: usize = 3;

/// One row of the register's `采用记录`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    /// Index into `rules.adoption`.
    pub level: usize,
    /// 期号 as written (e.g. `2019年第12期`).
    pub issue: String,
    /// 标题 as written (cleaned of surrounding and repeated spaces).
    pub title: String,
    /// 股室, when given (a roster name).
    pub section: Option<String>,
    /// 采用日期, when given.
    pub date: Option<NaiveDate>,
    pub source: Source,
    /// Column of the 标题 cell (findings point at it).
    pub title_col: u32,
}

/// What the matcher needs of a qualifying item.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub section: &'a str,
    pub title: &'a str,
    /// 报送日期.
    pub date: NaiveDate,
}

/// A similarity as an exact fraction (Dice = 2·shared / (bigrams of one + of the other)),
/// so that the threshold and the margin are decided without rounding.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    pub num: u32,
    pub den: u32,
}

impl Ratio {
    /// The similarity as a number, for people (rounded where shown).
    pub fn value(self) -> f64 {
        if self.den == 0 {
            0.0
        } else {
            f64::from(self.num) / f64::from(self.den)
        }
    }

    /// `self − other ≥ by`, exactly.
    fn exceeds_by(self, other: Ratio, by: Ratio) -> bool {
        let (a, b, m) = (self.wide(), other.wide(), by.wide());
        // a.n/a.d − b.n/b.d ≥ m.n/m.d  ⇔  (a.n·b.d − b.n·a.d)·m.d ≥ m.n·a.d·b.d
        let lhs = (a.0 * b.1 - b.0 * a.1) * m.1;
        lhs >= m.0 * a.1 * b.1
    }

    fn wide(self) -> (i128, i128) {
        (i128::from(self.num), i128::from(self.den.max(1)))
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Ratio) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ratio {}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Ratio) -> std::cmp::Ordering {
        // Counts of bigrams of two cells (at most 32,767 characters each): no overflow.
        let (a, b) = (u64::from(self.num), u64::from(other.num));
        let (da, db) = (u64::from(self.den.max(1)), u64::from(other.den.max(1)));
        (a * db).cmp(&(b * da))
    }
}

/// A candidate item with its similarity to a row's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Near {
    /// Index into the candidates.
    pub item: usize,
    pub similarity: Ratio,
}

/// What became of one record row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The row credits this item at its level; `similarity` is `None` for an exact match.
    Matched {
        item: usize,
        similarity: Option<Ratio>,
    },
    /// The item it names was already credited at this level by row `by` (an index into the
    /// rows): this row credits nothing.
    Repeats { item: usize, by: usize },
    /// Several items fit equally well (the same title, or similarities within the margin):
    /// none is credited. The tied items, best first.
    Ambiguous(Vec<Near>),
    /// No item fits: the closest titles among all items, best first (possibly none).
    Unmatched(Vec<Near>),
}

/// Match every record row to the candidates (SPEC "Adoption record"); one outcome per row.
pub fn match_rows(rows: &[RecordRow], items: &[Candidate]) -> Vec<Outcome> {
    let narrow = Narrowing::new(rows, items);
    // credited[(level, item)] = the row that credited it.
    let mut credited: HashMap<(usize, usize), usize> = HashMap::new();
    let titles: Vec<&str> = rows.iter().map(|r| r.title.as_str()).collect();
    let index = BigramIndex::new(items);
    let exact = index::exact_matches(&titles, items, &index.keys);
    let mut out: Vec<Option<Outcome>> = rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            let all = exact[r].as_slice();
            (!all.is_empty()).then(|| exact_outcome(r, row, all, &narrow, &mut credited))
        })
        .collect();
    let fuzzy: Vec<usize> = (0..rows.len()).filter(|&r| out[r].is_none()).collect();
    if fuzzy.is_empty() {
        return out.into_iter().flatten().collect();
    }
    let ranked = rank_rows(&index, rows, &fuzzy, &narrow);
    let mut scratch = Scratch::default();
    for (r, ranked) in fuzzy.into_iter().zip(ranked) {
        let row = &rows[r];
        out[r] = Some(match fuzzy_outcome(r, row, &ranked, &mut credited) {
            Some(outcome) => outcome,
            None => {
                let mut closest = if narrow.is_open(r) {
                    ranked
                } else {
                    index.best(&row.title, |_| true, &mut scratch)
                };
                closest.truncate(CLOSEST_SHOWN);
                Outcome::Unmatched(closest)
            }
        });
    }
    out.into_iter()
        .map(|o| o.expect("every row decided"))
        .collect()
}

/// The most similar items allowed to each of the rows `which`, ranked on the available
/// cores (each ranking is independent; the decisions that follow are made in row order).
fn rank_rows(
    index: &BigramIndex,
    rows: &[RecordRow],
    which: &[usize],
    narrow: &Narrowing,
) -> Vec<Vec<Near>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, which.len().div_ceil(RANKINGS_PER_THREAD).max(1));
    let rank = |part: &[usize]| -> Vec<Vec<Near>> {
        let mut scratch = Scratch::default();
        part.iter()
            .map(|&r| index.best(&rows[r].title, |i| narrow.allows(r, i), &mut scratch))
            .collect()
    };
    if threads == 1 {
        return rank(which);
    }
    let parts: Vec<&[usize]> = which.chunks(which.len().div_ceil(threads)).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts.iter().map(|p| scope.spawn(|| rank(p))).collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a ranking thread panicked"))
            .collect()
    })
}

/// Fewer rankings than this are not worth a thread of their own.
const RANKINGS_PER_THREAD: usize = 64;

/// The outcome of a row whose title is exactly that of the items `all`.
fn exact_outcome(
    r: usize,
    row: &RecordRow,
    all: &[usize],
    narrow: &Narrowing,
    credited: &mut HashMap<(usize, usize), usize>,
) -> Outcome {
    let same = |items: &mut dyn Iterator<Item = usize>| -> Vec<Near> {
        items
            .map(|item| Near {
                item,
                similarity: SAME,
            })
            .collect()
    };
    let fits: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| narrow.allows(r, i))
        .collect();
    let free: Vec<usize> = fits
        .iter()
        .copied()
        .filter(|&i| !credited.contains_key(&(row.level, i)))
        .collect();
    match (free.as_slice(), fits.first()) {
        (&[item], _) => {
            credited.insert((row.level, item), r);
            Outcome::Matched {
                item,
                similarity: None,
            }
        }
        // The very title, but of another section or dated after the row: a slip in the row
        // more likely than a reworded title of another item.
        ([], None) => Outcome::Unmatched(same(&mut all.iter().copied().take(CLOSEST_SHOWN))),
        ([], Some(&item)) => Outcome::Repeats {
            item,
            by: credited[&(row.level, item)],
        },
        (many, _) => Outcome::Ambiguous(same(&mut many.iter().copied())),
    }
}

/// The similarity of identical titles.
const SAME: Ratio = Ratio { num: 1, den: 1 };

/// The outcome of a row without an exact match, from its candidates ranked by similarity;
/// `None` when no candidate is similar enough.
fn fuzzy_outcome(
    r: usize,
    row: &RecordRow,
    ranked: &[Near],
    credited: &mut HashMap<(usize, usize), usize>,
) -> Option<Outcome> {
    let best = *ranked.first().filter(|b| b.similarity >= MIN_SIMILARITY)?;
    if let Some(next) = ranked.get(1)
        && !best.similarity.exceeds_by(next.similarity, MARGIN)
    {
        let tied = ranked
            .iter()
            .take_while(|n| !best.similarity.exceeds_by(n.similarity, MARGIN))
            .take(CLOSEST_SHOWN)
            .copied()
            .collect();
        return Some(Outcome::Ambiguous(tied));
    }
    if let Some(&by) = credited.get(&(row.level, best.item)) {
        return Some(Outcome::Repeats {
            item: best.item,
            by,
        });
    }
    credited.insert((row.level, best.item), r);
    Some(Outcome::Matched {
        item: best.item,
        similarity: Some(best.similarity),
    })
}

/// Which items a row may match: those of its `股室` (when given), dated on or before its
/// `采用日期` (when given: an item is printed after it was submitted).
struct Narrowing {
    /// Section of each item, as a small number.
    item_section: Vec<u32>,
    item_date: Vec<NaiveDate>,
    /// Per row: the section number it asks for (`u32::MAX` for a section without items).
    row_section: Vec<Option<u32>>,
    row_date: Vec<Option<NaiveDate>>,
}

impl Narrowing {
    fn new(rows: &[RecordRow], items: &[Candidate]) -> Narrowing {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let item_section = items
            .iter()
            .map(|c| {
                let next = ids.len() as u32;
                *ids.entry(c.section).or_insert(next)
            })
            .collect();
        Narrowing {
            item_section,
            item_date: items.iter().map(|c| c.date).collect(),
            row_section: rows
                .iter()
                .map(|r| {
                    let s = r.section.as_deref()?;
                    Some(ids.get(s).copied().unwrap_or(u32::MAX))
                })
                .collect(),
            row_date: rows.iter().map(|r| r.date).collect(),
        }
    }

    /// Whether the row allows every item (gives neither 股室 nor 采用日期).
    fn is_open(&self, row: usize) -> bool {
        self.row_section[row].is_none() && self.row_date[row].is_none()
    }

    fn allows(&self, row: usize, item: usize) -> bool {
        self.row_section[row].is_none_or(|s| s == self.item_section[item])
            && self.row_date[row].is_none_or(|d| self.item_date[item] <= d)
    }
}

/// How the record changes one item's adoptions: `declared` and `recorded` are level bits,
/// `listed` the levels that have at least one row in the record (the record decides those;
/// the others stay as declared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The levels the item is adopted at for scoring.
    pub adopted: u32,
    /// Recorded but not declared (`W-ADOPT-UNCLAIMED`: scored all the same).
    pub unclaimed: u32,
    /// Declared at a listed level but not recorded (`W-ADOPT-UNRECORDED`: not scored).
    pub unrecorded: u32,
}

/// Decide one item's adoptions from what it declared and what the record says.
pub fn decide(declared: u32, recorded: u32, listed: u32) -> Decision {
    Decision {
        adopted: (declared & !listed) | (recorded & listed),
        unclaimed: recorded & !declared,
        unrecorded: declared & listed & !recorded,
    }
}

/// The levels that have at least one row in the record (bit i = `rules.adoption[i]`).
pub fn listed_levels(rows: &[RecordRow]) -> u32 {
    rows.iter().fold(0, |bits, r| bits | (1 << r.level))
}

#[cfg(test)]
mod tests {
    use super::index::tests::similarity;
    use super::*;

    impl Outcome {
        /// The item this row credits, if any.
        fn credited(&self) -> Option<usize> {
            match self {
                Outcome::Matched { item, .. } => Some(*item),
                _ => None,
            }
        }
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2019, m, d).unwrap()
    }

    fn row(level: usize, title: &str) -> RecordRow {
        RecordRow {
            level,
            issue: "2019年第1期".into(),
            title: title.into(),
            section: None,
            date: None,
            source: Source {
                file: "考核登记表.xlsx".into(),
                sheet: "采用记录".into(),
                row: 1,
            },
            title_col: 2,
        }
    }

    fn in_section(section: &str, r: RecordRow) -> RecordRow {
        RecordRow {
            section: Some(section.into()),
            ..r
        }
    }

    fn dated(date: NaiveDate, r: RecordRow) -> RecordRow {
        RecordRow {
            date: Some(date),
            ..r
        }
    }

    fn item<'a>(section: &'a str, title: &'a str, date: NaiveDate) -> Candidate<'a> {
        Candidate {
            section,
            title,
            date,
        }
    }

    fn sim(a: &str, b: &str) -> f64 {
        similarity(a, b).value()
    }

    const MONTH_10: &str = "全区10月份工业经济运行情况";
    const MONTH_11: &str = "全区11月份工业经济运行情况";

    #[test]
    fn exact_after_folding_full_width_and_spaces() {
        let items = [
            item("办公室", "关于（一）ＡＢＣ  工作", day(3, 1)),
            item("办公室", "另一条信息", day(3, 2)),
        ];
        let got = match_rows(&[row(0, " 关于(一)ABC 工作")], &items);
        assert_eq!(
            got,
            [Outcome::Matched {
                item: 0,
                similarity: None
            }]
        );
    }

    #[test]
    fn dice_of_bigrams_counts_letters_and_digits_only() {
        assert_eq!(sim("全区10月份", "全区10月份"), 1.0);
        assert_eq!(sim("全区10月份", "全区,10月份。"), 1.0);
        assert_eq!(sim("ab", "cd"), 0.0);
        assert_eq!(sim("a", "a"), 0.0, "no bigram, no similarity");
        // 13 and 15 bigrams, 13 shared: 26 / 28.
        assert_eq!(similarity(&format!("{MONTH_10}简析"), MONTH_10).num, 26);
        assert_eq!(similarity(&format!("{MONTH_10}简析"), MONTH_10).den, 28);
        // Repeated bigrams count as often as both titles hold them.
        assert_eq!(similarity("哈哈哈", "哈哈").num, 2);
        assert_eq!(similarity("哈哈哈", "哈哈").den, 3);
    }

    #[test]
    fn fuzzy_above_the_threshold_matches_with_its_similarity() {
        let items = [
            item("办公室", "我局召开2019年安全生产工作会议", day(5, 1)),
            item("办公室", "我局组织开展科技活动周宣传活动", day(5, 2)),
        ];
        let got = match_rows(&[row(0, "局召开安全生产工作会议")], &items);
        let Outcome::Matched {
            item: 0,
            similarity: Some(s),
        } = got[0]
        else {
            panic!("{got:?}");
        };
        assert!((s.value() - 0.6923).abs() < 1e-3, "{}", s.value());
        assert!(s >= MIN_SIMILARITY);
    }

    #[test]
    fn fuzzy_below_the_threshold_is_unmatched_naming_the_closest() {
        let items = [
            item("中小企业股", "我区中小企业融资对接会成功举办", day(5, 1)),
            item("中小企业股", "我局组织开展科技活动周宣传活动", day(5, 2)),
            item("中小企业股", "完全不同", day(5, 3)),
        ];
        let title = "隆阳区多措并举推动中小企业融资";
        assert!(sim(title, items[0].title) < 0.6);
        let got = match_rows(&[row(0, title)], &items);
        let Outcome::Unmatched(closest) = &got[0] else {
            panic!("{got:?}");
        };
        assert_eq!(closest[0].item, 0, "the closest title is named first");
        assert!(closest.iter().all(|n| n.item != 2), "nothing in common");
        assert_eq!(got[0].credited(), None);
    }

    /// Monthly titles differ by one character: a row equally near two of them credits
    /// neither; one clearly nearer one (by 0.05 or more) credits it.
    #[test]
    fn margin_rule_on_monthly_titles() {
        let items = [
            item("经济运行股", MONTH_10, day(11, 5)),
            item("经济运行股", MONTH_11, day(12, 5)),
        ];
        let tied = "全区12月份工业经济运行情况";
        assert_eq!(sim(tied, MONTH_10), sim(tied, MONTH_11));
        let clear = "全区10月份工业经济运行情况简析";
        assert!(sim(clear, MONTH_10) - sim(clear, MONTH_11) >= 0.05);
        let got = match_rows(&[row(0, tied), row(0, clear)], &items);
        let Outcome::Ambiguous(near) = &got[0] else {
            panic!("{got:?}");
        };
        assert_eq!(near.iter().map(|n| n.item).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(got[1].credited(), Some(0));
    }

    /// The margin is decided exactly: a best exactly 0.05 above the next is enough.
    #[test]
    fn margin_of_exactly_five_hundredths_is_enough() {
        let best = Ratio { num: 13, den: 20 };
        assert!(best.exceeds_by(Ratio { num: 12, den: 20 }, MARGIN));
        assert!(!best.exceeds_by(Ratio { num: 121, den: 200 }, MARGIN));
        assert!(Ratio { num: 6, den: 10 } >= MIN_SIMILARITY);
        assert!(Ratio { num: 59, den: 100 } < MIN_SIMILARITY);
    }

    #[test]
    fn section_narrows_an_exact_title_shared_by_two_sections() {
        let items = [
            item("办公室", "全区工业经济运行良好", day(3, 1)),
            item("轻工业股", "全区工业经济运行良好", day(3, 2)),
        ];
        let rows = [
            row(0, "全区工业经济运行良好"),
            in_section("轻工业股", row(1, "全区工业经济运行良好")),
        ];
        let got = match_rows(&rows, &items);
        assert!(matches!(&got[0], Outcome::Ambiguous(n) if n.len() == 2));
        assert_eq!(got[0].credited(), None, "one row never credits two items");
        assert_eq!(got[1].credited(), Some(1));
    }

    #[test]
    fn section_narrows_fuzzy_candidates_and_a_wrong_one_names_the_closest() {
        let items = [
            item("办公室", MONTH_10, day(11, 5)),
            item("轻工业股", MONTH_11, day(12, 5)),
        ];
        let tied = "全区12月份工业经济运行情况";
        let got = match_rows(&[in_section("轻工业股", row(0, tied))], &items);
        assert_eq!(got[0].credited(), Some(1));
        // The very title in another section: not matched to a similar one of the section
        // named; the exact title is named, so the officer sees the slip.
        let got = match_rows(&[in_section("办公室", row(0, MONTH_11))], &items);
        let Outcome::Unmatched(closest) = &got[0] else {
            panic!("{got:?}");
        };
        assert_eq!(
            closest,
            &[Near {
                item: 1,
                similarity: SAME
            }]
        );
        // A section without items: nothing fits; the closest titles of every section are
        // named.
        let got = match_rows(&[in_section("发展规划股", row(0, tied))], &items);
        assert!(
            matches!(&got[0], Outcome::Unmatched(c) if c.len() == 2),
            "{got:?}"
        );
    }

    /// An item is printed after it was submitted: the 采用日期 leaves out items dated later.
    #[test]
    fn adoption_date_narrows_to_items_submitted_before() {
        let items = [
            item("办公室", "园区重点项目推进情况", day(3, 1)),
            item("办公室", "园区重点项目推进情况", day(9, 1)),
        ];
        let got = match_rows(
            &[
                dated(day(3, 20), row(0, "园区重点项目推进情况")),
                dated(day(9, 1), row(1, "园区重点项目推进情况")),
            ],
            &items,
        );
        assert_eq!(got[0].credited(), Some(0));
        assert!(matches!(&got[1], Outcome::Ambiguous(n) if n.len() == 2));
        let got = match_rows(&[dated(day(2, 1), row(0, "园区重点项目推进情况"))], &items);
        assert!(matches!(&got[0], Outcome::Unmatched(_)), "{got:?}");
    }

    #[test]
    fn an_item_never_gets_the_same_level_twice() {
        let items = [item("办公室", MONTH_10, day(11, 5))];
        let rows = [
            row(0, MONTH_10),
            row(0, MONTH_10),
            row(0, "全区10月份工业经济运行情况简析"),
            row(2, MONTH_10),
        ];
        let got = match_rows(&rows, &items);
        assert_eq!(got[0].credited(), Some(0));
        assert_eq!(got[1], Outcome::Repeats { item: 0, by: 0 });
        assert_eq!(got[2], Outcome::Repeats { item: 0, by: 0 });
        assert_eq!(got[3].credited(), Some(0), "another level is credited");
    }

    /// Two rows of one title at one level credit two items of that title, one each.
    #[test]
    fn repeated_title_at_one_level_credits_each_item_once() {
        let items = [
            item("办公室", "园区重点项目推进情况", day(3, 1)),
            item("办公室", "园区重点项目推进情况", day(9, 1)),
        ];
        let rows = [
            dated(day(3, 20), row(0, "园区重点项目推进情况")),
            row(0, "园区重点项目推进情况"),
        ];
        let got = match_rows(&rows, &items);
        assert_eq!(got[0].credited(), Some(0));
        assert_eq!(got[1].credited(), Some(1));
    }

    /// All exact matches are taken first: a reworded row listed earlier does not take the
    /// item another row names exactly.
    #[test]
    fn exact_matches_come_before_fuzzy_ones() {
        let items = [
            item("办公室", MONTH_10, day(11, 5)),
            item("办公室", "全区10月份工业经济运行情况简析", day(11, 6)),
        ];
        let rows = [row(0, "全区10月份工业经济运行情况简析。"), row(0, MONTH_10)];
        let got = match_rows(&rows, &items);
        assert_eq!(got[0].credited(), Some(1));
        assert_eq!(got[1].credited(), Some(0));
        let rows = [row(0, "全区10月份工业经济运行情况的简析"), row(0, MONTH_10)];
        let got = match_rows(&rows, &match_one(&items));
        assert_eq!(got[1].credited(), Some(0));
        assert_eq!(got[0], Outcome::Repeats { item: 0, by: 1 });
    }

    fn match_one<'a>(items: &[Candidate<'a>]) -> Vec<Candidate<'a>> {
        items[..1].to_vec()
    }

    /// Rows ranked on several threads give what each row gives matched alone (rows naming
    /// different items do not interact).
    #[test]
    fn rankings_on_threads_equal_rankings_one_by_one() {
        let titles: Vec<String> = (0..200)
            .map(|k| format!("全区规上工业企业运行情况分析(第{}期)", 1000 + k * 7))
            .collect();
        let items: Vec<Candidate> = titles
            .iter()
            .map(|t| item("经济运行股", t, day(6, 1)))
            .collect();
        let rows: Vec<RecordRow> = (0..140)
            .map(|k| {
                row(
                    k % 2,
                    &format!("规上工业企业运行情况(第{}期)", 1000 + k * 7),
                )
            })
            .collect();
        let together = match_rows(&rows, &items);
        assert!(rows.len() > 2 * RANKINGS_PER_THREAD);
        for (r, got) in together.iter().enumerate() {
            assert_eq!(match_rows(&rows[r..=r], &items)[0], *got, "row {r}");
        }
        assert!(together.iter().any(|o| o.credited().is_some()));
    }

    #[test]
    fn no_rows_no_items() {
        assert!(match_rows(&[], &[item("办公室", "x", day(1, 1))]).is_empty());
        let got = match_rows(&[row(0, MONTH_10)], &[]);
        assert_eq!(got, [Outcome::Unmatched(vec![])]);
    }

    #[test]
    fn the_record_decides_only_the_levels_it_lists() {
        // Levels: 0 普刊, 1 专刊, 2 省. The record lists 普刊 and 专刊.
        let listed = listed_levels(&[row(0, "a"), row(1, "b"), row(0, "c")]);
        assert_eq!(listed, 0b011);
        // Declared 普刊 and 省, recorded 专刊: 普刊 unrecorded, 专刊 unclaimed, 省 kept.
        let d = decide(0b101, 0b010, listed);
        assert_eq!(d.adopted, 0b110);
        assert_eq!(d.unclaimed, 0b010);
        assert_eq!(d.unrecorded, 0b001);
        // Declared and recorded: nothing to say.
        assert_eq!(
            decide(0b001, 0b001, listed),
            Decision {
                adopted: 0b001,
                unclaimed: 0,
                unrecorded: 0
            }
        );
        // No record: everything as declared.
        assert_eq!(decide(0b111, 0, 0).adopted, 0b111);
    }
}
