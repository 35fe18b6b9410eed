"""Stage 2b: grids across pages -> logical 绩效目标表 forms.

A form is a project block (label cells and their values) stacked on an
indicator grid (a header naming the columns, then one row per indicator).
Forms are found by their words, never by position: labels and headers come
from the vocabulary tables, columns are matched to header cells by
horizontal overlap, and a table continues on the next page when a grid
arrives that opens no new project.

The header may take two rows (``header_band``): a word over a group of
columns (绩效指标 over 一级/二级/三级指标, 指标值 over 指标性质/指标值/计量单位)
above them, the other header cells spanning both rows; the columns are the
lowest words.

Continuation rules (each one a function below):

* a repeated header (one row or a band, in the same words or synonyms)
  re-states the columns and is dropped;
* a grid without a header continues the table when it has the header's
  columns (``continues_columns``);
* a blank 一级/二级指标 cell under a merged cell carries the value above
  (a merged cell spanning a page break is blank on the second page);
* the first row of a continuation grid that lacks a 三级指标 or 指标值 while
  the row before it has them, or whose text continues a word across the break,
  is the rest of that row: its text is appended, not made a new indicator
  (``is_fragment``); so are lines alone at the top of a page that hold the
  ends of its cells: several side by side under the table's columns (their
  pieces as segmentation cut them, ``TextLine.runs``), or one that finishes
  such a word, with the lines under them (``rest_of_row``);
* in the project block, a cell that completes the label above it in its
  column is the rest of a label split by the break (``rest_of_label``).

The output keeps provenance: every value is a ``Span`` with page and box.
"""

from __future__ import annotations

import regex
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional, Sequence

from .layout import Box, Cell, Grid, PageLayout, TextLine, union_all
from .rejoin import join_lines, join_pair, joins_as_word
from .vocab import header_role, label_role, words

#: Roles whose cells are merged vertically over several indicator rows.
HIERARCHY_ROLES = ("level1", "level2")
#: Roles every real indicator row has; a row missing one continues the last.
REQUIRED_ROLES = ("level3", "value")
#: A cell naming a month-end of the spending plan ("3月底", "第一季度").
MONTH_LABEL = regex.compile(r"^(?:(\d{1,2})月(?:底|末|份)?(?:前)?|第?([一二三四1-4])季度(?:末)?)$")
_BLOCK_ROLES = ("budget_block", "plan_block")
#: Roles whose columns are kept by their printed header (several columns
#: of one role may stand side by side): in ``IndicatorRow.extra``.
KEYED_ROLES = ("extra", "period", "period_actual")
_AMOUNT_ROLES = ("total", "fiscal", "other")


@dataclass(frozen=True)
class Span:
    """A piece of extracted text and where it was found."""

    text: str
    page: int
    box: Box
    #: The rejoined text of each printed line, for fields whose line starts
    #: carry structure (numbered goals).
    lines: tuple[str, ...] = ()

    @staticmethod
    def of_cell(cell: Cell) -> "Span":
        return Span(cell.text, cell.page, cell.box, tuple(line.text for line in cell.lines))

    def extended(self, other: "Span") -> "Span":
        """This span continued by ``other`` (a cell split by a page break)."""
        if not other.text:
            return self
        if not self.text:
            return other
        return Span(
            join_pair(self.text, other.text, first_filled=False),
            self.page,
            self.box,
            self.lines + other.lines,
        )


@dataclass(frozen=True)
class HeaderColumn:
    role: str
    header: str
    x0: float
    x1: float


@dataclass(frozen=True)
class IndicatorRow:
    fields: dict[str, Span]
    extra: dict[str, Span]
    pages: tuple[int, ...]


@dataclass(frozen=True)
class ProjectForm:
    title: Optional[Span]
    #: Text lines between the title and the grid ("711001 巨鹿县总工会 单位：万元").
    heading: tuple[Span, ...]
    #: (role, label as printed, value) for every label cell of the project block.
    labels: tuple[tuple[str, str, Span], ...]
    #: (month label, amount) pairs of the spending plan.
    spending: tuple[tuple[Span, Span], ...]
    columns: tuple[HeaderColumn, ...]
    rows: tuple[IndicatorRow, ...]
    pages: tuple[int, ...]
    #: (column key, piece) of every piece of a line read as the rest of a row
    #: split by a page break (``rest_of_row``): its text went into the row's
    #: cell, whose span keeps where the cell began; the piece keeps where it
    #: was printed (``inspect``).
    row_ends: tuple[tuple[str, Span], ...] = ()


