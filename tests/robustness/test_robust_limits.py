"""Limits that would make every file fail are usage errors (exit code 2,
one line), for the batch and for ``-o -``, before anything is written."""

from __future__ import annotations

import io

import pytest

from extractor import batch
from extractor.settings import DEFAULT
from robust_runs import SAMPLE, cli, no_traceback, text

NONSENSE = [
    ("--timeout", "inf"), ("--timeout", "nan"), ("--timeout", "-1"),
    ("--max-memory", "-5"), ("--max-pages", "-1"), ("--max-pages", "0"), ("--jobs", "0"),
]


@pytest.mark.parametrize("option, value", NONSENSE)
@pytest.mark.parametrize("output", ["out", "-"])
def test_nonsense_limits_are_usage_errors(tmp_path, option, value, output):
    if option == "--jobs" and output == "-":
        pytest.skip("-o - converts one file in this process: --jobs does not apply")
    out = tmp_path / output if output != "-" else "-"
    proc = cli("convert", SAMPLE, "-o", out, option, value)
    no_traceback(proc.stderr)
    assert proc.returncode == 2, text(proc.stderr)
    lines = text(proc.stderr).strip().splitlines()
    assert len(lines) == 1 and option.lstrip("-").split("-")[0] in lines[0], lines
    assert output == "-" or not (tmp_path / output).exists()
    assert proc.stdout == b""


@pytest.mark.parametrize("change", [{"timeout": float("inf")}, {"timeout": -1.0}, {"max_memory_mb": -5},
                                    {"max_pages": 0}])
def test_the_library_refuses_them_too(tmp_path, change):
    options = batch.Options(settings=DEFAULT.replace(**change))
    with pytest.raises(batch.UsageError):
        batch.convert_batch([SAMPLE], tmp_path / "out", options=options, stream=io.StringIO())
    assert not (tmp_path / "out").exists()


def test_zero_still_means_no_limit(tmp_path):
    proc = cli("convert", SAMPLE, "-o", tmp_path / "out", "--timeout", "0", "--max-memory", "0")
    assert proc.returncode == 0, text(proc.stderr)
