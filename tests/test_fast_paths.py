"""The shortcuts taken for speed give what the plain ways give: the page
objects read from pdfminer's layout equal pdfplumber's dictionaries, cells
filled by bisection equal cells filled by scanning every box, and the
per-stage times account for the whole run (no timings are asserted)."""

from __future__ import annotations

import time

from conftest import SAMPLE

from extractor import grids
from extractor.layout import Box
from extractor.pages import open_pdf, plumber_objects, read_page
from extractor.settings import DEFAULT

KEYS = (
    ("text", "upright", "size", "x0", "x1", "top", "bottom"),
    ("x0", "x1", "top", "bottom"),
    ("x0", "x1", "top", "bottom", "stroke"),
    ("x0", "x1", "top", "bottom"),
)


def test_page_objects_equal_pdfplumbers():
    with open_pdf(SAMPLE, settings=DEFAULT) as opened:
        for ppage in opened.pages:
            expected = (ppage.chars, ppage.lines, ppage.rects, ppage.images)
            ppage.close()
            got = plumber_objects(ppage)
            ppage.close()
            for want, have, keys in zip(expected, got, KEYS):
                assert len(have) == len(want)
                assert [{k: o.get(k) for k in keys} for o in have] == [{k: o.get(k) for k in keys} for o in want]


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