@dataclass(frozen=True)
class FormsResult:
    forms: tuple[ProjectForm, ...]
    #: Text outside any project (the prose of 第一部分 and whatever else).
    prose: tuple[TextLine, ...]


# -- text blocks outside grids ---------------------------------------------------


def lines_to_blocks(lines: Sequence[TextLine], body_size: float | None = None) -> list[list[TextLine]]:
    """Consecutive heading lines (set larger than the page's body text) of
    one size and tight spacing form a block: a title wrapped over two lines
    is one block.  Body text lines stay separate for the prose stage."""
    body_size = body_size if body_size is not None else _body_size(lines)
    blocks: list[list[TextLine]] = []
    for line in lines:
        if blocks:
            prev = blocks[-1][-1]
            same_size = abs(prev.size - line.size) <= 0.5
            close = line.box.top - prev.box.bottom <= 0.6 * line.size
            if prev.page == line.page and same_size and close and _is_heading(prev, body_size):
                blocks[-1].append(line)
                continue
        blocks.append([line])
    return blocks


def _body_size(lines: Iterable[TextLine]) -> float:
    """The size most characters are set in."""
    sizes = sorted(ch.size for l in lines for ch in l.chars)
    return sizes[len(sizes) // 2] if sizes else 0.0


def page_body_size(layout: PageLayout) -> float:
    return _body_size(list(layout.lines) + [l for g in layout.grids for c in g.cells for l in c.lines])


#: Text set larger than this times the body text is a heading.
HEADING_RATIO = 1.15


def _is_heading(line: TextLine, body_size: float) -> bool:
    complete = line.text.endswith(tuple(words("sections", "table_title")))
    return line.size > HEADING_RATIO * body_size and not complete


def _same_type(size: float, other: float) -> bool:
    """Two texts set in one size: neither is a heading over the other (nor
    smaller print, such as a running header, under it)."""
    return max(size, other) <= HEADING_RATIO * min(size, other)


_TITLE_NUMBER = regex.compile(r"^\s*(\d{1,3})\s*[.．、]\s*")


def title_of(block: Sequence[TextLine]) -> Optional[tuple[Optional[int], str]]:
    """(number, title) when the block is a project table's title."""
    return split_title(join_lines(block))


def split_title(text: str) -> Optional[tuple[Optional[int], str]]:
    bare = text.strip().rstrip("。.：: ")
    if not bare.endswith(tuple(words("sections", "table_title"))):
        return None
    m = _TITLE_NUMBER.match(bare)
    if m:
        return int(m.group(1)), bare[m.end():]
    return None, bare


# -- grids -------------------------------------------------------------------------


def covering_cells(grid: Grid, row: int) -> list[Cell]:
    """Cells covering grid row ``row``, left to right (merged cells once)."""
    out: list[Cell] = []
    for c in sorted(grid.cells, key=lambda c: c.col):
        if c.row <= row <= c.last_row:
            out.append(c)
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


def header_band(grid: Grid, row: int) -> Optional[tuple[tuple[HeaderColumn, ...], int]]:
    """The indicator columns of a header starting at grid row ``row``, and
    the header's last row; None when no header starts there.

    A header may take several rows: a word over a group of columns (绩效指标
    over 一级/二级/三级指标, 指标值 over 指标性质/指标值/计量单位) sits in a
    row above them, and the columns without sub-headers span every row of
    the band.  The columns are then the cells covering the band's last row
    that start inside the band: the most specific word of every column."""
    own = [c for c in covering_cells(grid, row) if c.row == row]
    if not (header_columns(own) or _header_words_only(own)):
        return None
    last = row
    while last + 1 < grid.n_rows and _header_words_only([c for c in covering_cells(grid, last + 1) if c.row == last + 1]):
        last += 1
    for end in range(last, row - 1, -1):
        cols = header_columns([c for c in covering_cells(grid, end) if c.row >= row])
        if cols:
            return cols, end
    return None


def _cell_for_column(cells: Sequence[Cell], col: HeaderColumn) -> Optional[Cell]:
    best, best_overlap = None, 0.0
    for c in cells:
        overlap = min(c.box.x1, col.x1) - max(c.box.x0, col.x0)
        if overlap > best_overlap:
            best, best_overlap = c, overlap
    # A cell shared by two columns belongs to the one it overlaps most.
    if best is not None and best_overlap >= 0.3 * min(best.box.width, col.x1 - col.x0):
        return best
    return None


# -- the form builder ------------------------------------------------------------


@dataclass
class _Builder:
    """Mutable state of the form being assembled; lives inside one call of
    ``layouts_to_forms`` only."""

    title: Optional[Span]
    heading: list[Span]
    labels: list[tuple[str, str, Span]] = field(default_factory=list)
    spending: list[tuple[Span, Span]] = field(default_factory=list)
    columns: tuple[HeaderColumn, ...] = ()
    rows: list[IndicatorRow] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    pending_labels: list[tuple[str, Cell]] = field(default_factory=list)
    #: Hierarchy cells on a continuation page whose text completes a cell of
    #: the previous page: (page, box) -> the whole text.
    continued: dict[tuple, Span] = field(default_factory=dict)
    last_label: Optional[int] = None
    #: The project-block cells read so far, in reading order: a label split
    #: by a page break ends under the last of them in its column.
    above: list[Cell] = field(default_factory=list)
    #: The last grid read into the form (the size of its text).
    grid: Optional[Grid] = None
    row_ends: list[tuple[str, Span]] = field(default_factory=list)

    def freeze(self) -> ProjectForm:
        return ProjectForm(
            title=self.title,
            heading=tuple(self.heading),
            labels=tuple(self.labels),
            spending=tuple(self.spending),
            columns=self.columns,
            rows=tuple(self.rows),
            pages=tuple(sorted(self.pages)),
            row_ends=tuple(self.row_ends),
        )


def _month_label(text: str) -> bool:
    return bool(MONTH_LABEL.match(text.replace(" ", "")))


def _classify(cell: Cell) -> Optional[str]:
    if not cell.text:
        return None
    if _month_label(cell.text):
        return "month"
    return label_role(cell.text)


def _add_label(b: _Builder, role: str, label: Cell, value: Optional[Cell]) -> None:
    span = Span.of_cell(value) if value is not None else Span("", label.page, label.box)
    b.labels.append((role, label.text, span))
    b.last_label = len(b.labels) - 1


def _append_to_label(b: _Builder, index: int, value: Cell) -> None:
    role, text, span = b.labels[index]
    b.labels[index] = (role, text, span.extended(Span.of_cell(value)))


def rest_of_label(cell: Cell, above: Sequence[Cell]) -> bool:
    """Whether ``cell`` holds the end of the label printed above it in its
    column (the last of ``above`` there): a label cell split by a page
    break ("资金支出" | "计划（%）", "资金支出计划" | "（%）") reads as a label
    only with the text above."""
    if not cell.text or _classify(cell):
        return False
    upper = next((a for a in reversed(above) if a.text and a.box.x_overlap(cell.box) >= 0.5 * min(a.box.width, cell.box.width)), None)
    return upper is not None and bool(label_role(join_pair(upper.text, cell.text, first_filled=False)))


def block_row(b: _Builder, cells: Sequence[Cell], row: int) -> None:
    """Read one row of a project block into the builder (the end of a label
    split by a page break is set aside)."""
    _read_block_row(b, [c for c in cells if not rest_of_label(c, b.above)], row)
    b.above.extend(c for c in cells if c.row == row)


def _read_block_row(b: _Builder, cells: Sequence[Cell], row: int) -> None:
    block = next((label_role(c.text) for c in cells if c.row < row and label_role(c.text) in _BLOCK_ROLES), None)
    own = [c for c in cells if c.row == row or c.rowspan == 1]
    own = [c for c in own if label_role(c.text) not in _BLOCK_ROLES + ("heading",)]
    if b.pending_labels:
        # Values under labels of the row above (or of a row split by a page
        # break): pair them by column; the rest of the row reads as usual.
        taken = []
        for kind, label in b.pending_labels:
            value = _cell_for_column(own, HeaderColumn(kind, label.text, label.box.x0, label.box.x1))
            if value is not None and not _classify(value):
                _pair(b, kind, label, value)
                taken.append(value)
        b.pending_labels = []
        own = [c for c in own if c not in taken]
        if not any(c.text for c in own):
            return
    kinds = [_classify(c) for c in own]
    labels_here = [(k, c) for k, c in zip(kinds, own) if k]
    values_here = [c for k, c in zip(kinds, own) if not k]
    first_label = min((c.box.x0 for _, c in labels_here), default=None)
    trailing = [v for v in values_here if first_label is not None and v.box.x0 > first_label]

    if len(labels_here) >= 2 and not any(v.text for v in trailing):
        # Labels in a row of their own: their values are in the next row.
        b.pending_labels = labels_here
        return
    if not labels_here:
        texts = [c for c in values_here if c.text]
        if texts and (block == "budget_block" or (_last_role(b) in _AMOUNT_ROLES and not _has_role(b, "purpose"))):
            # The free row under the amounts of 预算规模及资金用途 is the purpose.
            span = Span(" ".join(c.text for c in texts), texts[0].page, union_all(c.box for c in texts))
            b.labels.append(("purpose", "资金用途", span))
            b.last_label = len(b.labels) - 1
        elif texts and b.last_label is not None:
            # A row split by a page break inside the project block.
            for c in texts:
                _append_to_label(b, b.last_label, c)
        return
    current: Optional[tuple[str, Cell]] = None
    taken = False
    for kind, cell in zip(kinds, own):
        if kind:
            if current and not taken:
                _pair(b, current[0], current[1], None)
            current, taken = (kind, cell), False
        elif current:
            if not taken:
                _pair(b, current[0], current[1], cell)
                taken = True
            elif cell.text and current[0] != "month":
                _append_to_label(b, len(b.labels) - 1, cell)
    if current and not taken:
        _pair(b, current[0], current[1], None)


def _pair(b: _Builder, kind: str, label: Cell, value: Optional[Cell]) -> None:
    if kind == "month":
        if value is not None:
            b.spending.append((Span.of_cell(label), Span.of_cell(value)))
    else:
        _add_label(b, kind, label, value)


def _last_role(b: _Builder) -> Optional[str]:
    return b.labels[b.last_label][0] if b.last_label is not None else None


def _has_role(b: _Builder, role: str) -> bool:
    return any(r == role for r, _, _ in b.labels)


def indicator_row(b: _Builder, cells: Sequence[Cell], row: int, merged_only: bool = False) -> Optional[IndicatorRow]:
    """One indicator from the cells covering a grid row, or None when no
    cell of the row's own columns starts in it (with ``merged_only``: no
    cell at all, a row holding text of the 一级/二级 columns only)."""
    fields: dict[str, Span] = {}
    extra: dict[str, Span] = {}
    starts = False
    pages = set()
    for col in b.columns:
        cell = _cell_for_column(cells, col)
        if cell is None:
            continue
        if cell.row == row and (merged_only or col.role not in HIERARCHY_ROLES):
            starts = True
        span = Span.of_cell(cell)
        pages.add(cell.page)
        if col.role in KEYED_ROLES:
            extra[col.header] = span
        else:
            fields.setdefault(col.role, span)
    if not starts:
        return None
    return IndicatorRow(fields=fields, extra=extra, pages=tuple(sorted(pages)))


def inherit_hierarchy(row: IndicatorRow, previous: Optional[IndicatorRow]) -> IndicatorRow:
    """Blank 一级/二级指标 cells take the value above them."""
    if previous is None:
        return row
    fields = dict(row.fields)
    for role in HIERARCHY_ROLES:
        if (role not in fields or not fields[role].text) and role in previous.fields:
            fields[role] = previous.fields[role]
    return IndicatorRow(fields, row.extra, row.pages)


def is_fragment(row: IndicatorRow, previous: IndicatorRow) -> bool:
    """Whether the first row of a continuation grid is the rest of the
    previous page's last row: it lacks a 三级指标 or 指标值 the row before has,
    or the text of one of its own (not merged) cells continues a word the
    previous page left unfinished ("≥30百分" | "比")."""
    def text(r: IndicatorRow, role: str) -> str:
        return r.fields[role].text if role in r.fields else ""

    present = [role for role in REQUIRED_ROLES if role in previous.fields]
    if any(text(previous, role) and not text(row, role) for role in present):
        return True
    for role in row.fields:
        if role in HIERARCHY_ROLES:
            continue  # a merged cell's text may flow over the break into a new row
        if text(previous, role) and text(row, role) and joins_as_word(text(previous, role), text(row, role)):
            return True
    return False


def merge_fragment(previous: IndicatorRow, fragment: IndicatorRow) -> IndicatorRow:
    fields = dict(previous.fields)
    for role, span in fragment.fields.items():
        fields[role] = fields[role].extended(span) if role in fields else span
    extra = dict(previous.extra)
    for key, span in fragment.extra.items():
        extra[key] = extra[key].extended(span) if key in extra else span
    return IndicatorRow(fields, extra, tuple(sorted(set(previous.pages) | set(fragment.pages))))


def _grid_opens_project(grid: Grid) -> bool:
    return any(label_role(c.text) in ("code", "name") for c in grid.cells if c.text)


def _grid_has_header(grid: Grid) -> bool:
    return any(header_band(grid, r) for r in range(grid.n_rows))


def continues_columns(grid: Grid, columns: Sequence[HeaderColumn], first_on_page: bool) -> bool:
    """Whether a grid without a header row continues the indicator table
    whose header gave ``columns``.

    A drawn table continues with the header's frame: the same left and
    right edges.  A table read from text alignment has no frame (its box is
    where its words are, and a page of rows under one merged 一级指标 has no
    text in that column): it continues when it lies within the header's
    span and none of its cells straddles two columns; and it must be the
    first table on its page, as a table continued over a page break starts
    the page (a line of cells under a finished table is something else,
    such as the signatures under a form)."""
    if not columns:
        return False
    left, right = min(c.x0 for c in columns), max(c.x1 for c in columns)
    tol = 0.05 * (right - left)
    if grid.source != "text":
        return abs(grid.box.x0 - left) <= tol and abs(grid.box.x1 - right) <= tol
    if not first_on_page or grid.box.x0 < left - 2 * tol or grid.box.x1 > right + 2 * tol:
        return False
    under = [sum(1 for col in columns if min(c.box.x1, col.x1) > max(c.box.x0, col.x0)) for c in grid.cells if c.text]
    return bool(under) and max(under) == 1


def centred_spans(
    texts: Sequence[Span], start: float, bottom: float, edges: Sequence[float]
) -> Optional[list[tuple[float, float, Span]]]:
    """(top, bottom, text) of merged cells whose texts are centred in them,
    laid one after the other from ``start`` down to ``bottom``: the k-th
    text centred at c_k spans [s_k, 2 c_k - s_k] from where the previous one
    ended.  None when the texts do not fit that reading."""
    spans = []
    for span in texts:
        reach = 2 * span.box.cy - start
        end = min(edges, key=lambda e: abs(e - reach))  # snap to a row edge
        if abs(end - reach) > max(3.0, 0.6 * span.box.height) or not (
            start - 1 <= span.box.top and span.box.bottom <= end + 1
        ):
            return None
        spans.append((start, end, span))
        start = end
    return spans if abs(start - bottom) <= 2.0 else None


def place_centred_hierarchy(
    rows: list[tuple[int, IndicatorRow]], texts_by_role: dict[str, list[Span]], edges: Sequence[float],
    continued: bool = False,
) -> list[tuple[int, IndicatorRow]]:
    """In a table read from text alignment a merged 一级/二级指标 cell is only
    its text, printed centred over the rows it spans.  Rebuild the spans
    (``centred_spans``).  On a page that continues a table (``continued``),
    the first rows may belong to a merged cell whose text is on the previous
    page: the spans then start lower, and those rows stay blank.  When the
    texts do not fit that reading (they are top-aligned), leave them where
    they are: blank cells then take the text above them."""
    if not rows:
        return rows
    body_top, body_bottom = edges[rows[0][0]], edges[rows[-1][0] + 1]
    out = [(band, IndicatorRow(dict(row.fields), row.extra, row.pages)) for band, row in rows]
    for role in HIERARCHY_ROLES:
        texts = sorted(texts_by_role.get(role, []), key=lambda s: s.box.top)
        if not texts:
            continue
        starts = [body_top]
        if continued:
            starts += [e for e in edges if body_top < e <= texts[0].box.top + 1]
        spans = next((found for s in starts if (found := centred_spans(texts, s, body_bottom, edges))), None)
        if spans is None:
            continue
        for i, (band, row) in enumerate(out):
            mid = (edges[band] + edges[band + 1]) / 2
            for lo, hi, span in spans:
                if lo <= mid <= hi:
                    row.fields[role] = span
    return out


@dataclass(frozen=True)
class HeaderBand:
    """An indicator header of a grid: its first and last rows (a header
    may take two) and the columns it gives."""

    first: int
    last: int
    columns: tuple[HeaderColumn, ...]


def grid_rows(grid: Grid) -> Iterator[tuple[int, Optional[HeaderBand]]]:
    """The grid's rows top down, each with the indicator header that starts
    there; a header of several rows comes once, as its first."""
    r = 0
    while r < grid.n_rows:
        found = header_band(grid, r)
        band = HeaderBand(r, found[1], found[0]) if found else None
        yield r, band
        r = band.last + 1 if band else r + 1


def header_bands(grid: Grid) -> list[HeaderBand]:
    """Every indicator header of ``grid``, as ``add_grid`` reads them."""
    return [band for _, band in grid_rows(grid) if band]


def add_grid(b: _Builder, grid: Grid, continuation: bool) -> None:
    """Read every row of ``grid`` into the form being built.  On a grid
    that continues the form over a page break (``continuation``), the first
    indicator row may complete the last one, and the first rows may lie
    under merged cells begun on the previous page."""
    b.grid = grid
    body: list[tuple[int, IndicatorRow]] = []
    hierarchy: dict[str, list[Span]] = {}
    first = continuation  # the next indicator row is the first after the break
    top = continuation  # the next body starts at the top of the continued table

    def flush() -> None:
        nonlocal first, top
        rows = place_centred_hierarchy(body, hierarchy, grid.ys, top) if grid.source == "text" else body
        for _, row in rows:
            add_indicator(b, row, first_body=first)
            first = False
        top = top and not body
        body.clear()
        hierarchy.clear()

    for r, header in grid_rows(grid):
        cells = covering_cells(grid, r)
        if header:
            flush()
            b.columns = header.columns
            continue
        if not b.columns:
            own = [c for c in cells if c.row == r and c.text]
            if b.title is None and len(own) == 1 and split_title(own[0].text):
                b.title = Span.of_cell(own[0])  # the title drawn as the table's first row
                continue
            block_row(b, cells, r)
            b.pages.add(grid.page)
            continue
        row = indicator_row(b, cells, r)
        if first and not body and b.rows:
            # The first row after the page break may be the rest of the row
            # it split: completed at once, before merged cells are placed
            # (on a page read from text alignment it may hold words of the
            # 一级/二级 columns only: "服务对象满意度指" | "标").
            if row is None and grid.source == "text":
                row = indicator_row(b, cells, r, merged_only=True)
            if row is not None and is_fragment(row, b.rows[-1]):
                add_indicator(b, row, first_body=True)
                first = False
                continue
        if row is not None:
            body.append((r, row))
        if grid.source == "text":
            for col in b.columns:
                cell = _cell_for_column([c for c in cells if c.row == r], col)
                if col.role in HIERARCHY_ROLES and cell is not None and cell.text:
                    hierarchy.setdefault(col.role, []).append(Span.of_cell(cell))
    flush()


def add_indicator(b: _Builder, row: IndicatorRow, first_body: bool) -> None:
    """Append an indicator row, or complete the previous one with it when it
    is the rest of a row split by a page break."""
    b.pages.update(row.pages)
    row = _resolve_continued(b, row)
    previous = b.rows[-1] if b.rows else None
    if first_body and previous is not None:
        if is_fragment(row, previous):
            merged = merge_fragment(previous, row)
            _continue_hierarchy(b, previous, row, merged)
            b.rows[-1] = merged
            return
        row = _flowed_hierarchy(b, previous, row)
    b.rows.append(inherit_hierarchy(row, previous))


def _continue_hierarchy(b: _Builder, previous: IndicatorRow, part: IndicatorRow, merged: IndicatorRow) -> None:
    """A merged 一级/二级 cell whose text was split by the page break now
    reads whole: rows above that showed its first part, and rows below that
    the second part covers, get the whole text."""
    for role in HIERARCHY_ROLES:
        if role in part.fields and part.fields[role].text and role in previous.fields:
            old, whole = previous.fields[role], merged.fields[role]
            b.continued[_span_key(part.fields[role])] = whole
            for i, r in enumerate(b.rows):
                if r.fields.get(role) == old:
                    b.rows[i] = IndicatorRow({**r.fields, role: whole}, r.extra, r.pages)


def _flowed_hierarchy(b: _Builder, previous: IndicatorRow, row: IndicatorRow) -> IndicatorRow:
    """The first row after a page break whose merged 一级/二级 cell starts
    with the end of a word the previous page left unfinished ("效益指" |
    "标") continues that cell."""
    fields = dict(row.fields)
    for role in HIERARCHY_ROLES:
        new, old = fields.get(role), previous.fields.get(role)
        if new is not None and old is not None and new.text and old.text and joins_as_word(old.text, new.text):
            whole = old.extended(new)
            b.continued[_span_key(new)] = whole
            fields[role] = whole
            for i, r in enumerate(b.rows):
                if r.fields.get(role) == old:
                    b.rows[i] = IndicatorRow({**r.fields, role: whole}, r.extra, r.pages)
    return IndicatorRow(fields, row.extra, row.pages)


def column_key(col: HeaderColumn) -> str:
    """The key of a column's text in an ``IndicatorRow``: its role, or its
    header for a column kept in ``extra``."""
    return col.header if col.role in KEYED_ROLES else col.role


def _cell_text(row: IndicatorRow, col: HeaderColumn) -> str:
    span = row.extra.get(col.header) if col.role in KEYED_ROLES else row.fields.get(col.role)
    return span.text if span is not None else ""


def column_reach(columns: Sequence[HeaderColumn]) -> list[tuple[HeaderColumn, float, float]]:
    """Each column with how far it reaches: halfway to its neighbours'
    header words, the outer ones as far out again.  A table read from text
    alignment knows its columns by their header words only, and the text of
    a cell may be wider than those (a drawn table's header cells touch:
    each column reaches its own borders)."""
    cols = sorted(columns, key=lambda c: c.x0)
    halves = [max(0.0, (b.x0 - a.x1) / 2) for a, b in zip(cols, cols[1:])]
    out = []
    for k, col in enumerate(cols):
        left = halves[k - 1] if k else (halves[0] if halves else 0.0)
        right = halves[k] if k < len(halves) else (halves[-1] if halves else 0.0)
        out.append((col, col.x0 - left, col.x1 + right))
    return out


def pieces_under_columns(pieces: Sequence[TextLine], columns: Sequence[HeaderColumn]) -> Optional[list[tuple[HeaderColumn, TextLine]]]:
    """Each piece with the column it lies under (the one whose reach holds
    its centre, touching no other column's header); None when a piece lies
    under no single column, or two under one."""
    reach = column_reach(columns)
    out: list[tuple[HeaderColumn, TextLine]] = []
    for piece in pieces:
        found = [col for col, lo, hi in reach if lo <= piece.box.cx <= hi]
        if len(found) != 1:
            return None
        col = found[0]
        if any(o is not col and min(piece.box.x1, o.x1) > max(piece.box.x0, o.x0) for o in columns):
            return None
        if any(c is col for c, _ in out):
            return None
        out.append((col, piece))
    return out


def line_bands(lines: Sequence[TextLine]) -> list[list[TextLine]]:
    """Lines of one page, top down, grouped into bands set at a cell's
    leading: a line starts less than its height below the lowest line of
    its band so far.  The ends of cells side by side interleave when the
    cells hold different numbers of lines (each is centred in its row)."""
    bands: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda l: l.box.top):
        if bands and line.box.top - max(l.box.bottom for l in bands[-1]) < line.box.height:
            bands[-1].append(line)
        else:
            bands.append([line])
    return bands


