"""Indicator rows: reading a grid row under the header's columns, merged
一级/二级 cells, and rows split by page breaks."""

from __future__ import annotations

from typing import Optional, Sequence

from ..layout import Cell, Grid, TextLine
from ..rejoin import joins_as_word
from ..vocab import label_role
from .headers import cell_for_column
from .model import GROUP_ROLES, HIERARCHY_ROLES, KEYED_ROLES, REQUIRED_ROLES, Builder, HeaderColumn, IndicatorRow, Span
from .titles import median_size, same_type


def indicator_row(b: Builder, cells: Sequence[Cell], row: int, merged_only: bool = False) -> Optional[IndicatorRow]:
    """One indicator from the cells covering a grid row, or None when no
    cell of the row's own columns starts in it (with ``merged_only``: no
    cell at all, a row holding text of the 一级/二级 columns only)."""
    fields: dict[str, Span] = {}
    extra: dict[str, Span] = {}
    starts = False
    pages = set()
    for col in b.columns:
        cell = cell_for_column(cells, col)
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


def inherit_hierarchy(row: IndicatorRow, previous: Optional[IndicatorRow], skip: Sequence[str] = ()) -> IndicatorRow:
    """Blank 一级/二级指标 cells take the value above them (but the roles
    in ``skip``)."""
    if previous is None:
        return row
    fields = dict(row.fields)
    for role in HIERARCHY_ROLES:
        if role in skip:
            continue
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

    own = [role for role in row.fields if role not in HIERARCHY_ROLES and role not in GROUP_ROLES]
    if not any(text(row, role) for role in own) and not any(s.text for s in row.extra.values()):
        # Nothing but 一级/二级 text: the rest of the row only when that text
        # finishes a word ("服务对象满意度指" | "标"); else a row of its own,
        # empty (a blank row of a template, a level without indicators).
        return any(text(previous, role) and text(row, role) and joins_as_word(text(previous, role), text(row, role))
                   for role in HIERARCHY_ROLES)
    present = [role for role in REQUIRED_ROLES if role in previous.fields]
    if any(text(previous, role) and not text(row, role) for role in present):
        return True
    joined = [role for role in row.fields
              # a merged cell's text may flow over the break into a new row, or repeat there
              if role not in HIERARCHY_ROLES and role not in GROUP_ROLES
              and text(previous, role) and text(row, role) and joins_as_word(text(previous, role), text(row, role))]
    if all(text(row, role) for role in REQUIRED_ROLES):
        # A row with a 三级指标 and a value of its own is a row, unless its
        # value, or two of its cells, go on from the row before: one word
        # straddling two cells' texts ("…数量" | "指标5：…") is chance.
        return "value" in joined or len(joined) >= 2
    return bool(joined)


def merge_fragment(previous: IndicatorRow, fragment: IndicatorRow) -> IndicatorRow:
    fields = dict(previous.fields)
    for role, span in fragment.fields.items():
        if role in GROUP_ROLES and role in fields and fields[role].text == span.text:
            continue  # a row group's merged cell, its text printed again after the break
        fields[role] = fields[role].extended(span) if role in fields else span
    extra = dict(previous.extra)
    for key, span in fragment.extra.items():
        extra[key] = extra[key].extended(span) if key in extra else span
    return IndicatorRow(fields, extra, tuple(sorted(set(previous.pages) | set(fragment.pages))))



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
        if abs(grid.box.x1 - right) > tol:
            return False
        if abs(grid.box.x0 - left) <= tol:
            return True
        # A label column at the left (绩效指标, set vertically) before the
        # header's columns: the frame goes on from its inner edge.
        inner = [x for x in grid.xs if abs(x - left) <= tol]
        return bool(inner) and grid.box.x0 < left and all(
            not c.text or label_role(c.text) == "heading" for c in grid.cells if c.box.x1 <= inner[0] + tol)
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



