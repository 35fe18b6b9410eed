"""``extractor.extract_many``: many files into ``Document`` objects for a
notebook, on the local engine of ``convert`` (``engines.run_local``)."""

from __future__ import annotations

import os
import pickle
import traceback
from contextlib import closing
from typing import Any, Iterable, Optional

from .document import Document
from .engines import default_jobs, run_local
from .inputs import PathLike
from .progress import _Progress, interactive


def _extract_one(path: PathLike, options: dict[str, Any]) -> Document:
    from .pipeline import extract

    return extract(path, **options)


class _RemoteError:
    """An exception raised in a worker that cannot be pickled as it is:
    sent back as class and ``args`` and rebuilt in the caller's process."""

    def __init__(self, exc: BaseException) -> None:
        self.cls, self.args = type(exc), exc.args
        self.trace = "".join(traceback.format_exception(exc))

    def rebuild(self) -> BaseException:
        exc = self.cls.__new__(self.cls)
        exc.args = self.args
        if hasattr(exc, "add_note"):
            exc.add_note("raised in a worker process:\n" + self.trace)
        return exc


def _extract_in_worker(path: PathLike, options: dict[str, Any]) -> "Document | _RemoteError":
    try:
        return _extract_one(path, options)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            return _RemoteError(exc)
        raise


def _noted(exc: BaseException, path: PathLike) -> BaseException:
    if hasattr(exc, "add_note"):  # Python 3.11+
        exc.add_note(f"while extracting {path}")
    return exc


def extract_many(
    paths: Iterable[PathLike],
    *,
    jobs: Optional[int] = 1,
    progress: Optional[bool] = None,
    **options: Any,
) -> list[Document]:
    """See ``extractor.extract_many``.  Runs on the local engine of
    ``convert`` (``run_local``): worker processes, results in input order,
    the first error raised as itself (remaining work stopped at once)."""
    if isinstance(paths, (str, os.PathLike)):
        raise TypeError("extract_many takes a list of paths; use extract() for one file")
    paths = list(paths)
    workers = default_jobs() if jobs is None else jobs
    if workers < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    bar = _Progress(len(paths), interactive() if progress is None else progress)
    results: list[Optional[Document]] = [None] * len(paths)
    try:
        fn = _extract_one if workers == 1 else _extract_in_worker
        with closing(run_local(fn, [(p, options) for p in paths], min(workers, len(paths)))) as events:
            for event in events:
                if event is None:
                    continue
                n, out = event
                if isinstance(out, _RemoteError):
                    out = out.rebuild()
                if isinstance(out, BaseException):
                    raise _noted(out, paths[n])
                results[n] = out
                bar.step(paths[n])
        return results  # type: ignore[return-value]
    finally:
        bar.close()
