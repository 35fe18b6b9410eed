"""Many conversions from Python: ``extractor.extract_many``.

Each file is converted as ``extractor convert`` converts it: in its own
child process under a timeout and a memory cap (``guard.extract_guarded``),
on the command's local engine (``batch.run_local``: worker processes,
results in input order), with the command's progress display
(``batch._BatchProgress``).  So a file that hangs or needs all the memory
fails alone, as ``ConversionTimeout`` or ``MemoryLimitExceeded``, instead of
stalling the notebook or the script.

What a failure does is the caller's choice (``on_error``):

- ``"raise"``: the first failure is raised (noting its file) and the rest of
  the work stops; for scripts that must not go on with partial data.
- ``"skip"``: the documents of the files that converted, in input order; each
  failure is logged (logger ``extractor``) and shown by the progress display.
- ``"collect"``: one entry per input, in input order: its ``Document``, or the
  ``ExtractorError`` it failed with, so that a notebook can list what failed
  and why next to what converted.
"""

from __future__ import annotations

import inspect
import logging
import os
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

from . import errors

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document
    from .settings import Settings

PathLike = Union[str, "os.PathLike[str]"]
ON_ERROR = ("raise", "skip", "collect")

log = logging.getLogger("extractor")


@dataclass(frozen=True)
class Limits:
    """The guard's limits for each file: ``None`` keeps the settings'
    (the command line's defaults: 600 s, 4096 MB); 0 is no limit."""

    timeout: Optional[float] = None
    max_memory: Optional[int] = None

    def apply(self, settings: "Settings") -> "Settings":
        changes: dict[str, Any] = {}
        if self.timeout is not None:
            changes["timeout"] = float(self.timeout)
        if self.max_memory is not None:
            changes["max_memory_mb"] = int(self.max_memory)
        return settings.replace(**changes) if changes else settings


def check_arguments(paths: Any, jobs: Optional[int], on_error: str, limits: Limits, options: dict) -> None:
    """Refuse what would only fail later, file by file: a single path given
    as the list, bad counts, an unknown ``on_error``, and options that
    ``extract`` does not take (under the guard they would come back as an
    ``InternalError`` per file)."""
    if isinstance(paths, (str, os.PathLike)):
        raise TypeError("extract_many takes a list of paths; use extract() for one file")
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {', '.join(map(repr, ON_ERROR))}, not {on_error!r}")
    for name in ("timeout", "max_memory"):
        value = getattr(limits, name)
        if value is not None and value < 0:
            raise ValueError(f"{name} must be 0 (no limit) or more, not {value}")
    from .pipeline import extract

    accepted = set(inspect.signature(extract).parameters) - {"path"}
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise TypeError(f"extract_many got unexpected options: {', '.join(unknown)} "
                        f"(extract takes {', '.join(sorted(accepted))})")


def convert_guarded(path: PathLike, settings: "Settings", options: dict) -> "Document | errors.ExtractorError":
    """One file under the guard, its failure returned rather than raised so
    that it crosses the worker boundary as a value (module level: it is
    pickled into worker processes)."""
    from .guard import extract_guarded

    try:
        return extract_guarded(Path(path), settings=settings, **options)
    except errors.ExtractorError as exc:
        return exc


def as_error(path: PathLike, outcome: Any) -> Optional[errors.ExtractorError]:
    """The failure an outcome of ``run_local`` stands for, or None for a
    document.  A worker that died (``batch.WorkerDied``) is this file's
    failure too."""
    if isinstance(outcome, errors.ExtractorError):
        return outcome
    if isinstance(outcome, BaseException):
        if isinstance(outcome, (KeyboardInterrupt, SystemExit)):
            raise outcome
        return errors.InternalError(str(path), f"{type(outcome).__name__}: {outcome}")
    return None


def noted(exc: BaseException, path: PathLike) -> BaseException:
    if hasattr(exc, "add_note"):  # Python 3.11+
        exc.add_note(f"while extracting {path}")
    return exc


def interactive() -> bool:
    """True in a Jupyter kernel or when stderr is a terminal."""
    import sys

    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def extract_many(
    paths: Iterable[PathLike],
    *,
    jobs: Optional[int] = 1,
    progress: Optional[bool] = None,
    on_error: str = "raise",
    timeout: Optional[float] = None,
    max_memory: Optional[int] = None,
    **options: Any,
) -> "list[Document | errors.ExtractorError]":
    """See ``extractor.extract_many``."""
    import sys

    from .engines import default_jobs, run_local
    from .progress import _BatchProgress
    from .settings import DEFAULT

    limits = Limits(timeout, max_memory)
    check_arguments(paths, jobs, on_error, limits, options)
    paths = list(paths)
    workers = default_jobs() if jobs is None else jobs
    settings = limits.apply(options.pop("settings", None) or DEFAULT)
    shown = interactive() if progress is None else progress
    display = _BatchProgress(sys.stderr, quiet=not shown)
    results: list[Any] = [None] * len(paths)
    done = failed = pages = 0
    start = time.monotonic()
    calls = [(p, settings, options) for p in paths]
    try:
        events = run_local(convert_guarded, calls, min(workers, max(1, len(paths))))
        with closing(events):  # type: ignore[type-var]  # a generator has close()
            for event in events:
                if event is not None:
                    n, outcome = event
                    error = as_error(paths[n], outcome)
                    done += 1
                    if error is not None:
                        failed += 1
                        if on_error == "raise":
                            raise noted(error, paths[n])
                        log.warning("FAILED %s: %s: %s", paths[n], type(error).__name__, error)
                        display.line(f"extract: FAILED {paths[n]}: {type(error).__name__}", error=True)
                    else:
                        pages += outcome.source.pages or 0
                        display.line(f"extract: ok {Path(paths[n]).name} ({outcome.source.pages} pages, "
                                     f"{len(outcome.projects)} projects)")
                    results[n] = error if error is not None else outcome
                display.update(done, len(paths), failed, 0, pages, time.monotonic() - start, force=done == len(paths))
    finally:
        display.close()
    if on_error == "skip":
        return [r for r in results if not isinstance(r, errors.ExtractorError)]
    return results
