//! The two look-ups of the matcher: items by folded title (exact matches), and items by
//! character bigram (Dice similarity). A city's year is 30,000 items and a record 2,000 rows;
//! the M year's titles are a few hundred patterns told apart by a number, so nearly every
//! bigram is shared by thousands of items. The index is therefore flat (one array of
//! postings, cut per bigram), and a ranking adds up shared bigrams in a dense array of
//! counters and keeps only the few best items.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{Candidate, MIN_SIMILARITY, Near, Ratio};
use crate::cell::title_key_chars;

/// A multiplicative hash for the look-ups' keys (the standard SipHash costs more than the
/// rest of building them, and these keys come from the bureau's own files).
#[derive(Default)]
pub(super) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }
}

pub(super) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// The hash of a folded title, computed as it is folded (no string is built).
fn key_hash(title: &str) -> u64 {
    folded_hash(title_key_chars(title))
}

/// The hash of a folded title's characters: each character, then an end mark.
fn folded_hash(chars: impl Iterator<Item = char>) -> u64 {
    let mut h = FastHasher::default();
    for c in chars {
        h.write_u32(c as u32);
    }
    h.write_u8(0xff);
    h.finish()
}

/// For each row title, the items whose title is the same after folding (in item order);
/// `keys[i]` is [`key_hash`] of item `i`'s title.
pub(super) fn exact_matches(rows: &[&str], items: &[Candidate], keys: &[u64]) -> Vec<Vec<usize>> {
    let mut by_hash: FastMap<u64, Vec<usize>> = FastMap::default();
    for (r, title) in rows.iter().enumerate() {
        by_hash.entry(key_hash(title)).or_default().push(r);
    }
    let mut out = vec![Vec::new(); rows.len()];
    for (i, c) in items.iter().enumerate() {
        let Some(rs) = by_hash.get(&keys[i]) else {
            continue;
        };
        for &r in rs {
            if title_key_chars(rows[r]).eq(title_key_chars(c.title)) {
                out[r].push(i);
            }
        }
    }
    out
}

/// A character bigram: two code points in one number.
type Bigram = u64;

/// The bigrams of titles, with buffers kept from one title to the next.
#[derive(Default)]
pub(super) struct Bigrams {
    chars: Vec<char>,
    grams: Vec<Bigram>,
}

impl Bigrams {
    /// The bigrams of a title, sorted, each with its count (appended to `out`), and their
    /// number with repeats: the title's folded characters (full/half width folded as for the
    /// merge) that are letters or digits — spaces and punctuation say nothing about which
    /// item an editor meant.
    pub(super) fn of(&mut self, title: &str, out: &mut Vec<(Bigram, u32)>) -> u32 {
        self.chars.clear();
        self.chars.extend(title_key_chars(title).take(MAX_CHARS));
        self.count(out)
    }

    /// [`Bigrams::of`], and the title's [`key_hash`], from one folding of the title.
    fn of_keyed(&mut self, title: &str, out: &mut Vec<(Bigram, u32)>) -> (u32, u64) {
        self.chars.clear();
        self.chars.extend(title_key_chars(title));
        let hash = folded_hash(self.chars.iter().copied());
        self.chars.truncate(MAX_CHARS);
        (self.count(out), hash)
    }

    /// The bigrams of the folded characters in `chars`.
    fn count(&mut self, out: &mut Vec<(Bigram, u32)>) -> u32 {
        self.chars.retain(|&c| is_word_char(c));
        self.grams.clear();
        self.grams.extend(
            self.chars
                .windows(2)
                .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1])),
        );
        self.grams.sort_unstable();
        let start = out.len();
        for &g in &self.grams {
            match out[start..].last_mut() {
                Some((last, n)) if *last == g => *n += 1,
                _ => out.push((g, 1)),
            }
        }
        self.grams.len() as u32
    }
}

/// A cell holds at most this many characters; a longer text is cut (its bigrams are
/// counted in 16 bits).
const MAX_CHARS: usize = 32_767;

/// Letters and digits, with the common Chinese characters decided without Unicode's tables.
fn is_word_char(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}') || c.is_ascii_alphanumeric() || c.is_alphanumeric()
}

