"""Killing the command outright (``kill -9``: nothing of it runs to stop
its pool) takes its worker processes with it: none converts on, holds its
memory, or keeps the caller's stderr open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from robust_runs import GENEROUS, copy_sample


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out.update(int(c) for c in (task / "children").read_text().split())
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has stopped; only its parent's wait is missing


def _reaches_end(stream, seconds: float) -> bool:
    import select

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 1.0)
        if ready and not os.read(stream.fileno(), 1 << 16):
            return True
    return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or not sys.platform.startswith("linux"),
                    reason="the kernel's parent-death signal is Linux's")
def test_pool_workers_die_with_the_command(tmp_path):
    for n in range(30):
        copy_sample(tmp_path / "in" / f"{n:02d}.pdf")
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "convert", str(tmp_path / "in"), "-o",
                             str(tmp_path / "out"), "-j", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + GENEROUS
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            workers = {c for c in _children(proc.pid) if _alive(c)}
            time.sleep(0.05)
        assert len(workers) >= 2, "the pool never started"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(GENEROUS)
        left = [w for w in workers if _alive(w)]
        deadline = time.monotonic() + 60
        while left and time.monotonic() < deadline:
            time.sleep(0.1)
            left = [w for w in left if _alive(w)]
        assert not left, f"workers {left} outlived the command"
        # the caller reading stderr sees its end: nothing holds it open
        assert _reaches_end(proc.stderr, 60)
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers | _children(proc.pid):  # what a failed run left
            try:
                os.kill(w, signal.SIGKILL)
            except OSError:
                pass
