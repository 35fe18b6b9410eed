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
    name, input sha256, extractor version, size, counts), appended and
    flushed right after the file is written, so an interruption loses at
    most the files in flight.  A file is skipped (``cached`` in the report)
    when its output exists with the recorded size and the manifest records
    the same input sha256, extractor version and OCR mode; ``--force``
    redoes it.  The
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
    made from this input by this version (``_drop_stale_output``).

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
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import glob
import hashlib
import json
import logging
import os
import pickle
import shutil
import signal
import sys
import time
import traceback
import warnings
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, TextIO, Union

from .document import Document
from .settings import DEFAULT, Settings

PathLike = Union[str, "os.PathLike[str]"]

REPORT = "_report.json"
MANIFEST = "_manifest.jsonl"
TABLES_DIR = "_tables"
#: The tables ``--tables`` writes, from ``frames.to_frames``.
TABLES = ("projects", "indicators", "spending_plan")
TABLE_FORMATS = ("csv", "parquet", "xlsx")
#: Exit code of an interrupted run (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A problem with the command itself (exit code 2): nothing matched, a
    missing optional dependency, an unreachable scheduler …"""


def _version() -> str:
    from . import __version__

    return __version__


# -- the unit of work ------------------------------------------------------------------------------


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


def _drop_stale_output(r: FileResult, outdir: Path, previous: Optional[dict]) -> FileResult:
    """A failed file's output from an earlier run (``previous``: its
    manifest entry) is not this run's result: it would have been reused
    otherwise (the input, the extractor version or the OCR mode changed, or
    --force).  It is removed, so that OUTDIR holds what the report says and
    no stale JSON is loaded beside a failure; the message says so."""
    if previous is None:
        return r
    try:
        (outdir / r.output).unlink()
    except OSError:  # not there any more (or not ours to remove): nothing stale to report
        return r
    return dataclasses.replace(r, message=f"{r.message} (the output of an earlier run, {r.output}, was removed: "
                                          "it was not made from this input by this version)")


def _message(exc: BaseException) -> str:
    """The error's message without the leading ``<path>: `` the
    ``ExtractorError`` classes put there (the report has the path)."""
    text = str(exc)
    prefix = f"{getattr(exc, 'path', '')}: "
    return text[len(prefix):] if prefix != ": " and text.startswith(prefix) else text


def _reusable(previous: Optional[dict], sha: Optional[str], target: Path, options: Options) -> bool:
    """The earlier output is this run's: same input, same extractor version,
    same OCR mode and page reader (the options that may change a converted
    document), and the file is still there with the size written."""
    if not previous or sha is None or options.force:
        return False
    if (previous.get("sha256"), previous.get("extractor_version"), previous.get("ocr", "auto"),
            previous.get("reader", "pdfplumber")) != (sha, _version(), options.ocr, options.settings.reader):
        return False
    try:
        return target.stat().st_size == previous.get("bytes")
    except OSError:
        return False


def convert_one(path: str, output: str, outdir: str, options: Options = Options(),
                previous: Optional[dict] = None) -> FileResult:
    """Convert ``path`` into ``outdir/output`` (canonical JSON, written
    atomically) and return its ``FileResult``; never raises for a bad file.

    ``previous`` is the manifest entry of an earlier run for ``output``:
    when it records this input's sha256 and this extractor version and the
    output is still there, nothing is converted and the result is
    ``cached`` (unless ``options.force``)."""
    from . import errors
    from .export import write_atomic
    from .guard import extract_guarded
    from .pipeline import sha256_of

    start = time.perf_counter()
    target = Path(outdir) / output
    try:
        sha: Optional[str] = sha256_of(Path(path))
    except OSError:
        sha = None  # the conversion below reports it with its typed error
    try:
        if _reusable(previous, sha, target, options):
            assert previous is not None
            return FileResult(
                input=path, output=output, status=previous["status"], sha256=sha, pages=previous.get("pages"),
                projects=previous.get("projects"), indicators=previous.get("indicators"),
                warnings=previous.get("warnings", 0), warning_codes=dict(previous.get("warning_codes") or {}),
                bytes=previous.get("bytes"), cached=True, seconds=round(time.perf_counter() - start, 3),
            )
        try:
            progress = None
            if options.ocr_progress:
                from .ocr import print_progress as progress
            doc = extract_guarded(path, settings=options.settings, password=options.password, ocr=options.ocr,
                                  progress=progress)
        except errors.ExtractorError as exc:
            pages = getattr(exc, "pages", None)  # TooManyPages counts them; NoTextLayer's are a range
            return _failed(path, output, type(exc).__name__, _message(exc), start, sha,
                           pages if isinstance(pages, int) else None)
        text = doc.to_json()
        try:
            write_atomic(target, text)  # never a partial file
        except OSError as exc:
            return _failed(path, output, type(exc).__name__, f"cannot write {target}: {exc.strerror or exc}",
                           start, doc.source.sha256, doc.source.pages)
        codes = Counter(w.code for w in doc.warnings)
        return FileResult(
            input=path, output=output, status="warnings" if doc.warnings else "ok", sha256=doc.source.sha256,
            pages=doc.source.pages, projects=len(doc.projects),
            indicators=sum(len(p.indicators) for p in doc.projects), warnings=len(doc.warnings),
            warning_codes=dict(sorted(codes.items())), bytes=len(text.encode("utf-8")),
            seconds=round(time.perf_counter() - start, 3),
        )
    except Exception as exc:  # a bug here must not take the batch down either
        return _failed(path, output, "InternalError",
                       f"unexpected error ({type(exc).__name__}: {exc}); this is a bug in extractor: "
                       "please report it together with the file", start, sha)


# -- inputs and output names --------------------------------------------------------------------


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
        elif path.exists():
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
            digest = hashlib.sha256(os.path.abspath(path).encode("utf-8", "surrogateescape")).hexdigest()[:8]
            name = f"{name[:-5]}-{digest}.json"
        out.append(name)
    return out


# -- manifest -------------------------------------------------------------------------------------


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


def _manifest_entry(r: FileResult, options: Options) -> dict[str, Any]:
    keep = ("output", "input", "sha256", "status", "pages", "projects", "indicators", "warnings",
            "warning_codes", "bytes")
    entry = {k: getattr(r, k) for k in keep}
    entry["extractor_version"] = _version()
    entry["ocr"] = options.ocr
    entry["reader"] = options.settings.reader
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


# -- engines ----------------------------------------------------------------------------------------


class WorkerDied(Exception):
    """A worker process died while running a call (not a bad file: the
    guard catches those in its own child)."""


#: A pool worker's own state (each worker process has its copy).
_worker = {"busy": False, "stopping": False}


def _worker_init() -> None:
    # Ctrl-C is the parent's to handle (a terminal sends it to the whole
    # process group); the parent stops workers with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_terminated)


def _worker_terminated(signum, frame):
    """SIGTERM in a worker: end the call in progress and start no other.

    A guarded conversion is cancelled (its child killed; the guard raises
    from ordinary code, so nothing is half-written).  Raising here instead
    could land inside the interpreter's fork hooks, where the exception is
    printed and swallowed; that is left to unguarded calls only."""
    from .guard import cancel

    _worker["stopping"] = True
    if cancel():
        return
    if _worker["busy"]:
        _worker["busy"] = False
        raise KeyboardInterrupt("stopped by the parent")


def _in_worker(fn: Callable, *args):
    if _worker["stopping"]:
        raise KeyboardInterrupt("stopped by the parent")
    _worker["busy"] = True
    try:
        return fn(*args)
    finally:
        _worker["busy"] = False


def _stop_workers(pool: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """End the pool now: queued calls cancelled, running ones stopped
    (SIGTERM, then SIGKILL after ``grace`` seconds)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            os.kill(p.pid, signal.SIGTERM)
        except (OSError, AttributeError, TypeError):
            pass
    deadline = time.monotonic() + grace
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(1)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


