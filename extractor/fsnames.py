"""File names as they are on disk, in JSON and on one line of text.

A name need not be UTF-8: an archive unzipped from a ZIP made on Windows
carries GBK names (巨鹿县 as the bytes BE DE C2 B9 CF D8).  Python holds the
bytes it cannot decode as lone surrogates (U+DC80-U+DCFF, PEP 383), which
no UTF-8 file or terminal can take as they are.  The batch writes them
escaped, so that every name round-trips to the same bytes
(``os.fsencode(json.loads(...))``) and no name can stop a run.
"""

from __future__ import annotations

import os
import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def json_text(text: str) -> str:
    """JSON ``text`` with every lone surrogate written as its ``\\uXXXX``
    escape: valid UTF-8, and ``json.loads`` gives back the same string.
    Lone surrogates only occur inside JSON strings, so the escape is
    always in a string."""
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def without_surrogates(text: str) -> str:
    """``text`` with each undecodable byte of a name as ``\\xNN``: for
    tables and other places that need valid Unicode."""
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(_escaped_byte, text)


def shown(name: "str | os.PathLike[str]") -> str:
    """A name for a message on one line: undecodable bytes as ``\\xNN``,
    line breaks and other control characters escaped, so that a name
    holding a newline cannot split a ``FAILED`` line."""
    text = os.fspath(name)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escaped_char(ch) for ch in text)


def _escaped_byte(match: "re.Match[str]") -> str:
    return _escaped_char(match.group())


def _escaped_char(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that did not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
