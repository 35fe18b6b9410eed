"""A file's objects read the short way: pdfminer's result, a fraction of its time.

pdfminer reads an indirect object (``PDFDocument._getobj_parse``) with its
PostScript parser, a token at a time in Python: about 3 microseconds a
token.  A font dictionary carries its widths inline (a simple font's
``/Widths``, a CID font's ``/W``): a few hundred numbers, most of the
time the stream check and the fonts' metrics spend on a page whose fonts
are its own.

``read_object`` reads the ordinary object, ``N G obj`` and one value
followed by ``endobj``, with one regular expression over the file, and
returns exactly what pdfminer's parser returns for it: numbers (``int``
without a point, ``float`` with one), names (``PSLiteral``, decoded as
UTF-8 where they can be, as pdfminer decodes them), ``true``, ``false``,
``null``, references (``N G R``: ``PDFObjRef``), arrays and dictionaries
(a key whose value is ``null`` left out), strings without escapes or
brackets inside (``(Adobe)``), hex strings of whole bytes, and streams
whose ``/Length`` is right (``_stream``).  Anything
else returns ``_NOT_QUICK`` and pdfminer reads the object as before (and
raises where it raised): a string with an escape or a bracket, a
name with a ``#`` escape, a comment, NUL bytes, a
keyword it does not know, a number pdfminer would read otherwise or drop
(``--1``, ``1.2.3``), unbalanced brackets, a dictionary with an odd count
or a key that is not a name, a reference not made of two whole numbers,
anything after the value but ``endobj``, an object number other than the
one asked for (pdfminer's search for the right one).

``read_sequence`` reads an object stream's objects the same way (as
pdfminer's ``_get_objects`` lists them; there ``null`` is a keyword and
a reference outside an array or a dictionary makes pdfminer raise: both
are left to it).

``install(document)`` makes one ``PDFDocument`` read its objects this way
first (an attribute of the instance: pdfminer is not patched), from the
file's descriptor.  ``tests/test_quick_objects.py`` compares both readings on
every object of the fixtures and real documents, and on thousands of
mutants of them.
"""

from __future__ import annotations

import functools
import io
import os
import re
from typing import Any, Callable, Optional

#: One token and the white space before it.  White space is pdfminer's
#: (``\s`` of a bytes pattern).  A name or keyword runs to pdfminer's
#: ``END_LITERAL``/``END_KEYWORD`` set, and one that stops at ``#`` (a
#: name's escape) is not matched: the look-ahead also keeps the match from
#: stopping short.  A number starts as pdfminer's does, a sign or a digit
#: (then digits, then maybe a point and digits) or a point, and one that
#: pdfminer would read as two (``1.2.3``) is not matched.  Numbers in a
#: row (``run``: a font's widths) are one match.
_TOKEN = re.compile(
    rb"[ \t\n\r\f\v]*(?:"
    rb"(?P<run>[-+]?[0-9]+(?:\.[0-9]*)?(?:[ \t\n\r\f\v]+[-+]?[0-9]+(?:\.[0-9]*)?)+(?![.0-9]))"
    rb"|(?P<num>[-+]?[0-9]+(?:\.[0-9]*)?(?![.0-9])|[-+]?\.[0-9]+(?![.0-9]))"
    rb"|/(?P<name>[^#/%\[\]()<>{}\s]*)(?=[/%\[\]()<>{}\s]|\Z)"
    rb"|(?P<open><<|\[)|(?P<close>>>|\])"
    rb"|\((?P<str>[^()\\]*)\)|<(?P<hex>[0-9A-Fa-f \t\n\r\f\v]*)>"
    rb"|(?P<word>[A-Za-z][^#/%\[\]()<>{}\s]*)(?=[/%\[\]()<>{}\s]|\Z)"
    rb")"
)

_RUN, _NUM, _NAME, _OPEN, _CLOSE, _STR, _HEX, _WORD = (
    _TOKEN.groupindex[g] for g in ("run", "num", "name", "open", "close", "str", "hex", "word"))
#: An object's header: its number, a generation, "obj" (pdfminer's three tokens).
_HEAD = re.compile(rb"[ \t\n\r\f\v]*([-+]?[0-9]+)[ \t\n\r\f\v]+[-+]?[0-9]+(?:\.[0-9]*)?(?![.0-9])"
                   rb"[ \t\n\r\f\v]*obj(?=[/%\[\]()<>{}\s]|\Z)")
_SPACE = re.compile(rb"[ \t\n\r\f\v]+")
_EOL = re.compile(rb"[\r\n]")
#: How far after a stream's data ``endstream`` is looked for.
_AFTER_STREAM = 256
_STREAM_END = re.compile(rb"endstream[ \t\n\r\f\v]+endobj(?=[/%\[\]()<>{}\s])")
_BLANK = re.compile(rb"[ \t\n\r\f\v]*\Z")


class _NotQuick(Exception):
    """What the short way does not read: pdfminer reads it."""


def read_object(data, pos: int, objid: int, doc) -> Any:
    """The object ``objid`` at offset ``pos`` of ``data`` (the file's bytes),
    as pdfminer's ``_getobj_parse`` returns it, or ``_NOT_QUICK``."""
    got = _attempt(data, pos, objid, doc, lambda at, size: data[at:at + size])
    return _NOT_QUICK if got is _NEED_MORE else got


