//! Authors (撰稿人统计, SPEC "Authors"): the people named in `撰稿人`, with the qualifying
//! items and adoptions of each, per section. 七(一) praises the staff behind the awarded
//! sections; this is their record. An item shared by k authors gives each 1/k of its count
//! and points. Names only: no contact data is read or kept.

use std::collections::HashMap;

use crate::rules::Rules;
use crate::score::{ItemState, SectionScore};

/// The separators of several names in one `撰稿人` cell (besides white space between two
/// names): SPEC's `、` `,` `，` `;` `/`, and the full-width `；` `／` that input methods type.
const SEPARATORS: [char; 7] = ['、', ',', '，', ';', '/', '；', '／'];

/// One person of one section.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorRow {
    pub name: String,
    pub section: String,
    /// 合格信息条数 (shared items counted 1/k).
    pub items: f64,
    /// Adoptions per level of the rules (shared items counted 1/k).
    pub levels: Vec<f64>,
    /// 采用加分 (shared items' points divided by k).
    pub points: f64,
}

/// The names in a `撰稿人` cell. Split at `、` `,` `，` `;` `/` (and their full-width forms);
/// each part is split again at white space only when every piece is a name of two or more
/// characters — `王 芳`, a two-character name spaced out to line up with three-character ones,
/// stays one name. White space inside a name is removed; repeats are dropped.
pub fn split_names(cell: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in cell.split(SEPARATORS.as_slice()) {
        let pieces: Vec<&str> = part.split_whitespace().collect();
        let apart = pieces.len() > 1 && pieces.iter().all(|p| p.chars().count() >= 2);
        let names: Vec<String> = if apart {
            pieces.iter().map(|p| p.to_string()).collect()
        } else {
            vec![pieces.concat()]
        };
        for name in names {
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// What one qualifying item gives its authors.
#[derive(Debug, Clone, Copy)]
pub struct Credit<'a> {
    /// Index of the section (into the `sections` given to [`tally`]).
    pub section: usize,
    /// The `撰稿人` cell.
    pub authors: &'a str,
    /// Adoption levels (bit i = `rules.adoption[i]`).
    pub adopted: u32,
    /// Adoption points earned.
    pub points: i64,
}

/// Every author of every section's qualifying items (see [`tally`]).
pub fn author_rows(scores: &[SectionScore], rules: &Rules) -> Vec<AuthorRow> {
    let sections: Vec<&str> = scores.iter().map(|s| s.name.as_str()).collect();
    let credits = scores.iter().enumerate().flat_map(|(k, s)| {
        s.items
            .iter()
            .filter(|i| i.state == ItemState::Counted)
            .map(move |si| Credit {
                section: k,
                authors: &si.item.author,
                adopted: si.item.adopted,
                points: si.adoption_points(rules),
            })
    });
    tally(credits, &sections, rules.adoption.len())
}

/// One row per person and section, sorted by 采用加分, then 条数 (both descending), then
/// section in the order given, then name. Items without a readable name are left out.
pub fn tally<'a>(
    credits: impl Iterator<Item = Credit<'a>>,
    sections: &[&str],
    levels: usize,
) -> Vec<AuthorRow> {
    let mut at: HashMap<(usize, String), usize> = HashMap::new();
    let mut rows: Vec<(usize, AuthorRow)> = Vec::new();
    for c in credits {
        let names = split_names(c.authors);
        let share = 1.0 / names.len().max(1) as f64;
        for name in names {
            let i = *at.entry((c.section, name.clone())).or_insert_with(|| {
                rows.push((
                    c.section,
                    AuthorRow {
                        name,
                        section: sections[c.section].to_string(),
                        items: 0.0,
                        levels: vec![0.0; levels],
                        points: 0.0,
                    },
                ));
                rows.len() - 1
            });
            let row = &mut rows[i].1;
            row.items += share;
            row.points += c.points as f64 * share;
            for (l, n) in row.levels.iter_mut().enumerate() {
                if c.adopted & (1 << l) != 0 {
                    *n += share;
                }
            }
        }
    }
    rows.sort_by(|(ka, a), (kb, b)| {
        shown(b.points)
            .cmp(&shown(a.points))
            .then(shown(b.items).cmp(&shown(a.items)))
            .then(ka.cmp(kb))
            .then_with(|| a.name.cmp(&b.name))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

/// A share as compared: sums of 1/k are not exact in binary, so two people whose figures
/// agree to a millionth are equal.
fn shown(x: f64) -> i64 {
    (x * 1e6).round() as i64
}

/// A figure rounded to one decimal, as shown (SPEC: "shown to one decimal").
pub fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_every_separator() {
        for cell in [
            "张三、李四",
            "张三,李四",
            "张三，李四",
            "张三;李四",
            "张三/李四",
            "张三；李四",
            "张三／李四",
            "张三 李四",
            " 张三\u{3000}李四 ",
            "张三 、 李四",
            "张三、、李四、",
        ] {
            assert_eq!(split_names(cell), ["张三", "李四"], "{cell:?}");
        }
        assert_eq!(split_names("张三、李四、王五"), ["张三", "李四", "王五"]);
        assert_eq!(split_names("欧阳娜娜 李四"), ["欧阳娜娜", "李四"]);
    }

    #[test]
    fn a_spaced_out_name_stays_one_name() {
        assert_eq!(split_names("王 芳"), ["王芳"]);
        assert_eq!(split_names("王\u{3000}\u{3000}芳"), ["王芳"]);
        assert_eq!(split_names("王 芳、李四"), ["王芳", "李四"]);
        assert_eq!(split_names("张三、张三"), ["张三"], "a name once per item");
        assert!(split_names("").is_empty());
        assert!(split_names(" 、 ").is_empty());
    }

    fn credit(section: usize, authors: &str, adopted: u32, points: i64) -> Credit<'_> {
        Credit {
            section,
            authors,
            adopted,
            points,
        }
    }

    fn figures(rows: &[AuthorRow]) -> Vec<(String, String, f64, Vec<f64>, f64)> {
        rows.iter()
            .map(|r| {
                (
                    r.name.clone(),
                    r.section.clone(),
                    one_decimal(r.items),
                    r.levels.iter().map(|x| one_decimal(*x)).collect(),
                    one_decimal(r.points),
                )
            })
            .collect()
    }

    /// An item by three people gives each a third of its count, adoptions and points.
    #[test]
    fn shared_items_credit_each_author_one_kth() {
        let rows = tally(
            [
                credit(0, "张三、李四、王五", 0b01, 5),
                credit(0, "张三", 0b11, 15),
                credit(0, "李四", 0, 0),
            ]
            .into_iter(),
            &["办公室"],
            2,
        );
        let s = |x: &str| x.to_string();
        assert_eq!(
            figures(&rows),
            [
                (s("张三"), s("办公室"), 1.3, vec![1.3, 1.0], 16.7),
                (s("李四"), s("办公室"), 1.3, vec![0.3, 0.0], 1.7),
                (s("王五"), s("办公室"), 0.3, vec![0.3, 0.0], 1.7),
            ]
        );
        let zhang = &rows[0];
        assert!((zhang.points - (5.0 / 3.0 + 15.0)).abs() < 1e-9);
    }

    /// 采用加分 first, then 条数; equal figures by section order, then name (code point order).
    #[test]
    fn sorted_by_points_then_items() {
        let rows = tally(
            [
                credit(0, "甲", 0, 0),
                credit(0, "甲", 0, 0),
                credit(0, "甲", 0, 0),
                credit(1, "乙", 0b1, 5),
                credit(0, "丙", 0b1, 5),
                credit(0, "丙", 0, 0),
                credit(1, "丁", 0b1, 5),
                credit(0, "戊", 0b1, 5),
            ]
            .into_iter(),
            &["办公室", "经济运行股"],
            1,
        );
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["丙", "戊", "丁", "乙", "甲"]);
    }

    /// Ten items shared by ten people give each 0.1 ten times, 0.9999999999999999 in binary:
    /// equal to one item, so the names decide, not the rounding.
    #[test]
    fn shares_that_add_up_to_a_whole_equal_it() {
        let ten = "A0、A1、A2、A3、A4、A5、A6、A7、A8、A9";
        let credits = std::iter::repeat_n(credit(0, ten, 0, 0), 10).chain([credit(0, "Z", 0, 0)]);
        let rows = tally(credits, &["办公室"], 1);
        assert_ne!(rows[0].items, 1.0, "the binary sum is not exact");
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "Z"
            ]
        );
    }

    /// One person writing for two sections is listed once per section.
    #[test]
    fn a_name_in_two_sections_is_listed_per_section() {
        let rows = tally(
            [
                credit(0, "张三", 0b1, 5),
                credit(1, "张三", 0, 0),
                credit(1, "张三、李四", 0, 0),
            ]
            .into_iter(),
            &["办公室", "经济运行股"],
            1,
        );
        let s = |x: &str| x.to_string();
        assert_eq!(
            figures(&rows),
            [
                (s("张三"), s("办公室"), 1.0, vec![1.0], 5.0),
                (s("张三"), s("经济运行股"), 1.5, vec![0.0], 0.0),
                (s("李四"), s("经济运行股"), 0.5, vec![0.0], 0.0),
            ]
        );
    }

    #[test]
    fn an_item_without_a_readable_name_credits_no_one() {
        let rows = tally([credit(0, "、", 0b1, 5)].into_iter(), &["办公室"], 1);
        assert!(rows.is_empty());
    }
}
