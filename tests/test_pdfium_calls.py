"""PDFium's functions called bare (``extractor.pdfium_calls``): each takes
only what a bare call passes right (pointers and C ints), a function that
takes anything else is refused, and every call gives what pypdfium2's own
typed function gives for the same character or object of the sample and
of real pages."""

from __future__ import annotations

import ctypes

import pytest
from conftest import SAMPLE, SAMPLES

from extractor.pdfium_calls import _FUNCTIONS, _TYPED, Calls, Handle, _bare, _is_pointer

raw = pytest.importorskip("pypdfium2.raw")
pdfium = pytest.importorskip("pypdfium2")

def _declared(fn) -> list:
    """pypdfium2's declaration of the C function ``fn`` calls."""
    address = ctypes.cast(fn, ctypes.c_void_p).value
    for name in dir(raw):
        candidate = getattr(raw, name)
        if callable(candidate) and getattr(candidate, "argtypes", None) is not None:
            if ctypes.cast(candidate, ctypes.c_void_p).value == address:
                return list(candidate.argtypes)
    raise LookupError(fn)


def test_every_bare_call_takes_only_pointers_and_ints():
    calls = Calls.of(raw)
    assert set(vars(calls)) == set(_FUNCTIONS)
    for name, fn in vars(calls).items():
        declared = _declared(fn)
        if name in _TYPED:
            assert fn.argtypes is not None, name
            continue
        assert fn.argtypes is None, name
        assert all(_is_pointer(t) or t is ctypes.c_int for t in declared), (name, declared)


def test_a_function_taking_anything_else_is_refused():
    with pytest.raises(TypeError, match="needs its types"):
        _bare(raw.FPDFFont_GetGlyphWidth)  # (font, unsigned int glyph, float size, float *width)
    with pytest.raises(TypeError, match="needs its types"):
        _bare(raw.FPDFFormObj_GetObject)  # (form, unsigned long index)


def _pdfs():
    return [SAMPLE, *sorted((SAMPLES / "real").glob("*.pdf"))[:3]]


@pytest.mark.parametrize("pdf", _pdfs(), ids=lambda p: p.stem)
def test_character_calls_give_what_the_typed_functions_give(pdf):
    calls = Calls.of(raw)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for index in range(min(len(doc), 6)):
            page = doc[index]
            textpage = page.get_textpage()
            tp = textpage.raw
            x, y = ctypes.c_double(), ctypes.c_double()
            tx, ty = ctypes.c_double(), ctypes.c_double()
            for i in range(raw.FPDFText_CountChars(tp)):
                assert calls.get_unicode(tp, i) == raw.FPDFText_GetUnicode(tp, i)
                assert calls.is_generated(tp, i) == raw.FPDFText_IsGenerated(tp, i)
                assert calls.has_unicode_map_error(tp, i) == raw.FPDFText_HasUnicodeMapError(tp, i)
                typed = raw.FPDFText_GetTextObject(tp, i)
                obj = calls.get_text_object(tp, i)
                assert (obj or 0) == (ctypes.cast(typed, ctypes.c_void_p).value or 0)
                assert calls.get_char_origin(tp, i, ctypes.byref(x), ctypes.byref(y)) == \
                    raw.FPDFText_GetCharOrigin(tp, i, ctypes.byref(tx), ctypes.byref(ty))
                assert (x.value, y.value) == (tx.value, ty.value)
                if obj:
                    size, typed_size = ctypes.c_float(), ctypes.c_float()
                    assert calls.get_font_size(ctypes.c_void_p(obj), ctypes.byref(size)) == \
                        raw.FPDFTextObj_GetFontSize(typed, ctypes.byref(typed_size))
                    assert size.value == typed_size.value
                    font = ctypes.cast(raw.FPDFTextObj_GetFont(typed), ctypes.c_void_p).value
                    assert (calls.get_font(ctypes.c_void_p(obj)) or None) == font
            textpage.close()
            page.close()
    finally:
        doc.close()


@pytest.mark.parametrize("pdf", _pdfs(), ids=lambda p: p.stem)
def test_object_calls_give_what_the_typed_functions_give(pdf):
    calls = Calls.of(raw)
    doc = pdfium.PdfDocument(str(pdf))
    seen = 0
    try:
        for index in range(min(len(doc), 6)):
            page = doc[index]
            for i in range(calls.count_page_objects(page.raw)):
                obj = calls.get_page_object(page.raw, i)
                typed = raw.FPDFPage_GetObject(page.raw, i)
                assert isinstance(obj, Handle)
                assert obj.value == ctypes.cast(typed, ctypes.c_void_p).value
                assert calls.get_type(obj) == raw.FPDFPageObj_GetType(typed)
                m, typed_m = raw.FS_MATRIX(), raw.FS_MATRIX()
                assert calls.get_object_matrix(obj, ctypes.byref(m)) == raw.FPDFPageObj_GetMatrix(typed, typed_m)
                assert bytes(m) == bytes(typed_m)
                clip = calls.get_clip_path(obj)
                assert clip.value == ctypes.cast(raw.FPDFPageObj_GetClipPath(typed), ctypes.c_void_p).value
                if calls.get_type(obj) == raw.FPDF_PAGEOBJ_PATH:
                    fill, stroke, typed_fill, typed_stroke = (ctypes.c_int() for _ in range(4))
                    assert calls.get_draw_mode(obj, ctypes.byref(fill), ctypes.byref(stroke)) == \
                        raw.FPDFPath_GetDrawMode(typed, typed_fill, typed_stroke)
                    assert (fill.value, stroke.value) == (typed_fill.value, typed_stroke.value)
                    count = calls.count_segments(obj)
                    assert count == raw.FPDFPath_CountSegments(typed)
                    for k in range(count):
                        segment = calls.get_segment(obj, k)
                        assert segment == ctypes.cast(raw.FPDFPath_GetPathSegment(typed, k), ctypes.c_void_p).value
                        handle = ctypes.c_void_p(segment)
                        px, py = ctypes.c_float(), ctypes.c_float()
                        typed_segment = raw.FPDFPath_GetPathSegment(typed, k)
                        qx, qy = ctypes.c_float(), ctypes.c_float()
                        assert calls.segment_point(handle, ctypes.byref(px), ctypes.byref(py)) == \
                            raw.FPDFPathSegment_GetPoint(typed_segment, qx, qy)
                        assert (px.value, py.value) == (qx.value, qy.value)
                        assert calls.segment_type(handle) == raw.FPDFPathSegment_GetType(typed_segment)
                        assert calls.segment_close(handle) == raw.FPDFPathSegment_GetClose(typed_segment)
                    seen += 1
            page.close()
    finally:
        doc.close()
    assert seen
