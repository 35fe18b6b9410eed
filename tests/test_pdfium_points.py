"""A PDFium path's points read in one piece (``extractor.pdfium_points``)
are the points its API gives one by one; the array is trusted only after
the first paths agree both ways, and a layout that disagrees is never
trusted."""

from __future__ import annotations

import struct

import pytest

from conftest import SAMPLE
from extractor import pdfium_points


def _paths():
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(SAMPLE))
    for page in doc:
        for i in range(raw.FPDFPage_CountObjects(page.raw)):
            obj = raw.FPDFPage_GetObject(page.raw, i)
            if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_PATH:
                yield raw, raw.FPDFPath_CountSegments(obj), (lambda j, obj=obj: raw.FPDFPath_GetPathSegment(obj, j))


@pytest.fixture()
def fresh(monkeypatch):
    monkeypatch.setattr(pdfium_points._Trust, "verdict", None)
    monkeypatch.setattr(pdfium_points._Trust, "checked", 0)


def test_points_read_at_once_are_the_apis(fresh):
    seen = 0
    for raw, count, segment_of in _paths():
        assert pdfium_points.points(raw, count, segment_of) == pdfium_points._by_api(raw, count, segment_of)
        seen += 1
    assert seen > pdfium_points._CHECKS
    assert pdfium_points._Trust.verdict is True


def test_a_layout_that_disagrees_is_never_trusted(fresh, monkeypatch):
    monkeypatch.setattr(pdfium_points, "_POINT", struct.Struct("<ffBB6x"))
    for raw, count, segment_of in _paths():
        assert pdfium_points.points(raw, count, segment_of) == pdfium_points._by_api(raw, count, segment_of)
    assert pdfium_points._Trust.verdict is False
