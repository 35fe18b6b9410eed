"""The lines, rectangles and images of a page, read with PDFium, as pdfplumber gives them.

Rulings are made from what pdfminer calls lines (``LTLine``) and
rectangles (``LTRect``): ``page_objects.objects_to_rulings`` reads their boxes
and whether a rectangle is stroked.  pdfminer decides what a painted path
is from its operators alone, and this module decides the same from
PDFium's path segments:

- each subpath (from a move to the next) is judged alone;
- a closing segment that returns to the start is dropped before judging
  (``re`` and ``m l l l h`` are the same rectangle);
- one straight segment (``m l``, ``m l h``) is a line;
- four straight segments that close on the start along the axes are a
  rectangle; anything else (curves, polygons, slanted quadrilaterals) is
  neither, and no ruling.

Paths inside form XObjects are placed through the form's matrix; a path
that is only a clip (``n``) paints nothing and is skipped, as pdfminer
skips it; a clip that hides part of a painted path is not applied, as
pdfminer does not apply it (both readers must give the same rulings).
Images are the boxes of the unit square through their matrices (for the
no-text-layer check).
"""

from __future__ import annotations

import ctypes
import struct
from typing import Iterator, Optional

from .clipping import Bounds, Clip, intersect, pdfium_clip
from .pdfium_calls import Calls, Handle
from .pdfium_points import Points, path_points
from .pdfium_text import Geometry, written

#: Objects nest in forms; a hostile file must not recurse without end.
_MAX_DEPTH = 16

