"""Where the calls of a batch run: worker processes on this machine
(``run_local``) or a Dask cluster (``run_dask``).  Both run ``fn(*call)``
for each call and yield ``(index, outcome)`` as calls finish, so that the
run's bookkeeping (``batch.convert_batch``) does not depend on the engine."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, Sequence

from .extras import install_hint
from .errors import UsageError
from .manifest import _version


class WorkerDied(Exception):
    """A worker process died while running a call (not a bad file: the
    guard catches those in its own child)."""


#: A pool worker's own state (each worker process has its copy).
_worker = {"busy": False, "stopping": False}


def _worker_init(parent: Optional[int] = None) -> None:
    # Ctrl-C is the parent's to handle (a terminal sends it to the whole
    # process group); the parent stops workers with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_terminated)
    if parent is not None:
        # A parent killed outright (kill -9, the OOM killer) cannot stop its
        # workers, which would hold their memory and the caller's stderr on:
        # the kernel kills them with it (Linux), as it does conversion children.
        from .guard import _die_with_parent

        _die_with_parent(parent)


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


#: The share of the machine's memory the conversions of a run may use
#: together when no budget is given.
MEMORY_SHARE = 0.75


def physical_memory_mb() -> Optional[int]:
    """The machine's memory in MB, where it can be read."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return None


def memory_per_file(budget_mb: Optional[int], workers: int, per_file_mb: int,
                    physical_mb: Optional[int]) -> int:
    """Each conversion's memory cap (MB, 0: none) when ``workers`` run at
    once: a budget for the whole run (``--max-memory``) is shared among
    them; without one, each gets ``per_file_mb``, but all together no more
    than ``MEMORY_SHARE`` of the machine's memory, so that ``--jobs`` files
    at their cap cannot push the machine into swap."""
    if budget_mb is not None:
        return 0 if budget_mb == 0 else max(1, budget_mb // workers)
    if not per_file_mb or not physical_mb:
        return per_file_mb
    return max(1, min(per_file_mb, int(physical_mb * MEMORY_SHARE) // workers))


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
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(os.getpid(),))
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
                        raised = future.exception()
                        yield n, raised if raised is not None else future.result()
                    else:
                        suspects.append(n)
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(os.getpid(),))
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)


def _worker_facts() -> tuple[bool, str]:
    """Run on each Dask worker: is it a daemonic process, and which
    extractor build does it run (``_build``)."""
    import multiprocessing

    return bool(multiprocessing.current_process().daemon), _build()


def _build() -> str:
    """The version and a digest of the code: a worker with the same version
    number but other code would make other outputs."""
    from .fingerprint import code_digest

    return f"{_version()} (code {code_digest()[:12]})"


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
        raise UsageError("--engine dask needs Dask: " + install_hint("dask")) from None
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
                                 "install it on the workers: " + install_hint("dask")) from None
            other = sorted({f"{w} runs extractor {v}" for w, (_, v) in facts.items() if v != _build()})
            if other:
                raise UsageError(f"{'; '.join(other)}, this command {_build()}: install the same version on "
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