Outcome = Any  # the call's return value, or the exception it raised
Event = Optional[tuple[int, Outcome]]


def run_local(fn: Callable, calls: Sequence[tuple], jobs: int, tick: float = 1.0) -> Iterator[Event]:
    """Run ``fn(*call)`` for each call in ``jobs`` worker processes (in this
    process when ``jobs`` is 1); yield ``(index, outcome)`` as calls finish,
    where outcome is the return value or the exception raised, and ``None``
    every ``tick`` seconds without a finished call (for progress displays).

    At most ``2 * jobs`` calls are queued at a time, so an interruption has
    little to cancel.  When a worker process dies, the calls it may have
    been running are retried one at a time in a fresh pool; the one that
    kills a worker alone yields ``WorkerDied``.  Closing the generator
    (an exception or Ctrl-C in the caller) stops the workers at once."""
    if jobs <= 1 or len(calls) <= 1:
        for n, call in enumerate(calls):
            try:
                out = fn(*call)
            except Exception as exc:
                out = exc
            yield n, out
        return
    todo = deque(range(len(calls)))
    suspects: deque[int] = deque()
    alone: set[int] = set()
    running: dict[Future, int] = {}
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
    try:
        while todo or suspects or running:
            if suspects:
                if not running:
                    n = suspects.popleft()
                    alone.add(n)
                    running[pool.submit(_in_worker, fn, *calls[n])] = n
            else:
                while todo and len(running) < 2 * jobs:
                    n = todo.popleft()
                    running[pool.submit(_in_worker, fn, *calls[n])] = n
            done, _ = wait(running, timeout=tick, return_when=FIRST_COMPLETED)
            if not done:
                yield None
                continue
            broken = False
            for future in done:
                n = running.pop(future)
                try:
                    out = future.result()
                except BrokenProcessPool as exc:
                    broken = True
                    if n in alone:
                        yield n, WorkerDied(f"the worker process died while converting it ({exc})")
                    else:
                        suspects.append(n)
                    continue
                except BaseException as exc:
                    out = exc
                yield n, out
            if broken:
                for future, n in list(running.items()):
                    if future.done() and not isinstance(future.exception(), BrokenProcessPool):
                        exc = future.exception()
                        yield n, exc if exc is not None else future.result()
                    else:
                        suspects.append(n)
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)