_TEXT, _PATH, _IMAGE, _SHADING, _FORM = 1, 2, 3, 4, 5
_LINETO, _BEZIERTO, _MOVETO = 0, 1, 2

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (PDF's row-vector convention)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


class Matrices:
    """Where page objects' matrices are read (``buffer``, an ``FS_MATRIX``;
    ``at``: a pointer to it, for PDFium), and those already placed on the
    page (``placed``: by the matrix's bytes and the enclosing forms'
    matrix): a page's paths share a handful of matrices."""

    __slots__ = ("buffer", "at", "placed")

    def __init__(self, buffer) -> None:
        self.buffer = buffer
        self.at = ctypes.byref(buffer)
        self.placed: dict[tuple[Optional[bytes], Matrix], Matrix] = {}


def _matrix(calls: Calls, obj: Handle, m: Matrices, outer: Matrix) -> Matrix:
    """The matrix from the space of the page object ``obj`` to the
    page's: its own (read into ``m``), then ``outer``, that of the forms
    it is drawn in."""
    key = (bytes(m.buffer) if calls.get_object_matrix(obj, m.at) else None, outer)
    found = m.placed.get(key)
    if found is None:
        own = _SIX_FLOATS.unpack(key[0]) if key[0] is not None else _IDENTITY
        found = m.placed[key] = _placed(own, outer)
    return found


_SIX_FLOATS = struct.Struct("6f")  # an ``FS_MATRIX``


def _placed(own: Matrix, outer: Matrix) -> Matrix:
    """A matrix's numbers as the file wrote them (``pdfium_text.written``),
    then ``outer``."""
    a, b, c, d, e, f = own
    return _times((written(a), written(b), written(c), written(d), written(e), written(f)), outer)


def page_objects(calls: Calls, page, m: Matrices) -> Iterator[tuple[Handle, int, Matrix, Optional[Bounds]]]:
    """Every object of the page ``page`` (its handle), forms' contents in
    place of the form: (the object (``.value``: its address), type, matrix from the object's
    space to the page's, the clipping region the enclosing forms are drawn
    under, in page space).  ``m``: where to read matrices (``Matrices``)."""
    return _holder_objects(calls, page, calls.count_page_objects(page), calls.get_page_object, _IDENTITY, None, 0, m)


def _holder_objects(calls: Calls, holder, count: int, get, outer: Matrix, enclosing: Optional[Bounds],
                    depth: int, m: Matrices) -> Iterator[tuple[Handle, int, Matrix, Optional[Bounds]]]:
    type_of = calls.get_type
    for i in range(count):
        obj = get(holder, i)
        if not obj:
            continue
        kind = type_of(obj)
        if kind != _FORM:
            yield obj, kind, outer, enclosing
        elif depth < _MAX_DEPTH:
            inner = _matrix(calls, obj, m, outer)
            # PDFium keeps a form's contents' clipping paths in the form's
            # space, without the region the form itself is drawn under.
            region = clip_on_page(calls, obj, outer, enclosing)
            yield from _holder_objects(calls, obj, calls.count_form_objects(obj), calls.get_form_object, inner,
                                       region, depth + 1, m)


def clip_on_page(calls: Calls, obj: Handle, outer: Matrix, enclosing: Optional[Bounds], seen: Optional[dict] = None
                 ) -> Optional[Bounds]:
    """An object's clipping region in page space (``clipping.pdfium_clip``
    through the matrix of its form, within the enclosing forms' region)."""
    region = pdfium_clip(calls, obj, seen)
    if region is not None and outer != _IDENTITY:
        x0, y0, x1, y1 = region
        xs, ys = _through(outer, ((x0, y0), (x1, y0), (x0, y1), (x1, y1)))
        region = (min(xs), min(ys), max(xs), max(ys))
    if enclosing is None:
        return region
    return enclosing if region is None else intersect(enclosing, region)


def read_drawing(page, geometry: Geometry) -> tuple[list[tuple], list[tuple], list[tuple], dict[int, int],
                                                  dict[int, Clip]]:
    """The page's lines, rectangles and images as pdfplumber's ``.lines``,
    ``.rects`` and ``.images`` give them, as ``page_objects.plumber_objects``
    hands them over (``BOX_FIELDS``, ``RECT_FIELDS``), the order in which
    the page draws its text objects (object address -> position), which
    PDFium's text page does not always keep (``pdfium_text.read_chars``),
    and the clipping region of each clipped text object (address -> region
    in pdfplumber's coordinates, ``clipping``).  ``page``: pypdfium2's
    handle of the page."""
    import pypdfium2.raw as raw

    calls = Calls.of(raw)
    lines: list[tuple] = []
    rects: list[tuple] = []
    images: list[tuple] = []
    order: dict[int, int] = {}
    clips: dict[int, Clip] = {}
    seen: dict = {}  # regions read (``clipping.pdfium_clip``)
    m = Matrices(raw.FS_MATRIX())
    fill, stroke = ctypes.c_int(0), ctypes.c_int(0)  # a path's fill mode and stroke
    modes = (fill, stroke, ctypes.byref(fill), ctypes.byref(stroke))
    boxes: dict[Bounds, Clip] = {}  # region -> its box: objects share a handful of regions
    for obj, kind, outer, enclosing in page_objects(calls, page, m):
        if kind == _TEXT:
            address = obj.value or 0  # (never NULL: the walk passes over those)
            order[address] = len(order)
            region = clip_on_page(calls, obj, outer, enclosing, seen)
            if region is not None:
                box = boxes.get(region)
                if box is None:
                    box = boxes[region] = geometry.box(*region)
                clips[address] = box
        elif kind == _PATH:
            _read_path(calls, obj, outer, geometry, lines, rects, m, modes)
        elif kind == _IMAGE:
            matrix = _matrix(calls, obj, m, outer)
            xs, ys = _through(matrix, ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)))
            x0, top, x1, bottom = geometry.box(min(xs), min(ys), max(xs), max(ys))
            images.append((x0, x1, top, bottom))
    return lines, rects, images, order, clips


def _through(m: Matrix, points) -> tuple[list[float], list[float]]:
    a, b, c, d, e, f = m
    return [a * x + c * y + e for x, y in points], [b * x + d * y + f for x, y in points]


def _read_path(calls: Calls, obj: Handle, outer: Matrix, geometry: Geometry, lines: list[tuple], rects: list[tuple],
               m: Matrices, modes: tuple) -> None:
    fill, stroke, fill_at, stroke_at = modes
    if not calls.get_draw_mode(obj, fill_at, stroke_at):
        return
    if not fill.value and not stroke.value:
        return  # a clip only ("n"): nothing painted
    matrix = _matrix(calls, obj, m, outer)
    read = path_points(calls, obj)
    if read is None:
        return
    if len(read) == 8 and read[2] == _MOVETO and read[6] == _LINETO:
        # One line ("m l", closed or not), as ``_common_shapes`` judges it,
        # without its lists: how tables draw their borders, thousands a page.
        _add("line", written(read[0]), written(read[1]), written(read[4]), written(read[5]), matrix, geometry, stroke,
             lines, rects)
        return
    for what, ((xa, ya), (xb, yb)) in path_shapes(read):
        _add(what, xa, ya, xb, yb, matrix, geometry, stroke, lines, rects)


