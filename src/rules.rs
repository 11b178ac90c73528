//! The scoring rules: `rules.toml` parsed into raw serde structs, then resolved into a checked
//! [`Rules`] value. The default is the bureau's plan, embedded from `templates/rules.toml`.
//!
//! Parse, then resolve: serde refuses unknown keys and wrong types (naming the key), and
//! [`Rules::from_raw`] refuses values that cannot be right (a zero cap, an empty category list,
//! duplicate labels), again naming the key. Every point value and count used anywhere in
//! scoring comes from here — none is written in code.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

use crate::error::Error;

/// The embedded default rules file, printed verbatim by `zwxx rules`.
pub const DEFAULT_RULES_TOML: &str = include_str!("../templates/rules.toml");

/// How an item adopted at several levels is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MultiAdoption {
    /// Every level's points are added (累加计分).
    Sum,
    /// Only the highest level's points count.
    Highest,
}

/// The rules file as written (raw). Field names are the TOML keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub multi_adoption: MultiAdoption,
    /// The bureau that issues the year-end notice; absent in rules files written before the
    /// notice existed, which get the seed's bureau.
    #[serde(default)]
    pub bureau: Bureau,
    pub base: Base,
    pub categories: Categories,
    pub adoption: Vec<Level>,
    pub tasks: Tasks,
    pub deduction: Vec<Level>,
    pub awards: Awards,
    #[serde(default)]
    pub checks: Checks,
}

/// The bureau (发文机关) that issues the year-end notice (通报草稿).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bureau {
    pub name: String,
}

/// The seed's bureau, named when a rules file has no `[bureau]`.
pub const DEFAULT_BUREAU: &str = "隆阳区工业和科技信息化局";

impl Default for Bureau {
    fn default() -> Self {
        Bureau {
            name: DEFAULT_BUREAU.to_string(),
        }
    }
}

/// 基础项.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Base {
    pub points_per_item: i64,
    pub cap: i64,
}

/// 信息类别 and which of them need a task id or the 主要负责人's approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Categories {
    pub names: Vec<String>,
    #[serde(default)]
    pub commissioned: Vec<String>,
    #[serde(default)]
    pub leader_approval: Vec<String>,
}

/// A labelled point value: an adoption level or a deduction category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub label: String,
    pub points: i64,
}

/// 约稿/调研任务 points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tasks {
    pub completed_points: i64,
    pub failed_points: i64,
}

/// 七 奖惩措施.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Awards {
    pub top_count: i64,
    pub top_title: String,
    pub top_min_final: i64,
    pub bottom_count: i64,
    pub bottom_title: String,
    pub ineligible_failed_tasks: i64,
    pub interview_missing_months: i64,
}

/// Thresholds of warnings that never change a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    pub long_title_chars: i64,
    pub classified_markers: Vec<String>,
}

impl Default for Checks {
    fn default() -> Self {
        Checks {
            long_title_chars: 80,
            classified_markers: ["秘密", "机密", "绝密", "涉密", "内部资料"]
                .map(String::from)
                .to_vec(),
        }
    }
}

impl Rules {
    /// The embedded default rules (the seed's plan).
    pub fn default_rules() -> Rules {
        Rules::parse(DEFAULT_RULES_TOML, "<内置规则>").expect("embedded rules are valid")
    }

