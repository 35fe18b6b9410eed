"""Python's cyclic garbage collector, paused while a document is converted.

A conversion makes several objects per glyph and per cell (a 171-page
document: a few hundred thousand) and keeps most of them until its
``Document`` is built.  The collector runs whenever allocations outnumber
frees by 700, and every so often walks every live object of the process:
on such a document that is some 500 collections, a tenth of the run,
that find almost nothing.  The only reference cycles a conversion leaves
are the PDF's own parser objects (pdfminer's document, pages and fonts),
which stay alive until the file is closed anyway.

So ``paused()`` turns the collector off for the conversion and, when the
last conversion running in the process ends, turns it back on and
collects the young generation once: the objects made during the
conversion, where those cycles are, not the whole heap.  Memory stays
what it was (the parser's objects live to the end in both cases).
``Settings.pause_gc`` turns this off; a collector the caller turned off
stays off.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
#: Conversions running under ``paused`` (threads may run several).
_running = 0
#: Whether ``paused`` turned the collector off (and must turn it back on).
_turned_off = False


@contextmanager
def paused(pause: bool = True) -> Iterator[None]:
    """The collector off while the block runs (see the module's doc);
    ``pause=False`` leaves it alone."""
    global _running, _turned_off
    if not pause:
        yield
        return
    with _lock:
        if _running == 0 and gc.isenabled():
            gc.disable()
            _turned_off = True
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            resume = _running == 0 and _turned_off
            if resume:
                _turned_off = False
                gc.enable()
        if resume:
            gc.collect(0)
