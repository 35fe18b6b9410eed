"""The shortcuts taken for speed give what the plain ways give: the page
objects read from pdfminer's layout equal pdfplumber's dictionaries, cells
filled by bisection equal cells filled by scanning every box, every row's
covering cells read from one sort equal those of a sort per row, box-less
characters are shared across pages, the model's quick ``__init__`` builds
what the dataclass's builds, and the per-stage times account for the
whole run (no timings are asserted)."""

from __future__ import annotations

import time

import pytest

from conftest import SAMPLE

from extractor import grids
from extractor.layout import Box
from extractor.page_objects import BOX_FIELDS, CHAR_FIELDS, RECT_FIELDS, plumber_objects, read_page
from extractor.pages import open_pdf
from extractor.settings import DEFAULT

KEYS = (CHAR_FIELDS, BOX_FIELDS, RECT_FIELDS, BOX_FIELDS)


def test_page_objects_equal_pdfplumbers():
    with open_pdf(SAMPLE, settings=DEFAULT) as opened:
        for ppage in opened.pages:
            expected = (ppage.chars, ppage.lines, ppage.rects, ppage.images)
            ppage.close()
            got = plumber_objects(ppage)
            ppage.close()
            for want, have, keys in zip(expected, got, KEYS):
                assert have == [tuple(o[k] for k in keys) for o in want]


def test_a_page_pdfminer_does_not_lay_out_gives_pdfplumbers_objects():
    with open_pdf(SAMPLE, settings=DEFAULT) as opened:
        ppage = opened.pages[4]  # a table page: ruled
        cropped = ppage.crop((0, 0, ppage.width, ppage.height / 2))
        got = plumber_objects(cropped)
        assert got[0] and got[1]
        for want, have, keys in zip((cropped.chars, cropped.lines, cropped.rects, cropped.images), got, KEYS):
            assert have == [tuple(o[k] for k in keys) for o in want]


def _fill_by_scanning(page, xs, ys, spans, chars, settings):
    boxes = [Box(xs[c], ys[r], xs[c + cs], ys[r + rs]) for r, c, rs, cs in spans]
    members = [[] for _ in spans]
    for ch in chars:
        for i, b in enumerate(boxes):
            if b.contains_point(ch.box.cx, ch.box.cy):
                members[i].append(ch)
                break
    return [tuple(m) for m in members]


def test_cells_filled_by_bisection_equal_a_scan_of_every_box(monkeypatch):
    seen = []
    fill = grids.fill_cells

    def both(page, xs, ys, spans, chars, settings):
        cells = fill(page, xs, ys, spans, chars, settings)
        expected = _fill_by_scanning(page, xs, ys, spans, chars, settings)
        placed = [sorted(id(ch) for line in c.lines for ch in line.chars if not ch.text.isspace()) for c in cells]
        assert placed == [sorted(id(ch) for ch in m if not ch.text.isspace()) for m in expected]
        seen.append(len(cells))
        return cells

    monkeypatch.setattr(grids, "fill_cells", both)
    with open_pdf(SAMPLE, settings=DEFAULT) as opened:
        for number, ppage in enumerate(opened.pages, start=1):
            page, _ = read_page(ppage, number, DEFAULT)
            grids.segment_page(page, DEFAULT)
    assert seen


def test_stage_times_account_for_the_whole_run():
    from extractor.pipeline import extract
    from extractor.timing import StageTimes

    extract(SAMPLE)
    times = StageTimes()
    start = time.perf_counter()
    extract(SAMPLE, times=times)
    wall = time.perf_counter() - start
    stages = times.seconds
    for name in ("open", "triage", "pages", "grids", "rejoin", "forms", "prose", "projects", "normalize", "document"):
        assert name in stages, name
    # the parsing is charged to "pages", not to whatever consumed the page stream
    assert stages["pages"] > 0
    assert times.total <= wall


def test_make_char_makes_the_value_the_dataclasses_make():
    """``layout.make_char`` fills the slots itself: a field added to ``Char``
    or ``Box`` must be filled there too, or this fails."""
    import dataclasses

    from extractor.layout import Char, make_char

    made = make_char("中", 1.5, 2.25, 3.0, 4.75, 9.0)
    expected = Char("中", Box(1.5, 2.25, 3.0, 4.75), 9.0)
    assert made == expected and hash(made) == hash(expected)
    for obj in (made, made.box):
        assert all(hasattr(obj, f.name) for f in dataclasses.fields(obj))
    assert [f.name for f in dataclasses.fields(Char)] == ["text", "box", "size", "confidence"]
    assert [f.name for f in dataclasses.fields(Box)] == ["x0", "top", "x1", "bottom"]
    # make_char does not run __init__: a __post_init__ would be skipped.
    assert not hasattr(Char, "__post_init__") and not hasattr(Box, "__post_init__")


