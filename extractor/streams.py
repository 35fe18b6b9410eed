"""Whether the streams a page uses can be inflated, before it is parsed.

Every stream a page uses is inflated with a bound (``Settings.max_stream_mb``):
a decompression bomb, a missing content stream or a missing font makes that
page *lost* (``PageLost``, with the reason); corrupt compressed data in a
stream the text depends on makes it *damaged*.  The check reads the file
through pdfminer's objects, whichever reader then parses the page.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import TYPE_CHECKING, Iterator, Optional

from .settings import Settings

if TYPE_CHECKING:
    from .pages import OpenedPDF

#: Objects visited per page when checking the streams it uses.
_WALK_BUDGET = 20000


class PageLost(Exception):
    """The page cannot be read; the message says why."""


class TooManyResources(Exception):
    """A page's resources and its forms' resources nest beyond the budget
    of ``font_specs`` (a hostile file)."""


#: Resource dictionaries visited per page by ``font_specs``.
_FONT_WALK_BUDGET = 2000


def font_specs(resources) -> Iterator[tuple[Optional[int], object]]:
    """(object id or None, font dictionary) of every font a page's
    resources name, and its form XObjects' resources (each form once),
    in the order pdfminer meets them.  Raises ``TooManyResources`` past
    ``_FONT_WALK_BUDGET`` dictionaries."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

    seen: set[int] = set()
    todo: list[object] = [resources]
    budget = _FONT_WALK_BUDGET
    while todo:
        budget -= 1
        if budget < 0:
            raise TooManyResources("too many resources to check")
        res = resolve1(todo.pop())
        if not isinstance(res, dict):
            continue
        fonts = resolve1(res.get("Font"))
        if isinstance(fonts, dict):
            for spec in fonts.values():
                yield (spec.objid if isinstance(spec, PDFObjRef) else None), spec
        xobjects = resolve1(res.get("XObject"))
        if isinstance(xobjects, dict):
            for ref in xobjects.values():
                if isinstance(ref, PDFObjRef):
                    if ref.objid in seen:
                        continue
                    seen.add(ref.objid)
                xobj = resolve1(ref)
                if isinstance(xobj, PDFStream) and "Resources" in xobj.attrs and \
                        str(getattr(resolve1(xobj.get("Subtype")), "name", "")) == "Form":
                    todo.append(xobj.attrs["Resources"])


_PageLost = PageLost