_NOT_QUICK = object()
_NEED_MORE = object()


def _attempt(data, pos: int, objid: int, doc, fetch: Callable[[int, int], bytes]) -> Any:
    """``_read``, its giving way returned: ``_NEED_MORE`` (the bytes may
    cut the object short) or ``_NOT_QUICK``."""
    try:
        return _read(data, pos, objid, doc, fetch)
    except _NeedMore:
        return _NEED_MORE
    except (_NotQuick, ValueError):  # (ValueError: an int of more digits than Python reads; pdfminer drops it)
        return _NOT_QUICK
    except _Raised as raised:
        raise raised.args[0] from None


class _Raised(Exception):
    """An exception pdfminer raises at the same point: raised as it is."""


class _NeedMore(_NotQuick):
    """The object may go on past the end of the bytes read."""


#: How close to the end of the bytes read a token that does not match may
#: be one cut short (a longer string or hex string cut short is left to
#: pdfminer).
_NEAR_END = 512


def _read(data, pos: int, objid: int, doc, fetch: Callable[[int, int], bytes]) -> Any:
    """``read_object``: raises ``_NotQuick`` (``_NeedMore``) where it gives
    way.  ``data`` may be the first bytes of the object only; ``fetch(at,
    size)`` reads bytes past them (a stream's data), ``at`` counted as in
    ``data``."""
    # A token that ends where the bytes end may go on after them (a number
    # cut in two reads as a smaller one), and one that does not match close
    # to their end may be cut short: read more (or leave it to pdfminer).
    end = len(data)
    head = _HEAD.match(data, pos)
    if head is None or head.end() == end:
        raise _NeedMore if end - pos < _NEAR_END else _NotQuick
    if int(head[1]) != objid:
        raise _NotQuick
    return _values(data, head.end(), doc, sequence=False, fetch=fetch)


def read_sequence(data: bytes, doc) -> Any:
    """The objects of an object stream's ``data`` (its header's numbers
    first), as pdfminer's ``_get_objects`` lists them (``PDFStreamParser``:
    every value outside an array or a dictionary is an object), or
    ``_NOT_QUICK``."""
    try:
        return _values(data, 0, doc, sequence=True)
    except (_NotQuick, ValueError):
        return _NOT_QUICK


def _values(data, pos: int, doc, sequence: bool, fetch: Optional[Callable[[int, int], bytes]] = None) -> Any:
    """The value after an object's header, up to ``endobj`` (pdfminer's
    ``PDFParser``; a stream: ``_stream``), or every value of ``data``
    (``sequence``: its ``PDFStreamParser``, where ``null`` is a keyword)."""
    from pdfminer.pdftypes import PDFObjRef
    from pdfminer.psparser import LIT

    match = _TOKEN.match
    end = len(data)
    stack: list[tuple[bytes, list]] = []
    current: list = []
    while True:
        m = match(data, pos)
        if m is None:
            if sequence and not stack and _BLANK.match(data, pos):
                return current
            raise _NeedMore if not sequence and end - pos < _NEAR_END else _NotQuick
        pos = m.end()
        if pos == end and not sequence:
            raise _NeedMore
        kind = m.lastindex
        if kind == _RUN:  # numbers in a row (a font's widths): one match, one split
            run = m[_RUN]
            if b"." in run:
                current.extend(float(n) if b"." in n else int(n) for n in run.split())
            else:
                current.extend(map(int, run.split()))
        elif kind == _NUM:
            token = m[_NUM]
            current.append(float(token) if b"." in token else int(token))
        elif kind == _NAME:
            raw = m[_NAME]
            try:
                current.append(LIT(str(raw, "utf-8")))
            except UnicodeDecodeError:
                current.append(LIT(raw))
        elif kind == _STR:
            current.append(bytes(m[_STR]))
        elif kind == _HEX:
            digits = _SPACE.sub(b"", m[_HEX])
            if len(digits) % 2:
                raise _NotQuick  # pdfminer reads a lone last digit as a byte of its own
            current.append(bytes.fromhex(digits.decode("ascii")))
        elif kind == _OPEN:
            stack.append((m[_OPEN], current))
            current = []
        elif kind == _CLOSE:
            if not stack or (stack[-1][0] == b"[") != (m[_CLOSE] == b"]"):
                raise _NotQuick
            opened, outer = stack.pop()
            if opened == b"[":
                outer.append(current)
            else:
                outer.append(_dictionary(current))
            current = outer
        else:
            word = m[_WORD]
            if word == b"true":
                current.append(True)
            elif word == b"false":
                current.append(False)
            elif word == b"null" and not sequence:
                current.append(None)
            elif word == b"R" and (stack or not sequence):  # (pdfminer's stream parser raises on one outside)
                if len(current) < 2 or type(current[-2]) is not int or type(current[-1]) is not int \
                        or current[-2] <= 0:
                    raise _NotQuick
                ref = PDFObjRef(doc, current[-2])
                del current[-2:]
                current.append(ref)
            elif word == b"endobj" and not sequence and not stack and len(current) == 1:
                return current[0]
            elif word == b"stream" and fetch is not None and not stack and len(current) == 1 \
                    and isinstance(current[0], dict):
                return _stream(data, m.start(_WORD), current[0], doc, fetch)
            else:
                raise _NotQuick


