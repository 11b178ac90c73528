#!/usr/bin/env bash
# Fuzz the worker path (the reader as a worker runs it, the wire, the phase-1 parsers) for
# SECONDS (default 600) with one job, seeded with
# the project's own workbooks (tests/fixtures/**, templates/*.xlsx). Needs cargo-fuzz
# (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP lets the stable toolchain take its nightly
# flags. Extra arguments go to libFuzzer (e.g. -fork=1 -ignore_crashes=1 -ignore_timeouts=1
# -ignore_ooms=1 to keep going past findings). Findings land in fuzz/artifacts/read_and_parse/;
# replay one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run read_and_parse fuzz/artifacts/read_and_parse/<file>
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
shift || true
corpus=fuzz/corpus/read_and_parse
mkdir -p "$corpus"
find tests/fixtures templates -type f \( -name '*.xlsx' -o -name '*.xls' -o -name '*.ods' -o -name '*.xlsb' \) \
  -size +0 -exec cp -n {} "$corpus/" \;
# -timeout: one input taking over a second is a hang; -rss_limit_mb: a blow-up
RUSTC_BOOTSTRAP=1 cargo fuzz run read_and_parse "$corpus" -- \
  -max_total_time="$secs" -timeout=1 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 "$@"
