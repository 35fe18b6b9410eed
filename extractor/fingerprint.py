"""What decides a converted document besides its input, as one key: a
resumed batch reuses an earlier output only when it was made with the same
key (``conversion.convert_one``).

``__version__`` alone does not say it: it stays the same through many
changes, and a clone has no release at all.  The key hashes what the
output is made from: the package's code and vocabulary tables (their
content), the settings that shape the output, the PDF readers and OCR
engine installed (their versions) and the OCR mode.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path

from .settings import Settings

#: Settings that only decide whether a conversion may run (limits), not
#: what a converted document holds.
_LIMITS = ("timeout", "max_memory_mb", "max_pages")
#: The distributions whose behaviour shapes the output.
_READERS = ("pdfminer.six", "pdfplumber", "pypdfium2", "rapidocr-onnxruntime", "onnxruntime", "jieba", "regex")
#: The package files that make the output: code, vocabulary, schema.
_SUFFIXES = (".py", ".tsv", ".json")


@functools.cache
def code_digest() -> str:
    """``package_digest`` of this package (once per process)."""
    return package_digest(Path(__file__).resolve().parent)


def package_digest(root: Path) -> str:
    """sha256 of the code, vocabulary tables and schema under ``root``
    (path and content of each file, in a fixed order)."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in _SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


@functools.cache
def reader_versions() -> tuple[tuple[str, str], ...]:
    """The installed version of each reader (``-`` when it is missing:
    whether OCR is installed changes what ``--ocr auto`` makes)."""
    from importlib import metadata

    out = []
    for name in _READERS:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, "-"))
    return tuple(out)


def reuse_key(settings: Settings, ocr: str) -> str:
    """The key of outputs made here with ``settings`` and OCR mode ``ocr``."""
    shaping = {k: v for k, v in dataclasses.asdict(settings).items() if k not in _LIMITS}
    facts = {"code": code_digest(), "readers": reader_versions(), "settings": shaping, "ocr": ocr}
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()[:32]
