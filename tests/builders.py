"""Small hand-made pipeline inputs: characters, lines, rulings, grids."""

from __future__ import annotations

from extractor.layout import Box, Char, Ruling, TextLine
from extractor.rejoin import chars_to_lines, is_cjk
from extractor.settings import DEFAULT


def chars(text: str, x: float = 0.0, top: float = 0.0, size: float = 10.0, gaps: dict[int, float] | None = None) -> list[Char]:
    """Characters of ``text`` laid left to right; CJK glyphs are one em wide,
    others half; ``gaps`` adds extra space before the character at an index."""
    out = []
    for i, ch in enumerate(text):
        x += (gaps or {}).get(i, 0.0)
        width = size if is_cjk(ch) else size / 2
        out.append(Char(ch, Box(x, top, x + width, top + size), size))
        x += width
    return out


def line(text: str, x: float = 0.0, top: float = 0.0, size: float = 10.0, page: int = 1, gaps=None) -> TextLine:
    (result,) = chars_to_lines(chars(text, x, top, size, gaps), page, DEFAULT)
    return result


def grid_rulings(xs, ys, *, skip_v=(), skip_h=()):
    """A full grid of rulings over ``xs`` × ``ys``; ``skip_v`` holds
    (x index, row index) border pieces not drawn (merged cells), likewise
    ``skip_h`` (y index, column index)."""
    out = []
    for i, x in enumerate(xs):
        for r in range(len(ys) - 1):
            if (i, r) not in skip_v:
                out.append(Ruling("v", x, ys[r], ys[r + 1]))
    for j, y in enumerate(ys):
        for c in range(len(xs) - 1):
            if (j, c) not in skip_h:
                out.append(Ruling("h", y, xs[c], xs[c + 1]))
    return out


def table_page(number: int, xs, rows, *, top: float = 50.0, row_h: float = 24.0, above=(), size: float = 10.0):
    """A page holding one fully ruled table whose cell texts are ``rows``
    (lists of strings, one per column; "" for an empty cell), plus text lines
    ``above`` it.  Returns the segmented ``PageLayout``."""
    from extractor.grids import segment_page
    from extractor.layout import Page

    ys = [top + i * row_h for i in range(len(rows) + 1)]
    cs = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                cs += chars(text, x=xs[c] + 2, top=ys[r] + 4, size=size)
    y = 10.0
    for text in above:
        cs += chars(text, x=xs[0], top=y, size=size + 6)
        y += size + 10
    page = Page(number, 600, 850, tuple(cs), tuple(grid_rulings(xs, ys)))
    return segment_page(page, DEFAULT)


def form_page(number: int, xs, rows, *, merges=(), top: float = 50.0, row_h: float = 24.0, above=(),
              size: float = 10.0, left_label: str = ""):
    """A page holding one ruled table with merged cells: ``rows`` as in
    ``table_page`` (the text of a merged cell in its top-left cell),
    ``merges`` (row, col, rowspan, colspan) of each merged cell, whose inner
    rulings are not drawn; ``left_label`` a column of its own at the left,
    one cell over every row, holding a label set vertically (one character
    a line, as forms print 绩效指标)."""
    from extractor.grids import segment_page
    from extractor.layout import Page

    if left_label:
        xs = [xs[0] - 30, *xs]
        rows = [["", *row] for row in rows]
        merges = [(r, c + 1, rs, cs) for r, c, rs, cs in merges] + [(0, 0, len(rows), 1)]
    ys = [top + i * row_h for i in range(len(rows) + 1)]
    skip_v, skip_h = set(), set()
    for r, c, rs, cs in merges:
        for i in range(c + 1, c + cs):
            for rr in range(r, r + rs):
                skip_v.add((i, rr))
        for j in range(r + 1, r + rs):
            for cc in range(c, c + cs):
                skip_h.add((j, cc))
    out = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                out += chars(text, x=xs[c] + 2, top=ys[r] + 4, size=size)
    if left_label:
        for k, ch in enumerate(left_label):
            out += chars(ch, x=xs[0] + 10, top=ys[0] + 6 + k * (size + 2), size=size)
    y = 10.0
    for text in above:
        out += chars(text, x=xs[0], top=y, size=size + 6)
        y += size + 10
    page = Page(number, 900, 1200, tuple(out), tuple(grid_rulings(xs, ys, skip_v=skip_v, skip_h=skip_h)))
    return segment_page(page, DEFAULT)
