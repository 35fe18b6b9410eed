"""What a run shows while it goes: the batch's bar or per-file lines on
stderr (``BatchProgress``) and ``extract_many``'s bar in notebooks."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional, TextIO

from .fsnames import shown

if TYPE_CHECKING:
    from .conversion import FileResult


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class _BatchProgress:
    """The run's progress on stderr: a one-line bar redrawn with ``\\r``
    when the stream is a terminal, else per-file lines and a progress line
    every 10 % of the files or 30 s.  Quiet: errors only.  Holds display
    state only; the counts come in with each call."""

    def __init__(self, stream: TextIO, *, quiet: bool) -> None:
        self.stream, self.quiet = stream, quiet
        try:
            self.tty = stream.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        self.drawn = False
        self.last_draw = 0.0
        self.last_log = time.monotonic()
        self.logged_step = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed pipe must not stop the batch
            pass

    def _clear(self) -> None:
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False

    def line(self, text: str, error: bool = False) -> None:
        """A per-file line: errors always, others only in log mode.  One
        line whatever the names in it (``fsnames.shown``)."""
        if not error and (self.quiet or self.tty):
            return
        self._clear()
        self._write(shown(text) + "\n")

    def message(self, text: str, always: bool = False) -> None:
        """A line of the run (``always``: even when quiet, as the summary)."""
        if self.quiet and not always:
            return
        self._clear()
        self._write(shown(text) + "\n")

    def update(self, done: int, total: int, failed: int, cached: int, pages: int, elapsed: float,
               force: bool = False) -> None:
        if self.quiet or total == 0:
            return
        rate = pages / elapsed if elapsed > 0 else 0.0
        left = (total - done) * elapsed / done if done else None
        eta = f" < {_clock(left)}" if left is not None and done < total else ""
        if self.tty:
            now = time.monotonic()
            if not force and now - self.last_draw < 0.2:
                return
            self.last_draw = now
            width = shutil.get_terminal_size((80, 24)).columns - 1
            text = (f"[{done}/{total}] {100 * done // total:3d}% | {rate:.1f} pages/s | {failed} failed"
                    f" | {cached} cached | {_clock(elapsed)}{eta}")
            self._write("\r" + text[:width] + "\x1b[K")
            self.drawn = True
            return
        step = 10 * done // total if total >= 20 else 0
        now = time.monotonic()
        if done == total or step > self.logged_step or now - self.last_log >= 30:
            self.logged_step, self.last_log = step, now
            if done == total:
                return  # the summary says it
            self._write(f"progress: {done}/{total} files ({100 * done // total}%), {failed} failed, {cached} cached, "
                        f"{rate:.1f} pages/s, {_clock(elapsed)} elapsed" +
                        (f", about {_clock(left)} left" if left is not None else "") + "\n")

    def close(self) -> None:
        self._clear()


def _file_line(r: "FileResult", outdir: Path) -> Optional[tuple[str, bool]]:
    """The per-file line and whether it is an error; none for a file kept
    from an earlier run (the progress and summary count those)."""
    if r.status == "failed":
        return f"FAILED {r.input}: {r.error}: {r.message}", True
    if r.cached:
        return None
    notes = f"; warnings: {', '.join(r.warning_codes)}" if r.warning_codes else ""
    notes += f"; {r.message}" if r.message else ""
    return (f"ok {r.input} -> {outdir / r.output} ({r.pages} pages, {r.projects} projects, "
            f"{r.indicators} indicators, {r.seconds:.1f} s{notes})"), False