/// Items by bigram, flat: the items holding bigram `b` are `items[starts[b]..starts[b + 1]]`;
/// the few that hold it more than once are also in `repeats[repeat_starts[b]..]`, with how
/// many times more. (A title rarely repeats a bigram, and the common case stays one add.)
pub(super) struct BigramIndex {
    ids: FastMap<Bigram, u32>,
    starts: Vec<u32>,
    items: Vec<u32>,
    repeat_starts: Vec<u32>,
    repeats: Vec<(u32, u32)>,
    /// Number of bigrams of each item (with repeats).
    sizes: Vec<u32>,
    /// The least of `sizes`.
    shortest: u32,
    /// The [`key_hash`] of each item's title.
    pub keys: Vec<u64>,
}

/// Lists cut from one array: list `k` is `values[starts[k]..starts[k + 1]]`, from (list,
/// value) pairs in the order they are to appear in their lists (a counting sort).
fn flat_lists<T: Copy + Default>(lists: usize, pairs: &[(u32, T)]) -> (Vec<u32>, Vec<T>) {
    let mut starts = vec![0u32; lists + 1];
    for &(k, _) in pairs {
        starts[k as usize + 1] += 1;
    }
    for k in 0..lists {
        starts[k + 1] += starts[k];
    }
    let mut fill = starts.clone();
    let mut values = vec![T::default(); pairs.len()];
    for &(k, v) in pairs {
        values[fill[k as usize] as usize] = v;
        fill[k as usize] += 1;
    }
    (starts, values)
}

impl BigramIndex {
    /// The index of `items`.
    pub(super) fn new(items: &[Candidate]) -> BigramIndex {
        let mut bigrams = Bigrams::default();
        let mut ids: FastMap<Bigram, u32> = FastMap::default();
        let mut sizes = Vec::with_capacity(items.len());
        // (bigram id, item) of every item, and (bigram id, (item, repeats)).
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(items.len() * 24);
        let mut repeated: Vec<(u32, (u32, u32))> = Vec::new();
        let mut grams = Vec::new();
        let mut keys = Vec::with_capacity(items.len());
        for (i, c) in items.iter().enumerate() {
            grams.clear();
            let (size, key) = bigrams.of_keyed(c.title, &mut grams);
            sizes.push(size);
            keys.push(key);
            for &(g, n) in &grams {
                let next = ids.len() as u32;
                let id = *ids.entry(g).or_insert(next);
                pairs.push((id, i as u32));
                if n > 1 {
                    repeated.push((id, (i as u32, n - 1)));
                }
            }
        }
        let (starts, items) = flat_lists(ids.len(), &pairs);
        let (repeat_starts, repeats) = flat_lists(ids.len(), &repeated);
        BigramIndex {
            ids,
            starts,
            items,
            repeat_starts,
            repeats,
            shortest: sizes.iter().copied().min().unwrap_or(0),
            sizes,
            keys,
        }
    }

    /// Adds to `shared[i]` the bigrams item `i` shares with `grams` (with repeats: the
    /// smaller of the two counts).
    fn share(&self, grams: &[(Bigram, u32)], shared: &mut [u16]) {
        for &(g, n) in grams {
            let Some(&id) = self.ids.get(&g) else {
                continue;
            };
            let k = id as usize;
            let list = &self.items[self.starts[k] as usize..self.starts[k + 1] as usize];
            for &item in list {
                shared[item as usize] += 1;
            }
            if n > 1 {
                let more = &self.repeats
                    [self.repeat_starts[k] as usize..self.repeat_starts[k + 1] as usize];
                for &(item, m) in more {
                    shared[item as usize] += (n - 1).min(m) as u16;
                }
            }
        }
    }

