"""The PDFium functions the reader calls per character and per object, with plain argument types.

pypdfium2's bindings type every handle as a pointer to its own opaque
structure: each call converts them on the way in and makes a new pointer
object for a handle coming back.  Reading a page makes four calls per
character, three per text object and several per path.  The functions
here are the same exported functions of the same library, their pointer
types read from pypdfium2's bindings and made ``c_void_p``: handles are
plain addresses (an ``int`` in Python) and output arguments addresses of
``ctypes`` values (``addressof``).  The C signatures are the same; a call
takes 0.35 µs instead of 0.47 to 0.6, and the pages stage about a fifth
less time.  pypdfium2's own function objects are left as they are.

``Calls.of(raw)`` makes them once per process; a handle from pypdfium2 is
turned into an address with ``address_of``.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

_P = ctypes.c_void_p
_Function = Callable[..., Any]


def _plain(fn):
    """A new function object for the C function of pypdfium2's ``fn``, its
    pointer types (arguments and result) made ``c_void_p``: the same C
    signature, read from the binding itself."""
    new = type(fn)(ctypes.cast(fn, _P).value)
    new.argtypes = [_P if _is_pointer(t) else t for t in fn.argtypes]
    new.restype = _P if _is_pointer(fn.restype) else fn.restype
    return new


def _is_pointer(t) -> bool:
    return isinstance(t, type) and issubclass(t, (ctypes._Pointer, ctypes.c_void_p))


@dataclass(frozen=True)
class Calls:
    """The functions, named as in PDFium's headers (fpdf_text.h, fpdf_edit.h)."""

    #: (text page, index) -> Unicode code point
    get_unicode: _Function
    #: (text page, index) -> 1 when PDFium generated the character
    is_generated: _Function
    #: (text page, index) -> 1 when the font's maps have no entry for it
    has_unicode_map_error: _Function
    #: (text page, index) -> address of the text object (0 for none)
    get_text_object: _Function
    #: (text page, index, &x, &y) -> success
    get_char_origin: _Function
    #: (text page, index, &FS_MATRIX) -> success
    get_matrix: _Function
    #: (text object, &float) -> success
    get_font_size: _Function
    #: (text object) -> address of its font (0 for none)
    get_font: _Function
    #: (page) -> how many objects; (page, index) -> address of one
    count_page_objects: _Function
    get_page_object: _Function
    #: (form object) -> how many objects; (form object, index) -> address of one
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
    #: (page object) -> address of its clipping path (0 for none)
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


@lru_cache(maxsize=None)
def _calls(raw) -> Calls:
    return Calls(
        get_unicode=_plain(raw.FPDFText_GetUnicode),
        is_generated=_plain(raw.FPDFText_IsGenerated),
        has_unicode_map_error=_plain(raw.FPDFText_HasUnicodeMapError),
        get_text_object=_plain(raw.FPDFText_GetTextObject),
        get_char_origin=_plain(raw.FPDFText_GetCharOrigin),
        get_matrix=_plain(raw.FPDFText_GetMatrix),
        get_font_size=_plain(raw.FPDFTextObj_GetFontSize),
        get_font=_plain(raw.FPDFTextObj_GetFont),
        count_page_objects=_plain(raw.FPDFPage_CountObjects),
        get_page_object=_plain(raw.FPDFPage_GetObject),
        count_form_objects=_plain(raw.FPDFFormObj_CountObjects),
        get_form_object=_plain(raw.FPDFFormObj_GetObject),
        get_type=_plain(raw.FPDFPageObj_GetType),
        get_object_matrix=_plain(raw.FPDFPageObj_GetMatrix),
        get_draw_mode=_plain(raw.FPDFPath_GetDrawMode),
        count_segments=_plain(raw.FPDFPath_CountSegments),
        get_segment=_plain(raw.FPDFPath_GetPathSegment),
        get_clip_path=_plain(raw.FPDFPageObj_GetClipPath),
        count_clip_paths=_plain(raw.FPDFClipPath_CountPaths),
        count_clip_segments=_plain(raw.FPDFClipPath_CountPathSegments),
        get_clip_segment=_plain(raw.FPDFClipPath_GetPathSegment),
        segment_point=_plain(raw.FPDFPathSegment_GetPoint),
        segment_type=_plain(raw.FPDFPathSegment_GetType),
        segment_close=_plain(raw.FPDFPathSegment_GetClose),
    )


def address_of(handle) -> int:
    """The address a pypdfium2 handle (a typed pointer) holds, 0 for NULL:
    the key of a page object, a font or a path's points.  ``addressof`` of
    the pointee takes a fifth of the time of ``c_void_p.from_buffer`` or
    ``cast``."""
    return ctypes.addressof(handle.contents) if handle else 0