def _worker_facts() -> tuple[bool, str]:
    """Run on each Dask worker: is it a daemonic process, and which
    extractor version does it run."""
    import multiprocessing

    return bool(multiprocessing.current_process().daemon), _version()


@contextmanager
def _signal_handled(signum: int, handler):
    """``handler`` for ``signum`` inside the block (the previous one
    after it); nothing changes outside the main thread, where Python
    cannot set handlers."""
    try:
        old = signal.signal(signum, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signum, old)


def run_dask(fn: Callable, calls: Sequence[tuple], scheduler: Optional[str], workers: int) -> Iterator[Event]:
    """Run ``fn(*call)`` for each call on a Dask cluster: the scheduler at
    ``scheduler``, or a ``LocalCluster`` of ``workers`` single-threaded
    worker processes started (and shut down) here.  Yields like
    ``run_local``.  Workers must import ``extractor`` and see the input and
    output paths (a shared filesystem).

    The guard forks a child per file, which a daemonic process may not do:
    the local cluster's workers are started non-daemonic, and the workers
    of an external cluster are checked first (start them with
    ``DASK_DISTRIBUTED__WORKER__DAEMON=False``)."""
    try:
        import dask
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise UsageError("--engine dask needs Dask: pip install 'extractor[dask]'") from None
    cluster = None
    with dask.config.set({"distributed.worker.daemon": False}):
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:
            # Started with SIGINT ignored, which the worker processes inherit:
            # Ctrl-C at a terminal reaches the whole process group, and it is
            # this process's to handle (cancel, shut the cluster down, report).
            with _signal_handled(signal.SIGINT, signal.SIG_IGN):
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
            client = Client(cluster)
    futures: list = []
    try:
        if scheduler:
            if not client.scheduler_info().get("workers"):
                raise UsageError(f"the Dask scheduler at {scheduler} has no workers")
            try:
                facts = client.run(_worker_facts)
            except Exception as exc:
                raise UsageError(f"the Dask workers cannot run extractor ({type(exc).__name__}: {exc}); "
                                 "install it on the workers: pip install 'extractor[dask]'") from None
            other = sorted({f"{w} runs extractor {v}" for w, (_, v) in facts.items() if v != _version()})
            if other:
                raise UsageError(f"{'; '.join(other)}, this command {_version()}: install the same version on "
                                 "the workers (the outputs must not depend on where a file ran)")
            daemonic = sorted(w for w, (d, _) in facts.items() if d)
            if daemonic:
                raise UsageError(
                    f"the Dask workers {', '.join(daemonic)} run as daemon processes, which cannot start the "
                    "per-file conversion process: start them with DASK_DISTRIBUTED__WORKER__DAEMON=False")
        if calls:
            futures = client.map(fn, *map(list, zip(*calls)), pure=False)
        index = {f.key: n for n, f in enumerate(futures)}
        for future in as_completed(futures):
            n = index[future.key]
            try:
                out = future.result()
            except BaseException as exc:  # KilledWorker, CancelledError …
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                out = exc if isinstance(exc, Exception) else WorkerDied(repr(exc))
            future.release()
            yield n, out
    finally:
        if futures:
            try:
                client.cancel([f for f in futures if not f.done()])
            except Exception:
                pass
        if cluster is not None:
            _quiet_teardown(client)
        client.close()
        if cluster is not None:
            cluster.close()