def rest_of_row(band: Sequence[TextLine], columns: Sequence[HeaderColumn], last: IndicatorRow,
                size: Optional[float] = None) -> Optional[tuple[IndicatorRow, ...]]:
    """What a band of lines opening a page (``line_bands``; no table above
    them there) holds of the last indicator row ``last``, line by line, when
    it is the rest of that row the page break split and nothing else of the
    table reached the new page; None when it is not.

    The pieces of its lines (``TextLine.runs``: the cell gaps cut the line;
    else the line whole) are set in the table's type (``size``: not a
    heading, not a running header), each line's under columns in which the
    row has text, one each, and

    * they lie under several columns: the ends of several cells side by
      side, cut where the table's columns are;
    * or under one, and the first finishes a word the previous page left
      unfinished ("…建设五年规" | "划》"): the lines under it follow.

    Lines under no single column, or under one and finishing no word (a
    "续表" note), are no part of the row."""
    placed = []
    for line in band:
        pieces = line.runs or (line,)
        if size and not all(_same_type(p.size, size) for p in pieces):
            return None
        found = pieces_under_columns(pieces, columns)
        if not found or any(not _cell_text(last, col) for col, _ in found):
            return None
        placed.append(found)
    if len({column_key(col) for found in placed for col, _ in found}) == 1:
        col, piece = placed[0][0]
        if not joins_as_word(_cell_text(last, col), piece.text):
            return None
    return tuple(_row_part(found) for found in placed)


