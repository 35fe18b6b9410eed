"""The record of what a batch wrote: ``OUTDIR/_manifest.jsonl``, one line
per output (appended as each file is written, compacted at the end of a
run), which decides what a resumed run reuses and which outputs are
orphaned (see ``extractor.batch``, "Resume" and "Orphaned outputs")."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Iterable, Optional, Sequence

from .errors import UsageError
from .fsnames import json_text, shown

if TYPE_CHECKING:
    from .conversion import FileResult, Options

MANIFEST = "_manifest.jsonl"


def _version() -> str:
    from . import __version__

    return __version__


def reusable(previous: Optional[dict], sha: Optional[str], target: Path, ocr: str, key: str = "") -> bool:
    """The earlier output is this run's: same input, made by the same
    extractor (version and ``fingerprint.reuse_key``: code, vocabulary,
    settings, readers) in the same OCR mode, and the file is still there
    with the size written."""
    if not previous or sha is None:
        return False
    if (previous.get("sha256"), previous.get("extractor_version"), previous.get("ocr", "auto"),
            previous.get("key", "")) != (sha, _version(), ocr, key):
        return False
    try:
        return target.stat().st_size == previous.get("bytes")
    except OSError:
        return False


def recorded_for(entry: dict, path: str) -> bool:
    """Whether the manifest ``entry`` was written for the input at
    ``path`` (absolute).  Entries of older runs name only the input as
    given; it is taken relative to the current folder."""
    recorded = entry.get("path")
    if not isinstance(recorded, str):
        given = entry.get("input")
        recorded = os.path.abspath(given) if isinstance(given, str) and given else None
    return recorded == path


@dataclass(frozen=True)
class Manifest:
    """What ``read_manifest_lines`` found: the latest entry per output
    name, and how many lines could not be read (torn by a killed run, or
    damaged), which were skipped."""

    entries: dict
    skipped: int = 0


def read_manifest_lines(outdir: Path) -> Manifest:
    """The manifest's entries, each line on its own: a line cut anywhere,
    even inside a UTF-8 character, or any other line that is not an entry,
    is skipped and counted."""
    try:
        data = (outdir / MANIFEST).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return Manifest({})
    entries: dict[str, dict] = {}
    skipped = 0
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError is one
            skipped += 1
            continue
        if isinstance(entry, dict) and isinstance(entry.get("output"), str):
            entries[entry["output"]] = entry
        else:
            skipped += 1
    return Manifest(entries, skipped)


def read_manifest(outdir: Path) -> dict[str, dict]:
    """Latest manifest entry per output name; lines that cannot be read (a
    torn last line of a killed run) are skipped."""
    return read_manifest_lines(outdir).entries


def _manifest_entry(r: "FileResult", options: "Options", path: Optional[str] = None) -> dict[str, Any]:
    """The manifest line of a written output.  ``path``: the input's
    absolute path (``r.input`` when it is not given), which decides whose
    output a name holds (``recorded_for``)."""
    keep = ("output", "input", "sha256", "status", "pages", "projects", "indicators", "warnings",
            "warning_codes", "bytes")
    entry = {k: getattr(r, k) for k in keep}
    entry["path"] = path if path is not None else os.path.abspath(r.input)
    entry["extractor_version"] = _version()
    entry["ocr"] = options.ocr
    entry["reader"] = options.settings.reader  # (the reuse key covers it: settings)
    entry["key"] = options.reuse_key
    return entry


def _manifest_line(entry: dict) -> str:
    """One line of JSON; names that are not UTF-8 escaped (``fsnames``)."""
    return json_text(json.dumps(entry, ensure_ascii=False, sort_keys=True)) + "\n"


#: The file a run locks.  Not the manifest: the end of a run replaces that
#: (compaction), and a second run holding the old file would not be
#: excluded.  This one is never replaced nor removed.
LOCK = "_run.lock"


@contextmanager
def run_lock(outdir: Path):
    """Hold ``OUTDIR/_run.lock`` for the block: a second run on the same
    OUTDIR is refused (``UsageError``) while this one runs (POSIX)."""
    fh = open(outdir / LOCK, "a")
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise UsageError(f"another extractor run is writing to {shown(outdir)}; wait for it or use "
                                 "another -o") from None
        yield fh
    finally:
        fh.close()


#: The lock, under the name it had when it locked the manifest.
_locked_manifest = run_lock


def open_manifest(outdir: Path) -> IO[bytes]:
    """The manifest opened for appending (bytes: lines are UTF-8 by
    ``_manifest_line``)."""
    return open(outdir / MANIFEST, "ab")


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
