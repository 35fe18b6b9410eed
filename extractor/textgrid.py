"""Stage 2a': tables drawn without (all) rulings -> grids, from text alignment.

Some templates draw horizontal rules only, some no rules at all.  There the
structure a ruled table states must be read from the words, as a reader does:

``find_regions``      a table starts at a line that carries form vocabulary
                      (two labels such as 项目编码 … 项目名称, or an indicator
                      header row) or that the gaps between its words cut into
                      several cells (a continuation page starts with data
                      rows, no header), and runs down to the next title or a
                      wide gap; up, it takes in the lines that fit its columns
                      at its row spacing (the rest of a row split by the page
                      break)
``lines_to_pieces``   each line splits into runs at wide gaps: one run per cell
``pieces_to_cells``   runs stacked in one column join into one cell when they
                      are one wrapped text: a drawn rule between them says no;
                      without rules, ``same_cell`` weighs the evidence (a word
                      jieba sees across the break, a line filled to the column
                      width, a numbered list, a label completed by the join,
                      the vertical gap)
``cells_to_bands``    cells overlapping vertically share a row, except that a
                      row never holds two cells of one column
``text_grid``         the cells as a ``Grid`` with ``source="text"``
``pieces_to_grids``   all of it over a page's rows of pieces: its grids, and
                      the rows they took (the others stay lines, as read)
``with_cell_runs``    the lines left above every table of the page keep the
                      pieces the cell gaps cut them into: the ends of cells
                      of a row the page break split, which ``forms`` puts
                      under the columns of the table on the page before

Nothing here depends on a column count or position: columns are wherever the
text of a row leaves gaps.
"""

from __future__ import annotations

import bisect

from collections import Counter
from dataclasses import dataclass, replace
from typing import Optional, Sequence

import regex

from .furniture import is_page_number
from .layout import Box, Cell, Char, Grid, Ruling, TextLine, union_all
from .rejoin import chars_to_lines, is_cjk, join_lines, joins_as_word, split_runs
from .settings import DEFAULT, Settings
from .vocab import header_role, label_key, label_role, words

_NUMBERED = regex.compile(r"^\s*[（(]?\d{1,2}\s*[.．、)）]")
_NUMBER_ONLY = regex.compile(r"^[≥≤<>=＞＜]?\s*[\d,.]+\s*%?$")
_MONTH = regex.compile(r"^\d{1,2}月[底末]?$")
#: A line that is one long Latin/digit word (a project code): only a word
#: longer than the line is broken without a space or hyphen.
_LATIN_WORD = regex.compile(r"^[\p{Latin}\d]+$")
#: A "name：value" field ("填报人：张三").
_FIELD = regex.compile(r"^[^：:\d\s]{2,}\s*[：:]\s*\S")
_CLOSERS = "，。、；：！？）」』》】〕〉］”’,.;:!?)]}%％"
#: Opening brackets and quotes: a word processor never ends a line with one
#: (kinsoku), so it goes to the next line with the word it opens.
_OPENERS = "（(《“‘【〔「『〈［[{"
#: What cannot be broken at the start of a line: opening marks, then a
#: Latin word or number (or one character), then closing marks.
_UNBREAKABLE_HEAD = regex.compile(rf"^[{regex.escape(_OPENERS)}]*(?:[\p{{Latin}}\d.,%％]+|.)[{regex.escape(_CLOSERS)}]*")
#: A line ending in one of these cannot end a cell's text.
_OPENS = "/／-－—（(《“‘【〔「"


@dataclass(frozen=True)
class Piece:
    """One run of text: a cell's line, or a whole single-line cell."""

    line: TextLine

    @property
    def box(self) -> Box:
        return self.line.box

    @property
    def text(self) -> str:
        return self.line.text


def _is_form_word(text: str) -> bool:
    return bool(label_role(text) or header_role(text) or _MONTH.match(text.replace(" ", "")))


def lines_to_pieces(lines: Sequence[TextLine], settings: Settings) -> list[list[Piece]]:
    return [[Piece(run) for run in split_runs(line, settings, settings.cell_gap)] for line in lines]


def _is_tabular(pieces: Sequence[Piece], settings: Settings) -> bool:
    """A line cut into several cells by wide gaps, whatever its words: a
    table's data row.  Not a line spread out by justification (cut between
    every character: a table row has cells of several characters), nor a
    line of "name：value" fields set apart (the signatures under a form,
    "单位负责人：… 填报人：…", or a report's "证券代码：… 证券简称：…")."""
    if len(pieces) < settings.table_min_cells or not any(len(p.text) > 1 for p in pieces):
        return False
    return not _is_fields(pieces)


