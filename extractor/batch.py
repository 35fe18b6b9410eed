"""Many PDFs at once, for notebooks and scripts (``extractor.extract_many``).

Files are converted in worker processes when ``jobs > 1`` (the pipeline is
CPU-bound and keeps no state between files); results come back in input
order whatever order the workers finish in.  Progress shows when the caller
is interactive (Jupyter, or a terminal on stderr): a ``tqdm`` bar when tqdm
is installed, else one line per file.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from .document import Document

PathLike = Union[str, "os.PathLike[str]"]


def interactive() -> bool:
    """True in a Jupyter kernel or when stderr is a terminal."""
    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Progress:
    """A tqdm bar if tqdm is installed, else a line per file; or nothing."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled, self.done, self.bar = total, enabled, 0, None
        if not enabled:
            return
        try:
            with warnings.catch_warnings():
                # tqdm.auto warns when ipywidgets is missing and falls back
                # to a text bar, which is all we need.
                warnings.simplefilter("ignore")
                from tqdm.auto import tqdm
        except ImportError:
            return
        self.bar = tqdm(total=total, desc="extract", unit="file")

    def step(self, path: PathLike) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(Path(path).name, refresh=False)
            self.bar.update(1)
        elif self.enabled:
            print(f"extract [{self.done}/{self.total}] {Path(path).name}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _extract_one(path: PathLike, options: dict[str, Any]) -> Document:
    from .pipeline import extract

    return extract(path, **options)


class _RemoteError:
    """An exception raised in a worker that cannot be pickled as it is (the
    ``ExtractorError`` classes take their message parts as arguments): sent
    back as class and ``args`` and rebuilt in the caller's process."""

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
    """See ``extractor.extract_many``."""
    if isinstance(paths, (str, os.PathLike)):
        raise TypeError("extract_many takes a list of paths; use extract() for one file")
    paths = list(paths)
    workers = (os.cpu_count() or 1) if jobs is None else jobs
    if workers < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    bar = _Progress(len(paths), interactive() if progress is None else progress)
    try:
        if workers == 1 or len(paths) <= 1:
            out = []
            for path in paths:
                try:
                    out.append(_extract_one(path, options))
                except Exception as exc:
                    raise _noted(exc, path)
                bar.step(path)
            return out
        results: list[Optional[Document]] = [None] * len(paths)
        with ProcessPoolExecutor(max_workers=min(workers, len(paths))) as pool:
            pending: dict[Future, int] = {pool.submit(_extract_in_worker, p, options): n for n, p in enumerate(paths)}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    n = pending.pop(future)
                    exc = future.exception()
                    if exc is None and isinstance(future.result(), _RemoteError):
                        exc = future.result().rebuild()
                    if exc is not None:
                        for other in pending:
                            other.cancel()
                        raise _noted(exc, paths[n])
                    results[n] = future.result()
                    bar.step(paths[n])
        return results  # type: ignore[return-value]
    finally:
        bar.close()
