//! Arbitrary bytes → the worker path, in-process: `read_in_process` (what a worker runs), the
//! answer across the wire (postcard, as a worker sends it) and back, then both phase-1
//! parsers, as `load` runs them. A panic the reader catches is what a worker reports as a
//! corrupt file, so it is kept quiet here; any other panic — in zwxx's own reading code
//! around calamine, on the wire, in the parsers — a wire round trip that changes the
//! workbook, a run longer than `-timeout` or memory past the limits is a finding. (In the
//! real run, memory and time are bounded by each worker's cap and watchdog; run with
//! `-malloc_limit_mb=256` to see what a worker's cap would stop.)
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zwxx::read::workbook::{Limits, WorkbookData, quiet_reader_panics, read_in_process, sniff};
use zwxx::register::{is_register, parse_register};
use zwxx::rules::Rules;
use zwxx::validate::parse_section;

static RULES: OnceLock<Rules> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let rules = RULES.get_or_init(|| {
        quiet_reader_panics();
        Rules::default_rules()
    });
    let _ = sniff(data);
    let answer = read_in_process(data, &Limits::default());
    let wire = postcard::to_stdvec(&answer).expect("every answer encodes");
    let back: Result<WorkbookData, zwxx::read::workbook::ReadError> =
        postcard::from_bytes(&wire).expect("every answer decodes");
    assert_eq!(postcard::to_stdvec(&back).unwrap(), wire, "the wire changed the answer");
    let Ok(wb) = back else {
        return;
    };
    let _ = is_register(&wb);
    let _ = parse_register("fuzz.xlsx", &wb, rules);
    let _ = parse_section(0, "fuzz.xlsx", &wb, rules);
});
