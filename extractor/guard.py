"""One conversion under limits: a wall-clock timeout and a memory ceiling.

``extract_guarded`` runs ``pipeline.extract`` in a child process (forked on
POSIX, so it starts in milliseconds with everything already imported).  The
parent waits at most ``Settings.timeout`` seconds for the result and then
kills the child: a stuck parse, a huge document or a decompression bomb
cannot stall a batch, because whatever the child is doing — even inside C
code, where a signal handler would never run — it is stopped.  The child
caps its own address space at what it holds plus ``Settings.max_memory_mb``,
so a file that needs more fails with ``MemoryLimitExceeded`` instead of
swapping the machine.

Whatever happens in the child comes back as a ``Document`` or as one of the
typed errors: ``ConversionTimeout``, ``MemoryLimitExceeded``, or
``InternalError`` for an unexpected exception or a crashed child (with the
child's traceback attached as a note), so that a batch never goes down.

``cancel`` stops the conversion in progress from a signal handler: it kills
the child, and ``extract_guarded`` then raises ``KeyboardInterrupt`` from
ordinary code.  A handler that raised by itself could land anywhere, for
example inside the interpreter's fork hooks, where the exception is printed
and swallowed instead of ending the call.

A child never outlives its parent: when the parent is killed outright (a
Dask worker killed mid-file, the OOM killer, ``kill -9``), nothing of it runs
to kill the child, which would convert on, orphaned, up to the timeout.  On
Linux the child asks the kernel for SIGKILL when its parent dies
(``_die_with_parent``).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import pickle
import signal
import sys
import traceback
from pathlib import Path
from typing import Optional

from . import errors
from .readable import check_input
from .settings import DEFAULT, Settings

#: The guarded conversion running in this process, for ``cancel``.
_active: dict = {"child": None, "cancelled": False}


def cancel() -> bool:
    """Stop the guarded conversion running in this process, if there is
    one (safe to call from a signal handler: it only kills a process and
    sets a flag).  Returns whether this process is inside a guarded
    conversion; ``extract_guarded`` raises ``KeyboardInterrupt`` when the
    child is gone."""
    _active["cancelled"] = True
    child = _active["child"]
    if child is None:
        return False
    if child is not True:  # True: between the guard's start and the child's
        try:
            os.kill(child.pid, 9)
        except (OSError, TypeError):
            pass
    return True


def extract_guarded(
    path: str | Path,
    *,
    settings: Settings = DEFAULT,
    password: Optional[str] = None,
    **options,
):
    """``pipeline.extract`` under ``settings.timeout`` and
    ``settings.max_memory_mb``.  With both limits 0 it runs in this process
    (unexpected exceptions still become ``InternalError``)."""
    from . import pipeline  # imported before forking: children inherit it

    _preload()
    check_input(path)  # a FIFO or a device would hang the child until the timeout

    path = Path(path)
    if not settings.timeout and not settings.max_memory_mb:
        try:
            return pipeline.extract(path, settings=settings, password=password, **options)
        except errors.ExtractorError:
            raise
        except MemoryError:
            raise errors.MemoryLimitExceeded(str(path), settings.max_memory_mb) from None
        except Exception as exc:
            raise errors.InternalError(str(path), f"{type(exc).__name__}: {exc}") from exc
    if _active["cancelled"]:
        raise KeyboardInterrupt("cancelled")
    _active["child"] = True  # a cancel from here on is seen below
    try:
        return _run_in_child(path, settings, password, options)
    finally:
        _active["child"] = None


def _run_in_child(path: Path, settings: Settings, password: Optional[str], options: dict):
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child,
        args=(sender, str(path), settings, password, options, os.getpid()),
        name=f"extractor: {path.name}",
        daemon=True,
    )
    child.start()
    _active["child"] = child
    if _active["cancelled"]:
        child.kill()
    sender.close()
    try:
        timeout = settings.timeout or None
        if not receiver.poll(timeout):
            raise errors.ConversionTimeout(str(path), settings.timeout)
        try:
            kind, payload, trace = receiver.recv()
        except (EOFError, OSError):
            if _active["cancelled"]:
                raise KeyboardInterrupt("cancelled") from None
            child.join(5)
            code = child.exitcode
            if code is not None and code < 0 and -code == 9 and settings.max_memory_mb:
                raise errors.MemoryLimitExceeded(str(path), settings.max_memory_mb) from None
            raise errors.InternalError(str(path), f"the conversion process died (exit code {code})") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "ok":
        return payload
    if trace and hasattr(payload, "add_note"):
        payload.add_note("in the conversion process:\n" + trace)
    raise payload


def _preload() -> None:
    """Import what the conversion loads lazily, so that forked children
    inherit it instead of mapping libraries under their memory cap, and
    load the word list once here (``cjk_words``: most documents need it,
    ``rejoin.joins_as_word``), and the text check's character list (every
    page needs it)."""
    import pdfminer.pdfdocument  # noqa: F401
    import pdfminer.pdfinterp  # noqa: F401
    import pdfminer.pdfpage  # noqa: F401
    import pdfplumber  # noqa: F401
    import pdfplumber.page  # noqa: F401
    import pypdfium2  # noqa: F401  (triage.py's first pass)

    from .cjk_words import words
    from .pages import common_han

    common_han()
    words()
    _prctl()


#: prctl(2) option: the signal this process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


@functools.cache
def _prctl():
    """libc's ``prctl`` (Linux), loaded once in the parent (``_preload``) so
    that children inherit it; None elsewhere or when it cannot be loaded."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):  # pragma: no cover - a libc without it
        return None


