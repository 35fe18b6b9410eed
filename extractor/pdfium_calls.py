"""PDFium's per-character and per-object functions with plain argument types.

pypdfium2's bindings type every handle as a pointer to its own opaque
structure: each call converts them on the way in and makes a new pointer
object for a handle coming back.  Reading a page makes four calls per
character, so that conversion is a quarter of reading its text.  The
functions here are the same exported functions of the same library, with
handles as plain addresses (``c_void_p``, an ``int`` in Python) and
output arguments as addresses of ``ctypes`` values (``addressof``): the
same C signatures, fewer conversions (0.35 µs a call instead of 0.47 to
0.6).  pypdfium2's own function objects are left as they are.

``Calls.of(raw)`` makes them once per process; a handle from pypdfium2 is
turned into an address with ``address_of``.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import lru_cache

_P = ctypes.c_void_p
_INT = ctypes.c_int


def _retyped(fn, restype, *argtypes):
    """A new function object for the C function ``fn`` points at."""
    new = type(fn)(ctypes.cast(fn, _P).value)
    new.restype = restype
    new.argtypes = argtypes
    return new


@dataclass(frozen=True)
class Calls:
    """The functions, named as in PDFium's headers (fpdf_text.h, fpdf_edit.h)."""

    #: (text page, index) -> Unicode code point
    get_unicode: object
    #: (text page, index) -> 1 when PDFium generated the character
    is_generated: object
    #: (text page, index) -> 1 when the font's maps have no entry for it
    has_unicode_map_error: object
    #: (text page, index) -> address of the text object (0 for none)
    get_text_object: object
    #: (text page, index, &x, &y) -> success
    get_char_origin: object
    #: (text page, index, &FS_MATRIX) -> success
    get_matrix: object
    #: (text object, &float) -> success
    get_font_size: object
    #: (text object) -> address of its font (0 for none)
    get_font: object

    @classmethod
    def of(cls, raw) -> "Calls":
        return _calls(raw)


@lru_cache(maxsize=None)
def _calls(raw) -> Calls:
    uint = ctypes.c_uint
    return Calls(
        get_unicode=_retyped(raw.FPDFText_GetUnicode, uint, _P, _INT),
        is_generated=_retyped(raw.FPDFText_IsGenerated, _INT, _P, _INT),
        has_unicode_map_error=_retyped(raw.FPDFText_HasUnicodeMapError, _INT, _P, _INT),
        get_text_object=_retyped(raw.FPDFText_GetTextObject, _P, _P, _INT),
        get_char_origin=_retyped(raw.FPDFText_GetCharOrigin, _INT, _P, _INT, _P, _P),
        get_matrix=_retyped(raw.FPDFText_GetMatrix, _INT, _P, _INT, _P),
        get_font_size=_retyped(raw.FPDFTextObj_GetFontSize, _INT, _P, _P),
        get_font=_retyped(raw.FPDFTextObj_GetFont, _P, _P),
    )


def address_of(handle) -> int:
    """The address a pypdfium2 handle (a typed pointer) holds, 0 for NULL:
    the key of a page object, a font or a path's points.  ``addressof`` of
    the pointee takes a fifth of the time of ``c_void_p.from_buffer`` or
    ``cast``."""
    return ctypes.addressof(handle.contents) if handle else 0
