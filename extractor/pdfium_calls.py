"""The PDFium functions the reader calls per character and per object, called bare.

pypdfium2's bindings declare every function's argument types, and ctypes
converts each argument through its type at every call; a handle coming
back becomes a new pointer object of pypdfium2's own type.  Reading a
page makes four calls per character, three per text object and several
per path.  The functions here are the same exported functions of the
same library without argument types: ctypes then passes a pointer object
as a pointer and a Python ``int`` as a C ``int``, with nothing to convert.
A call takes about 0.16 µs instead of 0.27 with argument types of
``c_void_p`` and 0.47 to 0.6 with pypdfium2's own; on a long document
that is a twentieth of the run.

The one rule that makes this safe: **a pointer argument is always a
ctypes object** (pypdfium2's handle, a ``c_void_p``, ``byref`` of an
output value), never a Python ``int``, which ctypes would pass as a
32-bit ``int``.  Every function here takes only pointers and C ``int``s
(``tests/test_pdfium_calls.py`` checks each against pypdfium2's
declaration); ``get_form_object``, whose index is an ``unsigned long``,
keeps its argument types.  A pointer a function returns comes back as an
``int`` (the address, the key of an object in the reader's tables) or,
for the page objects the walk hands on to other calls (``Handle``
results), as a ``c_void_p`` that the next call takes as it is.

``Calls.of(raw)`` makes them once per process.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

_P = ctypes.c_void_p
_Function = Callable[..., Any]


class Handle(ctypes.c_void_p):
    """A pointer a function returns, kept as a ctypes object (a subclass
    of ``c_void_p`` is not turned into an ``int``) to be passed to the next
    call as it is; ``.value`` is its address (None for NULL)."""


def _bare(fn, restype=None):
    """A new function object for the C function of pypdfium2's ``fn``,
    without argument types (see the module's doc); a pointer result comes
    back as an ``int`` (or None), or as ``restype``."""
    if not all(_is_pointer(t) or t is ctypes.c_int for t in fn.argtypes):
        raise TypeError(f"{fn.__name__} takes an argument other than a pointer or an int: it needs its types")
    return _copy(fn, restype)


def _plain(fn, restype=None):
    """``_bare``'s function with argument types: pypdfium2's, pointer types
    made ``c_void_p`` (the same C signature; addresses pass as ``int``)."""
    new = _copy(fn, restype)
    new.argtypes = [_P if _is_pointer(t) else t for t in fn.argtypes]
    return new


def _copy(fn, restype):
    """A new function object for the C function of pypdfium2's ``fn`` and
    its result type: ``restype``, else a pointer's as ``c_void_p``."""
    new = type(fn)(ctypes.cast(fn, _P).value)
    new.restype = restype or (_P if _is_pointer(fn.restype) else fn.restype)
    return new


def _is_pointer(t) -> bool:
    return isinstance(t, type) and issubclass(t, (ctypes._Pointer, ctypes.c_void_p))


@dataclass(frozen=True)
class Calls:
    """The functions, named as in PDFium's headers (fpdf_text.h, fpdf_edit.h).
    Every pointer argument is a ctypes object (see the module's doc); "&x"
    is ``byref`` of the value written."""

    #: (text page, index) -> Unicode code point
    get_unicode: _Function
    #: (text page, index) -> 1 when PDFium generated the character
    is_generated: _Function
    #: (text page, index) -> 1 when the font's maps have no entry for it
    has_unicode_map_error: _Function
    #: (text page, index) -> address of the text object (0 or None for none)
    get_text_object: _Function
    #: (text page, index, &x, &y) -> success
    get_char_origin: _Function
    #: (text page, index, &FS_MATRIX) -> success
    get_matrix: _Function
    #: (text object, &float) -> success
    get_font_size: _Function
    #: (text object) -> address of its font (0 or None for none)
    get_font: _Function
    #: (page) -> how many objects; (page, index) -> one (a ``Handle``)
    count_page_objects: _Function
    get_page_object: _Function
    #: (form object) -> how many objects; (form object, index) -> one (a ``Handle``;
    #: typed, its index is an ``unsigned long``)
    count_form_objects: _Function
    get_form_object: _Function
    #: (page object) -> FPDF_PAGEOBJ_*
    get_type: _Function
    #: (page object, &FS_MATRIX) -> success
    get_object_matrix: _Function
    #: (path object, &fill mode, &stroke) -> success
    get_draw_mode: _Function
    #: (path object) -> how many segments; (path object, index) -> address of one
    count_segments: _Function
    get_segment: _Function
    #: (page object) -> its clipping path (a ``Handle``, NULL for none)
    get_clip_path: _Function
    #: (clipping path) -> how many paths; (clipping path, path) -> how many segments
    count_clip_paths: _Function
    count_clip_segments: _Function
    #: (clipping path, path, index) -> address of a segment
    get_clip_segment: _Function
    #: (segment, &x, &y) -> success; (segment) -> FPDF_SEGMENT_*; (segment) -> closes
    segment_point: _Function
    segment_type: _Function
    segment_close: _Function

    @classmethod
    def of(cls, raw) -> "Calls":
        return _calls(raw)


def _no_map_errors(page, index: int) -> int:
    """``has_unicode_map_error`` of a PDFium too old to have it: every
    character counts as mapped (as ``triage._map_errors`` counts them)."""
    return 0


#: Each call's PDFium function, and whether a pointer it returns comes
#: back as a ``Handle`` (else an ``int``).
_FUNCTIONS: dict[str, tuple[str, bool]] = {
    "get_unicode": ("FPDFText_GetUnicode", False),
    "is_generated": ("FPDFText_IsGenerated", False),
    "has_unicode_map_error": ("FPDFText_HasUnicodeMapError", False),
    "get_text_object": ("FPDFText_GetTextObject", False),
    "get_char_origin": ("FPDFText_GetCharOrigin", False),
    "get_matrix": ("FPDFText_GetMatrix", False),
    "get_font_size": ("FPDFTextObj_GetFontSize", False),
    "get_font": ("FPDFTextObj_GetFont", False),
    "count_page_objects": ("FPDFPage_CountObjects", False),
    "get_page_object": ("FPDFPage_GetObject", True),
    "count_form_objects": ("FPDFFormObj_CountObjects", False),
    "get_form_object": ("FPDFFormObj_GetObject", True),
    "get_type": ("FPDFPageObj_GetType", False),
    "get_object_matrix": ("FPDFPageObj_GetMatrix", False),
    "get_draw_mode": ("FPDFPath_GetDrawMode", False),
    "count_segments": ("FPDFPath_CountSegments", False),
    "get_segment": ("FPDFPath_GetPathSegment", False),
    "get_clip_path": ("FPDFPageObj_GetClipPath", True),
    "count_clip_paths": ("FPDFClipPath_CountPaths", False),
    "count_clip_segments": ("FPDFClipPath_CountPathSegments", False),
    "get_clip_segment": ("FPDFClipPath_GetPathSegment", False),
    "segment_point": ("FPDFPathSegment_GetPoint", False),
    "segment_type": ("FPDFPathSegment_GetType", False),
    "segment_close": ("FPDFPathSegment_GetClose", False),
}
#: Calls whose arguments are not all pointers and C ints keep their types
#: (``_plain``): an ``unsigned long`` index.
_TYPED = frozenset({"get_form_object"})


@lru_cache(maxsize=None)
def _calls(raw) -> Calls:
    made: dict[str, _Function] = {}
    for field, (name, handle) in _FUNCTIONS.items():
        fn = getattr(raw, name, None)
        if fn is None and field == "has_unicode_map_error":
            made[field] = _no_map_errors
        else:
            made[field] = (_plain if field in _TYPED else _bare)(fn, Handle if handle else None)
    return Calls(**made)
