"""The walk over the pages: text blocks and grids in reading order,
assembled into forms."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Iterator, Optional

from ..layout import Cell, Grid, PageLayout, TextLine, union_all
from ..rejoin import join_lines
from ..vocab import header_role, label_role, words
from .block import block_row, split_inline
from .levels import columns_from_levels
from .listing import split_listing
from .headers import cell_for_column, covering_rows, grid_rows, has_header
from .model import GROUP_ROLES, HIERARCHY_ROLES, Builder, FormsResult, HeaderColumn, IndicatorRow, ProjectForm, Span
from .rows import add_indicator, complete_last_row, continues_columns, indicator_row, is_fragment, place_centred_hierarchy
from .titles import lines_to_blocks, page_body_size, split_title, title_of


def split_at_forms(grid: Grid) -> list[Grid]:
    """One grid per form when a drawn table holds several stacked: a row
    that opens a project block (项目名称 or 项目编码 and its value) below
    rows that are no project block (indicator rows, a header) begins the
    next form's grid.  (A table read from text alignment ends where its
    text does: segmentation cuts it at the lines between two forms.)"""
    if grid.source == "text":
        return [grid]
    cuts = []
    rows_above = False  # indicator rows or a header since the last block
    by_row: list[list[Cell]] = [[] for _ in range(grid.n_rows)]
    for c in grid.cells:
        if c.text and 0 <= c.row < grid.n_rows:
            by_row[c.row].append(c)
    for r in range(grid.n_rows):
        starting = sorted(by_row[r], key=lambda c: c.box.x0)
        if _opens_block(starting):
            if rows_above:
                cuts.append(r)
            rows_above = False
        elif len(starting) >= 2 and not any(label_role(c.text) not in (None, "heading") for c in starting):
            rows_above = True  # (a title drawn as the first row is one cell: no rows)
    if not cuts:
        return [grid]
    bounds = [0, *cuts, grid.n_rows]
    return [_rows_of(grid, a, b) for a, b in zip(bounds, bounds[1:])]


def _opens_block(cells: list) -> bool:
    """A 项目名称 / 项目编码 label followed by its value (not by another
    label or a column header: a listing table's header names 项目名称 too)."""
    if any(_inline_role(c) in ("code", "name") for c in cells):
        return True
    for label, value in zip(cells, cells[1:]):
        if label_role(label.text) in ("code", "name") and not label_role(value.text) and not header_role(value.text):
            return True
    return False


def _rows_of(grid: Grid, first: int, end: int) -> Grid:
    """Rows ``first`` to ``end`` (exclusive) of ``grid`` as a grid of their own."""
    cells = []
    for c in grid.cells:
        top, bottom = max(c.row, first), min(c.last_row, end - 1)
        if top <= bottom:
            cells.append(replace(c, row=top - first, rowspan=bottom - top + 1))
    ys = grid.ys[first:end + 1]
    return replace(grid, box=replace(grid.box, top=ys[0], bottom=ys[-1]), ys=ys, cells=tuple(cells))


def _grid_opens_project(grid: Grid) -> bool:
    return any(label_role(c.text) in ("code", "name") or _inline_role(c) in ("code", "name")
               for c in grid.cells if c.text)


def _inline_role(cell) -> Optional[str]:
    pair = split_inline(cell)
    return label_role(pair[0].text) if pair else None


def add_grid(b: Builder, grid: Grid, continuation: bool) -> None:
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

    covering = covering_rows(grid)
    for r, header in grid_rows(grid, covering):
        cells = covering[r]
        if header:
            flush()
            b.columns = header.columns
            continue
        if not b.columns and b.labels and (inferred := columns_from_levels(cells)) is not None:
            b.columns = inferred  # the indicator rows begin, with no header row
        if not b.columns:
            own = [c for c in cells if c.row == r and c.text]
            if not b.labels and len(own) == 1 and split_title(own[0].text):
                # The title drawn as the table's first row: nearer than a
                # heading above the table ("1.项目支出绩效目标表").
                b.title = Span.of_cell(own[0])
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
                cell = cell_for_column([c for c in cells if c.row == r], col)
                if col.role in HIERARCHY_ROLES and cell is not None and cell.text:
                    hierarchy.setdefault(col.role, []).append(Span.of_cell(cell))
    flush()


def _events(layouts: Iterable[PageLayout]) -> Iterator[tuple[str, object, bool]]:
    """Text blocks and grids in reading order, each with whether no grid
    comes before it on its page."""
    for layout in layouts:
        items: list[tuple[float, str, object]] = []
        for block in lines_to_blocks(layout.lines, page_body_size(layout)):
            items.append((block[0].box.top, "block", block))
        for drawn in layout.grids:
            for grid in split_at_forms(drawn):
                items.append((grid.box.top, "grid", grid))
        seen_grid = False
        for _, kind, obj in sorted(items, key=lambda t: t[0]):
            yield kind, obj, not seen_grid
            seen_grid = seen_grid or kind == "grid"


def layouts_to_forms(layouts: Iterable[PageLayout]) -> FormsResult:
    """Walk pages in order and assemble every project form."""
    forms: list[ProjectForm] = []
    prose: list[TextLine] = []
    current: Optional[Builder] = None
    title: Optional[Span] = None
    #: Lines after a pending title (a unit line, "单位：万元"): the heading.
    heading: list[TextLine] = []
    #: Lines opening pages after a form's rows: maybe the rest of its last
    #: row, read together (the ends of cells side by side interleave).
    opening: list[TextLine] = []
    for kind, obj, opens_page in _events(layouts):
        page = obj[0].page if isinstance(obj, list) else obj.page  # type: ignore[attr-defined]
        if title is not None and title_expired(title, page):
            # A title whose form never came (an entry of a 目录, a section
            # heading over prose) is text like any other.
            if current is None and not forms:
                prose.extend(heading)
            title, heading = None, []
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
                title = Span(join_lines(block), block[0].page, union_all(l.box for l in block))
                heading = []
            elif title is not None:
                heading.extend(block)
            elif current is None and not forms:
                prose.extend(block)
            continue
        grid: Grid = obj  # type: ignore[assignment]
        if title is not None and current is not None and repeats_title(title, current, grid):
            title, heading = None, []  # the form goes on: its title is printed atop every page
        if title is not None or _grid_opens_project(grid) or (current is None and has_header(grid)):
            if current is not None:
                forms.extend(finished(current))
            current = Builder(title=title, heading=[Span(l.text, l.page, l.box) for l in heading])
            title, heading = None, []
            add_grid(current, grid, continuation=False)
        elif current is not None and (
            not current.columns or has_header(grid) or continues_columns(grid, current.columns, opens_page)
        ):
            add_grid(current, grid, continuation=True)
        # Any other grid (a budget table of the surrounding document) is not ours.
    if opening:
        complete_last_row(current, opening)  # type: ignore[arg-type]
    if current is not None:
        forms.extend(finished(current))
    return FormsResult(forms=tuple(forms), prose=tuple(prose))


def repeats_title(title: Span, current: Builder, grid: Grid) -> bool:
    """Whether ``title`` over ``grid`` is the open form's title printed
    again on a page it continues onto: the same words, and a grid that
    opens no project of its own (no 项目名称 block above its rows)."""
    return current.title is not None and current.title.text == title.text and not _grid_opens_project(grid)


def title_expired(title: Span, page: int) -> bool:
    """Whether a pending title no longer names the next grid: a form's
    title stands on the page of its grid, or at the foot of the page
    before (an entry of a 目录 pages ahead names no grid)."""
    return page > title.page + 1


def finished(b: Builder) -> list[ProjectForm]:
    """The forms a finished builder holds: none when no indicator header
    was ever found (a budget table under a title, a block of labels
    alone: no 绩效 form), one per row group of a listing table, else one."""
    if not b.columns and not is_project_block(b):
        return []
    b.rows = [r for r in b.rows if not is_placeholder(r) and not is_total(r)]
    b.columns, b.rows = without_label_columns(b.columns, b.rows)
    forms = split_listing(b.freeze())
    # An empty template (its rows only the printed levels, no name): no form.
    return [f for f in forms if f.rows or any(role in ("name", "unit_name") and s.text for role, _, s in f.labels)]


def is_project_block(b: Builder) -> bool:
    """A project block whose indicator grid was never found (a damaged
    page, a grid drawn as an image): a 项目名称 or 项目编码 with a value, and
    an amount or goals.  A budget table under a title has no such block."""
    values = {role for role, _, span in b.labels if span.text.strip()}
    return bool(values & {"code", "name"}) and bool(values & {"total", "fiscal", "goals"})


def is_total(row: IndicatorRow) -> bool:
    """A 总分 / 合计 row under the indicators: the form's sums, no indicator."""
    first = next((s.text for role, s in row.fields.items() if role in HIERARCHY_ROLES + ("level3",) and s.text), "")
    return first.replace(" ", "") in words("sections", "total_row")


def without_label_columns(columns: tuple[HeaderColumn, ...], rows: list[IndicatorRow]):
    """Columns kept under ``extra`` that hold no data: a label set
    vertically at the left of the grid (年度绩效指标完成情况, or a piece of it
    a page break cut, "绩"), whose cells repeat its header or a part of it."""
    def label_only(col: HeaderColumn) -> bool:
        texts = [r.extra[col.header].text for r in rows if col.header in r.extra and r.extra[col.header].text]
        return all(t in col.header or col.header in t for t in texts) and (
            len(col.header) == 1 or all(t == col.header for t in texts) or not texts)

    gone = {c.header for c in columns if c.role == "extra" and label_only(c)}
    if not gone:
        return columns, rows
    kept = tuple(c for c in columns if not (c.role == "extra" and c.header in gone))
    return kept, [IndicatorRow(r.fields, {k: v for k, v in r.extra.items() if k not in gone}, r.pages) for r in rows]


def is_placeholder(row: IndicatorRow) -> bool:
    """A row holding nothing of its own: the levels printed, no 三级指标,
    no value, nothing else (an empty template's row, a blank line)."""
    own = [s for role, s in row.fields.items() if role not in HIERARCHY_ROLES and role not in GROUP_ROLES]
    return not any(s.text.strip() for s in own) and not any(s.text.strip() for s in row.extra.values())

