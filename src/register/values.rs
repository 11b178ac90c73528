//! The register's values read as the officer meant them. An obvious variant (`已完成` for
//! `按时按质完成`, `抄袭` for `明显抄袭`, `Y` for `是`) is read as meant and reported (W-REG-VALUE,
//! saying how it was read); anything else that scoring uses and cannot be read is a register
//! error, never a silent change of the results.

use calamine::Data;

use crate::cell::{self, cell_text, parse_number};
use crate::labels as l;
use crate::model::TaskStatus;

/// How a register value was read.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading<T> {
    /// Written exactly as the template asks.
    Exact(T),
    /// An obvious variant, read as `T` (worth a warning saying so).
    Variant(T),
    /// Not readable (a register error).
    Unknown,
}

/// `完成情况`: `按时按质完成` / `未完成`, or one of their plain variants.
pub fn task_status(text: &str) -> Reading<TaskStatus> {
    let t = cell::normalize_label(text);
    if t == l::STATUS_DONE {
        Reading::Exact(TaskStatus::Done)
    } else if t == l::STATUS_FAILED {
        Reading::Exact(TaskStatus::Failed)
    } else if l::STATUS_DONE_VARIANTS.contains(&t.as_str()) {
        Reading::Variant(TaskStatus::Done)
    } else if l::STATUS_FAILED_VARIANTS.contains(&t.as_str()) {
        Reading::Variant(TaskStatus::Failed)
    } else {
        Reading::Unknown
    }
}

/// A label of the rules (`扣分类别`, `采用级别`), or a value (white space removed) contained in
/// exactly one of them (`迟报` → `重要信息迟报`, `普刊` → `区政府办《政务信息》普刊`).
pub fn rule_label<'a>(text: &str, labels: &[&'a str]) -> Reading<&'a str> {
    let t = cell::normalize_label(text);
    if let Some(exact) = labels.iter().find(|x| **x == t) {
        return Reading::Exact(exact);
    }
    let holding = holding_labels(&t, labels);
    match holding.as_slice() {
        [one] => Reading::Variant(one),
        _ => Reading::Unknown,
    }
}

/// The labels that contain `text` (white space removed), for a message naming the candidates.
pub fn holding_labels<'a>(text: &str, labels: &[&'a str]) -> Vec<&'a str> {
    let t = cell::normalize_label(text);
    if t.is_empty() {
        return Vec::new();
    }
    labels.iter().copied().filter(|x| x.contains(&t)).collect()
}

/// `参与考核` written as a verb: `参加`, `不参加考核`.
const TAKES_PART: [&str; 4] = ["参加", "参与", "参加考核", "参与考核"];
const TAKES_NO_PART: [&str; 4] = ["不参加", "不参与", "不参加考核", "不参与考核"];

/// `参与考核`: `是` / `否` exactly, or any boolean form the section workbook accepts, or the
/// column's own verb (`参加`, `不参加`).
pub fn participates(d: &Data) -> Reading<bool> {
    let t = cell::normalize_label(&cell_text(d));
    if t == l::YES {
        return Reading::Exact(true);
    }
    if t == l::NO {
        return Reading::Exact(false);
    }
    if TAKES_PART.contains(&t.as_str()) {
        return Reading::Variant(true);
    }
    if TAKES_NO_PART.contains(&t.as_str()) {
        return Reading::Variant(false);
    }
    match cell::parse_bool(d) {
        Some(b) => Reading::Variant(b),
        None => Reading::Unknown,
    }
}

/// A yearly target (`年度信息条数任务`, `年度分值任务`): a number ≥ 0; 0 sets no target.
pub fn target(d: &Data) -> Option<f64> {
    parse_number(d).filter(|v| *v >= 0.0 && v.is_finite())
}

/// The largest `次数` of one deduction row: more is taken as a typing slip.
pub const MAX_COUNT: f64 = 1000.0;

/// `次数`: a positive whole number (at most [`MAX_COUNT`]).
pub fn count(d: &Data) -> Option<i64> {
    parse_number(d)
        .filter(|n| *n >= 1.0 && n.fract() == 0.0 && *n <= MAX_COUNT)
        .map(|n| n as i64)
}

/// The text `value` was read as, for the warning: `“已完成”按“按时按质完成”读取`.
pub fn read_as(column: &str, raw: &str, meant: &str) -> String {
    format!("{column}“{raw}”按“{meant}”读取。请改为“{meant}”，以免误读")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Data {
        Data::String(x.to_string())
    }

    #[test]
    fn task_status_variants() {
        assert_eq!(
            task_status("按时按质完成"),
            Reading::Exact(TaskStatus::Done)
        );
        assert_eq!(task_status(" 未完成 "), Reading::Exact(TaskStatus::Failed));
        for v in ["已完成", "完成", "按时完成", "√", "是"] {
            assert_eq!(task_status(v), Reading::Variant(TaskStatus::Done), "{v}");
        }
        for v in ["没有完成", "未按时完成", "逾期", "×", "否"] {
            assert_eq!(task_status(v), Reading::Variant(TaskStatus::Failed), "{v}");
        }
        for v in ["进行中", "完成了一半", "1"] {
            assert_eq!(task_status(v), Reading::Unknown, "{v}");
        }
    }

    #[test]
    fn deduction_label_by_containment() {
        let labels = ["重要信息迟报", "重要信息漏报", "明显抄袭", "泄密"];
        assert_eq!(rule_label("明显抄袭", &labels), Reading::Exact("明显抄袭"));
        assert_eq!(rule_label("抄 袭", &labels), Reading::Variant("明显抄袭"));
        assert_eq!(
            rule_label("迟报", &labels),
            Reading::Variant("重要信息迟报")
        );
        // Contained in two labels, or in none: not readable.
        assert_eq!(rule_label("重要信息", &labels), Reading::Unknown);
        assert_eq!(rule_label("迟到", &labels), Reading::Unknown);
        assert_eq!(holding_labels("重要信息", &labels).len(), 2);
    }

    #[test]
    fn participates_takes_the_boolean_forms() {
        assert_eq!(participates(&s("是")), Reading::Exact(true));
        assert_eq!(participates(&s("否")), Reading::Exact(false));
        assert_eq!(participates(&s("参加")), Reading::Variant(true));
        assert_eq!(participates(&s("不参加考核")), Reading::Variant(false));
        assert_eq!(participates(&s("N")), Reading::Variant(false));
        assert_eq!(participates(&s("√")), Reading::Variant(true));
        assert_eq!(participates(&Data::Bool(false)), Reading::Variant(false));
        assert_eq!(participates(&s("也许")), Reading::Unknown);
    }

    #[test]
    fn counts_and_targets() {
        assert_eq!(count(&s("2")), Some(2));
        assert_eq!(count(&Data::Float(3.0)), Some(3));
        for bad in ["0", "-1", "1.5", "两次", "100000"] {
            assert_eq!(count(&s(bad)), None, "{bad}");
        }
        assert_eq!(target(&s("30")), Some(30.0));
        assert_eq!(target(&s("0")), Some(0.0));
        assert_eq!(target(&s("-5")), None);
        assert_eq!(target(&s("三十")), None);
    }
}
