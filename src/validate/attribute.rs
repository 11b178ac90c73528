//! Every file is accounted to its section (SPEC Merge): a file or sheet refused with a file
//! error still belongs to a section when its `股室` cell names one, or names something whose
//! nearest roster name is unique (`经济运行科` → 经济运行股), or when exactly one roster name
//! appears in the file's name (`经济运行股-03月.xlsx`, unreadable). Its problems then reach
//! that section's sheet, its feedback workbook and its problem counts.

use crate::cell::normalize_label;
use crate::register::unique_closest;

/// The roster section a refused file or sheet belongs to, if one can be told: by the 股室
/// written in it, its unique near-miss, or the one roster name in the file's name (`file` is
/// the path as shown; only its last component counts).
pub fn attribute<'r>(written: Option<&str>, file: &str, roster: &[&'r str]) -> Option<&'r str> {
    let written = written.map(normalize_label).filter(|w| !w.is_empty());
    if let Some(w) = &written {
        if let Some(r) = roster.iter().find(|r| **r == w.as_str()) {
            return Some(r);
        }
        if let Some(r) = unique_closest(w, roster) {
            return Some(r);
        }
    }
    named_in(file_name(file), roster)
}

/// The one roster name the text holds, a name found only inside a longer one found too not
/// counting (`园区管理办公室-03` names 园区管理办公室, not also 办公室).
fn named_in<'r>(text: &str, roster: &[&'r str]) -> Option<&'r str> {
    let found: Vec<&str> = roster
        .iter()
        .copied()
        .filter(|r| !r.is_empty() && text.contains(r))
        .collect();
    let outer: Vec<&str> = found
        .iter()
        .copied()
        .filter(|r| !found.iter().any(|o| o != r && o.contains(r)))
        .collect();
    match outer.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// The last component of a path as shown (either separator).
fn file_name(display: &str) -> &str {
    display.rsplit(['/', '\\']).next().unwrap_or(display)
}

#[cfg(test)]
mod tests {
    use super::attribute;
    use crate::labels::DEFAULT_ROSTER;

    #[test]
    fn by_cell_near_miss_or_file_name() {
        let r = DEFAULT_ROSTER;
        assert_eq!(attribute(Some(" 办公室 "), "x.xlsx", &r), Some("办公室"));
        assert_eq!(
            attribute(Some("经济运行科"), "x.xlsx", &r),
            Some("经济运行股")
        );
        // A 股室 nothing is near falls back on the file name.
        assert_eq!(
            attribute(Some("财务股"), "in/科技管理股3月.xls", &r),
            Some("科技管理股")
        );
        assert_eq!(
            attribute(None, "in/园区管理办公室-03.xlsx", &r),
            Some("园区管理办公室")
        );
        assert_eq!(attribute(None, "a/办公室-03.xlsx", &r), Some("办公室"));
        // Two sections in the name, or none, or only in a folder: no one.
        assert_eq!(attribute(None, "办公室与轻工业股.xlsx", &r), None);
        assert_eq!(attribute(None, "3月.xlsx", &r), None);
        assert_eq!(attribute(None, "办公室/3月.xlsx", &r), None);
        assert_eq!(attribute(Some(""), "3月.xlsx", &r), None);
    }
}
