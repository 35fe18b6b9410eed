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