def check_page_streams(opened: OpenedPDF, ppage, settings: Settings) -> Optional[str]:
    """Before a page is parsed: inflate (with a bound) every stream it uses.
    Raises ``_PageLost`` for a decompression bomb or a missing content stream
    or font; returns a damage note for corrupt compressed data in a stream
    the text depends on (content, forms, ToUnicode and encoding CMaps; what
    inflates before the damage is kept, as pdfminer would).  Corrupt font
    programs are not reported: text extraction does not need them."""
    from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1

    page = ppage.page_obj
    limit = settings.max_stream_mb << 20
    lzw_limit = settings.max_lzw_mb << 20
    damage: Optional[str] = None

    def check(stream: PDFStream, role: str, text_needs_it: bool = True) -> None:
        nonlocal damage
        length = stream.attrs.get("Length")
        if isinstance(length, PDFObjRef) and resolve1(length) is None and not stream.rawdata:
            # The object holding the length is gone (a damaged file): the
            # parser then reads the stream as empty, silently.
            missing = f"{role} cannot be read: its length (object {length.objid}) is missing"
            if role.startswith("its content stream"):
                raise _PageLost(missing)
            if text_needs_it:
                damage = damage or missing
            return
        problem = _stream_problem(opened, stream, limit, lzw_limit)
        if problem is None:
            return
        kind, text = problem
        if kind == "bomb":
            raise _PageLost(f"{role} {text}")
        if text_needs_it:
            damage = damage or f"{role} {text}"

    contents = page.attrs.get("Contents")
    streams = []
    if contents is not None:
        items = resolve1(contents)
        for item in items if isinstance(items, list) else [contents]:
            obj = resolve1(item)
            if isinstance(obj, PDFStream):
                check(obj, f"its content stream{_objid(item, obj)}")
                streams.append(obj)
            elif isinstance(item, PDFObjRef):
                what = "is missing" if obj is None else "is not a stream"
                raise _PageLost(f"its content stream (object {item.objid}) {what}")
    # An operator takes two bytes at least (itself and a delimiter): content
    # shorter than twice the limit needs no count.
    if sum(len(_countable(obj) or b"") for obj in streams) > 2 * settings.max_page_operators:
        operators = 0
        for obj in streams:
            operators += _operator_count(obj)
            if operators > settings.max_page_operators:
                raise _PageLost(f"its content draws more than {settings.max_page_operators} objects "
                                "(Settings.max_page_operators): not a form page, a generated or hostile one")
    resources = page.resources if isinstance(page.resources, dict) else {}
    fonts = resolve1(resources.get("Font"))
    if isinstance(fonts, dict):
        for name, ref in fonts.items():
            font = resolve1(ref)
            if not isinstance(font, dict):
                where = f" (object {ref.objid})" if isinstance(ref, PDFObjRef) else ""
                raise _PageLost(f"its font /{name}{where} is missing")
    # Pages share their resources: a walk that found everything once need
    # not be repeated for the next page (the streams' verdicts are cached
    # anyway; the walk over the dictionaries cost 3 ms a page).
    walked = ("resources", id(resources))
    if resources and walked in opened.checked:
        return damage or opened.checked[walked]
    before, damage = damage, None
    # Objects a complete walk of an earlier page found clean (no bomb, no
    # damage under them) need no second look: pages give each other their
    # fonts and forms even where each has its resource dictionary of its own.
    clean = opened.checked.setdefault("clean objects", set())
    seen: set[int] = set()
    todo: list[tuple[str, object]] = [("Resources", resources)]
    budget = _WALK_BUDGET
    while todo and budget > 0:
        key, obj = todo.pop()
        budget -= 1
        if isinstance(obj, PDFObjRef):
            if obj.objid not in seen and obj.objid not in clean:
                seen.add(obj.objid)
                todo.append((key, resolve1(obj)))
            continue
        if isinstance(obj, PDFStream):
            subtype = getattr(obj.get("Subtype"), "name", None)
            if subtype == "Image":
                continue  # image data is never decoded for text
            needed = subtype == "Form" or key in ("ToUnicode", "Encoding")
            role = {"ToUnicode": "a ToUnicode map", "Encoding": "a font encoding"}.get(key, "a resource stream")
            check(obj, f"{'a form' if subtype == 'Form' else role}{_objid(None, obj)}", needed)
            items = [(k, v) for k, v in obj.attrs.items() if k not in ("Parent", "Length")]
        elif isinstance(obj, dict):
            items = [(k, v) for k, v in obj.items() if k != "Parent"]
        elif isinstance(obj, list):
            items = [(key, v) for v in obj]
        else:
            continue
        todo.extend((k, v) for k, v in items if isinstance(v, (PDFObjRef, PDFStream, dict, list)))
    if resources and not todo:
        opened.checked[walked] = damage
        if damage is None:
            clean.update(seen)
    return before or damage


def _objid(ref, obj) -> str:
    objid = getattr(ref, "objid", None) or getattr(obj, "objid", None)
    return f" (object {objid})" if objid is not None else ""


#: The operators that make a page object (path construction and painting
#: of rectangles and lines, text showing, XObjects), as tokens.
_OPERATORS = re.compile(rb"(?:(?<=[\s\])>])|^)(?:re|l|c|v|y|Tj|TJ|'|\"|Do)(?=[\s\[(<]|$)")


def _countable(stream) -> Optional[bytes]:
    """The data operators are counted on: the stream's when it is inflated
    already (``_inflate`` keeps Flate streams' data) or not compressed, else
    None (other filters are rare in content)."""
    return stream.data if stream.data is not None else (None if stream.get_filters() else stream.rawdata)


def _operator_count(stream) -> int:
    """How many drawing and text operators the stream holds (0 when its
    data is not ``_countable``)."""
    data = _countable(stream)
    return len(_OPERATORS.findall(data)) if data else 0