def _quiet_teardown(client) -> None:
    """Before shutting down a cluster this command started: its workers'
    heartbeats race the scheduler's close and log tracebacks ("Failed to
    communicate with scheduler during heartbeat") that say nothing about
    the run, whose results are all in.  A user's own cluster is left as is."""
    try:
        client.run(_silence_distributed_logs)
    except Exception:  # a worker already gone has nothing left to say
        pass
    _silence_distributed_logs()


def _silence_distributed_logs() -> None:
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


# -- progress ---------------------------------------------------------------------------------------


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class _BatchProgress:
    """The run's progress on stderr: a one-line bar redrawn with ``\\r``
    when the stream is a terminal, else per-file lines and a progress line
    every 10 % of the files or 30 s.  Quiet: errors only.  Holds display
    state only; the counts come in with each call."""

    def __init__(self, stream: TextIO, *, quiet: bool) -> None:
        self.stream, self.quiet = stream, quiet
        try:
            self.tty = stream.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        self.drawn = False
        self.last_draw = 0.0
        self.last_log = time.monotonic()
        self.logged_step = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed pipe must not stop the batch
            pass

    def _clear(self) -> None:
        if self.drawn:
            self._write("\r\x1b[K")
            self.drawn = False

    def line(self, text: str, error: bool = False) -> None:
        """A per-file line: errors always, others only in log mode."""
        if not error and (self.quiet or self.tty):
            return
        self._clear()
        self._write(text + "\n")

    def message(self, text: str) -> None:
        if self.quiet:
            return
        self._clear()
        self._write(text + "\n")

    def update(self, done: int, total: int, failed: int, cached: int, pages: int, elapsed: float,
               force: bool = False) -> None:
        if self.quiet or total == 0:
            return
        rate = pages / elapsed if elapsed > 0 else 0.0
        left = (total - done) * elapsed / done if done else None
        eta = f" < {_clock(left)}" if left is not None and done < total else ""
        if self.tty:
            now = time.monotonic()
            if not force and now - self.last_draw < 0.2:
                return
            self.last_draw = now
            width = shutil.get_terminal_size((80, 24)).columns - 1
            text = (f"[{done}/{total}] {100 * done // total:3d}% | {rate:.1f} pages/s | {failed} failed"
                    f" | {cached} cached | {_clock(elapsed)}{eta}")
            self._write("\r" + text[:width] + "\x1b[K")
            self.drawn = True
            return
        step = 10 * done // total if total >= 20 else 0
        now = time.monotonic()
        if done == total or step > self.logged_step or now - self.last_log >= 30:
            self.logged_step, self.last_log = step, now
            if done == total:
                return  # the summary says it
            self._write(f"progress: {done}/{total} files ({100 * done // total}%), {failed} failed, {cached} cached, "
                        f"{rate:.1f} pages/s, {_clock(elapsed)} elapsed" +
                        (f", about {_clock(left)} left" if left is not None else "") + "\n")

    def close(self) -> None:
        self._clear()


