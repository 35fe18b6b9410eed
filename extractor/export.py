"""Writing documents: canonical JSON, written atomically, and the schema.

A file is written to a temporary name in the target folder and renamed into
place, so a crash or an interrupted batch never leaves half a JSON file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .contract import schema_text
from .document import Document


#: The temporary name's prefix.  Not derived from the final name: a name
#: that fits the file system must not fail because its temporary one,
#: longer by the prefix and suffix, does not (255 bytes is about 80
#: Chinese characters).
TEMPORARY_PREFIX = ".extractor-"


def write_atomic(path: Path, text: "str | bytes") -> None:
    """Write ``text`` (str: as UTF-8) to ``path`` through a temporary file
    in the same folder, fsync'd and renamed into place."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates the file private (0600); outputs are ordinary files.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_document(doc: Document, path: Path) -> None:
    write_atomic(path, doc.to_json())


__all__ = ["write_atomic", "write_document", "schema_text"]
