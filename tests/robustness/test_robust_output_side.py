"""The output side: a full disk, a folder this user may not write, a
manifest torn inside a UTF-8 character, a closed stdout, and the run lock.
Each is one clear line (exit code 2 where nothing can be written), never a
traceback, and a torn line never stops later runs."""

from __future__ import annotations

import fcntl
import io
import os
import resource
import shutil
import signal
import subprocess
from contextlib import contextmanager

import pytest

from extractor import batch
from robust_runs import (SAMPLE, as_user, can_run_as, cli, copy_sample, no_traceback, other_user, report,
                         shared_folder, stray_files, text)


def _small_file_limit(size: int):
    """A disk that is full after ``size`` bytes of any file: writes beyond
    fail with EFBIG (SIGXFSZ ignored), as on a full disk they fail with
    ENOSPC."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return apply


def test_a_full_disk_stops_the_run_with_one_line(tmp_path):
    copy_sample(tmp_path / "in" / "a.pdf")
    copy_sample(tmp_path / "in" / "b.pdf")
    out = tmp_path / "out"
    proc = cli("convert", tmp_path / "in", "-o", out, "-j", "1", preexec_fn=_small_file_limit(4096))
    no_traceback(proc.stderr)
    assert proc.returncode == 2, text(proc.stderr)
    errors = [l for l in text(proc.stderr).splitlines() if l.startswith("extractor: cannot write")]
    assert len(errors) == 1 and str(out) in errors[0]
    assert not list(out.glob("*.json")) and not stray_files(out)  # nothing half-written


def test_a_folder_this_user_may_not_write_is_one_line():
    user = other_user()
    if user is None or not can_run_as(*user):
        pytest.skip("needs root and an unprivileged user that can run this Python (root writes anywhere)")
    with shared_folder() as folder:
        copy_sample(folder / "in" / "a.pdf")
        (folder / "out").mkdir(mode=0o755)
        proc = cli("convert", folder / "in", "-o", folder / "out", preexec_fn=as_user(*user), cwd="/",
                   env=dict(os.environ, HOME="/nonexistent"))
        no_traceback(proc.stderr)
        assert proc.returncode == 2
        assert text(proc.stderr).strip().startswith("extractor: cannot write")


@contextmanager
def _immutable(folder):
    """``folder`` made immutable (``chattr +i``: not even root may create a
    file in it) for the block; skips where that is not possible."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, timeout=60)
    if made.returncode != 0:
        pytest.skip(f"this file system cannot make a folder immutable ({made.stderr.decode().strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, timeout=60)


def test_a_folder_no_one_may_write_is_one_line(tmp_path):
    """What root sees of a read-only folder: an immutable one."""
    copy_sample(tmp_path / "in" / "a.pdf")
    out = tmp_path / "out"
    out.mkdir()
    with _immutable(out):
        proc = cli("convert", tmp_path / "in", "-o", out)
    no_traceback(proc.stderr)
    assert proc.returncode == 2, text(proc.stderr)
    (line,) = text(proc.stderr).strip().splitlines()
    assert line.startswith(f"extractor: cannot write to the output folder {out}")
    assert list(out.iterdir()) == []
    # a folder that became read-only after a run: its outputs stay as they were
    assert cli("convert", tmp_path / "in", "-o", out).returncode == 0
    before = (out / "a.json").read_bytes()
    with _immutable(out):
        proc = cli("convert", tmp_path / "in", "-o", out, "--force")
    no_traceback(proc.stderr)
    assert proc.returncode == 2 and "cannot write to the output folder" in text(proc.stderr)
    assert (out / "a.json").read_bytes() == before and not stray_files(out)


@pytest.mark.parametrize("torn", [
    b'{"output": "\xe8\xb4',                     # cut inside a UTF-8 character
    b'{"output": "a.json", "sha',                # cut inside the JSON
    b'\x00\x00\x00\x00',                         # a block of zeros (a crash on some file systems)
])
def test_a_torn_manifest_line_of_any_kind_is_skipped_with_a_warning(tmp_path, torn):
    copy_sample(tmp_path / "in" / "a.pdf")
    out = tmp_path / "out"
    assert cli("convert", tmp_path / "in", "-o", out).returncode == 0
    with open(out / "_manifest.jsonl", "ab") as fh:
        fh.write(torn)
    for _ in range(2):  # and every later run
        proc = cli("convert", tmp_path / "in", "-o", out)
        no_traceback(proc.stderr)
        assert proc.returncode == 0, text(proc.stderr)
        assert report(out)["counts"]["cached"] == 1
    assert "could not be read" not in text(proc.stderr)  # compaction dropped the torn line


def test_the_warning_names_the_skipped_lines(tmp_path):
    copy_sample(tmp_path / "in" / "a.pdf")
    out = tmp_path / "out"
    assert cli("convert", tmp_path / "in", "-o", out).returncode == 0
    with open(out / "_manifest.jsonl", "ab") as fh:
        fh.write(b'{"output": "\xe8\xb4')
    proc = cli("convert", tmp_path / "in", "-o", out, "-q")
    assert "1 line(s) of" in text(proc.stderr) and "skipped" in text(proc.stderr)


def test_stdout_closed_is_one_line_not_a_traceback(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(f'"{sys.executable}" -m extractor convert "{SAMPLE}" -o - >&-', shell=True,
                          capture_output=True, timeout=300)
    no_traceback(proc.stderr)
    assert proc.returncode == 2
    assert text(proc.stderr).strip().splitlines() == [text(proc.stderr).strip().splitlines()[0]]
    assert "cannot write to stdout" in text(proc.stderr)


def test_the_run_locks_a_file_no_run_replaces(tmp_path):
    copy_sample(tmp_path / "in" / "a.pdf")
    out = tmp_path / "out"
    assert cli("convert", tmp_path / "in", "-o", out).returncode == 0
    lock = out / batch.LOCK
    inode = lock.stat().st_ino
    manifest_inode = (out / "_manifest.jsonl").stat().st_ino
    assert cli("convert", tmp_path / "in", "-o", out, "--force").returncode == 0
    assert lock.stat().st_ino == inode  # the lock stays the same file ...
    assert (out / "_manifest.jsonl").stat().st_ino != manifest_inode  # ... while the manifest is replaced
    with open(lock, "a") as held:  # what a run in progress holds
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(batch.UsageError, match="another extractor run"):
            batch.convert_batch([tmp_path / "in"], out, stream=io.StringIO())
        proc = cli("convert", tmp_path / "in", "-o", out)
        assert proc.returncode == 2 and "another extractor run" in text(proc.stderr)
