"""What the PDFium reader makes of a text object's matrix and size, read
into one reused buffer (``pdfium_text._TextObject.of``)."""

from __future__ import annotations

import ctypes
from types import SimpleNamespace

from extractor.pdfium_text import Geometry, _ObjectBuffer, _TextObject

FLAT = Geometry((1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 842.0, 0.0, 0.0)


def _calls(matrices: dict[int, tuple], sizes: dict[int, float]):
    """PDFium's calls over made-up objects: the matrix of character ``i``
    and the font size of object ``obj``, or a failure where none is given.
    They are called as PDFium's are (``pdfium_calls``): the object as a
    pointer object, the buffer's parts as ``byref``."""

    def get_matrix(page, index, at):
        if index not in matrices:
            return 0
        ctypes.memmove(at, (ctypes.c_float * 6)(*matrices[index]), 6 * ctypes.sizeof(ctypes.c_float))
        return 1

    def get_font_size(obj, at):
        assert isinstance(obj, ctypes.c_void_p)
        if obj.value not in sizes:
            return 0
        ctypes.memmove(at, ctypes.byref(ctypes.c_float(sizes[obj.value])), ctypes.sizeof(ctypes.c_float))
        return 1

    return SimpleNamespace(get_matrix=get_matrix, get_font_size=get_font_size, get_font=lambda obj: 0)


def _of(calls, obj, index, buffer, made):
    return _TextObject.of(None, calls, obj, 1, index, {}, {}, FLAT, made, buffer)


def test_matrix_and_size_are_read_into_the_buffer():
    calls = _calls({0: (2.0, 0.0, 0.5, 3.0, 10.0, 20.0)}, {7: 10.5})
    info = _of(calls, 7, 0, _ObjectBuffer(), {})
    assert (info.size, info.a, info.b, info.c, info.d) == (10.5, 2.0, 0.0, 0.5, 3.0)


def test_a_matrix_that_cannot_be_read_is_zeros_not_the_last_objects():
    calls = _calls({0: (2.0, 0.0, 0.0, 2.0, 10.0, 20.0)}, {7: 12.0, 8: 12.0})
    buffer, made = _ObjectBuffer(), {}
    first = _of(calls, 7, 0, buffer, made)
    second = _of(calls, 8, 1, buffer, made)  # character 1: no matrix
    assert (first.a, first.d) == (2.0, 2.0)
    assert (second.a, second.b, second.c, second.d) == (0.0, 0.0, 0.0, 0.0)


def test_a_size_that_cannot_be_read_is_zero():
    # (translations not zero: the size is read over the matrix's fifth number)
    calls = _calls({0: (1.0, 0.0, 0.0, 1.0, 300.0, 40.0), 1: (1.0, 0.0, 0.0, 1.0, 300.0, 40.0)}, {7: 9.0})
    buffer, made = _ObjectBuffer(), {}
    assert _of(calls, 7, 0, buffer, made).size == 9.0
    assert _of(calls, 8, 1, buffer, made).size == 0.0  # object 8: no size
    assert _of(calls, 0, 1, buffer, made).size == 0.0  # no object at all


def test_objects_alike_share_one_and_the_translation_does_not_count():
    """Text objects of one font, size and linear part are one
    ``_TextObject`` (keyed by the buffer's bytes, where the size lies over
    the translation); a size or a matrix number apart makes another."""
    calls = _calls({0: (1.0, 0.0, 0.0, 1.0, 10.0, 20.0), 1: (1.0, 0.0, 0.0, 1.0, 300.0, 500.0),
                    2: (1.0, 0.0, 0.0, 1.0, 10.0, 20.0), 3: (1.0, 0.0, 0.5, 1.0, 10.0, 20.0)},
                   {7: 10.5, 8: 10.5, 9: 12.0})
    buffer, made = _ObjectBuffer(), {}
    first, moved = _of(calls, 7, 0, buffer, made), _of(calls, 8, 1, buffer, made)
    larger, slanted = _of(calls, 9, 2, buffer, made), _of(calls, 7, 3, buffer, made)
    assert moved is first and (first.size, first.a, first.d) == (10.5, 1.0, 1.0)
    assert larger is not first and larger.size == 12.0
    assert slanted is not first and slanted.c == 0.5 and slanted.size == 10.5