def test_quick_init_builds_what_the_dataclass_init_builds():
    """``layout._quick_init``'s ``__init__`` has the signature and defaults
    of the one ``dataclass`` writes and fills every field the same way."""
    import dataclasses
    import inspect
    import typing

    from extractor.layout import Cell, Char, Ruling, TextLine, _quick_init

    box = Box(1.0, 2.0, 3.0, 4.0)
    char = Char("中", box, 9.0)
    line = TextLine(3, (char,), box, "中")
    examples = {
        Box: ((1.0, 2.0, 3.0, 4.0), {}),
        Char: (("中", box, 9.0), {"confidence": 0.5}),
        TextLine: ((3, (char,), box, "中"), {"runs": (line,)}),
        Ruling: (("h", 10.0, 1.0, 5.0), {}),
        Cell: ((3, 0, 1, 2, 1, box, (line,), "中"), {}),
    }
    for cls, (args, extra) in examples.items():
        plain = dataclasses.dataclass(frozen=True, slots=True)(
            type(cls.__name__, (), {"__annotations__": dict(cls.__annotations__),
                                    **{f.name: f.default for f in dataclasses.fields(cls)
                                       if f.default is not dataclasses.MISSING}}))
        assert str(inspect.signature(cls.__init__)) == str(inspect.signature(plain.__init__))
        assert cls.__init__.__module__ == "extractor.layout"  # its annotations resolve there
        assert set(typing.get_type_hints(cls.__init__)) == {f.name for f in dataclasses.fields(cls)} | {"return"}
        for made, want in ((cls(*args), plain(*args)), (cls(*args, **extra), plain(*args, **extra)),
                           (cls(**dict(zip([f.name for f in dataclasses.fields(cls)], args))), plain(*args))):
            assert dataclasses.astuple(made) == dataclasses.astuple(want)
        assert cls(*args) == cls(*args) and hash(cls(*args)) == hash(cls(*args))
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(cls(*args), dataclasses.fields(cls)[0].name, None)
    for refused in (dataclasses.dataclass(frozen=True)(type("Loose", (), {"__annotations__": {"a": "int"}})),
                    dataclasses.dataclass(slots=True)(type("Thawed", (), {"__annotations__": {"a": "int"}}))):
        with pytest.raises(TypeError, match="only a frozen dataclass"):
            _quick_init(refused)


def _rows_by_builtins(chars, ratio):
    """chars_to_lines' grouping as it was written with min() and max()."""
    rows, top, bottom = [], 0.0, 0.0
    for ch in sorted(chars, key=lambda c: (c.box.cy, c.box.x0)):
        if ch.text.isspace() and not rows:
            continue
        box = ch.box
        if rows:
            overlap = max(0.0, min(bottom, box.bottom) - max(top, box.top))
            if overlap >= ratio * min(bottom - top, (box.bottom - box.top) or 1.0):
                rows[-1].append(ch)
                top, bottom = min(top, box.top), max(bottom, box.bottom)
                continue
        rows.append([ch])
        top, bottom = box.top, box.bottom
    return [sorted(row, key=lambda c: c.box.x0) for row in rows]


def test_line_grouping_written_out_equals_min_and_max_even_for_nan():
    """The rejoin stage writes min() and max() out per glyph; ties, NaN and
    infinities must group characters, and bound each line, as the builtins
    did."""
    import random

    from extractor.layout import Char
    from extractor.rejoin import chars_to_lines

    rng = random.Random(7)
    odd = [float("nan"), float("inf"), -float("inf"), 0.0, -0.0]
    for _ in range(400):
        chars = []
        for i in range(rng.randint(1, 7)):
            x0, top = rng.choice([rng.uniform(0, 50), *odd]), rng.choice([rng.uniform(0, 30), *odd])
            height = rng.choice([0.0, 10.0, rng.uniform(0, 12), float("nan")])
            size = rng.choice([10.0, 0.5, float("nan")])
            chars.append(Char("ab1 中"[i % 5], Box(x0, top, x0 + 5.0, top + height), size))
        rows = _rows_by_builtins(chars, DEFAULT.line_overlap)
        lines = chars_to_lines(chars, 1, DEFAULT)
        expected = [row for row in rows if any(not c.text.isspace() for c in row)]
        assert [[id(c) for c in line.chars] for line in lines] == [[id(c) for c in row] for row in expected]
        for line, row in zip(lines, expected):
            boxes = [c.box for c in row if not c.text.isspace()]
            want = Box(min([b.x0 for b in boxes]), min([b.top for b in boxes]), max([b.x1 for b in boxes]),
                       max([b.bottom for b in boxes]))
            assert repr(line.box) == repr(want)  # (repr: NaN equals nothing)


