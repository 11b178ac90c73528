#!/usr/bin/env bash
# Re-saves a few sample workbooks with LibreOffice Calc as .xls / .ods, replacing the .xlsx that
# `cargo run --example make_samples` wrote — as some staff send them. The generator cannot run
# LibreOffice reproducibly on every machine, so this step is separate and its output is committed.
# The list below must match CONVERTED in examples/make_samples.rs (tests/samples.rs checks it).
# Needs: apt-get install -y libreoffice-calc-nogui
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/2019"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

convert() { # FILE (under 2019/) FORMAT
  local src="$dir/$1" fmt="$2"
  if [ ! -f "$src" ]; then
    echo "skip $1: not found (already converted? run cargo run --example make_samples first)" >&2
    return
  fi
  soffice -env:UserInstallation="file://$profile" --headless --calc \
    --convert-to "$fmt" --outdir "$(dirname "$src")" "$src" >/dev/null
  rm "$src"
  echo "$1 -> ${1%.xlsx}.$fmt"
}

convert "中小企业股-2019-04.xlsx" xls
convert "园区管理办公室-2019-09.xlsx" ods
convert "轻工业股/轻工业股-累计-12月.xlsx" xls
