"""Small files that would hold a worker for minutes: an LZW bomb, a page
of a million rectangles, a page of 200,000 characters.  Made from the
sample at test time (``badfiles._with_page_content``)."""

from __future__ import annotations

import zlib
from pathlib import Path

import badfiles


def lzw_of_repeated_byte(byte: int, rounds: int) -> bytes:
    """LZW data (as PDF's LZWDecode reads it: early change, 9-12 bit codes)
    that decodes to about 7 MB of ``byte`` per round: each code is the last
    string plus one more byte, until the table is full, then a clear code."""
    codes = [256]
    for _ in range(rounds):
        codes.append(byte)
        codes.extend(range(258, 4096))  # 258: the byte twice, 259: three times …
        codes.append(256)
    codes.append(257)
    return _packed(codes)


def _packed(codes: list[int]) -> bytes:
    """The codes packed as the decoder reads them: 9 bits after a clear
    code, one bit more as its table reaches 511, 1023 and 2047 entries."""
    out = bytearray()
    buffer = bits = 0
    width, table, first = 9, 258, True
    for code in codes:
        buffer = (buffer << width) | code
        bits += width
        while bits >= 8:
            bits -= 8
            out.append((buffer >> bits) & 0xFF)
        buffer &= (1 << bits) - 1
        if code == 256:
            width, table, first = 9, 258, True
        elif code == 257:
            continue
        elif first:
            first = False
        else:
            table += 1
            width = {511: 10, 1023: 11, 2047: 12}.get(table, width)
    if bits:
        out.append((buffer << (8 - bits)) & 0xFF)
    return bytes(out)


def lzw_bomb(path: Path, page: int = 2, rounds: int = 6) -> Path:
    """The sample with an extra LZW content stream on one page, a few KB on
    disk, decoding to about ``7 * rounds`` MB."""
    import pikepdf

    with pikepdf.open(badfiles.SAMPLE) as pdf:
        stream = pikepdf.Stream(pdf, lzw_of_repeated_byte(ord(" "), rounds))
        stream.Filter = pikepdf.Name.LZWDecode
        target = pdf.pages[page - 1].obj
        target.Contents = pikepdf.Array([target.Contents, pdf.make_indirect(stream)])
        pdf.save(path, deterministic_id=True, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return path


def many_rectangles(path: Path, count: int = 1_000_000, page: int = 2) -> Path:
    return badfiles._with_page_content(path, badfiles._deflate_repeated(b"0 0 1 1 re\n", 11 * count), page)


def many_characters(path: Path, count: int = 200_000, page: int = 2) -> Path:
    content = b"BT /F1 1 Tf 0 0 Td (" + b"A" * count + b") Tj ET"
    return badfiles._with_page_content(path, zlib.compress(content), page)
