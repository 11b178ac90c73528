//! Arbitrary bytes → `read_workbook` → both phase-1 parsers, as `read::load` would run them
//! (plus the parser `load` would not pick, for coverage). A panic anywhere — even one
//! `read_workbook` would catch and report, since libfuzzer's hook aborts first — a run
//! longer than `-timeout`, or memory past `-rss_limit_mb` is a finding.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zwxx::read::workbook::{Limits, read_workbook, sniff};
use zwxx::register::{is_register, parse_register};
use zwxx::rules::Rules;
use zwxx::validate::parse_section;

static RULES: OnceLock<Rules> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let rules = RULES.get_or_init(Rules::default_rules);
    let _ = sniff(data);
    let Ok(wb) = read_workbook(data, &Limits::default()) else {
        return;
    };
    let _ = is_register(&wb);
    let _ = parse_register("fuzz.xlsx", &wb, rules);
    let _ = parse_section(0, "fuzz.xlsx", &wb, rules);
});
