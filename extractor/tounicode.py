"""ToUnicode maps read the short way: pdfminer's result, a tenth of its time.

Both readers take a font's Unicode map from pdfminer's font objects (the
PDFium reader for the fonts' declared widths by character, the first pass
for the characters a page's fonts can give).  pdfminer reads a ToUnicode
CMap with its PostScript parser, a token at a time in Python: about 1 ms
per kilobyte, a tenth of reading the pages of a real budget whose fonts
each carry a few thousand ``bfchar`` entries.

``read_map`` reads the ordinary form of such a map with one regular
expression and returns exactly the table pdfminer's ``CMapParser`` fills
(``FileUnicodeMap.cid2unichr``, in the same order), or None for anything
else: a map that uses another (``usecmap``), CID ranges, ``WMode``, glyph
names, unusual code lengths, odd hex digits, anything but hex
strings inside a ``bf`` block, entries pdfminer would warn about or skip,
a block after ``endcmap``, NUL bytes, words pdfminer cuts into several
tokens (``1endcmap``), a ``def`` or ``>>`` pdfminer raises on, tokens the
expression does not know.  Then pdfminer parses the map as before (and
raises where it raised).  ``tests/test_tounicode.py`` compares both on
every ToUnicode map of the fixtures and real documents,
``tests/test_tounicode_fuzz.py`` on thousands of mutants of them.

The map's own attributes (``CMapName``, ``CIDSystemInfo``: what its
``def`` entries set, which only the map's ``repr`` shows) are not kept.

``quick_maps()`` makes pdfminer's font loading use it for the fonts
loaded inside the ``with`` block (``pdfminer.pdffont`` looks its
``CMapParser`` up when a font is made); pdfminer is left as it was after.
"""

from __future__ import annotations

import binascii
import contextlib
import io
import re
import struct
import threading
from typing import Iterator, Optional

# pdfminer's white space is ``\s`` (with the vertical tab); NUL separates
# some tokens and is part of others (see read_map).
_TOKEN = re.compile(rb"""
    (?P<space>[\t\n\x0b\x0c\r ]+)
  | %[^\r\n]*
  | (?P<open><<|\[)
  | (?P<close>>>|\])
  | (?P<object>\([^()\\]*\)
      | <(?P<hex>[0-9A-Fa-f\t\n\x0b\x0c\r ]*)>
      | /[^\t\n\x0b\x0c\r ()<>\[\]{}/%]*)
  | (?P<word>[^\t\n\x0b\x0c\r ()<>\[\]{}/%]+)
""", re.X)

