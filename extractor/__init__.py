"""Budget performance-target PDFs (部门整体绩效目标, 预算项目绩效目标表) to JSON.

>>> import extractor
>>> doc = extractor.extract("samples/julu-2023-zonggonghui.pdf")
>>> doc.projects[0].indicators[0].target.value
242

The pipeline and its heavy dependencies load on first use, so that
``import extractor`` and the command line start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["extract", "load", "Document", "Settings", "ExtractorError", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document
    from .errors import ExtractorError
    from .settings import Settings


def extract(path, **options) -> "Document":
    """Convert one PDF into a :class:`Document` (see ``pipeline.extract``
    for the options: ``settings``, ``password``)."""
    from .pipeline import extract as _extract

    return _extract(path, **options)


def load(path) -> "Document":
    """Read a saved JSON output back into a :class:`Document`."""
    import json
    from pathlib import Path

    from .document import Document

    return Document.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


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