    /// Load `--rules F`, or the default when `None`.
    pub fn load(path: Option<&Path>) -> Result<Rules, Error> {
        match path {
            None => Ok(Rules::default_rules()),
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|source| Error::RulesFile {
                    path: p.to_path_buf(),
                    source,
                })?;
                Rules::parse(&text, &p.display().to_string())
            }
        }
    }

    /// Parse and check rules text; `origin` names the file in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Rules, Error> {
        let raw: Rules = toml::from_str(text).map_err(|source| Error::RulesSyntax {
            origin: origin.to_string(),
            detail: describe_toml_error(&source, text),
            source: Box::new(source),
        })?;
        raw.checked()
            .map_err(|m| Error::Rules(format!("规则文件 {origin} 有误：{m}")))
    }

    /// The effective rules as TOML (what `zwxx rules --rules F` prints).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("rules serialise")
    }

    /// Resolve: normalise labels and refuse impossible values, naming the key.
    fn checked(mut self) -> Result<Rules, String> {
        let norm = |s: &mut String| *s = crate::cell::normalize_label(s);
        self.categories.names.iter_mut().for_each(norm);
        self.categories.commissioned.iter_mut().for_each(norm);
        self.categories.leader_approval.iter_mut().for_each(norm);
        self.adoption.iter_mut().for_each(|l| norm(&mut l.label));
        self.deduction.iter_mut().for_each(|l| norm(&mut l.label));

        self.bureau.name = self.bureau.name.trim().to_string();
        if self.bureau.name.is_empty() {
            return Err("bureau.name 不能为空（通报草稿的发文机关名称）".into());
        }
        if self.bureau.name.chars().any(char::is_control) {
            return Err("bureau.name 不能含换行等控制字符".into());
        }
        non_negative("base.points_per_item", self.base.points_per_item)?;
        if self.base.cap <= 0 {
            return Err(format!("base.cap 必须大于 0（现为 {}）", self.base.cap));
        }
        if self.categories.names.is_empty() {
            return Err("categories.names 不能为空".into());
        }
        unique("categories.names", self.categories.names.iter())?;
        for (key, list) in [
            ("categories.commissioned", &self.categories.commissioned),
            (
                "categories.leader_approval",
                &self.categories.leader_approval,
            ),
        ] {
            for c in list {
                if !self.categories.names.contains(c) {
                    return Err(format!("{key} 中的“{c}”不在 categories.names 中"));
                }
            }
        }
        if self.adoption.is_empty() {
            return Err("adoption 至少需要一个采用级别".into());
        }
        if self.adoption.len() > 32 {
            return Err("adoption 最多 32 个采用级别".into());
        }
        unique("adoption.label", self.adoption.iter().map(|l| &l.label))?;
        for l in &self.adoption {
            non_negative(&format!("adoption.points（“{}”）", l.label), l.points)?;
            if crate::labels::ITEM_FIXED_COLUMNS.contains(&l.label.as_str()) {
                return Err(format!("adoption.label “{}” 与表格固定列名重复", l.label));
            }
        }
        unique("deduction.label", self.deduction.iter().map(|l| &l.label))?;
        for l in &self.deduction {
            non_negative(&format!("deduction.points（“{}”）", l.label), l.points)?;
        }
        non_negative("tasks.completed_points", self.tasks.completed_points)?;
        non_negative("tasks.failed_points", self.tasks.failed_points)?;
        let a = &self.awards;
        non_negative("awards.top_count", a.top_count)?;
        non_negative("awards.bottom_count", a.bottom_count)?;
        for (key, v) in [
            ("awards.ineligible_failed_tasks", a.ineligible_failed_tasks),
            (
                "awards.interview_missing_months",
                a.interview_missing_months,
            ),
        ] {
            if v <= 0 {
                return Err(format!("{key} 必须大于 0（现为 {v}）"));
            }
        }
        for (key, v) in [
            ("awards.top_title", &a.top_title),
            ("awards.bottom_title", &a.bottom_title),
        ] {
            if v.trim().is_empty() {
                return Err(format!("{key} 不能为空"));
            }
        }
        if a.top_title.trim() == a.bottom_title.trim() {
            return Err("awards.top_title 与 awards.bottom_title 重复".into());
        }
        if self.checks.long_title_chars <= 0 {
            return Err(format!(
                "checks.long_title_chars 必须大于 0（现为 {}）",
                self.checks.long_title_chars
            ));
        }
        unique(
            "checks.classified_markers",
            self.checks.classified_markers.iter(),
        )?;
        if self
            .checks
            .classified_markers
            .iter()
            .any(|m| m.trim().is_empty())
        {
            return Err("checks.classified_markers 不能含空字符串".into());
        }
        Ok(self)
    }

    /// Labels of the adoption levels, in column order.
    pub fn adoption_labels(&self) -> impl Iterator<Item = &str> {
        self.adoption.iter().map(|l| l.label.as_str())
    }

    /// Index of a 信息类别 value, if allowed.
    pub fn category_index(&self, name: &str) -> Option<usize> {
        self.categories.names.iter().position(|c| c == name)
    }

    /// Whether a category must name a commissioned task.
    pub fn is_commissioned(&self, category: &str) -> bool {
        self.categories.commissioned.iter().any(|c| c == category)
    }

    /// Whether a category must be approved by the 主要负责人.
    pub fn needs_leader_approval(&self, category: &str) -> bool {
        self.categories
            .leader_approval
            .iter()
            .any(|c| c == category)
    }

    /// Points of a deduction category, if it is one.
    pub fn deduction_points(&self, label: &str) -> Option<i64> {
        self.deduction
            .iter()
            .find(|d| d.label == label)
            .map(|d| d.points)
    }
}

