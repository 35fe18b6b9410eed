"""The characters of a page, read with PDFium, as the pdfplumber reader gives them.

PDFium parses a page's content ten times faster than pdfminer, but its
text page does not describe characters the way pdfminer does, and the rest
of the pipeline was built on pdfminer's description.  This module reads
PDFium's characters and rebuilds pdfminer's:

- a character's box is its advance (the width the font's ``/Widths`` or
  ``/W`` declare) by the font size, from the font's declared descent
  (``/Descent``, made negative) upwards, through the text matrix; PDFium's
  own "loose" box takes the width from the font program instead, which
  differs from the declared one (a substituted STSong digit: 0.49 em
  against 0.46), so the declared widths and descent are read from the
  fonts as pdfminer loads them (``FontMetrics``);
- coordinates are pdfplumber's: the page's ``/Rotate`` applied as pdfminer
  applies it, then top-down from the page box (``Geometry``);
- a space PDFium generated (between words, at line ends) is not a
  character;
- characters come in the order the page draws their text objects, which
  PDFium's text page does not always keep (it moves an object to the line
  it joins);
- a glyph without a Unicode mapping reads "(cid:?)", so the text check
  (``textcheck``) counts it as pdfminer's "(cid:N)" would be counted.

What PDFium's text page leaves out and pdfminer keeps (docs/how-it-works.md, "How it
works"): text objects without ink (a run of spaces drawn on its own),
runs of spaces (it keeps one), a glyph drawn again on itself (fake bold),
and positions after character spacing (``Tc``) differ where pdfminer
applies the spacing before a glyph instead of after it.

Each character is a tuple of what ``page_objects.read_page`` reads
(``page_objects.CHAR_FIELDS``: text, upright, size, x0, x1, top, bottom), so both
readers share the text check and the model.
"""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional, cast

from .clipping import shown
from .pdfium_calls import Calls
from .tounicode import quick_maps

#: What an unmapped glyph reads as (see ``textcheck.glyph_kind``).
UNMAPPED = "(cid:?)"


_F32 = struct.Struct("f").pack


@lru_cache(maxsize=65536)
def written(value: float) -> float:
    """The number the file most likely wrote for a single-precision
    ``value``: the shortest decimal that is the same float32.  PDFium keeps
    coordinates in single precision (754.189 comes back as
    754.1890258789062), pdfminer in double precision from the decimals of
    the content stream; a position computed from the one or the other
    falls on the other side of a snapping tolerance or a cell border now
    and then.  Restoring the decimals removes most of that difference."""
    packed = _F32(value)
    for digits in (6, 7, 8):
        shorter = float(f"{value:.{digits}g}")
        if _F32(shorter) == packed:
            return shorter
    return value


