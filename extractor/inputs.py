"""What a batch converts and where each output goes: the files named by
the command's arguments, each with its name in the batch, and the output
names relative to OUTDIR (see ``extractor.batch``, "Output names")."""

from __future__ import annotations

import glob
import hashlib
import os
from collections import Counter
from pathlib import Path
from typing import Sequence, Union

from .errors import UsageError

PathLike = Union[str, "os.PathLike[str]"]

#: The run's own files in OUTDIR, which no output may be named.
REPORT = "_report.json"


def _pdfs_under(folder: Path) -> list[Path]:
    """*.pdf (any case) under ``folder``, recursively, sorted by relative
    path; hidden files and folders (``.git``, ``._x.pdf`` …) are skipped and
    symbolic links to folders are not followed."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.lower().endswith(".pdf") and not name.startswith("."):
                found.append(Path(top) / name)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def _glob_base(pattern: str) -> Path:
    """The folders of ``pattern`` before its first wildcard."""
    parts = Path(pattern).parts
    fixed = []
    for part in parts[:-1]:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _relative(path: Path, base: Path) -> str:
    rel = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(base)))
    return path.name if ".." in rel.parts else rel.as_posix()  # never outside OUTDIR


def discover(args: Sequence[PathLike]) -> list[tuple[Path, str]]:
    """The files named by ``args``, each with its name in the batch:

    - a file: as given, named by its file name;
    - a folder: every *.pdf (case-insensitive) under it, named by its path
      relative to the folder (``county/dept.pdf``);
    - a glob pattern (``archive/*/2023``, ``archive/**/*.pdf``): each match
      as a file or folder above, named relative to the pattern's folders
      before the first wildcard (``archive``).

    Order: as given, folder contents and matches sorted; each file once.
    Raises ``UsageError`` naming the arguments that matched nothing."""
    out: list[tuple[Path, str]] = []
    unmatched: list[str] = []
    for arg in args:
        text = os.fspath(arg)
        path = Path(text)
        if path.is_dir():
            found = [(p, _relative(p, path)) for p in _pdfs_under(path)]
        elif os.path.lexists(text):  # a broken link or a loop too: it fails with its reason
            found = [(path, path.name)]
        elif glob.has_magic(text):
            base = _glob_base(text)
            found = []
            for match in sorted(glob.glob(text, recursive=True)):
                m = Path(match)
                if m.is_dir():
                    found.extend((p, _relative(p, base)) for p in _pdfs_under(m))
                elif m.is_file():
                    found.append((m, _relative(m, base)))
        else:
            found = []
        if not found:
            unmatched.append(text)
        out.extend(found)
    if unmatched:
        raise UsageError(f"no such file, or no PDF file in: {', '.join(unmatched)}")
    seen: set[str] = set()
    unique = []
    for p, name in out:
        key = os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            unique.append((p, name))
    return unique


def output_names(names: Sequence[str], paths: Sequence[PathLike]) -> list[str]:
    """Output file names relative to OUTDIR: each input's batch name
    (``discover``) with ``.json`` for its extension; names that two inputs
    would share (compared case-insensitively), or ``_report.json``, get
    ``-`` and 8 hex digits of the input's absolute path's hash."""
    stems = [str(Path(n).with_suffix("")) if Path(n).suffix else n for n in names]
    plain = [f"{Path(s).as_posix()}.json" for s in stems]
    taken = Counter(n.casefold() for n in plain)
    taken[REPORT.casefold()] += 1
    out = []
    for name, path in zip(plain, paths):
        if taken[name.casefold()] > 1:
            name = _hashed_name(name, path)
        out.append(name)
    return out


def _hashed_name(name: str, path: PathLike) -> str:
    digest = hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{name[:-5]}-{digest}.json"


def claimed_names(names: Sequence[str], paths: Sequence[PathLike], recorded: dict,
                  outdir: Path) -> tuple[list[str], dict[int, str]]:
    """``names`` (``output_names``), but an output that an earlier run
    wrote for another input (its manifest entry, in ``recorded``, names
    another path and records other content, and the file is still there)
    is never overwritten, nor removed when this input fails: this input
    gets its own name (``-`` and 8 hex digits of its path's hash, as for
    names two inputs share).  Returns the names and, by index, a note
    saying why a name changed."""
    from .manifest import recorded_for

    out = list(names)
    notes: dict[int, str] = {}
    taken = {n.casefold() for n in names}
    for n, (name, path) in enumerate(zip(names, paths)):
        entry = recorded.get(name)
        absolute = os.path.abspath(path)
        if entry is None or recorded_for(entry, absolute) or not (outdir / name).is_file():
            continue
        if entry.get("sha256") is not None and entry.get("sha256") == _sha256_or_none(absolute):
            continue  # the same content (a moved archive): its output is this input's too
        other = _hashed_name(name, path)
        if other.casefold() in taken:  # pragma: no cover - a file named like a hashed name
            continue
        taken.add(other.casefold())
        out[n] = other
        notes[n] = (f"{name} holds the output of another input ({entry.get('input')}), written by an earlier "
                    f"run; this input's is {other}")
    return out, notes


def _sha256_or_none(path: str):
    """The file's sha256, or None when it is not a readable regular file
    (the conversion reports why)."""
    from . import errors
    from .pipeline import sha256_of
    from .readable import check_input

    try:
        check_input(path)
        return sha256_of(Path(path))
    except (errors.ExtractorError, OSError):
        return None