def _file_line(r: FileResult, outdir: Path) -> Optional[tuple[str, bool]]:
    """The per-file line and whether it is an error; none for a file kept
    from an earlier run (the progress and summary count those)."""
    if r.status == "failed":
        return f"FAILED {r.input}: {r.error}: {r.message}", True
    if r.cached:
        return None
    notes = f"; warnings: {', '.join(r.warning_codes)}" if r.warning_codes else ""
    return (f"ok {r.input} -> {outdir / r.output} ({r.pages} pages, {r.projects} projects, "
            f"{r.indicators} indicators, {r.seconds:.1f} s{notes})"), False


# -- report and tables -----------------------------------------------------------------------------


def report_without_timings(report: dict) -> dict:
    """The report minus what depends on timing (``run`` and each file's
    ``seconds``): equal for the same inputs whatever the engine."""
    out = {k: v for k, v in report.items() if k != "run"}
    out["files"] = [{k: v for k, v in f.items() if k != "seconds"} for f in report["files"]]
    return out


def _report(results: list[Optional[FileResult]], documents: list[str], *, complete: bool,
            tables: Optional[dict], run: dict, orphaned: Sequence[dict] = ()) -> dict:
    done = [(r, d) for r, d in zip(results, documents) if r is not None]
    counts = Counter(r.status for r, _ in done)
    codes: Counter = Counter()
    for r, _ in done:
        codes.update(r.warning_codes)
    return {
        "report_version": 1,
        "extractor_version": _version(),
        "complete": complete,
        "counts": {
            "files": len(results), "ok": counts["ok"], "warnings": counts["warnings"], "failed": counts["failed"],
            "cached": sum(r.cached for r, _ in done), "not_done": len(results) - len(done),
            "orphaned": len(orphaned),
        },
        "errors": dict(sorted(Counter(r.error for r, _ in done if r.error).items())),
        "warning_codes": dict(sorted(codes.items())),
        "pages": sum(r.pages or 0 for r, _ in done if r.converted),
        "tables": tables,
        "files": [{"document": d, **r.to_dict()} for r, d in done],
        "orphaned": list(orphaned),
        "run": run,
    }


def check_tables_format(fmt: Optional[str]) -> None:
    """Raise ``UsageError`` when ``--tables fmt`` cannot be written here."""
    if fmt is None:
        return
    if fmt not in TABLE_FORMATS:
        raise UsageError(f"--tables takes one of {', '.join(TABLE_FORMATS)}, not {fmt!r}")
    need = {"parquet": "pyarrow", "xlsx": "openpyxl"}.get(fmt)
    if need:
        import importlib.util

        if importlib.util.find_spec(need) is None:
            raise UsageError(f"--tables {fmt} needs {need}: pip install 'extractor[tables]'")


