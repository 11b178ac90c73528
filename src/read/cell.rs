//! Placeholder until the cell module lands.

/// Remove all white space and one trailing colon.
pub fn normalize_label(s: &str) -> String {
    let mut t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if t.ends_with(':') || t.ends_with(':') {
        t.pop();
    }
    t
}