def _stream_problem(opened: OpenedPDF, stream, limit: int, lzw_limit: int) -> Optional[tuple[str, str]]:
    key = stream.objid
    if key is not None and key in opened.checked:
        return opened.checked[key]
    problem = _inflate(stream, limit, lzw_limit)
    if key is not None:
        opened.checked[key] = problem
    return problem


def _inflate(stream, limit: int, lzw_limit: int = 16 << 20) -> Optional[tuple[str, str]]:
    """Inflate the leading FlateDecode filters of a stream (one or several
    chained) in bounded steps.  ("bomb", …) when the output exceeds ``limit``
    bytes, ("corrupt", …) for bad or cut-short compressed data, else None.
    A stream whose filters are all Flate (no predictor) keeps what was
    inflated, so pdfminer does not inflate it again (nor attempt its slow
    byte-wise recovery of corrupt data)."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, LITERALS_LZW_DECODE

    if stream.data is not None:
        return ("bomb", f"inflates to {len(stream.data) >> 20} MB") if len(stream.data) > limit else None
    filters = stream.get_filters()
    layers = 0
    for f, params in filters:
        if f not in LITERALS_FLATE_DECODE:
            break
        layers += 1
    if not layers:
        if filters and filters[0][0] in LITERALS_LZW_DECODE:
            return _lzw_problem(stream, filters, lzw_limit)
        return None  # other filters expand little; the memory limit covers the rest
    data = stream.rawdata or b""
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    keep = layers == len(filters) and not any(isinstance(p, dict) and "Predictor" in p for _, p in filters)
    chunks: list[bytes] = []
    size = 0
    problem = None
    output: Iterator[bytes] = iter([data])
    for _ in range(layers):
        output = _inflate_steps(output)
    try:
        for out in output:
            size += len(out)
            if size > limit:
                return ("bomb", f"inflates beyond {limit >> 20} MB (a decompression bomb)")
            if keep:
                chunks.append(out)
    except _CutShort:
        problem = ("corrupt", "is cut short (its compressed data ends early)")
    except zlib.error as exc:
        problem = ("corrupt", f"has corrupt compressed data ({exc})")
    if keep:
        stream.data = b"".join(chunks)
        stream.rawdata = None
    return problem


class _CutShort(Exception):
    pass


def _lzw_problem(stream, filters, limit: int) -> Optional[tuple[str, str]]:
    """Decode a stream's leading LZW filter with a bound (pdfminer decodes
    it whole, in pure Python: minutes for a bomb).  ("bomb", …) past
    ``Settings.max_lzw_mb``; a stream that is LZW only keeps its data."""
    from pdfminer.lzw import LZWDecoder

    data = stream.rawdata or b""
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    chunks: list[bytes] = []
    size = 0
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        size += len(chunk)
        if size > limit:
            return ("bomb", f"decodes (LZW) beyond {limit >> 20} MB (a decompression bomb)")
        chunks.append(chunk)
    params = filters[0][1]
    if len(filters) == 1 and not (isinstance(params, dict) and "Predictor" in params):
        stream.data = b"".join(chunks)
        stream.rawdata = None
    return None


def _inflate_steps(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Inflate a sequence of compressed chunks, in bounded steps.  At bad
    data, the step is replayed byte by byte so that everything before the
    damage is still produced (as pdfminer's own recovery does, but only for
    the one step), then the error is raised."""
    inflater = zlib.decompressobj()
    seen = False
    step = 1 << 14
    for chunk in chunks:
        seen = seen or bool(chunk)
        for start in range(0, len(chunk), step):
            if inflater.eof:
                return
            piece = chunk[start:start + step]
            backup = inflater.copy()
            produced = 0
            try:
                pending = piece
                while pending and not inflater.eof:
                    out = inflater.decompress(pending, 1 << 20)
                    produced += len(out)
                    if out:
                        yield out
                    pending = inflater.unconsumed_tail
            except zlib.error:
                inflater, replayed = backup, 0
                for k in range(len(piece)):
                    out = inflater.decompress(piece[k:k + 1])  # raises at the damage
                    if replayed + len(out) > produced:
                        yield out[max(0, produced - replayed):]
                    replayed += len(out)
                    if inflater.eof:
                        return
                raise
        if inflater.eof:
            return
    if seen:
        out = inflater.flush()
        if out:
            yield out
        if not inflater.eof:
            raise _CutShort