/// A TOML/serde error in Chinese: where (line and column, with the line's text) and what is
/// wrong. toml's own English stays out, but for an error not recognised here, quoted after
/// the Chinese as a detail.
fn describe_toml_error(e: &toml::de::Error, text: &str) -> String {
    let what = toml_problem(e.message().trim());
    match e.span() {
        Some(span) => {
            let at = span.start.min(text.len());
            let at = (0..=at)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..at].matches('\n').count() + 1;
            let column = text[line_start..at].chars().count() + 1;
            let line_text = text[line_start..].lines().next().unwrap_or("").trim();
            format!("第 {line} 行第 {column} 列（“{line_text}”）：{what}")
        }
        None => what,
    }
}

/// Syntax errors of a rules file, by the start of toml's description, in Chinese.
const TOML_SYNTAX: [(&str, &str); 13] = [
    ("unclosed array", "列表缺少右方括号“]”"),
    ("unclosed inline table", "缺少右花括号“}”"),
    ("unclosed table", "表名缺少右方括号“]”，应写成如 [bureau]"),
    ("invalid basic string", "文字缺少结尾的双引号"),
    ("invalid literal string", "文字缺少结尾的单引号"),
    ("invalid multi-line", "多行文字缺少结尾的三个引号"),
    ("duplicate key", "键或表重复，同一个键（或表）只能写一次"),
    ("key with no value", "键后面缺少“=”和值"),
    (
        "string values must be quoted",
        "文字须加双引号，如 name = \"某某局\"",
    ),
    ("invalid date", "日期无效"),
    ("unquoted keys cannot be empty", "缺少键名"),
    (
        "missing escaped value",
        "反斜杠“\\”后的转义无效（反斜杠本身请写成“\\\\”）",
    ),
    (
        "unexpected key or value",
        "此处有多余的内容，一行只能写一个“键 = 值”",
    ),
];

/// What a toml error says is wrong, in Chinese.
fn toml_problem(msg: &str) -> String {
    let between = |s: &str, a: &str, b: &str| -> Option<String> {
        let i = s.find(a)? + a.len();
        let j = s[i..].find(b)? + i;
        Some(s[i..j].to_string())
    };
    if let Some(k) = msg
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        format!("未知的键“{k}”（请检查拼写；可用 zwxx rules 查看全部键）")
    } else if let Some(k) = msg
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        format!("缺少键“{k}”")
    } else if let Some(v) = between(msg, "unknown variant `", "`") {
        let expected = msg.split("expected ").nth(1).unwrap_or("");
        let expected = expected
            .replace('`', "")
            .replace(" or ", "、")
            .replace(", ", "、");
        format!("取值“{v}”无效，可选：{expected}")
    } else if msg.starts_with("invalid type") {
        let expected = msg.split("expected ").nth(1).unwrap_or("").trim();
        let expected = match expected {
            "i64" | "an integer" => "整数",
            "a string" => "文字（加引号）",
            "a sequence" => "列表 [...]",
            other => other,
        };
        format!("类型不对，应为{expected}")
    } else if msg.starts_with("invalid unquoted key") {
        "键名只能由字母、数字、“-”和“_”组成（其他文字的键名须加双引号）".to_string()
    } else if let Some((_, zh)) = TOML_SYNTAX.iter().find(|(en, _)| msg.starts_with(en)) {
        (*zh).to_string()
    } else {
        format!("格式错误（toml 的原文说明：“{msg}”）")
    }
}

fn non_negative(key: &str, v: i64) -> Result<(), String> {
    if v < 0 {
        Err(format!("{key} 不能为负数（现为 {v}）"))
    } else {
        Ok(())
    }
}