def path_shapes(read: Points) -> list:
    """The lines and rectangles (``_shape``) of a path's points (``pdfium_points.points``)."""
    common = _common_shapes(read)
    return common if common is not None else _subpath_shapes(read)


def _common_shapes(read: Points) -> Optional[list]:
    """What ``_subpath_shapes`` makes of the two paths real tables are drawn
    with, thousands a page, judged without building subpaths: a ruling as
    one line ("m l", closed or not) and a rectangle ("re", that is "m l l l
    l" closing on the start).  None for any other path."""
    n = len(read)
    if n == 8 and read[2] == _MOVETO and read[6] == _LINETO:
        xa, ya, _, _, xb, yb, _, _ = read
        return [("line", [(written(xa), written(ya)), (written(xb), written(yb))])]
    if n == 20 and read[19] and not (read[7] or read[11] or read[15]) and read[2] == _MOVETO \
            and read[6] == _LINETO and read[10] == _LINETO and read[14] == _LINETO and read[18] == _LINETO:
        # Judged on the numbers as read: ``written`` gives two numbers the same
        # value only when they are (it is one-to-one on single precision,
        # and a NaN equals nothing either way).
        x0, y0, x1, y1, x2, y2 = read[0], read[1], read[4], read[5], read[8], read[9]
        x3, y3, x4, y4 = read[12], read[13], read[16], read[17]
        if x4 == x0 and y4 == y0 and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                      or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            return [("rect", [(written(x0), written(y0)), (written(x2), written(y2))])]
        return []
    return None


def _subpath_shapes(read: Points) -> list:
    """Each subpath judged alone (``_shape``)."""
    subpaths: list[list[tuple[str, float, float]]] = []
    for i in range(0, len(read), 4):
        x, y, kind, closes = read[i:i + 4]
        op = "m" if kind == _MOVETO else "l" if kind == _LINETO else "c"
        if op == "m" or not subpaths:
            subpaths.append([])
        subpaths[-1].append((op, written(x), written(y)))
        if op != "m" and closes:  # a move closes nothing
            start = subpaths[-1][0]
            subpaths[-1].append(("h", start[1], start[2]))
    return [shape for shape in map(_shape, subpaths) if shape is not None]


def _add(what: str, xa: float, ya: float, xb: float, yb: float, matrix: Matrix, geometry: Geometry, stroke,
         lines: list[tuple], rects: list[tuple]) -> None:
    """A line or rectangle (``_shape``: what, and its two points or
    corners) with pdfplumber's box, as a tuple (``page_objects.BOX_FIELDS``,
    ``RECT_FIELDS``): the points through the matrix as ``_through`` takes them."""
    a, b, c, d, e, f = matrix
    pxa, pxb = a * xa + c * ya + e, a * xb + c * yb + e
    pya, pyb = b * xa + d * ya + f, b * xb + d * yb + f
    x0, top, x1, bottom = geometry.box(min(pxa, pxb), min(pya, pyb), max(pxa, pxb), max(pya, pyb))
    if what == "line":
        lines.append((x0, x1, top, bottom))
    else:
        rects.append((x0, x1, top, bottom, bool(stroke.value)))


def _shape(ops: list[tuple[str, float, float]]):
    """("line", its two points), ("rect", its corners) or None for one
    subpath, as ``pdfminer.converter.PDFLayoutAnalyzer.paint_path`` judges
    it (PDFium gives a curve as three segments: one ``c`` of pdfminer)."""
    shape = []
    points = []
    i = 0
    while i < len(ops):
        op, px, py = ops[i]
        if op == "c":
            # a Bézier: three segments (two control points, the end point)
            j = i
            while j < len(ops) and ops[j][0] == "c" and j - i < 3:
                j += 1
            shape.append("c")
            points.append((ops[j - 1][1], ops[j - 1][2]))
            i = j
            continue
        shape.append(op)
        points.append((px, py))
        i += 1
    if not shape or shape[0] != "m":
        return None
    text = "".join(shape)
    if len(text) > 3 and text[-2:] == "lh" and points[-2] == points[0]:
        text = text[:-2] + "h"
        points.pop()
    if text in ("ml", "mlh"):
        return "line", points[:2]
    if text in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points[:5]
        closed = points[0] == last
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if closed and square:
            return "rect", [points[0], points[2]]
    return None