def _is_fields(pieces: Sequence[Piece]) -> bool:
    """Mostly "name：value" fields set apart: the signatures under a form,
    not a table's cells."""
    return 2 * sum(1 for p in pieces if _FIELD.match(p.text)) >= len(pieces)


def _is_anchor(pieces: Sequence[Piece], settings: Settings) -> bool:
    """A line that can only be a form row: two or more form words, one
    form word followed by other runs, or a line of several cells."""
    form = [p for p in pieces if _is_form_word(p.text)]
    return len(form) >= 2 or (len(form) == 1 and len(pieces) >= 2) or _is_tabular(pieces, settings)


def _is_title(text: str) -> bool:
    return text.rstrip("。.：: ").endswith(tuple(words("sections", "table_title")))


@dataclass(frozen=True)
class Margins:
    """Where page furniture may stand: above ``top`` and below ``bottom``
    (``Settings.furniture_band`` of the page height from either edge)."""

    top: float = 0.0
    bottom: float = float("inf")

    @staticmethod
    def of_page(height: float, settings: Settings) -> "Margins":
        band = settings.furniture_band * height
        return Margins(band, height - band) if height else Margins()

    def holds(self, box: Box) -> bool:
        return box.bottom <= self.top or box.top >= self.bottom


def _ends_table(pieces: Sequence[Piece], margins: Margins) -> bool:
    """A line no table takes in: a title, or a page number at the page's
    edge (furniture is set aside after segmentation, so a table must not
    swallow it; a bare number inside the page is a table's amount or the
    end of a code)."""
    text = " ".join(p.text for p in pieces)
    return _is_title(text) or (is_page_number(text) and margins.holds(_line_box(pieces)))


def _line_box(pieces: Sequence[Piece]) -> Box:
    return union_all(p.box for p in pieces)


def _gap(upper: Sequence[Piece], lower: Sequence[Piece]) -> float:
    return _line_box(lower).top - _line_box(upper).bottom


def _gutters(rows: Sequence[list[Piece]], settings: Settings) -> tuple[Box, list[tuple[float, float]]]:
    """The extent of the lines' runs, and the vertical strips inside it
    that no run touches (at least a cell gap wide): the table's column
    separators."""
    runs = sorted((p.box.x0, p.box.x1) for row in rows for p in row)
    extent = union_all(p.box for row in rows for p in row)
    size = rows[0][0].line.size
    strips, reach = [], runs[0][1]
    for x0, x1 in runs[1:]:
        if x0 - reach >= settings.cell_gap * size:
            strips.append((reach, x0))
        reach = max(reach, x1)
    return extent, strips


def _fits_columns(pieces: Sequence[Piece], extent: Box, strips: Sequence[tuple[float, float]]) -> bool:
    """Every run of the line lies inside the table and reaches at most
    halfway into a column separator: it could be the first or last lines
    of the table's cells."""
    slack = pieces[0].line.size
    return all(
        extent.x0 - slack <= p.box.x0
        and p.box.x1 <= extent.x1 + slack
        and not any(min(p.box.x1, b) - max(p.box.x0, a) > (b - a) / 2 for a, b in strips)
        for p in pieces
    )


def _row_gap(table: Sequence[list[Piece]]) -> float:
    """The space between the table's rows: the widest gap between its lines
    that recurs (each row boundary adds the same padding; a gap seen once is
    something else, such as a page number under the table), at least an em
    (a table of one row so far)."""
    gaps = Counter(round(2 * _gap(a, b)) / 2 for a, b in zip(table, table[1:]))
    return max([g for g, n in gaps.items() if n >= 2] + [table[0][0].line.size])