def _row_part(found: Sequence[tuple[HeaderColumn, TextLine]]) -> IndicatorRow:
    fields: dict[str, Span] = {}
    extra: dict[str, Span] = {}
    for col, piece in found:
        span = Span(piece.text, piece.page, piece.box, (piece.text,))
        (extra if col.role in KEYED_ROLES else fields)[column_key(col)] = span
    return IndicatorRow(fields, extra, (found[0][1].page,))


def complete_last_row(b: _Builder, lines: Sequence[TextLine]) -> None:
    """Lines opening pages (no table above them there) whose bands hold the
    rest of the last indicator row (``rest_of_row``): their text is appended
    to the row's cells.  A band that does not (a "续表" note) is left alone."""
    size = _body_size(l for c in b.grid.cells for l in c.lines) if b.grid is not None else None
    for page in sorted({l.page for l in lines}):
        for band in line_bands([l for l in lines if l.page == page]):
            for part in rest_of_row(band, b.columns, b.rows[-1], size) or ():
                last = b.rows[-1]
                merged = merge_fragment(last, part)
                _continue_hierarchy(b, last, part, merged)
                b.rows[-1] = merged
                b.pages.add(page)
                b.row_ends.extend([*part.fields.items(), *part.extra.items()])


def _span_key(span: Span) -> tuple:
    return (span.page, span.box)


