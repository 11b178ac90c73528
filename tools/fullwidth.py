#!/usr/bin/env python3
"""The project's punctuation convention (README "Messages"): Chinese text takes full-width
punctuation. This finds ASCII , : ; ? ( ) and a sentence-ending . written next to Chinese in
the texts people read — Rust string literals outside test modules, the help text of
src/cli.rs (clap's doc comments) and the comments of templates/rules.toml — and rewrites them
full-width (，：；？（）。). A space after a converted mark goes (full-width marks carry their
own). Left alone: format placeholders `{…}`, `!` (a cell reference, 报送信息!C7), dates,
numbers, codes, paths and any mark between two non-Chinese characters.

    python3 tools/fullwidth.py            # rewrite in place, list what changed
    python3 tools/fullwidth.py --check    # list what would change; exit 1 if anything

tests/punctuation.rs runs the check.
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FULL = {",": "，", ":": "：", ";": "；", "?": "？", "(": "（", ")": "）", ".": "。"}


def chinese(c):
    """A character of Chinese text: ideographs, CJK and full-width punctuation, quotes."""
    if len(c) != 1:
        return False
    o = ord(c)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or c in "“”‘’…—"
    )


def convert(text):
    """`text` (one literal's or comment's content) with the convention applied."""
    if not any(chinese(c) for c in text):
        return text
    out = list(text)
    # Placeholders: `{…}` but not `{{`/`}}`.
    skip = set()
    for m in re.finditer(r"(?<!\{)\{[^{}]*\}(?!\})", text):
        skip.update(range(m.start() + 1, m.end() - 1))
    opened = []  # whether each "(" met so far was converted
    n = len(text)
    for i, c in enumerate(text):
        if i in skip or c not in FULL:
            continue
        # The left neighbour as converted so far, the right one as written.
        left = next((x for x in reversed(out[:i]) if x), "")
        right = text[i + 1] if i + 1 < n else ""
        near = chinese(left) or chinese(right)
        brace = left == "}" or right == "{"
        if c == "(":
            # Converted with Chinese on either side or inside.
            close = text.find(")", i)
            inside = text[i + 1 : close] if close > 0 else ""
            yes = near or any(chinese(x) for x in inside)
            opened.append(yes)
        elif c == ")":
            yes = opened.pop() if opened else near
        elif c == ".":
            # A full stop ends a Chinese sentence: after Chinese, before nothing or space.
            yes = chinese(left) and right in ("", " ", "\n")
        elif c == ":":
            # Not a path's `::`, nor a range of cells between two placeholders (`{}:{}`).
            yes = near and ":" not in (left, right)
        else:
            yes = near or brace
        if yes:
            out[i] = FULL[c]
            if right == " " and c != "(":
                out[i + 1] = ""
    return "".join(out)


def literals(src):
    """(start, end) of the content of every string literal of Rust source `src`, and of the
    doc comments (`///`, `//!`) — the latter tagged — outside `#[cfg(test)]` modules."""
    stop = src.find("#[cfg(test)]")
    end_at = stop if stop >= 0 else len(src)
    i, spans = 0, []
    while i < end_at:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = end_at if j < 0 else j
            if src.startswith("///", i) or src.startswith("//!", i):
                spans.append((i + 3, j, "doc"))
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i)
            i = end_at if j < 0 else j + 2
        elif c == "r" and re.match(r'r#*"', src[i:]) and not (src[i - 1].isalnum() or src[i - 1] == "_"):
            hashes = re.match(r'r(#*)"', src[i:]).group(1)
            start = i + 2 + len(hashes)
            j = src.find('"' + hashes, start)
            spans.append((start, j, "raw"))
            i = j + 1 + len(hashes)
        elif c == '"':
            j = i + 1
            while src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            spans.append((i + 1, j, "str"))
            i = j + 1
        elif c == "'":
            if src[i + 1] == "\\":
                i = src.find("'", i + 3) + 1
            elif i + 2 < len(src) and src[i + 2] == "'":
                i += 3
            else:
                i += 1  # a lifetime
        else:
            i += 1
    return spans


def help_text(comment):
    """A doc comment of src/cli.rs that is help text (Chinese), not a note for programmers."""
    return sum(chinese(c) for c in comment) > sum(c.isascii() and c.isalpha() for c in comment)


def fix_rust(path, src):
    changes, out, last = [], [], 0
    cli = path.name == "cli.rs"
    for start, end, kind in literals(src):
        old = src[start:end]
        if kind == "doc" and not (cli and help_text(old)):
            continue
        if re.search(r"\.(docx|xlsx|csv)$", old):
            continue  # a file name, as SPEC names it
        new = convert(old)
        if new != old:
            changes.append((src.count("\n", 0, start) + 1, old.strip(), new.strip()))
        out.append(src[last:start])
        out.append(new)
        last = end
    out.append(src[last:])
    return "".join(out), changes


def fix_toml(src):
    changes, lines = [], src.split("\n")
    for k, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            new = convert(line)
            if new != line:
                changes.append((k + 1, line.strip(), new.strip()))
                lines[k] = new
    return "\n".join(lines), changes


def main():
    check = "--check" in sys.argv[1:]
    files = sorted((ROOT / "src").rglob("*.rs")) + [ROOT / "templates" / "rules.toml"]
    found = 0
    for path in files:
        src = path.read_text(encoding="utf-8")
        new, changes = fix_toml(src) if path.suffix == ".toml" else fix_rust(path, src)
        for line, old, repl in changes:
            found += 1
            print(f"{path.relative_to(ROOT)}:{line}: {old}  →  {repl}")
        if changes and not check:
            path.write_text(new, encoding="utf-8")
    if check and found:
        print(f"{found} texts break the punctuation convention: run python3 tools/fullwidth.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
