"""A reader's objects of one page -> the page model (``layout.Page``).

Both readers hand over a page's characters, lines, rectangles and images
as plain tuples (``CHAR_FIELDS``, ``BOX_FIELDS``, ``RECT_FIELDS``):
``plumber_objects`` walks pdfminer's layout, ``pdfium_pages`` reads PDFium.
``read_page`` makes the page's characters and its text check in one pass;
``objects_to_rulings`` turns thin lines and rectangles into rulings.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator, Optional
from unicodedata import normalize

from .layout import Char, Page, Ruling, make_char
from .settings import Settings
from .streams import _PageLost
from .textcheck import PageStats, glyph_kind, text_counts, unreadable_reason


#: A character as a reader gives it to ``read_page`` (``plumber_objects``,
#: ``pdfium_text.read_chars``): a plain tuple of these, in this order, with
#: pdfplumber's meanings, the numbers as floats.  A page has thousands; a
#: tuple is made and read faster than a dictionary, and the garbage
#: collector stops following it after one look.
CHAR_FIELDS = ("text", "upright", "size", "x0", "x1", "top", "bottom")
#: A line or an image as a reader gives it, the same way; a rectangle
#: (``RECT_FIELDS``) adds whether it is stroked.
BOX_FIELDS = ("x0", "x1", "top", "bottom")
RECT_FIELDS = ("x0", "x1", "top", "bottom", "stroke")


def read_page(ppage, number: int, settings: Settings, objects=None) -> tuple[Page, PageStats]:
    """One pdfplumber page -> ``Page`` and its text check.  Unmapped glyphs
    are dropped; an unreadable page keeps no text (and no rulings: an empty
    grid is not data either).  ``objects``: the page's characters, lines,
    rectangles and images as another reader gives them (``pdfium_pages``),
    else pdfminer's (``plumber_objects``)."""
    chars_in, lines_in, rects_in, images_in = objects if objects is not None else plumber_objects(ppage)
    if len(chars_in) > settings.max_page_chars:
        raise _PageLost(f"it holds {len(chars_in)} characters, more than {settings.max_page_chars} "
                        "(Settings.max_page_chars): not a form page, a generated or hostile one")
    # The text check's glyphs and the page's characters in one pass; the
    # characters are dropped again if the page proves unreadable (rare).
    kept: list[Char] = []
    texts: list[str] = []
    kinds: list[str] = []
    for text, upright, size, x0, x1, top, bottom in chars_in:
        if not text or not upright:
            continue
        kind, nfc = _glyph(text)
        if kind:
            texts.append(text)
            kinds.append(kind)
            if kind == "unmapped":
                continue
        kept.append(make_char(nfc, x0, top, x1, bottom, size or (bottom - top)))
    counts = text_counts(texts, kinds)
    image_area = sum(
        max(0.0, float(x1) - float(x0)) * max(0.0, float(bottom) - float(top)) for x0, x1, top, bottom in images_in
    )
    reason = unreadable_reason(counts, settings)
    readable = reason is None
    chars: tuple[Char, ...] = ()
    rulings: tuple[Ruling, ...] = ()
    if readable:
        chars = tuple(kept)
        rulings = tuple(objects_to_rulings(lines_in, rects_in, settings))
    page = Page(
        number=number,
        width=float(ppage.width),
        height=float(ppage.height),
        chars=chars,
        rulings=rulings,
        image_area=image_area,
        unmapped=counts.unmapped if readable else counts.glyphs,
    )
    return page, PageStats.of(number, counts, image_area, reason, settings)


@lru_cache(maxsize=8192)
def _glyph(text: str) -> tuple[str, str]:
    """(its ``glyph_kind``, "" for a space; its NFC form) of a glyph's text:
    a page draws the same few hundred texts over and over."""
    return ("" if text.isspace() else glyph_kind(text)), normalize("NFC", text)