    /// The items `allowed` most similar to `title` (sharing at least one bigram), most similar
    /// first, equal similarities in item order, as many as the matcher needs: when the most
    /// similar reaches [`MIN_SIMILARITY`], it and the next ones more similar than
    /// [`CLOSE`] — those the margin rule weighs — up to [`KEPT`]; otherwise the [`KEPT`]
    /// most similar (the closest titles a warning names). `scratch` holds a counter per item,
    /// all zero between calls.
    ///
    /// Nearly every item shares some bigram with a title, so rather than weighing them all,
    /// the items more similar than [`CLOSE`] are picked out first, by a test on whole vectors
    /// of counters. Only when none of them reaches [`MIN_SIMILARITY`] are all items weighed,
    /// a block of them skipped when even its largest share cannot reach the [`KEPT`]th best so
    /// far.
    pub(super) fn best(
        &self,
        title: &str,
        allowed: impl Fn(usize) -> bool,
        scratch: &mut Scratch,
    ) -> Vec<Near> {
        let mut grams = Vec::new();
        let total = scratch.bigrams.of(title, &mut grams);
        let Scratch {
            shared, shortlist, ..
        } = scratch;
        shared.resize(self.sizes.len(), 0);
        self.share(&grams, shared);
        // The items more similar than CLOSE: 2c/(t + s) > 11/20 ⇔ 40c > 11s + 11t, a test a
        // whole vector of counters at a time; a block is looked into only when one passes.
        let (over, times) = (CLOSE.num * total, 2 * CLOSE.den);
        let passes = |c: u16, s: u32| times * u32::from(c) > CLOSE.num * s + over;
        shortlist.clear();
        let blocks = shared.chunks(BLOCK).zip(self.sizes.chunks(BLOCK));
        for (b, (cs, ss)) in blocks.enumerate() {
            if cs
                .iter()
                .zip(ss)
                .fold(false, |any, (&c, &s)| any | passes(c, s))
            {
                let at = b * BLOCK;
                let close = cs.iter().zip(ss).enumerate();
                let close = close.filter(|(_, (c, s))| passes(**c, **s));
                shortlist.extend(close.map(|(i, _)| (at + i) as u32));
            }
        }
        let mut top = Top::default();
        for &i in shortlist.iter() {
            self.offer(&mut top, i as usize, total, shared, &allowed);
        }
        if top.0.first().is_none_or(|b| b.similarity < MIN_SIMILARITY) {
            top = self.all_items(total, shared, &allowed);
        }
        shared.fill(0);
        top.0
    }

    /// The [`KEPT`] most similar of all items (sharing a bigram).
    fn all_items(&self, total: u32, shared: &[u16], allowed: &impl Fn(usize) -> bool) -> Top {
        let mut top = Top::default();
        for (b, block) in shared.chunks(BLOCK).enumerate() {
            let most = u32::from(block.iter().copied().max().unwrap_or(0));
            // No item of the block is more similar than its largest share over the shortest
            // title allows.
            let bound = Ratio {
                num: 2 * most,
                den: total + self.shortest,
            };
            if most == 0 || top.floor().is_some_and(|f| bound <= f) {
                continue;
            }
            for i in b * BLOCK..b * BLOCK + block.len() {
                if shared[i] != 0 {
                    self.offer(&mut top, i, total, shared, allowed);
                }
            }
        }
        top
    }

    /// Weighs item `i` for `top` (items are offered in order).
    fn offer(
        &self,
        top: &mut Top,
        i: usize,
        total: u32,
        shared: &[u16],
        allowed: &impl Fn(usize) -> bool,
    ) {
        let similarity = Ratio {
            num: 2 * u32::from(shared[i]),
            den: total + self.sizes[i],
        };
        // An equal similarity later is never better.
        if top.floor().is_some_and(|f| similarity <= f) || !allowed(i) {
            return;
        }
        let at = top.0.partition_point(|b| b.similarity >= similarity);
        top.0.insert(
            at,
            Near {
                item: i,
                similarity,
            },
        );
        top.0.truncate(KEPT);
    }
}

/// The most similar items so far (at most [`KEPT`]), most similar first.
#[derive(Default)]
struct Top(Vec<Near>);

impl Top {
    /// The similarity an item must pass to enter, once full.
    fn floor(&self) -> Option<Ratio> {
        (self.0.len() == KEPT).then(|| self.0[KEPT - 1].similarity)
    }
}

/// 0.55: when the best reaches 0.6, only items more similar than this can be within the margin
/// of 0.05 of it.
const CLOSE: Ratio = Ratio { num: 11, den: 20 };
/// Counters looked at together.
const BLOCK: usize = 32;

/// A ranking's working memory, kept from one ranking to the next (one per thread).
#[derive(Default)]
pub(super) struct Scratch {
    shared: Vec<u16>,
    shortlist: Vec<u32>,
    bigrams: Bigrams,
}

