"""The two paths real tables are drawn with (a line "m l", a rectangle
"m l l l l" closing on its start) are judged the short way
(``pdfium_drawing._common_shapes``); the result must be the general
judgement's (``_subpath_shapes``, as pdfminer judges a painted path)."""

from __future__ import annotations

import functools

import pytest

from conftest import SAMPLE, SAMPLES
from extractor.pdfium_drawing import (_LINETO, _MOVETO, Matrices, _common_shapes, _subpath_shapes, page_objects,
                                       path_shapes)
from extractor.pdfium_text import written

M, L, C = _MOVETO, _LINETO, 1


def _paths(pdf):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from extractor.pdfium_calls import Calls
    from extractor.pdfium_points import points

    calls = Calls.of(raw)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for index in range(len(doc)):
            page = doc[index]
            for obj, kind, _, _ in page_objects(calls, page.raw, Matrices(raw.FS_MATRIX())):
                if kind == raw.FPDF_PAGEOBJ_PATH:
                    read = points(calls, calls.count_segments(obj), functools.partial(calls.get_segment, obj))
                    if read is not None:
                        yield read
            page.close()
    finally:
        doc.close()


def _flat(read) -> tuple:
    """Points given as (type, x, y, closes) each, as ``pdfium_points.points`` gives them."""
    return tuple(v for kind, x, y, closes in read for v in (x, y, kind, int(closes)))


@pytest.mark.parametrize("pdf", [SAMPLE, *sorted((SAMPLES / "real").glob("*.pdf"))[:6]], ids=lambda p: p.stem)
def test_every_path_of_the_documents_is_judged_alike(pdf):
    common = 0
    for read in _paths(pdf):
        quick = _common_shapes(read)
        if quick is not None:
            assert quick == _subpath_shapes(read)
            common += 1
        if len(read) == 8 and read[2] == _MOVETO and read[6] == _LINETO:  # ``_read_path``'s one-line shortcut
            assert path_shapes(read) == [("line", [(written(read[0]), written(read[1])),
                                                   (written(read[4]), written(read[5]))])]
    assert common, "the documents draw their rulings with lines or rectangles"


def _rect(x0=10.0, y0=20.0, x1=110.0, y1=40.0):
    return [(M, x0, y0, False), (L, x1, y0, False), (L, x1, y1, False), (L, x0, y1, False), (L, x0, y0, True)]


@pytest.mark.parametrize("read", [
    [(M, 1.0, 2.0, False), (L, 300.0, 2.0, False)],
    [(M, 1.0, 2.0, False), (L, 300.0, 2.0, True)],  # closed: the same line
    [(M, 1.0, 2.0, True), (L, 1.0, 200.0, False)],  # a move closes nothing
    _rect(),
    _rect(10.0, 40.0, 110.0, 20.0),  # drawn the other way round
    [(M, 10.0, 20.0, False), (L, 10.0, 40.0, False), (L, 110.0, 40.0, False), (L, 110.0, 20.0, False),
     (L, 10.0, 20.0, True)],  # up first
    _rect()[:4] + [(L, 10.0, 20.5, True)],  # does not return to its start
    [(M, 10.0, 20.0, False), (L, 110.0, 25.0, False), (L, 110.0, 40.0, False), (L, 10.0, 40.0, False),
     (L, 10.0, 20.0, True)],  # slanted
    _rect()[:4] + [(L, 10.0, 20.0, False)],  # not closed
    [(M, 10.0, 20.0, False), (L, 110.0, 20.0, True)] + _rect()[2:],  # closed midway
    [(M, 1.0, 2.0, False), (C, 5.0, 5.0, False), (C, 6.0, 6.0, False), (C, 9.0, 2.0, False)],
    [(M, 1.0, 2.0, False), (L, 3.0, 2.0, False), (M, 5.0, 2.0, False), (L, 9.0, 2.0, False)],
    _rect()[:4] + [(L, 10.0, 20.0000019, True)],  # back to its start in single precision only
    _rect(10.0, 20.0, 10.0000019, 40.0),  # a width of one unit in the last place
    _rect(-0.0, 0.0, 110.0, 40.0)[:4] + [(L, 0.0, -0.0, True)],  # zeros of either sign
    _rect(float("nan"), 20.0, 110.0, 40.0),
    _rect(10.0, 20.0, float("inf"), 40.0),
    _rect(float("-inf"), float("inf"), float("inf"), float("inf")),
])
def test_near_misses_are_judged_alike(read):
    import struct

    single = tuple(struct.unpack("<f", struct.pack("<f", v))[0] if isinstance(v, float) else v for v in _flat(read))
    quick = _common_shapes(single)  # numbers as PDFium gives them: single precision
    assert quick is None or repr(quick) == repr(_subpath_shapes(single))


def test_the_common_paths_take_the_short_way():
    assert _common_shapes(_flat([(M, 1.0, 2.0, False), (L, 300.0, 2.0, False)])) == \
        [("line", [(1.0, 2.0), (300.0, 2.0)])]
    assert _common_shapes(_flat(_rect())) == [("rect", [(10.0, 20.0), (110.0, 40.0)])]
    assert _common_shapes(_flat(_rect()[:4] + [(L, 10.0, 20.5, True)])) == []