def _extend_up(rows: Sequence[list[Piece]], anchor: int, end: int, floor: int, settings: Settings,
               margins: Margins) -> int:
    """The first line of the table whose anchor is ``rows[anchor]``.

    Going up from the anchor, a line belongs to the table when

    * it is set at the text's leading above the table (a cell's first line
      above the anchor's line: a two-line cell beside a one-line label), or
    * it fits the table's columns and is set at its row spacing (at the top
      of a page, the rest of a row the page break split).

    A title, a page number, a line across the columns (the unit line, a
    running header) or a wider gap ends the table; but when only such lines,
    set at the row spacing, lie between the table and the top of the page
    (or a running header: a line in the top margin set apart from them),
    they are the end of a cell across the columns (a 绩效目标 split by
    the page break)."""
    table = rows[anchor:end]
    extent, strips = _gutters(table, settings)
    row_gap = _row_gap(table)

    def close(k: int) -> bool:  # line k - 1 is set at the table's row spacing above line k
        return _gap(rows[k - 1], rows[k]) <= row_gap + 0.25 * rows[k][0].line.size

    start = anchor
    while start > floor and rows[start - 1] and not _ends_table(rows[start - 1], margins):
        gap, size = _gap(rows[start - 1], rows[start]), rows[start][0].line.size
        if gap < 0.5 * size or (close(start) and _fits_columns(rows[start - 1], extent, strips)):
            start -= 1
        else:
            break
    top = 0
    while top < start and _line_box(rows[top]).bottom <= margins.top and not close(top + 1):
        top += 1
    if floor == 0 and all(rows[k] and not _ends_table(rows[k], margins) and close(k + 1) for k in range(top, start)):
        start = top
    return start


