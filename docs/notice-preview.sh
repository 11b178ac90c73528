#!/usr/bin/env bash
# Renders the sample year's notice as docs/notice-preview.png: zwxx writes the .docx,
# LibreOffice converts it to PDF, pdftoppm draws each page at 80 dpi, and side_by_side.py lays
# the pages next to each other. Needs soffice, pdftoppm and a CJK font (fonts-wqy-zenhei):
# the document's fonts (方正小标宋简体, 仿宋_GB2312 …) are substituted by what is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Exit status 1 only says the sample year has validation errors (it has, on purpose).
cargo run --release -q -- score samples/2019 -q -o "$tmp/results.xlsx" --notice "$tmp" >/dev/null ||
    [ $? -eq 1 ]
soffice "-env:UserInstallation=file://$tmp/lo" --headless --convert-to pdf --outdir "$tmp" \
    "$tmp"/*.docx >/dev/null
pdftoppm -r 80 "$tmp"/*.pdf "$tmp/page"
python3 docs/side_by_side.py docs/notice-preview.png "$tmp"/page-*.ppm
echo "docs/notice-preview.png"
