"""Indicator headers: which grid rows name the indicator columns, and
which cell of a row lies under a column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Sequence

from ..layout import Cell, Grid
from ..vocab import header_role, label_role
from .model import HeaderColumn


def covering_cells(grid: Grid, row: int) -> list[Cell]:
    """Cells covering grid row ``row``, left to right (merged cells once)."""
    out: list[Cell] = []
    for c in sorted(grid.cells, key=lambda c: c.col):
        if c.row <= row <= c.last_row:
            out.append(c)
    return out


def covering_rows(grid: Grid) -> list[list[Cell]]:
    """``covering_cells`` of every row of the grid, in one sort: what a
    walk over all rows reads (one sort per row made long forms quadratic)."""
    out: list[list[Cell]] = [[] for _ in range(grid.n_rows)]
    for c in sorted(grid.cells, key=lambda c: c.col):
        for r in range(max(c.row, 0), min(c.last_row, grid.n_rows - 1) + 1):
            out[r].append(c)
    return out


def header_columns(cells: Sequence[Cell]) -> Optional[tuple[HeaderColumn, ...]]:
    """The indicator columns when ``cells`` are an indicator header row."""
    cols = []
    for c in cells:
        role = header_role(c.text) if c.text else None
        if role:
            cols.append(HeaderColumn(role, c.text, c.box.x0, c.box.x1))
    found = {c.role for c in cols}
    if not (len(cols) >= 3 and found & {"level1", "level2", "level3"} and found & {"value", "description", "level3"}):
        return None
    # Every other header the row prints is a column too, kept by its printed
    # header (never dropped): all but labels and headings of the form.
    for c in cells:
        if c.text and not header_role(c.text) and not label_role(c.text):
            cols.append(HeaderColumn("extra", c.text, c.box.x0, c.box.x1))
    return tuple(sorted(cols, key=lambda col: col.x0))


def _header_words_only(cells: Sequence[Cell]) -> bool:
    """A row holding nothing but column headers and headings over them
    (绩效指标 over the three levels): a row of a header band."""
    texts = [c.text for c in cells if c.text]
    return bool(texts) and all(header_role(t) or label_role(t) == "heading" for t in texts)


def header_band(grid: Grid, row: int, covering: Optional[Sequence[list[Cell]]] = None
                ) -> Optional[tuple[tuple[HeaderColumn, ...], int]]:
    """The indicator columns of a header starting at grid row ``row``, and
    the header's last row; None when no header starts there.

    A header may take several rows: a word over a group of columns (绩效指标
    over 一级/二级/三级指标, 指标值 over 指标性质/指标值/计量单位) sits in a
    row above them, and the columns without sub-headers span every row of
    the band.  The columns are then the cells covering the band's last row
    that start inside the band: the most specific word of every column.
    ``covering``: the grid's ``covering_rows``, when the caller has them."""
    rows = covering if covering is not None else covering_rows(grid)
    if not 0 <= row < len(rows):
        return None
    own = [c for c in rows[row] if c.row == row]
    if not (header_columns(own) or _header_words_only(own)):
        return None
    last = row
    while last + 1 < grid.n_rows and _header_words_only([c for c in rows[last + 1] if c.row == last + 1]):
        last += 1
    for end in range(last, row - 1, -1):
        cols = header_columns([c for c in rows[end] if c.row >= row])
        if cols:
            return cols, end
    return None


def cell_for_column(cells: Sequence[Cell], col: HeaderColumn) -> Optional[Cell]:
    best, best_overlap = None, 0.0
    for c in cells:
        overlap = min(c.box.x1, col.x1) - max(c.box.x0, col.x0)
        if overlap > best_overlap:
            best, best_overlap = c, overlap
    # A cell shared by two columns belongs to the one it overlaps most.
    if best is not None and best_overlap >= 0.3 * min(best.box.width, col.x1 - col.x0):
        return best
    return None



@dataclass(frozen=True)
class HeaderBand:
    """An indicator header of a grid: its first and last rows (a header
    may take two) and the columns it gives."""

    first: int
    last: int
    columns: tuple[HeaderColumn, ...]


def grid_rows(grid: Grid, covering: Optional[Sequence[list[Cell]]] = None
              ) -> Iterator[tuple[int, Optional[HeaderBand]]]:
    """The grid's rows top down, each with the indicator header that starts
    there; a header of several rows comes once, as its first.
    ``covering``: the grid's ``covering_rows``, when the caller has them."""
    r = 0
    covering = covering if covering is not None else covering_rows(grid)
    while r < grid.n_rows:
        found = header_band(grid, r, covering)
        band = HeaderBand(r, found[1], found[0]) if found else None
        yield r, band
        r = band.last + 1 if band else r + 1


def header_bands(grid: Grid) -> list[HeaderBand]:
    """Every indicator header of ``grid``, as ``add_grid`` reads them."""
    return [band for _, band in grid_rows(grid) if band]


def has_header(grid: Grid) -> bool:
    """Whether an indicator header starts at any row of ``grid``."""
    covering = covering_rows(grid)
    return any(header_band(grid, r, covering) for r in range(grid.n_rows))
