"""A PDFium path's points read in one piece (``extractor.pdfium_points``)
are the points its API gives one by one; the array is trusted only after
the first paths agree both ways, and a layout that disagrees is never
trusted."""

from __future__ import annotations

import functools
import struct

import pytest

from conftest import SAMPLE
from extractor import pdfium_points
from extractor.pdfium_calls import Calls


def _paths():
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    calls = Calls.of(raw)
    doc = pdfium.PdfDocument(str(SAMPLE))
    for page in doc:
        handle = page.raw
        for i in range(calls.count_page_objects(handle)):
            obj = calls.get_page_object(handle, i)
            if calls.get_type(obj) == raw.FPDF_PAGEOBJ_PATH:
                yield calls, calls.count_segments(obj), functools.partial(calls.get_segment, obj), obj


@pytest.fixture()
def fresh(monkeypatch):
    monkeypatch.setattr(pdfium_points._Trust, "verdict", None)
    monkeypatch.setattr(pdfium_points._Trust, "checked", 0)


def test_points_read_at_once_are_the_apis(fresh):
    seen = 0
    for calls, count, segment_of, obj in _paths():
        api = pdfium_points._by_api(calls, count, segment_of)
        assert pdfium_points.points(calls, count, segment_of) == api
        assert pdfium_points.path_points(calls, obj) == api  # trusted or not yet
        seen += 1
    assert seen > pdfium_points._CHECKS
    assert pdfium_points._Trust.verdict is True


def test_a_layout_that_disagrees_is_never_trusted(fresh, monkeypatch):
    monkeypatch.setattr(pdfium_points, "_POINT", struct.Struct("<ffBB6x"))
    for calls, count, segment_of, obj in _paths():
        api = pdfium_points._by_api(calls, count, segment_of)
        assert pdfium_points.points(calls, count, segment_of) == api
        assert pdfium_points.path_points(calls, obj) == api
    assert pdfium_points._Trust.verdict is False


def test_a_long_path_unpacks_as_a_short_one_would():
    records = [(float(i), -float(i) / 3, i % 3, i % 2) for i in range(pdfium_points._SHORT * 2)]
    data = b"".join(pdfium_points._POINT.pack(*record) for record in records)
    flat = tuple(value for record in records for value in pdfium_points._POINT.unpack(pdfium_points._POINT.pack(*record)))
    for count in (1, 5, pdfium_points._SHORT, pdfium_points._SHORT + 1, len(records)):
        assert pdfium_points._unpacked(data[:count * pdfium_points._POINT.size], count) == flat[:count * 4]


def test_points_read_in_place_are_those_of_their_bytes():
    """``_read_at`` unpacks a short path where its records lie and copies a
    long one first: the same points as unpacking their bytes."""
    import ctypes

    records = [(float(i) * 1.5, -float(i) / 7, i % 3, i % 2) for i in range(pdfium_points._SHORT * 2)]
    data = b"".join(pdfium_points._POINT.pack(*record) for record in records)
    memory = ctypes.create_string_buffer(data, len(data))
    for count in (1, 2, 5, pdfium_points._SHORT, pdfium_points._SHORT + 1, len(records)):
        assert pdfium_points._read_at(ctypes.addressof(memory), count) == pdfium_points._unpacked(
            data[:count * pdfium_points._POINT.size], count)
