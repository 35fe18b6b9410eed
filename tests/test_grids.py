from builders import chars, grid_rulings

from extractor.grids import boundaries_to_cells, ruled_grids, rulings_to_groups, snap_rulings
from extractor.layout import Page, Ruling
from extractor.settings import DEFAULT


def test_double_drawn_borders_snap_to_one_line():
    rs = [Ruling("h", 100.0, 0, 50), Ruling("h", 100.8, 48, 120), Ruling("h", 300, 0, 10)]
    snapped = snap_rulings(rs, DEFAULT)
    assert len(snapped) == 2
    joined = [r for r in snapped if abs(r.pos - 100.4) < 0.5]
    assert joined and joined[0].start == 0 and joined[0].end == 120


def test_separate_tables_are_separate_groups():
    a = grid_rulings([0, 50, 100], [0, 20, 40])
    b = grid_rulings([0, 50, 100], [300, 320, 340])
    groups = rulings_to_groups(snap_rulings(a + b, DEFAULT), DEFAULT)
    assert len(groups) == 2


def test_merged_cells_become_spans():
    xs, ys = [0, 50, 100, 150], [0, 20, 40, 60]
    # cell (0,0) spans two rows: the horizontal border y=20 under column 0 is missing;
    # cell (2,1) spans two columns: the vertical border x=100 in row 2 is missing.
    rs = grid_rulings(xs, ys, skip_h={(1, 0)}, skip_v={(2, 2)})
    spans = boundaries_to_cells(xs, ys, snap_rulings(rs, DEFAULT), DEFAULT)
    assert (0, 0, 2, 1) in spans
    assert (2, 1, 1, 2) in spans
    assert len(spans) == 9 - 1 - 1


def test_half_drawn_border_widens_to_a_rectangle():
    xs, ys = [0, 50, 100], [0, 20, 40]
    # only the lower half of the middle vertical border is missing: an L-shape
    rs = grid_rulings(xs, ys, skip_v={(1, 1)}, skip_h={(1, 0)})
    spans = boundaries_to_cells(xs, ys, snap_rulings(rs, DEFAULT), DEFAULT)
    assert spans == [(0, 0, 2, 2)]


def test_characters_fill_their_cells_and_wrap_rejoins():
    xs, ys = [0, 60, 200], [0, 30, 60]
    rs = grid_rulings(xs, ys, skip_h={(1, 0)})
    cs = chars("发放工会经", x=2, top=2) + chars("费精确性", x=2, top=14) + chars("≥95%", x=62, top=2) + chars("县政府", x=62, top=32)
    page = Page(1, 300, 300, tuple(cs), tuple(rs))
    (grid,) = ruled_grids(page, DEFAULT)
    assert grid.n_rows == 2 and grid.n_cols == 2
    left = grid.cell_at(1, 0)
    assert left.rowspan == 2 and left.text == "发放工会经费精确性"
    assert grid.cell_at(0, 1).text == "≥95%"
    assert grid.cell_at(1, 1).text == "县政府"
    assert grid.cell_at(1, 1).page == 1 and grid.cell_at(1, 1).box.top == 30


def test_a_grid_of_thin_filled_rectangles_is_a_ruled_table():
    """Spreadsheet exporters draw every cell's four edges as thin filled
    rectangles (shared edges twice, pieces meeting at the corners) and
    shade header cells: the same table as one drawn with lines."""
    from builders import chars

    from extractor.page_objects import objects_to_rulings

    t = 0.6
    boxes = [(0, 0, 200, 30), (0, 30, 60, 60), (60, 30, 200, 60)]  # the first row is one merged cell
    rects = [(0, 200, 0, 30, False)]  # header shading (``page_objects.RECT_FIELDS``: x0, x1, top, bottom, stroke)
    for x0, top, x1, bottom in boxes:
        for a, b, c, d in ((x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom), (x1, top, x1, bottom)):
            rects.append((a - t / 2, c + t / 2, b - t / 2, d + t / 2, False))
    rulings = tuple(objects_to_rulings([], rects, DEFAULT))
    cs = chars("绩效指标", x=70, top=10) + chars("产出指标", x=2, top=40) + chars("≥95%", x=62, top=40)
    (grid,) = ruled_grids(Page(1, 300, 300, tuple(cs), rulings), DEFAULT)
    assert (grid.n_rows, grid.n_cols) == (2, 2)
    assert [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in grid.cells] == [
        (0, 0, 1, 2, "绩效指标"), (1, 0, 1, 1, "产出指标"), (1, 1, 1, 1, "≥95%")]