#: The words pdfminer reads as one token: a keyword (a letter first; it
#: ends a keyword at ``#``) or a number.  It cuts others into several
#: (``1endcmap``, ``*endbfchar``, ``end#cmap``).
_KEYWORD = re.compile(rb"[A-Za-z][^#]*")
_NUMBER = re.compile(rb"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

_SPACE = re.compile(rb"[\t\n\x0b\x0c\r ]")

#: Words that mean the map is not of the ordinary form read here.
_OTHER = (b"usecmap", b"begincidrange", b"endcidrange", b"begincidchar", b"endcidchar", b"WMode")

_BEGIN = {b"beginbfchar": "bfchar", b"beginbfrange": "bfrange", b"begincodespacerange": "other",
          b"beginnotdefrange": "other"}
_END = {b"endbfchar": "bfchar", b"endbfrange": "bfrange", b"endcodespacerange": "other",
        b"endnotdefrange": "other"}

#: The code lengths of real maps (bytes); a map with others is left to
#: pdfminer, whose ``nunpack`` has read other lengths differently across
#: its versions.
_LENGTHS = (1, 2, 3, 4, 8)


class _NotOrdinary(Exception):
    pass


def read_map(data: bytes) -> Optional[dict[int, str]]:
    """The table pdfminer's ``CMapParser`` makes of the ToUnicode map
    ``data`` (code -> text), or None when the map is not of the ordinary
    form (see the module's doc)."""
    # NUL: pdfminer skips it between tokens but keeps it inside a keyword
    # or name, and it ends a hex string (the digits after it are numbers).
    if b"\x00" in data or any(word in data for word in _OTHER):
        return None
    try:
        return _read(data)
    except _NotOrdinary:
        return None


def _read(data: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    in_cmap = True  # pdfminer's: endcmap ends it, begincmap starts it again
    # The arrays ("[") and dictionaries ("<<") open, and how many objects
    # pdfminer's stack holds in each (the outermost, counts[0], in none):
    # its "def" takes two and its ">>" an even number, or it raises.
    opened: list[bytes] = []
    counts = [0]
    position, size = 0, len(data)
    while position < size:
        match = _TOKEN.match(data, position)
        if match is None:
            raise _NotOrdinary  # a token the expression does not know
        position = match.end()
        word, opening, closing = match.group("word"), match.group("open"), match.group("close")
        if match.group("object") is not None:
            counts[-1] += 1
        elif opening is not None:
            opened.append(opening)
            counts.append(0)
        elif closing is not None:
            if opened and (opened[-1], closing) in ((b"[", b"]"), (b"<<", b">>")):  # else pdfminer ignores it
                if closing == b">>" and counts[-1] % 2:
                    raise _NotOrdinary  # pdfminer raises: a key without its value
                opened.pop()
                counts.pop()
                counts[-1] += 1
        elif word is None:
            continue  # white space or a comment
        elif _NUMBER.fullmatch(word) or word in (b"true", b"false"):
            counts[-1] += 1
        elif not _KEYWORD.fullmatch(word):
            raise _NotOrdinary
        elif word == b"begincmap":
            in_cmap, counts[-1] = True, 0
        elif word == b"endcmap":
            in_cmap = False
        elif word in _END or (word in _BEGIN and not in_cmap):
            raise _NotOrdinary  # an end without its begin, a block pdfminer skips
        elif not in_cmap:
            continue  # pdfminer ignores the other keywords after endcmap
        elif word == b"def":
            if counts[-1] < 2:
                raise _NotOrdinary  # pdfminer raises
            counts[-1] -= 2
        elif word in _BEGIN:
            position = _block(data, position, _BEGIN[word], table)
            counts[-1] = 0  # the block's begin and end keywords empty the stack
        else:
            counts[-1] += 1  # pdfminer keeps the other keywords on its stack
    return table


#: The inside of a block: hex strings (and, in ``bfrange``, arrays of
#: them) between white space, nothing else.
_SPACES = rb"[\t\n\x0b\x0c\r ]*"
_HEXES = rb"<[0-9A-Fa-f\t\n\x0b\x0c\r ]*>"
_ONLY_HEXES = re.compile(rb"(?:" + _SPACES + _HEXES + rb")*" + _SPACES)
_INSIDE = {
    "bfchar": _ONLY_HEXES,
    "bfrange": re.compile(rb"(?:" + _SPACES + rb"(?:" + _HEXES + rb"|\[(?:" + _SPACES + _HEXES + rb")*" + _SPACES
                          + rb"\]))*" + _SPACES),
    "other": _ONLY_HEXES,
}
_ITEM = re.compile(rb"<([^>]*)>|(\[)|\]")
_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>" + _SPACES + rb"<([0-9A-Fa-f]+)>")
_PAIRS = re.compile(rb"(?:" + _SPACES + _PAIR.pattern + rb")*" + _SPACES)


def _block(data: bytes, position: int, block: str, table: dict[int, str]) -> int:
    """Read the block whose begin keyword ends at ``position`` into
    ``table``; where its end keyword ends."""
    inside = _INSIDE[block].match(data, position)
    assert inside is not None  # the expression matches the empty string
    end = inside.end()
    word = _TOKEN.match(data, end)
    if word is None or _END.get(word.group("word") or b"") != block:
        raise _NotOrdinary  # a keyword, name, number or string inside a block: pdfminer keeps it as an entry
    if block == "other":
        return word.end()
    if block == "bfchar" and _PAIRS.fullmatch(data, position, end):
        # The usual block: pairs of hex strings without spaces inside.
        for code, value in _PAIR.findall(data, position, end):
            if len(code) % 2 or len(value) % 2 or len(code) // 2 not in _LENGTHS:
                raise _NotOrdinary
            point = int(value, 16) if len(value) == 4 else -1
            if point >= 0 and not 0xD800 <= point <= 0xDFFF and point != 0xA0:
                table[int(code, 16)] = chr(point)  # one UTF-16 unit: itself
            else:
                _put(table, int(code, 16), binascii.unhexlify(value))
        return word.end()
    items: list = []
    array: Optional[list] = None
    for item in _ITEM.finditer(data, position, end):
        digits, opening = item.group(1), item.group(2)
        if digits is not None:
            (array if array is not None else items).append(_hex(digits))
        elif opening:
            array = []
        else:
            items.append(array)
            array = None
    if block == "bfchar":
        _add_chars(table, items)
    else:
        _add_ranges(table, items)
    return word.end()


def _hex(digits: bytes) -> bytes:
    digits = _SPACE.sub(b"", digits)
    if not digits or len(digits) % 2:
        raise _NotOrdinary  # pdfminer reads an odd last digit as a byte of its own
    return bytes.fromhex(digits.decode("ascii"))


def _code(value: bytes) -> int:
    if len(value) not in _LENGTHS:
        raise _NotOrdinary
    return int.from_bytes(value, "big")


def _put(table: dict[int, str], cid: int, value: bytes) -> None:
    # pdfminer's FileUnicodeMap.add_cid2unichr, for a UTF-16BE value.
    text = value.decode("UTF-16BE", "ignore")
    if text == "\u00a0" and table.get(cid) == " ":
        return
    table[cid] = text


def _add_chars(table: dict[int, str], items: list[bytes]) -> None:
    # A bfchar block holds hex strings only (``_INSIDE``): no arrays here.
    for k in range(0, len(items) - 1, 2):
        _put(table, _code(items[k]), items[k + 1])


def _add_ranges(table: dict[int, str], items: list) -> None:
    for k in range(0, len(items) - 2, 3):
        first, last, value = items[k], items[k + 1], items[k + 2]
        if isinstance(first, list) or isinstance(last, list) or len(first) != len(last):
            raise _NotOrdinary  # pdfminer warns and skips the entry
        start, end = _code(first), _code(last)
        if isinstance(value, list):
            if len(value) != end - start + 1:
                raise _NotOrdinary  # pdfminer warns
            for cid, item in zip(range(start, end + 1), value):
                _put(table, cid, item)
            continue
        var = value[-4:]
        base, prefix, width = _code(var), value[:-4], len(var)
        if end >= start and base + (end - start) > 0xFFFFFFFF:
            raise _NotOrdinary  # pdfminer's struct.pack fails
        for i in range(end - start + 1):
            _put(table, start + i, prefix + struct.pack(">L", base + i)[-width:])


_LOCK = threading.Lock()


@contextlib.contextmanager
def quick_maps() -> Iterator[None]:
    """pdfminer loads the fonts made inside the block with ``read_map``
    (falling back to its own parser where it returns None).  Blocks may
    nest and run in several threads: the first in puts the stand-in in
    place and the last out restores pdfminer's parser; a font made by
    another thread meanwhile gets the same table either way."""
    import pdfminer.pdffont as pdffont

    global _USERS
    with _LOCK:
        if _USERS == 0:
            pdffont.CMapParser = _parser_class(pdffont.CMapParser)  # type: ignore[misc]
        _USERS += 1
    try:
        yield
    finally:
        with _LOCK:
            _USERS -= 1
            if _USERS == 0:
                pdffont.CMapParser = getattr(pdffont.CMapParser, "original", pdffont.CMapParser)  # type: ignore[misc]


_USERS = 0


def _parser_class(original):
    """A stand-in for pdfminer's ``CMapParser`` as ``pdffont`` uses it: made
    with the map and a stream, then ``run()``."""
    from pdfminer.cmapdb import FileUnicodeMap

    class QuickParser:
        def __init__(self, cmap, fp) -> None:
            self.cmap, self.fp = cmap, fp

        def run(self) -> None:
            data = self.fp.read()
            table = read_map(data) if type(self.cmap) is FileUnicodeMap and not self.cmap.cid2unichr else None
            if table is None:
                original(self.cmap, io.BytesIO(data)).run()
                return
            self.cmap.cid2unichr.update(table)

    QuickParser.original = original  # type: ignore[attr-defined]
    return QuickParser
