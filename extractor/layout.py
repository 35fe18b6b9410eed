"""Frozen value types that flow between the pipeline's stages.

Coordinates are PDF points in pdfplumber's top-down convention: ``top`` grows
down the page.  Every object carries its 1-based page number so that anything
derived from it (a cell, a row, a warning) can say where it came from.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from typing import Literal, Optional, TypeVar

_T = TypeVar("_T", bound=type)


def _quick_init(cls: _T) -> _T:
    """Give a frozen dataclass with slots an ``__init__`` that fills each
    slot through the slot's own setter.  The one ``dataclass`` writes for
    a frozen class sets each field through ``object.__setattr__``, which
    takes about twice as long, and a long document makes hundreds of
    thousands of boxes, lines, rulings and cells.  The same signature,
    the same defaults, the same values (equal, same hash)."""
    fields = dataclasses.fields(cls)
    if not vars(cls)["__dataclass_params__"].frozen or "__slots__" not in vars(cls) or hasattr(cls, "__post_init__") \
            or any(not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING for f in fields):
        raise TypeError(f"{cls.__name__}: only a frozen dataclass with slots and plain fields")
    # As ``dataclass`` writes its own: the setters and defaults are a
    # closure's, the globals the class's module (annotations resolve there).
    setters = [vars(cls)[f.name].__set__ for f in fields]
    defaults = [f.default for f in fields if f.default is not dataclasses.MISSING]
    params = [f.name if f.default is dataclasses.MISSING else f"{f.name}=_default_{f.name}" for f in fields]
    outer = [f"_set_{f.name}" for f in fields] + [f"_default_{f.name}" for f in fields
                                                    if f.default is not dataclasses.MISSING]
    body = "".join(f"        _set_{f.name}(self, {f.name})\n" for f in fields)
    source = f"def _make({', '.join(outer)}):\n    def __init__(self, {', '.join(params)}):\n{body}    return __init__\n"
    made: dict[str, object] = {}
    exec(source, vars(sys.modules[cls.__module__]), made)
    init = made["_make"](*setters, *defaults)  # type: ignore[operator]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    cls.__init__ = init  # type: ignore[misc]
    return cls


@_quick_init
@dataclass(frozen=True, slots=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    def union(self, other: "Box") -> "Box":
        return Box(min(self.x0, other.x0), min(self.top, other.top), max(self.x1, other.x1), max(self.bottom, other.bottom))

    def contains_point(self, x: float, y: float, slack: float = 0.0) -> bool:
        return self.x0 - slack <= x <= self.x1 + slack and self.top - slack <= y <= self.bottom + slack

    def x_overlap(self, other: "Box") -> float:
        return max(0.0, min(self.x1, other.x1) - max(self.x0, other.x0))

    def y_overlap(self, other: "Box") -> float:
        return max(0.0, min(self.bottom, other.bottom) - max(self.top, other.top))

    def rounded(self, digits: int = 1) -> list[float]:
        return [round(v, digits) for v in (self.x0, self.top, self.x1, self.bottom)]


def union_all(boxes) -> Box:
    """The box around ``boxes`` (one of them: itself), made once rather
    than a box per union."""
    boxes = list(boxes)
    if len(boxes) == 1:
        return boxes[0]
    if not boxes:
        raise IndexError("union_all() of no boxes")
    return Box(min([b.x0 for b in boxes]), min([b.top for b in boxes]), max([b.x1 for b in boxes]),
               max([b.bottom for b in boxes]))


@_quick_init
@dataclass(frozen=True, slots=True)
class Char:
    text: str
    box: Box
    size: float
    #: How sure the text stage is of ``text``: 1.0 for a text layer, the
    #: recognizer's probability for OCR (``ocr_text.py``); later stages flag cells
    #: holding characters read with low confidence.
    confidence: float = 1.0


def make_char(text: str, x0: float, top: float, x1: float, bottom: float, size: float) -> Char:
    """``Char(text, Box(x0, top, x1, bottom), size)`` in half the time.  The
    readers make one per glyph, hundreds of thousands per document; a
    frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, where this fills the slots directly.  The
    result is the same value (equal, same hash)."""
    box = _new(Box)
    _box_x0(box, x0)
    _box_top(box, top)
    _box_x1(box, x1)
    _box_bottom(box, bottom)
    char = _new(Char)
    _char_text(char, text)
    _char_box(char, box)
    _char_size(char, size)
    _char_confidence(char, 1.0)
    return char


_new = object.__new__
# The slots' own setters (``__slots__`` members of the classes).
_box_x0, _box_top, _box_x1, _box_bottom = (vars(Box)[name].__set__ for name in ("x0", "top", "x1", "bottom"))
_char_text, _char_box, _char_size, _char_confidence = (
    vars(Char)[name].__set__ for name in ("text", "box", "size", "confidence"))


@_quick_init
@dataclass(frozen=True, slots=True)
class TextLine:
    """Characters sharing a baseline, left to right, with their text."""

    page: int
    chars: tuple[Char, ...]
    box: Box
    text: str
    #: The line's pieces between the gaps that separate table cells, when
    #: such gaps cut it and it may be the rest of a table row that a page
    #: break split (a line above every table of its page: ``textgrid.
    #: with_cell_runs``); else empty.  Segmentation records them because
    #: only it knows the characters' positions (``pipeline._light`` drops
    #: them); ``forms`` puts each piece under its column.
    runs: tuple["TextLine", ...] = ()

    @property
    def size(self) -> float:
        sizes = sorted(c.size for c in self.chars)
        return sizes[len(sizes) // 2]


@_quick_init
@dataclass(frozen=True, slots=True)
class Ruling:
    """A horizontal (``h``) or vertical (``v``) drawn line segment."""

    orientation: Literal["h", "v"]
    pos: float  # y for horizontal, x for vertical
    start: float
    end: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    chars: tuple[Char, ...]
    rulings: tuple[Ruling, ...]
    #: Area covered by images (scans, logos), for the no-text-layer check.
    image_area: float = 0.0
    #: Glyphs without a Unicode mapping; they are dropped from ``chars``
    #: (never passed on as text) and counted here for the readability check.
    unmapped: int = 0


@_quick_init
@dataclass(frozen=True, slots=True)
class Cell:
    """One logical (possibly merged) cell of a grid."""

    page: int
    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box
    lines: tuple[TextLine, ...]
    text: str

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(frozen=True)
class Grid:
    """A table on one page: cell boundaries and the merged cells over them.

    ``xs`` and ``ys`` are the column and row boundaries (``len(xs) - 1``
    columns).  ``source`` tells how the grid was found: from drawn rulings, or
    from text alignment where rulings are missing.
    """

    page: int
    box: Box
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[Cell, ...]
    source: Literal["rulings", "text"] = "rulings"

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def rows(self) -> list[list[Cell]]:
        """Cells grouped by the row they start in, left to right."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row].append(c)
        for r in out:
            r.sort(key=lambda c: c.col)
        return out

    def cell_at(self, row: int, col: int) -> Optional[Cell]:
        for c in self.cells:
            if c.row <= row <= c.last_row and c.col <= col <= c.last_col:
                return c
        return None


@dataclass(frozen=True)
class PageLayout:
    """A page after segmentation: its grids and the text lines outside them,
    with page furniture (running headers, page numbers) set aside."""

    page: Page
    grids: tuple[Grid, ...]
    lines: tuple[TextLine, ...]
    furniture: tuple[TextLine, ...] = ()