/// How many of the most similar items a ranking keeps: the closest titles a warning names,
/// and one more for the margin rule.
pub(super) const KEPT: usize = super::CLOSEST_SHOWN + 1;

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// Dice similarity of two titles' character bigrams computed pair by pair: the definition
    /// the index is checked against.
    pub(in crate::adoption) fn similarity(a: &str, b: &str) -> Ratio {
        let mut bigrams = Bigrams::default();
        let (mut ga, mut gb) = (Vec::new(), Vec::new());
        let na = bigrams.of(a, &mut ga);
        let nb = bigrams.of(b, &mut gb);
        let (mut i, mut j, mut shared) = (0, 0, 0u32);
        while i < ga.len() && j < gb.len() {
            match ga[i].0.cmp(&gb[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += ga[i].1.min(gb[j].1);
                    i += 1;
                    j += 1;
                }
            }
        }
        Ratio {
            num: 2 * shared,
            den: na + nb,
        }
    }

    /// Titles of a few words drawn from a small vocabulary, so that many share bigrams and
    /// many similarities tie.
    fn titles(n: usize, seed: u64) -> Vec<String> {
        const WORDS: [&str; 12] = [
            "全区", "工业", "经济", "运行", "情况", "10月份", "11月份", "企业", "融资", "对接",
            "我局", "召开",
        ];
        let mut state = seed;
        let mut next = |k: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % k as u64) as usize
        };
        (0..n)
            .map(|_| (0..1 + next(6)).map(|_| WORDS[next(WORDS.len())]).collect())
            .collect()
    }

    fn candidates(titles: &[String]) -> Vec<Candidate<'_>> {
        let date = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
        titles
            .iter()
            .enumerate()
            .map(|(i, t)| Candidate {
                section: if i.is_multiple_of(3) {
                    "办公室"
                } else {
                    "经济运行股"
                },
                title: t,
                date,
            })
            .collect()
    }

    /// The index's ranking is the plain one: every item's similarity computed pair by pair,
    /// sorted (most similar first, then item order), the first [`KEPT`] of those above zero —
    /// of which, when the first reaches the threshold, those above [`CLOSE`].
    #[test]
    fn ranking_equals_the_pairwise_definition() {
        let items = titles(400, 0x9e37_79b9_7f4a_7c15);
        let cands = candidates(&items);
        let index = BigramIndex::new(&cands);
        let mut scratch = Scratch::default();
        let mut matched = 0;
        for query in titles(300, 0x2545_f491_4f6c_dd1d) {
            for narrowed in [false, true] {
                let allowed = |i: usize| !narrowed || i.is_multiple_of(3);
                let mut plain: Vec<Near> = (0..items.len())
                    .filter(|&i| allowed(i))
                    .map(|item| Near {
                        item,
                        similarity: similarity(&query, &items[item]),
                    })
                    .filter(|n| n.similarity.num > 0)
                    .collect();
                plain.sort_by(|a, b| b.similarity.cmp(&a.similarity).then(a.item.cmp(&b.item)));
                plain.truncate(KEPT);
                // When the best reaches the threshold, only those the margin rule weighs.
                if plain
                    .first()
                    .is_some_and(|b| b.similarity >= MIN_SIMILARITY)
                {
                    plain.retain(|n| n.similarity > CLOSE);
                    matched += 1;
                }
                let got = index.best(&query, allowed, &mut scratch);
                assert_eq!(got, plain, "{query}");
            }
        }
        assert!(
            matched > 20 && matched < 550,
            "both cases are tested: {matched}"
        );
        assert!(
            scratch.shared.iter().all(|&c| c == 0),
            "counters left at zero"
        );
    }

    #[test]
    fn exact_matches_fold_like_the_merge() {
        let items = [
            "关于（一）工作".to_string(),
            "关于(一) 工作".into(),
            "关于(一)工作".into(),
        ];
        let cands = candidates(&items);
        let keys = BigramIndex::new(&cands).keys;
        let got = exact_matches(&[" 关于(一)工作", "别的", "关于（一） 工作"], &cands, &keys);
        assert_eq!(got, [vec![0, 2], vec![], vec![1]]);
    }
}
