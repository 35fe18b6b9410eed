"""The memory cap is a budget for the whole run: ``--max-memory`` is
shared by the files converted at once, and without it the conversions of a
run together stay within 3/4 of the machine's memory, whatever ``--jobs``."""

from __future__ import annotations

from extractor.engines import memory_per_file
from robust_runs import cli, copy_sample, no_traceback, report, text


def test_a_budget_is_shared_by_the_workers():
    assert memory_per_file(4096, 4, 4096, 64_000) == 1024
    assert memory_per_file(0, 4, 4096, 64_000) == 0  # no limit
    assert memory_per_file(3, 4, 4096, 64_000) == 1  # never 0, which would mean no limit


def test_without_a_budget_the_machine_bounds_the_run():
    assert memory_per_file(None, 2, 4096, 24_000) == 4096  # as before on a small run
    assert memory_per_file(None, 64, 4096, 64_000) == 750  # 64 files at 4 GB would be 256 GB
    assert memory_per_file(None, 8, 0, 64_000) == 0
    assert memory_per_file(None, 8, 4096, None) == 4096  # memory unknown: the per-file cap


def test_the_run_applies_its_share_to_each_file(tmp_path):
    for name in ("a", "b"):
        copy_sample(tmp_path / "in" / f"{name}.pdf")
    out = tmp_path / "out"
    proc = cli("convert", tmp_path / "in", "-o", out, "-j", "2", "--max-memory", "2")
    no_traceback(proc.stderr)
    r = report(out)
    assert r["run"]["memory_per_file_mb"] == 1 and "1 MB each" in text(proc.stderr)
    assert proc.returncode == 1 and r["errors"] == {"MemoryLimitExceeded": 2}
    assert all("more than 1 MB" in f["message"] for f in r["files"])
    generous = cli("convert", tmp_path / "in", "-o", out, "-j", "2", "--max-memory", "8192")
    assert generous.returncode == 0, text(generous.stderr)
    assert report(out)["run"]["memory_per_file_mb"] == 4096
