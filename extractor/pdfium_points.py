"""The points of a PDFium path, read in one piece.

PDFium's API hands out a path's segments one at a time: four calls into
the library per point (the segment, its point, its type, whether it
closes the figure).  A page of a real budget draws 16,000 paths, and those
calls were a third of reading its drawing.  The segment handles PDFium
returns are the addresses of its ``CFX_Path::Point`` records, which lie
side by side in one array: two floats, the type and the close flag in 12
bytes.  Reading the array at once takes one call per path.

That layout belongs to the PDFium build, not to its API, so it is checked
before it is trusted: the first paths read in a process are read both
ways, and only when every point, type, flag and address agrees is the
array read directly from then on; any disagreement keeps the API for the
rest of the process.  Either way the same points come out (``Points``).
"""

from __future__ import annotations

import ctypes
import struct
from functools import lru_cache, partial
from typing import Callable, Optional

from .pdfium_calls import Calls

#: ``CFX_Path::Point``: x, y (float), type (uint8: 0 line, 1 Bézier, 2
#: move, as ``FPDF_SEGMENT_*``), closes (bool), two bytes of padding.
_POINT = struct.Struct("<ffBB2x")

#: Paths of at most this many points are unpacked in one piece.
_SHORT = 64

#: Paths compared both ways before the array is trusted.
_CHECKS = 64

#: A path's points, flat: x, y, type and closes (1 or 0: the array is
#: trusted only where it holds what the API says) of each point in turn.
#: One tuple made in one unpacking: real tables draw tens of thousands of
#: two- and five-point paths.
Points = tuple


class _Trust:
    """Whether the array layout has been confirmed (None: not yet)."""

    verdict: Optional[bool] = None
    checked = 0


def points(calls: Calls, count: int, segment_of: Callable[[int], int]) -> Optional[Points]:
    """The ``count`` points of a path whose segment ``i`` is at the address
    ``segment_of(i)`` (``Calls.get_segment`` or ``Calls.get_clip_segment``
    bound to its path), or None when PDFium cannot give one of them."""
    if count <= 0:
        return ()
    if _Trust.verdict:
        first = segment_of(0)
        if not first:
            return None
        return _read_at(first, count)
    read = _by_api(calls, count, segment_of)
    if _Trust.verdict is None and read is not None:
        _Trust.verdict = _same_in_memory(read, count, segment_of)
        if _Trust.verdict:
            _Trust.checked += 1
            _Trust.verdict = None if _Trust.checked < _CHECKS else True
    return read


def path_points(calls: Calls, obj) -> Optional[Points]:
    """``points`` of the path object ``obj`` (its handle): the one call
    for its first segment made here, not through a bound function."""
    count = calls.count_segments(obj)
    if _Trust.verdict and count > 0:
        first = calls.get_segment(obj, 0)
        return _read_at(first, count) if first else None
    return points(calls, count, partial(calls.get_segment, obj))


def _read_at(address: int, count: int) -> Points:
    """The ``count`` points whose records start at ``address``: a short
    path unpacked where it lies (no copy of its bytes first)."""
    if count <= _SHORT:
        layout, records = _short(count)
        return layout.unpack_from(records.from_address(address))
    return _unpacked(ctypes.string_at(address, count * _POINT.size), count)


@lru_cache(maxsize=_SHORT)
def _short(count: int) -> tuple[struct.Struct, type[ctypes.Array[ctypes.c_char]]]:
    """The layout of ``count`` points side by side, and a ctypes type of
    their size (to read them in place with)."""
    return _array(_POINT.format, count), ctypes.c_char * (count * _POINT.size)


def _unpacked(data: bytes, count: int) -> Points:
    """``count`` points side by side in ``data``, flat: in one unpacking
    for a path of a few points (the rule), point by point for a long one
    (whose layout would be as long as the path)."""
    if count <= _SHORT:
        return _array(_POINT.format, count).unpack(data)
    return tuple(value for point in _POINT.iter_unpack(data) for value in point)


@lru_cache(maxsize=_SHORT)
def _array(point: str, count: int) -> struct.Struct:
    """The layout of ``count`` points side by side (``point``: one point's format)."""
    return struct.Struct("<" + point.lstrip("<") * count)


def _by_api(calls: Calls, count: int, segment_of) -> Optional[Points]:
    x, y = ctypes.c_float(), ctypes.c_float()
    at_x, at_y = ctypes.byref(x), ctypes.byref(y)
    point_of, type_of, closes = calls.segment_point, calls.segment_type, calls.segment_close
    out: list = []
    for i in range(count):
        address = segment_of(i)
        if not address:
            return None
        segment = ctypes.c_void_p(address)
        if not point_of(segment, at_x, at_y):
            return None
        out += (x.value, y.value, type_of(segment), 1 if closes(segment) else 0)
    return tuple(out)


def _same_in_memory(read: Points, count: int, segment_of) -> bool:
    """Do the records at the segments' addresses say what the API said?"""
    addresses = [segment_of(i) or 0 for i in range(count)]
    if not all(addresses) or any(b - a != _POINT.size for a, b in zip(addresses, addresses[1:])):
        return False
    data = ctypes.string_at(addresses[0], count * _POINT.size)
    return _unpacked(data, count) == read