def _die_with_parent(parent: int) -> None:
    """In the child: be SIGKILLed when the parent dies (Linux).  The kernel
    signals when the *thread* that forked exits; that thread waits in
    ``_run_in_child`` until this process is gone, so it outlives it.  A
    parent that died before the request took effect is not watched any
    more: then this process's parent is no longer ``parent`` (it was
    re-parented to init or a subreaper), and it exits at once."""
    prctl = _prctl()
    if prctl is None:
        return
    try:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, TypeError):  # pragma: no cover
        return
    if os.getppid() != parent:
        os._exit(1)


def _child(sender, path: str, settings: Settings, password: Optional[str], options: dict, parent: int) -> None:
    _die_with_parent(parent)
    try:  # Ctrl-C is the parent's to handle: it kills this process
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # pragma: no cover
        pass
    # Ready before the cap: reporting it must not need memory.
    out_of_memory = pickle.dumps(("error", errors.MemoryLimitExceeded(path, settings.max_memory_mb), ""))
    if settings.max_memory_mb:
        _limit_memory(settings.max_memory_mb)
    try:
        try:
            from .pipeline import extract

            result = ("ok", extract(path, settings=settings, password=password, **options), "")
        except errors.ExtractorError as exc:
            result = ("error", exc, "")
        except BaseException as exc:  # a bug: report it, never take the batch down
            if isinstance(exc, MemoryError):
                raise
            result = ("error", errors.InternalError(path, f"{type(exc).__name__}: {exc}"), traceback.format_exc())
        try:
            sender.send(result)
        except MemoryError:
            raise
        except Exception as exc:  # an unpicklable result
            sender.send(("error", errors.InternalError(path, f"the result cannot be sent back: {exc}"), ""))
    except MemoryError:
        result = None
        sender.send_bytes(out_of_memory)
    finally:
        sender.close()


def _limit_memory(megabytes: int) -> None:
    """Cap this process's address space at its current size plus
    ``megabytes`` (Linux; silently nothing elsewhere)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    current = _address_space()
    if current is None:
        return
    limit = current + (megabytes << 20)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # pragma: no cover
        pass


def _address_space() -> Optional[int]:
    """This process's virtual size (Linux); None where it cannot be read,
    and then no cap is set (the timeout still applies)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