def plumber_objects(ppage) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    """The page's characters, lines, rectangles and images as pdfplumber's
    ``page.chars``, ``.lines``, ``.rects`` and ``.images`` give them (the
    same objects in the same order, the same coordinates), but only with
    the keys read here, as tuples (``CHAR_FIELDS``, ``BOX_FIELDS``,
    ``RECT_FIELDS``).
    pdfplumber builds a dictionary of some twenty resolved attributes per
    object, which costs more than a quarter of the time of parsing a page;
    this walks pdfminer's layout directly.  Any
    other page object (a cropped page, a stand-in) goes through pdfplumber.
    Characters hidden by a clipping path are left out (``clipping``)."""
    from pdfminer.layout import LTContainer

    from .clipping import clipping_layout, shown

    layout = clipping_layout(ppage) if getattr(ppage, "is_original", False) else None
    if layout is None:
        # (a stand-in may leave out what ``read_page`` does not read of a glyph it skips)
        return ([(c.get("text"), c.get("upright", True), _float(c.get("size")), _float(c.get("x0")),
                  _float(c.get("x1")), _float(c.get("top")), _float(c.get("bottom"))) for c in ppage.chars],
                [(o["x0"], o["x1"], o["top"], o["bottom"]) for o in ppage.lines],
                [(o["x0"], o["x1"], o["top"], o["bottom"], o.get("stroke", True)) for o in ppage.rects],
                [(o["x0"], o["x1"], o["top"], o["bottom"]) for o in ppage.images])
    # pdfplumber.Page.process_object: top-down coordinates, shifted by the
    # MediaBox origin as pdfminer's are relative to it.
    height = ppage.height
    mb_x0, mb_top = ppage.mediabox[:2]
    chars: list[tuple] = []
    lines: list[tuple] = []
    rects: list[tuple] = []
    images: list[tuple] = []
    stack = [iter(layout._objs)]
    while stack:
        for obj in stack[-1]:
            kind = type(obj).__name__
            if kind == "LTChar":
                x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
                top, bottom = (height - obj.y1) + mb_top, (height - obj.y0) + mb_top
                clip = getattr(obj, "clip", None)
                if clip is not None:
                    box = shown((clip[0] + mb_x0, (height - clip[3]) + mb_top, clip[2] + mb_x0,
                                 (height - clip[1]) + mb_top), x0, top, x1, bottom)
                    if box is None:
                        continue  # drawn outside its clipping region: not on the page
                    x0, top, x1, bottom = box
                chars.append((obj.get_text(), obj.upright, float(obj.size), float(x0), float(x1), float(top),
                              float(bottom)))
            elif kind in ("LTLine", "LTRect", "LTImage"):
                x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
                top, bottom = (height - obj.y1) + mb_top, (height - obj.y0) + mb_top
                if kind == "LTLine":
                    lines.append((x0, x1, top, bottom))
                elif kind == "LTRect":
                    rects.append((x0, x1, top, bottom, obj.stroke))
                else:
                    images.append((x0, x1, top, bottom))
            elif isinstance(obj, LTContainer):  # a form XObject (LTFigure): its children, in place
                stack.append(iter(obj._objs))
                break
        else:
            stack.pop()
    return chars, lines, rects, images


def _float(value) -> Optional[float]:
    """A number as a float (None stays None: a stand-in page may leave out
    the box of a glyph ``read_page`` skips)."""
    return None if value is None else float(value)


def objects_to_rulings(lines, rects, settings: Settings) -> Iterator[Ruling]:
    """Thin lines and rectangles become rulings; a larger stroked rectangle
    contributes its four edges (a cell drawn as a box)."""
    thick = settings.ruling_max_thickness
    min_len = settings.ruling_min_length
    boxes = [(float(x0), float(top), float(x1), float(bottom), True) for x0, x1, top, bottom in lines]
    for x0, x1, top, bottom, stroke in rects:
        x0, top, x1, bottom = float(x0), float(top), float(x1), float(bottom)
        if (x1 - x0) <= thick or (bottom - top) <= thick:
            boxes.append((x0, top, x1, bottom, True))
        elif stroke:
            boxes += [
                (x0, top, x1, top, True),
                (x0, bottom, x1, bottom, True),
                (x0, top, x0, bottom, True),
                (x1, top, x1, bottom, True),
            ]
    for x0, top, x1, bottom, _ in boxes:
        w, h = x1 - x0, bottom - top
        if h <= thick and w >= min_len:
            yield Ruling("h", (top + bottom) / 2, x0, x1)
        elif w <= thick and h >= min_len:
            yield Ruling("v", (x0 + x1) / 2, top, bottom)
