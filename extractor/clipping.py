"""Text a clipping path hides: read by neither reader as page content.

Publishers fit long text into a narrow cell by clipping it to the cell
(``q x y w h re W n BT … ET Q``): what overflows is in the file but not on
the page.  Read as it is, the overflow of one row lands in the next one,
interleaved with its text ("中会央议媒次体数" for "会议次数").  Both readers
therefore know the clipping region in force when each character is drawn,
drop a character whose centre lies outside it, and cut the box of one that
shows in part to what shows.

The region is kept as a box: the intersection of the bounding boxes of the
clipping paths set since the page began (or, inside a form XObject, since
the form was drawn, together with the region of the form's caller).  A
clipping path that is not a rectangle is taken as its bounding box, which
hides less than the page does, never more.  A form XObject's ``BBox``
is not applied (PDFium does not report it; forms in these documents draw
within it).  Text drawn in a clipping text
rendering mode (``Tr`` 4-7) adds nothing to the region: it is rare in
forms, and reading it would take the glyph outlines.

``shown(clip, x0, top, x1, bottom)`` is the rule both readers apply, in
pdfplumber's top-down page coordinates; ``pdfium_clip`` reads an object's
clipping paths from PDFium; ``clipping_layout`` runs pdfminer with an
interpreter that follows the clipping operators (pdfminer ignores them)
and tags each character with its region.
"""

from __future__ import annotations

import functools
from typing import Optional

from .pdfium_calls import Calls
from .pdfium_points import points
from .tounicode import quick_maps

#: A clipping region: (x0, top, x1, bottom) in pdfplumber's page coordinates.
Clip = tuple[float, float, float, float]
#: The same box in PDF user space as a reader meets it: (x0, y0, x1, y1).
Bounds = tuple[float, float, float, float]

#: How far (pt) a character's centre may lie outside its region and still
#: count as shown: rounding, and glyphs set flush against a cell's edge.
TOLERANCE = 0.5


def shown(clip: Optional[Clip], x0: float, top: float, x1: float, bottom: float) -> Optional[Clip]:
    """What the region ``clip`` shows of the character of this box: None
    when it hides it (its centre lies outside), else its box cut to the
    region, so that a glyph half cut at a cell's edge stays in that cell
    rather than in the next one, where its centre may lie."""
    if clip is None:
        return x0, top, x1, bottom
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    if (cx < clip[0] - TOLERANCE or cx > clip[2] + TOLERANCE
            or cy < clip[1] - TOLERANCE or cy > clip[3] + TOLERANCE):
        return None
    if x0 >= clip[0] and x1 <= clip[2] and top >= clip[1] and bottom <= clip[3]:
        return x0, top, x1, bottom
    return (min(max(x0, clip[0]), clip[2]), min(max(top, clip[1]), clip[3]),
            max(min(x1, clip[2]), clip[0]), max(min(bottom, clip[3]), clip[1]))


def intersect(a: Optional[Bounds], b: Bounds) -> Bounds:
    """Two regions -> the region both leave visible (an empty one stays a
    box of no area, which hides everything)."""
    if a is None:
        return b
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, max(x0, x1), max(y0, y1))


# -- PDFium ---------------------------------------------------------------------------------


def pdfium_clip(calls: Calls, obj, seen: Optional[dict] = None) -> Optional[Bounds]:
    """The clipping region of the PDFium page object ``obj`` (its handle),
    in the space of the form XObject that holds it (page space for the
    page's own objects), or None when nothing clips it.

    ``seen`` (one dictionary per page) spares reading again the paths of a
    region already read: objects drawn under one region share its paths,
    and PDFium hands out the address of a path's points, which is the same
    for all of them.  A page that draws every glyph as an object of its
    own under a cell's clip would otherwise read thousands of copies."""
    clip = calls.get_clip_path(obj)
    if not clip:
        return None
    count = calls.count_clip_paths(clip)
    segment_of = calls.get_clip_segment
    key = None
    if seen is not None:
        # (one path, the rule: a cell's rectangle)
        firsts = (segment_of(clip, 0, 0),) if count == 1 else tuple([segment_of(clip, i, 0) for i in range(count)])
        if all(firsts):
            key = firsts
            if key in seen:
                return seen[key]
    region: Optional[Bounds] = None
    for i in range(count):
        read = points(calls, calls.count_clip_segments(clip, i), functools.partial(segment_of, clip, i))
        if read:
            xs, ys = read[0::4], read[1::4]  # ``pdfium_points.Points``
            region = intersect(region, (min(xs), min(ys), max(xs), max(ys)))
    if key is not None and seen is not None:
        seen[key] = region
    return region


