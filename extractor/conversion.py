"""One file of a batch: ``convert_one`` converts it under the guard and
writes its JSON atomically, or records why it could not, as a
``FileResult``.  A plain function of its arguments, so that every engine
(``engines.run_local``, ``engines.run_dask``) runs the same call."""

from __future__ import annotations

import dataclasses
import errno
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .manifest import recorded_for, reusable
from .settings import DEFAULT, Settings


#: Errors writing an output that no other file would escape.
_OUTPUT_SIDE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG,
                          errno.EIO})


@dataclass(frozen=True)
class Options:
    """What every file's conversion gets, identical on every engine."""

    settings: Settings = DEFAULT
    password: Optional[str] = None
    force: bool = False
    #: ``pipeline.extract``'s ``ocr`` mode: ``auto``, ``force`` or ``off``.
    ocr: str = "auto"
    #: Print a line per OCR'd page on the worker's stderr (log mode only:
    #: it would break a progress bar).
    ocr_progress: bool = False
    #: What decides a converted document besides its input
    #: (``fingerprint.reuse_key``): an earlier output is reused only when
    #: its manifest entry records the same key.
    reuse_key: str = ""
    #: MB of memory for the whole run, shared by the files converted at once
    #: (``--max-memory``; 0: no limit).  None: each conversion gets
    #: ``settings.max_memory_mb``, all together at most 3/4 of the machine's
    #: memory (``engines.memory_per_file``).
    memory_budget_mb: Optional[int] = None


@dataclass
class FileResult:
    """One file's outcome: one entry of the report's ``files``.

    ``status`` is ``ok``, ``warnings`` (converted, with warnings in the
    document) or ``failed`` (then ``error`` is the class name, e.g.
    ``NotAPDF``, and ``message`` says what to do; nothing was written).
    ``output`` is the planned name relative to OUTDIR.  ``cached``: the
    output of an earlier run was kept (same input, same extractor version).
    ``seconds`` is the only field that depends on timing."""

    input: str
    output: str
    status: str
    error: Optional[str] = None
    message: Optional[str] = None
    sha256: Optional[str] = None
    pages: Optional[int] = None
    projects: Optional[int] = None
    indicators: Optional[int] = None
    warnings: int = 0
    warning_codes: dict[str, int] = field(default_factory=dict)
    bytes: Optional[int] = None
    cached: bool = False
    seconds: float = 0.0

    @property
    def converted(self) -> bool:
        return self.status in ("ok", "warnings")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _failed(path: str, output: str, error: str, message: str, start: float, sha: Optional[str] = None,
            pages: Optional[int] = None) -> FileResult:
    return FileResult(input=path, output=output, status="failed", error=error, message=message, sha256=sha,
                      pages=pages, seconds=round(time.perf_counter() - start, 3))


def _drop_stale_output(r: FileResult, outdir: Path, previous: Optional[dict], path: str) -> FileResult:
    """A failed file's output from an earlier run (``previous``: its
    manifest entry) is not this run's result: it would have been reused
    otherwise (the input, the extractor or its settings, or the OCR mode
    changed, or --force).  It is removed, so that OUTDIR holds what the
    report says and no stale JSON is loaded beside a failure; the message
    says so.  Only an output made from this same input (``path``, absolute)
    is removed: another input's output is never touched on its behalf."""
    if previous is None or not recorded_for(previous, path):
        return r
    try:
        (outdir / r.output).unlink()
    except OSError:  # not there any more (or not ours to remove): nothing stale to report
        return r
    return dataclasses.replace(r, message=f"{r.message} (the output an earlier run made from this input, {r.output}, "
                                          "was removed: it was not made by this extractor with these settings)")


def _message(exc: BaseException) -> str:
    """The error's message without the leading ``<path>: `` the
    ``ExtractorError`` classes put there (the report has the path)."""
    text = str(exc)
    prefix = f"{getattr(exc, 'path', '')}: "
    return text[len(prefix):] if prefix != ": " and text.startswith(prefix) else text


def convert_one(path: str, output: str, outdir: str, options: Options = Options(),
                previous: Optional[dict] = None, note: Optional[str] = None) -> FileResult:
    """Convert ``path`` into ``outdir/output`` (canonical JSON, written
    atomically) and return its ``FileResult``; never raises for a bad file.

    ``previous`` is the manifest entry of an earlier run for ``output``:
    when it records this input's sha256 and this extractor's reuse key
    (``fingerprint.reuse_key``) and the output is still there, nothing is
    converted and the result is ``cached`` (unless ``options.force``).
    ``note`` (why the output has the name it has) becomes the message of a
    converted file.  A failure to write the output is ``OutputError``: the
    run cannot go on."""
    from . import errors
    from .export import write_atomic
    from .fsnames import json_text
    from .guard import extract_guarded
    from .pipeline import sha256_of
    from .readable import check_input

    start = time.perf_counter()
    target = Path(outdir) / output
    try:
        check_input(path)  # before hashing: a FIFO or a device would never end
        sha: Optional[str] = sha256_of(Path(path))
    except errors.ExtractorError as exc:
        return _failed(path, output, type(exc).__name__, _message(exc), start)
    except OSError as exc:  # read errors while hashing
        return _failed(path, output, "UnreadableInput", _message(errors.UnreadableInput(path, exc.strerror or str(exc))),
                       start)
    try:
        if not options.force and reusable(previous, sha, target, options.ocr, options.reuse_key):
            assert previous is not None
            return FileResult(
                input=path, output=output, status=previous["status"], message=note, sha256=sha,
                pages=previous.get("pages"), projects=previous.get("projects"),
                indicators=previous.get("indicators"), warnings=previous.get("warnings", 0),
                warning_codes=dict(previous.get("warning_codes") or {}), bytes=previous.get("bytes"), cached=True,
                seconds=round(time.perf_counter() - start, 3),
            )
        try:
            progress = None
            if options.ocr_progress:
                from .ocr import print_progress

                progress = print_progress
            doc = extract_guarded(path, settings=options.settings, password=options.password, ocr=options.ocr,
                                  progress=progress)
        except errors.ExtractorError as exc:
            pages = getattr(exc, "pages", None)  # TooManyPages counts them; NoTextLayer's are a range
            return _failed(path, output, type(exc).__name__, _message(exc), start, sha,
                           pages if isinstance(pages, int) else None)
        data = json_text(doc.to_json()).encode("utf-8")  # a name that is not UTF-8 is escaped, not fatal
        try:
            write_atomic(target, data)  # never a partial file
        except OSError as exc:
            # A full disk or a read-only folder fails every file alike: the
            # run stops (OutputError).  Anything else is this name's problem
            # (a folder in its place): this file fails, the batch goes on.
            error = "OutputError" if exc.errno in _OUTPUT_SIDE else type(exc).__name__
            return _failed(path, output, error, f"cannot write {target}: {exc.strerror or exc}",
                           start, doc.source.sha256, doc.source.pages)
        codes = Counter(w.code for w in doc.warnings)
        return FileResult(
            input=path, output=output, status="warnings" if doc.warnings else "ok", message=note,
            sha256=doc.source.sha256, pages=doc.source.pages, projects=len(doc.projects),
            indicators=sum(len(p.indicators) for p in doc.projects), warnings=len(doc.warnings),
            warning_codes=dict(sorted(codes.items())), bytes=len(data),
            seconds=round(time.perf_counter() - start, 3),
        )
    except Exception as exc:  # a bug here must not take the batch down either
        return _failed(path, output, "InternalError",
                       f"unexpected error ({type(exc).__name__}: {exc}); this is a bug in extractor: "
                       "please report it together with the file", start, sha)