def _cells_by_dict_union(xs, ys, group, settings):
    """``boundaries_to_cells`` written plainly (slots keyed (row, col) in a
    dict, a border's coverage the length of the union of its rulings'
    spans): the reference its faster form is compared with."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    tol, need = settings.snap_tolerance, settings.border_coverage
    parent = {(r, c): (r, c) for r in range(n_rows) for c in range(n_cols)}

    def find(k):
        while parent[k] != k:
            k = parent[k]
        return k

    def union(a, b):
        parent[find(a)] = find(b)

    def coverage(orientation, pos, lo, hi):
        # the length of the union of the spans, merged first
        merged: list[list[float]] = []
        for s, e in sorted([max(lo, r.start), min(hi, r.end)] for r in group
                           if r.orientation == orientation and abs(r.pos - pos) <= tol and r.end > lo and r.start < hi):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return sum(e - s for s, e in merged) / (hi - lo) if hi > lo else 1.0

    for r in range(n_rows):
        for c in range(n_cols - 1):
            if coverage("v", xs[c + 1], ys[r], ys[r + 1]) < need:
                union((r, c), (r, c + 1))
    for r in range(n_rows - 1):
        for c in range(n_cols):
            if coverage("h", ys[r + 1], xs[c], xs[c + 1]) < need:
                union((r, c), (r + 1, c))
    while True:
        comps = {}
        for k in parent:
            comps.setdefault(find(k), []).append(k)
        changed = False
        for members in comps.values():
            r0, r1 = min(m[0] for m in members), max(m[0] for m in members)
            c0, c1 = min(m[1] for m in members), max(m[1] for m in members)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if find((r, c)) != find(members[0]):
                        union((r, c), members[0])
                        changed = True
        if not changed:
            break
    return sorted((min(m[0] for m in ms), min(m[1] for m in ms), max(m[0] for m in ms) - min(m[0] for m in ms) + 1,
                   max(m[1] for m in ms) - min(m[1] for m in ms) + 1) for ms in comps.values())


def test_merged_cells_equal_the_reference_on_random_grids():
    """Random grids with borders missing, drawn halfway, in pieces, twice,
    off their line and across several slots: the same cells as the
    reference (union-find over (row, col), a union of spans per border)."""
    import random

    rng = random.Random(7)
    for _ in range(3000):
        n_cols, n_rows = rng.randint(1, 6), rng.randint(1, 8)
        xs = sorted(rng.sample(range(0, 400, 10), n_cols + 1))
        ys = sorted(rng.sample(range(0, 600, 10), n_rows + 1))
        group = []
        for orientation, lines, across in (("v", xs, ys), ("h", ys, xs)):
            for pos in lines:
                if rng.random() < 0.5:  # one stroke, or a part of one
                    a, b = sorted(rng.choice([(across[0], across[-1])] * 3 + [tuple(rng.sample(across, 2))]))
                    group.append(Ruling(orientation, pos + rng.choice([0.0, 0.0, 0.7, 2.5]), float(a), float(b)))
                    continue
                for lo, hi in zip(across, across[1:]):  # slot by slot, some missing or short
                    if rng.random() < 0.8:
                        cut = rng.choice([0.0, 0.0, 0.3, 0.5]) * (hi - lo)
                        group.append(Ruling(orientation, pos + rng.choice([0.0, 0.4]), float(lo), float(hi - cut)))
                        if rng.random() < 0.1:
                            group.append(Ruling(orientation, float(pos), float(lo), float(hi)))
        want = _cells_by_dict_union(xs, ys, group, DEFAULT)
        assert boundaries_to_cells([float(x) for x in xs], [float(y) for y in ys], group, DEFAULT) == want
    for xs, ys in (([], []), ([0.0], [0.0]), ([], [0.0, 10.0]), ([0.0, 10.0], [0.0])):  # no slot
        assert boundaries_to_cells(xs, ys, [], DEFAULT) == _cells_by_dict_union(xs, ys, [], DEFAULT) == []


def test_a_border_of_one_ruling_is_measured_as_the_sweep_measures_it():
    """``_coverage`` of one ruling (written out) equals, to the bit, the
    sweep it takes over several: the same ruling beside one far off its
    line, which the sweep leaves out.  NaN and reversed spans included."""
    import math
    import random

    from extractor.grids import _coverage

    rng = random.Random(3)
    values = [0.0, -0.0, 1.0, 10.0, 10.5, 33.3, 100.0, math.nan, math.inf]
    for _ in range(20000):
        pos, lo, hi, start, end = (rng.choice(values) if rng.random() < 0.2 else rng.uniform(-5, 120) for _ in range(5))
        tol = rng.choice([0.0, 1.0, 3.0])
        r = Ruling("v", pos + rng.choice([0.0, 0.5, 2.0, 5.0]), start, end)
        alone = _coverage([r], pos, lo, hi, tol)
        swept = _coverage([r, Ruling("v", pos + 1e6, lo, hi)], pos, lo, hi, tol)
        assert alone == swept or (math.isnan(alone) and math.isnan(swept))
        assert math.copysign(1.0, alone) == math.copysign(1.0, swept)