@contextmanager
def _atomic_target(path: Path):
    """A temporary name beside ``path``, renamed to it when the block ends
    without an exception (else removed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


_XLSX_ROWS = 1_048_575  # a sheet's rows, minus the header


def combined_frames(outputs: Sequence[Path], documents: Sequence[str], chunk: int = 200) -> dict:
    """The ``projects``, ``indicators`` and ``spending_plan`` frames of
    ``frames.to_frames`` over the saved documents ``outputs`` (read back with
    ``extractor.load``, a chunk at a time), each with ``document`` (the
    input's name in the batch, see ``discover``); ``indicators`` and
    ``spending_plan`` also get the document's ``unit_code``, ``unit_name``,
    ``year`` and the ``project_code``."""
    import pandas as pd

    from . import load
    from .frames import SPECS, to_frames

    parts: dict[str, list] = {name: [] for name in TABLES}
    for start in range(0, max(len(outputs), 1), chunk):
        docs = [load(p) for p in outputs[start:start + chunk]]
        frames = to_frames(docs)
        names = pd.Series(list(documents[start:start + chunk]), dtype=object)
        for name in TABLES:
            df = frames[name]
            df.insert(1, "document", names.iloc[df["doc"].to_numpy()].to_numpy())
            df["doc"] += start
            parts[name].append(df)
        del docs, frames
    out = {}
    for name in TABLES:
        df = pd.concat(parts[name], ignore_index=True)
        for column, dtype in SPECS[name].items():
            # per-chunk categories concatenate to text: make them categorical again
            if isinstance(dtype, str) and dtype == "category" and not isinstance(df[column].dtype, pd.CategoricalDtype):
                df[column] = df[column].astype("category")
        out[name] = df
    keys = out["projects"][["doc", "project", "unit_code", "unit", "year", "code"]].rename(
        columns={"unit": "unit_name", "code": "project_code"})
    for name in ("indicators", "spending_plan"):
        df = out[name].merge(keys, on=["doc", "project"], how="left", validate="many_to_one")
        front = ["doc", "document", "file", "unit_code", "unit_name", "year", "project", "project_code"]
        out[name] = df[front + [c for c in df.columns if c not in front]]
    return out


def write_tables(frames: dict, outdir: Path, fmt: str) -> list[str]:
    """Write the frames under ``OUTDIR/_tables/`` (atomically, each file);
    return the names written, relative to OUTDIR."""
    folder = outdir / TABLES_DIR
    written = []
    if fmt == "xlsx":
        too_big = [f"{name} ({len(df)} rows)" for name, df in frames.items() if len(df) > _XLSX_ROWS]
        if too_big:
            raise UsageError(f"an Excel sheet holds {_XLSX_ROWS} rows, fewer than {', '.join(too_big)}: "
                             "use --tables csv or parquet")
        import pandas as pd
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        target = folder / "tables.xlsx"
        with _atomic_target(target) as tmp:
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                for name, df in frames.items():
                    df = df.copy()
                    for column in df.columns:
                        if df[column].dtype == object or str(df[column].dtype) == "str":
                            df[column] = df[column].map(
                                lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
                    df.to_excel(xw, sheet_name=name, index=False)
        return [target.relative_to(outdir).as_posix()]
    for name, df in frames.items():
        target = folder / f"{name}.{fmt}"
        with _atomic_target(target) as tmp:
            if fmt == "csv":
                df.to_csv(tmp, index=False, encoding="utf-8")
            else:
                df.to_parquet(tmp, index=False)
        written.append(target.relative_to(outdir).as_posix())
    return written


# -- the run ------------------------------------------------------------------------------------------


def _summary(report: dict, outdir: Path, interrupted: bool, tables: Optional[str] = None) -> list[str]:
    c, run = report["counts"], report["run"]
    files = f"{c['files']} file{'' if c['files'] == 1 else 's'}"
    head = f"extractor: {files}: {c['ok']} ok, {c['warnings']} with warnings, {c['failed']} failed"
    if c["cached"]:
        head += f"; {c['cached']} kept from an earlier run (--force converts them again)"
    plural = "" if run["workers"] == 1 else "s"
    where = (f"Dask scheduler {run['scheduler']}" if run["scheduler"]
             else f"{run['engine']} engine, {run['workers']} worker{plural}")
    lines = [head, f"  {run['converted_pages']} pages converted in {run['seconds']:.1f} s, "
                   f"{run['pages_per_second']:.1f} pages/s ({where})"]
    if interrupted:
        lines.append(f"  INTERRUPTED: {c['not_done']} files not done; run the same command again to go on "
                     "(finished files are kept)" + ("; tables not written" if tables else ""))
    if report["orphaned"]:
        lines.append(_orphan_line(report["orphaned"]))
    if report["errors"]:
        lines.append("  failed: " + ", ".join(f"{k} {v}" for k, v in
                                               sorted(report["errors"].items(), key=lambda kv: (-kv[1], kv[0]))))
    if report["warning_codes"]:
        top = sorted(report["warning_codes"].items(), key=lambda kv: (-kv[1], kv[0]))
        more = f", … {len(top) - 6} more" if len(top) > 6 else ""
        lines.append("  warnings: " + ", ".join(f"{k} {v}" for k, v in top[:6]) + more)
    slow = sorted((f for f in report["files"] if not f["cached"]), key=lambda f: -f["seconds"])[:3]
    if slow and len(report["files"]) > 1:
        lines.append("  slowest: " + ", ".join(f"{f['input']} {f['seconds']:.1f} s" for f in slow))
    lines.append(f"  report: {outdir / REPORT}")
    if report["tables"]:
        lines.append("  tables: " + ", ".join(str(outdir / t) for t in report["tables"]["files"]))
    return lines


def _orphan_line(orphans: Sequence[dict]) -> str:
    """The summary's line on orphaned outputs: what was done, a few names."""
    pruned = [o["output"] for o in orphans if o.get("pruned")]
    kept = [o["output"] for o in orphans if not o.get("pruned")]
    parts = []
    if pruned:
        parts.append(f"{len(pruned)} removed (--prune)")
    if kept:
        parts.append(f"{len(kept)} kept (--prune removes them): " + ", ".join(kept[:3]) +
                     (f", … {len(kept) - 3} more" if len(kept) > 3 else ""))
    return f"  orphaned: outputs of earlier runs whose input is not in this run: {'; '.join(parts)}"


def _main_terminated(signum, frame):
    raise KeyboardInterrupt("terminated")


def _sigterm_interrupts():
    """SIGTERM (a cluster's job scheduler ending the run) stops the run like
    Ctrl-C: report written, finished files kept."""
    return _signal_handled(signal.SIGTERM, _main_terminated)


def convert_batch(
    inputs: Sequence[PathLike],
    outdir: PathLike,
    *,
    options: Options = Options(),
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
    anything when the command cannot run."""
    stream = sys.stderr if stream is None else stream
    if engine not in ("local", "dask"):
        raise UsageError(f"--engine takes local or dask, not {engine!r}")
    workers = default_jobs() if jobs is None else jobs
    if workers < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    check_tables_format(tables)
    if engine == "dask":
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise UsageError("--engine dask needs Dask: pip install 'extractor[dask]'")
    found = discover(inputs)
    paths = [p for p, _ in found]
    documents = [d for _, d in found]
    names = output_names(documents, paths)
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"-o {outdir}: not a folder")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output folder {outdir}: {exc.strerror or exc}") from None
    absolute_out = os.path.abspath(outdir)

    with _locked_manifest(outdir) as manifest:
        recorded = read_manifest(outdir)
        previous = {} if options.force else recorded
        calls = [(os.path.abspath(p), name, absolute_out, options, previous.get(name))
                 for p, name in zip(paths, names)]
        workers = min(workers, len(calls))
        bar = _BatchProgress(stream, quiet=quiet)
        many = "" if workers == 1 else "s"
        where = f"the Dask scheduler at {scheduler}" if scheduler else (
            f"a local Dask cluster of {workers} worker{many}" if engine == "dask"
            else f"{workers} worker process{'' if workers == 1 else 'es'}")
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
            with _sigterm_interrupts(), closing(events):
                for event in events:
                    if event is not None:
                        n, out = event
                        if not isinstance(out, FileResult):  # the engine lost the call
                            out = _failed(calls[n][0], names[n], "InternalError",
                                          f"unexpected error ({type(out).__name__}: {out}); this is a bug in "
                                          "extractor: please report it together with the file", time.perf_counter())
                        r = dataclasses.replace(out, input=os.fspath(paths[n]))
                        if r.status == "failed":
                            r = _drop_stale_output(r, outdir, recorded.get(names[n]))
                        results[n] = r
                        done += 1
                        failed += r.status == "failed"
                        cached += r.cached
                        if r.converted and not r.cached:
                            pages += r.pages or 0
                        if r.converted:
                            manifest.write(_manifest_line(_manifest_entry(r, options)))
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
        for n in sorted(lines):
            if lines[n] is not None:
                bar.line(*lines[n])
        bar.close()
        seconds = time.perf_counter() - t0

        table_info = None
        table_error = None
        if tables and not interrupted:
            ok = [n for n, r in enumerate(results) if r is not None and r.converted]
            try:
                frames = combined_frames([outdir / names[n] for n in ok], [documents[n] for n in ok])
                table_info = {"format": tables, "files": write_tables(frames, outdir, tables),
                              "rows": {name: len(df) for name, df in frames.items()}}
            except (UsageError, OSError, ValueError) as exc:
                table_error = f"tables not written: {exc}"
        run = {
            "engine": engine, "workers": None if scheduler else workers, "scheduler": scheduler,
            "started": started.isoformat(timespec="seconds"), "seconds": round(seconds, 3),
            "converted_pages": pages, "pages_per_second": round(pages / seconds, 2) if seconds > 0 else 0.0,
        }
        orphans = orphaned_outputs(recorded, names, outdir)
        pruned = set(prune_outputs(outdir, orphans)) if prune and not interrupted else set()
        orphans = [dict(o, pruned=o["output"] in pruned) for o in orphans]
        report = _report(results, documents, complete=not interrupted, tables=table_info, run=run, orphaned=orphans)
        _write_report(outdir, report)
        _compact_manifest(outdir, drop=pruned)

    for text in _summary(report, outdir, interrupted, tables):
        print(text, file=stream)
    if table_error:
        print(f"extractor: {table_error}", file=stream)
    if interrupted:
        return EXIT_INTERRUPTED
    return 1 if (failed or table_error) else 0


def _write_report(outdir: Path, report: dict) -> None:
    from .export import write_atomic

    write_atomic(outdir / REPORT, json.dumps(report, ensure_ascii=False, indent=2) + "\n")


def _compact_manifest(outdir: Path, drop: Iterable[str] = ()) -> None:
    """One line per output that still exists (the latest entry wins; this
    run's were appended as files finished), but those in ``drop`` (pruned)."""
    from .export import write_atomic

    entries = read_manifest(outdir)
    dropped = set(drop)
    keep = [e for name, e in sorted(entries.items()) if name not in dropped and (outdir / name).is_file()]
    write_atomic(outdir / MANIFEST, "".join(_manifest_line(e) for e in keep))


# -- notebooks: extract_many ---------------------------------------------------------------------------


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
    """An exception raised in a worker that cannot be pickled as it is:
    sent back as class and ``args`` and rebuilt in the caller's process."""

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
    """See ``extractor.extract_many``.  Runs on the local engine of
    ``convert`` (``run_local``): worker processes, results in input order,
    the first error raised as itself (remaining work stopped at once)."""
    if isinstance(paths, (str, os.PathLike)):
        raise TypeError("extract_many takes a list of paths; use extract() for one file")
    paths = list(paths)
    workers = default_jobs() if jobs is None else jobs
    if workers < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    bar = _Progress(len(paths), interactive() if progress is None else progress)
    results: list[Optional[Document]] = [None] * len(paths)
    try:
        fn = _extract_one if workers == 1 else _extract_in_worker
        with closing(run_local(fn, [(p, options) for p in paths], min(workers, len(paths)))) as events:
            for event in events:
                if event is None:
                    continue
                n, out = event
                if isinstance(out, _RemoteError):
                    out = out.rebuild()
                if isinstance(out, BaseException):
                    raise _noted(out, paths[n])
                results[n] = out
                bar.step(paths[n])
        return results  # type: ignore[return-value]
    finally:
        bar.close()
