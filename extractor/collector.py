"""Python's cyclic garbage collector, paused while a document is converted.

A conversion makes several objects per glyph and per cell (a 171-page
document: a few hundred thousand) and keeps most of them until its
``Document`` is built.  The collector runs whenever allocations outnumber
frees by 700, and every so often walks every live object of the process:
on such a document that is some 500 collections, a tenth of the run with
the PDFium reader (a fiftieth with pdfplumber's, which spends its time
elsewhere), that find almost nothing.  The reference cycles a conversion
leaves are the PDF's own parser objects (pdfminer's document, pages and
fonts), which stay alive until the file is closed anyway.

So ``paused()`` turns the collector off while a conversion runs and, at
the end of each conversion, collects as the collector would have by then
(``_collect_as_scheduled``): the young generation, where a conversion's
cycles are, and an older generation each time its turn has come, so that
what survives one collection is looked at again later; a conversion that
failed leaves its objects to the traceback its caller holds, and the
next conversion collects them first.  The collector is on again
when the last conversion running in the process ends.  Peak memory stays
what it was.

``Settings.pause_gc`` turns this off.  A collector the caller turned off
before a conversion stays off; one a callback turns off during a
conversion is on again at its end.  A process forked while a conversion
runs starts with the collector as it was before that conversion
(``os.register_at_fork``).
"""

from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from typing import Iterator

_lock = threading.Lock()
#: A token per conversion running under ``paused`` (threads may run
#: several).  A set, not a count: a conversion interrupted anywhere
#: (KeyboardInterrupt) removes what it added and nothing else.
_running: set[object] = set()
#: Whether ``paused`` turned the collector off (and must turn it back on).
_turned_off = False
#: The oldest generation the objects of a conversion that failed may have
#: been moved to (0: none failed): the traceback the caller holds keeps
#: them alive through the collection at its end, so the next conversion
#: collects that generation first.
_failed = 0


@contextmanager
def paused(pause: bool = True) -> Iterator[None]:
    """The collector off while the block runs (see the module's doc);
    ``pause=False`` leaves it alone."""
    global _turned_off, _failed
    if not pause:
        yield
        return
    if _failed:
        generation, _failed = _failed, 0
        gc.collect(generation)
    token, failed = object(), False
    try:
        with _lock:
            if not _running and gc.isenabled():
                gc.disable()
                _turned_off = True
            _running.add(token)
        yield
    except BaseException:
        failed = True
        raise
    finally:
        with _lock:
            _running.discard(token)
            if not _running and _turned_off:
                _turned_off = False
                gc.enable()
        collected = _collect_as_scheduled()
        if failed:
            _failed = max(_failed, min(2, collected + 1))


def _collect_as_scheduled() -> int:
    """Collect what the collector would have collected by now: the young
    generation, and the next older one whenever its count of collections
    passes its threshold, as an allocation would trigger them (every
    tenth young collection collects generation 1, every hundredth
    generation 2, with the default thresholds).  A collection called
    explicitly never triggers an older one by itself, and the collector is
    off during every conversion: without this, what survives one young
    collection would never be looked at again in a process that only
    converts.  Returns the generation collected."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    generation = 0
    if counts[1] + 1 > thresholds[1]:
        generation = 2 if len(thresholds) > 2 and counts[2] + 1 > thresholds[2] else 1
    gc.collect(generation)
    return generation


def _after_fork_in_child() -> None:
    """A forked child runs none of the conversions its parent was running:
    the collector as it was before them, the lock new."""
    global _lock, _turned_off
    _lock = threading.Lock()  # (held by a thread the child does not have, perhaps)
    _running.clear()
    if _turned_off:
        _turned_off = False
        gc.enable()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