def add_indicator(b: Builder, row: IndicatorRow, first_body: bool) -> None:
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
        _resolve_awaiting(b, row)
    if previous is not None and b.grid is not None and b.grid.source != "text":
        # In a drawn table a blank 一级/二级 cell on the page of the cell
        # above is a cell of its own, not that merged cell: its words, if
        # any, are printed on the next page (a merged cell the page break
        # cut), else it is blank.  (After a break, a blank cell continues
        # the merged cell above: it takes its words.)
        own = [role for role in HIERARCHY_ROLES if role in row.fields and not row.fields[role].text
               and role in previous.fields and previous.fields[role].page == row.fields[role].page]
        b.awaiting.extend((len(b.rows), role) for role in own)
        row = inherit_hierarchy(row, previous, skip=own)
        b.rows.append(row)
        return
    b.rows.append(inherit_hierarchy(row, previous))


def _resolve_awaiting(b: Builder, row: IndicatorRow) -> None:
    """Blank 一级/二级 cells of the rows at the foot of the previous page
    take the words the first row of this page prints in their column (one
    merged cell the page break cut); the others stay blank."""
    for index, role in b.awaiting:
        span = row.fields.get(role)
        if span is not None and span.text and index < len(b.rows):
            r = b.rows[index]
            b.rows[index] = IndicatorRow({**r.fields, role: span}, r.extra, r.pages)
    b.awaiting.clear()


def _continue_hierarchy(b: Builder, previous: IndicatorRow, part: IndicatorRow, merged: IndicatorRow) -> None:
    """A merged 一级/二级 cell whose text was split by the page break now
    reads whole: rows above that showed its first part, and rows below that
    the second part covers, get the whole text."""
    for role in HIERARCHY_ROLES:
        if role in part.fields and part.fields[role].text and role in previous.fields:
            old, whole = previous.fields[role], merged.fields[role]
            b.continued[span_key(part.fields[role])] = whole
            for i, r in enumerate(b.rows):
                if r.fields.get(role) == old:
                    b.rows[i] = IndicatorRow({**r.fields, role: whole}, r.extra, r.pages)


def _flowed_hierarchy(b: Builder, previous: IndicatorRow, row: IndicatorRow) -> IndicatorRow:
    """The first row after a page break whose merged 一级/二级 cell starts
    with the end of a word the previous page left unfinished ("效益指" |
    "标") continues that cell."""
    fields = dict(row.fields)
    for role in HIERARCHY_ROLES:
        new, old = fields.get(role), previous.fields.get(role)
        if new is not None and old is not None and new.text and old.text and joins_as_word(old.text, new.text):
            whole = old.extended(new)
            b.continued[span_key(new)] = whole
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
        if size and not all(same_type(p.size, size) for p in pieces):
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


def complete_last_row(b: Builder, lines: Sequence[TextLine]) -> None:
    """Lines opening pages (no table above them there) whose bands hold the
    rest of the last indicator row (``rest_of_row``): their text is appended
    to the row's cells.  A band that does not (a "续表" note) is left alone."""
    size = median_size(l for c in b.grid.cells for l in c.lines) if b.grid is not None else None
    for page in sorted({l.page for l in lines}):
        for band in line_bands([l for l in lines if l.page == page]):
            for part in rest_of_row(band, b.columns, b.rows[-1], size) or ():
                last = b.rows[-1]
                merged = merge_fragment(last, part)
                _continue_hierarchy(b, last, part, merged)
                b.rows[-1] = merged
                b.pages.add(page)
                b.row_ends.extend([*part.fields.items(), *part.extra.items()])


def span_key(span: Span) -> tuple:
    return (span.page, span.box)


def _resolve_continued(b: Builder, row: IndicatorRow) -> IndicatorRow:
    """Rows under a merged cell already known to continue earlier text."""
    if not b.continued:
        return row
    fields = {role: b.continued.get(span_key(span), span) for role, span in row.fields.items()}
    return IndicatorRow(fields, row.extra, row.pages)

