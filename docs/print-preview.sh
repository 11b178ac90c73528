#!/usr/bin/env bash
# Renders the first printed page of each kind of workbook zwxx writes, as LibreOffice prints
# it on A4, into docs/*-preview.png (100 dpi: the page at 100 %): the results workbook's
# 考核排名, 得分明细 and a section's sheet (经济运行股), the feedback workbook with the most
# problems, the form's 报送信息 sheet and the register's first page. tests/print.rs checks the
# same PDFs (every page A4, no text under 9 pt). Needs soffice, pdftotext, pdftoppm and a CJK
# font (fonts-wqy-zenhei): 宋体 and 黑体 are substituted by what is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo build -q
# Exit status 1 only says the sample year has validation errors (it has, on purpose).
target/debug/zwxx score samples/2019 -q -o "$tmp/results.xlsx" --feedback "$tmp/fb" >/dev/null ||
    [ $? -eq 1 ]
target/debug/zwxx template --year 2019 -o "$tmp" >/dev/null
feedback=$(ls -S "$tmp"/fb/*.xlsx | head -1)
soffice "-env:UserInstallation=file://$tmp/lo" --headless --convert-to pdf --outdir "$tmp/pdf" \
    "$tmp/results.xlsx" "$feedback" "$tmp/政务信息报送表.xlsx" "$tmp/考核登记表.xlsx" >/dev/null 2>&1

# The first page of PDF $1 whose text begins with $2 (its sheet's title).
page_of() {
    local pages n
    pages=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
    for ((n = 1; n <= pages; n++)); do
        if pdftotext -f "$n" -l "$n" "$1" - | grep -v '^\s*$' | head -1 | grep -Eq "^$2"; then
            echo "$n"
            return
        fi
    done
    echo "no page of $1 begins with $2" >&2
    exit 1
}

render() { # PDF PAGE NAME
    pdftoppm -r 100 -png -singlefile -f "$2" -l "$2" "$1" "docs/$3-preview"
    echo "docs/$3-preview.png"
}

results="$tmp/pdf/results.pdf"
render "$results" 1 results
render "$results" "$(page_of "$results" '2019年度政务信息得分明细')" breakdown
render "$results" "$(page_of "$results" '经济运行股 2019年度')" section
render "$tmp/pdf/$(basename "${feedback%.xlsx}").pdf" 1 feedback
form="$tmp/pdf/政务信息报送表.pdf"
render "$form" "$(page_of "$form" '政务信息报送表[(（]2019年度')" template
render "$tmp/pdf/考核登记表.pdf" 1 register