def _resolve_continued(b: _Builder, row: IndicatorRow) -> IndicatorRow:
    """Rows under a merged cell already known to continue earlier text."""
    if not b.continued:
        return row
    fields = {role: b.continued.get(_span_key(span), span) for role, span in row.fields.items()}
    return IndicatorRow(fields, row.extra, row.pages)


def _events(layouts: Iterable[PageLayout]) -> Iterator[tuple[str, object, bool]]:
    """Text blocks and grids in reading order, each with whether no grid
    comes before it on its page."""
    for layout in layouts:
        items: list[tuple[float, str, object]] = []
        for block in lines_to_blocks(layout.lines, page_body_size(layout)):
            items.append((block[0].box.top, "block", block))
        for grid in layout.grids:
            items.append((grid.box.top, "grid", grid))
        seen_grid = False
        for _, kind, obj in sorted(items, key=lambda t: t[0]):
            yield kind, obj, not seen_grid
            seen_grid = seen_grid or kind == "grid"


def layouts_to_forms(layouts: Iterable[PageLayout]) -> FormsResult:
    """Walk pages in order and assemble every project form."""
    forms: list[ProjectForm] = []
    prose: list[TextLine] = []
    current: Optional[_Builder] = None
    title: Optional[Span] = None
    heading: list[Span] = []
    #: Lines opening pages after a form's rows: maybe the rest of its last
    #: row, read together (the ends of cells side by side interleave).
    opening: list[TextLine] = []
    for kind, obj, opens_page in _events(layouts):
        if kind == "block" and opens_page and title is None and current is not None and current.rows \
                and title_of(obj) is None:  # type: ignore[arg-type]
            opening.extend(obj)  # type: ignore[arg-type]
            continue
        if opening:
            complete_last_row(current, opening)  # type: ignore[arg-type]
            opening = []
        if kind == "block":
            block: list[TextLine] = obj  # type: ignore[assignment]
            found = title_of(block)
            if found is not None:
                number, text = found
                title = Span(join_lines(block), block[0].page, union_all(l.box for l in block))
                heading = []
            elif title is not None:
                heading.extend(Span(l.text, l.page, l.box) for l in block)
            elif current is None and not forms:
                prose.extend(block)
            continue
        grid: Grid = obj  # type: ignore[assignment]
        if title is not None or _grid_opens_project(grid):
            if current is not None:
                forms.append(current.freeze())
            current = _Builder(title=title, heading=heading)
            title, heading = None, []
            add_grid(current, grid, continuation=False)
        elif current is not None and (
            not current.columns or _grid_has_header(grid) or continues_columns(grid, current.columns, opens_page)
        ):
            add_grid(current, grid, continuation=True)
        # Any other grid (a budget table of the surrounding document) is not ours.
    if opening:
        complete_last_row(current, opening)  # type: ignore[arg-type]
    if current is not None:
        forms.append(current.freeze())
    return FormsResult(forms=tuple(forms), prose=tuple(prose))