def _stream(data, at: int, attrs: dict, doc, fetch: Callable[[int, int], bytes]) -> Any:
    """The stream whose keyword ``stream`` is at ``at``, its dictionary
    ``attrs``, as pdfminer's ``PDFParser`` reads it: its data is the
    ``/Length`` bytes after the keyword's line; parsing goes on at the
    first ``endstream`` after them (what lies between is skipped), and
    ``endstream endobj`` ends it here.  A length pdfminer does not read
    from the dictionary (a rebuilt file, none given, not a whole number),
    data cut short by the end of the file, or anything else after it is
    left to pdfminer."""
    from pdfminer.pdftypes import PDFStream, int_value

    if getattr(getattr(doc, "_parser", None), "fallback", True) or "Length" not in attrs:
        raise _NotQuick
    try:
        length = int_value(attrs["Length"])  # (resolved as pdfminer resolves it)
    except KeyError:
        length = 0  # as pdfminer has it (its KeyError stands for no /Length)
    except Exception as exc:
        # pdfminer makes the same call here and raises the same: giving way
        # would resolve the length again at every level of a chain of them.
        raise _Raised(exc) from None
    if type(length) is not int or length < 0:
        raise _NotQuick
    eol = _EOL.search(data, at)
    if eol is None or eol.end() == len(data):
        raise _NeedMore if len(data) - at < _NEAR_END else _NotQuick
    start = eol.end() + (eol[0] == b"\r" and data[eol.end():eol.end() + 1] == b"\n")
    raw = fetch(start, length)
    after = fetch(start + length, _AFTER_STREAM)
    found = after.find(b"endstream")
    if len(raw) < length or found < 0:
        raise _NotQuick
    end = _STREAM_END.match(after, found)
    # pdfminer finds ``endstream`` a line at a time: a line the end of the
    # file cuts off (or a last CR, which may start a CRLF) is not searched.
    line_end = _EOL.search(after, found)
    if end is None or end.end() == len(after) or line_end is None \
            or (line_end.end() == len(after) and len(after) < _AFTER_STREAM):
        raise _NotQuick
    return PDFStream(attrs, bytes(raw), doc.decipher)


def _dictionary(objs: list) -> dict:
    """pdfminer's dictionary of a ``<< >>`` (``PSStackParser.nextobject``)."""
    from pdfminer.psparser import PSLiteral

    if len(objs) % 2:
        raise _NotQuick
    keys = objs[0::2]
    if not all(isinstance(k, PSLiteral) and isinstance(k.name, str) for k in keys):
        raise _NotQuick
    return {k.name: v for k, v in zip(keys, objs[1::2]) if v is not None}


#: The bytes read for an object at first, and the most read for one (a CJK
#: font's widths run to a few hundred kilobytes at most).
_FIRST_READ = 8 << 10
_MOST_READ = 8 << 20


def _read_at(fd: int, base: int, at: int, size: int) -> bytes:
    return os.pread(fd, size, base + at)


def install(document) -> bool:
    """Make ``document`` (a pdfminer ``PDFDocument`` of a file on disk) read
    its indirect objects with ``read_object`` first; False (nothing
    installed) when its file has no descriptor to read from.  The bytes of
    an object are read where it starts (``os.pread``: the file position
    pdfminer's parser keeps is not moved), a few kilobytes, then more while
    the object goes on past them."""
    parser = getattr(document, "_parser", None)
    original = getattr(document, "_getobj_parse", None)
    fp = getattr(parser, "fp", None)
    if parser is None or original is None or not hasattr(document, "_get_objects") or fp is None \
            or not hasattr(os, "pread"):
        return False
    try:
        fd = fp.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False

    def getobj_parse(pos: int, objid: int) -> Any:
        size = _FIRST_READ
        # (a closed file's descriptor may be another file's by now)
        while pos >= 0 and not fp.closed:
            try:
                data = os.pread(fd, size, pos)
            except (OSError, ValueError, OverflowError):
                break
            got = _attempt(data, 0, objid, document, functools.partial(_read_at, fd, pos))
            if got is _NOT_QUICK or (got is _NEED_MORE and (len(data) < size or size >= _MOST_READ)):
                break  # (needing more after the whole rest of the file was read: pdfminer's)
            if got is not _NEED_MORE:
                return got
            size *= 32
        return original(pos, objid)

    original_objects = document._get_objects

    def get_objects(stream) -> Any:
        from pdfminer.pdfdocument import LITERAL_OBJSTM

        n = stream.get("N")
        if stream.get("Type") is LITERAL_OBJSTM and type(n) is int:
            objs = read_sequence(stream.get_data(), document)
            if objs is not _NOT_QUICK:
                return objs, n
        return original_objects(stream)

    document._getobj_parse = getobj_parse
    document._get_objects = get_objects
    return True
