"""Stage 2a: one page's rulings and characters -> grids of merged cells.

The chain, each step a pure function whose result can be inspected:

``snap_rulings``          strokes drawn twice or a little apart become one line
``rulings_to_groups``     rulings that touch form one table
``group_to_boundaries``   a table's distinct column and row positions
``boundaries_to_cells``   slots not separated by a drawn border merge into
                          one cell, giving row and column spans
``fill_cells``            characters go to the cell containing their centre

Nothing here knows what a 绩效目标表 looks like; ``forms`` reads the grids.
Tables drawn without (some) rulings are handled by
``textgrid.pieces_to_grids``: the missing boundaries are inferred from how
the words line up.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from typing import Iterable, Literal, Optional, Sequence

from .layout import Box, Cell, Char, Grid, Page, PageLayout, Ruling
from .rejoin import chars_to_lines, join_lines
from .settings import Settings


# -- rulings -------------------------------------------------------------------


def _cluster_positions(values: Sequence[float], tol: float) -> list[list[float]]:
    clusters: list[list[float]] = []
    for v in sorted(values):
        if clusters and v - clusters[-1][-1] <= tol:
            clusters[-1].append(v)
        else:
            clusters.append([v])
    return clusters


def snap_rulings(rulings: Iterable[Ruling], settings: Settings) -> list[Ruling]:
    """Snap nearly equal positions together and join collinear segments."""
    out: list[Ruling] = []
    by_orient: dict[Literal["h", "v"], list[Ruling]] = defaultdict(list)
    for r in rulings:
        by_orient[r.orientation].append(r)
    for orient, items in by_orient.items():
        items.sort(key=lambda r: r.pos)
        groups: list[list[Ruling]] = []
        for r in items:
            if groups and r.pos - groups[-1][-1].pos <= settings.snap_tolerance:
                groups[-1].append(r)
            else:
                groups.append([r])
        for group in groups:
            pos = sum(r.pos for r in group) / len(group)
            spans = sorted((r.start, r.end) for r in group)
            cur_start, cur_end = spans[0]
            for start, end in spans[1:]:
                if start <= cur_end + settings.join_tolerance:
                    cur_end = max(cur_end, end)
                else:
                    out.append(Ruling(orient, pos, cur_start, cur_end))
                    cur_start, cur_end = start, end
            out.append(Ruling(orient, pos, cur_start, cur_end))
    return out


def _touch(h: Ruling, v: Ruling, tol: float) -> bool:
    return h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol


def rulings_to_groups(rulings: Sequence[Ruling], settings: Settings) -> list[list[Ruling]]:
    """Connected components of crossing rulings; each with at least two
    horizontal and two vertical lines is a ruled table."""
    parent = list(range(len(rulings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tol = settings.join_tolerance
    hs = [i for i, r in enumerate(rulings) if r.orientation == "h"]
    vs = [i for i, r in enumerate(rulings) if r.orientation == "v"]
    for i in hs:
        for j in vs:
            if _touch(rulings[i], rulings[j], tol):
                parent[find(i)] = find(j)
    comps: dict[int, list[Ruling]] = defaultdict(list)
    for i, r in enumerate(rulings):
        comps[find(i)].append(r)
    groups = [
        g
        for g in comps.values()
        if sum(r.orientation == "h" for r in g) >= 2 and sum(r.orientation == "v" for r in g) >= 2
    ]
    return sorted(groups, key=lambda g: min(r.pos for r in g if r.orientation == "h"))


def group_to_boundaries(group: Sequence[Ruling], settings: Settings) -> tuple[list[float], list[float]]:
    xs = [sum(c) / len(c) for c in _cluster_positions([r.pos for r in group if r.orientation == "v"], settings.snap_tolerance)]
    ys = [sum(c) / len(c) for c in _cluster_positions([r.pos for r in group if r.orientation == "h"], settings.snap_tolerance)]
    return xs, ys


def _coverage(rulings: Sequence[Ruling], pos: float, lo: float, hi: float, tol: float) -> float:
    """Fraction of [lo, hi] covered by rulings lying at ``pos``."""
    if len(rulings) == 1:
        # One ruling at the boundary (a border drawn in one stroke, the
        # rule): the sweep below over its one span, written out.
        r = rulings[0]
        if not (abs(r.pos - pos) <= tol and r.end > lo and r.start < hi):
            return 0.0 if hi > lo else 1.0
        s, e = max(lo, r.start), min(hi, r.end)
        s = max(s, lo)
        return (0.0 + (e - s) if e > s else 0.0) / (hi - lo) if hi > lo else 1.0
    spans = sorted((max(lo, r.start), min(hi, r.end)) for r in rulings if abs(r.pos - pos) <= tol and r.end > lo and r.start < hi)
    covered, cur = 0.0, lo
    for s, e in spans:
        s = max(s, cur)
        if e > s:
            covered += e - s
            cur = e
    return covered / (hi - lo) if hi > lo else 1.0


def _rulings_at(rulings: Sequence[Ruling], positions: Sequence[float], tol: float) -> list[list[Ruling]]:
    """For each position, the rulings that may lie at it (``_coverage``
    keeps those within ``tol``): a window of the rulings sorted by
    position, a little wider than ``tol`` so that rounding loses none."""
    ordered = sorted((r for r in rulings if r.pos == r.pos), key=lambda r: r.pos)  # NaN: never within tol
    keys = [r.pos for r in ordered]
    reach = tol + 1e-6
    return [ordered[bisect_left(keys, pos - reach):bisect_right(keys, pos + reach)] for pos in positions]


def boundaries_to_cells(
    xs: Sequence[float], ys: Sequence[float], group: Sequence[Ruling], settings: Settings
) -> list[tuple[int, int, int, int]]:
    """Merge grid slots not separated by a drawn border.

    Returns ``(row, col, rowspan, colspan)`` per merged cell.  A set of merged
    slots that is not rectangular (a border drawn halfway) is widened to its
    bounding rectangle so cells never overlap.
    """
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    vertical = [r for r in group if r.orientation == "v"]
    horizontal = [r for r in group if r.orientation == "h"]
    tol, need = settings.snap_tolerance, settings.border_coverage
    # Union-find over the slots, slot (r, c) numbered r * n_cols + c.
    parent = list(range(n_rows * n_cols)) if n_rows > 0 and n_cols > 0 else []

    def find(k: int) -> int:
        root = k
        while parent[root] != root:
            root = parent[root]
        while parent[k] != root:
            parent[k], k = root, parent[k]
        return root

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    # Each boundary is measured once per slot along it: the rulings lying
    # at it are found once (a large table has hundreds of rulings).
    at_x = _rulings_at(vertical, xs, tol)
    at_y = _rulings_at(horizontal, ys, tol)
    for c in range(n_cols - 1):
        rulings, x = at_x[c + 1], xs[c + 1]
        for r in range(n_rows):
            if _coverage(rulings, x, ys[r], ys[r + 1], tol) < need:
                union(r * n_cols + c, r * n_cols + c + 1)
    for r in range(n_rows - 1):
        rulings, y = at_y[r + 1], ys[r + 1]
        for c in range(n_cols):
            if _coverage(rulings, y, xs[c], xs[c + 1], tol) < need:
                union(r * n_cols + c, (r + 1) * n_cols + c)
    # A set of merged slots that is not a rectangle is widened to its
    # bounding rectangle, until every set is one.  (The sets that come out
    # do not depend on the order of the unions: each widening is one any
    # partition into rectangles coarser than the borders' must make.)
    while True:
        comps: dict[int, list[int]] = {}
        for k in range(len(parent)):
            root = find(k)
            found = comps.get(root)
            if found is None:
                comps[root] = [k]
            else:
                found.append(k)
        changed = False
        rects = []
        for members in comps.values():
            if len(members) == 1:
                k = members[0]
                rects.append((k // n_cols, k % n_cols, 1, 1))
                continue
            # members ascend: their first and last rows are the first's and the last's
            r0, r1 = members[0] // n_cols, members[-1] // n_cols
            cols = [k % n_cols for k in members]
            c0, c1 = min(cols), max(cols)
            if len(members) != (r1 - r0 + 1) * (c1 - c0 + 1):
                for r in range(r0, r1 + 1):
                    for c in range(c0, c1 + 1):
                        if find(r * n_cols + c) != find(members[0]):
                            union(r * n_cols + c, members[0])
                            changed = True
            rects.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1))
        if not changed:
            return sorted(rects)


def fill_cells(
    page: int,
    xs: Sequence[float],
    ys: Sequence[float],
    spans: Sequence[tuple[int, int, int, int]],
    chars: Sequence[Char],
    settings: Settings,
) -> tuple[Cell, ...]:
    """Put each character into the cell containing its centre and rejoin
    each cell's lines into its text."""
    boxes = [Box(xs[c], ys[r], xs[c + cs], ys[r + rs]) for r, c, rs, cs in spans]
    members: list[list[Char]] = [[] for _ in spans]
    # The cell owning each grid slot: a centre strictly inside a slot lies in
    # that cell's box only (cells never overlap), found by bisection; a
    # centre on a boundary goes to the first box containing it, as before.
    owner: dict[tuple[int, int], int] = {}
    for k, (r, c, rs, cs) in enumerate(spans):
        for i in range(r, r + rs):
            for j in range(c, c + cs):
                owner.setdefault((i, j), k)
    last_col, last_row = len(xs) - 2, len(ys) - 2
    for ch in chars:
        b = ch.box
        cx, cy = (b.x0 + b.x1) / 2, (b.top + b.bottom) / 2  # Box.cx, Box.cy
        j, i = bisect_right(xs, cx) - 1, bisect_right(ys, cy) - 1
        if 0 <= j <= last_col and 0 <= i <= last_row and xs[j] < cx < xs[j + 1] and ys[i] < cy < ys[i + 1]:
            slot_owner = owner.get((i, j))
            if slot_owner is not None:
                members[slot_owner].append(ch)
                continue
        for k, b in enumerate(boxes):
            if b.contains_point(cx, cy):
                members[k].append(ch)
                break
    cells = []
    for (r, c, rs, cs), box, mine in zip(spans, boxes, members):
        lines = tuple(chars_to_lines(mine, page, settings))
        cells.append(
            Cell(page=page, row=r, col=c, rowspan=rs, colspan=cs, box=box, lines=lines, text=join_lines(lines, box.x1))
        )
    return tuple(cells)


