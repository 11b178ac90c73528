"""Lay page images side by side on a grey ground, top-aligned, and write one PNG.

Usage: python3 docs/side_by_side.py OUT.png PAGE.ppm...   (binary PPM, as pdftoppm writes)
Standard library only: the PPMs are read as bytes and the PNG is written with zlib.
"""
import struct
import sys
import zlib

GAP = 16
GROUND = bytes((200, 200, 200))


def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    magic, w, h, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    assert magic == b"P6" and maxval == 255, path
    pixels = data[pos + 1:pos + 1 + w * h * 3]
    return w, h, [pixels[r * w * 3:(r + 1) * w * 3] for r in range(h)]


def chunk(kind, body):
    c = kind + body
    return struct.pack(">I", len(body)) + c + struct.pack(">I", zlib.crc32(c))


def main(out, pages):
    pages = [read_ppm(p) for p in pages]
    width = GAP + sum(w + GAP for w, _, _ in pages)
    height = 2 * GAP + max(h for _, h, _ in pages)
    raw = bytearray()
    for y in range(height):
        raw += b"\0" + GROUND * GAP
        for w, h, rows in pages:
            r = y - GAP
            raw += rows[r] if 0 <= r < h else GROUND * w
            raw += GROUND * GAP
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    png += chunk(b"IEND", b"")
    open(out, "wb").write(png)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
