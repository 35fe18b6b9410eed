"""Inputs that are not readable regular files: a FIFO or a link to
/dev/zero named *.pdf (which would block any reader forever), a file this
user may not read, and no name at all.  Each is refused up front with a
typed error, never a hang and never "a bug"."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from extractor import errors, extract
from extractor.guard import extract_guarded
from robust_runs import (GENEROUS, as_user, can_run_as, cli, copy_sample, no_traceback, other_user, report,
                         shared_folder, text)


@pytest.fixture
def hostile_folder(tmp_path):
    folder = tmp_path / "in"
    copy_sample(folder / "good.pdf")
    os.mkfifo(folder / "pipe.pdf")
    os.symlink("/dev/zero", folder / "zero.pdf")
    return folder


def test_a_fifo_and_a_device_are_refused_and_the_batch_goes_on(hostile_folder, tmp_path):
    out = tmp_path / "out"
    # a hang would outlast this bound by far: the timeout given is per file
    proc = cli("convert", hostile_folder, "-o", out, "--timeout", "600", timeout=GENEROUS)
    no_traceback(proc.stderr)
    assert proc.returncode == 1
    status = {f["document"]: (f["status"], f["error"]) for f in report(out)["files"]}
    assert status == {"good.pdf": ("warnings", None), "pipe.pdf": ("failed", "NotAPDF"),
                      "zero.pdf": ("failed", "NotAPDF")}
    messages = {f["document"]: f["message"] for f in report(out)["files"]}
    assert "named pipe" in messages["pipe.pdf"] and "device" in messages["zero.pdf"]


@pytest.mark.parametrize("name, what", [("pipe.pdf", "named pipe"), ("zero.pdf", "character device")])
def test_the_library_refuses_them_too(hostile_folder, name, what):
    for convert in (extract, extract_guarded):
        with pytest.raises(errors.NotAPDF, match=what):
            convert(hostile_folder / name)


def test_no_file_name_is_not_the_current_folder():
    with pytest.raises(errors.NotAPDF, match="no file name was given"):
        extract("")


def test_a_file_this_user_may_not_read_is_not_a_bug():
    user = other_user()
    if user is None or not can_run_as(*user):
        pytest.skip("needs root and an unprivileged user that can run this Python (root reads any file)")
    with shared_folder() as folder:
        locked = copy_sample(folder / "locked.pdf")
        locked.chmod(0)
        out = folder / "out"
        out.mkdir()
        os.chown(out, *user)
        proc = cli("convert", locked, "-o", out, preexec_fn=as_user(*user), cwd="/",
                   env=dict(os.environ, HOME="/nonexistent"))
        no_traceback(proc.stderr)
        assert proc.returncode == 1, text(proc.stderr)
        (entry,) = report(out)["files"]
        assert entry["error"] == "UnreadableInput" and "permission denied" in entry["message"]


def test_a_link_that_leads_nowhere_readable_is_an_unreadable_input(tmp_path):
    """What root sees of an unreadable file: a loop of links (ELOOP)."""
    loop = tmp_path / "loop.pdf"
    os.symlink(loop.name, loop)
    proc = cli("convert", loop, "-o", tmp_path / "out")
    no_traceback(proc.stderr)
    assert proc.returncode == 1
    (entry,) = report(tmp_path / "out")["files"]
    assert entry["error"] == "UnreadableInput" and "symbolic links" in entry["message"]


def test_the_word_cache_is_kept_in_a_folder_of_this_users(tmp_path):
    """A cache in the shared temporary folder may belong to another user,
    whose file this one cannot replace."""
    cache = tmp_path / "cache"
    code = "from extractor import cjk_words; cjk_words.words(); print(cjk_words.cache_folder())"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=GENEROUS,
                          env=dict(os.environ, XDG_CACHE_HOME=str(cache)))
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert proc.stdout.strip() == str(cache / "extractor")
    assert list((cache / "extractor").glob("jieba-words-*.bin"))
    assert (cache / "extractor").stat().st_mode & 0o077 == 0


def test_pdfminer_complaints_stay_off_stderr():
    code = ("import logging, extractor.pipeline; "
            "logging.getLogger('pdfminer.pdfinterp').warning('Could not set text matrix')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=GENEROUS)
    assert proc.returncode == 0 and proc.stderr == ""