def _centres_inside(chars: Sequence[Char], box: Box) -> list[Char]:
    """The characters whose centre lies in ``box`` (``Box.contains_point``
    of ``Box.cx``, ``Box.cy``, written out: it runs for every glyph of a
    page)."""
    x0, top, x1, bottom = box.x0, box.top, box.x1, box.bottom
    out = []
    for c in chars:
        b = c.box
        if x0 <= (b.x0 + b.x1) / 2 <= x1 and top <= (b.top + b.bottom) / 2 <= bottom:
            out.append(c)
    return out


def ruled_grids(page: Page, settings: Settings, snapped: Optional[Sequence[Ruling]] = None) -> list[Grid]:
    """The grids the page's rulings draw.  ``snapped``: its rulings after
    ``snap_rulings``, when the caller has them."""
    return _ruled_grids_taking(page, settings, snapped)[0]


def _ruled_grids_taking(page: Page, settings: Settings, snapped: Optional[Sequence[Ruling]] = None
                        ) -> tuple[list[Grid], set[int]]:
    """``ruled_grids``, and the ids of the characters they took (those
    whose centre lies in a grid's box): the rest of the page's text is
    what is left of them."""
    rulings = snapped if snapped is not None else snap_rulings(page.rulings, settings)
    grids = []
    taken: set[int] = set()
    for group in rulings_to_groups(rulings, settings):
        xs, ys = group_to_boundaries(group, settings)
        if len(xs) < 2 or len(ys) < 2:
            continue
        spans = boundaries_to_cells(xs, ys, group, settings)
        box = Box(xs[0], ys[0], xs[-1], ys[-1])
        inside = _centres_inside(page.chars, box)
        taken.update(map(id, inside))
        grids.append(Grid(page=page.number, box=box, xs=tuple(xs), ys=tuple(ys), cells=fill_cells(page.number, xs, ys, spans, inside, settings)))
    return grids, taken