@dataclass(frozen=True)
class Geometry:
    """How pdfplumber places a page: pdfminer's device matrix for the
    page's rotation (``ctm``) and the top-down shift of pdfplumber
    (``height``, ``mb_x0``, ``mb_top``), from the same page attributes the
    pdfplumber reader uses, so both readers agree on the page box."""

    ctm: tuple[float, float, float, float, float, float]
    height: float
    mb_x0: float
    mb_top: float

    @classmethod
    def of(cls, ppage) -> "Geometry":
        """From a pdfplumber page (its pdfminer page's MediaBox and Rotate:
        ``pdfinterp.PDFPageInterpreter.process_page``)."""
        x0, y0, x1, y1 = ppage.page_obj.mediabox
        rotate = ppage.page_obj.rotate
        if rotate == 90:
            ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
        elif rotate == 180:
            ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
        elif rotate == 270:
            ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
        else:
            ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
        mb_x0, mb_top = ppage.mediabox[:2]
        a, b, c, d, e, f = (float(v) for v in ctm)
        return cls((a, b, c, d, e, f), float(ppage.height), float(mb_x0), float(mb_top))

    @property
    def upright(self) -> bool:
        """The page is not rotated: boxes keep their corners."""
        return self.ctm[:4] == (1.0, 0.0, 0.0, 1.0)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A box in PDF user space -> (x0, top, x1, bottom) as pdfplumber
        gives it: the corners through the device matrix, then top-down."""
        a, b, c, d, e, f = self.ctm
        if b == 0 and c == 0 and a == 1 and d == 1:
            left, right, low, high = x0 + e, x1 + e, y0 + f, y1 + f
        else:
            xs = (a * x0 + c * y0 + e, a * x1 + c * y1 + e, a * x0 + c * y1 + e, a * x1 + c * y0 + e)
            ys = (b * x0 + d * y0 + f, b * x1 + d * y1 + f, b * x0 + d * y1 + f, b * x1 + d * y0 + f)
            left, right, low, high = min(xs), max(xs), min(ys), max(ys)
        if self.mb_x0 != 0:
            left, right = left + self.mb_x0, right + self.mb_x0
        return left, (self.height - high) + self.mb_top, right, (self.height - low) + self.mb_top

    def matrix(self, a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
        """The linear part of a user-space matrix after the device matrix
        (for pdfminer's upright test)."""
        ra, rb, rc, rd = self.ctm[:4]
        return a * ra + b * rc, a * rb + b * rd, c * ra + d * rc, c * rb + d * rd


class FontMetrics:
    """The declared widths and descent of the fonts a page uses, as pdfminer
    loads them (``PDFResourceManager.get_font``: the same objects, cached
    for the document), looked up by a font's ``/BaseFont`` and a
    character's Unicode text, since PDFium names fonts but not the codes of
    the characters it read.  When several fonts of a page share a name, the
    one that maps the character and declares the width PDFium reads for it
    decides (``_same_width``); a font not found leaves the character to
    PDFium's own metrics."""

    def __init__(self, rsrcmgr) -> None:
        self.rsrcmgr = rsrcmgr
        self._fonts: dict[object, Optional[tuple]] = {}  # font key -> (font, DeclaredWidths) or None
        self._named: dict[int, dict[str, list[tuple]]] = {}  # id of a page's resources -> ``for_page``

    def for_page(self, resources) -> dict[str, list[tuple]]:
        """Base font name -> the page's fonts of that name (also those of
        its forms), each as (pdfminer font, its ``DeclaredWidths``: text ->
        width in text space)."""
        from pdfminer.pdftypes import dict_value, resolve1
        from pdfminer.psparser import PSLiteral

        from .streams import TooManyResources, font_specs

        if id(resources) in self._named:  # pages share their resources
            return self._named[id(resources)]
        named: dict[str, list[tuple]] = self._named.setdefault(id(resources), {})
        try:
            for objid, spec in font_specs(resources):
                key = objid if objid is not None else id(spec)
                if key not in self._fonts:
                    self._fonts[key] = self._load(objid, spec, dict_value, resolve1)
                loaded = self._fonts[key]
                if loaded is None:
                    continue
                base = resolve1(dict_value(spec).get("BaseFont"))
                name = base.name if isinstance(base, PSLiteral) else str(base or "")
                if isinstance(name, bytes):
                    name = name.decode("latin-1")
                # PDFium names a font with its subset tag or without
                # it: both names find it, the full name first.
                for alias in dict.fromkeys((name, _unprefixed(name))):
                    entries = named.setdefault(alias, [])
                    if loaded not in entries:
                        entries.append(loaded)
        except TooManyResources:
            pass  # the fonts found so far; the rest keep PDFium's own metrics
        return named

    def _load(self, objid, spec, dict_value, resolve1) -> Optional[tuple]:
        try:
            with quick_maps():
                font = self.rsrcmgr.get_font(objid, dict_value(spec))
        except MemoryError:
            raise
        except Exception:
            return None
        if font.is_vertical():
            return None  # vertical writing: boxes from advances down the page; left to PDFium
        return font, _widths_by_text(font)


def _widths_by_text(font) -> "DeclaredWidths":
    """{text: declared width in text space (em)} over every code the font
    maps to text (its ToUnicode map, its encoding) or gives a width of its
    own (``/Widths``, ``/W``): ``PDFFont.char_width`` of the lowest such
    code.  A font whose map is the identity (any code is its own
    character) is looked up by code instead (``_metrics``)."""
    codes = {cid for cid in font.widths if isinstance(cid, int)}
    unicode_map = getattr(font, "unicode_map", None)
    table = getattr(unicode_map, "cid2unichr", None)
    if isinstance(table, dict):
        codes.update(table)
    encoding = getattr(font, "cid2unicode", None)
    if isinstance(encoding, dict):
        codes.update(encoding)
    # A code its ToUnicode map holds reads as the map says (the first thing
    # ``to_unichr`` of pdfminer's simple and CID fonts tries), without the
    # call: a CJK font maps thousands of codes.
    mapped = table if isinstance(table, dict) and unicode_map and _reads_map_first(font, unicode_map) else {}
    first: dict[str, int] = {}
    for cid in sorted(codes):
        text = mapped.get(cid)
        if text is None:
            try:
                text = font.to_unichr(cid)
            except Exception:
                continue
        if text not in first:
            first[text] = cid
    return DeclaredWidths(font, first)


def _reads_map_first(font, unicode_map) -> bool:
    """Does ``font.to_unichr(cid)`` return ``unicode_map.cid2unichr[cid]``
    for every code the map holds (pdfminer's own fonts and maps, not a
    subclass that reads otherwise)?"""
    from pdfminer.cmapdb import UnicodeMap
    from pdfminer.pdffont import PDFCIDFont, PDFSimpleFont

    return (getattr(type(font), "to_unichr", None) in (PDFSimpleFont.to_unichr, PDFCIDFont.to_unichr)
            and getattr(type(unicode_map), "get_unichr", None) is UnicodeMap.get_unichr
            and "to_unichr" not in getattr(font, "__dict__", {})
            and "get_unichr" not in getattr(unicode_map, "__dict__", {}))


class DeclaredWidths:
    """A font's declared width of each text it maps (``_widths_by_text``),
    read from the font when a text is first looked up: a page uses a few
    hundred of the thousands of characters a CJK font maps."""

    __slots__ = ("_font", "_first", "_widths")

    def __init__(self, font, first: dict[str, int]) -> None:
        self._font = font
        self._first = first  # text -> the lowest code that reads as it
        self._widths: dict[str, float] = {}

    def __contains__(self, text: object) -> bool:
        return text in self._first

    def __getitem__(self, text: str) -> float:
        if text not in self._first:
            raise KeyError(text)
        return cast(float, self.get(text))

    def get(self, text: str, default: Optional[float] = None) -> Optional[float]:
        # One call, not ``__getitem__`` in a try: it runs for every glyph a
        # page meets first.
        width = self._widths.get(text)
        if width is None:
            code = self._first.get(text)
            if code is None:
                return default
            width = self._widths[text] = self._font.char_width(code)
        return width

    def __len__(self) -> int:
        return len(self._first)


def _metrics(candidates: list[tuple], text: str) -> Optional[tuple[float, float]]:
    """(width in em, descent in em) of ``text`` in the first of the fonts
    that maps it: fonts of one name may be a simple font and a CID font
    (Word writes both under one subset name); then a font whose map is
    the identity; else the first font's default width."""
    if not candidates:
        return None
    for font, widths in candidates:
        width = widths.get(text)
        if width is not None:
            return width, font.get_descent()
    if len(text) == 1:
        for font, _ in candidates:
            if type(getattr(font, "unicode_map", None)).__name__ == "IdentityUnicodeMap":
                return font.char_width(ord(text)), font.get_descent()
    font = candidates[0][0]
    return font.default_width * font.hscale, font.get_descent()


def read_chars(textpage, geometry: Geometry, fonts: dict[str, list[tuple]],
               order: Optional[dict[int, int]] = None, clips: Optional[dict[int, tuple]] = None) -> list[tuple]:
    """Every character a page draws, in drawing order (see the module's doc),
    as ``page_objects.CHAR_FIELDS``:
    ``order`` gives the position of each text object in the page's drawing
    (``pdfium_drawing.read_drawing``); PDFium's text page puts a text object
    on the line it joins, pdfminer (and the text check of its runs) where
    the page draws it.  A character its object's clipping region (``clips``,
    by object address) hides is left out (``clipping``)."""
    import pypdfium2.raw as raw

    page = handle = textpage.raw  # (``pdfium_calls``: a pointer object, passed as it is)
    calls = Calls.of(raw)
    count = raw.FPDFText_CountChars(handle)
    unicode_of, is_generated, map_error = calls.get_unicode, calls.is_generated, calls.has_unicode_map_error
    object_of, origin_of = calls.get_text_object, calls.get_char_origin
    ox, oy = ctypes.c_double(), ctypes.c_double()
    at_x, at_y = ctypes.byref(ox), ctypes.byref(oy)
    buffer = _ObjectBuffer()  # what a text object's matrix and size are read into
    objects: dict[int, _TextObject] = {}
    font_cache: dict[int, tuple] = {}  # font address -> (metric candidates, PDFium's descent)
    chosen: dict[tuple, list] = {}  # (font address, text) -> the candidate fonts that fit
    made: dict[tuple, _TextObject] = {}  # text objects alike (see ``_TextObject.of``)
    metrics: dict[tuple, Optional[tuple]] = {}  # (font address, text) -> ``_metrics``
    chars: list[tuple] = []
    owners: list[int] = []  # the text object of each character
    # pdfminer places a glyph at the previous one's origin plus its
    # advance, in double precision; PDFium's single-precision origins are a
    # few 1e-5 pt off, enough to turn a tie into an overlap.  Along a run of
    # a text object the origin is recomputed the same way wherever PDFium's
    # agrees with it (no character spacing, no kerning in between).
    run_key, run_start, run_next = None, 0.0, None
    # An unrotated page (the rule) takes the short way to pdfplumber's
    # coordinates: the same arithmetic as ``Geometry.box``.
    flat = geometry.upright
    e, f = geometry.ctm[4], geometry.ctm[5]
    height, mb_x0, mb_top = geometry.height, geometry.mb_x0, geometry.mb_top
    last_oy, last_y = None, 0.0
    # What the characters of one text object share is looked up when the
    # object changes (consecutive characters mostly share theirs).
    last_key = -1
    info: _TextObject
    glyphs: dict[str, object] = {}
    clip = None
    a = b = c = d = size = 0.0
    axis = simple = False
    for i in range(count):
        code = unicode_of(page, i)
        # PDFium generates only spaces and line breaks (and marks a
        # hyphen it joined with 2): the check is needed for those only.
        if code in _MAYBE_GENERATED and is_generated(page, i) == 1:
            continue
        key = object_of(page, i) or 0
        if key != last_key:
            last_key = key
            found_info = objects.get(key)
            if found_info is None:
                found_info = objects[key] = _TextObject.of(raw, calls, key, page, i, fonts, font_cache, geometry,
                                                           made, buffer)
            info = found_info
            glyphs = info.glyphs
            clip = clips.get(key) if clips else None
            size, a, b, c, d = info.size, info.a, info.b, info.c, info.d
            axis = b == 0 and c == 0
            simple = axis and flat and a > 0 and d > 0
        if code == 2 and raw.FPDFText_IsHyphen(handle, i) == 1:
            text = "-"  # PDFium marks a hyphen that ends a line it joins with 2
        elif code == 0 or map_error(page, i) == 1:
            text = UNMAPPED
        else:
            try:
                text = chr(code)
            except ValueError:
                text = UNMAPPED
        glyph = glyphs.get(text)
        if glyph is None:
            found = metrics.get((info.font, text), _UNSEEN)
            if found is _UNSEEN:
                candidates = info.candidates
                if len(candidates) > 1:
                    mapping = [entry for entry in candidates if text in entry[1]]
                    if len(mapping) > 1:
                        candidates = _same_width(raw, info.font, text, mapping, chosen)
                found = metrics[info.font, text] = _metrics(candidates, text)
            if found is not None:
                width, descent = cast(tuple[float, float], found)
                low = descent * size
                glyph = glyphs[text] = (width * size, low, low + size)
            else:
                glyph = glyphs[text] = _LOOSE
        if glyph is _LOOSE:
            advance = _loose_advance(raw, handle, i, a)
            low = info.descent * size
            high = low + size
        else:
            advance, low, high = glyph  # type: ignore[misc]
        origin_of(page, i, at_x, at_y)
        if oy.value != last_oy:
            last_oy, last_y = oy.value, written(oy.value)
        y = last_y
        if axis and key == run_key and run_next is not None and abs(run_start + a * run_next - ox.value) < 1e-3:
            x = run_start + a * run_next
        else:
            x = written(ox.value)
            run_key, run_start, run_next = key, x, 0.0
        run_next = (run_next or 0.0) + advance if axis else None
        # pdfminer's LTChar: (0, descent) .. (advance, descent + size) in text
        # space, through the character's matrix, at its origin.
        if simple:
            x0, x1 = x + e, x + a * advance + e
            if mb_x0 != 0:
                x0, x1 = x0 + mb_x0, x1 + mb_x0
            top, bottom = (height - (y + d * high + f)) + mb_top, (height - (y + d * low + f)) + mb_top
        elif axis and flat:
            xa, xb = x, x + a * advance
            ya, yb = y + d * low, y + d * high
            x0, top, x1, bottom = geometry.box(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
        else:
            xs = (x + c * low, x + a * advance + c * low, x + c * high, x + a * advance + c * high)
            ys = (y + d * low, y + b * advance + d * low, y + d * high, y + b * advance + d * high)
            x0, top, x1, bottom = geometry.box(min(xs), min(ys), max(xs), max(ys))
        height_of = bottom - top  # pdfminer's size: the whole glyph's, clipped or not
        if clip is not None:
            box = shown(clip, x0, top, x1, bottom)
            if box is None:
                continue
            x0, top, x1, bottom = box
        chars.append((text, info.upright, height_of, x0, x1, top, bottom))
        owners.append(key)
    if order:
        ranks = [order.get(key, -1) for key in owners]
        if any(a > b for a, b in zip(ranks, ranks[1:])):
            chars = [ch for _, ch in sorted(zip(ranks, chars), key=lambda pair: pair[0])]
    return chars


_UNSEEN = object()
_LOOSE = object()

#: The code points of the characters PDFium may generate.
_MAYBE_GENERATED = frozenset((0x20, 0x0D, 0x0A, 0x02))


def _loose_advance(raw, handle, index: int, a: float) -> float:
    """No declared metrics: the advance of PDFium's loose box (its own)."""
    rect = raw.FS_RECTF()
    raw.FPDFText_GetLooseCharBox(handle, index, rect)
    return (rect.right - rect.left) / a if a else 0.0


class _ObjectBuffer:
    """Where PDFium writes a text object's matrix (``FS_MATRIX``: six
    floats, ``matrix_at``) and then its font size over the matrix's fifth
    number (``size_at``: the translation is not needed): the linear part
    and the size lie side by side, and ``key`` reads their 20 bytes in one
    call, a key for text objects alike without making five numbers."""

    __slots__ = ("values", "matrix_at", "size_at", "key")

    def __init__(self) -> None:
        self.values = (ctypes.c_float * 6)()
        self.matrix_at = ctypes.byref(self.values)
        self.size_at = ctypes.byref(self.values, _SIZE_OFFSET)
        self.key = memoryview(self.values).cast("B")[:_SIZE_OFFSET + 4].tobytes


#: The font size's place in ``_ObjectBuffer``: the fifth float.
_SIZE_OFFSET = 4 * ctypes.sizeof(ctypes.c_float)
_MATRIX_SIZE = 6 * ctypes.sizeof(ctypes.c_float)
#: a, b, c, d and the size, as ``_ObjectBuffer.key`` gives them.
_LINEAR_AND_SIZE = struct.Struct("5f")


@dataclass(frozen=True, slots=True)
class _TextObject:
    """What every character of one text object shares: the font size, the
    linear part of the text matrix (PDF user space), pdfminer's upright
    test of it, and the font's metrics."""

    size: float
    a: float
    b: float
    c: float
    d: float
    upright: bool
    candidates: list
    descent: float
    #: The address of PDFium's font (0 for none).
    font: int

    #: text -> (advance, low, high) in its text space, or ``_LOOSE``
    #: (PDFium's own advance), filled as ``read_chars`` meets the texts.
    glyphs: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, raw, calls: Calls, obj: int, page, index: int, fonts: dict, cache: dict, geometry: Geometry,
           made: dict, buffer: "_ObjectBuffer") -> "_TextObject":
        """The text object at address ``obj`` of character ``index`` of the
        text page ``page`` (its handle; ``buffer``: to read into), as one
        object for the text objects of a page alike (same font, size and
        matrix: ``made``): documents that draw each glyph as a text object
        of its own repeat a handful of them thousands of times."""
        values = buffer.values
        if not calls.get_matrix(page, index, buffer.matrix_at):
            ctypes.memset(values, 0, _MATRIX_SIZE)  # what a fresh matrix holds: not the last object's
        handle = ctypes.c_void_p(obj) if obj else None
        if handle and calls.get_font_size(handle, buffer.size_at):
            font = calls.get_font(handle) or 0
        else:
            font = 0
            values[4] = 0.0  # no size: not the matrix's number there
        key = (buffer.key(), font)
        found = made.get(key)
        if found is None:
            a, b, c, d, size = _LINEAR_AND_SIZE.unpack(key[0])
            if font not in cache:
                cache[font] = _font_info(raw, font, fonts)
            candidates, descent = cache[font]
            a, b, c, d = written(a), written(b), written(c), written(d)
            da, db, dc, dd = geometry.matrix(a, b, c, d)
            found = made[key] = cls(written(size), a, b, c, d, da * dd > 0 and db * dc <= 0, candidates, descent,
                                    font)
        return found


def _font_info(raw, address: int, fonts: dict[str, list[tuple]]) -> tuple[list, float]:
    """(metric candidates, PDFium's descent in em) of the PDFium font at ``address``."""
    if not address:
        return [], 0.0
    font = ctypes.cast(address, raw.FPDF_FONT)
    buf = ctypes.create_string_buffer(256)
    n = raw.FPDFFont_GetBaseFontName(font, buf, 256)
    name = buf.raw[: max(0, n - 1)].decode("latin-1") if n else ""
    descent = 0.0
    out = ctypes.c_float(0.0)
    if raw.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), out):
        descent = out.value / 1000.0
        descent = -descent if descent > 0 else descent
    return fonts.get(name) or fonts.get(_unprefixed(name), []), descent


def _same_width(raw, font, text: str, mapping: list[tuple], chosen: dict) -> list[tuple]:
    """Of several fonts of one name that map ``text``, the one whose
    declared width of it is the one PDFium reads from the font it draws
    with (a simple font and a CID font under one name declare different
    widths: 0 and 1000 for "“")."""
    key = (font, text)
    if key not in chosen:
        width = ctypes.c_float(0.0)
        fits = mapping
        if len(text) == 1 and font and raw.FPDFFont_GetGlyphWidth(ctypes.cast(font, raw.FPDF_FONT), ord(text),
                                                                  ctypes.c_float(1000.0), width):
            fits = [c for c in mapping if abs(c[1][text] * 1000.0 - width.value) < 0.5] or mapping
        chosen[key] = fits
    return chosen[key]


def _unprefixed(name: str) -> str:
    """A font name without its subset tag ("BAAAAA+SimSun" -> "SimSun"):
    PDFium reports the name without it, the font dictionary with it."""
    head, plus, rest = name.partition("+")
    return rest if plus and len(head) == 6 and head.isalpha() and head.isupper() else name

