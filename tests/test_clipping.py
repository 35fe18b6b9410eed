"""Text hidden by a clipping path is not read as page content, by either
reader: a cell's clip hides what overflows it, ``Q`` restores the region
``q`` saved, a form XObject starts from its caller's region and adds its
own, and a glyph cut in half by a cell's edge keeps only what shows, so
that it stays in its cell.  The pages are written here, operator by
operator (Helvetica, which both readers know without an embedded font)."""

from __future__ import annotations

import pytest

from extractor.clipping import intersect, shown
from extractor.page_objects import CHAR_FIELDS, plumber_objects
from extractor.pages import open_pdf
from extractor.pdfium_pages import PdfiumPages
from extractor.settings import DEFAULT

#: The page's content: each line of text is drawn at size 10 from x=100.
PAGE = b"""
q 90 690 120 30 re W n
BT /F1 10 Tf 100 700 Td (KEPT-IN-CELL OVERFLOW-HIDDEN-BEYOND) Tj ET
Q
BT /F1 10 Tf 100 650 Td (AFTER-RESTORE) Tj ET
q 0 0 300 842 re W n
q 1 0 0 1 0 -100 cm /Fm0 Do Q
Q
q 90 390 50 30 re W n 1 0 0 RG 90 390 m 300 390 l S
BT /F1 10 Tf 100 400 Td (ABCDEFGHIJ) Tj ET
Q
"""
#: The form draws, in its own space (moved 100 pt down by the page):
#: text under a clip of its own, and text beyond the page's region x < 300.
FORM = b"""
q 90 590 400 30 re W n
BT /F1 10 Tf 100 600 Td (FORM-SHOWN) Tj ET
BT /F1 10 Tf 100 640 Td (ABOVE-FORM-CLIP) Tj ET
Q
BT /F1 10 Tf 250 560 Td (CALLER-CLIPS-THIS-TEXT) Tj ET
"""


def _clipped_pdf(path):
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    form = pdf.make_stream(FORM, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           BBox=[0, 0, 595, 842], Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font),
                                        XObject=pikepdf.Dictionary(Fm0=form))
    page.Contents = pdf.make_stream(PAGE)
    pdf.save(path)
    return path


def _read(pdf):
    """The page's characters from both readers: (pdfplumber's, pdfium's)."""
    with open_pdf(pdf, settings=DEFAULT) as opened:
        reader = PdfiumPages.open(opened, None)
        assert reader is not None
        try:
            ppage = opened.pages[0]
            return ([dict(zip(CHAR_FIELDS, c)) for c in plumber_objects(ppage)[0]],
                    [dict(zip(CHAR_FIELDS, c)) for c in reader.objects(0, ppage)[0]])
        finally:
            reader.close()


def _lines(chars) -> list[str]:
    """The text of each baseline, top to bottom."""
    rows: dict[float, list] = {}
    for c in chars:
        rows.setdefault(round(c["bottom"]), []).append(c)
    return ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])) for _, row in sorted(rows.items())]


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    pytest.importorskip("pikepdf", reason="pikepdf writes the test page (the test extra)")
    return _read(_clipped_pdf(tmp_path_factory.mktemp("clip") / "clipped.pdf"))


def test_a_cells_clip_hides_what_overflows_it_and_q_restores(both):
    for chars in both:
        lines = _lines(chars)
        assert lines[0].startswith("KEPT-IN-CELL") and "HIDDEN" not in lines[0]
        assert lines[1] == "AFTER-RESTORE"


def test_a_form_starts_from_its_callers_region_and_adds_its_own(both):
    for chars in both:
        text = "".join(_lines(chars))
        assert "FORM-SHOWN" in text
        assert "ABOVE-FORM-CLIP" not in text
        # 250 + the width of "CALLER-" (Helvetica) is about 300: the rest is hidden
        assert "CALLER" in text and "TEXT" not in text


def test_a_glyph_cut_by_the_edge_keeps_what_shows(both):
    for chars in both:
        row = [c for c in chars if 390 <= 842 - c["bottom"] <= 420]
        assert row and max(c["x1"] for c in row) <= 140.0 + 1e-6
        assert "".join(c["text"] for c in row).startswith("ABCDE")


def test_both_readers_read_the_same_characters(both):
    plumber, pdfium = both
    assert [c["text"] for c in pdfium] == [c["text"] for c in plumber]
    for a, b in zip(plumber, pdfium):
        assert all(abs(a[k] - b[k]) < 1e-3 for k in ("x0", "x1", "top", "bottom", "size"))


def test_the_rule():
    cell = (10.0, 10.0, 50.0, 30.0)
    assert shown(None, 0, 0, 5, 5) == (0, 0, 5, 5)
    assert shown(cell, 20, 12, 30, 22) == (20, 12, 30, 22)
    assert shown(cell, 48, 12, 58, 22) is None          # centre outside: hidden
    assert shown(cell, 45, 12, 55, 22) == (45, 12, 50, 22)  # centre on the edge: cut to it
    assert intersect(None, cell) == cell
    assert intersect(cell, (40.0, 0.0, 90.0, 20.0)) == (40.0, 10.0, 50.0, 20.0)
    empty = intersect(cell, (60.0, 0.0, 90.0, 5.0))
    assert empty[0] == empty[2] and shown(empty, 60, 0, 70, 5) is None