def segment_page(page: Page, settings: Settings) -> PageLayout:
    """A page's grids (ruled ones, then ones read from text alignment), and
    its remaining text as lines in reading order; those above every grid
    keep the pieces the cell gaps cut them into (``textgrid.with_cell_runs``)."""
    from .textgrid import lines_to_pieces, pieces_to_grids, with_cell_runs

    snapped = snap_rulings(page.rulings, settings)
    grids, taken = _ruled_grids_taking(page, settings, snapped)
    outside = [c for c in page.chars if id(c) not in taken] if taken else list(page.chars)
    loose_rules = [
        r for r in snapped
        if not any(g.box.contains_point((r.start + r.end) / 2, r.pos, settings.snap_tolerance) for g in grids)
    ]
    # The text outside ruled tables as lines, cut into pieces at the gaps
    # between cells: the tables the text's alignment draws are made of
    # them, and the lines they leave stay as they are, with their pieces.
    lines = chars_to_lines(outside, page.number, settings)
    rows = lines_to_pieces(lines, settings)
    found, used = pieces_to_grids(page.number, rows, loose_rules, settings, page.height)
    if used:
        lines = [line for k, line in enumerate(lines) if k not in used]
        rows = [row for k, row in enumerate(rows) if k not in used]
    grids = sorted(grids + found, key=lambda g: g.box.top)
    lines = with_cell_runs(lines, grids[0].box.top if grids else float("inf"), settings, rows)
    return PageLayout(page=page, grids=tuple(grids), lines=tuple(lines))
