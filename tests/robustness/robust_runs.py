"""What the robustness tests share: running the command as a user would
(a subprocess, bounded in time), reading a run's report, and running as
another user where a test needs permissions that root ignores."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "julu-2023-zonggonghui.pdf"
#: Far above what any of these runs takes on a loaded 2-core machine.
GENEROUS = 300


def cli(*args, timeout: float = GENEROUS, **kwargs) -> subprocess.CompletedProcess:
    """``extractor ARGS`` in a fresh interpreter; ``args`` may be bytes
    (names that are not UTF-8)."""
    argv = [sys.executable, "-m", "extractor", *(a if isinstance(a, bytes) else os.fspath(a) for a in args)]
    kwargs.setdefault("capture_output", True)
    return subprocess.run(argv, timeout=timeout, **kwargs)


def text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def report(out: Path) -> dict:
    """The run report; it must be valid UTF-8 JSON whatever the names."""
    return json.loads((out / "_report.json").read_bytes().decode("utf-8"))


def no_traceback(stderr: bytes) -> None:
    assert b"Traceback" not in stderr, text(stderr)


def stray_files(out: Path) -> list[Path]:
    """Temporary files left under ``out`` (an atomic write never leaves one)."""
    return [p for p in out.rglob("*") if p.name.startswith(".")]


def other_user() -> "tuple[int, int] | None":
    """(uid, gid) of an unprivileged user when this process may switch to
    it (it is root), else None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


@contextmanager
def shared_folder():
    """A temporary folder another user can enter (pytest's are private),
    removed after the block."""
    folder = Path(tempfile.mkdtemp(prefix="extractor-robust-"))
    try:
        folder.chmod(0o755)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def as_user(uid: int, gid: int):
    """``preexec_fn`` that runs the child as ``uid``."""
    def switch():
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    return switch


def can_run_as(uid: int, gid: int) -> bool:
    """Whether that user can run this interpreter and import extractor
    (the virtual environment and the clone may be private)."""
    try:
        probe = subprocess.run([sys.executable, "-c", "import extractor"], capture_output=True, timeout=GENEROUS,
                               preexec_fn=as_user(uid, gid), cwd="/", env=dict(os.environ, HOME="/nonexistent"))
    except OSError:  # the interpreter itself is private
        return False
    return probe.returncode == 0


def copy_sample(path: Path, tail: bytes = b"") -> Path:
    """A copy of the sample; ``tail`` appended after its end makes another
    input (another sha256) with the same content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE, path)
    if tail:
        with open(path, "ab") as fh:
            fh.write(tail)
    return path