def _extend_down(rows: Sequence[list[Piece]], anchor: int, margins: Margins) -> int:
    """The end (exclusive) of the table whose anchor is ``rows[anchor]``:
    the next title or page number, a heading (set larger than the table:
    the first line of a title wrapped over two lines) or a gap much wider
    than the page's line pitch."""
    pitch = [rows[k + 1][0].box.top - rows[k][0].box.top for k in range(len(rows) - 1)]
    typical = sorted(pitch)[len(pitch) // 2] if pitch else rows[anchor][0].box.height * 1.5
    size = rows[anchor][0].line.size
    j = anchor + 1
    while j < len(rows):
        first = rows[j][0]
        if _ends_table(rows[j], margins) or first.line.size > 1.15 * size:
            break
        if first.box.top - rows[j - 1][0].box.bottom > 2.5 * max(typical, first.box.height):
            break
        j += 1
    return j


def find_regions(rows: Sequence[list[Piece]], settings: Settings, margins: Margins = Margins()) -> list[tuple[int, int]]:
    """[start, end) line index ranges that hold a borderless table."""
    regions = []
    i = floor = 0
    while i < len(rows):
        if not rows[i] or not _is_anchor(rows[i], settings):
            i += 1
            continue
        end = _extend_down(rows, i, margins)
        regions.append((_extend_up(rows, i, end, floor, settings, margins), end))
        i = floor = end
    return regions


def _filled(piece: Piece, column_width: float) -> bool:
    return column_width - piece.box.width < 0.6 * piece.line.size


def same_cell(upper: Piece, lower: Piece, column_width: float, line_gap: float, settings: Settings = DEFAULT) -> bool:
    """Whether ``lower`` continues the text of ``upper`` in one cell.

    Lines of one cell are set at the text's leading; a row boundary adds the
    cells' padding.  So a gap wider than the leading ends the cell.  Within
    the leading the words decide: a label, a month heading or a bare amount
    starts a cell of its own; a word jieba sees across the break, a line
    filled to the column's width, a numbered list, or a label completed by
    the join continue it; a short line followed by unrelated words (two
    single-line rows set without padding) does not.
    """
    a, b = upper.text, lower.text
    gap = lower.box.top - upper.box.bottom
    if gap > line_gap + 0.15 * lower.line.size:
        return False
    if _is_form_word(label_key(a + b)) and not _is_form_word(a):
        return True  # "其中：财政" + "资金"
    if len(a) >= 8 and _LATIN_WORD.match(a) and _LATIN_WORD.match(b[:1]):
        return True  # a code longer than the cell, broken inside: "13052923P0058" + "34"
    if _is_form_word(b) or _NUMBER_ONLY.match(b):
        return False
    if _NUMBERED.match(b):
        return bool(_NUMBERED.match(a))  # the next item of one numbered list
    if joins_as_word(a, b) or _filled(upper, column_width) or a[-1] in _OPENS:
        return True
    # A short line: a wrap only when the next line's first unbreakable piece
    # could not have fitted on it (a number or Latin word kept whole, or a
    # character that takes its closing punctuation along).
    head = _UNBREAKABLE_HEAD.match(b)
    if not head:
        return False
    width = _printed_width(lower, head.group(0))
    if is_cjk(a[-1]) != is_cjk(head.group(0)[0]):
        width += settings.autospace * upper.line.size  # it would have needed the CJK/Latin gap too
    return column_width - upper.box.width < width


def _printed_width(piece: Piece, head: str) -> float:
    """How wide the first characters of ``piece`` (those of ``head``) are
    printed: measured on their glyphs ("%" is wider than a digit), else
    estimated from their kind."""
    glyphs = [c for c in piece.line.chars if not c.text.isspace()][: len(head.replace(" ", ""))]
    if glyphs and glyphs[-1].box.x1 > glyphs[0].box.x0:
        return glyphs[-1].box.x1 - glyphs[0].box.x0
    return sum(1.0 if is_cjk(ch) else 0.55 for ch in head) * piece.line.size


def _rule_between(rules: Sequence[Ruling], upper: Box, lower: Box, tol: float) -> bool:
    lo, hi = max(upper.x0, lower.x0), min(upper.x1, lower.x1)
    for r in rules:
        if upper.bottom - tol <= r.pos <= lower.top + tol and r.start <= lo + tol and r.end >= hi - tol:
            return True
    return False


def _typical_line_gap(pieces: Sequence[Piece]) -> float:
    """The leading inside wrapped cells: the most common vertical gap
    between x-overlapping runs that jieba says are one text."""
    gaps = []
    ordered = sorted(pieces, key=lambda p: p.box.top)
    for i, lower in enumerate(ordered):
        for upper in reversed(ordered[:i]):
            if upper.box.bottom <= lower.box.top and upper.box.x_overlap(lower.box) > 0:
                if joins_as_word(upper.text, lower.text):
                    gaps.append(round(lower.box.top - upper.box.bottom, 1))
                break
    if not gaps:
        sizes = sorted(p.line.size for p in pieces)
        return 0.5 * sizes[len(sizes) // 2]
    return Counter(gaps).most_common(1)[0][0]


def _header_top(pieces: Sequence[Piece]) -> float:
    """Top of the indicator header row (three header words on one line):
    columns above it (the project block) are laid out differently."""
    by_line: dict[float, int] = {}
    for p in pieces:
        if header_role(p.text):
            key = round(p.box.cy / 4)
            by_line[key] = by_line.get(key, 0) + 1
    tops = [p.box.top for p in pieces if header_role(p.text) and by_line[round(p.box.cy / 4)] >= 3]
    return min(tops) if tops else float("inf")


def pieces_to_cells(pieces: Sequence[Piece], rules: Sequence[Ruling], settings: Settings) -> list[list[Piece]]:
    """Join runs stacked in one column into cells."""
    ordered = sorted(pieces, key=lambda p: (p.box.top, p.box.x0))
    parent = list(range(len(ordered)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    line_gap = _typical_line_gap(ordered) if not rules else 0.0
    header_top = _header_top(ordered)

    def section(p: Piece) -> bool:
        return p.box.top >= header_top

    # The runs of each section, and the column width of each run that has
    # one below it, made once: per pair they made this quadratic in the
    # runs of a page (a page of a dense budget table: 0.1 s).
    # (centre, left edge, width) of each run.  A run's column width is the
    # widest run aligned with it (same centre or same left edge): the width
    # its column's text wraps at; a much wider run aligned by chance belongs
    # to a spanning cell.
    # Each section's runs sorted by centre and by left edge, so that the runs
    # aligned with one are two ranges found by bisection.
    sections = {}
    for flag in (True, False):
        runs = [(p.box.cx, p.box.x0, p.box.width) for p in ordered if section(p) == flag]
        by_centre, by_left = sorted(runs), sorted(runs, key=lambda r: r[1])
        sections[flag] = (by_centre, [r[0] for r in by_centre], by_left, [r[1] for r in by_left])
    widths: dict[int, float] = {}

    def column_width(j: int, upper: Piece) -> float:
        if j not in widths:
            tol = 0.5 * upper.line.size
            cx, x0, width = upper.box.cx, upper.box.x0, upper.box.width
            by_centre, centres, by_left, lefts_sorted = sections[section(upper)]
            # The ranges a hair wider than the test, which decides alone.
            reach = tol + 1e-6
            aligned = by_centre[bisect.bisect_left(centres, cx - reach):bisect.bisect_right(centres, cx + reach)]
            aligned += by_left[bisect.bisect_left(lefts_sorted, x0 - reach):bisect.bisect_right(lefts_sorted, x0 + reach)]
            widths[j] = max(w for c, x, w in aligned
                            if (abs(c - cx) <= tol or abs(x - x0) <= tol) and w <= 2.5 * width)
        return widths[j]

    # Plain numbers for the scan of the runs above each run (the same
    # arithmetic as ``Box.x_overlap`` and ``Box.width``).
    bottoms = [p.box.bottom for p in ordered]
    lefts = [p.box.x0 for p in ordered]
    rights = [p.box.x1 for p in ordered]
    # The runs by bottom, lowest first: the run right above another is the
    # first one found below its top that overlaps it, and the scan stops a
    # point above that (it was a scan of every earlier run: quadratic).
    by_bottom = sorted(range(len(ordered)), key=lambda j: (-bottoms[j], j))
    keys = [-bottoms[j] for j in by_bottom]
    for i, lower in enumerate(ordered):
        top, x0, x1 = lower.box.top + 0.5, lower.box.x0, lower.box.x1
        width = x1 - x0
        found, alike = -1, 0
        for k in range(bisect.bisect_left(keys, -top), len(by_bottom)):
            j = by_bottom[k]
            if j >= i:
                continue
            if found >= 0 and bottoms[j] <= bottoms[found] - 1.0:
                break
            if max(0.0, min(rights[j], x1) - max(lefts[j], x0)) >= 0.3 * min(rights[j] - lefts[j], width):
                if found < 0:
                    found = j
                alike += 1
        if found < 0:
            continue
        j, upper = found, ordered[found]
        # The run right above must be the only one there (a wide run under
        # two cells is a new row, not their continuation).
        if alike > 1:
            continue
        if rules:
            if not _rule_between(rules, upper.box, lower.box, settings.snap_tolerance):
                parent[find(i)] = find(j)
        elif same_cell(upper, lower, column_width(j, upper), line_gap, settings):
            parent[find(i)] = find(j)
    groups: dict[int, list[Piece]] = {}
    for i, p in enumerate(ordered):
        groups.setdefault(find(i), []).append(p)
    return list(groups.values())


def cells_to_bands(boxes: Sequence[Box]) -> list[float]:
    """Row boundaries: boxes overlapping vertically share a row, but a row
    never holds two boxes of one column (a tall merged cell next to them
    must not fuse two rows)."""
    if not boxes:
        return []
    order = sorted(range(len(boxes)), key=lambda i: boxes[i].top)
    bands: list[list[int]] = []
    for i in order:
        b = boxes[i]
        if bands:
            band = bands[-1]
            bottom = max(boxes[k].bottom for k in band)
            stacked = any(boxes[k].x_overlap(b) > 0 and boxes[k].bottom <= b.top + 0.5 for k in band)
            overlaps = b.top < bottom - 0.2 * b.height
            if overlaps and not stacked:
                band.append(i)
                continue
        bands.append([i])
    edges = [min(boxes[k].top for k in bands[0])]
    for prev, nxt in zip(bands, bands[1:]):
        edges.append((max(boxes[k].bottom for k in prev) + min(boxes[k].top for k in nxt)) / 2)
    edges.append(max(boxes[k].bottom for k in bands[-1]))
    # A band's upper edge may sit above the previous band's bottom when a tall
    # box overlapped; keep edges increasing.
    for k in range(1, len(edges)):
        edges[k] = max(edges[k], edges[k - 1] + 0.1)
    return edges


def _bands_from_rules(rules: Sequence[Ruling], top: float, bottom: float, tol: float) -> list[float]:
    ys = sorted({round(r.pos, 1) for r in rules if top - tol <= r.pos <= bottom + tol})
    edges: list[float] = []
    for y in ys:
        if not edges or y - edges[-1] > tol:
            edges.append(y)
    if not edges or edges[0] > top + tol:
        edges.insert(0, top)
    if edges[-1] < bottom - tol:
        edges.append(bottom)
    return edges


def _covered(rules: Sequence[Ruling], y: float, box: Box, tol: float) -> bool:
    return any(abs(r.pos - y) <= tol and r.start <= box.cx <= r.end for r in rules)


def _band_of(edges: Sequence[float], y: float) -> int:
    for k in range(len(edges) - 1):
        if y < edges[k + 1]:
            return k
    return len(edges) - 2


def text_grid(page: int, cells: Sequence[list[Piece]], rules: Sequence[Ruling], settings: Settings) -> Optional[Grid]:
    boxes = [union_all(p.box for p in c) for c in cells]
    if not boxes:
        return None
    top, bottom = min(b.top for b in boxes), max(b.bottom for b in boxes)
    if rules:
        edges = _bands_from_rules(rules, top, bottom, settings.snap_tolerance)
    else:
        edges = cells_to_bands(boxes)
    xs = sorted({round(v, 1) for b in boxes for v in (b.x0, b.x1)})
    col_of = {x: i for i, x in enumerate(xs)}
    out = []
    for pieces, box in zip(cells, boxes):
        lines = tuple(sorted((p.line for p in pieces), key=lambda l: l.box.top))
        first = _band_of(edges, lines[0].box.cy)
        last = _band_of(edges, lines[-1].box.cy)
        if rules:
            # A cell reaches up and down to the rules drawn across it: where
            # a rule is missing, the cell is merged over the next row.
            while first > 0 and not _covered(rules, edges[first], box, settings.snap_tolerance):
                first -= 1
            while last < len(edges) - 2 and not _covered(rules, edges[last + 1], box, settings.snap_tolerance):
                last += 1
        out.append(
            Cell(
                page=page,
                row=first,
                col=col_of[round(box.x0, 1)],
                rowspan=last - first + 1,
                colspan=1,
                box=box,
                lines=lines,
                text=join_lines(lines, box.x1),
            )
        )
    grid_box = Box(min(b.x0 for b in boxes), edges[0], max(b.x1 for b in boxes), edges[-1])
    return Grid(page=page, box=grid_box, xs=tuple(xs), ys=tuple(edges), cells=tuple(out), source="text")


def with_cell_runs(lines: Sequence[TextLine], above: float, settings: Settings,
                   pieces: Optional[Sequence[list[Piece]]] = None) -> list[TextLine]:
    """``lines`` (the page's text outside tables), those that start above
    ``above`` (the top of its first table) and that the gaps between table
    cells cut into several pieces carrying them as ``runs``.  ``pieces``:
    each line's pieces (``lines_to_pieces``), when the caller has them.

    A page break that splits a table's last row may leave nothing on the
    next page but the ends of some of its cells, side by side: lines above
    every table of that page.  Which piece ends which cell only the
    columns of the table on the page before can tell (``forms``), and only
    while the characters' positions are known, which segmentation alone
    does (``pipeline._light`` drops them).  A line of "name：value" fields
    is no row; a line below a table of its page cannot be the rest of a row
    the break split, and long documents need not keep pieces of it."""
    out = []
    for k, line in enumerate(lines):
        if line.box.top < above:
            row = pieces[k] if pieces is not None else [Piece(r) for r in split_runs(line, settings, settings.cell_gap)]
            if len(row) >= 2 and not _is_fields(row):
                line = replace(line, runs=tuple(p.line for p in row))
        out.append(line)
    return out


def text_grids(page: int, chars: Sequence[Char], rulings: Sequence[Ruling], settings: Settings,
               height: float = 0.0) -> tuple[list[Grid], list[Char]]:
    """Grids found in ``chars`` (text outside ruled tables) of a page
    ``height`` high, and the chars left over."""
    lines = chars_to_lines(chars, page, settings)
    grids, used = pieces_to_grids(page, lines_to_pieces(lines, settings), rulings, settings, height)
    return grids, [c for k, line in enumerate(lines) if k not in used for c in line.chars]


def pieces_to_grids(page: int, rows: Sequence[list[Piece]], rulings: Sequence[Ruling], settings: Settings,
                    height: float = 0.0) -> tuple[list[Grid], set[int]]:
    """Grids found in the lines of text outside ruled tables of a page
    ``height`` high, each line cut into its row of pieces
    (``lines_to_pieces``), and the indices of the rows they took."""
    grids = []
    used: set[int] = set()
    for start, end in find_regions(rows, settings, Margins.of_page(height, settings)):
        pieces = [p for row in rows[start:end] for p in row]
        top = min(p.box.top for p in pieces)
        bottom = max(p.box.bottom for p in pieces)
        left = min(p.box.x0 for p in pieces)
        right = max(p.box.x1 for p in pieces)
        rules = [
            r
            for r in rulings
            if r.orientation == "h" and top - 2 * settings.snap_tolerance - 12 <= r.pos <= bottom + 12 and r.end - r.start >= 0.05 * (right - left)
        ]
        cells = pieces_to_cells(pieces, rules, settings)
        grid = text_grid(page, cells, rules, settings)
        if grid is not None:
            grids.append(grid)
            used.update(range(start, end))
    return grids, used
