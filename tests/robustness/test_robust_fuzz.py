"""Fuzzing the batch with mutants of real PDFs (fixed seeds): no
traceback, no hang past the limits, no partial JSON, the exit code the
report implies, every output valid against the shipped schema, and a
warning wherever pages or projects were lost (``fuzzing.check_batch``).
A few mutants in the default run, a few hundred in the slow one; more with
``python tests/robustness/fuzzing.py``."""

from __future__ import annotations


import pytest

from fuzzing import Limits, check_batch, make_mutants
from robust_runs import ROOT, SAMPLE

#: A real document of many pages, when the shared folder is beside the clone.
REALFORM = ROOT.parent / "shared" / "realforms" / "changsha-jiaoyuju-2026.pdf"


def test_a_dozen_mutants_keep_every_promise(tmp_path):
    origin = make_mutants([SAMPLE], tmp_path / "in", 12, seed=2024)
    assert check_batch(tmp_path / "in", tmp_path / "out", origin, Limits(timeout=120)) == []


@pytest.mark.slow
def test_three_hundred_mutants_keep_every_promise(tmp_path):
    sources = [SAMPLE] + ([REALFORM] if REALFORM.is_file() else [])
    origin = make_mutants(sources, tmp_path / "in", 300, seed=17)
    problems = check_batch(tmp_path / "in", tmp_path / "out", origin, Limits(timeout=120))
    assert problems == [], "\n".join(problems)