fn unique<'a>(key: &str, labels: impl Iterator<Item = &'a String>) -> Result<(), String> {
    let mut seen = HashSet::new();
    for l in labels {
        if l.is_empty() {
            return Err(format!("{key} 不能含空标签"));
        }
        if !seen.insert(l.as_str()) {
            return Err(format!("{key} 中“{l}”重复"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        match Rules::parse(text, "t.toml") {
            Err(e) => e.to_string(),
            Ok(_) => panic!("expected refusal of {text}"),
        }
    }

    fn edited(from: &str, to: &str) -> String {
        assert!(
            DEFAULT_RULES_TOML.contains(from),
            "fixture text {from:?} not in rules"
        );
        DEFAULT_RULES_TOML.replacen(from, to, 1)
    }

    #[test]
    fn default_rules_are_the_seed_plan() {
        let r = Rules::default_rules();
        assert_eq!((r.base.points_per_item, r.base.cap), (2, 60));
        let levels: Vec<_> = r
            .adoption
            .iter()
            .map(|l| (l.label.as_str(), l.points))
            .collect();
        assert_eq!(
            levels,
            [
                ("区政府办《政务信息》普刊", 5),
                ("区政府办《政务信息》专刊", 10),
                ("省政府办公厅", 20),
                ("国务院办公厅", 20)
            ]
        );
        assert_eq!(r.multi_adoption, MultiAdoption::Sum);
        assert_eq!(r.deduction.len(), 6);
        assert_eq!(r.deduction_points("泄密"), Some(20));
        assert_eq!(r.deduction_points("重要信息瞒报"), Some(15));
        assert_eq!((r.tasks.completed_points, r.tasks.failed_points), (15, 15));
        assert_eq!(r.awards.top_count, 3);
        assert_eq!(r.awards.ineligible_failed_tasks, 2);
        assert_eq!(r.awards.interview_missing_months, 3);
    }

    #[test]
    fn printed_rules_round_trip() {
        let r = Rules::default_rules();
        let again = Rules::parse(&r.to_toml(), "printed").unwrap();
        assert_eq!(r, again);
    }

    #[test]
    fn refusals_name_the_key() {
        assert!(refused(&edited("cap = 60", "cap = 0")).contains("base.cap"));
        assert!(refused(&edited("cap = 60", "cap = -5")).contains("base.cap"));
        assert!(refused(&edited("cap = 60", "cap = 60\nbonus = 1")).contains("bonus"));
        let empty = edited(
            r#"names = ["常规信息", "重要信息", "突发信息", "约稿信息", "调研信息"]"#,
            "names = []",
        );
        assert!(refused(&empty).contains("categories.names"));
        let dup = edited("label = \"省政府办公厅\"", "label = \"国务院办公厅\"");
        let m = refused(&dup);
        assert!(
            m.contains("adoption.label") && m.contains("国务院办公厅"),
            "{m}"
        );
        let dup_ded = edited("label = \"泄密\"", "label = \"明显抄袭\"");
        assert!(refused(&dup_ded).contains("deduction.label"));
        let neg = edited("points = 5", "points = -5");
        assert!(refused(&neg).contains("adoption.points"));
        let bad_mode = edited("multi_adoption = \"sum\"", "multi_adoption = \"max\"");
        assert!(refused(&bad_mode).contains("multi_adoption"));
    }

    /// The notice's issuing unit: the seed's bureau by default and in rules files written
    /// before `[bureau]` existed; a blank name is refused naming the key.
    #[test]
    fn bureau_name_is_read_defaulted_and_checked() {
        assert_eq!(Rules::default_rules().bureau.name, DEFAULT_BUREAU);
        let other = edited(
            "name = \"隆阳区工业和科技信息化局\"",
            "name = \" 保山市某某局 \"",
        );
        assert_eq!(
            Rules::parse(&other, "t").unwrap().bureau.name,
            "保山市某某局"
        );
        let old = edited("[bureau]\nname = \"隆阳区工业和科技信息化局\"\n", "");
        assert_eq!(Rules::parse(&old, "t").unwrap().bureau.name, DEFAULT_BUREAU);
        let blank = edited("name = \"隆阳区工业和科技信息化局\"", "name = \"  \"");
        assert!(refused(&blank).contains("bureau.name"));
        let typo = edited("name = \"隆阳区工业和科技信息化局\"", "nmae = \"局\"");
        assert!(refused(&typo).contains("nmae"));
        assert!(Rules::default_rules().to_toml().contains("[bureau]"));
    }

    #[test]
    fn missing_file_is_refused_with_its_path() {
        let e = Rules::load(Some(Path::new("/nonexistent/规则.toml"))).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/规则.toml"));
    }

    #[test]
    fn labels_are_normalised() {
        let r = Rules::parse(&edited("label = \"泄密\"", "label = \" 泄 密: \""), "t").unwrap();
        assert!(r.deduction_points("泄密").is_some());
    }
}
