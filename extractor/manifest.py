"""The record of what a batch wrote: ``OUTDIR/_manifest.jsonl``, one line
per output (appended as each file is written, compacted at the end of a
run), which decides what a resumed run reuses and which outputs are
orphaned (see ``extractor.batch``, "Resume" and "Orphaned outputs")."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

from .errors import UsageError

if TYPE_CHECKING:
    from .conversion import FileResult, Options

MANIFEST = "_manifest.jsonl"


def _version() -> str:
    from . import __version__

    return __version__


def reusable(previous: Optional[dict], sha: Optional[str], target: Path, ocr: str) -> bool:
    """The earlier output is this run's: same input, same extractor version,
    same OCR mode (the only option that changes a converted document), and
    the file is still there with the size written."""
    if not previous or sha is None:
        return False
    if (previous.get("sha256"), previous.get("extractor_version"), previous.get("ocr", "auto")) != (
            sha, _version(), ocr):
        return False
    try:
        return target.stat().st_size == previous.get("bytes")
    except OSError:
        return False


def read_manifest(outdir: Path) -> dict[str, dict]:
    """Latest manifest entry per output name; a torn last line (a killed
    run) is ignored."""
    try:
        text = (outdir / MANIFEST).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return {}
    entries: dict[str, dict] = {}
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("output"), str):
            entries[entry["output"]] = entry
    return entries


def _manifest_entry(r: "FileResult", options: "Options") -> dict[str, Any]:
    keep = ("output", "input", "sha256", "status", "pages", "projects", "indicators", "warnings",
            "warning_codes", "bytes")
    entry = {k: getattr(r, k) for k in keep}
    entry["extractor_version"] = _version()
    entry["ocr"] = options.ocr
    return entry


def _manifest_line(entry: dict) -> str:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"


@contextmanager
def _locked_manifest(outdir: Path):
    """The manifest opened for appending, locked against a second run on
    the same OUTDIR (POSIX)."""
    fh = open(outdir / MANIFEST, "a", encoding="utf-8")
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            fcntl = None
        if fcntl is not None:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise UsageError(f"another extractor run is writing to {outdir}; wait for it or use another -o") from None
        yield fh
    finally:
        fh.close()


def orphaned_outputs(recorded: dict[str, dict], names: Sequence[str], outdir: Path) -> list[dict[str, Any]]:
    """The outputs an earlier run recorded in the manifest (``recorded``)
    that this run does not plan (``names``: its output names) and that are
    still files inside ``outdir``, sorted by name: ``{"output", "input"}``
    (the input as that run was given it).  A name that would lead out of
    ``outdir`` (a tampered manifest) is never one."""
    planned = set(names)
    root = os.path.realpath(outdir)
    out = []
    for name, entry in sorted(recorded.items()):
        target = os.path.realpath(outdir / name)
        if name in planned or os.path.commonpath([root, target]) != root or target == root:
            continue
        if os.path.isfile(target):
            out.append({"output": name, "input": entry.get("input")})
    return out


def prune_outputs(outdir: Path, orphans: Sequence[dict[str, Any]]) -> list[str]:
    """Remove the ``orphans`` (``orphaned_outputs``) and the folders under
    ``outdir`` they leave empty; return the names removed (one that cannot
    be removed stays, and stays listed)."""
    removed = []
    root = Path(os.path.realpath(outdir))
    for orphan in orphans:
        target = outdir / orphan["output"]
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue
        removed.append(orphan["output"])
        folder = Path(os.path.realpath(target.parent))
        while folder != root and root in folder.parents:
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent
    return removed


def compact_manifest(outdir: Path, drop: Iterable[str] = ()) -> None:
    """One line per output that still exists (the latest entry wins; this
    run's were appended as files finished), but those in ``drop`` (pruned)."""
    from .export import write_atomic

    entries = read_manifest(outdir)
    dropped = set(drop)
    keep = [e for name, e in sorted(entries.items()) if name not in dropped and (outdir / name).is_file()]
    write_atomic(outdir / MANIFEST, "".join(_manifest_line(e) for e in keep))