def _layouts(path):
    from extractor.pipeline import read_layouts

    layouts, _opened, _count, _lost = read_layouts(path, DEFAULT, None, None)
    return layouts


def test_covering_rows_equal_covering_cells_row_by_row():
    """The forms stage reads every row's covering cells from one sort
    (``covering_rows``); each row must hold what ``covering_cells`` gives."""
    from extractor.forms import covering_cells, covering_rows, header_band

    checked = 0
    for layout in _layouts(SAMPLE):
        for grid in layout.grids:
            rows = covering_rows(grid)
            assert len(rows) == grid.n_rows
            for r in range(grid.n_rows):
                assert [id(c) for c in rows[r]] == [id(c) for c in covering_cells(grid, r)]
                assert header_band(grid, r, rows) == header_band(grid, r)
                checked += 1
            assert header_band(grid, grid.n_rows) is None and header_band(grid, -1) is None
    assert checked > 50


def test_box_less_characters_are_shared_by_every_page_of_a_document():
    """After segmentation a document keeps one character per text and size
    (``pipeline._light``), whichever page it is on."""
    by_key: dict = {}
    pages_of: dict = {}
    for layout in _layouts(SAMPLE):
        for grid in layout.grids:
            for cell in grid.cells:
                for line in cell.lines:
                    for ch in line.chars:
                        assert ch.box == Box(0.0, 0.0, 0.0, 0.0)
                        assert by_key.setdefault((ch.text, ch.size), ch) is ch
                        pages_of.setdefault((ch.text, ch.size), set()).add(layout.page.number)
    assert any(len(pages) > 1 for pages in pages_of.values())


def test_cells_outside_their_grid_are_read_as_no_row():
    """A grid built by hand may hold cells starting outside its rows: the
    forms stage reads them as before (no row of the grid), without an
    IndexError and without filing a negative row at the end."""
    from extractor.forms import covering_rows, header_band
    from extractor.forms.walk import split_at_forms
    from extractor.layout import Cell, Grid

    def cell(row, col, text, rowspan=1):
        return Cell(1, row, col, rowspan, 1, Box(10.0 * col, 10.0 * row, 10.0 * col + 10, 10.0 * row + 10), (), text)

    body = [cell(0, 0, "项目名称"), cell(0, 1, "甲项目"), cell(1, 0, "一级指标"), cell(1, 1, "二级指标")]
    for stray in (cell(5, 0, "项目名称"), cell(-1, 0, "项目名称")):
        grid = Grid(1, Box(0, 0, 20, 20), (0.0, 10.0, 20.0), (0.0, 10.0, 20.0), (*body, stray, cell(stray.row, 1, "乙项目")))
        assert split_at_forms(grid) == [grid]
        rows = covering_rows(grid)
        assert len(rows) == 2 and all(c.row in (0, 1) for row in rows for c in row)
        assert header_band(grid, 2) is None and header_band(grid, -1) is None


def test_a_line_of_one_run_is_its_own_run():
    """``split_runs`` gives a line of one run without spaces back as it is:
    the run it would build has the line's characters, box and text, which
    is checked on every such line of the sample's pages."""
    from extractor.layout import TextLine, union_all
    from extractor.pages import iter_pages
    from extractor.rejoin import chars_to_lines, line_text, split_runs

    checked = 0
    with open_pdf(SAMPLE, settings=DEFAULT) as opened:
        for page in iter_pages(opened, DEFAULT):
            for line in chars_to_lines(page.chars, page.number, DEFAULT):
                runs = split_runs(line, DEFAULT, DEFAULT.cell_gap)
                if len(runs) == 1 and runs[0] is line:
                    built = TextLine(line.page, line.chars, union_all(c.box for c in line.chars),
                                     line_text(line.chars, DEFAULT))
                    assert built == line
                    checked += 1
                else:
                    assert all(run is not line for run in runs)
    assert checked > 100
    spaced = chars_to_lines(chars_of("产出 指标"), 1, DEFAULT)[0]  # a space: a run of its own making
    (run,) = split_runs(spaced, DEFAULT, DEFAULT.cell_gap)
    assert run is not spaced and run.text == "产出指标" and len(run.chars) == 4


def chars_of(text):
    from builders import chars

    return chars(text, x=0, top=0)
