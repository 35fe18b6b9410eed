"""Names: a file or folder name that is not UTF-8 (GBK names of a ZIP made
on Windows), a name holding a newline, and the longest names a file
system takes, through a whole batch and a rerun."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from robust_runs import cli, copy_sample, no_traceback, report, stray_files, text

#: 巨鹿县 in GBK: not UTF-8.
GBK_COUNTY = "巨鹿县".encode("gbk")
GBK_DEPT = "财政局".encode("gbk")


def test_names_that_are_not_utf8_round_trip_through_a_batch_and_its_rerun(tmp_path):
    root = os.fsencode(tmp_path)
    archive = root + b"/archive"
    folder = archive + b"/" + GBK_COUNTY
    os.makedirs(folder)
    copy_sample(Path(os.fsdecode(folder + b"/" + GBK_DEPT + b".pdf")))
    os.makedirs(archive + b"/plain")
    with open(archive + b"/plain/" + GBK_DEPT + b"-bad.pdf", "wb") as fh:
        fh.write(b"<html>404</html>")
    out = tmp_path / "out"

    proc = cli("convert", archive, "-o", out, "--tables", "csv", "-j", "1")
    no_traceback(proc.stderr)
    assert proc.returncode == 1, text(proc.stderr)  # the bad file fails, the batch does not
    r = report(out)
    assert r["counts"]["files"] == 2 and r["counts"]["failed"] == 1
    converted = next(f for f in r["files"] if f["status"] != "failed")
    assert os.fsencode(converted["input"]) == folder + b"/" + GBK_DEPT + b".pdf"
    written = os.fsencode(out) + b"/" + os.fsencode(converted["output"])
    assert written == os.fsencode(out) + b"/" + GBK_COUNTY + b"/" + GBK_DEPT + b".json"
    doc = json.loads(open(written, "rb").read().decode("utf-8"))
    assert os.fsencode(doc["source"]["file"]) == GBK_DEPT + b".pdf"
    assert (out / "_manifest.jsonl").read_bytes().decode("utf-8")
    assert (out / "_tables" / "projects.csv").read_bytes().decode("utf-8")
    # the FAILED line names the file on one line, its bytes escaped
    failed = [l for l in text(proc.stderr).splitlines() if l.startswith("FAILED")]
    assert len(failed) == 1 and "\\xb2\\xc6" in failed[0]

    again = cli("convert", archive, "-o", out, "-j", "1")
    no_traceback(again.stderr)
    assert again.returncode == 1
    assert report(out)["counts"]["cached"] == 1
    assert not stray_files(out)


def test_a_name_holding_a_newline_keeps_its_failed_line_whole(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "two\nlines.pdf").write_bytes(b"not a pdf at all")
    proc = cli("convert", folder, "-o", tmp_path / "out")
    assert proc.returncode == 1
    lines = text(proc.stderr).splitlines()
    failed = [l for l in lines if l.startswith("FAILED")]
    assert len(failed) == 1 and "two\\nlines.pdf" in failed[0] and "NotAPDF" in failed[0]
    assert not any(l.startswith("lines.pdf") for l in lines)


@pytest.mark.parametrize("length", [79, 83])
def test_the_longest_names_a_file_system_takes_convert(tmp_path, length):
    """83 Chinese characters and .json are 253 bytes, under the 255 of a
    name: the temporary name must fit too."""
    name = "部" * length
    copy_sample(tmp_path / "in" / f"{name}.pdf")
    out = tmp_path / "out"
    proc = cli("convert", tmp_path / "in", "-o", out, "-j", "1")
    no_traceback(proc.stderr)
    assert proc.returncode == 0, text(proc.stderr)
    assert (out / f"{name}.json").is_file()
    assert not stray_files(out)
