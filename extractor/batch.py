"""Many PDFs at once: ``extractor convert`` over whole archives, and
``extractor.extract_many`` for notebooks.

One unit of work, two engines
    ``convert_one(path, output, outdir, options)`` converts one file and
    writes its JSON (atomically), or records why it could not, and returns a
    ``FileResult``.  It is a plain function of its arguments, so the same
    call runs in a local process pool (``run_local``) or on a Dask cluster
    (``run_dask``); both yield ``(index, outcome)`` as calls finish, and the
    run (``convert_batch``) does the same bookkeeping for either, so reports
    and outputs do not depend on the engine.

Isolation: one mechanism, the guard
    Every file is converted by ``guard.extract_guarded`` in a child forked
    from the worker, which enforces ``--timeout`` and ``--max-memory`` and
    turns crashes into typed errors.  The pool workers therefore never run
    the parser themselves: a hanging or exploding file takes its child down,
    never a worker, and the pool needs no per-task timeout of its own (which
    ``concurrent.futures`` cannot enforce without killing the whole pool).
    The price is one fork per file: measured 6 ms on a file that fails at
    once and about 10 ms on the 11-page sample (fork, pipe, pickling the
    ``Document`` back) against about 330 ms to convert it, i.e. ~3 %; the
    rest of ``convert_one`` (hashing, canonical JSON, the fsync'd atomic
    write) adds about 10 ms more.  On Dask the same child runs inside the
    Dask worker, so timeouts and memory caps behave identically there.

    The pool (``concurrent.futures``) gets at most ``2 * jobs`` calls at a
    time; Ctrl-C (or SIGTERM) in the parent cancels the queued ones and
    SIGTERMs the workers, which end the call in progress (killing its child)
    and start no other, so an interrupted run stops in well under a second.

Resume
    ``OUTDIR/_manifest.jsonl`` gets one line per output written (output
    name, input path and sha256, extractor version and reuse key, size,
    counts), appended and flushed right after the file is written, so an
    interruption loses at most the files in flight.  A file is skipped
    (``cached`` in the report) when its output exists with the recorded
    size and the manifest records the same input sha256, extractor version
    and reuse key (``fingerprint.reuse_key``: code, vocabulary, settings,
    readers, OCR mode); ``--force`` redoes it.  A run holds the lock
    ``OUTDIR/_run.lock`` (never replaced, unlike the manifest).  The
    check runs inside ``convert_one`` (on the worker, so hashing is parallel
    too).  At the end of a run the manifest is compacted to one line per
    output.  The JSON documents themselves stay exactly per contract.

Orphaned outputs
    An output that an earlier run wrote (it is in the manifest) for an
    input that is not in this run (deleted, renamed, moved, or simply not
    named this time) is *orphaned*.  It is never deleted silently: the
    report lists it (``orphaned``) and keeps its manifest entry, so a later
    run that names its input again keeps it as ``cached``.  ``--prune``
    (``convert_batch(prune=True)``) removes such outputs and their manifest
    entries at the end of a complete run.  Files the manifest does not
    record (the user's own) are never listed nor touched.  A file that
    fails loses the output an earlier run wrote for it: that output was not
    made from this input by this version (``_drop_stale_output``).  An
    output is never overwritten nor removed on behalf of another input
    (``inputs.claimed_names``).

Output names
    Each input has a name in the batch (``discover``): a file given by name
    is its file name, a file found in a folder given (or matched by a glob
    pattern) its path relative to that folder (to the pattern's folders
    before the first wildcard), so ``convert archive/`` writes
    ``OUTDIR/<county>/<dept>.json`` and one county's ``财政局.pdf`` never
    overwrites another's.  Inputs that would still share an output name
    (``a/x.pdf`` and ``b/x.pdf`` given by name, ``x.pdf`` and ``x.PDF``, a
    file named ``_report.pdf``) get ``-`` and 8 hex digits of the hash of
    their absolute path appended: ``x-1a2b3c4d.json``.  The batch name is the
    ``document`` of the report and of the tables.

Run state (results, counters) lives in local variables of ``convert_batch``;
the objects here only carry values or draw the progress line.

Each part lives in a module named for what it decides: ``inputs`` (what is
converted and the output names), ``conversion`` (one file), ``manifest``
(what was written, what is reused, orphans), ``engines`` (where calls run),
``progress``, ``report`` and ``tables``; this module runs the batch and
keeps their public names importable from ``extractor.batch``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import signal
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Optional, Sequence, TextIO

from .conversion import FileResult, Options, _drop_stale_output, _failed, _message, convert_one  # noqa: F401
from .engines import (WorkerDied, _signal_handled, default_jobs, memory_per_file, physical_memory_mb, run_dask,
                      run_local)
from .errors import OutputError, UsageError
from .fingerprint import reuse_key
from .fsnames import shown
from .inputs import REPORT, PathLike, claimed_names, discover, output_names
from .many import extract_many
from .extras import install_hint
# The parts of the run live in their modules; their names stay reachable as
# batch.<name> for callers of the 0.1 layout (and the tests).
from .manifest import (LOCK, MANIFEST, _locked_manifest, _manifest_entry, _manifest_line, _version,  # noqa: F401
                       compact_manifest, open_manifest, orphaned_outputs, prune_outputs, read_manifest,
                       read_manifest_lines, run_lock)
from .progress import _BatchProgress, _file_line
from .report import _report, _summary, _write_report, report_without_timings
from .tables import (DOCUMENTS, TABLE_FORMATS, TABLES, TABLES_DIR, check_tables_format, combined_frames,
                     documents_frame, write_tables)

__all__ = [
    "EXIT_INTERRUPTED", "MANIFEST", "REPORT", "TABLES", "TABLES_DIR", "TABLE_FORMATS", "FileResult", "Options",
    "UsageError", "WorkerDied", "check_tables_format", "combined_frames", "convert_batch", "convert_one",
    "default_jobs", "discover", "extract_many", "orphaned_outputs", "output_names",
    "prune_outputs", "read_manifest", "report_without_timings", "run_dask", "run_local", "write_tables",
]

#: Exit code of an interrupted run (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


# -- the run ------------------------------------------------------------------------------------------


def _main_terminated(signum, frame):
    raise KeyboardInterrupt("terminated")


def _sigterm_interrupts():
    """SIGTERM (a cluster's job scheduler ending the run) stops the run like
    Ctrl-C: report written, finished files kept."""
    return _signal_handled(signal.SIGTERM, _main_terminated)


def check_limits(settings) -> None:
    """Raise ``UsageError`` for limits that would make every file fail:
    ``--timeout`` must be a finite number of seconds, 0 or more;
    ``--max-memory`` 0 or more megabytes; ``--max-pages`` at least 1."""
    import math

    timeout = settings.timeout
    if not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout < 0:
        raise UsageError(f"--timeout takes a number of seconds, 0 (no limit) or more, not {timeout}")
    if not isinstance(settings.max_memory_mb, int) or settings.max_memory_mb < 0:
        raise UsageError(f"--max-memory takes a number of megabytes, 0 (no limit) or more, "
                         f"not {settings.max_memory_mb}")
    if not isinstance(settings.max_pages, int) or settings.max_pages < 1:
        raise UsageError(f"--max-pages takes a number of pages, 1 or more, not {settings.max_pages}")


def _output_error(outdir: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write to the output folder {shown(outdir)}: {exc.strerror or exc}"
                       + (f" ({shown(exc.filename)})" if exc.filename else ""))


def convert_batch(
    inputs: Sequence[PathLike],
    outdir: PathLike,
    *,
    options: Optional[Options] = None,
    jobs: Optional[int] = None,
    engine: str = "local",
    scheduler: Optional[str] = None,
    tables: Optional[str] = None,
    quiet: bool = False,
    prune: bool = False,
    stream: Optional[TextIO] = None,
) -> int:
    """``extractor convert``: convert every input into ``outdir``, write
    ``outdir/_report.json`` (and the tables), print progress and a summary
    on ``stream`` (stderr).  Outputs of earlier runs whose inputs are not
    in this run are listed as orphaned, and with ``prune`` removed (with
    their manifest entries) once the run is complete.  Returns the exit
    code: 0 all converted (warnings are fine), 1 some file failed, 130
    interrupted.  Raises ``UsageError`` (exit code 2) before converting
    anything when the command cannot run, and ``OutputError`` (a
    ``UsageError``) when the output folder cannot be written (read-only,
    full): then the run stops."""
    options = options if options is not None else Options()
    stream = sys.stderr if stream is None else stream
    if engine not in ("local", "dask"):
        raise UsageError(f"--engine takes local or dask, not {engine!r}")
    workers = default_jobs() if jobs is None else jobs
    if not isinstance(workers, int) or workers < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    check_limits(options.settings)
    check_tables_format(tables)
    if engine == "dask":
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise UsageError("--engine dask needs Dask: " + install_hint("dask"))
    found = discover(inputs)
    paths = [p for p, _ in found]
    documents = [d for _, d in found]
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"-o {shown(outdir)}: not a folder")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output folder {shown(outdir)}: {exc.strerror or exc}") from None
    budget = options.memory_budget_mb
    if budget is not None and (not isinstance(budget, int) or budget < 0):
        raise UsageError(f"--max-memory takes a number of megabytes, 0 (no limit) or more, not {budget}")
    at_once = min(workers, len(paths))
    # An external Dask cluster's workers are other machines: each file there
    # gets the per-file cap as it is.
    per_file = options.settings.max_memory_mb if scheduler else memory_per_file(
        budget, at_once, options.settings.max_memory_mb, physical_memory_mb())
    options = dataclasses.replace(options, reuse_key=reuse_key(options.settings, options.ocr),
                                  settings=options.settings.replace(max_memory_mb=per_file))
    try:
        with run_lock(outdir):
            return _run(paths, documents, outdir, options, workers, engine, scheduler, tables, quiet, prune, stream)
    except OSError as exc:  # the lock, the manifest, the report: the output side
        raise _output_error(outdir, exc) from None


def _run(paths: list, documents: list[str], outdir: Path, options: Options, workers: int, engine: str,
         scheduler: Optional[str], tables: Optional[str], quiet: bool, prune: bool, stream: TextIO) -> int:
    """The run itself, under the lock of ``outdir``."""
    bar = _BatchProgress(stream, quiet=quiet)
    manifest_read = read_manifest_lines(outdir)
    if manifest_read.skipped:
        bar.message(f"extractor: warning: {manifest_read.skipped} line(s) of {outdir / MANIFEST} could not be "
                    "read (cut by a killed run, or damaged) and were skipped; their files are converted again",
                    always=True)
    recorded = manifest_read.entries
    names, notes = claimed_names(output_names(documents, paths), paths, recorded, outdir)
    previous = {} if options.force else recorded
    absolute_out = os.path.abspath(outdir)
    calls = [(os.path.abspath(p), name, absolute_out, options, previous.get(name), notes.get(n))
             for n, (p, name) in enumerate(zip(paths, names))]
    workers = min(workers, len(calls))
    many = "" if workers == 1 else "s"
    where = f"the Dask scheduler at {scheduler}" if scheduler else (
        f"a local Dask cluster of {workers} worker{many}" if engine == "dask"
        else f"{workers} worker process{'' if workers == 1 else 'es'}")
    memory = options.settings.max_memory_mb
    where += f", {memory} MB each" if memory else ", no memory limit"
    files = f"{len(calls)} file{'' if len(calls) == 1 else 's'}"
    bar.message(f"extractor: converting {files} into {outdir} with {where}")
    results: list[Optional[FileResult]] = [None] * len(calls)
    lines: dict[int, Optional[tuple[str, bool]]] = {}
    next_line = done = failed = cached = pages = 0
    started = _dt.datetime.now(_dt.timezone.utc)
    t0 = time.perf_counter()
    interrupted = False
    events = (run_dask(convert_one, calls, scheduler, workers) if engine == "dask"
              else run_local(convert_one, calls, workers))
    try:
        with _sigterm_interrupts(), closing(events), closing(open_manifest(outdir)) as manifest:
            for event in events:
                if event is not None:
                    n, out = event
                    if not isinstance(out, FileResult):  # the engine lost the call
                        out = _failed(calls[n][0], names[n], "InternalError",
                                      f"unexpected error ({type(out).__name__}: {out}); this is a bug in "
                                      "extractor: please report it together with the file", time.perf_counter())
                    if out.error == "OutputError":
                        raise OutputError(f"cannot write to the output folder {shown(outdir)}: "
                                          f"{shown(out.message or '')}")
                    r = dataclasses.replace(out, input=os.fspath(paths[n]))
                    if r.status == "failed":
                        r = _drop_stale_output(r, outdir, recorded.get(names[n]), calls[n][0])
                    results[n] = r
                    done += 1
                    failed += r.status == "failed"
                    cached += r.cached
                    if r.converted and not r.cached:
                        pages += r.pages or 0
                    if r.converted:
                        manifest.write(_manifest_line(_manifest_entry(r, options, calls[n][0])).encode("utf-8"))
                        manifest.flush()
                    lines[n] = _file_line(r, outdir)
                    while next_line in lines:  # per-file lines in input order
                        line = lines.pop(next_line)
                        if line is not None:
                            bar.line(*line)
                        next_line += 1
                bar.update(done, len(calls), failed, cached, pages, time.perf_counter() - t0,
                           force=event is None or done == len(calls))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    for n in sorted(lines):
        if lines[n] is not None:
            bar.line(*lines[n])
    seconds = time.perf_counter() - t0

    table_info = None
    table_error = None
    if tables and not interrupted:
        ok = [n for n, r in enumerate(results) if r is not None and r.converted]
        try:
            frames = {DOCUMENTS: documents_frame([{"document": documents[n], **r.to_dict()}
                                                  for n, r in enumerate(results) if r is not None]),
                      **combined_frames([outdir / names[n] for n in ok], [documents[n] for n in ok])}
            table_info = {"format": tables, "files": write_tables(frames, outdir, tables),
                          "rows": {name: len(df) for name, df in frames.items()}}
        except (UsageError, OSError, ValueError) as exc:
            table_error = f"tables not written: {exc}"
    run = {
        "engine": engine, "workers": None if scheduler else workers, "scheduler": scheduler,
        "started": started.isoformat(timespec="seconds"), "seconds": round(seconds, 3),
        "converted_pages": pages, "pages_per_second": round(pages / seconds, 2) if seconds > 0 else 0.0,
        "memory_per_file_mb": options.settings.max_memory_mb,
    }
    orphans = orphaned_outputs(recorded, names, outdir)
    pruned = set(prune_outputs(outdir, orphans)) if prune and not interrupted else set()
    orphans = [dict(o, pruned=o["output"] in pruned) for o in orphans]
    report = _report(results, documents, complete=not interrupted, tables=table_info, run=run, orphaned=orphans)
    _write_report(outdir, report)
    compact_manifest(outdir, drop=pruned)

    for text in _summary(report, outdir, interrupted, tables):
        bar.message(text, always=True)
    if table_error:
        bar.message(f"extractor: {table_error}", always=True)
    if interrupted:
        return EXIT_INTERRUPTED
    return 1 if (failed or table_error) else 0
