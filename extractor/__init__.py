"""Budget performance-target PDFs (部门整体绩效目标, 预算项目绩效目标表) to JSON.

>>> import extractor
>>> doc = extractor.extract("samples/julu-2023-zonggonghui.pdf")
>>> doc.projects[0].indicators[0].target.value
242

The pipeline and its heavy dependencies load on first use, so that
``import extractor`` and the command line start fast.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterable

__version__ = "0.1.0"

__all__ = ["extract", "extract_many", "load", "to_frames", "Document", "Settings", "ExtractorError", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from pandas import DataFrame

    from .document import Document
    from .errors import ExtractorError
    from .settings import Settings


def extract(path: "str | os.PathLike[str]", **options) -> "Document":
    """Convert one PDF into a :class:`Document` (see ``pipeline.extract``
    for the options: ``settings``, ``password``).  Raises an
    :class:`ExtractorError` subclass for a file that cannot be converted."""
    from .pipeline import extract as _extract

    return _extract(os.fspath(path), **options)


def load(path: "str | os.PathLike[str]") -> "Document":
    """Read a saved JSON output (``Document.to_json``, ``extractor convert``)
    back into a :class:`Document`, without parsing the PDF again.  The file
    is validated against the shipped schema of its version (outputs of
    schema 1.0 load into the 2.0 model); one that does not fit raises
    :class:`extractor.errors.InvalidDocument` naming the field."""
    from .contract import load_document

    return load_document(os.fspath(path))


def extract_many(paths: "Iterable[str | os.PathLike[str]]", *, jobs: "int | None" = 1,
                 progress: "bool | None" = None, on_error: str = "raise", timeout: "float | None" = None,
                 max_memory: "int | None" = None, **options) -> "list[Document | ExtractorError]":
    """Convert many PDFs; the results come back in the order of ``paths``.

    Each file is converted as ``extractor convert`` converts it: in a child
    process stopped after ``timeout`` seconds (default 600) or when it needs
    more than ``max_memory`` MB (default 4096); 0 lifts a limit, and with
    both 0 a file is converted in the worker itself.  ``jobs`` worker
    processes convert files in parallel (``None``: one per CPU; ``1``, the
    default: one at a time from this process).  ``progress`` shows the
    command's progress display on stderr; by default it is on in Jupyter or
    at a terminal and off otherwise.  ``options`` are those of
    :func:`extract` (``settings``, ``password``, ``ocr``).

    ``on_error`` decides what a file that fails does: ``"raise"`` (the
    default) raises its :class:`ExtractorError` (noting the file) and stops
    the rest; ``"skip"`` leaves it out of the list (and logs it on the
    ``extractor`` logger); ``"collect"`` puts its error in the list in its
    place, so that ``isinstance(r, extractor.ExtractorError)`` picks out the
    failures.  In a script run with ``jobs > 1``, call it under
    ``if __name__ == "__main__":`` (worker processes import the main module
    on macOS and Windows).
    """
    from .many import extract_many as _extract_many

    return _extract_many(paths, jobs=jobs, progress=progress, on_error=on_error, timeout=timeout,
                         max_memory=max_memory, **options)


def to_frames(docs: "Document | Iterable[Document]") -> "dict[str, DataFrame]":
    """Tidy pandas frames of one or many documents, keyed ``projects``,
    ``indicators``, ``spending_plan``, ``overall_targets`` and ``warnings``;
    amounts and values are numbers, comparators and units categoricals,
    pages integers (columns: :mod:`extractor.frames`).  Needs pandas."""
    from .frames import to_frames as _to_frames

    return _to_frames(docs)


def __getattr__(name: str):
    if name == "Document":
        from .document import Document

        return Document
    if name == "Settings":
        from .settings import Settings

        return Settings
    if name == "ExtractorError":
        from .errors import ExtractorError

        return ExtractorError
    raise AttributeError(name)