# -- pdfminer -------------------------------------------------------------------------------


def clipping_layout(ppage):
    """pdfplumber's ``ppage.layout``, made by an interpreter that follows the
    clipping operators: every ``LTChar`` drawn under a clipping region
    carries it as ``clip`` (pdfminer's bottom-up coordinates, those of the
    character's own box).  The layout is cached on the page as pdfplumber
    caches its own."""
    if hasattr(ppage, "_layout"):
        return ppage._layout
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent
    from pdfplumber.utils.exceptions import PdfminerException

    device = PDFPageAggregatorWithMarkedContent(ppage.pdf.rsrcmgr, pageno=ppage.page_number,
                                                laparams=ppage.pdf.laparams)
    interpreter = _interpreter_class()(ppage.pdf.rsrcmgr, device)
    try:
        with quick_maps():  # the fonts it loads: their ToUnicode maps the short way
            interpreter.process_page(ppage.page_obj)
    except Exception as exc:
        raise PdfminerException(exc) from exc
    ppage._layout = device.get_result()
    return ppage._layout


@functools.lru_cache(maxsize=1)
def _interpreter_class():
    """pdfminer's page interpreter, taught the clipping operators (built on
    first use: pdfminer is imported only by the pdfplumber reader)."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.utils import apply_matrix_pt

    class ClippingInterpreter(PDFPageInterpreter):
        # The region in force (device space, as pdfminer's boxes), the
        # regions saved by ``q``, and the one ``W`` asks for, which takes
        # effect when the path is ended.
        clip: Optional[Bounds] = None
        inherited: Optional[Bounds] = None

        def dup(self):
            # A form XObject is drawn by a new interpreter: it starts from
            # the caller's region.
            other = super().dup()
            other.inherited = self.clip
            return other

        def init_state(self, ctm) -> None:
            super().init_state(ctm)
            self.clip = self.inherited
            self.saved: list[Optional[Bounds]] = []
            self.pending: Optional[Bounds] = None

        def do_q(self) -> None:
            self.saved.append(self.clip)
            super().do_q()

        def do_Q(self) -> None:
            if self.gstack and self.saved:
                self.clip = self.saved.pop()
            super().do_Q()

        def do_W(self) -> None:
            try:
                points = [apply_matrix_pt(self.ctm, (float(segment[k]), float(segment[k + 1])))
                          for segment in self.curpath for k in range(1, len(segment) - 1, 2)]
            except (TypeError, ValueError):
                return  # a path pdfminer kept without numbers: no region is known, none is applied
            if points:
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                self.pending = (min(xs), min(ys), max(xs), max(ys))

        do_W_a = do_W

        def _end_path(self) -> None:
            if self.pending is not None:
                self.clip = intersect(self.clip, self.pending)
                self.pending = None

        def _show(self, show, *args) -> None:
            # The layout device collects the page's items in ``cur_item``.
            container = getattr(self.device, "cur_item", None)
            if self.clip is None or container is None:
                return show(*args)
            objs = container._objs
            before = len(objs)
            show(*args)
            for obj in objs[before:]:
                obj.clip = self.clip

        def do_TJ(self, seq) -> None:  # Tj, ' and " show text through it
            self._show(super().do_TJ, seq)

    # Every operator that ends a path applies a pending clip after it.
    for name in ("n", "S", "s", "f", "F", "f_a", "B", "B_a", "b", "b_a"):
        _wrap_end(ClippingInterpreter, name)
    return ClippingInterpreter


def _wrap_end(cls, name: str) -> None:
    method = getattr(cls.__mro__[1], f"do_{name}")

    def ended(self, *args):
        result = method(self, *args)
        self._end_path()
        return result

    ended.__name__ = f"do_{name}"
    setattr(cls, f"do_{name}", ended)
